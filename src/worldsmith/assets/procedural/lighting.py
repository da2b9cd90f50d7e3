"""Lights: ceiling lights, pendants, chandeliers, ceiling fans, floor lamps and table lamps.

Glowing parts are named "bulb" (``bulb_<i>`` when there are several) and, for translucent shades
(fabric, paper, frosted glass), "shade", with the material "warm light"; opaque metal shades are
also named "shade" but keep their metal. Every bulb sits inside its shade (or cage). Ceiling pieces
reach z = h with a canopy. What varies:

- ceiling_light: a frosted dome on a base plate, a flat LED disc, a square LED panel, or a
  semi-flush bowl hung on a short stem below a canopy.
- pendant_light: cone, dome, bell, globe, drum or wire-cage shade; on a cord, a rod or a chain.
- chandelier: 4, 6 or 8 curved arms round a turned column with candle bulbs, small drum shades,
  or hanging crystal drops; or a "sputnik" of straight rods with globe bulbs; chain or rod.
- ceiling_fan: 3-5 paddle / tapered / leaf blades on blade irons round a motor housing, a downrod
  (or a flush "hugger"), with or without a light kit underneath.
- floor_lamp: a straight pole, an arc, a wooden tripod, or a torchiere uplighter; drum/cone shades.
- table_lamp: a vase, column, gourd or candlestick base under a drum, empire or bell shade, or an
  articulated desk lamp with a metal cone shade.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import trimesh

from ..parts import Part
from ..primitives import box, cylinder, lathe, merge, rotation_z, rounded_box, transformed
from ._shapes import (circle_loop, closed_mesh, ellipsoid, fit_exact, no_surfaces, revolve, rotation_x, sheet, sweep,
                      translation)
from .params import chance, clamp, pick, register_generator, uniform

Size = tuple[float, float, float]
LIGHT = "warm light"
METALS = ("brass", "black metal", "brushed steel", "chrome", "gold", "copper", "white painted metal")
SHADE_TRIMS = ("white fabric", "cream linen", "beige linen", "navy fabric", "charcoal fabric", "brass", "gold",
               "sage linen", "terracotta linen", "mustard velvet")


def _lathe(profile: Sequence[tuple[float, float]], sections: int = 16, center: Sequence[float] = (0.0, 0.0, 0.0),
           scale_xy: tuple[float, float] = (1.0, 1.0)) -> trimesh.Trimesh:
    """``lathe`` turned outward whatever the profile's direction."""
    m = lathe(profile, sections, center, scale_xy=scale_xy)
    return closed_mesh(m.vertices, m.faces)


def _shell(outer: Sequence[tuple[float, float]], t: float, sections: int = 20, center=(0.0, 0.0, 0.0),
           scale_xy: tuple[float, float] = (1.0, 1.0)) -> trimesh.Trimesh:
    """A thin shade of thickness ``t`` under the (radius, height) curve ``outer``, given from its
    closed end on the axis to its open rim (a pendant shade opening downwards, or a bowl opening
    upwards). The inner surface is the outer one offset by ``t`` along its normal."""
    pts = np.asarray(outer, dtype=float)
    down = pts[-1, 1] < pts[0, 1]
    tan = np.empty_like(pts)
    tan[1:-1] = pts[2:] - pts[:-2]
    tan[0], tan[-1] = pts[1] - pts[0], pts[-1] - pts[-2]
    tan /= np.maximum(np.linalg.norm(tan, axis=1, keepdims=True), 1e-12)
    nrm = np.column_stack([tan[:, 1], -tan[:, 0]]) if down else np.column_stack([-tan[:, 1], tan[:, 0]])
    inner = pts + t * nrm
    inner[:, 0] = np.maximum(inner[:, 0], 1e-4)
    prof = [(0.0, float(pts[0, 1]))] + [tuple(q) for q in pts[1:]] + [tuple(q) for q in inner[:0:-1]]
    prof.append((0.0, float(pts[0, 1] + (-t if down else t))))
    return _lathe(prof, sections, center, scale_xy)


def _ring(r_in_0: float, r_out_0: float, r_in_1: float, r_out_1: float, z0: float, z1: float, sections: int = 24,
          center=(0.0, 0.0, 0.0), scale_xy=(1.0, 1.0)) -> trimesh.Trimesh:
    """An open tube (drum / cone shade wall) from z0 to z1."""
    return revolve([(r_in_0, z0), (r_out_0, z0), (r_out_1, z1), (r_in_1, z1)], sections, center, "z", scale_xy)


def _bulb(x: float, y: float, z_base: float, r: float, kind: str = "a19", sections: int = 12) -> trimesh.Trimesh:
    """A light bulb standing on its base at ``z_base`` (kind a19 | globe | flame | edison), or hanging
    from it when ``r`` < 0."""
    down = r < 0
    r = abs(r)
    if kind == "globe":
        prof = [(0.0, 0.0), (0.35 * r, 0.0), (0.35 * r, 0.25 * r)]
        prof += [(r * math.sin(math.pi * k / 6), 0.25 * r + r * (1 - math.cos(math.pi * k / 6))) for k in range(1, 6)]
        prof += [(0.0, 2.25 * r)]
    elif kind == "flame":
        prof = [(0.0, 0.0), (0.5 * r, 0.0), (0.9 * r, 0.6 * r), (r, 1.1 * r), (0.7 * r, 1.9 * r), (0.25 * r, 2.5 * r),
                (0.0, 2.8 * r)]
    elif kind == "edison":
        prof = [(0.0, 0.0), (0.4 * r, 0.0), (0.45 * r, 0.5 * r), (0.85 * r, 1.3 * r), (r, 2.0 * r), (0.9 * r, 2.7 * r),
                (0.5 * r, 3.1 * r), (0.0, 3.25 * r)]
    else:
        prof = [(0.0, 0.0), (0.4 * r, 0.0), (0.45 * r, 0.4 * r), (0.85 * r, 0.9 * r), (r, 1.5 * r), (0.85 * r, 2.1 * r),
                (0.45 * r, 2.4 * r), (0.0, 2.5 * r)]
    if down:
        top = prof[-1][1]
        prof = [(rr, top - zz) for rr, zz in reversed(prof)]
        return _lathe(prof, sections, (x, y, z_base - top))
    return _lathe(prof, sections, (x, y, z_base))


def _bulb_height(r: float, kind: str) -> float:
    return abs(r) * {"globe": 2.25, "flame": 2.8, "edison": 3.25}.get(kind, 2.5)


def _canopy(r: float, t: float, h: float, material: str, scale_xy=(1.0, 1.0)) -> Part:
    """The ceiling canopy: a shallow dome whose flat top is at z = h."""
    prof = [(0.0, h - t), (0.55 * r, h - t), (0.9 * r, h - 0.6 * t), (r, h - 0.15 * t), (r, h), (0.0, h)]
    return Part("canopy", _lathe(prof, 20, scale_xy=scale_xy), material)


