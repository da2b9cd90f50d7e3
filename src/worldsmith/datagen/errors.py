"""The datagen error type."""

from __future__ import annotations

from ..scene import WorldsmithError


class DatagenError(WorldsmithError):
    """Bad datagen input (job spec, output folder, prompts) or a dataset that cannot be read."""
