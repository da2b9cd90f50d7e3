"""Curtains: a rod with finials on wall brackets across the top, and one or two pleated fabric
panels hanging from it in front of a window (back at -Y on the wall).

Each panel is a corrugated (sine-profile) fabric slab, gathered more when drawn open. What varies:
one or two panels, how far they are drawn open, tied back (the panel pinched at a tie-back and
flaring below it) or hanging straight, fabric and pleat width, the header (rings round the rod,
fabric tabs, or a rod pocket), rod material and finials (ball, cylinder, spear, plain cap), and an
optional full-width sheer behind on a second rod when the box is deep enough.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..parts import Part
from ..primitives import cylinder_along, lathe, merge, rounded_box
from ._shapes import circle_loop, fit_exact, no_surfaces, revolve, sheet, sweep
from .params import chance, clamp, pick, register_generator, uniform

Size = tuple[float, float, float]

FABRICS = ("beige linen", "white linen", "cream linen", "grey linen", "navy velvet", "forest green velvet",
           "burgundy velvet", "mustard velvet", "sage cotton", "charcoal fabric", "dusty pink velvet",
           "terracotta linen", "light grey fabric", "teal velvet", "ivory cotton", "blue cotton")


@dataclass(frozen=True)
class CurtainParams:
    category: str = "curtain"
    panels: int = 2  # 1 | 2
    open_fraction: float = 0.4  # 0 = closed (panels meet), up to ~0.75 = drawn far open
    tied: bool = False  # tied back: pinched at a tie-back, flaring below
    tie_height_frac: float = 0.45
    tie_material: str = "beige linen"
    side: int = -1  # the side a single panel is drawn to (-1 left, +1 right, seen along -Y)
    fabric: str = "beige linen"
    pleat_width_m: float = 0.13  # one fold per this width of hanging curtain
    amplitude_m: float = 0.03
    header: str = "rings"  # rings | tabs | pocket
    rod_material: str = "black metal"
    finial: str = "ball"  # ball | cylinder | spear | cap
    sheer: bool = False
    sheer_fabric: str = "white linen"


def sample_curtain_params(rng: np.random.Generator, size: Size, category: str = "curtain") -> CurtainParams:
    """Panel count, openness, tie-backs, fabric, pleats, header, rod and finials, sheer."""
    w, d, h = size
    fabric = pick(rng, FABRICS)
    tied = chance(rng, 0.35)
    return CurtainParams(
        category=category,
        panels=int(pick(rng, (1, 2), (0.25, 0.75))),
        open_fraction=uniform(rng, 0.3, 0.7) if tied else pick(rng, (0.0, uniform(rng, 0.2, 0.7)), (0.25, 0.75)),
        tied=tied,
        tie_height_frac=uniform(rng, 0.35, 0.55),
        tie_material=pick(rng, (fabric, "jute", "brass", fabric)),
        side=int(pick(rng, (-1, 1))),
        fabric=fabric,
        pleat_width_m=uniform(rng, 0.1, 0.18),
        amplitude_m=uniform(rng, 0.02, 0.05),
        header=pick(rng, ("rings", "tabs", "pocket"), (0.5, 0.25, 0.25)),
        rod_material=pick(rng, ("black metal", "brass", "brushed steel", "chrome", "oak wood", "walnut wood",
                                "white painted metal")),
        finial=pick(rng, ("ball", "cylinder", "spear", "cap")),
        sheer=d >= 0.09 and chance(rng, 0.45),
        sheer_fabric=pick(rng, ("white linen", "ivory linen", "off white cotton")),
    )


def _smooth(a: float, b: float, t: float) -> float:
    """Cosine ease from ``a`` (t=0) to ``b`` (t=1)."""
    t = clamp(t, 0.0, 1.0)
    return a + (b - a) * (0.5 - 0.5 * math.cos(math.pi * t))


def _panel(x_anchor: float, x_free: float, z_top: float, y_mid: float, amp: float, thick: float, waves: int,
           tie_z: float | None, z_hem: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Front/back grids of a hanging panel: corrugated across X, from ``z_hem`` up to ``z_top``; the
    side at ``x_anchor`` stays put; a tie-back at ``tie_z`` pinches the free side towards it."""
    per = 6
    nx = waves * per + 1
    u = np.linspace(0.0, 1.0, nx)
    phase = u * waves * 2 * math.pi
    y = np.sin(phase) * amp
    dy = np.cos(phase) * amp * waves * 2 * math.pi / max(abs(x_free - x_anchor), 1e-6)
    norm = np.sqrt(1 + dy ** 2)
    ny, nxn = 1.0 / norm, -dy / norm
    if tie_z is None:
        zs = np.array([z_hem, z_top])
    else:
        zs = np.concatenate([np.linspace(z_hem, tie_z, 6), np.linspace(tie_z, z_top, 7)[1:]])
    sgn = 1.0 if x_free > x_anchor else -1.0
    span = abs(x_free - x_anchor)
    front = np.empty((nx, len(zs), 3))
    back = np.empty((nx, len(zs), 3))
    for j, z in enumerate(zs):
        if tie_z is None:
            s, a = 1.0, 1.0
        elif z >= tie_z:
            s = _smooth(0.3, 1.0, (z - tie_z) / max(z_top - tie_z, 1e-6))
            a = 1.0 + 0.6 * (1 - s)
        else:
            s = _smooth(0.3, 0.75, (tie_z - z) / max(tie_z - z_hem, 1e-6))
            a = 1.0 + 0.6 * (1 - s)
        xc = x_anchor + sgn * u * span * s
        for grid, side in ((front, 1.0), (back, -1.0)):
            grid[:, j, 0] = xc + side * thick / 2 * nxn * s
            grid[:, j, 1] = y_mid + y * a + side * thick / 2 * ny
            grid[:, j, 2] = z
    return front, back


