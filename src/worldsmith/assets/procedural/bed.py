"""Beds: a frame on legs (or a base down to the floor), a headboard at -Y (wooden panel between
posts, an upholstered panel, or slats between rails), an optional footboard, and the bedding: a
mattress in a sheet, a duvet over the foot end draping down the sides, and pillows at the head."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..parts import Part
from ..primitives import cylinder, rounded_box
from ..surfaces import Surface, rect
from .params import chance, clamp, pick, register_generator, uniform

Size = tuple[float, float, float]

WOODS = ("oak wood", "walnut wood", "white painted wood", "pine wood", "black stained wood")
FABRICS = ("grey fabric", "beige linen", "charcoal fabric", "navy velvet", "cream boucle", "sage velvet")
DUVETS = ("white linen", "light grey linen", "cream cotton", "sage linen", "navy cotton", "dusty pink linen",
          "mustard cotton", "white cotton")


@dataclass(frozen=True)
class BedParams:
    category: str = "bed"
    headboard_style: str = "panel"  # panel | upholstered | slatted
    headboard_thickness_m: float = 0.06
    footboard: bool = False
    footboard_height_m: float = 0.45  # top above the floor
    frame_height_m: float = 0.3  # top of the side rails
    rail_thickness_m: float = 0.05
    leg_height_m: float = 0.12  # 0: the frame goes down to the floor
    mattress_thickness_m: float = 0.22
    duvet_coverage: float = 0.72  # share of the mattress length covered, from the foot end
    duvet_drape_m: float = 0.12
    pillow_count: int = 0  # 0: one for a narrow bed, two otherwise
    frame_material: str = "oak wood"
    headboard_material: str = "oak wood"
    sheet_material: str = "white linen"
    duvet_material: str = "light grey linen"
    pillow_material: str = "white linen"



def sample_bed_params(rng: np.random.Generator, size: Size, category: str = "bed") -> BedParams:
    w, d, h = size
    style = pick(rng, ("panel", "upholstered", "slatted"))
    wood = pick(rng, WOODS)
    frame_h = uniform(rng, 0.22, 0.36)
    return BedParams(
        category=category,
        headboard_style=style,
        headboard_thickness_m=uniform(rng, 0.07, 0.12) if style == "upholstered" else uniform(rng, 0.04, 0.07),
        footboard=chance(rng, 0.35),
        footboard_height_m=uniform(rng, frame_h + 0.1, frame_h + 0.3),
        frame_height_m=frame_h,
        rail_thickness_m=uniform(rng, 0.035, 0.07),
        leg_height_m=0.0 if chance(rng, 0.25) else uniform(rng, 0.06, 0.2),
        mattress_thickness_m=uniform(rng, 0.16, 0.28),
        duvet_coverage=uniform(rng, 0.6, 0.8),
        duvet_drape_m=uniform(rng, 0.06, 0.2),
        pillow_count=0,
        frame_material=wood,
        headboard_material=pick(rng, FABRICS) if style == "upholstered" else wood,
        sheet_material=pick(rng, ("white linen", "white cotton", "cream cotton")),
        duvet_material=pick(rng, DUVETS),
        pillow_material=pick(rng, ("white linen", "white cotton", "light grey linen")),
    )


@dataclass(frozen=True)
class _Layout:
    w: float
    d: float
    h: float
    head_y: float  # front face of the headboard
    foot_y: float  # inner face of the footboard / foot rail
    rail: float
    legs: float
    frame_top: float
    mattress: tuple[float, float, float, float, float, float]  # x0, y0, z0, x1, y1, z1
    duvet: tuple[float, float, float, float, float, float]
    pillow_h: float


def _layout(p: BedParams, size: Size) -> _Layout:
    w, d, h = (float(v) for v in size)
    ht = clamp(p.headboard_thickness_m, 0.02, 0.1 * d)
    rail = clamp(p.rail_thickness_m, 0.02, 0.1 * w)
    frame_top = clamp(p.frame_height_m, 0.1, 0.5 * h)
    legs = clamp(p.leg_height_m, 0.0, frame_top - 0.08)
    head_y = -d / 2.0 + ht
    foot_y = d / 2.0 - (rail if not p.footboard else clamp(0.04, 0.02, 0.05 * d))
    mt = clamp(p.mattress_thickness_m, 0.08, max(0.09, h - frame_top - 0.05))
    mz0 = frame_top - min(0.05, 0.4 * mt)
    mx = w / 2.0 - rail - 0.01
    mattress = (-mx, head_y + 0.01, mz0, mx, foot_y - 0.01, mz0 + mt)
    mtop = mz0 + mt
    dt = 0.04
    drape = clamp(p.duvet_drape_m, 0.02, mt)
    dy0 = mattress[4] - clamp(p.duvet_coverage, 0.3, 0.9) * (mattress[4] - mattress[1])
    duvet = (-min(mx + 0.02, w / 2.0), dy0, mtop - drape, min(mx + 0.02, w / 2.0), min(mattress[4] + 0.02, d / 2.0),
             mtop + dt)
    pillow_h = clamp(0.13, 0.04, max(0.045, h - mtop - 0.01))
    return _Layout(w, d, h, head_y, foot_y, rail, legs, frame_top, mattress, duvet, pillow_h)


def _headboard(p: BedParams, L: _Layout) -> list[Part]:
    y0, y1 = -L.d / 2.0, L.head_y
    mat = p.headboard_material
    if p.headboard_style == "upholstered":
        panel = rounded_box((-L.w / 2, y0, 0.0), (L.w / 2, y1, L.h), min(0.04, 0.45 * (y1 - y0)))
        return [Part("headboard", panel, mat)]
    post = min(0.07, 0.1 * L.w)
    parts = [Part(f"headboard_post_{i}", rounded_box((x0, y0, 0.0), (x0 + post, y1, L.h), 0.006), p.frame_material)
             for i, x0 in enumerate((-L.w / 2, L.w / 2 - post))]
    if p.headboard_style == "slatted":
        zb = L.frame_top
        parts.append(Part("headboard_rail_0", rounded_box((-L.w / 2 + post, y0 + 0.005, zb),
                                                          (L.w / 2 - post, y1 - 0.005, zb + 0.06), 0.005), mat))
        parts.append(Part("headboard_rail_1", rounded_box((-L.w / 2 + post, y0 + 0.005, L.h - 0.08),
                                                          (L.w / 2 - post, y1 - 0.005, L.h - 0.01), 0.005), mat))
        inner = L.w - 2 * post
        n = max(3, int(inner / 0.12))
        for k in range(n):
            xc = -inner / 2 + inner * (k + 0.5) / n
            parts.append(Part(f"headboard_slat_{k}", rounded_box((xc - 0.02, y0 + 0.012, zb + 0.05),
                                                                 (xc + 0.02, y1 - 0.012, L.h - 0.07), 0.004), mat))
    else:
        parts.append(Part("headboard", rounded_box((-L.w / 2 + post, y0 + 0.008, L.frame_top * 0.6),
                                                   (L.w / 2 - post, y1 - 0.008, L.h - 0.02), 0.008), mat))
    return parts


def _frame(p: BedParams, L: _Layout) -> list[Part]:
    parts = []
    z0 = L.legs
    rail_bottom = max(z0, L.frame_top - 0.22) if L.legs > 0 else 0.0
    for i, s in enumerate((-1.0, 1.0)):
        x0, x1 = sorted((s * L.w / 2, s * (L.w / 2 - L.rail)))
        rail = rounded_box((x0, L.head_y, rail_bottom), (x1, L.foot_y, L.frame_top), 0.006)
        parts.append(Part(f"side_rail_{i}", rail, p.frame_material))
    if p.footboard:
        fh = clamp(p.footboard_height_m, L.frame_top + 0.03, L.h)
        parts.append(Part("footboard", rounded_box((-L.w / 2, L.foot_y, 0.0), (L.w / 2, L.d / 2, fh), 0.01),
                          p.headboard_material if p.headboard_style == "upholstered" else p.frame_material))
    else:
        parts.append(Part("foot_rail", rounded_box((-L.w / 2, L.foot_y, rail_bottom), (L.w / 2, L.d / 2, L.frame_top),
                                                   0.006), p.frame_material))
    deck_z = L.mattress[2]
    parts.append(Part("deck", rounded_box((-L.w / 2 + L.rail, L.head_y, deck_z - 0.025), (L.w / 2 - L.rail, L.foot_y,
                                                                                         deck_z), 0.0),
                      p.frame_material))
    if L.legs > 0:
        r = 0.03
        xs = (-L.w / 2 + L.rail / 2, L.w / 2 - L.rail / 2) + ((0.0,) if L.w > 1.4 else ())
        ys = (L.head_y + r, L.foot_y - r)
        for x in xs:
            for y in ys:
                leg = cylinder((x, y, 0.0), min(r, L.rail / 2), 0.0, rail_bottom + 0.01)
                parts.append(Part(f"leg_{len(parts)}", leg, p.frame_material))
    return parts


def _bedding(p: BedParams, L: _Layout) -> list[Part]:
    x0, y0, z0, x1, y1, z1 = L.mattress
    parts = [Part("mattress", rounded_box((x0, y0, z0), (x1, y1, z1), 0.03), p.sheet_material)]
    dx0, dy0, dz0, dx1, dy1, dz1 = L.duvet
    parts.append(Part("duvet", rounded_box((dx0, dy0, dz0), (dx1, dy1, dz1), 0.02), p.duvet_material))
    n = p.pillow_count if p.pillow_count > 0 else (1 if x1 - x0 < 1.2 else 2)
    gap = 0.04
    pw = (x1 - x0 - gap * (n + 1)) / n
    pd = min(0.45, 0.6 * (dy0 - y0))
    for i in range(n):
        px = x0 + gap + i * (pw + gap)
        parts.append(Part(f"pillow_{i}", rounded_box((px, y0 + 0.03, z1), (px + pw, y0 + 0.03 + pd, z1 + L.pillow_h),
                                                     0.45 * min(L.pillow_h, 0.1)), p.pillow_material))
    return parts


def build_bed(params: BedParams, size: Size) -> list[Part]:
    """Parts of a bed of exactly ``size`` (origin at the bottom centre, headboard at -Y, foot at +Y)."""
    L = _layout(params, size)
    return _headboard(params, L) + _frame(params, L) + _bedding(params, L)


def bed_surfaces(params: BedParams, size: Size) -> list[Surface]:
    """The top of the duvet."""
    L = _layout(params, size)
    x0, y0, _, x1, y1, z1 = L.duvet
    m = 0.04
    return [Surface(0, z1, rect(x0 + m, y0 + m, x1 - m, y1 - m), "duvet", None)]


register_generator("bed", BedParams, build_bed, bed_surfaces, sample_bed_params)
