"""run_episode(step_metrics=False): metrics on demand give the same episode as per-step metrics."""

from __future__ import annotations

import pytest

from worldsmith.pipeline import episode as episode_mod
from worldsmith.pipeline.episode import run_episode
from worldsmith.pipeline.generate import make_policy, program_text, run_planner
from worldsmith.policy.protocol import Observation

CASES = [("a cozy bedroom", 1), ("a small kitchen", 5), ("a living room with a sofa and a bookshelf", 3),
         ("a home office", 7), ("a kids room with toys", 2)]

#: what step_metrics=False leaves out of a trajectory record (documented in the module doc)
UNSCORED = ("metrics", "score", "timings_s", "observation")


class Counting:
    def __init__(self, monkeypatch):
        self.calls = 0
        real = episode_mod.scene_metrics

        def counted(scene):
            self.calls += 1
            return real(scene)

        monkeypatch.setattr(episode_mod, "scene_metrics", counted)


def _same_episode(a, b):
    assert b.scene == a.scene
    assert b.programs == a.programs
    assert b.explanations == a.explanations
    assert (b.stop_reason, b.used_ids, b.unplaced, b.substitutions) == (a.stop_reason, a.used_ids, a.unplaced,
                                                                      a.substitutions)
    assert len(b.trajectory) == len(a.trajectory)
    for ra, rb in zip(a.trajectory, b.trajectory):
        assert {k: v for k, v in rb.items() if k not in UNSCORED} == {k: v for k, v in ra.items() if k not in UNSCORED}
        obs_a = {k: v for k, v in ra["observation"].items() if k != "problems"}
        obs_b = {k: v for k, v in rb["observation"].items() if k != "problems"}
        assert obs_b == obs_a
        assert rb["score"] is None


@pytest.mark.parametrize("prompt,seed", CASES)
def test_metrics_on_demand_give_the_same_episode(prompt, seed, monkeypatch):
    count = Counting(monkeypatch)
    eager = run_episode(make_policy("offline"), prompt, seed)
    eager_calls, count.calls = count.calls, 0
    lazy = run_episode(make_policy("offline"), prompt, seed, step_metrics=False)
    _same_episode(eager, lazy)
    # the planner's fixup step read the validation (so the lazy path ran), and far fewer scenes were
    # validated: the scene after every applied step before, only what the fixup steps read now
    assert 1 <= count.calls <= 3 < eager_calls == len([r for r in eager.trajectory if r["ok"]])
    assert eager.metrics and lazy.metrics == {}


class Reader:
    """The offline planner, reading (and keeping) every observation's validation first."""

    def __init__(self):
        self.inner = make_policy("offline")
        self.name = "reader"
        self.seen: list[dict] = []

    def reset(self, prompt, seed):
        self.inner.reset(prompt, seed)

    def act(self, obs: Observation):
        self.seen.append(obs.validation)
        assert isinstance(obs, Observation) and type(obs.validation) is dict
        return self.inner.act(obs)

    def explanations(self):
        return self.inner.explanations()

    def requirements(self):
        return self.inner.requirements()


def test_a_policy_reads_the_same_validation_either_way():
    eager, lazy = Reader(), Reader()
    a = run_episode(eager, "a living room with a sofa and a bookshelf", 3)
    b = run_episode(lazy, "a living room with a sofa and a bookshelf", 3, step_metrics=False)
    assert lazy.seen == eager.seen
    assert eager.seen[0] == {} and all(set(v) >= {"collisions", "navigability"} for v in eager.seen[1:])
    assert b.scene == a.scene
    # each observation's validation was read before its record was written, so the records show its
    # problems; a record's own "metrics" (the scene after the step, read at the next step) stay empty
    assert [r["observation"] for r in b.trajectory] == [r["observation"] for r in a.trajectory]
    assert all(r["metrics"] == {} for r in b.trajectory) and all(r["metrics"] for r in a.trajectory)


def test_run_planner_passes_the_option_and_keeps_the_scene():
    a, _ = run_planner("offline", "a dining room for six", 4)
    b, _ = run_planner("offline", "a dining room for six", 4, step_metrics=False)
    assert b.scene == a.scene and program_text(b) == program_text(a)
    assert all(r["score"] is None for r in b.trajectory) and all(r["score"] for r in a.trajectory)


@pytest.mark.parametrize("kwargs", [{"rollback": True}, {"patience": 3}])
def test_metrics_on_demand_refuse_scoring_options(kwargs):
    with pytest.raises(ValueError, match="step_metrics=False"):
        run_episode(make_policy("offline"), "a bedroom", 1, step_metrics=False, **kwargs)
