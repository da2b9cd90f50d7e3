"""A small keyword material palette: free text ("exposed red brick", "charcoal fabric", "#2f4f4f
velvet") -> metallic-roughness PBR values.

The first palette entry with a keyword in the description (whole words, plural ``s``/``es``
allowed; entries are ordered specific -> generic, so "black metal" beats "metal" and "oak" beats
"planks") gives the base colour, metallic, roughness and alpha. A colour (the ``color`` argument,
else a ``#rrggbb`` in the text, else the longest colour word) tints the base: fully for paintable
materials (paint, fabric, plastic, leather, ...), mostly for natural ones (wood, stone), half for
metals. "light"/"pale" and "dark"/"deep" lighten or darken. All colours are authored in sRGB and
returned linear. Unknown text gives the ``default`` material.

This is the basic library; a later, larger library keeps :func:`resolve_pbr` and :func:`color_rgb`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

RGB = tuple[float, float, float]


@dataclass(frozen=True)
class PBR:
    """Metallic-roughness material. ``base_color`` is linear RGBA in [0, 1] (alpha < 1: transparent)."""

    name: str
    base_color: tuple[float, float, float, float]
    metallic: float
    roughness: float


@dataclass(frozen=True)
class _Entry:
    name: str
    keys: tuple[str, ...]
    srgb: RGB
    metallic: float
    roughness: float
    alpha: float = 1.0
    tint: float = 1.0  # how strongly a colour word replaces the base colour


_NATURAL, _METAL = 0.8, 0.5

# ordered: specific before generic (first match wins)
PALETTE: tuple[_Entry, ...] = (
    _Entry("black metal", ("black metal", "black steel", "wrought iron", "powder coated"), (0.06, 0.06, 0.06),
           0.8, 0.45, tint=_METAL),
    _Entry("brushed steel", ("brushed steel", "stainless steel", "stainless", "brushed metal"), (0.7, 0.7, 0.72), 1.0,
           0.35, tint=_METAL),
    _Entry("chrome", ("chrome", "polished steel", "polished metal"), (0.9, 0.9, 0.92), 1.0, 0.08, tint=_METAL),
    _Entry("brass", ("brass", "bronze"), (0.78, 0.6, 0.3), 1.0, 0.3, tint=_METAL),
    _Entry("copper", ("copper",), (0.8, 0.45, 0.3), 1.0, 0.3, tint=_METAL),
    _Entry("gold", ("gold", "gilded"), (1.0, 0.78, 0.34), 1.0, 0.25, tint=_METAL),
    _Entry("aluminium", ("aluminium", "aluminum"), (0.85, 0.86, 0.88), 1.0, 0.3, tint=_METAL),
    _Entry("iron", ("iron", "cast iron"), (0.33, 0.33, 0.34), 1.0, 0.6, tint=_METAL),
    _Entry("steel", ("steel",), (0.6, 0.6, 0.62), 1.0, 0.4, tint=_METAL),
    _Entry("metal", ("metal", "metallic"), (0.6, 0.6, 0.6), 1.0, 0.4, tint=_METAL),
    _Entry("mirror", ("mirror", "mirrored"), (0.95, 0.95, 0.95), 1.0, 0.02, tint=_METAL),
    _Entry("frosted glass", ("frosted glass", "frosted"), (0.92, 0.94, 0.95), 0.0, 0.45, alpha=0.55),
    _Entry("glass", ("glass", "glazed", "window pane"), (0.95, 0.97, 0.98), 0.0, 0.05, alpha=0.15),
    _Entry("marble", ("marble",), (0.9, 0.89, 0.87), 0.0, 0.15, tint=_NATURAL),
    _Entry("granite", ("granite",), (0.45, 0.44, 0.43), 0.0, 0.35, tint=_NATURAL),
    _Entry("concrete", ("concrete", "cement", "microcement"), (0.6, 0.6, 0.58), 0.0, 0.85, tint=_NATURAL),
    _Entry("brick", ("brick", "bricks", "brickwork"), (0.6, 0.28, 0.2), 0.0, 0.85, tint=_NATURAL),
    _Entry("terracotta", ("terracotta", "clay"), (0.75, 0.4, 0.28), 0.0, 0.8, tint=_NATURAL),
    _Entry("stone", ("stone", "slate", "travertine", "limestone"), (0.6, 0.58, 0.55), 0.0, 0.8, tint=_NATURAL),
    _Entry("tile", ("tile", "tiled", "mosaic"), (0.9, 0.9, 0.9), 0.0, 0.25),
    _Entry("ceramic", ("ceramic", "porcelain", "stoneware", "enamel"), (0.95, 0.95, 0.95), 0.0, 0.2),
    _Entry("painted wood", ("painted wood", "lacquered wood", "painted"), (0.9, 0.9, 0.9), 0.0, 0.55),
    _Entry("plaster", ("plaster", "stucco", "drywall"), (0.92, 0.9, 0.86), 0.0, 0.9),
    _Entry("paint", ("paint", "wallpaper", "emulsion"), (0.9, 0.9, 0.9), 0.0, 0.75),
    _Entry("oak", ("oak",), (0.72, 0.55, 0.36), 0.0, 0.6, tint=_NATURAL),
    _Entry("walnut", ("walnut",), (0.4, 0.26, 0.16), 0.0, 0.55, tint=_NATURAL),
    _Entry("pine", ("pine",), (0.85, 0.7, 0.48), 0.0, 0.65, tint=_NATURAL),
    _Entry("birch", ("birch", "plywood", "maple"), (0.88, 0.76, 0.58), 0.0, 0.6, tint=_NATURAL),
    _Entry("ash", ("ash",), (0.82, 0.72, 0.56), 0.0, 0.6, tint=_NATURAL),
    _Entry("beech", ("beech",), (0.82, 0.65, 0.45), 0.0, 0.6, tint=_NATURAL),
    _Entry("mahogany", ("mahogany", "cherry", "teak"), (0.5, 0.24, 0.14), 0.0, 0.5, tint=_NATURAL),
    _Entry("bamboo", ("bamboo", "rattan", "wicker", "cane"), (0.82, 0.68, 0.45), 0.0, 0.7, tint=_NATURAL),
    _Entry("planks", ("planks", "parquet", "floorboards", "hardwood", "herringbone"), (0.7, 0.53, 0.35), 0.0, 0.55,
           tint=_NATURAL),
    _Entry("wood", ("wood", "wooden", "timber", "veneer"), (0.65, 0.48, 0.32), 0.0, 0.6, tint=_NATURAL),
    _Entry("laminate", ("laminate", "melamine", "formica"), (0.88, 0.88, 0.86), 0.0, 0.4),
    _Entry("leather", ("leather", "faux leather", "suede"), (0.35, 0.2, 0.12), 0.0, 0.45),
    _Entry("velvet", ("velvet", "velour", "chenille"), (0.4, 0.4, 0.45), 0.0, 0.85),
    _Entry("boucle", ("boucle", "bouclé", "sherpa"), (0.92, 0.9, 0.85), 0.0, 0.95),
    _Entry("linen", ("linen", "sheet", "bedding", "duvet"), (0.85, 0.82, 0.76), 0.0, 0.9),
    _Entry("cotton", ("cotton", "canvas", "denim"), (0.92, 0.92, 0.9), 0.0, 0.9),
    _Entry("wool", ("wool", "woolen", "felt", "knit"), (0.85, 0.83, 0.78), 0.0, 0.95),
    _Entry("carpet", ("carpet", "rug", "jute", "sisal"), (0.6, 0.58, 0.55), 0.0, 0.98),
    _Entry("fabric", ("fabric", "upholstery", "upholstered", "textile", "cloth", "tweed"), (0.6, 0.6, 0.6), 0.0, 0.9),
    _Entry("rubber", ("rubber", "silicone"), (0.08, 0.08, 0.08), 0.0, 0.9),
    _Entry("plastic", ("plastic", "acrylic", "resin", "vinyl", "pvc"), (0.9, 0.9, 0.9), 0.0, 0.45),
    _Entry("paper", ("paper", "cardboard", "cork"), (0.7, 0.58, 0.42), 0.0, 0.9),
)

DEFAULT = _Entry("default", (), (0.8, 0.8, 0.8), 0.0, 0.6)

# colour words, authored in sRGB
COLORS: dict[str, RGB] = {
    "white": (0.94, 0.94, 0.93), "warm white": (0.96, 0.93, 0.86), "off white": (0.94, 0.92, 0.87),
    "ivory": (0.99, 0.97, 0.88), "cream": (0.95, 0.9, 0.78), "beige": (0.87, 0.8, 0.68), "sand": (0.85, 0.76, 0.6),
    "tan": (0.82, 0.7, 0.55), "taupe": (0.55, 0.49, 0.43), "brown": (0.4, 0.26, 0.15), "chocolate": (0.3, 0.18, 0.1),
    "cognac": (0.6, 0.33, 0.15), "black": (0.04, 0.04, 0.04), "charcoal": (0.21, 0.22, 0.23),
    "dark grey": (0.3, 0.3, 0.31), "grey": (0.5, 0.5, 0.5), "light grey": (0.76, 0.76, 0.76),
    "silver": (0.75, 0.75, 0.77), "navy": (0.1, 0.14, 0.3), "blue": (0.15, 0.3, 0.65), "light blue": (0.6, 0.75, 0.9),
    "sky blue": (0.53, 0.77, 0.92), "teal": (0.1, 0.45, 0.45), "turquoise": (0.25, 0.75, 0.72),
    "green": (0.2, 0.5, 0.25), "forest green": (0.12, 0.3, 0.18), "sage": (0.6, 0.67, 0.55),
    "olive": (0.45, 0.45, 0.2), "mint": (0.65, 0.88, 0.75), "emerald": (0.1, 0.55, 0.35), "red": (0.75, 0.12, 0.1),
    "burgundy": (0.45, 0.08, 0.12), "terracotta": (0.78, 0.42, 0.3), "orange": (0.9, 0.5, 0.15),
    "rust": (0.65, 0.3, 0.15), "mustard": (0.85, 0.65, 0.15), "yellow": (0.95, 0.85, 0.25), "pink": (0.95, 0.6, 0.7),
    "pastel pink": (0.97, 0.8, 0.83), "dusty pink": (0.85, 0.62, 0.62), "blush": (0.93, 0.75, 0.73),
    "coral": (0.95, 0.5, 0.42), "purple": (0.45, 0.25, 0.6), "lavender": (0.75, 0.7, 0.88), "plum": (0.45, 0.2, 0.35),
}
_ALIASES = {"gray": "grey", "light gray": "light grey", "dark gray": "dark grey", "offwhite": "off white"}

_HEX = re.compile(r"#([0-9a-f]{6})\b")


def _normalise(text: str) -> str:
    return " " + re.sub(r"[\s_\-]+", " ", text.strip().lower()) + " "


def _pattern(key: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z])" + re.escape(key) + r"(?:s|es)?(?![a-z])")


_ENTRY_PATTERNS = tuple((e, tuple(_pattern(k) for k in e.keys)) for e in PALETTE)
_COLOR_KEYS = sorted(list(COLORS) + list(_ALIASES), key=lambda k: (-len(k), k))
_COLOR_PATTERNS = tuple((k, _pattern(k)) for k in _COLOR_KEYS)


def srgb_to_linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _linear(rgb: Sequence[float]) -> RGB:
    return tuple(round(srgb_to_linear(float(c)), 6) for c in rgb)  # type: ignore[return-value]


@lru_cache(maxsize=1024)
def color_rgb(name_or_hex: str) -> RGB | None:
    """Linear RGB of a colour name ("sage", "warm white", "light gray") or ``#rrggbb``; None if unknown."""
    text = name_or_hex.strip().lower()
    m = re.fullmatch(r"#([0-9a-f]{6})", text)
    if m:
        h = m.group(1)
        return _linear([int(h[i:i + 2], 16) / 255.0 for i in (0, 2, 4)])
    key = _normalise(text).strip()
    key = _ALIASES.get(key, key)
    if key in COLORS:
        return _linear(COLORS[key])
    return None


