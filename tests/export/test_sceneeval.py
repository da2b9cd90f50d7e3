"""SceneEval scene-state export, checked the way SceneEval reads it: the JSON's fields as its loader
(scenes/scene_state.py, obj.py, architecture.py) reads them, each modelId resolved as its asset
retriever does (``prefix.asset_id`` -> ``<root>/<asset_id>/<asset_id>.glb``), each GLB loaded with
trimesh (``force="mesh"``) and placed by ``reshape(4, 4).T`` of the transform."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import trimesh

from worldsmith.assets import object_mesh_local, object_mesh_world, object_transform
from worldsmith.dsl import execute
from worldsmith.export import EXPORTERS, ExportError, export_scene
from worldsmith.export.sceneeval import (
    ASSET_PREFIX, GLTF_TO_LOCAL, LOCAL_TO_GLTF, export_sceneeval,
)
from worldsmith.scene import AssetRef, Attributes, ObjectInstance, Room, Scene
from worldsmith.scene.geometry import front_direction

PROGRAM = """
room("living room", width=5.0, depth=4.0, height=2.7)
door("wall_0", at=0.25, width=0.9)
window("wall_1", at=0.5, width=1.4, height=1.2, sill=0.9)
window("wall_2", at=0.7, width=1.0, height=1.0, sill=1.1)
material("floor", "light oak planks")
material("wall_3", "sage green paint")
sofa = add("sofa", color="charcoal")
place(sofa, against="wall_3", at=0.5)
table = add("coffee_table")
place(table, at=(2.2, 2.0), yaw=90)
add("vase", on=table)
chair = add("armchair")
place(chair, at=(3.8, 1.0), yaw=215)
shelf = add("bookshelf")
place(shelf, against="wall_2", at=0.15)
add("book", on=shelf, surface=1)
art = add("painting")
place(art, against="wall_1", at=0.5, height=1.4)
place(add("ceiling_light"), on_ceiling=True)
light("ceiling", at=(2.5, 2.0), watts=60, kelvin=2700)
"""


@pytest.fixture(scope="module")
def scene() -> Scene:
    return execute(PROGRAM, Scene(prompt="a living room", seed=3), seed=3).scene


@pytest.fixture(scope="module")
def exported(scene, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sceneeval") / "scene_0.json"
    export_sceneeval(scene, path, texture_px=0)
    return path


def _asset_path(root: Path, model_id: str) -> Path:
    prefix, asset_id = model_id.split(".")  # SceneEval's Retriever: exactly one dot
    assert prefix == ASSET_PREFIX
    return root / asset_id / f"{asset_id}.glb"


def test_scene_under_test_has_every_kind_of_support(scene):
    kinds = {o.support_kind for o in scene.objects}
    assert kinds == {"floor", "wall", "object", "ceiling"}
    assert any(o.yaw_deg % 90 != 0 for o in scene.objects)  # an oblique object


def test_document_is_a_scene_state(exported, scene):
    doc = json.loads(exported.read_text())
    assert doc["format"] == "sceneState"
    s = doc["scene"]
    assert s["version"] == "scene@1.0.2" and s["arch"]["version"] == "arch@1.0.2"
    assert s["up"] == [0, 0, 1] and s["front"] == [0, 1, 0] and s["unit"] == 1.0
    assert s["id"] == "scene_0"
    assert doc["worldsmith"] == {"prompt": "a living room", "seed": 3, "assets": "scene_0_assets"}
    # SceneEval sorts elements by this list and fails on other types
    assert {e["type"] for e in s["arch"]["elements"]} <= {"Floor", "Ceiling", "Wall"}


def test_every_object_with_model_id_and_column_major_transform(exported, scene):
    objs = json.loads(exported.read_text())["scene"]["object"]
    assert [o["id"] for o in objs] == [o.id for o in scene.objects]
    index = {o.id: i for i, o in enumerate(scene.objects)}
    for i, (entry, obj) in enumerate(zip(objs, scene.objects)):
        assert entry["index"] == i
        assert re.fullmatch(r"worldsmith\.[a-z][a-z0-9_]*_[0-9a-f]{12}", entry["modelId"]), entry["modelId"]
        assert entry["modelId"].split(".")[1].startswith(obj.category + "_")
        data = entry["transform"]["data"]
        assert len(data) == 16 and all(isinstance(v, float) for v in data)
        m = np.asarray(data).reshape(4, 4).T  # how SceneEval reads it
        np.testing.assert_allclose(m @ LOCAL_TO_GLTF, object_transform(obj), atol=1e-12)
        # asset up (+Y) is world up; asset front (+Z) is the object's front
        np.testing.assert_allclose(m[:3, 1], [0.0, 0.0, 1.0], atol=1e-12)
        np.testing.assert_allclose(m[:2, 2], front_direction(obj.yaw_deg), atol=1e-12)
        np.testing.assert_allclose(m[:3, 3], obj.position, atol=0)
        expected_parent = index[obj.support_target] if obj.support_kind == "object" else -1
        assert entry["parentIndex"] == expected_parent
        assert entry["worldsmith"] == {"category": obj.category, "support": obj.support}


def test_assets_placed_by_their_transform_match_the_world_meshes(exported, scene):
    doc = json.loads(exported.read_text())
    root = exported.parent / "scene_0_assets"
    for entry, obj in zip(doc["scene"]["object"], scene.objects):
        path = _asset_path(root, entry["modelId"])
        mesh = trimesh.load(path, force="mesh")  # SceneEval's TrimeshScene.load_obj
        raw = mesh.bounds.copy()
        mesh.apply_transform(np.asarray(entry["transform"]["data"]).reshape(4, 4).T)
        np.testing.assert_allclose(mesh.bounds, object_mesh_world(obj).bounds, atol=1e-4, err_msg=obj.id)
        # the file itself: Y up, bottom at y = 0, centred, size baked in (w along x, d along z)
        w, d, h = obj.size
        np.testing.assert_allclose(raw, [[-w / 2, 0.0, -d / 2], [w / 2, h, d / 2]], atol=1e-4, err_msg=obj.id)
        # and vertex for vertex it is the local mesh through (x, y, z) -> (-x, z, y)
        local = object_mesh_local(obj)
        np.testing.assert_allclose(np.sort(mesh.vertices[:, 2]), np.sort(
            (local.vertices @ object_transform(obj)[:3, :3].T + obj.position)[:, 2]), atol=1e-4)


def test_asset_front_is_plus_z(exported, scene):
    """A sofa's backrest is at its back (local -Y): in the asset file it must sit at -Z."""
    doc = json.loads(exported.read_text())
    entry = next(e for e in doc["scene"]["object"] if e["id"] == "sofa_0")
    mesh = trimesh.load(_asset_path(exported.parent / "scene_0_assets", entry["modelId"]), force="mesh")
    high = mesh.vertices[mesh.vertices[:, 1] > 0.8 * mesh.bounds[1][1]]
    assert len(high) and high[:, 2].mean() < -0.1 * (mesh.bounds[1][2] - mesh.bounds[0][2])
    # the chair turned by 215 degrees: its transform maps asset +Z onto its front
    chair = next(o for o in scene.objects if o.id == "armchair_0")
    entry = next(e for e in doc["scene"]["object"] if e["id"] == "armchair_0")
    m = np.asarray(entry["transform"]["data"]).reshape(4, 4).T
    np.testing.assert_allclose(m[:3, :3] @ [0, 0, 1], [*front_direction(chair.yaw_deg), 0.0], atol=1e-12)


