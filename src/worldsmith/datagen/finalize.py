"""The dataset-level files, derived from the complete scene folders after every run.

* ``annotations/coco.json``: COCO instance segmentation over every frame. Images are numbered
  1.. in frame-key order, annotations 1.. in (frame, object) order. The category table is the
  renderer's fixed class table (:func:`worldsmith.render.scenegeom.base_categories`, without
  ``background``): COCO ``category_id`` == the semantic mask's class id, for every scene of every
  dataset built by this version. Objects get annotations; walls, floors, ceilings, doors and
  windows are classes of the semantic masks only. Each annotation carries COCO's fields (``id``,
  ``image_id``, ``category_id``, ``segmentation`` as compressed RLE, ``area``, ``bbox``,
  ``iscrowd`` 0) plus ``object_id``, ``visibility``, ``occlusion`` and ``truncated``; the 3D boxes
  and camera matrices stay in the frame jsons.
* ``shards/``: WebDataset tars (:mod:`.shards`), unless ``shard_size`` is 0.
* ``manifest.json``: every sample with its files' sizes and checksums (:mod:`.manifest`).
* ``README.md`` + ``card/``: the dataset card (:mod:`.card`).

Everything here is a pure function of the scene folders (no clocks, no host names), so a resumed
dataset is byte-identical to an uninterrupted one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..scene.files import atomic_write_bytes
from .spec import JobSpec

COCO_FILE = Path("annotations") / "coco.json"
STRUCTURE = {"wall", "floor", "ceiling", "door", "window"}


def complete_scenes(spec: JobSpec) -> list[str]:
    """Keys of the job's scenes whose folders are complete, in index order."""
    from .writers import SceneFolder

    return [t.key for t in spec.tasks() if SceneFolder(spec.out_dir, t.key).is_complete()]


def coco_document(root: Path, scenes: list[str], frames: dict[str, list[str]]) -> dict[str, Any]:
    """The COCO document of the given scenes' frames (see the module doc)."""
    from ..render.scenegeom import base_categories
    from .writers import SceneFolder

    cats = [{"id": i, "name": c, "supercategory": "structure" if c in STRUCTURE else "object"}
            for i, c in enumerate(base_categories()) if i > 0]
    images: list[dict[str, Any]] = []
    anns: list[dict[str, Any]] = []
    for scene in scenes:
        for fk in frames[scene]:
            meta = SceneFolder(root, scene).frame_meta(fk) or {}
            image_id = len(images) + 1
            images.append({"id": image_id, "file_name": f"scenes/{scene}/{fk}.rgb.png", "width": meta["width"],
                           "height": meta["height"], "key": fk, "scene": scene})
            for obj in meta.get("objects", []):
                anns.append({
                    "id": len(anns) + 1, "image_id": image_id, "category_id": obj["category_id"],
                    "segmentation": obj["segmentation"], "area": obj["area"], "bbox": obj["bbox"], "iscrowd": 0,
                    "object_id": obj["id"], "visibility": obj.get("visibility"), "occlusion": obj.get("occlusion"),
                    "truncated": obj.get("truncated"),
                })
    return {"info": {"description": "Worldsmith synthetic indoor scenes (worldsmith datagen)", "version": "1"},
            "licenses": [], "categories": cats, "images": images, "annotations": anns}


def finalize(spec: JobSpec) -> dict[str, Any]:
    """Write COCO, shards, manifest and card for the complete scenes; returns counts for the
    run summary: ``scenes``, ``frames``, ``annotations``, ``shards``, ``bytes`` (dataset files)."""
    from .card import write_card
    from .manifest import build_manifest, write_manifest
    from .shards import write_shards
    from .writers import SceneFolder, dataset_categories

    root = spec.out_dir
    scenes = complete_scenes(spec)
    frames = {s: SceneFolder(root, s).frames() for s in scenes}
    coco = coco_document(root, scenes, frames)
    (root / COCO_FILE).parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(root / COCO_FILE, (json.dumps(coco, separators=(",", ":"), sort_keys=True) + "\n").encode())
    samples = [(fk, root / "scenes" / s) for s in scenes for fk in frames[s]]
    shards: list[dict[str, Any]] = []
    if spec.shard_size > 0:
        shards = write_shards(root, samples, max_samples=spec.shard_size)
    else:
        write_shards(root, [], max_samples=1)  # removes the shards of an earlier run
    manifest = build_manifest(root, scenes, shards=shards,
                              extra={"job": spec.content(), "categories": dataset_categories()})
    write_manifest(root, manifest)
    nbytes = sum(f["bytes"] for s in manifest["samples"] for f in s["files"].values())
    write_card(spec, root, scenes, frames, coco, nbytes=nbytes, shards=len(shards))
    return {"scenes": len(scenes), "scenes_total": spec.scenes, "frames": len(samples),
            "annotations": len(coco["annotations"]), "shards": len(shards), "bytes": nbytes}


__all__ = ["COCO_FILE", "coco_document", "complete_scenes", "finalize"]
