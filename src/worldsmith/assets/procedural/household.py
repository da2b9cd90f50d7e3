"""Household fixtures: fireplaces and trash cans (fronts face +Y, backs against the wall at -Y).

- fireplace: a classic mantel surround (jambs with pilasters, frieze, an overhanging shelf) round a
  black firebox on a stone hearth; a chimney breast of plaster, brick or stone with an oak beam over
  the opening; a freestanding wood-burning stove (glass door, flue to the top) on a hearth plate;
  or a modern linear wall fireplace (a wide glazed opening in a plain box). Logs on a grate and
  optional flames.
- trash_can: a round or rectangular pedal bin (a pedal at the front, lid hinged at the back), a
  swing-top bin (domed lid with a flap), a push-top bin, or an open waste basket (a shell with a
  visible inside, optionally a bag folded over the rim).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..parts import Part
from ..primitives import box, cylinder, cylinder_along, lathe, merge, transformed
from ..surfaces import Surface, rect
from ._shapes import no_surfaces, rotation_x, translate
from .appliances import bar_handle, loft, rbox, tube
from .params import chance, clamp, pick, register_generator, uniform

Size = tuple[float, float, float]


# --------------------------------------------------------------------------------------------------
# fireplace
# --------------------------------------------------------------------------------------------------

SURROUNDS = ("white painted wood", "white marble", "black marble", "oak wood", "cream painted wood", "granite",
             "slate", "grey painted wood")
BREASTS = ("white painted wood", "concrete", "terracotta", "slate", "granite", "off white painted wood")
HEARTHS = ("slate", "granite", "black marble", "white marble", "concrete", "terracotta")


@dataclass(frozen=True)
class FireplaceParams:
    category: str = "fireplace"
    style: str = "mantel"  # mantel | breast | stove | modern
    opening_width_fraction: float = 0.55
    opening_height_fraction: float = 0.62
    surround_depth_m: float = 0.18
    shelf_thickness_m: float = 0.05
    pilasters: bool = True
    logs: bool = True
    lit: bool = False
    stove_shape: str = "box"  # box | round (wood stoves)
    surround_material: str = "white painted wood"
    hearth_material: str = "slate"
    beam_material: str = "oak wood"
    stove_material: str = "black metal"


def sample_fireplace_params(rng: np.random.Generator, size: Size, category: str = "fireplace") -> FireplaceParams:
    """Sampled fireplace: mantel surround, chimney breast with a beam, wood stove or modern linear
    unit; opening proportions, pilasters, logs, flames, finishes."""
    w, d, h = size
    style = pick(rng, ("mantel", "breast", "stove", "modern"), (0.4, 0.22, 0.22, 0.16))
    if style == "breast":
        mat = pick(rng, BREASTS)
    elif style == "modern":
        mat = pick(rng, ("black metal", "concrete", "white painted wood", "dark grey painted metal", "black marble"))
    else:
        mat = pick(rng, SURROUNDS)
    return FireplaceParams(
        category=category,
        style=style,
        opening_width_fraction=uniform(rng, 0.45, 0.62) if style != "modern" else uniform(rng, 0.6, 0.8),
        opening_height_fraction=uniform(rng, 0.5, 0.7) if style != "modern" else uniform(rng, 0.22, 0.35),
        surround_depth_m=uniform(rng, 0.14, 0.26),
        shelf_thickness_m=uniform(rng, 0.04, 0.08),
        pilasters=chance(rng, 0.6),
        logs=chance(rng, 0.7),
        lit=chance(rng, 0.45),
        stove_shape=pick(rng, ("box", "round"), (0.7, 0.3)),
        surround_material=mat,
        hearth_material=pick(rng, HEARTHS),
        beam_material=pick(rng, ("oak wood", "walnut wood", "pine wood", "black stained wood")),
        stove_material=pick(rng, ("black metal", "cast iron", "black metal", "forest green painted metal",
                                  "burgundy painted metal", "cream painted metal")),
    )


@dataclass(frozen=True)
class _FireFrame:
    w: float
    d: float
    h: float
    ht: float  # hearth thickness
    sd: float  # depth of the surround / breast / stove body (from the back)
    ow: float  # opening width
    oh: float  # opening top
    st: float  # shelf thickness / beam height


def _fire_frame(p: FireplaceParams, size: Size) -> _FireFrame:
    w, d, h = (float(v) for v in size)
    ht = clamp(0.04, 0.02, 0.05 * h)
    if p.style == "breast":
        sd = max(0.12, min(d - 0.1, 0.6 * d))
    elif p.style == "stove":
        sd = min(0.45, d - 0.04)
    else:
        sd = clamp(p.surround_depth_m, 0.1, d - 0.06)
    ow = clamp(p.opening_width_fraction, 0.3, 0.85) * w
    oh = clamp(p.opening_height_fraction, 0.15, 0.8) * h
    st = clamp(p.shelf_thickness_m, 0.03, 0.1)
    if p.style == "mantel":
        oh = min(oh, h - st - 0.12)
    if p.style == "breast":
        oh = min(oh, h - st - 0.1)
    return _FireFrame(w, d, h, ht, sd, ow, oh, st)


def _logs_and_fire(p: FireplaceParams, x0: float, x1: float, y0: float, y1: float, z: float, zmax: float) -> list[Part]:
    parts: list[Part] = []
    width = x1 - x0
    if width < 0.15 or y1 - y0 < 0.06:
        return parts
    xc, yc = (x0 + x1) / 2, (y0 + y1) / 2
    gw = min(0.7 * width, 0.6)
    r = clamp(0.18 * (y1 - y0), 0.025, 0.055)
    grate = [box((xc - gw / 2, y0 + 0.01, z + 0.03), (xc + gw / 2, y1 - 0.01, z + 0.04))]
    for sx in (-1, 1):
        for sy in (y0 + 0.015, y1 - 0.015):
            grate.append(box((xc + sx * gw / 2 - 0.01, sy - 0.006, z), (xc + sx * gw / 2, sy + 0.006, z + 0.04)))
    parts.append(Part("grate", merge(grate), "cast iron"))
    if p.logs:
        L = 0.8 * gw
        zl = z + 0.04 + r
        logs = [cylinder_along("x", (xc - L / 2, yc - 0.6 * r, zl), L, r, 12),
                cylinder_along("x", (xc - L / 2 + 0.03, yc + 0.7 * r, zl), L - 0.06, 0.9 * r, 12)]
        if zl + 2 * r < zmax:
            logs.append(cylinder_along("x", (xc - L / 2 + 0.06, yc, zl + 1.6 * r), L - 0.12, 0.85 * r, 12))
        parts.append(Part("logs", merge(logs), _log_material(p.beam_material)))
    if p.lit:
        top = min(zmax - 0.01, z + 0.04 + (5.5 * r if p.logs else 0.15))
        fl = []
        for i, fx in enumerate(np.linspace(-0.3, 0.3, 4) * gw):
            hh = (top - z - 0.05) * (0.7 + 0.3 * ((i * 7) % 3) / 2)
            fl.append(lathe([(0, 0), (0.7 * r, 0), (0.5 * r, 0.5 * hh), (0.0, hh)], 8, (xc + fx, yc, z + 0.05),
                            (1.0, 0.5)))
        parts.append(Part("flames", merge(fl), "orange neon light"))
    return parts


def _log_material(beam: str) -> str:
    return "walnut wood" if beam in ("oak wood", "pine wood") else "oak wood"


def build_fireplace(params: FireplaceParams, size: Size) -> list[Part]:
    """Parts of a fireplace of exactly ``size`` (opening and hearth at +Y, back on the wall)."""
    p = params
    f = _fire_frame(p, size)
    w, d, h = f.w, f.d, f.h
    yb = -d / 2
    ys = yb + f.sd  # front face of the surround / breast
    parts: list[Part] = []
    if p.style == "stove":
        return _wood_stove(p, f)
    if p.style == "modern":
        return _modern(p, f)
    if p.style == "mantel":
        parts.append(Part("hearth", rbox((-w / 2, yb, 0.0), (w / 2, d / 2, f.ht), 0.004), p.hearth_material))
        over = min(0.06, 0.05 * w)
        jx = w / 2 - over
        zs = h - f.st
        parts.append(Part("jamb_0", box((-jx, yb, f.ht), (-f.ow / 2, ys, zs)), p.surround_material))
        parts.append(Part("jamb_1", box((f.ow / 2, yb, f.ht), (jx, ys, zs)), p.surround_material))
        parts.append(Part("frieze", box((-f.ow / 2, yb, f.oh), (f.ow / 2, ys - 0.005, zs)), p.surround_material))
        parts.append(Part("shelf", rbox((-w / 2, yb, zs), (w / 2, min(ys + 0.06, d / 2), h), 0.008), p.surround_material))
        parts.append(Part("shelf_bed", rbox((-jx, yb, zs - 0.03), (jx, ys + 0.02, zs), 0.004), p.surround_material))
        if p.pilasters:
            pw = min(0.09, 0.5 * (jx - f.ow / 2))
            for i, s in enumerate((-1.0, 1.0)):
                xc = s * (jx - (jx - f.ow / 2) / 2)
                parts.append(Part(f"pilaster_{i}", merge([
                    box((xc - pw / 2, ys - 0.01, f.ht), (xc + pw / 2, ys + 0.02, zs - 0.06)),
                    rbox((xc - pw / 2 - 0.012, ys - 0.01, f.ht), (xc + pw / 2 + 0.012, ys + 0.03, f.ht + 0.08), 0.004),
                    rbox((xc - pw / 2 - 0.012, ys - 0.01, zs - 0.07), (xc + pw / 2 + 0.012, ys + 0.035, zs - 0.03),
                         0.004)]), p.surround_material))
        sw = min(0.07, 0.3 * (jx - f.ow / 2))  # a stone slip framing the opening
        parts.append(Part("slip", merge([box((-f.ow / 2 - sw, ys - 0.004, f.ht), (-f.ow / 2, ys + 0.004, f.oh + sw)),
                                         box((f.ow / 2, ys - 0.004, f.ht), (f.ow / 2 + sw, ys + 0.004, f.oh + sw)),
                                         box((-f.ow / 2, ys - 0.004, f.oh), (f.ow / 2, ys + 0.004, f.oh + sw))]),
                          _slip_material(p)))
        parts += _firebox(p, f, -f.ow / 2, f.ow / 2, ys - 0.005, f.oh)
        return parts
    # chimney breast with a beam
    parts.append(Part("hearth", rbox((-min(w / 2, f.ow / 2 + 0.25), ys - 0.05, 0.0), (min(w / 2, f.ow / 2 + 0.25), d / 2,
                                                                                         f.ht), 0.004),
                      p.hearth_material))
    parts.append(Part("breast", merge([box((-w / 2, yb, 0.0), (-f.ow / 2, ys, h)), box((f.ow / 2, yb, 0.0), (w / 2, ys, h)),
                                       box((-f.ow / 2, yb, f.oh), (f.ow / 2, ys, h))]), p.surround_material))
    bx, proud = _beam(f)
    parts.append(Part("beam", rbox((-bx, ys - 0.05, f.oh - 0.02), (bx, ys + proud, f.oh + f.st), 0.006), p.beam_material))
    parts += _firebox(p, f, -f.ow / 2, f.ow / 2, ys, f.oh - 0.02)
    return parts


def _beam(f: _FireFrame) -> tuple[float, float]:
    """Half length of a chimney breast's beam and how far it stands proud of the breast."""
    return min(f.w / 2, f.ow / 2 + 0.2), clamp(0.5 * (f.d - f.sd), 0.04, 0.12)


