"""Children's furniture: bunk beds, cribs, changing tables and toy chests.

- ``bunk_bed``: two bunks one above the other between four corner posts (wood boards or metal
  tubes), each with a deck and a mattress (and sometimes a pillow at the head, -Y); guard rails
  round the upper bunk (slats, a solid panel or bars) with an opening where the ladder comes up; the
  ladder stands on the long side (+X or -X) or the foot end (+Y); head and foot panels.
- ``crib``: a slatted or spindled cot: four posts, end panels (flat, arched or slatted), vertical
  slats along both long sides, a mattress on a deck at an adjustable height; on legs or casters.
- ``changing_table``: a cabinet (open shelves, drawers, or drawers over a shelf) on legs or a
  plinth, with raised rails on the back and sides of its top and a changing pad (flat or contoured)
  across the whole top or beside a storage tray.
- ``toy_chest``: a box with a lid (flat, framed or cushioned), a plain, panelled or slatted front,
  rope or metal side handles, on a plinth, feet or casters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import trimesh

from ..parts import Part
from ..primitives import box, cylinder, cylinder_along, frustum, lathe, merge, rounded_box
from ..surfaces import Surface, rect
from ._shapes import slab_xz
from .params import chance, clamp, pick, register_generator, uniform
from .seating import sweep_tube

Size = tuple[float, float, float]

KID_WOODS = ("white painted wood", "pine wood", "beech wood", "oak wood", "birch plywood", "grey painted wood",
             "sage painted wood", "white painted wood", "walnut wood")
KID_COLOURS = ("mint painted wood", "pastel pink painted wood", "sky blue painted wood", "yellow painted wood",
               "white painted wood", "lavender painted wood", "sage painted wood", "coral painted wood")
SHEETS = ("white cotton", "light blue cotton", "pastel pink cotton", "mint cotton", "cream cotton", "light grey cotton",
          "yellow cotton", "navy cotton")


def _member(metal: bool, lo, hi, r: float = 0.005) -> trimesh.Trimesh:
    """A frame member between two corners: a rounded board, or for metal frames a tube along the
    longest axis filling the smaller half extent."""
    lo = np.asarray(lo, dtype=float)
    hi = np.asarray(hi, dtype=float)
    ext = hi - lo
    if not metal:
        return box(lo, hi) if float(ext.min()) < 0.03 else rounded_box(lo, hi, r, steps=1)
    ax = int(np.argmax(ext))
    others = [i for i in range(3) if i != ax]
    rad = 0.5 * min(ext[others[0]], ext[others[1]])
    c = (lo + hi) / 2.0
    start = c.copy()
    start[ax] = lo[ax]
    sec = 8 if rad < 0.012 else 12
    if ax == 2:
        return cylinder((c[0], c[1], 0.0), rad, lo[2], hi[2], sec)
    return cylinder_along("xyz"[ax], start, ext[ax], rad, sec)


# ----------------------------------------------------------------------------------------------
# bunk bed


@dataclass(frozen=True)
class BunkBedParams:
    category: str = "bunk_bed"
    frame_style: str = "wood"  # wood (square posts, boards) | metal (tubes)
    guard_style: str = "slats"  # slats | panel | bars
    end_style: str = "panel"  # panel | slats | bars (head and foot ends)
    ladder: str = "side"  # side (on a long side, at the foot end) | end (on the foot end, +Y)
    ladder_left: bool = False  # side ladder on -X (else +X); end ladder towards -X (else +X)
    lower_deck_m: float = 0.22  # top of the lower deck above the floor
    mattress_thickness_m: float = 0.13
    guard_above_m: float = 0.22  # guard rail top above the upper mattress
    post_size_m: float = 0.07
    post_extension_m: float = 0.03  # posts above the guard rail
    pillows: bool = True
    frame_material: str = "white painted wood"
    mattress_material: str = "white cotton"
    pillow_material: str = "light blue cotton"


def sample_bunk_bed_params(rng: np.random.Generator, size: Size, category: str = "bunk_bed") -> BunkBedParams:
    """Bunk beds: painted or natural wood, or metal tube frames; varied guards, ends and ladders."""
    style = pick(rng, ("wood", "metal"), (0.7, 0.3))
    frame = pick(rng, KID_WOODS) if style == "wood" else pick(rng, ("black metal", "white painted metal",
                                                                     "grey painted metal", "navy painted metal"))
    return BunkBedParams(
        category=category,
        frame_style=style,
        guard_style=pick(rng, ("slats", "panel", "bars")),
        end_style=pick(rng, ("panel", "slats", "bars")),
        ladder=pick(rng, ("side", "end"), (0.65, 0.35)),
        ladder_left=chance(rng, 0.5),
        lower_deck_m=uniform(rng, 0.16, 0.3),
        mattress_thickness_m=uniform(rng, 0.1, 0.16),
        guard_above_m=uniform(rng, 0.18, 0.3),
        post_size_m=uniform(rng, 0.055, 0.085) if style == "wood" else uniform(rng, 0.04, 0.055),
        post_extension_m=uniform(rng, 0.0, 0.06) if style == "wood" else 0.0,
        pillows=chance(rng, 0.7),
        frame_material=frame,
        mattress_material=pick(rng, SHEETS),
        pillow_material=pick(rng, SHEETS),
    )


@dataclass(frozen=True)
class _Bunk:
    w: float
    d: float
    h: float
    ps: float  # post size
    rt: float  # rail thickness
    dt: float  # deck thickness
    mt: float  # mattress thickness
    lower: float  # lower deck top
    upper: float  # upper deck top
    guard_top: float
    mx: float  # mattress half width
    my: float  # mattress half length
    metal: bool
    lad_y: tuple[float, float]  # side ladder span along y
    lad_x: tuple[float, float]  # end ladder span along x
    pillow_d: float


def _bunk(p: BunkBedParams, size: Size) -> _Bunk:
    w, d, h = (float(v) for v in size)
    metal = p.frame_style == "metal"
    ps = clamp(p.post_size_m, 0.035, 0.09)
    rt = clamp(0.6 * ps, 0.022, 0.04)
    dt = 0.02
    mt = clamp(p.mattress_thickness_m, 0.08, 0.18)
    guard_top = h - clamp(p.post_extension_m, 0.0, 0.08)
    upper_m = guard_top - clamp(p.guard_above_m, 0.16, 0.35)
    upper = upper_m - mt
    lower = clamp(p.lower_deck_m, 0.12, 0.35)
    # keep at least 0.5 m sitting room under the upper bunk
    lower = min(lower, max(0.1, upper - dt - 0.5 - mt))
    mx = w / 2.0 - ps
    my = d / 2.0 - ps
    lw = clamp(0.38, 0.3, 0.35 * d)
    y1 = d / 2.0 - ps
    lx = clamp(0.38, 0.25, w - 2 * ps - 0.1)
    x1 = w / 2.0 - ps
    pillow_d = clamp(0.32, 0.2, 0.2 * d)
    return _Bunk(w, d, h, ps, rt, dt, mt, lower, upper, guard_top, mx, my, metal, (y1 - lw, y1), (x1 - lx, x1), pillow_d)


def _guard_fill(p: BunkBedParams, B: _Bunk, style: str, axis: str, fixed: tuple[float, float], a0: float, a1: float,
                z0: float, z1: float, tag: str) -> list[Part]:
    """A guard or end panel between two posts: ``axis`` it runs along ('x' or 'y'), the other
    coordinate span ``fixed``, from ``a0`` to ``a1``, heights ``z0``..``z1`` (rails included)."""
    mat = p.frame_material
    parts = []
    f0, f1 = fixed
    rh = clamp(0.05, 0.03, 0.3 * (z1 - z0))

    def lohi(b0, b1, c0, c1, e0=f0, e1=f1):
        if axis == "y":
            return (e0, b0, c0), (e1, b1, c1)
        return (b0, e0, c0), (b1, e1, c1)

    lo, hi = lohi(a0, a1, z1 - rh, z1)
    parts.append(Part(f"{tag}_top_rail", _member(B.metal, lo, hi), mat))
    if style == "panel":
        inset = 0.25 * (f1 - f0)
        lo, hi = lohi(a0 + 0.005, a1 - 0.005, z0, z1 - rh + 0.002, f0 + inset, f1 - inset)
        parts.append(Part(f"{tag}_panel", rounded_box(lo, hi, 0.003, steps=1) if not B.metal else box(lo, hi), mat))
    elif style == "slats":
        span = a1 - a0
        n = max(2, int(span / (0.11 if not B.metal else 0.1)))
        sw = 0.035 if not B.metal else 0.016
        for k in range(n):
            c = a0 + span * (k + 0.5) / n
            lo, hi = lohi(c - sw / 2, c + sw / 2, z0, z1 - rh + 0.002, f0 + 0.2 * (f1 - f0), f1 - 0.2 * (f1 - f0))
            parts.append(Part(f"{tag}_slat_{k}", _member(B.metal, lo, hi, 0.003), mat))
    else:
        zm = (z0 + z1 - rh) / 2.0
        lo, hi = lohi(a0, a1, zm - rh / 2, zm + rh / 2)
        parts.append(Part(f"{tag}_mid_rail", _member(B.metal, lo, hi), mat))
    return parts


def build_bunk_bed(params: BunkBedParams, size: Size) -> list[Part]:
    """Parts of a bunk bed of exactly ``size`` (long along Y, heads at -Y)."""
    p = params
    B = _bunk(p, size)
    mat = p.frame_material
    hw, hd = B.w / 2.0, B.d / 2.0
    ps = B.ps
    parts: list[Part] = []
    for i, (sx, sy) in enumerate(((-1, -1), (1, -1), (1, 1), (-1, 1))):
        x0, x1 = sorted((sx * hw, sx * (hw - ps)))
        y0, y1 = sorted((sy * hd, sy * (hd - ps)))
        if B.metal:
            mesh = cylinder(((x0 + x1) / 2, (y0 + y1) / 2, 0.0), ps / 2.0, 0.0, B.h, 12)
        else:
            mesh = rounded_box((x0, y0, 0.0), (x1, y1, B.h), 0.008, steps=1)
        parts.append(Part(f"post_{i}", mesh, mat))
    lad_sx = -1.0 if p.ladder_left else 1.0
    rail_h = clamp(0.14, 0.08, 0.2)
    for name, deck in (("lower", B.lower), ("upper", B.upper)):
        top = deck + 0.04
        bot = deck - rail_h + 0.04
        for i, s in enumerate((-1.0, 1.0)):
            x0, x1 = sorted((s * (hw - 0.5 * ps + 0.5 * B.rt), s * (hw - 0.5 * ps - 0.5 * B.rt)))
            parts.append(Part(f"{name}_side_rail_{i}", _member(B.metal, (x0, -hd + ps - 0.002, bot), (x1, hd - ps + 0.002, top)),
                              mat))
            y0, y1 = sorted((s * (hd - 0.5 * ps + 0.5 * B.rt), s * (hd - 0.5 * ps - 0.5 * B.rt)))
            parts.append(Part(f"{name}_end_rail_{i}", _member(B.metal, (-hw + ps - 0.002, y0, bot), (hw - ps + 0.002, y1, top)),
                              mat))
        deck_mat = mat if not B.metal else "birch plywood"
        parts.append(Part(f"{name}_deck", box((-hw + ps, -hd + ps, deck - B.dt), (hw - ps, hd - ps, deck)), deck_mat))
        parts.append(Part(f"mattress_{name}", rounded_box((-B.mx + 0.005, -B.my + 0.005, deck), (B.mx - 0.005, B.my - 0.005,
                                                                                               deck + B.mt), 0.03),
                          p.mattress_material))
        if p.pillows:
            pw = min(0.55, 2 * B.mx - 0.1)
            ph = 0.1
            parts.append(Part(f"pillow_{name}", rounded_box((-pw / 2, -B.my + 0.03, deck + B.mt - 0.01),
                                                            (pw / 2, -B.my + 0.03 + B.pillow_d, deck + B.mt + ph), 0.04),
                              p.pillow_material))
    # ends: head (-Y) and foot (+Y) panels of both bunks
    lower_end_top = min(B.lower + B.mt + 0.3, B.upper - B.dt - 0.2)
    for i, s in enumerate((-1.0, 1.0)):
        y0, y1 = sorted((s * (hd - 0.5 * ps + 0.5 * B.rt), s * (hd - 0.5 * ps - 0.5 * B.rt)))
        if lower_end_top > B.lower + 0.1:
            parts += _guard_fill(p, B, p.end_style, "x", (y0, y1), -hw + ps - 0.002, hw - ps + 0.002, B.lower + 0.04,
                                 lower_end_top, f"lower_end_{i}")
        a0, a1 = -hw + ps - 0.002, hw - ps + 0.002
        if p.ladder == "end" and s > 0:  # opening over the ladder
            if lad_sx > 0:
                a1 = B.lad_x[0] * 1.0
            else:
                a0 = -B.lad_x[0]
        parts += _guard_fill(p, B, p.end_style, "x", (y0, y1), a0, a1, B.upper + 0.04, B.guard_top, f"upper_end_{i}")
    # long-side guards of the upper bunk
    for i, s in enumerate((-1.0, 1.0)):
        x0, x1 = sorted((s * (hw - 0.5 * ps + 0.5 * B.rt), s * (hw - 0.5 * ps - 0.5 * B.rt)))
        a0, a1 = -hd + ps - 0.002, hd - ps + 0.002
        if p.ladder == "side" and s == lad_sx:
            a1 = B.lad_y[0]
        parts += _guard_fill(p, B, p.guard_style, "y", (x0, x1), a0, a1, B.upper + 0.04, B.guard_top, f"guard_{i}")
    parts += _ladder(p, B, lad_sx)
    return parts


def _ladder(p: BunkBedParams, B: _Bunk, sx: float) -> list[Part]:
    mat = p.frame_material
    hw, hd = B.w / 2.0, B.d / 2.0
    lt = clamp(0.6 * B.ps, 0.025, 0.045)  # rail thickness across the ladder plane
    lr = 0.045 if not B.metal else 0.03  # rail width in the ladder plane
    top = B.guard_top
    parts = []
    rung_r = 0.014 if not B.metal else 0.012
    n = max(2, int((B.upper - 0.1) / 0.27))
    zs = [B.upper * (k + 1) / (n + 1) + 0.04 for k in range(n)]
    if p.ladder == "side":
        x0, x1 = sorted((sx * hw, sx * (hw - lt)))
        ya, yb = B.lad_y
        for i, (r0, r1) in enumerate(((ya - lr, ya), (yb - lr, yb))):
            parts.append(Part(f"ladder_rail_{i}", _member(B.metal, (x0, r0, 0.0), (x1, r1, top)), mat))
        for k, z in enumerate(zs + [B.upper + 0.02]):
            parts.append(Part(f"ladder_rung_{k}", cylinder_along("y", ((x0 + x1) / 2, ya - lr / 2, z), yb - ya, rung_r, 8), mat))
    else:
        y0, y1 = hd - lt, hd
        xa, xb = B.lad_x
        if sx < 0:
            xa, xb = -xb, -xa
        for i, (r0, r1) in enumerate(((xa, xa + lr), (xb - lr, xb))):
            parts.append(Part(f"ladder_rail_{i}", _member(B.metal, (r0, y0, 0.0), (r1, y1, top)), mat))
        for k, z in enumerate(zs + [B.upper + 0.02]):
            parts.append(Part(f"ladder_rung_{k}", cylinder_along("x", (xa + lr / 2, (y0 + y1) / 2, z), xb - xa - lr, rung_r, 8),
                              mat))
    return parts


def bunk_bed_surfaces(params: BunkBedParams, size: Size) -> list[Surface]:
    """The lower mattress (clearance up to the upper deck), then the upper mattress."""
    B = _bunk(params, size)
    m = 0.05
    y0 = -B.my + (0.03 + B.pillow_d + 0.03 if params.pillows else m)
    poly = rect(-B.mx + m, y0, B.mx - m, B.my - m)
    zl = B.lower + B.mt
    zu = B.upper + B.mt
    return [Surface(0, zl, poly, "mattress_lower", (B.upper - B.dt) - zl),
            Surface(1, zu, poly, "mattress_upper", None)]


register_generator("bunk_bed", BunkBedParams, build_bunk_bed, bunk_bed_surfaces, sample_bunk_bed_params)


# ----------------------------------------------------------------------------------------------
# crib


@dataclass(frozen=True)
class CribParams:
    category: str = "crib"
    end_style: str = "panel"  # panel | arched | slats
    side_style: str = "slats"  # slats (flat) | spindles (round)
    base: str = "legs"  # legs | casters
    end_extra_m: float = 0.05  # end panels above the side rails
    deck_height_m: float = 0.3  # mattress base above the floor
    mattress_thickness_m: float = 0.1
    post_size_m: float = 0.045
    frame_material: str = "white painted wood"
    mattress_material: str = "white cotton"


def sample_crib_params(rng: np.random.Generator, size: Size, category: str = "crib") -> CribParams:
    """Cribs: painted or natural wood, flat, arched or slatted ends, legs or casters."""
    return CribParams(
        category=category,
        end_style=pick(rng, ("panel", "arched", "slats")),
        side_style=pick(rng, ("slats", "spindles"), (0.6, 0.4)),
        base=pick(rng, ("legs", "casters"), (0.7, 0.3)),
        end_extra_m=uniform(rng, 0.0, 0.1),
        deck_height_m=uniform(rng, 0.22, 0.45),
        mattress_thickness_m=uniform(rng, 0.08, 0.12),
        post_size_m=uniform(rng, 0.035, 0.055),
        frame_material=pick(rng, KID_WOODS + ("mint painted wood", "grey painted wood")),
        mattress_material=pick(rng, SHEETS),
    )


@dataclass(frozen=True)
class _Crib:
    w: float
    d: float
    h: float
    ps: float
    side_top: float
    deck: float
    mt: float
    caster_h: float


def _crib(p: CribParams, size: Size) -> _Crib:
    w, d, h = (float(v) for v in size)
    ps = clamp(p.post_size_m, 0.03, 0.06)
    side_top = h - clamp(p.end_extra_m, 0.0, 0.12)
    mt = clamp(p.mattress_thickness_m, 0.06, 0.14)
    caster_h = 0.07 if p.base == "casters" else 0.0
    deck = clamp(p.deck_height_m, 0.15 + caster_h, side_top - mt - 0.3)
    return _Crib(w, d, h, ps, side_top, deck, mt, caster_h)


def build_crib(params: CribParams, size: Size) -> list[Part]:
    """Parts of a crib of exactly ``size`` (long along Y)."""
    p = params
    C = _crib(p, size)
    mat = p.frame_material
    hw, hd, ps = C.w / 2.0, C.d / 2.0, C.ps
    parts: list[Part] = []
    z_post0 = C.caster_h
    for i, (sx, sy) in enumerate(((-1, -1), (1, -1), (1, 1), (-1, 1))):
        x0, x1 = sorted((sx * hw, sx * (hw - ps)))
        y0, y1 = sorted((sy * hd, sy * (hd - ps)))
        parts.append(Part(f"post_{i}", rounded_box((x0, y0, z_post0), (x1, y1, C.h), 0.008, steps=1), mat))
        if C.caster_h:
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            rw = min(0.028, ps / 2 + 0.008)
            parts.append(Part(f"caster_{i}", cylinder_along("x", (cx - 0.012, cy - sy * 0.01, rw), 0.024, rw, 12),
                              "grey plastic"))
            parts.append(Part(f"caster_fork_{i}", box((cx - 0.016, cy - 0.012, rw), (cx + 0.016, cy + 0.012, C.caster_h + 0.01)),
                              "grey plastic"))
    rail = 0.045
    rt = 0.6 * ps
    # long sides: bottom and top rails with slats between
    for i, s in enumerate((-1.0, 1.0)):
        xc = s * (hw - ps / 2)
        x0, x1 = xc - rt / 2, xc + rt / 2
        parts.append(Part(f"side_bottom_rail_{i}", rounded_box((x0, -hd + ps - 0.002, C.deck - rail), (x1, hd - ps + 0.002, C.deck + 0.02),
                                                               0.004, steps=1), mat))
        parts.append(Part(f"side_top_rail_{i}", rounded_box((x0 - 0.004, -hd + ps - 0.002, C.side_top - rail),
                                                            (x1 + 0.004, hd - ps + 0.002, C.side_top), 0.01, steps=1), mat))
        span = C.d - 2 * ps
        n = max(4, int(round(span / 0.065)))
        for k in range(n):
            y = -hd + ps + span * (k + 0.5) / n
            if p.side_style == "spindles":
                m = cylinder((xc, y, 0.0), 0.011, C.deck + 0.015, C.side_top - rail + 0.005, 8)
            else:
                m = box((xc - 0.009, y - 0.013, C.deck + 0.015), (xc + 0.009, y + 0.013, C.side_top - rail + 0.005))
            parts.append(Part(f"side_slat_{i}_{k}", m, mat))
    # ends
    for i, s in enumerate((-1.0, 1.0)):
        yc = s * (hd - ps / 2)
        y0, y1 = yc - rt / 2, yc + rt / 2
        x0, x1 = -hw + ps - 0.002, hw - ps + 0.002
        parts.append(Part(f"end_bottom_rail_{i}", rounded_box((x0, y0, C.deck - rail), (x1, y1, C.deck + 0.02), 0.004, steps=1), mat))
        top = C.h - 0.01
        if p.end_style == "slats":
            parts.append(Part(f"end_top_rail_{i}", rounded_box((x0, y0 - 0.004, top - rail), (x1, y1 + 0.004, top), 0.01, steps=1), mat))
            span = C.w - 2 * ps
            n = max(3, int(round(span / 0.065)))
            for k in range(n):
                x = -hw + ps + span * (k + 0.5) / n
                m = (cylinder((x, yc, 0.0), 0.011, C.deck + 0.015, top - rail + 0.005, 8) if p.side_style == "spindles"
                     else box((x - 0.013, yc - 0.009, C.deck + 0.015), (x + 0.013, yc + 0.009, top - rail + 0.005)))
                parts.append(Part(f"end_slat_{i}_{k}", m, mat))
        elif p.end_style == "arched":
            z0 = C.deck + 0.01
            zs = max(C.side_top - 0.05, z0 + 0.1)
            poly = [(x0, z0), (x1, z0)]
            for k in range(9):
                t = k / 8.0
                x = x1 - (x1 - x0) * t
                poly.append((x, zs + (top - zs) * math.sin(math.pi * t)))
            parts.append(Part(f"end_panel_{i}", slab_xz(poly, y0, y1), mat))
        else:
            parts.append(Part(f"end_panel_{i}", rounded_box((x0, y0, C.deck + 0.01), (x1, y1, top), 0.006, steps=1), mat))
    deck_m = box((-hw + ps, -hd + ps, C.deck - 0.02), (hw - ps, hd - ps, C.deck))
    parts.append(Part("deck", deck_m, "birch plywood"))
    mx, my = hw - ps - 0.005, hd - ps - 0.005
    parts.append(Part("mattress", rounded_box((-mx, -my, C.deck), (mx, my, C.deck + C.mt), 0.025), p.mattress_material))
    return parts


def crib_surfaces(params: CribParams, size: Size) -> list[Surface]:
    """The mattress, open above."""
    C = _crib(params, size)
    mx, my = C.w / 2.0 - C.ps - 0.05, C.d / 2.0 - C.ps - 0.05
    return [Surface(0, C.deck + C.mt, rect(-mx, -my, mx, my), "mattress", None)]


register_generator("crib", CribParams, build_crib, crib_surfaces, sample_crib_params)


# ----------------------------------------------------------------------------------------------
# changing table


@dataclass(frozen=True)
class ChangingTableParams:
    category: str = "changing_table"
    base: str = "shelves"  # shelves (open) | drawers | mixed (drawers over an open shelf)
    shelf_count: int = 2  # open levels below the top (shelves base)
    drawer_count: int = 3
    legs: bool = True  # short legs, else a plinth
    rail_style: str = "board"  # board | spindles
    rail_height_m: float = 0.12  # rails above the top board
    pad_layout: str = "full"  # full | side (pad beside an open storage tray)
    pad_contoured: bool = True  # raised front and back edges on the pad
    back_panel: bool = True
    frame_material: str = "white painted wood"
    pad_material: str = "white plastic"
    handle_material: str = "brushed steel"


def sample_changing_table_params(rng: np.random.Generator, size: Size,
                                 category: str = "changing_table") -> ChangingTableParams:
    """Changing tables: open shelf units, dressers with drawers, or both."""
    base = pick(rng, ("shelves", "drawers", "mixed"))
    return ChangingTableParams(
        category=category,
        base=base,
        shelf_count=int(rng.integers(1, 4)),
        drawer_count=int(rng.integers(2, 4)),
        legs=chance(rng, 0.55),
        rail_style=pick(rng, ("board", "spindles"), (0.65, 0.35)),
        rail_height_m=uniform(rng, 0.09, 0.16),
        pad_layout=pick(rng, ("full", "side"), (0.65, 0.35)),
        pad_contoured=chance(rng, 0.6),
        back_panel=chance(rng, 0.6),
        frame_material=pick(rng, KID_WOODS),
        pad_material=pick(rng, ("white plastic", "light grey plastic", "mint plastic", "white cotton", "sage cotton",
                                "light blue cotton", "beige linen")),
        handle_material=pick(rng, ("brushed steel", "brass", "white plastic", "oak wood", "black metal")),
    )


@dataclass(frozen=True)
class _Changer:
    w: float
    d: float
    h: float
    top: float  # top face of the top board
    bt: float  # board thickness
    side: float  # side panel thickness
    rt: float  # rail thickness
    leg_h: float
    pad_t: float
    pad_x: tuple[float, float]
    shelves: tuple[float, ...]  # tops of open shelves, bottom to top
    drawer_zone: tuple[float, float]  # z range of the drawers (0, 0: none)
    y_back: float  # front face of the back panel


def _changer(p: ChangingTableParams, size: Size) -> _Changer:
    w, d, h = (float(v) for v in size)
    rh = clamp(p.rail_height_m, 0.07, 0.2)
    top = h - rh
    bt = 0.022
    side = clamp(0.022, 0.018, 0.03)
    rt = 0.02
    leg_h = clamp(0.1, 0.06, 0.15) if p.legs else 0.06  # plinth height when not on legs
    pad_t = clamp(0.6 * rh, 0.04, rh - 0.03)
    xin = w / 2.0 - rt
    if p.pad_layout == "side" and w >= 0.8:
        px = (-xin, -xin + clamp(0.68 * (2 * xin), 0.55, 2 * xin - 0.2))
    else:
        px = (-xin, xin)
    y_back = -d / 2.0 + (0.01 if p.back_panel else 0.0)
    bottom = leg_h
    inner_h = top - bt - bottom
    shelves: list[float] = []
    dz = (0.0, 0.0)
    if p.base == "shelves":
        n = int(clamp(p.shelf_count, 1, 3))
        n = min(n, max(1, int(inner_h / 0.22)))
        shelves = [bottom + bt + k * inner_h / n for k in range(n)]
    elif p.base == "drawers":
        dz = (bottom, top - bt)
    else:
        split = bottom + 0.45 * inner_h
        shelves = [bottom + bt]
        dz = (split, top - bt)
    return _Changer(w, d, h, top, bt, side, rt, leg_h, pad_t, px, tuple(shelves), dz, y_back)


def build_changing_table(params: ChangingTableParams, size: Size) -> list[Part]:
    """Parts of a changing table of exactly ``size`` (open front at +Y)."""
    p = params
    C = _changer(p, size)
    mat = p.frame_material
    hw, hd = C.w / 2.0, C.d / 2.0
    parts: list[Part] = []
    body0 = C.leg_h
    if p.legs:
        r = 0.02
        for i, (sx, sy) in enumerate(((-1, -1), (1, -1), (1, 1), (-1, 1))):
            parts.append(Part(f"leg_{i}", frustum((sx * (hw - 0.03), sy * (hd - 0.03), 0.0), 0.7 * r, r, 0.0, body0 + 0.01, 12), mat))
    else:
        parts.append(Part("plinth", box((-hw + 0.03, -hd + 0.03, 0.0), (hw - 0.03, hd - 0.04, body0 + 0.005)), mat))
    for i, s in enumerate((-1.0, 1.0)):
        x0, x1 = sorted((s * hw, s * (hw - C.side)))
        parts.append(Part(f"side_{i}", rounded_box((x0, -hd, body0), (x1, hd, C.top), 0.004, steps=1), mat))
    xi = hw - C.side
    parts.append(Part("top", rounded_box((-hw, -hd, C.top - C.bt), (hw, hd, C.top), 0.004, steps=1), mat))
    if p.back_panel:
        parts.append(Part("back", box((-xi - 0.001, -hd, body0), (xi + 0.001, C.y_back, C.top - C.bt + 0.001)), mat))
    parts.append(Part("bottom", rounded_box((-xi - 0.001, C.y_back, body0), (xi + 0.001, hd - 0.005, body0 + C.bt), 0.002, steps=1),
                      mat))
    for k, z in enumerate(C.shelves):
        if k == 0 and abs(z - (body0 + C.bt)) < 1e-9:
            continue  # the bottom board
        parts.append(Part(f"shelf_{k}", rounded_box((-xi - 0.001, C.y_back, z - C.bt), (xi + 0.001, hd - 0.01, z), 0.002, steps=1),
                          mat))
    if C.drawer_zone[1] > C.drawer_zone[0]:
        z0, z1 = C.drawer_zone
        if p.base == "mixed":
            parts.append(Part("drawer_base", rounded_box((-xi - 0.001, C.y_back, z0 - C.bt), (xi + 0.001, hd - 0.005, z0),
                                                         0.002, steps=1), mat))
        n = int(clamp(p.drawer_count, 1, 4))
        n = min(n, max(1, int((z1 - z0) / 0.12)))
        gap = 0.004
        fh = (z1 - z0 - gap * (n + 1)) / n
        parts.append(Part("carcass_fill", box((-xi, C.y_back, z0), (xi, hd - 0.045, z1)), mat))
        for k in range(n):
            a = z0 + gap + k * (fh + gap)
            parts.append(Part(f"drawer_{k}", rounded_box((-xi + gap, hd - 0.048, a), (xi - gap, hd - 0.028, a + fh), 0.004,
                                                         steps=1), mat))
            hl = min(0.12, 0.3 * xi)
            zc = a + fh / 2
            parts.append(Part(f"handle_{k}", _bar_handle(hl, hd - 0.028, zc), p.handle_material))
    # rails round the top: back and both sides, open at the front
    rails: list[tuple[str, tuple, tuple]] = [
        ("rail_back", (-hw, -hd, C.top - 0.001), (hw, -hd + C.rt, C.h)),
        ("rail_0", (-hw, -hd, C.top - 0.001), (-hw + C.rt, hd - 0.01, C.h)),
        ("rail_1", (hw - C.rt, -hd, C.top - 0.001), (hw, hd - 0.01, C.h)),
    ]
    if C.pad_x[1] < hw - C.rt - 1e-6:
        xd = C.pad_x[1]
        rails.append(("divider", (xd, -hd + C.rt - 0.001, C.top - 0.001), (xd + C.rt, hd - 0.01, C.h - 0.02)))
    for name, lo, hi in rails:
        if p.rail_style == "spindles" and name != "divider":
            parts += _spindle_rail(name, lo, hi, mat)
        else:
            parts.append(Part(name, rounded_box(lo, hi, 0.006, steps=1), mat))
    px0, px1 = C.pad_x
    py0, py1 = -hd + C.rt, hd - 0.01
    z0 = C.top
    parts.append(Part("pad", rounded_box((px0, py0, z0 - 0.002), (px1, py1, z0 + C.pad_t), min(0.02, 0.45 * C.pad_t)),
                      p.pad_material))
    if p.pad_contoured:
        bh = min(0.035, C.h - z0 - C.pad_t - 0.005)
        if bh > 0.01:
            bw = 0.06
            for i, (ya, yb) in enumerate(((py0, py0 + bw), (py1 - bw, py1))):
                parts.append(Part(f"pad_bolster_{i}", rounded_box((px0 + 0.005, ya, z0 + C.pad_t - 0.01), (px1 - 0.005, yb,
                                                                                                        z0 + C.pad_t + bh),
                                                                  0.45 * min(bw, bh + 0.01) / 2 + 0.005), p.pad_material))
    return parts


def _bar_handle(hl: float, y: float, zc: float) -> trimesh.Trimesh:
    """A small bar pull on a drawer front (its front face at ``y``), sticking out 25 mm."""
    return merge([
        cylinder_along("x", (-hl, y + 0.02, zc), 2 * hl, 0.006, 8),
        cylinder_along("y", (-hl + 0.006, y - 0.002, zc), 0.024, 0.005, 8),
        cylinder_along("y", (hl - 0.006, y - 0.002, zc), 0.024, 0.005, 8),
    ])


def _spindle_rail(name: str, lo, hi, mat: str) -> list[Part]:
    """A gallery rail: a top rail on small spindles."""
    lo = np.asarray(lo, dtype=float)
    hi = np.asarray(hi, dtype=float)
    parts = [Part(f"{name}_top", rounded_box((lo[0], lo[1], hi[2] - 0.025), hi, 0.006, steps=1), mat)]
    ax = 0 if hi[0] - lo[0] > hi[1] - lo[1] else 1
    span = hi[ax] - lo[ax]
    n = max(3, int(span / 0.08))
    c = (lo + hi) / 2.0
    for k in range(n + 1):
        t = lo[ax] + 0.012 + (span - 0.024) * k / n
        x, y = (t, c[1]) if ax == 0 else (c[0], t)
        parts.append(Part(f"{name}_spindle_{k}", cylinder((x, y, 0.0), 0.008, lo[2], hi[2] - 0.02, 8), mat))
    return parts


def changing_table_surfaces(params: ChangingTableParams, size: Size) -> list[Surface]:
    """Open shelves bottom to top (clearance to the board above), the tray beside the pad, the pad."""
    C = _changer(params, size)
    hw, hd = C.w / 2.0, C.d / 2.0
    xi = hw - C.side - 0.02
    out: list[tuple[float, tuple, str, float | None]] = []
    levels = list(C.shelves)
    for k, z in enumerate(levels):
        if k + 1 < len(levels):
            above = levels[k + 1] - C.bt
        elif C.drawer_zone[1] > C.drawer_zone[0]:
            above = C.drawer_zone[0] - C.bt
        else:
            above = C.top - C.bt
        out.append((z, rect(-xi, C.y_back + 0.02, xi, hd - 0.03), f"shelf_{k}", above - z))
    if C.pad_x[1] < hw - C.rt - 1e-6:
        x0, x1 = C.pad_x[1] + C.rt + 0.015, hw - C.rt - 0.015
        out.append((C.top, rect(x0, -hd + C.rt + 0.015, x1, hd - 0.02), "tray", None))
    px0, px1 = C.pad_x
    inset_y = 0.075 if params.pad_contoured else 0.03
    out.append((C.top + C.pad_t, rect(px0 + 0.03, -hd + C.rt + inset_y, px1 - 0.03, hd - 0.01 - inset_y), "pad", None))
    return [Surface(i, z, poly, name, cl) for i, (z, poly, name, cl) in enumerate(out)]


register_generator("changing_table", ChangingTableParams, build_changing_table, changing_table_surfaces,
                   sample_changing_table_params)


# ----------------------------------------------------------------------------------------------
# toy chest


@dataclass(frozen=True)
class ToyChestParams:
    category: str = "toy_chest"
    lid_style: str = "flat"  # flat | framed (raised centre panel) | cushioned (a bench seat)
    base: str = "plinth"  # plinth | feet | casters
    front_style: str = "panel"  # plain | panel (raised panel) | slats (a crate)
    handles: str = "rope"  # rope | metal
    lid_overhang_m: float = 0.015
    lid_thickness_m: float = 0.025
    body_material: str = "white painted wood"
    accent_material: str = "mint painted wood"
    cushion_material: str = "grey fabric"


def sample_toy_chest_params(rng: np.random.Generator, size: Size, category: str = "toy_chest") -> ToyChestParams:
    """Toy chests: painted or natural wood boxes, crates and storage benches."""
    body = pick(rng, KID_WOODS[:6] + KID_COLOURS[:4])
    return ToyChestParams(
        category=category,
        lid_style=pick(rng, ("flat", "framed", "cushioned"), (0.4, 0.3, 0.3)),
        base=pick(rng, ("plinth", "feet", "casters")),
        front_style=pick(rng, ("plain", "panel", "slats")),
        handles=pick(rng, ("rope", "metal")),
        lid_overhang_m=uniform(rng, 0.0, 0.025),
        lid_thickness_m=uniform(rng, 0.018, 0.03),
        body_material=body,
        accent_material=pick(rng, KID_COLOURS + KID_WOODS[:3]),
        cushion_material=pick(rng, ("grey fabric", "mustard fabric", "navy cotton", "pastel pink velvet", "sage linen",
                                    "light blue cotton", "cream wool")),
    )


@dataclass(frozen=True)
class _Chest:
    w: float
    d: float
    h: float
    zb: float  # bottom of the box
    zl: float  # bottom of the lid
    lt: float
    ox: float  # box inset at the sides (lid overhang + handle room)
    oy: float
    cush: float


def _chest(p: ToyChestParams, size: Size) -> _Chest:
    w, d, h = (float(v) for v in size)
    zb = {"plinth": 0.04, "feet": 0.05, "casters": 0.06}.get(p.base, 0.04)
    zb = min(zb, 0.15 * h)
    lt = clamp(p.lid_thickness_m, 0.015, 0.035)
    cush = clamp(0.06, 0.03, 0.15 * h) if p.lid_style == "cushioned" else 0.0
    zl = h - lt - cush - (0.012 if p.lid_style == "framed" else 0.0)
    ov = clamp(p.lid_overhang_m, 0.0, 0.03)
    ox = max(ov, 0.03)
    return _Chest(w, d, h, zb, zl, lt, ox, max(ov, 0.01), cush)


def build_toy_chest(params: ToyChestParams, size: Size) -> list[Part]:
    """Parts of a toy chest of exactly ``size`` (front +Y, lid closed)."""
    p = params
    C = _chest(p, size)
    hw, hd = C.w / 2.0, C.d / 2.0
    bx, by = hw - C.ox, hd - C.oy
    parts: list[Part] = []
    inset = 0.012 if p.front_style == "slats" else 0.0
    parts.append(Part("body", rounded_box((-bx + inset, -by + inset, C.zb), (bx - inset, by - inset, C.zl), 0.006),
                      p.body_material))
    if p.front_style == "panel":
        m = 0.05
        parts.append(Part("front_panel", rounded_box((-bx + m, by - 0.001, C.zb + m), (bx - m, by + 0.008, C.zl - m), 0.006),
                          p.accent_material))
    elif p.front_style == "slats":
        n = max(2, int((C.zl - C.zb) / 0.09))
        gap = 0.012
        sh = (C.zl - C.zb - gap * (n - 1)) / n
        for k in range(n):
            z0 = C.zb + k * (sh + gap)
            parts.append(Part(f"slat_front_{k}", rounded_box((-bx, by - 0.016, z0), (bx, by, z0 + sh), 0.004, steps=1),
                              p.accent_material))
            parts.append(Part(f"slat_back_{k}", rounded_box((-bx, -by, z0), (bx, -by + 0.016, z0 + sh), 0.004, steps=1),
                              p.accent_material))
        for i, s in enumerate((-1.0, 1.0)):
            for j, t in enumerate((-1.0, 1.0)):
                x0, x1 = sorted((s * bx, s * (bx - 0.03)))
                y0, y1 = sorted((t * (by - 0.016), t * (by - 0.05)))
                parts.append(Part(f"corner_post_{i}_{j}", box((x0, y0, C.zb), (x1, y1, C.zl)), p.body_material))
    # lid
    lid_top = C.zl + C.lt
    parts.append(Part("lid", rounded_box((-hw, -hd, C.zl), (hw, hd, lid_top), 0.006), p.body_material
                      if p.lid_style != "framed" else p.accent_material))
    if p.lid_style == "framed":
        m = clamp(0.06, 0.03, 0.2 * min(C.w, C.d))
        parts.append(Part("lid_panel", rounded_box((-hw + m, -hd + m, lid_top - 0.002), (hw - m, hd - m, C.h), 0.004),
                          p.body_material))
    elif p.lid_style == "cushioned":
        parts.append(Part("cushion", rounded_box((-hw + 0.005, -hd + 0.005, lid_top - 0.002), (hw - 0.005, hd - 0.005, C.h),
                                                 min(0.025, 0.45 * C.cush)), p.cushion_material))
    # handles on both ends
    zc = C.zb + 0.62 * (C.zl - C.zb)
    for i, s in enumerate((-1.0, 1.0)):
        xo = s * bx
        if p.handles == "rope":
            L = min(0.12, 0.5 * C.d)
            pts = [(xo + s * 0.022 * math.sin(math.pi * t), -L / 2 + L * t, zc - 0.03 * math.sin(math.pi * t))
                   for t in np.linspace(0.0, 1.0, 9)]
            pts = [(xo - s * 0.004, -L / 2 - 0.004, zc)] + pts[1:-1] + [(xo - s * 0.004, L / 2 + 0.004, zc)]
            parts.append(Part(f"handle_{i}", sweep_tube(pts, 0.008, 8), "jute"))
        else:
            L = min(0.1, 0.45 * C.d)
            x0, x1 = sorted((xo, xo + s * 0.022))
            parts.append(Part(f"handle_{i}", rounded_box((x0, -L / 2, zc - 0.012), (x1, L / 2, zc + 0.012), 0.006),
                              "black metal"))
    # base
    if p.base == "plinth":
        parts.append(Part("plinth", rounded_box((-bx + 0.01, -by + 0.01, 0.0), (bx - 0.01, by - 0.01, C.zb + 0.005), 0.004,
                                                steps=1), p.body_material if p.front_style != "panel" else p.accent_material))
    elif p.base == "feet":
        for i, (sx, sy) in enumerate(((-1, -1), (1, -1), (1, 1), (-1, 1))):
            fx, fy = sx * (bx - 0.04), sy * (by - 0.04)
            r = min(0.03, 0.6 * C.zb)
            parts.append(Part(f"foot_{i}", lathe([(0.0, 0.0), (0.7 * r, 0.0), (r, 0.4 * C.zb), (0.85 * r, C.zb + 0.005),
                                                  (0.0, C.zb + 0.005)], 12, (fx, fy, 0.0)), p.body_material))
    else:
        for i, (sx, sy) in enumerate(((-1, -1), (1, -1), (1, 1), (-1, 1))):
            fx, fy = sx * (bx - 0.05), sy * (by - 0.05)
            rr = 0.45 * C.zb
            parts.append(Part(f"caster_{i}", cylinder_along("x", (fx - 0.01, fy, rr), 0.02, rr, 12), "black rubber"))
            parts.append(Part(f"caster_mount_{i}", box((fx - 0.015, fy - 0.015, rr), (fx + 0.015, fy + 0.015, C.zb + 0.004)),
                              "black metal"))
    return parts


def toy_chest_surfaces(params: ToyChestParams, size: Size) -> list[Surface]:
    """The closed lid (or its cushion)."""
    C = _chest(params, size)
    hw, hd = C.w / 2.0, C.d / 2.0
    if params.lid_style == "framed":
        m = clamp(0.06, 0.03, 0.2 * min(C.w, C.d)) + 0.02
    elif params.lid_style == "cushioned":
        m = 0.005 + min(0.025, 0.45 * C.cush) + 0.015
    else:
        m = 0.025
    return [Surface(0, C.h, rect(-hw + m, -hd + m, hw - m, hd - m), "lid", None)]


register_generator("toy_chest", ToyChestParams, build_toy_chest, toy_chest_surfaces, sample_toy_chest_params)
