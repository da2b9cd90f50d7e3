"""Domain randomization for ``worldsmith datagen``: six switches, each drawn per scene or per view.

A :class:`Randomization` gives every switch a level: ``"off"`` (never applied), ``"scene"`` (drawn
once per scene, shared by its views) or ``"view"`` (drawn again for every view). The worker calls
:func:`randomize_scene` once with ``level="scene"`` on the planner's scene, then for every view
with ``level="view"`` on that result, and merges :func:`sample_render_params` and
:func:`sample_camera_params` of both levels. Every draw is returned as JSON-ready *choices* that
list exactly what changed (ids, old -> new), so a frame records how it was made.

Determinism: every function takes a ``numpy.random.Generator``; the same scene, generator state and
config give the same result byte for byte (``worldsmith.scene.dumps``). :func:`randomize_scene`
first draws one 63-bit seed per scene switch (always all four, in :data:`SCENE_SWITCHES` order) and
runs each switch on its own generator, so turning one switch off or on never changes what the others
draw. A switch that finds nothing to change returns the input's values unchanged (the same
``rooms`` / ``objects`` / ``lights`` tuples), so a view that only relights keeps the scene's
geometry and the ``gl`` renderer only redoes the lights (see :mod:`worldsmith.render.gl`).

The scene switches, applied in this order (swaps first so clutter stands on the swapped furniture
and the new assets' materials are randomized too):

``swaps``
    Every procedural object (not a labelled proxy) whose category has a generator gets freshly
    sampled params of that generator (:func:`worldsmith.assets.make_asset` with the object's own
    size), keeping its id, category, pose, size, support, colour, style and material overrides. A
    swap may change what things stand on (a bookshelf's level heights) or the mesh outline, so the
    swapped scene is checked with :func:`worldsmith.metrics.validate`: every swapped object taking
    part in a problem the input did not have (see *new problems* below) is swapped back, where an
    object that became unsupported blames its support when that was swapped (books on a swapped
    shelf keep their own swaps; the shelf goes back), and the check repeats (at most
    :data:`MAX_REPAIR_ROUNDS` times; then every swap is undone). Record per kept swap: ``{"id",
    "category", "generator", "changed": {param: [old, new]}}`` (only the params that differ).

``clutter``
    Extra small objects on furniture. A target is an object whose category stands on the floor or
    hangs on a wall, usually holds things (the catalog lists surface levels for it: tables, desks,
    shelves, beds, sofas, counters, cabinets, nightstands ...) and has at least one support surface
    (:func:`worldsmith.assets.support_surfaces`). Each target gets ``n ~ Poisson(clutter_density x
    its number of support surfaces)`` items, i.e. ``clutter_density`` per surface on average, put
    there by the DSL's own ``fill(target, count=n)`` (items from the category's usual pool,
    :func:`worldsmith.layout.fill.plan_fill_result` rules: inside the surface, clear of everything
    already there, under the shelf above), run with :func:`worldsmith.dsl.execute` on the current
    scene with a seed drawn from the switch's generator (and no wall-clock limit, which would make the
    result depend on the machine's speed); targets are visited in scene order. What
    does not fit is skipped (``fill``'s report). Items taking part in a new validator problem are
    removed again (fill's contract says there are none). Record per target that got items:
    ``{"target", "requested", "added": [ids], "skipped": k}``.

``materials``
    Material descriptions are swapped for another library material of the same *class*: the same
    ``family`` (:data:`worldsmith.materials.FAMILIES`), the same transparency (alpha < 1), the
    same metalness (metallic >= 0.5), and the same layout of the texture: *laid* units (planks,
    parquet, herringbone, tiles, brick: :data:`LAID_PATTERNS`) or not, so a planked floor stays
    planks and a tiled wall stays tiles. Emissive materials (lamp shades, bulbs, screens) never
    change: light is the ``lights`` switch's business. A description that resolves to nothing (score
    0) or whose class has no other member is left alone. The new material is drawn uniformly from
    the class's other members. Descriptions changed:

    * room surfaces: ``floor``, ``ceiling``, ``walls`` (the shell's defaults when the room has no
      entry) and any per-wall entry of ``Room.materials``;
    * objects: every string param of a procedural asset named ``material``, ``metal`` or
      ``*_material``, every string of a ``*_materials`` list param (book covers), and every value
      of ``attributes.materials``.

    Within one room or one object the same old description maps to the same new one (a bed's oak
    frame and oak legs stay one wood); rooms and objects draw independently. The new description is
    the new material's name, which resolves to exactly that material; when the old description
    carried a colour that *tinted* its material ("cream boucle", "forest green velvet"), the colour
    (and a light/dark modifier) is kept in front of the new material's name ("cream velvet") if that
    text still resolves to the new material, else the bare name is used. ``scene.material_choices``
    is recomputed for the descriptions the scene now uses (the DSL's own rule,
    :func:`worldsmith.dsl.apply.with_material_choices`). Record: ``{"target", "old", "new",
    "material", "family"}`` with targets ``room_0.floor``, ``bed_0.params.frame_material``,
    ``book_0.params.cover_materials[2]``, ``bed_0.attributes.main``.

``lights``
    Every scene light's flux times ``f ~ U(0.5, 1.6)`` (``watts`` or ``lumens``, whichever it has)
    and its colour temperature set to ``K ~ U(2700, 6500)`` kelvin (a light given as ``rgb`` becomes
    a ``kelvin`` light). ``f`` is rounded to 4 decimals and ``K`` to 0.1 K before use, so the record
    is exact. Record: ``{"id", "factor", "lumens": [old, new], "kelvin": [old, new]}`` (old kelvin
    None for an ``rgb`` light).

*New problems*: a validator problem is identified by its kind and the ids in it (collision: both
objects; out of bounds: the object; blocked opening: opening, object and side; unsupported: the
object), not by its depth or gap, and it is new when the input scene did not have it.

The render and camera switches do not change the scene:

``time_of_day`` (:func:`sample_render_params`)
    ``hour ~ U(6, 21)`` (rounded to 0.001 h). The sun is up from :data:`SUNRISE_H` (6:00) to
    :data:`SUNSET_H` (20:00); its height is ``s = max(0, sin(pi (hour - 6) / 14))`` (0 at sunrise and
    sunset, 1 at 13:00). The window daylight level is ``daylight = DAYLIGHT_NOON x sqrt(s)`` (2.5 at
    midday, about 1.2 at 7:00; 0 from 20:00 on, when only the lamps light the room) and its colour
    temperature ``daylight_kelvin = 2500 + 4000 s`` K: about 3400 K at 7:00 and 19:00, 5600 K at
    10:00, 6500 K at 13:00. Both rounded to 4 decimals and 0.1 K. Returned as ``{"hour", "daylight",
    "daylight_kelvin"}``; ``daylight`` and ``daylight_kelvin`` (:data:`RENDER_KEYS`) go to
    ``render(..., daylight=, daylight_kelvin=)``, ``hour`` is for the record.

``camera`` (:func:`sample_camera_params`)
    ``height_m ~ N(1.45, 0.25)`` clipped to [0.7, 2.0] m (eye height from a child's to a tall
    adult's) and ``fov_y_deg ~ U(55, 85)`` degrees, rounded to 4 decimals. The caller keeps the
    height below its room's ceiling.

When a switch is ``"off"`` the sample functions return the defaults (daylight 1.0 at 6500 K; camera
1.5 m, 70 degrees) for either level, so merging the scene and view dicts always gives a full set;
when the switch is on at the other level they return ``{}``.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

import numpy as np

from ..scene import Scene
from .errors import DatagenError

log = logging.getLogger(__name__)

LEVELS = ("off", "scene", "view")
SWITCHES = ("materials", "lights", "clutter", "swaps", "time_of_day", "camera")
#: the switches :func:`randomize_scene` applies, in the order their generators are seeded
SCENE_SWITCHES = ("swaps", "clutter", "materials", "lights")

#: texture patterns made of laid units; a material with one only swaps for another such material
LAID_PATTERNS = frozenset({"planks", "parquet", "herringbone", "tiles_square", "tiles_hex", "tiles_subway", "brick"})
LIGHT_FACTOR = (0.5, 1.6)
LIGHT_KELVIN = (2700.0, 6500.0)
HOUR_RANGE = (6.0, 21.0)
SUNRISE_H, SUNSET_H = 6.0, 20.0
DAYLIGHT_NOON = 2.5
KELVIN_LOW_SUN, KELVIN_HIGH_SUN = 2500.0, 6500.0
CAMERA_HEIGHT = (1.45, 0.25, 0.7, 2.0)  # mean, std, min, max (metres)
CAMERA_FOV = (55.0, 85.0)  # degrees, vertical
DEFAULT_CAMERA = {"height_m": 1.5, "fov_y_deg": 70.0}
DEFAULT_RENDER = {"daylight": 1.0, "daylight_kelvin": 6500.0}
RENDER_KEYS = ("daylight", "daylight_kelvin")
MAX_REPAIR_ROUNDS = 4


def _clutter_limits():
    from ..dsl import Limits

    return Limits(seconds=3600.0)


@dataclass(frozen=True)
class Randomization:
    """The level of every switch (see the module doc) and the clutter density: the mean number of
    extra small objects per support surface of a clutter target (0 = none)."""

    materials: str = "scene"
    lights: str = "view"
    clutter: str = "scene"
    swaps: str = "scene"
    time_of_day: str = "view"
    camera: str = "view"
    clutter_density: float = 1.0

    def __post_init__(self) -> None:
        for name in SWITCHES:
            value = getattr(self, name)
            if value not in LEVELS:
                raise DatagenError(f"randomize: {name} must be one of {', '.join(LEVELS)}, got {value!r}")
        d = self.clutter_density
        if isinstance(d, bool) or not isinstance(d, (int, float)) or not math.isfinite(d) or d < 0:
            raise DatagenError(f"randomize: clutter_density must be a number >= 0, got {d!r}")
        object.__setattr__(self, "clutter_density", float(d))

    @classmethod
    def parse(cls, text: str | None) -> "Randomization":
        """The CLI form. ``None``, ``""`` or ``"all"``: every switch at its default level;
        ``"none"``: every switch off. Otherwise comma-separated items applied in order on top of
        the defaults: ``name=level`` (``materials=view``), ``name`` alone (its default level),
        ``none`` (everything off so far: ``"none,lights"`` randomizes only the lights), ``all``
        (back to the defaults) and ``clutter_density=<number>``. Unknown names or levels raise
        :class:`DatagenError` with one line."""
        if text is None or not text.strip():
            return cls()
        defaults = cls()
        values: dict[str, Any] = dataclasses.asdict(defaults)
        for raw in text.split(","):
            item = raw.strip()
            if not item:
                continue
            name, sep, value = (s.strip() for s in item.partition("="))
            name = name.lower().replace("-", "_")
            if not sep:
                if name == "none":
                    values.update({k: "off" for k in SWITCHES})
                elif name == "all":
                    values.update({k: getattr(defaults, k) for k in SWITCHES})
                elif name in SWITCHES:
                    values[name] = getattr(defaults, name)
                else:
                    raise DatagenError(_unknown(name))
                continue
            if name == "clutter_density":
                try:
                    values[name] = float(value)
                except ValueError:
                    raise DatagenError(f"randomize: clutter_density must be a number, got {value!r}") from None
                continue
            if name not in SWITCHES:
                raise DatagenError(_unknown(name))
            level = value.lower()
            if level not in LEVELS:
                raise DatagenError(f"randomize: {name} must be one of {', '.join(LEVELS)}, got {value!r}")
            values[name] = level
        return cls(**values)

    @classmethod
    def from_dict(cls, data: dict) -> "Randomization":
        """The inverse of :meth:`to_dict` (missing keys take their defaults); unknown keys raise
        :class:`DatagenError`."""
        if not isinstance(data, dict):
            raise DatagenError(f"randomize: expected a mapping of switch to level, got {type(data).__name__}")
        unknown = sorted(set(data) - set(SWITCHES) - {"clutter_density"})
        if unknown:
            raise DatagenError(_unknown(unknown[0]))
        return cls(**data)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def at(self, level: str) -> tuple[str, ...]:
        """The switches drawn at ``level``."""
        return tuple(name for name in SWITCHES if getattr(self, name) == level)


def _unknown(name: str) -> str:
    return (f"randomize: unknown switch {name!r}; expected {', '.join(SWITCHES)}, clutter_density, all or none "
            f"(e.g. materials=scene,lights=view)")


def _check_level(level: str) -> None:
    if level not in ("scene", "view"):
        raise DatagenError(f"randomize: level must be 'scene' or 'view', got {level!r}")


# ---------------------------------------------------------------------------------------------
# entry points


def randomize_scene(scene: Scene, rng: np.random.Generator, cfg: Randomization, level: str) -> tuple[Scene, dict]:
    """Apply every scene switch (swaps, clutter, materials, lights) whose level is ``level``;
    returns the new scene (``scene`` is never mutated) and ``{"materials": [...], "lights": [...],
    "clutter": [...], "swaps": [...]}`` listing exactly what changed (see the module doc)."""
    _check_level(level)
    seeds = [int(s) for s in rng.integers(0, 2**63 - 1, size=len(SCENE_SWITCHES), dtype=np.int64)]
    child = {name: np.random.default_rng(seed) for name, seed in zip(SCENE_SWITCHES, seeds)}
    choices: dict[str, list] = {"materials": [], "lights": [], "clutter": [], "swaps": []}
    steps: dict[str, Callable[..., tuple[Scene, list]]] = {
        "swaps": _swap_objects, "clutter": _add_clutter, "materials": _swap_materials, "lights": _vary_lights}
    baseline: list[set | None] = [None]  # validator problems of the input, computed once if needed

    def problems_before() -> set:
        if baseline[0] is None:
            baseline[0] = _problems(scene)
        return baseline[0]

    current = scene
    for name in SCENE_SWITCHES:
        if getattr(cfg, name) != level:
            continue
        if name in ("swaps", "clutter"):
            current, record = steps[name](current, child[name], cfg, problems_before)
        else:
            current, record = steps[name](current, child[name], cfg)
        choices[name] = record
    return current, choices


def sample_render_params(rng: np.random.Generator, cfg: Randomization, level: str) -> dict:
    """Time of day when ``cfg.time_of_day == level``: ``{"hour", "daylight", "daylight_kelvin"}``
    (module doc); the defaults ``{"daylight": 1.0, "daylight_kelvin": 6500.0}`` when it is off;
    ``{}`` when it is drawn at the other level. Pass the :data:`RENDER_KEYS` to ``render()``."""
    _check_level(level)
    if cfg.time_of_day == "off":
        return dict(DEFAULT_RENDER)
    if cfg.time_of_day != level:
        return {}
    hour = round(float(rng.uniform(*HOUR_RANGE)), 3)
    daylight, kelvin = daylight_at(hour)
    return {"hour": hour, "daylight": daylight, "daylight_kelvin": kelvin}


def daylight_at(hour: float) -> tuple[float, float]:
    """``(daylight level, colour temperature K)`` of the sky through the windows at ``hour``
    (module doc: sun height ``s = max(0, sin(pi (hour - 6) / 14))``, level ``2.5 sqrt(s)``,
    ``2500 + 4000 s`` K)."""
    s = max(0.0, math.sin(math.pi * (float(hour) - SUNRISE_H) / (SUNSET_H - SUNRISE_H)))
    if not SUNRISE_H <= hour <= SUNSET_H:
        s = 0.0
    daylight = round(DAYLIGHT_NOON * math.sqrt(s), 4)
    kelvin = round(KELVIN_LOW_SUN + (KELVIN_HIGH_SUN - KELVIN_LOW_SUN) * s, 1)
    return daylight, kelvin


def sample_camera_params(rng: np.random.Generator, cfg: Randomization, level: str) -> dict:
    """Camera height and vertical field of view when ``cfg.camera == level``: ``{"height_m",
    "fov_y_deg"}`` with ``height ~ N(1.45, 0.25)`` clipped to [0.7, 2.0] m and ``fov ~ U(55, 85)``
    degrees; the defaults (1.5 m, 70 degrees) when it is off; ``{}`` at the other level."""
    _check_level(level)
    if cfg.camera == "off":
        return dict(DEFAULT_CAMERA)
    if cfg.camera != level:
        return {}
    mean, std, lo, hi = CAMERA_HEIGHT
    height = round(float(np.clip(rng.normal(mean, std), lo, hi)), 4)
    fov = round(float(rng.uniform(*CAMERA_FOV)), 4)
    return {"height_m": height, "fov_y_deg": fov}


# ---------------------------------------------------------------------------------------------
# validator problems


def _problems(scene: Scene) -> set[tuple]:
    """The validator's problems as identities (kind and ids; see *new problems* in the module doc)."""
    from ..metrics import validate

    report = validate(scene)
    out: set[tuple] = set()
    out.update(("collision", c.a, c.b) for c in report.collisions)
    out.update(("out_of_bounds", o.id) for o in report.out_of_bounds)
    out.update(("blocked", b.opening, b.object, b.side) for b in report.blocked_openings)
    out.update(("unsupported", u.id) for u in report.unsupported)
    return out


