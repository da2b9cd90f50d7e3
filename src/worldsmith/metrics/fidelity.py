"""Prompt fidelity: does the final scene give what the prompt asked for?

``prompt_fidelity(scene, requirements) -> dict``. Each requirement is a map ``{"kind", "key",
"value", "text"}`` (the planner's :class:`worldsmith.policy.offline.spec.Requirement` as a dict;
any policy may supply its own). Each is checked on the scene by the test below, and the result
lists every requirement with ``satisfied`` and a ``detail`` saying what was found:

* ``object`` (key: category, value: count): at least ``value`` objects whose category is the key
  or ends with ``_<key>`` (a ``dining_chair`` is a chair, a ``cafe_table`` a table).
* ``material`` (key: surface, value: words): some word appears in the material description or in
  the library material it resolved to. Surfaces: ``floor``, ``ceiling``, ``walls`` (every wall
  without its own material), ``wall_<i>``, ``wall_accent`` (some wall with its own material), or
  an object category (``counter``: objects whose category contains it, their main material or
  colour).
* ``lighting`` (key: mood): ``warm``: the lumen-weighted mean colour temperature <= 3300 K;
  ``cool``: >= 4500 K; ``bright``: >= 150 lm per m2 of floor; ``dim``: <= 80 lm per m2; ``neon``:
  a coloured (rgb) light or a neon sign; ``natural``: a window. (Watts convert at 15 lm/W.)
* ``style`` (key: style): at least half of the floor furniture carries that style attribute.
* ``color`` (key: category, value: colour): some object of that category has that colour.
* ``relation`` (value: ``{"relation", "subject", "object"}``): some subject object satisfies it:
  ``on_wall``: wall-supported; ``on``: resting on an object of the ``object`` category;
  ``under`` (a window), ``facing``, ``next_to``, ``middle``, ``along_walls``, ``around``: by the
  layout relation tests (:func:`worldsmith.layout.relations.check_relation`). Furniture used from
  its front (:data:`USED_FROM_FRONT`: desks, workbenches) "faces" where its user looks, the
  opposite of its front: "desks facing a whiteboard" holds when the desks' backs point at it.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from ..scene import ObjectInstance, Scene

#: categories whose user sits or stands at their front and looks across them, away from the front
USED_FROM_FRONT = ("desk", "workbench", "drafting_table", "vanity", "reception_desk")

WARM_MAX_K = 3300.0
COOL_MIN_K = 4500.0
BRIGHT_MIN_LM_M2 = 150.0
DIM_MAX_LM_M2 = 80.0


def category_matches(category: str, key: str) -> bool:
    """True when an object of ``category`` counts for a request of ``key``."""
    return category == key or category.endswith("_" + key)


def _words(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value.lower()]
    return [str(v).lower() for v in (value or ())]


def _has_word(texts: Iterable[str], words: list[str]) -> str | None:
    for text in texts:
        low = text.lower()
        for w in words:
            if w and w in low:
                return text
    return None


def _material_texts(scene: Scene, description: str) -> list[str]:
    choice = scene.material_choices.get(description)
    return [description] + ([choice.material.replace("_", " ")] if choice is not None else [])


def _check_material(scene: Scene, key: str, value: Any) -> tuple[bool, str]:
    words = _words(value)
    texts: list[str] = []
    surface = key in ("floor", "ceiling", "walls") or key.startswith("wall_")
    for room in scene.rooms:
        mats = dict(room.materials)
        if key == "wall_accent":
            for k, v in mats.items():
                if k.startswith("wall_"):
                    texts += _material_texts(scene, v)
        elif key in mats:
            texts += _material_texts(scene, mats[key])
    if not surface:
        for o in scene.objects:
            if key in o.category:
                for desc in o.attributes.materials.values():
                    texts += _material_texts(scene, desc)
                if isinstance(o.attributes.color, str):
                    texts.append(o.attributes.color)
    hit = _has_word(texts, words)
    if hit is not None:
        return True, f"{key}: {hit!r}"
    return False, f"{key}: " + (", ".join(repr(t) for t in texts[:4]) if texts else "no material set")


def _check_lighting(scene: Scene, mood: str) -> tuple[bool, str]:
    lights = scene.lights
    area = sum(r.area for r in scene.rooms) or 1.0
    lumens = sum(light.lumens_value for light in lights)
    warm = [(light.kelvin_value, light.lumens_value) for light in lights if light.kelvin_value is not None]
    weight = sum(w for _, w in warm)
    mean_k = sum(k * w for k, w in warm) / weight if weight else None
    density = lumens / area
    if mood == "warm":
        return (mean_k is not None and mean_k <= WARM_MAX_K), f"mean colour temperature {mean_k or 0:.0f} K"
    if mood == "cool":
        return (mean_k is not None and mean_k >= COOL_MIN_K), f"mean colour temperature {mean_k or 0:.0f} K"
    if mood == "bright":
        return density >= BRIGHT_MIN_LM_M2, f"{density:.0f} lm/m2"
    if mood == "dim":
        return density <= DIM_MAX_LM_M2, f"{density:.0f} lm/m2"
    if mood == "neon":
        coloured = [light.id for light in lights if light.rgb is not None]
        signs = [o.id for o in scene.objects if "neon" in o.category]
        return bool(coloured or signs), f"coloured lights {coloured[:3]}, neon objects {signs[:3]}"
    if mood == "natural":
        windows = [o.id for _, o in scene.openings() if o.kind == "window"]
        return bool(windows), f"windows {windows[:3]}"
    return False, f"unknown lighting mood {mood!r}"


def _furniture(scene: Scene) -> list[ObjectInstance]:
    return [o for o in scene.objects if o.support == "floor"]


def _check_relation(scene: Scene, value: Mapping[str, Any]) -> tuple[bool, str]:
    rel = str(value.get("relation", ""))
    subject = str(value.get("subject", ""))
    target = str(value.get("object", ""))
    subjects = [o for o in scene.objects if category_matches(o.category, subject)]
    if not subjects:
        return False, f"no {subject} in the scene"
    if rel == "on_wall":
        ok = [o.id for o in subjects if o.support_kind == "wall"]
        return bool(ok), f"on a wall: {ok[:3]}" if ok else f"{subject} not on a wall"
    if rel == "on":
        ok = [o.id for o in subjects if o.support_kind == "object"
              and category_matches(scene.object(o.support_target or "").category, target)]
        return bool(ok), f"on {target}: {ok[:3]}" if ok else f"no {subject} rests on a {target}"
    from ..layout import constraints as C
    from ..layout.relations import check_relation

    def checks(o: ObjectInstance) -> list:
        if rel == "under":
            return [C.Under(w.id) for _, w in scene.openings() if w.kind == "window"]
        if rel == "middle":
            return [C.Center()]
        if rel == "along_walls":
            return [C.Against("any_wall", None)]
        others = [t for t in scene.objects if t.id != o.id and category_matches(t.category, target)]
        if target in scene.wall_map:
            return [C.Facing(target)] if rel == "facing" else []
        if rel == "facing":
            return [C.Facing(t.id) for t in others]
        if rel == "next_to":
            return [C.Near(t.id) for t in others]
        if rel == "around":
            return [C.Around(t.id) for t in others]
        return []

    for o in subjects:
        probe_scene = scene
        if rel == "facing" and o.category in USED_FROM_FRONT:  # where its user looks
            import dataclasses

            turned = dataclasses.replace(o, yaw_deg=(o.yaw_deg + 180.0) % 360.0)
            probe_scene = dataclasses.replace(scene, objects=tuple(turned if x.id == o.id else x for x in scene.objects))
        for c in checks(o):
            result = check_relation(probe_scene, o.id, c)
            if result.satisfied:
                return True, f"{o.id}: {result.detail}"
    return False, f"no {subject} is {rel.replace('_', ' ')} {target}".strip()


def check_requirement(scene: Scene, req: Mapping[str, Any]) -> tuple[bool, str]:
    """(satisfied, detail) for one requirement map (see the module doc)."""
    kind, key, value = req.get("kind"), str(req.get("key", "")), req.get("value")
    if kind == "object":
        n = sum(1 for o in scene.objects if category_matches(o.category, key))
        want = int(value or 1)
        return n >= want, f"{n} of {want} {key}"
    if kind == "material":
        return _check_material(scene, key, value)
    if kind == "lighting":
        return _check_lighting(scene, key)
    if kind == "style":
        furniture = _furniture(scene)
        styled = [o for o in furniture if (o.attributes.style or "").lower() == key.lower()]
        return bool(furniture) and 2 * len(styled) >= len(furniture), f"{len(styled)} of {len(furniture)} in {key} style"
    if kind == "color":
        objs = [o for o in scene.objects if category_matches(o.category, key)]
        words = _words(value)
        hit = [o.id for o in objs if _has_word([str(o.attributes.color or "")], words)]
        return bool(hit), f"{key} coloured {value}: {hit[:3]}" if hit else f"no {key} coloured {value}"
    if kind == "relation" and isinstance(value, Mapping):
        return _check_relation(scene, value)
    return False, f"unknown requirement kind {kind!r}"


def expectation_requirements(expect: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A prompt suite's ``expect`` block (``objects``: category -> min count, ``materials``:
    surface -> words, ``lighting``: mood, ``on``: small-object category -> the category (or list of
    categories) it must rest on; see ``../shared/prompts/README.md``) as requirement maps."""
    reqs = [{"kind": "object", "key": k, "value": int(v), "text": f"expect {v} {k}"}
            for k, v in expect.get("objects", {}).items()]
    reqs += [{"kind": "material", "key": k, "value": list(v), "text": f"expect {k} {v}"}
             for k, v in expect.get("materials", {}).items()]
    if expect.get("lighting"):
        mood = expect["lighting"]
        reqs.append({"kind": "lighting", "key": mood, "value": mood, "text": f"expect {mood} light"})
    for subject, target in expect.get("on", {}).items():
        for t in ([target] if isinstance(target, str) else list(target)):
            reqs.append({"kind": "relation", "key": subject,
                         "value": {"relation": "on", "subject": subject, "object": t},
                         "text": f"expect {subject} on {t}"})
    return reqs


def prompt_fidelity(scene: Scene, requirements: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Every requirement with ``satisfied`` and ``detail``, and the share satisfied."""
    rows = []
    for req in requirements:
        ok, detail = check_requirement(scene, req)
        rows.append({"kind": req.get("kind"), "key": req.get("key"), "value": req.get("value"),
                     "text": req.get("text", ""), "satisfied": bool(ok), "detail": detail})
    n = len(rows)
    done = sum(r["satisfied"] for r in rows)
    return {"requirements": rows, "satisfied": done, "total": n, "share": round(done / n, 4) if n else 1.0}
