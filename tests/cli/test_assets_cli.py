"""``worldsmith assets``: add / list / show / remove as a user runs them; exit codes and one-line
errors. The registry and the mesh cache live in tmp folders (WORLDSMITH_CONFIG_DIR /
WORLDSMITH_CACHE_DIR), never in the real home."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import trimesh
from trimesh.visual.material import PBRMaterial
from typer.testing import CliRunner

from worldsmith.assets import catalog
from worldsmith.cli.main import app


@pytest.fixture
def env(tmp_path, monkeypatch):
    values = {"WORLDSMITH_CONFIG_DIR": str(tmp_path / "config"), "WORLDSMITH_CACHE_DIR": str(tmp_path / "cache"),
              "HOME": str(tmp_path / "home"), "COLUMNS": "200", "NO_COLOR": "1"}
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    from worldsmith.assets import meshimport

    meshimport.clear_memory_cache()
    return values


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def _chair_glb(path: Path, unit: float = 1.0, yup: bool = True) -> Path:
    """A chair (0.45 x 0.5 x 0.9 m, knob at the front) written Y-up/front +Z (glTF) or Z-up/front -Y."""
    seat = trimesh.creation.box(bounds=[(-0.225, -0.25, 0.0), (0.225, 0.2, 0.45)])
    back = trimesh.creation.box(bounds=[(-0.225, -0.25, 0.45), (0.225, -0.2, 0.9)])
    knob = trimesh.creation.box(bounds=[(-0.03, 0.2, 0.3), (0.03, 0.25, 0.35)])
    scene = trimesh.Scene()
    for name, mesh, rgba in (("seat", seat, [120, 80, 40, 255]), ("back", back, [120, 80, 40, 255]),
                             ("knob", knob, [255, 0, 0, 255])):
        x, y, z = np.asarray(mesh.vertices).T
        mesh.vertices = (np.stack([-x, z, y], axis=1) if yup else np.stack([-x, -y, z], axis=1)) / unit
        mesh.visual = trimesh.visual.TextureVisuals(material=PBRMaterial(name=f"{name} walnut", baseColorFactor=rgba))
        scene.add_geometry(mesh, geom_name=name)
    path.parent.mkdir(parents=True, exist_ok=True)
    scene.export(path)
    return path


def make_library(root: Path) -> Path:
    _chair_glb(root / "chair_cm.glb", unit=0.01)
    (root / "chair_cm.glb.json").write_text(json.dumps({"category": "armchair", "units": "cm",
                                                        "description": "a walnut reading armchair"}))
    _chair_glb(root / "zup" / "stool.glb", yup=False)
    (root / "worldsmith_assets.json").write_text(json.dumps({"assets": [
        {"id": "stool", "file": "zup/stool.glb", "category": "bar stool", "up": "+z", "size_m": [0.45, 0.5, 0.9],
         "description": "a tall walnut bar stool"}]}))
    return root


def test_add_list_remove_round_trip(env, tmp_path):
    lib = make_library(tmp_path / "Shop Assets")
    added = invoke("assets", "add", str(lib))
    assert added.exit_code == 0, added.output
    assert "added library shop_assets: 2 assets" in added.stdout
    registry = Path(env["WORLDSMITH_CONFIG_DIR"]) / "libraries.json"
    assert json.loads(registry.read_text())["libraries"]["shop_assets"]["path"] == str(lib.resolve())
    assert list((Path(env["WORLDSMITH_CACHE_DIR"]) / "meshes").glob("*.npz"))

    listed = invoke("assets", "list", "--json")
    assert listed.exit_code == 0, listed.output
    doc = json.loads(listed.stdout)
    assert [c["name"] for c in doc["categories"]] == catalog.names()
    assert all(set(c) == {"name", "support", "generator", "size_typical", "synonyms"} for c in doc["categories"])
    assert doc["materials"] > 0 and doc["libraries"] == 1
    assets = {a["key"]: a for a in doc["library_assets"]}
    assert set(assets) == {"library:shop_assets/chair_cm", "library:shop_assets/stool"}
    assert np.allclose(assets["library:shop_assets/chair_cm"]["size"], (0.45, 0.5, 0.9), atol=1e-3)
    assert assets["library:shop_assets/chair_cm"]["category"] == "armchair"
    assert assets["library:shop_assets/stool"]["category"] == "bar_stool"

    only = json.loads(invoke("assets", "list", "--category", "Armchairs", "--json").stdout)
    assert [c["name"] for c in only["categories"]] == ["armchair"]
    assert [a["id"] for a in only["library_assets"]] == ["chair_cm"]

    human = invoke("assets", "list")
    assert human.exit_code == 0
    assert "library:shop_assets/stool" in human.stdout and "Procedural categories" in human.stdout
    assert f"{len(catalog.names())} procedural categories, 2 library assets in 1 library" in human.stdout

    again = invoke("assets", "add", str(lib))
    assert again.exit_code == 0 and "updated library shop_assets" in again.stdout

    other = make_library(tmp_path / "elsewhere")
    clash = invoke("assets", "add", str(other), "--name", "shop_assets")
    assert clash.exit_code == 2
    assert "already registered" in clash.stderr and "--force" in clash.stderr
    assert len(clash.stderr.strip().splitlines()) == 1
    forced = invoke("assets", "add", str(other), "--name", "shop_assets", "--force")
    assert forced.exit_code == 0, forced.output
    assert json.loads(registry.read_text())["libraries"]["shop_assets"]["path"] == str(other.resolve())

    removed = invoke("assets", "remove", "shop_assets")
    assert removed.exit_code == 0 and "removed library shop_assets" in removed.stdout
    assert json.loads(invoke("assets", "list", "--json").stdout)["library_assets"] == []
    gone = invoke("assets", "remove", "shop_assets")
    assert gone.exit_code == 2 and "unknown library 'shop_assets'" in gone.stderr
    assert not [p for p in registry.parent.iterdir() if p.name.endswith(".tmp")]


def test_bad_metadata_exits_2_with_one_line(env, tmp_path):
    root = tmp_path / "bad"
    _chair_glb(root / "chair.glb")
    (root / "chair.json").write_text(json.dumps({"category": "chair", "size_m": [0.5, -1, 0.9]}))
    result = invoke("assets", "add", str(root))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "chair.json" in lines[0] and "size_m" in lines[0] and "positive number" in lines[0]
    assert not (Path(env["WORLDSMITH_CONFIG_DIR"]) / "libraries.json").exists()


def test_bad_name_and_missing_folder_exit_2(env, tmp_path):
    lib = make_library(tmp_path / "lib")
    bad = invoke("assets", "add", str(lib), "--name", "Has Spaces/Slash")
    assert bad.exit_code == 2 and "library name" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    missing = invoke("assets", "add", str(tmp_path / "nope"))
    assert missing.exit_code == 2 and "does not exist" in missing.stderr


def test_partial_import_lists_the_skipped_assets(env, tmp_path):
    root = make_library(tmp_path / "mixed")
    _chair_glb(root / "orphan.glb")
    _chair_glb(root / "wrong.glb")
    (root / "wrong.json").write_text(json.dumps({"category": "chair", "up": "+w"}))
    result = invoke("assets", "add", str(root))
    assert result.exit_code == 0, result.output
    assert "2 assets" in result.stdout
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped")]
    assert len(skipped) == 2
    assert any("orphan.glb" in s and "no metadata" in s for s in skipped)
    assert any("wrong.json" in s and "up" in s and "+w" in s for s in skipped)


def test_nothing_importable_lists_every_problem(env, tmp_path):
    root = tmp_path / "allbad"
    _chair_glb(root / "a.glb")
    _chair_glb(root / "b.glb")
    (root / "b.json").write_text("{oops")
    result = invoke("assets", "add", str(root))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("error:") and "no asset could be imported (2 problems)" in lines[0]
    assert any("a.glb" in line and "no metadata" in line for line in lines[1:])
    assert any("b.json" in line and "not valid JSON" in line for line in lines[1:])


def test_list_unknown_category_and_show_errors(env, tmp_path):
    result = invoke("assets", "list", "--category", "sofaa")
    assert result.exit_code == 2 and "did you mean 'sofa'" in result.stderr
    result = invoke("assets", "show", "sofaa", "--out", str(tmp_path / "s.png"))
    assert result.exit_code == 2 and "did you mean 'sofa'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    result = invoke("assets", "show", "sofa", "--out", str(tmp_path / "s.jpg"))
    assert result.exit_code == 2 and ".png" in result.stderr
    result = invoke("assets", "show", "nolib/thing", "--out", str(tmp_path / "s.png"))
    assert result.exit_code == 2 and "unknown library 'nolib'" in result.stderr
    assert not list(tmp_path.glob("*.png"))


def test_show_renders_contact_sheets(env, tmp_path):
    pytest.importorskip("worldsmith.render.sketch")
    from PIL import Image

    lib = make_library(tmp_path / "lib")
    assert invoke("assets", "add", str(lib), "--name", "mine").exit_code == 0
    sheet = tmp_path / "out" / "chairs.png"
    result = invoke("assets", "show", "chair", "--out", str(sheet), "--n", "4", "--seed", "2")
    assert result.exit_code == 0, result.output
    assert sheet.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    again = tmp_path / "out" / "again.png"
    assert invoke("assets", "show", "chair", "--out", str(again), "--n", "4", "--seed", "2").exit_code == 0
    assert again.read_bytes() == sheet.read_bytes()  # deterministic for a seed
    turntable = tmp_path / "turn.png"
    result = invoke("assets", "show", "library:mine/chair_cm", "--out", str(turntable), "--n", "8")
    assert result.exit_code == 0, result.output
    with Image.open(turntable) as img:
        assert img.width >= 256 and img.height >= 256
    assert not [p for p in tmp_path.rglob(".*tmp*")]


def test_real_process_reports_bad_input_without_traceback(env, tmp_path):
    root = tmp_path / "bad"
    _chair_glb(root / "x.glb")
    (root / "x.json").write_text(json.dumps({"category": "chair", "front": "+q"}))
    proc = subprocess.run([sys.executable, "-m", "worldsmith.cli.main", "assets", "add", str(root)],
                          capture_output=True, text=True, env={**os.environ, **env}, timeout=300)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "x.json" in proc.stderr and "front" in proc.stderr


def test_show_builds_the_cells_it_renders(env, tmp_path, monkeypatch):
    """The cells handed to the contact-sheet renderer: n sampled sizes within the category's range,
    or a turntable whose front (the knob) turns with the yaw."""
    import types

    seen: dict[str, list] = {}

    def fake_sheet(cells, path, cell_px=256, cols=None):
        seen["cells"] = cells
        Path(path).write_bytes(b"\x89PNG\r\n\x1a\nfake")
        return Path(path)

    monkeypatch.setitem(sys.modules, "worldsmith.render.sketch",
                        types.SimpleNamespace(contact_sheet=fake_sheet))
    info = catalog.get("chair")
    result = invoke("assets", "show", "chairs", "--out", str(tmp_path / "c.png"), "--n", "5", "--seed", "1")
    assert result.exit_code == 0, result.output
    assert len(seen["cells"]) == 5 and (tmp_path / "c.png").is_file()
    sizes = []
    for label, parts in seen["cells"]:
        lo = np.min([p.mesh.bounds[0] for p in parts], axis=0)
        hi = np.max([p.mesh.bounds[1] for p in parts], axis=0)
        size = hi - lo
        assert np.all(size >= np.array(info.size_min) - 1e-6) and np.all(size <= np.array(info.size_max) + 1e-6)
        # the label is the size of what is drawn, bottom centre at the origin
        assert label.endswith(" m") and [float(v) for v in label[:-2].split(" x ")] == pytest.approx(size, abs=0.006)
        assert lo[2] == pytest.approx(0.0, abs=1e-9) and np.allclose((lo + hi)[:2] / 2, 0.0, atol=1e-9)
        assert len(parts) > 1  # the chair generator's parts, not a fallback box
        sizes.append(tuple(np.round(size, 6)))
    assert len(set(sizes)) == 5  # sampled, not five copies of one size
    first = [label for label, _ in seen["cells"]]
    assert invoke("assets", "show", "chairs", "--out", str(tmp_path / "c.png"), "--n", "5", "--seed", "1").exit_code == 0
    assert [label for label, _ in seen["cells"]] == first  # the seed decides the samples

    lib = make_library(tmp_path / "lib")
    assert invoke("assets", "add", str(lib), "--name", "mine").exit_code == 0
    result = invoke("assets", "show", "mine/chair_cm", "--out", str(tmp_path / "t.png"), "--n", "4")
    assert result.exit_code == 0, result.output
    fronts = []
    for _label, parts in seen["cells"]:
        knob = next(p for p in parts if p.name.startswith("knob"))
        fronts.append(np.round(knob.mesh.centroid[:2] / np.linalg.norm(knob.mesh.centroid[:2])).tolist())
    assert fronts == [[0, 1], [-1, 0], [0, -1], [1, 0]]  # +Y, then counter-clockwise by 90 deg
