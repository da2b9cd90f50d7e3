"""Counters: bar counters and shop checkout counters.

Both face their customers at +Y; the staff work from the -Y side.

- ``bar_counter``: a tall counter, its top overhanging the customer side, with a foot rail on
  brackets near the floor in front; the front (die) wall is a plain panel, vertical slats, tiles or
  framed panels, over a recessed kick. Two layouts: one top over the whole depth with open shelves
  under it on the staff side, or a narrow high bar top on the die wall with a lower work top behind
  it (shelves underneath).
- ``checkout_counter``: a counter with a work top for the staff: a ``ledge`` counter (a raised
  transaction ledge along the customer side, a flatbed scanner and a card terminal on the work top,
  a cash drawer and doors or open shelves behind) or a ``belt`` counter (a conveyor belt between
  guards, a scanner with its upright window, a bagging area and a card terminal on a post).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..parts import Part
from ..primitives import box, cylinder, cylinder_along, merge, rounded_box
from ..surfaces import Surface, rect
from .params import chance, clamp, pick, register_generator, uniform
from .seating import rod

Size = tuple[float, float, float]

TOPS = ("oak wood", "walnut wood", "white marble", "black marble", "granite", "concrete", "black stained wood",
        "brushed steel", "slate")
BODIES = ("walnut wood", "oak wood", "black stained wood", "navy painted wood", "forest green painted wood",
          "white painted wood", "charcoal painted wood", "terracotta painted wood", "brushed steel", "concrete")
RAILS = ("brass", "chrome", "black metal", "brushed steel", "copper")


def _front_cladding(style: str, x0: float, x1: float, y: float, z0: float, z1: float, mat: str, tag: str) -> list[Part]:
    """Decoration on a front face lying in the plane y (facing +Y, standing out up to 15 mm)."""
    parts: list[Part] = []
    w = x1 - x0
    if style == "slats":
        n = max(4, int(w / 0.06))
        sw = 0.6 * w / n
        meshes = [rounded_box((x0 + w * (k + 0.5) / n - sw / 2, y - 0.001, z0), (x0 + w * (k + 0.5) / n + sw / 2, y + 0.015, z1),
                              0.004, steps=1) for k in range(n)]
        parts.append(Part(f"{tag}_slats", merge(meshes), mat))
    elif style == "tiles":
        th = 0.1
        rows = max(2, int((z1 - z0) / th))
        cols = max(2, int(w / (2 * th)))
        gx, gz = w / cols, (z1 - z0) / rows
        meshes = []
        for r in range(rows):
            off = 0.5 * gx if r % 2 else 0.0
            for c in range(cols + (1 if r % 2 else 0)):
                a = max(x0, x0 + c * gx - off + 0.003)
                b = min(x1, x0 + (c + 1) * gx - off - 0.003)
                if b - a > 0.01:
                    meshes.append(box((a, y - 0.001, z0 + r * gz + 0.003), (b, y + 0.008, z0 + (r + 1) * gz - 0.003)))
        parts.append(Part(f"{tag}_tiles", merge(meshes), mat))
    elif style == "framed":
        n = max(1, int(round(w / 0.6)))
        m = 0.06
        pw = (w - m * (n + 1)) / n
        meshes = [rounded_box((x0 + m + k * (pw + m), y - 0.001, z0 + m), (x0 + m + k * (pw + m) + pw, y + 0.012, z1 - m), 0.006)
                  for k in range(n)]
        parts.append(Part(f"{tag}_panels", merge(meshes), mat))
    return parts


# ----------------------------------------------------------------------------------------------
# bar counter


@dataclass(frozen=True)
class BarCounterParams:
    category: str = "bar_counter"
    layout: str = "single"  # single (one top, shelves under it) | two_level (high bar top + lower work top)
    front_style: str = "slats"  # plain | slats | tiles | framed
    overhang_m: float = 0.2  # bar top past the front wall (customer side)
    end_overhang_m: float = 0.03
    top_thickness_m: float = 0.05
    work_height_m: float = 0.9  # two_level: the staff work top
    shelf_count: int = 2
    foot_rail: bool = True
    rail_height_m: float = 0.2
    kick_height_m: float = 0.1
    top_material: str = "walnut wood"
    body_material: str = "black stained wood"
    front_material: str = "walnut wood"
    rail_material: str = "brass"
    work_top_material: str = "brushed steel"


def sample_bar_counter_params(rng: np.random.Generator, size: Size, category: str = "bar_counter") -> BarCounterParams:
    """Bar counters: wood, marble or concrete tops; slatted, tiled, panelled or plain fronts."""
    d = size[1]
    layout = pick(rng, ("single", "two_level")) if d >= 0.6 else "single"
    style = pick(rng, ("plain", "slats", "tiles", "framed"))
    body = pick(rng, BODIES)
    front = {"tiles": pick(rng, ("white tile", "green ceramic", "navy ceramic", "terracotta", "white ceramic")),
             "slats": pick(rng, ("oak wood", "walnut wood", "black stained wood", "brass", "white painted wood")),
             }.get(style, body)
    return BarCounterParams(
        category=category,
        layout=layout,
        front_style=style,
        overhang_m=uniform(rng, 0.15, 0.25),
        end_overhang_m=uniform(rng, 0.0, 0.05),
        top_thickness_m=uniform(rng, 0.035, 0.07),
        work_height_m=uniform(rng, 0.86, 0.92),
        shelf_count=int(rng.integers(1, 3)),
        foot_rail=chance(rng, 0.8),
        rail_height_m=uniform(rng, 0.18, 0.24),
        kick_height_m=uniform(rng, 0.06, 0.12),
        top_material=pick(rng, TOPS),
        body_material=body,
        front_material=front,
        rail_material=pick(rng, RAILS),
        work_top_material=pick(rng, ("brushed steel", "black stained wood", "concrete", "white plastic")),
    )


@dataclass(frozen=True)
class _Bar:
    w: float
    d: float
    h: float
    tt: float
    ov: float
    eo: float  # end overhang
    y_f: float  # front face of the die wall
    wall_t: float
    two: bool
    top_y0: float  # back edge of the bar top
    work_z: float  # top of the work top (two_level)
    kick: float
    end_t: float
    xi: float  # inner half width between the end panels
    nmid: int  # shelf bays between the uprights
    shelves: tuple[float, ...]  # shelf tops on the staff side
    shelf_y: tuple[float, float]
    under: float  # underside of what covers the shelves


def _bar(p: BarCounterParams, size: Size) -> _Bar:
    w, d, h = (float(v) for v in size)
    tt = clamp(p.top_thickness_m, 0.03, 0.08)
    ov = clamp(p.overhang_m, 0.1, 0.35 * d)
    eo = clamp(p.end_overhang_m, 0.0, 0.05)
    y_f = d / 2.0 - ov
    two = p.layout == "two_level"
    wall_t = 0.1 if two else clamp(0.05, 0.03, 0.1 * d)
    top_y0 = y_f - wall_t - 0.05 if two else -d / 2.0
    if two and top_y0 - (-d / 2.0) < 0.2:
        two, wall_t, top_y0 = False, clamp(0.05, 0.03, 0.1 * d), -d / 2.0
    work_z = clamp(p.work_height_m, 0.75, h - 0.12) if two else 0.0
    kick = clamp(p.kick_height_m, 0.04, 0.15)
    end_t = 0.04
    under = (work_z - 0.04) if two else h - tt
    n = int(clamp(p.shelf_count, 1, 3))
    z0 = kick + 0.02
    span = under - z0
    n = min(n, max(1, int(span / 0.28)))
    shelves = tuple(z0 + span * k / n for k in range(n))
    shelf_y = (-d / 2.0 + 0.02, y_f - wall_t)
    xi = w / 2.0 - eo - end_t
    nmid = max(1, int(2 * xi / 1.2))
    return _Bar(w, d, h, tt, ov, eo, y_f, wall_t, two, top_y0, work_z, kick, end_t, xi, nmid, shelves, shelf_y, under)


def build_bar_counter(params: BarCounterParams, size: Size) -> list[Part]:
    """Parts of a bar counter of exactly ``size`` (customers at +Y, staff at -Y)."""
    p = params
    B = _bar(p, size)
    hw, hd = B.w / 2.0, B.d / 2.0
    xb = hw - B.eo  # body half width
    parts: list[Part] = []
    top_z0 = B.h - B.tt
    parts.append(Part("top", rounded_box((-hw, B.top_y0, top_z0), (hw, hd, B.h), 0.012), p.top_material))
    # die wall with its kick recess
    parts.append(Part("front_wall", rounded_box((-xb, B.y_f - B.wall_t, B.kick), (xb, B.y_f, top_z0 + 0.002), 0.004, steps=1),
                      p.body_material))
    parts.append(Part("kick", box((-xb + 0.01, B.y_f - B.wall_t - 0.05, 0.0), (xb - 0.01, B.y_f - 0.05, B.kick + 0.002)), "black metal"
                      if p.body_material == "brushed steel" else p.body_material))
    parts += _front_cladding(p.front_style, -xb + 0.02, xb - 0.02, B.y_f, B.kick + 0.02, top_z0 - 0.02, p.front_material,
                             "front")
    for i, s in enumerate((-1.0, 1.0)):
        x0, x1 = sorted((s * xb, s * (xb - B.end_t)))
        zt = top_z0 + 0.002 if not B.two else B.work_z - 0.038
        parts.append(Part(f"end_panel_{i}", rounded_box((x0, -hd + 0.01, 0.0), (x1, B.y_f, zt), 0.004, steps=1), p.body_material))
        if B.two:
            parts.append(Part(f"wall_end_{i}", rounded_box((x0, B.y_f - B.wall_t, 0.0), (x1, B.y_f, top_z0 + 0.002), 0.004,
                                                          steps=1), p.body_material))
    xi = B.xi
    y0, y1 = B.shelf_y
    parts.append(Part("base", box((-xi - 0.001, y0, 0.0), (xi + 0.001, y1 + 0.001, B.kick)), p.body_material))
    for k, z in enumerate(B.shelves):
        parts.append(Part(f"shelf_{k}", rounded_box((-xi - 0.001, y0, z - 0.025), (xi + 0.001, y1 + 0.001, z), 0.003, steps=1),
                          p.body_material))
    if B.two:
        parts.append(Part("work_top", rounded_box((-xb, -hd, B.work_z - 0.04), (xb, B.y_f - B.wall_t + 0.002, B.work_z), 0.006),
                          p.work_top_material))
    nmid = B.nmid
    for k in range(1, nmid):
        x = -xi + 2 * xi * k / nmid
        zt = B.under + 0.001
        parts.append(Part(f"upright_{k}", box((x - 0.012, y0, B.kick), (x + 0.012, y1 + 0.001, zt)), p.body_material))
    if p.foot_rail:
        zr = clamp(p.rail_height_m, 0.12, 0.3)
        r = 0.025
        yr = B.y_f + clamp(0.13, 0.06, B.ov - 0.04)
        xr = xb - 0.12
        parts.append(Part("foot_rail", cylinder_along("x", (-xr, yr, zr), 2 * xr, r, 16), p.rail_material))
        n = max(2, int(2 * xr / 0.9) + 1)
        for k in range(n):
            x = -xr + 0.05 + (2 * xr - 0.1) * k / (n - 1)
            parts.append(Part(f"rail_bracket_{k}", rod((x, B.y_f - 0.01, zr + 0.06), (x, yr, zr), 0.012, 8), p.rail_material))
        for i, s in enumerate((-1.0, 1.0)):
            parts.append(Part(f"rail_end_{i}", rod((s * xr, yr, zr), (s * xr, B.y_f - 0.01, zr), 0.02, 12), p.rail_material))
    return parts


def bar_counter_surfaces(params: BarCounterParams, size: Size) -> list[Surface]:
    """Staff-side shelves bottom to top, the work top (two_level), the bar top."""
    B = _bar(params, size)
    hw, hd = B.w / 2.0, B.d / 2.0
    nmid, xin = B.nmid, B.xi
    out: list[tuple[float, tuple, str, float | None]] = []
    y0, y1 = B.shelf_y
    xs = [-xin + 2 * xin * k / nmid for k in range(nmid + 1)]
    for k, z in enumerate(B.shelves):
        above = (B.shelves[k + 1] - 0.025) if k + 1 < len(B.shelves) else B.under
        for j in range(nmid):
            a = xs[j] + (0.03 if j > 0 else 0.02)
            b = xs[j + 1] - (0.03 if j < nmid - 1 else 0.02)
            out.append((z, rect(a, y0 + 0.02, b, y1 - 0.02), f"shelf_{k}_{j}", above - z))
    if B.two:
        out.append((B.work_z, rect(-hw + B.eo + 0.03, -hd + 0.03, hw - B.eo - 0.03, B.top_y0 - 0.02), "work_top", None))
    out.append((B.h, rect(-hw + 0.03, B.top_y0 + 0.03, hw - 0.03, hd - 0.03), "top", None))
    return [Surface(i, z, poly, name, cl) for i, (z, poly, name, cl) in enumerate(out)]


register_generator("bar_counter", BarCounterParams, build_bar_counter, bar_counter_surfaces, sample_bar_counter_params)


# ----------------------------------------------------------------------------------------------
# checkout counter


@dataclass(frozen=True)
class CheckoutCounterParams:
    category: str = "checkout_counter"
    style: str = "ledge"  # ledge (raised transaction ledge) | belt (conveyor belt + scanner)
    front_style: str = "plain"  # plain | slats | framed
    ledge_depth_m: float = 0.25
    ledge_raise_m: float = 0.15  # ledge above the work top (ledge style)
    tower_height_m: float = 0.18  # scanner window above the work top (belt style)
    scanner: bool = True
    terminal: bool = True
    staff_side: str = "doors"  # doors | shelves
    scanner_left: bool = True
    top_material: str = "white marble"
    body_material: str = "white painted wood"
    front_material: str = "oak wood"


def sample_checkout_counter_params(rng: np.random.Generator, size: Size,
                                   category: str = "checkout_counter") -> CheckoutCounterParams:
    """Checkout counters: boutique cash wraps with a raised ledge, or supermarket belt lanes."""
    style = pick(rng, ("ledge", "belt"), (0.6, 0.4))
    fs = pick(rng, ("plain", "slats", "framed"))
    body = pick(rng, ("white painted wood", "oak wood", "black stained wood", "light grey painted wood", "walnut wood",
                      "sage painted wood", "brushed steel"))
    return CheckoutCounterParams(
        category=category,
        style=style,
        front_style=fs,
        ledge_depth_m=uniform(rng, 0.18, 0.3),
        ledge_raise_m=uniform(rng, 0.1, 0.2),
        tower_height_m=uniform(rng, 0.12, 0.25),
        scanner=chance(rng, 0.6),
        terminal=chance(rng, 0.7),
        staff_side=pick(rng, ("doors", "shelves")),
        scanner_left=chance(rng, 0.5),
        top_material=pick(rng, ("white marble", "oak wood", "walnut wood", "granite", "white plastic", "concrete",
                                "black marble", "light grey plastic")),
        body_material=body,
        front_material=pick(rng, ("oak wood", "walnut wood", "white painted wood", "black stained wood", body)),
    )


@dataclass(frozen=True)
class _Checkout:
    w: float
    d: float
    h: float
    zw: float  # work top
    tt: float
    ledge: bool
    ledge_y0: float  # staff-side edge of the ledge
    y_f: float  # front face of the body
    wall_t: float
    scan_x: tuple[float, float]
    term_x: tuple[float, float]
    belt_x: tuple[float, float]
    belt_y: tuple[float, float]
    bag_x: tuple[float, float]
    shelves: tuple[float, ...]
    end_t: float
    drawer_x: tuple[float, float]


def _checkout(p: CheckoutCounterParams, size: Size) -> _Checkout:
    w, d, h = (float(v) for v in size)
    tt = 0.035
    ledge = p.style != "belt"
    end_t = 0.03
    hw, hd = w / 2.0, d / 2.0
    sgn = -1.0 if p.scanner_left else 1.0
    if ledge:
        zw = h - clamp(p.ledge_raise_m, 0.08, 0.25)
        zw = max(zw, 0.65)
        ld = clamp(p.ledge_depth_m, 0.15, d - 0.3)
        y_f = hd - 0.04
        wall_t = 0.04
        ledge_y0 = hd - ld
        sw = min(0.3, 0.3 * w)
        scan = (-hw + 0.08, -hw + 0.08 + sw) if sgn < 0 else (hw - 0.08 - sw, hw - 0.08)
        term = (hw - 0.08 - 0.1, hw - 0.08) if sgn < 0 else (-hw + 0.08, -hw + 0.08 + 0.1)
        belt = (0.0, 0.0)
        belt_y = (0.0, 0.0)
        bag = (0.0, 0.0)
    else:
        zw = max(h - clamp(p.tower_height_m, 0.1, 0.3), 0.7)
        y_f = hd - 0.02
        wall_t = 0.02
        ledge_y0 = hd
        sw = clamp(0.35, 0.25, 0.3 * w)
        bag_w = clamp(0.3, 0.2, 0.22 * w)
        # scanner between the belt and the bagging area; mirrored with scanner_left
        bag = (-hw + 0.02, -hw + 0.02 + bag_w)
        scan = (bag[1] + 0.03, bag[1] + 0.03 + sw)
        belt = (scan[1] + 0.05, hw - 0.05)
        if sgn > 0:
            bag, scan, belt = (-bag[1], -bag[0]), (-scan[1], -scan[0]), (-belt[1], -belt[0])
        term = (0.0, 0.0)
        belt_y = (-hd + 0.12, hd - 0.08)
    staff_h0 = 0.1
    shelves: tuple[float, ...] = ()
    if p.staff_side == "shelves":
        top_under = zw - tt - 0.12  # below the cash drawer rail
        span = top_under - staff_h0
        n = max(1, min(2, int(span / 0.3)))
        shelves = tuple(staff_h0 + span * k / n for k in range(n))
    dw = min(0.42, max(0.2, hw - end_t - 0.06))
    drawer = (-hw + end_t + 0.01, -hw + end_t + 0.01 + dw) if sgn > 0 else (hw - end_t - 0.01 - dw, hw - end_t - 0.01)
    return _Checkout(w, d, h, zw, tt, ledge, ledge_y0, y_f, wall_t, scan, term, belt, belt_y, bag, shelves, end_t, drawer)


def build_checkout_counter(params: CheckoutCounterParams, size: Size) -> list[Part]:
    """Parts of a checkout counter of exactly ``size`` (customers at +Y, cashier at -Y)."""
    p = params
    C = _checkout(p, size)
    hw, hd = C.w / 2.0, C.d / 2.0
    parts: list[Part] = []
    body = p.body_material
    kick = 0.08
    # carcass
    parts.append(Part("plinth", box((-hw + 0.02, -hd + 0.05, 0.0), (hw - 0.02, C.y_f - 0.05, kick + 0.002)), "black plastic"))
    top_front = C.ledge_y0 if C.ledge else hd
    body_top = C.zw - C.tt + 0.001
    front_top = (C.h - 0.03 + 0.001) if C.ledge else body_top
    parts.append(Part("front_wall", rounded_box((-hw, C.y_f - C.wall_t, kick), (hw, C.y_f, front_top), 0.004, steps=1), body))
    parts += _front_cladding(p.front_style, -hw + 0.03, hw - 0.03, C.y_f, kick + 0.03, front_top - 0.03, p.front_material,
                             "front")
    for i, s in enumerate((-1.0, 1.0)):
        x0, x1 = sorted((s * hw, s * (hw - C.end_t)))
        parts.append(Part(f"end_panel_{i}", rounded_box((x0, -hd + 0.01, 0.0), (x1, C.y_f, body_top), 0.004, steps=1), body))
    xi = hw - C.end_t
    parts.append(Part("bottom", box((-xi, -hd + 0.02, 0.0), (xi, C.y_f - C.wall_t + 0.001, 0.1)), body))
    # staff side (-Y): cash drawer under the top, then doors or open shelves
    dx0, dx1 = C.drawer_x
    dz1 = C.zw - C.tt - 0.005
    dz0 = dz1 - 0.1
    parts.append(Part("cash_drawer", rounded_box((dx0, -hd, dz0), (dx1, -hd + 0.45 * (C.y_f - C.wall_t + hd), dz1), 0.004,
                                                 steps=1), "charcoal painted metal"))
    xm = (dx0 + dx1) / 2.0
    parts.append(Part("cash_drawer_handle", box((xm - 0.06, -hd + 0.002, dz0 + 0.03), (xm + 0.06, -hd + 0.012, dz0 + 0.045)),
                      "brushed steel"))
    if p.staff_side == "doors":
        n = max(1, int(round(2 * xi / 0.5)))
        gap = 0.004
        dwid = (2 * xi - gap * (n + 1)) / n
        for k in range(n):
            a = -xi + gap + k * (dwid + gap)
            parts.append(Part(f"door_{k}", rounded_box((a, -hd, 0.1 + gap), (a + dwid, -hd + 0.02, dz0 - 0.01), 0.003, steps=1),
                              body))
            kx = a + dwid - 0.04 if k % 2 == 0 else a + 0.04
            parts.append(Part(f"handle_{k}", box((kx - 0.006, -hd + 0.002, dz0 - 0.16), (kx + 0.006, -hd + 0.012, dz0 - 0.06)),
                              "brushed steel"))
    else:
        for k, z in enumerate(C.shelves):
            if k == 0:
                continue
            parts.append(Part(f"shelf_{k}", rounded_box((-xi, -hd + 0.02, z - 0.02), (xi, C.y_f - C.wall_t + 0.001, z), 0.003,
                                                        steps=1), body))
        parts.append(Part("drawer_rail", box((-xi, -hd + 0.02, dz0 - 0.02), (xi, C.y_f - C.wall_t + 0.001, dz0)), body))
    # tops
    parts.append(Part("work_top", rounded_box((-hw, -hd, C.zw - C.tt), (hw, top_front, C.zw), 0.006),
                      p.top_material))
    if C.ledge:
        parts.append(Part("ledge", rounded_box((-hw, C.ledge_y0, C.h - 0.035), (hw, hd, C.h), 0.008), p.top_material))
        parts.append(Part("ledge_wall", box((-hw + 0.005, C.ledge_y0 + 0.005, C.zw - 0.01), (hw - 0.005, C.y_f - C.wall_t + 0.002,
                                                                                             C.h - 0.03)), body))
        if p.scanner:
            s0, s1 = C.scan_x
            parts.append(Part("scanner", box((s0, -hd + 0.08, C.zw - 0.006), (s1, -hd + 0.08 + 0.2, C.zw + 0.002)), "black glass"))
        if p.terminal:
            t0, t1 = C.term_x
            ty = C.ledge_y0 - 0.2
            parts.append(Part("card_terminal_base", rounded_box((t0, ty, C.zw - 0.001), (t1, ty + 0.16, C.zw + 0.03), 0.008),
                              "black plastic"))
            parts.append(Part("card_terminal_screen", box((t0 + 0.015, ty + 0.08, C.zw + 0.029), (t1 - 0.015, ty + 0.14,
                                                                                                    C.zw + 0.032)),
                              "black screen"))
    else:
        b0, b1 = C.belt_x
        by0, by1 = C.belt_y
        parts.append(Part("belt", box((b0, by0, C.zw - 0.01), (b1, by1, C.zw + 0.008)), "black rubber"))
        for i, y in enumerate((by0 - 0.03, by1)):
            parts.append(Part(f"belt_guard_{i}", rounded_box((b0 - 0.01, y, C.zw - 0.005), (b1, y + 0.03, C.zw + 0.045), 0.006,
                                                             steps=1), "brushed steel"))
        parts.append(Part("belt_divider", rounded_box((b0 + 0.05, by0 + 0.05, C.zw + 0.008), (b0 + 0.09, by1 - 0.05,
                                                                                              C.zw + 0.05), 0.01, steps=1),
                          "charcoal plastic"))
        s0, s1 = C.scan_x
        sy0 = -hd + 0.1
        parts.append(Part("scanner", box((s0, sy0, C.zw - 0.006), (s1, sy0 + 0.3, C.zw + 0.002)), "black glass"))
        parts.append(Part("scanner_tower", rounded_box((s0, sy0 - 0.08, C.zw - 0.002), (s1, sy0, C.h), 0.01, steps=1),
                          "charcoal plastic"))
        parts.append(Part("scanner_window", box((s0 + 0.03, sy0 - 0.002, C.zw + 0.03), (s1 - 0.03, sy0 + 0.002, C.h - 0.03)),
                          "black glass"))
        g0, g1 = C.bag_x
        parts.append(Part("bagging_lip", box((g0, hd - 0.04, C.zw - 0.002), (g1, hd - 0.02, C.zw + 0.03)), "brushed steel"))
        # card terminal on a short post at the customer side of the scanner
        px = (s0 + s1) / 2.0
        py = hd - 0.1
        ph = C.h - C.zw - 0.02
        if ph > 0.06 and p.terminal:
            parts.append(Part("terminal_post", cylinder((px, py, 0.0), 0.015, C.zw - 0.002, C.zw + ph - 0.03, 12),
                              "brushed steel"))
            parts.append(Part("card_terminal", rounded_box((px - 0.045, py - 0.07, C.zw + ph - 0.035), (px + 0.045, py + 0.05,
                                                                                                       C.zw + ph), 0.008),
                              "black plastic"))
    return parts


def checkout_counter_surfaces(params: CheckoutCounterParams, size: Size) -> list[Surface]:
    """Staff shelves (open staff side), then the work top (beside scanner and terminal) or the
    belt and bagging area, then the raised ledge."""
    C = _checkout(params, size)
    hw, hd = C.w / 2.0, C.d / 2.0
    xi = hw - C.end_t - 0.02
    out: list[tuple[float, tuple, str, float | None]] = []
    if params.staff_side == "shelves":
        dz0 = C.zw - C.tt - 0.005 - 0.1
        for k, z in enumerate(C.shelves):
            above = (C.shelves[k + 1] - 0.02) if k + 1 < len(C.shelves) else dz0 - 0.02
            out.append((z, rect(-xi, -hd + 0.05, xi, C.y_f - C.wall_t - 0.02), f"shelf_{k}", above - z))
    if C.ledge:
        x0, x1 = -hw + 0.03, hw - 0.03
        items = []
        if params.scanner:
            items.append(C.scan_x)
        if params.terminal:
            items.append(C.term_x)
        for a, b in items:
            if a < 0:
                x0 = max(x0, b + 0.03)
            else:
                x1 = min(x1, a - 0.03)
        out.append((C.zw, rect(x0, -hd + 0.03, x1, C.ledge_y0 - 0.03), "work_top", None))
        out.append((C.h, rect(-hw + 0.03, C.ledge_y0 + 0.03, hw - 0.03, hd - 0.03), "ledge", None))
    else:
        b0, b1 = C.belt_x
        by0, by1 = C.belt_y
        g0, g1 = C.bag_x
        out.append((C.zw, rect(g0 + 0.03, -hd + 0.03, g1 - 0.03, hd - 0.07), "bagging", None))
        out.append((C.zw + 0.008, rect(b0 + 0.12, by0 + 0.02, b1 - 0.03, by1 - 0.02), "belt", None))
    return [Surface(i, z, poly, name, cl) for i, (z, poly, name, cl) in enumerate(out)]


register_generator("checkout_counter", CheckoutCounterParams, build_checkout_counter, checkout_counter_surfaces,
                   sample_checkout_counter_params)
