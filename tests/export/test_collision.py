"""The shared physics description: convex pieces, densities and masses, the static shell."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import trimesh
from shapely import contains_xy
from shapely.geometry import Polygon

from worldsmith.assets import build_object_parts, catalog, object_transform, support_surfaces
from worldsmith.assets.build import GENERATORS, make_asset
from worldsmith.assets.shell import CEILING_THICKNESS_M, FLOOR_THICKNESS_M
from worldsmith.dsl import execute
from worldsmith.export import collision as C
from worldsmith.scene import AssetRef, ObjectInstance, Opening, Room, Scene

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MM = 1e-3


def _obj(category: str, *, seed: int = 0, oid: str | None = None, position=(0.0, 0.0, 0.0), support: str = "floor",
         size=None, yaw: float = 0.0) -> ObjectInstance:
    asset, sz = make_asset(category, np.random.default_rng(seed), size)
    return ObjectInstance(oid or f"{category}_0", category, asset, position, sz, yaw_deg=yaw, support=support)


def _box(oid: str, size, *, category: str = "cabinet", support: str = "floor") -> ObjectInstance:
    return ObjectInstance(oid, category, AssetRef("fallback", category), (0.0, 0.0, 0.0), size, support=support)


def _living_room() -> Scene:
    text = (EXAMPLES / "living_room.py").read_text()
    return execute(text, Scene(prompt="living room", seed=0), seed=0).scene


def _world_hulls(obj: ObjectInstance) -> list[trimesh.Trimesh]:
    m = object_transform(obj)
    out = []
    for h in C.collision_parts(obj):
        h.apply_transform(m)
        out.append(h)
    return out


# ---------------------------------------------------------------------------------------------
# movable or not


def test_floor_and_object_supported_objects_move_wall_and_ceiling_ones_do_not():
    scene = _living_room()
    kinds = {o.id: (o.support_kind, C.is_movable(o)) for o in scene.objects}
    for oid, (kind, movable) in kinds.items():
        assert movable == (kind in ("floor", "object")), oid
    assert kinds["tv_0"] == ("wall", False) and kinds["painting_0"] == ("wall", False)
    assert kinds["book_0"] == ("object", True) and kinds["sofa_0"] == ("floor", True)
    lamp = _obj("ceiling_light", support="ceiling", position=(1.0, 1.0, 2.4))
    assert not C.is_movable(lamp)


def test_only_low_floor_objects_are_floor_coverings():
    scene = _living_room()
    coverings = [o.id for o in scene.objects if C.is_floor_covering(o)]
    assert coverings == ["rug_0"]
    assert C.is_floor_covering(_box("mat_0", (1.0, 0.6, C.FLOOR_COVERING_MAX_HEIGHT_M)))
    assert not C.is_floor_covering(_box("mat_0", (1.0, 0.6, 0.01), support="object:table_0"))
    assert not C.is_floor_covering(_box("step_0", (1.0, 0.6, C.FLOOR_COVERING_MAX_HEIGHT_M + 0.01)))


# ---------------------------------------------------------------------------------------------
# convex pieces


def test_pieces_are_closed_convex_hulls_of_the_parts_components():
    shelf = _obj("bookshelf", seed=2)
    parts = build_object_parts(shelf)
    components = sum(len(p.mesh.split(only_watertight=False)) for p in parts)
    hulls = C.collision_parts(shelf)
    assert len(hulls) == components <= C.MAX_PIECES
    verts = np.vstack([p.mesh.vertices for p in parts])
    lo, hi = verts.min(axis=0), verts.max(axis=0)
    for h in hulls:
        assert h.is_watertight and h.is_convex and h.volume > 0
        # every hull lies inside the object's bounding box (local frame)
        assert np.all(h.vertices >= lo - 1e-9) and np.all(h.vertices <= hi + 1e-9)
    # together the hulls span the object's bounding box exactly
    all_v = np.vstack([h.vertices for h in hulls])
    np.testing.assert_allclose(all_v.min(axis=0), lo, atol=1e-9)
    np.testing.assert_allclose(all_v.max(axis=0), hi, atol=1e-9)


def test_pieces_are_deterministic_and_returned_as_copies():
    obj = _obj("sofa", seed=4)
    a = C.collision_parts(obj)
    a[0].apply_translation((5.0, 0.0, 0.0))  # must not leak into the cache
    b = C.collision_parts(obj)
    c = C.collision_parts(ObjectInstance("other_0", obj.category, obj.asset, (3.0, 1.0, 0.0), obj.size, yaw_deg=40.0))
    assert len(b) == len(c)
    for x, y in zip(b, c):
        assert np.array_equal(x.vertices, y.vertices) and np.array_equal(x.faces, y.faces)
    assert not np.array_equal(a[0].vertices, b[0].vertices)


def test_piece_count_is_capped_by_merging_the_smallest():
    rack = _obj("dumbbell_rack", seed=0)
    components = sum(len(p.mesh.split(only_watertight=False)) for p in build_object_parts(rack))
    assert components > C.MAX_PIECES  # the case under test
    hulls = C.collision_parts(rack)
    assert len(hulls) == C.MAX_PIECES
    # merging keeps the object's extent: every original vertex is inside (or on) some hull
    verts = np.vstack([p.mesh.vertices for p in build_object_parts(rack)])
    sample = verts[:: max(1, len(verts) // 400)]
    dist = np.full(len(sample), -np.inf)
    for h in hulls:
        dist = np.maximum(dist, trimesh.proximity.signed_distance(h, sample))
    assert dist.min() > -1e-6


def _thickness(points: np.ndarray) -> float:
    """Extent along the points' thinnest principal direction."""
    v = points - points.mean(axis=0)
    _, _, vt = np.linalg.svd(v, full_matrices=False)
    return float(np.ptp(v @ vt.T, axis=0).min())


