"""Benchmark: ``worldsmith datagen`` throughput with 1 and 2 workers on this machine.

Builds the same dataset twice (``--scenes`` scenes x ``--views`` views of rgb + depth + instance +
semantic at 640x480 with the ``gl`` backend and every randomization switch at its default), once
with 1 worker process and once with 2, each into a fresh folder, and reports:

* frames/s of the build (scene folders; the executor loop's wall time) and of the whole job
  (plus COCO, shards, manifest and card), for each worker count;
* the scaling efficiency ``fps(2) / (2 * fps(1))`` (issue 9 targets: >= 8 frames/s on 2 cores and
  >= 85 % efficiency);
* the time split per frame between generate / randomize / views / render / annotate / encode /
  write (CPU seconds summed over the workers' scenes, divided by frames);
* bytes per frame (frame files) and per sample in the shards;
* what a cluster of ``--nodes`` nodes x ``--cores-per-node`` cores would produce per day at the
  measured per-core rate (the 2-worker rate / 2).

Mesa's llvmpipe is limited to one thread per worker (``LP_NUM_THREADS=1``) in both runs, so one
worker uses one core: the 1-worker figure is the per-core rate.

Prints a table and writes bench/results/datagen.json.

Run: .venv/bin/python bench/datagen.py [--scenes 20] [--views 10] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
ROOM_TYPES = "bedroom,living_room,kitchen,home_office,dining_room,bathroom,kids_bedroom,classroom"


def run(out: Path, workers: int, scenes: int, views: int) -> dict:
    from worldsmith.datagen.job import run_datagen
    from worldsmith.datagen.randomize import Randomization
    from worldsmith.datagen.spec import JobSpec

    spec = JobSpec(out=str(out), room_types=tuple(ROOM_TYPES.split(",")), scenes=scenes, views=views,
                   randomization=Randomization().to_dict(), workers=workers, command="bench/datagen.py")
    t0 = time.perf_counter()
    summary = run_datagen(spec)
    total = time.perf_counter() - t0
    if summary["failed"]:
        raise SystemExit(f"scenes failed: {summary['failed']}")
    frames = summary["frames_written"]
    shard_bytes = sum(p.stat().st_size for p in (out / "shards").glob("*.tar"))
    return {
        "workers": workers, "frames": frames, "build_s": summary["seconds"], "total_s": round(total, 3),
        "fps_build": round(frames / summary["seconds"], 3), "fps_total": round(frames / total, 3),
        "per_frame_ms": {k: round(1000 * v / frames, 2) for k, v in summary["timings"].items()},
        "bytes_per_frame": round(summary["bytes_written"] / frames), "shard_bytes_per_sample": round(shard_bytes / frames),
        "annotations": summary["annotations"],
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenes", type=int, default=20)
    ap.add_argument("--views", type=int, default=10)
    ap.add_argument("--nodes", type=int, default=100)
    ap.add_argument("--cores-per-node", type=int, default=32)
    ap.add_argument("--keep", type=Path, default=None, help="keep the two datasets under this folder")
    args = ap.parse_args()
    os.environ["LP_NUM_THREADS"] = "1"
    base = args.keep or Path(tempfile.mkdtemp(prefix="worldsmith-datagen-bench-"))
    rows = []
    for workers in (1, 2):
        out = base / f"workers{workers}"
        if out.exists():
            shutil.rmtree(out)
        print(f"building {args.scenes} scenes x {args.views} views with {workers} worker(s) ...", flush=True)
        rows.append(run(out, workers, args.scenes, args.views))
    one, two = rows
    efficiency = two["fps_build"] / (2 * one["fps_build"])
    per_core = two["fps_build"] / 2
    per_day = per_core * args.nodes * args.cores_per_node * 86400
    print()
    print("| workers | frames | build s | frames/s (build) | frames/s (with finalise) | bytes/frame |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['workers']} | {r['frames']} | {r['build_s']:.1f} | {r['fps_build']:.2f} | {r['fps_total']:.2f} | "
              f"{r['bytes_per_frame']:,} |")
    print(f"\nscaling efficiency 1 -> 2 workers: {100 * efficiency:.1f} %")
    print("\nper-frame time split (ms of worker time, 2 workers):")
    print("| " + " | ".join(two["per_frame_ms"]) + " |")
    print("|" + "---|" * len(two["per_frame_ms"]))
    print("| " + " | ".join(f"{v:.1f}" for v in two["per_frame_ms"].values()) + " |")
    print(f"\nper-core rate {per_core:.2f} frames/s -> {args.nodes} nodes x {args.cores_per_node} cores: "
          f"{per_day / 1e6:.1f} M frames/day, {per_day * two['bytes_per_frame'] / 1e12:.1f} TB/day")
    result = {"scenes": args.scenes, "views": args.views, "runs": rows, "scaling_efficiency": round(efficiency, 4),
              "per_core_fps": round(per_core, 3), "cluster": {"nodes": args.nodes, "cores_per_node": args.cores_per_node,
                                                               "frames_per_day": round(per_day),
                                                               "bytes_per_day": round(per_day * two["bytes_per_frame"])},
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
              "command": " ".join([sys.executable, *sys.argv])}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "datagen.json").write_text(json.dumps(result, indent=1) + "\n")
    print(f"\nwrote {RESULTS / 'datagen.json'}")
    if args.keep is None:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
