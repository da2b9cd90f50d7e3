"""GLB -> Scene import: our own GLB exports back into editable scenes, and foreign GLB files as
scenes of labelled objects.

:func:`import_glb_scene` (and :func:`read_glb_scene`, which also returns references and notes)
tells the two apart by the node extras :mod:`worldsmith.export.gltf` writes (a root node
``"Worldsmith"`` with ``extras.kind == "root"``, nodes with ``extras.kind`` object / shell / light).

Our own files
-------------
Read from the glTF JSON and the binary buffer directly (no loader guesses), in the scene's Z-up
frame (the root node's rotation is the only axis change, and everything below it is in scene axes):

- scene ``prompt`` and ``seed`` from the scene extras;
- objects (node order = scene order): ``id``, ``category``, ``support``, ``size`` and the asset's
  ``source`` / ``name`` from the node extras (exact), ``position`` from the node translation
  (exact), ``yaw_deg`` from its rotation quaternion ``2 atan2(z, w)`` (the shortest decimal, up to
  12 places, that gives back the stored quaternion, else the raw value: exact for the usual
  values, within 1e-12 degrees otherwise). The asset's ``params`` come from the extras when the
  exporter writes them (``extras.asset.params``); otherwise they are re-derived as the DSL derives
  them: a proxy's from its label, size and the support ``match_category`` guesses for the label
  (``"object"`` for objects standing on objects; this may load the text model), a generator's by
  sampling with
  ``derive_rng(seed, "asset", id)`` at the object's size, which gives back the DSL's params for
  objects added by ``add``/``fill`` and not resized since. ``attributes.color`` comes from the
  materials' extras (``color``); ``style``, per-part material overrides and placement constraints
  are not in the file and come back empty;
- rooms (one per ``floor_<room>`` shell node, in order): the polygon is the boundary of the floor
  slab's top face, started at the first wall's inner-face start and made counter-clockwise; the
  height is the ceiling slab's bottom; the wall thickness how far the first wall reaches behind its
  inner face; openings (in node order) sit on the wall whose mesh has the pieces
  ``below_<opening>`` / ``above_<opening>``: offset and width from those pieces' extent along the
  wall, a window's sill from the top of the piece below it, the height from the fitting's frame
  (a door's jambs, a window's frame, not its protruding sill board), a door's hinge from the side
  its handle is on (the swing is not in the geometry: ``"in"``). These come from float32 vertex
  data and are rounded to :data:`LENGTH_DIGITS` decimals (10 micrometres). Room materials are the
  shell parts' material descriptions; a surface drawn with the shell's default material gets no
  entry, the walls' most common description becomes the ``"walls"`` entry and the others per-wall
  entries. The room name is not in the file: it becomes the id with spaces (``"room 0"``);
- lights: ``id``, kind (``extras.category``), position (translation), ``lumens`` (extras, the
  exported value), ``kelvin`` (extras) or, without it, ``rgb`` (the light's colour), direction,
  cone angle and area size (extras);
- ``material_choices``: resolved afresh for the descriptions the scene uses (as the DSL does).

Foreign files
-------------
Loaded with trimesh (the reference reader), converted to Z up (glTF is Y up). Each top-level
node (the scene's root nodes; a root that only wraps others is looked through) with geometry
becomes an object; its node name gives the category (:func:`worldsmith.export.generalist.
match_imported_category` over the name's words: ``"Chair.001"`` -> chair; unknown names become
labelled proxies of the node's size). Objects are axis-aligned boxes of the node's world bounds:
``size`` = the bounds' extent, ``yaw_deg`` = 0, position = the bottom centre. A node named like a
floor (a word ``floor`` or ``ground``) gives the room's outline (its XY bounds) and the floor level
(its top); one named like a ceiling gives the height; nodes named like walls are skipped (names
that are catalog things, such as "floor lamp" or "wall shelf", are objects). Without
a floor node the room is the XY bounds of all objects and the floor level their lowest point
(heights are shifted so the floor is z = 0). Lengths are rounded to :data:`LENGTH_DIGITS` decimals
(the geometry is float32). The room is at least :data:`MIN_ROOM_EXTENT_M` across
and :data:`DEFAULT_ROOM_HEIGHT` high (or 0.1 m above the tallest object). Supports are inferred by
:func:`worldsmith.export.generalist.settle_objects`.

What the exporter could add for an exact round trip (``extras``): the asset ``params``, the
object ``attributes`` and ``placement``, room ``name`` / ``height`` / ``wall_thickness`` /
``polygon`` / ``materials``, each opening's fields (``wall``, ``offset``, ``width``, ``height``,
``sill``, ``hinge``, ``swing``), a light's ``watts`` / ``rgb``; or the whole scene record
(:func:`worldsmith.scene.scene_to_dict`) in the scene extras as ``worldsmith.scene``, which
:func:`read_glb_scene` already reads back exactly when it is there.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import struct
from collections import Counter
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from ..scene import AssetRef, Attributes, Light, ObjectInstance, Opening, Room, Scene, SceneValidationError
from .errors import ExportError
from .importing import ImportResult

log = logging.getLogger(__name__)

#: decimals kept for lengths recovered from float32 geometry (1e-5 m)
LENGTH_DIGITS = 5
#: a foreign scene's room is at least this wide and deep (m)
MIN_ROOM_EXTENT_M = 1.0
#: room height of foreign scenes without a ceiling node (m), unless objects are taller
DEFAULT_ROOM_HEIGHT = 2.8
#: the ceiling of a foreign scene without a ceiling node is at least this far above its tallest object (m)
CEILING_MARGIN_M = 0.1


class GlbSceneError(ExportError):
    """A GLB file could not be turned into a scene (the message names the file and the problem)."""


# ---------------------------------------------------------------------------------------------
# the raw GLB container


def _read(path: Path) -> tuple[dict[str, Any], bytes]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise GlbSceneError(f"{path}: expected an existing GLB file") from None
    except IsADirectoryError:
        raise GlbSceneError(f"{path}: expected a GLB file, got a folder") from None
    if len(data) < 20:
        raise GlbSceneError(f"{path}: expected a GLB file (at least 20 bytes), got {len(data)} bytes")
    magic, version, _length = struct.unpack_from("<III", data, 0)
    if magic != 0x46546C67 or version != 2:
        raise GlbSceneError(f"{path}: expected a glTF 2.0 binary file (magic 'glTF', version 2)")
    offset, doc, binary = 12, None, b""
    while offset + 8 <= len(data):
        n, kind = struct.unpack_from("<II", data, offset)
        chunk = data[offset + 8: offset + 8 + n]
        if kind == 0x4E4F534A and doc is None:
            try:
                doc = json.loads(chunk.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise GlbSceneError(f"{path}: expected a UTF-8 JSON chunk: {exc}") from None
        elif kind == 0x004E4942 and not binary:
            binary = chunk
        offset += 8 + n
    if not isinstance(doc, dict):
        raise GlbSceneError(f"{path}: expected a JSON chunk first")
    return doc, binary


class _Glb:
    """Accessors into one of our GLB files: nodes, primitives' positions and materials."""

    def __init__(self, doc: dict[str, Any], binary: bytes):
        self.doc = doc
        self.bin = binary
        self.nodes: list[dict[str, Any]] = doc.get("nodes", [])
        self.materials: list[dict[str, Any]] = doc.get("materials", [])

    def positions(self, accessor_index: int) -> np.ndarray:
        acc = self.doc["accessors"][accessor_index]
        view = self.doc["bufferViews"][acc["bufferView"]]
        if acc.get("componentType") != 5126 or acc.get("type") != "VEC3":
            raise ExportError("expected float VEC3 positions")
        start = view.get("byteOffset", 0) + acc.get("byteOffset", 0)
        stride = view.get("byteStride", 12)
        count = acc["count"]
        raw = np.frombuffer(self.bin, dtype=np.uint8, count=stride * (count - 1) + 12 if count else 0, offset=start)
        if stride == 12:
            return raw.view("<f4").reshape(-1, 3).astype(float)
        return np.stack([raw[i * stride: i * stride + 12].view("<f4") for i in range(count)]).astype(float)

    def parts(self, node: Mapping[str, Any]) -> list[tuple[str, np.ndarray, dict[str, Any]]]:
        """(part name, vertices in the node's frame, material) of each primitive of the node's mesh."""
        if "mesh" not in node:
            return []
        mesh = self.doc["meshes"][node["mesh"]]
        names = list((mesh.get("extras") or {}).get("parts", []))
        out = []
        for i, prim in enumerate(mesh.get("primitives", [])):
            name = names[i] if i < len(names) else f"part_{i}"
            v = self.positions(prim["attributes"]["POSITION"])
            mat = self.materials[prim["material"]] if "material" in prim else {}
            out.append((name, v, mat))
        return out


