"""GLB export: checked by the reference reader (trimesh) and by the raw glTF JSON."""

from __future__ import annotations

import hashlib
import math
import os
import struct
import subprocess
import sys

import numpy as np
import pytest
import trimesh
from hypothesis import given, settings
from hypothesis import strategies as st

from worldsmith.assets import build_object_parts, object_mesh_world, object_transform
from worldsmith.assets.build import GENERATORS, make_asset
from worldsmith.export import (
    EXPORTERS, ExportError, UnknownFormatError, export_glb, export_scene, import_glb, scene_to_glb_bytes,
)
from worldsmith.export.glb_writer import read_glb_json
from worldsmith.export.gltf import ROOT_NODE_NAME, Y_UP_TO_Z_UP, Z_UP_TO_Y_UP
from worldsmith.materials import kelvin_to_rgb
from worldsmith.scene import (
    AssetRef, Attributes, Light, ObjectInstance, Opening, Room, Scene, WorldsmithError, dumps, loads,
)

MM = 1e-3
ROOM_H = 2.7


def _procedural_objects() -> list[ObjectInstance]:
    """Objects from every registered generator the catalog uses (none until generators land)."""
    import worldsmith.assets.procedural  # noqa: F401  (registers generators, where it does)
    from worldsmith.assets import catalog

    out = []
    rng = np.random.default_rng(7)
    spots = [(1.2, 1.2), (3.8, 1.2), (1.2, 2.9), (3.8, 2.9)]
    yaws = [0.0, 37.5, 90.0, 225.0]
    for name in catalog.names():
        info = catalog.get(name)
        if info.support != "floor" or not info.generator or info.generator not in GENERATORS:
            continue
        i = len(out) % len(spots)
        asset, size = make_asset(name, rng)
        out.append(ObjectInstance(f"{name}_p", name, asset, (*spots[i], 0.0), size, yaw_deg=yaws[i]))
    return out


def _fallback(oid: str, xy: tuple[float, float], yaw: float, size=(0.6, 0.4, 0.9), **attrs) -> ObjectInstance:
    return ObjectInstance(oid, "cabinet", AssetRef("fallback", "cabinet"), (xy[0], xy[1], 0.0), size,
                          yaw_deg=yaw, attributes=Attributes(**attrs))


def make_scene() -> Scene:
    room = Room(
        "room_0", "living room", ((0.0, 0.0), (5.0, 0.0), (5.0, 4.0), (0.0, 4.0)), ROOM_H,
        openings=(
            Opening("door_0", "door", "wall_0", offset=0.5, width=0.9, height=2.1),
            Opening("window_0", "window", "wall_2", offset=1.7, width=1.6, height=1.2, sill=0.9),
        ),
    )
    objects = [
        _fallback("cabinet_0", (0.8, 3.5), 0.0),
        _fallback("cabinet_1", (2.0, 2.0), 37.5, color="red"),
        _fallback("cabinet_2", (3.0, 2.0), 90.0),
        _fallback("tall_0", (4.3, 3.3), 225.0, size=(0.5, 0.3, 2.0)),
        _fallback("twin_0", (1.5, 0.8), 0.0),
        _fallback("twin_1", (2.5, 0.8), 0.0),
        _fallback("glassy_0", (4.2, 0.8), 0.0, materials={"body": "clear glass"}),
        ObjectInstance("chair_0", "chair", AssetRef("procedural", "chair"), (3.5, 3.0, 0.0), (0.48, 0.52, 0.88),
                       yaw_deg=225.0),
        ObjectInstance("picture_0", "painting", AssetRef("fallback", "painting"), (2.5, 3.98, 1.2),
                       (0.9, 0.04, 0.65), yaw_deg=180.0, support="wall:wall_2"),
    ]
    objects += _procedural_objects()
    lights = (
        Light("light_0", "ceiling_fixture", (2.5, 2.0, 2.6), watts=60, kelvin=2700),
        Light("light_1", "spot", (1.0, 1.0, 2.6), lumens=800, direction=(0.3, 0.2, -1.0), cone_deg=50),
        Light("light_2", "area", (4.0, 3.0, 2.69), lumens=1200, rgb=(1.0, 0.9, 0.8)),
    )
    return Scene(prompt="a test room", seed=3, rooms=(room,), objects=tuple(objects), lights=lights)


