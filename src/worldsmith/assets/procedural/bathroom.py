"""Bathroom fixtures: sinks, toilets, bathtubs and showers (fronts face +Y, backs against the wall at -Y).

- sink: a ceramic pedestal basin (the bowl carved into a deck on a flared pedestal), a vanity
  cabinet (doors or drawers, on legs or a plinth; or a kitchen sink unit with a deep steel bowl and
  a gooseneck tap) or a metal-legged console under a countertop with
  one or two drop-in basins (oval, rectangular or round shells set in a hole) or vessel bowls on
  top; a single-lever, gooseneck or bridge faucet behind each basin; optional backsplash.
- toilet: a close-coupled toilet: a ceramic bowl shell (round or elongated, on a pedestal foot or a
  skirted base) in front (+Y) of a square or rounded cistern against the wall (-Y); seat ring and
  closed lid; a push button on the cistern lid or a lever on its front.
- bathtub: a built-in tub (a shell with a flat deck behind a front apron) with a deck mixer, a
  freestanding oval / squircle tub on a plinth with a floor-standing tap, or a clawfoot roll-top
  tub on four feet (painted exterior) with a floor or rim tap; optional bath caddy. The tub is a
  watertight shell: outer wall, rim, inner wall down to a sloping backrest and the floor.
- shower: a tray, glass (clear or frosted) in an alcove front, a corner enclosure, a walk-in
  screen or a curved quadrant, framed or frameless; a riser with a round or square rain head or a
  hand shower on a slide bar, a mixer, and a corner shelf.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..parts import Part
from ..primitives import box, cylinder, lathe, merge, prism, rotation_z, transformed
from ..surfaces import Surface, rect
from ._shapes import rotation_x, translate
from .appliances import arc_path, bar_handle, disc_y, fit_top, loft, pipe, ray_up, rbox, tube, upright
from .params import chance, clamp, pick, register_generator, uniform

Size = tuple[float, float, float]

FINISHES = ("chrome", "chrome", "brushed steel", "black metal", "brass", "gold")
CERAMICS = ("white ceramic", "white ceramic", "white ceramic", "porcelain", "off white ceramic")


# --------------------------------------------------------------------------------------------------
# faucets (shared by sinks and tubs)
# --------------------------------------------------------------------------------------------------

def _faucet(style: str, x: float, y: float, z0: float, z_top: float, reach: float, y_min: float) -> list:
    """Meshes of a deck-mounted faucet standing at (x, y) on z0 whose top is exactly ``z_top``; the
    spout reaches ``reach`` towards +Y; nothing goes behind ``y_min``."""
    H = z_top - z0
    r = clamp(0.12 * H, 0.012, 0.024)
    if style == "gooseneck":
        ra = clamp(reach / 2.0, 0.04, 0.5 * H)
        zt = z_top - ra
        path = [(x, y, z0 + 0.02), (x, y, zt)] + arc_path((x, y + ra, zt), ra, 180.0, 0.0, "yz", 8)[1:]
        path.append((x, y + 2 * ra, zt - min(0.03, 0.3 * H)))
        base = cylinder((x, y, 0.0), r * 1.4, z0, z0 + min(0.04, 0.3 * H), 16)
        lever = translate(box((-0.006, -0.006, -0.006), (0.05, 0.006, 0.006)), x + r, y, z0 + 0.3 * H)
        return fit_top([base, pipe(path, 0.55 * r, 8), lever], z0, z_top)
    if style == "bridge":
        off = clamp(2.5 * reach, 0.06, 0.1)
        zb = z0 + 0.55 * H
        out = []
        for s in (-1.0, 1.0):
            out.append(cylinder((x + s * off, y, 0.0), 0.8 * r, z0, zb + 0.01, 12))
            out.append(cylinder((x + s * off, y, 0.0), 0.5 * r, zb, z_top - 0.012, 8))
            out.append(box((x + s * off - 0.022, y - 0.005, z_top - 0.012), (x + s * off + 0.022, y + 0.005, z_top)))
        out.append(pipe([(x - off, y, zb), (x + off, y, zb)], 0.55 * r, 8))
        spout = [(x, y, zb)] + arc_path((x, y + 0.03, zb), 0.03, 180.0, 90.0, "yz", 3)[1:] + \
            [(x, y + reach, zb + 0.03), (x, y + reach + 0.02, zb + 0.01)]
        out.append(pipe(spout, 0.5 * r, 8))
        return out
    # single lever mixer: a column, a straight spout near the top, a lever on top pointing back
    zt = z_top - min(0.03, 0.2 * H)
    col = cylinder((x, y, 0.0), r, z0, zt, 16)
    spout = pipe([(x, y, zt - 0.025), (x, y + reach, zt - 0.03), (x, y + reach + 0.005, zt - 0.045)], 0.45 * r, 8)
    yb = max(y - 0.07, y_min + 0.005)
    lever = rbox((x - 0.007, yb, zt - 0.006), (x + 0.007, y + 0.01, z_top), 0.004)
    return [col, spout, lever]


# --------------------------------------------------------------------------------------------------
# sink
# --------------------------------------------------------------------------------------------------

VANITY_WOODS = ("white painted wood", "oak wood", "walnut wood", "grey painted wood", "navy painted wood",
                "sage painted wood", "black stained wood")
COUNTERS = ("white marble", "black marble", "granite", "concrete", "oak wood", "white ceramic", "white tile")


@dataclass(frozen=True)
class SinkParams:
    category: str = "sink"
    base: str = "vanity"  # pedestal | vanity | console
    basin_shape: str = "oval"  # oval | rect | round
    mount: str = "drop_in"  # drop_in (a basin set in the counter) | vessel (a bowl on top)
    basin_count: int = 1
    basin_width_fraction: float = 0.75
    basin_depth_m: float = 0.13
    front: str = "doors"  # vanity fronts: doors | drawers
    legs: bool = False  # vanity on legs (else a recessed plinth)
    shelf: bool = False  # console: a lower shelf
    faucet: str = "lever"  # lever | gooseneck | bridge
    faucet_height_m: float = 0.17
    counter_thickness_m: float = 0.03
    backsplash: bool = False
    pedestal_shape_exponent: float = 3.5
    counter_material: str = "white marble"
    cabinet_material: str = "white painted wood"
    basin_material: str = "white ceramic"
    faucet_material: str = "chrome"
    handle_material: str = "brushed steel"


def sample_sink_params(rng: np.random.Generator, size: Size, category: str = "sink") -> SinkParams:
    """Sampled sink: pedestal basin (narrow), vanity or console (sometimes a kitchen sink unit with a
    deep steel bowl); basin shape and mount; faucet; finishes."""
    w, d, h = size
    weights = (0.45, 0.4, 0.15) if w < 0.75 else ((0.15, 0.65, 0.2) if w < 0.9 else (0.0, 0.75, 0.25))
    base = pick(rng, ("pedestal", "vanity", "console"), weights)
    mount = "drop_in" if base == "pedestal" else pick(rng, ("drop_in", "vessel"), (0.65, 0.35))
    shape = pick(rng, ("oval", "rect", "round"), (0.45, 0.35, 0.2))
    faucet = pick(rng, ("lever", "gooseneck", "bridge"), (0.5, 0.3, 0.2))
    if mount == "vessel":
        faucet = pick(rng, ("lever", "gooseneck"))
    finish = pick(rng, FINISHES)
    basin = pick(rng, CERAMICS) if chance(rng, 0.85) else pick(rng, ("black ceramic", "grey ceramic", "terracotta",
                                                                      "concrete"))
    counter = pick(rng, COUNTERS)
    kitchen = base == "vanity" and chance(rng, 0.25)  # a kitchen sink unit: deep steel bowl, tall spout
    if kitchen:
        shape, mount, faucet, basin = "rect", "drop_in", "gooseneck", "brushed steel"
        counter = pick(rng, ("granite", "oak wood", "concrete", "black marble", "white marble"))
    return SinkParams(
        category=category,
        base=base,
        basin_shape=shape,
        mount=mount,
        basin_count=2 if base != "pedestal" and w >= 1.05 and chance(rng, 0.6) else 1,
        basin_width_fraction=uniform(rng, 0.6, 0.85),
        basin_depth_m=uniform(rng, 0.16, 0.2) if kitchen else uniform(rng, 0.1, 0.16),
        front=pick(rng, ("doors", "drawers"), (0.55, 0.45)),
        legs=chance(rng, 0.4),
        shelf=chance(rng, 0.6),
        faucet=faucet,
        faucet_height_m=uniform(rng, 0.22, 0.3) if mount == "vessel" else uniform(rng, 0.13, 0.22),
        counter_thickness_m=uniform(rng, 0.02, 0.05),
        backsplash=base != "pedestal" and chance(rng, 0.35),
        pedestal_shape_exponent=uniform(rng, 2.6, 5.0),
        counter_material=counter,
        cabinet_material=pick(rng, VANITY_WOODS),
        basin_material=basin,
        faucet_material=finish,
        handle_material=finish if chance(rng, 0.6) else pick(rng, ("brushed steel", "black metal", "brass")),
    )


@dataclass(frozen=True)
class _SinkFrame:
    w: float
    d: float
    h: float
    zc: float  # counter / deck top
    ct: float  # counter thickness
    bd: float  # back deck depth (faucet zone)
    bxs: tuple[float, ...]  # basin centres
    bcy: float
    bhx: float  # basin (outer) half sizes; vessel: bowl half sizes
    bhy: float
    e: float
    depth: float
    y_splash: float  # front of the backsplash (or -d/2)


def _sink_frame(p: SinkParams, size: Size) -> _SinkFrame:
    w, d, h = (float(v) for v in size)
    fh = clamp(p.faucet_height_m, 0.1, 0.4 * h)
    zc = h - fh
    ct = clamp(p.counter_thickness_m, 0.015, 0.06)
    splash = 0.015 if p.backsplash and p.base != "pedestal" else 0.0
    bd = clamp(0.1, 0.07, 0.28 * d) + splash
    n = 2 if p.basin_count >= 2 and w >= 0.8 and p.base != "pedestal" else 1
    slot = w / n
    bxs = tuple(-w / 2 + (i + 0.5) * slot for i in range(n))
    fm = 0.05 if p.base != "pedestal" else 0.045
    span_y = d - bd - fm
    cap = 0.24 if p.mount == "vessel" else (0.36 if p.base == "pedestal" else 0.32)
    bhx = max(0.06, min(clamp(p.basin_width_fraction, 0.4, 0.95) * slot / 2, slot / 2 - 0.075, cap))
    bhy = max(0.06, span_y / 2)
    if p.base == "pedestal":  # leave a flat deck each side inside the rounded outline
        bhx = min(bhx, 0.85 * (w / 2 - 0.012) - 0.035)
    if p.mount == "vessel":
        bhy = min(bhy, 0.85 * bhx + 0.02)
    if p.basin_shape == "round":
        bhx = bhy = min(bhx, bhy)
    bcy = -d / 2 + bd + span_y / 2
    e = {"oval": 2.0, "round": 2.0, "rect": 5.0}.get(p.basin_shape, 2.0)
    depth = clamp(p.basin_depth_m, 0.06, 0.21)
    if p.base == "pedestal":
        depth = min(depth, 0.6 * zc)
    return _SinkFrame(w, d, h, zc, ct, bd, bxs, bcy, bhx, bhy, e, depth, -d / 2 + splash)


def _drop_in_basin(f: _SinkFrame, bx: float) -> object:
    hx, hy, e, zc, dp = f.bhx, f.bhy, f.e, f.zc, f.depth
    el = max(e, 6.0)
    lip, t = 0.012, 0.004
    zb = zc - dp - 0.015
    c = (bx, f.bcy)
    prof = [(0, 0, zb, *c), (0.55 * hx, 0.55 * hy, zb, *c), (0.86 * hx, 0.86 * hy, zb + 0.4 * dp, *c),
            (hx, hy, zc - 0.012, *c), (hx + lip, hy + lip, zc, *c, el), (hx + lip, hy + lip, zc + t, *c, el),
            (hx - 0.012, hy - 0.012, zc + t, *c), (hx - 0.018, hy - 0.018, zc - 0.006, *c),
            (0.8 * (hx - 0.012), 0.8 * (hy - 0.012), zc - 0.65 * dp, *c),
            (0.42 * hx, 0.42 * hy, zc - dp, *c), (0, 0, zc - dp, *c)]
    return loft(prof, 32, e)


def _pedestal_top(p: SinkParams, f: _SinkFrame) -> object:
    hx, hy = f.w / 2, f.d / 2
    eo = clamp(p.pedestal_shape_exponent, 2.2, 8.0)
    zc, dp = f.zc, f.depth
    apron = clamp(dp + 0.05, 0.1, 0.5 * zc)
    zb = zc - apron
    bx, bcy, bhx, bhy, e = f.bxs[0], f.bcy, f.bhx, f.bhy, f.e
    c = (bx, bcy)
    prof = [(0, 0, zb), (0.9 * hx, 0.86 * hy, zb, 0, 0, eo), (hx, hy, zb + 0.35 * apron, 0, 0, eo),
            (hx, hy, zc - 0.012, 0, 0, eo), (hx - 0.012, hy - 0.012, zc, 0, 0, eo),
            (bhx, bhy, zc, *c), (bhx - 0.008, bhy - 0.008, zc - 0.01, *c),
            (0.82 * bhx, 0.8 * bhy, zc - 0.6 * dp, *c), (0.42 * bhx, 0.4 * bhy, zc - dp, *c), (0, 0, zc - dp, *c)]
    return loft(prof, 32, e), zb


def build_sink(params: SinkParams, size: Size) -> list[Part]:
    """Parts of a sink of exactly ``size`` (faucet at the back, basin in front of it)."""
    p = params
    f = _sink_frame(p, size)
    w, d, h, zc = f.w, f.d, f.h, f.zc
    parts: list[Part] = []
    if p.base == "pedestal":
        top, zb = _pedestal_top(p, f)
        parts.append(Part("basin", top, p.basin_material))
        rf = clamp(0.3 * min(w, d), 0.08, 0.14)
        py = -d / 2 + 0.42 * d
        prof = [(0, 0), (rf, 0), (0.92 * rf, 0.03), (0.55 * rf, 0.25 * zb), (0.5 * rf, 0.6 * zb), (0.85 * rf, zb + 0.02),
                (0, zb + 0.02)]
        parts.append(Part("pedestal", lathe(prof, 24, (0.0, py, 0.0), (1.0, 0.8)), p.basin_material))
    else:
        z0 = zc - f.ct
        if p.mount == "vessel":
            parts.append(Part("countertop", rbox((-w / 2, -d / 2, z0), (w / 2, d / 2, zc), 0.004), p.counter_material))
        else:
            y0, y1 = f.bcy - f.bhy, f.bcy + f.bhy
            strips = [box((-w / 2, -d / 2, z0), (w / 2, y0, zc)), box((-w / 2, y1, z0), (w / 2, d / 2, zc))]
            xs = [-w / 2] + [v for bx in f.bxs for v in (bx - f.bhx, bx + f.bhx)] + [w / 2]
            for a, b in zip(xs[0::2], xs[1::2]):
                if b - a > 1e-4:
                    strips.append(box((a, y0, z0), (b, y1, zc)))
            parts.append(Part("countertop", merge(strips), p.counter_material))
        if p.backsplash:
            parts.append(Part("backsplash", box((-w / 2, -d / 2, zc), (w / 2, f.y_splash, zc + min(0.08, 0.5 * (h - zc)))),
                              p.counter_material))
        if p.base == "vanity":
            parts += _vanity(p, f, z0)
        else:
            parts += _console(p, f, z0)
    for i, bx in enumerate(f.bxs):
        sfx = f"_{i}" if len(f.bxs) > 1 else ""
        if p.base != "pedestal":
            if p.mount == "vessel":
                hx, hy, H = f.bhx, f.bhy, min(0.15, h - zc - 0.04)
                c = (bx, f.bcy)
                prof = [(0, 0, zc, *c), (0.45 * hx, 0.45 * hy, zc, *c), (0.85 * hx, 0.85 * hy, zc + 0.3 * H, *c),
                        (hx, hy, zc + H - 0.006, *c), (hx - 0.004, hy - 0.004, zc + H, *c),
                        (hx - 0.01, hy - 0.01, zc + H, *c), (0.8 * hx, 0.8 * hy, zc + 0.45 * H, *c),
                        (0.4 * hx, 0.4 * hy, zc + 0.012, *c), (0, 0, zc + 0.012, *c)]
                parts.append(Part("basin" + sfx, loft(prof, 32, f.e), p.basin_material))
                drain_z = zc + 0.012
            else:
                parts.append(Part("basin" + sfx, _drop_in_basin(f, bx), p.basin_material))
                drain_z = zc - f.depth
        else:
            drain_z = zc - f.depth
        parts.append(Part("drain" + sfx, cylinder((bx, f.bcy, 0.0), 0.018, drain_z - 0.001, drain_z + 0.002, 12),
                          p.faucet_material))
        yf = max(-d / 2 + 0.5 * f.bd, f.y_splash + 0.03)
        if p.mount == "vessel":
            reach = clamp(f.bcy - 0.35 * f.bhy - yf, 0.06, 0.22)
        else:
            reach = clamp(f.bcy - 0.55 * f.bhy - yf, 0.05, 0.2)
        meshes = _faucet(p.faucet, bx, yf, zc, h, reach, -d / 2)
        parts.append(Part("faucet" + sfx, merge(meshes), p.faucet_material))
    return parts


def _vanity(p: SinkParams, f: _SinkFrame, z_top: float) -> list[Part]:
    w, d = f.w, f.d
    x0, x1 = -w / 2 + 0.015, w / 2 - 0.015
    y_face = d / 2 - 0.045
    zb = 0.16 if p.legs else 0.08
    zb = min(zb, 0.25 * z_top)
    t = 0.018  # a hollow carcass: the basin hangs inside it
    carcass = [box((x0, -d / 2, zb), (x0 + t, y_face, z_top)), box((x1 - t, -d / 2, zb), (x1, y_face, z_top)),
               box((x0 + t, -d / 2, zb), (x1 - t, -d / 2 + t, z_top)), box((x0 + t, -d / 2 + t, zb), (x1 - t, y_face, zb + t))]
    parts = [Part("cabinet", merge(carcass), p.cabinet_material)]
    if p.legs:
        for i, (sx, sy) in enumerate(((-1, -1), (1, -1), (1, 1), (-1, 1))):
            lx, ly = sx * (w / 2 - 0.05), (-d / 2 + 0.05) if sy < 0 else (y_face - 0.04)
            parts.append(Part(f"leg_{i}", cylinder((lx, ly, 0.0), 0.018, 0.0, zb + 0.005, 12), p.handle_material
                              if p.handle_material != "chrome" else "brushed steel"))
    else:
        parts.append(Part("plinth", box((x0 + 0.02, -d / 2, 0.0), (x1 - 0.02, y_face - 0.04, zb + 0.005)),
                          "black plastic"))
    gap = 0.004
    H = z_top - 0.01 - zb
    fronts: list[tuple[float, float, float, float, bool]] = []  # x0, x1, z0, z1, horizontal handle
    if p.front == "drawers":
        rows = 3 if H > 0.5 else 2
        cols = 2 if w > 1.0 else 1
        for c in range(cols):
            for r in range(rows):
                fronts.append((x0 + c * (x1 - x0) / cols, x0 + (c + 1) * (x1 - x0) / cols, zb + r * H / rows,
                               zb + (r + 1) * H / rows, True))
    else:
        n = max(1, min(4, int(round((x1 - x0) / 0.45))))
        for c in range(n):
            fronts.append((x0 + c * (x1 - x0) / n, x0 + (c + 1) * (x1 - x0) / n, zb, zb + H, False))
    for k, (a, b, za, zb_, horiz) in enumerate(fronts):
        parts.append(Part(f"door_{k}" if not horiz else f"drawer_{k}",
                          rbox((a + gap, y_face - 0.002, za + gap), (b - gap, y_face + 0.018, zb_ - gap), 0.003),
                          p.cabinet_material))
        yf = y_face + 0.018
        if horiz:
            xc, zh = (a + b) / 2, zb_ - min(0.05, 0.3 * (zb_ - za))
            hl = min(0.08, 0.25 * (b - a))
            m = bar_handle("x", zh, xc - hl, xc + hl, yf, yf + 0.025, 0.006, 8)
        else:
            n_doors = len(fronts)
            hx = (b - 0.04) if (k % 2 == 0 and n_doors > 1) else (a + 0.04)
            if n_doors == 1:
                hx = b - 0.04
            zt = zb_ - 0.04
            m = merge([box((hx - 0.005, yf - 0.001, zt - 0.12), (hx + 0.005, yf + 0.02, zt - 0.11)),
                       box((hx - 0.005, yf - 0.001, zt - 0.01), (hx + 0.005, yf + 0.02, zt)),
                       box((hx - 0.006, yf + 0.014, zt - 0.125), (hx + 0.006, yf + 0.025, zt + 0.005))])
        parts.append(Part(f"handle_{k}", m, p.handle_material))
    return parts


def _console(p: SinkParams, f: _SinkFrame, z_top: float) -> list[Part]:
    w, d = f.w, f.d
    r = 0.015
    mat = p.handle_material
    parts = []
    lx, ly0, ly1 = w / 2 - 0.04, -d / 2 + 0.04, d / 2 - 0.05
    for i, (x, y) in enumerate(((-lx, ly0), (lx, ly0), (lx, ly1), (-lx, ly1))):
        parts.append(Part(f"leg_{i}", cylinder((x, y, 0.0), r, 0.0, z_top, 12), mat))
    zr = 0.18
    if p.shelf:
        parts.append(Part("shelf", rbox((-lx, ly0 - 0.02, zr - 0.02), (lx, ly1 + 0.02, zr), 0.004),
                          p.counter_material if "ceramic" not in p.counter_material else "oak wood"))
    towel_bar = bar_handle("x", z_top - 0.09, -lx + 0.03, lx - 0.03, ly1, ly1 + 0.045, 0.008, 8)
    parts.append(Part("towel_bar", towel_bar, mat))
    return parts


def sink_surfaces(params: SinkParams, size: Size) -> list[Surface]:
    """The counter or deck beside the basin(s), left and right (not the basin); a console's shelf."""
    p = params
    f = _sink_frame(p, size)
    w, d, zc = f.w, f.d, f.zc
    out: list[Surface] = []
    if p.base == "console" and p.shelf:
        lx, ly0, ly1 = w / 2 - 0.04, -d / 2 + 0.04, d / 2 - 0.05
        parts = build_sink(p, size)
        cx, cy = 0.0, (ly0 + ly1) / 2
        top = ray_up(parts, cx, cy, 0.18)
        out.append(Surface(0, 0.18, rect(-lx + 0.03, ly0 - 0.01, lx - 0.03, ly1 + 0.01), "shelf",
                           None if top is None else top - 0.18))
    m = 0.015
    if p.base == "pedestal":
        hx, hy = w / 2 - 0.012, d / 2 - 0.012
        eo = clamp(p.pedestal_shape_exponent, 2.2, 8.0)
        ly = 0.3 * hy
        xi = f.bxs[0] + f.bhx + 0.015
        xo = hx * max(0.0, 0.93 ** eo - (ly / hy) ** eo) ** (1 / eo)
        if xo - xi > 0.02:
            out.append(Surface(len(out), zc, rect(-xo, -ly, -xi, ly), "deck_0", None))
            out.append(Surface(len(out), zc, rect(xi, -ly, xo, ly), "deck_1", None))
        return out
    y0, y1 = f.y_splash + m, d / 2 - m
    lip = 0.012 + 0.012 if p.mount != "vessel" else 0.015
    xa = f.bxs[0] - f.bhx - lip
    xb = f.bxs[-1] + f.bhx + lip
    if xa - (-w / 2 + m) > 0.02:
        out.append(Surface(len(out), zc, rect(-w / 2 + m, y0, xa, y1), "counter_0", None))
    if w / 2 - m - xb > 0.02:
        out.append(Surface(len(out), zc, rect(xb, y0, w / 2 - m, y1), "counter_1", None))
    return out


