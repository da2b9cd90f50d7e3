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
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

SUPPORT_TYPES = ("floor", "wall", "ceiling", "object")


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
        )
    return out


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
