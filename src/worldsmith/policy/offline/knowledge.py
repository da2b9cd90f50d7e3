"""The offline planner's knowledge: data files, read once, checked, and a MiniLM fallback.

Data (``data/``, all JSON, see each file's ``about``):

- ``room_types.json``: per room type its keywords, sizes, shapes, styles, openings and furniture
  templates (items with counts, probabilities and placements), plus the default dressing of each
  category (small objects on it).
- ``styles.json``: style palettes (floor / wall / ceiling / accent materials, object materials and
  colours) and which palette entry dresses which category.
- ``lighting.json``: moods (colour temperature, intensity) and per room type lighting designs.
- ``lexicon.json``: the prompt vocabulary: numbers and quantifiers, extra category phrases, words
  that depend on the room ("table"), surfaces, materials, palette words, sizes, shapes, lighting
  words, relation phrases, people and pets and what they imply, flags, stopwords.

:func:`knowledge` returns them as one :class:`Knowledge` (cached); :func:`check` lists every
inconsistency (unknown categories, styles, colours, dangling item references) and is what the tests
run.

Embeddings: :class:`SemanticIndex` maps words the lexicon does not know to room types, styles,
people/pets (persona implications) and catalog categories by MiniLM cosine similarity
(``assets.retrieval``'s shared :class:`~worldsmith.assets.retrieval.Embedder` and
:class:`~worldsmith.assets.retrieval.EmbeddingCache`, so the model loads once per process and the
label embeddings are cached on disk). It is only consulted for unknown words; a prompt made of known
words never loads the model. Thresholds (cosine of unit vectors; measured on this repository's
vocabulary, see ``tests/policy/test_parse.py``):

- :data:`ROOM_THRESHOLD` 0.40 for a whole prompt against room texts (display name, description,
  first keywords), and the best room at least :data:`ROOM_MARGIN` 0.025 above the second ("a room
  for meetings" -> conference room 0.71, "a space to paint and draw" -> art studio 0.40, "a place
  to buy books" -> bookstore 0.72; "somewhere to cook dinner": restaurant 0.481 vs kitchen 0.471,
  too close: the default);
- :data:`STYLE_THRESHOLD` 0.6 with :data:`STYLE_MARGIN` 0.04 for a word against style
  descriptions (MiniLM puts most style words near "modern" at 0.5-0.6, so only clear cases pass:
  "futuristic" -> modern 0.62; "gothic", "baroque", "tropical" stay unmatched);
- :data:`PERSONA_THRESHOLD` 0.62 for a noun against the people/pets of the lexicon ("novelist" ->
  writer 0.83, "gardener" -> plant lover 0.69, "drummer" -> musician 0.66; "accountant" 0.44
  and "violinist" 0.59 do not pass);
- categories use :data:`worldsmith.assets.category_match.SIMILAR_THRESHOLD` (0.56) on
  ``Retriever.similarities``, the catalog retriever's own calibrated score ("chandeliers" ->
  chandelier 0.87; "harp", "kayak", "printer" stay proxies).
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from ...assets import catalog

log = logging.getLogger(__name__)

ROOM_THRESHOLD = 0.40
ROOM_MARGIN = 0.025
STYLE_THRESHOLD = 0.6
STYLE_MARGIN = 0.04
PERSONA_THRESHOLD = 0.62

PLACE_TARGET_KEYS = ("facing", "same_yaw_as", "next_to", "in_front_of", "behind", "around", "center_aligned_with",
                     "near", "far_from", "on")
#: words a place target may be besides item keys
PLACE_WORDS = frozenset({"window", "door", "wall", "any_wall", "room", "center"})


def _load(name: str) -> dict:
    text = resources.files("worldsmith.policy.offline").joinpath(f"data/{name}").read_text("utf-8")
    return json.loads(text)


def _without_note(table: dict) -> dict:
    """A data table without its ``note`` entry (documentation for people, not data)."""
    return {k: v for k, v in table.items() if k != "note"}


@dataclass(frozen=True)
class Knowledge:
    """The four data files, parsed (plain dicts, treat them as read-only). The ``note`` entries
    of the tables (``pairings``, ``wall_variants``, ``roles`` and every table of ``lexicon``) are
    dropped on loading, so code iterates the tables without skipping them."""

    room_types: dict
    category_dressing: dict
    pairings: dict
    wall_variants: dict
    styles: dict
    roles: dict
    lighting: dict
    lexicon: dict

    def room(self, name: str) -> dict:
        try:
            return self.room_types[name]
        except KeyError:
            from ...errors import WorldsmithError

            raise WorldsmithError(f"unknown room type {name!r}; known: {', '.join(sorted(self.room_types))}") from None


@lru_cache(maxsize=1)
def knowledge() -> Knowledge:
    """The planner's knowledge (read once per process)."""
    rt = _load("room_types.json")
    st = _load("styles.json")
    lex = {name: _without_note(v) if isinstance(v, dict) else v for name, v in _load("lexicon.json").items()}
    return Knowledge(room_types=rt["room_types"], category_dressing=rt["category_dressing"],
                     pairings=_without_note(rt["pairings"]), wall_variants=_without_note(rt["wall_variants"]),
                     styles=st["styles"], roles=_without_note(st["roles"]), lighting=_load("lighting.json"),
                     lexicon=lex)


