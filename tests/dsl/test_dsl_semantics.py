"""What DSL programs mean: error lines, rooms, openings, objects, placement, queries, determinism."""

from __future__ import annotations

import json
import math

import pytest

from worldsmith.assets import catalog
from worldsmith.dsl import DSLError, Handle, apply, execute
from worldsmith.scene import Scene, dumps, front_direction

ROOM = 'room("living room", width=5.2, depth=4.4, height=2.8)\n'


def run(program: str, **kw):
    return execute(program, **kw)


def error_of(program: str, **kw) -> DSLError:
    with pytest.raises(DSLError) as info:
        execute(program, **kw)
    return info.value


# ---------------------------------------------------------------------------------------------
# error line numbers


@pytest.mark.parametrize("program, line, code", [
    ("x = y", 1, "E_UNKNOWN_NAME"),
    ("a = 1\nb = 2\nc = q + a", 3, "E_UNKNOWN_NAME"),
    ("a = 1\n\n# a comment\nb = 2\n\nc = 3\nd = 1 / 0\ne = 4", 7, "E_BAD_ARGUMENT"),
    ("total = 0\nfor i in range(3):\n    total += i\n    bad = total + 'x'\nend = 1", 4, "E_TYPE"),
    ("x = 1\nif x == 1:\n    y = 2\n    z = nope(3)\n", 4, "E_UNKNOWN_FUNCTION"),
    ("x = 1\nif x == 2:\n    y = 2\nelse:\n    y = 3\n    import os\n", 6, "E_FORBIDDEN"),
    ("for i in range(2):\n    for j in range(2):\n        if i == 1 and j == 1:\n            w = [1][5]\n", 4,
     "E_BAD_ARGUMENT"),
    ("x = 1\ny = (\n    1 +\n    2 +\n)\n", None, "E_SYNTAX"),
])
def test_error_line_matches_the_program(program, line, code):
    exc = error_of(program)
    assert exc.code == code
    if line is not None:
        assert exc.line == line
    else:
        assert exc.line is not None and exc.line >= 2
    assert str(exc).startswith(f"line {exc.line}: {code}:")


def test_error_inside_a_multi_line_call_reports_the_call_line():
    program = ROOM + 'x = 1\nsofa = add(\n    "sofa",\n    color=5,\n    style="modern",\n)\n'
    exc = error_of(program)
    assert exc.code == "E_BAD_ARGUMENT"
    assert exc.line == 3  # the line where add( starts


def test_unknown_keyword_in_a_multi_line_call_reports_the_call_line():
    exc = error_of(ROOM + 'door(\n    "wall_0",\n    at=0.5,\n    colour="red",\n)\n')
    assert (exc.code, exc.line) == ("E_BAD_ARGUMENT", 2)
    assert "parameters" in exc.hint


def test_error_in_an_argument_expression_reports_that_expression_line():
    exc = error_of(ROOM + 'sofa = add(\n    "sofa",\n    width=1 / 0,\n)\n')
    assert (exc.code, exc.line) == ("E_BAD_ARGUMENT", 4)


def test_api_error_line_code_and_hint():
    program = ROOM + 'door("wall_0", at=0.3)\nsofa = add("sofa")\nplace(sofa, against="wall_0")\nx = objects("sofaa")\n'
    exc = error_of(program)
    assert exc.line == 5
    assert exc.code == "E_BAD_ARGUMENT"
    assert "did you mean 'sofa'" in exc.hint
    assert exc.to_dict() == {"code": "E_BAD_ARGUMENT", "line": 5, "message": exc.message, "hint": exc.hint}


def test_errors_without_a_room_say_so():
    exc = error_of('x = 1\nsofa = add("sofa")')
    assert (exc.code, exc.line) == ("E_NO_ROOM", 2)
    exc = error_of('door("wall_0")')
    assert (exc.code, exc.line) == ("E_NO_ROOM", 1)


# ---------------------------------------------------------------------------------------------
# rooms


