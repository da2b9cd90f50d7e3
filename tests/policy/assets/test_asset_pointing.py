"""Pointing: parsing a pointing model's points, and lifting normalised points to a surface (real cameras)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest

from worldsmith.assets import object_transform
from worldsmith.dsl import execute
from worldsmith.layout.fill import SurfaceChecker
from worldsmith.policy.assets.choose import Want
from worldsmith.policy.assets.placer import assign_points, try_point
from worldsmith.policy.assets.pointing import Point, lift, normalise, parse_points
from worldsmith.policy.assets.view import surface_view
from worldsmith.scene import Scene

PROGRAM = """room("dining", width=5, depth=4)
t = add("dining_table", size=(1.6, 0.9, 0.75))
place(t, at=(2.5, 2.0), yaw=30)
"""


@lru_cache(maxsize=1)
def scene() -> Scene:
    return execute(PROGRAM, Scene(prompt="a dining room", seed=0), seed=0).scene


# -- parsing ------------------------------------------------------------------------------------


def test_parse_molmo_point_tags():
    text = 'Sure. <point x="61.5" y="40.2" alt="mug">mug</point> and <point x=\'10\' y="20.25">plate</point>'
    assert parse_points(text) == [Point(61.5, 40.2, "mug"), Point(10.0, 20.25, "plate")]


def test_parse_multi_points_tag_and_self_closing():
    text = '<points x1="10" y1="20" x2="30.5" y2="40" alt="books">books</points> then <point x="1" y="2"/> ok'
    assert parse_points(text) == [Point(10.0, 20.0, "books"), Point(30.5, 40.0, "books"), Point(1.0, 2.0, "")]


def test_parse_json_lists_in_every_shape():
    fenced = 'Here:\n```json\n[{"x": 12, "y": 34.5, "label": "vase"}, {"point": [5, 6], "name": "cup"}, [7, 8]]\n```'
    assert parse_points(fenced) == [Point(12.0, 34.5, "vase"), Point(5.0, 6.0, "cup"), Point(7.0, 8.0, "")]
    assert parse_points('{"points": [{"x": "1.5", "y": 2.5}]}') == [Point(1.5, 2.5, "")]
    assert parse_points("[[3, 4], [5.5, 6.5]]") == [Point(3.0, 4.0, ""), Point(5.5, 6.5, "")]


def test_parse_prose_pairs_with_labels():
    text = "1. plate: (25.0, 60.5)\n2. mug at (70, 30.25)\n- (1, 2) and (3, 4)"
    assert parse_points(text) == [Point(25.0, 60.5, "plate"), Point(70.0, 30.25, "mug"), Point(1.0, 2.0, ""),
                                  Point(3.0, 4.0, "")]


def test_tags_win_over_other_formats_and_nothing_gives_nothing():
    assert parse_points('(1, 2) <point x="5" y="6" alt="cup">cup</point>') == [Point(5.0, 6.0, "cup")]
    assert parse_points("I cannot see a table.") == []


def test_labelled_points_go_to_their_category_then_the_rest_in_order():
    wants = [Want("plate"), Want("mug"), Want("vase")]
    pts = [Point(1, 1, "vase"), Point(2, 2, ""), Point(3, 3, "mugs")]
    assert assign_points(pts, wants) == [Point(2, 2, ""), Point(3, 3, "mugs"), Point(1, 1, "vase")]
    assert assign_points([Point(1, 1, "")], wants) == [Point(1, 1, ""), None, None]
    assert assign_points([Point(1, 1, "vase #1"), Point(2, 2, "mug 2")], wants) == \
        [None, Point(2, 2, "mug 2"), Point(1, 1, "vase #1")]


# -- lifting ------------------------------------------------------------------------------------


def test_points_on_the_top_lift_back_to_where_they_were_within_5_mm():
    sc = scene()
    view = surface_view(sc, "dining_table_0", 0, (256, 256))
    table = sc.object("dining_table_0")
    local = np.array([[0.0, 0.0], [0.7, 0.35], [-0.7, -0.35], [0.3, -0.2], [-0.55, 0.3]])
    world = (object_transform(table) @ np.c_[local, np.zeros(5), np.ones(5)].T).T[:, :2]
    pts = normalise(view.camera, np.c_[world, np.full(5, view.z)])
    assert np.all((pts > 0) & (pts < 100))
    for (px, py), (x, y) in zip(np.round(pts, 1), world):  # as a model writes them: one decimal
        got, why = lift(view.camera, float(px), float(py), view.z)
        assert why == ""
        assert np.hypot(got[0] - x, got[1] - y) < 0.005
    # exact without the rounding
    got, _ = lift(view.camera, float(pts[1, 0]), float(pts[1, 1]), view.z)
    assert np.hypot(got[0] - world[1, 0], got[1] - world[1, 1]) < 1e-9


def test_the_image_centre_looks_at_the_middle_of_the_surface():
    sc = scene()
    view = surface_view(sc, "dining_table_0", 0, (256, 256))
    got, _ = lift(view.camera, 50.0, 50.0, view.z)
    assert got == pytest.approx((2.5, 2.0), abs=1e-9)


def test_points_off_the_image_or_above_the_horizon_are_rejected():
    sc = scene()
    view = surface_view(sc, "dining_table_0", 0, (256, 256))
    assert lift(view.camera, 101.0, 50.0, view.z) == (None, "off the image: (101, 50) is outside 0..100")
    assert lift(view.camera, 50.0, -0.5, view.z)[0] is None
    # a camera looking level: the upper half of its image never comes down to the plane
    from worldsmith.render.camera import Camera

    level = Camera.look_at("level", (0, 0, 1.0), (5, 0, 1.0), width=64, height=64)
    xy, why = lift(level, 50.0, 10.0, 0.75)
    assert xy is None and why.startswith("the point is above the horizon")


def test_points_off_the_surface_or_over_its_edge_are_rejected_with_the_reason():
    sc = scene()
    view = surface_view(sc, "dining_table_0", 0, (256, 256))
    table = sc.object("dining_table_0")
    checker = SurfaceChecker(sc, "dining_table_0")
    mug = Want("mug", 0, (0.12, 0.09, 0.1))
    T = object_transform(table)
    off = normalise(view.camera, [(T @ [0.95, 0.0, 0.0, 1.0])[:2].tolist() + [view.z]])[0]
    pose, why = try_point(checker, view, mug, (float(off[0]), float(off[1])), [30.0], "a mug")
    assert pose is None
    assert why.startswith("off the surface: the point lands at") and "not on dining_table_0's top" in why
    edge = normalise(view.camera, [(T @ [0.77, 0.0, 0.0, 1.0])[:2].tolist() + [view.z]])[0]
    pose, why = try_point(checker, view, mug, (float(edge[0]), float(edge[1])), [30.0], "a mug")
    assert pose is None and why.startswith("over the edge: a 12 x 9 cm mug there sticks out")
    good = normalise(view.camera, [(T @ [0.2, 0.1, 0.0, 1.0])[:2].tolist() + [view.z]])[0]
    pose, why = try_point(checker, view, mug, (float(good[0]), float(good[1])), [30.0], "the mug at point 1")
    assert why == "" and pose[2] == 30.0
    # the next item there collides with the committed mug, named by its label
    pose2, why2 = try_point(checker, view, Want("cup", 0, (0.09, 0.09, 0.08)), (float(good[0]), float(good[1])),
                            [0.0], "a cup")
    assert pose2 is None and why2 == "too close to the mug at point 1 (keep 2 cm apart)"
