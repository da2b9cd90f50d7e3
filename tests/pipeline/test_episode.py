"""The episode runner with the scripted policy: errors go back to the policy, nothing is lost."""

from __future__ import annotations

from worldsmith.pipeline.episode import run_episode
from worldsmith.policy.protocol import Observation, Policy, PolicyStep
from worldsmith.policy.scripted import ScriptedPolicy


class Recorder(ScriptedPolicy):
    def __init__(self, programs):
        super().__init__(programs)
        self.seen: list[Observation] = []

    def act(self, observation):
        self.seen.append(observation)
        return super().act(observation)


def test_a_failed_step_changes_nothing_and_its_error_reaches_the_policy():
    policy = Recorder([
        PolicyStep('room("r", width=4, depth=3)\n', "shell"),
        PolicyStep('s = add("sofa")\nplace(s, against="wall_9")\n', "large"),
        PolicyStep('s = add("sofa")\nplace(s, against="wall_2")\n', "large"),
    ])
    assert isinstance(policy, Policy)
    ep = run_episode(policy, "a room with a sofa", seed=0)
    assert [r["ok"] for r in ep.trajectory] == [True, False, True]
    err = policy.seen[2].last_error
    assert err["code"] == "E_BAD_ARGUMENT" and err["line"] == 2
    assert policy.seen[2].scene.objects == ()  # the failed step added nothing
    assert [o.id for o in ep.scene.objects] == ["sofa_0"]
    assert [p for _, p in ep.programs] == [policy.steps[0].program, policy.steps[2].program]
    assert ep.trajectory[2]["metrics"]["collisions"] == 0
    assert ep.trajectory[1]["observation"]["objects"] == 0
