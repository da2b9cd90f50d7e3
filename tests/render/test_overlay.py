"""The top-down VLM overlay: what is drawn where, checked at pixels found by projecting world points
with the camera (grid lines, border coordinates, object ids, front arrows, wall ids)."""

from __future__ import annotations

import numpy as np
import pytest

from worldsmith.render import cameras
from worldsmith.render.errors import RenderError, RendererUnavailableError
from worldsmith.render.frame import Frame
from worldsmith.render.overlay import draw_topdown_overlay, grid_steps, overlay_layout
from worldsmith.scene import AssetRef, ObjectInstance, Opening, Room, Scene

GREY = 128
T = 0.12


def obj(oid: str, cat: str, pos, size, yaw: float = 0.0, support: str = "floor") -> ObjectInstance:
    return ObjectInstance(id=oid, category=cat, asset=AssetRef("fallback", cat), position=pos, size=size,
                          yaw_deg=yaw, support=support)


@pytest.fixture(scope="module")
def scene() -> Scene:
    room = Room("room_0", "living room", [(0, 0), (5, 0), (5, 4), (0, 4)], 2.7, wall_thickness=T, openings=(
        Opening("door_0", "door", "wall_0", 0.4, 0.9, 2.1),
        Opening("window_0", "window", "wall_2", 1.8, 1.4, 1.2, sill=0.9),
    ))
    return Scene(rooms=(room,), objects=(
        obj("sofa_0", "sofa", (2.6, 3.45, 0.0), (2.0, 0.9, 0.8), yaw=180.0),
        obj("coffee_table_0", "coffee_table", (2.6, 2.2, 0.0), (1.0, 0.6, 0.45)),
        obj("armchair_0", "armchair", (0.7, 2.2, 0.0), (0.8, 0.8, 0.9), yaw=270.0),
        obj("bookshelf_0", "bookshelf", (4.78, 2.4, 0.0), (0.9, 0.35, 1.9), yaw=90.0),
        obj("vase_0", "vase", (2.4, 2.2, 0.45), (0.15, 0.15, 0.3), support="object:coffee_table_0"),
        obj("painting_0", "painting", (1.0, 3.98, 1.3), (0.9, 0.04, 0.6), yaw=180.0, support="wall:wall_2"),
    ))


@pytest.fixture(scope="module")
def cam(scene):
    return cameras.topdown(scene, width=480)


@pytest.fixture(scope="module")
def grey(cam) -> np.ndarray:
    return np.full((cam.height, cam.width, 3), GREY, np.uint8)


@pytest.fixture(scope="module")
def drawn(grey, scene, cam) -> np.ndarray:
    return draw_topdown_overlay(grey, scene, cam)


def at(img: np.ndarray, layout, x: float, y: float, z: float = 0.0) -> np.ndarray:
    u, v = layout.world_to_pixel(x, y, z)
    return img[int(round(v)), int(round(u))].astype(int)


def patch(img: np.ndarray, layout, x: float, y: float, r: int = 4) -> np.ndarray:
    u, v = layout.world_to_pixel(x, y)
    u, v = int(round(u)), int(round(v))
    return img[v - r:v + r + 1, u - r:u + r + 1].astype(int)