def _chain(z_top: float, z_bot: float, r_link: float, material: str) -> trimesh.Trimesh:
    """Interlocking oval links hanging down the axis from ``z_top`` to ``z_bot``."""
    link_h = 3.2 * r_link
    n = max(1, int((z_top - z_bot) / (link_h * 0.78)))
    step = (z_top - z_bot - link_h) / max(n - 1, 1) if n > 1 else 0.0
    links = []
    wire = 0.22 * r_link
    for k in range(n):
        zc = z_top - link_h / 2 - k * step
        t = np.linspace(0, 2 * math.pi, 12, endpoint=False)
        loop = np.column_stack([r_link * np.cos(t), np.zeros(12), zc + link_h / 2 * np.sin(t) * 0.9])
        m = sweep(loop, wire, 4, closed=True, up=(0.0, 1.0, 0.0))
        if k % 2:
            m = transformed(m, rotation_z(90.0))
        links.append(m)
    return merge(links)


def _ellipse_scale(w: float, d: float) -> tuple[float, float]:
    m = min(w, d)
    return (w / m, d / m)


def _quarter_arc(r: float, z0: float, dz: float, n: int = 6, power: float = 1.0) -> list[tuple[float, float]]:
    """(radius, height) points k = 1..n of a quarter ellipse leaving the axis at height ``z0`` and
    reaching radius ``r`` at ``z0 + dz`` (a dome, bowl or shade outline; ``power`` < 1 flattens it)."""
    qs = [math.pi / 2 * k / n for k in range(1, n + 1)]
    return [(r * math.sin(q) ** power, z0 + dz * (1 - math.cos(q))) for q in qs]


# ---------------------------------------------------------------------------------------------
# ceiling light
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CeilingLightParams:
    category: str = "ceiling_light"
    style: str = "dome"  # dome | disc | square | semi_flush
    metal: str = "brushed steel"
    finial: bool = True  # a small knob under a dome


def sample_ceiling_light_params(rng: np.random.Generator, size: Size,
                                category: str = "ceiling_light") -> CeilingLightParams:
    """Style (semi-flush only when the box is tall enough) and metal."""
    w, d, h = size
    styles = ("dome", "disc", "square", "semi_flush") if h >= 0.1 else ("dome", "disc", "square")
    return CeilingLightParams(category=category, style=pick(rng, styles), metal=pick(rng, METALS),
                              finial=chance(rng, 0.5))


def build_ceiling_light(params: CeilingLightParams, size: Size) -> list[Part]:
    """A flush or semi-flush ceiling light, its base on the ceiling at z = h."""
    w, d, h = (float(v) for v in size)
    p = params
    s = _ellipse_scale(w, d)
    R = min(w, d) / 2.0
    parts: list[Part] = []
    style = p.style if (p.style != "semi_flush" or h >= 0.08) else "dome"
    if style == "dome":
        plate_t = clamp(0.15 * h, 0.008, 0.025)
        knob = clamp(0.15 * h, 0.008, 0.02) if p.finial else 0.0
        dh = h - plate_t - knob
        parts.append(Part("canopy", _lathe([(0.0, h - plate_t), (R, h - plate_t), (R, h), (0.0, h)], 24, scale_xy=s),
                          p.metal))
        prof = [(0.0, knob)] + _quarter_arc(0.96 * R, knob, dh)
        prof.append((0.0, knob + dh + 0.001))
        parts.append(Part("shade", _lathe(prof, 24, scale_xy=s), LIGHT))
        br = min(0.3 * R, 0.35 * dh)
        parts.append(Part("bulb", _bulb(0.0, 0.0, h - plate_t, -br, "globe"), LIGHT))
        if knob > 0:
            parts.append(Part("finial", _lathe([(0.0, 0.0), (0.6 * knob, 0.2 * knob), (0.8 * knob, knob + 0.002),
                                                (0.0, knob + 0.002)], 12), p.metal))
    elif style in ("disc", "square"):
        rim_t = clamp(0.006, 0.002, 0.1 * R)
        diff_t = clamp(0.25 * h, 0.004, 0.02)
        if style == "disc":
            parts.append(Part("housing", _ring(R - rim_t, R, R - rim_t, R, 0.0, h, 32, scale_xy=s), p.metal))
            parts.append(Part("canopy", _lathe([(0.0, h - 0.004), (R - rim_t * 0.5, h - 0.004), (R - rim_t * 0.5, h),
                                                (0.0, h)], 32, scale_xy=s), p.metal))
            parts.append(Part("shade", _lathe([(0.0, 0.0015), (R - rim_t * 0.5, 0.0015), (R - rim_t * 0.5, diff_t),
                                               (0.0, diff_t)], 32, scale_xy=s), LIGHT))
            # the LED board glows inside the diffuser
            z0, z1 = 0.35 * diff_t, 0.75 * diff_t
            parts.append(Part("bulb", _lathe([(0.0, z0), (0.75 * R, z0), (0.75 * R, z1), (0.0, z1)], 24, scale_xy=s),
                              LIGHT))
        else:
            hw, hd = w / 2, d / 2
            parts.append(Part("housing", rounded_box((-hw, -hd, 0.002), (hw, hd, h - 0.003), min(0.01, 0.4 * h), 1),
                              p.metal))
            parts.append(Part("canopy", box((-0.9 * hw, -0.9 * hd, h - 0.006), (0.9 * hw, 0.9 * hd, h)), p.metal))
            parts.append(Part("shade", rounded_box((-hw + rim_t, -hd + rim_t, 0.0), (hw - rim_t, hd - rim_t, diff_t),
                                                   0.002, 1), LIGHT))
            board = rounded_box((-0.6 * hw, -0.6 * hd, 0.3 * diff_t), (0.6 * hw, 0.6 * hd, 0.7 * diff_t), 0.0005, 1)
            parts.append(Part("bulb", board, LIGHT))
    else:  # semi-flush: canopy, a short stem and a bowl
        ct = clamp(0.12 * h, 0.012, 0.025)
        cr = clamp(0.35 * R, 0.05, 0.12)
        parts.append(_canopy(cr, ct, h, p.metal))
        bowl_h = clamp(0.55 * h, 0.04, 0.14)
        stem_bottom = bowl_h * 0.9
        parts.append(Part("stem", cylinder((0.0, 0.0, 0.0), 0.006, stem_bottom, h - ct + 0.002, 12), p.metal))
        outer = [(0.0, 0.0)] + _quarter_arc(R, 0.0, bowl_h)
        parts.append(Part("shade", _shell(outer, 0.004, 24, scale_xy=s), LIGHT))
        br = clamp(0.25 * R, 0.02, 0.5 * bowl_h)
        parts.append(Part("bulb", _bulb(0.0, 0.0, stem_bottom, -min(br, 0.4 * stem_bottom), "a19"), LIGHT))
        arms = []
        for k in range(3):
            a = 2 * math.pi * k / 3
            pts = [(0.0, 0.0, stem_bottom + 0.004), (0.9 * R * math.cos(a) * s[0], 0.9 * R * math.sin(a) * s[1],
                                                    bowl_h * 0.95)]
            arms.append(sweep(pts, 0.003, 4))
        parts.append(Part("hanger_arms", merge(arms), p.metal))
    return fit_exact(parts, size)


register_generator("ceiling_light", CeilingLightParams, build_ceiling_light, no_surfaces, sample_ceiling_light_params)


