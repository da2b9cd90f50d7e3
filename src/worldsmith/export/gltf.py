"""glTF 2.0 binary (GLB) export and import of scenes.

Node structure of an exported file
----------------------------------
::

    scene 0 (extras: {"worldsmith": {"prompt", "seed"}})
    └── "Worldsmith"            root node, rotation = -90 deg about X (Z-up -> Y-up), no mesh
        ├── "<object id>"       one node per object, in scene order; translation = position and
        │                       rotation = yaw about Z (i.e. object_transform, in the Z-up frame);
        │                       its mesh holds the object's LOCAL geometry, one primitive per part
        ├── "floor_<room id>"   room-shell nodes from worldsmith.assets.shell.build_room_shell,
        ├── "ceiling_<room id>" in scene-room order; identity transform, geometry already in world
        ├── "wall_<i>"          coordinates (one primitive per part)
        ├── "door_0", "window_0" ... (one per opening)
        └── "<light id>"        KHR_lights_punctual lights (no mesh)

Every node but the root carries ``extras`` = ``{"id", "kind", "category", ...}`` where ``kind`` is
``"object"``, ``"shell"`` or ``"light"``; objects add ``"support"`` and ``"asset"``, shell nodes add
``"room"``. Each mesh's ``extras["parts"]`` lists the part names of its primitives in order.
Objects with identical geometry and materials share one glTF mesh (real instances).

Up axis: glTF is Y-up, the scene is Z-up. The only conversion is the root node's rotation of
-90 degrees about X, which maps scene (x, y, z) to glTF (x, z, -y): scene up (+Z) becomes glTF
up (+Y), scene +Y (an unturned object's front) becomes glTF -Z. Below the root everything is in
scene units and axes, so a node's local transform is exactly ``object_transform(obj)``.
:func:`import_glb` applies the inverse (glTF (x, y, z) -> scene (x, -z, y)) to every world
transform, so it restores Z-up for any glTF file, not only ours.

Materials: glTF PBR metallic-roughness from :func:`worldsmith.materials.resolve_pbr` of each part's
material (``attributes.materials[part name]`` overrides it). ``attributes.color`` tints the object's
*main* parts: those drawn with the material covering the largest surface area among the opaque,
non-overridden parts (ties: first part); it is passed as ``resolve_pbr(description, color=...)``.
Materials with alpha < 1 (glass) get ``alphaMode BLEND`` and ``doubleSided``. A material is named by
its description, plus the applied colour in parentheses (``"charcoal fabric (red)"``), and written
once per name; its ``extras`` hold the library material (``PBR.name``), description and colour.

Textured library materials (planks, brick, tiles, fabrics: ``PBR.texture``) embed their maps as
PNG images: albedo as ``baseColorTexture`` (already in the tinted colour, so the factor is white),
roughness (green) and metalness (blue) packed as ``metallicRoughnessTexture``, and the OpenGL-style
``normalTexture``; ``texture_px`` sets their size (default 512; 0 turns textures off). Their
primitives get ``TEXCOORD_0`` from a metric box projection (:func:`worldsmith.assets.uv.box_uv`)
where one UV unit is the material's tile size (``extras.texture_tile_m``), so boards and bricks
come out at their real size. Emissive materials (bulbs, neon) set ``emissiveFactor``, and
``KHR_materials_emissive_strength`` when brighter than 1. Identical images are stored once.

No NORMAL attribute is written: by the glTF spec, readers then compute flat normals, which is what
the mostly boxy procedural assets want (merged-vertex smooth normals would shade boxes wrongly).

Lights (KHR_lights_punctual; the extension's lights shine along the node's local -Z):
``point`` and ``ceiling_fixture`` become point lights of lumens / 4 pi candela; ``spot`` a spot of
lumens / 4 pi candela with outer cone = cone_deg / 2 (inner = 80 % of it); ``area`` a spot with a
90-degree half-angle (a hemisphere) of lumens / pi candela (the peak of a Lambertian emitter).
Colour is ``rgb`` or the black-body colour of ``kelvin``. The scene's own values are kept in extras.

Determinism: the GLB is written by :mod:`worldsmith.export.glb_writer` (not trimesh's exporter),
so the same scene gives the same bytes.
"""

from __future__ import annotations

from types import SimpleNamespace

import hashlib
import logging
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ..materials.assign import part_materials
from ..scene import Light, Scene
from .errors import ExportError
from .glb_writer import GlbBuilder, read_glb_json

