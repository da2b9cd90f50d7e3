"""Retrieval candidates: one record type for everything an ``add("...")`` can turn into.

Procedural categories (from the catalog) and meshes from user asset libraries are both described as
:class:`Candidate` values, so text retrieval, support-type and size filtering work the same for
both (``worldsmith.assets.retrieval``).
"""

from __future__ import annotations

from dataclasses import dataclass

Size = tuple[float, float, float]


@dataclass(frozen=True)
class Candidate:
    """Something that can be added to a scene.

    - ``key``: unique and stable: ``"procedural:<category>"`` or ``"library:<library>/<asset id>"``.
    - ``source``: ``"procedural"`` or ``"library"``.
    - ``category``: canonical catalog category it counts as (for libraries: the catalog category its
      metadata maps to, or its own snake_case label when it maps to none).
    - ``text``: what its embedding is computed from (name, synonyms, description).
    - ``support``: ``floor``, ``wall``, ``ceiling`` or ``object``.
    - ``size``: (width, depth, height) in metres, real-world scale (typical size for procedural).
    - ``library`` / ``asset_id``: set for library assets.
    """

    key: str
    source: str
    category: str
    text: str
    support: str
    size: Size
    library: str | None = None
    asset_id: str | None = None
