"""validate(): collisions, out of bounds, opening clearance, support (hand-built scenes of fallback boxes)."""

from __future__ import annotations

import json
import math
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon

from worldsmith.metrics import ValidationReport, validate
from worldsmith.metrics._geometry import excess_outside
from worldsmith.scene import AssetRef, ObjectInstance, Opening, Room, Scene

RECT = ((0.0, 0.0), (5.0, 0.0), (5.0, 4.0), (0.0, 4.0))  # wall_0 y=0, wall_1 x=5, wall_2 y=4, wall_3 x=0
L_SHAPE = ((0.0, 0.0), (6.0, 0.0), (6.0, 3.0), (3.0, 3.0), (3.0, 5.0), (0.0, 5.0))  # notch: x>3, y>3


def box(oid: str, category: str, xy: tuple[float, float], size: tuple[float, float, float], *, z: float = 0.0,
        yaw: float = 0.0, support: str = "floor") -> ObjectInstance:
    return ObjectInstance(oid, category, AssetRef("fallback", category), (xy[0], xy[1], z), size, yaw, support)


def scene(*objects: ObjectInstance, polygon=RECT, height: float = 2.8, openings=()) -> Scene:
    room = Room("room_0", "living room", polygon, height, openings=tuple(openings))
    return Scene(rooms=(room,), objects=tuple(objects))


CUBE = (1.0, 1.0, 1.0)


# ---------------------------------------------------------------------------------------------
# collisions


def test_overlapping_boxes_collide_with_true_depth():
    rep = validate(scene(box("box_b", "crate", (1.5, 2.0), CUBE), box("box_a", "crate", (2.4, 2.0), CUBE)))
    assert [(c.a, c.b) for c in rep.collisions] == [("box_a", "box_b")]
    assert rep.collisions[0].depth_m == pytest.approx(0.10, abs=0.01)
    assert not rep.out_of_bounds and not rep.unsupported and not rep.blocked_openings


@pytest.mark.parametrize("gap", [0.0, -0.003, -0.005, 0.05])
def test_touching_or_shallow_overlap_is_not_a_collision(gap):
    a = box("box_a", "crate", (1.5, 2.0), CUBE)
    b = box("box_b", "crate", (2.5 + gap, 2.0), CUBE)
    assert validate(scene(a, b)).collisions == ()


def test_depth_is_smallest_separating_overlap_for_offset_boxes():
    # overlap 0.3 in x, 0.2 in y: separating along y needs 0.2
    rep = validate(scene(box("a", "crate", (1.5, 1.5), CUBE), box("b", "crate", (2.2, 2.3), CUBE)))
    assert rep.collisions[0].depth_m == pytest.approx(0.2, abs=0.005)


def test_rotated_corner_penetration_depth():
    # b turned 45 deg: its corner reaches 0.1 m past a's right face (x = 2.0)
    half_diag = math.sqrt(0.5)
    b = box("b", "crate", (2.0 - 0.1 + half_diag, 1.5), CUBE, yaw=45)
    rep = validate(scene(box("a", "crate", (1.5, 1.5), CUBE), b))
    assert len(rep.collisions) == 1
    assert rep.collisions[0].depth_m == pytest.approx(0.1, abs=0.005)


def test_object_wholly_inside_another_collides():
    big = box("cabinet", "cabinet", (2.0, 2.0), (1.0, 1.0, 1.0))
    small = box("cup", "cup", (2.0, 2.0), (0.1, 0.1, 0.1), z=0.4, support="object:cabinet")
    rep = validate(scene(big, small))
    assert [(c.a, c.b) for c in rep.collisions] == [("cabinet", "cup")]
    assert rep.collisions[0].depth_m >= 0.1 - 1e-6


def test_thin_panel_inside_a_cabinet_collides():
    # 3 mm thick: its box overlaps the cabinet's by only 3 mm along y, but it is wholly inside
    big = box("cabinet", "cabinet", (2.0, 2.0), (1.0, 1.0, 1.0))
    panel = box("panel", "panel", (2.0, 2.0), (0.5, 0.003, 0.5), z=0.25)
    rep = validate(scene(big, panel))
    assert [(c.a, c.b) for c in rep.collisions] == [("cabinet", "panel")]
    assert rep.collisions[0].depth_m == pytest.approx(0.5015, abs=1e-3)  # out through the front or back


