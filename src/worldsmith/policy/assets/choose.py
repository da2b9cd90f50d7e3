"""What goes on a container, and how many: the offline rules or a VLM's answer, as :class:`Want` values.

**Offline** (:func:`offline_wants`): the container's default dressing from ``layout.fill``
(``plan_fill_result`` with no items, rng ``derive_rng(seed, "assets", "choose", container)``):
its items with their sizes, surfaces and poses (which the offline pointer then points at). Then
**stacking** by ``data/stacking.json``: each planned item whose category is a base there, at a
depth below ``max_depth``, gets one of the categories it ``takes`` (that the catalog has) with
probability ``p`` (rng ``derive_rng(seed, "assets", "stack", container)``, one draw per base in
order, then one for the choice), recursively down to ``max_depth``. The other categories the base
takes are the drawn item's ``alternatives``: when the placed base turns out too small for it even
at its catalog minimum size (a deep plate's well and a mug), the first alternative that fits is
used instead.

**VLM** (:func:`chooser_messages`, :func:`parse_choice`, :func:`wants_from_choice`): the model sees
a view of the container and the prompt in ``data/chooser.txt`` (its surfaces, the allowed small
categories, the stacking rules) and answers a JSON list like
``[{"category": "plate", "count": 2}, {"category": "mug", "count": 1, "on": "plate"}]``.
The parser is tolerant: a fenced block or the outermost ``[...]``/``{...}`` of the text; an
object holding the list under ``items``/``objects``, or mapping names to counts; entries as
objects (``category``/``name``/``object``/``item``/``type``; ``count``/``n``/``quantity``/``number``,
default 1; ``on``/``on_top_of``/``stack_on``; ``surface``/``level``/``shelf``) or strings
("2 mugs", "mug x2", "mug: 2", "mug"); with no JSON at all, one entry per line or comma-separated
part in those string forms. Names map through ``catalog.resolve`` (then without a plural
"s"/"es"); unknown names and furniture are reported as skipped, never added. Counts are whole
numbers, at most ``MAX_PER_ENTRY`` per entry and ``MAX_ITEMS`` in all (the rest is skipped). An
``on`` entry is spread round-robin over the chosen items of that category (when the stacking rules
let it stand on them; else skipped with the rule).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from string import Template
from typing import Any, Sequence

from ...assets import catalog
from ...scene import Scene
from ...scene.rng import derive_rng

MAX_PER_ENTRY = 12
MAX_ITEMS = 24


@dataclass
class Want:
    """One small object to place: ``category``; ``surface`` (an index of its target, None: the
    placer picks), ``size`` (w, d, h; None: sampled), ``pose`` (world x, y, yaw_deg from the
    offline plan; None: to be pointed), and ``stack``: what goes on it once placed."""

    category: str
    surface: int | None = None
    size: tuple[float, float, float] | None = None
    pose: tuple[float, float, float] | None = None
    stack: list["Want"] = field(default_factory=list)
    #: categories that may stand in for it when it cannot fit its target even at its catalog
    #: minimum size (the offline stacking draws: a cup where a deep plate's well is too small for a mug)
    alternatives: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def stacking_data() -> dict[str, Any]:
    """The parsed ``data/stacking.json``."""
    text = resources.files("worldsmith.policy.assets").joinpath("data/stacking.json").read_text("utf-8")
    return json.loads(text)


def max_depth() -> int:
    return int(stacking_data()["max_depth"])


def takes(base: str) -> list[str]:
    """The small categories that may stand on ``base`` (known to the catalog), in order."""
    rule = stacking_data()["rules"].get(base)
    names = set(catalog.names())
    return [c for c in (rule or {}).get("takes", []) if c in names]


def small_categories() -> list[str]:
    """Every catalog category that stands on surfaces (``support == "object"``), sorted."""
    return [n for n in catalog.names() if catalog.get(n).support == "object"]


@lru_cache(maxsize=None)
def _template(name: str) -> Template:
    return Template(resources.files("worldsmith.policy.assets").joinpath(f"data/{name}").read_text("utf-8"))


def template(name: str) -> Template:
    """A prompt template of ``data/`` (``string.Template``: ``$name`` placeholders)."""
    return _template(name)


# ---------------------------------------------------------------------------------------------
# offline


def add_stacks(wants: Sequence[Want], rng, depth: int) -> None:
    """Give each want whose category is a stacking base (at ``depth`` < max_depth) one item on it
    with the rule's probability, recursively (see the module docstring)."""
    if depth >= max_depth():
        return
    rules = stacking_data()["rules"]
    for w in wants:
        rule = rules.get(w.category)
        options = takes(w.category)
        if not rule or not options:
            continue
        if float(rng.uniform()) < float(rule.get("p", 0.0)):
            cat = options[int(rng.integers(len(options)))]
            w.stack.append(Want(cat, alternatives=tuple(c for c in options if c != cat)))
            add_stacks(w.stack, rng, depth + 1)