def test_data_json_is_what_sceneeval_describes_assets_with(exported, scene):
    doc = json.loads(exported.read_text())
    root = exported.parent / "scene_0_assets"
    for entry, obj in zip(doc["scene"]["object"], scene.objects):
        data = json.loads((_asset_path(root, entry["modelId"]).parent / "data.json").read_text())
        meta = data["annotations"]  # LayoutVLM-style: f"{category}, {description}, {materials}"
        assert meta["category"] == obj.category.replace("_", " ")
        assert obj.category.replace("_", " ") in meta["description"]
        assert isinstance(meta["materials"], list) and meta["materials"]
        ws = data["worldsmith"]
        assert ws["category"] == obj.category and ws["size"] == list(obj.size)
        assert ws["asset"] == {"source": obj.asset.source, "name": obj.asset.name,
                               "params": json.loads(json.dumps(dict(obj.asset.params)))}
    sofa = next(e for e in doc["scene"]["object"] if e["id"] == "sofa_0")
    meta = json.loads((_asset_path(root, sofa["modelId"]).parent / "data.json").read_text())["annotations"]
    assert meta["description"].startswith("a charcoal sofa")


def test_floor_polygon_and_walls_with_holes(exported, scene):
    elements = json.loads(exported.read_text())["scene"]["arch"]["elements"]
    room = scene.rooms[0]
    floors = [e for e in elements if e["type"] == "Floor"]
    assert len(floors) == 1 and floors[0]["roomId"] == room.id
    assert floors[0]["points"] == [[x, y, 0.0] for x, y in room.polygon]
    ceiling = next(e for e in elements if e["type"] == "Ceiling")
    assert ceiling["points"] == [[x, y, room.height] for x, y in room.polygon]
    walls = {e["id"]: e for e in elements if e["type"] == "Wall"}
    assert list(walls) == [w.id for w in scene.walls]
    for wall in scene.walls:
        e = walls[wall.id]
        assert e["roomId"] == room.id and e["height"] == room.height and e["depth"] == wall.thickness
        assert e["points"] == [[*wall.start, 0.0], [*wall.end, 0.0]]
        ops = [o for o in room.openings if o.wall == wall.id]
        assert [h["id"] for h in e["holes"]] == [o.id for o in ops]
        for h, o in zip(e["holes"], ops):
            assert h["type"] == o.kind.capitalize()
            assert h["box"]["min"] == pytest.approx([o.offset, o.sill], abs=1e-12)
            assert h["box"]["max"] == pytest.approx([o.offset + o.width, o.sill + o.height], abs=1e-12)
            # SceneEval puts a hole's centre at points[0] + u along the wall: the opening's centre
            u = (h["box"]["min"][0] + h["box"]["max"][0]) / 2
            np.testing.assert_allclose(np.asarray(e["points"][0][:2]) + u * np.asarray(wall.direction),
                                       wall.point_at(o.center_offset), atol=1e-12)
    assert sum(len(e["holes"]) for e in walls.values()) == 3


