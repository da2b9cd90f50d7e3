"""Basic material palette: keywords, colour words, hex colours, sRGB -> linear."""

from __future__ import annotations

import pytest

from worldsmith.materials import COLORS, PALETTE, PBR, color_rgb, resolve_pbr, srgb_to_linear


def test_palette_and_colour_sizes():
    assert len(PALETTE) >= 40
    assert len(COLORS) >= 40
    assert len({e.name for e in PALETTE}) == len(PALETTE)


@pytest.mark.parametrize("text, name", [
    ("exposed red brick", "brick"), ("light oak planks", "oak"), ("walnut wood", "walnut"), ("pine wood", "pine"),
    ("wide planks", "planks"), ("wooden", "wood"), ("white marble", "marble"), ("black granite", "granite"),
    ("polished concrete", "concrete"), ("white tiles", "tile"), ("lime plaster", "plaster"),
    ("warm white paint", "paint"), ("charcoal fabric", "fabric"), ("white linen", "linen"), ("navy velvet", "velvet"),
    ("brown leather", "leather"), ("grey wool", "wool"), ("beige carpet", "carpet"), ("brushed steel", "brushed steel"),
    ("chrome", "chrome"), ("brass", "brass"), ("copper", "copper"), ("cast iron", "iron"),
    ("black metal", "black metal"),
    ("clear glass", "glass"), ("frosted glass", "frosted glass"), ("black plastic", "plastic"), ("rubber", "rubber"),
    ("white ceramic", "ceramic"), ("white painted wood", "painted wood"), ("glossy whatever", "default"),
])
def test_keywords(text, name):
    assert resolve_pbr(text).name == name


def test_brick_is_red_and_rough():
    p = resolve_pbr("exposed red brick")
    r, g, b, a = p.base_color
    assert p.name == "brick" and r > 3 * g and r > 3 * b and a == 1.0
    assert p.metallic == 0.0 and p.roughness > 0.7


def test_hex_is_converted_to_linear():
    assert color_rgb("#ff0000") == (1.0, 0.0, 0.0)
    assert resolve_pbr("#ff0000").base_color == (1.0, 0.0, 0.0, 1.0)
    assert color_rgb("#808080")[0] == pytest.approx(srgb_to_linear(128 / 255), abs=1e-6)
    assert color_rgb("#808080")[0] == pytest.approx(0.2158605, abs=1e-6)
    assert resolve_pbr("#00ff00 velvet").base_color[:3] == (0.0, 1.0, 0.0)


def test_colour_names():
    assert color_rgb("nope") is None
    assert color_rgb("gray") == color_rgb("grey") == color_rgb("Grey")
    assert color_rgb("warm white") != color_rgb("white")
    for name in ("white", "black", "charcoal", "beige", "cream", "navy", "red", "green", "sage", "olive", "teal",
                 "mustard", "pastel pink", "warm white"):
        rgb = color_rgb(name)
        assert rgb is not None and all(0.0 <= c <= 1.0 for c in rgb), name
    assert color_rgb("black")[0] < 0.01 < color_rgb("charcoal")[0] < color_rgb("grey")[0] < color_rgb("white")[0]


def test_glass_is_transparent_and_metals_are_metallic():
    assert resolve_pbr("clear glass").base_color[3] < 1.0
    assert resolve_pbr("frosted glass").base_color[3] < 1.0
    for m in ("chrome", "brass", "brushed steel", "copper"):
        assert resolve_pbr(m).metallic == 1.0
    for m in ("oak wood", "charcoal fabric", "white paint"):
        p = resolve_pbr(m)
        assert p.metallic == 0.0 and p.base_color[3] == 1.0


def test_colour_words_tint_and_the_color_argument_wins():
    white, charcoal = resolve_pbr("white fabric"), resolve_pbr("charcoal fabric")
    assert sum(charcoal.base_color[:3]) < 0.3 * sum(white.base_color[:3])
    navy = resolve_pbr("navy velvet").base_color
    assert navy[2] > navy[0] and navy[2] > navy[1]
    blue = resolve_pbr("red fabric", color="blue").base_color
    assert blue[2] > blue[0]
    assert resolve_pbr("fabric", color=(0.1, 0.2, 0.3)).base_color == (0.1, 0.2, 0.3, 1.0)
    assert resolve_pbr("fabric", color=[0.1, 0.2, 0.3]) == resolve_pbr("fabric", color=(0.1, 0.2, 0.3))
    # light / dark modifiers
    assert sum(resolve_pbr("light oak").base_color[:3]) > sum(resolve_pbr("oak").base_color[:3])
    assert sum(resolve_pbr("dark wood").base_color[:3]) < sum(resolve_pbr("wood").base_color[:3])


def test_deterministic_and_valid():
    for e in PALETTE:
        text = e.keys[0]
        a, b = resolve_pbr(text), resolve_pbr(str(text))
        assert a == b and isinstance(a, PBR)
        assert all(0.0 <= c <= 1.0 for c in a.base_color)
        assert 0.0 <= a.metallic <= 1.0 and 0.0 <= a.roughness <= 1.0
        assert a.name == e.name