def _problem_objects(problem: tuple) -> tuple[str, ...]:
    kind = problem[0]
    if kind == "collision":
        return problem[1], problem[2]
    if kind == "blocked":
        return (problem[2],)
    return (problem[1],)


# ---------------------------------------------------------------------------------------------
# swaps


def _swap_objects(scene: Scene, rng: np.random.Generator, cfg: Randomization,
                  problems_before: Callable[[], set]) -> tuple[Scene, list]:
    from ..assets import catalog, make_asset
    from ..assets.build import GENERATORS

    swapped: dict[str, Any] = {}
    for obj in scene.objects:
        if obj.asset.source != "procedural" or obj.asset.name == catalog.PROXY_GENERATOR:
            continue
        try:
            info = catalog.get(obj.category)
        except KeyError:
            continue
        if not info.generator or info.generator not in GENERATORS:
            continue
        seed = int(rng.integers(0, 2**63 - 1, dtype=np.int64))  # one draw per candidate, in scene order
        ref, _ = make_asset(obj.category, np.random.default_rng(seed), tuple(obj.size))
        if ref.source != "procedural" or (ref.name == obj.asset.name and dict(ref.params) == dict(obj.asset.params)):
            continue
        swapped[obj.id] = dataclasses.replace(obj, asset=ref)
    if not swapped:
        return scene, []
    before = problems_before()
    result = scene
    for _ in range(MAX_REPAIR_ROUNDS):
        result = _with_objects(scene, swapped)
        new = _problems(result) - before
        if not new:
            break
        undo: set[str] = set()
        for problem in new:
            if problem[0] == "unsupported":  # blame what it stands on when that was swapped
                target = result.object(problem[1]).support_target
                undo.add(target if target in swapped else problem[1])
            else:
                undo.update(_problem_objects(problem))
        undo &= set(swapped)
        if not undo:  # a problem no swapped object takes part in: give up on every swap
            swapped = {}
            break
        for oid in sorted(undo):
            del swapped[oid]
        log.debug("swaps undone (new validator problems): %s", ", ".join(sorted(undo)))
        if not swapped:
            break
    else:
        swapped = {}
    if not swapped:
        return scene, []
    result = _with_objects(scene, swapped)
    records = []
    for obj in scene.objects:
        if obj.id not in swapped:
            continue
        old, new = dict(obj.asset.params), dict(swapped[obj.id].asset.params)
        changed = {k: [_json(old.get(k)), _json(new.get(k))] for k in sorted(set(old) | set(new))
                   if old.get(k) != new.get(k)}
        records.append({"id": obj.id, "category": obj.category, "generator": swapped[obj.id].asset.name,
                        "changed": changed})
    return result, records


