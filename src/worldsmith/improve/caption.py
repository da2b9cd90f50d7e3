"""A plain-English caption of a scene's contents, for the ``text_alignment`` reward.

``scene_caption(scene) -> str`` describes what the scene *contains*, never what it is *called*:
the room's ``name`` and the scene's ``prompt`` are not read, so a policy cannot raise the reward
by copying the prompt into ``room('<prompt>')``. Object ids, positions and relations are not read
either: the caption is a bag of contents and cannot tell a good layout from a bad one.

The offline planner's art studio ("a bohemian art studio with a vintage easel", seed 1) reads::

    a room with two stools, a cabinet, a copper floor lamp, a potted plant, a trash can, a vintage
    easel and a workbench; four paintings, two posters and a wall shelf on the walls; three copper
    ceiling lights; small objects: five paint cans, three jars, a book, a bowl, a cup and a vase;
    bohemian style, walnut wood furniture; terracotta tile floor, cream paint walls, white paint
    ceiling; a door and two windows; bright cool light

Rules (sections joined by ``"; "``, empty sections left out):

1. **Sections.** Objects are split by their support. ``floor`` objects are the furniture:
   ``"a room with ..."`` (``"two rooms with ..."`` for several rooms, ``"a scene with ..."`` for
   objects without any room); a room without floor objects is ``"an empty room"`` when it holds
   nothing at all (``"two empty rooms"``) and ``"a room without furniture"`` otherwise.
   ``wall:<id>`` objects are listed ``"... on the walls"``, ``ceiling`` objects in their own
   section, ``object:<id>`` objects (on furniture or shelves) are the **small objects**. A scene
   with no rooms and no objects is :data:`EMPTY_SCENE` (``"an empty scene"``).
2. **Groups.** A section's objects are grouped by (category, adjectives). The noun is the
   category with underscores as spaces (``wall_shelf`` -> ``wall shelf``); a labelled proxy (a
   category the catalog does not know, ``add("harp")``, built as a stand-in box by the ``proxy``
   generator) is a :data:`PLACEHOLDER` (``"a placeholder object"``): its label is free text
   (``add("cosy bedroom")`` makes a proxy labelled ``bedroom``) and its render shows a box. Adjectives, in English
   order style, colour, material (each as rule 12 admits it): the object's ``style`` when it
   differs from the dominant style; its colour name; its main material
   (``attributes.materials["main"]``) when it differs from the dominant material.
3. **Dominant style / material.** A style (a main material) is *dominant* when at least half of
   the floor objects carry it (the fidelity checker's style rule), ties to the alphabetically
   first. The dominant ones are said once (``"bohemian style, walnut wood furniture"``) and
   dropped from the single objects.
4. **Order.** Groups by count, largest first, then by their phrase alphabetically, so the caption
   does not depend on the order the objects were added.
5. **Counts.** One is the article: ``an`` before a vowel letter, except ``a`` before
   ``uni``/``use``/``usu``/``uti``/``eu``/``one``/``once``/``ewe``; ``an`` before
   ``hour``/``honest``/``honor``/``heir``. 2..12 are words (``two`` .. ``twelve``), 13 and more
   digits (``13 books``).
6. **Plurals** (of the last word): the irregular nouns of :data:`IRREGULAR_PLURALS` (``mouse`` ->
   ``mice``); nouns ending in a key of :data:`F_TO_VES` take its ``-ves`` form (``shelf`` ->
   ``shelves``, ``bookshelf`` -> ``bookshelves``); ``-s``/``-x``/``-z``/``-ch``/``-sh`` add
   ``-es`` (``bench`` -> ``benches``, ``glass`` -> ``glasses``); a consonant before a final ``y``
   makes ``-ies`` (``library`` -> ``libraries``, but ``toy`` -> ``toys``); the ``-o`` nouns of
   :data:`O_TO_OES` add ``-es`` (``potato`` -> ``potatoes``; ``piano`` -> ``pianos``); the rest add
   ``-s``. Plural-only nouns (:data:`MEASURE_WORDS`) are counted by their measure word
   (``a pile of folded clothes``, ``two piles of folded clothes``).
7. **Lists** join as ``"a, b and c"`` (no serial comma).
8. **Small objects are summarised**: the first :data:`SMALL_KINDS_SHOWN` (6) groups are listed,
   the rest only counted (``"and two other small objects"``).
9. **Surfaces**: each room's ``floor``, ``walls`` and ``ceiling`` materials (rule 12:
   ``"oak planks floor"``), and ``"<description> accent wall"`` for each wall with its own material
   (alphabetical); a phrase already said is not repeated; rooms in scene order.
10. **Openings**: doors, then windows, counted over all rooms (``"a door and two windows"``).
11. **Light** (the fidelity checker's thresholds, :mod:`worldsmith.metrics.fidelity`):
    ``bright`` at >= 150 lm per m^2 of floor, ``dim`` at <= 80 lm/m^2, neither between; ``warm``
    when the lumen-weighted mean colour temperature is <= 3300 K, ``cool`` at >= 4500 K,
    ``neutral`` between; ``coloured`` when some light has an RGB colour. No lights: no section.
12. **Free text is checked against what the scene shows.** Styles, colours and material
    descriptions are free text a policy writes, so a policy could paste the prompt into them.
    They reach the caption only as:

    * a **style**: its canonical name when it is one of the offline planner's styles or their
      words (``styles.json``: ``"cosy"`` -> ``"cozy"``, ``"boho"`` -> ``"bohemian"``); else
      nothing;
    * a **colour**: its normalised name when the colour library knows it
      (:func:`worldsmith.materials.colors.color_rgb`); ``#rrggbb`` and RGB triples: nothing;
    * a **material** (surfaces and objects' main material): the words of the description that
      match a word of the library material it resolved to (``scene.material_choices``; one word a
      prefix of the other, at least 3 letters: ``"hexagon"`` ~ ``hex``) or that are colour names,
      in the description's order (``"light oak planks"`` -> ``oak_planks`` -> ``"oak planks"``);
      when none but colours match, the library material's own words are added (``"kitchen"`` ->
      ``tile_square_white`` -> ``"tile square white"``); a description that resolved to nothing
      (the ``default`` material, score 0) says nothing. A description with no recorded
      resolution (a hand-made scene) is used as written when it has at most
      :data:`ATTR_MAX_WORDS` (5) words, else left out.

    So a prompt pasted into ``material("floor", ...)`` says what the floor really looks like.

The same scene gives the same caption, byte for byte. Only the standard library is used, plus the
planner's style table and the colour library (read once).
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import Iterable

from ..scene import ObjectInstance, Scene

__all__ = [
    "ATTR_MAX_WORDS", "EMPTY_SCENE", "F_TO_VES", "IRREGULAR_PLURALS", "MEASURE_WORDS", "NUMBER_WORDS", "O_TO_OES",
    "PLACEHOLDER", "SMALL_KINDS_SHOWN", "article", "count_phrase", "join_list", "pluralize", "scene_caption",
]

#: the caption of a scene with no rooms and no objects
EMPTY_SCENE = "an empty scene"
#: the noun of a labelled proxy (a category the catalog does not know, built as a stand-in box)
PLACEHOLDER = "placeholder object"
#: a material description with no recorded resolution and more words than this is left out
ATTR_MAX_WORDS = 5
#: small-object groups listed before the rest are only counted
SMALL_KINDS_SHOWN = 6
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve")
IRREGULAR_PLURALS = {"mouse": "mice", "person": "people", "child": "children", "man": "men", "woman": "women",
                     "foot": "feet", "tooth": "teeth", "goose": "geese", "ox": "oxen", "die": "dice",
                     "species": "species", "series": "series", "sheep": "sheep", "fish": "fish"}
F_TO_VES = {"shelf": "shelves", "knife": "knives", "leaf": "leaves", "wolf": "wolves", "loaf": "loaves",
            "half": "halves", "life": "lives", "wife": "wives", "calf": "calves", "thief": "thieves",
            "scarf": "scarves"}
O_TO_OES = frozenset({"potato", "tomato", "hero", "echo", "torpedo", "volcano"})
#: plural-only nouns and the word that counts them
MEASURE_WORDS = {"clothes": "pile", "scissors": "pair", "pants": "pair", "trousers": "pair", "jeans": "pair",
                 "tongs": "pair", "pliers": "pair"}
_A_BEFORE = ("uni", "use", "usu", "uti", "eu", "one", "once", "ewe")
_AN_BEFORE = ("hour", "honest", "honor", "heir")


def _plural_word(word: str) -> str:
    low = word.lower()
    if low in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[low]
    for single, plural in F_TO_VES.items():  # "shelf", "bookshelf", "wall shelf"
        if low.endswith(single):
            return word[:len(word) - len(single)] + plural
    if low.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if len(low) > 1 and low.endswith("y") and low[-2] not in "aeiou":
        return word[:-1] + "ies"
    if low in O_TO_OES:
        return word + "es"
    return word + "s"


def pluralize(noun: str) -> str:
    """The plural of a noun phrase: its last word made plural (rule 6 of the module doc)."""
    words = noun.split(" ")
    if not words or not words[-1]:
        return noun
    if words[-1].lower() in MEASURE_WORDS:
        return noun
    return " ".join(words[:-1] + [_plural_word(words[-1])])


def article(phrase: str) -> str:
    """``"a"`` or ``"an"`` for ``phrase`` (rule 5 of the module doc)."""
    low = phrase.lower()
    if low.startswith(_AN_BEFORE):
        return "an"
    if low.startswith(_A_BEFORE):
        return "a"
    return "an" if low[:1] in ("a", "e", "i", "o", "u") else "a"


def count_phrase(n: int, noun: str) -> str:
    """``"a stool"``, ``"two stools"``, ``"13 books"``, ``"a pile of folded clothes"``."""
    if n < 1:
        raise ValueError(f"count_phrase needs a count >= 1, got {n}")
    last = noun.split(" ")[-1].lower()
    if last in MEASURE_WORDS:  # "a pile of folded clothes", "two piles of folded clothes"
        measure = MEASURE_WORDS[last]
        noun = f"{measure if n == 1 else pluralize(measure)} of {noun}"
        return f"{article(noun)} {noun}" if n == 1 else f"{_number(n)} {noun}"
    if n == 1:
        return f"{article(noun)} {noun}"
    return f"{_number(n)} {pluralize(noun)}"


def _number(n: int) -> str:
    return NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else str(n)


def join_list(items: Iterable[str]) -> str:
    """``"a"``, ``"a and b"``, ``"a, b and c"``."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _words(value: object) -> list[str]:
    return value.replace("_", " ").replace("-", " ").lower().split() if isinstance(value, str) else []


