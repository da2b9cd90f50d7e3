"""The prompt suites of ``worldsmith improve``: ``improve/data/train_prompts.jsonl`` (50 prompts the
policy is trained on) and ``improve/data/heldout_prompts.jsonl`` (16 prompts it is judged on, never
trained on).

Rules checked here (fast: table look-ups of the real prompt parser, no generation, no MiniLM load):

- both files are ``{"id", "prompt"}`` JSONL that the batch reader
  (:func:`worldsmith.pipeline.generate.read_prompts`) accepts; ids run ``t001``..``t050`` and
  ``h001``..``h016`` in order; prompts are 5-14 words and unique across both files;
- no held-out prompt is in the training set and none is a near-copy: after folding case and
  punctuation, the word Jaccard similarity (stopwords dropped) of a held-out prompt with every
  training prompt is below :data:`MAX_JACCARD` (the largest measured is 0.38), and at least half
  of the held-out prompts ask for a combination (room type + the kinds/keys of their
  requirements) that no training prompt of the same room type covers (measured: 15 of 16);
- the held-out suite draws on the training vocabulary: every requirement (kind, key) a held-out
  prompt yields is yielded by some training prompt, and every held-out room type is trained on;
- every prompt is fully understood by the offline parser: a room keyword names the room
  (``room_type_score == 1``), no unknown words, and ``parse_prompt`` yields >= 2 requirements;
- the training suite is varied: at least :data:`MIN_ROOM_TYPES` room types, and requirements of
  every kind a prompt can carry (objects, styles, lighting, materials, colours, relations);
- neither suite copies a dev prompt (``tests/data/dev_prompts.jsonl``).

That the offline planner at seed 0 reaches prompt fidelity 1.0 with validation passed on every
prompt was checked when the suites were written (about 1.5 s a prompt); it is not repeated here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import worldsmith
from worldsmith.pipeline.generate import read_prompts
from worldsmith.policy.offline.parse import parse_prompt

DATA = Path(worldsmith.__file__).resolve().parent / "improve" / "data"
TRAIN = DATA / "train_prompts.jsonl"
HELDOUT = DATA / "heldout_prompts.jsonl"
DEV = Path(__file__).resolve().parents[1] / "data" / "dev_prompts.jsonl"

#: a held-out prompt's word Jaccard similarity with any training prompt stays below this
MAX_JACCARD = 0.5
#: the training suite covers at least this many room types of the offline planner
MIN_ROOM_TYPES = 30
#: words ignored by the near-copy measure
STOPWORDS = frozenset({"a", "an", "the", "with", "and", "of", "for", "on", "in", "who", "has", "that", "is"})
#: every requirement kind the training suite exercises
KINDS = {"object", "style", "lighting", "material", "color", "relation"}


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _fold(text: str) -> str:
    """Case and punctuation folded: lower case words joined by single spaces."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _words(text: str) -> set[str]:
    return set(_fold(text).split()) - STOPWORDS


def _jaccard(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    return len(wa & wb) / len(wa | wb)


@pytest.fixture(scope="module")
def train() -> list[dict]:
    return _records(TRAIN)


@pytest.fixture(scope="module")
def heldout() -> list[dict]:
    return _records(HELDOUT)


@pytest.fixture(scope="module")
def specs(train, heldout) -> dict:
    return {r["id"]: parse_prompt(r["prompt"]) for r in train + heldout}


def _keys(spec) -> frozenset:
    return frozenset((q.kind, q.key) for q in spec.requirements)


def test_files_parse_with_ids_in_order(train, heldout):
    assert [r["id"] for r in train] == [f"t{i:03d}" for i in range(1, 51)]
    assert [r["id"] for r in heldout] == [f"h{i:03d}" for i in range(1, 17)]
    for path, records in ((TRAIN, train), (HELDOUT, heldout)):
        lines = path.read_text(encoding="utf-8").splitlines()
        assert len(lines) == len(records)  # no blank lines
        for r in records:
            assert set(r) == {"id", "prompt"} and isinstance(r["prompt"], str)
            assert r["prompt"] == r["prompt"].strip()
        # the batch reader of ``worldsmith generate --prompts`` / ``improve --prompts`` takes them as they are
        assert read_prompts(path) == records


def test_prompts_are_short_and_unique(train, heldout):
    prompts = [r["prompt"] for r in train + heldout]
    for p in prompts:
        assert 5 <= len(p.split()) <= 14, p
    folded = [_fold(p) for p in prompts]
    assert len(set(folded)) == len(folded) == 66


def test_heldout_is_not_in_training_nor_a_near_copy(train, heldout, specs):
    train_folded = {_fold(r["prompt"]) for r in train}
    for h in heldout:
        assert _fold(h["prompt"]) not in train_folded
        closest = max(train, key=lambda t: _jaccard(h["prompt"], t["prompt"]))
        assert _jaccard(h["prompt"], closest["prompt"]) < MAX_JACCARD, (h, closest)
    new = [h["id"] for h in heldout
           if not any(specs[t["id"]].room_type == specs[h["id"]].room_type and _keys(specs[h["id"]]) <= _keys(specs[t["id"]])
                      for t in train)]
    assert len(new) >= len(heldout) / 2, new


def test_heldout_draws_on_the_training_vocabulary(train, heldout, specs):
    trained_keys = set().union(*(_keys(specs[t["id"]]) for t in train))
    trained_rooms = {specs[t["id"]].room_type for t in train}
    for h in heldout:
        spec = specs[h["id"]]
        assert _keys(spec) <= trained_keys, (h, _keys(spec) - trained_keys)
        assert spec.room_type in trained_rooms, h


def test_every_prompt_is_understood_with_two_or_more_requirements(train, heldout, specs):
    for r in train + heldout:
        spec = specs[r["id"]]
        assert spec.room_type_score == 1.0, r  # a room keyword, not an embedding guess
        assert spec.unknown_words == () and spec.embedding_matches == (), r
        assert len(spec.requirements) >= 2, r


def test_training_suite_is_varied(train, specs):
    rooms = {specs[t["id"]].room_type for t in train}
    assert len(rooms) >= MIN_ROOM_TYPES, sorted(rooms)
    kinds = {q.kind for t in train for q in specs[t["id"]].requirements}
    assert kinds >= KINDS
    counted = [t["id"] for t in train if any(q.kind == "object" and q.value >= 2 for q in specs[t["id"]].requirements)]
    assert len(counted) >= 30, counted  # "two armchairs", "six desks", "a table for eight" (measured: 30)


def test_no_dev_prompt_is_copied(train, heldout):
    dev = {_fold(r["prompt"]) for r in _records(DEV)}
    assert dev.isdisjoint(_fold(r["prompt"]) for r in train + heldout)
