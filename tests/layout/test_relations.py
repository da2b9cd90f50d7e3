"""Every relation's geometric test (layout/constraints.py documents it; layout/relations.py runs
it): a hand-made pose that satisfies it and one that does not, plus the report over placements."""

from __future__ import annotations

import math

import numpy as np
import pytest
from shapely.geometry import Polygon

from worldsmith.layout import constraints as K
from worldsmith.layout.relations import (
    check_relation,
    corners,
    evaluate,
    obj_corners,
    quad_gap,
    rect_gap,
    relation_report,
    relation_share,
)
from worldsmith.scene import AssetRef, ObjectInstance, Opening, Room, Scene

W, D = 6.0, 5.0  # wall_0 y=0 (normal +y), wall_1 x=6 (-x), wall_2 y=5 (-y), wall_3 x=0 (+x)


def obj(oid: str, x: float, y: float, size=(1.0, 0.5, 0.8), yaw=0.0, z=0.0, support="floor", placement=()):
    cat = oid.rsplit("_", 1)[0]
    return ObjectInstance(oid, cat, AssetRef("fallback", cat), (x, y, z), size, yaw, support, placement=placement)


def scene(*objects, openings=()) -> Scene:
    room = Room("room_0", "test", ((0, 0), (W, 0), (W, D), (0, D)), 2.8, openings=tuple(openings))
    return Scene(rooms=(room,), objects=tuple(objects))


def holds(s: Scene, oid: str, c) -> bool:
    return check_relation(s, oid, c).satisfied


# ---------------------------------------------------------------------------------------------
# direct constraints


def test_at_yaw_height():
    s = scene(obj("box_0", 1.0, 2.0, yaw=90.0), obj("painting_0", 3.0, 4.97, (0.8, 0.04, 0.6), 180.0, 1.2,
                                                     "wall:wall_2"))
    assert holds(s, "box_0", K.At(1.0, 2.0)) and holds(s, "box_0", K.At(1.005, 2.0))
    assert not holds(s, "box_0", K.At(1.5, 2.0))
    assert holds(s, "box_0", K.Yaw(95.0)) and holds(s, "box_0", K.Yaw(-265.0))
    assert not holds(s, "box_0", K.Yaw(120.0))
    assert holds(s, "painting_0", K.Height(1.2)) and not holds(s, "painting_0", K.Height(1.5))


# ---------------------------------------------------------------------------------------------
# one object


def test_against_a_wall():
    # a 1.0 x 0.5 box with its back 1 cm off wall_0, facing into the room (+y)
    good = obj("box_0", 2.0, 0.26)
    assert holds(scene(good), "box_0", K.Against("wall_0", None))
    assert holds(scene(good), "box_0", K.Against("any_wall", None))
    assert not holds(scene(good), "box_0", K.Against("wall_2", None))
    assert not holds(scene(obj("box_0", 2.0, 0.45)), "box_0", K.Against("wall_0", None))  # 0.2 m off
    assert not holds(scene(obj("box_0", 2.0, 0.26, yaw=30.0)), "box_0", K.Against("wall_0", None))  # turned
    assert not holds(scene(obj("box_0", 0.3, 0.26)), "box_0", K.Against("wall_0", None))  # past the wall's start
    # against wall_1 (x = 6), facing -x: yaw 90
    assert holds(scene(obj("box_0", 5.74, 2.0, yaw=90.0)), "box_0", K.Against("wall_1", None))


def test_corner():
    s = scene(obj("box_0", 0.51, 0.26))  # sides on wall_0 and wall_3 at vertex 0
    assert holds(s, "box_0", K.Corner()) and holds(s, "box_0", K.Corner(0))
    assert not holds(s, "box_0", K.Corner(2))
    assert not holds(scene(obj("box_0", 1.5, 0.26)), "box_0", K.Corner())  # only one wall
    turned = scene(obj("box_0", 0.26, 0.51, yaw=270.0))  # back to wall_3, side on wall_0
    assert holds(turned, "box_0", K.Corner(0))


