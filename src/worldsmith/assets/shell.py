"""Room shell geometry: floor, ceiling, walls with real holes, door and window fittings.

:func:`build_room_shell` returns named nodes in WORLD coordinates (metres, Z up):

- ``floor_<room id>``: a slab following the room polygon (any simple polygon), top at z = 0,
  ``FLOOR_THICKNESS_M`` thick.
- ``ceiling_<room id>``: a slab over the polygon, bottom at ``room.height``.
- ``<wall id>`` (``wall_<i>``, the ids of ``scene.walls``): the wall's inner face is the polygon edge
  and its thickness extends outward (against ``wall.normal``). Ends are mitred so neighbouring walls
  close at convex and concave corners. Walls span from ``-FLOOR_THICKNESS_M`` to
  ``room.height + CEILING_THICKNESS_M`` so the shell is light-tight. Openings are real holes: the wall
  is made of full-height segments between openings plus a piece below each sill and above each
  lintel (parts ``segment_<k>``, ``below_<opening id>``, ``above_<opening id>``).
- ``<opening id>`` per door (``jamb_0``, ``jamb_1``, ``head``, ``leaf`` closed in the wall plane and
  thinner than the wall, ``handle``) and per window (``frame_left/right/top/bottom``, ``glass`` in
  ``"clear glass"``, ``mullion``, ``sill`` on the room side).

Materials: walls ``scene.surface_material(room, wall.id)`` (falls back to the room's ``"walls"``
entry, then ``DEFAULT_WALL_MATERIAL``), the floor and ceiling likewise. Rooms that share a wall should
be placed a wall thickness apart; otherwise their outward walls overlap.
"""

from __future__ import annotations

import math

import numpy as np
import shapely.geometry
import trimesh

from ..scene import Opening, Room, Scene, Wall
from ..scene.geometry import signed_area
from .parts import Part
from .primitives import box, cylinder_along, merge, prism, transformed

FLOOR_THICKNESS_M = 0.1
CEILING_THICKNESS_M = 0.1
DEFAULT_WALL_MATERIAL = "warm white paint"
DEFAULT_FLOOR_MATERIAL = "light oak planks"
DEFAULT_CEILING_MATERIAL = "white paint"
DOOR_FRAME_MATERIAL = "white painted wood"
DOOR_LEAF_MATERIAL = "white painted wood"
WINDOW_FRAME_MATERIAL = "white painted wood"
HANDLE_MATERIAL = "brushed steel"
MAX_MITRE = 3.0  # cap on tan(turn / 2), so very sharp corners do not spike


def build_room_shell(scene: Scene, room: Room) -> list[tuple[str, list[Part]]]:
    """Nodes ``(name, parts)`` of ``room``'s shell in world coordinates (see the module docs)."""
    nodes: list[tuple[str, list[Part]]] = [
        (f"floor_{room.id}", [Part("floor", _slab(room, -FLOOR_THICKNESS_M, FLOOR_THICKNESS_M),
                                   scene.surface_material(room, "floor") or DEFAULT_FLOOR_MATERIAL)]),
        (f"ceiling_{room.id}", [Part("ceiling", _slab(room, room.height, CEILING_THICKNESS_M),
                                     scene.surface_material(room, "ceiling") or DEFAULT_CEILING_MATERIAL)]),
    ]
    walls = [w for w in scene.walls if w.room == room.id]
    n = len(walls)
    for i, wall in enumerate(walls):
        openings = sorted((o for o in room.openings if o.wall == wall.id), key=lambda o: o.offset)
        material = scene.surface_material(room, wall.id) or DEFAULT_WALL_MATERIAL
        parts = _wall_parts(wall, walls[i - 1], walls[(i + 1) % n], openings, room.height, material)
        nodes.append((wall.id, parts))
    by_id = {w.id: w for w in walls}
    for o in room.openings:
        wall = by_id[o.wall]
        local = _door_parts(o, wall.thickness) if o.kind == "door" else _window_parts(o, wall.thickness)
        m = wall_frame(wall)
        nodes.append((o.id, [Part(p.name, transformed(p.mesh, m), p.material) for p in local]))
    return nodes


