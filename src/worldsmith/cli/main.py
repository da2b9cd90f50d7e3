"""``worldsmith`` command line.

Exit codes: 0 ok; 1 the result fails validation; 2 bad input (a one-line error, no traceback).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from ..scene import WorldsmithError
from .assets import assets_app
from .errors import err, handles_errors, read_text
from .evaluate import eval_cmd, import_cmd
from .datagen import datagen_cmd
from .improve import improve_cmd
from .library import library_app
from .render import render_cmd

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Worldsmith: text prompt -> simulation-ready 3D indoor scenes.")
app.add_typer(assets_app, name="assets")
app.add_typer(library_app, name="library")
out = Console(highlight=False, soft_wrap=True)

ENV_DEFAULTS = {"PYOPENGL_PLATFORM": "egl", "MUJOCO_GL": "egl", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}




@app.callback()
def _main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress details.")) -> None:
    for key, value in ENV_DEFAULTS.items():
        os.environ.setdefault(key, value)
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


@app.command("exec")
@handles_errors
def exec_cmd(
    program: Path = typer.Argument(..., help="A DSL program file (Python syntax)."),
    out_dir: Path = typer.Option(..., "--out", "-o", help="Output folder (created; an earlier output is replaced)."),
    seed: int = typer.Option(0, "--seed", min=0, help="Seed for sampled asset shapes."),
    prompt: Optional[str] = typer.Option(
        None, "--prompt", help="Text recorded as the scene's prompt (default: the program's first comment line)."),
    start: Optional[Path] = typer.Option(None, "--scene", help="A scene.json to edit (default: an empty scene)."),
) -> None:
    """Run a DSL program from an empty scene (or on --scene); write scene.json, scene.glb, program.py,
    report.json, plan.png."""
    from ..pipeline.exec_program import exec_program
    from ..scene import loads

    text = read_text(program, "program")
    base = loads(read_text(start, "scene").encode("utf-8")) if start is not None else None
    if prompt is None:
        prompt = _leading_comment(text) if base is None else ""
    with err.status("running program") as status:
        outcome = exec_program(text, out_dir, seed=seed, prompt=prompt, start=base,
                               progress=lambda stage: status.update(f"{stage}..."))
    _print_summary(outcome.report, outcome.out_dir)
    if not outcome.ok:
        raise typer.Exit(1)


def _leading_comment(text: str) -> str:
    """The text of a program's first line when it is a comment ("# A calm bedroom: ..."), else ""."""
    first = text.lstrip("\ufeff").splitlines()[0].strip() if text.strip() else ""
    return first[1:].strip() if first.startswith("#") else ""


def _print_summary(report: dict, out_dir: Path) -> None:
    from ..metrics.validate import PROBLEM_KEYS

    metrics = report["metrics"]
    n = len(report["objects"])
    fallbacks = [o["id"] for o in report["objects"] if o["fallback"]]
    total = sum(report["timings_s"].values())
    out.print(f"[bold]{n}[/] objects, {len(report['counts'])} categories in {total:.2f} s -> [bold]{out_dir}[/]")
    if fallbacks:
        out.print(f"fallback boxes (no mesh available): {', '.join(fallbacks)}")
    for sub in report.get("substitutions", []):
        out.print(f"[yellow]substituted[/] {sub['object']}: {sub['note']}")
    problems = {k: v for k, v in metrics.items() if k in PROBLEM_KEYS and v}
    if problems:
        for key, items in problems.items():
            out.print(f"[yellow]{key}[/]: {len(items)}")
    else:
        out.print("[green]validation passed[/]: no collisions, nothing out of bounds, openings clear, all supported")
    for nav in metrics.get("navigability", []):
        out.print(f"navigable: {nav['ratio']:.1%} of the free floor of {nav['room']} is one connected area")
    files = sorted(p.name for p in out_dir.iterdir() if p.is_file())
    out.print(f"files: {' '.join(files)} in {out_dir}")