def _slip_material(p: FireplaceParams) -> str:
    """The hearth stone round the opening, or a marble that shows against the surround."""
    if p.hearth_material != p.surround_material and not (_dark(p.hearth_material) and _dark(p.surround_material)):
        return p.hearth_material
    return "white marble" if _dark(p.surround_material) else "black marble"


def _dark(material: str) -> bool:
    return any(k in material for k in ("black", "slate", "granite", "walnut", "dark"))


def _firebox(p: FireplaceParams, f: _FireFrame, x0: float, x1: float, y1: float, ztop: float) -> list[Part]:
    """The black lining of the opening (back, cheeks, roof) and what burns in it."""
    yb = -f.d / 2
    t = 0.025
    z0 = f.ht if p.style == "mantel" else 0.0
    lining = [box((x0, yb, z0), (x1, yb + t, ztop)), box((x0, yb, z0), (x0 + t, y1 - 0.03, ztop)),
              box((x1 - t, yb, z0), (x1, y1 - 0.03, ztop)), box((x0, yb, ztop - t), (x1, y1 - 0.03, ztop)),
              box((x0, yb, z0), (x1, y1 - 0.03, z0 + 0.01))]
    parts = [Part("firebox", merge(lining), "black metal" if p.style == "mantel" else "cast iron")]
    parts += _logs_and_fire(p, x0 + t, x1 - t, yb + t, y1 - 0.04, z0 + 0.01, ztop - 0.02)
    return parts


