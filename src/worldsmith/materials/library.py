"""The material library: builtin PBR materials (``data/materials.json``) plus the materials of
registered user texture folders.

A :class:`Material` is a frozen value: names, words for retrieval (``tags``, ``aliases``,
``colors``), metallic-roughness values, an optional emissive colour, how strongly a requested
colour tints it (``tint_strength``) and either a procedural :class:`TextureSpec` or texture files.

Data file format (``materials.json``, one object per material)::

    {"name": "marble_white", "family": "stone", "description": "...",
     "tags": ["marble", "carrara", ...],          # retrieval words (phrases allowed)
     "aliases": ["..."],                          # optional: words that count like the name
     "colors": ["white", "off white"],            # colour names this variant already is
     "color": "#eeece8",                          # base colour, sRGB hex
     "metallic": 0.0, "roughness": 0.12,
     "alpha": 1.0,                                # optional, < 1 is transparent
     "tint": 0.6,                                 # optional, default by family
     "emissive": "#ffcf96", "emissive_strength": 8.0,   # optional (lights)
     "texture": {"pattern": "marble", "params": {...}, "scale_m": 1.0}}   # optional

Default tint strengths: paintable families (paint, fabric, leather, plastic, ceramic, wallpaper,
carpet, rubber, paper, glass, light) 1.0; natural ones (wood, stone, brick, concrete, organic) 0.6;
metals 0.5.
"""

from __future__ import annotations

import difflib
import json
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from .colors import hex_srgb, to_linear
from .errors import MaterialError, UnknownMaterialError
from .textures import TextureSpec

RGB = tuple[float, float, float]
RGBA = tuple[float, float, float, float]

DATA_FILE = Path(__file__).with_name("data") / "materials.json"

FAMILY_TINT = {
    "paint": 1.0, "plaster": 1.0, "fabric": 1.0, "leather": 1.0, "plastic": 1.0, "ceramic": 1.0,
    "wallpaper": 1.0, "carpet": 1.0, "rubber": 1.0, "paper": 1.0, "glass": 1.0, "light": 1.0,
    "wood": 0.6, "stone": 0.6, "brick": 0.6, "concrete": 0.6, "organic": 0.6, "board": 0.6,
    "metal": 0.5, "screen": 0.0, "folder": 0.6, "default": 1.0,
}
FAMILIES = tuple(sorted(set(FAMILY_TINT) - {"default"}))

_KEYS = {"name", "family", "description", "tags", "aliases", "colors", "color", "metallic", "roughness", "alpha",
         "tint", "emissive", "emissive_strength", "texture"}


@dataclass(frozen=True)
class Material:
    """One library material.

    ``base_color`` is linear RGBA in [0, 1]; ``emissive`` linear RGB in [0, 1] (times
    ``emissive_strength``, 0 = not a light); ``tint_strength`` in [0, 1] is how much a requested
    colour replaces the base colour; ``colors`` are colour names the material already is (a
    request for one of them applies no tint). ``texture`` is the procedural spec, or None;
    ``files`` maps a map kind (``color``, ``roughness``, ``normal_gl`` / ``normal_dx``,
    ``metalness``, ``displacement``) to an image path for folder materials; ``scale_m`` is the
    real size of one texture tile; ``source`` is ``"builtin"`` or ``"folder"``."""

    name: str
    description: str
    tags: tuple[str, ...]
    family: str
    base_color: RGBA
    metallic: float
    roughness: float
    emissive: RGB = (0.0, 0.0, 0.0)
    emissive_strength: float = 0.0
    tint_strength: float = 1.0
    colors: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    texture: TextureSpec | None = None
    files: tuple[tuple[str, str], ...] = ()
    scale_m: float = 1.0
    source: str = "builtin"

    @property
    def textured(self) -> bool:
        """True when the material has texture maps (procedural or files)."""
        return self.texture is not None or bool(self.files)

    @property
    def file_map(self) -> dict[str, str]:
        return dict(self.files)

    @property
    def is_emissive(self) -> bool:
        return self.emissive_strength > 0.0 and max(self.emissive) > 0.0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name, "family": self.family, "description": self.description, "tags": list(self.tags),
            "base_color": list(self.base_color), "metallic": self.metallic, "roughness": self.roughness,
            "tint_strength": self.tint_strength, "source": self.source,
        }
        if self.is_emissive:
            out["emissive"] = list(self.emissive)
            out["emissive_strength"] = self.emissive_strength
        if self.texture is not None:
            out["texture"] = self.texture.to_dict()
        if self.files:
            out["files"] = dict(self.files)
            out["scale_m"] = self.scale_m
        return out


DEFAULT = Material(
    name="default", description="Neutral light grey matte material, used when a description names no known material.",
    tags=(), family="default", base_color=(*to_linear((0.8, 0.8, 0.8)), 1.0), metallic=0.0, roughness=0.6,
    tint_strength=1.0)