def test_center():
    assert holds(scene(obj("box_0", 3.0, 2.5)), "box_0", K.Center())
    assert not holds(scene(obj("box_0", 3.0, 0.6)), "box_0", K.Center())  # footprint 0.35 m from wall_0
    assert holds(scene(obj("box_0", 3.0, 0.8)), "box_0", K.Center(0.5))
    assert not holds(scene(obj("box_0", 3.0, 0.8)), "box_0", K.Center(1.0))


def test_facing_an_object_a_wall_and_the_centre():
    tv = obj("tv_0", 3.0, 4.7, (1.2, 0.4, 0.5), 180.0)
    s = scene(obj("sofa_0", 3.0, 1.0, (2.0, 0.9, 0.8), 0.0), tv)
    assert holds(s, "sofa_0", K.Facing("tv_0"))
    s2 = scene(obj("sofa_0", 3.0, 1.0, (2.0, 0.9, 0.8), 40.0), tv)  # the ray passes left of the TV
    assert not holds(s2, "sofa_0", K.Facing("tv_0"))
    s3 = scene(obj("sofa_0", 4.5, 1.0, (2.0, 0.9, 0.8), 0.0), tv)  # beside the TV's footprint
    assert not holds(s3, "sofa_0", K.Facing("tv_0"))
    assert holds(s, "sofa_0", K.Facing("wall_2")) and not holds(s, "sofa_0", K.Facing("wall_1"))
    assert holds(s, "sofa_0", K.Facing("center"))
    assert not holds(scene(obj("sofa_0", 1.0, 1.0, yaw=0.0)), "sofa_0", K.Facing("center"))  # passes 2 m away
    assert holds(scene(obj("sofa_0", 1.0, 1.0, yaw=math.degrees(math.atan2(-2.0, 1.5)))), "sofa_0",
                 K.Facing("center"))


def test_same_yaw_as():
    s = scene(obj("a_0", 1, 1, yaw=90.0), obj("b_0", 3, 3, yaw=95.0), obj("c_0", 4, 1, yaw=130.0))
    assert holds(s, "b_0", K.SameYawAs("a_0"))
    assert not holds(s, "c_0", K.SameYawAs("a_0"))


def test_next_to_with_sides():
    bed = obj("bed_0", 3.0, 1.06, (1.6, 2.1, 1.0), 0.0)  # faces +y: its right is +x
    right = obj("nightstand_0", 3.0 + 0.8 + 0.05 + 0.25, 0.21, (0.5, 0.4, 0.55), 0.0)
    left = obj("nightstand_1", 3.0 - 0.8 - 0.05 - 0.25, 0.21, (0.5, 0.4, 0.55), 0.0)
    s = scene(bed, right, left)
    assert holds(s, "nightstand_0", K.NextTo("bed_0", "right")) and holds(s, "nightstand_0", K.NextTo("bed_0"))
    assert not holds(s, "nightstand_0", K.NextTo("bed_0", "left"))
    assert holds(s, "nightstand_1", K.NextTo("bed_0", "left"))
    far = scene(bed, obj("nightstand_0", 3.0 + 0.8 + 0.5 + 0.25, 0.21, (0.5, 0.4, 0.55)))
    assert not holds(far, "nightstand_0", K.NextTo("bed_0"))  # 0.5 m gap
    past_foot = scene(bed, obj("nightstand_0", 4.1, 2.5, (0.5, 0.4, 0.55)))  # beyond the bed's depth
    assert not holds(past_foot, "nightstand_0", K.NextTo("bed_0"))