@pytest.fixture(scope="module")
def scene() -> Scene:
    return make_scene()


@pytest.fixture(scope="module")
def glb(scene, tmp_path_factory) -> tuple[bytes, str]:
    path = tmp_path_factory.mktemp("glb") / "scene.glb"
    export_glb(scene, path)
    return path.read_bytes(), str(path)


@pytest.fixture(scope="module")
def doc(glb) -> dict:
    return read_glb_json(glb[0])


@pytest.fixture(scope="module")
def nodes(glb):
    return import_glb(glb[1])


def _node(doc: dict, name: str) -> dict:
    matches = [n for n in doc["nodes"] if n.get("name") == name]
    assert len(matches) == 1, name
    return matches[0]


def _materials_of(doc: dict, name: str) -> list[dict]:
    mesh = doc["meshes"][_node(doc, name)["mesh"]]
    return [doc["materials"][p["material"]] for p in mesh["primitives"]]


# ---------------------------------------------------------------------------------------------
# round trip through trimesh


def test_object_nodes_are_exactly_the_object_ids(scene, nodes):
    object_nodes = {k for k, v in nodes.items() if v.extras.get("kind") == "object"}
    assert object_nodes == {o.id for o in scene.objects}
    for o in scene.objects:
        assert nodes[o.id].name == o.id
        assert nodes[o.id].extras["category"] == o.category
        assert nodes[o.id].extras["id"] == o.id


def test_import_lists_every_written_node_once(scene, nodes):
    expected = {ROOT_NODE_NAME} | {o.id for o in scene.objects} | {li.id for li in scene.lights}
    shell = {k for k, v in nodes.items() if v.extras.get("kind") == "shell"}
    assert set(nodes) == expected | shell  # no trimesh-made per-primitive frames
    assert list(nodes)[: len(scene.objects)] == [o.id for o in scene.objects]  # file order
    assert nodes[ROOT_NODE_NAME].extras["kind"] == "root"


def test_object_named_like_trimesh_base_frame(tmp_path):
    obj = _fallback("world", (1.0, 2.0), 90.0)
    export_glb(Scene(objects=(obj,)), tmp_path / "w.glb")
    nodes = import_glb(tmp_path / "w.glb")
    assert np.abs(nodes["world"].bounds - object_mesh_world(obj).bounds).max() < MM


def test_object_bounds_round_trip_within_1mm(scene, nodes):
    yaws = {o.yaw_deg for o in scene.objects}
    assert {0.0, 37.5, 90.0, 225.0} <= yaws
    for o in scene.objects:
        expected = object_mesh_world(o).bounds
        got = nodes[o.id].bounds
        assert got is not None, o.id
        assert np.abs(got - expected).max() < MM, (o.id, got, expected)


def test_objects_are_instances_with_their_own_transform(scene, nodes, doc):
    """The node transform is object_transform (Z-up) and the mesh holds LOCAL geometry."""
    for o in scene.objects:
        np.testing.assert_allclose(nodes[o.id].transform, object_transform(o), atol=1e-9)
        node = _node(doc, o.id)
        mesh = doc["meshes"][node["mesh"]]
        local = np.vstack([p.mesh.vertices for p in build_object_parts(o)])
        lo = np.min([doc["accessors"][p["attributes"]["POSITION"]]["min"] for p in mesh["primitives"]], axis=0)
        hi = np.max([doc["accessors"][p["attributes"]["POSITION"]]["max"] for p in mesh["primitives"]], axis=0)
        np.testing.assert_allclose(lo, local.min(axis=0), atol=1e-6)
        np.testing.assert_allclose(hi, local.max(axis=0), atol=1e-6)
        assert mesh["extras"]["parts"] == [p.name for p in build_object_parts(o)]


def test_identical_objects_share_one_mesh(doc):
    assert _node(doc, "twin_0")["mesh"] == _node(doc, "twin_1")["mesh"]
    assert _node(doc, "twin_0")["mesh"] != _node(doc, "cabinet_1")["mesh"]  # red: other material


