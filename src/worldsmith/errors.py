"""The package's error hierarchy (defined in the scene layer, which may import nothing else)."""

from .scene.errors import SceneValidationError, SchemaError, WorldsmithError

__all__ = ["SceneValidationError", "SchemaError", "WorldsmithError"]
