"""Frame files on disk: encodings read back exactly, previews, cameras.json, and a real render whose
written intrinsics/extrinsics project object centres into their instance masks."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from PIL import Image

from worldsmith.render.camera import Camera
from worldsmith.render.errors import RenderError
from worldsmith.render.frame import Frame
from worldsmith.render.output import (
    CONVENTION,
    depth_preview,
    depth_to_mm,
    frame_files,
    hash_color,
    read_depth_png,
    read_ids_png,
    render_views,
    unique_stems,
    write_cameras_json,
    write_frame,
)
from worldsmith.scene import AssetRef, Light, ObjectInstance, Opening, Room, Scene

H, W = 24, 32
INSTANCES = [{"id": None, "kind": "background", "category": "background", "semantic": 0},
             {"id": "sofa_0", "kind": "object", "category": "sofa", "semantic": 3},
             {"id": "table_0", "kind": "object", "category": "table", "semantic": 4},
             {"id": "wall_0", "kind": "wall", "category": "wall", "semantic": 1}]
CATEGORIES = ["background", "wall", "floor", "sofa", "table"]


def synthetic_frame(name: str = "corner_0", big_ids: bool = False) -> Frame:
    """A frame with every output filled from a seeded generator (depths up to 70 m, some background)."""
    rng = np.random.default_rng(7)
    cam = Camera.look_at(name, (0.5, 0.5, 1.6), (3.0, 2.0, 0.8), width=W, height=H)
    depth = rng.uniform(0.3, 70.0, (H, W)).astype(np.float32)
    depth[:3] = np.inf  # background rows
    depth[5, 5] = 65.535  # the largest value a 16-bit PNG holds
    depth[5, 6] = 65.5356  # rounds past it: written as 0
    inst = rng.integers(1, 4, (H, W)).astype(np.int32)
    inst[:3] = 0
    if big_ids:
        inst[10, :4] = [70000, 2**24 + 5, 2**31 - 1, 65536]
    sem = np.array([e["semantic"] for e in INSTANCES], dtype=np.int32)[np.clip(inst, 0, 3)]
    normal = rng.normal(size=(H, W, 3))
    normal = (normal / np.linalg.norm(normal, axis=2, keepdims=True)).astype(np.float32)
    normal[:3] = 0.0
    images = {"rgb": rng.integers(0, 256, (H, W, 3), dtype=np.uint8), "depth": depth, "instance": inst,
              "semantic": sem, "normal": normal, "albedo": rng.integers(0, 256, (H, W, 3), dtype=np.uint8)}
    return Frame(cam, images, INSTANCES, CATEGORIES, backend="gl")


def test_every_output_is_written_and_reads_back_exactly(tmp_path):
    frame = synthetic_frame()
    paths = write_frame(frame, tmp_path)
    names = [p.name for p in paths]
    assert names == frame_files(frame, "corner_0") == [
        "corner_0_rgb.png", "corner_0_depth.png", "corner_0_depth.npy", "corner_0_depth_vis.png",
        "corner_0_instance.png", "corner_0_instance_vis.png", "corner_0_semantic.png", "corner_0_semantic_vis.png",
        "corner_0_normal.png", "corner_0_normal.npy", "corner_0_albedo.png"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)  # no temporary files left
    with Image.open(tmp_path / "corner_0_rgb.png") as img:
        assert img.mode == "RGB" and np.array_equal(np.asarray(img), frame.rgb)
    with Image.open(tmp_path / "corner_0_albedo.png") as img:
        assert np.array_equal(np.asarray(img), frame.images["albedo"])
    # depth: 16-bit millimetres, round(depth * 1000) where finite and <= 65.535 m, else 0
    with Image.open(tmp_path / "corner_0_depth.png") as img:
        assert img.mode == "I;16"
        mm = np.asarray(img)
    assert mm.dtype == np.uint16 and mm.shape == (H, W)
    d = frame.depth.astype(np.float64)
    fits = np.isfinite(d) & (np.round(d * 1000) <= 65535)
    assert np.array_equal(mm[fits], np.round(d[fits] * 1000).astype(np.uint16))
    assert np.all(mm[~fits] == 0) and mm[5, 5] == 65535 and mm[5, 6] == 0 and np.all(mm[:3] == 0)
    assert np.abs(read_depth_png(tmp_path / "corner_0_depth.png")[fits] - d[fits]).max() <= 0.0005 + 1e-6
    exact = np.load(tmp_path / "corner_0_depth.npy")
    assert exact.dtype == np.float32 and np.array_equal(exact, frame.depth)  # inf background kept
    # ids: 16-bit greyscale equal to the frame
    for out in ("instance", "semantic"):
        with Image.open(tmp_path / f"corner_0_{out}.png") as img:
            assert img.mode == "I;16"
        assert np.array_equal(read_ids_png(tmp_path / f"corner_0_{out}.png"), frame.images[out])
    # normals: (n + 1) / 2 in 8 bits, background black; .npy exact
    with Image.open(tmp_path / "corner_0_normal.png") as img:
        rgb = np.asarray(img).astype(np.float64)
    fg = np.any(frame.images["normal"] != 0, axis=2)
    assert np.abs(rgb[fg] / 255.0 * 2 - 1 - frame.images["normal"][fg]).max() <= 1 / 255 + 1e-6
    assert np.all(rgb[~fg] == 0)
    assert np.array_equal(np.load(tmp_path / "corner_0_normal.npy"), frame.images["normal"])


def test_ids_beyond_16_bits_are_packed_rgba_and_read_back(tmp_path):
    frame = synthetic_frame(big_ids=True)
    write_frame(frame, tmp_path, stem="big")
    with Image.open(tmp_path / "big_instance.png") as img:
        assert img.mode == "RGBA"
        raw = np.asarray(img).astype(np.int64)
    ids = frame.instance.astype(np.int64)
    assert np.array_equal(raw[..., 0] + 256 * raw[..., 1] + 65536 * raw[..., 2] + 16777216 * raw[..., 3], ids)
    assert np.array_equal(read_ids_png(tmp_path / "big_instance.png"), ids)
    with Image.open(tmp_path / "big_semantic.png") as img:  # semantic ids stay small: 16-bit
        assert img.mode == "I;16"


def test_previews_depth_warm_near_ids_stable_colours(tmp_path):
    frame = synthetic_frame()
    write_frame(frame, tmp_path)
    with Image.open(tmp_path / "corner_0_depth_vis.png") as img:
        vis = np.asarray(img).astype(int)
    d = frame.depth
    hit = np.isfinite(d)
    near = np.unravel_index(np.where(hit, d, np.inf).argmin(), d.shape)
    far = np.unravel_index(np.where(hit, d, -np.inf).argmax(), d.shape)
    assert vis[near][0] > vis[near][2] + 60  # nearest: red
    assert vis[far][2] > vis[far][0] + 60  # farthest: blue
    assert np.all(vis[~hit] == 0)
    # along a ramp from near to far the colours go red -> yellow/green -> blue
    ramp = depth_preview(np.linspace(1.0, 5.0, 9)[None, :]).astype(int)[0]
    assert ramp[0][0] > ramp[0][1] > ramp[0][2]  # near: red
    assert ramp[4][1] == ramp[4].max()  # middle: green
    assert ramp[7][2] == ramp[7].max()  # far: blue
    # a constant depth is drawn all warm, never a division by zero
    assert np.all(depth_preview(np.full((2, 2), 3.0))[..., 0] > 100)
    with Image.open(tmp_path / "corner_0_instance_vis.png") as img:
        ivis = np.asarray(img)
    for i, entry in enumerate(INSTANCES):
        mask = frame.instance == i
        if i == 0:
            assert np.all(ivis[mask] == 0)
        else:  # one colour per instance, from its scene id (stable across views and scenes)
            assert np.all(ivis[mask] == hash_color(entry["id"]))
    colours = {hash_color(e["id"]) for e in INSTANCES[1:]}
    assert len(colours) == 3
    with Image.open(tmp_path / "corner_0_semantic_vis.png") as img:
        svis = np.asarray(img)
    assert np.all(svis[frame.semantic == 3] == hash_color("sofa"))


def test_bytes_are_deterministic(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    write_frame(synthetic_frame(), a)
    write_frame(synthetic_frame(), b)
    write_cameras_json([synthetic_frame()], a / "cameras.json")
    write_cameras_json([synthetic_frame()], b / "cameras.json")
    for p in a.iterdir():
        assert p.read_bytes() == (b / p.name).read_bytes(), p.name


def test_cameras_json_round_trips_and_lists_files(tmp_path):
    frames = [synthetic_frame("corner_0"), synthetic_frame("corner 1/x"), synthetic_frame("corner_0")]
    stems = unique_stems(f.camera.name for f in frames)
    assert stems == ["corner_0", "corner_1_x", "corner_0_2"]
    path = write_cameras_json(frames, tmp_path / "cameras.json")
    data = json.loads(path.read_text())
    assert data["convention"] == CONVENTION and data["backend"] == "gl"
    assert data["instances"] == INSTANCES and data["categories"] == CATEGORIES
    assert [c["frame"] for c in data["cameras"]] == stems
    assert data["cameras"][1]["files"] == frame_files(frames[1], "corner_1_x")
    for rec, frame in zip(data["cameras"], frames):
        back = Camera.from_dict(rec)
        cam = frame.camera
        assert (back.name, back.projection, back.width, back.height) == (cam.name, cam.projection, cam.width, cam.height)
        assert np.allclose(back.c2w, cam.c2w, atol=1e-8) and np.allclose(back.K, cam.K, atol=1e-9)
        assert np.allclose(np.asarray(rec["K"]), cam.K, atol=1e-8)
        assert math.isclose(back.fov_y_deg, cam.fov_y_deg, abs_tol=1e-6)
    other = Frame(frames[0].camera, {}, INSTANCES[:2], CATEGORIES)
    with pytest.raises(RenderError, match="different id tables"):
        write_cameras_json([frames[0], other], tmp_path / "bad.json")
    assert not (tmp_path / "bad.json").exists()


def test_write_frame_refuses_a_file_as_folder(tmp_path):
    target = tmp_path / "taken"
    target.write_text("keep")
    with pytest.raises(RenderError, match="is a file"):
        write_frame(synthetic_frame(), target)
    assert target.read_text() == "keep"


def test_depth_to_mm_edges():
    d = np.array([[np.inf, np.nan, -1.0, 0.0], [0.0004, 0.0006, 1.2344, 70.0]], dtype=np.float32)
    assert depth_to_mm(d).tolist() == [[0, 0, 0, 0], [0, 1, 1234, 0]]


# ------------------------------------------------------------------------------------- a real render
T = 0.15


def _obj(oid, cat, pos, size, yaw=0.0, support="floor"):
    return ObjectInstance(id=oid, category=cat, asset=AssetRef("fallback", cat), position=pos, size=size,
                          yaw_deg=yaw, support=support)


@pytest.fixture(scope="module")
def room_scene() -> Scene:
    room = Room("room_0", "test room", [(0, 0), (4, 0), (4, 3), (0, 3)], 2.6, wall_thickness=T,
                openings=(Opening("door_0", "door", "wall_0", 1.0, 0.9, 2.1, hinge="start", swing="in"),
                          Opening("window_0", "window", "wall_2", 2.0, 1.2, 1.2, sill=0.9)))
    return Scene(prompt="a test room", rooms=(room,), objects=(
        _obj("bed_0", "bed", (2.6, 1.8, 0.0), (1.6, 2.0, 0.5)),
        _obj("wardrobe_0", "wardrobe", (0.5, 2.65, 0.0), (0.9, 0.6, 2.0), yaw=180),
        _obj("armchair_0", "armchair", (1.0, 1.0, 0.0), (0.8, 0.8, 0.8), yaw=45),
    ), lights=(Light("light_0", "point", (2.0, 1.5, 2.4), watts=60),))


@pytest.fixture(scope="module")
def rendered(room_scene, tmp_path_factory):
    out = tmp_path_factory.mktemp("views")
    top = Camera.look_at("topdown", (2.0, 1.5, 8.0), (2.0, 1.5, 0.0), width=96, height=72,
                         projection="orthographic", ortho_height_m=3.6, hidden=("ceiling_room_0",))
    persp = Camera.look_at("view", (3.7, 0.3, 1.6), (1.2, 2.2, 0.5), width=96, height=72, fov_y_deg=70)
    calls = []
    summary = render_views(room_scene, [top, persp], "rgb,depth,instance,semantic", backend="gl", out_dir=out,
                           progress=lambda done, total, name: calls.append((done, total, name)))
    return out, summary, calls


def test_render_views_writes_frames_overlay_and_cameras_json(rendered):
    out, summary, calls = rendered
    assert calls == [(1, 2, "topdown"), (2, 2, "view")]
    views = {v["frame"]: v for v in summary["views"]}
    assert "topdown_overlay.png" in views["topdown"]["files"] and "view_overlay.png" not in views["view"]["files"]
    assert summary["files"][-1] == "cameras.json"
    assert sorted(summary["files"]) == sorted(p.name for p in out.iterdir())
    with Image.open(out / "topdown_rgb.png") as rgb, Image.open(out / "topdown_overlay.png") as ov:
        assert rgb.size == (96, 72) and ov.width > 96 and ov.height > 72  # the overlay adds a labelled border
    data = json.loads((out / "cameras.json").read_text())
    assert [c["files"] for c in data["cameras"]] == [views["topdown"]["files"], views["view"]["files"]]
    assert set(summary["timings_s"]) == {"render", "write", "overlay", "total"}


@pytest.mark.parametrize("stem", ["topdown", "view"])
def test_written_camera_projects_object_centres_into_their_masks(rendered, room_scene, stem):
    out, _, _ = rendered
    data = json.loads((out / "cameras.json").read_text())
    rec = next(c for c in data["cameras"] if c["frame"] == stem)
    cam = Camera.from_dict(rec)
    ids = read_ids_png(out / f"{stem}_instance.png")
    depth = np.load(out / f"{stem}_depth.npy")
    assert ids.shape == depth.shape == (cam.height, cam.width)
    table = [e["id"] for e in data["instances"]]
    checked = 0
    for o in room_scene.objects:
        centre = np.array(o.position) + [0.0, 0.0, o.size[2] / 2]
        # with the intrinsics/extrinsics as written, by hand: x_cam = R^T (p - t), u = K x_cam
        w2c = np.asarray(rec["world_to_cam"])
        xc = w2c[:3, :3] @ centre + w2c[:3, 3]
        K = np.asarray(rec["K"])
        if cam.projection == "perspective":
            u, v = K[0, 0] * xc[0] / xc[2] + K[0, 2], K[1, 1] * xc[1] / xc[2] + K[1, 2]
        else:
            u, v = K[0, 0] * xc[0] + K[0, 2], K[1, 1] * xc[1] + K[1, 2]
        row, col = int(round(v)), int(round(u))
        if not (0 <= row < cam.height and 0 <= col < cam.width):
            continue
        visible = ids == table.index(o.id)
        assert visible[row, col], (stem, o.id, (row, col), table[int(ids[row, col])])
        checked += 1
    assert checked == len(room_scene.objects)
