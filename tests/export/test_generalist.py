"""3D-Generalist scene.json: export fields as the reference integration reads them, exact round trips
of our own exports, and interpretation of foreign files (tests/data/generalist/, written after the
reference sample: objathor annotations, Objaverse URLs, no worldsmith records)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from worldsmith.assets.shell import DEFAULT_CEILING_MATERIAL
from worldsmith.dsl import execute
from worldsmith.export import EXPORTERS, ExportError, export_scene
from worldsmith.export.generalist import (
    FORMAT_TAG, GeneralistFormatError, export_generalist, generalist_to_scene, import_generalist, read_generalist,
    scene_to_generalist,
)
from worldsmith.materials import kelvin_to_rgb, resolve_material
from worldsmith.materials.colors import linear_to_srgb
from worldsmith.metrics import validate
from worldsmith.scene import (
    AssetRef, Attributes, Light, ObjectInstance, Opening, Room, Scene, WorldsmithError, dumps, scene_to_dict,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "generalist"

PROGRAM = """
room("living room", width=5.0, depth=4.0, height=2.7)
door("wall_0", at=0.25, width=0.9, hinge="end", swing="out")
window("wall_1", at=0.5, width=1.4, height=1.2, sill=0.9)
material("floor", "dark walnut parquet")
material("walls", "warm white paint")
material("wall_3", "sage green paint")
sofa = add("sofa", color="charcoal", style="modern")
place(sofa, against="wall_3", at=0.5)
table = add("coffee_table", material="white marble")
place(table, at=(2.2, 2.0), yaw=90)
add("vase", on=table)
chair = add("armchair", color=(0.8, 0.5, 0.1))
place(chair, at=(3.8, 1.0), yaw=215)
shelf = add("bookshelf")
place(shelf, against="wall_2", at=0.15)
add("book", on=shelf, surface=1)
art = add("painting")
place(art, against="wall_1", at=0.3, height=1.4)
place(add("chandelier"), on_ceiling=True)
light("ceiling", at=(2.5, 2.0), watts=60, kelvin=2700)
light("point", at=(0.5, 3.5, 1.5), watts=25)
"""


@pytest.fixture(scope="module")
def scene() -> Scene:
    return execute(PROGRAM, Scene(prompt="a cosy living room", seed=5), seed=5).scene


@pytest.fixture(scope="module")
def doc(scene) -> dict:
    return scene_to_generalist(scene)


def _two_room_scene() -> Scene:
    """Two rooms (a rectangle and an L), openings on several walls, every light kind and colour
    form, objects of every asset source with attributes and placement records."""
    a = Room("room_0", "hall", ((0.0, 0.0), (3.0, 0.0), (3.0, 2.5), (0.0, 2.5)), 2.6, 0.1,
             (Opening("door_0", "door", "wall_0", 0.4, 0.8, 2.0, hinge="end", swing="out"),
              Opening("window_0", "window", "wall_2", 0.5, 1.0, 1.1, 0.95)),
             {"floor": "grey slate tiles", "wall_1": "navy blue paint"})
    b = Room("room_1", "study", ((3.2, 0.0), (7.2, 0.0), (7.2, 2.0), (5.2, 2.0), (5.2, 4.0), (3.2, 4.0)), 2.9,
             0.15, (Opening("door_1", "door", "wall_9", 0.3, 0.9, 2.1),
                    Opening("window_1", "window", "wall_4", 1.0, 1.2, 1.0, 1.0),
                    Opening("window_2", "window", "wall_4", 2.5, 0.6, 0.8, 1.2)),
             {"walls": "exposed red brick", "ceiling": "white paint"})
    objs = (
        ObjectInstance("crate_0", "crate", AssetRef("fallback", "crate"), (1.0, 1.0, 0.0), (0.5, 0.4, 0.4),
                       yaw_deg=-30.0, attributes=Attributes(color=(0.2, 0.4, 0.6), style="rustic",
                                                            materials={"body": "pine wood"})),
        ObjectInstance("harp_0", "harp", AssetRef("procedural", "proxy", {"category": "harp", "support": "floor",
                                                                          "shape": "column"}),
                       (2.2, 1.6, 0.0), (0.5, 0.4, 1.6), yaw_deg=350.0,
                       placement=({"kind": "at", "x": 2.2, "y": 1.6},)),
        ObjectInstance("box_0", "box", AssetRef("fallback", "box"), (1.0, 1.0, 0.4), (0.2, 0.2, 0.2),
                       support="object:crate_0"),
        ObjectInstance("clock_0", "clock", AssetRef("fallback", "clock"), (3.225, 3.0, 1.6), (0.3, 0.05, 0.3),
                       yaw_deg=270.0, support="wall:wall_9", attributes=Attributes(color="#aa3322")),
    )
    lights = (
        Light("light_0", "spot", (1.5, 1.2, 2.5), lumens=800.0, rgb=(1.0, 0.9, 0.7), direction=(0.2, 0.0, -1.0),
              cone_deg=40.0),
        Light("light_1", "area", (5.0, 1.0, 2.85), watts=30.0, area_size=(1.2, 0.3)),
        Light("light_2", "ceiling_fixture", (4.2, 3.0, 2.8), watts=40.0, kelvin=3000.0),
        Light("light_3", "point", (6.0, 1.0, 1.0), lumens=200.0),
    )
    return Scene(prompt="a hall and a study", seed=11, rooms=(a, b), objects=objs, lights=lights)


# ---------------------------------------------------------------------------------------------
# export


def test_document_shape(doc, scene):
    assert doc["worldsmith"]["format"] == FORMAT_TAG
    assert doc["worldsmith"]["seed"] == 5 and doc["worldsmith"]["prompt"] == "a cosy living room"
    assert doc["room_type"] == "living room"
    cats = [e["category"] for e in doc["objects"].values()]
    assert set(cats) <= {"walls", "floors", "ceilings", "doors", "windows", "lights", "objects"}
    assert cats.count("walls") == 4 and cats.count("floors") == 1 and cats.count("ceilings") == 1
    assert cats.count("doors") == 1 and cats.count("windows") == 1
    assert cats.count("lights") == 2 and cats.count("objects") == len(scene.objects)
    for name, e in doc["objects"].items():
        assert set(e) == {"description", "category", "placements", "bbox_size", "material", "identifier",
                          "metadata"}, name
        assert len(e["placements"]) == 1 and set(e["placements"][0]) == {"position", "rotation", "scale", "instance_id"}


def test_walls_floor_and_ceiling(doc, scene):
    room = scene.rooms[0]
    for wall in scene.walls:
        e = doc["objects"][f"walls_{wall.index}"]
        (sx, sy), (ex, ey) = wall.start, wall.end
        assert e["metadata"]["polygon"] == [[sx, sy, 0.0], [ex, ey, 0.0], [ex, ey, 2.7], [sx, sy, 2.7]]
        assert e["placements"][0]["position"] == pytest.approx([(sx + ex) / 2, (sy + ey) / 2, 1.35])
        want = scene.surface_material(room, wall.id)
        assert e["material"] == {"id": resolve_material(want).name, "description": want}
    assert doc["objects"]["walls_3"]["material"]["description"] == "sage green paint"
    floor, ceiling = doc["objects"]["floors"], doc["objects"]["ceilings"]
    assert floor["metadata"]["polygon"] == [[x, y, 0.0] for x, y in room.polygon]
    assert ceiling["metadata"]["polygon"] == [[x, y, 2.7] for x, y in room.polygon]
    assert floor["bbox_size"] == [5.0, 4.0, 0.0]
    assert floor["material"] == {"id": resolve_material("dark walnut parquet").name,
                                 "description": "dark walnut parquet"}
    assert ceiling["material"]["description"] == DEFAULT_CEILING_MATERIAL


def test_doors_and_windows_on_their_walls(doc, scene):
    room = scene.rooms[0]
    for o in room.openings:
        e = doc["objects"][o.id]
        wall = scene.wall(o.wall)
        meta = e["metadata"]
        assert e["category"] == o.kind + "s"
        assert meta["parent_obj"] == f"walls_{wall.index}"
        assert (meta["width"], meta["height"]) == (o.width, o.height)
        x0, y0, x1, y1 = meta["bbox_on_wall"]
        # measured from the wall's centre along p0 -> p1, and from its mid-height
        assert (x0 + x1) / 2 + wall.length / 2 == pytest.approx(o.center_offset)
        assert x1 - x0 == pytest.approx(o.width) and y1 - y0 == pytest.approx(o.height)
        assert y0 + room.height / 2 == pytest.approx(o.sill)
        assert e["placements"][0]["position"] == pytest.approx([(x0 + x1) / 2, (y0 + y1) / 2])
        dx, dy = wall.direction
        assert e["bbox_size"] == pytest.approx([abs(dx) * o.width, abs(dy) * o.width, o.height])
    assert doc["objects"]["door_0"]["metadata"]["door_type"] == "single"


def test_lights(doc, scene):
    for light in scene.lights:
        meta = doc["objects"][light.id]["metadata"]
        assert doc["objects"][light.id]["placements"][0]["position"] == list(light.position)
        assert meta["light_intensity"] == light.watts
        assert meta["is_ceiling_light"] == (light.kind == "ceiling_fixture")
        assert meta["light_type"] == "point"
        rgb = kelvin_to_rgb(light.kelvin_value)
        assert meta["light_color"] == [round(255 * linear_to_srgb(c)) for c in rgb]
    assert doc["objects"]["light_0"]["metadata"]["light_color"][2] < 200  # 2700 K is warm


def test_objects(doc, scene):
    for obj in scene.objects:
        e = doc["objects"][obj.id]
        w, d, h = obj.size
        x, y, z = obj.position
        assert e["category"] == "objects" and e["description"] == obj.category
        assert e["placements"][0]["position"] == pytest.approx([x, y, z + h / 2], abs=1e-12)
        assert e["placements"][0]["rotation"] == obj.yaw_deg
        assert e["bbox_size"] == list(obj.size)
        assert e["material"]["id"] == resolve_material(e["material"]["description"]).name
        ann = e["metadata"]["annotation"]
        assert ann["category"] == obj.category.replace("_", " ")
        assert (ann["dim_x"], ann["dim_y"], ann["dim_z"]) == obj.size
        assert ann["width"] == pytest.approx(w * 100) and ann["height"] == pytest.approx(h * 100)
        flags = {k: ann[k] for k in ("onFloor", "onWall", "onCeiling", "onObject")}
        assert sum(flags.values()) == 1
        assert flags["on" + obj.support_kind.capitalize()] is True
        assert e["metadata"]["worldsmith"] == scene_to_dict(scene)["objects"][obj.id]
    table = doc["objects"]["coffee_table_0"]
    assert table["material"]["description"] == "white marble"  # main material override
    chandelier = doc["objects"]["chandelier_0"]["metadata"]
    assert chandelier["is_ceiling_light"] is True and chandelier["light_color"] == \
        doc["objects"]["light_0"]["metadata"]["light_color"]
    assert "is_ceiling_light" not in doc["objects"]["sofa_0"]["metadata"]


def test_export_writes_json_deterministically(scene, tmp_path):
    export_generalist(scene, tmp_path / "a" / "scene.json")
    export_scene(scene, "generalist", tmp_path / "b" / "scene.json")
    a, b = (tmp_path / "a" / "scene.json").read_bytes(), (tmp_path / "b" / "scene.json").read_bytes()
    assert a == b and json.loads(a) == json.loads(json.dumps(scene_to_generalist(scene)))
    assert EXPORTERS["generalist"] == "worldsmith.export.generalist:export_generalist"


# ---------------------------------------------------------------------------------------------
# round trips


def test_round_trip_is_exact(scene, tmp_path):
    path = tmp_path / "scene.json"
    export_generalist(scene, path)
    result = read_generalist(path)
    assert dumps(result.scene) == dumps(scene)
    assert result.notes == () and result.references == {}


def test_round_trip_two_rooms_all_lights(tmp_path):
    scene = _two_room_scene()
    path = tmp_path / "scene.json"
    export_generalist(scene, path)
    doc = json.loads(path.read_text())
    assert {"floors_room_0", "floors_room_1", "ceilings_room_0", "ceilings_room_1"} <= set(doc["objects"])
    assert doc["objects"]["light_1"]["metadata"]["light_type"] == "area"
    assert doc["objects"]["light_0"]["metadata"]["light_intensity"] == pytest.approx(800 / 15)
    assert doc["objects"]["window_1"]["metadata"]["parent_obj"] == "walls_4"
    assert dumps(import_generalist(path)) == dumps(scene)


def test_edited_placement_wins(scene, doc):
    edited = copy.deepcopy(doc)
    pl = edited["objects"]["armchair_0"]["placements"][0]
    pl["position"] = [3.5, 1.2, 0.45]  # the centre of the new 0.9 m height
    pl["rotation"] = 120.0
    edited["objects"]["armchair_0"]["bbox_size"] = [0.8, 0.8, 0.9]
    result = generalist_to_scene(edited, "edited.json")
    chair = result.scene.object("armchair_0")
    assert chair.position == pytest.approx((3.5, 1.2, 0.0), abs=1e-12)
    assert chair.yaw_deg == 120.0 and chair.size == (0.8, 0.8, 0.9)
    assert chair.asset == scene.object("armchair_0").asset
    assert chair.attributes == scene.object("armchair_0").attributes
    assert any(n.startswith("armchair_0: placement edited") for n in result.notes)
    others = [o for o in result.scene.objects if o.id != "armchair_0"]
    assert others == [o for o in scene.objects if o.id != "armchair_0"]


# ---------------------------------------------------------------------------------------------
# foreign files


@pytest.fixture(scope="module")
def foreign():
    return read_generalist(DATA / "minimal_living_room.json")


def test_foreign_room_and_openings(foreign):
    scene = foreign.scene
    assert len(scene.rooms) == 1
    room = scene.rooms[0]
    assert room.name == "a minimal living room" and room.height == 2.8
    # listed clockwise from (-2.5, 2): kept first vertex, made counter-clockwise
    assert room.polygon == ((-2.5, 2.0), (-2.5, -2.0), (2.5, -2.0), (2.5, 2.0))
    door, window = room.openings
    # the door is on walls_1 (the south wall, wall_1 here), centred at x = -1 m
    assert (door.kind, door.wall, door.width, door.height, door.sill) == ("door", "wall_1", 0.9, 2.05, 0.0)
    assert door.offset == pytest.approx(1.05, abs=1e-9)
    assert scene.wall("wall_1").point_at(door.center_offset) == pytest.approx((-1.0, -2.0))
    # the window is on walls_2 (east, wall_2), centred at y = 0.5, sill 0.9
    assert (window.kind, window.wall, window.width, window.height, window.sill) == ("window", "wall_2", 1.2, 1.2, 0.9)
    assert scene.wall("wall_2").point_at(window.center_offset) == pytest.approx((2.5, 0.5))
    assert room.materials == {"floor": "warm oak floorboards", "ceiling": "white ceiling paint",
                              "walls": "smooth off-white plaster", "wall_3": "exposed red brick"}
    assert set(scene.material_choices) == set(room.materials.values())


def test_foreign_objects_mapped_and_supported(foreign):
    scene = foreign.scene
    assert [(o.id, o.category, o.support) for o in scene.objects] == [
        ("sofa_0", "sofa", "floor"), ("coffee_table_0", "coffee_table", "floor"),
        ("table_lamp_0", "table_lamp", "object:coffee_table_0")]
    sofa, table, lamp = scene.objects
    assert sofa.position == (0.3, 1.5, 0.0) and sofa.size == (2.0, 0.9, 0.85) and sofa.yaw_deg == 180.0
    assert table.position == (0.3, 0.2, 0.0) and table.size == (1.0, 0.6, 0.45)
    assert lamp.position == pytest.approx((0.6, 0.2, 0.45), abs=1e-9) and lamp.size == (0.25, 0.25, 0.4)
    for o in scene.objects:
        assert o.asset.source == "procedural" and o.asset.name != "proxy"
    ref = foreign.references["sofa_0"]
    assert ref["name"] == "grey_fabric_sofa_1" and ref["identifier"] == "a1b2c3d4e5f60718293a4b5c6d7e8f90"
    assert ref["asset_url"].endswith("/processed_asset.glb")
    assert ref["match"]["category"] == "sofa"


def test_foreign_light(foreign):
    (light,) = foreign.scene.lights
    assert light.kind == "point" and light.position == (0.0, 0.0, 2.6) and light.watts == 40.0
    assert light.rgb[0] == 1.0 and 0.3 < light.rgb[2] < light.rgb[1] < 1.0  # warm: 255, 214, 170


def test_foreign_scene_validates(foreign):
    report = validate(foreign.scene)
    assert report.out_of_bounds == ()
    assert report.ok, report.summary_lines()


def test_foreign_import_is_deterministic():
    a = dumps(import_generalist(DATA / "minimal_living_room.json"))
    b = dumps(import_generalist(DATA / "minimal_living_room.json"))
    assert a == b


def test_foreign_imported_scene_round_trips(foreign, tmp_path):
    export_generalist(foreign.scene, tmp_path / "again.json")
    assert dumps(import_generalist(tmp_path / "again.json")) == dumps(foreign.scene)


def test_foreign_import_is_editable_with_the_dsl(foreign):
    program = 'move("sofa_0", dx=-0.2)\nresize("coffee_table_0", width=1.2)\nadd("book", on="coffee_table_0")'
    edited = execute(program, foreign.scene, seed=0).scene
    assert edited.object("sofa_0").position == pytest.approx((0.1, 1.5, 0.0))
    assert edited.object("coffee_table_0").size[0] == pytest.approx(1.2)
    book = edited.object("book_0")
    assert book.support == "object:coffee_table_0" and book.position[2] == pytest.approx(0.45, abs=1e-6)


def _minimal(extra: dict) -> dict:
    base = json.loads((DATA / "minimal_living_room.json").read_text())
    base["objects"] = {k: v for k, v in base["objects"].items() if v["category"] != "objects"}
    base["objects"].update(extra)
    return base


def _object(ann_cat: str, pos, bbox, rotation=0.0, scale=1.0, **flags) -> dict:
    return {"description": "", "category": "objects",
            "placements": [{"position": pos, "rotation": rotation, "scale": scale, "instance_id": None}],
            "bbox_size": bbox, "material": None, "identifier": "uid-" + ann_cat.replace(" ", "-"),
            "metadata": {"annotation": {"category": ann_cat, "description": f"a {ann_cat}", **flags},
                         "asset_url": f"https://example.invalid/{ann_cat}.glb"}}


def test_foreign_unknown_wall_ceiling_and_scaled_objects():
    doc = _minimal({
        "golden_harp_1": _object("concert harp", [-1.5, 0.5, 0.8], [0.5, 0.4, 1.6]),
        "framed_picture": _object("painting", [-2.46, 0.0, 1.7], [0.8, 0.04, 0.6], rotation=0.0, onWall=True),
        "chandelier_1": _object("chandelier", [1.0, -1.0, 2.3], [0.6, 0.6, 0.8], onCeiling=True),
        "big_box": _object("storage box", [1.8, 1.4, 0.3], [0.3, 0.2, 0.2], scale=3.0),
    })
    doc["objects"]["chandelier_1"]["metadata"].update({"is_ceiling_light": True, "light_color": [255, 255, 255]})
    result = generalist_to_scene(doc, "extra.json")
    scene = result.scene
    harp = next(o for o in scene.objects if result.references[o.id]["name"] == "golden_harp_1")
    # not in the catalog: a labelled proxy of the given size, its reference kept
    assert harp.asset.name == "proxy" and harp.category == "concert_harp" and harp.size == (0.5, 0.4, 1.6)
    assert result.references[harp.id]["asset_url"] == "https://example.invalid/concert harp.glb"
    assert any("proxy" in n for n in result.notes)
    art = scene.object("painting_0")
    # mounted on the west wall (wall_0, x = -2.5), turned to face the room (+X), back on the wall
    assert art.support == "wall:wall_0" and art.yaw_deg == pytest.approx(270.0)
    assert art.position[0] == pytest.approx(-2.5 + 0.02) and art.position[2] == pytest.approx(1.4)
    chandelier = scene.object("chandelier_0")
    assert chandelier.support == "ceiling" and chandelier.position[2] == pytest.approx(2.0)
    fixture_light = next(li for li in scene.lights if li.kind == "ceiling_fixture")
    assert fixture_light.position == pytest.approx((1.0, -1.0, 1.95))
    box = scene.object("box_0")
    assert box.size == pytest.approx((0.9, 0.6, 0.6)) and box.position == pytest.approx((1.8, 1.4, 0.0))
    report = validate(scene)
    assert report.out_of_bounds == () and report.unsupported == ()


# ---------------------------------------------------------------------------------------------
# malformed files


@pytest.mark.parametrize("text, match", [
    ("{not json", "expected JSON"),
    ("[1, 2]", "expected a JSON object"),
    ('{"room_type": "x"}', "objects: expected a mapping"),
    ('{"objects": {"floors": {"category": "floors", "metadata": {"polygon": [[0, 0, 0], [1, 0, 0]]}}}}',
     r"objects\['floors'\]\.metadata\.polygon: expected a list of at least 3"),
    ('{"objects": {"floors": {"category": "floors", "metadata": {"polygon": [[0, 0, 0], [1, "a", 0], [1, 1, 0]]}}}}',
     r"polygon\[1\]\[1\]: expected a finite number"),
    ('{"objects": {"x": 3}}', r"objects\['x'\]: expected a JSON object"),
    ('{"objects": {"x": {"category": 7}}}', r"objects\['x'\]\.category"),
    ('{"objects": {"s": {"category": "objects", "placements": [{"position": [0, 0]}], "bbox_size": [1, 1, 1]}}}',
     r"placements\[0\]\.position: expected a list of 3 numbers"),
])
def test_malformed_files_fail_with_one_line(tmp_path, text, match):
    path = tmp_path / "scene.json"
    path.write_text(text)
    with pytest.raises(GeneralistFormatError, match=match) as err:
        import_generalist(path)
    assert isinstance(err.value, WorldsmithError) and isinstance(err.value, ExportError)
    assert "\n" not in str(err.value) and str(path) in str(err.value)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(GeneralistFormatError, match="existing"):
        import_generalist(tmp_path / "nope.json")
    with pytest.raises(GeneralistFormatError, match="folder"):
        import_generalist(tmp_path)


def test_unknown_parts_are_skipped_with_notes():
    doc = _minimal({"mystery": {"category": "plants", "placements": []}})
    doc["objects"]["door_0"]["metadata"]["parent_obj"] = "walls_99"
    result = generalist_to_scene(doc, "odd.json")
    assert [o.kind for o in result.scene.rooms[0].openings] == ["window"]
    assert any(n.startswith("mystery: unknown category") for n in result.notes)
    assert any(n.startswith("door_0: its wall 'walls_99'") for n in result.notes)


def test_overlapping_openings_keep_the_first():
    doc = _minimal({})
    clash = copy.deepcopy(doc["objects"]["door_0"])
    clash["metadata"]["bbox_on_wall"] = [-1.2, -1.4, -0.3, 0.65]
    doc["objects"]["door_9"] = clash
    result = generalist_to_scene(doc, "clash.json")
    assert [o.id for o in result.scene.rooms[0].openings] == ["door_0", "window_0"]
    assert any("overlaps door_0" in n for n in result.notes)


def test_invalid_scene_is_a_format_error():
    doc = _minimal({})
    doc["objects"]["floors"]["metadata"]["polygon"] = [[0, 0, 0], [2, 2, 0], [2, 0, 0], [0, 2, 0]]  # crossing
    with pytest.raises(GeneralistFormatError, match="polygon"):
        generalist_to_scene(doc, "bow.json")
