"""The datagen store: frame encoding, atomic scene folders with completion markers, deterministic
WebDataset shards, the manifest and its verification. Frames come from real gl renders of a small
DSL room; synthetic frames only where an edge case (huge ids, foreign tables) is the point."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
from pathlib import Path

import numpy as np
import pytest

from worldsmith.datagen.errors import DatagenError
from worldsmith.datagen.manifest import build_manifest, read_manifest, verify, write_manifest
from worldsmith.datagen.shards import describe_shards, tar_header, write_shards
from worldsmith.datagen.writers import (
    OUTPUTS,
    SceneFolder,
    encode_frame,
    json_bytes,
    png_decode,
    semantic_extras,
    split_name,
    write_json_atomic,
)
from worldsmith.render import render
from worldsmith.render.camera import Camera
from worldsmith.render.frame import Frame
from worldsmith.render.output import depth_to_mm, normal_to_png
from worldsmith.render.scenegeom import base_categories
from worldsmith.scene import Scene

PROGRAM = """room("bedroom", width=4, depth=3.2, height=2.6)
door("wall_0", at=0.3, width=0.9)
window("wall_2", at=0.5, width=1.2, height=1.2, sill=0.9)
b = add("bed"); place(b, against="wall_1")
place(add("nightstand"), next_to=b, side="left")
place(add("wardrobe"), against="wall_3")
light("ceiling", at=(2, 1.6), watts=60)
"""
EYES = [((0.4, 0.4, 1.5), (2.5, 2.0, 0.6)), ((3.6, 0.4, 1.7), (1.5, 2.2, 0.4)), ((2.0, 2.9, 2.2), (2.0, 0.8, 0.3))]


@pytest.fixture(scope="module")
def frames() -> list[Frame]:
    """Three real gl renders (64 x 48, every dataset output) of a furnished room."""
    from worldsmith.dsl import execute

    scene = execute(PROGRAM, Scene(prompt="a bedroom", seed=0), seed=0).scene
    cams = [Camera.look_at(f"v{i}", eye, target, width=64, height=48, fov_y_deg=70)
            for i, (eye, target) in enumerate(EYES)]
    return [render(scene, cam, OUTPUTS, backend="gl") for cam in cams]


def frame_meta(frame: Frame) -> dict:
    return {"camera": frame.camera.to_dict(), "instances": frame.instances, "categories_extra": semantic_extras(frame)}


def build(root: Path, frames: list[Frame], n_scenes: int = 2, *, complete: bool = True) -> list[tuple[str, Path]]:
    """A dataset folder with n_scenes x len(frames) frames; returns the (key, folder) samples."""
    samples = []
    for s in range(n_scenes):
        folder = SceneFolder(root, f"s{s:06d}", durable=False)
        for v, frame in enumerate(frames):
            key = f"s{s:06d}_v{v:03d}"
            folder.write_frame(key, encode_frame(frame, OUTPUTS), frame_meta(frame))
            samples.append((key, folder.path))
        if complete:
            folder.write_scene({"prompt": "a bedroom", "seed": s})
    return samples


# ---------------------------------------------------------------------------------------------- encoding
def test_encoded_pngs_decode_to_the_frame_arrays(frames):
    frame = frames[0]
    files = encode_frame(frame, OUTPUTS)
    assert list(files) == [f"{o}.png" for o in OUTPUTS]
    assert np.array_equal(png_decode(files["rgb.png"]), frame.rgb)
    depth = png_decode(files["depth.png"])
    assert depth.dtype == np.uint16 and np.array_equal(depth, depth_to_mm(frame.depth))
    hit = np.isfinite(frame.depth)
    assert hit.any() and np.all(depth[hit] > 0) and np.all(depth[~hit] == 0)
    assert np.array_equal(png_decode(files["instance.png"]), frame.instance)
    assert np.array_equal(png_decode(files["semantic.png"]), frame.semantic)
    assert tuple(frame.categories[:len(base_categories())]) == base_categories()
    normal = png_decode(files["normal.png"])
    assert np.array_equal(normal, normal_to_png(frame.normal_in_camera()))
    # camera-frame normals: a visible surface faces the camera, n . ray <= 0 for the pixel's OpenCV ray
    fg = np.any(normal != 0, axis=-1)
    k = frame.camera.K
    v, u = np.mgrid[0:48, 0:64]
    ray = np.stack([(u - k[0, 2]) / k[0, 0], (v - k[1, 2]) / k[1, 1], np.ones(u.shape)], axis=-1)
    n = normal.astype(float) / 127.5 - 1.0
    assert fg.mean() > 0.99 and np.all(np.sum(n * ray, axis=-1)[fg] < 0.02)


def test_encoding_is_deterministic_and_levels_decode_alike(frames):
    a = encode_frame(frames[1], ["rgb", "depth", "instance", "semantic"])
    b = encode_frame(frames[1], ["semantic", "depth", "rgb", "instance"])
    assert a == b and list(b) == ["rgb.png", "depth.png", "instance.png", "semantic.png"]
    c = encode_frame(frames[1], ["rgb", "depth"], png_level=6)
    for suffix in c:
        assert np.array_equal(png_decode(c[suffix]), png_decode(a[suffix]))


def synthetic(instance_max: int = 3, categories: list[str] | None = None, sem_value: int = 1) -> Frame:
    cam = Camera.look_at("syn", (0, 0, 1.5), (1, 1, 1), width=8, height=6)
    inst = np.zeros((6, 8), np.int32)
    inst[0, 0] = instance_max
    sem = np.zeros((6, 8), np.int32)
    sem[1, 1] = sem_value
    return Frame(cam, {"instance": inst, "semantic": sem}, [{"id": None}], categories or list(base_categories()))


def test_encoding_refuses_what_does_not_fit():
    with pytest.raises(DatagenError, match="unknown dataset output albedo"):
        encode_frame(synthetic(), ["albedo"])
    with pytest.raises(DatagenError, match="no rgb output"):
        encode_frame(synthetic(), ["rgb"])
    with pytest.raises(DatagenError, match="0..65535"):
        encode_frame(synthetic(instance_max=70000), ["instance"])
    with pytest.raises(DatagenError, match="does not start with the dataset table"):
        encode_frame(synthetic(categories=["background", "sofa"]), ["semantic"])
    extra = synthetic(categories=list(base_categories()) + ["alien_lamp"], sem_value=len(base_categories()))
    assert semantic_extras(extra) == ["alien_lamp"]
    assert png_decode(encode_frame(extra, ["semantic"])["semantic.png"])[1, 1] == len(base_categories())
    with pytest.raises(DatagenError, match="past the dataset table"):
        encode_frame(extra, ["semantic"], semantic_table_ok=False)


# ---------------------------------------------------------------------------------------------- json
def test_json_is_canonical_and_refuses_non_finite(tmp_path):
    obj = {"b": np.float32(0.5), "a": (1, np.int64(2)), "c": -0.0, "d": np.arange(3), "e": Path("x/y")}
    assert json_bytes(obj) == b'{"a":[1,2],"b":0.5,"c":0.0,"d":[0,1,2],"e":"x/y"}\n'
    path = write_json_atomic(tmp_path / "x.json", obj)
    assert path.read_bytes() == json_bytes(obj) and os.listdir(tmp_path) == ["x.json"]
    with pytest.raises(DatagenError, match=r"cannot write inf at .k\[1\]"):
        json_bytes({"k": [0.0, float("inf")]})


# ---------------------------------------------------------------------------------------------- scene folders
def test_frame_write_records_files_and_completes_last(tmp_path, frames):
    folder = SceneFolder(tmp_path, "s000003")
    files = encode_frame(frames[0], OUTPUTS)
    record = folder.write_frame("s000003_v000", files, frame_meta(frames[0]))
    assert record["files"] == {s: {"bytes": len(d), "sha256": hashlib.sha256(d).hexdigest()} for s, d in files.items()}
    on_disk = json.loads((folder.path / "s000003_v000.json").read_text())
    assert on_disk == record and on_disk["instances"] == frames[0].instances
    assert sorted(os.listdir(folder.path)) == sorted(["s000003_v000.json"] + [f"s000003_v000.{s}" for s in files])
    for suffix, data in files.items():
        assert (folder.path / f"s000003_v000.{suffix}").read_bytes() == data
    assert folder.frame_complete("s000003_v000") and folder.frames() == ["s000003_v000"]
    assert not folder.is_complete()
    folder.write_scene({"prompt": "a bedroom", "seed": 3})
    assert folder.is_complete() and folder.scene_meta() == {"prompt": "a bedroom", "seed": 3}


def test_completion_needs_every_listed_file_at_its_size(tmp_path, frames):
    folder = SceneFolder(tmp_path, "s000000")
    for v in range(4):
        folder.write_frame(f"s000000_v{v:03d}", encode_frame(frames[v % 3], ["rgb", "depth"]), {"view": v})
    base = folder.path
    data = (base / "s000000_v000.rgb.png").read_bytes()
    (base / "s000000_v000.rgb.png").write_bytes(data[:-10])  # truncated
    (base / "s000000_v001.depth.png").unlink()  # missing
    (base / "s000000_v002.json").write_text('{"view": 2')  # unreadable marker
    (base / ".s000000_v003.rgb.png.abc123.tmp").write_bytes(b"partial")  # an interrupted write's leftover
    (base / "s000000_v004.rgb.png").write_bytes(b"orphan")  # a frame that never got its json
    (base / "notes.txt").write_text("not ours")
    assert [folder.frame_complete(f"s000000_v{v:03d}") for v in range(5)] == [False, False, False, True, False]
    assert folder.frames() == ["s000000_v003"]
    removed = folder.clean_partial()
    assert removed == sorted([".s000000_v003.rgb.png.abc123.tmp", "s000000_v000.depth.png", "s000000_v000.json",
                              "s000000_v000.rgb.png", "s000000_v001.json", "s000000_v001.rgb.png",
                              "s000000_v002.depth.png", "s000000_v002.json", "s000000_v002.rgb.png",
                              "s000000_v004.rgb.png"])
    assert sorted(os.listdir(base)) == ["notes.txt", "s000000_v003.depth.png", "s000000_v003.json",
                                        "s000000_v003.rgb.png"]
    assert folder.frames() == ["s000000_v003"] and folder.clean_partial() == []


class _FailingFiles(dict):
    """A file table whose second file cannot be produced: an interrupted frame write."""

    def __getitem__(self, key):
        if key == "rgb.png":
            raise RuntimeError("killed mid-frame")
        return super().__getitem__(key)


def test_an_interrupted_rewrite_leaves_an_incomplete_frame_and_no_temp_files(tmp_path, frames):
    folder = SceneFolder(tmp_path, "s000001")
    folder.write_frame("s000001_v000", encode_frame(frames[0], ["depth", "rgb"]), {"try": 1})
    assert folder.frame_complete("s000001_v000")
    with pytest.raises(RuntimeError, match="killed"):
        folder.write_frame("s000001_v000", _FailingFiles(encode_frame(frames[1], ["depth", "rgb"])), {"try": 2})
    assert not folder.frame_complete("s000001_v000") and folder.frames() == []
    assert not any(n.endswith(".tmp") for n in os.listdir(folder.path))
    folder.clean_partial()
    assert os.listdir(folder.path) == []


def test_keys_and_suffixes_are_checked(tmp_path):
    with pytest.raises(DatagenError, match="no dots"):
        SceneFolder(tmp_path, "s0.1")
    folder = SceneFolder(tmp_path, "s000000")
    with pytest.raises(DatagenError, match="must start with its scene key"):
        folder.write_frame("s000001_v000", {"rgb.png": b"x"}, {})
    with pytest.raises(DatagenError, match="bad file suffix"):
        folder.write_frame("s000000_v000", {"json": b"x"}, {})
    with pytest.raises(DatagenError, match="'files' key"):
        folder.write_frame("s000000_v000", {"rgb.png": b"x"}, {"files": 1})
    assert split_name("s000000_v000.depth.png") == ("s000000_v000", "depth.png")
    assert split_name("dir/k.json") == ("dir/k", "json")


# ---------------------------------------------------------------------------------------------- shards
def _reference_tar(samples: list[tuple[str, Path]]) -> bytes:
    """The same shard written by Python's own tarfile writer (GNU format, fixed metadata)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for key, folder in samples:
            meta = json.loads((folder / f"{key}.json").read_text())
            for suffix in ["json"] + sorted(meta["files"]):
                data = (folder / f"{key}.{suffix}").read_bytes()
                info = tarfile.TarInfo(f"{key}.{suffix}")
                info.size, info.mtime, info.mode, info.uname, info.gname = len(data), 0, 0o644, "", ""
                tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_shards_are_webdataset_tars_identical_to_tarfiles_own(tmp_path, frames):
    samples = build(tmp_path, frames)
    records = write_shards(tmp_path, samples, max_samples=4)
    assert [(r["name"], r["samples"], r["first"], r["last"]) for r in records] == [
        ("shard-000000.tar", 4, "s000000_v000", "s000001_v000"),
        ("shard-000001.tar", 2, "s000001_v001", "s000001_v002")]
    assert sorted(os.listdir(tmp_path / "shards")) == ["shard-000000.tar", "shard-000001.tar"]
    for rec, group in zip(records, [samples[:4], samples[4:]]):
        data = (tmp_path / rec["path"]).read_bytes()
        assert data == _reference_tar(group)
        assert len(data) == rec["bytes"] and hashlib.sha256(data).hexdigest() == rec["sha256"]
        with tarfile.open(tmp_path / rec["path"]) as tar:
            members = tar.getmembers()
            expected = [f"{k}.{s}" for k, _ in group
                        for s in ["json", "depth.png", "instance.png", "normal.png", "rgb.png", "semantic.png"]]
            assert [m.name for m in members] == expected
            assert {(m.mtime, m.uid, m.gid, m.uname, m.gname, m.mode, m.type) for m in members} == {
                (0, 0, 0, "", "", 0o644, tarfile.REGTYPE)}
            for m in members:
                key, suffix = split_name(m.name)
                assert tar.extractfile(m).read() == (tmp_path / "scenes" / key[:7] / m.name).read_bytes()
    assert describe_shards(tmp_path) == records


