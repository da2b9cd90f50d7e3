"""prompt_fidelity(): requirements from the prompt parser checked on hand-built scenes whose answer
is known (counts, colours, materials, lighting mood, and the relations on / facing / around / under)."""

from __future__ import annotations

import dataclasses

import pytest

from worldsmith.metrics.fidelity import check_requirement, prompt_fidelity
from worldsmith.policy.offline.parse import parse_prompt
from worldsmith.scene import AssetRef, Attributes, Light, MaterialChoice, ObjectInstance, Opening, Room, Scene

RECT = ((0.0, 0.0), (5.0, 0.0), (5.0, 4.0), (0.0, 4.0))  # wall_0 y=0, wall_1 x=5, wall_2 y=4, wall_3 x=0
DINING_PROMPT = "a dining room with six chairs around a table, a red rug, oak floor and warm lighting"


def obj(oid: str, category: str, xy, size, *, yaw: float = 0.0, z: float = 0.0, support: str = "floor",
        color: str | None = None) -> ObjectInstance:
    return ObjectInstance(oid, category, AssetRef("fallback", category), (xy[0], xy[1], z), size, yaw, support,
                          Attributes(color=color))


def requirements(prompt: str) -> list[dict]:
    return [dataclasses.asdict(r) for r in parse_prompt(prompt, use_embeddings=False).requirements]


def by_text(result: dict) -> dict[str, bool]:
    return {r["text"]: r["satisfied"] for r in result["requirements"]}


# A 1.6 x 0.9 table at (2.5, 2.0); chairs 0.1 m from its edges, facing it: two on each long side,
# one at each end (front = local +Y turned by yaw: yaw 0 faces +Y, 180 -Y, -90 +X, 90 -X).
CHAIRS = [((2.1, 1.19), 0.0), ((2.9, 1.19), 0.0), ((2.1, 2.81), 180.0), ((2.9, 2.81), 180.0),
          ((1.34, 2.0), -90.0), ((3.66, 2.0), 90.0)]


def dining(n_chairs: int = 6, *, rug_color: str = "red", floor: str = "light oak planks",
           kelvins=((2700.0, 800.0),)) -> Scene:
    objects = [obj("dining_table_0", "dining_table", (2.5, 2.0), (1.6, 0.9, 0.75)),
               obj("rug_0", "rug", (2.5, 2.0), (2.4, 1.8, 0.01), color=rug_color)]
    objects += [obj(f"dining_chair_{i}", "dining_chair", xy, (0.46, 0.52, 0.9), yaw=yaw)
                for i, (xy, yaw) in enumerate(CHAIRS[:n_chairs])]
    lights = tuple(Light(f"light_{i}", "ceiling_fixture", (2.5, 2.0, 2.7), lumens=lm, kelvin=k)
                   for i, (k, lm) in enumerate(kelvins))
    room = Room("room_0", "dining room", RECT, 2.8, materials={"floor": floor})
    return Scene(prompt=DINING_PROMPT, rooms=(room,), objects=tuple(objects), lights=lights,
                 material_choices={floor: MaterialChoice("oak_planks" if "oak" in floor else "concrete", 0.9)})


def test_parser_requirements_all_met_by_a_matching_scene():
    reqs = requirements(DINING_PROMPT)
    assert {(r["kind"], r["key"]) for r in reqs} == {
        ("object", "dining_chair"), ("object", "dining_table"), ("object", "rug"), ("material", "floor"),
        ("lighting", "warm"), ("color", "rug"), ("relation", "dining_chair")}
    res = prompt_fidelity(dining(6), reqs)
    assert (res["satisfied"], res["total"], res["share"]) == (7, 7, 1.0), res
    assert all(r["satisfied"] for r in res["requirements"])


def test_five_chairs_fail_exactly_the_six_chairs_requirement():
    reqs = requirements(DINING_PROMPT)
    res = prompt_fidelity(dining(5), reqs)
    failed = [r for r in res["requirements"] if not r["satisfied"]]
    assert [(r["kind"], r["key"], r["value"], r["text"]) for r in failed] == [
        ("object", "dining_chair", 6, "six chairs")]
    assert failed[0]["detail"] == "5 of 6 dining_chair"
    assert (res["satisfied"], res["total"], res["share"]) == (6, 7, round(6 / 7, 4))


def test_colour_requirement():
    req = {"kind": "color", "key": "rug", "value": "red", "text": "red rug"}
    assert check_requirement(dining(rug_color="red"), req)[0]
    ok, detail = check_requirement(dining(rug_color="navy blue"), req)
    assert not ok and detail == "no rug coloured red"


def test_floor_material_requirement():
    req = {"kind": "material", "key": "floor", "value": ["oak"], "text": "oak floor"}
    assert check_requirement(dining(floor="light oak planks"), req) == (True, "floor: 'light oak planks'")
    ok, detail = check_requirement(dining(floor="polished grey concrete"), req)
    assert not ok and "concrete" in detail
    # the resolved library material counts too: "honey planks" resolved to oak_planks says oak
    s = dining(floor="honey planks")
    s = dataclasses.replace(s, material_choices={"honey planks": MaterialChoice("oak_planks", 0.7)})
    assert check_requirement(s, req) == (True, "floor: 'oak planks'")


