"""SceneEval scene-state export: a scene as the JSON that SceneEval's own metrics read, plus the
per-object GLB files it loads.

SceneEval (github.com/3dlg-hcvc/SceneEval, MIT) evaluates a scene from a *scene state* file (the
smartscenes SSTK format, ``"format": "sceneState"``) and a set of asset files it finds by each
object's ``modelId``. How to run it on an export: ``docs/sceneeval.md``.

What :func:`export_scene_state` writes
--------------------------------------
``path`` (name it ``scene_<N>.json``: SceneEval matches scene ``N`` to row ``N`` of its annotations)::

    {"format": "sceneState",
     "scene": {"version": "scene@1.0.2", "id": <file stem>, "up": [0, 0, 1], "front": [0, 1, 0],
               "unit": 1.0, "assetSource": ["worldsmith"],
               "arch": {"version": "arch@1.0.2", "up", "front", "coords2d": [0, 1], "scaleToMeters": 1.0,
                        "id", "elements": [...]},
               "object": [...]},
     "worldsmith": {"prompt", "seed", "assets": <assets folder relative to the JSON>}}

- Units and axes: metres, Z up, exactly the scene's own frame.
- ``arch.elements``, per room in scene order: a ``Floor`` (``id`` ``"<room>|floor"``, ``points``
  the room polygon at z = 0, counter-clockwise), a ``Ceiling`` (``"<room>|ceiling"``, the same
  polygon at z = room height; SceneEval skips ceilings), then one ``Wall`` per wall (``id`` our
  wall id, ``roomId``, ``height`` the room height, ``depth`` the wall thickness, ``points`` the
  wall's inner face from its start to its end at z = 0, and ``holes``). A hole is
  ``{"id": <opening id>, "type": "Door" | "Window", "box": {"min": [u0, v0], "max": [u1, v1]}}``
  where ``u`` runs along the wall from ``points[0]`` and ``v`` up from the floor: ``[offset,
  sill]`` to ``[offset + width, sill + height]``. That is how SceneEval cuts holes (it measures
  ``u`` from ``points[0]`` whichever way the wall runs).
- ``object``: one entry per object in scene order: ``{"id": <object id>, "index": i,
  "modelId": "worldsmith.<asset id>", "parentIndex": <index of the object it stands on, or -1>,
  "transform": {"rows": 4, "cols": 4, "data": <16 numbers, column-major>}, "worldsmith":
  {"category", "support"}}``.

The transform and the asset frame
---------------------------------
SceneEval loads an asset file as is (trimesh; in Blender it undoes the glTF importer's axis
conversion) and multiplies it by the object's ``transform``; it expects assets stored Y up with
their front towards +Z (glTF's convention). Our objects are modelled Z up with their front at +Y
(local frame: origin at the bottom centre). So each GLB holds the object's local mesh mapped by
:data:`LOCAL_TO_GLTF`, ``(x, y, z) -> (-x, z, y)`` (a proper rotation: up +Z -> +Y, front +Y ->
+Z), with the object's size baked in, and the transform is

    ``transform = object_transform(obj) @ GLTF_TO_LOCAL``

so ``transform @ glb_vertex`` is exactly the object's world-space vertex. SceneEval's wall-object
support test takes the front as ``transform`` applied to the asset's +Z, which is our front.

Assets
------
``assets_dir`` (default: ``<stem>_assets`` next to ``path``, e.g. ``scene_0_assets/``, a sidecar
folder named after the file) gets one sub-folder per distinct asset, laid out as SceneEval's
LayoutVLM-style datasets are::

    scene_0_assets/<asset id>/<asset id>.glb
    scene_0_assets/<asset id>/data.json   {"annotations": {"category", "description", "materials"},
                                            "worldsmith": {"category", "asset", "size", "attributes"}}

``<asset id>`` is ``<category>_<12 hex digits>``: the first 12 hex digits of the SHA-256 of the
GLB bytes and the annotation JSON, so identical objects (same generator, params, size, colour and
materials) share one file, and several scenes can share one ``assets_dir`` without clashes.
SceneEval splits a ``modelId`` at its one dot into a dataset prefix and an asset id, so the id
itself never contains a dot. The GLB is written by :mod:`worldsmith.export.gltf`'s mesh and
material tables (same materials and textures as the scene GLB) as a single node with identity
transform, so any loader sees the same geometry.

Determinism: the same scene exported to the same file name gives the same bytes (JSON with fixed
key order and indentation, GLBs from the deterministic GLB writer).

Known SceneEval limitations that apply to exports: its architecture builders handle axis-aligned
walls only (other walls are drawn along X; a warning is logged here), and its Blender wall
orientation check uses the last floor polygon (one room per scene works best).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from ..scene import ObjectInstance, Scene
from .errors import ExportError

log = logging.getLogger(__name__)

SCENE_VERSION = "scene@1.0.2"
ARCH_VERSION = "arch@1.0.2"
#: the dataset prefix of every modelId (``worldsmith.<asset id>``); register it in SceneEval
ASSET_PREFIX = "worldsmith"
#: the default assets folder is the scene-state file's stem plus this, next to the file
ASSETS_SUFFIX = "_assets"
#: hex digits of the content hash in an asset id
HASH_DIGITS = 12

#: object local frame (Z up, front +Y) -> GLB asset frame (Y up, front +Z): (x, y, z) -> (-x, z, y)
LOCAL_TO_GLTF = np.array(
    [[-1.0, 0.0, 0.0, 0.0],
     [0.0, 0.0, 1.0, 0.0],
     [0.0, 1.0, 0.0, 0.0],
     [0.0, 0.0, 0.0, 1.0]])
#: its inverse (the matrix is its own inverse)
GLTF_TO_LOCAL = LOCAL_TO_GLTF.T.copy()

#: walls whose direction is off the X or Y axis by more than this (radians) get a warning
AXIS_TOL_RAD = 1e-6


def _clean(x: float) -> float:
    v = float(x)
    return 0.0 if v == 0.0 else v


def sceneeval_transform(obj: ObjectInstance) -> np.ndarray:
    """The 4x4 matrix SceneEval applies to ``obj``'s asset: ``object_transform(obj) @ GLTF_TO_LOCAL``."""
    from ..assets import object_transform

    return object_transform(obj) @ GLTF_TO_LOCAL


