"""Assets: the category catalog, procedural generators, room-shell geometry."""

from . import catalog
from .build import build_object_parts, is_fallback, make_asset, object_mesh_local, object_mesh_world, object_transform
from .parts import Part

__all__ = ["Part", "build_object_parts", "catalog", "is_fallback", "make_asset", "object_mesh_local",
           "object_mesh_world", "object_transform"]
