"""The local policy acts step by step: it reads a text observation of the scene and writes one block.

An **episode** starts from an empty scene. At every step the policy sees the prompt and
:func:`observe` (the scene as text) and writes one **block** -- one statement, with the lines that
place or edit the handle it creates (:func:`worldsmith.improve.rollout.split_blocks`'s unit) -- or
nothing, which ends the episode. The block runs on the scene
(:class:`Episode`: :func:`worldsmith.dsl.execute` with the episode's seed and the ids used so far,
exactly as :func:`~worldsmith.improve.rollout.run_blocks` does); a block that fails leaves the
scene as it was and its error is kept. An episode also ends after :data:`MAX_STEPS` steps or
:data:`PATIENCE` failed blocks in a row.

**The observation** (:func:`observe`), one line each, in DSL words:

* ``room '<room type>' <size>``: the offline parser's reading of the prompt
  (:func:`worldsmith.policy.offline.parse.parse_prompt`; size small / medium / large);
* ``need ...``: each of the parser's requirements that the scene does **not** meet yet, in the
  parser's order, as the fidelity reward checks them
  (:func:`worldsmith.metrics.fidelity.check_requirement`): ``need add '<category>' <missing
  count>``, ``need material '<surface>' '<words>'``, ``need light '<mood>'``, ``need style
  '<style>'``, ``need color '<category>' '<colour>'``, ``need relation '<subject>' <relation>
  '<object>'``;
* ``size W D H`` (the first room's bounding box and height, metres) once a room stands, then
  ``doors N windows N lights N``, ``<kind> '<wall>' ...`` (the wall of every door and window)
  and ``materials '<surface>' ...`` (the surfaces given a material);
* ``objects '<id>' ...``: the objects on the floor, walls and ceiling (not the small ones on
  other objects), in the order they were added (the ids a block can place against or fill), at
  most :data:`MAX_LISTED` (the latest);
* ``after <call> ['<string>']``: the first call of the last block that ran, with its first
  argument when that is a string (``after add 'bed'``, ``after fill 'desk_0'``, ``after light 'point'``).

Every word of it is in the tokenizer's vocabulary (a test checks the built-in prompts).

The strings of the ``need`` lines, then those of the ``objects`` line, are the observation's
*slots* (:func:`~worldsmith.improve.local.tokenizer.observation_slots`): the tokenizer shows each
as a slot token ``<n_i>`` before the string, and a block writes that whole string as the one token
``<n_i>`` -- so adding the first missing object is writing ``add(<n0>`` whatever its category is,
which a small model learns from a few dozen rooms and carries over to categories it never saw,
and a block that places against or fills an object names one that is there.

So the policy is told which requested things are still missing -- what a person looking at the
scene would see -- and what stands where it can refer to it. It is not told the reward. Only
blocks that ran change the scene, so the observations of an episode's blocks are exactly those
of replaying its applied blocks (:func:`replay`): a kept episode's training examples are what the
policy saw.

:func:`rollout` plays many episodes at once with a :mod:`~worldsmith.improve.local.model` checkpoint:
each step samples one block for every unfinished episode in a batch (under the
:class:`~worldsmith.improve.local.tokenizer.Grammar`; the first block of an episode must create the
room, later ones must not), from a generator seeded by ``(seed, step)``. With ``hold`` (the
default) a block written while the observation has a ``need`` line may not be empty: the episode
cannot stop with requested things missing (an action mask, like the grammar's; the episode still
ends on :data:`MAX_STEPS` or :data:`PATIENCE`). A kept episode's last step is a stop only when
nothing was needed (:mod:`worldsmith.improve.loop`), so the model learns the same rule.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass, field
from typing import Any, Sequence

from ...scene import Scene

#: steps an episode may take (the planner's programs have 20-35 blocks)
MAX_STEPS = 48
#: failed blocks in a row that end an episode
PATIENCE = 6
#: objects listed in the observation (the latest ones)
MAX_LISTED = 16
#: tokens one block may take: room for the planner's longest blocks (ten desks added and placed
#: in a grid is 340 to 360 tokens; 200 cut off the blocks that add many objects at once)
MAX_BLOCK_TOKENS = 400


def _q(value: Any) -> str:
    text = " ".join(str(v) for v in value) if isinstance(value, (list, tuple)) else str(value)
    return "'" + text.replace("'", " ").replace('"', " ").replace("\n", " ") + "'"


@functools.lru_cache(maxsize=4096)
def _reading(prompt: str) -> tuple[str, tuple[dict, ...]]:
    from ...policy.offline.parse import parse_prompt

    spec = parse_prompt(prompt)
    return f"room {_q(spec.room_type)} {spec.size}", tuple(dataclasses.asdict(r) for r in spec.requirements)


def requirements(prompt: str) -> list[dict]:
    """The parser's requirements of ``prompt`` as the dicts the fidelity reward checks."""
    return [dict(r) for r in _reading(prompt)[1]]


