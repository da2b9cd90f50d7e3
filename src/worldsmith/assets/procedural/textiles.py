"""Soft things: pillow, towel, folded_clothes, shoe.

- pillow: a throw pillow standing upright (faces +-Y, as it leans on a sofa back): a knife-edge
  cushion puffed up between two sewn sheets (square or round outline), a flatter boxed cushion, or
  a bolster roll lying along X; maybe piping along the seams, a tufted button in the middle.
- towel: a stack of 1-4 folded towels (a woven band near one end) or rolled towels, their rolled
  ends towards +Y, side by side or in a little pyramid.
- folded_clothes: a stack of 2-5 folded garments (t-shirts, shirts, sweaters, jeans) of different
  colours and thicknesses, slightly out of line.
- shoe: a pair of shoes side by side, toes at +Y (a single shoe when the size is too narrow for
  two): sneakers (thick rubber sole, laces), dress shoes / loafers (heel block) or boots (a shaft).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import trimesh

from ..parts import Part
from ..primitives import box, lathe, merge, rotation_z, rounded_box, transformed
from ..surfaces import Surface, rect
from ._shapes import closed_mesh, no_surfaces, translate
from .params import chance, clamp, pick, register_generator, uniform
from .tableware import _ellipsoid, _fit, _loft, _tube

Size = tuple[float, float, float]

FABRIC_COLOURS = (
    "white",
    "off white",
    "cream",
    "beige",
    "sand",
    "taupe",
    "grey",
    "light grey",
    "charcoal",
    "navy",
    "blue",
    "sky blue",
    "teal",
    "sage",
    "olive",
    "forest green",
    "emerald",
    "mustard",
    "yellow",
    "terracotta",
    "rust",
    "coral",
    "dusty pink",
    "blush",
    "burgundy",
    "plum",
    "lavender",
    "black",
)
FABRIC_KINDS = ("velvet", "linen", "cotton", "wool", "fabric")

# ---------------------------------------------------------------------------------------------------
# pillow
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PillowParams:
    category: str = "pillow"
    style: str = "knife"  # knife | boxed | round | bolster
    puff: float = 0.45  # exponent of the bulge: small = fuller
    corner_pinch: float = 0.06  # how far the edges curve in between the corners
    material: str = "sage linen"
    piping: bool = False
    piping_material: str = "cream cotton"
    tufted: bool = False
    button_material: str = "cream cotton"
    back_material: str = ""  # "" : the same as the front


def sample_pillow_params(rng: np.random.Generator, size: Size, category: str = "pillow") -> PillowParams:
    """A pillow: knife-edge (square / lumbar, by the size), boxed, round (for square sizes) or a
    bolster (for long ones); velvet, linen, cotton, wool, leather; piping, a tufted button."""
    w, d, h = size
    styles, weights = ["knife", "boxed"], [0.6, 0.25]
    if abs(w - h) < 0.2 * max(w, h):
        styles.append("round")
        weights.append(0.25)
    if w > 1.45 * h and 0.3 < d / h < 2.2:  # a roll (flattened when the size is thin)
        styles.append("bolster")
        weights.append(0.4)
    style = pick(rng, tuple(styles), tuple(weights))
    colour = pick(rng, FABRIC_COLOURS)
    kind = pick(rng, FABRIC_KINDS + ("leather",), (0.3, 0.25, 0.2, 0.1, 0.1, 0.05))
    return PillowParams(
        category=category,
        style=style,
        puff=uniform(rng, 0.3, 0.6),
        corner_pinch=uniform(rng, 0.02, 0.09),
        material=f"{colour} {kind}",
        piping=chance(rng, 0.4 if style != "bolster" else 0.7),
        piping_material=pick(rng, (f"{colour} {kind}", f"{pick(rng, FABRIC_COLOURS)} cotton")),
        tufted=chance(rng, 0.25),
        button_material=pick(rng, (f"{colour} {kind}", "brass", "cream cotton")),
        back_material="" if chance(rng, 0.8) else f"{pick(rng, FABRIC_COLOURS)} {kind}",
    )


def _sheet_pillow(n: int, pos, y_front, y_back) -> tuple[trimesh.Trimesh, np.ndarray]:
    """Two sheets sewn together over the square (u, v) in [-1, 1]^2: ``pos(u, v) -> (x, z)`` places
    the outline, ``y_front(u, v) >= y_back(u, v)`` (equal on the seam) the two faces. Returns the
    closed mesh and the seam loop."""
    g = np.linspace(-1.0, 1.0, n + 1)
    uu, vv = np.meshgrid(g, g, indexing="ij")
    x, z = pos(uu, vv)
    edge = (np.abs(uu) == 1.0) | (np.abs(vv) == 1.0)
    front = np.stack([x, y_front(uu, vv), z], -1).reshape(-1, 3)
    idx_f = np.arange((n + 1) ** 2).reshape(n + 1, n + 1)
    interior = ~edge.ravel()
    back_pts = np.stack([x, y_back(uu, vv), z], -1).reshape(-1, 3)[interior]
    idx_b = idx_f.copy().ravel()
    idx_b[interior] = len(front) + np.arange(interior.sum())
    idx_b = idx_b.reshape(n + 1, n + 1)
    tris = []
    half = n / 2.0
    for i in range(n):
        for j in range(n):
            a, b, c, d_ = (i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)
            if (i < half) == (j < half):
                tris += [(a, b, c), (a, c, d_)]
            else:
                tris += [(a, b, d_), (b, c, d_)]
    tf = np.array([[idx_f[p] for p in tri] for tri in tris])
    tb = np.array([[idx_b[p] for p in tri] for tri in tris])[:, ::-1]
    mesh = closed_mesh(np.concatenate([front, back_pts]), np.concatenate([tf, tb]))
    loop = (
        [(i, 0) for i in range(n)]
        + [(n, j) for j in range(n)]
        + [(i, n) for i in range(n, 0, -1)]
        + [(0, j) for j in range(n, 0, -1)]
    )
    seam = np.array([front[idx_f[p]] for p in loop])
    return mesh, seam


def _disc_pillow(
    rings: int, sectors: int, rx: float, rz: float, zc: float, y_front, y_back
) -> tuple[trimesh.Trimesh, np.ndarray]:
    """Two round sheets sewn together (an ellipse rx by rz around height zc), the faces at
    ``y_front(rho) >= y_back(rho)`` (equal at rho = 1)."""
    ang = np.arange(sectors) * (2.0 * math.pi / sectors)
    verts = [np.array([[0.0, y_front(0.0), zc]])]
    back = [np.array([[0.0, y_back(0.0), zc]])]
    for k in range(1, rings + 1):
        rho = k / rings
        xs, zs = rx * rho * np.cos(ang), zc + rz * rho * np.sin(ang)
        verts.append(np.stack([xs, np.full(sectors, y_front(rho) if k < rings else 0.0), zs], 1))
        if k < rings:
            back.append(np.stack([xs, np.full(sectors, y_back(rho)), zs], 1))
    front = np.concatenate(verts)
    nf = len(front)

    # index of ring k (1..rings), sector s; centre is 0
    def fi(k, s):
        return 1 + (k - 1) * sectors + (s % sectors)

    def bi(k, s):
        if k == 0:
            return nf
        if k == rings:
            return fi(k, s)
        return nf + 1 + (k - 1) * sectors + (s % sectors)

    tris_f, tris_b = [], []
    for s in range(sectors):
        tris_f.append((0, fi(1, s), fi(1, s + 1)))
        tris_b.append((bi(0, s), bi(1, s + 1), bi(1, s)))
        for k in range(1, rings):
            tris_f += [(fi(k, s), fi(k + 1, s), fi(k + 1, s + 1)), (fi(k, s), fi(k + 1, s + 1), fi(k, s + 1))]
            tris_b += [(bi(k, s), bi(k + 1, s + 1), bi(k + 1, s)), (bi(k, s), bi(k, s + 1), bi(k + 1, s + 1))]
    mesh = closed_mesh(np.concatenate([front] + back), np.array(tris_f + tris_b))
    seam = front[1 + (rings - 1) * sectors :]
    return mesh, seam


def build_pillow(params: PillowParams, size: Size) -> list[Part]:
    """A pillow of exactly ``size``, standing upright (its faces towards +-Y)."""
    w, d, h = (float(v) for v in size)
    style = params.style if params.style in ("knife", "boxed", "round", "bolster") else "knife"
    if style == "bolster" and not (w > 1.2 * h):
        style = "knife"
    p = clamp(params.puff, 0.15, 1.0)
    parts: list[Part] = []
    pipe_r = clamp(0.012 * min(w, h), 0.003, 0.006)
    if style == "bolster":
        cap = clamp(0.08 * w, 0.015, 0.05)
        prof = [
            (0.0, 0.0),
            (0.55, 0.0),
            (0.85, 0.25 * cap),
            (0.97, 0.6 * cap),
            (1.0, cap),
            (1.0, w - cap),
            (0.97, w - 0.6 * cap),
            (0.85, w - 0.25 * cap),
            (0.55, w),
            (0.0, w),
        ]
        body = lathe(prof, 16, (-w / 2.0, 0.0, h / 2.0), scale_xy=(d / 2.0, h / 2.0), axis="x")
        parts.append(Part("cushion", body, params.material))
        if params.piping:
            rings = [
                lathe(
                    [(0.0, 0.0), (1.0, 0.0), (1.0, 0.012), (0.0, 0.012)],
                    16,
                    (s * (w / 2.0 - cap) - 0.006, 0.0, h / 2.0),
                    scale_xy=(d / 2.0 * 1.02, h / 2.0 * 1.02),
                    axis="x",
                )
                for s in (-1.0, 1.0)
            ]
            parts.append(Part("piping", merge(rings), params.piping_material))
        buttons = [_ellipsoid((s * (w / 2.0 - 0.004), 0.0, h / 2.0), (0.006, 0.016, 0.016), 8, 4) for s in (-1.0, 1.0)]
        parts.append(Part("buttons", merge(buttons), params.button_material))
        return _fit(parts, size)
    t = d / 2.0
    tuft = 0.28 if params.tufted else 0.0
    if style == "round":

        def thick(rho):
            return t * (1.0 - rho * rho) ** p * (1.0 - tuft * math.exp(-rho * rho / 0.03))

        halves = [
            _disc_pillow(6, 20, w / 2.0, h / 2.0, h / 2.0, thick, lambda rho: 0.0),
            _disc_pillow(6, 20, w / 2.0, h / 2.0, h / 2.0, lambda rho: 0.0, lambda rho: -thick(rho)),
        ]
    else:
        c = clamp(params.corner_pinch, 0.0, 0.15) * (0.4 if style == "boxed" else 1.0)
        expo = 5.0 if style == "boxed" else 2.0
        pe = p * (0.6 if style == "boxed" else 1.0)

        def pos(u, v):
            return (w / 2.0 * u * (1.0 - c * (1.0 - v * v)), h / 2.0 * (1.0 + v * (1.0 - c * (1.0 - u * u))))

        def thick(u, v):
            base = np.clip((1.0 - np.abs(u) ** expo) * (1.0 - np.abs(v) ** expo), 0.0, 1.0) ** pe
            return t * base * (1.0 - tuft * np.exp(-(u * u + v * v) / 0.03))

        def flat(u, v):
            return np.zeros_like(u)

        halves = [_sheet_pillow(10, pos, thick, flat), _sheet_pillow(10, pos, flat, lambda u, v: -thick(u, v))]
    seam = halves[0][1]
    parts.append(Part("front", halves[0][0], params.material))
    parts.append(Part("back", halves[1][0], params.back_material or params.material))
    if params.piping:
        parts.append(Part("piping", _tube(seam, pipe_r, 5, closed=True), params.piping_material))
    if params.tufted:
        br = clamp(0.03 * min(w, h), 0.008, 0.015)
        yb = t * (1.0 - tuft) * 0.98
        buttons = [_ellipsoid((0.0, s * yb, h / 2.0), (br, 0.4 * br, br), 8, 4) for s in (-1.0, 1.0)]
        parts.append(Part("buttons", merge(buttons), params.button_material))
    return _fit(parts, size)


# ---------------------------------------------------------------------------------------------------
# towel
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TowelParams:
    category: str = "towel"
    style: str = "stack"  # stack | rolled
    count: int = 2
    materials: tuple = ("white cotton", "white cotton", "white cotton", "white cotton")
    band: bool = True
    band_material: str = "grey cotton"
    offset_m: float = 0.01  # how far the folded towels sit out of line


def sample_towel_params(rng: np.random.Generator, size: Size, category: str = "towel") -> TowelParams:
    """Towels: a stack of 1-4 folded towels (one colour or alternating, a woven band near one end)
    or rolled towels (a row, or a pyramid of three when the size is tall)."""
    w, d, h = size
    style = pick(rng, ("stack", "rolled"), (0.7, 0.3))
    max_n = int(clamp(h / 0.025, 1, 4))
    c1 = pick(
        rng,
        (
            "white",
            "off white",
            "cream",
            "grey",
            "light grey",
            "sand",
            "navy",
            "sage",
            "blush",
            "charcoal",
            "sky blue",
            "teal",
            "mustard",
        ),
    )
    c2 = c1 if chance(rng, 0.6) else pick(rng, ("white", "grey", "navy", "sage", "sand", "charcoal"))
    return TowelParams(
        category=category,
        style=style,
        count=int(rng.integers(1, max_n + 1)) if style == "stack" else int(rng.integers(2, 5)),
        materials=tuple(f"{c1 if i % 2 == 0 else c2} cotton" for i in range(4)),
        band=chance(rng, 0.6),
        band_material=f"{pick(rng, ('grey', 'navy', 'white', 'charcoal', 'beige', 'sage'))} cotton",
        offset_m=uniform(rng, 0.0, 0.015),
    )


def build_towel(params: TowelParams, size: Size) -> list[Part]:
    """Towels of exactly ``size``."""
    w, d, h = (float(v) for v in size)
    mats = params.materials or ("white cotton",)
    parts: list[Part] = []
    if params.style == "rolled":
        n = int(clamp(params.count, 1, 6))
        pyramid = h > 0.75 * w and n >= 3
        if pyramid:
            r = min(w / 4.0, h / (2.0 + math.sqrt(3.0)) * 1.0)
            centres = [(-r, r), (r, r), (0.0, r + math.sqrt(3.0) * r)]
        else:
            k = max(1, min(n, round(w / max(h, 1e-3))))
            r = w / (2.0 * k)
            centres = [(-w / 2.0 + r * (2 * i + 1), r) for i in range(k)]
        for i, (cx, cz) in enumerate(centres):
            roll = lathe(
                [(0.0, 0.0), (0.9, 0.0), (1.0, 0.05 * d), (1.0, 0.95 * d), (0.9, d), (0.0, d)],
                16,
                (cx, -d / 2.0, cz),
                scale_xy=(r, r),
                axis="y",
            )
            core = lathe(
                [(0.0, 0.0), (0.5, 0.0), (0.5, d + 0.004), (0.0, d + 0.004)],
                12,
                (cx, -d / 2.0 - 0.002, cz),
                scale_xy=(r, r),
                axis="y",
            )
            mat = mats[i % len(mats)]
            parts.append(Part(f"roll_{i}", roll, mat))
            parts.append(Part(f"roll_core_{i}", core, mat))
            if params.band:
                band = lathe(
                    [(0.0, 0.0), (1.0, 0.0), (1.0, 0.08 * d), (0.0, 0.08 * d)],
                    16,
                    (cx, 0.25 * d, cz),
                    scale_xy=(r * 1.01, r * 1.01),
                    axis="y",
                )
                parts.append(Part(f"band_{i}", band, params.band_material))
        return _fit(parts, size)
    n = int(clamp(params.count, 1, 5))
    tt = h / n
    off = clamp(params.offset_m, 0.0, 0.1 * min(w, d))
    steps = 2 if n <= 3 else 1
    for i in range(n):
        dx = off * math.sin(2.3 * i + 0.7)
        dy = off * math.cos(1.7 * i + 0.3)
        lo = (-w / 2.0 + off + dx, -d / 2.0 + off + dy, i * tt)
        hi = (w / 2.0 - off + dx, d / 2.0 - off + dy, (i + 1) * tt)
        parts.append(Part(f"towel_{i}", rounded_box(lo, hi, 0.45 * tt, steps), mats[i % len(mats)]))
        if params.band or n == 1:
            bx = lo[0] + 0.12 * (hi[0] - lo[0])
            bw = clamp(0.05 * w, 0.01, 0.03)
            parts.append(
                Part(
                    f"band_{i}",
                    rounded_box(
                        (bx, lo[1] + 0.002, lo[2] + 0.1 * tt), (bx + bw, hi[1] + 0.0015, hi[2] + 0.0003), 0.35 * tt, 1
                    ),
                    params.band_material,
                )
            )
    return _fit(parts, size)


def _stack_top_surface(parts: list[Part], prefix: str, n: int, shrink: float = 0.25) -> list[Surface]:
    """The flat top of the topmost item of a stack (a rounded box): inside its rounded rim."""
    top = next(p for p in parts if p.name == f"{prefix}{n - 1}")
    lo, hi = top.mesh.bounds
    ex, ey = hi[0] - lo[0], hi[1] - lo[1]
    return [
        Surface(
            0,
            float(hi[2]),
            rect(lo[0] + shrink * ex, lo[1] + shrink * ey, hi[0] - shrink * ex, hi[1] - shrink * ey),
            "top",
            None,
        )
    ]


def towel_surfaces(params: TowelParams, size: Size) -> list[Surface]:
    """The top of a stack of folded towels (none for rolled towels)."""
    if params.style == "rolled":
        return []
    n = int(clamp(params.count, 1, 5))
    parts = build_towel(params, size)
    return _stack_top_surface(parts, "towel_", n)


# ---------------------------------------------------------------------------------------------------
# folded clothes
# ---------------------------------------------------------------------------------------------------

GARMENTS = {  # relative thickness, fabric
    "tshirt": (0.8, "cotton"),
    "shirt": (0.7, "linen"),
    "sweater": (1.5, "wool"),
    "jeans": (1.1, "denim"),
}


@dataclass(frozen=True)
class FoldedClothesParams:
    category: str = "folded_clothes"
    garments: tuple = ("sweater", "tshirt", "jeans")
    colours: tuple = ("grey", "white", "navy")
    offset_m: float = 0.012


def sample_folded_clothes_params(
    rng: np.random.Generator, size: Size, category: str = "folded_clothes"
) -> FoldedClothesParams:
    """A stack of 2-5 folded garments (t-shirts, shirts, sweaters, jeans), each its own colour."""
    w, d, h = size
    n = int(rng.integers(2, 6))
    n = int(clamp(n, 2, max(2, int(h / 0.015))))
    kinds = tuple(pick(rng, tuple(GARMENTS)) for _ in range(n))
    pool = list(FABRIC_COLOURS)
    colours = []
    for _ in range(n):
        c = pick(rng, tuple(pool))
        pool.remove(c)
        colours.append(c)
    return FoldedClothesParams(
        category=category, garments=kinds, colours=tuple(colours), offset_m=uniform(rng, 0.004, 0.02)
    )


def _material(kind: str, colour: str) -> str:
    fabric = GARMENTS.get(kind, (1.0, "cotton"))[1]
    if fabric == "denim":  # blue jeans are denim, other colours cotton twill (colours are unique per stack)
        return "denim" if colour == "blue" else f"{colour} cotton"
    return f"{colour} {fabric}"


def build_folded_clothes(params: FoldedClothesParams, size: Size) -> list[Part]:
    """A stack of folded garments of exactly ``size``."""
    w, d, h = (float(v) for v in size)
    kinds = tuple(params.garments) or ("tshirt", "sweater")
    if len(kinds) < 2:
        kinds = kinds + ("tshirt",)
    kinds = kinds[:6]
    colours = tuple(params.colours) or ("grey",)
    rel = [GARMENTS.get(k, (1.0, "cotton"))[0] for k in kinds]
    unit = h / sum(rel)
    off = clamp(params.offset_m, 0.0, 0.08 * min(w, d))
    steps = 2 if len(kinds) <= 3 else 1
    parts = []
    z = 0.0
    for i, kind in enumerate(kinds):
        t = rel[i] * unit
        mat = _material(kind, colours[i % len(colours)])
        shrink_x = (0.0, 0.06, 0.02, 0.1)[i % 4] * w
        shrink_y = (0.04, 0.0, 0.08, 0.03)[i % 4] * d
        dx = off * math.sin(2.1 * i + 0.4)
        dy = off * math.cos(1.3 * i + 1.1)
        lo = (-w / 2.0 + off + shrink_x / 2 + dx, -d / 2.0 + off + shrink_y / 2 + dy, z)
        hi = (w / 2.0 - off - shrink_x / 2 + dx, d / 2.0 - off - shrink_y / 2 + dy, z + t)
        parts.append(Part(f"garment_{i}", rounded_box(lo, hi, 0.42 * t, steps), mat))
        if kind == "sweater":  # ribbed hem along the front fold
            parts.append(
                Part(
                    f"hem_{i}",
                    rounded_box(
                        (lo[0] + 0.01, hi[1] - 0.02, z + 0.12 * t),
                        (hi[0] - 0.01, hi[1] + 0.002, z + 0.88 * t),
                        0.3 * t,
                        1,
                    ),
                    mat,
                )
            )
        elif kind == "jeans":  # the waistband at one end
            parts.append(
                Part(
                    f"waistband_{i}",
                    rounded_box(
                        (lo[0] - 0.002, lo[1] + 0.01, z + 0.1 * t),
                        (lo[0] + 0.03, hi[1] - 0.01, z + 0.9 * t),
                        0.3 * t,
                        1,
                    ),
                    mat,
                )
            )
        elif kind == "shirt":  # a button placket down the middle of the folded front
            parts.append(
                Part(
                    f"placket_{i}",
                    box(
                        (-0.012 + (lo[0] + hi[0]) / 2, lo[1] + 0.02, z + t * 0.4),
                        (0.012 + (lo[0] + hi[0]) / 2, hi[1] + 0.001, z + t * 0.85),
                    ),
                    mat,
                )
            )
        z += t
    return _fit(parts, size)


def folded_clothes_surfaces(params: FoldedClothesParams, size: Size) -> list[Surface]:
    """The top of the stack."""
    parts = build_folded_clothes(params, size)
    n = sum(p.name.startswith("garment_") for p in parts)
    return _stack_top_surface(parts, "garment_", n)


# ---------------------------------------------------------------------------------------------------
# shoe
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShoeParams:
    category: str = "shoe"
    style: str = "sneaker"  # sneaker | dress | loafer | boot
    upper_material: str = "white leather"
    sole_material: str = "white rubber"
    lining_material: str = "charcoal fabric"
    lace_material: str = "white cotton"
    toe_out_deg: float = 4.0
    gap_m: float = 0.015


def sample_shoe_params(rng: np.random.Generator, size: Size, category: str = "shoe") -> ShoeParams:
    """A pair of shoes: sneakers (canvas / leather uppers, white, black or gum soles, laces), dress
    shoes and loafers (leather, heel block) or boots (tall sizes: a shaft up to the top)."""
    w, d, h = size
    if h > 0.18:
        style = "boot"
    elif h > 0.13:
        style = pick(rng, ("boot", "sneaker"), (0.6, 0.4))
    else:
        style = pick(rng, ("sneaker", "dress", "loafer"), (0.5, 0.25, 0.25))
    if style == "sneaker":
        upper = pick(
            rng,
            (
                "white leather",
                "black fabric",
                "navy fabric",
                "grey fabric",
                "red fabric",
                "white cotton",
                "sage fabric",
                "beige fabric",
            ),
        )
        sole = pick(rng, ("white rubber", "white rubber", "black rubber", "tan rubber"))
    elif style == "boot":
        upper = pick(rng, ("tan leather", "brown leather", "black leather", "cognac leather", "taupe fabric"))
        sole = pick(rng, ("black rubber", "brown rubber", "tan rubber"))
    else:
        upper = pick(
            rng,
            (
                "black leather",
                "brown leather",
                "cognac leather",
                "chocolate leather",
                "burgundy leather",
                "navy velvet",
            ),
        )
        sole = pick(rng, ("black rubber", "brown rubber", "tan leather"))
    return ShoeParams(
        category=category,
        style=style,
        upper_material=upper,
        sole_material=sole,
        lining_material=pick(rng, ("charcoal fabric", "black fabric", "tan leather", "beige fabric")),
        lace_material=(
            pick(rng, ("white cotton", "black cotton", "tan cotton")) if style == "sneaker" else "black cotton"
        ),
        toe_out_deg=uniform(rng, 0.0, 8.0),
        gap_m=uniform(rng, 0.005, 0.03),
    )


def _smooth(a: float, b: float, t: np.ndarray) -> np.ndarray:
    s = np.clip((t - a) / (b - a), 0.0, 1.0)
    return s * s * (3.0 - 2.0 * s)


#: top of the upper along the foot (t = 0 heel .. 1 toe), as a fraction of the shoe height
UPPER_TOPS = {
    "sneaker": ((0.0, 0.78), (0.12, 0.86), (0.3, 0.78), (0.5, 0.86), (0.7, 0.62), (0.88, 0.46), (1.0, 0.3)),
    "dress": ((0.0, 0.82), (0.15, 0.88), (0.32, 0.76), (0.5, 0.86), (0.7, 0.6), (0.88, 0.44), (1.0, 0.26)),
    "loafer": ((0.0, 0.78), (0.15, 0.82), (0.35, 0.7), (0.55, 0.8), (0.72, 0.6), (0.88, 0.45), (1.0, 0.28)),
    "boot": ((0.0, 0.5), (0.3, 0.52), (0.5, 0.48), (0.7, 0.34), (0.88, 0.24), (1.0, 0.15)),
}


def _shoe(
    style: str, length: float, width: float, height: float, mats: ShoeParams
) -> list[tuple[str, trimesh.Trimesh, str]]:
    """One shoe, heel at -Y, toe at +Y, centred on x = 0, y = 0, standing on z = 0."""
    ts = 0.5 - 0.5 * np.cos(np.linspace(0.0, math.pi, 11))
    ts = 0.012 + 0.976 * ts
    base = (
        0.78 + 0.22 * np.sin(0.5 * math.pi * np.clip(ts / 0.68, 0.0, 1.0)) - 0.12 * np.clip((ts - 0.7) / 0.3, 0.0, 1.0)
    )
    heel_end = np.sqrt(np.clip(1.0 - ((0.12 - np.minimum(ts, 0.12)) / 0.12) ** 2, 0.0, 1.0))
    toe_end = np.sqrt(np.clip(1.0 - ((np.maximum(ts, 0.76) - 0.76) / 0.24) ** 2, 0.0, 1.0))
    hw = width / 2.0 * base * np.maximum(heel_end * toe_end, 0.08)
    ys = -length / 2.0 + ts * length
    low_height = height if style != "boot" else min(height, 0.36 * length)
    heel_h = {"dress": 0.22, "loafer": 0.16, "boot": 0.2, "sneaker": 0.0}[style] * low_height
    sole_t = {"sneaker": 0.22, "dress": 0.07, "loafer": 0.07, "boot": 0.12}[style] * low_height
    lift = heel_h * (1.0 - _smooth(0.22, 0.6, ts))  # the heel raises the back of the foot
    tops = UPPER_TOPS[style]
    top = np.interp(ts, [p[0] for p in tops], [p[1] for p in tops]) * (height if style != "boot" else low_height * 1.9)
    top = np.maximum(top, lift + sole_t + 0.25 * low_height)
    a = np.arange(10) * (2.0 * math.pi / 10)
    ca, sa = np.cos(a), np.sin(a)
    sole_rings, upper_rings = [], []
    au = np.arange(12) * (2.0 * math.pi / 12)
    cu, su = np.cos(au), np.sin(au)
    for k in range(len(ts)):
        zc = lift[k] + sole_t / 2.0
        sole_rings.append(
            np.stack(
                [
                    hw[k] * np.sign(ca) * np.abs(ca) ** 0.35,
                    np.full(10, ys[k]),
                    zc + sole_t / 2.0 * np.sign(sa) * np.abs(sa) ** 0.35,
                ],
                1,
            )
        )
        zb = lift[k] + 0.7 * sole_t
        zm = zb + 0.3 * (top[k] - zb)
        up = np.where(su > 0, (top[k] - zm) * np.abs(su) ** 0.9, -(zm - zb) * np.abs(su) ** 0.25)
        upper_rings.append(np.stack([0.95 * hw[k] * np.sign(cu) * np.abs(cu) ** 0.55, np.full(12, ys[k]), zm + up], 1))
    out = [("sole", _loft(sole_rings), mats.sole_material), ("upper", _loft(upper_rings), mats.upper_material)]
    if heel_h > 0:
        k = 2
        hx = 0.78 * hw[k + 1]
        out.append(
            (
                "heel",
                box((-hx, -length / 2.0 + 0.006, 0.0), (hx, -length / 2.0 + 0.2 * length, lift[k] + 0.3 * sole_t)),
                mats.sole_material,
            )
        )
    # the opening: a dark oval sunk into the top at the back
    t_open = 0.2 if style != "boot" else 0.22
    y_open = -length / 2.0 + t_open * length
    k_open = int(np.argmin(np.abs(ts - t_open)))
    if style == "boot":
        rx, ry = 0.9 * hw[k_open], 0.2 * length
        zs = float(top[k_open]) - 0.02
        shaft = lathe(
            [(0.0, 0.0), (1.0, 0.0), (1.0, height - zs - 0.004), (0.96, height - zs), (0.0, height - zs)],
            16,
            (0.0, y_open, zs),
            scale_xy=(rx, ry),
        )
        out.append(("shaft", shaft, mats.upper_material))
        out.append(
            (
                "opening",
                _ellipsoid((0.0, y_open, height - 0.004), (0.86 * rx, 0.86 * ry, 0.004), 12, 4),
                mats.lining_material,
            )
        )
    else:
        ro = (0.72 * hw[k_open], 0.16 * length, 0.012 * height + 0.003)
        out.append(
            (
                "opening",
                _ellipsoid((0.0, y_open + 0.05 * length, float(top[k_open + 1]) - 0.6 * ro[2]), ro, 8, 3),
                mats.lining_material,
            )
        )
    if style == "sneaker":
        bars = []
        for tl in (0.4, 0.47, 0.54, 0.61):
            y = -length / 2.0 + tl * length
            zt = float(np.interp(tl, ts, top))
            hx = 0.4 * float(np.interp(tl, ts, hw))
            bars.append(box((-hx, y - 0.003, zt - 0.006), (hx, y + 0.003, zt + 0.0015)))
        out.append(("laces", merge(bars), mats.lace_material))
    if style == "loafer":
        kk = int(np.argmin(np.abs(ts - 0.52)))
        y = float(ys[kk])
        zt = float(top[kk])
        hx = 0.8 * float(hw[kk])
        out.append(
            (
                "strap",
                box((-hx, y - 0.008, zt - 0.01), (hx, y + 0.008, zt + 0.002)),
                mats.sole_material if mats.sole_material.endswith("leather") else mats.upper_material,
            )
        )
    return out


def build_shoe(params: ShoeParams, size: Size) -> list[Part]:
    """A pair of shoes of exactly ``size``, side by side along X, toes at +Y."""
    w, d, h = (float(v) for v in size)
    style = params.style if params.style in UPPER_TOPS else "sneaker"
    if style == "boot" and h < 0.45 * d:
        style = "dress"
    gap = clamp(params.gap_m, 0.0, 0.2 * w)
    pair = w >= 0.15
    sw = (w - gap) / 2.0 if pair else w
    sw = min(sw, 0.45 * d)
    shoe = _shoe(style, d, sw, h, params)  # built once, placed twice
    if not pair:
        return _fit([Part(n, m, mat) for n, m, mat in shoe], size)
    ang = clamp(params.toe_out_deg, 0.0, 15.0)
    parts = []
    for i, s in enumerate((-1.0, 1.0)):
        rot = rotation_z(-s * ang)
        cx = s * (sw / 2.0 + gap / 2.0)
        for n, m, mat in shoe:
            parts.append(Part(f"{n}_{i}", translate(transformed(m, rot), cx), mat))
    return _fit(parts, size)


register_generator("pillow", PillowParams, build_pillow, no_surfaces, sample_pillow_params)
register_generator("towel", TowelParams, build_towel, towel_surfaces, sample_towel_params)
register_generator(
    "folded_clothes", FoldedClothesParams, build_folded_clothes, folded_clothes_surfaces, sample_folded_clothes_params
)
register_generator("shoe", ShoeParams, build_shoe, no_surfaces, sample_shoe_params)
