"""GLB -> Scene import: our own exports come back with their ids, categories, poses, sizes, supports,
assets, lights and rooms; foreign GLBs (built here with trimesh, Y up) become labelled objects."""

from __future__ import annotations

import json

import numpy as np
import pytest
import trimesh

from worldsmith.assets.shell import DEFAULT_CEILING_MATERIAL, DEFAULT_FLOOR_MATERIAL, DEFAULT_WALL_MATERIAL
from worldsmith.dsl import execute
from worldsmith.export import IMPORTERS, ExportError, export_glb, import_scene
from worldsmith.export.glb_scene import GlbSceneError, import_glb_scene, read_glb_scene
from worldsmith.export.glb_writer import GlbBuilder
from worldsmith.metrics import validate
from worldsmith.scene import AssetRef, Attributes, Light, ObjectInstance, Opening, Room, Scene, WorldsmithError, \
    scene_to_dict

PROGRAM = """
room("living room", width=5.2, depth=4.4, height=2.8)
door("wall_0", at=0.5, width=0.9, hinge="end")
window("wall_2", at=0.45, width=1.6, height=1.3, sill=0.9)
window("wall_0", at=0.15, width=0.9, height=1.2, sill=1.0)
door("wall_3", at=0.8, width=0.8, hinge="start")
material("floor", "dark walnut parquet")
material("walls", "warm white paint")
material("wall_3", "sage green paint")
sofa = add("sofa", color="charcoal", width=2.1)
place(sofa, against="wall_3", at=0.5)
stand = add("tv_stand", width=1.6, depth=0.45, height=0.55)
place(stand, against="wall_1", at=0.5)
tv = add("tv", width=1.25, height=0.72)
place(tv, against="wall_1", at=0.5, height=1.0)
table = add("coffee_table", width=1.1, depth=0.6, height=0.42)
place(table, at=(1.95, 2.2), yaw=90)
add("vase", on=table)
chair = add("armchair", color=(0.8, 0.5, 0.1))
place(chair, at=(3.85, 0.95))
rotate(chair, yaw=degrees(atan2(-(table.x - chair.x), table.y - chair.y)))
shelf = add("bookshelf", width=0.9, depth=0.32, height=1.9)
place(shelf, against="wall_2", at=0.1)
add("book", on=shelf, surface=1)
place(add("harp"), at=(4.6, 3.6))
place(add("pendant_light"), on_ceiling=True)
light("ceiling", at=(2.6, 2.2), watts=60, kelvin=2700)
light("point", at=(0.3, 3.75, 1.55), watts=25, kelvin=2400)
"""


@pytest.fixture(scope="module")
def scene() -> Scene:
    return execute(PROGRAM, Scene(prompt="a cosy living room", seed=9), seed=9).scene


def _effective(scene: Scene, room: Room, surface: str) -> str:
    default = {"floor": DEFAULT_FLOOR_MATERIAL, "ceiling": DEFAULT_CEILING_MATERIAL}.get(surface, DEFAULT_WALL_MATERIAL)
    return scene.surface_material(room, surface) or default


def assert_restored(original: Scene, back: Scene) -> None:
    assert back.prompt == original.prompt and back.seed == original.seed
    assert [o.id for o in back.objects] == [o.id for o in original.objects]
    for a, b in zip(original.objects, back.objects):
        assert b.category == a.category and b.support == a.support, a.id
        assert b.position == a.position and b.size == a.size, a.id  # exact: JSON floats
        assert b.yaw_deg == pytest.approx(a.yaw_deg, abs=1e-9), a.id
        assert b.asset == a.asset, a.id  # params re-derived as the DSL derived them
        assert b.attributes.color == a.attributes.color, a.id
    assert [li.id for li in back.lights] == [li.id for li in original.lights]
    for a, b in zip(original.lights, back.lights):
        assert (b.kind, b.position, b.direction, b.cone_deg, b.area_size) == \
            (a.kind, a.position, a.direction, a.cone_deg, a.area_size)
        assert b.lumens_value == pytest.approx(a.lumens_value, rel=1e-12)
        assert b.kelvin_value == a.kelvin_value and b.rgb == a.rgb
    assert [r.id for r in back.rooms] == [r.id for r in original.rooms]
    for a, b in zip(original.rooms, back.rooms):
        np.testing.assert_allclose(b.polygon, a.polygon, atol=1e-5)
        assert b.height == pytest.approx(a.height, abs=1e-5)
        assert b.wall_thickness == pytest.approx(a.wall_thickness, abs=1e-5)
        key = [(o.id, o.kind, o.wall, o.hinge) for o in a.openings]
        assert [(o.id, o.kind, o.wall, o.hinge) for o in b.openings] == key
        for oa, ob in zip(a.openings, b.openings):
            assert (ob.offset, ob.width, ob.height, ob.sill) == pytest.approx((oa.offset, oa.width, oa.height, oa.sill),
                                                                              abs=1e-5), oa.id
        for surface in ["floor", "ceiling"] + [w.id for w in original.walls if w.room == a.id]:
            assert _effective(back, b, surface) == _effective(original, a, surface), surface
    assert set(back.material_choices) == {d for r in back.rooms for d in r.materials.values()} | {
        d for o in back.objects for d in o.attributes.materials.values()}


