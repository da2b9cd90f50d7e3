"""User asset libraries: metadata formats, mesh normalization (axes, units, real size, origin),
the mesh cache, the registry, retrieval and export of scenes that use library meshes.

Every mesh is written here with trimesh. Each is modelled in the asset frame (metres, Z up, front
+Y, origin at the bottom centre) with a red knob at its front, then rotated and scaled into the
file's own convention by an explicit coordinate mapping, so the test checks the importer against
hand-written frames, not against its own rotation code.
"""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path

import numpy as np
import pytest
import trimesh
from trimesh.visual.material import PBRMaterial

from worldsmith.assets import build_object_parts
from worldsmith.assets import library as L
from worldsmith.assets import meshimport as M
from worldsmith.scene import AssetRef, ObjectInstance, Room, Scene

MM = 1e-3
RED = (220, 20, 20, 255)
OAK = (150, 100, 60, 255)


# ---------------------------------------------------------------------------------------------
# meshes in the asset frame


def _box(lo, hi) -> trimesh.Trimesh:
    return trimesh.creation.box(bounds=[lo, hi])


def chair_model() -> tuple[dict[str, trimesh.Trimesh], tuple[float, float, float]]:
    """A chair 0.45 wide, 0.50 deep (knob included), 0.90 high; knob at the front (+Y)."""
    body = [_box((-0.225, -0.25, 0.40), (0.225, 0.20, 0.45)),  # seat
            _box((-0.225, -0.25, 0.45), (0.225, -0.20, 0.90))]  # back rest, at the back (-Y)
    for x in (-0.205, 0.185):
        for y in (-0.23, 0.16):
            body.append(_box((x, y, 0.0), (x + 0.02, y + 0.02, 0.40)))
    knob = _box((-0.03, 0.20, 0.40), (0.03, 0.25, 0.45))
    return {"body": trimesh.util.concatenate(body), "knob": knob}, (0.45, 0.50, 0.90)


def table_model() -> tuple[dict[str, trimesh.Trimesh], tuple[float, float, float]]:
    """A table 1.2 x 0.8 x 0.75 with a drawer knob at the front."""
    body = [_box((-0.6, -0.4, 0.71), (0.6, 0.37, 0.75))]
    for x in (-0.58, 0.54):
        for y in (-0.38, 0.31):
            body.append(_box((x, y, 0.0), (x + 0.04, y + 0.04, 0.71)))
    knob = _box((-0.05, 0.37, 0.65), (0.05, 0.40, 0.70))
    return {"body": trimesh.util.concatenate(body), "knob": knob}, (1.2, 0.8, 0.75)


def sofa_model() -> tuple[dict[str, trimesh.Trimesh], tuple[float, float, float]]:
    """A sofa 2.0 x 0.9 x 0.8 (long along X) with a footrest knob at the front."""
    body = [_box((-1.0, -0.45, 0.0), (1.0, 0.35, 0.45)), _box((-1.0, -0.45, 0.45), (1.0, -0.25, 0.8))]
    knob = _box((-0.2, 0.35, 0.0), (0.2, 0.45, 0.1))
    return {"body": trimesh.util.concatenate(body), "knob": knob}, (2.0, 0.9, 0.8)


# asset frame (x, y, z) -> file frame, written out by hand per convention
def to_yup_front_pz(v):  # glTF: Y up, front +Z (then asset +X is glTF -X)
    x, y, z = v.T
    return np.stack([-x, z, y], axis=1)


def to_zup_front_my(v):  # Z up, front -Y (Blender-style)
    x, y, z = v.T
    return np.stack([-x, -y, z], axis=1)


def to_zup_front_px(v):  # Z up, front +X (the asset's right, front x up, is file -Y)
    x, y, z = v.T
    return np.stack([y, -x, z], axis=1)


def to_objathor_rot90(v):
    """An objathor GLB stored turned by -90 deg about up (so its annotation says
    pose_z_rot_angle = +pi/2): turn the asset by -90 deg about Z, then write it in glTF axes."""
    x, y, z = v.T
    xr, yr = y, -x  # Rz(-90 deg)
    return np.stack([-xr, z, yr], axis=1)