def _round(x: float) -> float:
    v = round(float(x), LENGTH_DIGITS)
    return 0.0 if v == 0.0 else v


# ---------------------------------------------------------------------------------------------
# our own files


def _yaw(rotation: Sequence[float] | None) -> float:
    if not rotation:
        return 0.0
    qz, qw = float(rotation[2]), float(rotation[3])
    raw = math.degrees(2.0 * math.atan2(qz, qw))
    for digits in range(0, 13):
        cand = round(raw, digits)
        half = math.radians(cand) / 2.0
        if math.sin(half) == qz and math.cos(half) == qw:
            return 0.0 if cand == 0 else cand
    return raw


def _asset(extras: Mapping[str, Any], category: str, support: str, size: tuple[float, ...], oid: str,
           seed: int) -> AssetRef:
    asset = extras.get("asset") or {}
    source, name = str(asset.get("source", "fallback")), str(asset.get("name", category))
    params = asset.get("params")
    if isinstance(params, Mapping):
        return AssetRef(source, name, params)
    if source == "procedural":
        from ..assets import catalog
        from ..assets.build import GENERATORS
        from ..assets.procedural import sample_params

        if name == catalog.PROXY_GENERATOR:
            from ..assets.category_match import match_category
            from ..assets.procedural import params_to_dict
            from ..assets.procedural.proxy import proxy_params

            # the DSL's add() guessed the proxy's support from its label (or "object" with on=)
            on_object = support.startswith("object")
            guessed = match_category(category.replace("_", " "), support="object" if on_object else None).support
            return AssetRef(source, name, params_to_dict(proxy_params(category, guessed, size)))
        if name in GENERATORS:
            from ..scene.rng import derive_rng

            return AssetRef(source, name, sample_params(name, category, derive_rng(seed, "asset", oid), size))
    return AssetRef(source, name)


