"""The labelled top-down observation a VLM policy reads: a render plus a metric grid and ids.

:func:`draw_topdown_overlay` takes the RGB image of a :func:`worldsmith.render.cameras.topdown`
camera and returns a **bigger** image: the render framed by a white margin that carries the
coordinate labels. On the render (everything positioned with ``camera.project``, so labels sit
exactly where the geometry is drawn):

* a light metric grid: major lines every metre (2, 5 or 10 m when a metre is under 40 px), minor
  lines at half the major step when that is at least 22 px apart;
* coordinate labels of the major lines on all four borders, in metres (``x`` along the top and
  bottom, ``y`` along the left and right, ``x [m]`` / ``y [m]`` in the corners);
* a short arrow per floor object from its centre to its front edge (local +Y turned by yaw);
* every object's id in a small white label box centred on its box centre; a label that would
  overlap an earlier one moves to a free spot nearby, with a leader line to a red dot on the centre.
  Floor objects are placed first (largest first), then wall, ceiling and stacked objects; a stacked
  object (``support="object:..."``) whose label finds no free spot is left unlabelled (logged at
  debug level), every other object is always labelled;
* wall ids outside each wall, beyond its outer face.

With ``frame`` (a render of the same camera with ``instance``), objects with no visible pixel
(a book inside a closed cabinet, a mug under a shelf) are not labelled.

The returned array is ``(H + top + bottom) x (W + left + right) x 3`` uint8; the render's pixel
``(row, col)`` is at ``(row + top, col + left)``. :func:`overlay_layout` gives the margins and maps
world points to pixels of the returned image. Lines and text are drawn on a 3x supersampled
transparent layer reduced with Lanczos and composited over the render: anti-aliased and
deterministic (same inputs, same bytes).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from .camera import Camera
from .errors import RenderError
from .plan import _nearest_on_box, _num

if TYPE_CHECKING:
    from ..scene import ObjectInstance, Scene
    from .frame import Frame

log = logging.getLogger(__name__)

__all__ = ["OverlayLayout", "draw_topdown_overlay", "grid_steps", "overlay_layout"]

_SS = 3
_TEXT = (30, 32, 38)
_MUTED = (90, 92, 100)
_GRID = (20, 22, 28)
_ARROW = (236, 88, 24)
_DOT = (214, 40, 40)
_MARGIN_BG = (255, 255, 255)

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class OverlayLayout:
    """Margins (pixels) of the overlay image around the render, its font size and grid steps.

    ``world_to_pixel(x, y)`` is the (column, row) position of a floor point in the returned image
    (pixel centres at integers, as in :mod:`.camera`)."""

    left: int
    top: int
    right: int
    bottom: int
    font_px: int
    major_m: float
    minor_m: float | None
    camera: Camera

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the returned image."""
        return self.camera.width + self.left + self.right, self.camera.height + self.top + self.bottom

    def world_to_pixel(self, x: float, y: float, z: float = 0.0) -> tuple[float, float]:
        uv, _ = self.camera.project(np.array([[x, y, z]], dtype=float))
        return float(uv[0, 0]) + self.left, float(uv[0, 1]) + self.top


def grid_steps(px_per_m: float) -> tuple[float, float | None]:
    """(major, minor) grid spacing in metres for a scale: major 1 m unless a metre is under 40 px
    (then 2, 5, 10 or 20 m), minor half the major step when that is at least 22 px."""
    major = 1.0
    for cand in (1.0, 2.0, 5.0, 10.0, 20.0, 50.0):
        major = cand
        if cand * px_per_m >= 40.0:
            break
    minor = major / 2.0 if major / 2.0 * px_per_m >= 22.0 else None
    return major, minor


def _check_camera(camera: Camera) -> None:
    c2w = camera.c2w
    ok = (camera.projection == "orthographic" and float(c2w[2, 2]) < -0.999
          and float(c2w[0, 0]) > 0.999 and float(c2w[1, 1]) < -0.999)
    if not ok:
        raise RenderError(f"expected a top-down orthographic camera (image right = +X, up = +Y, looking down -Z), "
                          f"got camera {camera.name!r} ({camera.projection}); make one with cameras.topdown(scene)")


def _font_px(camera: Camera) -> int:
    return int(np.clip(round(max(camera.width, camera.height) / 56.0), 9, 18))


