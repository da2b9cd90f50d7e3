"""validate() judges real meshes, not size boxes: shaped assets, open or unmerged parts."""

from __future__ import annotations

import numpy as np
import pytest
import trimesh

from worldsmith.assets.build import GENERATORS
from worldsmith.assets.parts import Part
from worldsmith.metrics import validate
from worldsmith.scene import AssetRef, ObjectInstance, Opening, Room, Scene

ROOM = Room("room_0", "kitchen", ((0.0, 0.0), (5.0, 0.0), (5.0, 4.0), (0.0, 4.0)), 2.8)


def _box(extents, centre) -> trimesh.Trimesh:
    b = trimesh.creation.box(extents=extents)
    b.apply_translation(centre)
    return b


def open_table(params: dict, size) -> list[Part]:
    """A table: a 4 cm top and four 5 cm legs, open underneath."""
    w, d, h = size
    parts = [Part("top", _box((w, d, 0.04), (0, 0, h - 0.02)), "oak")]
    for sx in (-1, 1):
        for sy in (-1, 1):
            parts.append(Part("leg", _box((0.05, 0.05, h - 0.04), (sx * (w / 2 - 0.025), sy * (d / 2 - 0.025),
                                                                    (h - 0.04) / 2)), "oak"))
    return parts


def awkward_stool(params: dict, size) -> list[Part]:
    """An open tube (no caps) and an unmerged triangle soup box: parts that are not closed
    2-manifolds as given."""
    tube = trimesh.creation.cylinder(radius=0.2, height=0.45, sections=24)
    keep = np.abs(tube.face_normals[:, 2]) < 0.5
    tube.update_faces(keep)
    tube.remove_unreferenced_vertices()
    tube.apply_translation((0, 0, 0.225))
    seat = _box((0.5, 0.5, 0.05), (0, 0, 0.475))
    soup = trimesh.Trimesh(seat.vertices[seat.faces].reshape(-1, 3), np.arange(36).reshape(-1, 3), process=False)
    return [Part("tube", tube, "steel"), Part("seat", soup, "wood")]


@pytest.fixture
def generators(monkeypatch):
    monkeypatch.setitem(GENERATORS, "test_open_table", open_table)
    monkeypatch.setitem(GENERATORS, "test_awkward_stool", awkward_stool)


def obj(oid, category, gen, xy, size, z=0.0, yaw=0.0, support="floor"):
    asset = AssetRef("procedural", gen) if gen else AssetRef("fallback", category)
    return ObjectInstance(oid, category, asset, (xy[0], xy[1], z), size, yaw, support)


def test_crate_under_open_table_is_clear(generators):
    table = obj("table_0", "table", "test_open_table", (2.0, 2.0), (1.2, 0.8, 0.75))
    crate = obj("crate_0", "crate", None, (2.0, 2.0), (0.6, 0.5, 0.6))  # between the legs, under the top
    assert validate(Scene(rooms=(ROOM,), objects=(table, crate))).ok


def test_crate_hitting_table_leg_collides(generators):
    table = obj("table_0", "table", "test_open_table", (2.0, 2.0), (1.2, 0.8, 0.75))
    # crate's right face 3 cm into the right legs (inner faces at x = 2.55)
    crate = obj("crate_0", "crate", None, (2.58 - 0.25, 2.0), (0.5, 1.2, 0.5))
    rep = validate(Scene(rooms=(ROOM,), objects=(table, crate)))
    assert [(c.a, c.b) for c in rep.collisions] == [("crate_0", "table_0")]
    assert rep.collisions[0].depth_m == pytest.approx(0.03, abs=0.002)


def test_tall_crate_under_table_top_collides_by_height(generators):
    table = obj("table_0", "table", "test_open_table", (2.0, 2.0), (1.2, 0.8, 0.75))
    crate = obj("crate_0", "crate", None, (2.0, 2.0), (0.6, 0.5, 0.73))  # 2 cm into the 71 cm underside
    rep = validate(Scene(rooms=(ROOM,), objects=(table, crate)))
    assert rep.collisions[0].depth_m == pytest.approx(0.02, abs=0.002)


def test_open_and_unmerged_parts_still_collide(generators):
    stool = obj("stool_0", "stool", "test_awkward_stool", (2.0, 2.0), (0.5, 0.5, 0.5))
    crate = obj("crate_0", "crate", None, (2.0 + 0.2 + 0.25 - 0.04, 2.0), (0.5, 0.3, 0.3))  # 4 cm into the tube
    rep = validate(Scene(rooms=(ROOM,), objects=(stool, crate)))
    assert [(c.a, c.b) for c in rep.collisions] == [("crate_0", "stool_0")]
    assert rep.collisions[0].depth_m == pytest.approx(0.04, abs=0.005)
    clear = obj("crate_0", "crate", None, (2.0 + 0.25 + 0.25 + 0.01, 2.0), (0.5, 0.3, 0.3))
    assert validate(Scene(rooms=(ROOM,), objects=(stool, clear))).ok


def test_door_zone_with_rotated_object_corner():
    door = Opening("door_0", "door", "wall_0", offset=2.0, width=0.9, height=2.1)  # x 2..2.9, y 0..0.9
    # a 45-degree turned crate whose corner stops 5 mm short of the zone, then pokes 10 cm in
    room = Room("room_0", "hall", ROOM.polygon, 2.8, openings=(door,))
    half_diag = np.sqrt(2) * 0.3
    crate = obj("crate_0", "crate", None, (2.0 - half_diag - 0.005, 1.2), (0.6, 0.6, 0.6), yaw=45)
    assert validate(Scene(rooms=(room,), objects=(crate,))).ok
    poking = obj("crate_0", "crate", None, (2.0 - half_diag + 0.1, 0.5), (0.6, 0.6, 0.6), yaw=45)
    rep = validate(Scene(rooms=(room,), objects=(poking,)))
    assert [(b.object, b.side) for b in rep.blocked_openings] == [("crate_0", "inside")]