# ---------------------------------------------------------------------------------------------
# pendant light
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PendantLightParams:
    category: str = "pendant_light"
    shade: str = "cone"  # cone | dome | bell | globe | drum | cage
    suspension: str = "cord"  # cord | rod | chain
    shade_material: str = "black metal"  # opaque shades (cone/dome/bell/cage); globe/drum glow
    trim_material: str = "brass"
    shade_height_frac: float = 0.7  # shade height / shade width
    canopy_material: str = "black metal"
    bulb: str = "a19"  # a19 | globe | edison


def sample_pendant_light_params(rng: np.random.Generator, size: Size,
                                category: str = "pendant_light") -> PendantLightParams:
    """Shade shape and material, suspension, bulb type."""
    shade = pick(rng, ("cone", "dome", "bell", "globe", "drum", "cage"))
    metal = pick(rng, ("black metal", "brass", "copper", "white painted metal", "sage painted metal",
                       "navy painted metal", "brushed steel", "terracotta painted metal", "mustard painted metal"))
    return PendantLightParams(
        category=category,
        shade=shade,
        suspension=pick(rng, ("cord", "rod", "chain"), (0.55, 0.3, 0.15)),
        shade_material=metal if shade in ("cone", "dome", "bell", "cage") else LIGHT,
        trim_material=pick(rng, SHADE_TRIMS),
        shade_height_frac=uniform(rng, 0.45, 1.0),
        canopy_material=pick(rng, ("black metal", "brass", "white painted metal", "brushed steel")),
        bulb="edison" if shade == "cage" else pick(rng, ("a19", "globe", "edison")),
    )


def _shade_parts(kind: str, R: float, sh: float, z0: float, s: tuple[float, float], material: str,
                 trim: str, bulb_kind: str, prefix: str = "") -> tuple[list[Part], float]:
    """A pendant-style shade occupying z0..z0+sh (radius R, x/y stretch ``s``), its bulb hanging
    inside; returns the parts and the height of the shade's top (where the cord enters)."""
    parts: list[Part] = []
    top = z0 + sh
    t = clamp(0.02 * R, 0.0015, 0.004)
    if kind == "cone":
        rt = 0.18 * R
        outer = [(rt, top), (0.5 * (rt + R), z0 + 0.45 * sh), (R, z0)]
        parts.append(Part(f"{prefix}shade", _shell([(0.0, top)] + outer, t, 24, scale_xy=s), material))
        bz = top - 0.12 * sh
    elif kind == "dome":
        outer = [(R * math.sin(math.pi / 2 * k / 8), z0 + sh * math.cos(math.pi / 2 * k / 8)) for k in range(0, 9)]
        outer[0] = (0.0, top)
        parts.append(Part(f"{prefix}shade", _shell(outer, t, 24, scale_xy=s), material))
        bz = top - 0.1 * sh
    elif kind == "bell":
        outer = [(0.0, top), (0.25 * R, top), (0.32 * R, z0 + 0.8 * sh), (0.45 * R, z0 + 0.45 * sh),
                 (0.8 * R, z0 + 0.15 * sh), (R, z0)]
        parts.append(Part(f"{prefix}shade", _shell(outer, t, 24, scale_xy=s), material))
        bz = top - 0.1 * sh
    elif kind == "globe":
        rz = sh / 2
        parts.append(Part(f"{prefix}shade", ellipsoid((0.0, 0.0, z0 + rz), (R * s[0], R * s[1], rz), 24, 10), material))
        collar = cylinder((0.0, 0.0, 0.0), 0.25 * R, top - 0.02 * sh, top + 0.01, 16)
        parts.append(Part(f"{prefix}collar", collar, trim))
        bz = z0 + rz + 0.35 * min(R, rz)
    elif kind == "drum":
        parts.append(Part(f"{prefix}shade", _ring(R - t, R, R - t, R, z0, top, 32, scale_xy=s), material))
        tt = clamp(0.03 * sh, 0.004, 0.012)
        parts.append(Part(f"{prefix}trim_0", _ring(R - t * 0.5, R + 0.002, R - t * 0.5, R + 0.002, z0, z0 + tt, 32,
                                                  scale_xy=s), trim))
        parts.append(Part(f"{prefix}trim_1", _ring(R - t * 0.5, R + 0.002, R - t * 0.5, R + 0.002, top - tt, top, 32,
                                                  scale_xy=s), trim))
        zd = z0 + 0.02 * sh
        parts.append(Part(f"{prefix}diffuser", _lathe([(0.0, zd), (R - t, zd), (R - t, zd + 0.002), (0.0, zd + 0.002)],
                                                      24, scale_xy=s), LIGHT))
        spokes = [sweep([(0.0, 0.0, top - 0.01), ((R - t) * math.cos(a) * s[0], (R - t) * math.sin(a) * s[1],
                                                  top - 0.01)], 0.002, 4)
                  for a in (0.0, math.pi / 2, math.pi, 1.5 * math.pi)]
        parts.append(Part(f"{prefix}spider", merge(spokes), trim if "metal" in trim or trim in ("brass", "gold")
                          else "brass"))
        bz = top - 0.2 * sh
    else:  # cage
        bars = []
        n = 8
        for k in range(n):
            a = 2 * math.pi * k / n
            rq = [R * math.sin(math.pi * q / 8) for q in range(9)]
            pts = [(rq[q] * math.cos(a) * s[0], rq[q] * math.sin(a) * s[1], top - sh * q / 8) for q in range(9)]
            pts[0] = (0.18 * R * math.cos(a) * s[0], 0.18 * R * math.sin(a) * s[1], top)
            pts[-1] = (0.18 * R * math.cos(a) * s[0], 0.18 * R * math.sin(a) * s[1], z0)
            bars.append(sweep(pts, 0.0025, 4))
        for zz in (z0 + 0.5 * sh,):
            bars.append(revolve(circle_loop(R - 0.0025, zz, 0.0025, 4), 24, scale_xy=s))
        bars.append(revolve(circle_loop(0.18 * R, top, 0.003, 4), 12))
        bars.append(revolve(circle_loop(0.18 * R, z0, 0.003, 4), 12))
        parts.append(Part(f"{prefix}cage", merge(bars), material))
        bz = top - 0.05 * sh
    # socket and bulb hanging inside
    sock_h = clamp(0.12 * sh, 0.015, 0.05)
    room = (bz - z0) - sock_h
    br = clamp(0.28 * R, 0.01, room / (_bulb_height(1.0, bulb_kind) + 0.3))
    parts.append(Part(f"{prefix}socket", cylinder((0.0, 0.0, 0.0), max(0.35 * br, 0.006), bz - sock_h, top - 0.001, 12),
                      "black metal" if kind != "drum" else "brass"))
    parts.append(Part(f"{prefix}bulb", _bulb(0.0, 0.0, bz - sock_h, -br, bulb_kind), LIGHT))
    return parts, top


