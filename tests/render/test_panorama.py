"""Equirectangular panoramas from cube faces: the direction mapping and the resampling checked against
closed forms without a renderer, then gl panoramas against a trimesh ray cast along ``camera.rays()``."""

from __future__ import annotations

import math

import numpy as np
import pytest

from worldsmith.render.camera import Camera
from worldsmith.render.errors import RenderError
from worldsmith.render.panorama import (
    FACE_NAMES,
    PAD,
    cube_faces,
    equirect_lookup,
    face_size,
    render_panorama,
    resample,
)
from worldsmith.scene import AssetRef, ObjectInstance, Opening, Room, Scene
from tests.render._raycast import first_hits


def pano_camera(width: int = 64, height: int = 32, eye=(1.0, 2.0, 1.5), target=(1.4, 2.9, 1.3)) -> Camera:
    # a tilted camera, so the faces really turn with it
    return Camera.look_at("pano", eye, target, width=width, height=height, projection="equirectangular")


# ---------------------------------------------------------------------------------------------
# renderer-free: the mapping


def test_face_size_and_face_cameras():
    assert face_size(64) == 16 and face_size(65) == 17 and face_size(2048) == 512
    cam = pano_camera()
    faces = cube_faces(cam)
    assert [f.name for f in faces] == [f"pano_{n}" for n in FACE_NAMES]
    r = cam.c2w[:3, :3]
    axes = {"front": r[:, 2], "right": r[:, 0], "back": -r[:, 2], "left": -r[:, 0], "up": -r[:, 1], "down": r[:, 1]}
    for f, name in zip(faces, FACE_NAMES):
        assert f.projection == "perspective" and f.width == f.height == 16 + 2 * PAD
        assert f.forward == pytest.approx(axes[name], abs=1e-12)
        assert f.position == pytest.approx(cam.position)
        assert f.K[0, 0] == pytest.approx(8.0, abs=1e-9)  # exactly 90 degrees across the inner 16 px
        assert np.linalg.det(f.c2w[:3, :3]) == pytest.approx(1.0)
    with pytest.raises(RenderError, match="equirectangular"):
        cube_faces(faces[0])


def test_lookup_sends_every_panorama_ray_to_the_face_pixel_it_projects_to():
    cam = pano_camera(96, 48)
    side = face_size(96)
    faces = cube_faces(cam, side)
    face, u, v, cos = equirect_lookup(96, 48, side)
    origins, dirs = cam.rays()
    pts = origins + 2.5 * dirs
    assert set(np.unique(face)) == set(range(6))
    for k, fc in enumerate(faces):
        sel = face.ravel() == k
        uv, z = fc.project(pts[sel])
        assert uv[:, 0] == pytest.approx(u.ravel()[sel], abs=1e-9)
        assert uv[:, 1] == pytest.approx(v.ravel()[sel], abs=1e-9)
        assert z / 2.5 == pytest.approx(cos.ravel()[sel], abs=1e-12)
        # the face's own region: within its inner 90 degrees
        assert uv.min() >= PAD - 0.5 - 1e-9 and uv.max() <= side + PAD - 0.5 + 1e-9
        # ... and the face chosen is the one the ray is most aligned with
        assert np.all(dirs[sel] @ fc.forward >= np.max(np.abs(dirs[sel] @ cam.c2w[:3, :3]), axis=1) - 1e-12)


# ---------------------------------------------------------------------------------------------
# renderer-free: resampling synthetic faces with known answers


def face_rays(cam: Camera, side: int) -> list[tuple[Camera, np.ndarray]]:
    """(face camera, unit ray directions in the panorama camera's frame, n x n x 3) per face."""
    out = []
    r = cam.c2w[:3, :3]
    for fc in cube_faces(cam, side):
        _, d = fc.rays()
        out.append((fc, (d @ r).reshape(fc.height, fc.width, 3)))
    return out


def test_depth_becomes_range_inside_a_cube_room_and_ids_follow_the_faces():
    cam = pano_camera(128, 64)
    side = face_size(128)
    a = 2.0  # walls of a cube centred on the camera, each facing one face: depth = a everywhere
    faces = []
    for k, (fc, _d) in enumerate(face_rays(cam, side)):
        n = fc.width
        faces.append({"depth": np.full((n, n), a, np.float32), "instance": np.full((n, n), k + 1, np.int32)})
    out = resample(faces, 128, 64, side)
    _, dirs = cam.rays()
    local = dirs @ cam.c2w[:3, :3]
    expect = a / np.abs(local).max(axis=1)
    assert out["depth"].dtype == np.float32 and out["depth"].shape == (64, 128)
    assert out["depth"].ravel() == pytest.approx(expect, rel=1e-6)
    axis = np.argmax(np.abs(local), axis=1)
    sign = np.sign(local[np.arange(len(local)), axis])
    face_of = {(2, 1): 1, (0, 1): 2, (2, -1): 3, (0, -1): 4, (1, -1): 5, (1, 1): 6}
    want = np.array([face_of[(int(x), int(s))] for x, s in zip(axis, sign)])
    clear = np.sort(np.abs(local), axis=1)[:, 2] - np.sort(np.abs(local), axis=1)[:, 1] > 1e-9
    assert np.array_equal(out["instance"].ravel()[clear], want[clear])


