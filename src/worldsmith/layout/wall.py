"""Wall-mounted objects: where a painting, mirror, TV, shelf, whiteboard, clock or wall cabinet hangs.

:func:`solve_wall` is called by the solver's dispatcher for objects whose catalog support is
``wall`` (whatever it is given, it hangs it on a wall). It returns the object flush on a wall's
inner face, facing into the room (``support = "wall:<id>"``, yaw = the wall's inward normal, the
pose of :func:`worldsmith.layout.resolve._against_pose`), or raises
:class:`~worldsmith.layout.errors.Unplaceable` naming the wall space that was missing.

Hard rules (never broken; every other object in ``scene`` is an obstacle, so the caller passes the
scene with the objects already placed, not ones still waiting at their default pose):

* **On the wall**: the whole width within the wall's length, ``END_MARGIN_M`` from its ends when
  the wall is long enough, the footprint inside the room polygon (acute corners, L and U shapes).
* **Height**: the bottom at ``Height(m)`` / ``OnWall(height=)`` when given (refused when the top
  would pass the ceiling), else the catalog's ``mount_height_m`` kept ``CEILING_GAP_M`` under the
  ceiling; with no explicit height the object may be raised (at most ``MAX_RAISE_M``, at a cost) to
  clear furniture in front of it (a painting over a tall headboard) or to hang above another wall
  object (a clock above the neon sign over the bed, when both are centred on the bed).
* **Openings**: the object's along-wall interval x height interval never comes within
  ``OPENING_MARGIN_M`` of a door or window on its wall (a picture above a door is fine), nor of the
  zone a door sweeps into the room (door width deep; a door right in a corner). Curtains
  (``WINDOW_DRESSING``) are the exception: they are meant to hang over windows (they still avoid
  doors).
* **Other wall objects**: footprints and height ranges apart by at least ``WALL_OBJECT_GAP_M``
  (also across a corner, on the neighbouring wall).
* **Furniture in front**: no part box (each mesh part's box, so a table's legs are not its top) of a
  non-wall object that starts within ``FRONT_BAND_M`` of the wall (or within the object's own depth
  plus a margin, for deep shelves) may reach the object's height range, with ``CLEARANCE_M`` of
  margin sideways and vertically: a painting above a sofa is fine, behind a wardrobe is not; a TV
  above a TV stand sits higher than the stand's top. Curtains only avoid real overlap (plus the
  margin), not the band.

Constraints honoured (anything else is ignored here). They are wishes traded against free space:
when one cannot be met (the spot above the sofa is taken), the object goes to the cheapest free spot
and the solver's relation check reports the miss; only the hard rules above raise.

* ``OnWall(wall, height)`` and ``Against(wall, along)``: the wall (``"any_wall"``: any wall of the
  room); ``along`` (a fraction) is the preferred centre, moved to the nearest free spot.
* ``Height(m)``: the bottom height (wins over ``OnWall.height``).
* ``At(x, y)``: projected onto the nearest wall of the room containing the point; farther walls
  only when that one has no space.
* ``CenterAlignedWith(t)``: the centre where ``t``'s front axis meets a wall: the wall behind ``t``
  when ``t`` stands against it (a painting above the bed or sofa, a TV above its stand), the wall
  ``t`` faces for screens (``SCREENS``: a TV centred on the sofa or bed across the room).
* ``Facing(t)``: the front ray (the wall's normal through the centre) hits ``t``'s footprint
  (``t`` an object, a wall id, or ``"center"``).
* ``Near(t)``: footprint gap to ``t`` at most ``NEAR_GAP_M``; as close as free space allows.
* ``Yaw`` is ignored: wall objects face into the room.

Preferences when nothing says where: the middle of the longest free stretch; for screens the wall the
room's main seating faces (a sofa, else a bed, ...), milder for other decor; curtains the middle of
an undressed window; spots closer than ``SOFT_GAP_M`` to another wall object cost more. ``rng`` adds
a jitter to each candidate's cost (up to 0.25 when nothing says where, so seeds vary among nearly as
good walls and stretches; 0.01 otherwise): the result is deterministic given the generator's state.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import Polygon, box

from ..assets import catalog
from ..scene import ObjectInstance, Room, Scene, Wall
from ..scene.geometry import front_direction, yaw_facing
from .collide import info_of, is_flat, part_boxes, size_box
from .constraints import (
    ALIGN_TOL_M,
    NEAR_GAP_M,
    Against,
    At,
    CenterAlignedWith,
    Facing,
    Height,
    Near,
    OnWall,
    to_dict,
)
from .errors import Unplaceable
from .resolve import DEFAULT_MOUNT_HEIGHT_M, _against_pose, dependents, interior_point, normalize_yaw

log = logging.getLogger(__name__)

#: keep this far from the wall's ends (corners) when the wall is long enough
END_MARGIN_M = 0.10
#: free margin around doors and windows (along the wall and in height)
OPENING_MARGIN_M = 0.05
#: free margin between two wall objects
WALL_OBJECT_GAP_M = 0.05
#: furniture starting this close to the wall stands "in front of" it
FRONT_BAND_M = 0.30
#: margin kept from furniture in front (sideways and above its top)
CLEARANCE_M = 0.05
#: wall objects closer than this along the wall (side by side, above or below one another) are
#: allowed, but such a spot costs ``SOFT_COST`` more than a roomier one
SOFT_GAP_M = 0.25
SOFT_COST = 1.5
SOFT = "stacked wall objects"
#: how far above its mount height an object may be raised to clear furniture
MAX_RAISE_M = 0.9
#: the top stays this far under the ceiling (default heights only)
CEILING_GAP_M = 0.02

#: things people watch: centred on the seat they face, preferably on the wall the main seat faces
SCREENS = frozenset({"tv", "whiteboard", "projector_screen", "blackboard", "chalkboard"})
#: hung over windows on purpose
WINDOW_DRESSING = frozenset({"curtain", "curtains", "blinds", "drapes"})
#: furniture a screen sits above (centre-aligned with it, the screen goes on the wall behind it)
STANDS = frozenset({"tv_stand", "cabinet", "dresser", "sideboard", "console_table", "fireplace", "desk",
                    "kitchen_counter", "bar_counter", "checkout_counter", "sink", "workbench", "bookshelf",
                    "display_shelf"})
#: main seating, by priority: the wall it faces is where a TV goes
SEATING = ("sofa", "sectional_sofa", "loveseat", "bed", "bunk_bed", "armchair", "rocking_chair", "bench",
           "chair", "dining_chair", "office_chair")

_INF = float("inf")
#: float noise allowed when comparing heights (a clearance exactly met is met)
_TOL = 1e-6


# ---------------------------------------------------------------------------------------------
# mesh part boxes (shared with the ceiling solver)

_CORNER_SEL = np.array([[i & 1, (i >> 1) & 1, (i >> 2) & 1] for i in range(8)], dtype=bool)  # (8, 3)


def part_corners(obj: ObjectInstance) -> np.ndarray:
    """World coordinates of the 8 corners of each mesh part box of ``obj``
    (:func:`worldsmith.layout.collide.part_boxes`): shape (k, 8, 3); its size box when the mesh
    cannot be built."""
    try:
        boxes = part_boxes(obj)
    except Exception as exc:  # an unreadable library mesh must not stop layout; its size box stands in
        log.warning("%s: mesh parts unavailable (%s); using its size box", obj.id, exc)
        boxes = size_box(obj.size).boxes
    lo, hi = boxes[:, :3], boxes[:, 3:]
    corners = np.where(_CORNER_SEL[None, :, :], hi[:, None, :], lo[:, None, :])  # (k, 8, 3)
    t = math.radians(obj.yaw_deg)
    c, s = math.cos(t), math.sin(t)
    x = corners[..., 0] * c - corners[..., 1] * s + obj.position[0]
    y = corners[..., 0] * s + corners[..., 1] * c + obj.position[1]
    z = corners[..., 2] + obj.position[2]
    return np.stack([x, y, z], axis=-1)


# ---------------------------------------------------------------------------------------------
# wall frame helpers


def _to_wall_frame(wall: Wall, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(s, n): distance along the wall from its start, distance from its inner face into the room."""
    rel = np.asarray(xy, dtype=float)[..., :2] - np.asarray(wall.start)
    d = np.asarray(wall.direction)
    nrm = np.asarray(wall.normal)
    return rel @ d, rel @ nrm


