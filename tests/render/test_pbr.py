"""The pbr backend (Mitsuba 3 path tracer): ground truth against an independent ray caster (trimesh
on the same triangles), projection, hiding and cut-away, lights inside fixtures, determinism."""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("mitsuba")

from worldsmith.assets import make_asset  # noqa: E402
from worldsmith.render import get_renderer  # noqa: E402
from worldsmith.render.camera import Camera  # noqa: E402
from worldsmith.render.errors import RenderError, RendererUnavailableError  # noqa: E402
from worldsmith.render.frame import OUTPUTS  # noqa: E402
from worldsmith.render.pbr import PBRRenderer, despeckle  # noqa: E402
from worldsmith.render.scenegeom import scene_geometry  # noqa: E402
from worldsmith.scene import AssetRef, Light, ObjectInstance, Opening, Room, Scene  # noqa: E402
from worldsmith.scene.rng import derive_rng  # noqa: E402
from tests.render._raycast import camera_hits  # noqa: E402

SPP = 8


@pytest.fixture(scope="module")
def pbr() -> PBRRenderer:
    try:
        r = get_renderer("pbr")
    except RendererUnavailableError as exc:  # pragma: no cover - CI installs mitsuba + libllvm
        pytest.fail(f"the pbr backend must load where mitsuba is installed: {exc}")
    assert isinstance(r, PBRRenderer) and r.name == "pbr"
    return r


def _obj(oid, cat, pos, size=None, yaw=0.0, support="floor", procedural=True):
    if procedural:
        asset, size = make_asset(cat, derive_rng(11, "pbr-test", oid), size)
    else:
        asset = AssetRef("fallback", cat)
    return ObjectInstance(id=oid, category=cat, asset=asset, position=pos, size=size, yaw_deg=yaw, support=support)


def small_room(lights=None, objects=None) -> Scene:
    """4 x 3 m room: door in wall_0 (y=0), window in wall_2 (y=3); wall_1 is x=4, wall_3 is x=0."""
    room = Room("room_0", "test room", [(0, 0), (4, 0), (4, 3), (0, 3)], 2.6, wall_thickness=0.12,
                openings=(Opening("door_0", "door", "wall_0", 0.4, 0.9, 2.05),
                          Opening("window_0", "window", "wall_2", 1.4, 1.2, 1.2, sill=0.9)),
                materials={"floor": "oak planks", "walls": "white paint"})
    if objects is None:
        objects = (
            _obj("sofa_0", "sofa", (2.0, 2.4, 0.0), yaw=180.0),
            _obj("coffee_table_0", "coffee_table", (2.0, 1.4, 0.0)),
            _obj("cabinet_0", "cabinet", (3.5, 0.4, 0.0), (0.8, 0.5, 0.9), procedural=False),
            _obj("bookshelf_0", "bookshelf", (0.3, 1.5, 0.0), yaw=90.0),
            _obj("ceiling_light_0", "ceiling_light", (2.0, 1.5, 2.5), support="ceiling"),
        )
    if lights is None:
        lights = (Light("light_0", "point", (2.0, 1.5, 2.55), watts=60, kelvin=3000),)
    return Scene(prompt="pbr test room", seed=11, rooms=(room,), objects=tuple(objects), lights=tuple(lights))


SCENE = small_room()
CAMERAS = [
    Camera.look_at("persp", (0.5, 0.4, 1.6), (2.6, 2.2, 0.5), width=96, height=72, fov_y_deg=70),
    Camera.look_at("offcentre", (3.6, 1.5, 0.6), (0.5, 1.6, 0.8), width=80, height=60, fov_y_deg=50),
    Camera.look_at("top", (2.0, 1.5, 9.0), (2.0, 1.5, 0.0), width=80, height=64, projection="orthographic",
                   ortho_height_m=3.6, hidden=("ceiling_room_0",)),
]


@pytest.fixture(scope="module")
def raycaster():
    """Camera-axis depth, instance and ``ambiguous`` (another instance within 1 mm) per pixel."""
    geom = scene_geometry(SCENE)
    return lambda camera, rows, cols: camera_hits(geom, camera, rows, cols)