def test_rewriting_shards_is_byte_identical_and_leaves_unchanged_files_alone(tmp_path, frames):
    samples = build(tmp_path / "a", frames)
    first = write_shards(tmp_path / "a", samples, max_samples=4)
    stats = [os.stat(tmp_path / "a" / r["path"]) for r in first]
    again = write_shards(tmp_path / "a", samples, max_samples=4)
    assert again == first
    for rec, st in zip(again, stats):
        now = os.stat(tmp_path / "a" / rec["path"])
        assert (now.st_ino, now.st_mtime_ns) == (st.st_ino, st.st_mtime_ns)
    other = write_shards(tmp_path / "b", build(tmp_path / "b", frames), max_samples=4)  # a second, separate build
    assert other == first
    # a new sample order changes shard 0 (rewritten), fewer shards removes the stale one
    fewer = write_shards(tmp_path / "a", samples[::-1], max_samples=10)
    assert [r["name"] for r in fewer] == ["shard-000000.tar"] and fewer[0]["sha256"] != first[0]["sha256"]
    assert sorted(os.listdir(tmp_path / "a" / "shards")) == ["shard-000000.tar"]
    assert write_shards(tmp_path / "a", [], max_samples=10) == [] and os.listdir(tmp_path / "a" / "shards") == []


