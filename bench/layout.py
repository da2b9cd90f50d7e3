"""Benchmark: the layout solver on furnished-room problems written as DSL programs.

Each problem is a program with 8-40 floor pieces placed by relations (against walls, corners,
facing, next to, in front of, around tables, rows and grids), in rectangles, L and U shapes, plus
one hall of 160 objects. Per problem it reports: the wall time of the program (adding the objects
and solving their placements), the time spent in the solver alone (the place actions replayed one
by one), the placement rate (objects placed / objects asked for), the violations the real
validator finds (collisions, out of bounds, blocked openings, unsupported), the navigability ratio
(largest connected robot space / all of it), and the share of requested relations satisfied.

Targets (issue 4): every object placed, 0 violations, >= 95 % of relations satisfied, median time
<= 1 s. Prints a table and writes bench/results/layout.json; ``--plans`` also saves a floor plan
of every problem to bench/results/layout_plans/.

Run: .venv/bin/python bench/layout.py [--only NAME] [--plans]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
from pathlib import Path

from _layout_common import measure

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"

PROBLEMS: dict[str, str] = {}

PROBLEMS["bedroom"] = """
room("bedroom", width=4.2, depth=3.8, height=2.7)
door("wall_0", at=0.8, width=0.85)
window("wall_2", at=0.5, width=1.4, sill=0.9)
bed = add("bed")
place(bed, against="wall_3")
n1 = add("nightstand")
place(n1, next_to=bed, side="left", against="wall_3")
n2 = add("nightstand")
place(n2, next_to=bed, side="right", against="wall_3")
w = add("wardrobe")
place(w, against="wall_1")
d = add("desk", size=(1.2, 0.6, 0.75))
place(d, under="window_0")
c = add("office_chair")
place(c, in_front_of=d, distance=0.1)
dr = add("dresser")
place(dr, against="any_wall")
r = add("rug", size=(1.6, 1.0, 0.01))
place(r, in_front_of=bed, distance=0.0)
p = add("potted_plant", size=(0.4, 0.4, 1.0))
place(p, corner=True)
"""

PROBLEMS["living_room"] = """
room("living room", width=5.6, depth=4.6, height=2.8)
door("wall_0", at=0.15, width=0.9)
window("wall_2", at=0.5, width=2.0, sill=0.8)
tv = add("tv_stand")
place(tv, against="wall_1")
sofa = add("sofa")
place(sofa, against="wall_3", facing=tv)
ct = add("coffee_table")
place(ct, in_front_of=sofa, distance=0.45)
a1 = add("armchair")
place(a1, facing=ct, near=ct)
a2 = add("armchair")
place(a2, facing=ct, near=ct)
s1 = add("side_table")
place(s1, next_to=sofa, side="left")
s2 = add("side_table")
place(s2, next_to=sofa, side="right")
fl = add("floor_lamp")
place(fl, corner=True)
bs = add("bookshelf")
place(bs, against="any_wall")
rug = add("rug", size=(2.4, 1.7, 0.01))
place(rug, between=(sofa, tv))
pl = add("potted_plant")
place(pl, corner=True)
cab = add("cabinet")
place(cab, against="wall_0")
"""

PROBLEMS["dining_room"] = """
room("dining room", width=5.0, depth=4.2, height=2.8)
door("wall_3", at=0.2, width=0.9)
window("wall_1", at=0.5, width=1.6, sill=0.9)
t = add("dining_table", size=(1.8, 0.95, 0.75))
place(t, center=True)
chairs = []
for i in range(6):
    chairs = chairs + [add("dining_chair")]
place(chairs, around=t)
sb = add("cabinet", size=(1.6, 0.45, 0.85))
place(sb, against="wall_2")
p1 = add("potted_plant")
place(p1, corner=True)
p2 = add("potted_plant")
place(p2, corner=True)
"""

PROBLEMS["kitchen"] = """
room("kitchen", width=4.6, depth=4.0, height=2.7)
door("wall_0", at=0.8, width=0.9)
window("wall_2", at=0.5, width=1.2, sill=1.05)
f = add("refrigerator")
place(f, corner=True)
k1 = add("kitchen_counter")
place(k1, against="wall_2")
s = add("stove")
place(s, next_to=k1, side="right", against="wall_2")
dw = add("dishwasher")
place(dw, next_to=k1, side="left", against="wall_2")
k2 = add("kitchen_counter", size=(1.5, 0.62, 0.91))
place(k2, against="wall_3")
isl = add("kitchen_island", size=(1.6, 0.8, 0.92))
place(isl, center=True)
stools = []
for i in range(3):
    stools = stools + [add("bar_stool")]