log = logging.getLogger(__name__)

ROOT_NODE_NAME = "Worldsmith"

#: scene (Z-up) -> glTF (Y-up): (x, y, z) -> (x, z, -y), a rotation of -90 degrees about X
Z_UP_TO_Y_UP = np.array(
    [[1.0, 0.0, 0.0, 0.0],
     [0.0, 0.0, 1.0, 0.0],
     [0.0, -1.0, 0.0, 0.0],
     [0.0, 0.0, 0.0, 1.0]])
Y_UP_TO_Z_UP = Z_UP_TO_Y_UP.T.copy()

#: the root node's rotation as a glTF (x, y, z, w) quaternion
_ROOT_ROTATION = [-math.sqrt(0.5), 0.0, 0.0, math.sqrt(0.5)]

_LIGHTS_EXT = "KHR_lights_punctual"
_EMISSIVE_EXT = "KHR_materials_emissive_strength"
#: edge length of embedded texture maps (pixels); the material library's default resolution
DEFAULT_TEXTURE_PX = 512


# ---------------------------------------------------------------------------------------------
# small helpers


def _clean(x: float) -> float:
    """A float for JSON: plain Python float, no negative zero."""
    v = float(x)
    return 0.0 if v == 0.0 else v


def _clamp01(x: float) -> float:
    return _clean(min(1.0, max(0.0, float(x))))


def _yaw_quaternion(yaw_deg: float) -> list[float]:
    half = math.radians(yaw_deg) / 2.0
    return [0.0, 0.0, _clean(math.sin(half)), _clean(math.cos(half))]


def quaternion_from_minus_z(direction: Sequence[float]) -> list[float] | None:
    """The (x, y, z, w) rotation taking local -Z onto ``direction``; None for the identity."""
    b = np.asarray(direction, dtype=float)
    b = b / np.linalg.norm(b)
    a = np.array([0.0, 0.0, -1.0])
    d = float(a @ b)
    if d > 1.0 - 1e-12:
        return None
    if d < -1.0 + 1e-12:
        return [1.0, 0.0, 0.0, 0.0]  # half turn about X
    axis = np.cross(a, b)
    q = np.array([axis[0], axis[1], axis[2], 1.0 + d])
    q /= np.linalg.norm(q)
    return [_clean(v) for v in q]


# ---------------------------------------------------------------------------------------------
# materials


def color_label(color: Any) -> str:
    if isinstance(color, str):
        return color
    return "rgb " + " ".join(f"{float(c):.4g}" for c in color)


