"""Domain randomization: every switch changes what it says and only that, records exactly what it
changed, is deterministic, leaves the scene physically valid, and "off" changes nothing. Scenes come
from the real offline planner; validity from the real validator."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from worldsmith.assets import build_object_parts, catalog, support_surfaces
from worldsmith.assets.shell import DEFAULT_CEILING_MATERIAL, DEFAULT_FLOOR_MATERIAL, DEFAULT_WALL_MATERIAL
from worldsmith.datagen.errors import DatagenError
from worldsmith.datagen.randomize import (
    LEVELS,
    SWITCHES,
    Randomization,
    daylight_at,
    material_class,
    randomize_scene,
    sample_camera_params,
    sample_render_params,
)
from worldsmith.dsl.apply import with_material_choices
from worldsmith.materials import resolve_material
from worldsmith.metrics import validate
from worldsmith.pipeline.generate import run_planner
from worldsmith.scene import dumps

ONLY = {name: Randomization.parse(f"none,{name}=scene") for name in ("materials", "lights", "clutter", "swaps")}
SHELL_DEFAULTS = {"floor": DEFAULT_FLOOR_MATERIAL, "ceiling": DEFAULT_CEILING_MATERIAL, "walls": DEFAULT_WALL_MATERIAL}


@pytest.fixture(scope="module")
def bedroom():
    return run_planner("offline", "a cozy bedroom", 1)[0].scene


@pytest.fixture(scope="module")
def living():
    return run_planner("offline", "a living room with a bookshelf", 1)[0].scene


def rng(seed=0):
    return np.random.default_rng(seed)


def problems(scene):
    """Validator problems by kind and ids (depths and gaps left out)."""
    r = validate(scene)
    return ({("collision", c.a, c.b) for c in r.collisions} | {("oob", o.id) for o in r.out_of_bounds}
            | {("blocked", b.opening, b.object, b.side) for b in r.blocked_openings}
            | {("unsupported", u.id) for u in r.unsupported})


def material_fields(scene):
    """Every material description of the scene by the randomizer's target names."""
    out = {}
    for room in scene.rooms:
        for surface in set(room.materials) | set(SHELL_DEFAULTS):
            out[f"{room.id}.{surface}"] = room.materials.get(surface, SHELL_DEFAULTS.get(surface))
    for o in scene.objects:
        for k, v in o.asset.params.items():
            if isinstance(v, str):
                out[f"{o.id}.params.{k}"] = v
            elif isinstance(v, tuple):
                out.update({f"{o.id}.params.{k}[{i}]": x for i, x in enumerate(v)})
        out.update({f"{o.id}.attributes.{k}": v for k, v in o.attributes.materials.items()})
    return out


def pose(o):
    return (o.id, o.category, o.position, o.size, o.yaw_deg, o.support, o.attributes.color, o.attributes.style)


# ---------------------------------------------------------------------------------------------- config


def test_parse_forms():
    default = Randomization()
    assert Randomization.parse(None) == Randomization.parse("") == Randomization.parse("all") == default
    assert Randomization.parse("none").at("scene") == Randomization.parse("none").at("view") == ()
    r = Randomization.parse("materials=view, lights=off,clutter_density=0.25")
    assert (r.materials, r.lights, r.clutter, r.clutter_density) == ("view", "off", "scene", 0.25)
    r = Randomization.parse("none,lights,camera=scene")
    assert r.at("view") == ("lights",) and r.at("scene") == ("camera",)
    assert Randomization.parse("none,all") == default
    assert Randomization.from_dict(json.loads(json.dumps(r.to_dict()))) == r
    assert set(default.to_dict()) == set(SWITCHES) | {"clutter_density"}
    assert set(default.at("scene") + default.at("view")) == set(SWITCHES)


