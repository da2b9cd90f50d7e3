"""Free floor space of a room: opening clearance zones, an occupancy grid, walkable paths and the
navigability measure. Shared by the layout solver (hard constraints) and
:mod:`worldsmith.metrics.navigability` (the report), so both judge a room the same way.

Definitions (the contract):

* **Opening zones** (:func:`opening_zones`), the validator's own (``metrics.validate``, section
  3, calls it with its thresholds): a door keeps a zone as wide as the door and as deep as the
  door is wide on each side of its wall (``inside`` from the wall's inner face into the room,
  ``outside`` from the outer face away from it), blocked by any non-flat floor object whose bottom
  is below 2 m; a window whose sill is below 1.2 m keeps a band 0.3 m deep in front of it inside
  the room, blocked by non-flat floor objects whose top is above the sill. The solver adds a small
  margin (:data:`ZONE_MARGIN_M`) so an object never ends flush with a zone.
* **Occupancy grid** (:class:`FloorGrid`): square cells of :data:`CELL_M`; a cell is *inside* when
  its centre is in the room polygon; a floor obstacle (a floor-supported object that is not a flat
  covering) occupies every cell whose centre lies within its footprint rectangle grown by half a
  cell's projected extent (a superset of the cells the footprint touches).
* **Robot space** of radius ``r``: the inside, unoccupied cells whose centre is at least
  ``r + CELL_M / 2`` from the centre of every occupied or outside cell (so at least ``r`` from
  the obstacle itself): where the centre of a round robot of radius ``r`` fits. Cells are
  connected through their four edge neighbours.
* **Navigability** (:func:`navigability`) of a room with robot radius ``r`` (default
  :data:`ROBOT_RADIUS_M` = 0.2 m): ``(largest, free)``, the area of the largest connected component
  of the robot space and the area of all of it (m^2). The room is navigable when ``largest >=
  0.95 * free``: no isolated pockets.
* **Walkable paths** are the robot space of radius 0.3 m (a path :data:`PATH_WIDTH_M` = 0.6 m
  wide). Its *main* component is the largest one: the room's free space. A door is reachable when
  its inside zone holds a cell of the main component; an object that needs access (catalog
  ``needs_access``) is reachable when its
  **access region** holds one: the rectangle in front of the object, as wide as the object
  (at least 0.6 m) plus 0.3 m on each side (one steps up beside a chair), and
  ``front_clearance_m + 0.3`` m deep (at least 0.6 m) from its front face, deeper by its seat's
  depth when a seat stands there (an object placed ``in_front_of`` or ``around`` it: a chair at a
  desk), so the path reaches the space behind the chair.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

from ..scene import ObjectInstance, Room, Scene
from .collide import info_of, is_flat

CELL_M = 0.05
ROBOT_RADIUS_M = 0.2
PATH_WIDTH_M = 0.6
NAVIGABLE_RATIO = 0.95
DOOR_CLEAR_HEIGHT_M = 2.0
WINDOW_LOW_SILL_M = 1.2
WINDOW_BAND_DEPTH_M = 0.3
#: the solver keeps objects this far clear of opening zones
ZONE_MARGIN_M = 0.02
#: clearances are only needed up to this (the path radius plus half a cell, with room to spare)
DIST_CAP_M = 0.5


# ---------------------------------------------------------------------------------------------
# opening zones


@dataclass(frozen=True)
class OpeningZone:
    """A rectangle that floor objects must keep clear of: ``center``, half extents ``hx`` (along the
    wall) and ``hy`` (along its normal), the wall direction as ``cos``/``sin``. An object blocks it
    when its footprint enters it, its top is above ``min_top`` and its bottom below ``max_bottom``."""

    opening: str
    kind: str
    side: str
    wall: str
    center: tuple[float, float]
    hx: float
    hy: float
    cos: float
    sin: float
    min_top: float
    max_bottom: float

    @property
    def corners(self) -> np.ndarray:
        c, s = self.cos, self.sin
        local = np.array([[-self.hx, -self.hy], [self.hx, -self.hy], [self.hx, self.hy], [-self.hx, self.hy]])
        rot = np.array([[c, -s], [s, c]])
        return local @ rot.T + np.array(self.center)


def opening_zones(scene: Scene, room: Room | None = None, margin: float = 0.0, outside: bool = True,
                  door_clear_height: float = DOOR_CLEAR_HEIGHT_M, low_sill: float = WINDOW_LOW_SILL_M,
                  band_depth: float = WINDOW_BAND_DEPTH_M) -> list[OpeningZone]:
    """The clearance zones of every opening (of ``room``, or of the whole scene), grown by
    ``margin`` on every side (shrunk when negative; a zone may then have no extent left), in the
    order of ``scene.openings()`` (module docstring). The thresholds default to the module's
    constants; the validator passes its :class:`~worldsmith.metrics.validate.ValidationConfig`'s."""
    out: list[OpeningZone] = []
    for r, op in scene.openings():
        if room is not None and r.id != room.id:
            continue
        wall = scene.wall(op.wall)
        dx, dy = wall.direction
        nx, ny = wall.normal
        mid = wall.point_at(op.offset + op.width / 2.0)
        hx = op.width / 2.0 + margin
        if op.kind == "door":
            depth = op.width
            for side, near, far in (("inside", 0.0, depth),
                                    ("outside", -wall.thickness - depth, -wall.thickness)):
                if side == "outside" and not outside:
                    continue
                ctr = (mid[0] + nx * (near + far) / 2.0, mid[1] + ny * (near + far) / 2.0)
                out.append(OpeningZone(op.id, "door", side, wall.id, ctr, hx, (far - near) / 2.0 + margin,
                                       dx, dy, -math.inf, door_clear_height))
        elif op.sill < low_sill:
            depth = band_depth
            ctr = (mid[0] + nx * depth / 2.0, mid[1] + ny * depth / 2.0)
            out.append(OpeningZone(op.id, "window", "inside", wall.id, ctr, hx, depth / 2.0 + margin, dx, dy,
                                   op.sill, math.inf))
    return out