def _wall_frame_polygon(wall: Wall, poly):
    """``poly`` (world XY) in the wall's (s, n) frame."""
    dx, dy = wall.direction
    nx, ny = wall.normal
    sx, sy = wall.start
    return affinity.affine_transform(poly, [dx, dy, nx, ny, -(sx * dx + sy * dy), -(sx * nx + sy * ny)])


def _strip_interval(wall: Wall, poly, depth: float) -> tuple[float, float] | None:
    """The along-wall range of the part of ``poly`` (world XY) lying in the strip 0 < n < depth in
    front of ``wall``, or None when that part has no area."""
    local = _wall_frame_polygon(wall, poly)
    strip = box(-1e6, 0.0, 1e6, depth)
    piece = local.intersection(strip)
    if piece.is_empty or piece.area < 1e-9:
        return None
    minx, _, maxx, _ = piece.bounds
    return float(minx), float(maxx)


def _ray_first_wall(walls: Sequence[Wall], origin: Sequence[float],
                    direction: Sequence[float]) -> tuple[Wall, float, float] | None:
    """The first wall a ray from ``origin`` along ``direction`` hits: (wall, distance, s on it)."""
    ox, oy = float(origin[0]), float(origin[1])
    rx, ry = float(direction[0]), float(direction[1])
    best: tuple[Wall, float, float] | None = None
    for w in walls:
        ex, ey = w.end[0] - w.start[0], w.end[1] - w.start[1]
        den = rx * ey - ry * ex
        if abs(den) < 1e-12:
            continue
        qx, qy = w.start[0] - ox, w.start[1] - oy
        t = (qx * ey - qy * ex) / den
        u = (qx * ry - qy * rx) / den
        if t > 1e-9 and -1e-9 <= u <= 1.0 + 1e-9 and (best is None or t < best[1]):
            best = (w, t, u * w.length)
    return best


