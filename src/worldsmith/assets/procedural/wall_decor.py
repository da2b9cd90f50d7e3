"""Wall decor: paintings, posters, mirrors, wall clocks, whiteboards, neon signs, and the small
picture frames that stand on a table or shelf.

Every wall piece hangs with its flat back on the wall (y = -d/2) and faces +Y. What varies:

- painting: a framed, floating-framed or gallery-wrapped canvas; frame width and material, an inner
  slip and a mat; the picture itself is a few slightly raised paint blocks in one of several
  compositions (colour bands, a grid, circles, a landscape, brush strokes) and palettes.
- poster: a paper sheet with a printed design (image block and text lines, a big circle, stripes,
  tiles, a photo) held by a thin frame, wooden hanger rails, binder clips or push pins.
- mirror: rectangular, round/oval, arched or pill-shaped glass in a wide wooden frame, a thin metal
  frame, or frameless on a backing board.
- clock: a round or square wall clock, with or without a rim; bar, dot or quarter hour marks;
  hour and minute hands, an optional second hand, a centre cap.
- whiteboard: a whiteboard (or chalkboard) in an aluminium / wooden frame, an optional pen tray with
  markers (chalk) and an eraser.
- neon_sign: glowing swept tubes shaped as a heart, wave, star, script loops, a lightning bolt, a
  smiley or a short word, on a clear, black or white acrylic backboard held by corner standoffs.
- picture_frame: a small frame with a photo (and optional mat) leaning back on an easel strut.

The lofts, swept tubes, revolved loops, thick sheets and slabs that the decor modules build with live
in ``_shapes``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import trimesh

from ..parts import Part
from ..primitives import box, lathe, merge, rounded_box, transformed
from ._shapes import chaikin, fit_exact, loft, no_surfaces, rotation_x, rotation_y, slab_xz, slab_yz, sweep, translation
from .params import chance, clamp, pick, register_generator, uniform

Size = tuple[float, float, float]

# ---------------------------------------------------------------------------------------------
# outline and panel helpers of the wall pieces
# ---------------------------------------------------------------------------------------------


def band_xz(outer: np.ndarray, inner: np.ndarray, y0: float, y1: float) -> trimesh.Trimesh:
    """A frame: the band between two closed (x, z) outlines (same count and order), from ``y0`` to
    ``y1`` along Y."""
    o, i = np.asarray(outer, dtype=float), np.asarray(inner, dtype=float)
    rings = np.stack([
        np.column_stack([o[:, 0], np.full(len(o), y0), o[:, 1]]),
        np.column_stack([o[:, 0], np.full(len(o), y1), o[:, 1]]),
        np.column_stack([i[:, 0], np.full(len(i), y1), i[:, 1]]),
        np.column_stack([i[:, 0], np.full(len(i), y0), i[:, 1]]),
    ], axis=1)
    return loft(rings, closed=True)


def disc_y(cx: float, cz: float, rx: float, rz: float, y0: float, y1: float, sections: int = 24) -> trimesh.Trimesh:
    """An elliptic disc facing +Y, from ``y0`` to ``y1``."""
    return lathe([(0.0, 0.0), (1.0, 0.0), (1.0, y1 - y0), (0.0, y1 - y0)], sections, (cx, y0, cz), scale_xy=(rz, rx),
                 axis="y")


def rounded_rect(hw: float, hh: float, r: float, per_corner: int = 4, cz: float = 0.0) -> np.ndarray:
    """Counter-clockwise (x, z) outline of a rectangle of half sizes ``hw``, ``hh`` with corner
    radius ``r``, centred at (0, cz). Same point count for any radius (``4 * per_corner``)."""
    r = clamp(r, 0.0, min(hw, hh))
    pts = []
    for k, (sx, sz) in enumerate(((1, -1), (1, 1), (-1, 1), (-1, -1))):
        a0 = -math.pi / 2 + k * math.pi / 2
        for q in range(per_corner):
            a = a0 + (math.pi / 2) * q / max(1, per_corner - 1)
            pts.append((sx * (hw - r) + r * math.cos(a), cz + sz * (hh - r) + r * math.sin(a)))
    return np.asarray(pts)


PALETTES = {
    "warm": ("terracotta", "mustard", "cream", "rust", "sand", "brown"),
    "cool": ("navy", "teal", "sky blue", "light grey", "white", "blue"),
    "earth": ("olive", "sage", "tan", "brown", "cream", "terracotta"),
    "bold": ("red", "yellow", "blue", "black", "white", "orange"),
    "pastel": ("pastel pink", "mint", "lavender", "cream", "light blue", "blush"),
    "mono": ("charcoal", "grey", "light grey", "off white", "black", "silver"),
    "jewel": ("emerald", "plum", "navy", "mustard", "burgundy", "teal"),
    "sunset": ("coral", "orange", "dusty pink", "purple", "yellow", "plum"),
}


def _palette(rng: np.random.Generator) -> tuple[str, tuple[str, ...], str]:
    """A palette name, four of its colours (shuffled), and a ground colour."""
    name = pick(rng, sorted(PALETTES))
    cols = list(PALETTES[name])
    order = rng.permutation(len(cols))
    chosen = tuple(cols[int(k)] for k in order[:4])
    ground = pick(rng, ("off white", "cream", "ivory", "white", "beige", "light grey", cols[int(order[4])]))
    return name, chosen, ground


# ---------------------------------------------------------------------------------------------
# flat compositions (paintings, posters, photos): lists of 2-D shapes, then raised blocks
# ---------------------------------------------------------------------------------------------

# a shape: ("rect", cx, cz, hw, hh, angle_deg, colour) or ("disc", cx, cz, rx, rz, 0.0, colour)


def _composition(style: str, palette: Sequence[str], ground: str, seed: int,
                 x0: float, z0: float, x1: float, z1: float) -> list[tuple]:
    rng = np.random.default_rng(seed)
    pal = list(palette) or ["navy", "mustard"]
    W, H = x1 - x0, z1 - z0
    cx, cz = (x0 + x1) / 2.0, (z0 + z1) / 2.0
    m = min(W, H)
    out: list[tuple] = [("rect", cx, cz, W / 2.0, H / 2.0, 0.0, ground)]

    def col(k: int) -> str:
        return pal[k % len(pal)]

    if style == "bands":
        n = int(rng.integers(2, 4))
        margin = 0.08 * m
        weights = rng.uniform(0.6, 1.4, n)
        gap = 0.04 * m
        usable = H - 2 * margin - gap * (n - 1)
        z = z0 + margin
        for k in range(n):
            bh = usable * weights[k] / weights.sum()
            out.append(("rect", cx, z + bh / 2.0, W / 2.0 - margin, bh / 2.0, 0.0, col(k)))
            z += bh + gap
    elif style == "grid":
        out[0] = ("rect", cx, cz, W / 2.0, H / 2.0, 0.0, "black")
        cells = [(x0, z0, x1, z1)]
        for _ in range(int(rng.integers(3, 7))):
            k = int(np.argmax([(c[2] - c[0]) * (c[3] - c[1]) for c in cells]))
            a = cells.pop(k)
            if (a[2] - a[0]) >= (a[3] - a[1]):
                s = a[0] + (a[2] - a[0]) * float(rng.uniform(0.3, 0.7))
                cells += [(a[0], a[1], s, a[3]), (s, a[1], a[2], a[3])]
            else:
                s = a[1] + (a[3] - a[1]) * float(rng.uniform(0.3, 0.7))
                cells += [(a[0], a[1], a[2], s), (a[0], s, a[2], a[3])]
        line = 0.012 * m + 0.002
        coloured = set(int(v) for v in rng.choice(len(cells), size=min(3, len(cells)), replace=False))
        for k, (a0, b0, a1, b1) in enumerate(cells):
            hw, hh = (a1 - a0) / 2.0 - line / 2.0, (b1 - b0) / 2.0 - line / 2.0
            if hw > 0.003 and hh > 0.003:
                c = col(k) if k in coloured else pick(rng, ("white", "off white", "white"))
                out.append(("rect", (a0 + a1) / 2.0, (b0 + b1) / 2.0, hw, hh, 0.0, c))
    elif style == "circles":
        if chance(rng, 0.5):
            zb = z0 + H * float(rng.uniform(0.2, 0.4))
            out.append(("rect", cx, (z0 + zb) / 2.0, W / 2.0, (zb - z0) / 2.0, 0.0, col(3)))
        for k in range(int(rng.integers(1, 4))):
            r = m * float(rng.uniform(0.12, 0.3))
            px = float(rng.uniform(x0 + r, x1 - r))
            pz = float(rng.uniform(z0 + r, z1 - r))
            out.append(("disc", px, pz, r, r, 0.0, col(k)))
    elif style == "landscape":
        horizon = z0 + H * float(rng.uniform(0.3, 0.55))
        out[0] = ("rect", cx, cz, W / 2.0, H / 2.0, 0.0, pick(rng, ("sky blue", "light blue", "cream", "blush",
                                                                       "pastel pink", "lavender")))
        sr = m * float(rng.uniform(0.07, 0.14))
        out.append(("disc", x0 + W * float(rng.uniform(0.2, 0.8)), min(z1 - sr * 1.3, horizon + H * 0.3), sr, sr, 0.0,
                    pick(rng, ("yellow", "orange", "white", "coral"))))
        for k in range(int(rng.integers(1, 3))):
            rx = W * float(rng.uniform(0.25, 0.45))
            rz = min(H * float(rng.uniform(0.15, 0.3)), horizon - z0 + 0.5 * (z1 - horizon))
            hx = float(rng.uniform(x0 + 0.5 * rx, x1 - 0.5 * rx))
            out.append(("disc", clamp(hx, x0 + rx, x1 - rx), horizon, min(rx, W / 2.0), min(rz, horizon - z0), 0.0,
                        pick(rng, ("sage", "olive", "forest green", "teal", "green"))))
        out.append(("rect", cx, (z0 + horizon) / 2.0, W / 2.0, (horizon - z0) / 2.0, 0.0,
                    pick(rng, ("forest green", "olive", "sand", "tan", "navy"))))
    elif style == "stripes":
        n = int(rng.integers(3, 7))
        vertical = chance(rng, 0.5)
        span = W if vertical else H
        sw = span / (2 * n)
        for k in range(n):
            c0 = (2 * k + 0.5) * sw
            if vertical:
                out.append(("rect", x0 + c0 + sw / 2.0, cz, sw / 2.0, H / 2.0, 0.0, col(k)))
            else:
                out.append(("rect", cx, z0 + c0 + sw / 2.0, W / 2.0, sw / 2.0, 0.0, col(k)))
    else:  # strokes: a few tilted brush strokes
        for k in range(int(rng.integers(3, 7))):
            ang = float(rng.uniform(-60, 60))
            length = m * float(rng.uniform(0.3, 0.7))
            thick = m * float(rng.uniform(0.04, 0.12))
            px = float(rng.uniform(x0 + 0.25 * W, x1 - 0.25 * W))
            pz = float(rng.uniform(z0 + 0.25 * H, z1 - 0.25 * H))
            # shrink until the tilted stroke stays on the canvas
            t = math.radians(ang)
            for _ in range(8):
                ex = abs(length / 2 * math.cos(t)) + abs(thick / 2 * math.sin(t))
                ez = abs(length / 2 * math.sin(t)) + abs(thick / 2 * math.cos(t))
                if px - ex >= x0 and px + ex <= x1 and pz - ez >= z0 and pz + ez <= z1:
                    break
                length *= 0.8
                thick *= 0.9
            out.append(("rect", px, pz, length / 2.0, thick / 2.0, ang, col(k)))
    return out


def _raised(shapes: list[tuple], y_face: float, raise0: float, step: float, material: str,
            prefix: str = "paint") -> list[Part]:
    """Shapes as blocks standing on the face at ``y_face``: layer k reaches ``raise0 + k * step``."""
    parts = []
    for k, (kind, cx, cz, a, b, ang, colour) in enumerate(shapes):
        y0, y1 = y_face - 0.0005, y_face + raise0 + k * step
        if kind == "disc":
            mesh = disc_y(cx, cz, a, b, y0, y1, 24)
        else:
            mesh = box((-a, y0, -b), (a, y1, b))
            mesh = transformed(mesh, translation(cx, 0.0, cz) @ rotation_y(ang))
        parts.append(Part(f"{prefix}_{k}", mesh, material.format(colour)))
    return parts


def _frame_bars(x0: float, z0: float, x1: float, z1: float, fw: float, y0: float, y1: float,
                radius: float) -> trimesh.Trimesh:
    """A rectangular frame of bar width ``fw`` (outer bounds x0..x1, z0..z1), four rounded bars."""
    bars = [
        rounded_box((x0, y0, z0), (x1, y1, z0 + fw), radius, 1),
        rounded_box((x0, y0, z1 - fw), (x1, y1, z1), radius, 1),
        rounded_box((x0, y0, z0 + fw * 0.5), (x0 + fw, y1, z1 - fw * 0.5), radius, 1),
        rounded_box((x1 - fw, y0, z0 + fw * 0.5), (x1, y1, z1 - fw * 0.5), radius, 1),
    ]
    return merge(bars)


# ---------------------------------------------------------------------------------------------
# painting
# ---------------------------------------------------------------------------------------------

FRAME_MATERIALS = ("black painted wood", "white painted wood", "oak wood", "walnut wood", "gold", "brass",
                   "black metal", "cherry wood")


@dataclass(frozen=True)
class PaintingParams:
    category: str = "painting"
    edge: str = "framed"  # framed | floating | gallery (canvas wrapped round its stretcher, no frame)
    frame_width_m: float = 0.045
    frame_material: str = "black painted wood"
    slip: bool = False  # a thin inner lip inside the frame
    slip_material: str = "gold"
    mat_width_m: float = 0.0  # a paper mat (passe-partout) around the picture; 0 = none
    composition: str = "bands"  # bands | grid | circles | landscape | strokes | stripes
    palette: tuple = ("navy", "mustard", "cream", "terracotta")
    ground: str = "off white"
    layout_seed: int = 0


def sample_painting_params(rng: np.random.Generator, size: Size, category: str = "painting") -> PaintingParams:
    """Edge style, frame and a composition with its palette (different paint colours per sample)."""
    w, d, h = size
    edge = pick(rng, ("framed", "floating", "gallery"), (0.5, 0.2, 0.3))
    _, pal, ground = _palette(rng)
    framed = edge == "framed"
    return PaintingParams(
        category=category,
        edge=edge,
        frame_width_m=uniform(rng, 0.025, 0.08) if framed else uniform(rng, 0.008, 0.018),
        frame_material=pick(rng, FRAME_MATERIALS) if framed else pick(rng, ("black painted wood", "oak wood",
                                                                              "white painted wood", "gold")),
        slip=framed and chance(rng, 0.35),
        slip_material=pick(rng, ("gold", "white painted wood", "brass", "oak wood")),
        mat_width_m=uniform(rng, 0.03, 0.09) if framed and chance(rng, 0.3) else 0.0,
        composition=pick(rng, ("bands", "grid", "circles", "landscape", "strokes", "stripes")),
        palette=pal,
        ground=ground,
        layout_seed=int(rng.integers(0, 2**31 - 1)),
    )


def build_painting(params: PaintingParams, size: Size) -> list[Part]:
    """Canvas (with frame / float frame / wrapped edge) and raised paint blocks, front +Y."""
    w, d, h = (float(v) for v in size)
    p = params
    parts: list[Part] = []
    step, raise0 = 0.0003, 0.0008
    n_est = 14
    if p.edge == "gallery":
        y_face = d / 2.0 - raise0 - (n_est - 1) * step
        parts.append(Part("canvas", box((-w / 2, -d / 2, 0.0), (w / 2, y_face, h)), "canvas"))
        area = (-w / 2, 0.0, w / 2, h)
    else:
        floating = p.edge == "floating"
        fw = clamp(p.frame_width_m, 0.006, 0.15 * min(w, h))
        parts.append(Part("frame", _frame_bars(-w / 2, 0.0, w / 2, h, fw, -d / 2, d / 2, min(0.004, 0.25 * fw)),
                          p.frame_material))
        recess = clamp(0.35 * d, 0.006, 0.6 * d)
        y_face = d / 2.0 - recess
        gap = clamp(0.012, 0.004, 0.05 * min(w, h)) if floating else 0.0
        ix0, iz0, ix1, iz1 = -w / 2 + fw, fw, w / 2 - fw, h - fw
        if floating:
            parts.append(Part("backing", box((ix0 - 0.001, -d / 2, iz0 - 0.001), (ix1 + 0.001, -d / 2 + 0.004,
                                                                                      iz1 + 0.001)),
                              "black painted wood"))
            ix0, iz0, ix1, iz1 = ix0 + gap, iz0 + gap, ix1 - gap, iz1 - gap
            y_face = d / 2.0 - clamp(0.15 * d, 0.003, 0.4 * d)
        parts.append(Part("canvas", box((ix0, -d / 2 + (0.004 if floating else 0.002), iz0), (ix1, y_face, iz1)),
                          "canvas"))
        if p.slip and not floating:
            sw = clamp(0.012, 0.004, 0.1 * min(ix1 - ix0, iz1 - iz0))
            ys = y_face + 0.5 * (d / 2 - y_face)
            parts.append(Part("slip", _frame_bars(ix0 - 0.001, iz0 - 0.001, ix1 + 0.001, iz1 + 0.001, sw + 0.001,
                                                  y_face - 0.002, ys, 0.001), p.slip_material))
            ix0, iz0, ix1, iz1 = ix0 + sw, iz0 + sw, ix1 - sw, iz1 - sw
        mw = clamp(p.mat_width_m, 0.0, 0.2 * min(ix1 - ix0, iz1 - iz0))
        if mw > 0.005 and not floating:
            parts.append(Part("mat", _frame_bars(ix0, iz0, ix1, iz1, mw, y_face - 0.001, y_face + 0.002, 0.0005),
                              "off white paper"))
            ix0, iz0, ix1, iz1 = ix0 + mw, iz0 + mw, ix1 - mw, iz1 - mw
        area = (ix0, iz0, ix1, iz1)
    shapes = _composition(p.composition, p.palette, p.ground, p.layout_seed, *area)[:n_est]
    if p.edge == "gallery":  # the top layer reaches the front exactly
        raise0 = d / 2.0 - y_face - (len(shapes) - 1) * step
    parts += _raised(shapes, y_face, raise0, step, "{} paper")
    return parts


register_generator("painting", PaintingParams, build_painting, no_surfaces, sample_painting_params)


# ---------------------------------------------------------------------------------------------
# poster
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PosterParams:
    category: str = "poster"
    mount: str = "frame"  # frame | hanger | clips | pins
    frame_width_m: float = 0.015
    mount_material: str = "black painted wood"
    paper: str = "white paper"
    design: str = "title"  # title | circle | stripes | tiles | photo
    palette: tuple = ("coral", "navy", "mustard", "teal")
    ink: str = "black"
    layout_seed: int = 0


def sample_poster_params(rng: np.random.Generator, size: Size, category: str = "poster") -> PosterParams:
    """Mount (frame / hanger rails / clips / pins; pins and clips only on thin ones), paper, design."""
    w, d, h = size
    mount = pick(rng, ("frame", "hanger", "clips", "pins"), (0.4, 0.2, 0.2, 0.2) if d < 0.012 else (0.7, 0.3, 0, 0))
    if mount == "frame":
        mat = pick(rng, ("black painted wood", "white painted wood", "oak wood", "aluminium", "black metal"))
    elif mount == "hanger":
        mat = pick(rng, ("oak wood", "walnut wood", "black painted wood", "beech wood"))
    elif mount == "clips":
        mat = pick(rng, ("black metal", "brass", "chrome"))
    else:
        mat = pick(rng, ("red plastic", "yellow plastic", "blue plastic", "white plastic", "black plastic"))
    _, pal, _ = _palette(rng)
    return PosterParams(
        category=category,
        mount=mount,
        frame_width_m=uniform(rng, 0.01, 0.03),
        mount_material=mat,
        paper=pick(rng, ("white paper", "off white paper", "cream paper", "ivory paper", "black paper")),
        design=pick(rng, ("title", "circle", "stripes", "tiles", "photo")),
        palette=pal,
        ink=pick(rng, ("black", "charcoal", "navy", "red")),
        layout_seed=int(rng.integers(0, 2**31 - 1)),
    )


def _poster_design(p: PosterParams, x0: float, z0: float, x1: float, z1: float) -> list[tuple]:
    rng = np.random.default_rng(p.layout_seed)
    W, H = x1 - x0, z1 - z0
    m = 0.07 * min(W, H)
    x0, z0, x1, z1 = x0 + m, z0 + m, x1 - m, z1 - m
    W, H = x1 - x0, z1 - z0
    ink = p.ink if not p.paper.startswith("black") else "white"
    pal = list(p.palette)
    shapes: list[tuple] = []
    text_top = z0 + H * float(rng.uniform(0.18, 0.3))
    if p.design == "title":
        img = _composition(pick(rng, ("circles", "bands", "landscape", "strokes")), pal, pal[-1],
                           int(rng.integers(1 << 30)), x0, text_top + 0.04 * H, x1, z1)
        shapes += img
    elif p.design == "circle":
        r = min(W / 2.0, (z1 - text_top) / 2.0) * float(rng.uniform(0.6, 0.95))
        shapes.append(("disc", (x0 + x1) / 2, (text_top + z1) / 2 + 0.02 * H, r, r, 0.0, pal[0]))
        if chance(rng, 0.6):
            shapes.append(("disc", (x0 + x1) / 2 + r * 0.35, (text_top + z1) / 2 + r * 0.2, r * 0.45, r * 0.45, 0.0,
                           pal[1]))
    elif p.design == "stripes":
        shapes += _composition("stripes", pal, pal[-1], int(rng.integers(1 << 30)), x0, text_top + 0.04 * H, x1, z1)[1:]
    elif p.design == "tiles":
        n = int(rng.integers(2, 4))
        g = 0.03 * W
        tw = (W - (n - 1) * g) / n
        th = (z1 - text_top - 0.04 * H - (n - 1) * g) / n
        for i in range(n):
            for j in range(n):
                kind = "disc" if (i + j) % 2 and chance(rng, 0.6) else "rect"
                cxx, czz = x0 + tw / 2 + i * (tw + g), text_top + 0.04 * H + th / 2 + j * (th + g)
                shapes.append((kind, cxx, czz, tw / 2, th / 2, 0.0, pal[(i + 2 * j) % len(pal)]))
    else:  # photo: a full-bleed image with a caption
        shapes += _composition("landscape", pal, pal[0], int(rng.integers(1 << 30)), x0 - m, text_top, x1 + m, z1 + m)
    # text lines: a headline and a few thin lines
    lines = int(rng.integers(2, 5))
    lh = (text_top - z0) / (lines + 1.5)
    for k in range(lines):
        frac = 0.85 if k == 0 else float(rng.uniform(0.35, 0.75))
        thick = lh * (0.55 if k == 0 else 0.25)
        zc = text_top - lh * (k + 0.8)
        left = chance(rng, 0.5)
        cxx = x0 + W * frac / 2 if left else (x0 + x1) / 2
        shapes.append(("rect", cxx, zc, W * frac / 2, thick / 2, 0.0, ink))
    return shapes


def build_poster(params: PosterParams, size: Size) -> list[Part]:
    """A paper sheet with a printed design, held by a frame, hanger rails, clips or pins."""
    w, d, h = (float(v) for v in size)
    p = params
    parts: list[Part] = []
    t = min(0.0008, 0.3 * d)
    step = min(0.0001, 0.3 * d / 40.0)
    mount = p.mount
    if mount == "frame":
        fw = clamp(p.frame_width_m, 0.004, 0.12 * min(w, h))
        radius = min(0.003, 0.3 * d, 0.25 * fw)
        parts.append(Part("frame", _frame_bars(-w / 2, 0.0, w / 2, h, fw, -d / 2, d / 2, radius), p.mount_material))
        sx0, sz0, sx1, sz1 = -w / 2 + fw * 0.5, fw * 0.5, w / 2 - fw * 0.5, h - fw * 0.5
        ax0, az0, ax1, az1 = -w / 2 + fw, fw, w / 2 - fw, h - fw
        y_sheet = -d / 2 + min(0.002, 0.3 * d)
    elif mount == "hanger":
        rh = clamp(0.022, 0.01, 0.06 * h)
        for i, (z0, z1) in enumerate(((0.0, rh), (h - rh, h))):
            rail = rounded_box((-w / 2, -d / 2, z0), (w / 2, d / 2, z1), min(0.004, 0.3 * d), 1)
            parts.append(Part(f"rail_{i}", rail, p.mount_material))
        inset = min(0.012, 0.03 * w)
        sx0, sz0, sx1, sz1 = -w / 2 + inset, rh * 0.5, w / 2 - inset, h - rh * 0.5
        ax0, az0, ax1, az1 = sx0, rh, sx1, h - rh
        y_sheet = -d / 2
    else:
        top = h - 0.004 if mount == "clips" else h
        sx0, sz0, sx1, sz1 = -w / 2, 0.0, w / 2, top
        ax0, az0, ax1, az1 = sx0, sz0, sx1, sz1
        y_sheet = -d / 2
    parts.append(Part("sheet", box((sx0, y_sheet, sz0), (sx1, y_sheet + t, sz1)), p.paper))
    shapes = _poster_design(p, ax0, az0, ax1, az1)
    parts += _raised(shapes, y_sheet + t, 0.0002, step, "{} paper", "print")
    if mount == "clips":
        cw, ch = clamp(0.035, 0.015, 0.12 * w), clamp(0.03, 0.012, 0.1 * h)
        for i, s in enumerate((-1.0, 1.0)):
            cx = s * (w / 2 - max(0.05 * w, cw))
            parts.append(Part(f"clip_{i}", rounded_box((cx - cw / 2, -d / 2, h - ch), (cx + cw / 2, d / 2, h),
                                                       min(0.002, 0.3 * d), 1), p.mount_material))
    elif mount == "pins":
        r = clamp(0.006, 0.003, 0.03 * min(w, h))
        for i, (sx, sz) in enumerate(((-1, 1), (1, 1), (1, -1), (-1, -1))):
            cx, cz = sx * (w / 2 - 2.5 * r), h / 2 + sz * (h / 2 - 2.5 * r)
            parts.append(Part(f"pin_{i}", disc_y(cx, cz, r, r, y_sheet + t * 0.5, d / 2, 12), p.mount_material))
    return parts


register_generator("poster", PosterParams, build_poster, no_surfaces, sample_poster_params)


# ---------------------------------------------------------------------------------------------
# mirror
# ---------------------------------------------------------------------------------------------


def _outline(shape: str, hw: float, hh: float, inset: float, n: int = 32, corner: float | None = None) -> np.ndarray:
    """(x, z) outline of a mirror or clock of half width ``hw`` and half height ``hh`` (bottom at z=0)
    shrunk by ``inset``; the same point count for any inset (so frames can band outer and inner).
    Shapes other than round / pill / arch are rounded rectangles of corner radius ``corner``
    (default: 2 cm, at most 30 % of the smaller half size)."""
    a, b = hw - inset, hh - inset
    if shape == "round":
        t = np.arange(n) * 2 * math.pi / n
        return np.column_stack([a * np.cos(t), hh + b * np.sin(t)])
    if shape == "pill":
        r = min(a, b)
        return rounded_rect(a, b, r, n // 4, hh)
    if shape == "arch":
        rz = min(a, 0.9 * b)  # the height of the arched top
        zs = hh + b - rz  # springing line of the arch
        k = n - 2
        top = [(a * math.cos(math.pi * q / (k - 1)), zs + rz * math.sin(math.pi * q / (k - 1))) for q in range(k)]
        return np.asarray([(a, hh - b)] + top + [(-a, hh - b)])
    r = clamp(0.02, 0.0, 0.3 * min(a, b)) if corner is None else corner
    return rounded_rect(a, b, r, n // 4, hh)


@dataclass(frozen=True)
class MirrorParams:
    category: str = "mirror"
    shape: str = "rect"  # rect | round | arch | pill
    frame_style: str = "wood"  # wood | metal | none (frameless, bevelled, on a backing board)
    frame_width_m: float = 0.05
    frame_material: str = "oak wood"


def sample_mirror_params(rng: np.random.Generator, size: Size, category: str = "mirror") -> MirrorParams:
    """Glass shape and frame style (wide wooden, thin metal, or frameless)."""
    style = pick(rng, ("wood", "metal", "none"), (0.4, 0.4, 0.2))
    if style == "wood":
        mat = pick(rng, ("oak wood", "walnut wood", "white painted wood", "black painted wood", "gold", "rattan"))
        fw = uniform(rng, 0.035, 0.09)
    else:
        mat = pick(rng, ("brass", "black metal", "chrome", "gold", "brushed steel"))
        fw = uniform(rng, 0.008, 0.02)
    w, _, h = size
    shapes = ("rect", "round", "arch", "pill") if h > 1.15 * w else ("rect", "round", "pill")
    return MirrorParams(category=category, shape=pick(rng, shapes), frame_style=style,
                        frame_width_m=fw, frame_material=mat)


def build_mirror(params: MirrorParams, size: Size) -> list[Part]:
    """Mirror glass in a frame (or frameless with a bevel), back flat on the wall, glass facing +Y."""
    w, d, h = (float(v) for v in size)
    p = params
    hw, hh = w / 2.0, h / 2.0
    parts: list[Part] = []
    outer = _outline(p.shape, hw, hh, 0.0)
    if p.frame_style == "none":
        bevel = clamp(0.015, 0.004, 0.05 * min(w, h))
        parts.append(Part("backing", slab_xz(_outline(p.shape, hw, hh, 0.01 * min(w, h)), -d / 2, -d / 2 + 0.35 * d),
                          "black painted wood"))
        parts.append(Part("glass", slab_xz(outer, -d / 2 + 0.35 * d, d / 2 - 0.15 * d), "mirror"))
        parts.append(Part("bevel", slab_xz(_outline(p.shape, hw, hh, bevel), d / 2 - 0.16 * d, d / 2), "mirror"))
        return parts
    fw = clamp(p.frame_width_m, 0.005, 0.2 * min(w, h))
    inner = _outline(p.shape, hw, hh, fw)
    parts.append(Part("frame", band_xz(outer, inner, -d / 2, d / 2), p.frame_material))
    if p.frame_style == "wood" and fw > 0.03:  # a raised moulding on the frame's face
        mid_o = _outline(p.shape, hw, hh, 0.25 * fw)
        mid_i = _outline(p.shape, hw, hh, 0.6 * fw)
        parts.append(Part("moulding", band_xz(mid_o, mid_i, d / 2 - 0.2 * d, d / 2), p.frame_material))
        body_front = d / 2 - 0.2 * d
        parts[0] = Part("frame", band_xz(outer, inner, -d / 2, body_front), p.frame_material)
        front = body_front
    else:
        front = d / 2
    glass = _outline(p.shape, hw, hh, 0.7 * fw)
    parts.append(Part("glass", slab_xz(glass, -d / 2 + 0.2 * d, front - 0.25 * (front + d / 2) * 0.5), "mirror"))
    parts.append(Part("backing", slab_xz(glass, -d / 2, -d / 2 + 0.2 * d), "cardboard"))
    return parts


register_generator("mirror", MirrorParams, build_mirror, no_surfaces, sample_mirror_params)


# ---------------------------------------------------------------------------------------------
# clock
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClockParams:
    category: str = "clock"
    shape: str = "round"  # round | square
    rim: bool = True  # a raised rim (case) round the face
    body_material: str = "black metal"
    face_material: str = "white paper"
    marks: str = "bars"  # bars | dots | quarters
    mark_material: str = "black plastic"
    hand_material: str = "black metal"
    second_hand: bool = True
    hour_deg: float = 300.0  # hand angles, clockwise from 12 as seen from the front
    minute_deg: float = 60.0


def sample_clock_params(rng: np.random.Generator, size: Size, category: str = "clock") -> ClockParams:
    """Shape (square when the box is far from square), rim, face and mark styles, materials, time."""
    w, d, h = size
    shape = "square" if max(w, h) / min(w, h) > 1.3 else pick(rng, ("round", "square"), (0.75, 0.25))
    style = pick(rng, ("modern", "wood", "station", "minimal"))
    if style == "modern":
        body, face, marks, ink = pick(rng, ("black metal", "white plastic", "chrome")), "white paper", "bars", "black"
    elif style == "wood":
        body = pick(rng, ("oak wood", "walnut wood", "beech wood"))
        face, marks, ink = body, pick(rng, ("dots", "quarters")), pick(rng, ("black", "white", "brass"))
    elif style == "station":
        body, marks, ink = pick(rng, ("brass", "black metal", "copper")), "bars", "black"
        face = pick(rng, ("cream paper", "white paper"))
    else:
        body = pick(rng, ("white plastic", "sage plastic", "dusty pink plastic", "navy plastic", "mustard plastic"))
        face, marks, ink = body, pick(rng, ("quarters", "dots")), pick(rng, ("white", "black", "brass"))
    ink_mat = ink if ink == "brass" else f"{ink} plastic"
    hand = "brass" if ink == "brass" else ("black metal" if ink == "black" else f"{ink} painted metal")
    hm = int(rng.integers(0, 720))
    return ClockParams(
        category=category,
        shape=shape,
        rim=style in ("modern", "station"),
        body_material=body,
        face_material=face,
        marks=marks,
        mark_material=ink_mat,
        hand_material=hand,
        second_hand=chance(rng, 0.6),
        hour_deg=round(hm / 2.0, 1),
        minute_deg=float((hm % 60) * 6),
    )


def _clock_outline(shape: str, hw: float, hh: float, inset: float) -> np.ndarray:
    """A round or square clock's outline (squares have corners of 12 % of the half size)."""
    return _outline("round" if shape == "round" else "rect", hw, hh, inset, corner=0.12 * min(hw, hh))


