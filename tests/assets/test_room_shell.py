"""Room shell: named nodes, closed mitred corners, real holes for doors and windows, exact floors."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely.geometry

from worldsmith.assets import build_room_shell
from worldsmith.assets.shell import CEILING_THICKNESS_M, FLOOR_THICKNESS_M
from worldsmith.scene import Opening, Room, Scene

L_SHAPE = [(0, 0), (6, 0), (6, 3), (3, 3), (3, 5), (0, 5)]


def ray_hits(mesh, origin, direction) -> np.ndarray:
    """Distances along the ray to every triangle it crosses (Moller-Trumbore, all triangles)."""
    o = np.asarray(origin, float)
    dvec = np.asarray(direction, float)
    tri = mesh.vertices[mesh.faces]
    e1, e2 = tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]
    p = np.cross(dvec, e2)
    det = np.einsum("ij,ij->i", e1, p)
    ok = np.abs(det) > 1e-12
    inv = np.where(ok, 1.0 / np.where(ok, det, 1.0), 0.0)
    s = o - tri[:, 0]
    u = np.einsum("ij,ij->i", s, p) * inv
    q = np.cross(s, e1)
    v = (q @ dvec) * inv
    t = np.einsum("ij,ij->i", e2, q) * inv
    hit = ok & (u >= 0) & (v >= 0) & (u + v <= 1) & (t > 0)
    return t[hit]


def _scene(polygon, openings, materials=None, thickness=0.15):
    room = Room("room_0", "living room", polygon, 2.8, thickness, openings=tuple(openings), materials=materials or {})
    return Scene(rooms=(room,)), room


def _rect_scene():
    return _scene([(0, 0), (5, 0), (5, 4), (0, 4)], [
        Opening("door_0", "door", "wall_0", 0.6, 0.9, 2.1),
        Opening("window_0", "window", "wall_1", 1.0, 1.6, 1.2, 0.9),
        Opening("window_1", "window", "wall_1", 2.9, 0.8, 1.0, 1.0),
        Opening("door_1", "door", "wall_2", 0.0, 0.8, 2.0, hinge="end"),
    ], {"walls": "exposed red brick", "wall_3": "sage paint", "floor": "grey tile"})


def _l_scene():
    return _scene(L_SHAPE, [
        Opening("door_0", "door", "wall_0", 0.5, 0.9, 2.1),
        Opening("window_0", "window", "wall_1", 0.8, 1.4, 1.2, 0.9),
        Opening("window_1", "window", "wall_5", 1.0, 2.0, 1.5, 0.6),
        Opening("door_1", "door", "wall_3", 0.6, 0.9, 2.0),
    ])


SCENES = {"rect": _rect_scene, "l_shape": _l_scene}


@pytest.mark.parametrize("which", sorted(SCENES))
def test_every_node_exists_and_is_sound(which):
    scene, room = SCENES[which]()
    nodes = build_room_shell(scene, room)
    names = [n for n, _ in nodes]
    expected = [f"floor_{room.id}", f"ceiling_{room.id}"] + [w.id for w in scene.walls] + [o.id for o in room.openings]
    assert names == expected
    for name, parts in nodes:
        assert parts, name
        for p in parts:
            assert np.isfinite(p.mesh.vertices).all()
            assert p.mesh.is_watertight and p.mesh.volume > 0, (name, p.name)


@pytest.mark.parametrize("which", sorted(SCENES))
def test_build_is_deterministic(which):
    scene, room = SCENES[which]()
    a, b = build_room_shell(scene, room), build_room_shell(scene, room)
    assert [n for n, _ in a] == [n for n, _ in b]
    for (_, pa), (_, pb) in zip(a, b):
        assert len(pa) == len(pb)
        for x, y in zip(pa, pb):
            assert (x.name, x.material) == (y.name, y.material)
            assert x.mesh.vertices.tobytes() == y.mesh.vertices.tobytes()
            assert x.mesh.faces.tobytes() == y.mesh.faces.tobytes()


@pytest.mark.parametrize("which", sorted(SCENES))
def test_openings_are_real_holes_and_walls_are_solid(which):
    scene, room = SCENES[which]()
    nodes = dict(build_room_shell(scene, room))
    walls = {w.id: w for w in scene.walls}
    wall_meshes = [p.mesh for w in walls for p in nodes[w]]
    for o in room.openings:
        wall = walls[o.wall]
        nx, ny = wall.normal
        px, py = wall.point_at(o.center_offset)
        z = o.sill + o.height / 2.0
        origin = (px + 0.5 * nx, py + 0.5 * ny, z)
        direction = (-nx, -ny, 0.0)
        for m in wall_meshes:  # nothing of any wall in the opening
            t = ray_hits(m, origin, direction)
            assert not np.any(t < 0.5 + wall.thickness + 0.05), (o.id, t)
        # the fittings sit in the opening, in the wall plane
        fit = {p.name: p for p in nodes[o.id]}
        blocker = fit["leaf"] if o.kind == "door" else fit["glass"]
        t = ray_hits(blocker.mesh, origin, direction)
        assert t.size and 0.5 < t.min() < 0.5 + wall.thickness
    for wall in walls.values():  # solid where there is no opening
        free = [u for u in np.linspace(0.2, wall.length - 0.2, 25)
                if not any(o.offset - 0.05 < u < o.offset + o.width + 0.05 for o in room.openings if o.wall == wall.id)]
        assert free
        u = free[len(free) // 2]
        nx, ny = wall.normal
        px, py = wall.point_at(u)
        origin = (px + 0.5 * nx, py + 0.5 * ny, 1.4)
        ts = np.concatenate([ray_hits(p.mesh, origin, (-nx, -ny, 0.0)) for p in nodes[wall.id]])
        assert ts.size and ts.min() == pytest.approx(0.5, abs=1e-6)
        assert ts.max() == pytest.approx(0.5 + wall.thickness, abs=1e-6)


@pytest.mark.parametrize("which", sorted(SCENES))
def test_mitred_walls_fill_the_band_around_the_room_exactly(which):
    """Wall volume = (outer mitred polygon - room polygon) x wall height - the openings: any gap or
    overlap at a (convex or concave) corner changes it."""
    scene, room = SCENES[which]()
    nodes = dict(build_room_shell(scene, room))
    t = room.wall_thickness
    inner = shapely.geometry.Polygon(room.polygon)
    outer = inner.buffer(t, join_style="mitre", mitre_limit=10.0)
    height = room.height + FLOOR_THICKNESS_M + CEILING_THICKNESS_M
    expected = (outer.area - inner.area) * height - sum(o.width * o.height * t for o in room.openings)
    volume = sum(p.mesh.volume for w in scene.walls for p in nodes[w.id])
    assert volume == pytest.approx(expected, rel=1e-9)
    for w in scene.walls:
        assert min(p.mesh.bounds[0][2] for p in nodes[w.id]) == pytest.approx(-FLOOR_THICKNESS_M)
        assert max(p.mesh.bounds[1][2] for p in nodes[w.id]) == pytest.approx(room.height + CEILING_THICKNESS_M)
    # a ray from the middle of the room towards each visible corner meets a wall right at the corner
    all_walls = [p.mesh for w in scene.walls for p in nodes[w.id]]
    seen = 0
    for i, (vx, vy) in enumerate(room.polygon):
        c = inner.centroid
        d = np.array([vx - c.x, vy - c.y])
        d /= np.linalg.norm(d)
        origin = (c.x, c.y, 2.5)
        if not inner.contains(shapely.geometry.LineString([(c.x, c.y), (vx - 0.01 * d[0], vy - 0.01 * d[1])])):
            continue  # the corner is not visible from the centroid
        dist = math.dist((c.x, c.y), (vx, vy))
        ts = np.concatenate([ray_hits(m, origin, (d[0], d[1], 0.0)) for m in all_walls])
        assert ts.size and ts.min() == pytest.approx(dist, abs=1e-6), i
        seen += 1
    assert seen >= len(room.polygon) - 1  # at most the L's inner corner hides from the centroid


def test_floor_of_an_l_shaped_room_covers_its_polygon():
    scene, room = _l_scene()
    nodes = dict(build_room_shell(scene, room))
    (floor,) = nodes["floor_room_0"]
    mesh = floor.mesh
    up = mesh.face_normals[:, 2] > 0.99
    top_area = mesh.area_faces[up].sum()
    assert top_area == pytest.approx(room.area, rel=0.01)
    assert mesh.bounds[1][2] == pytest.approx(0.0) and mesh.bounds[0][2] == pytest.approx(-FLOOR_THICKNESS_M)
    assert mesh.volume == pytest.approx(room.area * FLOOR_THICKNESS_M, rel=1e-6)
    # the notch of the L is not covered
    assert not ray_hits(mesh, (4.5, 4.0, 1.0), (0, 0, -1)).size
    assert ray_hits(mesh, (1.5, 4.0, 1.0), (0, 0, -1)).min() == pytest.approx(1.0)
    (ceiling,) = nodes["ceiling_room_0"]
    assert ceiling.mesh.bounds[0][2] == pytest.approx(room.height)
    assert ceiling.mesh.volume == pytest.approx(room.area * CEILING_THICKNESS_M, rel=1e-6)


def test_materials_and_fittings():
    scene, room = _rect_scene()
    nodes = dict(build_room_shell(scene, room))
    assert {p.material for p in nodes["wall_0"]} == {"exposed red brick"}
    assert {p.material for p in nodes["wall_3"]} == {"sage paint"}
    assert nodes["floor_room_0"][0].material == "grey tile"
    assert nodes["ceiling_room_0"][0].material == "white paint"
    plain_scene, plain_room = _l_scene()
    plain = dict(build_room_shell(plain_scene, plain_room))
    assert {p.material for p in plain["wall_2"]} == {"warm white paint"}
    assert plain["floor_room_0"][0].material == "light oak planks"
    walls = scene.wall_map
    for o in room.openings:
        parts = {p.name: p for p in nodes[o.id]}
        t = walls[o.wall].thickness
        if o.kind == "door":
            assert {"jamb_0", "jamb_1", "head", "leaf", "handle"} <= set(parts)
            leaf = parts["leaf"].mesh
            # thinner than the wall: its extent across the wall (along the normal) is below t
            nx, ny = walls[o.wall].normal
            across = leaf.vertices[:, :2] @ np.array([nx, ny])
            assert across.max() - across.min() < t
        else:
            assert {"frame_left", "frame_right", "frame_top", "frame_bottom", "glass", "mullion", "sill"} <= set(parts)
            assert parts["glass"].material == "clear glass"