register_generator("sink", SinkParams, build_sink, sink_surfaces, sample_sink_params)


# --------------------------------------------------------------------------------------------------
# toilet
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ToiletParams:
    category: str = "toilet"
    bowl_shape: str = "elongated"  # elongated | round
    base: str = "pedestal"  # pedestal (a narrow flared foot) | skirted (smooth sides to the floor)
    tank_style: str = "square"  # square | rounded
    tank_width_fraction: float = 0.95
    tank_depth_m: float = 0.18
    seat_height_m: float = 0.42
    flush: str = "button"  # button (on the cistern lid) | lever (front left of the cistern)
    seat_material: str = "white plastic"
    ceramic_material: str = "white ceramic"
    fitting_material: str = "chrome"


def sample_toilet_params(rng: np.random.Generator, size: Size, category: str = "toilet") -> ToiletParams:
    """Sampled toilet: bowl shape, foot, cistern shape and size, flush type, seat finish."""
    ceramic = pick(rng, CERAMICS) if chance(rng, 0.9) else pick(rng, ("black ceramic", "light grey ceramic"))
    seat = pick(rng, ("white plastic", "white plastic", "oak wood", "black plastic", "walnut wood"))
    if ceramic.startswith("black"):
        seat = "black plastic"
    return ToiletParams(
        category=category,
        bowl_shape=pick(rng, ("elongated", "round"), (0.6, 0.4)),
        base=pick(rng, ("pedestal", "skirted"), (0.55, 0.45)),
        tank_style=pick(rng, ("square", "rounded")),
        tank_width_fraction=uniform(rng, 0.82, 1.0),
        tank_depth_m=uniform(rng, 0.15, 0.22),
        seat_height_m=uniform(rng, 0.4, 0.45),
        flush=pick(rng, ("button", "lever"), (0.6, 0.4)),
        seat_material=seat,
        ceramic_material=ceramic,
        fitting_material=pick(rng, ("chrome", "chrome", "brushed steel", "black metal")),
    )