def test_canvas_is_the_render_plus_margins(drawn, cam):
    L = overlay_layout(cam)
    assert drawn.dtype == np.uint8 and drawn.shape == (cam.height + L.top + L.bottom, cam.width + L.left + L.right, 3)
    assert (drawn.shape[1], drawn.shape[0]) == L.size
    assert min(L.left, L.top, L.right, L.bottom) > L.font_px
    # the margin is white where nothing is drawn (the corners)
    assert np.all(drawn[-1, L.left // 2] == 255)


def test_world_to_pixel_is_the_camera_projection_shifted(cam):
    L = overlay_layout(cam)
    uv, _ = cam.project(np.array([[1.3, 2.7, 0.0]]))
    assert L.world_to_pixel(1.3, 2.7) == pytest.approx((uv[0, 0] + L.left, uv[0, 1] + L.top))


def test_grid_lines_on_metres_and_half_metres_and_nothing_between(drawn, cam):
    L = overlay_layout(cam)
    assert (L.major_m, L.minor_m) == (1.0, 0.5)
    empty_y = 1.25  # a band with no furniture or labels
    major, minor, blank = at(drawn, L, 2.0, empty_y), at(drawn, L, 1.5, empty_y), at(drawn, L, 1.75, empty_y)
    assert np.all(blank == GREY)
    assert np.all(major < GREY - 20) and np.all(major > 40)  # light: the render shows through
    assert np.all(minor < GREY - 5) and np.all(minor > major)
    horizontal = at(drawn, L, 1.75, 1.0)
    assert np.all(horizontal < GREY - 20)


def test_border_coordinates_of_every_major_line(drawn, cam):
    L = overlay_layout(cam)
    x0, y0 = cam.meta["world_min"]
    x1, y1 = cam.meta["world_max"]
    bottom_text = drawn[L.top + cam.height + 6:, :]
    left_text = drawn[:, :L.left - 5]
    for x in range(int(np.ceil(x0)), int(np.floor(x1)) + 1):
        u = int(round(L.world_to_pixel(x, 0.0)[0]))
        assert bottom_text[:, u - 4:u + 5].min() < 90, x
        assert drawn[:L.top - 5, u - 4:u + 5].min() < 90, x
    for y in range(int(np.ceil(y0)), int(np.floor(y1)) + 1):
        v = int(round(L.world_to_pixel(0.0, y)[1]))
        assert left_text[v - 3:v + 4, :].min() < 90, y
        assert drawn[v - 3:v + 4, L.left + cam.width + 5:].min() < 90, y
    # between two ticks the bottom margin is blank
    u = int(round(L.world_to_pixel(2.5, 0.0)[0]))
    assert bottom_text[:, u - 2:u + 3].min() == 255


def test_object_ids_sit_at_their_centres(drawn, scene, cam):
    L = overlay_layout(cam)
    for oid in ("sofa_0", "coffee_table_0", "armchair_0", "bookshelf_0"):
        o = scene.object(oid)
        p = patch(drawn, L, o.position[0], o.position[1], r=6)
        assert p.max() > 215, oid  # the white label box
        assert p.min() < 90, oid  # the dark text on it


def test_front_arrows_point_along_local_y(drawn, scene, cam):
    L = overlay_layout(cam)
    # sofa_0 turned 180: its front faces -y; the arrow ends at its front edge (y = 3.0)
    tip = at(drawn, L, 2.6, 3.05)
    assert tip[0] > tip[1] + 40 and tip[0] > tip[2] + 80  # orange
    back = at(drawn, L, 2.6, 3.85)
    assert not (back[0] > back[1] + 40 and back[0] > back[2] + 80)
    # armchair_0 turned 270: front faces +x
    tip = at(drawn, L, 0.7 + 0.36, 2.2)
    assert tip[0] > tip[1] + 40 and tip[0] > tip[2] + 80


def test_wall_ids_outside_their_walls(drawn, scene, cam):
    L = overlay_layout(cam)
    for wall in scene.walls:
        mid = np.asarray(wall.point_at(wall.length / 2.0))
        n = np.asarray(wall.normal)
        inside = patch(drawn, L, *(mid + n * 0.3), r=3)
        outside = [patch(drawn, L, *(mid - n * (T + d)), r=3).min() for d in (0.05, 0.1, 0.15, 0.2, 0.25)]
        assert min(outside) < 110, wall.id  # the label's text, beyond the wall's outer face
        assert inside.min() >= 40, wall.id


def test_hidden_objects_are_not_labelled(grey, scene, cam):
    L = overlay_layout(cam)
    from worldsmith.render.scenegeom import scene_geometry

    table = scene_geometry(scene).instances
    inst = np.zeros((cam.height, cam.width), np.int32)
    # every object visible except the sofa
    for i, e in enumerate(table):
        if e["kind"] == "object" and e["id"] != "sofa_0":
            inst[i, :4] = i
    frame = Frame(cam, {"instance": inst}, table, ["background"], backend="test")
    out = draw_topdown_overlay(grey, scene, cam, frame=frame)
    sofa = patch(out, L, 2.9, 3.45, r=5)  # beside the grid line through its centre
    assert sofa.max() <= GREY
    assert patch(out, L, 2.6, 2.2, r=6).max() > 215  # the table is still labelled


def test_deterministic_bytes(grey, scene, cam, drawn):
    again = draw_topdown_overlay(grey, scene, cam)
    assert again.tobytes() == drawn.tobytes()


def test_grid_steps_follow_the_scale():
    assert grid_steps(100.0) == (1.0, 0.5)
    assert grid_steps(60.0) == (1.0, 0.5)
    assert grid_steps(40.0) == (1.0, None)
    assert grid_steps(30.0) == (2.0, 1.0)
    assert grid_steps(10.0) == (5.0, 2.5)


def test_refuses_other_cameras_and_sizes(grey, scene, cam):
    persp = cameras.auto_perspective(scene, width=32, height=24)
    with pytest.raises(RenderError, match="top-down"):
        draw_topdown_overlay(np.zeros((24, 32, 3), np.uint8), scene, persp)
    with pytest.raises(RenderError, match="size"):
        draw_topdown_overlay(grey[:-1], scene, cam)
    with pytest.raises(RenderError, match="uint8"):
        draw_topdown_overlay(grey.astype(np.float32), scene, cam)


def test_overlay_on_a_gl_render(scene):
    from worldsmith.render import get_renderer

    try:
        gl = get_renderer("gl")
    except RendererUnavailableError as exc:
        pytest.skip(f"gl backend unavailable: {exc}")
    cam = cameras.topdown(scene, width=240)
    frame = gl.render(scene, cam, {"rgb", "instance"})
    out = draw_topdown_overlay(frame.rgb, scene, cam, frame=frame)
    L = overlay_layout(cam)
    raw = np.zeros_like(out)
    raw[L.top:L.top + cam.height, L.left:L.left + cam.width] = frame.rgb
    for oid in ("sofa_0", "coffee_table_0", "armchair_0", "bookshelf_0"):
        o = scene.object(oid)
        a, b = patch(out, L, o.position[0], o.position[1], r=4), patch(raw, L, o.position[0], o.position[1], r=4)
        assert np.abs(a - b).max() > 60, oid
    # far from every drawing the render is untouched
    assert np.array_equal(patch(out, L, 1.75, 1.25, r=2), patch(raw, L, 1.75, 1.25, r=2))
