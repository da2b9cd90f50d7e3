"""Rewards: how good is a scene for its prompt? The score best-of-K selection maximises.

A reward is called as ``reward(prompt, scene, requirements=None, images=None) -> RewardResult``
(:class:`Reward`). :class:`RewardResult` holds ``total`` (in [0, 1], rounded to 6 decimals), a
``breakdown`` (component name -> value in [0, 1], 6 decimals) and ``details`` (what each
component saw, JSON-serialisable). :func:`parse_reward` builds one from a spec such as
``"fidelity+plausibility+clip"`` or ``"2*fidelity+plausibility"``.

Every component gives **0.0 for a scene without a room** (nothing was built), with
``details["reason"]``.

Components
----------
**fidelity** -- the share of the prompt's requirements the scene satisfies:
``satisfied / total`` of :func:`worldsmith.metrics.fidelity.prompt_fidelity` (1.0 when nothing is
checked). ``requirements=None`` means the offline planner's parse of the prompt
(:func:`prompt_requirements`: ``parse_prompt(prompt).requirements`` as dicts, cached per prompt
string, :data:`REQUIREMENTS_CACHE` prompts). *Sees*: requested categories and counts, surface
materials, lighting mood, style, colours, the relations the parser extracts, checked
geometrically. *Misses*: everything the parser did not extract from the prompt, aesthetics, and
whether the scene is physically sane; a scene that lists the requested objects in a heap scores 1.0.

**plausibility** -- ``max(0, 1 - sum of penalties)``. Penalties (details list each with its count):

* every item of the validator's problem lists (:func:`worldsmith.metrics.validate`:
  ``collisions``, ``out_of_bounds``, ``blocked_openings``, ``unsupported``) costs
  :data:`PROBLEM_PENALTY` = 0.1, so ten problems zero the reward;
* navigability: the evaluation metric :func:`~worldsmith.metrics.navigability.evaluate_navigability`
  (real meshes, 2.5 cm grid, 0.2 m robot) gives ``ratio`` = largest walkable component / all robot
  space. Below the navigability module's target :data:`NAV_TARGET` (its ``NAVIGABLE_RATIO``, 0.95)
  it costs ``NAV_PENALTY_PER_UNIT * (NAV_TARGET - ratio)`` (2.0 per unit: a ratio of 0.90 costs
  0.1, one problem's worth);
* every unreachable door (no walkable cell at its threshold) that the validator did not already
  report as a blocked opening costs :data:`UNREACHABLE_DOOR_PENALTY` = 0.1;
* instability (``stability=True``, the default): :func:`worldsmith.metrics.stability.stability`
  (MuJoCo, 2 s of gravity; an object is unstable when it moves more than 2 cm or turns more than
  5 degrees) -- every unstable object that the validator did not already name (in a collision,
  out of bounds, blocking an opening or unsupported), nor one resting directly or through others
  on such an object, costs :data:`UNSTABLE_PENALTY` = 0.1: those fall or get pushed away by
  construction and are paid for once (``already_named`` lists them). So this penalty
  catches what the static checks cannot: tipping, sliding, objects on slopes. Measured cost on the
  2-core machine: 0.29 s (idle) to 0.46 s (machine busy) per typical room (the offline planner's
  art studio, 20 movable objects), about 1 s more on the first call (MuJoCo's import); it is
  most of the plausibility cost, and ``stability=False`` skips it. When the MJCF cannot be compiled the check is
  recorded as ``{"error": ...}`` with no penalty (MuJoCo not installed raises).

*Sees*: interpenetration, objects outside the room, blocked doors and windows, floating or
sunk objects, walled-off floor, unreachable doors, things that fall. *Misses*: whether the scene
is the one asked for, aesthetics, and whether furniture fronts can be reached (accessibility is
not penalised): an empty room is perfectly plausible (1.0), which is why it is combined with
fidelity.

**text_alignment** -- ``max(cos, 0)`` of the MiniLM sentence embeddings (the project's shared
embedder, :func:`worldsmith.assets.retrieval.default_embedder`, loaded once per process) of the
prompt and of :func:`worldsmith.improve.caption.scene_caption`, a caption of the scene's
*contents* (furniture, wall and ceiling objects, small objects, style, materials, openings,
light). Each text is embedded alone (no padding with others) and cached (:data:`EMBED_CACHE`
texts per reward), so the same caption always gives the same value. An offline, image-free
stand-in for CLIP. *Sees*: which nouns and adjectives the scene's contents share with the prompt.
*Misses*: placement and layout errors, physics, sizes, anything the caption leaves out (ids,
relations). *Hacking*, measured (docs/rewards.md, "a cosy bedroom with a bed, a nightstand and a
reading lamp"): the room's name is never read (copying the prompt into ``room(...)`` changes
nothing, tested); adding the prompt's nouns raises it (bed 0.641, + nightstand 0.756, + floor lamp
0.787) -- the intended signal, and the way to game it: a heap of the right objects scores the
same as a good room; extra *copies* of named objects lower it (four extra beds: 0.725). Free text
is closed off by the caption's rule 12: unknown styles and colours are dropped, a material says
what it resolved to (a prompt pasted as the floor material: 0.745), and a proxy labelled with
free text is "a placeholder object" (``add("cosy bedroom")``: 0.744). Use it with fidelity and
plausibility, never alone.

**clip** -- :func:`worldsmith.metrics.clip` score / 100 (the mean over images of
``max(cos(image, prompt), 0)`` by a local CLIP checkpoint, ``clip_model``). With ``images=None``
the scene is rendered by the ``gl`` rasterizer from the views :data:`CLIP_VIEWS` (a top-down and
an automatic perspective view, as the policy's observations) at :data:`CLIP_SIZE` x
:data:`CLIP_SIZE` pixels. *Sees*: visible keywords -- objects, colours, materials that show in the
renders. *Misses*: layout errors (interpenetration, blocked doors look fine in a render), hidden
or tiny objects, anything outside the views, and prompt text past the model's 77 tokens; it
rewards pictures that look like the prompt, the classic reward-hacking target (many copies of the
most visible requested object, large textures that carry the prompt's colours). Not measured
here: the project ships no real CLIP checkpoint (the tests use a tiny random one).

Combination
-----------
``parse_reward("2*fidelity+plausibility")``: terms joined by ``+``, each ``name`` or
``w*name`` (``w`` a positive finite number, before the name). ``total = sum(w_i * r_i) /
sum(w_i)``; the breakdown lists every component's value, ``details`` holds every component's
details under its name plus ``"weights"``. Unknown names, bad or non-positive weights, duplicates
and empty terms raise :class:`RewardError` (one line, listing :data:`REWARD_NAMES`); ``clip``
without a ``clip_model`` names ``--clip-model``. The reward's ``name`` is the normalised spec
(weight 1 dropped: ``"2*fidelity+plausibility"``).

Heavy modules (torch, transformers, sentence_transformers, mujoco, moderngl, PIL) load inside the
components that need them, at their first call.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import math
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, Sequence

import numpy as np

from ..scene import Scene, WorldsmithError
from .caption import scene_caption

log = logging.getLogger(__name__)

__all__ = [
    "CLIP_SIZE", "CLIP_VIEWS", "DEFAULT_REWARD", "NAV_PENALTY_PER_UNIT", "NAV_TARGET", "PROBLEM_PENALTY",
    "REWARD_NAMES", "UNREACHABLE_DOOR_PENALTY", "UNSTABLE_PENALTY", "ClipReward", "CombinedReward",
    "FidelityReward", "PlausibilityReward", "Reward", "RewardError", "RewardResult", "TextAlignmentReward",
    "parse_reward", "prompt_requirements",
]

REWARD_NAMES = ("fidelity", "plausibility", "clip", "text_alignment")
DEFAULT_REWARD = "fidelity+plausibility+text_alignment"

#: cost of each item of the validator's problem lists
PROBLEM_PENALTY = 0.1
#: the navigability module's own target ratio (largest walkable component / robot space)
NAV_TARGET = 0.95
#: cost per unit of navigability ratio below the target
NAV_PENALTY_PER_UNIT = 2.0
#: cost of each unreachable door not already reported as blocked
UNREACHABLE_DOOR_PENALTY = 0.1
#: cost of each unstable object the validator did not already name
UNSTABLE_PENALTY = 0.1
#: views rendered for the clip reward when no images are given, and their size (pixels)
CLIP_VIEWS = ("topdown", "perspective")
CLIP_SIZE = 224
#: prompts whose parsed requirements are kept; texts whose embeddings are kept (per reward)
REQUIREMENTS_CACHE = 256
EMBED_CACHE = 4096

NO_ROOM = "the scene has no room"
_SPEC_HELP = (f"valid names: {', '.join(REWARD_NAMES)}; join terms with '+', weight one as 'w*name' "
              f"(e.g. '2*fidelity+plausibility')")


class RewardError(WorldsmithError):
    """A reward spec or setting is wrong (the message is one line and says how to fix it)."""


@dataclass(frozen=True)
class RewardResult:
    """``total`` in [0, 1] (6 decimals); ``breakdown``: component -> value in [0, 1];
    ``details``: what each component saw (JSON-serialisable)."""

    total: float
    breakdown: dict[str, float] = field(default_factory=dict)
    details: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"total": self.total, "breakdown": dict(self.breakdown), "details": copy.deepcopy(self.details)}


class Reward(Protocol):
    """A scene reward: ``name`` and a call returning a :class:`RewardResult`."""

    name: str

    def __call__(self, prompt: str, scene: Scene, *, requirements: list[dict] | None = None,
                 images: Sequence[np.ndarray] | None = None) -> RewardResult: ...


def _r6(value: float) -> float:
    """Clamp to [0, 1] and round to 6 decimals."""
    return round(min(1.0, max(0.0, float(value))), 6)


def _single(name: str, value: float, details: dict) -> RewardResult:
    v = _r6(value)
    return RewardResult(v, {name: v}, details)


def _finite(value: Any) -> Any:
    """``value`` with non-finite floats replaced by None (strict JSON)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


