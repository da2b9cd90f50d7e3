"""Errors of the render layer (all under :class:`worldsmith.scene.errors.WorldsmithError`)."""

from __future__ import annotations

from ..scene.errors import WorldsmithError


class RenderError(WorldsmithError):
    """A render request cannot be carried out: bad camera, unknown output, nothing to draw."""


class RendererUnavailableError(RenderError):
    """A requested backend could not load (a missing optional extra, or no OpenGL/EGL driver)."""
