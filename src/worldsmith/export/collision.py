"""The physics description of a scene, shared by the MJCF and USD exporters.

Nothing here imports a physics engine: it turns the scene model into convex pieces, masses and
static boxes that any engine (MuJoCo, PhysX through UsdPhysics, Bullet) can take as they are.

Which objects move
------------------
:func:`is_movable`: objects whose ``support`` is ``floor`` or ``object:<id>`` (furniture and the
small things on it) are free rigid bodies; objects on a wall (``wall:<id>``: paintings, TVs, wall
shelves, mirrors) or the ceiling (lamps, fans) are static, fixed to the building, and so are
objects clamped to the object they stand on (a monitor on a desk-clamp arm: asset
``params["support"]`` in :data:`CLAMPED_SUPPORTS`), whose weight hangs forward of a small clamp.
Things resting on
a wall shelf are movable (their support is an object).

:func:`is_floor_covering`: a movable, floor-supported object at most
:data:`FLOOR_COVERING_MAX_HEIGHT_M` tall (rugs, mats). The layout lets furniture stand *through*
a rug on the floor (a coffee table's legs start at z = 0 inside a 1 cm rug), so an engine should
let floor coverings collide with the building only, never with other objects; otherwise the
overlap pushes the furniture up at the first step. The MJCF exporter does this with contact bits.

Collision pieces
----------------
:func:`collision_parts` gives an object's colliders as convex meshes in its LOCAL frame (the frame
of :func:`worldsmith.assets.build_object_parts`; place them with
:func:`worldsmith.assets.object_transform`):

1. every part's mesh is split into connected components (``split(only_watertight=False)``); the
   generators build shelves, legs and boards as separate components, so the boards of a bookshelf
   become separate hulls and the space between them (where books stand) stays open;
2. each component becomes its convex hull; a component thinner than :data:`MIN_THICKNESS_M`
   (1 mm) along one or two principal directions (a flat quad, a line) is padded to that thickness
   first, so a canvas or a one-sided rug still collides (and has a volume);
3. components with fewer than 3 distinct vertices, or under :data:`MIN_THICKNESS_M` in every
   direction, are dropped (nothing to collide);
4. while an object has more than :data:`MAX_PIECES` (64) pieces, the piece of smallest volume
   is merged with the piece whose bounding-box centre is nearest to its own (the hull of both,
   ties: the first in order), so a plant with
   hundreds of leaves costs a bounded number of geoms; the merged piece keeps the part (material)
   of the larger of the two and the sum of their solid volumes (see Mass).

**Soft goods** (procedural generators in :data:`SOFT_GENERATORS`: pillows, floor cushions,
towels, folded clothes) are one box, the object's size box, instead of their hulls. A real pillow
squashes where it rests and stands on that flat patch; its rigid hull (a knife-edge pillow's is a
lens standing on its seam) would roll over in any engine. The box keeps the object's footprint,
height and mass (the solid volume is still the mesh's own), so a pillow placed 3 cm above a bed
still falls.

Order is deterministic: parts in builder order, components in ``split`` order (both come from
deterministic code), merges by (volume, index). Results are cached per geometry
(``lru_cache`` keyed on the asset reference and the size, :data:`CACHE_SIZE` entries); callers
get fresh copies.

Mass
----
:func:`density` maps a material description to an *effective* density (kg/m^3) by the family of
the library material it resolves to (:func:`worldsmith.materials.resolve_material`):

=====================  ======  ===============================================================
family                 kg/m^3  why
=====================  ======  ===============================================================
wood, board, paint     600     solid wood (pine 500, oak 750); painted parts are wood or MDF
plaster, wallpaper,    600     (only on furniture by accident): like painted wood
folder
metal                  3000    steel is 7850, but generators model tubes and sheet-metal
                               casings as solids; well under half of steel keeps legs, frames
                               and appliances plausible
glass                  2500    soda-lime glass
fabric, leather        150     upholstery is foam (30-50) over a wooden frame
carpet                 300     a rug's pile and backing
plastic, rubber        600     solid plastic is ~1000; plastic things are partly hollow
ceramic                1800    porcelain is ~2400; some vessels are modelled solid
stone, brick,          2400    marble, granite, concrete
concrete
paper                  700     books, magazines, cardboard
screen                 300     a TV is ~15 kg for its 0.05 m^3 box
light                  300     bulbs and shades: glass shells
organic                by material: foliage 80 (leaves and air), soil 1300, candle_wax 900
default                500     anything the library could not name
=====================  ======  ===============================================================

A piece's *solid volume* is the enclosed volume of the mesh component(s) it was made from when
they are closed (watertight, non-zero volume), else its hull volume (open surfaces have no
inside); it is never more than the hull volume. Hull volumes alone OVER-estimate hollow things
badly (the hull of a lamp shade modelled as a thin cone wall is a solid frustum, 20 times its
material), which is why the solid volume is used for mass. :func:`object_mass` = sum over pieces
of (solid volume x density of the piece's part material), at least :data:`MIN_MASS_KG`
(0.05 kg). Things the generators model as solids but which are hollow in reality (a cabinet
carcass built as one box, a TV) still come out heavier than real; the figures are for a stable
simulation, not for shipping weights. :func:`mass_properties` adds the centre of mass and the
inertia tensor (about the centre of mass, local axes): each piece is its hull filled uniformly
with the piece's mass (parallel-axis sum), plus :data:`INERTIA_FLOOR_M2` x mass on the diagonal so
needle-thin objects keep a usable inertia. An object without pieces is a box of its size with the
minimum mass.

Static shell
------------
:func:`static_shell` describes the architecture as boxes (:class:`ShellBox`): per room a floor
slab (top at z = 0, :data:`~worldsmith.assets.shell.FLOOR_THICKNESS_M` thick) and a ceiling slab
(bottom at the room height), both the room polygon's bounding rectangle in the frame of its first
wall (exact for rectangles at any angle; a bounding box for L-shapes and other polygons, which
only adds floor where nothing stands), grown by the wall thickness so they reach under the walls;
and per wall its solid pieces, as in :func:`worldsmith.assets.shell.build_room_shell`: full-height
segments between openings, a piece below each window sill and one above each opening's lintel.
Door and window holes stay open (no door leaves or glass are colliders), so a ray through a
door's centre meets nothing. A wall box spans its inner face along the wall, extended at a convex
corner by ``thickness * tan(turn / 2)`` (at most 3 thicknesses) so corners close, and not
extended at a concave corner (where that would poke into the room); vertically it spans
``-FLOOR_THICKNESS_M`` to ``height + CEILING_THICKNESS_M`` like the rendered shell.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from ..scene import ObjectInstance, Opening, Room, Scene, Wall

if TYPE_CHECKING:  # trimesh loads with the assets package anyway; keep the import cheap here
    import trimesh

#: components thinner than this (metres) along a principal direction are padded to it
MIN_THICKNESS_M = 0.001
#: at most this many convex pieces per object (smallest merged into their nearest neighbour)
MAX_PIECES = 64
#: no object is lighter than this (kg)
MIN_MASS_KG = 0.05
#: floor-supported movable objects at most this tall are floor coverings (rugs, mats)
FLOOR_COVERING_MAX_HEIGHT_M = 0.03
#: added to every principal moment, times the mass (kg m^2 per kg): a point mass 0.2 mm off-axis
INERTIA_FLOOR_M2 = 4e-8
#: distinct object geometries kept by the hull cache
CACHE_SIZE = 1024
#: procedural generators of soft goods, collided as their size box (module doc)
SOFT_GENERATORS = frozenset({"pillow", "floor_cushion", "towel", "folded_clothes"})
#: cap on tan(turn / 2) when extending walls at sharp corners (as the rendered shell does)
MAX_MITRE = 3.0

#: effective density (kg/m^3) per material family; see the module doc
FAMILY_DENSITY: dict[str, float] = {
    "wood": 600.0, "board": 600.0, "paint": 600.0, "plaster": 600.0, "wallpaper": 600.0, "folder": 600.0,
    "metal": 3000.0, "glass": 2500.0,
    "fabric": 150.0, "leather": 150.0, "carpet": 300.0,
    "plastic": 600.0, "rubber": 600.0,
    "ceramic": 1800.0,
    "stone": 2400.0, "brick": 2400.0, "concrete": 2400.0,
    "paper": 700.0,
    "screen": 300.0, "light": 300.0,
    "organic": 500.0,
}
#: effective density (kg/m^3) of single library materials whose family is too mixed
MATERIAL_DENSITY: dict[str, float] = {"foliage": 80.0, "soil": 1300.0, "candle_wax": 900.0}
#: density of anything without a family entry
DEFAULT_DENSITY = 500.0


# ---------------------------------------------------------------------------------------------
# which objects move


#: asset ``params["support"]`` values of objects clamped to what they stand on (a monitor on a desk
#: arm: its clamp grips the desk edge, the screen hangs forward of it)
CLAMPED_SUPPORTS = frozenset({"arm", "clamp"})


def is_movable(obj: ObjectInstance) -> bool:
    """True for free rigid bodies (support ``floor`` or ``object:<id>``), False for objects fixed
    to the building (support ``wall:<id>`` or ``ceiling``) and for objects clamped to their
    support (asset ``params["support"]`` in :data:`CLAMPED_SUPPORTS`), which are fixed in place."""
    if obj.support_kind == "object" and obj.asset.params.get("support") in CLAMPED_SUPPORTS:
        return False
    return obj.support_kind in ("floor", "object")


def is_floor_covering(obj: ObjectInstance) -> bool:
    """A movable floor object at most :data:`FLOOR_COVERING_MAX_HEIGHT_M` tall (rug, mat): it
    should collide with the building only (see the module doc)."""
    return obj.support_kind == "floor" and obj.size[2] <= FLOOR_COVERING_MAX_HEIGHT_M


# ---------------------------------------------------------------------------------------------
# convex pieces


@dataclass(frozen=True)
class CollisionPiece:
    """One convex collider of an object: ``mesh`` (a closed convex trimesh in the object's local
    frame), the ``part`` it came from, that part's material ``description`` (after the object's
    ``attributes.materials`` overrides), its effective ``density`` (kg/m^3), ``solid_volume``
    (m^3, see the module doc; at most the hull's volume) and the ``color`` the object's
    ``attributes.color`` puts on this part (None: untinted), as
    :func:`worldsmith.materials.assign.part_materials` gives it."""

    mesh: "trimesh.Trimesh"
    part: str
    material: str
    density: float
    solid_volume: float
    color: Any = None

    @property
    def volume(self) -> float:
        """The hull's volume (m^3)."""
        return float(self.mesh.volume)

    @property
    def mass(self) -> float:
        """solid volume x density (kg)."""
        return self.solid_volume * self.density


def _padded_hull(points: np.ndarray) -> "trimesh.Trimesh | None":
    """Convex hull of ``points``, padded to :data:`MIN_THICKNESS_M` along principal directions in
    which the points are thinner than that; None for fewer than 3 distinct points."""
    import trimesh

    pts = np.unique(np.round(np.asarray(points, dtype=float), 9), axis=0)
    if len(pts) < 3:
        return None
    center = pts.mean(axis=0)
    _, _, vt = np.linalg.svd(pts - center, full_matrices=False)
    axes = vt  # rows: principal directions, largest spread first
    proj = (pts - center) @ axes.T
    extent = proj.max(axis=0) - proj.min(axis=0)
    thin = [i for i in range(3) if extent[i] < MIN_THICKNESS_M]
    if len(thin) == 3:
        return None  # a point cloud smaller than a millimetre in every direction
    if thin:
        for i in thin:
            mid = 0.5 * (proj[:, i].max() + proj[:, i].min())
            pad = np.zeros(3)
            pad[i] = 0.5 * MIN_THICKNESS_M
            lo = proj.copy()
            hi = proj.copy()
            lo[:, i] = mid - pad[i]
            hi[:, i] = mid + pad[i]
            proj = np.vstack([lo, hi])
        pts = proj @ axes + center
    try:
        hull = trimesh.convex.convex_hull(pts)
    except Exception:  # qhull refuses a degenerate set (scipy raises QhullError)
        return None
    if len(hull.faces) < 4 or not hull.volume > 0.0:
        return None
    return hull


_Hull = tuple  # (hull mesh, part index, solid volume)


def _merge_smallest(hulls: list[_Hull], limit: int) -> list[_Hull]:
    """Merge the smallest hull into the one nearest to it until at most ``limit`` remain."""
    hulls = list(hulls)
    vols = [float(h.volume) for h, _, _ in hulls]
    centers = [h.bounds.mean(axis=0) for h, _, _ in hulls]
    while len(hulls) > limit:
        i = int(np.argmin(vols))  # argmin keeps the first of equal volumes
        d = np.linalg.norm(np.asarray(centers) - centers[i], axis=1)
        d[i] = np.inf
        j = int(np.argmin(d))
        merged = _padded_hull(np.vstack([hulls[i][0].vertices, hulls[j][0].vertices]))
        mesh = merged if merged is not None else hulls[j][0]
        part = hulls[j][1] if vols[j] >= vols[i] else hulls[i][1]
        solid = min(float(mesh.volume), hulls[i][2] + hulls[j][2])
        keep, drop = min(i, j), max(i, j)
        hulls[keep] = (mesh, part, solid)
        vols[keep], centers[keep] = float(mesh.volume), mesh.bounds.mean(axis=0)
        del hulls[drop], vols[drop], centers[drop]
    return hulls


@lru_cache(maxsize=CACHE_SIZE)
def _pieces_of_geometry(asset: Any, size: tuple[float, float, float]) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """(parts, ((hull, part index, solid volume), ...)) of an object's geometry; cached, never
    mutate."""
    from ..assets import build_object_parts

    probe = ObjectInstance(id="probe", category="probe", asset=asset, position=(0.0, 0.0, 0.0), size=size)
    parts = build_object_parts(probe)
    hulls: list[tuple[Any, int]] = []
    for k, part in enumerate(parts):
        mesh = part.mesh
        if len(mesh.faces) == 0:
            continue
        components = mesh.split(only_watertight=False) if len(mesh.faces) > 1 else [mesh]
        for comp in components:
            hull = _padded_hull(comp.vertices)
            if hull is None:
                continue
            solid = float(hull.volume)
            if comp.is_watertight:
                own = abs(float(comp.volume))
                if own > 0.0:
                    solid = min(solid, own)
            hulls.append((hull, k, solid))
    if hulls and getattr(asset, "source", None) == "procedural" and getattr(asset, "name", None) in SOFT_GENERATORS:
        import trimesh

        box = trimesh.creation.box(extents=size)
        box.apply_translation((0.0, 0.0, size[2] / 2.0))
        main = max(hulls, key=lambda h: h[2])[1]
        hulls = [(box, main, sum(h[2] for h in hulls))]
    hulls = _merge_smallest(hulls, MAX_PIECES)
    for hull, _, _ in hulls:
        hull.vertices.flags.writeable = False
        hull.faces.flags.writeable = False
    return tuple(parts), tuple(hulls)


def collision_pieces(obj: ObjectInstance) -> list[CollisionPiece]:
    """The convex colliders of ``obj`` in its local frame, with part, material and density (see
    the module doc for how they are made)."""
    from ..materials.assign import part_materials

    parts, hulls = _pieces_of_geometry(obj.asset, tuple(float(v) for v in obj.size))
    requests = part_materials(obj, parts)
    out = []
    for hull, k, solid in hulls:
        description, color = requests[k]
        out.append(CollisionPiece(hull.copy(), parts[k].name, description, density(description), solid, color))
    return out


def collision_parts(obj: ObjectInstance) -> list["trimesh.Trimesh"]:
    """Convex pieces (closed trimesh hulls, volume > 0) of ``obj`` in its LOCAL frame, in a
    deterministic order, at most :data:`MAX_PIECES`."""
    _, hulls = _pieces_of_geometry(obj.asset, tuple(float(v) for v in obj.size))
    return [hull.copy() for hull, _, _ in hulls]


# ---------------------------------------------------------------------------------------------
# mass


@lru_cache(maxsize=4096)
def density(material_description: str) -> float:
    """Effective density (kg/m^3) of a material description (see the module doc's table)."""
    from ..materials import resolve_material

    material = resolve_material(material_description).material
    if material.name in MATERIAL_DENSITY:
        return MATERIAL_DENSITY[material.name]
    return FAMILY_DENSITY.get(material.family, DEFAULT_DENSITY)


def object_mass(obj: ObjectInstance) -> float:
    """Mass in kg: sum of solid volume x effective density over the pieces, at least
    :data:`MIN_MASS_KG` (see the module doc)."""
    return max(MIN_MASS_KG, sum(p.mass for p in collision_pieces(obj)))


@dataclass(frozen=True)
class MassProperties:
    """Rigid-body properties of an object in its LOCAL frame: ``mass`` (kg), ``center_of_mass``
    (3,) and ``inertia`` (3, 3) about the centre of mass (kg m^2, symmetric positive definite)."""

    mass: float
    center_of_mass: np.ndarray
    inertia: np.ndarray

    @property
    def principal(self) -> tuple[np.ndarray, np.ndarray]:
        """(principal moments (3,), rotation (3, 3) whose columns are the principal axes)."""
        w, v = np.linalg.eigh(self.inertia)
        if np.linalg.det(v) < 0:
            v[:, 2] *= -1.0
        return w, v


def mass_properties(obj: ObjectInstance, pieces: list[CollisionPiece] | None = None) -> MassProperties:
    """Mass, centre of mass and inertia of ``obj``'s pieces as uniform solids (see the module
    doc); ``pieces`` defaults to :func:`collision_pieces`."""
    if pieces is None:
        pieces = collision_pieces(obj)
    if not pieces:  # nothing solid: a small box of the object's size and the minimum mass
        w, d, h = obj.size
        m = MIN_MASS_KG
        inertia = np.diag([m * (d * d + h * h), m * (w * w + h * h), m * (w * w + d * d)]) / 12.0
        return MassProperties(m, np.array([0.0, 0.0, h / 2.0]), inertia)
    masses = np.array([p.mass for p in pieces])
    coms = np.array([p.mesh.center_mass for p in pieces])
    total = float(masses.sum())
    com = (masses[:, None] * coms).sum(axis=0) / total if total > 0 else coms.mean(axis=0)
    inertia = np.zeros((3, 3))
    for p, m, c in zip(pieces, masses, coms):
        vol = p.volume
        # trimesh gives the inertia about the hull's centre of mass at the mesh's own density (1)
        own = np.asarray(p.mesh.moment_inertia, dtype=float) * (m / vol if vol > 0 else 0.0) / float(p.mesh.density)
        r = c - com
        inertia += own + m * (float(r @ r) * np.eye(3) - np.outer(r, r))
    mass = max(MIN_MASS_KG, total)
    if total > 0:
        inertia *= mass / total
    inertia = 0.5 * (inertia + inertia.T)
    # a floor on the moments keeps needle-thin objects integrable: the moment of the mass 0.2 mm
    # off the axis
    floor = mass * INERTIA_FLOOR_M2
    inertia += floor * np.eye(3)
    return MassProperties(mass, com, inertia)


# ---------------------------------------------------------------------------------------------
# static architecture


@dataclass(frozen=True)
class ShellBox:
    """A static box of the architecture: ``name`` (``floor_<room>``, ``ceiling_<room>``,
    ``<wall id>_segment_<k>``, ``<wall id>_below_<opening id>``, ``<wall id>_above_<opening id>``),
    ``kind`` (``floor``, ``ceiling`` or ``wall``), the ``source`` id (room or wall), its world
    ``center`` (3,), ``half_extents`` (3,) along its own axes and ``yaw_rad`` about Z."""

    name: str
    kind: str
    source: str
    center: tuple[float, float, float]
    half_extents: tuple[float, float, float]
    yaw_rad: float

    def corners(self) -> np.ndarray:
        """The 8 world-space corners (8, 3)."""
        c, s = math.cos(self.yaw_rad), math.sin(self.yaw_rad)
        rot = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
        signs = np.array([[x, y, z] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)], dtype=float)
        return (signs * np.asarray(self.half_extents)) @ rot.T + np.asarray(self.center)


