"""The ``gl`` backend: our own shaders on moderngl over EGL (Mesa llvmpipe on CPU, NVIDIA EGL on GPU).

Per scene, once (:meth:`GLRenderer.prepare`; reused while the same scene object is rendered with
the same daylight):

* geometry from :func:`.scenegeom.scene_geometry`, one vertex buffer per material look, vertices
  sorted by instance so any set of instances can be left out by drawing sub-ranges;
* material textures (albedo, roughness, normal maps of textured library materials), mipmapped,
  kept between scenes and shared by the bytes of their cached map files (a tint's roughness and
  normal maps are read and decoded once, whatever their file names);
* omnidirectional shadow maps of the :data:`.glsl.MAX_SHADOWED` strongest lights, rendered into
  one atlas (six 90-degree faces per light, linear distance to the light). A light's own fixture
  (the lampshade around a bulb, ``LightSpec.fixture``) is left out of its shadow map. Shadows
  depend on the scene only, so every view reuses them.

A render of ground truth only (no ``rgb``) never relights: it reuses the uploaded geometry whatever
the lights, since depth and labels do not depend on them. Relighting is cheap: a scene whose ``rooms`` and ``objects`` equal those of the scene prepared last
(``dataclasses.replace(scene, lights=...)`` keeps them; identity is checked first, then equality)
and whose material library is unchanged keeps the uploaded geometry and textures; a new light list
(other ``lights``, ``daylight`` or ``daylight_kelvin``) redoes only the light uniforms, the
exposure and ambient terms and (only when a shadowed light moved, or the set of shadowed lights
changed) the shadow maps, exactly as a fresh upload computes them, so the
images are the same as those of a new renderer. ``Frame.stats["relit"]`` says when that happened.

Per view (:meth:`GLRenderer.render`):

* ground truth (``depth``, ``instance``, ``semantic``, ``normal``, ``albedo``): one pass into float
  render targets with no multisampling, no blending and no tone mapping, so every pixel is the
  exact value at its centre (depth is the interpolated camera-space z, exact for planar triangles);
* ``rgb``: metallic-roughness shading (GGX specular, Lambert diffuse) of every light (point, spot,
  area lights as Lambertian emitters with a finite size), soft shadows (8-tap PCF) from the shadow
  atlas, a hemisphere ambient term standing in for indirect light, texture and normal maps,
  emissive materials, transparent glass blended last, tone mapped and sRGB-encoded
  (:mod:`.tonemap`), 4x MSAA.

``camera.hidden`` instances are not drawn at all (and openings in a hidden wall with it);
``camera.cutaway`` instances are clipped above ``camera.cut_height_m`` with a clip plane.
Faces are drawn two-sided. The background is the sky colour in RGB and 0 / inf in ground truth.
"""

from __future__ import annotations

import logging
import math
import os
import time
import weakref
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np

from ..scene import Scene
from . import glsl
from .camera import Camera
from .errors import RenderError, RendererUnavailableError
from .frame import Frame, parse_outputs
from .lighting import (AMBIENT_FRACTION, DAYLIGHT_KELVIN, EMISSION_SCALE, UNLIT_EXPOSURE, LightSpec,
                       average_illuminance, exposure, scene_lights)
from .scenegeom import SceneGeometry, scene_geometry

log = logging.getLogger(__name__)

#: framebuffers kept for reuse (by kind and size), least recently used dropped first
FBO_CACHE = 12

SKY_SRGB = (0.80, 0.86, 0.93)
VERTEX_DTYPE = np.dtype([("p", "<f4", 3), ("n", "<f4", 3), ("uv", "<f4", 2), ("i", "<i4")])
_FACES_F = np.array([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]], dtype=float)
_FACES_U = np.array([[0, 0, 1], [0, 0, 1], [0, 0, 1], [0, 0, 1], [0, 1, 0], [0, 1, 0]], dtype=float)
#: "msaa": 4x multisampling; "edge": shade once per pixel, then an edge-directed blend (FXAA-like)
#: over the display image; "auto": msaa on GPUs, edge on software rasterizers (llvmpipe shades every
#: sample under MSAA, which costs 4x); "none"
ANTIALIAS = ("auto", "msaa", "edge", "none")
#: GPU textures kept between scenes (each 512 px map with mipmaps is about 1 MB)
TEXTURE_CACHE = 256
GT_OUTPUTS = frozenset({"depth", "instance", "semantic", "normal", "albedo"})

_CONTEXT: Any = None


