"""Watertight mesh primitives that asset builders and the room shell are made of.

Every function is pure and deterministic (plain float arithmetic, no hulls, no randomness), returns a
closed, outward-wound ``trimesh.Trimesh`` built with ``process=False``, and hits the bounds it is asked
for exactly: boxes span ``lo``..``hi``; round shapes use a multiple of 4 sections starting at angle 0,
so their extreme vertices lie on the requested radius along both horizontal axes.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import trimesh

Vec3 = Sequence[float]

#: local +Z of a lathe / cylinder mapped to a world axis by a proper (det +1) permutation
_AXIS_MAPS = {
    "z": np.eye(3),
    "x": np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]),
    "y": np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]),
}


def raw_mesh(vertices: np.ndarray, faces: np.ndarray) -> trimesh.Trimesh:
    """A mesh of exactly these vertices and faces (float64 / int64, no processing or merging)."""
    return trimesh.Trimesh(np.asarray(vertices, dtype=np.float64), np.asarray(faces, dtype=np.int64), process=False)


def box(lo: Vec3, hi: Vec3) -> trimesh.Trimesh:
    """Axis-aligned box spanning the corners ``lo`` and ``hi``."""
    lo = np.asarray(lo, dtype=float)
    hi = np.asarray(hi, dtype=float)
    if np.any(hi - lo <= 0):
        raise ValueError(f"box needs hi > lo on every axis, got lo={lo.tolist()} hi={hi.tolist()}")
    corners = np.array([[(lo, hi)[(i >> k) & 1][k] for k in range(3)] for i in range(8)])
    faces = np.array([
        [0, 2, 1], [1, 2, 3],  # -z
        [4, 5, 6], [5, 7, 6],  # +z
        [0, 1, 4], [1, 5, 4],  # -y
        [2, 6, 3], [3, 6, 7],  # +y
        [0, 4, 2], [2, 4, 6],  # -x
        [1, 3, 5], [3, 7, 5],  # +x
    ])
    return raw_mesh(corners, faces)


def rounded_box(lo: Vec3, hi: Vec3, radius: float, steps: int = 2) -> trimesh.Trimesh:
    """Box from ``lo`` to ``hi`` with every edge and corner rounded by ``radius`` (clamped to 45 % of
    the smallest half extent); ``steps`` segments per quarter arc. ``radius <= 0`` gives a plain box."""
    lo = np.asarray(lo, dtype=float)
    hi = np.asarray(hi, dtype=float)
    half = (hi - lo) / 2.0
    if np.any(half <= 0):
        raise ValueError(f"rounded_box needs hi > lo on every axis, got lo={lo.tolist()} hi={hi.tolist()}")
    r = min(float(radius), 0.45 * float(half.min()))
    if r <= 1e-6:
        return box(lo, hi)
    centre = (lo + hi) / 2.0
    inner = half - r
    angles = np.linspace(0.0, math.pi / 4.0, steps + 1)
    coords = []
    for a in range(3):
        outer = inner[a] + r * np.tan(angles)
        outer[-1] = half[a]
        c = np.concatenate([-outer[::-1], outer])
        coords.append(c)
    points: list[np.ndarray] = []
    tris: list[np.ndarray] = []
    offset = 0
    for a in range(3):
        b, c = (a + 1) % 3, (a + 2) % 3
        cb, cc = coords[b], coords[c]
        nb, nc = len(cb), len(cc)
        gb, gc = np.meshgrid(cb, cc, indexing="ij")
        for sign in (1.0, -1.0):
            p = np.empty((nb * nc, 3))
            p[:, a] = sign * half[a]
            p[:, b] = gb.ravel()
            p[:, c] = gc.ravel()
            idx = np.arange(nb * nc).reshape(nb, nc) + offset
            q0, q1, q2, q3 = idx[:-1, :-1].ravel(), idx[1:, :-1].ravel(), idx[1:, 1:].ravel(), idx[:-1, 1:].ravel()
            if sign > 0:
                t = np.concatenate([np.stack([q0, q1, q2], 1), np.stack([q0, q2, q3], 1)])
            else:
                t = np.concatenate([np.stack([q0, q2, q1], 1), np.stack([q0, q3, q2], 1)])
            points.append(p)
            tris.append(t)
            offset += nb * nc
    pts = np.concatenate(points)
    faces = np.concatenate(tris)
    uniq, inverse = np.unique(pts, axis=0, return_inverse=True)
    faces = inverse.reshape(-1)[faces]
    clamped = np.clip(uniq, -inner, inner)
    delta = uniq - clamped
    norm = np.linalg.norm(delta, axis=1)
    moved = clamped + r * delta / np.where(norm > 0, norm, 1.0)[:, None]
    verts = np.where((norm > 0)[:, None], moved, uniq)
    # flat face regions sit exactly on the face planes, so bounds equal lo..hi to the last bit
    for a in range(3):
        b, c = (a + 1) % 3, (a + 2) % 3
        flat = (np.abs(uniq[:, b]) <= inner[b]) & (np.abs(uniq[:, c]) <= inner[c])
        verts[flat & (uniq[:, a] == half[a]), a] = half[a]
        verts[flat & (uniq[:, a] == -half[a]), a] = -half[a]
    return raw_mesh(verts + centre, faces)


def lathe(profile: Sequence[tuple[float, float]], sections: int = 16, center: Vec3 = (0.0, 0.0, 0.0),
          scale_xy: tuple[float, float] = (1.0, 1.0), axis: str = "z") -> trimesh.Trimesh:
    """Solid of revolution. ``profile`` is a list of (radius, height) points from the axis at the
    bottom to the axis at the top, with the solid on its left (for a cylinder:
    ``[(0, 0), (r, 0), (r, h), (0, h)]``). The first and last points must have radius 0.

    ``scale_xy`` stretches the local X/Y radii (ellipses); ``axis`` turns local +Z onto the world
    ``"x"``, ``"y"`` or ``"z"`` axis; ``center`` then moves the local origin (bottom of the axis)."""
    prof = [(float(r), float(z)) for r, z in profile]
    if len(prof) < 3 or prof[0][0] != 0.0 or prof[-1][0] != 0.0:
        raise ValueError("lathe profile must start and end on the axis (radius 0) and have 3+ points")
    sections = max(4, int(sections) // 4 * 4)
    theta = np.arange(sections) * (2.0 * math.pi / sections)
    cos, sin = np.cos(theta), np.sin(theta)
    cos[np.abs(cos) < 1e-15] = 0.0
    sin[np.abs(sin) < 1e-15] = 0.0
    verts: list[np.ndarray] = []
    starts: list[int] = []
    n = 0
    for r, z in prof:
        starts.append(n)
        if r == 0.0:
            verts.append(np.array([[0.0, 0.0, z]]))
            n += 1
        else:
            verts.append(np.stack([r * cos * scale_xy[0], r * sin * scale_xy[1], np.full(sections, z)], 1))
            n += sections
    j = np.arange(sections)
    jn = (j + 1) % sections
    faces = []
    for k in range(len(prof) - 1):
        (r0, _), (r1, _) = prof[k], prof[k + 1]
        s0, s1 = starts[k], starts[k + 1]
        if r0 == 0.0 and r1 == 0.0:
            continue
        if r0 == 0.0:
            faces.append(np.stack([np.full(sections, s0), s1 + jn, s1 + j], 1))
        elif r1 == 0.0:
            faces.append(np.stack([s0 + j, s0 + jn, np.full(sections, s1)], 1))
        else:
            faces.append(np.stack([s0 + j, s0 + jn, s1 + jn], 1))
            faces.append(np.stack([s0 + j, s1 + jn, s1 + j], 1))
    v = np.concatenate(verts) @ _AXIS_MAPS[axis].T + np.asarray(center, dtype=float)
    return raw_mesh(v, np.concatenate(faces))


def cylinder(center: Vec3, radius: float, z0: float, z1: float, sections: int = 16) -> trimesh.Trimesh:
    """Vertical cylinder of ``radius`` around (center x, y) from ``z0`` to ``z1``."""
    return frustum(center, radius, radius, z0, z1, sections)


def frustum(center: Vec3, r0: float, r1: float, z0: float, z1: float, sections: int = 16) -> trimesh.Trimesh:
    """Vertical truncated cone: radius ``r0`` at ``z0``, ``r1`` at ``z1``."""
    h = z1 - z0
    return lathe([(0.0, 0.0), (r0, 0.0), (r1, h), (0.0, h)], sections, (center[0], center[1], z0))


def cylinder_along(axis: str, start: Vec3, length: float, radius: float, sections: int = 16) -> trimesh.Trimesh:
    """Cylinder of ``radius`` along the world ``axis`` ("x" or "y" or "z") from the point ``start``
    (centre of its first cap) over ``length`` in the positive direction."""
    return lathe([(0.0, 0.0), (radius, 0.0), (radius, length), (0.0, length)], sections, start, axis=axis)


def prism(polygon: Sequence[tuple[float, float]], z0: float, z1: float) -> trimesh.Trimesh:
    """Vertical prism over a convex polygon (counter-clockwise (x, y) vertices) from ``z0`` to ``z1``."""
    pts = np.asarray(polygon, dtype=float)
    n = len(pts)
    if n < 3:
        raise ValueError("prism needs a polygon of 3+ vertices")
    area = 0.5 * float(np.sum(pts[:, 0] * np.roll(pts[:, 1], -1) - np.roll(pts[:, 0], -1) * pts[:, 1]))
    if area < 0:
        pts = pts[::-1]
    bottom = np.column_stack([pts, np.full(n, z0)])
    top = np.column_stack([pts, np.full(n, z1)])
    j = np.arange(n)
    jn = (j + 1) % n
    side = np.concatenate([np.stack([j, jn, n + jn], 1), np.stack([j, n + jn, n + j], 1)])
    fan = np.arange(1, n - 1)
    caps = np.concatenate([np.stack([np.zeros(n - 2, int), fan + 1, fan], 1),
                           np.stack([np.full(n - 2, n), n + fan, n + fan + 1], 1)])
    return raw_mesh(np.concatenate([bottom, top]), np.concatenate([side, caps]))


def transformed(mesh: trimesh.Trimesh, matrix: np.ndarray) -> trimesh.Trimesh:
    """A copy of ``mesh`` moved by the 4x4 ``matrix`` (winding kept for proper rotations)."""
    m = np.asarray(matrix, dtype=float)
    v = mesh.vertices @ m[:3, :3].T + m[:3, 3]
    faces = mesh.faces if np.linalg.det(m[:3, :3]) > 0 else mesh.faces[:, ::-1]
    return raw_mesh(v, faces.copy())


def rotation_z(angle_deg: float) -> np.ndarray:
    """4x4 matrix turning counter-clockwise about +Z by ``angle_deg``."""
    t = math.radians(angle_deg)
    c, s = math.cos(t), math.sin(t)
    m = np.eye(4)
    m[:2, :2] = [[c, -s], [s, c]]
    return m


def shear_y_by_z(z_ref: float, slope: float) -> np.ndarray:
    """4x4 matrix moving points by ``-slope * (z - z_ref)`` along Y (a backrest leaning back)."""
    m = np.eye(4)
    m[1, 2] = -slope
    m[1, 3] = slope * z_ref
    return m


def merge(meshes: Sequence[trimesh.Trimesh]) -> trimesh.Trimesh:
    """One mesh holding all of ``meshes`` (vertex and face order kept)."""
    verts, faces, n = [], [], 0
    for m in meshes:
        verts.append(np.asarray(m.vertices))
        faces.append(np.asarray(m.faces) + n)
        n += len(m.vertices)
    return raw_mesh(np.concatenate(verts), np.concatenate(faces))


def leg(shape: str, x: float, y: float, z1: float, r: float, taper: float = 0.6, segments: int = 16) -> trimesh.Trimesh:
    """A furniture leg standing on the floor at (x, y), ``z1`` tall, ``r`` its half-width/radius:
    ``square`` (slightly rounded), ``tapered`` (narrowing to ``taper * r`` at the floor), or round."""
    if shape == "square":
        return rounded_box((x - r, y - r, 0.0), (x + r, y + r, z1), min(0.004, 0.3 * r))
    if shape == "tapered":
        return frustum((x, y, 0.0), taper * r, r, 0.0, z1, segments)
    return cylinder((x, y, 0.0), r, 0.0, z1, segments)