def room_walls(scene: Scene, room: Room) -> tuple[Wall, ...]:
    return tuple(w for w in scene.walls if w.room == room.id)


# ---------------------------------------------------------------------------------------------
# request parsing


@dataclass(frozen=True)
class _Pref:
    """A wish about the centre's position on one wall: any of ``alts`` (ideal, lo, hi) satisfies
    it when lo <= s <= hi; none: it cannot be satisfied on that wall."""

    weight: float
    alts: tuple[tuple[float, float, float], ...]
    extra: float = 0.0

    def cost(self, s: float) -> float:
        if not self.alts:
            return self.weight * 3.0 + self.extra
        best = _INF
        for ideal, lo, hi in self.alts:
            miss = max(lo - s, 0.0, s - hi)
            c = 0.3 * abs(s - ideal) + (0.0 if miss <= 1e-6 else 2.0 + miss)
            best = min(best, c)
        return self.weight * best + self.extra

    def points(self) -> list[float]:
        out = []
        for ideal, lo, hi in self.alts:
            out.extend((ideal, lo, hi))
        return out


@dataclass
class _Request:
    room: Room
    walls: list[Wall]
    explicit_wall: bool
    height: float | None
    at: tuple[float, float] | None = None
    along: float | None = None
    align: str | None = None
    facing: str | None = None
    near: str | None = None


def _object_or_fail(scene: Scene, target: str, what: str) -> ObjectInstance:
    if target not in scene.object_map:
        raise Unplaceable(f"{what}: there is no object {target!r}", "refer to an object the scene has",
                          constraint=what)
    return scene.object_map[target]


def _parse(scene: Scene, obj: ObjectInstance, constraints: Sequence) -> _Request:
    if not scene.rooms:
        raise Unplaceable(f"{obj.id} needs a wall but the scene has no room", "start with room(...)",
                          constraint="room")
    wall_id: str | None = None
    height: float | None = None
    on_height: float | None = None
    req_at = along = align = facing = near = None
    for c in constraints:
        if isinstance(c, OnWall):
            wall_id = c.wall if c.wall != "any_wall" else wall_id
            on_height = c.height if c.height is not None else on_height
        elif isinstance(c, Against):
            wall_id = c.wall if c.wall != "any_wall" else wall_id
            along = c.along
        elif isinstance(c, Height):
            height = c.m
        elif isinstance(c, At):
            req_at = (float(c.x), float(c.y))
        elif isinstance(c, CenterAlignedWith):
            align = c.target
        elif isinstance(c, Facing):
            facing = c.target
        elif isinstance(c, Near):
            near = c.target
        else:
            log.debug("%s: wall solver ignores %s", obj.id, type(c).__name__)
    if height is None:
        height = on_height
    for target, what in ((align, "center_aligned_with"), (near, "near")):
        if target is not None:
            _object_or_fail(scene, target, f"{what}({target})")
    if facing is not None and facing != "center" and facing not in scene.object_map and facing not in scene.wall_map:
        raise Unplaceable(f"facing({facing}): no object or wall {facing!r}", "face an object, a wall or 'center'",
                          constraint=f"facing({facing})")
    if wall_id is not None:
        if wall_id not in scene.wall_map:
            raise Unplaceable(f"{obj.id}: unknown wall {wall_id!r}", "walls: " + ", ".join(scene.wall_map),
                              constraint=f"on_wall({wall_id})")
        wall = scene.wall(wall_id)
        return _Request(scene.room(wall.room), [wall], True, height, req_at, along, align, facing, near)
    room = _request_room(scene, obj, req_at, (align, near, facing))
    return _Request(room, list(room_walls(scene, room)), False, height, req_at, along, align, facing, near)


