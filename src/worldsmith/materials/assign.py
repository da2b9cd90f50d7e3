"""Which material each part of an object is drawn with: one rule shared by every exporter and renderer."""

from __future__ import annotations

import logging
from typing import Any, Sequence

from ..scene import ObjectInstance
from .resolve import resolve_pbr

log = logging.getLogger(__name__)


def part_materials(obj: ObjectInstance, parts: Sequence[Any]) -> list[tuple[str, Any]]:
    """The ``(description, colour)`` of each of ``obj``'s parts (duck-typed: ``name``, ``mesh``,
    ``material``). ``attributes.materials[part]`` overrides the part's material;
    ``attributes.color`` goes on the main parts: those with the material of the largest opaque,
    non-overridden surface area (ties: the first). Pass the pair to ``resolve_pbr(description,
    color=colour)``; colour None means untinted."""
    overrides = obj.attributes.materials
    unknown = sorted(set(overrides) - {p.name for p in parts})
    if unknown:
        log.debug("object %s: attributes.materials names no part %s", obj.id, ", ".join(unknown))
    requests: list[tuple[str, Any]] = [(overrides.get(p.name, p.material), None) for p in parts]
    color = obj.attributes.color
    if color is None:
        return requests
    area: dict[str, float] = {}
    for p in parts:
        if p.name in overrides or alpha_of(resolve_pbr(p.material)) < 1.0:
            continue
        area[p.material] = area.get(p.material, 0.0) + float(p.mesh.area)
    if area:
        main = max(area, key=lambda m: area[m])  # max keeps the first of equal areas
        for i, p in enumerate(parts):
            if p.name not in overrides and p.material == main:
                requests[i] = (main, color)
    return requests


def alpha_of(pbr: Any) -> float:
    """Opacity of a resolved material (1 when its colour has no alpha)."""
    c = tuple(pbr.base_color)
    return float(c[3]) if len(c) > 3 else 1.0
