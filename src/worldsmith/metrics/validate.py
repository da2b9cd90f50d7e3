"""Physical plausibility of a scene: collisions, out-of-bounds objects, blocked openings,
unsupported objects.

``validate(scene) -> ValidationReport``. The definitions below are the project's contract; the
thresholds are the fields of :class:`ValidationConfig` (defaults in brackets). Every check works on
the objects' real meshes (:func:`worldsmith.assets.build_object_parts`, placed by
:func:`worldsmith.assets.object_transform`), not only on their size boxes.

1. **Collision** (``collisions``: ``a``, ``b``, ``depth_m``). Two objects collide when their solids
   interpenetrate by more than ``collision_depth_m`` [5 mm].

   * Broad phase: world axis-aligned boxes (sweep over x). A pair is skipped when, along some
     world axis, moving one box by at most the threshold (either way) takes it clear of the other:
     the depth below can then not exceed the threshold.
   * Narrow phase: python-fcl says which candidate pairs have touching or crossing surfaces
     (:mod:`._crossing`: each object's world mesh as trimesh's ``CollisionManager`` would give it
     to fcl, the models cached across calls on the object's local mesh and pose). fcl's contact
     ``depth`` is not used: convex meshes go to fcl as ``Convex`` shapes (GJK/EPA, sound depths)
     but every other mesh, so every multi-part asset, as a triangle BVH, for which fcl reports one
     depth per pair of touching triangles.
     Measured here for two-part meshes overlapping face-on by 0.10 m, the contacts' depths were 0,
     0.1 and 1.0; and a part lying wholly inside another is missed (no triangles cross).
   * Overlap: each candidate pair's parts are intersected exactly with manifold3d booleans (a part
     that is not a closed 2-manifold stands in as its convex hull; a flat one has no volume). For
     pairs fcl found apart, only part pairs where one part's box lies inside the other's are
     intersected, which catches containment. Intersection pieces under 1e-10 m^3 are contact.
   * Penetration depth (``depth_m``): the translational penetration depth over a fixed set of
     directions: ``min over directions u of (max over overlapping part pairs of how far one object
     must move along u for the pair to separate)``. The directions are +-Z, +-world X/Y and +-both
     objects' local X/Y (objects only yaw, so these are the separating axes of box-like parts); a
     pair's exit distance along u is where the ray t*u leaves the Minkowski difference of the two
     parts' convex hulls (from their support functions). Exact for box-like parts in face or corner
     contact (two 1 m boxes 0.10 m into each other: 0.10; a 45-degree corner 0.10 m in: 0.10;
     touching faces: 0), correct for pass-through (a book 3 cm too tall for its shelf, through a
     2 cm board: 0.03) and containment (a cup inside a cabinet: its way out), and otherwise an upper
     bound. Only overlapping part pairs count, so the depth says how far to move to clear today's
     overlaps, not whether that move would hit something else.
   * Excluded pairs: an object and its declared support target (``object:<id>[#k]``) when every
     intersection piece lies within ``support_tol_m`` of the support surface's height (a mug on a
     table, a book on shelf 2; sunk deeper, the pair collides); a flat floor covering (catalog
     ``flat``: rug, yoga mat) and any floor object or other flat covering (furniture stands on rugs).

2. **Out of bounds** (``out_of_bounds``: ``id``, ``by_m``, ``reason``). An object's room is the
   room whose floor polygon contains its position (a wall-mounted object's: its wall's room); when
   no room does, the nearest room (by the position's distance) is used and the reason says "not
   inside any room". Scenes without rooms have nothing to be out of. Reported, each by more than
   ``bounds_tol_m`` [1 cm]:

   * the object's footprint (the convex hull of its mesh projected to XY) outside the room's
     floor polygon: ``by_m`` is the largest distance of a footprint point from the polygon;
   * its top above the room's ceiling: ``by_m = top - room height``;
   * a wall-mounted object (``wall:<id>``) whose mesh pierces its wall's inner face plane (within
     the wall's length): ``by_m`` is the deepest vertex behind the plane. A footprint excess that
     this piercing already explains (not larger by more than the tolerance) is not reported twice;
   * a non-floor object whose bottom is below the floor (floor objects: see support).

3. **Opening clearance** (``blocked_openings``: ``opening``, ``object``, ``side``). Only
   floor-supported, non-flat objects can block, judged by their mesh footprint; a footprint must
   reach more than ``opening_tol_m`` [1 cm] into a zone (an object flush with the zone's edge
   does not block).

   * Door: a zone as wide as the door and as deep as the door is wide, up to
     ``door_clear_height_m`` [2 m], on each side of the wall: ``side="inside"`` from the wall's
     inner face into the room, ``side="outside"`` from the wall's outer face (inner face plus the
     wall thickness) away from the room.
   * Window with a sill below ``window_low_sill_m`` [1.2 m]: a band ``window_band_depth_m``
     [0.3 m] deep in front of the window inside the room, as wide as the window; an object blocks
     it when its footprint enters the band and its top is more than ``opening_tol_m`` above the
     sill (a 0.8 m sofa under a 0.9 m sill is fine, a bookshelf is not). ``side="inside"``.

4. **Support** (``unsupported``: ``id``, ``support``, ``gap_m``, ``reason``). The object must rest
   on its declared support within ``support_tol_m`` [1 cm]. ``gap_m`` is signed for height
   mismatches (positive: floating above / hanging off the support; negative: sunk into it); for a
   horizontal miss (off the end of a wall, centre beside a surface) it is the positive horizontal
   distance, and the reason says which.

   * ``floor``: the mesh's bottom at z = 0 (``gap_m`` = bottom).
   * ``ceiling``: the mesh's top at the room's height (``gap_m`` = height - top).
   * ``wall:<id>``: the mesh's back (its smallest extent along the wall's inward normal) on the
     wall's inner face plane (``gap_m`` = that extent); its extent along the wall within the wall's
     ends; and its front (local +Y) facing into the room (within 45 degrees of the normal).
   * ``object:<id>[#k]``: the bottom at the target's z plus surface ``k``'s height (surface 0,
     the top, by default; surfaces from :func:`worldsmith.assets.support_surfaces`), and the
     object's position (its footprint centre) over that surface's polygon, placed in the world by
     the target's pose.

A value at a threshold passes (comparisons allow 1 micrometre of float noise). Every list in the
report is sorted; floats in :meth:`ValidationReport.to_dict` are rounded to 4
decimals, so the same scene gives the same report byte for byte.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from shapely.geometry import Point, Polygon

from ..assets import catalog, support_surfaces
from ..layout.freespace import opening_zones
from ..scene import ObjectInstance, Room, Scene, front_direction
from ._geometry import (
    ObjectGeometry,
    depth_directions,
    excess_outside,
    intersection_pieces,
    penetration_depth,
    point_distance,
)
from ._crossing import surface_crossing_pairs

log = logging.getLogger(__name__)

#: every threshold comparison allows this much float noise: a value at a tolerance (a layout that
#: places two objects exactly 5 mm into each other) passes
EPS = 1e-6

__all__ = [
    "BlockedOpening", "Collision", "OutOfBounds", "Unsupported", "ValidationConfig", "ValidationReport",
    "validate",
]


# ---------------------------------------------------------------------------------------------
# report values


@dataclass(frozen=True)
class Collision:
    """Objects ``a`` and ``b`` (``a < b``) interpenetrate by ``depth_m`` metres."""

    a: str
    b: str
    depth_m: float

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "depth_m": _r(self.depth_m)}

    def line(self) -> str:
        return f"collision: {self.a} and {self.b} interpenetrate by {self.depth_m:.3f} m"


@dataclass(frozen=True)
class OutOfBounds:
    """Object ``id`` is outside its room by ``by_m`` metres, for ``reason``."""

    id: str
    by_m: float
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "by_m": _r(self.by_m), "reason": self.reason}

    def line(self) -> str:
        return f"out of bounds: {self.id} by {self.by_m:.3f} m ({self.reason})"


@dataclass(frozen=True)
class BlockedOpening:
    """Floor object ``object`` stands in the clearance zone of door or window ``opening`` on its
    ``side`` ("inside" the room or "outside" it)."""

    opening: str
    object: str
    side: str

    def to_dict(self) -> dict[str, Any]:
        return {"opening": self.opening, "object": self.object, "side": self.side}

    def line(self) -> str:
        return f"blocked opening: {self.opening} blocked by {self.object} ({self.side})"


@dataclass(frozen=True)
class Unsupported:
    """Object ``id`` does not rest on its declared ``support``: ``gap_m`` (signed, positive =
    floating) and ``reason``."""

    id: str
    support: str
    gap_m: float
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "support": self.support, "gap_m": _r(self.gap_m), "reason": self.reason}

    def line(self) -> str:
        return f"unsupported: {self.id} on {self.support}, gap {self.gap_m:+.3f} m ({self.reason})"


#: the four problem lists of a report, in order (the keys of :meth:`ValidationReport.to_dict`)
PROBLEM_KEYS = ("collisions", "out_of_bounds", "blocked_openings", "unsupported")


@dataclass(frozen=True)
class ValidationReport:
    """What :func:`validate` found; each tuple is sorted. ``ok`` when all are empty."""

    collisions: tuple[Collision, ...] = ()
    out_of_bounds: tuple[OutOfBounds, ...] = ()
    blocked_openings: tuple[BlockedOpening, ...] = ()
    unsupported: tuple[Unsupported, ...] = ()

    @property
    def ok(self) -> bool:
        return not (self.collisions or self.out_of_bounds or self.blocked_openings or self.unsupported)

    @property
    def problem_count(self) -> int:
        return len(self.collisions) + len(self.out_of_bounds) + len(self.blocked_openings) + len(self.unsupported)

    def to_dict(self) -> dict[str, list[dict[str, Any]]]:
        return {key: [item.to_dict() for item in getattr(self, key)] for key in PROBLEM_KEYS}

    def summary_lines(self) -> list[str]:
        """Human-readable lines for the CLI: a count line, then one line per problem."""
        if self.ok:
            return ["valid: no collisions, nothing out of bounds, openings clear, every object supported"]
        counts = [
            (len(self.collisions), "collision", "collisions"),
            (len(self.out_of_bounds), "out of bounds", "out of bounds"),
            (len(self.blocked_openings), "blocked opening", "blocked openings"),
            (len(self.unsupported), "unsupported", "unsupported"),
        ]
        head = ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in counts if n)
        n = self.problem_count
        lines = [f"invalid: {n} problem{'s' if n != 1 else ''} ({head})"]
        for group in (self.collisions, self.out_of_bounds, self.blocked_openings, self.unsupported):
            lines.extend(item.line() for item in group)
        return lines


@dataclass(frozen=True)
class ValidationConfig:
    """Thresholds of :func:`validate`, in metres (see the module docstring for their meaning)."""

    collision_depth_m: float = 0.005
    bounds_tol_m: float = 0.01
    support_tol_m: float = 0.01
    opening_tol_m: float = 0.01
    door_clear_height_m: float = 2.0
    window_low_sill_m: float = 1.2
    window_band_depth_m: float = 0.3
    wall_facing_min_cos: float = math.cos(math.radians(45.0))


def _r(x: float) -> float:
    v = round(float(x), 4)
    return 0.0 if v == 0 else v  # no "-0.0" in reports


# ---------------------------------------------------------------------------------------------
# entry point


def validate(scene: Scene, config: ValidationConfig | None = None) -> ValidationReport:
    """Check ``scene`` for collisions, out-of-bounds objects, blocked openings and unsupported
    objects (definitions: module docstring)."""
    cfg = config or ValidationConfig()
    ctx = _Context(scene, cfg)
    report = ValidationReport(
        collisions=tuple(sorted(_collisions(ctx), key=lambda c: (c.a, c.b, c.depth_m))),
        out_of_bounds=tuple(sorted(_out_of_bounds(ctx), key=lambda o: (o.id, o.reason, o.by_m))),
        blocked_openings=tuple(sorted(set(_blocked_openings(ctx)),
                                      key=lambda b: (b.opening, b.object, b.side))),
        unsupported=tuple(sorted(_unsupported(ctx), key=lambda u: (u.id, u.reason, u.gap_m))),
    )
    log.debug("validated %d objects: %d problems", len(scene.objects), report.problem_count)
    return report


@dataclass
class _Context:
    scene: Scene
    cfg: ValidationConfig
    geoms: dict[str, ObjectGeometry] = field(default_factory=dict)
    _room_polys: dict[str, Polygon] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.geoms = {o.id: ObjectGeometry.of(o) for o in self.scene.objects}

    def polygon(self, room: Room) -> Polygon:
        if room.id not in self._room_polys:
            self._room_polys[room.id] = Polygon(room.polygon)
        return self._room_polys[room.id]

    def room_of(self, obj: ObjectInstance) -> tuple[Room | None, bool]:
        """The object's room and whether it contains the object's position: a wall-mounted
        object's is its wall's room; otherwise the room containing the position, else the nearest."""
        xy = (obj.position[0], obj.position[1])
        if obj.support_kind == "wall":
            room = self.scene.room(self.scene.wall(obj.support_target).room)  # type: ignore[arg-type]
            return room, room.contains(xy)
        room = self.scene.room_at(xy)
        if room is not None:
            return room, True
        if not self.scene.rooms:
            return None, False
        return min(self.scene.rooms, key=lambda r: point_distance(xy, self.polygon(r))), False


def is_flat(category: str) -> bool:
    """Whether the category is a flat floor covering (catalog ``flat``); unknown categories are not."""
    try:
        info = catalog.get(category)
    except KeyError:
        return False
    return info.flat


# ---------------------------------------------------------------------------------------------
# 1. collisions


def _excluded(a: ObjectInstance, b: ObjectInstance) -> bool:
    fa, fb = is_flat(a.category), is_flat(b.category)
    if fa and (fb or b.support == "floor"):
        return True
    if fb and (fa or a.support == "floor"):
        return True
    return False


def _candidate_pairs(ctx: _Context) -> list[tuple[str, str]]:
    """Pairs whose world boxes cannot be pulled apart along a world axis by a move within the
    collision threshold (sweep and prune along x)."""
    thr = ctx.cfg.collision_depth_m + EPS
    order = sorted(ctx.geoms.values(), key=lambda g: (float(g.lo[0]), g.obj.id))
    out: list[tuple[str, str]] = []
    for i, ga in enumerate(order):
        for gb in order[i + 1:]:
            if gb.lo[0] >= ga.hi[0] - thr:
                break
            clear_by = np.minimum(ga.hi - gb.lo, gb.hi - ga.lo)  # shortest move apart, per axis
            if np.all(clear_by > thr) and not _excluded(ga.obj, gb.obj):
                out.append(tuple(sorted((ga.obj.id, gb.obj.id))))  # type: ignore[arg-type]
    return sorted(out)


def _surface_crossing_pairs(ctx: _Context, pairs: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """The candidate pairs whose mesh surfaces touch or cross, from fcl (:mod:`._crossing`)."""
    return surface_crossing_pairs(ctx.geoms, pairs)


def _collisions(ctx: _Context) -> list[Collision]:
    pairs = _candidate_pairs(ctx)
    if not pairs:
        return []
    crossing = _surface_crossing_pairs(ctx, pairs)
    out = []
    for a_id, b_id in pairs:
        ga, gb = ctx.geoms[a_id], ctx.geoms[b_id]
        pieces = intersection_pieces(ga, gb, contained_only=(a_id, b_id) not in crossing)
        pieces = _drop_support_contact(ctx, ga.obj, gb.obj, pieces)
        depth = penetration_depth(ga, gb, pieces, depth_directions((ga.obj.yaw_deg, gb.obj.yaw_deg)))
        if depth > ctx.cfg.collision_depth_m + EPS:
            out.append(Collision(a_id, b_id, depth))
    return out


def _drop_support_contact(ctx: _Context, a: ObjectInstance, b: ObjectInstance, pieces: list) -> list:
    """Without the pieces that are just an object resting on its declared support surface."""
    if a.support_target == b.id and a.support_kind == "object":
        child, parent = a, b
    elif b.support_target == a.id and b.support_kind == "object":
        child, parent = b, a
    else:
        return pieces
    level = _surface_level(ctx, child, parent)
    if level is None:
        return pieces
    tol = ctx.cfg.support_tol_m + EPS
    return [p for p in pieces if not (p.zmin >= level - tol and p.zmax <= level + tol)]


# ---------------------------------------------------------------------------------------------
# 2. out of bounds


def _out_of_bounds(ctx: _Context) -> list[OutOfBounds]:
    tol = ctx.cfg.bounds_tol_m + EPS
    out: list[OutOfBounds] = []
    if not ctx.scene.rooms:
        return out
    for obj in ctx.scene.objects:
        g = ctx.geoms[obj.id]
        room, inside = ctx.room_of(obj)
        if room is None:  # unreachable: the scene has rooms
            continue
        pierce = 0.0
        if obj.support_kind == "wall":
            wall = ctx.scene.wall(obj.support_target)  # type: ignore[arg-type]
            pierce = _wall_pierce(ctx, g, wall)
            if pierce > tol:
                out.append(OutOfBounds(obj.id, by_m=pierce, reason=f"pierces {wall.id}"))
        excess = excess_outside(g.footprint, ctx.polygon(room))
        if excess > tol and not (pierce > tol and excess <= pierce + tol):
            if inside or obj.support_kind == "wall":
                reason = f"footprint outside {room.id}"
            else:
                reason = f"not inside any room (nearest: {room.id})"
            out.append(OutOfBounds(obj.id, by_m=excess, reason=reason))
        if g.zmax - room.height > tol:
            out.append(OutOfBounds(obj.id, by_m=g.zmax - room.height,
                                   reason=f"top above the ceiling of {room.id}"))
        if obj.support != "floor" and -g.zmin > tol:
            out.append(OutOfBounds(obj.id, by_m=-g.zmin, reason="below the floor"))
    return out


def _wall_pierce(ctx: _Context, g: ObjectGeometry, wall) -> float:
    """How deep the mesh goes behind the wall's inner face plane, counting only vertices within
    the wall's length."""
    start = np.array(wall.start)
    d = np.array(wall.direction)
    n = np.array(wall.normal)
    rel = g.vertices[:, :2] - start
    along = rel @ d
    normal = rel @ n
    within = (along >= -1e-9) & (along <= wall.length + 1e-9)
    if not np.any(within):
        return 0.0
    return max(0.0, float(-normal[within].min()))