def column_major(m: np.ndarray) -> list[float]:
    """The 16 entries of a 4x4 matrix, column by column (SceneEval reads ``reshape(4, 4).T``)."""
    return [_clean(v) for v in np.asarray(m, dtype=float).T.reshape(-1)]


# ---------------------------------------------------------------------------------------------
# per-object assets


def describe_object(obj: ObjectInstance) -> str:
    """A sentence for SceneEval's VLM matching (and the 3D-Generalist annotation): style, colour and
    name, then the catalog's description: ``"a modern charcoal sofa: <description>"``."""
    from ..assets import catalog

    words = []
    if obj.attributes.style:
        words.append(obj.attributes.style)
    if isinstance(obj.attributes.color, str):
        words.append(obj.attributes.color)
    words.append(obj.category.replace("_", " "))
    text = "a " + " ".join(words)
    try:
        info = catalog.info_for(obj.category, obj.asset, obj.size)
        if info.description:
            text += ": " + info.description
    except KeyError:
        pass
    return text


def _annotation(obj: ObjectInstance, requests: list[tuple[str, Any]]) -> dict[str, Any]:
    materials: list[str] = []
    for description, _color in requests:
        if description not in materials:
            materials.append(description)
    attrs = obj.attributes
    color = attrs.color if attrs.color is None or isinstance(attrs.color, str) else [_clean(c) for c in attrs.color]
    return {
        "annotations": {"category": obj.category.replace("_", " "), "description": describe_object(obj),
                        "materials": materials},
        "worldsmith": {
            "category": obj.category,
            "asset": {"source": obj.asset.source, "name": obj.asset.name,
                      "params": json.loads(json.dumps(dict(obj.asset.params)))},
            "size": [_clean(v) for v in obj.size],
            "attributes": {"color": color, "style": attrs.style, "materials": dict(attrs.materials)},
        },
    }


