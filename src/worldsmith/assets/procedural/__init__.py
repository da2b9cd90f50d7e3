"""Procedural generators (importing this package registers them all).

A generator module ``xxx`` holds an ``XxxParams`` frozen dataclass (every field has a default, units
in the names), ``sample_xxx_params(rng, size, category)``, a pure ``build_xxx(params, size)`` that
builds at the given size (the fit in ``build.py`` only nudges) and ``xxx_surfaces(params, size)``,
all registered by one ``register_generator`` call (a module may register several generators).
Params are stored in scenes as JSON dicts (see :mod:`.params`). Every module of this package except
``params`` is imported here, in name order, so adding a generator is adding a file.
"""

from __future__ import annotations

import importlib
import pkgutil

import numpy as np

for _mod in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if _mod != "params" and not _mod.startswith("_"):
        importlib.import_module(f"{__name__}.{_mod}")

from .bed import BedParams, bed_surfaces, build_bed, sample_bed_params
from .bookshelf import BookshelfParams, bookshelf_surfaces, build_bookshelf, sample_bookshelf_params
from .cabinet import CabinetParams, build_cabinet, cabinet_surfaces, sample_cabinet_params
from .chair import ChairParams, build_chair, chair_surfaces, sample_chair_params
from .params import SAMPLERS, params_from_dict, params_to_dict
from .sofa import SofaParams, build_sofa, sample_sofa_params, sofa_surfaces
from .table import TableParams, build_table, sample_table_params, table_surfaces



def sample_params(generator: str, category: str, rng: np.random.Generator,
                  size: tuple[float, float, float] | None = None) -> dict:
    """Sampled parameters (JSON values) for ``generator`` used as ``category``, for an object of
    ``size`` (default: the category's typical size). Unknown generators give ``{}``."""
    sampler = SAMPLERS.get(generator)
    if sampler is None:
        return {}
    if size is None:
        from .. import catalog

        try:
            size = catalog.get(category).size_typical
        except KeyError:
            size = catalog.get(generator).size_typical
    return sampler(rng, tuple(float(v) for v in size), category)  # type: ignore[arg-type]


__all__ = [
    "SAMPLERS", "BedParams", "BookshelfParams", "CabinetParams", "ChairParams", "SofaParams", "TableParams",
    "bed_surfaces", "bookshelf_surfaces", "build_bed", "build_bookshelf", "build_cabinet", "build_chair", "build_sofa",
    "build_table", "cabinet_surfaces", "chair_surfaces", "params_from_dict", "params_to_dict", "sample_bed_params",
    "sample_bookshelf_params", "sample_cabinet_params", "sample_chair_params", "sample_params", "sample_sofa_params",
    "sample_table_params", "sofa_surfaces", "table_surfaces",
]
