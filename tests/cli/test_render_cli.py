"""``worldsmith render`` as a user runs it: written files and their formats, cameras.json, exit codes
and one-line errors, nothing half-written. Small images keep it fast on llvmpipe."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from worldsmith.cli.main import app
from worldsmith.render.camera import Camera
from worldsmith.render.output import read_depth_png, read_ids_png
from worldsmith.scene import AssetRef, Light, ObjectInstance, Opening, Room, Scene, dumps

ENV = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}


def invoke(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def _obj(oid, cat, pos, size, yaw=0.0, support="floor"):
    return ObjectInstance(id=oid, category=cat, asset=AssetRef("fallback", cat), position=pos, size=size,
                          yaw_deg=yaw, support=support)


SCENE = Scene(
    prompt="a small test bedroom",
    rooms=(Room("room_0", "bedroom", [(0, 0), (4, 0), (4, 3), (0, 3)], 2.6, wall_thickness=0.15,
                openings=(Opening("door_0", "door", "wall_0", 1.0, 0.9, 2.1, hinge="start", swing="in"),
                          Opening("window_0", "window", "wall_2", 2.0, 1.2, 1.2, sill=0.9))),),
    objects=(_obj("bed_0", "bed", (2.6, 1.8, 0.0), (1.6, 2.0, 0.5)),
             _obj("wardrobe_0", "wardrobe", (0.6, 2.65, 0.0), (1.0, 0.6, 2.0), yaw=180),
             _obj("nightstand_0", "nightstand", (1.4, 2.7, 0.0), (0.45, 0.4, 0.55), yaw=180)),
    lights=(Light("light_0", "point", (2.0, 1.5, 2.4), watts=60),),
)


@pytest.fixture(scope="module")
def scene_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("scene") / "scene.json"
    path.write_text(dumps(SCENE), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def topdown_out(scene_path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("render") / "top"
    result = invoke("render", scene_path, "--out", out, "--camera", "topdown",
                    "--outputs", "rgb,depth,instance,semantic,normal", "--width", 96)
    assert result.exit_code == 0, result.output
    return out


def test_topdown_writes_every_file_with_the_right_format(topdown_out):
    names = sorted(p.name for p in topdown_out.iterdir())
    assert names == sorted(["cameras.json", "topdown_rgb.png", "topdown_overlay.png", "topdown_depth.png",
                            "topdown_depth.npy", "topdown_depth_vis.png", "topdown_instance.png",
                            "topdown_instance_vis.png", "topdown_semantic.png", "topdown_semantic_vis.png",
                            "topdown_normal.png", "topdown_normal.npy"])
    data = json.loads((topdown_out / "cameras.json").read_text())
    assert [c["frame"] for c in data["cameras"]] == ["topdown"]
    cam = Camera.from_dict(data["cameras"][0])
    assert cam.projection == "orthographic" and cam.width == 96
    shape = (cam.height, cam.width)
    with Image.open(topdown_out / "topdown_rgb.png") as img:
        assert img.mode == "RGB" and img.size == (cam.width, cam.height)
    depth = np.load(topdown_out / "topdown_depth.npy")
    assert depth.dtype == np.float32 and depth.shape == shape
    with Image.open(topdown_out / "topdown_depth.png") as img:
        assert img.mode == "I;16"
        mm = np.asarray(img)
    finite = np.isfinite(depth)
    assert finite.mean() > 0.5
    assert np.array_equal(mm[finite], np.round(depth[finite].astype(np.float64) * 1000).astype(np.uint16))
    assert np.all(mm[~finite] == 0)
    assert np.allclose(read_depth_png(topdown_out / "topdown_depth.png")[finite], depth[finite], atol=5e-4)
    normal = np.load(topdown_out / "topdown_normal.npy")
    assert normal.dtype == np.float32 and normal.shape == shape + (3,)
    ids = read_ids_png(topdown_out / "topdown_instance.png")
    sem = read_ids_png(topdown_out / "topdown_semantic.png")
    assert ids.shape == sem.shape == shape
    table = data["instances"]
    # semantic ids are the instance table's classes, pixel by pixel
    assert np.array_equal(sem, np.array([e["semantic"] for e in table])[ids])
    visible = {table[i]["id"] for i in np.unique(ids) if i}
    assert {"bed_0", "wardrobe_0", "nightstand_0", "floor_room_0"} <= visible
    assert "ceiling_room_0" not in visible  # the ceiling is hidden from above
    bed = next(e for e in table if e["id"] == "bed_0")
    assert data["categories"][bed["semantic"]] == "bed"


def test_object_centres_project_into_their_masks(topdown_out):
    data = json.loads((topdown_out / "cameras.json").read_text())
    cam = Camera.from_dict(data["cameras"][0])
    ids = read_ids_png(topdown_out / "topdown_instance.png")
    index = {e["id"]: i for i, e in enumerate(data["instances"])}
    for o in SCENE.objects:
        uv, _ = cam.project(np.array([o.position[0], o.position[1], o.position[2] + o.size[2] / 2]))
        col, row = (int(round(x)) for x in uv[0])
        assert ids[row, col] == index[o.id], o.id


def test_corners_render_four_views_and_rerun_replaces(scene_path, tmp_path):
    out = tmp_path / "corners"
    first = invoke("render", scene_path, "--out", out, "--camera", "corners", "--width", 48, "--height", 36)
    assert first.exit_code == 0, first.output
    data = json.loads((out / "cameras.json").read_text())
    assert [c["frame"] for c in data["cameras"]] == ["corner_0", "corner_1", "corner_2", "corner_3"]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"corner_{i}_rgb.png" for i in range(4)] + ["cameras.json"])
    for rec in data["cameras"]:
        assert rec["files"] == [f"{rec['frame']}_rgb.png"]
        assert Camera.from_dict(rec).projection == "perspective"
    again = invoke("render", scene_path, "--out", out, "--camera", "perspective", "--width", 40, "--height", 30,
                   "--outputs", "depth")
    assert again.exit_code == 0, again.output
    assert sorted(p.name for p in out.iterdir()) == ["cameras.json", "perspective_depth.npy",
                                                     "perspective_depth.png", "perspective_depth_vis.png"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folders left


def test_same_scene_same_bytes(scene_path, tmp_path):
    for name in ("a", "b"):
        r = invoke("render", scene_path, "--out", tmp_path / name, "--camera", "topdown", "--width", 64,
                   "--outputs", "rgb,instance")
        assert r.exit_code == 0, r.output
    for p in (tmp_path / "a").iterdir():
        assert p.read_bytes() == (tmp_path / "b" / p.name).read_bytes(), p.name


def test_pbr_backend_with_spp(scene_path, tmp_path):
    out = tmp_path / "pbr"
    r = invoke("render", scene_path, "--out", out, "--camera", "topdown", "--backend", "pbr", "--spp", 2,
               "--width", 32, "--outputs", "rgb,depth", "--no-overlay")
    assert r.exit_code == 0, r.output
    data = json.loads((out / "cameras.json").read_text())
    assert data["backend"] == "pbr"
    assert "topdown_overlay.png" not in data["cameras"][0]["files"]
    depth = np.load(out / "topdown_depth.npy")
    with Image.open(out / "topdown_depth.png") as img:
        mm = np.asarray(img)
    finite = np.isfinite(depth)
    assert finite.any() and np.array_equal(mm[finite], np.round(depth[finite].astype(np.float64) * 1000))


BAD = {
    "missing": (["{missing}"], "does not exist"),
    "folder": (["{tmp}"], "is a folder"),
    "not_json": (["{bad_json}"], "valid JSON"),
    "camera": (["{scene}", "--camera", "fisheye"], "unknown camera 'fisheye'"),
    "output": (["{scene}", "--outputs", "rgb,heat"], "unknown render output heat"),
    "backend": (["{scene}", "--backend", "vulkan"], "unknown backend 'vulkan'"),
    "spp_gl": (["{scene}", "--spp", "16"], "--backend pbr"),
    "spp_zero": (["{scene}", "--backend", "pbr", "--spp", "0"], "--spp must be"),
    "negative_width": (["{scene}", "--width", "-5"], "--width must be between 1 and 8192"),
    "zero_height": (["{scene}", "--height", "0"], "--height must be between 1 and 8192"),
    "huge": (["{scene}", "--width", "100000"], "--width must be"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_exits_2_with_one_line_and_writes_nothing(case, scene_path, tmp_path):
    args, needle = BAD[case]
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{not json")
    sub = {"missing": tmp_path / "nope.json", "tmp": tmp_path, "bad_json": bad_json, "scene": scene_path}
    out = tmp_path / "out"
    result = invoke("render", *[a.format(**sub) for a in args], "--out", out)
    assert result.exit_code == 2, result.output
    assert needle in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.json"]


def test_output_folder_rules(scene_path, tmp_path):
    taken = tmp_path / "taken"
    taken.write_text("keep me")
    r = invoke("render", scene_path, "--out", taken)
    assert r.exit_code == 2 and "is a file" in r.stderr
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    r = invoke("render", scene_path, "--out", foreign)
    assert r.exit_code == 2 and "not a render output" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert taken.read_text() == "keep me" and (foreign / "notes.txt").read_text() == "keep me"
    assert sorted(p.name for p in foreign.iterdir()) == ["notes.txt"]


def test_no_gl_driver_is_a_one_line_error(scene_path, tmp_path):
    """A machine without an EGL driver (glvnd finds no vendor): exit 2, one line, nothing written."""
    out = tmp_path / "out"
    env = {**ENV, "__EGL_VENDOR_LIBRARY_FILENAMES": str(tmp_path / "no_vendor.json")}
    result = subprocess.run([sys.executable, "-m", "worldsmith.cli.main", "render", str(scene_path), "--out", str(out),
                             "--width", "32"], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "EGL" in result.stderr and "--backend pbr" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