def _find_color(desc: str) -> tuple[str | None, RGB | None]:
    m = _HEX.search(desc)
    if m:
        return m.group(0), color_rgb(m.group(0))
    for key, pat in _COLOR_PATTERNS:
        if pat.search(desc):
            return key, color_rgb(key)
    return None, None


def _entry(desc: str) -> _Entry:
    for entry, pats in _ENTRY_PATTERNS:
        if any(p.search(desc) for p in pats):
            return entry
    return DEFAULT


def resolve_pbr(description: str, color: str | Sequence[float] | None = None) -> PBR:
    """PBR values for a free-text material ``description``, optionally tinted by ``color`` (a colour
    name, ``#rrggbb`` or linear RGB in [0, 1]), which overrides colour words in the text."""
    if color is not None and not isinstance(color, str):
        color = tuple(float(c) for c in color)
    return _resolve(description, color)


@lru_cache(maxsize=4096)
def _resolve(description: str, color: str | tuple[float, ...] | None) -> PBR:
    desc = _normalise(description)
    entry = _entry(desc)
    base = _linear(entry.srgb)
    if isinstance(color, tuple):
        tint_key, tint = None, (color[0], color[1], color[2])
    elif isinstance(color, str):
        tint_key, tint = color.lower(), color_rgb(color)
    else:
        tint_key, tint = _find_color(desc)
    rgb = base
    if tint is not None:
        s = entry.tint
        rgb = tuple(b * (1.0 - s) + t * s for b, t in zip(base, tint))  # type: ignore[assignment]
    already = tint_key or ""
    if re.search(r" (light|pale) ", desc) and "light" not in already:
        rgb = tuple(c + (1.0 - c) * 0.35 for c in rgb)  # type: ignore[assignment]
    elif re.search(r" (dark|deep) ", desc) and "dark" not in already:
        rgb = tuple(c * 0.45 for c in rgb)  # type: ignore[assignment]
    r, g, b = (round(min(1.0, max(0.0, c)), 6) for c in rgb)
    return PBR(entry.name, (r, g, b, entry.alpha), entry.metallic, entry.roughness)