def test_clean_scene_has_no_collisions():
    objs = [box(f"crate_{i}", "crate", (0.7 + 1.2 * i, 1.0), (0.8, 0.8, 0.8)) for i in range(4)]
    assert validate(scene(*objs)).ok


def test_mug_on_table_is_not_a_collision_but_sunk_mug_is():
    table = box("table_0", "table", (2.0, 2.0), (1.2, 0.8, 0.75))
    on = box("mug_0", "mug", (2.0, 2.0), (0.09, 0.09, 0.1), z=0.75, support="object:table_0")
    rep = validate(scene(table, on))
    assert rep.ok, rep.summary_lines()
    sunk = box("mug_0", "mug", (2.0, 2.0), (0.09, 0.09, 0.1), z=0.72, support="object:table_0")
    rep = validate(scene(table, sunk))
    assert [(c.a, c.b) for c in rep.collisions] == [("mug_0", "table_0")]
    assert rep.collisions[0].depth_m == pytest.approx(0.03, abs=0.002)
    assert [(u.id, round(u.gap_m, 3)) for u in rep.unsupported] == [("mug_0", -0.03)]


def test_slightly_sunk_support_contact_is_tolerated():
    table = box("table_0", "table", (2.0, 2.0), (1.2, 0.8, 0.75))
    mug = box("mug_0", "mug", (2.0, 2.0), (0.09, 0.09, 0.1), z=0.743, support="object:table_0")
    assert validate(scene(table, mug)).ok


def test_object_not_declared_on_a_surface_sunk_into_it_collides():
    table = box("table_0", "table", (2.0, 2.0), (1.2, 0.8, 0.75))
    mug = box("mug_0", "mug", (2.0, 2.0), (0.09, 0.09, 0.1), z=0.74, support="floor")
    rep = validate(scene(table, mug))
    assert [(c.a, c.b) for c in rep.collisions] == [("mug_0", "table_0")]
    assert rep.collisions[0].depth_m == pytest.approx(0.01, abs=0.002)


# ---------------------------------------------------------------------------------------------
# out of bounds


def test_object_through_wall_out_of_bounds_by_true_amount():
    sofa = box("sofa_0", "sofa", (5.0 - 0.45 + 0.3, 2.0), (2.0, 0.9, 0.8), yaw=90)  # 0.3 m through wall_1
    rep = validate(scene(sofa))
    assert [(o.id, o.reason) for o in rep.out_of_bounds] == [("sofa_0", "footprint outside room_0")]
    assert rep.out_of_bounds[0].by_m == pytest.approx(0.3, abs=1e-3)


def test_within_tolerance_not_out_of_bounds():
    sofa = box("sofa_0", "sofa", (5.0 - 0.45 + 0.008, 2.0), (2.0, 0.9, 0.8), yaw=90)
    assert validate(scene(sofa)).ok


def test_rotated_object_corner_outside():
    # a 1 m cube turned 45 deg, centred 0.5 m from wall_0: its corner pokes sqrt(.5) - .5 through it
    rep = validate(scene(box("crate", "crate", (2.0, 0.5), CUBE, yaw=45)))
    assert rep.out_of_bounds[0].by_m == pytest.approx(math.sqrt(0.5) - 0.5, abs=1e-3)