def test_max_bytes_splits_shards(tmp_path, frames):
    samples = build(tmp_path, frames)
    sizes = [r["bytes"] for r in write_shards(tmp_path, samples[:1])]
    limit = 3 * sizes[0]
    records = write_shards(tmp_path, samples, max_bytes=limit)
    assert len(records) > 1 and sum(r["samples"] for r in records) == len(samples)
    assert all(r["bytes"] <= limit for r in records)
    assert [r["samples"] for r in write_shards(tmp_path, samples, max_bytes=1)] == [1] * len(samples)


def test_shards_refuse_corrupt_or_incomplete_frames(tmp_path, frames):
    samples = build(tmp_path, frames[:1], n_scenes=1)
    path = samples[0][1] / "s000000_v000.rgb.png"
    data = bytearray(path.read_bytes())
    data[-20] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(DatagenError, match="s000000_v000.rgb.png does not match its recorded sha256"):
        write_shards(tmp_path, samples)
    assert not any(n.endswith(".tmp") for n in os.listdir(tmp_path / "shards"))
    with pytest.raises(DatagenError, match="is missing or not valid JSON"):
        write_shards(tmp_path, [("s000000_v009", samples[0][1])])
    with pytest.raises(DatagenError, match="listed twice"):
        write_shards(tmp_path, [samples[0], samples[0]])


