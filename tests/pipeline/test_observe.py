"""Observation renders: files of the configured views and size, and text-only when rendering fails."""

from __future__ import annotations

import logging

import pytest
from PIL import Image

from worldsmith.dsl import execute
from worldsmith.pipeline.observe import RenderObserver
from worldsmith.scene import Scene, WorldsmithError

ROOM = 'room("r", width=4, depth=3)\ns = add("sofa")\nplace(s, against="wall_2")\n'


def _scene() -> Scene:
    return execute(ROOM, Scene(prompt="p", seed=0), seed=0).scene


def test_views_are_written_at_the_asked_size_and_named_by_step(tmp_path):
    obs = RenderObserver(tmp_path, ("perspective", "corner"), size=(160, 120))
    paths = obs.observe(_scene(), 4)
    assert paths == ("observations/step_004_perspective.png", "observations/step_004_corner.png")
    for p in paths:
        assert Image.open(tmp_path / p).size == (160, 120)
    assert obs.observe(Scene(prompt="p"), 5) == ()  # no room yet: nothing to look at


def test_a_render_failure_gives_text_only_observations_and_one_warning(tmp_path, caplog):
    obs = RenderObserver(tmp_path, ("topdown",), backend="no-such-renderer")
    with caplog.at_level(logging.WARNING):
        assert obs.observe(_scene(), 0) == ()
        assert obs.observe(_scene(), 1) == ()
    assert obs.failed and "no-such-renderer" in obs.failed
    assert sum("text-only" in r.message for r in caplog.records) == 1


def test_unknown_views_and_sizes_are_refused():
    with pytest.raises(WorldsmithError, match="unknown observation view 'side'"):
        RenderObserver(".", ("topdown", "side"))
    with pytest.raises(WorldsmithError, match="16..4096"):
        RenderObserver(".", size=(8, 8))