@app.command("generate")
@handles_errors
def generate_cmd(
    prompt: Optional[str] = typer.Argument(None, help="What to build, e.g. \"a cozy bedroom with a double bed\"."),
    out_dir: Path = typer.Option(..., "--out", "-o", help="Output folder (one room), or the batch's parent folder."),
    seed: int = typer.Option(0, "--seed", min=0, help="Seed: the same prompt and seed give the same scene."),
    planner: str = typer.Option("offline", "--planner", help="Policy that writes the programs (offline: no network)."),
    temperature: float = typer.Option(1.0, "--temperature", min=0.0, max=3.0,
                                      help="How adventurous the sampled design is (0: most typical)."),
    prompts: Optional[Path] = typer.Option(None, "--prompts", help="A JSONL file of {\"id\", \"prompt\"} records: "
                                           "generate each into OUT/<id>."),
    seeds: int = typer.Option(1, "--seeds", min=1, max=100, help="Batch: seeds 0..N-1 per prompt (folders <id>_s<seed>)."),
    renders: bool = typer.Option(True, "--renders/--no-renders", help="Write renders/: a top-down view with a "
                                 "labelled overlay, four corner views and a dollhouse view, plus cameras.json."),
    quality: str = typer.Option("fast", "--quality", help="Renders: fast (gl rasterizer) or pbr (path tracer)."),
    render_outputs: str = typer.Option("rgb", "--render-outputs", help="Renders: comma-separated outputs (rgb, "
                                       "depth, instance, semantic, normal, albedo)."),
    render_size: str = typer.Option("640x480", "--render-size", help="Renders: WIDTHxHEIGHT of the perspective "
                                    "views (the top-down view keeps the width)."),
    model: Optional[str] = typer.Option(None, "--model", envvar="WORLDSMITH_MODEL", rich_help_panel="VLM planner",
                                        help="Model name the endpoint serves (vlm planners)."),
    base_url: Optional[str] = typer.Option(None, "--base-url", envvar="WORLDSMITH_BASE_URL",
                                           rich_help_panel="VLM planner", help="OpenAI-compatible endpoint, e.g. "
                                           "http://127.0.0.1:8000/v1 (key from WORLDSMITH_API_KEY or OPENAI_API_KEY)."),
    max_steps: Optional[int] = typer.Option(None, "--max-steps", min=1, max=500, rich_help_panel="VLM planner",
                                            help="Policy steps at most (default: 8 for vlm planners, 60 offline)."),
    patience: int = typer.Option(3, "--patience", min=1, max=100, rich_help_panel="VLM planner",
                                 help="Stop after this many steps in a row without a better reward."),
    views: str = typer.Option("topdown,perspective", "--views", rich_help_panel="VLM planner",
                              help="Observation renders the model sees: topdown, perspective, corner, orbit "
                              "(comma-separated), or none."),
    view_size: str = typer.Option("640x480", "--view-size", rich_help_panel="VLM planner",
                                  help="WIDTHxHEIGHT of the observation renders."),
    library: Optional[Path] = typer.Option(None, "--library", rich_help_panel="VLM planner",
                                           help="In-context library (JSONL of high-scoring prompt/program pairs)."),
    asset_policy: str = typer.Option("vlm", "--asset-policy", rich_help_panel="VLM planner",
                                     help="Small objects on containers: vlm (the model chooses and points), offline "
                                     "(the offline rules, same code path), off."),
    vlm_temperature: float = typer.Option(0.2, "--vlm-temperature", min=0.0, max=2.0, rich_help_panel="VLM planner",
                                          help="Sampling temperature of the model."),
    timeout: float = typer.Option(120.0, "--timeout", min=0.1, rich_help_panel="VLM planner",
                                  help="Seconds per request before it is retried."),
    retries: int = typer.Option(4, "--retries", min=0, max=20, rich_help_panel="VLM planner",
                                help="Retries (with backoff) on 429, 5xx, timeouts and connection errors."),
    concurrency: int = typer.Option(4, "--concurrency", min=1, max=256, rich_help_panel="VLM planner",
                                    help="Requests in flight at most."),
    max_tokens: int = typer.Option(2048, "--max-tokens", min=16, rich_help_panel="VLM planner",
                                   help="Reply length limit in tokens."),
    price_in: float = typer.Option(0.0, "--price-in", min=0.0, rich_help_panel="VLM planner",
                                   help="US dollars per million prompt tokens (cost accounting)."),
    price_out: float = typer.Option(0.0, "--price-out", min=0.0, rich_help_panel="VLM planner",
                                    help="US dollars per million completion tokens."),
) -> None:
    """Build a furnished, lit room from a text prompt: scene.json, scene.glb, plan.png, program.py,
    trajectory.jsonl, renders/ and report.json (with prompt fidelity). --planner vlm (or offline+vlm)
    lets a vision-language model behind any OpenAI-compatible endpoint write the programs."""
    from ..pipeline.generate import VLM_PLANNERS, check_planner, check_render_options, generate

    render_options = {"renders": renders, "quality": quality.strip().lower(), "render_outputs": render_outputs,
                      "render_size": _parse_size(render_size)}
    if renders:
        check_render_options(render_options["quality"], render_outputs, render_options["render_size"])
    planner = planner.strip().lower()
    if planner in VLM_PLANNERS:
        from ..policy.vlm.client import ClientConfig
        from ..policy.vlm.policy import VLMSettings

        if not base_url or not model:
            raise WorldsmithError(f"--planner {planner} needs --base-url URL and --model NAME "
                                  "(or WORLDSMITH_BASE_URL and WORLDSMITH_MODEL)")
        if asset_policy not in ("vlm", "offline", "off"):
            raise WorldsmithError(f"--asset-policy must be vlm, offline or off, got {asset_policy!r}")
        if library is not None and library.exists() and not library.is_file():
            raise WorldsmithError(f"--library {library} is not a file")
        client = ClientConfig(base_url=base_url, model=model, timeout_s=timeout, max_retries=retries,
                              max_concurrency=concurrency, temperature=vlm_temperature, max_tokens=max_tokens,
                              price_in_per_mtok=price_in, price_out_per_mtok=price_out)
        vlm = VLMSettings(client, library=str(library) if library else None, asset_policy=asset_policy)
        view_list = [] if views.strip().lower() == "none" else [v.strip() for v in views.split(",") if v.strip()]
        render_options.update(vlm=vlm, patience=patience, views=tuple(view_list),
                              view_size=_parse_size(view_size, "--view-size"))
    check_planner(planner, render_options.get("vlm"))
    if max_steps is not None:
        render_options["max_steps"] = max_steps
    if prompts is not None:
        if prompt is not None:
            raise WorldsmithError("give a PROMPT or --prompts FILE, not both")
        _generate_batch(prompts, out_dir, range(seed, seed + seeds), planner, temperature, render_options)
        return
    if prompt is None:
        raise WorldsmithError('give a PROMPT (e.g. worldsmith generate "a small kitchen" --out out/k) or --prompts FILE')
    with err.status("planning") as status:
        outcome = generate(prompt, out_dir, seed=seed, planner=planner, temperature=temperature,
                           progress=lambda stage: status.update(f"{stage}..."), **render_options)
    _print_summary(outcome.report, outcome.out_dir)
    if "vlm" in outcome.report:
        v = outcome.report["vlm"]
        u = v.get("usage") or {}
        out.print(f"vlm {v['model']}: {outcome.report['steps']} steps ({v['rolled_back']} rolled back), stopped: "
                  f"{v['stop_reason']}; {u.get('requests', 0)} requests, {u.get('prompt_tokens', 0)} prompt + "
                  f"{u.get('completion_tokens', 0)} completion tokens, ${u.get('cost_usd', 0.0):.4f}")
    _print_renders(outcome.report.get("renders", {}), outcome.out_dir)
    fid = outcome.report["prompt_fidelity"]
    rel = outcome.report["relations"]
    out.print(f"prompt fidelity: {fid['satisfied']}/{fid['total']} requirements; "
              f"relations kept: {rel['satisfied']}/{rel['checked']}")
    for row in fid["requirements"]:
        if not row["satisfied"]:
            out.print(f"[yellow]unmet[/] {row['kind']} {row['key']}: {row['detail']}")
    for note in outcome.report["explanations"]:
        what = note.get("item") or note.get("object") or note.get("category") or note.get("stage") or "an item"
        out.print(f"[yellow]{note.get('action')}[/] {what}: {note.get('reason')}")
    if not outcome.ok:
        raise typer.Exit(1)