@settings(max_examples=20, deadline=None)
@given(x=st.floats(-20, 20), y=st.floats(-20, 20), z=st.floats(0, 3), yaw=st.floats(-360, 360),
       w=st.floats(0.05, 3), d=st.floats(0.05, 3), h=st.floats(0.05, 3))
def test_any_pose_round_trips(tmp_path_factory, x, y, z, yaw, w, d, h):
    obj = ObjectInstance("thing_0", "cabinet", AssetRef("fallback", "cabinet"), (x, y, z), (w, d, h), yaw_deg=yaw)
    path = tmp_path_factory.mktemp("pose") / "one.glb"
    export_glb(Scene(objects=(obj,)), path)
    got = import_glb(path)["thing_0"].bounds
    assert np.abs(got - object_mesh_world(obj).bounds).max() < MM


# ---------------------------------------------------------------------------------------------
# up axis


def test_raw_gltf_is_y_up(scene, glb, doc):
    # the root node carries the -90 degree turn about X and nothing else
    root = _node(doc, ROOT_NODE_NAME)
    assert doc["scenes"][doc["scene"]]["nodes"] == [doc["nodes"].index(root)]
    np.testing.assert_allclose(root["rotation"], [-math.sqrt(0.5), 0, 0, math.sqrt(0.5)])
    assert "translation" not in root and "scale" not in root and "matrix" not in root
    # trimesh without any conversion: the tall object's height lies along +Y
    raw = trimesh.load(glb[1], force="scene")
    tall = next(o for o in scene.objects if o.id == "tall_0")
    frames = [f for f in raw.graph.nodes_geometry if f == "tall_0" or raw.graph.transforms.parents.get(f) == "tall_0"]
    assert frames
    pts = []
    for f in frames:
        m, geom = raw.graph.get(f)
        pts.append(trimesh.transform_points(raw.geometry[geom].vertices, m))
    pts = np.vstack(pts)
    extent = pts.max(axis=0) - pts.min(axis=0)
    assert abs(pts[:, 1].min() - 0.0) < MM and abs(pts[:, 1].max() - tall.size[2]) < MM
    assert extent[1] == pytest.approx(2.0, abs=MM) and extent[1] > 2 * max(extent[0], extent[2])
    # and scene (x, y, z) -> glTF (x, z, -y)
    center = pts.min(axis=0) / 2 + pts.max(axis=0) / 2
    assert center[0] == pytest.approx(tall.position[0], abs=MM)
    assert center[2] == pytest.approx(-tall.position[1], abs=MM)


def test_up_matrices():
    np.testing.assert_allclose(Z_UP_TO_Y_UP[:3, :3] @ [1, 2, 3], [1, 3, -2])
    np.testing.assert_allclose(Y_UP_TO_Z_UP @ Z_UP_TO_Y_UP, np.eye(4))
    q = [-math.sqrt(0.5), 0, 0, math.sqrt(0.5)]  # glTF xyzw -> trimesh wxyz
    np.testing.assert_allclose(trimesh.transformations.quaternion_matrix([q[3], *q[:3]]), Z_UP_TO_Y_UP, atol=1e-12)


# ---------------------------------------------------------------------------------------------
# determinism and container validity


def test_byte_identical_exports(scene, glb, tmp_path):
    again = tmp_path / "again.glb"
    export_glb(make_scene(), again)
    assert again.read_bytes() == glb[0]
    assert scene_to_glb_bytes(scene) == glb[0]
    assert scene_to_glb_bytes(loads(dumps(scene))) == glb[0]  # through the codec too


def test_byte_identical_across_processes(scene, glb):
    """Other hash seeds, a fresh interpreter: the same bytes (no set/hash/uuid order leaks in)."""
    code = ("import hashlib, sys; from worldsmith.scene import loads; "
            "from worldsmith.export import scene_to_glb_bytes; "
            "print(hashlib.sha256(scene_to_glb_bytes(loads(sys.stdin.read()))).hexdigest())")
    want = hashlib.sha256(glb[0]).hexdigest()
    for seed in ("1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", code], input=dumps(scene), capture_output=True, text=True,
                             env=env, check=True)
        assert out.stdout.strip() == want


