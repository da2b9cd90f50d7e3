"""Tables: dining, coffee, side, cafe, conference tables and desks.

A top (rectangular with rounded edges, or round / oval with a bevelled rim) on one of three bases:
four legs (round, square or tapered, optionally joined by an apron and a lower shelf), a pedestal
(one or two columns on domed feet) or a trestle (two end frames and a stretcher). Desks may carry a
drawer unit on their +X side, drawers facing +Y.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..parts import Part
from ..primitives import cylinder, lathe, leg, merge, rounded_box
from ..surfaces import Surface, rect
from .params import chance, clamp, pick, register_generator, uniform

Size = tuple[float, float, float]

WOODS = ("oak wood", "walnut wood", "white oak wood", "pine wood", "ash wood", "dark stained wood")
METALS = ("black metal", "brushed steel", "brass", "chrome")


@dataclass(frozen=True)
class TableParams:
    category: str = "table"
    top_shape: str = "rectangle"  # rectangle | round
    top_thickness_m: float = 0.035
    top_edge_radius_m: float = 0.006
    base: str = "legs"  # legs | pedestal | trestle
    leg_shape: str = "round"  # round | square | tapered
    leg_radius_m: float = 0.025  # half-width for square legs
    leg_inset_m: float = 0.06
    apron_height_m: float = 0.08  # 0: no apron
    lower_shelf: bool = False
    drawer_unit: bool = False
    top_material: str = "oak wood"
    base_material: str = "oak wood"



def sample_table_params(rng: np.random.Generator, size: Size, category: str = "table") -> TableParams:
    """Sampled table params suiting ``category`` (coffee tables low and often with a lower shelf,
    cafe and side tables mostly round on a pedestal, desks rectangular, maybe with drawers)."""
    w, d, h = size
    styles = {
        #            p(round)  p(legs, pedestal, trestle)
        "coffee_table": (0.3, (0.6, 0.15, 0.25)),
        "side_table": (0.5, (0.6, 0.4, 0.0)),
        "cafe_table": (0.65, (0.2, 0.8, 0.0)),
        "desk": (0.0, (0.7, 0.0, 0.3)),
        "conference_table": (0.1, (0.3, 0.5, 0.2)),
        "dining_table": (0.3, (0.6, 0.2, 0.2)),
    }
    p_round, p_base = styles.get(category, (0.3, (0.6, 0.2, 0.2)))
    shape = "round" if chance(rng, p_round) and max(w, d) / min(w, d) < 1.6 else "rectangle"
    base = pick(rng, ("legs", "pedestal", "trestle"), p_base)
    if shape == "round" and base == "trestle":
        base = "pedestal"
    top_material = pick(rng, WOODS + ("white laminate", "white marble", "black marble"),
                        (3, 3, 2, 2, 2, 2, 1, 1, 1))
    if "marble" in top_material or "laminate" in top_material:
        base_material = pick(rng, METALS + WOODS[:2])
    else:
        base_material = top_material if chance(rng, 0.5) else pick(rng, METALS)
    return TableParams(
        category=category,
        top_shape=shape,
        top_thickness_m=uniform(rng, 0.022, 0.05),
        top_edge_radius_m=uniform(rng, 0.002, 0.01),
        base=base,
        leg_shape=pick(rng, ("round", "square", "tapered")),
        leg_radius_m=uniform(rng, 0.016, 0.032) if category not in ("conference_table", "dining_table")
        else uniform(rng, 0.022, 0.04),
        leg_inset_m=uniform(rng, 0.02, 0.09),
        apron_height_m=uniform(rng, 0.05, 0.1) if chance(rng, 0.6) else 0.0,
        lower_shelf=category == "coffee_table" and chance(rng, 0.5),
        drawer_unit=category == "desk" and w >= 1.0 and chance(rng, 0.5),
        top_material=top_material,
        base_material=base_material,
    )


def _top(p: TableParams, size: Size) -> tuple[list[Part], float]:
    w, d, h = size
    t = clamp(p.top_thickness_m, 0.01, 0.3 * h)
    r = clamp(p.top_edge_radius_m, 0.0, 0.45 * t)
    if p.top_shape == "round":
        e = r / (min(w, d) / 2.0)
        z0 = h - t
        prof = [(0.0, z0), (1.0 - e, z0), (1.0, z0 + r), (1.0, h - r), (1.0 - e, h), (0.0, h)]
        mesh = lathe(prof, 48, (0.0, 0.0, 0.0), (w / 2.0, d / 2.0))
    else:
        mesh = rounded_box((-w / 2, -d / 2, h - t), (w / 2, d / 2, h), r)
    return [Part("top", mesh, p.top_material)], t



def _leg_positions(p: TableParams, w: float, d: float, r: float) -> list[tuple[float, float]]:
    inset = clamp(p.leg_inset_m, 0.0, min(w, d) / 2.0 - r - 0.02)
    if p.top_shape == "round":
        ax = (w / 2.0) * math.sqrt(0.5) - r - inset / 2.0
        ay = (d / 2.0) * math.sqrt(0.5) - r - inset / 2.0
    else:
        ax, ay = w / 2.0 - inset - r, d / 2.0 - inset - r
    return [(-ax, -ay), (ax, -ay), (ax, ay), (-ax, ay)]


def _drawer_unit_width(w: float) -> float:
    return clamp(0.3 * w, 0.3, 0.45)


def _legs_base(p: TableParams, size: Size, z_top: float) -> list[Part]:
    w, d, h = size
    r = clamp(p.leg_radius_m, 0.008, min(w, d) / 8.0)
    pos = _leg_positions(p, w, d, r)
    parts: list[Part] = []
    unit = p.drawer_unit and p.top_shape == "rectangle"
    if unit:
        pos = [q for q in pos if q[0] < 0]
    for i, (x, y) in enumerate(pos):
        parts.append(Part(f"leg_{i}", leg(p.leg_shape, x, y, z_top, r, 0.6, 16), p.base_material))
    apron = clamp(p.apron_height_m, 0.0, 0.25 * z_top)
    if apron > 0.01 and p.top_shape == "rectangle":
        ax, ay = abs(pos[0][0]), abs(pos[0][1])
        th = min(0.02, r)
        xa = ax if not unit else w / 2.0 - _drawer_unit_width(w)
        xs = -ax
        parts.append(Part("apron_0", rounded_box((xs, -ay - th / 2, z_top - apron), (xa, -ay + th / 2, z_top), 0.003),
                          p.base_material))
        parts.append(Part("apron_1", rounded_box((xs, ay - th / 2, z_top - apron), (xa, ay + th / 2, z_top), 0.003),
                          p.base_material))
        parts.append(Part("apron_2", rounded_box((-ax - th / 2, -ay, z_top - apron), (-ax + th / 2, ay, z_top), 0.003),
                          p.base_material))
        if not unit:
            parts.append(Part("apron_3", rounded_box((ax - th / 2, -ay, z_top - apron), (ax + th / 2, ay, z_top),
                                                     0.003), p.base_material))
    if p.lower_shelf and not unit:
        z0, t = _shelf_z(z_top)
        ax, ay = abs(pos[0][0]), abs(pos[0][1])
        if p.top_shape == "rectangle":
            mesh = rounded_box((-ax - r, -ay - r, z0), (ax + r, ay + r, z0 + t), 0.004)
        else:
            mesh = lathe([(0.0, z0), (1.0, z0), (1.0, z0 + t), (0.0, z0 + t)], 32, (0.0, 0.0, 0.0),
                         (math.sqrt(2.0) * ax + r, math.sqrt(2.0) * ay + r))
        parts.append(Part("shelf", mesh, p.top_material))
    if unit:
        parts.extend(_drawer_unit(p, size, z_top))
    return parts


def _shelf_z(z_top: float) -> tuple[float, float]:
    """(bottom, thickness) of a coffee table's lower shelf."""
    return min(0.12, 0.3 * z_top), 0.018


