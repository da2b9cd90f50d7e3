"""Support surfaces lie on the meshes they come from."""

from __future__ import annotations

import numpy as np
import pytest

from worldsmith.assets import Surface, build_object_parts, catalog, support_surfaces
from worldsmith.assets.procedural import sample_params
from worldsmith.scene import AssetRef, ObjectInstance

MAPPED = sorted(n for n in catalog.names() if catalog.get(n).generator)

#: categories that always offer somewhere to put things (others may offer nothing: a lamp, a vase)
HOLDERS = set("""table coffee_table side_table dining_table cafe_table desk conference_table workbench kitchen_island
kitchen_counter bar_counter checkout_counter tv_stand bookshelf display_shelf cabinet wall_cabinet wall_shelf nightstand
dresser wardrobe changing_table toy_chest bed bunk_bed sofa armchair chair dining_chair office_chair bench stool
fireplace piano dishwasher washing_machine dryer magazine plate folded_clothes""".split())


class VerticalRays:
    """Crossings of vertical lines with a triangle soup (triangle set-up done once)."""

    def __init__(self, vertices: np.ndarray, faces: np.ndarray) -> None:
        tri = vertices[faces]
        self.a = tri[:, 0]
        self.v0, self.v1 = tri[:, 1] - self.a, tri[:, 2] - self.a
        den = self.v0[:, 0] * self.v1[:, 1] - self.v1[:, 0] * self.v0[:, 1]
        self.ok = np.abs(den) > 1e-14
        self.den = np.where(self.ok, den, 1.0)
        self.lo, self.hi = tri[:, :, :2].min(axis=1), tri[:, :, :2].max(axis=1)

    def hits(self, x: float, y: float) -> np.ndarray:
        """z of every crossing of the vertical line through (x, y)."""
        near = self.ok & (self.lo[:, 0] <= x) & (x <= self.hi[:, 0]) & (self.lo[:, 1] <= y) & (y <= self.hi[:, 1])
        a, v0, v1, den = self.a[near], self.v0[near], self.v1[near], self.den[near]
        px, py = x - a[:, 0], y - a[:, 1]
        u = (px * v1[:, 1] - v1[:, 0] * py) / den
        v = (v0[:, 0] * py - px * v0[:, 1]) / den
        inside = (u >= -1e-9) & (v >= -1e-9) & (u + v <= 1 + 1e-9)
        return (a[:, 2] + u * v0[:, 2] + v * v1[:, 2])[inside]


def _mesh_arrays(obj: ObjectInstance) -> tuple[np.ndarray, np.ndarray]:
    verts, faces, n = [], [], 0
    for p in build_object_parts(obj):
        verts.append(p.mesh.vertices)
        faces.append(p.mesh.faces + n)
        n += len(p.mesh.vertices)
    return np.concatenate(verts), np.concatenate(faces)


def _check_surfaces(obj: ObjectInstance, surfaces: list[Surface]) -> None:
    rays = VerticalRays(*_mesh_arrays(obj))
    assert [s.index for s in surfaces] == list(range(len(surfaces)))
    w, d, h = obj.size
    for s in surfaces:
        assert s.area > 0.0
        assert 0.0 < s.z <= h + 1e-9
        cx, cy = s.centroid
        probes = [(cx, cy)] + [(cx + 0.9 * (px - cx), cy + 0.9 * (py - cy)) for px, py in s.polygon]
        for x, y in probes:
            assert abs(x) <= w / 2 and abs(y) <= d / 2
            z = rays.hits(x, y)
            below = z[z <= s.z + 0.005]
            assert below.size, (obj.category, s.name, x, y)
            assert abs(below.max() - s.z) <= 0.002, (obj.category, s.name, x, y, below.max(), s.z)
        above = rays.hits(cx, cy)
        above = above[above > s.z + 0.003]
        if s.clearance_m is None:
            assert above.size == 0, (obj.category, s.name, above.min())
        else:
            assert abs(above.min() - (s.z + s.clearance_m)) <= 0.002, (obj.category, s.name)


@pytest.mark.parametrize("category", MAPPED)
def test_surfaces_lie_on_the_mesh(category):
    info = catalog.get(category)
    rng = np.random.default_rng(17)
    for i in range(20):
        size = info.size_typical if i < 3 else tuple(
            round(float(rng.uniform(a, b)), 3) for a, b in zip(info.size_min, info.size_max))
        params = sample_params(info.generator, category, rng, size)
        obj = ObjectInstance("obj_0", category, AssetRef("procedural", info.generator, params), (1.0, 2.0, 0.0), size,
                             yaw_deg=30.0)
        surfaces = support_surfaces(obj)
        assert surfaces or category not in HOLDERS
        _check_surfaces(obj, surfaces)


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
    _check_surfaces(obj, [s])