def offline_wants(scene: Scene, target_id: str, seed: int) -> tuple[list[Want], list[dict]]:
    """The offline rules' wants for ``target_id`` (with the plan's poses) and what they skipped."""
    from ...layout.fill import plan_fill_result

    result = plan_fill_result(scene, target_id, rng=derive_rng(seed, "assets", "choose", target_id))
    wants = [Want(it.category, it.surface, tuple(it.size), (it.x, it.y, it.yaw_deg)) for it in result.items]
    skipped = [{"category": s.category, "reason": s.reason} for s in result.skipped]
    add_stacks(wants, derive_rng(seed, "assets", "stack", target_id), 1)
    return wants, skipped


# ---------------------------------------------------------------------------------------------
# the VLM chooser


def chooser_text(scene: Scene, target_id: str, prompt: str, surfaces: Sequence[Any]) -> str:
    """The chooser's request text (``data/chooser.txt``) for ``target_id`` and its ``surfaces``."""
    obj = scene.object(target_id)
    lines = []
    for s in surfaces:
        xs = [p[0] for p in s.polygon]
        ys = [p[1] for p in s.polygon]
        room = "open above" if s.clearance_m is None else f"{s.clearance_m:.2f} m of room above"
        lines.append(f"#{s.index} {s.name}: {max(xs) - min(xs):.2f} x {max(ys) - min(ys):.2f} m, "
                     f"{obj.position[2] + s.z:.2f} m above the floor, {room}")
    rules = stacking_data()["rules"]
    stacking = "; ".join(f"{b} takes {', '.join(takes(b))}" for b in rules if takes(b)) or "none"
    return template("chooser.txt").substitute(
        prompt=prompt or "(none)", container=target_id, category=obj.category.replace("_", " "),
        size_text=f"{obj.size[0]:.2f} m wide, {obj.size[1]:.2f} m deep, {obj.size[2]:.2f} m high",
        surfaces="\n".join(lines), categories=", ".join(small_categories()), stacking=stacking)


def chooser_messages(text: str, image) -> list[dict]:
    """The chooser's chat messages: one user message with the text and the view."""
    from ..vlm.messages import image_part, text_part, user_message

    return [user_message(text_part(text), image_part(image))]


_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.DOTALL)
_COUNT_FIRST = re.compile(r"^\s*(\d+)\s*(?:x\s+)?(.+?)\s*$", re.IGNORECASE)
_COUNT_LAST = re.compile(r"^\s*(.+?)\s*(?:[:=]|\bx|\*|\()\s*(\d+)\s*\)?\s*$", re.IGNORECASE)


def _json_of(text: str) -> Any:
    cands = [m.group(1) for m in _FENCE.finditer(text)]
    for open_, close in (("[", "]"), ("{", "}")):
        a, b = text.find(open_), text.rfind(close)
        if 0 <= a < b:
            cands.append(text[a:b + 1])
    for cand in cands:
        try:
            return json.loads(cand)
        except (json.JSONDecodeError, ValueError):
            continue
    return None


def _from_string(text: str) -> dict | None:
    text = re.sub(r"^\s*(?:[-*•]|\d+\s*[.)])\s+", "", str(text)).strip().strip(".;")
    if not text:
        return None
    m = _COUNT_FIRST.match(text)
    if m:
        return {"category": m.group(2), "count": int(m.group(1))}
    m = _COUNT_LAST.match(text)
    if m:
        return {"category": m.group(1), "count": int(m.group(2))}
    return {"category": text, "count": 1}


