"""Ceiling objects (lamps, pendants, chandeliers, fans, projectors) and where ceiling lights go.

:func:`solve_ceiling` hangs an object with its top exactly at the room's height (``support =
"ceiling"``). Hard rules: its footprint inside the room polygon, ``WALL_MARGIN_M`` from the walls
when it is to be spread, and its box (footprint x [height - drop, height]) at least ``OBJECT_GAP_M``
from every other object's mesh part boxes (a chandelier never hangs into a wardrobe, a fan never
touches another fan). Every other object in ``scene`` is an obstacle.

Where, in order:

* ``At(x, y)``: exactly there; :class:`~worldsmith.layout.errors.Unplaceable` when the point is
  outside every room, the footprint leaves the room or the object would hit something.
* ``CenterAlignedWith(t)`` / ``Near(t)``: above ``t``'s centre (a pendant over the dining table, a
  lamp over the bed), else the nearest free point.
* otherwise spread: among the points of a grid over the room polygon (L and U shapes included)
  where it fits, the one maximising ``min(2 x distance to the walls, distance to the other ceiling
  objects of the room)``, i.e. a farthest-point choice where a wall counts like a neighbour at twice
  the distance (evenly lit rooms have lamps about half their spacing from the walls). Among points
  within half a grid step of the best and connected to it, the one nearest their mean (a single
  lamp hangs in the middle of a rectangle).

Nothing here is random: ``rng`` is accepted for the solver's interface and not drawn from.

``Yaw(deg)`` turns it; by default its local X runs along the room's longest wall. Lights
(:class:`~worldsmith.scene.Light`) are not objects and are not avoided: the planner uses
:func:`ceiling_light_positions` and :func:`lights_for_room` for its ``light()`` calls (and may hang
fixtures at the same points with ``At``).
"""

from __future__ import annotations

import dataclasses
import logging
import math
from typing import Sequence

import numpy as np
import shapely
from shapely.geometry import Polygon

from ..scene import ObjectInstance, Room, Scene
from ..scene.geometry import yaw_facing
from .collide import is_flat
from .constraints import At, CenterAlignedWith, Near, Yaw, to_dict
from .errors import Unplaceable
from .resolve import dependents, normalize_yaw
from .wall import part_corners

log = logging.getLogger(__name__)

#: a spread ceiling object's footprint stays this far from the walls
WALL_MARGIN_M = 0.05
#: free gap between a ceiling object's box and other objects' part boxes
OBJECT_GAP_M = 0.05
#: ceiling lights (``ceiling_light_positions``) stay at least this far from every wall
LIGHT_WALL_CLEARANCE_M = 0.4
#: floor area per ceiling fixture (``lights_for_room``), and the largest spacing along a room
M2_PER_LIGHT = 10.0
MAX_LIGHT_SPACING_M = 4.0
MAX_LIGHTS = 64
#: about this many grid points cover a room when searching for a spot
GRID_POINTS = 900


def room_yaw(room: Room) -> float:
    """The yaw (in [0, 90)) that lines an object's local X up with the room's longest wall."""
    walls = room.walls()
    longest = max(walls, key=lambda w: (round(w.length, 6), -w.index))
    return normalize_yaw(yaw_facing(longest.normal) % 90.0)


def _grid(poly: Polygon, spacing: float) -> np.ndarray:
    """Points of a square lattice (offset half a step from the bounds) inside ``poly``: (N, 2)."""
    minx, miny, maxx, maxy = poly.bounds
    xs = np.arange(minx + spacing / 2.0, maxx, spacing)
    ys = np.arange(miny + spacing / 2.0, maxy, spacing)
    gx, gy = np.meshgrid(xs, ys)
    gx, gy = gx.ravel(), gy.ravel()
    inside = shapely.contains_xy(poly, gx, gy)
    return np.stack([gx[inside], gy[inside]], axis=1)


def _spacing(area: float, points: int) -> float:
    return float(min(max(math.sqrt(area / points), 0.05), 0.5))


def _rects(points: np.ndarray, w: float, d: float, yaw_deg: float) -> np.ndarray:
    """Footprint rectangles (N, 4, 2) of a w x d object turned by ``yaw_deg`` centred at ``points``."""
    t = math.radians(yaw_deg)
    c, s = math.cos(t), math.sin(t)
    local = np.array([[-w / 2, -d / 2], [w / 2, -d / 2], [w / 2, d / 2], [-w / 2, d / 2]])
    world = local @ np.array([[c, -s], [s, c]]).T
    return points[:, None, :] + world[None, :, :]