@pytest.mark.parametrize("camera", CAMERAS, ids=lambda c: c.name)
def test_depth_and_ids_equal_the_ray_cast(pbr, raycaster, camera):
    frame = pbr.render(SCENE, camera, {"depth", "instance", "semantic"})
    assert frame["depth"].dtype == np.float32 and frame["depth"].shape == (camera.height, camera.width)
    assert frame["instance"].dtype == np.int32 and frame["semantic"].dtype == np.int32
    rng = np.random.default_rng(3)
    rows = rng.integers(0, camera.height, 300)
    cols = rng.integers(0, camera.width, 300)
    depth, inst, ambiguous = raycaster(camera, rows, cols)
    got_d = frame["depth"][rows, cols].astype(np.float64)
    got_i = frame["instance"][rows, cols]
    hit = np.isfinite(depth)
    assert hit.mean() > 0.75, "the test views should mostly see the room"
    assert np.array_equal(np.isfinite(got_d), hit)
    err = np.abs(got_d[hit] - depth[hit])
    assert np.all(err <= np.maximum(0.01, 0.005 * depth[hit])), f"max depth error {err.max():.4f} m"
    keep = ~ambiguous
    assert keep.sum() > 250
    assert np.array_equal(got_i[keep], inst[keep])
    lut = np.array([e["semantic"] for e in frame.instances])
    assert np.array_equal(frame["semantic"], lut[frame["instance"]])
    assert frame.instances[0]["id"] is None and frame.categories[0] == "background"


def test_bbox_centres_project_into_their_masks(pbr):
    from worldsmith.assets import object_mesh_world

    # top-down without the ceiling and its lamp (which hangs over the coffee table)
    camera = CAMERAS[2].replace(hidden=("ceiling_room_0", "ceiling_light_0"))
    frame = pbr.render(SCENE, camera, {"instance"})
    for oid in ("sofa_0", "coffee_table_0", "cabinet_0", "bookshelf_0"):
        mesh = object_mesh_world(SCENE.object(oid))
        centre = (np.asarray(mesh.bounds[0]) + np.asarray(mesh.bounds[1])) / 2.0
        uv, _ = camera.project(centre[None])
        u, v = uv[0]
        assert frame.mask(oid)[int(round(v)), int(round(u))], oid
    persp = pbr.render(SCENE, CAMERAS[0], {"instance"})
    uv, z = CAMERAS[0].project(np.array([[3.5, 0.4, 0.45]]))  # the cabinet's box centre
    assert z[0] > 0 and persp.mask("cabinet_0")[int(round(uv[0, 1])), int(round(uv[0, 0]))]


def test_hidden_nodes_and_their_openings_never_appear(pbr):
    base = CAMERAS[0]
    seen = pbr.render(SCENE, base, {"instance"}).visible_ids()
    assert {"sofa_0", "wall_2", "window_0"} <= set(seen)
    cam = base.replace(hidden=("sofa_0", "wall_2"))
    frame = pbr.render(SCENE, cam, {"instance", "rgb"}, spp=4)
    ids = set(frame.visible_ids())
    assert not ids & {"sofa_0", "wall_2", "window_0"}
    assert "coffee_table_0" in ids


def test_cutaway_walls_are_cut_at_the_height(pbr):
    cam = Camera.look_at("orbit", (2.0, -4.0, 4.5), (2.0, 1.5, 0.6), width=96, height=72, fov_y_deg=50,
                         hidden=("ceiling_room_0",), cutaway=("wall_0",), cut_height_m=1.0)
    frame = pbr.render(SCENE, cam, {"depth", "instance"})
    wall0 = frame.mask("wall_0")
    door = frame.mask("door_0")
    assert wall0.any(), "the stump of the cut wall should be visible"
    z = frame.points()[..., 2]
    for m in (wall0, door):
        if m.any():
            assert z[m].max() <= 1.0 + 1e-3
    assert frame.mask("sofa_0").any(), "the room behind the cut wall is visible"


def test_normals_are_unit_world_space_and_face_the_camera(pbr):
    cam = CAMERAS[0]
    frame = pbr.render(SCENE, cam, {"normal", "instance"})
    n = frame["normal"]
    assert n.dtype == np.float32 and n.shape == (cam.height, cam.width, 3)
    hit = frame["instance"] > 0
    assert np.allclose(np.linalg.norm(n[hit], axis=1), 1.0, atol=1e-4)
    _, d = cam.rays()
    assert np.all(np.einsum("ij,ij->i", n.reshape(-1, 3)[hit.ravel()], d[hit.ravel()]) < 1e-6)
    wall2 = frame.mask("wall_2")  # y = 3, facing -y into the room
    assert wall2.any()
    assert np.allclose(n[wall2].mean(axis=0), [0.0, -1.0, 0.0], atol=0.05)


