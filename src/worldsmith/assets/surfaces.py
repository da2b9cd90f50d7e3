"""Support surfaces: where small objects can stand on an object.

A :class:`Surface` is a horizontal polygon in the object's local frame (origin at the bottom centre,
front +Y, before yaw), ``z`` metres above the object's bottom. Procedural generators register a
function computing their surfaces from the same params and size the builder uses, so the surfaces
lie on the mesh (table tops, every shelf level, cabinet tops, the duvet of a bed, each seat cushion of
a sofa, a chair's seat). Anything else (fallback boxes, meshes) offers its top face.

Surfaces are numbered from 0 in the order given (shelves bottom to top); the index is what
``support = "object:<id>#<index>"`` refers to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..scene import ObjectInstance
from ..scene.geometry import signed_area

Point2 = tuple[float, float]


@dataclass(frozen=True)
class Surface:
    """A horizontal support area of an object.

    ``clearance_m`` is the free height above it (the shelf above, minus its thickness), or None when
    nothing of the object is overhead. ``name`` says which part it is ("top", "shelf_2", "seat_0").
    """

    index: int
    z: float
    polygon: tuple[Point2, ...]
    name: str = "top"
    clearance_m: float | None = None

    @property
    def area(self) -> float:
        return abs(signed_area(self.polygon))

    @property
    def centroid(self) -> Point2:
        xs = [p[0] for p in self.polygon]
        ys = [p[1] for p in self.polygon]
        return (sum(xs) / len(xs), sum(ys) / len(ys))


#: generator name -> (params dict, size) -> surfaces (filled by register_generator)
SurfaceFn = Callable[[dict, tuple[float, float, float]], list[Surface]]
SURFACES: dict[str, SurfaceFn] = {}


def rect(x0: float, y0: float, x1: float, y1: float) -> tuple[Point2, ...]:
    """Counter-clockwise rectangle polygon."""
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def top_surface(size: tuple[float, float, float]) -> list[Surface]:
    w, d, h = size
    return [Surface(0, float(h), rect(-w / 2.0, -d / 2.0, w / 2.0, d / 2.0), "top", None)]


def support_surfaces(obj: ObjectInstance) -> list[Surface]:
    """Support surfaces of ``obj`` in its local frame (before yaw; z above the object's bottom), in
    index order."""
    size = tuple(float(v) for v in obj.size)
    fn = SURFACES.get(obj.asset.name) if obj.asset.source == "procedural" else None
    if fn is None:
        return top_surface(size)  # type: ignore[arg-type]
    return fn(dict(obj.asset.params), size)  # type: ignore[arg-type]