@dataclass(frozen=True)
class _ToiletFrame:
    w: float
    d: float
    h: float
    tw: float
    td: float
    zr: float  # rim top
    st: float  # seat thickness
    lt: float  # lid thickness
    hx: float  # bowl half sizes and centre
    hy: float
    cy: float
    y_b0: float
    lid_t: float  # cistern lid thickness
    tr: float  # cistern corner radius


def _toilet_frame(p: ToiletParams, size: Size) -> _ToiletFrame:
    w, d, h = (float(v) for v in size)
    tw = clamp(p.tank_width_fraction, 0.7, 1.0) * w
    td = clamp(p.tank_depth_m, 0.12, 0.32 * d)
    st, lt = 0.022, 0.02
    zr = clamp(p.seat_height_m, 0.3, h - 0.2) - st - lt * 0.5
    y_b0 = -d / 2 + td - 0.04
    hy = (d / 2 - y_b0) / 2
    hx = min(w / 2, hy * (0.78 if p.bowl_shape == "elongated" else 0.95))
    if 2 * hx < w - 1e-9:
        tw = w  # the cistern is the widest part
    return _ToiletFrame(w, d, h, tw, td, zr, st, lt, hx, hy, y_b0 + hy, y_b0, 0.025,
                        0.04 if p.tank_style == "rounded" else 0.01)


