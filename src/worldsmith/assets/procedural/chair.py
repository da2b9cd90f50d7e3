"""Chairs: dining and generic chairs, office chairs, bar stools.

A seat (a board, or a fabric cushion on a frame) on four legs with stretchers, a steel sled base or
an office swivel base (five-star with casters and a gas column); a back leaning backwards (vertical
slats between posts under a top rail, or one solid / upholstered panel) on the -Y side; optional
arms. ``back_style="none"`` makes a stool (used for bar stools).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..parts import Part
from ..primitives import cylinder, leg, merge, rotation_z, rounded_box, shear_y_by_z, transformed
from ..surfaces import Surface, rect
from .params import chance, clamp, pick, register_generator, uniform

Size = tuple[float, float, float]

WOODS = ("oak wood", "walnut wood", "beech wood", "black stained wood", "white painted wood")
FABRICS = ("charcoal fabric", "grey fabric", "beige linen", "navy velvet", "mustard velvet", "sage fabric",
           "cream boucle", "brown leather", "black leather")


@dataclass(frozen=True)
class ChairParams:
    category: str = "chair"
    base: str = "legs"  # legs | sled | swivel
    leg_shape: str = "round"  # round | square | tapered
    leg_radius_m: float = 0.018
    seat_height_m: float = 0.46  # top of the seat above the floor
    seat_thickness_m: float = 0.04
    upholstered: bool = False
    arms: bool = False
    back_style: str = "slats"  # slats | solid | none
    slat_count: int = 3
    back_thickness_m: float = 0.03
    back_tilt_deg: float = 6.0
    stretchers: bool = True
    frame_material: str = "oak wood"
    seat_material: str = "oak wood"



def sample_chair_params(rng: np.random.Generator, size: Size, category: str = "chair") -> ChairParams:
    """Sampled chair params suiting ``category`` (office chairs swivel with an upholstered back, bar
    stools are tall and mostly backless)."""
    w, d, h = size
    if category == "office_chair":
        base, upholstered, back = "swivel", True, "solid"
        arms = chance(rng, 0.7)
        seat_h = uniform(rng, 0.44, 0.5)
        frame = pick(rng, ("black metal", "black plastic", "brushed steel"))
    elif category == "bar_stool":
        base = pick(rng, ("legs", "sled"), (0.75, 0.25))
        upholstered = chance(rng, 0.4)
        back = pick(rng, ("none", "slats", "solid"), (0.6, 0.2, 0.2))
        arms = False
        seat_h = h if back == "none" else clamp(uniform(rng, 0.62, 0.78), 0.4, h - 0.15)
        frame = pick(rng, WOODS[:3] + ("black metal", "brushed steel"))
    else:
        base = pick(rng, ("legs", "sled"), (0.8, 0.2))
        upholstered = chance(rng, 0.45)
        back = pick(rng, ("slats", "solid"))
        arms = chance(rng, 0.15 if category == "dining_chair" else 0.3)
        seat_h = uniform(rng, 0.43, 0.48)
        frame = pick(rng, WOODS) if base == "legs" else pick(rng, ("black metal", "brushed steel", "chrome"))
    seat_material = pick(rng, FABRICS) if upholstered else (frame if frame in WOODS else pick(rng, WOODS))
    return ChairParams(
        category=category,
        base=base,
        leg_shape=pick(rng, ("round", "square", "tapered")),
        leg_radius_m=uniform(rng, 0.013, 0.022),
        seat_height_m=seat_h,
        seat_thickness_m=uniform(rng, 0.05, 0.08) if upholstered else uniform(rng, 0.025, 0.045),
        upholstered=upholstered,
        arms=arms,
        back_style=back,
        slat_count=int(rng.integers(2, 6)),
        back_thickness_m=uniform(rng, 0.05, 0.08) if upholstered and back == "solid" else uniform(rng, 0.02, 0.035),
        back_tilt_deg=uniform(rng, 2.0, 12.0),
        stretchers=chance(rng, 0.6) or category == "bar_stool",
        frame_material=frame,
        seat_material=seat_material,
    )


@dataclass(frozen=True)
class _Frame:
    """Derived dimensions shared by the builder and the surfaces."""

    w: float
    d: float
    h: float
    seat_top: float
    seat_t: float
    arm_w: float
    back_t: float
    tilt: float  # horizontal lean of the back over its height
    y_seat_back: float  # back edge of the seat (where the back meets it)


def _frame(p: ChairParams, size: Size) -> _Frame:
    w, d, h = (float(v) for v in size)
    has_back = p.back_style in ("slats", "solid")
    seat_top = clamp(p.seat_height_m, 0.15, h - 0.15) if has_back else h
    seat_t = clamp(p.seat_thickness_m, 0.015, 0.3 * seat_top)
    arm_w = clamp(0.05, 0.0, 0.15 * w) if p.arms and has_back else 0.0
    back_t = clamp(p.back_thickness_m, 0.012, 0.25 * d) if has_back else 0.0
    tilt = (h - seat_top) * math.tan(math.radians(clamp(p.back_tilt_deg, 0.0, 20.0))) if has_back else 0.0
    tilt = min(tilt, 0.25 * d)
    return _Frame(w, d, h, seat_top, seat_t, arm_w, back_t, tilt, -d / 2.0 + tilt)


def _seat(p: ChairParams, f: _Frame) -> list[Part]:
    sx = f.w / 2.0 - f.arm_w
    z0 = f.seat_top - f.seat_t
    if p.upholstered:
        rail = min(0.025, 0.3 * z0)
        return [
            Part("seat_frame", rounded_box((-sx + 0.01, f.y_seat_back, z0 - rail), (sx - 0.01, f.d / 2 - 0.01, z0),
                                           0.004), p.frame_material),
            Part("seat", rounded_box((-sx, f.y_seat_back, z0), (sx, f.d / 2, f.seat_top), min(0.02, 0.45 * f.seat_t)),
                 p.seat_material),
        ]
    return [Part("seat", rounded_box((-sx, f.y_seat_back, z0), (sx, f.d / 2, f.seat_top), 0.006), p.seat_material)]



def _legs(p: ChairParams, f: _Frame) -> list[Part]:
    sx = f.w / 2.0 - f.arm_w
    r = clamp(p.leg_radius_m, 0.008, min(sx, f.d / 2) / 4.0)
    z1 = f.seat_top - f.seat_t - (0.02 if p.upholstered else 0.0)
    x = sx - r - 0.01
    yf, yb = f.d / 2.0 - r - 0.01, f.y_seat_back + r
    pos = [(-x, yb), (x, yb), (x, yf), (-x, yf)]
    parts = [Part(f"leg_{i}", leg(p.leg_shape, px, py, z1, r, 0.65, 12), p.frame_material) for i, (px, py) in enumerate(pos)]
    if p.stretchers:
        zs = 0.3 * z1
        sr = 0.6 * r
        parts.append(Part("stretcher_0", rounded_box((-x - sr, yb, zs - sr), (-x + sr, yf, zs + sr), 0.3 * sr),
                          p.frame_material))
        parts.append(Part("stretcher_1", rounded_box((x - sr, yb, zs - sr), (x + sr, yf, zs + sr), 0.3 * sr),
                          p.frame_material))
        if p.back_style == "none" or f.seat_top > 0.6:  # a foot rest all round for tall stools
            parts.append(Part("stretcher_2", rounded_box((-x, yf - sr, zs - sr), (x, yf + sr, zs + sr), 0.3 * sr),
                              p.frame_material))
            parts.append(Part("stretcher_3", rounded_box((-x, yb - sr, zs - sr), (x, yb + sr, zs + sr), 0.3 * sr),
                              p.frame_material))
    return parts


def _sled(p: ChairParams, f: _Frame) -> list[Part]:
    sx = f.w / 2.0 - f.arm_w
    z1 = f.seat_top - f.seat_t
    bw, bt = 0.024, 0.012
    yb, yf = f.y_seat_back + 0.01, f.d / 2.0 - 0.02
    parts = []
    for i, s in enumerate((-1.0, 1.0)):
        x0, x1 = s * (sx - 0.015) - bw / 2, s * (sx - 0.015) + bw / 2
        pieces = [
            rounded_box((x0, yb, 0.0), (x1, yf, bt), 0.004),
            rounded_box((x0, yf - bt, 0.0), (x1, yf, z1), 0.004),
            rounded_box((x0, yb, 0.0), (x1, yb + bt, z1), 0.004),
        ]
        parts.append(Part(f"sled_{i}", merge(pieces), p.frame_material))
    xs = sx - 0.015 - bw / 2
    parts.append(Part("crossbar", rounded_box((-xs, yb, z1 - 0.03), (xs, yb + bt, z1), 0.004), p.frame_material))
    if f.seat_top > 0.55:  # a foot rest for tall stools
        zf = 0.35 * f.seat_top
        parts.append(Part("footrest", rounded_box((-xs, yf - bt, zf - 0.012), (xs, yf, zf + 0.012), 0.004),
                          p.frame_material))
    return parts


def _swivel(p: ChairParams, f: _Frame) -> list[Part]:
    sx = f.w / 2.0 - f.arm_w
    yc = (f.y_seat_back + f.d / 2.0) / 2.0
    reach = max(0.1, min(f.w / 2.0, f.d / 2.0 - abs(yc)) - 0.01)
    caster_r, caster_h = 0.025, 0.045
    arm_z0, arm_z1 = caster_h, caster_h + 0.03
    parts = []
    for i in range(5):
        angle = 90.0 + 72.0 * i
        arm = rounded_box((0.0, -0.02, arm_z0), (reach - caster_r, 0.02, arm_z1), 0.008)
        m = rotation_z(angle)
        m[1, 3] = yc
        parts.append(Part(f"base_arm_{i}", transformed(arm, m), p.frame_material))
        t = math.radians(angle)
        cx, cy = (reach - caster_r) * math.cos(t), yc + (reach - caster_r) * math.sin(t)
        parts.append(Part(f"caster_{i}", cylinder((cx, cy, 0.0), caster_r, 0.0, caster_h, 12), "black plastic"))
    z_seat = f.seat_top - f.seat_t - (0.025 if p.upholstered else 0.0)
    parts.append(Part("hub", cylinder((0.0, yc, 0.0), 0.045, arm_z0 - 0.005, arm_z1 + 0.02, 16), p.frame_material))
    parts.append(Part("gas_column", cylinder((0.0, yc, 0.0), 0.022, arm_z1 + 0.02, z_seat - 0.04, 16), "chrome"))
    mech_w = min(0.12, sx)
    parts.append(Part("seat_mechanism", rounded_box((-mech_w, yc - 0.1, z_seat - 0.04), (mech_w, yc + 0.1, z_seat),
                                                    0.006), p.frame_material))
    return parts


def _back(p: ChairParams, f: _Frame) -> list[Part]:
    """The back, built upright at the seat's back edge, then leant back by shearing."""
    if p.back_style not in ("slats", "solid"):
        return []
    sx = f.w / 2.0 - f.arm_w
    y0, y1 = f.y_seat_back, f.y_seat_back + f.back_t
    z0, z1 = f.seat_top, f.h
    shear = shear_y_by_z(z0, f.tilt / (z1 - z0))
    post = clamp(p.leg_radius_m, 0.01, 0.03)
    parts: list[tuple[str, object, str]] = []
    if p.back_style == "solid":
        gap = min(0.06, 0.25 * (z1 - z0))
        material = p.seat_material if p.upholstered else p.frame_material
        r = min(0.025, 0.45 * f.back_t) if p.upholstered else 0.005
        parts.append(("backrest", rounded_box((-sx, y0, z0 + gap), (sx, y1, z1), r), material))
        for i, s in enumerate((-1.0, 1.0)):
            x = s * 0.6 * sx
            parts.append((f"back_post_{i}", rounded_box((x - post, y0 + 0.002, z0 - 0.01),
                                                        (x + post, y1 - 0.002, z0 + gap + 0.05), 0.003),
                          p.frame_material))
    else:
        rail = min(0.07, 0.3 * (z1 - z0))
        for i, s in enumerate((-1.0, 1.0)):
            x = s * (sx - post)
            parts.append((f"back_post_{i}", rounded_box((x - post, y0, z0 - 0.01), (x + post, y1, z1 - 0.005), 0.004),
                          p.frame_material))
        parts.append(("back_rail", rounded_box((-sx, y0, z1 - rail), (sx, y1, z1), 0.006), p.frame_material))
        n = int(clamp(p.slat_count, 1, 8))
        span = 2.0 * (sx - 2.0 * post)
        sw = min(0.05, span / (2.0 * n + 1.0))
        for k in range(n):
            x = -span / 2.0 + span * (k + 0.5) / n
            parts.append((f"back_slat_{k}", rounded_box((x - sw / 2, y0 + 0.003, z0 - 0.005),
                                                        (x + sw / 2, y1 - 0.003, z1 - rail + 0.005), 0.003),
                          p.frame_material))
    leant = [(name, transformed(mesh, shear), mat) for name, mesh, mat in parts]  # type: ignore[arg-type]
    # rounded edges lean back a little less than the top face: put the rearmost point on -d/2
    shift = np.eye(4)
    shift[1, 3] = -f.d / 2.0 - min(float(m.bounds[0][1]) for _, m, _ in leant)
    return [Part(name, transformed(mesh, shift), mat) for name, mesh, mat in leant]


