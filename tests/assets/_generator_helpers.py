"""Helpers shared by the asset-generator tests: sampling (params, size) draws from a category's size
prior, building a generator's parts by name, bounds, the exact-size / soundness check and the
tests' own ray oracle.

Import it as ``from tests.assets._generator_helpers import ...``: pytest's importlib mode (set in
pyproject.toml) registers the test folders as the packages ``tests`` and ``tests.assets``, whatever
the working directory."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import trimesh

from worldsmith.assets import Surface, build_object_parts, catalog
from worldsmith.assets.build import GENERATORS
from worldsmith.assets.procedural import sample_params
from worldsmith.scene import ObjectInstance

Size = tuple[float, float, float]


def typical_size(category: str) -> Size:
    return tuple(float(v) for v in catalog.get(category).size_typical)  # type: ignore[return-value]


def random_size(category: str, rng: np.random.Generator) -> Size:
    """A size drawn uniformly between the category's min and max, rounded to the millimetre."""
    info = catalog.get(category)
    return tuple(round(float(rng.uniform(a, b)), 3) for a, b in zip(info.size_min, info.size_max))  # type: ignore


def size_corners(category: str) -> list[Size]:
    """Six corners of the category's size range: both ends, and four mixed ones."""
    (w0, d0, h0), (w1, d1, h1) = catalog.get(category).size_min, catalog.get(category).size_max
    return [(w0, d0, h0), (w1, d1, h1), (w0, d1, h0), (w1, d0, h1), (w0, d0, h1), (w1, d1, h0)]


def draw(category: str, n: int = 60, seed: int = 1, *, size: Sequence[float] | None = None,
         typical_first: int = 0) -> list[tuple[dict, Size]]:
    """``n`` (params, size) pairs from one generator seeded with ``seed``: all at ``size`` when it is
    given, else the typical size for the first ``typical_first`` draws and sizes spread over the
    category's range after them."""
    generator = catalog.get(category).generator
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        if size is not None:
            s = tuple(float(v) for v in size)
        elif i < typical_first:
            s = typical_size(category)
        else:
            s = random_size(category, rng)
        out.append((sample_params(generator, category, rng, s), s))
    return out


def max_triangles(category: str, samples: Iterable[tuple[dict, Size]]) -> int:
    """The most triangles one of ``samples`` builds to (build times are measured by bench/assets.py,
    not by tests)."""
    generate = GENERATORS[catalog.get(category).generator]
    return max(sum(len(p.mesh.faces) for p in generate(params, size)) for params, size in samples)


def values(samples: Iterable[tuple[dict, Size]], key: str) -> set:
    """The values ``key`` takes over sampled (params, size) pairs."""
    return {p[key] for p, _ in samples}


def build(category: str, params: dict, size: Sequence[float]) -> dict:
    """The category generator's parts for ``params`` at ``size``, by part name."""
    return {p.name: p for p in GENERATORS[catalog.get(category).generator](params, size)}


def lo(part) -> np.ndarray:
    return part.mesh.bounds[0]


def hi(part) -> np.ndarray:
    return part.mesh.bounds[1]


def centre(part) -> np.ndarray:
    return part.mesh.bounds.mean(axis=0)


def bounds(parts: Iterable) -> tuple[np.ndarray, np.ndarray]:
    """Lowest and highest corner of the box around all ``parts``."""
    parts = list(parts)
    return np.min([lo(p) for p in parts], axis=0), np.max([hi(p) for p in parts], axis=0)


def assert_sound_and_sized(parts: Sequence, size: Sequence[float], atol: float = 1e-3, where: object = None) -> None:
    """The parts span exactly ``size``, centred on the origin in x and y and standing on z = 0, and
    every part is a finite closed solid."""
    low, high = bounds(parts)
    np.testing.assert_allclose(high - low, size, atol=atol, err_msg=str(where))
    np.testing.assert_allclose([(low[0] + high[0]) / 2, (low[1] + high[1]) / 2, low[2]], 0.0, atol=atol,
                               err_msg=str(where))
    for p in parts:
        assert np.isfinite(p.mesh.vertices).all(), (where, p.name)
        assert p.mesh.is_watertight and p.mesh.volume > 0, (where, p.name)


class AxisRays:
    """Crossings of lines parallel to a coordinate axis with the triangles of some meshes (set up
    once, probed many times).

    This is the tests' own oracle, kept apart from the generators' ray helpers so that a mistake
    there cannot hide in both; test_support_surfaces.py checks it against exact geometry."""

    def __init__(self, meshes: Iterable[trimesh.Trimesh], axis: int = 2) -> None:
        order = [i for i in range(3) if i != axis] + [axis]  # the probed coordinates first, the line's axis last
        tri = np.concatenate([m.vertices[m.faces] for m in meshes])[:, :, order]
        self.a = tri[:, 0]
        self.v0, self.v1 = tri[:, 1] - self.a, tri[:, 2] - self.a
        den = self.v0[:, 0] * self.v1[:, 1] - self.v1[:, 0] * self.v0[:, 1]
        self.ok = np.abs(den) > 1e-14  # triangles parallel to the lines are never crossed
        self.den = np.where(self.ok, den, 1.0)
        pad = 1e-8  # the edge tolerance below, in metres, so the box test never drops a grazed triangle
        self.lo, self.hi = tri[:, :, :2].min(axis=1) - pad, tri[:, :, :2].max(axis=1) + pad

    def hits(self, a: float, b: float) -> np.ndarray:
        """Sorted positions along the axis where the line through (a, b) crosses a triangle; (a, b) are
        the other two coordinates in x, y, z order (x, y for vertical lines)."""
        near = self.ok & (self.lo[:, 0] <= a) & (a <= self.hi[:, 0]) & (self.lo[:, 1] <= b) & (b <= self.hi[:, 1])
        p, v0, v1, den = self.a[near], self.v0[near], self.v1[near], self.den[near]
        pa, pb = a - p[:, 0], b - p[:, 1]
        u = (pa * v1[:, 1] - v1[:, 0] * pb) / den
        v = (v0[:, 0] * pb - pa * v0[:, 1]) / den
        inside = (u >= -1e-9) & (v >= -1e-9) & (u + v <= 1 + 1e-9)
        return np.sort((p[:, 2] + u * v0[:, 2] + v * v1[:, 2])[inside])


def assert_surfaces_on_mesh(obj: ObjectInstance, surfaces: Sequence[Surface]) -> None:
    """``obj``'s support ``surfaces`` (numbered in order) lie on its mesh: at each surface's centroid
    and near its corners the highest crossing at or below it is at its height, and above its centroid
    the mesh is clear for exactly its clearance (or up to the sky when it has none)."""
    rays = AxisRays(p.mesh for p in build_object_parts(obj))
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
