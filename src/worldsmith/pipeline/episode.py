"""The episode runner: prompt -> policy steps -> final scene, with one trajectory record per step.

Each step: build the :class:`~worldsmith.policy.protocol.Observation` (with the renders of an
optional :class:`Observer`), ask the policy for a program, run it with the sandboxed executor from
the current scene (atomic: a failed program changes nothing and its error goes back to the
policy), validate and score the result, and record::

    {"step", "stage", "note", "reasoning", "observation", "renders", "views", "program", "ok",
     "error", "rolled_back", "apply_report", "metrics", "score", "usage", "timings_s"}

**Scoring** (:func:`step_score`, or any ``score=`` callable with its signature): ``problems`` is
the number of validation problems (collisions, out of bounds, blocked openings, unsupported: the
lists of :data:`worldsmith.metrics.validate.PROBLEM_KEYS`), ``satisfied``/``checked`` the
prompt requirements the policy reported (:func:`worldsmith.metrics.fidelity.prompt_fidelity`), and
``reward = share - PROBLEM_WEIGHT * problems`` with ``share = satisfied / checked`` (1 when
nothing is checked).

**Rollback** (``rollback=True``, what the VLM loop uses): a step whose program succeeds but makes
the scene *worse* -- more problems, or fewer satisfied requirements, than before it -- is undone;
the policy sees ``last_error = {"code": "E_ROLLED_BACK", "message": <what got worse>, ...}`` next.

**Metrics on demand** (``step_metrics=False``, for callers that want the final scene only, such as
``worldsmith datagen``): :func:`scene_metrics` of a scene is computed only when the policy reads
``Observation.validation`` (the offline planner does in its ``fixup`` step), once per scene; the
policy sees the same dict it would have seen, so the steps and the final scene are the same as with
per-step metrics (a test checks it). What changes: a record's ``metrics`` is ``{}`` and its
``observation.problems`` too unless the policy read them before the record was written, its
``score`` is ``None``, and ``Episode.metrics`` is ``{}``. Nothing is scored, so it cannot be
combined with ``rollback`` or ``patience`` (ValueError).

**Stopping**: the policy returns ``None``; or a step is ``final`` (the model wrote ``done()``
with its program); or ``patience=K`` steps in a row did not raise the best reward so far (a
failed or rolled-back step does not either); or ``max_steps``. ``Episode.stop_reason`` says which.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Protocol

from ..dsl import DSLError, execute
from ..dsl.actions import AddObject
from ..scene import Scene
from ..policy.protocol import Observation, Policy, add_usage

log = logging.getLogger(__name__)

DEFAULT_MAX_STEPS = 60
#: reward lost per validation problem (a collision costs as much as a tenth of the prompt)
PROBLEM_WEIGHT = 0.1


class Observer(Protocol):
    """Renders the observation images of a step: ``observe(scene, step) -> paths`` (relative to
    the episode's output folder). Called before each step with a room."""

    def observe(self, scene: Scene, step: int) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class StepScore:
    """How good a scene is for the loop (see the module doc)."""

    problems: int
    satisfied: int
    checked: int

    @property
    def share(self) -> float:
        return self.satisfied / self.checked if self.checked else 1.0

    @property
    def reward(self) -> float:
        return round(self.share - PROBLEM_WEIGHT * self.problems, 6)

    def worse_than(self, other: "StepScore") -> bool:
        return self.problems > other.problems or self.satisfied < other.satisfied

    def to_dict(self) -> dict:
        return {"problems": self.problems, "satisfied": self.satisfied, "checked": self.checked,
                "reward": self.reward}


@dataclass
class Episode:
    """The outcome of an episode: the final scene, the trajectory, the programs that ran."""

    scene: Scene
    trajectory: list[dict] = field(default_factory=list)
    programs: list[tuple[str, str]] = field(default_factory=list)  # (stage, program) of applied steps
    explanations: list[dict] = field(default_factory=list)
    substitutions: list[dict] = field(default_factory=list)
    unplaced: list[dict] = field(default_factory=list)
    #: :func:`scene_metrics` of the final scene (computed after the last step)
    metrics: dict = field(default_factory=dict)
    #: "policy_done", "done", "patience", "max_steps" (or "" before the episode ran)
    stop_reason: str = ""
    #: summed model usage of every step (:data:`worldsmith.policy.protocol.USAGE_KEYS`)
    usage: dict = field(default_factory=dict)
    #: every object id the applied programs gave out (pass as ``used`` to a continuing episode)
    used_ids: set[str] = field(default_factory=set)

    def extend(self, other: "Episode") -> None:
        """Append ``other`` (an episode that started from this one's scene) to this one."""
        self.scene = other.scene
        self.trajectory += other.trajectory
        self.programs += other.programs
        self.explanations += other.explanations
        self.substitutions += other.substitutions
        self.unplaced += other.unplaced
        self.metrics = other.metrics
        self.stop_reason = other.stop_reason
        self.usage = add_usage(self.usage, other.usage)
        self.used_ids |= other.used_ids


def scene_metrics(scene: Scene) -> dict:
    """Plausibility metrics after a step: the validator's lists plus navigability per room."""
    from ..metrics import validate
    from ..metrics.navigability import navigability_report

    metrics = validate(scene).to_dict()
    nav = navigability_report(scene) if scene.rooms else {}
    metrics["navigability"] = [nav[k] for k in sorted(nav)]
    return metrics


class _Metrics:
    """:func:`scene_metrics` of one scene, computed on first use and kept."""

    __slots__ = ("scene", "_value")

    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        self._value: dict | None = None

    @property
    def computed(self) -> bool:
        return self._value is not None

    @property
    def value(self) -> dict:
        if self._value is None:
            self._value = scene_metrics(self.scene)
        return self._value


class _LazyObservation(Observation):
    """An :class:`Observation` whose ``validation`` is computed when first read (``step_metrics=
    False``): a plain dict to the policy, like any observation's."""

    def __init__(self, *args, metrics: _Metrics | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        object.__setattr__(self, "_metrics", metrics)

    @property  # type: ignore[override]
    def validation(self) -> dict:
        lazy = self.__dict__.get("_metrics")
        return lazy.value if lazy is not None else self.__dict__.get("_validation", {})

    @validation.setter
    def validation(self, value: dict) -> None:  # the dataclass __init__ stores the field through this
        object.__setattr__(self, "_validation", value)

    def record_summary(self) -> dict:
        """:meth:`Observation.summary` without computing the metrics (no problems if unread)."""
        lazy = self.__dict__.get("_metrics")
        known = lazy.value if lazy is not None and lazy.computed else self.__dict__.get("_validation", {})
        plain = {f.name: getattr(self, f.name) for f in dataclasses.fields(Observation) if f.name != "validation"}
        return Observation(**plain, validation=known).summary()


def scene_fidelity(scene: Scene, requirements: list[dict]) -> dict:
    """:func:`worldsmith.metrics.fidelity.prompt_fidelity` of ``scene`` (``{}`` when nothing is asked)."""
    if not requirements:
        return {}
    from ..metrics.fidelity import prompt_fidelity

    return prompt_fidelity(scene, requirements)


def step_score(metrics: dict, fidelity: dict) -> StepScore:
    """The default score of a scene from its :func:`scene_metrics` and :func:`scene_fidelity`."""
    from ..metrics.validate import PROBLEM_KEYS

    problems = sum(len(metrics.get(k, ())) for k in PROBLEM_KEYS)
    return StepScore(problems, int(fidelity.get("satisfied", 0)), int(fidelity.get("total", 0)))


def _worse_message(before: StepScore, after: StepScore, m0: dict, m1: dict) -> str:
    from ..metrics.validate import PROBLEM_KEYS

    parts = []
    if after.problems > before.problems:
        grown = [f"{k.replace('_', ' ')} {len(m0.get(k, ()))} -> {len(m1.get(k, ()))}" for k in PROBLEM_KEYS
                 if len(m1.get(k, ())) > len(m0.get(k, ()))]
        parts.append("problems " + ", ".join(grown))
    if after.satisfied < before.satisfied:
        parts.append(f"requirements satisfied {before.satisfied} -> {after.satisfied} of {after.checked}")
    return "rolled back: the program made the scene worse (" + "; ".join(parts) + ")"


def _worse_details(m0: dict, m1: dict, f0: dict, f1: dict) -> list[str]:
    """The problems that are new after the step and the requirements it broke, one line each."""
    from ..metrics.validate import PROBLEM_KEYS
    import json

    lines = []
    for k in PROBLEM_KEYS:
        seen = {json.dumps(p, sort_keys=True) for p in m0.get(k, ())}
        lines += [f"{k}: {json.dumps(p, sort_keys=True)}" for p in m1.get(k, ())
                  if json.dumps(p, sort_keys=True) not in seen]
    was = {r.get("text") or str(r.get("key")) for r in f0.get("requirements", ()) if r.get("satisfied")}
    lines += [f"no longer satisfied: {r.get('text') or r.get('key')}" for r in f1.get("requirements", ())
              if not r.get("satisfied") and (r.get("text") or str(r.get("key"))) in was]
    return lines[:12]


def run_episode(policy: Policy, prompt: str, seed: int = 0, max_steps: int = DEFAULT_MAX_STEPS,
                progress: Callable[[int, str], None] | None = None, *, start: Scene | None = None,
                first_step: int = 0, used: Iterable[str] = (), rollback: bool = False, patience: int | None = None,
                observer: Observer | None = None,
                score: Callable[[dict, dict], StepScore] = step_score, step_metrics: bool = True) -> Episode:
    """Run ``policy`` on ``prompt`` from an empty scene (or ``start``); see the module doc for
    ``rollback``, ``patience``, ``observer`` and ``step_metrics``. Steps are numbered from
    ``first_step`` and new object ids avoid ``used`` (:attr:`Episode.used_ids` of the episode this
    one continues). Deterministic for a deterministic policy."""
    if patience is not None and patience < 1:
        raise ValueError(f"patience must be at least 1, got {patience}")
    if not step_metrics and (rollback or patience is not None):
        raise ValueError("step_metrics=False cannot be combined with rollback or patience (both score every step)")

    def measure(s: Scene) -> Any:  # the metrics dict, or with step_metrics=False a _Metrics
        return scene_metrics(s) if step_metrics else _Metrics(s)

    scene = start if start is not None else Scene(prompt=prompt, seed=seed)
    policy.reset(prompt, seed)
    requirements = list(policy.requirements())
    episode = Episode(scene)
    last_error: dict | None = None
    last_report: dict | None = None
    last_program: str | None = None
    metrics: Any = measure(scene) if scene.rooms else {}
    fidelity = scene_fidelity(scene, requirements)
    current = score(metrics, fidelity) if step_metrics else None
    best = current.reward if current is not None else 0.0
    stale = 0
    renders: tuple[str, ...] = ()
    rendered_for: Scene | None = None
    #: ids the applied programs gave out (see :func:`worldsmith.dsl.execute`'s ``used_ids``)
    used_ids: set[str] = {o.id for o in scene.objects} | set(used)
    stop = "max_steps"
    for step in range(first_step, first_step + max_steps):
        t_obs = 0.0
        if observer is not None and scene.rooms:
            if scene is not rendered_for:  # the scene changed since the last renders
                t = time.perf_counter()
                renders = tuple(observer.observe(scene, step))
                t_obs = time.perf_counter() - t
                rendered_for = scene
        if step_metrics:
            obs: Observation = Observation(prompt, seed, step, scene, last_error, last_report, metrics, renders,
                                           fidelity, last_program, first_step + max_steps)
        else:
            obs = _LazyObservation(prompt, seed, step, scene, last_error, last_report, {}, renders, fidelity,
                                   last_program, first_step + max_steps,
                                   metrics=metrics if isinstance(metrics, _Metrics) else None)
        t0 = time.perf_counter()
        action = policy.act(obs)
        t_policy = time.perf_counter() - t0
        if action is None:
            stop = "policy_done"
            break
        if progress:
            progress(step, action.stage)
        t1 = time.perf_counter()
        record: dict = {"step": step, "stage": action.stage, "note": action.note, "reasoning": action.reasoning,
                        "observation": obs.record_summary() if isinstance(obs, _LazyObservation) else obs.summary(),
                        "renders": list(renders), "views": list(action.views),
                        "program": action.program, "rolled_back": False}
        new_metrics, new_fidelity, applied = metrics, fidelity, False
        if action.error is not None:  # the policy failed to produce a program (an unparsable reply)
            last_error, last_report = dict(action.error), None
            record.update(ok=False, error=last_error, apply_report=None)
            t2 = t3 = time.perf_counter()
        elif not action.program.strip():  # "done()" alone: nothing to run
            last_error, last_report = None, None
            record.update(ok=True, error=None, apply_report=None)
            t2 = t3 = time.perf_counter()
        else:
            try:
                result = execute(action.program, scene, seed=seed, used_ids=used_ids)
            except DSLError as exc:
                last_error, last_report = exc.to_dict(), None
                record.update(ok=False, error=last_error, apply_report=None)
                log.info("step %d (%s) failed: %s", step, action.stage, exc)
                t2 = t3 = time.perf_counter()
            else:
                t2 = time.perf_counter()
                new_metrics = measure(result.scene)
                new_fidelity = scene_fidelity(result.scene, requirements)
                t3 = time.perf_counter()
                if rollback and (after := score(new_metrics, new_fidelity)).worse_than(current):
                    message = _worse_message(current, after, metrics, new_metrics)
                    last_error = {"code": "E_ROLLED_BACK", "line": None, "message": message,
                                  "hint": "; ".join(_worse_details(metrics, new_metrics, fidelity, new_fidelity))
                                  or "keep what already works; change less per step"}
                    last_report = result.report.to_dict()
                    record.update(ok=False, error=last_error, rolled_back=True, apply_report=last_report)
                    log.info("step %d (%s) rolled back: %s", step, action.stage, message)
                    new_metrics, new_fidelity = metrics, fidelity
                else:
                    applied = True
                    scene = result.scene
                    last_error, last_report = None, result.report.to_dict()
                    record.update(ok=True, error=None, apply_report=last_report)
                    episode.programs.append((action.stage, action.program))
                    used_ids |= {a.id for a in result.actions if isinstance(a, AddObject)}
                    episode.substitutions += result.substitutions
                    episode.unplaced += result.report.unplaced
        last_program = action.program
        metrics, fidelity = new_metrics, new_fidelity
        if applied and step_metrics:
            current = score(metrics, fidelity)
        if isinstance(metrics, _Metrics):
            shown = metrics.value if metrics.computed else {}
        else:
            shown = metrics
        record["metrics"] = {k: (len(v) if k != "navigability" else v) for k, v in shown.items()}
        record["score"] = current.to_dict() if current is not None else None
        record["usage"] = dict(action.usage)
        record["timings_s"] = {"observe": round(t_obs, 4), "policy": round(t_policy, 4), "exec": round(t2 - t1, 4),
                               "validate": round(t3 - t2, 4)}
        episode.trajectory.append(record)
        episode.usage = add_usage(episode.usage, action.usage)
        if current is not None and current.reward > best + 1e-9:
            best, stale = current.reward, 0
        else:
            stale += 1
        if action.final:
            stop = "done"
            break
        if patience is not None and stale >= patience:
            stop = "patience"
            log.info("episode stopped: %d steps without a better reward", stale)
            break
    else:
        log.warning("episode stopped after max_steps=%d", max_steps)
    episode.scene = scene
    episode.metrics = (metrics or scene_metrics(scene)) if step_metrics else {}
    episode.explanations = list(policy.explanations())
    episode.stop_reason = stop
    episode.used_ids = used_ids
    return episode
