"""Edits keep objects on their declared support: a refused edit names the problem and a fix."""

from __future__ import annotations

import pytest

from worldsmith.dsl import DSLError, execute
from worldsmith.scene import dumps

BASE = """room("r", width=5, depth=4)
art = add("painting")
place(art, against="wall_3", at=0.5, height=1.4)
table = add("coffee_table")
place(table, at=(2.5, 2.0))
mug = add("mug", on=table)
sofa = add("sofa")
place(sofa, against="wall_0")
"""


@pytest.mark.parametrize("edit, needle", [
    ("move('painting_0', dx=0.3)", "would leave wall_3"),
    ("rotate('painting_0', by=10)", "would turn away from wall_3"),
    ("move('painting_0', dy=3.0)", "past the end of wall_3"),
    ("move('mug_0', dx=2.0)", "hang off the edge of coffee_table_0"),
    ("move('mug_0', dz=0.2)", "float above coffee_table_0"),
    ("place('mug_0', at=(0.5, 0.5))", "hang off the edge"),
    ("move('sofa_0', dz=0.2)", "float 0.20 m above the floor"),
    ("place('sofa_0', against='wall_1', height=1.0)", "height= is for wall-mounted objects"),
])
def test_edits_that_break_support_are_refused(edit, needle):
    # a later program (a later policy step) refers to objects by id
    start = execute(BASE, seed=1).scene
    with pytest.raises(DSLError) as info:
        execute(edit, scene=start, seed=1)
    assert info.value.code == "E_CONFLICT"
    assert needle in info.value.message
    assert info.value.line == 1 and info.value.hint


def test_edits_along_the_support_are_fine():
    start = execute(BASE, seed=1).scene
    program = ("move('painting_0', dy=0.4)\nmove('mug_0', dx=0.05)\nrotate('mug_0', by=30)\n"
               "move('coffee_table_0', dx=0.5)")
    result = execute(program, scene=start, seed=1)
    scene = result.scene
    art, mug, table = scene.object("painting_0"), scene.object("mug_0"), scene.object("coffee_table_0")
    before = start.object("painting_0")
    assert art.position[0] == before.position[0] and art.position[1] == pytest.approx(before.position[1] + 0.4)
    # the mug followed the table's move and stayed on its top
    assert mug.position[0] == pytest.approx(start.object("mug_0").position[0] + 0.55)
    assert mug.position[2] == pytest.approx(table.position[2] + start.object("mug_0").position[2])


def test_light_kind_must_be_a_string_and_helpers_are_not_functions():
    start = execute(BASE, seed=1).scene
    for program, code in (("light([])", "E_BAD_ARGUMENT"), ("_handle_field(art, 'x')", "E_FORBIDDEN"),
                          ("handle_field(art, 'x')", "E_UNKNOWN_FUNCTION")):
        with pytest.raises(DSLError) as info:
            execute("art = objects('painting')[0]\n" + program, scene=start)
        assert info.value.code == code
    assert dumps(start) == dumps(execute("", scene=start).scene)
