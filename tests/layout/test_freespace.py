"""Free floor: opening zones match the validator's, navigability (pockets), reachable doors and
access fronts, and the collision boxes are conservative (boxes apart => the validator finds
nothing)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from worldsmith.assets import build_object_parts, make_asset
from worldsmith.layout.collide import BoxSet, collisions, shape_of
from worldsmith.layout.freespace import (
    ROBOT_RADIUS_M,
    FloorGrid,
    navigability,
    opening_zones,
)
from worldsmith.metrics import validate
from worldsmith.metrics.navigability import navigability_report
from worldsmith.scene import AssetRef, ObjectInstance, Opening, Room, Scene
from worldsmith.scene.rng import derive_rng


def box(oid: str, x: float, y: float, size=(1.0, 0.5, 0.8), yaw: float = 0.0, category: str | None = None):
    cat = category or oid.rsplit("_", 1)[0]
    return ObjectInstance(oid, cat, AssetRef("fallback", cat), (x, y, 0.0), size, yaw)


def room(w=4.0, d=3.0, openings=()) -> Room:
    return Room("room_0", "r", ((0, 0), (w, 0), (w, d), (0, d)), 2.6, openings=tuple(openings))


def test_an_empty_room_is_all_one_free_area():
    s = Scene(rooms=(room(),))
    largest, free = navigability(s, "room_0")
    assert largest == free
    expect = (4.0 - 2 * ROBOT_RADIUS_M) * (3.0 - 2 * ROBOT_RADIUS_M)
    assert free == pytest.approx(expect, rel=0.1)
    assert navigability_report(s)["room_0"]["ratio"] == 1.0


def test_an_enclosed_pocket_lowers_navigability():
    # three cabinets and the corner walls fence off a 1.2 x 1.2 m patch in the corner
    walls = (box("cabinet_0", 1.45, 0.6, (0.3, 1.2, 0.9)), box("cabinet_1", 0.75, 1.35, (1.8, 0.3, 0.9)))
    s = Scene(rooms=(room(),), objects=walls)
    largest, free = navigability(s, "room_0")
    assert largest < 0.95 * free
    report = navigability_report(s)["room_0"]
    assert not report["navigable"] and report["ratio"] == pytest.approx(largest / free, abs=1e-3)
    # opened up (the fence moved aside), it is navigable again
    s2 = Scene(rooms=(room(),), objects=(box("cabinet_0", 3.0, 0.6, (0.3, 1.2, 0.9)),))
    assert navigability_report(s2)["room_0"]["navigable"]


def test_opening_zones_are_the_validators():
    door = Opening("door_0", "door", "wall_0", 1.0, 0.9, 2.1)
    window = Opening("window_0", "window", "wall_2", 1.2, 1.2, 1.2, 0.7)
    r = room(openings=(door, window))
    (inside, outside, band) = opening_zones(Scene(rooms=(r,)), r)
    assert (inside.kind, inside.side, outside.side, band.kind) == ("door", "inside", "outside", "window")
    assert sorted(map(tuple, np.round(inside.corners, 6))) == [(1.0, 0.0), (1.0, 0.9), (1.9, 0.0), (1.9, 0.9)]
    assert sorted(map(tuple, np.round(band.corners, 6))) == [(1.6, 2.7), (1.6, 3.0), (2.8, 2.7), (2.8, 3.0)]
    # an object flush with the door zone's edge does not block it; 3 cm in, it does (validator too)
    for x, blocked in ((1.9 + 0.25, False), (1.9 + 0.22, True)):
        s = Scene(rooms=(r,), objects=(box("cabinet_0", x, 1.0, (0.5, 0.5, 0.9)),))
        assert bool(validate(s).blocked_openings) is blocked
    # below the sill a window band is free to use, above it it is not
    low = Scene(rooms=(r,), objects=(box("cabinet_0", 2.2, 2.74, (1.0, 0.5, 0.65)),))
    high = Scene(rooms=(r,), objects=(box("cabinet_0", 2.2, 2.74, (1.0, 0.5, 0.9)),))
    assert not validate(low).blocked_openings and validate(high).blocked_openings
    assert band.min_top == 0.7


def test_unreachable_doors_and_access_fronts_are_reported():
    door = Opening("door_0", "door", "wall_0", 1.5, 0.9, 2.1)
    # a U of cabinets round the door's clearance zone: the zone is clear but leads nowhere
    fence = (box("cabinet_0", 1.3, 0.55, (0.3, 1.1, 0.9)), box("cabinet_1", 2.6, 0.55, (0.3, 1.1, 0.9)),
             box("cabinet_2", 1.95, 1.25, (1.6, 0.3, 0.9)))
    s = Scene(rooms=(room(openings=(door,)),), objects=fence)
    assert not validate(s).blocked_openings
    assert navigability_report(s)["room_0"]["unreachable_doors"] == ["door_0"]
    # a wardrobe facing a wall 0.3 m away cannot be opened
    stuck = box("wardrobe_0", 2.0, 2.45, (1.2, 0.6, 2.0), yaw=0.0)
    s2 = Scene(rooms=(room(),), objects=(stuck,))
    assert navigability_report(s2)["room_0"]["unreachable_fronts"] == ["wardrobe_0"]
    turned = box("wardrobe_0", 2.0, 2.69, (1.2, 0.6, 2.0), yaw=180.0)
    assert navigability_report(Scene(rooms=(room(),), objects=(turned,)))["room_0"]["unreachable_fronts"] == []


def test_grid_rectangles_cover_the_footprint():
    grid = FloorGrid(room(), 0.05)
    region = grid.footprint((2.0, 1.5), (1.0, 0.5), 30.0)
    iy0, iy1, ix0, ix1 = region.window
    cx, cy = np.meshgrid(grid.cx[ix0:ix1], grid.cy[iy0:iy1])
    t = math.radians(30.0)
    lx = math.cos(t) * (cx - 2.0) + math.sin(t) * (cy - 1.5)
    ly = -math.sin(t) * (cx - 2.0) + math.cos(t) * (cy - 1.5)
    assert region.mask[(np.abs(lx) <= 0.5) & (np.abs(ly) <= 0.25)].all()


# ---------------------------------------------------------------------------------------------
# collision boxes


CATEGORIES = ["chair", "dining_chair", "table", "dining_table", "sofa", "bar_stool", "kitchen_island", "desk",
              "office_chair", "bookshelf", "armchair", "coffee_table"]


def _instance(oid: str, category: str, seed: int, x=0.0, y=0.0, yaw=0.0) -> ObjectInstance:
    ref, size = make_asset(category, derive_rng(seed, "asset", oid))
    return ObjectInstance(oid, category, ref, (x, y, 0.0), size, yaw)


@pytest.mark.parametrize("category", CATEGORIES)
def test_boxes_contain_every_part(category):
    o = _instance("obj_0", category, 3)
    boxes = shape_of(o).boxes
    for part in build_object_parts(o):
        v = np.asarray(part.mesh.vertices)
        lo, hi = v.min(axis=0), v.max(axis=0)
        inside = [(np.all(lo >= b[:3] - 1e-9) and np.all(hi <= b[3:] + 1e-9)) for b in boxes]
        assert any(inside), part.name
    assert len(boxes) <= 8


def test_boxes_apart_means_the_validator_finds_no_collision():
    rng = np.random.default_rng(11)
    checked = 0
    for k in range(60):
        ca, cb = rng.choice(CATEGORIES, 2)
        a = _instance("a_0", str(ca), k)
        b = _instance("b_0", str(cb), k + 100)
        x, y, yaw = rng.uniform(-1.2, 1.2), rng.uniform(-1.2, 1.2), float(rng.uniform(0, 360))
        others = BoxSet.of([("a_0", shape_of(a), 0.0, 0.0, 0.0, 0.0, True)])
        hit = collisions(shape_of(b), np.array([x]), np.array([y]), np.array([yaw]), others)[0]
        if hit:
            continue
        checked += 1
        placed = ObjectInstance("b_0", b.category, b.asset, (x + 5.0, y + 5.0, 0.0), b.size, yaw)
        moved_a = ObjectInstance("a_0", a.category, a.asset, (5.0, 5.0, 0.0), a.size, 0.0)
        s = Scene(rooms=(Room("room_0", "r", ((0, 0), (10, 0), (10, 10), (0, 10)), 3.0),), objects=(moved_a, placed))
        assert not validate(s).collisions, (ca, cb, x, y, yaw)
    assert checked >= 15


def test_a_chair_tucks_under_a_table_only_as_far_as_it_fits():
    table = _instance("table_0", "dining_table", 1)
    chair = _instance("chair_0", "dining_chair", 2)
    shape = shape_of(chair)
    others = BoxSet.of([("table_0", shape_of(table), 0.0, 0.0, 0.0, 0.0, True)])
    edge = table.size[1] / 2.0
    ys = edge + chair.size[1] / 2.0 - np.array([0.0, 0.05, 0.1, 0.15, 0.3, 0.45])
    hit = collisions(shape, np.zeros(len(ys)), ys, np.full(len(ys), 180.0), others)
    assert not hit[0] and hit[-1], "free at the edge, blocked when pushed right in"
    k = int(np.argmax(hit)) - 1  # the deepest free tuck: footprints overlap, meshes do not
    assert ys[k] < edge + chair.size[1] / 2.0
    s = Scene(rooms=(Room("room_0", "r", ((-3, -3), (3, -3), (3, 3), (-3, 3)), 3.0),),
              objects=(table, ObjectInstance("chair_0", "dining_chair", chair.asset, (0.0, float(ys[k]), 0.0),
                                             chair.size, 180.0)))
    assert not validate(s).collisions


def test_flat_coverings_only_meet_each_other():
    rug = _instance("rug_0", "rug", 1)
    sofa = _instance("sofa_0", "sofa", 2)
    sofas = BoxSet.of([("sofa_0", shape_of(sofa), 0.0, 0.0, 0.0, 0.0, True)])
    rugs = BoxSet.of([("rug_1", shape_of(rug), 0.0, 0.0, 0.0, 0.0, True)])
    zero = np.zeros(1)
    assert not collisions(shape_of(rug), zero, zero, zero, sofas)[0]
    assert not collisions(shape_of(sofa), zero, zero, zero, rugs)[0]
    assert collisions(shape_of(rug), zero, zero, zero, rugs)[0]
