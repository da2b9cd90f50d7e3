"""Benchmark: the render backends on a furnished room from ``generate``.

Measures, in one process (2 cores, Mesa llvmpipe unless a GPU driver is present):

* the scene: triangle count, scene geometry build time, upload time (buffers, textures, shadow
  maps) cold (first scene in the process) and warm (the same scene uploaded again);
* ``gl`` at 640x480: per-view time (median over the four corner views and ``--repeat`` rounds,
  after one warm-up render) for rgb+depth+instance+semantic, rgb alone, ground truth alone, once
  with the default anti-aliasing of this driver and once with 4x MSAA;
* ``pbr`` (Mitsuba 3, llvm_ad_rgb) at 640x480 and ``--spp`` samples: per-view time over two corner
  views (after one warm-up render that compiles the kernels);
* peak memory (max RSS) after each backend.

Targets (issue 5): gl rgb+depth+instance+semantic <= 60 ms per view, upload <= 0.5 s; pbr <= 4 s
per view at 64 spp. Prints a table and writes bench/results/render.json.

Run: .venv/bin/python bench/render.py [--prompt P] [--seed N] [--repeat N] [--spp N] [--no-pbr]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
GL_TARGET_MS = 60.0
UPLOAD_TARGET_S = 0.5
PBR_TARGET_S = 4.0
W, H = 640, 480


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _time_views(renderer, scene, cams, outputs, repeat: int) -> float:
    renderer.render(scene, cams[0], outputs)  # warm-up
    times = []
    for _ in range(repeat):
        for cam in cams:
            t0 = time.perf_counter()
            renderer.render(scene, cam, outputs)
            times.append((time.perf_counter() - t0) * 1000.0)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--prompt", default="a cozy living room with a sofa facing the TV and a reading corner")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--spp", type=int, default=64)
    ap.add_argument("--no-pbr", action="store_true")
    args = ap.parse_args()

    from worldsmith.pipeline.generate import generate
    from worldsmith.render import cameras
    from worldsmith.render.gl import GLRenderer, context, is_software
    from worldsmith.render.scenegeom import scene_geometry
    from worldsmith.scene import codec

    with tempfile.TemporaryDirectory() as tmp:
        generate(args.prompt, Path(tmp) / "scene", seed=args.seed, renders=False)
        scene = codec.load(Path(tmp) / "scene" / "scene.json")
    cams = [c.replace(width=W, height=H) for c in cameras.corners(scene, width=W, height=H)]
    ctx = context()
    driver = f"{ctx.info.get('GL_RENDERER')} ({ctx.info.get('GL_VERSION')})"

    t0 = time.perf_counter()
    geom = scene_geometry(scene)
    geometry_s = time.perf_counter() - t0
    renderer = GLRenderer()
    t0 = time.perf_counter()
    prep = renderer.prepare(scene)
    cold_s = time.perf_counter() - t0
    cold_upload_s = prep.stats["upload_s"]
    again = codec.loads(codec.dumps(scene))  # an equal scene, a new object: uploaded again
    t0 = time.perf_counter()
    prep = renderer.prepare(again)
    warm_s = time.perf_counter() - t0
    warm_upload_s = prep.stats["upload_s"]
    scene = again

    full = {"rgb", "depth", "instance", "semantic"}
    rows = {
        "gl_full_ms": _time_views(renderer, scene, cams, full, args.repeat),
        "gl_rgb_ms": _time_views(renderer, scene, cams, {"rgb"}, args.repeat),
        "gl_gt_ms": _time_views(renderer, scene, cams, {"depth", "instance", "semantic"}, args.repeat),
    }
    msaa = GLRenderer(antialias="msaa")
    msaa.prepare(scene)
    rows["gl_full_msaa4_ms"] = _time_views(msaa, scene, cams, full, args.repeat)
    gl_rss = _rss_mb()

    result = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "gl_driver": driver,
                    "software_rasterizer": is_software(ctx)},
        "scene": {"prompt": args.prompt, "seed": args.seed, "objects": len(scene.objects),
                  "triangles": geom.triangle_count, "lights": len(scene.lights)},
        "gl": {"antialias": renderer.antialias, "geometry_s": round(geometry_s, 3),
               "prepare_cold_s": round(cold_s, 3), "upload_cold_s": round(cold_upload_s, 3),
               "prepare_warm_s": round(warm_s, 3), "upload_warm_s": round(warm_upload_s, 3),
               **{k: round(v, 1) for k, v in rows.items()}, "max_rss_mb": round(gl_rss, 1)},
        "targets": {"gl_full_ms": GL_TARGET_MS, "upload_s": UPLOAD_TARGET_S, "pbr_s": PBR_TARGET_S},
    }
    if not args.no_pbr:
        from worldsmith.render import get_renderer

        pbr = get_renderer("pbr")
        t0 = time.perf_counter()
        pbr.render(scene, cams[0], {"rgb"}, spp=args.spp)
        first_s = time.perf_counter() - t0
        times = []
        for cam in cams[1:3]:
            t0 = time.perf_counter()
            pbr.render(scene, cam, {"rgb"}, spp=args.spp)
            times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        pbr.render(scene, cams[0], {"depth", "instance", "semantic"}, spp=args.spp)
        gt_s = time.perf_counter() - t0
        result["pbr"] = {"spp": args.spp, "first_view_s": round(first_s, 2),
                         "per_view_s": round(statistics.median(times), 2), "ground_truth_s": round(gt_s, 3),
                         "max_rss_mb": round(_rss_mb(), 1)}

    g = result["gl"]
    print(f"render bench: {driver}; scene {result['scene']['objects']} objects, "
          f"{result['scene']['triangles']} triangles, {W}x{H}")
    print(f"{'measure':44s} {'value':>10s} {'target':>10s}")
    table = [
        ("gl scene geometry build (s)", g["geometry_s"], None),
        ("gl upload, cold / first scene (s)", g["upload_cold_s"], None),
        ("gl upload, warm (s)", g["upload_warm_s"], UPLOAD_TARGET_S),
        (f"gl rgb+depth+instance+semantic ({g['antialias']}) ms", g["gl_full_ms"], GL_TARGET_MS),
        ("gl rgb only (ms)", g["gl_rgb_ms"], None),
        ("gl depth+instance+semantic (ms)", g["gl_gt_ms"], None),
        ("gl rgb+gt with 4x MSAA (ms)", g["gl_full_msaa4_ms"], None),
        ("gl max RSS (MB)", g["max_rss_mb"], None),
    ]
    if "pbr" in result:
        p = result["pbr"]
        table += [(f"pbr first view incl. kernel compile (s)", p["first_view_s"], None),
                  (f"pbr per view, {p['spp']} spp (s)", p["per_view_s"], PBR_TARGET_S),
                  ("pbr ground truth (s)", p["ground_truth_s"], None),
                  ("pbr max RSS (MB)", p["max_rss_mb"], None)]
    for name, value, target in table:
        t = "" if target is None else f"<= {target}"
        print(f"{name:44s} {value:>10} {t:>10s}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "render.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {RESULTS / 'render.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