def test_l_shaped_room_notch():
    inside = [box("a", "crate", (1.0, 1.0), CUBE), box("b", "crate", (1.5, 4.0), CUBE),
              box("c", "crate", (5.0, 1.5), CUBE), box("corner", "crate", (2.5, 2.5), CUBE)]
    in_notch = box("notch", "crate", (4.5, 4.0), (1.0, 1.0, 1.0))
    rep = validate(scene(*inside, in_notch, polygon=L_SHAPE))
    assert [o.id for o in rep.out_of_bounds] == ["notch"]
    assert "not inside any room" in rep.out_of_bounds[0].reason
    # its far corner (5, 4.5) is 1.5 m from the nearest floor point (5, 3)
    assert rep.out_of_bounds[0].by_m == pytest.approx(1.5, abs=1e-3)
    # centre inside the L, one corner reaching 0.2 m into the notch (both ways)
    reach = box("reach", "crate", (2.7, 2.7), CUBE)
    rep = validate(scene(reach, polygon=L_SHAPE))
    assert [(o.id, o.reason) for o in rep.out_of_bounds] == [("reach", "footprint outside room_0")]
    assert rep.out_of_bounds[0].by_m == pytest.approx(0.2, abs=1e-3)


def test_excess_outside_nonconvex_interior_maximum():
    # a U-shaped region; a bar spanning the gap is farthest from the region in its middle
    u = Polygon([(0, 0), (5, 0), (5, 4), (4, 4), (4, 1), (1, 1), (1, 4), (0, 4)])
    bar = Polygon([(0.5, 3.0), (4.5, 3.0), (4.5, 3.5), (0.5, 3.5)])
    assert excess_outside(bar, u) == pytest.approx(1.5, abs=1e-3)


def test_object_above_ceiling():
    rep = validate(scene(box("wardrobe", "wardrobe", (2.0, 3.5), (1.2, 0.6, 3.0)), height=2.6))
    assert [(o.id, o.reason) for o in rep.out_of_bounds] == [("wardrobe", "top above the ceiling of room_0")]
    assert rep.out_of_bounds[0].by_m == pytest.approx(0.4, abs=1e-6)


def test_wall_object_piercing_wall_reported_once():
    painting = box("painting_0", "painting", (2.5, 4.0 - 0.02 + 0.03), (0.9, 0.04, 0.65), z=1.2, yaw=180,
                   support="wall:wall_2")
    rep = validate(scene(painting))
    assert [(o.id, o.reason) for o in rep.out_of_bounds] == [("painting_0", "pierces wall_2")]
    assert rep.out_of_bounds[0].by_m == pytest.approx(0.03, abs=1e-6)
    assert [(u.id, round(u.gap_m, 4)) for u in rep.unsupported] == [("painting_0", -0.03)]


# ---------------------------------------------------------------------------------------------
# openings

DOOR = Opening("door_0", "door", "wall_0", offset=1.0, width=0.9, height=2.1)  # x 1..1.9 on y = 0


def test_door_blocked_inside():
    chair = box("chair_0", "chair", (1.45, 0.6), (0.5, 0.5, 0.9))
    rep = validate(scene(chair, openings=[DOOR]))
    assert [(b.opening, b.object, b.side) for b in rep.blocked_openings] == [("door_0", "chair_0", "inside")]


def test_door_blocked_outside():
    # outside zone: beyond the 0.12 m wall, 0.9 m deep (y from -1.02 to -0.12)
    crate = box("crate_0", "crate", (1.45, -0.6), (0.5, 0.5, 0.9))
    rep = validate(scene(crate, openings=[DOOR]))
    assert [(b.opening, b.object, b.side) for b in rep.blocked_openings] == [("door_0", "crate_0", "outside")]
    assert [o.id for o in rep.out_of_bounds] == ["crate_0"]  # and it is outside the room


def test_door_blocked_from_the_next_room():
    hall = Room("room_1", "hall", ((0.0, -3.12), (5.0, -3.12), (5.0, -0.12), (0.0, -0.12)), 2.8)
    sc = Scene(rooms=(Room("room_0", "living room", RECT, 2.8, openings=(DOOR,)), hall),
               objects=(box("crate_0", "crate", (1.45, -0.6), (0.5, 0.5, 0.9)),
                        box("crate_1", "crate", (3.5, -0.6), (0.5, 0.5, 0.9))))
    rep = validate(sc)
    assert [(b.opening, b.object, b.side) for b in rep.blocked_openings] == [("door_0", "crate_0", "outside")]
    assert rep.out_of_bounds == () and rep.collisions == () and rep.unsupported == ()