# ---------------------------------------------------------------------------------------------
# 3. openings


def _blocked_openings(ctx: _Context) -> list[BlockedOpening]:
    """Section 3 of the module docstring. The zones are the layout solver's
    (:func:`worldsmith.layout.freespace.opening_zones`, with this config's thresholds), shrunk by
    ``opening_tol_m``: a footprint must reach into that core to block."""
    cfg = ctx.cfg
    blockers = [o for o in ctx.scene.objects if o.support == "floor" and not is_flat(o.category)]
    out: list[BlockedOpening] = []
    if not blockers:
        return out
    tol = cfg.opening_tol_m + EPS
    for zone in opening_zones(ctx.scene, margin=-tol, door_clear_height=cfg.door_clear_height_m,
                              low_sill=cfg.window_low_sill_m, band_depth=cfg.window_band_depth_m):
        if zone.hx <= 0.0 or zone.hy <= 0.0:  # the zone is no wider than the tolerance
            continue
        core = Polygon(zone.corners)
        for obj in blockers:
            g = ctx.geoms[obj.id]
            if g.zmin >= zone.max_bottom or g.zmax <= zone.min_top + cfg.opening_tol_m + EPS:
                continue
            if g.footprint.intersects(core):
                out.append(BlockedOpening(zone.opening, obj.id, zone.side))
    return out


