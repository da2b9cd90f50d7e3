"""Text -> catalog category, with labelled proxies for things the catalog does not know.

:func:`match_category` answers what ``add("...")`` should build for a piece of text. It never
fails and never drops anything: every text becomes a :class:`CategoryMatch` of one of four kinds.

1. ``exact`` / ``synonym``: the text, or its core after dropping articles, quantities and
   descriptive adjectives ("a comfy couch" -> "couch"; plurals folded), is a catalog name or synonym
   (:func:`worldsmith.assets.catalog.resolve`). No model is loaded for these.
   Ambiguous words are decided first: "lamp" is a ``table_lamp`` when the support is an object or
   the text/context puts it on a surface ("on the desk", "a small lamp"), a ``pendant_light`` when
   it hangs, otherwise (standing, floor, corner, or nothing said) a ``floor_lamp``; "light" alone
   is a ``ceiling_light`` unless the same cues say otherwise.
2. ``similar``: a one-word misspelling of a name or synonym ("chiar" -> chair; difflib ratio >=
   :data:`SPELLING_CUTOFF`), else the closest procedural candidate by MiniLM text similarity
   (:class:`worldsmith.assets.retrieval.Retriever`) when that similarity is at least
   :data:`SIMILAR_THRESHOLD` ("king size bed" -> bed, "espresso maker" -> coffee_machine); failing
   that, the text's head noun when it is a catalog name or synonym ("persian rug" -> rug).
3. ``proxy``: anything else ("a harp"). ``category`` is the text's snake_case core (``"harp"``),
   the object is built as a labelled parametric box, its ``size`` is the element-wise median of the
   typical sizes of the three most similar categories and its ``support`` their majority support
   (the requested support when one was given). ``note`` names them.

``note`` is empty for exact and synonym matches and says what was substituted otherwise, so reports
can list every substitution.

The threshold
-------------
:data:`SIMILAR_THRESHOLD` = 0.56 applies to ``Retriever.similarities`` (mean of the best-phrase and
the whole-text cosine similarity). It was chosen on the 150 queries of the retrieval tests that are
not catalog names or synonyms (descriptions and paraphrases, ``tests/assets/test_retrieval.py``)
against 60 names of things the catalog lacks (instruments, vehicles, animals, appliances, decor),
picking the value with the fewest errors on both sides:

- every correctly ranked paraphrase scores >= 0.569 except "baby grand" (0.44, so it becomes a
  proxy whose alternatives start with piano);
- clearly unrelated things fall below: harp 0.40 ("a harp" 0.45), kayak 0.31, spaceship 0.34,
  elephant 0.37; the highest unrelated ones are rowing machine 0.545, sculpture 0.549, car 0.540;
- above it, among those 60 names, some map to a fair stand-in (grandfather clock -> clock,
  exercise bike -> bicycle, motorcycle -> bicycle) and some to a poor one, which the note reports:
  printer -> poster (through the synonym "print"), sewing machine -> washing_machine, vending
  machine -> coffee_machine, water cooler -> bottle, shoe rack -> shoe, crib mobile -> crib.
  Synonyms or descriptions in the catalog, or library assets, are the fix for those.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from . import catalog
from .retrieval import Retriever, normalize, procedural_retriever, support_kind, words

log = logging.getLogger(__name__)

#: minimum text similarity for a "similar" match (see the module doc for how it was chosen)
SIMILAR_THRESHOLD = 0.56

KINDS = ("exact", "synonym", "similar", "proxy")

Size = tuple[float, float, float]


@dataclass(frozen=True)
class CategoryMatch:
    """What a text resolved to.

    - ``query``: the text as given; ``category``: a catalog name, or for a proxy the text's
      snake_case core (not in the catalog).
    - ``score``: 1.0 for exact and synonym matches, else the text similarity of the best candidate.
    - ``kind``: ``exact``, ``synonym``, ``similar`` or ``proxy``.
    - ``size``: typical (w, d, h) in metres: the catalog's, or the guess for a proxy.
    - ``support``: ``floor``, ``wall``, ``ceiling`` or ``object``.
    - ``note``: empty for exact/synonym matches; otherwise what was substituted and why.
    - ``alternatives``: the next most similar catalog categories (for reports and hints).
    """

    query: str
    category: str
    score: float
    kind: str
    size: Size
    support: str
    note: str = ""
    alternatives: tuple[str, ...] = field(default=())

    @property
    def is_proxy(self) -> bool:
        return self.kind == "proxy"

    @property
    def substituted(self) -> bool:
        """True when the result is not literally what the text named (``similar`` or ``proxy``)."""
        return self.kind in ("similar", "proxy")


# ---------------------------------------------------------------------------------------------
# ambiguous words

#: words that put a lamp on a surface when they follow "on" (context) or qualify it (text)
_SURFACE_WORDS = frozenset("""desk table nightstand bedside dresser shelf counter countertop sideboard cabinet
console bookshelf bookcase chest drawers piano stool credenza vanity worktop""".split())
_SMALL_WORDS = frozenset("small little tiny mini desk table bedside reading".split())
_FLOOR_WORDS = frozenset("floor standing tall corner arc torchiere freestanding".split())
_HANGING_WORDS = frozenset("hanging pendant ceiling suspended overhead".split())

#: ambiguous core word -> default category
_AMBIGUOUS = {"lamp": "floor_lamp", "light": "ceiling_light"}


def _on_surface(ws: list[str]) -> bool:
    """``on (the|a|top of|...) <surface word>`` within four words."""
    for i, w in enumerate(ws):
        if w in ("on", "atop", "onto", "upon"):
            for nxt in ws[i + 1:i + 5]:
                if nxt in _SURFACE_WORDS or nxt.rstrip("s") in _SURFACE_WORDS:
                    return True
                if nxt in ("floor", "ground", "ceiling", "wall"):
                    break
    return False


#: words that end the noun phrase naming the thing ("lamp | on the desk")
_PREPOSITIONS = frozenset("""on in at by for with from near next beside behind above over under below between
against along atop onto upon inside outside to""".split())


def _head_phrase(core: str) -> str:
    """The words of ``core`` before its first preposition: ``"lamp on nightstand"`` -> ``"lamp"``."""
    out = []
    for w in core.split():
        if w in _PREPOSITIONS:
            break
        out.append(w)
    return " ".join(out)


def _disambiguate(core: str, text: str, context: str | None, support: str | None) -> tuple[str, str] | None:
    """(category, reason) for an ambiguous word (alone, or followed by a prepositional phrase that
    is then read as context), else None."""
    default = _AMBIGUOUS.get(_head_phrase(core))
    if default is None or support == "wall":
        return None
    if support == "object":
        return "table_lamp", "it stands on an object"
    if support == "ceiling":
        return ("pendant_light" if core == "lamp" else "ceiling_light"), "it hangs from the ceiling"
    if support == "floor":
        return "floor_lamp", "it stands on the floor"
    own = set(words(text))
    ctx = words(context or "")
    if own & _HANGING_WORDS:
        return "pendant_light", "the text says it hangs"
    if own & _FLOOR_WORDS:
        return "floor_lamp", "the text says it stands on the floor"
    if own & _SMALL_WORDS:
        return "table_lamp", "the text says it is small or for a table"
    if _on_surface(words(text)) or _on_surface(ctx):
        return "table_lamp", "it is placed on a surface"
    if set(ctx) & _HANGING_WORDS and core == "lamp":
        return "pendant_light", "the context says it hangs"
    if set(ctx) & _FLOOR_WORDS:
        return "floor_lamp", "the context says it stands on the floor"
    return default, "default reading"


# ---------------------------------------------------------------------------------------------
# matching


def _info_match(query: str, name: str, kind: str, note: str = "", score: float = 1.0,
                alternatives: tuple[str, ...] = ()) -> CategoryMatch:
    info = catalog.get(name)
    return CategoryMatch(query, name, score, kind, tuple(float(v) for v in info.size_typical), info.support,
                         note, alternatives)


def _lookup(text: str) -> tuple[str, str] | None:
    """(category, kind) by name/synonym for the text as is, then for its core."""
    for candidate in (text, normalize(text, drop_filler=False), normalize(text)):
        name = catalog.resolve(candidate)
        if name is not None:
            exact = normalize(candidate, drop_filler=False) == normalize(name, drop_filler=False)
            return name, "exact" if exact else "synonym"
    return None


def _head_noun(core: str) -> str | None:
    """The catalog category of the longest proper word suffix of ``core`` that is a name or synonym."""
    ws = core.split()
    for i in range(1, len(ws)):
        name = catalog.resolve(" ".join(ws[i:]))
        if name is not None:
            return name
    return None


#: how alike (difflib ratio) a word must be to a name or synonym to be read as its misspelling
SPELLING_CUTOFF = 0.8


def _spelling(core: str) -> tuple[str, str] | None:
    """(category, the name or synonym it resembles) for a one-word text that is a likely
    misspelling, e.g. "chiar" -> chair; None otherwise. Several-word texts go to the embeddings."""
    import difflib

    if " " in core or len(core) < 4:
        return None
    vocab: dict[str, str] = {}
    for name in catalog.names():
        vocab.setdefault(name.replace("_", " "), name)
        for syn in catalog.get(name).synonyms:
            vocab.setdefault(syn.lower(), name)
    close = difflib.get_close_matches(core, sorted(vocab), n=1, cutoff=SPELLING_CUTOFF)
    return (vocab[close[0]], close[0]) if close else None


def proxy_name(text: str) -> str:
    """The snake_case label of a proxy: the text's core words (``"A golden harp"`` -> ``"harp"``)."""
    core = normalize(text)
    label = "_".join(core.split()) or "object"
    return label[:64]