place(stools, row=True, in_front_of=isl, distance=0.05, spacing=0.12)
tc = add("trash_can")
place(tc, next_to=k2)
"""

PROBLEMS["office"] = """
room("office", width=7.0, depth=6.0, height=2.8)
door("wall_0", at=0.1, width=0.9)
window("wall_1", at=0.5, width=2.4, sill=0.9)
desks = []
for i in range(4):
    desks = desks + [add("desk", size=(1.4, 0.7, 0.75))]
place(desks, grid=(2, 2), facing="wall_0", spacing=(0.4, 1.4))
for i in range(4):
    c = add("office_chair")
    place(c, in_front_of=desks[i], distance=0.1)
b1 = add("bookshelf")
place(b1, against="wall_3")
b2 = add("bookshelf")
place(b2, against="wall_3")
cb = add("cabinet")
place(cb, against="wall_2")
mt = add("table", size=(1.2, 0.8, 0.75))
place(mt, near=b1)
mc = []
for i in range(4):
    mc = mc + [add("chair")]
place(mc, around=mt)
p1 = add("potted_plant")
place(p1, corner=True)
p2 = add("potted_plant")
place(p2, corner=True)
"""

PROBLEMS["classroom"] = """
room("classroom", width=9.0, depth=8.0, height=3.0)
door("wall_3", at=0.15, width=1.0)
window("wall_1", at=0.5, width=3.0, sill=0.9)
desks = []
for i in range(15):
    desks = desks + [add("desk", size=(1.0, 0.55, 0.75))]
place(desks, grid=(3, 5), facing="wall_0", spacing=(0.45, 1.3))
for i in range(15):
    c = add("chair")
    place(c, in_front_of=desks[i], distance=0.05)
td = add("desk")
place(td, against="wall_2")
tc = add("office_chair")
place(tc, in_front_of=td, distance=0.1)
b1 = add("bookshelf")
place(b1, against="wall_0")
b2 = add("bookshelf")
place(b2, next_to=b1, against="wall_0")
cb = add("cabinet")
place(cb, against="wall_0")
p = add("potted_plant")
place(p, corner=True)
"""

PROBLEMS["l_studio"] = """
room("studio", polygon=[(0, 0), (7, 0), (7, 3.6), (3.8, 3.6), (3.8, 6.5), (0, 6.5)], height=2.7)
door("wall_0", at=0.85, width=0.9)
window("wall_4", at=0.5, width=1.6, sill=0.9)
window("wall_1", at=0.5, width=1.2, sill=0.9)
bed = add("bed")
place(bed, against="wall_5")
n = add("nightstand")
place(n, next_to=bed, against="wall_5")
w = add("wardrobe")
place(w, against="wall_3")
sofa = add("sofa")
place(sofa, against="wall_0")
tv = add("tv_stand")
place(tv, against="wall_2", facing=sofa)
ct = add("coffee_table")
place(ct, in_front_of=sofa, distance=0.45)
d = add("desk", size=(1.2, 0.6, 0.75))
place(d, under="window_1")
oc = add("office_chair")
place(oc, in_front_of=d, distance=0.1)
dt = add("table", size=(0.9, 0.9, 0.75))
place(dt, center=True)
cs = []
for i in range(2):
    cs = cs + [add("chair")]
place(cs, around=dt)
bs = add("bookshelf")
place(bs, against="any_wall")
pl = add("potted_plant")
place(pl, corner=True)
rug = add("rug", size=(1.6, 1.1, 0.01))
place(rug, in_front_of=bed, distance=0.0)
fl = add("floor_lamp")
place(fl, next_to=sofa)
"""

PROBLEMS["u_cafe"] = """
room("cafe", polygon=[(0, 0), (10, 0), (10, 7), (7, 7), (7, 3), (3, 3), (3, 7), (0, 7)], height=3.0)
door("wall_0", at=0.5, width=1.2)
window("wall_2", at=0.5, width=1.6, sill=0.9)
window("wall_6", at=0.5, width=1.6, sill=0.9)
counter = add("bar_counter")
place(counter, against="wall_1")
for i in range(5):
    t = add("cafe_table")
    place(t, far_from=counter)
    cs = []
    for j in range(3):
        cs = cs + [add("chair")]
    place(cs, around=t)