def test_rectangle_room_walls():
    r = run(ROOM + 'print(walls(), wall_length("wall_0"), wall_length("wall_1"), room_bounds())')
    scene = r.scene
    assert len(scene.rooms) == 1
    room = scene.rooms[0]
    assert room.name == "living room" and room.height == 2.8
    assert room.polygon == ((0.0, 0.0), (5.2, 0.0), (5.2, 4.4), (0.0, 4.4))
    expected = {  # start, end, inward normal
        "wall_0": ((0.0, 0.0), (5.2, 0.0), (0.0, 1.0)),  # along y = 0
        "wall_1": ((5.2, 0.0), (5.2, 4.4), (-1.0, 0.0)),  # along x = width
        "wall_2": ((5.2, 4.4), (0.0, 4.4), (0.0, -1.0)),  # along y = depth
        "wall_3": ((0.0, 4.4), (0.0, 0.0), (1.0, 0.0)),  # along x = 0
    }
    assert [w.id for w in scene.walls] == list(expected)
    for wid, (start, end, normal) in expected.items():
        wall = scene.wall(wid)
        assert wall.start == start and wall.end == end
        assert wall.normal == pytest.approx(normal)
    assert r.output == ["['wall_0', 'wall_1', 'wall_2', 'wall_3'] 5.2 4.4 (0.0, 0.0, 5.2, 4.4)"]


def test_l_shaped_polygon_room():
    poly = [(0, 0), (6, 0), (6, 3), (3, 3), (3, 5), (0, 5)]
    r = run(f'room("studio", polygon={poly})\n'
            "print(len(walls()))\n"
            "for w in walls():\n"
            "    print(w, wall_length(w))\n"
            "print(room_bounds())\n"
            's = add("sofa")\n'
            "print(s.x, s.y)\n")
    assert r.output[0] == "6"
    lengths = [float(line.split()[1]) for line in r.output[1:7]]
    assert lengths == pytest.approx([6, 3, 3, 2, 3, 5])
    assert r.output[7] == "(0.0, 0.0, 6.0, 5.0)"
    x, y = map(float, r.output[8].split())
    assert r.scene.rooms[0].contains((x, y))
    # the notch (x > 3, y > 3) is outside the room
    exc = error_of(f'room("studio", polygon={poly})\ns = add("sofa")\nplace(s, at=(5, 4))')
    assert (exc.code, exc.line) == ("E_CONFLICT", 3)
    # the inner corner wall_3 runs from (3, 3) to (3, 5), facing +X
    w3 = r.scene.wall("wall_3")
    assert (w3.start, w3.end) == ((3.0, 3.0), (3.0, 5.0))
    assert w3.normal == pytest.approx((-1.0, 0.0))


def test_clockwise_polygon_is_stored_counter_clockwise_from_the_same_first_vertex():
    cw = [(0, 0), (0, 5), (3, 5), (3, 3), (6, 3), (6, 0)]
    r = run(f'room("studio", polygon={cw})')
    assert r.scene.rooms[0].polygon == ((0, 0), (6, 0), (6, 3), (3, 3), (3, 5), (0, 5))


@pytest.mark.parametrize("program, code", [
    ('room("r", width=0.5, depth=3)', "E_BAD_ARGUMENT"),
    ('room("r", width=3)', "E_BAD_ARGUMENT"),
    ('room("r", width=3, depth=3, polygon=[(0, 0), (1, 0), (0, 1)])', "E_BAD_ARGUMENT"),
    ('room("r", polygon=[(0, 0), (2, 2), (2, 0), (0, 2)])', "E_BAD_ARGUMENT"),  # self-intersecting
    ('room("r", width=3, depth=3)\nroom("s", width=3, depth=3)', "E_CONFLICT"),
    ('room("r", width=3, depth=3, height=100)', "E_BAD_ARGUMENT"),
])
def test_bad_rooms(program, code):
    assert error_of(program).code == code


# ---------------------------------------------------------------------------------------------
# doors and windows


def _opening(scene: Scene, oid: str):
    return {o.id: o for _, o in scene.openings()}[oid]