def _at(theta_deg: float, r_x: float, r_z: float, cz: float) -> tuple[float, float]:
    """A point on the dial at ``theta`` clockwise from 12 as seen from +Y (the viewer's right is -X)."""
    t = math.radians(theta_deg)
    return -r_x * math.sin(t), cz + r_z * math.cos(t)


def _hand(length: float, width: float, tail: float, y0: float, y1: float, theta: float, cz: float) -> trimesh.Trimesh:
    hand = box((-width / 2, y0, -tail), (width / 2, y1, length))
    return transformed(hand, translation(0.0, 0.0, cz) @ rotation_y(-theta))


def build_clock(params: ClockParams, size: Size) -> list[Part]:
    """Clock body, face, hour marks, hands and a centre cap (whose front is the clock's front)."""
    w, d, h = (float(v) for v in size)
    p = params
    hw, hh = w / 2.0, h / 2.0
    cz = hh
    parts: list[Part] = []
    outer = _clock_outline(p.shape, hw, hh, 0.0)
    stack = min(0.012, 0.45 * d)  # hands and cap in front of the face
    y_face = d / 2 - stack
    if p.rim:
        rim_w = clamp(0.06 * min(w, h), 0.006, 0.05)
        inner = _clock_outline(p.shape, hw, hh, rim_w)
        parts.append(Part("rim", band_xz(outer, inner, -d / 2, d / 2 - 0.2 * stack), p.body_material))
        parts.append(Part("face", slab_xz(inner, -d / 2 + 0.2 * d, y_face), p.face_material))
        parts.append(Part("back", slab_xz(inner, -d / 2, -d / 2 + 0.2 * d), p.body_material))
        ra, rb = hw - rim_w, hh - rim_w
    else:
        parts.append(Part("body", slab_xz(outer, -d / 2, y_face), p.body_material))
        if p.face_material != p.body_material:
            parts.append(Part("face", slab_xz(_clock_outline(p.shape, hw, hh, 0.04 * min(w, h)), y_face - 0.001,
                                              y_face + 0.0008), p.face_material))
        ra, rb = hw, hh
    r_dial_x, r_dial_z = 0.82 * ra, 0.82 * rb
    m = min(ra, rb)
    marks = []
    y0, y1 = y_face - 0.0005, y_face + 0.0015
    for k in range(12):
        if p.marks == "quarters" and k % 3:
            continue
        theta = 30.0 * k
        big = k % 3 == 0
        if p.marks == "dots":
            rr = 0.035 * m if big else 0.022 * m
            x, z = _at(theta, r_dial_x, r_dial_z, cz)
            marks.append(disc_y(x, z, rr, rr, y0, y1, 12))
        else:
            ln = (0.16 if big else 0.08) * m * (1.3 if p.marks == "quarters" else 1.0)
            wd = (0.035 if big else 0.018) * m
            bar = box((-wd / 2, y0, -ln / 2), (wd / 2, y1, ln / 2))
            x, z = _at(theta, r_dial_x - ln / 2 + 0.05 * m, r_dial_z - ln / 2 + 0.05 * m, cz)
            marks.append(transformed(bar, translation(x, 0.0, z) @ rotation_y(-theta)))
    parts.append(Part("hour_marks", merge(marks), p.mark_material))
    hs = (d / 2 - y_face)
    parts.append(Part("hour_hand", _hand(0.5 * m, 0.05 * m, 0.1 * m, y_face + 0.15 * hs, y_face + 0.35 * hs,
                                         p.hour_deg, cz), p.hand_material))
    parts.append(Part("minute_hand", _hand(0.75 * m, 0.03 * m, 0.12 * m, y_face + 0.38 * hs, y_face + 0.58 * hs,
                                           p.minute_deg, cz), p.hand_material))
    if p.second_hand:
        parts.append(Part("second_hand", _hand(0.8 * m, 0.01 * m, 0.2 * m, y_face + 0.6 * hs, y_face + 0.72 * hs,
                                               (p.minute_deg * 7.0) % 360.0, cz), "red painted metal"))
    parts.append(Part("centre_cap", disc_y(0.0, cz, 0.05 * m, 0.05 * m, y_face, d / 2, 12), p.hand_material))
    return parts


