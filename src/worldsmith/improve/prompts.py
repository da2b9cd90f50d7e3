"""Prompt sets for ``worldsmith improve``: the built-in suites and user files.

A prompt file is what ``worldsmith generate --prompts`` reads
(:func:`worldsmith.pipeline.generate.read_prompts`): JSON lines ``{"id": ..., "prompt": ...}``
(``id`` optional: ``prompt_<line>``) or plain text, one prompt per line (blank lines and ``#``
comments skipped). The built-in suites
(``data/train_prompts.jsonl``: 50 training prompts, ``data/heldout_prompts.jsonl``: 16 held-out
prompts) are the defaults. Given ``--prompts`` without ``--heldout``, every fifth prompt (the 5th,
10th, ...) is held out, and at least one. A held-out prompt is never trained on: a prompt that is
in both sets (case and punctuation folded) is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..scene import WorldsmithError

DATA = Path(__file__).parent / "data"
TRAIN_FILE = DATA / "train_prompts.jsonl"
HELDOUT_FILE = DATA / "heldout_prompts.jsonl"
HOLDOUT_EVERY = 5


class PromptFileError(WorldsmithError):
    """The prompt sets cannot be used."""


@dataclass(frozen=True)
class PromptItem:
    id: str
    prompt: str


def _fold(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def read_prompts(path: str | Path) -> list[PromptItem]:
    """The prompts of a file, read by :func:`worldsmith.pipeline.generate.read_prompts` (the one
    prompt-file format of ``generate --prompts``, ``eval`` and ``improve``)."""
    from ..pipeline.generate import read_prompts as read_records

    return [PromptItem(r["id"], r["prompt"].strip()) for r in read_records(path)]


def prompt_sets(prompts: str | Path | None, heldout: str | Path | None) -> tuple[list[PromptItem], list[PromptItem]]:
    """``(train, heldout)`` (see the module doc)."""
    train = read_prompts(prompts or TRAIN_FILE)
    if heldout is not None:
        held = read_prompts(heldout)
    elif prompts is None:
        held = read_prompts(HELDOUT_FILE)
    else:
        if len(train) < 2:
            raise PromptFileError("need at least 2 prompts to hold one out (or give --heldout)")
        held = [p for i, p in enumerate(train) if i % HOLDOUT_EVERY == HOLDOUT_EVERY - 1] or [train[-1]]
        train = [p for p in train if p not in held]
    seen = {_fold(p.prompt) for p in train}
    both = [p.id for p in held if _fold(p.prompt) in seen]
    if both:
        raise PromptFileError(f"held-out prompts {', '.join(both[:5])} are also training prompts")
    return train, held