def test_glb_container_is_well_formed(glb, doc):
    data = glb[0]
    magic, version, length = struct.unpack_from("<III", data, 0)
    assert (magic, version, length) == (0x46546C67, 2, len(data))
    json_len, json_type = struct.unpack_from("<II", data, 12)
    assert json_type == 0x4E4F534A and json_len % 4 == 0
    bin_len, bin_type = struct.unpack_from("<II", data, 20 + json_len)
    assert bin_type == 0x004E4942 and bin_len % 4 == 0 and 28 + json_len + bin_len == len(data)
    assert doc["buffers"] == [{"byteLength": bin_len}]
    for view in doc["bufferViews"]:
        assert view["byteOffset"] % 4 == 0 and view["byteOffset"] + view["byteLength"] <= bin_len
    for acc in doc["accessors"]:
        size = {"VEC3": 12, "VEC2": 8, "SCALAR": 4}[acc["type"]]
        assert acc["count"] * size == doc["bufferViews"][acc["bufferView"]]["byteLength"]
    for mesh in doc["meshes"]:
        for prim in mesh["primitives"]:
            n = doc["accessors"][prim["attributes"]["POSITION"]]["count"]
            idx = doc["accessors"][prim["indices"]]
            assert idx["count"] % 3 == 0
            off = 28 + json_len + doc["bufferViews"][idx["bufferView"]]["byteOffset"]
            faces = np.frombuffer(data, "<u4", idx["count"], off)
            assert faces.max() < n
    names = [n["name"] for n in doc["nodes"]]
    assert len(names) == len(set(names))
    mats = [m["name"] for m in doc["materials"]]
    assert len(mats) == len(set(mats))
    keys = [(m["name"], str(m["pbrMetallicRoughness"]), m.get("alphaMode")) for m in doc["materials"]]
    assert len(set(keys)) == len(keys)  # no duplicated material definitions


# ---------------------------------------------------------------------------------------------
# materials


def test_red_object_gets_a_red_base_color(scene, doc):
    from worldsmith.materials import resolve_pbr

    obj = scene.object("cabinet_1")
    (part,) = build_object_parts(obj)
    (red,) = {m["name"]: m for m in _materials_of(doc, "cabinet_1")}.values()
    r, g, b, a = red["pbrMetallicRoughness"]["baseColorFactor"]
    assert r > 0.2 and r > 1.5 * g and r > 1.5 * b and a == 1.0
    assert red["pbrMetallicRoughness"]["baseColorFactor"] == list(resolve_pbr(part.material, color="red").base_color)
    assert red["name"] == f"{part.material} (red)" and red["extras"]["color"] == "red"
    plain = _materials_of(doc, "cabinet_0")[0]
    assert plain["name"] == part.material
    assert plain["pbrMetallicRoughness"]["baseColorFactor"] == list(resolve_pbr(part.material).base_color)


def test_color_goes_on_the_main_parts_only(tmp_path):
    """A multi-material procedural object: only the parts of its largest material get the colour."""
    from worldsmith.materials import resolve_pbr

    for category in ("sofa", "chair", "table", "bed", "bookshelf", "cabinet"):
        asset, size = make_asset(category, np.random.default_rng(1))
        obj = ObjectInstance("thing_0", category, asset, (0.0, 0.0, 0.0), size, attributes=Attributes(color="red"))
        parts = build_object_parts(obj)
        if len({p.material for p in parts}) > 1:
            break
    else:
        pytest.skip("no multi-material generator")
    areas: dict[str, float] = {}
    for p in parts:
        if resolve_pbr(p.material).base_color[3] == 1.0:
            areas[p.material] = areas.get(p.material, 0.0) + p.mesh.area
    main = max(areas, key=lambda m: areas[m])
    glb_bytes = scene_to_glb_bytes(Scene(objects=(obj,)))
    doc = read_glb_json(glb_bytes)
    mats = _materials_of(doc, "thing_0")
    assert len(mats) == len(parts)
    for p, m in zip(parts, mats):
        want = resolve_pbr(p.material, color="red") if p.material == main else resolve_pbr(p.material)
        block = m["pbrMetallicRoughness"]
        if want.texture:  # the colour lives in the (tinted) albedo map; the factor is white
            assert block["baseColorFactor"] == [1.0, 1.0, 1.0, want.base_color[3]], p.name
            albedo = _image(doc, glb_bytes, block["baseColorTexture"]["index"]).reshape(-1, 3).mean(axis=0)
            if p.material == main:
                assert albedo[0] > 1.5 * albedo[1] and albedo[0] > 1.5 * albedo[2], (p.name, albedo)
        else:
            assert block["baseColorFactor"] == list(want.base_color), p.name
        assert ("color" in m["extras"]) == (p.material == main)