@pytest.mark.parametrize("text,words", [
    ("colours=scene", ["unknown switch 'colours'", "materials"]),
    ("materials=sometimes", ["materials must be one of off, scene, view", "'sometimes'"]),
    ("clutter_density=lots", ["clutter_density must be a number", "'lots'"]),
    ("clutter_density=-1", ["clutter_density must be a number >= 0"]),
    ("lights,bogus", ["unknown switch 'bogus'"]),
])
def test_parse_errors_are_one_line(text, words):
    with pytest.raises(DatagenError) as info:
        Randomization.parse(text)
    message = str(info.value)
    assert "\n" not in message
    for w in words:
        assert w in message


def test_bad_level_and_keys_are_refused(bedroom):
    with pytest.raises(DatagenError, match="level must be 'scene' or 'view'"):
        randomize_scene(bedroom, rng(), Randomization(), "frame")
    with pytest.raises(DatagenError, match="unknown switch 'hue'"):
        Randomization.from_dict({"hue": "scene"})
    with pytest.raises(DatagenError, match="lights must be one of"):
        Randomization(lights="always")


# ---------------------------------------------------------------------------------------------- whole


@pytest.mark.parametrize("level", ["scene", "view"])
def test_off_and_other_level_change_nothing(bedroom, level):
    for cfg in (Randomization.parse("none"), Randomization.parse("none,lights=view,materials=view")
                if level == "scene" else Randomization.parse("none,clutter=scene,swaps=scene")):
        out, choices = randomize_scene(bedroom, rng(), cfg, level)
        assert out is bedroom
        assert choices == {"materials": [], "lights": [], "clutter": [], "swaps": []}


def test_same_seed_same_bytes_other_seed_other_scene(bedroom):
    cfg = Randomization()
    a, ca = randomize_scene(bedroom, rng(5), cfg, "scene")
    b, cb = randomize_scene(bedroom, rng(5), cfg, "scene")
    assert dumps(a) == dumps(b) and json.dumps(ca) == json.dumps(cb)
    c, _ = randomize_scene(bedroom, rng(6), cfg, "scene")
    assert dumps(c) != dumps(a)
    json.dumps(ca)  # JSON-able


def test_switches_draw_independently(bedroom):
    """Turning one switch on or off never changes what the others draw."""
    alone, ch_alone = randomize_scene(bedroom, rng(3), ONLY["materials"], "scene")
    both, ch_both = randomize_scene(bedroom, rng(3), Randomization.parse("none,materials=scene,lights=scene"), "scene")
    assert ch_alone["materials"] == ch_both["materials"]
    assert both.objects == alone.objects and both.rooms == alone.rooms and both.lights != alone.lights


def test_full_randomization_stays_valid_and_builds(living):
    before = problems(living)
    out, choices = randomize_scene(living, rng(11), Randomization(), "scene")
    assert all(choices[k] for k in ("materials", "clutter", "swaps"))
    assert problems(out) <= before
    for o in out.objects:
        assert build_object_parts(o), o.id
    assert dict(out.material_choices) == dict(with_material_choices(out).material_choices)


# ---------------------------------------------------------------------------------------------- switches


