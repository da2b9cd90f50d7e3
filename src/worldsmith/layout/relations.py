"""The geometric test of every placement relation (:mod:`worldsmith.layout.constraints`).

:func:`check_relation` says whether an object in a scene satisfies one constraint, by exactly the
test its class documents; :func:`evaluate` runs the same test over many candidate poses at once
(the solver ranks candidates with it, so the solver and the report never disagree);
:func:`relation_report` checks every object's stored ``placement``.

Shared definitions:

* An object's **footprint** is its size rectangle (width x depth) turned by its yaw about its
  position; the **footprint gap** of two objects is the distance between their footprints
  (0 when they overlap).
* Its **front** is local +Y turned by the yaw; its **right** is local +X turned by the yaw (the
  right hand of someone standing in it, facing its front). A target's *front axis* is the line
  through its centre along its front.
* Headings are compared modulo 360 degrees, within :data:`~worldsmith.layout.constraints.YAW_TOL_DEG`.
* ``against``: the back edge's midpoint is within ``AGAINST_TOL_M`` of the wall's line (either
  side), the front within ``YAW_TOL_DEG`` of the wall's inward normal, and the back corners
  within the wall's ends (1 cm tolerance). ``under`` uses the same back test without the ends.
* ``corner``: a footprint side is "within the tolerance of a wall" when both its end corners are
  within ``AGAINST_TOL_M`` of the wall's segment; an inner corner is a polygon vertex where the
  boundary turns left (convex).
* ``center``: the distance between the footprint and the room polygon's boundary.
* ``in_front_of`` / ``behind``: the front (back) half-plane is bounded by the line through the
  target's centre across its front axis; "laterally" is along the target's right axis.
* ``next_to``: offsets along the target's right and front axes from its centre.
* ``far_from``'s largest achievable gap is measured over object centres on a 0.1 m grid over the
  room, at the object's own heading, whose footprint lies inside the room.
* ``row``/``grid`` members are the other objects whose placement holds a row/grid constraint with
  the same ``group``; tests involving members that are not in the scene are skipped. A row is
  straight when every present member's centre is within ``ALIGN_TOL_M`` of the line through the
  first and last present members.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from ..scene import ObjectInstance, Room, Scene
from . import constraints as K

DIRECT_KINDS = ("at", "yaw", "height")


@dataclass(frozen=True)
class RelationCheck:
    """Whether a relation holds, and the numbers that say why (``detail``)."""

    satisfied: bool
    detail: str


# ---------------------------------------------------------------------------------------------
# vector geometry


def _front(yaw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t = np.radians(yaw)
    return -np.sin(t), np.cos(t)


def _right(yaw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t = np.radians(yaw)
    return np.cos(t), np.sin(t)


def corners(x, y, w: float, d: float, yaw) -> np.ndarray:
    """Footprint corners (C, 4, 2), counter-clockwise from the back left."""
    x = np.atleast_1d(np.asarray(x, dtype=float))
    y = np.atleast_1d(np.asarray(y, dtype=float))
    t = np.radians(np.atleast_1d(np.asarray(yaw, dtype=float)))
    c, s = np.cos(t)[:, None], np.sin(t)[:, None]
    lx = np.array([-w, w, w, -w]) / 2.0
    ly = np.array([-d, -d, d, d]) / 2.0
    return np.stack([x[:, None] + c * lx - s * ly, y[:, None] + s * lx + c * ly], axis=-1)


def obj_corners(o: ObjectInstance) -> np.ndarray:
    return corners(o.position[0], o.position[1], o.size[0], o.size[1], o.yaw_deg)[0]


def _seg_dist(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance from points ``p`` to segments ``a``-``b`` (broadcasting, last axis xy)."""
    ab = b - a
    ap = p - a
    den = np.maximum((ab * ab).sum(-1), 1e-18)
    t = np.clip((ap * ab).sum(-1) / den, 0.0, 1.0)
    q = a + ab * t[..., None]
    return np.sqrt(((p - q) ** 2).sum(-1))