# ---------------------------------------------------------------------------------------------- manifest
def test_manifest_lists_every_complete_sample_with_checksums(tmp_path, frames):
    samples = build(tmp_path, frames)
    build(tmp_path / "x", frames, n_scenes=1)  # unrelated
    SceneFolder(tmp_path, "s000002").write_frame("s000002_v000", encode_frame(frames[0], ["rgb"]), {})  # no scene.json
    shards = write_shards(tmp_path, samples, max_samples=4)
    manifest = build_manifest(tmp_path, ["s000001", "s000002", "s000000"], extra={"name": "test"}, shards=shards)
    assert [s["key"] for s in manifest["samples"]] == [k for k, _ in samples]
    assert manifest["incomplete_scenes"] == ["s000002"] and manifest["name"] == "test"
    assert manifest["counts"] == {"scenes": 2, "scenes_incomplete": 1, "samples": 6, "shards": 2,
                                  "bytes": sum(r["bytes"] for s in manifest["samples"] for r in s["files"].values()),
                                  "files": {s: 6 for s in ["json", "depth.png", "instance.png", "normal.png",
                                                           "rgb.png", "semantic.png"]}}
    for s in manifest["samples"]:
        for rec in s["files"].values():
            data = (tmp_path / rec["path"]).read_bytes()
            assert len(data) == rec["bytes"] and hashlib.sha256(data).hexdigest() == rec["sha256"]
    assert manifest["shards"] == shards == build_manifest(tmp_path, ["s000000", "s000001"], extra={})["shards"]
    assert json_bytes(build_manifest(tmp_path, ["s000000", "s000001", "s000002"], extra={"name": "test"},
                                     verify=True)) == json_bytes(manifest)
    write_manifest(tmp_path, manifest)
    assert read_manifest(tmp_path) == json.loads(json_bytes(manifest))
    with pytest.raises(DatagenError, match="reserved"):
        build_manifest(tmp_path, [], extra={"samples": []})