def _drawer_unit(p: TableParams, size: Size, z_top: float) -> list[Part]:
    w, d, h = size
    uw = _drawer_unit_width(w)
    x0, x1 = w / 2.0 - uw, w / 2.0 - 0.01
    y0, y1 = -d / 2.0 + 0.03, d / 2.0 - 0.05
    parts = [Part("drawer_unit", rounded_box((x0, y0, 0.0), (x1, y1, z_top), 0.004), p.base_material)]
    n = 3
    gap = 0.004
    fh = (z_top - 0.02 - gap * (n + 1)) / n
    for i in range(n):
        z0 = 0.02 + gap + i * (fh + gap)
        parts.append(Part(f"drawer_{i}", rounded_box((x0 + gap, y1, z0), (x1 - gap, y1 + 0.018, z0 + fh), 0.003),
                          p.top_material))
        cx, cz = (x0 + x1) / 2.0, z0 + 0.7 * fh
        hl = min(0.12, 0.5 * (x1 - x0))
        bar = rounded_box((cx - hl / 2, y1 + 0.032, cz - 0.006), (cx + hl / 2, y1 + 0.044, cz + 0.006), 0.004)
        stand = [rounded_box((cx + s * (hl / 2 - 0.012) - 0.004, y1 + 0.018, cz - 0.004),
                             (cx + s * (hl / 2 - 0.012) + 0.004, y1 + 0.032, cz + 0.004), 0.0) for s in (-1, 1)]
        parts.append(Part(f"handle_{i}", merge([bar] + stand), "brushed steel"))
    return parts