def wall_frame(wall: Wall) -> np.ndarray:
    """4x4 matrix from wall coordinates (u along the wall from its start, n along the inward normal,
    z up) to world coordinates. The wall body occupies n in [-thickness, 0]."""
    dx, dy = wall.direction
    m = np.eye(4)
    m[:3, 0] = (dx, dy, 0.0)
    m[:3, 1] = (-dy, dx, 0.0)
    m[:2, 3] = wall.start
    return m


def _slab(room: Room, z0: float, thickness: float) -> trimesh.Trimesh:
    poly = shapely.geometry.Polygon(room.polygon)
    mesh = trimesh.creation.extrude_polygon(poly, thickness)
    mesh.apply_translation((0.0, 0.0, z0))
    return mesh


def _turn(a: Wall, b: Wall) -> float:
    """Signed angle (radians) turning from wall ``a``'s direction to wall ``b``'s."""
    (ax, ay), (bx, by) = a.direction, b.direction
    return math.atan2(ax * by - ay * bx, ax * bx + ay * by)


def _mitres(wall: Wall, prev: Wall, nxt: Wall) -> tuple[float, float]:
    """u of the outer face's start and end: a convex corner extends the wall, a concave one cuts it."""
    t = wall.thickness
    a = -t * max(-MAX_MITRE, min(MAX_MITRE, math.tan(_turn(prev, wall) / 2.0)))
    b = wall.length + t * max(-MAX_MITRE, min(MAX_MITRE, math.tan(_turn(wall, nxt) / 2.0)))
    return a, b


def _clip(poly: list[tuple[float, float]], u: float, keep_greater: bool) -> list[tuple[float, float]]:
    """Sutherland-Hodgman clip of a convex (u, n) polygon by the line u = const."""
    out: list[tuple[float, float]] = []
    n = len(poly)
    for i in range(n):
        p, q = poly[i], poly[(i + 1) % n]
        pin = p[0] >= u if keep_greater else p[0] <= u
        qin = q[0] >= u if keep_greater else q[0] <= u
        if pin:
            out.append(p)
        if pin != qin:
            s = (u - p[0]) / (q[0] - p[0])
            out.append((u, p[1] + s * (q[1] - p[1])))
    return out



def _wall_parts(wall: Wall, prev: Wall, nxt: Wall, openings: list[Opening], height: float,
                material: str) -> list[Part]:
    t, L = wall.thickness, wall.length
    a, b = _mitres(wall, prev, nxt)
    footprint = [(0.0, 0.0), (a, -t), (b, -t), (L, 0.0)]
    z_bottom, z_top = -FLOOR_THICKNESS_M, height + CEILING_THICKNESS_M

    def piece(u0: float | None, u1: float | None, z0: float, z1: float) -> trimesh.Trimesh | None:
        poly = footprint
        if u0 is not None:
            poly = _clip(poly, u0, True)
        if u1 is not None and poly:
            poly = _clip(poly, u1, False)
        if len(poly) < 3 or abs(signed_area(poly)) < 1e-9 or z1 - z0 < 1e-6:
            return None
        return prism(poly, z0, z1)

    pieces: list[tuple[str, trimesh.Trimesh | None]] = []
    start: float | None = None  # None: the wall's (mitred) start
    for k, o in enumerate(openings):
        pieces.append((f"segment_{k}", piece(start, o.offset, z_bottom, z_top)))
        pieces.append((f"below_{o.id}", piece(o.offset, o.offset + o.width, z_bottom, o.sill)))
        pieces.append((f"above_{o.id}", piece(o.offset, o.offset + o.width, o.sill + o.height, z_top)))
        start = o.offset + o.width
    pieces.append((f"segment_{len(openings)}", piece(start, None, z_bottom, z_top)))
    m = wall_frame(wall)
    return [Part(name, transformed(mesh, m), material) for name, mesh in pieces if mesh is not None]


