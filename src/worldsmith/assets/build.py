"""Object geometry: from an ObjectInstance to mesh parts, in the object's local or the world frame.

Every object's mesh is built by its generator (``asset.source == "procedural"``), from a user
library's normalized mesh (``asset.source == "library"``, see ``library.py``) or as a labelled
fallback box, then scaled so its bounding box is exactly ``obj.size``: the scene's numbers are the
truth, the generator supplies the shape.
"""

from __future__ import annotations

import logging
import math
from typing import Callable

import numpy as np
import trimesh

from ..scene import AssetRef, ObjectInstance
from . import catalog
from .parts import Part

log = logging.getLogger(__name__)

#: generator name -> (params dict, size) -> parts in the local frame (filled by register_generator)
Builder = Callable[[dict, tuple[float, float, float]], list[Part]]
GENERATORS: dict[str, Builder] = {}


def fallback_parts(size: tuple[float, float, float]) -> list[Part]:
    """A single box with the object's size, for categories without a generator (labelled as
    fallback in reports)."""
    w, d, h = size
    box = trimesh.creation.box(extents=(w, d, h))
    box.apply_translation((0.0, 0.0, h / 2.0))
    return [Part("body", box, "light grey plastic")]


def build_object_parts(obj: ObjectInstance) -> list[Part]:
    """Parts of ``obj`` in its local frame (origin at bottom centre, front +Y), fitted to
    ``obj.size``. A procedural generator that cannot build ``obj.size`` (a ``ValueError``: the
    size is outside what its proportions can fill, e.g. a sofa 5 cm deep, which the DSL accepts)
    gives a fallback box of that size, with a warning, so validation, rendering and export never
    fail on a legal program."""
    if obj.asset.source == "library":
        return fit_parts(_library_parts(obj), obj.size)
    builder = GENERATORS.get(obj.asset.name) if obj.asset.source == "procedural" else None
    parts = None
    if builder:
        try:
            parts = builder(dict(obj.asset.params), obj.size)
        except ValueError as exc:  # a size the generator's proportions cannot fill (a sofa 5 cm deep)
            log.warning("object %s: the %s generator cannot build size %s (%s); drawing a fallback box",
                        obj.id, obj.asset.name, "x".join(f"{v:g}" for v in obj.size), exc)
    return fit_parts(parts if parts is not None else fallback_parts(obj.size), obj.size)


def _library_parts(obj: ObjectInstance) -> list[Part]:
    """The normalized, cached mesh of a user-library asset (``asset.name`` = "<library>/<id>"),
    per-material parts; a fallback box (with a warning) when the library or asset is not
    registered on this machine or its mesh cannot be read."""
    from ..scene.errors import WorldsmithError
    from .library import library_parts

    try:
        return library_parts(obj.asset.name)
    except WorldsmithError as exc:
        log.warning("object %s: library asset %r unavailable (%s); drawing a fallback box", obj.id, obj.asset.name, exc)
        return fallback_parts(obj.size)


def fit_parts(parts: list[Part], size: tuple[float, float, float]) -> list[Part]:
    """Scale and shift parts so their joint bounding box is centred on the origin in XY, starts at
    z = 0, and measures exactly ``size``."""
    lo = np.min([p.mesh.bounds[0] for p in parts], axis=0)
    hi = np.max([p.mesh.bounds[1] for p in parts], axis=0)
    extent = np.maximum(hi - lo, 1e-9)
    scale = np.asarray(size, dtype=float) / extent
    shift = -np.array([(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0, lo[2]])
    m = np.diag([scale[0], scale[1], scale[2], 1.0])
    m[:3, 3] = shift * scale
    out = []
    for p in parts:
        mesh = p.mesh.copy()
        mesh.apply_transform(m)
        out.append(Part(p.name, mesh, p.material))
    return out


def object_transform(obj: ObjectInstance) -> np.ndarray:
    """4x4 local-to-world matrix: turn by yaw about Z, then move to the position."""
    t = math.radians(obj.yaw_deg)
    c, s = math.cos(t), math.sin(t)
    m = np.eye(4)
    m[:2, :2] = [[c, -s], [s, c]]
    m[:3, 3] = obj.position
    return m


def object_mesh_local(obj: ObjectInstance) -> trimesh.Trimesh:
    return trimesh.util.concatenate([p.mesh for p in build_object_parts(obj)])


def object_mesh_world(obj: ObjectInstance) -> trimesh.Trimesh:
    mesh = object_mesh_local(obj)
    mesh.apply_transform(object_transform(obj))
    return mesh


def is_fallback(obj: ObjectInstance) -> bool:
    return obj.asset.source == "fallback" or (obj.asset.source == "procedural" and obj.asset.name not in GENERATORS)


def make_asset(category: str, rng: np.random.Generator,
               size: tuple[float, float, float] | None = None) -> tuple[AssetRef, tuple[float, float, float]]:
    """Choose an asset for ``category``: its generator with sampled params when it has one, else a
    fallback box. Returns the reference and the object's size (the given one, or the typical size)."""
    info = catalog.get(category)
    final = tuple(float(v) for v in (size or info.size_typical))
    if info.generator and info.generator in GENERATORS:
        from .procedural import sample_params

        return AssetRef("procedural", info.generator, sample_params(info.generator, category, rng, final)), final
    return AssetRef("fallback", category), final