def build_toilet(params: ToiletParams, size: Size) -> list[Part]:
    """Parts of a toilet of exactly ``size``: cistern at the back (-Y), bowl, seat and lid in front."""
    p = params
    f = _toilet_frame(p, size)
    d, h = f.d, f.h
    hx, hy, cy, zr = f.hx, f.hy, f.cy, f.zr
    e = 2.0 if p.bowl_shape == "round" else 2.3
    if p.base == "skirted":
        foot = [(0.9 * hx, 0.94 * hy, 0.0, 0.0, cy - 0.02, 3.0), (0.9 * hx, 0.94 * hy, 0.015, 0.0, cy - 0.02, 3.0),
                (0.93 * hx, 0.96 * hy, 0.5 * zr, 0.0, cy - 0.01, 2.8)]
    else:
        fy = cy - 0.25 * hy
        foot = [(0.5 * hx, 0.62 * hy, 0.0, 0.0, fy), (0.48 * hx, 0.6 * hy, 0.02, 0.0, fy),
                (0.4 * hx, 0.5 * hy, 0.3 * zr, 0.0, fy + 0.02)]
    prof = [(0, 0, 0.0, 0.0, foot[0][4])] + foot + [
        (0.95 * hx, 0.95 * hy, 0.78 * zr, 0.0, cy), (hx, hy, zr - 0.02, 0.0, cy), (0.985 * hx, 0.985 * hy, zr, 0.0, cy),
        (0.74 * hx, 0.74 * hy, zr, 0.0, cy + 0.03 * hy), (0.66 * hx, 0.64 * hy, zr - 0.07, 0.0, cy + 0.06 * hy),
        (0.38 * hx, 0.34 * hy, zr - 0.2, 0.0, cy + 0.12 * hy), (0, 0, zr - 0.2, 0.0, cy + 0.12 * hy)]
    parts = [Part("bowl", loft(prof, 32, e), p.ceramic_material)]
    parts.append(Part("water", loft([(0, 0, zr - 0.2), (0.37 * hx, 0.33 * hy, zr - 0.2, 0.0, cy + 0.12 * hy),
                                     (0.44 * hx, 0.4 * hy, zr - 0.165, 0.0, cy + 0.11 * hy),
                                     (0, 0, zr - 0.165, 0.0, cy + 0.11 * hy)], 16, e), "clear glass"))
    # deck joining bowl and cistern
    tz0 = zr - 0.01
    parts.append(Part("deck", rbox((-0.75 * hx, -d / 2 + 0.03, tz0 - 0.08), (0.75 * hx, f.y_b0 + 0.07, zr + 0.004),
                                   0.02), p.ceramic_material))
    # cistern and its lid
    tw, td = f.tw, f.td
    z_lid = h - f.lid_t
    lid_top = _tank_top(p, f)
    parts.append(Part("tank", rbox((-tw / 2 + 0.006, -d / 2, tz0), (tw / 2 - 0.006, -d / 2 + td - 0.006, z_lid + 0.002),
                                   f.tr, 2), p.ceramic_material))
    parts.append(Part("tank_lid", rbox((-tw / 2, -d / 2, z_lid), (tw / 2, -d / 2 + td, lid_top), min(f.tr, 0.012), 2),
                      p.ceramic_material))
    # seat and lid
    z1 = zr + f.st
    seat = tube([(0.7 * hx, 0.72 * hy, zr + 0.002, 0.0, cy + 0.04 * hy), (0.985 * hx, 0.985 * hy, zr + 0.002, 0.0, cy),
                 (0.985 * hx, 0.985 * hy, z1 - 0.005, 0.0, cy), (0.96 * hx, 0.96 * hy, z1, 0.0, cy),
                 (0.72 * hx, 0.74 * hy, z1, 0.0, cy + 0.04 * hy)], 32, e)
    parts.append(Part("seat", seat, p.seat_material))
    z2 = z1 + f.lt
    lid = loft([(0, 0, z1, 0.0, cy), (0.97 * hx, 0.97 * hy, z1, 0.0, cy), (0.995 * hx, 0.995 * hy, z1 + 0.006, 0.0, cy),
                (0.995 * hx, 0.995 * hy, z2 - 0.007, 0.0, cy), (0.96 * hx, 0.96 * hy, z2, 0.0, cy), (0, 0, z2, 0.0, cy)],
               32, e)
    parts.append(Part("lid", lid, p.seat_material))
    hinge_y = f.y_b0 + 0.035
    parts.append(Part("hinge", merge([cylinder((s * 0.25 * hx, hinge_y, 0.0), 0.012, zr, z2 - 0.004, 12)
                                      for s in (-1, 1)]), p.fitting_material))
    if p.flush == "button":
        parts.append(Part("flush_button", cylinder((0.0, -d / 2 + td / 2, 0.0), min(0.028, 0.3 * td), h - 0.008, h,
                                                   16), p.fitting_material))
    else:
        yf = -d / 2 + td - 0.006
        xl = -tw / 2 + 0.06
        zl = z_lid - 0.05
        plate = upright(cylinder((0.0, 0.0, 0.0), 0.02, 0.0, 0.008, 12), xl, yf, zl)
        arm = box((xl - 0.004, yf + 0.004, zl - 0.007), (xl + 0.07, yf + 0.02, zl + 0.005))
        parts.append(Part("flush_lever", merge([plate, arm]), p.fitting_material))
    return parts