def test_door_and_window_placement_maths():
    r = run(ROOM + 'd = door("wall_0", at=0.3, width=0.9)\n'
            'w = window("wall_2", at=0.5, width=1.6, height=1.2, sill=0.9)\n'
            'e = door("wall_1", at=0.75, width=1.0, height=2.0, hinge="end", swing="out")\n'
            "print(d, w, e)\n")
    assert r.output == ["door_0 window_0 door_1"]
    d = _opening(r.scene, "door_0")
    assert (d.kind, d.wall) == ("door", "wall_0")
    assert d.offset == pytest.approx(0.3 * 5.2 - 0.9 / 2)
    assert (d.width, d.height, d.sill, d.hinge, d.swing) == (0.9, 2.1, 0.0, "start", "in")
    w = _opening(r.scene, "window_0")
    assert (w.kind, w.wall) == ("window", "wall_2")
    assert w.offset == pytest.approx(0.5 * 5.2 - 1.6 / 2)
    assert (w.width, w.height, w.sill) == (1.6, 1.2, 0.9)
    e = _opening(r.scene, "door_1")
    assert e.offset == pytest.approx(0.75 * 4.4 - 1.0 / 2)
    assert (e.hinge, e.swing, e.height) == ("end", "out", 2.0)
    assert e.center_offset == pytest.approx(0.75 * 4.4)


def test_openings_at_the_wall_ends_are_clamped_onto_the_wall():
    r = run(ROOM + 'door("wall_0", at=0.0, width=0.9)\ndoor("wall_0", at=1.0, width=0.9)')
    assert _opening(r.scene, "door_0").offset == 0.0
    assert _opening(r.scene, "door_1").offset == pytest.approx(5.2 - 0.9)


@pytest.mark.parametrize("call", [
    'door("wall_0", width=4.0)',  # wall_0 is 3 m long
    'window("wall_1", width=3.5)',
    'window("wall_0", height=2.0, sill=1.0)',  # above the 2.8 m ceiling
    'door("wall_0", at=1.5)',
    'door("wall_0", hinge="middle")',
    'door("wall_9")',
])
def test_bad_openings_are_bad_arguments(call):
    exc = error_of('room("r", width=3, depth=3.2)\n' + call)
    assert (exc.code, exc.line) == ("E_BAD_ARGUMENT", 2)


def test_opening_too_wide_has_a_usable_hint():
    exc = error_of('room("r", width=3, depth=3.2)\ndoor("wall_0", width=3.5)')
    assert exc.code == "E_BAD_ARGUMENT" and "width <=" in exc.hint


@pytest.mark.parametrize("second", [
    'door("wall_0", at=0.35)',
    'window("wall_0", at=0.3, width=2.0)',
    'door("wall_0", at=0.3)',
])
def test_overlapping_openings_conflict(second):
    exc = error_of(ROOM + 'door("wall_0", at=0.3)\n' + second)
    assert (exc.code, exc.line) == ("E_CONFLICT", 3)
    assert "door_0" in exc.message


def test_adjacent_openings_and_other_walls_do_not_conflict():
    r = run(ROOM + 'door("wall_0", at=0.3)\nwindow("wall_0", at=0.6, width=1.0)\ndoor("wall_2", at=0.3)')
    assert sorted(o.id for _, o in r.scene.openings()) == ["door_0", "door_1", "window_0"]


def test_materials():
    r = run(ROOM + 'material("floor", "light oak planks")\nmaterial("wall_3", "exposed red brick")\n'
            'material("walls", "white plaster")\nmaterial("wall_1", "blue paint")')
    m = r.scene.rooms[0].materials
    assert dict(m) == {"floor": "light oak planks", "walls": "white plaster", "wall_1": "blue paint"}
    assert error_of(ROOM + 'material("roof", "tiles")').code == "E_BAD_ARGUMENT"


# ---------------------------------------------------------------------------------------------
# objects


@pytest.mark.parametrize("word, category", [
    ("couch", "sofa"), ("settee", "sofa"), ("Sofa", "sofa"), ("sofa", "sofa"), ("picture", "painting"),
    ("chair", "chair"),
])
def test_add_with_synonyms(word, category):
    r = run(ROOM + f'h = add("{word}")\nprint(h, h.category)')
    assert r.output == [f"{category}_0 {category}"]
    assert r.scene.object(f"{category}_0").category == category