def _request_room(scene: Scene, obj: ObjectInstance, at, targets: Iterable[str | None]) -> Room:
    if at is not None:
        found = scene.room_at(at)
        if found is not None:
            return found
        return min(scene.rooms, key=lambda r: Polygon(r.polygon).exterior.distance(shapely.Point(at)))
    for t in targets:
        if t in scene.object_map:
            o = scene.object_map[t]
            if o.support_kind == "wall":
                return scene.room(scene.wall(o.support_target).room)
            found = scene.room_at(o.position[:2])
            if found is not None:
                return found
        elif t in scene.wall_map:
            return scene.room(scene.wall(t).room)
    if obj.support_kind == "wall" and obj.support_target in scene.wall_map:
        return scene.room(scene.wall(obj.support_target).room)
    found = scene.room_at(obj.position[:2])
    return found if found is not None else scene.rooms[0]


# ---------------------------------------------------------------------------------------------
# blocked intervals


@dataclass(frozen=True)
class _Block:
    """Centres strictly between ``lo`` and ``hi`` are taken, because of ``label`` (``source``)."""

    lo: float
    hi: float
    label: str
    source: str


@dataclass
class _Obstacles:
    """What is around, computed once per solve."""

    wall_objects: list[tuple[ObjectInstance, Polygon]]
    solids: list[tuple[ObjectInstance, np.ndarray]]  # part corners (k, 8, 3)


def _obstacles(scene: Scene, obj: ObjectInstance) -> _Obstacles:
    skip = {obj.id} | dependents(scene, obj.id)
    wall_objects, solids = [], []
    for o in scene.objects:
        if o.id in skip:
            continue
        if o.support_kind == "wall":
            wall_objects.append((o, Polygon(o.footprint)))
        elif not is_flat(o):
            solids.append((o, part_corners(o)))
    return _Obstacles(wall_objects, solids)


def _solid_boxes(wall: Wall, obstacles: _Obstacles) -> list[tuple[ObjectInstance, np.ndarray]]:
    """Each solid's part boxes in the wall frame: (k, 6) = s0, s1, n0, n1, z0, z1."""
    out = []
    for o, corners in obstacles.solids:
        s, n = _to_wall_frame(wall, corners[..., :2])
        z = corners[..., 2]
        boxes = np.stack([s.min(1), s.max(1), n.min(1), n.max(1), z.min(1), z.max(1)], axis=1)
        out.append((o, boxes))
    return out


