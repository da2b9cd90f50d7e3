"""The scene data model (ARCHITECTURE.md section 2).

Every type is a frozen stdlib dataclass that checks its invariants at construction and names the
offending field in the error. Cross references are string ids (``"sofa_0"``, ``"wall_2"``). The
``Scene`` is the single aggregate; it is never mutated, edits build a new one with
:func:`dataclasses.replace`.

Units: metres, degrees (``yaw_deg``), Z up, floor at z = 0.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterator, Mapping, Sequence

from .errors import SceneValidationError
from .geometry import Point2, footprint, point_in_polygon, signed_area, simple_polygon_problem

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
SUPPORT_PATTERN = re.compile(r"^(floor|ceiling|wall:[a-z][a-z0-9_]*|object:[a-z][a-z0-9_]*(#[0-9]+)?)$")
COLOR_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")

OPENING_KINDS = ("door", "window")
LIGHT_KINDS = ("point", "spot", "area", "ceiling_fixture")
ASSET_SOURCES = ("procedural", "fallback", "mesh", "library")


class FrozenDict(dict):
    """A dict that refuses mutation, hashes by content, and pickles."""

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("scene mappings are read-only; build a new value instead")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted((k, _hashable(v)) for k, v in self.items())))

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (dict(self),))

    def __copy__(self) -> "FrozenDict":
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> "FrozenDict":
        return self


def _hashable(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    return value


# ---------------------------------------------------------------------------------------------
# small validators; each raises SceneValidationError(path, expected, received)


def _set(obj: Any, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)


def check_id(value: Any, path: str) -> str:
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise SceneValidationError(path, "an id of lower-case letters, digits and '_' starting with a letter", value)
    return value


def check_text(value: Any, path: str, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise SceneValidationError(path, "a non-empty string" if not allow_empty else "a string", value)
    return value


def check_number(value: Any, path: str, *, lo: float | None = None, hi: float | None = None,
                 lo_open: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise SceneValidationError(path, "a finite number", value)
    v = float(value)
    if lo is not None and (v < lo or (lo_open and v <= lo)):
        bound = f"> {lo:g}" if lo_open else f">= {lo:g}"
        raise SceneValidationError(path, f"a number {bound}" + (f" and <= {hi:g}" if hi is not None else ""), value)
    if hi is not None and v > hi:
        raise SceneValidationError(path, f"a number <= {hi:g}", value)
    return v


def check_vector(value: Any, n: int, path: str, *, positive: bool = False) -> tuple[float, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or len(value) != n:
        raise SceneValidationError(path, f"a list of {n} numbers", value)
    out = []
    for i, v in enumerate(value):
        out.append(check_number(v, f"{path}[{i}]", lo=0.0 if positive else None, lo_open=positive))
    return tuple(out)


def check_choice(value: Any, choices: Sequence[str], path: str) -> str:
    if value not in choices:
        raise SceneValidationError(path, "one of " + ", ".join(repr(c) for c in choices), value)
    return value


def check_color(value: Any, path: str) -> str | tuple[float, float, float]:
    """A colour is a name the library knows, ``#rrggbb``, or linear RGB in [0, 1]."""
    if isinstance(value, str):
        if not value.strip():
            raise SceneValidationError(path, "a colour name, '#rrggbb' or 3 numbers in [0, 1]", value)
        return value
    rgb = check_vector(value, 3, path)
    for i, c in enumerate(rgb):
        if not 0.0 <= c <= 1.0:
            raise SceneValidationError(f"{path}[{i}]", "a number in [0, 1]", c)
    return rgb


def _check_str_map(value: Any, path: str) -> FrozenDict:
    if not isinstance(value, Mapping):
        raise SceneValidationError(path, "a mapping of names to strings", value)
    out = {}
    for k, v in value.items():
        if not isinstance(k, str) or not k:
            raise SceneValidationError(path, "string keys", k)
        out[k] = check_text(v, f'{path}["{k}"]')
    return FrozenDict(out)


