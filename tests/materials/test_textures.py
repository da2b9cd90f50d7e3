"""Procedural texture maps: shapes, determinism, tileability, normals, tint, the disk cache."""

from __future__ import annotations

import os

import numpy as np
import pytest

from worldsmith.materials import (PATTERNS, TextureMaps, TextureSpec, cache_dir, get, library, resolve_material,
                                  resolve_pbr, texture_maps)
from worldsmith.materials import maps as maps_module
from worldsmith.materials.textures import generate, height_to_normal

RES = 128


def _one_material_per_pattern():
    out = {}
    for m in library():
        if m.texture is not None:
            out.setdefault(m.texture.pattern, m)
    return out


BY_PATTERN = _one_material_per_pattern()


def test_every_pattern_is_used_by_the_library():
    assert set(BY_PATTERN) == set(PATTERNS)
    assert len(PATTERNS) >= 25


def _maps(m, res=RES, seed=0, color=None):
    return generate(m.texture, color if color is not None else m.base_color[:3], m.roughness, res, seed)


def _seam_ok(a: np.ndarray, axis: int) -> tuple[bool, float, float]:
    """The wrap-around step (last -> first column, or row) against the interior steps: it must
    not exceed the largest interior neighbour step (a periodic pattern with a joint on the
    border shows that joint's step there, as inside). Each channel on its own (a seam in the
    normal map's x and an opposite one in its y would cancel in their mean); the worst one."""
    a = a.astype(np.float64)
    if a.ndim == 2:
        a = a[..., None]
    if axis == 0:
        a = a.transpose(1, 0, 2)
    steps = []
    for ch in np.moveaxis(a, 2, 0):
        adjacent = np.abs(np.diff(ch, axis=1)).mean(axis=0)
        steps.append((float(np.abs(ch[:, 0] - ch[:, -1]).mean()), 1.05 * float(adjacent.max()) + 0.5))
    seam, limit = max(steps, key=lambda s: s[0] - s[1])
    return seam <= limit, seam, limit


@pytest.mark.parametrize("pattern", sorted(PATTERNS))
def test_pattern_maps_are_well_formed_tileable_and_deterministic(pattern):
    m = BY_PATTERN[pattern]
    a = _maps(m)
    assert isinstance(a, TextureMaps) and a.resolution == RES
    assert a.albedo.shape == (RES, RES, 3) and a.albedo.dtype == np.uint8
    assert a.roughness.shape == (RES, RES) and a.roughness.dtype == np.uint8
    assert a.normal.shape == (RES, RES, 3) and a.normal.dtype == np.uint8
    # no map is flat (a flat map passes any seam check)
    assert a.albedo.std() > 0.5, "a texture should not be flat"
    assert (a.normal[..., :2] != 128).any(), "the normal map should show the pattern's relief"
    if pattern != "tiles_subway":  # its 2 mm joints are under a 4.7 mm pixel at 128 px: uniform roughness
        assert a.roughness.std() > 0.5, "the roughness map should follow the pattern"
    # deterministic, byte for byte; another seed gives another texture
    b = _maps(m)
    for name in ("albedo", "roughness", "normal"):
        assert getattr(a, name).tobytes() == getattr(b, name).tobytes(), name
    c = _maps(m, seed=1)
    assert c.albedo.tobytes() != a.albedo.tobytes()
    # tileable in both directions, in every map
    for name in ("albedo", "roughness", "normal"):
        for axis in (0, 1):
            ok, seam, limit = _seam_ok(getattr(a, name), axis)
            assert ok, (name, axis, seam, limit)
    # normals: unit length, facing out
    n = a.normal.astype(np.float64) / 255.0 * 2.0 - 1.0
    length = np.linalg.norm(n, axis=-1)
    assert np.all(np.abs(length - 1.0) < 0.02)
    assert n[..., 2].min() > 0.0


def test_seam_check_catches_a_cut_texture():
    """The tileability check has teeth: cropping smooth textures (so they no longer wrap) fails it."""
    caught = 0
    smooth = [get(n) for n in ("oak_wood", "plaster_white", "concrete", "steel_brushed", "marble_white", "velvet",
                               "slate", "pine_wood")]
    for m in smooth:
        a = _maps(m, res=192)
        cut = a.albedo[:, 30:150]
        caught += not all(_seam_ok(x, 1)[0] for x in (cut, a.normal[:, 30:150]))
    assert caught >= 6


def test_mean_albedo_follows_the_base_colour_and_tint_recolours():
    from worldsmith.materials.colors import srgb_to_linear_array

    for name in ("oak_planks", "velvet", "concrete", "linen", "leather"):
        m = get(name)
        mean = srgb_to_linear_array(_maps(m).albedo / 255.0).reshape(-1, 3).mean(axis=0)
        assert np.allclose(mean, m.base_color[:3], rtol=0.25, atol=0.03), (name, mean, m.base_color)
    navy = resolve_material("navy velvet")
    t = texture_maps(navy, RES)
    mean = t.albedo.reshape(-1, 3).mean(axis=0)
    assert mean[2] > mean[0] and mean[2] > mean[1]
    red_brick, white_brick = texture_maps("brick_red", RES), texture_maps("brick_white", RES)
    assert red_brick.albedo[..., 0].mean() > 1.5 * red_brick.albedo[..., 2].mean()
    assert white_brick.albedo.mean() > 180