def _parse_size(text: str, flag: str = "--render-size") -> tuple[int, int]:
    parts = text.strip().lower().split("x")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise WorldsmithError(f"{flag} must be WIDTHxHEIGHT in pixels, e.g. 640x480; got {text!r}")
    w, h = (int(p) for p in parts)
    if not (1 <= w <= 8192 and 1 <= h <= 8192):
        raise WorldsmithError(f"{flag} must be 1..8192 pixels a side, got {w}x{h}")
    return w, h


def _print_renders(record: dict, out_dir: Path) -> None:
    if record.get("error"):
        out.print(f"[yellow]renders skipped[/]: {record['error']} (the scene and its other outputs are written)")
    elif record.get("views"):
        t = record.get("timings_s", {}).get("total", 0.0)
        out.print(f"renders: {len(record['views'])} views ({record.get('backend')}) in {t:.2f} s -> "
                  f"{out_dir / record.get('folder', 'renders')}")


def _generate_batch(prompts: Path, out_dir: Path, seeds, planner: str, temperature: float,
                    render_options: dict) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from ..pipeline.generate import generate_batch, read_prompts

    total = len(read_prompts(prompts)) * len(seeds)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err) as bar:
        task = bar.add_task("generating", total=total)
        rows = generate_batch(prompts, out_dir, seeds=list(seeds), planner=planner, temperature=temperature,
                              on_done=lambda row: bar.update(task, advance=1, description=row["folder"]),
                              **render_options)
    table = Table(title=f"{len(rows)} scenes in {out_dir}")
    for col in ("folder", "seconds", "objects", "categories", "problems", "fidelity", "relations", "navigability",
                "renders"):
        table.add_column(col, justify="left" if col == "folder" else "right")
    for r in rows:
        table.add_row(r["folder"], f"{r['seconds']:.2f}", str(r["objects"]), str(r["categories"]), str(r["problems"]),
                      f"{r['fidelity']:.2f}", f"{r['relations']:.2f}", f"{r['navigability']:.3f}", str(r["renders"]))
    out.print(table)
    if any(r["problems"] for r in rows):
        raise typer.Exit(1)