def overlay_layout(camera: Camera) -> OverlayLayout:
    """The margins, font size and grid of the overlay drawn for ``camera`` (see the module doc)."""
    _check_camera(camera)
    fpx = _font_px(camera)
    major, minor = grid_steps(float(camera.K[0, 0]))
    x0, y0, x1, y1 = _world_rect(camera)
    labels = [_num(v) for v in _ticks(y0, y1, major)] or ["0"]
    widest = max(_text_wh(t, "regular", fpx)[0] for t in labels + ["y [m]"])
    side = int(math.ceil(widest + 12))
    vert = int(math.ceil(fpx * 1.25 + 10))
    return OverlayLayout(left=side, top=vert, right=side, bottom=vert, font_px=fpx, major_m=major, minor_m=minor,
                         camera=camera)


def _world_rect(camera: Camera) -> tuple[float, float, float, float]:
    """World (x0, y0, x1, y1) covered by the image (pixel edges)."""
    ppm = float(camera.K[0, 0])
    c = camera.position
    half_w, half_h = camera.width / ppm / 2.0, camera.height / ppm / 2.0
    # the principal point sits at the image centre (see Camera.K)
    return c[0] - half_w, c[1] - half_h, c[0] + half_w, c[1] + half_h


def _ticks(lo: float, hi: float, step: float) -> list[float]:
    k0, k1 = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
    return [round(k * step, 9) + 0.0 for k in range(int(k0), int(k1) + 1)]


def _text_wh(text: str, style: str, size: int) -> tuple[float, float]:
    from .plan import _font

    font = _font(style, max(1, size * _SS))
    left, top, right, bottom = font.getbbox(text, anchor="lt")
    return (right - left) / _SS, (bottom - top) / _SS


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _priority(o: "ObjectInstance") -> tuple[int, float]:
    rank = {"floor": 0, "wall": 1, "ceiling": 2}.get(o.support_kind, 3)
    return rank, -(o.size[0] * o.size[1])


class _Layer:
    """A transparent supersampled RGBA layer over the output canvas; coordinates in output pixels."""

    def __init__(self, width: int, height: int):
        from PIL import Image, ImageDraw

        self.img = Image.new("RGBA", (width * _SS, height * _SS), (0, 0, 0, 0))
        self.draw = ImageDraw.Draw(self.img, "RGBA")

    @staticmethod
    def s(p: Sequence[float]) -> tuple[float, float]:
        """Output pixel (centre at integers) -> supersampled drawing coordinates."""
        return (p[0] + 0.5) * _SS - 0.5, (p[1] + 0.5) * _SS - 0.5

    def line(self, a: Sequence[float], b: Sequence[float], color: tuple[int, ...], width: float) -> None:
        self.draw.line([self.s(a), self.s(b)], fill=color, width=max(1, int(round(width * _SS))))

    def text(self, p: Sequence[float], text: str, style: str, size: int, color: tuple[int, ...], anchor: str = "mm",
             halo: tuple[int, ...] | None = None) -> None:
        from .plan import _font

        font = _font(style, max(1, size * _SS))
        kw: dict[str, Any] = {}
        if halo is not None:
            kw = {"stroke_width": max(1, int(round(1.6 * _SS))), "stroke_fill": halo}
        self.draw.text(self.s(p), text, font=font, fill=color, anchor=anchor, **kw)

    def box(self, b: Box, fill: tuple[int, ...], outline: tuple[int, ...]) -> None:
        x0, y0 = self.s((b[0], b[1]))
        x1, y1 = self.s((b[2], b[3]))
        self.draw.rounded_rectangle((x0, y0, x1, y1), radius=2 * _SS, fill=fill, outline=outline, width=_SS)

    def dot(self, p: Sequence[float], r: float, color: tuple[int, ...]) -> None:
        x, y = self.s(p)
        rr = r * _SS
        self.draw.ellipse((x - rr, y - rr, x + rr, y + rr), fill=color, outline=(255, 255, 255, 230), width=_SS)

    def arrow(self, a: Sequence[float], b: Sequence[float], color: tuple[int, ...], width: float) -> None:
        dx, dy = b[0] - a[0], b[1] - a[1]
        n = math.hypot(dx, dy)
        if n < 1e-6:
            return
        ux, uy = dx / n, dy / n
        head = min(max(width * 3.2, 6.0), n * 0.6)
        base = (b[0] - ux * head, b[1] - uy * head)
        wing = head * 0.5
        tri = [b, (base[0] - uy * wing, base[1] + ux * wing), (base[0] + uy * wing, base[1] - ux * wing)]
        halo = (255, 255, 255, 200)
        self.line(a, base, halo, width + 2.0)
        self.draw.polygon([self.s(p) for p in tri], fill=color, outline=halo, width=_SS)
        self.line(a, base, color, width)