def _with_objects(scene: Scene, updated: dict) -> Scene:
    return dataclasses.replace(scene, objects=tuple(updated.get(o.id, o) for o in scene.objects))


def _json(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_json(v) for v in value]
    return value


# ---------------------------------------------------------------------------------------------
# clutter


def clutter_targets(scene: Scene) -> list[tuple[str, int]]:
    """``(object id, number of support surfaces)`` of every clutter target (module doc), in scene order."""
    from ..assets import catalog, support_surfaces

    out = []
    for obj in scene.objects:
        try:
            info = catalog.get(obj.category)
        except KeyError:  # a labelled proxy
            continue
        if info.support not in ("floor", "wall"):
            continue
        try:
            if not catalog.surface_levels(obj.category):
                continue
        except KeyError:
            continue
        n = len(support_surfaces(obj))
        if n:
            out.append((obj.id, n))
    return out


def _add_clutter(scene: Scene, rng: np.random.Generator, cfg: Randomization,
                 problems_before: Callable[[], set]) -> tuple[Scene, list]:
    from ..dsl import DSLError, execute

    if cfg.clutter_density <= 0:
        return scene, []
    current = scene
    records = []
    for target, surfaces in clutter_targets(scene):
        n = int(rng.poisson(cfg.clutter_density * surfaces))
        seed = int(rng.integers(0, 2**63 - 1, dtype=np.int64))
        if n == 0:
            continue
        try:
            result = execute(f"fill({target!r}, count={n})", current, seed=seed, limits=_clutter_limits())
        except DSLError as exc:
            log.info("clutter on %s skipped: %s", target, exc)
            continue
        added = list(result.report.added)
        if added:
            current = result.scene
        skipped = sum(1 for u in result.report.unplaced if u.get("constraint") == "fill")
        records.append({"target": target, "requested": n, "added": added, "skipped": skipped})
    if not any(r["added"] for r in records):
        return scene, [r for r in records if r["added"]]
    new = _problems(current) - problems_before()
    if new:
        ours = {oid for r in records for oid in r["added"]}
        drop = {oid for p in new for oid in _problem_objects(p)} & ours
        if drop:
            log.debug("clutter removed (new validator problems): %s", ", ".join(sorted(drop)))
            current = _drop_objects(current, drop)
            for r in records:
                r["skipped"] += sum(1 for oid in r["added"] if oid in drop)
                r["added"] = [oid for oid in r["added"] if oid not in drop]
    records = [r for r in records if r["added"]]
    if not records:
        return scene, []
    return current, records


