"""``worldsmith eval``: the evaluation suite (see :mod:`worldsmith.pipeline.evaluate`)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from .errors import err, handles_errors

out = Console(highlight=False, soft_wrap=True)

SUMMARY_ROWS = ("fidelity", "expect", "plausible", "navigability", "door_share", "accessibility", "stability",
                "placement_rate", "objects", "categories", "clip", "seconds")


@handles_errors
def eval_cmd(
    prompts: Path = typer.Option(..., "--prompts", help="A JSONL prompt suite: {\"id\", \"prompt\", \"expect\"?} "
                                 "per line (../shared/prompts/README.md)."),
    out_dir: Path = typer.Option(..., "--out", "-o", help="Output folder: results.jsonl, summary.json, report.md, "
                                 "plots/ and scenes/ (created; an earlier evaluation there is replaced)."),
    seeds: int = typer.Option(3, "--seeds", min=1, max=100, help="Seeds 0..N-1 per prompt."),
    planner: str = typer.Option("offline", "--planner", help="Policy that writes the programs (offline: no network)."),
    temperature: float = typer.Option(1.0, "--temperature", min=0.0, max=3.0, help="Planner temperature."),
    scenes: Optional[Path] = typer.Option(None, "--scenes", help="Evaluate scenes generated earlier: "
                                          "DIR/<id>_s<seed>/scene.json (as `generate --prompts --seeds` writes)."),
    clip_model: Optional[Path] = typer.Option(None, "--clip-model", help="A local CLIP checkpoint folder "
                                              "(transformers format) for the CLIP score; off without it."),
    stability: bool = typer.Option(True, "--stability/--no-stability", help="Settle each scene in MuJoCo for 2 s."),
    renders: bool = typer.Option(False, "--renders/--no-renders", help="Generated scenes also get renders/."),
) -> None:
    """Generate (or read) scenes for a prompt suite and measure plausibility, navigability, stability,
    prompt fidelity, richness and diversity; write a report with tables and plots."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from ..pipeline.evaluate import ROW_METRICS, _fmt_stat, check_eval_inputs, evaluate

    records, _ = check_eval_inputs(prompts, out_dir, seeds, planner, temperature, scenes, clip_model)
    total = len(records) * seeds
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err) as bar:
        task = bar.add_task("evaluating", total=total)
        outcome = evaluate(prompts, out_dir, seeds=seeds, planner=planner, temperature=temperature,
                           scenes_dir=scenes, clip_model=clip_model, stability=stability, renders=renders,
                           on_start=lambda name: bar.update(task, description=name),
                           on_done=lambda row: bar.update(task, advance=1))
    summary = outcome.summary
    kinds = {k: (label, kind) for k, label, kind in ROW_METRICS}
    table = Table(title=f"{summary['scenes']} scenes ({summary['prompts']} prompts x {seeds} seeds)")
    table.add_column("metric")
    table.add_column("mean [95 % CI]", justify="right")
    for key in SUMMARY_ROWS:
        label, kind = kinds[key]
        table.add_row(label, _fmt_stat(summary["aggregate"][key], kind))
    table.add_row("layout diversity across seeds (m)", _fmt_stat(summary["aggregate"]["diversity_m"], "value"))
    out.print(table)
    clip = summary["clip"]
    if not clip.get("enabled"):
        out.print(f"CLIP score off: {clip.get('reason')}")
    out.print(f"wrote {outcome.out_dir / 'report.md'} (and results.jsonl, summary.json, plots/)")


@handles_errors
def import_cmd(
    path: Path = typer.Argument(..., help="The file to import."),
    fmt: str = typer.Option(..., "--format", "-f", help="generalist (3D-Generalist scene.json) or glb."),
    out_dir: Path = typer.Option(..., "--out", "-o", help="Output folder (created; an earlier output is replaced)."),
) -> None:
    """Build a scene from another format and write the files `worldsmith exec` writes (scene.json,
    scene.glb, plan.png, program.py, report.json); edit it with `worldsmith exec PROGRAM --scene`."""
    from ..pipeline.exec_program import import_scene

    with err.status("importing"):
        outcome = import_scene(path, fmt, out_dir)
    counts = outcome.report["counts"]
    out.print(f"imported {len(outcome.scene.objects)} objects ({len(counts)} categories), "
              f"{len(outcome.scene.rooms)} rooms, {len(outcome.scene.lights)} lights -> {outcome.out_dir}")
    problems = {k: len(v) for k, v in outcome.report["metrics"].items() if isinstance(v, list) and v}
    if problems:
        out.print("[yellow]validation[/]: " + ", ".join(f"{k} {n}" for k, n in sorted(problems.items())))
