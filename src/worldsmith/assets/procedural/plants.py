"""Plants: potted floor plants and small table/shelf plants.

A pot (a lathe with a shallow cavity, or a box) with a soil mound, and foliage built from thick leaf
sheets (arching, folded blades with a width profile), swept stems/trunks and ellipsoid clumps,
then fitted to the box (spread scaled about the stem, height scaled above the soil).

- potted_plant species: fiddle-leaf fig (a trunk with big oval leaves), snake plant (upright
  sword blades), areca palm (arching pinnate fronds), Boston fern (a mound of drooping fronds),
  monstera (broad leaves on long stalks), olive-like tree (trunk, branches, leaf clumps); pots:
  tapered terracotta, cylinder, belly urn, bowl, woven basket, or a pot raised on a wooden stand.
- small_plant species: succulent rosettes (one or several), columnar / barrel cactus with arms,
  pilea (round leaves on stalks), a small snake plant, trailing pothos; pots: cylinder, tapered,
  bowl, octagonal, cube.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import trimesh

from ..parts import Part
from ..primitives import lathe, merge, raw_mesh, rotation_z, rounded_box, transformed
from ._shapes import chaikin, ellipsoid, fit_exact, no_surfaces, rotation_y, sheet, sweep, translation
from .params import chance, clamp, pick, register_generator, uniform

Size = tuple[float, float, float]
LEAVES = "green leaves"
SOIL = "potting soil"
GOLDEN = math.pi * (3.0 - math.sqrt(5.0))

POT_MATERIALS = ("terracotta", "white ceramic", "cream ceramic", "sage ceramic", "charcoal ceramic", "black ceramic",
                 "navy ceramic", "mustard ceramic", "blush ceramic", "concrete", "terracotta ceramic", "white plastic",
                 "grey plastic", "teal ceramic")


# ---------------------------------------------------------------------------------------------
# leaves and fitting
# ---------------------------------------------------------------------------------------------


def _width(shape: str, u: np.ndarray, teeth: int) -> np.ndarray:
    """Half-width profile (0..1) along a leaf from base (u=0) to tip (u=1)."""
    if shape == "sword":
        return np.sqrt(np.clip(1.0 - u ** 4, 0.0, 1.0)) * (0.75 + 0.25 * np.sin(np.pi * np.clip(u * 1.2, 0, 1)))
    if shape == "heart":  # broad, lobed at the base, pointed tip
        return np.sin(np.pi * (0.1 + 0.9 * u)) ** 0.55 * (1.0 - 0.15 * u)
    if shape == "round":
        return np.sin(np.pi * u) ** 0.5
    if shape == "frond":  # a bare stalk, then leaflets (teeth) along a spindle-shaped outline
        env = np.where(u < 0.25, 0.0, np.sin(np.pi * np.clip((u - 0.25) / 0.75, 0.0, 1.0)) ** 0.7)
        return env * (0.25 + 0.75 * np.abs(np.sin(teeth * np.pi * u)))
    return np.sin(np.pi * u) ** 0.75  # oval


def leaf(length: float, width: float, pitch_deg: float, droop_deg: float, shape: str = "oval", fold: float = 0.15,
         thickness: float = 0.004, n_u: int = 8, teeth: int = 0) -> trimesh.Trimesh:
    """A leaf whose base is at the origin, pointing along +X: it leaves at ``pitch`` above the
    horizontal and bends down by ``droop`` towards the tip; V-folded along the midrib by ``fold``."""
    u = np.linspace(0.0, 1.0, n_u)
    phi = np.radians(pitch_deg - droop_deg * u ** 1.3)
    step = length / (n_u - 1)
    dx, dz = np.cos(phi) * step, np.sin(phi) * step
    sx = np.concatenate([[0.0], np.cumsum((dx[:-1] + dx[1:]) / 2)])
    sz = np.concatenate([[0.0], np.cumsum((dz[:-1] + dz[1:]) / 2)])
    hw = np.maximum(width / 2 * _width(shape, u, teeth), 0.0015)
    nx, nz = -np.sin(phi), np.cos(phi)
    v = np.array([-1.0, 0.0, 1.0])
    front = np.empty((n_u, 3, 3))
    back = np.empty((n_u, 3, 3))
    for i in range(n_u):
        lift = fold * np.abs(v) * hw[i]
        for grid, side in ((front, 0.5), (back, -0.5)):
            off = lift + side * thickness
            grid[i, :, 0] = sx[i] + off * nx[i]
            grid[i, :, 1] = v * hw[i]
            grid[i, :, 2] = sz[i] + off * nz[i]
    return sheet(front, back)


def _placed(mesh: trimesh.Trimesh, x: float, y: float, z: float, yaw_deg: float) -> trimesh.Trimesh:
    return transformed(mesh, translation(x, y, z) @ rotation_z(yaw_deg))


def _fit_plant(pot: list[Part], foliage: list[Part], size: Size, z_soil: float, cap: float = 1.7) -> list[Part]:
    """Fit the plant to the box: along x and y the foliage is scaled about the stem axis (each
    half-axis on its own, by at most ``cap``) to reach the sides; where it cannot, the pot widens to
    the side (an oval planter) and the foliage only shrinks if it sticks out. Above the soil the
    foliage is scaled so its top is at h."""
    w, d, h = size
    lo = np.min([p.mesh.bounds[0] for p in foliage], axis=0)
    hi = np.max([p.mesh.bounds[1] for p in foliage], axis=0)
    pot_ext = np.max([np.abs(p.mesh.vertices[:, :2]).max(axis=0) for p in pot], axis=0)
    f: dict[tuple[int, int], float] = {}
    pot_scale = [1.0, 1.0]
    for a, bound in ((0, w / 2), (1, d / 2)):
        exts = {1: max(hi[a], 1e-6), -1: max(-lo[a], 1e-6)}
        pot_fills = pot_ext[a] >= bound - 1e-6
        if not pot_fills and any(bound / e > cap for e in exts.values()):
            pot_scale[a] = bound / pot_ext[a]
            pot_fills = True
        for sgn, ext in exts.items():
            f[(a, sgn)] = min(1.0, bound / ext) if pot_fills else bound / ext
    kz = (h - z_soil) / (hi[2] - z_soil) if hi[2] > z_soil + 1e-6 else 1.0
    out = []
    for p in pot:
        if pot_scale != [1.0, 1.0]:
            out.append(Part(p.name, transformed(p.mesh, np.diag([pot_scale[0], pot_scale[1], 1.0, 1.0])), p.material))
        else:
            out.append(p)
    for p in foliage:
        v = p.mesh.vertices.copy()
        for a in (0, 1):
            v[:, a] = np.where(v[:, a] > 0, v[:, a] * f[(a, 1)], v[:, a] * f[(a, -1)])
        v[:, 2] = np.where(v[:, 2] > z_soil, z_soil + (v[:, 2] - z_soil) * kz, v[:, 2])
        out.append(Part(p.name, raw_mesh(v, p.mesh.faces.copy()), p.material))
    return fit_exact(out, size)


# ---------------------------------------------------------------------------------------------
# pots
# ---------------------------------------------------------------------------------------------


def _pot(style: str, r: float, ph: float, material: str, sections: int = 24) -> tuple[list[Part], float]:
    """A pot of top radius ``r`` and height ``ph`` standing on z=0 (raised on legs for "stand");
    returns the parts and the soil height."""
    parts: list[Part] = []
    t = clamp(0.08 * r, 0.004, 0.015)
    z0 = 0.0
    if style == "stand":  # a cylinder pot on a wooden stand
        legs_h = 0.4 * ph
        z0 = legs_h
        ph = ph - legs_h
        legs = []
        for k in range(4):
            a = math.radians(45.0 + 90.0 * k)
            top = (0.75 * r * math.cos(a), 0.75 * r * math.sin(a), z0 + 0.02)
            foot = (0.98 * r * math.cos(a), 0.98 * r * math.sin(a), 0.0)
            legs.append(sweep([foot, top], clamp(0.06 * r, 0.008, 0.015), 8))
        legs.append(transformed(rounded_box((-0.8 * r, -0.015, z0 - 0.02), (0.8 * r, 0.015, z0), 0.004, 1),
                                rotation_z(45.0)))
        legs.append(transformed(rounded_box((-0.8 * r, -0.015, z0 - 0.02), (0.8 * r, 0.015, z0), 0.004, 1),
                                rotation_z(-45.0)))
        parts.append(Part("stand", merge(legs), pick_wood(material)))
        style = "cylinder"
    z_soil = z0 + ph - clamp(0.08 * ph, 0.01, 0.04)
    if style == "tapered":  # a flower pot with a rolled rim
        rim = clamp(0.15 * ph, 0.015, 0.06)
        prof = [(0.0, z0), (0.72 * r, z0), (0.9 * r, z0 + ph - rim), (r, z0 + ph - rim), (r, z0 + ph)]
    elif style == "belly":
        prof = [(0.0, z0), (0.62 * r, z0), (0.92 * r, z0 + 0.3 * ph), (r, z0 + 0.55 * ph), (0.92 * r, z0 + 0.85 * ph),
                (0.85 * r, z0 + ph)]
    elif style == "bowl":
        prof = [(0.0, z0), (0.5 * r, z0)] + [(r * (0.5 + 0.5 * math.sin(math.pi / 2 * k / 5)),
                                              z0 + ph * (1 - math.cos(math.pi / 2 * k / 5))) for k in range(1, 6)]
    elif style == "basket":
        prof = [(0.0, z0), (0.88 * r, z0), (r, z0 + ph)]
    elif style == "octagon":
        prof = [(0.0, z0), (0.8 * r, z0), (r, z0 + 0.35 * ph), (0.95 * r, z0 + ph)]
        sections = 8
    elif style == "cube":
        parts.append(Part("pot", rounded_box((-r, -r, z0), (r, r, z0 + ph), min(0.01, 0.1 * r), 1), material))
        rs = r - t
        parts.append(Part("soil", lathe([(0.0, z0 + ph - 0.005), (rs, z0 + ph - 0.005), (rs, z0 + ph + 0.003),
                                         (0.0, z0 + ph + 0.008)], 16, scale_xy=(1.0, 1.0)), SOIL))
        return parts, z0 + ph + 0.003
    else:  # cylinder
        prof = [(0.0, z0), (0.95 * r, z0), (r, z0 + 0.02 * ph), (r, z0 + ph)]
    r_top = prof[-1][0]
    prof += [(r_top - t, z0 + ph), (r_top - 1.2 * t, z_soil), (0.0, z_soil)]
    parts.append(Part("pot", lathe(prof, sections), material))
    rs = r_top - 1.2 * t
    mound = [(0.0, z_soil - 0.01), (rs, z_soil - 0.01), (rs, z_soil), (0.6 * rs, z_soil + 0.008), (0.0, z_soil + 0.012)]
    parts.append(Part("soil", lathe(mound, 16), SOIL))
    if style == "basket":  # woven bands
        bands = [lathe([(0.0, z0 + f * ph - 0.008), (rr + 0.004, z0 + f * ph - 0.008),
                        (rr + 0.004, z0 + f * ph + 0.008), (0.0, z0 + f * ph + 0.008)], sections)
                 for f, rr in ((0.15, 0.88 * r + 0.12 * r * 0.15), (0.85, 0.88 * r + 0.12 * r * 0.85))]
        parts.append(Part("basket_bands", merge(bands), "jute"))
    if style == "tapered" and material == "terracotta":
        parts.append(Part("saucer", lathe([(0.0, 0.0), (0.85 * r, 0.0), (0.88 * r, 0.025), (0.0, 0.025)], sections),
                          material))
    return parts, z_soil + 0.008


def pick_wood(seed_text: str) -> str:
    """A stand wood chosen from the pot material (deterministic)."""
    woods = ("oak wood", "walnut wood", "beech wood", "black painted wood")
    return woods[sum(map(ord, seed_text)) % len(woods)]


# ---------------------------------------------------------------------------------------------
# potted plant (floor)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PottedPlantParams:
    category: str = "potted_plant"
    species: str = "fiddle_fig"  # fiddle_fig | snake | palm | fern | monstera | tree
    pot: str = "tapered"  # tapered | cylinder | belly | bowl | basket | stand
    pot_material: str = "terracotta"
    pot_width_frac: float = 0.6  # pot diameter / the box's smaller side
    pot_height_frac: float = 0.3  # pot height / plant height
    leaf_count: int = 14
    leaf_scale: float = 1.0
    trunk_material: str = "walnut wood"
    layout_seed: int = 0


def sample_potted_plant_params(rng: np.random.Generator, size: Size,
                               category: str = "potted_plant") -> PottedPlantParams:
    """Species, pot style and material, proportions and leaf count."""
    w, d, h = size
    if h >= 1.5:
        species = pick(rng, ("fiddle_fig", "palm", "tree", "monstera"), (0.35, 0.3, 0.25, 0.1))
    elif h >= 0.9:
        species = pick(rng, ("fiddle_fig", "snake", "palm", "monstera", "tree", "fern"),
                       (0.2, 0.2, 0.2, 0.2, 0.1, 0.1 if h <= 1.0 else 0.0))
    else:
        species = pick(rng, ("snake", "fern", "monstera", "palm", "fiddle_fig"), (0.25, 0.25, 0.25, 0.15, 0.1))
    pot = pick(rng, ("tapered", "cylinder", "belly", "bowl", "basket", "stand"))
    if species == "fern" and (pot == "bowl" or h > 1.0):
        pot = "stand"
    mat = "rattan" if pot == "basket" else pick(rng, POT_MATERIALS)
    counts = {"fiddle_fig": (18, 30), "snake": (6, 13), "palm": (8, 13), "fern": (12, 20), "monstera": (5, 9),
              "tree": (5, 9)}[species]
    return PottedPlantParams(
        category=category,
        species=species,
        pot=pot,
        pot_material=mat,
        pot_width_frac=uniform(rng, 0.45, 0.75) if species not in ("fern", "palm") else uniform(rng, 0.35, 0.55),
        pot_height_frac=uniform(rng, 0.22, 0.38) if pot != "stand" else uniform(rng, 0.35, 0.5),
        leaf_count=int(rng.integers(counts[0], counts[1] + 1)),
        leaf_scale=uniform(rng, 0.85, 1.15),
        trunk_material=pick(rng, ("walnut wood", "oak wood", "chocolate painted wood")),
        layout_seed=int(rng.integers(0, 2**31 - 1)),
    )


def _foliage(species: str, rng: np.random.Generator, n: int, hf: float, hx: float, hy: float, z: float, scale: float,
             trunk_material: str) -> list[Part]:
    """Foliage of ``species`` rising about ``hf`` above the soil at height ``z`` and spreading about
    ``hx`` by ``hy`` (half extents); reaches and leaf lengths follow that ellipse."""
    parts: list[Part] = []
    hm = min(hx, hy)

    def ell(a: float) -> float:  # the spread's radius in direction a
        return 1.0 / math.hypot(math.cos(a) / hx, math.sin(a) / hy)

    def polar(a: float, rr: float) -> tuple[float, float]:
        return rr * math.cos(a), rr * math.sin(a)

    if species == "fiddle_fig":
        trunk_h = hf * 0.82
        lean = rng.uniform(-0.05, 0.05, 2) * hf
        tpts = np.array([(lean[0] * t ** 2, lean[1] * t ** 2, z + trunk_h * t) for t in np.linspace(0, 1, 6)])
        stems = [sweep(tpts, np.linspace(0.022, 0.01, 6) * (hf / 1.2) ** 0.5, 8)]
        L = clamp(max(0.4 * hm, 0.2 * hf), 0.1, 0.42) * scale
        anchors: list[tuple[np.ndarray, float | None]] = [(tpts, None)]
        n_br = int(clamp(round((max(hx, hy) - L) / (0.4 * L)), 0, 3))
        a0 = 0.0 if hx >= hy else math.pi / 2
        for b in range(n_br):  # side branches reaching out to the sides
            a = a0 + 2 * math.pi * b / n_br + rng.uniform(-0.3, 0.3)
            zb = z + trunk_h * rng.uniform(0.35, 0.6)
            reach = max(ell(a) - 0.75 * L, 0.3 * ell(a))
            end = (*polar(a, reach), zb + 0.3 * (z + hf - zb) * rng.uniform(0.6, 1.0))
            bp = np.array([(0.0, 0.0, zb), (*polar(a, 0.5 * reach), zb + 0.15 * (end[2] - zb)), end])
            stems.append(sweep(bp, [0.012 * hf ** 0.5, 0.009 * hf ** 0.5, 0.006 * hf ** 0.5], 6))
            anchors.append((bp, a))
        parts.append(Part("trunk", merge(stems), trunk_material))
        leaves = []
        for k in range(n):
            src, dir_a = anchors[k % len(anchors)]
            t = rng.uniform(0.35, 1.0) if dir_a is None else rng.uniform(0.4, 1.0)
            seg = t * (len(src) - 1)
            i0 = min(int(seg), len(src) - 2)
            pt = src[i0] + (src[i0 + 1] - src[i0]) * (seg - i0)
            a = GOLDEN * k + rng.uniform(-0.3, 0.3) if dir_a is None else dir_a + rng.uniform(-1.2, 1.2)
            lsz = L * (1.15 - 0.4 * t) * rng.uniform(0.85, 1.1)
            m = leaf(lsz, 0.65 * lsz, rng.uniform(10, 40) + 30 * t, rng.uniform(20, 45), "oval", 0.12, 0.004, 7)
            leaves.append(_placed(m, float(pt[0]), float(pt[1]), float(pt[2]), math.degrees(a)))
        parts.append(Part("leaves", merge(leaves), LEAVES))
    elif species == "snake":
        blades = []
        wd = clamp(0.06 * hf ** 0.5, 0.025, 0.09) * scale
        for k in range(n):
            a = GOLDEN * k
            f = math.sqrt((k + 0.5) / n)
            rr = 0.45 * ell(a) * f
            L = hf * rng.uniform(0.65, 1.0)
            # outer blades lean out far enough to reach the sides
            lean = clamp(math.degrees(math.atan2(max(ell(a) - rr - wd, 0.0), 0.8 * L)), 3.0, 30.0) * f
            m = leaf(L, wd * rng.uniform(0.8, 1.2), 88.0 - lean, rng.uniform(0, 8), "sword", 0.3, 0.005, 7)
            blades.append(_placed(m, *polar(a, rr), z, math.degrees(a)))
        parts.append(Part("leaves", merge(blades), LEAVES))
    elif species == "palm":
        stems, fronds = [], []
        for k in range(n):
            a = GOLDEN * k + rng.uniform(-0.2, 0.2)
            L = max(ell(a) * rng.uniform(1.0, 1.3), 0.4 * hf * rng.uniform(0.9, 1.1)) * scale
            pitch, droop = rng.uniform(55, 75), rng.uniform(60, 90)
            sh = max(0.1 * hf, hf * rng.uniform(0.85, 1.0) - 0.5 * L * math.sin(math.radians(pitch)))
            tx, ty = polar(a, 0.2 * ell(a) * rng.uniform(0.5, 1.0))
            stems.append(sweep([(0.0, 0.0, z), (0.4 * tx, 0.4 * ty, z + 0.6 * sh), (tx, ty, z + sh)], 0.006, 6))
            teeth = int(rng.integers(9, 13))
            m = leaf(L, clamp(0.5 * L, 0.1, 0.55), pitch, droop, "frond", 0.1, 0.004, 24, teeth=teeth)
            fronds.append(_placed(m, tx, ty, z + sh, math.degrees(a)))
        parts.append(Part("stems", merge(stems), LEAVES))
        parts.append(Part("fronds", merge(fronds), LEAVES))
    elif species == "fern":
        fronds = []
        for k in range(n):
            a = GOLDEN * k + rng.uniform(-0.2, 0.2)
            L = ell(a) * rng.uniform(1.0, 1.25) * scale
            m = leaf(L, clamp(0.3 * L, 0.05, 0.3), rng.uniform(45, 75), rng.uniform(80, 130), "frond", 0.05, 0.003, 20,
                     teeth=int(rng.integers(9, 14)))
            fronds.append(_placed(m, *polar(a, 0.04 * hm), z, math.degrees(a)))
        parts.append(Part("fronds", merge(fronds), LEAVES))
    elif species == "monstera":
        stems, leaves = [], []
        L0 = clamp(max(0.45 * hm, 0.28 * hf), 0.06, 0.45) * scale
        for k in range(n):
            a = GOLDEN * k + rng.uniform(-0.2, 0.2)
            L = L0 * rng.uniform(0.8, 1.1)
            reach = max(ell(a) - 0.8 * L, 0.15 * ell(a)) * rng.uniform(0.7, 1.0)
            top = hf * rng.uniform(0.5, 0.85)
            pts = [(*polar(a, reach * t), z + top * math.sin(math.pi / 2 * t) ** 0.8) for t in np.linspace(0, 1, 6)]
            stems.append(sweep(pts, clamp(0.015 * hm, 0.002, 0.007), 6))
            m = leaf(L, 0.95 * L, rng.uniform(-5, 25), rng.uniform(20, 45), "heart", 0.1, 0.004, 8)
            leaves.append(_placed(m, pts[-1][0], pts[-1][1], pts[-1][2], math.degrees(a) + rng.uniform(-20, 20)))
        parts.append(Part("stems", merge(stems), LEAVES))
        parts.append(Part("leaves", merge(leaves), LEAVES))
    elif species == "tree":
        trunk_h = hf * 0.45
        crz = (hf - trunk_h) / 2
        crc = z + trunk_h + crz
        parts.append(Part("trunk", sweep([(0.0, 0.0, z), (0.01 * hf, 0.0, z + 0.5 * trunk_h), (0.0, 0.01 * hf,
                                                                                             z + trunk_h + 0.3 * crz)],
                                         [0.025 * hf ** 0.5, 0.02 * hf ** 0.5, 0.016 * hf ** 0.5], 8), trunk_material))
        branches, clumps = [], []
        for k in range(n + 3):
            a = GOLDEN * k
            f = (k + 0.5) / (n + 3)
            zc = crc + crz * 0.5 * (2 * f - 1)
            cr = rng.uniform(0.35, 0.5) * min(hm, crz)
            rr = max(ell(a) - cr, 0.0) * math.sqrt(max(0.0, 1 - (2 * f - 1) ** 2)) * rng.uniform(0.75, 1.0)
            end = (*polar(a, rr), zc)
            branches.append(sweep([(0.0, 0.0, z + trunk_h * 0.9), end], 0.006 * hf ** 0.5, 6))
            clumps.append(ellipsoid(end, (cr, cr, 0.85 * cr), 12, 6))
        parts.append(Part("branches", merge(branches), trunk_material))
        parts.append(Part("canopy", merge(clumps), LEAVES))
    return parts


def build_potted_plant(params: PottedPlantParams, size: Size) -> list[Part]:
    """A floor plant: pot, soil, and the species' foliage, filling the box."""
    w, d, h = (float(v) for v in size)
    p = params
    m = min(w, d)
    r = clamp(p.pot_width_frac, 0.3, 0.9) * m / 2
    ph = clamp(p.pot_height_frac * h, 0.12, min(0.6, 0.55 * h))
    n = int(clamp(p.leaf_count, 3, 30))
    scale = clamp(p.leaf_scale, 0.6, 1.4)
    if p.species == "fern":  # a low mound: the pot (or its stand) takes up the rest of the height
        probe = _foliage("fern", np.random.default_rng(p.layout_seed), n, h, w / 2, d / 2, 0.0, scale, "")
        top = max(float(q.mesh.bounds[1][2]) for q in probe)
        ph = clamp(h - top - 0.01, ph, 0.75 * h)
    pot, z_soil = _pot(p.pot, r, ph, p.pot_material)
    rng = np.random.default_rng(p.layout_seed)
    foliage = _foliage(p.species, rng, n, h - z_soil, w / 2, d / 2, z_soil - 0.004, scale, p.trunk_material)
    return _fit_plant(pot, foliage, size, z_soil)


