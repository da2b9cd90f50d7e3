"""Camera presets: where to look from, for people and for VLM policies.

Every function returns :class:`~worldsmith.render.camera.Camera` values (pose in the OpenCV
convention, see :mod:`.camera`); nothing here renders. The presets (:data:`PRESETS`, by name
through :func:`preset`):

* :func:`topdown`: orthographic, straight down, image up = world +Y and right = +X, framing every
  room (walls included) and every object with a margin; ceilings hidden (ceiling-mounted objects
  are kept). ``meta["px_per_m"]`` is the scale. Pair it with
  :func:`worldsmith.render.overlay.draw_topdown_overlay` for the VLM observation.
* :func:`auto_perspective`: a pinhole camera inside the room at eye height, in a free spot, turned
  towards the most furnished part of the room (see "How the automatic view is chosen").
* :func:`corners`: one view from each convex corner of each room, looking diagonally across it.
* :func:`orbit`: dollhouse views from outside and above over cut-away walls.
* :func:`panorama`: an equirectangular 360 degree camera at a free spot near the room centre
  (rendered as six cube faces by :mod:`.panorama`).

Conventions and decisions (ARCHITECTURE.md is silent on them):

* Eye height is :data:`EYE_HEIGHT_M` (1.6 m), kept within 1.5-1.7 m and at least 0.35 m under the
  ceiling (rooms lower than 1.85 m get a lower eye, never below 1.0 m).
* A *free spot* at eye height ``z`` is a point inside the room polygon at least
  :data:`WALL_CLEARANCE_M` from its walls and at least :data:`CLEARANCE_M` (horizontally) from the
  footprint of every *obstacle*: an object whose top is above :data:`OBSTACLE_MIN_TOP_M` (rugs and
  mats are walked over) and whose bottom is below ``z + CLEARANCE_M`` (a lamp high on the ceiling
  is not in the way). So the camera is never inside any object's 3D box. Candidates lie on a
  regular grid (:func:`free_spots`); when none is free the clearances are relaxed step by step
  (logged), never randomly. All choices are deterministic: same scene, same cameras.
* Azimuths are degrees counter-clockwise from world +X; an orbit camera at azimuth ``a`` and
  elevation ``e`` sits at ``centre + D * (cos e cos a, cos e sin a, sin e)``.
* Multi-room scenes: :func:`auto_perspective` and :func:`panorama` use the room with the most
  floor furniture (ties: the largest, then the first) unless ``room=`` names one; :func:`corners`
  covers every room; :func:`orbit` frames all rooms (or ``room=``) and also cuts the walls shared
  between two rooms, which would otherwise hide the room behind them.

How the automatic view is chosen (:func:`auto_perspective`): every free grid spot is tried with 24
headings (every 15 degrees) at a fixed 15 degree downward pitch. A view scores the weighted count
of objects whose box centre is inside its frustum (5 % margin) and not occluded by another object's
box or, in non-convex rooms, by the room's own walls: floor furniture weighs 1 (flat rugs 0.4),
wall objects 0.5, ceiling objects 0.2, small objects on other objects 0.15, and an object closer
than 1.2 m counts proportionally less (it fills the frame). A small bonus for distance to the
furnished centroid (up to 0.15) and for clearance (up to 0.02) breaks ties towards spots that see
the room from its edge. The winning heading is then turned to the weighted centroid of the objects
it sees when that keeps all of them in view, and the pitch is aimed at that centroid 0.6 m above the
floor (clamped to 8-25 degrees down).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from ..scene import ObjectInstance, Room, Scene
from .camera import Camera
from .errors import RenderError

log = logging.getLogger(__name__)

__all__ = [
    "CLEARANCE_M",
    "EYE_HEIGHT_M",
    "OBSTACLE_MIN_TOP_M",
    "PRESETS",
    "WALL_CLEARANCE_M",
    "auto_perspective",
    "corners",
    "eye_height",
    "free_spots",
    "is_free",
    "orbit",
    "panorama",
    "preset",
    "topdown",
]

PRESETS = ("topdown", "perspective", "corners", "orbit", "panorama")
#: default (width, height) per preset; ``None`` height follows the scene's aspect (topdown) or is width // 2
DEFAULT_SIZES: dict[str, tuple[int, int | None]] = {
    "topdown": (800, None), "perspective": (640, 480), "corners": (640, 480), "orbit": (640, 480),
    "panorama": (2048, None),
}
EYE_HEIGHT_M = 1.6
EYE_RANGE_M = (1.5, 1.7)
#: horizontal distance the camera keeps from obstacles' footprints
CLEARANCE_M = 0.25
#: distance the camera keeps from the room's walls (corner views use :data:`CORNER_WALL_CLEARANCE_M`)
WALL_CLEARANCE_M = 0.3
CORNER_WALL_CLEARANCE_M = 0.2
#: objects whose top is lower than this (rugs, mats) are not obstacles
OBSTACLE_MIN_TOP_M = 0.3
_YAWS = 24
_SCORE_PITCH_DEG = 15.0
_FAR_PAD_M = 5.0


# ---------------------------------------------------------------------------------------------
# helpers: rooms, objects, free spots


@dataclass(frozen=True)
class _Box:
    """An object's oriented bounding box (world), with what the view scorer needs."""

    id: str
    centre: np.ndarray  # (3,) box centre
    axes: np.ndarray  # (2, 2) unit local X and Y in world XY
    half: np.ndarray  # (3,) half sizes
    bottom: float
    top: float
    footprint: np.ndarray  # (4, 2)
    support_kind: str
    weight: float