register_generator("clock", ClockParams, build_clock, no_surfaces, sample_clock_params)


# ---------------------------------------------------------------------------------------------
# whiteboard
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WhiteboardParams:
    category: str = "whiteboard"
    board: str = "whiteboard"  # whiteboard | chalkboard
    frame_material: str = "aluminium"
    frame_width_m: float = 0.02
    corner_caps: bool = True
    tray: bool = True
    markers: int = 3
    eraser: bool = True


def sample_whiteboard_params(rng: np.random.Generator, size: Size, category: str = "whiteboard") -> WhiteboardParams:
    """White or chalk board, frame material, corner caps, pen tray with markers and an eraser."""
    board = pick(rng, ("whiteboard", "chalkboard"), (0.75, 0.25))
    if board == "whiteboard":
        mat = pick(rng, ("aluminium", "aluminium", "white plastic", "black metal", "oak wood"))
    else:
        mat = pick(rng, ("oak wood", "pine wood", "walnut wood", "black painted wood"))
    tray = chance(rng, 0.8)
    return WhiteboardParams(
        category=category,
        board=board,
        frame_material=mat,
        frame_width_m=uniform(rng, 0.012, 0.03),
        corner_caps=mat in ("aluminium", "black metal") and chance(rng, 0.7),
        tray=tray,
        markers=int(rng.integers(0, 5)) if tray else 0,
        eraser=tray and chance(rng, 0.7),
    )


