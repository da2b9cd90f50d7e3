"""The dataset card: ``DIR/README.md`` and its picture ``DIR/card/samples.png``.

The card says what the dataset holds and how it was made: counts (scenes, frames, object
annotations, shards, bytes), frames per room type (or per prompt), the class histogram (object
annotations and the frames each class appears in), the randomization settings, the files of a
sample, the exact command, the job settings and the versions of the software that built it.

``samples.png`` is a grid of up to :data:`GRID_SAMPLES` frames spread evenly over the dataset
(frame ``round(i * (n - 1) / (k - 1))`` of the ``n`` in key order), one row each: the RGB image,
the depth image (turbo colours, near warm) and the RGB image under the instance masks (each object
in its stable hash colour at 55 % opacity, its 2D box outlined).
"""

from __future__ import annotations

import io
import json
import platform
from collections import Counter
from pathlib import Path
from typing import Any

from ..scene.files import atomic_write_bytes
from .spec import JobSpec

GRID_SAMPLES = 6
TILE = (320, 240)
MASK_ALPHA = 0.55


def _versions(spec: JobSpec) -> dict[str, str]:
    from importlib import metadata

    import worldsmith

    out = {"worldsmith": worldsmith.__version__, "python": platform.python_version()}
    for pkg in ("numpy", "pillow", "moderngl", "trimesh", "mitsuba", "ray"):
        if pkg == "mitsuba" and spec.backend != "pbr":
            continue
        if pkg == "ray" and spec.executor != "ray":
            continue
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            continue
    return out


