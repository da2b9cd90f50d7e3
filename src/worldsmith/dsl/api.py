"""The DSL's functions: what a policy writes against.

Each public method of :class:`ProgramContext` whose name does not start with ``_`` is a DSL
function; its docstring is its reference (the VLM prompt is generated from these docstrings).
Functions that change the scene record an :mod:`Action` and apply it at once to a working copy of
the scene, so later lines (queries, placements) see their effect; errors carry the line number.

Conventions: metres and degrees; walls are ``"wall_0"``...; a rectangle room from ``width`` and
``depth`` has its corners at (0, 0), (width, 0), (width, depth), (0, depth), so ``wall_0`` runs
along y = 0, ``wall_1`` along x = width, ``wall_2`` along y = depth and ``wall_3`` along x = 0.
An object's front is its local +Y; ``yaw`` turns it counter-clockwise (yaw 0 faces +Y, 90 faces
-X, 180 faces -Y, 270 faces +X).
"""

from __future__ import annotations

import math
from typing import Any, Sequence

from ..assets import catalog, make_asset
from ..layout.constraints import Against, At, Height, Yaw
from ..scene import Attributes, Light, Scene, SceneValidationError
from ..scene.geometry import polygon_bounds
from ..scene.rng import derive_rng
from . import actions as A
from .apply import ApplyReport, apply_action
from .errors import DSLError
from .interpreter import Handle

LIGHT_KIND_ALIASES = {"ceiling": "ceiling_fixture", "ceiling_fixture": "ceiling_fixture", "point": "point",
                      "spot": "spot", "area": "area"}


def _bad(message: str, hint: str = "") -> DSLError:
    return DSLError("E_BAD_ARGUMENT", message, hint=hint)


