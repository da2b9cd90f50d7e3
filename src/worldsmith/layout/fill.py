"""Small objects on furniture: books on shelves, plates on tables, pillows on beds.

:func:`plan_fill` decides where small objects (catalog ``support == "object"``: book, mug, plate,
vase, candle, laptop, monitor, keyboard, pillow, table_lamp, ...) go on a target's support surfaces
(:func:`worldsmith.assets.support_surfaces`): it returns :class:`FillItem` values (category, size,
target, surface index, world (x, y), yaw); the DSL's ``fill`` turns them into ``AddObject`` +
``Place`` actions. Every planned item keeps these rules, so the validator finds nothing to report:

- **on the surface**: the item's whole footprint (its size box turned by its yaw) lies inside the
  surface polygon shrunk by an edge margin (``EDGE_MARGIN_M`` on tops; ``SHELF_MARGIN_M`` on shelf
  levels; at most 5 % of a small surface's width), at the surface's height;
- **no interpenetration**: footprint boxes keep a gap (``ITEM_GAP_M``; books in a row
  ``ROW_GAP_M``) from each other and from what is already there: objects on the surface and any
  other object's mesh part (its box) reaching into the space above the surface (a wall cabinet over
  a counter, a chair's back under a table edge). The target's own parts are not checked: its
  surfaces are, by the generators' contract, the places on it that are free;
- **headroom**: an item is at most ``clearance_m - HEADROOM_M`` tall under the shelf above (and
  below the ceiling on open tops). A sampled item too tall, wide or deep for the surface is shrunk,
  each dimension no lower than the catalog's ``size_min``; when that is not enough it is skipped and
  reported (:class:`FillSkip`).

Arrangements:

- **rows** on shelf levels (targets in ``shelf_categories`` of ``data/dressing.json``: bookshelf,
  display shelf, wall shelf, and any surface with something above it): items stand side by side
  along the shelf (books upright, spines to the front, ``ROW_GAP_M`` apart), in one to three groups
  spread along the free length; ``density`` is the share of the shelf length covered;
- **scatter** on open tops (tables, counters, beds, seats): each item takes the best of many random
  poses inside the surface (the one farthest from what is already there, so things spread out),
  turned freely (mugs, vases) or to the target's front with some jitter (books, laptops, frames:
  ``items`` rules in ``dressing.json``); ``density`` is the share of the surface area covered;
- **default dressings** (``fill(target)`` with no items, count or density): per furniture category,
  entries of ``dressing.json`` anchored in the target's local frame (``u`` from left to right, ``v``
  from back to front): pillows side by side at the head of a bed (its back, local -Y), cushions
  against the back of a sofa's end seats, a monitor centred at the back of a desk facing the front
  with the keyboard in front of it, a lamp on a nightstand, a place setting (plate, glass) at every
  chair facing a dining table, books on every bookshelf level, appliances along the back of a
  kitchen counter.

Items are drawn from ``items`` in the order given, then in shuffled cycles (deterministic through
``rng``). Sizes are sampled around the catalog's typical size. Returned items can be fill targets
themselves once added (a mug on a plate on a table).

:class:`SurfaceChecker` applies the same rules to one pose at a time, for callers that choose the
poses themselves (the asset-level pointing policy, ``worldsmith.policy.assets``): it says why a
pose fails (too tall, off the surface, over the edge, too close to a named thing) and commits the
poses that fit.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Sequence

import numpy as np

from ..assets import catalog, object_transform, support_surfaces
from ..assets.surfaces import Surface
from ..scene import ObjectInstance, Scene
from ..scene.geometry import front_direction
from .collide import free_intervals, part_boxes
from .resolve import PlacementError, normalize_yaw

log = logging.getLogger(__name__)

EDGE_MARGIN_M = 0.025
SHELF_MARGIN_M = 0.004
ITEM_GAP_M = 0.02
ROW_GAP_M = 0.002
OBSTACLE_GAP_M = 0.01
HEADROOM_M = 0.01
#: parts of other objects ending at most this far above a surface (the board an item stands on) are
#: not in its way
Z_EPS_M = 0.003
DEFAULT_SHELF_DENSITY = 0.6
MAX_COUNT = 400
SCATTER_CANDIDATES = 48
#: rings (metres) searched around an anchor point when the point itself is taken
ANCHOR_RINGS = (0.0, 0.01, 0.02, 0.035, 0.05, 0.07, 0.1, 0.13, 0.17, 0.22, 0.3)
ANCHOR_ANGLES = 12
#: SurfaceChecker's tolerance: a pose this close to fitting fits
CHECK_TOL_M = 1e-5


class FillError(PlacementError):
    """A fill request that cannot be carried out as asked: an unknown item category, a piece of
    furniture given as an item, a target with nothing to stand things on, a bad count/density."""


@dataclass(frozen=True)
class FillItem:
    """One small object to add: ``category`` with ``size`` (w, d, h) on surface ``surface`` of
    object ``on``, its bottom centre at world ``position`` (x, y) and height ``z`` (the surface's),
    turned to ``yaw_deg``. ``role`` names the dressing entry that placed it ("monitor", "pillows",
    "setting", ...), empty for plain fill items."""

    category: str
    size: tuple[float, float, float]
    on: str
    surface: int
    position: tuple[float, float]
    yaw_deg: float
    z: float
    role: str = ""

    @property
    def x(self) -> float:
        return self.position[0]

    @property
    def y(self) -> float:
        return self.position[1]


@dataclass(frozen=True)
class FillSkip:
    """An item that was asked for (or that a dressing wanted) but did not fit, and why."""

    category: str
    surface: int | None
    reason: str


@dataclass(frozen=True)
class FillResult:
    items: tuple[FillItem, ...]
    skipped: tuple[FillSkip, ...]


# ---------------------------------------------------------------------------------------------
# data


@dataclass(frozen=True)
class ItemRule:
    """How a small-object category is turned and spaced (``items`` in ``dressing.json``)."""

    yaw: str = "free"  # "free" | "front"
    yaw_jitter_deg: float = 0.0
    row_yaw_jitter_deg: float | None = None  # in rows on shelves (None: as yaw_jitter_deg / 3)
    row_align: str = "centre"  # "front" | "centre" | "back"
    gap_m: float = ITEM_GAP_M
    size_jitter: tuple[float, float, float] = (0.08, 0.08, 0.08)


@lru_cache(maxsize=1)
def dressing_data() -> dict[str, Any]:
    """The parsed ``layout/data/dressing.json``."""
    text = resources.files("worldsmith.layout").joinpath("data/dressing.json").read_text("utf-8")
    return json.loads(text)


@lru_cache(maxsize=None)
def item_rule(category: str) -> ItemRule:
    raw = dressing_data()["items"].get(category, {})
    return ItemRule(
        yaw=str(raw.get("yaw", "free")),
        yaw_jitter_deg=float(raw.get("yaw_jitter_deg", 0.0)),
        row_yaw_jitter_deg=None if raw.get("row_yaw_jitter_deg") is None else float(raw["row_yaw_jitter_deg"]),
        row_align=str(raw.get("row_align", "centre")),
        gap_m=float(raw.get("gap_m", ITEM_GAP_M)),
        size_jitter=tuple(float(v) for v in raw.get("size_jitter", (0.08, 0.08, 0.08))),  # type: ignore[arg-type]
    )


def dressing_for(category: str) -> list[dict[str, Any]]:
    """The default dressing entries of a furniture category (empty when it has none)."""
    return list(dressing_data()["dressings"].get(category, []))


def pool_for(category: str) -> list[str]:
    """What fill(target, count=|density=) puts on a ``category`` target when no items are given."""
    pools = dressing_data()["pools"]
    return list(pools.get(category, pools["_default"]))


def dressing_categories() -> set[str]:
    """Every small-object category the dressing data can place (for checks against the catalog)."""
    data = dressing_data()
    out: set[str] = set(data["items"])
    for pool in data["pools"].values():
        out.update(pool)
    for entries in data["dressings"].values():
        for e in entries:
            if "category" in e:
                out.add(e["category"])
            if "plate" in e:
                out.add(e["plate"])
            out.update(e.get("items", []) if e.get("kind") == "fill" else [])
            if e.get("kind") == "settings":
                out.update(i["category"] for i in e.get("items", []))
    return out


# ---------------------------------------------------------------------------------------------
# geometry helpers (all in the target's local frame, metres)


def _rect(cx: float, cy: float, w: float, d: float, yaw_deg: float) -> np.ndarray:
    """Corners (4, 2), counter-clockwise, of a w x d rectangle centred at (cx, cy) turned by yaw."""
    t = math.radians(yaw_deg)
    c, s = math.cos(t), math.sin(t)
    local = np.array([[-w / 2, -d / 2], [w / 2, -d / 2], [w / 2, d / 2], [-w / 2, d / 2]])
    return local @ np.array([[c, s], [-s, c]]) + np.array([cx, cy])


def _extents(w: float, d: float, yaw_deg: float) -> tuple[float, float]:
    """Axis-aligned extents (x, y) of a w x d rectangle turned by yaw."""
    t = math.radians(yaw_deg)
    c, s = abs(math.cos(t)), abs(math.sin(t))
    return w * c + d * s, w * s + d * c


def _separated_pairs(a: np.ndarray, b: np.ndarray, gap: np.ndarray) -> np.ndarray:
    """Separating-axis test of rectangle pairs ``a[i]``, ``b[i]`` (P, 4, 2): (P,) True where some
    edge axis of either keeps them at least ``gap[i]`` apart."""
    def axes(r: np.ndarray) -> np.ndarray:
        e = np.stack([r[:, 1] - r[:, 0], r[:, 2] - r[:, 1]], axis=1)  # (P, 2, 2)
        return e / np.maximum(np.linalg.norm(e, axis=-1, keepdims=True), 1e-12)

    ax = np.concatenate([axes(a), axes(b)], axis=1)  # (P, 4, 2)
    pa = np.einsum("pcd,pad->pac", a, ax)  # (P, 4 axes, 4 corners)
    pb = np.einsum("pcd,pad->pac", b, ax)
    g = gap[:, None]
    return ((pb.min(-1) - pa.max(-1) >= g) | (pa.min(-1) - pb.max(-1) >= g)).any(-1)


@dataclass
class _Box:
    """Something occupying space above a surface, in the target's local frame."""

    corners: np.ndarray  # (4, 2)
    z0: float
    z1: float
    gap: float
    planned: bool = False
    #: what it is, for messages: an object id, or a planned item's label
    owner: str = ""


@dataclass
class _Surf:
    s: Surface
    zs: float  # world height of the surface
    max_h: float  # tallest item that fits (headroom kept)
    poly: Any  # shapely Polygon, local frame
    inner: Any  # poly shrunk by the margin
    convex: bool
    box: tuple[float, float, float, float]  # inner's bounds (x0, y0, x1, y1)
    row: bool
    margin: float
    boxes: list[_Box] = field(default_factory=list)
    names: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)
    #: ``inner`` grown by CHECK_TOL_M (SurfaceChecker's containment test), made on first use
    inner_tol: Any = None

    _cache: tuple[int, tuple[np.ndarray, ...]] | None = None

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The boxes as arrays: corners (M, 4, 2), z0 (M,), z1 (M,), gap (M,)."""
        if self._cache is None or self._cache[0] != len(self.boxes):
            if self.boxes:
                arrs = (np.stack([b.corners for b in self.boxes]), np.array([b.z0 for b in self.boxes]),
                        np.array([b.z1 for b in self.boxes]), np.array([b.gap for b in self.boxes]))
            else:
                arrs = (np.zeros((0, 4, 2)), np.zeros(0), np.zeros(0), np.zeros(0))
            self._cache = (len(self.boxes), arrs)
        return self._cache[1]  # type: ignore[return-value]

    @property
    def width(self) -> float:
        return self.box[2] - self.box[0]

    @property
    def depth(self) -> float:
        return self.box[3] - self.box[1]


class _Picker:
    """Categories in the order given, then in shuffled cycles."""

    def __init__(self, cats: Sequence[str], rng: np.random.Generator):
        self.cats = list(cats)
        self.rng = rng
        self.queue: list[str] = list(cats)

    def next(self) -> str:
        if not self.queue:
            order = self.rng.permutation(len(self.cats))
            self.queue = [self.cats[int(i)] for i in order]
        return self.queue.pop(0)


# ---------------------------------------------------------------------------------------------
# the planner


class _Planner:
    def __init__(self, scene: Scene, target: ObjectInstance, rng: np.random.Generator):
        self.scene = scene
        self.target = target
        self.rng = rng
        self.T = object_transform(target)
        self.Tinv = np.linalg.inv(self.T)
        self.surfaces = {s.index: s for s in support_surfaces(target)}
        self.items: list[FillItem] = []
        self.skipped: list[FillSkip] = []
        self._surfs: dict[int, _Surf] = {}
        self._parts: dict[str, list[tuple[np.ndarray, float, float]]] = {}
        cats = set(dressing_data()["shelf_categories"])
        self.shelf_like = target.category in cats
        self.room_h = self._room_height()

    # -- set-up --------------------------------------------------------------------------------
    def _room_height(self) -> float:
        if not self.scene.rooms:
            return math.inf
        room = self.scene.room_at(self.target.position[:2])
        if room is None and self.target.support_kind == "wall":
            wall = self.scene.wall_map.get(self.target.support_target or "")
            room = self.scene.room(wall.room) if wall is not None else None
        return (room or self.scene.rooms[0]).height

    def default_surfaces(self) -> list[int]:
        """Every level of a shelf; else the surfaces open above (table tops, seats); else all."""
        idx = sorted(self.surfaces)
        if self.shelf_like:
            return idx
        open_ = [i for i in idx if self.surfaces[i].clearance_m is None]
        return open_ or idx

    def select(self, spec: Any) -> list[int]:
        idx = sorted(self.surfaces)
        if isinstance(spec, int) and not isinstance(spec, bool):
            return [spec] if spec in self.surfaces else []
        if spec in (None, "open"):
            return self.default_surfaces() if not self.shelf_like else \
                [i for i in idx if self.surfaces[i].clearance_m is None] or idx
        if spec in ("levels", "all"):
            return idx
        if spec == "shelves":
            return [i for i in idx if self.surfaces[i].clearance_m is not None] or idx
        if spec == "first":
            return idx[:1]
        if spec == "last":
            return idx[-1:]
        if spec == "ends":
            return sorted({idx[0], idx[-1]})
        if spec == "middle":
            return idx[1:-1]
        raise ValueError(f"unknown surface selector {spec!r} in dressing.json")

    def surf(self, index: int) -> _Surf:
        if index in self._surfs:
            return self._surfs[index]
        from shapely.geometry import Polygon

        s = self.surfaces[index]
        zs = self.target.position[2] + s.z
        poly = Polygon(s.polygon)
        if not poly.is_valid:
            poly = poly.buffer(0)
        x0, y0, x1, y1 = poly.bounds
        row = self.shelf_like or s.clearance_m is not None
        margin = min(SHELF_MARGIN_M if row else EDGE_MARGIN_M, 0.05 * min(x1 - x0, y1 - y0))
        inner = poly.buffer(-margin, join_style=2) if margin > 0 else poly
        if inner.is_empty:
            inner = poly
        if s.clearance_m is not None:
            max_h = s.clearance_m - HEADROOM_M
        else:
            max_h = self.room_h - zs - HEADROOM_M
        convex = abs(inner.convex_hull.area - inner.area) < 1e-9
        sf = _Surf(s, zs, max_h, poly, inner, convex, inner.bounds, row, margin)
        sf.boxes = self._obstacles(sf)
        self._surfs[index] = sf
        return sf

    def _part_boxes(self, obj: ObjectInstance) -> list[tuple[np.ndarray, float, float]]:
        """Each mesh part of ``obj`` as (corners (4, 2) in the target's frame, world z0, z1)."""
        if obj.id in self._parts:
            return self._parts[obj.id]
        m = self.Tinv @ object_transform(obj)
        out = []
        for box in part_boxes(obj):
            lo, hi = box[:3], box[3:]
            pts = np.array([[lo[0], lo[1], 0, 1], [hi[0], lo[1], 0, 1], [hi[0], hi[1], 0, 1], [lo[0], hi[1], 0, 1]])
            local = (m @ pts.T).T[:, :2]
            out.append((local, obj.position[2] + float(lo[2]), obj.position[2] + float(hi[2])))
        self._parts[obj.id] = out
        return out

    def _obstacles(self, sf: _Surf) -> list[_Box]:
        """Mesh parts (boxes) of other objects reaching into the space above ``sf``."""
        from ..scene.geometry import footprint

        lo_z, hi_z = sf.zs + Z_EPS_M, sf.zs + max(sf.max_h, 0.0)
        px0, py0, px1, py1 = sf.poly.bounds
        corners = np.array([[px0, py0, 0, 1], [px1, py0, 0, 1], [px1, py1, 0, 1], [px0, py1, 0, 1]])
        world = (self.T @ corners.T).T[:, :2]
        wx0, wy0 = world.min(0) - 0.05
        wx1, wy1 = world.max(0) + 0.05
        out: list[_Box] = []
        for obj in self.scene.objects:
            if obj.id == self.target.id:  # its surfaces are where it is free (the generator's contract)
                continue
            if obj.position[2] >= hi_z - 1e-9 or obj.top <= lo_z:
                continue
            fp = np.array(footprint(obj.position, obj.size, obj.yaw_deg))
            if fp[:, 0].max() < wx0 or fp[:, 0].min() > wx1 or fp[:, 1].max() < wy0 or fp[:, 1].min() > wy1:
                continue
            if obj.support_kind == "object":
                gap = item_rule(obj.category).gap_m
            else:
                gap = OBSTACLE_GAP_M
            for local, z0, z1 in self._part_boxes(obj):
                if z1 <= lo_z or z0 >= hi_z - 1e-9:
                    continue
                out.append(_Box(local, z0, z1, gap, owner=obj.id))
        return out

    # -- checks ----------------------------------------------------------------------------------
    def _valid(self, sf: _Surf, rects: np.ndarray, h: float, gap: float) -> np.ndarray:
        """(K,) True where candidate footprints ``rects`` (K, 4, 2) of height ``h`` fit on ``sf``."""
        import shapely

        k = rects.shape[0]
        if k == 0:
            return np.zeros(0, bool)
        mids = (rects + np.roll(rects, -1, axis=1)) / 2.0
        pts = np.concatenate([rects, mids], axis=1) if not sf.convex else rects
        inside = shapely.contains_xy(sf.inner, pts[..., 0].ravel(), pts[..., 1].ravel()).reshape(k, -1).all(1)
        if not sf.convex:
            polys = shapely.polygons(rects)
            inside &= shapely.contains(sf.inner, polys)
        if not inside.any():
            return inside
        corners, z0, z1, bgap = sf.arrays()
        if not len(corners):
            return inside
        keep = (z0 < sf.zs + h - 1e-9) & (z1 > sf.zs + Z_EPS_M)
        if not keep.any():
            return inside
        corners, gaps = corners[keep], np.maximum(bgap[keep], gap)
        # broad phase: bounding circles; then the separating-axis test on the pairs left
        cb = corners.mean(1)
        rb = np.linalg.norm(corners - cb[:, None], axis=-1).max(1)
        ca = rects.mean(1)
        ra = np.linalg.norm(rects - ca[:, None], axis=-1).max(1)
        dist = np.linalg.norm(ca[:, None, :] - cb[None], axis=-1)
        near = (dist < ra[:, None] + rb[None] + gaps[None]) & inside[:, None]
        ki, mi = np.nonzero(near)
        if not len(ki):
            return inside
        apart = _separated_pairs(rects[ki], corners[mi], gaps[mi] - 1e-7)
        blocked = np.zeros(k, bool)
        blocked[ki[~apart]] = True
        return inside & ~blocked

    # -- sizes -----------------------------------------------------------------------------------
    def _sample_size(self, cat: str) -> tuple[float, float, float]:
        info = catalog.get(cat)
        jit = item_rule(cat).size_jitter
        common = math.exp(float(self.rng.normal(0.0, 0.08)))
        out = []
        for i in range(3):
            v = info.size_typical[i] * common * math.exp(float(self.rng.normal(0.0, jit[i])))
            out.append(round(min(max(v, info.size_min[i]), info.size_max[i]), 4))
        return tuple(out)  # type: ignore[return-value]

    def _fit(self, cat: str, size: Sequence[float], max_w: float, max_d: float,
             max_h: float) -> tuple[tuple[float, float, float] | None, str]:
        """``size`` shrunk (each dimension at most to the catalog minimum) to fit the limits."""
        info = catalog.get(cat)
        out = []
        for i, (v, limit, what) in enumerate(((size[0], max_w, "wide"), (size[1], max_d, "deep"),
                                              (size[2], max_h, "tall"))):
            if v > limit:
                v = math.floor(limit * 1e4) / 1e4
                if v < info.size_min[i] - 1e-9:
                    room = "the space above it" if what == "tall" else "the surface"
                    return None, (f"a {cat} is at least {info.size_min[i]:.3f} m {what}; {room} leaves "
                                  f"{max(limit, 0.0):.3f} m")
            out.append(float(v))
        return tuple(out), ""  # type: ignore[return-value]

    # -- committing --------------------------------------------------------------------------------
    def _commit(self, sf: _Surf, cat: str, size: Sequence[float], lx: float, ly: float, lyaw: float,
                role: str = "", label: str = "") -> FillItem:
        corners = _rect(lx, ly, size[0], size[1], lyaw)
        sf.boxes.append(_Box(corners, sf.zs, sf.zs + size[2], item_rule(cat).gap_m, planned=True,
                             owner=label or f"the {cat} planned before"))
        p = self.T @ np.array([lx, ly, 0.0, 1.0])
        item = FillItem(cat, (float(size[0]), float(size[1]), float(size[2])), self.target.id, sf.s.index,
                        (round(float(p[0]), 6), round(float(p[1]), 6)),
                        normalize_yaw(self.target.yaw_deg + lyaw), round(sf.zs, 6), role)
        self.items.append(item)
        return item

    def _skip(self, cat: str, sf: _Surf | None, reason: str) -> None:
        self.skipped.append(FillSkip(cat, None if sf is None else sf.s.index, reason))

    def _yaw(self, cat: str, row: bool = False) -> float:
        rule = item_rule(cat)
        if rule.yaw == "free":
            return float(self.rng.uniform(0.0, 360.0))
        jitter = rule.yaw_jitter_deg
        if row:
            jitter = rule.row_yaw_jitter_deg if rule.row_yaw_jitter_deg is not None else jitter / 3.0
        return float(self.rng.normal(0.0, jitter)) if jitter > 0 else 0.0

    # -- scatter -----------------------------------------------------------------------------------
    def scatter_one(self, sf: _Surf, cat: str, role: str = "") -> tuple[FillItem | None, str]:
        """One ``cat`` at the best of many random poses on ``sf`` (the one farthest from what is
        there); when none is free, more tries square to the target, then at 85 % and 70 % size."""
        size, why = self._fit(cat, self._sample_size(cat), sf.width, sf.depth, sf.max_h)
        if size is None:
            return None, why
        free_yaw = item_rule(cat).yaw == "free"
        x0, y0, x1, y1 = sf.box
        fits = False
        for attempt, cand_size in enumerate([size, size] + self.smaller(cat, size)[1:]):
            n = SCATTER_CANDIDATES
            if attempt == 0:
                yaws = [self._yaw(cat) for _ in range(n)]
            else:
                yaws = [90.0 * int(self.rng.integers(0, 4)) if free_yaw else 0.0 for _ in range(n)]
            cand, cyaw = [], []
            for yaw in yaws:
                ex, ey = _extents(cand_size[0], cand_size[1], yaw)
                if ex > x1 - x0 or ey > y1 - y0:
                    continue
                cx = float(self.rng.uniform(x0 + ex / 2, x1 - ex / 2))
                cy = float(self.rng.uniform(y0 + ey / 2, y1 - ey / 2))
                cand.append(_rect(cx, cy, cand_size[0], cand_size[1], yaw))
                cyaw.append((cx, cy, yaw))
            if not cand:
                continue
            fits = True
            ok = self._valid(sf, np.stack(cand), cand_size[2], item_rule(cat).gap_m)
            if not ok.any():
                continue
            centres = np.array([b.corners.mean(0) for b in sf.boxes if b.z1 > sf.zs + Z_EPS_M]).reshape(-1, 2)
            pos = np.array([(c[0], c[1]) for c in cyaw])
            if len(centres):
                score = np.min(np.linalg.norm(pos[:, None, :] - centres[None], axis=-1), axis=1)
            else:  # the first one near the middle
                score = -np.linalg.norm(pos - np.array(sf.inner.centroid.coords[0]), axis=1)
            best = int(np.argmax(np.where(ok, score, -np.inf)))
            cx, cy, yaw = cyaw[best]
            return self._commit(sf, cat, cand_size, cx, cy, yaw, role), ""
        if not fits:
            return None, f"a {cat} of {size[0]:.2f} x {size[1]:.2f} m does not fit on surface #{sf.s.index}"
        return None, f"no free spot for a {cat} on surface #{sf.s.index}"

    def near(self, sf: _Surf, cat: str, size: Sequence[float], lx: float, ly: float, lyaw: float,
             role: str = "", reach: float = 0.3, square: bool = True) -> FillItem | None:
        """``cat`` at (lx, ly), or the nearest free spot within ``reach`` metres of it; when no
        spot takes it at ``lyaw``, turned square to the target (``lyaw`` rounded to 90 degrees)."""
        pts = []
        for ring, r in enumerate(ANCHOR_RINGS):
            if r > reach + 1e-9:
                break
            if r == 0.0:
                pts.append((lx, ly))
                continue
            for a in range(ANCHOR_ANGLES):
                t = 2 * math.pi * (a + 0.5 * (ring % 2)) / ANCHOR_ANGLES
                pts.append((lx + r * math.cos(t), ly + r * math.sin(t)))
        sq = 90.0 * round(lyaw / 90.0)
        for yaw in (lyaw, sq) if square and abs(sq - lyaw) > 1e-9 else (lyaw,):
            rects = np.stack([_rect(x, y, size[0], size[1], yaw) for x, y in pts])
            ok = self._valid(sf, rects, size[2], item_rule(cat).gap_m)
            if ok.any():
                i = int(np.argmax(ok))
                return self._commit(sf, cat, size, pts[i][0], pts[i][1], yaw, role)
        return None

    def smaller(self, cat: str, size: Sequence[float]) -> list[tuple[float, float, float]]:
        """``size``, then 85 % and 70 % of it (each dimension no lower than the catalog minimum)."""
        lo = catalog.get(cat).size_min
        out = [tuple(float(v) for v in size)]
        for f in (0.85, 0.7):
            cand = tuple(round(max(float(v) * f, m), 4) for v, m in zip(size, lo))
            if cand not in out:
                out.append(cand)  # type: ignore[arg-type]
        return out  # type: ignore[return-value]

    def anchor(self, sf: _Surf, cat: str, u: float | None, v: float | None, lyaw: float | None = None,
               role: str = "", reach: float = 0.3) -> tuple[FillItem | None, str]:
        """``cat`` at fractions (u, v) of the range its centre can take on ``sf`` (u: left to right,
        v: back to front; None: random), or the nearest free spot; smaller (down to 70 %, within the
        catalog minimum) when it does not fit at its sampled size."""
        size, why = self._fit(cat, self._sample_size(cat), sf.width, sf.depth, sf.max_h)
        if size is None:
            return None, why
        yaw = self._yaw(cat) if lyaw is None else lyaw
        u = float(self.rng.uniform()) if u is None else u
        v = float(self.rng.uniform()) if v is None else v
        x0, y0, x1, y1 = sf.box
        sq = 90.0 * round(yaw / 90.0)
        for cand in self.smaller(cat, size):
            for y in (yaw, sq) if abs(sq - yaw) > 1e-9 else (yaw,):  # as drawn, else square to the target
                ex, ey = _extents(cand[0], cand[1], y)
                lx = x0 + ex / 2 + u * (x1 - x0 - ex) if x1 - x0 > ex else (x0 + x1) / 2
                ly = y0 + ey / 2 + v * (y1 - y0 - ey) if y1 - y0 > ey else (y0 + y1) / 2
                item = self.near(sf, cat, cand, lx, ly, y, role, reach, square=False)
                if item is not None:
                    return item, ""
        return None, f"no free spot for a {cat} near ({u:.2f}, {v:.2f}) of surface #{sf.s.index}"

    # -- rows --------------------------------------------------------------------------------------
    def _free_intervals(self, sf: _Surf) -> list[tuple[float, float]]:
        x0, y0, x1, y1 = sf.box
        blocked = []
        for b in sf.boxes:
            if b.z1 <= sf.zs + Z_EPS_M or b.z0 >= sf.zs + sf.max_h - 1e-9:
                continue
            bx0, by0 = b.corners.min(0)
            bx1, by1 = b.corners.max(0)
            if by1 <= y0 or by0 >= y1 or bx1 <= x0 or bx0 >= x1:
                continue
            g = max(b.gap, ROW_GAP_M) + 1e-4
            blocked.append((bx0 - g, bx1 + g))
        return [(a, b) for a, b in free_intervals(x0, x1, blocked) if b - a > 0.01]

    def row_fill(self, sf: _Surf, cats: Sequence[str] | None, picker: _Picker | None,
                 target_len: float | None, role: str = "") -> list[tuple[str, str]]:
        """Items side by side along the shelf ``sf``: the given ``cats`` (count mode) or drawn from
        ``picker`` until they cover ``target_len`` metres. Returns (category, reason) of the items
        that did not fit."""
        free = self._free_intervals(sf)
        failed: list[tuple[str, str]] = []
        total_free = sum(b - a for a, b in free)
        specs: list[tuple[str, tuple[float, float, float], float, float, float]] = []  # cat, size, yaw, ex, ey
        covered = span = 0.0
        todo = list(cats) if cats is not None else None
        guard = misses = 0
        while True:
            guard += 1
            if todo is not None:
                if not todo:
                    break
                cat = todo.pop(0)
            else:
                if covered >= (target_len or 0.0) - 1e-9 or guard > MAX_COUNT or misses > 20:
                    break
                cat = picker.next()  # type: ignore[union-attr]
            size, why = self._fit(cat, self._sample_size(cat), sf.width, sf.depth, sf.max_h)
            if size is None:
                misses += 1
                if todo is not None or (cat, why) not in failed:
                    failed.append((cat, why))
                continue
            yaw = self._yaw(cat, row=True)
            ex, ey = _extents(size[0], size[1], yaw)
            if ey > sf.depth:
                yaw = 0.0 if item_rule(cat).yaw != "free" else 90.0 * int(size[0] < size[1])
                ex, ey = _extents(size[0], size[1], yaw)
            gap = self._row_gap(specs[-1][0], cat) if specs else 0.0
            if todo is None and span + gap + ex > total_free:
                break
            specs.append((cat, size, yaw, ex, ey))
            covered += ex
            span += gap + ex
        # pack the specs into the free intervals, in order
        pending = list(specs)
        for a, b in free:
            if not pending:
                break
            run: list[tuple[str, tuple[float, float, float], float, float, float]] = []
            used = 0.0
            while pending:
                spec = pending[0]
                gap = self._row_gap(run[-1][0], spec[0]) if run else 0.0
                if used + gap + spec[3] > b - a + 1e-9:
                    break
                used += gap + spec[3]
                run.append(pending.pop(0))
            if not run:
                continue
            slack = b - a - used
            n_breaks = int(self.rng.integers(0, min(3, len(run) // 4) + 1)) if len(run) >= 4 else 0
            cuts = sorted(self.rng.choice(np.arange(1, len(run)), size=n_breaks, replace=False).tolist()) \
                if n_breaks else []
            weights = self.rng.dirichlet(np.ones(n_breaks + 2))
            extra = {c: float(w) * slack for c, w in zip(cuts, weights[1:-1])}
            cursor = a + float(weights[0]) * slack
            for i, (cat, size, yaw, ex, ey) in enumerate(run):
                if i:
                    cursor += self._row_gap(run[i - 1][0], cat) + extra.get(i, 0.0)
                lx = cursor + ex / 2
                cursor += ex
                align = item_rule(cat).row_align
                y0, y1 = sf.box[1], sf.box[3]
                wiggle = float(self.rng.uniform(0.0, min(0.006, max(0.0, y1 - y0 - ey))))
                if align == "front":
                    ly = y1 - ey / 2 - wiggle
                elif align == "back":
                    ly = y0 + ey / 2 + wiggle
                else:
                    ly = (y0 + y1) / 2
                rect = _rect(lx, ly, size[0], size[1], yaw)[None]
                if self._valid(sf, rect, size[2], item_rule(cat).gap_m)[0]:
                    self._commit(sf, cat, size, lx, ly, yaw, role)
                else:
                    failed.append((cat, f"no room for a {cat} in the row on surface #{sf.s.index}"))
        if todo is not None:  # asked for by count: say what did not fit
            failed += [(s[0], f"the shelf (surface #{sf.s.index}) is full") for s in pending]
        return failed

    def _row_gap(self, a: str, b: str) -> float:
        g = max(item_rule(a).gap_m, item_rule(b).gap_m)
        return g + (float(self.rng.uniform(0.0, 0.003)) if g <= ROW_GAP_M else float(self.rng.uniform(0.0, 0.02)))

    # -- generic fill ------------------------------------------------------------------------------
    def capacity(self, sf: _Surf) -> float:
        return max(sf.width, 1e-6) if sf.row else max(sf.inner.area, 1e-6)

    def fill(self, indices: Sequence[int], cats: Sequence[str], count: int | None, density: float | None,
             role: str = "") -> None:
        picker = _Picker(cats, self.rng)
        surfs = [self.surf(i) for i in indices]
        if count is not None:
            queue = [picker.next() for _ in range(count)]
            caps = np.array([self.capacity(sf) for sf in surfs])
            quota = _allocate(count, caps)
            why: dict[str, tuple[int, str]] = {}
            for pass_ in range(2):  # each surface its share, then what is left wherever it fits
                for sf, q in zip(surfs, quota):
                    n = q if pass_ == 0 else len(queue)
                    if not queue or n <= 0:
                        continue
                    take, queue = queue[:n], queue[n:]
                    back = self._place_list(sf, take, role)
                    queue = [c for c, _ in back] + queue
                    why.update({c: (sf.s.index, reason) for c, reason in back})
            for cat in queue:
                index, reason = why.get(cat, (None, "no room"))
                self.skipped.append(FillSkip(cat, None if len(surfs) > 1 else index, reason))
            return
        assert density is not None
        for sf in surfs:
            if sf.row:
                covered = sum(b - a for a, b in _merge(
                    [(float(bx.corners[:, 0].min()), float(bx.corners[:, 0].max())) for bx in sf.boxes
                     if bx.z1 > sf.zs + Z_EPS_M and _overlaps_band(bx, sf)], sf.box[0], sf.box[2]))
                target = density * sf.width - covered
                if target > 0.005:
                    for cat, why in self.row_fill(sf, None, picker, target, role):
                        self._skip(cat, sf, why)
            else:
                covered = sum(float(abs(_shoelace(bx.corners))) for bx in sf.boxes
                              if bx.z1 > sf.zs + Z_EPS_M and sf.inner.contains(_point(bx.corners.mean(0))))
                target = density * sf.inner.area
                fails = guard = 0
                never: dict[str, str] = {}
                placed: set[str] = set()
                while covered < target - 1e-9 and fails < 8 and guard < MAX_COUNT:
                    guard += 1
                    cat = picker.next()
                    item, why = self.scatter_one(sf, cat, role)
                    if item is None:
                        fails += 1
                        never.setdefault(cat, why)
                        continue
                    fails = 0
                    placed.add(cat)
                    covered += item.size[0] * item.size[1]
                for cat, why in never.items():
                    if cat not in placed:
                        self._skip(cat, sf, why)

    def _place_list(self, sf: _Surf, cats: Sequence[str], role: str) -> list[tuple[str, str]]:
        if sf.row:
            return self.row_fill(sf, cats, None, None, role)
        failed = []
        for cat in cats:
            item, why = self.scatter_one(sf, cat, role)
            if item is None:
                failed.append((cat, why))
        return failed

    # -- default dressings -------------------------------------------------------------------------
    def dress(self, indices: Sequence[int] | None) -> None:
        """The target category's default dressing; ``indices`` (surface= given) overrides every
        entry's own surface choice."""
        for entry in dressing_for(self.target.category):
            p = float(entry.get("p", 1.0))
            if p < 1.0 and self.rng.uniform() >= p:
                continue
            chosen = list(indices) if indices is not None else self.select(entry.get("surfaces", "open"))
            for i in chosen:
                sf = self.surf(i)
                pe = float(entry.get("p_each", 1.0))
                if pe < 1.0 and self.rng.uniform() >= pe:
                    continue
                if sf.width < float(entry.get("min_width", 0.0)):
                    continue
                if entry.get("requires") and entry["requires"] not in sf.names:
                    continue
                self._entry(sf, entry)

    def _entry(self, sf: _Surf, e: dict[str, Any]) -> None:
        kind = e.get("kind")
        name = e.get("name", "")
        if kind == "anchor":
            cat = e["category"]
            u, v = e.get("at", [None, None])
            yaw = self._entry_yaw(cat, e)
            item, why = self.anchor(sf, cat, u, v, yaw, role=name or cat, reach=float(e.get("reach", 0.3)))
            self._named(sf, name, [item] if item else [])
            if item is None:
                self._skip(cat, sf, why)
        elif kind == "row":
            self._dress_row(sf, e)
        elif kind == "relative":
            self._dress_relative(sf, e)
        elif kind == "fill":
            items = list(e["items"])
            if "density" in e:
                lo, hi = e["density"]
                self.fill([sf.s.index], items, None, float(self.rng.uniform(lo, hi)), role=name)
            else:
                lo, hi = e.get("count", [1, 1])
                n = int(self.rng.integers(int(lo), int(hi) + 1))
                if n:
                    self.fill([sf.s.index], items, n, None, role=name)
        elif kind == "settings":
            self._dress_settings(sf, e)
        else:
            raise ValueError(f"unknown dressing kind {kind!r}")

    def _entry_yaw(self, cat: str, e: dict[str, Any]) -> float:
        if "yaw" in e or item_rule(cat).yaw == "front":
            jitter = float(e.get("yaw_jitter", item_rule(cat).yaw_jitter_deg))
            return float(e.get("yaw", 0.0)) + (float(self.rng.normal(0.0, jitter)) if jitter > 0 else 0.0)
        return float(self.rng.uniform(0.0, 360.0))

    def _named(self, sf: _Surf, name: str, items: list[FillItem]) -> None:
        if not name or not items:
            return
        pts = []
        for it in items:
            loc = self.Tinv @ np.array([it.x, it.y, 0.0, 1.0])
            pts.append(_rect(float(loc[0]), float(loc[1]), it.size[0], it.size[1],
                             it.yaw_deg - self.target.yaw_deg))
        allp = np.concatenate(pts)
        sf.names[name] = (float(allp[:, 0].min()), float(allp[:, 1].min()),
                          float(allp[:, 0].max()), float(allp[:, 1].max()))

    def _dress_row(self, sf: _Surf, e: dict[str, Any]) -> None:
        cat = e["category"]
        gap = float(e.get("gap", 0.03))
        n = int(min(max(math.floor(sf.width / float(e.get("per_m", 0.6))), int(e.get("min", 1))),
                    int(e.get("max", 4))))
        size, why = self._fit(cat, self._sample_size(cat), sf.width, sf.depth, sf.max_h)
        if size is None:
            self._skip(cat, sf, why)
            return
        while n > 1 and n * size[0] + (n - 1) * gap > sf.width:
            n -= 1
        x0, y0, x1, y1 = sf.box
        total = n * size[0] + (n - 1) * gap
        ly = y0 + size[1] / 2 if e.get("side", "back") == "back" else y1 - size[1] / 2
        ly = min(max(ly, y0 + size[1] / 2), y1 - size[1] / 2) if y1 - y0 > size[1] else (y0 + y1) / 2
        start = (x0 + x1) / 2 - total / 2
        placed = []
        for k in range(n):
            lx = start + size[0] / 2 + k * (size[0] + gap)
            yaw = float(e.get("yaw", 0.0)) + float(self.rng.normal(0.0, float(e.get("yaw_jitter", 0.0) or 0.0)))
            item = self.near(sf, cat, size, lx, ly, yaw, role=e.get("name", cat), reach=0.1)
            if item is None:
                self._skip(cat, sf, f"no room for {cat} #{k + 1} of {n} at the {e.get('side', 'back')} "
                                    f"of surface #{sf.s.index}")
            else:
                placed.append(item)
        self._named(sf, e.get("name", ""), placed)

    def _dress_relative(self, sf: _Surf, e: dict[str, Any]) -> None:
        cat = e["category"]
        ref = sf.names.get(e["relative_to"])
        if ref is None:
            return
        size, why = self._fit(cat, self._sample_size(cat), sf.width, sf.depth, sf.max_h)
        if size is None:
            self._skip(cat, sf, why)
            return
        gap = float(e.get("gap", 0.05))
        rx0, ry0, rx1, ry1 = ref
        side = e.get("side", "front")
        cx, cy = (rx0 + rx1) / 2, (ry0 + ry1) / 2
        if side == "front":
            lx, ly = cx, ry1 + gap + size[1] / 2
        elif side == "back":
            lx, ly = cx, ry0 - gap - size[1] / 2
        elif side == "left":
            lx, ly = rx0 - gap - size[0] / 2, cy
        else:
            lx, ly = rx1 + gap + size[0] / 2, cy
        yaw = self._entry_yaw(cat, e)
        item = self.near(sf, cat, size, lx, ly, yaw, role=e.get("name", cat), reach=0.1)
        if item is None:
            self._skip(cat, sf, f"no room for a {cat} {side} of the {e['relative_to']}")
        else:
            self._named(sf, e.get("name", ""), [item])

    def _dress_settings(self, sf: _Surf, e: dict[str, Any]) -> None:
        plate_cat = e["plate"]
        inset = float(e.get("inset", 0.02))
        p_plate = float(e.get("p_plate", 1.0))
        seats = self.seats(sf, float(e.get("spacing_m", 0.6)))
        plate_size = self._fit(plate_cat, self._sample_size(plate_cat), sf.width, sf.depth, sf.max_h)[0]
        for q, n in seats:
            right = np.array([n[1], -n[0]])
            facing = math.degrees(math.atan2(-n[0], n[1]))  # yaw turning +Y to n (towards the table centre)
            if plate_size is None:
                break
            pd = plate_size[1]
            centre = q + n * (sf.margin + inset + pd / 2)
            plate_yaw = (facing + 180.0) % 360.0 if item_rule(plate_cat).yaw == "front" else self._yaw(plate_cat)
            if p_plate >= 1.0 or self.rng.uniform() < p_plate:
                item = self.near(sf, plate_cat, plate_size, float(centre[0]), float(centre[1]), plate_yaw,
                                 role="setting", reach=0.05)
                if item is None:
                    self._skip(plate_cat, sf, f"no room for a place setting at ({q[0]:.2f}, {q[1]:.2f})")
                    continue
            for extra in e.get("items", []):
                if self.rng.uniform() >= float(extra.get("p", 1.0)):
                    continue
                cat = extra["category"]
                size, why = self._fit(cat, self._sample_size(cat), sf.width, sf.depth, sf.max_h)
                if size is None:
                    self._skip(cat, sf, why)
                    continue
                it = None
                sides = (1.0, -1.0) if extra.get("either_side") else (1.0,)
                yaw = self._yaw(cat)
                for side in sides:  # the diner's right, else (either_side) the left
                    pos = centre + right * side * float(extra.get("right", 0.0)) + n * float(extra.get("forward", 0.0))
                    it = self.near(sf, cat, size, float(pos[0]), float(pos[1]), yaw, role="setting", reach=0.06)
                    if it is not None:
                        break
                if it is None:
                    self._skip(cat, sf, f"no room for a {cat} beside the place setting")

    def seats(self, sf: _Surf, spacing: float) -> list[tuple[np.ndarray, np.ndarray]]:
        """Where people sit at the surface: (point on its edge, inward unit normal), local frame.
        Chairs facing the target within 0.9 m give one seat each; without chairs, seats are spread
        along the edges (long sides of an elongated table, every side of a squarish one, evenly
        around a round one)."""
        from shapely.geometry import Point

        ring = np.array(sf.poly.exterior.coords)[:-1]
        if _shoelace(ring) < 0:
            ring = ring[::-1]
        edges = [(ring[i], ring[(i + 1) % len(ring)]) for i in range(len(ring))]
        seat_cats = set(dressing_data()["seat_categories"])
        out: list[tuple[np.ndarray, np.ndarray]] = []
        centroid = np.array(sf.poly.centroid.coords[0])
        for obj in self.scene.objects:
            if obj.id == self.target.id or obj.category not in seat_cats or obj.support_kind != "floor":
                continue
            loc = self.Tinv @ np.array([obj.position[0], obj.position[1], 0.0, 1.0])
            p = np.array([float(loc[0]), float(loc[1])])
            if sf.poly.distance(Point(p)) > 0.9:
                continue
            f = np.array(front_direction(obj.yaw_deg - self.target.yaw_deg))
            to = centroid - p
            if np.linalg.norm(to) > 1e-9 and float(f @ (to / np.linalg.norm(to))) < 0.3:
                continue
            q, n = _nearest_edge_point(p, edges)
            if any(np.linalg.norm(q - s[0]) < 0.3 for s in out):
                continue
            out.append((q, n))
        if out:
            return out
        if len(ring) == 4:
            lengths = [float(np.linalg.norm(b - a)) for a, b in edges]
            longest, shortest = max(lengths), min(lengths)
            for (a, b), length in zip(edges, lengths):
                if longest / max(shortest, 1e-9) >= 1.4 and length < longest - 1e-6:
                    continue
                k = max(1, int(math.floor(length / spacing + 0.25)))
                d = (b - a) / length
                n = np.array([-d[1], d[0]])
                for i in range(k):
                    out.append((a + d * length * (i + 0.5) / k, n))
            return out
        perim = sf.poly.exterior.length
        k = int(min(max(math.floor(perim / (spacing + 0.05)), 2), 12))
        for i in range(k):
            pt = sf.poly.exterior.interpolate(perim * i / k)
            q, n = _nearest_edge_point(np.array([pt.x, pt.y]), edges)
            out.append((q, n))
        return out


# ---------------------------------------------------------------------------------------------
# small helpers


def _shoelace(pts: np.ndarray) -> float:
    x, y = pts[:, 0], pts[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))


def _point(p: np.ndarray):
    from shapely.geometry import Point

    return Point(float(p[0]), float(p[1]))


def _overlaps_band(b: _Box, sf: _Surf) -> bool:
    return float(b.corners[:, 1].max()) > sf.box[1] and float(b.corners[:, 1].min()) < sf.box[3]


def _merge(intervals: list[tuple[float, float]], lo: float, hi: float) -> list[tuple[float, float]]:
    out: list[list[float]] = []
    for a, b in sorted((max(a, lo), min(b, hi)) for a, b in intervals):
        if b <= a:
            continue
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _nearest_edge_point(p: np.ndarray, edges) -> tuple[np.ndarray, np.ndarray]:
    """The nearest point to ``p`` on a counter-clockwise ring's edges, and that edge's inward normal."""
    best = None
    for a, b in edges:
        ab = b - a
        t = float(np.clip(np.dot(p - a, ab) / max(float(np.dot(ab, ab)), 1e-12), 0.0, 1.0))
        q = a + t * ab
        dist = float(np.linalg.norm(p - q))
        if best is None or dist < best[0] - 1e-12:
            d = ab / max(float(np.linalg.norm(ab)), 1e-12)
            best = (dist, q, np.array([-d[1], d[0]]))
    assert best is not None
    return best[1], best[2]


def _allocate(count: int, caps: np.ndarray) -> list[int]:
    """``count`` split in proportion to ``caps`` (largest remainders)."""
    share = caps / caps.sum() * count
    base = np.floor(share).astype(int)
    rest = count - int(base.sum())
    order = np.argsort(-(share - base), kind="stable")
    for i in order[:rest]:
        base[i] += 1
    return [int(v) for v in base]


def category_holds_things(category: str) -> bool:
    """Whether ``category`` usually has support surfaces (at its typical size, default params)."""
    try:
        return bool(catalog.surface_levels(category))
    except KeyError:  # a proxy
        return False


def _resolve_items(items: Any) -> list[str] | None:
    if items is None:
        return None
    if isinstance(items, str):
        items = [items]
    if not isinstance(items, (list, tuple)) or not items:
        raise FillError(f"items must be a non-empty list of small-object categories, got {items!r}",
                        'e.g. ["book", "mug", "candle"]')
    out = []
    for text in items:
        if not isinstance(text, str) or not text.strip():
            raise FillError(f"items must be category names (strings), got {text!r}", 'e.g. ["book", "mug"]')
        name = catalog.resolve(text)
        if name is None:
            close = catalog.suggest(text)
            small = [n for n in close if catalog.get(n).support == "object"]
            raise FillError(f"unknown item category {text!r}",
                            f"did you mean {small[0]!r}?" if small else
                            "fill() takes small objects such as book, mug, plate, vase, candle, laptop, pillow")
        info = catalog.get(name)
        if info.support != "object":
            raise FillError(f"{name} is a {info.support} object, not something that stands on a surface",
                            "fill() takes small objects (book, mug, plate, vase, candle, laptop, pillow, ...); "
                            "use add() and place() for furniture")
        out.append(name)
    return out


# ---------------------------------------------------------------------------------------------
# one pose at a time (for callers that choose poses themselves: the asset-level pointing policy)


class SurfaceChecker:
    """Check and commit small-object poses on one target's surfaces, one at a time, by the rules of
    this module (see the module docstring): inside the surface shrunk by its edge margin, apart
    from what is already there (other objects' parts above the surface, items committed before)
    by the item gap, and under the headroom. Poses are in the world frame (x, y, yaw_deg);
    surfaces are the target's surface indices. :meth:`check` says why a pose fails ("" when it
    fits); :meth:`commit` records a pose (later checks treat it as an obstacle); :meth:`near`
    searches the nearest free spot around a point (the rings of the default dressings, within
    ``reach`` metres) and commits it. ``rng`` drives :meth:`sample_size` and :meth:`yaw` only."""

    def __init__(self, scene: Scene, target_id: str, rng: np.random.Generator | None = None):
        target = scene.object_map.get(target_id)
        if target is None:
            raise FillError(f"no object {target_id!r} in the scene", "check poses on an object that was added")
        self._p = _Planner(scene, target, rng if rng is not None else np.random.default_rng(0))

    # -- what the surfaces are -----------------------------------------------------------------
    @property
    def target(self) -> ObjectInstance:
        return self._p.target

    @property
    def surfaces(self) -> list[Surface]:
        """The target's surfaces, in index order."""
        return [self._p.surfaces[i] for i in sorted(self._p.surfaces)]

    def default_surfaces(self) -> list[int]:
        """Where ``fill`` puts things by default: every level of a shelf, else the open tops."""
        return self._p.default_surfaces()

    def _sf(self, index: int) -> _Surf:
        if index not in self._p.surfaces:
            raise FillError(f"{self._p.target.id} has no surface #{index!r}",
                            "surfaces: " + ", ".join(f"#{i}" for i in sorted(self._p.surfaces)))
        return self._p.surf(index)

    def is_row(self, index: int) -> bool:
        """Whether items on surface ``index`` stand in rows (a shelf level)."""
        return self._sf(index).row

    def height(self, index: int) -> float:
        """World height of surface ``index``."""
        return self._sf(index).zs

    def max_height(self, index: int) -> float:
        """The tallest item that fits on surface ``index`` (headroom kept)."""
        return self._sf(index).max_h

    def margin(self, index: int) -> float:
        """The edge margin of surface ``index`` (metres)."""
        return self._sf(index).margin

    def inner_polygon(self, index: int) -> list[tuple[float, float]]:
        """Where item footprints must lie on surface ``index``: its polygon shrunk by the edge
        margin, in the world frame (x, y), counter-clockwise, not closed."""
        sf = self._sf(index)
        geom = sf.inner if sf.inner.geom_type == "Polygon" else max(sf.inner.geoms, key=lambda g: g.area)
        ring = np.array(geom.exterior.coords)[:-1]
        if _shoelace(ring) < 0:
            ring = ring[::-1]
        world = (self._p.T @ np.c_[ring, np.zeros(len(ring)), np.ones(len(ring))].T).T[:, :2]
        return [(float(x), float(y)) for x, y in world]

    def capacity(self, index: int) -> float:
        """How much surface ``index`` holds: a shelf level's length, else the inner area (m, m^2)."""
        return self._p.capacity(self._sf(index))

    # -- sizes and headings ----------------------------------------------------------------------
    def fit(self, category: str, size: Sequence[float], index: int) -> tuple[tuple[float, float, float] | None, str]:
        """``size`` shrunk (each dimension no lower than the catalog minimum) to fit surface
        ``index``; (None, why) when it cannot."""
        sf = self._sf(index)
        return self._p._fit(category, size, sf.width, sf.depth, sf.max_h)

    def sample_size(self, category: str, index: int) -> tuple[tuple[float, float, float] | None, str]:
        """A size drawn around the catalog's typical size (as ``fill`` draws it), fitted to ``index``."""
        return self.fit(category, self._p._sample_size(category), index)

    def yaw(self, category: str, index: int) -> float:
        """A world heading for ``category`` on surface ``index`` by its ``items`` rule (free, or the
        target's front with the rule's jitter; the row jitter on shelf levels)."""
        return normalize_yaw(self._p.target.yaw_deg + self._p._yaw(category, row=self._sf(index).row))

    # -- checks --------------------------------------------------------------------------------
    def _local(self, x: float, y: float, yaw_deg: float) -> tuple[float, float, float]:
        p = self._p.Tinv @ np.array([float(x), float(y), 0.0, 1.0])
        return float(p[0]), float(p[1]), float(yaw_deg) - self._p.target.yaw_deg

    def on_surface(self, index: int, x: float, y: float) -> bool:
        """Whether the world point (x, y) lies over surface ``index``'s polygon (no margin)."""
        lx, ly, _ = self._local(x, y, 0.0)
        return bool(self._sf(index).poly.covers(_point((lx, ly))))

    def check(self, category: str, size: Sequence[float], index: int, x: float, y: float, yaw_deg: float) -> str:
        """Why ``category`` of ``size`` (w, d, h) with its bottom centre at world (x, y), turned to
        ``yaw_deg``, does not fit on surface ``index``; "" when it fits. The reasons, in the order
        tested: too tall for the headroom; centre off the surface; footprint over the edge margin;
        too close to something (named: an object id or a committed item's label). Poses within
        ``CHECK_TOL_M`` of fitting fit (printed coordinates are rounded to micrometres)."""
        import shapely

        sf = self._sf(index)
        w, d, h = (float(v) for v in size)
        name = self._p.target.id
        if h > sf.max_h + 1e-9:
            where = "under the shelf above" if sf.s.clearance_m is not None else "under the ceiling"
            return f"too tall: {h:.2f} m high with {max(sf.max_h, 0.0):.2f} m of room {where}"
        lx, ly, lyaw = self._local(x, y, yaw_deg)
        if not sf.poly.covers(_point((lx, ly))):
            return f"off the surface: the point is not on {name}'s {sf.s.name}"
        rect = _rect(lx, ly, w, d, lyaw)
        gap = item_rule(category).gap_m
        if sf.inner_tol is None:
            sf.inner_tol = sf.inner.buffer(CHECK_TOL_M, join_style=2)
        if not shapely.contains(sf.inner_tol, shapely.polygons(rect)):
            return (f"over the edge: a {w * 100:.0f} x {d * 100:.0f} cm {category} there sticks out past "
                    f"{name}'s {sf.s.name} (keep {sf.margin * 100:.1f} cm from the edge)")
        boxes = [b for b in sf.boxes if b.z0 < sf.zs + h - 1e-9 and b.z1 > sf.zs + Z_EPS_M]
        if not boxes:
            return ""
        gaps = np.array([max(b.gap, gap) for b in boxes])
        apart = _separated_pairs(np.repeat(rect[None], len(boxes), axis=0), np.stack([b.corners for b in boxes]),
                                 gaps - CHECK_TOL_M)
        if apart.all():
            return ""
        k = int(np.argmin(apart))
        return f"too close to {boxes[k].owner or 'something already there'} (keep {gaps[k] * 100:.0f} cm apart)"

    def commit(self, category: str, size: Sequence[float], index: int, x: float, y: float, yaw_deg: float,
               label: str = "") -> FillItem:
        """Record the pose (no check: call :meth:`check` first); ``label`` names it in later
        reasons. Returns the item as ``plan_fill`` would."""
        lx, ly, lyaw = self._local(x, y, yaw_deg)
        return self._p._commit(self._sf(index), category, tuple(float(v) for v in size), lx, ly, lyaw,
                               label=label)

    def near(self, category: str, size: Sequence[float], index: int, x: float, y: float, yaw_deg: float,
             reach: float = 0.1, label: str = "") -> FillItem | None:
        """The free spot nearest to world (x, y) within ``reach`` metres (rings of ``ANCHOR_RINGS``,
        at ``yaw_deg``, else squared to the target), committed; None when there is none."""
        lx, ly, lyaw = self._local(x, y, yaw_deg)
        item = self._p.near(self._sf(index), category, tuple(float(v) for v in size), lx, ly, lyaw, reach=reach)
        if item is not None and label:
            self._sf(index).boxes[-1].owner = label
        return item


# ---------------------------------------------------------------------------------------------
# entry points


def plan_fill_result(scene: Scene, target_id: str, items: Sequence[str] | str | None = None,
                     count: int | None = None, density: float | None = None, surface: int | None = None, *,
                     rng: np.random.Generator) -> FillResult:
    """Plan small objects on ``target_id`` (see the module docstring for the rules).

    - ``items``: small-object categories (synonyms work), drawn in order then in shuffled cycles;
      None: with neither count nor density, the target category's default dressing
      (``dressing.json``); with one of them, the category's item pool.
    - ``count``: that many items in all (spread over the surfaces by their size; what does not fit
      is skipped and reported); ``density``: the share (0..1] of each surface's area (of each shelf
      level's length) to cover. With items but neither: one of each item, or rows covering
      ``DEFAULT_SHELF_DENSITY`` of every level of a shelf.
    - ``surface``: one surface index; default every level of a shelf, else the surfaces open above.

    Raises :class:`FillError` for an unknown target, a target whose category holds nothing (wall
    decor, rugs, lamps), an unknown or non-small item category, a bad count, density or surface. A
    target whose category usually holds things but whose variant has no surface (a clothing rack
    without its shelf) gives no items and one :class:`FillSkip` saying so."""
    target = scene.object_map.get(target_id)
    if target is None:
        raise FillError(f"no object {target_id!r} in the scene", "fill an object that was added")
    if count is not None and density is not None:
        raise FillError("give count= or density=, not both", "count=4 (items in all) or density=0.6 (share covered)")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_COUNT):
        raise FillError(f"count must be a whole number from 0 to {MAX_COUNT}, got {count!r}",
                        "count is how many items in all, e.g. count=4")
    if density is not None and (isinstance(density, bool) or not isinstance(density, (int, float))
                                or not 0.0 < float(density) <= 1.0):
        raise FillError(f"density must be a number in (0, 1], got {density!r}", "e.g. density=0.6")
    cats = _resolve_items(items)
    surfaces = support_surfaces(target)
    if not surfaces and category_holds_things(target.category) and surface is None:
        # this variant has none (a clothing rack without its shelf): nothing to do, say so
        why = f"this {target.category} ({target_id}) has no surface to put things on"
        return FillResult((), tuple(FillSkip(c, None, why) for c in (cats or ["default dressing"])))
    if not surfaces:
        raise FillError(f"{target_id} ({target.category}) has no surface to put things on",
                        "fill tables, desks, shelves, beds, sofas, counters, cabinets ... "
                        "(wall decor, lamps and small objects without a flat top hold nothing)")
    indices = {s.index for s in surfaces}
    if surface is not None:
        if isinstance(surface, bool) or not isinstance(surface, int) or surface not in indices:
            raise FillError(f"{target_id} has no surface #{surface!r}",
                            "surfaces: " + ", ".join(f"#{s.index} {s.name} at {s.z:.2f} m" for s in surfaces))
    planner = _Planner(scene, target, rng)
    chosen = [surface] if surface is not None else planner.default_surfaces()
    if cats is None and count is None and density is None:
        planner.dress([surface] if surface is not None else None)
    else:
        if cats is None:
            cats = [c for c in pool_for(target.category) if c in set(catalog.names())]
        if count is None and density is None:
            if planner.shelf_like:
                density = DEFAULT_SHELF_DENSITY
            else:
                count = len(cats)
        planner.fill(chosen, cats, count, None if density is None else float(density))
    for s in planner.skipped:
        log.info("fill %s: skipped %s (%s)", target_id, s.category, s.reason)
    return FillResult(tuple(planner.items), tuple(planner.skipped))


def plan_fill(scene: Scene, target_id: str, items: Sequence[str] | str | None = None, count: int | None = None,
              density: float | None = None, surface: int | None = None, *,
              rng: np.random.Generator) -> list[FillItem]:
    """The items of :func:`plan_fill_result` (what did not fit is logged; use plan_fill_result to
    get it as :class:`FillSkip` values)."""
    return list(plan_fill_result(scene, target_id, items, count, density, surface, rng=rng).items)
