"""The local policy's DSL tokenizer: lossless, pointer copying, fixed vocabulary."""

from __future__ import annotations

import pytest

from worldsmith.improve.local.tokenizer import (MAX_PROMPT_WORDS, DSLTokenizer, canonical_program, default_vocab,
                                                prompt_words)

PROGRAM = """# a comment
room('bohemian art studio', polygon=[(0, 0), (4.9, 0), (4.9, 4.8), (0, 4.8)], height=3.2)
door("wall_3", at=0.846, width=0.95)

h0 = add('easel', style='vintage')
place(h0, center=True)
fill('workbench_0', ['paint_can', 'jar'], count=3)
light("point", at=(2.344, 2.344, 3.150), watts=82.9, kelvin=4550)
"""
PROMPT = "A bohemian art studio with a vintage easel"


@pytest.fixture(scope="module")
def tok():
    return DSLTokenizer()


def test_round_trip_is_exact_and_copies_prompt_words(tok):
    ids = tok.encode_program(PROGRAM, PROMPT)
    assert ids[-1] == tok.eos_id
    assert tok.decode_program(ids, PROMPT) == canonical_program(PROGRAM)
    assert tok.unknown_count(PROGRAM, PROMPT) == 0
    pieces = tok.pieces(canonical_program(PROGRAM), PROMPT)
    # calls and keywords are one token each; 'bohemian art studio' -> pointers to prompt words 1, 2, 3
    assert pieces[:10] == ["room(", "'", "<p1>", " ", "<p2>", " ", "<p3>", "'", ", ", "width="]
    assert "<p7>" in pieces and "<p6>" in pieces  # easel, vintage
    assert "easel" not in pieces and "vintage" not in pieces
    # numbers are spelled digit by digit
    i = pieces.index("kelvin=")
    assert pieces[i:i + 5] == ["kelvin=", "4", "5", "5", "0"]


def test_canonical_programs_drop_comments_and_write_rectangles_by_size():
    assert canonical_program("remove('a_0')  # collides with b_0\n\n# x\nlight('ceiling', kelvin=2700)  ") == \
        "remove('a_0')\nlight('ceiling', kelvin=2700)"
    assert canonical_program("room('r', polygon=[(0, 0), (4.9, 0), (4.9, 4.8), (0, 4.8)], height=3.2)") == \
        "room('r', width=4.9, depth=4.8, height=3.2)"
    l_shape = "room('r', polygon=[(0, 0), (4, 0), (4, 2), (2, 2), (2, 4), (0, 4)])"
    assert canonical_program(l_shape) == l_shape
    assert canonical_program("add('x')  # 'quoted # not a comment'\nadd('a # b')") == "add('x')\nadd('a # b')"


def test_the_rectangle_form_builds_the_identical_room():
    from worldsmith.dsl import execute
    from worldsmith.scene import Scene, dumps

    poly = "room('r', polygon=[(0, 0), (4.9, 0), (4.9, 4.8), (0, 4.8)], height=3.2)\nh0 = add('bed')\nplace(h0, against='wall_2')"
    a = execute(poly, Scene(prompt="x", seed=1), seed=1).scene
    b = execute(canonical_program(poly), Scene(prompt="x", seed=1), seed=1).scene
    assert dumps(a) == dumps(b)


def test_the_grammar_accepts_dsl_programs_and_masks_broken_syntax(tok):
    from worldsmith.improve.local.tokenizer import Grammar

    g = Grammar(tok)

    def accepted(program: str, prompt: str = "") -> bool:
        if not program.startswith("room("):  # a program starts by creating the room
            program = "room('r', width=4, depth=3)\n" + program
        st = g.start(1, [tok.encode_context(prompt)])[0]  # the context gives the prompt's pointers
        for i in tok.encode_program(program, prompt):
            if not bool(g.mask(st)[i]):
                return False
            g.advance(st, i)
        return True

    assert accepted(PROGRAM, PROMPT)
    assert accepted("h0 = add('desk', size=[1.2, 0.6, 0.75])\nplace(h0, at=(-1.5, 0.25), yaw=90)")
    for broken in ["door('wall_0', at=0.12 width=2)",       # missing comma
                   "material('floor''oak')",                 # two literals side by side
                   "room('r', width=4, width=5)",            # a keyword twice
                   "place(h0, at=(05, 1))",                  # a leading zero
                   "place(h0, at=(1.2.5, 1))",               # two dots
                   "door('wall_0', kelvin=2700)",            # not a parameter of door()
                   "add('desk']",                            # mismatched bracket
                   "add(style='x', 'desk')",                 # positional after keyword
                   "add('desk'\n)"]:                       # newline inside a call
        assert not accepted(broken), broken


def test_a_word_outside_the_vocabulary_is_copied_from_the_prompt(tok):
    prompt = "a zorbulex room"
    assert "zorbulex" not in tok.index
    program = "room('zorbulex', width=3, depth=3)"
    ids = tok.encode_program(program, prompt)
    assert tok.index["<p1>"] in ids
    assert tok.decode_program(ids, prompt) == program
    # without it in the prompt the word is unknown and counted
    assert tok.unknown_count(program, "a room") == 1


def test_context_layout(tok):
    ids = tok.encode_context("Two red chairs", "empty scene")
    words = prompt_words("Two red chairs")
    assert words == ["two", "red", "chairs"]
    assert ids[:2] == [tok.bos_id, tok.prompt_id]
    assert ids[2:8] == [tok.index["<p0>"], tok.index["two"], tok.index["<p1>"], tok.index["red"],
                        tok.index["<p2>"], tok.index.get("chairs", tok.unk_id)]
    assert ids[8] == tok.obs_id and ids[-1] == tok.prog_id
    assert len(prompt_words("a " * 40)) == MAX_PROMPT_WORDS


def test_vocabulary_is_fixed_and_covers_the_dsl(tok):
    assert default_vocab() == tok.vocab
    for name in ("room", "add", "place", "fill", "light", "material", "door", "window", "on_wall", "against",
                 "in_front_of", "kelvin", "watts", "h0", "True"):
        assert name in tok.index, name
    assert len(set(tok.vocab)) == len(tok.vocab)
    restored = DSLTokenizer.from_json(tok.to_json())
    assert restored.vocab == tok.vocab


def test_decoding_drops_specials_and_stops_at_eos(tok):
    ids = [tok.index["room"], tok.index["("], tok.prompt_id, tok.index[")"], tok.eos_id, tok.index["add"]]
    assert tok.decode_program(ids, "") == "room()"