def test_materials_keep_family_and_change_only_materials(bedroom):
    out, choices = randomize_scene(bedroom, rng(1), ONLY["materials"], "scene")
    records = choices["materials"]
    assert records and not any(choices[k] for k in ("lights", "clutter", "swaps"))
    # geometry, poses, lights untouched
    assert [pose(o) for o in out.objects] == [pose(o) for o in bedroom.objects]
    assert [(r.id, r.polygon, r.openings) for r in out.rooms] == [(r.id, r.polygon, r.openings) for r in bedroom.rooms]
    assert out.lights is bedroom.lights
    # exactly the recorded fields changed, each to a same-class material that resolves exactly
    old, new = material_fields(bedroom), material_fields(out)
    assert set(old) == set(new)
    changed = {k for k in old if old[k] != new[k]}
    assert changed == {r["target"] for r in records}
    assert {"room_0.floor", "room_0.walls", "room_0.ceiling"} <= changed
    for r in records:
        assert old[r["target"]] == r["old"] and new[r["target"]] == r["new"]
        before, after = resolve_material(r["old"]).material, resolve_material(r["new"]).material
        assert after.name == r["material"] != before.name
        assert after.family == before.family == r["family"]
        assert material_class(after) == material_class(before) is not None
        assert not before.is_emissive
    # a tinting colour survives ("cream boucle" -> "cream <other fabric>")
    head = next(r for r in records if r["target"] == "bed_0.params.headboard_material")
    assert head["new"].startswith("cream ") and resolve_material(head["new"]).tint is not None
    # one object keeps one mapping: the same old description went to the same new one
    seen = {}
    for r in records:
        owner = r["target"].split(".")[0]
        assert seen.setdefault((owner, r["old"]), r["new"]) == r["new"]
    # emissive materials (lamp shades, bulbs) never change
    assert not any(resolve_material(old[k]).material.is_emissive for k in changed)
    assert dict(out.material_choices) == dict(with_material_choices(out).material_choices)
    assert problems(out) <= problems(bedroom)


def test_lights_change_only_lights(bedroom):
    out, choices = randomize_scene(bedroom, rng(2), ONLY["lights"], "scene")
    assert out.rooms is bedroom.rooms and out.objects is bedroom.objects
    assert dict(out.material_choices) == dict(bedroom.material_choices)
    records = choices["lights"]
    assert [r["id"] for r in records] == [light.id for light in bedroom.lights]
    for r, a, b in zip(records, bedroom.lights, out.lights):
        assert 0.5 <= r["factor"] <= 1.6 and 2700 <= r["kelvin"][1] <= 6500
        assert b.kelvin == r["kelvin"][1] and r["kelvin"][0] == a.kelvin_value
        assert b.lumens_value == pytest.approx(a.lumens_value * r["factor"], rel=1e-6)
        assert r["lumens"] == [round(a.lumens_value, 4), round(b.lumens_value, 4)]
        assert dataclasses.replace(b, watts=a.watts, lumens=a.lumens, kelvin=a.kelvin, rgb=a.rgb) == a


def test_swaps_keep_category_size_pose(living):
    out, choices = randomize_scene(living, rng(4), ONLY["swaps"], "scene")
    records = choices["swaps"]
    assert records and not any(choices[k] for k in ("lights", "clutter", "materials"))
    assert [pose(o) for o in out.objects] == [pose(o) for o in living.objects]
    assert [o.attributes for o in out.objects] == [o.attributes for o in living.objects]
    assert out.rooms is living.rooms and out.lights is living.lights
    swapped = {r["id"]: r for r in records}
    for a, b in zip(living.objects, out.objects):
        if a.id not in swapped:
            assert a == b
            continue
        r = swapped[a.id]
        assert b.asset.source == "procedural" and b.asset.name == r["generator"] == a.asset.name
        assert r["category"] == a.category and r["changed"]
        diff = {k for k in set(a.asset.params) | set(b.asset.params) if a.asset.params.get(k) != b.asset.params.get(k)}
        assert diff == set(r["changed"])
        assert build_object_parts(b)
    assert problems(out) <= problems(living)