def _door_parts(o: Opening, t: float) -> list[Part]:
    u0, u1, h = o.offset, o.offset + o.width, o.height
    fw = min(0.05, 0.1 * o.width, 0.1 * h)
    parts = [
        Part("jamb_0", box((u0, -t, 0.0), (u0 + fw, 0.0, h)), DOOR_FRAME_MATERIAL),
        Part("jamb_1", box((u1 - fw, -t, 0.0), (u1, 0.0, h)), DOOR_FRAME_MATERIAL),
        Part("head", box((u0 + fw, -t, h - fw), (u1 - fw, 0.0, h)), DOOR_FRAME_MATERIAL),
    ]
    lt = min(0.04, 0.5 * t)
    gap = 0.003
    nc = -t / 2.0
    leaf_u0, leaf_u1 = u0 + fw + gap, u1 - fw - gap
    leaf = box((leaf_u0, nc - lt / 2, 0.008), (leaf_u1, nc + lt / 2, h - fw - gap))
    parts.append(Part("leaf", leaf, DOOR_LEAF_MATERIAL))
    # lever handles on both faces, on the side away from the hinge, levers pointing to the hinge
    hu = leaf_u1 - 0.07 if o.hinge == "start" else leaf_u0 + 0.07
    lever = 0.11 if o.hinge == "start" else -0.11
    hz = min(1.0, 0.5 * h)
    pieces = []
    for side in (1.0, -1.0):
        face = nc + side * lt / 2.0
        rose_start = face if side > 0 else face - 0.05
        pieces.append(cylinder_along("y", (hu, rose_start, hz), 0.05, 0.009, 12))
        n0, n1 = sorted((face + side * 0.04, face + side * 0.055))
        l0, l1 = sorted((hu, hu - lever))
        pieces.append(box((l0, n0, hz - 0.008), (l1, n1, hz + 0.008)))
    parts.append(Part("handle", merge(pieces), HANDLE_MATERIAL))
    return parts


def _window_parts(o: Opening, t: float) -> list[Part]:
    u0, u1 = o.offset, o.offset + o.width
    z0, z1 = o.sill, o.sill + o.height
    fw = min(0.05, 0.12 * o.width, 0.12 * o.height)
    fd = min(0.08, t)
    n0, n1 = -t / 2.0 - fd / 2.0, -t / 2.0 + fd / 2.0
    parts = [
        Part("frame_left", box((u0, n0, z0), (u0 + fw, n1, z1)), WINDOW_FRAME_MATERIAL),
        Part("frame_right", box((u1 - fw, n0, z0), (u1, n1, z1)), WINDOW_FRAME_MATERIAL),
        Part("frame_bottom", box((u0 + fw, n0, z0), (u1 - fw, n1, z0 + fw)), WINDOW_FRAME_MATERIAL),
        Part("frame_top", box((u0 + fw, n0, z1 - fw), (u1 - fw, n1, z1)), WINDOW_FRAME_MATERIAL),
        Part("glass", box((u0 + fw, -t / 2.0 - 0.003, z0 + fw), (u1 - fw, -t / 2.0 + 0.003, z1 - fw)), "clear glass"),
    ]
    mw = min(0.03, 0.1 * o.width)
    uc = (u0 + u1) / 2.0
    parts.append(Part("mullion", box((uc - mw / 2, n0 + 0.1 * fd, z0 + fw), (uc + mw / 2, n1 - 0.1 * fd, z1 - fw)),
                      WINDOW_FRAME_MATERIAL))
    if z0 > 0.05:
        parts.append(Part("sill", box((u0 - 0.04, -t / 2.0, z0 - 0.025), (u1 + 0.04, 0.035, z0 + 0.002)),
                          WINDOW_FRAME_MATERIAL))
    return parts
