"""Display transform shared by the backends: exposure-scaled radiance -> tone map -> sRGB bytes.

The tone curve is the fitted ACES approximation by Narkowicz (2015),
``y = x (2.51 x + 0.03) / (x (2.43 x + 0.59) + 0.14)`` clipped to [0, 1], then the sRGB transfer
function. The ``gl`` shaders implement the same formulas in GLSL (``glsl.py``), so both backends
map the same radiance to the same pixel value.
"""

from __future__ import annotations

import numpy as np


def tonemap(x: np.ndarray) -> np.ndarray:
    """ACES-fitted tone curve of linear, exposure-scaled values (any shape), in [0, 1]."""
    x = np.maximum(np.asarray(x, dtype=np.float64), 0.0)
    return np.clip((x * (2.51 * x + 0.03)) / (x * (2.43 * x + 0.59) + 0.14), 0.0, 1.0)


def to_display(radiance: np.ndarray, exposure: float) -> np.ndarray:
    """uint8 sRGB image of linear radiance times ``exposure``."""
    from ..materials.colors import linear_to_srgb_array

    encoded = linear_to_srgb_array(tonemap(np.asarray(radiance) * exposure), dtype=np.float64)
    return np.round(encoded * 255.0).astype(np.uint8)
