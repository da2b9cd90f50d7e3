"""``worldsmith generate``: prompt -> policy episode -> the standard outputs, one room or a batch.

Outputs (one folder, written atomically; ``report.json`` last):

- everything ``worldsmith exec`` writes: ``scene.json``, ``scene.glb``, ``program.py`` (the
  successful steps' programs in order: ``worldsmith exec program.py --seed N`` rebuilds the same
  scene), ``plan.png``, ``report.json``;
- ``trajectory.jsonl``: one record per policy step (see :mod:`worldsmith.pipeline.episode`);
- ``renders/`` (unless ``renders=False``): a top-down view (``topdown_rgb.png`` plus the labelled
  ``topdown_overlay.png``), four corner views and one dollhouse (orbit) view, with
  ``cameras.json`` (see :mod:`worldsmith.render.output` for every file). ``quality="fast"`` uses
  the ``gl`` rasterizer, ``quality="pbr"`` the path tracer. A render failure (no OpenGL/EGL
  driver, a missing extra) never loses the scene: it is logged as a warning and recorded in
  ``report.json`` as ``renders: {"error": ...}``;
- ``report.json`` adds ``prompt_fidelity`` (every requirement the policy extracted from the prompt,
  satisfied or not), ``relations`` (every placement relation and whether the final scene keeps
  it, with the share), ``navigability``, ``richness``, the policy's ``explanations`` (omitted,
  shrunk or swapped objects, and why), the objects the solver could not place and ``renders``
  (the views and files written, with timings; ``{"skipped": true}`` or ``{"error": ...}``).

A batch (``generate_batch``) reads a JSONL file of ``{"id", "prompt"}`` records and writes one
such folder per prompt and seed under the output folder, plus ``summary.json``.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from ..scene import Scene, WorldsmithError, dumps
from ..scene.errors import one_line
from ..scene.files import jsonl_records
from .episode import DEFAULT_MAX_STEPS, Episode, run_episode
from .exec_program import build_report
from .outputs import atomic_output_dir, check_output_dir

log = logging.getLogger(__name__)

#: policy name -> "module:attribute" of a factory taking (temperature=...) keyword arguments
PLANNERS = {"offline": "worldsmith.policy.offline.planner:OfflinePlanner"}
#: planners that need a model endpoint (``vlm=`` settings): the VLM builds from an empty room, or
#: refines what the offline planner built
VLM_PLANNERS = ("vlm", "offline+vlm")
#: the VLM loop's defaults: step budget, and steps in a row without a better reward before it stops
VLM_MAX_STEPS = 8
VLM_PATIENCE = 3
#: render quality -> render backend
QUALITIES = {"fast": "gl", "pbr": "pbr"}
#: image size of the perspective renders (the top-down view keeps this width)
RENDER_SIZE = (640, 480)
#: samples per pixel of ``quality="pbr"`` renders
PBR_SPP = 64
#: how many views of each preset ``renders/`` gets: a top-down, four corners, one dollhouse
RENDER_VIEWS = (("topdown", 1), ("corners", 4), ("orbit", 1))


class GenerateError(WorldsmithError):
    """Bad input to generate (unknown planner, unreadable prompt file ...)."""


@dataclass
class GenerateOutcome:
    out_dir: Path
    scene: Scene
    report: dict

    @property
    def ok(self) -> bool:
        m = self.report["metrics"]
        from ..metrics.validate import PROBLEM_KEYS

        return not any(m[k] for k in PROBLEM_KEYS)


def planner_names() -> list[str]:
    return sorted(PLANNERS) + list(VLM_PLANNERS)


def make_policy(planner: str, temperature: float = 1.0):
    """The offline policy registered as ``planner``; a clear error naming the choices otherwise."""
    if planner not in PLANNERS:
        raise GenerateError(f"unknown planner {planner!r}; choose one of: {', '.join(planner_names())}")
    import importlib

    module, attr = PLANNERS[planner].split(":")
    return getattr(importlib.import_module(module), attr)(temperature=temperature)


def check_planner(planner: str, vlm: Any = None) -> None:
    """Refuse an unknown planner, or a VLM planner without its settings, before any work."""
    if planner in VLM_PLANNERS:
        if vlm is None:  # the settings' ClientConfig checked the URL, model and timeouts when it was made
            raise GenerateError(f"--planner {planner} needs a model endpoint: --base-url URL and --model NAME")
    elif planner not in PLANNERS:
        raise GenerateError(f"unknown planner {planner!r}; choose one of: {', '.join(planner_names())}")


def run_planner(planner: str, prompt: str, seed: int, *, temperature: float = 1.0, vlm: Any = None,
                max_steps: int | None = None, patience: int | None = None, root: Path | None = None,
                views: Sequence[str] = ("topdown", "perspective"), view_size: tuple[int, int] = (640, 480),
                progress: Callable[[int, str], None] | None = None,
                step_metrics: bool = True) -> tuple[Episode, list[Any]]:
    """Run the episode(s) of ``planner`` and return the merged episode and the policies that ran.

    ``offline``: the offline planner alone. ``vlm``: the VLM builds from an empty room;
    ``offline+vlm``: the offline planner builds first, then the VLM refines its scene. The VLM loop
    rolls back steps that make the scene worse, stops after ``patience`` steps without a better
    reward (default :data:`VLM_PATIENCE`) or ``max_steps`` (default :data:`VLM_MAX_STEPS`), and
    sees renders (``views`` at ``view_size``, written under ``root/observations/``). Then, unless
    ``vlm.asset_policy == "off"``, the asset-level phase dresses every empty container.

    ``step_metrics=False`` runs the offline planner's episode (alone, or the first phase of
    ``offline+vlm``) with metrics on demand (:func:`~worldsmith.pipeline.episode.run_episode`):
    the same scene, without validating every intermediate one; its trajectory records then carry
    no metrics or scores. The VLM phases score every step, so they always compute them."""
    check_planner(planner, vlm)
    if planner in PLANNERS:
        policy = make_policy(planner, temperature)
        return run_episode(policy, prompt, seed=seed, max_steps=max_steps or DEFAULT_MAX_STEPS,
                           progress=progress, step_metrics=step_metrics), [policy]
    from ..policy.vlm.policy import VLMPolicy
    from .observe import RenderObserver

    policies: list[Any] = []
    episode: Episode | None = None
    if planner == "offline+vlm":
        offline = make_policy("offline", temperature)
        episode = run_episode(offline, prompt, seed=seed, progress=progress, step_metrics=step_metrics)
        policies.append(offline)
    model = VLMPolicy(vlm, root=root)
    try:
        observer = RenderObserver(root, views, view_size) if root is not None else None
        refine = run_episode(model, prompt, seed=seed, max_steps=max_steps or VLM_MAX_STEPS, progress=progress,
                             start=episode.scene if episode else None,
                             first_step=len(episode.trajectory) if episode else 0,
                             used=episode.used_ids if episode else (), rollback=True,
                             patience=patience or VLM_PATIENCE, observer=observer)
        policies.append(model)
        if episode is None:
            episode = refine
        else:
            episode.extend(refine)
        scene_stop = episode.stop_reason
        if not episode.scene.rooms:
            raise GenerateError(f"the model stopped ({scene_stop.replace('_', ' ')}) without building a room; "
                                "nothing was written (see --max-steps, --patience, or the model's replies with -v)")
        if vlm.asset_policy != "off":
            from ..policy.assets.phase import AssetPhase
            from ..policy.assets.policy import AssetPolicy

            client = model.client if vlm.asset_policy == "vlm" else None
            assets = AssetPolicy(client, chooser=vlm.asset_policy, pointer=vlm.asset_policy,
                                 view_size=tuple(vlm.asset_view_size), temperature=vlm.client.temperature,
                                 views_dir=(root / "asset_views") if root is not None else None)
            phase = AssetPhase(assets, model.requirements(), root=root)
            dressed = run_episode(phase, prompt, seed=seed, max_steps=DEFAULT_MAX_STEPS, progress=progress,
                                  start=episode.scene, first_step=len(episode.trajectory), used=episode.used_ids,
                                  rollback=True)
            episode.extend(dressed)
            policies.append(phase)
    finally:
        model.close()
    episode.stop_reason = scene_stop
    return episode, policies


def program_text(episode: Episode) -> str:
    """The successful programs of an episode as one replayable program."""
    chunks = [f"# {episode.scene.prompt}".rstrip() if episode.scene.prompt else "# generated scene"]
    for i, (stage, program) in enumerate(episode.programs):
        chunks.append(f"\n# -- step {i}: {stage}\n{program.rstrip()}")
    return "\n".join(chunks) + "\n"


def relations_summary(scene: Scene) -> dict[str, Any]:
    from ..layout.relations import relation_report

    rows = relation_report(scene)
    n = len(rows)
    ok = sum(1 for r in rows if r["satisfied"])
    return {"checked": n, "satisfied": ok, "share": round(ok / n, 4) if n else 1.0,
            "unsatisfied": [r for r in rows if not r["satisfied"]]}


def check_render_options(quality: str, outputs: Any = ("rgb",), size: tuple[int, int] = RENDER_SIZE,
                         spp: int = PBR_SPP) -> tuple[str, frozenset[str]]:
    """Validate the render settings of :func:`generate` (before any work); returns ``(backend,
    outputs)``."""
    from ..render.frame import parse_outputs

    if quality not in QUALITIES:
        raise GenerateError(f"unknown render quality {quality!r}; choose one of: {', '.join(QUALITIES)}")
    try:
        wanted = parse_outputs(outputs)
    except WorldsmithError as exc:
        raise GenerateError(str(exc)) from None
    w, h = size
    if not (isinstance(w, int) and isinstance(h, int) and 1 <= w <= 8192 and 1 <= h <= 8192):
        raise GenerateError(f"expected a render size of 1..8192 pixels a side, got {w}x{h}")
    if not (isinstance(spp, int) and spp >= 1):
        raise GenerateError(f"expected at least 1 sample per pixel, got {spp}")
    return QUALITIES[quality], wanted


def render_cameras(scene: Scene, size: tuple[int, int] = RENDER_SIZE) -> list:
    """The views ``renders/`` gets (:data:`RENDER_VIEWS`): the top-down camera (width ``size[0]``, its
    height from the room's aspect), up to four corner views and one dollhouse view at ``size``."""
    from ..render.cameras import preset

    w, h = size
    cams = []
    for name, count in RENDER_VIEWS:
        if name == "topdown":
            cams += preset(scene, name, width=w)[:count]
        else:
            cams += preset(scene, name, width=w, height=h)[:count]
    return cams


def write_renders(scene: Scene, folder: Path, *, quality: str = "fast", outputs: Any = ("rgb",),
                  size: tuple[int, int] = RENDER_SIZE, spp: int = PBR_SPP,
                  progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Render :func:`render_cameras` into ``folder`` (:func:`worldsmith.render.output.render_views`);
    returns the ``report.json`` record: ``quality``, ``backend``, ``outputs``, ``folder``,
    ``views`` (camera, files, seconds), ``files`` and ``timings_s``. Any failure (no GL driver, a
    missing extra, a renderer error) is logged as a warning and returned as ``{"error": ...}`` with
    ``folder`` removed: the scene is never lost to a render problem."""
    import shutil

    from ..render.output import render_views

    backend, wanted = check_render_options(quality, outputs, size, spp)
    options = {"spp": spp} if backend == "pbr" else {}
    t0 = time.perf_counter()
    try:
        cams = render_cameras(scene, size)
        on_view = (lambda done, total, name: progress(f"rendered {name} ({done}/{total})")) if progress else None
        summary = render_views(scene, cams, wanted, backend=backend, out_dir=folder, progress=on_view, **options)
    except Exception as exc:  # noqa: BLE001 - the scene must survive any render failure
        message = (str(exc).splitlines() or [type(exc).__name__])[0]
        log.warning("renders skipped (%s: %s); the scene and its other outputs are written", type(exc).__name__,
                    message)
        log.debug("render failure", exc_info=True)
        shutil.rmtree(folder, ignore_errors=True)
        return {"quality": quality, "backend": backend, "error": f"{type(exc).__name__}: {message}",
                "seconds": round(time.perf_counter() - t0, 4)}
    return {"quality": quality, "folder": folder.name, **summary}


def generate(prompt: str, out_dir: str | Path, seed: int = 0, planner: str = "offline", temperature: float = 1.0,
             max_steps: int | None = None, progress: Callable[[str], None] | None = None, *,
             renders: bool = True, quality: str = "fast", render_outputs: Any = ("rgb",),
             render_size: tuple[int, int] = RENDER_SIZE, render_spp: int = PBR_SPP, vlm: Any = None,
             patience: int | None = None, views: Sequence[str] = ("topdown", "perspective"),
             view_size: tuple[int, int] = (640, 480)) -> GenerateOutcome:
    """Build a scene for ``prompt`` with ``planner`` and write the outputs to ``out_dir``.

    ``renders`` writes ``renders/`` (see the module doc) at ``quality`` ``"fast"`` (``gl``) or
    ``"pbr"`` (path tracer, ``render_spp`` samples per pixel) with ``render_outputs`` (any of
    :data:`worldsmith.render.frame.OUTPUTS`, default ``rgb``) at ``render_size`` (width, height).
    VLM planners (:data:`VLM_PLANNERS`) take ``vlm`` (:class:`worldsmith.policy.vlm.policy.VLMSettings`),
    ``max_steps``, ``patience``, and the observation ``views`` and ``view_size``
    (:func:`run_planner`); their observation renders land in ``observations/`` (and the asset
    policy's close views in ``asset_views/``), referenced from ``trajectory.jsonl``."""
    from ..export import export_scene
    from ..metrics.fidelity import prompt_fidelity
    from ..metrics.richness import richness
    from ..render.plan import draw_plan

    if not isinstance(prompt, str) or not prompt.strip():
        raise GenerateError("the prompt is empty; describe the room, e.g. \"a cozy bedroom with a double bed\"")
    out = Path(out_dir)
    check_output_dir(out)
    if renders:
        check_render_options(quality, render_outputs, render_size, render_spp)
    check_planner(planner, vlm)
    if planner in VLM_PLANNERS:
        from .observe import check_views

        try:
            check_views(views)
        except WorldsmithError as exc:
            raise GenerateError(str(exc)) from None
    timings: dict[str, float] = {}
    with atomic_output_dir(out) as tmp:
        t0 = time.perf_counter()
        episode, policies = run_planner(
            planner, prompt.strip(), seed, temperature=temperature, vlm=vlm, max_steps=max_steps, patience=patience,
            root=tmp, views=views, view_size=view_size,
            progress=(lambda step, stage: progress(f"step {step}: {stage}")) if progress else None)
        timings["episode"] = round(time.perf_counter() - t0, 4)
        scene = episode.scene
        metrics = episode.metrics  # validated after the last step
        fidelity = prompt_fidelity(scene, policies[0].requirements())  # every phase reads the same
        if progress:
            progress("writing outputs")
        t = time.perf_counter()
        export_scene(scene, "glb", tmp / "scene.glb")
        timings["glb"] = round(time.perf_counter() - t, 4)
        t = time.perf_counter()
        draw_plan(scene, tmp / "plan.png")
        timings["plan"] = round(time.perf_counter() - t, 4)
        (tmp / "scene.json").write_text(dumps(scene), encoding="utf-8")
        (tmp / "program.py").write_text(program_text(episode), encoding="utf-8")
        with (tmp / "trajectory.jsonl").open("w", encoding="utf-8") as f:
            for record in episode.trajectory:
                f.write(json.dumps(record, sort_keys=True) + "\n")
        if renders:
            if progress:
                progress(f"rendering ({quality})")
            t = time.perf_counter()
            render_record = write_renders(scene, tmp / "renders", quality=quality, outputs=render_outputs,
                                          size=render_size, spp=render_spp, progress=progress)
            timings["renders"] = round(time.perf_counter() - t, 4)
        else:
            render_record = {"skipped": True}
        extra: dict[str, Any] = {}
        if planner in VLM_PLANNERS:
            vlm_policy = next(p for p in policies if getattr(p, "name", "") == "vlm")
            extra["vlm"] = {**vlm_policy.design_summary(), "stop_reason": episode.stop_reason,
                            "rolled_back": sum(1 for r in episode.trajectory if r.get("rolled_back")),
                            "usage": episode.usage}
        report = build_report(scene, metrics, timings, {
            "planner": planner, "temperature": temperature, **extra,
            "steps": len(episode.trajectory), "failed_steps": sum(1 for r in episode.trajectory if not r["ok"]),
            "prompt_fidelity": fidelity,
            "relations": relations_summary(scene),
            "richness": richness(scene),  # worldsmith.metrics.richness
            "explanations": [e for p in policies for e in p.explanations()],
            "unplaced": episode.unplaced,
            "substitutions": episode.substitutions,
            "design": next((p.design_summary() for p in policies if p.name == "offline"), {}),
            "renders": render_record,
        })
        (tmp / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    log.info("wrote %s", out)
    return GenerateOutcome(out, scene, report)


def read_prompts(path: str | Path) -> list[dict]:
    """``{"id", "prompt"}`` records from a prompt file; a clear error for bad lines. A JSON Lines
    file holds one object a line (``{"id", "prompt", ...}``; ``id`` defaults to ``prompt_<line>``);
    a file where no line starts with ``{`` is plain text, one prompt a line. Blank lines, and
    lines starting with ``#``, are skipped."""
    p = Path(path)
    if not p.is_file():
        raise GenerateError(f"prompt file {p} does not exist" if not p.exists() else f"{p} is not a file")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GenerateError(f"cannot read prompt file {p}: {one_line(exc)}") from None
    lines = ["" if ln.lstrip().startswith("#") else ln for ln in text.splitlines()]
    if not any(ln.lstrip().startswith("{") for ln in lines):  # plain text: one prompt a line
        lines = [json.dumps({"prompt": ln.strip()}) if ln.strip() else "" for ln in lines]
    records = []
    for n, rec in jsonl_records("\n".join(lines), p, GenerateError):
        if not isinstance(rec, dict) or not isinstance(rec.get("prompt"), str) or not rec["prompt"].strip():
            raise GenerateError(f"{p}:{n}: expected an object with a non-empty \"prompt\" string")
        rid = str(rec.get("id") or f"prompt_{n:03d}")
        if not rid.replace("_", "").replace("-", "").isalnum():
            raise GenerateError(f"{p}:{n}: id {rid!r} must be letters, digits, '_' or '-' (it names a folder)")
        records.append({**rec, "id": rid})
    if not records:
        raise GenerateError(f"{p} has no prompts")
    ids = [r["id"] for r in records]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise GenerateError(f"{p}: duplicate ids {', '.join(dup)}")
    return records


def generate_batch(prompts_file: str | Path, out_dir: str | Path, seeds: Sequence[int] = (0,), planner: str = "offline",
                   temperature: float = 1.0, on_done: Callable[[dict], None] | None = None,
                   **render_options: Any) -> list[dict]:
    """Generate every prompt of ``prompts_file`` for every seed into ``out_dir/<id>[_s<seed>]``;
    returns (and writes to ``summary.json``) one summary row per run. ``render_options`` go to
    :func:`generate` (``renders``, ``quality``, ``render_outputs``, ``render_size``, ``render_spp``,
    and the VLM planners' ``vlm``, ``max_steps``, ``patience``, ``views``, ``view_size``);
    each row's ``renders`` counts the views written (0 when skipped or failed)."""
    unknown = sorted(set(render_options) - {"renders", "quality", "render_outputs", "render_size", "render_spp",
                                            "vlm", "max_steps", "patience", "views", "view_size"})
    if unknown:
        raise TypeError(f"generate_batch() got unexpected keyword arguments: {', '.join(unknown)}")
    if render_options.get("renders", True):
        check_render_options(render_options.get("quality", "fast"), render_options.get("render_outputs", ("rgb",)),
                             render_options.get("render_size", RENDER_SIZE), render_options.get("render_spp", PBR_SPP))
    records = read_prompts(prompts_file)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise GenerateError(f"output path {out} is a file; choose a folder")
    out.mkdir(parents=True, exist_ok=True)
    check_planner(planner, render_options.get("vlm"))  # fail early on a bad planner name
    from ..metrics.validate import PROBLEM_KEYS

    rows = []
    for rec in records:
        for seed in seeds:
            name = rec["id"] if len(seeds) == 1 else f"{rec['id']}_s{seed}"
            t0 = time.perf_counter()
            outcome = generate(rec["prompt"], out / name, seed=seed, planner=planner, temperature=temperature,
                               **render_options)
            r = outcome.report
            m = r["metrics"]
            row = {"id": rec["id"], "seed": seed, "folder": name, "seconds": round(time.perf_counter() - t0, 3),
                   "objects": r["richness"]["objects"], "categories": r["richness"]["categories"],
                   "problems": sum(len(m[k]) for k in PROBLEM_KEYS),
                   "fidelity": r["prompt_fidelity"]["share"], "relations": r["relations"]["share"],
                   "navigability": min((n["ratio"] for n in m.get("navigability", [])), default=1.0),
                   "renders": len(r["renders"].get("views", []))}
            rows.append(row)
            if on_done:
                on_done(row)
    (out / "summary.json").write_text(json.dumps({"runs": rows}, indent=2) + "\n", encoding="utf-8")
    return rows