def test_add_returns_a_handle_with_sequential_ids_and_catalog_sizes():
    r = run(ROOM + 'a = add("sofa")\nb = add("couch")\nc = add("chair", width=0.5, height=0.9)\n'
            'd = add("sofa", size=(2.5, 1.0, 0.8), color="charcoal", style="modern", material="grey wool")\n'
            "print(a, b, c, d)")
    assert r.output == ["sofa_0 sofa_1 chair_0 sofa_2"]
    assert r.scene.object("sofa_0").size == catalog.get("sofa").size_typical
    assert r.scene.object("chair_0").size == (0.5, catalog.get("chair").size_typical[1], 0.9)
    s2 = r.scene.object("sofa_2")
    assert s2.size == (2.5, 1.0, 0.8)
    assert (s2.attributes.color, s2.attributes.style, dict(s2.attributes.materials)) == (
        "charcoal", "modern", {"main": "grey wool"})
    assert r.report.added == ["sofa_0", "sofa_1", "chair_0", "sofa_2"]


def test_a_new_floor_object_starts_inside_the_room_on_the_floor():
    r = run(ROOM + 's = add("sofa")')
    s = r.scene.object("sofa_0")
    assert s.support == "floor" and s.position[2] == 0.0
    assert r.scene.rooms[0].contains(s.position[:2])


def test_add_never_drops_what_it_does_not_know_word_for_word():
    r = run(ROOM + 'a = add("chiar")\nb = add("king size bed")\nc = add("a harp")\nd = add("couch")\n'
                   'e = add("lamp", on=b)\nf = add("lamp")\n')
    by = {o.id: o for o in r.scene.objects}
    assert set(by) == {"chair_0", "bed_0", "harp_0", "sofa_0", "table_lamp_0", "floor_lamp_0"}
    assert by["table_lamp_0"].support == "object:bed_0" and by["floor_lamp_0"].support == "floor"
    # a proxy is labelled with what was asked for and built by the proxy generator at a guessed size
    harp = by["harp_0"]
    assert harp.category == "harp" and harp.asset.name == "proxy" and harp.asset.params["category"] == "harp"
    assert all(0.05 < v < 3.0 for v in harp.size)
    subs = {s["object"]: s for s in r.substitutions}
    assert set(subs) == {"chair_0", "bed_0", "harp_0", "table_lamp_0", "floor_lamp_0"}  # couch is a synonym
    assert subs["chair_0"]["kind"] == "similar" and "chiar" in subs["chair_0"]["note"]
    assert subs["harp_0"]["kind"] == "proxy" and subs["harp_0"]["score"] < 0.56
    assert subs["bed_0"]["kind"] == "similar" and subs["bed_0"]["category"] == "bed"
    # proxies can be queried by their label and survive a file round trip
    assert run(ROOM + 'h = add("a harp")\nprint(len(objects("harp")))\n').output == ["1"]
    from worldsmith.scene import dumps, loads
    assert dumps(loads(dumps(r.scene))) == dumps(r.scene)


def test_add_count_builds_exactly_what_that_many_adds_build_and_returns_their_handles():
    one_call = run(ROOM + 'hs = add("chair", count=4, style="modern", color="red")\n'
                          'place(hs, against="wall_0", row=True)\nt = add("table")\nprint(len(hs), hs[0], hs[3], t)\n',
                   seed=11)
    assert one_call.output == ["4 chair_0 chair_3 table_0"]
    calls = "".join(f'h{i} = add("chair", style="modern", color="red")\n' for i in range(4))
    four_calls = run(ROOM + calls + 'place([h0, h1, h2, h3], against="wall_0", row=True)\nt = add("table")\n', seed=11)
    assert dumps(one_call.scene) == dumps(four_calls.scene)
    chairs = [o for o in one_call.scene.objects if o.category == "chair"]
    assert len(chairs) == 4 and {o.attributes.style for o in chairs} == {"modern"}
    assert len({o.position for o in chairs}) == 4  # placed as a row, not stacked
    # count=1 still returns a list, so code written for a group works for one
    assert run(ROOM + 'hs = add("sofa", count=1)\nprint(len(hs), hs[0])\n').output == ["1 sofa_0"]


@pytest.mark.parametrize("count", ["0", "51", "2.5", "True", "'3'", "-1"])
def test_a_bad_add_count_is_a_bad_argument_that_names_the_range(count):
    exc = error_of(ROOM + f'hs = add("chair", count={count})')
    assert (exc.code, exc.line) == ("E_BAD_ARGUMENT", 2)
    assert "count must be a whole number from 1 to 50" in exc.message


