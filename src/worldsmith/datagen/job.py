"""Run a datagen job: check the output folder, build the missing scenes on an executor, finalise.

``DIR`` after a run (see docs/datagen.md)::

    job.json                 the job's content settings (a rerun must match them)
    scenes/s000012/          one folder per scene: scene.json (last) + every frame's files and json
    annotations/coco.json    COCO instance segmentation over every frame (one shared category table)
    shards/shard-000000.tar  WebDataset shards (unless --shard-size 0)
    manifest.json            every sample, its files, sizes and SHA-256 checksums; the shards
    README.md, card/         the dataset card and its sample grid
    logs/timings.jsonl       per-scene timings of the runs (not part of the dataset)
    logs/failures.jsonl      scenes that failed in the last run (retried by a rerun)

**Resume.** A scene is done when its ``scene.json`` exists; a frame when its json does (written
after its files). Rerunning the same command skips done scenes and, inside an unfinished scene,
done frames: a killed run loses at most the frames in flight and duplicates nothing. The
derived files (COCO, shards, manifest, card) are rebuilt from the scene folders at the end of
every run, deterministically, so a resumed dataset is byte-identical to an uninterrupted one.
"""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from typing import Any, Callable

from ..scene.files import atomic_write_bytes
from .errors import DatagenError
from .spec import LAYOUT_VERSION, JobSpec, check_same_job

log = logging.getLogger(__name__)

JOB_FILE = "job.json"
#: progress callback: (scenes done, scenes total, frames done, frames total)
Progress = Callable[[int, int, int, int], None]


def _json_bytes(obj: Any) -> bytes:
    return (json.dumps(obj, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def prepare_out(spec: JobSpec) -> bool:
    """Create ``spec.out`` with its ``job.json``, or check an existing one is this job's; returns
    whether it already held the job (a resume)."""
    out = spec.out_dir
    if out.exists() and not out.is_dir():
        raise DatagenError(f"--out {out} is a file, not a folder")
    job_file = out / JOB_FILE
    if job_file.is_file():
        try:
            recorded = json.loads(job_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise DatagenError(f"{job_file} is not readable JSON ({exc}); use a new --out") from None
        if not isinstance(recorded, dict) or recorded.get("layout_version") != LAYOUT_VERSION:
            raise DatagenError(f"{out} holds a dataset of another layout version; use a new --out")
        check_same_job(recorded, spec, out)
        return True
    if out.is_dir() and any(p for p in out.iterdir() if not p.name.startswith(".")):
        raise DatagenError(f"--out {out} is a non-empty folder that is not a datagen dataset; use a new or empty folder")
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(job_file, _json_bytes(spec.content()))
    return False


def _append_jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    if not records:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, sort_keys=True) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def run_datagen(spec: JobSpec, progress: Progress | None = None) -> dict[str, Any]:
    """Build the dataset of ``spec`` (see the module doc); returns a summary: ``scenes``,
    ``frames``, ``built`` (scenes built in this run), ``failed`` (``[{key, error}]``), ``seconds``,
    ``frames_per_s`` (frames written in this run per second of wall time) and ``timings`` (summed
    per stage over the scenes built in this run)."""
    from ..pipeline.executors import make_executor
    from .finalize import finalize
    from .worker import STAGES, build_scene
    from .writers import SceneFolder

    resumed = prepare_out(spec)
    out = spec.out_dir
    tasks = spec.tasks()
    per_scene = spec.frames_per_scene
    done_keys = {t.key for t in tasks if SceneFolder(out, t.key).is_complete()}
    pending = [t for t in tasks if t.key not in done_keys]
    total_frames = len(tasks) * per_scene
    frames_done = sum(len(SceneFolder(out, k).frames()) for k in done_keys)
    if resumed:
        log.info("resuming %s: %d of %d scenes done", out, len(done_keys), len(tasks))
    if progress:
        progress(len(done_keys), len(tasks), frames_done, total_frames)

    t0 = time.perf_counter()
    failed: list[dict[str, Any]] = []
    timings = {s: 0.0 for s in STAGES}
    written = 0
    nbytes = 0
    built = 0
    if pending:
        executor = make_executor(spec.executor, spec.workers, address=spec.address)
        try:
            for _, res in executor.imap(build_scene, [(spec, t) for t in pending]):
                if "error" in res:
                    failed.append({"key": res["key"], "error": res["error"]})
                    log.warning("scene %s failed: %s", res["key"], res["error"])
                    total_frames -= per_scene
                else:
                    built += 1
                    written += res["written"]
                    nbytes += res["bytes"]
                    for s in STAGES:
                        timings[s] += res["timings"].get(s, 0.0)
                    frames_done += res["frames"]
                    done_keys.add(res["key"])
                    _append_jsonl(out / "logs" / "timings.jsonl", [{"key": res["key"], "frames": res["written"],
                                                                  "bytes": res["bytes"], **res["timings"]}])
                if progress:
                    progress(len(done_keys) + len(failed), len(tasks), frames_done, total_frames)
        finally:
            executor.close()
    seconds = time.perf_counter() - t0
    failures = out / "logs" / "failures.jsonl"
    if failed:
        failures.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(failures, "".join(json.dumps(f, sort_keys=True) + "\n" for f in failed).encode())
    elif failures.exists():
        failures.unlink()
    summary = finalize(spec)
    summary.update({
        "built": built, "failed": failed, "seconds": round(seconds, 3), "frames_written": written,
        "bytes_written": nbytes, "frames_per_s": round(written / seconds, 3) if seconds > 0 and written else None,
        "timings": {k: round(v, 3) for k, v in timings.items()}, "resumed": resumed,
    })
    return summary


__all__ = ["JOB_FILE", "prepare_out", "run_datagen"]
