"""solve_ceiling, ceiling_light_positions, lights_for_room: inside the polygon, top at the ceiling,
spread (with a derived spacing bound), clear of tall furniture, above a target; lights even."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon

from worldsmith.assets import make_asset
from worldsmith.layout.ceiling import (
    GRID_POINTS,
    LIGHT_WALL_CLEARANCE_M,
    WALL_MARGIN_M,
    ceiling_light_positions,
    lights_for_room,
    solve_ceiling,
)
from worldsmith.layout.constraints import At, CenterAlignedWith, Near, Yaw
from worldsmith.layout.errors import Unplaceable
from worldsmith.layout.resolve import FLOOR_WALL_GAP_M, support_problem
from worldsmith.metrics import validate
from worldsmith.scene import ObjectInstance, Room, Scene
from worldsmith.scene.geometry import yaw_facing
from worldsmith.scene.rng import derive_rng

RECT = ((0.0, 0.0), (6.0, 0.0), (6.0, 4.0), (0.0, 4.0))
L_SHAPE = ((0.0, 0.0), (6.0, 0.0), (6.0, 3.0), (3.0, 3.0), (3.0, 5.0), (0.0, 5.0))
U_SHAPE = ((0.0, 0.0), (9.0, 0.0), (9.0, 6.0), (6.0, 6.0), (6.0, 2.0), (3.0, 2.0), (3.0, 6.0), (0.0, 6.0))
ROTATED = ((0.0, 0.0), (4.0, 3.0), (1.0, 7.0), (-3.0, 4.0))  # a 5 x 5 square turned 36.87 degrees
SHAPES = {"rect": RECT, "L": L_SHAPE, "U": U_SHAPE, "rotated": ROTATED}
EPS = 1e-6


def rng(*names) -> np.random.Generator:
    return derive_rng(11, "test_ceiling", *names)


def make(oid: str, category: str, size=None, xy=(1.0, 1.0)) -> ObjectInstance:
    asset, sz = make_asset(category, np.random.default_rng(3), size)
    return ObjectInstance(oid, category, asset, (xy[0], xy[1], 0.0), sz)


def add(scene: Scene, obj: ObjectInstance) -> Scene:
    return Scene(rooms=scene.rooms, objects=tuple(o for o in scene.objects if o.id != obj.id) + (obj,))


def against(room: Room, oid: str, category: str, wall_id: str, along: float) -> ObjectInstance:
    wall = next(w for w in room.walls() if w.id == wall_id)
    obj = make(oid, category)
    px, py = wall.point_at(along * wall.length)
    off = obj.size[1] / 2.0 + FLOOR_WALL_GAP_M
    return ObjectInstance(oid, category, obj.asset, (px + wall.normal[0] * off, py + wall.normal[1] * off, 0.0),
                          obj.size, yaw_facing(wall.normal), "floor")


def assert_hung(scene: Scene, obj: ObjectInstance) -> None:
    room = scene.room_at(obj.position[:2])
    assert room is not None
    assert obj.support == "ceiling"
    assert obj.top == pytest.approx(room.height, abs=1e-6)
    assert Polygon(room.polygon).buffer(EPS).covers(Polygon(obj.footprint))
    assert support_problem(scene, obj) is None


def spread_bound(polygon, k: int, footprint_radius: float) -> float:
    """A lower bound on the spacing of k greedily spread ceiling objects, before grid effects.

    When the k-th object is hung, if its score (min(2 x wall distance, distance to the others)) were
    below s, every feasible point at least s/2 from the walls would lie within s of one of the k-1
    others: area(P eroded by max(r, s/2)) <= (k-1) pi s^2, with r the distance from the walls at
    which the footprint surely fits. So the score, and every later one (scores only fall as
    objects are added), is at least the largest s violating that inequality."""
    poly = Polygon(polygon)
    lo, hi = 0.0, math.sqrt(poly.area) * 2.0
    for _ in range(60):
        s = (lo + hi) / 2.0
        area = poly.buffer(-max(footprint_radius, s / 2.0), join_style="mitre").area
        if area > (k - 1) * math.pi * s * s:
            lo = s
        else:
            hi = s
    return lo


# ---------------------------------------------------------------------------------------------
# solve_ceiling


def test_a_single_lamp_hangs_in_the_middle_with_its_top_at_the_ceiling():
    room = Room("room_0", "bedroom", RECT, 2.7)
    scene = Scene(rooms=(room,))
    lamp = solve_ceiling(scene, make("ceiling_light_0", "ceiling_light"), [], rng("one"))
    scene = add(scene, lamp)
    assert_hung(scene, lamp)
    spacing = math.sqrt(room.area / GRID_POINTS)
    assert math.dist(lamp.position[:2], (3.0, 2.0)) <= spacing
    assert validate(scene).ok


@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("category", ["ceiling_light", "ceiling_fan"])
def test_spread_objects_keep_the_derived_spacing_and_stay_valid(shape, category):
    room = Room("room_0", "hall", SHAPES[shape], 3.0)
    scene = Scene(rooms=(room,))
    k = 5 if category == "ceiling_light" else 3
    for i in range(k):
        obj = solve_ceiling(scene, make(f"{category}_{i}", category), [], rng(shape, category, i))
        scene = add(scene, obj)
        assert_hung(scene, obj)
    hung = [o for o in scene.objects if o.support == "ceiling"]
    w, d, _ = hung[0].size
    spacing = math.sqrt(room.area / GRID_POINTS)
    bound = spread_bound(room.polygon, k, math.hypot(w, d) / 2.0 + WALL_MARGIN_M) - 2.5 * spacing
    assert bound > 0.5
    gaps = [math.dist(a.position[:2], b.position[:2]) for a, b in itertools.combinations(hung, 2)]
    assert min(gaps) >= bound
    report = validate(scene)
    assert report.ok, report.summary_lines()


def test_at_is_exact_and_a_point_outside_or_sticking_out_is_refused():
    room = Room("room_0", "studio", L_SHAPE, 2.7)
    scene = Scene(rooms=(room,))
    fan = make("ceiling_fan_0", "ceiling_fan")
    placed = solve_ceiling(scene, fan, [At(1.5, 4.0)], rng("at"))
    assert placed.position == pytest.approx((1.5, 4.0, 2.7 - fan.size[2]))
    assert_hung(add(scene, placed), placed)
    with pytest.raises(Unplaceable) as err:
        solve_ceiling(scene, fan, [At(4.5, 4.0)], rng("at"))  # in the L's notch
    assert err.value.constraint == "inside the room"
    with pytest.raises(Unplaceable) as err:
        solve_ceiling(scene, fan, [At(0.3, 1.0)], rng("at"))  # the 1.3 m fan pokes through wall_5
    assert err.value.constraint == "inside the room"


def test_low_ceiling_objects_avoid_tall_furniture():
    room = Room("room_0", "attic", ((0.0, 0.0), (4.0, 0.0), (4.0, 3.0), (0.0, 3.0)), 2.3)
    wardrobe = against(room, "wardrobe_0", "wardrobe", "wall_0", 0.5)
    scene = Scene(rooms=(room,), objects=(wardrobe,))
    chandelier = make("chandelier_0", "chandelier")  # 0.7 m drop: bottom at 1.6 m, below the wardrobe's 2.0 m
    with pytest.raises(Unplaceable) as err:
        solve_ceiling(scene, chandelier, [At(wardrobe.position[0], wardrobe.position[1] + 0.2)], rng("low"))
    assert err.value.constraint == "no overlap"
    for i in range(3):
        obj = solve_ceiling(scene, make(f"chandelier_{i}", "chandelier"), [], rng("low", i))
        scene = add(scene, obj)
        assert_hung(scene, obj)
    report = validate(scene)
    assert report.ok, report.summary_lines()


def test_pendant_hangs_above_its_table_and_beside_it_when_blocked():
    room = Room("room_0", "dining room", RECT, 2.8)
    table = make("dining_table_0", "dining_table", xy=(2.2, 1.8))
    scene = Scene(rooms=(room,), objects=(table,))
    pendant = solve_ceiling(scene, make("pendant_light_0", "pendant_light"), [CenterAlignedWith("dining_table_0")],
                            rng("table"))
    assert pendant.position[:2] == pytest.approx(table.position[:2])
    scene = add(scene, pendant)
    other = solve_ceiling(scene, make("pendant_light_1", "pendant_light"), [Near("dining_table_0")], rng("table"))
    scene = add(scene, other)
    assert_hung(scene, other)
    assert Polygon(other.footprint).distance(Polygon(table.footprint)) == pytest.approx(0.0, abs=1e-9)
    assert validate(scene).ok


def test_default_yaw_follows_the_longest_wall_and_yaw_is_honoured():
    room = Room("room_0", "hall", ROTATED, 3.0)
    scene = Scene(rooms=(room,))
    lamp = solve_ceiling(scene, make("ceiling_light_0", "ceiling_light"), [], rng("yaw"))
    assert lamp.yaw_deg == pytest.approx(math.degrees(math.atan2(3.0, 4.0)), abs=1e-6)
    turned = solve_ceiling(scene, make("ceiling_light_0", "ceiling_light"), [Yaw(10.0)], rng("yaw"))
    assert turned.yaw_deg == pytest.approx(10.0)
    assert_hung(add(scene, turned), turned)


def test_same_inputs_same_pose():
    room = Room("room_0", "studio", U_SHAPE, 2.8)
    scene = Scene(rooms=(room,), objects=(solve_ceiling(Scene(rooms=(room,)), make("ceiling_light_0", "ceiling_light"),
                                                        [], rng("d")),))
    a = solve_ceiling(scene, make("ceiling_light_1", "ceiling_light"), [], rng("d", 1))
    b = solve_ceiling(scene, make("ceiling_light_1", "ceiling_light"), [], rng("d", 2))
    assert a == b


# ---------------------------------------------------------------------------------------------
# lights


@pytest.mark.parametrize("shape", sorted(SHAPES) + ["corridor"])
def test_light_positions_are_inside_clear_of_the_walls_and_even(shape):
    polygon = SHAPES.get(shape, ((0.0, 0.0), (12.0, 0.0), (12.0, 1.6), (0.0, 1.6)))
    room = Room("room_0", "room", polygon, 2.8)
    poly = Polygon(room.polygon)
    base = lights_for_room(room)
    # the floor, sampled finely, to measure how evenly the lights share it
    xs, ys = np.meshgrid(np.linspace(*poly.bounds[0::2], 200), np.linspace(*poly.bounds[1::2], 200))
    inside = shapely.contains_xy(poly, xs.ravel(), ys.ravel())
    floor = np.stack([xs.ravel()[inside], ys.ravel()[inside]], axis=1)
    for n in range(1, base + 3):
        pts = ceiling_light_positions(room, n)
        assert len(pts) == n and len(set(pts)) == n
        assert pts == ceiling_light_positions(room, n)
        arr = np.array(pts)
        assert shapely.contains_xy(poly, arr[:, 0], arr[:, 1]).all()
        assert shapely.distance(poly.exterior, shapely.points(arr)).min() >= LIGHT_WALL_CLEARANCE_M - 1e-3
        if n == 1:
            continue
        # well spread: no two lights closer than half the side of an even share of the floor
        gaps = [math.dist(a, b) for a, b in itertools.combinations(pts, 2)]
        assert min(gaps) >= 0.5 * math.sqrt(room.area / n)
        # evenly: each light is the nearest for between a third and twice an even share of the floor
        nearest = np.argmin(np.hypot(floor[:, None, 0] - arr[None, :, 0], floor[:, None, 1] - arr[None, :, 1]), axis=1)
        share = np.bincount(nearest, minlength=n) / len(floor)
        assert share.min() >= (1.0 / 3.0) / n and share.max() <= 2.0 / n, share


def test_light_positions_edge_cases():
    room = Room("room_0", "closet", ((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)), 2.4)
    assert ceiling_light_positions(room, 0) == []
    with pytest.raises(ValueError):
        ceiling_light_positions(room, -1)
    assert ceiling_light_positions(room, 1) == [(0.5, 0.5)] or math.dist(ceiling_light_positions(room, 1)[0],
                                                                          (0.5, 0.5)) < 0.05
    narrow = Room("room_1", "passage", ((0.0, 0.0), (3.0, 0.0), (3.0, 0.6), (0.0, 0.6)), 2.4)
    (p,) = ceiling_light_positions(narrow, 1)  # narrower than twice the clearance: the middle line
    assert p[1] == pytest.approx(0.3, abs=0.05)
    with pytest.raises(ValueError):
        ceiling_light_positions(room, 10_000)


@pytest.mark.parametrize("polygon,expected", [
    (((0, 0), (3, 0), (3, 3), (0, 3)), 1),
    (((0, 0), (5, 0), (5, 4), (0, 4)), 2),
    (((0, 0), (8, 0), (8, 6), (0, 6)), 5),
    (((0, 0), (12, 0), (12, 1.5), (0, 1.5)), 3),  # 18 m2, but 12 m long
    (((0, 0), (1.2, 0), (1.2, 1.2), (0, 1.2)), 1),
    (L_SHAPE, 2),  # 24 m2
    (((0, 0), (30, 0), (30, 20), (0, 20)), 60),  # a hall: one per 10 m2
])
def test_lights_for_room(polygon, expected):
    assert lights_for_room(Room("room_0", "room", polygon, 2.7)) == expected