def test_clutter_adds_supported_small_objects_without_new_problems(living):
    out, choices = randomize_scene(living, rng(8), ONLY["clutter"], "scene")
    records = choices["clutter"]
    assert records and not any(choices[k] for k in ("lights", "swaps", "materials"))
    old_ids = [o.id for o in living.objects]
    assert [o for o in out.objects if o.id in set(old_ids)] == list(living.objects)
    added = [o for o in out.objects if o.id not in set(old_ids)]
    assert sorted(o.id for o in added) == sorted(i for r in records for i in r["added"])
    targets = {r["target"] for r in records}
    for o in added:
        assert catalog.get(o.category).support == "object"
        assert o.support_target in targets
        assert support_surfaces(out.object(o.support_target))
    for r in records:
        assert 1 <= len(r["added"]) <= r["requested"]
        assert catalog.get(living.object(r["target"]).category).support in ("floor", "wall")
    assert problems(out) <= problems(living)
    assert out.rooms is living.rooms and out.lights is living.lights
    # density scales the amount; 0 adds nothing
    none, ch = randomize_scene(living, rng(8), dataclasses.replace(ONLY["clutter"], clutter_density=0.0), "scene")
    assert none is living and ch["clutter"] == []
    more, _ = randomize_scene(living, rng(8), dataclasses.replace(ONLY["clutter"], clutter_density=3.0), "scene")
    assert len(more.objects) > len(out.objects)


def test_view_level_relighting_keeps_geometry(bedroom):
    """The usual per-view draw (lights at view level) keeps rooms and objects, so gl only relights."""
    scene_level, _ = randomize_scene(bedroom, rng(0), Randomization(), "scene")
    view, choices = randomize_scene(scene_level, rng(1), Randomization(), "view")
    assert choices["lights"] and not choices["materials"]
    assert view.rooms is scene_level.rooms and view.objects is scene_level.objects


# ---------------------------------------------------------------------------------------------- render, camera


def test_render_params():
    cfg = Randomization()
    assert sample_render_params(rng(), cfg, "scene") == {}
    off = Randomization.parse("none")
    assert sample_render_params(rng(), off, "view") == sample_render_params(rng(), off, "scene") == {
        "daylight": 1.0, "daylight_kelvin": 6500.0}
    draws = [sample_render_params(rng(i), cfg, "view") for i in range(200)]
    assert draws[0] == sample_render_params(rng(0), cfg, "view")
    for d in draws:
        assert 6.0 <= d["hour"] <= 21.0
        assert (d["daylight"], d["daylight_kelvin"]) == daylight_at(d["hour"])
        assert 0.0 <= d["daylight"] <= 2.5 and 2500.0 <= d["daylight_kelvin"] <= 6500.0
    assert any(d["daylight"] == 0.0 for d in draws) and any(d["daylight"] > 2.0 for d in draws)
    # the mapping: warm low sun morning and evening, white midday, dark after sunset
    assert daylight_at(13.0) == (2.5, 6500.0)
    for hour in (7.0, 19.0):
        level, kelvin = daylight_at(hour)
        assert 2500.0 <= kelvin <= 3500.0 and 0.5 < level < 1.5
    assert 5500.0 <= daylight_at(10.0)[1] <= 6500.0
    assert daylight_at(20.0)[0] == daylight_at(20.5)[0] == daylight_at(6.0)[0] == 0.0
    noon = [daylight_at(h) for h in np.linspace(6.0, 13.0, 30)]
    assert all(a[0] <= b[0] and a[1] <= b[1] for a, b in zip(noon, noon[1:]))


def test_camera_params():
    cfg = Randomization()
    assert sample_camera_params(rng(), cfg, "scene") == {}
    off = Randomization.parse("none")
    assert sample_camera_params(rng(), off, "scene") == {"height_m": 1.5, "fov_y_deg": 70.0}
    draws = [sample_camera_params(rng(i), cfg, "view") for i in range(400)]
    assert draws[3] == sample_camera_params(rng(3), cfg, "view")
    heights = np.array([d["height_m"] for d in draws])
    fovs = np.array([d["fov_y_deg"] for d in draws])
    assert heights.min() >= 0.7 and heights.max() <= 2.0 and fovs.min() >= 55.0 and fovs.max() <= 85.0
    assert abs(np.median(heights) - 1.45) < 0.05 and 0.18 < heights.std() < 0.28
    assert abs(fovs.mean() - 70.0) < 2.0


def test_levels_constant():
    assert LEVELS == ("off", "scene", "view")
