"""The in-context library: high-scoring (prompt, program) pairs from earlier runs, retrieved by
prompt similarity and shown to the VLM as worked examples.

It is one of the two ways the policy improves itself without training (the other is sampling
several programs and keeping the best): every run that scores well adds its program, and later
prompts that resemble it see it in their context.

Entries
-------
A :class:`LibraryEntry` is ``(prompt, program, score, source, meta)``. ``score`` is how good the
program was for its prompt (higher is better; :meth:`ProgramLibrary.add_run` uses the prompt
fidelity share, see below); ``source`` says where it came from (a run folder, a person);
``meta`` holds JSON values (seed, planner ...). Prompts and programs are stored stripped of
surrounding white space. A program must hold at least one line that is neither blank nor a
comment; a prompt must not be empty; a score must be a finite number; meta values must be JSON.
A bad entry raises :class:`LibraryError`.

The library keeps **one entry per (prompt, program)**: adding a pair again replaces the entry
(in its place, with the new ``source`` and ``meta``) only when the new score is strictly higher.
:meth:`ProgramLibrary.add` returns whether anything changed.

The file
--------
With a ``path`` the library is backed by a JSONL file: one entry per line,
``{"prompt", "program", "score", "source", "meta"}`` (keys sorted, UTF-8). It is read at
construction when it exists (blank lines are skipped; a line that is not such an object raises
:class:`LibraryError` naming ``path:line``; repeated pairs merge as :meth:`~ProgramLibrary.add`
would) and rewritten whole after every change, atomically (a temporary file in the same folder,
then ``os.replace``; the folder is created when missing), so a reader never sees half a file.

Retrieval
---------
:meth:`ProgramLibrary.retrieve` embeds the query prompt and every entry's prompt with the
project's MiniLM model (:func:`worldsmith.assets.retrieval.default_embedder`, the one instance
per process that asset retrieval also uses; unit vectors, so the dot product is the cosine
similarity) and ranks the entries by

1. similarity, rounded to 6 decimals (so float noise cannot reorder equal prompts), descending;
2. then score, descending;
3. then insertion order (older first).

It walks that ranking and keeps an entry unless an entry with the same program was already kept
(never two copies of one program in a prompt), stopping at ``k``. ``min_score`` drops entries
whose *score* is below it, ``min_similarity`` those less similar than it, ``exclude_prompt``
those whose prompt equals the query (case and white space aside: for evaluating on a prompt the
library already holds). Embeddings are cached in memory per distinct prompt text; an empty
library answers ``[]`` without loading the model.

Runs
----
:meth:`ProgramLibrary.add_run` reads a ``worldsmith generate`` output folder: ``report.json``
(``prompt``, ``prompt_fidelity.share``, and ``metrics`` with the problem lists of
:data:`worldsmith.metrics.validate.PROBLEM_KEYS`: collisions, out of bounds, blocked openings,
unsupported objects) and ``program.py``. The run is added when its fidelity share is at least
``min_share`` (default 1.0: every requirement the prompt states is met) and every problem list
is empty. **Its score is the fidelity share** (in [0, 1]); with the default ``min_share`` all
run entries score 1.0 and ties fall to insertion order. The leading ``# <prompt>`` comment
that generate writes on top of ``program.py`` is dropped (the prompt is stored beside it); the
per-step comments stay. ``source`` is the folder path, ``meta`` holds ``seed``, ``planner``,
``steps`` and ``objects`` when the report has them.
"""

from __future__ import annotations

import json
import logging
import math
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping

import numpy as np

from ...scene import WorldsmithError
from ...scene.files import atomic_write_bytes, jsonl_records

log = logging.getLogger(__name__)

#: decimals of the similarity used for ranking (ties then fall to score, then insertion order)
SIMILARITY_DECIMALS = 6

_ENTRY_KEYS = frozenset({"prompt", "program", "score", "source", "meta"})


class LibraryError(WorldsmithError):
    """A bad library entry, file or run folder."""


def has_code(program: str) -> bool:
    """Whether ``program`` has a line that is neither blank nor a comment."""
    return any(line.strip() and not line.strip().startswith("#") for line in program.splitlines())


def _norm_prompt(prompt: str) -> str:
    return " ".join(prompt.split()).casefold()


@dataclass(frozen=True)
class LibraryEntry:
    """One (prompt, program) pair with its score; see the module doc."""

    prompt: str
    program: str
    score: float
    source: str = ""
    meta: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def to_dict(self) -> dict[str, Any]:
        return {"prompt": self.prompt, "program": self.program, "score": self.score, "source": self.source,
                "meta": dict(self.meta)}