def _box(o: ObjectInstance) -> _Box:
    t = math.radians(o.yaw_deg)
    c, s = math.cos(t), math.sin(t)
    w, d, h = (float(v) for v in o.size)
    kind = o.support_kind
    if kind == "floor":
        weight = 0.4 if h < 0.05 else 1.0
    elif kind == "wall":
        weight = 0.5
    elif kind == "ceiling":
        weight = 0.2
    else:
        weight = 0.15
    return _Box(id=o.id, centre=np.array([o.position[0], o.position[1], o.position[2] + h / 2.0]),
                axes=np.array([[c, s], [-s, c]]), half=np.array([w / 2.0, d / 2.0, h / 2.0]),
                bottom=float(o.position[2]), top=float(o.top), footprint=np.asarray(o.footprint, dtype=float),
                support_kind=kind, weight=weight)


def eye_height(room: Room) -> float:
    """The camera height used in ``room``: :data:`EYE_HEIGHT_M` clamped to 1.5-1.7 m and to at
    least 0.35 m under the ceiling (never below 1.0 m)."""
    z = min(max(EYE_HEIGHT_M, EYE_RANGE_M[0]), EYE_RANGE_M[1], room.height - 0.35)
    return float(max(z, 1.0))


def _room_poly(room: Room) -> Any:
    from shapely.geometry import Polygon

    return Polygon(room.polygon)


def _rep_point(room: Room) -> np.ndarray:
    """The room's centroid when it lies inside the room, else its pole of inaccessibility."""
    from shapely.geometry import Point
    from shapely.ops import polylabel

    poly = _room_poly(room)
    c = poly.centroid
    if poly.buffer(-1e-6).contains(Point(c.x, c.y)):
        return np.array([c.x, c.y])
    p = polylabel(poly, tolerance=0.01)
    return np.array([p.x, p.y])


def _is_convex(room: Room) -> bool:
    pts = np.asarray(room.polygon, dtype=float)
    a, b = np.roll(pts, 1, axis=0), np.roll(pts, -1, axis=0)
    cross = (pts[:, 0] - a[:, 0]) * (b[:, 1] - pts[:, 1]) - (pts[:, 1] - a[:, 1]) * (b[:, 0] - pts[:, 0])
    return bool(np.all(cross >= -1e-9))


def objects_in(scene: Scene, room: Room) -> list[ObjectInstance]:
    """Objects that belong to ``room``: wall objects on its walls, others with their centre inside."""
    own_walls = {w.id for w in scene.walls if w.room == room.id}
    out = []
    for o in scene.objects:
        if o.support_kind == "wall":
            if o.support_target in own_walls:
                out.append(o)
        elif room.contains((o.position[0], o.position[1])):
            out.append(o)
    return out


def _pick_room(scene: Scene, room: str | None) -> Room:
    if not scene.rooms:
        raise RenderError("expected a scene with at least one room to place a camera in; add a room first")
    if room is not None:
        try:
            return scene.room(room)
        except KeyError:
            known = ", ".join(r.id for r in scene.rooms)
            raise RenderError(f"unknown room {room!r}: expected one of {known}") from None

    def key(r: Room) -> tuple[int, float]:
        return (sum(1 for o in objects_in(scene, r) if o.support_kind == "floor"), r.area)

    best = scene.rooms[0]
    for r in scene.rooms[1:]:
        if key(r) > key(best):
            best = r
    return best


def _obstacle_union(scene: Scene, z: float, clearance: float) -> Any:
    """Union of the footprints of the objects in the way at eye height ``z`` (see the module doc)."""
    from shapely.geometry import Polygon
    from shapely.ops import unary_union

    polys = [Polygon(o.footprint) for o in scene.objects
             if o.top > OBSTACLE_MIN_TOP_M and o.position[2] < z + clearance]
    return unary_union(polys) if polys else None


def is_free(scene: Scene, room: Room, points: np.ndarray, z: float, *, clearance: float = CLEARANCE_M,
            wall_clearance: float = WALL_CLEARANCE_M) -> np.ndarray:
    """Boolean mask of the XY ``points`` (N x 2) that are free spots for a camera at height ``z``
    in ``room`` (see the module doc)."""
    import shapely

    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    inner = _room_poly(room).buffer(-wall_clearance, join_style="mitre") if wall_clearance > 0 else _room_poly(room)
    if inner.is_empty:
        return np.zeros(len(pts), dtype=bool)
    ok = shapely.contains_xy(inner, pts[:, 0], pts[:, 1]) if wall_clearance > 0 else \
        shapely.intersects_xy(inner, pts[:, 0], pts[:, 1])
    obstacles = _obstacle_union(scene, z, clearance)
    if obstacles is not None and ok.any():
        d = shapely.distance(obstacles, shapely.points(pts[ok]))
        inside = shapely.intersects_xy(obstacles, pts[ok, 0], pts[ok, 1])
        sub = (d >= clearance) & ~inside
        ok = ok.copy()
        ok[np.flatnonzero(ok)] = sub
    return np.asarray(ok, dtype=bool)


