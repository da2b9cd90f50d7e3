"""solve_wall: wall objects flush on a wall, facing in, clear of openings, other wall objects and
furniture in front; alignment, facing, nearness; any_wall; L-shaped and acute rooms; failures."""

from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import LineString, Polygon

from worldsmith.assets import build_object_parts, make_asset, object_transform
from worldsmith.layout.constraints import (
    ALIGN_TOL_M,
    NEAR_GAP_M,
    Against,
    At,
    CenterAlignedWith,
    Facing,
    Height,
    Near,
    OnWall,
)
from worldsmith.layout.errors import Unplaceable
from worldsmith.layout.resolve import FLOOR_WALL_GAP_M, support_problem
from worldsmith.layout.wall import (
    CLEARANCE_M,
    FRONT_BAND_M,
    OPENING_MARGIN_M,
    WALL_OBJECT_GAP_M,
    solve_wall,
)
from worldsmith.metrics import validate
from worldsmith.scene import ObjectInstance, Opening, Room, Scene
from worldsmith.scene.geometry import front_direction, yaw_facing
from worldsmith.scene.rng import derive_rng

RECT = ((0.0, 0.0), (5.0, 0.0), (5.0, 4.0), (0.0, 4.0))  # wall_0 y=0, wall_1 x=5, wall_2 y=4, wall_3 x=0
L_SHAPE = ((0.0, 0.0), (6.0, 0.0), (6.0, 3.0), (3.0, 3.0), (3.0, 5.0), (0.0, 5.0))
WALL_CATEGORIES = ("painting", "poster", "mirror", "wall_shelf", "tv", "clock", "whiteboard", "wall_cabinet",
                   "neon_sign", "coat_hook")
EPS = 1e-6


def rng(*names) -> np.random.Generator:
    return derive_rng(7, "test_wall", *names)


def make(oid: str, category: str, size=None, seed: int = 1) -> ObjectInstance:
    asset, sz = make_asset(category, np.random.default_rng(seed), size)
    return ObjectInstance(oid, category, asset, (1.0, 1.0, 0.0), sz)


def against(scene_or_room, oid: str, category: str, wall_id: str, along: float, size=None) -> ObjectInstance:
    """A floor object with its back against ``wall_id`` (1 cm gap), centred at ``along`` (fraction)."""
    room = scene_or_room
    wall = next(w for w in room.walls() if w.id == wall_id)
    obj = make(oid, category, size)
    px, py = wall.point_at(along * wall.length)
    nx, ny = wall.normal
    off = obj.size[1] / 2.0 + FLOOR_WALL_GAP_M
    return ObjectInstance(oid, category, obj.asset, (px + nx * off, py + ny * off, 0.0), obj.size,
                          yaw_facing(wall.normal), "floor")


def scene_of(room: Room, *objects: ObjectInstance) -> Scene:
    return Scene(rooms=(room,), objects=tuple(objects))


def add(scene: Scene, obj: ObjectInstance) -> Scene:
    return Scene(rooms=scene.rooms, objects=tuple(o for o in scene.objects if o.id != obj.id) + (obj,))


def wall_frame(wall, xy):
    rel = np.asarray(xy, dtype=float)[..., :2] - np.asarray(wall.start)
    return rel @ np.asarray(wall.direction), rel @ np.asarray(wall.normal)


def interval(obj: ObjectInstance, wall) -> tuple[float, float]:
    s, _ = wall_frame(wall, np.array(obj.footprint))
    return float(s.min()), float(s.max())


def world_parts(obj: ObjectInstance) -> list[np.ndarray]:
    m = object_transform(obj)
    return [p.mesh.vertices @ m[:3, :3].T + m[:3, 3] for p in build_object_parts(obj)]


