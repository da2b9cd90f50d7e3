"""Rewards (worldsmith.improve.rewards) on known scenes built with the real DSL, scored by the real
validator, navigability grid, MuJoCo, MiniLM and a tiny randomly initialised CLIP checkpoint.

The CLIP checkpoint is built by tests/metrics/test_clip.py's ``tiny_clip`` helper (loaded from
that file by path), plus a copy with the text projection negated so every cosine flips sign and
one of the two checkpoints gives each image a positive score.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import pickle
from pathlib import Path

import numpy as np
import pytest

from worldsmith.dsl import execute
from worldsmith.improve.caption import scene_caption
from worldsmith.improve.rewards import (
    DEFAULT_REWARD,
    NAV_PENALTY_PER_UNIT,
    NAV_TARGET,
    PROBLEM_PENALTY,
    REWARD_NAMES,
    ClipReward,
    CombinedReward,
    FidelityReward,
    PlausibilityReward,
    RewardError,
    RewardResult,
    TextAlignmentReward,
    _parsed,
    parse_reward,
    prompt_requirements,
)
from worldsmith.metrics.navigability import NAVIGABLE_RATIO, evaluate_navigability
from worldsmith.scene import Scene, WorldsmithError

PROMPT = "a bedroom with a bed and a nightstand with oak floor and warm light"
SHELL = "room('{name}', width=5, depth=4, height=2.7)\ndoor('wall_3', at=0.5, width=0.9)\n"
CLEAN = """b = add('bed'); place(b, at=(2.5, 2.9), yaw=180)
n = add('nightstand'); place(n, at=(1.2, 3.75), yaw=180)
c = add('cup', on=n)
material('floor', 'light oak planks')
light('ceiling', at=(2.5, 2), watts=40, kelvin=2700)
"""
#: a second nightstand at exactly the first one's pose (explicit coordinates: the solver is not asked)
COLLIDING = "x = add('nightstand'); place(x, at=(1.2, 3.75), yaw=180)\n"
#: four 1.25 m wardrobes across the room at y = 0.95 cut a 0.65 m strip off along wall_0
PARTITION = "".join(f"w{i} = add('wardrobe', width=1.25, depth=0.6); "
                    f"place(w{i}, at=({0.625 + 1.25 * i}, 0.95), yaw=0)\n" for i in range(4))
KITCHEN = """k = add('kitchen_counter'); place(k, against='wall_2', at=0.5)
s = add('stove'); place(s, against='wall_2', at=0.15)
r = add('refrigerator'); place(r, against='wall_0', at=0.8)
t = add('dining_table'); place(t, at=(2.5, 1.8))
c = add('dining_chair'); place(c, around=t)
material('floor', 'white tile')
light('ceiling', at=(2.5, 2), watts=100, kelvin=5000)
"""


def build(body: str, name: str = "bedroom") -> Scene:
    return execute(SHELL.format(name=name) + body, Scene(prompt="", seed=0), seed=0).scene


def lifted(scene: Scene, object_id: str, dz: float) -> Scene:
    """``scene`` with one object moved up by ``dz`` (the DSL refuses floating objects)."""
    objs = tuple(dataclasses.replace(o, position=(o.position[0], o.position[1], o.position[2] + dz))
                 if o.id == object_id else o for o in scene.objects)
    return dataclasses.replace(scene, objects=objs)


@pytest.fixture(scope="module")
def clean() -> Scene:
    return build(CLEAN)


# ---------------------------------------------------------------------------------------------
# fidelity


def test_clean_scene_meets_every_requirement_and_is_fully_plausible(clean):
    reqs = prompt_requirements(PROMPT)
    assert [(r["kind"], r["key"]) for r in reqs] == [("object", "bed"), ("object", "nightstand"),
                                                     ("material", "floor"), ("lighting", "warm")]
    fid = FidelityReward()(PROMPT, clean)
    assert fid.total == 1.0 and fid.breakdown == {"fidelity": 1.0}
    assert fid.details["satisfied"] == fid.details["total"] == 4 and fid.details["parsed"] is True

    pla = PlausibilityReward()(PROMPT, clean)
    assert pla.total == 1.0 and pla.breakdown == {"plausibility": 1.0}
    pen = pla.details["penalties"]
    assert pla.details["penalty"] == 0.0
    assert set(pen) == {"collisions", "out_of_bounds", "blocked_openings", "unsupported", "navigability",
                        "unreachable_doors", "instability"}
    assert all(p["penalty"] == 0.0 for p in pen.values())
    assert pen["navigability"]["ratio"] == 1.0 and pen["navigability"]["target"] == NAV_TARGET == NAVIGABLE_RATIO
    assert pen["instability"]["checked"] == 3 and pen["instability"]["count"] == 0  # bed, nightstand, cup


def test_unmet_requirement_gives_its_exact_share(clean):
    reqs = [{"kind": "object", "key": "bed", "value": 1, "text": "a bed"},
            {"kind": "object", "key": "nightstand", "value": 2, "text": "two nightstands"},
            {"kind": "material", "key": "floor", "value": ["oak"], "text": "oak floor"}]
    res = FidelityReward()(PROMPT, clean, requirements=reqs)
    assert res.total == round(2 / 3, 6) == 0.666667
    assert res.details["parsed"] is False
    assert [r["satisfied"] for r in res.details["requirements"]] == [True, False, True]
    assert res.details["requirements"][1]["detail"] == "1 of 2 nightstand"
    assert FidelityReward()(PROMPT, clean, requirements=[]).total == 1.0  # nothing checked


def test_requirements_are_parsed_once_per_prompt_and_handed_out_as_copies():
    prompt = "a study with a desk and two bookshelves"
    first = prompt_requirements(prompt)
    hits = _parsed.cache_info().hits
    first[0]["key"] = "changed"
    second = prompt_requirements(prompt)
    assert _parsed.cache_info().hits == hits + 1
    assert second[0]["key"] != "changed" and second == prompt_requirements(prompt)


# ---------------------------------------------------------------------------------------------
# plausibility


def test_one_forced_collision_costs_exactly_one_penalty():
    scene = build(CLEAN + COLLIDING)
    res = PlausibilityReward()(PROMPT, scene)
    assert res.total == round(1 - PROBLEM_PENALTY, 6) == 0.9
    pen = res.details["penalties"]
    assert pen["collisions"]["count"] == 1
    assert (pen["collisions"]["items"][0]["a"], pen["collisions"]["items"][0]["b"]) == ("nightstand_0", "nightstand_1")
    # MuJoCo pushes both nightstands apart and the cup falls: all already paid for by the collision
    assert pen["instability"]["count"] == 0 and pen["instability"]["penalty"] == 0.0
    assert pen["instability"]["unstable_total"] >= 2
    assert set(pen["instability"]["already_named"]) <= {"nightstand_0", "nightstand_1", "cup_0"}
    assert {"nightstand_0", "nightstand_1"} <= set(pen["instability"]["already_named"])
    assert sum(p["penalty"] for p in pen.values()) == pytest.approx(0.1, abs=1e-12)


def test_floating_object_is_paid_for_once():
    scene = lifted(build(CLEAN), "cup_0", 0.05)
    res = PlausibilityReward()(PROMPT, scene)
    assert res.total == 0.9
    pen = res.details["penalties"]
    assert pen["unsupported"]["count"] == 1 and pen["unsupported"]["items"][0]["id"] == "cup_0"
    assert pen["instability"]["unstable_total"] == 1 and pen["instability"]["already_named"] == ["cup_0"]
    assert pen["instability"]["count"] == 0


def test_navigability_shortfall_costs_proportionally():
    scene = build(CLEAN + PARTITION)
    ratio = evaluate_navigability(scene)["ratio"]
    assert 0.5 < ratio < NAV_TARGET
    res = PlausibilityReward()(PROMPT, scene)
    expected = round(1 - NAV_PENALTY_PER_UNIT * (NAV_TARGET - ratio), 6)
    assert res.total == expected
    nav = res.details["penalties"]["navigability"]
    assert nav["ratio"] == ratio and nav["shortfall"] == round(NAV_TARGET - ratio, 6)
    others = {k: v["penalty"] for k, v in res.details["penalties"].items() if k != "navigability"}
    assert set(others.values()) == {0.0}


def test_stability_off_skips_mujoco(clean):
    res = PlausibilityReward(stability=False)(PROMPT, clean)
    assert res.total == 1.0 and "instability" not in res.details["penalties"]
    assert parse_reward("plausibility", stability=False).terms[0][1].stability is False


def test_penalties_floor_at_zero():
    # ten nightstands at one pose: 45 colliding pairs, far beyond 1.0 of penalties
    scene = build("".join(f"x{i} = add('nightstand'); place(x{i}, at=(2.5, 2.0))\n" for i in range(10)))
    res = PlausibilityReward(stability=False)(PROMPT, scene)
    assert res.details["penalties"]["collisions"]["count"] == 45
    assert res.total == 0.0 and res.details["penalty"] == 4.5


# ---------------------------------------------------------------------------------------------
# text alignment


def test_text_alignment_is_the_clamped_cosine_of_prompt_and_caption(clean):
    from worldsmith.assets.retrieval import default_embedder

    res = TextAlignmentReward()(PROMPT, clean)
    vec = default_embedder().encode([PROMPT])[0].astype(np.float64), \
        default_embedder().encode([scene_caption(clean)])[0].astype(np.float64)
    cos = float(vec[0] @ vec[1] / (np.linalg.norm(vec[0]) * np.linalg.norm(vec[1])))
    assert res.details["caption"] == scene_caption(clean)
    assert res.total == pytest.approx(round(max(cos, 0.0), 6), abs=2e-6)
    assert 0.0 < res.total <= 1.0


def test_text_alignment_prefers_the_scene_of_the_prompt():
    bedroom, kitchen = build(CLEAN), build(KITCHEN, name="kitchen")
    reward = TextAlignmentReward()
    bed_prompt = "a cosy bedroom with a double bed, a nightstand and an oak floor"
    kitchen_prompt = "a kitchen with a stove, a fridge and a dining table"
    # measured: bedroom prompt 0.6819 (bedroom) vs 0.5969 (kitchen); kitchen prompt 0.7069 vs 0.5255
    assert reward(bed_prompt, bedroom).total > reward(bed_prompt, kitchen).total + 0.05
    assert reward(kitchen_prompt, kitchen).total > reward(kitchen_prompt, bedroom).total + 0.05


def test_room_name_does_not_matter():
    prompt = "a cosy bedroom with a bed, a nightstand and a cup"
    plain, copied = build(CLEAN, name="room"), build(CLEAN, name=prompt)
    assert copied.rooms[0].name == prompt
    reward = parse_reward(DEFAULT_REWARD)
    a, b = reward(prompt, plain), reward(prompt, copied)
    assert a.breakdown["text_alignment"] == b.breakdown["text_alignment"]
    assert a.to_dict() == b.to_dict()


def test_text_alignment_reward_pickles_without_its_model(clean):
    reward = TextAlignmentReward()
    value = reward(PROMPT, clean).total
    clone = pickle.loads(pickle.dumps(reward))
    assert clone.embedder is None and clone(PROMPT, clean).total == value


# ---------------------------------------------------------------------------------------------
# combination and spec parsing


def test_combination_is_the_weighted_mean():
    scene = build(CLEAN + COLLIDING)  # plausibility 0.9
    reqs = [{"kind": "object", "key": "bed", "value": 1, "text": "a bed"},
            {"kind": "object", "key": "sofa", "value": 1, "text": "a sofa"}]  # fidelity 0.5
    reward = parse_reward("2*fidelity + plausibility", stability=False)
    assert isinstance(reward, CombinedReward) and reward.name == "2*fidelity+plausibility"
    res = reward(PROMPT, scene, requirements=reqs)
    assert res.breakdown == {"fidelity": 0.5, "plausibility": 0.9}
    assert res.total == round((2 * 0.5 + 0.9) / 3, 6) == 0.633333
    assert res.details["weights"] == {"fidelity": 2.0, "plausibility": 1.0}
    assert res.details["fidelity"]["satisfied"] == 1 and res.details["plausibility"]["penalty"] == 0.1

    other = parse_reward("0.25*plausibility+1.5e0*fidelity", stability=False)
    assert other.name == "0.25*plausibility+1.5*fidelity"
    assert other(PROMPT, scene, requirements=reqs).total == round((0.25 * 0.9 + 1.5 * 0.5) / 1.75, 6)


def test_default_reward_lists_every_component(clean):
    reward = parse_reward(DEFAULT_REWARD)
    assert reward.name == DEFAULT_REWARD == "fidelity+plausibility+text_alignment"
    res = reward(PROMPT, clean)
    assert list(res.breakdown) == ["fidelity", "plausibility", "text_alignment"]
    assert res.total == round(sum(res.breakdown.values()) / 3, 6)
    assert 0.0 <= res.total <= 1.0
    text = json.dumps(res.to_dict(), allow_nan=False)
    assert json.loads(text) == res.to_dict()


@pytest.mark.parametrize("spec, fragment", [
    ("", "empty reward spec"),
    ("   ", "empty reward spec"),
    ("fidelity++plausibility", "empty term"),
    ("fidelity+beauty", "unknown reward 'beauty'"),
    ("fidelity+fidelity", "appears twice"),
    ("2*fidelity+0.5*fidelity", "appears twice"),
    ("0*fidelity", "positive finite number"),
    ("-1*fidelity", "positive finite number"),
    ("nan*fidelity", "positive finite number"),
    ("x*fidelity", "bad weight 'x'"),
    ("2*3*fidelity", "bad reward term"),
    ("fidelity*2", "put the weight before the name"),
    ("2**fidelity", "bad reward term"),
    ("1e999*fidelity", "positive finite number"),
])
def test_bad_specs_raise_one_line_listing_the_names(spec, fragment):
    with pytest.raises(RewardError) as err:
        parse_reward(spec)
    msg = str(err.value)
    assert fragment in msg and "\n" not in msg
    assert all(name in msg for name in REWARD_NAMES)
    assert isinstance(err.value, WorldsmithError)


def test_clip_without_a_checkpoint_names_the_flag(tmp_path):
    with pytest.raises(RewardError, match="--clip-model") as err:
        parse_reward("fidelity+clip")
    assert "\n" not in str(err.value)
    with pytest.raises(RewardError, match="--clip-model"):
        parse_reward("clip", clip_model=tmp_path / "missing")


# ---------------------------------------------------------------------------------------------
# scenes without a room


def test_empty_scene_scores_zero_everywhere(tiny_clip_dirs):
    empty = Scene()
    reward = parse_reward("fidelity+plausibility+text_alignment+clip", clip_model=tiny_clip_dirs[0])
    res = reward("a bedroom with a bed", empty)
    assert res.total == 0.0
    assert res.breakdown == {"fidelity": 0.0, "plausibility": 0.0, "text_alignment": 0.0, "clip": 0.0}
    assert all(res.details[n]["reason"] == "the scene has no room" for n in res.breakdown)
    assert res.details["text_alignment"]["caption"] == "an empty scene"


# ---------------------------------------------------------------------------------------------
# clip


def _load_clip_helpers():
    path = Path(__file__).resolve().parents[1] / "metrics" / "test_clip.py"
    spec = importlib.util.spec_from_file_location("_worldsmith_test_clip_helpers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tiny_clip_dirs(tmp_path_factory):
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    import torch
    from transformers import CLIPModel, CLIPProcessor

    from worldsmith.metrics.clip import clear_clip_cache

    helpers = _load_clip_helpers()
    root = tmp_path_factory.mktemp("clip")
    model, tokenizer, image_processor, config, _ = helpers.tiny_clip(root / "plain")
    flipped = CLIPModel(config).eval()
    flipped.load_state_dict(model.state_dict())
    with torch.no_grad():
        flipped.text_projection.weight.neg_()
    flipped.save_pretrained(root / "flipped")
    CLIPProcessor(image_processor=image_processor, tokenizer=tokenizer).save_pretrained(root / "flipped")
    clear_clip_cache()
    yield root / "plain", root / "flipped"
    clear_clip_cache()


def test_clip_reward_is_the_clip_score_over_100(tiny_clip_dirs, clean):
    from worldsmith.metrics.clip import clip_score

    rng = np.random.default_rng(3)
    images = [rng.integers(0, 256, (48, 64, 3), dtype=np.uint8) for _ in range(3)]
    values = []
    for folder in tiny_clip_dirs:
        res = ClipReward(folder)(PROMPT, clean, images=images)
        ref = clip_score(images, PROMPT, model_dir=folder)
        assert res.total == round(ref["score"] / 100.0, 6)
        assert res.details["per_image"] == [round(v, 6) for v in ref["per_image"]]
        assert res.details["images"] == "3 given"
        assert 0.0 <= res.total <= 1.0
        values.append(res.total)
    assert max(values) > 0.0  # the flipped checkpoint's cosines have the other sign


def test_clip_reward_renders_a_topdown_and_a_perspective_view(tiny_clip_dirs, clean):
    from worldsmith.metrics.clip import clip_score

    reward = parse_reward("clip", clip_model=tiny_clip_dirs[1])
    clip = reward.terms[0][1]
    images = clip.render(clean)
    assert [im.shape for im in images] == [(224, 224, 3), (224, 224, 3)]
    assert all(im.dtype == np.uint8 and im.std() > 0 for im in images)
    res = reward(PROMPT, clean)
    assert res.details["clip"]["images"] == ["topdown", "perspective"]
    assert res.total == round(clip_score(images, PROMPT, model_dir=tiny_clip_dirs[1])["score"] / 100.0, 6)


def test_reward_result_round_trips_as_json(clean):
    res = RewardResult(0.5, {"fidelity": 0.5}, {"fidelity": {"satisfied": 1}})
    assert res.to_dict() == {"total": 0.5, "breakdown": {"fidelity": 0.5}, "details": {"fidelity": {"satisfied": 1}}}