def _finial(kind: str, x_end: float, sgn: float, y: float, z: float, r: float, rr: float) -> tuple[object, float]:
    """A finial whose outer end is at ``x_end`` (sgn: +1 right end, -1 left end), centred on the rod axis."""
    if kind == "ball":
        prof = [(0.0, 0.0), (rr * 1.2, 0.0), (rr * 1.2, 0.15 * r)]
        prof += [(r * math.sin(math.pi * k / 6), 0.15 * r + r * (1 - math.cos(math.pi * k / 6))) for k in range(1, 6)]
        prof += [(0.0, 2.15 * r)]
        length = 2.15 * r
    elif kind == "spear":
        prof = [(0.0, 0.0), (rr * 1.3, 0.0), (r * 0.9, 0.5 * r), (r * 0.5, 1.2 * r), (0.0, 2.4 * r)]
        length = 2.4 * r
    elif kind == "cylinder":
        prof = [(0.0, 0.0), (r * 0.8, 0.0), (r * 0.8, 1.6 * r), (r * 0.9, 1.7 * r), (r * 0.9, 2.0 * r), (0.0, 2.0 * r)]
        length = 2.0 * r
    else:  # cap
        prof = [(0.0, 0.0), (rr * 1.25, 0.0), (rr * 1.25, 0.8 * r), (0.0, 0.8 * r)]
        length = 0.8 * r
    if sgn > 0:
        return lathe(prof, 12, (x_end - length, y, z), axis="x"), length
    # the left end: the same profile mirrored, growing towards -X
    return lathe([(rad, length - hh) for rad, hh in reversed(prof)], 12, (x_end, y, z), axis="x"), length