def _pedestal_base(p: TableParams, size: Size, z_top: float) -> list[Part]:
    w, d, h = size
    two = p.top_shape == "rectangle" and w > 1.6 * d and w > 1.2
    xs = (-w / 4.0, w / 4.0) if two else (0.0,)
    foot_r = min(d / 2.0, (w / 4.0 if two else w / 2.0)) * 0.8
    col_r = clamp(2.2 * p.leg_radius_m, 0.03, 0.4 * foot_r)
    foot_h = clamp(0.06, 0.02, 0.2 * z_top)
    parts: list[Part] = []
    for i, x in enumerate(xs):
        prof = [(0.0, 0.0), (foot_r, 0.0), (foot_r, 0.3 * foot_h), (1.3 * col_r, foot_h), (0.0, foot_h)]
        parts.append(Part(f"foot_{i}", lathe(prof, 32, (x, 0.0, 0.0)), p.base_material))
        parts.append(Part(f"column_{i}", cylinder((x, 0.0, 0.0), col_r, foot_h, z_top - 0.02, 24), p.base_material))
        plate_r = min(foot_r * 0.7, min(w, d) / 2.0 - 0.02)
        parts.append(Part(f"top_plate_{i}", cylinder((x, 0.0, 0.0), plate_r, z_top - 0.02, z_top, 24),
                          p.base_material))
    return parts


def _trestle_base(p: TableParams, size: Size, z_top: float) -> list[Part]:
    w, d, h = size
    post = clamp(2.0 * p.leg_radius_m, 0.035, 0.09)
    inset = clamp(p.leg_inset_m, 0.0, w / 4.0)
    foot_len = 0.85 * d
    parts: list[Part] = []
    for i, s in enumerate((-1.0, 1.0)):
        x = s * (w / 2.0 - inset - post)
        parts.append(Part(f"trestle_foot_{i}", rounded_box((x - 0.7 * post, -foot_len / 2, 0.0),
                                                           (x + 0.7 * post, foot_len / 2, 0.05), 0.01),
                          p.base_material))
        parts.append(Part(f"trestle_post_{i}", rounded_box((x - post / 2, -0.8 * post, 0.05),
                                                           (x + post / 2, 0.8 * post, z_top - 0.04), 0.005),
                          p.base_material))
        parts.append(Part(f"trestle_cleat_{i}", rounded_box((x - 0.6 * post, -0.4 * d, z_top - 0.04),
                                                            (x + 0.6 * post, 0.4 * d, z_top), 0.006),
                          p.base_material))
    xa = w / 2.0 - inset - post
    zs = 0.3 * z_top
    parts.append(Part("stretcher", rounded_box((-xa, -0.025, zs), (xa, 0.025, zs + 0.06), 0.008), p.base_material))
    return parts


def build_table(params: TableParams, size: Size) -> list[Part]:
    """Parts of a table of exactly ``size`` (origin at the bottom centre, front +Y)."""
    size = tuple(float(v) for v in size)  # type: ignore[assignment]
    parts, t = _top(params, size)
    z_top = size[2] - t
    if params.base == "pedestal":
        parts += _pedestal_base(params, size, z_top)
    elif params.base == "trestle" and params.top_shape == "rectangle":
        parts += _trestle_base(params, size, z_top)
    else:
        parts += _legs_base(params, size, z_top)
    return parts


def table_surfaces(params: TableParams, size: Size) -> list[Surface]:
    """The top (index 0) and, for coffee tables that have one, the lower shelf (index 1)."""
    w, d, h = (float(v) for v in size)
    t = clamp(params.top_thickness_m, 0.01, 0.3 * h)
    r = clamp(params.top_edge_radius_m, 0.0, 0.45 * t)
    if params.top_shape == "round":
        k = 0.97 * (1.0 - r / (min(w, d) / 2.0))
        n = 24
        poly = tuple((k * w / 2 * math.cos(2 * math.pi * i / n), k * d / 2 * math.sin(2 * math.pi * i / n))
                     for i in range(n))
    else:
        poly = rect(-w / 2 + r, -d / 2 + r, w / 2 - r, d / 2 - r)
    out = [Surface(0, h, poly, "top", None)]
    unit = params.drawer_unit and params.top_shape == "rectangle"
    if params.lower_shelf and params.base == "legs" and not unit:
        z_top = h - t
        z0, st = _shelf_z(z_top)
        lr = clamp(params.leg_radius_m, 0.008, min(w, d) / 8.0)
        (x, y) = _leg_positions(params, w, d, lr)[2]
        if params.top_shape == "rectangle":
            sp = rect(-x + lr, -y - lr, x - lr, y + lr)
        else:
            sp = rect(-0.5 * x, -0.5 * y, 0.5 * x, 0.5 * y)
        out.append(Surface(1, z0 + st, sp, "shelf", z_top - z0 - st))
    return out


register_generator("table", TableParams, build_table, table_surfaces, sample_table_params)
