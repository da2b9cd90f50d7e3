"""Fixtures of the render tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def gl():
    """The gl renderer. It must load (CI installs Mesa EGL): a missing backend fails the tests that
    need it instead of skipping them, so a broken renderer never passes unnoticed."""
    from worldsmith.render import get_renderer
    from worldsmith.render.errors import RendererUnavailableError

    try:
        return get_renderer("gl")
    except RendererUnavailableError as exc:  # pragma: no cover - CI installs Mesa EGL
        pytest.fail(f"the gl backend must load: {exc}")