def object_glb_bytes(obj: ObjectInstance, texture_px: int | None = None) -> bytes:
    """GLB bytes of ``obj``'s mesh in SceneEval's asset frame (Y up, front +Z, size baked in,
    bottom centre at the origin): one node ``obj.category``, identity transform, one primitive per
    part, with the same materials as the scene GLB (:mod:`worldsmith.export.gltf`)."""
    from ..assets import build_object_parts
    from ..materials.assign import part_materials

    parts = build_object_parts(obj)
    return _glb(obj, parts, part_materials(obj, parts), texture_px)


def _glb(obj: ObjectInstance, parts: list[Any], requests: list[tuple[str, Any]], texture_px: int | None) -> bytes:
    from .. import __version__
    from ..assets import Part
    from . import gltf
    from .glb_writer import GlbBuilder

    px = gltf.DEFAULT_TEXTURE_PX if texture_px is None else texture_px
    if px and not 4 <= px <= 4096:
        raise ExportError(f"expected a texture size between 4 and 4096 px, got {px}")
    moved = []
    for p in parts:
        mesh = p.mesh.copy()
        mesh.apply_transform(LOCAL_TO_GLTF)
        moved.append(Part(p.name, mesh, p.material))
    builder = GlbBuilder(f"worldsmith {__version__}")
    materials = gltf.MaterialTable(builder, px)
    meshes = gltf.MeshTable(builder, materials)
    node: dict[str, Any] = {"name": obj.category}
    mesh_index = meshes.index(obj.category, moved, requests)
    if mesh_index is None:
        raise ExportError(f"object {obj.id} has no triangles to export")
    node["mesh"] = mesh_index
    node["extras"] = {"category": obj.category, "up": "+Y", "front": "+Z", "origin": "bottom centre"}
    builder.append("nodes", node)
    if materials.extensions:
        builder.doc["extensionsUsed"] = sorted(materials.extensions)
    builder.doc["scene"] = 0
    builder.doc["scenes"] = [{"name": obj.category, "nodes": [0]}]
    return builder.to_bytes()


