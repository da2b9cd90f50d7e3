"""Object ids: never given out twice in an episode, so its steps run one by one number objects as
the same programs run in one piece (``program.py``)."""

from __future__ import annotations

from worldsmith.dsl import execute
from worldsmith.dsl.actions import AddObject
from worldsmith.scene import Scene, dumps

STEPS = [
    'room("r", width=4, depth=3)\nc = add("curtain")\nplace(c, against="wall_0")\n',
    'remove(objects("curtain")[0])\n',
    'c = add("curtain")\nplace(c, against="wall_2")\nadd("armchair")\n',
]


def test_stepwise_with_used_ids_and_whole_program_give_the_same_scene():
    scene, used = Scene(prompt="p", seed=0), set()
    for step in STEPS:
        result = execute(step, scene, seed=0, used_ids=used)
        scene = result.scene
        used |= {a.id for a in result.actions if isinstance(a, AddObject)}
    whole = execute("".join(STEPS), Scene(prompt="p", seed=0), seed=0).scene
    # the removed curtain_0's id is not given out again, in either run
    assert [o.id for o in scene.objects] == ["curtain_1", "armchair_0"]
    assert dumps(whole) == dumps(scene)
