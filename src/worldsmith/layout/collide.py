"""Collision shapes for the layout solver: a few boxes per object, tested as oriented boxes.

An object's collision shape is a handful of boxes in its local frame (origin at the bottom centre,
front +Y): the axis-aligned bounding boxes of its mesh parts (:func:`part_boxes`, from
:func:`worldsmith.assets.build_object_parts`), greedily merged (the pair whose union box adds the
least volume first) down to :data:`MAX_BOXES`. Each part lies inside its box and a merged box
contains both boxes, so the shape contains the mesh: **if two objects' boxes are apart, their
meshes are apart**, and the validator's real-mesh collision check finds nothing. The boxes keep
the space under a table top free, so a chair can tuck under it, and a stool goes under a counter
overhang only when its seat is below the overhang's bottom.

Placed in the world an object's boxes turn with its yaw (objects only turn about Z), so two boxes
overlap when their footprints overlap (2D separating-axis test over both boxes' axes) and their
z intervals overlap. Boxes closer than :data:`MARGIN_M` on the floor count as touching (a visible
gap is kept), z intervals may touch.

Flat floor coverings (catalog ``flat``: rugs, yoga mats) collide only with other flat coverings
among floor objects (furniture stands on rugs), as in the validator.

Part boxes and shapes are cached by (asset, category, size): the values that determine the mesh.
:func:`part_boxes` (unmerged) also serves the wall, ceiling and fill solvers' obstacle tests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

import numpy as np

from ..assets import catalog
from ..scene import AssetRef, ObjectInstance

#: at most this many boxes per object (more parts are merged)
MAX_BOXES = 8
#: footprints of boxes closer than this (metres) count as colliding: the solver keeps a gap
MARGIN_M = 0.01
#: z intervals overlapping by more than this count as overlapping (touching is fine)
Z_EPS_M = 1e-4


@dataclass(frozen=True)
class Shape:
    """Local-frame collision boxes of one object: ``boxes[i] = (x0, y0, z0, x1, y1, z1)``."""

    boxes: np.ndarray  # (k, 6), read-only
    flat: bool

    @property
    def centers(self) -> np.ndarray:
        return (self.boxes[:, :2] + self.boxes[:, 3:5]) / 2.0

    @property
    def halves(self) -> np.ndarray:
        return (self.boxes[:, 3:5] - self.boxes[:, :2]) / 2.0


def info_of(obj: ObjectInstance) -> catalog.CategoryInfo | None:
    """The catalog entry of ``obj`` (:func:`worldsmith.assets.catalog.info_for`), None when unknown."""
    try:
        return catalog.info_for(obj.category, obj.asset, obj.size)
    except KeyError:
        return None


def is_flat(obj: ObjectInstance) -> bool:
    """Whether ``obj`` is a flat floor covering (catalog ``flat``); unknown categories are not."""
    info = info_of(obj)
    return info is not None and info.flat


def _merge_boxes(boxes: np.ndarray, limit: int) -> np.ndarray:
    """Greedily merge boxes (the pair whose union adds the least volume) until ``limit`` remain."""
    boxes = boxes.copy()
    while len(boxes) > limit:
        lo = np.minimum(boxes[:, None, :3], boxes[None, :, :3])
        hi = np.maximum(boxes[:, None, 3:], boxes[None, :, 3:])
        union = np.prod(np.maximum(hi - lo, 0.0), axis=2)
        vol = np.prod(np.maximum(boxes[:, 3:] - boxes[:, :3], 0.0), axis=1)
        added = union - vol[:, None] - vol[None, :]
        np.fill_diagonal(added, np.inf)
        i, j = np.unravel_index(int(np.argmin(added)), added.shape)
        merged = np.concatenate([lo[i, j], hi[i, j]])
        keep = [k for k in range(len(boxes)) if k not in (i, j)]
        boxes = np.vstack([boxes[keep], merged[None, :]])
    return boxes


@lru_cache(maxsize=4096)
def _part_boxes(asset: AssetRef, category: str, size: tuple[float, float, float]) -> np.ndarray:
    from ..assets import build_object_parts

    probe = ObjectInstance("probe", category, asset, (0.0, 0.0, 0.0), size)
    boxes = []
    for part in build_object_parts(probe):
        v = np.asarray(part.mesh.vertices, dtype=float)
        if len(v):
            boxes.append(np.concatenate([v.min(axis=0), v.max(axis=0)]))
    if not boxes:
        w, d, h = size
        boxes = [np.array([-w / 2, -d / 2, 0.0, w / 2, d / 2, h])]
    arr = np.array(boxes)
    arr.flags.writeable = False
    return arr


def part_boxes(obj: ObjectInstance) -> np.ndarray:
    """Each mesh part's axis-aligned box in ``obj``'s local frame, unmerged: (k, 6) = x0, y0, z0,
    x1, y1, z1, read-only; the size box when it has no mesh. Cached by asset, category and size;
    the one source of part boxes for every solver (floor shapes, wall, ceiling and fill obstacles)."""
    return _part_boxes(obj.asset, obj.category, tuple(float(v) for v in obj.size))


@lru_cache(maxsize=4096)
def _shape(asset: AssetRef, category: str, size: tuple[float, float, float], flat: bool) -> Shape:
    arr = _merge_boxes(_part_boxes(asset, category, size), MAX_BOXES)
    # sort for determinism (merging appends); lowest first
    order = np.lexsort((arr[:, 1], arr[:, 0], arr[:, 2]))
    arr = np.ascontiguousarray(arr[order])
    arr.flags.writeable = False
    return Shape(arr, flat)


def shape_of(obj: ObjectInstance) -> Shape:
    """The collision shape of ``obj`` (cached by asset, category and size)."""
    return _shape(obj.asset, obj.category, tuple(float(v) for v in obj.size), is_flat(obj))


def size_box(size: Sequence[float]) -> Shape:
    """A single box of ``size`` (width, depth, height): the coarsest conservative shape."""
    w, d, h = (float(v) for v in size)
    arr = np.array([[-w / 2, -d / 2, 0.0, w / 2, d / 2, h]])
    arr.flags.writeable = False
    return Shape(arr, False)


def free_intervals(lo: float, hi: float, blocks: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """The stretches of [lo, hi] outside every blocked interval (a, b), in order; a stretch may be
    empty or a point (callers drop the ones too short for them)."""
    out = []
    cur = lo
    for a, b in sorted(blocks):
        if b <= cur:
            continue
        if a > cur:
            out.append((cur, min(a, hi)))
        cur = max(cur, b)
        if cur >= hi:
            break
    if cur < hi:
        out.append((cur, hi))
    return out


# ---------------------------------------------------------------------------------------------
# world boxes


@dataclass
class BoxSet:
    """World boxes of many objects, packed for vectorized tests.

    ``cx, cy``: box centres; ``hx, hy``: half extents along the owner's local X / Y; ``c, s``:
    cos / sin of the owner's yaw; ``z0, z1``: z interval; ``owner``: index into ``ids``;
    ``flat``: per owner; ``aabb``: per owner world (xmin, ymin, xmax, ymax)."""

    ids: list[str]
    cx: np.ndarray
    cy: np.ndarray
    hx: np.ndarray
    hy: np.ndarray
    c: np.ndarray
    s: np.ndarray
    z0: np.ndarray
    z1: np.ndarray
    owner: np.ndarray
    flat: np.ndarray
    floor: np.ndarray
    aabb: np.ndarray
    start: np.ndarray  # first box index of each owner
    count: np.ndarray  # number of boxes of each owner

    @classmethod
    def empty(cls) -> "BoxSet":
        z = np.zeros(0)
        zi = np.zeros(0, dtype=np.int64)
        return cls([], z, z, z, z, z, z, z, z, zi, np.zeros(0, dtype=bool), np.zeros(0, dtype=bool),
                   np.zeros((0, 4)), zi, zi)

    @classmethod
    def join(cls, sets: Sequence["BoxSet"]) -> "BoxSet":
        """One set holding the owners of ``sets``, in order."""
        sets = [b for b in sets if b.ids]
        if not sets:
            return cls.empty()
        ids: list[str] = []
        for b in sets:
            ids.extend(b.ids)
        n_owner = np.cumsum([0] + [len(b.ids) for b in sets[:-1]])
        n_box = np.cumsum([0] + [len(b.cx) for b in sets[:-1]])
        cat = np.concatenate
        return cls(ids, cat([b.cx for b in sets]), cat([b.cy for b in sets]), cat([b.hx for b in sets]),
                   cat([b.hy for b in sets]), cat([b.c for b in sets]), cat([b.s for b in sets]),
                   cat([b.z0 for b in sets]), cat([b.z1 for b in sets]),
                   cat([b.owner + k for b, k in zip(sets, n_owner)]), cat([b.flat for b in sets]),
                   cat([b.floor for b in sets]), cat([b.aabb for b in sets]),
                   cat([b.start + k for b, k in zip(sets, n_box)]), cat([b.count for b in sets]))

    @classmethod
    def of(cls, items: Iterable[tuple[str, Shape, float, float, float, float, bool]]) -> "BoxSet":
        """Pack ``(id, shape, x, y, z, yaw_deg, on_floor)`` items."""
        items = list(items)
        if not items:
            return cls.empty()
        ids, cxs, cys, hxs, hys, cs, ss, z0s, z1s, owners, flats, floors, aabbs, starts, counts = \
            [], [], [], [], [], [], [], [], [], [], [], [], [], [], []
        n = 0
        for k, (oid, shape, x, y, z, yaw, on_floor) in enumerate(items):
            t = math.radians(yaw)
            c, s = math.cos(t), math.sin(t)
            ctr = shape.centers
            half = shape.halves
            wx = x + c * ctr[:, 0] - s * ctr[:, 1]
            wy = y + s * ctr[:, 0] + c * ctr[:, 1]
            ex = np.abs(c) * half[:, 0] + np.abs(s) * half[:, 1]
            ey = np.abs(s) * half[:, 0] + np.abs(c) * half[:, 1]
            m = len(shape.boxes)
            ids.append(oid)
            cxs.append(wx)
            cys.append(wy)
            hxs.append(half[:, 0])
            hys.append(half[:, 1])
            cs.append(np.full(m, c))
            ss.append(np.full(m, s))
            z0s.append(z + shape.boxes[:, 2])
            z1s.append(z + shape.boxes[:, 5])
            owners.append(np.full(m, k))
            flats.append(shape.flat)
            floors.append(on_floor)
            aabbs.append([float((wx - ex).min()), float((wy - ey).min()), float((wx + ex).max()),
                          float((wy + ey).max())])
            starts.append(n)
            counts.append(m)
            n += m
        cat = np.concatenate
        return cls(ids, cat(cxs), cat(cys), cat(hxs), cat(hys), cat(cs), cat(ss), cat(z0s), cat(z1s),
                   cat(owners), np.array(flats, dtype=bool), np.array(floors, dtype=bool), np.array(aabbs),
                   np.array(starts, dtype=np.int64), np.array(counts, dtype=np.int64))


def obb_overlap(ax, ay, ahx, ahy, ac, as_, bx, by, bhx, bhy, bc, bs, margin: float = MARGIN_M) -> np.ndarray:
    """Whether 2D oriented boxes A and B (centre, half extents, cos / sin of their yaw; arrays that
    broadcast) come closer than ``margin``: the separating-axis test over both boxes' axes."""
    dx = bx - ax
    dy = by - ay
    sep = np.zeros(np.broadcast(dx, bhx, ahx).shape, dtype=bool)
    for ux, uy in ((ac, as_), (-as_, ac), (bc, bs), (-bs, bc)):
        dist = np.abs(dx * ux + dy * uy)
        ra = ahx * np.abs(ac * ux + as_ * uy) + ahy * np.abs(-as_ * ux + ac * uy)
        rb = bhx * np.abs(bc * ux + bs * uy) + bhy * np.abs(-bs * ux + bc * uy)
        sep |= dist >= ra + rb + margin
    return ~sep


