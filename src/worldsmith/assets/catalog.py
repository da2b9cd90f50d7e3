"""The category catalog: canonical names, synonyms, size priors, support type.

Data lives in ``data/categories.json`` (one entry per canonical snake_case category); this module
reads it once and answers look-ups. Sizes are (width along local X, depth along local Y, height),
metres at real-world scale; an object's front is local +Y.

Fields of :class:`CategoryInfo`:

- ``support``: ``floor``, ``wall``, ``ceiling`` or ``object`` (small things standing on a surface).
- ``generator``: the procedural generator building it (``build.GENERATORS``), or None for a fallback
  box.
- ``front_clearance_m``: free floor depth wanted in front (+Y) of it; ``needs_access``: people must
  reach its front; ``against_wall``: it normally stands with its back (-Y) to a wall.
- ``mount_height_m`` (wall objects): the height of the object's BOTTOM edge above the floor.
  Ceiling objects hang from the ceiling; their height is the drop below it.
- ``flat``: a floor covering a few millimetres high (rug, yoga mat) that other furniture may stand on;
  layout should not count overlaps with it as collisions.
- ``room_types``: snake_case room kinds it typically appears in (``living_room``, ``bedroom``, ...).
- ``description``: one sentence saying what it is (text retrieval embeds it with the synonyms).
- ``placement``: where it usually goes besides ``against_wall``: any of ``corner``, ``centre``,
  ``near_window``, ``near_door`` (empty: anywhere).
- ``paired_with``: categories it usually appears next to (a desk with an office chair, a bed with
  nightstands); layout and the offline planner use it.
- ``front_axis``: always ``+y``: every asset, procedural or imported, is normalized so its front is
  local +Y (imported meshes are rotated on import, see ``assets.meshimport``).

Whether a category holds small objects, and at which heights, comes from its generator's support
surfaces at the typical size (:func:`surface_levels`), so it can never disagree with the mesh.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

SUPPORT_TYPES = ("floor", "wall", "ceiling", "object")
PLACEMENT_HINTS = ("corner", "centre", "near_window", "near_door")


@dataclass(frozen=True)
class CategoryInfo:
    name: str
    synonyms: tuple[str, ...]
    size_min: tuple[float, float, float]
    size_typical: tuple[float, float, float]
    size_max: tuple[float, float, float]
    support: str
    generator: str | None = None
    front_clearance_m: float = 0.0
    needs_access: bool = False
    against_wall: bool = False
    mount_height_m: float | None = None
    room_types: tuple[str, ...] = ()
    flat: bool = False
    description: str = ""
    placement: tuple[str, ...] = ()
    paired_with: tuple[str, ...] = ()
    front_axis: str = "+y"


@lru_cache(maxsize=1)
def _catalog() -> dict[str, CategoryInfo]:
    raw = json.loads(resources.files("worldsmith.assets").joinpath("data/categories.json").read_text("utf-8"))
    out: dict[str, CategoryInfo] = {}
    for name, e in raw["categories"].items():
        out[name] = CategoryInfo(
            name=name,
            synonyms=tuple(e.get("synonyms", ())),
            size_min=tuple(e["size_min"]),
            size_typical=tuple(e["size"]),
            size_max=tuple(e["size_max"]),
            support=e["support"],
            generator=e.get("generator"),
            front_clearance_m=float(e.get("front_clearance_m", 0.0)),
            needs_access=bool(e.get("needs_access", False)),
            against_wall=bool(e.get("against_wall", False)),
            mount_height_m=e.get("mount_height_m"),
            room_types=tuple(e.get("room_types", ())),
            flat=bool(e.get("flat", False)),
            description=str(e.get("description", "")),
            placement=tuple(e.get("placement", ())),
            paired_with=tuple(e.get("paired_with", ())),
        )
    return out


PROXY_GENERATOR = "proxy"


def proxy_info(name: str, support: str, size: tuple[float, float, float]) -> CategoryInfo:
    """The entry of a labelled proxy: something the catalog does not know ("harp"), standing in
    with a guessed ``size`` and ``support`` (see ``assets.category_match``)."""
    if support not in SUPPORT_TYPES:
        raise ValueError(f"support must be one of {', '.join(SUPPORT_TYPES)}, got {support!r}")
    size = tuple(float(v) for v in size)  # type: ignore[assignment]
    return CategoryInfo(name=name, synonyms=(), size_min=tuple(0.5 * v for v in size),  # type: ignore[arg-type]
                        size_typical=size, size_max=tuple(2.0 * v for v in size),  # type: ignore[arg-type]
                        support=support, generator=PROXY_GENERATOR,
                        mount_height_m=1.2 if support == "wall" else None,
                        description=f"a stand-in for {name.replace('_', ' ')}, which the catalog does not know")


def info_for(category: str, asset=None, size: tuple[float, float, float] | None = None) -> CategoryInfo:
    """The entry for an object's category: the catalog's, or, for a proxy object (its asset is
    the ``proxy`` generator, whose params hold the support), a :func:`proxy_info` at ``size``.
    Raises KeyError for an unknown category that is not a proxy."""
    cat = _catalog()
    if category in cat:
        return cat[category]
    if asset is not None and getattr(asset, "source", None) == "procedural" and asset.name == PROXY_GENERATOR:
        return proxy_info(category, str(asset.params.get("support", "floor")), size or (1.0, 1.0, 1.0))
    raise KeyError(category)


def names() -> list[str]:
    """Every canonical category name, sorted."""
    return sorted(_catalog())


def get(name: str) -> CategoryInfo:
    """The entry of a canonical name; raises KeyError for anything else."""
    return _catalog()[name]


def resolve(text: str) -> str | None:
    """The canonical category for ``text`` (a canonical name or a synonym, any case, spaces or
    underscores), or None."""
    key = text.strip().lower().replace("-", " ").replace("_", " ")
    cat = _catalog()
    for name, info in cat.items():
        if key == name.replace("_", " ") or key in (s.lower() for s in info.synonyms):
            return name
    return None


def suggest(text: str, n: int = 3) -> list[str]:
    """Close canonical names for a misspelt category (for error hints)."""
    key = text.strip().lower().replace(" ", "_")
    return difflib.get_close_matches(key, names(), n=n, cutoff=0.6)


@dataclass(frozen=True)
class SurfaceLevel:
    """One support surface of a category at its typical size: its name ("top", "shelf_2", "seat"),
    its height above the floor, and the free height above it (None: open to the ceiling)."""

    name: str
    z: float
    clearance_m: float | None


@lru_cache(maxsize=None)
def surface_levels(name: str) -> tuple[SurfaceLevel, ...]:
    """Support surfaces of ``name``'s generator with default params at the typical size (empty for
    things nothing stands on). A category is a container with shelf levels when it has several."""
    from . import procedural  # noqa: F401  (importing it registers the generators)
    from .surfaces import SURFACES, top_surface

    info = get(name)
    fn = SURFACES.get(info.generator) if info.generator else None
    size = tuple(float(v) for v in info.size_typical)
    surfaces = fn({"category": name}, size) if fn else top_surface(size)  # type: ignore[arg-type]
    return tuple(SurfaceLevel(s.name, round(float(s.z), 4), s.clearance_m) for s in surfaces)
