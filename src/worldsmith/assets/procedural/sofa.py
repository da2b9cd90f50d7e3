"""Sofas and armchairs (an armchair is a one-seat sofa).

A base frame on legs (blocks, tapered wood, thin metal) or a recessed plinth; a back frame along the
-Y side; two arms (square, rolled, slim, or none); one bevelled seat cushion per seat (the count
follows the width unless fixed) and, optionally, loose back cushions leaning on the back frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..parts import Part
from ..primitives import cylinder, cylinder_along, frustum, rounded_box
from ..surfaces import Surface, rect
from .params import chance, clamp, pick, register_generator, uniform

Size = tuple[float, float, float]

FABRICS = ("charcoal fabric", "grey fabric", "light grey fabric", "beige linen", "cream boucle", "navy velvet",
           "green velvet", "mustard velvet", "terracotta fabric", "brown leather", "cognac leather", "sage linen")
LEG_MATERIALS = {"block": ("walnut wood", "oak wood", "black stained wood"),
                 "tapered": ("walnut wood", "oak wood", "ash wood"),
                 "metal": ("black metal", "brass", "brushed steel"),
                 "plinth": ("black stained wood", "dark grey fabric")}


@dataclass(frozen=True)
class SofaParams:
    category: str = "sofa"
    seat_count: int = 0  # 0: from the width
    arm_style: str = "square"  # square | rolled | slim | none
    arm_width_m: float = 0.16
    arm_height_m: float = 0.62  # top of the arms above the floor
    leg_style: str = "block"  # block | tapered | metal | plinth
    leg_height_m: float = 0.1
    seat_height_m: float = 0.44  # top of the seat cushions
    seat_cushion_thickness_m: float = 0.14
    back_depth_m: float = 0.2
    back_cushions: bool = True
    back_cushion_depth_m: float = 0.18
    cushion_radius_m: float = 0.035
    fabric: str = "grey fabric"
    leg_material: str = "walnut wood"



def sample_sofa_params(rng: np.random.Generator, size: Size, category: str = "sofa") -> SofaParams:
    """Sampled sofa params; ``category="armchair"`` gives one seat."""
    w, d, h = size
    arm = pick(rng, ("square", "rolled", "slim", "none"), (0.4, 0.25, 0.3, 0.05 if category == "sofa" else 0.0))
    leg = pick(rng, ("block", "tapered", "metal", "plinth"), (0.35, 0.3, 0.2, 0.15))
    seat_h = uniform(rng, 0.4, 0.47)
    return SofaParams(
        category=category,
        seat_count=1 if category == "armchair" else 0,
        arm_style=arm,
        arm_width_m=uniform(rng, 0.06, 0.09) if arm == "slim" else uniform(rng, 0.12, 0.22),
        arm_height_m=uniform(rng, seat_h + 0.12, min(h, seat_h + 0.28)),
        leg_style=leg,
        leg_height_m=uniform(rng, 0.03, 0.06) if leg == "plinth" else uniform(rng, 0.06, 0.16),
        seat_height_m=seat_h,
        seat_cushion_thickness_m=uniform(rng, 0.1, 0.18),
        back_depth_m=uniform(rng, 0.14, 0.22),
        back_cushions=chance(rng, 0.65),
        back_cushion_depth_m=uniform(rng, 0.12, 0.2),
        cushion_radius_m=uniform(rng, 0.015, 0.05),
        fabric=pick(rng, FABRICS),
        leg_material=pick(rng, LEG_MATERIALS[leg]),
    )


@dataclass(frozen=True)
class _Layout:
    w: float
    d: float
    h: float
    legs: float
    arm_w: float
    arm_top: float
    seat_top: float
    seat_bottom: float
    back_front: float  # y of the back frame's front face
    rest_front: float  # y where a sitter's back rests (front of back cushions or frame)
    back_top: float
    seats: tuple[tuple[float, float], ...]  # x ranges of the seat cushions
    cushion_r: float


def _layout(p: SofaParams, size: Size) -> _Layout:
    w, d, h = (float(v) for v in size)
    legs = clamp(p.leg_height_m, 0.0, 0.25 * h)
    arm_w = 0.0 if p.arm_style == "none" else clamp(p.arm_width_m, 0.04, 0.2 * w)
    seat_top = clamp(p.seat_height_m, legs + 0.12, h - 0.1)
    ct = clamp(p.seat_cushion_thickness_m, 0.05, seat_top - legs - 0.05)
    arm_top = clamp(p.arm_height_m, seat_top + 0.05, h)
    back_front = -d / 2.0 + clamp(p.back_depth_m, 0.06, 0.35 * d)
    cushions = p.back_cushions and d - (back_front + d / 2.0) > 0.45
    rest_front = back_front + (clamp(p.back_cushion_depth_m, 0.06, 0.25 * d) if cushions else 0.0)
    back_top = h - (min(0.08, 0.3 * (h - seat_top)) if cushions else 0.0)
    inner = w - 2.0 * arm_w
    n = p.seat_count if p.seat_count > 0 else int(clamp(round(inner / 0.68), 1, 4))
    n = int(clamp(n, 1, 6))
    cw = inner / n
    seats = tuple((-inner / 2.0 + i * cw, -inner / 2.0 + (i + 1) * cw) for i in range(n))
    r = clamp(p.cushion_radius_m, 0.005, 0.3 * ct)
    return _Layout(w, d, h, legs, arm_w, arm_top, seat_top, seat_top - ct, back_front, rest_front, back_top, seats, r)


def _legs(p: SofaParams, L: _Layout) -> list[Part]:
    if L.legs <= 0.0:
        return []
    if p.leg_style == "plinth":
        plinth = rounded_box((-L.w / 2 + 0.04, -L.d / 2 + 0.04, 0.0), (L.w / 2 - 0.04, L.d / 2 - 0.04, L.legs), 0.004)
        return [Part("plinth", plinth, p.leg_material)]
    xs = [-L.w / 2 + 0.06, L.w / 2 - 0.06] + ([0.0] if L.w > 2.0 else [])
    parts = []
    for x in xs:
        for y in (-L.d / 2 + 0.06, L.d / 2 - 0.06):
            i = len(parts)
            if p.leg_style == "block":
                mesh = rounded_box((x - 0.028, y - 0.028, 0.0), (x + 0.028, y + 0.028, L.legs), 0.004)
            elif p.leg_style == "tapered":
                mesh = frustum((x, y, 0.0), 0.014, 0.024, 0.0, L.legs, 12)
            else:
                mesh = cylinder((x, y, 0.0), 0.01, 0.0, L.legs, 12)
            parts.append(Part(f"leg_{i}", mesh, p.leg_material))
    return parts


def _arms(p: SofaParams, L: _Layout) -> list[Part]:
    if L.arm_w <= 0.0:
        return []
    parts = []
    y0 = -L.d / 2.0 + 0.02
    for i, s in enumerate((-1.0, 1.0)):
        x0, x1 = sorted((s * L.w / 2.0, s * (L.w / 2.0 - L.arm_w)))
        if p.arm_style == "rolled":
            rr = L.arm_w / 2.0
            lower = rounded_box((x0, y0, L.legs), (x1, L.d / 2.0, L.arm_top - rr), min(0.02, 0.3 * rr))
            roll = cylinder_along("y", ((x0 + x1) / 2.0, y0, L.arm_top - rr), L.d / 2.0 - y0, rr, 24)
            parts.append(Part(f"arm_{i}", lower, p.fabric))
            parts.append(Part(f"arm_roll_{i}", roll, p.fabric))
        else:
            r = min(0.45 * L.arm_w, 0.04) if p.arm_style == "slim" else min(L.cushion_r, 0.3 * L.arm_w)
            parts.append(Part(f"arm_{i}", rounded_box((x0, y0, L.legs), (x1, L.d / 2.0, L.arm_top), r), p.fabric))
    return parts


def build_sofa(params: SofaParams, size: Size) -> list[Part]:
    """Parts of a sofa of exactly ``size`` (origin at the bottom centre, front +Y, back at -Y)."""
    L = _layout(params, size)
    r = L.cushion_r
    parts = _legs(params, L)
    base = rounded_box((-L.w / 2 + L.arm_w, L.back_front - 0.02, L.legs),
                       (L.w / 2 - L.arm_w, L.d / 2 - 0.01, L.seat_bottom), min(r, 0.02))
    parts.append(Part("base", base, params.fabric))
    parts.append(Part("back", rounded_box((-L.w / 2, -L.d / 2, L.legs), (L.w / 2, L.back_front, L.back_top),
                                          min(r, 0.45 * (L.back_front + L.d / 2))), params.fabric))
    parts += _arms(params, L)
    for i, (x0, x1) in enumerate(L.seats):
        cushion = rounded_box((x0, L.back_front, L.seat_bottom), (x1, L.d / 2.0, L.seat_top), r)
        parts.append(Part(f"seat_cushion_{i}", cushion, params.fabric))
    if L.rest_front > L.back_front:
        for i, (x0, x1) in enumerate(L.seats):
            parts.append(Part(f"back_cushion_{i}", rounded_box((x0, L.back_front, L.seat_top), (x1, L.rest_front, L.h),
                                                               min(1.5 * r, 0.45 * (L.rest_front - L.back_front))),
                              params.fabric))
    return parts


def sofa_surfaces(params: SofaParams, size: Size) -> list[Surface]:
    """One surface per seat cushion (index = seat number from -X to +X)."""
    L = _layout(params, size)
    m = L.cushion_r + 0.01
    y0, y1 = L.rest_front + m, L.d / 2.0 - m
    return [Surface(i, L.seat_top, rect(x0 + m, y0, x1 - m, y1), f"seat_{i}", None)
            for i, (x0, x1) in enumerate(L.seats)]


register_generator("sofa", SofaParams, build_sofa, sofa_surfaces, sample_sofa_params)
