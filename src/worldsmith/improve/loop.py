"""``worldsmith improve``: sample K candidates, keep the best, fine-tune, evaluate; round after round.

For round ``r = 1 .. R`` (files: :mod:`worldsmith.improve.store`):

1. **Collect.** For each training prompt, roll out ``K`` candidates (whole episodes; with
   ``unit="step"`` and the VLM policy, ``K`` replies at every step of one episode) with the policy of round
   ``r - 1`` -- the offline planner sampled at ``planner_temperature`` for round 1 ("round 0"),
   then the local model of the previous round sampled at ``temperature``, one block a step
   (:mod:`worldsmith.improve.local.steps`) -- and score each with
   the reward (:mod:`worldsmith.improve.rewards`). With ``early_stop`` (local policy, the
   default) each candidate is kept without its no-op blocks, and one that meets every requirement
   before its end is also scored stopped right there, and that without its extra objects, as
   more candidates (hindsight edits, :func:`.rollout.early_stop`). The best candidate (highest
   reward; the first on a tie) is kept, and with ``keep`` > 1 (2 by default) the best of each
   other sampled episode after it, up to ``keep`` samples (:func:`best_of_samples`: another
   room for the same prompt, not another edit of the same episode) -- each unless it does not beat
   the best sample kept for that prompt in an earlier round by at least ``margin`` (0 by default:
   a round never keeps a sample worse than one the prompt already has, so the data only gets
   better; -1 keeps them all). One line per prompt in ``rollouts.jsonl`` holds every candidate
   (program, reward, breakdown, executor errors), the kept best (``kept``) and the others kept
   (``more``), each kept sample with its steps (each block with the text observation it was
   written from and as chat messages, then ``done()`` when the episode stopped by choice with
   nothing needed; a planner program is replayed block by block for them,
   :func:`planner_steps`), its render and, for the local trainer with ``deferred``, its deferred
   steps (:func:`.local.steps.deferred_steps`, found once here rather than every round).
2. **Export** the kept samples of rounds ``1..r`` as fine-tuning data (:mod:`.export`):
   ``export/rNNN/openai.jsonl`` and ``export/rNNN/hf/``.
3. **Train** (``trainer``): ``local`` trains the local model (:mod:`.local.model`) on the steps of
   the kept samples of rounds ``1..r`` (one example per step: its observation, then its block or,
   for ``done()``, the empty block; with ``deferred``, also each sample's deferred steps:
   :func:`.local.steps.deferred_steps`) -- from scratch in round 1 (``epochs_first``), continuing from the
   previous checkpoint after (``epochs_more``); ``hf`` LoRA-fine-tunes ``base_model`` on the HF
   dataset (:mod:`.lora`); ``openai-export`` stops after writing the hosted fine-tuning file.
4. **Evaluate** (local policy) on the held-out prompts, never trained on: ``eval_samples``
   samples per prompt at ``eval_temperature``; the mean reward is the round's figure. Before
   round 1, the offline planner's single-sample reward (at temperature 1, its default, same
   seeds) on the same units is the baseline.

Seeds: every candidate's scene seed and every sampling generator derive from ``seed``, the round
and the prompt id (:func:`worldsmith.improve.seeds.derive_seed`), so a run is reproducible and a
resumed run continues with exactly the units it would have run. Local episodes are played in
fixed chunks of :data:`LOCAL_CHUNK` over all prompts (:meth:`Improver._run_local`) so a unit's
episodes do not depend on which other units are still to do.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from ..scene import Scene, WorldsmithError
from ..pipeline.executors import make_executor
from .prompts import PromptItem, prompt_sets
from .rollout import evaluate
from .seeds import derive_seed
from .store import RunStore, round_name

log = logging.getLogger(__name__)

POLICIES = ("local", "vlm")
TRAINERS = ("local", "hf", "openai-export")
#: local-policy episodes played together in one batch (one executor task)
LOCAL_CHUNK = 16


class ImproveError(WorldsmithError):
    """Bad settings for an improve run."""


@dataclass(frozen=True)
class ImproveSettings:
    """Everything a run is configured with (the CLI flags). Only :meth:`identity` must match to resume."""

    out: str
    prompts: str | None = None
    heldout: str | None = None
    rounds: int = 3
    candidates: int = 4
    policy: str = "local"
    trainer: str = "local"
    reward: str = "fidelity+plausibility+text_alignment"
    clip_model: str | None = None
    #: keep a round's best only if it is at least this much better than the prompt's earlier best
    #: (0, the default: never keep a worse sample than the prompt has; -1 or None: always keep the best)
    margin: float | None = 0.0
    #: samples kept per prompt and round: the best, then the best of each other sampled episode
    #: (:func:`best_of_samples`; at most one per episode, so at most ``candidates``), each only if
    #: it passes ``margin``
    keep: int = 2
    temperature: float = 0.7
    planner_temperature: float = 1.5
    eval_temperature: float = 0.5
    eval_samples: int = 2
    tiny: bool = False
    seed: int = 0
    jobs: int = 2
    renders: bool = True
    base_model: str | None = None
    lora_steps: int = 100
    lora_max_length: int = 8192
    #: --policy vlm: the OpenAI-compatible endpoint and the episode limits
    base_url: str | None = None
    model: str | None = None
    max_steps: int = 8
    patience: int = 3
    #: best-of-K over whole episodes, or over the replies at each step (--policy vlm)
    unit: str = "episode"
    #: --policy local: keep samples without their no-op blocks, and also score each one stopped
    #: as soon as it meets the prompt, and that without its extra objects (:func:`.rollout.early_stop`)
    early_stop: bool = True
    #: --policy local: also train on each kept sample's deferred steps (a requested object's
    #: block moved to the end: :func:`.local.steps.deferred_steps`)
    deferred: bool = True
    #: the seed of the training alone (the local model's initialisation and example order, or the
    #: LoRA run's); None: as before, from ``seed``. Samples, scenes and evaluation keep ``seed``, so
    #: a rerun with another ``train_seed`` measures how much a round's figure owes to the training run
    train_seed: int | None = None

    def check(self) -> None:
        if self.policy not in POLICIES:
            raise ImproveError(f"unknown --policy {self.policy!r}; choose from: {', '.join(POLICIES)}")
        if self.trainer not in TRAINERS:
            raise ImproveError(f"unknown --trainer {self.trainer!r}; choose from: {', '.join(TRAINERS)}")
        if self.policy == "local" and self.trainer != "local":
            raise ImproveError("--policy local trains with --trainer local")
        if self.policy == "vlm" and self.trainer == "local":
            raise ImproveError("--policy vlm needs --trainer hf (with --base-model) or --trainer openai-export")
        if self.unit not in ("episode", "step"):
            raise ImproveError(f"unknown --unit {self.unit!r}; choose from: episode, step")
        if self.unit == "step" and self.policy != "vlm":
            raise ImproveError("--unit step needs --policy vlm (the local policy writes a whole room in one program)")
        if self.policy == "vlm" and not (self.base_url and self.model):
            raise ImproveError("--policy vlm needs --base-url and --model (an OpenAI-compatible endpoint)")
        if self.trainer == "hf" and not self.base_model:
            raise ImproveError("--trainer hf needs --base-model DIR (a local Hugging Face VLM checkpoint)")
        for name, lo, hi in (("rounds", 1, 100), ("candidates", 1, 64), ("keep", 1, 64), ("eval_samples", 1, 16), ("jobs", 1, 64),
                             ("lora_steps", 1, 1_000_000), ("lora_max_length", 64, 1_000_000), ("max_steps", 1, 200), ("patience", 1, 200),
                             ("train_seed", 0, 2 ** 31 - 1)):
            v = getattr(self, name)
            if v is None and name == "train_seed":  # the default: from seed
                continue
            if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
                raise ImproveError(f"--{name.replace('_', '-')} must be a whole number from {lo} to {hi}, got {v!r}")
        for name in ("temperature", "planner_temperature", "eval_temperature"):
            v = getattr(self, name)
            if not 0.0 <= v <= 3.0:
                raise ImproveError(f"--{name.replace('_', '-')} must be between 0 and 3, got {v!r}")
        if self.margin is not None and not -1.0 <= self.margin <= 1.0:
            raise ImproveError(f"--margin must be between -1 and 1, got {self.margin!r}")

    def identity(self) -> dict:
        """The settings that decide the results (stored in ``run.json``; a resume must match)."""
        d = dataclasses.asdict(self)
        for k in ("out", "jobs"):
            d.pop(k)
        if self.train_seed is None:  # a run stored before the setting existed still resumes
            d.pop("train_seed")
        if self.policy != "vlm":
            for k in ("base_url", "model", "max_steps", "patience", "unit"):
                d.pop(k)
        else:
            d.pop("early_stop")
            d.pop("deferred")
        if self.trainer != "hf":
            d.pop("lora_max_length")
        d["model"] = self.model_config().to_dict() if self.policy == "local" else None
        return d

    def model_config(self):
        from .local.model import DEFAULT, TINY

        return TINY if self.tiny else DEFAULT


def tiny_sets(train: list[PromptItem], held: list[PromptItem]) -> tuple[list[PromptItem], list[PromptItem]]:
    """The ``--tiny`` subsets: the first 6 training and the first 3 held-out prompts."""
    return train[:6], held[:3]


#: the system message of a local-policy step in the exported chat data
LOCAL_SYSTEM = ("You build a 3D room for the user's prompt one step at a time in the Worldsmith DSL. The user "
                "message gives the prompt and the scene as text: the requested things still missing "
                "('need' lines), the room's size, openings, lights, materials and objects. Reply with the "
                "next block of DSL code, or done() alone when the room is finished.")


def local_messages(prompt: str, observation: str) -> list[dict]:
    """The chat messages of a local-policy step (:data:`LOCAL_SYSTEM`, then the prompt and the
    step's text observation): what the exported data pairs with the step's block."""
    return [{"role": "system", "content": LOCAL_SYSTEM},
            {"role": "user", "content": f"Prompt: {prompt}\nScene:\n{observation}"}]


#: why an episode ended, when it was the policy's choice: its own ``done()``, or a hindsight edit
#: that stopped it where the prompt was met (:func:`.rollout.early_stop`)
CHOSEN_STOPS = ("stop", "early")


def local_steps(steps: Sequence[dict], prompt: str, final_observation: str, stop: str = "stop") -> list[dict]:
    """A local episode's store steps: each block that ran with its observation and messages,
    then, when the episode ended by choice (``stop`` in :data:`CHOSEN_STOPS`; not when it ran
    out of steps or patience) with nothing needed any more, ``done()`` from the observation it
    stopped at. A stop with a requirement still unmet was a mistake, whatever the episode's
    reward: the policy learns the blocks that ran, never that stop."""
    from .local.steps import nothing_needed

    out = [{"messages": local_messages(prompt, st["observation"]), "observation": st["observation"],
            "program": st["program"], "error": None} for st in steps]
    if stop in CHOSEN_STOPS and nothing_needed(final_observation):
        out.append({"messages": local_messages(prompt, final_observation), "observation": final_observation,
                    "program": DONE, "error": None})
    return out


def best_of_samples(cands: list[dict], keep: int) -> list[int]:
    """The indices of the candidates a unit keeps, best first: the best candidate (highest
    reward, the first on a tie), then the best of each *other* sample -- a sample and its
    hindsight edits (``edit_of``) are one --, at most ``keep`` in all. Two edits of one episode
    are nearly the same steps; the best of another episode is a different room for the prompt."""
    order = sorted(range(len(cands)), key=lambda k: (-cands[k]["reward"], k))
    picks, roots = [], set()
    for k in order:
        root = cands[k].get("edit_of")
        root = k if root is None else root
        if root not in roots:
            roots.add(root)
            picks.append(k)
        if len(picks) == keep:
            break
    return picks


def with_edits(cands: list[dict]) -> list[dict]:
    """A unit's K candidates, then the hindsight edits of each (:func:`.rollout.early_stop`;
    marked ``edit_of``: the index of their candidate): the list best-of-K picks from."""
    out = [{k: v for k, v in c.items() if k != "edits"} for c in cands]
    return out + [{**e, "edit_of": k} for k, c in enumerate(cands) for e in c.get("edits", ())]


#: the program of the step that ends an episode (the local model writes it as an empty block)
DONE = "done()"


class Improver:
    """One run (see the module doc); :meth:`run` returns the report dict."""

    def __init__(self, settings: ImproveSettings, progress: Callable[[str, int, int], None] | None = None):
        settings.check()
        self.s = settings
        self.progress = progress or (lambda what, done, total: None)
        train, held = prompt_sets(settings.prompts, settings.heldout)
        if settings.tiny:
            train, held = tiny_sets(train, held)
        self.train, self.held = train, held
        from .rewards import parse_reward

        parse_reward(settings.reward, clip_model=settings.clip_model)  # fail fast on a bad spec
        self.store = RunStore(settings.out, {**settings.identity(), "train_ids": [p.id for p in train],
                                             "heldout_ids": [p.id for p in held]})
        self.executor = make_executor("local", settings.jobs)

    # -- helpers ------------------------------------------------------------------------------
    def _task(self, kind: str, prompt: str, seed: int, **kw) -> dict:
        return {"kind": kind, "prompt": prompt, "seed": seed, "reward": self.s.reward,
                "clip_model": self.s.clip_model, **kw}

    def _eval_units(self) -> list[tuple[str, PromptItem, int]]:
        return [(f"{p.id}/s{j}", p, derive_seed(self.s.seed, "eval", p.id, j))
                for p in self.held for j in range(self.s.eval_samples)]

    def _render(self, scene: Scene, name: str) -> str | None:
        if not self.s.renders or not scene.rooms:
            return None
        try:
            from PIL import Image

            from ..pipeline.observe import view_image

            rgb = view_image(scene, "topdown", (384, 384))
            path = self.store.path(f"renders/{name}.png")
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.png")
            Image.fromarray(rgb).save(tmp)
            tmp.replace(path)
            return f"renders/{name}.png"
        except Exception as exc:  # noqa: BLE001 - a store without pictures is still a store
            log.warning("kept-scene render failed (%s); storing without a picture", exc)
            self.s = dataclasses.replace(self.s, renders=False)
            return None

    def _run_units(self, what: str, units: list[tuple[str, list[dict]]], finish: Callable[[str, list[dict]], None]):
        """Evaluate each unit's tasks in the executor; ``finish(unit, results)`` once all of a
        unit's tasks are back (results in task order)."""
        flat = [(u, i, t) for u, tasks in units for i, t in enumerate(tasks)]
        pending = {u: [None] * len(tasks) for u, tasks in units}
        left = {u: len(tasks) for u, tasks in units}
        total, done = len(units), 0
        self.progress(what, 0, total)
        for idx, result in self.executor.imap(evaluate, [t for _, _, t in flat]):
            u, i, _ = flat[idx]
            pending[u][i] = result
            left[u] -= 1
            if left[u] == 0:
                finish(u, pending.pop(u))
                done += 1
                self.progress(what, done, total)

    # -- phases -------------------------------------------------------------------------------
    def baseline(self) -> None:
        name = "baseline.jsonl"
        have = self.store.records(name)
        units = [(u, [self._task("planner", p.prompt, seed, temperature=1.0)])
                 for u, p, seed in self._eval_units() if u not in have]
        prompts = {u: p for u, p, _ in self._eval_units()}

        def finish(u: str, results: list[dict]) -> None:
            r = results[0]
            self.store.append(name, {"unit": u, "prompt_id": prompts[u].id, "reward": r["reward"],
                                     "breakdown": r["breakdown"], "errors": len(r["errors"]), "seed": r["seed"]})

        if units:
            self._run_units("baseline (offline planner, held-out)", units, finish)

    def _best_before(self, r: int) -> dict[str, float]:
        best: dict[str, float] = {}
        for s in self.store.kept(range(1, r)):
            best[s["prompt_id"]] = max(best.get(s["prompt_id"], float("-inf")), s["reward"])
        return best

    def collect(self, r: int) -> None:
        rn = round_name(r)
        name = f"rounds/{rn}/rollouts.jsonl"
        have = self.store.records(name)
        todo = [p for p in self.train if p.id not in have]
        if not todo:
            return
        K = self.s.candidates
        seeds = {p.id: [derive_seed(self.s.seed, rn, p.id, k) for k in range(K)] for p in self.train}
        if self.s.policy == "vlm":
            return self._collect_vlm(r, todo)
        prompts = {p.id: p for p in todo}
        before = self._best_before(r)
        if r == 1:
            units = [(p.id, [self._task("planner", p.prompt, seeds[p.id][k], temperature=self.s.planner_temperature,
                                        scene=True, early_stop=self.s.early_stop) for k in range(K)]) for p in todo]

            def finish(pid: str, results: list[dict]) -> None:
                cands = with_edits(results)
                self._store_unit(r, prompts[pid], cands, before, "offline",
                                 scene_of=lambda best: _scene_of(cands[best]["scene_json"]),
                                 steps_of=lambda best, sid: planner_steps(prompts[pid].prompt, cands[best]))

            self._run_units(f"round {r}: {K} candidates x {len(todo)} prompts (offline)", units, finish)
            return

        def finish_local(pid: str, results: list[dict]) -> None:
            cands = with_edits(results)
            self._store_unit(r, prompts[pid], cands, before, "local",
                             scene_of=lambda best: _scene_of(cands[best]["scene_json"]),
                             steps_of=lambda best, sid: local_steps(cands[best]["steps"], prompts[pid].prompt,
                                                                    cands[best]["final_observation"],
                                                                    cands[best]["stop"]))

        groups = [(p.id, [(p.prompt, seeds[p.id][k]) for k in range(K)]) for p in self.train]
        self._run_local(f"round {r}: {K} candidates x {len(todo)} prompts (local)", groups, r - 1,
                        self.s.temperature, f"{rn}/collect", finish_local, set(prompts), scene=True,
                        early_stop=self.s.early_stop)

    def _run_local(self, what: str, groups: list[tuple[str, list[tuple[str, int]]]], ckpt_round: int,
                   temperature: float, tag: str, finish: Callable[[str, list[dict]], None], todo: set[str],
                   scene: bool = False, early_stop: bool = False) -> None:
        """Play ``groups`` (key, its episodes' ``(prompt, scene seed)``) with the checkpoint of
        ``ckpt_round`` and ``finish(key, candidates)`` each group in ``todo``. Consecutive groups are
        packed into chunks of at most :data:`LOCAL_CHUNK` episodes over *all* groups (a chunk's
        sampling seed derives from ``tag`` and its index), so a resumed run plays every episode
        exactly as the first run would have; chunks run in the executor's processes."""
        from .rollout import local_episodes

        chunks: list[list[tuple[str, list[tuple[str, int]]]]] = [[]]
        for g in groups:
            if chunks[-1] and sum(len(e) for _, e in chunks[-1]) + len(g[1]) > LOCAL_CHUNK:
                chunks.append([])
            chunks[-1].append(g)
        ckpt = str(self.store.path(f"checkpoints/{round_name(ckpt_round)}"))
        tasks, members = [], []
        for ci, chunk in enumerate(chunks):
            if not any(key in todo for key, _ in chunk):
                continue
            tasks.append({"checkpoint": ckpt, "units": [list(u) for _, eps in chunk for u in eps],
                          "temperature": temperature, "sample_seed": derive_seed(self.s.seed, tag, ci),
                          "reward": self.s.reward, "clip_model": self.s.clip_model, "scene": scene,
                          "early_stop": early_stop})
            members.append(chunk)
        total, done = sum(key in todo for chunk in members for key, _ in chunk), 0
        self.progress(what, 0, total)
        for idx, results in self.executor.imap(local_episodes, tasks):
            at = 0
            for key, eps in members[idx]:
                part, at = results[at:at + len(eps)], at + len(eps)
                if key in todo:
                    finish(key, part)
                    done += 1
                    self.progress(what, done, total)

    def _store_unit(self, r: int, p: PromptItem, cands: list[dict], before: dict[str, float], policy: str, *,
                    scene_of: Callable[[int], Scene], steps_of: Callable[[int, str], list[dict]]) -> None:
        """Store a training prompt's unit of round ``r``: every candidate, and the ones
        :func:`best_of_samples` picks as the kept samples (the best in ``kept``, the others in
        ``more``) -- each unless its program is empty or ``margin`` is set and it does not beat
        ``before[p.id]`` (the prompt's best earlier kept reward) by at least that (to 1e-9: rewards
        are rounded to 6 decimals). ``scene_of(k)`` and ``steps_of(k, sample_id)`` give candidate
        ``k``'s scene (rendered into the store) and its steps."""
        picks = best_of_samples(cands, self.s.keep)
        best = picks[0]

        def worth(k: int) -> bool:
            return bool(cands[k]["program"].strip()) and (
                self.s.margin is None or p.id not in before or cands[k]["reward"] >= before[p.id] + self.s.margin - 1e-9)

        from .rollout import quiet

        samples = []
        for j, k in enumerate(picks):
            if not worth(k):
                continue
            sid = f"{round_name(r)}-{p.id}" + (f"-{j + 1}" if j else "")
            win = cands[k]
            with quiet():  # the kept scene is rendered and a planner's replayed: no per-colour warnings
                sample = {"id": sid, "round": r, "prompt_id": p.id, "prompt": p.prompt, "seed": win["seed"],
                          "candidate": k, "policy": policy, "reward": win["reward"],
                          "breakdown": win["breakdown"], "render": self._render(scene_of(k), sid),
                          "steps": steps_of(k, sid)}
                if self.s.trainer == "local" and self.s.deferred:  # once here, not again every round
                    sample["deferred"] = _deferred_of(sample)
                samples.append(sample)
        kept = samples[0] if samples and samples[0]["candidate"] == best else None
        more = samples[1:] if kept is not None else samples
        self.store.append(f"rounds/{round_name(r)}/rollouts.jsonl", {
            "unit": p.id, "prompt": p.prompt, "best": best, "kept": kept, "more": more,
            "previous_best": before.get(p.id),
            "candidates": [{k: v for k, v in c.items()
                            if k not in ("scene_json", "details", "steps", "final_observation")} for c in cands]})

    def _vlm_settings(self):
        from ..policy.vlm.client import ClientConfig
        from ..policy.vlm.policy import VLMSettings

        client = ClientConfig(base_url=self.s.base_url, model=self.s.model, temperature=self.s.temperature)
        return VLMSettings(client, asset_policy="off")

    def _write_png(self, name: str, data: bytes) -> str:
        from ..scene.files import atomic_write_bytes

        rel = f"renders/{name}.png"
        path = self.store.path(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, data)
        return rel

    def _collect_vlm(self, r: int, todo: list[PromptItem]) -> None:
        """Round ``r`` with the VLM policy: K episodes per prompt through the endpoint (in this
        process, one after the other; the endpoint is the bottleneck), the best kept with every
        step's messages (:mod:`.vlm_rollout`)."""
        from .rewards import parse_reward
        from .vlm_rollout import store_steps, vlm_candidate, vlm_step_candidate

        rn = round_name(r)
        K = self.s.candidates
        reward = parse_reward(self.s.reward, clip_model=self.s.clip_model)
        vlm = self._vlm_settings()
        before = self._best_before(r)
        what = f"round {r}: {K} candidates x {len(todo)} prompts (vlm, per {self.s.unit})"
        self.progress(what, 0, len(todo))
        for n, p in enumerate(todo, 1):
            if self.s.unit == "step":
                results = [vlm_step_candidate(vlm, p.prompt, derive_seed(self.s.seed, rn, p.id, 0), reward, K,
                                              max_steps=self.s.max_steps, patience=self.s.patience)]
            else:
                results = [vlm_candidate(vlm, p.prompt, derive_seed(self.s.seed, rn, p.id, k), reward,
                                         max_steps=self.s.max_steps, patience=self.s.patience) for k in range(K)]
            self._store_unit(r, p, [c for c, _, _ in results], before, "vlm",
                             scene_of=lambda best: results[best][1],
                             steps_of=lambda best, sid: store_steps(results[best][2], self._write_png, sid))
            self.progress(what, n, len(todo))

    def export(self, r: int) -> None:
        rn = round_name(r)
        if self.store.path(f"export/{rn}").exists():
            return
        from .export import export_hf, export_openai

        samples = self.store.kept(range(1, r + 1))
        tmp = self.store.staging(f"export/{rn}")
        tmp.mkdir()
        n = export_openai(samples, self.store.root, tmp / "openai.jsonl")
        export_hf(samples, self.store.root, tmp / "hf")
        self.store.commit(f"export/{rn}", tmp)
        log.info("exported %d examples for round %d", n, r)

    def train_round(self, r: int) -> dict:
        rn = round_name(r)
        done = self.store.read_json(f"rounds/{rn}/train.json")
        if done is not None:
            return done
        t0 = time.perf_counter()
        if self.s.trainer == "openai-export":
            result = {"trainer": "openai-export", "file": f"export/{rn}/openai.jsonl"}
        elif self.s.trainer == "hf":
            from .lora import LoraConfig, train_lora

            tmp = self.store.staging(f"checkpoints/{rn}")
            res = train_lora(self.store.path(f"export/{rn}/hf"), Path(self.s.base_model), tmp,
                             LoraConfig(steps=self.s.lora_steps, seed=self._train_seed(), max_length=self.s.lora_max_length),
                             progress=lambda step, loss: self.progress(f"round {r}: LoRA", step, self.s.lora_steps))
            self.store.commit(f"checkpoints/{rn}", tmp)
            result = {"trainer": "hf", **{k: v for k, v in res.items() if k != "losses"},
                      "first_loss": res["losses"][0], "last_loss": res["losses"][-1]}
        else:
            result = self._train_local(r)
        result["seconds"] = round(time.perf_counter() - t0, 2)
        self.store.write_json(f"rounds/{rn}/train.json", result)
        return result

    def _train_seed(self) -> int:
        return self.s.seed if self.s.train_seed is None else self.s.train_seed

    def _train_local(self, r: int) -> dict:
        from .local import model as M
        from .local.tokenizer import DSLTokenizer, observation_slots

        cfg = self.s.model_config()
        samples = self.store.kept(range(1, r + 1))
        if r == 1:
            tok = DSLTokenizer()
            model = M.build_model(cfg if self.s.train_seed is None else dataclasses.replace(cfg, seed=self.s.train_seed),
                                  len(tok))
            epochs = cfg.epochs_first
        else:
            model, tok, _, _ = M.load(self.store.path(f"checkpoints/{round_name(r - 1)}"))
            epochs = cfg.epochs_more
        steps = [(s["prompt"], st) for s in samples for st in s["steps"]]
        if self.s.deferred:  # stored with each sample when it was kept (_store_unit)
            from .rollout import quiet

            with quiet():  # a sample stored before they were kept with it: found now
                steps += [(s["prompt"], st) for s in samples
                          for st in (s["deferred"] if "deferred" in s else _deferred_of(s))]
        examples = [(tok.encode_context(prompt, st["observation"]),
                     tok.encode_program("" if st["program"] == DONE else st["program"], prompt,
                                        observation_slots(st["observation"])))
                    for prompt, st in steps]
        cfg_r = dataclasses.replace(cfg, seed=derive_seed(self._train_seed(), "train", r))
        losses = M.train(model, examples, cfg_r, epochs,
                         progress=lambda step, total, loss: self.progress(f"round {r}: training", step, total))
        tmp = self.store.staging(f"checkpoints/{round_name(r)}")
        M.save(model, tok, cfg, tmp, {"round": r, "examples": len(examples), "losses": losses})
        self.store.commit(f"checkpoints/{round_name(r)}", tmp)
        return {"trainer": "local", "examples": len(examples), "deferred": len(steps) - sum(len(s["steps"]) for s in samples),
                "epochs": epochs, "losses": losses,
                "tokens": sum(len(c) + len(t) for c, t in examples)}

    def evaluate_round(self, r: int) -> None:
        name = f"rounds/{round_name(r)}/eval.jsonl"
        have = self.store.records(name)
        units = [(u, p, seed) for u, p, seed in self._eval_units() if u not in have]
        if not units:
            return
        todo = {u for u, _, _ in units}
        prompts = {u: p for u, p, _ in self._eval_units()}

        def finish(u: str, results: list[dict]) -> None:
            res = results[0]
            self.store.append(name, {"unit": u, "prompt_id": prompts[u].id, "reward": res["reward"],
                                     "breakdown": res["breakdown"], "errors": len(res["errors"]),
                                     "blocks": res["blocks"], "applied": res["applied"], "stop": res["stop"],
                                     "program": res["program"]})

        groups = [(u, [(p.prompt, seed)]) for u, p, seed in self._eval_units()]
        self._run_local(f"round {r}: held-out evaluation", groups, r, self.s.eval_temperature,
                        f"{round_name(r)}/eval", finish, todo)

    # -- the run --------------------------------------------------------------------------------
    def run(self) -> dict:
        from .report import write_report

        try:
            if self.s.policy == "local":
                self.baseline()
            for r in range(1, self.s.rounds + 1):
                self.collect(r)
                self.export(r)
                result = self.train_round(r)
                if result["trainer"] == "openai-export":
                    break
                if self.s.policy == "local":
                    self.evaluate_round(r)
                write_report(self.store, self.s, self.train, self.held)
            return write_report(self.store, self.s, self.train, self.held)
        finally:
            self.executor.close()


def planner_steps(prompt: str, candidate: dict) -> list[dict]:
    """The store steps of a planner candidate for the local policy: its program replayed block
    by block from an empty scene (:func:`~.local.steps.replay`, same seed), each block with the
    observation before it, then ``done()`` when it meets every requirement."""
    from .local.steps import replay
    from .rollout import split_blocks

    ep = replay(prompt, candidate["seed"], split_blocks(candidate["program"]))
    return local_steps(ep.steps, prompt, ep.observation())


def _deferred_of(sample: dict) -> list[dict]:
    """A kept sample's deferred steps (:func:`~.local.steps.deferred_steps`) from its blocks."""
    from .local.steps import deferred_steps

    blocks = [st["program"] for st in sample["steps"] if st["program"] != DONE]
    return deferred_steps(sample["prompt"], sample["seed"], blocks)


def _scene_of(text: str) -> Scene:
    from ..scene import loads

    return loads(text)


def run_improve(settings: ImproveSettings, progress=None) -> dict:
    return Improver(settings, progress).run()
