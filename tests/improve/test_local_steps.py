"""The local policy's episodes: the text observation, need slots, replay, batched rollouts."""

from __future__ import annotations

import dataclasses

import pytest

from worldsmith.improve.local import model as M
from worldsmith.improve.local.steps import (MAX_BLOCK_TOKENS, Episode, deferred_steps, needs, nothing_needed, observe, replay,
                                            requirements, rollout, trim)
from worldsmith.improve.local.tokenizer import SLOTS, DSLTokenizer, Grammar, observation_slots
from worldsmith.improve.rollout import local_episodes, planner_run, run_blocks, split_blocks
from worldsmith.scene import Scene, dumps

PROMPT = "A snug bedroom with a king size bed and a dresser."


@pytest.fixture(scope="module")
def tok():
    return DSLTokenizer()


@pytest.fixture(scope="module")
def planner():
    return planner_run(PROMPT, seed=3, temperature=1.0)


def test_the_observation_lists_what_is_missing_and_what_stands(tok):
    ep = Episode(PROMPT, 1)
    assert ep.observation() == "room 'bedroom' small\nneed add 'bed' 1\nneed add 'dresser' 1\nneed style 'cozy'"
    assert ep.apply("room('r', width=4, depth=3.5, height=2.6)") is None
    assert ep.apply("door('wall_0', at=0.5, width=0.9)") is None
    assert ep.apply("h0 = add('bed', style='cozy')\nplace(h0, against='any_wall')") is None
    obs = ep.observation().splitlines()
    # the bed met its own need, and (the only floor furniture, in cozy style) the style's
    assert obs[:3] == ["room 'bedroom' small", "need add 'dresser' 1", "size 4.00 3.50 2.60"]
    assert "size 4.00 3.50 2.60" in obs and "doors 1 windows 0 lights 0" in obs
    assert "door 'wall_0'" in obs
    assert "objects 'bed_0'" in obs and obs[-1] == "after add 'bed'"
    # a failed block changes nothing: not the scene, not the observation
    before = ep.observation()
    assert ep.apply("h0 = add('dresser')\nplace(h0, next_to='sofa_0')")["code"] == "E_CONFLICT"
    assert ep.observation() == before and len(ep.steps) == 3 and len(ep.errors) == 1
    # two beds requested, one there: one still needed
    two = Episode("a kids bedroom with twin beds", 1)
    two.apply("room('r', width=4, depth=4)")
    two.apply("h0 = add('bed')\nplace(h0, against='any_wall')")
    assert "need add 'bed' 1" in two.observation().splitlines()


def test_every_observation_word_is_in_the_vocabulary(tok, planner):
    from worldsmith.improve.prompts import prompt_sets

    train, held = prompt_sets(None, None)
    for p in train + held:  # the first observation of every built-in prompt
        ctx = tok.encode_context(p.prompt, observe(p.prompt, Scene(prompt=p.prompt)))
        assert tok.unk_id not in ctx[ctx.index(tok.obs_id):], p.prompt
    ep = replay(PROMPT, 3, split_blocks(planner.program))
    for st in ep.steps + [{"observation": ep.observation()}]:  # and every step of a whole room
        ctx = tok.encode_context(PROMPT, st["observation"])
        assert tok.unk_id not in ctx[ctx.index(tok.obs_id):], st["observation"]