def test_normal_map_convention_is_opengl():
    """A bump: on its upper side (towards row 0) the normal leans up (green > 128), on its
    right side right (red > 128)."""
    y, x = np.mgrid[0:64, 0:64]
    h = np.exp(-((x - 32.0) ** 2 + (y - 32.0) ** 2) / 50.0) * 0.002
    n = height_to_normal(h, 0.001)
    assert n[24, 32, 1] > 140 and n[40, 32, 1] < 116
    assert n[32, 40, 0] > 140 and n[32, 24, 0] < 116
    assert abs(int(n[32, 32, 0]) - 128) <= 1 and abs(int(n[32, 32, 1]) - 128) <= 1


def test_resolution_is_configurable_and_features_keep_their_size():
    m = get("tile_square_white")
    small, big = _maps(m, 64), _maps(m, 256)
    assert small.albedo.shape == (64, 64, 3) and big.albedo.shape == (256, 256, 3)
    # the grout grid sits at the same relative places at both resolutions
    col_s = small.albedo.mean(axis=(0, 2))
    col_b = big.albedo.reshape(256, 64, 4, 3).mean(axis=(0, 2, 3))
    assert np.corrcoef(col_s, col_b)[0, 1] > 0.8
    with pytest.raises(ValueError):
        generate(m.texture, m.base_color[:3], 0.5, 4)


def test_spec_validation():
    with pytest.raises(ValueError, match="unknown texture pattern"):
        TextureSpec.make("nope")
    with pytest.raises(ValueError):
        TextureSpec.make("planks", {}, 0.0)
    s = TextureSpec.make("planks", {"boards_per_row": [1, 2]}, 2.4)
    assert s.params_dict() == {"boards_per_row": [1, 2]}
    assert hash(s) == hash(TextureSpec.make("planks", {"boards_per_row": [1, 2]}, 2.4))


# ---------------------------------------------------------------------------------------------
# the disk cache


def test_cache_location_honours_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("WORLDSMITH_CACHE_DIR", str(tmp_path / "ws"))
    assert cache_dir() == tmp_path / "ws" / "textures"
    monkeypatch.delenv("WORLDSMITH_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "worldsmith" / "textures"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "worldsmith" / "textures"


def test_cache_hit_returns_identical_bytes_without_recomputing(monkeypatch, tmp_path):
    monkeypatch.setenv("WORLDSMITH_CACHE_DIR", str(tmp_path))
    calls = []
    real = maps_module.generate

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(maps_module, "generate", counting)
    first = texture_maps("oak_herringbone", 64)
    assert len(calls) == 1
    assert set(first.paths) == {"albedo", "roughness", "normal"}
    for p in first.paths.values():
        assert os.path.isfile(p) and p.startswith(str(tmp_path / "textures"))
    leftovers = [f for _, _, fs in os.walk(tmp_path) for f in fs if f.endswith(".tmp")]
    assert not leftovers
    second = texture_maps("oak_herringbone", 64)
    assert len(calls) == 1, "a cache hit must not regenerate"
    for name in ("albedo", "roughness", "normal"):
        assert getattr(first, name).tobytes() == getattr(second, name).tobytes()
    assert second.paths == first.paths
    # other seed / resolution / tint: other entries
    texture_maps("oak_herringbone", 64, seed=3)
    texture_maps("oak_herringbone", 32)
    texture_maps(resolve_material("navy oak herringbone"), 64)
    assert len(calls) == 4
    # a damaged entry is regenerated
    with open(first.paths["albedo"], "wb") as fh:
        fh.write(b"not a png")
    third = texture_maps("oak_herringbone", 64)
    assert len(calls) == 5 and third.albedo.tobytes() == first.albedo.tobytes()


def test_texture_maps_accepts_names_descriptions_matches_and_pbr():
    by_name = texture_maps("marble_white", 32)
    by_material = texture_maps(get("marble_white"), 32)
    by_text = texture_maps("white marble", 32)
    by_pbr = texture_maps(resolve_pbr("white marble"), 32)
    assert by_name.albedo.tobytes() == by_material.albedo.tobytes() == by_text.albedo.tobytes() \
        == by_pbr.albedo.tobytes()
    tinted = texture_maps(resolve_pbr("pink velvet"), 32)
    assert tinted.albedo[..., 0].mean() > tinted.albedo[..., 2].mean()
    flat = texture_maps("white paint")
    assert flat.albedo.shape == (4, 4, 3) and not flat.paths and not get("paint_white").textured
    with pytest.raises(TypeError):
        texture_maps(42)  # type: ignore[arg-type]