MARKER_COLOURS = ("black", "blue", "red", "green")


def build_whiteboard(params: WhiteboardParams, size: Size) -> list[Part]:
    """Board surface in a frame; a pen tray along the bottom stands out in front (+Y)."""
    w, d, h = (float(v) for v in size)
    p = params
    parts: list[Part] = []
    tray = p.tray and d >= 0.012
    frame_d = 0.55 * d if tray else d
    fw = clamp(p.frame_width_m, 0.008, 0.05 * min(w, h))
    parts.append(Part("frame", _frame_bars(-w / 2, 0.0, w / 2, h, fw, -d / 2, -d / 2 + frame_d, min(0.004, 0.3 * fw),),
                      p.frame_material))
    surface = "whiteboard" if p.board == "whiteboard" else "chalkboard"
    parts.append(Part("board", box((-w / 2 + fw * 0.5, -d / 2, fw * 0.5), (w / 2 - fw * 0.5, -d / 2 + 0.6 * frame_d,
                                                                             h - fw * 0.5)), surface))
    if p.corner_caps:
        cs = 1.6 * fw
        caps = [rounded_box((sx * w / 2 - (cs if sx > 0 else 0), -d / 2 - 0.0, z0),
                            (sx * w / 2 + (0 if sx > 0 else cs), -d / 2 + frame_d, z0 + cs), min(0.003, 0.25 * cs), 1)
                for sx in (-1, 1) for z0 in (0.0, h - cs)]
        parts.append(Part("corner_caps", merge(caps), "grey plastic"))
    if tray:
        y0 = -d / 2 + frame_d - 0.002
        tw = 0.7 * w if w > 1.5 else 0.9 * w
        th = clamp(0.035, 0.012, 0.1 * h)
        lip = clamp(0.008, 0.003, 0.4 * th)
        depth = d / 2 - y0
        pieces = [box((-tw / 2, y0, fw * 0.3), (tw / 2, d / 2, fw * 0.3 + 0.25 * lip + 0.002)),
                  box((-tw / 2, d / 2 - min(0.003, 0.2 * depth), fw * 0.3), (tw / 2, d / 2, fw * 0.3 + lip + 0.004))]
        parts.append(Part("tray", merge(pieces), p.frame_material if p.board == "chalkboard" else "aluminium"))
        z_floor = fw * 0.3 + 0.25 * lip + 0.002
        r = min(0.009, 0.35 * (depth - 0.003))
        if p.markers and r > 0.002:
            ml = clamp(0.13, 0.03, 0.12 * tw)
            yc = y0 + 0.45 * (depth - 0.003)
            for k in range(min(p.markers, 4)):
                x0 = -tw / 2 + 0.05 * tw + k * (ml + 0.02)
                if p.board == "chalkboard":
                    parts.append(Part(f"chalk_{k}", lathe([(0, 0), (0.6 * r, 0), (0.6 * r, 0.6 * ml), (0, 0.6 * ml)], 8,
                                                          (x0, yc, z_floor + 0.6 * r), axis="x"), "white paper"))
                else:
                    colour = MARKER_COLOURS[k % 4]
                    parts.append(Part(f"marker_{k}", lathe([(0, 0), (r, 0), (r, 0.8 * ml), (0.75 * r, 0.8 * ml),
                                                            (0.75 * r, ml), (0, ml)], 8, (x0, yc, z_floor + r),
                                                           axis="x"), f"{colour} plastic" if k else "white plastic"))
                    cap = lathe([(0, 0), (1.05 * r, 0), (1.05 * r, 0.25 * ml), (0, 0.25 * ml)], 8,
                                (x0 + 0.8 * ml, yc, z_floor + r), axis="x")
                    parts.append(Part(f"marker_cap_{k}", cap, f"{colour} plastic"))
        if p.eraser and depth > 0.006:
            ew = clamp(0.12, 0.04, 0.15 * tw)
            ex = tw / 2 - 0.06 * tw - ew
            eh = clamp(0.03, 0.01, 0.08 * h)
            ed = 0.75 * (depth - 0.003)
            parts.append(Part("eraser", rounded_box((ex, y0 + 0.0005, z_floor), (ex + ew, y0 + ed, z_floor + eh),
                                                    min(0.004, 0.2 * ed), 1), "black plastic"))
            parts.append(Part("eraser_felt", box((ex + 0.002, y0 + 0.0005, z_floor - 0.0004),
                                                 (ex + ew - 0.002, y0 + ed - 0.001, z_floor + 0.004)), "grey felt"))
    return parts


