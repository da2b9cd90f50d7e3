"""evaluate_navigability() and accessibility(): walkable-space ratio, door reachability and access
fronts on hand-built scenes whose answer is known from geometry (fallback boxes, so the mesh is the
size box), plus solver-built scenes that must agree with the layout's own guarantees."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest
from shapely import affinity
from shapely.geometry import Polygon
from shapely.geometry import box as sbox

from worldsmith.dsl import execute
from worldsmith.metrics.navigability import (
    EVAL_CELL_M,
    NavigabilityInputError,
    _cached_spaces,
    accessibility,
    evaluate_navigability,
    navigability_report,
)
from worldsmith.scene import AssetRef, ObjectInstance, Opening, Room, Scene

RECT = ((0.0, 0.0), (5.0, 0.0), (5.0, 4.0), (0.0, 4.0))  # wall_0 y=0, wall_1 x=5, wall_2 y=4, wall_3 x=0
L_SHAPE = ((0.0, 0.0), (6.0, 0.0), (6.0, 3.0), (3.0, 3.0), (3.0, 5.0), (0.0, 5.0))
R = 0.2  # robot radius
CELL = EVAL_CELL_M
KEYS = {"ratio", "free_area_m2", "largest_area_m2", "doors", "doors_reachable", "door_share"}


def box(oid: str, category: str, xy: tuple[float, float], size: tuple[float, float, float], *, z: float = 0.0,
        yaw: float = 0.0, support: str = "floor") -> ObjectInstance:
    return ObjectInstance(oid, category, AssetRef("fallback", category), (xy[0], xy[1], z), size, yaw, support)


def scene(*objects: ObjectInstance, polygon=RECT, openings=(), rooms=None) -> Scene:
    if rooms is None:
        rooms = (Room("room_0", "living room", polygon, 2.8, openings=tuple(openings)),)
    return Scene(rooms=tuple(rooms), objects=tuple(objects))


def door(oid: str, wall: str, offset: float, width: float = 0.9) -> Opening:
    return Opening(oid, "door", wall, offset, width, 2.0)


def robot_area(free_floor) -> float:
    """The continuous answer: the floor eroded by the robot radius (mitred: walls are straight)."""
    return free_floor.buffer(-R, join_style="mitre").area


# ---------------------------------------------------------------------------------------------
# empty rooms


def test_empty_rectangular_room_is_fully_navigable_and_its_door_reachable():
    res = evaluate_navigability(scene(openings=[door("door_0", "wall_0", 2.0)]))
    assert set(res) == KEYS | {"rooms"}
    assert set(res["rooms"]["room_0"]) == KEYS | {"unreachable_doors"}
    # 5 x 4 room eroded by 0.2 m: 4.6 x 3.6, exact on this grid (walls on cell boundaries)
    assert res["free_area_m2"] == pytest.approx(4.6 * 3.6, abs=1e-9)
    assert res["largest_area_m2"] == res["free_area_m2"]
    assert (res["ratio"], res["doors"], res["doors_reachable"], res["door_share"]) == (1.0, 1, 1, 1.0)
    assert res["rooms"]["room_0"]["unreachable_doors"] == []


def test_room_without_doors_has_door_share_one_and_scene_without_rooms_is_trivially_fine():
    res = evaluate_navigability(scene())
    assert (res["doors"], res["door_share"], res["ratio"]) == (0, 1.0, 1.0)
    empty = evaluate_navigability(Scene())
    assert empty == {"ratio": 1.0, "free_area_m2": 0.0, "largest_area_m2": 0.0, "doors": 0, "doors_reachable": 0,
                     "door_share": 1.0, "rooms": {}}
    assert accessibility(Scene()) == {"checked": 0, "accessible": 0, "share": 1.0, "blocked": []}


def test_l_shaped_room_area_matches_the_eroded_polygon():
    res = evaluate_navigability(scene(polygon=L_SHAPE))
    exact = robot_area(Polygon(L_SHAPE))
    assert res["ratio"] == 1.0
    # the reflex corner is the only place the grid and the continuous erosion differ
    assert res["free_area_m2"] == pytest.approx(exact, abs=0.02)


def test_room_too_small_for_the_robot_has_no_free_area_and_unreachable_doors():
    tiny = ((0.0, 0.0), (0.35, 0.0), (0.35, 3.0), (0.0, 3.0))
    room = Room("room_0", "closet", tiny, 2.5, openings=(door("door_0", "wall_1", 1.0, 0.8),))
    res = evaluate_navigability(scene(rooms=[room]))
    assert (res["free_area_m2"], res["ratio"], res["doors_reachable"], res["door_share"]) == (0.0, 1.0, 0, 0.0)


# ---------------------------------------------------------------------------------------------
# walls of furniture


def test_wall_to_wall_divider_splits_the_floor_and_cuts_off_the_door_behind_it():
    divider = box("divider", "room_divider", (2.0, 2.0), (0.3, 4.0, 1.8))  # x 1.85 .. 2.15, y 0 .. 4
    doors = [door("door_a", "wall_0", 0.5), door("door_b", "wall_0", 3.0)]  # left half, right half
    res = evaluate_navigability(scene(divider, openings=doors))
    left = robot_area(sbox(0.0, 0.0, 1.85, 4.0))
    right = robot_area(sbox(2.15, 0.0, 5.0, 4.0))
    # the grid resolves each half's width to a cell: the ratio within one cell's share of it
    tol = CELL * 3.6 * 2 / (left + right)
    assert res["ratio"] == pytest.approx(right / (left + right), abs=tol)
    assert res["largest_area_m2"] == pytest.approx(right, abs=2 * CELL * 3.6)
    assert res["free_area_m2"] == pytest.approx(left + right, abs=4 * CELL * 3.6)
    assert (res["doors"], res["doors_reachable"], res["door_share"]) == (2, 1, 0.5)
    assert res["rooms"]["room_0"]["unreachable_doors"] == ["door_a"]


@pytest.mark.parametrize("gap,reachable", [(0.0, False), (0.3, False), (0.45, True), (0.5, True), (1.0, True)])
def test_stool_in_front_of_the_door_blocks_it_only_when_the_robot_cannot_pass(gap, reachable):
    # a 0.9 m door at x 1.5 .. 2.4; a 0.4 m stool centred on it, ``gap`` out from the wall. Up to
    # 0.9 m out the stool stands in the door's clearance zone; a 0.4 m robot passes a gap >= 0.4 m
    stool = box("stool_0", "stool", (1.95, gap + 0.2), (0.4, 0.4, 0.45))
    res = evaluate_navigability(scene(stool, openings=[door("door_0", "wall_0", 1.5)]))
    assert res["ratio"] == 1.0  # the stool makes no pocket: the robot space is one piece
    assert res["door_share"] == (1.0 if reachable else 0.0)
    assert res["rooms"]["room_0"]["unreachable_doors"] == ([] if reachable else ["door_0"])


@pytest.mark.parametrize("width,reachable", [(0.35, False), (0.4, True), (0.9, True)])
def test_door_narrower_than_the_robot_is_unreachable(width, reachable):
    res = evaluate_navigability(scene(openings=[door("door_0", "wall_1", 1.0, width)]))
    assert res["door_share"] == (1.0 if reachable else 0.0)


def test_aggregate_sums_rooms():
    # room_0: a divider makes a pocket; room_1 (beside it, x 5 .. 8): empty, one door
    r0 = Room("room_0", "living room", RECT, 2.8)
    r1 = Room("room_1", "study", ((5.0, 0.0), (8.0, 0.0), (8.0, 4.0), (5.0, 4.0)), 2.8,
              openings=(door("door_1", "wall_4", 1.0),))
    divider = box("divider", "room_divider", (2.0, 2.0), (0.3, 4.0, 1.8))
    res = evaluate_navigability(scene(divider, rooms=[r0, r1]))
    a, b = res["rooms"]["room_0"], res["rooms"]["room_1"]
    assert b["ratio"] == 1.0 and b["free_area_m2"] == pytest.approx(2.6 * 3.6, abs=1e-9)
    assert a["ratio"] < 0.7  # the divider's own room
    assert res["free_area_m2"] == pytest.approx(a["free_area_m2"] + b["free_area_m2"], abs=1e-6)
    assert res["largest_area_m2"] == pytest.approx(a["largest_area_m2"] + b["largest_area_m2"], abs=1e-6)
    assert res["ratio"] == pytest.approx(res["largest_area_m2"] / res["free_area_m2"], abs=1e-4)
    assert (res["doors"], res["doors_reachable"], res["door_share"]) == (1, 1, 1.0)


def test_components_are_four_connected():
    # two crates meeting corner to corner at (2.5, 2.0), a cell corner: with a point robot (radius
    # 0) the two free quadrants' cells meet only diagonally there, so they are two components
    a = box("crate_a", "crate", (1.25, 1.0), (2.5, 2.0, 1.0))
    b = box("crate_b", "crate", (3.75, 3.0), (2.5, 2.0, 1.0))
    res = evaluate_navigability(scene(a, b), robot_radius=0.0)
    assert res["free_area_m2"] == pytest.approx(2 * 2.5 * 2.0, abs=1e-9)  # touching cells are not stamped
    assert res["largest_area_m2"] == pytest.approx(2.5 * 2.0, abs=1e-9)
    assert res["ratio"] == 0.5


# ---------------------------------------------------------------------------------------------
# what is stamped


def test_wall_shelf_at_1_5_m_is_an_obstacle():
    base = evaluate_navigability(scene())["free_area_m2"]
    shelf = box("shelf_0", "wall_shelf", (2.0, 0.11), (0.8, 0.22, 0.04), z=1.5, support="wall:wall_0")
    got = evaluate_navigability(scene(shelf))["free_area_m2"]
    removed = sbox(R, R, 5 - R, 4 - R).intersection(sbox(1.6, 0.0, 2.4, 0.22).buffer(R)).area
    assert base - got == pytest.approx(removed, abs=0.02)


@pytest.mark.parametrize("obj,kw", [
    (box("light_0", "ceiling_light", (2.5, 2.0), (0.4, 0.4, 0.1), z=2.7, support="ceiling"), {}),
    (box("pendant_0", "pendant_light", (2.5, 2.0), (0.35, 0.35, 0.6), z=2.2, support="ceiling"), {}),
    (box("shelf_0", "wall_shelf", (2.0, 0.11), (0.8, 0.22, 0.04), z=2.05, support="wall:wall_0"), {}),
    (box("shelf_0", "wall_shelf", (2.0, 0.11), (0.8, 0.22, 0.04), z=1.5, support="wall:wall_0"), {"max_height": 1.5}),
    (box("rug_0", "rug", (2.5, 2.0), (2.0, 1.4, 0.01)), {}),
])
def test_objects_above_max_height_and_flat_coverings_are_not_obstacles(obj, kw):
    assert evaluate_navigability(scene(obj), **kw) == evaluate_navigability(scene(), **kw)


@pytest.mark.parametrize("yaw", [0.0, 30.0, 45.0])
def test_turned_object_is_stamped_by_its_footprint_not_its_bounding_box(yaw):
    crate = box("crate_0", "crate", (2.5, 2.0), (1.0, 1.0, 1.0), yaw=yaw)
    got = evaluate_navigability(scene(crate))["free_area_m2"]
    square = affinity.rotate(sbox(2.0, 1.5, 3.0, 2.5), yaw)
    room = sbox(R, R, 5 - R, 4 - R)
    exact = room.area - square.buffer(R).area
    aabb = room.area - sbox(*square.bounds).buffer(R).area
    # stamping is conservative by at most about a cell's diagonal along the obstacle's outline
    outline = square.buffer(R).length
    assert exact - outline * CELL * math.sqrt(2) <= got <= exact + 0.02
    if yaw == 45.0:
        assert got - aabb > 1.0  # the bounding box would take 1.3 m^2 more


def test_mesh_parts_are_stamped_separately():
    # a procedural table: a top (0.715 .. 0.75 m) on four 5 cm legs. All of it is below 2 m, so
    # the top's rectangle blocks; with max_height 0.3 only the legs do, each by its own hull (one
    # hull of the whole table would block the rectangle again), and the robot drives between them
    from shapely.ops import unary_union

    table = ObjectInstance("table_0", "table", AssetRef("procedural", "table"), (2.5, 2.0, 0.0), (1.2, 0.8, 0.75))
    room = sbox(R, R, 5 - R, 4 - R)
    full = evaluate_navigability(scene(table))
    assert full["free_area_m2"] == pytest.approx(room.area - sbox(1.9, 1.6, 3.1, 2.4).buffer(R).area, abs=0.12)
    legs = unary_union([sbox(2.5 + x0, 2.0 + y0, 2.5 + x0 + 0.05, 2.0 + y0 + 0.05)
                        for x0 in (-0.54, 0.49) for y0 in (-0.34, 0.29)])
    low = evaluate_navigability(scene(table), max_height=0.3)
    assert low["free_area_m2"] == pytest.approx(room.area - legs.buffer(R).area, abs=0.12)
    assert low["ratio"] == 1.0  # the space between the legs is connected to the room


# ---------------------------------------------------------------------------------------------
# accessibility


def _desk_scene(bookshelf_width: float | None) -> Scene:
    # a 3 x 4 room; the desk's back at wall_2 (y = 4), its user facing that wall (front -Y)
    desk = box("desk_0", "desk", (1.5, 3.65), (1.4, 0.7, 0.75), yaw=180.0)
    objs = [desk]
    if bookshelf_width is not None:  # a bookshelf from the west wall across the desk's front
        objs.append(box("bookshelf_0", "bookshelf", (bookshelf_width / 2, 2.04), (bookshelf_width, 0.32, 1.9),
                        yaw=180.0))
    return scene(*objs, polygon=((0.0, 0.0), (3.0, 0.0), (3.0, 4.0), (0.0, 4.0)))


def test_desk_is_accessible_in_an_open_room():
    assert accessibility(_desk_scene(None)) == {"checked": 1, "accessible": 1, "share": 1.0, "blocked": []}


def test_bookshelf_across_the_desk_front_makes_the_desk_inaccessible():
    s = _desk_scene(3.0)  # wall to wall: the desk's corner of the room is a pocket
    assert accessibility(s) == {"checked": 2, "accessible": 1, "share": 0.5, "blocked": ["desk_0"]}
    nav = evaluate_navigability(s)
    pocket = robot_area(sbox(0, 2.2, 3, 4).difference(sbox(0.8, 3.3, 2.2, 4)))
    main = robot_area(sbox(0, 0, 3, 1.88))
    assert nav["largest_area_m2"] == pytest.approx(main, abs=0.1)
    assert nav["ratio"] == pytest.approx(main / (main + pocket), abs=0.02)


@pytest.mark.parametrize("gap,ok", [(0.3, False), (0.35, False), (0.5, True), (0.8, True)])
def test_desk_is_accessible_when_the_robot_fits_past_the_bookshelf(gap, ok):
    res = accessibility(_desk_scene(3.0 - gap))
    assert res["blocked"] == ([] if ok else ["desk_0"])


def test_chair_at_the_desk_deepens_its_access_region_by_its_depth():
    # a wall-to-wall bookshelf at y 2.0 .. 2.32 closes the desk's corner into a pocket. The desk's
    # access region alone (1.1 m deep: y 2.2 .. 3.3) lies in the pocket; with a 0.52 m chair placed
    # in front of it the region is 1.62 m deep (y 1.68 .. 3.3) and reaches the main space past
    # the bookshelf (the path must reach the space behind the chair)
    desk = box("desk_0", "desk", (1.5, 3.65), (1.4, 0.7, 0.75), yaw=180.0)
    chair = ObjectInstance("chair_0", "chair", AssetRef("fallback", "chair"), (1.5, 2.95, 0.0), (0.48, 0.52, 0.88),
                           180.0, placement=({"kind": "in_front_of", "target": "desk_0"},))
    unseated = dataclasses.replace(chair, placement=())
    shelf = box("bookshelf_0", "bookshelf", (1.5, 2.16), (3.0, 0.32, 1.9), yaw=180.0)
    polygon = ((0.0, 0.0), (3.0, 0.0), (3.0, 4.0), (0.0, 4.0))
    assert accessibility(scene(desk, chair, shelf, polygon=polygon))["blocked"] == []
    assert accessibility(scene(desk, unseated, shelf, polygon=polygon))["blocked"] == ["desk_0"]


def test_object_outside_every_room_is_not_accessible():
    s = scene(box("desk_0", "desk", (7.0, 2.0), (1.4, 0.7, 0.75)))
    assert accessibility(s) == {"checked": 1, "accessible": 0, "share": 0.0, "blocked": ["desk_0"]}


# ---------------------------------------------------------------------------------------------
# solver-built scenes, sharing, determinism, errors


BEDROOM = """
room("bedroom", width=4.2, depth=3.8, height=2.7)
door("wall_0", at=0.82, width=0.85)
bed = add("bed", width=1.6, depth=2.1)
place(bed, against="wall_3", at=0.55)
place(add("wardrobe", width=1.2, depth=0.6, height=2.1), against="wall_1", at=0.55)
desk = add("desk")
place(desk, against="wall_2", at=0.3)
place(add("chair"), in_front_of=desk)
place(add("rug", width=2.2, depth=1.6), at=(1.9, 1.9), yaw=90)
add_to_wall("wall_2", "wall_shelf")
light("ceiling", watts=50, kelvin=3000)
"""


def test_solver_built_bedroom_keeps_its_door_and_fronts_reachable():
    s = execute(BEDROOM, Scene(prompt="a bedroom", seed=0), seed=0).scene
    nav = evaluate_navigability(s)
    acc = accessibility(s)
    assert nav["door_share"] == 1.0
    assert nav["ratio"] >= 0.95
    assert acc["checked"] >= 3 and acc["share"] == 1.0, acc  # bed, wardrobe, desk
    # the solver's own report (size boxes, floor objects, 5 cm) agrees there are no pockets
    assert navigability_report(s)["room_0"]["navigable"]


def test_both_metrics_share_one_rasterization_and_are_deterministic():
    s = _desk_scene(3.0)
    before = _cached_spaces.cache_info()
    a = evaluate_navigability(s)
    acc = accessibility(s)
    after = _cached_spaces.cache_info()
    assert after.misses - before.misses == 1 and after.hits - before.hits == 1
    rebuilt = _desk_scene(3.0)  # an equal scene, another object
    _cached_spaces.cache_clear()
    assert json.dumps(evaluate_navigability(rebuilt), sort_keys=True) == json.dumps(a, sort_keys=True)
    assert accessibility(rebuilt) == acc


@pytest.mark.parametrize("kw", [{"cell": 0.0}, {"cell": -0.1}, {"robot_radius": -0.1}, {"max_height": 0.0},
                                {"cell": float("nan")}])
def test_bad_parameters_raise_a_worldsmith_error(kw):
    with pytest.raises(NavigabilityInputError):
        evaluate_navigability(scene(), **kw)


def test_solver_report_is_unchanged():
    rep = navigability_report(scene(openings=[door("door_0", "wall_0", 2.0)]))
    assert set(rep["room_0"]) == {"room", "free_area_m2", "largest_area_m2", "ratio", "navigable",
                                  "unreachable_doors", "unreachable_fronts"}
    assert rep["room_0"]["ratio"] == 1.0 and rep["room_0"]["unreachable_doors"] == []