def _tank_top(p: ToiletParams, f: _ToiletFrame) -> float:
    """Top of the cistern lid: a push button stands 3 mm proud of it and ends at the box top."""
    return f.h - 0.003 if p.flush == "button" else f.h


def toilet_surfaces(params: ToiletParams, size: Size) -> list[Surface]:
    """The closed lid, then the cistern lid (beside its flush button)."""
    f = _toilet_frame(params, size)
    z2 = f.zr + f.st + f.lt
    a = 0.6
    lid = Surface(0, z2, rect(-a * f.hx, f.cy - a * f.hy, a * f.hx, f.cy + a * f.hy), "lid", None)
    m = 0.02
    x0, x1 = -f.tw / 2 + m, f.tw / 2 - m
    if params.flush == "button":
        x1 = -min(0.028, 0.3 * f.td) - 0.012
    tank = Surface(1, _tank_top(params, f), rect(x0, -f.d / 2 + m, x1, -f.d / 2 + f.td - m), "tank_lid", None)
    return [lid, tank]


register_generator("toilet", ToiletParams, build_toilet, toilet_surfaces, sample_toilet_params)


# --------------------------------------------------------------------------------------------------
# bathtub
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BathtubParams:
    category: str = "bathtub"
    style: str = "built_in"  # built_in | freestanding | clawfoot
    shape_exponent: float = 2.4  # superellipse exponent of a freestanding tub (2 oval .. 4 squircle)
    cavity_exponent: float = 4.0
    tap: str = "deck"  # deck (built in) | floor (freestanding / clawfoot) | rim (clawfoot)
    tap_end: int = 1  # +1: taps at +X, the backrest at -X
    tap_rise_m: float = 0.12
    rim_width_m: float = 0.05
    end_deck_m: float = 0.12
    foot_height_m: float = 0.12
    caddy: bool = False
    tub_material: str = "white ceramic"
    exterior_material: str = "white ceramic"
    apron_material: str = "white plastic"
    fitting_material: str = "chrome"


def sample_bathtub_params(rng: np.random.Generator, size: Size, category: str = "bathtub") -> BathtubParams:
    """Sampled tub: built in, freestanding or clawfoot; shape; tap type and end; finishes; caddy."""
    style = pick(rng, ("built_in", "freestanding", "clawfoot"), (0.45, 0.3, 0.25))
    tap = "deck" if style == "built_in" else ("floor" if style == "freestanding" else pick(rng, ("floor", "rim")))
    ext = "white ceramic"
    if style == "clawfoot":
        ext = pick(rng, ("black painted metal", "navy painted metal", "sage painted metal", "white ceramic", "copper",
                         "burgundy painted metal", "dark grey painted metal"))
    elif style == "freestanding" and chance(rng, 0.3):
        ext = pick(rng, ("black painted metal", "grey ceramic", "concrete", "copper"))
    return BathtubParams(
        category=category,
        style=style,
        shape_exponent=uniform(rng, 2.0, 2.6) if style == "clawfoot" else uniform(rng, 2.0, 4.0),
        cavity_exponent=uniform(rng, 3.0, 6.0),
        tap=tap,
        tap_end=pick(rng, (1, -1)),
        tap_rise_m=uniform(rng, 0.08, 0.14),
        rim_width_m=uniform(rng, 0.035, 0.06),
        end_deck_m=uniform(rng, 0.08, 0.16),
        foot_height_m=uniform(rng, 0.1, 0.16),
        caddy=style != "built_in" and chance(rng, 0.35),
        tub_material=pick(rng, ("white ceramic", "white ceramic", "white plastic", "porcelain")),
        exterior_material=ext,
        apron_material=pick(rng, ("white plastic", "white tile", "oak wood", "white marble", "grey painted wood")),
        fitting_material=pick(rng, FINISHES),
    )


@dataclass(frozen=True)
class _TubFrame:
    w: float
    d: float
    h: float
    rim: float
    s: float  # tap end sign
    hx: float  # outer half sizes and centre x of the tub shell
    hy: float
    cx: float
    z0: float  # bottom of the shell
    rw: float  # rim width
    e: float
    # cavity (inner top) half sizes / centre
    chx: float
    chy: float
    ccx: float
    ccy: float
    ce: float
    floor: float


def _tub_frame(p: BathtubParams, size: Size) -> _TubFrame:
    w, d, h = (float(v) for v in size)
    rise = clamp(p.tap_rise_m, 0.05, 0.3 * h)
    rim = h - rise
    s = 1.0 if p.tap_end >= 0 else -1.0
    rw = clamp(p.rim_width_m, 0.025, 0.08)
    if p.style == "built_in":
        back_deck = clamp(p.end_deck_m, 0.08, 0.2)  # flat deck at the backrest end
        tap_deck = 0.15  # room for the mixer at the tap end
        chx = (w - back_deck - tap_deck) / 2
        ccx = s * (back_deck - tap_deck) / 2
        chy = d / 2 - 0.06
        return _TubFrame(w, d, h, rim, s, w / 2, d / 2, 0.0, 0.04, rw, 14.0, chx, chy, ccx, 0.015,
                         clamp(p.cavity_exponent, 2.5, 8.0), 0.09)
    tap_room = 0.12 if p.tap == "floor" else 0.0
    hx = (w - tap_room) / 2
    cx = -s * tap_room / 2
    z0 = clamp(p.foot_height_m, 0.06, 0.3 * rim) if p.style == "clawfoot" else 0.0
    e = clamp(p.shape_exponent, 2.0, 5.0)
    return _TubFrame(w, d, h, rim, s, hx, d / 2, cx, z0, rw, e, hx - rw, d / 2 - rw, cx, 0.0, e, z0 + 0.05)