class MaterialTable:
    """glTF materials, one per distinct (description, colour) request.

    A material is named by its description (``"clear glass"``), with the applied object colour in
    parentheses (``"charcoal fabric (red)"``); since resolution is deterministic, equal names mean
    equal materials. ``extras`` keep the library material (``PBR.name``), the description and the
    colour."""

    def __init__(self, builder: GlbBuilder, texture_px: int | None = DEFAULT_TEXTURE_PX):
        self._builder = builder
        self._texture_px = texture_px
        self._index: dict[tuple[str, Any], int] = {}
        self._by_name: dict[str, tuple] = {}
        self._index_of_name: dict[str, int] = {}
        self._tile_m: dict[int, float] = {}
        self._textures: dict[bytes, int] = {}
        self.extensions: set[str] = set()

    def tile_m(self, index: int) -> float | None:
        """Metres one texture tile covers, for a textured material; None for a plain one."""
        return self._tile_m.get(index)

    def _texture(self, png: bytes, name: str) -> int:
        key = hashlib.sha256(png).digest()
        if key not in self._textures:
            self._textures[key] = self._builder.add_texture(png, name)
        return self._textures[key]

    def index(self, description: str, color: Any = None) -> int:
        key = (description, color if isinstance(color, str) or color is None else tuple(color))
        if key in self._index:
            return self._index[key]
        pbr = resolve_material(description, color)
        rgba = [_clamp01(c) for c in tuple(pbr.base_color)[:4]]
        if len(rgba) == 3:
            rgba.append(1.0)
        metallic, roughness = _clamp01(pbr.metallic), _clamp01(pbr.roughness)
        maps = None
        if self._texture_px and getattr(pbr, "texture", None):
            from ..materials import texture_maps
            from ..materials.maps import texture_map_files

            found = texture_map_files(pbr, resolution=self._texture_px)
            if found is not None and "metallic" not in found[0] and metallic == 0.0:
                # every map is embedded from its cached file as is: nothing to decode
                maps = SimpleNamespace(paths=found[0], scale_m=found[1], metallic=None)
            else:
                maps = texture_maps(pbr, resolution=self._texture_px)
        values = (tuple(rgba), metallic, roughness, None if maps is None else pbr.texture)
        base = description if color is None else f"{description} ({color_label(color)})"
        name, n = base, 1
        # a clash needs a description that itself reads "<text> (<colour>)"; number it then
        while name in self._by_name and self._by_name[name] != values:
            n += 1
            name = f"{base} #{n}"
        if name in self._by_name:
            self._index[key] = self._index_of_name[name]
            return self._index[key]
        extras: dict[str, Any] = {"library": str(pbr.name), "description": description}
        if color is not None:
            extras["color"] = color if isinstance(color, str) else [_clean(c) for c in color]
        pbr_block: dict[str, Any] = {"baseColorFactor": rgba, "metallicFactor": metallic, "roughnessFactor": roughness}
        mat: dict[str, Any] = {"name": name, "pbrMetallicRoughness": pbr_block}
        if maps is not None:
            # the maps carry the (tinted) colour and the roughness: the factors become neutral
            pbr_block["baseColorFactor"] = [1.0, 1.0, 1.0, rgba[3]]
            pbr_block["roughnessFactor"] = 1.0
            pbr_block["baseColorTexture"] = {"index": self._texture(map_png(maps, "albedo"), f"{pbr.texture} albedo")}
            if maps.metallic is None and metallic == 0.0:
                # a grey roughness image already has roughness in green; blue is unused at metallic 0
                mr = map_png(maps, "roughness")
            else:
                mr = _png(_metallic_roughness(maps, metallic))
                pbr_block["metallicFactor"] = 1.0
            pbr_block["metallicRoughnessTexture"] = {"index": self._texture(mr, f"{pbr.texture} metallic-roughness")}
            mat["normalTexture"] = {"index": self._texture(map_png(maps, "normal"), f"{pbr.texture} normal")}
            extras["texture_tile_m"] = _clean(maps.scale_m)
        strength = float(getattr(pbr, "emissive_strength", 0.0) or 0.0)
        if strength > 0.0:
            mat["emissiveFactor"] = [_clamp01(c) for c in pbr.emissive]
            if strength != 1.0:
                mat["extensions"] = {_EMISSIVE_EXT: {"emissiveStrength": _clean(strength)}}
                self.extensions.add(_EMISSIVE_EXT)
        if rgba[3] < 1.0:
            mat["alphaMode"] = "BLEND"
            mat["doubleSided"] = True
        mat["extras"] = extras
        idx = self._builder.append("materials", mat)
        if maps is not None:
            self._tile_m[idx] = float(maps.scale_m)
        self._by_name[name] = values
        self._index_of_name[name] = idx
        self._index[key] = idx
        return idx


def _png(pixels: np.ndarray) -> bytes:
    """Deterministic PNG bytes of a uint8 image (H x W or H x W x 3)."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels, dtype=np.uint8)).save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def map_png(maps: Any, key: str) -> bytes:
    """PNG bytes of one of ``maps``' images: the cached file when the library wrote one (no
    re-encoding), else encoded here."""
    path = dict(getattr(maps, "paths", {}) or {}).get(key)
    if path:
        try:
            return Path(path).read_bytes()
        except OSError:
            log.debug("texture cache file %s vanished; encoding the map again", path)
    return _png(getattr(maps, key))


def _metallic_roughness(maps: Any, metallic: float) -> np.ndarray:
    """glTF's packed map: roughness in green, metalness in blue (red unused)."""
    rough = np.asarray(maps.roughness, dtype=np.uint8)
    out = np.zeros(rough.shape + (3,), dtype=np.uint8)
    out[..., 1] = rough
    out[..., 2] = maps.metallic if maps.metallic is not None else int(round(255 * metallic))
    return out


def resolve_material(description: str, color: Any = None) -> Any:
    from ..materials import resolve_pbr

    return resolve_pbr(description) if color is None else resolve_pbr(description, color=color)


# ---------------------------------------------------------------------------------------------
# writing