# ---------------------------------------------------------------------------------------------
# 4. support


def _surface(target: ObjectInstance, index: int):
    for s in support_surfaces(target):
        if s.index == index:
            return s
    return None


def _surface_index(obj: ObjectInstance) -> int:
    return int(obj.support.split("#", 1)[1]) if "#" in obj.support else 0


def _surface_level(ctx: _Context, child: ObjectInstance, parent: ObjectInstance) -> float | None:
    s = _surface(parent, _surface_index(child))
    return None if s is None else parent.position[2] + float(s.z)


def _to_local(target: ObjectInstance, xy: tuple[float, float]) -> tuple[float, float]:
    t = math.radians(target.yaw_deg)
    c, s = math.cos(t), math.sin(t)
    dx, dy = xy[0] - target.position[0], xy[1] - target.position[1]
    return (c * dx + s * dy, -s * dx + c * dy)


def _unsupported(ctx: _Context) -> list[Unsupported]:
    tol = ctx.cfg.support_tol_m + EPS
    out: list[Unsupported] = []
    for obj in ctx.scene.objects:
        g = ctx.geoms[obj.id]
        kind = obj.support_kind
        if kind == "floor":
            gap = g.zmin
            if abs(gap) > tol:
                out.append(Unsupported(obj.id, obj.support, gap_m=gap, reason=_vertical("the floor", gap)))
        elif kind == "ceiling":
            room, _ = ctx.room_of(obj)
            if room is None:
                out.append(Unsupported(obj.id, obj.support, gap_m=0.0, reason="no room, so no ceiling to hang from"))
                continue
            gap = room.height - g.zmax
            if abs(gap) > tol:
                out.append(Unsupported(obj.id, obj.support, gap_m=gap,
                                       reason=_vertical(f"the ceiling of {room.id}", gap, below=True)))
        elif kind == "wall":
            out.extend(_wall_support(ctx, obj, g))
        else:
            out.extend(_object_support(ctx, obj, g))
    return out


