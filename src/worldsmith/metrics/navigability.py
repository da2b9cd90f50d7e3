"""Navigability of a scene: free floor, isolated pockets, reachable doors and access fronts.

Two families of measures live here. Both build on the grid, opening-zone and access-region
definitions of :mod:`worldsmith.layout.freespace`, so the solver and the metrics judge a room with
the same pieces.

**1. The solver's report** ``navigability_report(scene) -> {room_id: {...}}`` (used after every
policy step by :mod:`worldsmith.pipeline.episode`), per room, with the layout solver's own
definitions (:func:`worldsmith.layout.freespace.space_report`: objects as their size rectangles,
floor objects only, 5 cm cells):

* ``free_area_m2``: the area of the robot space (where the centre of a round robot of radius
  0.2 m fits: inside the room, at least 0.2 m from every non-flat floor object's footprint and
  from the walls), on a 5 cm grid;
* ``largest_area_m2``: its largest connected part (through cell edges); ``ratio`` the share of the
  free area it holds (1.0 for a room with no free area); ``navigable``: ``ratio >= 0.95``;
* ``unreachable_doors``: doors whose inside clearance zone holds no cell of the main walkable
  component (the robot space for a 0.6 m wide path, i.e. radius 0.3 m; its largest component);
* ``unreachable_fronts``: objects that need access (catalog ``needs_access``) whose access region
  (the rectangle in front of them, ``front_clearance_m + 0.3`` m deep, 0.3 m wider on each side,
  deeper by the depth of a chair placed at it) holds no such cell.

**2. The evaluation metrics** (the issue's definitions; finer and judged on the real meshes):
``evaluate_navigability(scene)`` and ``accessibility(scene)``, parameters ``cell`` [0.025 m],
``robot_radius`` [0.2 m] and ``max_height`` [2.0 m]. Per room:

* **Grid.** The room's bounding box (plus one ring of outside cells) in square cells of ``cell``
  (:class:`~worldsmith.layout.freespace.FloorGrid`); a cell is *inside* when its centre lies in the
  room's floor polygon. The walls bound the room: outside cells are blocked.
* **Stamping.** Every object, whatever its support (floor, wall, ceiling, another object), except
  flat floor coverings (catalog ``flat``: rugs, yoga mats, which a robot drives over), is stamped
  by its real mesh (:func:`worldsmith.assets.build_object_parts`, placed by
  :func:`worldsmith.assets.object_transform`): each mesh part whose lowest point is below
  ``max_height`` stamps the cells whose square overlaps the convex hull of the part's XY
  projection with positive area (a cell that only touches the hull along an edge or at a corner is
  not stamped). Computed exactly as the cells whose centre lies in the interior of the hull's
  Minkowski sum with the cell square (shrunk by 1 nm, so float noise in cell centres cannot turn
  touching into overlapping). So a wall shelf at 1.5 m counts (a robot arm or a person
  would hit it), a ceiling light at 2.7 m does not, a pendant whose lowest point is 2.2 m up does
  not; an L-shaped object is the union of its parts' hulls, not one hull.
* **Free** cells: inside and not stamped. **Robot space**: free cells whose centre is at least
  ``robot_radius + cell / 2`` from the centre of every blocked (stamped or outside) cell (the
  Euclidean distance transform), i.e. where the centre of a round robot of radius
  ``robot_radius`` fits at least ``robot_radius`` from every obstacle and wall (the freespace
  module's definition, at this grid). Components connect through the four edge neighbours
  (**4-connectivity**), so two regions joined only diagonally, corner to corner, are apart.
* ``free_area_m2``: the robot space's area; ``largest_area_m2``: its largest component's (the
  **walkable component**); ``ratio = largest / free`` (1.0 when the room has no robot space).
* **Doors.** A door is *reachable* when the walkable component holds a cell of the door's
  **threshold strip**: the robot-centre positions from which a robot drives straight through the
  doorway: along the wall, the door's span shrunk by ``robot_radius`` at each jamb (a door
  narrower than the robot, ``width < 2 * robot_radius``, is never reachable); across it, from
  ``robot_radius`` to ``robot_radius + 2 * cell`` in front of the wall's inner face (the first
  rows of robot space there), taken as the cells whose centre lies in that rectangle grown by half
  a cell's projected extent (:meth:`~worldsmith.layout.freespace.FloorGrid.rect`). The strip is
  placed from the door's inside clearance zone
  (:func:`~worldsmith.layout.freespace.opening_zones`). The zone itself (as wide and as deep as
  the door) is not the test: a 0.4 m stool standing against a 0.9 m door leaves robot space in
  the far part of the zone, yet no robot gets through that door; the strip sees that, and a stool
  0.5 m out from the door (a 0.4 m robot passes between it and the door) does not block it.
* ``doors`` and ``doors_reachable`` count the room's doors; ``door_share = doors_reachable /
  doors`` (1.0 with no doors); ``unreachable_doors`` lists the others (sorted).

Over the scene: ``ratio = sum(largest) / sum(free)`` over rooms (1.0 when no room has robot
space), ``free_area_m2`` and ``largest_area_m2`` the sums, ``doors`` and ``doors_reachable`` the
sums and ``door_share`` their ratio (1.0 with no doors), and ``rooms`` the per-room values.

**Accessibility** (``accessibility(scene)``, same grid): every object that needs access (catalog
``needs_access``: beds, desks, wardrobes, bookshelves, ...) is *checked*. It is *accessible* when
its access region (:func:`~worldsmith.layout.freespace.access_rect`: the rectangle in front of
it, ``front_clearance_m + 0.3`` m deep (at least 0.6 m) plus the depth of a chair placed at it,
0.3 m wider than the object on each side) holds a cell of the walkable component of the room that
contains the object's position (an object in no room is not accessible). ``share = accessible /
checked`` (1.0 when nothing is checked); ``blocked`` lists the inaccessible ids (sorted).

Both functions share one rasterization: an internal function computes the grids, labels and door
reachability once per (scene, cell, robot_radius, max_height) and keeps the last few results, so
calling both on one scene rasterizes it once. Areas are rounded to 4 decimals (m^2) and ratios to
4 decimals, so the same scene gives the same numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from ..layout.freespace import (
    NAVIGABLE_RATIO,
    ROBOT_RADIUS_M,
    FloorGrid,
    Region,
    navigability,
    needs_access,
    opening_zones,
    seat_depth,
    space_report,
)
from ..layout.collide import is_flat
from ..scene import Room, Scene, WorldsmithError

__all__ = [
    "EVAL_CELL_M", "EVAL_MAX_HEIGHT_M", "EVAL_ROBOT_RADIUS_M", "NAVIGABLE_RATIO", "NavigabilityInputError",
    "accessibility", "evaluate_navigability", "navigability", "navigability_report",
]

#: grid cell of the evaluation metrics (m)
EVAL_CELL_M = 0.025
#: radius of the round robot whose centre must fit (m)
EVAL_ROBOT_RADIUS_M = 0.2
#: mesh parts whose lowest point is at or above this height (m) are not obstacles
EVAL_MAX_HEIGHT_M = 2.0
#: a hull closer than this to a cell's edge only touches the cell (float noise in cell centres)
TOUCH_EPS_M = 1e-9
#: the door threshold strip's depth, in cells (module docstring)
STRIP_CELLS = 2


class NavigabilityInputError(WorldsmithError, ValueError):
    """A navigability parameter is out of range (a non-positive cell or height, a negative radius)."""


def navigability_report(scene: Scene, robot_radius: float = ROBOT_RADIUS_M) -> dict[str, dict]:
    """Per room: free and largest connected robot-space areas, their ratio, whether it is
    navigable, and the unreachable doors and access fronts (module docstring, part 1)."""
    return {room.id: space_report(scene, room, robot_radius) for room in scene.rooms}


# ---------------------------------------------------------------------------------------------
# the shared rasterization


@dataclass(frozen=True)
class RoomSpace:
    """One room's evaluation grid: ``grid`` (stamped), ``labels`` (robot-space components,
    4-connected; 0 outside the robot space, read-only), ``main`` (the walkable component's label,
    0 when there is no robot space), cell counts ``free_cells`` (robot space) and ``largest_cells``,
    and ``doors``: door id -> reachable, in the order of the room's openings."""

    room: Room
    grid: FloorGrid
    labels: np.ndarray
    main: int
    free_cells: int
    largest_cells: int
    doors: tuple[tuple[str, bool], ...]

    def touches_main(self, region: Region | None) -> bool:
        """Whether ``region`` holds a cell of the walkable component."""
        return _touches(self.labels, self.main, region)