@dataclass(frozen=True)
class _StoveDims:
    sw: float  # body width
    sdp: float  # body depth
    y0: float
    y1: float
    zb: float  # bottom of the body (on its legs)
    zt: float  # top plate
    fr: float  # flue radius
    r: float  # radius of a round stove
    yc: float
    flue_y: float


def _stove_dims(p: FireplaceParams, f: _FireFrame) -> _StoveDims:
    yb = -f.d / 2
    sw = clamp(0.6 * f.w, 0.35, 0.6)
    sdp = min(f.sd, 0.4)
    y0 = yb + min(0.06, f.d - sdp - 0.03)
    y1 = y0 + sdp
    zb = f.ht + 0.1
    zt = clamp(zb + 0.55, zb + 0.25, f.h - 0.2)
    fr = clamp(0.065, 0.05, 0.3 * sdp)
    r = min(sw / 2, sdp / 2)
    yc = (y0 + y1) / 2
    if p.stove_shape == "round":
        fr = min(fr, 0.4 * r)
    fy = yc - 0.5 * r if p.stove_shape == "round" else y0 + 0.3 * sdp
    return _StoveDims(sw, sdp, y0, y1, zb, zt, fr, r, yc, max(fy, yb + fr + 0.014))


def _wood_stove(p: FireplaceParams, f: _FireFrame) -> list[Part]:
    w, d, h = f.w, f.d, f.h
    yb = -d / 2
    parts = [Part("hearth", rbox((-w / 2, yb, 0.0), (w / 2, d / 2, f.ht), 0.004), p.hearth_material)]
    sd_ = _stove_dims(p, f)
    sw, y0, y1, zb, zt = sd_.sw, sd_.y0, sd_.y1, sd_.zb, sd_.zt
    mat = p.stove_material
    if p.stove_shape == "round":
        r, yc = sd_.r, sd_.yc
        parts.append(Part("stove_body", lathe([(0, 0), (r, 0), (r, zt - zb - 0.02), (0.95 * r, zt - zb), (0, zt - zb)], 24,
                                              (0.0, yc, zb)), mat))
        parts.append(Part("base", cylinder((0.0, yc, 0.0), 0.7 * r, f.ht, zb + 0.01, 16), mat))
        yf = yc + r
        door_w = 1.1 * r
    else:
        parts.append(Part("stove_body", rbox((-sw / 2, y0, zb), (sw / 2, y1 - 0.03, zt - 0.02), 0.01), mat))
        parts.append(Part("stove_top", rbox((-sw / 2, y0, zt - 0.025), (sw / 2, y1 - 0.02, zt), 0.006), mat))
        for i, (sx, sy) in enumerate(((-1, y0 + 0.04), (1, y0 + 0.04), (1, y1 - 0.08), (-1, y1 - 0.08))):
            parts.append(Part(f"leg_{i}", box((sx * (sw / 2 - 0.04) - 0.02, sy - 0.02, f.ht),
                                              (sx * (sw / 2 - 0.04) + 0.02, sy + 0.02, zb + 0.005)), mat))
        yf = y1 - 0.03
        door_w = 0.75 * sw
    dz0, dz1 = zb + 0.06, zt - 0.08
    yd = yf - (0.2 * door_w if p.stove_shape == "round" else 0.01)
    parts.append(Part("door", rbox((-door_w / 2, yd, dz0), (door_w / 2, yf + 0.015, dz1), 0.006), mat))
    parts.append(Part("door_window", box((-door_w / 2 + 0.04, yf + 0.01, dz0 + 0.04), (door_w / 2 - 0.04, yf + 0.018,
                                                                                     dz1 - 0.04)),
                      "amber glass" if p.lit else "black glass"))
    handle = bar_handle("x", dz1 - 0.05, door_w / 2 - 0.09, door_w / 2 - 0.02, yf + 0.015, min(d / 2, yf + 0.04),
                        0.007, 8)
    parts.append(Part("door_handle", handle, "brushed steel"))
    fr, flue_y = sd_.fr, sd_.flue_y
    parts.append(Part("flue", merge([cylinder((0.0, flue_y, 0.0), fr, zt - 0.005, h, 16),
                                     cylinder((0.0, flue_y, 0.0), fr + 0.012, zt - 0.005, zt + 0.04, 16)]), "black metal"))
    return parts


