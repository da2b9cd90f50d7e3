"""Scene model: construction checks, strict JSON decoding, round trips (also hypothesis-built)."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worldsmith.scene import (
    AssetRef, Attributes, Light, MaterialChoice, ObjectInstance, Opening, Room, Scene, SceneValidationError, SchemaError, dumps,
    loads, scene_from_dict, scene_to_dict,
)


def sample_scene() -> Scene:
    room = Room("room_0", "living room", [(0, 0), (5, 0), (5, 4), (0, 4)], 2.8,
                openings=(Opening("door_0", "door", "wall_0", 0.5, 0.9, 2.1),
                          Opening("window_0", "window", "wall_2", 1.0, 1.6, 1.2, 0.9)),
                materials={"floor": "oak planks", "wall_3": "red brick"})
    table = ObjectInstance("table_0", "table", AssetRef("procedural", "table", {"legs": 4, "top": "round"}),
                           (2.5, 2.0, 0.0), (1.2, 0.8, 0.75), 37.5,
                           attributes=Attributes(color="walnut", style="modern", materials={"top": "marble"}))
    mug = ObjectInstance("mug_0", "mug", AssetRef("fallback", "mug"), (2.5, 2.0, 0.75), (0.1, 0.1, 0.1),
                         support="object:table_0", attributes=Attributes(color=(0.8, 0.1, 0.1)))
    art = ObjectInstance("painting_0", "painting", AssetRef("fallback", "painting"), (0.02, 2.0, 1.4),
                         (0.9, 0.04, 0.6), 270.0, support="wall:wall_3")
    lights = (Light("light_0", "ceiling_fixture", (2.5, 2, 2.78), watts=60, kelvin=2700),
              Light("light_1", "spot", (1, 1, 2.5), lumens=800, rgb=(1.0, 0.9, 0.8), direction=(0, 0.5, -1)))
    choices = {"oak planks": MaterialChoice("oak_planks", 0.91),
               "red brick": MaterialChoice("brick_red", 0.88, (0.5, 0.05, 0.03))}
    return Scene("a living room", 7, (room,), (table, mug, art), lights, choices)


def test_round_trip_and_determinism():
    s = sample_scene()
    text = dumps(s)
    assert loads(text) == s
    assert dumps(loads(text)) == text
    assert json.loads(text)["schema_version"] == 3


def test_polygon_is_stored_counter_clockwise_keeping_first_vertex():
    cw = Room("room_0", "r", [(0, 0), (0, 3), (4, 3), (4, 0)], 2.5)
    assert cw.polygon == ((0, 0), (4, 0), (4, 3), (0, 3))
    walls = cw.walls()
    assert [w.id for w in walls] == ["wall_0", "wall_1", "wall_2", "wall_3"]
    assert walls[0].normal == pytest.approx((0.0, 1.0))  # inward
    assert walls[1].normal == pytest.approx((-1.0, 0.0))


@pytest.mark.parametrize("mutate, path", [
    (lambda d: d["objects"]["table_0"].update(yaw=3), 'objects["table_0"].yaw'),
    (lambda d: d["rooms"]["room_0"]["openings"]["door_0"].update(colour="red"),
     'rooms["room_0"].openings["door_0"].colour'),
    (lambda d: d.update(extra=1), "extra"),
    (lambda d: d["objects"]["table_0"]["asset"].update(mesh="x"), 'objects["table_0"].asset.mesh'),
    (lambda d: d["objects"]["table_0"]["attributes"].update(size=1), 'objects["table_0"].attributes.size'),
    (lambda d: d["lights"]["light_0"].update(power=5), 'lights["light_0"].power'),
])
def test_unknown_keys_are_rejected_with_their_path(mutate, path):
    d = scene_to_dict(sample_scene())
    mutate(d)
    with pytest.raises(SchemaError) as info:
        scene_from_dict(d)
    assert info.value.path == path
    assert "unknown key" in str(info.value)


@pytest.mark.parametrize("mutate, path, expected", [
    (lambda d: d["objects"]["table_0"].update(yaw_deg="north"), 'objects["table_0"].yaw_deg', "a finite number"),
    (lambda d: d["objects"]["table_0"].update(size=[1, 0, 1]), 'objects["table_0"].size[1]', "> 0"),
    (lambda d: d["objects"]["table_0"].update(support="shelf"), 'objects["table_0"].support', "'floor'"),
    (lambda d: d["objects"]["mug_0"].update(support="object:ghost"), 'objects["mug_0"].support', "existing object"),
    (lambda d: d["rooms"]["room_0"]["openings"]["door_0"].update(wall="wall_9"),
     'rooms["room_0"].openings["door_0"].wall', "a wall of this room"),
    (lambda d: d["rooms"]["room_0"]["openings"]["door_0"].update(width=9.0),
     'rooms["room_0"].openings["door_0"].width', "fits on wall_0"),
    (lambda d: d["rooms"]["room_0"].update(polygon=[[0, 0], [2, 2], [2, 0], [0, 2]]),
     'rooms["room_0"].polygon', "simple polygon"),
    (lambda d: d["rooms"]["room_0"].update(height=0.5), 'rooms["room_0"].height', ">= 1.5"),
    (lambda d: d["lights"]["light_0"].update(lumens=100.0), 'lights["light_0"].watts', "exactly one"),
    (lambda d: d.update(schema_version=99), "schema_version", "supported versions 1, 2, 3"),
    (lambda d: d["material_choices"]["oak planks"].update(score=1.5), 'material_choices["oak planks"].score', "<= 1"),
    (lambda d: d["material_choices"]["red brick"].update(tint=[2, 0, 0]), 'material_choices["red brick"].tint',
     "linear RGB"),
    (lambda d: d["material_choices"]["red brick"].update(extra=1), 'material_choices["red brick"].extra',
     "one of the keys"),
    (lambda d: d["objects"]["table_0"].pop("size"), 'objects["table_0"].size', "required"),
])
def test_invalid_values_name_path_expected_and_received(mutate, path, expected):
    d = scene_to_dict(sample_scene())
    mutate(d)
    with pytest.raises(SceneValidationError) as info:
        scene_from_dict(d)
    assert info.value.path == path
    assert expected in str(info.value)
    assert str(info.value).startswith(path + ": expected ")


def test_version_1_files_migrate_to_the_current_version():
    d = scene_to_dict(sample_scene())
    d["schema_version"] = 1
    del d["material_choices"]
    for obj in d["objects"].values():
        del obj["placement"]
    old = scene_from_dict(d)
    assert old.material_choices == {}
    assert old.objects == sample_scene().objects and old.rooms == sample_scene().rooms
    assert json.loads(dumps(old))["schema_version"] == 3


def test_version_2_objects_migrate_with_an_empty_placement():
    d = scene_to_dict(sample_scene())
    d["schema_version"] = 2
    for obj in d["objects"].values():
        del obj["placement"]
    old = scene_from_dict(d)
    assert all(o.placement == () for o in old.objects)
    assert old.objects == sample_scene().objects


def test_placement_constraints_round_trip_and_are_checked():
    s = sample_scene()
    obj = dataclasses.replace(s.objects[0], placement=({"kind": "facing", "target": "wall_1"},
                                                       {"kind": "row", "group": "x", "index": 1, "count": 3}))
    s2 = dataclasses.replace(s, objects=(obj,) + s.objects[1:])
    assert loads(dumps(s2)) == s2
    with pytest.raises(SceneValidationError, match="kind"):
        dataclasses.replace(s.objects[0], placement=({"target": "wall_1"},))


def test_malformed_json_is_a_schema_error():
    with pytest.raises(SchemaError, match="valid JSON"):
        loads("{not json")
    with pytest.raises(SchemaError, match="a JSON object"):
        loads("[1, 2]")


def test_values_are_immutable():
    s = sample_scene()
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.objects[0].position = (0, 0, 0)  # type: ignore[misc]
    with pytest.raises(TypeError):
        s.rooms[0].materials["floor"] = "x"  # type: ignore[index]


# ------------------------------------------------------------------------------------------------
# hypothesis: random valid scenes survive the round trip exactly

finite = st.floats(min_value=-50, max_value=50, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=0.01, max_value=10, allow_nan=False, allow_infinity=False)
ident = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)


@st.composite
def polygons(draw):
    """Star-shaped simple polygons: sorted angles, random radii around a centre."""
    n = draw(st.integers(3, 9))
    jitter = draw(st.lists(st.floats(-0.4, 0.4), min_size=n, max_size=n))
    angles = [(i + j) * 2 * math.pi / n for i, j in enumerate(jitter)]
    radii = draw(st.lists(st.floats(1.0, 6.0), min_size=n, max_size=n))
    return [(round(r * math.cos(a), 4), round(r * math.sin(a), 4)) for a, r in zip(angles, radii)]


@st.composite
def scenes(draw):
    room = Room("room_0", draw(st.text(min_size=1, max_size=20).filter(str.strip)), draw(polygons()),
                draw(st.floats(2.0, 5.0)), materials=draw(st.dictionaries(st.sampled_from(["floor", "ceiling", "walls"]),
                                                                          st.text(min_size=1).filter(str.strip))))
    walls = room.walls()
    openings = []
    w = walls[0]
    if w.length > 1.0 and draw(st.booleans()):
        openings.append(Opening("door_0", "door", w.id, 0.0, min(0.9, w.length - 0.01), 2.0))
    room = Room(room.id, room.name, room.polygon, room.height, openings=tuple(openings), materials=room.materials)
    objs = []
    for i in range(draw(st.integers(0, 6))):
        objs.append(ObjectInstance(
            f"obj_{i}", draw(ident), AssetRef(draw(st.sampled_from(["procedural", "fallback", "mesh"])), "gen",
                                             draw(st.dictionaries(ident, st.one_of(finite, st.booleans(), ident,
                                                                                    st.lists(finite, max_size=3))))),
            (draw(finite), draw(finite), draw(st.floats(0, 3))), (draw(positive), draw(positive), draw(positive)),
            draw(st.floats(-360, 360)),
            support=draw(st.sampled_from(["floor", "ceiling", f"wall:{w.id}"] + ([f"object:obj_{i-1}#2"] if i else []))),
            attributes=Attributes(color=draw(st.one_of(st.none(), st.just("navy"),
                                                       st.tuples(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1)))),
                                  style=draw(st.one_of(st.none(), st.just("boho"))))))
    lights = [Light(f"light_{i}", draw(st.sampled_from(["point", "spot", "area", "ceiling_fixture"])),
                    (draw(finite), draw(finite), draw(st.floats(0, 3))), watts=draw(positive),
                    kelvin=draw(st.one_of(st.none(), st.floats(1000, 20000))))
              for i in range(draw(st.integers(0, 3)))]
    return Scene(draw(st.text(max_size=40)), draw(st.integers(0, 2**63 - 1)), (room,), tuple(objs), tuple(lights))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenes())
def test_hypothesis_round_trip(scene):
    text = dumps(scene)
    again = loads(text)
    assert again == scene
    assert dumps(again) == text