def test_need_strings_are_slots_a_block_writes_as_one_token(tok):
    obs = observe(PROMPT, Scene(prompt=PROMPT))
    assert observation_slots(obs) == ["bed", "dresser", "cozy"]
    ctx = tok.encode_context(PROMPT, obs)
    assert tok.context_slots(ctx) == {tok.index["<n0>"]: "bed", tok.index["<n1>"]: "dresser", tok.index["<n2>"]: "cozy"}
    block = "h0 = add('dresser', style='cozy')\nplace(h0, against='bed_0')"
    ids = tok.encode_program(block, PROMPT, observation_slots(obs))
    pieces = [tok.vocab[i] for i in ids]
    assert pieces[:2] == ["h0", " = "] and pieces[2:4] == ["add(", "<n1>"] and "<n2>" in pieces
    assert "<n0>" not in pieces  # 'bed_0' is an id, not the slot string 'bed'
    assert tok.decode_program(ids, PROMPT, observation_slots(obs)) == block
    # under the grammar, add( may take a slot holding a category, a free value any slot
    g = Grammar(tok)
    st = g.start(1, [ctx], [True])[0]
    for t in tok.encode_program("h0 = add(", PROMPT)[:-1]:
        g.advance(st, t)
    allowed = {tok.vocab[i] for i in g.mask(st).nonzero().flatten().tolist()}
    assert {"<n0>", "<n1>"} <= allowed and "<n2>" not in allowed  # 'cozy' is no category
    for t in [tok.index["<n1>"], tok.index[", "], tok.index["style="]]:
        g.advance(st, t)
    allowed = {tok.vocab[i] for i in g.mask(st).nonzero().flatten().tolist()}
    assert {"<n0>", "<n1>", "<n2>"} <= allowed and not set(SLOTS[3:]) & allowed  # only this context's


def test_replaying_blocks_builds_what_running_them_builds(planner):
    blocks = split_blocks(planner.program)
    ep = replay(PROMPT, 3, blocks)
    assert len(ep.steps) == len(blocks) and not ep.errors
    assert dumps(ep.scene) == dumps(run_blocks(planner.program, PROMPT, 3).scene)
    assert "need" not in ep.observation()  # the planner's room meets every requirement
    assert requirements(PROMPT) and all(r["kind"] in ("object", "style") for r in requirements(PROMPT))


@pytest.fixture(scope="module")
def tiny_checkpoint(tmp_path_factory, tok, planner):
    """The tiny model trained a little on one planner room's steps (so it writes rooms and adds)."""
    cfg = M.TINY
    model = M.build_model(cfg, len(tok))
    ep = replay(PROMPT, 3, split_blocks(planner.program))
    ex = [(tok.encode_context(PROMPT, st["observation"]),
           tok.encode_program(st["program"], PROMPT, observation_slots(st["observation"]))) for st in ep.steps]
    ex.append((tok.encode_context(PROMPT, ep.observation()), tok.encode_program("", PROMPT)))
    M.train(model, ex, dataclasses.replace(cfg, warmup_steps=20), epochs=60)
    folder = tmp_path_factory.mktemp("ckpt") / "c"
    M.save(model, tok, cfg, folder)
    return folder


def test_a_rollout_ends_and_its_blocks_rebuild_its_scene(tiny_checkpoint):
    model, tok, _, _ = M.load(tiny_checkpoint)
    units = [(PROMPT, 1), (PROMPT, 2), ("a small study with a desk", 3)]
    eps = rollout(model, tok, Grammar(tok), units, temperature=0.7, seed=4, max_steps=12)
    again = rollout(model, tok, Grammar(tok), units, temperature=0.7, seed=4, max_steps=12)
    assert [e.program for e in eps] == [e.program for e in again]  # seeded
    for e in eps:
        assert e.stop in ("stop", "patience", "max_steps")
        assert e.attempts == len(e.steps) + len(e.errors) <= 12
        assert not e.steps or e.steps[0]["program"].startswith("room(")
        r = replay(e.prompt, e.seed, [s["program"] for s in e.steps])
        assert not r.errors and dumps(r.scene) == dumps(e.scene)
        assert [s["observation"] for s in r.steps] == [s["observation"] for s in e.steps]
    assert sum(len(e.steps) >= 3 for e in eps) >= 2  # the rooms stand and get furnished


def test_local_episodes_scores_each_episode_like_a_program(tiny_checkpoint):
    task = {"checkpoint": str(tiny_checkpoint), "units": [[PROMPT, 1], [PROMPT, 2]], "temperature": 1.0,
            "sample_seed": 4, "reward": "fidelity+plausibility", "clip_model": None, "scene": True}
    out = local_episodes(task)
    assert len(out) == 2
    from worldsmith.improve.rollout import evaluate

    for (prompt, seed), c in zip(task["units"], out):
        assert c["steps"] and c["final_observation"].startswith("room 'bedroom'")
        assert c["applied"] == len(c["steps"])
        assert c["blocks"] == c["applied"] + len(c["errors"]) or len(c["errors"]) == 20  # the record keeps 20
        same = evaluate({"kind": "program", "prompt": prompt, "seed": seed, "program": c["program"],
                         "reward": "fidelity+plausibility", "clip_model": None})
        assert same["reward"] == c["reward"] and same["breakdown"] == c["breakdown"]


