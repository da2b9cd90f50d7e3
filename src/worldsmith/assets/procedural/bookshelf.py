"""Bookshelves and display shelves.

``framed``: two side panels, a top, a bottom board over a kick plinth, shelves between the sides and
an optional back panel at -Y. ``open``: boards on four corner posts (metal or wood), no sides.
The number of shelf levels follows the height (``shelf_spacing_m`` is the target pitch), so a taller
resized shelf gets more levels. Display shelves often have glass shelves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..parts import Part
from ..primitives import cylinder, rounded_box
from ..surfaces import Surface, rect
from .params import chance, clamp, pick, register_generator, uniform

Size = tuple[float, float, float]

WOODS = ("oak wood", "walnut wood", "white painted wood", "pine wood", "black stained wood", "birch plywood")


@dataclass(frozen=True)
class BookshelfParams:
    category: str = "bookshelf"
    style: str = "framed"  # framed | open
    shelf_spacing_m: float = 0.33  # target distance between shelf levels
    board_thickness_m: float = 0.02
    side_thickness_m: float = 0.02
    back_panel: bool = True
    plinth_height_m: float = 0.06  # framed: kick plinth under the bottom board; open: foot clearance
    post_radius_m: float = 0.015
    material: str = "oak wood"
    shelf_material: str = "oak wood"
    post_material: str = "black metal"



def sample_bookshelf_params(rng: np.random.Generator, size: Size, category: str = "bookshelf") -> BookshelfParams:
    display = category == "display_shelf"
    style = pick(rng, ("framed", "open"), (0.5, 0.5) if display else (0.75, 0.25))
    wood = pick(rng, WOODS)
    glass = display and chance(rng, 0.5)
    return BookshelfParams(
        category=category,
        style=style,
        shelf_spacing_m=uniform(rng, 0.3, 0.42) if not display else uniform(rng, 0.3, 0.5),
        board_thickness_m=uniform(rng, 0.008, 0.012) if glass else uniform(rng, 0.016, 0.03),
        side_thickness_m=uniform(rng, 0.016, 0.03),
        back_panel=chance(rng, 0.8 if style == "framed" else 0.3),
        plinth_height_m=uniform(rng, 0.03, 0.1),
        post_radius_m=uniform(rng, 0.01, 0.02),
        material=wood,
        shelf_material="clear glass" if glass else wood,
        post_material=pick(rng, ("black metal", "brushed steel", "brass")) if chance(rng, 0.7) else wood,
    )


@dataclass(frozen=True)
class _Levels:
    side: float  # side panel thickness (framed) or post size (open)
    board: float
    bottom: float  # z of the bottom board's underside
    boards: tuple[float, ...]  # z of each board's underside, bottom to top (the last is the top)
    back: float  # back panel thickness (0: none)


def _levels(p: BookshelfParams, size: Size) -> _Levels:
    w, d, h = (float(v) for v in size)
    bt = clamp(p.board_thickness_m, 0.005, 0.05)
    if p.style == "open":
        side = 2.0 * clamp(p.post_radius_m, 0.006, min(w, d) / 8.0)
    else:
        side = clamp(p.side_thickness_m, 0.008, 0.1 * w)
    bottom = clamp(p.plinth_height_m, 0.0, 0.2 * h)
    span = h - bottom - bt  # underside of the bottom board to the underside of the top board
    n = int(clamp(round(span / max(p.shelf_spacing_m, 0.1)), 1, 12))
    pitch = span / n
    boards = tuple(bottom + k * pitch for k in range(n)) + (h - bt,)
    back = clamp(0.008, 0.004, 0.05 * d) if p.back_panel else 0.0
    return _Levels(side, bt, bottom, boards, back)


def build_bookshelf(params: BookshelfParams, size: Size) -> list[Part]:
    """Parts of a shelf unit of exactly ``size`` (origin at the bottom centre, open front at +Y)."""
    w, d, h = (float(v) for v in size)
    lv = _levels(params, size)
    parts: list[Part] = []
    if params.style == "open":
        r = lv.side / 2.0
        for i, (x, y) in enumerate(((-1, -1), (1, -1), (1, 1), (-1, 1))):
            c = (x * (w / 2 - r), y * (d / 2 - r), 0.0)
            mesh = cylinder(c, r, 0.0, h, 16) if params.post_material not in WOODS else \
                rounded_box((c[0] - r, c[1] - r, 0.0), (c[0] + r, c[1] + r, h), 0.3 * r)
            parts.append(Part(f"post_{i}", mesh, params.post_material))
        x0, x1 = -w / 2.0, w / 2.0
    else:
        for i, s in enumerate((-1.0, 1.0)):
            a, b = sorted((s * w / 2.0, s * (w / 2.0 - lv.side)))
            parts.append(Part(f"side_{i}", rounded_box((a, -d / 2, 0.0), (b, d / 2, h), 0.003), params.material))
        x0, x1 = -w / 2.0 + lv.side, w / 2.0 - lv.side
        if lv.bottom > 0.005:
            parts.append(Part("plinth", rounded_box((x0, d / 2 - 0.03, 0.0), (x1, d / 2 - 0.01, lv.bottom), 0.0),
                              params.material))
    y_back = -d / 2.0 + lv.back
    if lv.back > 0:
        back = rounded_box((x0, -d / 2, lv.bottom), (x1, y_back, h - lv.board), 0.0)
        parts.append(Part("back", back, params.material))
    last = len(lv.boards) - 1
    for k, z in enumerate(lv.boards):
        if params.style == "open":
            lo, hi = (x0, -d / 2, z), (x1, d / 2, z + lv.board)
        else:
            inner = 0 < k < last  # shelves sit between the back panel and a hair behind the front
            lo, hi = (x0, y_back if inner else -d / 2, z), (x1, d / 2 - (0.005 if inner else 0.0), z + lv.board)
        name = "bottom" if k == 0 else ("top" if k == last else f"shelf_{k - 1}")
        mat = params.material if (params.style == "framed" and k in (0, last)) else params.shelf_material
        parts.append(Part(name, rounded_box(lo, hi, 0.002), mat))
    return parts


def bookshelf_surfaces(params: BookshelfParams, size: Size) -> list[Surface]:
    """Every level from the bottom board up (index 0) to the top of the unit (last index)."""
    w, d, h = (float(v) for v in size)
    lv = _levels(params, size)
    x0, x1 = (-w / 2 + lv.side, w / 2 - lv.side)
    y0, y1 = -d / 2.0 + lv.back + 0.005, d / 2.0 - 0.01
    out = []
    for k, z in enumerate(lv.boards):
        top = z + lv.board
        last = k == len(lv.boards) - 1
        clearance = None if last else lv.boards[k + 1] - top
        if last:
            poly = rect(-w / 2 + 0.01 + (lv.side if params.style == "open" else 0.0), -d / 2 + 0.01,
                        w / 2 - 0.01 - (lv.side if params.style == "open" else 0.0), d / 2 - 0.01)
        else:
            poly = rect(x0 + 0.005, y0, x1 - 0.005, y1)
        name = "top" if last else ("bottom" if k == 0 else f"shelf_{k - 1}")
        out.append(Surface(k, top, poly, name, clearance))
    return out


register_generator("bookshelf", BookshelfParams, build_bookshelf, bookshelf_surfaces, sample_bookshelf_params)