r = add("wine_rack")
place(r, against="wall_7")
p1 = add("potted_plant")
place(p1, corner=True)
p2 = add("potted_plant")
place(p2, corner=True)
"""

PROBLEMS["gym"] = """
room("gym", width=8.0, depth=6.0, height=3.0)
door("wall_0", at=0.1, width=1.0)
window("wall_2", at=0.5, width=3.0, sill=1.0)
tm = []
for i in range(3):
    tm = tm + [add("treadmill")]
place(tm, row=True, against="wall_1", spacing=0.4)
rack = add("dumbbell_rack")
place(rack, against="wall_3")
for i in range(2):
    b = add("weight_bench")
    place(b, in_front_of=rack, distance=0.8)
mats = []
for i in range(6):
    mats = mats + [add("yoga_mat")]
place(mats, grid=(2, 3), center=True, spacing=(0.3, 0.3))
bench = add("bench")
place(bench, against="wall_0")
pl = add("potted_plant")
place(pl, corner=True)
"""

PROBLEMS["library"] = """
room("library", width=8.0, depth=7.0, height=3.0)
door("wall_0", at=0.5, width=1.0)
window("wall_1", at=0.5, width=2.0, sill=0.9)
for i in range(6):
    b = add("bookshelf")
    place(b, against="any_wall")
for i in range(2):
    t = add("table", size=(1.6, 0.9, 0.75))
    place(t, center=True)
    cs = []
    for j in range(4):
        cs = cs + [add("chair")]
    place(cs, around=t)
for i in range(3):
    a = add("armchair")
    place(a, corner=True)
    s = add("side_table")
    place(s, next_to=a)
fl = add("floor_lamp")
place(fl, near=a)
pl = add("potted_plant")
place(pl, corner=True)
"""

PROBLEMS["bathroom"] = """
room("bathroom", width=3.4, depth=3.0, height=2.6)
door("wall_0", at=0.25, width=0.8)
window("wall_2", at=0.7, width=0.8, sill=1.3)
tub = add("bathtub")
place(tub, against="wall_2", corner=True)
t = add("toilet")
place(t, against="wall_1")
s = add("sink")
place(s, against="wall_3")
sh = add("shower", size=(0.8, 0.8, 2.1))
place(sh, corner=True)
c = add("cabinet", size=(0.6, 0.4, 0.85))
place(c, next_to=s, against="wall_3")
tc = add("trash_can")
place(tc, next_to=t)
rug = add("rug", size=(0.9, 0.6, 0.01))
place(rug, in_front_of=s, distance=0.05)
st = add("stool")
place(st, near=tub)
"""

HALL = """
room("conference hall", width=24.0, depth=18.0, height=4.0)
door("wall_0", at=0.5, width=1.8)
door("wall_3", at=0.2, width=1.2)
door("wall_1", at=0.8, width=1.2)
window("wall_1", at=0.35, width=3.0, sill=1.0)
seats = []
for i in range(96):
    seats = seats + [add("chair")]
place(seats, grid=(8, 12), facing="wall_2", spacing=(0.12, 0.55))
for i in range(10):
    t = add("cafe_table", size=(0.9, 0.9, 0.74))
    place(t, far_from=seats[0])
    cs = []
    for j in range(4):
        cs = cs + [add("chair")]
    place(cs, around=t)
for i in range(6):
    b = add("cabinet")
    place(b, against="any_wall")
for i in range(4):
    b = add("bookshelf")
    place(b, against="any_wall")
for i in range(4):
    p = add("potted_plant")
    place(p, corner=True)