def assert_wall_rules(scene: Scene, obj: ObjectInstance) -> None:
    """The documented hard rules for ``obj`` (already in ``scene``), checked independently of the
    solver: flush and facing in, clear of openings on its wall (3D, with the margin), of other wall
    objects (3D, with the gap), and of furniture in front (each mesh part's real vertices)."""
    assert obj.support_kind == "wall"
    assert support_problem(scene, obj) is None
    wall = scene.wall(obj.support_target)
    room = scene.room(wall.room)
    s0, s1 = interval(obj, wall)
    z0, z1 = obj.position[2], obj.top
    assert -EPS <= s0 and s1 <= wall.length + EPS
    assert z0 >= -EPS and z1 <= room.height + EPS
    for op in room.openings:
        if op.wall != wall.id or (obj.category == "curtain" and op.kind == "window"):
            continue
        m = OPENING_MARGIN_M - EPS
        apart_along = s1 <= op.offset - m or s0 >= op.offset + op.width + m
        apart_height = z1 <= op.sill - m or z0 >= op.sill + op.height + m
        assert apart_along or apart_height, f"{obj.id} overlaps {op.id}"
    mine = Polygon(obj.footprint)
    for other in scene.objects:
        if other.id == obj.id:
            continue
        if other.support_kind == "wall":
            g = WALL_OBJECT_GAP_M - EPS
            apart_height = other.position[2] >= z1 + g or other.top <= z0 - g
            assert apart_height or mine.distance(Polygon(other.footprint)) >= g, f"{obj.id} touches {other.id}"
        elif other.category not in ("rug", "yoga_mat"):
            for verts in world_parts(other):
                s, n = wall_frame(wall, verts)
                if n.min() < FRONT_BAND_M and n.max() > 1e-3 and s.max() > s0 and s.min() < s1:
                    assert verts[:, 2].max() <= z0 or verts[:, 2].min() >= z1, \
                        f"{other.id} stands in front of {obj.id} (top {verts[:, 2].max():.2f} > bottom {z0:.2f})"


def assert_valid(scene: Scene) -> None:
    report = validate(scene)
    assert report.ok, report.summary_lines()


# ---------------------------------------------------------------------------------------------
# alignment with furniture


@pytest.mark.parametrize("target, wall_id, along, size, category", [
    ("sofa", "wall_0", 0.4, None, "painting"),  # a painting above the sofa, on the wall behind it
    ("tv_stand", "wall_2", 0.5, None, "tv"),  # a TV above its stand, clear of the stand's top
    ("bed", "wall_2", 0.5, (1.6, 2.1, 1.3), "painting"),  # raised over a tall headboard (mount height 1.2)
])
def test_centred_above_the_furniture_on_the_wall_behind_it(target, wall_id, along, size, category):
    room = Room("room_0", "living room", RECT, 2.8)
    base = against(room, f"{target}_0", target, wall_id, along, size=size)
    scene = scene_of(room, base)
    obj = solve_wall(scene, make(f"{category}_0", category), [CenterAlignedWith(base.id)], rng(target))
    scene = add(scene, obj)
    assert obj.support == f"wall:{wall_id}"
    # centre on the target's front axis (the constraint's own test), above it
    assert abs(obj.position[0] - base.position[0]) <= ALIGN_TOL_M
    assert obj.position[2] >= base.top + CLEARANCE_M - EPS
    assert_wall_rules(scene, obj)
    assert_valid(scene)


def test_tv_centred_on_the_sofa_goes_on_the_wall_the_sofa_faces():
    room = Room("room_0", "living room", RECT, 2.8)
    sofa = against(room, "sofa_0", "sofa", "wall_0", 0.55)
    scene = scene_of(room, sofa)
    tv = solve_wall(scene, make("tv_0", "tv"), [CenterAlignedWith("sofa_0"), Facing("sofa_0")], rng("tv"))
    scene = add(scene, tv)
    assert tv.support == "wall:wall_2"
    assert abs(tv.position[0] - sofa.position[0]) <= ALIGN_TOL_M
    f = front_direction(tv.yaw_deg)
    ray = LineString([tv.position[:2], (tv.position[0] + 20 * f[0], tv.position[1] + 20 * f[1])])
    assert ray.intersects(Polygon(sofa.footprint))
    assert_wall_rules(scene, tv)
    assert_valid(scene)