# ---------------------------------------------------------------------------------------------
# grid


def floor_obstacles(scene: Scene, room: Room) -> list[ObjectInstance]:
    """Floor-supported, non-flat objects standing in ``room``."""
    return [o for o in scene.objects
            if o.support == "floor" and not is_flat(o) and room.contains((o.position[0], o.position[1]))]


@dataclass
class Region:
    """A set of grid cells: a window ``(iy0, iy1, ix0, ix1)`` and a boolean mask over it."""

    window: tuple[int, int, int, int]
    mask: np.ndarray

    @property
    def empty(self) -> bool:
        return not self.mask.any()


class FloorGrid:
    """Occupancy counts over a room's bounding box (one ring of outside cells around it)."""

    def __init__(self, room: Room, cell: float = CELL_M):
        import shapely

        self.room = room
        self.cell = float(cell)
        xs = [p[0] for p in room.polygon]
        ys = [p[1] for p in room.polygon]
        self.x0 = min(xs) - self.cell
        self.y0 = min(ys) - self.cell
        self.nx = int(math.ceil((max(xs) - min(xs)) / self.cell)) + 2
        self.ny = int(math.ceil((max(ys) - min(ys)) / self.cell)) + 2
        cx = self.x0 + (np.arange(self.nx) + 0.5) * self.cell
        cy = self.y0 + (np.arange(self.ny) + 0.5) * self.cell
        self.cx, self.cy = cx, cy
        gx, gy = np.meshgrid(cx, cy)
        poly = shapely.Polygon(room.polygon)
        self.inside = shapely.contains_xy(poly, gx, gy)
        self.counts = np.zeros((self.ny, self.nx), dtype=np.int16)

    def rect(self, center: Sequence[float], hx: float, hy: float, yaw_deg: float, grow: float = 0.0) -> Region:
        """Cells whose centre lies within the rectangle (local half extents ``hx`` along X, ``hy``
        along Y, turned by ``yaw_deg``) grown by half a cell's projected extent plus ``grow``."""
        t = math.radians(yaw_deg)
        c, s = math.cos(t), math.sin(t)
        e = self.cell / 2.0 * (abs(c) + abs(s)) + grow
        ex = abs(c) * hx + abs(s) * hy + e
        ey = abs(s) * hx + abs(c) * hy + e
        ix0 = max(0, int(math.floor((center[0] - ex - self.x0) / self.cell)))
        ix1 = min(self.nx, int(math.ceil((center[0] + ex - self.x0) / self.cell)) + 1)
        iy0 = max(0, int(math.floor((center[1] - ey - self.y0) / self.cell)))
        iy1 = min(self.ny, int(math.ceil((center[1] + ey - self.y0) / self.cell)) + 1)
        if ix0 >= ix1 or iy0 >= iy1:
            return Region((0, 0, 0, 0), np.zeros((0, 0), dtype=bool))
        dx = self.cx[ix0:ix1][None, :] - center[0]
        dy = self.cy[iy0:iy1][:, None] - center[1]
        lx = c * dx + s * dy
        ly = -s * dx + c * dy
        mask = (np.abs(lx) <= hx + e) & (np.abs(ly) <= hy + e)
        return Region((iy0, iy1, ix0, ix1), mask)

    def footprint(self, position: Sequence[float], size: Sequence[float], yaw_deg: float) -> Region:
        return self.rect(position, size[0] / 2.0, size[1] / 2.0, yaw_deg)

    def stamp(self, region: Region, sign: int = 1) -> None:
        iy0, iy1, ix0, ix1 = region.window
        if region.mask.size:
            self.counts[iy0:iy1, ix0:ix1] += np.int16(sign) * region.mask

    def free(self, extra: Iterable[Region] = ()) -> np.ndarray:
        """Inside and unoccupied cells (with ``extra`` regions occupied as well)."""
        occ = self.counts > 0
        extra = list(extra)
        if extra:
            occ = occ.copy()
            for r in extra:
                iy0, iy1, ix0, ix1 = r.window
                if r.mask.size:
                    occ[iy0:iy1, ix0:ix1] |= r.mask
        return self.inside & ~occ

    def clearance(self, free: np.ndarray, cap: float | None = None) -> np.ndarray:
        """Distance (m) from each free cell's centre to the nearest blocked cell's centre (at most
        ``cap``; the thresholds only need distances up to :data:`DIST_CAP_M`)."""
        from scipy.ndimage import distance_transform_edt

        if free.all():
            dist = np.full(free.shape, np.inf)
        else:
            dist = distance_transform_edt(free) * self.cell
        return dist if cap is None else np.minimum(dist, cap)

    def robot_space(self, dist: np.ndarray, radius: float) -> np.ndarray:
        """The cells where the centre of a round robot of ``radius`` fits, from :meth:`clearance`:
        at least ``radius + cell / 2`` from every blocked cell's centre (module doc)."""
        return dist >= radius + self.cell / 2.0 - 1e-9

    def update_clearance(self, free: np.ndarray, dist: np.ndarray, regions: Sequence[Region],
                         cap: float) -> np.ndarray:
        """:meth:`clearance` (capped at ``cap``) after ``regions`` were occupied, from ``dist`` (the
        capped clearance before): recomputed only within ``cap`` of them, which is exact (a cell
        farther than ``cap`` from every new obstacle keeps its capped distance)."""
        from scipy.ndimage import distance_transform_edt

        wins = [r.window for r in regions if r.mask.size]
        if not wins:
            return dist
        m = int(math.ceil(cap / self.cell)) + 2
        iy0 = max(0, min(w[0] for w in wins) - m)
        iy1 = min(self.ny, max(w[1] for w in wins) + m)
        ix0 = max(0, min(w[2] for w in wins) - m)
        ix1 = min(self.nx, max(w[3] for w in wins) + m)
        oy0, oy1, ox0, ox1 = max(0, iy0 - m), min(self.ny, iy1 + m), max(0, ix0 - m), min(self.nx, ix1 + m)
        sub = free[oy0:oy1, ox0:ox1]
        if sub.all():
            local = np.full(sub.shape, cap)
        else:
            local = np.minimum(distance_transform_edt(sub) * self.cell, cap)
        out = dist.copy()
        out[iy0:iy1, ix0:ix1] = local[iy0 - oy0:iy1 - oy0, ix0 - ox0:ix1 - ox0]
        return out

    def access_region(self, obj: ObjectInstance, position=None, yaw_deg=None, seat: float = 0.0) -> Region:
        return self.rect(*access_rect(obj, position, yaw_deg, seat))

    def zone_region(self, zone: OpeningZone) -> Region:
        yaw = math.degrees(math.atan2(zone.sin, zone.cos))
        return self.rect(zone.center, zone.hx, zone.hy, yaw, grow=-self.cell)