def draw_topdown_overlay(rgb: np.ndarray, scene: "Scene", camera: Camera, *,
                         frame: "Frame | None" = None) -> np.ndarray:
    """The render ``rgb`` (H x W x 3 uint8 of the top-down ``camera``) with a metric grid, border
    coordinates, object ids, front arrows and wall ids (see the module doc). Returns a bigger uint8
    image; :func:`overlay_layout` ``(camera)`` tells where the render sits in it."""
    from PIL import Image

    img = np.asarray(rgb)
    if img.dtype != np.uint8 or img.ndim != 3 or img.shape[2] != 3:
        raise RenderError(f"expected an H x W x 3 uint8 RGB image, got {img.dtype} {img.shape}")
    if img.shape[:2] != (camera.height, camera.width):
        raise RenderError(f"expected an image of the camera's size {camera.width}x{camera.height}, "
                          f"got {img.shape[1]}x{img.shape[0]}; render it with the same camera")
    L = overlay_layout(camera)
    W, H = L.size
    base = Image.new("RGB", (W, H), _MARGIN_BG)
    base.paste(Image.fromarray(img, "RGB"), (L.left, L.top))
    layer = _Layer(W, H)
    fpx = L.font_px
    x0w, y0w, x1w, y1w = _world_rect(camera)
    left, top = L.left, L.top
    right_px, bottom_px = L.left + camera.width - 1, L.top + camera.height - 1

    def w2p(x: float, y: float) -> tuple[float, float]:
        return L.world_to_pixel(x, y)

    # grid
    steps = [(L.minor_m, (*_GRID, 34), 1.0)] if L.minor_m else []
    steps.append((L.major_m, (*_GRID, 78), 1.0))
    for step, color, width in steps:
        for x in _ticks(x0w, x1w, step):
            if step != L.major_m and abs(x / L.major_m - round(x / L.major_m)) < 1e-6:
                continue
            u = w2p(x, 0.0)[0]
            layer.line((u, top - 0.5), (u, bottom_px + 0.5), color, width)
        for y in _ticks(y0w, y1w, step):
            if step != L.major_m and abs(y / L.major_m - round(y / L.major_m)) < 1e-6:
                continue
            v = w2p(0.0, y)[1]
            layer.line((left - 0.5, v), (right_px + 0.5, v), color, width)
    # frame around the render and border labels
    edge = (*_MUTED, 255)
    layer.line((left - 0.5, top - 0.5), (right_px + 0.5, top - 0.5), edge, 1.0)
    layer.line((left - 0.5, bottom_px + 0.5), (right_px + 0.5, bottom_px + 0.5), edge, 1.0)
    layer.line((left - 0.5, top - 0.5), (left - 0.5, bottom_px + 0.5), edge, 1.0)
    layer.line((right_px + 0.5, top - 0.5), (right_px + 0.5, bottom_px + 0.5), edge, 1.0)
    tick = 4.0
    for x in _ticks(x0w, x1w, L.major_m):
        u = w2p(x, 0.0)[0]
        layer.line((u, top - 0.5 - tick), (u, top - 0.5), edge, 1.0)
        layer.line((u, bottom_px + 0.5), (u, bottom_px + 0.5 + tick), edge, 1.0)
        layer.text((u, top - tick - 2), _num(x), "regular", fpx, (*_TEXT, 255), anchor="md")
        layer.text((u, bottom_px + tick + 2), _num(x), "regular", fpx, (*_TEXT, 255), anchor="ma")
    for y in _ticks(y0w, y1w, L.major_m):
        v = w2p(0.0, y)[1]
        layer.line((left - 0.5 - tick, v), (left - 0.5, v), edge, 1.0)
        layer.line((right_px + 0.5, v), (right_px + 0.5 + tick, v), edge, 1.0)
        layer.text((left - tick - 3, v), _num(y), "regular", fpx, (*_TEXT, 255), anchor="rm")
        layer.text((right_px + tick + 3, v), _num(y), "regular", fpx, (*_TEXT, 255), anchor="lm")
    small = max(8, fpx - 2)
    layer.text((W - 3, H - 2), "x [m]", "regular", small, (*_MUTED, 255), anchor="rd")
    layer.text((2, 2), "y [m]", "regular", small, (*_MUTED, 255), anchor="la")

    visible: set[str] | None = None
    if frame is not None and "instance" in frame.images:
        visible = set(frame.visible_ids())
    objects = [o for o in scene.objects if visible is None or o.id in visible]
    taken: list[Box] = []

    # wall ids outside each wall
    wall_labels: list[tuple[tuple[float, float], str]] = []
    for wall in scene.walls:
        mid = wall.point_at(wall.length / 2.0)
        n = wall.normal
        outer = (mid[0] - n[0] * wall.thickness, mid[1] - n[1] * wall.thickness)
        a, b = w2p(*outer), w2p(outer[0] - n[0], outer[1] - n[1])
        dx, dy = b[0] - a[0], b[1] - a[1]
        d = math.hypot(dx, dy) or 1.0
        dx, dy = dx / d, dy / d
        tw, th = _text_wh(wall.id, "regular", fpx)
        reach = abs(dx) * tw / 2.0 + abs(dy) * th / 2.0 + 4.0
        c = (a[0] + dx * reach, a[1] + dy * reach)
        c = (min(max(c[0], tw / 2 + 2), W - tw / 2 - 2), min(max(c[1], th / 2 + 2), H - th / 2 - 2))
        wall_labels.append((c, wall.id))
        taken.append((c[0] - tw / 2, c[1] - th / 2, c[0] + tw / 2, c[1] + th / 2))

    # front arrows of floor objects
    aw = max(1.5, fpx / 7.0)
    for o in sorted(objects, key=_priority):
        if o.support_kind != "floor":
            continue
        t = math.radians(o.yaw_deg)
        fx, fy = -math.sin(t), math.cos(t)
        cx, cy = o.position[0], o.position[1]
        half = o.size[1] / 2.0
        a = w2p(cx, cy)
        b = w2p(cx + fx * half, cy + fy * half)
        if math.dist(a, b) < 10.0:  # tiny footprints: a fixed-length arrow past the centre
            ppm = float(camera.K[0, 0])
            b = w2p(cx + fx * 10.0 / ppm, cy + fy * 10.0 / ppm)
        layer.arrow(a, b, (*_ARROW, 235), aw)

    # object id labels
    pad_x, pad_y = 3.0, 1.5
    placed: list[tuple[Box, str, int, tuple[float, float], bool]] = []
    for o in sorted(objects, key=_priority):
        size = fpx if o.support_kind in ("floor", "wall", "ceiling") else max(8, fpx - 2)
        centre = (o.position[0], o.position[1], o.position[2] + o.size[2] / 2.0)
        uv, _ = camera.project(np.array([centre]))
        cu, cv_ = float(uv[0, 0]) + left, float(uv[0, 1]) + top
        tw, th = _text_wh(o.id, "condensed", size)
        bw, bh = tw + 2 * pad_x, th + 2 * pad_y + 1
        spots = [(0.0, 0.0)]
        for k in (1.0, 1.6, 2.3):
            spots += [(0.0, -k * bh), (0.0, k * bh), (k * bw * 0.6, 0.0), (-k * bw * 0.6, 0.0),
                      (k * bw * 0.55, -k * bh), (-k * bw * 0.55, -k * bh), (k * bw * 0.55, k * bh),
                      (-k * bw * 0.55, k * bh)]
        chosen = None
        for dx, dy in spots:
            bx = (cu + dx - bw / 2, cv_ + dy - bh / 2, cu + dx + bw / 2, cv_ + dy + bh / 2)
            inside = bx[0] >= 1 and bx[1] >= 1 and bx[2] <= W - 2 and bx[3] <= H - 2
            if inside and not any(_overlaps(bx, t) for t in taken):
                chosen = bx
                break
        if chosen is None:
            if o.support_kind == "object":
                log.debug("overlay: no free spot for the label of %s; left out", o.id)
                continue
            chosen = (cu - bw / 2, cv_ - bh / 2, cu + bw / 2, cv_ + bh / 2)
        taken.append(chosen)
        placed.append((chosen, o.id, size, (cu, cv_), o.support_kind == "object"))

    for bx, _oid, _size, anchor, _stacked in placed:
        mid = ((bx[0] + bx[2]) / 2, (bx[1] + bx[3]) / 2)
        if math.dist(mid, anchor) > 1.0:
            layer.line(anchor, _nearest_on_box(bx, anchor), (*_MUTED, 220), 1.0)
    for bx, _oid, _size, anchor, stacked in placed:
        if math.dist(((bx[0] + bx[2]) / 2, (bx[1] + bx[3]) / 2), anchor) > 1.0:
            layer.dot(anchor, 2.2 if not stacked else 1.7, (*_DOT, 255))
    for bx, oid, size, _anchor, stacked in placed:
        layer.box(bx, (255, 255, 255, 222 if not stacked else 200), (150, 152, 160, 230))
        layer.text(((bx[0] + bx[2]) / 2, (bx[1] + bx[3]) / 2), oid, "condensed", size, (*_TEXT, 255))
    for c, wid in wall_labels:
        layer.text(c, wid, "regular", fpx, (*_MUTED, 255), halo=(255, 255, 255, 235))

    small_layer = layer.img.resize((W, H), Image.Resampling.LANCZOS)
    out = Image.alpha_composite(base.convert("RGBA"), small_layer).convert("RGB")
    return np.asarray(out, dtype=np.uint8)

