"""Room designs of the offline planner (``worldsmith.policy.offline.design``).

Designs are checked without building scenes: what the planner will be asked to place (counts,
placements, materials, lights, dressing) and the room it gets (polygon, openings, free area)."""

from __future__ import annotations

import dataclasses
import json
import math
import statistics
from pathlib import Path

import pytest

from worldsmith.assets import catalog
from worldsmith.errors import WorldsmithError
from worldsmith.materials.colors import color_rgb
from worldsmith.materials.resolve import resolve_material
from worldsmith.policy.offline.design import (MAX_FOOTPRINT_SHARE, STAGES, RoomDesign, design_room,
                                              expected_counts, footprint, polygon_area, richness,
                                              surface_materials)
from worldsmith.policy.offline.knowledge import PLACE_TARGET_KEYS, knowledge, room_type_names
from worldsmith.policy.offline.parse import parse_prompt
from worldsmith.scene.rng import derive_rng

#: a copy of ../shared/prompts/dev.jsonl, so a clean clone tests the same suite
DEV = Path(__file__).resolve().parents[1] / "data" / "dev_prompts.jsonl"
SEEDS = (0, 1, 2)
#: rooms too small for 40 objects by nature (a bathroom, a laundry room, a hallway)
UTILITY = {"bathroom", "laundry_room", "hallway"}