def test_tv_on_a_bare_wall_prefers_the_wall_the_main_seating_faces():
    room = Room("room_0", "living room", RECT, 2.8)
    sofa = against(room, "sofa_0", "sofa", "wall_1", 0.5)  # faces wall_3
    scene = scene_of(room, sofa)
    for seed in range(5):
        tv = solve_wall(scene, make("tv_0", "tv"), [], rng("seat", seed))
        assert tv.support == "wall:wall_3"


@pytest.mark.parametrize("category", ["painting", "wall_cabinet", "tv"])
def test_alignment_with_a_turned_target_puts_the_centre_on_its_axis(category):
    room = Room("room_0", "living room", RECT, 2.8)
    base = make("sofa_0", "sofa")
    sofa = ObjectInstance("sofa_0", "sofa", base.asset, (2.4, 1.9, 0.0), base.size, 40.0, "floor")
    scene = scene_of(room, sofa)
    obj = solve_wall(scene, make(f"{category}_0", category), [CenterAlignedWith("sofa_0")], rng("turned", category))
    scene = add(scene, obj)
    f = front_direction(sofa.yaw_deg)
    rel = (obj.position[0] - sofa.position[0], obj.position[1] - sofa.position[1])
    assert abs(rel[0] * f[1] - rel[1] * f[0]) <= ALIGN_TOL_M  # distance to the axis line
    assert_wall_rules(scene, obj)
    assert_valid(scene)


def test_near_puts_it_within_the_near_gap():
    room = Room("room_0", "bedroom", RECT, 2.8)
    bed = against(room, "bed_0", "bed", "wall_1", 0.5)
    scene = scene_of(room, bed)
    m = solve_wall(scene, make("mirror_0", "mirror"), [Near("bed_0")], rng("near"))
    scene = add(scene, m)
    assert Polygon(m.footprint).distance(Polygon(bed.footprint)) <= NEAR_GAP_M
    assert_wall_rules(scene, m)


# ---------------------------------------------------------------------------------------------
# what blocks a wall


def test_tall_furniture_in_front_keeps_the_stretch_free_and_a_full_wall_is_refused():
    room = Room("room_0", "bedroom", ((0.0, 0.0), (4.0, 0.0), (4.0, 3.0), (0.0, 3.0)), 2.6)
    wardrobe = against(room, "wardrobe_0", "wardrobe", "wall_0", 0.5)
    scene = scene_of(room, wardrobe)
    for seed in range(4):
        p = solve_wall(scene, make("painting_0", "painting"), [OnWall("wall_0")], rng("wardrobe", seed))
        s0, s1 = interval(p, scene.wall("wall_0"))
        w0, w1 = interval(wardrobe, scene.wall("wall_0"))
        assert s1 <= w0 - CLEARANCE_M + EPS or s0 >= w1 + CLEARANCE_M - EPS
        assert_wall_rules(add(scene, p), p)
    full = scene_of(room, *(against(room, f"wardrobe_{i}", "wardrobe", "wall_0", x / 4.0)
                            for i, x in enumerate((0.7, 1.95, 3.2))))
    assert_valid(full)
    with pytest.raises(Unplaceable) as err:
        solve_wall(full, make("painting_0", "painting"), [OnWall("wall_0")], rng("full"))
    assert err.value.constraint.startswith("wall space on wall_0")
    assert "tall furniture" in err.value.constraint


def test_any_wall_picks_the_only_free_wall():
    room = Room("room_0", "office", ((0.0, 0.0), (3.0, 0.0), (3.0, 3.0), (0.0, 3.0)), 2.7, openings=(
        Opening("window_0", "window", "wall_0", 0.2, 2.6, 2.0, 0.5),
        Opening("door_0", "door", "wall_1", 0.05, 0.8, 2.1),
        Opening("window_1", "window", "wall_1", 0.95, 1.25, 1.6, 0.8),
    ))
    scene = scene_of(room, against(room, "wardrobe_0", "wardrobe", "wall_2", 0.25),
                     against(room, "wardrobe_1", "wardrobe", "wall_2", 0.71))
    assert_valid(scene)
    for seed in range(6):
        p = solve_wall(scene, make("painting_0", "painting"), [OnWall("any_wall")], rng("anywall", seed))
        assert p.support == "wall:wall_3"
        assert_wall_rules(add(scene, p), p)