def _floats(*values: float) -> tuple[float, float, float]:
    return tuple(float(v) for v in values)  # type: ignore[return-value]


def _slab_box(room: Room, first: Wall, z0: float, z1: float, name: str, kind: str) -> ShellBox:
    dx, dy = first.direction
    pts = np.asarray(room.polygon, dtype=float)
    u = pts @ np.array([dx, dy])
    v = pts @ np.array([-dy, dx])
    t = room.wall_thickness
    u0, u1, v0, v1 = u.min() - t, u.max() + t, v.min() - t, v.max() + t
    cu, cv = 0.5 * (u0 + u1), 0.5 * (v0 + v1)
    cx, cy = cu * dx - cv * dy, cu * dy + cv * dx
    return ShellBox(name, kind, room.id, _floats(cx, cy, 0.5 * (z0 + z1)),
                    _floats(0.5 * (u1 - u0), 0.5 * (v1 - v0), 0.5 * (z1 - z0)), math.atan2(dy, dx))


def _turn(a: Wall, b: Wall) -> float:
    (ax, ay), (bx, by) = a.direction, b.direction
    return math.atan2(ax * by - ay * bx, ax * bx + ay * by)


def _wall_boxes(wall: Wall, prev: Wall, nxt: Wall, openings: list[Opening], height: float) -> list[ShellBox]:
    from ..assets.shell import CEILING_THICKNESS_M, FLOOR_THICKNESS_M

    t, length = wall.thickness, wall.length
    ext0 = t * max(0.0, min(MAX_MITRE, math.tan(_turn(prev, wall) / 2.0)))
    ext1 = t * max(0.0, min(MAX_MITRE, math.tan(_turn(wall, nxt) / 2.0)))
    z_bottom, z_top = -FLOOR_THICKNESS_M, height + CEILING_THICKNESS_M
    dx, dy = wall.direction
    nx, ny = -dy, dx
    yaw = math.atan2(dy, dx)
    out: list[ShellBox] = []

    def piece(name: str, u0: float, u1: float, z0: float, z1: float) -> None:
        if u1 - u0 < 1e-6 or z1 - z0 < 1e-6:
            return
        cu, cn = 0.5 * (u0 + u1), -0.5 * t
        center = (wall.start[0] + dx * cu + nx * cn, wall.start[1] + dy * cu + ny * cn, 0.5 * (z0 + z1))
        out.append(ShellBox(f"{wall.id}_{name}", "wall", wall.id, _floats(*center),
                            _floats(0.5 * (u1 - u0), 0.5 * t, 0.5 * (z1 - z0)), yaw))

    start = -ext0
    for k, o in enumerate(openings):
        piece(f"segment_{k}", start, o.offset, z_bottom, z_top)
        piece(f"below_{o.id}", o.offset, o.offset + o.width, z_bottom, o.sill)
        piece(f"above_{o.id}", o.offset, o.offset + o.width, o.sill + o.height, z_top)
        start = o.offset + o.width
    piece(f"segment_{len(openings)}", start, length + ext1, z_bottom, z_top)
    return out


