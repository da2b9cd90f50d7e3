"""Close views of a container: one camera per support surface (and one of the whole object).

Every camera here is computed from the scene alone (no renderer needed); an image is rendered only
when a pointing or choosing model needs it or views are written (:func:`render_view`).

**Open tops** (a surface with nothing of its object above it: table tops, counters, beds, the top
of a shelf, a plate's well): a perspective camera (``VIEW_FOV_DEG`` vertical field of view) in
front of the object (its local +Y side) and above, looking down at ``TOP_ELEVATION_DEG`` at the
surface's centre, so the back edge is at the top of the image and the front edge at the bottom.

**Shelf levels** (a surface with a clearance: every level of a bookshelf under the one above):
a camera in front, slightly above, looking at the level's slot: elevation
``min(SHELF_MAX_ELEVATION_DEG, SHELF_ELEVATION_SHARE * atan(clearance / depth))``, shallow enough
that the line of sight to the back of the level passes under the front edge of the board above.

**Framing**: the camera backs away along its viewing direction until the framed points (the
surface polygon's corners at the surface height, plus the same corners ``TOP_FRAME_HEIGHT_M``
higher on open tops, or at the clearance height on shelves) all project inside the image with
``FRAME_MARGIN`` of the width and height kept free on every side (bisection to 1 mm).

**Hidden** (:attr:`Camera.hidden`): every ceiling; every wall the eye is behind (less than 2 cm
inside its inner face); every object whose bounding box one of the sight lines from the eye to the
surface (its centre and its corners pulled 10 % in, 1 cm above it) passes through, unless it is
the container, rests on it (directly or through others), carries it (its support chain), or is an
obstacle on the surface (its box reaches into the space up to ``VIEW_OBSTACLE_H_M`` above the
surface, or up to the shelf above, over the surface's bounding box grown by 2 cm): the model must
see what is in the way, not what merely blocks the camera.

**Overlay** (:func:`render_view`): the outline of where things may stand (the surface polygon
shrunk by its edge margin) drawn in ``OUTLINE_RGB``, and optional point marks (accepted points
green, rejected ones red).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ...assets import object_transform, support_surfaces
from ...render.camera import Camera
from ...scene import ObjectInstance, Scene
from ...scene.geometry import footprint, front_direction

TOP_ELEVATION_DEG = 60.0
SHELF_MAX_ELEVATION_DEG = 20.0
SHELF_ELEVATION_SHARE = 0.6
OBJECT_ELEVATION_DEG = 35.0
VIEW_FOV_DEG = 50.0
FRAME_MARGIN = 0.06
TOP_FRAME_HEIGHT_M = 0.15
VIEW_OBSTACLE_H_M = 0.5
OUTLINE_RGB = (255, 0, 200)
ACCEPTED_RGB = (0, 200, 60)
REJECTED_RGB = (230, 30, 30)


@dataclass(frozen=True)
class SurfaceView:
    """The close view of surface ``surface`` of object ``target``: its ``camera``, the surface's
    ``name`` and world height ``z``, its polygon in the world frame (x, y), and ``kind``: "top"
    (open above) or "shelf" (a level under another)."""

    camera: Camera
    target: str
    surface: int
    name: str
    z: float
    polygon: tuple[tuple[float, float], ...]
    kind: str
    width_m: float
    depth_m: float


def _support_chain(scene: Scene, obj: ObjectInstance) -> set[str]:
    out: set[str] = set()
    cur = obj
    while cur.support_kind == "object" and cur.support_target and cur.support_target not in out:
        out.add(cur.support_target)
        nxt = scene.object_map.get(cur.support_target)
        if nxt is None:
            break
        cur = nxt
    return out


def _dependents(scene: Scene, object_id: str) -> set[str]:
    out: set[str] = set()
    frontier = {object_id}
    while frontier:
        nxt = {o.id for o in scene.objects if o.support_kind == "object" and o.support_target in frontier} - out
        out |= nxt
        frontier = nxt
    return out


def _aabb(obj: ObjectInstance) -> tuple[np.ndarray, np.ndarray]:
    fp = np.array(footprint(obj.position, obj.size, obj.yaw_deg))
    lo = np.array([fp[:, 0].min(), fp[:, 1].min(), obj.position[2]])
    hi = np.array([fp[:, 0].max(), fp[:, 1].max(), obj.position[2] + obj.size[2]])
    return lo, hi


def _segment_hits(eye: np.ndarray, ends: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> bool:
    """Whether any segment eye -> ends[k] passes through the box [lo, hi] (slab test)."""
    d = ends - eye  # (K, 3)
    with np.errstate(divide="ignore", invalid="ignore"):
        t0 = (lo - eye) / d
        t1 = (hi - eye) / d
    tmin = np.where(np.isnan(t0), -np.inf, np.minimum(t0, t1))
    tmax = np.where(np.isnan(t1), np.inf, np.maximum(t0, t1))
    # a zero direction component: inside the slab -> no constraint, outside -> never
    flat = d == 0
    inside = (eye >= lo) & (eye <= hi)
    tmin = np.where(flat, np.where(inside, -np.inf, np.inf), tmin)
    tmax = np.where(flat, np.where(inside, np.inf, -np.inf), tmax)
    enter = np.maximum(tmin.max(1), 0.0)
    leave = np.minimum(tmax.min(1), 0.999)
    return bool((enter < leave).any())


def hidden_for(scene: Scene, target: ObjectInstance, eye: np.ndarray, sights: np.ndarray,
               region: tuple[np.ndarray, np.ndarray] | None) -> tuple[str, ...]:
    """The scene nodes a close view leaves out (see the module docstring): ceilings, walls the eye
    is behind, and objects on the sight lines (eye -> ``sights``) that are not the target, on it,
    under it, or inside ``region`` (the obstacle box (lo, hi) above the surface)."""
    out = [f"ceiling_{r.id}" for r in scene.rooms]
    for wall in scene.walls:
        rel = (eye[0] - wall.start[0]) * wall.normal[0] + (eye[1] - wall.start[1]) * wall.normal[1]
        if rel < 0.02:
            out.append(wall.id)
    keep = {target.id} | _dependents(scene, target.id) | _support_chain(scene, target)
    for obj in scene.objects:
        if obj.id in keep:
            continue
        lo, hi = _aabb(obj)
        if region is not None and bool(np.all(lo < region[1]) and np.all(hi > region[0])):
            continue  # an obstacle on the surface: the model must see it
        if _segment_hits(eye, sights, lo, hi):
            out.append(obj.id)
    return tuple(out)


def _fit_camera(name: str, look: np.ndarray, direction: np.ndarray, frame_pts: np.ndarray, size: tuple[int, int],
                fov_y_deg: float) -> Camera:
    """The camera on the ray look + t * direction (looking at ``look``) nearest to ``look`` that
    shows every frame point with the margin kept."""
    w, h = int(size[0]), int(size[1])

    def camera_at(dist: float) -> Camera:
        return Camera.look_at(name, look + dist * direction, look, width=w, height=h, fov_y_deg=fov_y_deg,
                              near=0.01, far=max(50.0, 4.0 * dist))

    def fits(dist: float) -> bool:
        cam = camera_at(dist)
        uv, depth = cam.project(frame_pts)
        if not np.all(depth > cam.near):
            return False
        x = (uv[:, 0] + 0.5) / w
        y = (uv[:, 1] + 0.5) / h
        m = FRAME_MARGIN
        return bool(np.all((x >= m) & (x <= 1 - m) & (y >= m) & (y <= 1 - m)))

    lo, hi = 0.02, 0.5
    while not fits(hi) and hi < 200.0:
        lo, hi = hi, hi * 2.0
    while hi - lo > 1e-3:
        mid = 0.5 * (lo + hi)
        if fits(mid):
            hi = mid
        else:
            lo = mid
    return camera_at(hi)


def _direction(yaw_deg: float, elevation_deg: float) -> np.ndarray:
    fx, fy = front_direction(yaw_deg)
    e = math.radians(elevation_deg)
    return np.array([fx * math.cos(e), fy * math.cos(e), math.sin(e)])


def surface_view(scene: Scene, target_id: str, index: int, size: Sequence[int] = (512, 512),
                 fov_y_deg: float = VIEW_FOV_DEG) -> SurfaceView:
    """The close view of surface ``index`` of ``target_id`` (see the module docstring)."""
    target = scene.object(target_id)
    surf = next(s for s in support_surfaces(target) if s.index == index)
    T = object_transform(target)
    poly = np.array(surf.polygon, dtype=float)
    zs = target.position[2] + surf.z
    world = (T @ np.c_[poly, np.zeros(len(poly)), np.ones(len(poly))].T).T[:, :2]
    x0, y0 = poly.min(0)
    x1, y1 = poly.max(0)
    width_m, depth_m = float(x1 - x0), float(y1 - y0)
    centre = world.mean(0)
    base = np.c_[world, np.full(len(world), zs)]
    if surf.clearance_m is None:
        kind = "top"
        elevation = TOP_ELEVATION_DEG
        look = np.array([centre[0], centre[1], zs])
        frame = np.vstack([base, base + [0.0, 0.0, TOP_FRAME_HEIGHT_M]])
        top = zs + VIEW_OBSTACLE_H_M
    else:
        kind = "shelf"
        c = float(surf.clearance_m)
        elevation = min(SHELF_MAX_ELEVATION_DEG, SHELF_ELEVATION_SHARE * math.degrees(math.atan2(c, max(depth_m, 1e-6))))
        look = np.array([centre[0], centre[1], zs + 0.4 * c])
        frame = np.vstack([base, base + [0.0, 0.0, c]])
        top = zs + c
    name = f"{target_id}_s{index}"
    cam = _fit_camera(name, look, _direction(target.yaw_deg, elevation), frame, (int(size[0]), int(size[1])),
                      fov_y_deg)
    sights = np.vstack([centre, centre + 0.9 * (world - centre)])
    sights = np.c_[sights, np.full(len(sights), zs + 0.01)]
    region = (np.array([world[:, 0].min() - 0.02, world[:, 1].min() - 0.02, zs + 0.003]),
              np.array([world[:, 0].max() + 0.02, world[:, 1].max() + 0.02, top]))
    cam = cam.replace(hidden=hidden_for(scene, target, cam.position, sights, region),
                      meta={"target": target_id, "surface": index, "kind": kind})
    return SurfaceView(cam, target_id, index, surf.name, float(zs), tuple((float(a), float(b)) for a, b in world),
                       kind, width_m, depth_m)


def object_view(scene: Scene, target_id: str, size: Sequence[int] = (512, 512),
                fov_y_deg: float = VIEW_FOV_DEG) -> Camera:
    """A view of the whole object from its front, ``OBJECT_ELEVATION_DEG`` above the horizontal,
    framing its bounding box (what the chooser sees)."""
    target = scene.object(target_id)
    w, d, h = target.size
    corners = np.array([[sx * w / 2, sy * d / 2, z, 1.0] for sx in (-1, 1) for sy in (-1, 1) for z in (0.0, h)])
    world = (object_transform(target) @ corners.T).T[:, :3]
    look = world.mean(0)
    cam = _fit_camera(f"{target_id}_object", look, _direction(target.yaw_deg, OBJECT_ELEVATION_DEG), world,
                      (int(size[0]), int(size[1])), fov_y_deg)
    sights = look + 0.9 * (world - look)
    return cam.replace(hidden=hidden_for(scene, target, cam.position, np.vstack([look, sights]), None),
                       meta={"target": target_id, "kind": "object"})


def render_view(scene: Scene, camera: Camera, outline: Sequence[Sequence[float]] | None = None,
                z: float = 0.0, marks: Sequence[tuple[float, float, bool]] = ()) -> np.ndarray:
    """The RGB image (H x W x 3 uint8) of ``camera`` (``gl`` renderer) with the overlay: the world
    polygon ``outline`` at height ``z`` and point ``marks`` ((x, y) normalised, accepted?)."""
    from PIL import Image, ImageDraw

    from ...render import render
    from .pointing import normalise

    frame = render(scene, camera, ("rgb",), backend="gl")
    img = Image.fromarray(np.ascontiguousarray(frame.rgb))
    draw = ImageDraw.Draw(img)
    lw = max(1, round(min(camera.width, camera.height) / 256))
    if outline is not None and len(outline) >= 3:
        pts = normalise(camera, np.c_[np.asarray(outline, float), np.full(len(outline), z)])
        px = [(float(x) / 100 * camera.width, float(y) / 100 * camera.height) for x, y in pts]
        draw.line(px + px[:1], fill=OUTLINE_RGB, width=lw)
    r = 2 * lw + 1
    for x, y, ok in marks:
        cx, cy = x / 100 * camera.width, y / 100 * camera.height
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=ACCEPTED_RGB if ok else REJECTED_RGB, width=lw)
    return np.asarray(img)