def test_objects_clear_of_door_not_blocking():
    objs = [
        box("flush_side", "cabinet", (1.9 + 0.3, 0.3), (0.6, 0.6, 1.0)),  # flush with the zone's right edge
        box("beyond", "cabinet", (1.45, 0.9 + 0.3), (0.6, 0.6, 1.0)),  # right behind the zone
        box("far", "cabinet", (3.5, 2.0), (0.6, 0.6, 1.0)),
        box("lamp", "wall_lamp", (1.45, 0.1), (0.3, 0.2, 0.3), z=1.6, support="wall:wall_0"),  # not a floor object
    ]
    rep = validate(scene(*objs, openings=[DOOR]))
    assert rep.blocked_openings == ()
    assert rep.ok, rep.summary_lines()


def test_door_on_rotated_wall_both_sides():
    door = Opening("door_1", "door", "wall_3", offset=1.0, width=1.0, height=2.1)  # wall_3: (0,4)->(0,0)
    inside = box("stool", "stool", (0.4, 2.5), (0.4, 0.4, 0.5))  # y 2.3..2.7 within the door (y 2..3)
    outside = box("bin", "bin", (-0.6, 2.5), (0.3, 0.3, 0.5))
    rep = validate(scene(inside, outside, openings=[door]))
    assert [(b.object, b.side) for b in rep.blocked_openings] == [("bin", "outside"), ("stool", "inside")]


WINDOW = Opening("window_0", "window", "wall_1", offset=1.5, width=1.0, height=1.2, sill=0.9)  # y 1.5..2.5 at x=5


def test_sofa_under_window_ok_bookshelf_blocks():
    sofa = box("sofa_0", "sofa", (5.0 - 0.45, 2.0), (2.0, 0.9, 0.8), yaw=90)
    assert validate(scene(sofa, openings=[WINDOW])).ok
    shelf = box("bookshelf_0", "bookshelf", (5.0 - 0.2, 2.0), (0.8, 0.35, 1.8), yaw=90)
    rep = validate(scene(shelf, openings=[WINDOW]))
    assert [(b.opening, b.object, b.side) for b in rep.blocked_openings] == [("window_0", "bookshelf_0", "inside")]


def test_high_window_and_far_objects_not_blocked():
    high = Opening("window_1", "window", "wall_1", offset=1.5, width=1.0, height=1.0, sill=1.3)
    shelf = box("bookshelf_0", "bookshelf", (5.0 - 0.2, 2.0), (0.8, 0.35, 1.8), yaw=90)
    assert validate(scene(shelf, openings=[high])).ok
    away = box("bookshelf_1", "bookshelf", (5.0 - 0.2 - 0.35, 2.0), (0.8, 0.35, 1.8), yaw=90)  # 0.3+ m away
    assert validate(scene(away, openings=[WINDOW])).ok


# ---------------------------------------------------------------------------------------------
# support


def test_floating_table():
    rep = validate(scene(box("table_0", "table", (2.0, 2.0), (1.2, 0.8, 0.75), z=0.1)))
    assert [(u.id, u.support) for u in rep.unsupported] == [("table_0", "floor")]
    assert rep.unsupported[0].gap_m == pytest.approx(0.1, abs=1e-9)
    assert "floats" in rep.unsupported[0].reason


def test_mug_floating_above_table():
    table = box("table_0", "table", (2.0, 2.0), (1.2, 0.8, 0.75))
    mug = box("mug_0", "mug", (2.2, 2.1), (0.09, 0.09, 0.1), z=0.80, support="object:table_0")
    rep = validate(scene(table, mug))
    assert [(u.id, u.support) for u in rep.unsupported] == [("mug_0", "object:table_0")]
    assert rep.unsupported[0].gap_m == pytest.approx(0.05, abs=1e-9)
    assert rep.collisions == ()


