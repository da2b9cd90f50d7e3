"""Round 1 of a finished local run, trained again with another training seed and evaluated.

One training run moves a round's held-out reward about as much as the held-out episodes do
(docs/improve.md, "Training-seed noise"), so a change to the data or the model is judged by
training the same kept samples with two or more seeds. :func:`reseed_round1` does one such
training: a new run folder with the run's settings and ``train_seed``, the run's round-1
rollouts (nothing is sampled again), then the loop's own training and held-out evaluation,
optionally with more samples per held-out prompt. With ``train_seed`` equal to the run's
``--seed`` it reproduces the run's round-1 model byte for byte, and with the run's
``eval_samples`` its held-out records too. With more samples the run's units (prompt and scene
seed) are among them, but they are sampled in other batches, so their episodes differ.
``bench/improve_seeds.py`` runs it for several seeds and prints the spread.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path
from typing import Callable

from .loop import ImproveError, ImproveSettings, Improver
from .report import summarize
from .store import round_name


def run_settings(run: str | Path) -> tuple[ImproveSettings, dict]:
    """The settings a run was made with (from its ``run.json``), and the stored settings dict."""
    meta = Path(run) / "run.json"
    try:
        stored = json.loads(meta.read_text())["settings"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ImproveError(f"{run} is not a worldsmith improve run (no readable run.json: {exc})") from None
    fields = {f.name for f in dataclasses.fields(ImproveSettings)}
    kw = {k: v for k, v in stored.items() if k in fields}
    if stored.get("policy") != "local":
        raise ImproveError(f"{run} is a --policy {stored.get('policy')} run; reseeding trains the local model")
    kw.pop("model", None)  # for the local policy run.json holds the model config under "model"
    return ImproveSettings(out=str(run), **kw), stored


def reseed_round1(run: str | Path, out: str | Path, train_seed: int, eval_samples: int | None = None,
                  jobs: int = 2, progress: Callable[[str, int, int], None] | None = None) -> dict:
    """Train round 1 of ``run`` again with ``train_seed`` into the run folder ``out`` and evaluate
    it; returns the round's summary (:func:`.report.summarize`) with ``train_seed``. ``out``
    resumes like any run folder."""
    src, stored = run_settings(run)
    r1 = round_name(1)
    rollouts = Path(run) / "rounds" / r1 / "rollouts.jsonl"
    if not (Path(run) / "rounds" / r1 / "train.json").is_file():
        raise ImproveError(f"round 1 of {run} is not finished (no rounds/{r1}/train.json)")
    settings = dataclasses.replace(src, out=str(out), rounds=1, train_seed=train_seed, jobs=jobs,
                                   eval_samples=eval_samples or src.eval_samples)
    imp = Improver(settings, progress)
    try:
        if [p.id for p in imp.train] != stored.get("train_ids"):
            raise ImproveError(f"the training prompts of {run} are not the ones its settings give now")
        copy = imp.store.path(f"rounds/{r1}/rollouts.jsonl")
        if not copy.exists():
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(rollouts, copy)
        imp.train_round(1)
        imp.evaluate_round(1)
    finally:
        imp.executor.close()
    row = summarize(imp.store, 1)["rounds"][0]
    return {"train_seed": train_seed, **row}
