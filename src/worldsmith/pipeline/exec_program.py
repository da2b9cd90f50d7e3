"""``worldsmith exec`` and ``worldsmith import``: the standard scene outputs.

``exec_program`` runs a DSL program from an empty scene (or from a given one, ``--scene``: the
program then edits it); ``import_scene`` reads a scene from another format (generalist scene.json,
GLB; :func:`worldsmith.export.import_scene`). Both write, in one folder, atomically:
``scene.json``, ``scene.glb``, ``program.py``, ``report.json`` and ``plan.png``.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterator

from ..assets import is_fallback
from ..dsl import execute
from ..scene import SCHEMA_VERSION, Scene, dumps
from .outputs import atomic_output_dir

log = logging.getLogger(__name__)

STAGES = ("program", "validate", "glb", "plan", "write")


@dataclass
class ExecOutcome:
    out_dir: Path
    scene: Scene
    report: dict

    @property
    def ok(self) -> bool:
        return all(not v for v in self.report["metrics"].values())


@contextmanager
def _timed(timings: dict[str, float], stage: str, progress: Callable[[str], None] | None) -> Iterator[None]:
    if progress:
        progress(stage)
    t0 = time.perf_counter()
    yield
    timings[stage] = round(time.perf_counter() - t0, 4)


def build_report(scene: Scene, metrics: dict, timings: dict[str, float], extra: dict | None = None) -> dict:
    """The report.json document (schema shared by exec and the later generate command)."""
    objects = [
        {"id": o.id, "category": o.category, "position": list(o.position), "yaw_deg": o.yaw_deg,
         "size": list(o.size), "support": o.support, "fallback": is_fallback(o)}
        for o in scene.objects
    ]
    report = {
        "schema_version": SCHEMA_VERSION,
        "prompt": scene.prompt,
        "seed": scene.seed,
        "objects": objects,
        "counts": dict(sorted(Counter(o.category for o in scene.objects).items())),
        "materials": {k: {"material": v.material, "score": v.score, "tint": None if v.tint is None else list(v.tint)}
                      for k, v in scene.material_choices.items()},
        "metrics": metrics,
        "timings_s": timings,
    }
    if extra:
        report.update(extra)
    return report


def exec_program(program: str, out_dir: str | Path, seed: int = 0, prompt: str = "",
                 progress: Callable[[str], None] | None = None, start: Scene | None = None) -> ExecOutcome:
    """Run ``program`` on ``start`` (default: an empty scene) and write the outputs to ``out_dir``.
    Raises DSLError / WorldsmithError for bad input; nothing is left behind on failure."""
    out = Path(out_dir)
    timings: dict[str, float] = {}
    with atomic_output_dir(out) as tmp:
        with _timed(timings, "program", progress):
            base = start if start is not None else Scene(prompt=prompt, seed=seed)
            if start is not None and prompt:
                base = replace(base, prompt=prompt)
            result = execute(program, base, seed=seed)
            scene = result.scene
        report = _write_scene_files(tmp, scene, program, timings, progress,
                                    {"program": {"actions": len(result.actions), "steps": result.steps,
                                                 "output": result.output},
                                     "substitutions": result.substitutions})
    log.info("wrote %s", out)
    return ExecOutcome(out, scene, report)


def import_scene(path: str | Path, fmt: str, out_dir: str | Path,
                 progress: Callable[[str], None] | None = None) -> ExecOutcome:
    """Read the scene in ``path`` (format ``fmt``: :func:`worldsmith.export.known_import_formats`)
    and write the outputs of ``worldsmith exec`` to ``out_dir``; ``program.py`` is an empty program
    (comments only) that ``worldsmith exec program.py --scene scene.json`` can extend."""
    from ..export import read_import

    out = Path(out_dir)
    timings: dict[str, float] = {}
    with atomic_output_dir(out) as tmp:
        with _timed(timings, "import", progress):
            result = read_import(path, fmt)
            scene = result.scene
        program = (f"# imported from {Path(path).name} ({fmt}); edit this scene with a DSL program:\n"
                   "#   worldsmith exec my_edit.py --scene scene.json --out edited\n")
        report = _write_scene_files(tmp, scene, program, timings, progress,
                                    {"imported": {"file": str(path), "format": fmt, "notes": list(result.notes),
                                                  "references": result.references}})
    log.info("wrote %s", out)
    return ExecOutcome(out, scene, report)


def _write_scene_files(tmp: Path, scene: Scene, program: str, timings: dict[str, float],
                       progress: Callable[[str], None] | None, extra: dict) -> dict:
    from ..export import export_scene
    from ..metrics import validate
    from ..render.plan import draw_plan

    with _timed(timings, "validate", progress):
        validation = validate(scene)
    with _timed(timings, "glb", progress):
        export_scene(scene, "glb", tmp / "scene.glb")
    with _timed(timings, "plan", progress):
        draw_plan(scene, tmp / "plan.png")
    with _timed(timings, "write", progress):
        (tmp / "scene.json").write_text(dumps(scene), encoding="utf-8")
        (tmp / "program.py").write_text(program if program.endswith("\n") else program + "\n", encoding="utf-8")
    report = build_report(scene, validation.to_dict(), timings, extra)
    # report.json is the folder's completion marker: written last.
    (tmp / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report
