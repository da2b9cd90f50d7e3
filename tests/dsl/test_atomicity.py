"""All or nothing: a failing program or action list leaves the caller's scene exactly as it was."""

from __future__ import annotations

import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from worldsmith.dsl import DSLError, apply, execute
from worldsmith.dsl import actions as A
from worldsmith.scene import Scene, dumps

START = """\
room("living room", width=5.2, depth=4.4, height=2.8)
door("wall_0", at=0.3, width=0.9)
sofa = add("sofa")
place(sofa, against="wall_2")
"""

# nine valid actions, one per line, on top of START's scene
NINE_VALID = """\
window("wall_2", at=0.5, width=1.6)
material("floor", "light oak planks")
c = add("chair")
place(c, at=(1.0, 1.5), yaw=90)
t = add("table")
move(t, dx=0.3)
rotate(objects("sofa")[0], by=10)
light("ceiling", watts=60)
resize(t, width=1.4)
"""
CONFLICTING_DOOR = 'door("wall_0", at=0.35, width=0.9)\n'  # overlaps door_0


@pytest.fixture(scope="module")
def start() -> Scene:
    return execute(START, seed=3).scene


def test_program_whose_tenth_action_conflicts_leaves_the_scene_unchanged(start):
    before = dumps(start)
    ok = execute(NINE_VALID, scene=start, seed=3)
    assert len(ok.actions) == 9
    with pytest.raises(DSLError) as info:
        execute(NINE_VALID + CONFLICTING_DOOR, scene=start, seed=3)
    assert info.value.code == "E_CONFLICT"
    assert info.value.line == 10
    assert "door_0" in info.value.message
    assert dumps(start) == before
    # nothing leaked into later runs either
    assert dumps(execute(NINE_VALID, scene=start, seed=3).scene) == dumps(ok.scene)


@pytest.mark.parametrize("tail, code", [
    (CONFLICTING_DOOR, "E_CONFLICT"),
    ('remove("ghost_0")\n', "E_CONFLICT"),
    ('place(c, at=(50, 50))\n', "E_CONFLICT"),
    ('room("again", width=3, depth=3)\n', "E_CONFLICT"),
    ('add("sofa", asset="nolib/nothing")\n', "E_BAD_ARGUMENT"),
    ("x = 1 / 0\n", "E_BAD_ARGUMENT"),
    ("import os\n", "E_FORBIDDEN"),
    ("for i in range(10**9):\n    pass\n", "E_BUDGET"),
])
def test_any_late_failure_leaves_the_scene_unchanged(start, tail, code):
    before = dumps(start)
    with pytest.raises(DSLError) as info:
        execute(NINE_VALID + tail, scene=start, seed=3)
    assert info.value.code == code
    assert info.value.line == 10
    assert dumps(start) == before


def _nine_actions(start: Scene) -> list:
    return execute(NINE_VALID, scene=start, seed=3).actions


def test_apply_with_a_conflicting_tenth_action(start):
    actions = _nine_actions(start)
    bad = A.AddOpening("door", "wall_0", 0.35, 0.9, 2.1)
    before = dumps(start)
    listed = list(actions) + [bad]
    with pytest.raises(DSLError) as info:
        apply(start, listed)
    assert info.value.code == "E_CONFLICT"
    assert info.value.action_index == 9
    assert dumps(start) == before
    assert listed == list(actions) + [bad]  # the list itself is untouched
    # the first nine alone apply fine, and give the executor's scene
    scene, report = apply(start, actions)
    assert dumps(scene) == dumps(execute(NINE_VALID, scene=start, seed=3).scene)
    assert dumps(start) == before
    assert report.added == ["chair_0", "table_0"]
    assert report.lights == ["light_0"]


def test_apply_accepts_any_iterable_and_reports_the_failing_index(start):
    actions = _nine_actions(start)
    with pytest.raises(DSLError) as info:
        apply(start, iter(actions + [A.Remove("ghost_0")] + actions))
    assert info.value.action_index == 9
    with pytest.raises(DSLError) as info:
        apply(start, [A.Move("ghost_0", dx=1.0)] + actions)
    assert info.value.action_index == 0
    with pytest.raises(DSLError) as info:
        apply(start, actions + ["not an action"])  # type: ignore[list-item]
    assert info.value.action_index == 9 and info.value.code == "E_BAD_ARGUMENT"


def test_replaying_the_same_actions_twice_conflicts_atomically(start):
    """Re-applying the same actions fails at the first one that clashes with itself (the window
    would overlap its twin; ids are fixed when the program runs), and applies nothing."""
    actions = _nine_actions(start)
    once, _ = apply(start, actions)
    before = dumps(once)
    with pytest.raises(DSLError) as info:
        apply(once, actions)
    assert info.value.code == "E_CONFLICT"
    assert info.value.action_index == 0  # the window overlaps window_0, added the first time
    assert dumps(once) == before


@functools.lru_cache(maxsize=1)
def _cached_start_and_actions() -> tuple[Scene, list]:
    scene = execute(START, seed=3).scene
    return scene, _nine_actions(scene)


BAD_ACTIONS = [
    A.AddOpening("door", "wall_0", 0.3, 0.9, 2.1),  # overlaps door_0
    A.AddOpening("window", "wall_0", 0.5, 9.0, 1.0),  # wider than the wall
    A.AddOpening("door", "wall_9", 0.5, 0.9, 2.1),  # no such wall
    A.Remove("ghost_0"),
    A.Move("sofa_0", dx=50.0),  # out of the room
    A.Rotate("ghost_0", 10.0),
    A.Resize("ghost_0", (1.0, 1.0, 1.0)),
    A.CreateRoom("again", ((0, 0), (3, 0), (3, 3)), 2.5),
    A.SetMaterial("wall_9", "brick"),
]


@settings(max_examples=25, deadline=None)
@given(k=st.integers(min_value=0, max_value=9), bad=st.sampled_from(BAD_ACTIONS))
def test_a_failure_at_any_index_applies_nothing(k, bad):
    start, actions = _cached_start_and_actions()
    before = dumps(start)
    seq = list(actions[:k]) + [bad] + list(actions[k:])
    with pytest.raises(DSLError) as info:
        apply(start, seq)
    assert info.value.action_index == k
    assert dumps(start) == before
    prefix, _ = apply(start, actions[:k])  # what precedes the failure is valid on its own
    assert len(prefix.objects) >= len(start.objects)


def test_executor_working_copy_is_not_the_callers_scene(start):
    """Queries inside a program see its own edits; the caller's scene never does."""
    r = execute('s = objects("sofa")[0]\nx0 = s.x\nmove(s, dx=0.5)\nprint(s.x - x0)\nremove(s)\n'
                "print(len(objects()))", scene=start)
    assert r.output == ["0.5", "0"]
    assert [o.id for o in start.objects] == ["sofa_0"]