def _modern(p: FireplaceParams, f: _FireFrame) -> list[Part]:
    w, d, h = f.w, f.d, f.h
    yb = -d / 2
    ys = yb + f.sd
    oh = clamp(p.opening_height_fraction, 0.15, 0.5) * h
    z0 = clamp(0.35 * h, 0.15, h - oh - 0.1)
    z1 = z0 + oh
    x0, x1 = -f.ow / 2, f.ow / 2
    mat = p.surround_material
    parts = [Part("body", merge([box((-w / 2, yb, 0.0), (w / 2, ys, z0)), box((-w / 2, yb, z1), (w / 2, ys, h)),
                                 box((-w / 2, yb, z0), (x0, ys, z1)), box((x1, yb, z0), (w / 2, ys, z1))]), mat),
             Part("firebox", merge([box((x0, yb, z0), (x1, yb + 0.02, z1)), box((x0, yb, z0), (x1, ys - 0.03, z0 + 0.01))]),
                  "black metal"),
             Part("glass", box((x0, ys - 0.02, z0), (x1, ys - 0.01, z1)), "black glass" if not p.lit else "clear glass"),
             Part("plinth", box((-w / 2 + 0.01, ys - 0.01, 0.0), (w / 2 - 0.01, d / 2, 0.05)), p.hearth_material)]
    pebbles = [cylinder((x, (yb + ys) / 2, 0.0), 0.018, z0 + 0.01, z0 + 0.03, 8)
               for x in np.linspace(x0 + 0.04, x1 - 0.04, max(2, int((x1 - x0) / 0.06)))]
    parts.append(Part("pebbles", merge(pebbles), "grey ceramic"))
    if p.lit:
        fl = [lathe([(0, 0), (0.03, 0), (0.02, 0.5 * (oh - 0.05)), (0, oh - 0.05)], 8, (x, (yb + ys) / 2, z0 + 0.02),
                    (1.0, 0.5)) for x in np.linspace(x0 + 0.08, x1 - 0.08, max(3, int((x1 - x0) / 0.12)))]
        parts.append(Part("flames", merge(fl), "orange neon light"))
    return parts