def test_identical_objects_share_one_asset(tmp_path):
    room = Room("room_0", "room", ((0, 0), (4, 0), (4, 3), (0, 3)), 2.5)
    objs = tuple(
        ObjectInstance(f"cabinet_{i}", "cabinet", AssetRef("fallback", "cabinet"), (1.0 + i, 1.0, 0.0),
                       (0.6, 0.4, 0.9), yaw_deg=30.0 * i, attributes=Attributes(color="red" if i == 2 else None))
        for i in range(3))
    export_sceneeval(Scene(rooms=(room,), objects=objs), tmp_path / "scene_1.json", texture_px=0)
    doc = json.loads((tmp_path / "scene_1.json").read_text())
    ids = [o["modelId"] for o in doc["scene"]["object"]]
    assert ids[0] == ids[1] != ids[2]  # the red one looks different
    assert sorted(p.name for p in (tmp_path / "scene_1_assets").iterdir()) == sorted({i.split(".")[1] for i in ids})


def test_scenes_can_share_an_assets_folder(scene, tmp_path):
    shared = tmp_path / "assets"
    other = execute('room("box room", width=3, depth=3)\nadd("sofa")', Scene(seed=1), seed=1).scene
    export_sceneeval(scene, tmp_path / "scene_0.json", assets_dir=shared, texture_px=0)
    export_sceneeval(other, tmp_path / "scene_1.json", assets_dir=shared, texture_px=0)
    for name in ("scene_0.json", "scene_1.json"):
        doc = json.loads((tmp_path / name).read_text())
        assert doc["worldsmith"]["assets"] == "assets"
        for entry in doc["scene"]["object"]:
            assert _asset_path(shared, entry["modelId"]).is_file()
    assert not (tmp_path / "scene_0_assets").exists()


def test_deterministic_bytes(scene, tmp_path):
    a, b = tmp_path / "a" / "scene_0.json", tmp_path / "b" / "scene_0.json"
    export_sceneeval(scene, a, texture_px=8)
    export_sceneeval(scene, b, texture_px=8)
    assert a.read_bytes() == b.read_bytes()
    files_a = sorted(p.relative_to(a.parent) for p in a.parent.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b.parent) for p in b.parent.rglob("*") if p.is_file())
    assert files_a == files_b and len(files_a) > 2
    for rel in files_a:
        assert (a.parent / rel).read_bytes() == (b.parent / rel).read_bytes(), rel


def test_textured_assets_load(scene, tmp_path):
    export_sceneeval(scene, tmp_path / "scene_0.json", texture_px=16)
    doc = json.loads((tmp_path / "scene_0.json").read_text())
    entry = next(e for e in doc["scene"]["object"] if e["id"].startswith("coffee_table"))
    path = _asset_path(tmp_path / "scene_0_assets", entry["modelId"])
    loaded = trimesh.load(path, force="scene")
    assert any(getattr(g.visual, "uv", None) is not None for g in loaded.geometry.values())


def test_registry_and_custom_assets_dir(scene, tmp_path):
    assert EXPORTERS["sceneeval"] == "worldsmith.export.sceneeval:export_sceneeval"
    export_scene(scene, "sceneeval", tmp_path / "input" / "Worldsmith" / "scene_7.json",
                 assets_dir=tmp_path / "_data" / "worldsmith", texture_px=0)
    doc = json.loads((tmp_path / "input" / "Worldsmith" / "scene_7.json").read_text())
    assert doc["worldsmith"]["assets"] == "../../_data/worldsmith"
    for entry in doc["scene"]["object"]:
        assert _asset_path(tmp_path / "_data" / "worldsmith", entry["modelId"]).is_file()


def test_rejects_a_non_json_path(scene, tmp_path):
    with pytest.raises(ExportError, match=r"\.json"):
        export_sceneeval(scene, tmp_path / "scene_0.glb")


def test_rotation_matrices_are_proper():
    assert np.linalg.det(LOCAL_TO_GLTF[:3, :3]) == pytest.approx(1.0)
    np.testing.assert_array_equal(LOCAL_TO_GLTF @ GLTF_TO_LOCAL, np.eye(4))
    np.testing.assert_array_equal(LOCAL_TO_GLTF[:3, :3] @ [0, 0, 1], [0, 1, 0])  # up
    np.testing.assert_array_equal(LOCAL_TO_GLTF[:3, :3] @ [0, 1, 0], [0, 0, 1])  # front