def _blocks(scene: Scene, room: Room, wall: Wall, obj: ObjectInstance, z: float, dressing: bool,
            obstacles: _Obstacles, solid_boxes) -> list[_Block]:
    w, d, h = obj.size
    half = w / 2.0
    top = z + h
    out: list[_Block] = []
    m = OPENING_MARGIN_M
    # openings on this wall
    for op in room.openings:
        if op.wall != wall.id or (dressing and op.kind == "window"):
            continue
        if z < op.sill + op.height + m - _TOL and top > op.sill - m + _TOL:
            out.append(_Block(op.offset - m - half, op.offset + op.width + m + half, op.kind + "s", op.id))
    # the zone a door sweeps into the room (doors on other walls, near a corner)
    for op in room.openings:
        if op.kind != "door" or op.wall == wall.id or z >= op.height + m - _TOL:
            continue
        dw = scene.wall(op.wall)
        p0 = np.array(dw.point_at(op.offset))
        p1 = np.array(dw.point_at(op.offset + op.width))
        nn = np.array(dw.normal)
        zone = Polygon([tuple(p0), tuple(p1), tuple(p1 + nn * op.width), tuple(p0 + nn * op.width)]).buffer(
            m, join_style="mitre")
        span = _strip_interval(wall, zone, d)
        if span is not None:
            out.append(_Block(span[0] - half, span[1] + half, "doors", op.id))
    # other wall objects (this wall or a neighbouring one)
    g = WALL_OBJECT_GAP_M
    for o, poly in obstacles.wall_objects:
        if o.position[2] < top + g - _TOL and o.top > z - g + _TOL:
            span = _strip_interval(wall, poly.buffer(g, join_style="mitre"), d)
            if span is not None:
                out.append(_Block(span[0] - half, span[1] + half, "wall objects", o.id))
        # any wall object closer than SOFT_GAP_M along the wall (above, below or beside) is allowed
        # but looks cramped: a soft block
        span = _strip_interval(wall, poly.buffer(SOFT_GAP_M, join_style="mitre"), d)
        if span is not None:
            out.append(_Block(span[0] - half, span[1] + half, SOFT, o.id))
    # furniture in front
    reach = d + CLEARANCE_M if dressing else max(FRONT_BAND_M, d + CLEARANCE_M)
    c = CLEARANCE_M
    for o, boxes in solid_boxes:
        sel = ((boxes[:, 2] < reach) & (boxes[:, 3] > 1e-3) & (boxes[:, 5] > z - c + _TOL)
               & (boxes[:, 4] < top + c - _TOL))
        for s0, s1 in boxes[sel, :2].tolist():
            out.append(_Block(s0 - c - half, s1 + c + half, "tall furniture", o.id))
    # the room outline (acute corners, notches)
    strip = Polygon([wall.start, wall.end, _offset(wall.end, wall.normal, d), _offset(wall.start, wall.normal, d)])
    outside = strip.difference(Polygon(room.polygon))
    if not outside.is_empty and outside.area > 1e-9:
        geoms = getattr(outside, "geoms", [outside])
        for piece in geoms:
            if piece.area < 1e-9:
                continue
            span = _strip_interval(wall, piece, d + 1e-6)
            if span is not None:
                out.append(_Block(span[0] - half, span[1] + half, "room outline", room.id))
    return out


def _offset(p, nrm, dist):
    return (p[0] + nrm[0] * dist, p[1] + nrm[1] * dist)


def _free(lo: float, hi: float, blocks: Sequence[_Block]) -> list[tuple[float, float]]:
    """[lo, hi] minus the open intervals of ``blocks``: closed intervals of allowed centres."""
    if hi < lo:
        return []
    free = [(lo, hi)]
    for b in sorted(blocks, key=lambda b: (b.lo, b.hi)):
        nxt = []
        for a, c in free:
            if b.hi <= a or b.lo >= c:
                nxt.append((a, c))
                continue
            if b.lo >= a:
                nxt.append((a, b.lo))
            if b.hi <= c:
                nxt.append((b.hi, c))
        free = nxt
    return [(a, c) for a, c in free if c >= a]


# ---------------------------------------------------------------------------------------------
# preferences


def _main_seating(scene: Scene, room: Room) -> ObjectInstance | None:
    seats = [o for o in scene.objects
             if o.category in SEATING and o.support == "floor" and room.contains(o.position[:2])]
    if not seats:
        return None
    return min(seats, key=lambda o: (SEATING.index(o.category), -o.size[0] * o.size[1], o.id))


def _footprint_span(wall: Wall, target: ObjectInstance) -> tuple[float, float, float, float]:
    s, n = _to_wall_frame(wall, np.array(target.footprint))
    return float(s.min()), float(s.max()), float(n.min()), float(n.max())


def _center_s(wall: Wall, xy) -> float:
    s, _ = _to_wall_frame(wall, np.array(xy[:2]))
    return float(s)


