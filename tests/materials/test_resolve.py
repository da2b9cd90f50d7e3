"""Description -> library material, colour tints, light/dark, explanation, generator vocabulary."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from worldsmith.materials import (PBR, MaterialMatch, color_rgb, get, resolve_material, resolve_pbr)
from worldsmith.materials.colors import linear_family

from .test_colors import GENERATOR_COLOURS

REPO = Path(__file__).resolve().parents[2]

# description -> expected material name (exact) or family ("family:<name>") or name prefix ("prefix:<p>")
CASES = [
    ("exposed brick", "brick_exposed"), ("exposed red brick", "brick_exposed"), ("red brick wall", "brick_red"),
    ("white painted brick", "brick_white"), ("old reclaimed brickwork", "brick_exposed"), ("bricks", "prefix:brick_"),
    ("white marble counter", "marble_white"), ("carrara marble worktop", "marble_white"),
    ("black marble", "marble_black"), ("green marble", "marble_green"), ("emerald marble", "marble_green"),
    ("polished marble", "prefix:marble_"), ("black granite countertop", "granite_black"), ("granite", "granite_grey"),
    ("slate floor", "slate"), ("grey terrazzo tiles", "terrazzo"), ("travertine", "limestone"),
    ("light oak planks", "oak_planks"), ("hardwood floor", "prefix:oak_planks"), ("wooden floorboards", "prefix:"),
    ("walnut floor boards", "walnut_planks"), ("oak parquet", "oak_parquet"), ("herringbone floor", "prefix:"),
    ("walnut herringbone parquet", "walnut_herringbone"), ("oak wood", "oak_wood"), ("walnut", "walnut_wood"),
    ("pine wood", "pine_wood"), ("cherry wood", "cherry_wood"), ("white painted wood", "wood_painted"),
    ("sage painted wood", "wood_painted"), ("dark stained wood", "wood_stained_dark"),
    ("black stained wood", "wood_stained_black"), ("birch plywood", "birch_plywood"), ("rattan", "rattan"),
    ("wicker", "rattan"), ("bamboo", "bamboo"), ("cork board", "cork"), ("white oak wood", "white_oak_wood"),
    ("white subway tiles", "tile_subway_white"), ("green zellige tiles", "tile_subway_green"),
    ("hexagon bathroom tiles", "prefix:tile_hex"), ("white hex tile", "tile_hex_white"),
    ("black and white tiles", "tile_checker"), ("terracotta floor tiles", "tile_terracotta"),
    ("white tiles", "tile_square_white"), ("white ceramic", "ceramic_white"), ("porcelain", "porcelain"),
    ("terracotta", "terracotta"), ("terracotta pot", "terracotta"), ("polished concrete", "concrete_polished"),
    ("raw concrete", "concrete"), ("microcement", "concrete_polished"), ("lime plaster", "plaster_white"),
    ("white paint", "paint_white"), ("warm white paint", "paint_warm_white"), ("sage green paint", "paint_sage"),
    ("sage paint", "paint_sage"), ("navy paint", "paint_navy"), ("pale blue paint", "paint_blue"),
    ("charcoal walls", "paint_charcoal"), ("brushed steel", "steel_brushed"), ("stainless steel", "steel_brushed"),
    ("stainless appliance", "steel_brushed"), ("chrome", "chrome"), ("polished brass", "brass"),
    ("copper", "copper"), ("black metal", "iron_black"), ("wrought iron", "iron_black"), ("cast iron", "cast_iron"),
    ("gold", "gold"), ("aluminum", "aluminium"), ("white powder coated metal", "metal_painted"),
    ("white linen", "linen"), ("navy velvet", "velvet"), ("couch fabric", "upholstery_fabric"),
    ("charcoal fabric", "upholstery_fabric"), ("brown leather", "leather"), ("black leather", "leather_black"),
    ("faux leather", "prefix:leather"), ("chunky knit wool", "wool_knit"), ("denim", "denim"), ("jeans", "denim"),
    ("cream boucle", "boucle"), ("grey felt", "felt"), ("beige carpet", "carpet"), ("berber carpet", "carpet_loop"),
    ("jute rug", "jute"), ("rubber flooring", "rubber_flooring"), ("studded rubber floor", "rubber_flooring"),
    ("gym flooring", "rubber_gym"), ("black rubber", "rubber"), ("clear glass", "glass_clear"),
    ("frosted glass", "glass_frosted"), ("smoked glass", "glass_black"), ("mirror", "mirror"),
    ("glossy plastic", "plastic"), ("vinyl plank flooring", "vinyl_planks"), ("white laminate", "laminate_white"),
    ("dark green velvet wallpaper", "wallpaper_damask"), ("striped wallpaper", "wallpaper_stripes"),
    ("floral wallpaper", "wallpaper_floral"), ("art deco geometric wallpaper", "wallpaper_geometric"),
    ("grasscloth", "wallpaper_grasscloth"), ("warm light", "light_warm"), ("cool led light", "light_cool"),
    ("pink neon light", "neon"), ("black screen", "screen_black"), ("tv screen", "screen_black"),
    ("whiteboard", "whiteboard"), ("chalkboard", "chalkboard"), ("green leaves", "foliage"),
    ("potting soil", "soil"), ("candle wax", "candle_wax"), ("white paper", "paper"), ("cardboard box", "cardboard"),
    ("canvas", "canvas"), ("WoodFloor", "prefix:"), ("Marble_White", "marble_white"),
]


def _check(name: str, expected: str) -> None:
    if expected.startswith("prefix:"):
        assert name.startswith(expected[7:]) and name != "default", name
    else:
        assert name == expected


@pytest.mark.parametrize("text, expected", CASES)
def test_description_picks_the_expected_material(text, expected):
    m = resolve_material(text)
    _check(m.material.name, expected)
    assert 0.5 <= m.score <= 1.0, (text, m.score, m.terms)


def test_case_count():
    assert len(CASES) >= 60


@pytest.mark.parametrize("text", ["xyzzy", "", "   ", "quantum foam", "#ff0000", "red", "the of and"])
def test_unknown_text_gives_the_neutral_default_with_score_zero(text):
    m = resolve_material(text)
    assert m.material.name == "default" and m.score == 0.0


def test_explanation_names_the_terms_and_is_json():
    m = resolve_material("exposed red brick")
    kinds = {t: k for t, k, _, _ in m.terms}
    assert kinds == {"exposed": "material", "red": "colour", "brick": "head"}
    where = {t: w for t, _, w, _ in m.terms}
    assert where["brick"] == "name" and where["red"] == "colors"
    d = json.loads(json.dumps(m.to_dict()))
    assert d["material"] == "brick_exposed" and d["score"] == m.score and d["terms"][2]["term"] == "brick"


# ---------------------------------------------------------------------------------------------
# tints


def _lin(name):
    return color_rgb(name)


@pytest.mark.parametrize("text, colour", [("navy velvet", "navy"), ("pastel pink paint", "pastel pink"),
                                          ("#aa3322 paint", "#aa3322"), ("mustard linen", "mustard"),
                                          ("navy painted wood", "navy"), ("pastel pink plastic", "pastel pink"),
                                          ("#aa3322 fabric", "#aa3322"), ("pastel pink wallpaper", "pastel pink")])
def test_paintables_take_the_colour_fully(text, colour):
    m = resolve_material(text)
    assert m.material.tint_strength == 1.0
    assert m.tint == _lin(colour)
    assert m.base_color[:3] == pytest.approx(_lin(colour), abs=1e-6)


def test_colour_argument_overrides_text_and_accepts_rgb():
    assert resolve_material("red velvet", color="navy").base_color[:3] == pytest.approx(_lin("navy"))
    assert resolve_material("velvet", color="#aa3322").base_color[:3] == pytest.approx(_lin("#aa3322"))
    assert resolve_material("velvet", color=(0.1, 0.2, 0.3)).base_color == (0.1, 0.2, 0.3, 1.0)
    assert resolve_material("velvet", color=[0.1, 0.2, 0.3]) == resolve_material("velvet", color=(0.1, 0.2, 0.3))
    assert resolve_material("velvet", color="not-a-colour").tint is None  # ignored, logged
    assert resolve_material("marble", color="black").material.name == "marble_black"


def test_hex_colours_in_the_text_are_case_insensitive():
    low, up = resolve_material("#aa3322 paint"), resolve_material("#AA3322 Paint")
    assert (up.material, up.score, up.terms, up.base_color) == (low.material, low.score, low.terms, low.base_color)
    assert up.color == "#aa3322"


@pytest.mark.parametrize("text, colour", [("navy oak wood", "navy"), ("red marble", "red"), ("blue concrete", "blue"),
                                          ("pink granite", "pink"), ("navy brick", "navy")])
def test_natural_materials_are_tinted_partially(text, colour):
    m = resolve_material(text)
    s = m.material.tint_strength
    assert 0.0 < s < 1.0 and m.tint == _lin(colour)
    base, want = m.material.base_color[:3], _lin(colour)
    for b, c, t in zip(base, m.base_color[:3], want):
        assert c == pytest.approx(b * (1 - s) + t * s, abs=1e-6)
    assert m.base_color[:3] != pytest.approx(want, abs=1e-3)


def test_metals_are_tinted_half_and_stay_metallic():
    m = resolve_material("red chrome")
    assert m.material.tint_strength == 0.5 and m.pbr().metallic == 1.0
    assert m.base_color[0] == pytest.approx(0.5 * m.material.base_color[0] + 0.5 * _lin("red")[0], abs=1e-6)


def test_colour_named_variants_are_preferred_and_not_retinted():
    for text, name in [("white marble", "marble_white"), ("black marble", "marble_black"), ("sage paint", "paint_sage"),
                       ("warm white paint", "paint_warm_white"), ("black leather", "leather_black"),
                       ("navy subway tile", "tile_subway_navy"), ("emerald marble", "marble_green")]:
        m = resolve_material(text)
        assert m.material.name == name and m.tint is None, text
        assert m.base_color == m.material.base_color
    # a fully tintable variant of another shade of the colour is the variant, in exactly that colour
    m = resolve_material("green subway tiles")
    assert m.material.name == "tile_subway_green" and m.tint == color_rgb("green")


def test_glass_keeps_alpha_when_tinted_and_lights_glow_in_their_colour():
    g = resolve_material("green glass")
    assert g.material.name == "glass_clear" and g.base_color[3] < 0.5 and g.base_color[1] > g.base_color[0]
    n = resolve_material("blue neon light")
    assert n.material.name == "neon" and n.pbr().emissive_strength > 0
    assert n.emissive[2] == 1.0 and n.emissive[0] < 0.3
    w = resolve_material("warm light").pbr()
    assert w.emissive_strength > 0 and w.emissive[0] > w.emissive[2]
    assert resolve_material("oak wood").pbr().emissive_strength == 0.0


def test_light_and_dark_modifiers():
    oak = resolve_material("cherry wood").base_color
    light = resolve_material("light cherry wood")
    dark = resolve_material("dark cherry wood")
    assert light.material.name == dark.material.name == "cherry_wood"
    assert sum(light.base_color[:3]) > sum(oak[:3]) > sum(dark.base_color[:3])
    assert light.modifiers == ("light",) and dark.modifiers == ("dark",)
    # "light" inside a colour or already picking the material does not apply twice
    assert resolve_material("light grey fabric").modifiers == ()
    assert resolve_material("dark stained wood").modifiers == ()
    assert resolve_material("dark stained wood").base_color == get("wood_stained_dark").base_color
    # a variant that is light already is picked instead ("light wood" -> a pale wood, as is)
    lw = resolve_material("light wood")
    assert lw.material.family == "wood" and "light" in lw.material.tags and lw.modifiers == ()
    # a final "light" is the noun
    assert resolve_material("ceiling light").material.name == "light_warm"
    pink = resolve_material("pale pink paint").base_color
    assert sum(pink[:3]) > sum(resolve_material("pink paint").base_color[:3])


def test_resolve_pbr_is_backed_by_resolve_material():
    p = resolve_pbr("exposed red brick")
    assert isinstance(p, PBR) and p.name == "brick_exposed" and p.texture == "brick_exposed"
    r, g, b, a = p.base_color
    assert r > 2 * g and r > 2 * b and a == 1.0 and p.metallic == 0.0 and p.roughness > 0.7
    assert resolve_pbr("#ff0000").base_color == (1.0, 0.0, 0.0, 1.0)
    assert resolve_pbr("#00ff00 velvet").base_color[:3] == (0.0, 1.0, 0.0)
    assert resolve_pbr("fabric", color=(0.1, 0.2, 0.3)).base_color == (0.1, 0.2, 0.3, 1.0)
    assert resolve_pbr("clear glass").base_color[3] < 1.0 and resolve_pbr("frosted glass").base_color[3] < 1.0
    assert resolve_pbr("white paint").texture is None
    white, charcoal = resolve_pbr("white fabric"), resolve_pbr("charcoal fabric")
    assert sum(charcoal.base_color[:3]) < 0.3 * sum(white.base_color[:3])
    blue = resolve_pbr("red fabric", color="blue").base_color
    assert blue[2] > blue[0]


def test_deterministic_and_cached():
    a = resolve_material("Dark Green Velvet Wallpaper")
    b = resolve_material("Dark Green Velvet Wallpaper")
    assert a is b and isinstance(a, MaterialMatch)
    assert resolve_material("dark green velvet wallpaper").material == a.material


# ---------------------------------------------------------------------------------------------
# the generator vocabulary (tools/GENERATOR_BRIEF.md, "Material descriptions")

FIXED = {
    "oak wood": "oak_wood", "walnut wood": "walnut_wood", "pine wood": "pine_wood", "cherry wood": "cherry_wood",
    "beech wood": "beech_wood", "birch plywood": "birch_plywood", "black stained wood": "wood_stained_black",
    "white painted wood": "wood_painted", "bamboo": "bamboo", "rattan": "rattan", "black metal": "iron_black",
    "brushed steel": "steel_brushed", "chrome": "chrome", "brass": "brass", "copper": "copper", "gold": "gold",
    "aluminium": "aluminium", "cast iron": "cast_iron", "white marble": "marble_white",
    "black marble": "marble_black", "granite": "granite_grey", "slate": "slate", "concrete": "concrete",
    "terracotta": "terracotta", "white ceramic": "ceramic_white", "porcelain": "porcelain",
    "white tile": "tile_square_white", "clear glass": "glass_clear", "frosted glass": "glass_frosted",
    "mirror": "mirror", "black glass": "glass_black", "green glass": "glass_clear", "amber glass": "glass_clear",
    "blue glass": "glass_clear", "denim": "denim", "jute": "jute", "black rubber": "rubber", "white paper": "paper",
    "cardboard": "cardboard", "canvas": "canvas", "cork": "cork", "green leaves": "foliage",
    "potting soil": "soil", "candle wax": "candle_wax", "warm light": "light_warm", "black screen": "screen_black",
    "whiteboard": "whiteboard", "chalkboard": "chalkboard",
}
TEMPLATES = {
    "{} painted wood": "wood_painted", "{} painted metal": "metal_painted", "{} ceramic": "ceramic_white",
    "{} fabric": "upholstery_fabric", "{} velvet": "velvet", "{} linen": "linen", "{} cotton": "cotton",
    "{} wool": "wool_knit", "{} felt": "felt", "{} leather": "prefix:leather", "{} carpet": "carpet",
    "{} plastic": "plastic", "{} rubber": "rubber", "{} paper": "paper", "{} neon light": "neon",
}


@pytest.mark.parametrize("text, expected", sorted(FIXED.items()))
def test_generator_vocabulary_fixed_words(text, expected):
    _check(resolve_material(text).material.name, expected)


@pytest.mark.parametrize("template, expected", sorted(TEMPLATES.items()))
def test_generator_vocabulary_with_every_colour(template, expected):
    for colour in GENERATOR_COLOURS:
        m = resolve_material(template.format(colour))
        _check(m.material.name, expected)
        want = color_rgb(colour)
        if m.tint is None:  # the variant already is that colour
            assert colour in m.material.colors, (template, colour)
        elif m.material.tint_strength == 1.0:
            assert m.base_color[:3] == pytest.approx(want, abs=1e-6), (template, colour)
        if m.material.tint_strength == 1.0 and m.material.name != "neon":
            assert linear_family(m.base_color[:3]) == linear_family(want), (template, colour)


# words the existing generators, the room shell and the examples use
EXISTING = [
    "ash wood", "beech wood", "beige linen", "birch plywood", "black granite", "black leather", "black marble",
    "black metal", "black plastic", "black stained wood", "brown leather", "brushed steel", "charcoal fabric",
    "chrome", "clear glass", "cognac leather", "concrete", "cream boucle", "cream cotton", "dark grey fabric",
    "dark stained wood", "dusty pink linen", "green velvet", "grey fabric", "grey granite", "grey painted wood",
    "laminate", "light grey fabric", "light grey linen", "light oak planks", "marble", "metal", "mustard cotton",
    "mustard velvet", "navy cotton", "navy painted wood", "navy velvet", "oak wood", "pine wood", "sage fabric",
    "sage linen", "sage painted wood", "sage velvet", "terracotta fabric", "walnut wood", "warm white paint",
    "white cotton", "white laminate", "white linen", "white marble", "white oak wood", "white paint",
    "white painted wood", "brass", "glass", "ivory ceramic", "crystal",
]


@pytest.mark.parametrize("text", EXISTING)
def test_existing_generator_words_resolve(text):
    assert resolve_material(text).material.name != "default"


def test_example_programs_material_calls_resolve():
    calls = []
    for path in sorted((REPO / "examples").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "material"
                    and len(node.args) == 2 and isinstance(node.args[1], ast.Constant)):
                calls.append(node.args[1].value)
    if not calls:
        pytest.skip("no example material() calls")
    for text in calls:
        m = resolve_material(text)
        assert m.material.name != "default" and m.score >= 0.5, text
    want = {"grey wool carpet": "prefix:carpet", "pale blue paint": "paint_blue", "grey terrazzo tiles": "terrazzo",
            "white subway tiles": "tile_subway_white", "light oak planks": "oak_planks",
            "sage green paint": "paint_sage", "warm white paint": "paint_warm_white", "white paint": "paint_white"}
    for text, expected in want.items():
        if text in calls:
            _check(resolve_material(text).material.name, expected)


def test_words_of_every_material_find_it():
    """Each material's own name, read as words, resolves to itself."""
    from worldsmith.materials import library

    for m in library():
        text = re.sub("_", " ", m.name)
        assert resolve_material(text).material.name == m.name, text