# ---------------------------------------------------------------------------------------------
# requirements


@lru_cache(maxsize=REQUIREMENTS_CACHE)
def _parsed(prompt: str) -> tuple[dict, ...]:
    from ..policy.offline.parse import parse_prompt

    return tuple(dataclasses.asdict(r) for r in parse_prompt(prompt).requirements)


def prompt_requirements(prompt: str) -> list[dict]:
    """The prompt's requirements as the offline planner's parser reads them (requirement maps,
    fresh copies; the parse is cached per prompt string)."""
    return copy.deepcopy(list(_parsed(str(prompt))))


# ---------------------------------------------------------------------------------------------
# components


class FidelityReward:
    """Share of the prompt's requirements satisfied (module doc)."""

    name = "fidelity"

    def __call__(self, prompt: str, scene: Scene, *, requirements: list[dict] | None = None,
                 images: Sequence[np.ndarray] | None = None) -> RewardResult:
        if not scene.rooms:
            return _single(self.name, 0.0, {"reason": NO_ROOM})
        from ..metrics.fidelity import prompt_fidelity

        reqs = prompt_requirements(prompt) if requirements is None else list(requirements)
        fid = prompt_fidelity(scene, reqs)
        total, done = int(fid["total"]), int(fid["satisfied"])
        value = done / total if total else 1.0
        rows = [{k: r[k] for k in ("kind", "key", "text", "satisfied", "detail")} for r in fid["requirements"]]
        return _single(self.name, value, {"satisfied": done, "total": total,
                                          "parsed": requirements is None, "requirements": _finite(rows)})


