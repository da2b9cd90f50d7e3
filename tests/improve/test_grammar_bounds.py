"""The local policy's grammar keeps out numbers and words the DSL would refuse: bounded numbers
(fixed ranges and the observed room's size), and the closed words of walls, surfaces, sides and
light kinds. Every block it refuses here the executor refuses too, and every block it accepts runs."""

from __future__ import annotations

import pytest

from worldsmith.improve.local.steps import replay
from worldsmith.improve.local.tokenizer import number_ends, number_viable, observation_slots

PROMPT = "a cozy bedroom with a bed and a dresser"
ROOM = "room('bedroom', width=4, depth=3.5, height=2.6)"


def test_a_bounded_number_goes_on_only_while_it_can_end_in_range():
    # a room's width, 1 to 19.99 m: "2" may end there, "1" may go on to 10..19, "20" cannot end in range
    assert number_viable("2", 1, 19.99) and number_ends("2", 1, 19.99)
    assert number_viable("1", 1, 19.99) and number_viable("19.9", 1, 19.99) and number_ends("19.99", 1, 19.99)
    assert not number_viable("20", 1, 19.99) and not number_viable("0", 1, 19.99)
    # a ceiling of 2.2 to 3.99: "2.1" can only end below 2.2
    assert number_viable("2", 2.2, 3.99) and not number_ends("2", 2.2, 3.99)
    assert not number_viable("2.1", 2.2, 3.99) and number_viable("2.2", 2.2, 3.99)
    assert not number_viable("4", 2.2, 3.99)
    # a colour temperature: "999" goes on to 9990, "99999" is too hot, "270" cannot end
    assert number_viable("999", 1000, 9999.99) and not number_ends("999", 1000, 9999.99)
    assert not number_viable("99999", 1000, 9999.99) and number_ends("2700", 1000, 9999.99)
    # a fraction along a wall
    assert number_viable("0.", 0, 1) and number_ends("1", 0, 1) and not number_viable("1.5", 0, 1)


def _context(tok):
    ep = replay(PROMPT, 7, [ROOM])
    assert not ep.errors
    obs = ep.observation()
    assert "size 4.00 3.50 2.60" in obs.splitlines()
    return ep, obs


def _accepted(tok, grammar, obs: str, block: str, started: bool = True) -> bool:
    ctx = tok.encode_context(PROMPT, obs)
    st = grammar.start(1, [ctx], [started])[0]
    for t in tok.encode_program(block, PROMPT, observation_slots(obs)):
        if not bool(grammar.mask(st)[t]):
            return False
        grammar.advance(st, t)
    return True


# (block, whether the grammar and the DSL take it) in a 4 x 3.5 m room 2.6 m high
CASES = [
    ("light('point', at=(2.0, 1.75, 2.55), watts=60)", True),
    ("light('point', at=(2.0, 1.75))", True),
    ("light('point', at=(2.0, 1.75, 2.75))", False),   # above the 2.6 m ceiling
    ("light('point', at=(4.5, 1.0, 2.0))", False),     # outside the room
    ("light('point', at=(2.0,))", False),               # not a point
    ("light('point', at=2.0)", False),
    ("light('lamp')", False),                           # no such light kind
    ("light('ceiling', kelvin=2700)", True),
    ("light('ceiling', kelvin=270)", False),
    ("door('wall_0', at=0.5, width=0.9)", True),
    ("door('wall_0', at=0.5, height=2.7)", False),      # taller than the room
    ("door('wall_0', at=1.5)", False),                  # past the wall's end
    ("door('wall', at=0.5)", False),                    # no such wall
    ("window('wall_1', height=1.8)", False),            # 1.8 m on the default 0.9 m sill: 2.7 m
    ("window('wall_1', height=1.6, sill=0.9)", True),
    ("window('wall_1', sill=1.5)", False),              # the default 1.2 m window on it: 2.7 m
    ("window('wall_1', sill=1.2, height=1.3)", True),
    ("window('wall_1', sill=1.2, height=1.5)", False),
    ("material('walls', 'white paint')", True),
    ("material('flor', 'oak')", False),                 # no such surface
    ("h0 = add('desk')\nplace(h0, against='any_wall')", True),
    ("h0 = add('desk')\nplace(h0, against='wall')", False),
    ("h0 = add('desk', width=0)\nplace(h0, against='any_wall')", False),
    ("h0 = add('desk')\nplace(h0, against='wall_2')\nfill(h0, ['book'], count=2.5)", False),
    ("h0 = add('desk')\nplace(h0, against='wall_2')\nfill(h0, ['book'], count=2)", True),
]


@pytest.mark.parametrize("block,ok", CASES)
def test_the_grammar_refuses_what_the_dsl_refuses(tok, grammar, block, ok):
    _, obs = _context(tok)
    assert _accepted(tok, grammar, obs, block) == ok
    ran = replay(PROMPT, 7, [ROOM, block])
    assert (not ran.errors) == ok, ran.errors


