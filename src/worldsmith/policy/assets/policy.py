"""The asset-level policy: which small objects go on a container, how many, and where (by pointing).

``AssetPolicy(client=None, chooser="offline"|"vlm", pointer="offline"|"vlm", view_size=(512, 512),
max_retries=2, temperature=0.2, views_dir=None)``:

- :meth:`AssetPolicy.containers`: the objects that can hold small objects and hold none yet, in
  scene order. A container's category has support surfaces in the catalog
  (``catalog.surface_levels``), is not itself a small object, and is not listed in
  ``layout/data/dressing.json`` with an empty dressing (chairs, stools, stoves, ... : the data's
  way of saying nothing goes there); the object itself must have a surface (a clothing rack
  without its shelf has none).
- :meth:`AssetPolicy.plan`: what goes on one container (:mod:`.choose`: the offline rules or a
  VLM), then where (:mod:`.placer`: points in a close view of each surface, lifted, checked and
  placed; the offline planner's poses or a pointing VLM's points, through the same code), then
  recursively what goes on the items just placed (stacking, ``data/stacking.json``: a mug on a
  plate on the table), down to ``max_depth`` levels.

The result is an :class:`AssetPlan` whose ``program`` adds and places every item with explicit
sizes, so the DSL keeps the size that was checked::

    plate0 = add("plate", on="dining_table_0", size=(0.2612, 0.2612, 0.025))
    place(plate0, at=(2.104321, 1.78), yaw=180.0)
    mug0 = add("mug", on=plate0, size=(0.12, 0.09, 0.1))
    place(mug0, at=(2.11, 1.79), yaw=33.5)

Items on a shelf level other than #0 carry ``surface=k``. Coordinates are printed as the exact
floats that were checked (rounded to micrometres; headings to 1e-4 degrees).

**Run it with the plan's seed** on the same scene: ``worldsmith.dsl.execute(plan.program, scene,
seed)``. Object ids and the generator parameters of every added item derive from the seed and the
ids (a plate's parameters set the size of its well, which the stacked items were checked on).
Executed so, the program adds no validation problems (``worldsmith.metrics.validate``): every
pose passed ``layout.fill.SurfaceChecker``, the rules ``fill()`` keeps.

The offline path (both ``"offline"``) needs no renderer and no model and is deterministic: the
same scene and seed give the same program text. Views are rendered (``gl``) only for a VLM or when
``views_dir`` is set (PNG files named ``<target>_object``, ``<target>_s<surface>`` (offline, with
the points marked: green placed, red rejected) and ``<target>_s<surface>_a<attempt>`` (each image
sent to the pointing model)). Chat failures (``VLMError``) are not caught: the caller decides.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ...assets import catalog, support_surfaces
from ...scene import ObjectInstance, Scene, WorldsmithError
from ...scene.rng import derive_rng
from ..protocol import USAGE_KEYS, add_usage
from . import choose, placer
from .placer import Placed

log = logging.getLogger(__name__)

MODES = ("offline", "vlm")


class AssetPolicyError(WorldsmithError):
    """A bad request to the asset policy: an unknown container, a mode without a client."""


@dataclass
class AssetPlan:
    """What :meth:`AssetPolicy.plan` decided for ``container``.

    - ``program``: DSL lines adding and placing every item ("" when nothing was placed);
    - ``items``: one dict per placed item, in program order: ``id`` (its object id when the
      program runs with the plan's seed), ``var`` (its program variable), ``category``, ``x``,
      ``y``, ``z`` (bottom centre, world), ``yaw``, ``size`` (w, d, h), ``surface`` (index on
      ``on``), ``on`` (the container or the item it stands on), ``point`` (the normalised point it
      came from), ``attempts`` (1: the first point worked);
    - ``rejected``: every point not used, ``{target, surface, category, point, reason, attempt}``;
    - ``skipped``: what was wanted but not placed, ``{category, reason}``;
    - ``views``: image files written (with ``views_dir``);
    - ``usage``: the chats' usage summed (:data:`worldsmith.policy.protocol.USAGE_KEYS`).
    """

    container: str
    program: str
    items: list[dict]
    rejected: list[dict]
    views: list[str]
    usage: dict
    skipped: list[dict] = field(default_factory=list)


def is_container(obj: ObjectInstance) -> bool:
    """Whether ``obj`` is a container (see the module docstring)."""
    try:
        info = catalog.info_for(obj.category, obj.asset, obj.size)
        levels = catalog.surface_levels(obj.category)
    except KeyError:
        return False
    if info.support == "object" or not levels:
        return False
    from ...layout.fill import dressing_data

    dressings = dressing_data()["dressings"]
    if obj.category in dressings and not dressings[obj.category]:
        return False
    return bool(support_surfaces(obj))


def _num(v: float) -> str:
    return repr(float(v))


class _PlanRun:
    """The state of one :meth:`AssetPolicy.plan` call (the :class:`placer.Run` the placer uses)."""

    def __init__(self, policy: "AssetPolicy", scene: Scene, seed: int):
        self.policy = policy
        self.scene0 = scene
        self.seed = int(seed)
        self.view_size = (int(policy.view_size[0]), int(policy.view_size[1]))
        self.max_retries = int(policy.max_retries)
        self.lines: list[str] = []
        self.placed: list[tuple[Placed, str]] = []
        self.var_of: dict[str, str] = {}  # object id -> program variable (bases of stacks)
        self.rejected: list[dict] = []
        self.skipped: list[dict] = []
        self.views: list[str] = []
        self.usage: dict[str, Any] = dict.fromkeys(USAGE_KEYS, 0)
        self._counts: dict[str, int] = {}
        self._cache: tuple[int, Any] | None = None

    # -- the program -------------------------------------------------------------------------
    def program(self) -> str:
        return "".join(line + "\n" for line in self.lines)

    def result(self):
        from ...dsl import execute

        if self._cache is None or self._cache[0] != len(self.lines):
            self._cache = (len(self.lines), execute(self.program(), self.scene0, self.seed))
        return self._cache[1]

    def scene(self) -> Scene:
        return self.result().scene

    def object_id(self, index: int) -> str:
        """The object id of the ``index``-th placed item (the program run so far)."""
        return self.result().report.added[index]

    def place(self, p: Placed) -> str:
        n = self._counts.get(p.category, 0)
        self._counts[p.category] = n + 1
        var = f"{p.category}{n}"
        on = self.var_of.get(p.on)
        on_text = on if on is not None else f'"{p.on}"'
        surface = f", surface={p.surface}" if p.surface != 0 else ""
        size = ", ".join(_num(v) for v in p.size)
        self.lines.append(f'{var} = add("{p.category}", on={on_text}{surface}, size=({size}))')
        self.lines.append(f"place({var}, at=({_num(p.x)}, {_num(p.y)}), yaw={_num(p.yaw)})")
        self.placed.append((p, var))
        return var

    # -- records -------------------------------------------------------------------------------
    def reject(self, record: dict) -> None:
        self.rejected.append(record)

    def skip(self, category: str, reason: str) -> None:
        self.skipped.append({"category": category, "reason": reason})

    def wants_views(self) -> bool:
        return self.policy.views_dir is not None

    def save_view(self, image: np.ndarray, name: str) -> None:
        if self.policy.views_dir is None:
            return
        from PIL import Image

        folder = Path(self.policy.views_dir)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        Image.fromarray(np.asarray(image, dtype=np.uint8)).save(path)
        self.views.append(str(path))

    def ask(self, messages: list[dict]) -> str:
        reply = self.policy.client.chat(messages, temperature=self.policy.temperature)
        self.usage = add_usage(self.usage, reply.usage_record())
        return str(reply.text)


class AssetPolicy:
    """Small objects on containers, placed by pointing (see the module docstring)."""

    def __init__(self, client: Any = None, *, chooser: str = "offline", pointer: str = "offline",
                 view_size: Sequence[int] = (512, 512), max_retries: int = 2, temperature: float = 0.2,
                 views_dir: Path | str | None = None):
        for name, mode in (("chooser", chooser), ("pointer", pointer)):
            if mode not in MODES:
                raise AssetPolicyError(f"{name} must be one of {', '.join(MODES)}, got {mode!r}")
        if "vlm" in (chooser, pointer) and client is None:
            raise AssetPolicyError("a VLM chooser or pointer needs a client (a ChatClient with .chat())")
        if len(view_size) != 2 or min(int(v) for v in view_size) < 16:
            raise AssetPolicyError(f"view_size must be (width, height) of at least 16 px, got {view_size!r}")
        if isinstance(max_retries, bool) or int(max_retries) != max_retries or max_retries < 0:
            raise AssetPolicyError(f"max_retries must be a whole number >= 0, got {max_retries!r}")
        self.client = client
        self.chooser = chooser
        self.pointer = pointer
        self.view_size = (int(view_size[0]), int(view_size[1]))
        self.max_retries = int(max_retries)
        self.temperature = float(temperature)
        self.views_dir = None if views_dir is None else Path(views_dir)

    def containers(self, scene: Scene) -> list[str]:
        """Ids of the objects that can hold small objects and hold none yet, in scene order."""
        held = {o.support_target for o in scene.objects if o.support_kind == "object"}
        return [o.id for o in scene.objects if o.id not in held and is_container(o)]

    def plan(self, scene: Scene, container_id: str, seed: int = 0, prompt: str = "", *,
             request: Sequence[dict] | None = None) -> AssetPlan:
        """Plan the small objects on ``container_id`` (see the module docstring). ``request``
        (entries as the chooser answers them, e.g. ``[{"category": "plate", "count": 2},
        {"category": "mug", "count": 1, "on": "plate"}]``) replaces the chooser."""
        obj = scene.object_map.get(container_id)
        if obj is None:
            raise AssetPolicyError(f"no object {container_id!r} in the scene")
        surfaces = support_surfaces(obj)
        if not surfaces:
            raise AssetPolicyError(f"{container_id} ({obj.category}) has no surface to put things on")
        run = _PlanRun(self, scene, seed)
        wants = self._choose(run, obj, surfaces, prompt, request)
        self._place_on(run, container_id, wants, 1)
        items = []
        for k, (p, var) in enumerate(run.placed):
            items.append({"id": run.object_id(k), "var": var, "category": p.category, "x": p.x, "y": p.y, "z": p.z,
                          "yaw": p.yaw, "size": tuple(p.size), "surface": p.surface, "on": p.on,
                          "point": (round(p.point[0], 4), round(p.point[1], 4)), "attempts": p.attempts})
        return AssetPlan(container_id, run.program(), items, run.rejected, run.views, run.usage, run.skipped)

    # -- steps ---------------------------------------------------------------------------------
    def _choose(self, run: _PlanRun, obj: ObjectInstance, surfaces, prompt: str,
                request: Sequence[dict] | None) -> list[choose.Want]:
        indices = [s.index for s in surfaces]
        if request is not None:
            entries = [e for e in (choose.normalise_entry(x) for x in request) if e is not None]
        elif self.chooser == "offline":
            wants, skipped = choose.offline_wants(run.scene0, obj.id, run.seed)
            run.skipped.extend(skipped)
            return wants
        else:
            from .view import object_view, render_view

            text = choose.chooser_text(run.scene0, obj.id, prompt, surfaces)
            image = render_view(run.scene0, object_view(run.scene0, obj.id, run.view_size))
            run.save_view(image, f"{obj.id}_object")
            entries = choose.parse_choice(run.ask(choose.chooser_messages(text, image)))
            if not entries:
                run.skip("", "the chooser's reply named no items")
        wants, skipped = choose.wants_from_choice(entries, indices)
        run.skipped.extend(skipped)
        return wants

    def _place_on(self, run: _PlanRun, target_id: str, wants: list[choose.Want], depth: int) -> None:
        from ...layout.fill import SurfaceChecker

        if not wants:
            return
        scene = run.scene()
        checker = SurfaceChecker(scene, target_id, rng=derive_rng(run.seed, "assets", "place", target_id))
        for w in wants:
            if w.alternatives:
                index = w.surface if w.surface is not None else checker.default_surfaces()[0]
                for cat in (w.category, *w.alternatives):
                    if checker.fit(cat, catalog.get(cat).size_min, index)[0] is not None:
                        w.category = cat
                        break
        if self.pointer == "offline":
            ready = placer.complete_offline(run, scene, target_id, wants)
        else:
            ready = placer.complete_vlm(run, checker, wants)
        start = len(run.placed)
        for surface in placer.surfaces_in_order(ready):
            group = [w for w in ready if w.surface == surface]
            if self.pointer == "offline":
                placer.place_offline(run, checker, scene, target_id, surface, group)
            else:
                placer.place_vlm(run, checker, target_id, surface, group)
        for k in range(start, len(run.placed)):
            p, var = run.placed[k]
            if not p.want.stack or p.on != target_id:
                continue
            if depth >= choose.max_depth():
                for w in p.want.stack:
                    run.skip(w.category, f"stacks are at most {choose.max_depth()} levels deep")
                continue
            base_id = run.object_id(k)
            run.var_of[base_id] = var
            self._place_on(run, base_id, p.want.stack, depth + 1)