def test_in_front_of_and_behind():
    sofa = obj("sofa_0", 3.0, 1.0, (2.0, 0.9, 0.8), 0.0)
    table = obj("coffee_table_0", 3.0, 1.0 + 0.45 + 0.6 + 0.3, (1.1, 0.6, 0.4))
    s = scene(sofa, table)
    assert holds(s, "coffee_table_0", K.InFrontOf("sofa_0"))
    assert holds(s, "coffee_table_0", K.InFrontOf("sofa_0", 0.8))
    assert not holds(s, "coffee_table_0", K.InFrontOf("sofa_0", 1.5))
    assert not holds(s, "coffee_table_0", K.Behind("sofa_0"))
    aside = scene(sofa, obj("coffee_table_0", 5.0, 2.35, (1.1, 0.6, 0.4)))  # lateral 2 m > 1.2
    assert not holds(aside, "coffee_table_0", K.InFrontOf("sofa_0"))
    back = scene(obj("sofa_0", 3.0, 3.0, (2.0, 0.9, 0.8)),
                 obj("console_0", 3.0, 3.0 - 0.45 - 0.5 - 0.2, (1.2, 0.4, 0.8)))
    assert holds(back, "console_0", K.Behind("sofa_0")) and not holds(back, "console_0", K.InFrontOf("sofa_0"))


def test_between():
    s = scene(obj("sofa_0", 1.0, 2.5), obj("tv_0", 5.0, 2.5), obj("table_0", 3.2, 2.7), obj("lamp_0", 1.2, 2.5),
              obj("rug_0", 3.0, 3.2))
    assert holds(s, "table_0", K.Between("sofa_0", "tv_0"))
    assert not holds(s, "lamp_0", K.Between("sofa_0", "tv_0"))  # at 5 % of the segment
    assert not holds(s, "rug_0", K.Between("sofa_0", "tv_0"))  # 0.7 m off the segment


def test_center_aligned_with():
    s = scene(obj("sofa_0", 3.0, 1.0, yaw=0.0), obj("tv_0", 3.05, 4.5), obj("lamp_0", 3.4, 4.5))
    assert holds(s, "tv_0", K.CenterAlignedWith("sofa_0"))
    assert not holds(s, "lamp_0", K.CenterAlignedWith("sofa_0"))


def test_near_and_far_from():
    s = scene(obj("a_0", 1.0, 1.0), obj("b_0", 2.5, 1.0), obj("c_0", 5.0, 4.0))
    assert holds(s, "b_0", K.Near("a_0"))  # gap 0.5
    assert not holds(s, "c_0", K.Near("a_0"))
    assert holds(s, "c_0", K.FarFrom("a_0"))  # gap >= 2
    assert not holds(s, "b_0", K.FarFrom("a_0"))
    # as far as the room allows counts: a 6 m wide strip cannot give 2 m to a 2.6 m wide object
    tight = Room("room_0", "strip", ((0, 0), (3.4, 0), (3.4, 1.0), (0, 1.0)), 2.5)
    s2 = Scene(rooms=(tight,), objects=(obj("a_0", 0.3, 0.5, (0.5, 0.5, 0.5)), obj("b_0", 2.09, 0.5, (2.6, 0.5, 0.5))))
    assert holds(s2, "b_0", K.FarFrom("a_0"))


def test_under_a_window():
    window = Opening("window_0", "window", "wall_2", 2.2, 1.6, 1.2, 0.9)  # x from 3.8 to 2.2 along wall_2
    desk = obj("desk_0", 3.0, 5.0 - 0.31, (1.2, 0.6, 0.75), 180.0)
    assert holds(scene(desk, openings=[window]), "desk_0", K.Under("window_0"))
    tall = obj("desk_0", 3.0, 5.0 - 0.31, (1.2, 0.6, 1.2), 180.0)
    assert not holds(scene(tall, openings=[window]), "desk_0", K.Under("window_0"))
    aside = obj("desk_0", 1.0, 5.0 - 0.31, (1.2, 0.6, 0.75), 180.0)
    assert not holds(scene(aside, openings=[window]), "desk_0", K.Under("window_0"))
    off_wall = obj("desk_0", 3.0, 4.0, (1.2, 0.6, 0.75), 180.0)
    assert not holds(scene(off_wall, openings=[window]), "desk_0", K.Under("window_0"))


