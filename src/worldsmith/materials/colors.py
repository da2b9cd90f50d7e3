"""Colour words, ``#rrggbb``, sRGB <-> linear (values and arrays), colour families and black-body colours.

Colours are authored in sRGB (what people pick in a swatch) and returned as linear RGB in
[0, 1] (what renderers and glTF factors want). :func:`color_family` puts every colour in one of
a dozen broad families ("green", "blue", "beige" ...) so that "emerald marble" can still prefer
the green marble of the library.
"""

from __future__ import annotations

import colorsys
import re
from functools import lru_cache
from typing import Sequence

import numpy as np

RGB = tuple[float, float, float]

# colour words, authored in sRGB
COLORS: dict[str, RGB] = {
    "white": (0.94, 0.94, 0.93), "warm white": (0.96, 0.93, 0.86), "off white": (0.94, 0.92, 0.87),
    "bright white": (0.98, 0.98, 0.98), "cool white": (0.93, 0.95, 0.98),
    "ivory": (0.99, 0.97, 0.88), "cream": (0.95, 0.9, 0.78), "beige": (0.87, 0.8, 0.68), "sand": (0.85, 0.76, 0.6),
    "oatmeal": (0.86, 0.81, 0.72), "greige": (0.72, 0.69, 0.64),
    "tan": (0.82, 0.7, 0.55), "taupe": (0.55, 0.49, 0.43), "brown": (0.4, 0.26, 0.15), "dark brown": (0.25, 0.16, 0.1),
    "chocolate": (0.3, 0.18, 0.1), "cognac": (0.6, 0.33, 0.15), "black": (0.04, 0.04, 0.04),
    "charcoal": (0.21, 0.22, 0.23), "dark grey": (0.3, 0.3, 0.31), "grey": (0.5, 0.5, 0.5),
    "light grey": (0.76, 0.76, 0.76), "silver": (0.75, 0.75, 0.77), "navy": (0.1, 0.14, 0.3),
    "navy blue": (0.1, 0.14, 0.3), "blue": (0.15, 0.3, 0.65), "light blue": (0.6, 0.75, 0.9),
    "pale blue": (0.68, 0.78, 0.87), "powder blue": (0.69, 0.82, 0.9), "sky blue": (0.53, 0.77, 0.92),
    "indigo": (0.17, 0.2, 0.45), "teal": (0.1, 0.45, 0.45), "turquoise": (0.25, 0.75, 0.72), "aqua": (0.45, 0.8, 0.8),
    "green": (0.2, 0.5, 0.25), "forest green": (0.12, 0.3, 0.18), "dark green": (0.1, 0.25, 0.15),
    "bottle green": (0.05, 0.3, 0.2), "sage": (0.6, 0.67, 0.55), "sage green": (0.6, 0.67, 0.55),
    "olive": (0.45, 0.45, 0.2), "khaki": (0.68, 0.64, 0.45), "mint": (0.65, 0.88, 0.75), "emerald": (0.1, 0.55, 0.35),
    "red": (0.75, 0.12, 0.1), "burgundy": (0.45, 0.08, 0.12), "oxblood": (0.4, 0.1, 0.1),
    "terracotta": (0.78, 0.42, 0.3), "orange": (0.9, 0.5, 0.15), "peach": (0.98, 0.76, 0.62),
    "rust": (0.65, 0.3, 0.15), "ochre": (0.8, 0.58, 0.2), "amber": (0.95, 0.65, 0.15), "gold": (0.83, 0.69, 0.35),
    "mustard": (0.85, 0.65, 0.15), "yellow": (0.95, 0.85, 0.25), "pink": (0.95, 0.6, 0.7),
    "pastel pink": (0.97, 0.8, 0.83), "dusty pink": (0.85, 0.62, 0.62), "blush": (0.93, 0.75, 0.73),
    "coral": (0.95, 0.5, 0.42), "magenta": (0.85, 0.15, 0.55), "purple": (0.45, 0.25, 0.6),
    "lavender": (0.75, 0.7, 0.88), "lilac": (0.78, 0.64, 0.82), "mauve": (0.65, 0.5, 0.6), "plum": (0.45, 0.2, 0.35),
}
ALIASES = {"gray": "grey", "light gray": "light grey", "dark gray": "dark grey", "offwhite": "off white",
           "off-white": "off white", "navyblue": "navy blue"}