@pytest.mark.parametrize("category", ["poster", "picture_frame", "magazine"])
def test_flat_components_get_a_minimum_thickness(category):
    obj = _obj(category, seed=0)
    components = [c for p in build_object_parts(obj) for c in p.mesh.split(only_watertight=False)]
    thin = [c for c in components if _thickness(c.vertices) < C.MIN_THICKNESS_M]
    assert thin, "some printed layers are thinner than the minimum (the case under test)"
    hulls = C.collision_parts(obj)
    assert len(hulls) == len(components)  # padded, not dropped
    for h in hulls:
        assert _thickness(h.vertices) >= C.MIN_THICKNESS_M - 1e-9 and h.volume > 0 and h.is_convex


def test_a_rug_collides_as_thin_solid_pieces():
    rug = _obj("rug", seed=3)
    hulls = C.collision_parts(rug)
    assert hulls and all(h.volume > 0 for h in hulls)
    top = max(h.bounds[1][2] for h in hulls)
    assert top == pytest.approx(rug.size[2], abs=1e-9)


def test_books_on_shelves_do_not_start_inside_the_shelf_hulls():
    scene = _living_room()
    shelf = scene.object("bookshelf_0")
    shelf_hulls = _world_hulls(shelf)
    books = [o for o in scene.objects if o.support_target == "bookshelf_0"]
    assert len(books) == 3
    for book in books:
        pts = np.vstack([h.vertices for h in _world_hulls(book)])
        depth = max(trimesh.proximity.signed_distance(h, pts).max() for h in shelf_hulls)
        assert depth <= 3 * MM, (book.id, depth)
    # and the books stand in the opening between two boards, not on the top
    assert all(b.position[2] < shelf.top - 0.3 for b in books)


def _shelf_objects() -> list[ObjectInstance]:
    """One object per generator that has a support surface with something overhead (a shelf
    level), with params sampled until one has (up to 4 tries)."""
    out = []
    rng = np.random.default_rng(11)
    seen = set()
    for name in catalog.names():
        info = catalog.get(name)
        if not info.generator or info.generator not in GENERATORS or info.generator in seen:
            continue
        for _ in range(4):
            asset, size = make_asset(name, rng)
            obj = ObjectInstance(f"{name}_0", name, asset, (0.0, 0.0, 0.0), size)
            if any(s.clearance_m is not None and s.clearance_m > 0.05 for s in support_surfaces(obj)):
                out.append(obj)
                seen.add(info.generator)
                break
    return out


SHELF_OBJECTS = _shelf_objects()


def test_there_are_shelf_generators_to_check():
    categories = [o.category for o in SHELF_OBJECTS]
    assert "bookshelf" in categories and len(categories) >= 5