def test_mug_beside_the_table_top():
    table = box("table_0", "table", (2.0, 2.0), (1.2, 0.8, 0.75), yaw=90)  # turned: spans x 1.6..2.4
    mug = box("mug_0", "mug", (2.6, 2.0), (0.09, 0.09, 0.1), z=0.75, support="object:table_0")
    rep = validate(scene(table, mug))
    assert len(rep.unsupported) == 1
    assert rep.unsupported[0].gap_m == pytest.approx(0.2, abs=1e-6)
    assert "beside" in rep.unsupported[0].reason
    ok = box("mug_0", "mug", (2.3, 2.5), (0.09, 0.09, 0.1), z=0.75, support="object:table_0")
    assert validate(scene(table, ok)).ok


def test_painting_on_wall():
    def painting(off: float) -> ObjectInstance:
        return box("painting_0", "painting", (2.5, 4.0 - 0.02 - off), (0.9, 0.04, 0.65), z=1.2, yaw=180,
                   support="wall:wall_2")

    assert validate(scene(painting(0.0))).ok
    rep = validate(scene(painting(0.05)))
    assert [(u.id, u.support) for u in rep.unsupported] == [("painting_0", "wall:wall_2")]
    assert rep.unsupported[0].gap_m == pytest.approx(0.05, abs=1e-6)
    assert rep.out_of_bounds == ()


def test_painting_past_wall_end_and_facing_wall():
    past = box("painting_0", "painting", (0.3, 4.0 - 0.02), (0.9, 0.04, 0.65), z=1.2, yaw=180, support="wall:wall_2")
    rep = validate(scene(past))
    assert any("past the end of wall_2" in u.reason and u.gap_m == pytest.approx(0.15, abs=1e-6)
               for u in rep.unsupported)
    backwards = box("painting_0", "painting", (2.5, 4.0 - 0.02), (0.9, 0.04, 0.65), z=1.2, yaw=0,
                    support="wall:wall_2")
    rep = validate(scene(backwards))
    assert [u.reason for u in rep.unsupported] == ["front does not face out of wall_2 (yaw 0 deg)"]


def test_ceiling_light():
    def light(z: float) -> ObjectInstance:
        return box("light_0", "ceiling_light", (2.5, 2.0), (0.4, 0.4, 0.2), z=z, support="ceiling")

    assert validate(scene(light(2.6), height=2.8)).ok
    rep = validate(scene(light(2.3), height=2.8))
    assert [(u.id, u.support) for u in rep.unsupported] == [("light_0", "ceiling")]
    assert rep.unsupported[0].gap_m == pytest.approx(0.3, abs=1e-9)


def test_missing_surface_index_reported():
    table = box("table_0", "table", (2.0, 2.0), (1.2, 0.8, 0.75))
    mug = box("mug_0", "mug", (2.0, 2.0), (0.09, 0.09, 0.1), z=0.75, support="object:table_0#7")
    rep = validate(scene(table, mug))
    assert [u.id for u in rep.unsupported] == ["mug_0"]
    assert "no support surface #7" in rep.unsupported[0].reason


# ---------------------------------------------------------------------------------------------
# the report


def test_report_dict_sorted_rounded_and_deterministic():
    objs = [
        box("zeta", "crate", (1.0, 1.0), CUBE, z=0.123456),
        box("alpha", "crate", (1.7, 1.0), CUBE),
        box("mid", "crate", (4.9, 3.0), CUBE),
    ]
    sc = scene(*objs, openings=[DOOR])
    rep = validate(sc)
    d = rep.to_dict()
    assert list(d) == ["collisions", "out_of_bounds", "blocked_openings", "unsupported"]
    assert d["collisions"][0]["a"] == "alpha" and d["collisions"][0]["b"] == "zeta"
    assert d["unsupported"] == [
        {"id": "zeta", "support": "floor", "gap_m": 0.1235, "reason": "floats 0.123 m above the floor"}]
    assert d["out_of_bounds"][0]["id"] == "mid" and d["out_of_bounds"][0]["by_m"] == 0.4
    assert [b["object"] for b in d["blocked_openings"]] == ["alpha", "zeta"]
    assert json.dumps(d) == json.dumps(validate(sc).to_dict())
    reversed_scene = scene(*reversed(objs), openings=[DOOR])
    assert validate(reversed_scene) == rep
    lines = rep.summary_lines()
    assert lines[0].startswith("invalid: ") and len(lines) == 1 + rep.problem_count
    assert not rep.ok