def _attr(value: object) -> str | None:
    """Fallback for a material description no resolution was recorded for (rule 12)."""
    words = _words(value)
    return " ".join(words) if words and len(words) <= ATTR_MAX_WORDS else None


@lru_cache(maxsize=1)
def _style_table() -> dict[str, str]:
    """Every style word the offline planner knows -> its canonical style name (spaces)."""
    from ..policy.offline.knowledge import knowledge

    table: dict[str, str] = {}
    for name, entry in sorted(knowledge().styles.items()):
        canon = " ".join(_words(name))
        table.setdefault(canon, canon)
        for word in entry.get("words", ()):
            table.setdefault(" ".join(_words(word)), canon)
    return table


def _style(obj: ObjectInstance) -> str | None:
    """The object's style as its canonical name, or None for an unknown style (rule 12)."""
    return _style_table().get(" ".join(_words(obj.attributes.style)))


def _color(obj: ObjectInstance) -> str | None:
    """The object's colour name when the colour library knows it (rule 12)."""
    color = obj.attributes.color
    if not isinstance(color, str) or color.strip().startswith("#"):
        return None
    from ..materials.colors import color_rgb, normalise_color_name

    return normalise_color_name(color) if color_rgb(color) is not None else None


def _same_word(a: str, b: str) -> bool:
    return a == b or (min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a)))