def _touches(labels: np.ndarray, main: int, region: Region | None) -> bool:
    if not main or region is None or not region.mask.size:
        return False
    iy0, iy1, ix0, ix1 = region.window
    return bool(np.any(labels[iy0:iy1, ix0:ix1][region.mask] == main))


def _check_params(cell: float, robot_radius: float, max_height: float) -> tuple[float, float, float]:
    for name, value, ok in (("cell", cell, lambda v: v > 0), ("robot_radius", robot_radius, lambda v: v >= 0),
                            ("max_height", max_height, lambda v: v > 0)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                or not ok(value):
            want = "> 0" if name != "robot_radius" else ">= 0"
            raise NavigabilityInputError(f"{name} must be a finite number {want} (metres), got {value!r}")
    return float(cell), float(robot_radius), float(max_height)


def _obstacle_hulls(scene: Scene, cell: float, max_height: float) -> list:
    """Per stamping part (module docstring): the convex hull of its XY projection grown by the
    cell square (the Minkowski sum), as a prepared shapely polygon."""
    import shapely

    from ._geometry import ObjectGeometry

    h = cell / 2.0 - TOUCH_EPS_M
    square = np.array([[-h, -h], [h, -h], [h, h], [-h, h]])
    hulls = []
    for obj in scene.objects:
        if is_flat(obj):
            continue
        geom = ObjectGeometry.of(obj)
        if geom.zmin >= max_height:
            continue
        for vertices, _ in geom.parts:
            if not len(vertices) or float(vertices[:, 2].min()) >= max_height:
                continue
            core = shapely.get_coordinates(shapely.convex_hull(shapely.multipoints(vertices[:, :2])))
            grown = shapely.convex_hull(shapely.multipoints((core[:, None, :] + square[None]).reshape(-1, 2)))
            shapely.prepare(grown)
            hulls.append(grown)
    return hulls


def _stamp(grid: FloorGrid, hull) -> None:
    import shapely

    minx, miny, maxx, maxy = hull.bounds
    c = grid.cell
    ix0 = max(0, int(math.floor((minx - grid.x0) / c)))
    ix1 = min(grid.nx, int(math.ceil((maxx - grid.x0) / c)) + 1)
    iy0 = max(0, int(math.floor((miny - grid.y0) / c)))
    iy1 = min(grid.ny, int(math.ceil((maxy - grid.y0) / c)) + 1)
    if ix0 >= ix1 or iy0 >= iy1:
        return
    gx, gy = np.meshgrid(grid.cx[ix0:ix1], grid.cy[iy0:iy1])
    mask = shapely.contains_xy(hull, gx, gy)
    if mask.any():
        grid.stamp(Region((iy0, iy1, ix0, ix1), mask))


def _door_strips(scene: Scene, room: Room, grid: FloorGrid, robot_radius: float) -> dict[str, Region | None]:
    """Each door's threshold strip (module docstring); None for a door narrower than the robot."""
    out: dict[str, Region | None] = {}
    depth = STRIP_CELLS * grid.cell
    for z in opening_zones(scene, room, outside=False):
        if z.kind != "door":
            continue
        half_span = z.hx - robot_radius
        if half_span < -1e-9:
            out[z.opening] = None
            continue
        nx, ny = -z.sin, z.cos  # the wall's inward normal
        face = (z.center[0] - nx * z.hy, z.center[1] - ny * z.hy)  # the door's middle on the inner face
        off = robot_radius + depth / 2.0
        center = (face[0] + nx * off, face[1] + ny * off)
        yaw = math.degrees(math.atan2(z.sin, z.cos))
        out[z.opening] = grid.rect(center, max(half_span, 0.0), depth / 2.0, yaw)
    return out


def _compute_spaces(scene: Scene, cell: float, robot_radius: float, max_height: float) -> tuple[RoomSpace, ...]:
    from scipy.ndimage import label

    hulls = _obstacle_hulls(scene, cell, max_height) if scene.rooms else []
    out = []
    for room in scene.rooms:
        grid = FloorGrid(room, cell)
        for hull in hulls:
            _stamp(grid, hull)
        free = grid.free()
        dist = grid.clearance(free)
        robot = grid.robot_space(dist, robot_radius)
        labels, n = label(robot)  # scipy's default structure: 4-connectivity
        main, largest = 0, 0
        if n:
            sizes = np.bincount(labels.ravel(), minlength=n + 1)
            sizes[0] = 0
            main = int(np.argmax(sizes))
            largest = int(sizes[main])
        labels.flags.writeable = False
        doors = tuple((d, _touches(labels, main, strip))
                      for d, strip in _door_strips(scene, room, grid, robot_radius).items())
        out.append(RoomSpace(room, grid, labels, main, int(robot.sum()), largest, doors))
    return tuple(out)


@lru_cache(maxsize=4)
def _cached_spaces(scene: Scene, cell: float, robot_radius: float, max_height: float) -> tuple[RoomSpace, ...]:
    return _compute_spaces(scene, cell, robot_radius, max_height)


def room_spaces(scene: Scene, cell: float = EVAL_CELL_M, robot_radius: float = EVAL_ROBOT_RADIUS_M,
                max_height: float = EVAL_MAX_HEIGHT_M) -> tuple[RoomSpace, ...]:
    """The evaluation grid of every room, in scene order (module docstring, part 2). The last few
    results are kept (scenes are immutable values), so :func:`evaluate_navigability` and
    :func:`accessibility` on one scene rasterize it once. Treat the result as read-only."""
    cell, robot_radius, max_height = _check_params(cell, robot_radius, max_height)
    try:
        hash(scene)
    except TypeError:  # a scene holding an unhashable value: compute without the cache
        return _compute_spaces(scene, cell, robot_radius, max_height)
    return _cached_spaces(scene, cell, robot_radius, max_height)


# ---------------------------------------------------------------------------------------------
# the metrics


def _summary(free_cells: int, largest_cells: int, doors: int, reachable: int, area: float) -> dict[str, Any]:
    return {
        "ratio": round(largest_cells / free_cells, 4) if free_cells else 1.0,
        "free_area_m2": round(free_cells * area, 4),
        "largest_area_m2": round(largest_cells * area, 4),
        "doors": doors,
        "doors_reachable": reachable,
        "door_share": round(reachable / doors, 4) if doors else 1.0,
    }


def evaluate_navigability(scene: Scene, cell: float = EVAL_CELL_M, robot_radius: float = EVAL_ROBOT_RADIUS_M,
                          max_height: float = EVAL_MAX_HEIGHT_M) -> dict[str, Any]:
    """Walkable-space ratio and door reachability of ``scene`` (module docstring, part 2):
    ``{"ratio", "free_area_m2", "largest_area_m2", "doors", "doors_reachable", "door_share",
    "rooms": {room_id: {the same keys, "unreachable_doors": [...]}}}``."""
    area = float(cell) ** 2
    rooms: dict[str, dict[str, Any]] = {}
    free = largest = doors = reachable = 0
    for sp in room_spaces(scene, cell, robot_radius, max_height):
        ok = sum(1 for _, r in sp.doors if r)
        row = _summary(sp.free_cells, sp.largest_cells, len(sp.doors), ok, area)
        row["unreachable_doors"] = sorted(d for d, r in sp.doors if not r)
        rooms[sp.room.id] = row
        free += sp.free_cells
        largest += sp.largest_cells
        doors += len(sp.doors)
        reachable += ok
    out = _summary(free, largest, doors, reachable, area)
    out["rooms"] = rooms
    return out


def accessibility(scene: Scene, cell: float = EVAL_CELL_M, robot_radius: float = EVAL_ROBOT_RADIUS_M,
                  max_height: float = EVAL_MAX_HEIGHT_M) -> dict[str, Any]:
    """Whether the objects that need access can be reached (module docstring, part 2):
    ``{"checked", "accessible", "share", "blocked": [ids]}``."""
    spaces = {sp.room.id: sp for sp in room_spaces(scene, cell, robot_radius, max_height)}
    checked = 0
    blocked: list[str] = []
    for obj in scene.objects:
        if not needs_access(obj):
            continue
        checked += 1
        room = scene.room_at((obj.position[0], obj.position[1]))
        sp = spaces.get(room.id) if room is not None else None
        if sp is None or not sp.touches_main(sp.grid.access_region(obj, seat=seat_depth(scene.objects, obj.id))):
            blocked.append(obj.id)
    accessible = checked - len(blocked)
    return {"checked": checked, "accessible": accessible,
            "share": round(accessible / checked, 4) if checked else 1.0, "blocked": sorted(blocked)}