def _obstacle_boxes(scene: Scene, obj: ObjectInstance, yaw_deg: float, zmin: float) -> np.ndarray:
    """Part boxes of every other non-flat object reaching above ``zmin``, in the frame turned by
    ``yaw_deg`` (u along the object's local X, v along its local Y): (K, 4) = u0, u1, v0, v1."""
    skip = {obj.id} | dependents(scene, obj.id)
    t = math.radians(yaw_deg)
    c, s = math.cos(t), math.sin(t)
    out = []
    for o in scene.objects:
        if o.id in skip or is_flat(o):
            continue
        corners = part_corners(o)
        z = corners[..., 2]
        keep = z.max(axis=1) > zmin - OBJECT_GAP_M
        if not np.any(keep):
            continue
        xy = corners[keep, :, :2]
        u = xy[..., 0] * c + xy[..., 1] * s
        v = -xy[..., 0] * s + xy[..., 1] * c
        out.append(np.stack([u.min(1), u.max(1), v.min(1), v.max(1)], axis=1))
    return np.concatenate(out, axis=0) if out else np.zeros((0, 4))


def _fits(points: np.ndarray, poly: Polygon, obj: ObjectInstance, yaw_deg: float, boxes: np.ndarray,
          wall_margin: float) -> np.ndarray:
    """Which centres keep the footprint inside the room (``wall_margin`` in) and clear of ``boxes``."""
    if len(points) == 0:
        return np.zeros(0, dtype=bool)
    w, d, _ = obj.size
    inner = poly.buffer(-wall_margin, join_style="mitre") if wall_margin > 0 else poly.buffer(1e-6, join_style="mitre")
    rects = shapely.polygons(_rects(points, w, d, yaw_deg))
    ok = shapely.covers(inner, rects)
    if len(boxes):
        t = math.radians(yaw_deg)
        c, s = math.cos(t), math.sin(t)
        u = points[:, 0] * c + points[:, 1] * s
        v = -points[:, 0] * s + points[:, 1] * c
        g = OBJECT_GAP_M
        hit = ((u[:, None] - w / 2 - g < boxes[None, :, 1]) & (u[:, None] + w / 2 + g > boxes[None, :, 0])
               & (v[:, None] - d / 2 - g < boxes[None, :, 3]) & (v[:, None] + d / 2 + g > boxes[None, :, 2]))
        ok &= ~hit.any(axis=1)
    return ok


def _request_room(scene: Scene, obj: ObjectInstance, at, target: str | None) -> Room:
    if at is not None:
        room = scene.room_at(at)
        if room is None:
            raise Unplaceable(f"{obj.id}: ({at[0]:.2f}, {at[1]:.2f}) is outside every room",
                              "hang it at a point inside the room polygon", constraint="inside the room")
        return room
    if target is not None:
        t = scene.object_map[target]
        room = scene.room_at(t.position[:2])
        if room is not None:
            return room
    room = scene.room_at(obj.position[:2])
    return room if room is not None else scene.rooms[0]


def solve_ceiling(scene: Scene, obj: ObjectInstance, constraints: Sequence, rng: np.random.Generator) -> ObjectInstance:
    """``obj`` hung from the ceiling: top at the room height, inside the room, clear of every other
    object, at ``At``, above a ``CenterAlignedWith``/``Near`` target, or spread (module docstring).
    Raises :class:`Unplaceable` naming what failed."""
    if not scene.rooms:
        raise Unplaceable(f"{obj.id} needs a ceiling but the scene has no room", "start with room(...)",
                          constraint="room")
    at = next(((float(c.x), float(c.y)) for c in constraints if isinstance(c, At)), None)
    yaw_c = next((c for c in constraints if isinstance(c, Yaw)), None)
    target = next((c.target for c in constraints if isinstance(c, (CenterAlignedWith, Near))), None)
    if target is not None and target not in scene.object_map:
        raise Unplaceable(f"{obj.id}: there is no object {target!r} to hang it above",
                          "refer to an object the scene has", constraint=f"center_aligned_with({target})")
    room = _request_room(scene, obj, at, target)
    w, d, h = obj.size
    if h >= room.height:
        raise Unplaceable(f"{obj.id} drops {h:.2f} m, as much as the {room.height:.2f} m room is high",
                          "resize it", constraint="height")
    z = room.height - h
    yaw = normalize_yaw(yaw_c.deg) if yaw_c is not None else room_yaw(room)
    poly = Polygon(room.polygon)
    boxes = _obstacle_boxes(scene, obj, yaw, z)
    if at is not None:
        point = np.array([at])
        if not _fits(point, poly, obj, yaw, np.zeros((0, 4)), 0.0)[0]:
            raise Unplaceable(f"{obj.id} ({w:.2f} x {d:.2f} m) at ({at[0]:.2f}, {at[1]:.2f}) would stick out of "
                              f"{room.id}", "move it further from the walls or drop at=", constraint="inside the room")
        if not _fits(point, poly, obj, yaw, boxes, 0.0)[0]:
            raise Unplaceable(f"{obj.id} at ({at[0]:.2f}, {at[1]:.2f}) would hit an object below it "
                              f"(its bottom at {z:.2f} m)", "choose another point or drop at=", constraint="no overlap")
        xy = at
    else:
        xy = _choose(scene, room, poly, obj, yaw, boxes, target, rng)
    placed = dataclasses.replace(obj, position=(round(float(xy[0]), 6), round(float(xy[1]), 6), round(z, 6)),
                                 yaw_deg=yaw, support="ceiling", placement=tuple(to_dict(c) for c in constraints))
    log.debug("%s hung at (%.3f, %.3f) in %s", obj.id, xy[0], xy[1], room.id)
    return placed