def static_shell(scene: Scene) -> list[ShellBox]:
    """The architecture of every room as static boxes (see the module doc), rooms in scene order,
    per room: floor, ceiling, then walls in order with their pieces along the wall."""
    from ..assets.shell import CEILING_THICKNESS_M, FLOOR_THICKNESS_M

    out: list[ShellBox] = []
    for room in scene.rooms:
        walls = [w for w in scene.walls if w.room == room.id]
        out.append(_slab_box(room, walls[0], -FLOOR_THICKNESS_M, 0.0, f"floor_{room.id}", "floor"))
        out.append(_slab_box(room, walls[0], room.height, room.height + CEILING_THICKNESS_M, f"ceiling_{room.id}",
                             "ceiling"))
        n = len(walls)
        for i, wall in enumerate(walls):
            openings = sorted((o for o in room.openings if o.wall == wall.id), key=lambda o: o.offset)
            out.extend(_wall_boxes(wall, walls[i - 1], walls[(i + 1) % n], openings, room.height))
    return out


__all__ = [
    "CACHE_SIZE", "DEFAULT_DENSITY", "FAMILY_DENSITY", "FLOOR_COVERING_MAX_HEIGHT_M", "INERTIA_FLOOR_M2",
    "MATERIAL_DENSITY", "MAX_PIECES", "MIN_MASS_KG", "MIN_THICKNESS_M", "CollisionPiece", "MassProperties", "ShellBox",
    "collision_parts", "collision_pieces", "density", "is_floor_covering", "is_movable", "mass_properties",
    "object_mass", "static_shell",
]