def build_curtain(params: CurtainParams, size: Size) -> list[Part]:
    """Rod, finials, brackets, rings/tabs, the hanging panels (and sheer), front +Y, back on the wall."""
    w, d, h = (float(v) for v in size)
    p = params
    parts: list[Part] = []
    rr = clamp(0.012, 0.006, 0.12 * d)  # rod radius
    fr = clamp(2.0 * rr, 1.5 * rr, 0.45 * d)  # finial radius
    sheer = p.sheer and d >= 0.06
    thick = 0.004
    # depth budget: [wall plate][sheer][main rod + fabric]
    amp = clamp(p.amplitude_m, 0.006, 0.5 * (0.55 * d if sheer else 0.85 * d) - thick)
    y_rod = d / 2 - max(fr, amp + thick, rr * 1.8)
    z_rod = h - fr if p.finial != "cap" else h - max(rr * 1.25, rr * 1.6)
    ring_r = 1.6 * rr
    # rod and finials
    finial_r = fr if p.finial != "cap" else rr * 1.25
    f0, flen = _finial(p.finial, -w / 2, -1.0, y_rod, z_rod, finial_r, rr)
    f1, _ = _finial(p.finial, w / 2, 1.0, y_rod, z_rod, finial_r, rr)
    parts.append(Part("finial_0", f0, p.rod_material))
    parts.append(Part("finial_1", f1, p.rod_material))
    rod_x0, rod_x1 = -w / 2 + flen * 0.9, w / 2 - flen * 0.9
    parts.append(Part("rod", cylinder_along("x", (rod_x0, y_rod, z_rod), rod_x1 - rod_x0, rr, 12), p.rod_material))
    # brackets: wall plate + arm to the rod
    bx = w / 2 - flen - clamp(0.06, 0.02, 0.05 * w)
    for i, s in enumerate((-1.0, 1.0)):
        x = s * bx
        plate = rounded_box((x - 0.015, -d / 2, z_rod - 0.04), (x + 0.015, -d / 2 + 0.008, z_rod + 0.02), 0.003, 1)
        arm = cylinder_along("y", (x, -d / 2 + 0.004, z_rod - rr * 1.2), y_rod - (-d / 2 + 0.004), 0.005, 8)
        parts.append(Part(f"bracket_{i}", merge([plate, arm]), p.rod_material))
    # the hanging fabric
    z_top = z_rod - (ring_r + 0.01 if p.header == "rings" else 0.0)
    if p.header == "pocket":
        z_top = z_rod + rr + 0.012
    inner0, inner1 = -bx + 0.03, bx - 0.03  # the fabric stays between the brackets
    if p.panels == 1:
        anchor = inner0 if p.side < 0 else inner1
        spans = [(anchor, inner1 if p.side < 0 else inner0)]
    else:
        spans = [(inner0, -0.005), (inner1, 0.005)]
    tie_z = clamp(p.tie_height_frac, 0.25, 0.7) * z_top if p.tied else None
    for k, (xa, xb) in enumerate(spans):
        full = abs(xb - xa)
        waves = int(clamp(round(full / max(p.pleat_width_m, 0.06)), 3, 16))
        gathered = full * (1.0 - clamp(p.open_fraction, 0.0, 0.8))
        gathered = max(gathered, waves * 2.2 * amp)
        xf = xa + math.copysign(min(gathered, full), xb - xa)
        front, back = _panel(xa, xf, z_top, y_rod, amp / 1.42 if tie_z is not None else amp, thick, waves, tie_z)
        parts.append(Part(f"panel_{k}", sheet(front, back), p.fabric))
        crest_x = xa + (xf - xa) * (np.arange(waves) + 0.25) / waves
        if p.header == "rings":
            rings = [revolve(circle_loop(ring_r, 0.0, 0.0025, 6), 12, (cx, y_rod, z_rod), axis="x") for cx in crest_x]
            parts.append(Part(f"rings_{k}", merge(rings), p.rod_material))
        elif p.header == "tabs":
            tabs = [rounded_box((cx - 0.02, y_rod - rr - 0.004, z_top - 0.01), (cx + 0.02, y_rod + rr + 0.004,
                                                                                 z_rod + rr + 0.006), 0.003, 1)
                    for cx in crest_x]
            parts.append(Part(f"tabs_{k}", merge(tabs), p.fabric))
        if tie_z is not None:
            xs = front[:, 5, 0]
            x_lo, x_hi = float(min(xs.min(), back[:, 5, 0].min())), float(max(xs.max(), back[:, 5, 0].max()))
            cx, cw = (x_lo + x_hi) / 2, (x_hi - x_lo) / 2 + 0.012
            cy = amp * 1.6 + thick + 0.008
            t = np.linspace(0, 2 * math.pi, 16, endpoint=False)
            loop = np.column_stack([cx + cw * np.cos(t), y_rod + np.minimum(cy, d / 2 - y_rod - 0.01) * np.sin(t),
                                    np.full(16, tie_z)])
            parts.append(Part(f"tieback_{k}", sweep(loop, 0.008 if p.tie_material != "brass" else 0.005, 8,
                                                    closed=True, up=(0.0, 0.0, 1.0)), p.tie_material))
    if sheer:
        ys = -d / 2 + 0.012 + 0.25 * (y_rod - amp - (-d / 2 + 0.012))
        zs = z_rod - 0.02
        sr = 0.007
        sheer_rod = cylinder_along("x", (-bx - 0.03, ys, zs), 2 * bx + 0.06, sr, 8)
        parts.append(Part("sheer_rod", sheer_rod, "brushed steel"))
        sa = clamp(0.4 * (ys - (-d / 2) - 0.004), 0.004, 0.02)
        waves = int(clamp(round(2 * bx / 0.1), 4, 24))
        front, back = _panel(-bx + 0.01, bx - 0.01, zs - 0.01, ys, sa, 0.002, waves, None, z_hem=0.0)
        parts.append(Part("sheer", sheet(front, back), p.sheer_fabric))
    return fit_exact(parts, size)


register_generator("curtain", CurtainParams, build_curtain, no_surfaces, sample_curtain_params)