def test_object_ids_in_the_scene_are_slots_too(tok):
    ep = Episode(PROMPT, 1)
    ep.apply("room('r', width=4, depth=3.5, height=2.6)")
    ep.apply("h0 = add('bed')\nplace(h0, against='any_wall')")
    obs = ep.observation()
    assert observation_slots(obs) == ["dresser", "cozy", "bed_0"]  # needs first, then the ids
    block = "h0 = add('dresser')\nplace(h0, next_to='bed_0')"
    pieces = [tok.vocab[i] for i in tok.encode_program(block, PROMPT, observation_slots(obs))]
    assert pieces[2:4] == ["add(", "<n0>"] and pieces[-3:-1] == ["<n2>", ")"]
    assert ep.apply(tok.decode_program(tok.encode_program(block, PROMPT, observation_slots(obs)), PROMPT,
                                       observation_slots(obs))) is None
    assert ep.scene.objects[-1].category == "dresser"


def _allowed(g, tok, st, text, prompt=PROMPT):
    for t in tok.encode_program(text, prompt)[:-1]:
        assert bool(g.mask(st)[t]), (text, tok.vocab[t])
        g.advance(st, t)
    return {tok.vocab[i] for i in g.mask(st).nonzero().flatten().tolist()}


def test_room_sizes_are_plausible_numbers(tok):
    g = Grammar(tok)
    digits = set("0123456789")
    new = lambda: g.start(1, [tok.encode_context(PROMPT, "")])[0]  # noqa: E731
    assert _allowed(g, tok, new(), "room('r', height=") & digits == {"2", "3"}
    assert _allowed(g, tok, new(), "room('r', height=2") & (digits | {"."}) == {"."}  # not 20 m
    assert _allowed(g, tok, new(), "room('r', width=") & digits == digits - {"0"}
    assert _allowed(g, tok, new(), "room('r', width=1") & digits == digits  # 10 to 19.99 m
    assert _allowed(g, tok, new(), "room('r', width=4") & digits == set()  # not 45 m
    assert _allowed(g, tok, new(), "room('r', width=4.") & digits == digits
    assert _allowed(g, tok, new(), "room('r', width=4, depth=3)\nlight('point', kelvin=") & digits == digits - {"0"}
    assert _allowed(g, tok, new(), "room('r', width=4, depth=3)\nlight('point', kelvin=270") & (digits | {".", ", ", ")"}) \
        == digits  # four digits before anything else
    assert {".", ", ", ")"} <= _allowed(g, tok, new(), "room('r', width=4, depth=3)\nlight('point', kelvin=2700")
    # a point has at most three coordinates
    assert ", " not in _allowed(g, tok, new(), "room('r', width=4, depth=3)\nlight('point', at=(1, 2, 2.5")
    assert ", " in _allowed(g, tok, new(), "room('r', width=4, depth=3)\nlight('point', at=(1, 2")


def test_where_an_object_is_meant_only_id_slots_stand(tok):
    ep = Episode(PROMPT, 1)
    ep.apply("room('r', width=4, depth=3.5, height=2.6)")
    ep.apply("h0 = add('bed')\nplace(h0, against='any_wall')")
    ctx = tok.encode_context(PROMPT, ep.observation())  # slots: <n0> dresser, <n1> cozy, <n2> bed_0
    g = Grammar(tok)
    ids = _allowed(g, tok, g.start(1, [ctx], [True])[0], "h0 = add('dresser')\nplace(h0, next_to=")
    assert "<n2>" in ids and not {"<n0>", "<n1>"} & ids and "'" in ids
    free = _allowed(g, tok, g.start(1, [ctx], [True])[0], "h0 = add('dresser', style=")
    assert {"<n0>", "<n1>", "<n2>"} <= free
    fill = _allowed(g, tok, g.start(1, [ctx], [True])[0], "fill(")
    assert "<n2>" in fill and "<n0>" not in fill