def dev_prompts() -> list[dict]:
    return [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


def parse(text: str):
    return parse_prompt(text, use_embeddings=False)


def design(text: str, seed: int = 0, temperature: float = 1.0) -> RoomDesign:
    return design_room(parse(text), derive_rng(seed, "test", "design"), temperature)


def walls(poly) -> list[tuple[tuple[float, float], tuple[float, float], float]]:
    out = []
    for i in range(len(poly)):
        a, b = poly[i], poly[(i + 1) % len(poly)]
        out.append((a, b, math.hypot(b[0] - a[0], b[1] - a[1])))
    return out


def signed_area(poly) -> float:
    return 0.5 * sum(poly[i][0] * poly[(i + 1) % len(poly)][1] - poly[(i + 1) % len(poly)][0] * poly[i][1]
                     for i in range(len(poly)))


def segments_cross(p1, p2, p3, p4) -> bool:
    def orient(a, b, c):
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    d1, d2 = orient(p3, p4, p1), orient(p3, p4, p2)
    d3, d4 = orient(p1, p2, p3), orient(p1, p2, p4)
    return d1 * d2 < 0 and d3 * d4 < 0


def lumen_weighted_kelvin(d: RoomDesign) -> float:
    counts = {it.key: it.count for it in d.items}
    num = den = 0.0
    for light in d.lights:
        if "kelvin" not in light:
            continue
        w = light["watts"] * counts.get(light.get("at_item"), light.get("count", 1))
        num += w * light["kelvin"]
        den += w
    return num / den


def watts_per_m2(d: RoomDesign) -> float:
    counts = {it.key: it.count for it in d.items}
    total = sum(light["watts"] * counts.get(light.get("at_item"), light.get("count", 1)) for light in d.lights)
    return total / polygon_area(d.polygon)


def wall_id(v: str, poly) -> bool:
    return v.startswith("wall_") and v[5:].isdigit() and int(v[5:]) < len(poly)


def check_invariants(d: RoomDesign) -> None:
    """Everything that must hold for any design."""
    names = set(catalog.names())
    poly = d.polygon
    # the room: CCW, corner at the origin, simple, axis-aligned walls
    assert poly[0] == (0.0, 0.0)
    assert signed_area(poly) > 0
    ws = walls(poly)
    for i in range(len(ws)):
        for j in range(i + 2, len(ws)):
            if i == 0 and j == len(ws) - 1:
                continue
            assert not segments_cross(ws[i][0], ws[i][1], ws[j][0], ws[j][1])
    assert all(length >= 0.5 for _, _, length in ws)
    assert 2.3 <= d.height <= 4.0
    # openings fit their walls and do not overlap
    spans: dict[int, list[tuple[float, float, str]]] = {}
    for door in d.doors:
        length = ws[door["wall"]][2]
        c = door["at"] * length
        assert c - door["width"] / 2 >= 0.1 and c + door["width"] / 2 <= length - 0.1
        spans.setdefault(door["wall"], []).append((c - door["width"] / 2, c + door["width"] / 2, "door"))
    for win in d.windows:
        length = ws[win["wall"]][2]
        c = win["at"] * length
        assert c - win["width"] / 2 >= 0.1 and c + win["width"] / 2 <= length - 0.1
        assert win["sill"] + win["height"] <= d.height - 0.1
        spans.setdefault(win["wall"], []).append((c - win["width"] / 2, c + win["width"] / 2, "window"))
    for lst in spans.values():
        lst.sort()
        for (a0, a1, _), (b0, b1, _) in zip(lst, lst[1:]):
            assert a1 <= b0, f"openings overlap: {lst}"
    assert len(d.doors) >= 1
    # materials resolve to library materials
    for surface in ("floor", "walls", "ceiling"):
        assert surface in d.materials
    for surface, desc in d.materials.items():
        assert surface in ("floor", "walls", "ceiling") or (surface.startswith("wall_") and
                                                            0 <= int(surface[5:]) < len(poly))
        assert resolve_material(desc).score > 0, (surface, desc)
    # items: unique keys, known categories, valid stages and targets, anchors first
    keys = [it.key for it in d.items]
    assert len(set(keys)) == len(keys)
    seen: set[str] = set()
    for it in d.items:
        assert it.count >= 1
        assert it.stage in STAGES
        assert it.category in names or it.source == "prompt"
        for k, v in it.place.items():
            if k in PLACE_TARGET_KEYS and isinstance(v, str):
                assert v in keys or v == "center" or wall_id(v, poly), (it.key, k, v)
                if v in keys:
                    assert v in seen, f"{it.key} refers to {v} placed later"
            if k in ("against", "on_wall"):
                assert v == "any_wall" or wall_id(v, poly), (it.key, k, v)
            if k == "under":
                assert v.startswith("window_") and int(v[7:]) < len(d.windows)
                assert d.windows[int(v[7:])]["sill"] >= (it.size or {}).get("height", catalog.get(it.category).size_typical[2])
        if it.stage == "small":
            host = d.item(it.place["on"])
            assert host.stage in ("large", "wall")
        if it.category in names:
            support = catalog.get(it.category).support
            assert it.stage == {"floor": "large", "wall": "wall", "ceiling": "ceiling", "object": "small"}[support] \
                or (it.stage == "small" and "on" in it.place)
        if isinstance(it.color, str):
            assert color_rgb(it.color) is not None, it.color
        if it.size:
            assert set(it.size) <= {"width", "depth", "height"} and all(v > 0 for v in it.size.values())
        seen.add(it.key)
    # stages: floor items before the other stages unless something refers to a later one
    first_small = next((i for i, it in enumerate(d.items) if it.stage == "small"), len(d.items))
    assert all(it.stage == "small" for it in d.items[first_small:])
    # furniture leaves enough free floor
    need = sum(footprint(it) for it in d.items)
    assert need <= (MAX_FOOTPRINT_SHARE + 0.02) * polygon_area(poly), (need, polygon_area(poly))
    # dressing targets exist and hold something
    for e in d.dressing:
        assert e["target"] in keys
        assert e["count"] >= 1 and e["items"]
        assert all(c in names for c in e["items"])
        assert catalog.surface_levels(d.item(e["target"]).category), e["target"]
    # lights
    assert d.lights
    for light in d.lights:
        assert light["kind"] in ("ceiling", "point", "spot", "area")
        assert light["watts"] > 0
        if light.get("at_item"):
            assert light["at_item"] in keys
        if "color" in light:
            assert len(light["color"]) == 3
        else:
            assert 2000 <= light["kelvin"] <= 6500
    for c in d.palette:
        assert color_rgb(c) is not None


# ---------------------------------------------------------------------------------------------
# the dev prompts: every expectation, three seeds


@pytest.mark.parametrize("case", dev_prompts(), ids=lambda c: c["id"])
def test_dev_prompts_designs_meet_expectations(case):
    spec = parse(case["prompt"])
    for seed in SEEDS:
        d = design_room(spec, derive_rng(seed, "dev", case["id"]))
        check_invariants(d)
        counts = expected_counts(d)
        for cat, n in case["expect"]["objects"].items():
            assert counts.get(cat, 0) >= n, (case["id"], seed, cat, counts.get(cat, 0), n)
        mats = surface_materials(d)
        for surface, words in case["expect"].get("materials", {}).items():
            assert surface in mats, (case["id"], surface, mats)
            assert any(w in mats[surface] for w in words), (case["id"], surface, mats[surface])
        mood = case["expect"].get("lighting")
        if mood == "warm":
            assert d.mood == "warm" and lumen_weighted_kelvin(d) <= 3300
        elif mood == "cool":
            assert d.mood == "cool" and lumen_weighted_kelvin(d) >= 4500
        elif mood == "bright":
            assert watts_per_m2(d) >= 10.0
        elif mood == "dim":
            assert watts_per_m2(d) <= 5.3
        # every object the prompt asked for is in the design, required, with at least its count
        for req in spec.requirements:
            if req.kind == "object":
                assert counts.get(req.key, 0) >= req.value
                assert any(it.category == req.key and it.required for it in d.items)


def test_dev_prompts_richness():
    objs, cats = [], []
    for case in dev_prompts():
        spec = parse(case["prompt"])
        for seed in SEEDS:
            n, k = richness(design_room(spec, derive_rng(seed, "dev", case["id"])))
            objs.append(n)
            cats.append(k)
    assert statistics.median(objs) >= 40
    assert statistics.median(cats) >= 12


@pytest.mark.parametrize("name", sorted(set(room_type_names()) - UTILITY))
def test_typical_rooms_are_rich(name):
    spec = parse(f"a {knowledge().room(name)['display']}")
    rich = [richness(design_room(spec, derive_rng(seed, "rich", name))) for seed in range(7)]
    assert statistics.median(n for n, _ in rich) >= 24
    assert statistics.median(k for _, k in rich) >= 12


# ---------------------------------------------------------------------------------------------
# every room type at every temperature


@pytest.mark.parametrize("name", room_type_names())
def test_every_room_type_gives_valid_designs(name):
    rt = knowledge().room(name)
    spec = parse(f"a {rt['display']}")
    essentials = {it["key"] for it in rt["items"] if it.get("essential")}
    for temperature in (0.0, 1.0, 2.0):
        for seed in SEEDS:
            d = design_room(spec, derive_rng(seed, name), temperature)
            check_invariants(d)
            assert d.room_type == name and d.style in knowledge().styles
            keys = {it.key for it in d.items}
            assert essentials <= keys, essentials - keys
            assert d.shape in rt["shapes"] or d.shape == "rect"


# ---------------------------------------------------------------------------------------------
# sampling


def test_same_seed_same_design():
    for text in ("a cozy bedroom with a double bed, two nightstands and a wardrobe",
                 "An international restaurant with vibrant decor."):
        a = design(text, seed=7)
        b = design(text, seed=7)
        assert a == b


def test_temperature_zero_ignores_the_generator():
    for text in ("a living room", "a small cafe with a counter, a coffee machine and five round tables"):
        designs = [design(text, seed=s, temperature=0.0) for s in range(4)]
        assert all(d == designs[0] for d in designs)


def test_seeds_give_different_plausible_designs():
    for text in ("a living room", "a bedroom", "a cafe"):
        designs = [design(text, seed=s) for s in range(10)]
        polygons = {d.polygon for d in designs}
        layouts = {(d.style, tuple(sorted((it.key, it.count) for it in d.items))) for d in designs}
        walls_used = {(tuple((x["wall"], x["at"]) for x in d.doors), tuple(w["wall"] for w in d.windows))
                      for d in designs}
        assert len(polygons) >= 9
        assert len(layouts) >= 8
        assert len(walls_used) >= 5
        for d in designs:
            check_invariants(d)


def test_temperature_widens_choices():
    def spread(t: float) -> int:
        styles = {design("a living room", seed=s, temperature=t).style for s in range(30)}
        return len(styles)

    assert spread(0.0) == 1
    assert spread(2.0) >= spread(0.5)
    assert spread(2.0) >= 6


def test_negative_temperature_is_refused():
    with pytest.raises(WorldsmithError):
        design_room(parse("a bedroom"), derive_rng(0, "t"), -1.0)


# ---------------------------------------------------------------------------------------------
# the prompt shapes the design


def counts_of(d: RoomDesign) -> dict[str, int]:
    out: dict[str, int] = {}
    for it in d.items:
        out[it.category] = out.get(it.category, 0) + it.count
    return out


def test_exact_counts():
    for seed in range(5):
        assert counts_of(design("a cozy bedroom with a double bed, two nightstands and a wardrobe", seed))[
            "nightstand"] == 2
        assert counts_of(design("a bedroom with a bed and a nightstand", seed))["nightstand"] == 1
        assert counts_of(design("a dining room with a table for six", seed))["dining_chair"] == 6
        c = counts_of(design("a small cafe with a counter, a coffee machine and five round tables", seed))
        assert c["cafe_table"] == 5 and c["chair"] >= 10 and c["checkout_counter"] == 1
        d = design("a classroom with twelve desks facing a whiteboard", seed)
        desks = d.item("desks")
        assert desks.count == 12 and desks.place.get("facing") == "whiteboard"
        assert desks.place.get("grid") and desks.place["grid"][0] * desks.place["grid"][1] >= 12
        assert d.item("chairs").count == 12


def test_many_objects_grow_the_room():
    d = design("a restaurant with 10 tables and 40 chairs")
    c = counts_of(d)
    assert c["dining_table"] == 10 and c["dining_chair"] == 40
    assert sum(footprint(it) for it in d.items) <= MAX_FOOTPRINT_SHARE * polygon_area(d.polygon) + 1e-6
    small = design("a restaurant")
    assert polygon_area(d.polygon) > polygon_area(small.polygon)


def test_small_rooms_stay_small():
    for seed in range(5):
        small = design("a small bedroom", seed)
        large = design("a large bedroom", seed)
        assert polygon_area(small.polygon) < polygon_area(large.polygon)
        assert polygon_area(small.polygon) <= 16.0


def test_relations_become_placements():
    for seed in range(6):
        d = design("a kitchen with a sink under the window", seed)
        assert d.item("sink").place["under"].startswith("window_")  # a window id: window_<i>
        assert d.windows  # there is a window to stand under
        d = design("a bathroom with a sink under the window", seed)  # bathrooms often have none
        assert d.windows and d.item("sink").place == {"under": "window_0"}
    d = design("an arcade room with a pool table placed in the middle")
    assert d.item("pool_table").place == {"center": True}
    d = design("a library with bookshelves along the walls")
    assert d.item("bookshelves").place.get("against") == "any_wall"
    d = design("a bedroom with lamps on the nightstands")
    lamps = [it for it in d.items if it.category == "table_lamp"]
    assert sum(it.count for it in lamps) >= 2
    assert all(d.item(it.place["on"]).category == "nightstand" for it in lamps)
    d = design("a living room with a TV on the wall")
    assert d.item("tv").stage == "wall"
    d = design("a bedroom with shelves on the wall")
    assert any(it.category == "wall_shelf" and it.required for it in d.items)


def test_attributes_reach_items():
    d = design("a living room with a red velvet sofa")
    sofa = d.item("sofa")
    assert sofa.color == "red" and sofa.material == "velvet" and sofa.required and sofa.source == "prompt"
    d = design("A bohemian art studio with a vintage easel.")
    easel = next(it for it in d.items if it.category == "easel")
    assert easel.style == "vintage" and easel.count == 1
    assert d.style == "bohemian" and d.name == "bohemian art studio"
    floor_items = [it for it in d.items if it.stage == "large"]
    assert sum(it.style == "bohemian" for it in floor_items) * 2 >= len(floor_items)
    d = design("a bedroom with a king size bed")
    assert d.item("bed").size["width"] >= 1.9
    d = design("a kids bedroom with a bunk bed, a toy chest and a colorful rug")
    assert d.item("bed").category == "bunk_bed"
    assert d.item("rug").color in knowledge().lexicon["palettes"]["vibrant"]


def test_surface_materials_from_the_prompt():
    for seed in SEEDS:
        d = design("A modern bar with brick wall and marble bar counter.", seed)
        accents = [v for k, v in d.materials.items() if k.startswith("wall_")]
        assert len(accents) == 1 and "brick" in accents[0]
        accent_wall = int(next(k for k in d.materials if k.startswith("wall_"))[5:])
        assert accent_wall not in {door["wall"] for door in d.doors}
        assert d.item("bar").material == "marble"
        d = design("a kitchen with white walls and a light oak floor", seed)
        assert "white" in d.materials["walls"] and "oak" in d.materials["floor"]
        assert resolve_material(d.materials["floor"]).material.name.startswith(("oak", "white_oak"))


def test_things_the_prompt_adds_get_sensible_places():
    d = design("a bedroom of a researcher who has a cat")
    assert d.item("desk").place.get("against") == "any_wall"
    chair = next(it for it in d.items if it.category == "office_chair")
    assert chair.place.get("in_front_of") == "desk"
    pet = next(it for it in d.items if it.category == "pet_bed")
    assert pet.required and pet.source == "prompt"
    d = design("a bathroom with a piano")  # not in the bathroom template
    piano = next(it for it in d.items if it.category == "piano")
    assert piano.place == {"against": "any_wall"} and piano.required
    d = design("a kitchen with a monitor")  # a small object: it needs something to stand on
    monitor = next(it for it in d.items if it.category == "monitor")
    assert monitor.stage == "small" and catalog.surface_levels(d.item(monitor.place["on"]).category)


def test_unknown_prompt_objects_stay_labelled():
    spec = dataclasses.replace(parse("a music room"), objects={"harp": 1}, exact=frozenset({"harp"}))
    d = design_room(spec, derive_rng(0, "harp"))
    harp = d.item("harp")
    assert harp.category == "harp" and harp.required and harp.source == "prompt" and harp.stage == "large"
    assert harp.place == {"against": "any_wall"}
    check_invariants(d)


def test_fully_equipped_gym_has_several_machines():
    for seed in SEEDS:
        c = counts_of(design("A spacious home gym that is fully equipped.", seed))
        machines = c.get("treadmill", 0) + c.get("weight_bench", 0) + c.get("dumbbell_rack", 0) + c.get("bicycle", 0)
        assert machines >= 6
        plain = counts_of(design("a small gym", seed))
        assert machines > plain.get("treadmill", 0) + plain.get("weight_bench", 0) + plain.get("dumbbell_rack", 0)


def test_lighting_moods():
    for seed in SEEDS:
        assert watts_per_m2(design("a bright office", seed)) >= 11.0
        assert watts_per_m2(design("a dimly lit bar", seed)) <= 5.3
        d = design("a cozy bedroom", seed)
        assert d.mood == "warm" and lumen_weighted_kelvin(d) <= 3300
        d = design("a classroom with cool light", seed)
        assert d.mood == "cool" and lumen_weighted_kelvin(d) >= 4500
        d = design("a colorful arcade", seed)
        assert d.mood == "neon" and any("color" in light for light in d.lights)
    d = design("a living room", 0)
    lamp_keys = {it.key for it in d.items if it.category in ("table_lamp", "floor_lamp")}
    assert lamp_keys <= {light.get("at_item") for light in d.lights}


def test_shapes():
    for seed in SEEDS:
        d = design("an L-shaped open-plan living and dining area", seed)
        assert d.shape == "L" and len(d.polygon) == 6
        d = design("a U-shaped restaurant", seed)
        assert d.shape == "U" and len(d.polygon) == 8
        d = design("a long narrow hallway", seed)
        xs = [p[0] for p in d.polygon]
        ys = [p[1] for p in d.polygon]
        assert d.shape == "long" and max(max(xs) / max(ys), max(ys) / max(xs)) >= 2.0


def test_window_things_need_windows():
    for seed in range(12):
        d = design("a bedroom", seed)
        for it in d.items:
            if it.category == "curtain" and "on_wall" in it.place and it.place["on_wall"] != "any_wall":
                assert int(it.place["on_wall"][5:]) in {w["wall"] for w in d.windows}
        d = design("a bedroom with a desk by the window", seed)
        assert d.item("desk").place["against"] == f"wall_{d.windows[0]['wall']}"


def test_dressing_counts():
    d = design("A quaint bookstore.")
    assert expected_counts(d)["book"] >= 20
    shelves = [it for it in d.items if it.category == "bookshelf"]
    assert shelves and all(any(e["target"] == it.key and e["items"] == ["book"] for e in d.dressing) for it in shelves)
    d = design("a bedroom", 3)
    assert any(e["target"] == "bed" and e["items"] == ["pillow"] for e in d.dressing)


def test_design_names_write_the_style_as_the_data_says():
    assert design("a mid-century living room").name == "mid-century living room"  # styles.json 'display'
    assert design("an art deco lounge").name == "art deco lounge"  # default: underscores as spaces