def test_part_material_override_to_glass_blends(doc):
    (glass,) = _materials_of(doc, "glassy_0")
    assert glass["pbrMetallicRoughness"]["baseColorFactor"][3] < 1.0
    assert glass["alphaMode"] == "BLEND"
    for m in _materials_of(doc, "cabinet_0"):
        assert m.get("alphaMode", "OPAQUE") == "OPAQUE"


def test_window_glass_is_transparent(doc):
    blends = [m for m in _materials_of(doc, "window_0") if m.get("alphaMode") == "BLEND"]
    assert blends, "a window has a glass part"
    assert all(m["pbrMetallicRoughness"]["baseColorFactor"][3] < 1.0 for m in blends)


def test_materials_are_valid_pbr(doc):
    for m in doc["materials"]:
        pbr = m["pbrMetallicRoughness"]
        assert len(pbr["baseColorFactor"]) == 4 and all(0 <= c <= 1 for c in pbr["baseColorFactor"])
        assert 0 <= pbr["metallicFactor"] <= 1 and 0 <= pbr["roughnessFactor"] <= 1
        assert (m.get("alphaMode") == "BLEND") == (pbr["baseColorFactor"][3] < 1)


# ---------------------------------------------------------------------------------------------
# room shell


def test_shell_nodes_exist(scene, nodes):
    shell = {k for k, v in nodes.items() if v.extras.get("kind") == "shell"}
    assert {"floor_room_0", "ceiling_room_0", "wall_0", "wall_1", "wall_2", "wall_3", "door_0", "window_0"} <= shell
    cats = {k: nodes[k].extras["category"] for k in shell}
    assert cats["floor_room_0"] == "floor" and cats["ceiling_room_0"] == "ceiling"
    assert cats["wall_2"] == "wall" and cats["door_0"] == "door" and cats["window_0"] == "window"
    assert all(nodes[k].extras["room"] == "room_0" for k in shell)


def test_shell_bounds_are_plausible(scene, nodes):
    room = scene.rooms[0]
    t = room.wall_thickness + 0.05
    from worldsmith.assets.shell import CEILING_THICKNESS_M, FLOOR_THICKNESS_M

    for wall in scene.walls:
        b = nodes[wall.id].bounds
        # walls rise over the full room height and overlap the floor and ceiling slabs (light-tight)
        assert b[0, 2] == pytest.approx(-FLOOR_THICKNESS_M, abs=MM), wall.id
        assert b[1, 2] == pytest.approx(ROOM_H + CEILING_THICKNESS_M, abs=MM), wall.id
        # the wall runs along its polygon edge
        lo = np.minimum(wall.start, wall.end) - t
        hi = np.maximum(wall.start, wall.end) + t
        assert np.all(b[0, :2] >= lo) and np.all(b[1, :2] <= hi), wall.id
        assert max(b[1, :2] - b[0, :2]) >= wall.length - MM
    floor = nodes["floor_room_0"].bounds
    assert np.all(floor[0, :2] <= [MM, MM]) and np.all(floor[1, :2] >= [5 - MM, 4 - MM])
    assert floor[1, 2] == pytest.approx(0.0, abs=MM)  # the floor's top is z = 0
    ceiling = nodes["ceiling_room_0"].bounds
    assert ceiling[0, 2] == pytest.approx(ROOM_H, abs=MM)  # the ceiling's underside is the room height
    assert np.all(ceiling[0, :2] <= [MM, MM]) and np.all(ceiling[1, :2] >= [5 - MM, 4 - MM])
    for rid, op in scene.openings():
        b = nodes[op.id].bounds
        wall = scene.wall(op.wall)
        cx, cy = wall.point_at(op.center_offset)
        center = (b[0] + b[1]) / 2
        assert abs(center[0] - cx) < t and abs(center[1] - cy) < t, op.id
        assert b[0, 2] == pytest.approx(op.sill, abs=0.1) and b[1, 2] == pytest.approx(op.sill + op.height, abs=0.1)
        along = abs(np.dot(b[1, :2] - b[0, :2], wall.direction))
        assert along == pytest.approx(op.width, abs=0.2), op.id


