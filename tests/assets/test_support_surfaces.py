"""Support surfaces lie on the meshes they come from."""

from __future__ import annotations

import numpy as np
import pytest
import trimesh

from worldsmith.assets import build_object_parts, catalog, support_surfaces
from worldsmith.assets.procedural import sample_params
from worldsmith.scene import AssetRef, ObjectInstance

from tests.assets._generator_helpers import AxisRays, assert_surfaces_on_mesh, draw

MAPPED = sorted(n for n in catalog.names() if catalog.get(n).generator)

#: categories that always offer somewhere to put things (others may offer nothing: a lamp, a vase)
HOLDERS = set("""table coffee_table side_table dining_table cafe_table desk conference_table workbench kitchen_island
kitchen_counter bar_counter checkout_counter tv_stand bookshelf display_shelf cabinet wall_cabinet wall_shelf nightstand
dresser wardrobe changing_table toy_chest bed bunk_bed sofa armchair chair dining_chair office_chair bench stool
fireplace piano dishwasher washing_machine dryer magazine plate folded_clothes""".split())


def test_the_ray_oracle_finds_exact_crossings():
    """The tests' ray helper against shapes whose crossings are known, so that the surface checks
    below do not rest on an untested copy of the generators' own ray casting."""
    box = trimesh.creation.box(extents=(0.4, 0.6, 0.8))
    box.apply_translation((0.1, -0.2, 0.5))  # spans x -0.1..0.3, y -0.5..0.1, z 0.1..0.9
    rays = AxisRays([box])
    for x, y in [(0.1, -0.2), (0.25, 0.05), (-0.05, -0.45), (0.3, 0.1)]:  # the centre, inside, a corner
        np.testing.assert_allclose(np.unique(rays.hits(x, y).round(9)), [0.1, 0.9], atol=1e-12)
    assert rays.hits(0.31, 0.0).size == 0 and rays.hits(0.0, -0.51).size == 0
    # a tilted triangle (the plane z = 1 + x + 2y) together with the box: crossings of both, sorted
    tilted = trimesh.Trimesh([(0, 0, 1), (1, 0, 2), (0, 1, 3)], [(0, 1, 2)], process=False)
    both = AxisRays([box, tilted])
    np.testing.assert_allclose(both.hits(0.2, 0.05), [0.1, 0.9, 1.3], atol=1e-12)
    np.testing.assert_allclose(both.hits(0.5, 0.3), [2.1], atol=1e-12)
    # lines along Y through a sphere: y = +-sqrt(r^2 - x^2 - z^2), up to the facets' sag
    sphere = trimesh.creation.icosphere(subdivisions=4, radius=0.5)
    ys = AxisRays([sphere], axis=1).hits(0.1, 0.2)
    np.testing.assert_allclose(np.unique(ys.round(9)), [-np.sqrt(0.2), np.sqrt(0.2)], atol=2e-3)


@pytest.mark.parametrize("category", MAPPED)
def test_surfaces_lie_on_the_mesh(category):
    generator = catalog.get(category).generator
    for params, size in draw(category, 20, seed=17, typical_first=3):
        obj = ObjectInstance("obj_0", category, AssetRef("procedural", generator, params), (1.0, 2.0, 0.0), size,
                             yaw_deg=30.0)
        surfaces = support_surfaces(obj)
        assert surfaces or category not in HOLDERS
        assert_surfaces_on_mesh(obj, surfaces)


def test_bookshelf_has_a_surface_per_level_and_the_top():
    size = (0.9, 0.32, 1.9)
    params = sample_params("bookshelf", "bookshelf", np.random.default_rng(0), size)
    obj = ObjectInstance("shelf_0", "bookshelf", AssetRef("procedural", "bookshelf", params), (0, 0, 0), size)
    surfaces = support_surfaces(obj)
    parts = build_object_parts(obj)
    shelves = [p for p in parts if p.name.startswith("shelf_")]
    assert len(surfaces) == len(shelves) + 2  # bottom board, each shelf, top
    zs = [s.z for s in surfaces]
    assert zs == sorted(zs) and zs[-1] == pytest.approx(size[2])
    assert surfaces[-1].clearance_m is None and all(s.clearance_m > 0.15 for s in surfaces[:-1])


def test_sofa_has_one_surface_per_seat():
    size = (2.2, 0.92, 0.85)
    params = sample_params("sofa", "sofa", np.random.default_rng(4), size)
    obj = ObjectInstance("sofa_0", "sofa", AssetRef("procedural", "sofa", params), (0, 0, 0), size)
    seats = [p for p in build_object_parts(obj) if p.name.startswith("seat_cushion")]
    assert len(support_surfaces(obj)) == len(seats) >= 2


def test_fallback_box_offers_its_top_face():
    obj = ObjectInstance("fridge_0", "refrigerator", AssetRef("fallback", "refrigerator"), (0, 0, 0), (0.75, 0.72, 1.8))
    (s,) = support_surfaces(obj)
    assert s.index == 0 and s.z == pytest.approx(1.8) and s.clearance_m is None
    assert s.area == pytest.approx(0.75 * 0.72)
    assert_surfaces_on_mesh(obj, [s])