def _need(scene: Scene, req: dict) -> str | None:
    from ...metrics.fidelity import category_matches, check_requirement

    kind, key, value = req["kind"], req["key"], req["value"]
    if kind == "object":
        have = sum(category_matches(o.category, key) for o in scene.objects)
        missing = int(value or 1) - have
        return f"need add {_q(key)} {missing}" if missing > 0 else None
    if check_requirement(scene, req)[0]:
        return None
    if kind == "material":
        return f"need material {_q(key)} {_q(value)}"
    if kind == "lighting":
        return f"need light {_q(key)}"
    if kind == "style":
        return f"need style {_q(key)}"
    if kind == "color":
        return f"need color {_q(key)} {_q(value)}"
    if kind == "relation" and isinstance(value, dict):
        return (f"need relation {_q(value.get('subject', key))} {value.get('relation', '')} "
                f"{_q(value.get('object', ''))}")
    return None


def needs(prompt: str, scene: Scene) -> list[str]:
    """The observation's ``need`` lines for ``scene``: what of ``prompt`` it does not meet yet, in
    the parser's order (with missing counts, so one more of several requested objects changes them)."""
    return [n for n in (_need(scene, dict(r)) for r in _reading(prompt)[1]) if n]


def nothing_needed(observation: str) -> bool:
    """Whether ``observation`` (:func:`observe`) has no ``need`` line: the scene meets every requirement."""
    return not any(line.startswith("need ") for line in observation.splitlines())


def observe(prompt: str, scene: Scene, last: str = "") -> str:
    """The text observation of ``scene`` for ``prompt`` (see the module doc)."""
    lines = [_reading(prompt)[0], *needs(prompt, scene)]
    if scene.rooms:
        xs = [p[0] for p in scene.rooms[0].polygon]
        ys = [p[1] for p in scene.rooms[0].polygon]
        lines.append(f"size {max(xs) - min(xs):.2f} {max(ys) - min(ys):.2f} {scene.rooms[0].height:.2f}")
        openings = [o for r in scene.rooms for o in r.openings]
        doors = sum(o.kind == "door" for o in openings)
        lines.append(f"doors {doors} windows {len(openings) - doors} lights {len(scene.lights)}")
        if openings:
            lines.append(" ".join(f"{o.kind} {_q(o.wall)}" for o in openings))
        surfaces = sorted({k for r in scene.rooms for k in r.materials})
        if surfaces:
            lines.append("materials " + " ".join(_q(s) for s in surfaces))
    standing = [o.id for o in scene.objects if o.support in ("floor", "ceiling") or o.support.startswith("wall")]
    if standing:
        lines.append("objects " + " ".join(_q(i) for i in standing[-MAX_LISTED:]))
    if last:
        lines.append(f"after {last}")
    return "\n".join(lines)


