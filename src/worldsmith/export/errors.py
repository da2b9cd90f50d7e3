"""Errors of the export layer (all under :class:`worldsmith.scene.errors.WorldsmithError`)."""

from __future__ import annotations

from ..scene.errors import WorldsmithError


class ExportError(WorldsmithError):
    """A scene could not be written to, or read back from, an interchange format."""


class UnknownFormatError(ExportError, ValueError):
    """The requested export format is not registered; the message lists the known ones."""

    def __init__(self, fmt: object, known: list[str], what: str = "export"):
        self.format = fmt
        self.known = known
        super().__init__(f"unknown {what} format {fmt!r}: expected one of {', '.join(known)}")


class ExporterUnavailableError(ExportError):
    """A registered exporter could not be loaded (usually a missing optional extra)."""