register_generator("whiteboard", WhiteboardParams, build_whiteboard, no_surfaces, sample_whiteboard_params)


# ---------------------------------------------------------------------------------------------
# neon sign
# ---------------------------------------------------------------------------------------------

NEON_COLOURS = ("pink", "red", "blue", "light blue", "purple", "orange", "yellow", "green", "white", "warm white",
                "turquoise", "coral", "lavender")

# stroke letters in a 1 x 1.4 cell (x right, z up), as lists of polylines
_LETTERS: dict[str, list[list[tuple[float, float]]]] = {
    "H": [[(0, 0), (0, 1.4)], [(1, 0), (1, 1.4)], [(0, 0.7), (1, 0.7)]],
    "I": [[(0.5, 0), (0.5, 1.4)]],
    "O": [[(0.5 + 0.5 * math.cos(2 * math.pi * k / 20), 0.7 + 0.7 * math.sin(2 * math.pi * k / 20))
           for k in range(21)]],
    "K": [[(0, 0), (0, 1.4)], [(1, 1.4), (0.05, 0.65), (1, 0)]],
    "L": [[(0, 1.4), (0, 0), (0.9, 0)]],
    "V": [[(0, 1.4), (0.5, 0), (1, 1.4)]],
    "E": [[(0.95, 1.4), (0, 1.4), (0, 0), (0.95, 0)], [(0, 0.7), (0.75, 0.7)]],
    "Y": [[(0, 1.4), (0.5, 0.7), (1, 1.4)], [(0.5, 0.7), (0.5, 0)]],
    "A": [[(0, 0), (0.5, 1.4), (1, 0)], [(0.2, 0.55), (0.8, 0.55)]],
    "S": [[(1, 1.2), (0.7, 1.4), (0.25, 1.38), (0.02, 1.1), (0.2, 0.8), (0.8, 0.6), (0.98, 0.3), (0.75, 0.02),
           (0.3, 0.0), (0, 0.2)]],
}
WORDS = ("HI", "OK", "LOVE", "HEY", "YES", "HOLA", "OLA")