SEAT_KINDS = ("in_front_of", "around")


def seat_depth(objects: Iterable[ObjectInstance], target_id: str) -> float:
    """The depth of the deepest seat of ``target_id`` among ``objects``: an object placed
    ``in_front_of`` or ``around`` it (a chair at a desk or a table)."""
    out = 0.0
    for o in objects:
        if o.id == target_id:
            continue
        for c in o.placement:
            if c.get("kind") in SEAT_KINDS and c.get("target") == target_id:
                out = max(out, float(o.size[1]))
    return out


def access_rect(obj: ObjectInstance, position=None, yaw_deg=None,
                seat: float = 0.0) -> tuple[tuple[float, float], float, float, float]:
    """The access region of ``obj`` (module docstring) as (centre, half width, half depth, yaw);
    ``seat``: the depth of its deepest seat (:func:`seat_depth`), added to the region's depth: a
    chair at a desk stands in its access region, so the path must reach the space behind it."""
    info = info_of(obj)
    fc = info.front_clearance_m if info is not None else 0.0
    pos = obj.position if position is None else position
    yaw = obj.yaw_deg if yaw_deg is None else yaw_deg
    depth = max(fc + PATH_WIDTH_M / 2.0, PATH_WIDTH_M) + max(0.0, float(seat))
    half_w = max(obj.size[0] / 2.0, PATH_WIDTH_M / 2.0) + PATH_WIDTH_M / 2.0
    t = math.radians(yaw)
    fx, fy = -math.sin(t), math.cos(t)
    off = obj.size[1] / 2.0 + depth / 2.0
    return (pos[0] + fx * off, pos[1] + fy * off), half_w, depth / 2.0, yaw