def build_pendant_light(params: PendantLightParams, size: Size) -> list[Part]:
    """Canopy on the ceiling (z = h), a cord / rod / chain, and the shade at the bottom."""
    w, d, h = (float(v) for v in size)
    p = params
    s = _ellipse_scale(w, d)
    R = min(w, d) / 2.0
    ct = clamp(0.03, 0.015, 0.08 * h)
    cr = clamp(0.06, 0.03, R)
    parts = [_canopy(cr, ct, h, p.canopy_material, (min(s[0], R / cr), min(s[1], R / cr)) if cr < R else s)]
    kind = p.shade
    sh = clamp(p.shade_height_frac * 2 * R, 0.08, h - ct - 0.04)
    if kind == "globe":
        sh = clamp(2 * R, 0.08, h - ct - 0.04)
    shade, top = _shade_parts(kind, R, sh, 0.0, s, p.shade_material, p.trim_material, p.bulb)
    parts += shade
    z_hang = h - ct + 0.002
    if p.suspension == "rod":
        parts.append(Part("rod", cylinder((0.0, 0.0, 0.0), 0.008, top - 0.005, z_hang, 12), p.canopy_material))
    elif p.suspension == "chain" and z_hang - top > 0.06:
        parts.append(Part("chain", _chain(z_hang, top, clamp(0.012, 0.006, 0.2 * R), p.canopy_material),
                          p.canopy_material))
        parts.append(Part("cord", cylinder((0.0, 0.0, 0.0), 0.002, top - 0.005, z_hang, 8), "black plastic"))
    else:
        parts.append(Part("cord", cylinder((0.0, 0.0, 0.0), 0.0035, top - 0.005, z_hang, 8), "black plastic"))
    return fit_exact(parts, size)


register_generator("pendant_light", PendantLightParams, build_pendant_light, no_surfaces, sample_pendant_light_params)


# ---------------------------------------------------------------------------------------------
# chandelier
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChandelierParams:
    category: str = "chandelier"
    style: str = "candle"  # candle | shaded | crystal | sputnik
    arms: int = 6  # 4 | 6 | 8 (sputnik: rods)
    tiers: int = 1  # 1 | 2 (a smaller upper ring of arms)
    metal: str = "brass"
    suspension: str = "chain"  # chain | rod
    shade_material: str = "cream linen"  # trims of the small shades
    droop: float = 0.35  # how far the arms dip before rising to the cups (fraction of the arm span)


def sample_chandelier_params(rng: np.random.Generator, size: Size, category: str = "chandelier") -> ChandelierParams:
    """Style, arm count and tiers, metal, suspension."""
    style = pick(rng, ("candle", "shaded", "crystal", "sputnik"))
    return ChandelierParams(
        category=category,
        style=style,
        arms=int(pick(rng, (4, 6, 8))) if style != "sputnik" else int(pick(rng, (8, 12, 16))),
        tiers=2 if style in ("candle", "crystal") and chance(rng, 0.35) else 1,
        metal=pick(rng, ("brass", "gold", "black metal", "chrome", "brushed steel", "cast iron")),
        suspension=pick(rng, ("chain", "rod")),
        shade_material=pick(rng, SHADE_TRIMS),
        droop=uniform(rng, 0.15, 0.5),
    )


def _arm_angles(n: int) -> list[float]:
    """Arm directions whose bounding box is centred and square (0 deg for 4 and 8, 15 deg for 6)."""
    off = 15.0 if n % 4 else 0.0
    return [math.radians(off + 360.0 * k / n) for k in range(n)]


def build_chandelier(params: ChandelierParams, size: Size) -> list[Part]:
    """Canopy and chain/rod, a turned column, arms with cups, candle bulbs (shaded or with drops)."""
    w, d, h = (float(v) for v in size)
    p = params
    s = _ellipse_scale(w, d)
    R = min(w, d) / 2.0
    parts: list[Part] = []
    ct = clamp(0.04, 0.02, 0.08 * h)
    parts.append(_canopy(clamp(0.08, 0.04, 0.5 * R), ct, h, p.metal))
    body_h = min(0.75 * h, 0.9 * R + 0.2)  # the chandelier body below the chain
    z_body_top = body_h
    z_hang = h - ct + 0.003
    if p.style == "sputnik":
        zc = 0.5 * body_h
        core = clamp(0.08 * R, 0.03, 0.09)
        parts.append(Part("core", ellipsoid((0.0, 0.0, zc), (core, core, core), 16, 8), p.metal))
        n = int(clamp(p.arms, 6, 24))
        br = clamp(0.07 * R, 0.015, 0.04)
        rods, bulbs = [], []
        ga = math.pi * (3 - math.sqrt(5))
        vz = 0.5 * body_h - br
        ends = []
        for k in range(n):
            z = 0.8 - 1.6 * (k + 0.5) / n
            rad = math.sqrt(1 - z * z)
            a = ga * k
            ends.append((rad * math.cos(a), rad * math.sin(a), z))
        ends = np.asarray(ends)
        ends[:, 0] *= (w / 2 - br) / np.abs(ends[:, 0]).max()
        ends[:, 1] *= (d / 2 - br) / np.abs(ends[:, 1]).max()
        ends[:, 2] = zc + ends[:, 2] * vz
        for end in ends:
            rods.append(sweep([(0.0, 0.0, zc), tuple(end * 0.97 + np.array([0, 0, zc * 0.03]))], 0.004, 4))
            bulbs.append(ellipsoid(tuple(end), (br, br, br), 10, 5))
        parts.append(Part("rods", merge(rods), p.metal))
        for k, b in enumerate(bulbs):
            parts.append(Part(f"bulb_{k}", b, LIGHT))
        z_body_top = zc + core
        # bottom point: a small finial so the lowest point is under the core
        parts.append(Part("finial", _lathe([(0.0, 0.0), (0.3 * core, 0.3 * core), (0.5 * core, zc), (0.0, zc)], 12),
                          p.metal))
    else:
        col_r = clamp(0.06 * R, 0.018, 0.05)
        prof = [(0.0, 0.0), (0.2 * col_r, 0.0), (0.6 * col_r, 0.06 * body_h), (1.2 * col_r, 0.2 * body_h),
                (col_r, 0.3 * body_h), (0.5 * col_r, 0.4 * body_h), (0.6 * col_r, 0.75 * body_h),
                (0.9 * col_r, 0.9 * body_h), (0.5 * col_r, body_h), (0.0, body_h)]
        parts.append(Part("column", _lathe(prof, 16), p.metal))
        tiers = [(1.0, 0.25 * body_h)] + ([(0.6, 0.62 * body_h)] if p.tiers == 2 else [])
        k_bulb = 0
        drops = []
        for ti, (frac, z_a) in enumerate(tiers):
            n = int(p.arms) if p.arms in (4, 6, 8) else 6
            if ti == 1:
                n = max(4, n - 2) if n != 6 else 4
            cup_r = clamp(0.06 * R, 0.025, 0.05)
            shade_r = clamp(0.14 * R, 0.05, 0.1) if p.style == "shaded" else 0.0
            reach = frac * (R - max(cup_r, shade_r))
            cup_z = z_a + clamp(0.12 * body_h, 0.03, 0.15)
            arms = []
            for a in _arm_angles(n):
                ca, sa = math.cos(a), math.sin(a)
                pts = []
                for q in range(9):
                    t = q / 8
                    rr = 1.2 * col_r + (reach - 1.2 * col_r) * t
                    zz = z_a + (cup_z - z_a) * t ** 2 - clamp(p.droop, 0.0, 0.8) * (reach * 0.5) * math.sin(math.pi * t)
                    pts.append((rr * ca * s[0], rr * sa * s[1], max(zz, 0.02)))
                arms.append(sweep(pts, clamp(0.012 * R, 0.004, 0.009), 6))
                x, y = reach * ca * s[0], reach * sa * s[1]
                arms.append(_lathe([(0.0, cup_z - 0.012), (0.3 * cup_r, cup_z - 0.012), (cup_r, cup_z),
                                    (cup_r, cup_z + 0.005), (0.0, cup_z + 0.005)], 12, (x, y, 0.0)))
                sleeve_h = clamp(0.12 * body_h, 0.03, 0.09)
                sr = 0.011
                parts.append(Part(f"candle_{k_bulb}", cylinder((x, y, 0.0), sr, cup_z + 0.004, cup_z + sleeve_h, 12),
                                  "ivory ceramic" if p.style != "crystal" else "candle wax"))
                fr = 0.011
                parts.append(Part(f"bulb_{k_bulb}", _bulb(x, y, cup_z + sleeve_h, fr, "flame", 8), LIGHT))
                if p.style == "shaded":
                    z0s = cup_z + 0.2 * sleeve_h
                    top_s = cup_z + sleeve_h + _bulb_height(fr, "flame") + 0.015
                    parts.append(Part(f"shade_{k_bulb}", _ring(shade_r - 0.002, shade_r, 0.6 * shade_r - 0.002,
                                                               0.6 * shade_r, z0s, top_s, 16, (x, y, 0.0)), LIGHT))
                    parts.append(Part(f"shade_trim_{k_bulb}", _ring(shade_r - 0.001, shade_r + 0.002, shade_r - 0.001,
                                                                    shade_r + 0.002, z0s, z0s + 0.006, 16, (x, y, 0.0)),
                                      p.shade_material))
                if p.style == "crystal":
                    for fx in (0.45, 1.0):
                        dx, dy = reach * fx * ca * s[0], reach * fx * sa * s[1]
                        zt = (cup_z - 0.012) if fx == 1.0 else z_a - 0.5 * clamp(p.droop, 0.0, 0.8) * reach * 0.5
                        drops.append(_drop(dx, dy, zt, clamp(0.018 * R + 0.008, 0.01, 0.025)))
                k_bulb += 1
            parts.append(Part(f"arms_{ti}", merge(arms), p.metal))
        if drops:
            drops.append(_drop(0.0, 0.0, 0.06 * body_h, clamp(0.03 * R, 0.012, 0.03)))
            parts.append(Part("crystals", merge(drops), "clear glass"))
    # chain / rod down to the body
    if p.suspension == "rod" or z_hang - z_body_top < 0.08:
        parts.append(Part("rod", cylinder((0.0, 0.0, 0.0), 0.01, z_body_top - 0.01, z_hang, 12), p.metal))
    else:
        parts.append(Part("chain", _chain(z_hang, z_body_top - 0.005, clamp(0.015, 0.008, 0.04 * R), p.metal), p.metal))
    return fit_exact(parts, size)


