"""Texture coordinates for procedural meshes: box (tri-planar) projection in metres.

Procedural parts carry no UVs. Textured materials (planks, brick, tiles) are authored as tileable maps
covering a known real-world size, so the simplest correct mapping is metric: every triangle is
projected along the axis its normal points along most (X, Y or Z), and the two remaining coordinates,
divided by the tile size, are its UVs. A plank floor then shows boards of the right width whatever the
room's size, and walls show bricks of the right height. Vertices shared by triangles projected along
different axes are split, so the seams are exact.
"""

from __future__ import annotations

import numpy as np

#: (u axis, v axis) for a triangle projected along X, Y or Z; chosen so the texture reads upright
#: on walls (v runs up along Z) and is not mirrored when seen from outside along +axis
_PLANES = {0: (1, 2), 1: (0, 2), 2: (0, 1)}


def box_uv(vertices: np.ndarray, faces: np.ndarray, tile_m: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split ``vertices``/``faces`` by projection axis and give every vertex a UV.

    Returns ``(vertices, faces, uv)``: float64 (n, 3), int64 (m, 3) and float64 (n, 2), where one
    UV unit is ``tile_m`` metres. Triangle order is kept; vertex order is deterministic.
    """
    vertices = np.asarray(vertices, dtype=np.float64)
    faces = np.asarray(faces, dtype=np.int64)
    if len(faces) == 0:
        return vertices[:0], faces, np.zeros((0, 2))
    if tile_m <= 0:
        raise ValueError(f"tile_m must be > 0, got {tile_m}")
    tri = vertices[faces]
    normals = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    axis = np.argmax(np.abs(normals), axis=1)
    # one new vertex per (old vertex, axis) pair actually used
    key = faces * 3 + axis[:, None]
    unique, inverse = np.unique(key.ravel(), return_inverse=True)
    old = unique // 3
    ax = unique % 3
    out_vertices = vertices[old]
    uv = np.empty((len(unique), 2))
    for a, (i, j) in _PLANES.items():
        sel = ax == a
        uv[sel, 0] = out_vertices[sel, i]
        uv[sel, 1] = out_vertices[sel, j]
    return out_vertices, inverse.reshape(faces.shape).astype(np.int64), uv / float(tile_m)
