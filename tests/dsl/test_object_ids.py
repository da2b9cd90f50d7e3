"""Object ids: a program run in one piece numbers objects exactly as its lines run step by step."""

from __future__ import annotations

from worldsmith.dsl import execute
from worldsmith.scene import Scene, dumps

STEPS = [
    'room("r", width=4, depth=3)\nc = add("curtain")\nplace(c, against="wall_0")\n',
    'remove(objects("curtain")[0])\n',
    'c = add("curtain")\nplace(c, against="wall_2")\nadd("armchair")\n',
]


def test_stepwise_and_whole_program_give_the_same_ids_and_scene():
    scene = Scene(prompt="p", seed=0)
    for step in STEPS:
        scene = execute(step, scene, seed=0).scene
    whole = execute("".join(STEPS), Scene(prompt="p", seed=0), seed=0).scene
    # the removed curtain_0's id is free again in both runs
    assert [o.id for o in scene.objects] == ["curtain_0", "armchair_0"]
    assert dumps(whole) == dumps(scene)
