"""Procedural generators. Each module registers its builder with :func:`worldsmith.assets.build.register`."""

from __future__ import annotations

import numpy as np


def sample_params(generator: str, category: str, rng: np.random.Generator) -> dict:
    """Sampled parameters (JSON values) for ``generator`` used as ``category``."""
    return {}
