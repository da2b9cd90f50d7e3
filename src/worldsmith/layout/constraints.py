"""Placement constraints as frozen values: what a program asked for, kept so it can be re-solved.

Two kinds:

* **Direct** constraints set the pose outright: :class:`At`, :class:`Yaw`, :class:`Height` and
  :class:`Against` with a fixed ``along``. A ``place`` made only of these is resolved exactly
  (:func:`worldsmith.layout.resolve.resolve_place`), even where it collides: absolute placement is
  always allowed, and the validator reports what it breaks.
* **Relations** (everything else, and :class:`Against` with ``along=None``) are solved by
  :mod:`worldsmith.layout.solver`: it searches for a pose that keeps every hard constraint (inside
  the room, no overlaps, doors and low windows clear, a walkable path) and satisfies as many
  relations as it can; it never drops an object silently.

Each relation is satisfied or not by a geometric test, documented on its class and implemented in
:func:`worldsmith.layout.relations.check_relation`. Targets are object ids, wall ids (``"wall_2"``),
window ids, or the words the class names (``"any_wall"``, ``"center"``).
"""

from __future__ import annotations

from dataclasses import dataclass

#: a footprint gap at most this large counts as "near" / "next to"
NEAR_GAP_M = 0.8
#: "far from" means a footprint gap of at least this
FAR_GAP_M = 2.0
#: "next to": the two footprints are at most this far apart side by side
NEXT_TO_GAP_M = 0.3
#: default distance of "in front of" / "behind" (footprint gap), and its tolerance
FRONT_GAP_M = 0.6
FRONT_GAP_TOL_M = 0.35
#: "against a wall": the back within this of the wall's inner face
AGAINST_TOL_M = 0.05
#: headings within this many degrees count as equal ("same yaw as", "around" facing the table)
YAW_TOL_DEG = 10.0
#: "center aligned": centres within this of the target's axis line
ALIGN_TOL_M = 0.1


# -- direct ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class At:
    """Put the object's bottom centre at (x, y) (z follows from its support)."""

    x: float
    y: float


@dataclass(frozen=True)
class Yaw:
    """Turn the object so its front points ``deg`` degrees counter-clockwise from +Y."""

    deg: float


@dataclass(frozen=True)
class Against:
    """Back against ``wall`` (a wall id, or ``"any_wall"``), front facing into the room.

    ``along`` (0 = wall start, 1 = wall end) fixes the centre's position on the wall: a direct
    placement. ``along=None`` lets the solver choose the wall position (it prefers the middle
    of a free stretch). Satisfied when the object's back is within ``AGAINST_TOL_M`` of the
    wall's inner face, its front within ``YAW_TOL_DEG`` of the wall's inward normal, and its
    extent within the wall's length (for ``"any_wall"``: of some wall of its room)."""

    wall: str
    along: float | None = 0.5


@dataclass(frozen=True)
class Height:
    """Bottom of a wall-mounted object ``m`` metres above the floor."""

    m: float


# -- relations: one object ---------------------------------------------------------------------


@dataclass(frozen=True)
class Corner:
    """In a corner of the room: two adjacent sides of its footprint box within
    ``AGAINST_TOL_M`` of two walls that meet at a convex (inner) corner of the room polygon.
    ``index`` picks the corner (the polygon vertex index); ``None``: any corner."""

    index: int | None = None


@dataclass(frozen=True)
class Center:
    """Off the walls, in the open floor: the footprint at least ``clearance`` metres from every wall
    (and the object's centre within the middle half of the room's free floor, the solver's aim)."""

    clearance: float = 0.5


@dataclass(frozen=True)
class Facing:
    """Front towards ``target``: an object id, a wall id or ``"center"`` (the room's interior
    point). Satisfied when the ray from the object's centre along its front hits the target's
    footprint (for a wall: reaches that wall's segment first among the walls; for the centre:
    passes within 0.5 m of the point)."""

    target: str


@dataclass(frozen=True)
class SameYawAs:
    """Same heading as object ``target`` (within ``YAW_TOL_DEG``)."""

    target: str


@dataclass(frozen=True)
class NextTo:
    """Beside ``target``: footprints at most ``NEXT_TO_GAP_M`` apart, the object's centre to the
    target's ``side`` ("left"/"right" relative to the target's front; ``None``: either side),
    i.e. the centre's offset along the target's right axis has the right sign and lies beyond the
    target's half width, and the centre within the target's depth band along its front axis."""

    target: str
    side: str | None = None


@dataclass(frozen=True)
class InFrontOf:
    """In front of ``target``: the centre in the target's front half-plane, within the target's
    width band (laterally within half the target's width plus 0.2 m), and the footprint gap
    ``distance`` +- ``FRONT_GAP_TOL_M`` (``None``: ``FRONT_GAP_M``)."""

    target: str
    distance: float | None = None


@dataclass(frozen=True)
class Behind:
    """Behind ``target``: as :class:`InFrontOf` with the target's back half-plane."""

    target: str
    distance: float | None = None