def make_entry(prompt: Any, program: Any, score: Any, source: Any = "", meta: Any = None) -> LibraryEntry:
    """A validated :class:`LibraryEntry` (raises :class:`LibraryError` naming the bad field)."""
    if not isinstance(prompt, str) or not prompt.strip():
        raise LibraryError(f"prompt must be a non-empty string, got {prompt!r}")
    if not isinstance(program, str) or not has_code(program):
        raise LibraryError("program must be a non-empty string with at least one line of code, got "
                           f"{program!r:.60}")
    if isinstance(score, bool) or not isinstance(score, (int, float)) or not math.isfinite(score):
        raise LibraryError(f"score must be a finite number, got {score!r}")
    if not isinstance(source, str):
        raise LibraryError(f"source must be a string, got {source!r}")
    meta = {} if meta is None else meta
    if not isinstance(meta, Mapping) or not all(isinstance(k, str) for k in meta):
        raise LibraryError(f"meta must be a mapping with string keys, got {meta!r:.60}")
    try:
        meta = json.loads(json.dumps(dict(meta), allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise LibraryError(f"meta values must be JSON (strings, numbers, lists, objects): {exc}") from None
    return LibraryEntry(prompt.strip(), program.strip(), float(score), source, meta)


class ProgramLibrary:
    """High-scoring (prompt, program) pairs, in memory and optionally in a JSONL file at ``path``.

    ``embedder`` (anything with ``encode(texts) -> unit vectors``) defaults to the process-wide
    MiniLM :func:`~worldsmith.assets.retrieval.default_embedder`, fetched at the first retrieval.
    """

    def __init__(self, path: str | os.PathLike | None = None, embedder: Any = None):
        self.path = Path(path) if path is not None else None
        self._embedder = embedder
        self._entries: list[LibraryEntry] = []
        self._index: dict[tuple[str, str], int] = {}
        self._vecs: dict[str, np.ndarray] = {}
        self._lock = threading.RLock()
        if self.path is not None and self.path.exists():
            self._load(self.path)

    # -- container --------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[LibraryEntry]:
        return iter(list(self._entries))

    @property
    def entries(self) -> tuple[LibraryEntry, ...]:
        return tuple(self._entries)

    # -- file -------------------------------------------------------------------------------
    def _load(self, path: Path) -> None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise LibraryError(f"cannot read the program library {path}: {exc}") from None
        for n, rec in jsonl_records(text, path, LibraryError):
            if not isinstance(rec, dict):
                raise LibraryError(f"{path}:{n}: expected an object with prompt, program, score, got "
                                   f"{type(rec).__name__}")
            missing = sorted({"prompt", "program", "score"} - set(rec))
            unknown = sorted(set(rec) - _ENTRY_KEYS)
            if missing or unknown:
                what = "; ".join(([f"missing {', '.join(missing)}"] if missing else [])
                                 + ([f"unknown keys {', '.join(unknown)}"] if unknown else []))
                raise LibraryError(f"{path}:{n}: {what} (expected keys {', '.join(sorted(_ENTRY_KEYS))})")
            try:
                entry = make_entry(rec["prompt"], rec["program"], rec["score"], rec.get("source", ""),
                                   rec.get("meta"))
            except LibraryError as exc:
                raise LibraryError(f"{path}:{n}: {exc}") from None
            self._merge(entry)

    def save(self) -> None:
        """Write the file now (atomically); a library without a path has nothing to write."""
        if self.path is None:
            return
        with self._lock:
            data = "".join(json.dumps(e.to_dict(), sort_keys=True, ensure_ascii=False) + "\n"
                           for e in self._entries)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(self.path, data.encode("utf-8"))

    # -- adding -----------------------------------------------------------------------------
    def _merge(self, entry: LibraryEntry) -> bool:
        key = (entry.prompt, entry.program)
        i = self._index.get(key)
        if i is None:
            self._index[key] = len(self._entries)
            self._entries.append(entry)
            return True
        if entry.score > self._entries[i].score:
            self._entries[i] = entry
            return True
        return False

    def add(self, prompt: str, program: str, score: float, source: str = "", **meta: Any) -> bool:
        """Add a pair (see the module doc: one entry per pair, the best score kept); writes the
        file when something changed and returns whether it did."""
        entry = make_entry(prompt, program, score, source, meta)
        with self._lock:
            changed = self._merge(entry)
            if changed:
                self.save()
        return changed

    def add_run(self, folder: str | os.PathLike, min_share: float = 1.0) -> bool:
        """Add the program of a ``worldsmith generate`` output ``folder`` when the run is good
        enough (fidelity share >= ``min_share`` and no problems; score = fidelity share; see the
        module doc). Returns whether the library changed."""
        from ...metrics.validate import PROBLEM_KEYS

        folder = Path(folder)
        report_path, program_path = folder / "report.json", folder / "program.py"
        if not report_path.is_file() or not program_path.is_file():
            raise LibraryError(f"{folder} is not a worldsmith generate output folder "
                               "(it needs report.json and program.py)")
        try:
            report = json.loads(report_path.read_text(encoding="utf-8"))
            program = program_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise LibraryError(f"cannot read {folder}: {exc}") from None
        except json.JSONDecodeError as exc:
            raise LibraryError(f"{report_path}: not valid JSON ({exc.msg})") from None
        prompt = report.get("prompt") if isinstance(report, dict) else None
        if not isinstance(prompt, str) or not prompt.strip():
            raise LibraryError(f"{report_path}: no prompt (a run of worldsmith generate records it)")
        fidelity = report.get("prompt_fidelity")
        share = fidelity.get("share") if isinstance(fidelity, dict) else None
        if isinstance(share, bool) or not isinstance(share, (int, float)) or not math.isfinite(share):
            raise LibraryError(f"{report_path}: no prompt_fidelity.share (is this a generate output, not exec?)")
        metrics = report.get("metrics")
        if not isinstance(metrics, dict) or not all(isinstance(metrics.get(k), list) for k in PROBLEM_KEYS):
            raise LibraryError(f"{report_path}: metrics must hold the problem lists {', '.join(PROBLEM_KEYS)}")
        problems = sum(len(metrics[k]) for k in PROBLEM_KEYS)
        if share < min_share or problems:
            log.debug("not adding %s: fidelity %.3f (min %.3f), %d problems", folder, share, min_share, problems)
            return False
        lines = program.strip().splitlines()
        if lines and lines[0].strip() == f"# {prompt.strip()}":
            lines = lines[1:]
        program = "\n".join(lines)
        if not has_code(program):
            log.debug("not adding %s: its program.py has no code", folder)
            return False
        meta: dict[str, Any] = {}
        if isinstance(report.get("seed"), int):
            meta["seed"] = report["seed"]
        if isinstance(report.get("planner"), str):
            meta["planner"] = report["planner"]
        if isinstance(report.get("steps"), int):
            meta["steps"] = report["steps"]
        if isinstance(report.get("objects"), list):
            meta["objects"] = len(report["objects"])
        return self.add(prompt, program, float(share), str(folder), **meta)

    # -- retrieval --------------------------------------------------------------------------
    @property
    def embedder(self) -> Any:
        if self._embedder is None:
            from ...assets.retrieval import default_embedder

            self._embedder = default_embedder()
        return self._embedder

    def _prompt_vecs(self, prompts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(p for p in prompts if p not in self._vecs))
        if missing:
            vecs = np.asarray(self.embedder.encode(missing), dtype=np.float32)
            norms = np.linalg.norm(vecs, axis=1, keepdims=True)
            vecs = vecs / np.where(norms > 0, norms, 1.0)  # MiniLM's are unit already; any encoder works
            for p, v in zip(missing, vecs):
                self._vecs[p] = v
        return np.stack([self._vecs[p] for p in prompts])

    def similarities(self, prompt: str) -> list[tuple[LibraryEntry, float]]:
        """Every entry with its cosine similarity to ``prompt``, in insertion order."""
        with self._lock:
            entries = list(self._entries)
            if not entries:
                return []
            query = str(prompt).strip()
            vecs = self._prompt_vecs([query] + [e.prompt for e in entries])
        sims = vecs[1:] @ vecs[0]
        return [(e, float(s)) for e, s in zip(entries, sims)]

    def retrieve_scored(self, prompt: str, k: int = 2, min_score: float | None = None,
                        exclude_prompt: bool = False,
                        min_similarity: float | None = None) -> list[tuple[LibraryEntry, float]]:
        """:meth:`retrieve` with each entry's similarity to ``prompt``."""
        if isinstance(k, bool) or not isinstance(k, int) or k < 0:
            raise ValueError(f"k must be a whole number >= 0, got {k!r}")
        if k == 0 or not self._entries:
            return []
        query_norm = _norm_prompt(str(prompt))
        ranked = []
        for i, (entry, sim) in enumerate(self.similarities(prompt)):
            if min_score is not None and entry.score < min_score:
                continue
            if min_similarity is not None and sim < min_similarity:
                continue
            if exclude_prompt and _norm_prompt(entry.prompt) == query_norm:
                continue
            ranked.append((-round(sim, SIMILARITY_DECIMALS), -entry.score, i, entry, sim))
        ranked.sort(key=lambda r: r[:3])
        out: list[tuple[LibraryEntry, float]] = []
        seen: set[str] = set()
        for *_, entry, sim in ranked:
            if entry.program in seen:
                continue
            seen.add(entry.program)
            out.append((entry, sim))
            if len(out) == k:
                break
        return out

    def retrieve(self, prompt: str, k: int = 2, min_score: float | None = None, exclude_prompt: bool = False,
                 min_similarity: float | None = None) -> list[LibraryEntry]:
        """The ``k`` entries whose prompts are most similar to ``prompt`` (see the module doc for
        the ranking, the filters and the one-copy-per-program rule); ``[]`` when empty."""
        return [e for e, _ in self.retrieve_scored(prompt, k, min_score, exclude_prompt, min_similarity)]


__all__ = ["LibraryEntry", "LibraryError", "ProgramLibrary", "has_code", "make_entry"]