def _choose(scene: Scene, room: Room, poly: Polygon, obj: ObjectInstance, yaw: float, boxes: np.ndarray,
            target: str | None, rng: np.random.Generator) -> tuple[float, float]:
    spacing = _spacing(room.area, GRID_POINTS)
    grid = _grid(poly, spacing)
    if target is not None:
        centre = np.array([scene.object_map[target].position[:2]], dtype=float)
        if _fits(centre, poly, obj, yaw, boxes, 0.0)[0]:
            return float(centre[0, 0]), float(centre[0, 1])
        ok = _fits(grid, poly, obj, yaw, boxes, 0.0)
        if not ok.any():
            raise _no_space(obj, room, boxes)
        pts = grid[ok]
        dist = np.hypot(pts[:, 0] - centre[0, 0], pts[:, 1] - centre[0, 1])
        i = int(np.argmin(dist))
        return float(pts[i, 0]), float(pts[i, 1])
    ok = _fits(grid, poly, obj, yaw, boxes, WALL_MARGIN_M)
    if not ok.any():
        ok = _fits(grid, poly, obj, yaw, boxes, 0.0)
    if not ok.any():
        raise _no_space(obj, room, boxes)
    pts = grid[ok]
    d_wall = shapely.distance(poly.exterior, shapely.points(pts))
    others = [o.position[:2] for o in scene.objects
              if o.support == "ceiling" and o.id != obj.id and room.contains(o.position[:2])]
    score = 2.0 * d_wall
    if others:
        op = np.array(others, dtype=float)
        d_other = np.hypot(pts[:, None, 0] - op[None, :, 0], pts[:, None, 1] - op[None, :, 1]).min(axis=1)
        score = np.minimum(score, d_other)
    top = int(np.argmax(score))
    near_best = np.flatnonzero(score >= float(score[top]) - spacing / 2.0)
    # ties (a ridge of equally good points, as along the middle of a rectangle): the point nearest the
    # mean of the best point's connected patch of near-best grid points, so a lamp hangs in the middle
    patch = _patch(pts[near_best], int(np.searchsorted(near_best, top)), spacing)
    mean = patch.mean(axis=0)
    i = int(np.argmin(np.hypot(patch[:, 0] - mean[0], patch[:, 1] - mean[1])))
    return float(patch[i, 0]), float(patch[i, 1])


def _patch(points: np.ndarray, seed: int, spacing: float) -> np.ndarray:
    """The grid points connected to ``points[seed]`` through neighbours (diagonals included)."""
    reach = spacing * 1.5
    seen = {seed}
    frontier = [seed]
    while frontier:
        k = frontier.pop()
        near = np.flatnonzero(np.hypot(points[:, 0] - points[k, 0], points[:, 1] - points[k, 1]) <= reach)
        for j in near.tolist():
            if j not in seen:
                seen.add(j)
                frontier.append(j)
    return points[sorted(seen)]