def first_call(block: str) -> str:
    """The first call of ``block`` with its first argument when that is a string (``add 'bed'``
    for ``h0 = add('bed')``, ``light 'point'`` for ``light("point", ...)``, ``light`` for
    ``light()``); ``""`` for a block without a call."""
    m = re.search(r"([A-Za-z_][A-Za-z0-9_]*)\((?:\s*(['\"])([^'\"\n]*)\2)?", block)
    if not m:
        return ""
    return m.group(1) + (f" {_q(m.group(3))}" if m.group(2) else "")


@dataclass
class Episode:
    """One episode's state: the scene, the blocks that ran with the observation each was written
    from (``steps``; ``observe=False``: without, for a plain replay), the errors of the blocks
    that failed, and why it ended (``stop``; empty while it runs)."""

    prompt: str
    seed: int
    scene: Scene = None  # type: ignore[assignment]
    used: set = field(default_factory=set)
    steps: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    attempts: int = 0
    failed_in_a_row: int = 0
    last: str = ""
    stop: str = ""
    observe: bool = True

    def __post_init__(self) -> None:
        if self.scene is None:
            self.scene = Scene(prompt=self.prompt, seed=self.seed)

    def observation(self) -> str:
        return observe(self.prompt, self.scene, self.last)

    def apply(self, block: str, observation: str | None = None) -> dict | None:
        """Run ``block`` on the scene; returns its error (a dict) or None."""
        from ...dsl import DSLError, execute
        from ...dsl.actions import AddObject

        obs = (self.observation() if observation is None else observation) if self.observe else None
        try:
            result = execute(block, self.scene, seed=self.seed, used_ids=self.used)
        except DSLError as exc:
            return self.fail(exc.to_dict())
        except RecursionError:
            return self.fail({"code": "E_LIMIT", "line": None, "message": "recursion too deep", "hint": ""})
        self.attempts += 1
        self.scene = result.scene
        self.used |= {a.id for a in result.actions if isinstance(a, AddObject)}
        self.steps.append({"observation": obs, "program": block})
        self.last = first_call(block)
        self.failed_in_a_row = 0
        return None

    def fail(self, error: dict) -> dict:
        """Record a block that did not run (``error``: code, line, message, hint)."""
        error = {"block": self.attempts, **error}
        self.attempts += 1
        self.errors.append(error)
        self.failed_in_a_row += 1
        return error

    @property
    def program(self) -> str:
        """The blocks that ran, in order (they rebuild the scene: :func:`replay`)."""
        return "\n".join(s["program"] for s in self.steps)


def replay(prompt: str, seed: int, blocks: Sequence[str], observe: bool = True) -> Episode:
    """An episode that runs ``blocks`` in order (failed ones are left out, as in a rollout)."""
    ep = Episode(prompt, seed, observe=observe)
    for block in blocks:
        ep.apply(block)
    ep.stop = "replay"
    return ep


@dataclass
class Trim:
    """What :func:`trim` found in an episode's blocks: those that changed the scene (``blocks``);
    when the episode meets every requirement, how many of them it takes to get there
    (``done_at``; None otherwise); and which of those first ``done_at`` blocks are **extras**
    (``extras``, indices): they added or changed objects without changing a ``need`` line."""

    blocks: list[str]
    done_at: int | None
    extras: list[int]


def trim(prompt: str, seed: int, blocks: Sequence[str]) -> Trim:
    """Replay ``blocks`` (an episode's blocks that ran) and find its **no-op** blocks -- those
    after which the scene is exactly what it was (a material set again to the same words, an
    object placed where it stands) --, the first block after which nothing is needed, and the
    extras before it.

    Leaving the no-ops out rebuilds the same scene (every block runs with the episode's seed), so
    the episode without them has the same reward and is what the policy learns from: repeating a
    block is never the thing to learn. Cutting the episode after ``done_at`` blocks is the
    episode the policy would have played had it stopped as soon as the prompt was met, and
    leaving the extras out of that is the episode that did only what the prompt asked (the room,
    its openings, materials and lights, and the requested things); the improve loop scores both
    as more candidates (:func:`worldsmith.improve.rollout.early_stop`)."""
    from ...scene import dumps

    ep = Episode(prompt, seed, observe=False)
    kept: list[str] = []
    extras: list[int] = []
    done_at = None
    state, need = dumps(ep.scene), set(needs(prompt, ep.scene))
    for block in blocks:
        objects = ep.scene.objects
        if ep.apply(block) is not None:
            continue
        now = dumps(ep.scene)
        if now == state:
            continue
        state, before, need = now, need, set(needs(prompt, ep.scene))
        if done_at is None and ep.scene.objects != objects and not before - need:
            extras.append(len(kept))
        kept.append(block)
        if done_at is None and not need:
            done_at = len(kept)
    return Trim(kept, done_at, extras if done_at is not None else [])