def needs_access(obj: ObjectInstance) -> bool:
    info = info_of(obj)
    return bool(info is not None and info.needs_access)


# ---------------------------------------------------------------------------------------------
# analysis


@dataclass
class SpaceState:
    """What the grid says about a room: robot-space areas (in cells) and reachability."""

    nav_total: int
    nav_largest: int
    doors_ok: frozenset[str]
    fronts_ok: frozenset[str]
    path_labels: np.ndarray = field(repr=False)
    main: int = 0
    #: distance (m) from each cell's centre to the nearest blocked cell's centre, capped
    dist: np.ndarray | None = field(default=None, repr=False)

    @property
    def ratio(self) -> float:
        return 1.0 if self.nav_total == 0 else self.nav_largest / self.nav_total

    @property
    def pocket_cells(self) -> int:
        return self.nav_total - self.nav_largest


def _largest(labels: np.ndarray, n: int) -> tuple[int, int]:
    if n == 0:
        return 0, 0
    sizes = np.bincount(labels.ravel(), minlength=n + 1)
    sizes[0] = 0
    k = int(np.argmax(sizes))
    return k, int(sizes[k])


def _labels_in(labels: np.ndarray, region: Region) -> np.ndarray:
    iy0, iy1, ix0, ix1 = region.window
    if not region.mask.size:
        return np.zeros(0, dtype=labels.dtype)
    vals = labels[iy0:iy1, ix0:ix1][region.mask]
    return vals[vals > 0]