def _number(value: Any, name: str, lo: float | None = None, hi: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _bad(f"{name} must be a number, got {value!r}")
    v = float(value)
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise _bad(f"{name} must be between {lo:g} and {hi:g}, got {v:g}")
    return v


def _point(value: Any, name: str, n: int = 2) -> tuple[float, ...]:
    if not isinstance(value, (list, tuple)) or len(value) != n:
        raise _bad(f"{name} must be a list of {n} numbers, got {value!r}")
    return tuple(_number(v, f"{name}[{i}]") for i, v in enumerate(value))


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _bad(f"{name} must be a non-empty string, got {value!r}")
    return value.strip()


class ProgramContext:
    """State of one program run: the working scene, the actions so far, the seed."""

    def __init__(self, scene: Scene, seed: int, libraries: Sequence[str] = ()):
        self.scene = scene
        self.seed = seed
        self.libraries = tuple(libraries)
        self.actions: list[A.Action] = []
        self.report = ApplyReport()
        self.fallbacks: list[str] = []
        #: what add() substituted: {"object", "query", "category", "kind", "score", "note"}
        self.substitutions: list[dict] = []
        #: called with seconds spent loading models, which do not count against the time limit
        self.excuse: Any = lambda seconds: None

    # -- plumbing ----------------------------------------------------------------------------
    def functions(self) -> dict[str, Any]:
        """The DSL functions: every public method but this one."""
        return {name: getattr(self, name) for name in dir(type(self))
                if not name.startswith("_") and callable(getattr(self, name)) and name != "functions"}

    def _do(self, action: A.Action) -> None:
        self.scene = apply_action(self.scene, action, self.report)
        self.actions.append(action)

    def _id(self, handle: Any, name: str = "object") -> str:
        if isinstance(handle, Handle):
            object_id = handle.id
        elif isinstance(handle, str):
            object_id = handle
        else:
            raise _bad(f"{name} must be an object handle (from add()) or an object id, got {handle!r}")
        if object_id not in self.scene.object_map:
            known = ", ".join(o.id for o in self.scene.objects[:20]) or "none yet"
            raise DSLError("E_CONFLICT", f"no object {object_id!r} in the scene", hint=f"objects: {known}")
        return object_id

    def _wall(self, wall: Any) -> str:
        if not self.scene.rooms:
            raise DSLError("E_NO_ROOM", "there is no room yet", hint="start with room(...)")
        if not isinstance(wall, str) or wall not in self.scene.wall_map:
            raise _bad(f"unknown wall {wall!r}", hint="walls: " + ", ".join(self.scene.wall_map))
        return wall

    def _category(self, category: Any) -> str:
        """A known category for queries: a canonical name or synonym, or a proxy already in the scene."""
        text = _text(category, "category")
        name = catalog.resolve(text)
        if name is None:
            if any(o.category == text for o in self.scene.objects):
                return text
            close = catalog.suggest(text)
            raise _bad(f"unknown category {text!r}",
                       hint=f"did you mean {close[0]!r}?" if close else "see the category list in the reference")
        return name

    def _match(self, text: str, support: str | None = None):
        """What ``add(text)`` builds (:func:`worldsmith.assets.category_match.match_category`).
        Model loading on the first non-catalog word is not charged to the program's time limit."""
        import time

        from ..assets.category_match import match_category

        if catalog.resolve(text) is not None:
            return match_category(text, support=support)  # exact or synonym: no model
        t0 = time.monotonic()
        try:
            return match_category(text, support=support)
        finally:
            self.excuse(time.monotonic() - t0)

    def _library_asset(self, ref: str):
        """(AssetRef, real size) of a registered library asset ``"lib/id"``."""
        from ..assets.library import LibraryError, find_asset
        from ..scene import AssetRef

        key = ref[len("library:"):] if ref.startswith("library:") else ref
        try:
            asset = find_asset(key)
        except LibraryError as exc:
            raise _bad(f"add(): {exc}", hint="see `worldsmith assets list`") from None
        return AssetRef("library", f"{asset.library}/{asset.id}"), tuple(float(v) for v in asset.size)

    def _handle_field(self, handle: Handle, field: str) -> Any:
        """A handle's field, read live from the working scene (the interpreter's ``h.x`` etc.)."""
        obj = self.scene.object(self._id(handle))
        return {
            "id": obj.id, "category": obj.category, "x": obj.position[0], "y": obj.position[1],
            "z": obj.position[2], "yaw": obj.yaw_deg, "width": obj.size[0], "depth": obj.size[1],
            "height": obj.size[2],
        }[field]

    # -- room shell ----------------------------------------------------------------------------
    def room(self, name: str = "room", width: float | None = None, depth: float | None = None,
             height: float = 2.8, polygon: Sequence[Sequence[float]] | None = None,
             wall_thickness: float = 0.12) -> str:
        """Create the room: a rectangle ``width`` x ``depth`` (metres) with a corner at the origin,
        or any simple ``polygon`` [(x, y), ...] (L and U shapes too). Walls are wall_0, wall_1, ...
        along the polygon's edges. Returns the room id. Example: room("kitchen", width=4, depth=3)."""
        name = _text(name, "name")
        h = _number(height, "height", 1.5, 50.0)
        t = _number(wall_thickness, "wall_thickness", 0.01, 1.0)
        if polygon is not None:
            if width is not None or depth is not None:
                raise _bad("give either polygon= or width=/depth=, not both")
            if not isinstance(polygon, (list, tuple)) or not 3 <= len(polygon) <= 64:
                raise _bad("polygon must be a list of 3 to 64 (x, y) points")
            pts = tuple(_point(p, f"polygon[{i}]") for i, p in enumerate(polygon))
        else:
            if width is None or depth is None:
                raise _bad("room() needs width= and depth=, or polygon=",
                           hint='room("bedroom", width=4, depth=3.5)')
            w = _number(width, "width", 1.0, 100.0)
            d = _number(depth, "depth", 1.0, 100.0)
            pts = ((0.0, 0.0), (w, 0.0), (w, d), (0.0, d))
        self._do(A.CreateRoom(name, pts, h, t))  # type: ignore[arg-type]
        return self.scene.rooms[-1].id

    def door(self, wall: str, at: float = 0.5, width: float = 0.9, height: float = 2.1, hinge: str = "start",
             swing: str = "in") -> str:
        """Add a door on ``wall`` centred at fraction ``at`` (0..1) of its length. ``hinge``
        ("start"/"end") is the side the leaf turns on; ``swing`` is "in" (into the room) or "out".
        Returns the door id. Example: door("wall_0", at=0.3, width=0.9)."""
        wall = self._wall(wall)
        if hinge not in ("start", "end"):
            raise _bad(f"hinge must be 'start' or 'end', got {hinge!r}")
        if swing not in ("in", "out"):
            raise _bad(f"swing must be 'in' or 'out', got {swing!r}")
        self._do(A.AddOpening("door", wall, _number(at, "at", 0.0, 1.0), _number(width, "width", 0.5, 4.0),
                              _number(height, "height", 1.5, 4.0), 0.0, hinge, swing))
        return self.report.openings[-1]

    def window(self, wall: str, at: float = 0.5, width: float = 1.2, height: float = 1.2, sill: float = 0.9) -> str:
        """Add a window on ``wall`` centred at fraction ``at`` of its length, ``sill`` metres above
        the floor. Returns the window id. Example: window("wall_2", at=0.5, width=1.6, sill=0.9)."""
        wall = self._wall(wall)
        self._do(A.AddOpening("window", wall, _number(at, "at", 0.0, 1.0), _number(width, "width", 0.2, 10.0),
                              _number(height, "height", 0.2, 5.0), _number(sill, "sill", 0.0, 5.0)))
        return self.report.openings[-1]

    def material(self, surface: str, description: str) -> None:
        """Set the material of "floor", "ceiling", "walls" (all walls) or one wall ("wall_2") from a
        description. Example: material("floor", "light oak planks")."""
        surface = _text(surface, "surface")
        if surface.startswith("wall_"):
            self._wall(surface)
        elif surface not in ("floor", "ceiling", "walls"):
            raise _bad(f"unknown surface {surface!r}", hint="use 'floor', 'ceiling', 'walls' or a wall id")
        self._do(A.SetMaterial(surface, _text(description, "description")))

    # -- objects --------------------------------------------------------------------------------
    def add(self, category: str, on: Any = None, surface: int | None = None, color: Any = None,
            style: str | None = None, material: str | None = None, size: Sequence[float] | None = None,
            width: float | None = None, depth: float | None = None, height: float | None = None,
            asset: str | None = None) -> Handle:
        """Add an object of ``category`` (e.g. "sofa", "dining_table", "book"; synonyms such as
        "couch" and descriptions such as "king size bed" work; something unknown such as "harp"
        becomes a labelled stand-in of a plausible size, listed in the report) and return its handle.
        It starts in the middle of the room (floor objects), on the first wall (wall objects), on the
        ceiling, or on the top of ``on`` (another object; ``surface`` picks a shelf level). Optional
        looks: ``color`` (a name, "#rrggbb" or linear RGB), ``style``, ``material`` (its main
        material); optional size: ``size`` (w, d, h) or any of ``width``/``depth``/``height``
        (metres); ``asset="library/asset_id"`` uses a mesh from a registered asset library.
        Example: sofa = add("sofa", color="charcoal")."""
        text = _text(category, "category")
        on_id = self._id(on, "on") if on is not None else None
        if surface is not None and (on_id is None or isinstance(surface, bool) or not isinstance(surface, int)):
            raise _bad("surface= needs on= and an integer shelf index")
        lib_ref = None
        if asset is not None:
            lib_ref, lib_size = self._library_asset(_text(asset, "asset"))
        match = self._match(text, "object" if on_id is not None else None)
        cat = match.category
        dims = list(match.size if lib_ref is None else lib_size)  # typical size (a proxy's: guessed)
        if size is not None:
            dims = list(_point(size, "size", 3))
        for i, (name, v) in enumerate((("width", width), ("depth", depth), ("height", height))):
            if v is not None:
                dims[i] = _number(v, name)
        for i, name in enumerate(("width", "depth", "height")):
            if not 0.005 <= dims[i] <= 30.0:
                raise _bad(f"{name} must be between 0.005 and 30 m, got {dims[i]:g}")
        try:
            attributes = Attributes(color=color, style=style, materials={"main": material} if material else {})
        except SceneValidationError as exc:
            raise _bad(f"add(): {exc}") from None
        object_id = self._next_id(cat)
        final = tuple(round(d, 6) for d in dims)
        if lib_ref is not None:
            ref = lib_ref
        elif match.is_proxy:
            from ..assets.procedural import params_to_dict
            from ..assets.procedural.proxy import proxy_params
            from ..scene import AssetRef

            ref = AssetRef("procedural", catalog.PROXY_GENERATOR,
                           params_to_dict(proxy_params(cat, match.support, final)))
        else:
            rng = derive_rng(self.seed, "asset", object_id)
            ref, final = make_asset(cat, rng, final)
        if ref.source == "fallback":
            self.fallbacks.append(object_id)
        if match.note:
            self.substitutions.append({"object": object_id, "query": text, "category": cat, "kind": match.kind,
                                       "score": round(float(match.score), 4), "note": match.note})
        self._do(A.AddObject(object_id, cat, ref, final, attributes, on_id, surface))
        return Handle(object_id)

    def _next_id(self, category: str) -> str:
        used = {o.id for o in self.scene.objects} | {a.id for a in self.actions if isinstance(a, A.AddObject)}
        n = 0
        while f"{category}_{n}" in used:
            n += 1
        return f"{category}_{n}"

    def place(self, obj: Any, at: Any = None, yaw: float | None = None, against: str | None = None,
              height: float | None = None) -> None:
        """Place an object. ``at=(x, y)`` puts its bottom centre there; ``yaw`` sets its heading in
        degrees; ``against="wall_2"`` puts its back on that wall facing into the room (then ``at``
        may be a fraction 0..1 along the wall, or a point projected onto it); ``height`` sets the
        bottom height of a wall-mounted object. Example: place(sofa, against="wall_0", at=0.4)."""
        object_id = self._id(obj)
        constraints: list[Any] = []
        if against is not None:
            wall = self._wall(against)
            along = 0.5
            if at is not None and not isinstance(at, (list, tuple)):
                along = _number(at, "at", 0.0, 1.0)
            elif at is not None:
                x, y = _point(at, "at")
                constraints.append(At(x, y))
            constraints.append(Against(wall, along))
        elif at is not None:
            x, y = _point(at, "at")
            constraints.append(At(x, y))
        if yaw is not None:
            constraints.append(Yaw(_number(yaw, "yaw", -3600.0, 3600.0)))
        if height is not None:
            constraints.append(Height(_number(height, "height", 0.0, 50.0)))
        if not constraints:
            raise _bad("place() needs at least one of at=, yaw=, against=, height=")
        self._do(A.Place(object_id, tuple(constraints)))

    def move(self, obj: Any, dx: float = 0.0, dy: float = 0.0, dz: float = 0.0, to: Any = None) -> None:
        """Move an object by (``dx``, ``dy``, ``dz``) metres, or ``to=(x, y)``. Objects resting on it
        move along. Example: move(sofa, dx=0.2)."""
        object_id = self._id(obj)
        if to is not None:
            x, y = _point(to, "to")
            p = self.scene.object(object_id).position
            dx, dy = x - p[0], y - p[1]
        self._do(A.Move(object_id, _number(dx, "dx", -100, 100), _number(dy, "dy", -100, 100),
                        _number(dz, "dz", -50, 50)))

    def rotate(self, obj: Any, yaw: float | None = None, by: float | None = None) -> None:
        """Turn an object to the absolute heading ``yaw`` (degrees), or ``by`` degrees from its
        current heading. Objects resting on it turn along. Example: rotate(sofa, yaw=90)."""
        object_id = self._id(obj)
        if (yaw is None) == (by is None):
            raise _bad("rotate() takes exactly one of yaw= (absolute) or by= (relative)")
        current = self.scene.object(object_id).yaw_deg
        target = _number(yaw, "yaw", -3600, 3600) if yaw is not None else current + _number(by, "by", -3600, 3600)
        self._do(A.Rotate(object_id, target))

    def resize(self, obj: Any, width: float | None = None, depth: float | None = None,
               height: float | None = None) -> None:
        """Change an object's size in metres (any of width, depth, height), keeping its bottom
        centre. Example: resize(table, width=1.2)."""
        object_id = self._id(obj)
        size = list(self.scene.object(object_id).size)
        for i, (name, v) in enumerate((("width", width), ("depth", depth), ("height", height))):
            if v is not None:
                size[i] = _number(v, name, 0.005, 30.0)
        self._do(A.Resize(object_id, tuple(size)))  # type: ignore[arg-type]

    def remove(self, obj: Any) -> None:
        """Remove an object (and whatever rests on it). Example: remove(tv)."""
        self._do(A.Remove(self._id(obj)))

    def light(self, kind: str = "ceiling", at: Sequence[float] | None = None, watts: float | None = None,
              lumens: float | None = None, kelvin: float | None = None, color: Any = None,
              direction: Sequence[float] | None = None, cone: float = 60.0,
              size: Sequence[float] | None = None) -> str:
        """Add a light: ``kind`` "ceiling" (a fixture on the ceiling), "point", "spot" or "area";
        ``at`` = (x, y) or (x, y, z) (default: room centre; z defaults to the ceiling for "ceiling"
        and 0.3 m below it otherwise); intensity in ``watts`` (default 60) or ``lumens``; colour as
        ``kelvin`` (default 4000) or linear RGB ``color``; spot/area ``direction``, spot ``cone``
        angle, area ``size`` (w, d). Returns the light id. Example: light("ceiling", watts=60, kelvin=2700)."""
        if not isinstance(kind, str) or kind not in LIGHT_KIND_ALIASES:
            raise _bad(f"unknown light kind {kind!r}", hint="use 'ceiling', 'point', 'spot' or 'area'")
        if not self.scene.rooms:
            raise DSLError("E_NO_ROOM", "there is no room yet", hint="start with room(...)")
        real_kind = LIGHT_KIND_ALIASES[kind]
        room = self.scene.rooms[-1]
        if at is None:
            from ..layout.resolve import interior_point

            x, y = interior_point(room)
            z = None
        elif isinstance(at, (list, tuple)) and len(at) == 3:
            x, y, z = _point(at, "at", 3)
        else:
            x, y = _point(at, "at")
            z = None
        if z is None:
            z = room.height - (0.02 if real_kind == "ceiling_fixture" else 0.3)
        if not 0.0 < z <= room.height:
            raise _bad(f"light height must be within the room (0, {room.height:g}], got {z:g}")
        if watts is None and lumens is None:
            watts = 60.0
        if watts is not None and lumens is not None:
            raise _bad("give watts= or lumens=, not both")
        rgb = None
        if color is not None:
            if kelvin is not None:
                raise _bad("give kelvin= or color=, not both")
            rgb = _point(color, "color", 3)
        light_id = f"light_{len(self.scene.lights)}"
        while any(light.id == light_id for light in self.scene.lights):
            light_id += "_"
        try:
            new_light = Light(
                light_id, real_kind, (x, y, z),
                watts=None if watts is None else _number(watts, "watts", 0.001, 100000),
                lumens=None if lumens is None else _number(lumens, "lumens", 0.01, 10_000_000),
                kelvin=None if kelvin is None else _number(kelvin, "kelvin", 1000, 20000), rgb=rgb,
                direction=(0.0, 0.0, -1.0) if direction is None else _point(direction, "direction", 3),
                cone_deg=_number(cone, "cone", 1, 179),
                area_size=(0.6, 0.6) if size is None else _point(size, "size", 2))
        except SceneValidationError as exc:
            raise _bad(f"light(): {exc}") from None
        self._do(A.AddLight(new_light))
        return light_id

    # -- read-only queries ------------------------------------------------------------------------
    def objects(self, category: str | None = None) -> list[Handle]:
        """Handles of the objects in the scene (of one ``category`` if given), in the order added."""
        cat = self._category(category) if category is not None else None
        return [Handle(o.id) for o in self.scene.objects if cat is None or o.category == cat]

    def size_of(self, obj: Any) -> tuple[float, float, float]:
        """(width, depth, height) of an object in metres."""
        return self.scene.object(self._id(obj)).size

    def position_of(self, obj: Any) -> tuple[float, float, float]:
        """(x, y, z) of an object's bottom centre."""
        return self.scene.object(self._id(obj)).position

    def wall_length(self, wall: str) -> float:
        """Length of a wall's inner face in metres."""
        return self.scene.wall(self._wall(wall)).length

    def walls(self) -> list[str]:
        """Ids of all walls, in order."""
        return list(self.scene.wall_map)

    def room_bounds(self) -> tuple[float, float, float, float]:
        """(min_x, min_y, max_x, max_y) of the room's floor polygon."""
        if not self.scene.rooms:
            raise DSLError("E_NO_ROOM", "there is no room yet", hint="start with room(...)")
        return polygon_bounds(self.scene.rooms[-1].polygon)
