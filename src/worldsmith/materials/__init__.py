"""Materials: a PBR material library with procedural textures, free-text retrieval, colours.

- :func:`library` / :func:`get`: the builtin materials (``data/materials.json``, 120+ entries:
  woods, stones, tiles, paint, brick, metals, fabrics, carpet, rubber, glass, plastics,
  wallpaper, lights, screens ...) plus registered texture folders.
- :func:`resolve_material` turns a description ("dark green velvet wallpaper", "exposed brick",
  "#aa3322 paint") into a :class:`MaterialMatch`: the material, a score in [0, 1], the tint and
  the matched terms (an explanation a scene can store); :func:`resolve_pbr` gives its
  metallic-roughness values as a :class:`PBR` (what the exporters use).
- :func:`texture_maps`: albedo / roughness / normal maps (procedural, tileable, deterministic,
  disk-cached) of a material, match or PBR.
- :func:`load_texture_folder` / :func:`register_texture_folder`: ambientCG-style folders of
  ``<Name>_Color.jpg`` ... as extra materials.
- :func:`color_rgb`, :data:`COLORS`, :func:`srgb_to_linear`, :func:`kelvin_to_rgb`: colours.

Heavy work is lazy: importing this package reads nothing; the library JSON is read on first use;
Pillow is imported only to read or write images.
"""

from .colors import COLORS, color_family, color_rgb, kelvin_to_rgb, srgb_to_linear
from .errors import MaterialError, TextureFolderError, UnknownMaterialError
from .folders import load_texture_folder, register_texture_folder
from .library import DEFAULT, FAMILIES, Material, clear_texture_folders, get, library
from .maps import texture_maps
from .resolve import PBR, MaterialMatch, resolve_material, resolve_pbr
from .textures import PATTERNS, TextureMaps, TextureSpec, cache_dir

__all__ = [
    "COLORS", "DEFAULT", "FAMILIES", "PATTERNS", "PBR", "Material", "MaterialError", "MaterialMatch",
    "TextureFolderError", "TextureMaps", "TextureSpec", "UnknownMaterialError", "cache_dir",
    "clear_texture_folders", "color_family", "color_rgb", "get", "kelvin_to_rgb", "library",
    "load_texture_folder", "register_texture_folder", "resolve_material", "resolve_pbr", "srgb_to_linear",
    "texture_maps",
]