def kelvin_to_rgb(kelvin: float) -> tuple[float, float, float]:
    """Linear-sRGB colour of a black body at ``kelvin`` (max channel 1).

    Planckian locus chromaticity by Kim et al. (2002), valid 1667-25000 K (clamped), then
    xyY -> XYZ -> linear sRGB (D65)."""
    t = min(25000.0, max(1667.0, float(kelvin)))
    if t <= 4000.0:
        x = -0.2661239e9 / t**3 - 0.2343589e6 / t**2 + 0.8776956e3 / t + 0.179910
    else:
        x = -3.0258469e9 / t**3 + 2.1070379e6 / t**2 + 0.2226347e3 / t + 0.240390
    if t <= 2222.0:
        y = -1.1063814 * x**3 - 1.34811020 * x**2 + 2.18555832 * x - 0.20219683
    elif t <= 4000.0:
        y = -0.9549476 * x**3 - 1.37418593 * x**2 + 2.09137015 * x - 0.16748867
    else:
        y = 3.0817580 * x**3 - 5.87338670 * x**2 + 3.75112997 * x - 0.37001483
    X, Y, Z = x / y, 1.0, (1.0 - x - y) / y
    r = 3.2404542 * X - 1.5371385 * Y - 0.4985314 * Z
    g = -0.9692660 * X + 1.8760108 * Y + 0.0415560 * Z
    b = 0.0556434 * X - 0.2040259 * Y + 1.0572252 * Z
    rgb = [max(0.0, c) for c in (r, g, b)]
    m = max(rgb)
    return (rgb[0] / m, rgb[1] / m, rgb[2] / m)