def _check_json_map(value: Any, path: str) -> FrozenDict:
    """A mapping of parameter names to JSON values (numbers, strings, bools, lists of them)."""
    if not isinstance(value, Mapping):
        raise SceneValidationError(path, "a mapping of parameter names to values", value)
    out = {}
    for k, v in value.items():
        if not isinstance(k, str) or not k:
            raise SceneValidationError(path, "string keys", k)
        out[k] = _check_json_value(v, f'{path}["{k}"]')
    return FrozenDict(out)


def _check_json_value(v: Any, path: str) -> Any:
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, (int, float)):
        if isinstance(v, float) and not math.isfinite(v):
            raise SceneValidationError(path, "a finite number", v)
        return v
    if isinstance(v, (list, tuple)):
        return tuple(_check_json_value(x, f"{path}[{i}]") for i, x in enumerate(v))
    raise SceneValidationError(path, "a number, string, bool, null or list of them", v)


# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Opening:
    """A door or window cut into a wall.

    ``offset`` is the distance in metres along the wall, from its start vertex to the opening's
    near edge; ``sill`` the height of its bottom edge above the floor (0 for doors). A door's leaf
    turns on the ``hinge`` side ("start" or "end" of the opening along the wall) and swings ``in``
    to the room or ``out`` of it.
    """

    id: str
    kind: str
    wall: str
    offset: float
    width: float
    height: float
    sill: float = 0.0
    hinge: str = "start"
    swing: str = "in"

    def __post_init__(self) -> None:
        check_id(self.id, "id")
        check_choice(self.kind, OPENING_KINDS, "kind")
        check_id(self.wall, "wall")
        _set(self, "offset", check_number(self.offset, "offset", lo=0.0))
        _set(self, "width", check_number(self.width, "width", lo=0.0, lo_open=True))
        _set(self, "height", check_number(self.height, "height", lo=0.0, lo_open=True))
        _set(self, "sill", check_number(self.sill, "sill", lo=0.0))
        check_choice(self.hinge, ("start", "end"), "hinge")
        check_choice(self.swing, ("in", "out"), "swing")
        if self.kind == "door" and self.sill != 0.0:
            raise SceneValidationError("sill", "0 for a door", self.sill)

    @property
    def center_offset(self) -> float:
        return self.offset + self.width / 2.0


@dataclass(frozen=True)
class Wall:
    """A wall, derived from one edge of a room polygon (never stored in files).

    The wall's inner face runs from ``start`` to ``end``; ``normal`` points into the room.
    """

    id: str
    room: str
    index: int
    start: Point2
    end: Point2
    height: float
    thickness: float

    @property
    def length(self) -> float:
        return math.dist(self.start, self.end)

    @property
    def direction(self) -> Point2:
        L = self.length
        return ((self.end[0] - self.start[0]) / L, (self.end[1] - self.start[1]) / L)

    @property
    def normal(self) -> Point2:
        dx, dy = self.direction
        return (-dy, dx)

    def point_at(self, distance: float) -> Point2:
        """The point ``distance`` metres along the wall's inner face from its start."""
        dx, dy = self.direction
        return (self.start[0] + dx * distance, self.start[1] + dy * distance)