def context() -> Any:
    """The process-wide moderngl context (EGL, headless); RendererUnavailableError when none can be made."""
    global _CONTEXT
    if _CONTEXT is None:
        os.environ.setdefault("PYOPENGL_PLATFORM", "egl")
        try:
            import moderngl
        except ImportError as exc:
            raise ImportError(f"moderngl is not installed ({exc})") from None
        try:
            _CONTEXT = moderngl.create_context(standalone=True, backend="egl", require=330)
        except Exception as exc:  # noqa: BLE001 - any driver failure means: no usable OpenGL here
            raise RendererUnavailableError(
                f"no OpenGL 3.3 context through EGL ({exc}); install Mesa's EGL drivers "
                "(apt: libegl1 libegl-mesa0 libgl1-mesa-dri) or use --backend pbr") from None
        log.debug("gl backend: %s, %s", _CONTEXT.info.get("GL_RENDERER"), _CONTEXT.info.get("GL_VERSION"))
    return _CONTEXT


def is_software(ctx: Any) -> bool:
    """True on a CPU rasterizer (Mesa llvmpipe / softpipe / swrast)."""
    name = str(ctx.info.get("GL_RENDERER", "")).lower()
    return any(k in name for k in ("llvmpipe", "softpipe", "swrast", "software"))


def _set(prog: Any, name: str, value: Any) -> None:
    """Set a uniform; one the compiler optimised away (unused in this program) is skipped."""
    if name in prog:
        prog[name].value = value


def _write(prog: Any, name: str, data: bytes) -> None:
    if name in prog:
        prog[name].write(data)


def _mat(m: np.ndarray) -> bytes:
    """A 4x4 matrix as the column-major float32 bytes GLSL expects."""
    return np.asarray(m, dtype="f4").T.tobytes()


def _face_view_proj(pos: np.ndarray, face: int, near: float = 0.02, far: float = 60.0) -> np.ndarray:
    F, U = _FACES_F[face], _FACES_U[face]
    R = np.cross(F, U)
    view = np.eye(4)
    view[0, :3], view[1, :3], view[2, :3] = R, U, -F
    view[:3, 3] = -view[:3, :3] @ pos
    proj = np.zeros((4, 4))
    proj[0, 0] = proj[1, 1] = 1.0
    proj[2, 2], proj[2, 3] = -(far + near) / (far - near), -2 * far * near / (far - near)
    proj[3, 2] = -1.0
    return proj @ view


def _source(scene: Scene) -> tuple:
    """What :func:`scene_geometry` reads: the rooms, the objects and the material library version."""
    from ..materials.library import library_version

    return (scene.rooms, scene.objects, library_version())


def _same_source(a: tuple, b: tuple) -> bool:
    """Whether two :func:`_source` keys give the same geometry (identity first: that is the cheap,
    usual case of ``dataclasses.replace(scene, lights=...)``)."""
    return len(a) == len(b) == 3 and a[2] == b[2] and all(x is y or x == y for x, y in zip(a[:2], b[:2]))