def _arms(p: ChairParams, f: _Frame) -> list[Part]:
    if f.arm_w <= 0:
        return []
    z_arm = min(f.seat_top + clamp(0.22, 0.1, 0.6 * (f.h - f.seat_top)), f.h - 0.02)
    parts = []
    for i, s in enumerate((-1.0, 1.0)):
        x0, x1 = sorted((s * (f.w / 2 - f.arm_w), s * f.w / 2))
        xc = (x0 + x1) / 2.0
        y0, y1 = f.y_seat_back + f.back_t, f.d / 2.0 - 0.03
        parts.append(Part(f"armrest_{i}", rounded_box((x0, y0, z_arm - 0.03), (x1, y1, z_arm), 0.01),
                          p.seat_material if p.base == "swivel" else p.frame_material))
        post = cylinder((xc, y1 - 0.04, 0.0), 0.012, f.seat_top - f.seat_t, z_arm - 0.03, 12)
        parts.append(Part(f"arm_post_{i}", post, p.frame_material))
    return parts


def build_chair(params: ChairParams, size: Size) -> list[Part]:
    """Parts of a chair of exactly ``size`` (origin at the bottom centre, front +Y, back at -Y)."""
    f = _frame(params, size)
    parts = _seat(params, f)
    if params.base == "sled":
        parts += _sled(params, f)
    elif params.base == "swivel":
        parts += _swivel(params, f)
    else:
        parts += _legs(params, f)
    return parts + _back(params, f) + _arms(params, f)


def chair_surfaces(params: ChairParams, size: Size) -> list[Surface]:
    """The seat, in front of the back."""
    f = _frame(params, size)
    sx = f.w / 2.0 - f.arm_w - 0.02
    y0 = f.y_seat_back + f.back_t + 0.02
    return [Surface(0, f.seat_top, rect(-sx, y0, sx, f.d / 2.0 - 0.02), "seat", None)]


register_generator("chair", ChairParams, build_chair, chair_surfaces, sample_chair_params)