def _json_bytes(doc: Any) -> bytes:
    return (json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")


def object_asset(obj: ObjectInstance, texture_px: int | None = None) -> tuple[str, bytes, bytes]:
    """``(asset id, GLB bytes, data.json bytes)`` of ``obj``; the id is
    ``<category>_<hash>`` (see the module doc)."""
    from ..assets import build_object_parts
    from ..materials.assign import part_materials

    parts = build_object_parts(obj)
    requests = part_materials(obj, parts)
    glb = _glb(obj, parts, requests, texture_px)
    data = _json_bytes(_annotation(obj, requests))
    digest = hashlib.sha256()
    for chunk in (glb, data):
        digest.update(len(chunk).to_bytes(8, "little"))
        digest.update(chunk)
    return f"{obj.category}_{digest.hexdigest()[:HASH_DIGITS]}", glb, data


# ---------------------------------------------------------------------------------------------
# the scene-state document


def _architecture(scene: Scene, arch_id: str) -> dict[str, Any]:
    elements: list[dict[str, Any]] = []
    for room in scene.rooms:
        pts = [[_clean(x), _clean(y)] for x, y in room.polygon]
        elements.append({"id": f"{room.id}|floor", "roomId": room.id, "type": "Floor",
                         "points": [p + [0.0] for p in pts]})
        elements.append({"id": f"{room.id}|ceiling", "roomId": room.id, "type": "Ceiling",
                         "points": [p + [_clean(room.height)] for p in pts]})
        for wall in scene.walls:
            if wall.room != room.id:
                continue
            dx, dy = wall.direction
            if min(abs(dx), abs(dy)) > math.sin(AXIS_TOL_RAD):
                log.warning("wall %s is not axis-aligned; SceneEval draws such walls along X", wall.id)
            holes = []
            for o in room.openings:
                if o.wall != wall.id:
                    continue
                holes.append({"id": o.id, "type": "Door" if o.kind == "door" else "Window",
                              "box": {"min": [_clean(o.offset), _clean(o.sill)],
                                      "max": [_clean(o.offset + o.width), _clean(o.sill + o.height)]}})
            elements.append({
                "id": wall.id, "roomId": room.id, "type": "Wall", "height": _clean(room.height),
                "depth": _clean(wall.thickness),
                "points": [[_clean(wall.start[0]), _clean(wall.start[1]), 0.0],
                           [_clean(wall.end[0]), _clean(wall.end[1]), 0.0]],
                "holes": holes,
            })
    return {"version": ARCH_VERSION, "up": [0, 0, 1], "front": [0, 1, 0], "coords2d": [0, 1],
            "scaleToMeters": 1.0, "id": arch_id, "elements": elements}


def scene_state(scene: Scene, model_ids: dict[str, str], scene_id: str = "scene",
                assets_ref: str = "scene" + ASSETS_SUFFIX) -> dict[str, Any]:
    """The scene-state document (see the module doc); ``model_ids`` maps object id -> modelId."""
    index = {o.id: i for i, o in enumerate(scene.objects)}
    objects = []
    for i, obj in enumerate(scene.objects):
        if obj.id not in model_ids:
            raise ExportError(f"expected a modelId for object {obj.id}")
        parent = index.get(obj.support_target, -1) if obj.support_kind == "object" else -1
        objects.append({
            "id": obj.id, "index": i, "modelId": model_ids[obj.id], "parentIndex": parent,
            "transform": {"rows": 4, "cols": 4, "data": column_major(sceneeval_transform(obj))},
            "worldsmith": {"category": obj.category, "support": obj.support},
        })
    return {
        "format": "sceneState",
        "scene": {"version": SCENE_VERSION, "id": scene_id, "up": [0, 0, 1], "front": [0, 1, 0], "unit": 1.0,
                  "assetSource": [ASSET_PREFIX], "arch": _architecture(scene, f"{scene_id}_arch"),
                  "object": objects},
        "worldsmith": {"prompt": scene.prompt, "seed": scene.seed, "assets": assets_ref},
    }


def _write_if_changed(path: Path, data: bytes) -> None:
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    path.write_bytes(data)


def export_sceneeval(scene: Scene, path: str | Path, assets_dir: str | Path | None = None,
                     texture_px: int | None = None) -> None:
    """Write ``scene`` as a SceneEval scene-state JSON at ``path`` and its objects' GLBs under
    ``assets_dir`` (default: ``<stem>_assets`` next to ``path``); see the module doc.
    ``texture_px``: size of embedded texture maps (default the GLB exporter's; 0: plain colours)."""
    p = Path(path)
    if p.suffix.lower() != ".json":
        raise ExportError(f"expected a scene-state file name ending in .json (e.g. scene_0.json), got {str(p)!r}")
    assets = Path(assets_dir) if assets_dir is not None else p.parent / f"{p.stem}{ASSETS_SUFFIX}"
    p.parent.mkdir(parents=True, exist_ok=True)
    model_ids: dict[str, str] = {}
    written: set[str] = set()
    cache: dict[tuple, str] = {}
    for obj in scene.objects:
        # objects equal but for id, position and yaw share their asset without rebuilding it
        key = (obj.category, obj.asset, obj.size, obj.attributes)
        asset_id = cache.get(key)
        if asset_id is None:
            asset_id, glb, data = object_asset(obj, texture_px)
            cache[key] = asset_id
            if asset_id not in written:
                folder = assets / asset_id
                folder.mkdir(parents=True, exist_ok=True)
                _write_if_changed(folder / f"{asset_id}.glb", glb)
                _write_if_changed(folder / "data.json", data)
                written.add(asset_id)
        model_ids[obj.id] = f"{ASSET_PREFIX}.{asset_id}"
    try:
        ref = os.path.relpath(assets, p.parent)
    except ValueError:  # another drive on Windows
        ref = str(assets)
    doc = scene_state(scene, model_ids, scene_id=p.stem, assets_ref=Path(ref).as_posix())
    p.write_bytes(_json_bytes(doc))
    log.info("wrote %s (%d objects, %d assets in %s)", p, len(scene.objects), len(written), assets)


__all__ = ["ASSETS_SUFFIX", "ASSET_PREFIX", "GLTF_TO_LOCAL", "LOCAL_TO_GLTF", "column_major", "describe_object",
           "export_sceneeval",
           "object_asset", "object_glb_bytes", "scene_state", "sceneeval_transform"]
