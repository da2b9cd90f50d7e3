"""A small flat-shaded sketch renderer (Pillow + numpy only) for looking at assets.

:func:`render_parts` draws mesh parts in an orthographic three-quarter view from the front-right
(the object's front is local +Y, Z is up), Lambert shading under one fixed light, the parts' material colours
(``worldsmith.materials.resolve_pbr``: linear base colour, shaded in linear space, then encoded as
sRGB; transparent materials are blended by their alpha, emissive ones glow), drawn at twice the
size and downsampled for anti-aliasing. :func:`contact_sheet` lays out labelled cells in a grid and
writes a PNG atomically. ``worldsmith assets show NAME --out PNG`` uses both.

Hidden surfaces: a per-pixel depth buffer, rasterized in numpy (every triangle's covered pixel
centres, batch by batch, nearest wins). The first version sorted whole triangles by depth (painter's
algorithm) and drew them with Pillow, which was a little faster but drew nearly coplanar layers in the
wrong order (a duvet under its mattress, a TV screen behind its own bezel); the depth buffer costs
about 0.1 s per 256 px cell for a typical asset (2x supersampled), so it stayed. Transparent parts
are blended over the opaque surface with a weighted average (order-independent). Watertight parts
with consistent winding are back-face culled; open surfaces are drawn two-sided.

Limits, on purpose: no shadows, no textures, flat shading per triangle.
"""

from __future__ import annotations

import math
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import numpy as np
from PIL import Image, ImageDraw

from ..scene.files import atomic_write
from ..materials import resolve_pbr
from ..materials.colors import linear_to_srgb_array

if TYPE_CHECKING:  # parts are duck-typed (name, mesh, material): importing assets would load every generator
    from ..assets.parts import Part

RGB = tuple[int, int, int]

#: direction towards the light in the object's frame (front-right, above); fixed
LIGHT_DIR = np.array([0.35, 0.75, 0.9]) / np.linalg.norm([0.35, 0.75, 0.9])
AMBIENT = 0.38
DIFFUSE = 0.62
SUPERSAMPLE = 2