@dataclass(frozen=True)
class Room:
    """A room: a simple floor polygon (stored counter-clockwise), a height, openings, materials.

    ``materials`` maps a surface (``"floor"``, ``"ceiling"`` or a wall id of this room) to a
    material name or description.
    """

    id: str
    name: str
    polygon: tuple[Point2, ...]
    height: float
    wall_thickness: float = 0.12
    openings: tuple[Opening, ...] = ()
    materials: Mapping[str, str] = field(default_factory=FrozenDict)

    def __post_init__(self) -> None:
        check_id(self.id, "id")
        check_text(self.name, "name")
        if isinstance(self.polygon, (str, bytes)) or not isinstance(self.polygon, Sequence):
            raise SceneValidationError("polygon", "a list of [x, y] vertices", self.polygon)
        pts = tuple(check_vector(p, 2, f"polygon[{i}]") for i, p in enumerate(self.polygon))
        problem = simple_polygon_problem(pts)
        if problem:
            raise SceneValidationError("polygon", problem, [list(p) for p in pts])
        if signed_area(pts) < 0:  # store counter-clockwise, keeping the first vertex
            pts = (pts[0],) + tuple(reversed(pts[1:]))
        _set(self, "polygon", pts)
        _set(self, "height", check_number(self.height, "height", lo=1.5, hi=50.0))
        _set(self, "wall_thickness", check_number(self.wall_thickness, "wall_thickness", lo=0.01, hi=1.0))
        if isinstance(self.openings, (str, bytes)) or not isinstance(self.openings, Sequence):
            raise SceneValidationError("openings", "a list of openings", self.openings)
        for i, o in enumerate(self.openings):
            if not isinstance(o, Opening):
                raise SceneValidationError(f"openings[{i}]", "an Opening", o)
        _set(self, "openings", tuple(self.openings))
        _set(self, "materials", _check_str_map(self.materials, "materials"))

    @property
    def area(self) -> float:
        return signed_area(self.polygon)

    def contains(self, point: Point2) -> bool:
        return point_in_polygon(point, self.polygon)

    def walls(self, first_index: int = 0) -> tuple[Wall, ...]:
        n = len(self.polygon)
        return tuple(
            Wall(
                id=f"wall_{first_index + i}",
                room=self.id,
                index=first_index + i,
                start=self.polygon[i],
                end=self.polygon[(i + 1) % n],
                height=self.height,
                thickness=self.wall_thickness,
            )
            for i in range(n)
        )


@dataclass(frozen=True)
class AssetRef:
    """Where an object's geometry comes from.

    ``procedural``: ``name`` is a generator and ``params`` rebuild it exactly; ``fallback``: a
    labelled box with the category's size prior; ``mesh``: ``name`` is a path or URI of a mesh.
    """

    source: str
    name: str
    params: Mapping[str, Any] = field(default_factory=FrozenDict)

    def __post_init__(self) -> None:
        check_choice(self.source, ASSET_SOURCES, "source")
        check_text(self.name, "name")
        _set(self, "params", _check_json_map(self.params, "params"))


@dataclass(frozen=True)
class Attributes:
    """Looks of an object: colour (name, ``#rrggbb`` or linear RGB), style, per-part materials."""

    color: str | tuple[float, float, float] | None = None
    style: str | None = None
    materials: Mapping[str, str] = field(default_factory=FrozenDict)

    def __post_init__(self) -> None:
        if self.color is not None:
            _set(self, "color", check_color(self.color, "color"))
        if self.style is not None:
            check_text(self.style, "style")
        _set(self, "materials", _check_str_map(self.materials, "materials"))