def test_empty_report():
    rep = ValidationReport()
    assert rep.ok
    assert rep.to_dict() == {"collisions": [], "out_of_bounds": [], "blocked_openings": [], "unsupported": []}
    assert rep.summary_lines()[0].startswith("valid")
    assert validate(Scene()).ok


def grid_scene(n: int = 40, seed: int = 0) -> Scene:
    rng = np.random.default_rng(seed)
    objs = []
    cols = 8
    for i in range(n):
        cx, cy = 0.6 + 1.2 * (i % cols), 0.6 + 1.2 * (i // cols)
        w, d = rng.uniform(0.3, 0.9, size=2)
        h = float(rng.uniform(0.3, 2.0))
        jx, jy = rng.uniform(-0.1, 0.1, size=2)
        objs.append(box(f"obj_{i}", "crate", (cx + jx, cy + jy), (float(w), float(d), h),
                        yaw=float(rng.uniform(0, 90))))
    room = Room("room_0", "hall", ((0, 0), (9.6, 0), (9.6, 6.0), (0, 6.0)), 2.8)
    return Scene(rooms=(room,), objects=tuple(objs))


def test_forty_object_grid_is_valid():
    sc = grid_scene()
    t0 = time.perf_counter()
    rep = validate(sc)
    elapsed = time.perf_counter() - t0
    assert rep.ok, rep.summary_lines()
    assert elapsed < 10.0  # generous: a sanity bound, the real figure is measured in bench/


# ---------------------------------------------------------------------------------------------
# properties against closed-form answers

coord = st.floats(0.8, 4.2)
extent = st.floats(0.2, 1.2)


@settings(max_examples=40, deadline=None)
@given(ax=coord, ay=coord, bx=coord, by=coord, sa=st.tuples(extent, extent, extent),
       sb=st.tuples(extent, extent, extent), yaw=st.floats(-180, 180))
def test_depth_of_two_parallel_boxes_is_their_separating_overlap(ax, ay, bx, by, sa, sb, yaw):
    a = box("a", "crate", (ax, ay), sa, yaw=yaw)
    b = box("b", "crate", (bx, by), sb, yaw=yaw)
    # in the boxes' common frame: overlap along local x, y and z, the smallest move apart
    t = math.radians(yaw)
    dx, dy = bx - ax, by - ay
    lx, ly = abs(math.cos(t) * dx + math.sin(t) * dy), abs(-math.sin(t) * dx + math.cos(t) * dy)
    ox = (sa[0] + sb[0]) / 2 - lx
    oy = (sa[1] + sb[1]) / 2 - ly
    oz = min(sa[2], sb[2])
    expected = min(ox, oy, oz) if ox > 0 and oy > 0 else 0.0
    rep = validate(Scene(rooms=(Room("room_0", "hall", ((-5, -5), (10, -5), (10, 10), (-5, 10)), 3.0),),
                         objects=(a, b)))
    if expected > 0.0051:
        assert len(rep.collisions) == 1
        assert rep.collisions[0].depth_m == pytest.approx(expected, abs=1e-6)
    elif expected < 0.0049:
        assert rep.collisions == ()


@settings(max_examples=40, deadline=None)
@given(x=st.floats(-1.0, 6.0), y=st.floats(-1.0, 5.0), w=extent, d=extent, yaw=st.floats(-180, 180))
def test_out_of_bounds_amount_matches_farthest_corner(x, y, w, d, yaw):
    obj = box("crate_0", "crate", (x, y), (w, d, 0.5), yaw=yaw)
    corners = np.array(obj.footprint)
    gap = np.maximum(np.maximum(np.array([0.0, 0.0]) - corners, corners - np.array([5.0, 4.0])), 0.0)
    expected = float(np.hypot(gap[:, 0], gap[:, 1]).max())
    rep = validate(scene(obj))
    if expected > 0.0101:
        assert len(rep.out_of_bounds) == 1
        assert rep.out_of_bounds[0].by_m == pytest.approx(expected, abs=1e-6)
    elif expected < 0.0099:
        assert rep.out_of_bounds == ()
