"""Box-projected UVs: metric, split along projection seams, geometry unchanged."""

from __future__ import annotations

import numpy as np
import pytest

from worldsmith.assets.primitives import box, cylinder
from worldsmith.assets.uv import box_uv


def _assert_projected(v: np.ndarray, f: np.ndarray, uv: np.ndarray, tile_m: float) -> np.ndarray:
    """Each triangle's UVs are its corners projected along the axis its normal points along most, in
    tiles: so a vertex shared across projection planes must have been split. Returns the normals."""
    tri = v[f]
    n = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    for k in range(len(f)):
        axis = int(np.argmax(np.abs(n[k])))
        i, j = {0: (1, 2), 1: (0, 2), 2: (0, 1)}[axis]
        np.testing.assert_allclose(uv[f[k]], tri[k][:, [i, j]] / tile_m)
    return n


def test_box_faces_get_metric_uvs_in_their_own_plane():
    mesh = box((0, 0, 0), (2.0, 1.0, 3.0))
    v, f, uv = box_uv(mesh.vertices, mesh.faces, tile_m=0.5)
    # the same triangles, at the same places
    np.testing.assert_allclose(v[f], mesh.vertices[mesh.faces])
    # a box has 6 planar faces x 4 corners, none shared across planes
    assert len(v) == 24
    n = _assert_projected(v, f, uv, 0.5)
    # the 2 m x 1 m top face spans 4 x 2 tiles of 0.5 m
    top = f[n[:, 2] > 0]
    span = uv[top.ravel()].max(axis=0) - uv[top.ravel()].min(axis=0)
    np.testing.assert_allclose(span, [4.0, 2.0])


def test_round_mesh_and_errors():
    mesh = cylinder((0, 0, 0), 0.3, 0.0, 1.0, 16)
    v, f, uv = box_uv(mesh.vertices, mesh.faces)
    np.testing.assert_allclose(v[f], mesh.vertices[mesh.faces])
    assert uv.shape == (len(v), 2) and np.isfinite(uv).all()
    _assert_projected(v, f, uv, 1.0)
    assert len(v) > len(mesh.vertices)  # the rim vertices are split between the caps and the sides
    a = box_uv(mesh.vertices, mesh.faces)
    assert all(x.tobytes() == y.tobytes() for x, y in zip(a, (v, f, uv)))
    with pytest.raises(ValueError):
        box_uv(mesh.vertices, mesh.faces, tile_m=0.0)
    v, f, uv = box_uv(mesh.vertices, np.zeros((0, 3), dtype=np.int64))
    assert v.shape == (0, 3) and f.shape == (0, 3) and uv.shape == (0, 2)