@dataclass(frozen=True)
class ObjectInstance:
    """A placed object. ``position`` is the centre of its bounding box's bottom face; ``size`` is
    (width along local X, depth along local Y, height); its front is local +Y."""

    id: str
    category: str
    asset: AssetRef
    position: tuple[float, float, float]
    size: tuple[float, float, float]
    yaw_deg: float = 0.0
    support: str = "floor"
    attributes: Attributes = field(default_factory=Attributes)
    #: the placement request that put it here, kept so it can be re-solved and checked: one JSON
    #: map per constraint, ``{"kind": "facing", "target": "tv_0"}`` (:mod:`worldsmith.layout.constraints`)
    placement: tuple = ()

    def __post_init__(self) -> None:
        check_id(self.id, "id")
        check_id(self.category, "category")
        if not isinstance(self.asset, AssetRef):
            raise SceneValidationError("asset", "an AssetRef", self.asset)
        _set(self, "position", check_vector(self.position, 3, "position"))
        _set(self, "size", check_vector(self.size, 3, "size", positive=True))
        _set(self, "yaw_deg", check_number(self.yaw_deg, "yaw_deg", lo=-360.0, hi=360.0))
        if not isinstance(self.support, str) or not SUPPORT_PATTERN.match(self.support):
            raise SceneValidationError(
                "support", "'floor', 'ceiling', 'wall:<id>' or 'object:<id>[#surface]'", self.support)
        if not isinstance(self.attributes, Attributes):
            raise SceneValidationError("attributes", "an Attributes", self.attributes)
        if not isinstance(self.placement, (list, tuple)):
            raise SceneValidationError("placement", "a list of constraint maps", self.placement)
        placement = []
        for i, c in enumerate(self.placement):
            m = _check_json_map(c, f"placement[{i}]")
            if not isinstance(m.get("kind"), str):
                raise SceneValidationError(f"placement[{i}].kind", "a constraint kind", m.get("kind"))
            placement.append(m)
        _set(self, "placement", tuple(placement))

    @property
    def support_kind(self) -> str:
        return self.support.split(":", 1)[0]

    @property
    def support_target(self) -> str | None:
        """The wall or object id this object rests on (surface index stripped), if any."""
        if ":" not in self.support:
            return None
        return self.support.split(":", 1)[1].split("#", 1)[0]

    @property
    def footprint(self) -> list[Point2]:
        return footprint(self.position, self.size, self.yaw_deg)

    @property
    def top(self) -> float:
        return self.position[2] + self.size[2]


@dataclass(frozen=True)
class Light:
    """A light. Intensity is given in ``watts`` (radiant power of an equivalent bulb) or
    ``lumens`` (exactly one of them); colour as ``kelvin`` or linear ``rgb`` (at most one; neither
    means 4000 K). ``direction`` aims spot and area lights; ``cone_deg`` is a spot's full angle;
    ``area_size`` an area light's (width, depth)."""

    id: str
    kind: str
    position: tuple[float, float, float]
    watts: float | None = None
    lumens: float | None = None
    kelvin: float | None = None
    rgb: tuple[float, float, float] | None = None
    direction: tuple[float, float, float] = (0.0, 0.0, -1.0)
    cone_deg: float = 60.0
    area_size: tuple[float, float] = (0.6, 0.6)

    def __post_init__(self) -> None:
        check_id(self.id, "id")
        check_choice(self.kind, LIGHT_KINDS, "kind")
        _set(self, "position", check_vector(self.position, 3, "position"))
        if (self.watts is None) == (self.lumens is None):
            raise SceneValidationError("watts", "exactly one of watts or lumens", [self.watts, self.lumens])
        if self.watts is not None:
            _set(self, "watts", check_number(self.watts, "watts", lo=0.0, lo_open=True))
        if self.lumens is not None:
            _set(self, "lumens", check_number(self.lumens, "lumens", lo=0.0, lo_open=True))
        if self.kelvin is not None and self.rgb is not None:
            raise SceneValidationError("kelvin", "kelvin or rgb, not both", [self.kelvin, self.rgb])
        if self.kelvin is not None:
            _set(self, "kelvin", check_number(self.kelvin, "kelvin", lo=1000.0, hi=20000.0))
        if self.rgb is not None:
            rgb = check_color(self.rgb, "rgb")
            if isinstance(rgb, str):
                raise SceneValidationError("rgb", "3 numbers in [0, 1]", rgb)
            _set(self, "rgb", rgb)
        d = check_vector(self.direction, 3, "direction")
        if math.hypot(*d) < 1e-9:
            raise SceneValidationError("direction", "a non-zero vector", list(d))
        _set(self, "direction", d)
        _set(self, "cone_deg", check_number(self.cone_deg, "cone_deg", lo=1.0, hi=179.0))
        _set(self, "area_size", check_vector(self.area_size, 2, "area_size", positive=True))

    @property
    def lumens_value(self) -> float:
        """Luminous flux; watts convert at 15 lm/W (an incandescent-equivalent bulb)."""
        return self.lumens if self.lumens is not None else float(self.watts) * LUMENS_PER_WATT

    @property
    def kelvin_value(self) -> float | None:
        if self.rgb is not None:
            return None
        return self.kelvin if self.kelvin is not None else 4000.0


