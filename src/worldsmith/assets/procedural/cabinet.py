"""Cabinets: sideboards, nightstands, dressers, TV stands, wardrobes, kitchen counters and wall
cabinets.

A carcass with a top slab, on a recessed plinth, on legs, or on nothing (wall cabinets); the front
(+Y) is a row of doors, a grid of drawers, or drawers over doors ("mixed"). Every door and drawer
front has a handle (a bar on two stand-offs, or a knob) that reaches exactly to the front of the
bounding box.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..parts import Part
from ..primitives import frustum, lathe, merge, rounded_box
from ..surfaces import Surface, rect
from .params import chance, clamp, pick, register_generator, uniform

Size = tuple[float, float, float]

BODIES = ("white laminate", "oak wood", "walnut wood", "white painted wood", "grey painted wood", "black stained wood",
          "sage painted wood", "navy painted wood")
HANDLES = ("brushed steel", "brass", "black metal", "chrome")


@dataclass(frozen=True)
class CabinetParams:
    category: str = "cabinet"
    front: str = "doors"  # doors | drawers | mixed (a row of drawers over doors)
    door_count: int = 0  # 0: from the width
    drawer_rows: int = 0  # 0: from the height (drawers) or 1 (mixed)
    drawer_columns: int = 1
    base: str = "plinth"  # plinth | legs | none
    base_height_m: float = 0.08
    handle_style: str = "bar"  # bar | knob
    top_thickness_m: float = 0.025
    top_overhang_m: float = 0.01
    body_material: str = "white laminate"
    top_material: str = "oak wood"
    handle_material: str = "brushed steel"
    leg_material: str = "oak wood"



def sample_cabinet_params(rng: np.random.Generator, size: Size, category: str = "cabinet") -> CabinetParams:
    """Sampled cabinet params suiting ``category``: wardrobes tall with doors, dressers drawers,
    nightstands a drawer or two, kitchen counters drawers over doors under a stone top, wall
    cabinets doors without a base."""
    w, d, h = size
    body = pick(rng, BODIES)
    front_p = {"wardrobe": (1.0, 0.0, 0.0), "dresser": (0.0, 1.0, 0.0), "nightstand": (0.2, 0.5, 0.3),
               "kitchen_counter": (0.3, 0.2, 0.5), "kitchen_island": (0.3, 0.3, 0.4), "tv_stand": (0.5, 0.35, 0.15),
               "wall_cabinet": (1.0, 0.0, 0.0)}.get(category, (0.45, 0.25, 0.3))
    front = pick(rng, ("doors", "drawers", "mixed"), front_p)
    if category == "wall_cabinet":
        base = "none"
    elif category in ("kitchen_counter", "kitchen_island", "wardrobe"):
        base = "plinth"
    else:
        base = pick(rng, ("plinth", "legs"), (0.5, 0.5))
    kitchen = category in ("kitchen_counter", "kitchen_island")
    top = pick(rng, ("white marble", "grey granite", "black granite", "oak wood", "concrete")) if kitchen else \
        (body if chance(rng, 0.6) else pick(rng, ("oak wood", "walnut wood", "white marble")))
    cols = 2 if front == "drawers" and w > 0.9 and chance(rng, 0.6) else 1
    return CabinetParams(
        category=category,
        front=front,
        door_count=0 if chance(rng, 0.7) else max(1, _auto_doors(w) + pick(rng, (-1, 1))),
        drawer_rows=0,
        drawer_columns=cols,
        base=base,
        base_height_m=uniform(rng, 0.12, 0.25) if base == "legs" else uniform(rng, 0.05, 0.11),
        handle_style=pick(rng, ("bar", "knob"), (0.35, 0.65) if category == "nightstand" else (0.7, 0.3)),
        top_thickness_m=uniform(rng, 0.025, 0.04) if kitchen else uniform(rng, 0.016, 0.03),
        top_overhang_m=uniform(rng, 0.0, 0.025) if base != "none" else 0.0,
        body_material=body,
        top_material=top,
        handle_material=pick(rng, HANDLES),
        leg_material=pick(rng, ("oak wood", "walnut wood", "black metal", "brass")),
    )


def _auto_doors(width: float) -> int:
    return 1 if width < 0.55 else 2 if width < 1.3 else 3 if width < 1.9 else 4


HANDLE_DEPTH = 0.03  # how far handles stand proud of the fronts
FRONT_T = 0.018


@dataclass(frozen=True)
class _Layout:
    w: float
    d: float
    h: float
    base: float
    top_t: float
    ov: float
    y_front: float  # outer face of the doors and drawer fronts

    @property
    def body_x(self) -> float:
        return self.w / 2.0 - self.ov

    @property
    def body_y1(self) -> float:
        return self.y_front - FRONT_T


def _layout(p: CabinetParams, size: Size) -> _Layout:
    w, d, h = (float(v) for v in size)
    base = 0.0 if p.base == "none" else clamp(p.base_height_m, 0.02, 0.3 * h)
    top_t = clamp(p.top_thickness_m, 0.008, 0.15 * h)
    ov = clamp(p.top_overhang_m, 0.0, 0.05 * w)
    return _Layout(w, d, h, base, top_t, ov, d / 2.0 - HANDLE_DEPTH)


def _fronts(p: CabinetParams, L: _Layout) -> list[tuple[str, float, float, float, float]]:
    """(kind, x0, x1, z0, z1) of every door and drawer front."""
    x0, x1 = -L.body_x, L.body_x
    z0, z1 = L.base, L.h - L.top_t
    doors = p.door_count if p.door_count > 0 else _auto_doors(L.w)
    out: list[tuple[str, float, float, float, float]] = []
    if p.front in ("drawers", "mixed"):
        if p.front == "drawers":
            rows = p.drawer_rows if p.drawer_rows > 0 else int(clamp(round((z1 - z0) / 0.2), 1, 6))
            cols = int(clamp(p.drawer_columns, 1, 3))
            row_h = (z1 - z0) / rows
        else:
            rows = max(1, p.drawer_rows) if p.drawer_rows > 0 else 1
            cols = doors
            row_h = clamp(0.18, 0.08, 0.3 * (z1 - z0))
        cw = (x1 - x0) / cols
        for r in range(rows):
            top = z1 - r * row_h
            for c in range(cols):
                out.append(("drawer", x0 + c * cw, x0 + (c + 1) * cw, top - row_h, top))
        z1 = z1 - rows * row_h
    if p.front in ("doors", "mixed") and z1 - z0 > 0.05:
        dw = (x1 - x0) / doors
        for c in range(doors):
            out.append(("door", x0 + c * dw, x0 + (c + 1) * dw, z0, z1))
    return out


def _handle(p: CabinetParams, L: _Layout, kind: str, x0: float, x1: float, z0: float, z1: float):
    y = L.y_front
    vertical = kind == "door"
    if vertical:
        length = clamp(0.3 if z1 - z0 > 1.0 else 0.14, 0.04, 0.8 * (z1 - z0))
    else:
        length = clamp(0.16, 0.04, 0.6 * (x1 - x0))
    knob = p.handle_style == "knob"
    reach = 0.014 if knob else (length / 2.0 if vertical else 0.006)  # half-extent of the handle in z
    if vertical:
        centre = (x0 + x1) / 2.0
        cx = x1 - 0.05 if centre <= 1e-9 else x0 + 0.05  # near the edge towards the middle
        cx = clamp(cx, x0 + 0.02, x1 - 0.02)
        cz = 1.05 if z1 - z0 > 1.2 else (z1 - 0.1 if L.h > 0.5 else (z0 + z1) / 2.0)
    else:
        cx, cz = (x0 + x1) / 2.0, z1 - min(0.5 * (z1 - z0), 0.07)
    cz = clamp(cz, z0 + reach + 0.005, z1 - reach - 0.005)
    if knob:
        prof = [(0.0, 0.0), (0.007, 0.0), (0.005, 0.012), (0.014, 0.02), (0.014, HANDLE_DEPTH - 0.004),
                (0.01, HANDLE_DEPTH), (0.0, HANDLE_DEPTH)]
        return lathe(prof, 16, (cx, y, cz), axis="y")
    half = length / 2.0
    t = 0.006
    if vertical:
        bar = rounded_box((cx - t, y + HANDLE_DEPTH - 2 * t, cz - half), (cx + t, y + HANDLE_DEPTH, cz + half), 0.004)
        stands = [rounded_box((cx - 0.004, y, z - 0.004), (cx + 0.004, y + HANDLE_DEPTH - 2 * t, z + 0.004), 0.0)
                  for z in (cz - half + 0.012, cz + half - 0.012)]
    else:
        bar = rounded_box((cx - half, y + HANDLE_DEPTH - 2 * t, cz - t), (cx + half, y + HANDLE_DEPTH, cz + t), 0.004)
        stands = [rounded_box((x - 0.004, y, cz - 0.004), (x + 0.004, y + HANDLE_DEPTH - 2 * t, cz + 0.004), 0.0)
                  for x in (cx - half + 0.012, cx + half - 0.012)]
    return merge([bar] + stands)


def build_cabinet(params: CabinetParams, size: Size) -> list[Part]:
    """Parts of a cabinet of exactly ``size`` (origin at the bottom centre, doors and handles at +Y)."""
    L = _layout(params, size)
    bx = L.body_x
    parts = [
        Part("body", rounded_box((-bx, -L.d / 2, L.base), (bx, L.body_y1, L.h - L.top_t), 0.002), params.body_material),
        Part("top", rounded_box((-L.w / 2, -L.d / 2, L.h - L.top_t), (L.w / 2, L.y_front, L.h),
                                min(0.004, 0.4 * L.top_t)), params.top_material),
    ]
    if params.base == "plinth":
        plinth = rounded_box((-bx + 0.02, -L.d / 2 + 0.02, 0.0), (bx - 0.02, L.body_y1 - 0.04, L.base), 0.0)
        parts.append(Part("plinth", plinth, params.body_material))
    elif params.base == "legs":
        r = 0.022
        for i, (sx, sy) in enumerate(((-1, -1), (1, -1), (1, 1), (-1, 1))):
            x = sx * (bx - r - 0.02)
            y = (-L.d / 2 + r + 0.02) if sy < 0 else (L.body_y1 - r - 0.02)
            leg = frustum((x, y, 0.0), 0.6 * r, r, 0.0, L.base + 0.005, 12)
            parts.append(Part(f"leg_{i}", leg, params.leg_material))
    gap = 0.003
    counts = {"door": 0, "drawer": 0}
    for i, (kind, x0, x1, z0, z1) in enumerate(_fronts(params, L)):
        k = counts[kind]
        counts[kind] += 1
        front = rounded_box((x0 + gap, L.body_y1, z0 + gap), (x1 - gap, L.y_front, z1 - gap), 0.003)
        parts.append(Part(f"{kind}_{k}", front, params.body_material))
        parts.append(Part(f"handle_{i}", _handle(params, L, kind, x0 + gap, x1 - gap, z0 + gap, z1 - gap),
                          params.handle_material))
    return parts


def cabinet_surfaces(params: CabinetParams, size: Size) -> list[Surface]:
    """The top slab."""
    L = _layout(params, size)
    m = 0.01
    return [Surface(0, L.h, rect(-L.w / 2 + m, -L.d / 2 + m, L.w / 2 - m, L.y_front - m), "top", None)]


register_generator("cabinet", CabinetParams, build_cabinet, cabinet_surfaces, sample_cabinet_params)
