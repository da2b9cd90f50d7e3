"""Errors of the materials layer (all :class:`~worldsmith.scene.errors.WorldsmithError`)."""

from __future__ import annotations

from ..scene.errors import WorldsmithError


class MaterialError(WorldsmithError):
    """A material library problem: bad library data, an unknown material, a bad texture folder."""


class UnknownMaterialError(MaterialError, KeyError):
    """No library material has this name."""

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0]) if self.args else ""


class TextureFolderError(MaterialError, ValueError):
    """A user texture folder is missing, unreadable or holds no ``<Name>_Color`` maps."""