def _drop(x: float, y: float, z_top: float, size: float) -> trimesh.Trimesh:
    """A crystal prism drop hanging from ``z_top`` (an octahedral pendeloque)."""
    lz = 2.2 * size
    z0 = max(z_top - lz, 0.0)
    lz = z_top - z0
    return lathe([(0.0, 0.0), (0.35 * size, 0.45 * lz), (0.1 * size, lz), (0.0, lz)], 4, (x, y, z0))


register_generator("chandelier", ChandelierParams, build_chandelier, no_surfaces, sample_chandelier_params)


# ---------------------------------------------------------------------------------------------
# ceiling fan
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CeilingFanParams:
    category: str = "ceiling_fan"
    blades: int = 5  # 3 | 4 | 5
    blade_shape: str = "paddle"  # paddle | tapered | leaf
    blade_material: str = "walnut wood"
    metal: str = "brushed steel"
    light_kit: bool = True
    blade_pitch_deg: float = 12.0
    motor_shape: str = "drum"  # drum | bowl


def sample_ceiling_fan_params(rng: np.random.Generator, size: Size, category: str = "ceiling_fan") -> CeilingFanParams:
    """Blade count and shape, materials, light kit, motor shape."""
    shape = pick(rng, ("paddle", "tapered", "leaf"), (0.45, 0.35, 0.2))
    blade_mat = ("rattan" if shape == "leaf" and chance(rng, 0.5) else
                 pick(rng, ("walnut wood", "oak wood", "white painted wood", "black painted wood", "cherry wood",
                            "bamboo", "brushed steel", "white plastic")))
    return CeilingFanParams(
        category=category,
        blades=int(pick(rng, (3, 4, 5))),
        blade_shape=shape,
        blade_material=blade_mat,
        metal=pick(rng, ("brushed steel", "black metal", "brass", "white painted metal", "copper", "chrome")),
        light_kit=chance(rng, 0.55),
        blade_pitch_deg=uniform(rng, 8.0, 14.0),
        motor_shape=pick(rng, ("drum", "bowl")),
    )


def _blade(shape: str, r0: float, r1: float, width: float, t: float, pitch: float) -> trimesh.Trimesh:
    """One blade along +X from r0 to r1 (centred on y = 0, z = 0), pitched about its long axis."""
    if shape == "paddle":
        mesh = rounded_box((r0, -width / 2, -t / 2), (r1, width / 2, t / 2), min(0.5 * t, 0.02), 1)
    else:
        n = 10
        u = np.linspace(0.0, 1.0, n)
        if shape == "tapered":
            half = width / 2 * (0.55 + 0.45 * u)
            half[-1] *= 0.9
        else:  # leaf: a pointed oval (a palm / rattan leaf blade)
            half = width / 2 * np.sin(np.pi * (0.08 + 0.84 * u)) ** 0.7 * 1.15
        x = r0 + (r1 - r0) * u
        nv = 3
        v = np.linspace(-1.0, 1.0, nv)
        front = np.empty((n, nv, 3))
        back = np.empty((n, nv, 3))
        for i in range(n):
            front[i, :, 0] = back[i, :, 0] = x[i]
            front[i, :, 1] = back[i, :, 1] = v * half[i]
            front[i, :, 2] = t / 2 - (0.004 * (1 - v ** 2) if shape == "leaf" else 0.0)
            back[i, :, 2] = -t / 2 - (0.004 * (1 - v ** 2) if shape == "leaf" else 0.0)
        mesh = sheet(front, back)
    return transformed(mesh, rotation_x(pitch))