def _drop_objects(scene: Scene, ids: set[str]) -> Scene:
    from ..dsl.apply import with_material_choices

    return with_material_choices(dataclasses.replace(scene, objects=tuple(o for o in scene.objects
                                                                         if o.id not in ids)))


# ---------------------------------------------------------------------------------------------
# materials


def material_class(material: Any) -> tuple | None:
    """The class a material swaps within (module doc), or None when it never swaps (emissive, the
    neutral default)."""
    if material.is_emissive or material.family == "default":
        return None
    pattern = material.texture.pattern if material.texture is not None else None
    return (material.family, float(material.base_color[3]) < 1.0, float(material.metallic) >= 0.5,
            pattern in LAID_PATTERNS)


@lru_cache(maxsize=4)
def _pools(version: int) -> dict[tuple, tuple[str, ...]]:
    from ..materials import library

    pools: dict[tuple, list[str]] = {}
    for m in library():
        key = material_class(m)
        if key is not None:
            pools.setdefault(key, []).append(m.name)
    return {k: tuple(v) for k, v in pools.items()}


def material_pools() -> dict[tuple, tuple[str, ...]]:
    """Class -> the library materials in it, in library order."""
    from ..materials.library import library_version

    return _pools(library_version())


class _Chooser:
    """Maps old descriptions to new ones for one room or object (same old -> same new)."""

    def __init__(self, rng: np.random.Generator, pools: dict[tuple, tuple[str, ...]]):
        self.rng, self.pools = rng, pools
        self.done: dict[str, tuple[str, str, str] | None] = {}

    def __call__(self, description: str) -> tuple[str, str, str] | None:
        if description not in self.done:
            self.done[description] = self._choose(description)
        return self.done[description]

    def _choose(self, description: str) -> tuple[str, str, str] | None:
        from ..materials import resolve_material

        match = resolve_material(description)
        if match.score <= 0:
            return None
        key = material_class(match.material)
        if key is None:
            return None
        others = [n for n in self.pools.get(key, ()) if n != match.material.name]
        if not others:
            return None
        name = others[int(self.rng.integers(len(others)))]
        return _describe(name, match), name, match.material.family