def normalise_entry(e: Any) -> dict | None:
    if isinstance(e, str):
        return _from_string(e)
    if not isinstance(e, dict):
        return None
    low = {str(k).lower(): v for k, v in e.items()}
    name = next((low[k] for k in ("category", "name", "object", "item", "type") if isinstance(low.get(k), str)), None)
    if name is None:
        return None
    count = next((low[k] for k in ("count", "n", "quantity", "number", "amount") if k in low), 1)
    out: dict[str, Any] = {"category": name, "count": count}
    on = next((low[k] for k in ("on", "on_top_of", "stack_on") if isinstance(low.get(k), str)), None)
    if on:
        out["on"] = on
    surface = next((low[k] for k in ("surface", "level", "shelf") if k in low), None)
    if surface is not None:
        out["surface"] = surface
    return out


def parse_choice(text: str) -> list[dict]:
    """The entries of a chooser's reply as ``{"category": str, "count": Any, ["on": str],
    ["surface": Any]}`` (names and values unchecked; see the module docstring)."""
    data = _json_of(str(text or ""))
    if isinstance(data, dict):
        lst = next((data[k] for k in ("items", "objects", "choice", "choices") if isinstance(data.get(k), list)), None)
        if lst is not None:
            data = lst
        elif all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in data.values()) and data:
            data = [{"category": k, "count": v} for k, v in data.items()]
        else:
            data = [data]
    if isinstance(data, list):
        return [e for e in (normalise_entry(x) for x in data) if e is not None]
    out = []
    for line in str(text or "").splitlines():
        for part in line.split(","):
            if re.search(r"[A-Za-z]", part) and len(part.split()) <= 6:
                e = _from_string(part)
                if e is not None:
                    out.append(e)
    return out


def resolve_small(name: str) -> tuple[str | None, str]:
    """(catalog category, "") for a small-object name (synonyms, plurals); (None, why) otherwise."""
    text = str(name).strip()
    cands = [text]
    low = text.lower()
    if low.endswith("es"):
        cands.append(text[:-2])
    if low.endswith("s"):
        cands.append(text[:-1])
    for c in cands:
        cat = catalog.resolve(c)
        if cat is not None:
            if catalog.get(cat).support != "object":
                return None, f"{cat} is furniture, not a small object"
            return cat, ""
    return None, f"unknown category {text!r}"


def _count(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)) and float(v).is_integer():
        return int(v)
    if isinstance(v, str) and v.strip().isdigit():
        return int(v.strip())
    return None


def wants_from_choice(entries: Sequence[dict], surfaces: Sequence[int]) -> tuple[list[Want], list[dict]]:
    """Wants from parsed chooser entries (``surfaces``: the target's surface indices) and the
    entries skipped, each ``{"category", "reason"}``."""
    skipped: list[dict] = []
    top: list[Want] = []
    stacked: list[tuple[Want, str]] = []
    total = 0
    for e in entries:
        cat, why = resolve_small(e.get("category", ""))
        if cat is None:
            skipped.append({"category": str(e.get("category", "")), "reason": why})
            continue
        n = _count(e.get("count", 1))
        if n is None or n < 0:
            skipped.append({"category": cat, "reason": f"count must be a whole number, got {e.get('count')!r}"})
            continue
        if n > MAX_PER_ENTRY:
            skipped.append({"category": cat, "reason": f"{n - MAX_PER_ENTRY} more than {MAX_PER_ENTRY} per entry"})
            n = MAX_PER_ENTRY
        if total + n > MAX_ITEMS:
            skipped.append({"category": cat, "reason": f"{total + n - MAX_ITEMS} over the limit of {MAX_ITEMS} items"})
            n = MAX_ITEMS - total
        total += n
        surface = _count(e.get("surface")) if e.get("surface") is not None else None
        if surface is not None and surface not in surfaces:
            surface = None
        on = e.get("on")
        for _ in range(n):
            w = Want(cat, surface)
            if on:
                stacked.append((w, str(on)))
            else:
                top.append(w)
    turn: dict[str, int] = {}
    for w, on_text in stacked:
        base, why = resolve_small(on_text)
        if base is None:
            skipped.append({"category": w.category, "reason": f"cannot stand on {on_text!r}: {why}"})
            continue
        if w.category not in takes(base):
            allowed = ", ".join(takes(base)) or "nothing"
            skipped.append({"category": w.category,
                            "reason": f"a {w.category} does not go on a {base} (stacking rules: {base} takes {allowed})"})
            continue
        bases = [b for b in top if b.category == base]
        if not bases:
            skipped.append({"category": w.category, "reason": f"no {base} was chosen to put it on"})
            continue
        k = turn.get(base, 0)
        turn[base] = k + 1
        w.surface = None
        bases[k % len(bases)].stack.append(w)
    return top, skipped
