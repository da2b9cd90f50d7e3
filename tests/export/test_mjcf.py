"""MJCF export, checked by the reference reader: MuJoCo compiles the text and its model is the scene."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

mujoco = pytest.importorskip("mujoco")

from worldsmith.assets.build import make_asset  # noqa: E402
from worldsmith.dsl import execute  # noqa: E402
from worldsmith.export import ExportError, export_scene, get_exporter  # noqa: E402
from worldsmith.export import collision as C  # noqa: E402
from worldsmith.export.mjcf import CONTACT_BITS, default_camera_record, export_mjcf, scene_to_mjcf  # noqa: E402
from worldsmith.scene import Light, ObjectInstance, Opening, Room, Scene  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def living_room() -> Scene:
    text = (EXAMPLES / "living_room.py").read_text()
    return execute(text, Scene(prompt="living room", seed=0), seed=0).scene


@pytest.fixture(scope="module")
def living_model(living_room):
    return mujoco.MjModel.from_xml_string(scene_to_mjcf(living_room))


def _obj(category: str, oid: str, position, *, seed: int = 0, support: str = "floor", yaw: float = 0.0,
         size=None) -> ObjectInstance:
    asset, sz = make_asset(category, np.random.default_rng(seed), size)
    return ObjectInstance(oid, category, asset, position, sz, yaw_deg=yaw, support=support)


def _room(openings=()) -> Room:
    return Room("room_0", "room", ((0.0, 0.0), (5.0, 0.0), (5.0, 4.0), (0.0, 4.0)), 2.7, openings=tuple(openings))


def _body_names(model) -> list[str]:
    return [model.body(i).name for i in range(1, model.nbody)]


def test_the_model_compiles_with_one_body_per_object(living_room, living_model):
    m = living_model
    assert _body_names(m) == [o.id for o in living_room.objects]
    movable = [o.id for o in living_room.objects if C.is_movable(o)]
    assert m.njnt == len(movable) and m.nq == 7 * len(movable)
    assert [m.joint(i).name for i in range(m.njnt)] == movable
    assert all(m.jnt_type[i] == mujoco.mjtJoint.mjJNT_FREE for i in range(m.njnt))
    for o in living_room.objects:
        b = m.body(o.id)
        assert (b.jntnum[0] == 1) == C.is_movable(o)
        np.testing.assert_allclose(m.body_pos[b.id], o.position, atol=1e-6)
        yaw = math.radians(o.yaw_deg)
        np.testing.assert_allclose(abs(np.dot(m.body_quat[b.id], (math.cos(yaw / 2), 0, 0, math.sin(yaw / 2)))), 1.0,
                                   atol=1e-6)
        # its geoms are its convex pieces, in order
        geoms = [m.geom(g).name for g in range(m.ngeom) if m.geom_bodyid[g] == b.id]
        assert geoms == [f"{o.id}/{k}" for k in range(len(C.collision_parts(o)))]


def test_static_shell_geoms_match_the_shell_boxes(living_room, living_model):
    m = living_model
    boxes = C.static_shell(living_room)
    world = [g for g in range(m.ngeom) if m.geom_bodyid[g] == 0]
    assert [m.geom(g).name for g in world] == [b.name for b in boxes]
    for g, b in zip(world, boxes):
        assert m.geom_type[g] == mujoco.mjtGeom.mjGEOM_BOX
        np.testing.assert_allclose(m.geom_size[g], b.half_extents, atol=1e-6)
        np.testing.assert_allclose(m.geom_pos[g], b.center, atol=1e-6)
        assert tuple(m.geom_contype[g:g + 1]) + tuple(m.geom_conaffinity[g:g + 1]) == CONTACT_BITS["building"]


def _ray(m, d, start, direction):
    geomid = np.zeros(1, dtype=np.int32)
    dist = mujoco.mj_ray(m, d, np.asarray(start, float), np.asarray(direction, float), None, 1, -1, geomid)
    return dist, int(geomid[0])


def test_door_hole_is_open_and_walls_are_solid(living_room, living_model):
    m = living_model
    d = mujoco.MjData(m)
    mujoco.mj_forward(m, d)
    scene = living_room
    room, door = next((r, o) for r, o in scene.openings() if o.kind == "door")
    wall = scene.wall(door.wall)
    centre = np.array(wall.point_at(door.center_offset))
    n = np.array(wall.normal)
    start = np.array([*(centre + 0.3 * n), 1.0])  # 30 cm inside the room, 1 m up
    out = np.array([*(-n), 0.0])
    dist, geom = _ray(m, d, start, out)
    assert dist == -1 or dist > 0.3 + wall.thickness + 1.0, (dist, m.geom(geom).name if geom >= 0 else None)
    # beside the door (20 cm past its jamb) the same ray meets the wall's inner face
    u = door.offset + door.width + 0.2
    beside = np.array([*(np.array(wall.point_at(u)) + 0.3 * n), 1.0])
    dist, geom = _ray(m, d, beside, out)
    assert m.geom(geom).name.startswith(f"{wall.id}_segment_") and dist == pytest.approx(0.3, abs=1e-6)
    # above the door the lintel is hit
    above = np.array([*(centre + 0.3 * n), door.height + 0.2])
    dist, geom = _ray(m, d, above, out)
    assert m.geom(geom).name == f"{wall.id}_above_{door.id}" and dist == pytest.approx(0.3, abs=1e-6)


def test_masses_are_positive_and_a_wooden_table_outweighs_a_cup():
    table = _obj("table", "table_0", (2.0, 2.0, 0.0), seed=1)
    cup = _obj("cup", "cup_0", (2.0, 2.0, table.size[2]), support="object:table_0")
    scene = Scene(rooms=(_room(),), objects=(table, cup))
    m = mujoco.MjModel.from_xml_string(scene_to_mjcf(scene))
    for o in scene.objects:
        b = m.body(o.id).id
        assert m.body_mass[b] == pytest.approx(C.object_mass(o), rel=1e-5)
        assert np.all(m.body_inertia[b] > 0)
    assert m.body_mass[m.body("table_0").id] > 10 * m.body_mass[m.body("cup_0").id] > 0


def _settled_a_moment(model, steps: int = 10):
    """Data after ``steps`` steps (20 ms: a free fall of 2 mm), when resting pieces have formed
    their contacts but cannot have sunk far."""
    d = mujoco.MjData(model)
    mujoco.mj_step(model, d, steps)
    return d


def test_no_piece_starts_inside_another(living_room, living_model):
    """At the scene's own poses, no two colliding geoms overlap by more than 3 mm (books on the
    shelf, the vase on the table, furniture on the floor all start touching, not sunk): every free
    body is in contact 20 ms in, and no contact is deeper than 3 mm."""
    m = living_model
    d = _settled_a_moment(m)
    bodies = {int(m.geom_bodyid[c.geom1]) for c in d.contact[: d.ncon]} | {
        int(m.geom_bodyid[c.geom2]) for c in d.contact[: d.ncon]}
    movable = {m.body(o.id).id for o in living_room.objects if C.is_movable(o)}
    assert movable <= bodies  # every free body starts touching something
    worst = min(d.contact.dist[: d.ncon])
    assert worst > -0.003


def test_rugs_collide_with_the_building_only(living_room, living_model):
    m = living_model
    rug = m.body("rug_0").id
    table = m.body("coffee_table_0").id
    for g in range(m.ngeom):
        if m.geom_bodyid[g] == rug:
            assert (int(m.geom_contype[g]), int(m.geom_conaffinity[g])) == CONTACT_BITS["covering"]
        if m.geom_bodyid[g] == table:
            assert (int(m.geom_contype[g]), int(m.geom_conaffinity[g])) == CONTACT_BITS["movable"]
    # the table's legs stand through the rug on the floor: no rug-table contact
    d = _settled_a_moment(m)
    pairs = {frozenset((int(m.geom_bodyid[c.geom1]), int(m.geom_bodyid[c.geom2]))) for c in d.contact[: d.ncon]}
    assert frozenset((rug, table)) not in pairs and frozenset((0, rug)) in pairs


def test_output_is_deterministic(living_room):
    a = scene_to_mjcf(living_room)
    text = (EXAMPLES / "living_room.py").read_text()
    again = execute(text, Scene(prompt="living room", seed=0), seed=0).scene
    b = scene_to_mjcf(again)
    assert a.encode() == b.encode()
    assert "-0 " not in a and "e-" not in a and "e+" not in a


def test_identical_objects_share_meshes(living_room, living_model):
    m = living_model
    books = [o for o in living_room.objects if o.category == "book"]
    same = [o for o in books if (o.asset, o.size) == (books[0].asset, books[0].size)]
    if len(same) >= 2:
        g0 = [g for g in range(m.ngeom) if m.geom_bodyid[g] == m.body(same[0].id).id]
        g1 = [g for g in range(m.ngeom) if m.geom_bodyid[g] == m.body(same[1].id).id]
        assert list(m.geom_dataid[g0]) == list(m.geom_dataid[g1])
    distinct = {(o.asset, o.size) for o in living_room.objects}
    assert m.nmesh == sum(len(C.collision_parts(next(o for o in living_room.objects if (o.asset, o.size) == k)))
                          for k in distinct)


def test_lights_are_written(living_room, living_model):
    m = living_model
    assert m.nlight == len(living_room.lights)
    for i, light in enumerate(living_room.lights):
        assert m.light(i).name == light.id
        np.testing.assert_allclose(m.light_pos[i], light.position, atol=1e-6)
    fixture = m.light("light_0")
    assert int(fixture.type[0]) == mujoco.mjtLightType.mjLIGHT_SPOT
    np.testing.assert_allclose(m.light_dir[fixture.id], (0, 0, -1), atol=1e-9)
    point = m.light("light_1")
    assert int(point.type[0]) == mujoco.mjtLightType.mjLIGHT_POINT
    assert m.light_intensity[point.id] == pytest.approx(25 * 15 / (4 * math.pi), rel=1e-5)
    spot = Light("spot_0", "spot", (1.0, 1.0, 2.5), watts=40, direction=(0.0, 1.0, -1.0), cone_deg=50)
    mm = mujoco.MjModel.from_xml_string(scene_to_mjcf(Scene(rooms=(_room(),), lights=(spot,))))
    assert mm.light_cutoff[0] == pytest.approx(25.0)
    np.testing.assert_allclose(mm.light_dir[0], np.array([0, 1, -1]) / math.sqrt(2), atol=1e-6)


def _gl_axes(record) -> np.ndarray:
    c2w = np.asarray(record["cam_to_world"], float)
    return c2w[:3, :3] @ np.diag([1.0, -1.0, -1.0])


def test_camera_records_become_cameras_with_the_same_pose(living_room):
    from worldsmith.render.cameras import preset

    records = [c.to_dict() for c in preset(living_room, "corners", width=64, height=48)]
    top = [c.to_dict() for c in preset(living_room, "topdown", width=64, height=48)]
    pano = [c.to_dict() for c in preset(living_room, "panorama", width=64, height=32)]
    assert top[0]["projection"] == "orthographic" and pano[0]["projection"] == "equirectangular"
    m = mujoco.MjModel.from_xml_string(scene_to_mjcf(living_room, cameras=records + top + pano))
    d = mujoco.MjData(m)
    mujoco.mj_forward(m, d)
    assert m.ncam == len(records) + 1  # the panorama is skipped
    for rec in records + top:
        cam = m.camera(rec["name"])
        c2w = np.asarray(rec["cam_to_world"], float)
        np.testing.assert_allclose(d.cam_xpos[cam.id], c2w[:3, 3], atol=1e-5)
        np.testing.assert_allclose(d.cam_xmat[cam.id].reshape(3, 3), _gl_axes(rec), atol=1e-5)
        np.testing.assert_array_equal(m.cam_resolution[cam.id], (rec["width"], rec["height"]))
        if rec["projection"] == "perspective":
            assert m.cam_projection[cam.id] == mujoco.mjtProjection.mjPROJ_PERSPECTIVE
            assert m.cam_fovy[cam.id] == pytest.approx(rec["fov_y_deg"], abs=1e-5)
        else:
            assert m.cam_projection[cam.id] == mujoco.mjtProjection.mjPROJ_ORTHOGRAPHIC
            assert m.cam_fovy[cam.id] == pytest.approx(rec["ortho_height_m"], abs=1e-5)


def test_default_camera_looks_at_the_room_centre(living_room, living_model):
    m = living_model
    d = mujoco.MjData(m)
    mujoco.mj_forward(m, d)
    assert m.ncam == 1 and m.camera(0).name == "default"
    forward = -d.cam_xmat[0].reshape(3, 3)[:, 2]
    centre = np.array([*np.mean(living_room.rooms[0].polygon, axis=0), 0.8])
    to_centre = centre - d.cam_xpos[0]
    assert np.dot(forward, to_centre / np.linalg.norm(to_centre)) == pytest.approx(1.0, abs=1e-6)
    assert living_room.rooms[0].contains(tuple(d.cam_xpos[0][:2]))
    up = d.cam_xmat[0].reshape(3, 3)[:, 1]
    assert up[2] > 0  # upright image
    rec = default_camera_record(living_room)
    np.testing.assert_allclose(d.cam_xmat[0].reshape(3, 3), _gl_axes(rec), atol=1e-6)


def test_duplicate_camera_names_and_bad_records_are_refused(living_room):
    rec = default_camera_record(living_room)
    with pytest.raises(ExportError, match="unique camera names"):
        scene_to_mjcf(living_room, cameras=[rec, rec])
    with pytest.raises(ExportError, match="cam_to_world"):
        scene_to_mjcf(living_room, cameras=[{"name": "x"}])
    with pytest.raises(ExportError, match="projection"):
        scene_to_mjcf(living_room, cameras=[{**rec, "projection": "fisheye"}])
    with pytest.raises(ExportError, match="timestep"):
        scene_to_mjcf(living_room, timestep=0.0)


def test_timestep_is_written():
    m = mujoco.MjModel.from_xml_string(scene_to_mjcf(Scene(rooms=(_room(),)), timestep=0.005))
    assert m.opt.timestep == pytest.approx(0.005)
    assert m.opt.cone == mujoco.mjtCone.mjCONE_ELLIPTIC
    assert m.opt.integrator == mujoco.mjtIntegrator.mjINT_IMPLICITFAST
    multiccd_off = getattr(mujoco.mjtDisableBit, "mjDSBL_MULTICCD", None)
    if multiccd_off is not None:  # MuJoCo >= 3.8: a disable flag
        assert not m.opt.disableflags & int(multiccd_off)
    else:
        assert m.opt.enableflags & int(mujoco.mjtEnableBit.mjENBL_MULTICCD)


def test_export_through_the_registry_writes_a_loadable_file(living_room, tmp_path):
    assert get_exporter("mjcf") is export_mjcf
    path = tmp_path / "sub" / "scene.xml"
    export_scene(living_room, "mjcf", path)
    m = mujoco.MjModel.from_xml_path(str(path))
    assert _body_names(m) == [o.id for o in living_room.objects]
    assert path.read_text(encoding="utf-8") == scene_to_mjcf(living_room)


def test_a_scene_with_a_prompt_full_of_xml_characters_compiles():
    obj = _obj("chair", "chair_0", (2.0, 2.0, 0.0))
    door = Opening("door_0", "door", "wall_0", offset=1.0, width=0.9, height=2.1)
    scene = Scene(prompt='a "room" -- with <tags> & stuff --', rooms=(_room((door,)),), objects=(obj,))
    m = mujoco.MjModel.from_xml_string(scene_to_mjcf(scene))
    assert _body_names(m) == ["chair_0"]