def test_albedo_of_a_plain_surface_is_its_base_colour(pbr):
    from worldsmith.render.scenegeom import scene_geometry

    geom = scene_geometry(SCENE)
    cab = geom.instance_of("cabinet_0")
    looks = {s.look for s in geom.surfaces if s.instance == cab}
    cam = CAMERAS[0]
    frame = pbr.render(SCENE, cam, {"albedo", "instance"})
    a = frame["albedo"]
    assert a.dtype == np.uint8 and a.shape == (cam.height, cam.width, 3)
    assert np.all(a[frame["instance"] == 0] == 0)
    if len(looks) == 1 and next(iter(looks)).texture is None:
        lin = np.asarray(next(iter(looks)).base_color[:3])
        srgb = np.where(lin <= 0.0031308, 12.92 * lin, 1.055 * lin ** (1 / 2.4) - 0.055)
        px = a[frame.mask("cabinet_0")]
        assert np.all(np.abs(px.astype(int) - np.round(srgb * 255)) <= 1)
    floor = a[frame.mask("floor_room_0")].astype(float)
    assert floor.std(axis=0).max() > 3.0, "the oak floor texture shows in the albedo"


def test_lit_room_is_neither_black_nor_blown_out_and_lit_from_the_lamp(pbr):
    scene = small_room(lights=(Light("lamp", "point", (3.4, 1.5, 1.2), watts=60, kelvin=3500),),
                       objects=(_obj("cabinet_0", "cabinet", (2.0, 2.5, 0.0), (0.8, 0.5, 0.9), procedural=False),))
    cam = Camera.look_at("view", (0.3, 1.5, 1.5), (3.8, 1.5, 1.2), width=96, height=72, fov_y_deg=80)
    frame = pbr.render(scene, cam, {"rgb", "instance"}, spp=16, daylight=0.0)
    rgb = frame.rgb.astype(np.float64)
    lum = rgb @ np.array([0.2126, 0.7152, 0.0722])
    assert frame.rgb.dtype == np.uint8 and frame.rgb.shape == (72, 96, 3)
    assert 40.0 < lum.mean() < 220.0
    near = lum[frame.mask("wall_1")].mean()  # x = 4, 0.6 m from the lamp, facing it
    far = lum[frame.mask("wall_0")].mean()  # y = 0, seen at grazing angles, lit sideways
    assert near > far + 10.0


def test_a_scene_without_lights_is_drawn_flat_lit_not_black(pbr):
    scene = small_room(lights=())
    frame = pbr.render(scene, CAMERAS[0], {"rgb", "albedo"}, spp=4, daylight=0.0)
    assert frame.rgb.mean() > 60.0
    brighter = frame["albedo"].astype(int).sum(axis=2) > 300  # light surfaces stay lighter
    darker = frame["albedo"].astype(int).sum(axis=2) < 150
    assert frame.rgb[brighter].mean() > frame.rgb[darker].mean() + 50


def test_a_light_inside_its_fixture_still_lights_the_room(pbr):
    # the point light sits inside the ceiling light's housing: only its emissive parts can carry it
    cam = Camera.look_at("view", (0.4, 0.4, 1.5), (3.0, 2.4, 0.4), width=64, height=48, fov_y_deg=70)
    frame = pbr.render(SCENE, cam, {"rgb", "instance"}, spp=8, daylight=0.0)
    lum = frame.rgb.astype(np.float64) @ np.array([0.2126, 0.7152, 0.0722])
    assert frame.stats["fixture_lights"] == {"light_0": "ceiling_light_0"}
    assert lum[frame.mask("floor_room_0")].mean() > 30.0


def test_same_inputs_same_bytes_and_outputs_do_not_change_rgb(pbr):
    cam = CAMERAS[1]
    a = pbr.render(SCENE, cam, {"rgb"}, spp=SPP, seed=5)
    b = pbr.render(SCENE, cam, {"rgb", "depth", "instance"}, spp=SPP, seed=5)
    assert np.array_equal(a.rgb, b.rgb)
    c = pbr.render(SCENE, cam, {"rgb"}, spp=SPP, seed=6)
    assert not np.array_equal(a.rgb, c.rgb)
    fresh = PBRRenderer().render(SCENE, cam, set(OUTPUTS), spp=SPP, seed=5)
    assert np.array_equal(fresh.rgb, a.rgb)
    assert np.array_equal(fresh["instance"], b["instance"])