def fireplace_surfaces(params: FireplaceParams, size: Size) -> list[Surface]:
    """Mantel shelf; beam and breast top; stove top in front of the flue; top of a modern unit."""
    p = params
    f = _fire_frame(p, size)
    w, d, h = f.w, f.d, f.h
    yb = -d / 2
    ys = yb + f.sd
    m = 0.015
    if p.style == "mantel":
        return [Surface(0, h, rect(-w / 2 + m, yb + m, w / 2 - m, min(ys + 0.06, d / 2) - m), "shelf", None)]
    if p.style == "breast":
        bx, proud = _beam(f)
        return [Surface(0, f.oh + f.st, rect(-bx + m, ys + 0.004, bx - m, ys + proud - 0.01), "beam", None),
                Surface(1, h, rect(-w / 2 + m, yb + m, w / 2 - m, ys - m), "top", None)]
    if p.style == "modern":
        return [Surface(0, h, rect(-w / 2 + m, yb + m, w / 2 - m, ys - m), "top", None)]
    # wood stove: the top plate in front of the flue collar
    sd_ = _stove_dims(p, f)
    front = sd_.flue_y + sd_.fr + 0.03
    if p.stove_shape == "round":
        a = 0.6 * sd_.r
        return [Surface(0, sd_.zt, rect(-a, front, a, sd_.yc + 0.6 * sd_.r), "stove_top", None)]
    return [Surface(0, sd_.zt, rect(-sd_.sw / 2 + 0.02, front, sd_.sw / 2 - 0.02, sd_.y1 - 0.035), "stove_top", None)]