def _overlap(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Whether convex quads A (C, 4, 2) and B (C or 1, 4, 2) overlap (separating axis test)."""
    sep = np.zeros(np.broadcast_shapes(A.shape[:-2], B.shape[:-2]), dtype=bool)
    for P in (A, B):
        for k in range(2):
            e = P[..., k + 1, :] - P[..., k, :]
            n = np.stack([-e[..., 1], e[..., 0]], axis=-1)
            pa = (A * n[..., None, :]).sum(-1)
            pb = (B * n[..., None, :]).sum(-1)
            sep |= (pa.max(-1) < pb.min(-1) - 1e-12) | (pb.max(-1) < pa.min(-1) - 1e-12)
    return ~sep


def quad_gap(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Distance between convex quads A (C, 4, 2) and B (4, 2) or (C, 4, 2); 0 when they overlap."""
    if B.ndim == 2:
        B = B[None]
    A2, B2 = np.broadcast_arrays(A, B)
    ea0, ea1 = A2, np.roll(A2, -1, axis=-2)
    eb0, eb1 = B2, np.roll(B2, -1, axis=-2)
    d1 = _seg_dist(A2[..., :, None, :], eb0[..., None, :, :], eb1[..., None, :, :]).min(axis=(-1, -2))
    d2 = _seg_dist(B2[..., :, None, :], ea0[..., None, :, :], ea1[..., None, :, :]).min(axis=(-1, -2))
    gap = np.minimum(d1, d2)
    return np.where(_overlap(A2, B2), 0.0, gap)


def ray_hits_quad(ox, oy, dx, dy, quad: np.ndarray) -> np.ndarray:
    """Whether rays (origin, unit direction) hit the rectangle ``quad`` (4, 2) (corners in order)."""
    c = quad.mean(axis=0)
    ex = quad[1] - quad[0]
    ey = quad[3] - quad[0]
    lx, ly = np.linalg.norm(ex), np.linalg.norm(ey)
    ux, uy = ex / max(lx, 1e-12), ey / max(ly, 1e-12)
    rx, ry = ox - c[0], oy - c[1]
    o1 = rx * ux[0] + ry * ux[1]
    o2 = rx * uy[0] + ry * uy[1]
    d1 = dx * ux[0] + dy * ux[1]
    d2 = dx * uy[0] + dy * uy[1]
    t_in = np.full(np.shape(o1), -np.inf)
    t_out = np.full(np.shape(o1), np.inf)
    ok = np.ones(np.shape(o1), dtype=bool)
    for o, d, h in ((o1, d1, lx / 2.0), (o2, d2, ly / 2.0)):
        par = np.abs(d) < 1e-12
        ok &= ~par | (np.abs(o) <= h)
        with np.errstate(divide="ignore", invalid="ignore"):
            t1 = np.where(par, -np.inf, (-h - o) / np.where(par, 1.0, d))
            t2 = np.where(par, np.inf, (h - o) / np.where(par, 1.0, d))
        t_in = np.maximum(t_in, np.minimum(t1, t2))
        t_out = np.minimum(t_out, np.maximum(t1, t2))
    return ok & (t_in <= t_out) & (t_out >= 0.0)


def ray_wall_hits(ox, oy, dx, dy, walls) -> np.ndarray:
    """Distance (C, W) along each ray to each wall segment (inf where it misses)."""
    out = np.full((np.size(ox), len(walls)), np.inf)
    for j, w in enumerate(walls):
        ax, ay = w.start
        bx, by = w.end
        ex, ey = bx - ax, by - ay
        den = dx * ey - dy * ex
        with np.errstate(divide="ignore", invalid="ignore"):
            t = ((ax - ox) * ey - (ay - oy) * ex) / den
            u = ((ax - ox) * dy - (ay - oy) * dx) / den
        hit = (np.abs(den) > 1e-12) & (t > 1e-9) & (u >= -1e-9) & (u <= 1 + 1e-9)
        out[:, j] = np.where(hit, t, np.inf)
    return out


def angle_diff(a, b) -> np.ndarray:
    """Absolute difference of headings in degrees, in [0, 180]."""
    d = np.abs((np.asarray(a, dtype=float) - np.asarray(b, dtype=float)) % 360.0)
    return np.minimum(d, 360.0 - d)


# ---------------------------------------------------------------------------------------------
# context


class Context:
    """What the tests need to know about the scene around one object."""

    def __init__(self, scene: Scene, obj: ObjectInstance, room: Room | None = None):
        self.scene = scene
        self.obj = obj
        if room is None:
            room = scene.room_at(obj.position[:2]) if obj.support_kind != "wall" else None
            if room is None and obj.support_kind == "wall" and obj.support_target in scene.wall_map:
                room = scene.room(scene.wall(obj.support_target).room)
            if room is None and scene.rooms:
                room = scene.rooms[0]
        self.room = room
        self.walls = [w for w in scene.walls if room is not None and w.room == room.id]
        self._center: tuple[float, float] | None = None
        self.far_cache: dict = {}

    def target(self, oid: str) -> ObjectInstance | None:
        if oid == self.obj.id:
            return None
        return self.scene.object_map.get(oid)

    @property
    def center(self) -> tuple[float, float]:
        if self._center is None:
            from .resolve import interior_point

            self._center = interior_point(self.room)
        return self._center


Result = tuple[np.ndarray, np.ndarray, str]


def _res(ok, miss, detail: str) -> Result:
    ok = np.asarray(ok, dtype=bool)
    return ok, np.where(ok, 0.0, np.asarray(miss, dtype=float)), detail


def _missing(n: int, what: str) -> Result:
    return np.zeros(n, dtype=bool), np.full(n, 10.0), what


def _fmt(v) -> str:
    return f"{float(np.asarray(v).ravel()[0]):.2f}"


# ---------------------------------------------------------------------------------------------
# the tests


def _against(ctx: Context, X, Y, YAW, wall_ids: Sequence[str], tol: float = K.AGAINST_TOL_M,
             check_extent: bool = True) -> tuple[np.ndarray, np.ndarray, str]:
    w, d = ctx.obj.size[0], ctx.obj.size[1]
    fx, fy = _front(YAW)
    bx, by = X - fx * d / 2.0, Y - fy * d / 2.0
    Q = corners(X, Y, w, d, YAW)
    best_ok = np.zeros(len(X), dtype=bool)
    best_miss = np.full(len(X), np.inf)
    detail = ""
    for wid in wall_ids:
        wall = ctx.scene.wall_map[wid]
        nx, ny = wall.normal
        gap = (bx - wall.start[0]) * nx + (by - wall.start[1]) * ny
        turn = angle_diff(YAW, math.degrees(math.atan2(-nx, ny)))
        along = (Q[:, :2, 0] - wall.start[0]) * wall.direction[0] + (Q[:, :2, 1] - wall.start[1]) * wall.direction[1]
        past = np.maximum(np.maximum(-along.min(axis=1), along.max(axis=1) - wall.length), 0.0)
        ok = (np.abs(gap) <= tol + 1e-9) & (turn <= K.YAW_TOL_DEG + 1e-9)
        if check_extent:
            ok &= past <= 0.01 + 1e-9
        miss = np.maximum(np.abs(gap) - tol, 0.0) + turn / 90.0 + past
        better = ok & ~best_ok | ((ok == best_ok) & (miss < best_miss))
        best_ok = np.where(better, ok, best_ok)
        best_miss = np.where(better, miss, best_miss)
        if len(wall_ids) == 1:
            detail = f"back {_fmt(gap)} m from {wid}, turned {_fmt(turn)} deg from its normal"
            if check_extent:
                detail += f", {_fmt(past)} m past its ends"
    if len(wall_ids) != 1:
        detail = "against some wall" if best_ok[0] else "against no wall"
    return best_ok, best_miss, detail


def rect_gap(X, Y, w: float, d: float, YAW, target: ObjectInstance) -> np.ndarray:
    """Footprint gap between rectangles ``w`` x ``d`` at poses (X, Y, YAW) and ``target``'s
    footprint: the same value as :func:`quad_gap`, computed in closed form (two disjoint convex
    shapes are closest at a vertex of one of them; overlap by the separating axis test)."""
    X = np.asarray(X, dtype=float)
    Y = np.asarray(Y, dtype=float)
    t = np.radians(np.asarray(YAW, dtype=float))
    ca, sa = np.cos(t), np.sin(t)
    tb = math.radians(target.yaw_deg)
    cb, sb = math.cos(tb), math.sin(tb)
    bx, by = target.position[0], target.position[1]
    bhx, bhy = target.size[0] / 2.0, target.size[1] / 2.0
    ahx, ahy = w / 2.0, d / 2.0
    sx = np.array([-1.0, 1.0, 1.0, -1.0])
    sy = np.array([-1.0, -1.0, 1.0, 1.0])
    # A's corners in B's frame
    ax = X[:, None] + ca[:, None] * (sx * ahx) - sa[:, None] * (sy * ahy)
    ay = Y[:, None] + sa[:, None] * (sx * ahx) + ca[:, None] * (sy * ahy)
    lx = cb * (ax - bx) + sb * (ay - by)
    ly = -sb * (ax - bx) + cb * (ay - by)
    d1 = np.hypot(np.maximum(np.abs(lx) - bhx, 0.0), np.maximum(np.abs(ly) - bhy, 0.0)).min(axis=1)
    # B's corners in each A's frame
    qx = bx + cb * (sx * bhx) - sb * (sy * bhy)
    qy = by + sb * (sx * bhx) + cb * (sy * bhy)
    rx = qx[None, :] - X[:, None]
    ry = qy[None, :] - Y[:, None]
    mx = ca[:, None] * rx + sa[:, None] * ry
    my = -sa[:, None] * rx + ca[:, None] * ry
    d2 = np.hypot(np.maximum(np.abs(mx) - ahx, 0.0), np.maximum(np.abs(my) - ahy, 0.0)).min(axis=1)
    # separating axis test (both boxes' axes)
    dx, dy = bx - X, by - Y
    sep = np.zeros(len(X), dtype=bool)
    for ux, uy in ((ca, sa), (-sa, ca), (np.full_like(ca, cb), np.full_like(ca, sb)),
                   (np.full_like(ca, -sb), np.full_like(ca, cb))):
        dist = np.abs(dx * ux + dy * uy)
        ra = ahx * np.abs(ca * ux + sa * uy) + ahy * np.abs(-sa * ux + ca * uy)
        rb = bhx * np.abs(cb * ux + sb * uy) + bhy * np.abs(-sb * ux + cb * uy)
        sep |= dist > ra + rb + 1e-12
    return np.where(sep, np.minimum(d1, d2), 0.0)


def _gap_to(ctx: Context, X, Y, YAW, target: ObjectInstance) -> np.ndarray:
    return rect_gap(X, Y, ctx.obj.size[0], ctx.obj.size[1], YAW, target)


def _facing(ctx: Context, X, Y, YAW, target: str) -> Result:
    fx, fy = _front(YAW)
    n = len(X)
    if target in ("center", "centre"):
        cx, cy = ctx.center
        rx, ry = cx - X, cy - Y
        t = np.maximum(rx * fx + ry * fy, 0.0)
        dist = np.hypot(rx - t * fx, ry - t * fy)
        return _res(dist <= 0.5 + 1e-9, np.maximum(dist - 0.5, 0.0), f"ray passes {_fmt(dist)} m from the centre")
    if target in ctx.scene.wall_map:
        hits = ray_wall_hits(X, Y, fx, fy, ctx.walls)
        ids = [w.id for w in ctx.walls]
        if target not in ids:
            return _missing(n, f"{target} is not a wall of this room")
        j = ids.index(target)
        first = np.argmin(hits, axis=1)
        ok = (first == j) & np.isfinite(hits[:, j])
        nx, ny = ctx.scene.wall(target).normal
        turn = angle_diff(YAW, math.degrees(math.atan2(nx, -ny)))
        return _res(ok, np.where(ok, 0.0, 0.1 + turn / 180.0),
                    f"ray reaches {target} first" if ok[0] else f"ray reaches {ids[int(first[0])]} first")
    t = ctx.target(target)
    if t is None:
        return _missing(n, f"no object {target!r}")
    ok = ray_hits_quad(X, Y, fx, fy, obj_corners(t))
    want = np.degrees(np.arctan2(-(t.position[0] - X), t.position[1] - Y))
    turn = angle_diff(YAW, want)
    return _res(ok, np.where(ok, 0.0, 0.1 + turn / 180.0),
                f"ray {'hits' if ok[0] else 'misses'} {target} ({_fmt(turn)} deg off its centre)")


def _front_back(ctx: Context, X, Y, YAW, target: str, distance: float | None, sign: float) -> Result:
    t = ctx.target(target)
    n = len(X)
    if t is None:
        return _missing(n, f"no object {target!r}")
    want = K.FRONT_GAP_M if distance is None else float(distance)
    fx, fy = _front(np.array([t.yaw_deg]))
    rx, ry = _right(np.array([t.yaw_deg]))
    px, py = X - t.position[0], Y - t.position[1]
    f = (px * fx + py * fy) * sign
    lat = np.abs(px * rx + py * ry)
    gap = _gap_to(ctx, X, Y, YAW, t)
    band = t.size[0] / 2.0 + 0.2
    ok = (f > 0) & (lat <= band + 1e-9) & (np.abs(gap - want) <= K.FRONT_GAP_TOL_M + 1e-9)
    miss = np.maximum(-f, 0.0) + np.maximum(lat - band, 0.0) + np.maximum(np.abs(gap - want) - K.FRONT_GAP_TOL_M, 0)
    where = "front" if sign > 0 else "back"
    return _res(ok, miss, f"{where} offset {_fmt(f)} m, lateral {_fmt(lat)} m (<= {band:.2f}), gap {_fmt(gap)} m "
                f"(want {want:.2f} +- {K.FRONT_GAP_TOL_M})")


def _members(ctx: Context, kind: str, group: str) -> dict[int, ObjectInstance]:
    out: dict[int, ObjectInstance] = {}
    for o in ctx.scene.objects:
        if o.id == ctx.obj.id:
            continue
        for c in o.placement:
            if c.get("kind") == kind and c.get("group") == group:
                out[int(c.get("index", 0))] = o
    return out


def _same_yaw_as_members(ctx: Context, n: int, YAW, kind: str, group: str):
    """The other members of formation ``group`` and (ok, miss) over ``n`` poses of turning like
    all of them."""
    peers = _members(ctx, kind, group)
    ok = np.ones(n, dtype=bool)
    miss = np.zeros(n)
    for p in peers.values():
        turn = angle_diff(YAW, p.yaw_deg)
        ok &= turn <= K.YAW_TOL_DEG + 1e-9
        miss += np.maximum(turn - K.YAW_TOL_DEG, 0.0) / 90.0
    return peers, ok, miss


def _member_gap(ctx: Context, X, Y, YAW, peer: ObjectInstance, want: float, ok, miss):
    """The footprint gap to a neighbouring member; ``ok`` / ``miss`` updated in place for a gap
    within 5 cm of ``want``."""
    gap = _gap_to(ctx, X, Y, YAW, peer)
    err = np.abs(gap - want)
    ok &= err <= 0.05 + 1e-9
    miss += np.maximum(err - 0.05, 0.0)
    return gap


def _row(ctx: Context, X, Y, YAW, c: K.Row) -> Result:
    n = len(X)
    peers, ok, miss = _same_yaw_as_members(ctx, n, YAW, "row", c.group)
    notes = []
    for j in (c.index - 1, c.index + 1):
        if j in peers:
            gap = _member_gap(ctx, X, Y, YAW, peers[j], c.spacing, ok, miss)
            notes.append(f"gap to member {j} {_fmt(gap)} m")
    present = sorted(peers)
    if len(present) >= 2 or (present and c.count >= 3):
        pts = {j: np.broadcast_to(np.array(peers[j].position[:2]), (n, 2)) for j in present}
        pts[c.index] = np.stack([X, Y], axis=-1)
        idx = sorted(pts)
        a, b = pts[idx[0]], pts[idx[-1]]
        ab = b - a
        L = np.maximum(np.hypot(ab[:, 0], ab[:, 1]), 1e-9)
        for j in idx[1:-1]:
            q = pts[j] - a
            off = np.abs(q[:, 0] * ab[:, 1] - q[:, 1] * ab[:, 0]) / L
            ok &= off <= K.ALIGN_TOL_M + 1e-9
            miss += np.maximum(off - K.ALIGN_TOL_M, 0.0)
    return _res(ok, miss, f"row {c.group} member {c.index}: " + (", ".join(notes) or "no neighbour placed"))


def _grid(ctx: Context, X, Y, YAW, c: K.Grid) -> Result:
    peers, ok, miss = _same_yaw_as_members(ctx, len(X), YAW, "grid", c.group)
    notes = []
    r, col = divmod(c.index, c.cols)
    for (rr, cc), spacing in (((r, col - 1), c.spacing[0]), ((r, col + 1), c.spacing[0]),
                              ((r - 1, col), c.spacing[1]), ((r + 1, col), c.spacing[1])):
        if not (0 <= rr < c.rows and 0 <= cc < c.cols):
            continue
        j = rr * c.cols + cc
        if j in peers:
            gap = _member_gap(ctx, X, Y, YAW, peers[j], spacing, ok, miss)
            notes.append(f"gap to member {j} {_fmt(gap)} m (want {spacing:.2f})")
    return _res(ok, miss, f"grid {c.group} member {c.index}: " + (", ".join(notes) or "no neighbour placed"))


def _far_achievable(ctx: Context, t: ObjectInstance, yaw: float) -> float:
    import shapely

    key = (t.id, t.position, t.yaw_deg, round(float(yaw) % 360.0, 6))
    if key in ctx.far_cache:
        return ctx.far_cache[key]
    room = ctx.room
    xs = [p[0] for p in room.polygon]
    ys = [p[1] for p in room.polygon]
    gx, gy = np.meshgrid(np.arange(min(xs), max(xs) + 1e-9, 0.1), np.arange(min(ys), max(ys) + 1e-9, 0.1))
    gx, gy = gx.ravel(), gy.ravel()
    Q = corners(gx, gy, ctx.obj.size[0], ctx.obj.size[1], np.full(len(gx), yaw))
    poly = shapely.Polygon(room.polygon).buffer(1e-6)
    inside = shapely.contains_xy(poly, Q[..., 0], Q[..., 1]).all(axis=1)
    best = 0.0
    if inside.any():
        best = float(rect_gap(gx[inside], gy[inside], ctx.obj.size[0], ctx.obj.size[1],
                              np.full(int(inside.sum()), yaw), t).max())
    ctx.far_cache[key] = best
    return best


def evaluate(scene: Scene, obj: ObjectInstance, X, Y, YAW, constraint, Z=None, room: Room | None = None,
             ctx: Context | None = None) -> Result:
    """The test of ``constraint`` for ``obj`` at each candidate pose (``X``, ``Y``, ``YAW``; ``Z``
    defaults to the object's z): ``(satisfied, miss, detail)`` where ``miss`` >= 0 grows with how
    far a pose is from satisfying it (0 when satisfied; for ranking) and ``detail`` describes the
    first pose."""
    X = np.atleast_1d(np.asarray(X, dtype=float))
    Y = np.atleast_1d(np.asarray(Y, dtype=float))
    YAW = np.atleast_1d(np.asarray(YAW, dtype=float))
    n = len(X)
    ctx = ctx or Context(scene, obj, room)
    c = constraint
    w, d, h = obj.size
    if isinstance(c, K.At):
        dist = np.hypot(X - c.x, Y - c.y)
        return _res(dist <= 0.01 + 1e-9, dist, f"{_fmt(dist)} m from ({c.x:g}, {c.y:g})")
    if isinstance(c, K.Yaw):
        turn = angle_diff(YAW, c.deg)
        return _res(turn <= K.YAW_TOL_DEG + 1e-9, turn / 180.0, f"heading {_fmt(turn)} deg off {c.deg:g}")
    if isinstance(c, K.Height):
        z = np.full(n, obj.position[2]) if Z is None else np.atleast_1d(Z)
        return _res(np.abs(z - c.m) <= 0.01 + 1e-9, np.abs(z - c.m), f"bottom at {_fmt(z)} m (want {c.m:g})")
    if isinstance(c, K.Against):
        if c.wall == "any_wall":
            return _res(*_against(ctx, X, Y, YAW, [wl.id for wl in ctx.walls]))
        if c.wall not in scene.wall_map:
            return _missing(n, f"no wall {c.wall!r}")
        return _res(*_against(ctx, X, Y, YAW, [c.wall]))
    if isinstance(c, K.Corner):
        return _corner(ctx, X, Y, YAW, c)
    if isinstance(c, K.Center):
        return _center(ctx, X, Y, YAW, c)
    if isinstance(c, K.Facing):
        return _facing(ctx, X, Y, YAW, c.target)
    if isinstance(c, K.SameYawAs):
        t = ctx.target(c.target)
        if t is None:
            return _missing(n, f"no object {c.target!r}")
        turn = angle_diff(YAW, t.yaw_deg)
        return _res(turn <= K.YAW_TOL_DEG + 1e-9, turn / 180.0, f"heading {_fmt(turn)} deg off {c.target}'s")
    if isinstance(c, K.NextTo):
        t = ctx.target(c.target)
        if t is None:
            return _missing(n, f"no object {c.target!r}")
        gap = _gap_to(ctx, X, Y, YAW, t)
        fx, fy = _front(np.array([t.yaw_deg]))
        rx, ry = _right(np.array([t.yaw_deg]))
        px, py = X - t.position[0], Y - t.position[1]
        r = px * rx + py * ry
        f = px * fx + py * fy
        if c.side == "right":
            side_ok = r > t.size[0] / 2.0
            side_miss = np.maximum(t.size[0] / 2.0 - r, 0.0)
        elif c.side == "left":
            side_ok = -r > t.size[0] / 2.0
            side_miss = np.maximum(t.size[0] / 2.0 + r, 0.0)
        else:
            side_ok = np.abs(r) > t.size[0] / 2.0
            side_miss = np.maximum(t.size[0] / 2.0 - np.abs(r), 0.0)
        band = np.abs(f) <= t.size[1] / 2.0 + 1e-9
        ok = (gap <= K.NEXT_TO_GAP_M + 1e-9) & side_ok & band
        miss = np.maximum(gap - K.NEXT_TO_GAP_M, 0.0) + side_miss + np.maximum(np.abs(f) - t.size[1] / 2.0, 0.0)
        return _res(ok, miss, f"gap {_fmt(gap)} m, right offset {_fmt(r)} m, front offset {_fmt(f)} m")
    if isinstance(c, K.InFrontOf):
        return _front_back(ctx, X, Y, YAW, c.target, c.distance, 1.0)
    if isinstance(c, K.Behind):
        return _front_back(ctx, X, Y, YAW, c.target, c.distance, -1.0)
    if isinstance(c, K.Between):
        a, b = ctx.target(c.a), ctx.target(c.b)
        if a is None or b is None:
            return _missing(n, f"no object {c.a if a is None else c.b!r}")
        ax, ay = a.position[:2]
        ex, ey = b.position[0] - ax, b.position[1] - ay
        L2 = max(ex * ex + ey * ey, 1e-12)
        t = ((X - ax) * ex + (Y - ay) * ey) / L2
        off = np.abs((X - ax) * ey - (Y - ay) * ex) / math.sqrt(L2)
        ok = (off <= 0.3 + 1e-9) & (t >= 0.1 - 1e-9) & (t <= 0.9 + 1e-9)
        miss = np.maximum(off - 0.3, 0.0) + np.maximum(0.1 - t, 0.0) + np.maximum(t - 0.9, 0.0)
        return _res(ok, miss, f"{_fmt(off)} m off the segment, at {_fmt(t)} of it")
    if isinstance(c, K.CenterAlignedWith):
        t = ctx.target(c.target)
        if t is None:
            return _missing(n, f"no object {c.target!r}")
        fx, fy = _front(np.array([t.yaw_deg]))
        off = np.abs((X - t.position[0]) * fy - (Y - t.position[1]) * fx)
        return _res(off <= K.ALIGN_TOL_M + 1e-9, off, f"{_fmt(off)} m off {c.target}'s front axis")
    if isinstance(c, K.Near):
        t = ctx.target(c.target)
        if t is None:
            return _missing(n, f"no object {c.target!r}")
        gap = _gap_to(ctx, X, Y, YAW, t)
        return _res(gap <= K.NEAR_GAP_M + 1e-9, np.maximum(gap - K.NEAR_GAP_M, 0.0), f"gap {_fmt(gap)} m")
    if isinstance(c, K.FarFrom):
        t = ctx.target(c.target)
        if t is None:
            return _missing(n, f"no object {c.target!r}")
        gap = _gap_to(ctx, X, Y, YAW, t)
        ok = gap >= K.FAR_GAP_M - 1e-9
        if not ok.all():
            best = _far_achievable(ctx, t, float(YAW[0]))
            ok = ok | (gap >= 0.95 * best - 1e-9)
        return _res(ok, np.maximum(K.FAR_GAP_M - gap, 0.0), f"gap {_fmt(gap)} m")
    if isinstance(c, K.Under):
        return _under(ctx, X, Y, YAW, c, Z)
    if isinstance(c, K.OnWall):
        walls = [wl.id for wl in ctx.walls] if c.wall == "any_wall" else [c.wall]
        on = obj.support_kind == "wall" and obj.support_target in walls
        z = obj.position[2] if Z is None else float(np.atleast_1d(Z)[0])
        ok = on and (c.height is None or abs(z - c.height) <= 0.01 + 1e-9)
        return _res(np.full(n, ok), np.full(n, 0.0 if ok else 1.0), f"support {obj.support}, bottom {z:.2f} m")
    if isinstance(c, K.OnCeiling):
        ok = obj.support == "ceiling"
        return _res(np.full(n, ok), np.full(n, 0.0 if ok else 1.0), f"support {obj.support}")
    if isinstance(c, K.Around):
        t = ctx.target(c.target)
        if t is None:
            return _missing(n, f"no object {c.target!r}")
        fok, fmiss, fdet = _facing(ctx, X, Y, YAW, c.target)
        gap = _gap_to(ctx, X, Y, YAW, t)
        ok = fok & (gap <= 0.3 + 1e-9)
        return _res(ok, fmiss + np.maximum(gap - 0.3, 0.0), f"{fdet}, gap {_fmt(gap)} m (<= 0.30)")
    if isinstance(c, K.Row):
        return _row(ctx, X, Y, YAW, c)
    if isinstance(c, K.Grid):
        return _grid(ctx, X, Y, YAW, c)
    raise TypeError(f"not a constraint: {c!r}")


def _corner(ctx: Context, X, Y, YAW, c: K.Corner) -> Result:
    poly = ctx.room.polygon
    n = len(X)
    m = len(poly)
    Q = corners(X, Y, ctx.obj.size[0], ctx.obj.size[1], YAW)
    tol = K.AGAINST_TOL_M + 1e-9
    ok = np.zeros(n, dtype=bool)
    miss = np.full(n, np.inf)
    idx = range(m) if c.index is None else [c.index % m]
    found = False
    for i in idx:
        prev, v, nxt = np.array(poly[i - 1]), np.array(poly[i]), np.array(poly[(i + 1) % m])
        e1, e2 = v - prev, nxt - v
        if e1[0] * e2[1] - e1[1] * e2[0] <= 1e-12:  # reflex or straight: not an inner corner
            continue
        found = True
        # per side k (corners k, k+1): max distance of its endpoints to each wall segment
        da = _seg_dist(Q, prev, v)  # (n, 4) corner distances to wall A
        db = _seg_dist(Q, v, nxt)
        sa = np.maximum(da, np.roll(da, -1, axis=1))  # side k endpoints to wall A
        sb = np.maximum(db, np.roll(db, -1, axis=1))
        # adjacent sides k and k+1
        pair1 = np.maximum(sa, np.roll(sb, -1, axis=1))
        pair2 = np.maximum(sb, np.roll(sa, -1, axis=1))
        worst = np.minimum(pair1, pair2).min(axis=1)
        ok |= worst <= tol
        miss = np.minimum(miss, np.maximum(worst - K.AGAINST_TOL_M, 0.0))
    if not found:
        return _missing(n, "no inner corner" if c.index is None else f"vertex {c.index} is not an inner corner")
    return _res(ok, miss, f"sides {_fmt(miss + K.AGAINST_TOL_M if not ok[0] else 0.0)} m from the corner walls")


def _center(ctx: Context, X, Y, YAW, c: K.Center) -> Result:
    poly = np.array(ctx.room.polygon)
    Q = corners(X, Y, ctx.obj.size[0], ctx.obj.size[1], YAW)
    a, b = poly, np.roll(poly, -1, axis=0)
    d1 = _seg_dist(Q[:, :, None, :], a[None, None], b[None, None]).min(axis=(1, 2))
    q0, q1 = Q, np.roll(Q, -1, axis=1)
    d2 = _seg_dist(poly[None, :, None, :], q0[:, None], q1[:, None]).min(axis=(1, 2))
    dist = np.minimum(d1, d2)
    ok = dist >= c.clearance - 1e-9
    return _res(ok, np.maximum(c.clearance - dist, 0.0), f"{_fmt(dist)} m from the nearest wall (>= {c.clearance:g})")


def _under(ctx: Context, X, Y, YAW, c: K.Under, Z) -> Result:
    n = len(X)
    op = next((o for _, o in ctx.scene.openings() if o.id == c.window), None)
    if op is None or op.kind != "window":
        return _missing(n, f"no window {c.window!r}")
    wall = ctx.scene.wall(op.wall)
    ok, miss, _ = _against(ctx, X, Y, YAW, [wall.id], check_extent=False)
    along = (X - wall.start[0]) * wall.direction[0] + (Y - wall.start[1]) * wall.direction[1]
    within = (along >= op.offset - 1e-9) & (along <= op.offset + op.width + 1e-9)
    z = np.full(n, ctx.obj.position[2]) if Z is None else np.atleast_1d(Z)
    top = z + ctx.obj.size[2]
    low = top <= op.sill + 0.01 + 1e-9
    miss = miss + np.maximum(op.offset - along, 0.0) + np.maximum(along - op.offset - op.width, 0.0) \
        + np.maximum(top - op.sill - 0.01, 0.0)
    return _res(ok & within & low, miss,
                f"{'against' if ok[0] else 'off'} {wall.id}, {_fmt(along - op.offset)} m into the window's "
                f"{op.width:.2f} m, top {_fmt(top)} m vs sill {op.sill:.2f} m")


# ---------------------------------------------------------------------------------------------
# public API


def label(constraint) -> str:
    """A short readable name: ``facing(tv_0)``, ``against(wall_2)``, ``around(table_0 #2/6)``."""
    c = constraint
    if isinstance(c, (K.Row, K.Grid)):
        return f"{K.to_dict(c)['kind']}({c.group} #{c.index})"
    if isinstance(c, K.Around):
        return f"around({c.target} #{c.index + 1}/{c.count})"
    if isinstance(c, K.Between):
        return f"between({c.a}, {c.b})"
    if isinstance(c, K.NextTo):
        return f"next_to({c.target}{', ' + c.side if c.side else ''})"
    if isinstance(c, K.Corner):
        return "corner" if c.index is None else f"corner({c.index})"
    if isinstance(c, K.Center):
        return "center"
    if isinstance(c, K.OnCeiling):
        return "on_ceiling"
    kind = K.to_dict(c)["kind"]
    names = K.targets(c) or tuple(str(v) for k, v in K.to_dict(c).items() if k != "kind" and v is not None)
    return f"{kind}({', '.join(names)})"


def is_relation(constraint) -> bool:
    """Relations are what the report scores: everything but At / Yaw / Height and an Against
    with a fixed ``along``."""
    if isinstance(constraint, K.DIRECT):
        return False
    if isinstance(constraint, K.Against) and constraint.along is not None:
        return False
    return True


def check_relation(scene: Scene, obj_id: str, constraint) -> RelationCheck:
    """Whether object ``obj_id`` satisfies ``constraint`` in ``scene``, by the test its class
    documents (:mod:`worldsmith.layout.constraints`)."""
    obj = scene.object_map.get(obj_id)
    if obj is None:
        return RelationCheck(False, f"no object {obj_id!r}")
    if not scene.rooms:
        return RelationCheck(False, "no room")
    p = obj.position
    ok, _, detail = evaluate(scene, obj, [p[0]], [p[1]], [obj.yaw_deg], constraint, Z=[p[2]])
    return RelationCheck(bool(ok[0]), detail)


def relation_report(scene: Scene) -> list[dict[str, Any]]:
    """Every relation stored in the objects' ``placement``, checked: ``{"object", "relation",
    "satisfied", "detail"}`` per relation, in scene order. The share satisfied is the report's
    relation metric (:func:`relation_share`)."""
    out = []
    for o in scene.objects:
        for data in o.placement:
            try:
                c = K.from_dict(dict(data))
            except (KeyError, TypeError) as exc:
                out.append({"object": o.id, "relation": str(data.get("kind")), "satisfied": False,
                            "detail": f"unreadable constraint: {exc}"})
                continue
            if not is_relation(c):
                continue
            r = check_relation(scene, o.id, c)
            out.append({"object": o.id, "relation": label(c), "satisfied": r.satisfied, "detail": r.detail})
    return out


def relation_share(rows: Sequence[dict]) -> float:
    """Share of rows satisfied (1.0 when there are none)."""
    return 1.0 if not rows else sum(1 for r in rows if r["satisfied"]) / len(rows)
