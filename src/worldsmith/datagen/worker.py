"""One scene task, start to finish, in a worker process: generate, randomize, sample views, render,
annotate, encode, write.

:func:`build_scene` is the module-level function every executor maps over ``(spec, task)`` pairs
(a local process pool or Ray: the same function, the same bytes). Its steps, with the random
stream each one draws from (all derived from the scene's seed, so a resumed scene redraws exactly
what an uninterrupted one drew, whatever was already on disk):

1. **generate**: the offline planner builds the room from the task's prompt and seed.
2. **scene randomization** (``derive_rng(seed, "datagen-randomize")``): the switches set to
   ``"scene"`` (:mod:`.randomize`), plus one draw of the render parameters (time of day) and camera
   parameters for switches at the ``"scene"`` level.
3. **views** (``derive_rng(seed, "datagen-views")``): ``spec.views`` cameras in free space
   (:mod:`.viewpoints`), then the optional top-down and panorama views.
4. per view ``v`` (``derive_rng(seed, "datagen-view", v)``): the switches set to ``"view"``, then
   the render (``spec.backend``), annotations (:mod:`.annotate`), encoding and the atomic frame
   write (:mod:`.writers`). A frame already complete on disk is skipped (its draws are made anyway,
   as they are per-view streams, nothing shifts).
5. ``scene.json`` (prompt, seed, program, randomization, views) is written last: the scene's
   completion marker.

Files are written atomically (a temporary name, then a rename) but not ``fsync``-ed
(``SceneFolder(durable=False)``): a killed process never leaves a half-written file under a real
name, and fsyncing every file cost 11 ms a frame. After a power cut, check a dataset with
:func:`worldsmith.datagen.manifest.verify` (it recomputes every checksum).

Timings never go into the dataset's files (they would make two runs differ); they are returned
to the caller, which logs them to ``DIR/logs/timings.jsonl``. A scene that fails (planner error,
renderer error) returns ``{"error": ...}`` rather than raising, so one bad scene never stops a
job; a rerun retries it.
"""

from __future__ import annotations

import logging
import time
from functools import partial
from pathlib import Path
from typing import Any

from ..scene.errors import one_line
from ..scene.rng import derive_rng
from .spec import JobSpec, SceneTask, frame_key

log = logging.getLogger(__name__)

#: the time split the bench reports
STAGES = ("generate", "randomize", "views", "render", "annotate", "encode", "write")


def _scene_summary(scene: Any) -> list[dict[str, Any]]:
    return [{"id": o.id, "category": o.category, "position": [round(float(x), 4) for x in o.position],
             "size": [round(float(x), 4) for x in o.size], "yaw_deg": round(float(o.yaw_deg), 3),
             "support": o.support} for o in scene.objects]


def _camera_params(cam: Any) -> dict[str, Any] | None:
    """The drawn camera height and field of view of a sampled perspective view (None for the
    top-down and panorama views, which are not drawn)."""
    if cam.projection != "perspective" or cam.name in ("topdown", "panorama"):
        return None
    return {"height_m": round(float(cam.position[2]), 4), "fov_y_deg": round(float(cam.fov_y_deg), 4)}


def build_scene(job: tuple[JobSpec, SceneTask]) -> dict[str, Any]:
    """Build one scene's frames (see the module doc); returns ``{"key", "frames", "written",
    "timings", "bytes"}`` or ``{"key", "error"}``."""
    spec, task = job
    try:
        return _build(spec, task)
    except Exception as exc:  # noqa: BLE001 - one bad scene must not stop the job; the rerun retries it
        log.debug("scene %s failed", task.key, exc_info=True)
        return {"key": task.key, "error": f"{type(exc).__name__}: {one_line(exc)}"}