F32 = np.float32


# the sRGB transfer function: one value (Python float) and element-wise on arrays (float32 by
# default, what the texture generators work in)

def srgb_to_linear(c: float) -> float:
    """One sRGB channel in [0, 1] -> linear."""
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def linear_to_srgb(c: float) -> float:
    c = min(1.0, max(0.0, c))
    return c * 12.92 if c <= 0.0031308 else 1.055 * c ** (1.0 / 2.4) - 0.055


def srgb_to_linear_array(c: np.ndarray, dtype: type = F32) -> np.ndarray:
    """:func:`srgb_to_linear` of every element, computed in and returned as ``dtype``."""
    c = np.asarray(c, dtype=dtype)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4).astype(dtype)


def linear_to_srgb_array(c: np.ndarray, dtype: type = F32) -> np.ndarray:
    """:func:`linear_to_srgb` of every element (clipped to [0, 1]), computed in and returned as
    ``dtype``."""
    c = np.clip(np.asarray(c, dtype=dtype), 0.0, 1.0)
    return np.where(c <= 0.0031308, c * 12.92, 1.055 * np.power(c, 1.0 / 2.4) - 0.055).astype(dtype)


def to_linear(rgb: Sequence[float]) -> RGB:
    """An sRGB triple -> linear RGB, rounded to 6 decimals (stable across platforms)."""
    return tuple(round(srgb_to_linear(float(c)), 6) for c in rgb[:3])  # type: ignore[return-value]


def hex_srgb(value: str) -> RGB:
    h = value.strip().lstrip("#")
    if not re.fullmatch(r"[0-9a-fA-F]{6}", h):
        raise ValueError(f"expected a colour '#rrggbb', got {value!r}")
    return tuple(int(h[i:i + 2], 16) / 255.0 for i in (0, 2, 4))  # type: ignore[return-value]


def normalise_color_name(text: str) -> str:
    key = re.sub(r"[\s_\-]+", " ", text.strip().lower())
    return ALIASES.get(key, key)


def _srgb(name_or_hex: str) -> RGB | None:
    """sRGB of a colour name or ``#rrggbb``; None if unknown."""
    text = name_or_hex.strip().lower()
    if re.fullmatch(r"#[0-9a-f]{6}", text):
        return hex_srgb(text)
    return COLORS.get(normalise_color_name(text))


@lru_cache(maxsize=1024)
def color_rgb(name_or_hex: str) -> RGB | None:
    """Linear RGB of a colour name ("sage", "warm white", "light gray") or ``#rrggbb``; None if unknown."""
    srgb = _srgb(name_or_hex)
    return None if srgb is None else to_linear(srgb)


def srgb_family(rgb: Sequence[float]) -> str:
    """Broad family of an sRGB colour: white, grey, black, beige, brown, red, orange, yellow,
    green, blue, purple or pink."""
    r, g, b = (float(c) for c in rgb[:3])
    h, l, s = colorsys.rgb_to_hls(r, g, b)
    v = max(r, g, b)
    sat = 0.0 if v <= 0 else (v - min(r, g, b)) / v
    hue = h * 360.0
    if v < 0.15:
        return "black"
    if sat < 0.12:
        return "white" if l > 0.85 else ("black" if l < 0.18 else "grey")
    if 15 <= hue < 50:
        if v < 0.55:
            return "brown"
        if sat < 0.45:
            return "beige"
        return "orange" if hue < 40 else "yellow"
    if hue < 15 or hue >= 340:
        if l > 0.7 and sat < 0.5:
            return "pink"
        return "red" if v > 0.35 or sat > 0.6 else "brown"
    if hue < 70:
        return "yellow" if sat > 0.35 else "beige"
    if hue < 170:
        return "green"
    if hue < 250:
        return "blue"
    if hue < 300:
        return "purple"
    return "pink"


@lru_cache(maxsize=1024)
def color_family(name_or_hex: str) -> str | None:
    """Family of a colour word or ``#rrggbb`` (see :func:`srgb_family`); None if unknown."""
    srgb = _srgb(name_or_hex)
    return None if srgb is None else srgb_family(srgb)


def linear_family(rgb: Sequence[float]) -> str:
    return srgb_family([linear_to_srgb(float(c)) for c in rgb[:3]])


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