def _glyph(kind: str, word: str) -> tuple[list[np.ndarray], bool]:
    """Polylines (x, z) of a glyph, and whether its aspect must be kept."""
    if kind == "heart":
        t = np.linspace(0, 2 * math.pi, 40, endpoint=False)
        x = 16 * np.sin(t) ** 3
        z = 13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t)
        return [np.column_stack([x, z])], True
    if kind == "star":
        pts = []
        for k in range(10):
            r = 1.0 if k % 2 == 0 else 0.42
            a = math.pi / 2 + k * math.pi / 5
            pts.append((r * math.cos(a), r * math.sin(a)))
        return [chaikin(np.asarray(pts), 2, True)], True
    if kind == "wave":
        t = np.linspace(0, 1, 40)
        lines = [np.column_stack([t, 0.25 * np.sin(t * 2.5 * 2 * math.pi)])]
        lines.append(np.column_stack([t, -0.45 + 0.25 * np.sin(t * 2.5 * 2 * math.pi)]))
        return lines, False
    if kind == "script":  # joined-up handwriting: loops and humps of varying height
        heights = (1.0, 0.45, 0.5, 1.0, 0.4, 0.95, 0.5)
        n_loops = 5
        t = np.linspace(0.0, n_loops * 2 * math.pi, 28 * n_loops)
        k = np.minimum((t / (2 * math.pi)).astype(int), n_loops - 1)
        amp = np.array([heights[i % len(heights)] for i in k])
        x = 0.55 * t - 0.75 * np.sin(t) * amp
        z = amp * (1 - np.cos(t)) * 0.5 * 1.6
        under = np.array([[x.min() + 0.4, -0.25], [x.max() - 0.2, -0.15]])
        return [np.column_stack([x, z]), under], False
    if kind == "bolt":
        pts = np.array([(0.15, 1.0), (0.6, 1.0), (0.35, 0.55), (0.65, 0.55), (-0.1, -0.3), (0.1, 0.35), (-0.15, 0.35)])
        return [chaikin(pts, 1, True)], True
    if kind == "smile":
        t = np.linspace(0, 2 * math.pi, 36, endpoint=False)
        face = np.column_stack([np.cos(t), np.sin(t)])
        s = np.linspace(math.pi * 1.2, math.pi * 1.8, 12)
        mouth = np.column_stack([0.55 * np.cos(s), 0.55 * np.sin(s) + 0.05])
        eyes = [np.array([[-0.32, 0.22], [-0.32, 0.45]]), np.array([[0.32, 0.22], [0.32, 0.45]])]
        return [face, mouth] + eyes, True
    # a word in stroke letters
    lines = []
    for i, ch in enumerate(word):
        for stroke in _LETTERS.get(ch, _LETTERS["I"]):
            s = np.asarray(stroke, dtype=float)
            s[:, 0] += 1.35 * i
            lines.append(chaikin(s, 1) if len(s) > 2 else s)
    return lines, False