def test_large_requests_render_in_passes_deterministically(pbr, monkeypatch):
    import worldsmith.render.pbr as pbr_module

    cam = CAMERAS[1].replace(width=64, height=48)
    whole = pbr.render(SCENE, cam, {"rgb"}, spp=12, seed=2)
    monkeypatch.setattr(pbr_module, "MAX_LANES", 64 * 48 * 5)  # 12 spp -> passes of 4 + 4 + 4
    parts = pbr.render(SCENE, cam, {"rgb"}, spp=12, seed=2)
    again = pbr.render(SCENE, cam, {"rgb"}, spp=12, seed=2)
    assert np.array_equal(parts.rgb, again.rgb)
    assert abs(parts.rgb.astype(float).mean() - whole.rgb.astype(float).mean()) < 3.0


@pytest.mark.parametrize("camera", [CAMERAS[0].replace(width=96, height=60), CAMERAS[2]], ids=lambda c: c.name)
def test_the_sensor_shoots_the_camera_rays(pbr, camera):
    """Mitsuba's sensor (used for rgb) and Camera.rays (used for the ground truth) agree exactly:
    the centre of pixel (row i, column j) is film position ((j + 0.5) / W, (i + 0.5) / H)."""
    import mitsuba as mi

    rows = np.array([0, 10, camera.height - 1, 30, 7])
    cols = np.array([0, 50, camera.width - 1, 13, 71])
    o, d = camera.rays(rows, cols)
    film = mi.Point2f(((cols + 0.5) / camera.width).astype(np.float32),
                      ((rows + 0.5) / camera.height).astype(np.float32))
    ray, _ = pbr._sensor(camera, 1).sample_ray(0.0, 0.5, film, mi.Point2f(0.5, 0.5))
    got_o = np.asarray(ray.o, dtype=np.float64).reshape(3, -1).T
    got_d = np.asarray(ray.d, dtype=np.float64).reshape(3, -1).T
    assert np.abs(got_d - d).max() < 1e-5
    off = got_o - o  # Mitsuba starts the ray at the near plane: an offset along the ray only
    assert np.abs(off - np.einsum("ij,ij->i", off, d)[:, None] * d).max() < 1e-5


def test_rgb_lines_up_with_the_ground_truth(pbr):
    """The sensor matches Camera.K: image edges in rgb and albedo coincide (no half-pixel shift)."""
    cam = Camera.look_at("edges", (0.6, 0.5, 1.4), (2.6, 2.2, 0.6), width=80, height=60, fov_y_deg=60)
    frame = pbr.render(SCENE, cam, {"rgb", "albedo"}, spp=16)
    a = frame["albedo"].astype(float).mean(axis=2)
    b = frame.rgb.astype(float).mean(axis=2)

    def score(dx: int, dy: int) -> float:
        s = np.roll(np.roll(b, dy, 0), dx, 1)
        gx = np.corrcoef(np.abs(np.diff(a, axis=1))[2:-2, 2:-2].ravel(), np.abs(np.diff(s, axis=1))[2:-2, 2:-2].ravel())
        gy = np.corrcoef(np.abs(np.diff(a, axis=0))[2:-2, 2:-2].ravel(), np.abs(np.diff(s, axis=0))[2:-2, 2:-2].ravel())
        return gx[0, 1] + gy[0, 1]

    scores = {(dx, dy): score(dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)}
    assert max(scores, key=scores.get) == (0, 0)


def test_despeckle_clamps_lone_bright_pixels_only():
    img = np.full((9, 9, 3), 0.5, dtype=np.float32)
    img[2, 2] = 40.0  # a firefly
    img[5:7, 5:7] = 40.0  # a 2 x 2 highlight: its neighbours are bright too
    out = despeckle(img)
    assert out[2, 2].max() <= 2.0 * 0.5 + 0.05 + 1e-5
    assert np.array_equal(out[5:7, 5:7], img[5:7, 5:7])
    untouched = np.ones(img.shape[:2], bool)
    untouched[2, 2] = False
    assert np.array_equal(out[untouched], img[untouched])


def test_bad_requests_are_render_errors(pbr):
    pano = CAMERAS[0].replace(projection="equirectangular")
    with pytest.raises(RenderError, match="equirectangular"):
        pbr.render(SCENE, pano, {"rgb"})
    with pytest.raises(RenderError, match="spp"):
        pbr.render(SCENE, CAMERAS[0], {"rgb"}, spp=0)
    everything = CAMERAS[0].replace(hidden=tuple(e["id"] for e in scene_geometry(SCENE).instances[1:]))
    with pytest.raises(RenderError, match="nothing"):
        pbr.render(SCENE, everything, {"depth"})
    assert math.isfinite(pbr.render(SCENE, CAMERAS[0], {"depth"}).stats["exposure"])