def test_round_trip_of_a_dsl_scene(scene, tmp_path):
    assert {o.asset.name for o in scene.objects} >= {"proxy", "sofa", "tv"}  # a proxy, wall and ceiling objects
    path = tmp_path / "scene.glb"
    export_glb(scene, path, texture_px=0)
    result = read_glb_scene(path)
    assert result.notes == ()
    back = result.scene
    assert_restored(scene, back)
    # what the file cannot say comes back empty or neutral
    assert back.rooms[0].name == "room 0"
    assert all(o.placement == () and o.attributes.style is None for o in back.objects)
    # the restored scene is as valid as the original and rebuilds the same geometry
    assert validate(back).ok == validate(scene).ok
    assert validate(back).to_dict() == validate(scene).to_dict()


def test_round_trip_with_textures(scene, tmp_path):
    """Textured materials split vertices for their UVs: the floor outline must survive that."""
    path = tmp_path / "scene.glb"
    export_glb(scene, path, texture_px=16)
    assert_restored(scene, import_glb_scene(path))


def test_round_trip_two_rooms_lights_of_every_kind(tmp_path):
    a = Room("room_0", "hall", ((0.0, 0.0), (3.0, 0.0), (3.0, 2.5), (0.0, 2.5)), 2.6, 0.1,
             (Opening("door_0", "door", "wall_0", 0.4, 0.8, 2.0, hinge="end"),
              Opening("window_0", "window", "wall_2", 0.5, 1.0, 1.1, 0.95)),
             {"floor": "grey slate tiles", "wall_1": "navy blue paint"})
    # an L-shaped room listed from a concave corner
    b = Room("room_1", "study", ((5.2, 2.0), (5.2, 4.0), (3.2, 4.0), (3.2, 0.0), (7.2, 0.0), (7.2, 2.0)), 2.9, 0.15,
             (Opening("window_1", "window", "wall_7", 1.0, 1.2, 1.0, 1.0),), {"walls": "exposed red brick"})
    objs = (
        ObjectInstance("crate_0", "crate", AssetRef("fallback", "crate"), (1.0, 1.0, 0.0), (0.5, 0.4, 0.4),
                       yaw_deg=-30.0, attributes=Attributes(color="#aa3322")),
        ObjectInstance("box_0", "box", AssetRef("fallback", "box"), (1.0, 1.0, 0.4), (0.2, 0.2, 0.2),
                       yaw_deg=12.345678901, support="object:crate_0"),
    )
    lights = (
        Light("light_0", "spot", (1.5, 1.2, 2.5), lumens=800.0, rgb=(1.0, 0.9, 0.7), direction=(0.2, 0.0, -1.0),
              cone_deg=40.0),
        Light("light_1", "area", (5.0, 1.0, 2.85), watts=30.0, kelvin=5000.0, area_size=(1.2, 0.3)),
        Light("light_2", "ceiling_fixture", (4.2, 3.0, 2.8), watts=40.0, kelvin=3000.0),
    )
    scene = Scene(prompt="two rooms", seed=4, rooms=(a, b), objects=objs, lights=lights)
    export_glb(scene, tmp_path / "two.glb", texture_px=0)
    back = import_glb_scene(tmp_path / "two.glb")
    assert back.rooms[1].polygon[0] == pytest.approx((5.2, 2.0))  # started where wall_4 starts
    assert_restored(scene, back)


def test_full_scene_record_in_the_extras_is_used_exactly(scene, tmp_path):
    """Forward compatibility: when the scene extras carry the whole scene record, it wins."""
    builder = GlbBuilder("test")
    builder.append("nodes", {"name": "Worldsmith", "extras": {"kind": "root"}})
    builder.doc["scene"] = 0
    builder.doc["scenes"] = [{"nodes": [0], "extras": {"worldsmith": {"scene": scene_to_dict(scene)}}}]
    (tmp_path / "full.glb").write_bytes(builder.to_bytes())
    assert scene_to_dict(import_glb_scene(tmp_path / "full.glb")) == scene_to_dict(scene)


# ---------------------------------------------------------------------------------------------
# foreign files


def _box(extents, centre_yup) -> trimesh.Trimesh:
    box = trimesh.creation.box(extents=extents)
    box.apply_translation(centre_yup)
    return box


def _glb(tmp_path, nodes: dict, name="foreign.glb"):
    s = trimesh.Scene()
    for node, mesh in nodes.items():
        s.add_geometry(mesh, node_name=node, geom_name=node)
    path = tmp_path / name
    path.write_bytes(s.export(file_type="glb"))
    return path