def test_openings_are_avoided_in_3d_a_picture_may_hang_above_a_door():
    room = Room("room_0", "hall", ((0.0, 0.0), (1.2, 0.0), (1.2, 3.0), (0.0, 3.0)), 3.0,
                openings=(Opening("door_0", "door", "wall_0", 0.15, 0.9, 2.0),))
    scene = scene_of(room)
    painting = make("painting_0", "painting", size=(0.9, 0.04, 0.6))
    above = solve_wall(scene, painting, [OnWall("wall_0"), Height(2.1)], rng("above"))
    assert above.support == "wall:wall_0" and above.position[2] == pytest.approx(2.1)
    assert_wall_rules(add(scene, above), above)
    with pytest.raises(Unplaceable) as err:
        solve_wall(scene, painting, [OnWall("wall_0"), Height(1.5)], rng("beside"))
    assert err.value.constraint == "wall space on wall_0: doors"


def test_a_door_swinging_in_beside_a_corner_keeps_the_neighbouring_wall_clear():
    room = Room("room_0", "bedroom", RECT, 2.8, openings=(Opening("door_0", "door", "wall_0", 0.0, 0.9, 2.1),))
    scene = scene_of(room)
    # wall_3 runs from (0, 4) down to (0, 0): along = 1 is the corner by the door
    shelf = solve_wall(scene, make("wall_shelf_0", "wall_shelf"), [Against("wall_3", along=1.0)], rng("door"))
    assert shelf.support == "wall:wall_3"
    zone = Polygon([(0.0, 0.0), (0.9, 0.0), (0.9, 0.9), (0.0, 0.9)])
    assert Polygon(shelf.footprint).distance(zone) >= OPENING_MARGIN_M - EPS
    assert_wall_rules(add(scene, shelf), shelf)


def test_neighbours_across_a_corner_do_not_overlap():
    room = Room("room_0", "kitchen", RECT, 2.6)
    scene = scene_of(room)
    a = solve_wall(scene, make("wall_cabinet_0", "wall_cabinet"), [Against("wall_0", along=1.0)], rng("c0"))
    scene = add(scene, a)
    b = solve_wall(scene, make("wall_cabinet_1", "wall_cabinet"), [Against("wall_1", along=0.0)], rng("c1"))
    scene = add(scene, b)
    assert (a.support, b.support) == ("wall:wall_0", "wall:wall_1")
    assert Polygon(a.footprint).distance(Polygon(b.footprint)) >= WALL_OBJECT_GAP_M - EPS
    assert_wall_rules(scene, a)
    assert_wall_rules(scene, b)
    assert_valid(scene)


def test_curtains_hang_over_windows_and_avoid_doors():
    room = Room("room_0", "bedroom", RECT, 2.8, openings=(
        Opening("door_0", "door", "wall_0", 0.3, 0.9, 2.1),
        Opening("window_0", "window", "wall_1", 1.2, 1.4, 1.3, 0.9),
        Opening("window_1", "window", "wall_2", 2.5, 1.2, 1.3, 0.9),
    ))
    scene = scene_of(room)
    placed = []
    for i in range(2):
        c = solve_wall(scene, make(f"curtain_{i}", "curtain"), [], rng("curtain", i))
        scene = add(scene, c)
        placed.append(c)
        wall = scene.wall(c.support_target)
        windows = [op for op in room.openings if op.wall == wall.id and op.kind == "window"]
        assert windows, f"{c.id} is not on a wall with a window"
        s = wall_frame(wall, np.array(c.position[:2]))[0]
        assert any(abs(float(s) - op.center_offset) <= 0.05 for op in windows)
        assert_wall_rules(scene, c)
    assert {c.support for c in placed} == {"wall:wall_1", "wall:wall_2"}  # one curtain per window
    assert_valid(scene)