def test_trim_leaves_out_no_op_blocks_and_finds_where_the_prompt_is_met():
    blocks = ["room('r', width=4, depth=3.5, height=2.6)",
              "material('walls', 'white paint')",
              "material('walls', 'white paint')",  # the same again: the scene does not change
              "h0 = add('bed', style='cozy')\nplace(h0, against='any_wall')",
              "h0 = add('dresser', style='cozy')\nplace(h0, against='any_wall')",  # nothing is needed after it
              "h0 = add('armchair')\nplace(h0, corner=True)"]
    found = trim(PROMPT, 5, blocks)
    assert found.blocks == blocks[:2] + blocks[3:] and found.done_at == 4 and found.extras == []
    # without the no-op the same scene is built
    assert dumps(replay(PROMPT, 5, found.blocks).scene) == dumps(replay(PROMPT, 5, blocks).scene)
    met = replay(PROMPT, 5, found.blocks[:found.done_at])
    assert not needs(PROMPT, met.scene) and needs(PROMPT, replay(PROMPT, 5, found.blocks[:3]).scene)
    # an episode that never meets the prompt has no early stop
    assert trim(PROMPT, 5, blocks[:4]).done_at is None
    # an object that changes no need line before the prompt is met is an extra
    extra = trim(PROMPT, 5, blocks[:2] + [blocks[5]] + blocks[3:5])
    assert extra.done_at == 5 and extra.extras == [2]


def test_early_stop_scores_the_episode_stopped_when_the_prompt_is_met():
    from worldsmith.improve.rollout import early_stop, evaluate

    program = "\n".join(["room('r', width=4, depth=3.5, height=2.6)",
                         "h0 = add('bed', style='cozy')\nplace(h0, against='any_wall')",
                         "h0 = add('nightstand', style='cozy')\nplace(h0, next_to='bed_0')",
                         "h0 = add('dresser', style='cozy')\nplace(h0, against='any_wall')",
                         "h0 = add('armchair')\nplace(h0, corner=True)"])
    task = {"kind": "program", "prompt": PROMPT, "seed": 2, "program": program, "reward": "fidelity+plausibility",
            "clip_model": None, "early_stop": True}
    rec = evaluate(task)
    early, lean = rec["edits"]
    assert early["stop"] == "early" and early["breakdown"]["fidelity"] == 1.0 == rec["breakdown"]["fidelity"]
    blocks = split_blocks(program)
    assert early["edit"] == "early" and split_blocks(early["program"]) == blocks[:4]
    # lean: without the nightstand (an object that met nothing); the prompt is still met
    assert lean["edit"] == "lean" and split_blocks(lean["program"]) == [blocks[0], blocks[1], blocks[3]]
    assert lean["breakdown"]["fidelity"] == 1.0
    # each is scored exactly as that program would be on its own
    for e in (early, lean):
        alone = evaluate({**task, "program": e["program"], "early_stop": False})
        assert (alone["reward"], alone["breakdown"]) == (e["reward"], e["breakdown"])
    # with steps (a local episode): its steps replay to the observation it stopped at, with nothing needed
    rec2 = early_stop(task, dict(rec, edits=None), blocks, steps=True)
    assert [s["program"] for s in rec2["edits"][0]["steps"]] == blocks[:4]
    assert "need " not in rec2["edits"][0]["final_observation"]
    # an episode that met the prompt only with its last block has nothing to edit
    assert evaluate({**task, "program": "\n".join(blocks[:4])})["edits"] == []