def _vertical(what: str, gap: float, below: bool = False) -> str:
    if gap > 0:
        return f"{'hangs' if below else 'floats'} {gap:.3f} m {'below' if below else 'above'} {what}"
    return f"sunk {-gap:.3f} m into {what}"


def _wall_support(ctx: _Context, obj: ObjectInstance, g: ObjectGeometry) -> list[Unsupported]:
    tol = ctx.cfg.support_tol_m + EPS
    wall = ctx.scene.wall(obj.support_target)  # type: ignore[arg-type]
    start = np.array(wall.start)
    d = np.array(wall.direction)
    n = np.array(wall.normal)
    rel = g.vertices[:, :2] - start
    out = []
    gap = float((rel @ n).min())
    if abs(gap) > tol:
        text = f"back is {gap:.3f} m off {wall.id}" if gap > 0 else f"back is {-gap:.3f} m into {wall.id}"
        out.append(Unsupported(obj.id, obj.support, gap_m=gap, reason=text))
    along = rel @ d
    past = max(float(-along.min()), float(along.max()) - wall.length, 0.0)
    if past > tol:
        out.append(Unsupported(obj.id, obj.support, gap_m=past,
                               reason=f"extends {past:.3f} m past the end of {wall.id}"))
    front = np.array(front_direction(obj.yaw_deg))
    if float(front @ n) < ctx.cfg.wall_facing_min_cos:
        out.append(Unsupported(obj.id, obj.support, gap_m=gap,
                               reason=f"front does not face out of {wall.id} (yaw {obj.yaw_deg:g} deg)"))
    return out


def _object_support(ctx: _Context, obj: ObjectInstance, g: ObjectGeometry) -> list[Unsupported]:
    tol = ctx.cfg.support_tol_m + EPS
    target = ctx.scene.object(obj.support_target)  # type: ignore[arg-type]
    k = _surface_index(obj)
    surf = _surface(target, k)
    if surf is None:
        have = ", ".join(f"#{s.index}" for s in support_surfaces(target)) or "none"
        return [Unsupported(obj.id, obj.support, gap_m=0.0,
                            reason=f"{target.id} has no support surface #{k} (it has: {have})")]
    out = []
    level = target.position[2] + float(surf.z)
    gap = g.zmin - level
    if abs(gap) > tol:
        out.append(Unsupported(obj.id, obj.support, gap_m=gap, reason=_vertical(f"surface #{k} of {target.id}", gap)))
    local = _to_local(target, (obj.position[0], obj.position[1]))
    poly = Polygon(surf.polygon)
    off = float(poly.distance(Point(local)))
    if off > tol:
        out.append(Unsupported(obj.id, obj.support, gap_m=off,
                               reason=f"centre is {off:.3f} m beside surface #{k} of {target.id}"))
    return out