def build_ceiling_fan(params: CeilingFanParams, size: Size) -> list[Part]:
    """Canopy on the ceiling, downrod, motor, blades on blade irons, optional light kit at the bottom."""
    w, d, h = (float(v) for v in size)
    p = params
    parts: list[Part] = []
    ct = clamp(0.06, 0.03, 0.15 * h)
    parts.append(_canopy(0.075, ct, h, p.metal))
    kit_h = clamp(0.3 * h, 0.07, 0.12) if p.light_kit else 0.015
    motor_h = clamp(0.35 * h, 0.08, 0.16)
    motor_r = clamp(0.12 * min(w, d), 0.09, 0.14)
    z_m0 = kit_h
    z_m1 = z_m0 + motor_h
    room = h - ct - z_m1
    if room < 0.01:  # a hugger: the motor sits right under the canopy
        motor_h = h - ct - kit_h + 0.01
        z_m1 = z_m0 + motor_h
    else:
        parts.append(Part("downrod", cylinder((0.0, 0.0, 0.0), 0.012, z_m1 - 0.005, h - ct + 0.005, 12), p.metal))
    if p.motor_shape == "bowl":
        prof = [(0.0, z_m0), (0.45 * motor_r, z_m0), (0.85 * motor_r, z_m0 + 0.25 * motor_h),
                (motor_r, z_m0 + 0.5 * motor_h), (0.9 * motor_r, z_m0 + 0.8 * motor_h), (0.35 * motor_r, z_m1),
                (0.0, z_m1)]
    else:
        prof = [(0.0, z_m0), (0.8 * motor_r, z_m0), (motor_r, z_m0 + 0.2 * motor_h), (motor_r, z_m0 + 0.75 * motor_h),
                (0.4 * motor_r, z_m1), (0.0, z_m1)]
    parts.append(Part("motor_housing", _lathe(prof, 24), p.metal))
    # blades: radius chosen to fill the box, angles whose extents are square
    n = int(p.blades) if p.blades in (3, 4, 5) else 4
    offs = {3: 15.0, 4: 0.0, 5: 9.0}[n]  # extents equal along x and y
    zb = z_m0 + 0.45 * motor_h
    R = min(w, d) / 2.0  # blade sizes follow the smaller side
    bw = clamp(0.1 * R + 0.06, 0.1, 0.17) if p.blade_shape != "leaf" else clamp(0.2 * R + 0.04, 0.12, 0.22)
    r0 = motor_r + 0.06
    pitch = clamp(p.blade_pitch_deg, 0.0, 20.0)
    def tip(a_deg: float) -> float:  # blade tips on the ellipse of the box
        a = math.radians(a_deg)
        return 1.0 / math.hypot(math.cos(a) / (w / 2), math.sin(a) / (d / 2))

    def make_blades(scale: float) -> list[trimesh.Trimesh]:
        out = []
        for k in range(n):
            a = offs + 360.0 * k / n
            blade = _blade(p.blade_shape, r0, r0 + (tip(a) - r0) * scale, bw, 0.008, pitch)
            out.append(transformed(blade, translation(0.0, 0.0, zb - 0.012) @ rotation_z(a)))
        return out

    blades = make_blades(1.0)
    ext = np.ptp(np.concatenate([b.vertices for b in blades])[:, :2], axis=0)
    blades = make_blades(min(w / ext[0], d / ext[1]) ** 1.1)
    irons = []
    for k in range(n):
        iron = rounded_box((0.6 * motor_r, -0.018, -0.004), (r0 + 0.12, 0.018, 0.004), 0.003, 1)
        irons.append(transformed(iron, translation(0.0, 0.0, zb - 0.004) @ rotation_z(offs + 360.0 * k / n)))
    for k, b in enumerate(blades):
        parts.append(Part(f"blade_{k}", b, p.blade_material))
    parts.append(Part("blade_irons", merge(irons), p.metal))
    if p.light_kit:
        kr = clamp(0.65 * motor_r, 0.06, 0.1)
        housing = _ring(kr - 0.004, kr + 0.004, kr - 0.004, 0.7 * motor_r, 0.55 * kit_h, kit_h + 0.004, 20)
        parts.append(Part("light_housing", housing, p.metal))
        outer = [(0.0, 0.0)] + _quarter_arc(kr, 0.0, 0.6 * kit_h, 5)
        parts.append(Part("shade", _lathe(outer + [(0.0, 0.6 * kit_h)], 20), LIGHT))
        parts.append(Part("bulb", _bulb(0.0, 0.0, 0.55 * kit_h, -min(0.3 * kr, 0.5 * kit_h / 2.25), "globe"), LIGHT))
    else:
        parts.append(Part("cap", _lathe([(0.0, 0.0), (0.2 * motor_r, 0.0), (0.35 * motor_r, 0.02), (0.0, 0.02)], 12,
                                        (0.0, 0.0, z_m0 - 0.015)), p.metal))
    return fit_exact(parts, size)


register_generator("ceiling_fan", CeilingFanParams, build_ceiling_fan, no_surfaces, sample_ceiling_fan_params)


# ---------------------------------------------------------------------------------------------
# floor lamp and table lamp shades
# ---------------------------------------------------------------------------------------------


def _lamp_shade(kind: str, R: float, sh: float, z0: float, s: tuple[float, float], trim: str,
                center: tuple[float, float] = (0.0, 0.0)) -> list[Part]:
    """An upright lamp shade (drum / empire cone / bell) from z0 to z0+sh, glowing, with trims."""
    t = 0.002
    c = (center[0], center[1], 0.0)
    if kind == "empire":
        r_bot, r_top = R, 0.62 * R
    elif kind == "bell":
        r_bot, r_top = R, 0.55 * R
    else:
        r_bot, r_top = R, 0.97 * R
    if kind == "bell":
        n = 6
        loop = []
        for q in range(n + 1):
            u = q / n
            rr = r_top + (r_bot - r_top) * (u ** 2.2)
            loop.append((rr, z0 + sh * (1 - u)))
        inner = [(rr - t, zz) for rr, zz in reversed(loop)]
        shade = revolve(loop + inner, 20, c, "z", s)
    else:
        shade = _ring(r_bot - t, r_bot, r_top - t, r_top, z0, z0 + sh, 24, c, s)
    parts = [Part("shade", shade, LIGHT)]
    tt = clamp(0.04 * sh, 0.004, 0.01)
    parts.append(Part("shade_trim", merge([
        _ring(r_bot - t, r_bot + 0.002, r_bot - t, r_bot + 0.002, z0, z0 + tt, 24, c, s),
        _ring(r_top - t, r_top + 0.002, r_top - t, r_top + 0.002, z0 + sh - tt, z0 + sh, 24, c, s)]), trim))
    return parts


# ---------------------------------------------------------------------------------------------
# floor lamp
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FloorLampParams:
    category: str = "floor_lamp"
    style: str = "column"  # column | arc | tripod | torchiere
    shade: str = "drum"  # drum | empire (column / tripod)
    metal: str = "brass"
    base_material: str = "brass"
    leg_material: str = "oak wood"  # tripod legs
    trim_material: str = "cream linen"
    shade_height_frac: float = 0.18  # of the lamp's height
    dome_material: str = "black metal"  # the arc lamp's dome / torchiere bowl