@dataclass(frozen=True)
class Between:
    """Between objects ``a`` and ``b``: the centre within 0.3 m of the segment joining their
    centres, away from either end (its projection in the middle 80 % of the segment)."""

    a: str
    b: str


@dataclass(frozen=True)
class CenterAlignedWith:
    """Centre on ``target``'s front axis: the line through the target's centre along its front
    direction, within ``ALIGN_TOL_M`` (a TV across the room from a sofa, a rug under a table)."""

    target: str


@dataclass(frozen=True)
class Near:
    """Footprint gap to ``target`` at most ``NEAR_GAP_M``."""

    target: str


@dataclass(frozen=True)
class FarFrom:
    """Footprint gap to ``target`` at least ``FAR_GAP_M`` (or as far as the room allows: satisfied
    too when the gap is within 5 % of the largest achievable)."""

    target: str


@dataclass(frozen=True)
class Under:
    """Under window ``window``: back against the window's wall, the centre within the window's
    width along the wall, and the top below the sill (+1 cm)."""

    window: str


@dataclass(frozen=True)
class OnWall:
    """A wall-mounted object on ``wall`` (an id or ``"any_wall"``), its bottom ``height`` metres
    above the floor (``None``: the catalog's mount height). The solver keeps it clear of doors,
    windows, other wall objects and of tall furniture standing in front of that stretch of wall."""

    wall: str = "any_wall"
    height: float | None = None


@dataclass(frozen=True)
class OnCeiling:
    """Hung from the ceiling; the solver spreads ceiling objects over the room (each as far as it
    can be from the others and from the walls) unless ``at`` fixes it."""


# -- relations: groups (one place() call over several objects) -----------------------------------


@dataclass(frozen=True)
class Around:
    """Seat ``index`` of ``count`` around ``target`` (a table): the seats are spread evenly round
    the target's edge (long sides first on a long table; equal angles on a round one), each facing
    it. Satisfied when the object faces the target (:class:`Facing`) and is near it (footprint gap
    at most 0.3 m; a chair may tuck under the table top)."""

    target: str
    index: int = 0
    count: int = 1


@dataclass(frozen=True)
class Row:
    """Member ``index`` of ``count`` in a straight row, ``spacing`` metres between neighbouring
    footprints (within 0.05 m), all with the same heading. ``group`` names the row (the first
    member's id)."""

    group: str
    index: int
    count: int
    spacing: float = 0.3


@dataclass(frozen=True)
class Grid:
    """Member ``index`` of a ``rows`` x ``cols`` grid (row-major), ``spacing`` = (between columns,
    between rows) of footprint gaps, all with the same heading: classrooms, offices, theatres."""

    group: str
    index: int
    rows: int
    cols: int
    spacing: tuple[float, float] = (0.4, 0.6)


Constraint = (At | Yaw | Against | Height | Corner | Center | Facing | SameYawAs | NextTo | InFrontOf | Behind
              | Between | CenterAlignedWith | Near | FarFrom | Under | OnWall | OnCeiling | Around | Row | Grid)

DIRECT = (At, Yaw, Height)
GROUP = (Around, Row, Grid)


def is_direct(constraints: tuple) -> bool:
    """True when ``constraints`` are all direct (no solver needed)."""
    return all(isinstance(c, DIRECT) or (isinstance(c, Against) and c.along is not None) for c in constraints)


def targets(constraint) -> tuple[str, ...]:
    """The object / wall / window ids a constraint refers to."""
    names = ("target", "a", "b", "window")
    out = tuple(getattr(constraint, n) for n in names if isinstance(getattr(constraint, n, None), str))
    return out


def _snake(name: str) -> str:
    return "".join("_" + ch.lower() if ch.isupper() and i else ch.lower() for i, ch in enumerate(name))


#: constraint kind name (as stored in ``ObjectInstance.placement``) -> class
KINDS: dict[str, type] = {_snake(cls.__name__): cls for cls in (
    At, Yaw, Against, Height, Corner, Center, Facing, SameYawAs, NextTo, InFrontOf, Behind, Between,
    CenterAlignedWith, Near, FarFrom, Under, OnWall, OnCeiling, Around, Row, Grid)}


def to_dict(constraint) -> dict:
    """``{"kind": "facing", "target": "tv_0"}``: the form kept in a scene's objects."""
    import dataclasses

    out: dict = {"kind": _snake(type(constraint).__name__)}
    for f in dataclasses.fields(constraint):
        value = getattr(constraint, f.name)
        out[f.name] = list(value) if isinstance(value, tuple) else value
    return out


def from_dict(data) -> "Constraint":
    """The constraint a :func:`to_dict` map describes."""
    cls = KINDS[data["kind"]]
    kwargs = {k: (tuple(v) if isinstance(v, (list, tuple)) else v) for k, v in data.items() if k != "kind"}
    return cls(**kwargs)