class PlausibilityReward:
    """``1 - penalties`` for physical problems (module doc); ``stability=False`` skips MuJoCo."""

    name = "plausibility"

    def __init__(self, stability: bool = True):
        self.stability = bool(stability)

    def __call__(self, prompt: str, scene: Scene, *, requirements: list[dict] | None = None,
                 images: Sequence[np.ndarray] | None = None) -> RewardResult:
        if not scene.rooms:
            return _single(self.name, 0.0, {"reason": NO_ROOM})
        from ..metrics import PROBLEM_KEYS, validate
        from ..metrics.navigability import evaluate_navigability

        report = validate(scene).to_dict()
        penalties: dict[str, dict] = {}
        named: set[str] = set()
        for key in PROBLEM_KEYS:
            items = report[key]
            penalties[key] = {"count": len(items), "each": PROBLEM_PENALTY,
                              "penalty": round(PROBLEM_PENALTY * len(items), 6), "items": items}
            for item in items:
                named.update(str(item[k]) for k in ("a", "b", "id", "object") if k in item)

        nav = evaluate_navigability(scene)
        ratio = float(nav["ratio"])
        shortfall = max(0.0, NAV_TARGET - ratio)
        penalties["navigability"] = {"ratio": ratio, "target": NAV_TARGET, "shortfall": round(shortfall, 6),
                                     "per_unit": NAV_PENALTY_PER_UNIT,
                                     "penalty": round(NAV_PENALTY_PER_UNIT * shortfall, 6)}
        blocked = {b["opening"] for b in report["blocked_openings"]}
        doors = sorted(d for room in nav["rooms"].values() for d in room["unreachable_doors"] if d not in blocked)
        penalties["unreachable_doors"] = {"count": len(doors), "each": UNREACHABLE_DOOR_PENALTY,
                                          "penalty": round(UNREACHABLE_DOOR_PENALTY * len(doors), 6), "items": doors}
        if self.stability:
            penalties["instability"] = self._instability(scene, _with_riders(scene, named))

        total_penalty = sum(p.get("penalty", 0.0) for p in penalties.values())
        return _single(self.name, 1.0 - total_penalty, {"penalty": round(total_penalty, 6),
                                                        "penalties": _finite(penalties)})

    @staticmethod
    def _instability(scene: Scene, named: set[str]) -> dict:
        from ..metrics.stability import MetricUnavailableError, stability

        try:
            st = stability(scene)
        except MetricUnavailableError:
            raise
        except WorldsmithError as exc:  # an MJCF MuJoCo cannot compile: recorded, not penalised
            log.warning("plausibility: stability check failed: %s", exc)
            return {"error": str(exc), "count": 0, "each": UNSTABLE_PENALTY, "penalty": 0.0}
        counted = [u for u in st["unstable"] if u["id"] not in named]
        return {"checked": st["checked"], "unstable_total": len(st["unstable"]), "count": len(counted),
                "each": UNSTABLE_PENALTY, "penalty": round(UNSTABLE_PENALTY * len(counted), 6),
                "items": counted, "already_named": sorted(u["id"] for u in st["unstable"] if u["id"] in named)}