def write_glb(path: Path, parts: dict[str, trimesh.Trimesh], mapping, unit: float = 1.0) -> Path:
    """Write parts through ``mapping`` (asset -> file frame), divided by ``unit`` (metres per
    file unit); the knob is red, the body an oak-coloured material named 'oak wood'."""
    scene = trimesh.Scene()
    for name, mesh in parts.items():
        m = mesh.copy()
        m.vertices = mapping(np.asarray(m.vertices)) / unit
        rgba = RED if name == "knob" else OAK
        m.visual = trimesh.visual.TextureVisuals(material=PBRMaterial(
            name="knob paint" if name == "knob" else "oak wood", baseColorFactor=list(rgba)))
        scene.add_geometry(m, geom_name=name)
    path.parent.mkdir(parents=True, exist_ok=True)
    scene.export(path)
    return path


def write_obj(path: Path, parts: dict[str, trimesh.Trimesh], mapping, unit: float = 1.0) -> Path:
    mesh = trimesh.util.concatenate(list(parts.values()))
    mesh.vertices = mapping(np.asarray(mesh.vertices)) / unit
    path.parent.mkdir(parents=True, exist_ok=True)
    mesh.export(path)
    return path


# ---------------------------------------------------------------------------------------------
# a library folder with all three metadata formats

SOFA_UID = "0a1b2c3d4e5f"


