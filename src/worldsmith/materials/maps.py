"""Texture maps of a material, a resolved description or a :class:`~.resolve.PBR`.

:func:`texture_maps` is the one call exporters and renderers need: it picks the material, the
colour to generate with (a tinted match re-colours its pattern), generates or loads the maps at
the requested resolution and caches them on disk (see :mod:`.textures`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .colors import F32, linear_to_srgb_array, srgb_to_linear_array
from .errors import UnknownMaterialError
from .library import Material, get
from .resolve import PBR, MaterialMatch, resolve_material
from .textures import (DEFAULT_RESOLUTION, TextureMaps, cached_maps, cached_paths, flat_maps, flat_normal, generate,
                       read_image)


def _pick(target: Any) -> tuple[Material, tuple[float, float, float]]:
    if isinstance(target, MaterialMatch):
        return target.material, tuple(target.base_color[:3])  # type: ignore[return-value]
    if isinstance(target, PBR):  # get("default") is DEFAULT
        return get(target.texture or target.name), tuple(target.base_color[:3])  # type: ignore[return-value]
    if isinstance(target, Material):
        return target, tuple(target.base_color[:3])  # type: ignore[return-value]
    if isinstance(target, str):
        try:
            mat = get(target)
            return mat, tuple(mat.base_color[:3])  # type: ignore[return-value]
        except UnknownMaterialError:
            return _pick(resolve_material(target))
    raise TypeError(f"texture_maps expects a Material, MaterialMatch, PBR, material name or description, "
                    f"got {type(target).__name__}")


def _folder_maps(mat: Material, color: Sequence[float], res: int) -> TextureMaps:
    files = mat.file_map
    albedo = read_image(files["color"], 3, res)
    base = np.asarray(mat.base_color[:3], dtype=F32)
    want = np.asarray(color, dtype=F32)
    if not np.allclose(base, want, atol=1e-6):
        lin = srgb_to_linear_array(albedo.astype(F32) / 255.0) * (want / np.maximum(base, 1e-4))
        albedo = np.round(linear_to_srgb_array(lin) * 255.0).astype(np.uint8)
    rough = (read_image(files["roughness"], 1, res) if "roughness" in files
             else np.full((res, res), int(round(mat.roughness * 255)), np.uint8))
    if "normal_gl" in files:
        normal = read_image(files["normal_gl"], 3, res)
    elif "normal_dx" in files:
        normal = read_image(files["normal_dx"], 3, res)
        normal[..., 1] = 255 - normal[..., 1]  # DirectX (green down) -> OpenGL (green up)
    else:
        normal = flat_normal(res)
    metal = read_image(files["metalness"], 1, res) if "metalness" in files else None
    height = read_image(files["displacement"], 1, res) if "displacement" in files else None
    return TextureMaps(albedo, rough, normal, mat.scale_m, metallic=metal, height=height)


def _request(material: Any, res: int, seed: int):
    """(cache payload, compute, tile size, map names) of a textured material, or None."""
    mat, color = _pick(material)
    if not mat.textured:
        return None
    rgb = [round(float(c), 6) for c in color]
    if mat.texture is not None:
        spec = mat.texture
        payload = {"kind": "procedural", "spec": spec.to_dict(), "color": rgb, "roughness": mat.roughness,
                   "seed": int(seed), "resolution": res}
        return payload, (lambda: generate(spec, rgb, mat.roughness, res, seed)), spec.scale_m, \
            ("albedo", "roughness", "normal")
    stats = []
    for kind, path in mat.files:
        p = Path(path)
        st = p.stat()
        stats.append([kind, str(p), st.st_size, st.st_mtime_ns])
    names = ["albedo", "roughness", "normal"] + [k for k, f in (("metallic", "metalness"), ("height", "displacement"))
                                                   if f in mat.file_map]
    payload = {"kind": "folder", "files": stats, "color": rgb, "resolution": res}
    return payload, (lambda: _folder_maps(mat, rgb, res)), mat.scale_m, tuple(names)


def texture_maps(material: Material | MaterialMatch | PBR | str, resolution: int = DEFAULT_RESOLUTION,
                 seed: int = 0) -> TextureMaps:
    """Albedo (sRGB), roughness and OpenGL normal maps of ``material`` at ``resolution``.

    ``material`` may be a :class:`Material`, a library name, a free-text description, a
    :class:`MaterialMatch` or a :class:`PBR` (the last two carry a tint: the pattern is generated
    in the tinted colour). Procedural maps are deterministic in (material, colour, resolution,
    seed) and cached as PNGs (``TextureMaps.paths``); folder materials are resized from their
    files (and cached the same way). Untextured materials give small uniform maps (4 x 4) with
    no files: check ``Material.textured`` first when that matters."""
    request = _request(material, int(resolution), seed)
    if request is None:
        mat, color = _pick(material)
        return flat_maps(color, mat.roughness, 4, mat.scale_m)
    payload, compute, scale_m, names = request
    return cached_maps(payload, compute, scale_m, names=names)


def texture_map_files(material: Material | MaterialMatch | PBR | str, resolution: int = DEFAULT_RESOLUTION,
                      seed: int = 0) -> tuple[dict[str, str], float] | None:
    """The cached PNG files of ``material``'s maps (generated first when missing) and the tile
    size in metres, without decoding any image: for writers that embed the files as they are.
    None for an untextured material or when the cache cannot be written."""
    request = _request(material, int(resolution), seed)
    if request is None:
        return None
    payload, compute, scale_m, names = request
    files = cached_paths(payload, names)
    if files is None:
        files = dict(cached_maps(payload, compute, scale_m, names=names).paths)
        if set(files) < set(names):
            return None
    return files, scale_m