def room_type_names() -> list[str]:
    """Every room type, sorted."""
    return sorted(knowledge().room_types)


def style_names() -> list[str]:
    """Every style, sorted."""
    return sorted(knowledge().styles)


def item_categories(item: dict) -> list[str]:
    """The categories a room-type item may become (its category, or its choices)."""
    if "choices" in item:
        return list(item["choices"])
    return [item["category"]]


def dangling(keyword: str, target: object, keys) -> bool:
    """Whether the ``place`` entry ``keyword: target`` names an item that is not among ``keys``
    (a target keyword whose string value is neither an item key nor a :data:`PLACE_WORDS` word)."""
    return keyword in PLACE_TARGET_KEYS and isinstance(target, str) and target not in keys and target not in PLACE_WORDS


def check() -> list[str]:
    """Every inconsistency in the knowledge files, as messages (empty: all good)."""
    from ...materials.colors import color_rgb

    k = knowledge()
    problems: list[str] = []
    names = set(catalog.names())

    def cat_ok(cat: str, where: str) -> None:
        if cat not in names:
            problems.append(f"{where}: unknown category {cat!r}")

    for cat, entries in k.category_dressing.items():
        cat_ok(cat, "category_dressing")
        for e in entries:
            for c in e["items"]:
                cat_ok(c, f"category_dressing[{cat}]")
    for cat, partners in k.pairings.items():
        cat_ok(cat, "pairings")
        for partner, place in partners:
            cat_ok(partner, f"pairings[{cat}]")
    for cat, wall in k.wall_variants.items():
        cat_ok(cat, "wall_variants")
        cat_ok(wall, "wall_variants")
    light_rt = k.lighting["room_types"]
    for name, rt in k.room_types.items():
        where = f"room_types[{name}]"
        for field in ("display", "keywords", "description", "sizes", "height", "shapes", "styles", "items"):
            if field not in rt:
                problems.append(f"{where}: missing {field!r}")
        for size in ("small", "medium", "large"):
            if size not in rt.get("sizes", {}):
                problems.append(f"{where}: no size {size!r}")
        for shape in rt.get("shapes", {}):
            if shape not in ("rect", "L", "U", "long"):
                problems.append(f"{where}: unknown shape {shape!r}")
        for style in rt.get("styles", {}):
            if style not in k.styles:
                problems.append(f"{where}: unknown style {style!r}")
        if name not in light_rt:
            problems.append(f"{where}: no lighting design in lighting.json")
        for word, cat in rt.get("aliases", {}).items():
            cat_ok(cat, f"{where}.aliases[{word}]")
        items = rt.get("items", []) + rt.get("rich", [])
        keys = [it["key"] for it in items]
        if len(set(keys)) != len(keys):
            problems.append(f"{where}: duplicate item keys")
        for it in items:
            iw = f"{where}.items[{it['key']}]"
            for c in item_categories(it):
                cat_ok(c, iw)
            for pk, pv in it.get("place", {}).items():
                if dangling(pk, pv, keys):
                    problems.append(f"{iw}: place {pk} refers to unknown key {pv!r}")
            per = it.get("count_per")
            if per is not None and per["item"] not in keys:
                problems.append(f"{iw}: count_per refers to unknown key {per['item']!r}")
            for e in it.get("dress", []):
                for c in e["items"]:
                    cat_ok(c, f"{iw}.dress")
        for e in rt.get("dressing", []):
            if e["target"] not in keys:
                problems.append(f"{where}.dressing: unknown target {e['target']!r}")
            for c in e["items"]:
                cat_ok(c, f"{where}.dressing")
        for s in rt.get("surfaces", []):
            if s not in keys:
                problems.append(f"{where}.surfaces: unknown key {s!r}")
    for name, st in k.styles.items():
        for i, v in enumerate(st["variants"]):
            for key in ("floor", "walls", "ceiling", "accent", "wood", "metal", "fabric", "textile", "counter",
                        "cabinet", "cabinet_color", "colors", "accents"):
                if key not in v:
                    problems.append(f"styles[{name}].variants[{i}]: missing {key!r}")
            for c in list(v.get("colors", [])) + list(v.get("accents", [])) + [v.get("cabinet_color", "white")]:
                if color_rgb(c) is None:
                    problems.append(f"styles[{name}].variants[{i}]: unknown colour {c!r}")
        for fx in st.get("fixture", {}):
            cat_ok(fx, f"styles[{name}].fixture")
    for cat in k.roles:
        cat_ok(cat, "styles.roles")
    lex = k.lexicon
    for phrase, cat in lex["category_phrases"].items():
        cat_ok(cat, f"lexicon.category_phrases[{phrase}]")
    for who, implied in lex["personas"].items():
        for cat in implied:
            cat_ok(cat, f"lexicon.personas[{who}]")
    for cat in lex["plural_defaults"]:
        if cat != "default":
            cat_ok(cat, "lexicon.plural_defaults")
    for cat in lex["hosts"]["categories"]:
        cat_ok(cat, "lexicon.hosts")
    for name, pal in lex["palettes"].items():
        for c in pal:
            if color_rgb(c) is None:
                problems.append(f"lexicon.palettes[{name}]: unknown colour {c!r}")
    for word, pal in lex["light_palettes"].items():
        if pal not in lex["palettes"]:
            problems.append(f"lexicon.light_palettes[{word}]: unknown palette {pal!r}")
    for c in k.lighting["neon_colors"]:
        if color_rgb(c) is None:
            problems.append(f"lighting.neon_colors: unknown colour {c!r}")
    for name, d in light_rt.items():
        for fx in d["fixtures"]:
            cat_ok(fx, f"lighting.room_types[{name}].fixtures")
        for cat, fx in d.get("over", {}).items():
            cat_ok(cat, f"lighting.room_types[{name}].over")
            cat_ok(fx, f"lighting.room_types[{name}].over")
        if d["mood"] not in k.lighting["moods"]:
            problems.append(f"lighting.room_types[{name}]: unknown mood {d['mood']!r}")
    return problems