def build_bathtub(params: BathtubParams, size: Size) -> list[Part]:
    """Parts of a bathtub of exactly ``size`` (long side along X, front apron at +Y)."""
    p = params
    f = _tub_frame(p, size)
    w, d, h, rim = f.w, f.d, f.h, f.rim
    parts: list[Part] = []
    depth = rim - f.floor
    c = (f.ccx, f.ccy)
    fx = f.ccx + f.s * 0.08 * f.chx  # floor centre, shifted away from the sloping backrest
    inner = [(f.chx, f.chy, rim, *c, f.ce), (f.chx - 0.01, f.chy - 0.01, rim - 0.015, *c, f.ce),
             (0.95 * f.chx, 0.93 * f.chy, rim - 0.45 * depth, f.ccx + f.s * 0.03 * f.chx, f.ccy, f.ce),
             (0.8 * f.chx, 0.8 * f.chy, f.floor + 0.03, f.ccx + f.s * 0.06 * f.chx, f.ccy, f.ce),
             (0.66 * f.chx, 0.66 * f.chy, f.floor, fx, f.ccy, f.ce),
             (0, 0, f.floor, fx, f.ccy)]
    if p.style == "built_in":
        dt = 0.03
        outer = [(0, 0, f.z0, fx, f.ccy),
                 (0.74 * f.chx, 0.74 * f.chy, f.z0, fx, f.ccy, f.ce),
                 (0.98 * f.chx, 0.96 * f.chy, rim - 0.5 * depth, f.ccx, f.ccy, f.ce),
                 (f.chx + 0.02, f.chy + 0.02, rim - dt, *c, f.ce),
                 (w / 2, d / 2, rim - dt, 0.0, 0.0, 14.0), (w / 2, d / 2, rim, 0.0, 0.0, 14.0)]
        parts.append(Part("tub", loft(outer + inner, 40, 2.0), p.tub_material))
        pt = 0.02
        parts.append(Part("apron", box((-w / 2 + 0.01, d / 2 - pt - 0.004, 0.0), (w / 2 - 0.01, d / 2 - 0.004, rim - dt)),
                          p.apron_material))
        parts.append(Part("surround", merge([box((-w / 2 + 0.01, -d / 2 + 0.03, 0.0), (-w / 2 + 0.03, d / 2 - pt, rim - dt)),
                                             box((w / 2 - 0.03, -d / 2 + 0.03, 0.0), (w / 2 - 0.01, d / 2 - pt, rim - dt)),
                                             box((-w / 2 + 0.03, -d / 2 + 0.03, 0.0), (w / 2 - 0.03, -d / 2 + 0.05,
                                                                                        rim - dt))]),
                          p.apron_material))
        # the deck mixer at the tap end
        edge = f.s * f.ccx + f.chx  # cavity edge towards the tap end (distance from the centre)
        xt = f.s * (w / 2 + edge) / 2
        reach = 0.1
        spout = _tub_spout(xt, 0.0, rim, h, -f.s, reach)
        parts.append(Part("faucet", merge(spout), p.fitting_material))
    else:
        z0 = f.z0
        e = f.e
        cx = f.cx
        if p.style == "clawfoot":
            outer = [(0, 0, z0, cx), (0.8 * f.hx, 0.72 * f.hy, z0, cx), (0.9 * f.hx, 0.86 * f.hy, z0 + 0.35 * (rim - z0), cx),
                     (0.96 * f.hx, 0.95 * f.hy, rim - 0.06, cx), (f.hx, f.hy, rim - 0.025, cx),
                     (f.hx - 0.008, f.hy - 0.008, rim, cx)]
        else:
            outer = [(0, 0, 0.0, cx), (0.8 * f.hx, 0.76 * f.hy, 0.0, cx), (0.8 * f.hx, 0.76 * f.hy, 0.035, cx),
                     (0.84 * f.hx, 0.8 * f.hy, 0.05, cx), (0.95 * f.hx, 0.94 * f.hy, 0.45 * rim, cx),
                     (f.hx, f.hy, rim - 0.012, cx), (f.hx - 0.006, f.hy - 0.006, rim, cx)]
        if p.exterior_material != p.tub_material:
            parts.append(Part("tub_exterior", _exterior(outer, z0, cx, e), p.exterior_material))
            o = 0.003
            outer = [outer[0]] + [(r[0] - o, r[1] - o, *r[2:]) for r in outer[1:-1]] + [outer[-1]]
        parts.append(Part("tub", loft(outer + inner, 40, e), p.tub_material))
        if p.style == "clawfoot":
            fmat = p.fitting_material if p.fitting_material not in ("chrome", "brushed steel") else "cast iron"
            if p.exterior_material.startswith(("black", "navy", "dark")):
                fmat = pick_static(("brass", "gold", "chrome"), p.foot_height_m)
            for i, (sx, sy) in enumerate(((-1, -1), (1, -1), (1, 1), (-1, 1))):
                x, y = cx + sx * 0.62 * f.hx, sy * 0.42 * f.hy
                prof = [(0, 0), (0.032, 0), (0.04, 0.015), (0.03, 0.035), (0.022, 0.5 * z0), (0.035, z0 - 0.01),
                        (0.05, z0 + 0.03), (0, z0 + 0.03)]
                parts.append(Part(f"foot_{i}", lathe(prof, 12, (x, y, 0.0), (1.0, 0.8)), fmat))
        if p.tap == "floor":
            xt = f.s * (w / 2 - 0.03)
            meshes = _floor_tap(xt, 0.0, h, -f.s, 0.03 + 0.06 + f.rw)
            parts.append(Part("faucet", merge(meshes), p.fitting_material))
        else:
            xt = cx + f.s * (f.hx - f.rw / 2)
            meshes = _rim_tap(xt, rim, h, -f.s)
            parts.append(Part("faucet", merge(meshes), p.fitting_material))
        if p.caddy:
            xc = cx - f.s * 0.15 * f.hx
            hy = f.hy - 0.01
            parts.append(Part("caddy", rbox((xc - 0.1, -hy, rim), (xc + 0.1, hy, rim + 0.018), 0.004), "oak wood"))
    # drain at the tap end of the floor
    dx = fx + f.s * 0.45 * 0.66 * f.chx
    parts.append(Part("drain", cylinder((dx, f.ccy, 0.0), 0.025, f.floor - 0.002, f.floor + 0.002, 12), p.fitting_material
                      if p.fitting_material != "gold" else "brass"))
    return parts


def _exterior(outer: list, z0: float, cx: float, e: float) -> object:
    """A thin painted skin on the tub's outside (the tub shell itself is shrunk under it), from its
    bottom (or the plinth top) to the widest ring under the rim, closed through the tub's wall."""
    o = 0.003
    rings = [r for r in outer[1:-1] if r[2] > 1e-6]
    bottom = abs(rings[0][2] - z0) < 1e-9 and z0 > 0
    out_r = [(r[0], r[1], r[2] - (o if (i == 0 and bottom) else 0.0), *r[3:]) for i, r in enumerate(rings)]
    in_r = [(r[0] - 3 * o, r[1] - 3 * o, r[2] + (o if i == 0 else 0.0), *r[3:]) for i, r in enumerate(rings)]
    prof = [(0, 0, out_r[0][2], cx)] + out_r + in_r[::-1] + [(0, 0, in_r[0][2], cx)]
    return loft(prof, 40, e)


def pick_static(options: tuple, key: float) -> str:
    """A deterministic choice from a stored float (keeps old params building the same)."""
    return options[int(key * 1000) % len(options)]


def _tub_spout(x: float, y: float, z0: float, z_top: float, toward: float, reach: float) -> list:
    """A deck mixer at (x, y) with a spout arching towards ``toward`` (+-1 along X)."""
    H = z_top - z0
    r = clamp(0.16 * H, 0.012, 0.02)
    ra = clamp(0.45 * H, 0.03, 0.06)
    zt = z_top - ra - r
    path = [(x, y, z0), (x, y, zt)]
    for t in np.linspace(0.0, math.pi * 0.85, 6)[1:]:
        path.append((x + toward * (ra - ra * math.cos(t)), y, zt + ra * math.sin(t)))
    out = [cylinder((x, y, 0.0), 1.5 * r, z0, z0 + 0.015, 12), pipe(path, r, 8)]
    for s in (-1.0, 1.0):
        out.append(cylinder((x, y + s * 0.07, 0.0), 0.9 * r, z0, z0 + 0.6 * H, 12))
        out.append(box((x - 0.006, y + s * 0.07 - 0.025, z0 + 0.6 * H - 0.01), (x + 0.006, y + s * 0.07 + 0.025,
                                                                                 z0 + 0.6 * H)))
    return fit_top(out, z0, z_top)


def _floor_tap(x: float, y: float, z_top: float, toward: float, reach: float) -> list:
    """A floor-standing bath filler: a column with a foot plate and a spout over the rim."""
    r = 0.016
    ra = 0.06
    zt = z_top - ra - r
    path = [(x, y, 0.0), (x, y, zt)]
    for t in np.linspace(0.0, math.pi * 0.5, 5)[1:]:
        path.append((x + toward * (ra - ra * math.cos(t)), y, zt + ra * math.sin(t)))
    path.append((x + toward * (ra + max(0.0, reach - ra)), y, zt + ra))
    path.append((x + toward * (ra + max(0.0, reach - ra) + 0.02), y, zt + ra - 0.03))
    out = [cylinder((x, y, 0.0), 0.03, 0.0, 0.012, 16), pipe(path, r, 8),
           cylinder((x, y, 0.0), 0.022, 0.5 * z_top, 0.5 * z_top + 0.06, 12),
           translate(box((-0.006, -0.035, -0.006), (0.006, 0.035, 0.006)), x, y, 0.5 * z_top + 0.07)]
    return fit_top(out, 0.0, z_top)