def _grid(room: Room, step: float | None = None) -> np.ndarray:
    pts = np.asarray(room.polygon, dtype=float)
    x0, y0 = pts.min(axis=0)
    x1, y1 = pts.max(axis=0)
    if step is None:
        step = max(0.15, math.sqrt(max(room.area, 1e-6) / 600.0))
    xs = np.arange(x0 + step / 2.0, x1, step)
    ys = np.arange(y0 + step / 2.0, y1, step)
    if len(xs) == 0 or len(ys) == 0:
        return np.zeros((0, 2))
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx.ravel(), gy.ravel()], axis=1)


_RELAX = ((1.0, 1.0), (0.6, 1.0), (0.2, 0.5), (0.0, 0.2), (0.0, 0.0))


def free_spots(scene: Scene, room: Room, z: float, *, step: float | None = None, clearance: float = CLEARANCE_M,
               wall_clearance: float = WALL_CLEARANCE_M) -> np.ndarray:
    """Free camera spots (N x 2) on a regular grid over ``room`` at height ``z``. When no grid
    point is free, clearances are relaxed (60 %, 20 %, then none) and the grid refined; when the
    room is completely full, its pole of inaccessibility is returned (logged)."""
    base = step if step is not None else max(0.15, math.sqrt(max(room.area, 1e-6) / 600.0))
    for i, (fc, fw) in enumerate(_RELAX):
        grid = _grid(room, base if i == 0 else max(base / 2.0, 0.05))
        if len(grid) == 0:
            continue
        mask = is_free(scene, room, grid, z, clearance=clearance * fc, wall_clearance=wall_clearance * fw)
        if mask.any():
            if i:
                log.info("room %s is crowded: camera clearances relaxed to %.2f m (objects) and %.2f m (walls)",
                         room.id, clearance * fc, wall_clearance * fw)
            return grid[mask]
    log.warning("room %s has no free spot for a camera; using its pole of inaccessibility", room.id)
    return _rep_point(room)[None, :]


def _clearance(scene: Scene, room: Room, pts: np.ndarray, z: float) -> np.ndarray:
    import shapely

    geoms = shapely.points(pts)
    d = shapely.distance(_room_poly(room).exterior, geoms)
    obstacles = _obstacle_union(scene, z, CLEARANCE_M)
    if obstacles is not None:
        d = np.minimum(d, shapely.distance(obstacles, geoms))
    return np.asarray(d, dtype=float)


def _extent(scene: Scene, rooms: Sequence[Room] | None = None,
            objects: Sequence[ObjectInstance] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(lo, hi) corners (3,) of the rooms (walls included) and objects (default: the scene's)."""
    from shapely.geometry import Polygon

    rooms = scene.rooms if rooms is None else rooms
    objects = scene.objects if objects is None else objects
    lo = np.array([np.inf, np.inf, 0.0])
    hi = np.array([-np.inf, -np.inf, 0.0])
    for r in rooms:
        b = Polygon(r.polygon).buffer(r.wall_thickness, join_style="mitre").bounds
        lo[:2] = np.minimum(lo[:2], b[:2])
        hi[:2] = np.maximum(hi[:2], b[2:])
        hi[2] = max(hi[2], r.height)
    for o in objects:
        fp = np.asarray(o.footprint)
        lo[:2] = np.minimum(lo[:2], fp.min(axis=0))
        hi[:2] = np.maximum(hi[:2], fp.max(axis=0))
        lo[2] = min(lo[2], o.position[2])
        hi[2] = max(hi[2], o.top)
    for li in scene.lights:
        hi[2] = max(hi[2], li.position[2])
    if not np.all(np.isfinite(lo[:2])):
        raise RenderError("expected a scene with rooms or objects to frame; the scene is empty")
    return lo, hi


def far_distance(scene: Scene, eye: np.ndarray) -> float:
    """A far clip distance that reaches every corner of the scene's extent from ``eye``."""
    lo, hi = _extent(scene)
    corners = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])
    return float(np.linalg.norm(corners - eye, axis=1).max() + _FAR_PAD_M)


def _direction(yaw_deg: float, pitch_down_deg: float) -> np.ndarray:
    y, p = math.radians(yaw_deg), math.radians(pitch_down_deg)
    return np.array([math.cos(p) * math.cos(y), math.cos(p) * math.sin(y), -math.sin(p)])


