"""richness() counts and layout_diversity() across seeds, on hand-built scenes with known answers."""

from __future__ import annotations

import dataclasses
import math

import pytest

from worldsmith.metrics.richness import layout_diversity, richness
from worldsmith.scene import AssetRef, ObjectInstance, Room, Scene

RECT = ((0.0, 0.0), (5.0, 0.0), (5.0, 4.0), (0.0, 4.0))


def obj(oid: str, category: str, xy=(1.0, 1.0), size=(0.5, 0.5, 0.5), *, z: float = 0.0,
        support: str = "floor") -> ObjectInstance:
    return ObjectInstance(oid, category, AssetRef("fallback", category), (xy[0], xy[1], z), size, 0.0, support)


def room(rid: str = "room_0", x0: float = 0.0) -> Room:
    return Room(rid, "living room", tuple((x + x0, y) for x, y in RECT), 2.8)


def small_scene() -> Scene:
    objects = [
        obj("table_0", "dining_table", (2.5, 2.0), (1.6, 0.9, 0.75)),
        obj("chair_0", "dining_chair", (2.0, 1.2)),
        obj("chair_1", "dining_chair", (3.0, 1.2)),
        obj("bookshelf_0", "bookshelf", (0.5, 3.8), (0.9, 0.32, 1.9)),
        obj("cup_0", "cup", (2.2, 2.0), (0.09, 0.09, 0.08), z=0.75, support="object:table_0"),
        obj("cup_1", "cup", (2.4, 2.0), (0.09, 0.09, 0.08), z=0.75, support="object:table_0"),
        obj("tray_0", "tray", (2.8, 2.0), (0.4, 0.3, 0.03), z=0.75, support="object:table_0"),
        obj("cup_2", "cup", (2.8, 2.0), (0.09, 0.09, 0.08), z=0.78, support="object:tray_0"),
        obj("book_0", "book", (0.4, 3.8), (0.03, 0.2, 0.25), z=0.4, support="object:bookshelf_0#1"),
        obj("book_1", "book", (0.5, 3.8), (0.03, 0.2, 0.25), z=0.4, support="object:bookshelf_0#1"),
        obj("book_2", "book", (0.6, 3.8), (0.03, 0.2, 0.25), z=0.4, support="object:bookshelf_0#1"),
        obj("painting_0", "painting", (2.5, 3.98), (0.9, 0.04, 0.65), z=1.2, support="wall:wall_2"),
        obj("light_0", "ceiling_light", (2.5, 2.0), (0.4, 0.4, 0.1), z=2.7, support="ceiling"),
    ]
    return Scene(rooms=(room(), room("room_1", 5.0)), objects=tuple(objects))


def test_richness_counts_a_small_scene():
    assert richness(small_scene()) == {
        "objects": 13,
        "rooms": 2,
        "objects_per_room": 6.5,
        "categories": 8,  # dining_table dining_chair bookshelf cup tray book painting ceiling_light
        "floor_objects": 4,
        "wall_objects": 1,
        "ceiling_objects": 1,
        "small_objects": 7,  # 3 cups, the tray, 3 books
        "containers": 3,  # the table (2 cups + tray), the tray (1 cup), the bookshelf (3 books)
        "small_per_container": round(7 / 3, 4),  # (3 + 1 + 3) / 3
    }


def test_richness_of_an_empty_scene():
    r = richness(Scene())
    assert (r["objects"], r["rooms"], r["objects_per_room"], r["categories"], r["containers"],
            r["small_per_container"]) == (0, 0, 0.0, 0, 0, 0.0)


# ---------------------------------------------------------------------------------------------
# layout diversity


def moved(scene: Scene, oid: str, dx: float = 0.0, dy: float = 0.0) -> Scene:
    objects = tuple(dataclasses.replace(o, position=(o.position[0] + dx, o.position[1] + dy, o.position[2]))
                    if o.id == oid else o for o in scene.objects)
    return dataclasses.replace(scene, objects=objects)


def test_identical_scenes_have_zero_diversity():
    s = small_scene()
    res = layout_diversity([s, small_scene(), s])
    assert res["diversity_m"] == 0.0
    assert res["scenes"] == 3
    assert set(res["categories"]) == {"dining_table", "dining_chair", "bookshelf", "cup", "tray", "book", "painting",
                                      "ceiling_light"} and all(v == 0.0 for v in res["categories"].values())


def test_one_category_moved_by_one_metre():
    one = Scene(rooms=(room(),), objects=(obj("chair_0", "chair", (1.0, 1.0)), obj("table_0", "table", (3.0, 2.0))))
    res = layout_diversity([one, moved(one, "chair_0", dx=0.6, dy=0.8)])  # |(0.6, 0.8)| = 1 m
    assert res["categories"] == {"chair": 1.0, "table": 0.0}
    assert res["diversity_m"] == 0.5


def test_matching_is_optimal_not_by_listing_order():
    a = Scene(objects=(obj("chair_0", "chair", (1.0, 1.0)), obj("chair_1", "chair", (4.0, 1.0))))
    swapped = Scene(objects=(obj("chair_0", "chair", (4.0, 1.0)), obj("chair_1", "chair", (1.0, 1.0))))
    assert layout_diversity([a, swapped])["diversity_m"] == 0.0
    # one chair moved 2 m: the optimal matching keeps the other one matched in place
    shifted = Scene(objects=(obj("chair_0", "chair", (4.0, 1.0)), obj("chair_1", "chair", (1.0, 3.0))))
    assert layout_diversity([a, shifted])["categories"]["chair"] == 1.0  # (0 + 2) / 2


def test_unequal_counts_match_the_smaller_set():
    a = Scene(objects=(obj("chair_0", "chair", (1.0, 1.0)), obj("chair_1", "chair", (4.0, 1.0))))
    b = Scene(objects=(obj("chair_0", "chair", (1.0, 1.5)), obj("chair_1", "chair", (4.0, 1.0)),
                       obj("chair_2", "chair", (2.5, 3.0))))
    # two pairs: (1,1)-(1,1.5) 0.5 m and (4,1)-(4,1) 0 m; the third chair of b is left out
    assert layout_diversity([a, b])["categories"]["chair"] == 0.25


def test_category_value_is_the_mean_over_scene_pairs_holding_it():
    base = Scene(objects=(obj("chair_0", "chair", (1.0, 1.0)), obj("lamp_0", "floor_lamp", (0.5, 0.5))))
    s2 = moved(base, "chair_0", dx=1.0)
    s3 = Scene(objects=(obj("chair_0", "chair", (1.0, 3.0)),))  # no lamp
    res = layout_diversity([base, s2, s3])
    # chair pairs: (1,2) 1.0, (1,3) 2.0, (2,3) sqrt(5); lamp only in scenes 1 and 2: 0.0
    chair = (1.0 + 2.0 + math.sqrt(5.0)) / 3
    assert res["categories"]["chair"] == pytest.approx(chair, abs=1e-4)
    assert res["categories"]["floor_lamp"] == 0.0
    assert res["diversity_m"] == pytest.approx(chair / 2, abs=1e-4)


def test_no_diversity_without_two_scenes_or_a_shared_category():
    s = small_scene()
    assert layout_diversity([]) == {"diversity_m": None, "categories": {}, "scenes": 0}
    assert layout_diversity([s]) == {"diversity_m": None, "categories": {}, "scenes": 1}
    a = Scene(objects=(obj("chair_0", "chair"),))
    b = Scene(objects=(obj("sofa_0", "sofa"),))
    assert layout_diversity([a, b]) == {"diversity_m": None, "categories": {}, "scenes": 2}