# ---------------------------------------------------------------------------------------------
# embeddings for unknown words


class SemanticIndex:
    """MiniLM similarity of a text to room types, styles, personas and catalog categories.

    Labels are embedded once (cached through :class:`~worldsmith.assets.retrieval.EmbeddingCache`
    under the set names ``offline-room-types`` / ``offline-styles`` / ``offline-personas``);
    queries are embedded by the shared :class:`~worldsmith.assets.retrieval.Embedder`. Each
    ``match_*`` returns ``(label, score)`` when the best score reaches its threshold, else None.
    """

    def __init__(self, embedder=None, cache=None):
        self._embedder = embedder
        self._cache = cache
        self._labels: dict[str, tuple[list[str], np.ndarray]] = {}
        self._lock = threading.Lock()

    @property
    def embedder(self):
        if self._embedder is None:
            from ...assets.retrieval import default_embedder

            self._embedder = default_embedder()
        return self._embedder

    @property
    def cache(self):
        if self._cache is None:
            from ...assets.retrieval import embedding_cache

            self._cache = embedding_cache()
        return self._cache

    def _label_set(self, name: str) -> tuple[list[str], np.ndarray]:
        with self._lock:
            if name in self._labels:
                return self._labels[name]
            k = knowledge()
            if name == "offline-room-types":
                labels = sorted(k.room_types)
                texts = [f"{k.room_types[n]['display']}: {k.room_types[n]['description']}; "
                         f"{', '.join(k.room_types[n]['keywords'][:6])}" for n in labels]
            elif name == "offline-styles":
                labels = sorted(k.styles)
                texts = [f"{n.replace('_', ' ')} style; {', '.join(k.styles[n]['words'])}; {k.styles[n]['description']}"
                         for n in labels]
            elif name == "offline-personas":
                labels = sorted(k.lexicon["personas"])
                texts = list(labels)
            else:  # pragma: no cover - programming error
                raise KeyError(name)
            vecs = self.cache.get(name, texts, self.embedder)
            self._labels[name] = (labels, vecs)
            return self._labels[name]

    def _best(self, name: str, text: str, threshold: float, margin: float = 0.0) -> tuple[str, float] | None:
        labels, vecs = self._label_set(name)
        q = np.asarray(self.embedder.encode([text]), dtype=np.float32)[0]
        sims = vecs @ q
        order = np.argsort(-sims, kind="stable")
        i = int(order[0])
        score = float(sims[i])
        second = float(sims[order[1]]) if len(order) > 1 else -1.0
        log.debug("embedding match %r in %s: %s %.3f (next %.3f)", text, name, labels[i], score, second)
        return (labels[i], score) if score >= threshold and score - second >= margin else None

    def match_room_type(self, text: str) -> tuple[str, float] | None:
        return self._best("offline-room-types", text, ROOM_THRESHOLD, ROOM_MARGIN)

    def match_style(self, word: str) -> tuple[str, float] | None:
        return self._best("offline-styles", f"{word} style interior", STYLE_THRESHOLD, STYLE_MARGIN)

    def match_persona(self, word: str) -> tuple[str, float] | None:
        return self._best("offline-personas", word, PERSONA_THRESHOLD)

    def match_category(self, word: str) -> tuple[str, float] | None:
        from ...assets.category_match import SIMILAR_THRESHOLD
        from ...assets.retrieval import procedural_retriever

        r = procedural_retriever()
        sims = r.similarities(word)
        i = int(np.argmax(sims))
        score = float(sims[i])
        return (r.candidates[i].category, score) if score >= SIMILAR_THRESHOLD else None


@lru_cache(maxsize=1)
def semantic_index() -> SemanticIndex:
    """The process-wide :class:`SemanticIndex` (labels are embedded once per process)."""
    return SemanticIndex()


__all__ = ["Knowledge", "PERSONA_THRESHOLD", "ROOM_MARGIN", "ROOM_THRESHOLD", "STYLE_MARGIN", "STYLE_THRESHOLD",
           "SemanticIndex", "check", "dangling", "item_categories", "knowledge", "room_type_names",
           "semantic_index", "style_names"]