@pytest.mark.parametrize("call, code", [
    ('add("sofa", width=-1)', "E_BAD_ARGUMENT"),
    ('add("sofa", size=(1, 2))', "E_BAD_ARGUMENT"),
    ('add("sofa", color=(2, 0, 0))', "E_BAD_ARGUMENT"),
    ('add("sofa", surface=1)', "E_BAD_ARGUMENT"),
    ('add("sofa", on="nothing_0")', "E_CONFLICT"),
    ('add(5)', "E_BAD_ARGUMENT"),
    ('add("sofa", flavour="x")', "E_BAD_ARGUMENT"),
])
def test_bad_adds(call, code):
    exc = error_of(ROOM + call)
    assert (exc.code, exc.line) == (code, 2)


def test_place_at_and_yaw():
    r = run(ROOM + 's = add("sofa")\nplace(s, at=(2.0, 1.5), yaw=45)\nprint(s.x, s.y, s.z, s.yaw)\n'
            "place(s, yaw=-90)\nprint(s.yaw)\nplace(s, yaw=450)\nprint(s.yaw)\nplace(s, at=[1, 1])\nprint(s.x, s.yaw)")
    assert r.output == ["2.0 1.5 0.0 45.0", "270.0", "90.0", "1.0 90.0"]


@pytest.mark.parametrize("call, code", [
    ("place(s, at=(10, 1))", "E_CONFLICT"),  # outside the room
    ("place(s)", "E_BAD_ARGUMENT"),
    ("place(s, at=(1,))", "E_BAD_ARGUMENT"),
    ('place(s, against="wall_7")', "E_BAD_ARGUMENT"),
    ('place("sofa_9", at=(1, 1))', "E_CONFLICT"),
    ("place(s, height=1.0)", "E_CONFLICT"),  # height= is for wall objects
])
def test_bad_places(call, code):
    exc = error_of(ROOM + 's = add("sofa")\n' + call)
    assert (exc.code, exc.line) == (code, 3)


@pytest.mark.parametrize("wall", ["wall_0", "wall_1", "wall_2", "wall_3"])
@pytest.mark.parametrize("category", ["sofa", "chair", "table"])
def test_place_floor_object_against_each_wall(wall, category):
    r = run(ROOM + f'h = add("{category}")\nplace(h, against="{wall}")')
    scene = r.scene
    obj = scene.object(f"{category}_0")
    w = scene.wall(wall)
    front = front_direction(obj.yaw_deg)
    assert front == pytest.approx(w.normal, abs=1e-9)  # faces into the room
    back = (obj.position[0] - front[0] * obj.size[1] / 2, obj.position[1] - front[1] * obj.size[1] / 2)
    gap = (back[0] - w.start[0]) * w.normal[0] + (back[1] - w.start[1]) * w.normal[1]
    assert gap == pytest.approx(0.01, abs=1e-6)  # 1 cm from the inner face
    along = (obj.position[0] - w.start[0]) * w.direction[0] + (obj.position[1] - w.start[1]) * w.direction[1]
    assert along == pytest.approx(w.length / 2, abs=1e-6)
    assert obj.position[2] == 0.0 and obj.support == "floor"
    assert scene.rooms[0].contains(obj.position[:2])


def test_place_against_a_wall_at_a_fraction_and_at_a_projected_point():
    r = run(ROOM + 's = add("sofa")\nplace(s, against="wall_0", at=0.25)\nprint(s.x, s.y)\n'
            'place(s, against="wall_3", at=(2.0, 3.0))\nprint(s.x, s.y, s.yaw)\n'
            'place(s, against="wall_0", at=0.0)\nprint(s.x)\n')
    half_depth = catalog.get("sofa").size_typical[1] / 2
    x, y = map(float, r.output[0].split())
    assert (x, y) == pytest.approx((0.25 * 5.2, half_depth + 0.01))
    x, y, yaw = map(float, r.output[1].split())
    assert (x, y, yaw) == pytest.approx((half_depth + 0.01, 3.0, 270.0))
    assert float(r.output[2]) == pytest.approx(catalog.get("sofa").size_typical[0] / 2)  # kept on the wall


