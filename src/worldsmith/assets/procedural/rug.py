"""Rugs: flat floor coverings a few millimetres to 3 cm high.

Rectangular (a runner when long and narrow) or round / oval rugs, with an optional border band and a
pattern made of pieces that tile the field without overlapping on a thin backing (stripes or bands across the long
side, concentric rings on round rugs, or a carved medallion standing a little proud of a lower
pile), and optional fringe at the short ends of rectangular rugs. Wool, carpet, cotton or jute.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import trimesh

from ..parts import Part
from ..primitives import box, lathe, merge, prism, raw_mesh
from ..surfaces import Surface
from .params import chance, clamp, pick, register_generator, uniform

Size = tuple[float, float, float]

RUG_COLOURS = ("cream", "beige", "ivory", "sand", "taupe", "grey", "charcoal", "navy", "blue", "teal", "sage",
               "forest green", "burgundy", "rust", "terracotta", "mustard", "dusty pink", "plum", "off white", "black",
               "light grey", "brown", "olive")


def _ring(rx0: float, ry0: float, rx1: float, ry1: float, z0: float, z1: float, n: int = 32) -> trimesh.Trimesh:
    """Elliptic annulus between the inner radii (rx0, ry0) and the outer (rx1, ry1), from z0 to z1."""
    n = max(8, n // 4 * 4)
    t = np.arange(n) * (2 * math.pi / n)
    c, s = np.cos(t), np.sin(t)
    c[np.abs(c) < 1e-15] = 0.0
    s[np.abs(s) < 1e-15] = 0.0
    rings = [(rx0, ry0, z0), (rx1, ry1, z0), (rx1, ry1, z1), (rx0, ry0, z1)]  # section loop, outward wound
    verts = np.concatenate([np.stack([rx * c, ry * s, np.full(n, z)], 1) for rx, ry, z in rings])
    j = np.arange(n)
    jn = (j + 1) % n
    faces = []
    for k in range(4):
        a, b = k * n, ((k + 1) % 4) * n
        faces.append(np.stack([a + j, a + jn, b + jn], 1))
        faces.append(np.stack([a + j, b + jn, b + j], 1))
    return raw_mesh(verts, np.concatenate(faces))


def _disc(rx: float, ry: float, z0: float, z1: float, n: int = 32) -> trimesh.Trimesh:
    return lathe([(0.0, 0.0), (1.0, 0.0), (1.0, z1 - z0), (0.0, z1 - z0)], n, (0.0, 0.0, z0), scale_xy=(rx, ry))


@dataclass(frozen=True)
class RugParams:
    category: str = "rug"
    shape: str = "rectangle"  # rectangle | round
    material: str = "wool"  # wool | carpet | cotton | jute
    field_colour: str = "cream"
    border_colour: str = "navy"
    accent_colour: str = "rust"
    border: bool = True
    border_width_m: float = 0.12
    pattern: str = "plain"  # plain | stripes | bands | medallion
    stripe_count: int = 5
    fringe: bool = False
    fringe_length_m: float = 0.06


def sample_rug_params(rng: np.random.Generator, size: Size, category: str = "rug") -> RugParams:
    w, d, _ = size
    long_side, short_side = max(w, d), min(w, d)
    runner = long_side > 2.2 * short_side
    shape = "rectangle" if runner else pick(rng, ("rectangle", "round"), (0.75, 0.25))
    material = pick(rng, ("wool", "wool", "carpet", "cotton", "jute"))
    cols = [pick(rng, RUG_COLOURS) for _ in range(3)]
    return RugParams(
        category=category,
        shape=shape,
        material=material,
        field_colour=cols[0],
        border_colour=cols[1],
        accent_colour=cols[2],
        border=chance(rng, 0.6),
        border_width_m=uniform(rng, 0.04, 0.16),
        pattern=pick(rng, ("plain", "stripes", "bands", "medallion"), (0.3, 0.25, 0.2, 0.25)),
        stripe_count=int(rng.integers(3, 10)),
        fringe=shape == "rectangle" and chance(rng, 0.4 if material != "jute" else 0.2),
        fringe_length_m=uniform(rng, 0.04, 0.1),
    )


def _material(p: RugParams, colour: str) -> str:
    if p.material == "jute":
        return "jute" if colour == p.field_colour else f"{colour} cotton"
    return f"{colour} {p.material}"


def build_rug(params: RugParams, size: Size) -> list[Part]:
    """Parts of a rug of exactly ``size``."""
    w, d, h = (float(v) for v in size)
    p = params
    field_m, border_m, accent_m = (_material(p, c) for c in (p.field_colour, p.border_colour, p.accent_colour))
    if border_m == field_m:
        border_m = _material(p, "charcoal" if p.field_colour != "charcoal" else "cream")
    zb = 0.25 * h  # backing under the pile
    backing_m = "jute" if p.material == "jute" else "beige cotton"
    parts: list[Part] = []
    low = h * 0.85 if p.pattern == "medallion" else h  # carved rugs: a lower pile round the medallion
    if p.shape == "round":
        rx, ry = w / 2, d / 2
        parts.append(Part("backing", _disc(rx, ry, 0.0, zb), backing_m))
        bw = clamp(p.border_width_m, 0.02, 0.2 * min(rx, ry)) if p.border else 0.0
        if bw > 0:
            parts.append(Part("border", _ring(rx - bw, ry - bw, rx, ry, zb, h), border_m))
        fx, fy = rx - bw, ry - bw
        if p.pattern in ("stripes", "bands"):  # concentric rings alternating colours
            n = int(clamp(p.stripe_count, 2, 6))
            edges = [1.0 - k / n for k in range(n + 1)]
            for k in range(n):
                a, b = edges[k + 1], edges[k]
                mat = field_m if k % 2 == 0 else accent_m
                mesh = _ring(a * fx, a * fy, b * fx, b * fy, zb, h) if a > 0 else _disc(b * fx, b * fy, zb, h)
                parts.append(Part(f"ring_{k}" if a > 0 else "centre", mesh, mat))
        else:
            parts.append(Part("field", _disc(fx, fy, zb, low), field_m))
            if p.pattern == "medallion":
                parts.append(Part("medallion", _disc(0.4 * fx, 0.4 * fy, zb, h), accent_m))
        return parts
    # rectangle: fringe at the short ends
    along_x = w >= d
    L, S = (w, d) if along_x else (d, w)
    fl = clamp(p.fringe_length_m, 0.02, 0.08 * L) if p.fringe else 0.0
    body_L = L - 2 * fl
    bw = clamp(p.border_width_m, 0.02, 0.2 * S) if p.border else 0.0

    def rect(a0: float, a1: float, b0: float, b1: float, z1: float, z0: float = zb) -> trimesh.Trimesh:
        """Box over a0..a1 along the long side and b0..b1 across it."""
        if along_x:
            return box((a0, b0, z0), (a1, b1, z1))
        return box((b0, a0, z0), (b1, a1, z1))

    a_lo, a_hi, b_lo, b_hi = -body_L / 2, body_L / 2, -S / 2, S / 2
    parts.append(Part("backing", rect(a_lo, a_hi, b_lo, b_hi, zb, 0.0), backing_m))
    if bw > 0:
        band = [rect(a_lo, a_hi, b_lo, b_lo + bw, h), rect(a_lo, a_hi, b_hi - bw, b_hi, h),
                rect(a_lo, a_lo + bw, b_lo + bw, b_hi - bw, h), rect(a_hi - bw, a_hi, b_lo + bw, b_hi - bw, h)]
        parts.append(Part("border", merge(band), border_m))
        a_lo, a_hi, b_lo, b_hi = a_lo + bw, a_hi - bw, b_lo + bw, b_hi - bw
    if p.pattern == "stripes":  # stripes across the long side
        n = int(clamp(p.stripe_count, 2, 12)) * 2 + 1
        cuts = np.linspace(a_lo, a_hi, n + 1)
        field = [rect(cuts[k], cuts[k + 1], b_lo, b_hi, h) for k in range(0, n, 2)]
        accent = [rect(cuts[k], cuts[k + 1], b_lo, b_hi, h) for k in range(1, n, 2)]
        parts += [Part("field", merge(field), field_m), Part("stripes", merge(accent), accent_m)]
    elif p.pattern == "bands":  # a few bands along the long side
        n = int(clamp(p.stripe_count, 3, 7)) | 1
        cuts = np.linspace(b_lo, b_hi, n + 1)
        field = [rect(a_lo, a_hi, cuts[k], cuts[k + 1], h) for k in range(0, n, 2)]
        accent = [rect(a_lo, a_hi, cuts[k], cuts[k + 1], h) for k in range(1, n, 2)]
        parts += [Part("field", merge(field), field_m), Part("bands", merge(accent), accent_m)]
    else:
        parts.append(Part("field", rect(a_lo, a_hi, b_lo, b_hi, low), field_m))
        if p.pattern == "medallion":
            ra, rb = 0.28 * (a_hi - a_lo), 0.3 * (b_hi - b_lo)
            diamond = [(ra, 0.0), (0.0, rb), (-ra, 0.0), (0.0, -rb)]
            poly = diamond if along_x else [(y, x) for x, y in diamond]
            parts.append(Part("medallion", prism(poly, zb, h), accent_m))
    if fl > 0:
        strands = []
        pitch = 0.025
        k = max(2, int((S - 0.04) / pitch))
        zt = max(0.0015, 0.4 * h)
        for s in (-1.0, 1.0):
            a0, a1 = (body_L / 2 - 0.005, L / 2) if s > 0 else (-L / 2, -body_L / 2 + 0.005)
            for i in range(k):
                b = -S / 2 + 0.02 + (S - 0.04) * (i + 0.5) / k
                strands.append(rect(a0, a1, b - 0.003, b + 0.003, zt, 0.0))
        parts.append(Part("fringe", merge(strands), "off white cotton" if p.material != "jute" else "jute"))
    return parts


def rug_surfaces(params: RugParams, size: Size) -> list[Surface]:
    """A floor covering: furniture stands on it, small objects are not put on it."""
    return []


register_generator("rug", RugParams, build_rug, rug_surfaces, sample_rug_params)
