"""The asset-level phase of an episode: one step per container, written by the asset-level policy.

:class:`AssetPhase` wraps an :class:`~worldsmith.policy.assets.policy.AssetPolicy` as a
:class:`~worldsmith.policy.protocol.Policy`, so the episode runner applies, validates, rolls back and
records its programs like any other: at each step it takes the next container that holds no small
objects yet and has not had its turn (:meth:`AssetPolicy.containers`), asks the asset policy for a
plan (what goes there, how many, where: by pointing at a close view), and returns the plan's DSL
program as a ``stage="small"`` step with the close views and the model usage. It ends when every
container had its turn. Rejected points and skipped items become explanations for the report. If
the model cannot be reached (:class:`~worldsmith.policy.vlm.client.VLMError` after the client's
retries) the phase ends there, keeping the scene dressed so far, with an explanation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from ..protocol import Observation, PolicyStep


class AssetPhase:
    """See the module doc. ``requirements`` are those of the episode's scene policy (the runner
    scores every step against them)."""

    name = "assets"

    def __init__(self, policy: Any, requirements: Sequence[dict] = (), root: str | Path | None = None):
        self.policy = policy
        #: views are recorded relative to this folder (the episode's output folder) when given
        self.root = Path(root) if root is not None else None
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
            from ..vlm.client import VLMError

            try:
                plan = self.policy.plan(observation.scene, cid, seed=self.seed, prompt=self.prompt)
            except VLMError as exc:
                self.notes.append({"action": "stopped", "stage": "small", "object": cid, "reason": str(exc)})
                return None
            for r in plan.rejected:
                self.notes.append({"action": "rejected point", "object": cid, "reason": r.get("reason"),
                                   "point": r.get("point")})
            for s in plan.skipped:
                self.notes.append({"action": "skipped", "object": cid, **dict(s)})
            if not plan.program.strip():
                continue
            cats = sorted({i["category"] for i in plan.items})
            return PolicyStep(plan.program, stage="small", note=f"{len(plan.items)} small objects on {cid}: "
                              + ", ".join(cats), usage=dict(plan.usage), views=tuple(self._relative(v) for v in plan.views))
        return None

    def _relative(self, path: Any) -> str:
        p = Path(path)
        if self.root is not None and p.is_absolute():
            try:
                return p.relative_to(self.root).as_posix()
            except ValueError:
                pass
        return str(path)

    def explanations(self) -> list[dict]:
        return list(self.notes)

    def requirements(self) -> list[dict]:
        return list(self._requirements)
