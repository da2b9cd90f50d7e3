"""Path-traced backend ``pbr``: Mitsuba 3 (``llvm_ad_rgb``, CPU) with exact ground truth by ray casting.

:class:`PBRRenderer` implements the :class:`~worldsmith.render.Renderer` protocol. One call
renders any subset of :data:`~worldsmith.render.frame.OUTPUTS`:

* ``rgb``: a path-traced image (Mitsuba's ``path`` integrator, :data:`MAX_DEPTH` bounces, Russian
  roulette from :data:`RR_DEPTH`) at ``spp`` samples per pixel with a **box** pixel filter (each
  sample lands only in its own pixel, so the image is bit-for-bit deterministic in
  ``(scene, camera, spp, seed)``), scaled by :func:`worldsmith.render.lighting.exposure`, cleared
  of fireflies (:func:`despeckle`: light bouncing off a lampshade's hot inside reaches a wall
  pixel through one rare sample) and tone mapped (the same ACES curve and sRGB encoding as the
  ``gl`` backend: :func:`worldsmith.render.tonemap.to_display`).
* ``depth``, ``instance``, ``semantic``, ``normal``, ``albedo``: **exact**, one ray per pixel
  centre (:meth:`Camera.rays`) cast with ``Scene.ray_intersect`` against the same triangles; no
  anti-aliasing, no tone mapping. Rays start at the near plane and stop at the far plane.

Scene conversion (:func:`scene_geometry` surfaces -> Mitsuba):

* Meshes: unindexed triangles with the per-corner normals of :class:`Surface` and, for textured
  looks, UVs ``(u, -v)`` (Mitsuba's bitmaps put row 0 at ``v = 0``; ours have ``v`` up). One
  Mitsuba mesh per (look, emitter); a per-triangle table maps ``(shape, primitive)`` back to the
  instance id, so ids stay exact however surfaces are grouped.
* Materials: a two-sided ``principled`` BSDF per :class:`Look` (base colour, roughness, metallic);
  textured looks use their albedo (sRGB) and roughness maps and their normal map through the
  ``normalmap`` wrapper, with nearest-texel lookups (the pixel's samples filter them; bilinear
  lookups cost 15 % more render time for no visible gain). Transparent looks (alpha < 1): glossy ones (roughness <= 0.25) are a
  ``thindielectric`` tinted by the base colour, others a ``mask`` of opacity alpha.
* Lights (:func:`worldsmith.render.lighting.scene_lights`, photometric units: 1 unit of radiance =
  1 cd/m^2, colours with max channel 1):

  - ``point``: a ``point`` emitter of ``intensity_cd * colour``. A point light inside a fixture
    with emissive parts (a bulb in its shade; inside: most rays from the light hit the fixture,
    see :data:`ENCLOSED_FRACTION`) would be blocked by that mesh, so the fixture's
    emissive triangles that can light the room become ``area`` emitters carrying the light's flux
    (radiance ``lumens / (pi * emitting area) * colour``) and the point emitter is dropped. A
    triangle carries light when it faces away from the light's position and the ray along its
    normal leaves the fixture (nothing of the fixture in the way, no other geometry within
    :data:`CLEARANCE_M`): the outside of a lampshade glows, its inside and a bulb inside it stay
    unlit (they would only add hidden, noisy samples). ``Frame.stats["fixture_lights"]`` lists the
    lights carried so. A point light enclosed by geometry without emissive parts is moved just
    below its fixture (logged).
  - ``spot``: a ``spot`` emitter (``cutoff_angle`` = half the cone, soft over the outer 20 %),
    moved forward out of its fixture when the cone axis is blocked.
  - ``area``: a one-sided ``rectangle`` emitter of ``area_size`` facing ``direction``, radiance
    ``lumens / (pi * area) * colour`` (Lambertian, total flux = lumens), moved forward like a spot
    when its axis is blocked.
  - Daylight windows: the same rectangle, placed just outside the window's glass so the frame and
    mullions stay in front of the bright "sky" and cast shadows. The glass of such a window is left
    out of the path-traced scene (a shadow ray cannot pass glass in Mitsuba, the window would
    light nothing); it stays in the ground truth. A window that is hidden or cut away keeps its
    glass and gets no panel.
  - Environment: a ``constant`` sky of radiance ``daylight * ENV_FRACTION * average illuminance /
    pi`` in the daylight's colour (``daylight_kelvin``, default 6500 K), seen through windows
    without a panel and through hidden ceilings / cut walls; none when ``daylight`` is 0.
  - Emissive looks not tied to a converted light glow with radiance ``emission * EMISSION_SCALE /
    exposure``: on screen they show the display value ``emission * EMISSION_SCALE`` (before tone
    mapping), as in ``gl``.

  Emitters are sampled in proportion to their flux.

* A scene without any light (no lamps, no daylight) is drawn flat-lit from its albedo (display
  value :data:`UNLIT_EXPOSURE` for white) instead of black, as the ``gl`` backend does.
* Views: ``camera.hidden`` nodes (and the openings of hidden walls) are left out;
  ``camera.cutaway`` nodes (and the openings of cut walls) are clipped to ``z <= cut_height_m``
  (triangles are split at the plane, so wall boxes really open up).

The converted scene is cached per (scene object, hidden set, cutaway set and height, daylight and
its colour temperature), and
:func:`scene_geometry` per scene object, so several views of one scene build it once.

Cost (2 cores, llvm): about 0.5 us of CPU per sample in a furnished room, so 640 x 480 at 64 spp
takes about 9 s per view and 16 spp about 2.5 s; the ground truth of a view about 0.1 s; the first
render of a new material set compiles a kernel (about 1 s, cached on disk by Dr.Jit).
"""

from __future__ import annotations

import logging
import math
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

import numpy as np

