"""Mesh helpers shared by several generator modules (not a generator: the package skips modules
whose name starts with an underscore)."""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import trimesh

from ..parts import Part
from ..primitives import lathe, prism, raw_mesh, rounded_box, transformed
from ..surfaces import Surface


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
    """Round rod of radius ``r`` from point ``p0`` to ``p1`` (one of ``tubes``)."""
    return tubes([(p0, p1, r)], sections)


# ---------------------------------------------------------------------------------------------
# lofts, sweeps, revolved loops, sheets and transforms
# ---------------------------------------------------------------------------------------------


def closed_mesh(vertices: np.ndarray, faces: np.ndarray) -> trimesh.Trimesh:
    """A mesh from a closed, consistently wound triangle set, turned outward (positive volume)."""
    v = np.asarray(vertices, dtype=np.float64)
    f = np.asarray(faces, dtype=np.int64)
    a, b, c = v[f[:, 0]], v[f[:, 1]], v[f[:, 2]]
    if float(np.einsum("ij,ij->", a, np.cross(b, c))) < 0.0:  # six times the signed volume
        f = np.ascontiguousarray(f[:, ::-1])
    return raw_mesh(v, f)


def loft(rings: np.ndarray, closed: bool = False) -> trimesh.Trimesh:
    """Watertight surface through ``rings`` (n, m, 3): n cross-sections, each a closed loop of m
    points (same order). ``closed``: the last ring joins the first (a torus-like loop); otherwise
    both ends are capped by a fan to the ring centre."""
    rings = np.asarray(rings, dtype=float)
    n, m, _ = rings.shape
    idx = np.arange(n * m).reshape(n, m)
    rows = n if closed else n - 1
    i = np.arange(rows)[:, None]
    j = np.arange(m)[None, :]
    a = idx[i, j]
    b = idx[(i + 1) % n, j]
    c = idx[(i + 1) % n, (j + 1) % m]
    e = idx[i, (j + 1) % m]
    faces = [np.stack([a, b, c], -1).reshape(-1, 3), np.stack([a, c, e], -1).reshape(-1, 3)]
    verts = [rings.reshape(-1, 3)]
    if not closed:
        c0, c1 = n * m, n * m + 1
        verts.append(np.stack([rings[0].mean(axis=0), rings[-1].mean(axis=0)]))
        jj = np.arange(m)
        faces.append(np.stack([np.full(m, c0), idx[0, jj], idx[0, (jj + 1) % m]], 1))
        faces.append(np.stack([np.full(m, c1), idx[-1, (jj + 1) % m], idx[-1, jj]], 1))
    return closed_mesh(np.concatenate(verts), np.concatenate(faces))


def translation(x: float, y: float, z: float) -> np.ndarray:
    """4x4 matrix moving by (x, y, z) (``translate`` moves a mesh)."""
    m = np.eye(4)
    m[:3, 3] = (x, y, z)
    return m


def rotation_x(angle_deg: float) -> np.ndarray:
    """4x4 matrix turning counter-clockwise about +X (positive turns +Y towards +Z)."""
    t = math.radians(angle_deg)
    c, s = math.cos(t), math.sin(t)
    m = np.eye(4)
    m[1:3, 1:3] = [[c, -s], [s, c]]
    return m


def rotation_y(angle_deg: float) -> np.ndarray:
    """4x4 matrix turning counter-clockwise about +Y (positive turns +Z towards +X)."""
    t = math.radians(angle_deg)
    c, s = math.cos(t), math.sin(t)
    m = np.eye(4)
    m[0, 0], m[0, 2], m[2, 0], m[2, 2] = c, s, -s, c
    return m


