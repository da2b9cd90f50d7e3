"""A scripted VLM episode for tests and ``bench/vlm_loop.py``: replies as a model would write them.

``GOOD_PROMPT`` asks for five things (a sofa, a TV, warm light, a cozy style, the sofa facing the
TV); each reply of ``GOOD_EPISODE`` satisfies more of them with no validation problem, so the
reward rises at every step: 0.2, 0.8, 1.0, then ``done()``.
"""

GOOD_PROMPT = "a cozy living room with a sofa facing the TV"

GOOD_EPISODE = [
    """The room is empty, so I start with the shell, a door, a window and the TV wall.
```python
room("living room", width=5.0, depth=4.2, height=2.7)
door("wall_0", at=0.15, width=0.9)
window("wall_2", at=0.5, width=1.6)
material("floor", "light oak planks")
tv_stand = add_to_wall("wall_1", "tv_stand")
tv = add("tv", on=tv_stand)
```""",
    """Now the sofa: against the opposite wall, facing the TV, in a cozy style.

```python
sofa = add("sofa", color="charcoal", style="cozy")
place(sofa, against="wall_3", facing=objects("tv")[0])
```
""",
    """Cozy means warm light. A warm ceiling light and a floor lamp next to the sofa.
```python
light("ceiling", watts=60, kelvin=2700)
lamp = add("floor_lamp", style="cozy")
place(lamp, next_to=objects("sofa")[0])
```""",
    "Everything the prompt asks for is there and the validation report is clean.\n```python\ndone()\n```",
]

#: a step that makes the scene worse: a table dropped onto the sofa (a collision), exactly placed
COLLIDING_STEP = """Add a coffee table.
```python
t = add("coffee_table")
place(t, at=position_of(objects("sofa")[0])[:2])
```"""

#: a reply with no program at all
PROSE_ONLY = "I think the room looks great, but I am not sure what to do next."

#: a program with a DSL error on its second line
BAD_WALL_STEP = """Put a bookshelf on the far wall.
```python
shelf = add("bookshelf")
place(shelf, against="wall_9")
```"""