def _material(scene: Scene, description: object) -> str | None:
    """A material description as the caption says it (rule 12)."""
    if not isinstance(description, str) or not description.strip():
        return None
    choice = scene.material_choices.get(description)
    if choice is None:
        return _attr(description)
    if choice.material == "default" or choice.score <= 0:
        return None
    library = _words(choice.material)
    kept = [w for w in _words(description) if any(_same_word(w, lib) for lib in library) or _is_color(w)]
    return " ".join(kept) if any(not _is_color(w) for w in kept) else " ".join(kept + library)


@lru_cache(maxsize=4096)
def _is_color(word: str) -> bool:
    from ..materials.colors import color_rgb

    return color_rgb(word) is not None


def _main_material(scene: Scene, obj: ObjectInstance) -> str | None:
    return _material(scene, obj.attributes.materials.get("main"))


def _dominant(values: list[str | None], n: int) -> str | None:
    """The value at least half of ``n`` objects carry (ties: alphabetically first), or None."""
    counts = Counter(v for v in values if v)
    best = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if best and n and 2 * best[0][1] >= n:
        return best[0][0]
    return None


def _noun(scene: Scene, obj: ObjectInstance, style: str | None, material: str | None) -> str:
    words = []
    s = _style(obj)
    if s and s != style:
        words.append(s)
    color = _color(obj)
    if color:
        words.append(color)
    m = _main_material(scene, obj)
    if m and m != material:
        words.append(m)
    words.append(PLACEHOLDER if _is_proxy(obj) else obj.category.replace("_", " ").strip())
    return " ".join(words)


def _is_proxy(obj: ObjectInstance) -> bool:
    from ..assets.catalog import PROXY_GENERATOR

    return obj.asset.source == "procedural" and obj.asset.name == PROXY_GENERATOR


