"""User texture folders in ambientCG layout -> extra library materials.

A folder (searched recursively) holds map images named ``<Name>_<Map>.<ext>``, where ``<Map>`` is
``Color``, ``Roughness``, ``NormalGL`` (or ``NormalDX``, DirectX convention; converted by flipping
green), ``Metalness`` or ``Displacement`` and ``<ext>`` is jpg/jpeg/png. ambientCG's download
names (``Bricks076_1K-JPG_Color.jpg``) work too: the resolution/format part is ignored. Every
``<Name>`` with a ``_Color`` map becomes one :class:`~.library.Material`:

- name: ``<Name>`` in snake case (``WoodFloor041`` -> ``wood_floor_041``),
- description: the name's words (``"Wood floor 041 (texture folder)"``), tags: the same words
  plus a family word guessed from them (wood, brick, tile ...),
- base colour, roughness, metallic: averages of the maps (so untextured renderers still look
  right); tint strength 0.6; ``scale_m``: metres one tile covers (argument, default 1 m).

:func:`register_texture_folder` adds them to the process-wide library, so
``resolve_material("wood floor 041")`` and ``get("wood_floor_041")`` find them.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import numpy as np

from .colors import to_linear
from .errors import TextureFolderError
from .library import Material, _register_folder
from .resolve import split_words

log = logging.getLogger(__name__)

_EXTS = (".jpg", ".jpeg", ".png")
_KINDS = {"color": "color", "roughness": "roughness", "normalgl": "normal_gl", "normaldx": "normal_dx",
          "metalness": "metalness", "displacement": "displacement"}
_FILE = re.compile(
    r"^(?P<name>.+?)(?:_\d+K(?:[-_](?:JPG|PNG))?)?_(?P<kind>Color|Roughness|NormalGL|NormalDX|Metalness|Displacement)"
    r"\.(?:jpe?g|png)$", re.IGNORECASE)

_FAMILY_WORDS = {
    "wood": "wood", "planks": "wood", "plank": "wood", "parquet": "wood", "bark": "wood", "plywood": "wood",
    "brick": "brick", "bricks": "brick", "tiles": "ceramic", "tile": "ceramic", "ceramic": "ceramic",
    "marble": "stone", "granite": "stone", "rock": "stone", "rocks": "stone", "stone": "stone", "slate": "stone",
    "gravel": "stone", "terrazzo": "stone", "concrete": "concrete", "asphalt": "concrete", "plaster": "plaster",
    "paint": "paint", "metal": "metal", "steel": "metal", "iron": "metal", "rust": "metal", "aluminium": "metal",
    "fabric": "fabric", "leather": "leather", "carpet": "carpet", "rubber": "rubber", "paper": "paper",
    "cardboard": "paper", "wallpaper": "wallpaper", "plastic": "plastic", "glass": "glass", "ground": "organic",
    "grass": "organic", "moss": "organic", "soil": "organic",
}


def _snake(name: str) -> str:
    return "_".join(split_words(name)) or "texture"


def _mean_srgb(path: Path, channels: int) -> np.ndarray:
    """Mean of a map's (8-bit, so sRGB-encoded for colour) values in [0, 1], from a thumbnail."""
    from PIL import Image

    with Image.open(path) as im:
        im = im.convert("RGB" if channels == 3 else "L")
        im.thumbnail((64, 64))
        a = np.asarray(im, dtype=np.float64) / 255.0
    return a.reshape(-1, channels).mean(axis=0)


def load_texture_folder(folder: str | Path, scale_m: float = 1.0) -> list[Material]:
    """Materials for every ``<Name>_Color`` map under ``folder`` (see the module doc), sorted by
    name. Raises :class:`TextureFolderError` for a missing folder or one without colour maps."""
    root = Path(folder).expanduser()
    if not root.is_dir():
        raise TextureFolderError(f"texture folder {str(root)!r} does not exist or is not a folder; "
                                 "expected a folder of ambientCG maps like <Name>_Color.jpg")
    if not scale_m > 0:
        raise TextureFolderError(f"scale_m must be > 0 metres, got {scale_m!r}")
    groups: dict[str, dict[str, Path]] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in _EXTS):
        m = _FILE.match(path.name)
        if not m:
            continue
        kind = _KINDS[m.group("kind").lower()]
        groups.setdefault(m.group("name"), {}).setdefault(kind, path)
    named = {k: v for k, v in groups.items() if "color" in v}
    if not named:
        found = ", ".join(sorted(groups)) or "no map files"
        raise TextureFolderError(f"texture folder {str(root)!r} has no <Name>_Color.(jpg|png) maps (found: {found}); "
                                 "name the files <Name>_Color.jpg, <Name>_Roughness.jpg, <Name>_NormalGL.jpg ...")
    out: dict[str, Material] = {}
    for raw, files in sorted(named.items()):
        name = _snake(raw)
        if name in out:
            log.warning("texture folder %s: %s and another set both map to the name %s; keeping the first", root, raw,
                        name)
            continue
        words = split_words(raw)
        try:
            srgb = _mean_srgb(files["color"], 3)
            rough = float(_mean_srgb(files["roughness"], 1)[0]) if "roughness" in files else 0.8
            metal = float(_mean_srgb(files["metalness"], 1)[0]) if "metalness" in files else 0.0
        except OSError as exc:
            raise TextureFolderError(f"cannot read texture maps of {raw!r} in {str(root)!r}: {exc}") from None
        rgb = to_linear(srgb)
        family = next((_FAMILY_WORDS[w] for w in words if w in _FAMILY_WORDS), "folder")
        tags = tuple(dict.fromkeys(words + ([family] if family != "folder" else []) + ["texture"]))
        out[name] = Material(
            name=name, description=f"{' '.join(words).capitalize()} (texture folder {root.name})", tags=tags,
            family=family, base_color=(rgb[0], rgb[1], rgb[2], 1.0), metallic=round(min(1.0, max(0.0, metal)), 4),
            roughness=round(min(1.0, max(0.02, rough)), 4), tint_strength=0.6,
            files=tuple(sorted((k, str(v.resolve())) for k, v in files.items())), scale_m=float(scale_m),
            source="folder")
    return [out[k] for k in sorted(out)]


def register_texture_folder(folder: str | Path, scale_m: float = 1.0) -> list[Material]:
    """Load ``folder`` (:func:`load_texture_folder`) and add its materials to the library for
    this process. Registering the same folder again replaces its materials. Returns them."""
    materials = load_texture_folder(folder, scale_m)
    key = str(Path(folder).expanduser().resolve())
    _register_folder(key, tuple(materials))
    log.info("registered %d texture material(s) from %s", len(materials), key)
    return materials
