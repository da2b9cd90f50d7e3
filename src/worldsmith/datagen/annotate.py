"""Per-frame annotations: COCO masks (compressed RLE), 2D and 3D boxes, visibility and truncation.

**COCO run-length encoding** (:func:`rle_encode`, :func:`rle_decode`), exactly the format of
COCO's ``maskApi.c`` (``rleEncode`` / ``rleToString`` / ``rleFrString``), so pycocotools reads it:

* the mask is flattened in **column-major** order (down the first column, then the next);
* ``counts`` are the lengths of alternating runs, **starting with a run of 0s** (zero long when the
  first pixel is set); an all-empty mask is ``[h w]``, an all-full one ``[0, h w]``;
* the string form writes each count ``x`` (for index ``i > 2``, the difference
  ``counts[i] - counts[i - 2]``, which may be negative; indices 0, 1 and 2 are written as they are)
  as a little-endian sequence of 5-bit groups, each emitted as one character ``48 + group``, with
  bit ``0x20`` set on every group but the last; the last group's bit ``0x10`` is the sign (decoding
  sign-extends from it). Encoding stops when the rest is 0 (or -1 for negatives) and the group's
  sign bit agrees;
* ``{"size": [h, w], "counts": "<ascii string>"}``. :func:`rle_decode` also takes uncompressed
  RLE (``counts`` as a list of ints) and bytes.

**Boxes.** :func:`mask_bbox` is COCO's ``[x, y, w, h]`` in the pixel-edge convention (pixel
column ``j`` covers ``[j, j + 1)``): ``x`` = first set column, ``w`` = last - first + 1 (floats;
``[0, 0, 0, 0]`` for an empty mask). :func:`box3d` is an object's oriented bounding box in the
world (Z up, metres): ``center`` (its bottom-face centre ``position`` raised by half its height),
``size`` ``[w, d, h]`` along its local X, Y (front) and Z, ``yaw_deg``, ``rotation`` (3 x 3 whose
columns are the local axes in world coordinates) and ``corners`` (8 x 3) in this order of local
signs ``(x, y, z)``: bottom ``(-,-,-) (+,-,-) (+,+,-) (-,+,-)``, then top ``(-,-,+) (+,-,+)
(+,+,+) (-,+,+)`` (the bottom four go counter-clockwise seen from above, as
:attr:`ObjectInstance.footprint`). :func:`box3d_in_camera` gives the same box in the OpenCV camera
frame (``center``, ``rotation`` = camera-from-object, ``corners``), the corners projected to
pixels ``corners_2d`` (OpenCV: pixel ``(row i, column j)`` has its centre at ``(u, v) = (j, i)``;
add 0.5 for COCO's pixel-edge convention) and ``in_front``: every corner deeper than the camera's
near plane (always true for panoramas, which see all directions).

**Visibility** (:func:`frame_annotations`): ``visible_px`` is the object's pixel count in the
frame's instance image; ``amodal_px`` its pixel count when drawn ALONE (every other node of
``frame.instances`` in the camera's ``hidden`` list), at full-resolution scale. The default amodal
pass renders the instance output at half the frame's size (``W // 2 x H // 2``, same field of
view; :data:`AMODAL_SCALE`) and multiplies the count by ``(W H) / (w h)``. That scaling is an
estimate (a thin object can gain or lose a pixel row), so ``amodal_px`` is clamped to be at least
``visible_px``: an unoccluded object gets ``visibility`` exactly 1, never more.
``visibility = visible_px / amodal_px`` in ``[0, 1]``, ``occlusion = 1 - visibility``.
``truncated``: the amodal mask touches the image border (the object continues outside the image);
with a custom ``amodal_fn`` returning only a count, the visible mask touching the border is used.

Only instances of kind ``object`` are annotated: walls, floors, ceilings, doors and windows are
in the semantic mask only. ``category_id`` is the category's index in the dataset's category table
(``categories``, e.g. :func:`worldsmith.render.scenegeom.base_categories`).

Numbers are rounded to 6 decimals (pixels in ``corners_2d`` to 4), so output bytes are stable.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np

from ..scene import ObjectInstance, Scene
from .errors import DatagenError

__all__ = ["AMODAL_SCALE", "box3d", "box3d_in_camera", "camera_record", "frame_annotations", "mask_bbox",
           "rle_area", "rle_decode", "rle_encode", "rle_counts", "touches_border"]

#: the default amodal pass renders at 1 / AMODAL_SCALE of the frame's width and height
AMODAL_SCALE = 2
#: local corner signs of :func:`box3d` (see the module doc)
CORNER_SIGNS = np.array([[-1, -1, -1], [1, -1, -1], [1, 1, -1], [-1, 1, -1],
                         [-1, -1, 1], [1, -1, 1], [1, 1, 1], [-1, 1, 1]], dtype=float)


# ---------------------------------------------------------------------------------------------
# COCO RLE


def rle_counts(mask: np.ndarray) -> list[int]:
    """Uncompressed COCO run lengths of a 2D mask (column-major, starting with 0s)."""
    m = np.asarray(mask)
    if m.ndim != 2:
        raise DatagenError(f"expected a 2D mask, got shape {m.shape}")
    flat = np.asarray(m, dtype=bool).ravel(order="F")
    if flat.size == 0:
        return [0]
    change = np.flatnonzero(flat[1:] != flat[:-1]) + 1
    runs = np.diff(np.concatenate(([0], change, [flat.size])))
    out = runs.tolist()
    if flat[0]:
        out.insert(0, 0)
    return [int(x) for x in out]


def _counts_to_string(counts: Sequence[int]) -> str:
    chars: list[str] = []
    for i, c in enumerate(counts):
        x = int(c) - (int(counts[i - 2]) if i > 2 else 0)
        more = True
        while more:
            g = x & 0x1F
            x >>= 5  # arithmetic shift: negative numbers stay negative
            more = (x != -1) if (g & 0x10) else (x != 0)
            if more:
                g |= 0x20
            chars.append(chr(g + 48))
    return "".join(chars)


def _string_to_counts(s: str) -> list[int]:
    counts: list[int] = []
    p, n = 0, len(s)
    while p < n:
        x, k, more = 0, 0, True
        while more:
            if p >= n:
                raise DatagenError("a COCO RLE string ended in the middle of a count")
            g = ord(s[p]) - 48
            if not 0 <= g < 64:
                raise DatagenError(f"a COCO RLE string holds {s[p]!r}, outside the characters '0'..'o'")
            x |= (g & 0x1F) << (5 * k)
            more = bool(g & 0x20)
            p += 1
            k += 1
            if not more and (g & 0x10):
                x |= -1 << (5 * k)
        if len(counts) > 2:
            x += counts[-2]
        counts.append(x)
    return counts


def rle_encode(mask: np.ndarray) -> dict[str, Any]:
    """COCO compressed RLE ``{"size": [h, w], "counts": str}`` of a 2D boolean mask."""
    m = np.asarray(mask)
    counts = rle_counts(m)
    return {"size": [int(m.shape[0]), int(m.shape[1])], "counts": _counts_to_string(counts)}


def _rle_parts(rle: dict[str, Any]) -> tuple[int, int, list[int]]:
    try:
        h, w = (int(v) for v in rle["size"])
        counts = rle["counts"]
    except (KeyError, TypeError, ValueError):
        raise DatagenError("expected a COCO RLE {'size': [h, w], 'counts': ...}") from None
    if isinstance(counts, bytes):
        counts = counts.decode("ascii")
    cnts = _string_to_counts(counts) if isinstance(counts, str) else [int(c) for c in counts]
    if any(c < 0 for c in cnts) or sum(cnts) != h * w:
        raise DatagenError(f"a COCO RLE of size {h}x{w} must have non-negative counts summing to {h * w}, "
                           f"got {len(cnts)} counts summing to {sum(cnts)}")
    return h, w, cnts


def rle_decode(rle: dict[str, Any]) -> np.ndarray:
    """The boolean ``h x w`` mask of a COCO RLE (compressed string or uncompressed list counts)."""
    h, w, cnts = _rle_parts(rle)
    values = np.arange(len(cnts)) % 2 == 1
    flat = np.repeat(values, cnts)
    return flat.reshape((w, h)).T.copy() if h * w else np.zeros((h, w), dtype=bool)


def rle_area(rle: dict[str, Any]) -> int:
    """Set pixels of a COCO RLE (the sum of its odd runs)."""
    _h, _w, cnts = _rle_parts(rle)
    return int(sum(cnts[1::2]))


def mask_bbox(mask: np.ndarray) -> list[float]:
    """COCO ``[x, y, w, h]`` (pixel edges, floats) of a 2D mask; ``[0, 0, 0, 0]`` when empty."""
    m = np.asarray(mask, dtype=bool)
    cols = np.flatnonzero(m.any(axis=0))
    rows = np.flatnonzero(m.any(axis=1))
    if cols.size == 0:
        return [0.0, 0.0, 0.0, 0.0]
    return [float(cols[0]), float(rows[0]), float(cols[-1] - cols[0] + 1), float(rows[-1] - rows[0] + 1)]


def touches_border(mask: np.ndarray) -> bool:
    """Whether a 2D mask has a set pixel in the first or last row or column."""
    m = np.asarray(mask, dtype=bool)
    if m.size == 0:
        return False
    return bool(m[0].any() or m[-1].any() or m[:, 0].any() or m[:, -1].any())


# ---------------------------------------------------------------------------------------------
# 3D boxes


def _rnd(a: Any, digits: int = 6) -> Any:
    arr = np.asarray(a, dtype=float)
    if arr.ndim == 0:
        return round(float(arr), digits) + 0.0
    return [_rnd(x, digits) for x in arr]


def _box_arrays(obj: ObjectInstance) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    w, d, h = (float(v) for v in obj.size)
    t = math.radians(obj.yaw_deg)
    c, s = math.cos(t), math.sin(t)
    rot = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
    centre = np.array([obj.position[0], obj.position[1], obj.position[2] + h / 2.0], dtype=float)
    size = np.array([w, d, h])
    corners = centre + (CORNER_SIGNS * size / 2.0) @ rot.T
    return centre, size, rot, corners


def box3d(obj: ObjectInstance) -> dict[str, Any]:
    """The oriented world box of ``obj`` (see the module doc for the fields and corner order)."""
    centre, size, rot, corners = _box_arrays(obj)
    return {"center": _rnd(centre), "size": _rnd(size), "yaw_deg": _rnd(obj.yaw_deg), "rotation": _rnd(rot),
            "corners": _rnd(corners)}


def box3d_in_camera(box: dict[str, Any], camera: Any) -> dict[str, Any]:
    """``box`` (a :func:`box3d` record) in ``camera``'s OpenCV frame, with its projected corners
    and whether every corner is in front of the near plane (see the module doc)."""
    try:
        centre = np.asarray(box["center"], dtype=float).reshape(3)
        rot = np.asarray(box["rotation"], dtype=float).reshape(3, 3)
        corners = np.asarray(box["corners"], dtype=float).reshape(8, 3)
    except (KeyError, ValueError, TypeError):
        raise DatagenError("expected a box3d record with center (3), rotation (3x3) and corners (8x3)") from None
    w2c = camera.w2c
    r, t = w2c[:3, :3], w2c[:3, 3]
    uv, depth = camera.project(corners)
    in_front = True if camera.projection == "equirectangular" else bool(np.all(depth > camera.near))
    return {"center": _rnd(r @ centre + t), "size": _rnd(box.get("size", [0.0, 0.0, 0.0])),
            "rotation": _rnd(r @ rot), "corners": _rnd(corners @ r.T + t),
            "corners_2d": _rnd(np.where(np.isfinite(uv), uv, 0.0), 4), "in_front": in_front}


# ---------------------------------------------------------------------------------------------
# frames


def camera_record(camera: Any) -> dict[str, Any]:
    """The ``camera`` record of a frame's annotations: ``name``, ``projection``, ``width``,
    ``height``, ``K`` (3 x 3), ``cam_to_world`` and ``world_to_cam`` (4 x 4, OpenCV), ``fov_y_deg``
    (None unless perspective), ``near``, ``far``."""
    d = camera.to_dict()
    return {"name": d["name"], "projection": d["projection"], "width": d["width"], "height": d["height"],
            "K": d["K"], "cam_to_world": d["cam_to_world"], "world_to_cam": d["world_to_cam"],
            "fov_y_deg": d.get("fov_y_deg"), "near": d["near"], "far": d["far"]}


def _default_render(scene: Scene, camera: Any, outputs: Any) -> Any:
    from ..render import render

    return render(scene, camera, outputs, backend="gl")


def amodal_counter(scene: Scene, frame: Any, *, render_fn: Callable[..., Any] | None = None,
                   scale: int = AMODAL_SCALE) -> Callable[[str], tuple[int, bool]]:
    """The default ``amodal_fn`` of a frame: ``object_id -> (amodal_px, touches_border)`` from an
    instance render of the object alone at ``1 / scale`` of the frame's size (module doc)."""
    render_fn = _default_render if render_fn is None else render_fn
    cam = frame.camera
    W, H = cam.width, cam.height
    w, h = max(1, W // int(scale)), max(1, H // int(scale))
    factor = (W * H) / float(w * h)
    index = {e.get("id"): i for i, e in enumerate(frame.instances) if i > 0}
    others = [e["id"] for e in frame.instances[1:] if e.get("id") is not None]

    def count(object_id: str) -> tuple[int, bool]:
        if object_id not in index:
            raise DatagenError(f"object {object_id!r} is not in this frame's instance table")
        alone = cam.replace(width=w, height=h, hidden=tuple(x for x in others if x != object_id))
        m = np.asarray(render_fn(scene, alone, {"instance"})["instance"]) == index[object_id]
        return int(round(np.count_nonzero(m) * factor)), touches_border(m)

    return count


def frame_annotations(scene: Scene, frame: Any, *, categories: Sequence[str],
                      amodal_fn: Callable[[str], Any] | None = None, min_pixels: int = 1,
                      render_fn: Callable[..., Any] | None = None) -> dict[str, Any]:
    """Annotations of one rendered ``frame`` (needs its ``instance`` output) of ``scene``:
    ``{"camera": camera_record, "objects": [...]}`` with one entry per object instance covering at
    least ``min_pixels`` pixels, in instance-id order: ``id``, ``category``, ``category_id`` (index
    in ``categories``), ``instance_id`` (the frame's instance id), ``bbox``, ``area``,
    ``segmentation`` (COCO RLE), ``box3d_world``, ``box3d_camera``, ``visible_px``, ``amodal_px``,
    ``visibility``, ``occlusion``, ``truncated`` (see the module doc).

    ``amodal_fn(object_id)`` returns the object's pixel count when drawn alone at full-resolution
    scale, or ``(count, touches_border)``; default :func:`amodal_counter` with ``render_fn`` (default
    the ``gl`` backend; pass the renderer options the frame was rendered with, e.g. its
    ``daylight``, so the renderer keeps the scene uploaded)."""
    inst = np.asarray(frame["instance"])
    cat_index = {str(c): i for i, c in enumerate(categories)}
    counts = np.bincount(inst.ravel(), minlength=len(frame.instances))
    if len(counts) > len(frame.instances):
        raise DatagenError(f"the instance image holds id {len(counts) - 1}, beyond the frame's table of "
                           f"{len(frame.instances)}")
    if amodal_fn is None:
        amodal_fn = amodal_counter(scene, frame, render_fn=render_fn)
    objects = scene.object_map
    out: list[dict[str, Any]] = []
    for i, e in enumerate(frame.instances):
        if i == 0 or e.get("kind") != "object" or counts[i] < max(1, int(min_pixels)):
            continue
        oid = e["id"]
        obj = objects.get(oid)
        if obj is None:
            raise DatagenError(f"frame object {oid!r} is not in the scene; annotate a frame with the scene it was "
                               "rendered from")
        cat = str(e.get("category", obj.category))
        if cat not in cat_index:
            raise DatagenError(f"category {cat!r} of object {oid!r} is not in the dataset's category table")
        mask = inst == i
        visible = int(counts[i])
        res = amodal_fn(oid)
        if isinstance(res, tuple):
            amodal, touches = int(res[0]), bool(res[1])
        else:
            amodal, touches = int(res), touches_border(mask)
        amodal = max(amodal, visible)
        visibility = visible / amodal
        box = box3d(obj)
        out.append({
            "id": oid, "category": cat, "category_id": cat_index[cat], "instance_id": i,
            "bbox": mask_bbox(mask), "area": visible, "segmentation": rle_encode(mask),
            "box3d_world": box, "box3d_camera": box3d_in_camera(box, frame.camera),
            "visible_px": visible, "amodal_px": amodal, "visibility": _rnd(visibility),
            "occlusion": _rnd(1.0 - visibility), "truncated": touches,
        })
    return {"camera": camera_record(frame.camera), "objects": out}
