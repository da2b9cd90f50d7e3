"""Benchmark: a full ``worldsmith improve --policy local`` run with the default config.

Runs the self-improvement loop (issue 8) on the built-in suites -- 50 training prompts, 16 held-out
prompts x 2 samples, K = 4, 3 rounds, the default reward -- and reports, per round, the held-out
mean reward of the local policy against the offline planner's single-sample baseline, the kept
mean reward, the training loss and the wall time of the whole run. Targets (issue 8): the
held-out mean reward rises over the rounds and round 3 beats the planner; the run finishes in
under 30 minutes on 2 cores (``--tiny``: one round in under 2 minutes).

Prints a table and writes bench/results/improve_local.json (``--tiny``: improve_tiny.json). The
run folder (with report.md and the reward-per-round plot) is ``--out`` (default: a temporary one,
kept and printed).

Run: .venv/bin/python bench/improve_local.py [--out DIR] [--rounds 3] [--tiny] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from _improve_common import machine, progress_printer

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--rounds", type=int, default=None)
    ap.add_argument("--tiny", action="store_true")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    from worldsmith.improve.loop import ImproveSettings, run_improve

    out = args.out or Path(tempfile.mkdtemp(prefix="worldsmith-improve-bench-")) / "run"
    rounds = args.rounds or (1 if args.tiny else 3)
    settings = ImproveSettings(out=str(out), rounds=rounds, tiny=args.tiny, jobs=args.jobs)
    t0 = time.perf_counter()
    progress = progress_printer(t0)
    summary = run_improve(settings, progress)
    wall = time.perf_counter() - t0
    base = summary["baseline"]["mean_reward"]
    print(f"\n{'round':>5} {'kept mean':>10} {'held-out mean':>14} {'± sem':>7} {'planner':>8} {'loss':>7} {'train s':>8}")
    for r in summary["rounds"]:
        print(f"{r['round']:>5} {r['kept_mean_reward'] or 0:>10.4f} {r['heldout_mean_reward'] or 0:>14.4f} "
              f"{r['heldout_sem'] or 0:>7.4f} {base or 0:>8.4f} {r['train_loss'] or 0:>7.3f} {r['train_seconds'] or 0:>8.1f}")
    held = [r["heldout_mean_reward"] for r in summary["rounds"]]
    rising = all(b > a for a, b in zip(held, held[1:])) if len(held) > 1 else None
    beats = held[-1] > base if held and base is not None else None
    print(f"\nwall time {wall:.0f} s; held-out reward rising every round: {rising}; last round beats the planner: {beats}")
    print(f"run folder: {out} (report.md, reward_per_round.png)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "improve_tiny.json" if args.tiny else "improve_local.json"
    (RESULTS / name).write_text(json.dumps({
        "machine": machine(),
        "settings": summary["settings"], "wall_seconds": round(wall, 1), "baseline": summary["baseline"],
        "rounds": summary["rounds"], "heldout_rising": rising, "last_round_beats_planner": beats,
        "out": str(out)}, indent=2))
    print(f"wrote {RESULTS / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
