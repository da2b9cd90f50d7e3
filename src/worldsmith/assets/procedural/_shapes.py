"""Mesh helpers shared by several generator modules (not a generator: the package skips modules
whose name starts with an underscore)."""

from __future__ import annotations

import numpy as np
import trimesh

from ..primitives import lathe, raw_mesh, rounded_box, transformed


def frame_matrix(p0, p1) -> np.ndarray:
    """4x4 matrix taking local +Z onto the segment p0 -> p1 (origin at p0)."""
    p0, p1 = np.asarray(p0, dtype=float), np.asarray(p1, dtype=float)
    u = p1 - p0
    u = u / np.linalg.norm(u)
    a = np.array([1.0, 0.0, 0.0]) if abs(u[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    e1 = a - a.dot(u) * u
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(u, e1)
    m = np.eye(4)
    m[:3, 0], m[:3, 1], m[:3, 2], m[:3, 3] = e1, e2, u, p0
    return m


def monotone_prism(ts, lo, hi, e0: float, e1: float, axes: tuple[int, int, int] = (1, 0, 2)) -> trimesh.Trimesh:
    """Prism over a polygon that is monotone along local ``t``: at each ``ts[i]`` (increasing) the
    section spans ``lo[i]..hi[i]`` along local ``s``; extruded from ``e0`` to ``e1`` along local
    ``e``. ``axes[k]`` is the world axis of local coordinate k (t, s, e). Closed, outward wound."""
    ts, lo, hi = (np.asarray(a, dtype=float) for a in (ts, lo, hi))
    n = len(ts)
    loc = np.zeros((4 * n, 3))
    for k, e in enumerate((e0, e1)):
        b = 2 * n * k
        loc[b:b + 2 * n:2] = np.column_stack([ts, lo, np.full(n, e)])
        loc[b + 1:b + 2 * n:2] = np.column_stack([ts, hi, np.full(n, e)])
    i = np.arange(n - 1)
    bl, bh, tl, th = 2 * i, 2 * i + 1, 2 * n + 2 * i, 2 * n + 2 * i + 1
    quads = [np.stack(q, 1) for q in ((bl, bh, bh + 2, bl + 2), (tl, tl + 2, th + 2, th),
                                       (bl, bl + 2, tl + 2, tl), (bh, th, th + 2, bh + 2))]
    m = 2 * (n - 1)
    quads.append(np.array([[0, 2 * n, 2 * n + 1, 1], [m, m + 1, 2 * n + m + 1, 2 * n + m]]))
    q = np.concatenate(quads)
    faces = np.concatenate([q[:, [0, 1, 2]], q[:, [0, 2, 3]]])
    verts = np.zeros_like(loc)
    for k in range(3):
        verts[:, axes[k]] = loc[:, k]
    perm = np.zeros((3, 3))
    for k in range(3):
        perm[axes[k], k] = 1.0
    if np.linalg.det(perm) < 0:
        faces = faces[:, ::-1]
    return raw_mesh(verts, faces)


def rbox(lo, hi, radius: float) -> trimesh.Trimesh:
    """Rounded box, with a single bevel step for small radii (a third of the triangles)."""
    return rounded_box(lo, hi, radius, 2 if radius >= 0.02 else 1)


def translate(mesh: trimesh.Trimesh, dx: float = 0.0, dy: float = 0.0, dz: float = 0.0) -> trimesh.Trimesh:
    m = np.eye(4)
    m[:3, 3] = (dx, dy, dz)
    return transformed(mesh, m)


def tube(p0, p1, r: float, sections: int = 8) -> trimesh.Trimesh:
    """Round rod of radius ``r`` from point ``p0`` to ``p1``."""
    length = float(np.linalg.norm(np.asarray(p1, dtype=float) - np.asarray(p0, dtype=float)))
    rod = lathe([(0.0, 0.0), (r, 0.0), (r, length), (0.0, length)], sections)
    return transformed(rod, frame_matrix(p0, p1))
