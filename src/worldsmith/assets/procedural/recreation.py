"""Recreation room furniture: pianos, pool tables and arcade cabinets.

- ``piano``: an upright (tall case, arms either side of the keyboard, fallboard, music desk, pedals),
  a console upright (the same on front legs), a digital piano (slim body on two side panels, music
  rest) or a grand / baby grand (curved case from a y-monotone outline, lid propped open on its stick
  with the front flap folded back, or closed; three legs; pedal lyre). The keyboard is always at +Y
  with white keys and raised black keys in the real 12-key pattern (88, 76 or 61 keys), bass at +X
  (the player sits at +Y facing -Y, so their left hand is at +X).
- ``pool_table``: slate bed with felt, felt cushions, wooden rails, six pockets (four corners and two
  in the middle of the long sides, which run along X), rail sights, on 4/6/8 legs, two pedestal ends
  or a plinth base; sometimes a set of balls racked on the foot spot.
- ``arcade_machine``: an upright cabinet (classic with angled screen and overhanging marquee, modern
  with an upright screen, or a rounded "candy" cabinet), control panel with one or two joysticks and
  buttons at +Y, coin door, kick plate; back flat at -Y.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import trimesh

from ..parts import Part
from ..primitives import box, cylinder, frustum, lathe, merge, shear_y_by_z, transformed
from ..surfaces import Surface, rect
from ._shapes import monotone_prism, pivoted, rbox, rotation_y, sphere, translate, tube
from .params import chance, clamp, pick, register_generator, uniform

Size = tuple[float, float, float]


# ----------------------------------------------------------------------------------------------------------------
# piano

_NOTES = "CDEFGAB"
#: black key after these white notes, with its offset (in white key widths, towards higher pitch)
_BLACK_AFTER = {"C": -0.1, "D": 0.1, "F": -0.12, "G": 0.0, "A": 0.12}
#: key count -> (first white note, white key count): 88 = A0..C8, 76 = E1..G7, 61 = C2..C7
_KEY_RANGES = {88: ("A", 52), 76: ("E", 45), 61: ("C", 36)}

PIANO_FINISHES = ("black painted wood", "black painted wood", "walnut wood", "cherry wood", "white painted wood",
                  "oak wood", "black stained wood")


@dataclass(frozen=True)
class PianoParams:
    category: str = "piano"
    style: str = "upright"  # upright | console | digital | grand
    finish: str = "black painted wood"
    key_count: int = 88  # 88 | 76 | 61
    pedal_count: int = 3
    lid_open: bool = True  # grand: lid propped open on its stick
    music_desk: bool = True
    leg_style: str = "tapered"  # console / grand legs: tapered | turned | square
    top_thickness_m: float = 0.03
    arm_width_m: float = 0.06
    key_top_m: float = 0.73  # top of the white keys above the floor
    pedal_material: str = "brass"


def sample_piano_params(rng: np.random.Generator, size: Size, category: str = "piano") -> PianoParams:
    """Grands where the footprint is deep enough, uprights / consoles / digitals otherwise (short
    ones are consoles or digital pianos)."""
    w, d, h = size
    if d >= 0.9:
        style = "grand"
    elif d >= 0.75:
        style = pick(rng, ("upright", "console"))
    elif h < 1.05:
        style = pick(rng, ("console", "digital"))
    else:
        style = pick(rng, ("upright", "console", "digital"), (0.6, 0.25, 0.15))
    if style == "digital":
        finish = pick(rng, ("black painted wood", "white painted wood", "walnut wood", "black stained wood",
                            "oak wood"))
        keys = pick(rng, (88, 76, 61), (0.6, 0.25, 0.15))
    else:
        finish = pick(rng, PIANO_FINISHES)
        keys = 88
    return PianoParams(
        category=category,
        style=style,
        finish=finish,
        key_count=keys,
        pedal_count=pick(rng, (2, 3), (0.3, 0.7)) if style != "grand" else 3,
        lid_open=(h > 1.12 and chance(rng, 0.85)) if style == "grand" else False,
        music_desk=chance(rng, 0.8),
        leg_style=pick(rng, ("tapered", "turned", "square")),
        top_thickness_m=uniform(rng, 0.02, 0.04),
        arm_width_m=uniform(rng, 0.04, 0.08),
        key_top_m=uniform(rng, 0.7, 0.76),
        pedal_material=pick(rng, ("brass", "brass", "gold", "chrome")),
    )


def _keyboard(x_bass: float, x_treble: float, y_back: float, y_front: float, z_top: float,
              key_count: int) -> list[Part]:
    """White and black keys from the bass (+X) to the treble (-X), in the 12-key octave pattern."""
    first, n_white = _KEY_RANGES.get(int(key_count), _KEY_RANGES[88])
    start = _NOTES.index(first)
    kw = (x_bass - x_treble) / n_white
    gap = min(0.0012, 0.08 * kw)
    whites, blacks = [], []
    length = y_front - y_back
    bw = 0.58 * kw
    for i in range(n_white):
        xa = x_bass - (i + 1) * kw
        whites.append(box((xa + gap / 2, y_back, z_top - 0.02), (xa + kw - gap / 2, y_front, z_top)))
        note = _NOTES[(start + i) % 7]
        if note in _BLACK_AFTER and i < n_white - 1:
            xc = xa - _BLACK_AFTER[note] * kw
            blacks.append(box((xc - bw / 2, y_back, z_top - 0.01),
                              (xc + bw / 2, y_back + 0.63 * length, z_top + 0.011)))
    return [Part("white_keys", merge(whites), "white plastic"), Part("black_keys", merge(blacks), "black plastic")]


def _pedals(p: PianoParams, xc: float, y0: float, y1: float, z: float) -> list[Part]:
    n = int(clamp(p.pedal_count, 1, 3))
    out = []
    for k in range(n):
        x = xc + (k - (n - 1) / 2.0) * 0.075
        out.append(Part(f"pedal_{k}", rbox((x - 0.015, y0, z), (x + 0.015, y1, z + 0.018), 0.005),
                        p.pedal_material))
    return out


def _piano_leg(style: str, x: float, y: float, z1: float, r: float) -> trimesh.Trimesh:
    if style == "turned":
        prof = [(0.0, 0.0), (0.7 * r, 0.0), (0.75 * r, 0.05 * z1), (0.6 * r, 0.15 * z1), (1.0 * r, 0.35 * z1),
                (1.0 * r, 0.5 * z1), (0.65 * r, 0.7 * z1), (0.8 * r, 0.85 * z1), (0.9 * r, z1), (0.0, z1)]
        return lathe(prof, 16, (x, y, 0.0))
    if style == "square":
        return rbox((x - r, y - r, 0.0), (x + r, y + r, z1), 0.006)
    return frustum((x, y, 0.0), 0.6 * r, r, 0.0, z1, 16)


@dataclass(frozen=True)
class _Upright:
    w: float
    d: float
    h: float
    yb: float  # back
    ycf: float  # case front (behind the keys)
    ykf: float  # front of the keys
    kt: float  # key top
    aw: float  # arm width
    top_t: float
    z_top: float  # digital: top of the body (under the music rest)


def _upright_frame(p: PianoParams, size: Size) -> _Upright:
    w, d, h = (float(v) for v in size)
    yb = -d / 2.0
    aw = clamp(p.arm_width_m, 0.03, 0.08 * w)
    top_t = clamp(p.top_thickness_m, 0.015, 0.05)
    if p.style == "digital":
        kt = clamp(p.key_top_m, 0.45, h - 0.1)
        ycf = yb + clamp(0.5 * d, 0.2, 0.34)
        ykf = min(ycf + 0.17, d / 2.0)
        z_top = min(kt + 0.08, h)
        if h - z_top < 0.08:
            z_top = h
        return _Upright(w, d, h, yb, ycf, ykf, kt, aw, top_t, z_top)
    kt = clamp(p.key_top_m, 0.45, h - 0.3)
    ycf = yb + clamp(0.6 * d, 0.25, 0.42)
    ykf = min(ycf + 0.3, d / 2.0)
    return _Upright(w, d, h, yb, ycf, ykf, kt, aw, top_t, h)


def _build_upright(p: PianoParams, f: _Upright) -> list[Part]:
    w, d, h, yb, ycf, ykf, kt, aw = f.w, f.d, f.h, f.yb, f.ycf, f.ykf, f.kt, f.aw
    fin = p.finish
    zc = h - f.top_t
    zkb = kt - 0.075  # keybed bottom
    parts = [
        Part("case", rbox((-w / 2, yb, 0.0), (w / 2, ycf, zc), 0.008), fin),
        Part("top_lid", rbox((-w / 2, yb, zc), (w / 2, min(ycf + 0.025, d / 2), h), 0.008), fin),
        Part("keybed", rbox((-w / 2 + aw, ycf - 0.01, zkb), (w / 2 - aw, ykf - 0.02, kt - 0.021), 0.003), fin),
        Part("key_slip", rbox((-w / 2 + aw, ykf - 0.022, zkb), (w / 2 - aw, ykf, kt - 0.023), 0.004), fin),
        Part("fallboard", rbox((-w / 2 + aw, ycf - 0.01, kt - 0.01), (w / 2 - aw, ycf + 0.03, kt + 0.1), 0.008),
             fin),
        Part("upper_panel", rbox((-w / 2 + aw + 0.02, ycf - 0.01, kt + 0.1),
                                        (w / 2 - aw - 0.02, ycf + 0.012, zc - 0.04), 0.006), fin),
        Part("lower_panel", rbox((-w / 2 + aw + 0.03, ycf - 0.01, 0.11),
                                        (w / 2 - aw - 0.03, ycf + 0.012, zkb - 0.04), 0.006), fin),
    ]
    parts += _keyboard(w / 2 - aw, -w / 2 + aw, ycf + 0.03, ykf - 0.004, kt, p.key_count)
    z_arm0 = zkb - 0.03 if p.style == "console" else zkb - 0.06
    for i, s in enumerate((-1.0, 1.0)):
        x0, x1 = sorted((s * w / 2, s * (w / 2 - aw)))
        parts.append(Part(f"arm_{i}", rbox((x0, ycf - 0.01, z_arm0), (x1, ykf, kt + 0.05), 0.01), fin))
        xc = (x0 + x1) / 2
        if p.style == "console":
            r = 0.45 * aw
            parts.append(Part(f"leg_{i}", _piano_leg(p.leg_style, xc, d / 2 - r, z_arm0 + 0.005, r), fin))
            if ykf < d / 2 - 2 * r:  # legs well in front of the keys: a bracket joins them to the arms
                parts.append(Part(f"bracket_{i}", rbox((xc - 0.6 * r, ykf - 0.03, z_arm0),
                                                              (xc + 0.6 * r, d / 2 - r, z_arm0 + 0.04), 0.005), fin))
        else:
            parts.append(Part(f"toe_block_{i}", rbox((x0 + 0.005, ycf - 0.01, 0.0), (x1 - 0.005, d / 2, 0.07),
                                                            0.01), fin))
            parts.append(Part(f"console_{i}", rbox((xc - 0.3 * aw, ykf - 0.07, 0.06),
                                                          (xc + 0.3 * aw, ykf - 0.02, z_arm0 + 0.01), 0.008), fin))
    if p.music_desk and zc - 0.05 - (kt + 0.2) > 0.05:
        parts.append(Part("music_desk", rbox((-0.3 * w, ycf, kt + 0.16), (0.3 * w, ycf + 0.05, kt + 0.185),
                                                    0.005), fin))
    parts.append(Part("pedal_rail", rbox((-0.13, ycf - 0.01, 0.03), (0.13, ycf + 0.03, 0.1), 0.006), fin))
    parts += _pedals(p, 0.0, ycf + 0.02, ycf + 0.1, 0.045)
    return parts


def _build_digital(p: PianoParams, f: _Upright) -> list[Part]:
    w, d, h, yb, ycf, ykf, kt, aw = f.w, f.d, f.h, f.yb, f.ycf, f.ykf, f.kt, f.aw
    fin = p.finish
    sw = clamp(0.6 * aw, 0.02, 0.05)  # side panel thickness
    zb0 = kt - 0.09
    parts = [
        Part("body", rbox((-w / 2 + sw, yb, zb0), (w / 2 - sw, ycf, f.z_top), 0.01), fin),
        Part("keybed", rbox((-w / 2 + sw, ycf - 0.01, zb0), (w / 2 - sw, ykf, kt - 0.021), 0.006), fin),
        Part("back_panel", rbox((-w / 2 + sw, yb + 0.01, 0.12), (w / 2 - sw, yb + 0.03, zb0 + 0.01), 0.004), fin),
        Part("pedal_box", rbox((-0.16, yb + 0.03, 0.02), (0.16, yb + 0.03 + 0.09, 0.1), 0.008), fin),
        Part("front_strip", rbox((-w / 2 + sw, ycf - 0.003, kt - 0.005), (w / 2 - sw, ycf + 0.012,
                                                                                   f.z_top - 0.01), 0.003),
             "black plastic"),
    ]
    cheek = 0.02
    parts += _keyboard(w / 2 - sw - cheek, -w / 2 + sw + cheek, ycf + 0.012, ykf - 0.004, kt, p.key_count)
    for i, s in enumerate((-1.0, 1.0)):
        x0, x1 = sorted((s * w / 2, s * (w / 2 - sw)))
        parts.append(Part(f"side_{i}", rbox((x0, yb, 0.0), (x1, ykf, f.z_top + 0.01 if f.z_top < h else
                                                                   f.z_top), 0.006), fin))
        parts.append(Part(f"foot_{i}", rbox((x0, yb, 0.0), (x1, d / 2, 0.045), 0.008), fin))
        xi0, xi1 = sorted((s * (w / 2 - sw), s * (w / 2 - sw - cheek)))
        parts.append(Part(f"cheek_{i}", rbox((xi0, ycf, zb0), (xi1, ykf, kt + 0.015), 0.004), fin))
    parts += _pedals(p, 0.0, yb + 0.1, yb + 0.17, 0.04)
    if h - f.z_top > 0.05:  # music rest leaning back at the rear of the top
        rest_h = h - f.z_top
        lean = math.tan(math.radians(12.0))
        slab = rbox((-0.3 * w, yb + 0.06, f.z_top - 0.005), (0.3 * w, yb + 0.075, h), 0.004)
        slab = transformed(slab, shear_y_by_z(f.z_top, lean))
        if rest_h * lean > 0.05:
            slab = translate(slab, dy=rest_h * lean - 0.05)
        parts.append(Part("music_rest", slab, "black plastic" if "black" in fin else fin))
    return parts


# --- grand


@dataclass(frozen=True)
class _Grand:
    w: float
    d: float
    h: float
    ycf: float  # front of the case (back of the keys)
    kt: float
    cheek: float
    case_z0: float
    case_top: float
    lid_t: float
    open_deg: float  # 0: lid closed
    desk_h: float  # height of the music desk (0: none)
    flap: float  # depth of the lid's front flap
    lean: float  # music desk lean (tan)
    ts: tuple[float, ...]
    ys: tuple[float, ...]
    xl: tuple[float, ...]
    xr: tuple[float, ...]


def _grand_outline(w: float, ycf: float, length: float, n: int = 26):
    """y-monotone outline of a grand's case, from the keyboard (t=0) to the tail (t=1): the bass
    side (+X) straight then rounding into the tail, the treble side (-X) straight then bending in."""
    ts = np.concatenate([np.linspace(0.0, 0.7, 8)[:-1], np.linspace(0.7, 1.0, n - 7)])
    ys, xl, xr = [], [], []
    for t in ts:
        u = max(0.0, (t - 0.72) / 0.28)
        right = w / 2 - 0.2 * w * (1.0 - math.sqrt(max(0.0, 1.0 - u * u)))
        v = max(0.0, (t - 0.25) / 0.75)
        left = -w / 2 + 0.64 * w * (v * v * (3.0 - 2.0 * v))
        ys.append(ycf - t * length)
        xl.append(left)
        xr.append(max(right, left + 0.04 * w))
    return ts, ys, xl, xr


def _grand_frame(p: PianoParams, size: Size) -> _Grand:
    w, d, h = (float(v) for v in size)
    kp = clamp(0.2 * d, 0.12, 0.3)  # keyboard projection
    ycf = d / 2.0 - kp
    length = ycf + d / 2.0
    kt = clamp(p.key_top_m, 0.45, h - 0.2)
    lid_t = clamp(p.top_thickness_m, 0.015, 0.04)
    flap = 0.12 * length
    case_top = clamp(0.99, kt + 0.1, h - lid_t)
    open_deg, desk_h = 0.0, 0.0
    lean = math.tan(math.radians(15.0))
    if p.lid_open and h - case_top - 2 * lid_t > 0.08:
        case_top = clamp(0.99, kt + 0.1, h - 2 * lid_t - 0.08)
        dx, t2 = w, 2.0 * lid_t
        open_deg = math.degrees(math.asin(min(1.0, (h - case_top) / math.hypot(dx, t2))) - math.atan2(t2, dx))
        open_deg = clamp(open_deg, 0.0, 55.0)
        if p.music_desk:
            desk_h = min(0.28, 0.8 * (h - case_top), (flap - 0.06) / lean)
    elif h - case_top - lid_t > 0.06:  # closed lid with the music desk standing on it
        desk_h = h - case_top - lid_t
    else:
        case_top = max(kt + 0.1, h - lid_t)
    ts, ys, xl, xr = _grand_outline(w, ycf, length)
    return _Grand(w, d, h, ycf, kt, clamp(0.07 * w, 0.05, 0.12), kt - 0.1, case_top, lid_t, open_deg, desk_h, flap,
                  lean, tuple(ts), tuple(ys), tuple(xl), tuple(xr))


def _outline_at(g: _Grand, t: float) -> tuple[float, float, float]:
    y = float(np.interp(t, g.ts, g.ys))
    return y, float(np.interp(t, g.ts, g.xl)), float(np.interp(t, g.ts, g.xr))


def _build_grand(p: PianoParams, g: _Grand) -> list[Part]:
    w, d, ycf, kt = g.w, g.d, g.ycf, g.kt
    fin = p.finish
    ys = np.array(g.ys)[::-1]  # increasing for the monotone prism
    xl, xr = np.array(g.xl)[::-1], np.array(g.xr)[::-1]
    parts = [Part("case", monotone_prism(ys, xl, xr, g.case_z0, g.case_top), fin)]
    rim = 0.035
    inner = (ys > ys[0] + rim) & (ys < ys[-1] - rim)
    yi = np.concatenate([[ys[0] + rim], ys[inner], [ys[-1] - rim]])
    xli = np.interp(yi, ys, xl) + rim
    xri = np.interp(yi, ys, xr) - rim
    xri = np.maximum(xri, xli + 0.01)
    # keyboard section in front of the case
    zkb = kt - 0.08
    parts.append(Part("keybed", rbox((-w / 2, ycf - 0.05, zkb), (w / 2, d / 2 - 0.02, kt - 0.021), 0.004), fin))
    parts.append(Part("key_slip", rbox((-w / 2 + g.cheek, d / 2 - 0.022, zkb), (w / 2 - g.cheek, d / 2,
                                                                                           kt - 0.023), 0.004), fin))
    for i, s in enumerate((-1.0, 1.0)):
        x0, x1 = sorted((s * w / 2, s * (w / 2 - g.cheek)))
        parts.append(Part(f"cheek_{i}", rbox((x0, ycf - 0.02, zkb), (x1, d / 2, kt + 0.045), 0.01), fin))
    parts.append(Part("fallboard", rbox((-w / 2 + g.cheek, ycf - 0.01, kt - 0.01),
                                               (w / 2 - g.cheek, ycf + 0.04, kt + 0.07), 0.01), fin))
    parts += _keyboard(w / 2 - g.cheek, -w / 2 + g.cheek, ycf + 0.04, d / 2 - 0.004, kt, p.key_count)
    # lid
    flap = g.flap
    if g.open_deg > 0.0:
        parts.append(Part("plate", monotone_prism(yi, xli, xri, g.case_top - 0.06, g.case_top - 0.012), "gold"))
        keep = ys < ycf - flap
        yl = np.concatenate([ys[keep], [ycf - flap]])
        main = monotone_prism(yl, np.interp(yl, ys, xl), np.interp(yl, ys, xr), g.case_top, g.case_top + g.lid_t)
        folded = rbox((-w / 2, ycf - 2 * flap, g.case_top + g.lid_t), (w / 2, ycf - flap,
                                                                               g.case_top + 2 * g.lid_t), 0.004)
        rot = pivoted(rotation_y(g.open_deg), (w / 2, 0.0, g.case_top))  # hinged on the bass side, -X rises
        main, folded = transformed(main, rot), transformed(folded, rot)
        shift = w / 2 - max(float(main.bounds[1][0]), float(folded.bounds[1][0]))
        main, folded = translate(main, dx=shift), translate(folded, dx=shift)
        parts.append(Part("lid", main, fin))
        parts.append(Part("lid_flap", folded, fin))
        # prop stick on the treble side
        ys_, _, _ = _outline_at(g, 0.35)
        xs = -w / 2 + 0.1
        t = math.radians(g.open_deg)
        top = (w / 2 + (xs - w / 2) * math.cos(t) + shift, ys_, g.case_top + (w / 2 - xs) * math.sin(t) - 0.005)
        if top[2] - g.case_top > 0.05:
            parts.append(Part("prop_stick", tube((xs, ys_, g.case_top - 0.01), top, 0.011), fin))
        z_desk = g.case_top
    else:
        parts.append(Part("lid", monotone_prism(ys, xl, xr, g.case_top, g.case_top + g.lid_t), fin))
        z_desk = g.case_top + g.lid_t
    if g.desk_h > 0.0:
        yd = ycf - 0.015
        desk = rbox((-0.3 * w, yd - 0.015, z_desk - 0.005), (0.3 * w, yd, z_desk + g.desk_h), 0.004)
        parts.append(Part("music_desk", transformed(desk, shear_y_by_z(z_desk, g.lean)), fin))
        parts.append(Part("desk_support", rbox((-0.02, yd - 0.06, z_desk - 0.005), (0.02, yd - 0.01,
                                                                                          z_desk + 0.03), 0.005), fin))
    # three legs and the pedal lyre
    r = clamp(0.04 * w, 0.04, 0.07)
    y_tail, xl_t, xr_t = _outline_at(g, 0.8)
    legs = [(w / 2 - g.cheek - 0.04, ycf - 0.1), (-w / 2 + g.cheek + 0.04, ycf - 0.1), ((xl_t + xr_t) / 2, y_tail)]
    for i, (x, y) in enumerate(legs):
        parts.append(Part(f"leg_{i}", _piano_leg(p.leg_style, x, y, g.case_z0 + 0.005, r), fin))
        parts.append(Part(f"caster_{i}", cylinder((x, y, 0.0), 0.65 * r, 0.0, 0.03, 12), p.pedal_material))
    yl = ycf - 0.17
    for i, s in enumerate((-1.0, 1.0)):
        parts.append(Part(f"lyre_post_{i}", rbox((s * 0.09 - 0.015, yl - 0.02, 0.1),
                                                        (s * 0.09 + 0.015, yl + 0.02, g.case_z0 + 0.005), 0.006), fin))
    parts.append(Part("pedal_box", rbox((-0.14, yl - 0.05, 0.03), (0.14, yl + 0.05, 0.11), 0.01), fin))
    parts += _pedals(p, 0.0, yl + 0.04, yl + 0.13, 0.05)
    return parts


def build_piano(params: PianoParams, size: Size) -> list[Part]:
    """Parts of a piano of exactly ``size`` (keyboard at +Y, bass at +X, back / tail at -Y)."""
    if params.style == "grand":
        return _build_grand(params, _grand_frame(params, size))
    f = _upright_frame(params, size)
    return _build_digital(params, f) if params.style == "digital" else _build_upright(params, f)


def piano_surfaces(params: PianoParams, size: Size) -> list[Surface]:
    """Top of an upright's case; top of a digital piano in front of its music rest; a grand's
    closed lid, or the tops of its key blocks when the lid stands open."""
    w, d, h = (float(v) for v in size)
    if params.style == "grand":
        g = _grand_frame(params, size)
        if g.open_deg > 0.0:  # lid up: only the flat tops of the key blocks either side of the keyboard
            z = g.kt + 0.045
            m = 0.015
            out = []
            for i, s in enumerate((1.0, -1.0)):
                x0, x1 = sorted((s * (w / 2 - m), s * (w / 2 - g.cheek + m)))
                out.append(Surface(i, z, rect(x0, g.ycf, x1, d / 2 - m), f"key_block_{i}"))
            return out
        y_back, xl_b, _ = _outline_at(g, 0.55)
        y_front = g.ycf - 0.04
        if g.desk_h > 0.0:
            y_front = g.ycf - 0.045 - g.desk_h * g.lean - 0.03
        x0 = max(-w / 2, xl_b) + 0.05
        if y_front - y_back < 0.1:
            return []
        return [Surface(0, g.case_top + g.lid_t, rect(x0, y_back + 0.03, w / 2 - 0.05, y_front), "lid")]
    f = _upright_frame(params, size)
    if params.style == "digital":
        sw = clamp(0.6 * f.aw, 0.02, 0.05)
        y0 = f.yb + 0.1 if f.z_top < h else f.yb + 0.02
        return [Surface(0, f.z_top, rect(-w / 2 + sw + 0.02, y0, w / 2 - sw - 0.02, f.ycf - 0.02), "top")]
    return [Surface(0, h, rect(-w / 2 + 0.03, f.yb + 0.03, w / 2 - 0.03, f.ycf - 0.005), "top")]


register_generator("piano", PianoParams, build_piano, piano_surfaces, sample_piano_params)


# ----------------------------------------------------------------------------------------------------------------
# pool table

FELTS = ("green felt", "green felt", "forest green felt", "blue felt", "navy felt", "burgundy felt", "red felt",
         "grey felt", "teal felt", "charcoal felt")
TABLE_WOODS = ("walnut wood", "oak wood", "cherry wood", "black stained wood", "black painted wood",
               "white painted wood", "grey painted wood")


@dataclass(frozen=True)
class PoolTableParams:
    category: str = "pool_table"
    base: str = "legs"  # legs | pedestal | plinth
    leg_count: int = 4  # 4 | 6 | 8
    leg_style: str = "turned"  # turned | square | tapered
    rail_width_m: float = 0.13
    cushion_width_m: float = 0.05
    apron_height_m: float = 0.2
    felt_material: str = "green felt"
    wood_material: str = "walnut wood"
    pocket_material: str = "black leather"
    sights: bool = True
    balls: bool = False


def sample_pool_table_params(rng: np.random.Generator, size: Size, category: str = "pool_table") -> PoolTableParams:
    w = size[0]
    base = pick(rng, ("legs", "pedestal", "plinth"), (0.6, 0.2, 0.2))
    return PoolTableParams(
        category=category,
        base=base,
        leg_count=pick(rng, (4, 6, 8), (0.5, 0.3, 0.2)) if w > 2.4 else pick(rng, (4, 6), (0.8, 0.2)),
        leg_style=pick(rng, ("turned", "square", "tapered")),
        rail_width_m=uniform(rng, 0.1, 0.16),
        cushion_width_m=uniform(rng, 0.04, 0.055),
        apron_height_m=uniform(rng, 0.12, 0.26),
        felt_material=pick(rng, FELTS),
        wood_material=pick(rng, TABLE_WOODS),
        pocket_material=pick(rng, ("black leather", "brown leather", "black plastic")),
        sights=chance(rng, 0.75),
        balls=chance(rng, 0.35),
    )


@dataclass(frozen=True)
class _Pool:
    w: float
    d: float
    h: float
    rail: float
    cush: float
    felt_z: float
    rail_z0: float
    apron_z0: float
    lx: float  # half length of the playing area
    ly: float  # half width of the playing area


def _pool_frame(p: PoolTableParams, size: Size) -> _Pool:
    w, d, h = (float(v) for v in size)
    rail = clamp(p.rail_width_m, 0.07, 0.16 * d)
    cush = clamp(p.cushion_width_m, 0.03, 0.06)
    felt_z = h - 0.058  # a ball (57 mm) just stays under the rail tops
    rail_z0 = h - 0.085
    apron_z0 = clamp(rail_z0 - p.apron_height_m, 0.3, rail_z0 - 0.08)
    return _Pool(w, d, h, rail, cush, felt_z, rail_z0, apron_z0, w / 2 - rail - cush, d / 2 - rail - cush)


def build_pool_table(params: PoolTableParams, size: Size) -> list[Part]:
    """Parts of a pool table of exactly ``size`` (long side along X)."""
    f = _pool_frame(params, size)
    p = params
    w, d, h = f.w, f.d, f.h
    wood, felt = p.wood_material, p.felt_material
    rt = h - 0.003  # rail top (pockets reach h)
    pr = clamp(0.058, 0.045, 0.8 * (f.rail + f.cush))
    ix, iy = w / 2 - f.rail, d / 2 - f.rail  # inner edge of the rails
    parts = [
        Part("bed", rbox((-ix - 0.005, -iy - 0.005, f.felt_z - 0.05), (ix + 0.005, iy + 0.005, f.felt_z), 0.003),
             felt),
        Part("apron", rbox((-w / 2 + 0.015, -d / 2 + 0.015, f.apron_z0), (w / 2 - 0.015, d / 2 - 0.015,
                                                                                  f.rail_z0 + 0.01), 0.01), wood),
    ]
    # rails: the long sides split at the side pockets, the short ends whole
    rails = [((-w / 2, -d / 2), (-pr, -iy)), ((pr, -d / 2), (w / 2, -iy)), ((-w / 2, iy), (-pr, d / 2)),
             ((pr, iy), (w / 2, d / 2)), ((-w / 2, -iy), (-ix, iy)), ((ix, -iy), (w / 2, iy))]
    for i, ((x0, y0), (x1, y1)) in enumerate(rails):
        parts.append(Part(f"rail_{i}", rbox((x0, y0, f.rail_z0), (x1, y1, rt), 0.008), wood))
    # felt cushions between the pockets
    cz = h - 0.012
    gap = pr + 0.01
    cushions = [((-ix + gap, -iy), (-gap, -iy + f.cush)), ((gap, -iy), (ix - gap, -iy + f.cush)),
                ((-ix + gap, iy - f.cush), (-gap, iy)), ((gap, iy - f.cush), (ix - gap, iy)),
                ((-ix, -iy + gap), (-ix + f.cush, iy - gap)), ((ix - f.cush, -iy + gap), (ix, iy - gap))]
    for i, ((x0, y0), (x1, y1)) in enumerate(cushions):
        parts.append(Part(f"cushion_{i}", rbox((x0, y0, f.felt_z - 0.005), (x1, y1, cz), 0.008), felt))
    # six pockets: a dark opening down into a cup
    cx, cy = ix - 0.35 * pr, iy - 0.35 * pr
    spots = [(-cx, -cy), (cx, -cy), (-cx, cy), (cx, cy), (0.0, -iy - 0.3 * pr), (0.0, iy + 0.3 * pr)]
    for i, (x, y) in enumerate(spots):
        cup = [(0.0, 0.0), (0.6 * pr, 0.0), (pr, 0.13), (pr, 0.13 + (h - f.felt_z) + 0.04), (0.0, 0.17 + h - f.felt_z)]
        mesh = lathe(cup, 16, (x, y, h - (0.17 + h - f.felt_z)))
        parts.append(Part(f"pocket_{i}", mesh, p.pocket_material))
    if p.sights:  # three diamonds per half rail, two on each end rail
        dots = []
        ym = (d / 2 + iy) / 2
        for k in (1, 2, 3):
            for s in (-1.0, 1.0):
                x = s * k * ix / 4.0
                for y in (-ym, ym):
                    dots.append(cylinder((x, y, 0.0), 0.007, rt - 0.002, rt + 0.001, 8))
        xm = (w / 2 + ix) / 2
        for k in (-1, 1):
            for x in (-xm, xm):
                dots.append(cylinder((x, k * iy / 2.0, 0.0), 0.007, rt - 0.002, rt + 0.001, 8))
        parts.append(Part("sights", merge(dots), "ivory plastic"))
    if p.balls:
        parts += _pool_balls(f)
    parts += _pool_base(p, f)
    return parts


def _pool_balls(f: _Pool) -> list[Part]:
    r = 0.0286
    apex = f.lx / 2.0
    reds, yellows = [], []
    black = None
    k = 0
    for row in range(5):
        for j in range(row + 1):
            x = apex + row * r * math.sqrt(3.0) * 1.001
            y = (j - row / 2.0) * 2.002 * r
            ball = sphere((x, y, f.felt_z + r), r, 12, 5)
            if row == 2 and j == 1:
                black = ball
            elif k % 2 == 0:
                reds.append(ball)
                k += 1
            else:
                yellows.append(ball)
                k += 1
    return [Part("balls_red", merge(reds), "red plastic"), Part("balls_yellow", merge(yellows), "yellow plastic"),
            Part("ball_black", black, "black plastic"),
            Part("cue_ball", sphere((-f.lx / 2.0, 0.0, f.felt_z + r), r, 12, 5), "white plastic")]


def _pool_base(p: PoolTableParams, f: _Pool) -> list[Part]:
    w, d = f.w, f.d
    wood = p.wood_material
    z1 = f.apron_z0 + 0.01
    parts = []
    if p.base == "plinth":
        parts.append(Part("plinth", rbox((-w / 2 + 0.12, -d / 2 + 0.12, 0.06), (w / 2 - 0.12, d / 2 - 0.12, z1),
                                                0.01), wood))
        parts.append(Part("toe_kick", rbox((-w / 2 + 0.16, -d / 2 + 0.16, 0.0), (w / 2 - 0.16, d / 2 - 0.16, 0.07),
                                                  0.005), "black painted wood"))
        return parts
    if p.base == "pedestal":
        for i, s in enumerate((-1.0, 1.0)):
            x = s * (w / 2 - 0.35)
            parts.append(Part(f"pedestal_{i}", rbox((x - 0.12, -d / 2 + 0.22, 0.08), (x + 0.12, d / 2 - 0.22, z1),
                                                           0.02), wood))
            parts.append(Part(f"foot_{i}", rbox((x - 0.16, -d / 2 + 0.1, 0.0), (x + 0.16, d / 2 - 0.1, 0.09),
                                                       0.02), wood))
        parts.append(Part("beam", rbox((-w / 2 + 0.45, -0.06, z1 - 0.2), (w / 2 - 0.45, 0.06, z1), 0.01), wood))
        return parts
    n = int(p.leg_count)
    r = clamp(0.07 if n == 4 else 0.06, 0.04, 0.1)
    xs = [w / 2 - 0.16, -(w / 2 - 0.16)]
    if n == 6:
        xs.append(0.0)
    elif n >= 8:
        xs += [w / 2 - 0.16 - 2.6 * r, -(w / 2 - 0.16 - 2.6 * r)]
    k = 0
    for x in xs:
        for y in (-(d / 2 - 0.16), d / 2 - 0.16):
            if p.leg_style == "turned":
                prof = [(0.0, 0.0), (0.9 * r, 0.0), (r, 0.08), (0.6 * r, 0.18), (1.15 * r, 0.4 * z1),
                        (1.15 * r, 0.55 * z1), (0.7 * r, 0.75 * z1), (0.9 * r, 0.9 * z1), (1.05 * r, z1), (0.0, z1)]
                mesh = lathe(prof, 16, (x, y, 0.0))
            elif p.leg_style == "tapered":
                mesh = frustum((x, y, 0.0), 0.65 * r, r, 0.0, z1, 16)
            else:
                mesh = rbox((x - r, y - r, 0.0), (x + r, y + r, z1), 0.01)
            parts.append(Part(f"leg_{k}", mesh, wood))
            k += 1
    return parts


def pool_table_surfaces(params: PoolTableParams, size: Size) -> list[Surface]:
    """The playing area inside the cushions."""
    f = _pool_frame(params, size)
    m = 0.01
    return [Surface(0, f.felt_z, rect(-f.lx + m, -f.ly + m, f.lx - m, f.ly - m), "playing_area")]


register_generator("pool_table", PoolTableParams, build_pool_table, pool_table_surfaces, sample_pool_table_params)


# ----------------------------------------------------------------------------------------------------------------
# arcade machine

ARCADE_COLOURS = ("black painted wood", "black painted wood", "red painted wood", "blue painted wood",
                  "yellow painted wood", "white painted wood", "purple painted wood", "orange painted wood",
                  "green painted wood")


@dataclass(frozen=True)
class ArcadeMachineParams:
    category: str = "arcade_machine"
    style: str = "classic"  # classic | modern | candy
    players: int = 2
    buttons_per_player: int = 3
    side_material: str = "black painted wood"
    panel_material: str = "black plastic"
    marquee: str = "warm light"
    button_colour: str = "red"
    side_thickness_m: float = 0.02
    control_panel_height_m: float = 0.95
    screen_tilt_deg: float = 20.0


def sample_arcade_machine_params(rng: np.random.Generator, size: Size,
                                 category: str = "arcade_machine") -> ArcadeMachineParams:
    style = pick(rng, ("classic", "modern", "candy"), (0.5, 0.25, 0.25))
    return ArcadeMachineParams(
        category=category,
        style=style,
        players=pick(rng, (1, 2), (0.35, 0.65)),
        buttons_per_player=pick(rng, (2, 3, 4, 6)),
        side_material=pick(rng, ARCADE_COLOURS) if style != "candy" else pick(rng, ("white painted wood",
                                                                                    "white plastic",
                                                                                    "light grey plastic")),
        panel_material=pick(rng, ("black plastic", "black plastic", "blue plastic", "red plastic", "brushed steel")),
        marquee=pick(rng, ("warm light", "warm light", "white plastic")),
        button_colour=pick(rng, ("red", "yellow", "blue", "green", "white", "orange")),
        side_thickness_m=uniform(rng, 0.016, 0.025),
        control_panel_height_m=uniform(rng, 0.88, 1.0),
        screen_tilt_deg=uniform(rng, 10.0, 28.0) if style != "modern" else uniform(rng, 0.0, 6.0),
    )


@dataclass(frozen=True)
class _Arcade:
    w: float
    d: float
    h: float
    st: float
    zs: tuple[float, ...]  # side profile: heights (increasing) ...
    yf: tuple[float, ...]  # ... and the front edge there
    z_cp: float  # front edge of the control panel top
    y_cpb: float  # back of the control panel
    z_cpb: float  # control panel top at its back
    z_s0: float  # bottom of the screen
    z_s1: float  # top of the screen
    y_s0: float
    y_s1: float
    z_m0: float  # bottom of the marquee
    y_m: float  # marquee front
    y_low: float  # lower front face


def _arcade_frame(p: ArcadeMachineParams, size: Size) -> _Arcade:
    w, d, h = (float(v) for v in size)
    st = clamp(p.side_thickness_m, 0.012, 0.04)
    z_cp = clamp(p.control_panel_height_m, 0.5 * h, 0.6 * h)
    cp_d = clamp(0.3 * d, 0.18, 0.3)
    y_low = d / 2 - cp_d + 0.05
    y_cpb = d / 2 - cp_d
    z_cpb = z_cp + 0.06
    tilt = math.radians(clamp(p.screen_tilt_deg, 0.0, 35.0))
    if p.style == "classic":
        z_m0 = h - clamp(0.13 * h, 0.18, 0.28)
        z_s0 = z_cpb + 0.02
        z_s1 = z_m0 - 0.06
        y_s0 = y_cpb - 0.02
        y_s1 = max(y_s0 - (z_s1 - z_s0) * math.tan(tilt), -d / 2 + 0.15)
        y_m = min(y_s1 + 0.12, d / 2 - 0.06)
        prof = [(0.0, y_low - 0.03), (0.1, y_low - 0.03), (0.1005, y_low), (z_cp - 0.12, y_low), (z_cp - 0.06, d / 2),
                (z_cp, d / 2), (z_cpb, y_cpb), (z_s1 + 0.03, y_s1 - 0.02), (z_m0, y_s1 - 0.02), (z_m0 + 0.0005, y_m),
                (h, y_m)]
    elif p.style == "modern":
        z_m0 = h - clamp(0.1 * h, 0.14, 0.22)
        z_s0 = z_cpb + 0.05
        z_s1 = z_m0 - 0.03
        y_s0 = y_cpb - 0.03
        y_s1 = max(y_s0 - (z_s1 - z_s0) * math.tan(tilt), -d / 2 + 0.12)
        y_m = y_s1 + 0.02
        prof = [(0.0, y_low - 0.02), (0.1, y_low - 0.02), (0.1005, y_low), (z_cp - 0.1, y_low), (z_cp - 0.04, d / 2),
                (z_cp, d / 2), (z_cpb, y_cpb), (z_s0, y_s0 + 0.01), (z_m0, y_s1 + 0.015), (h, y_m)]
    else:  # candy: one big tilted screen, rounded top, no separate marquee overhang
        z_m0 = h - 0.05
        z_s0 = z_cpb + 0.03
        z_s1 = h - clamp(0.12 * h, 0.16, 0.24)
        y_s0 = y_cpb - 0.02
        y_s1 = max(y_s0 - (z_s1 - z_s0) * math.tan(tilt), -d / 2 + 0.15)
        y_m = y_s1 - 0.02
        prof = [(0.0, y_low), (z_cp - 0.1, y_low), (z_cp - 0.05, d / 2), (z_cp, d / 2), (z_cpb, y_cpb),
                (z_s1 + 0.02, y_s1 - 0.01)]
        top = h - (z_s1 + 0.02)
        for k in range(1, 7):
            a = math.pi / 2 * k / 6
            y_round = y_s1 - 0.01 - (y_s1 - 0.01 + d / 2 - 0.02) * (1 - math.cos(a))
            prof.append((z_s1 + 0.02 + top * math.sin(a), y_round))
    zs = tuple(z for z, _ in prof)
    yf = tuple(y for _, y in prof)
    return _Arcade(w, d, h, st, zs, yf, z_cp, y_cpb, z_cpb, z_s0, z_s1, y_s0, y_s1, z_m0, y_m, y_low)


def build_arcade_machine(params: ArcadeMachineParams, size: Size) -> list[Part]:
    """Parts of an arcade cabinet of exactly ``size`` (player side +Y, back flat against -Y)."""
    a = _arcade_frame(params, size)
    p = params
    w, d, h = a.w, a.d, a.h
    zs, yf = np.array(a.zs), np.array(a.yf)
    back = np.full(len(zs), -d / 2)
    parts = []
    for i, s in enumerate((-1.0, 1.0)):
        x0, x1 = sorted((s * w / 2, s * (w / 2 - a.st)))
        parts.append(Part(f"side_{i}", monotone_prism(zs, back, yf, x0, x1, axes=(2, 1, 0)), p.side_material))
    xi = w / 2 - a.st
    body_front = np.maximum(back + 0.02, yf - 0.012)
    parts.append(Part("body", monotone_prism(zs, back + 0.001, body_front, -xi - 0.001, xi + 0.001, axes=(2, 1, 0)),
                      "black painted wood" if p.style != "candy" else p.side_material))
    # control panel: a sloped block at the front
    cp = monotone_prism([a.z_cp - 0.07, a.z_cp, a.z_cpb], [a.y_cpb - 0.02, a.y_cpb - 0.02, a.y_cpb - 0.02],
                         [d / 2 - 0.004, d / 2 - 0.004, a.y_cpb], -xi, xi, axes=(2, 1, 0))
    parts.append(Part("control_panel", cp, p.panel_material))
    slope = (a.z_cpb - a.z_cp) / (a.y_cpb - (d / 2 - 0.004))

    def panel_z(y: float) -> float:
        return a.z_cp + (y - (d / 2 - 0.004)) * slope

    n = int(clamp(p.players, 1, 2))
    nb = int(clamp(p.buttons_per_player, 1, 8))
    stick_r, knob_r = 0.006, 0.018
    sticks, knobs, buttons = [], [], []
    yc = (a.y_cpb + d / 2) / 2
    for k in range(n):
        x0 = (k - (n - 1) / 2.0) * (w - 2 * a.st) / n + 0.05 * (w - 2 * a.st) / n * (0 if n == 1 else 1)
        xj = x0 - 0.06
        zj = panel_z(yc)
        sticks.append(cylinder((xj, yc, 0.0), stick_r, zj - 0.01, zj + 0.05, 8))
        knobs.append(sphere((xj, yc, zj + 0.05 + knob_r * 0.6), knob_r, 12, 6))
        cols = (nb + 1) // 2
        for b in range(nb):
            row, col = divmod(b, cols)
            bx = xj + 0.07 + col * 0.035
            by = yc + (0.018 if row == 0 else -0.018) + (0.0 if nb > 1 else -0.018)
            bz = panel_z(by)
            buttons.append(cylinder((bx, by, 0.0), 0.012, bz - 0.01, bz + 0.008, 12))
    parts.append(Part("joystick_shaft", merge(sticks), "black metal"))
    parts.append(Part("joystick", merge(knobs), f"{p.button_colour} plastic"))
    parts.append(Part("buttons", merge(buttons), f"{p.button_colour} plastic"))
    # screen in its bezel, following the tilted face of the side profile
    zs0, zs1 = a.z_s0, a.z_s1
    hx = xi - 0.02
    y0f, y1f = float(np.interp(zs0 - 0.02, zs, yf)), float(np.interp(zs1 + 0.02, zs, yf))
    lean = (y0f - y1f) / (zs1 - zs0 + 0.04)
    m = shear_y_by_z(0.0, lean)
    m[1, 3] += y0f
    m[2, 3] = zs0 - 0.02
    bezel = rbox((-hx, -0.016, 0.0), (hx, -0.005, zs1 - zs0 + 0.04), 0.004)
    parts.append(Part("bezel", transformed(bezel, m), "black plastic"))
    scr = rbox((-hx + 0.035, -0.009, 0.035), (hx - 0.035, -0.001, zs1 - zs0 + 0.005), 0.002)
    parts.append(Part("screen", transformed(scr, m), "black screen"))
    # marquee
    if p.style == "candy":
        yt = float(np.interp(a.z_s1 + 0.02, zs, yf))
        parts.append(Part("marquee", rbox((-hx, yt - 0.02, a.z_s1 + 0.025), (hx, yt - 0.003, a.z_s1 + 0.06),
                                                 0.003), p.marquee))
    else:
        parts.append(Part("marquee", rbox((-xi, a.y_m - 0.015, a.z_m0 + 0.015), (xi, a.y_m - 0.002, h - 0.02),
                                                 0.003), p.marquee))
        parts.append(Part("speaker_grille", rbox((-hx, a.y_s1 - 0.05, a.z_m0 - 0.02),
                                                        (hx, float(np.interp(a.z_m0 - 0.01, zs, yf)) - 0.004,
                                                         a.z_m0 + 0.005), 0.003), "black plastic"))
    # coin door and kick plate on the lower front
    yl = a.y_low - 0.012
    cd_w = min(0.13, 0.3 * w)
    z0 = 0.3 * a.z_cp
    parts.append(Part("coin_door", rbox((-cd_w, yl - 0.01, z0), (cd_w, yl + 0.008, z0 + 0.3), 0.004),
                      "black metal"))
    slots = [rbox((x - 0.012, yl + 0.005, z0 + 0.18), (x + 0.012, yl + 0.012, z0 + 0.24), 0.002)
             for x in (-0.05, 0.05)]
    parts.append(Part("coin_slots", merge(slots), "red plastic"))
    kick_y = float(yf[0]) - 0.004
    parts.append(Part("kick_plate", rbox((-xi, kick_y - 0.01, 0.005), (xi, kick_y, 0.095), 0.003),
                      "black metal"))
    return parts


def arcade_machine_surfaces(params: ArcadeMachineParams, size: Size) -> list[Surface]:
    """Nothing goes on an arcade cabinet."""
    return []


register_generator("arcade_machine", ArcadeMachineParams, build_arcade_machine, arcade_machine_surfaces,
                   sample_arcade_machine_params)