def _color(glb: _Glb, node: Mapping[str, Any]) -> Any:
    for _name, _v, mat in glb.parts(node):
        color = (mat.get("extras") or {}).get("color")
        if color is not None:
            return color if isinstance(color, str) else tuple(float(c) for c in color)
    return None


def _slab_outline(glb: _Glb, node: Mapping[str, Any]) -> list[tuple[float, float]]:
    """The polygon of a floor slab: the loop of unshared edges of its top-face triangles."""
    mesh = glb.doc["meshes"][node["mesh"]]
    edges: Counter = Counter()
    key = lambda p: (round(float(p[0]), 6), round(float(p[1]), 6))  # noqa: E731
    for prim in mesh["primitives"]:
        v = glb.positions(prim["attributes"]["POSITION"])
        f = _indices(glb, prim["indices"]).reshape(-1, 3)
        top = v[:, 2].max()
        for a, b, c in f:
            if min(v[a, 2], v[b, 2], v[c, 2]) < top - 1e-5:
                continue
            for p, q in ((a, b), (b, c), (c, a)):
                kp, kq = key(v[p]), key(v[q])
                edges[(min(kp, kq), max(kp, kq))] += 1
    boundary = [e for e, n in edges.items() if n == 1]
    nxt: dict[tuple, list[tuple]] = {}
    for a, b in boundary:
        nxt.setdefault(a, []).append(b)
        nxt.setdefault(b, []).append(a)
    if not boundary or any(len(v) != 2 for v in nxt.values()):
        raise ExportError("expected the floor slab's top face to have one outline")
    start = min(nxt)
    loop, prev, cur = [start], None, start
    while True:
        a, b = nxt[cur]
        step = b if a == prev else a
        if step == start:
            break
        loop.append(step)
        prev, cur = cur, step
        if len(loop) > len(nxt):
            raise ExportError("expected the floor slab's top face to have one outline")
    return [(float(x), float(y)) for x, y in loop]