def rollout(model, tokenizer, grammar, units: Sequence[tuple[str, int]], *, temperature: float, seed: int,
            max_steps: int = MAX_STEPS, patience: int = PATIENCE, hold: bool = True,
            progress=None) -> list[Episode]:
    """Play one episode per ``(prompt, scene seed)`` unit with ``model`` (see the module doc)."""
    from ..seeds import derive_seed
    from .model import sample
    from .tokenizer import observation_slots

    eps = [Episode(p, s) for p, s in units]
    for step in range(max_steps):
        active = [e for e in eps if not e.stop]
        if not active:
            break
        if progress:
            progress(step, max_steps)
        obs = [e.observation() for e in active]
        ctxs = [tokenizer.encode_context(e.prompt, o) for e, o in zip(active, obs)]
        ids = sample(model, ctxs, eos_id=tokenizer.eos_id, pad_id=tokenizer.pad_id, temperature=temperature,
                     max_new=MAX_BLOCK_TOKENS, seed=derive_seed(seed, "step", step), batch_size=len(ctxs),
                     grammar=grammar, started=[bool(e.scene.rooms) for e in active],
                     busy=[hold and bool(e.scene.rooms) and not nothing_needed(o) for e, o in zip(active, obs)])
        for e, o, row in zip(active, obs, ids):
            block = tokenizer.decode_program(row, e.prompt, observation_slots(o)).strip()
            if not block:
                e.stop = "stop"
                continue
            if tokenizer.eos_id not in row:
                e.fail({"code": "E_LENGTH", "line": None, "message": f"the block ran past {MAX_BLOCK_TOKENS} tokens",
                        "hint": ""})
            else:
                e.apply(block, o)
            if e.failed_in_a_row >= patience:
                e.stop = "patience"
    for e in eps:
        e.stop = e.stop or "max_steps"
    return eps


def deferred_steps(prompt: str, seed: int, blocks: Sequence[str]) -> list[dict]:
    """Extra training steps from an episode that meets its prompt: for each block that adds a
    requested object, the same episode with that block moved to the end, and from it only the
    last step -- the observation with everything else in place and that object still missing,
    then the block that adds it. A variant is used only when every block still runs and the
    moved block is what meets the last requirement.

    The planner adds what a prompt asks for early, so in its episodes a ``need add`` line is
    only ever open at the start. A policy that got past that point with something missing has
    never seen the state it is in, and goes on with lights and fills; these steps are that state
    with the right move. Adding the requested things is order-free, so each variant is an
    episode the planner could have played (a block that others depend on fails the check)."""
    from ...metrics.fidelity import category_matches

    wanted = [r["key"] for r in requirements(prompt) if r["kind"] == "object"]
    out: list[dict] = []
    for i, block in enumerate(blocks[1:-1], 1):
        m = re.match(r"add '(.*)'$", first_call(block))
        if not m or not any(category_matches(m.group(1), key) for key in wanted):
            continue
        ep = replay(prompt, seed, [*blocks[:i], *blocks[i + 1:], block])
        if ep.errors or nothing_needed(ep.steps[-1]["observation"]) or not nothing_needed(ep.observation()):
            continue
        out.append(ep.steps[-1])
    return out
