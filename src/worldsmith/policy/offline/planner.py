"""The offline planner: a Policy that builds a room without any language model.

``reset`` reads the prompt (:func:`~worldsmith.policy.offline.parse.parse_prompt`) and samples a
:class:`~worldsmith.policy.offline.design.RoomDesign` from the knowledge files. ``act`` then
writes the same kind of DSL programs a VLM would, one step at a time:

1. ``shell``: the room polygon, doors, windows and surface materials;
2. ``large``: one step per furniture item (anchors first: a bed, then its nightstands beside it;
   a dining table, then its chairs around it);
3. ``wall`` and ``ceiling``: wall-mounted and hanging objects;
4. ``lighting``: fixtures spread over the ceiling, lamps lit, colour temperature by mood;
5. ``small``: objects on surfaces (``fill``), the furniture's default dressing;
6. ``fixup``: reads the validation report and the prompt requirements, removes what still
   breaks a hard rule and retries what is missing.

Every step reads the previous step's outcome. An object the solver could not place is retried
with looser relations, then smaller (down to its catalog minimum), then against any wall; only
then is it omitted, and every omission, shrink or swap is listed in :meth:`explanations` (and so
in the report), never dropped silently.
"""

from __future__ import annotations

import dataclasses
import math
from collections import deque
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...assets import catalog
from ...scene import Scene
from ...scene.rng import derive_rng
from ..protocol import Observation, PolicyStep

#: relations kept when an item is retried with looser placement (attempt 1)
ANCHOR_KEYS = ("facing_away_from", "against", "on_wall", "on_ceiling", "around", "row", "grid", "corner", "under", "height")
#: furniture whose default dressing is an arrangement (fill(target) with no items): pillows at a
#: bed's head, cushions against a sofa's back, a monitor and keyboard at a desk, a plate per seat
ARRANGED = ("bed", "bunk_bed", "sofa", "armchair", "desk", "dining_table", "conference_table")
#: size factor per attempt (applied to width and depth, never below the catalog minimum)
SHRINK = (1.0, 0.85, 0.7)
MAX_ATTEMPTS = 3
FIX_ROUNDS = 2
#: placement keywords whose values may name design items
TARGET_KEYS = ("facing", "same_yaw_as", "next_to", "in_front_of", "behind", "around", "center_aligned_with",
               "near", "far_from", "between")


