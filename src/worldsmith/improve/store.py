"""The trajectory store of an ``improve`` run: versioned JSONL files plus renders, resumable.

Layout of ``DIR`` (``--out``)::

    run.json                      settings + STORE_VERSION (a rerun must match them)
    baseline.jsonl                offline planner, one sample per held-out unit
    rounds/rNNN/rollouts.jsonl    one line per training prompt: every candidate, the kept ones
    rounds/rNNN/train.json        the round's training result (written last: the round is trained)
    rounds/rNNN/eval.jsonl        one line per held-out unit (prompt x eval seed)
    checkpoints/rNNN/             the policy after round NNN (renamed into place when complete)
    renders/<sample id>.png       top-down plan of each kept scene
    export/rNNN/openai.jsonl      fine-tuning data of rounds 1..NNN (OpenAI chat format)
    export/rNNN/hf/               the same as a Hugging Face chat-template dataset
    report.md, report.json, reward_per_round.png

**Units and resume.** Work is cut into units (a training prompt's K candidates, one held-out
evaluation, one round's training). A unit's result is appended as **one line** (written, flushed
and fsync'ed) only when the unit is complete; files and folders are written to a temporary name
and renamed. A killed run therefore leaves only whole units behind (plus, at worst, a torn last
line, which :meth:`RunStore.records` ignores and the next append cuts off). Rerunning with the
same settings skips every stored unit and continues with the rest: no unit is duplicated (each is
stored once, keyed by its ``unit`` id; a duplicate id is refused) and none is lost.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Iterable

from ..scene import WorldsmithError
from ..scene.files import atomic_write_bytes, replace_dir

STORE_VERSION = 1


class StoreError(WorldsmithError):
    """The output folder cannot be used (other settings, another version, unreadable)."""


def round_name(r: int) -> str:
    return f"r{r:03d}"


class RunStore:
    """One run's folder (see the module doc)."""

    def __init__(self, root: str | os.PathLike, settings: dict):
        self.root = Path(root)
        self.settings = json.loads(json.dumps(settings, sort_keys=True))
        meta = self.root / "run.json"
        if meta.exists():
            try:
                stored = json.loads(meta.read_text())
            except (OSError, ValueError) as exc:
                raise StoreError(f"{meta} is unreadable ({exc}); use a new --out") from None
            if stored.get("store_version") != STORE_VERSION:
                raise StoreError(f"{self.root} holds a run of store version {stored.get('store_version')}, "
                                 f"this is version {STORE_VERSION}; use a new --out")
            old = stored.get("settings", {})
            diff = sorted(k for k in set(old) | set(self.settings) if old.get(k) != self.settings.get(k))
            if diff:
                shown = ", ".join(f"{k}: {old.get(k)!r} -> {self.settings.get(k)!r}" for k in diff[:4])
                raise StoreError(f"{self.root} holds a run with other settings ({shown}); rerun with the same "
                                 f"flags to resume, or use a new --out")
            self.resumed = True
        else:
            if self.root.exists() and any(self.root.iterdir()):
                raise StoreError(f"{self.root} exists and is not an improve run (no run.json); use a new --out")
            self.root.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(meta, (json.dumps({"store_version": STORE_VERSION, "settings": self.settings},
                                                 indent=2, sort_keys=True) + "\n").encode())
            self.resumed = False
        self._repaired: set[Path] = set()

    # -- JSONL unit files ---------------------------------------------------------------------
    def path(self, name: str) -> Path:
        return self.root / name

    def records(self, name: str) -> dict[str, dict]:
        """The complete records of a JSONL unit file, by unit id (a torn last line is ignored)."""
        path = self.path(name)
        if not path.exists():
            return {}
        text = path.read_text()
        lines = text.split("\n")
        if not text.endswith("\n"):
            lines = lines[:-1]  # torn tail: the unit it belonged to was not complete
        out: dict[str, dict] = {}
        for n, line in enumerate(lines, 1):
            if not line:
                continue
            try:
                rec = json.loads(line)
            except ValueError:
                raise StoreError(f"{path}:{n} is not JSON; the store is damaged") from None
            out.setdefault(rec["unit"], rec)
        return out

    def append(self, name: str, record: dict) -> None:
        """Store one complete unit (``record["unit"]`` is its id) as one durable line."""
        path = self.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path not in self._repaired:
            if path.exists():
                data = path.read_bytes()
                if data and not data.endswith(b"\n"):
                    cut = data.rfind(b"\n") + 1
                    with open(path, "r+b") as fh:
                        fh.truncate(cut)
            self._repaired.add(path)
            if record["unit"] in self.records(name):
                raise StoreError(f"unit {record['unit']} is already stored in {path}")
        line = json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n"
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())

    # -- whole files and folders ---------------------------------------------------------------
    def write_json(self, name: str, data: dict) -> None:
        path = self.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode())

    def read_json(self, name: str) -> dict | None:
        path = self.path(name)
        return json.loads(path.read_text()) if path.exists() else None

    def staging(self, name: str) -> Path:
        """A fresh temporary folder next to ``name`` (removed first if a killed run left one)."""
        final = self.path(name)
        tmp = final.with_name(final.name + ".tmp")
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.parent.mkdir(parents=True, exist_ok=True)
        return tmp

    def commit(self, name: str, tmp: Path) -> Path:
        """Rename a :meth:`staging` folder into place (replacing an older copy)."""
        final = self.path(name)
        replace_dir(tmp, final)
        return final

    # -- samples -------------------------------------------------------------------------------
    def kept(self, rounds: Iterable[int]) -> list[dict]:
        """The kept samples of ``rounds``, in round then prompt order (a prompt's best, then the
        ``more`` it kept)."""
        out: list[dict] = []
        for r in rounds:
            recs = self.records(f"rounds/{round_name(r)}/rollouts.jsonl")
            for u in sorted(recs):
                out += ([recs[u]["kept"]] if recs[u].get("kept") else []) + list(recs[u].get("more") or ())
        return out
