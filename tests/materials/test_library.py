"""The builtin library: size, families the issue lists, valid values, lookups."""

from __future__ import annotations

import json
import re

import pytest

from worldsmith.materials import (DEFAULT, PATTERNS, Material, MaterialError, UnknownMaterialError, get, library)
from worldsmith.materials.library import DATA_FILE, material_from_dict
from worldsmith.scene.errors import WorldsmithError

# the issue's families, each as (family, words one of whose materials must contain)
ISSUE_KINDS = {
    "oak": "oak", "walnut": "walnut", "pine": "pine", "cherry": "cherry", "painted wood": "wood_painted",
    "planks": "planks", "parquet": "parquet", "herringbone": "herringbone",
    "marble white": "marble_white", "marble black": "marble_black", "marble green": "marble_green",
    "granite": "granite", "slate": "slate", "terrazzo": "terrazzo",
    "square tiles": "tile_square", "hex tiles": "tile_hex", "subway tiles": "tile_subway",
    "concrete": "concrete", "plaster": "plaster", "brick red": "brick_red", "brick white": "brick_white",
    "brick exposed": "brick_exposed", "brushed steel": "steel_brushed", "chrome": "chrome", "brass": "brass",
    "copper": "copper", "black iron": "iron_black", "linen": "linen", "velvet": "velvet", "leather": "leather",
    "wool": "wool", "denim": "denim", "carpet": "carpet", "rubber flooring": "rubber_flooring",
    "clear glass": "glass_clear", "frosted glass": "glass_frosted", "plastic": "plastic", "wallpaper": "wallpaper_",
    # the design's extras
    "warm light": "light_warm", "neon": "neon", "screen": "screen_black", "whiteboard": "whiteboard",
    "chalkboard": "chalkboard", "foliage": "foliage", "soil": "soil", "candle wax": "candle_wax", "cork": "cork",
    "canvas": "canvas", "paper": "paper", "cardboard": "cardboard", "jute": "jute", "felt": "felt",
    "rattan": "rattan", "bamboo": "bamboo", "terracotta": "terracotta", "porcelain": "porcelain", "mirror": "mirror",
    "gold": "gold", "aluminium": "aluminium", "cast iron": "cast_iron", "rubber": "rubber",
}


def test_at_least_80_unique_snake_case_materials():
    mats = library()
    assert len(mats) >= 80
    names = [m.name for m in mats]
    assert len(set(names)) == len(names)
    for n in names:
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", n), n


@pytest.mark.parametrize("kind, fragment", sorted(ISSUE_KINDS.items()))
def test_issue_families_are_covered(kind, fragment):
    assert any(fragment in m.name for m in library()), kind


def test_several_colours_of_tiles_paints_and_wallpapers():
    names = [m.name for m in library()]
    assert sum(n.startswith("tile_") for n in names) >= 8
    assert len({m.base_color for m in library() if m.name.startswith("tile_")}) >= 6
    assert sum(n.startswith("paint_") for n in names) >= 12
    assert {"wallpaper_stripes", "wallpaper_damask", "wallpaper_geometric", "wallpaper_floral"} <= set(names)


def test_values_are_valid_and_documented():
    for m in library():
        assert isinstance(m, Material)
        assert m.description and m.tags, m.name
        assert len(m.base_color) == 4 and all(0.0 <= c <= 1.0 for c in m.base_color), m.name
        assert 0.0 <= m.metallic <= 1.0 and 0.0 <= m.roughness <= 1.0, m.name
        assert 0.0 <= m.tint_strength <= 1.0, m.name
        assert m.source == "builtin"
        if m.texture is not None:
            assert m.texture.pattern in PATTERNS and m.texture.scale_m > 0, m.name
            assert m.textured


def test_physical_classes():
    for m in library():
        if m.family == "glass" and m.name != "mirror":
            assert m.base_color[3] < 1.0, m.name
        elif m.family != "glass":
            assert m.base_color[3] == 1.0, m.name
    for name in ("chrome", "brass", "copper", "gold", "aluminium", "steel_brushed", "cast_iron", "mirror"):
        assert get(name).metallic == 1.0
    for name in ("oak_wood", "velvet", "paint_white", "concrete", "brick_red", "metal_painted"):
        assert get(name).metallic == 0.0
    lights = [m for m in library() if m.is_emissive]
    assert {m.name for m in lights} == {"light_warm", "light_cool", "neon"}
    warm = get("light_warm").emissive
    assert warm[0] > warm[1] > warm[2]
    assert get("chrome").roughness < 0.1 < get("carpet").roughness
    assert sum(m.textured for m in library()) >= 60


def test_tint_strength_by_kind():
    assert get("paint_white").tint_strength == 1.0 and get("velvet").tint_strength == 1.0
    assert 0.0 < get("oak_wood").tint_strength < 1.0 and 0.0 < get("marble_white").tint_strength < 1.0
    assert get("brass").tint_strength == 0.5


def test_get_and_errors():
    assert get("marble_white").family == "stone"
    assert get("Marble White") == get("marble_white")
    assert get("default") is DEFAULT
    with pytest.raises(UnknownMaterialError) as err:
        get("marbel_white")
    assert "marble_white" in str(err.value)  # suggests the close name
    assert isinstance(err.value, WorldsmithError) and isinstance(err.value, KeyError)


def test_data_file_is_validated():
    entry = json.loads(DATA_FILE.read_text(encoding="utf-8"))["materials"][0]
    assert material_from_dict(entry).name == entry["name"]
    with pytest.raises(MaterialError, match="unknown keys"):
        material_from_dict({**entry, "colour": "#ffffff"})
    with pytest.raises(MaterialError, match="roughness"):
        material_from_dict({**entry, "roughness": 2})
    with pytest.raises(MaterialError, match="family"):
        material_from_dict({**entry, "family": "cheese"})
    with pytest.raises(MaterialError, match="texture"):
        material_from_dict({**entry, "texture": {"pattern": "nope"}})


def test_to_dict_is_json():
    for m in (get("oak_planks"), get("light_warm"), DEFAULT):
        d = json.loads(json.dumps(m.to_dict()))
        assert d["name"] == m.name
    assert get("oak_planks").to_dict()["texture"]["pattern"] == "planks"