def _size(width: int, height: int | None, default_h: int) -> tuple[int, int]:
    w = int(width)
    h = int(default_h if height is None else height)
    if w < 1 or h < 1:
        raise RenderError(f"expected a positive image size, got {w}x{h}")
    return w, h


# ---------------------------------------------------------------------------------------------
# visibility scoring


def _occluded(eyes: np.ndarray, boxes: list[_Box], skip: list[set[int]]) -> np.ndarray:
    """(N, M) True where the segment from eye n to box m's centre passes through another box
    (shrunk by 2 cm; boxes in ``skip[m]`` do not count)."""
    n, m = len(eyes), len(boxes)
    blocked = np.zeros((n, m), dtype=bool)
    if n == 0 or m == 0:
        return blocked
    centres = np.stack([b.centre for b in boxes])  # (M, 3)
    for k, ob in enumerate(boxes):
        if ob.top - ob.bottom < 0.05:
            continue  # flat things (rugs) hide nothing
        half = np.maximum(ob.half - 0.02, 1e-3)
        rot = np.eye(3)
        rot[:2, :2] = ob.axes  # rows: local X, local Y in world XY
        o = (eyes - ob.centre) @ rot.T  # (N, 3) eye in box frame
        d = (centres - ob.centre) @ rot.T  # (M, 3) target in box frame
        seg = d[None, :, :] - o[:, None, :]  # (N, M, 3)
        with np.errstate(divide="ignore", invalid="ignore"):
            inv = 1.0 / seg
            t1 = (-half - o[:, None, :]) * inv
            t2 = (half - o[:, None, :]) * inv
        tmin = np.where(np.isnan(t1), -np.inf, np.minimum(t1, t2))
        tmax = np.where(np.isnan(t2), np.inf, np.maximum(t1, t2))
        # a zero component outside the slab: never inside
        outside = (seg == 0) & (np.abs(o[:, None, :]) > half)
        tenter = np.max(tmin, axis=2)
        texit = np.min(tmax, axis=2)
        hit = (tenter <= texit) & (texit > 0.0) & (tenter < 0.98) & ~outside.any(axis=2)
        cols = [j for j in range(m) if j != k and k not in skip[j]]
        if cols:
            blocked[:, cols] |= hit[:, cols]
    return blocked


def _skip_sets(objs: list[ObjectInstance]) -> list[set[int]]:
    """Per object: indices of its support ancestors and descendants (they never hide it)."""
    index = {o.id: i for i, o in enumerate(objs)}
    parent = {i: index.get(o.support_target) for i, o in enumerate(objs) if o.support_kind == "object"}
    ancestors: list[set[int]] = []
    for i in range(len(objs)):
        seen: set[int] = set()
        p = parent.get(i)
        while p is not None and p not in seen:
            seen.add(p)
            p = parent.get(p)
        ancestors.append(seen)
    out = [set(a) for a in ancestors]
    for i, a in enumerate(ancestors):
        for p in a:
            out[p].add(i)
    return out


def _wall_blocked(room: Room, eyes: np.ndarray, boxes: list[_Box]) -> np.ndarray:
    """(N, M) True where the floor projection of the sight line leaves a non-convex room."""
    import shapely

    n, m = len(eyes), len(boxes)
    if _is_convex(room) or n == 0 or m == 0:
        return np.zeros((n, m), dtype=bool)
    poly = _room_poly(room).buffer(0.02, join_style="mitre")
    shapely.prepare(poly)
    centres = np.stack([b.centre[:2] for b in boxes])
    coords = np.stack([np.broadcast_to(eyes[:, None, :2], (n, m, 2)),
                       np.broadcast_to(centres[None, :, :], (n, m, 2))], axis=2)  # (N, M, 2, 2)
    lines = shapely.linestrings(coords.reshape(n * m, 2, 2))
    return ~np.asarray(shapely.contains(poly, lines), dtype=bool).reshape(n, m)


def _in_frustum(rel: np.ndarray, yaws_deg: np.ndarray, pitch_deg: float, tan_x: float,
                tan_y: float) -> tuple[np.ndarray, np.ndarray]:
    """For ``rel`` (N, M, 3) target minus eye and headings (Y,): (N, Y, M) inside-frustum mask and
    forward depth."""
    y = np.radians(yaws_deg)
    p = math.radians(pitch_deg)
    fwd = np.stack([math.cos(p) * np.cos(y), math.cos(p) * np.sin(y), np.full_like(y, -math.sin(p))], axis=1)
    right = np.stack([np.sin(y), -np.cos(y), np.zeros_like(y)], axis=1)
    down = np.cross(fwd, right)
    z = np.einsum("nmk,yk->nym", rel, fwd)
    x = np.einsum("nmk,yk->nym", rel, right)
    v = np.einsum("nmk,yk->nym", rel, down)
    inside = (z > 0.3) & (np.abs(x) <= tan_x * 0.95 * z) & (np.abs(v) <= tan_y * 0.95 * z)
    return inside, z


def _fov_tans(width: int, height: int, fov_y_deg: float) -> tuple[float, float]:
    ty = math.tan(math.radians(fov_y_deg) / 2.0)
    return ty * width / height, ty


