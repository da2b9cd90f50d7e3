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
from typing import Any, Iterable, Sequence

from ..assets import catalog, make_asset
from ..layout import constraints as K
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


#: the most objects one add(..., count=N) makes
MAX_ADD_COUNT = 50


def _bad(message: str, hint: str = "") -> DSLError:
    return DSLError("E_BAD_ARGUMENT", message, hint=hint)


def _number(value: Any, name: str, lo: float | None = None, hi: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _bad(f"{name} must be a number, got {value!r}")
    v = float(value)
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise _bad(f"{name} must be between {lo:g} and {hi:g}, got {v:g}")
    return v


def _whole(value: Any, name: str, lo: int | None = None, hi: int | None = None) -> int:
    """``value`` as an int: a whole number (an int or an integral float, not a bool), within
    ``lo..hi`` when given."""
    ok = not isinstance(value, bool) and isinstance(value, (int, float)) and float(value).is_integer()
    if not ok or (lo is not None and value < lo) or (hi is not None and value > hi):
        span = f" from {lo} to {hi}" if lo is not None and hi is not None else ""
        raise _bad(f"{name} must be a whole number{span}, got {value!r}")
    return int(value)


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

    def __init__(self, scene: Scene, seed: int, libraries: Sequence[str] = (), used_ids: Iterable[str] = ()):
        self.scene = scene
        self.used_ids = frozenset(used_ids)
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
            miss = next((u for u in reversed(self.report.unplaced) if u.get("id") == object_id), None)
            if miss is not None:
                raise DSLError("E_CONFLICT", f"{object_id} was not placed ({miss.get('constraint') or 'no room'}: "
                               f"{miss.get('reason')}), so it is not in the scene",
                               hint="add a smaller one, place it elsewhere, or leave it out")
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
            asset: str | None = None, count: int | None = None) -> Handle | list[Handle]:
        """Add an object of ``category`` (e.g. "sofa", "dining_table", "book"; synonyms such as
        "couch" and descriptions such as "king size bed" work; something unknown such as "harp"
        becomes a labelled stand-in of a plausible size, listed in the report) and return its handle.
        It starts in the middle of the room (floor objects), on the first wall (wall objects), on the
        ceiling, or on the top of ``on`` (another object; ``surface`` picks a shelf level). Optional
        looks: ``color`` (a name, "#rrggbb" or linear RGB), ``style``, ``material`` (its main
        material); optional size: ``size`` (w, d, h) or any of ``width``/``depth``/``height``
        (metres); ``asset="library/asset_id"`` uses a mesh from a registered asset library.
        ``count=N`` adds N alike objects (each its own asset, as N calls would) and returns the
        list of their handles, which place() takes as one group.
        Examples: sofa = add("sofa", color="charcoal"); chairs = add("chair", count=6);
        place(chairs, against="wall_0", row=True)."""
        if count is None:
            return self._add_one(category, on, surface, color, style, material, size, width, depth, height, asset)
        return [self._add_one(category, on, surface, color, style, material, size, width, depth, height, asset)
                for _ in range(_whole(count, "count", 1, MAX_ADD_COUNT))]

    def _add_one(self, category, on, surface, color, style, material, size, width, depth, height, asset) -> Handle:
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
        # never an id this program or an earlier one of the episode (used_ids) gave out, even when
        # that object is gone (removed, unplaced): reports stay unambiguous, and an episode's steps
        # number objects as their concatenation (program.py) does
        used = {o.id for o in self.scene.objects} | {a.id for a in self.actions if isinstance(a, A.AddObject)}
        used |= self.used_ids
        n = 0
        while f"{category}_{n}" in used:
            n += 1
        return f"{category}_{n}"

    def place(self, obj: Any, at: Any = None, yaw: float | None = None, against: str | None = None,
              height: float | None = None, corner: Any = None, center: bool | None = None, facing: Any = None,
              same_yaw_as: Any = None, next_to: Any = None, side: str | None = None, in_front_of: Any = None,
              behind: Any = None, distance: float | None = None, between: Any = None, around: Any = None,
              center_aligned_with: Any = None, row: bool | None = None, grid: Any = None, spacing: Any = None,
              near: Any = None, far_from: Any = None, under: str | None = None, on_wall: str | None = None,
              on_ceiling: bool | None = None) -> None:
        """Place an object (or a list of objects, placed together) by an absolute pose and/or by
        relations to walls, windows and other objects.

        **Absolute** (exact, even where it collides; the validator reports what it breaks):
        ``at=(x, y)`` puts its bottom centre there; ``yaw`` sets its heading in degrees (0 faces +Y,
        90 faces -X, 180 faces -Y, 270 faces +X); ``against="wall_2", at=0.4`` puts its back on
        the wall at 40 % of the wall's length (``at=(x, y)``: that point projected onto the wall),
        facing into the room; ``height`` is the bottom height of a wall-mounted object. With
        ``at=(x, y)`` plus relations, the point is kept and ``facing`` / ``same_yaw_as`` turn it.

        **Relations** are solved: the solver picks the spot (any heading, not only multiples of
        90 degrees) and never breaks a hard rule: inside the room, no overlap with anything (a
        chair may tuck under a table top, a stool under a counter, only where it fits), door swings
        and a door-width clearance on both sides of every door kept free, windows with a low sill
        not blocked by anything taller than the sill, a 0.6 m wide walkway from every door to the
        front of every object that needs access (beds, desks, sofas, wardrobes, appliances), and
        no isolated pockets of floor. Among the spots that keep them it takes the one satisfying
        the most relations, then the tidiest. An object it cannot place is removed (with what
        rests on it) and listed in the report's ``unplaced`` with the constraint that failed;
        using its handle afterwards is an E_CONFLICT error. Each relation is satisfied by the test
        given here, and the report lists each one's result:

        - ``against="wall_2"`` or ``"any_wall"`` (without ``at``): back within 0.05 m of the wall,
          facing into the room, within the wall's length. Alone it takes the middle of the free
          stretch of wall (on an empty wall: exactly the middle); ``"any_wall"`` picks the wall.
        - ``corner=True`` (or ``corner=3``, a polygon vertex index): two adjacent sides within
          0.05 m of the two walls meeting at an inner corner.
        - ``center=True``: in the open floor, every side at least 0.5 m from the walls.
        - ``facing=tv`` / ``facing="wall_1"`` / ``facing="center"``: the ray from its centre along
          its front hits the object's footprint / reaches that wall before any other / passes
          within 0.5 m of the room's centre.
        - ``same_yaw_as=desk``: the same heading, within 10 degrees.
        - ``next_to=bed`` (``side="left"`` or ``"right"``, as seen by someone standing in the
          target facing its front; omitted: either side): footprints at most 0.3 m apart, beside
          the target's width and within its depth.
        - ``in_front_of=sofa`` / ``behind=sofa`` (``distance=`` the footprint gap, default 0.6 m;
          satisfied within +- 0.35 m): centre on the target's front (back) side and within its
          width + 0.2 m sideways. It faces the target when in front (a chair at a desk, a TV stand
          before a sofa), keeps the target's heading when behind.
        - ``between=(sofa, tv)``: centre within 0.3 m of the line joining their centres, in its
          middle 80 %; it lies square with the first one.
        - ``around=table``: at the table's edge (footprint gap <= 0.3 m) and facing it (the front
          ray hits the table). A list of chairs is spread evenly round the table: the long sides
          first, alternating, evenly along each; equal angles round a round table. A single chair
          takes the free spot farthest from the chairs already there.
        - ``center_aligned_with=sofa``: its centre within 0.1 m of the sofa's front axis (the line
          through the sofa's centre along its front): a TV across from a sofa, a rug under a bed.
        - ``row=True`` (a list; ``spacing=`` the gap between neighbours, default 0.3 m): side by side
          in one straight line in list order, the same heading, gaps within 0.05 m of ``spacing``.
          Other keywords place the row as a whole (``against``, ``facing``, ``center`` ...).
        - ``grid=(rows, cols)`` (a list, filling rows first; row 0 is the front row, i.e. the one
          the members face towards, columns run left to right; ``spacing=(dx, dy)`` the gaps
          between columns and between rows, default (0.4, 0.6)): the same heading, neighbours'
          gaps within 0.05 m. Classrooms, offices, theatres.
        - ``near=sofa``: footprints at most 0.8 m apart. ``far_from=tv``: at least 2 m apart (or
          within 5 % of the farthest the room allows).
        - ``under="window_0"``: back against the window's wall, centre within the window's width,
          top no higher than the sill (+1 cm): a desk, a radiator, a low cabinet.
        - ``on_wall="wall_1"`` or ``"any_wall"`` (``height=`` the bottom height; default the
          catalog's mount height): hung on the wall, clear of doors, windows, other wall objects
          and of tall furniture in front of that stretch.
        - ``on_ceiling=True``: hung from the ceiling, spread over the room away from other ceiling
          objects.

        Relations combine (``against="wall_0", facing=tv``; ``next_to=bed, against="wall_3"``).
        Without a relation saying where, catalog habits decide: wardrobes, beds and bookshelves go
        against a wall, plants and floor lamps into corners, dining tables into the open floor,
        desks near a window. A list with the same keywords and no row / grid / around places each
        object in turn.

        Examples: place(tv_stand, against="wall_1"); place(sofa, against="any_wall", facing=tv);
        place(coffee_table, in_front_of=sofa, distance=0.45); place(rug, between=(sofa, tv_stand));
        place(lamp, next_to=sofa, side="left"); place(nightstand, next_to=bed, side="right",
        against="wall_3"); place(table, center=True); place([c1, c2, c3, c4], around=table);
        place(desks, grid=(3, 4), facing="wall_2", spacing=(0.5, 1.3)); place(chair,
        in_front_of=desk, distance=0.1); place(plant, corner=True); place(tv, on_wall="wall_1",
        center_aligned_with=sofa); place(lamp, on_ceiling=True); place(sofa, at=(2.0, 1.0),
        yaw=90)."""
        group = isinstance(obj, (list, tuple))
        if group:
            if not obj:
                raise _bad("place() got an empty list of objects")
            ids = [self._id(o) for o in obj]
            if len(set(ids)) != len(ids):
                raise _bad("an object appears twice in the list")
        else:
            ids = [self._id(obj)]
        common: list[Any] = []
        if against is not None:
            wall = "any_wall" if against == "any_wall" else self._wall(against)
            if at is not None and not isinstance(at, (list, tuple)):
                if wall == "any_wall":
                    raise _bad('against="any_wall" takes no at= (the solver picks the wall)')
                common.append(Against(wall, _number(at, "at", 0.0, 1.0)))
            elif at is not None:
                if wall == "any_wall":
                    raise _bad('against="any_wall" takes no at= (the solver picks the wall)')
                x, y = _point(at, "at")
                common.append(At(x, y))
                common.append(Against(wall, 0.5))
            else:
                common.append(Against(wall, None))
        elif at is not None:
            x, y = _point(at, "at")
            common.append(At(x, y))
        if yaw is not None:
            common.append(Yaw(_number(yaw, "yaw", -3600.0, 3600.0)))
        if height is not None and on_wall is None:
            common.append(Height(_number(height, "height", 0.0, 50.0)))
        if corner is not None and corner is not False:
            if corner is True:
                common.append(K.Corner(None))
            elif isinstance(corner, int) and not isinstance(corner, bool) and corner >= 0:
                common.append(K.Corner(corner))
            else:
                raise _bad(f"corner must be True or a polygon vertex index, got {corner!r}")
        if center is not None and center is not False:
            if center is not True:
                raise _bad(f"center must be True, got {center!r}")
            common.append(K.Center())
        if facing is not None:
            common.append(K.Facing(self._target(facing, "facing", walls=True, center=True)))
        if same_yaw_as is not None:
            common.append(K.SameYawAs(self._id(same_yaw_as, "same_yaw_as")))
        if side is not None and next_to is None:
            raise _bad("side= goes with next_to=", hint='place(lamp, next_to=sofa, side="left")')
        if next_to is not None:
            if side is not None and side not in ("left", "right"):
                raise _bad(f"side must be 'left' or 'right', got {side!r}")
            common.append(K.NextTo(self._id(next_to, "next_to"), side))
        if distance is not None and in_front_of is None and behind is None:
            raise _bad("distance= goes with in_front_of= or behind=")
        dist = None if distance is None else _number(distance, "distance", 0.0, 20.0)
        if in_front_of is not None:
            common.append(K.InFrontOf(self._id(in_front_of, "in_front_of"), dist))
        if behind is not None:
            common.append(K.Behind(self._id(behind, "behind"), dist))
        if between is not None:
            if not isinstance(between, (list, tuple)) or len(between) != 2:
                raise _bad(f"between must be a pair of objects, got {between!r}", hint="between=(sofa, tv)")
            a, b = self._id(between[0], "between[0]"), self._id(between[1], "between[1]")
            if a == b:
                raise _bad("between= needs two different objects")
            common.append(K.Between(a, b))
        if center_aligned_with is not None:
            common.append(K.CenterAlignedWith(self._id(center_aligned_with, "center_aligned_with")))
        if near is not None:
            common.append(K.Near(self._id(near, "near")))
        if far_from is not None:
            common.append(K.FarFrom(self._id(far_from, "far_from")))
        if under is not None:
            windows = [o.id for _, o in self.scene.openings() if o.kind == "window"]
            if under not in windows:
                raise _bad(f"under= takes a window id, got {under!r}",
                           hint="windows: " + (", ".join(windows) or "none"))
            common.append(K.Under(under))
        if on_wall is not None:
            wall = "any_wall" if on_wall == "any_wall" else self._wall(on_wall)
            common.append(K.OnWall(wall, None if height is None else _number(height, "height", 0.0, 50.0)))
        if on_ceiling is not None and on_ceiling is not False:
            if on_ceiling is not True:
                raise _bad(f"on_ceiling must be True, got {on_ceiling!r}")
            common.append(K.OnCeiling())
        formations = [k for k, v in (("around", around), ("row", row), ("grid", grid))
                      if v is not None and v is not False]
        if len(formations) > 1:
            raise _bad(f"choose one of around=, row=, grid= (got {', '.join(formations)})")
        if spacing is not None and not (row or grid is not None):
            raise _bad("spacing= goes with row= or grid=")
        per: list[list[Any]] = [list(common) for _ in ids]
        n = len(ids)
        if around is not None:
            table = self._id(around, "around")
            if table in ids:
                raise _bad("an object cannot go around itself")
            for i in range(n):
                per[i].append(K.Around(table, i, n))
        elif row is not None and row is not False:
            if row is not True:
                raise _bad(f"row must be True, got {row!r}")
            gap = 0.3 if spacing is None else _number(spacing, "spacing", 0.0, 10.0)
            for i in range(n):
                per[i].append(K.Row(ids[0], i, n, gap))
        elif grid is not None:
            if not isinstance(grid, (list, tuple)) or len(grid) != 2 or not all(
                    isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in grid):
                raise _bad(f"grid must be (rows, cols) with whole numbers >= 1, got {grid!r}")
            rows, cols = grid
            if n > rows * cols:
                raise _bad(f"{n} objects do not fit a {rows} x {cols} grid")
            gaps = (0.4, 0.6) if spacing is None else _point(spacing, "spacing")
            if min(gaps) < 0:
                raise _bad("spacing must not be negative")
            for i in range(n):
                per[i].append(K.Grid(ids[0], i, rows, cols, (float(gaps[0]), float(gaps[1]))))
        for i, oid in enumerate(ids):
            for c in per[i]:
                if oid in K.targets(c):
                    raise _bad(f"{oid} cannot be placed relative to itself")
        if not per[0]:
            raise _bad("place() needs at least one of at=, yaw=, against=, height= or a relation",
                       hint="see place()'s keywords: against, corner, center, facing, next_to, around, ...")
        if group:
            self._do(A.PlaceGroup(tuple(ids), tuple(tuple(p) for p in per)))
        else:
            self._do(A.Place(ids[0], tuple(per[0])))

    def _target(self, value: Any, name: str, walls: bool = False, center: bool = False) -> str:
        """An object id from a handle / id, or (when allowed) a wall id or "center"."""
        if isinstance(value, str) and center and value in ("center", "centre"):
            return "center"
        if isinstance(value, str) and walls and value.startswith("wall_"):
            return self._wall(value)
        return self._id(value, name)

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

    def fill(self, target: Any, items: Sequence[str] | None = None, count: int | None = None,
             density: float | None = None, surface: int | None = None) -> list[Handle]:
        """Put small objects on ``target`` (a table, desk, shelf, bed, sofa, counter, nightstand...)
        and return their handles. ``items``: small-object categories ("book", "mug", "plate",
        "vase", "candle", "laptop", "monitor", "pillow", "table_lamp", ...), used in the order given,
        then mixed. ``count``: how many in all; ``density``: the share (0..1) of the surface area, or
        of each shelf level's length, to cover. With items but neither: one of each (on shelves:
        rows covering 60 % of each level). With no arguments at all: the furniture's usual dressing
        (pillows at the head of a bed, cushions on a sofa, a monitor with a keyboard in front of it
        at the back of a desk, a lamp on a nightstand, a plate and glass at every chair of a dining
        table, books on every bookshelf level, appliances along a kitchen counter). ``surface``
        picks one shelf level (0 = lowest); default: every level of a shelf, else the top(s).
        Items stand inside the surface with a margin, never overlap each other or anything already
        there, and fit under the shelf above (too tall ones shrink or are skipped and reported).
        Books stand upright side by side along shelves; on tables things are spread and turned.
        The handles can be filled too (a mug on a plate). Examples: fill(table, ["book", "mug",
        "candle"], count=4); fill(shelf, ["book"], density=0.8); fill(bed);
        plates = fill(table, ["plate"], count=2); fill(plates[0], ["mug"])."""
        from ..layout.fill import FillError, plan_fill_result

        target_id = self._id(target, "target")
        if isinstance(items, str):
            items = [items]
        if items is not None and not isinstance(items, (list, tuple)):
            raise _bad(f"items must be a list of categories, got {items!r}", hint='fill(table, ["book", "mug"])')
        if count is not None:
            count = _whole(count, "count")
        on_target = sum(1 for o in self.scene.objects if o.support_target == target_id)
        rng = derive_rng(self.seed, "fill", target_id, on_target)
        try:
            result = plan_fill_result(self.scene, target_id, None if items is None else list(items),
                                      count, density, surface, rng=rng)
        except FillError as exc:
            raise _bad(f"fill(): {exc}", hint=exc.hint) from None
        handles = []
        for item in result.items:
            object_id = self._next_id(item.category)
            ref, final = make_asset(item.category, derive_rng(self.seed, "asset", object_id), item.size)
            if ref.source == "fallback":
                self.fallbacks.append(object_id)
            index = item.surface if (item.surface != 0 or surface is not None) else None
            self._do(A.AddObject(object_id, item.category, ref, final, Attributes(), target_id, index))
            self._do(A.Place(object_id, (At(item.x, item.y), Yaw(item.yaw_deg))))
            handles.append(Handle(object_id))
        for skip in result.skipped:
            self.report.unplaced.append({"id": None, "category": skip.category, "on": target_id,
                                         "surface": skip.surface, "constraint": "fill", "reason": skip.reason})
        return handles

    def add_to_wall(self, wall: str, category: str, color: Any = None, style: str | None = None,
                    material: str | None = None, size: Sequence[float] | None = None, width: float | None = None,
                    depth: float | None = None, height: float | None = None, asset: str | None = None) -> Handle:
        """Add an object of ``category`` and put it against ``wall`` in one step; returns its
        handle. Wall objects (painting, tv, mirror, wall_shelf, whiteboard) hang on the wall at their
        usual mount height; floor objects (bookshelf, wardrobe, dresser, sofa) stand with their
        back against it, facing into the room. Takes add()'s looks and size keywords (``height``
        is the object's own height). Example: add_to_wall("wall_1", "painting", color="blue");
        shelf = add_to_wall("wall_0", "bookshelf")."""
        wall_id = self._wall(wall)
        handle = self.add(category, color=color, style=style, material=material, size=size, width=width,
                          depth=depth, height=height, asset=asset)
        self.place(handle, against=wall_id)
        return handle

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