register_generator("fireplace", FireplaceParams, build_fireplace, fireplace_surfaces, sample_fireplace_params)


# --------------------------------------------------------------------------------------------------
# trash can
# --------------------------------------------------------------------------------------------------

BIN_MATERIALS = ("brushed steel", "white painted metal", "black painted metal", "white plastic", "grey plastic",
                 "black plastic", "sage plastic", "chrome")


@dataclass(frozen=True)
class TrashCanParams:
    category: str = "trash_can"
    style: str = "pedal"  # pedal | swing | push | open
    shape: str = "round"  # round | rect
    taper: float = 0.92  # bottom size / top size
    lid_height_fraction: float = 0.12
    liner: bool = True  # open bins: a bag folded over the rim; lidded: the inner bucket's rim
    body_material: str = "brushed steel"
    lid_material: str = "brushed steel"
    trim_material: str = "black plastic"


def sample_trash_can_params(rng: np.random.Generator, size: Size, category: str = "trash_can") -> TrashCanParams:
    """Sampled bin: pedal, swing-top, push-top or open basket; round or rectangular; taper; finishes."""
    w, d, h = size
    style = pick(rng, ("pedal", "swing", "push", "open"), (0.3, 0.2, 0.15, 0.35) if h > 0.35 else (0.25, 0.1, 0.1, 0.55))
    body = pick(rng, BIN_MATERIALS)
    if style == "open" and chance(rng, 0.3):
        body = pick(rng, ("rattan", "bamboo", "black metal", "copper", "cork"))
    return TrashCanParams(
        category=category,
        style=style,
        shape=pick(rng, ("round", "rect"), (0.55, 0.45)),
        taper=uniform(rng, 0.75, 0.9) if style == "open" else uniform(rng, 0.88, 1.0),
        lid_height_fraction=uniform(rng, 0.08, 0.14) if style != "swing" else uniform(rng, 0.18, 0.26),
        liner=chance(rng, 0.55),
        body_material=body,
        lid_material=body if chance(rng, 0.6) or style == "open" else pick(rng, ("black plastic", "white plastic",
                                                                                "brushed steel", "chrome")),
        trim_material=pick(rng, ("black plastic", "dark grey plastic", "grey plastic")),
    )