@pytest.mark.parametrize("obj", SHELF_OBJECTS, ids=[o.category for o in SHELF_OBJECTS])
def test_hulls_leave_the_space_above_every_shelf_open(obj):
    """Points in the free space over a shelf (the surface polygon, from 5 mm above it to 5 mm
    under the level above) lie in no hull, except where the real geometry is (a generator's own
    part reaching into the space is not the hulls' doing)."""
    category = obj.category
    hulls = C.collision_parts(obj)
    components = [c for p in build_object_parts(obj) for c in p.mesh.split(only_watertight=False)]
    checked = 0
    for s in support_surfaces(obj):
        if s.clearance_m is None or s.clearance_m < 0.03:
            continue
        poly = Polygon(s.polygon).buffer(-0.01)
        if poly.is_empty:
            continue
        x0, y0, x1, y1 = poly.bounds
        grid = np.array([(x, y, z) for x in np.linspace(x0, x1, 7) for y in np.linspace(y0, y1, 5)
                         for z in np.linspace(s.z + 0.005, s.z + s.clearance_m - 0.005, 4)])
        pts = grid[contains_xy(poly, grid[:, 0], grid[:, 1])]
        real = np.zeros(len(pts), dtype=bool)
        for comp in components:
            real |= comp.contains(pts)
        free = pts[~real]
        checked += len(free)
        for h in hulls:
            if len(free):
                assert trimesh.proximity.signed_distance(h, free).max() <= 3 * MM, (category, s.name)
    assert checked > 0


# ---------------------------------------------------------------------------------------------
# density and mass


def test_density_by_material_family():
    assert C.density("oak wood") == C.FAMILY_DENSITY["wood"] == 600.0
    assert C.density("brushed steel") == C.FAMILY_DENSITY["metal"]
    assert C.density("clear glass") == C.FAMILY_DENSITY["glass"]
    assert C.density("charcoal fabric") == C.FAMILY_DENSITY["fabric"]
    assert C.density("white ceramic") == C.FAMILY_DENSITY["ceramic"]
    assert C.density("white marble") == C.FAMILY_DENSITY["stone"]
    assert C.density("white paper") == C.FAMILY_DENSITY["paper"]
    assert C.density("green leaves") == C.MATERIAL_DENSITY["foliage"]
    assert C.density("potting soil") == C.MATERIAL_DENSITY["soil"]
    assert C.density("zzqx unknown stuff") == C.DEFAULT_DENSITY
    assert C.density("brushed steel") > C.density("white ceramic") > C.density("oak wood") > C.density("linen")


def test_mass_of_a_box_is_volume_times_density_with_box_inertia():
    w, d, h = 0.6, 0.4, 0.9
    box = _box("cabinet_0", (w, d, h))  # a fallback box in "light grey plastic"
    rho = C.density("light grey plastic")
    props = C.mass_properties(box)
    assert C.object_mass(box) == pytest.approx(w * d * h * rho, rel=1e-9)
    assert props.mass == pytest.approx(w * d * h * rho, rel=1e-9)
    np.testing.assert_allclose(props.center_of_mass, (0.0, 0.0, h / 2), atol=1e-9)
    m = props.mass
    expected = np.diag([m * (d * d + h * h), m * (w * w + h * h), m * (w * w + d * d)]) / 12.0
    np.testing.assert_allclose(props.inertia, expected, rtol=1e-6, atol=1e-9)


def test_tiny_objects_weigh_at_least_the_floor():
    speck = _box("speck_0", (0.01, 0.01, 0.01), category="toy")
    assert C.object_mass(speck) == C.MIN_MASS_KG


def test_a_wooden_table_is_heavier_than_a_cup_and_masses_are_plausible():
    table = _obj("table", seed=1)
    cup = _obj("cup", seed=1, support="object:table_0")
    assert {p.material for p in C.collision_pieces(table)} and C.object_mass(table) > 10 * C.object_mass(cup)
    assert 5.0 < C.object_mass(table) < 150.0
    assert 0.05 <= C.object_mass(cup) < 1.5
    book = _obj("book", seed=0)
    assert 0.2 < C.object_mass(book) < 3.0


def test_mass_is_the_sum_of_piece_masses_and_solid_volumes_stay_within_hulls():
    scene = _living_room()
    for obj in scene.objects:
        pieces = C.collision_pieces(obj)
        total = sum(p.mass for p in pieces)
        assert C.object_mass(obj) == pytest.approx(max(C.MIN_MASS_KG, total), rel=1e-12)
        for p in pieces:
            assert 0.0 < p.solid_volume <= p.volume * (1 + 1e-9)
            assert p.density == C.density(p.material)


def test_hollow_parts_weigh_their_material_not_their_hull():
    """A floor lamp's shade is a thin cone wall: its mass follows the wall, not the solid frustum."""
    scene = _living_room()
    lamp = scene.object("floor_lamp_0")
    shade = [p for p in C.collision_pieces(lamp) if p.part == "shade"]
    assert shade and all(p.solid_volume < 0.2 * p.volume for p in shade)
    assert C.object_mass(lamp) < 20.0