def view_basis(yaw_deg: float, elev_deg: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(towards the camera, screen right, screen up) unit vectors for a camera turned ``yaw_deg``
    from the object's front (+Y) towards +X and raised ``elev_deg`` above the horizon."""
    yaw, el = math.radians(yaw_deg), math.radians(elev_deg)
    toward = np.array([math.sin(yaw) * math.cos(el), math.cos(yaw) * math.cos(el), math.sin(el)])
    right = np.cross(-toward, [0.0, 0.0, 1.0])
    n = np.linalg.norm(right)
    right = right / n if n > 1e-9 else np.array([-math.cos(yaw), math.sin(yaw), 0.0])  # looking straight down
    up = np.cross(right, -toward)
    return toward, right, up


@lru_cache(maxsize=512)
def _material_rgba(material: str) -> tuple[float, float, float, float, float, float, float]:
    """Linear (r, g, b, alpha, emissive r, g, b) of a material description."""
    pbr = resolve_pbr(material)
    r, g, b, a = (float(v) for v in pbr.base_color)
    em = tuple(float(v) * float(getattr(pbr, "emissive_strength", 0.0) or 0.0)
               for v in getattr(pbr, "emissive", (0.0, 0.0, 0.0)))
    return r, g, b, a, *em  # type: ignore[return-value]


def _triangles(parts: Sequence["Part"], toward: np.ndarray):
    """Stacked triangles (T, 3, 3), per-triangle linear colour (T, 3), alpha (T,), emission (T, 3)
    and unit normals (T, 3) facing the camera."""
    tris, cols, alphas, emits, normals = [], [], [], [], []
    for p in parts:
        mesh = p.mesh
        if mesh is None or len(mesh.faces) == 0:
            continue
        v = np.asarray(mesh.vertices, dtype=float)[np.asarray(mesh.faces)]
        nrm = np.cross(v[:, 1] - v[:, 0], v[:, 2] - v[:, 0])
        length = np.linalg.norm(nrm, axis=1)
        keep = length > 1e-14
        v, nrm = v[keep], nrm[keep] / length[keep, None]
        facing = nrm @ toward
        closed = bool(getattr(mesh, "is_watertight", False)) and bool(getattr(mesh, "is_winding_consistent", False))
        if closed:
            # outward normals on a closed mesh: faces pointing away are hidden behind the front ones
            sign = 1.0 if float(getattr(mesh, "volume", 1.0)) >= 0 else -1.0
            front = facing * sign > 0
            v, nrm = v[front], nrm[front] * sign
        else:  # an open surface is seen from both sides
            nrm = np.where((facing < 0)[:, None], -nrm, nrm)
        if len(v) == 0:
            continue
        r, g, b, a, er, eg, eb = _material_rgba(p.material)
        tris.append(v)
        normals.append(nrm)
        cols.append(np.broadcast_to([r, g, b], (len(v), 3)))
        alphas.append(np.full(len(v), a))
        emits.append(np.broadcast_to([er, eg, eb], (len(v), 3)))
    if not tris:
        z = np.zeros((0, 3))
        return np.zeros((0, 3, 3)), z, np.zeros(0), z, z
    return (np.concatenate(tris), np.concatenate(cols), np.concatenate(alphas), np.concatenate(emits),
            np.concatenate(normals))


#: candidate pixels rasterized per batch (bounds memory: about 60 bytes each)
_BATCH_PIXELS = 3_000_000


def _fragments(px: np.ndarray, py: np.ndarray, pz: np.ndarray, width: int, height: int):
    """Every pixel centre covered by every triangle, batch by batch: yields (triangle index, pixel
    index, depth) arrays. ``px``/``py``/``pz``: (T, 3) screen x, y (pixels) and depth per vertex."""
    x0 = np.clip(np.ceil(px.min(axis=1) - 0.5), 0, width).astype(np.int64)
    x1 = np.clip(np.floor(px.max(axis=1) - 0.5), -1, width - 1).astype(np.int64)
    y0 = np.clip(np.ceil(py.min(axis=1) - 0.5), 0, height).astype(np.int64)
    y1 = np.clip(np.floor(py.max(axis=1) - 0.5), -1, height - 1).astype(np.int64)
    w = np.maximum(x1 - x0 + 1, 0)
    h = np.maximum(y1 - y0 + 1, 0)
    area2 = (px[:, 1] - px[:, 0]) * (py[:, 2] - py[:, 0]) - (py[:, 1] - py[:, 0]) * (px[:, 2] - px[:, 0])
    counts = np.where(np.abs(area2) > 1e-12, w * h, 0)
    tri_ids = np.flatnonzero(counts)
    if len(tri_ids) == 0:
        return
    cum = np.cumsum(counts[tri_ids])
    start = 0
    while start < len(tri_ids):
        base = cum[start - 1] if start else 0
        stop = int(np.searchsorted(cum, base + _BATCH_PIXELS, side="right"))
        stop = max(stop, start + 1)
        ids = tri_ids[start:stop]
        n = counts[ids]
        t = np.repeat(ids, n)
        first = np.repeat(np.cumsum(n) - n, n)
        off = np.arange(int(n.sum()), dtype=np.int64) - first
        wt = w[t]
        x = x0[t] + off % wt
        y = y0[t] + off // wt
        cx, cy = x + 0.5, y + 0.5
        ax, ay, bx, by, qx, qy = px[t, 0], py[t, 0], px[t, 1], py[t, 1], px[t, 2], py[t, 2]
        inv = 1.0 / area2[t]
        la = ((bx - cx) * (qy - cy) - (by - cy) * (qx - cx)) * inv
        lb = ((qx - cx) * (ay - cy) - (qy - cy) * (ax - cx)) * inv
        lc = 1.0 - la - lb
        eps = -1e-7
        inside = (la >= eps) & (lb >= eps) & (lc >= eps)
        t, x, y = t[inside], x[inside], y[inside]
        z = la[inside] * pz[t, 0] + lb[inside] * pz[t, 1] + lc[inside] * pz[t, 2]
        yield t, y * width + x, z
        start = stop


def render_parts(parts: Sequence["Part"], size_px: int = 256, yaw_deg: float = 30.0, elev_deg: float = 25.0,
                 background: RGB = (250, 250, 250), margin_px: int | None = None) -> Image.Image:
    """An RGB ``size_px`` x ``size_px`` image of ``parts`` (their local frame), fitted to the frame
    with ``margin_px`` (default 6 %) on each side. An empty part list gives a blank image."""
    if size_px < 8:
        raise ValueError(f"size_px must be at least 8, got {size_px}")
    ss = SUPERSAMPLE
    big = size_px * ss
    margin = (round(size_px * 0.06) if margin_px is None else margin_px) * ss
    bg = np.asarray(background, dtype=float)[:3] / 255.0
    toward, right, up = view_basis(yaw_deg, elev_deg)
    tris, col, alpha, emit, nrm = _triangles(parts, toward)
    out = np.broadcast_to(bg, (big * big, 3)).copy()
    if len(tris):
        sx, sy, depth = tris @ right, tris @ up, tris @ toward  # (T, 3) each; depth grows towards the camera
        lo_x, hi_x, lo_y, hi_y = sx.min(), sx.max(), sy.min(), sy.max()
        extent = max(hi_x - lo_x, hi_y - lo_y, 1e-9)
        scale = (big - 2 * margin) / extent
        px = big / 2 + (sx - (lo_x + hi_x) / 2) * scale
        py = big / 2 - (sy - (lo_y + hi_y) / 2) * scale
        # flat Lambert shading in linear light, encoded as sRGB per triangle
        shade = AMBIENT + DIFFUSE * np.clip(nrm @ LIGHT_DIR, 0.0, 1.0)
        srgb = linear_to_srgb_array(col * shade[:, None] + emit, dtype=np.float64)
        opaque = alpha >= 0.99
        zbuf = np.full(big * big, -np.inf)
        ids = np.flatnonzero(opaque)
        for t, pix, z in _fragments(px[ids], py[ids], depth[ids], big, big):
            np.maximum.at(zbuf, pix, z)
            win = z >= zbuf[pix]
            out[pix[win]] = srgb[ids[t[win]]]
        ids = np.flatnonzero(~opaque)
        if len(ids):  # weighted blend of the transparent layers in front of the opaque surface
            acc = np.zeros((big * big, 3))
            wsum = np.zeros(big * big)
            log_t = np.zeros(big * big)
            for t, pix, z in _fragments(px[ids], py[ids], depth[ids], big, big):
                front = z > zbuf[pix]
                t, pix = t[front], pix[front]
                a = np.clip(alpha[ids[t]], 0.2, 0.98)
                np.add.at(acc, pix, srgb[ids[t]] * a[:, None])
                np.add.at(wsum, pix, a)
                np.add.at(log_t, pix, np.log1p(-a))
            hit = wsum > 0
            trans = np.exp(log_t[hit])[:, None]
            out[hit] = out[hit] * trans + (acc[hit] / wsum[hit, None]) * (1.0 - trans)
    img = Image.fromarray(np.round(np.clip(out, 0, 1) * 255).astype(np.uint8).reshape(big, big, 3), "RGB")
    return img.resize((size_px, size_px), Image.Resampling.BOX) if ss > 1 else img


# ---------------------------------------------------------------------------------------------
# contact sheets

def _fit_label(draw: ImageDraw.ImageDraw, text: str, width: int, font) -> str:
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "...", font=font) > width:
        text = text[:-1]
    return text + "..."


