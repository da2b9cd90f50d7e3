"""The reply parser: realistic model replies -> exact (reasoning, program, done), and what it refuses."""

from __future__ import annotations

import pytest

from worldsmith.policy.vlm.reply import EXPECTED, Reply, ReplyError, parse_reply
from worldsmith.scene import WorldsmithError

QWEN_THINK = """<think>
The room is empty. I could try:
```python
room("draft")
```
No, I need width and depth.
</think>

I will build the shell first.

```python
room("bedroom", width=4.0, depth=3.5)
door("wall_0", at=0.25)
```"""

QWEN_TEMPLATE_THINK = """The user wants a kitchen. Start with the room.
</think>

```python
room("kitchen", width=4, depth=3)
```"""

GPT_PROSE = """Looking at the scene, the sofa is against wall_3 but the TV stand is missing.

Here is the next step:

```python
tv = add_to_wall("wall_1", "tv_stand")
place("sofa_0", facing=tv)
```

This adds the TV stand on the opposite wall and turns the sofa towards it."""

MISSING_FENCE = """The desk needs a chair in front of it.
chair = add("office_chair")
place(chair, in_front_of="desk_0", distance=0.1)
"""

TWO_BLOCKS = """First attempt:
```python
add("bed")
```
Better, against the wall:
```python
bed = add("bed")
place(bed, against="wall_2")
```"""

PYTHON_THEN_OUTPUT = """```python
place("bed_0", corner=True)
```
Expected report:
```
placed: bed_0
```"""

BARE_BLOCKS = """```
add("rug")
```
and then
```
place("rug_0", center=True)
```"""

DONE_ONLY = """Every requested object is present and validation shows no problems.
```python
done()
```"""

PROGRAM_AND_DONE = """Last touch: cushions on the sofa, then I am finished.
```python
fill("sofa_0")
done()
```"""

PROGRAM_THEN_DONE_BLOCK = """Fixing the collision.
```python
move("armchair_0", dx=0.4)
```
```python
done()
```"""

UNCLOSED = """Adding two lights.
```python
light("ceiling", watts=60, kelvin=2700)
light("point", at=(1.0, 2.0), watts=15)"""

FORGOT_TO_CLOSE = """```python
add("bed")
```python
bed = add("bed", color="white")
```"""

INDENTED_IN_LIST = """Plan:
1. Put the bookshelf against wall_0:
   ```py
   shelf = add_to_wall("wall_0", "bookshelf")
   fill(shelf, ["book"], density=0.8)
   ```"""

WINDOWS = "Shell first.\r\n```Python\r\nroom(\"office\", width=5, depth=4)\r\nwindow(\"wall_2\")\r\n```\r\n"

TILDES = """~~~ python
place("desk_0", under="window_0")
~~~"""

PROSE_NAME_BEFORE_CODE = """Plan
sofa = add("sofa")"""

NESTED_DONE = """```python
for c in objects("chair"):
    if c.x > 3:
        done()
```"""

SEMICOLON_DONE = """```python
light("ceiling"); done()  # that was the last light
```"""

DONE_MID_PROGRAM = """```python
room("hall", width=3, depth=2)
done()
door("wall_0")
```"""

SYNTAX_ERROR_WITH_DONE = """```python
place("sofa_0", against="wall_1"
done()
```"""

UNKNOWN_FUNCTION_KEPT = """```python
teleport("sofa_0", to="kitchen")
```"""