def sample_floor_lamp_params(rng: np.random.Generator, size: Size, category: str = "floor_lamp") -> FloorLampParams:
    """Style, shade, metals and base."""
    w, d, h = size
    style = pick(rng, ("column", "arc", "tripod", "torchiere"), (0.35, 0.25 if w >= 0.4 else 0.0, 0.25, 0.15))
    metal = pick(rng, ("brass", "black metal", "brushed steel", "chrome", "gold", "white painted metal"))
    return FloorLampParams(
        category=category,
        style=style,
        shade=pick(rng, ("drum", "drum", "empire")),
        metal=metal,
        base_material=pick(rng, (metal, "white marble", "black marble", "concrete", metal)),
        leg_material=pick(rng, ("oak wood", "walnut wood", "black painted wood", "beech wood")),
        trim_material=pick(rng, SHADE_TRIMS),
        shade_height_frac=uniform(rng, 0.14, 0.22),
        dome_material=pick(rng, ("black metal", "brass", "white painted metal", "brushed steel", "frosted glass")),
    )


def build_floor_lamp(params: FloorLampParams, size: Size) -> list[Part]:
    """A floor lamp standing on z = 0, with the bulb inside its shade."""
    w, d, h = (float(v) for v in size)
    p = params
    s = _ellipse_scale(w, d)
    R = min(w, d) / 2.0
    parts: list[Part] = []
    sh = clamp(p.shade_height_frac * h, 0.18, 0.45)
    if p.style == "arc" and w - min(0.75 * R, 0.2) - min(0.45 * R, 0.2) > 0.12:
        rs = clamp(0.45 * R, 0.09, 0.2)  # dome radius
        rb = min(clamp(0.75 * R, 0.1, 0.2), d / 2)
        xb = -w / 2 + rb
        xs = w / 2 - rs
        parts.append(Part("base", _lathe([(0.0, 0.0), (rb, 0.0), (rb, 0.025), (0.8 * rb, 0.04), (0.0, 0.04)], 24,
                                         (xb, 0.0, 0.0), (1.0, d / 2 / rb)), p.base_material))
        pr = 0.012
        top = h - pr
        dome_h = clamp(0.8 * rs, 0.08, 0.2)
        drop = clamp(0.18 * h, 0.15, 0.4)
        ctrl = np.array([(xb, 0.03), (xb, 1.15 * top), (xs, 1.3 * top), (xs, top - drop)])
        u = np.linspace(0.0, 1.0, 20)[:, None]
        bez = ((1 - u) ** 3 * ctrl[0] + 3 * (1 - u) ** 2 * u * ctrl[1] + 3 * (1 - u) * u ** 2 * ctrl[2]
               + u ** 3 * ctrl[3])
        bez[:, 1] = 0.03 + (bez[:, 1] - 0.03) * (top - 0.03) / (bez[:, 1].max() - 0.03)
        z_dome_top = float(bez[-1, 1]) - 0.01
        pts = np.column_stack([bez[:, 0], np.zeros(len(bez)), bez[:, 1]])
        parts.append(Part("pole", sweep(pts, pr, 8), p.metal))
        outer = [(0.0, z_dome_top)] + _quarter_arc(rs, z_dome_top, -dome_h)
        mat = LIGHT if p.dome_material == "frosted glass" else p.dome_material
        parts.append(Part("shade", transformed(_shell(outer, 0.003, 24), translation(xs, 0.0, 0.0)), mat))
        br = clamp(0.3 * rs, 0.025, 0.05)
        parts.append(Part("bulb", _bulb(xs, 0.0, z_dome_top - 0.01, -br, "globe"), LIGHT))
        return fit_exact(parts, size)
    if p.style == "torchiere":
        rb = clamp(0.7 * R, 0.1, 0.17)
        parts.append(Part("base", _lathe([(0.0, 0.0), (rb, 0.0), (rb, 0.02), (0.5 * rb, 0.04), (0.0, 0.04)], 24),
                          p.base_material))
        bowl_h = clamp(0.1 * h, 0.1, 0.18)
        z_b0 = h - bowl_h
        parts.append(Part("pole", cylinder((0.0, 0.0, 0.0), 0.012, 0.03, z_b0 + 0.01, 12), p.metal))
        outer = [(0.0, z_b0)] + _quarter_arc(R, z_b0, bowl_h, power=0.8)
        mat = LIGHT if p.dome_material == "frosted glass" else p.dome_material
        parts.append(Part("shade", _shell(outer, 0.003, 24, scale_xy=s), mat))
        parts.append(Part("bulb", _bulb(0.0, 0.0, z_b0 + 0.01, 0.3 * R * 0.6, "a19"), LIGHT))
        return fit_exact(parts, size)
    # column / tripod with a drum or empire shade on top
    z_s0 = h - sh
    parts += _lamp_shade(p.shade, R, sh, z_s0, s, p.trim_material)
    z_bulb = z_s0 + 0.25 * sh
    br = clamp(0.22 * R, 0.025, 0.045)
    parts.append(Part("bulb", _bulb(0.0, 0.0, z_bulb, br, "a19"), LIGHT))
    parts.append(Part("socket", cylinder((0.0, 0.0, 0.0), 0.014, z_bulb - 0.045, z_bulb + 0.002, 12), "brass"))
    harp = [sweep([(sx * 0.6 * R * s[0], 0.0, z_s0 + sh - 0.004), (sx * 0.6 * R * 0.3, 0.0, z_bulb - 0.03)], 0.002, 4)
            for sx in (-1.0, 1.0)]
    parts.append(Part("harp", merge(harp), p.metal))
    if p.style == "tripod":
        apex = 0.62 * (z_s0 - 0.04)
        foot_r = 0.92 * R
        legs = []
        for k in range(3):
            a = math.radians(90.0 + 120.0 * k)
            foot = (foot_r * math.cos(a) * s[0], foot_r * math.sin(a) * s[1], 0.0)
            legs.append(sweep([foot, (0.06 * math.cos(a), 0.06 * math.sin(a), apex + 0.05)], 0.014, 8))
        parts.append(Part("legs", merge(legs), p.leg_material))
        parts.append(Part("hub", cylinder((0.0, 0.0, 0.0), 0.03, apex - 0.02, apex + 0.08, 12), p.metal))
        parts.append(Part("pole", cylinder((0.0, 0.0, 0.0), 0.011, apex + 0.05, z_bulb - 0.04, 12), p.metal))
    else:
        rb = clamp(0.8 * R, 0.1, 0.17)
        parts.append(Part("base", _lathe([(0.0, 0.0), (rb, 0.0), (rb, 0.015), (0.7 * rb, 0.035), (0.0, 0.035)], 24),
                          p.base_material))
        parts.append(Part("pole", cylinder((0.0, 0.0, 0.0), 0.011, 0.03, z_bulb - 0.04, 12), p.metal))
        parts.append(Part("switch", cylinder((0.0, 0.0, 0.0), 0.016, 0.55 * z_s0, 0.55 * z_s0 + 0.03, 12), p.metal))
    return fit_exact(parts, size)


register_generator("floor_lamp", FloorLampParams, build_floor_lamp, no_surfaces, sample_floor_lamp_params)


# ---------------------------------------------------------------------------------------------
# table lamp
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableLampParams:
    category: str = "table_lamp"
    base: str = "vase"  # vase | column | gourd | candlestick | desk (an articulated task lamp)
    shade: str = "drum"  # drum | empire | bell (desk lamps: a metal cone)
    base_material: str = "white ceramic"
    metal: str = "brass"
    trim_material: str = "cream linen"
    shade_height_frac: float = 0.4