def _fmt(value: Any) -> str:
    """A DSL literal for a Python value."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        return repr(round(value, 4))
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    return repr(value)


@dataclass
class Task:
    kind: str  # shell | item | lights | dress | enrich | fixup
    key: str = ""
    attempt: int = 0
    count: int = 0
    reason: str = ""


class OfflinePlanner:
    """The built-in planner (see the module doc). ``temperature`` scales how adventurous the
    sampled design is (0: the most typical choices)."""

    name = "offline"

    def __init__(self, temperature: float = 1.0):
        if not (isinstance(temperature, (int, float)) and 0.0 <= temperature <= 3.0):
            from ...scene import WorldsmithError

            raise WorldsmithError(f"temperature must be between 0 and 3, got {temperature!r}")
        self.temperature = float(temperature)
        self.design = None
        self.spec = None

    # -- protocol ----------------------------------------------------------------------------
    def reset(self, prompt: str, seed: int) -> None:
        from .design import design_room
        from .parse import parse_prompt

        self.spec = parse_prompt(prompt)
        self.design = design_room(self.spec, derive_rng(seed, "planner", "design"), self.temperature)
        self.items = {item.key: _used_from_front(item, self.design.items) for item in self.design.items}
        self.ids: dict[str, list[str]] = {item.key: [] for item in self.design.items}
        self.notes: list[dict] = []
        self.inflight: Task | None = None
        self._scene: Scene | None = None
        self.pending: list[str] = []  # item key of each add() of the step in flight, in order
        self.fix_round = 0
        #: furniture a dressing step already asked fill() for (a failed fill leaves no trace in the scene)
        self.filled: set[str] = set()
        q: deque[Task] = deque([Task("shell")])
        scheduled: set[str] = set()

        def reaches(start: str, goal: str, seen: set) -> bool:
            """Whether ``start``'s unscheduled references lead back to ``goal``."""
            if start == goal:
                return True
            if start in scheduled or start in seen:
                return False
            seen.add(start)
            return any(reaches(r, goal, seen) for r in self._references(self.items[start]))

        def schedule(key: str, trail: tuple = ()) -> None:
            """Queue ``key`` after the items it refers to (a whiteboard before the desks facing it).
            A reference that leads back to ``key`` (a sofa facing the TV, the TV above the stand,
            the stand facing the sofa) is queued after it: the cycle breaks where it was entered,
            so the rest of the cycle is placed relative to ``key``."""
            if key in scheduled or key in trail:
                return
            refs = self._references(self.items[key])
            cyclic = [r for r in refs if reaches(r, key, set())]
            for ref in refs:
                if ref not in cyclic:
                    schedule(ref, trail + (key,))
            scheduled.add(key)
            q.append(Task("item", key, 0, self.items[key].count))
            for ref in cyclic:
                schedule(ref, trail)

        for stage in ("large", "wall", "ceiling", "small"):
            for it in self.design.items:
                if it.stage == stage:
                    schedule(it.key)
            if stage == "ceiling":
                q.append(Task("lights"))
        q.extend(Task("dress", str(i)) for i in range(len(self.design.dressing)))
        q.append(Task("enrich"))
        q.append(Task("fixup"))
        self.queue = q

    def act(self, observation: Observation) -> PolicyStep | None:
        self._absorb(observation)
        while self.queue:
            task = self.queue.popleft()
            step = self._step(task, observation)
            if step is not None:
                self.inflight = task
                return step
        self.inflight = None
        return None

    def explanations(self) -> list[dict]:
        return list(self.notes)

    def requirements(self) -> list[dict]:
        """What the prompt asked for, as requirement maps (see :mod:`worldsmith.metrics.fidelity`)."""
        return [dataclasses.asdict(r) for r in self.spec.requirements] if self.spec else []

    def design_summary(self) -> dict:
        d = self.design
        if d is None:
            return {}
        xs = [p[0] for p in d.polygon]
        ys = [p[1] for p in d.polygon]
        return {"room_type": d.room_type, "name": d.name, "style": d.style, "shape": self.spec.shape,
                "size": self.spec.size, "footprint_m": [round(max(xs) - min(xs), 3), round(max(ys) - min(ys), 3)],
                "height": d.height, "items": [{"key": i.key, "category": i.category, "count": i.count,
                                               "stage": i.stage, "source": i.source} for i in d.items]}

    # -- reading the last step ------------------------------------------------------------
    def _absorb(self, obs: Observation) -> None:
        task, self.inflight = self.inflight, None
        if task is None:
            return
        pending, self.pending = self.pending, []
        if obs.last_error is not None:
            reason = f"{obs.last_error.get('code')}: {obs.last_error.get('message')}"
            if task.kind == "item":
                self._retry(task, task.count, reason)
            else:
                self.notes.append({"stage": task.kind, "action": "step failed", "reason": reason})
            return
        report = obs.last_report or {}
        if task.kind != "item":
            for u in report.get("unplaced", []):
                self.notes.append({"object": u.get("id"), "category": u.get("category"), "action": "omitted",
                                   "reason": f"could not be placed ({u.get('constraint')}: {u.get('reason')})"})
            return
        unplaced = {u["id"]: u for u in report.get("unplaced", []) if u.get("id")}
        added = [a for a in report.get("added", [])]
        failed, why = 0, ""
        if len(added) != len(pending):  # fill() may skip items: match by category instead
            by_cat = {}
            for key in pending:
                by_cat.setdefault(self.items[key].category, []).append(key)
            pairs = []
            for object_id in added:
                obj = obs.scene.object_map.get(object_id)
                cat = obj.category if obj is not None else unplaced.get(object_id, {}).get("category")
                keys = by_cat.get(cat) or []
                if keys:
                    pairs.append((keys.pop(0), object_id))
            failed_skips = sum(len(v) for v in by_cat.values())
        else:
            pairs, failed_skips = list(zip(pending, added)), 0
        if failed_skips:
            failed += failed_skips
            why = next((f"{u.get('constraint')}: {u.get('reason')}" for u in report.get("unplaced", [])), "skipped")
        for key, object_id in pairs:
            if object_id in unplaced:
                failed += 1
                u = unplaced[object_id]
                why = f"{u.get('constraint')}: {u.get('reason')}"
            elif object_id in obs.scene.object_map:
                self.ids[key].append(object_id)
        if task.attempt > 0 and failed < task.count:
            item = self.items[task.key]
            self.notes.append({"item": task.key, "category": item.category, "count": task.count - failed,
                               "action": "shrunk" if SHRINK[min(task.attempt, len(SHRINK) - 1)] < 1 else "relaxed",
                               "reason": f"placed on attempt {task.attempt + 1} after: {task.reason}"})
        if failed:
            self._retry(task, failed, why)

    def _retry(self, task: Task, count: int, reason: str) -> None:
        item = self.items[task.key]
        if task.attempt + 1 < MAX_ATTEMPTS:
            self.queue.appendleft(Task("item", task.key, task.attempt + 1, count, reason))
            return
        self.notes.append({"item": task.key, "category": item.category, "count": count, "action": "omitted",
                           "required": bool(item.required),
                           "reason": f"no valid place after {MAX_ATTEMPTS} attempts (looser relations, "
                                     f"smaller sizes, any wall): {reason}"})

    # -- writing programs --------------------------------------------------------------------
    def _step(self, task: Task, obs: Observation) -> PolicyStep | None:
        if task.kind == "shell":
            return PolicyStep(self._shell_program(), "shell", f"{self.design.name}: room shell, openings, materials")
        if task.kind == "item":
            return self._item_step(task, obs.scene)
        if task.kind == "lights":
            return self._lights_step(obs.scene)
        if task.kind == "dress":
            return self._dress_step(int(task.key), obs.scene)
        if task.kind == "enrich":
            return self._enrich_step(obs.scene)
        if task.kind == "fixup":
            return self._fixup_step(obs)
        return None

    def _shell_program(self) -> str:
        d = self.design
        pts = ", ".join(f"({x:g}, {y:g})" for x, y in d.polygon)
        lines = [f"room({d.name!r}, polygon=[{pts}], height={d.height:g})"]
        for door in d.doors:
            lines.append(f"door(\"wall_{door['wall']}\", at={door['at']:.3f}, width={door.get('width', 0.9):g})")
        for w in d.windows:
            lines.append(f"window(\"wall_{w['wall']}\", at={w['at']:.3f}, width={w.get('width', 1.2):g}, "
                         f"height={w.get('height', 1.2):g}, sill={w.get('sill', 0.9):g})")
        for surface, desc in d.materials.items():
            lines.append(f"material({surface!r}, {desc!r})")
        return "\n".join(lines) + "\n"

    def _add_args(self, item, attempt: int) -> str:
        args = [repr(item.category)]
        for name in ("color", "material", "style"):
            value = getattr(item, name)
            if value is not None:
                args.append(f"{name}={_fmt(value)}")
        sizes = dict(item.size or {})
        factor = SHRINK[min(attempt, len(SHRINK) - 1)]
        if factor < 1.0:
            info = catalog.get(item.category) if catalog.resolve(item.category) == item.category else None
            base = [sizes.get("width"), sizes.get("depth")]
            if info is not None:
                for i, name in enumerate(("width", "depth")):
                    typical = base[i] if base[i] is not None else info.size_typical[i]
                    sizes[name] = round(max(info.size_min[i], typical * factor), 3)
        for name in ("width", "depth", "height"):
            if sizes.get(name) is not None:
                args.append(f"{name}={_fmt(float(sizes[name]))}")
        return ", ".join(args)

    def _resolve_targets(self, place: dict, attempt: int, instance: int | None = None) -> tuple[dict, list[str]]:
        """``place`` with item keys replaced by object ids (instance ``i`` of an item pairs with
        instance ``i`` of a target item that has several: chair i behind desk i); relations to
        items that are not in the scene (omitted) are dropped and named. Attempt 1 keeps only
        the anchoring relations, attempt 2 only wall/ceiling mounting."""
        out, dropped = {}, []
        for k, v in place.items():
            if attempt >= 1 and k not in ANCHOR_KEYS:
                dropped.append(k)
                continue
            if k == "facing_away_from":  # a desk whose user looks at v: its front points away from v
                wall = self._wall_away_from(v, instance)
                if wall is None:
                    dropped.append("facing")
                else:
                    out["facing"] = wall
                continue
            if k in TARGET_KEYS:
                values = list(v) if k == "between" else [v]
                ids = [self._id_for(t, instance) if isinstance(t, str) and t in self.items else t for t in values]
                if any(i is None for i in ids):
                    dropped.append(k)
                    continue
                out[k] = ids if k == "between" else ids[0]
                continue
            out[k] = v
        if attempt >= 2:
            out = {k: v for k, v in out.items() if k in ("on_wall", "on_ceiling", "height")}
        return out, dropped

    def _wall_away_from(self, target: str, instance: int | None) -> str | None:
        """The wall across the room from ``target`` (an item key or a wall id): the wall the ray
        from ``target`` through the room's interior point reaches."""
        from ...layout.relations import ray_wall_hits
        from ...layout.resolve import interior_point

        scene = self._scene
        if scene is None or not scene.rooms:
            return None
        if target in scene.wall_map:
            w = scene.wall(target)
            p = ((w.start[0] + w.end[0]) / 2, (w.start[1] + w.end[1]) / 2)
        else:
            oid = self._id_for(target, instance) if target in self.items else target
            if oid is None or oid not in scene.object_map:
                return None
            p = scene.object(oid).position[:2]
        room = scene.rooms[0]
        c = interior_point(room)
        dx, dy = c[0] - p[0], c[1] - p[1]
        norm = math.hypot(dx, dy)
        if norm < 1e-6:
            return None
        walls = [w for w in scene.walls if w.room == room.id]
        hits = ray_wall_hits(np.array([c[0]]), np.array([c[1]]), dx / norm, dy / norm, walls)[0]
        first = int(np.argmin(hits))
        return walls[first].id if np.isfinite(hits[first]) else None

    def _id_for(self, key: str, instance: int | None) -> str | None:
        ids = self.ids.get(key) or []
        if not ids:
            return None
        return ids[0] if instance is None or len(ids) == 1 else ids[instance % len(ids)]

    def _grid_spacing(self, item) -> list[float]:
        """Gaps of a grid (between columns, between rows) that leave room for what stands in front
        of / behind each member (a chair behind each classroom desk) plus a 0.6 m aisle."""
        depth = 0.0
        for other in self.design.items:
            p = other.place or {}
            if any(p.get(k) == item.key for k in ("behind", "in_front_of")):
                try:
                    depth = max(depth, catalog.info_for(other.category).size_typical[1])
                except KeyError:  # a proxy: a chair's depth
                    depth = max(depth, 0.6)
        return [0.5, round(depth + 0.6, 2) if depth else 0.9]

    @staticmethod
    def _fallback_place(category: str) -> dict:
        """Where an item goes when nothing else is asked: by its catalog support and hints."""
        try:
            info = catalog.info_for(category)
        except KeyError:  # a proxy the catalog does not know: against a wall is always sensible
            return {"against": "any_wall"}
        if info.support == "wall":
            return {"on_wall": "any_wall"}
        if info.support == "ceiling":
            return {"on_ceiling": True}
        return {"against": "any_wall"} if info.against_wall else {"center": True}

    def _references(self, item) -> list[str]:
        """Keys of the design items ``item``'s placement refers to."""
        refs = []
        for k, v in (item.place or {}).items():
            values = v if isinstance(v, (list, tuple)) else [v]
            refs += [t for t in values if isinstance(t, str) and t in self.items and t != item.key]
        return refs

    def _item_step(self, task: Task, scene: Scene) -> PolicyStep | None:
        self._scene = scene
        item = self.items[task.key]
        n = task.count
        if n <= 0:
            return None
        place = dict(item.place or {})
        lines: list[str] = []
        pending: list[str] = []
        on = place.pop("on", None)
        if on is not None and _stands_on_floor(item.category):
            # furniture "on" a rug stands on the floor over it
            place.setdefault("near", on)
            place.setdefault("center_aligned_with", on)
            on = None
        if on is not None:
            targets = [t for t in (self.ids.get(on) or []) if t in scene.object_map]
            if not targets:
                self.notes.append({"item": item.key, "category": item.category, "count": n, "action": "omitted",
                                   "reason": f"it stands on {on}, which is not in the scene"})
                return None
            if _mounts_on_wall(item.category):
                # a TV on its stand: add() centres it on the top, turned like the stand
                for target, k in zip(targets, _split(n, len(targets))):
                    for _ in range(k):
                        lines.append(f"h{len(pending)} = add({self._add_args(item, task.attempt)}, on={target!r})")
                        pending.append(item.key)
                self.pending = pending
                return PolicyStep("\n".join(lines) + "\n", item.stage, f"{n} x {item.category} on {on}")
            # fill() finds free spots on the surface (beside what is there already)
            for target, k in zip(targets, _split(n, len(targets))):
                if k > 0:
                    lines.append(f"fill({target!r}, [{item.category!r}], count={k})")
                    pending += [item.key] * k
            self.pending = pending
            return PolicyStep("\n".join(lines) + "\n", item.stage, f"{n} x {item.category} on {on}")
        group_key = next((k for k in ("around", "row", "grid") if k in place), None)
        dropped: list[str] = []
        if group_key is not None and task.attempt == 0 and n > 1:
            kw, dropped = self._resolve_targets(place, 0)
            if group_key == "grid" and "spacing" not in kw:
                kw["spacing"] = self._grid_spacing(item)
            anchors = [None]
            if group_key == "around":
                key = place["around"]
                anchors = [t for t in self.ids.get(key, []) if t in scene.object_map] if key in self.items else [key]
            if group_key == "around" and not anchors:
                group_key = None  # the table is not there: place the seats one by one below
            else:
                for anchor, k in zip(anchors, _split(n, len(anchors))):
                    if k <= 0:
                        continue
                    vars_ = []
                    for _ in range(k):
                        vars_.append(f"h{len(pending)}")
                        lines.append(f"{vars_[-1]} = add({self._add_args(item, task.attempt)})")
                        pending.append(item.key)
                    args = dict(kw, around=anchor) if anchor is not None else kw
                    target = vars_[0] if len(vars_) == 1 else f"[{', '.join(vars_)}]"
                    lines.append(f"place({target}, {', '.join(f'{a}={_fmt(v)}' for a, v in args.items())})")
        if not lines:
            for j in range(n):
                kw, dropped = self._resolve_targets(place, task.attempt, j)
                if "around" in kw:  # one seat at a time: face the table, close to it
                    anchor = kw.pop("around")
                    kw.update(facing=anchor, near=anchor)
                kw.pop("row", None)
                kw.pop("grid", None)
                if not any(k not in ("height", "distance", "side", "spacing") for k in kw):
                    kw = dict(self._fallback_place(item.category), **{k: v for k, v in kw.items() if k == "height"})
                var = f"h{len(pending)}"
                lines.append(f"{var} = add({self._add_args(item, task.attempt)})")
                lines.append(f"place({var}, {', '.join(f'{a}={_fmt(v)}' for a, v in kw.items())})")
                pending.append(item.key)
        if dropped and task.attempt == 0:
            lines.insert(0, f"# relations to missing items dropped: {', '.join(sorted(set(dropped)))}")
        self.pending = pending
        note = f"{n} x {item.category}" + (f" (attempt {task.attempt + 1}: {task.reason})" if task.attempt else "")
        return PolicyStep("\n".join(lines) + "\n", item.stage, note)

    def _lights_step(self, scene: Scene) -> PolicyStep | None:
        from ...layout.ceiling import ceiling_light_positions, lights_for_room

        if not scene.rooms:
            return None
        room = scene.rooms[0]
        lines = []
        for spec in self.design.lights:
            watts = float(spec.get("watts", 60))
            colour = spec.get("color")
            tone = f"color={_fmt(list(colour))}" if colour is not None else f"kelvin={float(spec.get('kelvin', 3000)):g}"
            if spec.get("at_item"):
                for oid in self.ids.get(spec["at_item"], []):
                    obj = scene.object_map.get(oid)
                    if obj is None:
                        continue
                    z = min(room.height - 0.05, obj.top - 0.2 * obj.size[2])
                    lines.append(f"light(\"point\", at=({obj.position[0]:.3f}, {obj.position[1]:.3f}, {z:.3f}), "
                                 f"watts={watts:g}, {tone})")
                continue
            kind = spec.get("kind", "ceiling")
            count = spec.get("count")
            n = int(count) if isinstance(count, (int, float)) and count else lights_for_room(room)
            for x, y in ceiling_light_positions(room, n):
                lines.append(f"light({kind!r}, at=({x:.3f}, {y:.3f}), watts={watts:g}, {tone})")
        if not lines:
            return None
        return PolicyStep("\n".join(lines) + "\n", "lighting", f"{len(lines)} lights")

    def _dress_step(self, index: int, scene: Scene) -> PolicyStep | None:
        entry = self.design.dressing[index]
        targets = [t for t in self.ids.get(entry.get("target", ""), []) if t in scene.object_map]
        if not targets:
            return None
        items = entry.get("items")
        lines = []
        self.filled.update(targets)
        for t in targets:
            args = [repr(t)]
            if scene.object(t).category in ARRANGED:  # the arranged default: pillows at the head ...
                lines.append(f"fill({t!r})")
                continue
            if items:
                args.append(_fmt(list(items)))
            if entry.get("count") is not None:
                args.append(f"count={int(entry['count'])}")
            elif entry.get("density") is not None:
                args.append(f"density={float(entry['density']):g}")
            lines.append(f"fill({', '.join(args)})")
        return PolicyStep("\n".join(lines) + "\n", "small", f"dress {entry.get('target')}")

    def _enrich_step(self, scene: Scene) -> PolicyStep | None:
        """Furniture that still carries nothing gets its default dressing (books on a dresser, a
        plant on a side table): rooms look lived in, as people furnish them. Furniture a dressing
        step already tried is left alone: when that fill found no room, this one would not either."""
        dressable = _default_dressings()
        carrying = {o.support_target for o in scene.objects if o.support_kind == "object"}
        lines = [f"fill({o.id!r})" for o in scene.objects
                 if o.category in dressable and o.id not in carrying | self.filled
                 and o.support_kind in ("floor", "wall")]
        if not lines:
            return None
        return PolicyStep("\n".join(lines) + "\n", "small", f"dress {len(lines)} bare surfaces")

    def _fixup_step(self, obs: Observation) -> PolicyStep | None:
        """Remove what breaks a hard rule; queue retries for requirements still missing."""
        from ...metrics.fidelity import category_matches, check_requirement

        v = obs.validation or {}
        scene = obs.scene
        victims: dict[str, str] = {}
        for c in v.get("collisions", []):
            a, b = scene.object_map.get(c["a"]), scene.object_map.get(c["b"])
            if a is None or b is None:
                continue
            loser = self._less_important(a, b)
            victims.setdefault(loser.id, f"collided with {(b if loser is a else a).id}")
        for o in v.get("out_of_bounds", []):
            victims.setdefault(o["id"], "outside the room")
        for o in v.get("blocked_openings", []):
            victims.setdefault(o["object"], f"blocked {o['opening']}")
        for o in v.get("unsupported", []):
            victims.setdefault(o["id"], "not supported")
        lines = []
        for oid, why in sorted(victims.items()):
            if oid in scene.object_map:
                lines.append(f"remove({oid!r})  # {why}")
                self.notes.append({"object": oid, "category": scene.object(oid).category, "action": "removed",
                                   "reason": why})
        if self.fix_round < FIX_ROUNDS:
            self.fix_round += 1
            retries = []
            for req in self.requirements():
                if req["kind"] != "object" or check_requirement(scene, req)[0]:
                    continue
                want = int(req["value"] or 1)
                have = sum(1 for o in scene.objects if category_matches(o.category, req["key"]))
                item = next((it for it in self.design.items if category_matches(it.category, req["key"])), None)
                if item is not None:
                    retries.append(Task("item", item.key, 1, want - have, "prompt requirement unmet"))
            if retries or lines:
                self.queue.extend(retries)
                self.queue.append(Task("fixup"))
        if not lines:
            return None  # act() goes on with the queued retries, if any
        return PolicyStep("\n".join(lines) + "\n", "fixup", f"remove {len(lines)} objects that break hard rules")

    @staticmethod
    def _less_important(a, b):
        """Of two colliding objects, the one to give up: small objects before furniture, then the
        smaller footprint."""
        rank = {"object": 0, "wall": 1, "ceiling": 1, "floor": 2}
        ka = (rank.get(a.support_kind, 2), a.size[0] * a.size[1], a.id)
        kb = (rank.get(b.support_kind, 2), b.size[0] * b.size[1], b.id)
        return a if ka < kb else b