def _indices(glb: _Glb, accessor_index: int) -> np.ndarray:
    acc = glb.doc["accessors"][accessor_index]
    view = glb.doc["bufferViews"][acc["bufferView"]]
    start = view.get("byteOffset", 0) + acc.get("byteOffset", 0)
    dtype = {5125: "<u4", 5123: "<u2", 5121: "u1"}[acc["componentType"]]
    return np.frombuffer(glb.bin, dtype=dtype, count=acc["count"], offset=start).astype(np.int64)


def _on_segment_count(points: np.ndarray, a: tuple[float, float], b: tuple[float, float]) -> int:
    d = np.subtract(b, a)
    length = float(np.hypot(*d))
    d = d / length
    rel = points[:, :2] - a
    u = rel @ d
    n = rel @ np.array([-d[1], d[0]])
    return int(np.sum((np.abs(n) < 1e-4) & (u > -1e-4) & (u < length + 1e-4)))


def _own_scene(glb: _Glb, path: Path) -> ImportResult:
    from .importing import material_choices_for
    from .gltf import ROOT_NODE_NAME

    doc = glb.doc
    scene_doc = doc.get("scenes", [{}])[doc.get("scene", 0)]
    ws = (scene_doc.get("extras") or {}).get("worldsmith") or {}
    if isinstance(ws.get("scene"), Mapping):
        from ..scene import scene_from_dict

        return ImportResult(scene_from_dict(ws["scene"]), {}, ())
    prompt = ws.get("prompt", "") if isinstance(ws.get("prompt", ""), str) else ""
    seed = ws.get("seed", 0)
    seed = seed if isinstance(seed, int) and not isinstance(seed, bool) and seed >= 0 else 0
    roots = [glb.nodes[i] for i in scene_doc.get("nodes", [])]
    root = next((n for n in roots if n.get("name") == ROOT_NODE_NAME), None)
    notes: list[str] = []
    object_nodes: list[dict[str, Any]] = []
    light_nodes: list[dict[str, Any]] = []
    shells: dict[str, dict[str, Any]] = {}
    for node in (glb.nodes[i] for i in (root or {}).get("children", [])):
        ex = node.get("extras") or {}
        if ex.get("kind") == "object":
            object_nodes.append(node)
        elif ex.get("kind") == "light":
            light_nodes.append(node)
        elif ex.get("kind") == "shell":
            room = shells.setdefault(str(ex.get("room")), {"floor": None, "ceiling": None, "walls": [], "openings": []})
            cat = ex.get("category")
            if cat in ("floor", "ceiling"):
                room[cat] = node
            elif cat == "wall":
                room["walls"].append(node)
            elif cat in ("door", "window"):
                room["openings"].append(node)
    rooms: list[Room] = []
    for room_id, sh in shells.items():
        if sh["floor"] is None or sh["ceiling"] is None or not sh["walls"]:
            notes.append(f"{room_id}: floor, ceiling or walls missing; room skipped")
            continue
        try:
            rooms.append(_own_room(glb, room_id, sh, sum(len(r.polygon) for r in rooms), notes))
        except SceneValidationError as exc:
            raise GlbSceneError(f"{path}: room {room_id}: {exc}") from None
    try:
        objects = [_own_object(glb, node, seed) for node in object_nodes]
        specs = ((doc.get("extensions") or {}).get("KHR_lights_punctual") or {}).get("lights", [])
        lights = [_own_light(node, specs) for node in light_nodes]
        scene = Scene(prompt=prompt, seed=seed, rooms=tuple(rooms), objects=tuple(objects), lights=tuple(lights))
        scene = dataclasses.replace(scene, material_choices=material_choices_for(scene))
    except SceneValidationError as exc:
        raise GlbSceneError(f"{path}: {exc}") from None
    return ImportResult(scene, {}, tuple(notes))


