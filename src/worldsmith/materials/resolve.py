"""Free-text material description -> the best library material, plus a colour tint.

``resolve_material("walls", ...)`` is not it: the DSL's ``material(surface, description)`` calls
``resolve_material(description)``. Retrieval is lexical and explainable:

0. A text that *is* a material's name, in any spelling ("marble_white", "Marble White",
   "WoodFloor041" for ``wood_floor_041``), picks it with score 1.

1. **Analyse** the text: split CamelCase and digits (``WoodFloor041``), lower-case, strip
   accents; pull out ``#rrggbb`` colours and colour words (longest first, so "sage green" and
   "light grey" are one colour); stem the rest (plural ``s``/``es``/``ies``, a few irregulars:
   "leaves" -> "leaf", "wooden" -> "wood"); rewrite a few phrases ("hardwood floor" ->
   "wood planks floor", "stainless steel" -> "brushed stainless steel", "couch fabric" ->
   "upholstery fabric" ...). Each remaining word becomes a *term* of one kind:

   ============  ======  ====================================================================
   kind          weight  what it is
   ============  ======  ====================================================================
   material      1.0     a word some material knows (name, alias, tag or description)
   head          1.5     the last material word ("velvet **wallpaper**", "oak **planks**")
   colour        0.5     a colour word or ``#rrggbb``
   modifier      0.3     light / pale / dark / deep ("light" before another word; a final
                         "light" is the noun: "warm light")
   context       0.3     where it goes: floor, wall, ceiling, counter, kitchen ...
   unknown       0.5     no material knows the word (lowers the score, matches nothing)
   ============  ======  ====================================================================

2. **Score** every material: a term matched by a material's name or alias counts 1.0 of its
   weight, by a tag 0.8, by a word of its description 0.4. A colour term counts 1.0 when the
   material *is* that colour (its ``colors``), 0.6 when the colour is of the same family as the
   material's base colour ("emerald" ~ green marble). Score = matched weight / total weight, in
   [0, 1]. The winner is the material with the most weight earned by *non-colour* terms (so a
   "pink ceramic" vase stays ceramic and never becomes pink subway tiles), then the one whose
   own name words the text covers best ("black rubber" -> ``rubber``, not the gym floor), then
   the better colour agreement ("white marble" -> ``marble_white``), then library order.
   A material is only chosen when some material, head or colour-named term (terracotta, gold)
   matched a name, alias or tag (or, when the text has no material word at all, a context word
   matched a tag: "charcoal walls" -> paint); otherwise the neutral
   :data:`~.library.DEFAULT` with score 0.

3. **Colour**: the ``color`` argument, else the text's ``#rrggbb``, else its colour word (when
   the text names exactly one colour). No tint when the material already is that colour: the
   colour is one of its ``colors`` and, for fully tintable materials, within
   :data:`SAME_COLOUR` of its base colour ("white marble" -> ``marble_white`` as is); otherwise
   ``base * (1 - s) + colour * s`` with the material's ``tint_strength`` ``s`` (paintables 1,
   natural materials 0.6, metals 0.5). Several colour words ("black and white") tint nothing.
   "light"/"pale" then lighten (35 % towards white) and "dark"/"deep" darken (x 0.45), unless
   the word already picked the material ("dark stained wood") or is part of the colour
   ("light grey"). Emissive materials take the tint as their emitted colour too.

Results are cached per (description, colour, library version); the library version changes
when a texture folder is registered.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

from .colors import ALIASES, COLORS, color_family, color_rgb, linear_family, normalise_color_name
from .library import DEFAULT, RGB, RGBA, Material, library, library_version

log = logging.getLogger(__name__)

W_MATERIAL, W_HEAD, W_COLOUR, W_MODIFIER, W_CONTEXT, W_UNKNOWN = 1.0, 1.5, 0.5, 0.3, 0.3, 0.5
S_NAME, S_TAG, S_DESC, S_FAMILY = 1.0, 0.8, 0.4, 0.6
LIGHTEN, DARKEN = 0.35, 0.45
SAME_COLOUR = 0.03  # linear RGB distance under which a fully tintable variant already is the colour

STOPWORDS = frozenset("""a an the with and or of in on for to by from as at into onto over under its it is are be
this that these those some any all very bit slightly quite really made make like look looking looks style styled
effect finish finished texture material materials surface surfaces color colour colored coloured tone toned shade
shaded hue type kind piece pieces set using use used""".split())
MODIFIERS = frozenset({"light", "pale", "dark", "deep"})
CONTEXT = frozenset("""floor wall ceiling counter countertop worktop top tabletop table desk shelf cabinet door
kitchen bathroom bedroom living room office hall hallway splashback backsplash surround fireplace stair stairs
front side back seat cushion base leg frame handle trim skirting panel interior exterior accent feature""".split())

_IRREGULAR = {
    "leaves": "leaf", "shelves": "shelf", "wooden": "wood", "woody": "wood", "tiled": "tile", "tiling": "tile",
    "flooring": "floor", "floored": "floor", "carpeted": "carpet", "carpeting": "carpet", "mirrored": "mirror",
    "bricks": "brick", "brickwork": "brickwork", "knitted": "knit", "woollen": "wool", "woolen": "wool",
    "metallic": "metal", "aluminum": "aluminium", "colours": "colour", "colors": "color", "glasses": "glass",
    "boxes": "box", "couches": "couch", "benches": "bench", "walls": "wall", "floors": "floor",
    "grey": "grey", "gray": "grey", "jeans": "jean", "chequered": "checkered", "ebonized": "ebonised",
    "bouclé": "boucle", "plants": "plant", "houseplants": "houseplant", "marbled": "marble", "veined": "veined",
}
_KEEP_S = frozenset({"canvas", "glass", "brass", "moss", "grass", "chassis", "lens", "series", "mattress", "dress",
                     "cutlass", "compass", "atlas", "plus", "gas", "bus", "us", "this", "its", "is", "was", "has",
                     "sisal", "cross", "gloss", "emboss", "boss"})

# phrase rewrites on stemmed words (tuples); applied left to right, longest first
_PHRASES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("hardwood", "floor"), ("wood", "plank", "floor")),
    (("wood", "floor"), ("wood", "plank", "floor")),
    (("timber", "floor"), ("wood", "plank", "floor")),
    (("floor", "board"), ("plank", "floor")),
    (("floorboard",), ("plank", "floorboard")),
    (("stainless", "steel"), ("brushed", "stainless", "steel")),
    (("stainless",), ("brushed", "stainless", "steel")),
    (("couch", "fabric"), ("upholstery", "fabric")),
    (("sofa", "fabric"), ("upholstery", "fabric")),
    (("chair", "fabric"), ("upholstery", "fabric")),
    (("upholstered",), ("upholstery", "fabric")),
    (("wrought", "iron"), ("black", "iron", "metal")),
    (("powder", "coated"), ("powder", "coated", "painted", "metal")),
    (("light", "bulb"), ("light", "bulb")),
    (("lightbulb",), ("light", "bulb")),
    (("tv", "screen"), ("screen", "tv")),
    (("chalk", "board"), ("chalkboard",)),
    (("white", "board"), ("whiteboard",)),
    (("black", "board"), ("chalkboard",)),
    (("blackboard",), ("chalkboard",)),
    (("pleather",), ("faux", "leather")),
    (("mdf",), ("painted", "wood")),
    (("lino",), ("linoleum",)),
    (("microcement",), ("microcement", "polished", "concrete")),
    (("\0black", "\0white", "tile"), ("\0black", "\0white", "checkerboard", "tile")),
    (("\0white", "\0black", "tile"), ("\0white", "\0black", "checkerboard", "tile")),
)
_PHRASES = tuple(sorted(_PHRASES, key=lambda p: -len(p[0])))

_HEX = re.compile(r"#[0-9a-f]{6}\b", re.IGNORECASE)
_MAX_COLOR_WORDS = max(len(k.split()) for k in (*COLORS, *ALIASES))  # longest colour phrase, in words


def stem(word: str) -> str:
    """Very small English stemmer for material words (plural forms and a few irregulars)."""
    w = word.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if len(w) <= 3 or w in _KEEP_S or w.isdigit():
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("es") and (w[:-2].endswith(("s", "x", "ch", "sh", "z"))):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def split_words(text: str) -> list[str]:
    """Lower-case words of ``text``: accents stripped, CamelCase and letter/digit runs split."""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(c for c in t if not unicodedata.combining(c))
    t = re.sub(r"([a-z])([A-Z])", r"\1 \2", t)
    t = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", t)
    t = re.sub(r"([A-Za-z])(\d)", r"\1 \2", t)
    t = re.sub(r"(\d)([A-Za-z])", r"\1 \2", t)
    return [w for w in re.split(r"[^a-z0-9]+", t.lower()) if w]


def _words_of(text: str) -> list[str]:
    return [stem(w) for w in split_words(text) if w not in STOPWORDS]


# ---------------------------------------------------------------------------------------------
# the index


@dataclass
class _Index:
    materials: tuple[Material, ...]
    postings: dict[str, dict[int, float]]  # stemmed word -> {material index: strength}
    where: dict[tuple[str, int], str]  # (word, material index) -> "name" / "tag" / "description"
    name_words: list[frozenset[str]]
    colors: list[frozenset[str]]
    families: list[str]
    vocab: frozenset[str]
    by_name: dict[str, int]


def _build_index(materials: tuple[Material, ...]) -> _Index:
    postings: dict[str, dict[int, float]] = {}
    where: dict[tuple[str, int], str] = {}

    def add(word: str, i: int, strength: float, field: str) -> None:
        if not word or word in STOPWORDS:
            return
        cur = postings.setdefault(word, {})
        if strength > cur.get(i, 0.0):
            cur[i] = strength
            where[(word, i)] = field

    name_words = []
    for i, m in enumerate(materials):
        nw = [stem(w) for w in split_words(m.name)]
        name_words.append(frozenset(nw))
        for w in nw:
            add(w, i, S_NAME, "name")
        for a in m.aliases:
            for w in _words_of(a):
                add(w, i, S_NAME, "alias")
        for t in m.tags:
            for w in _words_of(t):
                add(w, i, S_TAG, "tag")
        for w in _words_of(m.description):
            if normalise_color_name(w) not in COLORS:
                add(w, i, S_DESC, "description")
    return _Index(materials, postings, where, name_words,
                  [frozenset(normalise_color_name(c) for c in m.colors) for m in materials],
                  [linear_family(m.base_color) for m in materials], frozenset(postings),
                  {m.name: i for i, m in enumerate(materials)})


@lru_cache(maxsize=4)
def _index(version: int) -> _Index:
    return _build_index(library())


# ---------------------------------------------------------------------------------------------
# analysis


@dataclass(frozen=True)
class _Term:
    text: str  # stemmed word, colour phrase or #hex
    kind: str  # material / head / colour / modifier / context / unknown
    weight: float


def _analyse(description: str, vocab: frozenset[str]) -> tuple[list[_Term], list[str]]:
    """Terms of a description, and the colour phrases / hexes it names (in order)."""
    hexes = [h.lower() for h in _HEX.findall(description)]
    rest = _HEX.sub(" ", description)
    words = split_words(rest)
    # colour phrases, longest first at each position
    colours: list[str] = list(hexes)
    plain: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(_MAX_COLOR_WORDS, len(words) - i), 0, -1):
            cand = " ".join(words[i:i + n])
            key = normalise_color_name(cand)
            if key in COLORS and not (n == 1 and key in MODIFIERS):
                colours.append(key)
                plain.append("\0" + key)
                i += n
                break
        else:
            plain.append(words[i])
            i += 1
    stems = [w if w.startswith("\0") else stem(w) for w in plain if w not in STOPWORDS]
    # phrase rewrites
    out: list[str] = []
    i = 0
    while i < len(stems):
        for src, dst in _PHRASES:
            if tuple(stems[i:i + len(src)]) == src:
                out.extend(dst)
                i += len(src)
                break
        else:
            out.append(stems[i])
            i += 1
    terms: list[_Term] = []
    for k, w in enumerate(out):
        if w.startswith("\0"):
            terms.append(_Term(w[1:], "colour", W_COLOUR))
        elif w in MODIFIERS:
            nxt = out[k + 1] if k + 1 < len(out) else None
            noun = w == "light" and (nxt is None or (not nxt.startswith("\0") and nxt not in vocab))
            terms.append(_Term(w, "material" if noun else "modifier", W_MATERIAL if noun else W_MODIFIER))
        elif w in CONTEXT:
            terms.append(_Term(w, "context", W_CONTEXT))
        elif w in vocab:
            terms.append(_Term(w, "material", W_MATERIAL))
        else:
            terms.append(_Term(w, "unknown", W_UNKNOWN))
    for k in range(len(terms) - 1, -1, -1):
        if terms[k].kind == "material":
            terms[k] = _Term(terms[k].text, "head", W_HEAD)
            break
    for h in hexes:
        terms.append(_Term(h, "colour", W_COLOUR))
    return terms, colours


# ---------------------------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class MaterialMatch:
    """The resolution of one description.

    ``material``: the chosen library material; ``score`` in [0, 1] (0: nothing matched, the
    neutral default); ``tint``: the linear RGB colour that was blended in (None: none);
    ``terms``: ``(term, kind, where it matched, weight earned)`` for every analysed term (the
    explanation); ``base_color``: the resulting linear RGBA; ``emissive``: resulting emitted
    linear RGB (zeros for non-lights); ``color``: the colour request as text (``"navy"``,
    ``"#aa3322"``, ``"rgb(0.1, 0.2, 0.3)"``) or None; ``modifiers``: light/dark words applied."""

    description: str
    material: Material
    score: float
    tint: RGB | None
    terms: tuple[tuple[str, str, str, float], ...]
    base_color: RGBA = (0.8, 0.8, 0.8, 1.0)
    emissive: RGB = (0.0, 0.0, 0.0)
    color: str | None = None
    modifiers: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.material.name

    def pbr(self) -> "PBR":
        m = self.material
        return PBR(m.name, self.base_color, m.metallic, m.roughness, self.emissive,
                   m.emissive_strength if max(self.emissive) > 0 else 0.0, m.name if m.textured else None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready record of the choice (what a scene stores to explain it)."""
        return {
            "description": self.description, "material": self.material.name, "score": self.score,
            "tint": None if self.tint is None else list(self.tint), "color": self.color,
            "modifiers": list(self.modifiers), "base_color": list(self.base_color),
            "terms": [{"term": t, "kind": k, "matched": w, "weight": s} for t, k, w, s in self.terms],
        }