register_generator("potted_plant", PottedPlantParams, build_potted_plant, no_surfaces, sample_potted_plant_params)


# ---------------------------------------------------------------------------------------------
# small plant (table / shelf)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmallPlantParams:
    category: str = "small_plant"
    species: str = "succulent"  # succulent | cactus | pilea | snake | pothos
    pot: str = "cylinder"  # cylinder | tapered | bowl | octagon | cube
    pot_material: str = "white ceramic"
    pot_width_frac: float = 0.75
    pot_height_frac: float = 0.45
    count: int = 3  # rosettes / cactus arms / leaves / blades / vines
    layout_seed: int = 0


def sample_small_plant_params(rng: np.random.Generator, size: Size, category: str = "small_plant") -> SmallPlantParams:
    """Species, pot and material, proportions, counts."""
    w, d, h = size
    low = h <= 2.2 * min(w, d) + 0.06  # succulent rosettes are low: not in tall, narrow boxes
    species = pick(rng, ("succulent", "cactus", "pilea", "snake", "pothos"),
                   (0.25 if low else 0.0, 0.2, 0.2, 0.15, 0.2))
    pot = pick(rng, ("cylinder", "tapered", "bowl", "octagon", "cube"))
    if species == "succulent" and chance(rng, 0.4):
        pot = "bowl"
    counts = {"succulent": (1, 3), "cactus": (0, 3), "pilea": (7, 12), "snake": (3, 6), "pothos": (3, 6)}[species]
    return SmallPlantParams(
        category=category,
        species=species,
        pot=pot,
        pot_material=pick(rng, POT_MATERIALS),
        pot_width_frac=uniform(rng, 0.6, 0.95) if species != "pothos" else uniform(rng, 0.45, 0.65),
        pot_height_frac=uniform(rng, 0.3, 0.55) if pot != "bowl" else uniform(rng, 0.2, 0.35),
        count=int(rng.integers(counts[0], counts[1] + 1)),
        layout_seed=int(rng.integers(0, 2**31 - 1)),
    )


