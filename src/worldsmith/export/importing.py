"""Shared pieces of scene import (3D-Generalist scene.json, GLB): the import result, mapping a
foreign object's names to a catalog category, and settling foreign objects onto their supports.

:func:`settle_objects` infers each foreign object's support (floor, wall, ceiling, or a surface of
another object) with the tolerances below; the rules, in order, are listed in
:mod:`worldsmith.export.generalist` ("Support inference").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Sequence

from ..scene import ObjectInstance, Scene

#: support inference: a bottom this close to the floor stands on it (m)
FLOOR_TOL_M = 0.05
#: to a decimetre (the 3D-Generalist sample's table lamp floats 10 cm above its side table) (m)
STACK_TOL_M = 0.12
#: ... a back this close to a wall's inner face is mounted on it (m)
WALL_TOL_M = 0.15
#: ... a top this close below the ceiling (or above it) hangs from it (m)
CEILING_TOL_M = 0.15
#: vertical snaps of at least this much are listed in the import notes (m)
NOTE_MOVE_M = 1e-3


@dataclass(frozen=True)
class ImportResult:
    """What an import produced: the ``scene``; ``references``: object id -> where a foreign object
    came from (its entry ``name``, ``identifier``, ``asset_url``, ``thumbnail_url``, the texts
    matched and the ``match``); ``notes``: one line per thing that was guessed, adjusted or
    skipped."""

    scene: Scene
    references: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()




def clean_label(text: str) -> str:
    """Words of a node or entry name: ``"brown_leather_sofa_1"`` -> ``"brown leather sofa"``,
    ``"Chair.001"`` -> ``"chair"`` (separators to spaces, number tokens dropped)."""
    words = re.split(r"[^a-z]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", str(text)).lower())
    return " ".join(w for w in words if w)


def catalog_category_of(text: str) -> str | None:
    """A catalog category for ``text`` without any model: its name or synonym, that of its core
    (articles and adjectives dropped), or of its last words (its head noun)."""
    from ..assets import catalog
    from ..assets.retrieval import normalize

    for candidate in (text, normalize(text, drop_filler=False), normalize(text)):
        if candidate and catalog.resolve(candidate):
            return catalog.resolve(candidate)
    ws = normalize(text).split()
    for i in range(1, len(ws)):
        name = catalog.resolve(" ".join(ws[i:]))
        if name is not None:
            return name
    return None


@dataclass(frozen=True)
class CategoryGuess:
    """How a foreign object's texts resolved: ``category`` (a catalog name, or a proxy label),
    ``proxy`` (not in the catalog), ``kind`` (exact / similar / proxy), ``text`` (the text that
    decided) and a ``note``."""

    category: str
    proxy: bool
    kind: str
    text: str
    note: str = ""


def match_imported_category(texts: Sequence[str], support: str | None = None) -> CategoryGuess:
    """The category for an imported object described by ``texts`` (most specific first): the first
    text naming a catalog category (name, synonym, core or head noun; no model), else the first
    text :func:`worldsmith.assets.category_match.match_category` maps to a catalog category by
    similarity, else a proxy labelled after the first text. ``support`` narrows similar matches."""
    from ..assets.category_match import match_category, proxy_name

    texts = [t.strip() for t in texts if isinstance(t, str) and t.strip()]
    if not texts:
        return CategoryGuess("object", True, "proxy", "", "no text to match; a labelled proxy 'object'")
    for text in texts:
        name = catalog_category_of(text)
        if name is not None:
            return CategoryGuess(name, False, "exact", text)
    for text in texts[:3]:  # descriptions further down are long; the first ones name the thing
        m = match_category(text, support=support)
        if not m.is_proxy:
            return CategoryGuess(m.category, False, m.kind, text, m.note)
    label = proxy_name(texts[0])
    if not re.fullmatch(r"[a-z][a-z0-9_]*", label):
        label = "object"
    return CategoryGuess(label, True, "proxy", texts[0],
                         f"no catalog category is like {texts[0]!r}; a labelled proxy '{label}'")


@dataclass
class RawObject:
    """A foreign object before its support is known: ``position`` is the bottom centre as read
    (before snapping), ``hint`` the support the file claims (floor / wall / ceiling / object / None)."""

    id: str
    category: str
    proxy: bool
    size: tuple[float, float, float]
    position: tuple[float, float, float]
    yaw_deg: float = 0.0
    hint: str | None = None


def _catalog_support(category: str) -> str | None:
    from ..assets import catalog

    try:
        return catalog.get(category).support
    except KeyError:
        return None


def _build_asset(seed: int, raw: RawObject, support_kind: str):
    from ..assets import make_asset
    from ..scene import AssetRef
    from ..scene.rng import derive_rng

    if raw.proxy:
        from ..assets.catalog import PROXY_GENERATOR
        from ..assets.procedural import params_to_dict
        from ..assets.procedural.proxy import proxy_params

        params = proxy_params(raw.category, support_kind, raw.size)
        return AssetRef("procedural", PROXY_GENERATOR, params_to_dict(params))
    ref, _size = make_asset(raw.category, derive_rng(seed, "asset", raw.id), raw.size)
    return ref


def _room_for(scene: Scene, xy: tuple[float, float]):
    room = scene.room_at(xy)
    if room is not None or not scene.rooms:
        return room

    def dist(r) -> float:
        import shapely.geometry

        return shapely.geometry.Polygon(r.polygon).exterior.distance(shapely.geometry.Point(xy))

    return min(scene.rooms, key=dist)


def _wall_mount(scene: Scene, room, raw: RawObject):
    """(wall, position, yaw) for mounting ``raw`` on the nearest wall of ``room`` whose inner
    face is within WALL_TOL_M of the object's back, or None."""
    from ..scene.geometry import front_direction, yaw_facing

    x, y, _z = raw.position
    fx, fy = front_direction(raw.yaw_deg)
    back = (x - fx * raw.size[1] / 2.0, y - fy * raw.size[1] / 2.0)
    best = None
    for wall in scene.walls:
        if room is not None and wall.room != room.id:
            continue
        dx, dy = wall.direction
        nx, ny = wall.normal
        rx, ry = back[0] - wall.start[0], back[1] - wall.start[1]
        u, n = rx * dx + ry * dy, rx * nx + ry * ny
        if not (-WALL_TOL_M <= n <= WALL_TOL_M and 0.0 <= u <= wall.length):
            continue
        if best is None or abs(n) < best[0]:
            best = (abs(n), wall, u)
    if best is None:
        return None
    _gap, wall, u = best
    half = raw.size[0] / 2.0
    u = min(max(u, half), max(half, wall.length - half))
    px, py = wall.point_at(u)
    nx, ny = wall.normal
    d = raw.size[1] / 2.0
    return wall, (px + nx * d, py + ny * d, raw.position[2]), yaw_facing(wall.normal)