def _facing_pref(scene: Scene, walls: Sequence[Wall], wall: Wall, obj: ObjectInstance, target: str) -> _Pref:
    w = obj.size[0]
    if target in scene.object_map:
        t = scene.object_map[target]
        s0, s1, n0, n1 = _footprint_span(wall, t)
        if n1 <= 0.0:
            return _Pref(1.5, ())
        ideal = min(max(_center_s(wall, t.position), s0), s1)
        return _Pref(1.5, ((ideal, s0, s1),))
    if target == "center":
        room = scene.room(wall.room)
        p = interior_point(room)
        s = _center_s(wall, p)
        return _Pref(1.5, ((s, s - 0.5, s + 0.5),))
    # a wall: the stretch of this wall whose normal rays reach ``target`` first
    hits = []
    step = 0.05
    for k in range(int(wall.length / step) + 1):
        s = min(k * step, wall.length)
        origin = _offset(wall.point_at(s), wall.normal, obj.size[1])
        hit = _ray_first_wall(walls, origin, wall.normal)
        if hit is not None and hit[0].id == target:
            hits.append(s)
    if not hits:
        return _Pref(1.5, ())
    lo, hi = min(hits), max(hits)
    ideal = min(max(wall.length / 2.0, lo + w / 2.0), hi - w / 2.0) if hi - lo >= w else (lo + hi) / 2.0
    return _Pref(1.5, ((ideal, lo, hi),))


def _near_pref(scene: Scene, wall: Wall, obj: ObjectInstance, target: str) -> _Pref:
    w, d, _ = obj.size
    t = scene.object_map[target]
    s0, s1, n0, _ = _footprint_span(wall, t)
    ng = max(0.0, n0 - d)
    ideal = min(max(_center_s(wall, t.position), 0.0), wall.length)
    if ng > NEAR_GAP_M:  # too far from this wall to be near: get as close as possible
        return _Pref(1.0, ((ideal, ideal, ideal),), extra=2.0 + ng)
    ag = math.sqrt(NEAR_GAP_M ** 2 - ng ** 2)
    return _Pref(1.0, ((ideal, s0 - w / 2.0 - ag, s1 + w / 2.0 + ag),))


def _align_prefs(scene: Scene, walls: Sequence[Wall], obj: ObjectInstance,
                 target: str) -> dict[str, tuple[_Pref, float]]:
    """Per wall id: the alignment preference and a wall cost (the side of the target it prefers)."""
    t = scene.object_map[target]
    centre = t.position[:2]
    f = front_direction(t.yaw_deg)
    ahead = _ray_first_wall(walls, centre, f)
    back = _ray_first_wall(walls, centre, (-f[0], -f[1]))
    against = False
    if back is not None:
        against = back[1] - t.size[1] / 2.0 <= 0.4
    if obj.category in SCREENS and t.category not in STANDS:
        prefer = "front"
    else:
        prefer = "behind" if against else "front"
    out: dict[str, tuple[_Pref, float]] = {}
    for side, hit in (("front", ahead), ("behind", back)):
        if hit is None:
            continue
        wall, dist, s = hit
        # where the axis crosses the line of the object's centres (half its depth off the wall)
        fn = f[0] * wall.normal[0] + f[1] * wall.normal[1]
        if abs(fn) > 1e-6:
            c_s, c_n = _to_wall_frame(wall, np.array(centre))
            k = (obj.size[1] / 2.0 - float(c_n)) / fn
            s = float(c_s) + k * (f[0] * wall.direction[0] + f[1] * wall.direction[1])
        wall_cost = 0.0 if side == prefer else 1.5
        if not against and not (obj.category in SCREENS and t.category not in STANDS):
            wall_cost = 0.1 * dist  # the nearer of the two walls
        pref = _Pref(2.0, ((s, s - ALIGN_TOL_M, s + ALIGN_TOL_M),))
        if wall.id not in out or out[wall.id][1] > wall_cost:
            out[wall.id] = (pref, wall_cost)
    return out


# ---------------------------------------------------------------------------------------------
# the solver


@dataclass
class _Candidate:
    cost: float
    wall: Wall
    z: float
    s: float


