"""The scene data model: the middle layer every other layer builds on.

Imports only the standard library, numpy and shapely (a test enforces it).
"""

from .codec import SCHEMA_VERSION, SUPPORTED_VERSIONS, dumps, load, loads, save, scene_from_dict, scene_to_dict
from .errors import SceneValidationError, SchemaError, WorldsmithError
from .geometry import footprint, front_direction, yaw_facing
from .model import (
    AssetRef,
    Attributes,
    FrozenDict,
    Light,
    MaterialChoice,
    ObjectInstance,
    Opening,
    Room,
    Scene,
    Wall,
)

__all__ = [
    "SCHEMA_VERSION", "SUPPORTED_VERSIONS", "AssetRef", "Attributes", "FrozenDict", "Light", "MaterialChoice", "ObjectInstance",
    "Opening", "Room", "Scene", "SceneValidationError", "SchemaError", "Wall", "WorldsmithError", "dumps",
    "footprint", "front_direction", "load", "loads", "save", "scene_from_dict", "scene_to_dict", "yaw_facing",
]