def _weighted_centroid(boxes: list[_Box], scene: Scene, room: Room) -> np.ndarray:
    floor = [b for b in boxes if b.support_kind == "floor"] or boxes
    if not floor:
        return _rep_point(room)
    w = np.array([max(b.half[0] * b.half[1] * 4.0, 1e-3) for b in floor])
    c = np.stack([b.centre[:2] for b in floor])
    return (c * w[:, None]).sum(axis=0) / w.sum()


# ---------------------------------------------------------------------------------------------
# presets


def topdown(scene: Scene, *, width: int = 800, height: int | None = None, margin_m: float = 0.4) -> Camera:
    """An orthographic camera looking straight down (image up = world +Y, right = +X) that frames
    every room (walls included) and every object footprint with ``margin_m`` around them.

    ``height=None`` follows the scene's aspect; with both sizes given the tighter axis is framed and
    the other gets extra margin. ``hidden`` lists every ``ceiling_<room>`` (ceiling-mounted objects
    stay visible). ``meta`` records ``px_per_m`` and the world rectangle ``world_min``/``world_max``
    the image covers (pixel edges)."""
    lo, hi = _extent(scene)
    m = float(margin_m)
    x0, y0, x1, y1 = lo[0] - m, lo[1] - m, hi[0] + m, hi[1] + m
    ex, ey = max(x1 - x0, 1e-3), max(y1 - y0, 1e-3)
    w = int(width)
    if w < 1:
        raise RenderError(f"expected a positive image width, got {w}")
    h = max(1, int(round(w * ey / ex))) if height is None else int(height)
    if h < 1:
        raise RenderError(f"expected a positive image height, got {h}")
    ortho_h = max(ey, ex * h / w)
    cx, cy = float(x0 + x1) / 2.0, float(y0 + y1) / 2.0
    z = float(hi[2]) + 1.0
    ppm = h / ortho_h
    half_w, half_h = w / ppm / 2.0, ortho_h / 2.0
    meta = {"preset": "topdown", "px_per_m": round(float(ppm), 9),
            "world_min": [round(float(cx - half_w), 9), round(float(cy - half_h), 9)],
            "world_max": [round(float(cx + half_w), 9), round(float(cy + half_h), 9)]}
    return Camera.look_at("topdown", (cx, cy, z), (cx, cy, 0.0), width=w, height=h, projection="orthographic",
                          ortho_height_m=ortho_h, near=0.05, far=z - float(lo[2]) + 1.0,
                          hidden=tuple(f"ceiling_{r.id}" for r in scene.rooms), meta=meta)


def auto_perspective(scene: Scene, *, width: int = 640, height: int = 480, fov_y_deg: float = 70.0,
                     room: str | None = None) -> Camera:
    """A pinhole camera inside the room at eye height, in a free spot, looking at the most
    furnished part of the room (see "How the automatic view is chosen" in the module doc).

    ``room`` picks the room in a multi-room scene (default: the most furnished). ``meta`` records
    the room and the ids of the objects the chooser counted as in view."""
    w, h = _size(width, height, 480)
    rm = _pick_room(scene, room)
    z = eye_height(rm)
    objs = objects_in(scene, rm)
    boxes = [_box(o) for o in objs]
    spots = free_spots(scene, rm, z)
    eyes = np.concatenate([spots, np.full((len(spots), 1), z)], axis=1)
    target = _weighted_centroid(boxes, scene, rm)
    bonus = 0.05 * np.minimum(np.linalg.norm(spots - target, axis=1), 3.0)
    bonus += 0.02 * np.minimum(_clearance(scene, rm, spots, z), 1.0)
    yaws = np.arange(_YAWS) * (360.0 / _YAWS)
    tan_x, tan_y = _fov_tans(w, h, fov_y_deg)
    if boxes:
        weights = np.array([b.weight for b in boxes])
        centres = np.stack([b.centre for b in boxes])
        visible = ~(_occluded(eyes, boxes, _skip_sets(objs)) | _wall_blocked(rm, eyes, boxes))  # (N, M)
        rel = centres[None, :, :] - eyes[:, None, :]  # (N, M, 3)
        inside, depth = _in_frustum(rel, yaws, _SCORE_PITCH_DEG, tan_x, tan_y)
        near_factor = np.clip(depth / 1.2, 0.0, 1.0)
        counted = inside & visible[:, None, :]
        score = (counted * near_factor * weights).sum(axis=2) + bonus[:, None]  # (N, Y)
    else:
        score = np.broadcast_to(bonus[:, None], (len(spots), _YAWS))
    flat = int(np.argmax(score))
    ni, yi = divmod(flat, _YAWS)
    eye = eyes[ni]
    yaw = float(yaws[yi])
    seen: list[int] = []
    if boxes:
        seen = [int(j) for j in np.flatnonzero(counted[ni, yi])]
    if seen:
        ws = weights[seen]
        aim = (centres[seen, :2] * ws[:, None]).sum(axis=0) / ws.sum()
    else:
        aim = target
    if np.linalg.norm(aim - eye[:2]) > 0.3:
        turned = math.degrees(math.atan2(aim[1] - eye[1], aim[0] - eye[0])) % 360.0
        if seen:
            ins, _ = _in_frustum(rel[ni:ni + 1], np.array([turned]), _SCORE_PITCH_DEG, tan_x, tan_y)
            if bool(np.all(ins[0, 0, seen])):
                yaw = turned
        else:
            yaw = turned
    dist = float(np.linalg.norm(aim - eye[:2]))
    pitch = float(np.clip(math.degrees(math.atan2(z - 0.6, max(dist, 1e-3))), 8.0, 25.0))
    fwd = _direction(yaw, pitch)
    meta = {"preset": "perspective", "room": rm.id, "in_view": [objs[j].id for j in seen]}
    return Camera.look_at("perspective", eye, eye + fwd, width=w, height=h, fov_y_deg=float(fov_y_deg),
                          near=0.05, far=far_distance(scene, eye), meta=meta)