def _describe(name: str, old_match: Any) -> str:
    """The new description: ``name``, with the old description's tinting colour in front when that
    still resolves to ``name`` (module doc)."""
    from ..materials import resolve_material

    color = old_match.color
    if old_match.tint is None or not isinstance(color, str) or color.startswith("rgb("):
        return name
    words = [m for m in old_match.modifiers if m not in color.split()] + [color, name.replace("_", " ")]
    text = " ".join(words)
    return text if resolve_material(text).material.name == name else name


def _swap_materials(scene: Scene, rng: np.random.Generator, cfg: Randomization) -> tuple[Scene, list]:
    from ..assets.shell import DEFAULT_CEILING_MATERIAL, DEFAULT_FLOOR_MATERIAL, DEFAULT_WALL_MATERIAL
    from ..dsl.apply import with_material_choices
    from ..scene import AssetRef, Attributes

    pools = material_pools()
    defaults = {"floor": DEFAULT_FLOOR_MATERIAL, "ceiling": DEFAULT_CEILING_MATERIAL, "walls": DEFAULT_WALL_MATERIAL}
    records: list[dict] = []

    def change(chooser: _Chooser, target: str, old: Any) -> Any:
        if not isinstance(old, str) or not old.strip():
            return old
        picked = chooser(old)
        if picked is None:
            return old
        new, name, family = picked
        records.append({"target": target, "old": old, "new": new, "material": name, "family": family})
        return new

    rooms = []
    for room in scene.rooms:
        chooser = _Chooser(rng, pools)
        mats = dict(room.materials)
        for surface in sorted(set(room.materials) | set(defaults)):
            old = room.materials.get(surface, defaults.get(surface))
            new = change(chooser, f"{room.id}.{surface}", old)
            if new != old:
                mats[surface] = new
        rooms.append(room if mats == dict(room.materials) else dataclasses.replace(room, materials=mats))

    updated = {}
    for obj in scene.objects:
        chooser = _Chooser(rng, pools)
        params = dict(obj.asset.params)
        if obj.asset.source == "procedural":
            for key in sorted(params):
                value = params[key]
                if key in ("material", "metal") or key.endswith("_material"):
                    params[key] = change(chooser, f"{obj.id}.params.{key}", value)
                elif key.endswith("_materials") and isinstance(value, tuple):
                    params[key] = tuple(change(chooser, f"{obj.id}.params.{key}[{i}]", v) for i, v in enumerate(value))
        overrides = dict(obj.attributes.materials)
        for part in sorted(overrides):
            overrides[part] = change(chooser, f"{obj.id}.attributes.{part}", overrides[part])
        new = obj
        if params != dict(obj.asset.params):
            new = dataclasses.replace(new, asset=AssetRef(obj.asset.source, obj.asset.name, params))
        if overrides != dict(obj.attributes.materials):
            new = dataclasses.replace(new, attributes=Attributes(obj.attributes.color, obj.attributes.style,
                                                                 overrides))
        if new is not obj:
            updated[obj.id] = new

    if not records:
        return scene, []
    changes: dict[str, Any] = {}
    if any(a is not b for a, b in zip(rooms, scene.rooms)):
        changes["rooms"] = tuple(rooms)
    if updated:
        changes["objects"] = tuple(updated.get(o.id, o) for o in scene.objects)
    return with_material_choices(dataclasses.replace(scene, **changes)), records


