"""`worldsmith datagen` end to end: a small dataset from the CLI (files, COCO, manifest, card, reader),
resume after a SIGKILL equals an uninterrupted run, the local and Ray executors give the same
samples, and bad input exits 2 with one line and writes nothing."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import numpy as np
import pytest

ENV = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
SMALL = ["--room-types", "bedroom,kitchen", "--views", "3", "--width", "320", "--height", "240", "--seed", "7",
         "--min-objects", "2"]


def run(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "worldsmith.cli.main", "datagen", *args], capture_output=True,
                          text=True, env=ENV, timeout=timeout)


def tree(root: Path) -> dict[str, str]:
    """Every dataset file (not logs, not the card's command line) and its SHA-256."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_file() and not rel.startswith("logs/") and rel != "README.md":
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    out = tmp_path_factory.mktemp("datagen") / "ds"
    r = run("--out", str(out), "--scenes", "3", "--shard-size", "4", *SMALL)
    assert r.returncode == 0, r.stdout + r.stderr[-3000:]
    return out, r


def test_cli_builds_the_dataset_with_every_piece(dataset):
    out, r = dataset
    assert "9 frames of 3 scenes" in r.stdout
    job = json.loads((out / "job.json").read_text())
    assert job["scenes"] == 3 and job["views"] == 3 and job["room_types"] == ["bedroom", "kitchen"]
    scenes = sorted(p.name for p in (out / "scenes").iterdir())
    assert scenes == ["s000000", "s000001", "s000002"]
    for s in scenes:
        meta = json.loads((out / "scenes" / s / "scene.json").read_text())
        assert meta["frames"] == [f"{s}_v{v:03d}" for v in range(3)]
        assert meta["program"].strip() and meta["prompt"].endswith(("bedroom", "kitchen"))
        for fk in meta["frames"]:
            for suffix in ("rgb.png", "depth.png", "instance.png", "semantic.png", "json"):
                assert (out / "scenes" / s / f"{fk}.{suffix}").is_file()
    # no temporary files left anywhere
    assert not [p for p in out.rglob("*") if p.name.startswith(".") or p.name.endswith(".tmp")]
    coco = json.loads((out / "annotations/coco.json").read_text())
    assert len(coco["images"]) == 9 and coco["annotations"]
    ids = {c["id"] for c in coco["categories"]}
    assert all(a["category_id"] in ids for a in coco["annotations"])
    manifest = json.loads((out / "manifest.json").read_text())
    assert [s["key"] for s in manifest["samples"]] == [f"s{i:06d}_v{v:03d}" for i in range(3) for v in range(3)]
    for s in manifest["samples"]:
        for f in s["files"].values():
            data = (out / f["path"]).read_bytes()
            assert len(data) == f["bytes"] and hashlib.sha256(data).hexdigest() == f["sha256"]
    shards = sorted((out / "shards").glob("shard-*.tar"))
    assert len(shards) == 3  # 9 samples, 4 a shard
    with tarfile.open(shards[0]) as tf:
        keys = sorted({m.name.split(".", 1)[0] for m in tf.getmembers()})
    assert keys == ["s000000_v000", "s000000_v001", "s000000_v002", "s000001_v000"]
    card = (out / "README.md").read_text()
    assert "| frames | 9 |" in card and "card/samples.png" in card and "worldsmith datagen" in card
    assert (out / "card/samples.png").stat().st_size > 10_000


def test_the_reader_gives_the_files_back(dataset):
    from PIL import Image

    from worldsmith.datagen import load
    from worldsmith.render.output import read_depth_png

    out, _ = dataset
    ds = load(out)
    assert len(ds) == 9
    sample = ds[4]
    key = sample["key"]
    folder = out / "scenes" / key.split("_")[0]
    assert np.array_equal(sample["rgb"], np.asarray(Image.open(folder / f"{key}.rgb.png").convert("RGB")))
    assert np.array_equal(sample["depth"], read_depth_png(folder / f"{key}.depth.png"))
    from_shards = {s["key"]: s for s in load(out, source="shards")}
    assert sorted(from_shards) == sorted(s["key"] for s in ds)
    assert np.array_equal(from_shards[key]["instance"], sample["instance"])


def test_a_killed_run_resumes_to_the_same_dataset(dataset, tmp_path):
    ref, _ = dataset
    out = tmp_path / "ds"
    cmd = [sys.executable, "-m", "worldsmith.cli.main", "datagen", "--out", str(out), "--scenes", "3",
           "--shard-size", "4", *SMALL]
    proc = subprocess.Popen(cmd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    marker = out / "scenes" / "s000001" / "s000001_v000.json"
    deadline = time.time() + 300
    while not marker.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert marker.exists(), "the run never reached scene 1"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (out / "scenes" / "s000002" / "scene.json").exists()
    assert not (out / "manifest.json").exists()
    r = run("--out", str(out), "--scenes", "3", "--shard-size", "4", *SMALL)
    assert r.returncode == 0, r.stderr[-3000:]
    assert tree(out) == tree(ref)
    # a third run has nothing left to build and changes nothing
    again = run("--out", str(out), "--scenes", "3", "--shard-size", "4", *SMALL)
    assert again.returncode == 0 and tree(out) == tree(ref)


def test_ray_executor_gives_the_same_samples(dataset, tmp_path):
    pytest.importorskip("ray")
    ref, _ = dataset
    out = tmp_path / "ds"
    r = run("--out", str(out), "--scenes", "3", "--shard-size", "4", "--executor", "ray", "--workers", "2", *SMALL)
    assert r.returncode == 0, r.stderr[-3000:]
    assert tree(out) == tree(ref)


@pytest.mark.parametrize("args, message", [
    (["--room-types", "dungeon"], "unknown room type 'dungeon'"),
    (["--room-types", "bedroom", "--outputs", "rgb,heat"], "unknown --outputs heat"),
    (["--room-types", "bedroom", "--views", "0"], "--views must be an integer from 1"),
    (["--room-types", "bedroom", "--randomize", "materials=sometimes"], "sometimes"),
    (["--room-types", "bedroom", "--address", "auto"], "--address"),
    ([], "exactly one of --prompts"),
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, args, message):
    out = tmp_path / "ds"
    r = run("--out", str(out), *args, timeout=120)
    assert r.returncode == 2, r.stdout + r.stderr
    assert message in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_a_different_job_into_the_same_folder_is_refused(dataset):
    out, _ = dataset
    before = tree(out)
    r = run("--out", str(out), "--scenes", "3", *SMALL[:-2], "--min-objects", "1", timeout=120)
    assert r.returncode == 2 and "different settings (min_objects differ)" in r.stderr
    assert tree(out) == before


def test_topdown_panorama_and_normals(tmp_path):
    from worldsmith.datagen import load
    from worldsmith.datagen.annotate import rle_decode

    out = tmp_path / "ds"
    r = run("--out", str(out), "--room-types", "living_room", "--scenes", "1", "--views", "1", "--topdown",
            "--panorama", "--outputs", "rgb,depth,instance,semantic,normal", "--width", "320", "--height", "240",
            "--shard-size", "0", "--min-objects", "2")
    assert r.returncode == 0, r.stderr[-3000:]
    assert not (out / "shards").exists() or not list((out / "shards").glob("*.tar"))
    samples = {s["key"]: s for s in load(out, outputs=["rgb", "instance", "normal"])}
    assert sorted(samples) == ["s000000_v000", "s000000_v001", "s000000_v002"]
    names = [samples[k]["meta"]["view_name"] for k in sorted(samples)]
    assert names == ["v000", "topdown", "panorama"]
    pano = samples["s000000_v002"]
    assert pano["meta"]["projection"] == "equirectangular" and pano["rgb"].shape == (160, 320, 3)
    assert samples["s000000_v001"]["meta"]["projection"] == "orthographic"
    for s in samples.values():
        assert s["normal"].shape == s["rgb"].shape and s["normal"].dtype == np.float32
        objs = s["meta"]["objects"]
        assert len(objs) >= 2
        for obj in objs:  # every COCO mask is exactly that object's pixels in the instance image
            assert np.array_equal(rle_decode(obj["segmentation"]), s["instance"] == obj["instance_id"])


def test_the_path_tracer_backend(tmp_path):
    from worldsmith.datagen import load
    from worldsmith.datagen.annotate import rle_decode

    out = tmp_path / "ds"
    r = run("--out", str(out), "--room-types", "bedroom", "--scenes", "1", "--views", "1", "--backend", "pbr",
            "--spp", "4", "--width", "160", "--height", "120", "--min-objects", "2", "-j", "1")
    assert r.returncode == 0, r.stderr[-3000:]
    (sample,) = list(load(out))
    assert sample["rgb"].shape == (120, 160, 3) and sample["rgb"].std() > 5  # a lit picture, not a flat one
    objs = sample["meta"]["objects"]
    assert len(objs) >= 2
    for obj in objs:
        assert np.array_equal(rle_decode(obj["segmentation"]), sample["instance"] == obj["instance_id"])