def test_mass_properties_are_physical():
    scene = _living_room()
    for obj in scene.objects:
        props = C.mass_properties(obj)
        lo = np.array([-obj.size[0] / 2, -obj.size[1] / 2, 0.0])
        hi = np.array([obj.size[0] / 2, obj.size[1] / 2, obj.size[2]])
        assert np.all(props.center_of_mass >= lo - 1e-6) and np.all(props.center_of_mass <= hi + 1e-6), obj.id
        np.testing.assert_allclose(props.inertia, props.inertia.T, atol=1e-12)
        moments, axes = props.principal
        assert np.all(moments > 0), obj.id
        a, b, c = sorted(moments)
        assert a + b >= c * (1 - 1e-9), obj.id  # the triangle inequality of a real body
        assert np.linalg.det(axes) == pytest.approx(1.0)


def test_object_material_overrides_change_the_mass():
    table = _obj("table", seed=1)
    parts = {p.part for p in C.collision_pieces(table)}
    steel = ObjectInstance(table.id, table.category, table.asset, table.position, table.size,
                           attributes=type(table.attributes)(materials={name: "brushed steel" for name in parts}))
    pieces = C.collision_pieces(steel)
    assert all(p.material == "brushed steel" for p in pieces)
    solid = sum(p.solid_volume for p in C.collision_pieces(table))
    assert C.object_mass(steel) == pytest.approx(solid * C.density("brushed steel"), rel=1e-12)
    oak = ObjectInstance(table.id, table.category, table.asset, table.position, table.size,
                         attributes=type(table.attributes)(materials={name: "oak wood" for name in parts}))
    assert C.object_mass(steel) / C.object_mass(oak) == pytest.approx(
        C.FAMILY_DENSITY["metal"] / C.FAMILY_DENSITY["wood"], rel=1e-12)


# ---------------------------------------------------------------------------------------------
# static shell


def _rect_scene(polygon=((0.0, 0.0), (5.0, 0.0), (5.0, 4.0), (0.0, 4.0)), openings=()) -> Scene:
    return Scene(rooms=(Room("room_0", "room", polygon, 2.7, openings=tuple(openings)),))


def _inside_any(boxes, pts) -> np.ndarray:
    pts = np.atleast_2d(pts)
    out = np.zeros(len(pts), dtype=bool)
    for b in boxes:
        c, s = math.cos(b.yaw_rad), math.sin(b.yaw_rad)
        rel = pts - np.asarray(b.center)
        local = np.stack([c * rel[:, 0] + s * rel[:, 1], -s * rel[:, 0] + c * rel[:, 1], rel[:, 2]], axis=1)
        out |= np.all(np.abs(local) <= np.asarray(b.half_extents) + 1e-9, axis=1)
    return out


