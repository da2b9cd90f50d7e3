"""material() and add(material=...) record how each description resolved, in the scene itself."""

from __future__ import annotations

from worldsmith.dsl import execute
from worldsmith.materials import get
from worldsmith.scene import dumps, loads

PROGRAM = """
room("studio", width=5, depth=4)
material("floor", "light oak planks")
material("walls", "exposed red brick")
material("ceiling", "pastel pink paint")
s = add("sofa", material="navy velvet")
"""


def test_every_used_description_is_recorded_with_material_score_and_tint():
    scene = execute(PROGRAM).scene
    choices = scene.material_choices
    assert set(choices) == {"light oak planks", "exposed red brick", "pastel pink paint", "navy velvet"}
    assert get(choices["exposed red brick"].material).family == "brick"
    assert get(choices["light oak planks"].material).family == "wood"
    assert get(choices["navy velvet"].material).family == "fabric" and "velvet" in choices["navy velvet"].material
    for c in choices.values():
        assert 0.5 <= c.score <= 1.0
    # navy tints the velvet: blue dominates
    r, g, b = choices["navy velvet"].tint
    assert b > r and b > g
    # the record survives the file round trip byte for byte
    assert dumps(loads(dumps(scene))) == dumps(scene)


def test_choices_follow_the_scene_when_descriptions_go_away():
    scene = execute(PROGRAM + 'remove(s)\nmaterial("walls", "white plaster")\n').scene
    assert "navy velvet" not in scene.material_choices
    assert "exposed red brick" not in scene.material_choices
    assert get(scene.material_choices["white plaster"].material).family == "plaster"
