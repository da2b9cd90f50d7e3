"""Benchmark: ``worldsmith generate`` with the offline planner on the dev prompt suite.

For every prompt of ../shared/prompts/dev.jsonl (or --prompts FILE) and seeds 0..N-1 (default 3),
runs the whole job (parse, design, every policy step through the sandboxed DSL, the solver,
validation after each step, GLB export and plan drawing; no renders) in this single process and
records: wall time, objects, distinct categories, validation problems (collisions, out of
bounds, blocked openings, unsupported), navigability (largest connected free area over free
area, robot radius 0.2 m), the share of placement relations kept, the planner's own prompt
fidelity, and the suite's independent expectations (``expect.objects``: category -> min count;
``expect.materials``; ``expect.lighting``), checked with :mod:`worldsmith.metrics.fidelity`.

Targets (issue 4): 0 problems in every scene; >= 95 % of (prompt, expected object) pairs
present with their counts; median >= 40 objects and >= 12 categories; navigability >= 0.95;
median wall time <= 3 s per room on a 2-core machine.

Run: .venv/bin/python bench/generate.py [--seeds 3] [--prompts FILE] [--temperature 1.0]
Prints a table, writes bench/results/generate.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
DEV = ROOT.parent / "shared" / "prompts" / "dev.jsonl"
if not DEV.is_file():  # a clone without the shared folder: the copy the tests use
    DEV = ROOT / "tests" / "data" / "dev_prompts.jsonl"

from worldsmith.metrics import PROBLEM_KEYS  # noqa: E402 - the four problem lists of a validation report


def run(prompts: Path, seeds: int, temperature: float) -> dict:
    from worldsmith.metrics.fidelity import expectation_requirements, prompt_fidelity
    from worldsmith.pipeline.generate import generate, read_prompts

    records = read_prompts(prompts)
    rows = []
    # warm-up outside the timings: the first run loads the embedding model and fills mesh caches
    with tempfile.TemporaryDirectory() as tmp:
        generate(records[0]["prompt"], Path(tmp) / "warm", seed=99, temperature=temperature, renders=False)
        for rec in records:
            for seed in range(seeds):
                t0 = time.perf_counter()
                outcome = generate(rec["prompt"], Path(tmp) / f"{rec['id']}_{seed}", seed=seed, temperature=temperature,
                                   renders=False)
                seconds = time.perf_counter() - t0
                r = outcome.report
                m = r["metrics"]
                expected = prompt_fidelity(outcome.scene, expectation_requirements(rec.get("expect", {})))
                obj_rows = [x for x in expected["requirements"] if x["kind"] == "object"]
                rows.append({
                    "id": rec["id"], "seed": seed, "seconds": round(seconds, 3),
                    "objects": r["richness"]["objects"], "categories": r["richness"]["categories"],
                    "problems": {k: len(m[k]) for k in PROBLEM_KEYS},
                    "navigability": min((n["ratio"] for n in m.get("navigability", [])), default=1.0),
                    "relations_share": r["relations"]["share"], "relations_checked": r["relations"]["checked"],
                    "planner_fidelity": r["prompt_fidelity"]["share"],
                    "expected_objects_met": sum(x["satisfied"] for x in obj_rows), "expected_objects": len(obj_rows),
                    "expected_all_met": expected["satisfied"], "expected_all": expected["total"],
                    "unmet": [f"{x['key']} ({x['detail']})" for x in expected["requirements"] if not x["satisfied"]],
                    "omitted": [n for n in r["explanations"] if n.get("action") == "omitted"],
                    "timings_s": r["timings_s"],
                })
    return {"rows": rows, "summary": summarize(rows)}


def summarize(rows: list[dict]) -> dict:
    pairs = sum(r["expected_objects"] for r in rows)
    met = sum(r["expected_objects_met"] for r in rows)
    all_pairs = sum(r["expected_all"] for r in rows)
    all_met = sum(r["expected_all_met"] for r in rows)
    return {
        "scenes": len(rows),
        "median_seconds": round(statistics.median(r["seconds"] for r in rows), 3),
        "max_seconds": round(max(r["seconds"] for r in rows), 3),
        "scenes_with_problems": sum(1 for r in rows if any(r["problems"].values())),
        "problems_total": {k: sum(r["problems"][k] for r in rows) for k in PROBLEM_KEYS},
        "expected_object_pairs_met": f"{met}/{pairs}", "expected_object_share": round(met / pairs, 4) if pairs else 1.0,
        "expected_all_share": round(all_met / all_pairs, 4) if all_pairs else 1.0,
        "median_objects": statistics.median(r["objects"] for r in rows),
        "median_categories": statistics.median(r["categories"] for r in rows),
        "min_navigability": round(min(r["navigability"] for r in rows), 4),
        "relations_share": round(sum(r["relations_share"] * r["relations_checked"] for r in rows)
                                 / max(1, sum(r["relations_checked"] for r in rows)), 4),
        "planner_fidelity_mean": round(statistics.mean(r["planner_fidelity"] for r in rows), 4),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--prompts", type=Path, default=DEV)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--temperature", type=float, default=1.0)
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    result = run(args.prompts, args.seeds, args.temperature)
    print(f"{'prompt':<22}{'seed':>5}{'s':>7}{'objs':>6}{'cats':>6}{'probs':>6}{'nav':>7}{'rel':>6}{'exp':>7}  unmet")
    for r in result["rows"]:
        print(f"{r['id']:<22}{r['seed']:>5}{r['seconds']:>7.2f}{r['objects']:>6}{r['categories']:>6}"
              f"{sum(r['problems'].values()):>6}{r['navigability']:>7.3f}{r['relations_share']:>6.2f}"
              f"{r['expected_all_met']:>4}/{r['expected_all']:<2}  {'; '.join(r['unmet'])}")
    print()
    for k, v in result["summary"].items():
        print(f"{k:<28}{v}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    doc = {"machine": {"python": sys.version.split()[0], "platform": platform.platform(), "cpus": os.cpu_count()},
           "prompts": str(args.prompts), "seeds": args.seeds, "temperature": args.temperature, **result}
    (RESULTS / "generate.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS / 'generate.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