def make_library(root: Path) -> dict[str, dict]:
    """Writes the test library; returns expected {id: {size, support, category}}."""
    chair, chair_size = chair_model()
    table, table_size = table_model()
    sofa, sofa_size = sofa_model()
    # (b) sidecar: a Y-up chair in centimetres, glTF default axes
    write_glb(root / "seating" / "lounge_chair.glb", chair, to_yup_front_pz, unit=0.01)
    (root / "seating" / "lounge_chair.glb.json").write_text(json.dumps({
        "category": "chair", "units": "cm",
        "description": "a mid-century walnut lounge chair with a tall back"}))
    # (a) index: a Z-up table in metres (front -Y, the Z-up default), a Z-up shelf in mm facing +X,
    # and an OBJ lamp scaled to an annotated real size
    write_glb(root / "tables" / "farm_table.glb", table, to_zup_front_my)
    write_glb(root / "tables" / "shelf.glb", chair, to_zup_front_px, unit=0.001)
    write_obj(root / "lamp.obj", table, to_yup_front_pz, unit=7.3)  # arbitrary units
    (root / "worldsmith_assets.json").write_text(json.dumps({"defaults": {"up": "+z"}, "assets": [
        {"id": "farm_table", "file": "tables/farm_table.glb", "category": "dining table", "units": "m",
         "description": "a long rustic farmhouse dining table in reclaimed wood"},
        {"id": "odd_shelf", "file": "tables/shelf.glb", "category": "Weird Gadget", "units": "mm", "front": "+x",
         "support": "object", "description": "a tiny brass gadget for the desk"},
        {"id": "lamp", "file": "lamp.obj", "category": "floor lamp", "up": "+y", "size_m": [0.6, 0.4, None],
         "description": "an arc floor lamp"},
    ]}))
    # (c) objathor: Y-up GLB in arbitrary units, turned -90 deg, annotated in cm
    write_glb(root / "objathor" / SOFA_UID / f"{SOFA_UID}.glb", sofa, to_objathor_rot90, unit=0.37)
    (root / "objathor" / SOFA_UID / "annotations.json").write_text(json.dumps({
        "uid": SOFA_UID, "category": "sofa", "description": "a green velvet three-seat sofa",
        "width": 200, "length": 90, "height": 80, "onFloor": True, "onWall": False, "onObject": False,
        "onCeiling": False, "pose_z_rot_angle": math.pi / 2, "scale": 0.8, "z_axis_scale": True,
        "frontView": 1, "volume": 1234.5, "materials": ["velvet"]}))
    return {
        "lounge_chair": {"size": chair_size, "support": "floor", "category": "chair"},
        "farm_table": {"size": table_size, "support": "floor", "category": "dining_table"},
        "odd_shelf": {"size": chair_size, "support": "object", "category": "weird_gadget"},
        "lamp": {"size": (0.6, 0.4, 0.375), "support": "floor", "category": "floor_lamp", "knob": False},
        SOFA_UID: {"size": sofa_size, "support": "floor", "category": "sofa"},
    }


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("WORLDSMITH_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("WORLDSMITH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    M.clear_memory_cache()
    yield tmp_path
    M.clear_memory_cache()


@pytest.fixture
def lib(env):
    root = env / "my Library"
    expected = make_library(root)
    return root, expected


def _bounds(parts):
    lo = np.min([p.vertices.min(axis=0) for p in parts], axis=0)
    hi = np.max([p.vertices.max(axis=0) for p in parts], axis=0)
    return lo, hi


# ---------------------------------------------------------------------------------------------
# metadata


def test_scan_reads_index_sidecar_and_objathor(lib):
    root, expected = lib
    scan = L.scan_library(root)
    assert scan.problems == ()
    assert {a.id for a in scan.assets} == set(expected)
    by_id = {a.id: a for a in scan.assets}
    assert {a.format for a in scan.assets} == {"index", "sidecar", "objathor"}
    for aid, exp in expected.items():
        assert by_id[aid].category == exp["category"], aid
        assert by_id[aid].support == exp["support"], aid
    assert by_id["odd_shelf"].label == "weird_gadget"
    sofa = by_id[SOFA_UID]
    assert sofa.spec.up == "+y" and sofa.spec.front == "+z"
    assert sofa.spec.yaw_deg == pytest.approx(90.0)
    assert by_id["farm_table"].spec.front == "-y"  # the Z-up default


def test_default_front_follows_gltf_and_blender_conventions():
    assert M.ImportSpec().front == "+z"
    assert M.ImportSpec(up="+z").front == "-y"
    with pytest.raises(ValueError, match="perpendicular"):
        M.ImportSpec(up="+y", front="-y")


# ---------------------------------------------------------------------------------------------
# normalization


@pytest.mark.parametrize("aid", ["lounge_chair", "farm_table", "odd_shelf", "lamp", SOFA_UID])
def test_import_normalizes_axes_size_and_origin(lib, aid):
    root, expected = lib
    meta = {a.id: a for a in L.scan_library(root).assets}[aid]
    mesh = M.load_normalized(meta.file, meta.spec)
    lo, hi = _bounds(mesh.parts)
    w, d, h = expected[aid]["size"]
    # origin at the bottom centre
    assert lo[2] == pytest.approx(0.0, abs=1e-6)
    assert (lo[0] + hi[0]) / 2 == pytest.approx(0.0, abs=1e-6)
    assert (lo[1] + hi[1]) / 2 == pytest.approx(0.0, abs=1e-6)
    # real size within 1 mm, Z up (height is the third extent)
    assert np.allclose(hi - lo, (w, d, h), atol=MM), (hi - lo, (w, d, h))
    assert np.allclose(mesh.size, (w, d, h), atol=MM)
    if expected[aid].get("knob", True):
        # the front feature ends up at +Y, centred in X; the GLB's materials are kept per part
        knob = [p for p in mesh.parts if "knob" in p.material]
        assert len(knob) == 1, [p.material for p in mesh.parts]
        c = knob[0].vertices.mean(axis=0)
        assert c[1] > 0.3 * d and abs(c[0]) < 0.01, c
        assert knob[0].vertices[:, 1].max() == pytest.approx(d / 2, abs=MM)
        body = [p for p in mesh.parts if "oak" in p.material]
        assert len(body) == 1 and "#" in body[0].material


def test_materials_become_resolvable_descriptions(lib):
    from worldsmith.materials import resolve_pbr

    root, _ = lib
    meta = {a.id: a for a in L.scan_library(root).assets}["lounge_chair"]
    parts = M.load_normalized(meta.file, meta.spec).to_parts()
    mats = {p.name: p.material for p in parts}
    knob = next(m for m in mats.values() if "knob" in m)
    r, g, b, _a = resolve_pbr(knob).base_color
    assert r > 0.5 and g < 0.1 and b < 0.1  # red survives (linear factor -> sRGB hex -> linear)
    assert "oak" in resolve_pbr(mats["oak_wood"]).name
    # an OBJ without materials gets the default
    lamp = {a.id: a for a in L.scan_library(root).assets}["lamp"]
    assert {p.material for p in M.load_normalized(lamp.file, lamp.spec).parts} == {M.DEFAULT_MATERIAL}


def test_annotated_size_disagreement_is_reported(env):
    chair, _ = chair_model()
    path = write_glb(env / "c.glb", chair, to_yup_front_pz)
    mesh = M.load_normalized(path, M.ImportSpec(size_m=(0.45, 1.0, 0.9)))
    assert mesh.anisotropy == pytest.approx(2.0, rel=1e-3)
    assert mesh.notes and "disagrees" in mesh.notes[0]
    # uniform best fit: the geometric mean of the per-axis ratios (1, 2, 1) -> 2 ** (1/3)
    assert mesh.scale == pytest.approx(2 ** (1 / 3), rel=1e-6)


def test_second_load_hits_the_cache(lib, monkeypatch):
    root, _ = lib
    meta = {a.id: a for a in L.scan_library(root).assets}["lounge_chair"]
    parsed = M.STATS["parsed"]
    first = M.load_normalized(meta.file, meta.spec)
    assert not first.from_cache and M.STATS["parsed"] == parsed + 1
    cached = M.mesh_cache_dir() / f"{first.key}.npz"
    assert cached.is_file()
    mtime = cached.stat().st_mtime_ns
    M.clear_memory_cache()  # as a new process would

    def no_parsing(*args, **kwargs):
        raise AssertionError("the mesh was parsed again")

    monkeypatch.setattr(trimesh, "load", no_parsing)
    hits = M.STATS["cache_hits"]
    second = M.load_normalized(meta.file, meta.spec)
    assert second.from_cache and M.STATS["cache_hits"] == hits + 1
    assert M.STATS["parsed"] == parsed + 1
    assert cached.stat().st_mtime_ns == mtime
    assert [p.name for p in second.parts] == [p.name for p in first.parts]
    for a, b in zip(first.parts, second.parts):
        assert np.array_equal(a.vertices, b.vertices) and np.array_equal(a.faces, b.faces)
        assert a.material == b.material
    assert not [p for p in M.mesh_cache_dir().iterdir() if p.name.startswith(".")]  # no temp files left


def test_changed_metadata_or_mesh_misses_the_cache(lib):
    root, _ = lib
    meta = {a.id: a for a in L.scan_library(root).assets}["lounge_chair"]
    a = M.load_normalized(meta.file, meta.spec)
    b = M.load_normalized(meta.file, M.ImportSpec(up="+y", unit_scale=0.02))
    assert a.key != b.key and not b.from_cache
    assert b.size[2] == pytest.approx(2 * a.size[2])
    # the same path and spec with other mesh content: a new key, parsed again, the new size
    table, _ = table_model()
    write_glb(Path(meta.file), table, to_yup_front_pz, unit=0.01)
    c = M.load_normalized(meta.file, meta.spec)
    assert c.key != a.key and not c.from_cache
    assert np.allclose(c.size, (1.2, 0.8, 0.75), atol=MM)


# ---------------------------------------------------------------------------------------------
# registry and candidates


def test_registry_round_trip_and_candidates(lib):
    root, expected = lib
    report = L.add_library(root)
    assert report.library.name == "my_library" and not report.updated and report.skipped == ()
    assert L.registry_path().parent == L.config_dir()
    assert str(L.registry_path()).startswith(str(root.parent / "config"))
    libs = L.load_registry()
    assert set(libs) == {"my_library"} and libs["my_library"].path == str(root.resolve())
    cands = {c.key: c for c in L.library_candidates()}
    assert set(cands) == {f"library:my_library/{aid}" for aid in expected}
    for aid, exp in expected.items():
        c = cands[f"library:my_library/{aid}"]
        assert c.source == "library" and c.library == "my_library" and c.asset_id == aid
        assert c.category == exp["category"] and c.support == exp["support"]
        assert np.allclose(c.size, exp["size"], atol=MM)
    assert "velvet" in cands[f"library:my_library/{SOFA_UID}"].text
    # re-adding the same folder updates it (same fingerprint when nothing changed)
    again = L.add_library(root)
    assert again.updated and again.library.fingerprint == report.library.fingerprint
    # a changed description changes the fingerprint
    side = root / "seating" / "lounge_chair.glb.json"
    side.write_text(json.dumps({**json.loads(side.read_text()), "description": "a rocking chair"}))
    assert L.add_library(root).library.fingerprint != report.library.fingerprint
    # another folder under the same name needs --force
    other = root.parent / "other"
    make_library(other)
    with pytest.raises(L.LibraryError, match="--force"):
        L.add_library(other, "my_library")
    assert L.add_library(other, "my_library", force=True).library.path == str(other.resolve())
    assert L.find_asset("library:my_library/farm_table").file.startswith(str(other.resolve()))
    L.remove_library("my_library")
    assert L.load_registry() == {} and L.library_candidates() == []
    with pytest.raises(L.LibraryError, match="unknown library"):
        L.remove_library("my_library")


def test_registry_honours_xdg(tmp_path, monkeypatch):
    monkeypatch.delenv("WORLDSMITH_CONFIG_DIR", raising=False)
    monkeypatch.delenv("WORLDSMITH_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xc"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xk"))
    assert L.registry_path() == tmp_path / "xc" / "worldsmith" / "libraries.json"
    assert M.mesh_cache_dir() == tmp_path / "xk" / "worldsmith" / "meshes"


# ---------------------------------------------------------------------------------------------
# bad metadata: reported with file and field, never skipped silently


def test_bad_assets_are_reported_and_good_ones_imported(env):
    chair, _ = chair_model()
    root = env / "mixed"
    write_glb(root / "good.glb", chair, to_yup_front_pz)
    (root / "good.json").write_text(json.dumps({"category": "chair"}))
    write_glb(root / "bad_size.glb", chair, to_yup_front_pz)
    (root / "bad_size.json").write_text(json.dumps({"category": "chair", "size_m": [0.5, 0.5]}))
    write_glb(root / "bad_axis.glb", chair, to_yup_front_pz)
    (root / "bad_axis.glb.json").write_text(json.dumps({"category": "chair", "up": "+y", "front": "-y"}))
    write_glb(root / "typo.glb", chair, to_yup_front_pz)
    (root / "typo.json").write_text(json.dumps({"category": "chair", "sise_m": [1, 1, 1]}))
    write_glb(root / "orphan.glb", chair, to_yup_front_pz)
    (root / "broken.glb").write_bytes(b"glTF not really")
    (root / "broken.json").write_text(json.dumps({"category": "chair"}))
    (root / "thor" / "abc").mkdir(parents=True)
    (root / "thor" / "abc" / "abc.pkl.gz").write_bytes(gzip.compress(b"x"))
    (root / "thor" / "abc" / "annotations.json").write_text(json.dumps({"category": "mug", "height": 10}))
    report = L.add_library(root)
    assert [a.id for a in report.imported] == ["good"]
    msgs = {Path(p.file).name: p.message for p in report.skipped}
    assert "size_m" in msgs["bad_size.json"] and "[width, depth, height]" in msgs["bad_size.json"]
    assert "front" in msgs["bad_axis.glb.json"] and "perpendicular" in msgs["bad_axis.glb.json"]
    assert "sise_m" in msgs["typo.json"] and "did you mean 'size_m'" in msgs["typo.json"]
    assert "no metadata" in msgs["orphan.glb"]
    assert "cannot parse" in msgs["broken.glb"]
    assert "pkl.gz" in msgs["annotations.json"] and "not supported" in msgs["annotations.json"]
    assert len(report.skipped) == 6
    assert all("\n" not in str(p) for p in report.skipped)


def test_nothing_importable_raises_one_line_error(env):
    root = env / "bad"
    chair, _ = chair_model()
    write_glb(root / "a.glb", chair, to_yup_front_pz)
    (root / "a.json").write_text(json.dumps({"category": "chair", "units": "furlongs"}))
    with pytest.raises(L.LibraryImportError) as info:
        L.add_library(root)
    text = str(info.value)
    assert "\n" not in text and "a.json" in text and "units" in text and "furlongs" in text
    assert not L.registry_path().exists()
    (root / "a.json").write_text("{not json")
    with pytest.raises(L.LibraryImportError, match="not valid JSON"):
        L.add_library(root)
    with pytest.raises(L.LibraryError, match="does not exist"):
        L.add_library(env / "nope")
    with pytest.raises(L.LibraryError, match="is a file"):
        L.add_library(root / "a.glb")
    with pytest.raises(L.LibraryError, match="is a file"):
        L.scan_library(root / "a.glb")


def test_index_errors_name_the_entry(env):
    root = env / "idx"
    chair, _ = chair_model()
    write_glb(root / "c.glb", chair, to_yup_front_pz)
    (root / "index.json").write_text(json.dumps([
        {"id": "c1", "file": "c.glb", "category": "chair", "size_m": [1, 1, 1], "scale": 2},
        {"id": "c2", "file": "missing.glb", "category": "chair"},
        {"id": "c3", "file": "c.glb", "category": "chair", "support": "shelf"},
    ]))
    scan = L.scan_library(root)
    assert scan.assets == ()
    text = "\n".join(str(p) for p in scan.problems)
    assert 'assets["c1"].scale: give size_m or scale, not both' in text
    assert 'assets["c2"].file' in text and "missing.glb" in text
    assert 'assets["c3"].support' in text and "shelf" in text


# ---------------------------------------------------------------------------------------------
# scenes with library objects


def test_scene_with_a_library_object_exports_with_the_right_bounds(lib, tmp_path):
    from worldsmith.export import export_scene, import_glb

    root, expected = lib
    L.add_library(root, "mine")
    asset = L.find_asset("mine/lounge_chair")
    size = asset.size
    room = Room("room_0", "living room", ((0.0, 0.0), (4.0, 0.0), (4.0, 3.0), (0.0, 3.0)), 2.6)
    chair = ObjectInstance("chair_0", "chair", AssetRef("library", asset.ref_name), (2.0, 1.5, 0.0), size,
                           yaw_deg=90.0)
    big = ObjectInstance("sofa_0", "sofa", AssetRef("library", f"mine/{SOFA_UID}"), (2.0, 0.6, 0.0),
                         (2.2, 0.9, 0.8))
    scene = Scene(prompt="t", rooms=(room,), objects=(chair, big))
    # local parts: the GLB's materials, fitted to obj.size, knob at +Y
    parts = build_object_parts(chair)
    lo, hi = _bounds([p.mesh for p in parts])
    assert np.allclose(hi - lo, size, atol=1e-6) and lo[2] == pytest.approx(0.0, abs=1e-9)
    knob = next(p for p in parts if "knob" in p.material)
    assert knob.mesh.centroid[1] > 0.15
    out = tmp_path / "scene.glb"
    export_scene(scene, "glb", out)
    nodes = import_glb(out)
    b = nodes["chair_0"].bounds
    w, d, h = size  # turned 90 deg: depth along X, width along Y
    assert np.allclose(b[0], (2.0 - d / 2, 1.5 - w / 2, 0.0), atol=MM)
    assert np.allclose(b[1], (2.0 + d / 2, 1.5 + w / 2, h), atol=MM)
    b = nodes["sofa_0"].bounds
    assert np.allclose(b[1] - b[0], (2.2, 0.9, 0.8), atol=MM)  # stretched to obj.size


def test_missing_library_asset_draws_a_fallback_box(env, caplog):
    obj = ObjectInstance("x_0", "chair", AssetRef("library", "gone/thing"), (0.0, 0.0, 0.0), (0.5, 0.5, 0.9))
    with caplog.at_level("WARNING"):
        parts = build_object_parts(obj)
    assert len(parts) == 1 and "unavailable" in caplog.text


# ---------------------------------------------------------------------------------------------
# retrieval by description


def test_library_assets_are_retrieved_by_description(lib):
    retrieval = pytest.importorskip("worldsmith.assets.retrieval")
    root, _ = lib
    L.add_library(root, "mine")
    lib_only = retrieval.Retriever(L.library_candidates())
    for query, aid in [("a comfortable couch covered in green velvet", SOFA_UID),
                       ("rustic wooden table for a farmhouse kitchen", "farm_table"),
                       ("a walnut armchair from the fifties", "lounge_chair"),
                       ("small brass desk gadget", "odd_shelf")]:
        best = lib_only.query(query, k=1)[0]
        assert best.candidate.key == f"library:mine/{aid}", (query, best)
    mixed = retrieval.Retriever(retrieval.procedural_candidates() + L.library_candidates())
    top = mixed.query("a green velvet three-seat sofa", support="floor", k=3)
    assert top[0].candidate.key == f"library:mine/{SOFA_UID}"
    gadget = mixed.query("a tiny brass gadget for the desk", support="object", k=1)[0]
    assert gadget.candidate.key == "library:mine/odd_shelf"
    on_walls = mixed.query("a tiny brass gadget for the desk", support="wall", k=None)
    assert on_walls and all(m.candidate.support == "wall" for m in on_walls)


def test_objathor_aggregate_annotations_file(env):
    """One top-level annotations.json.gz (uid -> annotation, as objathor ships it) with the
    Objaverse GLBs anywhere below; the longest-side ``scale`` mode (z_axis_scale false)."""
    root = env / "objaverse"
    sofa, _ = sofa_model()
    chair, _ = chair_model()
    write_glb(root / "glbs" / "000-001" / "aaa111.glb", sofa, to_yup_front_pz, unit=0.5)
    write_glb(root / "glbs" / "000-002" / "bbb222.glb", chair, to_yup_front_pz, unit=3.0)
    annotations = {
        "aaa111": {"category": "Couch", "description_auto": "a grey couch", "onFloor": True, "scale": 2.0,
                   "z_axis_scale": False, "pose_z_rot_angle": 0.0},
        "bbb222": {"category": "wall clock", "description": "a round clock", "onWall": True, "onFloor": False,
                   "width": 45, "length": 50, "height": 90},
        "ccc333": {"category": "mug"},  # no mesh here: counted, not imported
    }
    (root / "annotations.json.gz").write_bytes(gzip.compress(json.dumps(annotations).encode()))
    scan = L.scan_library(root)
    by_id = {a.id: a for a in scan.assets}
    assert set(by_id) == {"aaa111", "bbb222"}
    assert [p.message for p in scan.problems] == [f"1 annotated uid(s) have no <uid>.glb/.obj under {root}"]
    assert by_id["aaa111"].category == "sofa" and by_id["aaa111"].description == "a grey couch"
    assert by_id["bbb222"].support == "wall"
    sofa_mesh = M.load_normalized(by_id["aaa111"].file, by_id["aaa111"].spec)
    assert np.allclose(sofa_mesh.size, (2.0, 0.9, 0.8), atol=MM)  # longest side = scale
    chair_mesh = M.load_normalized(by_id["bbb222"].file, by_id["bbb222"].spec)
    assert np.allclose(chair_mesh.size, (0.45, 0.5, 0.9), atol=MM)  # cm dims fitted


def test_a_program_adds_a_library_asset_at_its_real_size(lib):
    from worldsmith.dsl import DSLError, execute
    from worldsmith.metrics import validate

    root, expected = lib
    name = L.add_library(root).library.name
    program = (f'room("den", width=5, depth=4)\nc = add("chair", asset="{name}/lounge_chair")\n'
               'place(c, at=(2.5, 2.0))\n')
    scene = execute(program).scene
    (chair,) = scene.objects
    assert chair.asset.source == "library" and chair.asset.name == f"{name}/lounge_chair"
    np.testing.assert_allclose(chair.size, expected["lounge_chair"]["size"], atol=1e-3)
    lo, hi = _bounds([p.mesh for p in build_object_parts(chair)])
    np.testing.assert_allclose(hi - lo, chair.size, atol=1e-6)
    assert validate(scene).ok
    with pytest.raises(DSLError) as info:
        execute(program.replace("lounge_chair", "no_such_asset"))
    assert info.value.code == "E_BAD_ARGUMENT" and "no_such_asset" in info.value.message
