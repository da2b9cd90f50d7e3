"""Colour words, hex colours, sRGB -> linear, colour families, black-body colours."""

from __future__ import annotations

import pytest

from worldsmith.materials import COLORS, color_family, color_rgb, kelvin_to_rgb, srgb_to_linear

GENERATOR_COLOURS = ("white, warm white, off white, ivory, cream, beige, sand, tan, taupe, brown, chocolate, cognac, "
                     "black, charcoal, dark grey, grey, light grey, silver, navy, blue, light blue, sky blue, teal, "
                     "turquoise, green, forest green, sage, olive, mint, emerald, red, burgundy, terracotta, orange, "
                     "rust, mustard, yellow, pink, pastel pink, dusty pink, blush, coral, purple, lavender, "
                     "plum").split(", ")


def test_every_generator_colour_is_known_and_in_range():
    assert len(COLORS) >= 45
    for name in GENERATOR_COLOURS:
        rgb = color_rgb(name)
        assert rgb is not None, name
        assert all(0.0 <= c <= 1.0 for c in rgb), name


def test_hex_is_converted_to_linear():
    assert color_rgb("#ff0000") == (1.0, 0.0, 0.0)
    assert color_rgb("#808080")[0] == pytest.approx(srgb_to_linear(128 / 255), abs=1e-6)
    assert color_rgb("#808080")[0] == pytest.approx(0.2158605, abs=1e-6)
    assert color_rgb("#AA3322") == color_rgb("#aa3322")


def test_names_aliases_and_unknowns():
    assert color_rgb("nope") is None
    assert color_rgb("gray") == color_rgb("grey") == color_rgb("Grey")
    assert color_rgb("light gray") == color_rgb("light grey")
    assert color_rgb("warm white") != color_rgb("white")
    assert color_rgb("black")[0] < 0.01 < color_rgb("charcoal")[0] < color_rgb("grey")[0] < color_rgb("white")[0]


@pytest.mark.parametrize("name, family", [
    ("white", "white"), ("black", "black"), ("charcoal", "grey"), ("grey", "grey"), ("navy", "blue"),
    ("sky blue", "blue"), ("emerald", "green"), ("sage", "green"), ("forest green", "green"), ("red", "red"),
    ("burgundy", "red"), ("pastel pink", "pink"), ("blush", "pink"), ("purple", "purple"), ("lavender", "purple"),
    ("beige", "beige"), ("cream", "beige"), ("brown", "brown"), ("chocolate", "brown"), ("orange", "orange"),
    ("mustard", "yellow"), ("yellow", "yellow"), ("#aa3322", "red"), ("#2244cc", "blue"),
])
def test_colour_families(name, family):
    assert color_family(name) == family


def test_kelvin_is_warm_to_cool():
    warm, neutral, cool = kelvin_to_rgb(2700), kelvin_to_rgb(6500), kelvin_to_rgb(10000)
    assert max(warm) == pytest.approx(1.0) and max(cool) == pytest.approx(1.0)
    assert warm[0] > warm[1] > warm[2]
    assert cool[2] > cool[0]
    assert abs(neutral[0] - neutral[2]) < 0.1  # D65 is close to white