def _heights(req: _Request, obj: ObjectInstance, info: catalog.CategoryInfo | None, room: Room, wall: Wall,
             obstacles: _Obstacles, solid_boxes) -> list[tuple[float, float]]:
    """(bottom height, cost) candidates on one wall: the explicit height; else the mount height and,
    up to ``MAX_RAISE_M`` higher, just above the top of each piece of furniture in front of the wall
    and of each wall object on it (to hang above them)."""
    w, d, h = obj.size
    if req.height is not None:
        return [(float(req.height), 0.0)]
    mount = info.mount_height_m if info is not None and info.mount_height_m is not None else DEFAULT_MOUNT_HEIGHT_M
    ceiling = room.height - h - CEILING_GAP_M
    if ceiling < 0.0:
        ceiling = room.height - h
    z0 = max(0.0, min(float(mount), ceiling))
    out = [(z0, 0.0)]
    reach = max(FRONT_BAND_M, d + CLEARANCE_M)
    tops = set()
    for _, boxes in solid_boxes:
        sel = (boxes[:, 2] < reach) & (boxes[:, 3] > 1e-3) & (boxes[:, 5] + CLEARANCE_M > z0)
        for top in boxes[sel, 5]:
            z = math.ceil((float(top) + CLEARANCE_M) * 100.0 - 1e-6) / 100.0
            if z0 < z <= min(z0 + MAX_RAISE_M, ceiling):
                tops.add(round(z, 2))
    for o, _ in obstacles.wall_objects:
        if o.support_target == wall.id:
            z = math.ceil((o.top + WALL_OBJECT_GAP_M) * 100.0 - 1e-6) / 100.0
            if z0 < z <= min(z0 + MAX_RAISE_M, ceiling):
                tops.add(round(z, 2))
    out.extend((z, 1.5 * (z - z0)) for z in sorted(tops))
    return out


def solve_wall(scene: Scene, obj: ObjectInstance, constraints: Sequence, rng: np.random.Generator) -> ObjectInstance:
    """``obj`` hung on a wall: flush on the inner face, facing into the room, clear of openings,
    other wall objects and furniture in front (module docstring). Raises :class:`Unplaceable`
    naming the wall space that was missing."""
    req = _parse(scene, obj, constraints)
    room = req.room
    info = info_of(obj)
    w, d, h = obj.size
    dressing = obj.category in WINDOW_DRESSING
    if req.height is not None and (req.height < 0.0 or req.height + h > room.height + 1e-9):
        raise Unplaceable(f"{obj.id} is {h:.2f} m tall: at height {req.height:.2f} m it would not fit between "
                          f"the floor and the {room.height:.2f} m ceiling",
                          f"use a height between 0 and {max(0.0, room.height - h):.2f}", constraint="height")
    if h > room.height:
        raise Unplaceable(f"{obj.id} is {h:.2f} m tall, more than the room's {room.height:.2f} m",
                          "resize it", constraint="height")
    obstacles = _obstacles(scene, obj)
    all_walls = room_walls(scene, room)
    seat = _main_seating(scene, room) if (req.at is None and req.along is None and req.align is None
                                          and req.facing is None and req.near is None) else None
    seat_wall = None
    if seat is not None:
        hit = _ray_first_wall(all_walls, seat.position[:2], front_direction(seat.yaw_deg))
        seat_wall = hit[0].id if hit is not None else None
    align = _align_prefs(scene, all_walls, obj, req.align) if req.align is not None else {}
    has_prefs = any(v is not None for v in (req.at, req.along, req.align, req.facing, req.near)) or dressing
    jitter_scale = 0.01 if has_prefs else 0.25

    best: _Candidate | None = None
    failures: dict[str, set[str]] = {}
    for wall in req.walls:
        if w > wall.length + 1e-9:
            failures[wall.id] = {f"too short ({wall.length:.2f} m)"}
            continue
        end = min(END_MARGIN_M, (wall.length - w) / 2.0)
        lo, hi = w / 2.0 + end, wall.length - w / 2.0 - end
        prefs: list[_Pref] = []
        wall_cost = 0.0
        if req.along is not None:
            s = min(max(req.along, 0.0), 1.0) * wall.length
            prefs.append(_Pref(2.0, ((s, s, s),)))
        if req.at is not None:
            s, n = _to_wall_frame(wall, np.array(req.at))
            s = float(min(max(s, 0.0), wall.length))
            px, py = wall.point_at(s)
            wall_cost += 3.0 * math.hypot(req.at[0] - px, req.at[1] - py)
            prefs.append(_Pref(2.0, ((s, s, s),)))
        if req.align is not None:
            if wall.id in align:
                pref, c = align[wall.id]
                prefs.append(pref)
                wall_cost += c
            else:
                prefs.append(_Pref(2.0, ()))
        if req.facing is not None:
            prefs.append(_facing_pref(scene, all_walls, wall, obj, req.facing))
        if req.near is not None:
            prefs.append(_near_pref(scene, wall, obj, req.near))
        if dressing:
            windows = [op for op in room.openings if op.wall == wall.id and op.kind == "window"]
            dressed = _dressed(scene, wall, room, obj.id)
            alts = tuple((op.center_offset,) * 3 for op in windows if op.id not in dressed)
            prefs.append(_Pref(1.0, alts))
        if seat_wall is not None and not req.explicit_wall:
            if wall.id == seat_wall:
                wall_cost -= 1.0 if obj.category in SCREENS else 0.3
        solid_boxes = _solid_boxes(wall, obstacles)
        for z, z_cost in _heights(req, obj, info, room, wall, obstacles, solid_boxes):
            blocks = _blocks(scene, room, wall, obj, z, dressing, obstacles, solid_boxes)
            hard = [b for b in blocks if b.label != SOFT]
            free = _free(lo, hi, hard)
            if not free:
                labels = {b.label for b in hard if b.hi > lo and b.lo < hi} or {"no room"}
                failures.setdefault(wall.id, set()).update(labels)
                continue
            roomy = _free(lo, hi, blocks)
            cands = [(s, c) for s, c in _positions(roomy, prefs, w)]
            cands += [(s, c + SOFT_COST) for s, c in _positions(free, prefs, w)]
            for s, s_cost in cands:
                cost = wall_cost + z_cost + s_cost + float(rng.uniform(0.0, jitter_scale))
                if best is None or cost < best.cost - 1e-12:
                    best = _Candidate(cost, wall, z, s)
    if best is None:
        raise _failure(obj, req, failures)
    wall = best.wall
    position = _against_pose(wall, obj.size, best.s / wall.length, round(best.z, 6), flush=True)
    placed = dataclasses.replace(
        obj, position=position, yaw_deg=normalize_yaw(yaw_facing(wall.normal)), support=f"wall:{wall.id}",
        placement=tuple(to_dict(c) for c in constraints))
    log.debug("%s on %s at s=%.3f z=%.3f (cost %.3f)", obj.id, wall.id, best.s, best.z, best.cost)
    return placed


