"""``worldsmith eval``: generate (or read) scenes for a prompt suite and measure every metric.

``evaluate(prompts_file, out_dir, seeds=3, ...)`` writes, atomically, to ``out_dir``:

- ``scenes/<id>_s<seed>/``: the generated scenes (``worldsmith generate`` folders; not written when
  ``scenes_dir`` points at scenes generated earlier);
- ``results.jsonl``: one row per scene (:data:`ROW_METRICS` plus ``id``, ``seed``, ``folder``,
  ``prompt``, ``unmet`` requirements, ``unmet_expect``, ``unstable`` objects and ``timings_s``);
- ``summary.json``: per prompt and over all scenes, each metric's mean with a 95 % bootstrap
  interval, and the per-prompt layout diversity across seeds;
- ``report.md``: the same as tables, with the plots ``plots/metrics.png`` (metric distributions)
  and ``plots/timings.png`` (mean seconds per stage and prompt).

Metrics (definitions and thresholds live in the modules named):

- plausibility (:mod:`worldsmith.metrics.validate`): ``collisions``, ``out_of_bounds``,
  ``blocked_openings``, ``unsupported`` counts; ``plausible`` is 1 when all four are zero;
- ``navigability``, ``door_share``, ``accessibility``
  (:func:`worldsmith.metrics.navigability.evaluate_navigability`, ``accessibility``);
- ``stability`` (:mod:`worldsmith.metrics.stability`, MuJoCo): the share of movable objects that
  stay put in a 2 s settle; ``None`` when MuJoCo is not installed (the report says so);
- ``placement_rate``: objects placed / objects the policy asked the solver to place (placed plus
  the solver's ``unplaced``, from the scene folder's ``report.json``; ``None`` without one);
- ``fidelity``: the share of the prompt's requirements met. The requirements come from the
  planner's prompt parser (:func:`worldsmith.policy.offline.parse.parse_prompt`, the same parser
  the offline planner uses) and are checked geometrically by
  :func:`worldsmith.metrics.fidelity.prompt_fidelity`, whichever policy built the scene;
- ``expect``: the share of the prompt file's own ``expect`` block met (``objects``, ``materials``,
  ``lighting``, ``on``; :func:`worldsmith.metrics.fidelity.expectation_requirements`), an
  independent check written by people, not derived from the parser;
- ``clip``: CLIPScore of the scene's perspective renders against the prompt when a local CLIP
  checkpoint is given (:mod:`worldsmith.metrics.clip`), otherwise off and reported as off;
- richness (:mod:`worldsmith.metrics.richness`): ``objects``, ``categories``,
  ``objects_per_room``, ``small_per_container``; per prompt, ``diversity_m``
  (:func:`worldsmith.metrics.richness.layout_diversity` across the seeds).
"""

from __future__ import annotations

import json
import logging
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from ..scene import Scene, WorldsmithError, loads
from .generate import GenerateError, generate, make_policy, read_prompts
from .outputs import atomic_output_dir, check_output_dir

log = logging.getLogger(__name__)

EVAL_MARKER = "summary.json"
EVAL_KIND = "Worldsmith evaluation"
BOOTSTRAP_SAMPLES = 2000

#: (key, label, kind) of every per-scene number; kind "share" (0..1, higher is better), "count"
#: (fewer is better for problems), "value" (a plain quantity), "seconds"
ROW_METRICS: tuple[tuple[str, str, str], ...] = (
    ("plausible", "plausible (no problem of any kind)", "share"),
    ("collisions", "collisions", "count"),
    ("out_of_bounds", "out of bounds", "count"),
    ("blocked_openings", "blocked openings", "count"),
    ("unsupported", "unsupported", "count"),
    ("navigability", "navigability (largest free component / free area)", "share"),
    ("door_share", "doors in the walkable component", "share"),
    ("accessibility", "accessible objects (front reaches the walkable area)", "share"),
    ("stability", "stable objects (2 s MuJoCo settle)", "share"),
    ("placement_rate", "placement rate (placed / requested)", "share"),
    ("fidelity", "prompt fidelity (parser requirements met)", "share"),
    ("expect", "suite expectations met", "share"),
    ("clip", "CLIP score", "value"),
    ("objects", "objects", "value"),
    ("categories", "distinct categories", "value"),
    ("objects_per_room", "objects per room", "value"),
    ("small_per_container", "small objects per container", "value"),
    ("seconds", "seconds per scene (generate + metrics)", "seconds"),
)
METRIC_KEYS = tuple(k for k, _, _ in ROW_METRICS)


