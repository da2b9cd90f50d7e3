"""`worldsmith generate` writes renders/: a top-down view with its overlay, four corner views and a
dollhouse view, cameras.json, and a report record; --no-renders skips them; a machine without a GL
driver still gets its scene. Small render sizes keep it fast on llvmpipe."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from worldsmith.pipeline.generate import GenerateError, generate, generate_batch
from worldsmith.render.camera import Camera
from worldsmith.render.output import read_ids_png

PROMPT = "a small bedroom with a double bed and a wardrobe"
SIZE = (80, 60)
ENV = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
RGB_VIEWS = ["topdown", "corner_0", "corner_1", "corner_2", "corner_3", "orbit_0"]


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "worldsmith.cli.main", *args], capture_output=True, text=True,
                          env=env or ENV, timeout=600)


@pytest.fixture(scope="module")
def bedroom(tmp_path_factory):
    out = tmp_path_factory.mktemp("gen") / "bedroom"
    return generate(PROMPT, out, seed=2, render_size=SIZE)


def test_renders_folder_has_six_views_overlay_and_cameras(bedroom):
    renders = bedroom.out_dir / "renders"
    rgb = sorted(p.name for p in renders.glob("*_rgb.png"))
    assert rgb == sorted(f"{v}_rgb.png" for v in RGB_VIEWS)  # 6 images by default
    assert sorted(p.name for p in renders.iterdir()) == sorted(rgb + ["topdown_overlay.png", "cameras.json"])
    data = json.loads((renders / "cameras.json").read_text())
    assert [c["frame"] for c in data["cameras"]] == RGB_VIEWS
    assert data["backend"] == "gl"
    cams = {c["frame"]: Camera.from_dict(c) for c in data["cameras"]}
    assert cams["topdown"].projection == "orthographic" and cams["topdown"].width == SIZE[0]
    for name in RGB_VIEWS[1:]:
        assert cams[name].projection == "perspective" and (cams[name].width, cams[name].height) == SIZE
    assert cams["orbit_0"].cutaway  # the dollhouse view cuts the walls facing it
    for name, cam in cams.items():
        with Image.open(renders / f"{name}_rgb.png") as img:
            assert img.mode == "RGB" and img.size == (cam.width, cam.height)
            pixels = np.asarray(img).astype(int)
        assert pixels.std() > 5  # a picture, not a flat fill
    with Image.open(renders / "topdown_overlay.png") as img:
        assert img.width > cams["topdown"].width and img.height > cams["topdown"].height


def test_report_records_renders_and_timings(bedroom):
    report = json.loads((bedroom.out_dir / "report.json").read_text())
    rec = report["renders"]
    assert rec["quality"] == "fast" and rec["backend"] == "gl" and rec["outputs"] == ["rgb"]
    assert rec["folder"] == "renders" and "error" not in rec
    assert [v["camera"] for v in rec["views"]] == RGB_VIEWS
    assert sorted(rec["files"]) == sorted(p.name for p in (bedroom.out_dir / "renders").iterdir())
    assert rec["timings_s"]["total"] >= rec["timings_s"]["render"] > 0
    assert report["timings_s"]["renders"] >= rec["timings_s"]["total"]
    assert bedroom.report["renders"] == rec


def test_same_prompt_and_seed_same_render_bytes(bedroom, tmp_path):
    again = generate(PROMPT, tmp_path / "again", seed=2, render_size=SIZE)
    for p in (bedroom.out_dir / "renders").iterdir():
        assert p.read_bytes() == (again.out_dir / "renders" / p.name).read_bytes(), p.name


def test_no_renders_skips_them(tmp_path):
    outcome = generate(PROMPT, tmp_path / "plain", seed=2, renders=False)
    assert not (outcome.out_dir / "renders").exists()
    assert json.loads((outcome.out_dir / "report.json").read_text())["renders"] == {"skipped": True}
    assert sorted(p.name for p in outcome.out_dir.iterdir()) == [
        "plan.png", "program.py", "report.json", "scene.glb", "scene.json", "trajectory.jsonl"]


def test_cli_generate_with_render_outputs_and_no_renders(tmp_path):
    out = tmp_path / "cli"
    r = cli("generate", PROMPT, "--out", str(out), "--seed", "2", "--render-size", "64x48",
            "--render-outputs", "rgb,instance")
    report = json.loads((out / "report.json").read_text())
    problems = any(report["metrics"][k] for k in ("collisions", "out_of_bounds", "blocked_openings", "unsupported"))
    assert r.returncode == (1 if problems else 0), r.stderr
    assert "renders: 6 views (gl)" in r.stdout
    data = json.loads((out / "renders" / "cameras.json").read_text())
    index = {e["id"]: i for i, e in enumerate(data["instances"])}
    corner = Camera.from_dict(data["cameras"][1])
    ids = read_ids_png(out / "renders" / f"{corner.name}_instance.png")
    assert ids.shape == (48, 64)
    assert index["floor_room_0"] in ids  # an inside view sees the floor
    top = read_ids_png(out / "renders" / "topdown_instance.png")
    bed = next(o for o in json.loads((out / "scene.json").read_text())["objects"].items() if o[1]["category"] == "bed")
    assert index[bed[0]] in top
    plain = cli("generate", PROMPT, "--out", str(out), "--seed", "2", "--no-renders")
    assert plain.returncode == r.returncode
    assert not (out / "renders").exists() and "renders:" not in plain.stdout


@pytest.mark.parametrize("args, needle", [
    (["--quality", "ultra"], "unknown render quality 'ultra'"),
    (["--render-outputs", "rgb,heat"], "unknown render output heat"),
    (["--render-size", "0x48"], "--render-size must be 1..8192"),
    (["--render-size", "big"], "--render-size must be WIDTHxHEIGHT"),
])
def test_bad_render_options_exit_2_before_any_work(tmp_path, args, needle):
    from typer.testing import CliRunner

    from worldsmith.cli.main import app

    out = tmp_path / "x"
    r = CliRunner().invoke(app, ["generate", PROMPT, "--out", str(out), *args], catch_exceptions=False)
    assert r.exit_code == 2 and needle in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert not out.exists()


def test_bad_quality_in_python_is_a_clear_error(tmp_path):
    with pytest.raises(GenerateError, match="unknown render quality"):
        generate(PROMPT, tmp_path / "x", quality="cinema")
    assert not (tmp_path / "x").exists()


def test_no_gl_driver_keeps_the_scene_and_records_the_error(tmp_path):
    """glvnd finds no EGL vendor: the renders fail, the scene and its other outputs are written."""
    out = tmp_path / "nogl"
    env = {**ENV, "__EGL_VENDOR_LIBRARY_FILENAMES": str(tmp_path / "no_vendor.json")}
    r = cli("generate", PROMPT, "--out", str(out), "--seed", "2", "--render-size", "32x24", env=env)
    report = json.loads((out / "report.json").read_text())
    problems = any(report["metrics"][k] for k in ("collisions", "out_of_bounds", "blocked_openings", "unsupported"))
    assert r.returncode == (1 if problems else 0), r.stderr  # exit per validation, not per render
    assert (out / "scene.json").is_file() and (out / "scene.glb").is_file() and (out / "plan.png").is_file()
    assert not (out / "renders").exists()
    assert "EGL" in report["renders"]["error"] and report["renders"]["backend"] == "gl"
    assert "renders skipped" in r.stdout and "Traceback" not in r.stderr
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_pbr_quality_uses_the_path_tracer(tmp_path):
    outcome = generate(PROMPT, tmp_path / "pbr", seed=2, quality="pbr", render_size=(24, 18), render_spp=1)
    rec = outcome.report["renders"]
    assert rec["backend"] == "pbr" and rec["quality"] == "pbr", rec
    data = json.loads((outcome.out_dir / "renders" / "cameras.json").read_text())
    assert data["backend"] == "pbr" and [c["frame"] for c in data["cameras"]] == RGB_VIEWS


def test_batch_renders_each_scene_unless_no_renders(tmp_path):
    prompts = tmp_path / "p.jsonl"
    prompts.write_text('{"id": "k", "prompt": "a small kitchen"}\n{"id": "b", "prompt": "a tiny bathroom"}\n')
    rows = generate_batch(prompts, tmp_path / "with", seeds=(0,), render_size=(40, 30))
    assert [r["renders"] for r in rows] == [6, 6]
    for rid in ("k", "b"):
        assert len(list((tmp_path / "with" / rid / "renders").glob("*_rgb.png"))) == 6
    rows = generate_batch(prompts, tmp_path / "without", seeds=(0,), renders=False)
    assert [r["renders"] for r in rows] == [0, 0]
    assert not list((tmp_path / "without").glob("*/renders"))
    with pytest.raises(GenerateError, match="unknown render quality"):
        generate_batch(prompts, tmp_path / "bad", quality="ultra")
    assert not (tmp_path / "bad").exists()