class MeshTable:
    """glTF meshes, shared between nodes whose primitives (geometry + material) are identical."""

    def __init__(self, builder: GlbBuilder, materials: MaterialTable):
        self._builder = builder
        self._materials = materials
        self._index: dict[bytes, int] = {}

    def index(self, name: str, parts: Sequence[Any], requests: Sequence[tuple[str, Any]]) -> int | None:
        prims = []
        for part, (description, color) in zip(parts, requests):
            v = np.ascontiguousarray(part.mesh.vertices, dtype="<f4")
            f = np.ascontiguousarray(part.mesh.faces, dtype="<u4")
            if len(f) == 0 or len(v) == 0:
                log.debug("mesh %s: part %s has no triangles; skipped", name, part.name)
                continue
            m = self._materials.index(description, color)
            tile = self._materials.tile_m(m)
            uv = None
            if tile is not None:
                from ..assets.uv import box_uv

                v64, f64, uv64 = box_uv(part.mesh.vertices, part.mesh.faces, tile)
                v = np.ascontiguousarray(v64, dtype="<f4")
                f = np.ascontiguousarray(f64, dtype="<u4")
                uv64[:, 1] *= -1.0  # glTF's v runs down the image; the scene's up runs up it
                uv = np.ascontiguousarray(uv64, dtype="<f4")
            prims.append((part.name, v, f, m, uv))
        if not prims:
            return None
        digest = hashlib.sha256()
        for pname, v, f, m, uv in prims:
            for chunk in (pname.encode("utf-8"), v.tobytes(), f.tobytes(), str(m).encode(),
                          b"" if uv is None else uv.tobytes()):
                digest.update(len(chunk).to_bytes(8, "little"))
                digest.update(chunk)
        key = digest.digest()
        if key in self._index:
            return self._index[key]
        primitives = []
        for _pname, v, f, m, uv in prims:
            attributes = {"POSITION": self._builder.add_positions(v)}
            if uv is not None:
                attributes["TEXCOORD_0"] = self._builder.add_texcoords(uv)
            ind = self._builder.add_indices(f)
            primitives.append({"attributes": attributes, "indices": ind, "material": m})
        idx = self._builder.append("meshes", {"name": name, "primitives": primitives,
                                              "extras": {"parts": [p[0] for p in prims]}})
        self._index[key] = idx
        return idx


def shell_category(scene: Scene, room: Any, name: str) -> str:
    kinds = {o.id: o.kind for o in room.openings}
    if name in kinds:
        return kinds[name]
    if name == f"floor_{room.id}":
        return "floor"
    if name == f"ceiling_{room.id}":
        return "ceiling"
    if name in scene.wall_map:
        return "wall"
    m = re.match(r"^(.*?)_\d+$", name)
    return m.group(1) if m else name


def _light_node(light: Light, builder: GlbBuilder) -> dict[str, Any]:
    lumens = light.lumens_value
    from ..materials import kelvin_to_rgb

    rgb = light.rgb if light.rgb is not None else kelvin_to_rgb(light.kelvin_value or 4000.0)
    spec: dict[str, Any] = {"name": light.id, "color": [_clamp01(c) for c in rgb]}
    if light.kind in ("point", "ceiling_fixture"):
        spec["type"] = "point"
        spec["intensity"] = _clean(lumens / (4.0 * math.pi))
    elif light.kind == "spot":
        outer = math.radians(light.cone_deg) / 2.0
        spec["type"] = "spot"
        spec["intensity"] = _clean(lumens / (4.0 * math.pi))
        spec["spot"] = {"innerConeAngle": _clean(0.8 * outer), "outerConeAngle": _clean(outer)}
    else:  # area: a Lambertian emitter approximated by a hemisphere spot
        spec["type"] = "spot"
        spec["intensity"] = _clean(lumens / math.pi)
        spec["spot"] = {"innerConeAngle": 0.0, "outerConeAngle": _clean(math.pi / 2.0)}
    lights = builder.doc.setdefault("extensions", {}).setdefault(_LIGHTS_EXT, {"lights": []})["lights"]
    lights.append(spec)
    node: dict[str, Any] = {"name": light.id, "translation": [_clean(c) for c in light.position]}
    if light.kind != "point" and light.kind != "ceiling_fixture":
        q = quaternion_from_minus_z(light.direction)
        if q is not None:
            node["rotation"] = q
    node["extensions"] = {_LIGHTS_EXT: {"light": len(lights) - 1}}
    extras: dict[str, Any] = {"id": light.id, "kind": "light", "category": light.kind, "lumens": _clean(lumens)}
    if light.kelvin_value is not None:
        extras["kelvin"] = _clean(light.kelvin_value)
    if light.kind in ("spot", "area"):
        extras["direction"] = [_clean(c) for c in light.direction]
    if light.kind == "spot":
        extras["cone_deg"] = _clean(light.cone_deg)
    if light.kind == "area":
        extras["area_size"] = [_clean(c) for c in light.area_size]
    node["extras"] = extras
    return node