# ---------------------------------------------------------------------------------------------
# lights


def test_lights_are_khr_punctual(scene, doc, nodes):
    assert "KHR_lights_punctual" in doc["extensionsUsed"]
    lights = doc["extensions"]["KHR_lights_punctual"]["lights"]
    assert [li["name"] for li in lights] == [li.id for li in scene.lights]
    by_name = {li["name"]: li for li in lights}
    assert by_name["light_0"]["type"] == "point"
    assert by_name["light_0"]["intensity"] == pytest.approx(60 * 15 / (4 * math.pi))
    assert by_name["light_1"]["type"] == "spot"
    assert by_name["light_1"]["spot"]["outerConeAngle"] == pytest.approx(math.radians(25))
    warm = by_name["light_0"]["color"]
    assert warm[0] == 1.0 and warm[0] > warm[1] > warm[2]  # 2700 K is orange-ish
    for li in scene.lights:
        info = nodes[li.id]
        assert info.extras["kind"] == "light" and info.bounds is None
        np.testing.assert_allclose(info.transform[:3, 3], li.position, atol=1e-9)
    # a spot shines along its node's -Z, which must be the scene direction (Z-up restored)
    aim = -nodes["light_1"].transform[:3, 2]
    d = np.array(scene.lights[1].direction)
    np.testing.assert_allclose(aim, d / np.linalg.norm(d), atol=1e-9)


def test_kelvin_colors():
    assert min(kelvin_to_rgb(6500)) > 0.9  # near white (the Planckian locus passes close to D65)
    r, g, b = kelvin_to_rgb(2000)
    assert r == 1.0 and g < 0.7 and b < 0.3
    r, g, b = kelvin_to_rgb(12000)
    assert b == 1.0 and r < 0.8


# ---------------------------------------------------------------------------------------------
# registry and errors


def test_export_scene_dispatches_by_format(scene, glb, tmp_path):
    assert EXPORTERS["glb"] == "worldsmith.export.gltf:export_glb"
    out = tmp_path / "sub" / "x.glb"
    export_scene(scene, "GLB", out)
    assert out.read_bytes() == glb[0]


def test_unknown_format_names_the_known_ones(scene, tmp_path):
    with pytest.raises(UnknownFormatError) as err:
        export_scene(scene, "fbx", tmp_path / "x.fbx")
    assert isinstance(err.value, WorldsmithError)
    assert "fbx" in str(err.value) and "glb" in str(err.value)
    assert not (tmp_path / "x.fbx").exists()


def test_objects_only_scene(tmp_path):
    s = Scene(objects=tuple(o for o in make_scene().objects if o.support == "floor"))
    path = tmp_path / "objects.glb"
    export_glb(s, path)
    nodes = import_glb(path)
    assert {k for k, v in nodes.items() if v.extras.get("kind") == "object"} == {o.id for o in s.objects}
    assert not any(v.extras.get("kind") in ("shell", "light") for v in nodes.values())
    assert "KHR_lights_punctual" not in read_glb_json(path.read_bytes()).get("extensionsUsed", [])


def test_empty_scene(tmp_path):
    path = tmp_path / "empty.glb"
    export_glb(Scene(), path)
    nodes = import_glb(path)
    assert list(nodes) == [ROOT_NODE_NAME]


def test_object_id_clashing_with_an_opening_is_refused(scene):
    # node names are ids, so the scene model refuses an object named like an opening or a floor
    from worldsmith.scene import SceneValidationError

    for name in ("door_0", "floor_room_0", "wall_1"):
        with pytest.raises(SceneValidationError, match="a unique id"):
            Scene(rooms=scene.rooms, objects=(_fallback(name, (2.0, 1.0), 0.0),))