def _tiles(root: Path, scene: str, fk: str) -> list[Any]:
    import numpy as np
    from PIL import Image, ImageDraw

    from ..render.output import depth_preview, hash_color, read_depth_png, read_ids_png

    from .writers import SceneFolder

    folder = root / "scenes" / scene
    meta = SceneFolder(root, scene).frame_meta(fk) or {}
    with Image.open(folder / f"{fk}.rgb.png") as im:
        rgb = np.asarray(im.convert("RGB"))
    tiles = [Image.fromarray(rgb)]
    depth_file = folder / f"{fk}.depth.png"
    if depth_file.exists():
        tiles.append(Image.fromarray(depth_preview(read_depth_png(depth_file))))
    inst_file = folder / f"{fk}.instance.png"
    over = rgb.astype(np.float32)
    if inst_file.exists():
        ids = read_ids_png(inst_file)
        table = meta.get("instances", [])
        for i, entry in enumerate(table):
            if entry.get("kind") != "object":
                continue
            m = ids == i
            if m.any():
                over[m] = (1 - MASK_ALPHA) * over[m] + MASK_ALPHA * np.asarray(hash_color(entry["id"]), np.float32)
    img = Image.fromarray(np.clip(np.rint(over), 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    for obj in meta.get("objects", []):
        x, y, w, h = obj["bbox"]
        draw.rectangle([x, y, x + w - 1, y + h - 1], outline=hash_color(obj["id"]), width=2)
    tiles.append(img)
    return [t.resize(TILE) for t in tiles]


def sample_grid(root: Path, picks: list[tuple[str, str]]) -> bytes:
    """PNG bytes of the sample grid (see the module doc) for ``(scene, frame)`` picks."""
    from PIL import Image

    rows = [_tiles(root, s, f) for s, f in picks]
    cols = max((len(r) for r in rows), default=1)
    grid = Image.new("RGB", (cols * TILE[0] + (cols - 1) * 4, max(len(rows), 1) * (TILE[1] + 4)), (255, 255, 255))
    for r, tiles in enumerate(rows):
        for c, tile in enumerate(tiles):
            grid.paste(tile, (c * (TILE[0] + 4), r * (TILE[1] + 4)))
    buf = io.BytesIO()
    grid.save(buf, format="PNG", optimize=False, compress_level=6)
    return buf.getvalue()


def _table(rows: list[tuple[Any, ...]], header: tuple[str, ...]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out


def write_card(spec: JobSpec, root: Path, scenes: list[str], frames: dict[str, list[str]], coco: dict[str, Any], *,
               nbytes: int, shards: int) -> None:
    """Write ``README.md`` and ``card/samples.png`` (see the module doc); ``nbytes`` is the size of
    the frames' files (from the manifest), ``shards`` the number of WebDataset shards."""
    from .writers import SceneFolder

    all_frames = [(s, f) for s in scenes for f in frames[s]]
    scene_meta = {s: SceneFolder(root, s).scene_meta() for s in scenes}
    names = {c["id"]: c["name"] for c in coco["categories"]}
    ann_count = Counter(names[a["category_id"]] for a in coco["annotations"])
    img_count = Counter()
    for img_id, cats in _cats_per_image(coco).items():
        img_count.update(names[c] for c in cats)
    by_type = Counter()
    for s in scenes:
        by_type[scene_meta[s].get("room_type") or scene_meta[s].get("prompt_id") or "?"] += len(frames[s])
    picks: list[tuple[str, str]] = []
    k = min(GRID_SAMPLES, len(all_frames))
    for i in range(k):
        j = round(i * (len(all_frames) - 1) / (k - 1)) if k > 1 else 0
        picks.append(all_frames[j])
    (root / "card").mkdir(exist_ok=True)
    if picks:
        atomic_write_bytes(root / "card" / "samples.png", sample_grid(root, picks))
    lines = [
        "# Worldsmith synthetic indoor dataset", "",
        f"Built by `worldsmith datagen` from {'room types ' + ', '.join(spec.room_types) if spec.room_types else str(len(spec.prompts)) + ' prompts'}"
        f" with the {spec.planner} planner and the `{spec.backend}` renderer at {spec.width}x{spec.height}.", "",
        "## Counts", "",
        *_table([("scenes", f"{len(scenes)} of {spec.scenes}"), ("frames", len(all_frames)),
                 ("object annotations", len(coco["annotations"])), ("classes present", len(ann_count)),
                 ("frame files", f"{nbytes / 1e6:.1f} MB ({nbytes / max(len(all_frames), 1) / 1e3:.0f} kB a frame)"),
                 ("WebDataset shards", shards)], ("what", "count")), "",
        "## Frames per room type" if spec.room_types else "## Frames per prompt", "",
        *_table(sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0])), ("room type" if spec.room_types else "prompt",
                                                                          "frames")), "",
        "## Classes", "",
        "Object annotations per class and the frames each class appears in (COCO `category_id` = semantic id).", "",
        *_table([(c, ann_count[c], img_count[c]) for c in sorted(ann_count, key=lambda c: (-ann_count[c], c))],
                ("class", "annotations", "frames")), "",
        "## Samples", "",
        "![sample frames](card/samples.png)", "",
        "Each row: RGB, depth (near is warm), instance masks with 2D boxes.", "",
        "## Layout", "",
        "- `scenes/<scene>/<scene>_v<view>.{rgb,depth,instance,semantic,normal}.png` and `.json` (camera intrinsics and",
        "  extrinsics, COCO-style objects with RLE masks, 3D boxes in world and camera frames, visibility, the",
        "  randomization drawn for the view); `scenes/<scene>/scene.json` (prompt, seed, program, randomization).",
        "- Depth: uint16 millimetres along the camera axis, 0 = no hit. Instance ids index the frame json's",
        "  `instances`; semantic ids index the COCO category table (0 = background).",
        "- `annotations/coco.json`, `shards/shard-*.tar` (WebDataset), `manifest.json` (SHA-256 of every file).",
        "- Read it with `worldsmith.datagen.load(DIR)` (numpy arrays; works with a torch DataLoader).", "",
        "## Randomization", "",
        "```json", json.dumps(spec.content().get("randomization", {}), indent=1, sort_keys=True), "```", "",
        "## How it was built", "",
        "```", spec.command or "(library call)", "```", "",
        *_table(sorted(_versions(spec).items()), ("software", "version")), "",
        "Job settings (`job.json`):", "",
        "```json", json.dumps({k: v for k, v in spec.content().items() if k != "prompts"}, indent=1, sort_keys=True),
        "```", "",
    ]
    atomic_write_bytes(root / "README.md", "\n".join(lines).encode("utf-8"))


def _cats_per_image(coco: dict[str, Any]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for a in coco["annotations"]:
        out.setdefault(a["image_id"], set()).add(a["category_id"])
    return out


__all__ = ["GRID_SAMPLES", "sample_grid", "write_card"]
