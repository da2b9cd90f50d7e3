"""Direct placement: turn the constraints a program gave into an object pose.

Rules (documented for policies):
- ``At(x, y)`` sets the bottom centre; ``Yaw(deg)`` the heading; ``Against(wall, along)`` puts the
  object's back on the wall's inner face (floor objects keep a 1 cm gap, wall objects are flush),
  its front along the wall's inward normal, centred at ``along`` of the wall's length. With both
  ``At`` and ``Against``, the point is projected onto the wall.
- z follows the support: 0 on the floor, the ceiling minus the height for ceiling objects, the
  surface height for objects on objects, and ``Height`` (or the catalog's mount height) on walls.
"""

from __future__ import annotations

import dataclasses
from typing import Sequence

import numpy as np

from ..assets import catalog
from ..scene import ObjectInstance, Room, Scene, WorldsmithError
from ..scene.geometry import Point2, point_in_polygon, yaw_facing
from .constraints import Against, At, Constraint, Height, Yaw

FLOOR_WALL_GAP_M = 0.01
DEFAULT_MOUNT_HEIGHT_M = 1.2


class PlacementError(WorldsmithError):
    """A placement request that cannot be met; ``hint`` says what would work."""

    def __init__(self, message: str, hint: str = ""):
        self.hint = hint
        super().__init__(message)


def interior_point(room: Room) -> Point2:
    """A point well inside the room: the centroid when it lies inside, else shapely's
    representative point (L and U shapes)."""
    from shapely.geometry import Polygon

    poly = Polygon(room.polygon)
    c = poly.centroid
    if point_in_polygon((c.x, c.y), room.polygon) and poly.exterior.distance(c) > 0.3:
        return (round(c.x, 6), round(c.y, 6))
    rp = poly.representative_point()
    return (round(rp.x, 6), round(rp.y, 6))


def _surface_world_z(target: ObjectInstance, surface: int | None) -> tuple[float, Point2]:
    from ..assets.surfaces import support_surfaces
    from ..assets.build import object_transform

    surfaces = support_surfaces(target)
    if not surfaces:
        raise PlacementError(f"{target.id} has no surface to put things on")
    index = 0 if surface is None else surface
    match = [s for s in surfaces if s.index == index]
    if not match:
        raise PlacementError(
            f"{target.id} has no surface #{index}",
            "surfaces: " + ", ".join(f"#{s.index} at {s.z:.2f} m" for s in surfaces))
    s = match[0]
    xs = [p[0] for p in s.polygon]
    ys = [p[1] for p in s.polygon]
    cx, cy = (min(xs) + max(xs)) / 2.0, (min(ys) + max(ys)) / 2.0
    world = object_transform(target) @ np.array([cx, cy, 0.0, 1.0])
    return target.position[2] + s.z, (float(world[0]), float(world[1]))


def room_for(scene: Scene, point: Point2 | None = None) -> Room:
    if not scene.rooms:
        raise PlacementError("the scene has no room yet", "start the program with room(...)")
    if point is not None:
        found = scene.room_at(point)
        if found is not None:
            return found
    return scene.rooms[0]


def dependents(scene: Scene, object_id: str) -> set[str]:
    """Ids of the objects standing (directly or through others) on ``object_id``."""
    out: set[str] = set()
    frontier = {object_id}
    while frontier:
        nxt = {o.id for o in scene.objects if o.support_kind == "object" and o.support_target in frontier}
        nxt -= out | {object_id}
        out |= nxt
        frontier = nxt
    return out


def default_pose(scene: Scene, category: str, size: Sequence[float], on: str | None = None,
                 surface: int | None = None, asset=None) -> tuple[tuple[float, float, float], float, str]:
    """Where a freshly added object starts: (position, yaw_deg, support). ``asset`` lets a proxy
    (a category the catalog does not know) say its support."""
    info = catalog.info_for(category, asset, tuple(size))
    if on is not None:
        target = scene.object(on)
        z, (x, y) = _surface_world_z(target, surface)
        support = f"object:{on}" + (f"#{surface}" if surface is not None else "")
        return (x, y, z), target.yaw_deg, support
    room = room_for(scene)
    if info.support == "wall":
        wall = room.walls(_first_wall_index(scene, room))[0]
        return _against_pose(wall, size, 0.5, _mount_height(info, size, room), flush=True), yaw_facing(wall.normal), \
            f"wall:{wall.id}"
    x, y = interior_point(room)
    if info.support == "ceiling":
        return (x, y, room.height - size[2]), 0.0, "ceiling"
    return (x, y, 0.0), 0.0, "floor"


