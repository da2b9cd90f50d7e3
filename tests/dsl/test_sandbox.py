"""Sandbox escape attempts against the DSL interpreter.

Every attempt must be answered by a :class:`DSLError` with the exact code below (never a leaking
RecursionError/MemoryError/TypeError/..., never silent success), and the caller's scene must be
byte-for-byte the same afterwards.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worldsmith.dsl import DSLError, Limits, execute
from worldsmith.scene import dumps

START_PROGRAM = """\
room("den", width=5, depth=4)
door("wall_0", at=0.3)
window("wall_2", at=0.5, width=1.2)
sofa = add("sofa", color="charcoal")
place(sofa, against="wall_2")
chair = add("chair")
place(chair, at=(1.0, 1.5), yaw=90)
"""

#: small limits so that budget cases end in milliseconds
SMALL = Limits(steps=20_000, seconds=5.0)
#: Edits before the attempt: the executor's working copy changes, the caller's scene must not.
PRE = 'add("chair")\nmove(objects("sofa")[0], dx=0.1)\nh = objects()[0]\n'

B = "E_BUDGET"
F = "E_FORBIDDEN"

# (id, program, expected code, limits or None)
CASES: list[tuple[str, str, str, Limits | None]] = [
    # imports and the builtins that reach Python itself
    ("import_os", "import os", F, None),
    ("from_os_import", "from os import system", F, None),
    ("import_after_edits", PRE + "import subprocess", F, None),
    ("dunder_import", "__import__('os')", F, None),
    ("dunder_import_via_var", PRE + "m = __import__('os')", F, None),
    ("open_passwd", "open('/etc/passwd')", F, None),
    ("eval", "eval('1')", F, None),
    ("exec", "exec('x=1')", F, None),
    ("compile", "compile('1', 'f', 'eval')", F, None),
    ("globals", "g = globals()", F, None),
    ("locals", "locals()", F, None),
    ("vars", "vars()", F, None),
    ("dir", "dir()", F, None),
    ("getattr_globals", "getattr(add, '__globals__')", F, None),
    ("setattr", PRE + "setattr(h, 'id', 'x')", F, None),
    ("type_of_int", "t = type(1)", F, None),
    ("object_name", "x = object", F, None),
    ("builtins_name", "x = __builtins__", F, None),
    ("class_name", "x = __class__", F, None),
    ("breakpoint", "breakpoint()", F, None),
    ("input", "input()", F, None),
    ("exit", "exit()", F, None),
    ("help", "help()", F, None),
    ("iter_sentinel", "for x in iter(int, 1):\n    pass", F, None),
    ("bytearray", "x = bytearray(10**9)", F, None),
    ("memoryview", "x = memoryview(b'')", F, None),  # the bytes literal is never reached
    # attributes: only handle fields are readable
    ("handle_class_mro", PRE + "x = h.__class__.__mro__", F, None),
    ("handle_dict", PRE + "x = h.__dict__", F, None),
    ("handle_private", PRE + "x = h._x", F, None),
    ("handle_unknown_field", PRE + "x = h.support", F, None),
    ("handle_field_method", PRE + "x = h.id.upper()", F, None),
    ("handle_getattribute", PRE + "x = h.__getattribute__('id')", F, None),
    ("str_method", 'x = "a".join(["b", "c"])', F, None),
    ("list_method", "[].append(1)", F, None),
    ("list_dunder", "x = [].__len__", F, None),
    ("int_class", "x = (1).__class__", F, None),
    ("int_attribute", "x = (1).real", F, None),
    ("float_var_attribute", "x = pi.real", F, None),
    ("subclasses_chain", "x = ''.__class__.__base__.__subclasses__()", F, None),
    ("function_self", "x = print.__self__", F, None),
    ("function_call_attr", "x = add.__call__", F, None),
    ("function_globals", "x = add.__globals__", F, None),
    # definitions and control flow outside the allowlist
    ("def", "def f():\n    pass", F, None),
    ("async_def", "async def f():\n    pass", F, None),
    ("lambda", "f = lambda: 1", F, None),
    ("class", "class A:\n    pass", F, None),
    ("while_true", "while True:\n    pass", F, None),
    ("for_else", "for x in [1]:\n    pass\nelse:\n    pass", F, None),
    ("try_except", "try:\n    x = 1\nexcept Exception:\n    pass", F, None),
    ("with", "with open('x') as f:\n    pass", F, None),
    ("raise", "raise ValueError('x')", F, None),
    ("global", "global x", F, None),
    ("nonlocal", "nonlocal x", F, None),
    ("del", "x = 1\ndel x", F, None),
    ("assert", "assert 1 == 1", F, None),
    ("return", "return 1", F, None),
    ("yield", "yield 1", F, None),
    ("yield_from", "yield from [1]", F, None),
    ("await", "await x", F, None),
    ("walrus", "y = (x := 1)", F, None),
    ("annotation", "x: int = 1", F, None),
    ("match", "match 1:\n    case 1:\n        pass", F, None),
    # comprehensions, generators, f-strings, dicts, sets
    ("list_comprehension", "x = [i for i in range(10**12)]", F, None),
    ("set_comprehension", "x = {i for i in range(3)}", F, None),
    ("dict_comprehension", "x = {i: 1 for i in range(3)}", F, None),
    ("generator_expression", "x = sum(i for i in range(10**12))", F, None),
    ("generator_infinite_looking", "x = max(i for i in iter(int, 1))", F, None),
    ("fstring_huge_width", 'x = f"{1:>1000000000}"', F, None),
    ("dict_literal", "x = {'a': 1}", F, None),
    ("set_literal", "x = {1, 2}", F, None),
    # literals and operators outside the allowlist
    ("bytes_literal", "x = b'abc'", F, None),
    ("complex_literal", "x = 1j", F, None),
    ("ellipsis", "x = ...", F, None),
    ("is_not_none", "x = 1 is 1", F, None),
    ("matmul", "x = 1 @ 2", F, None),
    ("lshift", "x = 1 << 100000", F, None),
    ("invert", "x = ~1", F, None),
    # calls: only DSL functions, by name, with plain arguments
    ("starred_args", 'args = ["sofa"]\nadd(*args)', F, None),
    ("double_star_kwargs", 'add("sofa", **{"color": "red"})', F, None),
    ("assign_dsl_function", "add = 1", F, None),
    ("assign_builtin", "print = 1", F, None),
    ("augassign_function", "add += 1", F, None),
    ("function_as_value", "f = add", F, None),
    ("function_as_argument", "print(print)", F, None),
    ("call_a_variable", "x = 1\nx()", "E_TYPE", None),
    ("call_a_call", "add('sofa')('x')", F, None),
    ("call_subscript", "x = [1]\nx[0]()", F, None),
    ("handle_field_not_a_function", PRE + "x = handle_field(h, 'nope')", "E_UNKNOWN_FUNCTION", None),
    # assignment targets
    ("subscript_assignment", "x = [1]\nx[0] = 2", F, None),
    ("attribute_assignment", PRE + "h.x = 1", F, None),
    ("attribute_augassign", PRE + "h.x += 1", F, None),
    ("starred_target", "a, *b = [1, 2]", F, None),
    ("for_target_attribute", PRE + "for h.x in [1]:\n    pass", F, None),
    ("private_name", "_x = 1", F, None),
    # memory bombs
    ("str_times_1e9", 'x = "a" * 10**9', B, None),
    ("list_times_1e9", "x = [0] * 10**9", B, None),
    ("int_tower", "x = 10**10**10", B, None),
    ("int_2_pow_100000", "x = 2**100000", B, None),
    ("int_multiply", "x = 2**1000 * 2**1000", B, None),
    ("list_of_huge_range", "x = list(range(10**12))", B, SMALL),
    ("list_of_gigantic_range", "x = list(range(10**30))", B, SMALL),
    ("unpack_gigantic_range", "a, b = range(10**30)", B, SMALL),
    ("huge_slice_of_range", "x = list(range(10**12)[::10**6])", B, SMALL),
    ("huge_slice_of_range_2", "r = range(10**12)[5:10**12:3]\nx = list(r)", B, SMALL),
    ("zip_huge_ranges", "x = zip(range(10**12), range(10**12))", B, SMALL),
    ("enumerate_huge_range", "x = enumerate(range(10**12))", B, SMALL),
    ("str_doubling", "x = 'ab'\nfor i in range(100):\n    x = x + x", B, None),
    ("list_doubling", "x = [0]\nfor i in range(100):\n    x = x + x", B, None),
    ("int_squaring", "x = 3\nfor i in range(100):\n    x = x * x", B, None),
    ("alloc_total", "for i in range(1000):\n    x = [0] * 9000", B, None),
    ("shared_list_compare", "a = [0] * 1000\nb = [a] * 1000\nc = [b] * 1000\nd = [b] * 1000\nx = c == d", B, None),
    ("shared_list_in", "a = [0] * 1000\nb = [a] * 1000\nx = [1] in [b] * 1000", B, None),
    ("shared_list_str", "a = [0] * 1000\nb = [a] * 1000\nx = str([[b] * 1000])", B, None),
    ("shared_list_print", "a = [0] * 1000\nb = [a] * 1000\nprint([b] * 1000)", B, None),
    ("shared_list_to_api", "a = [0] * 1000\nb = [a] * 1000\nroom([b] * 1000, width=3, depth=3)", B, None),
    ("deeply_nested_runtime_list", "x = 0\nfor i in range(5000):\n    x = [x]\nprint(x)", B, None),
    ("deeply_nested_runtime_compare", "x = 0\ny = 0\nfor i in range(5000):\n    x = [x]\n    y = [y]\nz = x == y", B,
     None),
    # CPU bombs: step budget, wall clock
    ("sum_huge_range", "x = sum(range(10**12))", B, SMALL),
    ("max_huge_range", "x = max(range(10**12))", B, SMALL),
    ("min_huge_range", "x = min(range(10**12))", B, SMALL),
    ("for_huge_range", "for i in range(10**12):\n    pass", B, SMALL),
    ("nested_loops", "for i in range(1000):\n    for j in range(1000):\n        pass", B, SMALL),
    ("triple_nested_loops", "for i in range(100):\n    for j in range(100):\n        for k in range(100):\n"
     "            x = i + j + k", B, SMALL),
    ("many_api_calls", 'for i in range(10**6):\n    x = walls()', B, SMALL),
    ("wall_clock", "for i in range(10**9):\n    x = i", "E_TIMEOUT", Limits(steps=10**9, seconds=0.2)),
    # recursion through nesting: parser or interpreter, never a RecursionError
    ("parens_5000", "x = " + "(" * 5000 + "1" + ")" * 5000, "E_SYNTAX", None),
    ("parens_150", "x = " + "(-" * 150 + "1" + ")" * 150, B, None),  # parses; too deep to evaluate
    ("unary_minus_100000", "-" * 100000 + "1", B, None),
    ("unary_minus_50000", "-" * 50000 + "1", B, None),
    ("unary_minus_100", "x = " + "-" * 100 + "1", B, None),
    ("not_chain_20000", "x = " + "not " * 20000 + "1", B, None),
    ("nested_list_5000", "x = " + "[" * 5000 + "]" * 5000, "E_SYNTAX", None),
    ("nested_list_150", "x = " + "[" * 150 + "]" * 150, B, None),
    ("plus_chain_5000", "a = 1\nx = " + "+".join(["a"] * 5000), B, None),
    ("plus_chain_500", "a = 1\nx = " + "+".join(["a"] * 500), B, None),
    ("call_chain", "x = " + "abs(" * 150 + "1" + ")" * 150, B, None),
    ("subscript_chain_30000", "x = [1]\ny = x" + "[0]" * 30000, B, None),
    ("ifexp_chain_5000", "x = " + " if 1 else ".join(["1"] * 5000), B, None),
    ("nested_ifs_80", "".join(" " * i + "if 1:\n" for i in range(80)) + " " * 80 + "x = 1\n", B, None),
    ("nested_ifs_120", "".join(" " * i + "if 1:\n" for i in range(120)) + " " * 120 + "x = 1\n", "E_SYNTAX",
     None),  # Python's tokenizer allows 100 indentation levels
    ("very_long_program", "x = 1\n" * 20_000, B, None),
    ("long_program_over_steps", "x = 1\n" * 15_000, B, Limits(steps=1_000)),
    # Python errors inside functions and builtins arrive as DSLErrors
    ("round_infinity", 'x = round(float("inf"))', "E_BAD_ARGUMENT", None),
    ("round_nan", 'x = round(float("nan"))', "E_BAD_ARGUMENT", None),
    ("int_infinity", 'x = int(float("inf"))', "E_BAD_ARGUMENT", None),
    ("int_long_string", 'x = int("9" * 50)', "E_BAD_ARGUMENT", None),
    ("int_huge_string", 'x = int("9" * 100000)', B, None),
    ("floor_infinity", 'x = floor(float("inf"))', "E_BAD_ARGUMENT", None),
    ("enumerate_string_start", 'x = enumerate([1], "a")', "E_BAD_ARGUMENT", None),
    ("light_unhashable_kind", "light([])", "E_BAD_ARGUMENT", None),
    ("float_overflow", "x = 1e300 * 1.0\ny = x ** 2", "E_BAD_ARGUMENT", None),
    ("int_to_float_overflow", "a = 2**511\nb = a * a\nc = b + b\nd = c + (c - 1)\nx = d * 1.0", "E_BAD_ARGUMENT",
     None),
    ("int_power_float_overflow", "x = 1.5 ** 10**200", "E_BAD_ARGUMENT", None),
    ("negative_power_complex", "x = (-8) ** 0.5", "E_BAD_ARGUMENT", None),
    ("division_by_zero", "x = 1 / 0", "E_BAD_ARGUMENT", None),
    ("modulo_zero", "x = 1.0 % 0", "E_BAD_ARGUMENT", None),
    ("gigantic_range_index", "x = range(10**30)[10**31]", "E_BAD_ARGUMENT", None),
    ("list_index_huge", "x = [1][10**30]", "E_BAD_ARGUMENT", None),
    ("slice_step_zero", "x = [1, 2][::0]", "E_BAD_ARGUMENT", None),
    ("break_outside_loop", "break", "E_SYNTAX", None),
    ("null_byte", "x = 1\x00", "E_SYNTAX", None),
    ("syntax_error", "x = (", "E_SYNTAX", None),
]


@pytest.fixture(scope="module")
def start_scene():
    return execute(START_PROGRAM, seed=7).scene


def test_there_are_at_least_45_attempts():
    assert len(CASES) >= 45
    assert len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("program, code, limits", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_escape_attempt_is_rejected(start_scene, program, code, limits):
    before = dumps(start_scene)
    t0 = time.monotonic()
    with pytest.raises(DSLError) as info:
        execute(program, scene=start_scene, seed=7, limits=limits)
    elapsed = time.monotonic() - t0
    assert info.value.code == code, str(info.value)
    assert dumps(start_scene) == before
    assert elapsed < 2.0, f"took {elapsed:.2f} s"
    if code != "E_BUDGET" or "characters" not in info.value.message:  # source-size refusals have no line
        assert info.value.line is None or 1 <= info.value.line <= program.count("\n") + 1


def test_escape_attempts_leave_a_fresh_empty_scene_alone():
    """Without scene=, the executor starts from an empty scene; nothing global may change either."""
    for program in ("import os", "x = [0] * 10**9", "while True:\n    pass"):
        with pytest.raises(DSLError):
            execute(program)
    assert execute("x = 1").scene.objects == ()


def test_wall_clock_limit_stops_a_cheap_long_loop_in_time(start_scene):
    before = dumps(start_scene)
    t0 = time.monotonic()
    with pytest.raises(DSLError) as info:
        execute("x = 0\nfor i in range(10**9):\n    x = x + 1", scene=start_scene,
                limits=Limits(steps=10**9, seconds=0.2))
    assert info.value.code == "E_TIMEOUT"
    assert info.value.line in (2, 3)
    assert time.monotonic() - t0 < 1.5
    assert dumps(start_scene) == before


def test_budget_error_names_the_line_of_the_loop():
    with pytest.raises(DSLError) as info:
        execute("x = 1\ny = 2\nfor i in range(10**12):\n    pass", limits=SMALL)
    assert info.value.code == "E_BUDGET"
    assert info.value.line in (3, 4)


def test_safe_lookalikes_still_work_quickly():
    """Things near the holes that are legitimate must keep working (and fast)."""
    t0 = time.monotonic()
    result = execute(
        "a = 0.5 in range(10**8)\n"  # Python's range scans every item for a non-int (seconds here)
        "b = 'x' in range(10**8)\n"
        "c = 3.0 in range(10**12)\n"
        "d = 10**11 in range(10**12)\n"
        "n = len(range(10**30))\n"
        "e = 0\n"
        "if range(10**30):\n"
        "    e = 1\n"
        "f = range(10**30)[-1] == 10**30 - 1\n"
        "s = [0] * 1000\n"
        "g = s == [0] * 1000\n"
        "print(a, b, c, d, n == 10**30, e, f, g, len(s), len(str(s[:100])))\n"
        "print(enumerate(['p', 'q'], 1), round(2.5), round(1.26, 1))\n",
        limits=SMALL)
    assert time.monotonic() - t0 < 1.0
    assert result.output == ["False False True True True 1 True True 1000 300",
                             "[(1, 'p'), (2, 'q')] 2 1.3"]


def test_allowed_language_subset_runs():
    result = execute(
        "total = 0\n"
        "names = []\n"
        "for i, name in enumerate(['a', 'b', 'c']):\n"
        "    if i == 1:\n"
        "        continue\n"
        "    total += i\n"
        "    names = names + [name]\n"
        "for j in range(100):\n"
        "    if j > 2:\n"
        "        break\n"
        "x, y = (1, 2)\n"
        "z = x if y > x else y\n"
        "w = not (x and y) or [1, 2, 3][-1]\n"
        "print(total, names, z, w, -x, 7 // 2, 7 % 3, 2 ** 10, 'ab'[::-1], min(3, 1), max([4, 5]), sqrt(16))\n")
    assert result.output == ["2 ['a', 'c'] 1 3 -1 3 1 1024 ba 1 5 4.0"]


# ---------------------------------------------------------------------------------------------
# random programs: whatever they do, only DSLError comes out, quickly, and the scene stays put

_ATOMS = ["0", "1", "-1", "3", "10**30", "1.5", "-0.5", 'float("inf")', 'float("nan")', '"ab"', '""', '"wall_1"',
          '"sofa"', '"sofa_0"', "[]", "None", "True", "h", "range(3)", "range(10**30)", "objects()", "pi", "x",
          "[h, h]", "(1, 2)", "[0.5, 0.5]", "[[1, 2], [3, 4]]", "1e308"]
_FUNCS = ["range", "len", "min", "max", "sum", "abs", "round", "int", "float", "str", "list", "enumerate", "zip",
          "print", "sqrt", "floor", "hypot", "atan2", "size_of", "position_of", "wall_length", "room_bounds", "objects",
          "walls", "add", "remove", "material", "door", "window", "light", "room"]
_EDITS = ["move", "rotate", "resize", "place", "add", "light", "door", "window"]
_KEYWORDS = ["dx=", "by=", "yaw=", "at=", "width=", "against=", "height=", "to=", "on=", "size=", "color=",
             "polygon=", "direction="]
_BINOPS = ["+", "-", "*", "/", "//", "%", "**", " and ", " or ", "==", "<", ">=", " in ", " not in "]


def _expr(depth: int):
    atom = st.sampled_from(_ATOMS)
    if depth == 0:
        return atom
    sub = _expr(depth - 1)
    return st.one_of(
        atom,
        st.tuples(sub, st.sampled_from(_BINOPS), sub).map(lambda t: f"({t[0]}{t[1]}{t[2]})"),
        st.tuples(st.sampled_from(["-", "not "]), sub).map(lambda t: f"({t[0]}{t[1]})"),
        st.tuples(st.sampled_from(_FUNCS), st.lists(sub, max_size=3)).map(lambda t: f"{t[0]}({', '.join(t[1])})"),
        st.tuples(st.sampled_from(_EDITS), sub, st.lists(st.tuples(st.sampled_from(_KEYWORDS), sub), max_size=3)).map(
            lambda t: f"{t[0]}({t[1]}" + "".join(f", {k}{v}" for k, v in t[2]) + ")"),
        st.tuples(sub, sub).map(lambda t: f"{t[0]}[{t[1]}]"),
        st.tuples(sub, sub, sub).map(lambda t: f"{t[0]}[{t[1]}:{t[2]}]"),
        st.lists(sub, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
        st.tuples(sub, sub, sub).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        st.tuples(sub, st.sampled_from(["x", "width", "yaw", "id"])).map(lambda t: f"{t[0]}.{t[1]}"),
    )


_STATEMENTS = st.one_of(
    _expr(3).map(lambda e: f"x = {e}"),
    st.tuples(_expr(2), _expr(2)).map(lambda t: f"for i in {t[0]}:\n    x = {t[1]}"),
    st.tuples(_expr(2), _expr(2)).map(lambda t: f"if {t[0]}:\n    x = {t[1]}"),
    _expr(2).map(lambda e: f"x += {e}"),
    _expr(2).map(lambda e: f"a, b = {e}"),
)
_PROGRAMS = st.lists(_STATEMENTS, min_size=1, max_size=4).map(lambda lines: "h = objects()[0]\nx = 1\n" + "\n".join(lines))


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(program=_PROGRAMS)
def test_random_programs_only_raise_dsl_errors(start_scene, program):
    before = dumps(start_scene)
    t0 = time.monotonic()
    try:
        execute(program, scene=start_scene, seed=1, limits=Limits(steps=20_000, seconds=2.0))
    except DSLError as exc:
        assert exc.code in ("E_SYNTAX", "E_FORBIDDEN", "E_UNKNOWN_FUNCTION", "E_UNKNOWN_NAME", "E_BAD_ARGUMENT",
                            "E_TYPE", "E_BUDGET", "E_TIMEOUT", "E_CONFLICT", "E_NO_ROOM")
    assert time.monotonic() - t0 < 3.0
    assert dumps(start_scene) == before
