"""Rollouts: programs run block by block; a bad line costs its block, never the room."""

from __future__ import annotations

from worldsmith.dsl import execute
from worldsmith.improve.rollout import evaluate, run_blocks, split_blocks
from worldsmith.metrics import validate
from worldsmith.scene import Scene, dumps

ROOM = "room('study', width=4, depth=3.5, height=2.7)\ndoor('wall_0', at=0.5)"
GOOD = ROOM + """
h0 = add('desk')
place(h0, against='wall_2')
h1 = add('chair')
place(h1, in_front_of='desk_0', facing='desk_0')
h2 = add('bookshelf')
place(h2, against='wall_1')
"""


def test_blocks_group_a_handle_with_its_edits():
    blocks = split_blocks(GOOD + "rotate(h0, by=0)\nlight('ceiling')\n")
    assert blocks[0] == "room('study', width=4, depth=3.5, height=2.7)"
    assert blocks[1] == "door('wall_0', at=0.5)"
    # the late edit of h0 merges h0's block with the ones after it (order kept)
    assert blocks[2].splitlines() == ["h0 = add('desk')", "place(h0, against='wall_2')", "h1 = add('chair')",
                                      "place(h1, in_front_of='desk_0', facing='desk_0')", "h2 = add('bookshelf')",
                                      "place(h2, against='wall_1')", "rotate(h0, by=0)"]
    assert blocks[3] == "light('ceiling')"
    assert len(split_blocks(GOOD)) == 5
    # a handle used by a later line (placing relative to it) keeps both in one block
    rel = "h0 = add('desk')\nplace(h0, at=(1, 1))\nh1 = add('chair')\nplace(h1, in_front_of=h0)\nlight()"
    assert split_blocks(rel) == ["h0 = add('desk')\nplace(h0, at=(1, 1))\nh1 = add('chair')\nplace(h1, in_front_of=h0)",
                                 "light()"]
    assert split_blocks("for i in range(2):\n    add('chair')\nlight('ceiling')") == \
        ["for i in range(2):\n    add('chair')", "light('ceiling')"]
    assert split_blocks("fill('desk_0',\n     ['lamp'])\nlight()") == ["fill('desk_0',\n     ['lamp'])", "light()"]


def test_a_good_program_runs_like_the_whole_program():
    run = run_blocks(GOOD, "a study", 3)
    assert run.errors == [] and run.applied == run.blocks == 5
    whole = execute(GOOD, Scene(prompt="a study", seed=3), seed=3).scene
    assert sorted(o.id for o in run.scene.objects) == sorted(o.id for o in whole.objects) == \
        ["bookshelf_0", "chair_0", "desk_0"]
    assert not any(validate(run.scene).to_dict().values())


def test_a_bad_block_is_dropped_and_reported_and_the_rest_stands():
    bad = GOOD.replace("h1 = add('chair')", "h1 = add('chair', colour='red')")
    run = run_blocks(bad, "a study", 3)
    assert run.blocks == 5 and run.applied == 4
    assert [e["block"] for e in run.errors] == [3]
    assert run.errors[0]["code"].startswith("E_")
    assert sorted(o.category for o in run.scene.objects) == ["bookshelf", "desk"]
    assert "colour" not in run.program and run.program.count("\n") == GOOD.strip().count("\n") - 2
    # the kept program is exactly what built the scene
    again = run_blocks(run.program, "a study", 3)
    assert again.errors == [] and dumps(again.scene) == dumps(run.scene)


def test_without_a_room_nothing_stands_and_the_reward_is_zero():
    out = evaluate({"kind": "program", "prompt": "a study with a desk", "seed": 0, "program": "add('desk')\nlight()",
                    "reward": "fidelity+plausibility"})
    assert out["reward"] == 0.0 and out["applied"] == 0 and len(out["errors"]) == 2


def test_evaluate_is_deterministic_and_scores_the_planner():
    task = {"kind": "planner", "prompt": "a small study with a desk and a bookshelf", "seed": 5, "temperature": 1.5,
            "reward": "fidelity+plausibility", "scene": True}
    a, b = evaluate(task), evaluate(task)
    assert a["scene_json"] == b["scene_json"] and a["program"] == b["program"] and a["reward"] == b["reward"]
    assert a["breakdown"]["fidelity"] == 1.0 and 0.0 < a["reward"] <= 1.0
    # the planner's program, run block by block, rebuilds a room with the same objects
    again = run_blocks(a["program"], task["prompt"], 5)
    assert again.errors == []
    assert sorted(o.id for o in again.scene.objects) == sorted(o.id for o in __import__(
        "worldsmith.scene", fromlist=["loads"]).loads(a["scene_json"]).objects)
