"""Geometry shared by the plausibility checks: world-space object meshes and their derived shapes,
exact solid intersections (manifold3d) and the penetration depth measured from them.

Internal to :mod:`worldsmith.metrics`. Per :func:`validate` call everything is derived afresh from
the scene, except the assets' local-frame parts, which are memoised (bounded LRU) on the immutable
values that determine them: asset reference, category, size and the registered generator function.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Sequence

import manifold3d
import numpy as np
import shapely
import trimesh
from scipy.spatial import ConvexHull, QhullError
from shapely.geometry import MultiPoint, Point, Polygon

from ..assets import build_object_parts, object_transform
from ..assets.build import GENERATORS
from ..scene import AssetRef, ObjectInstance

log = logging.getLogger(__name__)

#: intersection pieces smaller than this (m^3) are numerical contact, not overlap
MIN_PIECE_VOLUME = 1e-10


Mesh = tuple[np.ndarray, np.ndarray]  # (vertices (n, 3) float, faces (m, 3) int)


@lru_cache(maxsize=2048)
def _local_parts(asset: AssetRef, category: str, size: tuple[float, float, float], builder: object) -> tuple[Mesh, ...]:
    """An asset's parts in its local frame, memoised on the immutable values that determine them
    (``builder`` is the registered generator function, so re-registering a name cannot serve stale
    geometry). Arrays are read-only."""
    del builder  # part of the key only
    probe = ObjectInstance("probe", category, asset, (0.0, 0.0, 0.0), size)
    out = []
    for p in build_object_parts(probe):
        v = np.array(p.mesh.vertices, dtype=float)
        f = np.array(p.mesh.faces, dtype=np.int64)
        v.flags.writeable = False
        f.flags.writeable = False
        out.append((v, f))
    return tuple(out)


@dataclass
class ObjectGeometry:
    """One object's mesh parts in world coordinates plus lazily derived shapes."""

    obj: ObjectInstance
    parts: list[Mesh]
    vertices: np.ndarray  # (n, 3) all parts' world vertices
    lo: np.ndarray  # world AABB
    hi: np.ndarray
    _footprint: Polygon | None = field(default=None, repr=False)
    _mesh: trimesh.Trimesh | None = field(default=None, repr=False)
    _solids: dict[int, manifold3d.Manifold] = field(default_factory=dict, repr=False)
    _hulls: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)
    _bounds: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list, repr=False)

    @classmethod
    def of(cls, obj: ObjectInstance) -> "ObjectGeometry":
        builder = GENERATORS.get(obj.asset.name) if obj.asset.source == "procedural" else None
        local = _local_parts(obj.asset, obj.category, obj.size, builder)
        matrix = object_transform(obj)
        rot, shift = matrix[:3, :3], matrix[:3, 3]
        parts = [(v @ rot.T + shift, f) for v, f in local]
        vertices = np.concatenate([v for v, _ in parts], axis=0)
        geom = cls(obj, parts, vertices, vertices.min(axis=0), vertices.max(axis=0))
        geom._bounds = [(v.min(axis=0), v.max(axis=0)) for v, _ in parts]
        return geom

    @property
    def zmin(self) -> float:
        return float(self.lo[2])

    @property
    def zmax(self) -> float:
        return float(self.hi[2])

    @property
    def footprint(self) -> Polygon:
        """Convex hull of the mesh projected to XY (the object's footprint, tighter than the
        rotated size rectangle for shaped assets)."""
        if self._footprint is None:
            hull = MultiPoint(self.vertices[:, :2]).convex_hull
            if not isinstance(hull, Polygon):  # degenerate (a line or a point): give it a hair of area
                hull = hull.buffer(1e-6)
            self._footprint = hull
        return self._footprint

    @property
    def mesh(self) -> trimesh.Trimesh:
        """All parts as one world-space mesh (for fcl)."""
        if self._mesh is None:
            offsets = np.cumsum([0] + [len(v) for v, _ in self.parts[:-1]])
            faces = np.concatenate([f + o for (_, f), o in zip(self.parts, offsets)], axis=0)
            self._mesh = trimesh.Trimesh(self.vertices, faces, process=False)
        return self._mesh

    def part_bounds(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        return self._bounds[i]

    def hull(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Part ``i``'s convex hull: its vertices and its outward unit facet normals."""
        if i not in self._hulls:
            verts = self.parts[i][0]
            try:
                h = ConvexHull(verts)
                self._hulls[i] = (verts[h.vertices], np.unique(np.round(h.equations[:, :3], 9), axis=0))
            except QhullError:  # flat or degenerate part: its points, no facets
                self._hulls[i] = (verts, np.zeros((0, 3)))
        return self._hulls[i]

    def solid(self, i: int) -> manifold3d.Manifold:
        """Part ``i`` as a manifold3d solid (its convex hull when the part is not a closed 2-manifold)."""
        if i not in self._solids:
            self._solids[i] = _to_manifold(self.parts[i], f"{self.obj.id} part {i}")
        return self._solids[i]


def _manifold_of(vertices: np.ndarray, faces: np.ndarray) -> manifold3d.Manifold:
    data = manifold3d.Mesh64(
        vert_properties=np.ascontiguousarray(vertices, dtype=np.float64),
        tri_verts=np.ascontiguousarray(faces, dtype=np.uint64),
    )
    return manifold3d.Manifold(data)


def _usable(solid: manifold3d.Manifold) -> bool:
    return solid.status() == manifold3d.Error.NoError and not solid.is_empty()


def _to_manifold(part: Mesh, label: str) -> manifold3d.Manifold:
    vertices, faces = part
    solid = _manifold_of(vertices, faces)
    if _usable(solid):
        return solid
    merged = trimesh.Trimesh(vertices, faces, process=False)
    merged.merge_vertices()
    solid = _manifold_of(merged.vertices, merged.faces)
    if _usable(solid):
        return solid
    log.debug("%s is not a closed 2-manifold; its convex hull stands in for collision tests", label)
    try:
        hull = ConvexHull(vertices)
    except QhullError:
        log.debug("%s has no volume (flat or degenerate); it cannot interpenetrate", label)
        return manifold3d.Manifold()
    return manifold3d.Manifold.hull_points(np.ascontiguousarray(vertices[hull.vertices], dtype=np.float64))


def overlap(lo_a: np.ndarray, hi_a: np.ndarray, lo_b: np.ndarray, hi_b: np.ndarray) -> np.ndarray:
    """Per-axis overlap of two boxes (negative: apart by that much)."""
    return np.minimum(hi_a, hi_b) - np.maximum(lo_a, lo_b)


@dataclass(frozen=True)
class Piece:
    """One connected component of the intersection of part ``i`` of one object and part ``j`` of
    the other."""

    i: int
    j: int
    vertices: np.ndarray
    volume: float

    @property
    def zmin(self) -> float:
        return float(self.vertices[:, 2].min())

    @property
    def zmax(self) -> float:
        return float(self.vertices[:, 2].max())


def intersection_pieces(a: ObjectGeometry, b: ObjectGeometry, *, contained_only: bool = False) -> list[Piece]:
    """The connected pieces of (part of ``a``) and (part of ``b``) intersections, over every part
    pair whose boxes overlap. With ``contained_only`` only part pairs where one part's box lies
    inside the other's are intersected (the only way two closed parts can share volume when their
    surfaces do not cross, which is what fcl tests)."""
    pieces: list[Piece] = []
    for i in range(len(a.parts)):
        lo_i, hi_i = a.part_bounds(i)
        for j in range(len(b.parts)):
            lo_j, hi_j = b.part_bounds(j)
            if np.any(overlap(lo_i, hi_i, lo_j, hi_j) <= 1e-9):
                continue
            if contained_only:
                eps = 1e-9
                inside_ij = np.all(lo_i >= lo_j - eps) and np.all(hi_i <= hi_j + eps)
                inside_ji = np.all(lo_j >= lo_i - eps) and np.all(hi_j <= hi_i + eps)
                if not (inside_ij or inside_ji):
                    continue
            common = a.solid(i) ^ b.solid(j)
            if common.is_empty() or common.volume() < MIN_PIECE_VOLUME:
                continue
            for comp in common.decompose():
                vol = comp.volume()
                if vol < MIN_PIECE_VOLUME:
                    continue
                verts = np.asarray(comp.to_mesh64().vert_properties, dtype=float)[:, :3]
                pieces.append(Piece(i, j, verts, float(vol)))
    return pieces


def depth_directions(yaws_deg: Sequence[float]) -> np.ndarray:
    """Unit directions along which the objects are pulled apart: +-Z, +-world X and Y, and +-the
    local X and Y axes of each object (objects only turn about Z, so these include the face normals
    of box-like parts: the separating axes of two boxes)."""
    angles: list[float] = []
    for yaw in (0.0, *yaws_deg):
        for extra in (0.0, 90.0):
            a = (yaw + extra) % 180.0
            if all(min(abs(a - b), 180.0 - abs(a - b)) > 0.01 for b in angles):
                angles.append(a)
    axes = [(math.cos(math.radians(a)), math.sin(math.radians(a)), 0.0) for a in angles]
    axes.append((0.0, 0.0, 1.0))
    half = np.array(axes)
    return np.concatenate([half, -half], axis=0)


def exit_distances(a_verts: np.ndarray, a_normals: np.ndarray, b_verts: np.ndarray, b_normals: np.ndarray,
                   directions: np.ndarray) -> np.ndarray:
    """For each unit direction u: how far convex body B must move along u to leave convex body A
    (both given by hull vertices and outward facet normals, and overlapping).

    B + t*u meets A exactly when t*u lies in the Minkowski difference M = A - B, so the answer is
    where the ray t*u leaves M: ``min over normals n with n.u > 0 of h_M(n) / (n.u)``, with the
    support function ``h_M(n) = max(A.n) - min(B.n)``. The normals used are M's face-from-face
    normals (A's facet normals, B's negated) and the directions themselves; M's edge-by-edge facets
    are left out, so the result is exact for box-like parts in face or corner contact and otherwise
    an upper bound."""
    normals = np.concatenate([directions, a_normals, -b_normals], axis=0)
    support = (a_verts @ normals.T).max(axis=0) - (b_verts @ normals.T).min(axis=0)  # h_M(n)
    dots = normals @ directions.T  # (n, u)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(dots > 1e-9, support[:, None] / dots, np.inf)
    return np.maximum(ratio.min(axis=0), 0.0)


def penetration_depth(a: ObjectGeometry, b: ObjectGeometry, pieces: Sequence[Piece],
                      directions: np.ndarray) -> float:
    """Translational penetration depth of two objects whose parts overlap in ``pieces``: the
    shortest move of ``b`` along one of ``directions`` that pulls every overlapping part pair apart
    (per direction the largest of the pairs' exit distances, then the smallest over directions).
    Parts count as their convex hulls here. Two 1 m boxes 0.10 m into each other: 0.10 m; a book
    3 cm too tall for its shelf, through a 2 cm board: 0.03 m (down, since the shelf it stands on is
    contact, not overlap); a cup inside a cabinet: the way out of the cabinet."""
    pairs = sorted({(p.i, p.j) for p in pieces})
    if not pairs:
        return 0.0
    need = np.zeros(len(directions))
    for i, j in pairs:
        va, na = a.hull(i)
        vb, nb = b.hull(j)
        need = np.maximum(need, exit_distances(va, na, vb, nb, directions))
    return float(need.min())


def excess_outside(shape: Polygon, region: Polygon) -> float:
    """The largest distance from a point of ``shape`` to ``region`` (0 when ``shape`` is covered).

    Exact: the vertices give a lower bound (exact for a convex region, where distance is convex);
    for a non-convex region it is confirmed, or raised by bisection, with ``region.buffer(r)``
    covering ``shape`` (to 0.1 mm)."""
    if region.covers(shape):
        return 0.0
    coords = np.asarray(shape.exterior.coords)
    dist = shapely.distance(shapely.points(coords), region)
    lo = float(dist.max())
    if math.isclose(region.convex_hull.area, region.area, rel_tol=1e-9, abs_tol=1e-12):
        return lo
    if region.buffer(lo + 1e-4, quad_segs=32).covers(shape):
        return lo
    hi = lo + shape.length / 2.0 + 1e-3
    while hi - lo > 1e-4:
        mid = (lo + hi) / 2.0
        if region.buffer(mid, quad_segs=32).covers(shape):
            hi = mid
        else:
            lo = mid
    return hi


def point_distance(point: Sequence[float], region: Polygon) -> float:
    return float(region.distance(Point(point[0], point[1])))
