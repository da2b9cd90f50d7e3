"""Countertop machines: coffee machines and cash registers (small objects standing on a counter;
the user's side faces +Y).

- coffee_machine: an espresso machine (body, head with one or two group heads and portafilters
  whose handles point to the front, drip tray, pressure gauge, steam wand; a cup rail or a bean
  hopper on top), a drip brewer (hot plate base, back column with a water tank window, brew head,
  a glass carafe with lid and handle), or a pod machine (slim body, water tank behind, cup grid).
- cash_register: a classic till (cash drawer, sloped keypad, operator display on a tower, receipt
  printer, optional customer display pole), a touchscreen POS terminal on a stand over a cash drawer,
  or a tablet POS on a swivel stand with a card reader and printer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..parts import Part
from ..primitives import box, cylinder, frustum, lathe, merge, transformed
from ._shapes import no_surfaces, rotation_x, slab_yz, translate
from .appliances import disc_y, knob, pipe, rbox
from .params import chance, clamp, pick, register_generator, uniform

Size = tuple[float, float, float]


# --------------------------------------------------------------------------------------------------
# coffee machine
# --------------------------------------------------------------------------------------------------

ESPRESSO_BODIES = ("brushed steel", "chrome", "red painted metal", "black painted metal", "cream painted metal",
                   "white painted metal", "mint painted metal")
PLASTIC_BODIES = ("black plastic", "white plastic", "dark grey plastic", "red plastic", "silver plastic")


@dataclass(frozen=True)
class CoffeeMachineParams:
    category: str = "coffee_machine"
    style: str = "espresso"  # espresso | drip | pod
    groups: int = 1  # espresso group heads (2 on wide machines)
    topper: str = "cup_rail"  # espresso: cup_rail | hopper (built-in grinder)
    head_height_fraction: float = 0.45  # espresso: head bottom / body height
    gauge: bool = True
    body_material: str = "brushed steel"
    accent_material: str = "black plastic"
    tank_material: str = "clear glass"


def sample_coffee_machine_params(rng: np.random.Generator, size: Size,
                                 category: str = "coffee_machine") -> CoffeeMachineParams:
    """Sampled coffee machine: espresso (groups, cup rail or grinder hopper, gauge), drip brewer or
    pod machine; finishes."""
    w, d, h = size
    style = pick(rng, ("espresso", "drip", "pod"), (0.5, 0.3, 0.2))
    body = pick(rng, ESPRESSO_BODIES) if style == "espresso" else pick(rng, PLASTIC_BODIES + ("brushed steel",))
    return CoffeeMachineParams(
        category=category,
        style=style,
        groups=2 if style == "espresso" and w >= 0.42 and chance(rng, 0.7) else 1,
        topper=pick(rng, ("cup_rail", "hopper"), (0.6, 0.4)),
        head_height_fraction=uniform(rng, 0.4, 0.55),
        gauge=chance(rng, 0.65),
        body_material=body,
        accent_material=pick(rng, ("black plastic", "brushed steel", "chrome", "walnut wood")),
        tank_material=pick(rng, ("clear glass", "blue glass", "frosted glass")),
    )


def _espresso(p: CoffeeMachineParams, w: float, d: float, h: float) -> list[Part]:
    parts: list[Part] = []
    top = p.topper
    rail_h = 0.02 if top == "cup_rail" else clamp(0.3 * h, 0.08, 0.18)
    hb = h - rail_h  # body top
    handle_proj = clamp(0.22 * d, 0.06, 0.12)
    y_head = d / 2 - handle_proj  # front of the head
    y_col = -d / 2 + clamp(0.5 * d, 0.12, 0.3)  # front of the back column
    z_head = clamp(p.head_height_fraction, 0.3, 0.6) * hb + 0.06
    z_head = min(z_head, hb - 0.06)
    mat = p.body_material
    parts.append(Part("body", rbox((-w / 2, -d / 2, 0.0), (w / 2, y_col, hb), 0.01), mat))
    parts.append(Part("head", rbox((-w / 2, y_col - 0.02, z_head), (w / 2, y_head, hb), 0.01), mat))
    parts.append(Part("drip_tray", rbox((-w / 2 + 0.01, y_col - 0.02, 0.0), (w / 2 - 0.01, y_head, 0.035), 0.004),
                      mat))
    grille = [box((-w / 2 + 0.025, y, 0.034), (w / 2 - 0.025, y + 0.005, 0.038))
              for y in np.linspace(y_col + 0.005, y_head - 0.02, 5)]
    parts.append(Part("drip_grille", merge(grille), "brushed steel"))
    n = max(1, min(2, int(p.groups)))
    xs = [0.0] if n == 1 else [-0.22 * w, 0.22 * w]
    yg = (y_col + y_head) / 2 - 0.005
    gr = clamp(0.18 * (y_head - y_col + 0.04), 0.028, 0.04)
    heads, pfs = [], []
    for x in xs:
        heads.append(cylinder((x, yg, 0.0), gr, z_head - 0.03, z_head + 0.001, 16))
        zb = z_head - 0.03
        pfs.append(frustum((x, yg, 0.0), 0.85 * gr, gr, zb - 0.03, zb, 12))
        pfs.append(pipe([(x, yg + 0.5 * gr, zb - 0.015), (x, yg + gr + 0.02, zb - 0.02), (x, d / 2 - 0.012, zb - 0.035),
                         (x, d / 2, zb - 0.035)], 0.011, 8))
    parts.append(Part("group_head", merge(heads), "chrome"))
    parts.append(Part("portafilter", merge(pfs), "black plastic" if p.accent_material != "walnut wood" else "walnut wood"))
    # steam wand and knobs on the sides of the head
    xw = w / 2 - 0.03
    parts.append(Part("steam_wand", pipe([(xw, y_head - 0.02, z_head), (xw, y_head - 0.01, z_head - 0.04),
                                          (xw - 0.005, y_head, max(z_head - 0.12, 0.06))], 0.005, 8), "chrome"))
    zk = (z_head + hb) / 2
    ctl = [knob(x, y_head, zk, 0.014, 0.015, 12) for x in (-w / 2 + 0.035, w / 2 - 0.035)]
    parts.append(Part("knobs", merge(ctl), p.accent_material if p.accent_material != "brushed steel" else "black plastic"))
    if p.gauge and w >= 0.22:
        parts.append(Part("gauge", disc_y(0.0, y_head - 0.001, zk, min(0.025, 0.3 * (hb - z_head)), 0.006, 16),
                          "white plastic"))
        parts.append(Part("gauge_bezel", disc_y(0.0, y_head - 0.002, zk, min(0.025, 0.3 * (hb - z_head)) + 0.004, 0.005,
                                                16), "chrome"))
    else:
        parts.append(Part("buttons", merge([rbox((x - 0.01, y_head - 0.001, zk - 0.007), (x + 0.01, y_head + 0.004,
                                                                                      zk + 0.007), 0.002)
                                            for x in (-0.03, 0.0, 0.03)]), "grey plastic"))
    if top == "cup_rail":
        ry0, ry1 = -d / 2 + 0.02, y_head - 0.02
        rx = w / 2 - 0.015
        rail = [box((-rx, ry0, hb), (-rx + 0.006, ry1, h)), box((rx - 0.006, ry0, hb), (rx, ry1, h)),
                box((-rx, ry0, hb), (rx, ry0 + 0.006, h)), box((-rx, ry1 - 0.006, hb), (rx, ry1, h))]
        parts.append(Part("cup_rail", merge(rail), "chrome"))
    else:
        hr = clamp(0.28 * min(w, d), 0.05, 0.09)
        hx = -w / 2 + hr + 0.01 if w > 2.6 * hr else 0.0
        hy = -d / 2 + hr + 0.01
        parts.append(Part("hopper", lathe([(0, 0), (0.45 * hr, 0), (hr, 0.7 * rail_h), (hr, rail_h - 0.012), (0, rail_h - 0.012)],
                                          16, (hx, hy, hb)), "amber glass"))
        parts.append(Part("hopper_lid", cylinder((hx, hy, 0.0), hr + 0.004, h - 0.012, h, 16), "black plastic"))
    return parts


def _drip(p: CoffeeMachineParams, w: float, d: float, h: float) -> list[Part]:
    col_d = clamp(0.42 * d, 0.1, 0.2)
    yc0 = -d / 2 + col_d
    base_h = clamp(0.12 * h, 0.03, 0.05)
    head_h = clamp(0.25 * h, 0.06, 0.12)
    mat = p.body_material
    parts = [Part("column", rbox((-w / 2 + 0.003, -d / 2, 0.0), (w / 2 - 0.003, yc0, h - 0.005), 0.012), mat),
             Part("base", rbox((-w / 2, yc0 - 0.02, 0.0), (w / 2, d / 2 - 0.005, base_h), 0.01), mat),
             Part("brew_head", rbox((-w / 2, yc0 - 0.02, h - head_h), (w / 2, d / 2 - 0.005, h), 0.012), mat)]
    parts.append(Part("water_window", box((w / 2 - 0.006, -d / 2 + 0.03, 0.3 * h), (w / 2 - 0.001, yc0 - 0.03, h - 0.06)),
                      p.tank_material))
    ycar = (yc0 + d / 2) / 2
    rc = clamp(0.36 * min(w, d / 2 + 0.1), 0.045, 0.075)
    rc = min(rc, (d / 2 - yc0) / 2 - 0.03)
    z0 = base_h + 0.005
    hc = h - head_h - z0 - 0.01
    prof = [(0, 0), (0.8 * rc, 0), (rc, 0.25 * hc), (rc, 0.5 * hc), (0.72 * rc, 0.85 * hc), (0.8 * rc, hc), (0, hc)]
    parts.append(Part("hot_plate", cylinder((0.0, ycar, 0.0), rc, base_h - 0.002, base_h + 0.005, 16), "black metal"))
    parts.append(Part("carafe", lathe(prof, 16, (0.0, ycar, z0)), "clear glass"))
    parts.append(Part("carafe_lid", frustum((0.0, ycar, 0.0), 0.8 * rc, 0.7 * rc, z0 + hc - 0.005, z0 + hc + 0.008, 16),
                      "black plastic"))
    yh = min(ycar + rc, d / 2 - 0.028)
    parts.append(Part("carafe_handle", pipe([(0.0, yh - 0.01, z0 + 0.8 * hc), (0.0, yh + 0.02, z0 + 0.78 * hc),
                                             (0.0, yh + 0.02, z0 + 0.3 * hc), (0.0, yh - 0.01, z0 + 0.3 * hc)], 0.008, 8),
                      "black plastic"))
    parts.append(Part("buttons", merge([rbox((x - 0.012, d / 2 - 0.008, 0.012), (x + 0.012, d / 2, base_h - 0.01), 0.002)
                                        for x in (0.25 * w, 0.38 * w)]), p.accent_material))
    return parts


def _pod(p: CoffeeMachineParams, w: float, d: float, h: float) -> list[Part]:
    td = clamp(0.3 * d, 0.06, 0.14)
    yt = -d / 2 + td
    mat = p.body_material
    bw = w
    parts = [Part("body", rbox((-bw / 2, yt - 0.005, 0.0), (bw / 2, d / 2 - 0.03, h - 0.015), 0.015), mat),
             Part("water_tank", rbox((-0.42 * w, -d / 2, 0.01), (0.42 * w, yt, h - 0.04), 0.01), p.tank_material),
             Part("tank_lid", rbox((-0.42 * w, -d / 2, h - 0.04), (0.42 * w, yt + 0.01, h - 0.025), 0.004), "black plastic"),
             Part("lever", rbox((-0.3 * w, yt + 0.02, h - 0.016), (0.3 * w, d / 2 - 0.02, h), 0.006),
                  p.accent_material if p.accent_material != "walnut wood" else "chrome")]
    zs = clamp(0.55 * h, 0.12, h - 0.08)
    parts.append(Part("spout_recess", box((-0.3 * w, d / 2 - 0.035, 0.03), (0.3 * w, d / 2 - 0.029, zs)), "black plastic"))
    parts.append(Part("drip_tray", rbox((-0.32 * w, d / 2 - 0.12, 0.0), (0.32 * w, d / 2, 0.03), 0.005), "black plastic"))
    grid = [box((-0.28 * w, y, 0.029), (0.28 * w, y + 0.004, 0.032)) for y in np.linspace(d / 2 - 0.1, d / 2 - 0.02, 5)]
    parts.append(Part("cup_grid", merge(grid), "chrome"))
    parts.append(Part("spout", cylinder((0.0, d / 2 - 0.055, 0.0), 0.012, zs - 0.03, zs + 0.002, 12), "black plastic"))
    parts.append(Part("button", disc_y(0.0, d / 2 - 0.03, h - 0.06, 0.012, 0.006, 12), "chrome"))
    return parts


def build_coffee_machine(params: CoffeeMachineParams, size: Size) -> list[Part]:
    """Parts of a coffee machine of exactly ``size`` (portafilter handles, carafe, cup tray at +Y)."""
    w, d, h = (float(v) for v in size)
    if params.style == "drip":
        return _drip(params, w, d, h)
    if params.style == "pod":
        return _pod(params, w, d, h)
    return _espresso(params, w, d, h)


register_generator("coffee_machine", CoffeeMachineParams, build_coffee_machine, no_surfaces,
                   sample_coffee_machine_params)


# --------------------------------------------------------------------------------------------------
# cash register
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CashRegisterParams:
    category: str = "cash_register"
    style: str = "classic"  # classic | terminal | tablet
    drawer_height_m: float = 0.1
    key_rows: int = 5
    key_columns: int = 5
    customer_display: bool = True
    tilt_deg: float = 20.0  # screens lean back by this much
    body_material: str = "black plastic"
    drawer_material: str = "black metal"
    key_material: str = "grey plastic"


def sample_cash_register_params(rng: np.random.Generator, size: Size,
                                category: str = "cash_register") -> CashRegisterParams:
    """Sampled till: classic keypad register, touchscreen terminal or tablet POS; key grid; finishes."""
    style = pick(rng, ("classic", "terminal", "tablet"), (0.4, 0.35, 0.25))
    body = pick(rng, ("black plastic", "white plastic", "light grey plastic", "dark grey plastic", "beige plastic"))
    return CashRegisterParams(
        category=category,
        style=style,
        drawer_height_m=uniform(rng, 0.07, 0.11),
        key_rows=int(rng.integers(4, 7)),
        key_columns=int(rng.integers(4, 8)),
        customer_display=chance(rng, 0.5),
        tilt_deg=uniform(rng, 12.0, 30.0),
        body_material=body,
        drawer_material=pick(rng, ("black metal", "dark grey painted metal", body)),
        key_material=pick(rng, ("grey plastic", "white plastic", "black plastic", "light grey plastic")),
    )


def _tilted_screen(x: float, y: float, z_top: float, sw: float, sh: float, t: float, tilt: float, bezel: float,
                   body: str) -> tuple[list[Part], float, float]:
    """A screen housing and its screen leaning back by ``tilt``, the housing's bottom edge centred at
    (x, y) and the top exactly at ``z_top``. Returns the parts, the pivot height and depth offset."""
    rot = rotation_x(tilt)
    housing = transformed(rbox((-sw / 2, -t, 0.0), (sw / 2, 0.0, sh), 0.006), rot)
    screen = transformed(box((-sw / 2 + bezel, -0.002, bezel), (sw / 2 - bezel, 0.002, sh - bezel)), rot)
    top = max(float(housing.bounds[1][2]), float(screen.bounds[1][2]))
    zp = z_top - top
    parts = [Part("screen_housing", translate(housing, x, y, zp), body),
             Part("screen", translate(screen, x, y, zp), "black screen")]
    return parts, zp, -sh * math.sin(math.radians(tilt))


def build_cash_register(params: CashRegisterParams, size: Size) -> list[Part]:
    """Parts of a cash register of exactly ``size`` (drawer, keys and operator screen face +Y)."""
    p = params
    w, d, h = (float(v) for v in size)
    dh = clamp(p.drawer_height_m, 0.05, 0.4 * h)
    body = p.body_material
    parts = [Part("drawer_base", rbox((-w / 2, -d / 2, 0.0), (w / 2, d / 2 - 0.01, dh), 0.006), p.drawer_material),
             Part("drawer", rbox((-w / 2 + 0.01, d / 2 - 0.012, 0.008), (w / 2 - 0.01, d / 2, dh - 0.01), 0.004),
                  p.drawer_material),
             Part("drawer_lock", disc_y(0.3 * w, d / 2 - 0.002, dh / 2, 0.008, 0.002, 12), "brushed steel"),
             Part("drawer_grip", box((-0.15 * w, d / 2 - 0.014, 0.012), (0.15 * w, d / 2 - 0.001, 0.02)), "black plastic")]
    tilt = clamp(p.tilt_deg, 5.0, 40.0)
    if p.style == "classic":
        # sloped keyboard body: a wedge from the front (low) to the back (high)
        y0, y1 = -d / 2 + 0.02, d / 2 - 0.03
        zf, zr = dh + 0.025, dh + clamp(0.3 * (h - dh), 0.04, 0.09)
        wedge = slab_yz([(y0, dh), (y1, dh), (y1, zf), (y0, zr)], -w / 2 + 0.01, w / 2 - 0.01)
        parts.append(Part("keyboard", wedge, body))
        rows, cols = int(clamp(p.key_rows, 3, 8)), int(clamp(p.key_columns, 3, 9))
        ky0, ky1 = y0 + 0.5 * (y1 - y0), y1 - 0.02  # keys on the front half
        kx0, kx1 = -w / 2 + 0.04, w / 2 - 0.04
        kw = min(0.022, 0.7 * (kx1 - kx0) / cols)
        kd = min(0.02, 0.7 * (ky1 - ky0) / rows)
        keys = []
        for r in range(rows):
            yk = ky0 + (r + 0.5) * (ky1 - ky0) / rows
            zs = zr + (zf - zr) * (yk - y0) / (y1 - y0)
            for c in range(cols):
                xk = kx0 + (c + 0.5) * (kx1 - kx0) / cols
                keys.append(box((xk - kw / 2, yk - kd / 2, zs - 0.004), (xk + kw / 2, yk + kd / 2, zs + 0.006)))
        parts.append(Part("keys", merge(keys), p.key_material))
        # printer and display tower at the back
        tw = clamp(0.35 * w, 0.1, 0.18)
        ty0, ty1 = -d / 2 + 0.015, -d / 2 + clamp(0.3 * d, 0.08, 0.13)
        pole = p.customer_display and h - zr > 0.12
        zt = h - (clamp(0.12 * (h - dh), 0.04, 0.08) if pole else 0.0)
        zp = min(zr + 0.04, h - 0.012)
        parts.append(Part("printer", rbox((-w / 2 + 0.02, ty0, zr - 0.01), (-w / 2 + 0.02 + tw, ty1, zp), 0.006), body))
        parts.append(Part("receipt", box((-w / 2 + 0.04, ty1 - 0.03, zp - 0.001), (-w / 2 + tw, ty1 - 0.026,
                                                                                   min(zp + 0.03, h))), "white paper"))
        dx0 = w / 2 - 0.02 - tw
        parts.append(Part("display_tower", rbox((dx0, ty0, zr - 0.01), (w / 2 - 0.02, ty1, zt), 0.006), body))
        sz0 = max(zr + 0.005, zt - 0.06)
        parts.append(Part("screen", box((dx0 + 0.012, ty1 - 0.001, sz0), (w / 2 - 0.032, ty1 + 0.002, zt - 0.012)),
                          "black screen"))
        if pole:
            xc = (dx0 + w / 2 - 0.02) / 2
            yc = (ty0 + ty1) / 2
            parts.append(Part("display_pole", cylinder((xc, yc, 0.0), 0.008, zt - 0.01, h - 0.03, 8), "black metal"))
            parts.append(Part("customer_display", rbox((xc - 0.05, yc - 0.012, h - 0.035), (xc + 0.05, yc + 0.012, h),
                                                       0.004), "black screen"))
        return parts
    if p.style == "terminal":
        sw = clamp(0.75 * w, 0.22, 0.38)
        sh = clamp(0.75 * (h - dh), 0.08, 0.26)
        yp = _pivot_y(d, sh, 0.035, tilt)
        scr, zp, _ = _tilted_screen(0.0, yp, h, sw, sh, 0.035, tilt, 0.015, body)
        parts += scr
        sy = yp - 0.02
        parts.append(Part("stand", merge([rbox((-0.08, sy - 0.06, dh), (0.08, sy + 0.06, dh + 0.012), 0.004),
                                          box((-0.02, sy - 0.02, dh), (0.02, sy + 0.0, max(zp + 0.02, dh + 0.02)))]),
                          body))
        parts.append(Part("printer", rbox((w / 2 - 0.1, d / 2 - 0.14, dh), (w / 2 - 0.01, d / 2 - 0.03,
                                                                            min(h, dh + 0.07)), 0.008), body))
        parts.append(Part("card_reader", rbox((-w / 2 + 0.02, d / 2 - 0.12, dh), (-w / 2 + 0.09, d / 2 - 0.03,
                                                                                 min(h, dh + 0.025)), 0.005),
                          "black plastic"))
        return parts
    # tablet on a swivel stand
    sw = clamp(0.6 * w, 0.2, 0.27)
    sh = clamp(0.7 * sw, 0.13, min(0.19, 0.8 * (h - dh)))
    yp = _pivot_y(d, sh, 0.01, tilt)
    frame = "aluminium" if body in ("white plastic", "light grey plastic") else body
    scr, zp, _ = _tilted_screen(0.0, yp, h, sw, sh, 0.01, tilt, 0.01, frame)
    parts += scr
    parts.append(Part("stand", merge([cylinder((0.0, yp - 0.02, 0.0), 0.05, dh, dh + 0.01, 16),
                                      cylinder((0.0, yp - 0.02, 0.0), 0.012, dh, max(zp + 0.02, dh + 0.03), 8)]),
                      "aluminium"))
    parts.append(Part("card_reader", rbox((-w / 2 + 0.02, d / 2 - 0.11, dh), (-w / 2 + 0.08, d / 2 - 0.02,
                                                                             min(h, dh + 0.02)), 0.005), "black plastic"))
    parts.append(Part("printer", rbox((w / 2 - 0.1, -d / 2 + 0.02, dh), (w / 2 - 0.02, -d / 2 + 0.12,
                                                                          min(h, dh + 0.09)), 0.01), "white plastic"))
    return parts


def _pivot_y(d: float, sh: float, t: float, tilt: float) -> float:
    """Where a screen leaning back by ``tilt`` stands so that its top edge stays over the base."""
    a = math.radians(tilt)
    return clamp(0.1 * d, -d / 2 + sh * math.sin(a) + t * math.cos(a) + 0.02, d / 2 - 0.06)


register_generator("cash_register", CashRegisterParams, build_cash_register, no_surfaces,
                   sample_cash_register_params)