CASES = {
    "qwen <think> with a draft inside": (QWEN_THINK, Reply(
        'The room is empty. I could try:\n```python\nroom("draft")\n```\nNo, I need width and depth.\n\n'
        "I will build the shell first.",
        'room("bedroom", width=4.0, depth=3.5)\ndoor("wall_0", at=0.25)', False)),
    "closing </think> only (opening tag in the chat template)": (QWEN_TEMPLATE_THINK, Reply(
        "The user wants a kitchen. Start with the room.", 'room("kitchen", width=4, depth=3)', False)),
    "gpt prose + fence + prose": (GPT_PROSE, Reply(
        "Looking at the scene, the sofa is against wall_3 but the TV stand is missing.\n\nHere is the next step:\n\n"
        "This adds the TV stand on the opposite wall and turns the sofa towards it.",
        'tv = add_to_wall("wall_1", "tv_stand")\nplace("sofa_0", facing=tv)', False)),
    "missing fence": (MISSING_FENCE, Reply(
        "The desk needs a chair in front of it.",
        'chair = add("office_chair")\nplace(chair, in_front_of="desk_0", distance=0.1)', False)),
    "two python blocks: the last": (TWO_BLOCKS, Reply(
        'First attempt:\n```python\nadd("bed")\n```\nBetter, against the wall:',
        'bed = add("bed")\nplace(bed, against="wall_2")', False)),
    "python block before an unlabelled one: the python one": (PYTHON_THEN_OUTPUT, Reply(
        "Expected report:\n```\nplaced: bed_0\n```", 'place("bed_0", corner=True)', False)),
    "bare fences: the last": (BARE_BLOCKS, Reply(
        '```\nadd("rug")\n```\nand then', 'place("rug_0", center=True)', False)),
    "done only": (DONE_ONLY, Reply(
        "Every requested object is present and validation shows no problems.", "", True)),
    "program + done()": (PROGRAM_AND_DONE, Reply(
        "Last touch: cushions on the sofa, then I am finished.", 'fill("sofa_0")', True)),
    "program, then a done() block": (PROGRAM_THEN_DONE_BLOCK, Reply(
        "Fixing the collision.", 'move("armchair_0", dx=0.4)', True)),
    "unclosed fence": (UNCLOSED, Reply(
        "Adding two lights.", 'light("ceiling", watts=60, kelvin=2700)\nlight("point", at=(1.0, 2.0), watts=15)',
        False)),
    "a second opening fence closes the first": (FORGOT_TO_CLOSE, Reply(
        '```python\nadd("bed")', 'bed = add("bed", color="white")', False)),
    "indented block in a list: dedented": (INDENTED_IN_LIST, Reply(
        "Plan:\n1. Put the bookshelf against wall_0:",
        'shelf = add_to_wall("wall_0", "bookshelf")\nfill(shelf, ["book"], density=0.8)', False)),
    "windows newlines, ```Python": (WINDOWS, Reply(
        "Shell first.", 'room("office", width=5, depth=4)\nwindow("wall_2")', False)),
    "tilde fence with a spaced label": (TILDES, Reply("", 'place("desk_0", under="window_0")', False)),
    "a prose word that parses is not code": (PROSE_NAME_BEFORE_CODE, Reply("Plan", 'sofa = add("sofa")', False)),
    "nested done() left for the executor": (NESTED_DONE, Reply(
        "", 'for c in objects("chair"):\n    if c.x > 3:\n        done()', False)),
    "done() after a semicolon, comment kept": (SEMICOLON_DONE, Reply(
        "", 'light("ceiling")  # that was the last light', True)),
    "done() anywhere at top level": (DONE_MID_PROGRAM, Reply(
        "", 'room("hall", width=3, depth=2)\ndoor("wall_0")', True)),
    "syntax error: verbatim, done() line removed": (SYNTAX_ERROR_WITH_DONE, Reply(
        "", 'place("sofa_0", against="wall_1"', True)),
    "never repaired": (UNKNOWN_FUNCTION_KEPT, Reply("", 'teleport("sofa_0", to="kitchen")', False)),
    "bare done() line": ("All requirements are met.\ndone()", Reply("All requirements are met.", "", True)),
    "DONE in words": ("DONE", Reply("DONE", "", True)),
    "**Done.** in words": ("The scene is complete.\n\n**Done.**",
                           Reply("The scene is complete.\n\n**Done.**", "", True)),
    "inline `done()`": ("Nothing is missing, so: `done()`", Reply("Nothing is missing, so: `done()`", "", True)),
    "done() line outside the block": ('```python\nfill("bed_0")\n```\ndone()',
                                      Reply("done()", 'fill("bed_0")', True)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_realistic_replies(name):
    text, expected = CASES[name]
    assert parse_reply(text) == expected


REFUSED = {
    "empty reply": ("", "the reply was empty"),
    "whitespace only": ("  \n\t\n", "the reply was empty"),
    "prose only": ("The room looks balanced; maybe a plant would help, but I am not sure where.",
                   "no program found in the reply"),
    "done in prose is not done": ("The scene is done.", "no program found in the reply"),
    "mentioning done() is not done": ("I will call done() once the lamp is placed.", "no program found in the reply"),
    "thinking only": ("<think>\nLet me plan the room.\n```python\nroom('x', width=3, depth=3)\n```",
                      "the reply had only <think> reasoning and no program"),
    "empty block": ("Here it is:\n```python\n```", "the code block was empty"),
    "comments only": ("```python\n# nothing to change\n```", "the code block held no DSL statements"),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_replies_without_program_or_done_are_refused(name):
    text, start = REFUSED[name]
    with pytest.raises(ReplyError) as info:
        parse_reply(text)
    message = str(info.value)
    assert message == f"{start}: {EXPECTED}"
    assert "\n" not in message
    assert isinstance(info.value, WorldsmithError)


def test_reply_is_frozen_and_program_has_no_trailing_newline():
    reply = parse_reply("```python\n\n  add('bed')  \n\n```\n")
    assert reply == Reply("", "add('bed')  ", False)  # trailing spaces on a code line are kept verbatim
    with pytest.raises(AttributeError):
        reply.done = True  # type: ignore[misc]


def test_thinking_tag_variant_and_done_inside_thinking_ignored():
    text = ("<thinking>Maybe done() already?\nDONE\n</thinking>\nNot yet: the lamp is missing.\n"
            "```python\nadd('floor_lamp')\n```")
    assert parse_reply(text) == Reply("Maybe done() already?\nDONE\n\nNot yet: the lamp is missing.",
                                      "add('floor_lamp')", False)


def test_unfenced_program_is_searched_in_the_last_lines_only():
    from worldsmith.policy.vlm.reply import MAX_UNFENCED_LINES

    prose = "\n".join(f"Thought {i}: the room needs books." for i in range(50))
    code = [f'add("book", on="shelf_0")  # {i}' for i in range(MAX_UNFENCED_LINES + 5)]
    reply = parse_reply(prose + "\n" + "\n".join(code))
    assert reply.program == "\n".join(code[5:]) and reply.done is False
    assert reply.reasoning.endswith("\n".join(code[:5]))