def revolve(loop: Sequence[tuple[float, float]], sections: int = 16, center: Sequence[float] = (0.0, 0.0, 0.0),
            axis: str = "z", scale_xy: tuple[float, float] = (1.0, 1.0)) -> trimesh.Trimesh:
    """A ring solid: the closed (radius, height) ``loop`` (all radii > 0) turned about the axis
    (a torus, a drum shade, a picture-frame ring). ``axis``/``center``/``scale_xy`` as in ``lathe``."""
    lp = np.asarray(loop, dtype=float)
    sections = max(4, int(sections) // 4 * 4)
    th = np.arange(sections) * (2.0 * math.pi / sections)
    cos, sin = np.cos(th), np.sin(th)
    cos[np.abs(cos) < 1e-15] = 0.0
    sin[np.abs(sin) < 1e-15] = 0.0
    rings = np.stack([lp[None, :, 0] * cos[:, None] * scale_xy[0], lp[None, :, 0] * sin[:, None] * scale_xy[1],
                      np.broadcast_to(lp[None, :, 1], (sections, len(lp)))], -1)
    perm = {"z": [0, 1, 2], "x": [2, 0, 1], "y": [1, 2, 0]}[axis]  # local z -> world axis (cyclic, det +1)
    world = np.empty_like(rings)
    world[..., perm[0]] = rings[..., 0]
    world[..., perm[1]] = rings[..., 1]
    world[..., perm[2]] = rings[..., 2]
    return loft(world + np.asarray(center, dtype=float), closed=True)


def circle_loop(rc: float, zc: float, r: float, n: int = 8) -> list[tuple[float, float]]:
    """A circle of radius ``r`` around (rc, zc) in the (radius, height) plane (for tori)."""
    return [(rc + r * math.cos(2 * math.pi * k / n), zc + r * math.sin(2 * math.pi * k / n)) for k in range(n)]


def sweep(points: Sequence[Sequence[float]], radius: float | Sequence[float], sections: int = 8,
          closed: bool = False, up: Sequence[float] | None = None) -> trimesh.Trimesh:
    """A tube of ``radius`` (one value or one per point) along the polyline ``points``; capped ends
    unless ``closed``. ``up``: a fixed normal direction for planar curves (the tube's cross-section
    then has vertices exactly at +-up * radius), else frames are carried along the curve."""
    p = np.asarray(points, dtype=float)
    n = len(p)
    r = np.broadcast_to(np.asarray(radius, dtype=float), (n,))
    if closed:
        t = np.roll(p, -1, 0) - np.roll(p, 1, 0)
    else:
        t = np.empty_like(p)
        t[1:-1] = p[2:] - p[:-2]
        t[0], t[-1] = p[1] - p[0], p[-1] - p[-2]
    t /= np.maximum(np.linalg.norm(t, axis=1, keepdims=True), 1e-12)
    nrm = np.empty_like(p)
    if up is not None:
        u = np.asarray(up, dtype=float)
        nrm[:] = u[None, :] - (t @ u)[:, None] * t
    else:
        ref = np.eye(3)[int(np.argmin(np.abs(t[0])))]
        nrm[0] = ref - (ref @ t[0]) * t[0]
        for k in range(1, n):
            v = nrm[k - 1] - (nrm[k - 1] @ t[k]) * t[k]
            nrm[k] = v if np.linalg.norm(v) > 1e-9 else nrm[k - 1]
    nrm /= np.maximum(np.linalg.norm(nrm, axis=1, keepdims=True), 1e-12)
    bi = np.cross(t, nrm)
    sections = max(4, int(sections) // 4 * 4)
    a = np.arange(sections) * (2.0 * math.pi / sections)
    ca, sa = np.cos(a), np.sin(a)
    ca[np.abs(ca) < 1e-15] = 0.0
    sa[np.abs(sa) < 1e-15] = 0.0
    ring_dirs = ca[None, :, None] * nrm[:, None, :] + sa[None, :, None] * bi[:, None, :]
    rings = p[:, None, :] + r[:, None, None] * ring_dirs
    return loft(rings, closed=closed)


def sheet(front: np.ndarray, back: np.ndarray) -> trimesh.Trimesh:
    """A closed thick sheet between two (nu, nv, 3) grids of matching points (leaves, fabric)."""
    f, b = np.asarray(front, dtype=float), np.asarray(back, dtype=float)
    return loft(np.concatenate([f, b[:, ::-1]], axis=1), closed=False)


def ellipsoid(center: Sequence[float], radii: Sequence[float], sections: int = 12, rings: int = 6) -> trimesh.Trimesh:
    """An ellipsoid with semi-axes ``radii`` (x, y, z) around ``center``."""
    rx, ry, rz = (float(v) for v in radii)
    prof = [(0.0, 0.0)]
    for k in range(1, rings):
        t = math.pi * k / rings
        prof.append((math.sin(t), rz * (1.0 - math.cos(t))))
    prof.append((0.0, 2.0 * rz))
    return lathe(prof, sections, (center[0], center[1], center[2] - rz), scale_xy=(rx, ry))


def slab_xz(polygon: Sequence[tuple[float, float]], y0: float, y1: float) -> trimesh.Trimesh:
    """A convex (x, z) polygon extruded along Y from ``y0`` to ``y1`` (a panel facing +Y)."""
    m = np.array([[1.0, 0, 0, 0], [0, 0, 1.0, 0], [0, 1.0, 0, 0], [0, 0, 0, 1.0]])
    return transformed(prism(polygon, y0, y1), m)


def slab_yz(polygon: Sequence[tuple[float, float]], x0: float, x1: float) -> trimesh.Trimesh:
    """A convex (y, z) polygon extruded along X from ``x0`` to ``x1``."""
    m = np.array([[0, 0, 1.0, 0], [1.0, 0, 0, 0], [0, 1.0, 0, 0], [0, 0, 0, 1.0]])
    return transformed(prism(polygon, x0, x1), m)


def chaikin(points: np.ndarray, iterations: int = 2, closed: bool = False) -> np.ndarray:
    """Corner cutting: rounds a polyline's corners (keeps the end points of open lines)."""
    p = np.asarray(points, dtype=float)
    for _ in range(iterations):
        q = np.roll(p, -1, 0) if closed else p[1:]
        a = p if closed else p[:-1]
        new = np.empty((2 * len(a), p.shape[1]))
        new[0::2] = 0.75 * a + 0.25 * q
        new[1::2] = 0.25 * a + 0.75 * q
        p = new if closed else np.concatenate([p[:1], new, p[-1:]])
    return p


def fit_exact(parts: list[Part], size: tuple[float, float, float]) -> list[Part]:
    """Nudge parts (scale each axis about the bounds, then shift) so their joint bounds are exactly
    x, y in [-w/2, w/2] x [-d/2, d/2] and z in [0, h]. Meant for small corrections only."""
    lo = np.min([p.mesh.bounds[0] for p in parts], axis=0)
    hi = np.max([p.mesh.bounds[1] for p in parts], axis=0)
    s = np.asarray(size, dtype=float) / np.maximum(hi - lo, 1e-9)
    target_lo = np.array([-size[0] / 2.0, -size[1] / 2.0, 0.0])
    m = np.diag([s[0], s[1], s[2], 1.0])
    m[:3, 3] = target_lo - lo * s
    return [Part(p.name, transformed(p.mesh, m), p.material) for p in parts]


def no_surfaces(params: object, size: tuple[float, float, float]) -> list[Surface]:
    """Support surfaces of a generator whose objects hold nothing (lamps, wall decor, plants, tableware...)."""
    return []


def pivoted(matrix: np.ndarray, pivot: Sequence[float]) -> np.ndarray:
    """The linear 4x4 ``matrix`` (a rotation: no translation) made to act about the point ``pivot``
    instead of the origin, e.g. ``pivoted(rotation_x(30.0), hinge)``."""
    m = np.array(matrix, dtype=float)
    p = np.asarray(pivot, dtype=float)
    m[:3, 3] = p - m[:3, :3] @ p
    return m


# ---------------------------------------------------------------------------------------------
# bars and batched rods (first written for fitness, studio, recreation and bicycle)
# ---------------------------------------------------------------------------------------------


def square_bar(p0, p1, hw: float, ht: float, radius: float | None = None) -> trimesh.Trimesh:
    """Square-section bar (half sizes ``hw`` along local X-ish and ``ht``) from ``p0`` to ``p1``, its
    edges rounded by ``radius`` (default: a quarter of the smaller half size, a steel tube)."""
    length = float(np.linalg.norm(np.asarray(p1, dtype=float) - np.asarray(p0, dtype=float)))
    r = 0.25 * min(hw, ht) if radius is None else radius
    return transformed(rbox((-hw, -ht, 0.0), (hw, ht, length), r), frame_matrix(p0, p1))


_UNIT_RODS: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def _unit_rod(sections: int) -> tuple[np.ndarray, np.ndarray]:
    """Vertices and faces of a unit cylinder (radius 1, height 1 along +Z), built once per section count."""
    if sections not in _UNIT_RODS:
        m = lathe([(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)], sections)
        _UNIT_RODS[sections] = (np.asarray(m.vertices), np.asarray(m.faces))
    return _UNIT_RODS[sections]


def tubes(segments, sections: int = 8) -> trimesh.Trimesh:
    """Round rods ``(p0, p1, radius)``, all in one mesh (vectorised: spokes, frame tubes)."""
    v0, f0 = _unit_rod(sections)
    p0 = np.array([s[0] for s in segments], dtype=float)
    p1 = np.array([s[1] for s in segments], dtype=float)
    r = np.array([s[2] for s in segments], dtype=float)[:, None]
    u = p1 - p0
    length = np.linalg.norm(u, axis=1)[:, None]
    u = u / length
    a = np.where(np.abs(u[:, :1]) < 0.9, np.array([[1.0, 0.0, 0.0]]), np.array([[0.0, 1.0, 0.0]]))
    e1 = a - np.sum(a * u, axis=1, keepdims=True) * u
    e1 /= np.linalg.norm(e1, axis=1, keepdims=True)
    e2 = np.cross(u, e1)
    verts = (p0[:, None, :] + (v0[None, :, 0:1] * r[:, None]) * e1[:, None, :]
             + (v0[None, :, 1:2] * r[:, None]) * e2[:, None, :] + (v0[None, :, 2:3] * length[:, None]) * u[:, None, :])
    faces = f0[None, :, :] + (np.arange(len(segments)) * len(v0))[:, None, None]
    return raw_mesh(verts.reshape(-1, 3), faces.reshape(-1, 3))


# ---------------------------------------------------------------------------------------------
# superellipse rings, spheres and vertical ray hits (first written for the appliance and
# furniture groups: appliances, bathroom, household, seating, racks)
# ---------------------------------------------------------------------------------------------


def superellipse_ring(hx: float, hy: float, z: float, cx: float = 0.0, cy: float = 0.0, e: float = 2.0,
                      n: int = 24) -> np.ndarray:
    """``n`` points (n, 3) of the horizontal superellipse |x/hx|^e + |y/hy|^e = 1 at height ``z``
    round (cx, cy) (e=2 an ellipse, e~8 a rounded rectangle), counter-clockwise from +X; with ``n``
    a multiple of 4 the extreme points lie exactly on cx +- hx and cy +- hy."""
    t = np.arange(n) * (2.0 * math.pi / n)
    c, s = np.cos(t), np.sin(t)
    c[np.abs(c) < 1e-12] = 0.0
    s[np.abs(s) < 1e-12] = 0.0
    p = 2.0 / e
    x = cx + hx * np.sign(c) * np.abs(c) ** p
    y = cy + hy * np.sign(s) * np.abs(s) ** p
    return np.column_stack([x, y, np.full(n, float(z))])


def sphere(center: Sequence[float], r: float, sections: int = 12, rings: int = 6) -> trimesh.Trimesh:
    """A UV sphere of radius ``r`` round ``center`` (extremes exact on all three axes for even
    ``rings``)."""
    return ellipsoid(center, (r, r, r), sections, rings)


def vertical_hits(mesh: trimesh.Trimesh, x: float, y: float, tol: float = 0.0) -> np.ndarray:
    """Heights (unsorted) where the vertical line through (x, y) crosses the triangles of ``mesh``;
    ``tol`` widens each triangle a little (barycentric slack) so edges are not missed."""
    tri = mesh.vertices[mesh.faces]
    a, e0, e1 = tri[:, 0], tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]
    den = e0[:, 0] * e1[:, 1] - e1[:, 0] * e0[:, 1]
    ok = np.abs(den) > 1e-14
    den = np.where(ok, den, 1.0)
    px, py = x - a[:, 0], y - a[:, 1]
    u = (px * e1[:, 1] - e1[:, 0] * py) / den
    v = (e0[:, 0] * py - px * e0[:, 1]) / den
    inside = ok & (u >= -tol) & (v >= -tol) & (u + v <= 1.0 + tol)
    return (a[:, 2] + u * e0[:, 2] + v * e1[:, 2])[inside]
