"""The layout solver: poses for objects from relation constraints, never breaking a hard rule.

:func:`solve_place` takes the objects of one ``place`` call and their constraints and returns a
:class:`SolveOutcome`: the new poses, the objects it could not place (with the hard constraint that
failed: it never drops one silently) and the relation checks. It dispatches by support:

* wall-mounted objects (``OnWall``, or catalog support ``wall``) go to
  :func:`worldsmith.layout.wall.solve_wall`, ceiling objects (``OnCeiling`` or support ``ceiling``)
  to :func:`worldsmith.layout.ceiling.solve_ceiling`;
* objects standing on other objects accept only ``At`` / ``Yaw`` (resolved directly); relations
  for them raise :class:`PlacementError`;
* floor objects are solved here.

**Floor objects.** Candidates come from every constraint (against a wall: positions along each
wall segment, the middle of each free stretch first; corner: the convex corners of the polygon;
around: seats spread evenly round the table, long sides first, equal angles round a round table;
row / grid: the whole formation as one block; next to / in front of / behind / between / centre
aligned: analytic poses relative to the targets; center: the open floor; near / far from /
facing: sampled poses, scored), from the catalog hints when no relation positions the object
(``against_wall`` categories against a wall; ``corner``, ``centre``, ``near_window``,
``near_door``), and from random samples; any yaw is allowed. Each candidate is checked against
the **hard constraints**, which are never broken:

1. its footprint inside the room polygon (any simple polygon, L and U shapes);
2. no overlap with any other object (:mod:`worldsmith.layout.collide`: boxes per mesh part, so a
   chair tucks under a table top and a stool under a counter overhang only when it fits);
3. door zones and low-window bands clear (:func:`worldsmith.layout.freespace.opening_zones`, the
   validator's zones plus :data:`~worldsmith.layout.freespace.ZONE_MARGIN_M`);
4. walkable paths (:mod:`worldsmith.layout.freespace`): every door that was reachable and every
   access region that was reachable stay reachable through a 0.6 m wide path, and so does the
   new object's own access region when it needs access;
5. no isolated pockets: the largest connected part of the robot space (radius 0.2 m) stays at
   least :data:`POCKET_RATIO` of all of it, or the pockets do not grow and the share stays above
   the navigability target (0.95, with a margin) or does not fall.

Among the candidates that pass 1-3, the ones satisfying the most relations
(:func:`worldsmith.layout.relations.evaluate`, the report's own test) come first, then the closest
to satisfying the rest, then the tidiest (aligned with the walls, centred on free stretches,
following the catalog hints, not standing in another object's access region); rules 4-5 are
checked in that order and the first candidate passing them wins.

**Backtracking.** When no candidate passes, up to :data:`BACKTRACK_NEIGHBOURS` neighbours that the
solver placed earlier (objects whose ``placement`` has relations and no ``At``, that no other
object refers to) are, one at a time, lifted out: if the object then fits and the neighbour can
be placed again from its own stored constraints, both moves are kept. Otherwise the object is
reported unplaced with the failed constraint.

**Pending objects**: an object added but not placed yet (still at its start pose with an empty
``placement``) is not an obstacle for anyone, unless the request refers to it (chairs around a
table that was never placed go round it where it stands).

Deterministic: the same scene, constraints and ``rng`` state give the same poses.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

from ..assets import catalog
from ..scene import ObjectInstance, Room, Scene
from ..scene.geometry import yaw_facing
from . import constraints as K
from .ceiling import solve_ceiling
from .collide import BoxSet, Shape, collisions, free_intervals, info_of, is_flat, obb_overlap, shape_of
from .errors import Unplaceable
from .freespace import (
    CELL_M,
    DIST_CAP_M,
    NAVIGABLE_RATIO,
    FloorGrid,
    OpeningZone,
    Region,
    SpaceState,
    SEAT_KINDS,
    ZONE_MARGIN_M,
    analyze,
    door_regions,
    needs_access,
    opening_zones,
    seat_depth,
)
from .relations import Context, check_relation, corners, evaluate, is_relation, label
from .resolve import (
    FLOOR_WALL_GAP_M,
    PlacementError,
    default_pose,
    dependents,
    interior_point,
    normalize_yaw,
    resolve_place,
)
from .wall import solve_wall

log = logging.getLogger(__name__)

__all__ = ["SolveOutcome", "Unplaceable", "solve_place", "is_pending", "POCKET_RATIO"]

#: the solver keeps the largest robot-space component at least this share of all of it
POCKET_RATIO = 0.97
#: weights of the candidate score: satisfied relations, then closeness, then tidiness
REL_W = 100.0
MISS_W = 10.0
#: at most this many candidates get the (grid) path and pocket checks, per object
MAX_GRID_CHECKS = 28
BACKTRACK_NEIGHBOURS = 3
RANDOM_SAMPLES = 48
#: preferred gap between a chair's footprint and its table's (negative: tucked under the top)
SEAT_GAP_M = -0.05
SEAT_PITCH_M = 0.6
#: tables people sit round: the solver keeps floor free along their sides and spreads them out
SEATED_TABLES = frozenset({"dining_table", "cafe_table", "conference_table", "table", "kitchen_island",
                           "pool_table"})
#: free floor wanted along each side of such a table (a chair and a bit)
SEAT_ROOM_M = 0.75
#: what the wall / ceiling solvers refuse because of the request itself (a height above the
#: ceiling, no room): an error for the program, not an unplaced object
REQUEST_ERRORS = ("height", "room")


@dataclass
class SolveOutcome:
    """What :func:`solve_place` decided.

    ``placed``: new poses (``placement`` set to the constraints' dicts), including neighbours the
    solver moved to make room (their own stored constraints kept). ``unplaced``: id -> reason
    naming the failed hard constraint; ``failed``: id -> that constraint's short name.
    ``relations``: ``{"object", "relation", "satisfied", "detail"}`` for each requested relation
    of each placed object."""

    placed: dict[str, ObjectInstance] = field(default_factory=dict)
    unplaced: dict[str, str] = field(default_factory=dict)
    relations: list[dict] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# helpers


def is_pending(scene: Scene, obj: ObjectInstance) -> bool:
    """An object added but not placed yet: empty ``placement`` and still at its start pose."""
    if obj.placement or obj.support_kind == "object" or not scene.rooms:
        return False
    try:
        pos, yaw, support = default_pose(scene, obj.category, obj.size, asset=obj.asset)
    except (PlacementError, KeyError):
        return False
    return (support == obj.support and abs(yaw - obj.yaw_deg) < 1e-6
            and all(abs(a - b) < 1e-6 for a, b in zip(pos, obj.position)))


def _seat_targets(obj: ObjectInstance) -> list[str]:
    return [str(c.get("target")) for c in obj.placement if c.get("kind") in SEAT_KINDS]


def _yaw_to(dx, dy):
    """Yaw (degrees) turning the front (+Y) towards direction (dx, dy); arrays allowed."""
    return np.degrees(np.arctan2(-np.asarray(dx, dtype=float), np.asarray(dy, dtype=float))) % 360.0


def _front(yaw):
    t = np.radians(yaw)
    return -np.sin(t), np.cos(t)


def _right(yaw):
    t = np.radians(yaw)
    return np.cos(t), np.sin(t)


def _replace_objects(scene: Scene, updated: dict[str, ObjectInstance], removed: Iterable[str] = ()) -> Scene:
    gone = set(removed)
    return dataclasses.replace(scene, objects=tuple(updated.get(o.id, o) for o in scene.objects if o.id not in gone))


def _carried(scene: Scene, old: ObjectInstance, new: ObjectInstance) -> dict[str, ObjectInstance]:
    """Objects resting on ``old`` moved rigidly with it to ``new`` (as the DSL's apply does)."""
    out = {}
    t0, t1 = math.radians(old.yaw_deg), math.radians(new.yaw_deg)
    dyaw = t1 - t0
    c, s = math.cos(dyaw), math.sin(dyaw)
    for oid in dependents(scene, old.id):
        ch = scene.object(oid)
        rx, ry = ch.position[0] - old.position[0], ch.position[1] - old.position[1]
        x = new.position[0] + c * rx - s * ry
        y = new.position[1] + s * rx + c * ry
        z = ch.position[2] + new.position[2] - old.position[2] + new.size[2] - old.size[2]
        out[oid] = dataclasses.replace(ch, position=(round(x, 6), round(y, 6), round(z, 6)),
                                       yaw_deg=normalize_yaw(ch.yaw_deg + new.yaw_deg - old.yaw_deg))
    return out


# ---------------------------------------------------------------------------------------------
# candidates


@dataclass
class Cands:
    """Candidate poses with a generator-given tidiness bonus."""

    x: np.ndarray
    y: np.ndarray
    yaw: np.ndarray
    tidy: np.ndarray

    @classmethod
    def of(cls, x, y, yaw, tidy=0.0) -> "Cands":
        x = np.atleast_1d(np.asarray(x, dtype=float))
        y = np.atleast_1d(np.asarray(y, dtype=float))
        n = len(x)
        return cls(x, y, np.broadcast_to(np.asarray(yaw, dtype=float) % 360.0, (n,)).copy(),
                   np.broadcast_to(np.asarray(tidy, dtype=float), (n,)).copy())

    @classmethod
    def cat(cls, parts: Sequence["Cands"]) -> "Cands":
        parts = [p for p in parts if len(p.x)]
        if not parts:
            z = np.zeros(0)
            return cls(z, z, z, z)
        return cls(*(np.concatenate([getattr(p, f) for p in parts]) for f in ("x", "y", "yaw", "tidy")))

    def take(self, idx) -> "Cands":
        return Cands(self.x[idx], self.y[idx], self.yaw[idx], self.tidy[idx])

    def __len__(self) -> int:
        return len(self.x)


@dataclass
class Spec:
    """One floor object's request, parsed."""

    obj: ObjectInstance
    constraints: tuple
    info: catalog.CategoryInfo | None
    at: K.At | None = None
    yaw: K.Yaw | None = None
    relations: list = field(default_factory=list)

    @property
    def size(self) -> tuple[float, float, float]:
        return self.obj.size

    def first(self, cls):
        return next((c for c in self.constraints if isinstance(c, cls)), None)

    def all(self, cls) -> list:
        return [c for c in self.constraints if isinstance(c, cls)]

    @property
    def positional(self) -> bool:
        """Whether a relation says where the object goes (then catalog hints do not)."""
        strong = (K.Against, K.Corner, K.Center, K.NextTo, K.InFrontOf, K.Behind, K.Between, K.CenterAlignedWith,
                  K.Under, K.Around, K.Row, K.Grid)
        return any(isinstance(c, strong) for c in self.constraints)

    @property
    def heading_free(self) -> bool:
        """Whether no Yaw, Facing or SameYawAs sets the heading (the generator may choose it)."""
        return self.yaw is None and self.first(K.Facing) is None and self.first(K.SameYawAs) is None

    @property
    def yaw_given(self) -> bool:
        """Whether the heading comes from a constraint (not tidied to the walls)."""
        return any(isinstance(c, (K.Yaw, K.Facing, K.SameYawAs, K.Around, K.Against, K.Corner, K.Under, K.Row,
                                  K.Grid)) for c in self.constraints)

    @property
    def targets(self) -> set[str]:
        out: set[str] = set()
        for c in self.constraints:
            out.update(K.targets(c))
        return out


def _spec(obj: ObjectInstance, constraints: Sequence) -> Spec:
    sp = Spec(obj, tuple(constraints), info_of(obj))
    sp.at = sp.first(K.At)
    sp.yaw = sp.first(K.Yaw)
    sp.relations = [c for c in constraints if is_relation(c)]
    return sp


class World:
    """The solver's view of one room: obstacles (collision boxes, grid), opening zones, walls."""

    def __init__(self, scene: Scene, room: Room, skip: Iterable[str] = (), keep: Iterable[str] = ()):
        import shapely

        self.scene = scene
        self.room = room
        self.poly = np.array(room.polygon, dtype=float)
        self.spoly = shapely.Polygon(room.polygon)
        self.poly_in = self.spoly.buffer(1e-6)
        shapely.prepare(self.poly_in)
        self.walls = [w for w in scene.walls if w.room == room.id]
        # outside zones too: in an L or U room a door's outside zone can reach into another arm
        self.zones: list[OpeningZone] = opening_zones(scene, room, margin=ZONE_MARGIN_M)
        self.windows = [(o, scene.wall(o.wall)) for r, o in scene.openings() if r.id == room.id and o.kind == "window"]
        area = max(room.area, 1.0)
        cell = CELL_M if area <= 150.0 else min(0.1, math.sqrt(area / 60000.0))
        self.grid = FloorGrid(room, cell)
        self.doors: dict[str, Region] = door_regions(scene, room, self.grid)
        self.entries: dict[str, tuple[ObjectInstance, Shape, Region | None]] = {}
        self.fronts: dict[str, Region] = {}
        self._boxes: BoxSet | None = None
        self.packed: dict[str, BoxSet] = {}
        self._order: list[str] | None = None
        self._floor_fp = None
        self.seats: dict[str, dict[str, float]] = {}
        self._corners = None
        self._state: SpaceState | None = None
        self._next: tuple[dict[str, ObjectInstance], SpaceState] | None = None
        #: (relations satisfied by the last choice, objects blocking better candidates)
        self.last_choice: tuple[int, dict[str, int]] = (0, {})
        skip = set(skip)
        keep = set(keep)
        self.pending = {o.id for o in scene.objects
                        if o.id not in skip and o.id not in keep and is_pending(scene, o)}
        for o in scene.objects:
            if o.id in skip or o.id in self.pending:
                continue
            self.add(o)
        c = interior_point(room)
        self.center = (float(c[0]), float(c[1]))
        xs, ys = self.poly[:, 0], self.poly[:, 1]
        self.scale = max(float(xs.max() - xs.min()), float(ys.max() - ys.min()), 1.0)

    # -- obstacles ------------------------------------------------------------------------------
    def add(self, obj: ObjectInstance) -> None:
        region = None
        shape = shape_of(obj)
        on_floor = obj.support == "floor"
        for t in _seat_targets(obj):
            self.seats.setdefault(t, {})[obj.id] = float(obj.size[1])
        if on_floor and not shape.flat and self.room.contains(obj.position[:2]):
            region = self.grid.footprint(obj.position, obj.size, obj.yaw_deg)
            self.grid.stamp(region)
            if needs_access(obj):
                self.fronts[obj.id] = self.grid.access_region(obj, seat=self.seat_of(obj.id))
        self.entries[obj.id] = (obj, shape, region)
        self.packed[obj.id] = BoxSet.of([(obj.id, shape, obj.position[0], obj.position[1], obj.position[2],
                                          obj.yaw_deg, on_floor)])
        self._refresh_seated(obj)
        self._changed()

    def _refresh_seated(self, obj: ObjectInstance) -> None:
        """A seat deepens its table's / desk's access region."""
        for t in _seat_targets(obj):
            if t in self.fronts and t in self.entries:
                self.fronts[t] = self.grid.access_region(self.entries[t][0], seat=self.seat_of(t))

    def seat_of(self, target: str, extra: Sequence[ObjectInstance] = ()) -> float:
        depth = max(self.seats.get(target, {}).values(), default=0.0)
        if extra:
            depth = max(depth, seat_depth(extra, target))
        return depth

    def remove(self, oid: str) -> None:
        entry = self.entries.pop(oid, None)
        if entry is None:
            return
        self.packed.pop(oid, None)
        if entry[2] is not None:
            self.grid.stamp(entry[2], -1)
        self.fronts.pop(oid, None)
        for t in _seat_targets(entry[0]):
            self.seats.get(t, {}).pop(oid, None)
        self._refresh_seated(entry[0])
        self._changed()

    def expect(self, objs: Iterable[ObjectInstance], state: SpaceState | None) -> None:
        """The grid state once the objects ``objs`` (just checked, at these poses) are committed."""
        self._next = ({o.id: o for o in objs}, state) if state is not None else None

    def commit(self, new: ObjectInstance) -> None:
        """Put ``new`` in the world and the working scene (its dependents carried)."""
        nxt = self._next
        self._next = None
        old = self.scene.object(new.id)
        moved = _carried(self.scene, old, new)
        moved[new.id] = new
        for oid in moved:
            self.remove(oid)
        self.scene = _replace_objects(self.scene, moved)
        for oid in [new.id] + sorted(k for k in moved if k != new.id):
            self.add(moved[oid])
        self.pending.discard(new.id)
        if nxt is not None and nxt[0].get(new.id) is new:
            del nxt[0][new.id]
            if nxt[0]:
                self._next = nxt
            else:
                self._state = nxt[1]

    @property
    def boxes(self) -> BoxSet:
        if self._boxes is None:
            self._boxes = BoxSet.join([self.packed[oid] for oid in self.order()])
        return self._boxes

    @property
    def state(self) -> SpaceState:
        if self._state is None:
            self._state = analyze(self.grid, self.grid.free(), self.doors, self.fronts)
        return self._state

    @property
    def free_center(self) -> tuple[float, float]:
        """The centroid of the free floor cells (the room's interior point when none)."""
        free = self.grid.free()
        if not free.any():
            return self.center
        iy, ix = np.nonzero(free)
        return float(self.grid.cx[ix].mean()), float(self.grid.cy[iy].mean())

    def clearance_at(self, x, y) -> np.ndarray:
        """Distance (m) from points to the nearest floor obstacle's footprint or wall."""
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        best = np.full(len(x), np.inf)
        for wall in self.walls:
            a = np.array(wall.start)
            ab = np.array(wall.end) - a
            t = np.clip(((x - a[0]) * ab[0] + (y - a[1]) * ab[1]) / max(ab @ ab, 1e-12), 0.0, 1.0)
            best = np.minimum(best, np.hypot(x - a[0] - t * ab[0], y - a[1] - t * ab[1]))
        _, fp = self.floor_footprints()
        if len(fp):
            rx = x[:, None] - fp[None, :, 0]
            ry = y[:, None] - fp[None, :, 1]
            lx = np.abs(fp[None, :, 4] * rx + fp[None, :, 5] * ry) - fp[None, :, 2]
            ly = np.abs(-fp[None, :, 5] * rx + fp[None, :, 4] * ry) - fp[None, :, 3]
            best = np.minimum(best, np.hypot(np.maximum(lx, 0.0), np.maximum(ly, 0.0)).min(axis=1))
        return best

    def footprint_corners(self):
        """(ids, corners (N, 4, 2), flat, on the floor, bottom z) of every obstacle's size footprint."""
        if self._corners is None:
            ids = self.order()
            if not ids:
                self._corners = ([], np.zeros((0, 4, 2)), np.zeros(0, dtype=bool), np.zeros(0, dtype=bool),
                                 np.zeros(0))
            else:
                objs = [self.entries[i][0] for i in ids]
                Q = np.concatenate([corners(o.position[0], o.position[1], o.size[0], o.size[1], o.yaw_deg)
                                    for o in objs])
                self._corners = (ids, Q, np.array([self.entries[i][1].flat for i in ids]),
                                 np.array([o.support == "floor" for o in objs]),
                                 np.array([o.position[2] for o in objs]))
        return self._corners

    def order(self) -> list[str]:
        """The obstacles' ids in scene order (every derived array follows it, so a world brought up
        to date by :meth:`sync` gives exactly what a fresh one gives)."""
        if self._order is None:
            seen = [o.id for o in self.scene.objects if o.id in self.entries]
            rest = sorted(set(self.entries) - set(seen))
            self._order = seen + rest
        return self._order

    def floor_footprints(self):
        """(ids, rows of (cx, cy, hx, hy, cos, sin)) of the non-flat floor objects' size footprints."""
        if self._floor_fp is None:
            ids, rows = [], []
            for oid in self.order():
                o, shape, region = self.entries[oid]
                if region is None:
                    continue
                t = math.radians(o.yaw_deg)
                ids.append(oid)
                rows.append((o.position[0], o.position[1], o.size[0] / 2, o.size[1] / 2, math.cos(t), math.sin(t)))
            self._floor_fp = (ids, np.array(rows, dtype=float).reshape(-1, 6))
        return self._floor_fp

    def _changed(self) -> None:
        self._corners = None
        self._boxes = None
        self._state = None
        self._order = None
        self._floor_fp = None

    def sync(self, scene: Scene, skip: set[str], keep: set[str] = frozenset()) -> None:
        """Bring a world built for an earlier scene of the same rooms up to ``scene``: objects
        gone or changed are taken out, new ones put in (pending ones and ``skip`` left out)."""
        current = scene.object_map
        for oid in list(self.entries):
            o = self.entries[oid][0]
            c = current.get(oid)
            if c is None or oid in skip or (c is not o and c != o) or (oid not in keep and is_pending(scene, c)):
                self.remove(oid)
            elif c is not o:
                self.entries[oid] = (c,) + self.entries[oid][1:]
        self.scene = scene
        self.pending = set()
        self._next = None
        for o in scene.objects:
            if o.id in self.entries or o.id in skip:
                continue
            if o.id not in keep and is_pending(scene, o):
                self.pending.add(o.id)
                continue
            self.add(o)
        self._order = None

    # -- checks ---------------------------------------------------------------------------------
    def inside(self, w: float, d: float, c: Cands) -> np.ndarray:
        import shapely

        Q = corners(c.x, c.y, w, d, c.yaw)
        ok = shapely.contains_xy(self.poly_in, Q[..., 0], Q[..., 1]).all(axis=1)
        # and no wall crosses the rectangle's interior (a notch between two corners that are in)
        t = np.radians(c.yaw)[:, None]
        ct, st = np.cos(t), np.sin(t)
        vx = self.poly[None, :, 0] - c.x[:, None]
        vy = self.poly[None, :, 1] - c.y[:, None]
        lx = ct * vx + st * vy  # (C, V) vertices in each candidate's frame
        ly = -st * vx + ct * vy
        ax, ay = lx, ly
        bx, by = np.roll(lx, -1, axis=1), np.roll(ly, -1, axis=1)
        t0 = np.zeros(ax.shape)
        t1 = np.ones(ax.shape)
        for a, b, h in ((ax, bx, w / 2.0 - 1e-6), (ay, by, d / 2.0 - 1e-6)):
            dv = b - a
            with np.errstate(divide="ignore", invalid="ignore"):
                lo = (-h - a) / dv
                hi = (h - a) / dv
            par = np.abs(dv) < 1e-12
            enter = np.where(par, np.where(np.abs(a) < h, -np.inf, np.inf), np.minimum(lo, hi))
            leave = np.where(par, np.where(np.abs(a) < h, np.inf, -np.inf), np.maximum(lo, hi))
            t0 = np.maximum(t0, enter)
            t1 = np.minimum(t1, leave)
        crosses = (t1 - t0 > 1e-9).any(axis=1)
        return ok & ~crosses

    def zone_blocked(self, w: float, d: float, h: float, c: Cands, flat: bool) -> tuple[np.ndarray, np.ndarray]:
        """(blocked by a door zone, blocked by a window band)."""
        door = np.zeros(len(c), dtype=bool)
        window = np.zeros(len(c), dtype=bool)
        if flat:
            return door, window
        t = np.radians(c.yaw)
        cc, ss = np.cos(t), np.sin(t)
        for z in self.zones:
            if not (h > z.min_top + 1e-9 and 0.0 < z.max_bottom):
                continue
            ov = obb_overlap(c.x, c.y, w / 2, d / 2, cc, ss, z.center[0], z.center[1], z.hx, z.hy, z.cos, z.sin, 0.0)
            if z.kind == "door":
                door |= ov
            else:
                window |= ov
        return door, window

    def grid_check(self, objs: Sequence[ObjectInstance]) -> tuple[bool, str, SpaceState | None]:
        """Rules 4-5 (module docstring) with ``objs`` (new poses, not yet in the world) added."""
        regions, fronts = [], dict(self.fronts)
        for o in objs:
            if shape_of(o).flat:
                continue
            regions.append(self.grid.footprint(o.position, o.size, o.yaw_deg))
            if needs_access(o):
                fronts[o.id] = self.grid.access_region(o, seat=self.seat_of(o.id, objs))
            for t in _seat_targets(o):
                if t in fronts and t in self.entries:
                    fronts[t] = self.grid.access_region(self.entries[t][0], seat=self.seat_of(t, objs))
        if not regions:
            return True, "", None
        before = self.state
        free = self.grid.free(regions)
        dist = self.grid.update_clearance(free, before.dist, regions, DIST_CAP_M)
        after = analyze(self.grid, free, self.doors, fronts, dist=dist)
        lost_doors = before.doors_ok - after.doors_ok
        if lost_doors:
            return False, f"walkable path to {sorted(lost_doors)[0]}", after
        lost = (before.fronts_ok - after.fronts_ok)
        if lost:
            return False, f"walkable path to the front of {sorted(lost)[0]}", after
        for o in objs:
            if o.id in fronts and o.id not in after.fronts_ok:
                return False, f"walkable path to the front of {o.id}", after
        if after.ratio < POCKET_RATIO and not (
                after.pocket_cells <= before.pocket_cells
                and (after.ratio >= NAVIGABLE_RATIO + 0.005 or after.ratio >= before.ratio)):
            return False, "no isolated pockets", after
        return True, "", after


# ---------------------------------------------------------------------------------------------
# generators


def _wall_yaw(wall) -> float:
    return yaw_facing(wall.normal)


def _free_intervals(world: World, wall, w: float, d: float, h: float, flat: bool,
                    exclude: set[str]) -> list[tuple[float, float]]:
    """Free intervals of centre positions (along ``wall``) for an object ``w`` wide and ``d`` deep
    standing against it."""
    lo, hi = w / 2.0, wall.length - w / 2.0
    if hi < lo - 1e-9:
        return []
    band = d + FLOOR_WALL_GAP_M + 0.02
    dx, dy = wall.direction
    nx, ny = wall.normal
    blocks = []

    def project(pts: np.ndarray) -> None:
        a = (pts[:, 0] - wall.start[0]) * dx + (pts[:, 1] - wall.start[1]) * dy
        n = (pts[:, 0] - wall.start[0]) * nx + (pts[:, 1] - wall.start[1]) * ny
        if n.max() <= 0.0 or n.min() >= band:
            return
        blocks.append((a.min() - w / 2.0 - 0.02, a.max() + w / 2.0 + 0.02))

    if not flat:
        for z in world.zones:
            if h > z.min_top + 1e-9:
                project(z.corners)
    ids, Q, flats, floor, bottoms = world.footprint_corners()
    if len(ids):
        keep = np.array([i not in exclude for i in ids]) & ~((flats != flat) & floor) & (floor | (bottoms < h + 0.01))
        if keep.any():
            P = Q[keep]
            a = (P[..., 0] - wall.start[0]) * dx + (P[..., 1] - wall.start[1]) * dy
            n = (P[..., 0] - wall.start[0]) * nx + (P[..., 1] - wall.start[1]) * ny
            hitb = (n.max(axis=1) > 0.0) & (n.min(axis=1) < band)
            for lo_a, hi_a in zip(a.min(axis=1)[hitb], a.max(axis=1)[hitb]):
                blocks.append((lo_a - w / 2.0 - 0.02, hi_a + w / 2.0 + 0.02))
    return [(a, b) for a, b in free_intervals(lo, hi, blocks) if b >= a - 1e-9]


def _wall_cands(world: World, sp: Spec, walls, size, extra_points: Sequence[tuple[float, float]] = (),
                bonus: float = 0.0, along_range=None, exclude: set[str] = frozenset(),
                stretch: float = 1.0) -> Cands:
    """Poses with the back against each of ``walls``: the middle and the ends of every free
    stretch, every 0.1 m along them, and the projections of ``extra_points``. The middle of a
    stretch scores best (tidiness), by up to ``3 * stretch``; all score ``bonus`` on top."""
    w, d, h = size
    flat = is_flat(sp.obj)
    out = []
    for wall in walls:
        L = wall.length
        if L < w - 1e-9:
            continue
        yaw = _wall_yaw(wall)
        nx, ny = wall.normal
        dx, dy = wall.direction
        off = d / 2.0 + FLOOR_WALL_GAP_M
        alongs, tidy = [], []
        lo_r, hi_r = (w / 2.0, L - w / 2.0) if along_range is None else along_range(wall)
        free = _free_intervals(world, wall, w, d, h, flat, exclude)
        for a, b in free:
            a2, b2 = max(a, lo_r), min(b, hi_r)
            if b2 < a2 - 1e-9:
                continue
            mid = (a + b) / 2.0
            half = max((b - a) / 2.0, 0.05)
            mid_c = min(max(mid, a2), b2)
            pts = [mid_c, a2, b2] + list(np.arange(a2, b2 + 1e-9, 0.1))
            for p in pts:
                alongs.append(p)
                tidy.append(stretch * (3.0 - 2.0 * abs(p - mid) / half))
        for (px, py) in extra_points:  # projections of relation targets
            p = (px - wall.start[0]) * dx + (py - wall.start[1]) * dy
            if lo_r - 1e-9 <= p <= hi_r + 1e-9:
                alongs.append(p)
                tidy.append(0.5)
        if not free:  # fully blocked: still offer coarse positions (they fail the checks, for the reason)
            for p in np.linspace(lo_r, hi_r, 5):
                alongs.append(p)
                tidy.append(0.0)
        if not alongs:
            continue
        al = np.array(alongs)
        x = wall.start[0] + dx * al + nx * off
        y = wall.start[1] + dy * al + ny * off
        out.append(Cands.of(x, y, yaw, np.array(tidy) + bonus))
    return Cands.cat(out)


def _corner_cands(world: World, sp: Spec, size, index: int | None, bonus: float = 0.0) -> Cands:
    """In each inner corner (or corner ``index``), two poses: back to one wall and a side on the
    other (the box slid along the first wall until it meets the second, any corner angle)."""
    w, d, _ = size
    poly = world.poly
    m = len(poly)
    g = FLOOR_WALL_GAP_M
    out = []
    idx = range(m) if index is None else [index % m]
    for i in idx:
        wa = world.walls[(i - 1) % m]  # ends at vertex i
        wb = world.walls[i]  # starts at vertex i
        e1 = np.array(wa.direction)
        e2 = np.array(wb.direction)
        if e1[0] * e2[1] - e1[1] * e2[0] <= 1e-9:
            continue
        nA, nB = np.array(wa.normal), np.array(wb.normal)
        v = np.array(wb.start)
        # back to wall A, slid towards the vertex until the box meets wall B
        k1, k2 = float(e1 @ nB), float(nA @ nB)
        if k1 < -1e-9:
            a = min(wa.length - sx * w / 2.0 + (g - n_off * k2) / k1 for sx in (-1, 1) for n_off in (g, g + d))
            a = min(a, wa.length - w / 2.0)
            if a >= w / 2.0 - 1e-9:
                p = np.array(wa.start) + e1 * a + nA * (d / 2.0 + g)
                out.append(Cands.of(p[0], p[1], _wall_yaw(wa), bonus))
        # back to wall B, slid towards the vertex until the box meets wall A
        k1, k2 = float(e2 @ nA), float(nB @ nA)
        if k1 > 1e-9:
            a = max((g - n_off * k2) / k1 - sx * w / 2.0 for sx in (-1, 1) for n_off in (g, g + d))
            a = max(a, w / 2.0)
            if a <= wb.length - w / 2.0 + 1e-9:
                p = v + e2 * a + nB * (d / 2.0 + g)
                out.append(Cands.of(p[0], p[1], _wall_yaw(wb), bonus))
    return Cands.cat(out)


def _nearest_wall_yaw(world: World, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The yaw that turns the back to the nearest wall (front along its inward normal)."""
    best = np.full(len(x), np.inf)
    yaw = np.zeros(len(x))
    for wall in world.walls:
        a = np.array(wall.start)
        b = np.array(wall.end)
        ab = b - a
        t = np.clip(((x - a[0]) * ab[0] + (y - a[1]) * ab[1]) / max(ab @ ab, 1e-12), 0, 1)
        dist = np.hypot(x - a[0] - t * ab[0], y - a[1] - t * ab[1])
        closer = dist < best
        best = np.where(closer, dist, best)
        yaw = np.where(closer, _wall_yaw(wall), yaw)
    return yaw


def _yawed(world: World, sp: Spec, x, y, tidy) -> Cands:
    """Positions with the headings the constraints ask for (Yaw, Facing, SameYawAs), else the four
    headings square with the nearest wall, back to it first."""
    x = np.atleast_1d(np.asarray(x, dtype=float))
    y = np.atleast_1d(np.asarray(y, dtype=float))
    tidy = np.broadcast_to(np.asarray(tidy, dtype=float), x.shape)
    if not len(x):
        return Cands.cat([])
    if sp.yaw is not None:
        return Cands.of(x, y, sp.yaw.deg, tidy)
    facing = sp.first(K.Facing)
    if facing is not None:
        tx, ty = _facing_point(world, facing.target)
        if facing.target in world.scene.wall_map:
            return Cands.of(x, y, (_wall_yaw(world.scene.wall(facing.target)) + 180.0), tidy)
        if tx is not None:
            return Cands.of(x, y, _yaw_to(tx - x, ty - y), tidy)
    same = sp.first(K.SameYawAs)
    if same is not None and same.target in world.scene.object_map:
        return Cands.of(x, y, world.scene.object(same.target).yaw_deg, tidy)
    base = _nearest_wall_yaw(world, x, y)
    parts = [Cands.of(x, y, base + k, tidy - pen) for k, pen in ((0, 0.0), (90, 0.4), (270, 0.4), (180, 0.8))]
    return Cands.cat(parts)


def _facing_point(world: World, target: str):
    if target in ("center", "centre"):
        return world.center
    if target in world.scene.object_map:
        p = world.scene.object(target).position
        return p[0], p[1]
    return None, None


def _random_cands(world: World, sp: Spec, rng: np.random.Generator, n: int) -> Cands:
    xs, ys = world.poly[:, 0], world.poly[:, 1]
    x = rng.uniform(xs.min(), xs.max(), n)
    y = rng.uniform(ys.min(), ys.max(), n)
    import shapely

    keep = shapely.contains_xy(world.poly_in, x, y)
    return _yawed(world, sp, x[keep], y[keep], -0.5)


def _center_cands(world: World, sp: Spec, size, bonus: float = 0.0) -> Cands:
    import shapely

    xs, ys = world.poly[:, 0], world.poly[:, 1]
    step = max(0.2, world.scale / 24.0)
    gx, gy = np.meshgrid(np.arange(xs.min() + step / 2, xs.max(), step), np.arange(ys.min() + step / 2, ys.max(), step))
    gx, gy = gx.ravel(), gy.ravel()
    keep = shapely.contains_xy(world.poly_in, gx, gy)
    gx, gy = gx[keep], gy[keep]
    cx, cy = world.center
    fx, fy = world.free_center
    gx = np.concatenate([[cx, fx], gx])
    gy = np.concatenate([[cy, fy], gy])
    # anywhere in the middle half of the free floor, preferring open floor (clearance to the
    # nearest obstacle or wall, from the grid), the room's centre breaking ties
    dist = np.hypot(gx - fx, gy - fy)
    mid = np.where(dist <= world.scale / 4.0, 1.0, 1.0 - 3.0 * (dist - world.scale / 4.0) / world.scale)
    open_ = np.minimum(world.clearance_at(gx, gy), 1.5) / 1.5
    tie = 0.01 * np.hypot(gx - cx, gy - cy) / world.scale
    return _yawed(world, sp, gx, gy, bonus + mid + 1.5 * open_ - tie)


def _target_obj(world: World, tid: str) -> ObjectInstance:
    if tid not in world.scene.object_map:
        raise PlacementError(f"no object {tid!r} in the scene", "refer to an object the scene has")
    return world.scene.object(tid)


def _relative_cands(world: World, sp: Spec, size) -> tuple[Cands, list[tuple[float, float]]]:
    """Analytic poses for next_to / in_front_of / behind / between / center_aligned_with / near /
    far_from / facing, plus their ideal points (projected onto walls by the wall generator)."""
    w, d, _ = size
    parts: list[Cands] = []
    points: list[tuple[float, float]] = []
    for c in sp.constraints:
        if isinstance(c, K.NextTo):
            t = _target_obj(world, c.target)
            tw, td = t.size[0], t.size[1]
            fx, fy = _front(t.yaw_deg)
            rx, ry = _right(t.yaw_deg)
            sides = {"right": (1,), "left": (-1,)}.get(c.side or "", (1, -1))
            for s in sides:
                for gap, gt in ((0.04, 1.0), (0.1, 0.6), (0.2, 0.2)):
                    for fo, ft in (((d - td) / 2.0, 0.8), (0.0, 0.4), ((td - d) / 2.0, 0.0)):
                        if abs(fo) > td / 2.0:
                            continue
                        lat = s * (tw / 2.0 + gap + w / 2.0)
                        px = t.position[0] + rx * lat + fx * fo
                        py = t.position[1] + ry * lat + fy * fo
                        points.append((px, py))
                        if sp.heading_free:
                            parts.append(Cands.of(px, py, t.yaw_deg, gt + ft))
                        else:
                            parts.append(_yawed(world, sp, px, py, gt + ft))
        elif isinstance(c, (K.InFrontOf, K.Behind)):
            t = _target_obj(world, c.target)
            sign = 1.0 if isinstance(c, K.InFrontOf) else -1.0
            want = K.FRONT_GAP_M if c.distance is None else float(c.distance)
            fx, fy = _front(t.yaw_deg)
            rx, ry = _right(t.yaw_deg)
            face_yaw = t.yaw_deg + (180.0 if sign > 0 else 0.0)
            for dg, gt in ((0.0, 1.0), (0.1, 0.5), (-0.1, 0.5), (0.25, 0.0), (-0.2, 0.0)):
                for lat, lt in ((0.0, 1.0), (0.15, 0.3), (-0.15, 0.3)):
                    dist = t.size[1] / 2.0 + max(want + dg, 0.02) + d / 2.0
                    px = t.position[0] + sign * fx * dist + rx * lat
                    py = t.position[1] + sign * fy * dist + ry * lat
                    points.append((px, py))
                    if sp.heading_free:
                        parts.append(Cands.of(px, py, face_yaw, gt + lt))
                    else:
                        parts.append(_yawed(world, sp, px, py, gt + lt))
        elif isinstance(c, K.Between):
            a, b = _target_obj(world, c.a), _target_obj(world, c.b)
            ax, ay = a.position[:2]
            ex, ey = b.position[0] - ax, b.position[1] - ay
            L = max(math.hypot(ex, ey), 1e-9)
            px_, py_ = -ey / L, ex / L
            for tt, tt_t in ((0.5, 1.0), (0.4, 0.6), (0.6, 0.6), (0.3, 0.2), (0.7, 0.2), (0.2, 0.0), (0.8, 0.0)):
                for o, ot in ((0.0, 0.5), (0.15, 0.2), (-0.15, 0.2)):
                    px = ax + ex * tt + px_ * o
                    py = ay + ey * tt + py_ * o
                    points.append((px, py))
                    if sp.heading_free:
                        # facing the first object, or square with it (a rug or a coffee table
                        # between a sofa and a TV lies parallel to the sofa)
                        yaw_a = float(_yaw_to(ax - px, ay - py))
                        yaws = [a.yaw_deg + 180.0, a.yaw_deg + 90.0, yaw_a, yaw_a + 180.0]
                        parts.append(Cands.of([px] * 4, [py] * 4, yaws, np.array([0.6, 0.3, 0.5, 0.2]) + tt_t + ot))
                    else:
                        parts.append(_yawed(world, sp, px, py, tt_t + ot))
        elif isinstance(c, K.CenterAlignedWith):
            t = _target_obj(world, c.target)
            fx, fy = _front(t.yaw_deg)
            start = t.size[1] / 2.0 + d / 2.0 + 0.3
            steps = np.arange(start, world.scale * 1.5, 0.1)
            for sign in (1.0, -1.0):
                px = t.position[0] + sign * fx * steps
                py = t.position[1] + sign * fy * steps
                points.extend(zip(px.tolist(), py.tolist()))
                if sp.heading_free:
                    yaw = t.yaw_deg + (180.0 if sign > 0 else 0.0)
                    parts.append(Cands.of(px, py, yaw, 0.5 if sign > 0 else 0.0))
                else:
                    parts.append(_yawed(world, sp, px, py, 0.5 if sign > 0 else 0.0))
            points.append((float(t.position[0]), float(t.position[1])))
        elif isinstance(c, K.Near):
            t = _target_obj(world, c.target)
            tw, td = t.size[0], t.size[1]
            fx, fy = _front(t.yaw_deg)
            rx, ry = _right(t.yaw_deg)
            for gap, gt in ((0.1, 1.0), (0.35, 0.7), (0.65, 0.3)):
                for (u, v) in ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (1, -1), (-1, 1), (-1, -1)):
                    if u and v:
                        gt_uv = gt - 0.8  # diagonal: a turned object, less tidy
                    else:
                        gt_uv = gt
                    for shift in ((0.0,) if u and v else (0.0, 0.3, -0.3)):
                        lat = u * (tw / 2.0 + gap + max(w, d) / 2.0) + (shift if not u else 0.0)
                        fo = v * (td / 2.0 + gap + max(w, d) / 2.0) + (shift if not v else 0.0)
                        px = t.position[0] + rx * lat + fx * fo
                        py = t.position[1] + ry * lat + fy * fo
                        points.append((px, py))
                        parts.append(_yawed(world, sp, px, py, gt_uv))
        elif isinstance(c, K.Facing) and c.target in world.scene.object_map:
            t = world.scene.object(c.target)
            points.append((float(t.position[0]), float(t.position[1])))
            # on the target's front axis, at conversation / viewing distances
            fx, fy = _front(t.yaw_deg)
            dists = np.arange(t.size[1] / 2.0 + d / 2.0 + 0.8, world.scale, 0.25)
            px = t.position[0] + fx * dists
            py = t.position[1] + fy * dists
            parts.append(_yawed(world, sp, px, py, 0.0))
    return Cands.cat(parts), points


def _is_round(obj: ObjectInstance) -> bool:
    return obj.asset.source == "procedural" and str(obj.asset.params.get("top_shape", "")) == "round"


def seat_spots(table: ObjectInstance, count: int, depth: float, gap: float = SEAT_GAP_M,
               chair_width: float = 0.5) -> list[tuple[float, float, float]]:
    """Evenly spread seats round ``table``: (x, y, yaw) of ``count`` chair centres ``depth`` deep
    whose footprint is ``gap`` from the table's (negative: tucked under). Round tables: equal
    angles, seat 0 in front. Rectangular ones: the long sides first (alternating, evenly spaced
    along each), then the ends."""
    tw, td = table.size[0], table.size[1]
    tx, ty = table.position[0], table.position[1]
    ct, st = math.cos(math.radians(table.yaw_deg)), math.sin(math.radians(table.yaw_deg))

    def world(lx, ly, lyaw):
        return (tx + ct * lx - st * ly, ty + st * lx + ct * ly, (table.yaw_deg + lyaw) % 360.0)

    out = []
    if count <= 0:
        return out
    if _is_round(table):
        a, b = tw / 2.0, td / 2.0
        for i in range(count):
            phi = math.pi / 2.0 + 2.0 * math.pi * i / count
            u = (math.cos(phi), math.sin(phi))
            r = a * b / math.sqrt((b * u[0]) ** 2 + (a * u[1]) ** 2)
            dist = r + gap + depth / 2.0
            out.append(world(u[0] * dist, u[1] * dist, float(_yaw_to(-u[0], -u[1]))))
        return out
    long_x = tw >= td
    L, S = (tw, td) if long_x else (td, tw)
    pitch = max(chair_width + 0.1, SEAT_PITCH_M * 0.9)
    cap_long = max(1, int((L + 1e-9) // pitch))
    if count <= 2 * cap_long:
        n_a, n_b = (count + 1) // 2, count // 2
        ends = (0, 0)
    else:
        n_a = n_b = cap_long
        r = count - 2 * cap_long
        ends = ((r + 1) // 2, r // 2)
    seats = []  # (along the long axis, side sign) in the long frame
    for n, side in ((n_a, 1), (n_b, -1)):
        for j in range(n):
            seats.append(("long", -L / 2.0 + L * (j + 0.5) / n, side))
    for n, side in zip(ends, (1, -1)):
        for j in range(n):
            seats.append(("end", -S / 2.0 + S * (j + 0.5) / n, side))
    # alternate sides so the first seats face each other
    order = []
    longs = [s for s in seats if s[0] == "long"]
    a_side = [s for s in longs if s[2] == 1]
    b_side = [s for s in longs if s[2] == -1]
    for k in range(max(len(a_side), len(b_side))):
        if k < len(a_side):
            order.append(a_side[k])
        if k < len(b_side):
            order.append(b_side[k])
    order += [s for s in seats if s[0] == "end"]
    for kind, t, side in order:
        if kind == "long":
            off = S / 2.0 + gap + depth / 2.0
            lx_, ly_ = t, side * off  # in the long frame: long axis = X
            lyaw = 180.0 if side > 0 else 0.0
        else:
            off = L / 2.0 + gap + depth / 2.0
            lx_, ly_ = side * off, t
            lyaw = 90.0 if side > 0 else 270.0
        if not long_x:  # long frame X = table local Y: rotate by +90
            lx_, ly_ = -ly_, lx_
            lyaw += 90.0
        out.append(world(lx_, ly_, lyaw))
    return out


def _around_cands(world: World, sp: Spec, c: K.Around) -> Cands:
    t = _target_obj(world, c.target)
    w, d, _ = sp.size
    parts = []
    count = max(1, c.count)
    taken = []  # other seats of this table already placed
    for o, _, _ in world.entries.values():
        for p in o.placement:
            if p.get("kind") == "around" and p.get("target") == t.id and o.id != sp.obj.id:
                taken.append(o.position[:2])
    ideal = None
    if count > 1 or not taken:
        spots = seat_spots(t, count, d, SEAT_GAP_M, w)
        ideal = spots[min(c.index, len(spots) - 1)]
        for g, gt in ((SEAT_GAP_M, 3.0), (0.0, 2.6), (-0.12, 2.4), (0.08, 2.2), (-0.2, 1.6), (0.18, 1.4),
                      (0.28, 0.8)):
            s = seat_spots(t, count, d, g, w)[min(c.index, count - 1)]
            parts.append(Cands.of(s[0], s[1], s[2], gt))
            # slid along the side
            rx, ry = _right(s[2])
            for sh in (-0.15, 0.15, -0.3, 0.3):
                parts.append(Cands.of(s[0] + rx * sh, s[1] + ry * sh, s[2], gt - 0.8 - abs(sh)))
    # anywhere round the table, facing it
    per = []
    for g in (SEAT_GAP_M, 0.05, 0.2):
        if _is_round(t):
            n = 24
            for s in seat_spots(t, n, d, g, w):
                per.append(s)
        else:
            tw, td = t.size[0], t.size[1]
            for side_len, other, along_x in ((tw, td, True), (td, tw, False)):
                for sgn in (1, -1):
                    for pos in np.arange(-side_len / 2.0 + 0.25, side_len / 2.0 - 0.25 + 1e-9, 0.15):
                        off = other / 2.0 + g + d / 2.0
                        lx_, ly_ = (pos, sgn * off) if along_x else (sgn * off, pos)
                        lyaw = (180.0 if sgn > 0 else 0.0) if along_x else (90.0 if sgn > 0 else 270.0)
                        ct, st = math.cos(math.radians(t.yaw_deg)), math.sin(math.radians(t.yaw_deg))
                        per.append((t.position[0] + ct * lx_ - st * ly_, t.position[1] + st * lx_ + ct * ly_,
                                    (t.yaw_deg + lyaw) % 360.0))
    if per:
        arr = np.array(per)
        tidy = np.zeros(len(arr))
        if ideal is not None:
            tidy -= 1.0 * np.hypot(arr[:, 0] - ideal[0], arr[:, 1] - ideal[1])
        if taken:
            tk = np.array(taken)
            dmin = np.min(np.hypot(arr[:, 0, None] - tk[None, :, 0], arr[:, 1, None] - tk[None, :, 1]), axis=1)
            tidy += np.minimum(dmin, 1.5)
        parts.append(Cands.of(arr[:, 0], arr[:, 1], arr[:, 2], tidy))
    return Cands.cat(parts)


def _under_cands(world: World, sp: Spec, c: K.Under, size) -> Cands:
    op = next((o for o, _ in world.windows if o.id == c.window), None)
    if op is None:
        raise PlacementError(f"no window {c.window!r}", "windows: " + ", ".join(o.id for o, _ in world.windows))
    wall = world.scene.wall(op.wall)
    mid = op.offset + op.width / 2.0
    px, py = wall.point_at(mid)
    return _wall_cands(world, sp, [wall], size, extra_points=[(px, py)], bonus=0.0)


def _generate(world: World, sp: Spec, rng: np.random.Generator, size=None) -> Cands:
    size = size or sp.size
    w, d, h = size
    info = sp.info
    parts: list[Cands] = []
    rel, points = _relative_cands(world, sp, size)
    parts.append(rel)
    against = sp.all(K.Against)
    hints = set(info.placement) if info is not None else set()
    positional = sp.positional
    for a in against:
        if a.wall == "any_wall":
            walls = world.walls
        else:
            if a.wall not in world.scene.wall_map:
                raise PlacementError(f"unknown wall {a.wall!r}", "walls: " + ", ".join(world.scene.wall_map))
            wall = world.scene.wall(a.wall)
            if w > wall.length + 1e-9:
                raise PlacementError(f"{sp.obj.id} is {w:.2f} m wide but {wall.id} is only {wall.length:.2f} m long",
                                     "resize it or choose a longer wall")
            walls = [wall]
        # the middle of a free stretch is the tidy spot unless another relation says where
        relative = (K.NextTo, K.Near, K.CenterAlignedWith, K.Between, K.InFrontOf, K.Behind, K.Facing, K.Under,
                    K.Corner, K.FarFrom)
        stretch = 0.3 if any(isinstance(c, relative) for c in sp.constraints) else 1.0
        parts.append(_wall_cands(world, sp, walls, size, points, stretch=stretch))
    for c in sp.all(K.Corner):
        parts.append(_corner_cands(world, sp, size, c.index, 1.0))
    for c in sp.all(K.Center):
        parts.append(_center_cands(world, sp, size, 0.0))
    for c in sp.all(K.Around):
        parts.append(_around_cands(world, sp, c))
    for c in sp.all(K.Under):
        parts.append(_under_cands(world, sp, c, size))
    if not positional:
        wall_hint = info is not None and info.against_wall
        if wall_hint or not hints or hints & {"near_window", "near_door"} or sp.first(K.FarFrom):
            parts.append(_wall_cands(world, sp, world.walls, size, points, bonus=0.0,
                                     stretch=1.0 if wall_hint else 0.0))
        if "corner" in hints or sp.first(K.FarFrom):
            parts.append(_corner_cands(world, sp, size, None, 0.5))
        if "centre" in hints or not wall_hint:
            parts.append(_center_cands(world, sp, size, -0.5))
    parts.append(_random_cands(world, sp, rng, RANDOM_SAMPLES))
    cands = Cands.cat(parts)
    if sp.yaw is not None:
        cands.yaw[:] = sp.yaw.deg % 360.0
    return cands


# ---------------------------------------------------------------------------------------------
# scoring


def _tidy(world: World, sp: Spec, c: Cands, size, ctx: Context, proxy: ObjectInstance) -> np.ndarray:
    w, d, h = size
    info = sp.info
    score = c.tidy.copy()
    hints = set(info.placement) if info is not None else set()
    # aligned with the walls (unless a constraint sets the heading)
    if not sp.yaw_given:
        base = _nearest_wall_yaw(world, c.x, c.y)
        mis = np.abs(((c.yaw - base) + 45.0) % 90.0 - 45.0)
        score -= 2.0 * mis / 45.0
    if not sp.positional:
        if info is not None and info.against_wall:
            ok, _, _ = evaluate(world.scene, proxy, c.x, c.y, c.yaw, K.Against("any_wall", None), ctx=ctx)
            score += 3.0 * ok
        if "corner" in hints:
            ok, _, _ = evaluate(world.scene, proxy, c.x, c.y, c.yaw, K.Corner(), ctx=ctx)
            score += 2.0 * ok
        if "centre" in hints and not (info is not None and info.against_wall):
            ok, _, _ = evaluate(world.scene, proxy, c.x, c.y, c.yaw, K.Center(), ctx=ctx)
            score += 1.5 * ok
        if "near_window" in hints and world.windows:
            pts = np.array([wl.point_at(o.offset + o.width / 2.0) for o, wl in world.windows])
            dist = np.min(np.hypot(c.x[:, None] - pts[None, :, 0], c.y[:, None] - pts[None, :, 1]), axis=1)
            score += 2.0 * (1.0 - np.minimum(dist, 3.0) / 3.0)
        if "near_door" in hints:
            doors = [z for z in world.zones if z.kind == "door"]
            if doors:
                pts = np.array([z.center for z in doors])
                dist = np.min(np.hypot(c.x[:, None] - pts[None, :, 0], c.y[:, None] - pts[None, :, 1]), axis=1)
                score += 2.0 * (1.0 - np.minimum(dist, 3.0) / 3.0)
        if "centre" not in hints and sp.obj.category not in SEATED_TABLES:  # nothing floats for no reason
            ok, _, _ = evaluate(world.scene, proxy, c.x, c.y, c.yaw, K.Center(1.0), ctx=ctx)
            score -= 1.0 * ok
    exclude = sp.targets
    ids, fp = world.floor_footprints()
    t = np.radians(c.yaw)
    cc, ss = np.cos(t), np.sin(t)
    if sp.obj.category in SEATED_TABLES:
        score += _seat_room(world, c, w, d, cc, ss, fp)
        others = np.array([o.position[:2] for o, _, _ in world.entries.values()
                           if o.category in SEATED_TABLES and o.support == "floor"]).reshape(-1, 2)
        if len(others):
            dist = np.min(np.hypot(c.x[:, None] - others[None, :, 0], c.y[:, None] - others[None, :, 1]), axis=1)
            score += 2.0 * np.minimum(dist, 3.0) / 3.0
    if is_flat(sp.obj):  # rugs lie in access regions and under furniture
        return score
    # others' access regions (unless related to them), own front clearance
    rows = []
    for oid in world.order():
        if oid not in world.fronts or oid in exclude:
            continue
        o = world.entries[oid][0]
        info_o = info_of(o)
        fc = info_o.front_clearance_m if info_o is not None else 0.0
        if fc <= 0:
            continue
        (fx, fy) = _front(o.yaw_deg)
        to = math.radians(o.yaw_deg)
        rows.append((o.position[0] + fx * (o.size[1] + fc) / 2.0, o.position[1] + fy * (o.size[1] + fc) / 2.0,
                     o.size[0] / 2, fc / 2, math.cos(to), math.sin(to)))
    if rows:
        score -= 4.0 * _overlap_any(c.x, c.y, w / 2, d / 2, cc, ss, np.array(rows))
    fc_own = info.front_clearance_m if info is not None else 0.0
    if fc_own > 0 and len(fp):
        fx, fy = _front(c.yaw)
        ox = c.x + fx * (d + fc_own) / 2.0
        oy = c.y + fy * (d + fc_own) / 2.0
        mask = np.array([i not in exclude for i in ids])
        if mask.any():
            score -= 3.0 * _overlap_any(ox, oy, w / 2, fc_own / 2, cc, ss, fp[mask])
        # front clear of the walls
        fcands = Cands(ox, oy, c.yaw, np.zeros(len(c)))
        score -= 2.0 * ~world.inside(w, fc_own, fcands)
    return score


def _overlap_any(ax, ay, ahx: float, ahy: float, ac, as_, rects: np.ndarray) -> np.ndarray:
    """Whether each rectangle (centre ``ax, ay``, half extents, cos / sin) overlaps any of
    ``rects`` (rows of cx, cy, hx, hy, cos, sin); pairs farther apart than their circumradii are
    skipped before the separating-axis test."""
    out = np.zeros(len(ax), dtype=bool)
    if not len(rects) or not len(ax):
        return out
    ra = math.hypot(ahx, ahy)
    rb = np.hypot(rects[:, 2], rects[:, 3])
    dist = np.hypot(ax[:, None] - rects[None, :, 0], ay[:, None] - rects[None, :, 1])
    ci, bi = np.nonzero(dist < ra + rb[None, :])
    if len(ci):
        ov = obb_overlap(ax[ci], ay[ci], ahx, ahy, ac[ci], as_[ci], rects[bi, 0], rects[bi, 1], rects[bi, 2],
                         rects[bi, 3], rects[bi, 4], rects[bi, 5], 0.0)
        out[ci[ov]] = True
    return out


def _seat_room(world: World, c: Cands, w: float, d: float, cc: np.ndarray, ss: np.ndarray,
               fp: np.ndarray) -> np.ndarray:
    """For tables people sit round: -1.5 for each side without :data:`SEAT_ROOM_M` of free floor
    (inside the room, clear of furniture and door zones) along it."""
    pen = np.zeros(len(c))
    r = SEAT_ROOM_M
    for lx, ly, hx, hy in ((0.0, d / 2 + r / 2, w / 2, r / 2), (0.0, -d / 2 - r / 2, w / 2, r / 2),
                           (w / 2 + r / 2, 0.0, r / 2, d / 2), (-w / 2 - r / 2, 0.0, r / 2, d / 2)):
        sx = c.x + cc * lx - ss * ly
        sy = c.y + ss * lx + cc * ly
        strip = Cands(sx, sy, c.yaw, np.zeros(len(c)))
        blocked = ~world.inside(2 * hx, 2 * hy, strip)
        if len(fp):
            blocked |= _overlap_any(sx, sy, hx, hy, cc, ss, fp)
        for z in world.zones:
            if z.kind == "door":
                blocked |= obb_overlap(sx, sy, hx, hy, cc, ss, z.center[0], z.center[1], z.hx, z.hy, z.cos, z.sin, 0.0)
        pen -= 1.5 * blocked
    return pen


def _relation_scores(world: World, sp: Spec, c: Cands, proxy: ObjectInstance, ctx: Context,
                     relations: Sequence) -> tuple[np.ndarray, np.ndarray]:
    n_ok = np.zeros(len(c))
    miss = np.zeros(len(c))
    for r in relations:
        ok, m, _ = evaluate(world.scene, proxy, c.x, c.y, c.yaw, r, ctx=ctx)
        n_ok += ok
        miss += np.minimum(m, 3.0)
    return n_ok, miss


# ---------------------------------------------------------------------------------------------
# one floor object


@dataclass
class _Failure:
    constraint: str
    message: str
    blockers: dict[str, int] = field(default_factory=dict)


def _pose(obj: ObjectInstance, x: float, y: float, yaw: float, constraints: Sequence) -> ObjectInstance:
    return dataclasses.replace(obj, position=(round(float(x), 6), round(float(y), 6), 0.0),
                               yaw_deg=normalize_yaw(float(yaw)), support="floor",
                               placement=tuple(K.to_dict(c) for c in constraints))


def _fixed_at(world: World, sp: Spec) -> ObjectInstance:
    """``At`` with relations: the position is fixed, the heading follows Yaw / facing / same yaw /
    against (absolute placement is always allowed; the validator reports what it breaks)."""
    x, y = sp.at.x, sp.at.y
    if world.scene.room_at((x, y)) is None:
        raise PlacementError(f"({x:.2f}, {y:.2f}) is outside every room",
                             "use a point inside the room polygon; query wall_length()/room bounds to compute one")
    c = _yawed(world, sp, [x], [y], 0.0)
    yaw = float(c.yaw[0])
    a = sp.first(K.Against)
    if sp.heading_free:
        if a is not None and a.wall in world.scene.wall_map:
            yaw = _wall_yaw(world.scene.wall(a.wall))
        else:
            yaw = sp.obj.yaw_deg
    return _pose(sp.obj, x, y, yaw, sp.constraints)


def _solve_floor(world: World, obj: ObjectInstance, constraints: Sequence, rng: np.random.Generator
                 ) -> ObjectInstance | _Failure:
    sp = _spec(obj, constraints)
    if sp.first(K.Height) is not None:
        raise PlacementError(f"height= is for wall-mounted objects; {obj.id} stands on the floor", "drop height=")
    for t in sp.targets:
        if t in ("any_wall", "center", "centre") or t in world.scene.wall_map:
            continue
        if t not in world.scene.object_map and not any(o.id == t for _, o in world.scene.openings()):
            raise PlacementError(f"{obj.id}: no object {t!r} to relate to", "refer to an object the scene has")
        if t == obj.id:
            raise PlacementError(f"{obj.id} cannot be placed relative to itself", "name another object")
    world.last_choice = (0, {})
    if sp.at is not None:
        world.last_choice = (len(sp.relations), {})
        return _fixed_at(world, sp)
    cands = _generate(world, sp, rng)
    return _choose(world, sp, cands, obj.size, [obj])


def _choose(world: World, sp: Spec, cands: Cands, size, members: Sequence[ObjectInstance],
            offsets: np.ndarray | None = None, member_specs: Sequence[Spec] | None = None
            ) -> ObjectInstance | list[ObjectInstance] | _Failure:
    """Filter ``cands`` by the hard rules, rank them, and return the first passing the grid
    checks. With ``offsets`` (M, 3: dx, dy along the candidate's local axes, dyaw) the candidate
    is a formation of ``members`` and all of them must pass."""
    w, d, h = size
    n = len(cands)
    if n == 0:
        return _Failure("no candidate", f"{sp.obj.id}: no candidate pose")
    group = offsets is not None
    if group:
        t = np.radians(cands.yaw)
        cc, ss = np.cos(t), np.sin(t)
        mx = cands.x[:, None] + cc[:, None] * offsets[None, :, 0] - ss[:, None] * offsets[None, :, 1]
        my = cands.y[:, None] + ss[:, None] * offsets[None, :, 0] + cc[:, None] * offsets[None, :, 1]
        myaw = (cands.yaw[:, None] + offsets[None, :, 2]) % 360.0
        inside = np.ones(n, dtype=bool)
        door = np.zeros(n, dtype=bool)
        window = np.zeros(n, dtype=bool)
        hit = np.zeros(n, dtype=bool)
        for j, m in enumerate(members):
            cj = Cands(mx[:, j], my[:, j], myaw[:, j], np.zeros(n))
            inside &= world.inside(m.size[0], m.size[1], cj)
            dj, wj = world.zone_blocked(m.size[0], m.size[1], m.size[2], cj, shape_of(m).flat)
            door |= dj
            window |= wj
            hit |= collisions(shape_of(m), cj.x, cj.y, cj.yaw, world.boxes)
    else:
        inside = world.inside(w, d, cands)
        flat = shape_of(sp.obj).flat
        door, window = world.zone_blocked(w, d, h, cands, flat)
        hit = collisions(shape_of(sp.obj), cands.x, cands.y, cands.yaw, world.boxes)
    ok = inside & ~door & ~window & ~hit
    if not ok.any():
        if not inside.any():
            return _Failure("inside the room", f"{sp.obj.id} ({w:.2f} x {d:.2f} m) fits nowhere inside the room "
                            "with the requested placement")
        rest = inside
        if not (rest & ~door).any():
            return _Failure("door clearance", f"every spot for {sp.obj.id} would block a door's clearance zone")
        rest = rest & ~door
        if not (rest & ~window).any():
            return _Failure("window clearance", f"every spot for {sp.obj.id} would block a low window "
                            f"(it is {h:.2f} m tall)")
        blockers: dict[str, int] = {}
        if not group:
            _, pairs = collisions(shape_of(sp.obj), cands.x, cands.y, cands.yaw, world.boxes, want_owners=True)
            blockers = _sole_blockers(world, pairs, rest & ~window)
        return _Failure("no overlap", f"every spot for {sp.obj.id} overlaps other objects", blockers)
    idx = np.nonzero(ok)[0]
    sub = cands.take(idx)
    proxy = dataclasses.replace(sp.obj, size=tuple(size))
    ctx = Context(world.scene, proxy, world.room)
    if group:
        n_ok = np.zeros(len(sub))
        miss = np.zeros(len(sub))
        for j, m in enumerate(members):
            msp = member_specs[j]
            mc = Cands(mx[idx, j], my[idx, j], myaw[idx, j], np.zeros(len(sub)))
            mctx = Context(world.scene, m, world.room)
            a, b = _relation_scores(world, msp, mc, m, mctx, msp.relations)
            n_ok += a
            miss += b
        tidy = _tidy(world, sp, sub, size, ctx, proxy)
    else:
        n_ok, miss = _relation_scores(world, sp, sub, proxy, ctx, sp.relations)
        tidy = _tidy(world, sp, sub, size, ctx, proxy)
    score = REL_W * n_ok - MISS_W * miss + tidy
    order = np.argsort(-np.round(score, 9), kind="stable")
    tried = 0
    reasons: dict[str, int] = {}
    seen = set()
    for k in order:
        if tried >= MAX_GRID_CHECKS:
            break
        key = (round(float(sub.x[k]), 3), round(float(sub.y[k]), 3), round(float(sub.yaw[k]) % 360.0, 2))
        if key in seen:
            continue
        seen.add(key)
        tried += 1
        if group:
            j0 = idx[k]
            posed = [_pose(m, mx[j0, j], my[j0, j], myaw[j0, j], member_specs[j].constraints)
                     for j, m in enumerate(members)]
        else:
            posed = [_pose(sp.obj, sub.x[k], sub.y[k], sub.yaw[k], sp.constraints)]
        good, why, after = world.grid_check(posed)
        if good:
            world.expect(posed, after)
            world.last_choice = (int(n_ok[k]), {})
            if not group and n_ok[k] < len(sp.relations):
                rest = inside & ~door & ~window & hit
                world.last_choice = (int(n_ok[k]), _better_blockers(world, sp, cands.take(np.nonzero(rest)[0]),
                                                                    int(n_ok[k]), proxy, ctx))
            return posed if group else posed[0]
        reasons[why] = reasons.get(why, 0) + 1
    why = max(sorted(reasons), key=lambda r: reasons[r]) if reasons else "walkable path"
    constraint = "no isolated pockets" if why.startswith("no isolated") else "walkable path"
    return _Failure(constraint, f"every spot for {sp.obj.id} would cut a {why}")


def _better_blockers(world: World, sp: Spec, cands: Cands, best: int, proxy: ObjectInstance,
                     ctx: Context) -> dict[str, int]:
    """Objects that alone stand where ``sp.obj`` would satisfy more than ``best`` relations:
    id -> how many such candidate poses each blocks."""
    if not len(cands):
        return {}
    cands = cands.take(np.arange(min(len(cands), 800)))
    n_ok, _ = _relation_scores(world, sp, cands, proxy, ctx, sp.relations)
    better = np.nonzero(n_ok > best)[0]
    if not len(better):
        return {}
    sub = cands.take(better)
    _, pairs = collisions(shape_of(sp.obj), sub.x, sub.y, sub.yaw, world.boxes, want_owners=True)
    return _sole_blockers(world, pairs)


def _sole_blockers(world: World, pairs: Sequence[tuple[int, int]], among: np.ndarray | None = None
                   ) -> dict[str, int]:
    """From (candidate, owner) collision pairs: id -> how many candidates (those where ``among``
    is True, default all) that one object alone blocks."""
    per: dict[int, set[int]] = {}
    for ci, oi in pairs:
        per.setdefault(ci, set()).add(oi)
    out: dict[str, int] = {}
    for ci, owners in per.items():
        if (among is None or among[ci]) and len(owners) == 1:
            oid = world.boxes.ids[next(iter(owners))]
            out[oid] = out.get(oid, 0) + 1
    return out


# ---------------------------------------------------------------------------------------------
# formations


def _formation(world: World, objs: Sequence[ObjectInstance], css: Sequence[tuple],
               rng) -> list[ObjectInstance] | _Failure:
    """A row or grid placed as one block (module docstring)."""
    first = next(c for c in css[0] if isinstance(c, (K.Row, K.Grid)))
    common = tuple(c for c in css[0] if not isinstance(c, (K.Row, K.Grid)))
    order = sorted(range(len(objs)), key=lambda i: next(c.index for c in css[i] if isinstance(c, (K.Row, K.Grid))))
    members = [objs[i] for i in order]
    specs = [_spec(objs[i], css[i]) for i in order]
    ws = np.array([m.size[0] for m in members])
    ds = np.array([m.size[1] for m in members])
    hs = np.array([m.size[2] for m in members])
    if isinstance(first, K.Row):
        gap = first.spacing
        W = float(ws.sum() + gap * (len(members) - 1))
        D = float(ds.max())
        xs = -W / 2.0 + np.concatenate([[0.0], np.cumsum(ws[:-1] + gap)]) + ws / 2.0
        offsets = np.stack([xs, np.zeros(len(members)), np.zeros(len(members))], axis=1)
    else:
        rows, cols = first.rows, first.cols
        dx, dy = first.spacing
        wmax, dmax = float(ws.max()), float(ds.max())
        W = cols * wmax + (cols - 1) * dx
        D = rows * dmax + (rows - 1) * dy
        offs = []
        for sp in specs:
            g = next(c for c in sp.constraints if isinstance(c, K.Grid))
            r, col = divmod(g.index, cols)
            offs.append((-W / 2.0 + col * (wmax + dx) + wmax / 2.0, D / 2.0 - r * (dmax + dy) - dmax / 2.0, 0.0))
        offsets = np.array(offs)
    size = (W, D, float(hs.max()))
    proxy = dataclasses.replace(members[0], size=size)
    sp = _spec(proxy, common)
    sp.relations = [c for c in common if is_relation(c)]
    if sp.at is not None:
        cands = Cands.of(sp.at.x, sp.at.y, sp.yaw.deg if sp.yaw else 0.0, 0.0)
    else:
        cands = _generate(world, sp, rng, size)
    return _choose(world, sp, cands, size, members, offsets, specs)


# ---------------------------------------------------------------------------------------------
# wall / ceiling dispatch


def _settled_scene(scene: Scene, skip: str) -> Scene:
    """``scene`` without pending objects (and what rests on them), for the wall / ceiling solvers."""
    gone = set()
    for o in scene.objects:
        if o.id != skip and is_pending(scene, o):
            gone.add(o.id)
            gone |= dependents(scene, o.id)
    if not gone:
        return scene
    return dataclasses.replace(scene, objects=tuple(o for o in scene.objects if o.id not in gone))


def _solve_wall(scene: Scene, obj: ObjectInstance, cs: Sequence, rng) -> ObjectInstance:
    return solve_wall(_settled_scene(scene, obj.id), obj, cs, rng)


def _solve_ceiling(scene: Scene, obj: ObjectInstance, cs: Sequence, rng) -> ObjectInstance:
    return solve_ceiling(_settled_scene(scene, obj.id), obj, cs, rng)


def _support_of(scene: Scene, obj: ObjectInstance, cs: Sequence) -> str:
    if any(isinstance(c, K.OnWall) for c in cs):
        return "wall"
    if any(isinstance(c, K.OnCeiling) for c in cs):
        return "ceiling"
    if obj.support_kind == "object":
        return "object"
    info = info_of(obj)
    if obj.support_kind == "wall" or (info is not None and info.support == "wall" and obj.support_kind != "floor"):
        return "wall"
    if obj.support == "ceiling":
        return "ceiling"
    return "floor"


# ---------------------------------------------------------------------------------------------
# entry point


def _room_for(scene: Scene, obj: ObjectInstance, cs: Sequence) -> Room:
    for c in cs:
        wall = getattr(c, "wall", None)
        if isinstance(wall, str) and wall in scene.wall_map:
            return scene.room(scene.wall(wall).room)
    if not scene.rooms:
        raise PlacementError("the scene has no room yet", "start the program with room(...)")
    return scene.room_at(obj.position[:2]) or scene.rooms[0]


def _normalize(ids: Sequence[str], constraints) -> list[tuple]:
    constraints = list(constraints)
    if len(ids) == 1 and constraints and not isinstance(constraints[0], (tuple, list)):
        return [tuple(constraints)]
    if len(constraints) != len(ids):
        raise PlacementError(f"{len(ids)} objects but {len(constraints)} constraint sets",
                             "give one tuple of constraints per object")
    return [tuple(c) for c in constraints]


def _neighbours(world: World, sp_targets: set[str], blockers: dict[str, int], scene: Scene) -> list[str]:
    """Solver-placed objects that may be moved to make room, most blocking first: floor objects
    whose placement has relations and no ``at``, not in a group, that no other object refers to."""
    referenced = set()
    for o in scene.objects:
        for p in o.placement:
            for key in ("target", "a", "b", "group"):
                v = p.get(key)
                if isinstance(v, str):
                    referenced.add(v)
    out = []
    for oid, cnt in sorted(blockers.items(), key=lambda kv: (-kv[1], kv[0])):
        o = scene.object_map.get(oid)
        if o is None or o.support != "floor" or oid in sp_targets or oid in referenced:
            continue
        kinds = {p.get("kind") for p in o.placement}
        if not o.placement or "at" in kinds or kinds & {"row", "grid", "around"}:
            continue
        cs = [K.from_dict(dict(p)) for p in o.placement]
        if not any(is_relation(c) for c in cs):
            continue
        out.append(oid)
        if len(out) >= BACKTRACK_NEIGHBOURS:
            break
    return out


def _satisfied(scene: Scene, oid: str) -> int:
    o = scene.object(oid)
    cs = [K.from_dict(dict(p)) for p in o.placement]
    return sum(check_relation(scene, oid, c).satisfied for c in cs if is_relation(c))


def _backtrack(world: World, obj: ObjectInstance, cs: tuple, rng, blockers: dict[str, int],
               better_than: int | None = None) -> list[ObjectInstance] | None:
    """Move one neighbour that blocks ``obj`` (module docstring). With ``better_than`` (``obj``
    fits but satisfies only that many relations) the move must let ``obj`` satisfy more while
    the neighbour keeps as many of its own."""
    sp = _spec(obj, cs)
    for nid in _neighbours(world, sp.targets, blockers, world.scene):
        neighbour = world.scene.object(nid)
        ncs = tuple(K.from_dict(dict(p)) for p in neighbour.placement)
        before = _satisfied(world.scene, nid) if better_than is not None else 0
        saved = world.scene
        _lift(world, [nid])
        got = _solve_floor(world, obj, cs, rng)
        if isinstance(got, _Failure) or (better_than is not None and world.last_choice[0] <= better_than):
            _restore(world, saved, [nid])
            continue
        world.commit(got)
        again = _solve_floor(world, neighbour, ncs, rng)
        if isinstance(again, _Failure):
            _lift(world, [obj.id])
            _restore(world, saved, [nid])
            continue
        world.commit(again)
        if better_than is not None and _satisfied(world.scene, nid) < before:
            _lift(world, [obj.id, nid])
            _restore(world, saved, [nid])
            continue
        log.debug("backtracking: moved %s to make room for %s", nid, obj.id)
        return [got, again]
    return None


def _lift(world: World, ids: Sequence[str]) -> None:
    """Take objects ``ids`` and what rests on them out of the world."""
    for oid in ids:
        for dep in dependents(world.scene, oid):
            world.remove(dep)
        world.remove(oid)


def _restore(world: World, scene: Scene, ids: Sequence[str]) -> None:
    """Back to ``scene``: the objects ``ids`` (and what rests on them) put back as they are there."""
    _lift(world, ids)
    world.scene = scene
    world._next = None
    for oid in ids:
        world.add(scene.object(oid))
        for dep in sorted(dependents(scene, oid)):
            world.add(scene.object(dep))


#: the world of the last solve, brought up to date for the next one (a program places objects one
#: call at a time on scenes that differ by a few objects); exactly equivalent to a fresh build
_LAST: dict[str, World] = {}


def _world_for(scene: Scene, room: Room, skip: set[str], keep: set[str] = frozenset()) -> World:
    world = _LAST.pop("world", None)
    if world is not None and world.room == room and world.scene.rooms == scene.rooms:
        world.sync(scene, skip, keep)
    else:
        world = World(scene, room, skip=skip, keep=keep)
    _LAST["world"] = world
    return world


def solve_place(scene: Scene, ids: Sequence[str], constraints: Sequence, rng: np.random.Generator) -> SolveOutcome:
    """Place objects ``ids`` by their constraints (one tuple per id; a single id may take a flat
    tuple). Returns a :class:`SolveOutcome`; raises :class:`PlacementError` for requests that can
    never be met (an unknown wall or object, an object wider than the wall it must stand
    against, relations for an object standing on another object)."""
    ids = list(ids)
    css = _normalize(ids, constraints)
    out = SolveOutcome()
    if not ids:
        return out
    for oid in ids:
        if oid not in scene.object_map:
            raise PlacementError(f"no object {oid!r} in the scene", "add it first")
    room = _room_for(scene, scene.object(ids[0]), css[0])
    skip = set(ids)
    for oid in ids:
        skip |= dependents(scene, oid)
    # an object still waiting at its start pose is no obstacle, unless this request refers to it
    keep = {t for cs in css for c in cs for t in K.targets(c)} - skip
    world = _world_for(scene, room, skip, keep)
    done: set[str] = set()
    for i, oid in enumerate(ids):
        if oid in done:
            continue
        obj = world.scene.object(oid)
        cs = css[i]
        kind = _support_of(world.scene, obj, cs)
        if kind == "object":
            if any(not isinstance(c, (K.At, K.Yaw)) for c in cs):
                raise PlacementError(f"{oid} stands on {obj.support_target}; only at= and yaw= can move it there",
                                     "remove it and add it on the floor (add without on=) to use relations")
            new = resolve_place(world.scene, obj, cs)
            new = dataclasses.replace(new, placement=tuple(K.to_dict(c) for c in cs))
            _commit(world, out, new)
            done.add(oid)
            continue
        if kind in ("wall", "ceiling"):
            try:
                fn = _solve_wall if kind == "wall" else _solve_ceiling
                new = fn(world.scene, obj, cs, rng)
            except Unplaceable as exc:
                if exc.constraint in REQUEST_ERRORS:  # no wall or ceiling could ever hold it so
                    raise PlacementError(str(exc), exc.hint) from None
                out.unplaced[oid] = str(exc)
                out.failed[oid] = exc.constraint or ("wall space" if kind == "wall" else "ceiling space")
                done.add(oid)
                continue
            new = dataclasses.replace(new, placement=tuple(K.to_dict(c) for c in cs))
            _commit(world, out, new)
            done.add(oid)
            continue
        group = next((c for c in cs if isinstance(c, (K.Row, K.Grid))), None)
        if group is not None:
            members = [j for j, other in enumerate(ids) if any(
                isinstance(c, type(group)) and c.group == group.group for c in css[j])]
            objs = [world.scene.object(ids[j]) for j in members]
            got = _formation(world, objs, [css[j] for j in members], rng)
            if isinstance(got, _Failure):
                # one by one, each member relative to those already placed
                for j in members:
                    res = _solve_member(world, world.scene.object(ids[j]), css[j], rng)
                    if isinstance(res, _Failure):
                        out.unplaced[ids[j]] = res.message
                        out.failed[ids[j]] = res.constraint
                    else:
                        _commit(world, out, res)
                    done.add(ids[j])
            else:
                for new in got:
                    _commit(world, out, new)
                    done.add(new.id)
            continue
        got = _solve_floor(world, obj, cs, rng)
        if isinstance(got, _Failure):
            moved = _backtrack(world, obj, cs, rng, got.blockers)
            if moved is None:
                out.unplaced[oid] = got.message
                out.failed[oid] = got.constraint
                log.info("unplaced %s: %s", oid, got.message)
            else:
                for new in moved:
                    out.placed[new.id] = new
        else:
            n_ok, blockers = world.last_choice
            moved = None
            if blockers and sp_relations(cs) > n_ok:
                moved = _backtrack(world, obj, cs, rng, blockers, better_than=n_ok)
            if moved is None:
                _commit(world, out, got)
            else:
                for new in moved:
                    out.placed[new.id] = new
        done.add(oid)
    final = _replace_objects(world.scene, {}, removed=out.unplaced)
    for oid in ids:
        if oid not in out.placed:
            continue
        o = out.placed[oid]
        for data in o.placement:
            c = K.from_dict(dict(data))
            if not is_relation(c):
                continue
            r = check_relation(final, oid, c)
            out.relations.append({"object": oid, "relation": label(c), "satisfied": r.satisfied, "detail": r.detail})
    return out


def sp_relations(cs: Sequence) -> int:
    return sum(1 for c in cs if is_relation(c))


def _commit(world: World, out: SolveOutcome, new: ObjectInstance) -> None:
    world.commit(new)
    out.placed[new.id] = new


def _solve_member(world: World, obj: ObjectInstance, cs: tuple, rng) -> ObjectInstance | _Failure:
    """A row / grid member on its own, next to the members already placed."""
    sp = _spec(obj, cs)
    g = next(c for c in cs if isinstance(c, (K.Row, K.Grid)))
    extra = []
    kind = "row" if isinstance(g, K.Row) else "grid"
    peers = {}
    for o, _, _ in world.entries.values():
        for p in o.placement:
            if p.get("kind") == kind and p.get("group") == g.group:
                peers[int(p.get("index", 0))] = o
    w, d, _ = obj.size
    if isinstance(g, K.Row):
        near = [(j, peers[j]) for j in (g.index - 1, g.index + 1) if j in peers]
        for j, p in near:
            sign = 1.0 if g.index > j else -1.0
            rx, ry = _right(p.yaw_deg)
            dist = p.size[0] / 2.0 + g.spacing + w / 2.0
            extra.append(Cands.of(p.position[0] + sign * rx * dist, p.position[1] + sign * ry * dist, p.yaw_deg, 5.0))
    else:
        r, col = divmod(g.index, g.cols)
        for (rr, cc), sx, sy in (((r, col - 1), 1, 0), ((r, col + 1), -1, 0), ((r - 1, col), 0, -1),
                                 ((r + 1, col), 0, 1)):
            j = rr * g.cols + cc
            if j in peers and 0 <= cc < g.cols:
                p = peers[j]
                rx, ry = _right(p.yaw_deg)
                fx, fy = _front(p.yaw_deg)
                lat = sx * (p.size[0] / 2.0 + g.spacing[0] + w / 2.0)
                fo = sy * (p.size[1] / 2.0 + g.spacing[1] + d / 2.0)
                extra.append(Cands.of(p.position[0] + rx * lat + fx * fo, p.position[1] + ry * lat + fy * fo,
                                      p.yaw_deg, 5.0))
    cands = Cands.cat([_generate(world, sp, rng)] + extra)
    return _choose(world, sp, cands, obj.size, [obj])