def test_import_errors(tmp_path):
    with pytest.raises(ExportError):
        import_glb(tmp_path / "missing.glb")
    junk = tmp_path / "junk.glb"
    junk.write_bytes(b"not a glb file at all")
    with pytest.raises(ExportError):
        import_glb(junk)


def _image(doc: dict, data: bytes, texture: int) -> np.ndarray:
    """The pixels of a texture embedded in a GLB."""
    import io

    from PIL import Image

    view = doc["bufferViews"][doc["images"][doc["textures"][texture]["source"]]["bufferView"]]
    json_len = struct.unpack_from("<I", data, 12)[0]
    start = 28 + json_len + view["byteOffset"]
    with Image.open(io.BytesIO(data[start:start + view["byteLength"]])) as im:
        assert im.format == "PNG"
        return np.asarray(im.convert("RGB"), dtype=float)


def test_textured_materials_embed_maps_and_metric_uvs():
    from worldsmith.materials import resolve_pbr, texture_maps

    room = Room("room_0", "studio", [(0, 0), (4.0, 0), (4.0, 3.0), (0, 3.0)], 2.6,
                materials={"floor": "light oak planks", "walls": "exposed red brick"})
    data = scene_to_glb_bytes(Scene(rooms=(room,)), texture_px=64)
    doc = read_glb_json(data)
    floor = next(n for n in doc["nodes"] if n["name"] == "floor_room_0")
    (prim,) = doc["meshes"][floor["mesh"]]["primitives"]
    mat = doc["materials"][prim["material"]]
    pbr = resolve_pbr("light oak planks")
    assert pbr.texture and mat["extras"]["library"] == pbr.name
    tile = mat["extras"]["texture_tile_m"]
    assert tile == pytest.approx(texture_maps(pbr, resolution=64).scale_m)
    for key in ("baseColorTexture", "metallicRoughnessTexture"):
        img = _image(doc, data, mat["pbrMetallicRoughness"][key]["index"])
        assert img.shape == (64, 64, 3)
    assert _image(doc, data, mat["normalTexture"]["index"]).shape == (64, 64, 3)
    # UVs are metres / tile: the floor's 4 m x 3 m top spans 4/tile x 3/tile texture repeats
    acc = doc["accessors"][prim["attributes"]["TEXCOORD_0"]]
    view = doc["bufferViews"][acc["bufferView"]]
    json_len = struct.unpack_from("<I", data, 12)[0]
    uv = np.frombuffer(data, "<f4", acc["count"] * 2, 28 + json_len + view["byteOffset"]).reshape(-1, 2)
    assert acc["count"] == doc["accessors"][prim["attributes"]["POSITION"]]["count"]
    span = uv.max(axis=0) - uv.min(axis=0)
    assert span == pytest.approx([4.0 / tile, 3.0 / tile], rel=0.05)
    # every image is stored once, and no textures at all when asked
    assert len({(v["byteOffset"], v["byteLength"]) for v in doc["bufferViews"]}) == len(doc["bufferViews"])
    plain = read_glb_json(scene_to_glb_bytes(Scene(rooms=(room,)), texture_px=0))
    assert "images" not in plain and "textures" not in plain
    with pytest.raises(ExportError):
        scene_to_glb_bytes(Scene(rooms=(room,)), texture_px=2)


def test_emissive_materials_glow():
    from worldsmith.materials import resolve_pbr

    pbr = resolve_pbr("warm light")
    assert pbr.emissive_strength > 0
    room = Room("room_0", "studio", [(0, 0), (3.0, 0), (3.0, 3.0), (0, 3.0)], 2.6, materials={"ceiling": "warm light"})
    doc = read_glb_json(scene_to_glb_bytes(Scene(rooms=(room,)), texture_px=0))
    node = next(n for n in doc["nodes"] if n["name"] == "ceiling_room_0")
    mat = doc["materials"][doc["meshes"][node["mesh"]]["primitives"][0]["material"]]
    assert mat["emissiveFactor"] == pytest.approx(list(pbr.emissive), abs=1e-6)
    if pbr.emissive_strength != 1.0:
        assert mat["extensions"]["KHR_materials_emissive_strength"]["emissiveStrength"] == pytest.approx(
            pbr.emissive_strength)
        assert "KHR_materials_emissive_strength" in doc["extensionsUsed"]