def test_depth_of_a_floor_plane_is_exact_between_face_pixels():
    """A floor 1.5 m under the camera: faces store camera-axis depth at pixel centres; the panorama's
    range along its own rays is exact (inverse depth interpolated on the plane), not off by half a
    face pixel."""
    cam = Camera.look_at("pano", (0, 0, 1.5), (1, 0, 1.5), width=256, height=128, projection="equirectangular")
    side = face_size(256)
    faces = []
    for fc, _ in face_rays(cam, side):
        _, dw = fc.rays()  # world directions
        t = np.where(dw[:, 2] < -1e-9, 1.5 / -np.minimum(dw[:, 2], -1e-9), np.inf)
        depth = (t * (dw @ fc.forward)).reshape(fc.height, fc.width)
        inst = np.where(np.isfinite(depth), 7, 0).astype(np.int32)
        faces.append({"depth": depth.astype(np.float32), "instance": inst})
    out = resample(faces, 256, 128, side)
    _, dirs = cam.rays()
    down = dirs[:, 2] < -0.05
    expect = 1.5 / -dirs[down, 2]
    got = out["depth"].ravel()[down]
    interior = out["instance"].ravel()[down] == 7
    assert interior.mean() > 0.99
    assert got[interior] == pytest.approx(expect[interior], rel=2e-5)
    assert np.all(np.isinf(out["depth"].ravel()[dirs[:, 2] > 0.05]))


def test_rgb_is_filtered_smoothly_across_faces():
    cam = pano_camera(128, 64)
    side = face_size(128)
    faces = []
    for fc, _ in face_rays(cam, side):
        _, dw = fc.rays()
        rgb = np.rint(127.5 * (1.0 + dw)).reshape(fc.height, fc.width, 3).astype(np.uint8)
        faces.append({"rgb": rgb, "albedo": rgb[..., ::-1].copy(), "normal": dw.reshape(fc.height, fc.width, 3)
                      .astype(np.float32)})
    out = resample(faces, 128, 64, side)
    _, dirs = cam.rays()
    expect = 127.5 * (1.0 + dirs)
    err = np.abs(out["rgb"].reshape(-1, 3).astype(float) - expect)
    assert err.max() <= 3.0  # bilinear over ~3 degree face pixels of a smooth colour, rounding included
    assert np.array_equal(out["albedo"], out["rgb"][..., ::-1])
    # nearest normals: the face pixel's ray, within half a face pixel of the panorama ray
    ang = np.degrees(np.arccos(np.clip(np.sum(out["normal"].reshape(-1, 3) * dirs, axis=1), -1, 1)))
    assert ang.max() < 0.75 * 90.0 / side * math.sqrt(2)


# ---------------------------------------------------------------------------------------------
# rendered with the gl backend, checked by ray casting


def obj(oid: str, cat: str, pos, size, yaw: float = 0.0, support: str = "floor", source: str = "fallback"):
    return ObjectInstance(id=oid, category=cat, asset=AssetRef(source, cat), position=pos, size=size,
                          yaw_deg=yaw, support=support)


@pytest.fixture(scope="module")
def scene() -> Scene:
    room = Room("room_0", "room", [(0, 0), (4.5, 0), (4.5, 3.5), (0, 3.5)], 2.6, wall_thickness=0.12, openings=(
        Opening("door_0", "door", "wall_0", 0.5, 0.9, 2.1),
        Opening("window_0", "window", "wall_2", 1.5, 1.4, 1.2, sill=0.9),
    ))
    return Scene(rooms=(room,), objects=(
        obj("sofa_0", "sofa", (2.2, 3.0, 0.0), (2.0, 0.9, 0.8), yaw=180.0),
        obj("table_0", "table", (3.4, 1.2, 0.0), (1.0, 0.7, 0.75), yaw=30.0),
        obj("chair_0", "chair", (3.6, 2.2, 0.0), (0.48, 0.52, 0.88), yaw=200.0, source="procedural"),
        obj("cabinet_0", "cabinet", (0.4, 1.5, 0.0), (0.5, 1.0, 1.8), yaw=90.0),
        obj("painting_0", "painting", (2.5, 0.02, 1.4), (0.8, 0.04, 0.5), support="wall:wall_0"),
    ))




@pytest.fixture(scope="module")
def pano(gl, scene):
    from worldsmith.render import render

    cam = Camera.look_at("panorama", (1.9, 1.6, 1.55), (2.9, 2.1, 1.45), width=256, height=128,
                         projection="equirectangular")
    return render(scene, cam, {"rgb", "depth", "instance", "semantic", "normal"}, backend="gl")


