"""What the offline planner understood from a prompt: :class:`PromptSpec` and its :class:`Requirement` list.

:func:`worldsmith.policy.offline.parse.parse_prompt` builds a :class:`PromptSpec`;
:func:`worldsmith.policy.offline.design.design_room` turns it into a room design. The
``requirements`` are what ``metrics.fidelity.prompt_fidelity`` checks on the final scene: one per
thing the prompt asked for, each with the prompt words it came from.

Requirement kinds and their ``key`` / ``value``:

=============  ==========================================  =============================================
kind           key                                         value
=============  ==========================================  =============================================
``object``     canonical category (or the prompt word for  minimum count (int)
               something the catalog lacks, e.g. "harp")
``material``   surface: ``floor``, ``walls``,              list of words the material must match
               ``wall_accent``, ``ceiling``, ``counter``    (``["brick"]``, ``["white"]``)
``lighting``   the mood (as ``metrics.fidelity`` reads it)  the mood: ``warm`` / ``cool`` / ``dim`` /
                                                           ``bright`` / ``neon`` / ``natural``
``style``      the style name (``"bohemian"``)             the style name
``color``      category                                    the colour name (``"white"``)
``relation``   the subject category                        ``{"relation", "subject", "object"}``
=============  ==========================================  =============================================
"""

from __future__ import annotations

from dataclasses import dataclass, field

REQUIREMENT_KINDS = ("object", "material", "lighting", "style", "color", "relation")
SIZES = ("small", "medium", "large")
SHAPES = ("rect", "L", "U", "long")
MOODS = ("warm", "cool", "dim", "bright", "neon", "natural")
RELATIONS = ("under", "on_wall", "on", "along_walls", "middle", "facing", "next_to", "around", "corner", "above")


@dataclass(frozen=True)
class Requirement:
    """One thing the prompt asked for; ``prompt_fidelity`` checks each on the final scene.

    ``kind``: ``object`` (category present with count >= value), ``material`` (surface material
    matches the words), ``lighting`` (mood), ``style``, ``color`` (an object's colour) or
    ``relation``. ``key``: category, surface, mood or style. ``value``: count, word list,
    mood, style, colour or ``{"relation", "subject", "object"}`` (a lighting requirement has the
    mood as both key and value). ``text``: the prompt words it came
    from ("six chairs", "brick wall")."""

    kind: str
    key: str
    value: object
    text: str


@dataclass(frozen=True)
class PromptSpec:
    """The prompt, understood.

    - ``room_type``: one of the room types of ``data/room_types.json``; ``room_type_score``: 1.0
      for a keyword hit, the cosine similarity for an embedding match, 0 for the default.
    - ``objects``: category -> count the prompt asked for ("six chairs" -> 6, "a pair of" -> 2,
      a plural without a number -> a per-category default such as 3 mannequins, things implied by
      a person or pet: "a researcher" -> desk, "a cat" -> pet_bed). ``exact``: the categories whose
      count was a number (the design then has exactly that many); the others are minimums.
    - ``attributes``: category -> {"color", "material", "style", "size"} bound to that object
      ("white cabinets", "marble bar counter", "vintage easel", "colorful rug" (colour
      "vibrant": a palette hint), "king size bed").
    - ``styles``: room styles ("bohemian"); ``colors``: palette hints and colours not bound to an
      object ("vibrant", "pastel", "white").
    - ``materials``: surface -> description words ("wall_accent": "brick", "floor": "light oak",
      "counter": "marble").
    - ``relations``: ``{"subject": category, "relation": one of RELATIONS, "object": category |
      "window" | "wall" | "room" | "door"}``.
    - ``size``: small / medium / large; ``shape``: rect / L / U / long (``shape_given``: the prompt
      said so); ``lighting``: moods.
    - ``requirements``: every object + count, material, lighting, style, colour and relation the
      prompt asked for (see the module doc).
    - ``seats``: "a table for six" -> 6 (also in ``objects`` as the chairs of the room's table).
    - ``flags``: "rich" (fully equipped), "decor", "plants", "sparse".
    - ``unknown_words``: words no table knew; ``embedding_matches``: what the MiniLM fallback
      matched (``{"word", "kind", "match", "score"}``), empty when no embedding was needed.
    """

    text: str
    room_type: str
    room_type_score: float
    objects: dict
    attributes: dict
    styles: tuple
    colors: tuple
    materials: dict
    relations: tuple
    size: str
    shape: str
    lighting: tuple
    requirements: tuple
    exact: frozenset = field(default_factory=frozenset)
    shape_given: bool = False
    seats: int | None = None
    flags: tuple = ()
    unknown_words: tuple = ()
    embedding_matches: tuple = ()


__all__ = ["MOODS", "RELATIONS", "REQUIREMENT_KINDS", "SHAPES", "SIZES", "PromptSpec", "Requirement"]