def _rim_tap(x: float, rim: float, z_top: float, toward: float) -> list:
    """A rim-mounted 'telephone' mixer: two pillars on the rim, a crossbar, a spout and a handset."""
    H = z_top - rim
    off = 0.08
    zb = rim + 0.55 * H
    out = []
    for s in (-1.0, 1.0):
        out.append(cylinder((x, s * off, 0.0), 0.013, rim, zb + 0.01, 12))
        out.append(box((x - 0.018, s * off - 0.005, z_top - 0.01), (x + 0.018, s * off + 0.005, z_top)))
        out.append(cylinder((x, s * off, 0.0), 0.006, zb, z_top - 0.008, 8))
    out.append(pipe([(x, -off, zb), (x, off, zb)], 0.011, 8))
    out.append(pipe([(x, 0.0, zb), (x + toward * 0.06, 0.0, zb + 0.01), (x + toward * 0.09, 0.0, zb - 0.02)], 0.01, 8))
    return out


def bathtub_surfaces(params: BathtubParams, size: Size) -> list[Surface]:
    """The deck at the backrest end (built in) or the flat rim there (freestanding), and a caddy."""
    p = params
    f = _tub_frame(p, size)
    b = -f.s
    out: list[Surface] = []
    if p.style == "built_in":
        inner = f.ccx + b * f.chx  # cavity edge at the backrest end
        x0, x1 = sorted((inner + b * 0.02, b * (f.w / 2 - 0.03)))
        ly = 0.6 * f.d / 2
        if x1 - x0 > 0.02:
            out.append(Surface(0, f.rim, rect(x0, -ly, x1, ly), "deck", None))
        return out
    xo = f.cx + b * (f.hx - 0.008)  # outer flat rim edge
    xi = f.cx + b * (f.hx - f.rw)
    x0, x1 = sorted((xi + b * 0.006, xo - b * 0.006))
    ly = 0.02
    out.append(Surface(0, f.rim, rect(x0, -ly, x1, ly), "rim", None))
    if p.caddy:
        xc = f.cx - f.s * 0.15 * f.hx
        hy = f.hy - 0.02
        out.append(Surface(1, f.rim + 0.018, rect(xc - 0.09, -hy * 0.8, xc + 0.09, hy * 0.8), "caddy", None))
    return out


register_generator("bathtub", BathtubParams, build_bathtub, bathtub_surfaces, sample_bathtub_params)


# --------------------------------------------------------------------------------------------------
# shower
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ShowerParams:
    category: str = "shower"
    enclosure: str = "alcove"  # alcove (front glass) | corner (front + right side) | walk_in | quadrant
    door: str = "hinged"  # hinged | sliding
    framed: bool = True
    door_fraction: float = 0.55
    tray_height_m: float = 0.05
    head: str = "rain_round"  # rain_round | rain_square | handheld
    head_size_m: float = 0.25
    riser_x_fraction: float = 0.0  # riser position along the back wall (0 centre .. 0.3 right)
    shelf_height_m: float = 1.2
    glass_material: str = "clear glass"
    frame_material: str = "chrome"
    tray_material: str = "white ceramic"


def sample_shower_params(rng: np.random.Generator, size: Size, category: str = "shower") -> ShowerParams:
    """Sampled shower: enclosure type, door, frame, tray, head type and size, finishes."""
    enclosure = pick(rng, ("alcove", "corner", "walk_in", "quadrant"), (0.3, 0.3, 0.22, 0.18))
    frame = pick(rng, ("chrome", "black metal", "brushed steel", "brass"), (0.45, 0.35, 0.12, 0.08))
    return ShowerParams(
        category=category,
        enclosure=enclosure,
        door=pick(rng, ("hinged", "sliding")),
        framed=chance(rng, 0.5),
        door_fraction=uniform(rng, 0.45, 0.6),
        tray_height_m=uniform(rng, 0.025, 0.12),
        head=pick(rng, ("rain_round", "rain_square", "handheld"), (0.4, 0.3, 0.3)),
        head_size_m=uniform(rng, 0.2, 0.3),
        riser_x_fraction=uniform(rng, 0.0, 0.25),
        shelf_height_m=uniform(rng, 1.05, 1.35),
        glass_material=pick(rng, ("clear glass", "clear glass", "frosted glass")),
        frame_material=frame,
        tray_material=pick(rng, ("white ceramic", "white plastic", "slate", "white ceramic", "grey ceramic")),
    )


def _panel(x0: float, x1: float, y: float, z0: float, z1: float, t: float) -> object:
    return box((x0, y - t / 2, z0), (x1, y + t / 2, z1))


def _seg(p0: tuple[float, float], p1: tuple[float, float], z0: float, z1: float, t: float) -> object:
    """A thin vertical panel standing on the segment p0-p1."""
    (xa, ya), (xb, yb) = p0, p1
    L = math.hypot(xb - xa, yb - ya)
    ang = math.degrees(math.atan2(yb - ya, xb - xa))
    m = rotation_z(ang)
    m[0, 3], m[1, 3] = (xa + xb) / 2, (ya + yb) / 2
    return transformed(box((-L / 2, -t / 2, z0), (L / 2, t / 2, z1)), m)


