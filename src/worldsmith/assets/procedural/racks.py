"""Racks and wall storage: wall shelves, wine racks, clothing rails, coat stands and coat hooks.

- ``wall_shelf``: a wall-mounted shelf, back flat on the wall (-Y): a thick floating board, a board
  on L-brackets (metal, wooden or pipe), a picture ledge with a front lip, or (when the size is tall)
  2-3 tiers between side straps.
- ``wine_rack``: a free-standing rack of bottles lying with their necks to the front (+Y): a grid
  of cubbies, a diamond lattice in a frame, or metal rails between side ladders; a top board,
  sometimes an open compartment at the bottom; more or fewer bottles.
- ``clothing_rack``: a rolling rail: a hanger rod on two uprights (chrome or black tubes on casters,
  a wooden A-frame, or black pipe on floor flanges), an optional bottom shelf, and a few garments
  (shirts, dresses, coats) on hangers.
- ``coat_rack``: a standing pole with hooks (curled metal hooks, wooden pegs or two-prong hooks)
  in one or two tiers, on curved legs, a disc or crossed feet, with a finial and sometimes an
  umbrella ring.
- ``coat_hook``: a row of 1-6 hooks (J hooks, two-prong hooks, Shaker pegs or knobs) on a wooden
  rail, a metal plate or their own plates, sometimes under a small shelf.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import trimesh

from ..parts import Part
from ...scene.geometry import signed_area
from ..primitives import box, cylinder, cylinder_along, frustum, lathe, merge, rounded_box
from ..surfaces import Surface, rect
from ._shapes import fit_exact, no_surfaces, slab_xz, slab_yz, sphere, superellipse_ring
from .params import chance, clamp, pick, register_generator, uniform
from .seating import rod, slanted, sweep_tube

Size = tuple[float, float, float]

WOODS = ("oak wood", "walnut wood", "pine wood", "beech wood", "black stained wood", "white painted wood", "birch plywood",
         "cherry wood")
METALS = ("black metal", "brass", "brushed steel", "chrome", "white painted metal", "copper")


def _hash01(seed: int, i: int) -> float:
    """A stable pseudo-random number in [0, 1) from a seed and an index (builders stay pure)."""
    x = (int(seed) * 2654435761 + (i + 1) * 40503 + 12345) & 0xFFFFFFFF
    x ^= x >> 13
    x = (x * 1274126177) & 0xFFFFFFFF
    x ^= x >> 16
    return (x % 10007) / 10007.0


# ----------------------------------------------------------------------------------------------
# wall shelf


@dataclass(frozen=True)
class WallShelfParams:
    category: str = "wall_shelf"
    style: str = "floating"  # floating | bracketed | ledge | tiered (tiered only when the size is >= 0.25 m tall)
    board_thickness_m: float = 0.022  # bracketed / ledge / tiered boards (a floating board is the full height)
    bracket_style: str = "metal"  # metal (L brackets) | wood (triangles) | pipe
    tiers: int = 2
    board_material: str = "oak wood"
    bracket_material: str = "black metal"


def sample_wall_shelf_params(rng: np.random.Generator, size: Size, category: str = "wall_shelf") -> WallShelfParams:
    """Wall shelves: floating boards, boards on brackets, picture ledges, tiered strap shelves."""
    h = size[2]
    if h >= 0.25:
        style = pick(rng, ("tiered", "bracketed", "floating"), (0.6, 0.3, 0.1))
    elif h >= 0.045:
        style = pick(rng, ("floating", "bracketed", "ledge"), (0.35, 0.35, 0.3))
    else:
        style = pick(rng, ("floating", "ledge"), (0.7, 0.3))
    bs = pick(rng, ("metal", "wood", "pipe"), (0.5, 0.25, 0.25))
    return WallShelfParams(
        category=category,
        style=style,
        board_thickness_m=uniform(rng, 0.016, 0.028),
        bracket_style=bs,
        tiers=int(rng.integers(2, 4)),
        board_material=pick(rng, WOODS + ("white painted wood", "white marble", "clear glass")),
        bracket_material=pick(rng, METALS[:4]) if bs != "wood" else pick(rng, WOODS),
    )


def _shelf_levels(p: WallShelfParams, size: Size) -> tuple[str, float, float, list[tuple[float, float]]]:
    """(style, board thickness, bracket height, [(z0, z1) of each board, bottom to top]). Sizes
    under 0.25 m tall hold one board; taller ones 2-3 boards (tiers)."""
    w, d, h = (float(v) for v in size)
    style = p.style
    bt = clamp(p.board_thickness_m, 0.012, 0.04)
    n = 1 if h < 0.25 else min(int(clamp(p.tiers, 2, 3)), max(2, int(h / 0.2) + 1))
    if style == "tiered" and n == 1:
        style = "bracketed"
    if style == "bracketed" and h < 0.03:
        style = "floating"
    if style == "ledge" and h < 0.015:
        style = "floating"
    if n == 1:
        if style == "floating":
            return style, h, 0.0, [(0.0, h)]
        if style == "ledge":
            t = min(bt, 0.4 * h)
            return style, t, 0.0, [(0.0, t)]
        t = min(bt, 0.5 * h)
        return style, t, h - t, [(h - t, h)]
    if style == "floating":
        t = clamp(1.6 * bt, 0.03, 0.05)
        return style, t, 0.0, [(k * (h - t) / (n - 1), k * (h - t) / (n - 1) + t) for k in range(n)]
    if style == "ledge":
        lh = clamp(0.08, 0.04, 0.3 * h / n)
        return style, bt, lh, [(k * (h - lh) / (n - 1), k * (h - lh) / (n - 1) + bt) for k in range(n)]
    if style == "bracketed":
        gap = (h - bt) / n
        bh = clamp(0.5 * gap, 0.03, 0.2)
        return style, bt, bh, [(bh + k * (h - bt - bh) / (n - 1), bh + k * (h - bt - bh) / (n - 1) + bt) for k in range(n)]
    return style, bt, 0.0, [(k * (h - bt) / (n - 1), k * (h - bt) / (n - 1) + bt) for k in range(n)]


def _bracket(style: str, x: float, hd: float, d: float, z0: float, bh: float, mat: str, name: str) -> Part:
    """One shelf bracket under a board whose bottom is at ``z0``, ``bh`` tall, against the wall."""
    zb = z0 - bh
    arm = 0.85 * d
    if style == "wood":
        poly = [(-hd, z0 - 0.0005), (-hd + arm, z0 - 0.0005), (-hd, zb)]
        return Part(name, slab_yz(poly, x - 0.009, x + 0.009), mat)
    if style == "pipe":
        r = min(0.011, 0.3 * bh)
        yv = -hd + 0.004 + r
        pieces = [cylinder((x, yv, 0.0), r, zb, z0 - r, 12), sphere((x, yv, z0 - r), r, 12, 6),
                  cylinder_along("y", (x, yv, z0 - r), arm - (yv + hd), r, 12)]
        if bh >= 4.4 * r:
            pieces.append(cylinder_along("y", (x, -hd, zb + 2.2 * r), 0.006, 2.2 * r, 12))
        return Part(name, merge(pieces), mat)
    s = min(0.004, 0.3 * bh)
    return Part(name, merge([box((x - 0.012, -hd, zb), (x + 0.012, -hd + 0.004, z0)),
                             box((x - 0.012, -hd, z0 - s), (x + 0.012, -hd + arm, z0))]), mat)


def build_wall_shelf(params: WallShelfParams, size: Size) -> list[Part]:
    """Parts of a wall shelf of exactly ``size`` (back against the wall at -Y)."""
    p = params
    w, d, h = (float(v) for v in size)
    hw, hd = w / 2.0, d / 2.0
    style, t, bh, boards = _shelf_levels(p, size)
    parts: list[Part] = []
    mat = p.board_material
    one = len(boards) == 1
    for k, (z0, z1) in enumerate(boards):
        tag = "" if one else f"_{k}"
        if style == "floating":
            parts.append(Part(f"board{tag}", rounded_box((-hw, -hd, z0), (hw, hd, z1), min(0.004, 0.2 * (z1 - z0))), mat))
            parts.append(Part(f"concealed_bracket{tag}", box((-0.8 * hw, -hd, z0 + 0.3 * (z1 - z0)),
                                                             (0.8 * hw, -hd + 0.6 * d, z0 + 0.7 * (z1 - z0))), "black metal"))
        elif style == "ledge":
            lip = min(0.015, 0.15 * d)
            top = z0 + (h if one else bh)
            parts.append(Part(f"board{tag}", rounded_box((-hw, -hd, z0), (hw, hd, z1), 0.002), mat))
            parts.append(Part(f"back_plate{tag}", rounded_box((-hw, -hd, z0), (hw, -hd + 0.012, top), 0.002), mat))
            parts.append(Part(f"lip{tag}", rounded_box((-hw, hd - lip, z0), (hw, hd, z1 + 0.6 * (top - z1)), 0.002), mat))
        else:
            parts.append(Part(f"board{tag}", rounded_box((-hw, -hd, z0), (hw, hd, z1), min(0.003, 0.3 * t)), mat))
            if style == "bracketed":
                xb = hw - min(0.12, 0.2 * w)
                for i, x in enumerate((-xb, xb)):
                    parts.append(_bracket(p.bracket_style, x, hd, d, z0, bh, p.bracket_material, f"bracket{tag}_{i}"))
    if style == "tiered":  # two straps (or side boards) through all the boards
        bm = p.bracket_material
        for i, s in enumerate((-1.0, 1.0)):
            x = s * (hw - min(0.06, 0.12 * w))
            if p.bracket_style == "wood":
                parts.append(Part(f"side_{i}", rounded_box((x - 0.009, -hd, 0.0), (x + 0.009, hd - 0.01, h), 0.003, steps=1), bm))
            else:
                for j, y in enumerate((-hd + 0.02, hd - 0.03)):
                    parts.append(Part(f"strap_{i}_{j}", box((x - 0.012, y, 0.0), (x + 0.012, y + 0.006, h)),
                                      "cognac leather" if p.bracket_style == "metal" else bm))
        parts.append(Part("hanger_rail", box((-0.8 * hw, -hd, h - 0.3 * t), (0.8 * hw, -hd + 0.01, h)), "black metal"))
    return parts


def wall_shelf_surfaces(params: WallShelfParams, size: Size) -> list[Surface]:
    """Every board top, bottom to top (clearance to the board above)."""
    w, d, h = (float(v) for v in size)
    hw, hd = w / 2.0, d / 2.0
    style, t, bh, boards = _shelf_levels(params, size)
    m = 0.01
    x0, x1 = -hw + m, hw - m
    y0, y1 = -hd + 0.015, hd - m
    if style == "tiered":
        x = hw - min(0.06, 0.12 * w) - 0.02
        x0, x1 = -x, x
    if style == "ledge":
        lip = min(0.015, 0.15 * d)
        y0, y1 = -hd + 0.012 + 0.005, hd - lip - 0.005
    out = []
    for k, (z0, z1) in enumerate(boards):
        cl = boards[k + 1][0] - z1 if k + 1 < len(boards) else None
        name = ("ledge" if style == "ledge" else "board") + ("" if len(boards) == 1 else f"_{k}")
        out.append(Surface(k, z1, rect(x0, y0, x1, y1), name, cl))
    return out


register_generator("wall_shelf", WallShelfParams, build_wall_shelf, wall_shelf_surfaces, sample_wall_shelf_params)


# ----------------------------------------------------------------------------------------------
# wine rack


@dataclass(frozen=True)
class WineRackParams:
    category: str = "wine_rack"
    style: str = "grid"  # grid | diamond | rails
    cell_m: float = 0.11  # grid cell, diamond spacing / 3, rail row pitch
    board_thickness_m: float = 0.016
    bottom_shelf: bool = False  # an open compartment at the bottom (grid, diamond)
    bottle_fill: float = 0.6
    bottle_seed: int = 0
    frame_material: str = "pine wood"
    top_material: str = "pine wood"


def sample_wine_rack_params(rng: np.random.Generator, size: Size, category: str = "wine_rack") -> WineRackParams:
    """Wine racks: cubby grids, diamond lattices, metal rail racks; partly filled with bottles."""
    style = pick(rng, ("grid", "diamond", "rails"))
    wood = pick(rng, WOODS[:6])
    frame = wood if style != "rails" else pick(rng, ("black metal", "chrome", "brushed steel", "copper"))
    return WineRackParams(
        category=category,
        style=style,
        cell_m=uniform(rng, 0.1, 0.13),
        board_thickness_m=uniform(rng, 0.012, 0.02),
        bottom_shelf=chance(rng, 0.4),
        bottle_fill=uniform(rng, 0.2, 0.9),
        bottle_seed=int(rng.integers(0, 1000)),
        frame_material=frame,
        top_material=wood if chance(rng, 0.7) else pick(rng, ("white marble", "black marble", "slate", "walnut wood")),
    )


@dataclass(frozen=True)
class _Wine:
    w: float
    d: float
    h: float
    t: float
    style: str
    top_t: float
    z_in0: float  # bottom of the bottle zone (top of its floor board)
    z_in1: float  # top of the bottle zone (under the top board)
    shelf: bool
    shelf_z: float  # top of the bottom shelf board


def _wine(p: WineRackParams, size: Size) -> _Wine:
    w, d, h = (float(v) for v in size)
    t = clamp(p.board_thickness_m, 0.01, 0.025)
    top_t = clamp(0.025, 0.018, 0.05 * h)
    shelf = p.bottom_shelf and p.style != "rails" and h >= 0.7
    base = 0.03
    shelf_z = base + t
    z_in0 = shelf_z + (clamp(0.25 * h, 0.2, 0.35) + t if shelf else 0.0)
    z_in1 = h - top_t
    return _Wine(w, d, h, t, p.style, top_t, z_in0, z_in1, shelf, shelf_z)


def _bottle(x: float, y0: float, z: float, L: float, r: float) -> trimesh.Trimesh:
    """A wine bottle lying along +Y from ``y0`` (its base) with its axis at (x, z)."""
    nr = max(0.35 * r, 0.006)
    prof = [(0.0, 0.0), (r, 0.0), (r, 0.62 * L), (0.75 * r, 0.72 * L), (nr, 0.8 * L), (nr, 0.97 * L), (1.15 * nr, 0.98 * L),
            (1.15 * nr, L), (0.0, L)]
    return lathe(prof, 8, (x, y0, z), axis="y")


def build_wine_rack(params: WineRackParams, size: Size) -> list[Part]:
    """Parts of a wine rack of exactly ``size`` (bottle necks to the front, +Y)."""
    p = params
    W = _wine(p, size)
    hw, hd, t = W.w / 2.0, W.d / 2.0, W.t
    parts: list[Part] = []
    mat = p.frame_material
    L = min(0.3, W.d - 0.012)
    y_b = -hd + 0.006
    bottles: list[tuple[float, float, float]] = []  # (x, z, r)
    parts.append(Part("top", rounded_box((-hw, -hd, W.z_in1), (hw, hd, W.h), 0.004), p.top_material))
    if W.style == "rails":
        pr = clamp(0.011, 0.008, 0.03 * W.w)
        for i, sx in enumerate((-1.0, 1.0)):
            for j, sy in enumerate((-1.0, 1.0)):
                parts.append(Part(f"post_{i}_{j}", cylinder((sx * (hw - pr), sy * (hd - pr), 0.0), pr, 0.0, W.z_in1 + 0.002, 12),
                                  mat))
        r_b = 0.037
        pitch = clamp(p.cell_m, 0.095, 0.14)
        z = 0.06
        rows = []
        while z + 2 * r_b + 0.01 < W.z_in1:
            rows.append(z)
            z += pitch
        rr = 0.005
        ys = (-hd + 0.05, hd - 0.09 if W.d > 0.2 else hd - 0.06)
        meshes = []
        for zr in rows:
            for y in ys:
                meshes.append(cylinder_along("x", (-hw + pr, y, zr), W.w - 2 * pr, rr, 8))
            for sx in (-1.0, 1.0):
                meshes.append(cylinder_along("y", (sx * (hw - pr), -hd + pr, zr), W.d - 2 * pr, rr, 8))
        parts.append(Part("rails", merge(meshes), mat))
        ncol = max(1, int((W.w - 4 * pr) / (2 * r_b + 0.012)))
        span = W.w - 4 * pr
        for zr in rows:
            for c in range(ncol):
                bottles.append((-span / 2 + span * (c + 0.5) / ncol, zr + rr + r_b, r_b))
        parts.append(Part("bottom_rail_bar", box((-hw + pr, -hd + pr, 0.0), (hw - pr, -hd + pr + 0.02, 0.015)), mat))
    else:
        # frame: sides, bottom board (on a recessed plinth)
        base = 0.03
        for i, s in enumerate((-1.0, 1.0)):
            x0, x1 = sorted((s * hw, s * (hw - t)))
            parts.append(Part(f"side_{i}", rounded_box((x0, -hd, 0.0), (x1, hd, W.z_in1 + 0.001), 0.002, steps=1), mat))
        parts.append(Part("plinth", box((-hw + t, -hd + 0.01, 0.0), (hw - t, hd - 0.02, base + 0.001)), mat))
        parts.append(Part("bottom", box((-hw + t - 0.001, -hd, base), (hw - t + 0.001, hd, base + t)), mat))
        if W.shelf:
            parts.append(Part("shelf", box((-hw + t - 0.001, -hd, W.z_in0 - t), (hw - t + 0.001, hd, W.z_in0)), mat))
        parts.append(Part("back_strip", box((-hw + t, -hd, W.z_in0), (hw - t, -hd + 0.008, W.z_in0 + 0.04)), mat))
        x0, x1, z0, z1 = -hw + t, hw - t, W.z_in0, W.z_in1
        if W.style == "grid":
            cell = clamp(p.cell_m, 0.09, 0.15)
            ncol = max(1, int(round((x1 - x0) / cell)))
            nrow = max(1, int(round((z1 - z0) / cell)))
            cw, ch = (x1 - x0) / ncol, (z1 - z0) / nrow
            meshes = []
            for c in range(1, ncol):
                x = x0 + c * cw
                meshes.append(box((x - t / 2, -hd, z0 - 0.001), (x + t / 2, hd, z1 + 0.001)))
            for r in range(1, nrow):
                z = z0 + r * ch
                meshes.append(box((x0 - 0.001, -hd, z - t / 2), (x1 + 0.001, hd, z + t / 2)))
            if meshes:
                parts.append(Part("grid", merge(meshes), mat))
            rb = clamp(min(cw, ch) / 2 - t / 2 - 0.004, 0.015, 0.037)
            for r in range(nrow):
                for c in range(ncol):
                    zc = z0 + r * ch + (t / 2 if r > 0 else 0.0) + rb + 0.001
                    bottles.append((x0 + (c + 0.5) * cw, zc, rb))
        else:
            s = clamp(3.0 * p.cell_m, 0.22, 0.4)
            s = min(s, 0.9 * min(x1 - x0, z1 - z0))
            meshes = []
            rect_poly = [(x0, z0), (x1, z0), (x1, z1), (x0, z1)]
            off = t / math.sqrt(2.0)
            xm = (x0 + x1) / 2.0
            for sign in (1.0, -1.0):  # lines x - sign*z = c
                cmin = min(x0 - sign * z for z in (z0, z1))
                cmax = max(x1 - sign * z for z in (z0, z1))
                base_c = xm - sign * z0
                k0 = math.floor((cmin - base_c) / s)
                k1 = math.ceil((cmax - base_c) / s)
                for k in range(k0, k1 + 1):
                    c = base_c + k * s
                    poly = _clip(rect_poly, (1.0, -sign), c + off, keep_le=True)
                    poly = _clip(poly, (1.0, -sign), c - off, keep_le=False)
                    if len(poly) >= 3 and abs(signed_area(poly)) > 1e-6:
                        meshes.append(slab_xz(poly, -hd, hd))
            if meshes:
                parts.append(Part("lattice", merge(meshes), mat))
            # bottles in the diamonds: a square lattice along the boards
            a = s / math.sqrt(2.0) - t
            rb = 0.034 if a > 0.2 else clamp(a / 4.0 - 0.002, 0.015, 0.034)
            m = max(1, int(a / (2 * rb + 0.002)))
            for i in range(-20, 21):
                for j in range(-20, 21):
                    # diamond centre: x - z = base_plus + (i + 0.5) s, x + z = base_minus + (j + 0.5) s
                    u = (xm - z0) + (i + 0.5) * s
                    v = (xm + z0) + (j + 0.5) * s
                    xc, zc = (u + v) / 2.0, (v - u) / 2.0
                    half = s / 2.0
                    if xc - half < x0 - 1e-9 or xc + half > x1 + 1e-9 or zc - half < z0 - 1e-9 or zc + half > z1 + 1e-9:
                        continue
                    xv, zv = xc, zc - half + off  # bottom corner of the free diamond
                    for a_i in range(m):
                        for b_i in range(m):
                            uu, vv = (a_i + 0.5) * 2 * rb + 0.001, (b_i + 0.5) * 2 * rb + 0.001
                            bx = xv + (uu - vv) / math.sqrt(2.0)
                            bz = zv + (uu + vv) / math.sqrt(2.0)
                            bottles.append((bx, bz, rb))
    # choose bottles, at most 30
    chosen = [b for i, b in enumerate(bottles) if _hash01(p.bottle_seed, i) < clamp(p.bottle_fill, 0.0, 1.0)]
    chosen = chosen[:30]
    glass = ("green glass", "black glass", "amber glass", "green glass")
    by_mat: dict[str, list[trimesh.Trimesh]] = {}
    caps: list[trimesh.Trimesh] = []
    for i, (x, z, r) in enumerate(chosen):
        g = glass[int(_hash01(p.bottle_seed + 7, i) * len(glass))]
        by_mat.setdefault(g, []).append(_bottle(x, y_b, z, L, r))
        nr = max(0.35 * r, 0.006)
        caps.append(cylinder_along("y", (x, y_b + 0.87 * L, z), 0.12 * L, 1.2 * nr, 8))
    for k, (g, ms) in enumerate(sorted(by_mat.items())):
        parts.append(Part(f"bottles_{k}", merge(ms), g))
    if caps:
        parts.append(Part("bottle_capsules", merge(caps), "burgundy plastic"))
    return parts


def _clip(poly: list[tuple[float, float]], n: tuple[float, float], c: float, keep_le: bool) -> list[tuple[float, float]]:
    """Convex polygon clipped by the half-plane n . p <= c (or >= c)."""
    out: list[tuple[float, float]] = []
    sgn = 1.0 if keep_le else -1.0
    k = len(poly)
    for i in range(k):
        a, b = poly[i], poly[(i + 1) % k]
        fa = sgn * (n[0] * a[0] + n[1] * a[1] - c)
        fb = sgn * (n[0] * b[0] + n[1] * b[1] - c)
        if fa <= 0:
            out.append(a)
        if (fa < 0 < fb) or (fb < 0 < fa):
            tt = fa / (fa - fb)
            out.append((a[0] + tt * (b[0] - a[0]), a[1] + tt * (b[1] - a[1])))
    return out


def wine_rack_surfaces(params: WineRackParams, size: Size) -> list[Surface]:
    """The open bottom compartment (when there is one), then the top."""
    W = _wine(params, size)
    hw, hd = W.w / 2.0, W.d / 2.0
    out = []
    if W.shelf:
        out.append(Surface(0, W.shelf_z, rect(-hw + W.t + 0.01, -hd + 0.02, hw - W.t - 0.01, hd - 0.02), "bottom_shelf",
                           (W.z_in0 - W.t) - W.shelf_z))
    out.append(Surface(len(out), W.h, rect(-hw + 0.015, -hd + 0.015, hw - 0.015, hd - 0.015), "top", None))
    return out


register_generator("wine_rack", WineRackParams, build_wine_rack, wine_rack_surfaces, sample_wine_rack_params)


# ----------------------------------------------------------------------------------------------
# clothing rack


@dataclass(frozen=True)
class ClothingRackParams:
    category: str = "clothing_rack"
    style: str = "tube"  # tube (on casters) | wood (A-frame ends) | pipe (black pipe on floor flanges)
    tube_radius_m: float = 0.014
    bottom_shelf: bool = True
    garments: int = 4
    garment_seed: int = 0
    frame_material: str = "chrome"
    shelf_material: str = "oak wood"


GARMENT_MATERIALS = ("white cotton", "navy cotton", "denim", "black wool", "beige linen", "mustard linen", "grey wool",
                     "burgundy velvet", "olive cotton", "sky blue cotton", "tan wool",
                     "pastel pink linen", "forest green wool", "cream wool")


def sample_clothing_rack_params(rng: np.random.Generator, size: Size,
                                category: str = "clothing_rack") -> ClothingRackParams:
    """Clothing rails: chrome or black tube on casters, wooden A-frames, black pipe; with or without
    a shelf and garments."""
    style = pick(rng, ("tube", "wood", "pipe"), (0.45, 0.3, 0.25))
    frame = {"tube": pick(rng, ("chrome", "black metal", "brushed steel", "white painted metal", "brass")),
             "wood": pick(rng, WOODS[:6]),
             "pipe": pick(rng, ("black metal", "cast iron", "copper"))}[style]
    return ClothingRackParams(
        category=category,
        style=style,
        tube_radius_m=uniform(rng, 0.011, 0.016) if style != "pipe" else uniform(rng, 0.014, 0.018),
        bottom_shelf=chance(rng, 0.5),
        garments=int(rng.integers(0, 9)),
        garment_seed=int(rng.integers(0, 1000)),
        frame_material=frame,
        shelf_material=pick(rng, WOODS[:6]) if style != "wood" or chance(rng, 0.3) else frame,
    )


@dataclass(frozen=True)
class _Rack:
    w: float
    d: float
    h: float
    r: float  # tube radius (uprights, rod)
    z_rod: float
    wire: float  # hanger wire radius
    foot_z: float  # top of the feet / foot bars
    shelf_z: float  # top of the shelf (0: none)
    garments: tuple[tuple[float, float, float, float, int, str], ...]  # (x, thickness, width, z_bottom, kind, material)
    hanger_top: float


def _rack(p: ClothingRackParams, size: Size) -> _Rack:
    w, d, h = (float(v) for v in size)
    r = clamp(p.tube_radius_m, 0.008, 0.02)
    wire = 0.0035
    n = int(clamp(p.garments, 0, 10))
    z_rod = h - r - 2 * wire if n > 0 else h - r
    foot_z = {"tube": 0.075, "wood": 0.0, "pipe": 0.035}.get(p.style, 0.05)
    shelf_z = 0.0
    if p.bottom_shelf:
        shelf_z = clamp(0.22 * h, 0.2, 0.35)
    hanger_top = z_rod - r - 0.004
    lo = (shelf_z + 0.12) if shelf_z else 0.15
    if p.style == "wood":
        lo = max(lo, 0.35 * z_rod + 0.06)
    xin = w / 2.0 - (0.08 if p.style == "wood" else 0.025 + 1.5 * r) - 0.03
    gw = min(0.46, (d - 0.04) / 1.15)
    garments = []
    if n:
        pitch = min(0.09, (2 * xin) / n)
        pitch = max(pitch, 0.03)
        n = min(n, int(2 * xin / pitch))
        start = -pitch * (n - 1) / 2.0
        for i in range(n):
            kind = int(_hash01(p.garment_seed, i) * 3)  # 0 shirt, 1 dress, 2 coat
            length = {0: 0.75, 1: 1.05, 2: 1.0}[kind] * (0.85 + 0.3 * _hash01(p.garment_seed + 3, i))
            top = hanger_top - 0.055
            zb = max(lo, top - length)
            gt = {0: 0.025, 1: 0.03, 2: 0.05}[kind]
            gt = min(gt, 0.8 * pitch)
            mat = GARMENT_MATERIALS[int(_hash01(p.garment_seed + 11, i) * len(GARMENT_MATERIALS))]
            garments.append((start + i * pitch, gt, gw * (0.9 if kind == 0 else 1.0), zb, kind, mat))
    return _Rack(w, d, h, r, z_rod, wire, foot_z, shelf_z, tuple(garments), hanger_top)


def build_clothing_rack(params: ClothingRackParams, size: Size) -> list[Part]:
    """Parts of a clothing rack of exactly ``size`` (rod along X)."""
    p = params
    R = _rack(p, size)
    hw, hd, r = R.w / 2.0, R.d / 2.0, R.r
    mat = p.frame_material
    parts: list[Part] = []
    if p.style == "wood":
        lw = 0.022
        xs = (-(hw - 0.06), hw - 0.06)
        for i, x in enumerate(xs):
            for j, s in enumerate((-1.0, 1.0)):
                parts.append(Part(f"leg_{i}_{j}", slanted((x, s * (hd - lw)), (x, s * 0.02), 0.0, R.z_rod + 0.01, lw, "block"),
                                  mat))
            parts.append(Part(f"cross_bar_{i}", box((x - 0.015, -0.6 * hd, 0.35 * R.z_rod - 0.02), (x + 0.015, 0.6 * hd,
                                                                                                    0.35 * R.z_rod + 0.02)), mat))
        parts.append(Part("rod", cylinder_along("x", (-hw, 0.0, R.z_rod), R.w, r, 16), mat))
        parts.append(Part("stretcher", box((-(hw - 0.06), -0.015, 0.35 * R.z_rod - 0.02), (hw - 0.06, 0.015, 0.35 * R.z_rod + 0.02)),
                          mat))
        shelf_x = hw - 0.085
    else:
        fl = 0.025
        xu = hw - (fl if p.style == "pipe" else max(r, 0.014))
        for i, s in enumerate((-1.0, 1.0)):
            x = s * xu
            parts.append(Part(f"upright_{i}", cylinder((x, 0.0, 0.0), r, R.foot_z - 0.01, R.z_rod, 12), mat))
            parts.append(Part(f"elbow_{i}", sphere((x, 0.0, R.z_rod), r, 12, 6), mat))
            if p.style == "tube":
                fr = 0.014
                parts.append(Part(f"foot_{i}", cylinder_along("y", (x, -hd + 0.03, R.foot_z - fr), R.d - 0.06, fr, 12), mat))
                for j, sy in enumerate((-1.0, 1.0)):
                    cy = sy * (hd - 0.03)
                    cw = min(0.011, r)
                    parts.append(Part(f"caster_{i}_{j}", cylinder_along("x", (x - cw, cy, 0.03), 2 * cw, 0.03, 12), "black rubber"))
                    parts.append(Part(f"caster_fork_{i}_{j}", box((x - r, cy - 0.012, 0.03), (x + r, cy + 0.012,
                                                                                             R.foot_z - fr + 0.004)), mat))
            else:
                fr = 0.016
                parts.append(Part(f"foot_{i}", cylinder_along("y", (x, -hd + 0.01, fr + 0.004), R.d - 0.02, fr, 12), mat))
                for j, sy in enumerate((-1.0, 1.0)):
                    parts.append(Part(f"flange_{i}_{j}", cylinder((x, sy * (hd - fl), 0.0), fl, 0.0, 0.006, 12), mat))
        parts.append(Part("rod", cylinder_along("x", (-xu, 0.0, R.z_rod), 2 * xu, r, 16), mat))
        shelf_x = xu - r
    if R.shelf_z:
        sd = min(R.d - 0.08, 0.45)
        parts.append(Part("shelf", rounded_box((-shelf_x, -sd / 2, R.shelf_z - 0.02), (shelf_x, sd / 2, R.shelf_z), 0.004), p.shelf_material))
        if p.style != "wood":
            for i, y in enumerate((-sd / 2 + 0.03, sd / 2 - 0.03)):
                parts.append(Part(f"shelf_rail_{i}", cylinder_along("x", (-shelf_x - r, y, R.shelf_z - 0.028), 2 * shelf_x + 2 * r,
                                                                   0.008, 8), mat))
    for i, (x, gt, gw, zb, kind, gmat) in enumerate(R.garments):
        parts += _garment(i, x, gt, gw, zb, kind, gmat, R)
    return parts


def _garment(i: int, x: float, gt: float, gw: float, zb: float, kind: int, mat: str, R: _Rack) -> list[Part]:
    """A hanger (hook over the rod, a flat bar) and a garment hanging from it, in the plane x."""
    top = R.hanger_top
    hb = min(0.2, gw / 2.0 - 0.01)
    hanger = [(-hb, top - 0.045), (hb, top - 0.045), (hb, top - 0.033), (0.0, top - 0.012), (-hb, top - 0.033)]
    Rh = R.r + R.wire
    angles = list(range(200, -31, -23))
    arc = [(x, Rh * math.cos(math.radians(a)), R.z_rod + Rh * math.sin(math.radians(a)))
           for a in sorted(set(angles + [90]), reverse=True)]
    hook = sweep_tube([(x, 0.0, top - 0.02)] + arc, R.wire, 8)
    parts = [Part(f"hanger_{i}", merge([slab_yz(hanger, x - 0.004, x + 0.004), hook]),
                  "walnut wood" if kind == 2 else "black plastic")]
    gtop = top - 0.04
    sh = 0.05
    Hw = min(0.25, (R.d - 0.04) / 2.0)  # half width the garment may take, sleeves included
    neck = 0.06
    x0, x1 = x - gt / 2, x + gt / 2
    if kind == 1:  # a dress: no sleeves, flared skirt
        half = min(0.17, 0.9 * Hw / 1.15)
        poly = [(-half * 1.15, zb), (half * 1.15, zb), (half, gtop - sh), (min(neck, 0.8 * half), gtop),
                (-min(neck, 0.8 * half), gtop), (-half, gtop - sh)]
        return parts + [Part(f"garment_{i}", slab_yz(poly, x0, x1), mat)]
    half = min(0.19, 0.72 * Hw)
    sw = max(0.02, min(0.08, Hw - half - 0.015))
    neck = min(neck, 0.8 * half)
    body = [(-half, zb), (half, zb), (half, gtop - sh), (neck, gtop), (-neck, gtop), (-half, gtop - sh)]
    slen = (0.9 if kind == 2 else 0.6) * (gtop - zb)
    pieces = [slab_yz(body, x0, x1)]
    for sgn in (-1.0, 1.0):
        sleeve = [(half - 0.03, gtop - sh + 0.012), (half + sw, gtop - sh - 0.03), (half + sw + 0.012, gtop - sh - slen),
                  (half - 0.005, gtop - sh - slen + 0.01)]
        if sgn < 0:
            sleeve = [(-yy, zz) for yy, zz in reversed(sleeve)]
        pieces.append(slab_yz(sleeve, x0 + 0.002, x1 - 0.002))
    return parts + [Part(f"garment_{i}", merge(pieces), mat)]


def clothing_rack_surfaces(params: ClothingRackParams, size: Size) -> list[Surface]:
    """The bottom shelf, when there is one (clearance up to the lowest thing over its middle)."""
    R = _rack(params, size)
    if not R.shelf_z:
        return []
    hw = R.w / 2.0
    shelf_x = hw - 0.085 if params.style == "wood" else hw - (0.025 if params.style == "pipe" else max(R.r, 0.014)) - R.r
    sd = min(R.d - 0.08, 0.45)
    above = R.z_rod - R.r
    for x, gt, gw, zb, kind, mat in R.garments:
        if x - gt / 2 <= 0.0 <= x + gt / 2:
            above = min(above, zb)
    if params.style == "wood":
        above = min(above, 0.35 * R.z_rod - 0.02)
    return [Surface(0, R.shelf_z, rect(-shelf_x + 0.02, -sd / 2 + 0.02, shelf_x - 0.02, sd / 2 - 0.02), "shelf",
                    above - R.shelf_z)]


register_generator("clothing_rack", ClothingRackParams, build_clothing_rack, clothing_rack_surfaces,
                   sample_clothing_rack_params)


# ----------------------------------------------------------------------------------------------
# coat rack


@dataclass(frozen=True)
class CoatRackParams:
    category: str = "coat_rack"
    base: str = "legs"  # legs (four curved legs) | disc | cross (two crossed flat feet)
    hook_style: str = "curl"  # curl | peg | double
    hook_count: int = 6
    tiers: int = 1
    pole_shape: str = "round"  # round | square
    pole_radius_m: float = 0.02
    finial: str = "ball"  # ball | cap
    umbrella_ring: bool = False
    pole_material: str = "walnut wood"
    hook_material: str = "black metal"


def sample_coat_rack_params(rng: np.random.Generator, size: Size, category: str = "coat_rack") -> CoatRackParams:
    """Coat stands: wooden or metal poles on legs, discs or crossed feet, with curled hooks, pegs or
    two-prong hooks."""
    wood = chance(rng, 0.65)
    pole = pick(rng, WOODS[:6]) if wood else pick(rng, ("black metal", "brushed steel", "brass", "white painted metal"))
    hs = pick(rng, ("curl", "peg", "double"))
    return CoatRackParams(
        category=category,
        base=pick(rng, ("legs", "disc", "cross")),
        hook_style=hs,
        hook_count=int(rng.integers(4, 9)),
        tiers=pick(rng, (1, 2), (0.6, 0.4)),
        pole_shape=pick(rng, ("round", "square")) if wood else "round",
        pole_radius_m=uniform(rng, 0.016, 0.026),
        finial=pick(rng, ("ball", "cap")),
        umbrella_ring=chance(rng, 0.3),
        pole_material=pole,
        hook_material=pole if hs == "peg" and wood else pick(rng, ("black metal", "brass", "chrome", "brushed steel")),
    )


def build_coat_rack(params: CoatRackParams, size: Size) -> list[Part]:
    """Parts of a coat stand of exactly ``size`` (round about the pole; nothing to put things on)."""
    p = params
    w, d, h = (float(v) for v in size)
    a, b = w / 2.0, d / 2.0
    pr = clamp(p.pole_radius_m, 0.012, 0.035)
    parts: list[Part] = []
    fin_r = 1.6 * pr if p.finial == "ball" else 1.3 * pr
    pole_top = h - (2 * fin_r if p.finial == "ball" else 0.02)
    if p.pole_shape == "square":
        pole = rounded_box((-pr, -pr, 0.0), (pr, pr, pole_top + 0.005), 0.004, steps=1)
    else:
        pole = cylinder((0.0, 0.0, 0.0), pr, 0.0, pole_top + 0.005, 16)
    parts.append(Part("pole", pole, p.pole_material))
    if p.finial == "ball":
        parts.append(Part("finial", sphere((0.0, 0.0, h - fin_r), fin_r, 16, 8), p.pole_material))
    else:
        parts.append(Part("finial", frustum((0.0, 0.0, 0.0), 1.3 * pr, 0.8 * pr, pole_top, h, 16), p.pole_material))
    # base
    if p.base == "disc":
        parts.append(Part("base", lathe([(0.0, 0.0), (a, 0.0), (a, 0.012), (0.92 * a, 0.03), (0.0, 0.03)], 32,
                                        scale_xy=(1.0, b / a)), p.pole_material if p.pole_material not in WOODS else "black metal"))
        parts.append(Part("collar", frustum((0.0, 0.0, 0.0), 2.0 * pr, 1.2 * pr, 0.028, 0.1, 16), p.pole_material))
    elif p.base == "cross":
        t = 0.028
        for i, ang in enumerate((0.0, 90.0)):
            ext = a if ang == 0.0 else b
            if ang == 0.0:
                m = rounded_box((-ext, -0.025, 0.0), (ext, 0.025, t), 0.006, steps=1)
            else:
                m = rounded_box((-0.025, -ext, 0.0), (0.025, ext, t), 0.006, steps=1)
            parts.append(Part(f"foot_{i}", m, p.pole_material))
        for i, (x, y) in enumerate(((a - 0.03, 0.0), (-a + 0.03, 0.0), (0.0, b - 0.03), (0.0, -b + 0.03))):
            parts.append(Part(f"foot_pad_{i}", cylinder((x, y, 0.0), 0.02, 0.0, 0.006, 8), "black rubber"))
    else:
        lr = clamp(0.6 * pr, 0.01, 0.018)
        z_top = clamp(0.2 * h, 0.25, 0.4)
        for i in range(4):
            t = math.radians(45.0 + 90.0 * i)
            c, s = math.cos(t), math.sin(t)
            fx, fy = (a - lr) * math.copysign(1.0, c), (b - lr) * math.copysign(1.0, s)
            pts = []
            for k in range(9):
                u = k / 8.0
                # from the pole out and down in an S curve to the floor
                px = (0.5 * pr * c) + (fx - 0.5 * pr * c) * (0.5 - 0.5 * math.cos(math.pi * u))
                py = (0.5 * pr * s) + (fy - 0.5 * pr * s) * (0.5 - 0.5 * math.cos(math.pi * u))
                pz = lr + (z_top - lr) * (1.0 - u) ** 1.6
                pts.append((px, py, pz))
            parts.append(Part(f"leg_{i}", sweep_tube(pts, lr, 8), p.pole_material))
            parts.append(Part(f"foot_{i}", sphere((fx, fy, lr), lr, 8, 4), p.pole_material))
    # hooks
    reach = clamp(min(a, b) - 0.02, 0.08, 0.2)
    tiers = int(clamp(p.tiers, 1, 2))
    n = int(clamp(p.hook_count, 3, 8))
    k = 0
    for tier in range(tiers):
        zh = pole_top - 0.06 - tier * 0.22
        rch = reach if tier == 0 else 0.8 * reach
        off = 0.0 if tier == 0 else 180.0 / n
        for j in range(n):
            t = math.radians(off + 360.0 * j / n + 22.5)
            c, s = math.cos(t), math.sin(t)
            for name, mesh in _coat_hook_meshes(p.hook_style, pr, rch, zh, c, s):
                parts.append(Part(f"{name}_{k}", mesh, p.hook_material))
            k += 1
        if p.hook_style != "peg":
            parts.append(Part(f"hook_collar_{tier}", cylinder((0.0, 0.0, 0.0), pr * 1.35, zh - 0.025, zh + 0.02, 16),
                              p.hook_material))
    if p.umbrella_ring:
        zr = clamp(0.3 * h, 0.45, 0.6)
        rr = min(a, b) - 0.06
        parts.append(Part("umbrella_ring", sweep_tube(superellipse_ring(rr, rr, zr, n=24), 0.007, 8, closed=True, up=(0, 0, 1)),
                          p.hook_material))
        for j in range(3):
            t = math.radians(90.0 + 120.0 * j)
            parts.append(Part(f"ring_spoke_{j}", rod((0.0, 0.0, zr), (rr * math.cos(t), rr * math.sin(t), zr), 0.006, 8),
                              p.hook_material))
    return fit_exact(parts, size)


def _coat_hook_meshes(style: str, pr: float, reach: float, z: float, c: float, s: float):
    """Meshes of one hook leaving the pole in the direction (c, s) at height z."""
    def P(rho: float, dz: float) -> tuple[float, float, float]:
        return (rho * c, rho * s, z + dz)

    out = []
    if style == "peg":
        r = 0.011
        tip = P(0.75 * reach, 0.09)
        out.append(("hook", rod(P(0.3 * pr, -0.02), tip, r, 8)))
        out.append(("hook_tip", sphere(tip, 1.7 * r, 8, 4)))
        return out
    r = 0.006
    pts = [P(0.5 * pr, 0.0), P(0.4 * reach, -0.01), P(0.65 * reach, -0.02), P(0.85 * reach, 0.0), P(0.95 * reach, 0.035),
           P(0.93 * reach, 0.07)]
    out.append(("hook", sweep_tube(pts, r, 8)))
    out.append(("hook_tip", sphere(pts[-1], 1.8 * r, 8, 4)))
    if style == "double":
        pts2 = [P(0.5 * pr, 0.03), P(0.35 * reach, 0.07), P(0.5 * reach, 0.12)]
        out.append(("hook_upper", sweep_tube(pts2, r, 8)))
        out.append(("hook_upper_tip", sphere(pts2[-1], 1.8 * r, 8, 4)))
    return out


register_generator("coat_rack", CoatRackParams, build_coat_rack, no_surfaces, sample_coat_rack_params)


# ----------------------------------------------------------------------------------------------
# coat hook


@dataclass(frozen=True)
class CoatHookParams:
    category: str = "coat_hook"
    mount: str = "board"  # board (wooden rail) | plate (metal bar) | none (each hook on its own plate)
    hook_style: str = "j"  # j | double | peg | knob
    spacing_m: float = 0.13  # hook spacing (the count follows the width, 1-6)
    shelf: bool = False  # a small shelf on top (tall and deep enough sizes only)
    board_material: str = "oak wood"
    hook_material: str = "black metal"


def sample_coat_hook_params(rng: np.random.Generator, size: Size, category: str = "coat_hook") -> CoatHookParams:
    """Coat hooks: J hooks or two-prong hooks on a rail, Shaker peg rails, knob rails."""
    style = pick(rng, ("j", "double", "peg", "knob"))
    mount = pick(rng, ("board", "plate", "none"), (0.6, 0.2, 0.2))
    board = pick(rng, WOODS) if mount == "board" else pick(rng, ("black metal", "brass", "brushed steel"))
    hook = pick(rng, WOODS[:5]) if style in ("peg", "knob") and chance(rng, 0.7) else pick(rng, METALS[:5])
    return CoatHookParams(
        category=category,
        mount=mount,
        hook_style=style,
        spacing_m=uniform(rng, 0.1, 0.18),
        shelf=mount == "board" and chance(rng, 0.4),
        board_material=board,
        hook_material=hook,
    )


@dataclass(frozen=True)
class _Hooks:
    w: float
    d: float
    h: float
    bt: float  # board thickness (y)
    hb: float  # top of the board (below a shelf)
    shelf: bool
    st: float
    xs: tuple[float, ...]
    pw: float  # plate width for mount "none"
    rmax: float  # largest radius a hook may have about its x (stays inside the width)


def _hooks(p: CoatHookParams, size: Size) -> _Hooks:
    w, d, h = (float(v) for v in size)
    bt = clamp(0.35 * d, 0.006, 0.022) if p.mount != "plate" else clamp(0.2 * d, 0.004, 0.008)
    shelf = p.shelf and h >= 0.12 and d >= 0.06 and p.mount == "board"
    st = clamp(0.1 * h, 0.015, 0.022) if shelf else 0.0
    hb = h - st
    sp = clamp(p.spacing_m, 0.06, 0.3)
    m = min(0.05, 0.12 * w)
    n = int(clamp(math.floor((w - 2 * m) / sp) + 1, 1, 6))
    if n == 1:
        xs = (0.0,)
    else:
        span = min(sp * (n - 1), w - 2 * m)
        xs = tuple(-span / 2 + span * k / (n - 1) for k in range(n))
    pw = w if n == 1 else min(0.05, 0.7 * (xs[1] - xs[0]), w / n)
    if n > 1 and p.mount == "none":  # outer plates reach the ends exactly
        xs = tuple(-w / 2 + pw / 2 + (w - pw) * k / (n - 1) for k in range(n))
    rmax = pw / 2.0 if p.mount == "none" else (w / 2.0 if n == 1 else m)
    return _Hooks(w, d, h, bt, hb, shelf, st, xs, pw, rmax)


def build_coat_hook(params: CoatHookParams, size: Size) -> list[Part]:
    """Parts of a coat hook rail of exactly ``size`` (back on the wall at -Y, hooks to +Y)."""
    p = params
    H = _hooks(p, size)
    hw, hd = H.w / 2.0, H.d / 2.0
    parts: list[Part] = []
    y_face = -hd + H.bt
    if p.mount == "none":
        for i, x in enumerate(H.xs):
            parts.append(Part(f"plate_{i}", rounded_box((x - H.pw / 2, -hd, 0.0), (x + H.pw / 2, y_face, H.hb),
                                                        min(0.004, 0.2 * H.pw), steps=1), p.board_material))
    else:
        parts.append(Part("rail" if p.mount == "board" else "plate", rounded_box((-hw, -hd, 0.0), (hw, y_face, H.hb),
                                                                                min(0.004, 0.3 * H.bt), steps=1),
                          p.board_material))
    zc = 0.5 * H.hb
    depth = H.d - H.bt  # reach from the face to the front
    for i, x in enumerate(H.xs):
        for name, mesh in _wall_hook(p.hook_style, x, y_face, depth, zc, H.hb, H.rmax):
            parts.append(Part(f"{name}_{i}", mesh, p.hook_material))
    if H.shelf:
        parts.append(Part("shelf", rounded_box((-hw, -hd, H.hb - 0.001), (hw, hd, H.h), 0.003), p.board_material))
        bl = min(0.6 * H.d, 0.5 * H.hb)
        for i, s in enumerate((-1.0, 1.0)):
            x = s * (hw - min(0.03, 0.1 * H.w))
            poly = [(y_face - 0.001, H.hb - bl), (y_face - 0.001, H.hb), (hd - 0.01, H.hb)]
            parts.append(Part(f"shelf_bracket_{i}", slab_yz(poly, x - 0.008, x + 0.008), p.board_material))
    return parts


def _wall_hook(style: str, x: float, y0: float, depth: float, zc: float, hb: float, rmax: float):
    """One hook leaving the wall face y0 at (x, zc), reaching exactly y0 + depth."""
    out = []
    y1 = y0 + depth
    if style in ("peg", "knob"):
        L = depth + 0.003
        r = clamp(0.22 * depth, 0.004, 0.014)
        r = min(r, 0.3 * hb, rmax / 1.35)
        if style == "peg":
            prof = [(0.0, 0.0), (r, 0.0), (0.8 * r, 0.55 * L), (0.8 * r, 0.8 * L), (1.35 * r, 0.86 * L), (1.35 * r, 0.96 * L),
                    (0.9 * r, L), (0.0, L)]
        else:
            k = min(1.9 * r, 0.45 * hb, rmax)
            prof = [(0.0, 0.0), (0.7 * r, 0.0), (0.7 * r, 0.45 * L), (k, 0.6 * L), (k, 0.85 * L), (0.7 * k, L), (0.0, L)]
        out.append(("hook", lathe(prof, 12, (x, y0 - 0.003, zc), axis="y")))
        return out
    wr = min(clamp(0.08 * depth, 0.0025, 0.006), 0.06 * hb, rmax / 1.4)
    R = min(clamp(0.28 * depth, 0.004, 0.03), 0.22 * hb)
    yc = y1 - wr - R
    z0 = zc - 0.3 * R
    pts = [(x, y0 - 0.002, z0)]
    ys = np.linspace(y0 + 0.0, yc, 4)[1:]
    pts += [(x, float(y), z0) for y in ys[:-1]]
    for a in (-90, -60, -30, 0, 30, 60):
        t = math.radians(a)
        pts.append((x, yc + R * math.cos(t), z0 + R + R * math.sin(t)))
    out.append(("hook", sweep_tube(pts, wr, 8)))
    out.append(("hook_tip", sphere(pts[-1], 1.4 * wr, 8, 4)))
    if style == "double":
        top = (x, y0 + 0.45 * depth, min(z0 + 2.4 * R + 0.02, hb - 2.0 * wr))
        out.append(("hook_upper", rod((x, y0 - 0.002, z0 + 0.01), top, wr, 8)))
        out.append(("hook_upper_tip", sphere(top, 1.4 * wr, 8, 4)))
    return out


def coat_hook_surfaces(params: CoatHookParams, size: Size) -> list[Surface]:
    """The small shelf on top, when there is one."""
    H = _hooks(params, size)
    if not H.shelf:
        return []
    hw, hd = H.w / 2.0, H.d / 2.0
    return [Surface(0, H.h, rect(-hw + 0.01, -hd + 0.01, hw - 0.01, hd - 0.01), "shelf", None)]


register_generator("coat_hook", CoatHookParams, build_coat_hook, coat_hook_surfaces, sample_coat_hook_params)