def _rosette(cx: float, cy: float, z: float, R: float, rng: np.random.Generator,
             n_rings: int = 4) -> list[trimesh.Trimesh]:
    """An echeveria-like rosette: rings of thick pointed leaves, flatter outside, upright inside."""
    out = []
    rings = ((8, 1.0, 18.0), (6, 0.72, 38.0), (5, 0.48, 60.0), (3, 0.28, 78.0))[4 - n_rings:]
    for ri, (n, f, pitch) in enumerate(rings):
        L = R * f
        off = rng.uniform(0, 360)
        for k in range(n):
            yaw = off + 360.0 * k / n
            m = ellipsoid((L / 2, 0.0, 0.0), (L / 2, 0.28 * L, 0.12 * L), 8, 3)
            m = transformed(m, translation(cx, cy, z + 0.06 * R * ri) @ rotation_z(yaw) @ rotation_y(-pitch))
            out.append(m)
    return out


def build_small_plant(params: SmallPlantParams, size: Size) -> list[Part]:
    """A small potted plant for a table or shelf."""
    w, d, h = (float(v) for v in size)
    p = params
    m = min(w, d)
    hx, hy = w / 2, d / 2
    ex, ey = hx / (m / 2), hy / (m / 2)
    r = clamp(p.pot_width_frac, 0.4, 1.0) * m / 2
    ph = clamp(p.pot_height_frac * h, 0.03, 0.7 * h)
    n_ros = int(clamp(p.count, 1, 3))
    if p.species == "succulent":  # rosettes are low: the pot takes the rest of the height
        ph = clamp(h - 0.5 * (0.9 * r if n_ros == 1 else 0.55 * r), 0.3 * h, 0.9 * h)
    pot, z_soil = _pot(p.pot, r, ph, p.pot_material, 16)
    rng = np.random.default_rng(p.layout_seed)
    hf = h - z_soil
    foliage: list[Part] = []
    if p.species == "succulent":
        if n_ros == 1:
            spots = [(0.0, 0.0, 0.9 * r)]
        else:
            spots = []
            for k in range(n_ros):
                a = 2 * math.pi * k / n_ros + rng.uniform(-0.3, 0.3)
                spots.append((0.5 * r * math.cos(a) * ex, 0.5 * r * math.sin(a) * ey, 0.55 * r))
        meshes = []
        for cx, cy, R in spots:
            meshes += _rosette(cx, cy, z_soil - 0.003, R, rng, 4 if n_ros == 1 else 3)
        foliage.append(Part("rosettes", merge(meshes), LEAVES))
    elif p.species == "cactus":
        barrel = hf < 1.3 * r
        cr = clamp(0.4 * r, 0.012, 0.08)
        if barrel:
            rb = min(0.85 * r, 0.7 * hf)
            prof = [(0.0, 0.0)] + [(rb * math.sin(math.pi * k / 8) ** 0.7, hf * (1 - math.cos(math.pi * k / 8)) / 2)
                                   for k in range(1, 8)] + [(0.0, hf)]
        else:
            dome = [math.pi / 2 * k / 4 for k in range(1, 4)]
            prof = [(0.0, 0.0), (cr, 0.0), (cr, hf - cr)]
            prof += [(cr * math.cos(q), hf - cr + cr * math.sin(q)) for q in dome] + [(0.0, hf)]
        body = lathe(prof, 16, (0.0, 0.0, z_soil - 0.005))
        v = body.vertices.copy()  # ribs
        ang = np.arctan2(v[:, 1], v[:, 0])
        v[:, :2] *= (1.0 + 0.08 * np.cos(8 * ang))[:, None]
        foliage.append(Part("cactus", raw_mesh(v, body.faces.copy()), LEAVES))
        if not barrel and p.count > 0:
            arms = []
            long_x = hx >= hy
            for k in range(int(clamp(p.count, 1, 3))):
                sgn = 1.0 if k % 2 == 0 else -1.0
                a = (0.0 if long_x else math.pi / 2) + (0.0 if sgn > 0 else math.pi) + rng.uniform(-0.3, 0.3)
                z0 = z_soil + hf * rng.uniform(0.25, 0.5)
                ar = 0.7 * cr
                out = max(hx, hy) - ar
                ca, sa = math.cos(a), math.sin(a)
                top = min(z0 + hf * rng.uniform(0.25, 0.4), z_soil + hf - ar)
                pts = [(0.5 * cr * ca, 0.5 * cr * sa, z0), (0.6 * out * ca, 0.6 * out * sa, z0 + 0.5 * ar),
                       (out * ca, out * sa, z0 + 1.5 * ar), (out * ca, out * sa, top)]
                arms.append(sweep(chaikin(pts, 2), ar, 8))
                arms.append(ellipsoid(pts[-1], (ar, ar, ar), 8, 4))
            foliage.append(Part("cactus_arms", merge(arms), LEAVES))
    elif p.species == "pilea":
        stems, leaves = [], []
        n = int(clamp(p.count, 3, 16))
        lr = clamp(0.16 * m, 0.01, 0.04)
        for k in range(n):
            a = GOLDEN * k
            f = (k + 0.5) / n
            reach = (m / 2 - lr) * (0.3 + 0.7 * f)
            top = hf * (1.0 - 0.5 * f) - 0.2 * lr
            ca, sa = math.cos(a), math.sin(a)
            end = (reach * ca * ex, reach * sa * ey, z_soil + top)
            pts = [(0.0, 0.0, z_soil), (0.3 * end[0], 0.3 * end[1], z_soil + 0.75 * top), end]
            stems.append(sweep(pts, 0.0015, 4))
            lm = ellipsoid((0.0, 0.0, 0.0), (lr, lr, 0.12 * lr), 8, 3)
            leaves.append(transformed(lm, translation(*end) @ rotation_z(math.degrees(a)) @ rotation_y(-30.0 * f)))
        foliage.append(Part("stems", merge(stems), LEAVES))
        foliage.append(Part("leaves", merge(leaves), LEAVES))
    elif p.species == "snake":
        foliage += _foliage("snake", rng, int(clamp(p.count, 2, 8)), hf, hx, hy, z_soil - 0.003, 0.8, "oak wood")
    else:  # pothos: upright shoots and vines trailing over the rim, leaves along them
        vines, leaves = [], []
        n = int(clamp(p.count, 2, 8))
        lr = clamp(0.1 * h, 0.015, 0.04)
        for k in range(n):
            a = 2 * math.pi * k / n + rng.uniform(-0.3, 0.3)
            ca, sa = math.cos(a) * ex, math.sin(a) * ey
            if k % 2 == 0:  # an upright shoot
                pts = [(0.0, 0.0, z_soil), (0.3 * r * ca, 0.3 * r * sa, z_soil + 0.5 * hf),
                       (0.5 * r * ca, 0.5 * r * sa, z_soil + hf - lr)]
            else:  # trailing over the rim and down the side
                low = max(0.15 * h, z_soil - 0.6 * h)
                reach = m / 2 - lr
                pts = [(0.0, 0.0, z_soil), (0.8 * r * ca, 0.8 * r * sa, z_soil + 0.25 * hf),
                       (0.95 * reach * ca, 0.95 * reach * sa, z_soil), (reach * ca, reach * sa, low)]
            vines.append(sweep(pts, 0.0018, 4))
            for q in range(1, len(pts)):
                px, py, pz = pts[q]
                lm = leaf(2 * lr, 1.3 * lr, rng.uniform(-20, 30), 20.0, "heart", 0.1, 0.0025, 5)
                leaves.append(_placed(lm, px, py, pz, math.degrees(a) + rng.uniform(-60, 60)))
        foliage.append(Part("vines", merge(vines), LEAVES))
        foliage.append(Part("leaves", merge(leaves), LEAVES))
    return _fit_plant(pot, foliage, size, z_soil)


register_generator("small_plant", SmallPlantParams, build_small_plant, no_surfaces, sample_small_plant_params)
