"""`worldsmith eval`, `export --format usd|mjcf|sceneeval|generalist`, `import` and `exec --scene` as a
user runs them: outputs the reference readers accept, exit codes, one-line errors, nothing half-written."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from worldsmith.scene import load

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "worldsmith.cli.main", *args], capture_output=True, text=True,
                          env=ENV, timeout=600)


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def bedroom(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "bedroom"
    result = run("exec", str(ROOT / "examples" / "bedroom.py"), "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_eval_on_scenes_folder(tmp_path, bedroom):
    scenes = tmp_path / "scenes"
    shutil.copytree(bedroom, scenes / "calm_s0")
    prompts = tmp_path / "p.jsonl"
    prompts.write_text(json.dumps({"id": "calm", "prompt": "a calm bedroom with a double bed and a wardrobe",
                                   "expect": {"objects": {"bed": 1, "wardrobe": 1}}}) + "\n")
    out = tmp_path / "eval"
    result = run("eval", "--prompts", str(prompts), "--seeds", "1", "--scenes", str(scenes), "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "CLIP score off" in result.stdout and "prompt fidelity" in result.stdout
    row = json.loads((out / "results.jsonl").read_text())
    assert row["expect"] == 1.0 and row["collisions"] == 0 and row["stability"] >= 0.9
    assert (out / "report.md").is_file() and (out / "plots" / "metrics.png").is_file()


def test_eval_errors_are_one_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n")
    assert "not valid JSON" in one_line_error(run("eval", "--prompts", str(bad), "--out", str(tmp_path / "o")))
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"id": "a", "prompt": "a bedroom"}) + "\n")
    msg = one_line_error(run("eval", "--prompts", str(good), "--scenes", str(tmp_path / "none"),
                             "--out", str(tmp_path / "o")))
    assert "does not exist" in msg
    msg = one_line_error(run("eval", "--prompts", str(good), "--clip-model", str(tmp_path / "noclip"),
                             "--scenes", str(tmp_path), "--out", str(tmp_path / "o")))
    assert "noclip" in msg or "no scene" in msg
    assert not (tmp_path / "o").exists()


def test_exec_edits_a_given_scene(tmp_path, bedroom):
    edit = tmp_path / "edit.py"
    edit.write_text('place(add("armchair"), at=(0.8, 2.6))\n')
    out = tmp_path / "edited"
    result = run("exec", str(edit), "--scene", str(bedroom / "scene.json"), "--out", str(out))
    assert result.returncode in (0, 1), result.stdout + result.stderr
    before, after = load(bedroom / "scene.json"), load(out / "scene.json")
    assert [o.id for o in after.objects] == [o.id for o in before.objects] + ["armchair_0"]
    assert after.rooms == before.rooms and after.prompt == before.prompt


def test_export_formats_open_in_their_reference_readers(tmp_path, bedroom):
    scene_json = bedroom / "scene.json"
    scene = load(scene_json)
    usd = tmp_path / "usd" / "bedroom.usda"
    result = run("export", str(scene_json), "--format", "usd", "--out", str(usd), "--texture-size", "64")
    assert result.returncode == 0, result.stderr
    from pxr import Usd

    from worldsmith.export.usd import validation_issues

    stage = Usd.Stage.Open(str(usd))
    assert [i for i in validation_issues(usd) if i.severity == "error"] == []
    assert {c.GetName() for c in stage.GetPrimAtPath("/World/Objects").GetChildren()} == {o.id for o in scene.objects}
    assert (tmp_path / "usd" / "bedroom_textures").is_dir()

    xml = tmp_path / "bedroom.xml"
    assert run("export", str(scene_json), "--format", "mjcf", "--out", str(xml)).returncode == 0
    import mujoco

    model = mujoco.MjModel.from_xml_path(str(xml))
    names = {model.body(i).name for i in range(model.nbody)}
    assert {o.id for o in scene.objects} <= names

    se = tmp_path / "se" / "scene_0.json"
    assert run("export", str(scene_json), "--format", "sceneeval", "--out", str(se), "--texture-size", "0").returncode == 0
    state = json.loads(se.read_text())
    assert len(state["scene"]["object"]) == len(scene.objects)
    assert (tmp_path / "se" / "scene_0_assets").is_dir()

    gen = tmp_path / "bedroom_3dg.json"
    assert run("export", str(scene_json), "--format", "generalist", "--out", str(gen)).returncode == 0
    back = tmp_path / "back"
    result = run("import", str(gen), "--format", "generalist", "--out", str(back))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (back / "scene.json").read_text() == scene_json.read_text()
    for name in ("scene.glb", "plan.png", "program.py", "report.json"):
        assert (back / name).is_file()
    report = json.loads((back / "report.json").read_text())
    assert report["imported"]["format"] == "generalist"


def test_export_and_import_errors_are_one_line(tmp_path, bedroom):
    scene_json = str(bedroom / "scene.json")
    assert "cameras file" in one_line_error(run("export", scene_json, "--format", "usd", "--out",
                                                str(tmp_path / "a.usda"), "--cameras", str(tmp_path / "none.json")))
    assert ".usda" in one_line_error(run("export", scene_json, "--format", "usd", "--out", str(tmp_path / "a.txt")))
    assert not list(tmp_path.iterdir())
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    one_line_error(run("import", str(bad), "--format", "generalist", "--out", str(tmp_path / "imp")))
    assert "unknown import format" in one_line_error(run("import", str(bad), "--format", "fbx", "--out",
                                                         str(tmp_path / "imp")))
    assert not (tmp_path / "imp").exists()