def _num(entry: Mapping[str, Any], key: str, default: float, lo: float, hi: float) -> float:
    v = entry.get(key, default)
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= float(v) <= hi:
        raise MaterialError(f"material {entry.get('name')!r}: {key} must be a number in [{lo}, {hi}], got {v!r}")
    return float(v)


def material_from_dict(entry: Mapping[str, Any]) -> Material:
    """Build a :class:`Material` from one ``materials.json`` entry (validated)."""
    unknown = set(entry) - _KEYS
    name = entry.get("name")
    if not isinstance(name, str) or not name:
        raise MaterialError(f"material entry without a name: {dict(entry)!r}")
    if unknown:
        raise MaterialError(f"material {name!r}: unknown keys {sorted(unknown)}; allowed: {sorted(_KEYS)}")
    family = entry.get("family", "")
    if family not in FAMILY_TINT:
        raise MaterialError(f"material {name!r}: family must be one of {sorted(FAMILY_TINT)}, got {family!r}")
    try:
        rgb = to_linear(hex_srgb(str(entry["color"])))
    except (KeyError, ValueError) as exc:
        raise MaterialError(f"material {name!r}: 'color' must be '#rrggbb' ({exc})") from None
    alpha = _num(entry, "alpha", 1.0, 0.0, 1.0)
    emissive: RGB = (0.0, 0.0, 0.0)
    if "emissive" in entry:
        emissive = to_linear(hex_srgb(str(entry["emissive"])))
    texture = None
    if "texture" in entry:
        t = entry["texture"]
        try:
            texture = TextureSpec.make(t["pattern"], t.get("params", {}), float(t.get("scale_m", 1.0)))
        except (KeyError, TypeError, ValueError) as exc:
            raise MaterialError(f"material {name!r}: bad texture spec {t!r}: {exc}") from None
    return Material(
        name=name, description=str(entry.get("description", name)), tags=tuple(entry.get("tags", ())),
        family=family, base_color=(*rgb, alpha), metallic=_num(entry, "metallic", 0.0, 0.0, 1.0),
        roughness=_num(entry, "roughness", 0.5, 0.0, 1.0), emissive=emissive,
        emissive_strength=_num(entry, "emissive_strength", 0.0, 0.0, 1e6),
        tint_strength=_num(entry, "tint", FAMILY_TINT[family], 0.0, 1.0), colors=tuple(entry.get("colors", ())),
        aliases=tuple(entry.get("aliases", ())), texture=texture,
        scale_m=texture.scale_m if texture is not None else 1.0, source="builtin")


@lru_cache(maxsize=1)
def builtin_materials() -> tuple[Material, ...]:
    """The builtin library, in file order (earlier entries win retrieval ties)."""
    try:
        doc = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise MaterialError(f"cannot read the material library {DATA_FILE}: {exc}") from None
    mats = tuple(material_from_dict(e) for e in doc["materials"])
    names = [m.name for m in mats]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise MaterialError(f"duplicate material names in {DATA_FILE}: {dup}")
    return mats


# ---------------------------------------------------------------------------------------------
# registered texture folders (process-wide)

_lock = threading.Lock()
_folders: dict[str, tuple[Material, ...]] = {}
_version = 0


def _register_folder(key: str, materials: tuple[Material, ...]) -> None:
    global _version
    builtin = {m.name for m in builtin_materials()}
    clash = sorted({m.name for m in materials} & builtin)
    if clash:
        raise MaterialError(f"texture folder {key}: names clash with builtin materials {clash}; rename the files")
    with _lock:
        others = {m.name for k, ms in _folders.items() if k != key for m in ms}
        clash = sorted({m.name for m in materials} & others)
        if clash:
            raise MaterialError(f"texture folder {key}: names already registered by another folder: {clash}")
        _folders[key] = materials
        _version += 1


def clear_texture_folders() -> None:
    """Forget every registered texture folder (the builtin library stays)."""
    global _version
    with _lock:
        _folders.clear()
        _version += 1


def library_version() -> int:
    """Changes whenever the set of library materials changes (folder registration)."""
    return _version


def library() -> tuple[Material, ...]:
    """Every material: builtin first, then registered texture folders in registration order."""
    with _lock:
        extra = tuple(m for ms in _folders.values() for m in ms)
    return builtin_materials() + extra


def get(name: str) -> Material:
    """The material called ``name`` (case-insensitive; ``"default"`` is the neutral default)."""
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    if key == DEFAULT.name:
        return DEFAULT
    for m in library():
        if m.name == key:
            return m
    close = difflib.get_close_matches(key, [m.name for m in library()], n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; see worldsmith.materials.library()"
    raise UnknownMaterialError(f"no material named {name!r}{hint}")
