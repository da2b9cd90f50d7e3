"""The asset-level phase of an episode: one step per container, written by the asset-level policy.

:class:`AssetPhase` wraps an :class:`~worldsmith.policy.assets.policy.AssetPolicy` as a
:class:`~worldsmith.policy.protocol.Policy`, so the episode runner applies, validates, rolls back and
records its programs like any other: at each step it takes the next container that holds no small
objects yet and has not had its turn (:meth:`AssetPolicy.containers`), asks the asset policy for a
plan (what goes there, how many, where: by pointing at a close view), and returns the plan's DSL
program as a ``stage="small"`` step with the close views and the model usage. It ends when every
container had its turn. Rejected points and skipped items become explanations for the report.
"""

from __future__ import annotations

from typing import Any, Sequence

from ..protocol import Observation, PolicyStep


class AssetPhase:
    """See the module doc. ``requirements`` are those of the episode's scene policy (the runner
    scores every step against them)."""

    name = "assets"

    def __init__(self, policy: Any, requirements: Sequence[dict] = ()):
        self.policy = policy
        self._requirements = list(requirements)
        self.prompt = ""
        self.seed = 0
        self.turns: list[str] = []
        self.notes: list[dict] = []

    def reset(self, prompt: str, seed: int) -> None:
        self.prompt, self.seed = prompt, seed
        self.turns, self.notes = [], []

    def act(self, observation: Observation) -> PolicyStep | None:
        for cid in self.policy.containers(observation.scene):
            if cid in self.turns:
                continue
            self.turns.append(cid)
            plan = self.policy.plan(observation.scene, cid, seed=self.seed, prompt=self.prompt)
            for r in plan.rejected:
                self.notes.append({"action": "rejected point", "object": cid, "reason": r.get("reason"),
                                   "point": r.get("point")})
            for s in getattr(plan, "skipped", ()) or ():
                self.notes.append({"action": "skipped", "object": cid, **dict(s)})
            if not plan.program.strip():
                continue
            cats = sorted({i["category"] for i in plan.items})
            return PolicyStep(plan.program, stage="small", note=f"{len(plan.items)} small objects on {cid}: "
                              + ", ".join(cats), usage=dict(plan.usage), views=tuple(plan.views))
        return None

    def explanations(self) -> list[dict]:
        return list(self.notes)

    def requirements(self) -> list[dict]:
        return list(self._requirements)
