"""Scene metrics: physical plausibility (:func:`validate`: collisions, out-of-bounds objects,
blocked openings, unsupported objects)."""

from .validate import (
    BlockedOpening,
    Collision,
    OutOfBounds,
    Unsupported,
    ValidationConfig,
    ValidationReport,
    validate,
)

__all__ = [
    "BlockedOpening", "Collision", "OutOfBounds", "Unsupported", "ValidationConfig", "ValidationReport",
    "validate",
]
