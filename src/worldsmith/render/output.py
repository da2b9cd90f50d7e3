"""Writing rendered frames to disk: image files per output, colourised previews and ``cameras.json``.

:func:`write_frame` writes one :class:`~worldsmith.render.frame.Frame` as files named
``<stem>_<output>.<ext>`` (``stem`` defaults to the camera name). Per requested output:

==============  ==============================================================================
output          files
==============  ==============================================================================
``rgb``         ``<stem>_rgb.png``: 8-bit sRGB.
``depth``       ``<stem>_depth.png``: 16-bit greyscale PNG, **millimetres** (``round(depth * 1000)``);
                0 means no hit (background) or farther than 65.535 m. ``<stem>_depth.npy``:
                float32 metres, exact, ``inf`` on the background. ``<stem>_depth_vis.png``: a
                turbo-like preview, near = warm (red), far = cold (blue), background black; scaled
                per image from the nearest to the farthest hit.
``instance``    ``<stem>_instance.png``: the instance ids (0 = background, the table is
                ``cameras.json["instances"]``). A 16-bit greyscale PNG when every id is below
                65536, else an 8-bit RGBA PNG holding each id as a little-endian uint32
                (``id = R + 256 G + 65536 B + 16777216 A``; :func:`read_ids_png` reads both).
                ``<stem>_instance_vis.png``: one stable colour per instance (a hash of its scene
                id, so the sofa keeps its colour in every view), background black.
``semantic``    ``<stem>_semantic.png`` (same encoding as instance ids; table:
                ``cameras.json["categories"]``) and ``<stem>_semantic_vis.png`` (a colour per
                category name).
``normal``      ``<stem>_normal.png``: world-space unit normals as 8-bit RGB ``round((n + 1) / 2 * 255)``,
                background (0, 0, 0); ``<stem>_normal.npy``: float32 world-space normals (zero on
                the background).
``albedo``      ``<stem>_albedo.png``: 8-bit sRGB base colour, unlit.
==============  ==============================================================================

:func:`write_cameras_json` writes ``cameras.json``: ``{"convention": {...}, "backend": ...,
"cameras": [Camera.to_dict() + {"frame": stem, "files": [...]}], "instances": [...],
"categories": [...]}`` (see :mod:`worldsmith.render.camera` for the pose and pixel conventions;
:meth:`Camera.from_dict` reads a camera record back).

:func:`render_views` renders a list of cameras, writes every frame, a labelled overlay
``<stem>_overlay.png`` for orthographic top-down views (when ``rgb`` is requested), and
``cameras.json`` last.

Every file is written atomically (:func:`worldsmith.scene.files.atomic_write`) and its bytes
depend only on the frame: the same scene and camera give the same files.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

import numpy as np

from ..scene.files import atomic_write_bytes
from .errors import RenderError
from .frame import OUTPUTS, Frame, parse_outputs

if TYPE_CHECKING:
    from ..scene import Scene
    from .camera import Camera

log = logging.getLogger(__name__)

#: largest depth a 16-bit millimetre PNG holds (metres); farther hits are written as 0
DEPTH_PNG_MAX_M = 65.535
#: the conventions written at the top of ``cameras.json``
CONVENTION: dict[str, str] = {
    "world": "metres, Z up (the scene's frame)",
    "camera": "cam_to_world is OpenCV: x right, y down, z forward; OpenGL pose = cam_to_world @ diag(1,-1,-1,1)",
    "pixels": "row v down from the top, column u right; the centre of pixel [row i, col j] is (u, v) = (j, i)",
    "perspective": "u = fx * x / z + cx, v = fy * y / z + cy with K = [[fx, 0, cx], [0, fy, cy], [0, 0, 1]]",
    "orthographic": "u = fx * x + cx, v = fy * y + cy (fx = fy = pixels per metre)",
    "equirectangular": "lon = atan2(x, z), lat = asin(-y); u = (lon / 2pi + 0.5) W - 0.5, v = (0.5 - lat / pi) H - 0.5",
    "depth": "metres along the camera axis (range along the ray for equirectangular); "
             "_depth.npy float32 with inf = no hit; _depth.png uint16 millimetres with 0 = no hit or beyond 65.535 m",
    "ids": "_instance.png / _semantic.png: uint16 greyscale when all ids < 65536, else RGBA holding a "
           "little-endian uint32 (id = R + 256 G + 65536 B + 16777216 A); 0 = background; "
           "tables: instances[id], categories[id]",
    "normal": "world space unit normals; _normal.png = round((n + 1) / 2 * 255), background 0; _normal.npy float32",
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# ---------------------------------------------------------------------------------------------- names
def safe_stem(name: str) -> str:
    """A file-name-safe stem for a camera name (letters, digits, ``_``, ``-`` and ``.``)."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(name)).strip("._")
    return stem or "view"


