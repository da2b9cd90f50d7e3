"""``worldsmith.datagen.load``: the folder layout and the WebDataset shards read back into the arrays
that were rendered (rgb and ids bit-exact, depth to the millimetre), both sources give the same
samples, a torch DataLoader batches them, and every bad path is one DatagenError line."""

from __future__ import annotations

import os
import pickle
import tarfile

import numpy as np
import pytest

from worldsmith.datagen.errors import DatagenError
from worldsmith.datagen.manifest import build_manifest, write_manifest
from worldsmith.datagen.reader import Dataset, collate, load
from worldsmith.datagen.shards import write_shards
from worldsmith.datagen.writers import OUTPUTS, SceneFolder, encode_frame
from worldsmith.render import render
from worldsmith.render.camera import Camera
from worldsmith.render.frame import Frame
from worldsmith.render.scenegeom import base_categories
from worldsmith.scene import Scene

PROGRAM = """room("living room", width=4.6, depth=3.8, height=2.7)
door("wall_0", at=0.25, width=0.9)
window("wall_2", at=0.5, width=1.6, height=1.2, sill=0.9)
s = add("sofa"); place(s, against="wall_0")
t = add("coffee_table"); place(t, in_front_of=s)
place(add("armchair"), at=(3.6, 2.6), yaw=225)
light("ceiling", at=(2.3, 1.9), watts=60)
"""
EYES = [((0.4, 0.4, 1.5), (2.8, 2.4, 0.5)), ((4.2, 0.5, 1.6), (1.8, 2.6, 0.4)), ((2.3, 3.5, 2.0), (2.3, 0.9, 0.3)),
        ((0.5, 3.3, 1.2), (3.5, 1.0, 0.6))]
W, H = 48, 36


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """A finished dataset (2 scenes x 2 views, every output; scene folders, 2 shards, a manifest), the
    rendered frames by key, and a scene folder without scene.json (in progress)."""
    from worldsmith.dsl import execute

    scene = execute(PROGRAM, Scene(prompt="a living room", seed=0), seed=0).scene
    root = tmp_path_factory.mktemp("ds")
    frames: dict[str, Frame] = {}
    samples = []
    for s in range(3):
        folder = SceneFolder(root, f"s{s:06d}", durable=False)
        for v in range(2):
            cam = Camera.look_at(f"v{v}", *EYES[(2 * s + v) % 4], width=W, height=H, fov_y_deg=75)
            frame = render(scene, cam, OUTPUTS, backend="gl")
            key = f"s{s:06d}_v{v:03d}"
            folder.write_frame(key, encode_frame(frame, OUTPUTS), {"camera": cam.to_dict(),
                                                                    "instances": frame.instances})
            if s < 2:
                frames[key] = frame
                samples.append((key, folder.path))
        if s < 2:
            folder.write_scene({"prompt": "a living room", "seed": s})
    shards = write_shards(root, samples, max_samples=3)
    write_manifest(root, build_manifest(root, ["s000000", "s000001"], extra={}, shards=shards))
    return root, frames


def check_sample(sample: dict, frame: Frame, outputs=OUTPUTS) -> None:
    assert set(sample) == {"key", "meta", *outputs}
    assert sample["meta"]["instances"] == frame.instances
    if "rgb" in outputs:
        assert sample["rgb"].dtype == np.uint8 and np.array_equal(sample["rgb"], frame.rgb)
    if "instance" in outputs:
        assert sample["instance"].dtype == np.int32 and np.array_equal(sample["instance"], frame.instance)
    if "semantic" in outputs:
        assert sample["semantic"].dtype == np.int32 and np.array_equal(sample["semantic"], frame.semantic)
    if "depth" in outputs:
        d, ref = sample["depth"], frame.depth
        assert d.dtype == np.float32 and np.array_equal(np.isinf(d), ~np.isfinite(ref) | (ref > 65.535))
        hit = np.isfinite(d)
        assert hit.any() and np.abs(d[hit].astype(np.float64) - ref[hit]).max() <= 0.0005 + 1e-6
    if "normal" in outputs:
        n, ref = sample["normal"], frame.normal_in_camera()
        assert n.dtype == np.float32 and n.shape == (H, W, 3)
        assert np.abs(n - ref).max() <= 0.5 / 127.5 + 1e-5
        assert np.allclose(np.linalg.norm(n, axis=-1), 1.0, atol=0.02)  # the room leaves no background here


def test_folder_layout_round_trips_the_rendered_arrays(dataset):
    root, frames = dataset
    ds = load(root)
    assert ds.source == "folder" and len(ds) == 4 and ds.keys == sorted(frames)
    for i, key in enumerate(ds.keys):
        sample = ds[i]
        assert sample["key"] == key
        check_sample(sample, frames[key])
    assert [s["key"] for s in ds] == ds.keys and ds[-1]["key"] == ds.keys[-1]
    with pytest.raises(IndexError):
        ds[4]
    assert ds.categories == list(base_categories())


def test_shards_give_the_same_samples_as_the_folder(dataset):
    root, frames = dataset
    folder = load(root, source="folder")
    shard_sources = [load(root, source="shards"), load(root / "shards" / "shard-000000.tar"),
                     load(str(root / "shards" / "shard-*.tar")),
                     load([root / "shards" / "shard-000000.tar", root / "shards" / "shard-000001.tar"])]
    assert [len(d) for d in shard_sources] == [4, 3, 4, 4]
    reference = {s["key"]: s for s in folder}
    for ds in shard_sources:
        assert ds.source == "shards"
        for via in (list(ds), [ds[i] for i in range(len(ds))]):  # streaming and random access
            assert [s["key"] for s in via] == folder.keys[:len(ds)]
            for s in via:
                ref = reference[s["key"]]
                assert s["meta"] == ref["meta"] and set(s) == set(ref)
                assert all(np.array_equal(s[o], ref[o]) for o in OUTPUTS)
                check_sample(s, frames[s["key"]])


