"""Cheap relighting in the gl backend and the daylight colour temperature option.

A scene that differs from the one prepared last only in its lights, or a render with another
daylight level or colour temperature, keeps the uploaded geometry and textures and redoes only the
lights; its images must be exactly those of a fresh renderer."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

pytest.importorskip("moderngl")

from worldsmith.pipeline.generate import run_planner  # noqa: E402
from worldsmith.render.camera import Camera  # noqa: E402
from worldsmith.render.gl import GLRenderer  # noqa: E402
from worldsmith.render.lighting import DAYLIGHT_KELVIN, daylight_rgb, scene_lights  # noqa: E402
from worldsmith.scene import Light  # noqa: E402

OUTPUTS = {"rgb", "depth", "instance", "semantic", "normal"}


@pytest.fixture(scope="module")
def scene():
    """A planner bedroom (two windows, a ceiling light, two table lamps)."""
    episode, _ = run_planner("offline", "a cozy bedroom", 1)
    return episode.scene


@pytest.fixture(scope="module")
def camera(scene):
    room = scene.rooms[0]
    xs, ys = zip(*room.polygon)
    return Camera.look_at("view", (min(xs) + 0.4, min(ys) + 0.4, 1.5), (max(xs) - 0.5, max(ys) - 0.5, 0.6),
                          width=120, height=90, fov_y_deg=70)


def _relit(scene):
    lights = tuple(dataclasses.replace(light, watts=None, lumens=light.lumens_value * 1.7, kelvin=5200.0, rgb=None)
                   for light in scene.lights)
    extra = Light("light_extra", "spot", (1.0, 1.0, 2.5), lumens=900.0, kelvin=3000.0, direction=(0.3, 0.2, -1.0))
    return dataclasses.replace(scene, lights=lights + (extra,))


def _same(a, b):
    assert sorted(a.images) == sorted(b.images)
    for name in a.images:
        assert np.array_equal(a.images[name], b.images[name]), name


def test_relit_scene_renders_exactly_as_a_fresh_renderer(scene, camera):
    cached = GLRenderer()
    first = cached.render(scene, camera, OUTPUTS)
    assert first.stats["relit"] is False
    relit_scene = _relit(scene)
    assert relit_scene.objects is scene.objects and relit_scene.rooms is scene.rooms
    relit = cached.render(relit_scene, camera, OUTPUTS)
    assert relit.stats["relit"] is True and cached.relights == 1
    fresh = GLRenderer().render(relit_scene, camera, OUTPUTS)
    assert fresh.stats["relit"] is False
    _same(relit, fresh)
    # the relight did change the picture, and the ground truth stayed put
    assert not np.array_equal(relit.rgb, first.rgb)
    for name in ("depth", "instance", "semantic", "normal"):
        assert np.array_equal(relit.images[name], first.images[name]), name
    # back to the first lights: the first picture again
    _same(cached.render(scene, camera, OUTPUTS), first)


@pytest.mark.parametrize("daylight,kelvin", [(2.5, 3000.0), (0.0, DAYLIGHT_KELVIN), (1.0, 9000.0)])
def test_daylight_changes_relight_exactly_as_a_fresh_renderer(scene, camera, daylight, kelvin):
    cached = GLRenderer()
    cached.render(scene, camera, {"rgb"})
    relit = cached.render(scene, camera, OUTPUTS, daylight=daylight, daylight_kelvin=kelvin)
    assert relit.stats["relit"] is True
    _same(relit, GLRenderer().render(scene, camera, OUTPUTS, daylight=daylight, daylight_kelvin=kelvin))


def test_other_objects_are_uploaded_again(scene, camera):
    cached = GLRenderer()
    cached.render(scene, camera, {"rgb"})
    moved = dataclasses.replace(scene, objects=scene.objects[:-1])  # the last one holds nothing
    frame = cached.render(moved, camera, OUTPUTS)
    assert frame.stats["relit"] is False and cached.relights == 0
    _same(frame, GLRenderer().render(moved, camera, OUTPUTS))
    # an equal but rebuilt object list counts as the same geometry
    copy = dataclasses.replace(moved, objects=tuple(dataclasses.replace(o) for o in moved.objects))
    assert copy.objects is not moved.objects
    assert cached.render(copy, camera, {"rgb"}).stats["relit"] is True


def test_daylight_kelvin_colours_the_window_lights_only(scene):
    default = scene_lights(scene, daylight=1.0)
    warm = scene_lights(scene, daylight=1.0, daylight_kelvin=3000.0)
    assert [s.id for s in default] == [s.id for s in warm]
    windows = [s for s in warm if s.daylight]
    assert len(windows) == 2
    for a, b in zip(default, warm):
        if a.daylight:
            assert a.color == daylight_rgb(DAYLIGHT_KELVIN) and b.color == daylight_rgb(3000.0)
            assert b.color[0] == 1.0 and b.color[2] < 0.6 * a.color[2]  # warm: red-heavy, little blue
            assert b.lumens == a.lumens
        else:
            assert a == b
    assert scene_lights(scene) == scene_lights(scene, daylight=1.0, daylight_kelvin=DAYLIGHT_KELVIN)


def test_warm_daylight_warms_the_picture(scene, camera):
    r = GLRenderer()
    dark = dataclasses.replace(scene, lights=())  # daylight only
    cool = r.render(dark, camera, {"rgb"}, daylight=2.0, daylight_kelvin=6500.0).rgb.astype(float)
    warm = r.render(dark, camera, {"rgb"}, daylight=2.0, daylight_kelvin=2800.0).rgb.astype(float)

    def red_over_blue(img):
        return img[..., 0].mean() / max(img[..., 2].mean(), 1e-6)

    assert red_over_blue(warm) > red_over_blue(cool) * 1.15


def test_pbr_takes_the_daylight_colour_temperature(scene, camera):
    pytest.importorskip("mitsuba")
    from worldsmith.render import get_renderer

    r = get_renderer("pbr")
    dark = dataclasses.replace(scene, lights=())  # daylight only: window panels and the sky
    small = dataclasses.replace(camera, width=48, height=36)
    default = r.render(dark, small, {"rgb"}, spp=4, daylight=2.0)
    explicit = r.render(dark, small, {"rgb"}, spp=4, daylight=2.0, daylight_kelvin=DAYLIGHT_KELVIN)
    warm = r.render(dark, small, {"rgb"}, spp=4, daylight=2.0, daylight_kelvin=2800.0)
    assert np.array_equal(default.rgb, explicit.rgb)  # the default is the old 6500 K sky
    assert warm.stats["daylight_kelvin"] == 2800.0

    def red_over_blue(img):
        return img[..., 0].astype(float).mean() / max(img[..., 2].astype(float).mean(), 1e-6)

    assert red_over_blue(warm.rgb) > 1.5 * red_over_blue(default.rgb)
