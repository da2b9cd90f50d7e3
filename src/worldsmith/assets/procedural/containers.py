"""Boxes, toys and paint cans.

- box: a closed cardboard box (taped seam, maybe a shipping label), an open cardboard box with its
  four flaps folded outwards, a lidded storage box (plastic or fabric with side handles) or an open
  wooden crate of slats.
- toy: one of a toy car, a sitting teddy bear, a stack of building blocks, a ball, a toy robot, a
  stacking-ring tower or a rubber duck (a kind fitting the size's proportions), in toy colours.
- paint_can: a metal can with rolled rims, a lid (closed, or open showing the paint), a wire bail
  handle (lying down or standing up) and a label band, sometimes with paint drips.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..parts import Part
from ..primitives import box, cylinder, cylinder_along, lathe, merge, prism, rotation_z, rounded_box, transformed
from ..surfaces import Surface, rect
from ._shapes import no_surfaces, pivoted, rotation_x, rotation_y, translate
from .params import chance, clamp, pick, register_generator, uniform
from .tableware import _ellipsoid, _fit, _ring, _solid, _tube

Size = tuple[float, float, float]

TOY_COLOURS = ("red", "blue", "yellow", "green", "orange", "purple", "sky blue", "pink", "teal", "white")

# ---------------------------------------------------------------------------------------------------
# box
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoxParams:
    category: str = "box"
    style: str = "closed"  # closed | open | storage | crate
    material: str = "cardboard"
    tape: bool = True
    tape_material: str = "tan plastic"
    label: bool = False
    lid_material: str = "white plastic"
    handles: bool = True
    slats: int = 3
    flap_angle_deg: float = 35.0


def sample_box_params(rng: np.random.Generator, size: Size, category: str = "box") -> BoxParams:
    """A box: closed cardboard box (tape, maybe a label), open cardboard box with flaps out,
    lidded storage box (plastic or fabric, side handles) or an open slatted wooden crate."""
    style = pick(rng, ("closed", "open", "storage", "crate"), (0.35, 0.2, 0.3, 0.15))
    if style == "storage":
        fabric = chance(rng, 0.4)
        c = pick(rng, ("grey", "beige", "white", "navy", "sage", "charcoal", "taupe"))
        material = (
            f"{c} felt"
            if fabric
            else pick(rng, ("white plastic", "light grey plastic", "grey plastic", "sky blue plastic", "cream plastic"))
        )
        lid = material if fabric else pick(rng, ("white plastic", "grey plastic", "blue plastic", "bamboo"))
    elif style == "crate":
        material = pick(rng, ("pine wood", "birch plywood", "oak wood", "white painted wood", "black stained wood"))
        lid = material
    else:
        material, lid = "cardboard", "cardboard"
    return BoxParams(
        category=category,
        style=style,
        material=material,
        tape=chance(rng, 0.8),
        tape_material=pick(rng, ("tan plastic", "brown paper", "beige plastic")),
        label=chance(rng, 0.4),
        lid_material=lid,
        handles=chance(rng, 0.7),
        slats=int(rng.integers(2, 5)),
        flap_angle_deg=uniform(rng, 10.0, 60.0),
    )


def _closed_box(p: BoxParams, w: float, d: float, h: float) -> list[Part]:
    r = min(0.004, 0.05 * min(w, d, h))
    parts = [Part("body", rounded_box((-w / 2.0, -d / 2.0, 0.0), (w / 2.0, d / 2.0, h), r, 1), p.material)]
    # the seam where the top flaps meet, along X
    seam = box((-w / 2.0 + r, -0.0015, h - 0.0008), (w / 2.0 - r, 0.0015, h + 0.0002))
    parts.append(Part("seam", seam, "brown paper"))
    if p.tape:
        tw = clamp(0.16 * d, 0.03, 0.05)
        tape = merge(
            [
                box((-w / 2.0 - 0.0004, -tw / 2.0, h - 0.08 * h), (-w / 2.0 + r, tw / 2.0, h)),
                box((-w / 2.0, -tw / 2.0, h - 0.001), (w / 2.0, tw / 2.0, h + 0.0004)),
                box((w / 2.0 - r, -tw / 2.0, h - 0.08 * h), (w / 2.0 + 0.0004, tw / 2.0, h)),
            ]
        )
        parts.append(Part("tape", tape, p.tape_material))
    if p.label:
        lw, lh = clamp(0.3 * w, 0.05, 0.1), clamp(0.3 * h, 0.03, 0.07)
        parts.append(
            Part(
                "label",
                box((0.1 * w, d / 2.0 - 0.0005, 0.35 * h), (0.1 * w + lw, d / 2.0 + 0.0004, 0.35 * h + lh)),
                "white paper",
            )
        )
    return parts


def _open_box(p: BoxParams, w: float, d: float, h: float) -> list[Part]:
    """Walls, a floor and four flaps folded outwards by ``flap_angle_deg`` past upright."""
    t = clamp(0.012 * min(w, d), 0.003, 0.005)
    ang = clamp(p.flap_angle_deg, 0.0, 80.0)
    # flap lengths: half the box depth for the long sides, so flaps spread beyond the walls
    fl = min(0.5 * d, 0.45 * h)
    spread = fl * math.sin(math.radians(ang))
    rise = fl * math.cos(math.radians(ang))
    bw, bd = w - 2.0 * spread, d - 2.0 * spread
    bw, bd = max(bw, 0.5 * w), max(bd, 0.5 * d)
    hb = h - rise
    hb = max(hb, 0.4 * h)
    walls = [
        box((-bw / 2.0, -bd / 2.0, 0.0), (bw / 2.0, bd / 2.0, t)),
        box((-bw / 2.0, -bd / 2.0, 0.0), (-bw / 2.0 + t, bd / 2.0, hb)),
        box((bw / 2.0 - t, -bd / 2.0, 0.0), (bw / 2.0, bd / 2.0, hb)),
        box((-bw / 2.0, -bd / 2.0, 0.0), (bw / 2.0, -bd / 2.0 + t, hb)),
        box((-bw / 2.0, bd / 2.0 - t, 0.0), (bw / 2.0, bd / 2.0, hb)),
    ]
    parts = [Part("body", merge(walls), p.material)]
    flaps = []
    for i, (axis, s) in enumerate((("x", -1.0), ("x", 1.0), ("y", -1.0), ("y", 1.0))):
        if axis == "y":  # flaps on the -Y / +Y walls hinge about X
            flap = box(
                (-bw / 2.0 + t, s * bd / 2.0 - (t if s > 0 else 0.0), hb),
                (bw / 2.0 - t, s * bd / 2.0 + (t if s < 0 else 0.0), hb + fl),
            )
            m = pivoted(rotation_x(s * ang), (0.0, s * bd / 2.0, hb))
        else:  # flaps on the -X / +X walls hinge about Y
            flen = min(fl, 0.5 * bw)
            flap = box(
                (s * bw / 2.0 - (t if s > 0 else 0.0), -bd / 2.0 + t, hb),
                (s * bw / 2.0 + (t if s < 0 else 0.0), bd / 2.0 - t, hb + flen),
            )
            m = pivoted(rotation_y(s * ang), (s * bw / 2.0, 0.0, hb))
        flaps.append(Part(f"flap_{i}", transformed(flap, m), p.material))
    return parts + flaps


def _storage_box(p: BoxParams, w: float, d: float, h: float) -> list[Part]:
    lid_h = clamp(0.12 * h, 0.012, 0.03)
    inset = clamp(0.015 * min(w, d), 0.003, 0.008)
    fabric = p.material.endswith("felt")
    r = min(0.012, 0.08 * min(w, d, h)) if not fabric else min(0.006, 0.05 * min(w, d, h))
    parts = [
        Part(
            "body",
            rounded_box(
                (-w / 2.0 + inset, -d / 2.0 + inset, 0.0), (w / 2.0 - inset, d / 2.0 - inset, h - lid_h + 0.004), r, 1
            ),
            p.material,
        )
    ]
    parts.append(
        Part(
            "lid",
            rounded_box(
                (-w / 2.0 + 0.3 * inset, -d / 2.0 + 0.3 * inset, h - lid_h),
                (w / 2.0 - 0.3 * inset, d / 2.0 - 0.3 * inset, h),
                min(r, 0.4 * lid_h),
                1,
            ),
            p.lid_material,
        )
    )
    if p.handles:
        hw_, hh = clamp(0.3 * d, 0.04, 0.12), clamp(0.08 * h, 0.012, 0.03)
        zc = h - lid_h - 2.0 * hh
        grips = []
        for s in (-1.0, 1.0):
            x0, x1 = sorted((s * (w / 2.0 - inset - 0.002), s * w / 2.0))
            grips.append(rounded_box((x0, -hw_ / 2.0, zc - hh / 2.0), (x1, hw_ / 2.0, zc + hh / 2.0), 0.3 * hh, 1))
        parts.append(Part("handles", merge(grips), "black plastic" if not fabric else "tan leather"))
    if p.label:
        lw, lh = clamp(0.25 * w, 0.05, 0.1), clamp(0.15 * h, 0.02, 0.05)
        parts.append(
            Part(
                "label",
                box((-lw / 2.0, d / 2.0 - inset - 0.0005, 0.5 * h - lh), (lw / 2.0, d / 2.0 - inset + 0.0006, 0.5 * h)),
                "brass" if fabric else "white paper",
            )
        )
    return parts


def _crate(p: BoxParams, w: float, d: float, h: float) -> list[Part]:
    n = int(clamp(p.slats, 2, 6))
    post = clamp(0.06 * min(w, d), 0.015, 0.035)
    st = clamp(0.02 * min(w, d), 0.008, 0.015)  # slat thickness
    gap_frac = 0.35
    pitch = h / (n - gap_frac)
    sh = pitch * (1.0 - gap_frac)
    parts = []
    posts = [
        box((x0 + 0.0, y0, 0.0), (x0 + post, y0 + post, h))
        for x0, y0 in (
            (-w / 2.0, -d / 2.0),
            (w / 2.0 - post, -d / 2.0),
            (-w / 2.0, d / 2.0 - post),
            (w / 2.0 - post, d / 2.0 - post),
        )
    ]
    parts.append(Part("posts", merge(posts), p.material))
    for k in range(n):
        z0 = k * pitch
        z1 = z0 + sh
        side = [
            box((-w / 2.0 + 0.3 * post, -d / 2.0, z0), (w / 2.0 - 0.3 * post, -d / 2.0 + st, z1)),
            box((-w / 2.0 + 0.3 * post, d / 2.0 - st, z0), (w / 2.0 - 0.3 * post, d / 2.0, z1)),
            box((-w / 2.0, -d / 2.0 + 0.3 * post, z0), (-w / 2.0 + st, d / 2.0 - 0.3 * post, z1)),
            box((w / 2.0 - st, -d / 2.0 + 0.3 * post, z0), (w / 2.0, d / 2.0 - 0.3 * post, z1)),
        ]
        parts.append(Part(f"slats_{k}", merge(side), p.material))
    nb = max(2, int(round(w / 0.1)))
    bw_ = (w - 2 * st) / nb
    boards = [
        box(
            (-w / 2.0 + st + i * bw_ + 0.002, -d / 2.0 + st, 0.002),
            (-w / 2.0 + st + (i + 1) * bw_ - 0.002, d / 2.0 - st, 0.002 + st),
        )
        for i in range(nb)
    ]
    parts.append(Part("floor", merge(boards), p.material))
    return parts


def build_box(params: BoxParams, size: Size) -> list[Part]:
    """A box of exactly ``size``."""
    w, d, h = (float(v) for v in size)
    style = params.style if params.style in ("closed", "open", "storage", "crate") else "closed"
    maker = {"closed": _closed_box, "open": _open_box, "storage": _storage_box, "crate": _crate}[style]
    return _fit(maker(params, w, d, h), size)


def box_surfaces(params: BoxParams, size: Size) -> list[Surface]:
    """The top of a closed cardboard or storage box (open boxes and crates have none)."""
    w, d, h = (float(v) for v in size)
    if params.style == "closed":
        # clear of the centre seam and tape: the +Y half of the top
        return [Surface(0, h, rect(-0.35 * w, 0.15 * d, 0.35 * w, 0.4 * d), "top", None)]
    if params.style == "storage":
        return [Surface(0, h, rect(-0.35 * w, -0.35 * d, 0.35 * w, 0.35 * d), "lid", None)]
    return []


# ---------------------------------------------------------------------------------------------------
# toy
# ---------------------------------------------------------------------------------------------------

TOY_KINDS = ("car", "teddy", "blocks", "ball", "robot", "rings", "duck")


@dataclass(frozen=True)
class ToyParams:
    category: str = "toy"
    kind: str = "teddy"  # car | teddy | blocks | ball | robot | rings | duck
    colours: tuple = ("red", "blue", "yellow", "green")
    fur_material: str = "tan wool"
    block_style: str = "pyramid"  # pyramid | wall | tower
    top_piece: str = "cube"  # cube | cylinder | roof
    block_material: str = "painted wood"  # painted wood | plastic


def sample_toy_params(rng: np.random.Generator, size: Size, category: str = "toy") -> ToyParams:
    """A toy of a kind that suits the size's proportions: car (long and low), teddy bear, building
    blocks, ball (roughly cubic sizes), robot and ring tower (tall), rubber duck."""
    w, d, h = size
    hor, tall = max(w, d) / max(min(w, d), 1e-6), h / max(w, d)
    kinds, weights = ["blocks"], [0.25]
    if hor < 1.7 and 0.6 < tall < 1.8:
        kinds += ["teddy", "duck"]
        weights += [0.35, 0.12]
    if hor < 1.8 and tall > 0.9:
        kinds.append("robot")
        weights.append(0.18)
    if tall < 0.75 and hor > 1.3:
        kinds.append("car")
        weights.append(0.4)
    if hor < 1.25 and 0.8 < h / min(w, d) < 1.25:
        kinds.append("ball")
        weights.append(0.2)
    if tall > 1.3 and hor < 1.5:
        kinds.append("rings")
        weights.append(0.2)
    colours = list(TOY_COLOURS)
    chosen = []
    for _ in range(4):
        c = pick(rng, tuple(colours))
        colours.remove(c)
        chosen.append(c)
    return ToyParams(
        category=category,
        kind=pick(rng, tuple(kinds), tuple(weights)),
        colours=tuple(chosen),
        fur_material=pick(
            rng, ("tan wool", "brown velvet", "beige wool", "cream wool", "chocolate velvet", "grey felt", "pink felt")
        ),
        block_style=pick(rng, ("pyramid", "wall", "tower")),
        top_piece=pick(rng, ("cube", "cylinder", "roof")),
        block_material=pick(rng, ("painted wood", "plastic")),
    )


def _toy_mat(params: ToyParams, i: int, kind: str = "plastic") -> str:
    cols = params.colours or ("red",)
    return f"{cols[i % len(cols)]} {kind}"


def _teddy(params: ToyParams, w: float, d: float, h: float) -> list[Part]:
    """A sitting bear facing +Y, built at a nominal 1 m height then fitted."""
    fur = params.fur_material
    muzzle = "cream wool" if "cream" not in fur else "tan wool"
    parts = [
        Part("body", _ellipsoid((0.0, -0.02, 0.28), (0.22, 0.2, 0.28)), fur),
        Part("head", _ellipsoid((0.0, 0.02, 0.7), (0.2, 0.18, 0.18)), fur),
        Part("muzzle", _ellipsoid((0.0, 0.17, 0.66), (0.08, 0.06, 0.06), 10, 5), muzzle),
        Part("nose", _ellipsoid((0.0, 0.225, 0.685), (0.03, 0.02, 0.022), 8, 4), "black plastic"),
        Part(
            "eyes",
            merge([_ellipsoid((s * 0.07, 0.175, 0.75), (0.02, 0.012, 0.02), 8, 4) for s in (-1, 1)]),
            "black plastic",
        ),
        Part("ears", merge([_ellipsoid((s * 0.15, 0.0, 0.86), (0.07, 0.04, 0.07), 10, 4) for s in (-1, 1)]), fur),
    ]
    arms = [
        translate(
            transformed(
                _ellipsoid((0.0, 0.0, 0.0), (0.07, 0.07, 0.17), 10, 5), rotation_y(s * 25.0) @ rotation_x(-30.0)
            ),
            s * 0.22,
            0.06,
            0.38,
        )
        for s in (-1, 1)
    ]
    legs = [translate(_ellipsoid((0.0, 0.0, 0.0), (0.09, 0.19, 0.09), 10, 5), s * 0.13, 0.14, 0.09) for s in (-1, 1)]
    feet = [translate(_ellipsoid((0.0, 0.0, 0.0), (0.07, 0.02, 0.07), 10, 4), s * 0.13, 0.33, 0.09) for s in (-1, 1)]
    parts.append(Part("arms", merge(arms), fur))
    parts.append(Part("legs", merge(legs), fur))
    parts.append(Part("foot_pads", merge(feet), muzzle))
    parts.append(
        Part(
            "bow",
            merge([_ellipsoid((s * 0.05, 0.15, 0.53), (0.05, 0.02, 0.03), 8, 4) for s in (-1, 1)]),
            _toy_mat(params, 0, "velvet"),
        )
    )
    return parts


def _car(params: ToyParams, w: float, d: float, h: float) -> list[Part]:
    """A toy car along the longer horizontal axis (front towards +X or +Y), nominal 1 x 0.5 x 0.4."""
    body_mat = _toy_mat(params, 0, "painted metal" if params.block_material == "painted wood" else "plastic")
    parts = [
        Part("body", rounded_box((-0.5, -0.22, 0.08), (0.5, 0.22, 0.24), 0.05, 1), body_mat),
        Part("cabin", rounded_box((-0.28, -0.19, 0.22), (0.18, 0.19, 0.4), 0.05, 1), body_mat),
        Part(
            "windows",
            merge([box((-0.25, -0.195, 0.26), (0.15, 0.195, 0.37)), box((0.17, -0.16, 0.25), (0.185, 0.16, 0.37))]),
            "black glass",
        ),
        Part(
            "lights",
            merge([box((0.495, s * 0.15 - 0.035, 0.15), (0.505, s * 0.15 + 0.035, 0.2)) for s in (-1, 1)]),
            "yellow plastic",
        ),
    ]
    wheels = [
        cylinder_along("y", (x, 0.19 if s > 0 else -0.25, 0.1), 0.06, 0.1, 12) for x in (-0.3, 0.3) for s in (-1, 1)
    ]
    parts.append(Part("wheels", merge(wheels), "black rubber"))
    return parts


def _blocks(params: ToyParams, w: float, d: float, h: float) -> list[Part]:
    """Building blocks of about cubic size, laid out in proportion to the box (a pyramid, a wall or
    towers), with a cube, cylinder or roof piece on top."""
    big, small = max(w, d, h), min(w, d, h)
    s = max(small, big / 5.0)
    style = params.block_style if params.block_style in ("pyramid", "wall", "tower") else "pyramid"

    def cells_for(nx_: int, ny_: int, nz_: int) -> list[tuple[float, float, int]]:
        out = []
        for k in range(nz_):
            shrink = k if style == "pyramid" else 0
            fx, fy = max(1, nx_ - shrink), max(1, ny_ - shrink)
            if style == "tower":
                fx, fy = (1 if nx_ < 3 else 2), 1
            x0 = -fx / 2.0
            y0 = -fy / 2.0
            for i in range(fx):
                for j in range(fy):
                    out.append((x0 + i, y0 + j, k))
        return out

    while True:  # at least three blocks: smaller blocks for a cubic box
        nx, ny, nz = (int(clamp(round(v / s), 1, 5)) for v in (w, d, h))
        ny = min(ny, 3)
        cells = cells_for(nx, ny, nz)
        if len(cells) >= 3 or s < small / 4.0:
            break
        s *= 0.8
    while len(cells) > 12 and (nx > 1 or ny > 1):
        if nx >= ny:
            nx -= 1
        else:
            ny -= 1
        cells = cells_for(nx, ny, nz)
    kind = "painted wood" if params.block_material == "painted wood" else "plastic"
    top_k = max(c[2] for c in cells)
    parts = []
    for i, (x, y, k) in enumerate(cells):
        jx, jy = 0.03 * math.sin(3.1 * i), 0.03 * math.cos(2.3 * i)
        lo = (x + 0.02 + jx, y + 0.02 + jy, k * 0.98)
        hi = (x + 0.98 + jx, y + 0.98 + jy, k * 0.98 + 0.98)
        mat = _toy_mat(params, i, kind)
        if k == top_k and i == len(cells) - 1 and params.top_piece == "cylinder":
            m = cylinder((x + 0.5 + jx, y + 0.5 + jy, 0.0), 0.45, lo[2], hi[2], 12)
        elif k == top_k and i == len(cells) - 1 and params.top_piece == "roof":
            tri = prism([(lo[0], lo[2]), (hi[0], lo[2]), ((lo[0] + hi[0]) / 2.0, hi[2])], 0.0, hi[1] - lo[1])
            # the triangle is drawn in (x, z): turn its extrusion axis from z onto y
            m = transformed(tri, rotation_x(90.0))
            m = translate(m, 0.0, hi[1], 0.0)
        else:
            m = rounded_box(lo, hi, 0.06, 1)
        parts.append(Part(f"block_{i}", m, mat))
    return parts


def _flat_bottom(mesh, z: float):
    """``mesh`` with every vertex below ``z`` raised to it: the flat patch a soft toy rests on (a
    rubber ball or duck squashes a little), so it stands instead of balancing on its lowest vertex
    (the builder's final fit puts the patch on z = 0)."""
    import trimesh

    v = mesh.vertices.copy()
    v[:, 2] = np.maximum(v[:, 2], z)
    return trimesh.Trimesh(v, mesh.faces.copy(), process=False)


def _ball(params: ToyParams, w: float, d: float, h: float) -> list[Part]:
    body = _flat_bottom(_ellipsoid((0.0, 0.0, 0.5), (0.5, 0.5, 0.5), 16, 10), 0.03)
    stripe = lathe([(0.0, 0.0), (0.503, 0.0), (0.503, 0.14), (0.0, 0.14)], 16, (0.0, 0.0, 0.43))
    return [Part("ball", body, _toy_mat(params, 0)), Part("stripe", stripe, _toy_mat(params, 1))]


def _robot(params: ToyParams, w: float, d: float, h: float) -> list[Part]:
    """A boxy robot facing +Y, nominal 0.6 x 0.4 x 1."""
    m0, m1 = _toy_mat(params, 0, "painted metal"), _toy_mat(params, 1)
    parts = [
        Part(
            "legs",
            merge([rounded_box((s * 0.12 - 0.07, -0.08, 0.0), (s * 0.12 + 0.07, 0.1, 0.3), 0.02, 1) for s in (-1, 1)]),
            m1,
        ),
        Part("torso", rounded_box((-0.22, -0.14, 0.28), (0.22, 0.14, 0.62), 0.03, 1), m0),
        Part(
            "arms",
            merge([rounded_box((s * 0.3 - 0.06, -0.05, 0.3), (s * 0.3 + 0.06, 0.07, 0.6), 0.03, 1) for s in (-1, 1)]),
            m1,
        ),
        Part("head", rounded_box((-0.15, -0.12, 0.64), (0.15, 0.12, 0.86), 0.03, 1), m0),
        Part(
            "eyes",
            merge([cylinder_along("y", (s * 0.07, 0.115, 0.77), 0.012, 0.04, 12) for s in (-1, 1)]),
            "yellow plastic",
        ),
        Part(
            "antenna",
            merge(
                [
                    cylinder((0.0, 0.0, 0.0), 0.012, 0.86, 0.96, 8),
                    _ellipsoid((0.0, 0.0, 0.98), (0.03, 0.03, 0.03), 8, 4),
                ]
            ),
            "red plastic",
        ),
        Part("panel", box((-0.12, 0.13, 0.38), (0.12, 0.145, 0.52)), "black glass"),
    ]
    return parts


def _rings(params: ToyParams, w: float, d: float, h: float) -> list[Part]:
    """A stacking-ring tower: a base, a peg and 4-5 rings shrinking upwards (nominal 1 m tall)."""
    parts = [
        Part(
            "base",
            _solid([(0.46, 0.0), (0.5, 0.03), (0.5, 0.09), (0.46, 0.12)], 16),
            _toy_mat(params, 3, "painted wood"),
        )
    ]
    parts.append(Part("peg", cylinder((0.0, 0.0, 0.0), 0.07, 0.1, 0.88, 12), _toy_mat(params, 3, "painted wood")))
    n = 5
    z = 0.12
    for i in range(n):
        r = 0.44 - 0.065 * i
        th = 0.075
        ring = _ring((0.0, 0.0, z + th), r - th, th, (1.0, 1.0), 16, 6)
        parts.append(Part(f"ring_{i}", ring, _toy_mat(params, i)))
        z += 2 * th
    parts.append(Part("cap", _ellipsoid((0.0, 0.0, z + 0.07), (0.12, 0.12, 0.08), 12, 5), _toy_mat(params, 0)))
    return parts


def _duck(params: ToyParams, w: float, d: float, h: float) -> list[Part]:
    """A rubber duck facing +Y, nominal 1 x 1.2 x 1."""
    return [
        Part("body", _flat_bottom(_ellipsoid((0.0, -0.1, 0.3), (0.45, 0.55, 0.3), 16, 6), 0.06), "yellow rubber"),
        Part("tail", _ellipsoid((0.0, -0.55, 0.45), (0.15, 0.12, 0.15), 8, 4), "yellow rubber"),
        Part("head", _ellipsoid((0.0, 0.2, 0.72), (0.26, 0.26, 0.26), 12, 6), "yellow rubber"),
        Part("beak", _ellipsoid((0.0, 0.5, 0.66), (0.14, 0.12, 0.05), 10, 4), "orange rubber"),
        Part(
            "eyes",
            merge([_ellipsoid((s * 0.13, 0.4, 0.8), (0.04, 0.03, 0.05), 8, 4) for s in (-1, 1)]),
            "black plastic",
        ),
    ]


def build_toy(params: ToyParams, size: Size) -> list[Part]:
    """A toy of exactly ``size``."""
    w, d, h = (float(v) for v in size)
    kind = params.kind if params.kind in TOY_KINDS else "teddy"
    maker = {
        "car": _car,
        "teddy": _teddy,
        "blocks": _blocks,
        "ball": _ball,
        "robot": _robot,
        "rings": _rings,
        "duck": _duck,
    }[kind]
    parts = maker(params, w, d, h)
    if kind == "car" and d > w:
        # long side along Y: turn a quarter (a car then points its bonnet towards +Y)
        parts = [Part(p.name, transformed(p.mesh, rotation_z(90.0)), p.material) for p in parts]
    return _fit(parts, size)


# ---------------------------------------------------------------------------------------------------
# paint can
# ---------------------------------------------------------------------------------------------------

PAINT_COLOURS = (
    "white",
    "off white",
    "sage",
    "navy",
    "terracotta",
    "mustard",
    "sky blue",
    "grey",
    "blush",
    "forest green",
    "red",
    "charcoal",
    "yellow",
    "teal",
)


@dataclass(frozen=True)
class PaintCanParams:
    category: str = "paint_can"
    can_material: str = "aluminium"
    paint_colour: str = "sage"
    open: bool = False
    bail_up: bool = False
    label: bool = True
    label_material: str = "white paper"
    drips: bool = False


def sample_paint_can_params(rng: np.random.Generator, size: Size, category: str = "paint_can") -> PaintCanParams:
    """A paint can: plain metal or painted body, closed or open (the paint showing), the wire bail
    down against the side or standing up, a label band, sometimes drips of paint down the side."""
    return PaintCanParams(
        category=category,
        can_material=pick(
            rng, ("aluminium", "aluminium", "brushed steel", "white painted metal", "black painted metal")
        ),
        paint_colour=pick(rng, PAINT_COLOURS),
        open=chance(rng, 0.3),
        bail_up=chance(rng, 0.35),
        label=chance(rng, 0.8),
        label_material=pick(
            rng, ("white paper", "cream paper", "blue paper", "red paper", "yellow paper", "black paper")
        ),
        drips=chance(rng, 0.35),
    )


def build_paint_can(params: PaintCanParams, size: Size) -> list[Part]:
    """A paint can of exactly ``size`` (the bail, when up, reaches the top)."""
    w, d, h = (float(v) for v in size)
    sx, sy = w / 2.0, d / 2.0
    r = min(sx, sy)
    hc = h * 0.74 if params.bail_up else h  # the can itself
    rim = clamp(0.025 * r, 0.0015, 0.004) / r
    body_r = 1.0 - 1.6 * rim
    paint = f"{params.paint_colour} plastic"
    parts = [
        Part("body", _solid([(body_r, 0.0), (body_r, hc - 0.01 * hc)], 16, scale_xy=(sx, sy)), params.can_material)
    ]
    parts.append(
        Part(
            "rims",
            merge(
                [
                    _ring((0.0, 0.0, rim * r * 1.2), body_r, rim * r, (sx, sy), 24, 6),
                    _ring((0.0, 0.0, hc - rim * r * 1.2), body_r, rim * r, (sx, sy), 24, 6),
                ]
            ),
            params.can_material,
        )
    )
    lid_z = hc - 0.004
    if params.open:
        parts.append(
            Part(
                "paint",
                _solid([(body_r - 0.05, lid_z - 0.02 * hc), (body_r - 0.05, lid_z)], 16, scale_xy=(sx, sy)),
                paint,
            )
        )
    else:
        parts.append(
            Part(
                "lid",
                _solid(
                    [
                        (body_r - 0.04, lid_z - 0.01),
                        (body_r - 0.04, lid_z),
                        (0.6, lid_z - 0.0015),
                        (0.55, lid_z - 0.0015),
                    ],
                    16,
                    scale_xy=(sx, sy),
                ),
                params.can_material,
            )
        )
    if params.label:
        parts.append(
            Part(
                "label",
                _solid([(body_r + 0.004, 0.18 * hc), (body_r + 0.004, 0.8 * hc)], 16, scale_xy=(sx, sy)),
                params.label_material,
            )
        )
    # the bail: two ears at +-X and a wire arc over the top (up) or hanging down the -Y side
    ear_z = hc * 0.86
    wire = clamp(0.012 * r, 0.0012, 0.0025)
    ears = [_ellipsoid((s * body_r * sx, 0.0, ear_z), (0.006, 0.012, 0.012), 8, 4) for s in (-1, 1)]
    parts.append(Part("ears", merge(ears), params.can_material))
    if params.bail_up:
        pts = [
            (body_r * sx * math.cos(a), 0.0, ear_z + (h - ear_z - wire) * math.sin(a))
            for a in np.linspace(0.0, math.pi, 13)
        ]
    else:
        pts = []
        for a in np.linspace(0.0, math.pi, 13):
            x = body_r * sx * math.cos(a) * 1.03
            # follow the oval body around the -Y side, sagging down
            y = -math.sqrt(max(0.0, 1.0 - (x / (body_r * sx * 1.03)) ** 2)) * body_r * sy * 1.04
            z = ear_z - 0.3 * hc * math.sin(a)
            pts.append((x, y, z))
    parts.append(Part("bail", _tube(pts, wire, 6), "brushed steel"))
    if params.bail_up:
        gr = min(0.008, 0.05 * h)
        grip = lathe([(0.0, 0.0), (gr, 0.0), (gr, 0.06), (0.0, 0.06)], 8, (-0.03, 0.0, h - gr), axis="x")
        parts.append(Part("grip", grip, "black plastic"))
    if params.drips:
        drips = []
        for k, a in enumerate((0.3, 1.2, 2.1)):
            ln = (0.15 + 0.12 * k) * hc
            x, y = body_r * 1.01 * sx * math.cos(a), body_r * 1.01 * sy * math.sin(a)
            drips.append(_tube([(x, y, hc), (x, y, hc - ln)], clamp(0.02 * r, 0.0015, 0.004), 6))
        parts.append(Part("drips", merge(drips), paint))
    return _fit(parts, size)


register_generator("box", BoxParams, build_box, box_surfaces, sample_box_params)
register_generator("toy", ToyParams, build_toy, no_surfaces, sample_toy_params)
register_generator("paint_can", PaintCanParams, build_paint_can, no_surfaces, sample_paint_can_params)