def test_shell_boxes_leave_door_and_window_holes_open():
    door = Opening("door_0", "door", "wall_0", offset=1.0, width=0.9, height=2.1)
    window = Opening("window_0", "window", "wall_2", offset=1.5, width=1.6, height=1.2, sill=0.9)
    scene = _rect_scene(openings=(door, window))
    boxes = C.static_shell(scene)
    names = [b.name for b in boxes]
    assert names == ["floor_room_0", "ceiling_room_0",
                     "wall_0_segment_0", "wall_0_below_door_0", "wall_0_above_door_0", "wall_0_segment_1",
                     "wall_1_segment_0",
                     "wall_2_segment_0", "wall_2_below_window_0", "wall_2_above_window_0", "wall_2_segment_1",
                     "wall_3_segment_0"]
    walls = [b for b in boxes if b.kind == "wall"]
    t = scene.rooms[0].wall_thickness
    # wall_0 runs along y = 0 from x = 0 to 5, its body at y in [-t, 0]
    mid = -t / 2
    assert not _inside_any(walls, [(1.45, mid, 1.0)])[0]          # the door's centre: open
    assert not _inside_any(walls, [(1.45, mid, 0.02)])[0]         # open down to the floor
    assert _inside_any(walls, [(1.45, mid, 2.2)])[0]              # lintel above
    assert _inside_any(walls, [(0.95, mid, 1.0)])[0] and _inside_any(walls, [(1.95, mid, 1.0)])[0]
    # wall_2 runs along y = 4 from x = 5 to 0: the window spans x in [5 - 1.5 - 1.6, 5 - 1.5]
    wy = 4.0 + t / 2
    assert not _inside_any(walls, [(2.7, wy, 1.5)])[0]            # window centre: open
    assert _inside_any(walls, [(2.7, wy, 0.5)])[0]                # sill below
    assert _inside_any(walls, [(2.7, wy, 2.3)])[0]                # above the window
    # every solid point of the rendered walls is covered: sample the wall bands
    for x in np.linspace(-t + 1e-3, 5 + t - 1e-3, 41):
        for z in np.linspace(-FLOOR_THICKNESS_M + 1e-3, 2.7 + CEILING_THICKNESS_M - 1e-3, 9):
            in_door = 1.0 < x < 1.9 and 0.0 < z < 2.1  # below the floor the wall is solid
            assert _inside_any(walls, [(x, mid, z)])[0] != in_door, (x, z)
    # corners close: the outer corner squares are covered
    for corner in ((-t / 2, -t / 2), (5 + t / 2, -t / 2), (5 + t / 2, 4 + t / 2), (-t / 2, 4 + t / 2)):
        assert _inside_any(walls, [(*corner, 1.0)])[0], corner
    # the room's interior is free of walls
    xs, ys = np.meshgrid(np.linspace(0.01, 4.99, 25), np.linspace(0.01, 3.99, 20))
    inner = np.stack([xs.ravel(), ys.ravel(), np.full(xs.size, 1.0)], axis=1)
    assert not _inside_any(walls, inner).any()


def test_floor_and_ceiling_slabs_bound_the_room():
    scene = _rect_scene()
    floor, ceiling = C.static_shell(scene)[:2]
    assert floor.kind == "floor" and ceiling.kind == "ceiling"
    assert floor.center[2] + floor.half_extents[2] == pytest.approx(0.0)
    assert floor.half_extents[2] * 2 == pytest.approx(FLOOR_THICKNESS_M)
    assert ceiling.center[2] - ceiling.half_extents[2] == pytest.approx(2.7)
    t = scene.rooms[0].wall_thickness
    assert floor.half_extents[:2] == pytest.approx((2.5 + t, 2.0 + t))
    assert floor.center[:2] == pytest.approx((2.5, 2.0))


def test_a_rotated_room_gets_aligned_slabs_and_walls():
    ang = math.radians(30.0)
    rot = np.array([[math.cos(ang), -math.sin(ang)], [math.sin(ang), math.cos(ang)]])
    poly = tuple(tuple(float(v) for v in rot @ np.array(p)) for p in ((0, 0), (4, 0), (4, 3), (0, 3)))
    scene = _rect_scene(poly)
    boxes = C.static_shell(scene)
    floor = boxes[0]
    assert floor.yaw_rad == pytest.approx(ang)
    assert floor.half_extents[:2] == pytest.approx((2.0 + 0.12, 1.5 + 0.12))
    centre = rot @ np.array([2.0, 1.5])
    inner = np.array([(*(rot @ np.array([x, y])), 1.0) for x in np.linspace(0.02, 3.98, 15)
                      for y in np.linspace(0.02, 2.98, 12)])
    walls = [b for b in boxes if b.kind == "wall"]
    assert not _inside_any(walls, inner).any()
    assert _inside_any([floor], np.array([(*centre, -0.05)]))[0]


def test_concave_corners_do_not_poke_into_an_l_shaped_room():
    poly = ((0.0, 0.0), (6.0, 0.0), (6.0, 3.0), (3.0, 3.0), (3.0, 5.0), (0.0, 5.0))
    scene = _rect_scene(poly)
    walls = [b for b in C.static_shell(scene) if b.kind == "wall"]
    room_poly = Polygon(poly)
    grid = np.array([(x, y, 1.2) for x in np.linspace(0.01, 5.99, 61) for y in np.linspace(0.01, 4.99, 51)])
    inside_room = contains_xy(room_poly.buffer(-0.005), grid[:, 0], grid[:, 1])
    assert not _inside_any(walls, grid[inside_room]).any()
    # the reflex corner at (3, 3) is closed on the outside
    t = scene.rooms[0].wall_thickness
    assert _inside_any(walls, [(3.0 + t / 2, 3.0 + t / 2, 1.2)])[0]


def test_shell_numbers_are_plain_floats():
    box = C.static_shell(_living_room())[0]
    assert all(type(v) is float for v in (*box.center, *box.half_extents, box.yaw_rad))