LUMENS_PER_WATT = 15.0


@dataclass(frozen=True)
class MaterialChoice:
    """How a free-text material description was resolved, so the scene explains its looks: the
    library ``material`` chosen, the match ``score`` in [0, 1], and the ``tint`` (linear RGB) that
    colour words in the description applied, if any."""

    material: str
    score: float
    tint: tuple[float, float, float] | None = None

    def __post_init__(self) -> None:
        check_text(self.material, "material")
        _set(self, "score", check_number(self.score, "score", lo=0.0, hi=1.0))
        if self.tint is not None:
            tint = check_vector(self.tint, 3, "tint")
            if not all(0.0 <= v <= 1.0 for v in tint):
                raise SceneValidationError("tint", "linear RGB in [0, 1]", self.tint)
            _set(self, "tint", tint)


@dataclass(frozen=True)
class Scene:
    """The single aggregate: rooms, objects, lights. Wall ids run over all rooms in order.

    ``material_choices`` maps every material description the scene uses (room surfaces, objects'
    ``material=``) to the library material it resolved to, with the score and tint.
    """

    prompt: str = ""
    seed: int = 0
    rooms: tuple[Room, ...] = ()
    objects: tuple[ObjectInstance, ...] = ()
    lights: tuple[Light, ...] = ()
    material_choices: Mapping[str, MaterialChoice] = field(default_factory=FrozenDict)

    def __post_init__(self) -> None:
        check_text(self.prompt, "prompt", allow_empty=True)
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or not 0 <= self.seed < 2**63:
            raise SceneValidationError("seed", "an integer in [0, 2**63)", self.seed)
        for name, kind in (("rooms", Room), ("objects", ObjectInstance), ("lights", Light)):
            seq = getattr(self, name)
            if isinstance(seq, (str, bytes)) or not isinstance(seq, Sequence):
                raise SceneValidationError(name, f"a list of {kind.__name__}", seq)
            for i, item in enumerate(seq):
                if not isinstance(item, kind):
                    raise SceneValidationError(f"{name}[{i}]", f"a {kind.__name__}", item)
            _set(self, name, tuple(seq))
        choices = self.material_choices
        if not isinstance(choices, Mapping):
            raise SceneValidationError("material_choices", "a mapping of description to MaterialChoice", choices)
        for key, value in choices.items():
            check_text(key, "material_choices key")
            if not isinstance(value, MaterialChoice):
                raise SceneValidationError(f'material_choices["{key}"]', "a MaterialChoice", value)
        _set(self, "material_choices", FrozenDict(sorted(choices.items())))
        self._check_references()

    # -- cross-reference invariants ------------------------------------------------------------
    def _check_references(self) -> None:
        seen: set[str] = set()
        for room in self.rooms:
            if room.id in seen:
                raise SceneValidationError(f'rooms["{room.id}"]', "a unique id", room.id)
            seen.add(room.id)
        walls = self.wall_map
        opening_ids: set[str] = set()
        for room in self.rooms:
            rp = f'rooms["{room.id}"]'
            own = {w.id for w in walls.values() if w.room == room.id}
            for surface in room.materials:
                if surface not in ("floor", "ceiling", "walls") and surface not in own:
                    raise SceneValidationError(
                        f'{rp}.materials["{surface}"]', "'floor', 'ceiling', 'walls' or a wall of this room: "
                        + ", ".join(sorted(own)), surface)
            by_wall: dict[str, list[Opening]] = {}
            for o in room.openings:
                op = f'{rp}.openings["{o.id}"]'
                if o.id in opening_ids:
                    raise SceneValidationError(op, "a unique opening id", o.id)
                opening_ids.add(o.id)
                if o.wall not in own:
                    raise SceneValidationError(f"{op}.wall", "a wall of this room: " + ", ".join(sorted(own)), o.wall)
                wall = walls[o.wall]
                if o.offset + o.width > wall.length + 1e-9:
                    raise SceneValidationError(
                        f"{op}.width", f"an opening that fits on {o.wall} ({wall.length:.3f} m long) "
                        f"from offset {o.offset:.3f} m", o.width)
                if o.sill + o.height > room.height + 1e-9:
                    raise SceneValidationError(
                        f"{op}.height", f"sill + height <= room height {room.height:g} m", o.sill + o.height)
                by_wall.setdefault(o.wall, []).append(o)
            for wall_id, ops in by_wall.items():
                ops = sorted(ops, key=lambda o: o.offset)
                for a, b in zip(ops, ops[1:]):
                    if a.offset + a.width > b.offset + 1e-9:
                        raise SceneValidationError(
                            f'{rp}.openings["{b.id}"].offset', f"an opening clear of {a.id} on {wall_id}", b.offset)
        # every node of the scene (rooms, walls, openings, objects, lights, floors, ceilings) has
        # its own name, so exporters can name nodes by id
        taken = set(seen) | set(walls) | opening_ids | {f"{k}_{r}" for r in seen for k in ("floor", "ceiling")}
        ids: set[str] = set()
        for o in self.objects:
            if o.id in ids or o.id in taken:
                raise SceneValidationError(f'objects["{o.id}"]', "a unique id (not used by any other object, "
                                           "room, wall, opening or light)", o.id)
            ids.add(o.id)
        for o in self.objects:
            target = o.support_target
            if o.support_kind == "wall" and target not in walls:
                raise SceneValidationError(f'objects["{o.id}"].support', "an existing wall", o.support)
            if o.support_kind == "object" and (target not in ids or target == o.id):
                raise SceneValidationError(f'objects["{o.id}"].support', "another existing object", o.support)
        light_ids: set[str] = set()
        for light in self.lights:
            if light.id in light_ids or light.id in ids or light.id in taken:
                raise SceneValidationError(f'lights["{light.id}"]', "a unique light id", light.id)
            light_ids.add(light.id)

    # -- derived views ---------------------------------------------------------------------------
    @cached_property
    def walls(self) -> tuple[Wall, ...]:
        out: list[Wall] = []
        for room in self.rooms:
            out.extend(room.walls(len(out)))
        return tuple(out)

    @cached_property
    def wall_map(self) -> dict[str, Wall]:
        return {w.id: w for w in self.walls}

    @cached_property
    def object_map(self) -> dict[str, ObjectInstance]:
        return {o.id: o for o in self.objects}

    def wall(self, wall_id: str) -> Wall:
        return self.wall_map[wall_id]

    def object(self, object_id: str) -> ObjectInstance:
        return self.object_map[object_id]

    def room(self, room_id: str) -> Room:
        for r in self.rooms:
            if r.id == room_id:
                return r
        raise KeyError(room_id)

    def room_at(self, point: Point2) -> Room | None:
        for r in self.rooms:
            if r.contains(point):
                return r
        return None

    def openings(self) -> Iterator[tuple[Room, Opening]]:
        for r in self.rooms:
            for o in r.openings:
                yield r, o

    def surface_material(self, room: Room, surface: str) -> str | None:
        """The material of ``surface`` in ``room``: its own entry, else ``walls`` for a wall."""
        if surface in room.materials:
            return room.materials[surface]
        if surface.startswith("wall_"):
            return room.materials.get("walls")
        return None