def test_a_no_op_block_is_left_out_of_the_kept_program():
    from worldsmith.improve.rollout import evaluate

    blocks = ["room('r', width=4, depth=3.5, height=2.6)", "material('walls', 'white paint')",
              "material('walls', 'white paint')", "h0 = add('bed', style='cozy')\nplace(h0, against='any_wall')"]
    task = {"kind": "program", "prompt": PROMPT, "seed": 2, "program": "\n".join(blocks),
            "reward": "fidelity+plausibility", "clip_model": None, "scene": True}
    plain = evaluate(task)
    rec = evaluate({**task, "early_stop": True})
    assert rec["noops"] == 1 and split_blocks(rec["program"]) == blocks[:2] + blocks[3:]
    # the same scene and reward as the sample with the repeat; the prompt is not met: no edits
    assert rec["scene_json"] == plain["scene_json"] and rec["reward"] == plain["reward"]
    assert rec["edits"] == []


@pytest.mark.parametrize("stop, chosen", [("stop", True), ("early", True), ("max_steps", False), ("patience", False)])
def test_kept_steps_end_with_done_only_when_the_episode_chose_to_stop_with_nothing_needed(stop, chosen):
    from worldsmith.improve.loop import DONE, local_steps

    room = "room('r', width=4, depth=3.5, height=2.6)"
    met = replay(PROMPT, 5, [room, "h0 = add('bed', style='cozy')\nplace(h0, against='any_wall')",
                             "h0 = add('dresser', style='cozy')\nplace(h0, against='any_wall')"])
    unmet = replay(PROMPT, 1, [room])
    assert nothing_needed(met.observation()) and not nothing_needed(unmet.observation())
    for ep, nothing in ((met, True), (unmet, False)):
        steps = local_steps(ep.steps, PROMPT, ep.observation(), stop)
        done = chosen and nothing  # a stop with a requirement unmet is never learned
        assert [s["program"] for s in steps] == [st["program"] for st in ep.steps] + ([DONE] if done else [])
        if done:
            assert steps[-1]["observation"] == ep.observation()

def test_a_held_episode_stops_only_with_nothing_needed(tiny_checkpoint):
    model, tok, _, _ = M.load(tiny_checkpoint)
    units = [("a small study with a desk and a bookshelf", s) for s in range(6)]
    free = rollout(model, tok, Grammar(tok), units, temperature=1.0, seed=2, max_steps=10, hold=False)
    held = rollout(model, tok, Grammar(tok), units, temperature=1.0, seed=2, max_steps=10)
    early = lambda eps: [e for e in eps if e.stop == "stop" and not nothing_needed(e.observation())]  # noqa: E731
    assert early(free)  # the model, left to itself, stops with requested things missing
    assert not early(held)


def test_the_planners_longest_blocks_fit_in_one_step(tok):
    # ten desks added and placed in a grid are one block: the policy must be able to write it
    prompt = "a classroom with ten desks and a teacher's desk"
    blocks = split_blocks(planner_run(prompt, seed=1, temperature=1.0).program)
    longest = max(blocks, key=lambda b: len(tok.encode_program(b, prompt)))
    assert longest.count("= add('desk'") == 10
    assert 200 < len(tok.encode_program(longest, prompt)) <= MAX_BLOCK_TOKENS


def test_a_deferred_step_is_the_end_of_the_room_with_one_requested_object_missing():
    prompt = "a kitchen with a dining table and four chairs"
    blocks = split_blocks(planner_run(prompt, seed=0, temperature=1.0).program)
    full = replay(prompt, 0, blocks)
    assert not full.errors and nothing_needed(full.observation())
    shell = next(ln for ln in full.observation().splitlines() if ln.startswith("doors "))
    steps = deferred_steps(prompt, 0, blocks)
    assert steps
    for st in steps:
        category = st["program"].split("add('", 1)[1].split("'", 1)[0]
        added = st["program"].count("add('")
        obs = st["observation"].splitlines()
        # only what this block adds is missing, and the rest of the room stands (its doors, windows and lights)
        assert [ln for ln in obs if ln.startswith("need ")] == [f"need add '{category}' {added}"]
        assert shell in obs
        assert st["program"] in blocks and blocks.index(st["program"]) < len(blocks) - 1
    # a block another one needs (the table the chairs go around) is never moved
    assert not any("add('dining_table'" in st["program"] for st in steps)
