"""Rollouts: turn a policy's output into a scored scene.

A **candidate** is one sample of a policy for one prompt: a program, the scene it built, the
errors the executor raised on the way, and its reward.

* The **offline planner** (round 0 data) runs its own multi-step episode
  (:func:`worldsmith.pipeline.episode.run_episode`) at a sampling ``temperature``; its program is
  the episode's applied step programs in order.
* A **program** (a whole room in one program: a kept episode's blocks joined, a hand-written
  one) runs *block by block*
  (:func:`split_blocks`, :func:`run_blocks`): each statement, with the lines that place or edit the
  handle it created, is its own step, so one bad line costs that block, not the room. Failed
  blocks are left out of the scene and their errors kept (``errors``: block index, code, line,
  message); the candidate's ``program`` is the blocks that ran, so the kept program is exactly
  the one that built the scene.

The **local policy** plays episodes step by step, one block a step
(:mod:`worldsmith.improve.local.steps`); :func:`local_episodes` plays and scores a chunk of them.

All run in worker processes (:func:`evaluate`, :func:`local_episodes`; picklable task dicts) through an
:class:`~worldsmith.pipeline.executors.Executor`. The reward is
:func:`worldsmith.improve.rewards.parse_reward` of the task's spec, built once per process.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import time
from dataclasses import dataclass, field

from ..scene import Scene
from ..scene.errors import one_line
from .local.tokenizer import canonical_program

_ASSIGN = re.compile(r"\s*(h\d+)\s*=")
_HANDLE = re.compile(r"\b(h\d+)\b")


def _depth(line: str) -> int:
    """Net open brackets of ``line`` outside string literals."""
    depth, quote = 0, ""
    for ch in line:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
    return depth


def split_blocks(program: str) -> list[str]:
    """The program's blocks (see the module doc). A line that uses handle ``hN`` (places or edits
    it, or places another object relative to it) joins the block that created ``hN`` (merging the
    blocks in between, so order is kept; handles live only inside a block); indented lines
    and the continuation lines of an open bracket join the current block; every other line starts
    a new block."""
    blocks: list[list[str]] = []
    owner: dict[str, int] = {}
    depth = 0
    for line in canonical_program(program).splitlines():
        if blocks and (depth > 0 or line[:1] in (" ", "\t")):
            blocks[-1].append(line)
        else:
            m_assign = _ASSIGN.match(line)
            refs = set(_HANDLE.findall(line)) - ({m_assign.group(1)} if m_assign else set())
            owners = [owner[h] for h in refs if h in owner]
            if owners:
                start = min(owners)
                merged = [ln for b in blocks[start:] for ln in b] + [line]
                blocks[start:] = [merged]
                for h, i in owner.items():
                    if i > start:
                        owner[h] = start
            else:
                blocks.append([line])
            if m_assign:
                owner[m_assign.group(1)] = len(blocks) - 1
        depth = max(0, depth + _depth(line))
    return ["\n".join(b) for b in blocks]


@dataclass
class BlockRun:
    """A program run block by block: the scene, the blocks that ran (``program``) and the errors."""

    scene: Scene
    program: str
    blocks: int
    applied: int
    errors: list[dict] = field(default_factory=list)


def run_blocks(program: str, prompt: str, seed: int) -> BlockRun:
    """Run ``program`` block by block from an empty scene (see the module doc): a replay of its
    blocks (:func:`worldsmith.improve.local.steps.replay`, the local policy's episode mechanics)."""
    from .local.steps import replay

    blocks = split_blocks(program)
    ep = replay(prompt, seed, blocks, observe=False)
    return BlockRun(ep.scene, ep.program, len(blocks), len(ep.steps), ep.errors)


def planner_run(prompt: str, seed: int, temperature: float) -> BlockRun:
    """One offline planner episode at ``temperature`` (see the module doc)."""
    from ..pipeline.episode import run_episode
    from ..policy.offline.planner import OfflinePlanner

    episode = run_episode(OfflinePlanner(temperature), prompt, seed)
    programs = [canonical_program(p) for _, p in episode.programs]
    return BlockRun(episode.scene, "\n".join(p for p in programs if p), len(episode.trajectory),
                    len(episode.programs), episode_errors(episode))


def episode_errors(episode) -> list[dict]:
    """The failed and rolled-back steps of an episode as candidate errors (``block`` = the step)."""
    return [{"block": r["step"], **r["error"]} for r in episode.trajectory if r.get("error")]


#: loggers whose warnings (an unknown colour ignored, a size a generator draws as a box) are about
#: odd arguments a sampled program wrote; in rollouts they are silenced, not printed per candidate
#: (what the executor refused is in the candidate's ``errors``)
QUIET_LOGGERS = ("worldsmith.materials.resolve", "worldsmith.assets.build")


@contextlib.contextmanager
def quiet():
    """Silence :data:`QUIET_LOGGERS` below errors while the block runs."""
    loggers = [logging.getLogger(name) for name in QUIET_LOGGERS]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


@functools.lru_cache(maxsize=4)
def _reward(spec: str, clip_model: str | None):
    from .rewards import parse_reward

    return parse_reward(spec, clip_model=clip_model)


def _score(task: dict, run: BlockRun, t0: float) -> dict:
    """The candidate record of ``run`` scored with the task's reward (see :func:`evaluate`)."""
    from ..scene import dumps

    base = {"seed": task["seed"], "program": run.program, "blocks": run.blocks, "applied": run.applied}
    try:
        result = _reward(task["reward"], task.get("clip_model"))(task["prompt"], run.scene)
    except Exception as exc:  # noqa: BLE001 - a scene that cannot be scored is a failed candidate
        import logging

        message = f"{type(exc).__name__}: {one_line(exc)}"
        logging.getLogger(__name__).warning("candidate (seed %s) could not be scored: %s", task["seed"], message)
        out = {**base, "errors": (run.errors + [{"block": None, "code": "E_INTERNAL", "line": None, "message": message,
                                                  "hint": "the scene could not be scored; please report it"}])[:20],
               "reward": 0.0, "breakdown": {}, "details": {}}
    else:
        out = {**base, "errors": run.errors[:20], "reward": result.total, "breakdown": dict(result.breakdown),
               "details": result.details}
    out["objects"] = len(run.scene.objects)
    out["seconds"] = round(time.perf_counter() - t0, 3)
    if task.get("scene"):
        out["scene_json"] = dumps(run.scene)
    return out


def early_stop(task: dict, rec: dict, blocks: list[str], *, steps: bool = False) -> dict:
    """Trim a scored candidate (``rec``, from ``blocks``: the blocks that ran) and score its
    hindsight edits, for the improve loop's selection
    (:func:`worldsmith.improve.local.steps.trim`):

    * its **no-op blocks** are left out of ``rec["program"]`` (``rec["noops"]``: how many) -- the
      scene and so the reward are unchanged, and no kept sample teaches repeating a block;
    * when it meets every requirement before its last block, ``rec["edits"]`` holds, scored like
      any candidate: ``early``, the episode stopped right there (what the policy would have
      played had it stopped as soon as the prompt was met), and, when that has extras, ``lean``,
      the early one without them (blocks that added objects without meeting a requirement; a
      block that fails without them is left out too). Each edit has ``edit`` (its name) and
      ``stop`` = ``"early"``.

    Best-of-K then picks among the K samples and their edits; an edit wins only where the reward
    prefers it (docs/improve.md: what that teaches). ``steps``: also give the records ``steps``
    and ``final_observation`` (the local policy's episodes). Returns ``rec``."""
    from .local.steps import replay, trim

    found = trim(task["prompt"], task["seed"], blocks)
    if len(found.blocks) < len(blocks):
        rec["noops"] = len(blocks) - len(found.blocks)
        rec["program"] = "\n".join(found.blocks)
        if steps:
            ep = replay(task["prompt"], task["seed"], found.blocks)
            rec.update(steps=ep.steps, final_observation=ep.observation())
    edits = []
    if found.done_at is not None and found.done_at < len(found.blocks):
        early = found.blocks[:found.done_at]
        edits.append(("early", early))
        if found.extras:
            extras = set(found.extras)
            edits.append(("lean", [b for i, b in enumerate(early) if i not in extras]))
    rec["edits"] = []
    for name, edit in edits:
        t0 = time.perf_counter()
        ep = replay(task["prompt"], task["seed"], edit, observe=steps)
        e = _score(task, BlockRun(ep.scene, ep.program, len(edit), len(ep.steps), ep.errors), t0)
        e.update(edit=name, stop="early")
        if steps:
            e.update(steps=ep.steps, final_observation=ep.observation())
        rec["edits"].append(e)
    return rec


def evaluate(task: dict) -> dict:
    """Run and score one candidate (a worker-process function).

    ``task``: ``{"kind": "planner" | "program", "prompt", "seed", "temperature" (planner),
    "program" (program), "reward": spec, "clip_model": dir or None, "scene": bool,
    "early_stop": bool}``. Returns ``{"seed", "program", "blocks", "applied", "errors", "reward",
    "breakdown", "details", "objects", "seconds"}`` plus ``"scene_json"`` when ``task["scene"]``,
    trimmed by :func:`early_stop` when ``task["early_stop"]``. A scene the reward
    cannot score (an internal error) is a failed candidate: reward 0 and an ``E_INTERNAL`` error,
    logged, so one bad sample never stops a run."""
    t0 = time.perf_counter()
    with quiet():
        if task["kind"] == "planner":
            run = planner_run(task["prompt"], task["seed"], task["temperature"])
        else:
            run = run_blocks(task["program"], task["prompt"], task["seed"])
        rec = _score(task, run, t0)
        if task.get("early_stop"):
            early_stop(task, rec, split_blocks(run.program))
        return rec


@functools.lru_cache(maxsize=2)
def _checkpoint(path: str):
    from .local.model import load
    from .local.tokenizer import Grammar

    model, tok, _, _ = load(path)
    return model, tok, Grammar(tok)


def local_episodes(task: dict) -> list[dict]:
    """Play and score a chunk of local-policy episodes (a worker-process function).

    ``task``: ``{"checkpoint": dir, "units": [[prompt, scene seed], ...], "temperature",
    "sample_seed", "reward", "clip_model", "scene": bool}``. The episodes are played together
    (:func:`worldsmith.improve.local.steps.rollout`, one torch thread, so the samples do not depend
    on the machine's core count) and each is scored like :func:`evaluate`'s candidates, with
    ``"steps"`` (the blocks that ran, each with the observation it was written from),
    ``"final_observation"`` (what the policy saw when it stopped) and ``"stop"`` (why it ended:
    ``stop``, ``patience`` or ``max_steps``) added; with ``"early_stop": True`` each is trimmed
    by :func:`early_stop`."""
    import torch

    from .local.steps import rollout

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        model, tok, grammar = _checkpoint(str(task["checkpoint"]))
        t0 = time.perf_counter()
        with quiet():
            episodes = rollout(model, tok, grammar, [(p, s) for p, s in task["units"]],
                               temperature=task["temperature"], seed=task["sample_seed"])
    finally:
        torch.set_num_threads(threads)
    share = (time.perf_counter() - t0) / max(1, len(episodes))
    out = []
    with quiet():
        for (prompt, seed), ep in zip(task["units"], episodes):
            run = BlockRun(ep.scene, ep.program, ep.attempts, len(ep.steps), ep.errors)
            rec = _score({**task, "prompt": prompt, "seed": seed}, run, time.perf_counter() - share)
            rec.update(steps=ep.steps, final_observation=ep.observation(), stop=ep.stop)
            if task.get("early_stop"):
                early_stop({**task, "prompt": prompt, "seed": seed}, rec, [st["program"] for st in ep.steps],
                           steps=True)
            out.append(rec)
    return out