def _edge_of(vertices: np.ndarray, polygon: Sequence[tuple[float, float]]) -> int:
    """The polygon edge a wall mesh's inner face lies on (the edge with most of its vertices)."""
    n = len(polygon)
    return int(np.argmax([_on_segment_count(vertices, polygon[i], polygon[(i + 1) % n]) for i in range(n)]))


def _description(glb: _Glb, node: Mapping[str, Any]) -> str | None:
    for _n, _v, mat in glb.parts(node):
        d = (mat.get("extras") or {}).get("description")
        if isinstance(d, str):
            return d
    return None


def _own_room(glb: _Glb, room_id: str, sh: Mapping[str, Any], first_wall: int, notes: list[str]) -> Room:
    """A room from its shell nodes (see the module doc); its walls are numbered from ``first_wall``."""
    from ..assets.shell import DEFAULT_CEILING_MATERIAL, DEFAULT_FLOOR_MATERIAL, DEFAULT_WALL_MATERIAL
    from ..scene.geometry import signed_area

    outline = _slab_outline(glb, sh["floor"])
    if signed_area(outline) < 0:
        outline = [outline[0]] + list(reversed(outline[1:]))
    wall_verts = [np.concatenate([v for _n, v, _m in glb.parts(w)]) for w in sh["walls"]]
    k = _edge_of(wall_verts[0], outline)  # the room's first wall starts the polygon
    outline = outline[k:] + outline[:k]
    polygon = [(_round(x), _round(y)) for x, y in outline]
    n = len(polygon)
    height = _round(min(v[:, 2].min() for _n, v, _m in glb.parts(sh["ceiling"])))
    a = np.array(polygon[0])
    d = (np.array(polygon[1]) - a) / np.linalg.norm(np.subtract(polygon[1], polygon[0]))
    thickness = _round(float(np.max(-(wall_verts[0][:, :2] - a) @ np.array([-d[1], d[0]]))))
    edges = [_edge_of(v, polygon) for v in wall_verts]

    pieces: dict[str, tuple[int, np.ndarray]] = {}  # wall part name -> (wall, vertices)
    for wi, w in enumerate(sh["walls"]):
        for name, v, _m in glb.parts(w):
            pieces[name] = (wi, v)
    openings = []
    for node in sh["openings"]:
        ex = node.get("extras") or {}
        oid, kind = str(ex.get("id", node.get("name"))), str(ex.get("category"))
        below, above = pieces.get(f"below_{oid}"), pieces.get(f"above_{oid}")
        piece = below or above
        if piece is None:
            notes.append(f"{oid}: no wall has its hole; skipped")
            continue
        edge = edges[piece[0]]
        s, e = np.array(polygon[edge]), np.array(polygon[(edge + 1) % n])
        dirn = (e - s) / np.linalg.norm(e - s)
        u = (piece[1][:, :2] - s) @ dirn
        offset, width = _round(u.min()), _round(u.max() - u.min())
        fittings = glb.parts(node)
        sill = _round(below[1][:, 2].max()) if kind == "window" and below is not None else 0.0
        frame = [v for name, v, _m in fittings if name != "sill"]  # a window's sill board sticks out
        top = max(float(v[:, 2].max()) for v in frame) if frame else sill + 1.0
        hinge = "start"
        handle = next((v for name, v, _m in fittings if name == "handle"), None)
        if kind == "door" and handle is not None:  # the handle is on the side away from the hinge
            hinge = "start" if float(((handle[:, :2] - s) @ dirn).mean()) > offset + width / 2.0 else "end"
        openings.append(Opening(oid, kind, f"wall_{first_wall + edge}", offset, width, _round(top - sill), sill,
                                hinge, "in"))

    materials: dict[str, str] = {}
    for surface, node, default in (("floor", sh["floor"], DEFAULT_FLOOR_MATERIAL),
                                   ("ceiling", sh["ceiling"], DEFAULT_CEILING_MATERIAL)):
        desc = _description(glb, node)
        if desc and desc != default:
            materials[surface] = desc
    wall_desc = {f"wall_{first_wall + edge}": _description(glb, w) for edge, w in zip(edges, sh["walls"])}
    wall_desc = {k: v for k, v in wall_desc.items() if v}
    if wall_desc:
        values = list(wall_desc.values())
        common = max(sorted(set(values)), key=values.count)
        if common != DEFAULT_WALL_MATERIAL:
            materials["walls"] = common
        materials.update({wid: desc for wid, desc in wall_desc.items() if desc != common})
    return Room(room_id, room_id.replace("_", " "), tuple(polygon), height, thickness, tuple(openings), materials)