def _dressed(scene: Scene, wall: Wall, room: Room, obj_id: str) -> set[str]:
    """Ids of the windows on ``wall`` that already have a curtain (centred within 0.1 m of them)."""
    out: set[str] = set()
    for o in scene.objects:
        if o.id == obj_id or o.category not in WINDOW_DRESSING or o.support != f"wall:{wall.id}":
            continue
        s = _center_s(wall, o.position)
        for op in room.openings:
            if op.wall == wall.id and op.kind == "window" and op.offset - 0.1 <= s <= op.offset + op.width + 0.1:
                out.add(op.id)
    return out


def _positions(free: list[tuple[float, float]], prefs: list[_Pref], w: float) -> list[tuple[float, float]]:
    """Candidate centres with their costs: with preferences, the wished-for points clamped into each
    free interval; without, the middle of each free interval (longer stretches cost less)."""
    out = []
    if not prefs:
        for a, b in free:
            stretch = (b - a) + w
            out.append(((a + b) / 2.0, -0.4 * min(stretch, 5.0)))
        return out
    points = [p for pref in prefs for p in pref.points() if math.isfinite(p)]
    for a, b in free:
        cands = {a, b, (a + b) / 2.0}
        cands.update(min(max(p, a), b) for p in points)
        for s in sorted(cands):
            out.append((s, sum(p.cost(s) for p in prefs)))
    return out


def _failure(obj: ObjectInstance, req: _Request, failures: dict[str, set[str]]) -> Unplaceable:
    w = obj.size[0]
    parts = [f"{wid}: {'/'.join(sorted(labels))}" for wid, labels in sorted(failures.items())]
    if req.explicit_wall and len(req.walls) == 1:
        wid = req.walls[0].id
        constraint = f"wall space on {wid}: " + "/".join(sorted(failures.get(wid, {"no room"})))
    else:
        every = sorted(set().union(*failures.values())) if failures else ["no room"]
        constraint = f"wall space in {req.room.id}: " + "/".join(every)
    height = f" at height {req.height:.2f} m" if req.height is not None else ""
    return Unplaceable(
        f"no free stretch of {w:.2f} m for {obj.id}{height} ({'; '.join(parts) or 'no walls'})",
        "use a narrower object, another wall or height, or move what is in the way", constraint=constraint)
