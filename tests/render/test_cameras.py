"""Camera presets: placement geometry (free spots, eye height, framing, cut walls) checked exactly,
and, where the gl backend runs, what the views show (instance masks, unprojected depth)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from shapely.geometry import Point, Polygon

from worldsmith.render import cameras
from worldsmith.render.camera import Camera
from worldsmith.render.errors import RenderError
from worldsmith.scene import AssetRef, ObjectInstance, Opening, Room, Scene

T = 0.12  # wall thickness


def obj(oid: str, cat: str, pos, size, yaw: float = 0.0, support: str = "floor") -> ObjectInstance:
    return ObjectInstance(id=oid, category=cat, asset=AssetRef("fallback", cat), position=pos, size=size,
                          yaw_deg=yaw, support=support)


def furnished() -> Scene:
    # wall_0: y=0 (normal +y), wall_1: x=5 (normal -x), wall_2: y=4 (normal -y), wall_3: x=0 (normal +x)
    room = Room("room_0", "living room", [(0, 0), (5, 0), (5, 4), (0, 4)], 2.7, wall_thickness=T, openings=(
        Opening("door_0", "door", "wall_0", 0.4, 0.9, 2.1),
        Opening("window_0", "window", "wall_2", 1.8, 1.4, 1.2, sill=0.9),
        Opening("window_1", "window", "wall_1", 1.0, 1.2, 1.2, sill=0.9),
    ))
    return Scene(prompt="test", rooms=(room,), objects=(
        obj("sofa_0", "sofa", (2.5, 3.45, 0.0), (2.0, 0.9, 0.8), yaw=180.0),
        obj("coffee_table_0", "coffee_table", (2.5, 2.3, 0.0), (1.0, 0.6, 0.45)),
        obj("armchair_0", "armchair", (0.9, 2.3, 0.0), (0.8, 0.8, 0.9), yaw=270.0),
        obj("bookshelf_0", "bookshelf", (4.78, 2.5, 0.0), (0.9, 0.35, 1.9), yaw=90.0),
        obj("cabinet_0", "cabinet", (4.0, 0.3, 0.0), (1.2, 0.45, 0.8)),
        obj("rug_0", "rug", (2.5, 2.3, 0.0), (2.4, 1.6, 0.01)),
        obj("vase_0", "vase", (2.3, 2.3, 0.45), (0.15, 0.15, 0.3), support="object:coffee_table_0"),
        obj("painting_0", "painting", (1.0, 3.98, 1.3), (0.9, 0.04, 0.6), yaw=180.0, support="wall:wall_2"),
        obj("ceiling_light_0", "ceiling_light", (2.5, 2.0, 2.6), (0.4, 0.4, 0.1), support="ceiling"),
    ))


def l_shaped() -> Scene:
    room = Room("room_0", "hall", [(0, 0), (6, 0), (6, 3), (3, 3), (3, 5), (0, 5)], 2.6, wall_thickness=T)
    return Scene(rooms=(room,), objects=(
        obj("table_0", "table", (1.5, 1.5, 0.0), (1.2, 0.8, 0.75)),
        obj("cabinet_0", "cabinet", (0.35, 4.6, 0.0), (0.6, 0.5, 1.2)),  # blocks the corner at (0, 5)
    ))


def two_rooms() -> Scene:
    a = Room("room_a", "kitchen", [(0, 0), (4, 0), (4, 3), (0, 3)], 2.6, wall_thickness=T)
    b = Room("room_b", "dining", [(0, 3 + T), (4, 3 + T), (4, 6), (0, 6)], 2.6, wall_thickness=T)
    return Scene(rooms=(a, b), objects=(obj("table_0", "table", (2.0, 4.5, 0.0), (1.2, 0.8, 0.75)),
                                        obj("chair_0", "chair", (1.0, 4.5, 0.0), (0.5, 0.5, 0.9))))


@pytest.fixture(scope="module")
def scene() -> Scene:
    return furnished()


def obstacles(scene: Scene, z: float) -> list[ObjectInstance]:
    return [o for o in scene.objects if o.top > cameras.OBSTACLE_MIN_TOP_M and o.position[2] < z + cameras.CLEARANCE_M]


def assert_free(scene: Scene, cam: Camera, room: Room, wall_clearance: float = cameras.WALL_CLEARANCE_M) -> None:
    """Inside the room, clear of the walls and of every obstacle's footprint, inside no object's box."""
    p = cam.position
    poly = Polygon(room.polygon)
    assert poly.contains(Point(p[0], p[1]))
    assert poly.exterior.distance(Point(p[0], p[1])) >= wall_clearance - 1e-9
    for o in obstacles(scene, p[2]):
        assert Polygon(o.footprint).distance(Point(p[0], p[1])) >= cameras.CLEARANCE_M - 1e-9, o.id
    for o in scene.objects:
        inside_xy = Polygon(o.footprint).covers(Point(p[0], p[1]))
        assert not (inside_xy and o.position[2] <= p[2] <= o.top), o.id


def in_image(cam: Camera, pts: np.ndarray, margin: float = 0.0) -> np.ndarray:
    uv, z = cam.project(pts)
    return (z > 0) & (uv[:, 0] >= -0.5 + margin) & (uv[:, 0] <= cam.width - 0.5 - margin) & \
        (uv[:, 1] >= -0.5 + margin) & (uv[:, 1] <= cam.height - 0.5 - margin)


def box_corners(o: ObjectInstance) -> np.ndarray:
    fp = np.asarray(o.footprint)
    return np.array([[x, y, z] for x, y in fp for z in (o.position[2], o.top)])


# ---------------------------------------------------------------------------------------------
# topdown


def test_topdown_frames_every_wall_and_object_with_the_margin(scene):
    cam = cameras.topdown(scene, width=400, margin_m=0.4)
    assert cam.projection == "orthographic" and cam.name == "topdown"
    ppm = cam.K[0, 0]
    assert cam.meta["px_per_m"] == pytest.approx(ppm)
    outer = np.array([[x, y, 0.0] for x in (-T, 5 + T) for y in (-T, 4 + T)])
    # the walls' outer corners are 0.4 m (in pixels) inside the image edges, on the tight axis exactly
    uv, _ = cam.project(outer)
    assert uv[:, 0].min() + 0.5 == pytest.approx(0.4 * ppm, abs=1e-6)
    assert cam.width - 0.5 - uv[:, 0].max() == pytest.approx(0.4 * ppm, abs=1e-6)
    assert uv[:, 1].min() + 0.5 >= 0.4 * ppm - 1.0 and cam.height - 0.5 - uv[:, 1].max() >= 0.4 * ppm - 1.0
    # height follows the aspect of the framed box
    assert cam.height == round(400 * (4 + 2 * T + 0.8) / (5 + 2 * T + 0.8))
    for o in scene.objects:
        assert in_image(cam, box_corners(o), margin=0.3 * ppm).all(), o.id


def test_topdown_image_axes_are_world_x_right_and_y_up(scene):
    cam = cameras.topdown(scene, width=300)
    uv, z = cam.project(np.array([[1.0, 1.0, 0.0], [2.0, 1.0, 0.0], [1.0, 2.0, 0.0]]))
    ppm = cam.K[0, 0]
    assert uv[1] - uv[0] == pytest.approx([ppm, 0.0], abs=1e-9)
    assert uv[2] - uv[0] == pytest.approx([0.0, -ppm], abs=1e-9)
    # the room's box projects to the metric position the meta records
    x0, y0 = cam.meta["world_min"]
    x1, y1 = cam.meta["world_max"]
    corners_uv, _ = cam.project(np.array([[x0, y1, 0.0], [x1, y0, 0.0]]))
    assert corners_uv[0] == pytest.approx([-0.5, -0.5], abs=1e-6)
    assert corners_uv[1] == pytest.approx([cam.width - 0.5, cam.height - 0.5], abs=1e-6)
    # near/far bracket everything from the floor to the ceiling
    assert cam.near < z.min() and z.max() < cam.far
    assert cam.near < cam.project(np.array([[2.5, 2.0, 2.7]]))[1][0]


def test_topdown_hides_only_the_ceilings():
    s = two_rooms()
    cam = cameras.topdown(s, width=200)
    assert cam.hidden == ("ceiling_room_a", "ceiling_room_b")
    assert cam.cutaway == ()
    wide = cameras.topdown(s, width=300, height=100)  # both sizes: the tight axis (y) is framed
    assert (wide.width, wide.height) == (300, 100)
    assert wide.ortho_height_m == pytest.approx(6 + 2 * T + 0.8)


# ---------------------------------------------------------------------------------------------
# auto perspective


def test_auto_perspective_stands_free_at_eye_height_looking_slightly_down(scene):
    cam = cameras.auto_perspective(scene, width=160, height=120)
    assert cam.projection == "perspective" and cam.name == "perspective"
    assert 1.5 <= cam.position[2] <= 1.7
    assert_free(scene, cam, scene.rooms[0])
    pitch = math.degrees(math.asin(-cam.forward[2]))
    assert 8.0 - 1e-9 <= pitch <= 25.0 + 1e-9
    # image up is world up (no roll)
    assert abs(cam.c2w[2, 0]) < 1e-9


def test_auto_perspective_looks_at_the_furniture(scene):
    cam = cameras.auto_perspective(scene, width=160, height=120)
    floor = [o for o in scene.objects if o.support_kind == "floor"]
    centres = np.array([[o.position[0], o.position[1], o.size[2] / 2] for o in floor])
    seen = in_image(cam, centres)
    assert seen.sum() >= len(floor) - 1, [o.id for o, s in zip(floor, seen) if not s]
    # the recorded in-view list names what projects into the image
    for oid in cam.meta["in_view"]:
        o = scene.object(oid)
        assert in_image(cam, np.array([[o.position[0], o.position[1], o.position[2] + o.size[2] / 2]]))[0]


def test_auto_perspective_turns_to_the_furnished_half():
    room = Room("room_0", "r", [(0, 0), (8, 0), (8, 4), (0, 4)], 2.7)
    objs = tuple(obj(f"cabinet_{i}", "cabinet", (6.0 + 0.9 * (i % 2), 1.0 + 1.2 * (i // 2), 0.0), (0.6, 0.5, 0.9))
                 for i in range(4))
    s = Scene(rooms=(room,), objects=objs)
    cam = cameras.auto_perspective(s, width=160, height=120)
    centres = np.array([[o.position[0], o.position[1], 0.45] for o in objs])
    assert in_image(cam, centres).all()
    assert cam.forward[0] > 0.5  # towards +x, where the furniture is


def test_auto_perspective_is_deterministic_and_handles_empty_and_crowded_rooms(scene):
    assert cameras.auto_perspective(scene) == cameras.auto_perspective(scene)
    empty = Scene(rooms=(Room("room_0", "r", [(0, 0), (4, 0), (4, 3), (0, 3)], 2.5),))
    cam = cameras.auto_perspective(empty, width=64, height=48)
    assert_free(empty, cam, empty.rooms[0])
    centre = np.array([[2.0, 1.5, 1.0]])
    assert in_image(cam, centre)[0]
    # a room filled with cabinets but for a 0.5 m aisle: the camera stands in the aisle
    room = Room("room_0", "r", [(0, 0), (4, 0), (4, 3), (0, 3)], 2.5)
    cabinets = (obj("cabinet_0", "cabinet", (2.0, 0.625, 0.0), (4.0, 1.25, 1.0)),
                obj("cabinet_1", "cabinet", (2.0, 2.375, 0.0), (4.0, 1.25, 1.0)))
    crowded = Scene(rooms=(room,), objects=cabinets)
    cam = cameras.auto_perspective(crowded, width=64, height=48)
    p = cam.position
    for o in cabinets:
        assert not Polygon(o.footprint).contains(Point(p[0], p[1])), o.id
    assert 1.25 <= p[1] <= 1.75


def test_low_room_gets_a_lower_eye():
    s = Scene(rooms=(Room("room_0", "attic", [(0, 0), (3, 0), (3, 3), (0, 3)], 1.8),))
    assert cameras.eye_height(s.rooms[0]) == pytest.approx(1.45)
    assert cameras.auto_perspective(s, width=32, height=24).position[2] == pytest.approx(1.45)


# ---------------------------------------------------------------------------------------------
# corners


def test_corners_one_view_per_corner_looking_across_the_room(scene):
    cams = cameras.corners(scene, width=160, height=120)
    room = scene.rooms[0]
    assert [c.name for c in cams] == [f"corner_{i}" for i in range(4)]
    centre = np.array([2.5, 2.0])
    for cam, vertex in zip(cams, room.polygon):
        assert cam.meta["corner"] == list(vertex)
        assert cam.position[2] == pytest.approx(1.6)
        assert cam.fov_y_deg == 75.0
        assert_free(scene, cam, room, wall_clearance=cameras.CORNER_WALL_CLEARANCE_M)
        # looking at the room centre: the horizontal heading points at it, pitched 10-25 degrees down
        fwd = cam.forward
        to = centre - cam.position[:2]
        assert math.degrees(abs(math.atan2(fwd[1], fwd[0]) - math.atan2(to[1], to[0]))) < 1e-6
        assert 10.0 - 1e-9 <= math.degrees(math.asin(-fwd[2])) <= 25.0 + 1e-9
        assert in_image(cam, np.array([[2.5, 2.0, 0.5]]))[0]
    # corners without furniture sit 0.35 m along the bisector
    assert cams[0].position[:2] == pytest.approx(np.array([0.0, 0.0]) + 0.35 / math.sqrt(2))
    # the corner at (5, 0) has the cabinet 0.15 m away: it moved to the nearest free spot
    assert np.linalg.norm(cams[1].position[:2] - np.array([5 - 0.2475, 0.2475])) > 1e-3


def test_corners_of_an_l_shaped_room_skip_the_reflex_corner_and_dodge_furniture():
    s = l_shaped()
    cams = cameras.corners(s, width=64, height=48)
    room = s.rooms[0]
    convex = [v for i, v in enumerate(room.polygon) if v != (3.0, 3.0)]
    assert [tuple(c.meta["corner"]) for c in cams] == convex
    for cam in cams:
        assert_free(s, cam, room, wall_clearance=cameras.CORNER_WALL_CLEARANCE_M)
    blocked = cams[convex.index((0.0, 5.0))]
    # the nearest free spot to the wanted one: 0.25 m past the cabinet's footprint
    want = np.array([0.0, 5.0]) + np.array([1.0, -1.0]) * 0.35 / math.sqrt(2)
    moved = np.linalg.norm(blocked.position[:2] - want)
    assert 0.0 < moved < 1.0


# ---------------------------------------------------------------------------------------------
# orbit


def test_orbit_cuts_exactly_the_walls_seen_from_behind(scene):
    cams = cameras.orbit(scene, width=160, height=120, count=4)
    assert [c.name for c in cams] == ["orbit_0", "orbit_1", "orbit_2", "orbit_3"]
    cut_counts: dict[str, int] = {}
    for k, cam in enumerate(cams):
        assert cam.meta["azimuth_deg"] == pytest.approx((225.0 + 90.0 * k) % 360.0)
        eye = cam.position
        expect = {w.id for w in scene.walls if np.dot(w.normal, eye[:2] - np.asarray(w.start)) < 0}
        walls = {c for c in cam.cutaway if c.startswith("wall_")}
        assert walls == expect and len(walls) == 2
        for w in walls:
            cut_counts[w] = cut_counts.get(w, 0) + 1
        openings = {o.id for _r, o in scene.openings() if o.wall in walls}
        hung = {o.id for o in scene.objects if o.support_kind == "wall" and o.support_target in walls}
        assert set(cam.cutaway) == walls | openings | hung
        assert cam.hidden == ("ceiling_room_0",)
        assert 1.0 <= cam.cut_height_m <= 1.2
    assert cut_counts == {"wall_0": 2, "wall_1": 2, "wall_2": 2, "wall_3": 2}
    # the default view, from the south-west, cuts wall_0 (south) and wall_3 (west) and the door in wall_0
    assert {"wall_0", "wall_3", "door_0"} <= set(cams[0].cutaway)


def test_orbit_frames_the_whole_room_from_above(scene):
    cam = cameras.orbit(scene, width=160, height=120, elevation_deg=40.0)[0]
    box = np.array([[x, y, z] for x in (-T, 5 + T) for y in (-T, 4 + T) for z in (0.0, 2.7)])
    assert in_image(cam, box).all()
    uv, _ = cam.project(box)
    # tight: some corner touches the 5 % margin on one axis
    span = max((uv[:, 0].max() - uv[:, 0].min()) / cam.width, (uv[:, 1].max() - uv[:, 1].min()) / cam.height)
    assert span > 0.8
    target = cam.position + cam.forward * 10.0
    elevation = math.degrees(math.asin(-cam.forward[2]))
    assert elevation == pytest.approx(40.0)
    assert target[0] > cam.position[0] and target[1] > cam.position[1]  # looking north-east


def test_orbit_cuts_walls_shared_between_rooms():
    s = two_rooms()
    cam = cameras.orbit(s, width=64, height=48)[0]
    walls = {w.id: w for w in s.walls}
    shared = {wid for wid, w in walls.items() if (w.room == "room_a" and w.index == 2) or
              (w.room == "room_b" and w.index == 4)}
    assert shared == {"wall_2", "wall_4"}
    assert shared <= set(cam.cutaway)
    assert "wall_6" not in cam.cutaway and "wall_1" not in cam.cutaway  # the far outer walls stay


# ---------------------------------------------------------------------------------------------
# panorama and presets


def test_panorama_camera_stands_free_near_the_centre(scene):
    cam = cameras.panorama(scene, width=256)
    assert cam.projection == "equirectangular" and (cam.width, cam.height) == (256, 128)
    assert_free(scene, cam, scene.rooms[0])
    assert cam.position[2] == pytest.approx(1.6)
    # no free grid spot is nearer the centre
    spots = cameras.free_spots(scene, scene.rooms[0], 1.6)
    d = np.linalg.norm(spots - np.array([2.5, 2.0]), axis=1)
    assert np.linalg.norm(cam.position[:2] - np.array([2.5, 2.0])) == pytest.approx(d.min())
    assert cam.forward == pytest.approx([0.0, 1.0, 0.0], abs=1e-12)
    given = cameras.panorama(scene, width=64, position=(1.0, 1.0))
    assert given.position == pytest.approx([1.0, 1.0, 1.6]) and given.height == 32


def test_presets_by_name(scene):
    sizes = {}
    for name in cameras.PRESETS:
        cams = cameras.preset(scene, name)
        assert cams and all(isinstance(c, Camera) for c in cams)
        sizes[name] = (cams[0].width, cams[0].height, len(cams))
    assert sizes["perspective"] == (640, 480, 1)
    assert sizes["corners"] == (640, 480, 4)
    assert sizes["orbit"] == (640, 480, 1)
    assert sizes["panorama"] == (2048, 1024, 1)
    assert sizes["topdown"][0] == 800
    assert cameras.preset(scene, "corners", width=320)[0].height == 240
    assert cameras.preset(scene, "orbit", width=100, height=50, count=3)[2].name == "orbit_2"
    with pytest.raises(RenderError, match="topdown, perspective, corners, orbit, panorama"):
        cameras.preset(scene, "fisheye")


def test_cameras_round_trip_through_their_records(scene):
    for name in cameras.PRESETS:
        for cam in cameras.preset(scene, name, width=64):
            back = Camera.from_dict(cam.to_dict())
            assert back.c2w == pytest.approx(cam.c2w, abs=1e-8)
            assert (back.hidden, back.cutaway, back.projection) == (cam.hidden, cam.cutaway, cam.projection)


def test_empty_scene_is_refused():
    with pytest.raises(RenderError, match="room"):
        cameras.auto_perspective(Scene())
    with pytest.raises(RenderError, match="empty"):
        cameras.topdown(Scene())


# ---------------------------------------------------------------------------------------------
# rendered views (gl backend)




def test_auto_perspective_view_shows_the_furniture(gl, scene):
    cam = cameras.auto_perspective(scene, width=160, height=120)
    frame = gl.render(scene, cam, {"instance"})
    seen = frame.visible_ids()
    floor = [o.id for o in scene.objects if o.support_kind == "floor"]
    shown = [oid for oid in floor if seen.get(oid, 0) >= 30]
    assert len(shown) >= len(floor) - 1, (shown, seen)


def test_corner_views_show_floor_and_furniture(gl, scene):
    for cam in cameras.corners(scene, width=96, height=72):
        seen = gl.render(scene, cam, {"instance"}).visible_ids()
        assert seen.get("floor_room_0", 0) + seen.get("rug_0", 0) > 0.08 * cam.width * cam.height, cam.name
        assert sum(1 for o in scene.objects if o.support_kind == "floor" and o.id in seen) >= 3, (cam.name, seen)


def test_orbit_view_shows_the_floor_and_nothing_of_cut_walls_above_the_cut(gl, scene):
    cam = cameras.orbit(scene, width=160, height=120)[0]
    frame = gl.render(scene, cam, {"instance", "depth"})
    ids = frame.visible_ids()
    assert ids.get("floor_room_0", 0) + ids.get("rug_0", 0) > 0.05 * cam.width * cam.height
    assert "ceiling_room_0" not in ids
    depth = frame.depth.ravel()
    hit = np.isfinite(depth)
    pts = frame.points().reshape(-1, 3)[hit]
    inst = frame.instance.ravel()[hit]
    table = frame.instances
    cut = np.array([table[i]["id"] in cam.cutaway for i in inst])
    kept_walls = np.array([table[i]["kind"] == "wall" and table[i]["id"] not in cam.cutaway for i in inst])
    assert cut.sum() > 50 and kept_walls.sum() > 50
    assert pts[cut, 2].max() <= cam.cut_height_m + 0.01
    assert pts[kept_walls, 2].max() > 2.0  # the far walls stand at full height


def test_topdown_view_shows_floor_objects_at_their_projected_centres(gl, scene):
    cam = cameras.topdown(scene, width=200)
    frame = gl.render(scene, cam, {"instance"})
    ids = frame.visible_ids()
    assert "ceiling_room_0" not in ids and "floor_room_0" in ids
    for oid in ("sofa_0", "armchair_0", "bookshelf_0", "cabinet_0"):
        o = scene.object(oid)
        uv, _ = cam.project(np.array([[o.position[0], o.position[1], o.top]]))
        col, row = np.rint(uv[0]).astype(int)
        assert frame.instances[frame.instance[row, col]]["id"] == oid