@app.command("validate")
@handles_errors
def validate_cmd(
    scene_path: Path = typer.Argument(..., help="A scene.json file."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Check a scene for collisions, out-of-bounds objects, blocked openings and unsupported objects."""
    from ..metrics import validate
    from ..scene import loads

    scene = loads(read_text(scene_path, "scene").encode("utf-8"))
    report = validate(scene)
    if as_json:
        sys.stdout.write(json.dumps({"ok": report.ok, **report.to_dict()}, indent=2) + "\n")
    else:
        for line in report.summary_lines():
            out.print(line)
    if not report.ok:
        raise typer.Exit(1)


@app.command("export")
@handles_errors
def export_cmd(
    scene_path: Path = typer.Argument(..., help="A scene.json file."),
    fmt: str = typer.Option("glb", "--format", "-f", help="Output format: glb, usd (.usda/.usdc/.usdz), mjcf "
                            "(MuJoCo XML), sceneeval (SceneEval scene state + per-object GLBs) or generalist "
                            "(3D-Generalist scene.json)."),
    path: Path = typer.Option(..., "--out", "-o", help="Output file (sidecar folders, if any, are named after it)."),
    texture_size: int = typer.Option(512, "--texture-size", help="Edge of embedded texture maps in pixels "
                                     "(glb, usd, sceneeval; 0 = plain colours, no textures)."),
    cameras: Optional[Path] = typer.Option(None, "--cameras", help="usd, mjcf: a cameras.json whose views become "
                                           "cameras (default: renders/cameras.json beside the scene, if any)."),
) -> None:
    """Export a scene to another format."""
    from ..export import get_exporter
    from ..scene import loads

    key = fmt.strip().lower().lstrip(".")
    get_exporter(key)  # an unknown format or a missing extra fails before any work
    if texture_size != 0 and not 4 <= texture_size <= 4096:
        raise WorldsmithError(f"--texture-size must be 0 or between 4 and 4096, got {texture_size}")
    if path.is_dir():
        raise WorldsmithError(f"output path {path} is a folder; give a file name")
    if path.parent != Path("") and path.parent.exists() and not path.parent.is_dir():
        raise WorldsmithError(f"{path.parent} is a file, so {path} cannot be created")
    if key == "usd" and path.suffix.lower() not in (".usd", ".usda", ".usdc", ".usdz"):
        raise WorldsmithError(f"a USD file name ends in .usda, .usdc, .usd or .usdz; got {path.name!r}")
    scene = loads(read_text(scene_path, "scene").encode("utf-8"))
    options: dict = {}
    if key in ("glb", "usd", "sceneeval"):
        options["texture_px"] = texture_size
    if key in ("usd", "mjcf"):
        options["cameras"] = _camera_records(cameras if cameras is not None else
                                             scene_path.parent / "renders" / "cameras.json", cameras is not None)
    written = _export_atomic(scene, key, path, options)
    out.print(f"wrote {' '.join(str(p) for p in written)}")


def _camera_records(path: Path, required: bool) -> list[dict] | None:
    """The camera records of a cameras.json (each named by its frame stem, which is unique)."""
    if not path.is_file():
        if required:
            raise WorldsmithError(f"cameras file {path} does not exist" if not path.exists() else f"{path} is not a file")
        return None
    try:
        doc = json.loads(read_text(path, "cameras file"))
        cams = doc["cameras"]
        return [{**c, "name": str(c.get("frame") or c["name"])} for c in cams]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise WorldsmithError(f"{path} is not a cameras.json written by worldsmith ({type(exc).__name__}: {exc})") \
            from None


def _export_atomic(scene, fmt: str, path: Path, options: dict) -> list[Path]:
    """Export into a temporary folder beside ``path``, then move the file and any sidecar folders
    it wrote into place, so a failure leaves nothing half-written."""
    import shutil
    import tempfile

    from ..export import export_scene

    parent = path.parent if str(path.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-", dir=parent))
    try:
        export_scene(scene, fmt, tmp / path.name, **options)
        written = []
        # sidecar folders first, the file that refers to them last
        for entry in sorted(tmp.iterdir(), key=lambda p: (p.name == path.name, p.name)):
            target = parent / entry.name
            if target.is_dir() and entry.is_dir():
                shutil.rmtree(target)
            os.replace(entry, target)
            written.append(target)
        return written
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


app.command("eval")(eval_cmd)  # defined in cli/evaluate.py
app.command("import")(import_cmd)
app.command("render")(render_cmd)  # defined in cli/render.py; listed after the commands above
app.command("improve")(improve_cmd)  # defined in cli/improve.py
app.command("datagen")(datagen_cmd)  # defined in cli/datagen.py


def main() -> None:
    app()


if __name__ == "__main__":
    main()