@dataclass(frozen=True)
class PBR:
    """Metallic-roughness values of a resolved material. ``base_color`` is linear RGBA in
    [0, 1] (alpha < 1: transparent); ``emissive`` linear RGB in [0, 1] times
    ``emissive_strength``; ``texture`` is the library material whose texture maps go with it
    (``texture_maps(pbr)``), None when untextured."""

    name: str
    base_color: tuple[float, float, float, float]
    metallic: float
    roughness: float
    emissive: tuple[float, float, float] = (0.0, 0.0, 0.0)
    emissive_strength: float = 0.0
    texture: str | None = None


def _score(index: _Index, terms: Sequence[_Term], i: int
           ) -> tuple[float, float, float, list[tuple[str, str, str, float]], bool]:
    """(score, weight earned by non-colour terms, weight earned by colour terms, explanation,
    anchored) of material ``i``."""
    total = 0.0
    got = 0.0
    got_colour = 0.0
    anchored = False
    parts = []
    fam = index.families[i]
    for t in terms:
        total += t.weight
        s, field = 0.0, "-"
        if t.kind == "colour":
            if t.text in index.colors[i]:
                s, field = S_NAME, "colors"
            if not t.text.startswith("#"):
                ws = [stem(w) for w in t.text.split()]
                if all(w in index.name_words[i] for w in ws) and S_NAME >= s:
                    s, field = S_NAME, "name"
                    # a colour word anchors only a material named by it alone (terracotta, gold)
                    anchored = anchored or set(ws) >= index.name_words[i]
                elif len(ws) == 1 and index.postings.get(ws[0], {}).get(i, 0.0) >= S_TAG and s < S_TAG:
                    s, field = index.postings[ws[0]][i], index.where[(ws[0], i)]
            if s < S_FAMILY and color_family(t.text) == fam:
                s, field = S_FAMILY, "family"
        elif t.kind in ("material", "head", "modifier", "context"):
            st = index.postings.get(t.text, {}).get(i, 0.0)
            if t.kind in ("modifier", "context") and st < S_TAG:
                st = 0.0
            if st > 0:
                s, field = st, index.where[(t.text, i)]
                if t.kind in ("material", "head") and st >= S_TAG:
                    anchored = True
        got += t.weight * s
        if t.kind == "colour":
            got_colour += t.weight * s
        parts.append((t.text, t.kind, field, round(t.weight * s, 4)))
    return (got / total if total > 0 else 0.0), got - got_colour, got_colour, parts, anchored