# ---------------------------------------------------------------------------------------------
# requests and failures


def test_at_is_projected_onto_the_nearest_wall():
    room = Room("room_0", "living room", RECT, 2.8)
    p = solve_wall(scene_of(room), make("clock_0", "clock"), [At(0.3, 1.2)], rng("at"))
    assert p.support == "wall:wall_3"
    assert p.position[1] == pytest.approx(1.2, abs=1e-6)


def test_explicit_height_is_kept_and_a_height_through_the_ceiling_is_refused():
    room = Room("room_0", "living room", RECT, 2.5)
    p = solve_wall(scene_of(room), make("mirror_0", "mirror"), [OnWall("wall_1", height=1.35)], rng("h"))
    assert p.position[2] == pytest.approx(1.35)
    p = solve_wall(scene_of(room), make("mirror_0", "mirror"), [OnWall("wall_1", height=1.35), Height(0.8)], rng("h"))
    assert p.position[2] == pytest.approx(0.8)  # Height wins
    with pytest.raises(Unplaceable) as err:
        solve_wall(scene_of(room), make("mirror_0", "mirror"), [Height(1.8)], rng("h"))
    assert err.value.constraint == "height"


def test_unknown_wall_and_unknown_target_are_refused_with_the_constraint():
    room = Room("room_0", "living room", RECT, 2.8)
    with pytest.raises(Unplaceable) as err:
        solve_wall(scene_of(room), make("clock_0", "clock"), [OnWall("wall_9")], rng("u"))
    assert err.value.constraint == "on_wall(wall_9)"
    with pytest.raises(Unplaceable) as err:
        solve_wall(scene_of(room), make("clock_0", "clock"), [CenterAlignedWith("sofa_9")], rng("u"))
    assert err.value.constraint == "center_aligned_with(sofa_9)"


def test_too_long_for_every_wall_is_refused():
    room = Room("room_0", "closet", ((0.0, 0.0), (1.5, 0.0), (1.5, 1.5), (0.0, 1.5)), 2.4)
    with pytest.raises(Unplaceable) as err:
        solve_wall(scene_of(room), make("whiteboard_0", "whiteboard", size=(1.8, 0.03, 1.0)), [], rng("long"))
    assert err.value.constraint.startswith("wall space in room_0")
    assert "too short" in err.value.constraint


def test_same_generator_state_same_pose():
    room = Room("room_0", "living room", RECT, 2.8)
    scene = scene_of(room, against(room, "sofa_0", "sofa", "wall_0", 0.5))
    a = solve_wall(scene, make("painting_0", "painting"), [], rng("det"))
    b = solve_wall(scene, make("painting_0", "painting"), [], rng("det"))
    assert a == b


# ---------------------------------------------------------------------------------------------
# shapes


def test_l_shaped_room_takes_many_wall_objects_validly():
    room = Room("room_0", "studio", L_SHAPE, 2.7, openings=(
        Opening("door_0", "door", "wall_0", 0.4, 0.9, 2.1),
        Opening("window_0", "window", "wall_5", 1.0, 1.5, 1.2, 0.9),
        Opening("window_1", "window", "wall_2", 0.8, 1.4, 1.3, 1.0),
    ))
    scene = scene_of(room, against(room, "wardrobe_0", "wardrobe", "wall_1", 0.5),
                     against(room, "sofa_0", "sofa", "wall_4", 0.5))
    assert_valid(scene)
    cats = ["painting", "clock", "mirror", "poster", "painting", "wall_shelf", "painting", "neon_sign", "clock",
            "poster"]
    for i, cat in enumerate(cats):
        p = solve_wall(scene, make(f"{cat}_{i}", cat), [], rng("L", i))
        scene = add(scene, p)
    for o in scene.objects:
        if o.support_kind == "wall":
            assert_wall_rules(scene, o)
    walls = {o.support for o in scene.objects if o.support_kind == "wall"}
    assert len(walls) >= 4  # spread over the walls, not piled on one
    assert_valid(scene)