def _first_wall_index(scene: Scene, room: Room) -> int:
    for w in scene.walls:
        if w.room == room.id:
            return w.index
    return 0


def _mount_height(info: catalog.CategoryInfo, size: Sequence[float], room: Room) -> float:
    h = info.mount_height_m if info.mount_height_m is not None else DEFAULT_MOUNT_HEIGHT_M
    return max(0.0, min(float(h), room.height - size[2]))


def _against_pose(wall, size: Sequence[float], along: float, z: float, flush: bool) -> tuple[float, float, float]:
    gap = 0.0 if flush else FLOOR_WALL_GAP_M
    px, py = wall.point_at(along * wall.length)
    nx, ny = wall.normal
    off = size[1] / 2.0 + gap
    return (round(px + nx * off, 6), round(py + ny * off, 6), z)


def resolve_place(scene: Scene, obj: ObjectInstance, constraints: Sequence[Constraint]) -> ObjectInstance:
    """The object moved to satisfy ``constraints``; raises PlacementError when they cannot be."""
    at = next((c for c in constraints if isinstance(c, At)), None)
    yaw = next((c for c in constraints if isinstance(c, Yaw)), None)
    against = next((c for c in constraints if isinstance(c, Against)), None)
    height = next((c for c in constraints if isinstance(c, Height)), None)
    info = catalog.info_for(obj.category, obj.asset, obj.size)
    position = list(obj.position)
    yaw_deg = obj.yaw_deg
    support = obj.support
    if against is not None:
        if against.wall not in scene.wall_map:
            raise PlacementError(f"unknown wall {against.wall!r}", "walls: " + ", ".join(scene.wall_map))
        wall = scene.wall(against.wall)
        room = scene.room(wall.room)
        along = against.along
        if at is not None:
            dx, dy = wall.direction
            along = ((at.x - wall.start[0]) * dx + (at.y - wall.start[1]) * dy) / wall.length
        half = obj.size[0] / 2.0 / wall.length
        if obj.size[0] > wall.length + 1e-9:
            raise PlacementError(
                f"{obj.id} is {obj.size[0]:.2f} m wide but {wall.id} is only {wall.length:.2f} m long",
                "resize it or choose a longer wall")
        along = min(max(along, half), 1.0 - half)
        if info.support == "wall" or obj.support_kind == "wall":
            z = height.m if height is not None else _mount_height(info, obj.size, room)
            if z + obj.size[2] > room.height + 1e-9:
                raise PlacementError(f"{obj.id} would reach above the ceiling at height {z:.2f} m",
                                     f"use a height <= {room.height - obj.size[2]:.2f}")
            position = list(_against_pose(wall, obj.size, along, z, flush=True))
            support = f"wall:{wall.id}"
        else:
            if obj.support_kind == "object":
                raise PlacementError(f"{obj.id} stands on another object and cannot go against a wall",
                                     "add it without on= to place it on the floor")
            if height is not None:
                raise PlacementError(f"height= is for wall-mounted objects; {obj.id} stands on the floor",
                                     "drop height=")
            position = list(_against_pose(wall, obj.size, along, position[2], flush=False))
        yaw_deg = yaw_facing(wall.normal) if yaw is None else yaw.deg
    else:
        if at is not None:
            position[0], position[1] = at.x, at.y
            if obj.support_kind == "wall":  # leaving the wall: stand on the floor
                support, position[2] = "floor", 0.0
        if yaw is not None:
            yaw_deg = yaw.deg
        if height is not None:
            if obj.support_kind != "wall":
                raise PlacementError(f"height= is for wall-mounted objects; {obj.id} stands on {obj.support}",
                                     "use against=<wall> with height=")
            position[2] = height.m
    if obj.support == "floor" or support == "floor":
        position[2] = 0.0 if support == "floor" else position[2]
    if scene.rooms and support in ("floor", "ceiling"):
        room = scene.room_at((position[0], position[1]))
        if room is None:
            raise PlacementError(
                f"({position[0]:.2f}, {position[1]:.2f}) is outside every room",
                "use a point inside the room polygon; query wall_length()/room bounds to compute one")
        if support == "ceiling":
            position[2] = room.height - obj.size[2]
    return dataclasses.replace(obj, position=tuple(position), yaw_deg=normalize_yaw(yaw_deg), support=support)


