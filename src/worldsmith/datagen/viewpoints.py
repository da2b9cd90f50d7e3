"""Camera sampling for synthetic datasets: random perspective views inside a room that show furniture.

:func:`sample_views` draws ``count`` cameras named ``v000``, ``v001``, ... (OpenCV pose, see
:mod:`worldsmith.render.camera`). Every view is drawn independently with the caller's
``numpy.random.Generator``; nothing else is random, so the same scene, generator state, config and
``camera_params`` give the same cameras, bit for bit. One **attempt** (a "try") is:

1. **Camera parameters.** ``camera_params()`` is called once per attempt and returns
   ``{"height_m", "fov_y_deg"}`` (default: 1.5 m and 70 degrees; the datagen randomizer passes its
   own draws). The eye height is clamped to ``[max(MIN_EYE_M, OBSTACLE_MIN_TOP_M + clearance_m),
   room height - max(clearance_m, CEILING_GAP_M)]``, so the eye keeps ``clearance_m`` from flat
   floor objects (rugs, not obstacles) and from the ceiling.
2. **Room.** Multi-room scenes: a room with probability proportional to the number of its objects
   (objects on its walls, others with their centre inside it; ceiling objects not counted); when no
   room holds any, proportional to floor area.
3. **Eye.** :data:`EYE_DRAWS` points drawn uniformly over the room polygon's bounding rectangle; the
   first one that is a free spot in the sense of :func:`worldsmith.render.cameras.is_free` with
   ``clearance=wall_clearance=clearance_m`` is the eye: inside the room polygon at least
   ``clearance_m`` from its walls and at least ``clearance_m`` (horizontally) from the footprint of
   every object in the way at that height (top above ``OBSTACLE_MIN_TOP_M`` = 0.3 m, bottom below
   eye + ``clearance_m``). Objects that are not in the way are either at least ``clearance_m``
   above the eye or below ``OBSTACLE_MIN_TOP_M``, which the height clamp keeps ``clearance_m``
   under the eye; so the eye is at least ``clearance_m`` from every object's 3D box (the tests check
   exactly this). No free draw: the attempt is rejected as ``occupied``.
4. **Target.** An object of the room, chosen with weight ``face x kind``: ``face`` is the box's
   largest face area (``max(w d, w h, d h)``, at least 0.01 m^2), ``kind`` is 1.0 for floor
   furniture (0.3 for flat floor items under 5 cm: rugs, mats), 0.4 for wall objects (their large
   face is the wall-facing one: curtains, paintings), 0.6 for objects standing on other objects,
   0.15 for ceiling objects. Objects whose box centre is closer than
   :data:`MIN_TARGET_DIST_M` (horizontally) to the eye are left out (the eye's own neighbourhood)
   unless nothing else is left. The look-at point is the box centre plus a jitter uniform in
   ``[-1/4, 1/4]`` of the box size along each of its own axes, its height clamped into the room
   (5 cm from floor and ceiling). A room without objects: a random heading, 10 degrees down.
5. **Probe.** The candidate is rendered (instance + depth only) at ``width / probe_scale`` x
   ``height / probe_scale`` (rounded, at least 8 px; same field of view) with ``render_fn``, and
   measured: ``near`` = share of pixels whose depth is below ``min_depth_m``; ``surface`` = the
   largest share of the image covered by ONE instance (a wall, floor, ceiling, door, window or
   object: a close-up of one wardrobe is as degenerate as one of a wall; the background does not
   count); ``objects`` = number of object instances whose
   pixel count, scaled to full resolution by ``(W H) / (w h)``, reaches the object threshold.
6. **Rules**, checked in this order; the first one broken names the rejection in the stats:
   ``too_close`` when ``near > NEAR_FRACTION`` (1 % of the pixels closer than ``min_depth_m``),
   ``one_surface`` when ``surface > max_wall_fraction``, ``few_objects`` when
   ``objects < min_objects`` with the threshold ``min_object_px``. When the probe is smaller than
   the frame (``probe_scale > 1``) the probe uses safety margins so that what it accepts also
   passes the rules on the full-resolution render (the tests render it and check): object pixels
   must reach ``PROBE_OBJECT_MARGIN`` (1.5) x ``min_object_px``, ``near`` must stay under
   ``PROBE_NEAR_MARGIN`` (0.5) x 1 %, ``surface`` under ``max_wall_fraction - PROBE_SURFACE_MARGIN``
   (0.05). With ``probe_scale == 1`` the rules are applied exactly.

The first attempt that passes is the view. **Relaxation**: after ``max_tries`` failed attempts no
new attempt is made; the rules are relaxed step by step over the candidates already probed (so a
view never costs more than ``max_tries`` probe renders and the loop always ends), taking at each
step the best candidate that passes (most qualifying objects, then least dominant surface, then
fewest near pixels, then the earliest):

* levels 1 .. ``min_objects - 1``: ``min_objects`` lowered by one per level down to 1;
* next: ``min_objects`` 1 and ``max_wall_fraction`` raised to at least :data:`RELAXED_WALL_FRACTION`;
* next: no object or surface rule (only ``too_close``);
* last: the best candidate, whatever it breaks.

When every attempt was ``occupied`` (no free spot found by random draws), the eye comes from
:func:`worldsmith.render.cameras.free_spots` (a grid, which relaxes the clearances itself when the
room is full), the target as above, and the view is taken as it is (level ``"clearance"``). Each
relaxed view is recorded in ``stats["relaxed"]`` as ``{"view", "level", "rules"}`` (and in its
camera's ``meta["relaxed"]``) and logged.

:func:`view_metrics` and :func:`view_failure` are the measurement and the rules, usable on any
rendered frame (the tests apply them to the full-resolution renders).

:func:`extra_views` adds the optional top-down (orthographic, the frame size) and equirectangular
panorama (``width x width / 2``, eye height 1.6 m at the free spot nearest the room's centre with
``clearance_m`` kept) cameras.

Performance note: the gl renderer keeps one scene uploaded, keyed by the scene object AND the
``daylight`` option; probe with the same ``render_fn`` options as the frames (pass
``functools.partial(worldsmith.render.render, backend="gl", daylight=d)``) or every switch re-uploads
the scene.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ..render.camera import Camera
from ..render.cameras import far_distance, objects_in
from ..scene import ObjectInstance, Room, Scene
from .errors import DatagenError

log = logging.getLogger(__name__)

__all__ = ["ViewConfig", "extra_views", "sample_views", "view_metrics", "view_failure", "RULES"]

#: share of pixels allowed closer than ``min_depth_m``
NEAR_FRACTION = 0.01
#: probe safety margins (used when ``probe_scale > 1``), see the module doc
PROBE_OBJECT_MARGIN = 1.5
PROBE_NEAR_MARGIN = 0.5
PROBE_SURFACE_MARGIN = 0.05
#: random eye positions drawn per attempt before it counts as ``occupied``
EYE_DRAWS = 32
#: lowest eye height (metres)
MIN_EYE_M = 0.7
#: smallest gap between the eye and the ceiling (metres), when ``clearance_m`` is smaller
CEILING_GAP_M = 0.3
#: targets closer than this (horizontally, metres) to the eye are avoided
MIN_TARGET_DIST_M = 1.0
#: the wall-fraction limit of the second-to-last relaxation level
RELAXED_WALL_FRACTION = 0.85
#: instance kinds that make up a "surface" for the one-surface rule
SHELL_KINDS = ("wall", "floor", "ceiling", "opening")
#: rejection reasons, in the order they are checked (``occupied`` comes before the probe)
RULES = ("occupied", "too_close", "one_surface", "few_objects")
#: camera near plane (metres)
NEAR_M = 0.05
_DEFAULT_PARAMS = {"height_m": 1.5, "fov_y_deg": 70.0}


@dataclass(frozen=True)
class ViewConfig:
    """How views are sampled and which are rejected (see the module doc for every rule).

    ``width``/``height``: frame size in pixels. ``clearance_m``: smallest horizontal distance from
    the eye to any obstacle footprint and to the walls. ``min_depth_m``: reject a view when more than
    1 % of its pixels are closer than this. ``max_wall_fraction``: reject a view when one wall,
    floor, ceiling, door, window or object covers more than this share of the image. ``min_objects``,
    ``min_object_px``: at least this many objects each covering at least this many pixels (at full
    resolution). ``probe_scale``: the degenerate-view checks render at ``1 / probe_scale`` of the
    frame size. ``max_tries``: probe renders per view before the rules are relaxed."""

    width: int = 640
    height: int = 480
    clearance_m: float = 0.35
    min_depth_m: float = 0.3
    max_wall_fraction: float = 0.6
    min_objects: int = 3
    min_object_px: int = 150
    probe_scale: int = 4
    max_tries: int = 40

    def __post_init__(self) -> None:
        for name in ("width", "height", "min_objects", "min_object_px", "probe_scale", "max_tries"):
            v = getattr(self, name)
            if not isinstance(v, (int, np.integer)) or isinstance(v, bool):
                raise DatagenError(f"view config: expected an integer {name}, got {v!r}")
        if not (8 <= self.width <= 8192 and 8 <= self.height <= 8192):
            raise DatagenError(f"view config: expected an image of 8 to 8192 px a side, got {self.width}x{self.height}")
        if self.min_objects < 0 or self.min_object_px < 1 or self.probe_scale < 1 or self.max_tries < 1:
            raise DatagenError("view config: expected min_objects >= 0, min_object_px >= 1, probe_scale >= 1 and "
                               f"max_tries >= 1, got {self.min_objects}, {self.min_object_px}, {self.probe_scale}, "
                               f"{self.max_tries}")
        if not (0.0 <= self.clearance_m <= 2.0 and 0.0 <= self.min_depth_m <= 5.0):
            raise DatagenError(f"view config: expected clearance_m in [0, 2] and min_depth_m in [0, 5], got "
                               f"{self.clearance_m} and {self.min_depth_m}")
        if not 0.0 < self.max_wall_fraction <= 1.0:
            raise DatagenError(f"view config: expected max_wall_fraction in (0, 1], got {self.max_wall_fraction}")

    @property
    def probe_size(self) -> tuple[int, int]:
        """(width, height) of the probe render."""
        return (max(8, int(round(self.width / self.probe_scale))), max(8, int(round(self.height / self.probe_scale))))


# ---------------------------------------------------------------------------------------------
# measuring a view


def view_metrics(frame: Any, *, min_depth_m: float, full_size: tuple[int, int] | None = None) -> dict[str, Any]:
    """What the rules look at in a rendered ``frame`` (needs ``instance`` and ``depth``):
    ``near`` (share of pixels with depth below ``min_depth_m``), ``surface`` (largest share of one
    instance: a wall, floor, ceiling or object) and ``object_px`` (object id -> pixel count scaled to ``full_size``, default the
    frame's own size)."""
    inst = np.asarray(frame["instance"])
    depth = np.asarray(frame["depth"])
    h, w = inst.shape
    total = float(h * w)
    counts = np.bincount(inst.ravel(), minlength=len(frame.instances))
    scale = 1.0 if full_size is None else (full_size[0] * full_size[1]) / total
    surface = 0.0
    object_px: dict[str, float] = {}
    for i, entry in enumerate(frame.instances):
        if i == 0 or i >= len(counts) or counts[i] == 0:
            continue
        if entry.get("kind") in SHELL_KINDS or entry.get("kind") == "object":
            # a close-up filling the picture with one wardrobe is as useless as one filling it with a wall
            surface = max(surface, counts[i] / total)
        if entry.get("kind") == "object":
            object_px[str(entry["id"])] = float(counts[i]) * scale
    near = float(np.count_nonzero(depth < float(min_depth_m))) / total
    return {"near": near, "surface": float(surface), "object_px": object_px}


def view_failure(metrics: dict[str, Any], *, min_objects: int, min_object_px: float, max_wall_fraction: float,
                 near_fraction: float = NEAR_FRACTION) -> str | None:
    """The first rule (``too_close``, ``one_surface``, ``few_objects``) ``metrics`` break, or None."""
    if metrics["near"] > near_fraction:
        return "too_close"
    if metrics["surface"] > max_wall_fraction:
        return "one_surface"
    if _objects(metrics, min_object_px) < min_objects:
        return "few_objects"
    return None


def _objects(metrics: dict[str, Any], min_px: float) -> int:
    return sum(1 for v in metrics["object_px"].values() if v >= min_px)


@dataclass(frozen=True)
class _Rules:
    min_objects: int
    max_wall_fraction: float
    near: bool = True  # the too_close rule

    def check(self, m: dict[str, Any], cfg: ViewConfig) -> str | None:
        margin = cfg.probe_scale > 1
        wall = self.max_wall_fraction
        if margin and wall < 1.0:
            wall -= PROBE_SURFACE_MARGIN
        near = NEAR_FRACTION * (PROBE_NEAR_MARGIN if margin else 1.0) if self.near else 1.0
        px = cfg.min_object_px * (PROBE_OBJECT_MARGIN if margin else 1.0)
        return view_failure(m, min_objects=self.min_objects, min_object_px=px, max_wall_fraction=wall,
                            near_fraction=near)

    def to_dict(self) -> dict[str, Any]:
        return {"min_objects": self.min_objects, "max_wall_fraction": self.max_wall_fraction, "too_close": self.near}


def _ladder(cfg: ViewConfig) -> list[_Rules]:
    """The relaxation levels after the configured rules (level 0), see the module doc."""
    out = [_Rules(k, cfg.max_wall_fraction) for k in range(cfg.min_objects - 1, 0, -1)]
    out.append(_Rules(min(1, cfg.min_objects), max(cfg.max_wall_fraction, RELAXED_WALL_FRACTION)))
    out.append(_Rules(0, 1.0))
    return out


# ---------------------------------------------------------------------------------------------
# rooms, eyes, targets


def _room_weights(scene: Scene) -> np.ndarray:
    n = np.array([sum(1 for o in objects_in(scene, r) if o.support_kind != "ceiling") for r in scene.rooms], float)
    if n.sum() <= 0:
        n = np.array([max(r.area, 1e-6) for r in scene.rooms], float)
    return n / n.sum()


def _eye_range(room: Room, cfg: ViewConfig) -> tuple[float, float]:
    from ..render.cameras import OBSTACLE_MIN_TOP_M

    lo = max(MIN_EYE_M, OBSTACLE_MIN_TOP_M + cfg.clearance_m)
    hi = room.height - max(cfg.clearance_m, CEILING_GAP_M)
    return lo, max(lo, hi)


def _draw_eye(scene: Scene, room: Room, z: float, rng: np.random.Generator, cfg: ViewConfig) -> np.ndarray | None:
    from ..render.cameras import is_free

    pts = np.asarray(room.polygon, dtype=float)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    cand = lo + rng.random((EYE_DRAWS, 2)) * (hi - lo)
    ok = is_free(scene, room, cand, z, clearance=cfg.clearance_m, wall_clearance=cfg.clearance_m)
    if not ok.any():
        return None
    return cand[int(np.argmax(ok))]


def _weight(o: ObjectInstance) -> float:
    w, d, h = (float(v) for v in o.size)
    face = max(w * d, w * h, d * h, 0.01)
    kind = o.support_kind
    if kind == "floor":
        k = 0.3 if h < 0.05 else 1.0
    elif kind == "wall":
        k = 0.4
    elif kind == "object":
        k = 0.6
    else:
        k = 0.15
    return face * k


def _box_centre(o: ObjectInstance) -> np.ndarray:
    return np.array([o.position[0], o.position[1], o.position[2] + o.size[2] / 2.0])


def _draw_target(scene: Scene, room: Room, eye: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, str | None]:
    objs = objects_in(scene, room)
    if not objs:
        yaw = rng.uniform(0.0, 2.0 * math.pi)
        p = math.radians(10.0)
        return eye + 2.0 * np.array([math.cos(p) * math.cos(yaw), math.cos(p) * math.sin(yaw), -math.sin(p)]), None
    far = [o for o in objs if np.linalg.norm(_box_centre(o)[:2] - eye[:2]) >= MIN_TARGET_DIST_M]
    pool = far or objs
    wts = np.array([_weight(o) for o in pool])
    o = pool[int(rng.choice(len(pool), p=wts / wts.sum()))]
    t = math.radians(o.yaw_deg)
    axes = np.array([[math.cos(t), math.sin(t), 0.0], [-math.sin(t), math.cos(t), 0.0], [0.0, 0.0, 1.0]])
    jitter = (rng.random(3) * 2.0 - 1.0) * 0.25 * np.asarray(o.size, dtype=float)
    target = _box_centre(o) + jitter @ axes
    target[2] = float(np.clip(target[2], 0.05, room.height - 0.05))
    if np.linalg.norm(target - eye) < 1e-3:
        target = target + np.array([0.0, 0.0, -0.5])
    return target, o.id


def _params(camera_params: Callable[[], dict] | None) -> tuple[float, float]:
    p = dict(_DEFAULT_PARAMS) if camera_params is None else camera_params()
    try:
        z, fov = float(p["height_m"]), float(p["fov_y_deg"])
    except (KeyError, TypeError, ValueError):
        raise DatagenError(f"camera_params() must return {{'height_m': float, 'fov_y_deg': float}}, got {p!r}") from None
    if not (math.isfinite(z) and 1.0 <= fov <= 170.0):
        raise DatagenError(f"camera_params(): expected a finite height_m and fov_y_deg in [1, 170], got {z}, {fov}")
    return z, fov


def _default_render(scene: Scene, camera: Camera, outputs: Any) -> Any:
    from ..render import render

    return render(scene, camera, outputs, backend="gl")


def _r(v: Any) -> list[float]:
    return [round(float(x), 6) + 0.0 for x in v]


# ---------------------------------------------------------------------------------------------
# the sampler


def sample_views(scene: Scene, rng: np.random.Generator, count: int, cfg: ViewConfig | None = None, *,
                 camera_params: Callable[[], dict] | None = None,
                 render_fn: Callable[..., Any] | None = None) -> tuple[list[Camera], dict[str, Any]]:
    """``count`` perspective cameras named ``v000``, ``v001``, ... inside ``scene``'s rooms, each
    passing the degenerate-view rules (or relaxed, recorded), and the sampling stats
    ``{"tries", "rejected": {"occupied", "too_close", "one_surface", "few_objects"}, "relaxed": [...]}``.
    See the module doc for every step. ``render_fn(scene, camera, outputs) -> Frame`` renders the
    probes (default: :func:`worldsmith.render.render` with the ``gl`` backend)."""
    cfg = ViewConfig() if cfg is None else cfg
    if not isinstance(rng, np.random.Generator):
        raise DatagenError(f"expected a numpy.random.Generator, got {type(rng).__name__}")
    if not isinstance(count, (int, np.integer)) or isinstance(count, bool) or count < 0:
        raise DatagenError(f"expected a view count >= 0, got {count!r}")
    if not scene.rooms:
        raise DatagenError("expected a scene with at least one room to place cameras in")
    render_fn = _default_render if render_fn is None else render_fn
    probe_w, probe_h = cfg.probe_size
    weights = _room_weights(scene)
    base = _Rules(cfg.min_objects, cfg.max_wall_fraction)
    stats: dict[str, Any] = {"tries": 0, "rejected": {k: 0 for k in RULES}, "relaxed": []}
    cams: list[Camera] = []

    def candidate(name: str, room: Room, eye: np.ndarray, fov: float) -> tuple[Camera, dict[str, Any]]:
        target, obj = _draw_target(scene, room, eye, rng)
        meta = {"preset": "datagen", "room": room.id, "target": _r(target), "target_object": obj}
        cam = Camera.look_at(name, eye, target, width=cfg.width, height=cfg.height, fov_y_deg=fov, near=NEAR_M,
                             far=far_distance(scene, eye), meta=meta)
        probe = render_fn(scene, cam.replace(width=probe_w, height=probe_h), {"instance", "depth"})
        return cam, view_metrics(probe, min_depth_m=cfg.min_depth_m, full_size=(cfg.width, cfg.height))

    for v in range(int(count)):
        name = f"v{v:03d}"
        tried: list[tuple[Camera, dict[str, Any]]] = []
        chosen: Camera | None = None
        for _ in range(cfg.max_tries):
            stats["tries"] += 1
            height_m, fov = _params(camera_params)
            room = scene.rooms[int(rng.choice(len(scene.rooms), p=weights))] if len(scene.rooms) > 1 else scene.rooms[0]
            lo, hi = _eye_range(room, cfg)
            z = float(np.clip(height_m, lo, hi))
            xy = _draw_eye(scene, room, z, rng, cfg)
            if xy is None:
                stats["rejected"]["occupied"] += 1
                continue
            cam, m = candidate(name, room, np.array([xy[0], xy[1], z]), fov)
            why = base.check(m, cfg)
            if why is None:
                chosen = cam
                break
            stats["rejected"][why] += 1
            tried.append((cam, m))
        if chosen is None:
            chosen = _relax(scene, rng, cfg, name, tried, stats, candidate, camera_params, weights)
        cams.append(chosen)
    return cams, stats


def _score(m: dict[str, Any], cfg: ViewConfig, index: int) -> tuple:
    return (_objects(m, cfg.min_object_px * (PROBE_OBJECT_MARGIN if cfg.probe_scale > 1 else 1.0)),
            -m["surface"], -m["near"], -index)


def _relax(scene: Scene, rng: np.random.Generator, cfg: ViewConfig, name: str,
           tried: list[tuple[Camera, dict[str, Any]]], stats: dict[str, Any], candidate: Callable,
           camera_params: Callable[[], dict] | None, weights: np.ndarray) -> Camera:
    """The best already-probed candidate of the first relaxation level that has one (module doc)."""
    levels: list[tuple[Any, _Rules | None]] = [(i + 1, r) for i, r in enumerate(_ladder(cfg))]
    levels.append((len(levels) + 1, None))
    if tried:
        for level, rules in levels:
            ok = [(i, c, m) for i, (c, m) in enumerate(tried) if rules is None or rules.check(m, cfg) is None]
            if not ok:
                continue
            i, cam, m = max(ok, key=lambda t: _score(t[2], cfg, t[0]))
            record = {"view": name, "level": level, "rules": rules.to_dict() if rules is not None else "none"}
            log.info("view %s: no view passed the rules in %d tries; relaxed to level %s (%s)", name, cfg.max_tries,
                     level, record["rules"])
            stats["relaxed"].append(record)
            return cam.replace(meta={**cam.meta, "relaxed": level})
    # every attempt found the room occupied: a grid free spot (clearances relaxed by free_spots itself)
    from ..render.cameras import free_spots

    height_m, fov = _params(camera_params)
    room = scene.rooms[int(rng.choice(len(scene.rooms), p=weights))] if len(scene.rooms) > 1 else scene.rooms[0]
    lo, hi = _eye_range(room, cfg)
    z = float(np.clip(height_m, lo, hi))
    spots = free_spots(scene, room, z, clearance=cfg.clearance_m, wall_clearance=cfg.clearance_m)
    xy = spots[int(rng.integers(len(spots)))]
    cam, _m = candidate(name, room, np.array([xy[0], xy[1], z]), fov)
    log.warning("view %s: no free spot found by %d random draws in %d tries; took a grid spot in room %s", name,
                EYE_DRAWS, cfg.max_tries, room.id)
    stats["relaxed"].append({"view": name, "level": "clearance", "rules": "none"})
    return cam.replace(meta={**cam.meta, "relaxed": "clearance"})


# ---------------------------------------------------------------------------------------------
# optional views


def extra_views(scene: Scene, cfg: ViewConfig | None = None, *, topdown: bool, panorama: bool) -> list[Camera]:
    """The optional views, in this order: ``topdown`` (orthographic straight down framing the whole
    scene, :func:`worldsmith.render.cameras.topdown`, ``cfg.width x cfg.height``) and ``panorama``
    (equirectangular, ``cfg.width x cfg.width // 2``, :func:`worldsmith.render.cameras.panorama`:
    eye height, the free spot ``clearance_m`` from obstacles and walls nearest the centre of the
    preset's room). Deterministic."""
    from ..render import cameras as presets

    cfg = ViewConfig() if cfg is None else cfg
    if not scene.rooms:
        raise DatagenError("expected a scene with at least one room for the extra views")
    out: list[Camera] = []
    if topdown:
        out.append(presets.topdown(scene, width=cfg.width, height=cfg.height))
    if panorama:
        out.append(presets.panorama(scene, width=cfg.width, height=max(1, cfg.width // 2),
                                    clearance=cfg.clearance_m, wall_clearance=cfg.clearance_m))
    return out