@pytest.mark.parametrize("kelvins,warm,cool", [
    (((2700.0, 800.0),), True, False),
    (((5000.0, 800.0),), False, True),
    (((4000.0, 800.0),), False, False),  # neutral: neither
    # lumen-weighted mean: (2700 * 1000 + 6500 * 100) / 1100 = 3045 K, warm
    (((2700.0, 1000.0), (6500.0, 100.0)), True, False),
    # (2700 * 100 + 6500 * 1000) / 1100 = 6155 K, cool
    (((2700.0, 100.0), (6500.0, 1000.0)), False, True),
])
def test_lighting_mood_by_colour_temperature(kelvins, warm, cool):
    s = dining(kelvins=kelvins)
    assert check_requirement(s, {"kind": "lighting", "key": "warm", "value": "warm"})[0] is warm
    assert check_requirement(s, {"kind": "lighting", "key": "cool", "value": "cool"})[0] is cool


def test_around_relation_needs_a_chair_facing_the_table_within_reach():
    req = next(r for r in requirements(DINING_PROMPT) if r["kind"] == "relation")
    assert req["value"] == {"subject": "dining_chair", "relation": "around", "object": "dining_table"}
    assert check_requirement(dining(6), req)[0]
    # every chair turned away from the table: none faces it
    s = dining(6)
    turned = tuple(dataclasses.replace(o, yaw_deg=(o.yaw_deg + 180.0) % 360.0) if o.category == "dining_chair"
                   else o for o in s.objects)
    assert not check_requirement(dataclasses.replace(s, objects=turned), req)[0]


# ---------------------------------------------------------------------------------------------
# on / facing / under, from one parsed prompt

KITCHEN_PROMPT = "a kitchen with a cup on the table, a sofa facing the tv, a desk under the window"


def kitchen(*, cup_on_table: bool = True, sofa_yaw: float = 0.0, desk_x: float = 2.7,
           desk_height: float = 0.75) -> Scene:
    window = Opening("window_0", "window", "wall_2", 1.5, 1.6, 1.2, sill=0.9)  # x 1.9 .. 3.5 on y = 4
    room = Room("room_0", "kitchen", RECT, 2.8, openings=(window,))
    table = obj("dining_table_0", "dining_table", (1.0, 1.0), (1.2, 0.8, 0.75))
    cup = (obj("cup_0", "cup", (1.0, 1.0), (0.09, 0.09, 0.08), z=0.75, support="object:dining_table_0")
           if cup_on_table else obj("cup_0", "cup", (0.3, 2.0), (0.09, 0.09, 0.08)))
    tv = obj("tv_0", "tv", (4.97, 1.5), (1.2, 0.06, 0.7), yaw=90.0, z=0.9, support="wall:wall_1")
    sofa = obj("sofa_0", "sofa", (3.4, 1.5), (2.0, 0.9, 0.85), yaw=sofa_yaw - 90.0)  # yaw -90: faces +X
    desk = obj("desk_0", "desk", (desk_x, 3.65), (1.2, 0.7, desk_height), yaw=180.0)  # back at wall_2
    return Scene(prompt=KITCHEN_PROMPT, rooms=(room,), objects=(table, cup, tv, sofa, desk))


def _relation(prompt_reqs: list[dict], relation: str) -> dict:
    return next(r for r in prompt_reqs if r["kind"] == "relation" and r["value"]["relation"] == relation)


def test_parsed_relations_hold_on_a_matching_scene():
    reqs = requirements(KITCHEN_PROMPT)
    rel = {r["value"]["relation"]: (r["value"]["subject"], r["value"]["object"])
           for r in reqs if r["kind"] == "relation"}
    assert rel == {"on": ("cup", "dining_table"), "facing": ("sofa", "tv"), "under": ("desk", "window")}
    res = prompt_fidelity(kitchen(), reqs)
    assert res["share"] == 1.0, [r for r in res["requirements"] if not r["satisfied"]]


def test_on_relation_cup_on_table_versus_on_floor():
    req = _relation(requirements(KITCHEN_PROMPT), "on")
    assert check_requirement(kitchen(cup_on_table=True), req) == (True, "on dining_table: ['cup_0']")
    ok, detail = check_requirement(kitchen(cup_on_table=False), req)
    assert not ok and detail == "no cup rests on a dining_table"


@pytest.mark.parametrize("turn,ok", [(0.0, True), (180.0, False), (90.0, False), (20.0, True), (60.0, False)])
def test_facing_relation_sofa_and_tv(turn, ok):
    # the sofa's front ray from (3.4, 1.5) to the 1.2 m wide tv on x = 5: within atan(0.6 / 1.6) =
    # 20.6 degrees it hits the tv
    req = _relation(requirements(KITCHEN_PROMPT), "facing")
    assert check_requirement(kitchen(sofa_yaw=turn), req)[0] is ok


@pytest.mark.parametrize("kw,ok", [
    ({}, True),
    ({"desk_x": 1.0}, False),  # against the wall but beside the window (x 1.9 .. 3.5)
    ({"desk_height": 1.05}, False),  # too tall: its top above the 0.9 m sill
])
def test_under_window_relation(kw, ok):
    req = _relation(requirements(KITCHEN_PROMPT), "under")
    assert check_requirement(kitchen(**kw), req)[0] is ok


def test_desk_facing_a_wall_means_its_user_looks_at_the_wall():
    # desks are used from their front: "a desk facing the wall" holds when the desk's back is at it
    req = {"kind": "relation", "key": "desk", "value": {"relation": "facing", "subject": "desk", "object": "wall_2"}}
    assert check_requirement(kitchen(), req)[0]  # yaw 180: front to the room, back (and user's view) to wall_2
    turned = kitchen()
    turned = dataclasses.replace(turned, objects=tuple(
        dataclasses.replace(o, yaw_deg=0.0, position=(o.position[0], 3.0, 0.0)) if o.id == "desk_0" else o
        for o in turned.objects))
    assert not check_requirement(turned, req)[0]