def _build(spec: JobSpec, task: SceneTask) -> dict[str, Any]:
    from ..pipeline.generate import program_text, run_planner
    from ..render import render
    from ..render.scenegeom import base_categories
    from .annotate import frame_annotations
    from .randomize import RENDER_KEYS, Randomization, randomize_scene, sample_camera_params, sample_render_params
    from .viewpoints import ViewConfig, extra_views, sample_views
    from .writers import SceneFolder, encode_frame

    timings = {s: 0.0 for s in STAGES}
    folder = SceneFolder(Path(spec.out), task.key, durable=False)
    if folder.is_complete():
        return {"key": task.key, "frames": len(folder.frames()), "written": 0, "timings": timings, "bytes": 0}
    folder.clean_partial()

    t = time.perf_counter()
    episode, _ = run_planner(spec.planner, task.prompt, task.seed, step_metrics=False)
    base = episode.scene
    program = program_text(episode)
    timings["generate"] += time.perf_counter() - t

    t = time.perf_counter()
    cfg = Randomization.from_dict(spec.randomization)
    rng = derive_rng(task.seed, "datagen-randomize")
    scene, scene_choices = randomize_scene(base, rng, cfg, "scene")
    scene_render = sample_render_params(rng, cfg, "scene")
    scene_camera = sample_camera_params(rng, cfg, "scene")
    timings["randomize"] += time.perf_counter() - t

    t = time.perf_counter()
    view_rng = derive_rng(task.seed, "datagen-views")
    if cfg.camera == "view":
        def camera_params() -> dict[str, Any]:
            return sample_camera_params(view_rng, cfg, "view")
    else:
        def camera_params() -> dict[str, Any]:
            return dict(scene_camera)
    vcfg = ViewConfig(width=spec.width, height=spec.height, min_objects=spec.min_objects)
    probe = partial(render, backend="gl",  # probes are ground truth only: always the rasterizer
                    **{k: scene_render[k] for k in RENDER_KEYS if k in scene_render})
    cams, view_stats = sample_views(scene, view_rng, spec.views, vcfg, camera_params=camera_params, render_fn=probe)
    cams = list(cams) + list(extra_views(scene, vcfg, topdown=spec.topdown, panorama=spec.panorama))
    timings["views"] += time.perf_counter() - t

    categories = list(base_categories())
    options = {"spp": spec.spp, "seed": task.seed % 2**31} if spec.backend == "pbr" else {}
    written, nbytes, frames = 0, 0, []
    for v, cam in enumerate(cams):
        key = frame_key(task.key, v)
        frames.append(key)
        t = time.perf_counter()
        vrng = derive_rng(task.seed, "datagen-view", v)
        view_scene, view_choices = randomize_scene(scene, vrng, cfg, "view")
        params = {**scene_render, **sample_render_params(vrng, cfg, "view")}
        timings["randomize"] += time.perf_counter() - t
        if folder.frame_complete(key):
            continue
        t = time.perf_counter()
        render_opts = {k: params[k] for k in RENDER_KEYS if k in params}
        frame = render(view_scene, cam, spec.outputs, backend=spec.backend, **render_opts, **options)
        timings["render"] += time.perf_counter() - t
        t = time.perf_counter()
        ann = frame_annotations(view_scene, frame, categories=categories, render_fn=partial(render, backend="gl"))
        timings["annotate"] += time.perf_counter() - t
        t = time.perf_counter()
        files = encode_frame(frame, spec.outputs)
        timings["encode"] += time.perf_counter() - t
        t = time.perf_counter()
        meta = {
            "key": key, "scene": task.key, "view": v, "view_name": cam.name, "prompt": task.prompt,
            "room_type": task.room_type, "seed": task.seed, "width": cam.width, "height": cam.height,
            "projection": cam.projection, "camera": ann.get("camera"), "objects": ann.get("objects", []),
            "instances": [{k: e.get(k) for k in ("id", "kind", "category", "semantic")} for e in frame.instances],
            "randomization": {"render": params, "camera": _camera_params(cam),
                              **({"view": view_choices} if any(view_choices.values()) else {})},
        }
        folder.write_frame(key, files, meta)
        timings["write"] += time.perf_counter() - t
        written += 1
        nbytes += sum(len(b) for b in files.values())

    t = time.perf_counter()
    folder.write_scene({
        "key": task.key, "index": task.index, "prompt": task.prompt, "prompt_id": task.prompt_id,
        "room_type": task.room_type, "seed": task.seed, "program": program, "frames": frames,
        "objects": _scene_summary(scene), "randomization": {"config": cfg.to_dict(), "scene": scene_choices,
                                                            "render": scene_render, "camera": scene_camera},
        "views": view_stats,
    })
    timings["write"] += time.perf_counter() - t
    return {"key": task.key, "frames": len(frames), "written": written, "bytes": nbytes,
            "timings": {k: round(v, 4) for k, v in timings.items()}}


__all__ = ["STAGES", "build_scene"]
