"""Atomic application of actions to a scene.

``apply(scene, actions)`` either returns a new scene with every action applied and a report, or
raises the first action's :class:`DSLError` (with ``action_index`` set) — the input scene is an
immutable value, so a failure leaves it exactly as it was.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

from ..assets import object_transform
from ..layout.constraints import is_direct, to_dict
from ..layout.resolve import PlacementError, default_pose, normalize_yaw, resolve_place, support_problem
from ..materials import resolve_material
from ..scene import MaterialChoice, ObjectInstance, Opening, Room, Scene, SceneValidationError
from . import actions as A
from .errors import DSLError


#: An opening leaves at least this much solid wall beside it (metres).
MIN_OPENING_MARGIN_M = 0.02


@dataclass
class ApplyReport:
    """What an application changed. Ids are listed in the order the actions touched them."""

    rooms: list[str] = field(default_factory=list)
    openings: list[str] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    placed: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    lights: list[str] = field(default_factory=list)
    #: objects the solver could not place (removed from the scene with what rests on them):
    #: {"id", "category", "constraint", "reason"}
    unplaced: list[dict] = field(default_factory=list)
    #: the requested relations of solved placements: {"object", "relation", "satisfied", "detail"}
    relations: list[dict] = field(default_factory=list)

    def merge(self, other: "ApplyReport") -> None:
        for f in dataclasses.fields(self):
            getattr(self, f.name).extend(getattr(other, f.name))

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def apply(scene: Scene, actions: Iterable[A.Action]) -> tuple[Scene, ApplyReport]:
    """Apply all ``actions`` or none. Raises DSLError (with ``action_index``) on the first failure."""
    report = ApplyReport()
    current = scene
    for i, action in enumerate(actions):
        try:
            current = apply_action(current, action, report)
        except DSLError as exc:
            exc.action_index = i  # type: ignore[attr-defined]
            raise
    return current, report


def with_material_choices(scene: Scene) -> Scene:
    """The scene with ``material_choices`` listing exactly the descriptions it uses (room surfaces and
    objects' materials), each with the library material it resolves to, the score and the tint."""
    used = {d for room in scene.rooms for d in room.materials.values()}
    used |= {d for o in scene.objects for d in o.attributes.materials.values()}
    choices = {}
    for description in sorted(used):
        match = resolve_material(description)
        tint = None if match.tint is None else tuple(round(min(1.0, max(0.0, float(v))), 4) for v in match.tint)
        choices[description] = MaterialChoice(match.name, round(float(match.score), 4), tint)  # type: ignore[arg-type]
    if choices == dict(scene.material_choices):
        return scene
    return dataclasses.replace(scene, material_choices=choices)


def _conflict(message: str, hint: str = "") -> DSLError:
    return DSLError("E_CONFLICT", message, hint=hint)


def _rebuild(scene: Scene, **changes) -> Scene:
    try:
        return dataclasses.replace(scene, **changes)
    except SceneValidationError as exc:
        raise _conflict(str(exc)) from None


def _object(scene: Scene, object_id: str) -> ObjectInstance:
    try:
        return scene.object(object_id)
    except KeyError:
        known = ", ".join(o.id for o in scene.objects[:20]) or "none yet"
        raise _conflict(f"no object {object_id!r} in the scene", f"objects: {known}") from None


def _replace_objects(scene: Scene, updated: dict[str, ObjectInstance]) -> Scene:
    return _rebuild(scene, objects=tuple(updated.get(o.id, o) for o in scene.objects))


def _keep_supported(scene: Scene, old: ObjectInstance, new: ObjectInstance) -> Scene:
    """Commit ``new`` (and carry what rests on it) unless it no longer rests on its declared
    support while ``old`` did: a painting slid off its wall, a mug pushed off the table."""
    result = _replace_objects(scene, _carry(scene, old, new))
    problem = support_problem(result, result.object(new.id))
    if problem and not support_problem(scene, old):
        raise _conflict(*problem)
    return result


def _dependents(scene: Scene, object_id: str) -> list[ObjectInstance]:
    """Objects resting on ``object_id``, directly or through others (stacking), in scene order."""
    out: list[ObjectInstance] = []
    frontier = {object_id}
    while frontier:
        nxt = {o.id for o in scene.objects if o.support_target in frontier and o.support_kind == "object"}
        nxt -= {d.id for d in out} | {object_id}
        out.extend(o for o in scene.objects if o.id in nxt)
        frontier = nxt
    return out


def _carry(scene: Scene, old: ObjectInstance, new: ObjectInstance) -> dict[str, ObjectInstance]:
    """Objects resting on ``old`` follow its rigid motion (and its height change) to ``new``."""
    delta = object_transform(new) @ np.linalg.inv(object_transform(old))
    dz = new.size[2] - old.size[2]
    out = {new.id: new}
    for child in _dependents(scene, old.id):
        p = delta @ np.array([*child.position, 1.0])
        pos = (round(float(p[0]), 6), round(float(p[1]), 6), round(float(p[2]) + dz, 6))
        out[child.id] = dataclasses.replace(
            child, position=pos, yaw_deg=normalize_yaw(child.yaw_deg + new.yaw_deg - old.yaw_deg))
    return out


def apply_action(scene: Scene, action: A.Action, report: ApplyReport | None = None) -> Scene:
    """One action on ``scene``; returns the new scene. Raises DSLError."""
    report = report if report is not None else ApplyReport()
    handler = _HANDLERS.get(type(action))
    if handler is None:
        raise DSLError("E_BAD_ARGUMENT", f"not an action: {type(action).__name__}")
    new = handler(scene, action, report)
    if isinstance(action, (A.SetMaterial, A.AddObject, A.Remove)):
        new = with_material_choices(new)
    return new


def _room_of_wall(scene: Scene, wall_id: str) -> Room:
    if not scene.rooms:
        raise DSLError("E_NO_ROOM", "there is no room yet", hint="start with room(...)")
    if wall_id not in scene.wall_map:
        raise DSLError("E_BAD_ARGUMENT", f"unknown wall {wall_id!r}", hint="walls: " + ", ".join(scene.wall_map))
    return scene.room(scene.wall(wall_id).room)


def _current_room(scene: Scene) -> Room:
    if not scene.rooms:
        raise DSLError("E_NO_ROOM", "there is no room yet", hint="start with room(...)")
    return scene.rooms[-1]


def _create_room(scene: Scene, a: A.CreateRoom, report: ApplyReport) -> Scene:
    if scene.rooms:
        raise _conflict("the scene already has a room", "one room per scene in this version; edit it instead")
    try:
        room = Room(f"room_{len(scene.rooms)}", a.name, a.polygon, a.height, a.wall_thickness)
    except SceneValidationError as exc:
        raise DSLError("E_BAD_ARGUMENT", f"room {exc}") from None
    report.rooms.append(room.id)
    return _rebuild(scene, rooms=scene.rooms + (room,))


def _add_opening(scene: Scene, a: A.AddOpening, report: ApplyReport) -> Scene:
    room = _room_of_wall(scene, a.wall)
    wall = scene.wall(a.wall)
    if a.width > wall.length - MIN_OPENING_MARGIN_M:
        raise DSLError("E_BAD_ARGUMENT", f"a {a.width:.2f} m wide {a.kind} does not fit on {a.wall} "
                       f"({wall.length:.2f} m long)", hint=f"use width <= {wall.length - MIN_OPENING_MARGIN_M:.2f}")
    if a.sill + a.height > room.height:
        raise DSLError("E_BAD_ARGUMENT", f"the {a.kind} reaches {a.sill + a.height:.2f} m, above the "
                       f"{room.height:.2f} m ceiling", hint="lower height or sill")
    offset = a.center_along * wall.length - a.width / 2.0
    offset = round(min(max(offset, 0.0), wall.length - a.width), 6)
    n = sum(1 for _, o in scene.openings() if o.kind == a.kind)
    opening = Opening(f"{a.kind}_{n}", a.kind, a.wall, offset, a.width, a.height, a.sill, a.hinge, a.swing)
    for _, other in scene.openings():
        if other.wall == a.wall and opening.offset < other.offset + other.width and other.offset < offset + a.width:
            raise _conflict(f"the {a.kind} would overlap {other.id} on {a.wall}",
                            f"{other.id} spans {other.offset:.2f}-{other.offset + other.width:.2f} m along the wall")
    rooms = tuple(dataclasses.replace(r, openings=r.openings + (opening,)) if r.id == room.id else r
                  for r in scene.rooms)
    report.openings.append(opening.id)
    return _rebuild(scene, rooms=rooms)


def _set_material(scene: Scene, a: A.SetMaterial, report: ApplyReport) -> Scene:
    room = _room_of_wall(scene, a.surface) if a.surface.startswith("wall_") else _current_room(scene)
    materials = dict(room.materials)
    if a.surface == "walls":  # every wall of the room, replacing per-wall choices
        materials = {k: v for k, v in materials.items() if not k.startswith("wall_")}
    materials[a.surface] = a.material
    rooms = tuple(dataclasses.replace(r, materials=materials) if r.id == room.id else r for r in scene.rooms)
    report.materials.append(a.surface)
    return _rebuild(scene, rooms=rooms)


def _add_object(scene: Scene, a: A.AddObject, report: ApplyReport) -> Scene:
    if a.id in scene.object_map:
        raise _conflict(f"an object {a.id!r} already exists")
    if a.on is not None:
        _object(scene, a.on)
    elif not scene.rooms:
        raise DSLError("E_NO_ROOM", f"cannot add {a.category} before the room exists", hint="start with room(...)")
    try:
        position, yaw, support = default_pose(scene, a.category, a.size, on=a.on, surface=a.surface, asset=a.asset)
        obj = ObjectInstance(a.id, a.category, a.asset, position, a.size, yaw, support, a.attributes)
    except PlacementError as exc:
        raise _conflict(str(exc), exc.hint) from None
    except SceneValidationError as exc:
        raise DSLError("E_BAD_ARGUMENT", str(exc)) from None
    report.added.append(a.id)
    return _rebuild(scene, objects=scene.objects + (obj,))


def _place(scene: Scene, a: A.Place, report: ApplyReport) -> Scene:
    old = _object(scene, a.id)
    if not is_direct(a.constraints):
        return _solve(scene, (a.id,), (a.constraints,), report)
    try:
        new = resolve_place(scene, old, a.constraints)
    except PlacementError as exc:
        raise _conflict(str(exc), exc.hint) from None
    new = dataclasses.replace(new, placement=tuple(to_dict(c) for c in a.constraints))
    report.placed.append(a.id)
    return _keep_supported(scene, old, new)


def _place_group(scene: Scene, a: A.PlaceGroup, report: ApplyReport) -> Scene:
    if len(a.ids) != len(a.constraints) or not a.ids:
        raise DSLError("E_BAD_ARGUMENT", "a group placement needs one constraint tuple per object")
    if len(set(a.ids)) != len(a.ids):
        raise DSLError("E_BAD_ARGUMENT", "an object appears twice in one placement")
    for oid in a.ids:
        _object(scene, oid)
    return _solve(scene, a.ids, a.constraints, report)


def _solve(scene: Scene, ids: tuple[str, ...], constraints: tuple, report: ApplyReport) -> Scene:
    """Solve a placement (:func:`worldsmith.layout.solver.solve_place`, rng from the scene seed,
    "layout" and the first object's id); objects it cannot place are removed with what rests on
    them and listed in ``report.unplaced``."""
    from ..layout.solver import solve_place
    from ..scene.rng import derive_rng

    try:
        outcome = solve_place(scene, ids, constraints, derive_rng(scene.seed, "layout", ids[0]))
    except PlacementError as exc:
        raise _conflict(str(exc), exc.hint) from None
    current = scene
    for oid, new in outcome.placed.items():
        old = current.object(oid)
        current = _replace_objects(current, _carry(current, old, new))
    gone: set[str] = set()
    for oid in ids:
        if oid in outcome.unplaced:
            obj = scene.object(oid)
            gone |= {oid} | {o.id for o in _dependents(current, oid)}
            report.unplaced.append({"id": oid, "category": obj.category,
                                    "constraint": outcome.failed.get(oid, ""), "reason": outcome.unplaced[oid]})
    if gone:
        current = _rebuild(current, objects=tuple(o for o in current.objects if o.id not in gone))
    report.placed.extend(oid for oid in ids if oid in outcome.placed)
    report.placed.extend(oid for oid in outcome.placed if oid not in ids)
    report.relations.extend(outcome.relations)
    return current


def _add_light(scene: Scene, a: A.AddLight, report: ApplyReport) -> Scene:
    _current_room(scene)
    light = a.light
    if any(other.id == light.id for other in scene.lights):
        raise _conflict(f"a light {light.id!r} already exists")
    if scene.room_at(light.position[:2]) is None:
        raise DSLError("E_BAD_ARGUMENT", f"light at ({light.position[0]:.2f}, {light.position[1]:.2f}) is outside "
                       "the room", hint="use a point inside the room polygon")
    report.lights.append(light.id)
    return _rebuild(scene, lights=scene.lights + (light,))


def _move(scene: Scene, a: A.Move, report: ApplyReport) -> Scene:
    old = _object(scene, a.id)
    p = old.position
    new = dataclasses.replace(old, position=(round(p[0] + a.dx, 6), round(p[1] + a.dy, 6), round(p[2] + a.dz, 6)))
    if new.support_kind in ("floor", "ceiling") and scene.room_at(new.position[:2]) is None:
        raise _conflict(f"moving {a.id} by ({a.dx:g}, {a.dy:g}) would take it out of the room")
    report.moved.append(a.id)
    return _keep_supported(scene, old, new)


def _rotate(scene: Scene, a: A.Rotate, report: ApplyReport) -> Scene:
    old = _object(scene, a.id)
    new = dataclasses.replace(old, yaw_deg=normalize_yaw(a.yaw_deg))
    report.moved.append(a.id)
    return _keep_supported(scene, old, new)


def _resize(scene: Scene, a: A.Resize, report: ApplyReport) -> Scene:
    old = _object(scene, a.id)
    try:
        new = dataclasses.replace(old, size=a.size)
    except SceneValidationError as exc:
        raise DSLError("E_BAD_ARGUMENT", str(exc)) from None
    if new.support_kind == "ceiling":
        room = scene.room_at(new.position[:2]) or scene.rooms[0]
        new = dataclasses.replace(new, position=(*new.position[:2], room.height - new.size[2]))
    elif new.support_kind == "wall":  # keep the back on the wall: shift by half the depth change
        wall = scene.wall(new.support_target or "")
        d = (new.size[1] - old.size[1]) / 2.0
        p = new.position
        new = dataclasses.replace(new, position=(round(p[0] + wall.normal[0] * d, 6),
                                                 round(p[1] + wall.normal[1] * d, 6), p[2]))
    report.moved.append(a.id)
    return _keep_supported(scene, old, new)


def _remove(scene: Scene, a: A.Remove, report: ApplyReport) -> Scene:
    _object(scene, a.id)
    gone = {a.id} | {o.id for o in _dependents(scene, a.id)}
    report.removed.extend(o.id for o in scene.objects if o.id in gone)
    return _rebuild(scene, objects=tuple(o for o in scene.objects if o.id not in gone))


_HANDLERS = {
    A.CreateRoom: _create_room,
    A.AddOpening: _add_opening,
    A.SetMaterial: _set_material,
    A.AddObject: _add_object,
    A.Place: _place,
    A.PlaceGroup: _place_group,
    A.AddLight: _add_light,
    A.Move: _move,
    A.Rotate: _rotate,
    A.Resize: _resize,
    A.Remove: _remove,
}
