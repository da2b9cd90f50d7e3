"""Benchmark: exporters and the evaluation metrics on furnished rooms from ``generate``.

For each prompt (default: three rooms of different sizes, seed 0, no renders) it measures, in one
process:

* export time and file size per format: ``glb``, ``usd`` (.usda, .usdc, .usdz at 512 px textures),
  ``mjcf``, ``sceneeval`` (no textures), ``generalist``; sizes count sidecar folders;
* the reference check per format: OpenUSD validators (errors), MuJoCo compile, trimesh reload,
  generalist import round trip (equal scene bytes);
* the metrics of ``worldsmith eval`` per scene: validation, evaluation navigability and
  accessibility, stability (MuJoCo, 2 s, including building the collision hulls), prompt
  fidelity.

No targets are set by the issue; the table is for regressions and for the closing note. Prints a
table and writes bench/results/export.json.

Run: .venv/bin/python bench/export.py [--prompt P ...] [--seed N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PROMPTS = (
    "a small bathroom with a bathtub",
    "a cozy living room with a sofa facing the TV and a reading corner",
    "a small cafe with a counter and five round tables",
)


def _size(path: Path) -> int:
    """Bytes of the file and its sidecar folders (each export has a folder of its own)."""
    return sum(f.stat().st_size for f in path.parent.rglob("*") if f.is_file())


def _timed(fn):
    t = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--prompt", action="append", help="prompt(s) to generate (default: three rooms)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("MUJOCO_GL", "egl")
    import mujoco
    import trimesh

    from worldsmith.export import export_scene, import_scene
    from worldsmith.export.usd import validation_issues
    from worldsmith.metrics import validate
    from worldsmith.metrics.fidelity import prompt_fidelity
    from worldsmith.metrics.navigability import accessibility, evaluate_navigability
    from worldsmith.metrics.stability import stability
    from worldsmith.pipeline.evaluate import requirements_for
    from worldsmith.pipeline.generate import generate
    from worldsmith.scene import dumps

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, prompt in enumerate(args.prompt or PROMPTS):
            scene = generate(prompt, Path(tmp) / f"gen{i}", seed=args.seed, renders=False).scene
            out = Path(tmp) / f"x{i}"
            out.mkdir()
            row = {"prompt": prompt, "objects": len(scene.objects), "exports": {}, "metrics_s": {}}
            formats = [("glb", "scene.glb", {}), ("usd", "scene.usda", {}), ("usd", "scene.usdc", {}),
                       ("usd", "scene.usdz", {}), ("mjcf", "scene.xml", {}),
                       ("sceneeval", "scene_0.json", {"texture_px": 0}), ("generalist", "scene_3dg.json", {})]
            for fmt, name, opts in formats:
                path = out / name.replace(".", "_") / name
                path.parent.mkdir()
                _, secs = _timed(lambda: export_scene(scene, fmt, path, **opts))
                if fmt == "usd":
                    check = "errors: %d" % sum(1 for v in validation_issues(path) if v.severity == "error")
                elif fmt == "mjcf":
                    model = mujoco.MjModel.from_xml_path(str(path))
                    check = f"compiles: {model.nbody} bodies, {model.ngeom} geoms"
                elif fmt == "glb":
                    check = f"trimesh: {len(trimesh.load(path, force='scene').graph.nodes_geometry)} mesh nodes"
                elif fmt == "generalist":
                    check = "round trip equal" if dumps(import_scene(path, "generalist")) == dumps(scene) \
                        else "round trip DIFFERS"
                else:
                    check = f"{len(json.loads(path.read_text())['scene']['object'])} objects"
                row["exports"][name] = {"format": fmt, "seconds": round(secs, 3), "bytes": _size(path), "check": check}
            m = row["metrics_s"]
            _, m["validate"] = _timed(lambda: validate(scene))
            _, m["navigability"] = _timed(lambda: evaluate_navigability(scene))
            _, m["accessibility"] = _timed(lambda: accessibility(scene))
            st, m["stability"] = _timed(lambda: stability(scene))
            _, m["fidelity"] = _timed(lambda: prompt_fidelity(scene, requirements_for(prompt)))
            row["stability_share"] = st["share"]
            row["metrics_s"] = {k: round(v, 3) for k, v in m.items()}
            rows.append(row)

    print(f"{'scene':<16} {'file':<16} {'seconds':>8} {'MB':>8}  check")
    for row in rows:
        label = f"{row['objects']} objects"
        for name, e in row["exports"].items():
            print(f"{label:<16} {name:<16} {e['seconds']:>8.3f} {e['bytes'] / 1e6:>8.2f}  {e['check']}")
            label = ""
        print(f"{'':<16} metrics: " + ", ".join(f"{k} {v:.2f} s" for k, v in row["metrics_s"].items())
              + f"; stable {row['stability_share']:.1%}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    doc = {"machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
           "seed": args.seed, "rows": rows}
    (RESULTS / "export.json").write_text(json.dumps(doc, indent=2) + "\n")
    print(f"wrote {RESULTS / 'export.json'}")


if __name__ == "__main__":
    main()