def _convex_corners(room: Room) -> list[tuple[np.ndarray, np.ndarray]]:
    """(vertex, inward unit bisector) of each convex corner of the (counter-clockwise) polygon."""
    pts = np.asarray(room.polygon, dtype=float)
    n = len(pts)
    out = []
    for i in range(n):
        a, v, b = pts[i - 1], pts[i], pts[(i + 1) % n]
        e1, e2 = v - a, b - v
        if e1[0] * e2[1] - e1[1] * e2[0] <= 1e-9:
            continue  # reflex or straight
        n1 = np.array([-e1[1], e1[0]]) / np.linalg.norm(e1)
        n2 = np.array([-e2[1], e2[0]]) / np.linalg.norm(e2)
        bis = n1 + n2
        out.append((v, bis / np.linalg.norm(bis)))
    return out


def _nudge(scene: Scene, room: Room, want: np.ndarray, z: float, wall_clearance: float) -> np.ndarray:
    """``want`` when it is a free spot, else the nearest free spot (5 cm grid within 1.5 m, then the
    room's coarse free spots)."""
    if is_free(scene, room, want[None, :], z, wall_clearance=wall_clearance)[0]:
        return want
    r = np.arange(-1.5, 1.5 + 1e-9, 0.05)
    gx, gy = np.meshgrid(r, r)
    pts = want + np.stack([gx.ravel(), gy.ravel()], axis=1)
    pts = pts[np.hypot(gx.ravel(), gy.ravel()) <= 1.5]
    mask = is_free(scene, room, pts, z, wall_clearance=wall_clearance)
    if not mask.any():
        pts = free_spots(scene, room, z)
        mask = np.ones(len(pts), dtype=bool)
    cand = pts[mask]
    d = np.linalg.norm(cand - want, axis=1)
    return cand[int(np.argmin(d))]


def corners(scene: Scene, *, width: int = 640, height: int = 480, fov_y_deg: float = 75.0,
            inset_m: float = 0.35) -> list[Camera]:
    """One view from each convex corner of each room (rooms in scene order, corners in polygon
    order), ``inset_m`` into the room along the corner's bisector at eye height, looking at the
    room's centroid (its pole of inaccessibility when the centroid is outside), pitched down 10-25
    degrees; a corner blocked by furniture is moved to the nearest free spot. Names
    ``corner_0``, ``corner_1``, ...; ``meta`` records the room and the corner vertex."""
    w, h = _size(width, height, 480)
    if not scene.rooms:
        raise RenderError("expected a scene with at least one room for corner views; add a room first")
    cams: list[Camera] = []
    half_fov_x = math.degrees(math.atan(_fov_tans(w, h, fov_y_deg)[0]))
    for rm in scene.rooms:
        z = eye_height(rm)
        centre = _rep_point(rm)
        boxes = [_box(o) for o in objects_in(scene, rm)]
        for vertex, bis in _convex_corners(rm):
            # step along the bisector until no tall piece fills the near field of the view
            first = None
            for inset in (float(inset_m),) + tuple(x for x in CORNER_INSETS_M if x > inset_m):
                pos = _nudge(scene, rm, vertex + bis * inset, z, CORNER_WALL_CLEARANCE_M)
                first = pos if first is None else first
                if not _near_blocked(pos, centre, boxes, z, half_fov_x):
                    break
            else:
                pos = first
            to = centre - pos
            dist = float(np.linalg.norm(to))
            if dist < 1e-3:
                to, dist = bis, 1.0
            yaw = math.degrees(math.atan2(to[1], to[0]))
            pitch = float(np.clip(math.degrees(math.atan2(z - 0.6, dist)), 10.0, 25.0))
            eye = np.array([pos[0], pos[1], z])
            name = f"corner_{len(cams)}"
            meta = {"preset": "corners", "room": rm.id, "corner": [round(float(c), 9) for c in vertex]}
            cams.append(Camera.look_at(name, eye, eye + _direction(yaw, pitch), width=w, height=h,
                                       fov_y_deg=float(fov_y_deg), near=0.05, far=far_distance(scene, eye), meta=meta))
    return cams