def _split(n: int, k: int) -> list[int]:
    """``n`` spread over ``k`` as evenly as possible, larger shares first."""
    base, extra = divmod(n, max(k, 1))
    return [base + (1 if i < extra else 0) for i in range(max(k, 1))]


def _stands_on_floor(category: str) -> bool:
    try:
        return catalog.info_for(category).support == "floor"
    except KeyError:  # a proxy the catalog does not know
        return False


def _mounts_on_wall(category: str) -> bool:
    try:
        return catalog.info_for(category).support == "wall"
    except KeyError:
        return False


def _default_dressings() -> frozenset[str]:
    """Categories with a default dressing (layout/data/dressing.json), seats excluded."""
    import json
    from importlib import resources

    data = json.loads(resources.files("worldsmith.layout").joinpath("data/dressing.json").read_text("utf-8"))
    return frozenset(data["dressings"]) - frozenset(data.get("seat_categories", ()))


def _used_from_front(item, items) -> Any:
    """Desks and workbenches are used from their front, so their user looks the other way: a
    design's "desks facing the whiteboard" (where the students look) becomes "front away from the
    whiteboard", and a chair "behind" such a desk (on the user's side) sits in front of it."""
    from ...metrics.fidelity import USED_FROM_FRONT

    place = dict(item.place or {})
    if item.category in USED_FROM_FRONT and "facing" in place:
        place["facing_away_from"] = place.pop("facing")
    by_key = {i.key: i for i in items}
    target = place.get("behind")
    if isinstance(target, str) and target in by_key and by_key[target].category in USED_FROM_FRONT:
        place["in_front_of"] = place.pop("behind")
    return dataclasses.replace(item, place=place) if place != dict(item.place or {}) else item