"""


def run_problem(name: str, program: str) -> tuple[dict, object]:
    from worldsmith.layout.relations import relation_share

    m = measure(program, seed=7, seconds=600.0, steps=2_000_000)
    report, rel, asked = m.report, m.relations, m.asked
    unreachable = sum(len(r["unreachable_doors"]) + len(r["unreachable_fronts"]) for r in m.navigability.values())
    row = {
        "problem": name,
        "shape": {4: "rect", 6: "L", 8: "U"}.get(len(m.result.scene.rooms[0].polygon), "other"),
        "objects": asked,
        "placed": m.placed,
        "placement_rate": round(m.placed / max(asked, 1), 4),
        "time_s": round(m.program_s, 3),
        "solve_s": round(m.solve_s, 3),
        "per_object_ms": round(1000.0 * m.solve_s / max(asked, 1), 1),
        "violations": report.problem_count,
        "collisions": len(report.collisions),
        "out_of_bounds": len(report.out_of_bounds),
        "blocked_openings": len(report.blocked_openings),
        "unsupported": len(report.unsupported),
        "navigability": round(m.worst_ratio, 4),
        "unreachable": unreachable,
        "relations": len(rel),
        "relations_satisfied": round(relation_share(rel), 4),
        "unplaced": m.result.report.unplaced,
        "unsatisfied": [r for r in rel if not r["satisfied"]],
    }
    return row, m.result.scene


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run only this problem")
    parser.add_argument("--plans", action="store_true", help="save a floor plan per problem")
    parser.add_argument("--no-hall", action="store_true", help="skip the 160-object hall")
    args = parser.parse_args()
    problems = dict(PROBLEMS)
    if not args.no_hall:
        problems["hall_160"] = HALL
    if args.only:
        problems = {args.only: problems[args.only]}
    RESULTS.mkdir(parents=True, exist_ok=True)
    rows = []
    for name, program in problems.items():
        row, scene = run_problem(name, program)
        rows.append(row)
        if args.plans:
            from worldsmith.render.plan import draw_plan

            out = RESULTS / "layout_plans"
            out.mkdir(exist_ok=True)
            draw_plan(scene, out / f"{name}.png", px_per_m=60 if row["objects"] > 60 else 110, title=name)
    head = (f"{'problem':>12} | shape | objs | placed | time s | solve s | ms/obj | viol | nav   | relations")
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r['problem']:>12} | {r['shape']:>5} | {r['objects']:>4} | {r['placement_rate'] * 100:>5.1f}% | "
              f"{r['time_s']:>6.2f} | {r['solve_s']:>7.2f} | {r['per_object_ms']:>6.1f} | {r['violations']:>4} | "
              f"{r['navigability']:.3f} | {r['relations_satisfied'] * 100:5.1f}% of {r['relations']}")
    median = statistics.median(r["time_s"] for r in rows)
    all_placed = all(r["placement_rate"] == 1.0 for r in rows)
    no_viol = all(r["violations"] == 0 for r in rows)
    rel_total = sum(r["relations"] for r in rows)
    rel_ok = sum(r["relations_satisfied"] * r["relations"] for r in rows) / max(rel_total, 1)
    nav_ok = all(r["navigability"] >= 0.95 for r in rows)
    print(f"\nmedian time {median:.2f} s (target <= 1 s): {'PASS' if median <= 1.0 else 'FAIL'}; "
          f"every object placed: {'PASS' if all_placed else 'FAIL'}; 0 violations: {'PASS' if no_viol else 'FAIL'}; "
          f"relations satisfied {rel_ok * 100:.1f}% (target >= 95 %): {'PASS' if rel_ok >= 0.95 else 'FAIL'}; "
          f"navigability >= 0.95: {'PASS' if nav_ok else 'FAIL'}")
    for r in rows:
        for u in r["unplaced"]:
            print(f"  {r['problem']}: unplaced {u['id']} ({u['constraint']}): {u['reason']}")
        for u in r["unsatisfied"]:
            print(f"  {r['problem']}: {u['object']} {u['relation']} not satisfied: {u['detail']}")
    if not args.only:
        out = RESULTS / "layout.json"
        out.write_text(json.dumps({
            "machine": platform.platform(), "python": platform.python_version(), "rows": rows,
            "summary": {"median_time_s": median, "all_placed": all_placed, "zero_violations": no_viol,
                        "relations_satisfied": round(rel_ok, 4), "navigable": nav_ok},
        }, indent=2) + "\n")
        print(f"wrote {out}")


if __name__ == "__main__":
    sys.exit(main())