def test_outputs_limit_what_is_decoded(dataset):
    root, frames = dataset
    for ds in (load(root, outputs=["depth", "rgb"]), load(root, outputs="rgb,depth", source="shards")):
        assert ds.outputs == ("rgb", "depth")
        for s in ds:
            check_sample(s, frames[s["key"]], outputs=("rgb", "depth"))


def test_without_a_manifest_only_complete_scenes_are_read(dataset, tmp_path):
    root, frames = dataset
    copy = tmp_path / "copy"
    os.makedirs(copy)
    os.symlink(root / "scenes", copy / "scenes")
    ds = load(copy)
    assert ds.source == "folder" and ds.keys == sorted(frames)  # s000002 has frames but no scene.json
    assert ds.root == copy


def test_a_dataset_shipped_as_shards_only_loads_from_its_shards(dataset, tmp_path):
    root, frames = dataset
    os.makedirs(tmp_path / "shards")
    for name in ("shard-000000.tar", "shard-000001.tar"):
        os.symlink(root / "shards" / name, tmp_path / "shards" / name)
    os.symlink(root / "manifest.json", tmp_path / "manifest.json")
    ds = load(tmp_path)
    assert ds.source == "shards" and ds.keys == sorted(frames)
    check_sample(ds[3], frames[ds.keys[3]])


def test_a_requested_output_the_samples_lack_is_an_error(dataset, tmp_path):
    root, frames = dataset
    folder = SceneFolder(tmp_path, "s000000", durable=False)
    frame = frames["s000000_v000"]
    folder.write_frame("s000000_v000", encode_frame(frame, ["rgb", "depth"]), {"instances": frame.instances})
    folder.write_scene({})
    write_shards(tmp_path, [("s000000_v000", folder.path)])
    for source in ("folder", "shards"):
        ds = load(tmp_path, source=source)
        assert set(ds[0]) == {"key", "meta", "rgb", "depth"}
        with pytest.raises(DatagenError, match=r"sample s000000_v000 in .* has no normal output \(it has rgb, depth\)"):
            load(tmp_path, outputs=["normal"], source=source)[0]
        with pytest.raises(DatagenError, match="has no normal output"):
            list(load(tmp_path, outputs=["normal"], source=source))


def test_datasets_pickle_and_batch_in_a_torch_dataloader(dataset):
    torch = pytest.importorskip("torch")
    from torch.utils.data import DataLoader

    root, frames = dataset
    for ds in (load(root), load(root, source="shards")):
        clone = pickle.loads(pickle.dumps(ds))
        assert isinstance(clone, Dataset) and clone.keys == ds.keys
        batches = list(DataLoader(ds, batch_size=2, num_workers=0, collate_fn=collate))
        assert [b["key"] for b in batches] == [ds.keys[:2], ds.keys[2:]]
        b = batches[0]
        assert isinstance(b["rgb"], np.ndarray) and b["rgb"].shape == (2, H, W, 3) and len(b["meta"]) == 2
        assert np.array_equal(b["instance"][1], frames[ds.keys[1]].instance)
        t = next(iter(DataLoader(ds, batch_size=2, collate_fn=lambda s: collate(s, tensors=True))))
        assert isinstance(t["depth"], torch.Tensor) and t["depth"].shape == (2, H, W) and t["depth"].dtype == torch.float32
        assert torch.equal(t["semantic"][0], torch.from_numpy(frames[ds.keys[0]].semantic.astype(np.int32)))


def test_collate_refuses_mismatched_samples(dataset):
    root, _ = dataset
    ds = load(root)
    a, b = ds[0], ds[1]
    b["rgb"] = b["rgb"][:10]
    with pytest.raises(DatagenError, match="cannot stack rgb images of different shapes"):
        collate([a, b])
    with pytest.raises(DatagenError, match="at least one sample"):
        collate([])


def test_bad_paths_are_one_line_errors(dataset, tmp_path):
    root, _ = dataset
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes.txt").write_text("hello")
    with tarfile.open(tmp_path / "junk.tar", "w") as tar:
        info = tarfile.TarInfo("readme")
        tar.addfile(info)
    cases = [
        (lambda: load(tmp_path / "nope"), "does not exist"),
        (lambda: load(tmp_path / "empty"), "holds no datagen samples"),
        (lambda: load(tmp_path / "empty", source="folder"), "no complete samples"),
        (lambda: load(str(tmp_path / "empty" / "*.tar")), "no shard files match"),
        (lambda: load(tmp_path / "notes.txt"), "is not a tar shard"),
        (lambda: load([]), "empty list"),
        (lambda: load(root, source="s3"), "expected source to be one of"),
        (lambda: load(root, outputs=["albedo"]), "unknown dataset output albedo"),
        (lambda: load(root / "shards" / "shard-000000.tar", source="folder"), "is a file"),
        (lambda: load(42), "expected a dataset folder"),
        (lambda: load(tmp_path / "junk.tar")[0], "has no readme.json"),
    ]
    for call, message in cases:
        with pytest.raises(DatagenError, match=message) as info:
            call()
        assert "\n" not in str(info.value)