def test_a_room_is_high_enough_for_a_door(tok, grammar):
    assert not _accepted(tok, grammar, "room 'bedroom' small", "room('r', width=4, depth=3, height=2.0)", started=False)
    assert _accepted(tok, grammar, "room 'bedroom' small", "room('r', width=4, depth=3, height=2.4)", started=False)
    # the DSL builds a 2 m room, but no door fits in it
    low = replay(PROMPT, 7, ["room('r', width=4, depth=3, height=2.0)", "door('wall_0', at=0.5)"])
    assert len(low.steps) == 1 and low.errors


def test_a_wall_word_may_be_written_from_a_slot_that_holds_one(tok, grammar):
    obs = "room 'bedroom' small\nneed material 'walls' 'white paint'\nsize 4.00 3.50 2.60"
    assert observation_slots(obs)[0] == "walls"
    assert _accepted(tok, grammar, obs, "material('walls', 'white paint')")
    ids = tok.encode_program("material('walls', 'oak')", PROMPT, observation_slots(obs))
    assert tok.index["<n0>"] in ids  # the surface is the slot token


FURNISHED = [ROOM, "h0 = add('bed')\nplace(h0, against='wall_0')", "h0 = add('floor_lamp')\nplace(h0, corner=0)",
             "h0 = add('potted_plant')\nplace(h0, corner=2)"]

# (block, whether the grammar and the DSL take it) with a bed, a floor lamp and a potted plant
# standing: things go on objects with surfaces only, and every such object is listed (a slot)
HOLDER_CASES = [
    ("fill('bed_0', ['book'], count=2)", True),
    ("fill('floor_lamp_0')", False),                    # a lamp holds nothing
    ("fill('potted_plant_0', ['cup'])", False),
    ("fill('bed_1', ['book'])", False),                 # no such object (spelled, not a slot)
    ("h0 = add('book', on='bed_0')", True),
    ("h0 = add('book', on='floor_lamp_0')", False),
    ("h0 = add('nightstand')\nplace(h0, next_to='bed_0')\nfill(h0, ['book'])", True),
]


@pytest.mark.parametrize("block,ok", HOLDER_CASES)
def test_things_go_only_on_objects_that_hold_things(tok, grammar, block, ok):
    ep = replay(PROMPT, 7, FURNISHED)
    assert not ep.errors
    obs = ep.observation()
    assert "objects 'bed_0' 'floor_lamp_0' 'potted_plant_0'" in obs.splitlines()
    assert _accepted(tok, grammar, obs, block) == ok
    ran = replay(PROMPT, 7, FURNISHED + [block])
    assert (not ran.errors) == ok, ran.errors


def test_with_nothing_to_hold_things_no_fill_begins(tok, grammar):
    ep = replay(PROMPT, 7, [FURNISHED[0], FURNISHED[2], FURNISHED[3]])  # a lamp and a plant only
    obs = ep.observation()
    ctx = tok.encode_context(PROMPT, obs)
    at_start = grammar.mask(grammar.start(1, [ctx], [True])[0])
    assert not at_start[tok.index["fill("]] and at_start[tok.index["add("]]
    assert not _accepted(tok, grammar, obs, "h0 = add('book', on='floor_lamp_0')")
    assert not _before(tok, grammar, obs, "h0 = add('book', style='modern')", "style=")[tok.index["on="]]
    # a table the block itself adds can be filled
    assert _accepted(tok, grammar, obs, "h0 = add('table')\nplace(h0, at=(2, 2))\nfill(h0, ['book'])")
    # with the bed standing, fill( may begin
    full = replay(PROMPT, 7, FURNISHED).observation()
    assert grammar.mask(grammar.start(1, [tok.encode_context(PROMPT, full)], [True])[0])[tok.index["fill("]]
    assert _before(tok, grammar, full, "h0 = add('book', style='modern')", "style=")[tok.index["on="]]


def _before(tok, grammar, obs: str, block: str, token: str):
    """The grammar's mask where ``token`` comes in ``block``, written as a later step."""
    st = grammar.start(1, [tok.encode_context(PROMPT, obs)], [True])[0]
    ids = tok.encode_program(block, PROMPT, observation_slots(obs))
    for t in ids[:ids.index(tok.index[token])]:
        grammar.advance(st, t)
    return grammar.mask(st)


def test_a_busy_block_may_not_be_empty(tok, grammar):
    _, obs = _context(tok)
    ctx = tok.encode_context(PROMPT, obs)
    assert grammar.mask(grammar.start(1, [ctx], [True])[0])[tok.eos_id]  # may stop
    st = grammar.start(1, [ctx], [True], [True])[0]
    assert not grammar.mask(st)[tok.eos_id]  # may not
    for t in tok.encode_program("light('ceiling')", PROMPT)[:-1]:
        grammar.advance(st, t)
    assert grammar.mask(st)[tok.eos_id]  # the block may end after its line