from ..materials.colors import linear_to_srgb_array, srgb_to_linear_array
from .camera import Camera
from .errors import RenderError
from .frame import Frame, parse_outputs
from . import lighting
from .lighting import EMISSION_SCALE, UNLIT_EXPOSURE
from .tonemap import to_display

if TYPE_CHECKING:
    from ..scene import Scene
    from .scenegeom import Look, SceneGeometry, Surface

log = logging.getLogger(__name__)

VARIANT = "llvm_ad_rgb"
#: path length (Mitsuba's max_depth: 1 = emitters only, 2 = direct light) and Russian-roulette start
MAX_DEPTH = 6
RR_DEPTH = 3
#: texture resolution for the path tracer (px per tile side)
TEXTURE_RES = 512
#: sky radiance as a fraction of the average direct illuminance (times daylight), see the module doc
ENV_FRACTION = 0.5
#: textured looks use their normal maps (Mitsuba's ``normalmap`` wrapper)
NORMAL_MAPS = True
#: transparent looks at most this rough are thin glass; rougher ones are an alpha mask
GLASS_MAX_ROUGHNESS = 0.25
#: a light is inside its fixture when more than this fraction of rays from it hit the fixture
ENCLOSED_FRACTION = 0.5
#: an emissive triangle whose normal hits geometry this close (a ceiling above a fixture) does not emit
CLEARANCE_M = 0.05
#: samples traced per Mitsuba launch (bounds memory; 640 x 480 at 64 spp is one launch)
MAX_LANES = 1 << 25
#: views and geometries kept in the caches
_VIEW_CACHE = 6
_GEOM_CACHE = 3


def despeckle(x: np.ndarray, ratio: float = 2.0, floor: float = 0.05) -> np.ndarray:
    """Remove fireflies from a linear RGB image (H x W x 3, display units): a pixel whose luminance
    exceeds ``ratio`` times the brightest of its 8 neighbours plus ``floor`` is scaled down to that
    bound (hue kept). Only lone pixels are touched: a highlight two pixels wide survives.
    Deterministic."""
    img = np.asarray(x, dtype=np.float32)
    if img.shape[0] < 3 or img.shape[1] < 3:
        return img
    lum = img @ np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)
    p = np.pad(lum, 1, mode="edge")
    h, w = lum.shape
    around = np.max([p[dy:dy + h, dx:dx + w] for dy in range(3) for dx in range(3) if (dy, dx) != (1, 1)], axis=0)
    bound = ratio * around + floor
    scale = np.where(lum > bound, bound / np.maximum(lum, 1e-12), 1.0).astype(np.float32)
    return img * scale[..., None]


def _mitsuba() -> tuple[Any, Any]:
    """``(mitsuba, drjit)`` with the :data:`VARIANT` variant active; ImportError when unavailable."""
    try:
        import drjit as dr
        import mitsuba as mi
    except ImportError as exc:  # the registry turns this into RendererUnavailableError
        raise ImportError(f"the pbr backend needs Mitsuba 3 (pip install 'mitsuba>=3.5'): {exc}") from None
    try:
        if mi.variant() != VARIANT:
            mi.set_variant(VARIANT)
    except (ImportError, AttributeError, RuntimeError) as exc:
        raise ImportError(f"Mitsuba variant {VARIANT!r} is unavailable ({exc}); it needs LLVM >= 11 "
                          "(libllvm) on the library path") from None
    return mi, dr