#: further insets tried along a corner's bisector when furniture blocks the view close up
CORNER_INSETS_M = (0.6, 0.9, 1.2)
#: a piece reaching above this far below the eye within NEAR_FIELD_M in the view blocks a corner view
NEAR_FIELD_M = 0.9


def _near_blocked(pos: np.ndarray, target: np.ndarray, boxes: list[_Box], z: float, half_fov_x: float) -> bool:
    """True when a tall piece stands within NEAR_FIELD_M of ``pos`` inside the horizontal field of
    view towards ``target`` (it would fill a side of the picture)."""
    heading = math.atan2(target[1] - pos[1], target[0] - pos[0])
    for b in boxes:
        if b.top < z - 0.7 or b.support_kind != "floor":
            continue
        fp = b.footprint
        # nearest point of the footprint polygon's edges to pos
        a, c = fp, np.roll(fp, -1, axis=0)
        ab = c - a
        t = np.clip(np.einsum("ij,ij->i", pos - a, ab) / np.maximum(np.einsum("ij,ij->i", ab, ab), 1e-12), 0, 1)
        q = a + ab * t[:, None]
        d = np.linalg.norm(q - pos, axis=1)
        k = int(np.argmin(d))
        if d[k] > NEAR_FIELD_M:
            continue
        ang = abs((math.atan2(q[k, 1] - pos[1], q[k, 0] - pos[0]) - heading + math.pi) % (2 * math.pi) - math.pi)
        if math.degrees(ang) < half_fov_x + 5.0:
            return True
    return False


def _shared_walls(scene: Scene) -> set[str]:
    """Walls that back onto another room's wall (antiparallel, within both thicknesses, overlapping)."""
    walls = scene.walls
    out: set[str] = set()
    for a in walls:
        da, na = np.asarray(a.direction), np.asarray(a.normal)
        sa = np.asarray(a.start)
        for b in walls:
            if b.room == a.room:
                continue
            db = np.asarray(b.direction)
            if float(da @ db) > -0.99:
                continue
            off = float(na @ (np.asarray(b.start) - sa))
            if not -(a.thickness + b.thickness + 0.02) <= off <= 0.02:
                continue
            t0, t1 = sorted((float(da @ (np.asarray(b.start) - sa)), float(da @ (np.asarray(b.end) - sa))))
            if min(t1, a.length) - max(t0, 0.0) > 0.1:
                out.add(a.id)
    return out