def match_category(text: str, context: str | None = None, support: str | None = None,
                   retriever: Retriever | None = None) -> CategoryMatch:
    """Resolve ``text`` to a catalog category or a labelled proxy (see the module doc).

    ``context``: surrounding words ("on the desk", or the whole prompt) used for ambiguous words.
    ``support``: the support type the caller needs (``floor``, ``wall``, ``ceiling``, ``object``,
    or ``wall:<id>`` / ``object:<id>``); similar matches and proxies are chosen among candidates of
    that type. ``retriever``: what to search (default: the procedural catalog).
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"expected a non-empty object description, got {text!r}")
    query = text
    text = text.strip()
    sup = support_kind(support)
    core = normalize(text)

    # 1. ambiguous words, then names and synonyms (no model needed)
    dis = _disambiguate(core, text, context, sup)
    if dis is not None:
        name, reason = dis
        return _info_match(query, name, "synonym", f"'{text}' is ambiguous; read as {name} ({reason})")
    found = _lookup(text)
    if found is not None:
        name, kind = found
        note = ""
        info = catalog.get(name)
        if sup is not None and info.support != sup:
            note = f"{name} is normally a {info.support} object, asked for support {sup}"
        return _info_match(query, name, kind, note)

    # 2. a misspelt name or synonym ("chiar", "tabel"): close in spelling, not in meaning
    spelt = _spelling(core)
    if spelt is not None and (sup is None or catalog.get(spelt[0]).support == sup):
        name, written = spelt
        return _info_match(query, name, "similar", f"read '{text}' as {name} (spelling of '{written}')", 0.9)

    # 3. text similarity over the procedural candidates (the support filter applies)
    r = retriever if retriever is not None else procedural_retriever()
    ranked = r.query(text, support=sup, k=None)  # every candidate of that support, best first
    if ranked and ranked[0].similarity >= SIMILAR_THRESHOLD:
        best = ranked[0]
        c = best.candidate
        note = (f"'{text}' is not a catalog name; using the most similar category {best.category} "
                f"(similarity {best.similarity:.2f})")
        return CategoryMatch(query, best.category, float(best.similarity), "similar",
                             tuple(float(v) for v in c.size), c.support, note,
                             tuple(m.category for m in ranked[1:4]))
    head = _head_noun(core)
    if head is not None and (sup is None or catalog.get(head).support == sup):
        sim = next((m.similarity for m in ranked if m.category == head), 0.0)
        note = f"'{text}' is not a catalog name; using its head noun's category {head}"
        return _info_match(query, head, "similar", note, float(sim), tuple(m.category for m in ranked[:3]))

    # 4. a labelled proxy sized like its nearest categories
    return _proxy(query, text, ranked[:3], sup)


def _proxy(query: str, text: str, top: list, sup: str | None) -> CategoryMatch:
    label = proxy_name(text)
    if not top:  # nothing of that support in the catalog: a 30 cm cube
        return CategoryMatch(query, label, 0.0, "proxy", (0.3, 0.3, 0.3), sup or "floor",
                             f"no catalog category is like '{text}'; using a labelled 0.3 m proxy box")
    if sup is None:  # the majority; without one, floor when it is among them, else the closest's
        votes = Counter(m.candidate.support for m in top)
        best_n = max(votes.values())
        tied = [m.candidate.support for m in top if votes[m.candidate.support] == best_n]
        support = "floor" if best_n == 1 and "floor" in tied else tied[0]
    else:
        support = sup
    same = [m for m in top if m.candidate.support == support] or top
    sizes = np.array([m.candidate.size for m in same], dtype=float)
    size = tuple(float(round(v, 3)) for v in np.median(sizes, axis=0))
    names = ", ".join(m.category for m in top)
    note = (f"no catalog category is close to '{text}' (best: {top[0].category}, similarity "
            f"{top[0].similarity:.2f} < {SIMILAR_THRESHOLD}); using a labelled proxy '{label}' with "
            f"support {support} and size {size[0]:.2f} x {size[1]:.2f} x {size[2]:.2f} m guessed from {names}")
    return CategoryMatch(query, label, float(top[0].similarity), "proxy", size, support, note,
                         tuple(m.category for m in top))


def describe(match: CategoryMatch) -> str:
    """A one-line summary for reports: ``"harp -> proxy harp (...)"``."""
    if not match.note:
        return f"{match.query} -> {match.category}"
    return f"{match.query} -> {match.kind} {match.category}: {match.note}"


__all__ = ["CategoryMatch", "KINDS", "SIMILAR_THRESHOLD", "describe", "match_category", "proxy_name"]