def _no_space(obj: ObjectInstance, room: Room, boxes: np.ndarray) -> Unplaceable:
    why = "tall objects below" if len(boxes) else "the room's outline"
    return Unplaceable(f"{obj.id} ({obj.size[0]:.2f} x {obj.size[1]:.2f} m, {obj.size[2]:.2f} m drop) fits nowhere "
                       f"under the ceiling of {room.id} ({why})", "use a smaller fixture or a shorter drop",
                       constraint=f"ceiling space in {room.id}: {why}")


# ---------------------------------------------------------------------------------------------
# ceiling lights


def lights_for_room(room: Room) -> int:
    """How many ceiling fixtures light ``room`` evenly: one per ``M2_PER_LIGHT`` m2 of floor (rounded,
    at least 1), and enough that none of the room's extent along its longest wall goes more than
    ``MAX_LIGHT_SPACING_M`` without one (long corridors); at most ``MAX_LIGHTS``."""
    by_area = int(round(room.area / M2_PER_LIGHT))
    yaw = math.radians(room_yaw(room))
    c, s = math.cos(yaw), math.sin(yaw)
    pts = np.array(room.polygon, dtype=float)
    u = pts[:, 0] * c + pts[:, 1] * s
    v = -pts[:, 0] * s + pts[:, 1] * c
    extent = max(float(u.max() - u.min()), float(v.max() - v.min()))
    by_length = math.ceil(extent / MAX_LIGHT_SPACING_M - 1e-9)
    return int(min(max(1, by_area, by_length), MAX_LIGHTS))


def ceiling_light_positions(room: Room, n: int) -> list[tuple[float, float]]:
    """``n`` points spreading light evenly over ``room``: inside its polygon, at least
    ``LIGHT_WALL_CLEARANCE_M`` from every wall (in a room narrower than twice that: as far as it
    allows), deterministic (no randomness), sorted by (y, x), rounded to the millimetre.

    Method: Lloyd's k-means over a grid of ~1500 points covering the floor (so each light serves an
    equal share of the floor: a centroidal Voronoi partition, L and U shapes included), seeded by a
    farthest-point pass and with every centre kept on an allowed grid point (inside, clear of the
    walls, distinct). Raises ValueError for n < 0 or more lights than the room has room for."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    if n == 0:
        return []
    poly = Polygon(room.polygon)
    spacing = _spacing(room.area, 1500)
    grid = _grid(poly, spacing)
    if len(grid) == 0:  # a sliver: its representative point
        rp = poly.representative_point()
        grid = np.array([[rp.x, rp.y]])
    d_wall = shapely.distance(poly.exterior, shapely.points(grid))
    allowed = np.flatnonzero(d_wall >= LIGHT_WALL_CLEARANCE_M - 1e-9)
    if len(allowed) == 0:
        allowed = np.flatnonzero(d_wall >= d_wall.max() - spacing / 2.0)
    if n > len(allowed):
        raise ValueError(f"{room.id} has room for at most {len(allowed)} ceiling lights "
                         f"{LIGHT_WALL_CLEARANCE_M} m from its walls, asked for {n}")
    cand = grid[allowed]
    # farthest-point seeding: the point deepest inside, then each farthest from those chosen
    chosen = [int(np.argmax(d_wall[allowed]))]
    dmin = np.hypot(*(cand - cand[chosen[0]]).T)
    while len(chosen) < n:
        i = int(np.argmax(np.minimum(dmin, 2.0 * d_wall[allowed])))
        if i in chosen:  # every candidate is taken or at distance 0
            i = int(next(k for k in range(len(cand)) if k not in chosen))
        chosen.append(i)
        dmin = np.minimum(dmin, np.hypot(*(cand - cand[i]).T))
    centres = cand[chosen].copy()
    for _ in range(40):
        dist = np.hypot(grid[:, None, 0] - centres[None, :, 0], grid[:, None, 1] - centres[None, :, 1])
        label = np.argmin(dist, axis=1)
        new_idx: list[int] = []
        for k in range(n):
            members = grid[label == k]
            mean = members.mean(axis=0) if len(members) else centres[k]
            order = np.argsort(np.hypot(cand[:, 0] - mean[0], cand[:, 1] - mean[1]), kind="stable")
            j = next(int(j) for j in order if int(j) not in new_idx)
            new_idx.append(j)
        new = cand[new_idx]
        if np.allclose(new, centres):
            break
        centres = new
    out = sorted((round(float(x), 3), round(float(y), 3)) for x, y in centres)
    return sorted(out, key=lambda p: (p[1], p[0]))


__all__ = ["ceiling_light_positions", "lights_for_room", "room_yaw", "solve_ceiling"]