def unique_stems(names: Iterable[str]) -> list[str]:
    """:func:`safe_stem` of each name, with ``_2``, ``_3`` ... appended to repeats (in order)."""
    seen: dict[str, int] = {}
    taken: set[str] = set()
    out = []
    for name in names:
        base = safe_stem(name)
        stem = base
        while stem in taken:
            seen[base] = seen.get(base, 1) + 1
            stem = f"{base}_{seen[base]}"
        taken.add(stem)
        out.append(stem)
    return out


def is_topdown(camera: "Camera") -> bool:
    """True for an orthographic camera looking straight down with image right = world +X (the view
    the overlay is drawn on)."""
    return (camera.projection == "orthographic" and float(camera.forward[2]) < -0.999
            and float(camera.c2w[0, 0]) > 0.999)


# ---------------------------------------------------------------------------------------------- encoders
def png_bytes(image: np.ndarray, compress_level: int = 6) -> bytes:
    """PNG bytes of an image array: uint8 H x W (grey), H x W x 3 (RGB), H x W x 4 (RGBA), or uint16
    H x W (16-bit grey), at zlib ``compress_level`` (0-9; 6 is Pillow's default). Deterministic (no
    timestamps or metadata)."""
    from PIL import Image

    a = np.ascontiguousarray(image)
    ok = (a.dtype == np.uint16 and a.ndim == 2) or (
        a.dtype == np.uint8 and (a.ndim == 2 or (a.ndim == 3 and a.shape[2] in (3, 4))))
    if not ok:
        raise RenderError(f"expected a uint8 grey/RGB/RGBA or uint16 grey image, got {a.dtype} {a.shape}")
    if not (isinstance(compress_level, int) and 0 <= compress_level <= 9):
        raise RenderError(f"expected a PNG compression level from 0 to 9, got {compress_level!r}")
    if a.dtype == np.uint16:
        a = a.astype("=u2", copy=False)  # native order: Pillow reads it as mode I;16
    buf = io.BytesIO()
    Image.fromarray(a).save(buf, format="PNG", compress_level=compress_level)
    return buf.getvalue()


def npy_bytes(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.ascontiguousarray(array), allow_pickle=False)
    return buf.getvalue()


