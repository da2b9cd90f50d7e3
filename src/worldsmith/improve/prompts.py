"""Prompt sets for ``worldsmith improve``: the built-in suites and user files.

A prompt file is JSON lines ``{"id": ..., "prompt": ...}`` (``id`` optional: ``p001``... by line)
or plain text, one prompt per line (blank lines and ``#`` comments skipped). The built-in suites
(``data/train_prompts.jsonl``: 50 training prompts, ``data/heldout_prompts.jsonl``: 16 held-out
prompts) are the defaults. Given ``--prompts`` without ``--heldout``, every fifth prompt (the 5th,
10th, ...) is held out, and at least one. A held-out prompt is never trained on: a prompt that is
in both sets (case and punctuation folded) is an error.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..scene import WorldsmithError

DATA = Path(__file__).parent / "data"
TRAIN_FILE = DATA / "train_prompts.jsonl"
HELDOUT_FILE = DATA / "heldout_prompts.jsonl"
HOLDOUT_EVERY = 5


class PromptFileError(WorldsmithError):
    """A prompt file cannot be read."""


@dataclass(frozen=True)
class PromptItem:
    id: str
    prompt: str


def _fold(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def read_prompts(path: str | Path) -> list[PromptItem]:
    """The prompts of a file (see the module doc)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PromptFileError(f"cannot read prompt file {path}: {exc}") from None
    items: list[PromptItem] = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("{"):
            try:
                rec = json.loads(line)
            except ValueError as exc:
                raise PromptFileError(f"{path}:{n}: not JSON ({exc})") from None
            prompt = rec.get("prompt") if isinstance(rec, dict) else None
            if not isinstance(prompt, str) or not prompt.strip():
                raise PromptFileError(f"{path}:{n}: a JSON line needs a non-empty \"prompt\"")
            pid = str(rec.get("id") or f"p{len(items) + 1:03d}")
        else:
            prompt, pid = line, f"p{len(items) + 1:03d}"
        if not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", pid):
            raise PromptFileError(f"{path}:{n}: id {pid!r} must be 1-64 letters, digits, '_', '.' or '-'")
        items.append(PromptItem(pid, prompt.strip()))
    if not items:
        raise PromptFileError(f"{path} holds no prompts")
    ids = [i.id for i in items]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise PromptFileError(f"{path}: duplicate prompt ids {', '.join(dup[:5])}")
    return items


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
