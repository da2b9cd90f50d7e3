"""The category catalog: complete, consistent, and resolvable by synonyms."""

from __future__ import annotations

import pytest

from worldsmith.assets import catalog
from worldsmith.assets.build import GENERATORS

FLOOR = """bed bunk_bed crib nightstand wardrobe dresser sofa armchair rocking_chair chair dining_chair office_chair
bar_stool stool bench floor_cushion coffee_table side_table dining_table cafe_table desk conference_table workbench
kitchen_island kitchen_counter bar_counter checkout_counter tv_stand bookshelf display_shelf cabinet changing_table
toy_chest refrigerator stove dishwasher washing_machine dryer sink toilet bathtub shower piano pool_table
arcade_machine treadmill weight_bench dumbbell_rack yoga_mat easel mannequin clothing_rack wine_rack pet_bed bicycle
floor_lamp potted_plant rug trash_can coat_rack fireplace table""".split()
WALL = "painting poster mirror wall_shelf tv clock whiteboard wall_cabinet neon_sign curtain coat_hook".split()
CEILING = "ceiling_light pendant_light chandelier ceiling_fan".split()
SMALL = """book magazine vase mug cup glass plate bowl bottle wine_bottle jar laptop monitor keyboard table_lamp pillow
candle small_plant picture_frame cash_register coffee_machine towel box toy guitar dumbbell paint_can shoe
folded_clothes speaker""".split()


#: the first six generators each serve several related categories; every other category has its own
EARLY_FAMILIES = {
    "table": {"table", "coffee_table", "side_table", "dining_table", "cafe_table", "desk", "conference_table"},
    "chair": {"chair", "dining_chair", "office_chair", "bar_stool"},
    "sofa": {"sofa", "armchair"},
    "bed": {"bed"},
    "bookshelf": {"bookshelf", "display_shelf"},
    "cabinet": {"cabinet", "nightstand", "dresser", "tv_stand", "wardrobe", "kitchen_island", "kitchen_counter",
                "wall_cabinet"},
}


def names_set() -> set[str]:
    return set(catalog.names())


def test_every_category_is_present_with_its_support():
    names = set(catalog.names())
    for group, support in ((FLOOR, "floor"), (WALL, "wall"), (CEILING, "ceiling"), (SMALL, "object")):
        for n in group:
            assert n in names, n
            assert catalog.get(n).support == support, n
    assert names == set(FLOOR + WALL + CEILING + SMALL)


@pytest.mark.parametrize("name", sorted(set(FLOOR + WALL + CEILING + SMALL)))
def test_entry_is_consistent(name):
    info = catalog.get(name)
    assert info.support in catalog.SUPPORT_TYPES
    for lo, typ, hi in zip(info.size_min, info.size_typical, info.size_max):
        assert 0 < lo <= typ <= hi < 10
    assert info.front_clearance_m >= 0
    if info.support == "wall":
        assert info.mount_height_m is not None and 0 <= info.mount_height_m < 2.5
        assert info.mount_height_m + info.size_typical[2] <= 2.6  # fits under a common ceiling
    else:
        assert info.mount_height_m is None
    assert info.generator == name or (info.generator in GENERATORS and name in EARLY_FAMILIES[info.generator])
    assert info.generator in GENERATORS
    assert len(info.description.split()) >= 4
    assert set(info.placement) <= set(catalog.PLACEMENT_HINTS)
    assert all(p in names_set() and p != name for p in info.paired_with)
    assert info.front_axis == "+y"
    assert info.room_types and all(r == r.lower() and " " not in r for r in info.room_types)
    assert catalog.resolve(name) == name
    assert catalog.resolve(name.replace("_", " ").upper()) == name
    for s in info.synonyms:
        assert catalog.resolve(s) == name, s


def test_flat_floor_coverings():
    flat = {n for n in catalog.names() if catalog.get(n).flat}
    assert flat == {"rug", "yoga_mat"}
    for n in flat:
        assert catalog.get(n).size_typical[2] < 0.02


def test_synonyms_are_unique():
    seen: dict[str, str] = {}
    for n in catalog.names():
        for key in [n.replace("_", " ")] + [s.lower() for s in catalog.get(n).synonyms]:
            assert key not in seen, (key, n, seen.get(key))
            seen[key] = n


@pytest.mark.parametrize("text, name", [
    ("fridge", "refrigerator"), ("couch", "sofa"), ("TV", "tv"), ("television", "tv"), ("flat screen", "tv"),
    ("bedside table", "nightstand"), ("night-stand", "nightstand"), ("bookcase", "bookshelf"), ("closet", "wardrobe"),
    ("chest of drawers", "dresser"), ("desk chair", "office_chair"), ("end table", "side_table"), ("carpet", "rug"),
    ("houseplant", "potted_plant"), ("bistro table", "cafe_table"), ("washer", "washing_machine"),
    ("meeting table", "conference_table"), ("coffee maker", "coffee_machine"), ("cushion", "pillow"),
])
def test_common_synonyms(text, name):
    assert catalog.resolve(text) == name


def test_real_world_scale():
    assert 1.8 <= catalog.get("bed").size_typical[1] <= 2.3
    assert 0.7 <= catalog.get("dining_table").size_typical[2] <= 0.8
    assert catalog.get("coffee_table").size_typical[2] < 0.5
    assert catalog.get("wardrobe").size_typical[2] > 1.7
    assert catalog.get("mug").size_typical[2] < 0.15


def test_surface_levels_come_from_the_generators():
    shelf = catalog.surface_levels("bookshelf")
    assert len(shelf) >= 4
    zs = [lv.z for lv in shelf]
    assert zs == sorted(zs) and zs[-1] == pytest.approx(catalog.get("bookshelf").size_typical[2])
    assert all(lv.clearance_m and lv.clearance_m > 0.15 for lv in shelf[:-1]) and shelf[-1].clearance_m is None
    (top,) = catalog.surface_levels("coffee_table")
    assert top.z == pytest.approx(catalog.get("coffee_table").size_typical[2], abs=1e-3)
    seats = catalog.surface_levels("sofa")
    assert seats and all(lv.z == pytest.approx(0.44, abs=0.08) for lv in seats)


def test_pairs_and_placement_hints():
    assert "office_chair" in catalog.get("desk").paired_with
    assert "nightstand" in catalog.get("bed").paired_with
    assert "corner" in catalog.get("floor_lamp").placement
    assert "centre" in catalog.get("coffee_table").placement