class EvalError(WorldsmithError):
    """Bad evaluation input (prompt file, scenes folder, options)."""


@dataclass
class EvalOutcome:
    out_dir: Path
    rows: list[dict]
    summary: dict


# ---------------------------------------------------------------------------------------------
# statistics


def bootstrap_ci(values: Sequence[float], samples: int = BOOTSTRAP_SAMPLES, seed: int = 0,
                 level: float = 0.95) -> tuple[float, float, float] | None:
    """``(mean, low, high)``: the mean and the percentile bootstrap interval of the mean (``samples``
    resamples with replacement, a fixed seed, so reports are reproducible); None for no values."""
    xs = np.asarray([v for v in values if v is not None], dtype=float)
    if xs.size == 0:
        return None
    mean = float(xs.mean())
    if xs.size == 1 or np.all(xs == xs[0]):
        return mean, mean, mean
    rng = np.random.default_rng(seed)
    means = xs[rng.integers(0, xs.size, size=(samples, xs.size))].mean(axis=1)
    a = (1.0 - level) / 2.0
    return mean, float(np.quantile(means, a)), float(np.quantile(means, 1.0 - a))


def _stat(values: Sequence[Any]) -> dict[str, Any]:
    got = [float(v) for v in values if v is not None]
    ci = bootstrap_ci(got)
    if ci is None:
        return {"n": 0, "mean": None, "ci95": None}
    return {"n": len(got), "mean": round(ci[0], 4), "ci95": [round(ci[1], 4), round(ci[2], 4)]}


# ---------------------------------------------------------------------------------------------
# one scene


def requirements_for(prompt: str) -> list[dict]:
    """The prompt's requirements as the offline planner's parser reads them (requirement maps)."""
    import dataclasses

    from ..policy.offline.parse import parse_prompt

    return [dataclasses.asdict(r) for r in parse_prompt(prompt).requirements]


def _render_images(scene: Scene, folder: Path | None) -> list[np.ndarray]:
    """Perspective RGB views for CLIP: the scene folder's corner renders when it has them, else the
    corner views rendered now with the gl rasterizer."""
    from PIL import Image

    if folder is not None and (folder / "renders").is_dir():
        files = sorted((folder / "renders").glob("corner*_rgb.png"))
        if files:
            return [np.asarray(Image.open(f).convert("RGB")) for f in files]
    from ..render import render
    from ..render.cameras import preset

    return [render(scene, cam, ("rgb",)).rgb for cam in preset(scene, "corners", width=336, height=336)]