def scene_to_glb_bytes(scene: Scene, *, shell: bool = True, lights: bool = True,
                       texture_px: int | None = DEFAULT_TEXTURE_PX) -> bytes:
    """The scene as GLB bytes (see the module doc for the node structure).

    ``shell=False`` leaves out the room shell and ``lights=False`` the lights (objects only);
    ``texture_px`` is the size of embedded texture maps (None or 0: no textures, plain colours)."""
    from .. import __version__
    from ..assets import build_object_parts

    if texture_px is not None and texture_px and not 4 <= texture_px <= 4096:
        raise ExportError(f"expected a texture size between 4 and 4096 px, got {texture_px}")
    builder = GlbBuilder(f"worldsmith {__version__}")
    materials = MaterialTable(builder, texture_px)
    meshes = MeshTable(builder, materials)
    children: list[int] = []
    used: set[str] = {ROOT_NODE_NAME}

    def add_node(node: dict[str, Any]) -> None:
        if node["name"] in used:
            raise ExportError(
                f"expected unique node names in the GLB, got {node['name']!r} twice "
                "(an object id equal to a room-shell node name such as an opening id); rename one")
        used.add(node["name"])
        children.append(builder.append("nodes", node))

    for obj in scene.objects:
        parts = build_object_parts(obj)
        node: dict[str, Any] = {"name": obj.id}
        mesh = meshes.index(obj.id, parts, part_materials(obj, parts))
        if mesh is not None:
            node["mesh"] = mesh
        node["translation"] = [_clean(c) for c in obj.position]
        if obj.yaw_deg % 360.0 != 0.0:
            node["rotation"] = _yaw_quaternion(obj.yaw_deg)
        node["extras"] = {"id": obj.id, "kind": "object", "category": obj.category, "support": obj.support,
                          "size": [_clean(c) for c in obj.size],
                          "asset": {"source": obj.asset.source, "name": obj.asset.name}}
        add_node(node)

    if shell and scene.rooms:
        from ..assets.shell import build_room_shell

        for room in scene.rooms:
            for name, parts in build_room_shell(scene, room):
                node = {"name": name}
                mesh = meshes.index(name, parts, [(p.material, None) for p in parts])
                if mesh is not None:
                    node["mesh"] = mesh
                node["extras"] = {"id": name, "kind": "shell", "category": shell_category(scene, room, name),
                                  "room": room.id}
                add_node(node)

    if lights and scene.lights:
        for light in scene.lights:
            add_node(_light_node(light, builder))
        materials.extensions.add(_LIGHTS_EXT)
    if materials.extensions:
        builder.doc["extensionsUsed"] = sorted(materials.extensions)

    root: dict[str, Any] = {"name": ROOT_NODE_NAME, "rotation": list(_ROOT_ROTATION)}
    if children:
        root["children"] = children
    root["extras"] = {"kind": "root", "up_axis": "scene Z-up; this node rotates -90 deg about X to glTF Y-up"}
    root_index = builder.append("nodes", root)
    builder.doc["scene"] = 0
    builder.doc["scenes"] = [{"name": "worldsmith", "nodes": [root_index],
                              "extras": {"worldsmith": {"prompt": scene.prompt, "seed": scene.seed}}}]
    return builder.to_bytes()


def export_glb(scene: Scene, path: str | Path, texture_px: int | None = DEFAULT_TEXTURE_PX) -> None:
    """Write ``scene`` as a GLB file at ``path`` (parent folders are created)."""
    p = Path(path)
    data = scene_to_glb_bytes(scene, texture_px=texture_px)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    log.info("wrote %s (%d bytes, %d objects)", p, len(data), len(scene.objects))


# ---------------------------------------------------------------------------------------------
# reading


