"""Room design: a :class:`~.spec.PromptSpec` + a random generator -> a :class:`RoomDesign`.

:func:`design_room` samples, from the knowledge files (``knowledge.py``), everything the planner
needs to write DSL programs: the room polygon, height, doors and windows, surface materials, the
style and its palette, the furniture items with their placements, the lights and the small-object
dressing. The code is generic; what a bedroom or a restaurant contains is data
(``data/room_types.json``).

Steps
-----
1. **Style**: the prompt's, else one sampled from the room type's style weights (a palette hint
   like "vibrant" favours eclectic); one palette variant of it.
2. **Items**: each template item of the room type is included when essential, asked for by the
   prompt, or by chance (``p``, scaled by the style's decor/plant multipliers and the prompt's
   flags: "fully equipped" adds the type's ``rich`` items and fills ranges to the top, "sparse"
   halves); counts are sampled in their ranges; ``count_per`` items follow their base item ("two
   chairs per cafe table"). Items whose place refers to an item that is not in the design are
   dropped (or, when required, lose that relation).
3. **The prompt's objects**: for each requested category the design ends with at least that many
   (exactly that many when the prompt gave a number): group items change their count, single items
   are added (generic placement: :data:`pairings` partners first, then the catalog's support,
   against-wall and placement hints) or dropped (optional ones first, with what depends on them).
   Categories the template lacks are added the same way; things the catalog lacks keep the prompt
   word as their category (a labelled proxy). The prompt's relations then rewrite placements
   ("under the window", "in the middle", "along the walls", "facing", "on"), and its attributes
   set colours, materials, styles and sizes.
4. **Room**: width and depth sampled for the size word, grown until the furniture footprints (with
   their front clearances) take at most :data:`MAX_FOOTPRINT_SHARE` of the floor and the largest
   piece fits; the shape (rect, L, U, long) from the prompt or the type's weights, keeping the
   area. Doors, then windows on other walls (never overlapping a door).
5. **Materials**: floor, walls, ceiling from the room type's own choices or the palette; the
   prompt's surface materials win ("brick wall" -> an accent wall ``wall_<i>``, "wooden floor");
   sometimes a palette accent wall.
6. **Lights** (``data/lighting.json``): a mood (the prompt's, else the room type's; a warm style
   warms a neutral room), ceiling fixtures by floor area (style-preferred fixture kind), fixtures
   over tables and counters, lamps lit, neon signs glowing in their colour; watts sized from the
   room's W/m2 times the mood's intensity ("bright" >= 11.5 W/m2, "dim" <= 4.5 W/m2).
7. **Dressing**: default small objects per category (``category_dressing``) or per item
   (``dress``) with counts per instance; the planner ``fill``s them.
8. **Order**: anchors before what refers to them; floor items first (largest first), then wall,
   ceiling and small ones.

Temperature
-----------
``temperature`` scales how adventurous choices are: 0 takes the most typical choice everywhere
(probabilities >= 0.5 included, the middle of ranges, the heaviest weight) and is deterministic
whatever the generator; 1 samples the data's distributions; 2 flattens them (rare styles, shapes
and optional furniture become likelier) while every sampled value stays inside its range.

Conventions for the planner
---------------------------
- ``DesignItem.place`` holds DSL ``place()`` keywords; string values that are item keys name
  those items. An item with ``count`` n whose target item also has count n pairs instance i with
  instance i (each classroom chair behind its own desk); with ``around`` the n are spread over the
  target's instances.
- Placement targets are item keys, ``"any_wall"``, ``"center"``, wall ids ``"wall_<i>"`` (edge i
  of the polygon) and window ids ``"window_<i>"`` (the i-th entry of ``windows``, the id the DSL
  gives it when the windows are created in that order): the words of the knowledge files
  ("window", "door", "room") are resolved by :meth:`_Builder.resolve_words`.
- ``{"on": key}`` (stage ``small``): standing on that item (split over its instances).
- ``dressing`` counts are per instance of the target item.
- ``lights``: ``{"kind", "at_item": key, "count", "watts", "kelvin"}`` (a light in each instance of
  the item, e.g. ceiling fixtures or lamps) or with ``"color"`` (linear RGB) for neon signs.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ...assets import catalog
from .knowledge import PLACE_TARGET_KEYS as TARGET_KEYS
from .knowledge import dangling, item_categories, knowledge
from .spec import PromptSpec

log = logging.getLogger(__name__)

#: furniture footprints (with front clearances) may take at most this share of the floor
MAX_FOOTPRINT_SHARE = 0.45
#: optional furniture is left out while it needs more than this times the sampled floor area (per
#: size word: a small room stays small, a large one may grow)
SHED_ABOVE = {"small": 1.1, "medium": 1.35, "large": 1.6}
STAGES = ("large", "wall", "ceiling", "small")
GRID = 0.05  # room dimensions are rounded to this


@dataclass(frozen=True)
class DesignItem:
    """One furniture item (or a group of identical ones) of a design.

    ``key``: unique in the design ("bed", "nightstand_l", "chairs"); ``category``: the catalog
    category (or, for something the catalog lacks, the prompt word: "harp"); ``count``: how many
    identical objects this item stands for; ``stage``: ``large`` (floor furniture), ``wall``,
    ``ceiling`` or ``small`` (on a surface); ``place``: DSL ``place()`` keywords with item keys as
    targets (see the module doc); ``color`` / ``material`` / ``style``: looks; ``size``: width /
    depth / height overrides in metres; ``required``: the prompt asked for it or the room type
    cannot do without it (the planner must place it or explain); ``source``: ``prompt``,
    ``essential``, ``optional`` or ``decor``."""

    key: str
    category: str
    count: int = 1
    stage: str = "large"
    place: dict = field(default_factory=dict)
    color: object = None
    material: str | None = None
    style: str | None = None
    size: dict | None = None
    required: bool = False
    source: str = "optional"


@dataclass(frozen=True)
class RoomDesign:
    """A complete room design (see the module doc). ``polygon`` is CCW with a corner at the
    origin; ``doors``: ``{"wall", "at" (centre fraction), "width"}``; ``windows``: ``{"wall", "at",
    "width", "height", "sill"}``; ``materials``: ``floor``, ``walls``, ``ceiling`` and optional
    ``wall_<i>`` descriptions; ``palette``: object colour names; ``items`` in placement order;
    ``lights`` and ``dressing`` as the module doc says. Added fields: ``mood`` (colour mood of the
    lights), ``intensity`` (``dim`` / ``normal`` / ``bright``), ``shape``, ``size`` and ``notes``
    (what the design decided that a report should say: a grown room, a dropped optional item)."""

    room_type: str
    name: str
    polygon: tuple
    height: float
    doors: tuple
    windows: tuple
    materials: dict
    style: str
    palette: tuple
    items: tuple
    lights: tuple
    dressing: tuple
    spec: PromptSpec
    mood: str = "neutral"
    intensity: str = "normal"
    shape: str = "rect"
    size: str = "medium"
    notes: tuple = ()

    def item(self, key: str) -> DesignItem:
        for it in self.items:
            if it.key == key:
                return it
        raise KeyError(key)


# ---------------------------------------------------------------------------------------------
# sampling with a temperature


class Sampler:
    """Draws from ``rng`` with ``temperature`` (see the module doc)."""

    def __init__(self, rng: np.random.Generator, temperature: float):
        self.rng = rng
        self.t = max(0.0, float(temperature))

    def chance(self, p: float) -> bool:
        p = float(p)
        if p >= 1.0:
            return True
        if p <= 0.0:
            return False
        if self.t == 0:
            return p >= 0.5
        logit = math.log(p / (1 - p)) / self.t
        q = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, logit))))
        return bool(self.rng.random() < q)

    def pick(self, weights: dict) -> Any:
        items = [(k, float(w)) for k, w in weights.items() if float(w) > 0]
        if not items:
            raise ValueError("nothing to pick from")
        if self.t == 0 or len(items) == 1:
            return max(items, key=lambda kw: kw[1])[0]
        w = np.array([v for _, v in items]) ** (1.0 / self.t)
        w = w / w.sum()
        return items[int(self.rng.choice(len(items), p=w))][0]

    def index(self, n: int) -> int:
        if n <= 1 or self.t == 0:
            return 0
        return int(self.rng.integers(0, n))

    def uniform(self, lo: float, hi: float) -> float:
        lo, hi = float(lo), float(hi)
        mid = 0.5 * (lo + hi)
        if self.t == 0 or hi <= lo:
            return mid
        return mid + (float(self.rng.random()) - 0.5) * (hi - lo) * min(1.0, self.t)

    def integer(self, spec: Any) -> int:
        if isinstance(spec, (int, float)):
            return int(spec)
        lo, hi = int(spec[0]), int(spec[1])
        if hi <= lo:
            return lo
        mid = 0.5 * (lo + hi)
        if self.t == 0:
            return int(math.floor(mid)) if (hi - lo) % 2 else int(mid)
        v = mid + (float(self.rng.random()) - 0.5) * (hi - lo + 1) * min(1.0, self.t)
        return int(min(hi, max(lo, round(v))))

    def choice(self, seq: list | tuple) -> Any:
        return seq[self.index(len(seq))]


# ---------------------------------------------------------------------------------------------
# helpers


def _info(cat: str):
    try:
        return catalog.get(cat)
    except KeyError:
        return None


def stage_of(cat: str) -> str:
    """The stage a category is placed in (from its catalog support; unknown: ``large``)."""
    info = _info(cat)
    if info is None:
        return "large"
    return {"floor": "large", "wall": "wall", "ceiling": "ceiling", "object": "small"}[info.support]


def item_size(cat: str, size: dict | None) -> tuple[float, float, float]:
    """(width, depth, height) of a category with overrides."""
    info = _info(cat)
    w, d, h = info.size_typical if info is not None else (0.6, 0.6, 0.8)
    size = size or {}
    return (float(size.get("width", w)), float(size.get("depth", d)), float(size.get("height", h)))


def _front_clearance(cat: str) -> float:
    """The free depth a category needs in front of it (the catalog's; unknown: 0.4 m)."""
    info = _info(cat)
    return info.front_clearance_m if info is not None else 0.4


def footprint(it: DesignItem) -> float:
    """Floor area (m2) an item needs: its footprint and front clearance, times its count (0 for
    non-floor and flat items)."""
    if it.stage != "large":
        return 0.0
    info = _info(it.category)
    if info is not None and info.flat:
        return 0.0
    w, d, _ = item_size(it.category, it.size)
    clear = _front_clearance(it.category)
    if any(k in it.place for k in ("around", "in_front_of", "behind", "next_to")):
        clear = 0.0  # a satellite stands in its anchor's clearance zone
    return (w * (d + clear)) * max(1, it.count)


def _targets(place: dict) -> list[str]:
    out = []
    for k, v in place.items():
        if k in TARGET_KEYS and isinstance(v, str):
            out.append(v)
        elif k == "between" and isinstance(v, (list, tuple)):
            out.extend(str(x) for x in v)
    return out


def _scaled_size(cat: str, attr_size: str | None, base: dict | None) -> dict | None:
    """Size overrides for an object the prompt sized ("king size bed", "a large sofa")."""
    if not attr_size:
        return base
    info = _info(cat)
    if info is None:
        return base
    rules = knowledge().lexicon["object_sizes"].get(attr_size)
    if not rules:
        return base
    out = dict(base or {})
    if cat in rules and isinstance(rules[cat], dict):
        out.update(rules[cat])
        return out
    w, d, h = item_size(cat, base)
    lo, hi = info.size_min, info.size_max
    if "factor" in rules:
        f = float(rules["factor"])
        out["width"] = round(min(hi[0], max(lo[0], w * f)), 3)
        out["depth"] = round(min(hi[1], max(lo[1], d * f)), 3)
    if "factor_width" in rules:
        out["width"] = round(min(hi[0], max(lo[0], w * float(rules["factor_width"]))), 3)
    return out or None


# ---------------------------------------------------------------------------------------------
# the design


class _Builder:
    def __init__(self, spec: PromptSpec, rng: np.random.Generator, temperature: float):
        self.spec = spec
        self.s = Sampler(rng, temperature)
        self.k = knowledge()
        self.rt_name = spec.room_type
        self.rt = self.k.room(spec.room_type)
        self.items: dict[str, dict] = {}  # key -> mutable item record, insertion order = template order
        self.excluded: dict[str, dict] = {}  # template items left out (by chance or with a missing target)
        self.notes: list[str] = []
        self.flags = set(spec.flags)

    # -- style ----------------------------------------------------------------------------
    def choose_style(self) -> None:
        if self.spec.styles:
            style = self.spec.styles[0]
        else:
            weights = dict(self.rt["styles"])
            if "vibrant" in self.spec.colors and "eclectic" in self.k.styles:
                weights["eclectic"] = max(weights.get("eclectic", 0.0), 1.0) * 3.0
            style = self.s.pick(weights)
        self.style = style
        st = self.k.styles[style]
        self.st = st
        self.palette = dict(st["variants"][self.s.index(len(st["variants"]))])
        palettes = self.k.lexicon["palettes"]
        for hint in self.spec.colors:
            if hint in palettes:
                self.palette["accents"] = list(palettes[hint])
                self.palette["colors"] = list(palettes[hint][:3]) + list(self.palette["colors"][:1])
            elif isinstance(hint, str):
                self.palette["colors"] = [hint] + list(self.palette["colors"])

    # -- template -------------------------------------------------------------------------
    def _p(self, item: dict) -> float:
        p = float(item.get("p", 1.0 if item.get("essential") else 0.5))
        if item.get("decor"):
            p *= float(self.st.get("decor", 1.0)) * (1.5 if "decor" in self.flags else 1.0)
        if item.get("plant"):
            p *= float(self.st.get("plants", 1.0)) * (1.8 if "plants" in self.flags else 1.0)
        if "rich" in self.flags and not item.get("decor"):
            p = max(p, 0.9)
        if "sparse" in self.flags:
            p *= 0.5
        return min(p, 0.97) if p < 1.0 else 1.0

    def _count(self, spec: Any) -> int:
        if isinstance(spec, list) and "rich" in self.flags:
            return int(spec[1])
        if isinstance(spec, list) and "sparse" in self.flags:
            return int(spec[0])
        return self.s.integer(spec)

    def instantiate(self) -> None:
        wanted = set(self.spec.objects)
        template = list(self.rt["items"])
        if "rich" in self.flags:
            template += list(self.rt.get("rich", []))
        claimed: set[str] = set()
        for item in template:
            cats = item_categories(item)
            asked = [c for c in cats if c in wanted] if not item.get("apart") else []
            # a choice item takes the asked category not yet given to another item
            fresh = [c for c in asked if c not in claimed] or asked
            if "choices" in item:
                cat = fresh[0] if fresh else self.s.pick(item["choices"])
            else:
                cat = item["category"]
            include = bool(item.get("essential")) or bool(fresh) or self.s.chance(self._p(item))
            count_spec = item.get("count", 1)
            count = self._count(count_spec)
            if fresh and include:
                claimed.add(cat)
            (self.items if include else self.excluded)[item["key"]] = {
                "key": item["key"], "category": cat, "count": count, "place": dict(item.get("place", {})),
                "size": dict(item["size"]) if "size" in item else None,
                "essential": bool(item.get("essential")), "asked": bool(fresh) or (cat in wanted and not item.get("apart")),
                "apart": bool(item.get("apart")),
                "decor": bool(item.get("decor")), "count_per": item.get("count_per"), "dress": item.get("dress"),
                "multi": isinstance(count_spec, list) or "count_per" in item, "template": True,
            }
        self._recount_per()
        self._prune()

    def _recount_per(self, skip: set[str] | None = None) -> None:
        for rec in self.items.values():
            per = rec["count_per"]
            if per is None or (skip and rec["category"] in skip):
                continue
            base = self.items.get(per["item"])
            if base is None:
                continue
            if "each_n" not in rec:
                rec["each_n"] = self._count(per["each"])
            rec["count"] = rec["each_n"] * base["count"]

    def _required(self, rec: dict) -> bool:
        return rec["essential"] or rec["asked"]

    def _prune(self) -> None:
        """Drop items whose targets are missing (required ones lose that relation instead)."""
        changed = True
        while changed:
            changed = False
            for key in list(self.items):
                rec = self.items.get(key)
                if rec is None:
                    continue
                per = rec["count_per"]
                if per is not None and per["item"] not in self.items:
                    if self._required(rec):
                        rec["count_per"] = None
                    else:
                        self.excluded.setdefault(key, self.items.pop(key))
                        changed = True
                        continue
                if rec["count"] <= 0:
                    del self.items[key]
                    changed = True
                    continue
                for pk, pv in list(rec["place"].items()):
                    if dangling(pk, pv, self.items):
                        if pk == "on":
                            host = self._host_for(rec["category"], exclude=key)
                            if host is not None and self._required(rec):
                                rec["place"]["on"] = host
                                continue
                        if self._required(rec):
                            del rec["place"][pk]
                            if pk == "on":
                                host = self._add_host()
                                rec["place"]["on"] = host
                            changed = True
                        else:
                            self.excluded.setdefault(key, self.items.pop(key))
                            self.excluded[key]["pruned"] = True
                            changed = True
                            break

    # -- hosts for small things -----------------------------------------------------------
    def _host_for(self, cat: str, exclude: str | None = None) -> str | None:
        for partner, place in self.k.pairings.get(cat, []):
            if "on" in place:
                key = self._first_key(partner, exclude)
                if key is not None:
                    return key
        for key in self.rt.get("surfaces", []):
            if key in self.items and key != exclude:
                return key
        for host in self.k.lexicon["hosts"]["categories"]:
            key = self._first_key(host, exclude)
            if key is not None:
                return key
        return None

    def _add_host(self) -> str:
        key = self._unique("side_table")
        self.items[key] = self._new_rec(key, "side_table", 1, {"against": "any_wall"}, asked=False)
        self.items[key]["essential"] = True
        self.notes.append("added a side table to hold small objects the prompt asked for")
        return key

    def _first_key(self, cat: str, exclude: str | None = None) -> str | None:
        for key, rec in self.items.items():
            if rec["category"] == cat and key != exclude:
                return key
        return None

    def _unique(self, base: str) -> str:
        if base not in self.items:
            return base
        i = 2
        while f"{base}_{i}" in self.items:
            i += 1
        return f"{base}_{i}"

    def _new_rec(self, key: str, cat: str, count: int, place: dict, asked: bool = True) -> dict:
        return {"key": key, "category": cat, "count": count, "place": place, "size": None, "essential": False,
                "asked": asked, "apart": False, "decor": False, "count_per": None, "dress": None,
                "multi": count > 1, "template": False}

    def generic_place(self, cat: str, count: int, exclude: str | None = None) -> dict:
        """Where an added object goes (see the module doc)."""
        for partner, place in self.k.pairings.get(cat, []):
            key = self._first_key(partner, exclude)
            if key is not None:
                out = {k: (key if v == "@" else v) for k, v in place.items()}
                if count > 1 and "around" not in out and "on" not in out and stage_of(cat) == "large":
                    out.setdefault("row", True)
                return out
        info = _info(cat)
        stage = stage_of(cat)
        if stage == "wall":
            return {"on_wall": "any_wall"}
        if stage == "ceiling":
            return {"on_ceiling": True}
        if stage == "small":
            host = self._host_for(cat, exclude) or self._add_host()
            return {"on": host}
        if info is None:  # something the catalog lacks (a labelled proxy): by a wall, out of the way
            return {"against": "any_wall"}
        if info.flat:
            return {"center": True}
        if count >= 6 and not info.against_wall:
            cols = int(math.ceil(math.sqrt(count * 1.3)))
            return {"grid": [int(math.ceil(count / cols)), cols]}
        if info.against_wall:
            return {"against": "any_wall", "row": True} if count > 1 else {"against": "any_wall"}
        if "corner" in info.placement:
            return {"corner": True}
        if "centre" in info.placement:
            return {"center": True}
        return {"row": True} if count > 1 else {}

    # -- the prompt's objects -------------------------------------------------------------
    def apply_prompt_objects(self) -> None:
        spec = self.spec
        per_cats = {rec["category"] for rec in self.items.values() if rec["count_per"] is not None}
        ordered = sorted(spec.objects, key=lambda c: (c in per_cats, list(spec.objects).index(c)))
        for cat in ordered:
            n = int(spec.objects[cat])
            exact = cat in spec.exact
            if cat in per_cats:
                self._recount_per()
            group = [rec for rec in self.items.values() if rec["category"] == cat and not rec["apart"]]
            total = sum(r["count"] for r in group)
            if not group:
                key = self._unique(cat)
                self.items[key] = self._new_rec(key, cat, n, self.generic_place(cat, n, exclude=key))
                self.notes.append(f"added {n} {cat} the prompt asked for (not in the {self.rt['display']} template)")
                continue
            for rec in group:
                rec["asked"] = True
            if total < n:
                total += self._reinclude(cat, n - total)
            if total < n:
                group = [rec for rec in self.items.values() if rec["category"] == cat and not rec["apart"]]
                multi = [r for r in group if r["multi"] and r["count_per"] is None] or \
                        [r for r in group if r["multi"]]
                if multi:
                    rec = multi[0]
                    rec["count"] += n - total
                    rec["count_per"] = None
                else:
                    extra = n - total
                    key = self._unique(f"{cat}_extra")
                    self.items[key] = self._new_rec(key, cat, extra, self.generic_place(cat, extra, exclude=key))
            elif exact and total > n:
                self._reduce(group, total - n)
        self._recount_per(skip={c for c in spec.objects})
        self._prune()

    def _reinclude(self, cat: str, missing: int) -> int:
        """Bring back left-out template items of ``cat`` (their own placements: the right-hand
        nightstand) whose targets are in the design, and then what was left out only because they
        were missing (its lamp). Returns how many objects came back."""
        got = 0
        for key, rec in list(self.excluded.items()):
            if got >= missing:
                break
            if rec["category"] != cat or rec["apart"] or rec["count_per"] is not None:
                continue
            if any(dangling(pk, pv, self.items) for pk, pv in rec["place"].items()):
                continue
            rec["asked"] = True
            self.items[key] = self.excluded.pop(key)
            got += rec["count"]
        if got:
            for key, rec in list(self.excluded.items()):
                if rec.get("pruned") and not any(dangling(pk, pv, self.items) for pk, pv in rec["place"].items()):
                    self.items[key] = self.excluded.pop(key)
        return got

    def _reduce(self, group: list[dict], excess: int) -> None:
        """Remove ``excess`` objects from ``group``: optional single items first (last first), then
        group counts."""
        order = sorted(group, key=lambda r: (r["essential"], r["multi"], -list(self.items).index(r["key"])))
        for rec in order:
            if excess <= 0:
                break
            if rec["multi"] or rec["count"] > 1:
                take = min(excess, rec["count"] - (1 if rec is order[-1] else 0))
                rec["count"] -= take
                rec["count_per"] = None
                excess -= take
                if rec["count"] <= 0:
                    del self.items[rec["key"]]
            else:
                del self.items[rec["key"]]
                excess -= 1
        self._prune()

    # -- relations and attributes ---------------------------------------------------------
    def apply_relations(self) -> None:
        for rel in self.spec.relations:
            subj = [r for r in self.items.values() if r["category"] == rel["subject"] and not r["apart"]]
            if not subj:
                continue
            kind, obj = rel["relation"], rel["object"]
            obj_key = self._first_key(obj) if obj not in ("window", "door", "wall", "room") else None
            for rec in subj:
                rec["asked"] = True
                place = rec["place"]
                keep_group = {k: v for k, v in place.items() if k in ("row", "grid", "around")}
                if kind == "under":
                    rec["place"] = {"under": "window"} if obj == "window" else (
                        {"center_aligned_with": obj_key, "near": obj_key} if obj_key else place)
                elif kind == "on_wall":
                    if stage_of(rec["category"]) == "large":
                        wall_cat = self.k.wall_variants.get(rec["category"])
                        if wall_cat is not None:
                            rec["category"] = wall_cat
                            rec["size"] = None
                            rec["place"] = {"on_wall": "any_wall"}
                        else:
                            rec["place"] = {"against": "any_wall", **keep_group}
                    else:
                        rec["place"] = {k: v for k, v in place.items() if k != "on"} | {"on_wall": "any_wall"}
                elif kind == "on" and obj_key is not None:
                    if place.get("on") and self.items.get(place["on"], {}).get("category") == obj:
                        continue
                    rec["place"] = {"on": obj_key}
                elif kind == "along_walls":
                    rec["place"] = {"against": "any_wall", **({"row": True} if rec["count"] > 1 else {})}
                elif kind == "middle":
                    rec["place"] = {"center": True}
                elif kind == "corner":
                    rec["place"] = {"corner": True}
                elif kind in ("facing", "next_to", "around") and (obj_key is not None or obj in ("window", "door")):
                    target = obj_key if obj_key is not None else obj
                    if kind == "facing":
                        rec["place"] = {k: v for k, v in place.items() if k != "facing"} | {"facing": target}
                    elif kind == "next_to":
                        rec["place"] = {k: v for k, v in place.items() if k in ("against",)} | {"next_to": target}
                    else:
                        rec["place"] = {"around": target}
                elif kind == "above" and obj_key is not None:
                    if stage_of(rec["category"]) == "ceiling":
                        rec["place"] = {"on_ceiling": True, "near": obj_key}
                    else:
                        rec["place"] = {"on_wall": "any_wall", "center_aligned_with": obj_key}
        # items standing on a host of another category keep being small
        self._prune()

    # -- room -----------------------------------------------------------------------------
    def choose_room(self) -> None:
        spec = self.spec
        rt = self.rt
        size_word = spec.size if spec.size in rt["sizes"] else "medium"
        rng_w = rt["sizes"][size_word]["width"]
        rng_d = rt["sizes"][size_word]["depth"]
        w = self.s.uniform(*rng_w)
        d = self.s.uniform(*rng_d)
        if spec.shape_given:
            shape = spec.shape
        else:
            shape = self.s.pick(rt["shapes"])
        self.height = round(self.s.uniform(*rt["height"]) / GRID) * GRID
        area = w * d
        # a small room sheds optional furniture (least central first) before it grows
        self._shed(area)
        need = self._need()
        if need > area:
            f = math.sqrt(need / area)
            self.notes.append(f"room grown from {w:.2f} x {d:.2f} m by {f:.2f} to fit the furniture")
            w, d = w * f, d * f
        # the largest piece must fit with a walkway
        big_w = big_d = 0.0
        for r in self.items.values():
            it = self._as_item(r)
            if it.stage != "large":
                continue
            iw, idp, _ = item_size(it.category, it.size)
            big_w = max(big_w, iw)
            big_d = max(big_d, idp + _front_clearance(it.category))
        long_side = big_w + 1.2
        short_side = big_d + 1.2
        if max(w, d) < long_side:
            if w >= d:
                w = long_side
            else:
                d = long_side
        if min(w, d) < short_side:
            if w < d:
                w = short_side
            else:
                d = short_side
        self.min_short = short_side
        self.polygon, self.shape = self._polygon(shape, w, d)
        self.width, self.depth = w, d

    def _need(self) -> float:
        return sum(footprint(self._as_item(r)) for r in self.items.values()) / MAX_FOOTPRINT_SHARE

    def _shed(self, area: float) -> None:
        """Drop optional floor items, last in the template first, while the furniture needs more
        than :data:`SHED_ABOVE` times the floor area: the sampled one, or what the required
        furniture alone needs when that is more (the room grows for it anyway)."""
        required = sum(footprint(self._as_item(r)) for r in self.items.values() if self._required(r))
        limit = SHED_ABOVE.get(self.spec.size, 1.35) * max(area, required / MAX_FOOTPRINT_SHARE)
        while self._need() > limit:
            optional = [k for k, r in self.items.items() if not self._required(r) and
                        stage_of(r["category"]) == "large" and footprint(self._as_item(r)) > 0 and
                        not any(r2["place"].get(pk) == k for r2 in self.items.values() if self._required(r2)
                                for pk in TARGET_KEYS)]
            if not optional:
                return
            key = optional[-1]
            self.notes.append(f"left out the optional {self.items[key]['category']} ({key}): the room is "
                              f"{self.spec.size}")
            del self.items[key]
            self._prune()

    def _polygon(self, shape: str, w: float, d: float) -> tuple[tuple, str]:
        s = self.s
        g = lambda v: round(round(v / GRID) * GRID, 2)  # noqa: E731
        if shape == "long":
            area = w * d
            ratio = s.uniform(2.0, 2.6)
            if d > w:
                w, d = d, w
            if w / d < ratio:
                w, d = math.sqrt(area * ratio), math.sqrt(area / ratio)
            w, d = g(w), g(max(d, 1.4, getattr(self, "min_short", 0.0)))
            if w < 2.0 * d:
                w = g(2.0 * d)
            return ((0.0, 0.0), (w, 0.0), (w, d), (0.0, d)), "long"
        if shape == "L":
            a, b = s.uniform(0.35, 0.48), s.uniform(0.35, 0.48)
            f = 1.0 / math.sqrt(1.0 - a * b)
            W, D = g(w * f), g(d * f)
            cw, cd = g(a * W), g(b * D)
            if W - cw < 2.2 or D - cd < 2.2 or cw < 1.0 or cd < 1.0:
                return self._polygon("rect", w, d)
            if s.index(2) == 0:  # cut the far right corner
                pts = ((0.0, 0.0), (W, 0.0), (W, D - cd), (W - cw, D - cd), (W - cw, D), (0.0, D))
            else:  # cut the far left corner
                pts = ((0.0, 0.0), (W, 0.0), (W, D), (cw, D), (cw, D - cd), (0.0, D - cd))
            return pts, "L"
        if shape == "U":
            c, e = s.uniform(0.3, 0.4), s.uniform(0.3, 0.4)
            f = 1.0 / math.sqrt(1.0 - c * e)
            W, D = g(w * f), g(d * f)
            nw, nd = g(c * W), g(e * D)
            x1 = g((W - nw) / 2)
            x2 = x1 + nw
            if x1 < 2.0 or D - nd < 2.2 or nw < 1.0:
                return self._polygon("rect", w, d)
            return ((0.0, 0.0), (W, 0.0), (W, D), (x2, D), (x2, D - nd), (x1, D - nd), (x1, D), (0.0, D)), "U"
        W, D = g(w), g(d)
        return ((0.0, 0.0), (W, 0.0), (W, D), (0.0, D)), "rect"

    def walls(self) -> list[tuple[int, float]]:
        pts = self.polygon
        out = []
        for i in range(len(pts)):
            (x0, y0), (x1, y1) = pts[i], pts[(i + 1) % len(pts)]
            out.append((i, math.hypot(x1 - x0, y1 - y0)))
        return out

    def openings(self) -> None:
        rt = self.rt
        walls = self.walls()
        dcfg = rt.get("door", {"count": 1, "width": [0.8, 0.9]})
        n_doors = self.s.integer(dcfg.get("count", 1))
        doors = []
        used: dict[int, list[tuple[float, float]]] = {}
        candidates = [i for i, length in walls if length >= 1.6]
        for k in range(n_doors):
            width = round(self.s.uniform(*dcfg["width"]) / GRID) * GRID
            free = [i for i in candidates if i not in used] or candidates
            if not free:
                break
            if k == 0:
                wall = self.s.choice(free)
            else:  # a second door: the wall farthest round the polygon from the first
                first = doors[0]["wall"]
                n = len(walls)
                wall = max(free, key=lambda i: (min((i - first) % n, (first - i) % n), -i))
            length = dict(walls)[wall]
            margin = (0.15 + width / 2) / length
            lo, hi = margin, 1 - margin
            if self.s.t == 0:
                at = lo + (0.35 + width / 2) / length - margin if length > 2.5 else 0.5
            else:
                at = self.s.uniform(lo, hi) if self.s.chance(0.4) else (lo + (0.3 + width / 2) / length - margin
                                                                        if self.s.chance(0.5) else
                                                                        hi - (0.3 + width / 2) / length + margin)
            at = min(hi, max(lo, at))
            doors.append({"wall": wall, "at": round(at, 3), "width": round(width, 2)})
            used.setdefault(wall, []).append((at * length - width / 2 - 0.3, at * length + width / 2 + 0.3))
        wcfg = rt.get("windows", {"count": [1, 2], "width": [1.0, 1.6], "height": [1.2, 1.5], "sill": [0.8, 1.0]})
        n_win = self.s.integer(wcfg["count"])
        if any(r["object"] == "window" for r in self.spec.relations):
            n_win = max(n_win, 1)  # the prompt put something by a window
        windows = []
        door_walls = {d["wall"] for d in doors}
        order = [i for i, length in sorted(walls, key=lambda wl: (-round(wl[1], 2), wl[0])) if i not in door_walls]
        if self.s.t > 0 and len(order) > 1 and self.s.chance(0.5):
            order = [order[int(i)] for i in self.s.rng.permutation(len(order))]
        order += sorted(door_walls)
        for wall in order:
            if len(windows) >= n_win:
                break
            length = dict(walls)[wall]
            width = round(self.s.uniform(*wcfg["width"]) / GRID) * GRID
            width = min(width, length - 0.9)
            if width < 0.6:
                continue
            height = round(self.s.uniform(*wcfg["height"]), 2)
            sill = round(self.s.uniform(*wcfg["sill"]), 2)
            height = min(height, self.height - sill - 0.25)
            if height < 0.4:
                continue
            lo = (0.45 + width / 2) / length
            hi = 1 - lo
            if lo > hi:
                continue
            at = 0.5 if self.s.t == 0 else self.s.uniform(max(lo, 0.3), min(hi, 0.7))
            at = min(hi, max(lo, at))
            a0, a1 = at * length - width / 2, at * length + width / 2
            if any(a0 < b1 and b0 < a1 for b0, b1 in used.get(wall, [])):
                continue
            used.setdefault(wall, []).append((a0 - 0.2, a1 + 0.2))
            windows.append({"wall": wall, "at": round(at, 3), "width": round(width, 2), "height": round(height, 2),
                            "sill": sill})
        self.doors, self.windows = tuple(doors), tuple(windows)
        if not windows:  # curtains and the like have nothing to hang at
            for key in [k for k, r in self.items.items() if "window" in r["place"].values() and not self._required(r)]:
                self.notes.append(f"left out {self.items[key]['category']} ({key}): the room has no window")
                self.excluded[key] = self.items.pop(key)
            self._prune()

    def resolve_words(self) -> None:
        """Replace the placement words of the knowledge files by ids the DSL knows: ``under:
        "window"`` -> the window with the highest sill (raised when the object would not fit under
        it), ``next_to``/``near`` a window -> against (or, for wall objects, on) that window's wall,
        ``near`` the door -> against the door's wall, ``facing`` a window or door -> its wall,
        ``"room"`` -> ``"center"``."""
        windows = [dict(w) for w in self.windows]
        door_wall = f"wall_{self.doors[0]['wall']}" if self.doors else None
        for key, rec in self.items.items():
            place = rec["place"]
            wall_obj = stage_of(rec["category"]) == "wall"
            out: dict = {}
            for k, v in place.items():
                if v == "room" and k in TARGET_KEYS:
                    out[k] = "center"
                elif k == "under" and v == "window":
                    if not windows:
                        out["against"] = "any_wall"
                        continue
                    i = max(range(len(windows)), key=lambda j: (windows[j]["sill"], -j))
                    top = item_size(rec["category"], rec["size"])[2] + 0.05
                    w = windows[i]
                    if w["sill"] < top:  # raise the sill (and keep the window below the ceiling)
                        w["sill"] = round(top, 2)
                        w["height"] = round(max(0.4, min(w["height"], self.height - 0.15 - w["sill"])), 2)
                    out["under"] = f"window_{i}"
                elif v == "window" and k in TARGET_KEYS:
                    if not windows:
                        continue
                    wall = f"wall_{windows[0]['wall']}"
                    if k == "facing":
                        out["facing"] = wall
                    elif wall_obj:
                        out["on_wall"] = wall
                    else:
                        out["against"] = wall
                elif v == "door" and k in TARGET_KEYS:
                    if door_wall is None:
                        continue
                    if k == "facing":
                        out["facing"] = door_wall
                    elif wall_obj:
                        out["on_wall"] = door_wall
                    elif "against" not in place and "center" not in place and "corner" not in place:
                        out["against"] = door_wall
                else:
                    out[k] = v
            if "against" in out and "on_wall" in out:
                del out["against"]
            rec["place"] = out
        # windows whose sill was raised: stay within the walls' heights
        self.windows = tuple(windows)

    # -- materials ------------------------------------------------------------------------
    def choose_materials(self) -> None:
        pal = self.palette
        rt_mats = self.rt.get("materials", {})
        mats = {}
        for surface in ("floor", "walls", "ceiling"):
            if surface in rt_mats and self.s.chance(0.8):
                mats[surface] = self.s.choice(rt_mats[surface])
            else:
                mats[surface] = pal[surface]
        spec_m = self.spec.materials
        mat_words = set(self.k.lexicon["materials"].values())

        def described(desc: str, surface_noun: str, plain: str) -> str:
            """The prompt's words for a surface as a material description: "<desc> <surface
            noun>" when they name a material ("oak floor"), else "<desc> <plain>" (a colour:
            "white paint")."""
            named = any(w in mat_words or w in ("planks", "tile", "paint", "wallpaper") for w in desc.split())
            return f"{desc} {surface_noun}" if named else f"{desc} {plain}"

        for surface, noun, plain in (("floor", "floor", "tile floor"), ("walls", "wall", "paint"),
                                     ("ceiling", "ceiling", "paint")):
            if surface in spec_m:
                mats[surface] = described(spec_m[surface], noun, plain)
        door_walls = {d["wall"] for d in self.doors}
        walls = [i for i, length in sorted(self.walls(), key=lambda wl: -wl[1]) if length >= 1.5]
        accent_walls = [i for i in walls if i not in door_walls] or walls
        if "wall_accent" in spec_m and accent_walls:
            desc = spec_m["wall_accent"]
            wall = accent_walls[self.s.index(min(2, len(accent_walls)))]
            if desc.strip() == "brick":
                desc = "exposed red brick" if self.style in ("industrial", "rustic") else "red brick"
            mats[f"wall_{wall}"] = described(desc, "wall", "paint")
        elif accent_walls and "walls" not in spec_m and self.s.chance(float(self.st.get("accent_wall", 0.0))):
            wall = accent_walls[self.s.index(min(2, len(accent_walls)))]
            mats[f"wall_{wall}"] = pal["accent"]
        self.materials = mats

    # -- looks of items -------------------------------------------------------------------
    def looks(self, rec: dict) -> tuple[Any, str | None, str | None, dict | None]:
        cat = rec["category"]
        role = self.k.roles.get(cat, {})
        pal = self.palette
        color = None
        material = pal.get(role["material"]) if role.get("material") else None
        if role.get("color"):
            src = pal.get(role["color"])
            if isinstance(src, list) and src:
                color = self.s.choice(src)
            elif isinstance(src, str):
                color = src
        attrs = self.spec.attributes.get(cat, {})
        palettes = self.k.lexicon["palettes"]
        if attrs.get("color"):
            c = attrs["color"]
            color = self.s.choice(palettes[c]) if c in palettes else c
        if attrs.get("material"):
            material = attrs["material"]
        style = attrs.get("style") or self.style
        size = _scaled_size(cat, attrs.get("size"), rec["size"])
        return color, material, style, size

    def _as_item(self, rec: dict) -> DesignItem:
        stage = stage_of(rec["category"])
        if "on" in rec["place"]:
            stage = "small"
        return DesignItem(key=rec["key"], category=rec["category"], count=int(rec["count"]), stage=stage,
                          place=dict(rec["place"]), size=rec["size"])

    def build_items(self) -> list[DesignItem]:
        out = []
        for rec in self.items.values():
            color, material, style, size = self.looks(rec)
            base = self._as_item(rec)
            source = "prompt" if rec["asked"] else "essential" if rec["essential"] else (
                "decor" if rec["decor"] else "optional")
            out.append(replace(base, color=color, material=material, style=style, size=size,
                               required=rec["asked"] or rec["essential"], source=source))
        return out

    # -- lights ---------------------------------------------------------------------------
    def lights(self, items: list[DesignItem]) -> tuple[list[DesignItem], list[dict], str, str]:
        L = self.k.lighting
        lt = L["room_types"][self.rt_name]
        moods = L["moods"]
        spec_moods = list(self.spec.lighting)
        colour = next((m for m in spec_moods if m in L["colour_moods"]), None)
        if colour is None:
            colour = lt["mood"]
            style_mood = self.st.get("mood", "neutral")
            if colour == "neutral" and style_mood == "warm":
                colour = "warm"
        intensity = next((m for m in spec_moods if m in L["intensity_moods"]), "normal")
        if intensity == "dim" and colour in ("neutral", "cool", "natural"):
            colour = "warm"
        kelvin = int(round(self.s.uniform(*moods[colour]["kelvin"]) / 50.0) * 50)
        area = polygon_area(self.polygon)
        factor = moods[colour].get("intensity", 1.0) * (moods[intensity]["intensity"] if intensity != "normal" else 1.0)
        budget = area * float(lt["watts_per_m2"]) * factor
        if intensity == "bright":
            budget = max(budget, area * moods["bright"]["watts_per_m2_min"])
        if intensity == "dim":
            budget = min(budget, area * moods["dim"]["watts_per_m2_max"])
        # fixtures
        weights = dict(lt["fixtures"])
        for fx, w in self.st.get("fixture", {}).items():
            if fx in weights:
                weights[fx] = weights[fx] * (1.0 + 2.0 * float(w))
        fixture = self.s.pick(weights)
        n_fix = max(1, int(round(area / float(lt["area_per_fixture"]))))
        if intensity == "bright":
            n_fix = max(n_fix, int(math.ceil(area / float(lt["area_per_fixture"]) * 1.3)))
        new_items = [DesignItem(key="ceiling_lights", category=fixture, count=n_fix, stage="ceiling",
                                place={"on_ceiling": True}, material=self.palette.get("metal"), style=self.style,
                                required=False, source="essential")]
        over_lights = []
        for it in items:
            over = lt.get("over", {}).get(it.category)
            if over and it.stage == "large":
                key = f"{it.key}_light"
                new_items.append(DesignItem(key=key, category=over, count=it.count, stage="ceiling",
                                            place={"on_ceiling": True, "near": it.key},
                                            material=self.palette.get("metal"), style=self.style, source="optional"))
                over_lights.append(key)
        lights: list[dict] = []
        lamp_items = [it for it in items if it.category in L["lamp_categories"]] if lt.get("lamps") else []
        n_lamps = sum(it.count for it in lamp_items)
        lamp_w = self.s.uniform(*L["lamp_watts"])
        if n_lamps and lamp_w * n_lamps > 0.4 * budget:
            lamp_w = max(5.0, 0.4 * budget / n_lamps)
        rest = max(budget - lamp_w * n_lamps, 0.0)
        n_ceiling = n_fix + sum(it.count for it in new_items[1:])
        fix_w = max(8.0, rest / max(1, n_ceiling))
        if intensity == "dim":
            fix_w = min(fix_w, max(5.0, (budget - lamp_w * n_lamps) / max(1, n_ceiling)))
        lights.append({"kind": "ceiling", "at_item": "ceiling_lights", "count": n_fix, "watts": round(fix_w, 1),
                       "kelvin": kelvin})
        for key, it in zip(over_lights, new_items[1:]):
            lights.append({"kind": "ceiling", "at_item": key, "count": it.count, "watts": round(fix_w, 1),
                           "kelvin": kelvin})
        for it in lamp_items:
            lights.append({"kind": "point", "at_item": it.key, "count": it.count, "watts": round(lamp_w, 1),
                           "kelvin": max(2200, kelvin - 200)})
        neon = [it for it in items if it.category == "neon_sign"]
        if colour == "neon" and not neon:
            it = DesignItem(key="neon_signs", category="neon_sign", count=2, stage="wall",
                            place={"on_wall": "any_wall"}, style=self.style, source="decor")
            new_items.append(it)
            neon = [it]
        if neon:
            from ...materials.colors import color_rgb

            for it in neon:
                name = self.s.choice(L["neon_colors"])
                rgb = [round(float(v), 4) for v in color_rgb(name)]
                lights.append({"kind": "point", "at_item": it.key, "count": it.count, "watts": 12.0,
                               "color": rgb, "color_name": name})
        return new_items, lights, colour, intensity

    # -- dressing -------------------------------------------------------------------------
    def dressing(self, items: list[DesignItem]) -> list[dict]:
        out = []
        decor = min(1.0, float(self.st.get("decor", 1.0)) + (0.3 if "decor" in self.flags else 0.0))
        by_key = {it.key: it for it in items}
        room_level = {e["target"] for e in self.rt.get("dressing", [])}
        for it in items:
            if it.key in room_level:
                continue
            rec = self.items.get(it.key)
            entries = rec["dress"] if rec is not None and rec["dress"] is not None else \
                self.k.category_dressing.get(it.category, [])
            for e in entries:
                if not self.s.chance(float(e.get("p", 1.0))):
                    continue
                n = self.s.integer(e["count"])
                if e["items"] != ["book"] and decor < 1.0:
                    n = max(1, int(round(n * decor)))
                if n > 0:
                    out.append({"target": it.key, "items": list(e["items"]), "count": int(n)})
        for e in self.rt.get("dressing", []):
            if e["target"] in by_key and self.s.chance(float(e.get("p", 1.0))):
                n = self.s.integer(e["count"])
                if n > 0:
                    out.append({"target": e["target"], "items": list(e["items"]), "count": int(n)})
        return out


def polygon_area(poly) -> float:
    a = 0.0
    for i in range(len(poly)):
        x0, y0 = poly[i]
        x1, y1 = poly[(i + 1) % len(poly)]
        a += x0 * y1 - x1 * y0
    return abs(a) / 2.0


def order_items(items: list[DesignItem]) -> list[DesignItem]:
    """Anchors before what refers to them; otherwise floor items first (largest footprint
    first), then wall, ceiling and small items, in their original order."""
    keys = {it.key for it in items}
    deps = {it.key: {t for t in _targets(it.place) if t in keys and t != it.key} for it in items}
    rank = {it.key: (STAGES.index(it.stage), -footprint(it), i) for i, it in enumerate(items)}
    by_key = {it.key: it for it in items}
    out: list[DesignItem] = []
    done: set[str] = set()
    pending = set(keys)
    while pending:
        ready = [k for k in pending if deps[k] <= done]
        if not ready:  # a cycle: break it at the best-ranked item
            ready = list(pending)
        k = min(ready, key=lambda key: rank[key])
        out.append(by_key[k])
        done.add(k)
        pending.discard(k)
    return out


def design_room(spec: PromptSpec, rng: np.random.Generator, temperature: float = 1.0) -> RoomDesign:
    """A room design for ``spec`` (see the module doc). Deterministic for a given generator state
    and temperature; ``temperature`` 0 ignores the generator."""
    if temperature < 0:
        from ...errors import WorldsmithError

        raise WorldsmithError(f"temperature must be >= 0, got {temperature!r}")
    b = _Builder(spec, rng, temperature)
    b.choose_style()
    b.instantiate()
    b.apply_prompt_objects()
    b.apply_relations()
    b.choose_room()
    b.openings()
    b.resolve_words()
    b.choose_materials()
    items = b.build_items()
    extra, lights, mood, intensity = b.lights(items)
    items = order_items(items + extra)
    dressing = b.dressing(items)
    display_style = b.st.get("display", b.style.replace("_", " "))
    palette = tuple(dict.fromkeys(list(b.palette["colors"]) + list(b.palette["accents"])))
    return RoomDesign(
        room_type=spec.room_type, name=f"{display_style} {b.rt['display']}", polygon=tuple(b.polygon),
        height=float(round(b.height, 2)), doors=b.doors, windows=b.windows, materials=dict(b.materials),
        style=b.style, palette=palette, items=tuple(items), lights=tuple(lights), dressing=tuple(dressing),
        spec=spec, mood=mood, intensity=intensity, shape=b.shape, size=spec.size, notes=tuple(b.notes))


# ---------------------------------------------------------------------------------------------
# what a design will contain


def expected_counts(design: RoomDesign) -> dict[str, int]:
    """category -> how many objects the design asks for: item counts plus dressing entries that
    name a single category (per target instance)."""
    out: dict[str, int] = {}
    inst = {it.key: it.count for it in design.items}
    for it in design.items:
        out[it.category] = out.get(it.category, 0) + it.count
    for d in design.dressing:
        if d.get("items") and len(d["items"]) == 1:
            cat = d["items"][0]
            out[cat] = out.get(cat, 0) + int(d.get("count") or 0) * inst.get(d["target"], 1)
    return out


def richness(design: RoomDesign) -> tuple[int, int]:
    """(objects, distinct categories) the design leads to when every item and dressing entry is
    placed (a multi-category dressing entry counts its objects, and its categories only up to its
    count)."""
    inst = {it.key: it.count for it in design.items}
    total = sum(it.count for it in design.items)
    cats = {it.category for it in design.items}
    for d in design.dressing:
        n = int(d.get("count") or 0) * inst.get(d["target"], 1)
        total += n
        items = d.get("items") or []
        cats.update(items[:max(0, min(len(items), n))])
    return total, len(cats)


def surface_materials(design: RoomDesign) -> dict[str, str]:
    """Every surface material of the design, for reports and checks: the room's (``floor``,
    ``walls``, ``ceiling``, ``wall_<i>``), ``wall_accent`` (the first own-material wall), and
    ``counter`` (the first counter item's colour and material)."""
    out = dict(design.materials)
    for k, v in design.materials.items():
        if k.startswith("wall_"):
            out.setdefault("wall_accent", v)
            break
    counters = knowledge().lexicon["counter_categories"]
    for it in design.items:
        if it.category in counters:
            out.setdefault("counter", " ".join(str(x) for x in (it.color, it.material) if x))
    return out


__all__ = ["DesignItem", "MAX_FOOTPRINT_SHARE", "RoomDesign", "Sampler", "design_room", "expected_counts",
           "footprint", "order_items", "polygon_area", "richness", "stage_of", "surface_materials"]