def build_shower(params: ShowerParams, size: Size) -> list[Part]:
    """Parts of a shower of exactly ``size`` (wall side at -Y, glass and door towards +Y)."""
    p = params
    w, d, h = (float(v) for v in size)
    th = clamp(p.tray_height_m, 0.02, 0.15)
    parts: list[Part] = []
    t = 0.008
    fm = 0.025  # frame profile size
    inset = 0.06
    glass: list = []
    frame: list = []
    door: list = []
    handle: list = []
    quadrant = p.enclosure == "quadrant"
    if quadrant:
        k = 10
        pts = [(-w / 2, -d / 2)] + [(-w / 2 + w * math.cos(a), -d / 2 + d * math.sin(a))
                                    for a in np.linspace(0.0, math.pi / 2, k + 1)]
        parts.append(Part("tray", prism(pts, 0.0, th), p.tray_material))
        arc = [(-w / 2 + (w - inset) * math.cos(a), -d / 2 + (d - inset) * math.sin(a))
               for a in np.linspace(0.0, math.pi / 2, 7)]
        arc[0] = (arc[0][0], arc[0][1] + 0.015)
        arc[-1] = (arc[-1][0] + 0.015, arc[-1][1])
        for i in range(6):
            seg = _seg(arc[i], arc[i + 1], th, h, t)
            (door if i in (2, 3) else glass).append(seg)
        if p.framed:
            for i in range(6):
                frame.append(_seg(arc[i], arc[i + 1], h - fm, h, 0.02))
                frame.append(_seg(arc[i], arc[i + 1], th, th + fm, 0.02))
            for q in (arc[0], arc[-1]):
                lo = (max(q[0] - 0.012, -w / 2), max(q[1] - 0.012, -d / 2), th)
                frame.append(box(lo, (lo[0] + 0.024, lo[1] + 0.024, h)))
        mid = arc[3]
        handle.append(cylinder((mid[0] + 0.015 * 0.7, mid[1] + 0.015 * 0.7, 0.0), 0.01, 0.95, 1.25, 8))
        drain_xy = (-w / 2 + 0.45 * w, -d / 2 + 0.45 * d)
    else:
        parts.append(Part("tray", rbox((-w / 2, -d / 2, 0.0), (w / 2, d / 2, th), 0.01, 2), p.tray_material))
        yg = d / 2 - inset
        xr = w / 2 - inset if p.enclosure == "corner" else w / 2 - 0.01
        if p.enclosure == "walk_in":
            x1 = -w / 2 + clamp(0.6 * w, 0.5, w - 0.35)
            glass.append(_panel(-w / 2, x1, yg, th, h, t))
            frame.append(cylinder((x1 - 0.02, yg, 0.0), 0.008, h - 0.03, h - 0.014, 8))
            frame.append(pipe([(x1 - 0.02, yg, h - 0.022), (x1 - 0.02, -d / 2 + 0.01, h - 0.022)], 0.008, 8))
            frame.append(box((x1 - 0.03, -d / 2, h - 0.035), (x1 - 0.01, -d / 2 + 0.012, h - 0.01)))
            if p.framed:
                frame.append(box((-w / 2, yg - 0.012, th), (-w / 2 + 0.02, yg + 0.012, h)))
                frame.append(box((-w / 2, yg - 0.012, th), (x1, yg + 0.012, th + 0.02)))
            else:
                frame.append(box((-w / 2, yg - 0.012, th), (x1, yg + 0.012, th + 0.015)))
        else:
            dfr = clamp(p.door_fraction, 0.35, 0.7)
            span = xr + w / 2
            xs = -w / 2 + (1 - dfr) * span
            glass.append(_panel(-w / 2, xs + (0.03 if p.door == "sliding" else 0.0), yg, th, h, t))
            if p.door == "sliding":
                door.append(_panel(xs - 0.03, xr - 0.005, yg + 0.014, th + 0.01, h - 0.03, t))
                hx = xs + 0.05
                handle.append(box((hx - 0.012, yg + 0.016, 0.95), (hx + 0.012, yg + 0.034, 1.3)))
            else:
                door.append(_panel(xs + 0.005, xr - 0.005, yg, th + 0.01, h - (0.03 if p.framed else 0.0), t))
                hx = xs + 0.05
                handle.append(merge([cylinder((hx, yg + 0.035, 0.0), 0.01, 0.9, 1.3, 8),
                                     box((hx - 0.006, yg, 0.93), (hx + 0.006, yg + 0.03, 0.95)),
                                     box((hx - 0.006, yg, 1.25), (hx + 0.006, yg + 0.03, 1.27))]))
                if not p.framed:
                    for z in (th + 0.2, h - 0.25):
                        frame.append(box((xs - 0.015, yg - 0.012, z), (xs + 0.015, yg + 0.012, z + 0.06)))
            if p.enclosure == "corner":
                glass.append(box((xr - t / 2, -d / 2, th), (xr + t / 2, yg, h)))
            if p.framed:
                frame.append(box((-w / 2, yg - 0.015, h - fm), (xr + 0.01, yg + 0.03 if p.door == "sliding" else yg + 0.015,
                                                               h)))
                frame.append(box((-w / 2, yg - 0.015, th), (xr + 0.01, yg + 0.015, th + 0.015)))
                frame.append(box((-w / 2, yg - 0.015, th), (-w / 2 + 0.02, yg + 0.015, h)))
                frame.append(box((xr - 0.01, yg - 0.015, th), (xr + 0.01, yg + 0.015, h)))
                if p.enclosure == "corner":
                    frame.append(box((xr - 0.012, -d / 2, h - fm), (xr + 0.012, yg, h)))
                    frame.append(box((xr - 0.012, -d / 2, th), (xr + 0.012, -d / 2 + 0.02, h)))
            elif p.door == "sliding":
                frame.append(box((-w / 2, yg - 0.01, h - 0.02), (xr, yg + 0.03, h)))
        drain_xy = (0.0, 0.0)
    parts.append(Part("glass", merge(glass), p.glass_material))
    if door:
        parts.append(Part("door", merge(door), p.glass_material))
    if frame:
        parts.append(Part("frame", merge(frame), p.frame_material))
    if handle:
        parts.append(Part("handle", merge(handle), p.frame_material))
    parts.append(Part("drain", cylinder((drain_xy[0], drain_xy[1], 0.0), 0.04, th - 0.001, th + 0.002, 16),
                      "brushed steel"))
    # riser, head and mixer on the back wall
    xr_ = clamp(p.riser_x_fraction, 0.0, 0.25) * w
    yw = -d / 2
    zm = 1.0 + th * 0.5
    parts.append(Part("mixer", merge([disc_y(xr_, yw, zm, 0.06, 0.012),
                                      disc_y(xr_, yw + 0.01, zm, 0.022, 0.05),
                                      box((xr_ - 0.007, yw + 0.05, zm - 0.007), (xr_ + 0.06, yw + 0.065, zm + 0.007))]),
                      p.frame_material))
    rr = 0.012
    yr = yw + 0.045
    top = min(h - 0.12, 2.05)
    if p.head == "handheld":
        bar = merge([cylinder((xr_, yr, 0.0), rr, zm + 0.15, top, 8),
                     box((xr_ - 0.01, yw, zm + 0.15), (xr_ + 0.01, yr, zm + 0.18)),
                     box((xr_ - 0.01, yw, top - 0.03), (xr_ + 0.01, yr, top))])
        parts.append(Part("riser", bar, p.frame_material))
        zh = top - 0.25
        hand = merge([pipe([(xr_, yr + 0.02, zh - 0.12), (xr_, yr + 0.05, zh + 0.08)], 0.013, 8),
                      transformed(cylinder((0.0, 0.0, 0.0), 0.045, 0.0, 0.025, 16),
                                  _tilt_to_front(xr_, yr + 0.05, zh + 0.08))])
        parts.append(Part("shower_head", hand, p.frame_material))
    else:
        reach = clamp(0.35, 0.15, 0.45 * d)
        riser = merge([cylinder((xr_, yr, 0.0), rr, zm, top + 0.02, 8),
                       pipe([(xr_, yr, top), (xr_, yr + reach, top)], rr, 8)])
        parts.append(Part("riser", riser, p.frame_material))
        hs = clamp(p.head_size_m, 0.12, min(0.35, 2 * (w / 2 - xr_ - 0.04), 2 * (d / 2 - yr - reach - 0.02)))
        cy = yr + reach
        if p.head == "rain_square":
            head = rbox((xr_ - hs / 2, cy - hs / 2, top - 0.045), (xr_ + hs / 2, cy + hs / 2, top - 0.03), 0.004)
        else:
            head = lathe([(0, 0), (hs / 2, 0), (hs / 2, 0.01), (0.3 * hs, 0.02), (0.02, 0.03), (0.0, 0.03)], 24,
                         (xr_, cy, top - 0.045))
        parts.append(Part("shower_head", merge([head, cylinder((xr_, cy, 0.0), 0.012, top - 0.035, top, 8)]),
                          p.frame_material))
    # corner shelf at the back left
    L, zs = _shower_shelf(p, w, h)
    shelf = prism([(-w / 2 + 0.005, -d / 2 + 0.005), (-w / 2 + 0.005 + L, -d / 2 + 0.005), (-w / 2 + 0.005, -d / 2 + 0.005 + L)],
                  zs - 0.008, zs)
    parts.append(Part("shelf", shelf, "brushed steel" if p.frame_material != "black metal" else "black metal"))
    return parts


def _shower_shelf(p: ShowerParams, w: float, h: float) -> tuple[float, float]:
    """Side length and height of the triangular corner shelf."""
    return clamp(0.2, 0.12, 0.3 * w), clamp(p.shelf_height_m, 0.8, h - 0.5)


def _tilt_to_front(x: float, y: float, z: float) -> np.ndarray:
    """Turn local +Z to face the front and a little down, then move to (x, y, z)."""
    m = rotation_x(-70.0)
    m[:3, 3] = (x, y, z)
    return m


def shower_surfaces(params: ShowerParams, size: Size) -> list[Surface]:
    """The corner shelf."""
    w, d, h = (float(v) for v in size)
    L, zs = _shower_shelf(params, w, h)
    x0, y0 = -w / 2 + 0.012, -d / 2 + 0.012
    Li = L - 0.02
    return [Surface(0, zs, ((x0, y0), (x0 + Li, y0), (x0, y0 + Li)), "shelf", None)]


register_generator("shower", ShowerParams, build_shower, shower_surfaces, sample_shower_params)