def test_foreign_boxes_become_a_table_and_a_chair(tmp_path):
    # Y up: a 1.2 x 0.75 x 0.8 table (x, y=height, z) standing on y = 0 at scene (1, 2); a chair at (2, 1)
    path = _glb(tmp_path, {
        "table": _box((1.2, 0.75, 0.8), (1.0, 0.375, -2.0)),
        "Chair.001": _box((0.5, 0.9, 0.5), (2.0, 0.45, -1.0)),
    })
    result = read_glb_scene(path)
    scene = result.scene
    assert [(o.id, o.category, o.support) for o in scene.objects] == [
        ("table_0", "table", "floor"), ("chair_0", "chair", "floor")]
    table, chair = scene.objects
    assert table.position == pytest.approx((1.0, 2.0, 0.0), abs=1e-5)
    assert table.size == pytest.approx((1.2, 0.8, 0.75), abs=1e-5)
    assert chair.position == pytest.approx((2.0, 1.0, 0.0), abs=1e-5)
    assert chair.size == pytest.approx((0.5, 0.5, 0.9), abs=1e-5)
    assert table.yaw_deg == 0.0 and table.asset.source == "procedural"
    room = scene.rooms[0]
    # the XY bounds of all nodes (x 0.4..2.25, y 0.75..2.4)
    np.testing.assert_allclose(room.polygon, [(0.4, 0.75), (2.25, 0.75), (2.25, 2.4), (0.4, 2.4)], atol=1e-5)
    assert room.height == 2.8
    assert result.references["chair_0"]["node"] == "Chair.001"
    assert validate(scene).out_of_bounds == ()
    assert import_scene(path, "glb").objects == scene.objects
    assert IMPORTERS["glb"] == "worldsmith.export.glb_scene:read_glb_scene"


def test_imported_scenes_are_editable_with_the_dsl(scene, tmp_path):
    export_glb(scene, tmp_path / "scene.glb", texture_px=0)
    back = import_glb_scene(tmp_path / "scene.glb")
    edited = execute('move("sofa_0", dx=0.1)\nadd("mug", on="coffee_table_0")', back, seed=0).scene
    assert edited.object("sofa_0").position[0] == pytest.approx(scene.object("sofa_0").position[0] + 0.1)
    assert edited.object("mug_0").support == "object:coffee_table_0"


def test_foreign_floor_node_gives_the_room_and_the_floor_level(tmp_path):
    lift = 0.5  # the whole model sits half a metre up
    path = _glb(tmp_path, {
        "Floor": _box((6.0, 0.1, 5.0), (3.0, lift - 0.05, -2.5)),
        "desk_1": _box((1.4, 0.75, 0.7), (1.0, lift + 0.375, -4.0)),
        "laptop": _box((0.34, 0.02, 0.26), (1.2, lift + 0.76, -4.0)),
        "Wall_north": _box((6.0, 2.5, 0.1), (3.0, lift + 1.25, -5.05)),
        "floor_lamp_2": _box((0.4, 1.6, 0.4), (5.0, lift + 0.8, -1.0)),
        "Ceiling": _box((6.0, 0.1, 5.0), (3.0, lift + 2.65, -2.5)),
    })
    scene = import_glb_scene(path)
    room = scene.rooms[0]
    np.testing.assert_allclose(room.polygon, [(0.0, 0.0), (6.0, 0.0), (6.0, 5.0), (0.0, 5.0)], atol=1e-5)
    assert room.height == pytest.approx(2.6, abs=1e-5)
    desk, laptop, lamp = scene.objects  # the floor, wall and ceiling are not objects; a floor lamp is
    assert (lamp.category, lamp.support) == ("floor_lamp", "floor")
    assert lamp.position == pytest.approx((5.0, 1.0, 0.0), abs=1e-5)
    assert (desk.category, desk.support) == ("desk", "floor")
    assert desk.position == pytest.approx((1.0, 4.0, 0.0), abs=1e-5)
    assert laptop.category == "laptop" and laptop.support == "object:desk_0"
    assert laptop.position[2] == pytest.approx(0.75, abs=1e-4)
    report = validate(scene)
    assert report.out_of_bounds == () and report.unsupported == ()


def test_not_a_glb(tmp_path):
    bad = tmp_path / "x.glb"
    bad.write_bytes(b"this is not a binary glTF file at all")
    with pytest.raises(GlbSceneError, match="glTF 2.0") as err:
        import_glb_scene(bad)
    assert isinstance(err.value, (WorldsmithError, ExportError)) and "\n" not in str(err.value)
    with pytest.raises(GlbSceneError, match="existing"):
        import_glb_scene(tmp_path / "missing.glb")
    empty = tmp_path / "empty.glb"
    builder = GlbBuilder("test")
    builder.doc["scenes"] = [{"nodes": []}]
    empty.write_bytes(builder.to_bytes())
    with pytest.raises(GlbSceneError, match="geometry"):
        import_glb_scene(empty)


def test_json_only_glb_is_refused_clearly(tmp_path):
    path = tmp_path / "scene.glb"
    path.write_bytes(json.dumps({"asset": {"version": "2.0"}}).encode())
    with pytest.raises(GlbSceneError):
        import_glb_scene(path)