def analyze(grid: FloorGrid, free: np.ndarray, doors: dict[str, Region], fronts: dict[str, Region],
            robot_radius: float = ROBOT_RADIUS_M, dist: np.ndarray | None = None) -> SpaceState:
    """Robot-space areas and which doors / access regions the main walkable component reaches.
    ``dist``: the capped clearance of ``free`` when already known (:meth:`FloorGrid.update_clearance`)."""
    from scipy.ndimage import label

    if dist is None:
        dist = grid.clearance(free, max(DIST_CAP_M, robot_radius + grid.cell))
    nav = grid.robot_space(dist, robot_radius)
    nav_labels, n_nav = label(nav)
    _, largest = _largest(nav_labels, n_nav)
    total = int(nav.sum())
    path = grid.robot_space(dist, PATH_WIDTH_M / 2.0)
    path_labels, n_path = label(path)
    main = 0
    if n_path:
        sizes = np.bincount(path_labels.ravel(), minlength=n_path + 1)
        sizes[0] = 0
        main = int(np.argmax(sizes))
    doors_ok = frozenset(d for d, r in doors.items() if main and np.any(_labels_in(path_labels, r) == main))
    fronts_ok = frozenset(f for f, r in fronts.items() if main and np.any(_labels_in(path_labels, r) == main))
    return SpaceState(total, largest, doors_ok, fronts_ok, path_labels, main, dist)


def room_grid(scene: Scene, room: Room, cell: float = CELL_M, exclude: Iterable[str] = ()) -> FloorGrid:
    """The occupancy grid of ``room`` with its floor obstacles stamped (but those in ``exclude``)."""
    skip = set(exclude)
    grid = FloorGrid(room, cell)
    for o in floor_obstacles(scene, room):
        if o.id not in skip:
            grid.stamp(grid.footprint(o.position, o.size, o.yaw_deg))
    return grid


def door_regions(scene: Scene, room: Room, grid: FloorGrid) -> dict[str, Region]:
    return {z.opening: grid.zone_region(z) for z in opening_zones(scene, room, outside=False) if z.kind == "door"}


def front_regions(scene: Scene, room: Room, grid: FloorGrid, exclude: Iterable[str] = ()) -> dict[str, Region]:
    skip = set(exclude)
    return {o.id: grid.access_region(o, seat=seat_depth(scene.objects, o.id))
            for o in floor_obstacles(scene, room) if needs_access(o) and o.id not in skip}


def navigability(scene: Scene, room_id: str, robot_radius: float = ROBOT_RADIUS_M,
                 cell: float = CELL_M) -> tuple[float, float]:
    """``(largest_component_area, free_area)`` in m^2 of the robot space of ``room_id`` (module
    docstring): the room is navigable when the first is at least 95 % of the second."""
    room = scene.room(room_id)
    grid = room_grid(scene, room, cell)
    state = analyze(grid, grid.free(), {}, {}, robot_radius)
    a = grid.cell ** 2
    return state.nav_largest * a, state.nav_total * a


def space_report(scene: Scene, room: Room, robot_radius: float = ROBOT_RADIUS_M, cell: float = CELL_M) -> dict:
    """Navigability and reachability of one room (see :mod:`worldsmith.metrics.navigability`)."""
    grid = room_grid(scene, room, cell)
    doors = door_regions(scene, room, grid)
    fronts = front_regions(scene, room, grid)
    state = analyze(grid, grid.free(), doors, fronts, robot_radius)
    a = grid.cell ** 2
    return {
        "room": room.id,
        "free_area_m2": round(state.nav_total * a, 4),
        "largest_area_m2": round(state.nav_largest * a, 4),
        "ratio": round(state.ratio, 4),
        "navigable": state.ratio >= NAVIGABLE_RATIO - 1e-9,
        "unreachable_doors": sorted(set(doors) - state.doors_ok),
        "unreachable_fronts": sorted(set(fronts) - state.fronts_ok),
    }