def scene_row(scene: Scene, *, prompt: str, expect: dict | None = None, report: dict | None = None,
              folder: Path | None = None, clip: Any = None, stability: bool = True) -> dict[str, Any]:
    """Every metric of one scene (the ``results.jsonl`` row without the ids). ``report`` is the
    scene folder's ``report.json`` (placement rate, generation timings) when there is one; ``clip``
    a loaded :class:`worldsmith.metrics.clip.ClipScorer` or None."""
    from ..metrics import PROBLEM_KEYS, validate
    from ..metrics.fidelity import expectation_requirements, prompt_fidelity
    from ..metrics.navigability import accessibility, evaluate_navigability
    from ..metrics.richness import richness

    timings: dict[str, float] = dict((report or {}).get("timings_s", {}))
    row: dict[str, Any] = {}

    def timed(stage: str, fn: Callable[[], Any]) -> Any:
        t = time.perf_counter()
        value = fn()
        timings[stage] = round(time.perf_counter() - t, 4)
        return value

    checks = timed("validate", lambda: validate(scene).to_dict())
    for key in PROBLEM_KEYS:
        row[key] = len(checks[key])
    row["plausible"] = 1.0 if not any(row[k] for k in PROBLEM_KEYS) else 0.0
    nav = timed("navigability", lambda: evaluate_navigability(scene))
    acc = timed("accessibility", lambda: accessibility(scene))
    row["navigability"] = nav["ratio"]
    row["door_share"] = nav["door_share"]
    row["accessibility"] = acc["share"]
    row["inaccessible"] = list(acc.get("blocked", []))
    row["unreachable_doors"] = sorted(d for r in nav.get("rooms", {}).values() for d in r.get("unreachable_doors", []))
    if stability:
        from ..metrics.stability import MetricUnavailableError, stability as settle

        try:
            st = timed("stability", lambda: settle(scene))
            row["stability"] = st["share"]
            row["unstable"] = st["unstable"]
        except MetricUnavailableError as exc:
            row["stability"] = None
            row["stability_off"] = str(exc)
    else:
        row["stability"] = None
        row["stability_off"] = "turned off (--no-stability)"
    placed = len(scene.objects)
    if report is not None and isinstance(report.get("unplaced"), list):
        asked = placed + len(report["unplaced"])
        row["placement_rate"] = round(placed / asked, 4) if asked else 1.0
    else:
        row["placement_rate"] = None
    fid = timed("fidelity", lambda: prompt_fidelity(scene, requirements_for(prompt)))
    row["fidelity"] = fid["share"]
    row["requirements"] = f"{fid['satisfied']}/{fid['total']}"
    row["unmet"] = [f"{r['kind']} {r['key']}: {r['detail']}" for r in fid["requirements"] if not r["satisfied"]]
    if expect:
        exp = prompt_fidelity(scene, expectation_requirements(expect))
        row["expect"] = exp["share"]
        row["unmet_expect"] = [f"{r['kind']} {r['key']}: {r['detail']}" for r in exp["requirements"]
                               if not r["satisfied"]]
    else:
        row["expect"] = None
    if clip is not None:
        images = timed("render_for_clip", lambda: _render_images(scene, folder))
        row["clip"] = round(timed("clip", lambda: clip.score(images, prompt)), 4)
    else:
        row["clip"] = None
    rich = richness(scene)
    for key in ("objects", "categories", "objects_per_room", "small_per_container"):
        row[key] = rich[key]
    row["timings_s"] = timings
    row["seconds"] = round(sum(timings.values()), 3)
    return row


# ---------------------------------------------------------------------------------------------
# the suite


def _scene_folder(scenes_dir: Path, rid: str, seed: int, n_seeds: int) -> Path:
    candidates = [scenes_dir / f"{rid}_s{seed}"]
    if n_seeds == 1 or seed == 0:
        candidates.append(scenes_dir / rid)
    for c in candidates:
        if (c / "scene.json").is_file():
            return c
    raise EvalError(f"no scene for prompt {rid!r} seed {seed} in {scenes_dir} (expected "
                    f"{candidates[0] / 'scene.json'})")


def _read_json(path: Path) -> dict | None:
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise EvalError(f"{path} is not readable JSON ({exc})") from None


def check_eval_inputs(prompts_file: str | Path, out_dir: str | Path, seeds: int = 3, planner: str = "offline",
                      temperature: float = 1.0, scenes_dir: str | Path | None = None,
                      clip_model: str | Path | None = None) -> tuple[list[dict], Any]:
    """Every check :func:`evaluate` makes before any work (prompt file, seeds, output folder,
    planner name, that every scene of ``scenes_dir`` is there, the CLIP checkpoint loads);
    returns the prompt records and the loaded CLIP scorer (None without ``clip_model``)."""
    from ..metrics.clip import load_clip

    records = read_prompts(prompts_file)
    if not isinstance(seeds, int) or not 1 <= seeds <= 100:
        raise EvalError(f"expected 1..100 seeds, got {seeds!r}")
    src = Path(scenes_dir) if scenes_dir is not None else None
    if src is not None and not src.is_dir():
        raise EvalError(f"scenes folder {src} does not exist" if not src.exists() else f"{src} is not a folder")
    check_output_dir(Path(out_dir), EVAL_MARKER, EVAL_KIND)
    if src is None:
        make_policy(planner, temperature)  # a bad planner name fails before any work
    else:
        for rec in records:  # every scene must be there before any work
            for seed in range(seeds):
                _scene_folder(src, rec["id"], seed, seeds)
    return records, (load_clip(clip_model) if clip_model is not None else None)