def away_from_edges(scene: Scene, origins: np.ndarray, dirs: np.ndarray, side: int) -> tuple[np.ndarray, ...]:
    """Ray-cast each ray and eight rays one face pixel around it: ``(ok, distance, instance)`` where
    ``ok`` says all nine hit the same instance with continuous distances (no edge, no step within
    the face pixels the panorama sample is made from)."""
    delta = math.tan((math.pi / 2) / side)
    helper = np.where(np.abs(dirs[:, 2:3]) < 0.9, [[0.0, 0.0, 1.0]], [[1.0, 0.0, 0.0]])
    a = np.cross(dirs, helper)
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    b = np.cross(dirs, a)
    offsets = [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, -1), (1, -1), (-1, 1)]
    rays = [dirs] + [dirs + delta * (i * a + j * b) for i, j in offsets]
    rays = [r / np.linalg.norm(r, axis=1, keepdims=True) for r in rays]
    n, k = len(dirs), len(rays)
    from worldsmith.render.scenegeom import scene_geometry

    dist, inst, _ = first_hits(scene_geometry(scene), np.concatenate([origins] * k), np.concatenate(rays))
    dist, inst = dist.reshape(k, n), inst.reshape(k, n)
    ok = np.all(inst == inst[0], axis=0) & np.all(np.isfinite(dist), axis=0)
    with np.errstate(invalid="ignore"):
        for p in (1, 3, 5, 7):
            ok &= np.abs(dist[p] + dist[p + 1] - 2 * dist[0]) <= 0.005
    return ok, dist[0], inst[0]


def test_panorama_frame_shapes_and_tables(pano, scene):
    assert pano.camera.projection == "equirectangular"
    assert pano.rgb.shape == (128, 256, 3) and pano.rgb.dtype == np.uint8
    assert pano.depth.dtype == np.float32 and pano.instance.dtype == np.int32
    lut = np.array([e["semantic"] for e in pano.instances])
    assert np.array_equal(pano.semantic, lut[pano.instance])
    seen = pano.visible_ids()
    for oid in ("sofa_0", "table_0", "chair_0", "cabinet_0", "painting_0", "floor_room_0", "ceiling_room_0"):
        assert oid in seen, oid
    assert pano.stats["faces"] == 6 and pano.stats["face_px"] == 64 + 2 * PAD
    assert np.all(np.isfinite(pano.depth))  # a closed room: every ray hits something


@pytest.fixture(scope="module")
def reference(pano, scene):
    rng = np.random.default_rng(5)
    rows = rng.integers(0, 128, 700)
    cols = rng.integers(0, 256, 700)
    origins, dirs = pano.camera.rays(rows, cols)
    ok, dist, inst = away_from_edges(scene, origins, dirs, face_size(256))
    return rows, cols, ok, dist, inst


def test_panorama_depth_is_the_ray_cast_range(pano, reference):
    rows, cols, ok, dist, inst = reference
    kinds = np.array([pano.instances[i]["kind"] for i in inst])
    assert ok.sum() > 400
    err = np.abs(pano.depth[rows, cols].astype(float) - dist)
    # away from edges, within 1 cm; flat surfaces (almost everything) far better
    solid = ok & (kinds != "opening")
    worst = int(np.argmax(np.where(solid, err, -1.0)))
    assert np.all(err[solid] <= 0.01), (err[worst], rows[worst], cols[worst])
    assert np.median(err[ok]) < 1e-4
    # door and window frames have mullions thinner than a face pixel: most are still within 1 cm
    assert np.mean(err[ok] <= 0.01) > 0.99


def test_panorama_instances_are_the_ray_cast_hits_away_from_edges(pano, reference, scene):
    rows, cols, ok, _dist, inst = reference
    assert np.array_equal(pano.instance[rows, cols][ok], inst[ok])
    # ... whose ids index the scene geometry's table (the one the ray cast used)
    from worldsmith.render.scenegeom import scene_geometry

    assert [e["id"] for e in pano.instances] == [e["id"] for e in scene_geometry(scene).instances]


def test_panorama_normals_face_the_camera(pano):
    _, dirs = pano.camera.rays()
    n = pano["normal"].reshape(-1, 3)
    assert np.allclose(np.linalg.norm(n, axis=1), 1.0, atol=1e-3)
    assert np.mean(np.sum(n * dirs, axis=1) < 0) > 0.995


def test_panorama_needs_an_equirectangular_camera(gl, scene):
    cam = Camera.look_at("p", (1, 1, 1.5), (2, 1, 1.5), width=32, height=24)
    with pytest.raises(RenderError, match="equirectangular"):
        render_panorama(gl, scene, cam, {"rgb"})


def test_panorama_is_deterministic_and_outputs_do_not_change_rgb(gl, scene):
    cam = Camera.look_at("panorama", (1.9, 1.6, 1.55), (2.9, 1.6, 1.55), width=64, height=32,
                         projection="equirectangular")
    a = render_panorama(gl, scene, cam, {"rgb"})
    b = render_panorama(gl, scene, cam, {"rgb", "depth", "instance"})
    assert np.array_equal(a.rgb, b.rgb)
    assert set(a.images) == {"rgb"} and set(b.images) == {"rgb", "depth", "instance"}