def sample_table_lamp_params(rng: np.random.Generator, size: Size, category: str = "table_lamp") -> TableLampParams:
    """Base style and material, shade shape, metal and trim."""
    base = pick(rng, ("vase", "column", "gourd", "candlestick", "desk"), (0.25, 0.2, 0.2, 0.15, 0.2))
    if base in ("vase", "gourd"):
        mat = pick(rng, ("white ceramic", "sage ceramic", "navy ceramic", "terracotta", "mustard ceramic",
                         "teal ceramic", "cream ceramic", "green glass", "amber glass", "blush ceramic"))
    elif base == "column":
        mat = pick(rng, ("oak wood", "walnut wood", "white marble", "black metal", "brass", "concrete"))
    elif base == "candlestick":
        mat = pick(rng, ("brass", "chrome", "black metal", "gold"))
    else:
        mat = pick(rng, ("black painted metal", "white painted metal", "red painted metal", "sage painted metal",
                         "navy painted metal", "brushed steel"))
    return TableLampParams(
        category=category,
        base=base,
        shade=pick(rng, ("drum", "empire", "bell")),
        base_material=mat,
        metal=pick(rng, ("brass", "brushed steel", "black metal", "chrome")),
        trim_material=pick(rng, SHADE_TRIMS),
        shade_height_frac=uniform(rng, 0.33, 0.45),
    )


def build_table_lamp(params: TableLampParams, size: Size) -> list[Part]:
    """A table lamp: base, neck and socket, bulb inside a glowing shade (or a desk task lamp)."""
    p = params
    if p.base == "desk":
        return _desk_lamp(p, size)
    w, d, h = (float(v) for v in size)
    s = _ellipse_scale(w, d)
    R = min(w, d) / 2.0
    parts: list[Part] = []
    sh = clamp(p.shade_height_frac * h, 0.08, 0.5 * h)
    z_s0 = h - sh
    parts += _lamp_shade(p.shade, R, sh, z_s0, s, p.trim_material)
    br = clamp(0.2 * R, 0.015, min(0.04, 0.3 * sh))
    z_bulb = z_s0 + 0.15 * sh
    parts.append(Part("bulb", _bulb(0.0, 0.0, z_bulb, br, "a19", 12), LIGHT))
    parts.append(Part("socket", cylinder((0.0, 0.0, 0.0), 0.012, z_bulb - 0.03, z_bulb + 0.002, 12), p.metal))
    harp = [sweep([(sx * 0.5 * R, 0.0, z_s0 + sh - 0.004), (sx * 0.012, 0.0, z_bulb - 0.025)], 0.0015, 4)
            for sx in (-1.0, 1.0)]
    parts.append(Part("harp", merge(harp), p.metal))
    bh = z_bulb - 0.03  # the base reaches up to the socket
    rb = clamp(0.6 * R, 0.05, 0.16)
    if p.base == "vase":
        prof = [(0.0, 0.0), (0.55 * rb, 0.0), (0.8 * rb, 0.15 * bh), (rb, 0.45 * bh), (0.85 * rb, 0.7 * bh),
                (0.35 * rb, 0.85 * bh), (0.3 * rb, 0.93 * bh), (0.15 * rb, bh), (0.0, bh)]
    elif p.base == "gourd":
        prof = [(0.0, 0.0), (0.5 * rb, 0.0), (0.85 * rb, 0.08 * bh), (rb, 0.25 * bh), (0.9 * rb, 0.42 * bh),
                (0.55 * rb, 0.55 * bh), (0.38 * rb, 0.6 * bh), (0.55 * rb, 0.7 * bh), (0.58 * rb, 0.78 * bh),
                (0.4 * rb, 0.87 * bh), (0.15 * rb, 0.95 * bh), (0.12 * rb, bh), (0.0, bh)]
    elif p.base == "candlestick":
        prof = [(0.0, 0.0), (0.9 * rb, 0.0), (0.9 * rb, 0.03 * bh), (0.5 * rb, 0.08 * bh), (0.15 * rb, 0.15 * bh),
                (0.12 * rb, 0.5 * bh), (0.22 * rb, 0.55 * bh), (0.12 * rb, 0.6 * bh), (0.1 * rb, 0.9 * bh),
                (0.2 * rb, 0.95 * bh), (0.1 * rb, bh), (0.0, bh)]
    else:  # column on a square plinth
        pl = clamp(0.08 * bh, 0.015, 0.03)
        parts.append(Part("plinth", rounded_box((-0.8 * rb, -0.8 * rb, 0.0), (0.8 * rb, 0.8 * rb, pl), 0.004, 1),
                          p.base_material))
        prof = [(0.0, pl - 0.001), (0.45 * rb, pl - 0.001), (0.42 * rb, 0.9 * bh), (0.3 * rb, bh), (0.0, bh)]
    parts.append(Part("base", _lathe(prof, 16), p.base_material))
    return fit_exact(parts, size)


def _desk_lamp(p: TableLampParams, size: Size) -> list[Part]:
    """An articulated task lamp: weighted base, two arm links, a metal cone shade aimed down-front."""
    w, d, h = (float(v) for v in size)
    R = min(w, d) / 2.0
    parts: list[Part] = []
    rb = clamp(0.6 * R, 0.05, 0.1)
    sr = clamp(0.45 * R, 0.05, 0.09)  # shade radius
    sl = clamp(1.3 * sr, 0.06, 0.14)  # shade length
    # the base at the back left, the head swung out to the front right when the box is wide
    xb = min(0.0, -w / 2 + rb)
    xh = max(0.0, w / 2 - sr * 1.05)
    yb = -d / 2 + rb
    parts.append(Part("base", _lathe([(0.0, 0.0), (rb, 0.0), (rb, 0.015), (0.8 * rb, 0.025), (0.0, 0.025)], 20,
                                     (xb, yb, 0.0)), p.base_material))
    elbow = (xb + 0.3 * (xh - xb), yb - 0.02, 0.62 * h)
    head = (xh, d / 2 - sr, h - 0.03)
    parts.append(Part("arm_0", sweep([(xb, yb, 0.02), elbow], 0.006, 8), p.base_material))
    parts.append(Part("arm_1", sweep([elbow, head], 0.006, 8), p.base_material))
    parts.append(Part("joint", ellipsoid(elbow, (0.014, 0.014, 0.014), 10, 5), p.metal))
    # cone shade opening downwards, tilted forward
    outer = [(0.0, sl), (0.3 * sr, sl), (0.55 * sr, 0.6 * sl), (sr, 0.0)]
    shade = _shell(outer, 0.002, 20)
    bulb = _bulb(0.0, 0.0, sl - 0.01, -min(0.35 * sr, 0.03), "a19", 12)
    tilt = translation(head[0], head[1], head[2]) @ rotation_x(35.0) @ translation(0.0, 0.0, -sl)
    parts.append(Part("shade", transformed(shade, tilt), p.base_material))
    parts.append(Part("bulb", transformed(bulb, tilt), LIGHT))
    return fit_exact(parts, size)


register_generator("table_lamp", TableLampParams, build_table_lamp, no_surfaces, sample_table_lamp_params)