def test_object_wider_than_the_wall_cannot_go_against_it():
    exc = error_of('room("r", width=2, depth=4)\ns = add("sofa", width=2.5)\nplace(s, against="wall_0")')
    assert (exc.code, exc.line) == ("E_CONFLICT", 3)


@pytest.mark.parametrize("wall", ["wall_0", "wall_1", "wall_2", "wall_3"])
def test_wall_object_against_a_wall_is_flush_at_mount_height(wall):
    r = run(ROOM + f'p = add("painting")\nplace(p, against="{wall}")')
    obj = r.scene.object("painting_0")
    w = r.scene.wall(wall)
    front = front_direction(obj.yaw_deg)
    assert front == pytest.approx(w.normal, abs=1e-9)
    back = (obj.position[0] - front[0] * obj.size[1] / 2, obj.position[1] - front[1] * obj.size[1] / 2)
    gap = (back[0] - w.start[0]) * w.normal[0] + (back[1] - w.start[1]) * w.normal[1]
    assert gap == pytest.approx(0.0, abs=1e-6)  # flush: back on the wall plane
    assert obj.position[2] == pytest.approx(catalog.get("painting").mount_height_m)
    assert obj.support == f"wall:{wall}"


def test_wall_object_height_and_resize_keep_it_on_the_wall():
    r = run(ROOM + 'p = add("painting")\nplace(p, against="wall_1", height=1.1)\nresize(p, depth=0.1)')
    obj = r.scene.object("painting_0")
    assert obj.position[2] == 1.1
    w = r.scene.wall("wall_1")
    back = (obj.position[0] + obj.size[1] / 2, obj.position[1])  # faces -X
    assert back[0] == pytest.approx(w.start[0])
    exc = error_of(ROOM + 'p = add("painting")\nplace(p, against="wall_1", height=2.5)')
    assert exc.code == "E_CONFLICT"  # above the ceiling


def test_a_new_wall_object_starts_flush_on_the_first_wall():
    r = run(ROOM + 'p = add("painting")')
    obj = r.scene.object("painting_0")
    assert obj.support == "wall:wall_0"
    assert obj.position[1] == pytest.approx(obj.size[1] / 2)
    assert obj.position[2] == pytest.approx(catalog.get("painting").mount_height_m)


def test_move_rotate_resize_remove():
    r = run(ROOM + 's = add("sofa")\nplace(s, at=(2.0, 2.0), yaw=0)\n'
            "move(s, dx=0.2, dy=-0.1)\nprint(s.x, s.y)\n"
            "move(s, to=(1.0, 1.5))\nprint(s.x, s.y)\n"
            "rotate(s, yaw=90)\nprint(s.yaw)\n"
            "rotate(s, by=45)\nprint(s.yaw)\n"
            "rotate(s, by=-180)\nprint(s.yaw)\n"
            "resize(s, width=1.8, height=0.9)\nprint(s.width, s.depth, s.height, s.x, s.y, s.z)\n"
            'c = add("chair")\nremove(s)\nprint(len(objects()), objects())\n')
    depth = catalog.get("sofa").size_typical[1]
    assert r.output == ["2.2 1.9", "1.0 1.5", "90.0", "135.0", "315.0", f"1.8 {depth} 0.9 1.0 1.5 0.0", "1 [<chair_0>]"]
    assert [o.id for o in r.scene.objects] == ["chair_0"]
    assert r.report.removed == ["sofa_0"]


@pytest.mark.parametrize("call, code", [
    ("move(s, dx=10)", "E_CONFLICT"),  # out of the room
    ("move(s, dx=1000)", "E_BAD_ARGUMENT"),
    ("rotate(s)", "E_BAD_ARGUMENT"),
    ("rotate(s, yaw=1, by=2)", "E_BAD_ARGUMENT"),
    ("resize(s, width=0)", "E_BAD_ARGUMENT"),
    ("remove(s)\nremove(s)", "E_CONFLICT"),
    ("remove(s)\nx = s.x", "E_CONFLICT"),
    ('move("ghost_0", dx=1)', "E_CONFLICT"),
])
def test_bad_edits(call, code):
    exc = error_of(ROOM + 's = add("sofa")\n' + call)
    assert exc.code == code
    assert exc.line == 2 + call.count("\n") + 1