def test_verify_reports_missing_and_corrupt_files(tmp_path, frames):
    samples = build(tmp_path, frames)
    shards = write_shards(tmp_path, samples, max_samples=4)
    write_manifest(tmp_path, build_manifest(tmp_path, ["s000000", "s000001"], extra={}, shards=shards))
    assert verify(tmp_path) == []
    base = tmp_path / "scenes"
    rgb = base / "s000000" / "s000000_v001.rgb.png"
    data = bytearray(rgb.read_bytes())
    data[-20] ^= 0xFF
    rgb.write_bytes(bytes(data))
    (base / "s000001" / "s000001_v002.depth.png").unlink()
    (base / "s000001" / "scene.json").unlink()
    with open(tmp_path / "shards" / "shard-000001.tar", "ab") as fh:
        fh.write(b"\0" * 512)
    assert verify(tmp_path) == [
        "scene s000001: incomplete (no readable scene.json)",
        "scenes/s000000/s000000_v001.rgb.png: sha256 mismatch",
        "scenes/s000001/s000001_v002.depth.png: missing",
        f"shards/shard-000001.tar: {shards[1]['bytes'] + 512} bytes, expected {shards[1]['bytes']}"]
    with pytest.raises(DatagenError, match="sha256 .* does not match its frame json"):
        build_manifest(tmp_path, ["s000000"], extra={}, verify=True)
    os.unlink(tmp_path / "manifest.json")
    problems = verify(tmp_path)
    assert problems[0] == "manifest.json: missing or not a datagen manifest"
    assert "scenes/s000000/s000000_v001.rgb.png: sha256 mismatch" in problems
    assert "scene s000001: incomplete (no readable scene.json)" in problems
    shutil.rmtree(tmp_path / "scenes")
    assert verify(tmp_path) == ["manifest.json: missing or not a datagen manifest"]


def test_tar_header_is_one_block_for_short_names():
    head = tar_header("s000000_v000.rgb.png", 1234)
    assert len(head) == 512
    info = tarfile.TarInfo.frombuf(head, "utf-8", "surrogateescape")
    assert (info.name, info.size, info.mtime, info.mode) == ("s000000_v000.rgb.png", 1234, 0, 0o644)
