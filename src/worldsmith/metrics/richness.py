"""Scene richness (how much is in a scene) and layout diversity (how much layouts differ across
seeds of one prompt).

``richness(scene) -> dict``, counts over the scene's objects:

* ``objects``: all objects; ``rooms``: rooms; ``objects_per_room = objects / rooms`` (0.0 with no
  rooms);
* ``categories``: the number of distinct categories;
* ``floor_objects``, ``wall_objects``, ``ceiling_objects``: objects by support kind (``floor``,
  ``wall:<id>``, ``ceiling``);
* ``small_objects``: objects standing on another object (support ``object:<id>[#k]``: a cup on a
  table, a book on shelf 2);
* ``containers``: objects that hold at least one small object (the distinct support targets of the
  small objects; a tray holding cups is a container even while it stands on a table itself);
* ``small_per_container``: the mean over containers of the number of small objects each holds
  directly (0.0 with no containers).

``layout_diversity(scenes) -> {"diversity_m", "categories", "scenes"}`` over scenes of one prompt
(different seeds). For a category ``c`` and two scenes ``A``, ``B`` that both hold objects of
``c``, with XY positions ``a_1..a_m`` and ``b_1..b_n`` (metres; an object's position is the bottom
centre of its box), the **pair distance** is the mean Euclidean distance of an optimal matching of
``min(m, n)`` pairs: the one-to-one assignment minimising the summed distance
(:func:`scipy.optimize.linear_sum_assignment`; objects of the larger set left unmatched are
ignored), so listing order does not matter and two chairs that swapped places count as unmoved.
A category's value is the mean pair distance over every unordered pair of scenes that both hold
it; only categories held by at least two scenes count. ``diversity_m`` is the unweighted mean over
those categories (None when there are fewer than two scenes or no category is shared);
``categories`` maps each to its value, ``scenes`` is the number of scenes. Values are rounded to 4
decimals (metres), categories sorted, so equal inputs give equal outputs.
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations
from typing import Any, Sequence

import numpy as np

from ..scene import Scene

__all__ = ["layout_diversity", "richness"]


def richness(scene: Scene) -> dict[str, Any]:
    """Object, category and container counts of ``scene`` (module docstring)."""
    objects = scene.objects
    kinds = Counter(o.support_kind for o in objects)
    held = Counter(o.support_target for o in objects if o.support_kind == "object")
    n_rooms = len(scene.rooms)
    return {
        "objects": len(objects),
        "rooms": n_rooms,
        "objects_per_room": round(len(objects) / n_rooms, 4) if n_rooms else 0.0,
        "categories": len({o.category for o in objects}),
        "floor_objects": kinds.get("floor", 0),
        "wall_objects": kinds.get("wall", 0),
        "ceiling_objects": kinds.get("ceiling", 0),
        "small_objects": kinds.get("object", 0),
        "containers": len(held),
        "small_per_container": round(sum(held.values()) / len(held), 4) if held else 0.0,
    }


def _pair_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Mean distance of the optimal one-to-one matching of ``min(len(a), len(b))`` points."""
    from scipy.optimize import linear_sum_assignment

    cost = np.linalg.norm(a[:, None, :] - b[None, :, :], axis=2)
    rows, cols = linear_sum_assignment(cost)
    return float(cost[rows, cols].mean())


def layout_diversity(scenes: Sequence[Scene]) -> dict[str, Any]:
    """Mean matched displacement of each shared category's objects across ``scenes`` (module
    docstring): ``{"diversity_m": float | None, "categories": {category: metres}, "scenes": n}``."""
    scenes = list(scenes)
    positions: list[dict[str, np.ndarray]] = []
    for s in scenes:
        by_cat: dict[str, list[tuple[float, float]]] = {}
        for o in s.objects:
            by_cat.setdefault(o.category, []).append((o.position[0], o.position[1]))
        positions.append({c: np.array(p, dtype=float) for c, p in by_cat.items()})
    counts = Counter(c for p in positions for c in p)
    values: dict[str, float] = {}
    for cat in sorted(c for c, n in counts.items() if n >= 2):
        holders = [p[cat] for p in positions if cat in p]
        values[cat] = float(np.mean([_pair_distance(a, b) for a, b in combinations(holders, 2)]))
    overall = round(float(np.mean(list(values.values()))), 4) if values else None
    return {"diversity_m": overall, "categories": {c: round(v, 4) for c, v in values.items()},
            "scenes": len(scenes)}