def _with_riders(scene: Scene, named: set[str]) -> set[str]:
    """``named`` plus every object resting, directly or through others, on a named object."""
    out = set(named)
    grew = True
    while grew:
        grew = False
        for obj in scene.objects:
            if obj.id not in out and obj.support_target in out:
                out.add(obj.id)
                grew = True
    return out


class TextAlignmentReward:
    """``max(cos, 0)`` of MiniLM embeddings of the prompt and the scene's caption (module doc).
    ``embedder``: anything with ``encode(texts) -> unit vectors``; default the shared MiniLM."""

    name = "text_alignment"

    def __init__(self, embedder: Any = None):
        self.embedder = embedder
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def _embed(self, text: str) -> np.ndarray:
        hit = self._cache.get(text)
        if hit is not None:
            self._cache.move_to_end(text)
            return hit
        if self.embedder is None:
            from ..assets.retrieval import default_embedder

            self.embedder = default_embedder()
        vec = np.asarray(self.embedder.encode([text])[0], dtype=np.float64)
        vec = vec / (np.linalg.norm(vec) or 1.0)
        self._cache[text] = vec
        if len(self._cache) > EMBED_CACHE:
            self._cache.popitem(last=False)
        return vec

    def __getstate__(self) -> dict:  # picklable for worker processes: the model is not shipped
        return {"embedder": None if self.embedder is None or _is_default(self.embedder) else self.embedder,
                "_cache": OrderedDict()}

    def __call__(self, prompt: str, scene: Scene, *, requirements: list[dict] | None = None,
                 images: Sequence[np.ndarray] | None = None) -> RewardResult:
        caption = scene_caption(scene)
        if not scene.rooms:
            return _single(self.name, 0.0, {"reason": NO_ROOM, "caption": caption})
        cos = float(self._embed(str(prompt)) @ self._embed(caption))
        return _single(self.name, max(cos, 0.0), {"caption": caption, "cosine": round(cos, 6)})


def _is_default(embedder: Any) -> bool:
    from ..assets.retrieval import default_embedder

    return embedder is default_embedder()


class ClipReward:
    """CLIP score / 100 of renders (or given images) against the prompt (module doc)."""

    name = "clip"

    def __init__(self, model_dir: str | Path, views: Sequence[str] = CLIP_VIEWS, size: int = CLIP_SIZE,
                 backend: str = "gl"):
        folder = Path(model_dir).expanduser()
        if not folder.is_dir():
            raise RewardError(f"--clip-model {model_dir}: no such folder (expected a local CLIP checkpoint folder)")
        bad = [v for v in views if v not in ("topdown", "perspective")]
        if bad or not views:
            raise RewardError(f"clip views must be 'topdown' and/or 'perspective', got {list(views)!r}")
        if isinstance(size, bool) or not isinstance(size, int) or not 16 <= size <= 4096:
            raise RewardError(f"clip render size must be an integer from 16 to 4096, got {size!r}")
        self.model_dir = folder.resolve()
        self.views = tuple(views)
        self.size = size
        self.backend = backend

    def render(self, scene: Scene) -> list[np.ndarray]:
        """The RGB renders the reward scores when no images are given."""
        from ..render import cameras, render

        cams = {"topdown": lambda: cameras.topdown(scene, width=self.size, height=self.size),
                "perspective": lambda: cameras.auto_perspective(scene, width=self.size, height=self.size)}
        return [np.asarray(render(scene, cams[v](), ("rgb",), backend=self.backend).rgb) for v in self.views]

    def __call__(self, prompt: str, scene: Scene, *, requirements: list[dict] | None = None,
                 images: Sequence[np.ndarray] | None = None) -> RewardResult:
        if not scene.rooms:
            return _single(self.name, 0.0, {"reason": NO_ROOM})
        from ..metrics.clip import clip_score

        rendered = images is None
        imgs = self.render(scene) if rendered else list(images)
        out = clip_score(imgs, str(prompt), model_dir=self.model_dir)
        details = {"model": out["model"], "score": round(out["score"], 6),
                   "per_image": [round(v, 6) for v in out["per_image"]],
                   "images": list(self.views) if rendered else f"{len(imgs)} given"}
        return _single(self.name, out["score"] / 100.0, details)