def build_trash_can(params: TrashCanParams, size: Size) -> list[Part]:
    """Parts of a bin of exactly ``size`` (pedal and swing flap at +Y, lid hinge at -Y)."""
    p = params
    w, d, h = (float(v) for v in size)
    e = 2.0 if p.shape == "round" else 7.0
    tp = clamp(p.taper, 0.6, 1.0)
    n = 24
    parts: list[Part] = []
    if p.style == "open":
        lt = 0.004 if p.liner else 0.0
        hx, hy = w / 2 - lt, d / 2 - lt
        hb = h - (0.003 if p.liner else 0.0)
        wall = clamp(0.012, 0.006, 0.1 * min(hx, hy))
        base = clamp(0.015, 0.008, 0.1 * h)
        prof = [(0, 0, 0.0), (tp * hx, tp * hy, 0.0), (hx, hy, hb - 0.004), (hx - 0.004, hy - 0.004, hb),
                (hx - wall, hy - wall, hb), (tp * hx - wall, tp * hy - wall, base), (0, 0, base)]
        parts.append(Part("body", loft(prof, n, e), p.body_material))
        if p.liner:
            fold = min(0.05, 0.2 * h)
            k = (1 - tp) * fold / h  # the wall's slope over the fold
            loop = [(hx - wall - 0.002, hy - wall - 0.002, h - 0.3 * fold), (hx - wall - 0.002, hy - wall - 0.002, h),
                    (w / 2, d / 2, h), (w / 2 - k * hx, d / 2 - k * hy, h - fold),
                    (hx - k * hx - 0.003, hy - k * hy - 0.003, h - fold)]
            parts.append(Part("liner", tube(loop, n, e), "black plastic"))
        parts.append(Part("base_ring", loft([(0, 0, 0.0), (tp * hx + 0.0, tp * hy, 0.0), (tp * hx, tp * hy, 0.008),
                                             (0, 0, 0.008)], n, e), p.trim_material))
        return parts
    proj = min(0.035, 0.1 * d) if p.style == "pedal" else 0.0
    hx, hy = w / 2, (d - proj) / 2
    lid_h = clamp(p.lid_height_fraction, 0.05, 0.3) * h
    zl = h - lid_h
    cy = -proj / 2 if proj else 0.0
    # body
    prof = [(0, 0, 0.0, 0, cy), (tp * hx, tp * hy, 0.0, 0, cy), (hx, hy, zl - 0.006, 0, cy), (hx - 0.006, hy - 0.006, zl,
                                                                                          0, cy),
            (0, 0, zl, 0, cy)]
    parts.append(Part("body", loft(prof, n, e), p.body_material))
    bx, by = min(tp * hx + 0.002, hx), min(tp * hy + 0.002, hy)
    parts.append(Part("base_ring", loft([(0, 0, 0.0, 0, cy), (bx, by, 0.0, 0, cy), (bx, by, 0.02, 0, cy),
                                         (0, 0, 0.02, 0, cy)], n, e),
                      p.trim_material))
    if p.liner:
        parts.append(Part("liner_rim", loft([(0, 0, zl - 0.01, 0, cy), (hx - 0.006, hy - 0.006, zl - 0.01, 0, cy),
                                             (hx - 0.008, hy - 0.008, zl + 0.006, 0, cy), (0, 0, zl + 0.006, 0, cy)], n, e),
                          p.trim_material))
    # lid
    if p.style == "swing":
        lp = [(0, 0, zl, 0, cy), (hx, hy, zl, 0, cy), (hx, hy, zl + 0.25 * lid_h, 0, cy),
              (0.85 * hx, 0.85 * hy, zl + 0.75 * lid_h, 0, cy), (0.45 * hx, 0.45 * hy, h - 0.003, 0, cy),
              (0.0, 0.0, h, 0, cy)]
        parts.append(Part("lid", loft(lp, n, e), p.lid_material))
        # the flap lies on the front slope of the dome, between its second and third rings
        fw = (0.3 if p.shape == "round" else 0.55) * hx
        za, zb = zl + 0.25 * lid_h, zl + 0.75 * lid_h
        ya, yb = cy + hy, cy + 0.85 * hy
        ang = math.degrees(math.atan2(ya - yb, zb - za))
        length = math.hypot(ya - yb, zb - za)
        flap = transformed(box((-fw, -0.001, 0.12 * length), (fw, 0.003, 0.88 * length)), rotation_x(ang))
        flap = translate(flap, 0.0, ya, za)
        over = float(flap.bounds[1][1]) - (cy + hy)
        parts.append(Part("flap", translate(flap, 0.0, -over if over > 0 else 0.0, 0.0), p.trim_material))
    else:
        dome = 0.35 if p.style == "pedal" else 0.2
        lp = [(0, 0, zl, 0, cy), (hx, hy, zl, 0, cy), (hx, hy, zl + (1 - dome) * lid_h * 0.6, 0, cy),
              (0.9 * hx, 0.9 * hy, h - 0.15 * lid_h, 0, cy), (0.6 * hx, 0.6 * hy, h, 0, cy), (0, 0, h, 0, cy)]
        parts.append(Part("lid", loft(lp, n, e), p.lid_material))
        if p.style == "push":
            parts.append(Part("button", loft([(0, 0, zl + 0.3 * lid_h, 0, cy), (0.3 * hx, 0.2 * hy, zl + 0.3 * lid_h, 0, cy),
                                              (0.3 * hx, 0.2 * hy, h - 0.004, 0, cy), (0, 0, h - 0.004, 0, cy)], 16, e),
                              p.trim_material))
    if p.style == "pedal":
        pw = clamp(0.3 * w, 0.06, 0.14)
        ypf = d / 2
        parts.append(Part("pedal", rbox((-pw / 2, cy + 0.6 * hy, 0.012), (pw / 2, ypf, 0.035), 0.005), p.trim_material
                          if p.body_material not in ("brushed steel", "chrome") else p.body_material))
        parts.append(Part("hinge", cylinder_along("x", (-0.3 * hx, cy - hy + 0.012, zl + 0.006), 0.6 * hx, 0.01, 12),
                          p.trim_material))
    return parts


register_generator("trash_can", TrashCanParams, build_trash_can, no_surfaces, sample_trash_can_params)
