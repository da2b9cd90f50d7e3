"""Benchmark: how the layout solver's time grows with the number of floor objects.

Rooms with 10, 20, 40, 80 and 160 floor objects, the room's area proportional to the count
(about 3 m^2 per object). Every 10 objects are one furnished "unit" placed by relations, each with
its own place() call as a planner writes them: a dining table in the open floor with four chairs
around it, a sofa in the open floor with a coffee table in front of it, two armchairs facing the
coffee table, and a plant next to the sofa. Reports the solver time (the place actions replayed
one by one, timed), the placement rate and violations, and fits the growth exponent ``k`` of
``time ~ n^k`` by least squares on log-log (``k`` near 1: linear; the target is near-linear, not
exponential). Prints a table and writes bench/results/layout_scaling.json.

Run: .venv/bin/python bench/layout_scaling.py [--counts 10,20,40,80,160] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import sys
from pathlib import Path

import numpy as np
from _layout_common import measure

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
AREA_PER_OBJECT_M2 = 3.0

UNIT = """
t = add("dining_table", size=(1.4, 0.85, 0.75))
place(t, center=True)
cs = []
for j in range(4):
    cs = cs + [add("dining_chair")]
place(cs, around=t)
s = add("sofa", size=(1.8, 0.9, 0.85))
place(s, center=True)
c = add("coffee_table")
place(c, in_front_of=s, distance=0.45)
a = add("armchair")
place(a, facing=c, near=c)
a = add("armchair")
place(a, facing=c, near=c)
p = add("potted_plant", size=(0.45, 0.45, 1.0))
place(p, next_to=s)
"""


def program(n: int) -> str:
    side = math.sqrt(AREA_PER_OBJECT_M2 * n)
    w, d = round(side * 1.2, 2), round(side / 1.2, 2)
    units = n // 10
    body = "".join(f"    {line}\n" for line in UNIT.strip("\n").splitlines())
    return (f'room("hall", width={w}, depth={d}, height=3.0)\n'
            f'door("wall_0", at=0.5, width=1.2)\n'
            f'door("wall_2", at=0.3, width=0.9)\n'
            f"for i in range({units}):\n{body}")


def run(n: int) -> dict:
    from worldsmith.layout.relations import relation_share

    m = measure(program(n), seed=3, seconds=900.0, steps=5_000_000)
    room = m.result.scene.rooms[0]
    return {"n": n, "room_m2": round(room.area, 1), "objects": m.asked, "placed": m.placed,
            "program_s": round(m.program_s, 3), "solve_s": round(m.solve_s, 3),
            "per_object_ms": round(1000.0 * m.solve_s / max(m.asked, 1), 2), "violations": m.report.problem_count,
            "navigability": round(m.worst_ratio, 4), "relations_satisfied": round(relation_share(m.relations), 4)}


def fit_exponent(ns, ts) -> float:
    x = np.log(np.asarray(ns, dtype=float))
    y = np.log(np.asarray(ts, dtype=float))
    k, _ = np.polyfit(x, y, 1)
    return float(k)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="10,20,40,80,160")
    parser.add_argument("--repeat", type=int, default=1, help="runs per count (the fastest is kept)")
    args = parser.parse_args()
    counts = [int(v) for v in args.counts.split(",")]
    run(10)  # warm caches (asset meshes, imports)
    rows = []
    for n in counts:
        best = None
        for _ in range(args.repeat):
            r = run(n)
            if best is None or r["solve_s"] < best["solve_s"]:
                best = r
        rows.append(best)
    k_solve = fit_exponent([r["n"] for r in rows], [r["solve_s"] for r in rows])
    k_prog = fit_exponent([r["n"] for r in rows], [r["program_s"] for r in rows])
    print(f"{'n':>5} | {'room m2':>7} | placed | {'solve s':>7} | {'ms/obj':>6} | {'program s':>9} | viol | "
          "nav   | rel")
    print("-" * 78)
    for r in rows:
        print(f"{r['n']:>5} | {r['room_m2']:>7} | {r['placed']:>3}/{r['objects']:<3}| {r['solve_s']:>7.3f} | "
              f"{r['per_object_ms']:>6.1f} | {r['program_s']:>9.3f} | {r['violations']:>4} | {r['navigability']:.3f} | "
              f"{r['relations_satisfied'] * 100:.1f}%")
    print(f"\ngrowth exponent (time ~ n^k): solver k = {k_solve:.2f}, whole program k = {k_prog:.2f} "
          f"({'near-linear' if k_solve < 1.5 else 'super-linear'})")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "layout_scaling.json"
    out.write_text(json.dumps({"machine": platform.platform(), "python": platform.python_version(),
                               "area_per_object_m2": AREA_PER_OBJECT_M2, "rows": rows,
                               "exponent_solve": round(k_solve, 3), "exponent_program": round(k_prog, 3)},
                              indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    sys.exit(main())
