"""Studio things: painting easels, dressmaker's mannequins and guitars.

- ``easel``: a wooden A-frame (two splayed front legs, a back leg and a centre mast), a slim metal
  tripod easel, or an H-frame studio easel on a base with runners; a canvas tray or ledge holds a
  canvas (portrait or landscape, blank or with an abstract painting) leaning back, its face to +Y,
  held by a top clamp; sometimes no canvas.
- ``mannequin``: a dress form (lathe-profiled torso on a pole, neck cap at the top, on a tripod,
  a round base or a four-star base on casters), or an abstract full-body mannequin (head, arms,
  legs, feet pointing +Y) on a base plate with a calf rod; female forms have a bust at +Y, male a
  chest.
- ``guitar``: an acoustic (figure-eight body from a smoothed y-monotone outline, sound hole with
  rosette, bridge, angled headstock with three tuners a side) or an electric (solid body with two
  horns, pickups, pickguard, knobs, six-in-line headstock), standing upright on a small stand (base,
  cradle arms, back post with a neck yoke): its height is its length, its width the body (or the
  stand), its depth the body plus the stand post. The strings and fretboard face +Y.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import trimesh

from ..parts import Part
from ..primitives import box, cylinder, cylinder_along, lathe, merge, shear_y_by_z, transformed
from ._shapes import (ellipsoid, fit_exact, frame_matrix, monotone_prism, no_surfaces, rbox, slab_xz, square_bar,
                      tube)
from .params import chance, clamp, pick, register_generator, uniform

Size = tuple[float, float, float]


# ----------------------------------------------------------------------------------------------------------------
# private mesh helpers


def _taper(p0, p1, r0: float, r1: float, sections: int = 12) -> trimesh.Trimesh:
    """Tapered round limb from ``p0`` (radius ``r0``) to ``p1`` (radius ``r1``) with domed ends."""
    length = float(np.linalg.norm(np.asarray(p1, dtype=float) - np.asarray(p0, dtype=float)))
    prof = [(0.0, -0.6 * r0), (0.8 * r0, -0.35 * r0), (r0, 0.0), (r1, length), (0.8 * r1, length + 0.35 * r1),
            (0.0, length + 0.6 * r1)]
    return transformed(lathe(prof, sections), frame_matrix(p0, p1))


def _ellipse(cx: float, cz: float, rx: float, rz: float, n: int = 16,
             rot_deg: float = 0.0) -> list[tuple[float, float]]:
    t = math.radians(rot_deg)
    out = []
    for k in range(n):
        a = 2 * math.pi * k / n
        x, z = rx * math.cos(a), rz * math.sin(a)
        out.append((cx + x * math.cos(t) - z * math.sin(t), cz + x * math.sin(t) + z * math.cos(t)))
    return out


# ----------------------------------------------------------------------------------------------------------------
# easel

PAINT_COLOURS = ("red", "blue", "yellow", "teal", "orange", "navy", "mustard", "sage", "coral", "plum", "black",
                 "sky blue", "forest green", "rust")


@dataclass(frozen=True)
class EaselParams:
    category: str = "easel"
    style: str = "a_frame"  # a_frame | tripod | h_frame
    canvas: bool = True
    landscape: bool = False
    painted: bool = False
    paint_colours: tuple = ("blue", "yellow", "red")
    lean_deg: float = 15.0
    ledge_height_m: float = 0.75
    canvas_height_m: float = 0.6
    material: str = "beech wood"


def sample_easel_params(rng: np.random.Generator, size: Size, category: str = "easel") -> EaselParams:
    style = pick(rng, ("a_frame", "tripod", "h_frame"), (0.45, 0.25, 0.3))
    mat = pick(rng, ("aluminium", "black metal")) if style == "tripod" else pick(
        rng, ("beech wood", "pine wood", "oak wood", "walnut wood", "black stained wood"))
    k = int(rng.integers(2, 4))
    return EaselParams(
        category=category,
        style=style,
        canvas=chance(rng, 0.85),
        landscape=chance(rng, 0.35),
        painted=chance(rng, 0.5),
        paint_colours=tuple(pick(rng, PAINT_COLOURS) for _ in range(k)),
        lean_deg=uniform(rng, 10.0, 18.0) if style != "h_frame" else uniform(rng, 0.0, 8.0),
        ledge_height_m=uniform(rng, 0.6, 0.85),
        canvas_height_m=uniform(rng, 0.4, 0.8),
        material=mat,
    )


def build_easel(params: EaselParams, size: Size) -> list[Part]:
    """Parts of an easel of exactly ``size`` (the canvas faces +Y)."""
    w, d, h = (float(v) for v in size)
    p = params
    mat = p.material
    metal = p.style == "tripod"
    lt = 0.012 if metal else 0.02  # half thickness of a leg
    k = min(math.tan(math.radians(clamp(p.lean_deg, 0.0, 25.0))), (d - 0.1) / h)
    z_l = clamp(p.ledge_height_m, 0.3 * h, 0.5 * h)
    hc = clamp(p.canvas_height_m, 0.25, h - z_l - 0.08)
    wc = min((1.35 if p.landscape else 0.75) * hc, w * (1.3 if p.landscape else 0.95))
    hc = min(hc, wc / (1.35 if p.landscape else 0.75))
    ct = 0.022
    front: list[tuple[str, trimesh.Trimesh, str]] = []  # built upright at y ~ 0, then leant back
    parts: list[Part] = []
    if p.style in ("a_frame", "tripod"):
        for i, s in enumerate((-1.0, 1.0)):
            foot, top = (s * (w / 2 - lt), 0.0, 0.0), (s * 0.05, 0.0, h)
            mesh = tube(foot, top, lt, 8) if metal else square_bar(foot, top, lt, lt, 0.004)
            front.append((f"leg_{i}", mesh, mat))
        brace_z = 0.3 * h
        xb = (w / 2 - lt) - ((w / 2 - lt) - 0.05) * brace_z / h
        front.append(("brace", box((-xb, -lt, brace_z - 0.015), (xb, lt, brace_z + 0.015)), mat))
        if not metal:
            front.append(("mast", rbox((-0.022, -lt - 0.004, 0.25 * h), (0.022, lt, h), 0.004), mat))
        else:
            front.append(("mast", cylinder((0.0, 0.0, 0.0), 0.009, z_l, h - 0.01, 8), mat))
        hinge_z = 0.85 * h
    else:  # h_frame: uprights on a base with runners
        xu = min(0.22 * w + 0.05, w / 2 - 0.06)
        for i, s in enumerate((-1.0, 1.0)):
            front.append((f"upright_{i}", rbox((s * xu - 0.025, -0.025, 0.06), (s * xu + 0.025, 0.025, 0.93 * h),
                                                      0.004), mat))
        front.append(("mast", rbox((-0.03, -0.03, 0.2 * h), (0.03, 0.025, h), 0.004), mat))
        for j, z in enumerate((0.3 * h, 0.9 * h)):
            front.append((f"crossbar_{j}", rbox((-xu, -0.02, z - 0.025), (xu, 0.02, z + 0.025), 0.004), mat))
        hinge_z = 0.0
        lt = 0.025
    # ledge / tray and canvas
    tray_d = 0.05 if p.style != "h_frame" else 0.1
    xl = max(0.8 * w / 2, wc / 2 + 0.03) if p.style != "tripod" else 0.3 * w
    xl = min(xl, w / 2)
    ledge = [rbox((-xl, -lt, z_l - 0.03), (xl, lt + ct + tray_d, z_l), 0.004),
             rbox((-xl, lt + ct + tray_d - 0.012, z_l - 0.01), (xl, lt + ct + tray_d, z_l + 0.025), 0.003)]
    if metal:
        ledge = [rbox((-xl, -lt, z_l - 0.015), (xl, lt + ct + 0.02, z_l), 0.003),
                 rbox((-xl, lt + ct + 0.01, z_l - 0.01), (-xl + 0.03, lt + ct + 0.02, z_l + 0.03), 0.003),
                 rbox((xl - 0.03, lt + ct + 0.01, z_l - 0.01), (xl, lt + ct + 0.02, z_l + 0.03), 0.003)]
    front.append(("ledge", merge(ledge), mat))
    if p.canvas:
        yc0 = lt + 0.003
        front.append(("canvas", rbox((-wc / 2, yc0, z_l), (wc / 2, yc0 + ct, z_l + hc), 0.003), "canvas"))
        if p.painted:
            cols = list(p.paint_colours) or ["blue"]
            for j, c in enumerate(cols[:4]):
                fx0 = -wc / 2 + 0.03 + (j % 2) * 0.3 * wc
                fz0 = z_l + 0.03 + (j // 2) * 0.35 * hc + 0.1 * j * hc
                fx1 = min(fx0 + (0.45 + 0.1 * j) * wc, wc / 2 - 0.03)
                fz1 = min(fz0 + (0.5 - 0.08 * j) * hc, z_l + hc - 0.03)
                if fx1 - fx0 > 0.02 and fz1 - fz0 > 0.02:
                    blob = box((fx0, yc0 + ct - 0.001, fz0), (fx1, yc0 + ct + 0.001 + 0.0005 * j, fz1))
                    front.append((f"paint_{j}", blob, f"{c} paper"))
        zt = z_l + hc
        if zt + 0.05 < h:
            front.append(("top_clamp", rbox((-0.04, -lt - 0.01, zt), (0.04, yc0 + ct + 0.015, zt + 0.035), 0.004),
                          mat))
    lean = shear_y_by_z(0.0, k)
    for name, mesh, m in front:
        parts.append(Part(name, transformed(mesh, lean), m))
    if p.style in ("a_frame", "tripod"):
        top = (0.0, -k * hinge_z - lt, hinge_z)
        foot = (0.0, -d + lt + 0.05, 0.0)  # refit below puts it at the back edge
        parts.append(Part("back_leg", tube(top, foot, lt, 8) if metal else square_bar(top, foot, lt, lt, 0.004), mat))
        if not metal:
            f = 0.3 / 0.85
            y_back = foot[1] + (top[1] - foot[1]) * f
            stay = square_bar((0.0, -k * 0.3 * h, 0.3 * h), (0.0, y_back, 0.3 * h), 0.008, 0.012, 0.004)
            parts.append(Part("back_stay", stay, mat))
        for i, x in enumerate((-(w / 2 - lt), w / 2 - lt)):
            parts.append(Part(f"foot_{i}", cylinder((x, 0.0, 0.0), lt + 0.004, 0.0, 0.02, 8), "black rubber"))
    else:
        y0, y1 = -d + 0.05, 0.05
        for i, s in enumerate((-1.0, 1.0)):
            x = s * (w / 2 - 0.035)
            parts.append(Part(f"runner_{i}", rbox((x - 0.035, y0, 0.0), (x + 0.035, y1, 0.06), 0.006), mat))
        for j, y in enumerate((y0 + 0.05, y1 - 0.05)):
            parts.append(Part(f"base_bar_{j}", rbox((-w / 2 + 0.07, y - 0.03, 0.01), (w / 2 - 0.07, y + 0.03,
                                                                                             0.06), 0.006), mat))
        stay = square_bar((0.0, -k * 0.6 * h - 0.03, 0.6 * h), (0.0, y0 + 0.08, 0.06), 0.02, 0.015, 0.004)
        parts.append(Part("stay", stay, mat))
    return fit_exact(parts, (w, d, h))


register_generator("easel", EaselParams, build_easel, no_surfaces, sample_easel_params)


# ----------------------------------------------------------------------------------------------------------------
# mannequin

FORM_MATERIALS = ("beige linen", "cream linen", "black linen", "grey linen", "white linen", "ivory fabric",
                  "charcoal fabric", "dusty pink linen")
BODY_MATERIALS = ("white plastic", "light grey plastic", "black plastic", "off white plastic", "beige plastic")


@dataclass(frozen=True)
class MannequinParams:
    category: str = "mannequin"
    style: str = "dress_form"  # dress_form | full_body
    figure: str = "female"  # female | male
    base: str = "tripod"  # tripod | round | star (dress form); full bodies stand on a round plate
    torso_material: str = "beige linen"
    stand_material: str = "walnut wood"
    cap_material: str = "walnut wood"
    depth_ratio: float = 0.65  # torso depth / width


def sample_mannequin_params(rng: np.random.Generator, size: Size, category: str = "mannequin") -> MannequinParams:
    style = pick(rng, ("dress_form", "full_body"), (0.6, 0.4))
    wood = pick(rng, ("walnut wood", "oak wood", "beech wood", "black stained wood"))
    return MannequinParams(
        category=category,
        style=style,
        figure=pick(rng, ("female", "male"), (0.65, 0.35)),
        base=pick(rng, ("tripod", "round", "star")),
        torso_material=pick(rng, FORM_MATERIALS) if style == "dress_form" else pick(rng, BODY_MATERIALS),
        stand_material=pick(rng, (wood, "chrome", "black metal", "brass")),
        cap_material=pick(rng, (wood, "brass", "chrome", "black plastic")),
        depth_ratio=uniform(rng, 0.55, 0.72),
    )


#: dress form torso: (radius as a share of the half width, height as a share of the torso)
_FORM = {"female": [(0.0, 0.0), (0.74, 0.0), (0.84, 0.1), (0.86, 0.2), (0.7, 0.38), (0.6, 0.46), (0.7, 0.58),
                    (0.84, 0.7), (0.9, 0.8), (1.0, 0.87), (0.86, 0.95), (0.35, 0.99), (0.22, 1.0), (0.0, 1.0)],
         "male": [(0.0, 0.0), (0.74, 0.0), (0.8, 0.1), (0.8, 0.2), (0.74, 0.38), (0.72, 0.46), (0.8, 0.6),
                  (0.9, 0.72), (0.96, 0.82), (1.0, 0.88), (0.88, 0.95), (0.35, 0.99), (0.24, 1.0), (0.0, 1.0)]}


def build_mannequin(params: MannequinParams, size: Size) -> list[Part]:
    """Parts of a mannequin of exactly ``size`` (it faces +Y)."""
    w, d, h = (float(v) for v in size)
    p = params
    female = p.figure == "female"
    ratio = clamp(p.depth_ratio, 0.4, 0.9)
    parts: list[Part] = []
    if p.style == "full_body":
        return fit_exact(_full_body(p, w, d, h, ratio, female), (w, d, h))
    rx = w / 2
    ry = min(d / 2, rx * ratio)
    cap_h = 0.05
    T = clamp(0.4 * h, 0.55, 0.75)
    neck_h = 0.07
    z0 = h - cap_h - neck_h - T
    prof = [(r, z * T) for r, z in _FORM["female" if female else "male"]]
    parts.append(Part("torso", lathe(prof, 20, (0.0, 0.0, z0), scale_xy=(rx, ry)), p.torso_material))
    zb = z0 + 0.64 * T if female else z0 + 0.7 * T
    if female:
        for i, s in enumerate((-1.0, 1.0)):
            bust = ellipsoid((s * 0.2 * rx, 0.55 * ry, zb), (0.26 * rx, 0.45 * ry, 0.09 * T), 12, 5)
            parts.append(Part(f"bust_{i}", bust, p.torso_material))
    else:
        chest = ellipsoid((0.0, 0.5 * ry, zb), (0.6 * rx, 0.5 * ry, 0.1 * T), 12, 5)
        parts.append(Part("chest", chest, p.torso_material))
    rn = 0.22 * rx
    parts.append(Part("neck", cylinder((0.0, 0.0, 0.0), rn, z0 + T - 0.01, z0 + T + neck_h, 16), p.torso_material))
    cap = [(0.0, 0.0), (rn * 1.05, 0.0), (rn * 1.1, 0.3 * cap_h), (rn * 0.6, 0.7 * cap_h), (rn * 0.5, 0.85 * cap_h),
           (rn * 0.35, cap_h), (0.0, cap_h)]
    parts.append(Part("neck_cap", lathe(cap, 16, (0.0, 0.0, h - cap_h)), p.cap_material))
    # stand
    sm = p.stand_material
    hub_z = 0.35 if p.base != "round" else 0.05
    parts.append(Part("pole", cylinder((0.0, 0.0, 0.0), 0.014, hub_z, z0 + 0.05, 12), sm))
    zm = 0.5 * (hub_z + z0)
    parts.append(Part("pole_collar", cylinder((0.0, 0.0, 0.0), 0.022, zm, zm + 0.05, 12), sm))
    reach_x, reach_y = 0.9 * rx, 0.95 * ry
    if p.base == "round":
        rb = min(reach_x, reach_y)
        disc = lathe([(0.0, 0.0), (rb, 0.0), (rb, 0.012), (0.7 * rb, 0.03), (0.1, 0.05), (0.0, 0.05)], 20)
        parts.append(Part("base", disc, sm if sm not in ("chrome", "brass") else "black metal"))
    else:
        n = 3 if p.base == "tripod" else 4
        parts.append(Part("hub", cylinder((0.0, 0.0, 0.0), 0.03, hub_z - 0.05, hub_z + 0.02, 12), sm))
        for i in range(n):
            a = math.radians(90.0 + 360.0 * i / n + (45.0 if n == 4 else 0.0))
            end = (reach_x * math.cos(a), reach_y * math.sin(a))
            z_end = 0.025 if p.base == "star" else 0.0
            mesh = square_bar((0.0, 0.0, hub_z - 0.02), (end[0], end[1], z_end + 0.02), 0.012, 0.016, 0.004)
            parts.append(Part(f"base_leg_{i}", mesh, sm))
            if p.base == "star":
                parts.append(Part(f"caster_{i}", cylinder((end[0], end[1], 0.0), 0.02, 0.0, 0.03, 12), "black plastic"))
    return fit_exact(parts, (w, d, h))


def _full_body(p: MannequinParams, w: float, d: float, h: float, ratio: float, female: bool) -> list[Part]:
    m = p.torso_material
    H = h - 0.02  # the plate lifts it a little
    z = lambda f: 0.02 + f * H  # noqa: E731
    sh = 0.5 * w - 0.06  # shoulder half width (arms hang outside)
    hip = 0.62 * sh if not female else 0.7 * sh
    torso_prof = [(0.0, 0.0), (0.85 * hip, 0.0), (hip, 0.05), (0.78 * sh if female else 0.8 * sh, 0.38),
                  (0.9 * sh, 0.62), (sh, 0.8), (0.8 * sh, 0.92), (0.3 * sh, 1.0), (0.0, 1.0)]
    t0, t1 = z(0.47), z(0.82)
    parts = [Part("torso", lathe([(r, zz * (t1 - t0)) for r, zz in torso_prof], 16, (0.0, 0.0, t0),
                                 scale_xy=(1.0, clamp(0.9 * ratio, 0.45, 0.7))), m)]
    zb = t0 + 0.7 * (t1 - t0)
    if female:
        for i, s in enumerate((-1.0, 1.0)):
            bust = ellipsoid((s * 0.35 * sh, 0.3 * sh, zb), (0.3 * sh, 0.22 * sh, 0.06 * H), 12, 5)
            parts.append(Part(f"bust_{i}", bust, m))
    else:
        parts.append(Part("chest", ellipsoid((0.0, 0.25 * sh, zb), (0.75 * sh, 0.3 * sh, 0.06 * H), 12, 5), m))
    parts.append(Part("neck", cylinder((0.0, 0.0, 0.0), 0.05, t1 - 0.02, z(0.88), 12), m))
    parts.append(Part("head", ellipsoid((0.0, 0.01, z(0.935)), (0.075, 0.095, 0.065 * H), 12, 6), m))
    # arms hanging at the sides, a little bent
    for i, s in enumerate((-1.0, 1.0)):
        shoulder = (s * (sh + 0.01), 0.0, z(0.8))
        elbow = (s * (sh + 0.04), -0.02, z(0.62))
        hand = (s * (sh + 0.03), 0.05, z(0.47))
        parts.append(Part(f"upper_arm_{i}", _taper(shoulder, elbow, 0.045, 0.035), m))
        parts.append(Part(f"forearm_{i}", _taper(elbow, hand, 0.034, 0.026), m))
        palm = ellipsoid((hand[0], hand[1] + 0.01, hand[2] - 0.05), (0.022, 0.04, 0.05), 8, 4)
        parts.append(Part(f"hand_{i}", palm, m))
        hipj = (s * 0.5 * hip, 0.0, z(0.49))
        knee = (s * 0.45 * hip, 0.01, z(0.27))
        ankle = (s * 0.42 * hip, -0.01, z(0.05))
        parts.append(Part(f"thigh_{i}", _taper(hipj, knee, 0.075 if female else 0.07, 0.05), m))
        parts.append(Part(f"shin_{i}", _taper(knee, ankle, 0.05, 0.032), m))
        foot_len = min(0.24, d - 0.04)
        y_heel = ankle[1] - 0.06
        foot = rbox((ankle[0] - 0.04, y_heel, 0.02), (ankle[0] + 0.04, y_heel + foot_len, 0.08), 0.02)
        parts.append(Part(f"foot_{i}", foot, m))
    rb = min(w / 2, d / 2)
    parts.append(Part("base_plate", cylinder((0.0, 0.0, 0.0), rb, 0.0, 0.02, 20), pick_plate(p)))
    parts.append(Part("calf_rod", cylinder((0.42 * hip, -0.05, 0.0), 0.008, 0.02, z(0.2), 8), "chrome"))
    return parts


def pick_plate(p: MannequinParams) -> str:
    return "clear glass" if p.stand_material in ("chrome", "brass") else "black metal"


register_generator("mannequin", MannequinParams, build_mannequin, no_surfaces, sample_mannequin_params)


# ----------------------------------------------------------------------------------------------------------------
# guitar

ACOUSTIC_TOPS = ("pine wood", "pine wood", "cherry wood", "black painted wood", "walnut wood", "white painted wood")
ELECTRIC_FINISHES = ("red painted wood", "black painted wood", "white painted wood", "sky blue painted wood",
                     "orange painted wood", "mint painted wood", "cream painted wood", "burgundy painted wood")


@dataclass(frozen=True)
class GuitarParams:
    category: str = "guitar"
    style: str = "acoustic"  # acoustic | electric
    top_material: str = "pine wood"
    body_material: str = "walnut wood"
    neck_material: str = "beech wood"
    fretboard_material: str = "black stained wood"
    pickguard: bool = True
    pickups: int = 2
    stand_height_m: float = 0.06
    cutaway: bool = False  # acoustic with a treble-side cutaway


def sample_guitar_params(rng: np.random.Generator, size: Size, category: str = "guitar") -> GuitarParams:
    style = pick(rng, ("acoustic", "electric"), (0.55, 0.45))
    if style == "acoustic":
        top = pick(rng, ACOUSTIC_TOPS)
        body = top if "painted" in top else pick(rng, ("walnut wood", "cherry wood", "oak wood"))
    else:
        top = body = pick(rng, ELECTRIC_FINISHES)
    return GuitarParams(
        category=category,
        style=style,
        top_material=top,
        body_material=body,
        neck_material=pick(rng, ("beech wood", "oak wood", "walnut wood")),
        fretboard_material=pick(rng, ("black stained wood", "walnut wood", "beech wood")),
        pickguard=chance(rng, 0.6),
        pickups=pick(rng, (1, 2, 3)),
        stand_height_m=uniform(rng, 0.04, 0.08),
        cutaway=style == "acoustic" and chance(rng, 0.3),
    )


def _body_outline(style: str, bw: float, z0: float, body_len: float, n: int = 24):
    """(zs, half widths) of a guitar body from its tail ``z0`` up ``body_len``: two bouts joined at
    a waist, smoothed."""
    r1 = bw / 2
    r2 = (0.76 if style == "acoustic" else 0.8) * r1
    c1 = z0 + r1
    c2 = max(z0 + body_len - r2, c1)
    zs = z0 + body_len * (1.0 - np.cos(np.linspace(0.0, math.pi, n))) / 2.0
    f1 = np.sqrt(np.maximum(r1 * r1 - (zs - c1) ** 2, 0.0))
    f2 = np.sqrt(np.maximum(r2 * r2 - (zs - c2) ** 2, 0.0))
    f = np.maximum(f1, f2)
    for _ in range(2):
        f[1:-1] = np.maximum(f[1:-1], (f[:-2] + f[1:-1] + f[2:]) / 3.0)
    f = np.maximum(f, 0.004)
    return zs, f, c1, c2, r2


def build_guitar(params: GuitarParams, size: Size) -> list[Part]:
    """Parts of a guitar standing upright on its stand, of exactly ``size`` (strings face +Y)."""
    w, d, h = (float(v) for v in size)
    p = params
    acoustic = p.style != "electric"
    zb = clamp(p.stand_height_m, 0.03, 0.1)
    L = h - zb
    body_len = (0.49 if acoustic else 0.44) * L
    bw = min(w, (0.8 if acoustic else 0.75) * body_len)
    y_f = d / 2 - 0.014  # face of the body
    bt = clamp(0.1 if acoustic else 0.045, 0.03, d - 0.04)
    zs, f, c1, c2, r2 = _body_outline(p.style, bw, zb, body_len)
    parts: list[Part] = []
    lo, hi = -f, f.copy()
    if acoustic and p.cutaway:  # cut the treble (-X) shoulder
        cut = zs > c2
        lo = np.where(cut, np.minimum(-0.25 * bw / 2, -f * 0.5), lo)
        lo = np.maximum(lo, -f)
        lo = np.minimum(lo, hi - 0.01)
    axes = (2, 0, 1)  # t = z, s = x, e = y
    if acoustic:
        parts.append(Part("body", monotone_prism(zs, lo, hi, y_f - bt, y_f - 0.004, axes), p.body_material))
        parts.append(Part("top", monotone_prism(zs, lo, hi, y_f - 0.004, y_f, axes), p.top_material))
        hole_z = c2 - 0.1 * r2
        rh = 0.22 * bw / 2
        parts.append(Part("rosette", cylinder_along("y", (0.0, y_f - 0.002, hole_z), 0.0025, 1.3 * rh, 16),
                          "walnut wood" if "walnut" not in p.top_material else "ivory plastic"))
        hole = cylinder_along("y", (0.0, y_f - 0.003, hole_z), 0.0045, rh, 16)
        parts.append(Part("sound_hole", hole, "black rubber"))
        zbr = c1 - 0.25 * bw / 2
        parts.append(Part("bridge", rbox((-0.08, y_f - 0.001, zbr - 0.015), (0.08, y_f + 0.008, zbr + 0.015), 0.004),
                          p.fretboard_material))
        if p.pickguard:
            guard = _ellipse(-0.55 * rh - 0.02, hole_z - 1.1 * rh, 0.045, 0.06, 12, 30.0)
            parts.append(Part("pickguard", slab_xz(guard, y_f - 0.001, y_f + 0.0012), "brown plastic"))
        z_neck0 = zb + body_len - 0.03
    else:
        parts.append(Part("body", monotone_prism(zs, lo, hi, y_f - bt, y_f, axes), p.body_material))
        # two horns either side of the neck, rising from the shoulders, the bass one (+X) longer
        rx = clamp(0.35 * r2, 0.03, 0.5 * (0.9 * r2 - 0.03))
        for i, (s, reach) in enumerate(((1.0, 0.2), (-1.0, 0.1))):
            cx = s * (0.9 * r2 - rx)
            rz = 0.3 * body_len
            poly = _ellipse(cx, zb + body_len + reach * body_len - rz, rx, rz, 14, s * 10.0)
            parts.append(Part(f"horn_{i}", slab_xz(poly, y_f - bt, y_f), p.body_material))
        zbr = zb + 0.34 * body_len
        if p.pickguard:
            parts.append(Part("pickguard", slab_xz(_ellipse(-0.12 * bw / 2, zb + 0.5 * body_len, 0.5 * bw / 2,
                                                              0.26 * body_len, 16, -15.0),
                                                     y_f - 0.001, y_f + 0.0015), pick_guard_colour(p)))
        n = int(clamp(p.pickups, 1, 3))
        pk = [rbox((-0.035, y_f, z - 0.01), (0.035, y_f + 0.007, z + 0.01), 0.003)
              for z in np.linspace(zbr + 0.06, zb + 0.62 * body_len - 0.03, n)]
        parts.append(Part("pickups", merge(pk), "black plastic"))
        parts.append(Part("bridge", rbox((-0.04, y_f, zbr - 0.02), (0.04, y_f + 0.008, zbr + 0.02), 0.003),
                          "chrome"))
        knobs = [cylinder_along("y", (0.45 * bw / 2 - 0.02 * k, y_f - 0.002, zb + 0.12 * body_len + 0.05 * k), 0.014,
                                0.011, 12) for k in range(3)]
        parts.append(Part("knobs", merge(knobs), "black plastic" if "black" not in p.body_material else "chrome"))
        z_neck0 = zb + 0.62 * body_len
    # neck, fretboard, frets, nut, headstock
    hs_len = 0.18 * L
    z_nut = h - hs_len
    nw0, nw1 = 0.044, 0.056
    yn0 = y_f - 0.024
    parts.append(Part("neck", rbox((-nw1 / 2 + 0.002, yn0, z_neck0), (nw1 / 2 - 0.002, y_f + 0.006, z_nut + 0.005),
                                          0.01), p.neck_material))
    zf0 = zb + body_len - 0.09 if acoustic else zb + 0.62 * body_len
    board_poly = [(-nw1 / 2, zf0), (nw1 / 2, zf0), (nw0 / 2, z_nut), (-nw0 / 2, z_nut)]
    board = slab_xz(board_poly, y_f + 0.004, y_f + 0.011)
    parts.append(Part("fretboard", board, p.fretboard_material))
    scale = z_nut - zbr  # nut to saddle: the 12th fret sits half way
    frets = []
    for k in range(1, 20):
        zk = z_nut - scale * (1.0 - 2.0 ** (-k / 12.0))
        if zk < zf0 + 0.005:
            break
        half = nw0 / 2 + (nw1 - nw0) / 2 * (z_nut - zk) / (z_nut - zf0)
        frets.append(box((-half, y_f + 0.011, zk - 0.001), (half, y_f + 0.0125, zk + 0.001)))
    if frets:
        parts.append(Part("frets", merge(frets), "brushed steel"))
    parts.append(Part("nut", box((-nw0 / 2, y_f + 0.004, z_nut - 0.004), (nw0 / 2, d / 2 - 0.0005, z_nut + 0.002)),
                      "ivory plastic"))
    strings = []
    for k in range(6):
        x0 = (k - 2.5) * (0.0105 if acoustic else 0.0102)
        x1 = (k - 2.5) * 0.0072
        strings.append(box((x0 - 0.0005, d / 2 - 0.0025, zbr), (x0 + 0.0005, d / 2 - 0.0015, zbr + 0.001)))
        strings.append(tube((x0, d / 2 - 0.002, zbr), (x1, d / 2 - 0.002, z_nut), 0.0006, 4))
    parts.append(Part("strings", merge(strings), "chrome"))
    tilt = math.radians(12.0 if acoustic else 0.0)
    hsw = 0.085 if acoustic else 0.07
    if acoustic:
        head = rbox((-hsw / 2, -0.008, 0.0), (hsw / 2, 0.008, hs_len), 0.01)
    else:  # six-in-line: the tuners stick out on the +X side
        outline = [(-0.022, 0.0), (0.022, 0.0), (0.035, 0.3 * hs_len), (0.03, hs_len), (-0.02, hs_len),
                   (-0.03, 0.1 * hs_len)]
        head = slab_xz(outline, -0.008, 0.008)
    hm = np.eye(4)
    c, s_ = math.cos(tilt), math.sin(tilt)
    hm[1:3, 1:3] = [[c, -s_], [s_, c]]  # top leans back (-Y)
    hm[:3, 3] = (0.0, y_f - 0.006, z_nut)
    pegs = []
    if acoustic:
        for k in range(3):
            zk = hs_len * (0.3 + 0.23 * k)
            for sgn in (-1.0, 1.0):
                x0 = hsw / 2 - 0.005 if sgn > 0 else -hsw / 2 - 0.025
                pegs.append(cylinder_along("x", (x0, 0.0, zk), 0.03, 0.004, 8))
                pegs.append(box((sgn * (hsw / 2 + 0.02) - 0.006, -0.004, zk - 0.01),
                                (sgn * (hsw / 2 + 0.02) + 0.006, 0.004, zk + 0.01)))
    else:
        for k in range(6):
            zk = hs_len * (0.25 + 0.12 * k)
            xe = 0.035 if k < 2 else 0.032
            pegs.append(cylinder_along("x", (xe - 0.005, 0.0, zk), 0.02, 0.004, 8))
            pegs.append(box((xe + 0.012, -0.004, zk - 0.008), (xe + 0.022, 0.004, zk + 0.008)))
    parts.append(Part("headstock", transformed(head, hm), p.neck_material if not acoustic else p.body_material))
    parts.append(Part("tuners", transformed(merge(pegs), hm), "chrome"))
    # stand: feet, cradle arms, back post and yoke
    sm = "black metal"
    parts.append(Part("stand_foot_0", box((-w / 2, -d / 2, 0.0), (w / 2, -d / 2 + 0.025, 0.018)), sm))
    parts.append(Part("stand_foot_1", box((-0.3 * bw, d / 2 - 0.03, 0.0), (0.3 * bw, d / 2 - 0.008, 0.018)), sm))
    for i, sx in enumerate((-1.0, 1.0)):
        x = sx * 0.45 * bw / 2
        z_top = c1 - math.sqrt(max((bw / 2) ** 2 - x * x, 0.0))
        yc = y_f - bt / 2
        parts.append(Part(f"cradle_{i}", tube((x, d / 2 - 0.02, 0.01), (x, yc, z_top - 0.01), 0.008, 4), sm))
        pad = box((x - 0.015, yc - 0.02, z_top - 0.014), (x + 0.015, yc + 0.02, z_top + 0.004))
        parts.append(Part(f"cradle_pad_{i}", pad,
                          "black rubber"))
    body_top = max(float(q.mesh.bounds[1][2]) for q in parts if q.name in ("body", "horn_0", "horn_1"))
    z_yoke = min(z_nut - 0.06, body_top + 0.1)
    yp = -d / 2 + 0.012
    parts.append(Part("stand_post", cylinder((0.0, yp, 0.0), 0.008, 0.01, z_yoke, 8), sm))
    parts.append(Part("yoke", merge([box((-0.035, yp - 0.008, z_yoke - 0.012), (0.035, yn0 + 0.002, z_yoke)),
                                     box((-0.035, yn0 - 0.004, z_yoke - 0.012), (-0.027, y_f, z_yoke + 0.02)),
                                     box((0.027, yn0 - 0.004, z_yoke - 0.012), (0.035, y_f, z_yoke + 0.02))]),
                      "black rubber"))
    return fit_exact(parts, (w, d, h))


def pick_guard_colour(p: GuitarParams) -> str:
    return "black plastic" if "white" in p.body_material or "cream" in p.body_material else "white plastic"


register_generator("guitar", GuitarParams, build_guitar, no_surfaces, sample_guitar_params)