@dataclass(frozen=True)
class NeonSignParams:
    category: str = "neon_sign"
    glyph: str = "heart"  # heart | star | wave | script | bolt | smile | word
    word: str = "HI"
    colour: str = "pink"
    second_colour: str = "blue"  # some glyphs light a second stroke in another colour
    backboard: str = "clear glass"  # clear glass | black plastic | white plastic
    tube_radius_m: float = 0.006
    standoffs: bool = True


def sample_neon_sign_params(rng: np.random.Generator, size: Size, category: str = "neon_sign") -> NeonSignParams:
    """Glyph (shape or word), tube colours and thickness, backboard material."""
    c1 = pick(rng, NEON_COLOURS)
    c2 = pick(rng, [c for c in NEON_COLOURS if c != c1])
    return NeonSignParams(
        category=category,
        glyph=pick(rng, ("heart", "star", "wave", "script", "bolt", "smile", "word")),
        word=pick(rng, WORDS),
        colour=c1,
        second_colour=c2 if chance(rng, 0.5) else c1,
        backboard=pick(rng, ("clear glass", "clear glass", "black plastic", "white plastic")),
        tube_radius_m=uniform(rng, 0.006, 0.011),
        standoffs=chance(rng, 0.7),
    )


def build_neon_sign(params: NeonSignParams, size: Size) -> list[Part]:
    """A backboard on the wall and glowing tubes bent into the glyph in front of it."""
    w, d, h = (float(v) for v in size)
    p = params
    parts: list[Part] = []
    bt = clamp(0.006, 0.002, 0.3 * d)
    corner = clamp(0.03, 0.0, 0.2 * min(w, h))
    parts.append(Part("backboard", slab_xz(rounded_rect(w / 2, h / 2, corner, 4, h / 2), -d / 2, -d / 2 + bt),
                      p.backboard))
    r = clamp(p.tube_radius_m, 0.0025, min(0.45 * (d - bt), 0.035 * min(w, h)))
    yc = d / 2 - r
    margin = max(0.08 * min(w, h), 3 * r) + r
    lines, keep = _glyph(p.glyph, p.word)
    allp = np.concatenate(lines)
    lo, hi = allp.min(axis=0), allp.max(axis=0)
    ext = np.maximum(hi - lo, 1e-6)
    sx, sz = (w - 2 * margin) / ext[0], (h - 2 * margin) / ext[1]
    if keep or p.glyph == "word":
        s = min(sx, sz)
        sx = sz = s
    centre = (lo + hi) / 2.0
    for k, line in enumerate(lines):
        pts2 = (line - centre) * [sx, sz]
        closed = p.glyph in ("heart", "star", "bolt") or (p.glyph == "smile" and k == 0)
        pts = np.column_stack([-pts2[:, 0], np.full(len(pts2), yc), h / 2 + pts2[:, 1]])  # read from the front
        colour = p.second_colour if (k % 2 == 1 and p.glyph in ("wave", "smile", "script")) else p.colour
        parts.append(Part(f"tube_{k}", sweep(pts, r, 8, closed=closed, up=(0.0, 1.0, 0.0)), f"{colour} neon light"))
    if p.standoffs:
        sr = clamp(0.008, 0.003, 0.05 * min(w, h))
        for i, (sx_, sz_) in enumerate(((-1, -1), (1, -1), (1, 1), (-1, 1))):
            cx, cz = sx_ * (w / 2 - 2.2 * sr), h / 2 + sz_ * (h / 2 - 2.2 * sr)
            parts.append(Part(f"standoff_{i}", disc_y(cx, cz, sr, sr, -d / 2 + bt - 0.001, d / 2, 12), "chrome"))
    return parts