def test_acute_corner_keeps_the_footprint_inside_the_room():
    room = Room("room_0", "attic", ((0.0, 0.0), (6.0, 0.0), (0.0, 2.0)), 2.6)  # 18 degrees at (6, 0)
    scene = scene_of(room)
    cab = solve_wall(scene, make("wall_cabinet_0", "wall_cabinet"), [Against("wall_0", along=1.0)], rng("acute"))
    scene = add(scene, cab)
    assert Polygon(room.polygon).buffer(1e-6).covers(Polygon(cab.footprint))
    assert_wall_rules(scene, cab)
    assert_valid(scene)


# ---------------------------------------------------------------------------------------------
# random rooms


def _random_scene(seed: int) -> Scene:
    r = np.random.default_rng(seed)
    if seed % 3 == 2:
        a, b = r.uniform(5.0, 7.0), r.uniform(4.5, 6.0)
        cx, cy = a * r.uniform(0.45, 0.6), b * r.uniform(0.45, 0.6)
        poly = ((0.0, 0.0), (a, 0.0), (a, cy), (cx, cy), (cx, b), (0.0, b))
    else:
        a, b = r.uniform(3.2, 6.5), r.uniform(3.0, 5.5)
        poly = ((0.0, 0.0), (a, 0.0), (a, b), (0.0, b))
    walls = Room("room_0", "room", poly, 2.7).walls()
    openings = []
    used: dict[str, list[tuple[float, float]]] = {}
    plan = [("door", 0.9), ("window", r.uniform(0.8, 1.8)), ("window", r.uniform(0.8, 1.6))]
    for k, (kind, width) in enumerate(plan):
        wall = walls[int(r.integers(len(walls)))]
        if wall.length < width + 0.4:
            continue
        off = float(r.uniform(0.1, wall.length - width - 0.1))
        if any(off < e + 0.1 and off + width > s - 0.1 for s, e in used.get(wall.id, [])):
            continue
        used.setdefault(wall.id, []).append((off, off + width))
        if kind == "door":
            openings.append(Opening(f"door_{k}", "door", wall.id, off, width, 2.1))
        else:
            sill = float(r.choice([0.5, 0.9, 1.1]))
            openings.append(Opening(f"window_{k}", "window", wall.id, off, width, 1.2, sill))
    room = Room("room_0", "room", poly, 2.7, openings=tuple(openings))
    scene = scene_of(room)
    for k, cat in enumerate(r.choice(["wardrobe", "sofa", "bookshelf", "dresser", "tv_stand", "desk", "bed",
                                      "refrigerator", "kitchen_counter"], size=5)):
        wall = walls[int(r.integers(len(walls)))]
        candidate = against(room, f"{cat}_{k}", str(cat), wall.id, float(r.uniform(0.2, 0.8)))
        trial = add(scene, candidate)
        if Polygon(room.polygon).covers(Polygon(candidate.footprint)) and validate(trial).ok:
            scene = trial
    return scene


@pytest.mark.parametrize("seed", range(8))
def test_random_rooms_every_placed_wall_object_keeps_every_rule(seed):
    scene = _random_scene(seed)
    r = np.random.default_rng(1000 + seed)
    placed = refused = 0
    for k in range(6):
        cat = str(r.choice(WALL_CATEGORIES))
        seats = [o.id for o in scene.objects if o.support == "floor"]
        choice = int(r.integers(4))
        if choice == 0 or not seats:
            constraints = [OnWall("any_wall")]
        elif choice == 1:
            constraints = [CenterAlignedWith(str(r.choice(seats)))]
        elif choice == 2:
            constraints = [Near(str(r.choice(seats)))]
        else:
            constraints = []
        try:
            obj = solve_wall(scene, make(f"{cat}_{k}", cat, seed=k), constraints, rng("random", seed, k))
        except Unplaceable as exc:
            assert exc.constraint.startswith(("wall space", "height"))
            refused += 1
            continue
        scene = add(scene, obj)
        placed += 1
        assert_wall_rules(scene, obj)
    assert_valid(scene)
    assert placed >= 4, f"placed {placed}, refused {refused}"
