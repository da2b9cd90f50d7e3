"""Books, magazines and small electronics: book, magazine, laptop, keyboard, speaker.

Orientation conventions (front is local +Y):

- book: the catalog size of a book is (thickness, depth, height) -- width X is the thin side -- so a
  book stands upright, as on a shelf: cover boards are the +-X faces, the spine faces +Y (towards
  the room) and the fore-edge of the pages faces -Y.
- magazine: a flat stack of 1-4 magazines (or a folded newspaper) lying on their backs.
- laptop: the user sits at +Y: the hinge is at the back (-Y), the open lid leans back over it and its
  "black screen" faces +Y; the keyboard is in front of the hinge, the trackpad in front of that.
  Very low sizes are closed laptops.
- keyboard: key rows run along X; the space bar row is the front (+Y) row.
- speaker: drivers (woofer / tweeter cones) or the fabric grille face +Y.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import trimesh

from ..parts import Part
from ..primitives import box, cylinder, lathe, merge, rotation_z, rounded_box, transformed
from ..surfaces import Surface, rect
from ._shapes import no_surfaces, pivoted, rotation_x, translate
from .params import chance, clamp, pick, register_generator, uniform
from .tableware import _fit, _hits_z, _ring, _solid

Size = tuple[float, float, float]

COVER_COLOURS = (
    "red",
    "burgundy",
    "navy",
    "blue",
    "teal",
    "forest green",
    "olive",
    "mustard",
    "orange",
    "black",
    "charcoal",
    "grey",
    "cream",
    "white",
    "brown",
    "tan",
    "plum",
    "sky blue",
    "coral",
    "sage",
)

# ---------------------------------------------------------------------------------------------------
# book
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BookParams:
    category: str = "book"
    binding: str = "hardcover"  # hardcover | paperback
    cover_material: str = "navy linen"
    page_material: str = "white paper"
    board_thickness_m: float = 0.0025
    overhang_m: float = 0.003  # boards past the page block (hardcover)
    rounded_spine: bool = True
    spine_bands: int = 0  # raised bands across the spine (old leather books)
    band_material: str = "gold"
    spine_label: bool = True  # a coloured title label on the spine
    label_material: str = "cream paper"


def sample_book_params(rng: np.random.Generator, size: Size, category: str = "book") -> BookParams:
    """A book standing upright: a hardcover (linen, leather or paper boards, round or flat spine,
    sometimes gilt bands on the spine) or a paperback (thin paper cover, flat spine); a title
    label; white, cream or ivory pages."""
    binding = pick(rng, ("hardcover", "paperback"), (0.6, 0.4))
    colour = pick(rng, COVER_COLOURS)
    if binding == "hardcover":
        cover = pick(rng, (f"{colour} linen", f"{colour} paper", f"{colour} leather", f"{colour} cotton"))
    else:
        cover = f"{colour} paper"
    leather = cover.endswith("leather")
    return BookParams(
        category=category,
        binding=binding,
        cover_material=cover,
        page_material=pick(rng, ("white paper", "cream paper", "ivory paper")),
        board_thickness_m=uniform(rng, 0.002, 0.0035) if binding == "hardcover" else uniform(rng, 0.0004, 0.0008),
        overhang_m=uniform(rng, 0.002, 0.004),
        rounded_spine=binding == "hardcover" and chance(rng, 0.7),
        spine_bands=int(rng.integers(2, 5)) if leather and chance(rng, 0.6) else 0,
        band_material=pick(rng, ("gold", "brass")),
        spine_label=chance(rng, 0.6),
        label_material=pick(rng, ("cream paper", "white paper", "black paper", "gold")),
    )


def build_book(params: BookParams, size: Size) -> list[Part]:
    """An upright book of exactly ``size`` (thickness along X, spine at +Y)."""
    t, d, h = (float(v) for v in size)
    hard = params.binding == "hardcover"
    tb = clamp(params.board_thickness_m, 0.0003, 0.2 * t)
    o = clamp(params.overhang_m, 0.001, 0.05 * min(d, h)) if hard else 0.0
    sd = clamp(0.25 * t, 0.002, 0.2 * d) if hard and params.rounded_spine else min(tb, 0.1 * d)
    r_edge = min(0.0012, 0.4 * tb)
    parts = []
    for i, s in enumerate((-1.0, 1.0)):
        x0, x1 = sorted((s * t / 2.0, s * (t / 2.0 - tb)))
        parts.append(
            Part(
                f"cover_{i}",
                rounded_box((x0, -d / 2.0, 0.0), (x1, d / 2.0 - sd * 0.5, h), r_edge, 1),
                params.cover_material,
            )
        )
    pages_lo = (-t / 2.0 + tb * 0.9, -d / 2.0 + o, o)
    pages_hi = (t / 2.0 - tb * 0.9, d / 2.0 - sd * 0.6, h - o)
    parts.append(Part("pages", box(pages_lo, pages_hi), params.page_material))
    if hard and params.rounded_spine:
        spine = lathe(
            [(0.0, 0.0), (1.0, 0.0), (1.0, h), (0.0, h)], 16, (0.0, d / 2.0 - sd, 0.0), scale_xy=(t / 2.0, sd)
        )
    else:
        spine = rounded_box((-t / 2.0, d / 2.0 - sd, 0.0), (t / 2.0, d / 2.0, h), r_edge, 1)
    parts.append(Part("spine", spine, params.cover_material))
    if params.spine_bands:
        n = int(clamp(params.spine_bands, 1, 6))
        bw = clamp(0.012 * h, 0.002, 0.005)
        bands = []
        for k in range(n):
            z = h * (0.12 + 0.76 * k / max(n - 1, 1))
            bands.append(
                rounded_box(
                    (-0.42 * t, d / 2.0 - 0.6 * sd, z - bw / 2), (0.42 * t, d / 2.0 + 0.0006, z + bw / 2), 0.3 * bw, 1
                )
            )
        parts.append(Part("spine_bands", merge(bands), params.band_material))
    if params.spine_label:
        z0, z1 = 0.62 * h, 0.8 * h
        parts.append(
            Part(
                "spine_label",
                box((-0.36 * t, d / 2.0 - 0.5 * sd, z0), (0.36 * t, d / 2.0 + 0.0004, z1)),
                params.label_material,
            )
        )
    return _fit(parts, size)


# ---------------------------------------------------------------------------------------------------
# magazine
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MagazineParams:
    category: str = "magazine"
    kind: str = "magazine"  # magazine | newspaper
    count: int = 2
    cover_materials: tuple = ("red paper", "white paper", "navy paper", "yellow paper")
    skew_deg: float = 4.0  # how far the lower ones are turned out of line
    glossy: bool = True


def sample_magazine_params(rng: np.random.Generator, size: Size, category: str = "magazine") -> MagazineParams:
    """A stack of 1-4 magazines (coloured covers, each turned a little out of line) or a folded
    newspaper."""
    w, d, h = size
    kind = pick(rng, ("magazine", "newspaper"), (0.8, 0.2))
    max_n = int(clamp(h / 0.0025, 1, 4))
    colours = [pick(rng, COVER_COLOURS) for _ in range(4)]
    return MagazineParams(
        category=category,
        kind=kind,
        count=int(rng.integers(1, max_n + 1)),
        cover_materials=tuple(f"{c} paper" for c in colours),
        skew_deg=uniform(rng, 1.0, 8.0),
        glossy=chance(rng, 0.5),
    )


def build_magazine(params: MagazineParams, size: Size) -> list[Part]:
    """Magazines (or a newspaper) of exactly ``size``; the top one lies square with the box."""
    w, d, h = (float(v) for v in size)
    parts = []
    if params.kind == "newspaper":
        n = int(clamp(params.count, 1, 2))
        tn = h / n
        for i in range(n):
            z0 = i * tn
            lo = (-w / 2.0, -d / 2.0, z0)
            parts.append(
                Part(f"newspaper_{i}", rounded_box(lo, (w / 2.0, d / 2.0, z0 + tn), 0.45 * tn), "off white paper")
            )
            # a dark masthead band across the top of the front page
            parts.append(
                Part(
                    f"masthead_{i}",
                    box((-0.42 * w, 0.28 * d, z0 + tn * 0.5), (0.42 * w, 0.4 * d, z0 + tn + 0.0002)),
                    "black paper",
                )
            )
        return _fit(parts, size)
    n = int(clamp(params.count, 1, 4))
    tm = h / n
    mats = params.cover_materials or ("red paper",)
    skew = clamp(params.skew_deg, 0.0, 15.0)
    # shrink the magazines so turned ones still fit the footprint
    a = math.radians(skew) if n > 1 else 0.0
    mw = (w * math.cos(a) - d * math.sin(a)) / (math.cos(a) ** 2 - math.sin(a) ** 2) if n > 1 else w
    md = (d * math.cos(a) - w * math.sin(a)) / (math.cos(a) ** 2 - math.sin(a) ** 2) if n > 1 else d
    mw, md = clamp(mw, 0.6 * w, w), clamp(md, 0.6 * d, d)
    for i in range(n):
        z0 = i * tm
        top = i == n - 1
        ang = 0.0 if top else skew * (1.0 if i % 2 == 0 else -0.7)
        ct = min(0.0004, 0.2 * tm)
        pages = box((-mw / 2.0 + 0.001, -md / 2.0, z0), (mw / 2.0 - 0.0005, md / 2.0 - 0.0005, z0 + tm - ct))
        cover = box((-mw / 2.0, -md / 2.0, z0 + tm - ct), (mw / 2.0, md / 2.0, z0 + tm))
        back = box((-mw / 2.0, -md / 2.0, z0), (mw / 2.0, md / 2.0, z0 + ct))
        spine = box((-mw / 2.0, -md / 2.0, z0), (-mw / 2.0 + 0.001, md / 2.0, z0 + tm))
        m = rotation_z(ang)
        mat = mats[i % len(mats)]
        parts.append(Part(f"pages_{i}", transformed(pages, m), "white paper"))
        parts.append(Part(f"cover_{i}", transformed(merge([cover, back, spine]), m), mat))
    return _fit(parts, size)


def magazine_surfaces(params: MagazineParams, size: Size) -> list[Surface]:
    """The top of the stack."""
    parts = {p.name: p for p in build_magazine(params, size)}
    top = parts.get(f"cover_{int(clamp(params.count, 1, 4)) - 1}") if params.kind != "newspaper" else None
    w, d, h = (float(v) for v in size)
    if top is None:
        return [Surface(0, h, rect(-0.4 * w, -0.4 * d, 0.4 * w, 0.2 * d), "top", None)]
    lo, hi = top.mesh.bounds
    kx, ky = 0.4 * (hi[0] - lo[0]), 0.4 * (hi[1] - lo[1])
    cx, cy = (lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0
    return [Surface(0, float(hi[2]), rect(cx - kx, cy - ky, cx + kx, cy + ky), "top", None)]


# ---------------------------------------------------------------------------------------------------
# keys (laptop and keyboard)
# ---------------------------------------------------------------------------------------------------

#: rows back (-Y) to front (+Y); key widths in key units, negative numbers are gaps
MAIN_ROWS = (
    (1, -1, 1, 1, 1, 1, -0.5, 1, 1, 1, 1, -0.5, 1, 1, 1, 1),
    (1,) * 13 + (2,),
    (1.5,) + (1,) * 12 + (1.5,),
    (1.75,) + (1,) * 11 + (2.25,),
    (2.25,) + (1,) * 10 + (2.75,),
    (1.25, 1.25, 1.25, 6.25, 1.25, 1.25, 1.25, 1.25),
)
NAV_ROWS = ((1, 1, 1), (1, 1, 1), (1, 1, 1), (-3,), (-1, 1, -1), (1, 1, 1))
PAD_ROWS = ((-4,), (1, 1, 1, 1), (1, 1, 1, 1), (1, 1, 1, 1), (1, 1, 1, 1), (2, 1, 1))
LAPTOP_ROWS = (
    (1,) * 13 + (1.5,),
    (1.5,) + (1,) * 13,
    (1.75,) + (1,) * 11 + (1.75,),
    (2.25,) + (1,) * 10 + (2.25,),
    (1.25, 1.25, 1.25, 6.25, 1.25, 1.25, 1, 1),
)


def _layout(style: str) -> tuple[tuple, ...]:
    if style == "laptop":
        return LAPTOP_ROWS
    if style == "compact":
        return MAIN_ROWS[1:]
    rows = []
    for i, main in enumerate(MAIN_ROWS):
        row = main + (-0.25,) + NAV_ROWS[i]
        if style == "full":
            row = row + (-0.25,) + PAD_ROWS[i]
        rows.append(row)
    return tuple(rows)


def _keys(
    style: str, x0: float, x1: float, y_back: float, y_front: float, z0: float, key_h: float, gap: float
) -> tuple[trimesh.Trimesh, trimesh.Trimesh]:
    """Key caps of a layout filling x0..x1, y_back..y_front, standing on z0: (all keys but the space
    bar, the space bar). ``gap`` is the fraction of a key unit left between caps."""
    rows = _layout(style)
    units = sum(abs(k) for k in rows[-1])
    ux = (x1 - x0) / units
    fgap = 0.4 if style in ("tkl", "full") else 0.0  # the F row stands apart
    uy = min((y_front - y_back) / (len(rows) + fgap), 1.1 * ux)  # keys no deeper than wide
    y_back += 0.5 * ((y_front - y_back) - uy * (len(rows) + fgap))  # the block centred in the depth
    caps, space = [], None
    widest = max(rows[-1])
    for r, row in enumerate(rows):
        yb = y_back + (r + (fgap if r > 0 else 0.0)) * uy
        x = x0
        for k in row:
            if k < 0:
                x += -k * ux
                continue
            lo = (x + 0.5 * gap * ux, yb + 0.5 * gap * uy, z0)
            hi = (x + k * ux - 0.5 * gap * ux, yb + uy - 0.5 * gap * uy, z0 + key_h)
            cap = box(lo, hi)
            if r == len(rows) - 1 and k == widest and space is None:
                space = cap
            else:
                caps.append(cap)
            x += k * ux
    return merge(caps), space


# ---------------------------------------------------------------------------------------------------
# laptop
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LaptopParams:
    category: str = "laptop"
    body_material: str = "aluminium"
    key_material: str = "black plastic"
    base_thickness_m: float = 0.014
    lid_thickness_m: float = 0.006
    bezel_m: float = 0.008
    logo: bool = True
    logo_material: str = "mirror"


def sample_laptop_params(rng: np.random.Generator, size: Size, category: str = "laptop") -> LaptopParams:
    """A laptop, open (lid leaning back, angle from the size; very low sizes are closed); aluminium, silver, dark grey,
    black or white body, black or matching keys, thin or thick bezel, maybe a lid logo."""
    w, d, h = size
    body = pick(
        rng,
        (
            "aluminium",
            "aluminium",
            "silver plastic",
            "dark grey painted metal",
            "black plastic",
            "white plastic",
            "charcoal plastic",
        ),
    )
    return LaptopParams(
        category=category,
        body_material=body,
        key_material=(
            pick(rng, ("black plastic", "black plastic", "dark grey plastic"))
            if body != "white plastic"
            else "white plastic"
        ),
        base_thickness_m=uniform(rng, 0.01, 0.02),
        lid_thickness_m=uniform(rng, 0.004, 0.008),
        bezel_m=uniform(rng, 0.004, 0.014),
        logo=chance(rng, 0.6),
        logo_material=pick(rng, ("mirror", "white plastic", "black plastic", "chrome")),
    )


def _laptop_geometry(params: LaptopParams, size: Size) -> tuple[bool, float, float, float, float, float]:
    """(open, base thickness, lid thickness, base depth, lid length, opening angle in degrees)."""
    w, d, h = (float(v) for v in size)
    is_open = h > 0.045
    if not is_open:
        tb = 0.6 * h
        return False, tb, h - tb, d, d, 0.0
    tb = clamp(params.base_thickness_m, 0.006, 0.2 * h)
    tl = clamp(params.lid_thickness_m, 0.003, 0.05 * h + 0.002)
    hh = h - tb - 0.3 * tl
    theta = 2.0 * math.degrees(math.atan2(d, hh))
    if theta <= 135.0:
        lid = hh / math.sin(math.radians(theta))
    else:  # too low for a lid leaning back: open only partly, the lid as deep as the base
        theta = math.degrees(math.asin(clamp(hh / d, 0.0, 1.0)))
        lid = d
    return True, tb, tl, min(lid, d), lid, theta


def build_laptop(params: LaptopParams, size: Size) -> list[Part]:
    """A laptop of exactly ``size``; hinge at -Y, the screen faces +Y."""
    w, d, h = (float(v) for v in size)
    is_open, tb, tl, db, lid_l, theta = _laptop_geometry(params, size)
    yb0 = -db / 2.0
    r = min(0.004, 0.4 * tb)
    parts = [Part("base", rounded_box((-w / 2.0, yb0, 0.0), (w / 2.0, yb0 + db, tb), r, 1), params.body_material)]
    bezel = clamp(params.bezel_m, 0.002, 0.1 * min(w, lid_l))
    # the lid, built closed on the base (screen face down), then opened about the hinge
    lid = rounded_box((-w / 2.0, yb0, tb), (w / 2.0, yb0 + lid_l, tb + tl), min(0.003, 0.4 * tl), 1)
    screen = box(
        (-w / 2.0 + bezel, yb0 + bezel * 1.6, tb - 0.0006), (w / 2.0 - bezel, yb0 + lid_l - bezel, tb + 0.3 * tl)
    )
    pieces = [("lid", lid, params.body_material), ("screen", screen, "black screen")]
    if params.logo:
        lr = clamp(0.06 * min(w, lid_l), 0.008, 0.02)
        pieces.append(
            (
                "logo",
                cylinder((0.0, yb0 + 0.5 * lid_l, 0.0), lr, tb + tl - 0.0005, tb + tl + 0.0004, 12),
                params.logo_material,
            )
        )
    if is_open:
        m = pivoted(rotation_x(theta), (0.0, yb0, tb))
        pieces = [(n, transformed(mesh, m), mat) for n, mesh, mat in pieces]
        hr = min(0.6 * tb, 0.007)
        parts.append(
            Part(
                "hinge",
                lathe(
                    [(0.0, 0.0), (hr, 0.0), (hr, 0.7 * w), (0.0, 0.7 * w)],
                    12,
                    (-0.35 * w, yb0 + hr * 0.5, tb),
                    axis="x",
                ),
                params.body_material,
            )
        )
        # keys, trackpad
        kx = 0.44 * w
        ky0 = yb0 + 0.08 * db
        ky1 = ky0 + min(0.48 * db, 5.4 * (2 * kx / 14.5))
        keys, space = _keys("laptop", -kx, kx, ky0, ky1, tb - 0.0008, 0.0016, 0.16)
        parts.append(Part("keys", keys, params.key_material))
        parts.append(Part("spacebar", space, params.key_material))
        tw, td = clamp(0.3 * w, 0.06, 0.13), clamp(0.6 * (yb0 + db - ky1), 0.03, 0.09)
        ty = (ky1 + yb0 + db) / 2.0
        parts.append(
            Part(
                "trackpad",
                box((-tw / 2.0, ty - td / 2.0, tb - 0.001), (tw / 2.0, ty + td / 2.0, tb + 0.0002)),
                (
                    "dark grey plastic"
                    if params.body_material in ("black plastic", "charcoal plastic")
                    else "light grey plastic"
                ),
            )
        )
    parts += [Part(n, mesh, mat) for n, mesh, mat in pieces]
    return _fit(parts, size)


def laptop_surfaces(params: LaptopParams, size: Size) -> list[Surface]:
    """A closed laptop's lid, or an open laptop's palm rest (beside the trackpad)."""
    parts = {p.name: p for p in build_laptop(params, size)}
    w = float(size[0])
    if "lid" in parts and "keys" not in parts:
        lo, hi = parts["lid"].mesh.bounds
        return [
            Surface(
                0,
                float(hi[2]),
                rect(0.8 * lo[0], lo[1] + 0.15 * (hi[1] - lo[1]), 0.8 * hi[0], hi[1] - 0.15 * (hi[1] - lo[1])),
                "lid",
                None,
            )
        ]
    blo, bhi = parts["base"].mesh.bounds
    klo, khi = parts["keys"].mesh.bounds
    tlo, thi = parts["trackpad"].mesh.bounds
    y0, y1 = khi[1] + 0.006, bhi[1] - 0.008
    x0 = thi[0] + 0.01
    x1 = 0.45 * w
    if y1 - y0 < 0.01 or x1 - x0 < 0.01:
        y0, y1 = khi[1] + 0.002, bhi[1] - 0.003
        x0, x1 = thi[0] + 0.002, 0.48 * w
    z = float(bhi[2])
    # a lid opened less than upright hangs over the palm rest
    above = _hits_z([parts["lid"], parts["screen"]], (x0 + x1) / 2.0, (y0 + y1) / 2.0)
    above = above[above > z + 0.003]
    clearance = float(above.min() - z) if above.size else None
    return [Surface(0, z, rect(x0, y0, x1, y1), "palm_rest", clearance)]


# ---------------------------------------------------------------------------------------------------
# keyboard
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyboardParams:
    category: str = "keyboard"
    layout: str = "full"  # full | tkl | compact
    key_style: str = "low"  # low (chiclet) | tall (mechanical)
    case_material: str = "black plastic"
    key_material: str = "black plastic"
    accent_keys: bool = False  # escape / enter / space in an accent colour
    accent_material: str = "orange plastic"
    wrist_rest: bool = False
    wrist_material: str = "black leather"
    tilt_deg: float = 3.0


def sample_keyboard_params(rng: np.random.Generator, size: Size, category: str = "keyboard") -> KeyboardParams:
    """A computer keyboard: full-size (with number pad), tenkeyless or compact 60 %; low chiclet or
    tall mechanical caps; black, white, grey or aluminium case; maybe accent-coloured keys or a wrist
    rest in front."""
    w, d, h = size
    layout = pick(rng, ("full", "tkl", "compact"), (0.5, 0.3, 0.2))
    case = pick(rng, ("black plastic", "white plastic", "dark grey plastic", "aluminium", "light grey plastic"))
    keys = pick(rng, ("black plastic", "white plastic", "dark grey plastic", "cream plastic", "light grey plastic"))
    return KeyboardParams(
        category=category,
        layout=layout,
        key_style=pick(rng, ("low", "tall")),
        case_material=case,
        key_material=keys,
        accent_keys=chance(rng, 0.3),
        accent_material=pick(rng, ("orange plastic", "red plastic", "teal plastic", "mustard plastic", "navy plastic")),
        wrist_rest=d > 0.17 and chance(rng, 0.6),
        wrist_material=pick(rng, ("black leather", "charcoal fabric", "walnut wood")),
        tilt_deg=uniform(rng, 0.0, 5.0),
    )


def build_keyboard(params: KeyboardParams, size: Size) -> list[Part]:
    """A keyboard of exactly ``size``: rows along X, space bar in the front (+Y) row."""
    w, d, h = (float(v) for v in size)
    layout = params.layout if params.layout in ("full", "tkl", "compact") else "full"
    tall = params.key_style == "tall"
    wrist = params.wrist_rest and d > 0.15
    dk = d - (clamp(0.35 * d, 0.05, 0.09) + 0.006 if wrist else 0.0)  # depth of the keyboard itself
    key_h = clamp((0.45 if tall else 0.25) * h, 0.002, 0.012)
    tilt = clamp(params.tilt_deg, 0.0, 8.0)
    rise = min(dk * math.tan(math.radians(tilt)), 0.4 * (h - key_h))
    tc = h - key_h - rise  # case thickness at the front
    tc = max(tc, 0.3 * h)
    margin = clamp(0.03 * w, 0.006, 0.02)
    yb, yf = -d / 2.0, -d / 2.0 + dk
    case = rounded_box((-w / 2.0, yb, 0.0), (w / 2.0, yf, tc), min(0.006, 0.4 * tc), 1)
    parts = []
    keys, space = _keys(
        layout,
        -w / 2.0 + margin,
        w / 2.0 - margin,
        yb + margin,
        yf - margin * 0.8,
        tc - 0.5 * key_h * (0.0 if tall else 1.0),
        key_h * (1.0 if tall else 1.5),
        0.14 if tall else 0.2,
    )
    # the tilt: lift the back (-Y) edge by ``rise`` (a shear of z by y)
    shear = np.eye(4)
    if dk > 0:
        shear[2, 1] = -rise / dk
        shear[2, 3] = rise * (yf / dk)
    parts.append(Part("case", transformed(case, shear), params.case_material))
    parts.append(Part("keys", transformed(keys, shear), params.key_material))
    parts.append(
        Part(
            "spacebar", transformed(space, shear), params.accent_material if params.accent_keys else params.key_material
        )
    )
    if wrist:
        wt = clamp(0.55 * h, 0.008, 0.025)
        parts.append(
            Part(
                "wrist_rest",
                rounded_box((-w / 2.0 + 0.01, yf + 0.006, 0.0), (w / 2.0 - 0.01, d / 2.0, wt), min(0.01, 0.45 * wt), 1),
                params.wrist_material,
            )
        )
    return _fit(parts, size)


# ---------------------------------------------------------------------------------------------------
# speaker
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpeakerParams:
    category: str = "speaker"
    style: str = "box"  # box | tower | cylinder | pill
    cabinet_material: str = "black painted wood"
    baffle_material: str = "black painted wood"
    driver_material: str = "black plastic"
    grille: bool = False
    grille_material: str = "charcoal fabric"
    feet: bool = False
    woofers: int = 1
    top_material: str = "black plastic"


def sample_speaker_params(rng: np.random.Generator, size: Size, category: str = "speaker") -> SpeakerParams:
    """A speaker: a bookshelf box (woofer and tweeter, maybe a fabric grille, maybe feet), a tall
    floor tower (2-3 woofers on a plinth), a cylindrical smart speaker wrapped in fabric or a
    horizontal pill-shaped bluetooth speaker; wood veneer, painted or plastic cabinets."""
    w, d, h = size
    if h > 2.2 * w:
        style = "tower"
    elif w > 1.5 * h:
        style = "pill"
    elif abs(w - d) < 0.35 * max(w, d) and max(w, d) < 0.2:
        style = pick(rng, ("cylinder", "box"), (0.6, 0.4))
    else:
        style = pick(rng, ("box", "cylinder"), (0.8, 0.2))
    cab = pick(
        rng,
        (
            "black painted wood",
            "walnut wood",
            "white painted wood",
            "oak wood",
            "black plastic",
            "charcoal painted wood",
        ),
    )
    return SpeakerParams(
        category=category,
        style=style,
        cabinet_material=cab,
        baffle_material=cab if chance(rng, 0.6) else pick(rng, ("black painted wood", "black plastic")),
        driver_material=pick(rng, ("black plastic", "charcoal plastic", "silver plastic", "mustard plastic")),
        grille=chance(rng, 0.35),
        grille_material=pick(rng, ("charcoal fabric", "grey fabric", "black fabric", "beige fabric", "navy fabric")),
        feet=chance(rng, 0.4),
        woofers=int(rng.integers(2, 4)),
        top_material=pick(rng, ("black plastic", "white plastic", "dark grey plastic", "oak wood")),
    )


def _driver(x: float, z: float, y0: float, rad: float, proud: float, tweeter: bool) -> trimesh.Trimesh:
    """A loudspeaker driver on the baffle plane ``y0``, facing +Y: a rim, a cone dished towards the
    baffle and a dust cap (a dome for a tweeter)."""
    p = proud
    if tweeter:
        prof = [
            (0.0, 0.0),
            (1.0, 0.0),
            (1.0, 0.5 * p),
            (0.85, 0.55 * p),
            (0.55, 0.45 * p),
            (0.45, 0.75 * p),
            (0.25, 0.97 * p),
            (0.0, p),
        ]
    else:
        prof = [
            (0.0, 0.0),
            (1.0, 0.0),
            (1.0, 0.7 * p),
            (0.9, 0.85 * p),
            (0.35, 0.22 * p),
            (0.3, 0.35 * p),
            (0.0, 0.5 * p),
        ]
    prof = [(a * rad, b - 0.0005) for a, b in prof]
    return lathe(prof, 16, (x, y0, z), axis="y")


def build_speaker(params: SpeakerParams, size: Size) -> list[Part]:
    """A speaker of exactly ``size``, drivers / grille facing +Y."""
    w, d, h = (float(v) for v in size)
    style = params.style if params.style in ("box", "tower", "cylinder", "pill") else "box"
    parts: list[Part] = []
    if style == "cylinder":
        sx, sy = w / 2.0, d / 2.0
        top_h = clamp(0.1 * h, 0.008, 0.03)
        body = [(0.94, 0.0), (1.0, 0.015 * h), (1.0, h - top_h)]
        parts.append(Part("grille", _solid(body, 16, scale_xy=(sx, sy)), params.grille_material))
        top = [(1.0, h - top_h), (1.0, h - 0.3 * top_h), (0.93, h)]
        parts.append(Part("top", _solid(top, 16, scale_xy=(sx, sy)), params.top_material))
        parts.append(Part("light_ring", _ring((0.0, 0.0, h - 0.0012), 0.7, 0.001, (sx, sy), 24, 5), "white plastic"))
        parts.append(
            Part("logo", box((-0.012, sy * 0.98, 0.18 * h), (0.012, sy * 1.002, 0.18 * h + 0.006)), "silver plastic")
        )
        return _fit(parts, size)
    if style == "pill":
        cap = clamp(0.06 * w, 0.008, 0.03)
        ends = []
        for i, s in enumerate((-1.0, 1.0)):
            m = lathe(
                [(0.0, 0.0), (0.8, 0.0), (0.97, 0.4 * cap), (1.0, cap), (0.0, cap)],
                16,
                (0.0, 0.0, 0.0),
                axis="x",
                scale_xy=(d / 2.0, h / 2.0),
            )
            if s < 0:
                m = translate(m, -w / 2.0, 0.0, h / 2.0)
            else:
                m = transformed(m, rotation_z(180.0))
                m = translate(m, w / 2.0, 0.0, h / 2.0)
            ends.append(m)
        parts.append(Part("end_caps", merge(ends), "black rubber"))
        body = lathe(
            [(0.0, 0.0), (1.0, 0.0), (1.0, w - 2 * cap + 0.002), (0.0, w - 2 * cap + 0.002)],
            16,
            (-w / 2.0 + cap - 0.001, 0.0, h / 2.0),
            axis="x",
            scale_xy=(0.985 * d / 2.0, 0.985 * h / 2.0),
        )
        parts.append(Part("grille", body, params.grille_material))
        parts.append(
            Part("logo", box((-0.015, 0.97 * d / 2.0, 0.48 * h), (0.015, d / 2.0, 0.52 * h + 0.004)), "silver plastic")
        )
        return _fit(parts, size)
    tower = style == "tower"
    foot_h = clamp(0.04 * h, 0.01, 0.03) if (params.feet or tower) else 0.0
    proud = clamp(0.03 * d, 0.004, 0.01)
    yf = d / 2.0 - proud  # the baffle
    r_edge = min(0.008, 0.05 * min(w, d))
    parts.append(
        Part("cabinet", rounded_box((-w / 2.0, -d / 2.0, foot_h), (w / 2.0, yf, h), r_edge, 1), params.cabinet_material)
    )
    bt = 0.004
    parts.append(
        Part(
            "baffle",
            rounded_box(
                (-w / 2.0 + 0.003, yf - bt, foot_h + 0.003),
                (w / 2.0 - 0.003, yf + 0.001, h - 0.003),
                min(r_edge, 0.003),
                1,
            ),
            params.baffle_material,
        )
    )
    if foot_h > 0:
        if tower:
            parts.append(
                Part(
                    "plinth",
                    rounded_box((-w / 2.0 - 0.0, -d / 2.0, 0.0), (w / 2.0, yf, foot_h * 0.7), 0.003),
                    "black metal",
                )
            )
            spikes = [
                cylinder((sx_ * (w / 2.0 - 0.02), sy_ * (d / 2.0 - 0.03), 0.0), 0.008, 0.0, foot_h, 8)
                for sx_ in (-1, 1)
                for sy_ in (-1, 1)
            ]
            parts.append(Part("feet", merge(spikes), "chrome"))
        else:
            fr = clamp(0.08 * min(w, d), 0.006, 0.015)
            feet = [
                cylinder((sx_ * (w / 2.0 - 2 * fr), sy_ * (d / 2.0 - 2 * fr), 0.0), fr, 0.0, foot_h + 0.002, 8)
                for sx_ in (-1, 1)
                for sy_ in (-1, 1)
            ]
            parts.append(Part("feet", merge(feet), "black rubber"))
    hz = h - foot_h
    if tower:
        n = int(clamp(params.woofers, 1, 4))
        tw_r = clamp(0.14 * w, 0.012, 0.018)
        rw = min(0.38 * w, (hz - 4 * tw_r) / (2.4 * n + 0.5))
        z_t = h - 0.05 * hz - tw_r
        parts.append(Part("tweeter", _driver(0.0, z_t, yf, tw_r, proud, True), params.driver_material))
        zs = [z_t - tw_r - 0.02 - rw - k * 2.3 * rw for k in range(n)]
        for k, z in enumerate(zs):
            parts.append(Part(f"woofer_{k}", _driver(0.0, z, yf, rw, proud, False), params.driver_material))
    else:
        tw_r = clamp(0.12 * min(w, hz), 0.01, 0.016)
        rw = min(0.36 * w, 0.28 * hz)
        z_w = foot_h + 0.45 * hz
        z_t = min(h - 0.08 * hz - tw_r, z_w + rw + 0.01 + tw_r + 0.2 * (h - z_w - rw))
        z_t = max(z_t, z_w + rw + tw_r + 0.004)
        z_w = min(z_w, h - 0.06 * hz - 2 * tw_r - rw - 0.004)
        z_t = z_w + rw + tw_r + max(0.004, 0.25 * (h - 0.05 * hz - (z_w + rw + 2 * tw_r)))
        parts.append(Part("tweeter", _driver(0.0, z_t, yf, tw_r, proud, True), params.driver_material))
        parts.append(Part("woofer_0", _driver(0.0, z_w, yf, rw, proud, False), params.driver_material))
    if params.grille:
        gt = 0.6 * proud
        parts.append(
            Part(
                "grille",
                rounded_box(
                    (-w / 2.0 + 0.004, d / 2.0 - gt, foot_h + 0.006),
                    (w / 2.0 - 0.004, d / 2.0, h - 0.006),
                    min(0.004, 0.4 * gt),
                    1,
                ),
                params.grille_material,
            )
        )
    return _fit(parts, size)


register_generator("book", BookParams, build_book, no_surfaces, sample_book_params)
register_generator("magazine", MagazineParams, build_magazine, magazine_surfaces, sample_magazine_params)
register_generator("laptop", LaptopParams, build_laptop, laptop_surfaces, sample_laptop_params)
register_generator("keyboard", KeyboardParams, build_keyboard, no_surfaces, sample_keyboard_params)
register_generator("speaker", SpeakerParams, build_speaker, no_surfaces, sample_speaker_params)