def _own_object(glb: _Glb, node: Mapping[str, Any], seed: int) -> ObjectInstance:
    ex = node.get("extras") or {}
    oid, category = str(ex.get("id")), str(ex.get("category"))
    support = str(ex.get("support", "floor"))
    size = tuple(float(v) for v in ex.get("size", ()))
    position = tuple(float(v) for v in node.get("translation", (0.0, 0.0, 0.0)))
    try:
        return ObjectInstance(oid, category, _asset(ex, category, support, size, oid, seed), position, size,
                              yaw_deg=_yaw(node.get("rotation")), support=support,
                              attributes=Attributes(color=_color(glb, node)))
    except SceneValidationError as exc:
        raise exc.under(f'objects["{oid}"]') from None


def _own_light(node: Mapping[str, Any], specs: Sequence[Mapping[str, Any]]) -> Light:
    ex = node.get("extras") or {}
    spec = specs[node["extensions"]["KHR_lights_punctual"]["light"]] if "extensions" in node else {}
    kw: dict[str, Any] = ({"lumens": float(ex["lumens"])} if "lumens" in ex
                          else {"watts": float(ex.get("watts", 60.0))})
    if "kelvin" in ex:
        kw["kelvin"] = float(ex["kelvin"])
    elif "color" in spec:
        kw["rgb"] = tuple(float(c) for c in spec["color"])
    if "direction" in ex:
        kw["direction"] = tuple(float(c) for c in ex["direction"])
    if "cone_deg" in ex:
        kw["cone_deg"] = float(ex["cone_deg"])
    if "area_size" in ex:
        kw["area_size"] = tuple(float(c) for c in ex["area_size"])
    lid = str(ex.get("id", node.get("name")))
    try:
        return Light(lid, str(ex.get("category", "point")),
                     tuple(float(v) for v in node.get("translation", (0.0, 0.0, 0.0))), **kw)
    except SceneValidationError as exc:
        raise exc.under(f'lights["{lid}"]') from None


# ---------------------------------------------------------------------------------------------
# foreign files


def _shell_kind(name: str) -> str | None:
    """``floor``, ``ceiling`` or ``wall`` for a node named like a room surface ("Floor", "ground_plane",
    "Wall.003"), None otherwise; names of catalog things ("floor lamp", "wall shelf") are objects."""
    from .importing import catalog_category_of, clean_label

    label = clean_label(name)
    words = set(label.split())
    if not words or catalog_category_of(label) is not None:
        return None
    for kind, keys in (("floor", {"floor", "ground"}), ("ceiling", {"ceiling"}), ("wall", {"wall", "walls"})):
        if words & keys:
            return kind
    return None


