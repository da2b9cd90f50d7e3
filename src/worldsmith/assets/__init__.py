"""Assets: the category catalog, procedural generators, support surfaces, room-shell geometry.

Importing this package registers every procedural generator (``build.GENERATORS``) and its support
surfaces (``surfaces.SURFACES``).
"""

from . import catalog
from .build import build_object_parts, is_fallback, make_asset, object_mesh_local, object_mesh_world, object_transform
from .parts import Part
from . import procedural  # registers the generators and their surfaces
from .procedural import sample_params
from .shell import build_room_shell
from .surfaces import Surface, support_surfaces

__all__ = ["Part", "Surface", "build_object_parts", "build_room_shell", "catalog", "is_fallback", "make_asset",
           "object_mesh_local", "object_mesh_world", "object_transform", "procedural", "sample_params",
           "support_surfaces"]
