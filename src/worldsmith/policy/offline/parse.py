"""Prompt understanding without a language model: text -> :class:`~.spec.PromptSpec`.

How a prompt is read (:func:`parse_prompt`):

1. **Tokens**: lower case, accents stripped, possessive ``'s`` dropped, hyphens split
   ("L-shaped" -> ``l shaped``), punctuation kept as clause boundaries.
2. **Phrases**: a greedy longest match (up to 5 words, the last word also tried in singular form)
   against every table of the lexicon at once: catalog names and synonyms and the lexicon's extra
   category phrases ("bar counter", "coffee machine", "bunk bed"), room keywords, numbers and
   quantifiers ("a pair of", "a dozen"), colours (``materials.colors``), palette words
   ("colorful"), materials ("marble"), surfaces ("wall", "floor"), styles (``styles.json`` words),
   size and shape words, lighting words, relation phrases ("under", "on the wall", "in the
   middle"), people and pets ("researcher", "cat") and flags ("fully equipped"). One span may
   mean several things ("bar": a room and a counter; "cozy": a style, a size and a mood).
3. **Room type**: the earliest room keyword (the longest at that position) names the room; other
   occurrences of the same words are objects ("a kitchen with a bar"). Without a keyword the whole
   prompt is matched to room descriptions by MiniLM embeddings (>= ``knowledge.ROOM_THRESHOLD``),
   else the default ``living_room`` with score 0.
4. **Binding**: reading left to right, a count (number or quantifier) and the modifiers before a
   noun (colours, materials, styles, sizes) bind to the next noun: an object ("two white
   nightstands"), a surface ("brick wall" -> ``wall_accent``; "walls" -> ``walls``; "wooden floor"
   -> ``floor``; a counter category also sets the ``counter`` surface: "marble bar counter"), the
   room noun ("a cozy bedroom": style cozy, size small, warm light) or a lighting noun ("warm
   lighting"). Modifiers left at a clause end belong to the room. Generic nouns (``ambiguous`` in
   ``lexicon.json``) resolve by context first ("lamps on the nightstands" are table lamps, "a
   floor lamp" / "a standing lamp" floor lamps), then by the room type (``aliases`` in
   ``room_types.json``: "table" is a dining_table in a dining room, a cafe_table in a cafe), then
   by the lexicon default.
5. **Counts**: a number or quantifier gives the count (and makes it exact: the design then has
   exactly that many); a plural without a number gets the per-category default of
   ``lexicon.plural_defaults`` (a minimum); "a table for six" gives six seats of the table's kind.
   People and pets imply objects ("a researcher" -> desk, office chair, bookshelf; "a cat" -> a
   pet bed), as minimums.
6. **Relations**: a relation phrase links the last object named before it to the next thing named
   after it ("a sink under the window", "a pool table placed in the middle", "twelve desks facing
   a whiteboard", "lamps on the nightstands", "bookshelves along the walls", "a TV on the wall").
7. **Unknown words** (in no table, not a stopword) go to the MiniLM fallback only when the caller
   allows it (``use_embeddings``): a noun after an article or number is matched to people/pets,
   then to catalog categories, else kept as a labelled proxy object named by the word ("a harp");
   an unknown word before the room noun is tried as a style.

Everything but step 7 is table look-ups: a prompt takes about a millisecond.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from ...assets import catalog
from ...assets.retrieval import _singular
from .knowledge import knowledge, semantic_index
from .spec import PromptSpec, Requirement

log = logging.getLogger(__name__)

MAX_PHRASE = 5
DEFAULT_ROOM = "living_room"

#: words that end a clause for binding purposes (pending modifiers go to the room)
_CLAUSE_WORDS = frozenset({"with", "that", "which", "who", "where", "while", "has", "have", "having", "featuring",
                           "including", "containing"})
_PUNCT = frozenset(",.;:!?")
_ARTICLES = frozenset({"a", "an", "one", "another", "the", "some", "two", "three", "four", "five", "six", "seven",
                       "eight", "nine", "ten", "several", "many", "few"})
#: quantifiers that are vague: the count is a minimum, not exact
_VAGUE = frozenset({"some", "a few", "few", "several", "multiple", "many", "lots of", "a lot of", "plenty of",
                    "numerous", "a bunch of", "a row of", "rows of", "a set of", "a wall of"})


# ---------------------------------------------------------------------------------------------
# tokens and phrase table


@dataclass(frozen=True)
class Token:
    word: str
    punct: bool = False


def tokenize(text: str) -> list[Token]:
    """Lower-case word and punctuation tokens (accents stripped, ``'s`` dropped, hyphens split)."""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    t = t.replace("\u2019", "'").replace("`", "'")
    t = re.sub(r"(\w)'s\b", r"\1", t)
    t = t.replace("'", "")
    return [Token(m.group(0), m.group(0) in _PUNCT) for m in re.finditer(r"[a-z0-9]+|[,.;:!?]", t)]


def _words(phrase: str) -> tuple[str, ...]:
    return tuple(w.word for w in tokenize(phrase) if not w.punct)


def _singular_form(words: tuple[str, ...]) -> tuple[str, ...]:
    """``words`` with the last one in singular form ("coffee tables" -> "coffee table")."""
    return words[:-1] + (_singular(words[-1]),)


@dataclass(frozen=True)
class Meaning:
    kind: str  # noun room quant number color palette material surface style size shape light relation relobj
    #            persona flag stop lightnoun palnoun flush modifier
    value: object


@lru_cache(maxsize=1)
def phrase_table() -> dict[tuple[str, ...], tuple[Meaning, ...]]:
    """Every phrase the parser knows -> its meanings (built once; a phrase's meanings keep the
    order they were added in)."""
    from ...materials.colors import ALIASES, COLORS

    k = knowledge()
    lex = k.lexicon
    table: dict[tuple[str, ...], list[Meaning]] = {}

    def add(phrase: str, kind: str, value: object) -> None:
        ws = _words(phrase)
        if not ws:
            return
        for f in {ws, _singular_form(ws)}:
            lst = table.setdefault(f, [])
            m = Meaning(kind, value)
            if m not in lst:
                lst.append(m)

    def entries(name: str):
        """(phrase, value) of a lexicon table; a word list is its own values."""
        t = lex[name]
        return t.items() if isinstance(t, dict) else zip(t, t)

    # nouns: catalog names and synonyms, lexicon phrases, ambiguous words, room aliases
    for name in catalog.names():
        info = catalog.get(name)
        add(name.replace("_", " "), "noun", name)
        for syn in info.synonyms:
            add(syn, "noun", name)
    for phrase, cat in lex["category_phrases"].items():
        add(phrase, "noun", cat)
    for word, d in lex["ambiguous"].items():
        add(word, "noun", d["default"])
    for rt in k.room_types.values():
        for word in rt.get("aliases", {}):
            ws = _words(word)
            if not any(m.kind == "noun" for f in (ws, _singular_form(ws)) for m in table.get(f, ())):
                add(word, "noun", None)  # a noun only where a room type says what it is
    for name, rt in k.room_types.items():
        for kw in rt["keywords"]:
            add(kw, "room", name)
    # every other meaning kind, in this order (the order of a phrase's meanings)
    sources = (
        ("quant", ((phrase, (phrase, n)) for phrase, n in lex["quantifiers"].items())),
        ("number", entries("numbers")),
        ("color", ((name, ALIASES.get(name, name)) for name in list(COLORS) + list(ALIASES))),
        ("palette", entries("palette_words")),
        ("material", entries("materials")),
        ("surface", entries("surfaces")),
        ("style", ((w, name) for name, st in k.styles.items() for w in [name.replace("_", " "), *st["words"]])),
        ("size", entries("sizes")),
        ("shape", entries("shapes")),
        ("light", entries("lighting")),
        ("relation", entries("relations")),
        ("relobj", entries("relation_objects")),
        ("persona", ((who, who) for who in lex["personas"])),
        ("flag", entries("flags")),
        ("lightnoun", entries("lighting_nouns")),
        ("palnoun", entries("palette_nouns")),
        ("flush", entries("room_flush_words")),
        ("modifier", entries("material_modifiers")),
        ("seating", entries("seating_words")),
        ("stop", entries("stopwords")),
        ("stop", entries("known_adjectives")),
    )
    for kind, pairs in sources:
        for phrase, value in pairs:
            add(phrase, kind, value)
    return {key: tuple(v) for key, v in table.items()}


@dataclass
class Span:
    start: int
    end: int  # exclusive, token indices
    words: tuple[str, ...]
    meanings: tuple[Meaning, ...]
    punct: bool = False

    @property
    def text(self) -> str:
        return " ".join(self.words)

    def has(self, kind: str) -> bool:
        return any(m.kind == kind for m in self.meanings)

    def get(self, kind: str):
        for m in self.meanings:
            if m.kind == kind:
                return m.value
        return None

    @property
    def is_stop(self) -> bool:
        return bool(self.meanings) and all(m.kind == "stop" for m in self.meanings)


def segment(tokens: list[Token]) -> list[Span]:
    """Greedy longest-match segmentation of ``tokens`` into known phrases and unknown words."""
    table = phrase_table()
    spans: list[Span] = []
    i = 0
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        if tok.punct:
            spans.append(Span(i, i + 1, (tok.word,), (), punct=True))
            i += 1
            continue
        found = None
        for length in range(min(MAX_PHRASE, n - i), 0, -1):
            ws = tuple(t.word for t in tokens[i:i + length])
            if any(t.punct for t in tokens[i:i + length]):
                continue
            meanings: list[Meaning] = []
            for c in (ws, _singular_form(ws)):
                for m in table.get(c, ()):
                    if m not in meanings:
                        meanings.append(m)
            if meanings:
                # a longer phrase made only of stopwords never beats a shorter meaningful one
                if length > 1 and all(m.kind == "stop" for m in meanings):
                    continue
                found = Span(i, i + length, ws, tuple(meanings))
                break
        if found is None:
            w = tok.word
            meanings = (Meaning("number", int(w)),) if w.isdigit() else ()
            found = Span(i, i + 1, (w,), meanings)
        spans.append(found)
        i = found.end
    return spans


# ---------------------------------------------------------------------------------------------
# reading


@dataclass
class Mention:
    category: str
    count: int
    exact: bool
    plural: bool
    text: str
    span: int  # index into spans
    mods: list = field(default_factory=list)
    implied: bool = False


def _plural(span: Span) -> bool:
    last = span.words[-1]
    return _singular(last) != last


def _plural_default(cat: str) -> int:
    d = knowledge().lexicon["plural_defaults"]
    return int(d.get(cat, d["default"]))


class _Reader:
    def __init__(self, text: str, use_embeddings: bool):
        self.text = text
        self.use_embeddings = use_embeddings
        self.k = knowledge()
        self.lex = self.k.lexicon
        self.tokens = tokenize(text)
        self.spans = segment(self.tokens)
        self.room_type = DEFAULT_ROOM
        self.room_score = 0.0
        self.room_span: int | None = None
        self.mentions: list[Mention] = []
        self.attributes: dict[str, dict] = {}
        self.styles: list[str] = []
        self.style_texts: dict[str, str] = {}
        self.colors: list[str] = []
        self.materials: dict[str, str] = {}
        self.material_texts: dict[str, str] = {}
        self.material_words: dict[str, list[str]] = {}
        self.relations: list[dict] = []
        self.relation_texts: list[str] = []
        self.size = "medium"
        self.shape = "rect"
        self.shape_given = False
        self.lighting: list[str] = []
        self.lighting_texts: dict[str, str] = {}
        self.seats: int | None = None
        self.seat_text = ""
        self.flags: list[str] = []
        self.unknown: list[int] = []  # span indices
        self.embedding_matches: list[dict] = []

    def _text(self, start: int, end: int) -> str:
        """The prompt words of tokens ``start:end`` (punctuation left out)."""
        return " ".join(t.word for t in self.tokens[start:end] if not t.punct)

    # -- room type ------------------------------------------------------------------------
    def choose_room(self) -> None:
        for i, sp in enumerate(self.spans):
            if sp.has("room"):
                self.room_type = sp.get("room")
                self.room_score = 1.0
                self.room_span = i
                return
        if self.use_embeddings and self.tokens:
            hit = semantic_index().match_room_type(self.text)
            if hit is not None:
                self.room_type, self.room_score = hit[0], round(hit[1], 4)
                self.embedding_matches.append({"word": self.text, "kind": "room_type", "match": hit[0],
                                               "score": round(hit[1], 4)})

    # -- nouns ----------------------------------------------------------------------------
    def _next_content(self, i: int, limit: int = 4) -> int | None:
        """Index of the next span after ``i`` that is not a stopword (None at a boundary)."""
        for j in range(i + 1, min(len(self.spans), i + 1 + limit)):
            sp = self.spans[j]
            if sp.punct:
                return None
            if sp.is_stop and not sp.has("relation"):
                continue
            return j
        return None

    def resolve_noun(self, i: int, mods: list) -> str:
        """The category span ``i`` names in this room and context."""
        sp = self.spans[i]
        phrase = " ".join(_singular_form(sp.words))
        raw = sp.text
        amb = self.lex["ambiguous"].get(phrase) or self.lex["ambiguous"].get(raw)
        if amb is not None:
            if "on_surface" in amb:
                j = self._next_content(i)
                if j is not None and self.spans[j].get("relation") == "on":
                    return amb["on_surface"]
            if "floor" in amb and {w for _, _, t in mods for w in t.split()} & set(self.lex["floor_words"]):
                return amb["floor"]
        aliases = self.k.room(self.room_type).get("aliases", {})
        if phrase in aliases:
            return aliases[phrase]
        if raw in aliases:
            return aliases[raw]
        if amb is not None:
            return amb["default"]
        return sp.get("noun")

    # -- the walk -------------------------------------------------------------------------
    def walk(self) -> None:
        pending_count: tuple[int, int, bool] | None = None  # (n, first token, exact)
        mods: list[tuple[str, object, str]] = []  # (kind, value, text)
        mods_start: int | None = None

        def flush_to_room() -> None:
            nonlocal mods, mods_start
            self.bind_room(mods)
            mods, mods_start = [], None

        spans = self.spans
        for i, sp in enumerate(spans):
            if sp.punct:
                flush_to_room()
                pending_count = None
                continue
            if i == self.room_span:
                flush_to_room()
                pending_count = None
                continue
            if sp.has("noun") and self._noun_as_modifier(i):
                self._push_mods(sp, mods)
                if mods_start is None:
                    mods_start = sp.start
                continue
            if sp.has("noun"):
                if sp.has("lightnoun") and any(k == "light" for k, _, _ in mods):
                    self.bind_lighting(mods, sp)
                    mods, mods_start = [], None
                    continue
                cat = self.resolve_noun(i, mods)
                if cat is None:  # a generic word this room type does not define ("machine" in a bedroom)
                    self.unknown.append(i)
                    continue
                plural = _plural(sp)
                if pending_count is not None:
                    n, exact = pending_count[0], pending_count[2]
                elif plural:
                    n, exact = _plural_default(cat), False
                else:
                    n, exact = 1, False
                starts = [sp.start] + ([pending_count[1]] if pending_count else []) + \
                    ([mods_start] if mods_start is not None else [])
                text = self._text(min(starts), sp.end)
                m = Mention(cat, max(int(n), 0), exact, plural, text, i, list(mods))
                self.mentions.append(m)
                self.bind_object(m)
                mods, mods_start = [], None
                pending_count = None
                continue
            if sp.has("quant") or sp.has("number"):
                if sp.has("quant"):
                    phrase, n = sp.get("quant")
                    exact = phrase not in _VAGUE
                else:
                    n, exact = int(sp.get("number")), True
                j = self._next_content(i)
                prev = spans[i - 1].text if i > 0 else ""
                nxt = spans[j] if j is not None else None
                if sp.has("number") and prev in ("for", "seats", "seating", "seat") and (
                        nxt is None or nxt.has("seating") or not (nxt.has("noun") or nxt.has("persona"))):
                    self.seats = int(n)
                    self.seat_text = f"{prev} {sp.text}"
                    continue
                pending_count = (int(n), sp.start, exact)
                continue
            if sp.has("surface"):
                self.bind_surface(sp, mods, mods_start)
                mods, mods_start = [], None
                continue
            if sp.has("persona"):
                self.add_persona(sp.get("persona"), i)
                pending_count = None
                continue
            if sp.has("lightnoun") and any(k == "light" for k, _, _ in mods):
                self.bind_lighting(mods, sp)
                mods, mods_start = [], None
                continue
            if sp.has("palnoun") and mods:
                self.bind_palette(mods)
                mods, mods_start = [], None
                if sp.has("flag"):
                    self.add_flag(sp.get("flag"))
                continue
            if sp.has("flag"):
                self.add_flag(sp.get("flag"))
            if sp.has("flush"):
                flush_to_room()
                continue
            if self._push_mods(sp, mods) and not sp.has("relation"):
                if mods_start is None:
                    mods_start = sp.start
                continue
            if sp.has("relation") or sp.has("relobj") or sp.has("room"):
                continue
            if sp.is_stop:
                if sp.text in _CLAUSE_WORDS:
                    flush_to_room()
                    pending_count = None
                elif sp.text in ("and", "or", "plus") and mods:
                    j = self._next_content(i)
                    if j is None or spans[j].has("quant") or spans[j].has("number") or spans[j].text in _ARTICLES:
                        flush_to_room()  # a new noun phrase starts: "exposed brick and six desks"
                continue
            if not sp.meanings:
                self.unknown.append(i)
        self.bind_room(mods)

    _MOD_KINDS = ("color", "palette", "material", "style", "size", "shape", "light", "modifier")

    def _push_mods(self, sp: Span, mods: list) -> bool:
        """Append the modifier meanings of ``sp`` to ``mods`` (a material or colour meaning makes
        a plain modifier meaning redundant); False when it has none (or is a relation word)."""
        if sp.has("relation"):
            return False
        kinds = [m for m in sp.meanings if m.kind in self._MOD_KINDS]
        if any(m.kind in ("material", "color") for m in kinds):
            kinds = [m for m in kinds if m.kind != "modifier"]
        for m in kinds:
            mods.append((m.kind, m.value, sp.text))
        return bool(kinds)

    def _noun_as_modifier(self, i: int) -> bool:
        """A noun that is also a material or modifier word ("glass", "light") right before another
        noun, a material, a colour or a surface describes it: "a glass coffee table", "light oak"."""
        sp = self.spans[i]
        if not any(sp.has(k) for k in ("material", "modifier", "color")):
            return False
        if i + 1 >= len(self.spans):
            return False
        nxt = self.spans[i + 1]
        if nxt.punct:
            return False
        return any(nxt.has(k) for k in ("noun", "material", "color", "surface")) and not nxt.has("relation")

    # -- binding --------------------------------------------------------------------------
    def bind_room(self, mods: list) -> None:
        mat, col = self._material_words(mods)
        if mat:  # a material without a surface: "a loft with exposed brick"
            desc = " ".join(mat)
            surface = self.lex["unbound_materials"].get(desc) or self.lex["unbound_materials"].get(mat[-1])
            if surface is not None and surface not in self.materials:
                self._set_material(surface, mat, col,
                                   " ".join(t for k, _, t in mods if k in ("material", "color", "modifier")))
        for kind, value, text in mods:
            if kind == "style":
                self.add_style(value, text)
            elif kind == "light":
                self.add_lighting(value, text)
            elif kind == "size" and value in ("small", "medium", "large"):
                self.size = value
            elif kind == "size" and value == "long":
                self.shape, self.shape_given = "long", True
            elif kind == "shape":
                self.shape, self.shape_given = value, True
            elif kind in ("palette", "color"):
                if value not in self.colors:
                    self.colors.append(value)

    def add_style(self, style: str, text: str) -> None:
        if style not in self.styles:
            self.styles.append(style)
            self.style_texts[style] = text

    def add_lighting(self, mood: str, text: str) -> None:
        if mood not in self.lighting:
            self.lighting.append(mood)
            self.lighting_texts[mood] = text

    def add_flag(self, flag: str) -> None:
        if flag not in self.flags:
            self.flags.append(flag)

    def bind_lighting(self, mods: list, noun: Span) -> None:
        for kind, value, text in mods:
            if kind == "light":
                self.add_lighting(value, f"{text} {noun.text}")
            elif kind in ("palette", "color"):
                if value not in self.colors:
                    self.colors.append(value)

    def bind_palette(self, mods: list) -> None:
        for kind, value, text in mods:
            if kind in ("palette", "color"):
                v = value
            elif kind == "light":
                v = self.lex["light_palettes"].get(value)
            elif kind == "style":
                self.add_style(value, text)
                continue
            else:
                continue
            if v and v not in self.colors:
                self.colors.append(v)

    def _material_words(self, mods: list) -> tuple[list[str], list[str]]:
        """(material description words, colour words) of the modifiers, in order."""
        mat: list[str] = []
        col: list[str] = []
        for kind, value, _ in mods:
            if kind in ("material", "modifier"):
                mat.append(str(value))
            elif kind == "color":
                col.append(str(value))
        return mat, col

    def _set_material(self, surface: str, mat: list[str], col: list[str], text: str) -> None:
        """Record the material of ``surface``: its description, requirement words and prompt text."""
        self.materials[surface] = " ".join(col + mat)
        self.material_words[surface] = self._req_words(mat, col)
        self.material_texts[surface] = text

    def _req_words(self, mat: list[str], col: list[str]) -> list[str]:
        """The words a material requirement checks: each colour, and the head word of each
        material phrase ("exposed brick" -> "brick"); modifiers ("light", "polished") only when
        nothing else was said."""
        mods = set(self.lex["material_modifiers"])
        words = list(col) + [m.split()[-1] for m in mat if m not in mods]
        return list(dict.fromkeys(words)) or list(dict.fromkeys(col + mat))

    def bind_surface(self, sp: Span, mods: list, mods_start: int | None = None) -> None:
        surface = sp.get("surface")
        mat, col = self._material_words(mods)
        for kind, value, text in mods:
            if kind == "style":
                self.add_style(value, text)
            elif kind == "light":
                self.add_lighting(value, text)
            elif kind == "palette" and value not in self.colors:
                self.colors.append(value)
        if not (mat or col):
            return
        start = mods_start if mods_start is not None else sp.start
        self._set_material(surface, mat, col, self._text(start, sp.end))

    def bind_object(self, m: Mention) -> None:
        attrs = self.attributes.setdefault(m.category, {})
        mat, col = self._material_words(m.mods)
        for kind, value, text in m.mods:
            if kind == "style":
                attrs["style"] = value
            elif kind == "palette":
                attrs["color"] = value
            elif kind == "size":
                attrs["size"] = value
            elif kind == "shape" and value == "long":
                attrs["size"] = "long"
        if col:
            attrs["color"] = col[-1]
        if mat:
            attrs["material"] = " ".join(mat)
        if not attrs:
            del self.attributes[m.category]
        if m.category in self.lex["counter_categories"] and (mat or col):
            self._set_material("counter", mat, col, m.text)

    def add_persona(self, who: str, i: int) -> None:
        for cat, n in self.lex["personas"][who].items():
            self.mentions.append(Mention(cat, int(n), False, False, who, i, [], implied=True))

    # -- relations ------------------------------------------------------------------------
    def find_relations(self) -> None:
        by_span = {m.span: m for m in self.mentions if not m.implied}
        spans = self.spans
        for r, sp in enumerate(spans):
            rel = sp.get("relation")
            if rel is None or r == self.room_span:
                continue
            # subject: the last object named before, in the same clause
            subj = None
            for j in range(r - 1, -1, -1):
                if spans[j].punct:
                    break
                if j in by_span:
                    subj = by_span[j]
                    break
            if subj is None:
                continue
            obj = None
            obj_span = None
            for j in range(r + 1, min(len(spans), r + 6)):
                s2 = spans[j]
                if s2.punct:
                    break
                if j in by_span:
                    obj, obj_span = by_span[j].category, j
                    break
                if j == self.room_span:
                    obj, obj_span = "room", j
                    break
                if s2.has("relobj"):
                    obj, obj_span = s2.get("relobj"), j
                    break
                if s2.has("surface") and s2.get("surface") in ("wall_accent", "walls"):
                    obj, obj_span = "wall", j
                    break
                if s2.has("relation") and j > r:
                    break
            if rel == "on" and obj == "wall":
                rel = "on_wall"
            if rel in ("middle", "corner"):
                obj = "room"
            elif rel in ("along_walls", "on_wall"):
                obj = "wall"
            elif obj is None:
                continue
            elif rel == "on" and obj in ("room", "window", "door"):
                continue
            if obj == subj.category:
                continue
            entry = {"subject": subj.category, "relation": rel, "object": obj}
            if entry not in self.relations:
                self.relations.append(entry)
                end = spans[obj_span].end if obj_span is not None else sp.end
                start = spans[subj.span].start
                self.relation_texts.append(self._text(start, end))

    # -- unknown words --------------------------------------------------------------------
    def resolve_unknown(self) -> None:
        """The MiniLM fallback for unknown words (see the module doc, step 7)."""
        if not self.unknown or not self.use_embeddings:
            return
        idx = semantic_index()
        by_span = {m.span: m for m in self.mentions if not m.implied}
        unknown = sorted(set(self.unknown))
        runs: list[list[int]] = []
        for i in unknown:
            if runs and runs[-1][-1] == i - 1:
                runs[-1].append(i)
            else:
                runs.append([i])
        for run in runs:
            first, last = run[0], run[-1]
            words = " ".join(self.spans[i].text for i in run)
            prev = self.spans[first - 1] if first > 0 else None
            nxt = self.spans[last + 1] if last + 1 < len(self.spans) else None
            m = by_span.get(last + 1)
            if m is not None and nxt is not None and self._generic(nxt):
                # unknown words before a generic noun name the thing: "bedside light", "rowing machine"
                self._embed_object(f"{words} {nxt.text}", m, idx)
                continue
            is_head = nxt is None or nxt.punct or nxt.is_stop or nxt.has("relation")
            describes = prev is not None and not prev.punct and (
                prev.has("quant") or prev.has("number") or prev.text in _ARTICLES or prev.has("color") or
                prev.has("material") or prev.has("size") or prev.has("style") or prev.is_stop and
                prev.text not in self.lex["stopwords"])
            if is_head and describes:
                # a noun phrase of unknown words: "a harp", "a sewing machine"
                if prev.is_stop and prev.text not in _ARTICLES and first > 1:
                    words = f"{prev.text} {words}"
                    prev = self.spans[first - 2]
                if len(run) == 1 and " " not in words:
                    hit = idx.match_persona(words)
                    if hit is not None:
                        self.embedding_matches.append({"word": words, "kind": "persona", "match": hit[0],
                                                       "score": round(hit[1], 4)})
                        self.add_persona(hit[0], first)
                        continue
                n, exact = 1, False
                if prev is not None and prev.has("number"):
                    n, exact = int(prev.get("number")), True
                elif prev is not None and prev.has("quant"):
                    phrase, q = prev.get("quant")
                    n, exact = int(q), phrase not in _VAGUE
                plural = _plural(self.spans[last])
                m = Mention("", int(n), exact, plural, words, last)
                self._embed_object(words, m, idx)
                if plural and not exact and prev is not None and not prev.has("quant"):
                    m.count = _plural_default(m.category)
                self.mentions.append(m)
                continue
            if not self.styles and nxt is not None and last + 1 == self.room_span:
                hit = idx.match_style(words)
                if hit is not None:
                    self.embedding_matches.append({"word": words, "kind": "style", "match": hit[0],
                                                   "score": round(hit[1], 4)})
                    self.add_style(hit[0], words)

    def _generic(self, sp: Span) -> bool:
        """A word whose category depends on the room or context ("light", "table", "machine")."""
        words = {sp.text, " ".join(_singular_form(sp.words))}
        if words & set(self.lex["ambiguous"]):
            return True
        return any(words & set(rt.get("aliases", {})) for rt in self.k.room_types.values())

    def _embed_object(self, text: str, m: Mention, idx) -> None:
        """Set ``m.category`` from the catalog by text similarity, else a proxy named by the text."""
        hit = idx.match_category(text)
        if hit is not None:
            m.category, kind, score = hit[0], "category", round(hit[1], 4)
        else:
            label = " ".join(_singular_form(tuple(text.split())))
            m.category = re.sub(r"[^a-z0-9]+", "_", label).strip("_") or "object"
            kind, score = "proxy", 0.0
        self.embedding_matches.append({"word": text, "kind": kind, "match": m.category, "score": score})

    # -- result ---------------------------------------------------------------------------
    def spec(self) -> PromptSpec:
        objects: dict[str, int] = {}
        exact: set[str] = set()
        texts: dict[str, str] = {}
        for m in self.mentions:
            if m.count <= 0:
                continue
            cur = objects.get(m.category)
            if cur is None or m.count > cur or (m.count == cur and m.exact and m.category not in exact):
                objects[m.category] = m.count
                texts[m.category] = m.text
                if m.exact:
                    exact.add(m.category)
                else:
                    exact.discard(m.category)
        if self.seats:
            seat_cat = self._seat_category()
            objects[seat_cat] = self.seats
            exact.add(seat_cat)
            texts[seat_cat] = self.seat_text
        reqs: list[Requirement] = []
        for cat, n in objects.items():
            reqs.append(Requirement("object", cat, int(n), texts.get(cat, cat)))
        words_by_surface = self.material_words
        for surface in self.materials:
            reqs.append(Requirement("material", surface, list(words_by_surface.get(surface, self.materials[surface].split())),
                                    self.material_texts.get(surface, self.materials[surface]).strip()))
        for mood in self.lighting:
            reqs.append(Requirement("lighting", mood, mood, self.lighting_texts.get(mood, mood)))
        for style in self.styles:
            reqs.append(Requirement("style", style, style, self.style_texts.get(style, style)))
        for cat, attrs in self.attributes.items():
            c = attrs.get("color")
            if c and c not in self.lex["palettes"]:
                reqs.append(Requirement("color", cat, c, f"{c} {cat.replace('_', ' ')}"))
        for rel, text in zip(self.relations, self.relation_texts):
            reqs.append(Requirement("relation", rel["subject"], dict(rel), text))
        return PromptSpec(
            text=self.text, room_type=self.room_type, room_type_score=float(self.room_score), objects=objects,
            attributes={k: dict(v) for k, v in self.attributes.items()}, styles=tuple(self.styles),
            colors=tuple(self.colors), materials=dict(self.materials), relations=tuple(dict(r) for r in self.relations),
            size=self.size, shape=self.shape, lighting=tuple(self.lighting), requirements=tuple(reqs),
            exact=frozenset(exact), shape_given=self.shape_given, seats=self.seats, flags=tuple(self.flags),
            unknown_words=tuple(self.spans[i].text for i in self.unknown),
            embedding_matches=tuple(self.embedding_matches))

    def _seat_category(self) -> str:
        seats_for = self.lex["seats_for"]
        for m in reversed(self.mentions):
            if m.category in seats_for:
                return seats_for[m.category]
        rt = self.k.room(self.room_type)
        alias = rt.get("aliases", {})
        table = alias.get("table")
        if table in seats_for:
            return seats_for[table]
        return alias.get("chair", "chair")


def parse_prompt(text: str, *, use_embeddings: bool = True) -> PromptSpec:
    """Read ``text`` into a :class:`~.spec.PromptSpec` (see the module doc for the rules).

    ``use_embeddings=False`` never loads the MiniLM model: unknown words are then only listed in
    ``unknown_words`` and a prompt without a room keyword gets the default room type."""
    if not isinstance(text, str) or not text.strip():
        from ...errors import WorldsmithError

        raise WorldsmithError(f"expected a non-empty prompt describing a room, got {text!r}; "
                              'example: "a cozy bedroom with a double bed"')
    r = _Reader(text.strip(), use_embeddings)
    r.choose_room()
    r.walk()
    r.resolve_unknown()
    r.find_relations()
    return r.spec()


__all__ = ["Mention", "Span", "parse_prompt", "phrase_table", "segment", "tokenize"]
