"""Close views: real renders (gl) of a table top and of shelf levels show the container where the surface
is, with what blocks the camera hidden and what stands in the way kept."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw

from worldsmith.dsl import execute
from worldsmith.policy.assets.pointing import normalise
from worldsmith.policy.assets.view import OUTLINE_RGB, object_view, render_view, surface_view
from worldsmith.render import render
from worldsmith.scene import Scene

PROGRAM = """room("study", width=5, depth=4.5)
t = add("dining_table", size=(1.6, 0.9, 0.75))
place(t, at=(2.0, 1.6), yaw=20)
s = add_to_wall("wall_2", "bookshelf", size=(0.9, 0.32, 1.9))
c = add("dining_chair")
place(c, at=(2.5, 3.7), yaw=0)
light("ceiling", at=(2.0, 1.6))
"""
SIZE = (160, 160)


@lru_cache(maxsize=1)
def scene() -> Scene:
    return execute(PROGRAM, Scene(prompt="a study", seed=0), seed=0).scene


def region(view) -> np.ndarray:
    """Pixels inside the surface polygon as projected into the view."""
    cam = view.camera
    pts = normalise(cam, np.c_[np.array(view.polygon), np.full(len(view.polygon), view.z)])
    img = Image.new("L", (cam.width, cam.height), 0)
    ImageDraw.Draw(img).polygon([(x / 100 * cam.width, y / 100 * cam.height) for x, y in pts], fill=1)
    return np.asarray(img).astype(bool)


def test_the_top_view_shows_the_table_top_filling_the_frame():
    sc = scene()
    view = surface_view(sc, "dining_table_0", 0, SIZE)
    assert view.kind == "top" and view.name == "top" and abs(view.z - 0.75) < 1e-9
    frame = render(sc, view.camera, ("instance",), backend="gl")
    inside = region(view)
    table = frame.mask("dining_table_0")
    assert inside.mean() > 0.25  # the top is a large part of the image
    assert table[inside].mean() > 0.97  # and what shows there is the table
    assert table[SIZE[1] // 2, SIZE[0] // 2]
    # looking down at 60 degrees from the table's front (yaw 20: front = (-sin 20, cos 20))
    f = view.camera.forward
    assert abs(np.degrees(np.arcsin(-f[2])) - 60.0) < 1e-6
    assert np.dot(f[:2] / np.linalg.norm(f[:2]), [np.sin(np.radians(20)), -np.cos(np.radians(20))]) > 0.999999
    # framed with the margin: every corner inside the image, none within 5 % of an edge
    pts = normalise(view.camera, np.c_[np.array(view.polygon), np.full(4, view.z)])
    assert np.all((pts > 5.0) & (pts < 95.0))
    assert "ceiling_room_0" in view.camera.hidden


def test_shelf_levels_are_seen_from_the_front_under_the_level_above():
    sc = scene()
    for index in (1, 2):
        view = surface_view(sc, "bookshelf_0", index, SIZE)
        assert view.kind == "shelf"
        frame = render(sc, view.camera, ("instance",), backend="gl")
        inside = region(view)
        assert inside.mean() > 0.02
        assert frame.mask("bookshelf_0")[inside].mean() > 0.95  # the level's board, not the board above
        assert view.camera.forward[2] < 0 and np.degrees(np.arcsin(-view.camera.forward[2])) <= 20.0 + 1e-9


def test_what_blocks_the_camera_is_hidden_and_obstacles_on_the_surface_are_kept():
    sc = scene()
    low = surface_view(sc, "bookshelf_0", 0, SIZE)
    assert "dining_chair_0" in low.camera.hidden  # the chair in front of the bottom level
    frame = render(sc, low.camera, ("instance",), backend="gl")
    assert frame.mask("bookshelf_0")[region(low)].mean() > 0.95
    # a vase standing on the table top stays in its view (the model must see it)
    with_vase = execute('v = add("vase", on="dining_table_0")\nplace(v, at=(2.0, 1.6))\n'
                        'p = add("potted_plant")\nplace(p, at=(2.0, 0.45))\n', sc, 0).scene
    top = surface_view(with_vase, "dining_table_0", 0, SIZE)
    assert "vase_0" not in top.camera.hidden
    assert "vase_0" in render(with_vase, top.camera, ("instance",), backend="gl").visible_ids()


def test_render_view_draws_the_allowed_area_and_the_object_view_frames_the_whole_shelf():
    sc = scene()
    view = surface_view(sc, "dining_table_0", 0, SIZE)
    img = render_view(sc, view.camera, view.polygon, view.z, marks=[(50.0, 50.0, True)])
    assert img.shape == (SIZE[1], SIZE[0], 3) and img.dtype == np.uint8
    assert np.all(img == OUTLINE_RGB, axis=-1).sum() > 100
    cam = object_view(sc, "bookshelf_0", SIZE)
    frame = render(sc, cam, ("instance",), backend="gl")
    ys, xs = np.nonzero(frame.mask("bookshelf_0"))
    assert ys.min() > 0 and ys.max() < SIZE[1] - 1 and xs.min() > 0 and xs.max() < SIZE[0] - 1  # all in view
    assert (ys.max() - ys.min()) > 0.7 * SIZE[1]  # and large


def test_offline_plans_write_their_views_with_the_points_marked_when_asked(tmp_path):
    from worldsmith.policy.assets import AssetPolicy
    from worldsmith.policy.assets.view import ACCEPTED_RGB

    sc = scene()
    plan = AssetPolicy(view_size=SIZE, views_dir=tmp_path / "views").plan(sc, "dining_table_0", seed=0,
                                                                           request=[{"category": "vase", "count": 2}])
    assert [it["category"] for it in plan.items] == ["vase", "vase"]
    assert plan.views == [str(tmp_path / "views" / "dining_table_0_s0.png")]
    img = np.asarray(Image.open(plan.views[0]).convert("RGB"))
    assert img.shape == (SIZE[1], SIZE[0], 3)
    assert np.all(img == ACCEPTED_RGB, axis=-1).sum() > 10  # the two points, marked green
    assert np.all(img == OUTLINE_RGB, axis=-1).sum() > 100