# ---------------------------------------------------------------------- geometry helpers
def _ray_hits(origins: np.ndarray, dirs: np.ndarray, tris: np.ndarray, tmax: float | np.ndarray,
              eps: float = 1e-5) -> np.ndarray:
    """Nearest hit distance (inf when none) of each ray against triangles (Moller-Trumbore in numpy;
    for the small light-placement checks only)."""
    o = np.asarray(origins, dtype=np.float64).reshape(-1, 3)
    d = np.asarray(dirs, dtype=np.float64).reshape(-1, 3)
    out = np.full(len(o), np.inf)
    if len(tris) == 0 or len(o) == 0:
        return out
    t = np.asarray(tris, dtype=np.float64)
    v0, e1, e2 = t[:, 0], t[:, 1] - t[:, 0], t[:, 2] - t[:, 0]
    tmax_arr = np.broadcast_to(np.asarray(tmax, dtype=np.float64), (len(o),))
    step = max(1, 400_000 // max(len(t), 1))
    for a in range(0, len(o), step):
        oo, dd = o[a:a + step, None, :], d[a:a + step, None, :]
        p = np.cross(dd, e2[None])
        det = np.einsum("rtk,tk->rt", p, e1)
        ok = np.abs(det) > 1e-12
        inv = np.where(ok, 1.0 / np.where(ok, det, 1.0), 0.0)
        s = oo - v0[None]
        u = np.einsum("rtk,rtk->rt", s, p) * inv
        q = np.cross(s, e1[None])
        v = np.einsum("rtk,rtk->rt", np.broadcast_to(dd, q.shape), q) * inv
        tt = np.einsum("rtk,tk->rt", q, e2) * inv
        hit = ok & (u >= 0) & (v >= 0) & (u + v <= 1) & (tt > eps) & (tt < tmax_arr[a:a + step, None])
        out[a:a + step] = np.where(hit, tt, np.inf).min(axis=1)
    return out


def _sphere_dirs() -> np.ndarray:
    """26 directions: the faces, edges and corners of a cube."""
    g = np.array([(x, y, z) for x in (-1, 0, 1) for y in (-1, 0, 1) for z in (-1, 0, 1) if (x, y, z) != (0, 0, 0)],
                 dtype=np.float64)
    return g / np.linalg.norm(g, axis=1, keepdims=True)


def _clip_below(pos: np.ndarray, nrm: np.ndarray, uv: np.ndarray | None, h: float
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Triangles clipped to the half-space ``z <= h`` (split at the plane, attributes interpolated)."""
    below = pos[:, :, 2] <= h
    nb = below.sum(axis=1)
    keep_p, keep_n, keep_u = [pos[nb == 3]], [nrm[nb == 3]], [uv[nb == 3]] if uv is not None else None

    def lerp(a: np.ndarray, b: np.ndarray, w: np.ndarray) -> np.ndarray:
        return a + (b - a) * w[:, None]

    for count in (1, 2):
        sel = np.nonzero(nb == count)[0]
        if len(sel) == 0:
            continue
        b = below[sel]
        # rotate each triangle so that the odd vertex (the lone one below / above) comes first
        odd = np.argmax(b if count == 1 else ~b, axis=1)
        idx = (odd[:, None] + np.arange(3)[None]) % 3
        P = np.take_along_axis(pos[sel], idx[:, :, None], axis=1).astype(np.float64)
        N = np.take_along_axis(nrm[sel], idx[:, :, None], axis=1).astype(np.float64)
        U = np.take_along_axis(uv[sel], idx[:, :, None], axis=1).astype(np.float64) if uv is not None else None
        z = P[:, :, 2]
        w1 = (h - z[:, 0]) / np.where(np.abs(z[:, 1] - z[:, 0]) > 1e-12, z[:, 1] - z[:, 0], 1.0)
        w2 = (h - z[:, 0]) / np.where(np.abs(z[:, 2] - z[:, 0]) > 1e-12, z[:, 2] - z[:, 0], 1.0)
        w1, w2 = np.clip(w1, 0, 1), np.clip(w2, 0, 1)

        def cut(A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            return lerp(A[:, 0], A[:, 1], w1), lerp(A[:, 0], A[:, 2], w2)

        p01, p02 = cut(P)
        n01, n02 = cut(N)
        u01, u02 = cut(U) if U is not None else (None, None)
        if count == 1:  # the odd vertex is below: one triangle (v0, p01, p02)
            keep_p.append(np.stack([P[:, 0], p01, p02], axis=1))
            keep_n.append(np.stack([N[:, 0], n01, n02], axis=1))
            if U is not None:
                keep_u.append(np.stack([U[:, 0], u01, u02], axis=1))
        else:  # the odd vertex is above: quad (p01, v1, v2, p02) as two triangles
            keep_p += [np.stack([p01, P[:, 1], P[:, 2]], axis=1), np.stack([p01, P[:, 2], p02], axis=1)]
            keep_n += [np.stack([n01, N[:, 1], N[:, 2]], axis=1), np.stack([n01, N[:, 2], n02], axis=1)]
            if U is not None:
                keep_u += [np.stack([u01, U[:, 1], U[:, 2]], axis=1), np.stack([u01, U[:, 2], u02], axis=1)]
    P = np.concatenate(keep_p).astype(np.float32)
    N = np.concatenate(keep_n)
    N = (N / np.maximum(np.linalg.norm(N, axis=2, keepdims=True), 1e-12)).astype(np.float32)
    U = np.concatenate(keep_u).astype(np.float32) if keep_u is not None else None
    return P, N, U


def _is_emissive(look: "Look") -> bool:
    return max(look.emission) > 0.0


# ---------------------------------------------------------------------- cached conversion
@dataclass
class _Group:
    """Triangles that become one Mitsuba mesh."""

    look: "Look"
    fixture: int | None = None  # an area emitter carrying this fixture's light
    radiance: tuple[float, float, float] | None = None  # an area emitter of this radiance
    render: bool = True  # in the path-traced scene
    gt: bool = True  # in the ground-truth scene
    pos: list = field(default_factory=list)
    nrm: list = field(default_factory=list)
    uv: list = field(default_factory=list)
    inst: list = field(default_factory=list)


@dataclass
class _View:
    """A converted scene for one (hidden, cutaway, daylight) setting."""

    render_scene: Any
    gt_scene: Any
    prim_offset: np.ndarray  # shape registry id -> offset into prim_instance (-1: not ours)
    prim_instance: np.ndarray  # concatenated per-triangle instance ids
    shape_look: dict[int, "Look"]  # shape registry id -> look (for albedo)
    exposure: float
    stats: dict[str, Any]
    unlit: bool = False  # no lights at all: rgb is the flat-lit albedo (as ``gl`` does)


@dataclass
class _GeomEntry:
    scene: Any
    geom: "SceneGeometry"


class PBRRenderer:
    """Mitsuba 3 path tracer (see the module doc). Construct with no arguments; ``render`` draws one
    view. Raises ImportError (turned into RendererUnavailableError by the registry) when Mitsuba or
    its LLVM variant is missing."""

    name = "pbr"

    def __init__(self) -> None:
        self._mi, self._dr = _mitsuba()
        self._geoms: OrderedDict[int, _GeomEntry] = OrderedDict()
        self._views: OrderedDict[tuple, tuple[Any, _View]] = OrderedDict()
        self._bsdfs: dict[Any, Any] = {}
        self._albedo_maps: dict[Any, np.ndarray | None] = {}

    # ------------------------------------------------------------------ public
    def render(self, scene: "Scene", camera: Camera, outputs: Iterable[str] = ("rgb",), *, spp: int = 64,
               seed: int = 0, daylight: float = 1.0, daylight_kelvin: float = lighting.DAYLIGHT_KELVIN,
               despeckle_rgb: bool = True, **ignored: Any) -> Frame:
        """Render ``outputs`` of ``scene`` seen by ``camera`` (perspective or orthographic).
        ``spp``: samples per pixel of the RGB image; ``seed``: its sampler seed; ``daylight``:
        the daylight level of :func:`~worldsmith.render.lighting.scene_lights` and
        ``daylight_kelvin`` its colour temperature;
        ``despeckle_rgb``: remove fireflies (:func:`despeckle`). Other options (``gl`` ones) are
        ignored."""
        wanted = parse_outputs(outputs)
        if camera.projection not in ("perspective", "orthographic"):
            raise RenderError(f"the pbr backend renders perspective and orthographic cameras, got "
                              f"{camera.projection!r}: render equirectangular cameras through "
                              "worldsmith.render.render()")
        spp = int(spp)
        if spp < 1:
            raise RenderError(f"expected spp >= 1 samples per pixel, got {spp}")
        t0 = time.perf_counter()
        self._mi, self._dr = _mitsuba()
        geom = self._geometry(scene)
        view = self._view(scene, geom, camera, float(daylight), float(daylight_kelvin))
        t1 = time.perf_counter()
        images: dict[str, np.ndarray] = {}
        stats: dict[str, Any] = {k: (dict(v) if isinstance(v, dict) else v) for k, v in view.stats.items()}
        if "rgb" in wanted and view.unlit:  # nothing to path trace: a soft uniform light, like gl
            albedo = self._ground_truth(view, geom, camera, {"albedo"})["albedo"].astype(np.float64) / 255.0
            linear = srgb_to_linear_array(albedo, dtype=np.float64)
            images["rgb"] = to_display(linear, UNLIT_EXPOSURE)
        elif "rgb" in wanted:
            radiance = self._render_rgb(view, camera, spp, int(seed) & 0xFFFFFF) * view.exposure
            images["rgb"] = to_display(despeckle(radiance) if despeckle_rgb else radiance, 1.0)
            stats["spp"] = spp
            stats["seed"] = int(seed)
        t2 = time.perf_counter()
        gt = wanted - {"rgb"}
        if gt:
            images.update(self._ground_truth(view, geom, camera, gt))
        t3 = time.perf_counter()
        stats.update(prepare_s=round(t1 - t0, 4), rgb_s=round(t2 - t1, 4), gt_s=round(t3 - t2, 4),
                     exposure=view.exposure, daylight=float(daylight), daylight_kelvin=float(daylight_kelvin))
        return Frame(camera=camera, images=images, instances=[dict(e) for e in geom.instances],
                     categories=list(geom.categories), backend=self.name, stats=stats)

    # ------------------------------------------------------------------ caches
    def _geometry(self, scene: "Scene") -> "SceneGeometry":
        from .scenegeom import scene_geometry

        key = id(scene)
        hit = self._geoms.get(key)
        if hit is not None and hit.scene is scene:
            self._geoms.move_to_end(key)
            return hit.geom
        geom = scene_geometry(scene)
        if not geom.surfaces:
            raise RenderError("the scene has nothing to draw: expected at least one room or object")
        self._geoms[key] = _GeomEntry(scene, geom)
        while len(self._geoms) > _GEOM_CACHE:
            self._geoms.popitem(last=False)
        return geom

    def _view(self, scene: "Scene", geom: "SceneGeometry", camera: Camera, daylight: float,
              daylight_kelvin: float = lighting.DAYLIGHT_KELVIN) -> _View:
        hidden, cut = geom.view_instances(camera.hidden, camera.cutaway)
        key = (id(scene), frozenset(hidden), frozenset(cut), round(camera.cut_height_m, 6) if cut else None,
               round(daylight, 6), round(daylight_kelvin, 6))
        hit = self._views.get(key)
        if hit is not None and hit[0] is scene:
            self._views.move_to_end(key)
            return hit[1]
        view = self._convert(scene, geom, hidden, cut, float(camera.cut_height_m), daylight, daylight_kelvin)
        self._views[key] = (scene, view)
        while len(self._views) > _VIEW_CACHE:
            self._views.popitem(last=False)
        return view

    # ------------------------------------------------------------------ conversion
    def _convert(self, scene: "Scene", geom: "SceneGeometry", hidden: set[int], cut: set[int], cut_h: float,
                 daylight: float, daylight_kelvin: float = lighting.DAYLIGHT_KELVIN) -> _View:
        mi, dr = self._mi, self._dr
        t0 = time.perf_counter()
        lights = lighting.scene_lights(scene, geom, daylight=daylight, daylight_kelvin=daylight_kelvin)
        expo = float(lighting.exposure(lights, scene))

        # visible surfaces (clipped for cutaway nodes)
        surfs: list[tuple["Surface", np.ndarray, np.ndarray, np.ndarray | None]] = []
        for s in geom.surfaces:
            if s.instance in hidden:
                continue
            pos, nrm, uv = s.positions, s.normals, s.uv
            if s.instance in cut:
                pos, nrm, uv = _clip_below(pos, nrm, uv, cut_h)
                if len(pos) == 0:
                    continue
            surfs.append((s, pos, nrm, uv))
        if not surfs:
            raise RenderError("nothing left to draw in this view: every node is hidden or cut away")
        tris_all = np.concatenate([p for _, p, _, _ in surfs]).astype(np.float64)

        # ---- lights -> emitters
        emitters: dict[str, Any] = {}
        weights: list[float] = []  # emitter fluxes (emitters are sampled in proportion)
        fixture_flux: dict[int, np.ndarray] = {}  # fixture instance -> accumulated lumens * colour
        emit_mask: dict[int, np.ndarray] = {}  # id(surface) -> per-triangle "emits out of the fixture"
        by_inst: dict[int, list] = {}
        for entry in surfs:
            by_inst.setdefault(entry[0].instance, []).append(entry)
        daylit: set[int] = set()
        carried: dict[str, str] = {}  # light id -> the fixture whose emissive parts carry it
        for n, L in enumerate(lights):
            col = np.asarray(L.color, dtype=np.float64)
            name = f"light{n}_{L.kind}"
            if L.kind == "point":
                fix = self._emissive_fixture(L, by_inst, emit_mask, tris_all)
                if fix is not None:
                    fixture_flux[fix] = fixture_flux.get(fix, 0.0) + L.lumens * col
                    carried[L.id] = geom.instances[fix]["id"]
                    continue
                pos = self._unblock_point(L, by_inst, tris_all)
                emitters[name] = {"type": "point", "position": [float(x) for x in pos],
                                  "intensity": {"type": "rgb", "value": (L.intensity_cd * col).tolist()},
                                  "sampling_weight": max(L.lumens, 1e-3)}
                weights.append(L.lumens)
            elif L.kind == "spot":
                pos = self._unblock_spot(L, tris_all)
                d = np.asarray(L.direction, dtype=np.float64)
                half = max(min(L.cone_deg / 2.0, 89.0), 0.5)
                emitters[name] = {"type": "spot", "to_world": _look_at(mi, pos, d),
                                  "intensity": {"type": "rgb", "value": (L.intensity_cd * col).tolist()},
                                  "cutoff_angle": half, "beam_width": 0.8 * half,
                                  "sampling_weight": max(L.lumens, 1e-3)}
                weights.append(L.lumens)
            else:  # area
                pos = np.asarray(L.position, dtype=np.float64)
                d = np.asarray(L.direction, dtype=np.float64)
                w, h = (max(float(x), 1e-3) for x in L.area_size)
                if not L.daylight:
                    pos = self._unblock_spot(L, tris_all)
                else:
                    oid = L.id[len("daylight_"):]
                    try:
                        inst = geom.instance_of(oid)
                    except KeyError:
                        inst = -1
                    if inst in hidden or inst in cut:
                        continue  # an open side: the sky comes in directly
                    if inst >= 0:
                        pos = self._behind_glass(pos, d, by_inst.get(inst, []))
                        daylit.add(inst)
                radiance = L.lumens / (math.pi * w * h) * col
                to_world = _look_at(mi, pos, d) @ mi.ScalarTransform4f().scale([w / 2, h / 2, 1.0])
                emitters[name] = {"type": "rectangle", "to_world": to_world,
                                  "bsdf": {"type": "diffuse", "reflectance": {"type": "rgb", "value": 0.0}},
                                  "emitter": {"type": "area", "radiance": {"type": "rgb", "value": radiance.tolist()},
                                              "sampling_weight": max(L.lumens, 1e-3)}}
                weights.append(L.lumens)

        # ---- group triangles into meshes: one per (look, emitter, in which scenes)
        groups: OrderedDict[tuple, _Group] = OrderedDict()
        for s, pos, nrm, uv in surfs:
            look, inst = s.look, s.instance
            glass_daylit = inst in daylit and look.alpha < 1.0
            parts: list[tuple[np.ndarray, int | None, bool]] = []  # (triangles, fixture, glows)
            if _is_emissive(look) and inst in fixture_flux and id(s) in emit_mask:
                mask = emit_mask[id(s)]  # computed on these (possibly clipped) triangles
                parts = [(mask, inst, False), (~mask, None, False)]
            else:
                parts = [(np.ones(len(pos), bool), None, _is_emissive(look))]
            for sel, fixture, glows in parts:
                if not sel.any():
                    continue
                key = (look, fixture, glows, glass_daylit)
                g = groups.get(key)
                if g is None:
                    radiance = tuple(float(c) * EMISSION_SCALE / expo for c in look.emission) if glows else None
                    g = groups[key] = _Group(look=look, fixture=fixture, radiance=radiance, render=not glass_daylit)
                g.pos.append(pos[sel])
                g.nrm.append(nrm[sel])
                if look.texture is not None and uv is not None:
                    g.uv.append(uv[sel])
                g.inst.append(np.full(int(sel.sum()), inst, dtype=np.int32))
        fixture_area: dict[int, float] = {}
        for g in groups.values():
            if g.fixture is not None:
                fixture_area[g.fixture] = fixture_area.get(g.fixture, 0.0) + _area(np.concatenate(g.pos))

        render_shapes: dict[str, Any] = {}
        gt_shapes: dict[str, Any] = {}
        meshes: list[tuple[Any, np.ndarray, "Look"]] = []
        for k, g in enumerate(groups.values()):
            pos = np.concatenate(g.pos)
            props = mi.Properties()
            props["bsdf"] = self._bsdf(g.look)
            rad, flux = None, 0.0
            if g.fixture is not None:
                rad = fixture_flux[g.fixture] / (math.pi * max(fixture_area[g.fixture], 1e-8))
                flux = float(fixture_flux[g.fixture].max()) * _area(pos) / max(fixture_area[g.fixture], 1e-8)
            elif g.radiance is not None:
                rad = np.asarray(g.radiance, dtype=np.float64)
                flux = math.pi * _area(pos) * float(rad.max())
            if rad is not None and g.render:
                props["emitter"] = mi.load_dict({"type": "area", "radiance": {"type": "rgb", "value": rad.tolist()},
                                                 "sampling_weight": max(flux, 1e-3)})
                weights.append(flux)
            nrm = np.concatenate(g.nrm)
            uv = np.concatenate(g.uv) if g.uv and sum(len(u) for u in g.uv) == len(pos) else None
            mesh = _make_mesh(mi, f"mesh{k}", pos, nrm, uv, props)
            meshes.append((mesh, np.concatenate(g.inst), g.look))
            if g.render:
                render_shapes[f"mesh{k}"] = mesh
            if g.gt:
                gt_shapes[f"mesh{k}"] = mesh

        # ---- environment: a dim sky, sampled rarely while the room is closed
        if daylight > 0:
            illum = lighting.average_illuminance(lights, scene)
            open_room = any(geom.instances[i].get("kind") in ("wall", "ceiling", "floor") for i in hidden | cut)
            sky = np.asarray(lighting.daylight_rgb(daylight_kelvin), dtype=np.float64)
            env = daylight * ENV_FRACTION * illum / math.pi * sky
            total = sum(weights) or 1.0
            emitters["sky"] = {"type": "constant", "radiance": {"type": "rgb", "value": env.tolist()},
                               "sampling_weight": (0.3 if open_room else 0.01) * total}

        integrator = {"type": "path", "max_depth": MAX_DEPTH, "rr_depth": RR_DEPTH}
        render_dict: dict[str, Any] = {"type": "scene", "integrator": integrator}
        render_dict.update(render_shapes)
        render_dict.update(emitters)
        gt_dict: dict[str, Any] = {"type": "scene"}
        gt_dict.update(gt_shapes)
        render_scene = mi.load_dict(render_dict)
        gt_scene = mi.load_dict(gt_dict)

        # ---- (shape, primitive) -> instance table (registry ids are shared by both scenes)
        ids = [int(x) for x in np.asarray(dr.reinterpret_array(mi.UInt32, mi.ShapePtr([m for m, _, _ in meshes])))] \
            if meshes else []
        prim_offset = np.full(max(ids, default=0) + 1, -1, dtype=np.int64)
        chunks, off = [], 0
        shape_look: dict[int, "Look"] = {}
        for sid, (mesh, inst, look) in zip(ids, meshes):
            prim_offset[sid] = off
            chunks.append(inst)
            off += len(inst)
            shape_look[sid] = look
        prim_instance = np.concatenate(chunks) if chunks else np.zeros(0, np.int32)
        stats = {"triangles": int(len(prim_instance)), "shapes": len(meshes), "emitters": len(emitters) + sum(
            1 for m, _, _ in meshes if m.emitter() is not None), "fixture_lights": carried,
            "convert_s": round(time.perf_counter() - t0, 4)}
        log.debug("pbr: converted scene (%s)", stats)
        return _View(render_scene, gt_scene, prim_offset, prim_instance, shape_look, expo, stats, unlit=not lights)

    # ------------------------------------------------------------------ lights
    def _emissive_fixture(self, L: Any, by_inst: dict[int, list], emit_mask: dict[int, np.ndarray],
                          tris: np.ndarray) -> int | None:
        """The visible fixture instance enclosing light ``L`` (the smallest one; enclosed: more
        than :data:`ENCLOSED_FRACTION` of 26 rays from the light hit it) with emissive triangles
        that can carry its light, filling ``emit_mask`` for its emissive surfaces: a
        triangle emits when it faces away from the light and the ray along its normal leaves the
        fixture without hitting anything (the fixture, or other geometry within
        :data:`CLEARANCE_M`)."""
        best, best_vol = None, math.inf
        for inst in L.fixture:
            entries = by_inst.get(inst)
            if not entries:
                continue
            emissive = [e for e in entries if _is_emissive(e[0].look)]
            if not emissive:
                continue
            allp = np.concatenate([e[1] for e in entries]).astype(np.float64)
            lo, hi = allp.reshape(-1, 3).min(axis=0), allp.reshape(-1, 3).max(axis=0)
            vol = float(np.prod(np.maximum(hi - lo, 1e-3)))
            if vol >= best_vol:
                continue
            dirs = _sphere_dirs()
            pos0 = np.asarray(L.position, dtype=np.float64)
            blocked = np.isfinite(_ray_hits(np.repeat(pos0[None], len(dirs), 0), dirs, allp,
                                            float(np.linalg.norm(hi - lo)) + 0.01))
            if blocked.mean() <= ENCLOSED_FRACTION:
                continue  # the light is outside its fixture's shell (below a shade): a point light is exact
            masks = {}
            for s, pos, _, _ in emissive:
                if id(s) not in emit_mask:
                    p = pos.astype(np.float64)
                    c = p.mean(axis=1)
                    n = np.cross(p[:, 1] - p[:, 0], p[:, 2] - p[:, 0])
                    n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-20)
                    diag = float(np.linalg.norm(hi - lo)) + 0.01
                    o = c + n * 1e-4
                    escapes = ~np.isfinite(_ray_hits(o, n, allp, diag))
                    # ... and nothing else (a ceiling, a wall) within a few centimetres
                    close = _near_triangles(tris, (lo + hi) / 2.0, float(np.max(hi - lo)) / 2.0 + CLEARANCE_M)
                    escapes &= ~np.isfinite(_ray_hits(o, n, close, CLEARANCE_M))
                    # a lit shade glows on the side away from the bulb: its inner faces add only
                    # samples that are hidden from the room (noise), so they stay unlit
                    outward = np.einsum("ij,ij->i", n, c - np.asarray(L.position, dtype=np.float64)) > 0
                    emit_mask[id(s)] = escapes & outward
                masks[id(s)] = emit_mask[id(s)]
            if any(m.any() for m in masks.values()):
                best, best_vol = inst, vol
        return best

    def _unblock_point(self, L: Any, by_inst: dict[int, list], tris: np.ndarray) -> np.ndarray:
        """The point light's position, moved just below its fixture when geometry encloses it."""
        pos = np.asarray(L.position, dtype=np.float64)
        near = _near_triangles(tris, pos, 0.6)
        dirs = _sphere_dirs()
        if np.isfinite(_ray_hits(np.repeat(pos[None], len(dirs), 0), dirs, near, 0.6)).all():
            boxes = [np.concatenate([e[1] for e in by_inst[i]]).reshape(-1, 3) for i in L.fixture if i in by_inst]
            if boxes:
                allp = np.concatenate(boxes)
                lo, hi = allp.min(axis=0), allp.max(axis=0)
                moved = np.array([(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, lo[2] - 0.02])
                log.info("pbr: point light %s is enclosed by its fixture; moved from %s to %s", L.id,
                         np.round(pos, 3).tolist(), np.round(moved, 3).tolist())
                return moved
            log.warning("pbr: point light %s at %s is enclosed by geometry and will light little", L.id,
                        np.round(pos, 3).tolist())
        return pos

    def _unblock_spot(self, L: Any, tris: np.ndarray) -> np.ndarray:
        """The position of a spot or area light, moved along its axis past geometry blocking it
        within 0.5 m (a lamp inside its housing)."""
        pos = np.asarray(L.position, dtype=np.float64)
        d = np.asarray(L.direction, dtype=np.float64)
        near = _near_triangles(tris, pos, 0.6)
        for _ in range(6):
            t = _ray_hits(pos[None], d[None], near, 0.5)[0]
            if not np.isfinite(t):
                break
            pos = pos + d * (t + 0.005)
        return pos

    @staticmethod
    def _behind_glass(pos: np.ndarray, d: np.ndarray, entries: list) -> np.ndarray:
        """A daylight panel's position moved back along ``-d`` to just outside the window's glass
        (or behind the whole opening when it has no glass)."""
        glass = [e[1] for e in entries if e[0].look.alpha < 1.0] or [e[1] for e in entries]
        if not glass:
            return pos
        p = np.concatenate(glass).reshape(-1, 3).astype(np.float64)
        s = float(((p - pos) @ d).min())
        return pos + d * (min(s, 0.0) - 0.004)

    # ------------------------------------------------------------------ materials
    def _bsdf(self, look: "Look") -> Any:
        """The (cached) Mitsuba BSDF of a look (see the module doc)."""
        hit = self._bsdfs.get(look)
        if hit is not None:
            return hit
        rgb = {"type": "rgb", "value": [float(c) for c in look.base_color[:3]]}
        if look.alpha < 1.0 and look.roughness <= GLASS_MAX_ROUGHNESS:
            d: dict[str, Any] = {"type": "thindielectric", "int_ior": 1.5, "ext_ior": 1.0,
                                 "specular_transmittance": rgb}
        else:
            files = self._texture_files(look) or {}
            color = _bitmap(files["albedo"], raw=False) if "albedo" in files else rgb
            base: dict[str, Any] = {
                "type": "principled", "base_color": color, "metallic": float(np.clip(look.metallic, 0.0, 1.0)),
                "roughness": _bitmap(files["roughness"], raw=True) if "roughness" in files
                else float(np.clip(look.roughness, 0.02, 1.0))}
            if "normal" in files and NORMAL_MAPS:
                base = {"type": "normalmap", "bsdf": base, "normalmap": _bitmap(files["normal"], raw=True)}
            d = {"type": "twosided", "bsdf": base}
            if look.alpha < 1.0:
                d = {"type": "mask", "opacity": float(look.alpha), "bsdf": d}
        bsdf = self._mi.load_dict(d)
        self._bsdfs[look] = bsdf
        return bsdf

    @staticmethod
    def _texture_files(look: "Look") -> dict[str, str] | None:
        if look.texture is None or look.pbr is None:
            return None
        try:
            from ..materials.maps import texture_map_files

            got = texture_map_files(look.pbr, TEXTURE_RES)
        except Exception as exc:  # noqa: BLE001 - a missing map falls back to the plain colour
            log.warning("pbr: no texture maps for %r (%s); using its plain colour", look.key, exc)
            return None
        return dict(got[0]) if got else None

    def _albedo_map(self, look: "Look") -> np.ndarray | None:
        if look in self._albedo_maps:
            return self._albedo_maps[look]
        arr = None
        if look.texture is not None and look.pbr is not None:
            try:
                from ..materials import texture_maps

                arr = np.asarray(texture_maps(look.pbr, resolution=TEXTURE_RES).albedo, dtype=np.uint8)
            except Exception as exc:  # noqa: BLE001
                log.warning("pbr: no albedo map for %r (%s)", look.key, exc)
        self._albedo_maps[look] = arr
        return arr

    # ------------------------------------------------------------------ rendering
    def _sensor(self, camera: Camera, spp: int) -> Any:
        mi = self._mi
        flip = np.diag([-1.0, -1.0, 1.0, 1.0])  # OpenCV camera (x right, y down) -> Mitsuba (x left, y up)
        m = camera.c2w @ flip
        film = {"type": "hdrfilm", "width": camera.width, "height": camera.height, "pixel_format": "rgb",
                "component_format": "float32", "rfilter": {"type": "box"}}
        sampler = {"type": "independent", "sample_count": spp}
        if camera.projection == "perspective":
            return mi.load_dict({"type": "perspective", "fov": float(camera.fov_y_deg), "fov_axis": "y",
                                 "near_clip": float(camera.near), "far_clip": float(camera.far),
                                 "to_world": mi.ScalarTransform4f(m.tolist()), "film": film, "sampler": sampler})
        half_w = camera.ortho_height_m * camera.width / camera.height / 2.0
        m = m @ np.diag([half_w, half_w, 1.0, 1.0])
        return mi.load_dict({"type": "orthographic", "near_clip": float(camera.near), "far_clip": float(camera.far),
                             "to_world": mi.ScalarTransform4f(m.tolist()), "film": film, "sampler": sampler})

    def _render_rgb(self, view: _View, camera: Camera, spp: int, seed: int) -> np.ndarray:
        """Linear radiance (H x W x 3). Large requests run in passes of at most :data:`MAX_LANES`
        samples (the split depends on the image size and spp only, so it is deterministic)."""
        mi = self._mi
        pixels = camera.width * camera.height
        passes = max(1, -(-pixels * spp // MAX_LANES))
        counts = [spp // passes + (1 if k < spp % passes else 0) for k in range(passes)]
        total = np.zeros((camera.height, camera.width, 3), np.float64)
        for k, n in enumerate(c for c in counts if c > 0):
            sensor = self._sensor(camera, n)
            img = mi.render(view.render_scene, sensor=sensor, spp=n, seed=(seed * 64 + k) & 0x7FFFFFFF)
            out = np.nan_to_num(np.asarray(img, dtype=np.float32)[..., :3], nan=0.0, posinf=0.0, neginf=0.0)
            total += out.astype(np.float64) * (n / spp)
        return total.astype(np.float32)

    def _ground_truth(self, view: _View, geom: "SceneGeometry", camera: Camera, wanted: set[str] | frozenset[str]
                      ) -> dict[str, np.ndarray]:
        mi, dr = self._mi, self._dr
        H, W = camera.height, camera.width
        o, d = camera.rays()
        fwd = camera.forward
        cosf = d @ fwd if camera.projection == "perspective" else np.ones(len(d))
        cosf = np.maximum(cosf, 1e-9)
        t0 = camera.near / cosf
        start = o + d * t0[:, None]
        ray = mi.Ray3f(mi.Point3f(*(start.T.astype(np.float32))), mi.Vector3f(*(d.T.astype(np.float32))))
        ray.maxt = mi.Float(((camera.far - camera.near) / cosf).astype(np.float32))
        si = view.gt_scene.ray_intersect(ray)
        valid = np.asarray(si.is_valid(), dtype=bool)
        sid = np.asarray(dr.reinterpret_array(mi.UInt32, si.shape), dtype=np.int64)
        prim = np.asarray(si.prim_index, dtype=np.int64)
        sid = np.where(valid & (sid < len(view.prim_offset)), sid, 0)
        base = view.prim_offset[sid]
        valid &= base >= 0
        inst = np.zeros(len(d), dtype=np.int32)
        inst[valid] = view.prim_instance[base[valid] + prim[valid]]
        out: dict[str, np.ndarray] = {}
        if "depth" in wanted:
            t = np.asarray(si.t, dtype=np.float64)
            depth = np.where(valid, (t + t0) * cosf, np.inf).astype(np.float32)
            out["depth"] = depth.reshape(H, W)
        if "instance" in wanted:
            out["instance"] = inst.reshape(H, W)
        if "semantic" in wanted:
            out["semantic"] = geom.semantic_lut()[inst].astype(np.int32).reshape(H, W)
        if "normal" in wanted:
            n = np.asarray(si.sh_frame.n, dtype=np.float64).reshape(3, -1).T
            n = n / np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)
            n = np.where((np.einsum("ij,ij->i", n, d) > 0)[:, None], -n, n)
            n[~valid] = 0.0
            out["normal"] = n.astype(np.float32).reshape(H, W, 3)
        if "albedo" in wanted:
            alb = np.zeros((len(d), 3), dtype=np.uint8)
            uv = np.asarray(si.uv, dtype=np.float64).reshape(2, -1).T
            for s in np.unique(sid[valid]):
                look = view.shape_look.get(int(s))
                if look is None:
                    continue
                sel = valid & (sid == s)
                tex = self._albedo_map(look)
                if tex is not None:
                    h, w = tex.shape[:2]
                    u = uv[sel]
                    col = np.floor((u[:, 0] - np.floor(u[:, 0])) * w).astype(np.int64) % w
                    row = np.floor((u[:, 1] - np.floor(u[:, 1])) * h).astype(np.int64) % h
                    alb[sel] = tex[row, col, :3]
                else:
                    alb[sel] = np.round(linear_to_srgb_array(np.asarray(look.base_color[:3]), dtype=np.float64) * 255).astype(np.uint8)
            out["albedo"] = alb.reshape(H, W, 3)
        return out


# ---------------------------------------------------------------------- small helpers
def _area(tris: np.ndarray) -> float:
    t = np.asarray(tris, dtype=np.float64)
    return float(0.5 * np.linalg.norm(np.cross(t[:, 1] - t[:, 0], t[:, 2] - t[:, 0]), axis=1).sum())


def _near_triangles(tris: np.ndarray, p: np.ndarray, r: float) -> np.ndarray:
    lo, hi = tris.min(axis=1), tris.max(axis=1)
    keep = np.all(lo <= p + r, axis=1) & np.all(hi >= p - r, axis=1)
    return tris[keep]


def _bitmap(path: str, *, raw: bool) -> dict[str, Any]:
    """A repeating bitmap texture, nearest-texel lookups (the pixel's samples filter it)."""
    return {"type": "bitmap", "filename": str(path), "raw": raw, "filter_type": "nearest", "wrap_mode": "repeat"}


def _look_at(mi: Any, pos: np.ndarray, d: np.ndarray) -> Any:
    d = np.asarray(d, dtype=np.float64)
    d = d / max(np.linalg.norm(d), 1e-12)
    up = np.array([0.0, 0.0, 1.0]) if abs(d[2]) < 0.99 else np.array([0.0, 1.0, 0.0])
    return mi.ScalarTransform4f().look_at(origin=[float(x) for x in pos], target=[float(x) for x in pos + d],
                                          up=[float(x) for x in up])


def _make_mesh(mi: Any, name: str, pos: np.ndarray, nrm: np.ndarray, uv: np.ndarray | None, props: Any) -> Any:
    """A Mitsuba mesh of unindexed triangles with per-corner normals (and UVs, ``v`` flipped)."""
    T = len(pos)
    mesh = mi.Mesh(name, 3 * T, T, props, has_vertex_normals=True, has_vertex_texcoords=uv is not None)
    p = mi.traverse(mesh)
    p["vertex_positions"] = mi.Float(np.ascontiguousarray(pos, dtype=np.float32).reshape(-1))
    p["vertex_normals"] = mi.Float(np.ascontiguousarray(nrm, dtype=np.float32).reshape(-1))
    if uv is not None:
        t = np.array(uv, dtype=np.float32).reshape(-1, 2)
        t[:, 1] = -t[:, 1]
        p["vertex_texcoords"] = mi.Float(t.reshape(-1))
    p["faces"] = mi.UInt32(np.arange(3 * T, dtype=np.uint32))
    p.update()
    return mesh


__all__ = ["PBRRenderer", "despeckle", "MAX_DEPTH", "RR_DEPTH", "TEXTURE_RES", "ENV_FRACTION"]