register_generator("neon_sign", NeonSignParams, build_neon_sign, no_surfaces, sample_neon_sign_params)


# ---------------------------------------------------------------------------------------------
# picture frame (a small standing photo frame)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PictureFrameParams:
    category: str = "picture_frame"
    frame_width_m: float = 0.018
    frame_depth_m: float = 0.015
    frame_material: str = "oak wood"
    mat: bool = True
    tilt_deg: float = 12.0
    photo: str = "landscape"  # landscape | portrait (people) | abstract
    palette: tuple = ("sky blue", "sage", "tan", "coral")
    layout_seed: int = 0


def sample_picture_frame_params(rng: np.random.Generator, size: Size,
                                category: str = "picture_frame") -> PictureFrameParams:
    """Frame profile and material, mat, lean angle and what the photo shows."""
    _, pal, _ = _palette(rng)
    return PictureFrameParams(
        category=category,
        frame_width_m=uniform(rng, 0.008, 0.03),
        frame_depth_m=uniform(rng, 0.01, 0.022),
        frame_material=pick(rng, ("oak wood", "walnut wood", "black painted wood", "white painted wood", "gold",
                                  "silver painted metal", "brass", "chrome", "pastel pink painted wood")),
        mat=chance(rng, 0.4),
        tilt_deg=uniform(rng, 8.0, 18.0),
        photo=pick(rng, ("landscape", "portrait", "abstract")),
        palette=pal,
        layout_seed=int(rng.integers(0, 2**31 - 1)),
    )


def build_picture_frame(params: PictureFrameParams, size: Size) -> list[Part]:
    """A frame with a photo leaning back on an easel strut; the photo faces +Y."""
    w, d, h = (float(v) for v in size)
    p = params
    t = clamp(p.frame_depth_m, 0.006, 0.45 * d)
    # lean so that the top's back stays well inside the depth left for the strut
    tilt = min(math.radians(clamp(p.tilt_deg, 3.0, 25.0)), math.asin(clamp(0.5 * (d - t) / h, 0.0, 0.5)))
    hf = (h - t * math.sin(tilt)) / math.cos(tilt)
    fw = clamp(p.frame_width_m, 0.004, 0.15 * min(w, hf))
    # upright frame: back at y=0, front at y=t, bottom at z=0
    up: list[tuple[str, trimesh.Trimesh, str]] = []
    up.append(("frame", _frame_bars(-w / 2, 0.0, w / 2, hf, fw, 0.0, t, min(0.002, 0.2 * fw)), p.frame_material))
    y_face = t - min(0.004, 0.3 * t)
    up.append(("backing", box((-w / 2 + fw * 0.5, 0.0005, fw * 0.5), (w / 2 - fw * 0.5, 0.4 * t, hf - fw * 0.5)),
               "cardboard"))
    ix0, iz0, ix1, iz1 = -w / 2 + fw, fw, w / 2 - fw, hf - fw
    if p.mat and min(ix1 - ix0, iz1 - iz0) > 0.05:
        mw = 0.15 * min(ix1 - ix0, iz1 - iz0)
        up.append(("mat", box((ix0 - 0.001, 0.4 * t, iz0 - 0.001), (ix1 + 0.001, y_face - 0.0003, iz1 + 0.001)),
                   "off white paper"))
        ix0, iz0, ix1, iz1 = ix0 + mw, iz0 + mw, ix1 - mw, iz1 - mw
        y_photo = y_face - 0.0008
    else:
        y_photo = y_face
    up.append(("photo", box((ix0, 0.4 * t, iz0), (ix1, y_photo, iz1)), "white paper"))
    rng = np.random.default_rng(p.layout_seed)
    pal = list(p.palette)
    if p.photo == "abstract":
        style = pick(rng, ("circles", "bands", "stripes"))
        shapes = _composition(style, pal, pal[-1], p.layout_seed, ix0, iz0, ix1, iz1)
    else:
        shapes = _composition("landscape", pal, pal[0], p.layout_seed, ix0, iz0, ix1, iz1)
        if p.photo == "portrait":  # two people: heads and shoulders
            W, H = ix1 - ix0, iz1 - iz0
            for k, fx in enumerate((0.35, 0.65)):
                cx = ix0 + fx * W
                shapes.append(("disc", cx, iz0 + 0.2 * H, 0.16 * W, 0.22 * H, 0.0, pick(rng, ("navy", "red", "white",
                                                                                              "mustard", "teal"))))
                shapes.append(("disc", cx, iz0 + 0.52 * H, 0.08 * W, 0.1 * H, 0.0, pick(rng, ("tan", "beige", "brown",
                                                                                              "cognac"))))
    up += [(q.name, q.mesh, q.material) for q in _raised(shapes[:10], y_photo, 0.0002, 0.00008, "{} paper", "print")]
    lean = rotation_x(math.degrees(tilt))  # the top leans back (-Y)
    parts = [Part(n, transformed(m, lean), mat) for n, m, mat in up]
    # the easel strut: from the back of the frame at 55 % of its height down to the table behind it
    za = 0.55 * hf
    ay, az = -math.sin(tilt) * za, math.cos(tilt) * za
    foot = math.cos(tilt) * t - d  # the frame's front bottom edge is at y = t cos(tilt)
    sw = clamp(0.25 * w, 0.012, 0.04)
    st = clamp(0.004, 0.002, 0.3 * t)
    poly = [(ay, az), (foot + st, 0.0), (foot, 0.0), (ay - st, az)]
    parts.append(Part("strut", slab_yz(poly, -sw / 2, sw / 2), p.frame_material if "wood" in p.frame_material
                      else "black painted wood"))
    return fit_exact(parts, size)


register_generator("picture_frame", PictureFrameParams, build_picture_frame, no_surfaces, sample_picture_frame_params)