def _foreign_scene(path: Path) -> ImportResult:
    import trimesh

    from .importing import RawObject, clean_label, fresh_id, match_imported_category, settle_objects
    from .gltf import import_glb

    infos = {info.name: info for info in import_glb(path).values()}  # by trimesh frame name
    try:
        loaded = trimesh.load(path, force="scene")
    except Exception as exc:  # trimesh raises many types for a broken file
        raise GlbSceneError(f"{path}: expected a readable GLB file: {exc}") from exc
    graph = loaded.graph
    children = dict(graph.transforms.children)
    order = {name: i for i, name in enumerate(infos)}

    def has_geometry(frame: Any) -> bool:
        info = infos.get(str(frame))
        return info is not None and info.bounds is not None

    top = list(children.get(graph.base_frame, []))
    while len(top) == 1 and str(top[0]) in infos and not graph.transforms.node_data.get(top[0], {}).get("geometry") \
            and children.get(top[0]):
        top = list(children[top[0]])  # a wrapper node: look through it
    top = sorted((f for f in top if has_geometry(f)), key=lambda f: (order.get(str(f), len(order)), str(f)))
    if not top:
        raise GlbSceneError(f"{path}: expected at least one node with geometry")

    kinds = {f: _shell_kind(str(f)) for f in top}
    floor = next((f for f in top if kinds[f] == "floor"), None)
    ceiling = next((f for f in top if kinds[f] == "ceiling"), None)
    things = [f for f in top if kinds[f] is None]
    notes: list[str] = []
    bounds = {f: infos[str(f)].bounds for f in top}
    if floor is not None:
        lo, hi = bounds[floor]
        xy_lo, xy_hi, floor_z = lo[:2].copy(), hi[:2].copy(), float(hi[2])
    else:
        if not things:
            raise GlbSceneError(f"{path}: expected object nodes")
        allb = np.array([bounds[f] for f in things])
        xy_lo, xy_hi = allb[:, 0, :2].min(axis=0), allb[:, 1, :2].max(axis=0)
        floor_z = float(allb[:, 0, 2].min())
    for i in range(2):
        if xy_hi[i] - xy_lo[i] < MIN_ROOM_EXTENT_M:
            pad = (MIN_ROOM_EXTENT_M - (xy_hi[i] - xy_lo[i])) / 2.0
            xy_lo[i] -= pad
            xy_hi[i] += pad
    tallest = max((float(bounds[f][1][2]) - floor_z for f in things), default=0.0)
    if ceiling is not None:
        height = float(bounds[ceiling][0][2]) - floor_z
    else:
        height = max(DEFAULT_ROOM_HEIGHT, tallest + CEILING_MARGIN_M)
    height = _round(min(50.0, max(1.5, height)))
    x0, y0, x1, y1 = (_round(v) for v in (xy_lo[0], xy_lo[1], xy_hi[0], xy_hi[1]))
    room = Room("room_0", path.stem.replace("_", " ") or "room", ((x0, y0), (x1, y0), (x1, y1), (x0, y1)), height)
    taken = {"room_0", "floor_room_0", "ceiling_room_0", "wall_0", "wall_1", "wall_2", "wall_3"}
    raws, references = [], {}
    for frame in things:
        lo, hi = bounds[frame]
        name = str(frame)
        guess = match_imported_category([clean_label(name), name])
        if guess.note:
            notes.append(f"{name}: {guess.note}")
        size = tuple(max(1e-3, _round(hi[i] - lo[i])) for i in range(3))
        oid = fresh_id(guess.category, taken)
        raws.append(RawObject(oid, guess.category, guess.proxy, size,  # type: ignore[arg-type]
                              (_round((lo[0] + hi[0]) / 2.0), _round((lo[1] + hi[1]) / 2.0), _round(lo[2] - floor_z))))
        references[oid] = {"node": name, "match": {"category": guess.category, "kind": guess.kind, "text": guess.text}}
    base = Scene(prompt="", seed=0, rooms=(room,))
    try:
        placed, more = settle_objects(base, raws)
        scene = dataclasses.replace(base, objects=tuple(placed[r.id] for r in raws))
    except SceneValidationError as exc:
        raise GlbSceneError(f"{path}: {exc}") from None
    return ImportResult(scene, references, tuple(notes + more))


# ---------------------------------------------------------------------------------------------


def read_glb_scene(path: str | Path) -> ImportResult:
    """Import a GLB file as a scene, with references (foreign nodes) and notes; see the module doc."""
    p = Path(path)
    doc, binary = _read(p)
    glb = _Glb(doc, binary)
    ours = any((n.get("extras") or {}).get("kind") in ("root", "object", "shell", "light") for n in glb.nodes)
    try:
        result = _own_scene(glb, p) if ours else _foreign_scene(p)
    except GlbSceneError:
        raise
    except (ExportError, KeyError, IndexError, ValueError, TypeError) as exc:
        raise GlbSceneError(f"{p}: could not read the scene: {exc}") from None
    for line in result.notes:
        log.info("%s: %s", p, line)
    return result


def import_glb_scene(path: str | Path) -> Scene:
    """The scene of a GLB file: one we exported (restored from its extras and geometry) or a
    foreign one (its top-level nodes as labelled objects); see the module doc."""
    return read_glb_scene(path).scene


__all__ = ["GlbSceneError", "import_glb_scene", "read_glb_scene"]