def _small_category() -> str:
    return "mug" if catalog.resolve("mug") else "chair"


def test_objects_on_a_table_move_with_it():
    pytest.importorskip("worldsmith.assets.surfaces")
    small = _small_category()
    r = run(ROOM + 't = add("table")\nplace(t, at=(2.0, 2.0), yaw=0)\n'
            f'm = add("{small}", on=t, size=(0.1, 0.1, 0.1))\n'
            "print(m.z, t.height)\n"
            "place(m, at=(2.3, 2.1))\n"
            "move(t, dx=0.5, dy=0.25)\nprint(m.x, m.y, m.z)\n"
            "rotate(t, by=90)\nprint(m.x, m.y, m.yaw)\n"
            "resize(t, height=0.9)\nprint(m.z)\n")
    z, h = map(float, r.output[0].split())
    assert z == pytest.approx(h)  # on the top
    assert list(map(float, r.output[1].split())) == pytest.approx([2.8, 2.35, z])
    # offset (0.3, 0.1) from the table centre (2.5, 2.25), turned 90 degrees counter-clockwise
    x, y, yaw = map(float, r.output[2].split())
    assert (x, y) == pytest.approx((2.5 - 0.1, 2.25 + 0.3))
    assert yaw == pytest.approx(90.0)
    assert float(r.output[3]) == pytest.approx(0.9)
    assert r.scene.object(f"{small}_0").support.startswith("object:table_0")
    r2 = run(ROOM + f't = add("table")\nm = add("{small}", on=t)\nremove(t)\nprint(objects())')
    assert r2.output == ["[]"]
    assert r2.report.removed == ["table_0", f"{small}_0"]


def test_objects_and_objects_by_category():
    r = run(ROOM + 'a = add("chair")\nb = add("sofa")\nc = add("chair")\n'
            'print(objects())\nprint(objects("chair"))\nprint(objects("couch"))\nprint(objects("painting"))\n'
            'print(objects()[1] == b, len(objects("chair")))\n'
            "for h in objects():\n    print(h.id, h.category)\n")
    assert r.output == ["[<chair_0>, <sofa_0>, <chair_1>]", "[<chair_0>, <chair_1>]", "[<sofa_0>]", "[]",
                        "True 2", "chair_0 chair", "sofa_0 sofa", "chair_1 chair"]
    assert error_of(ROOM + 'x = objects("dragon")').code == "E_BAD_ARGUMENT"


def test_handle_fields_are_read_live():
    r = run(ROOM + 's = add("sofa")\nplace(s, at=(2.0, 1.0), yaw=30)\n'
            "print(s.id, s.category, s.x, s.y, s.z, s.yaw, s.width, s.depth, s.height)\n"
            "move(s, dx=0.5)\nprint(s.x)\nx0 = s.x + s.width / 2\nprint(x0)\n")
    w, d, h = catalog.get("sofa").size_typical
    assert r.output == [f"sofa_0 sofa 2.0 1.0 0.0 30.0 {w} {d} {h}", "2.5", str(2.5 + w / 2)]
    exc = error_of(ROOM + 's = add("sofa")\nx = s.colour')
    assert exc.code == "E_FORBIDDEN" and "fields" in exc.hint


def test_queries_size_of_position_of_room_bounds():
    r = run(ROOM + 's = add("sofa")\nplace(s, at=(1.5, 2.0))\n'
            "w, d, h = size_of(s)\nx, y, z = position_of(s)\nx0, y0, x1, y1 = room_bounds()\n"
            "print(w, d, h)\nprint(x, y, z)\nprint(x0, y0, x1, y1)\n"
            'print(size_of("sofa_0") == size_of(s))\n'
            "place(s, at=((x0 + x1) / 2, (y0 + y1) / 2))\nprint(position_of(s))\n")
    w, d, h = catalog.get("sofa").size_typical
    assert r.output == [f"{w} {d} {h}", "1.5 2.0 0.0", "0.0 0.0 5.2 4.4", "True", "(2.6, 2.2, 0.0)"]
    assert error_of('x = room_bounds()').code == "E_NO_ROOM"