def _decode(data: bytes, mode: str) -> np.ndarray:
    """An encoded image file's pixels in PIL ``mode`` ("RGB", "L")."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        return np.ascontiguousarray(np.asarray(im.convert(mode)))


#: file digests already computed, by path: {path: ((st_mtime_ns, st_size), sha1 digest)}
_DIGESTS: dict[str, tuple[tuple[int, int], bytes]] = {}
_DIGEST_MEMO = 4096


def _file_key(path: str) -> tuple[tuple[int, int], bytes | None]:
    """``((mtime_ns, size), digest)`` of a file; the digest is None when the file changed since it
    was last hashed (or was never hashed), so the caller reads and hashes it."""
    st = os.stat(path)
    stamp = (st.st_mtime_ns, st.st_size)
    known = _DIGESTS.get(path)
    return stamp, (known[1] if known is not None and known[0] == stamp else None)


@dataclass
class _Group:
    look: Any
    vbo: Any
    vao_gt: Any
    vao_shade: Any
    vao_shadow: Any
    vao_depth: Any
    ranges: dict[int, tuple[int, int]]  # instance -> (first vertex, count)
    count: int
    textures: tuple | None = None

    def runs(self, skip: set[int]) -> list[tuple[int, int]]:
        """(first, count) vertex runs of every instance not in ``skip``, merged where contiguous."""
        if not skip or not (skip & self.ranges.keys()):
            return [(0, self.count)]
        out: list[list[int]] = []
        for inst, (first, n) in sorted(self.ranges.items(), key=lambda kv: kv[1][0]):
            if inst in skip:
                continue
            if out and out[-1][0] + out[-1][1] == first:
                out[-1][1] += n
            else:
                out.append([first, n])
        return [(a, b) for a, b in out]


@dataclass
class _Prepared:
    geom: SceneGeometry
    lights: list[LightSpec]
    groups: list[_Group]
    transparent: list[_Group]
    exposure: float
    ambient_sky: tuple[float, float, float]
    ambient_ground: tuple[float, float, float]
    shadow_atlas: Any
    shadow_rows: int
    shadow_size: int
    flags: Any
    stats: dict[str, Any] = field(default_factory=dict)
    #: what the geometry was built from: (rooms, objects, material library version)
    source: tuple = ()
    #: (position, fixture) of each shadowed light: the shadow atlas is valid while this holds
    shadow_key: tuple = ()

    def release(self) -> None:
        for g in self.groups + self.transparent:
            for obj in (g.vao_gt, g.vao_shade, g.vao_shadow, g.vao_depth, g.vbo):
                obj.release()
        for obj in (self.shadow_atlas, self.flags):
            if obj is not None:
                obj.release()


class GLRenderer:
    """The ``gl`` backend (see the module doc). ``msaa`` samples for RGB (1 turns it off),
    ``shadow_size`` pixels per shadow-map face, ``texture_px`` material texture size."""

    name = "gl"

    def __init__(self, *, antialias: str = "auto", msaa: int = 4, shadow_size: int = 512, texture_px: int = 512):
        self.ctx = context()
        if antialias not in ANTIALIAS:
            raise RenderError(f"expected antialias in {ANTIALIAS}, got {antialias!r}")
        if antialias == "auto":
            antialias = "edge" if is_software(self.ctx) else "msaa"
        self.antialias = antialias
        self.msaa = max(1, min(int(msaa), int(self.ctx.max_samples))) if antialias == "msaa" else 1
        self.shadow_size = int(shadow_size)
        self.texture_px = int(texture_px)
        self.prog_gt = self.ctx.program(vertex_shader=glsl.VERTEX, fragment_shader=glsl.GROUND_TRUTH)
        self.prog_shade = self.ctx.program(vertex_shader=glsl.VERTEX, fragment_shader=glsl.SHADE)
        self.prog_shadow = self.ctx.program(vertex_shader=glsl.SHADOW_VERTEX, fragment_shader=glsl.SHADOW)
        self.prog_depth = self.ctx.program(vertex_shader=glsl.SHADOW_VERTEX, fragment_shader=glsl.DEPTH_ONLY)
        self.prog_aa = self.ctx.program(vertex_shader=glsl.FULLSCREEN_VERTEX, fragment_shader=glsl.EDGE_AA)
        self.vao_fullscreen = self.ctx.vertex_array(self.prog_aa, [])
        self._prepared: _Prepared | None = None
        self._scene_ref: Any = None
        self._key: tuple = ()
        self.relights = 0  # how many prepares reused the uploaded geometry (relit only)
        self._fbos: dict[tuple, Any] = {}
        self._white = self.ctx.texture((1, 1), 3, bytes([255, 255, 255]))
        self._textures: dict[tuple, Any] = {}

    # ------------------------------------------------------------------ scene upload
    def prepare(self, scene: Scene, *, daylight: float = 1.0, daylight_kelvin: float = DAYLIGHT_KELVIN) -> _Prepared:
        """Upload ``scene`` (geometry, textures, shadow maps); cached for the same scene object and
        daylight; a scene with the same rooms and objects is only relit (see the module doc)."""
        key = (float(daylight), float(daylight_kelvin))
        prev = self._prepared
        if prev is not None and self._scene_ref is not None and self._scene_ref() is scene and self._key == key:
            return prev
        t0 = time.perf_counter()
        source = _source(scene)
        if prev is not None and _same_source(prev.source, source):
            lights = scene_lights(scene, prev.geom, daylight=key[0], daylight_kelvin=key[1])
            if lights != prev.lights:
                self._light(prev, scene, lights)
            prepared = prev
            prepared.source = source
            prepared.stats.update({"relit": True, "relight_s": time.perf_counter() - t0})
            self.relights += 1
        else:
            if prev is not None:
                prev.release()
                self._prepared = None
            geom = scene_geometry(scene)
            t1 = time.perf_counter()
            lights = scene_lights(scene, geom, daylight=key[0], daylight_kelvin=key[1])
            prepared = self._upload(scene, geom, lights)
            t2 = time.perf_counter()
            prepared.source = source
            prepared.stats.update({"geometry_s": t1 - t0, "upload_s": t2 - t1, "triangles": geom.triangle_count,
                                   "relit": False})
            prepared.stats.pop("relight_s", None)
        self._prepared, self._key = prepared, key
        try:
            self._scene_ref = weakref.ref(scene)
        except TypeError:  # pragma: no cover - scenes are dataclasses and support weak references
            self._scene_ref = None
        return prepared

    def _texture(self, path: str, mode: str) -> Any:
        """A mipmapped GPU texture of an image file, shared by every look (and scene) whose map
        file has the same bytes: tints change the albedo, rarely the roughness and normal maps,
        yet the map cache names each tint's maps apart. Keyed on ``mode`` and the SHA-1 of the
        file's bytes, memoised per path while the file's modification time and size stay the
        same, so a map whose texture is already on the GPU is neither read nor decoded again.
        A texture is made from the very bytes its key was hashed from."""
        import hashlib

        stamp, digest = _file_key(path)
        tex = self._textures.get((mode, digest)) if digest is not None else None
        if tex is None:
            with open(path, "rb") as fh:
                data = fh.read()
            digest = hashlib.sha1(data).digest()
            if len(_DIGESTS) >= _DIGEST_MEMO:
                _DIGESTS.clear()
            _DIGESTS[path] = (stamp, digest)
            tex = self._textures.get((mode, digest))
            if tex is None:
                img = _decode(data, mode)
                if len(self._textures) >= TEXTURE_CACHE:
                    for old in list(self._textures)[:TEXTURE_CACHE // 4]:
                        self._textures.pop(old).release()
                comps = 1 if img.ndim == 2 else img.shape[2]
                tex = self.ctx.texture((img.shape[1], img.shape[0]), comps, img.tobytes())
                tex.build_mipmaps()
                tex.repeat_x = tex.repeat_y = True
                tex.anisotropy = 1.0  # llvmpipe's anisotropic filtering can take seconds on grazing views
                self._textures[(mode, digest)] = tex
                return tex
        key = (mode, digest)
        self._textures[key] = self._textures.pop(key)  # most recently used last
        return tex

    def _look_textures(self, look: Any) -> tuple | None:
        if look.texture is None or not self.texture_px:
            return None
        from ..materials.maps import texture_map_files

        found = texture_map_files(look.pbr, resolution=self.texture_px)
        if found is None:
            return None
        paths = found[0]
        return (self._texture(paths["albedo"], "RGB"), self._texture(paths["roughness"], "L"),
                self._texture(paths["normal"], "RGB"))

    def _upload(self, scene: Scene, geom: SceneGeometry, lights: list[LightSpec]) -> _Prepared:
        ctx = self.ctx
        by_look: dict[str, list] = {}
        for s in geom.surfaces:
            by_look.setdefault(s.look.key, []).append(s)
        groups, transparent = [], []
        for key in sorted(by_look):
            surfs = sorted(by_look[key], key=lambda s: s.instance)
            n = sum(len(s.positions) for s in surfs) * 3
            data = np.empty(n, dtype=VERTEX_DTYPE)
            ranges: dict[int, tuple[int, int]] = {}
            at = 0
            for s in surfs:
                k = len(s.positions) * 3
                data["p"][at:at + k] = s.positions.reshape(-1, 3)
                data["n"][at:at + k] = s.normals.reshape(-1, 3)
                data["uv"][at:at + k] = s.uv.reshape(-1, 2) if s.uv is not None else 0.0
                data["i"][at:at + k] = s.instance
                first, count = ranges.get(s.instance, (at, 0))
                ranges[s.instance] = (first, count + k)
                at += k
            vbo = ctx.buffer(data.tobytes())
            full = [(vbo, "3f 3f 2f 1i", "in_pos", "in_normal", "in_uv", "in_inst")]
            group = _Group(
                look=surfs[0].look, vbo=vbo,
                vao_gt=ctx.vertex_array(self.prog_gt, full, skip_errors=True),
                vao_shade=ctx.vertex_array(self.prog_shade, full, skip_errors=True),
                vao_shadow=ctx.vertex_array(self.prog_shadow, [(vbo, "3f 20x 1i", "in_pos", "in_inst")]),
                vao_depth=ctx.vertex_array(self.prog_depth, [(vbo, "3f 20x 1i", "in_pos", "in_inst")]),
                ranges=ranges, count=n, textures=self._look_textures(surfs[0].look))
            (transparent if group.look.alpha < 0.999 else groups).append(group)

        flags = ctx.texture((len(geom.instances), 1), 1, np.zeros(len(geom.instances), "f4").tobytes(), dtype="f4")
        prepared = _Prepared(geom=geom, lights=[], groups=groups, transparent=transparent, exposure=1.0,
                             ambient_sky=(1.0, 1.0, 1.0), ambient_ground=(1.0, 1.0, 1.0), shadow_atlas=None,
                             shadow_rows=0, shadow_size=self.shadow_size, flags=flags)
        self._light(prepared, scene, lights)
        return prepared

    def _light(self, prep: _Prepared, scene: Scene, lights: list[LightSpec]) -> None:
        """Give ``prep`` the light list ``lights``: exposure, ambient terms and shadow maps (the
        only per-scene state that depends on the lights; a fresh upload and a relight both use it)."""
        # a shadow map depends on where its light is and what it skips (its fixture), not on its
        # strength or colour: keep the atlas when the shadowed lights sit where they did
        shadowed = self._shadowed(lights[:glsl.MAX_LIGHTS])
        shadow_key = tuple((lights[i].position, lights[i].fixture) for i in shadowed)
        keep = prep.shadow_atlas is not None and shadow_key == prep.shadow_key
        if not keep:
            if prep.shadow_atlas is not None:
                prep.shadow_atlas.release()
            prep.shadow_atlas, prep.shadow_rows = None, 0
            prep.stats.pop("shadowed_lights", None)
        prep.shadow_key = shadow_key
        prep.flags.write(np.zeros(len(prep.geom.instances), "f4").tobytes())  # no view's cut-away flags
        prep.lights = lights
        e_avg = average_illuminance(lights, scene)
        if lights:
            w = np.array([s.lumens for s in lights])
            tint = (np.array([s.color for s in lights]) * w[:, None]).sum(0) / max(w.sum(), 1e-9)
        else:
            tint = np.ones(3)
        amb = AMBIENT_FRACTION * e_avg * tint
        prep.exposure, prep.ambient_sky, prep.ambient_ground = exposure(lights, scene), tuple(amb), tuple(0.6 * amb)
        if not lights:  # an unlit scene: a soft uniform light so it is not black
            prep.ambient_sky = prep.ambient_ground = (1.0, 1.0, 1.0)
            prep.exposure = UNLIT_EXPOSURE
        if keep:
            prep.stats["shadowed_lights"] = [lights[i].id for i in shadowed]
        else:
            self._render_shadows(prep)

    def _shadowed(self, lights: list[LightSpec]) -> list[int]:
        order = sorted(range(len(lights)), key=lambda i: (-lights[i].lumens, lights[i].id))
        return sorted(order[:glsl.MAX_SHADOWED])

    def _render_shadows(self, prep: _Prepared) -> None:
        shadowed = self._shadowed(prep.lights[:glsl.MAX_LIGHTS])
        if not shadowed:
            return
        ctx, S = self.ctx, self.shadow_size
        rows = len(shadowed)
        atlas = ctx.texture((6 * S, rows * S), 1, dtype="f4")
        atlas.repeat_x = atlas.repeat_y = False
        depth = ctx.depth_renderbuffer((6 * S, rows * S))
        fbo = ctx.framebuffer(color_attachments=[atlas], depth_attachment=depth)
        fbo.use()
        fbo.clear(1e4, 1e4, 1e4, 1e4, depth=1.0)
        ctx.enable(ctx.DEPTH_TEST)
        ctx.disable(ctx.CULL_FACE | ctx.BLEND)
        prep.flags.use(location=4)
        _set(self.prog_shadow, "flags", 4)
        _set(self.prog_shadow, "cut_height", 1e6)
        for row, li in enumerate(shadowed):
            light = prep.lights[li]
            pos = np.asarray(light.position, dtype=float)
            skip = set(light.fixture)
            _set(self.prog_shadow, "light_pos", tuple(float(x) for x in pos))
            for face in range(6):
                fbo.viewport = (face * S, row * S, S, S)
                _write(self.prog_shadow, "view_proj", _mat(_face_view_proj(pos, face)))
                for g in prep.groups:  # glass casts no shadow
                    for first, count in g.runs(skip):
                        g.vao_shadow.render(mode=ctx.TRIANGLES, vertices=count, first=first)
        ctx.finish()
        fbo.release()
        depth.release()
        prep.shadow_atlas, prep.shadow_rows = atlas, rows
        prep.stats["shadowed_lights"] = [prep.lights[i].id for i in shadowed]

    # ------------------------------------------------------------------ per view
    def _skip_and_flags(self, prep: _Prepared, camera: Camera) -> tuple[set[int], np.ndarray]:
        skip, cut = prep.geom.view_instances(camera.hidden, camera.cutaway)
        flags = np.zeros(len(prep.geom.instances), dtype="f4")
        flags[sorted(cut)] = 2.0
        return skip, flags

    def _fbo(self, kind: str, w: int, h: int) -> Any:
        key = (kind, w, h)
        if key in self._fbos:
            self._fbos[key] = fbo = self._fbos.pop(key)  # most recently used last
            return fbo
        ctx = self.ctx
        if kind == "gt":  # depth + ids only; the shader's other outputs go nowhere
            fbo = ctx.framebuffer(color_attachments=[ctx.texture((w, h), 2, dtype="f4")],
                                  depth_attachment=ctx.depth_renderbuffer((w, h)))
        elif kind == "gt_full":  # plus normal and albedo
            fbo = ctx.framebuffer(color_attachments=[ctx.texture((w, h), 2, dtype="f4"),
                                                     ctx.texture((w, h), 4, dtype="f4"),
                                                     ctx.texture((w, h), 4)],
                                  depth_attachment=ctx.depth_renderbuffer((w, h)))
        elif kind == "msaa":
            fbo = ctx.framebuffer(color_attachments=[ctx.renderbuffer((w, h), 4, samples=self.msaa)],
                                  depth_attachment=ctx.depth_renderbuffer((w, h), samples=self.msaa))
        elif kind == "lit":  # display image as a texture, read by the edge anti-aliasing pass
            fbo = ctx.framebuffer(color_attachments=[ctx.texture((w, h), 4)],
                                  depth_attachment=ctx.depth_renderbuffer((w, h)))
        else:
            fbo = ctx.framebuffer(color_attachments=[ctx.renderbuffer((w, h), 4)],
                                  depth_attachment=ctx.depth_renderbuffer((w, h)))
        # least recently used first out: a pass holding one framebuffer while it asks for a second
        # (the edge anti-aliasing reads "lit" into "plain") never loses the first
        while len(self._fbos) >= FBO_CACHE:
            f = self._fbos.pop(next(iter(self._fbos)))
            for a in list(f.color_attachments) + [f.depth_attachment]:
                a.release()
            f.release()
        self._fbos[key] = fbo
        return fbo

    def _camera_uniforms(self, prog: Any, camera: Camera, prep: _Prepared) -> None:
        _write(prog, "view_proj", _mat(camera.gl_projection() @ camera.gl_view()))
        _write(prog, "view", _mat(camera.gl_view()))
        _set(prog, "cut_height", float(camera.cut_height_m))
        _set(prog, "flags", 4)
        _set(prog, "cam_pos", tuple(float(x) for x in camera.position))
        _set(prog, "cam_fwd", tuple(float(x) for x in camera.forward))
        _set(prog, "ortho", 1 if camera.projection == "orthographic" else 0)

    def render(self, scene: Scene, camera: Camera, outputs: Iterable[str] | str = ("rgb",), *,
               daylight: float = 1.0, daylight_kelvin: float = DAYLIGHT_KELVIN, **options: Any) -> Frame:
        """Render ``outputs`` (see :mod:`.frame`) of ``scene`` seen by ``camera``; ``daylight`` and
        ``daylight_kelvin``: level and colour temperature of the daylight through the windows
        (:func:`~worldsmith.render.lighting.scene_lights`)."""
        unknown_opts = sorted(k for k in options if k not in ("spp", "seed"))
        if unknown_opts:
            raise RenderError(f"unknown gl render option {', '.join(unknown_opts)}")
        if camera.projection == "equirectangular":
            raise RenderError("the gl backend draws perspective and orthographic cameras; render panoramas "
                              "with worldsmith.render.render(), which assembles them from cube faces")
        wanted = parse_outputs(outputs)
        t0 = time.perf_counter()
        prev = self._prepared
        if "rgb" not in wanted and prev is not None and _same_source(prev.source, _source(scene)):
            prep = prev  # labels and depth do not depend on the lights: keep whatever lighting is uploaded
        else:
            prep = self.prepare(scene, daylight=daylight, daylight_kelvin=daylight_kelvin)
        t1 = time.perf_counter()
        skip, flags = self._skip_and_flags(prep, camera)
        prep.flags.write(flags.tobytes())
        ctx = self.ctx
        prep.flags.use(location=4)
        images: dict[str, np.ndarray] = {}
        ctx.enable(ctx.DEPTH_TEST)
        ctx.disable(ctx.CULL_FACE)
        if wanted & GT_OUTPUTS:
            images.update(self._ground_truth(prep, camera, skip, wanted))
        if "rgb" in wanted:
            images["rgb"] = self._shade(prep, camera, skip)
        t2 = time.perf_counter()
        stats = dict(prep.stats)
        stats.update({"prepare_s": t1 - t0, "render_s": t2 - t1})
        return Frame(camera=camera, images={k: images[k] for k in sorted(images)},
                     instances=[dict(e) for e in prep.geom.instances], categories=list(prep.geom.categories),
                     backend=self.name, stats=stats)

    def _draw(self, groups: list[_Group], vao_attr: str, skip: set[int], prog: Any, textures: bool) -> None:
        ctx = self.ctx
        for g in groups:
            runs = g.runs(skip)
            if not runs:
                continue
            look = g.look
            _set(prog, "base_color", tuple(look.base_color))
            _set(prog, "metallic", float(look.metallic))
            _set(prog, "roughness", float(look.roughness))
            _set(prog, "emission", tuple(look.emission))
            tex = g.textures
            _set(prog, "textured", 1 if tex else 0)
            if textures:
                if tex:
                    tex[0].use(location=0)
                    tex[1].use(location=1)
                    tex[2].use(location=2)
                else:
                    self._white.use(location=0)
                    self._white.use(location=1)
                    self._white.use(location=2)
            elif tex:
                tex[0].use(location=0)
            vao = getattr(g, vao_attr)
            for first, count in runs:
                vao.render(mode=ctx.TRIANGLES, vertices=count, first=first)

    def _ground_truth(self, prep: _Prepared, camera: Camera, skip: set[int], wanted: frozenset[str]) -> dict[str, np.ndarray]:
        ctx, w, h = self.ctx, camera.width, camera.height
        fbo = self._fbo("gt_full" if wanted & {"normal", "albedo"} else "gt", w, h)
        fbo.use()
        fbo.clear(0.0, 0.0, 0.0, 0.0, depth=1.0)
        ctx.disable(ctx.BLEND)
        prog = self.prog_gt
        self._camera_uniforms(prog, camera, prep)
        _set(prog, "want_albedo", 1 if "albedo" in wanted else 0)
        _set(prog, "albedo_map", 0)
        self._draw(prep.groups + prep.transparent, "vao_gt", skip, prog, textures=False)
        out: dict[str, np.ndarray] = {}
        ids = np.frombuffer(fbo.read(components=2, dtype="f4", attachment=0), dtype="f4").reshape(h, w, 2)[::-1]
        inst = np.rint(ids[..., 1]).astype(np.int32)
        if "depth" in wanted:
            d = ids[..., 0].astype(np.float32)
            out["depth"] = np.where(inst > 0, d, np.float32(np.inf)).astype(np.float32)
        if "instance" in wanted:
            out["instance"] = np.ascontiguousarray(inst)
        if "semantic" in wanted:
            out["semantic"] = prep.geom.semantic_lut()[inst]
        if "normal" in wanted:
            n = np.frombuffer(fbo.read(components=4, dtype="f4", attachment=1), dtype="f4").reshape(h, w, 4)[::-1]
            out["normal"] = np.ascontiguousarray(np.where(inst[..., None] > 0, n[..., :3], 0.0).astype(np.float32))
        if "albedo" in wanted:
            a = np.frombuffer(fbo.read(components=3, attachment=2), dtype=np.uint8).reshape(h, w, 3)[::-1]
            out["albedo"] = np.ascontiguousarray(a)
        return out

    def _shade(self, prep: _Prepared, camera: Camera, skip: set[int]) -> np.ndarray:
        ctx, w, h = self.ctx, camera.width, camera.height
        kind = "msaa" if self.msaa > 1 else ("lit" if self.antialias == "edge" else "plain")
        fbo = self._fbo(kind, w, h)
        fbo.use()
        sky = tuple(c for c in SKY_SRGB)
        fbo.clear(sky[0], sky[1], sky[2], 1.0, depth=1.0)
        prog = self.prog_shade
        self._camera_uniforms(prog, camera, prep)
        self._light_uniforms(prog, prep)
        for name, unit in (("albedo_map", 0), ("rough_map", 1), ("normal_map", 2), ("shadow_atlas", 3)):
            _set(prog, name, unit)
        if prep.shadow_atlas is not None:
            prep.shadow_atlas.use(location=3)
        else:
            self._white.use(location=3)
        ctx.disable(ctx.BLEND)
        # depth pre-pass, then shade only the visible fragments
        dprog = self.prog_depth
        _write(dprog, "view_proj", _mat(camera.gl_projection() @ camera.gl_view()))
        _set(dprog, "cut_height", float(camera.cut_height_m))
        _set(dprog, "flags", 4)
        fbo.color_mask = (False, False, False, False)
        for g in prep.groups:
            for first, count in g.runs(skip):
                g.vao_depth.render(mode=ctx.TRIANGLES, vertices=count, first=first)
        fbo.color_mask = (True, True, True, True)
        ctx.depth_func = "<="
        ctx.depth_mask = False
        self._draw(prep.groups, "vao_shade", skip, prog, textures=True)
        ctx.depth_mask = True
        ctx.depth_func = "<"
        if prep.transparent:
            ctx.enable(ctx.BLEND)
            ctx.blend_func = ctx.SRC_ALPHA, ctx.ONE_MINUS_SRC_ALPHA
            ctx.depth_mask = False
            self._draw(prep.transparent, "vao_shade", skip, prog, textures=True)
            ctx.depth_mask = True
            ctx.disable(ctx.BLEND)
        if self.msaa > 1:
            out = self._fbo("plain", w, h)
            ctx.copy_framebuffer(out, fbo)
            fbo = out
        elif self.antialias == "edge":
            out = self._fbo("plain", w, h)
            out.use()
            ctx.disable(ctx.DEPTH_TEST)
            image = fbo.color_attachments[0]
            image.repeat_x = image.repeat_y = False
            image.use(location=0)
            _set(self.prog_aa, "image", 0)
            _set(self.prog_aa, "texel", (1.0 / w, 1.0 / h))
            self.vao_fullscreen.render(mode=ctx.TRIANGLES, vertices=3)
            ctx.enable(ctx.DEPTH_TEST)
            fbo = out
        rgb = np.frombuffer(fbo.read(components=3), dtype=np.uint8).reshape(h, w, 3)[::-1]
        return np.ascontiguousarray(rgb)

    def _light_uniforms(self, prog: Any, prep: _Prepared) -> None:
        lights = prep.lights[:glsl.MAX_LIGHTS]
        if len(prep.lights) > glsl.MAX_LIGHTS:
            log.warning("gl backend draws the first %d of %d lights", glsl.MAX_LIGHTS, len(prep.lights))
        shadowed = self._shadowed(lights) if prep.shadow_atlas is not None else []
        pos = np.zeros((glsl.MAX_LIGHTS, 4), "f4")
        dirs = np.zeros((glsl.MAX_LIGHTS, 4), "f4")
        cols = np.zeros((glsl.MAX_LIGHTS, 4), "f4")
        extra = np.zeros((glsl.MAX_LIGHTS, 4), "f4")
        for i, s in enumerate(lights):
            kind = {"point": 0.0, "spot": 1.0, "area": 2.0}[s.kind]
            pos[i] = (*s.position, kind)
            half = math.radians(min(s.cone_deg, 179.0)) / 2.0
            dirs[i] = (*s.direction, math.cos(half))
            row = shadowed.index(i) if i in shadowed else -1
            cols[i] = (*(np.asarray(s.color) * s.intensity_cd), float(row))
            area = s.area_size[0] * s.area_size[1]
            radius = 0.5 * math.sqrt(area) if area > 0 else 0.05
            extra[i] = (math.cos(0.8 * half), area, radius, 0.0)
        _set(prog, "n_lights", len(lights))
        _write(prog, "l_pos", pos.tobytes())
        _write(prog, "l_dir", dirs.tobytes())
        _write(prog, "l_col", cols.tobytes())
        _write(prog, "l_extra", extra.tobytes())
        _set(prog, "shadow_rows", max(prep.shadow_rows, 1))
        _set(prog, "shadow_texel", 1.0 / prep.shadow_size)
        _set(prog, "ambient_sky", tuple(float(x) for x in prep.ambient_sky))
        _set(prog, "ambient_ground", tuple(float(x) for x in prep.ambient_ground))
        _set(prog, "exposure", float(prep.exposure))
        _set(prog, "emission_scale", EMISSION_SCALE)
