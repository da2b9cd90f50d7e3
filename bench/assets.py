"""Benchmark: the asset and material library.

Measures, per catalog category, the build time of one object (median over 20 sampled params and
sizes, the same draws the tests use: typical size first, then sizes across the category's range)
and its triangle count; the triangle total of the furnished example rooms; and the load time of
each library (catalog, materials, texture maps, text-retrieval model and embeddings, cold and
cached). Targets (from issue 3): every category builds in < 50 ms median; a furnished room has
< 300k triangles. Prints a table, writes bench/results/assets.json, and saves contact sheets of
every category (bench/results/contact_sheet.png) and of the material library
(bench/results/materials_sheet.png).

Run: .venv/bin/python bench/assets.py [--samples N] [--sheet-only]
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

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
BUILD_TARGET_MS = 50.0
ROOM_TRIANGLE_TARGET = 300_000


def _sizes(info, n: int, rng: np.random.Generator):
    for i in range(n):
        if i < 3:
            yield tuple(float(v) for v in info.size_typical)
        else:
            yield tuple(round(float(rng.uniform(a, b)), 3) for a, b in zip(info.size_min, info.size_max))


def bench_categories(samples: int) -> list[dict]:
    from worldsmith.assets import build_object_parts, catalog
    from worldsmith.assets.procedural import sample_params
    from worldsmith.scene import AssetRef, ObjectInstance

    rows = []
    for name in catalog.names():
        info = catalog.get(name)
        rng = np.random.default_rng(0)
        times, tris, parts = [], [], []
        for size in _sizes(info, samples, rng):
            params = sample_params(info.generator, name, rng, size)
            obj = ObjectInstance("obj_0", name, AssetRef("procedural", info.generator, params), (0, 0, 0), size)
            t0 = time.perf_counter()
            built = build_object_parts(obj)
            times.append((time.perf_counter() - t0) * 1000.0)
            tris.append(sum(len(p.mesh.faces) for p in built))
            parts.append(len(built))
        rows.append({"category": name, "support": info.support, "generator": info.generator,
                     "build_ms_median": round(statistics.median(times), 2), "build_ms_max": round(max(times), 2),
                     "triangles_median": int(statistics.median(tris)), "triangles_max": int(max(tris)),
                     "parts_median": int(statistics.median(parts))})
    return rows


def bench_rooms() -> list[dict]:
    from worldsmith.assets import build_object_parts, build_room_shell
    from worldsmith.dsl import execute

    rows = []
    for program in sorted((ROOT / "examples").glob("*.py")):
        scene = execute(program.read_text(), seed=0).scene
        objects = sum(len(p.mesh.faces) for o in scene.objects for p in build_object_parts(o))
        shell = sum(len(p.mesh.faces) for r in scene.rooms for _, ps in build_room_shell(scene, r) for p in ps)
        rows.append({"room": program.stem, "objects": len(scene.objects), "object_triangles": objects,
                     "shell_triangles": shell, "total_triangles": objects + shell})
    return rows


def _timed(fn) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return round(time.perf_counter() - t0, 4), out


def bench_loads() -> list[dict]:
    """Load times with empty caches (a fresh temporary cache dir), then again with them warm."""
    rows = []
    from worldsmith.assets import catalog

    catalog._catalog.cache_clear()
    t, cats = _timed(lambda: catalog.names())
    rows.append({"library": "category catalog", "items": len(cats), "cold_s": t, "warm_s": _timed(catalog.names)[0]})

    from worldsmith import materials

    t, mats = _timed(lambda: materials.library())
    rows.append({"library": "material library", "items": len(mats), "cold_s": t,
                 "warm_s": _timed(materials.library)[0]})
    # one material per texture pattern, generated cold (empty cache) then read back from the cache
    first: dict[str, object] = {}
    for m in mats:
        if m.texture is not None:
            first.setdefault(m.texture.pattern, m)
    for pattern, m in sorted(first.items()):
        t, _ = _timed(lambda: materials.texture_maps(m, resolution=512))
        rows.append({"library": f"texture 512 px: {pattern} ({m.name})", "items": 1, "cold_s": t,
                     "warm_s": _timed(lambda: materials.texture_maps(m, resolution=512))[0]})

    from worldsmith.assets import retrieval

    t, cands = _timed(retrieval.procedural_candidates)
    # cold: torch + sentence-transformers import, model load, embeddings computed (empty cache);
    # warm: a new retriever in the same process, embeddings read from the cache
    t_cold, _ = _timed(lambda: retrieval.Retriever(cands).warm())
    t_warm, ret = _timed(lambda: retrieval.Retriever(cands).warm())
    rows.append({"library": "retrieval: model + catalog embeddings", "items": len(cands),
                 "cold_s": round(t + t_cold, 4), "warm_s": t_warm})
    queries = ["a comfy couch", "fridge", "flat screen", "king size bed", "bar chair", "somewhere to hang coats",
               "espresso maker", "a big old wardrobe", "reading light", "kids bunk"]
    t_q, _ = _timed(lambda: [ret.query(q) for q in queries])
    t_q2, _ = _timed(lambda: [ret.query(q) for q in queries])
    rows.append({"library": "retrieval query (new / repeated)", "items": len(queries),
                 "cold_s": round(t_q / len(queries), 5), "warm_s": round(t_q2 / len(queries), 5)})
    return rows


def contact_sheets() -> list[Path]:
    from worldsmith.assets import build_object_parts, catalog
    from worldsmith.assets.procedural import sample_params
    from worldsmith.render.sketch import contact_sheet
    from worldsmith.scene import AssetRef, ObjectInstance

    cells = []
    for name in catalog.names():
        info = catalog.get(name)
        rng = np.random.default_rng(1)
        params = sample_params(info.generator, name, rng, info.size_typical)
        obj = ObjectInstance("obj_0", name, AssetRef("procedural", info.generator, params), (0, 0, 0),
                             info.size_typical)
        cells.append((name, build_object_parts(obj)))
    out = [contact_sheet(cells, RESULTS / "contact_sheet.png", cell_px=200, cols=12)]
    from PIL import Image

    from worldsmith.materials.contact_sheet import contact_sheet as material_sheet

    pixels, _ = material_sheet(resolution=128, columns=12)
    Image.fromarray(pixels).save(RESULTS / "materials_sheet.png")
    out.append(RESULTS / "materials_sheet.png")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=20, help="sampled objects per category")
    parser.add_argument("--sheet-only", action="store_true", help="only save the contact sheets")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.sheet_only:
        for p in contact_sheets():
            print(f"wrote {p}")
        return

    with tempfile.TemporaryDirectory() as cache:
        os.environ["WORLDSMITH_CACHE_DIR"] = cache  # cold caches for the load timings
        loads = bench_loads()
    cats = bench_categories(args.samples)
    rooms = bench_rooms()

    print(f"{'category':>18} | {'support':>7} | {'build ms (median)':>17} | {'max ms':>7} | {'triangles':>9} | parts")
    print("-" * 80)
    for r in cats:
        flag = "" if r["build_ms_median"] < BUILD_TARGET_MS else "  <-- over target"
        print(f"{r['category']:>18} | {r['support']:>7} | {r['build_ms_median']:>17.2f} | {r['build_ms_max']:>7.1f} | "
              f"{r['triangles_median']:>9} | {r['parts_median']}{flag}")
    slowest = max(cats, key=lambda r: r["build_ms_median"])
    print(f"\n{len(cats)} categories; slowest median build: {slowest['category']} {slowest['build_ms_median']:.1f} ms "
          f"(target < {BUILD_TARGET_MS:.0f} ms)")
    print(f"\n{'room':>14} | objects | object tris | shell tris | total tris")
    for r in rooms:
        print(f"{r['room']:>14} | {r['objects']:>7} | {r['object_triangles']:>11} | {r['shell_triangles']:>10} | "
              f"{r['total_triangles']:>10}")
    print(f"\n{'library':>52} | items | cold s | warm s")
    for r in loads:
        print(f"{r['library']:>52} | {r['items']:>5} | {r['cold_s']:>6.3f} | {r['warm_s']:>6.3f}")

    ok_build = all(r["build_ms_median"] < BUILD_TARGET_MS for r in cats)
    ok_tris = all(r["total_triangles"] < ROOM_TRIANGLE_TARGET for r in rooms)
    print(f"\ntargets: build < {BUILD_TARGET_MS:.0f} ms median: {'PASS' if ok_build else 'FAIL'}; "
          f"furnished room < {ROOM_TRIANGLE_TARGET} triangles: {'PASS' if ok_tris else 'FAIL'}")
    sheets = contact_sheets()
    out = RESULTS / "assets.json"
    out.write_text(json.dumps({"machine": platform.platform(), "python": platform.python_version(),
                               "samples": args.samples, "categories": cats, "rooms": rooms, "loads": loads,
                               "targets": {"build_ms": BUILD_TARGET_MS, "room_triangles": ROOM_TRIANGLE_TARGET,
                                           "build_ok": ok_build, "triangles_ok": ok_tris},
                               "sheets": [str(p.relative_to(ROOT)) for p in sheets]}, indent=2) + "\n")
    print(f"wrote {out}")
    for p in sheets:
        print(f"wrote {p}")
    if not (ok_build and ok_tris):
        sys.exit(1)


if __name__ == "__main__":
    main()