def test_on_wall_and_on_ceiling():
    s = scene(obj("painting_0", 5.98, 2.0, (0.8, 0.04, 0.6), 90.0, 1.5, "wall:wall_1"),
              obj("lamp_0", 3.0, 2.5, (0.4, 0.4, 0.5), 0.0, 2.3, "ceiling"))
    assert holds(s, "painting_0", K.OnWall("wall_1")) and holds(s, "painting_0", K.OnWall("any_wall", 1.5))
    assert not holds(s, "painting_0", K.OnWall("wall_2")) and not holds(s, "painting_0", K.OnWall("wall_1", 1.2))
    assert holds(s, "lamp_0", K.OnCeiling()) and not holds(s, "painting_0", K.OnCeiling())


# ---------------------------------------------------------------------------------------------
# groups


def test_around_a_table():
    table = obj("table_0", 3.0, 2.5, (1.6, 0.9, 0.75))
    chair = obj("chair_0", 3.0, 2.5 + 0.45 + 0.26 - 0.05, (0.48, 0.52, 0.9), 180.0)  # tucked 5 cm, facing -y
    assert holds(scene(table, chair), "chair_0", K.Around("table_0", 0, 4))
    away = obj("chair_0", 3.0, 3.16, (0.48, 0.52, 0.9), 0.0)  # facing away
    assert not holds(scene(table, away), "chair_0", K.Around("table_0", 0, 4))
    far = obj("chair_0", 3.0, 3.6, (0.48, 0.52, 0.9), 180.0)  # 0.4 m out
    assert not holds(scene(table, far), "chair_0", K.Around("table_0", 0, 4))


def _row(i: int, x: float, yaw: float = 0.0, group: str = "chair_0", spacing: float = 0.3):
    return obj(f"chair_{i}", x, 1.0, (0.5, 0.5, 0.9), yaw, placement=(K.to_dict(K.Row(group, i, 3, spacing)),))


def test_row():
    pitch = 0.5 + 0.3
    s = scene(_row(0, 1.0), _row(1, 1.0 + pitch), _row(2, 1.0 + 2 * pitch))
    for i in range(3):
        assert holds(s, f"chair_{i}", K.Row("chair_0", i, 3, 0.3))
    wide = scene(_row(0, 1.0), _row(1, 1.0 + pitch + 0.2), _row(2, 1.0 + 2 * pitch + 0.2))
    assert not holds(wide, "chair_1", K.Row("chair_0", 1, 3, 0.3))  # gap 0.5 to member 0
    turned = scene(_row(0, 1.0), _row(1, 1.0 + pitch, yaw=45.0), _row(2, 1.0 + 2 * pitch))
    assert not holds(turned, "chair_1", K.Row("chair_0", 1, 3, 0.3))
    bent = scene(_row(0, 1.0), obj("chair_1", 1.0 + pitch, 1.3, (0.5, 0.5, 0.9),
                                   placement=(K.to_dict(K.Row("chair_0", 1, 3, 0.3)),)), _row(2, 1.0 + 2 * pitch))
    assert not holds(bent, "chair_1", K.Row("chair_0", 1, 3, 0.3))


def test_grid():
    def member(i, x, y, yaw=0.0):
        return obj(f"desk_{i}", x, y, (1.0, 0.5, 0.75), yaw,
                   placement=(K.to_dict(K.Grid("desk_0", i, 2, 2, (0.4, 0.6)),),))

    # row 0 in front (+y for yaw 0), columns left to right
    s = scene(member(0, 1.0, 3.0), member(1, 2.4, 3.0), member(2, 1.0, 1.9), member(3, 2.4, 1.9))
    for i in range(4):
        assert holds(s, f"desk_{i}", K.Grid("desk_0", i, 2, 2, (0.4, 0.6)))
    off = scene(member(0, 1.0, 3.0), member(1, 2.8, 3.0), member(2, 1.0, 1.9), member(3, 2.4, 1.9))
    assert not holds(off, "desk_1", K.Grid("desk_0", 1, 2, 2, (0.4, 0.6)))
    # in place but turned: every member must share the heading
    turned = scene(member(0, 1.0, 3.0), member(1, 2.4, 3.0, yaw=45.0), member(2, 1.0, 1.9), member(3, 2.4, 1.9))
    assert not holds(turned, "desk_1", K.Grid("desk_0", 1, 2, 2, (0.4, 0.6)))
    assert not holds(turned, "desk_2", K.Grid("desk_0", 2, 2, 2, (0.4, 0.6)))  # diagonal to desk_1: its heading
    # the rows' spacing counts too (0.6 m between rows, not 0.3)
    close = scene(member(0, 1.0, 3.0), member(1, 2.4, 3.0), member(2, 1.0, 2.2), member(3, 2.4, 2.2))
    assert not holds(close, "desk_2", K.Grid("desk_0", 2, 2, 2, (0.4, 0.6)))


