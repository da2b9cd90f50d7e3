"""``worldsmith datagen``: annotated synthetic frames at scale (:mod:`worldsmith.datagen`).

Exit codes: 0 done (every scene built), 1 some scenes failed (the rest is written; rerun the same
command to retry them), 2 bad input (one line, nothing written). Rerunning the same command with
the same ``--out`` fills only the gaps.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from .errors import err, handles_errors

out = Console(highlight=False, soft_wrap=True)


@handles_errors
def datagen_cmd(
    out_dir: Path = typer.Option(..., "--out", "-o", help="Dataset folder (created; rerun the same command to resume)."),
    prompts: Optional[Path] = typer.Option(None, "--prompts", help="Prompt file (JSONL {id, prompt} or one prompt a "
                                           "line); scene i uses prompt i mod count."),
    room_types: Optional[str] = typer.Option(None, "--room-types", help="Comma-separated room types (bedroom,kitchen,"
                                             "...); scene i is 'a <style> <room type i mod count>'."),
    scenes: int = typer.Option(10, "--scenes", "-n", help="Scenes to generate."),
    views: int = typer.Option(10, "--views", "-v", help="Sampled camera views per scene."),
    backend: str = typer.Option("gl", "--backend", help="Renderer: gl (fast rasterizer, exact labels) or pbr "
                                "(path tracer)."),
    width: int = typer.Option(640, "--width", help="Image width in pixels."),
    height: int = typer.Option(480, "--height", help="Image height in pixels."),
    outputs: str = typer.Option("rgb,depth,instance,semantic", "--outputs",
                                help="Per-frame images: rgb, depth, instance, semantic, normal."),
    randomize: str = typer.Option("all", "--randomize", help="Domain randomization: all, none, or switches "
                                  "name=off|scene|view joined by ',' (materials, lights, clutter, swaps, time_of_day, "
                                  "camera); see docs/datagen.md."),
    topdown: bool = typer.Option(False, "--topdown", help="Add a top-down view to every scene."),
    panorama: bool = typer.Option(False, "--panorama", help="Add an equirectangular panorama to every scene."),
    min_objects: int = typer.Option(3, "--min-objects", help="Reject views showing fewer objects than this."),
    shard_size: int = typer.Option(1000, "--shard-size", help="Samples per WebDataset shard (0: no shards)."),
    spp: int = typer.Option(32, "--spp", help="Samples per pixel (--backend pbr)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the whole dataset (scene seeds derive from it)."),
    executor: str = typer.Option("local", "--executor", help="local (a process pool) or ray."),
    address: Optional[str] = typer.Option(None, "--address", help="--executor ray: cluster address ('auto', "
                                          "'host:port', 'ray://host:port'); default: a local Ray."),
    workers: Optional[int] = typer.Option(None, "--workers", "-j", help="Worker processes (local), or the CPUs of the "
                                          "local Ray (ray without --address; a cluster runs as many tasks as it has "
                                          "CPUs). Default: this machine's CPU count (1 with --address)."),
) -> None:
    """Generate scenes, randomize them, sample camera views and write annotated frames (RGB, depth,
    instance and semantic masks, COCO, 3D boxes) with a dataset card."""
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)

    from ..datagen.errors import DatagenError
    from ..datagen.job import run_datagen
    from ..datagen.randomize import Randomization
    from ..datagen.spec import JobSpec, parse_list
    from ..pipeline.generate import read_prompts

    if prompts is not None and room_types:
        raise DatagenError("give --prompts FILE or --room-types a,b,..., not both")
    records = tuple(read_prompts(prompts)) if prompts is not None else ()
    if workers is None:
        import os

        workers = 1 if address else max(1, os.cpu_count() or 1)
    spec = JobSpec(
        out=str(out_dir), prompts=records, room_types=parse_list(room_types), scenes=scenes, views=views,
        backend=backend, width=width, height=height, outputs=parse_list(outputs),
        randomization=Randomization.parse(randomize).to_dict(), seed=seed, topdown=topdown, panorama=panorama,
        shard_size=shard_size, min_objects=min_objects, spp=spp, executor=executor, address=address,
        workers=workers, command=" ".join(shlex.quote(a) for a in ["worldsmith", *sys.argv[1:]]),
    )
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("frames"),
                  TextColumn("{task.fields[scenes]}"), TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                  TextColumn("ETA"), TimeRemainingColumn(), console=err, transient=False) as bar:
        task = bar.add_task("datagen", total=None, scenes="", rate="")
        start: list[float] = []

        def progress(scenes_done: int, scenes_total: int, frames_done: int, frames_total: int) -> None:
            import time

            now = time.perf_counter()
            if not start:
                start.extend([now, float(frames_done)])
            elapsed = now - start[0]
            rate = (frames_done - start[1]) / elapsed if elapsed > 0 and frames_done > start[1] else None
            bar.update(task, completed=frames_done, total=frames_total, scenes=f"scenes {scenes_done}/{scenes_total}",
                       rate=f"{rate:.2f} frames/s" if rate else "")

        summary = run_datagen(spec, progress)
    rate = f", {summary['frames_per_s']} frames/s" if summary.get("frames_per_s") else ""
    out.print(f"{summary['frames']} frames of {summary['scenes']} scenes ({summary['annotations']} object "
              f"annotations, {summary['shards']} shards) in {out_dir}{rate}")
    out.print(f"card: {out_dir / 'README.md'}")
    if summary["failed"]:
        for f in summary["failed"]:
            err.print(f"scene {f['key']} failed: {f['error']}", markup=False)
        err.print(f"{len(summary['failed'])} scenes failed; rerun the same command to retry them", markup=False)
        raise typer.Exit(1)
