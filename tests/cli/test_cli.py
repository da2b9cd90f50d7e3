"""The `worldsmith` command as a user runs it: outputs, exit codes, one-line errors, no leftovers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from worldsmith.scene import load

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
ENV = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "worldsmith.cli.main", *args], capture_output=True, text=True,
                          cwd=cwd, env=ENV, timeout=300)


@pytest.fixture(scope="module")
def example_outputs(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("examples")
    outs = {}
    for program in EXAMPLES:
        out = base / program.stem
        result = run("exec", str(program), "--out", str(out), "--seed", "3")
        assert result.returncode == 0, result.stdout + result.stderr
        outs[program.stem] = out
    return outs


def test_there_are_three_examples_including_an_l_shaped_room():
    names = {p.stem for p in EXAMPLES}
    assert {"living_room", "bedroom", "kitchen_diner"} <= names
    assert "polygon=" in (ROOT / "examples" / "kitchen_diner.py").read_text()


@pytest.mark.parametrize("name", ["living_room", "bedroom", "kitchen_diner"])
def test_exec_writes_every_output_and_a_clean_report(example_outputs, name):
    out = example_outputs[name]
    assert sorted(p.name for p in out.iterdir()) == ["plan.png", "program.py", "report.json", "scene.glb",
                                                    "scene.json"]
    scene = load(out / "scene.json")
    report = json.loads((out / "report.json").read_text())
    assert set(report) >= {"schema_version", "prompt", "seed", "objects", "counts", "metrics", "timings_s"}
    assert report["seed"] == 3 and scene.seed == 3
    assert [o["id"] for o in report["objects"]] == [o.id for o in scene.objects]
    for entry in report["objects"]:
        assert set(entry) == {"id", "category", "position", "yaw_deg", "size", "support", "fallback"}
    assert sum(report["counts"].values()) == len(scene.objects) >= 8
    # the examples are laid out by hand to be valid: every check passes
    assert report["metrics"] == {"collisions": [], "out_of_bounds": [], "blocked_openings": [], "unsupported": []}
    assert (out / "plan.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "scene.glb").read_bytes()[:4] == b"glTF"
    assert (out / "program.py").read_text() == (ROOT / "examples" / f"{name}.py").read_text()


def test_glb_has_one_node_per_object(example_outputs):
    from worldsmith.export.gltf import import_glb

    out = example_outputs["living_room"]
    scene = load(out / "scene.json")
    nodes = import_glb(out / "scene.glb")
    assert {o.id for o in scene.objects} <= set(nodes)


def test_exec_is_deterministic(tmp_path, example_outputs):
    out = tmp_path / "again"
    assert run("exec", str(ROOT / "examples" / "kitchen_diner.py"), "--out", str(out), "--seed", "3").returncode == 0
    first = example_outputs["kitchen_diner"]
    for name in ("scene.json", "scene.glb", "plan.png"):
        assert (out / name).read_bytes() == (first / name).read_bytes(), name


def test_rerun_replaces_an_earlier_output(tmp_path):
    out = tmp_path / "o"
    program = ROOT / "examples" / "bedroom.py"
    assert run("exec", str(program), "--out", str(out)).returncode == 0
    assert run("exec", str(program), "--out", str(out), "--seed", "5").returncode == 0
    assert load(out / "scene.json").seed == 5
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_validate_and_export_commands(tmp_path, example_outputs):
    scene_path = example_outputs["bedroom"] / "scene.json"
    ok = run("validate", str(scene_path), "--json")
    assert ok.returncode == 0
    assert json.loads(ok.stdout)["ok"] is True
    glb = tmp_path / "sub" / "bed.glb"
    exported = run("export", str(scene_path), "--format", "glb", "--out", str(glb))
    assert exported.returncode == 0, exported.stderr
    assert glb.read_bytes() == (example_outputs["bedroom"] / "scene.glb").read_bytes()


def test_validate_exit_1_on_a_collision(tmp_path, example_outputs):
    data = json.loads((example_outputs["living_room"] / "scene.json").read_text())
    objs = data["objects"]
    objs["armchair_0"]["position"] = list(objs["sofa_0"]["position"])
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    result = run("validate", str(bad), "--json")
    assert result.returncode == 1
    pairs = {tuple(sorted((c["a"], c["b"]))) for c in json.loads(result.stdout)["collisions"]}
    assert ("armchair_0", "sofa_0") in pairs
    human = run("validate", str(bad))
    assert human.returncode == 1 and "armchair_0" in human.stdout


BAD_PROGRAMS = {
    "syntax": ("room('r', width=4, depth=3\n", "E_SYNTAX"),
    "forbidden": ("import os\n", "E_FORBIDDEN"),
    "unknown_category": ("room('r', width=4, depth=3)\nobjects('sofaa')\n", "did you mean 'sofa'"),
    "unknown_wall": ("room('r', width=4, depth=3)\ndoor('wall_9')\n", "unknown wall 'wall_9'"),
    "too_wide": ("room('r', width=4, depth=3)\ndoor('wall_1', width=3.5)\n", "does not fit on wall_1"),
    "self_intersecting": ("room('r', polygon=[(0,0),(4,4),(4,0),(0,4)])\n", "edge 0 crosses edge 2"),
}


@pytest.mark.parametrize("case", sorted(BAD_PROGRAMS))
def test_bad_programs_exit_2_with_one_line_and_no_output(tmp_path, case):
    text, needle = BAD_PROGRAMS[case]
    program = tmp_path / "p.py"
    program.write_text(text)
    out = tmp_path / "out"
    result = run("exec", str(program), "--out", str(out))
    assert result.returncode == 2
    assert needle in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.py"]  # nothing half-written


@pytest.mark.parametrize("content, needle", [
    ("{not json", "valid JSON"),
    ('{"schema_version": 1, "rooms": {}, "objects": {}, "lights": {}, "colour": 1}', "colour: expected one of"),
    ('{"schema_version": 7}', "supported versions"),
])
def test_bad_scene_files_exit_2(tmp_path, content, needle):
    path = tmp_path / "s.json"
    path.write_text(content)
    for args in (["validate", str(path)], ["export", str(path), "--out", str(tmp_path / "x.glb")]):
        result = run(*args)
        assert result.returncode == 2
        assert needle in result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.glb").exists()


def test_output_path_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "taken"
    target.write_text("keep me")
    result = run("exec", str(ROOT / "examples" / "bedroom.py"), "--out", str(target))
    assert result.returncode == 2 and "is a file" in result.stderr
    assert target.read_text() == "keep me"


def test_foreign_non_empty_folder_is_refused(tmp_path):
    (tmp_path / "mine.txt").write_text("keep me")
    result = run("exec", str(ROOT / "examples" / "bedroom.py"), "--out", str(tmp_path))
    assert result.returncode == 2 and "not a Worldsmith output" in result.stderr
    assert (tmp_path / "mine.txt").read_text() == "keep me"


def test_missing_program_and_unknown_export_format(tmp_path, example_outputs):
    result = run("exec", str(tmp_path / "nope.py"), "--out", str(tmp_path / "o"))
    assert result.returncode == 2 and "does not exist" in result.stderr
    result = run("export", str(example_outputs["bedroom"] / "scene.json"), "--format", "fbx",
                 "--out", str(tmp_path / "x.fbx"))
    assert result.returncode == 2 and "glb" in result.stderr and "Traceback" not in result.stderr