# ---------------------------------------------------------------------------------------------
# report and helpers


def test_relation_report_and_share():
    a = obj("sofa_0", 3.0, 0.46, (2.0, 0.9, 0.8), 0.0,
            placement=(K.to_dict(K.Against("wall_0", None)), K.to_dict(K.At(3.0, 0.46))))
    b = obj("lamp_0", 4.2, 0.3, (0.3, 0.3, 1.5), 0.0,
            placement=(K.to_dict(K.NextTo("sofa_0", "right")), K.to_dict(K.Corner())))
    rows = relation_report(scene(a, b))
    assert [(r["object"], r["relation"], r["satisfied"]) for r in rows] == [
        ("sofa_0", "against(wall_0)", True),  # At is direct: not a relation
        ("lamp_0", "next_to(sofa_0, right)", True),
        ("lamp_0", "corner", False),
    ]
    assert relation_share(rows) == pytest.approx(2 / 3)
    assert relation_share([]) == 1.0
    assert not check_relation(scene(a), "ghost_0", K.Near("sofa_0")).satisfied
    assert not check_relation(scene(a), "sofa_0", K.Near("ghost_0")).satisfied


def test_gaps_match_shapely():
    rng = np.random.default_rng(5)
    for _ in range(60):
        t = obj("t_0", *rng.uniform(1, 4, 2), size=(*rng.uniform(0.2, 2.0, 2), 1.0), yaw=float(rng.uniform(0, 360)))
        x, y = rng.uniform(0, 5, 2)
        w, d = rng.uniform(0.2, 2.0, 2)
        yaw = float(rng.uniform(0, 360))
        want = Polygon(corners(x, y, w, d, yaw)[0]).distance(Polygon(obj_corners(t)))
        assert rect_gap([x], [y], w, d, [yaw], t)[0] == pytest.approx(want, abs=1e-9)
        assert quad_gap(corners(x, y, w, d, yaw), obj_corners(t))[0] == pytest.approx(want, abs=1e-9)


def test_evaluate_is_the_report_test_over_many_poses():
    """The solver ranks candidates with evaluate(); each answer equals check_relation's."""
    s = scene(obj("sofa_0", 3.0, 1.0, (2.0, 0.9, 0.8)), obj("lamp_0", 1.0, 1.0, (0.4, 0.4, 1.5)))
    lamp = s.object("lamp_0")
    rng = np.random.default_rng(2)
    X, Y, YAW = rng.uniform(0.5, 5.5, 40), rng.uniform(0.5, 4.5, 40), rng.uniform(0, 360, 40)
    for c in (K.Near("sofa_0"), K.NextTo("sofa_0", "left"), K.InFrontOf("sofa_0"), K.Facing("sofa_0"),
              K.Center(), K.Corner(), K.Against("any_wall", None), K.CenterAlignedWith("sofa_0")):
        ok, miss, _ = evaluate(s, lamp, X, Y, YAW, c)
        for i in range(len(X)):
            moved = Scene(rooms=s.rooms, objects=(s.object("sofa_0"), ObjectInstance(
                "lamp_0", "lamp", lamp.asset, (X[i], Y[i], 0.0), lamp.size, float(YAW[i]))))
            assert bool(ok[i]) == check_relation(moved, "lamp_0", c).satisfied
            assert (miss[i] == 0.0) >= bool(ok[i])