def pose_boxes(shape: Shape, x: np.ndarray, y: np.ndarray, z: np.ndarray | float, yaw_deg: np.ndarray):
    """World boxes of ``shape`` at C poses: arrays (C, k) of centres, plus cos / sin (C, 1)."""
    t = np.radians(np.asarray(yaw_deg, dtype=float))[:, None]
    c, s = np.cos(t), np.sin(t)
    ctr = shape.centers
    wx = np.asarray(x, dtype=float)[:, None] + c * ctr[None, :, 0] - s * ctr[None, :, 1]
    wy = np.asarray(y, dtype=float)[:, None] + s * ctr[None, :, 0] + c * ctr[None, :, 1]
    return wx, wy, c, s


def collisions(shape: Shape, x: np.ndarray, y: np.ndarray, yaw_deg: np.ndarray, others: BoxSet,
               z: float = 0.0, on_floor: bool = True, margin: float = MARGIN_M,
               want_owners: bool = False):
    """Which of C candidate poses of ``shape`` collide with the boxes in ``others``.

    Returns a bool array (C,); with ``want_owners`` also a list of (candidate, owner index) pairs
    that collide. A flat shape on the floor only meets flat floor owners; a non-flat floor shape
    ignores flat floor owners."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    yaw_deg = np.asarray(yaw_deg, dtype=float)
    C = len(x)
    hit = np.zeros(C, dtype=bool)
    if C == 0 or not others.ids:
        return (hit, []) if want_owners else hit
    # owners this shape can meet at all
    if shape.flat and on_floor:
        eligible = others.flat & others.floor
    else:
        eligible = ~(others.flat & others.floor) if on_floor else np.ones(len(others.ids), dtype=bool)
    if not eligible.any():
        return (hit, []) if want_owners else hit
    # broad phase: candidate AABB (of the whole shape) vs owner AABB
    t = np.radians(yaw_deg)
    c, s = np.cos(t), np.sin(t)
    b = shape.boxes
    lx0, ly0, lx1, ly1 = b[:, 0].min(), b[:, 1].min(), b[:, 3].max(), b[:, 4].max()
    mx, my = (lx0 + lx1) / 2.0, (ly0 + ly1) / 2.0
    hx, hy = (lx1 - lx0) / 2.0, (ly1 - ly0) / 2.0
    ccx = x + c * mx - s * my
    ccy = y + s * mx + c * my
    ex = np.abs(c) * hx + np.abs(s) * hy + margin
    ey = np.abs(s) * hx + np.abs(c) * hy + margin
    A = others.aabb
    near = ((ccx[:, None] - ex[:, None] < A[None, :, 2]) & (ccx[:, None] + ex[:, None] > A[None, :, 0])
            & (ccy[:, None] - ey[:, None] < A[None, :, 3]) & (ccy[:, None] + ey[:, None] > A[None, :, 1])
            & eligible[None, :])
    ci, oi = np.nonzero(near)
    if len(ci) == 0:
        return (hit, []) if want_owners else hit
    # expand to (candidate, own box, other box) triples
    k = len(b)
    counts = others.count[oi]
    pair_rep = np.repeat(np.arange(len(ci)), counts)
    offs = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    other_box = others.start[oi][pair_rep] + offs
    cand = ci[pair_rep]
    # times own boxes
    cand = np.repeat(cand, k)
    other_box = np.repeat(other_box, k)
    own = np.tile(np.arange(k), len(pair_rep))
    pair_of = np.repeat(pair_rep, k)
    ctr = shape.centers
    half = shape.halves
    cc, ss = c[cand], s[cand]
    ax = x[cand] + cc * ctr[own, 0] - ss * ctr[own, 1]
    ay = y[cand] + ss * ctr[own, 0] + cc * ctr[own, 1]
    zmask = ((z + b[own, 2] < others.z1[other_box] - Z_EPS_M) & (others.z0[other_box] < z + b[own, 5] - Z_EPS_M))
    if not zmask.any():
        return (hit, []) if want_owners else hit
    sel = np.nonzero(zmask)[0]
    ov = obb_overlap(ax[sel], ay[sel], half[own[sel], 0], half[own[sel], 1], cc[sel], ss[sel],
                     others.cx[other_box[sel]], others.cy[other_box[sel]], others.hx[other_box[sel]],
                     others.hy[other_box[sel]], others.c[other_box[sel]], others.s[other_box[sel]], margin)
    bad = sel[ov]
    hit[cand[bad]] = True
    if not want_owners:
        return hit
    pairs = sorted({(int(ci[p]), int(oi[p])) for p in pair_of[bad]})
    return hit, pairs