def test_print_output_is_captured_and_bounded():
    r = run('print("hello", 1, 2.5, True, None, [1, "a"], (1, 2))\nprint()\n'
            "for i in range(300):\n    print(i)\n"
            'print("x" * 5000)\n')
    assert r.output[0] == "hello 1 2.5 True None [1, 'a'] (1, 2)"
    assert r.output[1] == ""
    assert len(r.output) == 200 and r.output[-1] == "197"
    r = run('print("x" * 5000)')
    assert r.output == ["x" * 500]


def test_lights():
    r = run(ROOM + 'l = light("ceiling", at=(2.6, 2.2), watts=60, kelvin=2700)\nm = light("point")\nprint(l, m)')
    assert r.output == ["light_0 light_1"]
    a, b = r.scene.lights
    assert (a.kind, a.position, a.watts, a.kelvin) == ("ceiling_fixture", (2.6, 2.2, 2.78), 60.0, 2700.0)
    assert b.kind == "point" and b.position[2] == pytest.approx(2.5)
    assert error_of(ROOM + 'light(at=(9, 9))').code == "E_BAD_ARGUMENT"


# ---------------------------------------------------------------------------------------------
# determinism and replay

PROGRAM = ROOM + """\
door("wall_0", at=0.3, width=0.9)
window("wall_2", at=0.5, width=1.6, height=1.2, sill=0.9)
material("floor", "light oak planks")
sofa = add("sofa", color="charcoal", style="modern")
place(sofa, against="wall_0")
t = add("table")
place(t, at=(2.6, 2.4))
for i in range(4):
    c = add("chair")
    a = i * pi / 2
    place(c, at=(2.6 + 0.9 * cos(a), 2.4 + 0.9 * sin(a)), yaw=degrees(a) + 90)
p = add("painting")
place(p, against="wall_1")
light("ceiling", at=(2.6, 2.2), watts=60, kelvin=2700)
move(sofa, dx=0.2)
rotate(t, by=15)
"""


def _without_asset_params(text: str) -> dict:
    doc = json.loads(text)
    doc.pop("seed")
    for obj in doc["objects"].values():
        obj["asset"]["params"] = {}
    return doc


def test_same_program_and_seed_give_identical_scenes():
    a = execute(PROGRAM, seed=11)
    b = execute(PROGRAM, seed=11)
    assert dumps(a.scene) == dumps(b.scene)
    assert a.actions == b.actions
    assert a.output == b.output


def test_different_seeds_differ_only_in_asset_parameters():
    scenes = [dumps(execute(PROGRAM, seed=s).scene) for s in (0, 1, 2, 3)]
    stripped = [_without_asset_params(s) for s in scenes]
    assert all(s == stripped[0] for s in stripped)


def test_executing_does_not_mutate_the_start_scene():
    start = execute(ROOM + 'door("wall_0")\ns = add("sofa")', seed=5).scene
    before = dumps(start)
    r = execute('s = objects()[0]\nmove(s, dx=0.3)\nremove(s)\nadd("chair")\nmaterial("walls", "brick")',
                scene=start, seed=5)
    assert dumps(start) == before
    assert [o.id for o in r.scene.objects] == ["chair_0"]


@pytest.mark.parametrize("seed", [0, 42])
def test_replaying_actions_through_apply_gives_the_executors_scene(seed):
    empty = Scene(seed=seed)
    result = execute(PROGRAM, scene=empty, seed=seed)
    replayed, report = apply(empty, result.actions)
    assert dumps(replayed) == dumps(result.scene)
    assert report.to_dict() == result.report.to_dict()
    # and from a non-empty start scene
    edit = 's = objects("sofa")[0]\nmove(s, dy=0.3)\nremove(objects("chair")[0])\nadd("chair")\n' \
           'door("wall_3", at=0.5)\nresize(objects("table")[0], width=1.4)'
    again = execute(edit, scene=result.scene, seed=seed)
    replayed2, _ = apply(result.scene, again.actions)
    assert dumps(replayed2) == dumps(again.scene)


def test_handles_are_values():
    r = run(ROOM + 'a = add("chair")\nb = objects()[0]\nprint(a == b, a, str(a), [a])')
    assert r.output == ["True chair_0 chair_0 [<chair_0>]"]
    assert Handle("chair_0") == Handle("chair_0")
    assert math.isfinite(r.steps) and r.steps > 0