@dataclass(frozen=True)
class NodeInfo:
    """A node of a loaded GLB, in the scene's Z-up frame.

    ``bounds`` is the (2, 3) world-space AABB of the geometry at the node and below it (None for
    nodes without geometry, such as lights); ``transform`` the node's 4x4 local-to-world matrix in
    Z-up; ``extras`` the node's glTF extras."""

    name: str
    bounds: np.ndarray | None
    transform: np.ndarray
    extras: dict[str, Any] = field(default_factory=dict)


def import_glb(path: str | Path) -> dict[str, NodeInfo]:
    """Load a GLB with trimesh (the reference reader) and describe its nodes in Z-up.

    Keys are the node's ``extras["id"]`` when it has one (every node we write but the root), else
    the node's name as trimesh reports it. trimesh's synthetic frames (its base frame ``world``
    and the per-primitive frames it adds below multi-primitive nodes) are not listed; their
    geometry counts towards their node's bounds."""
    import trimesh

    p = Path(path)
    if not p.is_file():
        raise ExportError(f"expected an existing GLB file, got {str(p)!r}")
    try:
        loaded = trimesh.load(p, force="scene")
    except Exception as exc:  # trimesh raises many types for a broken file
        raise ExportError(f"expected a readable GLB file at {str(p)!r}: {exc}") from exc
    graph = loaded.graph
    tf = graph.transforms
    base = graph.base_frame
    parents: dict[Any, Any] = dict(tf.parents)

    def geometry_of(frame: Any) -> str | None:
        return tf.node_data.get(frame, {}).get("geometry")

    def synthetic(frame: Any) -> bool:
        parent = parents.get(frame)
        if parent is None or parent == base or geometry_of(frame) is None or geometry_of(parent) is not None:
            return False
        if not re.fullmatch(re.escape(str(parent)) + r"_[0-9a-f]{6}", str(frame)):
            return False
        return np.allclose(tf.edge_data[(parent, frame)].get("matrix", np.eye(4)), np.eye(4))

    # world-space (Z-up) bounds of each geometry-bearing frame
    own_bounds: dict[Any, np.ndarray] = {}
    for frame in graph.nodes_geometry:
        geom = loaded.geometry.get(geometry_of(frame))
        if geom is None or not hasattr(geom, "vertices") or len(geom.vertices) == 0:
            continue
        m = Y_UP_TO_Z_UP @ graph.get(frame)[0]
        v = np.asarray(geom.vertices, dtype=float) @ m[:3, :3].T + m[:3, 3]
        own_bounds[frame] = np.array([v.min(axis=0), v.max(axis=0)])

    subtree: dict[Any, np.ndarray] = {}
    for frame, b in own_bounds.items():
        node = frame
        while node is not None and node != base:
            cur = subtree.get(node)
            subtree[node] = b.copy() if cur is None else np.array([np.minimum(cur[0], b[0]), np.maximum(cur[1], b[1])])
            node = parents.get(node)

    # list nodes in the file's node order (trimesh's traversal order is not)
    try:
        order = {str(n.get("name", i)): i for i, n in enumerate(read_glb_json(p.read_bytes()).get("nodes", []))}
    except ExportError:  # a .gltf text file: trimesh read it, keep its order
        order = {}
    frames = sorted((f for f in tf.node_data if f != base), key=lambda f: (order.get(str(f), len(order)), str(f)))
    out: dict[str, NodeInfo] = {}
    for frame in frames:
        if synthetic(frame):
            continue
        edge = tf.edge_data.get((parents.get(frame), frame), {})
        extras = dict(edge.get("metadata") or {})
        extras.pop("gltf_extensions", None)
        key = extras["id"] if isinstance(extras.get("id"), str) else str(frame)
        if key in out:
            log.warning("GLB %s: node id %r appears more than once; keeping the first", p, key)
            continue
        out[key] = NodeInfo(name=str(frame), bounds=subtree.get(frame),
                            transform=Y_UP_TO_Z_UP @ graph.get(frame)[0], extras=extras)
    return out


def read_glb_document(path: str | Path) -> dict[str, Any]:
    """The raw glTF JSON of a GLB file (Y-up, untouched)."""
    return read_glb_json(Path(path).read_bytes())


__all__ = ["NodeInfo", "ROOT_NODE_NAME", "Y_UP_TO_Z_UP", "Z_UP_TO_Y_UP", "export_glb",
                          "import_glb", "read_glb_document", "scene_to_glb_bytes"]
