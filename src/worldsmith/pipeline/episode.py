"""The episode runner: prompt -> policy steps -> final scene, with one trajectory record per step.

Each step: build the :class:`~worldsmith.policy.protocol.Observation`, ask the policy for a
program, run it with the sandboxed executor from the current scene (a failed program changes
nothing and its error goes back to the policy), validate the result, and record
``{"step", "stage", "note", "observation", "program", "ok", "error", "apply_report", "metrics",
"timings_s"}``. The episode ends when the policy returns ``None`` or after ``max_steps``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Callable

from ..dsl import DSLError, execute
from ..scene import Scene
from ..policy.protocol import Observation, Policy

log = logging.getLogger(__name__)

DEFAULT_MAX_STEPS = 60


@dataclass
class Episode:
    """The outcome of an episode: the final scene, the trajectory, the programs that ran."""

    scene: Scene
    trajectory: list[dict] = field(default_factory=list)
    programs: list[tuple[str, str]] = field(default_factory=list)  # (stage, program) of successful steps
    explanations: list[dict] = field(default_factory=list)
    substitutions: list[dict] = field(default_factory=list)
    unplaced: list[dict] = field(default_factory=list)
    #: :func:`scene_metrics` of the final scene (computed after the last step)
    metrics: dict = field(default_factory=dict)


def scene_metrics(scene: Scene) -> dict:
    """Plausibility metrics after a step: the validator's lists plus navigability per room."""
    from ..metrics import validate
    from ..metrics.navigability import navigability_report

    metrics = validate(scene).to_dict()
    nav = navigability_report(scene) if scene.rooms else {}
    metrics["navigability"] = [nav[k] for k in sorted(nav)]
    return metrics


def run_episode(policy: Policy, prompt: str, seed: int = 0, max_steps: int = DEFAULT_MAX_STEPS,
                progress: Callable[[int, str], None] | None = None) -> Episode:
    """Run ``policy`` on ``prompt`` from an empty scene. Deterministic for a deterministic policy."""
    scene = Scene(prompt=prompt, seed=seed)
    policy.reset(prompt, seed)
    episode = Episode(scene)
    last_error: dict | None = None
    last_report: dict | None = None
    metrics: dict = {}
    for step in range(max_steps):
        obs = Observation(prompt, seed, step, scene, last_error, last_report, metrics)
        t0 = time.perf_counter()
        action = policy.act(obs)
        t_policy = time.perf_counter() - t0
        if action is None:
            break
        if progress:
            progress(step, action.stage)
        t1 = time.perf_counter()
        record: dict = {"step": step, "stage": action.stage, "note": action.note, "observation": obs.summary(),
                        "program": action.program}
        try:
            result = execute(action.program, scene, seed=seed)
        except DSLError as exc:
            last_error, last_report = exc.to_dict(), None
            record.update(ok=False, error=last_error, apply_report=None)
            log.info("step %d (%s) failed: %s", step, action.stage, exc)
        else:
            scene = result.scene
            last_error, last_report = None, result.report.to_dict()
            record.update(ok=True, error=None, apply_report=last_report)
            episode.programs.append((action.stage, action.program))
            episode.substitutions += result.substitutions
            episode.unplaced += result.report.unplaced
        t2 = time.perf_counter()
        metrics = scene_metrics(scene)
        t3 = time.perf_counter()
        record["metrics"] = {k: (len(v) if k != "navigability" else v) for k, v in metrics.items()}
        record["timings_s"] = {"policy": round(t_policy, 4), "exec": round(t2 - t1, 4), "validate": round(t3 - t2, 4)}
        episode.trajectory.append(record)
    else:
        log.warning("episode stopped after max_steps=%d", max_steps)
    episode.scene = scene
    episode.metrics = metrics if episode.trajectory else scene_metrics(scene)
    episode.explanations = list(policy.explanations())
    return episode