# ---------------------------------------------------------------------------------------------
# lights


def _vary_lights(scene: Scene, rng: np.random.Generator, cfg: Randomization) -> tuple[Scene, list]:
    if not scene.lights:
        return scene, []
    lights, records = [], []
    for light in scene.lights:
        factor = round(float(rng.uniform(*LIGHT_FACTOR)), 4)
        kelvin = round(float(rng.uniform(*LIGHT_KELVIN)), 1)
        old_lm = float(light.lumens_value)
        if light.watts is not None:
            new = dataclasses.replace(light, watts=round(light.watts * factor, 4), kelvin=kelvin, rgb=None)
        else:
            new = dataclasses.replace(light, lumens=round(float(light.lumens) * factor, 4), kelvin=kelvin, rgb=None)
        lights.append(new)
        records.append({"id": light.id, "factor": factor, "lumens": [round(old_lm, 4), round(new.lumens_value, 4)],
                        "kelvin": [light.kelvin_value, kelvin]})
    return dataclasses.replace(scene, lights=tuple(lights)), records


__all__ = ["DEFAULT_CAMERA", "DEFAULT_RENDER", "LEVELS", "RENDER_KEYS", "SWITCHES", "Randomization", "clutter_targets",
           "daylight_at", "material_class", "material_pools", "randomize_scene", "sample_camera_params",
           "sample_render_params"]