def contact_sheet(cells: Sequence[tuple[str, Sequence["Part"]]], path: str | os.PathLike, cell_px: int = 256,
                  cols: int | None = None, yaw_deg: float = 30.0, elev_deg: float = 25.0,
                  background: RGB = (250, 250, 250)) -> Path:
    """Write a grid of labelled renders to ``path`` (format from its suffix, PNG by default) and
    return the path. ``cols`` defaults to ``ceil(sqrt(len(cells)))``; the image is exactly
    ``cols * cell_px`` wide and ``rows * cell_px`` high. Each cell has its label on top (cut with
    "..." when too long) and the render below it. The file is written to a temporary name in the
    same folder and moved into place."""
    if not cells:
        raise ValueError("contact_sheet needs at least one cell")
    if cell_px < 32:
        raise ValueError(f"cell_px must be at least 32, got {cell_px}")
    n = len(cells)
    cols = max(1, min(cols or math.ceil(math.sqrt(n)), n))
    rows = math.ceil(n / cols)
    sheet = Image.new("RGB", (cols * cell_px, rows * cell_px), tuple(background))
    draw = ImageDraw.Draw(sheet)
    from .plan import _font  # the plan's fonts (DejaVu Sans, else Pillow's); lazy: plan loads shapely

    font_px = max(9, round(cell_px * 0.055))
    font = _font("regular", font_px)
    label_h = font_px + 6
    art = cell_px - label_h
    for k, (label, parts) in enumerate(cells):
        r, c = divmod(k, cols)
        x0, y0 = c * cell_px, r * cell_px
        image = render_parts(list(parts), size_px=art, yaw_deg=yaw_deg, elev_deg=elev_deg, background=background)
        sheet.paste(image, (x0 + (cell_px - art) // 2, y0 + label_h))
        draw.text((x0 + 4, y0 + 3), _fit_label(draw, str(label), cell_px - 8, font), fill=(30, 30, 30), font=font)
        # hairline cell borders
        draw.rectangle((x0, y0, x0 + cell_px - 1, y0 + cell_px - 1), outline=(215, 215, 215))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fmt = {".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}.get(path.suffix.lower(), "PNG")
    return atomic_write(path, lambda fh: sheet.save(fh, format=fmt))


__all__ = ["contact_sheet", "render_parts", "view_basis"]