def _linear_request(color: Any) -> tuple[str | None, RGB | None]:
    if color is None:
        return None, None
    if isinstance(color, str):
        rgb = color_rgb(color)
        if rgb is None:
            log.warning("unknown colour %r ignored: use a colour name (e.g. 'sage', 'navy') or '#rrggbb'", color)
            return None, None
        return normalise_color_name(color) if not color.strip().startswith("#") else color.strip().lower(), rgb
    vals = tuple(float(c) for c in color)
    if len(vals) < 3 or not all(0.0 <= c <= 1.0 for c in vals[:3]):
        raise ValueError(f"expected a colour as linear RGB in [0, 1], got {color!r}")
    rgb3 = (vals[0], vals[1], vals[2])
    return "rgb(" + ", ".join(f"{c:g}" for c in rgb3) + ")", rgb3


def resolve_material(description: str, color: str | Sequence[float] | None = None) -> MaterialMatch:
    """The best library material for a free-text ``description`` (see the module doc), tinted
    by ``color`` (a colour name, ``#rrggbb`` or linear RGB in [0, 1]; overrides colour words in
    the text). Deterministic; cached."""
    if color is not None and not isinstance(color, str):
        color = tuple(float(c) for c in color)
    return _resolve(str(description), color, library_version())


@lru_cache(maxsize=8192)
def _resolve(description: str, color: str | tuple[float, ...] | None, version: int) -> MaterialMatch:
    index = _index(version)
    terms, colours = _analyse(description, index.vocab)
    req_name, req_rgb = _linear_request(color)
    if color is not None:
        # the argument replaces the text's colours, for choosing as well as tinting
        terms = [t for t in terms if t.kind != "colour"]
        if req_name is not None and not req_name.startswith("rgb("):
            terms.append(_Term(req_name, "colour", W_COLOUR))
    else:
        hexes = [c for c in colours if c.startswith("#")]
        pick = hexes[0] if hexes else (colours[0] if len(colours) == 1 else None)
        if pick is not None:
            req_name, req_rgb = pick, color_rgb(pick)
    # choose by: weight earned by material words, then how much of the material's own name the
    # text covers, then colour agreement, then library order
    best: tuple[float, float, float, int] | None = None
    best_score = 0.0
    best_parts: list = []
    words = {w for t in terms for w in (t.text.split() if t.kind == "colour" else [t.text])}
    # "charcoal walls": with no material word at all, a surface word may pick (paint for walls)
    only_context = not any(t.kind in ("material", "head") for t in terms)
    if terms:
        candidates: set[int] = set()
        for t in terms:
            candidates.update(index.postings.get(t.text, {}))
            if t.kind == "colour":
                candidates.update(i for i, f in enumerate(index.families) if color_family(t.text) == f)
        for i in sorted(candidates):
            s, got_material, got_colour, parts, anchored = _score(index, terms, i)
            if not anchored and only_context:
                anchored = any(p[1] == "context" and p[3] > 0 for p in parts)
            if not anchored or s <= 0:
                continue
            cover = len(words & index.name_words[i]) / max(1, len(index.name_words[i]))
            key = (round(got_material, 9), round(cover, 9), round(got_colour, 9), -i)
            if best is None or key > best:
                best, best_score, best_parts = key, s, parts
    exact = index.by_name.get("_".join(split_words(_HEX.sub(" ", description))))
    if exact is not None:  # the text is a material's name ("wood_floor_041", "WoodFloor041")
        best, best_score = (0.0, 1.0, 0.0, -exact), 1.0
        best_parts = [(index.materials[exact].name, "name", "name", 1.0)]
    if best is None:
        material, score = DEFAULT, 0.0
        best_parts = [(t.text, t.kind, "-", 0.0) for t in terms]
    else:
        material, score = index.materials[-best[3]], round(best_score, 4)
    # colour
    base = material.base_color
    rgb: list[float] = list(base[:3])
    tint: RGB | None = None
    already = req_name is not None and req_name in material.colors and (
        material.tint_strength < 1.0 or max(abs(a - b) for a, b in zip(req_rgb or (), base[:3])) <= SAME_COLOUR)
    if req_rgb is not None and not already:
        s = material.tint_strength
        if s > 0:
            tint = req_rgb
            rgb = [b * (1.0 - s) + c * s for b, c in zip(rgb, req_rgb)]
    colour_words = set((req_name or "").split())
    picked = {p[0] for p in best_parts if p[1] == "modifier" and p[3] > 0}
    applied: list[str] = []
    mods = [t.text for t in terms if t.kind == "modifier"]
    for mword in mods:
        if mword in picked or mword in colour_words or applied:
            continue
        if mword in ("light", "pale"):
            rgb = [c + (1.0 - c) * LIGHTEN for c in rgb]
        else:
            rgb = [c * DARKEN for c in rgb]
        applied.append(mword)
    r, g, b = (round(min(1.0, max(0.0, c)), 6) for c in rgb)
    emissive: RGB = material.emissive
    if material.is_emissive and (tint is not None or applied):
        mx = max(r, g, b, 1e-6)
        emissive = (round(r / mx, 6), round(g / mx, 6), round(b / mx, 6))
    return MaterialMatch(description, material, score, tint, tuple(best_parts), (r, g, b, base[3]), emissive,
                         req_name, tuple(applied))


def resolve_pbr(description: str, color: str | Sequence[float] | None = None) -> PBR:
    """PBR values for a free-text material ``description``, optionally tinted by ``color`` (a
    colour name, ``#rrggbb`` or linear RGB in [0, 1]), which overrides colour words in the text.
    ``PBR.name`` is the library material's name (``"default"`` when nothing matched)."""
    return resolve_material(description, color).pbr()
