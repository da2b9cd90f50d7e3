"""Benchmark: how much of a run's round-1 held-out reward is the training run's luck.

Trains round 1 of a finished ``worldsmith improve --policy local`` run again from scratch on the
same kept samples, once per ``--train-seeds`` seed (:func:`worldsmith.improve.reseed.reseed_round1`:
nothing is sampled again), and evaluates each model on the held-out prompts with
``--eval-samples`` samples each (default 4: 64 episodes on the built-in suite, the run's own
units among them, sampled in other batches). With the run's ``--seed`` as a training seed its own
model comes back byte for byte. Judge a change to the data or the model by whether it holds
across the seeds, not by one training run (docs/improve.md).

Prints a table and writes bench/results/improve_seeds.json. Each seed's run folder is
``--out``/seedN (default: a temporary folder, kept and printed); rerunning with the same
``--out`` resumes.

Run: .venv/bin/python bench/improve_seeds.py --run RUN_DIR [--train-seeds 0 1] [--eval-samples 4]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _improve_common import machine, progress_printer

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--run", type=Path, required=True, help="a finished improve run (round 1 at least)")
    ap.add_argument("--train-seeds", type=int, nargs="+", default=[0, 1])
    ap.add_argument("--eval-samples", type=int, default=4)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    from worldsmith.improve.loop import ImproveError
    from worldsmith.improve.reseed import reseed_round1

    out = args.out or Path(tempfile.mkdtemp(prefix="worldsmith-improve-seeds-"))
    t0 = time.perf_counter()
    progress = progress_printer(t0)

    rows = []
    try:
        for seed in dict.fromkeys(args.train_seeds):
            print(f"training seed {seed}", flush=True)
            rows.append(reseed_round1(args.run, out / f"seed{seed}", seed, args.eval_samples, args.jobs, progress))
    except ImproveError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    wall = time.perf_counter() - t0
    print(f"\n{'seed':>5} {'examples':>9} {'loss':>7} {'held-out mean':>14} {'± sem':>7} {'fidelity':>9} "
          f"{'plaus.':>7} {'text':>7} {'stopped':>8}")
    for r in rows:
        c = r["heldout_components"]
        print(f"{r['train_seed']:>5} {r['train_examples']:>9} {r['train_loss']:>7.3f} {r['heldout_mean_reward']:>14.4f} "
              f"{r['heldout_sem'] or 0:>7.4f} {c.get('fidelity', 0):>9.3f} {c.get('plausibility', 0):>7.3f} "
              f"{c.get('text_alignment', 0):>7.3f} {r['heldout_stopped_share']:>8.2f}")
    means = [r["heldout_mean_reward"] for r in rows]
    spread = max(means) - min(means)
    sd = statistics.stdev(means) if len(means) > 1 else None
    print(f"\n{len(rows)} training seeds, {rows[0]['heldout_units']} held-out episodes each: mean of means "
          f"{statistics.mean(means):.4f}, spread {spread:.4f}" + (f", sd {sd:.4f}" if sd is not None else "")
          + f"; wall time {wall:.0f} s")
    print(f"run folders: {out}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "improve_seeds.json").write_text(json.dumps({
        "machine": machine(),
        "run": str(args.run), "eval_samples": args.eval_samples, "wall_seconds": round(wall, 1),
        "rows": rows, "mean_of_means": round(statistics.mean(means), 4), "spread": round(spread, 4),
        "sd": round(sd, 4) if sd is not None else None, "out": str(out)}, indent=2))
    print(f"wrote {RESULTS / 'improve_seeds.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
