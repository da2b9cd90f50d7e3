"""Home-gym equipment: treadmills, weight benches, dumbbell racks, yoga mats and dumbbells.

- ``treadmill``: a deck with side rails and a running belt, a motor hood and the console at -Y (the
  back of the machine goes to the wall), the belt's free end and rear roller cap at +Y. The user
  stands on the belt facing -Y, towards the console, which sits on two uprights leaning towards them,
  with side handrails (long or short) and sometimes a front grab bar. Home / commercial builds vary
  the hood, console (LED panel or big touch screen) and frame.
- ``weight_bench``: a flat, incline or adjustable pad on a steel frame (spine, feet with rubber caps);
  optional leg developer rollers at the foot end (+Y) and optional rack uprights with J-hooks at the
  head end (-Y). An incline back pad rises towards -Y.
- ``dumbbell_rack``: two or three tiers of trays or twin bars between A-frame or upright end frames,
  holding pairs of dumbbells (hex, round or pro-style heads) that get heavier down and to the right.
- ``yoga_mat``: a flat mat a few millimetres thick (long side along Y), one or two colour layers,
  square or rounded corners, plain, with alignment lines, a border band or a ribbed top.
- ``dumbbell``: a handle along X with two heads: hexagonal (lying on a flat), round, or a plate-loaded
  bar with discs and spin-lock collars.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import trimesh

from ..parts import Part
from ..primitives import box, cylinder, cylinder_along, lathe, merge, prism, rotation_z, transformed
from ..surfaces import Surface, rect
from ._shapes import fit_exact, pivoted, rbox, rotation_x, slab_yz, square_bar, translate
from .params import chance, clamp, pick, register_generator, uniform

Size = tuple[float, float, float]


# ----------------------------------------------------------------------------------------------------------------
# private mesh helpers


def _rounded_rect(x0: float, y0: float, x1: float, y1: float, r: float, steps: int = 4) -> list[tuple[float, float]]:
    r = min(r, 0.49 * (x1 - x0), 0.49 * (y1 - y0))
    if r <= 1e-4:
        return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    pts = []
    for cx, cy, a0 in ((x1 - r, y0 + r, -90.0), (x1 - r, y1 - r, 0.0), (x0 + r, y1 - r, 90.0), (x0 + r, y0 + r, 180.0)):
        for k in range(steps + 1):
            a = math.radians(a0 + 90.0 * k / steps)
            pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return pts


# ----------------------------------------------------------------------------------------------------------------
# treadmill

FRAME_COLOURS = ("black metal", "black metal", "silver painted metal", "dark grey painted metal", "white painted metal",
                 "brushed steel")
PLASTICS = ("black plastic", "dark grey plastic", "light grey plastic", "white plastic", "silver painted metal")


@dataclass(frozen=True)
class TreadmillParams:
    category: str = "treadmill"
    style: str = "home"  # home | commercial
    handrails: str = "long"  # long | short
    front_bar: bool = True
    big_screen: bool = False
    deck_height_m: float = 0.2
    hood_length_m: float = 0.32
    belt_width_m: float = 0.5
    upright_lean_deg: float = 12.0
    frame_material: str = "black metal"
    hood_material: str = "black plastic"
    accent_material: str = "black plastic"


def sample_treadmill_params(rng: np.random.Generator, size: Size, category: str = "treadmill") -> TreadmillParams:
    style = pick(rng, ("home", "commercial"), (0.6, 0.4))
    return TreadmillParams(
        category=category,
        style=style,
        handrails=pick(rng, ("long", "short")),
        front_bar=chance(rng, 0.5),
        big_screen=chance(rng, 0.7 if style == "commercial" else 0.2),
        deck_height_m=uniform(rng, 0.16, 0.24) if style == "home" else uniform(rng, 0.22, 0.3),
        hood_length_m=uniform(rng, 0.25, 0.35) if style == "home" else uniform(rng, 0.35, 0.45),
        belt_width_m=uniform(rng, 0.45, 0.58),
        upright_lean_deg=uniform(rng, 5.0, 20.0),
        frame_material=pick(rng, FRAME_COLOURS),
        hood_material=pick(rng, PLASTICS),
        accent_material=pick(rng, ("black plastic", "black rubber", "red plastic", "blue plastic", "orange plastic",
                                   "light grey plastic")),
    )


def build_treadmill(params: TreadmillParams, size: Size) -> list[Part]:
    """Parts of a treadmill of exactly ``size`` (console at -Y, belt's free end at +Y)."""
    w, d, h = (float(v) for v in size)
    p = params
    fr = p.frame_material
    r = 0.022 if p.style == "home" else 0.03  # handrail radius
    deck_w = min(clamp(p.belt_width_m, 0.35, 0.62) + 0.2, w - 0.02)
    belt_w = deck_w - 0.16
    dz = clamp(p.deck_height_m, 0.12, 0.3)
    hood_l = clamp(p.hood_length_m, 0.18, 0.3 * d)
    hood_h = dz + (0.14 if p.style == "home" else 0.2)
    y_h1 = -d / 2 + hood_l
    parts = [
        Part("motor_hood", rbox((-deck_w / 2, -d / 2, 0.02), (deck_w / 2, y_h1, hood_h), 0.05),
             p.hood_material),
        Part("deck_frame", rbox((-deck_w / 2 + 0.03, -d / 2 + 0.05, 0.03), (deck_w / 2 - 0.03, d / 2 - 0.04,
                                                                                   dz - 0.04), 0.01), fr),
        Part("belt", rbox((-belt_w / 2, y_h1 - 0.02, dz - 0.05), (belt_w / 2, d / 2 - 0.05, dz), 0.02),
             "black rubber"),
        Part("rear_cap", rbox((-deck_w / 2, d / 2 - 0.09, 0.02), (deck_w / 2, d / 2, dz - 0.01), 0.02),
             p.hood_material),
    ]
    for i, s in enumerate((-1.0, 1.0)):
        x0, x1 = sorted((s * deck_w / 2, s * belt_w / 2))
        parts.append(Part(f"side_rail_{i}", rbox((x0, y_h1 - 0.04, 0.02), (x1, d / 2 - 0.07, dz + 0.005), 0.01),
                          p.accent_material if p.accent_material != "black rubber" else p.hood_material))
        for j, y in enumerate((-d / 2 + 0.1, d / 2 - 0.12)):
            parts.append(Part(f"foot_{i}_{j}", cylinder((s * (deck_w / 2 - 0.06), y, 0.0), 0.03, 0.0, 0.03, 12),
                              "black rubber"))
    # console tilted so its face looks up at the user, top exactly at h, on two uprights leaning towards them
    con_h = 0.2 if p.big_screen else 0.15
    con_d = 0.16 if p.big_screen else 0.2
    lean = math.tan(math.radians(clamp(p.upright_lean_deg, 0.0, 25.0)))
    z_rail = clamp(dz + 0.8, dz + 0.5, h - 0.32)
    xu = w / 2 - r - 0.004  # the grips are a little thicker
    yu0 = -d / 2 + 0.12
    cw = w - 2 * r - 0.03
    body = rbox((-cw / 2, -con_d / 2, -con_h / 2), (cw / 2, con_d / 2, con_h / 2), 0.03)
    m = rotation_x(20.0)  # face tipped back towards the user
    m[2, 3] = h - float(transformed(body, m).bounds[1][2])
    zc = m[2, 3]
    m[1, 3] = yu0 + (zc - 0.04) * lean
    parts.append(Part("console", transformed(body, m), p.hood_material))
    sw = cw / 2 - (0.04 if p.big_screen else 0.12)
    sh = con_h / 2 - (0.025 if p.big_screen else 0.045)
    screen = transformed(box((-sw, con_d / 2 - 0.004, -sh), (sw, con_d / 2 + 0.003, sh)), m)
    parts.append(Part("screen", screen, "black screen"))
    if not p.big_screen:
        keys = [box((x - 0.012, con_d / 2 - 0.004, -sh - 0.035), (x + 0.012, con_d / 2 + 0.004, -sh - 0.015))
                for x in np.linspace(-cw / 2 + 0.06, cw / 2 - 0.06, 6)]
        parts.append(Part("console_keys", transformed(merge(keys), m), p.accent_material))
    ur = 0.03 if p.style == "home" else 0.045
    for i, s in enumerate((-1.0, 1.0)):
        x = s * (xu - 0.01)
        up = square_bar((x, yu0, 0.04), (x, m[1, 3], zc), 0.025 if p.style == "home" else 0.035, ur)
        parts.append(Part(f"upright_{i}", up, fr))
    yu1 = yu0 + (z_rail - 0.04) * lean
    # handrails along the belt, with grips
    rail_len = min(0.55 if p.handrails == "long" else 0.3, d / 2 - yu1 - 0.2)
    for i, s in enumerate((-1.0, 1.0)):
        x = s * xu
        parts.append(Part(f"handrail_{i}", cylinder_along("y", (x, yu1 - 0.03, z_rail), rail_len + 0.03, r, 12), fr))
        parts.append(Part(f"grip_{i}", cylinder_along("y", (x, yu1 + 0.08, z_rail), rail_len - 0.12, r + 0.004, 12),
                          "black rubber"))
    if p.front_bar:
        parts.append(Part("front_bar", cylinder_along("x", (-xu, yu1 + 0.06, z_rail - 0.06), 2 * xu, 0.8 * r, 12), fr))
    return parts


def treadmill_surfaces(params: TreadmillParams, size: Size) -> list[Surface]:
    """Nothing is put on a treadmill."""
    return []


register_generator("treadmill", TreadmillParams, build_treadmill, treadmill_surfaces, sample_treadmill_params)


# ----------------------------------------------------------------------------------------------------------------
# weight bench

PADS = ("black leather", "black leather", "black leather", "red leather", "charcoal leather", "blue leather",
        "grey leather", "brown leather")


@dataclass(frozen=True)
class WeightBenchParams:
    category: str = "weight_bench"
    style: str = "flat"  # flat | incline | adjustable
    rack: bool = False  # rack uprights with J-hooks at the head end (-Y)
    leg_developer: bool = False  # foam rollers at the foot end (+Y)
    pad_height_m: float = 0.44  # top of the seat pad
    pad_width_m: float = 0.28
    pad_thickness_m: float = 0.06
    incline_deg: float = 0.0
    frame_material: str = "black metal"
    pad_material: str = "black leather"


def sample_weight_bench_params(rng: np.random.Generator, size: Size,
                               category: str = "weight_bench") -> WeightBenchParams:
    """Low benches are flat (or adjustables laid flat), taller footprints either get rack uprights
    or an incline back reaching the top."""
    w, d, h = size
    seat = uniform(rng, 0.4, 0.47)
    if h <= 0.55:
        style, rack = pick(rng, ("flat", "adjustable"), (0.7, 0.3)), False
    elif h - seat > 0.62:
        style, rack = pick(rng, ("flat", "incline", "adjustable")), True
    else:
        rack = chance(rng, 0.3) if h > 0.75 else False
        style = pick(rng, ("incline", "adjustable", "flat")) if rack else pick(rng, ("incline", "adjustable"))
    return WeightBenchParams(
        category=category,
        style=style,
        rack=rack,
        leg_developer=chance(rng, 0.35) and d > 1.2,
        pad_height_m=seat,
        pad_width_m=uniform(rng, 0.25, 0.32),
        pad_thickness_m=uniform(rng, 0.05, 0.08),
        incline_deg=uniform(rng, 15.0, 45.0) if style != "flat" and rack else 0.0,
        frame_material=pick(rng, FRAME_COLOURS[:5] + ("red painted metal", "yellow painted metal")),
        pad_material=pick(rng, PADS),
    )


@dataclass(frozen=True)
class _Bench:
    w: float
    d: float
    h: float
    seat_top: float
    pad_t: float
    pad_w: float
    y_hinge: float  # where the back pad meets the seat
    y_seat1: float  # front end of the seat pad
    back_len: float
    angle: float  # back pad incline (deg)
    seat_angle: float
    rack: bool


def _bench_frame(p: WeightBenchParams, size: Size) -> _Bench:
    w, d, h = (float(v) for v in size)
    pad_t = clamp(p.pad_thickness_m, 0.035, 0.1)
    pad_w = clamp(p.pad_width_m, 0.2, w - 0.06)
    rack = p.rack and h > 0.6
    front = 0.34 if p.leg_developer else 0.07
    y_seat1 = d / 2 - front
    y0 = -d / 2 + (0.14 if rack else 0.04)
    seat_len = clamp(0.38, 0.25, 0.4 * (y_seat1 - y0))
    y_hinge = y_seat1 - seat_len - 0.01
    back_len = y_hinge - y0
    seat_top = clamp(p.pad_height_m, 0.25, h)
    angle = 0.0
    if rack:
        seat_top = min(seat_top, h - 0.1)
        if p.style != "flat":
            angle = clamp(p.incline_deg, 0.0, 60.0)
            rise = back_len * math.sin(math.radians(angle)) + pad_t
            if seat_top + rise > h - 0.05:  # keep the back under the hooks
                s = clamp((h - 0.05 - seat_top - pad_t) / back_len, 0.0, 1.0)
                angle = math.degrees(math.asin(s))
    elif p.style == "flat" or h - seat_top < 0.05:
        seat_top = h
    else:  # the raised back reaches the top
        r, phi = math.hypot(back_len, pad_t), math.atan2(pad_t, back_len)
        max_rise = r * math.sin(min(math.radians(80.0) + phi, math.pi / 2))
        if h - (seat_top - pad_t) > max_rise:  # too tall for the pad: raise the seat
            seat_top = h - max_rise + pad_t
        angle = max(0.0, math.degrees(math.asin(clamp((h - seat_top + pad_t) / r, 0.0, 1.0)) - phi))
    seat_angle = 8.0 if p.style == "adjustable" and angle > 10.0 else 0.0
    return _Bench(w, d, h, seat_top, pad_t, pad_w, y_hinge, y_seat1, back_len, angle, seat_angle, rack)


def build_weight_bench(params: WeightBenchParams, size: Size) -> list[Part]:
    """Parts of a weight bench of exactly ``size`` (head end -Y, foot end +Y)."""
    b = _bench_frame(params, size)
    p = params
    w, d, h = b.w, b.d, b.h
    fr = p.frame_material
    z_pad0 = b.seat_top - b.pad_t
    pw = b.pad_w / 2
    parts = []
    # seat pad (flat, or tipped up a little at the front on adjustables)
    seat = rbox((-pw, b.y_hinge + 0.01, z_pad0), (pw, b.y_seat1, b.seat_top), 0.025)
    parts.append(Part("seat_pad", seat, p.pad_material))
    parts.append(Part("seat_board", box((-pw + 0.01, b.y_hinge + 0.02, z_pad0 - 0.015), (pw - 0.01, b.y_seat1 - 0.01,
                                                                                        z_pad0 + 0.001)),
                      "black plastic"))
    back = rbox((-pw, b.y_hinge - b.back_len, z_pad0), (pw, b.y_hinge, b.seat_top), 0.025)
    board = box((-pw + 0.01, b.y_hinge - b.back_len + 0.01, z_pad0 - 0.015),
                (pw - 0.01, b.y_hinge - 0.01, z_pad0 + 0.001))
    rot = pivoted(rotation_x(-b.angle), (0.0, b.y_hinge, z_pad0))  # the head end (-Y) rises
    if b.angle > 0.0 and not b.rack:  # snap the top of the raised back onto h
        rot[2, 3] += h - float(transformed(back, rot).bounds[1][2])
    back, board = transformed(back, rot), transformed(board, rot)
    parts.append(Part("back_pad", back, p.pad_material))
    parts.append(Part("back_board", board, "black plastic"))
    # frame: spine, two feet with rubber caps, posts
    tw = 0.03  # half width of the square tube
    zs = clamp(0.45 * z_pad0, 0.12, z_pad0 - 0.06)
    y_rf, y_ff = -d / 2 + 0.05, d / 2 - 0.05
    foot_w = w / 2 if not p.leg_developer else min(w / 2, 0.3)
    parts.append(Part("spine", rbox((-tw, y_rf, zs - tw), (tw, y_ff, zs + tw), 0.006), fr))
    for i, (y, half) in enumerate(((y_rf, w / 2), (y_ff, foot_w))):
        parts.append(Part(f"foot_{i}", rbox((-half + 0.03, y - 0.05, 0.0),
                                                   (half - 0.03, y + 0.05, 0.06), 0.008), fr))
        for j, s in enumerate((-1.0, 1.0)):
            x0, x1 = sorted((s * half, s * (half - 0.04)))
            parts.append(Part(f"foot_cap_{i}_{j}", rbox((x0, y - 0.05, 0.0), (x1, y + 0.05, 0.065), 0.015),
                              "black rubber"))
        parts.append(Part(f"post_{i}", rbox((-tw, y - tw, 0.04), (tw, y + tw, zs + tw), 0.006), fr))
    # seat post and back support strut
    ys = (b.y_hinge + b.y_seat1) / 2
    parts.append(Part("seat_post", rbox((-tw, ys - tw, zs), (tw, ys + tw, z_pad0 - 0.01), 0.006), fr))
    if b.angle > 0.0:
        t = math.radians(b.angle)
        u = 0.55 * b.back_len
        top = (rot @ np.array([0.0, b.y_hinge - u, z_pad0 - 0.015, 1.0]))[:3]
        foot = (0.0, b.y_hinge - u * math.cos(t) + 0.05, zs)
        parts.append(Part("back_strut", square_bar(foot, top, 0.025, 0.02), fr))
        if p.style == "adjustable":
            ladder = square_bar((0.0, b.y_hinge - 0.6 * b.back_len, zs + tw), (0.0, b.y_hinge - 0.05, zs + tw), 0.03,
                                0.012)
            parts.append(Part("adjust_ladder", ladder, fr))
    else:
        yb = b.y_hinge - 0.6 * b.back_len
        parts.append(Part("back_post", rbox((-tw, yb - tw, zs), (tw, yb + tw, z_pad0 - 0.01), 0.006), fr))
    if p.leg_developer:
        yl = d / 2 - 0.16
        post = square_bar((0.0, y_ff - 0.02, zs), (0.0, yl, z_pad0 + 0.02), 0.025, 0.025)
        parts.append(Part("roller_post", post, fr))
        rr = 0.055
        half_w = w / 2
        for k, (y, z) in enumerate(((yl, z_pad0 - 0.02), (d / 2 - rr - 0.005, 0.16))):
            bar = cylinder_along("x", (-half_w + 0.03, y, z), 2 * half_w - 0.06, 0.012, 8)
            parts.append(Part(f"roller_bar_{k}", bar, "chrome"))
            for j, s in enumerate((-1.0, 1.0)):
                x0 = -half_w if s < 0 else half_w - 0.17
                parts.append(Part(f"roller_{k}_{j}", cylinder_along("x", (x0, y, z), 0.17, rr, 16), "black rubber"))
        arm = square_bar((0.0, y_ff - 0.02, 0.06), (0.0, d / 2 - rr - 0.005, 0.16), 0.02, 0.02)
        parts.append(Part("roller_arm", arm, fr))
    if b.rack:
        yr = -d / 2 + 0.05
        for i, s in enumerate((-1.0, 1.0)):
            x = s * (w / 2 - 0.035)
            parts.append(Part(f"rack_upright_{i}", rbox((x - 0.025, yr - 0.025, 0.0), (x + 0.025, yr + 0.025, h),
                                                               0.006), fr))
            zh = h - 0.12
            hook = merge([box((x - 0.02, yr + 0.025, zh - 0.015), (x + 0.02, yr + 0.1, zh + 0.01)),
                          box((x - 0.02, yr + 0.08, zh), (x + 0.02, yr + 0.1, zh + 0.05))])
            parts.append(Part(f"j_hook_{i}", hook, "black plastic"))
        cross = rbox((-w / 2 + 0.06, yr - 0.02, 0.55 * h), (w / 2 - 0.06, yr + 0.02, 0.55 * h + 0.04), 0.006)
        parts.append(Part("rack_crossbar", cross, fr))
    return parts


def weight_bench_surfaces(params: WeightBenchParams, size: Size) -> list[Surface]:
    """The seat pad."""
    b = _bench_frame(params, size)
    m = 0.04
    pw = b.pad_w / 2 - m
    return [Surface(0, b.seat_top, rect(-pw, b.y_hinge + 0.01 + m, pw, b.y_seat1 - m), "seat")]


register_generator("weight_bench", WeightBenchParams, build_weight_bench, weight_bench_surfaces,
                   sample_weight_bench_params)


# ----------------------------------------------------------------------------------------------------------------
# dumbbells (standalone and on racks)

HEAD_MATERIALS = {"hex": ("black rubber", "black rubber", "dark grey rubber", "cast iron"),
                  "round": ("chrome", "black rubber", "pink rubber", "blue rubber", "purple rubber", "teal rubber",
                            "yellow rubber"),
                  "plate": ("cast iron", "black metal", "chrome")}


def _hex_poly(half_h: float, half_w: float) -> list[tuple[float, float]]:
    """Hexagon lying on a flat: half height ``half_h`` (to the flats), half width ``half_w`` (corners)."""
    return [(half_w, 0.0), (0.5 * half_w, half_h), (-0.5 * half_w, half_h), (-half_w, 0.0), (-0.5 * half_w, -half_h),
            (0.5 * half_w, -half_h)]


def _dumbbell_meshes(style: str, length: float, ry: float, rz: float, axis: str = "x",
                     centre=(0.0, 0.0, 0.0), handle_ratio: float = 0.4,
                     sections: int = 16) -> tuple[trimesh.Trimesh, trimesh.Trimesh, trimesh.Trimesh | None]:
    """(handle, heads, collars or None) of a dumbbell ``length`` long along ``axis`` ("x" or "y"),
    centred on ``centre``; the heads' half sizes are ``ry`` across and ``rz`` up."""
    handle_len = clamp(handle_ratio * length, 0.08, min(0.16, 0.7 * length))
    hl = (length - handle_len) / 2.0
    hr = clamp(0.16 * min(ry, rz) + 0.008, 0.008, 0.018)
    collars = None
    if style == "hex":
        heads = [slab_yz(_hex_poly(rz, ry), a, a + hl) for a in (-length / 2, length / 2 - hl)]
    elif style == "round":  # barrels with a rounded outer end
        heads = [_head_lathe([(0.0, 0.0), (0.8, 0.0), (1.0, 0.25 * hl), (1.0, hl), (0.0, hl)], -length / 2, ry, rz,
                             sections),
                 _head_lathe([(0.0, 0.0), (1.0, 0.0), (1.0, 0.75 * hl), (0.8, hl), (0.0, hl)], length / 2 - hl, ry, rz,
                             sections)]
    else:  # plate-loaded: discs getting smaller outwards, a spin-lock collar, the bar runs to the ends
        heads, col = [], []
        n = 3 if sections >= 12 else 2
        plate_t = 0.7 * hl / n
        for s in (-1.0, 1.0):
            a = s * handle_len / 2
            for k in range(n):
                f = 1.0 - 0.2 * k
                a0 = a - (k + 1) * plate_t if s < 0 else a + k * plate_t
                heads.append(_head_lathe([(0.0, 0.0), (f, 0.0), (f, 0.95 * plate_t), (0.0, 0.95 * plate_t)], a0, ry, rz,
                                        sections))
            ca = a - n * plate_t - 0.3 * hl if s < 0 else a + n * plate_t
            rc = 0.35 * min(ry, rz)
            col.append(_head_lathe([(0.0, 0.0), (1.0, 0.0), (1.0, 0.3 * hl), (0.0, 0.3 * hl)], ca, rc, rc,
                                   min(12, sections)))
        collars = merge(col)
    if style == "plate":
        handle = cylinder_along("x", (-length / 2, 0.0, 0.0), length, hr, min(12, sections))
    else:
        handle = cylinder_along("x", (-handle_len / 2 - 0.004, 0.0, 0.0), handle_len + 0.008, hr, min(12, sections))
    m = np.eye(4) if axis == "x" else rotation_z(90.0)
    m[:3, 3] = centre
    out = [transformed(handle, m), transformed(merge(heads), m)]
    return out[0], out[1], (transformed(collars, m) if collars is not None else None)


def _head_lathe(prof, a0: float, ry: float, rz: float, sections: int = 16) -> trimesh.Trimesh:
    """Lathe of the unit-radius ``prof`` along X from ``a0``, radii ``ry`` across and ``rz`` up."""
    return lathe(prof, sections, (a0, 0.0, 0.0), scale_xy=(ry, rz), axis="x")


@dataclass(frozen=True)
class DumbbellParams:
    category: str = "dumbbell"
    style: str = "hex"  # hex | round | plate
    head_material: str = "black rubber"
    handle_material: str = "chrome"
    handle_ratio: float = 0.4  # share of the length that is bare handle


def sample_dumbbell_params(rng: np.random.Generator, size: Size, category: str = "dumbbell") -> DumbbellParams:
    style = pick(rng, ("hex", "round", "plate"), (0.45, 0.35, 0.2))
    return DumbbellParams(category=category, style=style, head_material=pick(rng, HEAD_MATERIALS[style]),
                          handle_material=pick(rng, ("chrome", "chrome", "brushed steel", "black metal")),
                          handle_ratio=uniform(rng, 0.3, 0.5))


def build_dumbbell(params: DumbbellParams, size: Size) -> list[Part]:
    """Parts of a dumbbell of exactly ``size``: its length along X, lying on the floor or a shelf."""
    w, d, h = (float(v) for v in size)
    handle, heads, collars = _dumbbell_meshes(params.style, w, d / 2, h / 2, "x", (0.0, 0.0, h / 2),
                                             params.handle_ratio)
    parts = [Part("handle", handle, params.handle_material), Part("heads", heads, params.head_material)]
    if collars is not None:
        parts.append(Part("collars", collars, "chrome" if params.head_material != "chrome" else "black plastic"))
    return parts


def dumbbell_surfaces(params: DumbbellParams, size: Size) -> list[Surface]:
    """Nothing stands on a dumbbell."""
    return []


register_generator("dumbbell", DumbbellParams, build_dumbbell, dumbbell_surfaces, sample_dumbbell_params)


@dataclass(frozen=True)
class DumbbellRackParams:
    category: str = "dumbbell_rack"
    tiers: int = 2
    frame: str = "a_frame"  # a_frame | upright
    holder: str = "tray"  # tray | bars
    dumbbell_style: str = "hex"  # hex | round | plate
    fill: float = 1.0  # share of the slots holding a pair
    frame_material: str = "black metal"
    head_material: str = "black rubber"


def sample_dumbbell_rack_params(rng: np.random.Generator, size: Size,
                                category: str = "dumbbell_rack") -> DumbbellRackParams:
    h = size[2]
    style = pick(rng, ("hex", "round", "plate"), (0.5, 0.35, 0.15))
    return DumbbellRackParams(
        category=category,
        tiers=pick(rng, (2, 3)) if h >= 0.7 else 2,
        frame=pick(rng, ("a_frame", "upright")),
        holder=pick(rng, ("tray", "bars")),
        dumbbell_style=style,
        fill=pick(rng, (1.0, 1.0, uniform(rng, 0.6, 0.95))),
        frame_material=pick(rng, FRAME_COLOURS[:5] + ("red painted metal", "yellow painted metal")),
        head_material=pick(rng, HEAD_MATERIALS[style]),
    )


def build_dumbbell_rack(params: DumbbellRackParams, size: Size) -> list[Part]:
    """Parts of a dumbbell rack of exactly ``size`` (dumbbells lie front to back, lightest at -X)."""
    w, d, h = (float(v) for v in size)
    p = params
    fr = p.frame_material
    n = int(clamp(p.tiers, 1, 3))
    t = 0.025  # half tube
    top_d = clamp(0.45 * d, 0.2, d) if p.frame == "a_frame" else d - 0.08
    z_top = h - 0.03

    def depth_at(z: float) -> float:
        return d - (d - top_d) * z / h

    z_lo = clamp(0.22 * h, 0.12, 0.3)
    tiers = [z_lo + (z_top - 0.14 - z_lo) * k / max(n - 1, 1) for k in range(n)] if n > 1 else [z_lo]
    ends = [-w / 2 + t, w / 2 - t]
    if w > 1.3:
        ends.insert(1, 0.0)
    parts = []
    for i, x in enumerate(ends):
        if p.frame == "a_frame":
            legs = [square_bar((x, s * (d / 2 - t), 0.0), (x, s * (top_d / 2 - t), h), t, t) for s in (-1.0, 1.0)]
            parts.append(Part(f"end_frame_{i}", merge(legs + [rbox((x - t, -top_d / 2, z_top),
                                                                          (x + t, top_d / 2, h), 0.005)]), fr))
        else:
            posts = [rbox((x - t, s * (top_d / 2) - t, 0.0), (x + t, s * (top_d / 2) + t, h), 0.005)
                     for s in (-1.0, 1.0)]
            base = rbox((x - t, -d / 2, 0.0), (x + t, d / 2, 0.05), 0.005)
            parts.append(Part(f"end_frame_{i}", merge(posts + [base]), fr))
        for j, s in enumerate((-1.0, 1.0)):
            y = s * (d / 2 - 0.03)
            parts.append(Part(f"foot_{i}_{j}", rbox((x - t - 0.005, y - 0.03, 0.0), (x + t + 0.005, y + 0.03, 0.015),
                                                           0.005), "black rubber"))
    handles, heads, collars = [], [[] for _ in range(n)], []
    for k, z in enumerate(tiers):
        dep = depth_at(z) - 0.02
        if p.frame == "upright":
            dep = min(dep, top_d + 2 * t)
        x0, x1 = -w / 2 + 2 * t, w / 2 - 2 * t
        if p.holder == "tray":
            tray = rbox((x0, -dep / 2, z - 0.012), (x1, dep / 2, z), 0.004)
            lips = [rbox((x0, -dep / 2, z - 0.01), (x1, -dep / 2 + 0.012, z + 0.04), 0.004),
                    rbox((x0, dep / 2 - 0.012, z - 0.01), (x1, dep / 2, z + 0.03), 0.004)]
            parts.append(Part(f"tray_{k}", merge([tray] + lips), fr))
            zb = z
        else:
            bars = [cylinder_along("x", (x0, s * 0.3 * dep, z - 0.02), x1 - x0, 0.016, 12) for s in (-1.0, 1.0)]
            parts.append(Part(f"tier_bars_{k}", merge(bars), fr))
            zb = z - 0.02 + 0.016
        # dumbbells: heavier towards the bottom tier and towards +X
        size_k = (n - 1 - k) / max(n - 1, 1)
        length = min(dep - 0.03, 0.26 + 0.1 * size_k)
        usable = x1 - x0 - 0.04
        r0 = 0.04 + 0.025 * size_k
        slots = max(1, int(usable / (2 * (2 * r0 + 0.025) + 0.03)))
        cursor = x0 + 0.02
        for j in range(slots):
            if j > 0 and (j * 7919 % 100) / 100.0 >= p.fill:
                cursor += 2 * (2 * r0 + 0.025) + 0.03
                continue
            r = r0 * (0.85 + 0.3 * j / max(slots - 1, 1))
            zc = zb + r + (0.0 if p.holder == "tray" else -0.3 * r)
            hm, hd, cl = _dumbbell_meshes(p.dumbbell_style, length, r, r, "y", (0.0, 0.0, zc), 0.45, 8)
            for e in range(2):  # the pair, side by side
                dx = cursor + r + e * (2 * r + 0.02)
                handles.append(translate(hm, dx))
                heads[k].append(translate(hd, dx))
                if cl is not None:
                    collars.append(translate(cl, dx))
            cursor += 2 * (2 * r0 + 0.025) + 0.03
    if handles:
        parts.append(Part("handles", merge(handles), "chrome"))
    for k in range(n):
        if heads[k]:
            parts.append(Part(f"dumbbells_{k}", merge(heads[k]), p.head_material))
    if collars:
        parts.append(Part("collars", merge(collars), "chrome" if p.head_material != "chrome" else "black plastic"))
    return fit_exact(parts, (w, d, h))


def dumbbell_rack_surfaces(params: DumbbellRackParams, size: Size) -> list[Surface]:
    """The tiers hold dumbbells: nothing else goes on a dumbbell rack."""
    return []


register_generator("dumbbell_rack", DumbbellRackParams, build_dumbbell_rack, dumbbell_rack_surfaces,
                   sample_dumbbell_rack_params)


# ----------------------------------------------------------------------------------------------------------------
# yoga mat

MAT_COLOURS = ("purple", "teal", "blue", "pink", "green", "grey", "black", "sage", "lavender", "coral", "navy",
               "turquoise", "orange", "dusty pink")


@dataclass(frozen=True)
class YogaMatParams:
    category: str = "yoga_mat"
    colour: str = "purple"
    underside_colour: str = "purple"  # a second layer when it differs
    corner_radius_m: float = 0.02
    pattern: str = "plain"  # plain | lines | border | ribbed
    pattern_colour: str = "white"


def sample_yoga_mat_params(rng: np.random.Generator, size: Size, category: str = "yoga_mat") -> YogaMatParams:
    colour = pick(rng, MAT_COLOURS)
    return YogaMatParams(
        category=category,
        colour=colour,
        underside_colour=colour if chance(rng, 0.6) else pick(rng, MAT_COLOURS),
        corner_radius_m=pick(rng, (0.0, uniform(rng, 0.01, 0.05))),
        pattern=pick(rng, ("plain", "lines", "border", "ribbed")),
        pattern_colour=pick(rng, ("white", "light grey", "black", "charcoal", "cream")),
    )


def build_yoga_mat(params: YogaMatParams, size: Size) -> list[Part]:
    """Parts of a yoga mat of exactly ``size`` (long side along Y)."""
    w, d, h = (float(v) for v in size)
    p = params
    poly = _rounded_rect(-w / 2, -d / 2, w / 2, d / 2, clamp(p.corner_radius_m, 0.0, 0.1))
    raised = p.pattern != "plain"
    top = 0.85 * h if raised else h
    # two layers: a grippy base and the top skin (the same colour, or a reversible two-tone mat)
    parts = [Part("underside", prism(poly, 0.0, 0.45 * top), f"{p.underside_colour} rubber"),
             Part("mat", prism(poly, 0.45 * top, top), f"{p.colour} rubber")]
    z0 = 0.5 * top
    if p.pattern == "lines":  # alignment lines: a centre line and two cross lines
        lw = 0.006
        lines = [box((-lw, -d / 2 + 0.08, z0), (lw, d / 2 - 0.08, h))]
        for y in (-d / 4, d / 4):
            lines.append(box((-w / 2 + 0.06, y - lw, z0), (w / 2 - 0.06, y + lw, h)))
        parts.append(Part("alignment_lines", merge(lines), f"{p.pattern_colour} rubber"))
    elif p.pattern == "border":
        m, b = 0.025, 0.008
        x0, x1, y0, y1 = -w / 2 + m, w / 2 - m, -d / 2 + m, d / 2 - m
        band = [box((x0, y0, z0), (x1, y0 + b, h)), box((x0, y1 - b, z0), (x1, y1, h)),
                box((x0, y0 + b, z0), (x0 + b, y1 - b, h)), box((x1 - b, y0 + b, z0), (x1, y1 - b, h))]
        parts.append(Part("border", merge(band), f"{p.pattern_colour} rubber"))
    elif p.pattern == "ribbed":
        pitch = 0.04
        k = int((d - 0.1) / pitch)
        ribs = [box((-w / 2 + 0.03, -d / 2 + 0.05 + i * pitch, z0),
                    (w / 2 - 0.03, -d / 2 + 0.05 + i * pitch + 0.012, h)) for i in range(k)]
        parts.append(Part("ribs", merge(ribs), f"{p.colour} rubber"))
    return parts


def yoga_mat_surfaces(params: YogaMatParams, size: Size) -> list[Surface]:
    """A floor covering: nothing is put on it."""
    return []


register_generator("yoga_mat", YogaMatParams, build_yoga_mat, yoga_mat_surfaces, sample_yoga_mat_params)
