"""The Policy protocol: what the episode runner asks of a policy, and what it shows it.

A policy reads an :class:`Observation` (the prompt, the scene so far, a summary, the last
program's errors and apply report, validation metrics) and answers with a :class:`PolicyStep`: a
short DSL program and the stage it belongs to, or ``None`` when it considers the scene done. The
offline planner, the VLM policy and the scripted test policy all speak this protocol; the runner
(:mod:`worldsmith.pipeline.episode`) executes each program and feeds the outcome back.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from ..scene import Scene

#: the stages a step may belong to, in the order an episode usually visits them
STAGES = ("shell", "large", "wall", "ceiling", "lighting", "small", "fixup")


@dataclass(frozen=True)
class Observation:
    """What the policy sees before a step.

    ``last_error`` is ``{"code", "line", "message", "hint"}`` when the previous program failed (its
    actions were not applied); ``last_report`` is that program's apply report (added, placed,
    unplaced, relations ...); ``validation`` the plausibility metrics of ``scene`` (collisions,
    out_of_bounds, blocked_openings, unsupported, navigability); ``renders`` file paths of images of
    the scene when a renderer is configured (empty otherwise; a file name containing ``topdown`` is
    the labelled top-down view, the others perspective views); ``fidelity`` the
    :func:`worldsmith.metrics.fidelity.prompt_fidelity` record of the policy's requirements on
    ``scene`` (``{"requirements": [...], "satisfied", "total", "share"}``, empty when the runner
    does not compute it); ``last_program`` the program of the previous step (applied, failed or
    rolled back: ``last_error["code"] == "E_ROLLED_BACK"`` says it made the scene worse and why);
    ``max_steps`` the episode's step budget."""

    prompt: str
    seed: int
    step: int
    scene: Scene
    last_error: dict | None = None
    last_report: dict | None = None
    validation: dict = field(default_factory=dict)
    renders: tuple[str, ...] = ()
    fidelity: dict = field(default_factory=dict)
    last_program: str | None = None
    max_steps: int | None = None

    def summary(self) -> dict[str, Any]:
        """A compact, JSON-ready description of the scene (what the trajectory records)."""
        s = self.scene
        return {
            "rooms": [{"id": r.id, "name": r.name, "area_m2": round(r.area, 3), "height": r.height,
                       "openings": [o.id for o in r.openings]} for r in s.rooms],
            "objects": len(s.objects),
            "categories": dict(sorted(Counter(o.category for o in s.objects).items())),
            "lights": len(s.lights),
            "problems": {k: len(v) for k, v in self.validation.items() if isinstance(v, list)},
            "last_error": self.last_error,
        }


#: what a step's ``usage`` counts of its model calls (:meth:`worldsmith.policy.vlm.client.ChatReply.usage_record`)
USAGE_KEYS = ("requests", "attempts", "prompt_tokens", "completion_tokens", "total_tokens", "cost_usd", "seconds")


def add_usage(total: dict, usage: dict) -> dict:
    """``total`` plus ``usage`` over :data:`USAGE_KEYS` (missing keys count 0; ``{}`` when both are empty)."""
    if not usage and not total:
        return {}
    out = {k: total.get(k, 0) + usage.get(k, 0) for k in USAGE_KEYS}
    out["cost_usd"] = round(out["cost_usd"], 9)
    out["seconds"] = round(out["seconds"], 4)
    return out


@dataclass(frozen=True)
class PolicyStep:
    """A policy's answer: a DSL ``program`` for ``stage`` and a one-line ``note`` on its intent.

    ``reasoning`` is the model's own explanation (recorded in the trajectory); ``usage`` what the
    step cost (``{"requests", "prompt_tokens", "completion_tokens", "cost_usd", "seconds", ...}``);
    ``final`` says the policy is done after this step (a VLM answered with a program and
    ``done()``; an empty ``program`` then is a step that changes nothing); ``views`` extra images
    the policy rendered for itself (paths, e.g. the asset policy's close views); ``error`` a
    policy-level failure of this step (``{"code", "line", "message", "hint"}``, e.g. a model reply
    with no program): the runner records the step as failed and shows the error next time."""

    program: str
    stage: str = "large"
    note: str = ""
    reasoning: str = ""
    usage: dict = field(default_factory=dict)
    final: bool = False
    views: tuple[str, ...] = ()
    error: dict | None = None


@runtime_checkable
class Policy(Protocol):
    """A scene-building policy. ``reset`` starts an episode; ``act`` returns the next step or
    ``None`` when done; ``explanations`` lists what the policy chose not to do or changed and why
    (omitted, shrunk or swapped objects) for the report; ``requirements`` what it understood the
    prompt to ask for, as :mod:`worldsmith.metrics.fidelity` requirement maps (the report's
    ``prompt_fidelity`` checks each on the final scene)."""

    name: str

    def reset(self, prompt: str, seed: int) -> None: ...

    def act(self, observation: Observation) -> PolicyStep | None: ...

    def explanations(self) -> list[dict]: ...

    def requirements(self) -> list[dict]: ...
