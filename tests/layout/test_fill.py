"""Small objects on furniture (``layout.fill`` and the DSL's ``fill`` / ``add_to_wall``).

The contract: after a fill the validator finds nothing wrong with any filled item (no collision, no
unsupported object, nothing out of bounds), counts are exact when the items fit, density scales with
the surface, shelves are never pierced, and default dressings put things where people put them."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pytest

from worldsmith.assets import catalog, make_asset, object_transform, support_surfaces
from worldsmith.dsl import DSLError, execute
from worldsmith.layout.fill import (
    FillError,
    dressing_categories,
    dressing_data,
    plan_fill,
    plan_fill_result,
)
from worldsmith.metrics import validate
from worldsmith.scene import dumps
from worldsmith.scene.rng import derive_rng

ROOM = 'room("r", width=7, depth=6)\n'


def run(program: str, seed: int = 1):
    return execute(ROOM + program, seed=seed)


def filled(scene, target_id: str) -> list:
    """Objects resting on ``target_id``, directly or on something resting on it."""
    out, frontier = [], {target_id}
    while frontier:
        nxt = [o for o in scene.objects if o.support_kind == "object" and o.support_target in frontier]
        out += nxt
        frontier = {o.id for o in nxt}
    return out


def assert_clean(scene) -> None:
    """The whole scene passes the validator (these scenes hold only the targets and their items)."""
    report = validate(scene)
    assert report.ok, "\n".join(report.summary_lines())


def local(target, obj) -> tuple[float, float]:
    """``obj``'s position in ``target``'s frame (x right, y front)."""
    p = np.linalg.inv(object_transform(target)) @ np.array([*obj.position, 1.0])
    return float(p[0]), float(p[1])


def yaw_diff(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


@lru_cache(maxsize=None)
def seed_with_round_top(category: str, size: tuple[float, float, float]) -> int:
    """A program seed whose first ``category`` gets a round top at ``size``."""
    for seed in range(200):
        ref, _ = make_asset(category, derive_rng(seed, "asset", f"{category}_0"), size)
        if ref.params.get("top_shape") == "round":
            return seed
    raise AssertionError(f"no round {category} in 200 seeds")


# -- data ---------------------------------------------------------------------------------------


def test_dressing_data_uses_only_small_catalog_categories():
    names = set(catalog.names())
    for cat in dressing_categories():
        assert cat in names, f"{cat} is not in the catalog"
        assert catalog.get(cat).support == "object", f"{cat} is not a small object"
    data = dressing_data()
    for target, entries in data["dressings"].items():
        assert target in names, target
        for e in entries:
            assert e["kind"] in ("anchor", "row", "relative", "fill", "settings"), e
    for target in data["shelf_categories"] + data["seat_categories"]:
        assert target in names
    for target in data["pools"]:
        assert target == "_default" or target in names


# -- validity on many targets ----------------------------------------------------------------------------

TARGETS = [
    ("dining_table", (3.5, 3.0), 0.0),
    ("desk", (3.5, 3.0), 37.0),
    ("bed", (3.5, 3.0), 37.0),
    ("bookshelf", (3.5, 3.0), 37.0),
    ("kitchen_counter", (3.5, 3.0), 0.0),
    ("nightstand", (3.5, 3.0), 37.0),
    ("coffee_table", (3.5, 3.0), 37.0),
    ("sofa", (3.5, 3.0), 37.0),
    ("display_shelf", (3.5, 3.0), 0.0),
    ("tv_stand", (3.5, 3.0), 200.0),
    ("dresser", (3.5, 3.0), 90.0),
]


@pytest.mark.parametrize("category, at, yaw", TARGETS)
@pytest.mark.parametrize("seed", [1, 2])
def test_default_dressing_is_valid(category, at, yaw, seed):
    result = run(f'f = add("{category}")\nplace(f, at=({at[0]}, {at[1]}), yaw={yaw})\nh = fill(f)\n', seed)
    scene = result.scene
    target = scene.objects[0]
    items = filled(scene, target.id)
    assert items, f"the default dressing of a {category} put nothing on it"
    assert all(o.support_target == target.id for o in items)
    assert_clean(scene)


@pytest.mark.parametrize("category, at, yaw", [("table", (3.0, 3.0), 37.0), ("desk", (3.0, 2.0), 0.0),
                                                ("kitchen_island", (3.5, 3.0), 121.0)])
def test_explicit_items_are_valid_and_counts_exact(category, at, yaw):
    program = (f'f = add("{category}")\nplace(f, at=({at[0]}, {at[1]}), yaw={yaw})\n'
               'h = fill(f, ["book", "mug", "candle"], count=4)\nprint(len(h))\n')
    result = run(program, 4)
    items = filled(result.scene, result.scene.objects[0].id)
    assert result.output == ["4"] and len(items) == 4
    assert [o.category for o in items[:3]] == ["book", "mug", "candle"]  # in the order given, then mixed
    assert_clean(result.scene)


def test_round_table():
    size = (1.1, 1.1, 0.75)
    seed = seed_with_round_top("table", size)
    result = run(f'f = add("table", size=({size[0]}, {size[1]}, {size[2]}))\nplace(f, at=(3, 3), yaw=37)\n'
                 'h = fill(f, ["plate", "glass", "vase", "candle", "mug"], count=8)\n', seed)
    table = result.scene.objects[0]
    assert table.asset.params["top_shape"] == "round"
    items = filled(result.scene, table.id)
    assert len(items) == 8
    assert_clean(result.scene)
    # every footprint lies within the round top (radius 0.55 less the rounded edge)
    for o in items:
        x, y = local(table, o)
        half = math.hypot(o.size[0], o.size[1]) / 2
        assert math.hypot(x, y) + half <= 0.55 + 1e-6


def test_round_cafe_table_default_dressing():
    seed = seed_with_round_top("cafe_table", catalog.get("cafe_table").size_typical)
    result = run('f = add("cafe_table")\nplace(f, at=(3, 3), yaw=15)\nh = fill(f)\n', seed)
    assert result.scene.objects[0].asset.params["top_shape"] == "round"
    assert filled(result.scene, "cafe_table_0")
    assert_clean(result.scene)


def test_bookshelf_every_level_gets_books_in_upright_rows():
    result = run('s = add_to_wall("wall_0", "bookshelf")\nh = fill(s, ["book"], density=0.8)\n', 2)
    scene = result.scene
    shelf = scene.object("bookshelf_0")
    books = filled(scene, shelf.id)
    levels = {s.index for s in support_surfaces(shelf)}
    used = {int(o.support.split("#")[1]) if "#" in o.support else 0 for o in books}
    assert used == levels
    # upright, spines to the front: a book's yaw is the shelf's
    assert all(yaw_diff(o.yaw_deg, shelf.yaw_deg) < 1e-6 for o in books)
    assert_clean(scene)


def test_density_covers_the_share_of_each_level_and_grows_with_the_shelf():
    counts = {}
    for width in (0.6, 1.6):
        result = run(f's = add_to_wall("wall_0", "bookshelf", width={width})\nh = fill(s, ["book"], density=0.8)\n',
                     3)
        shelf = result.scene.object("bookshelf_0")
        books = filled(result.scene, shelf.id)
        counts[width] = len(books)
        for s in support_surfaces(shelf):
            xs = [p[0] for p in s.polygon]
            length = max(xs) - min(xs)
            on = [o for o in books if o.support in (f"object:{shelf.id}#{s.index}",)
                  or (s.index == 0 and o.support == f"object:{shelf.id}")]
            covered = sum(o.size[0] for o in on)
            # at least the asked share, short of one book; never more than the level holds
            assert 0.8 * length - catalog.get("book").size_max[0] - 0.01 <= covered <= length
        assert_clean(result.scene)
    assert counts[1.6] > 2 * counts[0.6]


def test_items_too_tall_for_a_shelf_shrink_or_are_skipped():
    program = ('s = add_to_wall("wall_0", "bookshelf")\n'
               'v = fill(s, ["vase"], count=3, surface=1)\n'
               'g = fill(s, ["guitar"], count=1, surface=1)\nprint(len(g))\n')
    result = run(program, 5)
    scene = result.scene
    shelf = scene.object("bookshelf_0")
    level = next(s for s in support_surfaces(shelf) if s.index == 1)
    vases = [o for o in filled(scene, shelf.id) if o.category == "vase"]
    assert len(vases) == 3
    for v in vases:  # below the board above (which starts at the level's clearance)
        assert v.top <= shelf.position[2] + level.z + level.clearance_m + 1e-9
        assert v.size[2] >= catalog.get("vase").size_min[2]
    assert result.output == ["0"]  # a guitar cannot shrink under a 0.3 m shelf
    skipped = [u for u in result.report.unplaced if u["category"] == "guitar"]
    assert skipped and skipped[0]["on"] == shelf.id and "tall" in skipped[0]["reason"]
    assert_clean(scene)


def test_recursion_mug_on_plate_on_table():
    program = ('t = add("dining_table")\nplace(t, at=(3, 3), yaw=37)\n'
               'p = fill(t, ["plate"], count=2)\nm = fill(p[0], ["mug"])\nc = fill(p[1], ["cup"])\n'
               'print(len(p), len(m), len(c))\n')
    result = run(program, 6)
    scene = result.scene
    assert result.output == ["2 1 1"]
    mug = scene.object("mug_0")
    assert mug.support == "object:plate_0" and scene.object("plate_0").support == "object:dining_table_0"
    assert scene.object("cup_0").support == "object:plate_1"
    assert_clean(scene)


def test_fill_keeps_clear_of_what_is_already_there():
    program = ('t = add("table")\nplace(t, at=(3, 3), yaw=10)\n'
               'l = add("laptop", on=t)\nplace(l, at=(3.1, 3.05), yaw=30)\n'
               'h = fill(t, ["mug", "book", "candle", "vase"], density=0.5)\n'
               'h2 = fill(t, ["glass"], count=3)\n')
    result = run(program, 7)
    assert len(filled(result.scene, "table_0")) > 4
    assert_clean(result.scene)


def test_counter_items_avoid_a_wall_cabinet_above():
    program = ('k = add_to_wall("wall_0", "kitchen_counter")\n'
               'w = add_to_wall("wall_0", "wall_cabinet")\nplace(w, against="wall_0", height=1.2)\n'
               'h = fill(k)\nh2 = fill(k, ["jar", "bottle", "coffee_machine"], count=5)\n')
    for seed in (1, 2, 3):
        result = run(program, seed)
        assert len(filled(result.scene, "kitchen_counter_0")) >= 3
        assert_clean(result.scene)


def test_wall_shelf_is_filled():
    result = run('w = add_to_wall("wall_1", "wall_shelf")\nh = fill(w)\nh2 = fill(w, ["book"], density=0.5)\n', 8)
    assert filled(result.scene, "wall_shelf_0")
    assert_clean(result.scene)


# -- default dressings: where things go -------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_bed_pillows_are_at_the_head(seed):
    result = run('b = add("bed")\nplace(b, at=(3.5, 3), yaw=37)\nh = fill(b)\n', seed)
    bed = result.scene.object("bed_0")
    pillows = filled(result.scene, bed.id)
    assert pillows and all(p.category == "pillow" for p in pillows)
    for p in pillows:
        assert local(bed, p)[1] < 0.0  # the head half (the bed's back, local -Y)
        assert yaw_diff(p.yaw_deg, bed.yaw_deg) < 30.0  # facing the foot like the bed
    if bed.size[0] >= 1.2:
        assert len(pillows) >= 2  # side by side on a double bed
    assert_clean(result.scene)


@pytest.mark.parametrize("yaw", [0.0, 37.0, 250.0])
def test_desk_monitor_at_the_back_facing_the_front_keyboard_in_front(yaw):
    result = run(f'd = add("desk")\nplace(d, at=(3.5, 3), yaw={yaw})\nh = fill(d)\n', 2)
    desk = result.scene.object("desk_0")
    items = filled(result.scene, desk.id)
    monitors = [o for o in items if o.category == "monitor"]
    keyboards = [o for o in items if o.category == "keyboard"]
    assert len(monitors) >= 1 and len(keyboards) == 1
    kx, ky = local(desk, keyboards[0])
    for m in monitors:
        mx, my = local(desk, m)
        assert my < 0.0  # back half
        assert yaw_diff(m.yaw_deg, desk.yaw_deg) < 1e-6
        assert ky > my + (m.size[1] + keyboards[0].size[1]) / 2  # in front of it
    centre = np.mean([local(desk, m)[0] for m in monitors])
    assert abs(kx - centre) < 0.1
    assert_clean(result.scene)


def test_dining_table_gets_a_setting_at_every_chair():
    chairs = "".join(
        f'c = add("dining_chair")\nplace(c, at=({2.9 + 0.6 * i}, {side_y}), yaw={yaw})\n'
        for i in range(3) for side_y, yaw in ((2.35, 0), (3.65, 180)))
    program = 't = add("dining_table", width=1.8, depth=0.9)\nplace(t, at=(3.5, 3), yaw=0)\n' + chairs + 'h = fill(t)\n'
    result = run(program, 3)
    scene = result.scene
    plates = [o for o in filled(scene, "dining_table_0") if o.category == "plate"]
    chair_objs = [o for o in scene.objects if o.category == "dining_chair"]
    assert len(plates) == 6
    # each chair has its own plate, the nearest plate is in front of it
    nearest = {min(plates, key=lambda p: math.dist(p.position[:2], c.position[:2])).id for c in chair_objs}
    assert len(nearest) == 6
    for c in chair_objs:
        p = min(plates, key=lambda p: math.dist(p.position[:2], c.position[:2]))
        assert abs(p.position[0] - c.position[0]) < 0.06
    assert_clean(scene)


def test_sofa_cushions_against_the_back():
    result = run('s = add("sofa")\nplace(s, at=(3.5, 3), yaw=37)\nh = fill(s)\n', 2)
    sofa = result.scene.object("sofa_0")
    cushions = filled(result.scene, sofa.id)
    assert len(cushions) >= 2
    for c in cushions:
        index = int(c.support.split("#")[1]) if "#" in c.support else 0
        seat = next(s for s in support_surfaces(sofa) if s.index == index)
        ys = [p[1] for p in seat.polygon]
        assert local(sofa, c)[1] - c.size[1] / 2 < min(ys) + 0.05  # leaning on the back
    assert_clean(result.scene)


def test_nightstand_gets_a_lamp():
    hits = 0
    for seed in range(1, 6):
        result = run('n = add("nightstand")\nplace(n, at=(3.5, 3), yaw=90)\nh = fill(n)\n', seed)
        hits += any(o.category == "table_lamp" for o in filled(result.scene, "nightstand_0"))
        assert_clean(result.scene)
    assert hits >= 4


# -- determinism and the plan itself ------------------------------------------------------------------


def test_same_seed_same_scene_bytes():
    program = ('s = add_to_wall("wall_0", "bookshelf")\nh = fill(s)\nd = add("desk")\nplace(d, at=(3, 3), yaw=37)\n'
               'x = fill(d)\nt = add("table")\nplace(t, at=(5, 4))\ny = fill(t, ["mug", "plate"], density=0.4)\n')
    a, b = run(program, 11), run(program, 11)
    assert dumps(a.scene) == dumps(b.scene)
    assert dumps(run(program, 12).scene) != dumps(a.scene)


def test_plan_fill_is_deterministic_and_returns_world_poses():
    scene = run('t = add("table")\nplace(t, at=(3, 3), yaw=37)\n').scene
    one = plan_fill(scene, "table_0", ["mug", "vase"], count=3, rng=np.random.default_rng(5))
    two = plan_fill(scene, "table_0", ["mug", "vase"], count=3, rng=np.random.default_rng(5))
    assert one == two and len(one) == 3
    table = scene.object("table_0")
    top = support_surfaces(table)[0]
    for item in one:
        assert item.on == "table_0" and item.surface == 0
        assert item.z == pytest.approx(table.position[2] + top.z)
        info = catalog.get(item.category)
        assert all(lo - 1e-9 <= v <= hi + 1e-9 for lo, v, hi in zip(info.size_min, item.size, info.size_max))


def test_skips_are_reported_not_dropped_silently():
    scene = run('n = add("nightstand")\nplace(n, at=(3, 3))\n').scene
    result = plan_fill_result(scene, "nightstand_0", ["vase"], count=30, rng=np.random.default_rng(0))
    assert 0 < len(result.items) < 30
    assert len(result.items) + len(result.skipped) == 30
    assert all(s.category == "vase" and s.reason for s in result.skipped)


# -- bad input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("call, needle", [
    ('fill(art)', "has no surface"),
    ('fill(t, ["blorp"])', "unknown item category"),
    ('fill(t, ["sofa"])', "sofa is a floor object"),
    ('fill(t, ["mug"], count=2, density=0.5)', "count= or density="),
    ('fill(t, ["mug"], density=1.5)', "density must be"),
    ('fill(t, ["mug"], surface=7)', "no surface #7"),
    ('fill(t, "mug", count=-1)', "count must be"),
])
def test_bad_fill_requests_raise_clear_errors(call, needle):
    program = 'art = add("painting")\nt = add("table")\nplace(t, at=(3, 3))\n' + call + "\n"
    with pytest.raises(DSLError) as info:
        run(program)
    assert info.value.code == "E_BAD_ARGUMENT"
    assert needle in info.value.message and info.value.hint
    assert info.value.line == 5  # the room is line 1


def test_fill_of_an_unknown_object_is_a_conflict():
    with pytest.raises(DSLError) as info:
        run('fill("table_9")\n')
    assert info.value.code == "E_CONFLICT"


def test_plan_fill_errors():
    scene = run('t = add("table")\nplace(t, at=(3, 3))\n').scene
    with pytest.raises(FillError):
        plan_fill(scene, "nope", ["mug"], rng=np.random.default_rng(0))
    with pytest.raises(FillError):
        plan_fill(scene, "table_0", [], rng=np.random.default_rng(0))


# -- add_to_wall ---------------------------------------------------------------------------------------


def test_add_to_wall_hangs_wall_objects_and_backs_floor_objects_onto_the_wall():
    result = run('p = add_to_wall("wall_1", "painting", color="blue")\nb = add_to_wall("wall_2", "bookshelf")\n')
    scene = result.scene
    painting, shelf = scene.object("painting_0"), scene.object("bookshelf_0")
    assert painting.support == "wall:wall_1"
    assert painting.position[2] == pytest.approx(catalog.get("painting").mount_height_m)
    wall = scene.wall("wall_2")
    assert shelf.support == "floor"
    rel = (shelf.position[0] - wall.start[0], shelf.position[1] - wall.start[1])
    back_gap = rel[0] * wall.normal[0] + rel[1] * wall.normal[1] - shelf.size[1] / 2
    assert 0.0 <= back_gap <= 0.05
    fx, fy = -math.sin(math.radians(shelf.yaw_deg)), math.cos(math.radians(shelf.yaw_deg))
    assert fx * wall.normal[0] + fy * wall.normal[1] > 0.99
    assert_clean(scene)


def test_add_to_wall_rejects_unknown_walls():
    with pytest.raises(DSLError) as info:
        run('add_to_wall("wall_9", "painting")\n')
    assert info.value.code == "E_BAD_ARGUMENT" and "wall_9" in info.value.message


def test_a_variant_without_its_surface_gives_nothing_and_says_so():
    # clothing racks usually have a shoe shelf; find a seed whose rack has none
    for seed in range(1, 40):
        result = run('c = add("clothing_rack")\nplace(c, at=(3, 3))\nh = fill(c)\nprint(len(h))\n', seed)
        if not support_surfaces(result.scene.object("clothing_rack_0")):
            assert result.output == ["0"]
            assert [u["on"] for u in result.report.unplaced] == ["clothing_rack_0"]
            assert "has no surface" in result.report.unplaced[0]["reason"]
            return
    pytest.skip("every sampled clothing rack had a shelf")
