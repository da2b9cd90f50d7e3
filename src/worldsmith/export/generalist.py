"""3D-Generalist ``scene.json``: export, and import back into a :class:`~worldsmith.scene.Scene`.

The format is the scene file of the 3D-Generalist reference integration
(github.com/sunfanyunn/3D-Generalist, ``omniverse_integration/sample_scenes/*/scene.json``). Units are
metres, Z up. The document is ``{"objects": {<name>: <entry>, ...}, "room_type": <text>}``; every
entry has ``description``, ``category`` (``walls``, ``floors``, ``ceilings``, ``doors``, ``windows``,
``lights`` or ``objects``), ``placements`` (a list of ``{"position", "rotation", "scale",
"instance_id"}``), ``bbox_size``, ``material`` (``{"id", "description"}`` or null), ``identifier``
and ``metadata``.

How we read and write each field
--------------------------------
- ``walls``: ``metadata.polygon`` is the wall's inner face as a vertical quad ``[p0, p1, p1 + h,
  p0 + h]`` (``p0 -> p1`` along the wall); the placement position is its centre. We write one
  entry ``walls_<i>`` per wall, ``p0 -> p1`` = our wall's start -> end (the room polygon is stored
  counter-clockwise, so that is the format's own winding).
- ``floors`` / ``ceilings``: ``metadata.polygon`` is the room outline at z = 0 / z = room height;
  ``bbox_size`` its extent. A file may list the outline in either winding; like
  :class:`~worldsmith.scene.Room` we keep the first vertex and make it counter-clockwise, and our
  wall ``i`` runs from vertex ``i`` to vertex ``i + 1``. One room is written as ``floors`` and
  ``ceilings``; several as ``floors_<room id>`` ...
- ``doors`` / ``windows``: ``metadata.parent_obj`` names the wall entry, ``width`` and ``height``
  the opening, ``bbox_on_wall = [x0, y0, x1, y1]`` its box in the wall's plane, measured from the
  wall's centre: ``x`` along ``p0 -> p1``, ``y`` up from mid-height (the sample's doors start at
  ``y0 = -height / 2``). The placement position is that box's centre ``[x, y]`` and ``bbox_size``
  its world-axis extent (zero across the wall). Import centres the opening on the box and takes its
  size from ``width`` / ``height`` (the box's when they are missing), its sill from ``y0``.
- ``lights``: ``metadata.light_type`` (``point``, ``spot``, ``area``; ``sphere`` reads as point,
  ``rect`` / ``disk`` as area), ``light_intensity`` in **watts** (an incandescent-equivalent bulb:
  our ``Light.watts``, or lumens / 15), ``light_color`` 0-255 sRGB (from ``rgb`` or the black-body
  colour of ``kelvin``), ``is_ceiling_light`` true for our ``ceiling_fixture`` lights. The placement
  position is the light's position.
- ``objects``: the placement position is the **centre of the bounding box** (the sample's objects
  sit at z = height / 2), ``rotation`` the yaw in **degrees** counter-clockwise about +Z (ours:
  0 faces +Y), ``scale`` a factor on ``bbox_size`` (our ``size``: width, depth, height; a list of 3
  factors is accepted). ``material`` is the object's main material (the part material covering the
  largest area): ``id`` is our library material's name, ``description`` the description it came
  from. ``metadata.annotation`` is objathor-style (``category``, ``description``, ``width`` /
  ``depth`` / ``height`` in cm, ``onFloor`` / ``onWall`` / ``onCeiling`` / ``onObject``,
  ``materials``, ``dim_x/y/z``); lighting fixtures hanging from the ceiling
  (:data:`LIGHT_FIXTURES`) get ``is_ceiling_light`` and ``light_color`` (the nearest light's
  colour), which the reference integration turns into a light.

What the sample does not settle: its rotations are all 0 and the reference integration's code does
not read placements, so the rotation unit (degrees) and its sense (counter-clockwise, 0 = facing
+Y) are our choice, not confirmed by the reference; the ``bbox_on_wall`` axes are checked against the sample's numbers
(each opening's placement ``x`` is its box's centre, and the doors' boxes start at ``-height / 2``).

Exact round trips
-----------------
Every entry we write carries ``metadata.worldsmith``: the object's, light's or opening's own scene
record (:func:`worldsmith.scene.scene_to_dict`), the room record on the floor entry, ``{"wall",
"room"}`` on walls; the document carries ``"worldsmith": {"format", "schema_version", "prompt",
"seed", "material_choices"}``. Import uses those records, so ``dumps(import_generalist(path))``
equals ``dumps(scene)`` for an exported scene. Room polygons are read from ``metadata.polygon``
(the same numbers). A placement that another tool changed (position, rotation or scaled size off
the record's by more than :data:`EDIT_TOL`) wins over the record and is reported in the notes.

Foreign files
-------------
Entries without a ``worldsmith`` record (the sample's style: objathor annotations, Objaverse
URLs) are interpreted:

- rooms from ``floors`` polygons; height from the ``ceilings`` polygon with the same outline,
  else the tallest wall on the outline, else :data:`DEFAULT_ROOM_HEIGHT`; the room is named by
  ``room_type`` when there is one room; surface materials from the entries' material descriptions
  (their ``id`` when the description is empty);
- wall entries are matched to room edges: both ends within :data:`EDGE_MATCH_TOL_M` of an edge's
  ends (either way round), or a piece of an edge (both ends within that distance of the edge's
  line); openings go on the matched wall; one that overlaps an earlier opening, or whose wall is
  unknown, is skipped with a note;
- objects: the category comes from :func:`match_imported_category` over the annotation's
  ``category``, the entry's ``description``, ``lvis_category``, the entry name and the
  annotation's ``description``; what the catalog does not know becomes a labelled proxy
  (``worldsmith.assets.procedural.proxy``, the project's labelled stand-in box, shaped by its
  size) of the given size; size is ``bbox_size`` x ``scale`` (else the annotation's ``dim_*``);
  assets are built as the DSL's ``add`` builds them, with the rng
  ``derive_rng(seed, "asset", object id)``, so import is deterministic; ids are ``<category>_<n>``;
  support is inferred by :func:`settle_objects`. Every foreign object's original name,
  identifier, URLs and the category match are kept in :attr:`ImportResult.references`;
- ``objects`` with ``is_ceiling_light: true`` also add a ``ceiling_fixture`` light of
  :data:`DEFAULT_FIXTURE_WATTS` in their ``light_color``, :data:`FIXTURE_LIGHT_DROP_M` below them;
- the support an annotation claims (its ``hint``) is ``onCeiling``, ``onWall``, ``onObject`` or
  ``onFloor``, in that order, except that ``onObject`` together with ``onFloor`` (as the sample
  marks its tables and lamps) claims nothing and lets the geometry decide.

Support inference (:func:`worldsmith.export.importing.settle_objects`, whose module holds the
tolerances), in this order, objects taken bottom-up:

1. an object that wants the ceiling (annotation ``onCeiling``, or its catalog support) and whose
   top is within :data:`CEILING_TOL_M` of the ceiling (or above it) hangs from the ceiling (its top
   moved to the ceiling);
2. one that wants a wall (``onWall`` or catalog) with its back within :data:`WALL_TOL_M` of a
   wall's inner face is mounted on that wall (turned to face the room, back on the face);
3. a bottom within :data:`FLOOR_TOL_M` of the floor: the floor (bottom moved to z = 0);
4. a bottom within :data:`STACK_TOL_M` of a support surface of an already placed object whose
   polygon holds the object's centre: that object (the closest surface; bottom moved onto it);
5. otherwise it keeps its height on the floor, and a note says it floats.

Errors: a file that is not JSON, has no ``objects`` mapping, or has a malformed entry (a polygon of
fewer than 3 points, a non-numeric position ...) raises :class:`GeneralistFormatError` with one line
naming the file and the entry's path.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from ..scene import Light, ObjectInstance, Scene, SceneValidationError
from ..scene.codec import SCHEMA_VERSION, scene_from_dict, scene_to_dict
from ..scene.geometry import signed_area
from ..scene.model import LUMENS_PER_WATT
from .errors import ExportError
from .importing import (
    CategoryGuess, ImportResult, RawObject, catalog_category_of, clean_label, fresh_id, match_imported_category,
    material_choices_for, settle_objects,
)

log = logging.getLogger(__name__)

#: the value of ``worldsmith.format`` in documents we write
FORMAT_TAG = "worldsmith-generalist@1"
#: entry categories of the format
CATEGORIES = ("walls", "floors", "ceilings", "doors", "windows", "lights", "objects")
#: lighting fixtures whose entries get ``is_ceiling_light`` (when they hang from the ceiling)
LIGHT_FIXTURES = frozenset({"ceiling_light", "pendant_light", "chandelier"})

#: room height when a foreign file gives neither a ceiling nor walls (m)
DEFAULT_ROOM_HEIGHT = 2.8
#: wall thickness of foreign rooms (the format has none; the scene model's default, m)
DEFAULT_WALL_THICKNESS = 0.12
#: power of the light added for a foreign ``is_ceiling_light`` object (W)
DEFAULT_FIXTURE_WATTS = 60.0
#: the light added for a fixture hangs this far below the fixture's bottom (m)
FIXTURE_LIGHT_DROP_M = 0.05

#: a wall entry's end this close to a room edge's end (or line) matches that edge (m)
EDGE_MATCH_TOL_M = 0.02
#: ... this close to a support surface rests on it; generous, since generated files are loose by up
#: decimals kept for positions, sizes and opening dimensions computed from foreign entries (1e-9 m)
TIDY_DIGITS = 9
#: a placement that differs from its worldsmith record by more than this was edited elsewhere
EDIT_TOL = 1e-6



class GeneralistFormatError(ExportError):
    """A file could not be read as a 3D-Generalist scene (the message names the file and field)."""


# ---------------------------------------------------------------------------------------------
# small helpers


def _clean(x: float) -> float:
    v = float(x)
    return 0.0 if v == 0.0 else v


def _tidy(x: float) -> float:
    """A value computed from a foreign file, rounded to :data:`TIDY_DIGITS` decimals (float noise such
    as 0.8999999999999999 from -0.5 + 1.4 goes; nothing a file can mean is lost)."""
    v = round(float(x), TIDY_DIGITS)
    return 0.0 if v == 0.0 else v


def _vec(values: Iterable[float]) -> list[float]:
    return [_clean(v) for v in values]


def _srgb255(rgb: Sequence[float]) -> list[int]:
    from ..materials.colors import linear_to_srgb

    return [int(round(255.0 * linear_to_srgb(float(c)))) for c in rgb[:3]]


def _light_rgb(light: Light) -> tuple[float, float, float]:
    from ..materials import kelvin_to_rgb

    if light.rgb is not None:
        return tuple(light.rgb)  # type: ignore[return-value]
    return kelvin_to_rgb(light.kelvin_value or 4000.0)


def _library_name(description: str) -> str:
    from ..materials import resolve_material

    return resolve_material(description).name


def _material(description: str) -> dict[str, str]:
    return {"id": _library_name(description), "description": description}


def _placement(position: Sequence[float], rotation: float = 0.0) -> dict[str, Any]:
    return {"position": _vec(position), "rotation": _clean(rotation), "scale": 1.0, "instance_id": None}


# ---------------------------------------------------------------------------------------------
# export


def _object_materials(obj: ObjectInstance) -> tuple[str, list[str]]:
    """The object's main material (the part material covering the largest surface area; ties: the
    first) and all its part materials in part order, as descriptions."""
    from ..assets import build_object_parts
    from ..materials.assign import part_materials

    parts = build_object_parts(obj)
    area: dict[str, float] = {}
    for part, (description, _color) in zip(parts, part_materials(obj, parts)):
        area[description] = area.get(description, 0.0) + float(part.mesh.area)
    return max(area, key=lambda d: area[d]), list(area)


def _unique(name: str, taken: set[str]) -> str:
    out, n = name, 1
    while out in taken:
        n += 1
        out = f"{name}_{n}"
    taken.add(out)
    return out


def scene_to_generalist(scene: Scene) -> dict[str, Any]:
    """The scene as a 3D-Generalist document (see the module doc)."""
    from ..assets.shell import DEFAULT_CEILING_MATERIAL, DEFAULT_FLOOR_MATERIAL, DEFAULT_WALL_MATERIAL
    from .sceneeval import describe_object

    codec = scene_to_dict(scene)
    taken = {o.id for o in scene.objects} | {light.id for light in scene.lights} | {
        o.id for _r, o in scene.openings()}
    wall_key = {w.id: _unique(f"walls_{w.index}", taken) for w in scene.walls}
    single = len(scene.rooms) == 1
    entries: dict[str, dict[str, Any]] = {}
    shells: dict[str, dict[str, Any]] = {}
    for room in scene.rooms:
        h = room.height
        for wall in (w for w in scene.walls if w.room == room.id):
            (sx, sy), (ex, ey) = wall.start, wall.end
            description = scene.surface_material(room, wall.id) or DEFAULT_WALL_MATERIAL
            entries[wall_key[wall.id]] = {
                "description": "", "category": "walls",
                "placements": [_placement(((sx + ex) / 2.0, (sy + ey) / 2.0, h / 2.0))],
                "bbox_size": None, "material": _material(description), "identifier": None,
                "metadata": {"polygon": [_vec((sx, sy, 0.0)), _vec((ex, ey, 0.0)), _vec((ex, ey, h)),
                                         _vec((sx, sy, h))],
                             "worldsmith": {"wall": wall.id, "room": room.id}},
            }
        for o in room.openings:
            wall = scene.wall(o.wall)
            length = wall.length
            x0, y0 = o.offset - length / 2.0, o.sill - h / 2.0
            x1, y1 = x0 + o.width, y0 + o.height
            dx, dy = wall.direction
            meta: dict[str, Any] = {}
            if o.kind == "door":
                from ..assets.shell import DOOR_FRAME_MATERIAL, DOOR_LEAF_MATERIAL, HANDLE_MATERIAL

                meta.update({"door_type": "single", "onFloor": True, "frame_material": _material(DOOR_FRAME_MATERIAL),
                             "door_material": _material(DOOR_LEAF_MATERIAL),
                             "door_handle_material": _material(HANDLE_MATERIAL)})
            else:
                from ..assets.shell import WINDOW_FRAME_MATERIAL

                meta.update({"window_type": "fixed", "onFloor": o.sill == 0.0,
                             "frame_material": _material(WINDOW_FRAME_MATERIAL)})
            meta.update({"width": _clean(o.width), "height": _clean(o.height),
                         "bbox_on_wall": _vec((x0, y0, x1, y1)), "parent_obj": wall_key[o.wall],
                         "worldsmith": {"id": o.id, "room": room.id,
                                        **codec["rooms"][room.id]["openings"][o.id]}})
            entries[o.id] = {
                "description": "", "category": f"{o.kind}s",
                "placements": [_placement(((x0 + x1) / 2.0, (y0 + y1) / 2.0))],
                "bbox_size": _vec((abs(dx) * o.width, abs(dy) * o.width, o.height)),
                "material": None, "identifier": None, "metadata": meta,
            }
        xs = [p[0] for p in room.polygon]
        ys = [p[1] for p in room.polygon]
        extent = _vec((max(xs) - min(xs), max(ys) - min(ys), 0.0))
        record = {k: v for k, v in codec["rooms"][room.id].items() if k not in ("openings", "polygon")}
        floor_desc = scene.surface_material(room, "floor") or DEFAULT_FLOOR_MATERIAL
        ceiling_desc = scene.surface_material(room, "ceiling") or DEFAULT_CEILING_MATERIAL
        suffix = "" if single else f"_{room.id}"
        shells[_unique("floors" + suffix, taken)] = {
            "description": "", "category": "floors", "placements": [_placement((0.0, 0.0, 0.0))],
            "bbox_size": extent, "material": _material(floor_desc), "identifier": None,
            "metadata": {"polygon": [_vec((x, y, 0.0)) for x, y in room.polygon],
                         "worldsmith": {"room": {"id": room.id, **record}}},
        }
        shells[_unique("ceilings" + suffix, taken)] = {
            "description": "", "category": "ceilings", "placements": [_placement((0.0, 0.0, 0.0))],
            "bbox_size": extent, "material": _material(ceiling_desc), "identifier": None,
            "metadata": {"polygon": [_vec((x, y, h)) for x, y in room.polygon],
                         "worldsmith": {"room": room.id}},
        }
    entries.update(shells)

    for light in scene.lights:
        watts = light.watts if light.watts is not None else light.lumens_value / LUMENS_PER_WATT
        kind = {"ceiling_fixture": "point"}.get(light.kind, light.kind)
        entries[light.id] = {
            "description": f"{light.kind.replace('_', ' ')} light", "category": "lights",
            "placements": [_placement(light.position)], "bbox_size": None, "material": None, "identifier": None,
            "metadata": {"light_intensity": _clean(watts), "light_type": kind,
                         "light_color": _srgb255(_light_rgb(light)),
                         "is_ceiling_light": light.kind == "ceiling_fixture",
                         "worldsmith": codec["lights"][light.id]},
        }

    for obj in scene.objects:
        w, d, h = obj.size
        support = obj.support_kind
        main, descriptions = _object_materials(obj)
        annotation = {
            "description": describe_object(obj), "category": obj.category.replace("_", " "),
            "width": _clean(round(w * 100.0, 4)), "depth": _clean(round(d * 100.0, 4)),
            "height": _clean(round(h * 100.0, 4)), "materials": descriptions,
            "onCeiling": support == "ceiling", "onWall": support == "wall", "onFloor": support == "floor",
            "onObject": support == "object", "uid": obj.id, "dim_x": _clean(w), "dim_y": _clean(d), "dim_z": _clean(h),
        }
        meta: dict[str, Any] = {"annotation": annotation}
        if obj.category in LIGHT_FIXTURES and support == "ceiling":
            meta["is_ceiling_light"] = True
            meta["light_color"] = _fixture_color(scene, obj)
        meta["worldsmith"] = codec["objects"][obj.id]
        x, y, z = obj.position
        entries[obj.id] = {
            "description": obj.category, "category": "objects",
            "placements": [_placement((x, y, z + h / 2.0), obj.yaw_deg)],
            "bbox_size": _vec(obj.size), "material": _material(main),
            "identifier": f"worldsmith:{obj.asset.source}:{obj.asset.name}", "metadata": meta,
        }

    room_type = scene.rooms[0].name if single else (scene.prompt or "an interior scene")
    return {
        "objects": entries,
        "room_type": room_type,
        "worldsmith": {"format": FORMAT_TAG, "schema_version": SCHEMA_VERSION, "prompt": scene.prompt,
                       "seed": scene.seed, "material_choices": codec["material_choices"]},
    }


def _fixture_color(scene: Scene, obj: ObjectInstance) -> list[int]:
    """0-255 colour of the light nearest to a fixture (white without lights)."""
    if not scene.lights:
        return [255, 255, 255]
    near = min(scene.lights, key=lambda li: math.dist(li.position, obj.position))
    return _srgb255(_light_rgb(near))


def export_generalist(scene: Scene, path: str | Path) -> None:
    """Write ``scene`` as a 3D-Generalist ``scene.json`` at ``path`` (parent folders are created)."""
    p = Path(path)
    doc = scene_to_generalist(scene)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(doc, indent=4, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8")
    log.info("wrote %s (%d entries)", p, len(doc["objects"]))


# ---------------------------------------------------------------------------------------------
# import


class _Reader:
    """Validating accessors that raise one-line GeneralistFormatErrors naming the entry path."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, where: str, expected: str, got: Any) -> GeneralistFormatError:
        text = repr(got)
        if len(text) > 60:
            text = text[:57] + "..."
        return GeneralistFormatError(f"{self.source}: {where}: expected {expected}, got {text}")

    def mapping(self, value: Any, where: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(where, "a JSON object", value)
        return value

    def number(self, value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise self.fail(where, "a finite number", value)
        return float(value)

    def vector(self, value: Any, n: int | tuple[int, ...], where: str) -> tuple[float, ...]:
        sizes = (n,) if isinstance(n, int) else n
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or len(value) not in sizes:
            raise self.fail(where, " or ".join(f"a list of {k} numbers" for k in sizes), value)
        return tuple(self.number(v, f"{where}[{i}]") for i, v in enumerate(value))

    def polygon(self, entry: Mapping[str, Any], where: str) -> list[tuple[float, float, float]]:
        meta = self.mapping(entry.get("metadata"), f"{where}.metadata")
        pts = meta.get("polygon")
        if isinstance(pts, (str, bytes)) or not isinstance(pts, Sequence) or len(pts) < 3:
            raise self.fail(f"{where}.metadata.polygon", "a list of at least 3 [x, y, z] points", pts)
        out = []
        for i, p in enumerate(pts):
            v = self.vector(p, (2, 3), f"{where}.metadata.polygon[{i}]")
            out.append((v[0], v[1], v[2] if len(v) == 3 else 0.0))
        return out

    def placements(self, entry: Mapping[str, Any], where: str) -> list[Mapping[str, Any]]:
        pl = entry.get("placements")
        if isinstance(pl, (str, bytes)) or not isinstance(pl, Sequence):
            raise self.fail(f"{where}.placements", "a list of placements", pl)
        return [self.mapping(p, f"{where}.placements[{i}]") for i, p in enumerate(pl)]

    def rotation(self, value: Any, where: str) -> float:
        if value is None:
            return 0.0
        if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
            return self.vector(value, 3, where)[2]  # [rx, ry, rz]: the yaw
        return self.number(value, where)

    def scale(self, value: Any, where: str) -> tuple[float, float, float]:
        if value is None:
            return (1.0, 1.0, 1.0)
        if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
            return self.vector(value, 3, where)  # type: ignore[return-value]
        s = self.number(value, where)
        return (s, s, s)


def _ccw(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The outline without a repeated closing vertex, counter-clockwise, first vertex kept (as Room)."""
    if len(points) > 3 and math.dist(points[0], points[-1]) < 1e-9:
        points = points[:-1]
    if signed_area(points) < 0:
        points = [points[0]] + list(reversed(points[1:]))
    return points


@dataclass
class _RoomDraft:
    key: str
    id: str
    name: str
    polygon: list[tuple[float, float]]
    height: float | None
    wall_thickness: float
    materials: dict[str, str]
    first_wall: int = 0
    record: dict[str, Any] | None = None  # our own room record (exact)
    openings: list[dict[str, Any]] = field(default_factory=list)  # codec opening records with "id"
    wall_materials: dict[int, str] = field(default_factory=dict)

    def edges(self) -> list[tuple[tuple[float, float], tuple[float, float]]]:
        n = len(self.polygon)
        return [(self.polygon[i], self.polygon[(i + 1) % n]) for i in range(n)]


@dataclass
class _WallRef:
    room: int  # index into drafts
    edge: int
    origin: float  # edge parameter (m from the edge's start) of the wall entry's p0
    sign: float  # +1: the entry runs along the edge, -1: against it
    length: float  # the entry's own length
    height: float


def _ws(entry: Mapping[str, Any]) -> Mapping[str, Any] | None:
    meta = entry.get("metadata")
    if isinstance(meta, Mapping) and isinstance(meta.get("worldsmith"), Mapping):
        return meta["worldsmith"]
    return None


def _match_edge(draft: _RoomDraft, p0: tuple[float, float], p1: tuple[float, float]) -> tuple[int, float, float] | None:
    """(edge index, origin, sign) of the room edge the segment p0 -> p1 lies on."""
    for i, (a, b) in enumerate(draft.edges()):
        if math.dist(p0, a) <= EDGE_MATCH_TOL_M and math.dist(p1, b) <= EDGE_MATCH_TOL_M:
            return i, 0.0, 1.0
        if math.dist(p0, b) <= EDGE_MATCH_TOL_M and math.dist(p1, a) <= EDGE_MATCH_TOL_M:
            return i, math.dist(a, b), -1.0
    for i, (a, b) in enumerate(draft.edges()):
        length = math.dist(a, b)
        dx, dy = (b[0] - a[0]) / length, (b[1] - a[1]) / length

        def local(p: tuple[float, float]) -> tuple[float, float]:
            rx, ry = p[0] - a[0], p[1] - a[1]
            return rx * dx + ry * dy, -rx * dy + ry * dx

        (u0, n0), (u1, n1) = local(p0), local(p1)
        if max(abs(n0), abs(n1)) > EDGE_MATCH_TOL_M:
            continue
        if min(u0, u1) < -EDGE_MATCH_TOL_M or max(u0, u1) > length + EDGE_MATCH_TOL_M:
            continue
        return i, u0, 1.0 if u1 >= u0 else -1.0
    return None


def _same_outline(a: Sequence[tuple[float, float]], b: Sequence[tuple[float, float]]) -> bool:
    if len(a) != len(b):
        return False
    return all(min(math.dist(p, q) for q in b) <= EDGE_MATCH_TOL_M for p in a)


def _entry_material(entry: Mapping[str, Any]) -> str | None:
    m = entry.get("material")
    if not isinstance(m, Mapping):
        return None
    for key in ("description", "id"):
        v = m.get(key)
        if isinstance(v, str) and v.strip():
            return v.strip()
    return None


def generalist_to_scene(doc: Any, source: str = "<document>") -> ImportResult:
    """Build a scene from a decoded 3D-Generalist document (see the module doc); ``source`` names
    the document in error messages and notes."""
    return _Importer(doc, source).run()


_Entry = tuple[str, Mapping[str, Any]]


class _Importer:
    """One import: reads the entries group by group (rooms, walls, openings, lights, objects), then
    builds the scene. Our own records are taken as they are; foreign entries are interpreted."""

    def __init__(self, doc: Any, source: str):
        self.rd = rd = _Reader(source)
        self.source = source
        doc = rd.mapping(doc, "the document")
        entries = doc.get("objects")
        if not isinstance(entries, Mapping):
            raise rd.fail("objects", "a mapping of entry names to entries", entries if "objects" in doc else "missing")
        self.top: Mapping[str, Any] = doc.get("worldsmith") if isinstance(doc.get("worldsmith"), Mapping) else {}
        seed = self.top.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
            raise rd.fail("worldsmith.seed", "an integer in [0, 2**63)", seed)
        self.seed = seed
        self.room_type = doc.get("room_type").strip() if isinstance(doc.get("room_type"), str) else ""
        prompt = self.top.get("prompt")
        self.prompt = prompt if isinstance(prompt, str) else self.room_type
        self.notes: list[str] = []
        self.references: dict[str, dict[str, Any]] = {}
        self.groups: dict[str, list[_Entry]] = {c: [] for c in CATEGORIES}
        self.position: dict[str, int] = {}  # entry name -> its place in the file
        for i, (key, entry) in enumerate(entries.items()):
            where = f"objects[{key!r}]"
            entry = rd.mapping(entry, where)
            cat = entry.get("category")
            if not isinstance(cat, str):
                raise rd.fail(f"{where}.category", "one of " + ", ".join(CATEGORIES), cat)
            if cat not in self.groups:
                self.notes.append(f"{key}: unknown category {cat!r}; skipped")
                continue
            self.groups[cat].append((str(key), entry))
            self.position[str(key)] = i
        # ids our own records use, so that foreign ids never clash with them
        self.taken: set[str] = set()
        for cat in ("doors", "windows", "lights", "objects"):
            for key, entry in self.groups[cat]:
                ws = _ws(entry)
                if ws is None:
                    continue
                self.taken.add(ws["id"] if cat in ("doors", "windows") and isinstance(ws.get("id"), str) else key)
        self.drafts: list[_RoomDraft] = []
        self.walls: dict[str, _WallRef] = {}
        self.own_objects: dict[str, Any] = {}
        self.own_lights: dict[str, Any] = {}
        self.order: list[tuple[str, str]] = []  # ("object" | "light", id) in file order
        self.raws: list[RawObject] = []
        self.foreign_lights: list[Light] = []
        self.fixtures: list[tuple[str, tuple[float, float, float]]] = []  # (object id, light rgb)

    def run(self) -> ImportResult:
        self.read_rooms()
        self.read_ceilings()
        self.read_walls()
        self.finish_rooms()
        self.read_openings()
        self.read_lights()
        self.read_objects()
        scene = self.build()
        for line in self.notes:
            log.info("%s: %s", self.source, line)
        return ImportResult(scene, self.references, tuple(self.notes))

    # -- rooms ----------------------------------------------------------------------------------
    def read_rooms(self) -> None:
        for key, entry in self.groups["floors"]:
            poly = _ccw([(p[0], p[1]) for p in self.rd.polygon(entry, f"objects[{key!r}]")])
            ws = _ws(entry)
            block = ws.get("room") if ws is not None else None
            if isinstance(block, Mapping) and isinstance(block.get("id"), str):
                rec = {k: v for k, v in block.items() if k != "id"}
                self.taken.add(block["id"])
                self.drafts.append(_RoomDraft(key, block["id"], str(rec.get("name", block["id"])), poly,
                                              None, DEFAULT_WALL_THICKNESS, {}, record=rec))
            else:
                draft = _RoomDraft(key, "", "", poly, None, DEFAULT_WALL_THICKNESS, {})
                desc = _entry_material(entry)
                if desc:
                    draft.materials["floor"] = desc
                self.drafts.append(draft)
        first = 0
        for draft in self.drafts:  # after every own id is taken
            if draft.record is None:
                draft.id = fresh_id("room", self.taken)
                one = len(self.drafts) == 1 and self.room_type
                draft.name = self.room_type if one else draft.id.replace("_", " ")
            draft.first_wall = first
            first += len(draft.polygon)
        self.taken |= {f"wall_{i}" for i in range(first)}
        self.taken |= {f"{k}_{d.id}" for d in self.drafts for k in ("floor", "ceiling")}

    def read_ceilings(self) -> None:
        for key, entry in self.groups["ceilings"]:
            pts = self.rd.polygon(entry, f"objects[{key!r}]")
            outline = _ccw([(p[0], p[1]) for p in pts])
            for draft in self.drafts:
                if draft.record is None and draft.height is None and _same_outline(outline, draft.polygon):
                    draft.height = max(p[2] for p in pts)
                    desc = _entry_material(entry)
                    if desc:
                        draft.materials["ceiling"] = desc
                    break

    def read_walls(self) -> None:
        for key, entry in self.groups["walls"]:
            where = f"objects[{key!r}]"
            pts = self.rd.polygon(entry, where)
            zmin = min(p[2] for p in pts)
            base: list[tuple[float, float]] = []
            for p in pts:
                if abs(p[2] - zmin) < 1e-6 and all(math.dist(p[:2], q) > 1e-6 for q in base):
                    base.append((p[0], p[1]))
            if len(base) != 2:
                raise self.rd.fail(f"{where}.metadata.polygon", "a vertical quad with two distinct bottom points", pts)
            found = None
            for ri, draft in enumerate(self.drafts):
                m = _match_edge(draft, base[0], base[1])
                if m is not None:
                    height = max(p[2] for p in pts) - zmin
                    found = _WallRef(ri, m[0], m[1], m[2], math.dist(base[0], base[1]), height)
                    break
            if found is None:
                self.notes.append(f"{key}: lies on no floor outline; ignored")
                continue
            self.walls[key] = found
            draft = self.drafts[found.room]
            desc = _entry_material(entry)
            if draft.record is None and desc:
                draft.wall_materials[found.edge] = desc

    def finish_rooms(self) -> None:
        """Heights and wall materials of foreign rooms."""
        for ri, draft in enumerate(self.drafts):
            if draft.record is not None:
                continue
            if draft.height is None:
                tall = [w.height for w in self.walls.values() if w.room == ri and w.height >= 1.5]
                draft.height = max(tall) if tall else DEFAULT_ROOM_HEIGHT
                if not tall:
                    self.notes.append(f"{draft.id}: no ceiling or walls give its height; "
                                      f"using {DEFAULT_ROOM_HEIGHT} m")
            mats = draft.wall_materials
            if not mats:
                continue
            common = max(sorted(set(mats.values())), key=lambda d: sum(1 for v in mats.values() if v == d))
            every = len(mats) == len(draft.polygon)
            if every:
                draft.materials["walls"] = common
            for edge, desc in sorted(mats.items()):
                if not every or desc != common:
                    draft.materials[f"wall_{draft.first_wall + edge}"] = desc

    # -- openings -------------------------------------------------------------------------------
    def read_openings(self) -> None:
        by_room = {d.id: d for d in self.drafts}
        found = [(k, e, c) for c in ("doors", "windows") for k, e in self.groups[c]]
        for key, entry, cat in sorted(found, key=lambda t: self.position[t[0]]):
            ws = _ws(entry)
            if ws is not None and ws.get("room") in by_room and isinstance(ws.get("id"), str):
                by_room[ws["room"]].openings.append({k: v for k, v in ws.items() if k != "room"})
            else:
                self.foreign_opening(key, entry, "door" if cat == "doors" else "window")

    def foreign_opening(self, key: str, entry: Mapping[str, Any], kind: str) -> None:
        rd, where = self.rd, f"objects[{key!r}]"
        meta = rd.mapping(entry.get("metadata") or {}, f"{where}.metadata")
        parent = meta.get("parent_obj")
        ref = self.walls.get(parent) if isinstance(parent, str) else None
        if ref is None:
            self.notes.append(f"{key}: its wall {parent!r} is not a known wall; skipped")
            return
        draft = self.drafts[ref.room]
        box = meta.get("bbox_on_wall")
        box = rd.vector(box, 4, f"{where}.metadata.bbox_on_wall") if box is not None else None
        pls = rd.placements(entry, where)
        if box is not None:
            xc, y0 = (box[0] + box[2]) / 2.0, box[1]
        elif pls:
            xc = rd.vector(pls[0].get("position"), (2, 3), f"{where}.placements[0].position")[0]
            y0 = 0.9 - ref.height / 2.0  # no box: a window gets a usual 0.9 m sill
        else:
            self.notes.append(f"{key}: neither bbox_on_wall nor a placement; skipped")
            return
        width = meta.get("width")
        width = rd.number(width, f"{where}.metadata.width") if width is not None else (
            abs(box[2] - box[0]) if box is not None else 0.9)
        height = meta.get("height")
        height = rd.number(height, f"{where}.metadata.height") if height is not None else (
            abs(box[3] - box[1]) if box is not None else 2.0)
        a, b = draft.edges()[ref.edge]
        edge_len = math.dist(a, b)
        room_h = float(draft.record["height"] if draft.record is not None else draft.height)  # type: ignore[arg-type]
        sill = 0.0 if kind == "door" else max(0.0, y0 + ref.height / 2.0)
        width, height = min(width, edge_len), min(height, room_h - sill)
        if width <= 0 or height <= 0:
            self.notes.append(f"{key}: no room for it on its wall; skipped")
            return
        center = ref.origin + ref.sign * (ref.length / 2.0 + xc)
        offset = min(max(center - width / 2.0, 0.0), edge_len - width)
        wall_id = f"wall_{draft.first_wall + ref.edge}"
        clash = next((o for o in draft.openings if o["wall"] == wall_id and o["offset"] < offset + width - 1e-9
                      and offset < o["offset"] + o["width"] - 1e-9), None)
        if clash is not None:
            self.notes.append(f"{key}: overlaps {clash['id']} on {wall_id}; skipped")
            return
        oid = fresh_id(kind, self.taken)
        draft.openings.append({"id": oid, "kind": kind, "wall": wall_id, "offset": _tidy(offset),
                               "width": _tidy(width), "height": _tidy(height), "sill": _tidy(sill),
                               "hinge": "start", "swing": "in"})
        self.references[oid] = {"name": key, "identifier": entry.get("identifier")}

    # -- lights and objects ---------------------------------------------------------------------
    def read_lights(self) -> None:
        rd = self.rd
        for key, entry in self.groups["lights"]:
            where = f"objects[{key!r}]"
            ws = _ws(entry)
            pls = rd.placements(entry, where)
            if ws is not None:
                rec = dict(ws)
                if pls:
                    pos = rd.vector(pls[0].get("position"), 3, f"{where}.placements[0].position")
                    old = rec.get("position")
                    if isinstance(old, Sequence) and len(old) == 3 and max(
                            abs(float(a) - b) for a, b in zip(old, pos)) > EDIT_TOL:
                        rec["position"] = list(pos)
                        self.notes.append(f"{key}: placement edited elsewhere; using it")
                self.own_lights[key] = rec
                self.order.append(("light", key))
                continue
            meta = rd.mapping(entry.get("metadata") or {}, f"{where}.metadata")
            for j, pl in enumerate(pls):
                pos = rd.vector(pl.get("position"), 3, f"{where}.placements[{j}].position")
                light = _foreign_light(rd, meta, where, fresh_id("light", self.taken), pos)
                self.foreign_lights.append(light)
                self.order.append(("light", light.id))
                self.references[light.id] = {"name": key, "identifier": entry.get("identifier")}

    def read_objects(self) -> None:
        rd = self.rd
        for key, entry in self.groups["objects"]:
            where = f"objects[{key!r}]"
            ws = _ws(entry)
            pls = rd.placements(entry, where)
            if ws is not None:
                rec = dict(ws)
                if pls:
                    rec = _apply_edit(rd, rec, pls[0], entry, where, key, self.notes)
                self.own_objects[key] = rec
                self.order.append(("object", key))
                continue
            meta = entry.get("metadata") if isinstance(entry.get("metadata"), Mapping) else {}
            ann = meta.get("annotation") if isinstance(meta.get("annotation"), Mapping) else {}
            size = _foreign_size(rd, entry, ann, where)
            hint = _hint(ann)
            texts = [ann.get("category"), entry.get("description"), meta.get("lvis_category"), clean_label(key),
                     ann.get("description")]
            texts = [t for t in texts if isinstance(t, str)]
            guess = match_imported_category(texts, support=hint)
            if guess.note:
                self.notes.append(f"{key}: {guess.note}")
            for j, pl in enumerate(pls):
                pos = rd.vector(pl.get("position"), 3, f"{where}.placements[{j}].position")
                yaw = rd.rotation(pl.get("rotation"), f"{where}.placements[{j}].rotation")
                scale = rd.scale(pl.get("scale"), f"{where}.placements[{j}].scale")
                s = tuple(_tidy(size[i] * scale[i]) for i in range(3))
                if min(s) <= 0:
                    raise rd.fail(f"{where}.bbox_size", "positive sizes (times the scale)", list(s))
                oid = fresh_id(guess.category, self.taken)
                bottom = (_tidy(pos[0]), _tidy(pos[1]), _tidy(pos[2] - s[2] / 2.0))
                self.raws.append(RawObject(oid, guess.category, guess.proxy, s, bottom,  # type: ignore[arg-type]
                                           _tidy(yaw % 360.0), hint))
                self.order.append(("object", oid))
                self.references[oid] = {
                    "name": key, "identifier": entry.get("identifier"), "asset_url": meta.get("asset_url"),
                    "thumbnail_url": meta.get("thumbnail_url"), "texts": texts,
                    "match": {"category": guess.category, "kind": guess.kind, "text": guess.text},
                }
                if meta.get("is_ceiling_light") is True:
                    color = meta.get("light_color")
                    rgb = _color255(rd, color, f"{where}.metadata.light_color") if color is not None \
                        else (1.0, 1.0, 1.0)
                    self.fixtures.append((oid, rgb))

    # -- the scene ------------------------------------------------------------------------------
    def build(self) -> Scene:
        rooms_doc: dict[str, Any] = {}
        for draft in self.drafts:
            if draft.record is not None:
                rec = dict(draft.record)
            else:
                rec = {"name": draft.name, "height": draft.height, "wall_thickness": draft.wall_thickness,
                       "materials": draft.materials}
            rec["polygon"] = [list(p) for p in draft.polygon]
            rec["openings"] = {o["id"]: {k: v for k, v in o.items() if k != "id"} for o in draft.openings}
            rooms_doc[draft.id] = rec
        choices = self.top.get("material_choices")
        base_doc = {"schema_version": self.top.get("schema_version", SCHEMA_VERSION), "prompt": self.prompt,
                    "seed": self.seed, "rooms": rooms_doc, "objects": self.own_objects, "lights": self.own_lights,
                    "material_choices": dict(choices) if isinstance(choices, Mapping) else {}}
        try:
            base = scene_from_dict(base_doc)
            placed, more = settle_objects(base, self.raws)
            self.notes.extend(more)
            for oid, rgb in self.fixtures:
                obj = placed[oid]
                pos = (obj.position[0], obj.position[1], obj.position[2] - FIXTURE_LIGHT_DROP_M)
                light = Light(fresh_id("light", self.taken), "ceiling_fixture", pos, watts=DEFAULT_FIXTURE_WATTS,
                              rgb=rgb)
                self.foreign_lights.append(light)
                self.order.append(("light", light.id))
                self.notes.append(f"{light.id}: added for the ceiling light {oid} ({DEFAULT_FIXTURE_WATTS:g} W)")
            lights = {li.id: li for li in base.lights} | {li.id: li for li in self.foreign_lights}
            objects = base.object_map | placed
            scene = dataclasses.replace(
                base, objects=tuple(objects[i] for kind, i in self.order if kind == "object"),
                lights=tuple(lights[i] for kind, i in self.order if kind == "light"))
            # choices for the descriptions foreign entries brought; our own records carry theirs
            foreign = {d for draft in self.drafts if draft.record is None for d in draft.materials.values()}
            missing = {k: v for k, v in material_choices_for(scene).items()
                       if k in foreign and k not in scene.material_choices}
            if missing:
                scene = dataclasses.replace(scene, material_choices={**scene.material_choices, **missing})
        except SceneValidationError as exc:
            raise GeneralistFormatError(f"{self.source}: {exc}") from None
        return scene


def _hint(ann: Mapping[str, Any]) -> str | None:
    for key, support in (("onCeiling", "ceiling"), ("onWall", "wall"), ("onObject", "object"), ("onFloor", "floor")):
        if ann.get(key) is True:
            if support == "object" and ann.get("onFloor") is True:
                return None  # the sample marks tables both: let the geometry decide
            return support
    return None


def _foreign_size(rd: _Reader, entry: Mapping[str, Any], ann: Mapping[str, Any],
                  where: str) -> tuple[float, float, float]:
    if entry.get("bbox_size") is not None:
        return rd.vector(entry["bbox_size"], 3, f"{where}.bbox_size")  # type: ignore[return-value]
    if all(isinstance(ann.get(k), (int, float)) for k in ("dim_x", "dim_y", "dim_z")):
        return (float(ann["dim_x"]), float(ann["dim_y"]), float(ann["dim_z"]))
    if all(isinstance(ann.get(k), (int, float)) for k in ("width", "depth", "height")):
        return (ann["width"] / 100.0, ann["depth"] / 100.0, ann["height"] / 100.0)
    raise rd.fail(f"{where}.bbox_size", "a list of 3 numbers (or annotation dim_x/dim_y/dim_z)", entry.get("bbox_size"))


def _color255(rd: _Reader, value: Any, where: str) -> tuple[float, float, float]:
    from ..materials.colors import srgb_to_linear

    c = rd.vector(value, 3, where)
    scale = 255.0 if max(c) > 1.0 else 1.0
    if min(c) < 0 or max(c) > 255:
        raise rd.fail(where, "colour components in 0-255", list(c))
    return tuple(round(srgb_to_linear(min(1.0, v / scale)), 6) for v in c)  # type: ignore[return-value]


_LIGHT_KINDS = {"point": "point", "sphere": "point", "omni": "point", "spot": "spot", "area": "area",
                "rect": "area", "disk": "area"}


def _foreign_light(rd: _Reader, meta: Mapping[str, Any], where: str, lid: str,
                   pos: tuple[float, ...]) -> Light:
    kind = _LIGHT_KINDS.get(str(meta.get("light_type", "point")).lower(), "point")
    if meta.get("is_ceiling_light") is True:
        kind = "ceiling_fixture"
    watts = meta.get("light_intensity")
    watts = rd.number(watts, f"{where}.metadata.light_intensity") if watts is not None else DEFAULT_FIXTURE_WATTS
    if watts <= 0:
        raise rd.fail(f"{where}.metadata.light_intensity", "a positive number", watts)
    color = meta.get("light_color")
    rgb = _color255(rd, color, f"{where}.metadata.light_color") if color is not None else None
    return Light(lid, kind, tuple(pos), watts=watts, rgb=rgb)


def _apply_edit(rd: _Reader, rec: dict[str, Any], pl: Mapping[str, Any], entry: Mapping[str, Any], where: str,
                key: str, notes: list[str]) -> dict[str, Any]:
    """Our object record, with the placement's pose and size when another tool changed them."""
    try:
        old_pos = [float(v) for v in rec["position"]]
        old_size = [float(v) for v in rec["size"]]
        old_yaw = float(rec.get("yaw_deg", 0.0))
    except (KeyError, TypeError, ValueError):
        raise rd.fail(f"{where}.metadata.worldsmith", "an object record with position, size and yaw_deg",
                      dict(rec)) from None
    pos = rd.vector(pl.get("position"), 3, f"{where}.placements[0].position")
    yaw = rd.rotation(pl.get("rotation"), f"{where}.placements[0].rotation")
    scale = rd.scale(pl.get("scale"), f"{where}.placements[0].scale")
    bbox = entry.get("bbox_size")
    size = rd.vector(bbox, 3, f"{where}.bbox_size") if bbox is not None else tuple(old_size)
    size = tuple(size[i] * scale[i] for i in range(3))
    edited = False
    if max(abs(a - b) for a, b in zip(size, old_size)) > EDIT_TOL:
        rec["size"] = list(size)
        edited = True
    h = float(rec["size"][2])
    centre = (old_pos[0], old_pos[1], old_pos[2] + old_size[2] / 2.0)
    if edited or max(abs(a - b) for a, b in zip(pos, centre)) > EDIT_TOL:
        rec["position"] = [pos[0], pos[1], pos[2] - h / 2.0]
        edited = True
    d = (yaw - old_yaw + 180.0) % 360.0 - 180.0
    if abs(d) > EDIT_TOL:
        rec["yaw_deg"] = yaw % 360.0
        edited = True
    if edited:
        notes.append(f"{key}: placement edited elsewhere; using it")
    return rec


def read_generalist(path: str | Path) -> ImportResult:
    """Read a 3D-Generalist ``scene.json``: the scene, the foreign objects' references and notes."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GeneralistFormatError(f"{p}: expected an existing scene.json file") from None
    except IsADirectoryError:
        raise GeneralistFormatError(f"{p}: expected a scene.json file, got a folder") from None
    except UnicodeDecodeError as exc:
        raise GeneralistFormatError(f"{p}: expected UTF-8 JSON text ({exc.reason})") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GeneralistFormatError(f"{p}: expected JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    return generalist_to_scene(doc, str(p))


def import_generalist(path: str | Path) -> Scene:
    """The scene of a 3D-Generalist ``scene.json`` (ours or foreign; see the module doc)."""
    return read_generalist(path).scene


__all__ = ["CategoryGuess", "catalog_category_of", "DEFAULT_ROOM_HEIGHT", "FORMAT_TAG", "GeneralistFormatError", "ImportResult", "RawObject",
           "clean_label", "export_generalist", "fresh_id", "generalist_to_scene", "import_generalist",
           "match_imported_category", "material_choices_for", "read_generalist", "scene_to_generalist",
           "settle_objects"]
