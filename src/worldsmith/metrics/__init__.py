"""Scene metrics (docs/metrics.md lists every definition and threshold).

- :func:`validate`: physical plausibility (collisions, out-of-bounds objects, blocked openings,
  unsupported objects);
- :mod:`.navigability`: ``evaluate_navigability`` (largest free component, doors in it),
  ``accessibility`` (access fronts reach the walkable area), and the solver's ``navigability_report``;
- :mod:`.stability`: MuJoCo settle (movable objects stay put under gravity);
- :mod:`.fidelity`: prompt fidelity (requirements checked geometrically) and suite expectations;
- :mod:`.richness`: richness of a scene and layout diversity across seeds;
- :mod:`.clip`: an optional CLIP score of renders against the prompt (a local checkpoint).

Only the validator is imported here; the others load their heavy dependencies (mujoco,
transformers) when called.
"""

from .validate import (
    PROBLEM_KEYS,
    BlockedOpening,
    Collision,
    OutOfBounds,
    Unsupported,
    ValidationConfig,
    ValidationReport,
    validate,
)

__all__ = [
    "PROBLEM_KEYS", "BlockedOpening", "Collision", "OutOfBounds", "Unsupported", "ValidationConfig", "ValidationReport",
    "validate",
]
