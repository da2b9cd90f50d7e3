"""A scripted policy: plays a fixed list of programs, one per step (tests, replays, people)."""

from __future__ import annotations

from typing import Sequence

from .protocol import Observation, PolicyStep


class ScriptedPolicy:
    """Returns ``programs[i]`` at step ``i`` (as :class:`PolicyStep` or plain program text), then
    ``None``. It does not react to errors: a failed program is simply followed by the next one."""

    name = "scripted"

    def __init__(self, programs: Sequence[PolicyStep | str]):
        self.steps = [p if isinstance(p, PolicyStep) else PolicyStep(p, stage="script") for p in programs]
        self._i = 0

    def reset(self, prompt: str, seed: int) -> None:
        self._i = 0

    def act(self, observation: Observation) -> PolicyStep | None:
        if self._i >= len(self.steps):
            return None
        self._i += 1
        return self.steps[self._i - 1]

    def explanations(self) -> list[dict]:
        return []

    def requirements(self) -> list[dict]:
        return []