def _groups(scene: Scene, objs: list[ObjectInstance], style: str | None,
            material: str | None) -> list[tuple[int, str]]:
    """(count, phrase) of each group, largest count first, then by phrase (rule 4)."""
    counts = Counter(_noun(scene, o, style, material) for o in objs)
    return sorted(((n, count_phrase(n, noun)) for noun, n in counts.items()), key=lambda t: (-t[0], t[1]))


def _phrases(groups: list[tuple[int, str]]) -> str:
    return join_list(p for _, p in groups)


def _surfaces(scene: Scene) -> list[str]:
    out: list[str] = []
    for room in scene.rooms:
        mats = dict(room.materials)
        phrases = []
        for key in ("floor", "walls", "ceiling"):
            desc = _material(scene, mats.get(key))
            if desc:
                phrases.append(f"{desc} {key}")
        accents = sorted({d for k, v in mats.items() if k.startswith("wall_") for d in [_material(scene, v)] if d})
        phrases += [f"{d} accent wall" for d in accents]
        out += [p for p in phrases if p not in out]
    return out


def _openings(scene: Scene) -> str:
    kinds = Counter(o.kind for _, o in scene.openings())
    parts = [count_phrase(kinds[k], k) for k in ("door", "window") if kinds.get(k)]
    parts += [count_phrase(kinds[k], k) for k in sorted(kinds) if k not in ("door", "window")]
    return join_list(parts)


def _light(scene: Scene) -> str:
    lights = scene.lights
    if not lights:
        return ""
    # the fidelity checker's thresholds (imported here: the metrics package loads trimesh)
    from ..metrics.fidelity import BRIGHT_MIN_LM_M2, COOL_MIN_K, DIM_MAX_LM_M2, WARM_MAX_K

    area = sum(r.area for r in scene.rooms) or 1.0
    density = sum(light.lumens_value for light in lights) / area
    temps = [(light.kelvin_value, light.lumens_value) for light in lights if light.kelvin_value is not None]
    weight = sum(w for _, w in temps)
    words = []
    if density >= BRIGHT_MIN_LM_M2:
        words.append("bright")
    elif density <= DIM_MAX_LM_M2:
        words.append("dim")
    if weight > 0:
        mean_k = sum(k * w for k, w in temps) / weight
        words.append("warm" if mean_k <= WARM_MAX_K else "cool" if mean_k >= COOL_MIN_K else "neutral")
    if any(light.rgb is not None for light in lights):
        words.append("coloured")
    return " ".join(words + ["light"])


def scene_caption(scene: Scene) -> str:
    """A caption of the scene's contents (see the module doc); never mentions the room's name."""
    if not scene.rooms and not scene.objects:
        return EMPTY_SCENE
    floor = [o for o in scene.objects if o.support_kind == "floor"]
    wall = [o for o in scene.objects if o.support_kind == "wall"]
    ceiling = [o for o in scene.objects if o.support_kind == "ceiling"]
    small = [o for o in scene.objects if o.support_kind == "object"]
    style = _dominant([_style(o) for o in floor], len(floor))
    material = _dominant([_main_material(scene, o) for o in floor], len(floor))

    sections: list[str] = []
    rooms = len(scene.rooms)
    where = "a scene" if rooms == 0 else ("a room" if rooms == 1 else f"{_number(rooms)} rooms")
    if floor:
        sections.append(f"{where} with {_phrases(_groups(scene, floor, style, material))}")
    elif rooms:
        sections.append("an empty room" if not scene.objects and rooms == 1
                        else f"{where} without furniture" if scene.objects else f"{_number(rooms)} empty rooms")
    else:
        sections.append("a scene")
    if wall:
        sections.append(f"{_phrases(_groups(scene, wall, style, material))} on the walls")
    if ceiling:
        sections.append(_phrases(_groups(scene, ceiling, style, material)))
    if small:
        groups = _groups(scene, small, style, material)
        shown = [p for _, p in groups[:SMALL_KINDS_SHOWN]]
        rest = sum(n for n, _ in groups[SMALL_KINDS_SHOWN:])
        if rest:
            shown.append(f"{_number(rest)} other small object" + ("s" if rest > 1 else ""))
        sections.append("small objects: " + join_list(shown))
    furnish = [w for w in (f"{style} style" if style else "", f"{material} furniture" if material else "") if w]
    if furnish:
        sections.append(", ".join(furnish))
    surfaces = _surfaces(scene)
    if surfaces:
        sections.append(", ".join(surfaces))
    openings = _openings(scene)
    if openings:
        sections.append(openings)
    light = _light(scene)
    if light:
        sections.append(light)
    return "; ".join(sections)

