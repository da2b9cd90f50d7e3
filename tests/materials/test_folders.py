"""User texture folders in ambientCG layout become library materials."""

from __future__ import annotations

import os

import numpy as np
import pytest
from PIL import Image

from worldsmith.materials import (TextureFolderError, clear_texture_folders, get, library, load_texture_folder,
                                  register_texture_folder, resolve_material, texture_maps)
from worldsmith.materials import maps as maps_module
from worldsmith.scene.errors import WorldsmithError


def _save(path, array):
    Image.fromarray(array).save(path)


def _make_folder(root):
    """Two sets in ambientCG naming: a bumpy red 'Bricks076' with a DirectX normal map, and
    'WoodFloor041' downloaded as 1K-JPG with an OpenGL one, plus a stray file."""
    root.mkdir(parents=True, exist_ok=True)
    n = 64
    y, x = np.mgrid[0:n, 0:n]
    red = np.zeros((n, n, 3), np.uint8)
    red[..., 0], red[..., 1], red[..., 2] = 180, 60, 40
    _save(root / "Bricks076_Color.png", red)
    _save(root / "Bricks076_Roughness.png", np.full((n, n), 230, np.uint8))
    dx = np.zeros((n, n, 3), np.uint8)
    dx[..., 0], dx[..., 1], dx[..., 2] = 128, 40, 230  # green low: DirectX "up"
    _save(root / "Bricks076_NormalDX.png", dx)
    _save(root / "Bricks076_Displacement.png", ((x * 4) % 256).astype(np.uint8))
    sub = root / "WoodFloor041"
    sub.mkdir()
    wood = np.zeros((n, n, 3), np.uint8)
    wood[..., 0], wood[..., 1], wood[..., 2] = 150, 110, 70
    Image.fromarray(wood).save(sub / "WoodFloor041_1K-JPG_Color.jpg", quality=95)
    Image.fromarray(np.full((n, n), 128, np.uint8)).save(sub / "WoodFloor041_1K-JPG_Roughness.jpg")
    gl = np.zeros((n, n, 3), np.uint8)
    gl[..., 0], gl[..., 1], gl[..., 2] = 128, 200, 230
    _save(sub / "WoodFloor041_1K-JPG_NormalGL.png", gl)
    _save(sub / "WoodFloor041_1K-JPG_Metalness.png", np.zeros((n, n), np.uint8))
    (root / "README.txt").write_text("not a texture")
    _save(root / "Orphan_Roughness.png", np.zeros((8, 8), np.uint8))  # no _Color: ignored
    return root


def test_folder_loads_materials_with_the_right_maps(tmp_path):
    mats = {m.name: m for m in load_texture_folder(_make_folder(tmp_path / "tex"), scale_m=2.0)}
    assert set(mats) == {"bricks_076", "wood_floor_041"}
    b, w = mats["bricks_076"], mats["wood_floor_041"]
    assert set(b.file_map) == {"color", "roughness", "normal_dx", "displacement"}
    assert set(w.file_map) == {"color", "roughness", "normal_gl", "metalness"}
    assert b.source == w.source == "folder" and b.textured and b.scale_m == 2.0
    assert b.family == "brick" and w.family == "wood"
    assert "bricks" in b.tags and "wood" in w.tags and "floor" in w.tags
    r, g, bl, a = b.base_color
    assert r > 3 * g and a == 1.0  # average colour of the map, linear
    assert b.roughness == pytest.approx(230 / 255, abs=0.01) and w.metallic == 0.0
    assert "Bricks 076".lower() in b.description.lower()


def test_registered_folder_joins_the_library_and_retrieval(tmp_path):
    folder = _make_folder(tmp_path / "tex")
    before = len(library())
    register_texture_folder(folder)
    assert len(library()) == before + 2
    assert get("wood_floor_041").source == "folder"
    for text in ("WoodFloor041", "wood floor 041", "wood_floor_041"):
        m = resolve_material(text)
        assert m.material.name == "wood_floor_041" and m.score > 0.9, text
    assert resolve_material("bricks 076").material.name == "bricks_076"
    # the builtin library still answers generic words
    assert resolve_material("exposed brick").material.name == "brick_exposed"
    # registering again replaces, never duplicates
    register_texture_folder(folder)
    assert len(library()) == before + 2


def test_resolution_follows_registration(tmp_path):
    """Cached resolutions are dropped when the library changes (registering, clearing)."""
    folder = _make_folder(tmp_path / "tex")
    assert resolve_material("wood floor 041").material.name != "wood_floor_041"  # now cached
    register_texture_folder(folder)
    assert resolve_material("wood floor 041").material.name == "wood_floor_041"
    clear_texture_folders()
    assert resolve_material("wood floor 041").material.name != "wood_floor_041"


def test_folder_maps_are_cached_and_follow_edits_to_the_files(tmp_path, monkeypatch):
    folder = _make_folder(tmp_path / "tex")
    register_texture_folder(folder)
    calls = []
    real = maps_module._folder_maps

    def counting(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(maps_module, "_folder_maps", counting)
    first = texture_maps("bricks_076", 16)
    second = texture_maps("bricks_076", 16)
    assert len(calls) == 1, "a cache hit must not reload the files"
    assert second.paths == first.paths and set(first.paths) == {"albedo", "roughness", "normal", "height"}
    for name in ("albedo", "roughness", "normal", "height"):
        assert getattr(second, name).tobytes() == getattr(first, name).tobytes(), name
    # an edited map file is a new entry, never the stale one
    color = folder / "Bricks076_Color.png"
    green = np.zeros((64, 64, 3), np.uint8)
    green[..., 0], green[..., 1], green[..., 2] = 40, 160, 60
    _save(color, green)
    st = color.stat()
    os.utime(color, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    third = texture_maps("bricks_076", 16)
    assert len(calls) == 2 and tuple(third.albedo[5, 5]) == (40, 160, 60)


def test_folder_texture_maps_are_resized_and_normal_dx_is_flipped(tmp_path):
    register_texture_folder(_make_folder(tmp_path / "tex"))
    t = texture_maps("bricks_076", 32)
    assert t.albedo.shape == (32, 32, 3) and t.roughness.shape == (32, 32) and t.normal.shape == (32, 32, 3)
    assert tuple(t.albedo[5, 5]) == (180, 60, 40)
    assert int(t.normal[5, 5, 1]) == 255 - 40  # DirectX green flipped to OpenGL
    assert t.height is not None and t.height.shape == (32, 32) and t.metallic is None
    assert set(t.paths) == {"albedo", "roughness", "normal", "height"}
    w = texture_maps("wood_floor_041", 16)
    assert int(w.normal[3, 3, 1]) == 200 and w.metallic is not None
    # a tinted match re-colours a photo texture towards the requested colour
    blue = texture_maps(resolve_material("navy wood floor 041"), 16)
    assert blue.albedo[..., 2].mean() > w.albedo[..., 2].mean()


def test_bad_folders_give_clear_errors(tmp_path):
    with pytest.raises(TextureFolderError, match="does not exist"):
        load_texture_folder(tmp_path / "missing")
    empty = tmp_path / "empty"
    empty.mkdir()
    _save(empty / "Thing_Roughness.png", np.zeros((4, 4), np.uint8))
    with pytest.raises(TextureFolderError, match="_Color") as err:
        register_texture_folder(empty)
    assert isinstance(err.value, WorldsmithError) and "Thing" in str(err.value)