def orbit(scene: Scene, *, width: int = 640, height: int = 480, count: int = 1, elevation_deg: float = 40.0,
          azimuth_deg: float = 225.0, fov_y_deg: float = 50.0, cut_height_m: float = 1.1,
          room: str | None = None) -> list[Camera]:
    """Dollhouse views: cameras outside the room(s) at ``elevation_deg`` above the horizon and
    azimuths ``azimuth_deg + 360 k / count`` (counter-clockwise from +X; 225 looks from the
    south-west), aimed at the centre of the rooms' box 40 % up, far enough that the whole box
    (walls at full height) is in the frame with a 5 % margin.

    ``hidden`` = the ceilings. ``cutaway`` (drawn only below ``cut_height_m``) = every wall whose
    inner face the camera sees from behind (the camera is on the wall's outer side:
    ``dot(inward normal, camera - wall) < 0``), every wall shared with another room, the openings
    in those walls, and the objects hung on them (with what stands on those). ``room`` frames one
    room of a multi-room scene (the others' walls are still cut by the same rule)."""
    w, h = _size(width, height, 480)
    if int(count) < 1:
        raise RenderError(f"expected count >= 1 orbit views, got {count}")
    if not scene.rooms:
        raise RenderError("expected a scene with at least one room for an orbit view; add a room first")
    if room is not None:
        rm = _pick_room(scene, room)
        lo, hi = _extent(scene, rooms=(rm,), objects=objects_in(scene, rm))
    else:
        lo, hi = _extent(scene)
    hi = hi.copy()
    hi[2] = max(hi[2], max(r.height for r in scene.rooms))
    centre = np.array([(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0, lo[2] + 0.4 * (hi[2] - lo[2])])
    box = np.array([[x, y, zz] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for zz in (lo[2], hi[2])])
    tan_x, tan_y = _fov_tans(w, h, fov_y_deg)
    shared = _shared_walls(scene) if len(scene.rooms) > 1 else set()
    cams = []
    for k in range(int(count)):
        az = float(azimuth_deg) + 360.0 * k / int(count)
        el = math.radians(float(elevation_deg))
        a = math.radians(az)
        back = np.array([math.cos(el) * math.cos(a), math.cos(el) * math.sin(a), math.sin(el)])
        fwd = -back
        right = np.cross(fwd, [0.0, 0.0, 1.0])
        if np.linalg.norm(right) < 1e-6:
            right = np.cross(fwd, [0.0, 1.0, 0.0])
        right /= np.linalg.norm(right)
        down = np.cross(fwd, right)
        rel = box - centre
        x, y, zc = rel @ right, rel @ down, rel @ fwd
        dist = float(max(np.max(np.abs(x) / (0.95 * tan_x) - zc), np.max(np.abs(y) / (0.95 * tan_y) - zc), 0.5))
        eye = centre + back * dist
        cut = set(shared)
        for wall in scene.walls:
            n = np.asarray(wall.normal)
            if float(n @ (eye[:2] - np.asarray(wall.start))) < 0.0:
                cut.add(wall.id)
        cut_ids = [wl.id for wl in scene.walls if wl.id in cut]
        cut_ids += [o.id for _r, o in scene.openings() if o.wall in cut]
        hung = {o.id for o in scene.objects if o.support_kind == "wall" and o.support_target in cut}
        grew = True
        while grew:
            more = {o.id for o in scene.objects if o.support_kind == "object" and o.support_target in hung} - hung
            grew = bool(more)
            hung |= more
        cut_ids += [o.id for o in scene.objects if o.id in hung]
        far = float(np.linalg.norm(box - eye, axis=1).max() + _FAR_PAD_M)
        meta = {"preset": "orbit", "azimuth_deg": round(az % 360.0, 9), "elevation_deg": float(elevation_deg),
                "distance_m": round(dist, 6)}
        cams.append(Camera.look_at(f"orbit_{k}", eye, centre, width=w, height=h, fov_y_deg=float(fov_y_deg),
                                   near=0.05, far=far, hidden=tuple(f"ceiling_{r.id}" for r in scene.rooms),
                                   cutaway=tuple(cut_ids), cut_height_m=float(cut_height_m), meta=meta))
    return cams


def panorama(scene: Scene, *, width: int = 2048, height: int | None = None,
             position: Sequence[float] | None = None, heading_deg: float = 90.0, room: str | None = None,
             clearance: float = CLEARANCE_M, wall_clearance: float = WALL_CLEARANCE_M) -> Camera:
    """An equirectangular camera (``height`` defaults to ``width // 2``) at ``position`` (x, y[, z];
    z defaults to the eye height), or at the free spot (``clearance`` from objects,
    ``wall_clearance`` from walls, see :func:`free_spots`) nearest the room's centre at eye height.
    The image centre looks along ``heading_deg`` (counter-clockwise from +X; 90 = world +Y), the
    horizon is level."""
    w = int(width)
    h = max(1, w // 2) if height is None else int(height)
    if w < 1 or h < 1:
        raise RenderError(f"expected a positive panorama size, got {w}x{h}")
    if position is not None:
        p = [float(c) for c in position]
        if len(p) not in (2, 3):
            raise RenderError(f"expected a panorama position (x, y) or (x, y, z), got {tuple(position)}")
        rm = scene.room_at((p[0], p[1])) if scene.rooms else None
        z = p[2] if len(p) == 3 else (eye_height(rm) if rm is not None else EYE_HEIGHT_M)
        eye = np.array([p[0], p[1], z])
        room_id = rm.id if rm is not None else None
    else:
        rm = _pick_room(scene, room)
        z = eye_height(rm)
        spots = free_spots(scene, rm, z, clearance=clearance, wall_clearance=wall_clearance)
        centre = _rep_point(rm)
        d = np.linalg.norm(spots - centre, axis=1)
        best = spots[int(np.argmin(np.round(d, 9)))]
        eye = np.array([best[0], best[1], z])
        room_id = rm.id
    fwd = _direction(float(heading_deg), 0.0)
    meta = {"preset": "panorama", "room": room_id}
    far = far_distance(scene, eye) if scene.rooms or scene.objects else 100.0
    return Camera.look_at("panorama", eye, eye + fwd, width=w, height=h, projection="equirectangular",
                          near=0.05, far=far, meta=meta)


def preset(scene: Scene, name: str, *, width: int | None = None, height: int | None = None, **kw: Any) -> list[Camera]:
    """The cameras of preset ``name`` (one of :data:`PRESETS`) as a list, with the preset's default
    size (:data:`DEFAULT_SIZES`) unless ``width``/``height`` are given; other keywords go to the
    preset's function."""
    key = str(name).strip().lower()
    if key not in PRESETS:
        raise RenderError(f"unknown camera preset {name!r}: expected one of {', '.join(PRESETS)}")
    dw, dh = DEFAULT_SIZES[key]
    w = int(width) if width is not None else dw
    h = height if height is not None else (dh if width is None else None)
    if key == "topdown":
        return [topdown(scene, width=w, height=h, **kw)]
    if key == "panorama":
        return [panorama(scene, width=w, height=h, **kw)]
    if h is None:  # a width alone keeps the preset's 4:3 aspect
        h = max(1, int(round(w * (dh or w) / dw)))
    if key == "perspective":
        return [auto_perspective(scene, width=w, height=h, **kw)]
    if key == "corners":
        return corners(scene, width=w, height=h, **kw)
    return orbit(scene, width=w, height=h, **kw)