def evaluate(prompts_file: str | Path, out_dir: str | Path, seeds: int = 3, planner: str = "offline",
             temperature: float = 1.0, scenes_dir: str | Path | None = None, clip_model: str | Path | None = None,
             stability: bool = True, renders: bool = False,
             on_done: Callable[[dict], None] | None = None,
             on_start: Callable[[str], None] | None = None) -> EvalOutcome:
    """Run the evaluation (module doc). ``seeds``: seeds 0..N-1 per prompt. ``scenes_dir``: read
    ``<id>_s<seed>/scene.json`` (or ``<id>/scene.json`` for seed 0) from there instead of
    generating. ``renders``: generated scenes also get ``renders/`` (CLIP uses them when given).
    ``on_start(name)`` / ``on_done(row)`` report progress."""
    from ..metrics.clip import clip_score

    records, scorer = check_eval_inputs(prompts_file, out_dir, seeds, planner, temperature, scenes_dir, clip_model)
    src = Path(scenes_dir) if scenes_dir is not None else None
    out = Path(out_dir)
    clip_state = clip_score([], "", None) if scorer is None else {"enabled": True, "model": str(clip_model)}
    t_start = time.perf_counter()
    rows: list[dict] = []
    scenes_by_prompt: dict[str, list[Scene]] = {}
    with atomic_output_dir(out, EVAL_MARKER, EVAL_KIND) as tmp:
        for rec in records:
            for seed in range(seeds):
                name = f"{rec['id']}_s{seed}"
                if on_start:
                    on_start(name)
                t0 = time.perf_counter()
                if src is None:
                    folder = tmp / "scenes" / name
                    try:
                        outcome = generate(rec["prompt"], folder, seed=seed, planner=planner,
                                           temperature=temperature, renders=renders)
                    except GenerateError as exc:
                        raise EvalError(f"{name}: {exc}") from None
                    scene, report = outcome.scene, outcome.report
                    rel = f"scenes/{name}"
                else:
                    folder = _scene_folder(src, rec["id"], seed, seeds)
                    scene = loads((folder / "scene.json").read_bytes())
                    report = _read_json(folder / "report.json")
                    rel = str(folder)
                row = {"id": rec["id"], "seed": seed, "folder": rel, "prompt": rec["prompt"]}
                row.update(scene_row(scene, prompt=rec["prompt"], expect=rec.get("expect"), report=report,
                                     folder=folder, clip=scorer, stability=stability))
                row["wall_seconds"] = round(time.perf_counter() - t0, 3)
                rows.append(row)
                scenes_by_prompt.setdefault(rec["id"], []).append(scene)
                if on_done:
                    on_done(row)
        summary = summarize(rows, scenes_by_prompt, records)
        summary.update({"prompts_file": str(prompts_file), "seeds": seeds, "planner": planner if src is None else None,
                        "scenes_dir": str(src) if src is not None else None, "clip": clip_state,
                        "stability": "on" if stability else "off",
                        "total_seconds": round(time.perf_counter() - t_start, 2)})
        with (tmp / "results.jsonl").open("w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, sort_keys=True) + "\n")
        write_plots(rows, tmp / "plots")
        (tmp / "report.md").write_text(report_markdown(summary, rows), encoding="utf-8")
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return EvalOutcome(out, rows, summary)


def summarize(rows: list[dict], scenes_by_prompt: dict[str, list[Scene]], records: list[dict]) -> dict[str, Any]:
    """Per prompt and aggregate statistics of every metric (mean, 95 % bootstrap interval)."""
    from ..metrics.richness import layout_diversity

    per_prompt = {}
    for rec in records:
        mine = [r for r in rows if r["id"] == rec["id"]]
        stats = {k: _stat([r.get(k) for r in mine]) for k in METRIC_KEYS}
        div = layout_diversity(scenes_by_prompt.get(rec["id"], []))
        per_prompt[rec["id"]] = {"prompt": rec["prompt"], "scenes": len(mine), "metrics": stats,
                                 "diversity_m": div["diversity_m"]}
    aggregate = {k: _stat([r.get(k) for r in rows]) for k in METRIC_KEYS}
    aggregate["diversity_m"] = _stat([p["diversity_m"] for p in per_prompt.values()])
    stages = sorted({s for r in rows for s in r.get("timings_s", {})})
    timing = {s: _stat([r.get("timings_s", {}).get(s) for r in rows]) for s in stages}
    return {"scenes": len(rows), "prompts": len(records), "aggregate": aggregate, "per_prompt": per_prompt,
            "timings_s": timing}


# ---------------------------------------------------------------------------------------------
# report


def _fmt(v: Any, kind: str = "value") -> str:
    if v is None:
        return "–"
    if kind == "share":
        return f"{100 * v:.1f} %"
    if kind == "count":
        return f"{v:.2f}"
    if kind == "seconds":
        return f"{v:.2f} s"
    return f"{v:.3g}" if abs(v) < 1000 else f"{v:.0f}"


def _fmt_stat(stat: dict, kind: str) -> str:
    if stat["mean"] is None:
        return "–"
    lo, hi = stat["ci95"]
    return f"{_fmt(stat['mean'], kind)} [{_fmt(lo, kind)}, {_fmt(hi, kind)}]"


PROMPT_COLUMNS = ("fidelity", "expect", "plausible", "collisions", "navigability", "accessibility", "stability",
                  "placement_rate", "objects", "clip", "seconds")


def report_markdown(summary: dict, rows: list[dict]) -> str:
    kinds = {k: kind for k, _, kind in ROW_METRICS}
    labels = {k: label for k, label, _ in ROW_METRICS}
    lines = ["# Worldsmith evaluation", ""]
    src = summary.get("scenes_dir") or f"generated with the {summary.get('planner')} planner"
    lines += [f"{summary['scenes']} scenes: {summary['prompts']} prompts of `{summary.get('prompts_file')}` × "
              f"{summary.get('seeds')} seeds, {src}. Means with 95 % bootstrap intervals "
              f"({BOOTSTRAP_SAMPLES} resamples) over scenes.", ""]
    clip = summary.get("clip", {})
    lines.append(f"- CLIP score: {'on (' + clip.get('model', '') + ')' if clip.get('enabled') else 'off: ' + clip.get('reason', '')}")
    lines.append(f"- Stability (MuJoCo settle): {summary.get('stability')}")
    off = sorted({r['stability_off'] for r in rows if r.get('stability_off')})
    for reason in off:
        lines.append(f"  - not measured: {reason}")
    lines.append(f"- Total time: {summary.get('total_seconds', 0):.1f} s")
    lines += ["", "## Aggregate", "", "| metric | mean [95 % CI] | n |", "|---|---|---|"]
    agg = summary["aggregate"]
    for key, label, kind in ROW_METRICS:
        lines.append(f"| {label} | {_fmt_stat(agg[key], kind)} | {agg[key]['n']} |")
    lines.append(f"| layout diversity across seeds (m) | {_fmt_stat(agg['diversity_m'], 'value')} | "
                 f"{agg['diversity_m']['n']} |")
    lines += ["", "## Per prompt (means over seeds)", "",
              "| prompt | " + " | ".join(PROMPT_COLUMNS) + " | diversity (m) |",
              "|---|" + "---|" * (len(PROMPT_COLUMNS) + 1)]
    for pid, p in summary["per_prompt"].items():
        cells = [_fmt(p["metrics"][k]["mean"], kinds[k]) for k in PROMPT_COLUMNS]
        lines.append(f"| {pid} | " + " | ".join(cells) + f" | {_fmt(p['diversity_m'])} |")
    lines += ["", "## Time per stage (seconds per scene)", "", "| stage | mean [95 % CI] |", "|---|---|"]
    for stage, stat in summary["timings_s"].items():
        lines.append(f"| {stage} | {_fmt_stat(stat, 'seconds')} |")
    lines += ["", "## Plots", "", "![metric distributions](plots/metrics.png)", "",
              "![time per stage](plots/timings.png)", ""]
    unmet = [(r["id"], r["seed"], u) for r in rows for u in r.get("unmet_expect", [])]
    if unmet:
        lines += ["## Unmet suite expectations", ""]
        lines += [f"- {pid} seed {seed}: {u}" for pid, seed, u in unmet]
        lines.append("")
    unmet = [(r["id"], r["seed"], u) for r in rows for u in r.get("unmet", [])]
    if unmet:
        lines += ["## Unmet prompt requirements", ""]
        lines += [f"- {pid} seed {seed}: {u}" for pid, seed, u in unmet]
        lines.append("")
    lines += ["## Definitions", ""]
    lines += [f"- `{k}`: {labels[k]}" for k in METRIC_KEYS]
    lines += ["", "See `worldsmith.pipeline.evaluate` and the metric modules it names for the exact "
              "definitions and thresholds (docs/metrics.md).", ""]
    return "\n".join(lines)


def write_plots(rows: list[dict], folder: Path) -> list[Path]:
    """``metrics.png`` (a histogram per metric that varies) and ``timings.png`` (mean seconds per
    stage, stacked, per prompt)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    keys = [k for k, _, _ in ROW_METRICS if any(r.get(k) is not None for r in rows)]
    labels = {k: label for k, label, _ in ROW_METRICS}
    cols = 4
    nrows = max(1, math.ceil(len(keys) / cols))
    fig, axes = plt.subplots(nrows, cols, figsize=(4 * cols, 2.8 * nrows), squeeze=False)
    for ax, key in zip(axes.flat, keys):
        vals = [float(r[key]) for r in rows if r.get(key) is not None]
        ax.hist(vals, bins=min(20, max(5, len(vals))), color="#4c72b0", edgecolor="white")
        ax.set_title(labels[key] if len(labels[key]) < 40 else key, fontsize=9)
        ax.tick_params(labelsize=8)
    for ax in list(axes.flat)[len(keys):]:
        ax.axis("off")
    fig.suptitle(f"metric distributions over {len(rows)} scenes", fontsize=11)
    fig.tight_layout()
    paths = [folder / "metrics.png"]
    fig.savefig(paths[0], dpi=90, metadata={"Software": None})
    plt.close(fig)

    ids = list(dict.fromkeys(r["id"] for r in rows))
    stages = sorted({s for r in rows for s in r.get("timings_s", {})})
    fig, ax = plt.subplots(figsize=(9, 0.35 * len(ids) + 1.6))
    left = np.zeros(len(ids))
    cmap = plt.get_cmap("tab20")
    for i, stage in enumerate(stages):
        means = np.array([np.mean([r.get("timings_s", {}).get(stage, 0.0) for r in rows if r["id"] == pid])
                          for pid in ids])
        ax.barh(ids, means, left=left, label=stage, color=cmap(i % 20))
        left += means
    ax.invert_yaxis()
    ax.set_xlabel("mean seconds per scene")
    ax.legend(fontsize=7, ncol=min(4, max(1, len(stages))), loc="lower right")
    ax.tick_params(labelsize=8)
    fig.tight_layout()
    paths.append(folder / "timings.png")
    fig.savefig(paths[1], dpi=90, metadata={"Software": None})
    plt.close(fig)
    return paths
