"""Bicycles, standing on their wheels.

The bike's long axis is X (catalog width): the front wheel is at +X, the rear wheel at -X, and the
handlebar spans Y (catalog depth), so a bike parked with its side against a wall has its -Y side to
the wall. Wheels are tori (tyre and rim) with spokes and hubs; the frame is a diamond (top tube, down
tube, seat tube, stays) or a step-through with a low top tube; fork, head tube, stem and handlebar
(flat, riser, swept-back city or road drop bars with hoods), seat post and saddle (narrow sport or
wide sprung), cranks with pedals, chainring, chain and rear cog on the drive side (-Y, the rider's
right). Styles (road, city, mountain, fixie) vary tyre width, bars, saddle and accessories:
mudguards, rear rack, front basket, kickstand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import trimesh

from ..parts import Part
from ..primitives import cylinder_along, merge
from ..surfaces import Surface
from ._shapes import fit_exact, loft, rbox, tube, tubes
from .params import chance, clamp, pick, register_generator, uniform

Size = tuple[float, float, float]


def _torus(cx: float, cz: float, big_r: float, r: float, y: float = 0.0, n_major: int = 24, n_minor: int = 8,
           scale_y: float = 1.0) -> trimesh.Trimesh:
    """Ring in the XZ plane around (cx, y, cz); ``scale_y`` flattens its section across Y."""
    a = np.arange(n_major) * (2 * math.pi / n_major)
    b = np.arange(n_minor) * (2 * math.pi / n_minor)
    ca, sa = np.cos(a)[:, None], np.sin(a)[:, None]
    cb, sb = np.cos(b)[None, :], np.sin(b)[None, :]
    rad = big_r + r * cb
    pts = np.stack([cx + rad * ca, y + r * scale_y * sb + 0 * ca, cz + rad * sa], axis=-1)
    return loft(pts, True)


def _arc_band(cx: float, cz: float, r_in: float, r_out: float, y0: float, y1: float, a0: float, a1: float,
              n: int = 12) -> trimesh.Trimesh:
    """A curved strip (mudguard) in the XZ plane: annular sector from angle ``a0`` to ``a1`` (deg)."""
    angles = np.radians(np.linspace(a0, a1, n))
    sect = [(r_in, y0), (r_out, y0), (r_out, y1), (r_in, y1)]
    pts = np.array([[(cx + rr * math.cos(t), yy, cz + rr * math.sin(t)) for rr, yy in sect] for t in angles])
    return loft(pts, False)


FRAME_PAINTS = ("black painted metal", "white painted metal", "red painted metal", "navy painted metal",
                "sage painted metal", "mint painted metal", "orange painted metal", "yellow painted metal",
                "dark grey painted metal", "teal painted metal", "burgundy painted metal", "sky blue painted metal",
                "cream painted metal", "brushed steel", "aluminium")


@dataclass(frozen=True)
class BicycleParams:
    category: str = "bicycle"
    style: str = "road"  # road | city | mountain | fixie
    frame: str = "diamond"  # diamond | step_through
    bars: str = "drop"  # drop | flat | riser | swept
    tyre_radius_m: float = 0.014  # tyre section
    fenders: bool = False
    rack: bool = False
    basket: bool = False
    kickstand: bool = False
    spokes: int = 20
    frame_material: str = "red painted metal"
    saddle_material: str = "black leather"
    rim_material: str = "aluminium"
    tube_radius_m: float = 0.017


def sample_bicycle_params(rng: np.random.Generator, size: Size, category: str = "bicycle") -> BicycleParams:
    style = pick(rng, ("road", "city", "mountain", "fixie"), (0.3, 0.35, 0.2, 0.15))
    if style == "road":
        frame, bars, tyre = "diamond", "drop", uniform(rng, 0.012, 0.016)
    elif style == "city":
        frame, bars, tyre = pick(rng, ("step_through", "diamond"), (0.6, 0.4)), pick(rng, ("swept", "riser")), \
            uniform(rng, 0.018, 0.024)
    elif style == "mountain":
        frame, bars, tyre = "diamond", pick(rng, ("flat", "riser")), uniform(rng, 0.026, 0.032)
    else:
        frame, bars, tyre = "diamond", pick(rng, ("flat", "drop", "riser")), uniform(rng, 0.012, 0.017)
    city = style == "city"
    return BicycleParams(
        category=category,
        style=style,
        frame=frame,
        bars=bars,
        tyre_radius_m=tyre,
        fenders=chance(rng, 0.85 if city else 0.1),
        rack=chance(rng, 0.6 if city else 0.05),
        basket=city and chance(rng, 0.45),
        kickstand=chance(rng, 0.7 if city else 0.25),
        spokes=pick(rng, (16, 20, 24)) if style != "fixie" else pick(rng, (16, 12)),
        frame_material=pick(rng, FRAME_PAINTS),
        saddle_material=pick(rng, ("black leather", "black leather", "brown leather", "cognac leather", "black plastic",
                                   "white leather")),
        rim_material=pick(rng, ("aluminium", "black metal", "chrome")),
        tube_radius_m=uniform(rng, 0.014, 0.02) if style != "mountain" else uniform(rng, 0.02, 0.026),
    )


def _wheel(name: str, cx: float, big_r: float, tr: float, hub_w: float, n_spokes: int, rim_mat: str) -> list[Part]:
    tyre = _torus(cx, big_r, big_r - tr, tr, 0.0, 24, 8)
    rim_r = big_r - 2 * tr - 0.008
    rim = _torus(cx, big_r, rim_r, 0.009, 0.0, 24, 6, 1.0)
    hub = cylinder_along("y", (cx, -hub_w, big_r), 2 * hub_w, 0.02, 12)
    spokes = []
    n = max(4, int(n_spokes))
    for k in range(n):
        a = 2 * math.pi * (k + 0.5) / n
        side = 1.0 if k % 2 else -1.0
        a_hub = a + side * 0.25
        p0 = (cx + 0.02 * math.cos(a_hub), side * 0.75 * hub_w, big_r + 0.02 * math.sin(a_hub))
        p1 = (cx + (rim_r - 0.005) * math.cos(a), 0.0, big_r + (rim_r - 0.005) * math.sin(a))
        spokes.append((p0, p1, 0.0015))
    return [Part(f"{name}_tyre", tyre, "black rubber"), Part(f"{name}_rim", rim, rim_mat),
            Part(f"{name}_hub", hub, "aluminium" if rim_mat != "aluminium" else "black metal"),
            Part(f"{name}_spokes", tubes(spokes, 4), "chrome")]


def build_bicycle(params: BicycleParams, size: Size) -> list[Part]:
    """Parts of a bicycle of exactly ``size`` (front wheel at +X, handlebar across Y)."""
    w, d, h = (float(v) for v in size)
    p = params
    fm = p.frame_material
    R = clamp(0.195 * w, 0.26, 0.37)
    tr = clamp(p.tyre_radius_m, 0.01, 0.035)
    x_r, x_f = -w / 2 + R, w / 2 - R
    wb = x_f - x_r
    tube_r = clamp(p.tube_radius_m, 0.01, 0.03)
    parts = _wheel("rear_wheel", x_r, R, tr, 0.065, p.spokes, p.rim_material)
    parts += _wheel("front_wheel", x_f, R, tr, 0.05, p.spokes, p.rim_material)
    # geometry: bottom bracket, seat cluster, steering axis
    x_bb, z_bb = x_r + 0.42 * wb, R - 0.07
    sa, ha = math.radians(73.0), math.radians(72.0)
    su, hu = np.array([-math.cos(sa), math.sin(sa)]), np.array([-math.cos(ha), math.sin(ha)])
    road = p.bars == "drop"
    city = p.style == "city"
    z_saddle = h if not city else h - 0.03
    z_bar = h if city or p.bars == "swept" else h - (0.07 if road else 0.03)
    st_len = clamp(0.55 * (z_saddle - z_bb) - 0.02, 0.3, 0.6)
    sc = np.array([x_bb, z_bb]) + st_len * su  # seat cluster
    axle_f = np.array([x_f, R])
    fork_len = 1.09 * R
    normal = np.array([math.sin(ha), math.cos(ha)])
    crown = axle_f + fork_len * hu - 0.045 * normal
    bar_r = 0.012
    z_stem = z_bar - bar_r
    ht_len = clamp((z_stem - 0.05 - crown[1]) / hu[1], 0.06, 0.2)
    ht_top = crown + ht_len * hu
    steer_top = ht_top + max(0.02, (z_stem - ht_top[1]) / hu[1]) * hu
    segs = []
    # head tube, down tube, seat tube, top tube (or step-through), stays
    segs.append(((crown[0], 0.0, crown[1]), (ht_top[0], 0.0, ht_top[1]), tube_r + 0.006))
    dt_start = crown + 0.03 * hu
    down_r = tube_r + (0.006 if p.style == "mountain" else 0.002)
    segs.append(((dt_start[0], 0.0, dt_start[1]), (x_bb, 0.0, z_bb), down_r))
    segs.append(((x_bb, 0.0, z_bb), (sc[0], 0.0, sc[1]), tube_r))
    if p.frame == "step_through":
        low = np.array([x_bb, z_bb]) + 0.3 * st_len * su
        mid = np.array([x_bb + 0.45 * (crown[0] - x_bb), z_bb + 0.18])
        tt0 = ht_top - 0.04 * hu
        segs.append(((tt0[0], 0.0, tt0[1]), (mid[0], 0.0, mid[1]), tube_r * 0.9))
        segs.append(((mid[0], 0.0, mid[1]), (low[0], 0.0, low[1]), tube_r * 0.9))
    else:
        tt0 = ht_top - 0.025 * hu
        segs.append(((tt0[0], 0.0, tt0[1]), (sc[0], 0.0, sc[1] - 0.02), tube_r * 0.9))
    for s in (-1.0, 1.0):
        segs.append(((x_bb, s * 0.035, z_bb), (x_r, s * 0.062, R), tube_r * 0.6))
        segs.append(((sc[0], s * 0.02, sc[1] - 0.03), (x_r, s * 0.062, R), tube_r * 0.55))
    shell = cylinder_along("y", (x_bb, -0.04, z_bb), 0.08, tube_r + 0.008, 12)  # bottom bracket shell
    parts.append(Part("frame", merge([tubes(segs, 8), shell]), fm))
    fork = [tubes([((crown[0], s * 0.05, crown[1] - 0.01), (x_f, s * 0.05, R), tube_r * 0.7) for s in (-1.0, 1.0)])]
    fork.append(rbox((crown[0] - 0.03, -0.06, crown[1] - 0.03), (crown[0] + 0.03, 0.06, crown[1] + 0.01), 0.008))
    parts.append(Part("fork", merge(fork), fm if p.style != "mountain" else "black metal"))
    # seat post and saddle
    z_rail = z_saddle - 0.055
    post_top = sc + max(0.05, (z_rail - sc[1]) / su[1]) * su
    post = tube((sc[0] - 0.05 * su[0], 0.0, sc[1] - 0.05 * su[1]), (post_top[0], 0.0, post_top[1]), 0.7 * tube_r, 8)
    parts.append(Part("seat_post", post, "aluminium" if p.style != "city" else "chrome"))
    parts.append(Part("saddle", _saddle(post_top[0] - 0.02, z_saddle, wide=city), p.saddle_material))
    # stem and handlebar
    stem_end = (steer_top[0] + (0.09 if not city else 0.04), 0.0, z_bar - bar_r)
    parts.append(Part("stem", tubes([((ht_top[0], 0.0, ht_top[1]), (steer_top[0], 0.0, steer_top[1]), 0.016),
                                      ((steer_top[0], 0.0, steer_top[1]), stem_end, 0.016)]), "black metal"))
    xb = steer_top[0] + (0.09 if not city else 0.04)
    parts += _handlebar(p.bars, xb, z_bar - bar_r, d, bar_r)
    # drivetrain on the -Y side
    ring_r = 0.1
    parts.append(Part("chainring", cylinder_along("y", (x_bb, -0.075, z_bb), 0.006, ring_r, 24), "brushed steel"))
    parts.append(Part("rear_cog", cylinder_along("y", (x_r, -0.07, R), 0.012, 0.045, 16), "brushed steel"))
    chain = tubes([((x_bb, -0.072, z_bb + ring_r), (x_r, -0.066, R + 0.045), 0.004),
                    ((x_bb, -0.072, z_bb - ring_r), (x_r, -0.066, R - 0.045), 0.004)], 4)
    parts.append(Part("chain", chain, "black metal"))
    crank = 0.17
    arm = [tubes([((x_bb, -0.085, z_bb), (x_bb + crank * 0.6, -0.085, z_bb - crank * 0.8), 0.01),
                   ((x_bb, 0.085, z_bb), (x_bb - crank * 0.6, 0.085, z_bb + crank * 0.8), 0.01)], 8),
           cylinder_along("y", (x_bb, -0.09, z_bb), 0.18, 0.01, 8)]
    parts.append(Part("cranks", merge(arm), "aluminium" if p.style != "fixie" else "black metal"))
    for i, (px, py, pz) in enumerate(((x_bb + crank * 0.6, -0.1, z_bb - crank * 0.8),
                                      (x_bb - crank * 0.6, 0.1, z_bb + crank * 0.8))):
        y0, y1 = (py - 0.085, py) if py < 0 else (py, py + 0.085)
        parts.append(Part(f"pedal_{i}", rbox((px - 0.05, y0, pz - 0.012), (px + 0.05, y1, pz + 0.012), 0.005),
                          "black plastic"))
    # accessories
    if p.fenders:
        for name, cx in (("rear_fender", x_r), ("front_fender", x_f)):
            a0, a1 = (25.0, 160.0) if name == "rear_fender" else (20.0, 150.0)
            parts.append(Part(name, _arc_band(cx, R, R + 0.012, R + 0.016, -tr - 0.015, tr + 0.015, a0, a1, 14),
                              fm if "painted" in fm else "black plastic"))
    if p.rack:
        zr = 2 * R + 0.05
        rack = [rbox((x_r - 0.2, -0.07, zr - 0.008), (sc[0] - 0.02, 0.07, zr), 0.003)]
        for s in (-1.0, 1.0):
            rack.append(tube((x_r - 0.15, s * 0.07, zr - 0.004), (x_r, s * 0.075, R), 0.005, 6))
            rack.append(tube((sc[0] - 0.03, s * 0.05, zr - 0.004), (sc[0] - 0.01, s * 0.03, sc[1] - 0.05), 0.005, 6))
        parts.append(Part("rack", merge(rack), "black metal"))
    if p.basket:
        bx0 = xb + 0.02
        bz1 = z_bar - 0.06
        bz0 = max(bz1 - 0.22, 2 * R + 0.03)
        bx1 = min(bx0 + 0.3, x_f + R)
        t = 0.008
        walls = [rbox((bx0, -0.16, bz0), (bx1, 0.16, bz0 + t), 0.002),
                 rbox((bx0, -0.16, bz0), (bx0 + t, 0.16, bz1), 0.002),
                 rbox((bx1 - t, -0.16, bz0), (bx1, 0.16, bz1), 0.002),
                 rbox((bx0, -0.16, bz0), (bx1, -0.16 + t, bz1), 0.002),
                 rbox((bx0, 0.16 - t, bz0), (bx1, 0.16, bz1), 0.002)]
        parts.append(Part("basket", merge(walls), pick_basket(p)))
    if p.kickstand:
        parts.append(Part("kickstand", tube((x_bb - 0.06, 0.045, z_bb + 0.02), (x_bb - 0.2, 0.16, 0.008), 0.008, 6),
                          "black metal"))
    return fit_exact(parts, (w, d, h))


def pick_basket(p: BicycleParams) -> str:
    return "rattan" if "black" not in p.frame_material else "black metal"


def _saddle(x_back: float, z_top: float, wide: bool) -> trimesh.Trimesh:
    """A saddle: wide at the back, narrowing to the nose (+X), top at ``z_top``."""
    length = 0.24 if wide else 0.27
    back_w = 0.11 if wide else 0.075
    ts = np.linspace(0.0, 1.0, 10)
    half = back_w * (1.0 - 0.75 * ts ** 1.3)
    half[0] *= 0.75
    xs = x_back - 0.06 + length * ts
    pts = []
    z0 = z_top - (0.07 if wide else 0.045)
    for x, hw in zip(xs, half):
        pts.append([(x, -hw, z0 + 0.01), (x, hw, z0 + 0.01), (x, hw * 0.85, z_top), (x, -hw * 0.85, z_top)])
    return loft(np.array(pts), False)


def _handlebar(style: str, xb: float, zb: float, d: float, r: float) -> list[Part]:
    half = d / 2
    grips = []
    if style == "drop":
        top = half - r
        bar = [cylinder_along("y", (xb, -top, zb), 2 * top, r, 8)]
        for s in (-1.0, 1.0):
            y = s * top
            a, b, c = (xb, y, zb), (xb + 0.08, y, zb - 0.03), (xb + 0.06, y, zb - 0.13)
            e = (xb - 0.04, y, zb - 0.14)
            bar.append(tubes([(a, b, r), (b, c, r), (c, e, r)], 8))
            grips.append(rbox((xb + 0.05, y - 0.014, zb - 0.04), (xb + 0.09, y + 0.014, zb + 0.03), 0.008))
        return [Part("handlebar", merge(bar), "black metal"), Part("brake_hoods", merge(grips), "black rubber")]
    if style == "swept":
        inner, outer = 0.1, half - 0.12
        bar = [cylinder_along("y", (xb, -inner, zb), 2 * inner, r, 8)]
        for s in (-1.0, 1.0):
            a, b = (xb, s * inner, zb), (xb - 0.12, s * outer, zb + 0.02)
            bar.append(tube(a, b, r, 8))
            grips.append(tube(b, (xb - 0.24, s * (half - 0.018), zb + 0.02), 0.018, 8))
        return [Part("handlebar", merge(bar), "chrome"), Part("grips", merge(grips), "brown leather")]
    rise = 0.04 if style == "riser" else 0.0
    inner = 0.12
    bar = [cylinder_along("y", (xb, -inner, zb), 2 * inner, r, 8)]
    for s in (-1.0, 1.0):
        bar.append(tube((xb, s * inner, zb), (xb - 0.02, s * (half - 0.12), zb + rise), r, 8))
    grips = [cylinder_along("y", (xb - 0.02, -half, zb + rise), 0.13, 0.017, 8),
             cylinder_along("y", (xb - 0.02, half - 0.13, zb + rise), 0.13, 0.017, 8)]
    return [Part("handlebar", merge(bar), "black metal"), Part("grips", merge(grips), "black rubber")]


def bicycle_surfaces(params: BicycleParams, size: Size) -> list[Surface]:
    """Nothing is put on a bicycle."""
    return []


register_generator("bicycle", BicycleParams, build_bicycle, bicycle_surfaces, sample_bicycle_params)