def _resting_on(settled: Sequence[ObjectInstance], raw: RawObject) -> tuple[ObjectInstance, int, float] | None:
    """(supporter, surface index, world level) of the support surface closest to ``raw``'s bottom
    (within STACK_TOL_M) whose polygon holds ``raw``'s centre."""
    from ..assets import support_surfaces
    from ..scene.geometry import point_in_polygon

    x, y, zb = raw.position
    best = None
    for other in settled:
        t = math.radians(other.yaw_deg)
        c, s = math.cos(t), math.sin(t)
        dx, dy = x - other.position[0], y - other.position[1]
        local = (c * dx + s * dy, -s * dx + c * dy)
        for surf in support_surfaces(other):
            level = other.position[2] + float(surf.z)
            gap = abs(zb - level)
            if gap > STACK_TOL_M or not point_in_polygon(local, surf.polygon):
                continue
            if best is None or gap < best[0]:
                best = (gap, other, surf.index, level)
    return None if best is None else best[1:]


def settle_objects(base: Scene, raws: Sequence[RawObject]) -> tuple[dict[str, ObjectInstance], list[str]]:
    """Give each foreign object a support, snap it there and build its asset (see the module doc
    for the rules); ``base`` holds the rooms and the objects already known (possible supporters).
    Returns object id -> ObjectInstance, and notes."""
    notes: list[str] = []
    settled: list[ObjectInstance] = list(base.objects)
    out: dict[str, ObjectInstance] = {}
    for raw in sorted(raws, key=lambda r: (r.position[2], r.id)):
        x, y, zb = raw.position
        w, d, h = raw.size
        room = _room_for(base, (x, y))
        wants = raw.hint or _catalog_support(raw.category)
        support, position, yaw = None, raw.position, raw.yaw_deg % 360.0
        if wants == "ceiling" and room is not None and room.height - (zb + h) <= CEILING_TOL_M:
            support, position = "ceiling", (x, y, room.height - h)
        if support is None and wants == "wall":
            mount = _wall_mount(base, room, raw)
            if mount is not None:
                wall, position, yaw = mount
                support = f"wall:{wall.id}"
        if support is None and zb <= FLOOR_TOL_M:
            support, position = "floor", (x, y, 0.0)
        if support is None:
            rest = _resting_on(settled, raw)
            if rest is not None:
                other, index, level = rest
                support = f"object:{other.id}" + (f"#{index}" if index else "")
                position = (x, y, level)
        if support is None:
            support = "floor"
            notes.append(f"{raw.id}: nothing under it; kept {zb:.3f} m above the floor")
        if position[2] != raw.position[2]:
            moved = position[2] - raw.position[2]
            if abs(moved) >= NOTE_MOVE_M:
                notes.append(f"{raw.id}: moved {moved:+.3f} m vertically onto its support ({support})")
        asset = _build_asset(base.seed, raw, support.split(":", 1)[0])
        obj = ObjectInstance(raw.id, raw.category, asset, tuple(float(v) for v in position),
                             (float(w), float(d), float(h)), yaw_deg=float(yaw), support=support)
        out[raw.id] = obj
        settled.append(obj)
    return out, notes


def material_choices_for(scene: Scene) -> dict[str, Any]:
    """``material_choices`` for every description the scene uses (room surfaces, object materials),
    resolved the way the DSL records them (library material, score and tint rounded to 4 places)."""
    from ..materials import resolve_material
    from ..scene import MaterialChoice

    used = {d for room in scene.rooms for d in room.materials.values()}
    used |= {d for o in scene.objects for d in o.attributes.materials.values()}
    out = {}
    for description in sorted(used):
        match = resolve_material(description)
        tint = None if match.tint is None else tuple(round(min(1.0, max(0.0, float(v))), 4) for v in match.tint)
        out[description] = MaterialChoice(match.name, round(float(match.score), 4), tint)
    return out


def fresh_id(prefix: str, taken: set[str]) -> str:
    """``<prefix>_<n>`` with the smallest n not in ``taken`` (added to it)."""
    n = 0
    while f"{prefix}_{n}" in taken:
        n += 1
    taken.add(f"{prefix}_{n}")
    return f"{prefix}_{n}"