class CombinedReward:
    """``sum(w_i * r_i) / sum(w_i)`` over weighted components (module doc)."""

    def __init__(self, terms: Sequence[tuple[float, Reward]]):
        if not terms:
            raise RewardError(f"a reward needs at least one component; {_SPEC_HELP}")
        self.terms = [(float(w), r) for w, r in terms]
        self.name = "+".join(r.name if w == 1.0 else f"{w:g}*{r.name}" for w, r in self.terms)

    def __call__(self, prompt: str, scene: Scene, *, requirements: list[dict] | None = None,
                 images: Sequence[np.ndarray] | None = None) -> RewardResult:
        breakdown: dict[str, float] = {}
        details: dict[str, Any] = {"weights": {r.name: w for w, r in self.terms}}
        acc = 0.0
        for w, reward in self.terms:
            res = reward(prompt, scene, requirements=requirements, images=images)
            breakdown[reward.name] = res.total
            details[reward.name] = res.details
            acc += w * res.total
        total = acc / sum(w for w, _ in self.terms)
        return RewardResult(_r6(total), breakdown, details)


# ---------------------------------------------------------------------------------------------
# spec parsing

def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def parse_reward(spec: str, *, clip_model: str | Path | None = None, stability: bool = True) -> Reward:
    """The reward named by ``spec`` (``"fidelity+plausibility+clip"``, ``"2*fidelity+plausibility"``);
    see the module doc. ``clip_model``: the CLIP checkpoint folder ``clip`` needs; ``stability``:
    whether plausibility runs the MuJoCo check."""
    if not isinstance(spec, str) or not spec.strip():
        raise RewardError(f"empty reward spec {spec!r}; {_SPEC_HELP}")
    terms: list[tuple[float, Reward]] = []
    seen: set[str] = set()
    for raw in spec.split("+"):
        term = raw.strip().lower()
        if not term:
            raise RewardError(f"empty term in reward spec {spec!r}; {_SPEC_HELP}")
        parts = [p.strip() for p in term.split("*")]
        if len(parts) > 2 or not all(parts):
            raise RewardError(f"bad reward term {raw.strip()!r} in {spec!r}; {_SPEC_HELP}")
        weight_text, name = (None, parts[0]) if len(parts) == 1 else (parts[0], parts[1])
        if weight_text is not None and _number(name) is not None and _number(weight_text) is None:
            raise RewardError(f"bad reward term {raw.strip()!r}: put the weight before the name ('w*name'); "
                              f"{_SPEC_HELP}")
        if name not in REWARD_NAMES:
            raise RewardError(f"unknown reward {name!r} in {spec!r}; {_SPEC_HELP}")
        if name in seen:
            raise RewardError(f"reward {name!r} appears twice in {spec!r}; give it one weight instead; {_SPEC_HELP}")
        seen.add(name)
        weight = 1.0 if weight_text is None else _number(weight_text)
        if weight is None:
            raise RewardError(f"bad weight {weight_text!r} for {name!r}: expected a number; {_SPEC_HELP}")
        if not math.isfinite(weight) or weight <= 0:
            raise RewardError(f"weight of {name!r} must be a positive finite number, got {weight_text!r}; "
                              f"{_SPEC_HELP}")
        terms.append((weight, _component(name, clip_model, stability)))
    return CombinedReward(terms)


def _component(name: str, clip_model: str | Path | None, stability: bool) -> Reward:
    if name == "fidelity":
        return FidelityReward()
    if name == "plausibility":
        return PlausibilityReward(stability=stability)
    if name == "text_alignment":
        return TextAlignmentReward()
    if clip_model is None:
        raise RewardError("the clip reward needs a local CLIP checkpoint: pass --clip-model DIR "
                          "(or drop 'clip' from --reward)")
    return ClipReward(clip_model)