def normalize_yaw(deg: float) -> float:
    """Yaw in [0, 360), rounded to micro-degrees so repeated turns stay stable."""
    y = round(float(deg) % 360.0, 6)
    return 0.0 if y >= 360.0 else y


SUPPORT_TOL_M = 0.01


def support_problem(scene: Scene, obj: ObjectInstance) -> tuple[str, str] | None:
    """Why ``obj`` does not rest on its declared support, as (problem, hint), or None when it does.

    floor: bottom at z = 0; ceiling: top at the room height; wall: back on the wall's inner face,
    facing into the room, within the wall's length; object: bottom on the surface, centre over it.
    Tolerance 1 cm (the validator's support threshold)."""
    import math

    from ..scene.geometry import front_direction

    kind, target = obj.support_kind, obj.support_target
    if kind == "floor":
        if abs(obj.position[2]) > SUPPORT_TOL_M:
            return f"{obj.id} would float {obj.position[2]:.2f} m above the floor", "keep dz = 0 for floor objects"
        return None
    if kind == "ceiling":
        room = scene.room_at(obj.position[:2])
        if room is not None and abs(obj.top - room.height) > SUPPORT_TOL_M:
            return f"{obj.id} would hang off the ceiling", "keep dz = 0 for ceiling objects"
        return None
    if kind == "wall":
        wall = scene.wall(target or "")
        fx, fy = front_direction(obj.yaw_deg)
        nx, ny = wall.normal
        if fx * nx + fy * ny < math.cos(math.radians(1.0)):
            return (f"{obj.id} would turn away from {wall.id}",
                    f"wall objects face into the room (yaw {yaw_facing(wall.normal):g} on {wall.id})")
        rel = (obj.position[0] - wall.start[0], obj.position[1] - wall.start[1])
        gap = rel[0] * nx + rel[1] * ny - obj.size[1] / 2.0
        along = rel[0] * wall.direction[0] + rel[1] * wall.direction[1]
        if abs(gap) > SUPPORT_TOL_M:
            return (f"{obj.id} would leave {wall.id} ({gap:+.2f} m off its face)",
                    f"move it along the wall, direction ({wall.direction[0]:.2f}, {wall.direction[1]:.2f}), "
                    "or place it against another wall")
        half = obj.size[0] / 2.0
        if along - half < -SUPPORT_TOL_M or along + half > wall.length + SUPPORT_TOL_M:
            return f"{obj.id} would stick out past the end of {wall.id}", "keep it within the wall's length"
        return None
    base = scene.object_map.get(target or "")
    if base is None:
        return f"{obj.id} rests on {target!r}, which is not in the scene", "add it again on an existing object"
    from ..assets.build import object_transform
    from ..assets.surfaces import support_surfaces

    index = int(obj.support.split("#", 1)[1]) if "#" in obj.support else 0
    surface = next((s for s in support_surfaces(base) if s.index == index), None)
    if surface is None:
        return f"{base.id} has no surface #{index}", "use surface= with an index the object has"
    z = base.position[2] + surface.z
    if abs(obj.position[2] - z) > SUPPORT_TOL_M:
        return (f"{obj.id} would {'float above' if obj.position[2] > z else 'sink into'} {base.id}",
                f"objects on {base.id} rest at z = {z:.2f}")
    local = np.linalg.inv(object_transform(base)) @ np.array([*obj.position, 1.0])
    if not point_in_polygon((float(local[0]), float(local[1])), surface.polygon):
        return (f"{obj.id} would hang off the edge of {base.id}",
                f"keep its centre over {base.id}'s surface #{index}, or remove it and add it on another object")
    return None

