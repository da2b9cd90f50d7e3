"""Benchmark: `worldsmith exec` on every example program.

Prints a table (per example: objects, stage timings, total wall time in-process, and the cold CLI
time including interpreter start-up) and writes bench/results/exec_examples.json.

Run: .venv/bin/python bench/exec_examples.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="in-process runs per example (median reported)")
    args = parser.parse_args()

    from worldsmith.pipeline.exec_program import exec_program

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for program in sorted((ROOT / "examples").glob("*.py")):
            text = program.read_text()
            totals, stages = [], []
            for i in range(args.repeat):
                t0 = time.perf_counter()
                outcome = exec_program(text, Path(tmp) / f"{program.stem}_{i}", seed=0)
                totals.append(time.perf_counter() - t0)
                stages.append(outcome.report["timings_s"])
            t0 = time.perf_counter()
            cli = subprocess.run([sys.executable, "-m", "worldsmith.cli.main", "exec", str(program), "--out",
                                  str(Path(tmp) / f"{program.stem}_cli")], capture_output=True, text=True)
            cold = time.perf_counter() - t0
            if cli.returncode != 0:
                raise SystemExit(f"{program.name}: exit {cli.returncode}: {cli.stderr}")
            median_stages = {k: round(statistics.median(s[k] for s in stages), 4) for k in stages[0]}
            rows.append({
                "example": program.stem,
                "objects": len(outcome.scene.objects),
                "median_s": round(statistics.median(totals), 4),
                "cli_cold_s": round(cold, 3),
                "stages_s": median_stages,
                "valid": outcome.ok,
            })

    stage_names = list(rows[0]["stages_s"])
    header = ["example", "objects", *stage_names, "median s", "CLI cold s", "valid"]
    print(" | ".join(f"{h:>13}" for h in header))
    print("-" * (16 * len(header)))
    for r in rows:
        cells = [r["example"], r["objects"], *(f"{r['stages_s'][s]:.3f}" for s in stage_names),
                 f"{r['median_s']:.3f}", f"{r['cli_cold_s']:.2f}", r["valid"]]
        print(" | ".join(f"{str(c):>13}" for c in cells))

    out = ROOT / "bench" / "results" / "exec_examples.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": platform.platform(), "python": platform.python_version(),
                               "repeat": args.repeat, "rows": rows}, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