def depth_to_mm(depth: np.ndarray) -> np.ndarray:
    """uint16 millimetres of a depth image: ``round(depth * 1000)``; 0 where there is no hit
    (``inf``, NaN, ``<= 0``) or the depth is beyond :data:`DEPTH_PNG_MAX_M`."""
    d = np.asarray(depth, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        mm = np.round(d * 1000.0)
        ok = np.isfinite(mm) & (mm > 0) & (mm <= 65535)
    return np.where(ok, mm, 0).astype(np.uint16)


def ids_to_png(ids: np.ndarray) -> bytes:
    """PNG bytes of an id image: 16-bit grey when ``0 <= id < 65536`` everywhere, else RGBA with the
    little-endian uint32 bytes of each id."""
    a = np.asarray(ids)
    if a.size and (int(a.min()) < 0 or int(a.max()) > 0xFFFFFFFF):
        raise RenderError(f"expected non-negative ids below 2**32, got the range {int(a.min())}..{int(a.max())}")
    if not a.size or int(a.max()) < 65536:
        return png_bytes(a.astype(np.uint16))
    packed = np.ascontiguousarray(a.astype("<u4")).view(np.uint8).reshape(a.shape + (4,))
    return png_bytes(packed)


def read_ids_png(path: str | Path) -> np.ndarray:
    """An id image written by :func:`write_frame` (either encoding) as int64 H x W."""
    from PIL import Image

    with Image.open(path) as img:
        img.load()
        a = np.asarray(img)
        if img.mode == "RGBA":
            return np.ascontiguousarray(a).view("<u4")[..., 0].astype(np.int64)
        return a.astype(np.int64)


def read_depth_png(path: str | Path) -> np.ndarray:
    """A 16-bit millimetre depth PNG as float32 metres, ``inf`` where it holds 0 (no hit)."""
    from PIL import Image

    with Image.open(path) as img:
        mm = np.asarray(img).astype(np.float64)
    return np.where(mm > 0, mm / 1000.0, np.inf).astype(np.float32)


def turbo(x: np.ndarray) -> np.ndarray:
    """A turbo-like colormap without matplotlib: x in [0, 1] (clipped) -> float RGB in [0, 1]
    (0 dark blue, 0.5 green, 1 dark red). A degree-5 polynomial fit of Google's Turbo, evaluated
    on [0.05, 1] (below 0.05 the fit drifts to grey)."""
    t = 0.05 + 0.95 * np.clip(np.asarray(x, dtype=np.float64), 0.0, 1.0)[..., None]
    coeffs = np.array([
        [0.13572138, 0.09140261, 0.10667330],
        [4.61539260, 2.19418839, 12.64194608],
        [-42.66032258, 4.84296658, -60.58204836],
        [132.13108234, -14.18503333, 110.36276771],
        [-152.94239396, 4.27729857, -89.90310912],
        [59.28637943, 2.82956604, 27.34824973],
    ])
    rgb = sum(coeffs[k] * t ** k for k in range(6))
    return np.clip(rgb, 0.0, 1.0)


def depth_preview(depth: np.ndarray) -> np.ndarray:
    """uint8 RGB preview of a depth image: turbo colours from the nearest hit (warm) to the
    farthest (cold), background (no finite positive depth) black."""
    d = np.asarray(depth, dtype=np.float64)
    hit = np.isfinite(d) & (d > 0)
    out = np.zeros(d.shape + (3,), dtype=np.uint8)
    if not hit.any():
        return out
    near, far = float(d[hit].min()), float(d[hit].max())
    t = (far - d[hit]) / (far - near) if far > near else np.ones(int(hit.sum()))
    out[hit] = np.round(turbo(t) * 255.0).astype(np.uint8)
    return out


def hash_color(key: str) -> tuple[int, int, int]:
    """A stable, fairly bright RGB colour for a key (BLAKE2s of its UTF-8 bytes)."""
    b = hashlib.blake2s(str(key).encode("utf-8"), digest_size=3).digest()
    return tuple(48 + (v * 207) // 255 for v in b)  # type: ignore[return-value]


def ids_preview(ids: np.ndarray, names: Sequence[Any]) -> np.ndarray:
    """uint8 RGB preview of an id image: id ``i`` gets :func:`hash_color` of ``names[i]`` (its
    scene id or category name, so colours are stable across views and scenes; ids beyond the table
    hash ``"#<i>"``); 0 (background) is black."""
    a = np.asarray(ids)
    uniq, inverse = np.unique(a, return_inverse=True)
    colors = np.zeros((len(uniq), 3), dtype=np.uint8)
    for k, i in enumerate(uniq.tolist()):
        if i == 0:
            continue
        name = names[i] if 0 <= i < len(names) and names[i] is not None else f"#{i}"
        colors[k] = hash_color(str(name))
    return colors[inverse.reshape(a.shape)]


def normal_to_png(normal: np.ndarray) -> np.ndarray:
    n = np.asarray(normal, dtype=np.float64)
    rgb = np.round((np.clip(n, -1.0, 1.0) + 1.0) * 0.5 * 255.0).astype(np.uint8)
    rgb[~np.any(n != 0.0, axis=-1)] = 0
    return rgb


# ---------------------------------------------------------------------------------------------- frames
def frame_files(frame: Frame, stem: str) -> list[str]:
    """The names :func:`write_frame` writes for ``frame`` with ``stem``, in writing order."""
    names = []
    for out in OUTPUTS:
        if out not in frame.images:
            continue
        if out == "depth":
            names += [f"{stem}_depth.png", f"{stem}_depth.npy", f"{stem}_depth_vis.png"]
        elif out in ("instance", "semantic"):
            names += [f"{stem}_{out}.png", f"{stem}_{out}_vis.png"]
        elif out == "normal":
            names += [f"{stem}_normal.png", f"{stem}_normal.npy"]
        else:
            names.append(f"{stem}_{out}.png")
    return names


def _encode(frame: Frame, stem: str) -> list[tuple[str, bytes]]:
    files: list[tuple[str, bytes]] = []
    img = frame.images
    instance_names = [e.get("id") for e in frame.instances]
    for out in OUTPUTS:
        if out not in img:
            continue
        a = img[out]
        if out == "rgb" or out == "albedo":
            files.append((f"{stem}_{out}.png", png_bytes(np.asarray(a, dtype=np.uint8)[..., :3])))
        elif out == "depth":
            d = np.asarray(a, dtype=np.float32)
            files.append((f"{stem}_depth.png", png_bytes(depth_to_mm(d))))
            files.append((f"{stem}_depth.npy", npy_bytes(d)))
            files.append((f"{stem}_depth_vis.png", png_bytes(depth_preview(d))))
        elif out == "instance":
            files.append((f"{stem}_instance.png", ids_to_png(a)))
            files.append((f"{stem}_instance_vis.png", png_bytes(ids_preview(a, instance_names))))
        elif out == "semantic":
            files.append((f"{stem}_semantic.png", ids_to_png(a)))
            files.append((f"{stem}_semantic_vis.png", png_bytes(ids_preview(a, list(frame.categories)))))
        elif out == "normal":
            n = np.asarray(a, dtype=np.float32)
            files.append((f"{stem}_normal.png", png_bytes(normal_to_png(n))))
            files.append((f"{stem}_normal.npy", npy_bytes(n)))
    return files


def write_frame(frame: Frame, out_dir: str | Path, *, stem: str | None = None) -> list[Path]:
    """Write every output of ``frame`` into ``out_dir`` (created) as described in the module doc;
    returns the written paths in :func:`frame_files` order. ``stem`` defaults to the camera name."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise RenderError(f"output path {out} is a file; expected a folder for the frame files")
    out.mkdir(parents=True, exist_ok=True)
    stem = safe_stem(stem if stem is not None else frame.camera.name)
    return [atomic_write_bytes(out / name, data) for name, data in _encode(frame, stem)]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    return value


def cameras_record(frames: Sequence[Frame], *, stems: Sequence[str] | None = None,
                   files: Sequence[Sequence[str]] | None = None) -> dict[str, Any]:
    """The ``cameras.json`` content for ``frames`` (see the module doc). ``stems`` default to
    :func:`unique_stems` of the camera names, ``files`` to :func:`frame_files`. All frames must come
    from the same scene (equal instance and category tables)."""
    if not frames:
        raise RenderError("expected at least one frame to describe in cameras.json")
    stems = list(stems) if stems is not None else unique_stems(f.camera.name for f in frames)
    if len(stems) != len(frames) or (files is not None and len(files) != len(frames)):
        raise RenderError(f"expected one stem and one file list per frame ({len(frames)} frames)")
    first = frames[0]
    for f in frames[1:]:
        if f.instances != first.instances or list(f.categories) != list(first.categories):
            raise RenderError("cameras.json describes frames of one scene; these frames have different id tables")
    cams = []
    for i, (frame, stem) in enumerate(zip(frames, stems)):
        rec = frame.camera.to_dict()
        rec["frame"] = stem
        rec["files"] = list(files[i]) if files is not None else frame_files(frame, stem)
        cams.append(rec)
    backends = sorted({f.backend for f in frames if f.backend})
    return _jsonable({"convention": CONVENTION, "backend": backends[0] if len(backends) == 1 else backends,
                      "cameras": cams, "instances": first.instances, "categories": list(first.categories)})


def write_cameras_json(frames: Sequence[Frame], path: str | Path, *, stems: Sequence[str] | None = None,
                       files: Sequence[Sequence[str]] | None = None) -> Path:
    """Write ``cameras.json`` (:func:`cameras_record`) atomically; deterministic bytes."""
    text = json.dumps(cameras_record(frames, stems=stems, files=files), indent=2, allow_nan=False) + "\n"
    return atomic_write_bytes(Path(path), text.encode("utf-8"))


def render_views(scene: "Scene", cameras: Sequence["Camera"], outputs: Iterable[str] | str = ("rgb",), *,
                 backend: str = "gl", out_dir: str | Path, overlay_topdown: bool = True,
                 progress: Callable[[int, int, str], None] | None = None, **options: Any) -> dict[str, Any]:
    """Render each camera with ``backend``, write its files (:func:`write_frame`, stems from
    :func:`unique_stems`), a labelled overlay ``<stem>_overlay.png``
    (:func:`worldsmith.render.overlay.draw_topdown_overlay`) for top-down orthographic cameras when
    ``rgb`` is requested and ``overlay_topdown`` is set, then ``cameras.json``.

    ``progress(done, total, camera_name)`` is called after each view. ``options`` go to the
    backend (``spp=`` for ``pbr``). Returns a summary: ``backend``, ``outputs``, ``views`` (per
    camera: ``camera``, ``frame``, ``files``, ``render_s``, ``write_s``), ``files`` (every file,
    ``cameras.json`` last) and ``timings_s`` (``render``, ``write``, ``overlay``, ``total``)."""
    from . import render

    wanted = parse_outputs(outputs)
    cams = list(cameras)
    if not cams:
        raise RenderError("expected at least one camera to render")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise RenderError(f"output path {out} is a file; expected a folder for the renders")
    out.mkdir(parents=True, exist_ok=True)
    stems = unique_stems(c.name for c in cams)
    t_start = time.perf_counter()
    light_frames: list[Frame] = []
    file_lists: list[list[str]] = []
    views: list[dict[str, Any]] = []
    totals = {"render": 0.0, "write": 0.0, "overlay": 0.0}
    for i, (cam, stem) in enumerate(zip(cams, stems)):
        t0 = time.perf_counter()
        frame = render(scene, cam, wanted, backend=backend, **options)
        t1 = time.perf_counter()
        names = [p.name for p in write_frame(frame, out, stem=stem)]
        t2 = time.perf_counter()
        overlay_s = 0.0
        if overlay_topdown and "rgb" in frame.images and is_topdown(cam):
            from .overlay import draw_topdown_overlay

            image = draw_topdown_overlay(np.asarray(frame.rgb), scene, cam, frame=frame)
            name = f"{stem}_overlay.png"
            atomic_write_bytes(out / name, png_bytes(np.asarray(image, dtype=np.uint8)))
            names.append(name)
            overlay_s = time.perf_counter() - t2
        totals["render"] += t1 - t0
        totals["write"] += t2 - t1
        totals["overlay"] += overlay_s
        views.append({"camera": cam.name, "frame": stem, "files": names, "render_s": round(t1 - t0, 4),
                      "write_s": round(t2 - t1 + overlay_s, 4)})
        light_frames.append(Frame(frame.camera, {}, frame.instances, list(frame.categories), frame.backend))
        file_lists.append(names)
        del frame
        log.info("rendered %s (%s) in %.3f s", cam.name, backend, t1 - t0)
        if progress:
            progress(i + 1, len(cams), cam.name)
    write_cameras_json(light_frames, out / "cameras.json", stems=stems, files=file_lists)
    timings = {k: round(v, 4) for k, v in totals.items()}
    timings["total"] = round(time.perf_counter() - t_start, 4)
    return {"backend": backend, "outputs": [o for o in OUTPUTS if o in wanted], "views": views,
            "files": [n for names in file_lists for n in names] + ["cameras.json"], "timings_s": timings}


__all__ = ["CONVENTION", "DEPTH_PNG_MAX_M", "cameras_record", "depth_preview", "depth_to_mm", "frame_files",
           "hash_color", "ids_preview", "ids_to_png", "is_topdown", "read_depth_png", "read_ids_png",
           "render_views", "safe_stem", "turbo", "unique_stems", "write_cameras_json", "write_frame"]
