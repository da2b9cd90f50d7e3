"""The VLM prompt: the DSL reference generated from the code, the worked examples replayed with the
real DSL, the scene summary, the validation text and the observation messages (also sent over a
real local OpenAI-compatible server)."""

from __future__ import annotations

import base64
import inspect
import json
from importlib import resources

import numpy as np
import pytest

from worldsmith.assets import catalog
from worldsmith.dsl import DSLError, api, execute
from worldsmith.dsl.api import ProgramContext
from worldsmith.dsl.errors import CODES
from worldsmith.dsl.interpreter import HANDLE_FIELDS
from worldsmith.pipeline.episode import scene_metrics
from worldsmith.policy.protocol import Observation
from worldsmith.policy.vlm import prompting
from worldsmith.policy.vlm.messages import png_of, system_message
from worldsmith.policy.vlm.prompting import (
    EMPTY_SCENE,
    INSTRUCTION,
    MAX_ITEMS,
    TOPDOWN_LABEL,
    dsl_reference,
    examples,
    format_example,
    observation_messages,
    outcome_text,
    scene_text,
    system_prompt,
    validation_text,
)
from worldsmith.policy.vlm.reply import Reply, parse_reply
from worldsmith.scene import AssetRef, Attributes, Light, ObjectInstance, Opening, Room, Scene


def _flat(text: str) -> str:
    return " ".join(text.split())


def _first_sentence(doc: str) -> str:
    text = _flat(inspect.cleandoc(doc))
    ends = [i for i in (text.find(". "), text.find(".\n")) if i >= 0]
    return text[: min(ends) + 1] if ends else text


def _functions() -> dict:
    return ProgramContext(Scene(), 0).functions()


# ---------------------------------------------------------------------------------------------
# the DSL reference


def test_reference_has_every_dsl_function_signature_and_first_sentence():
    ref = dsl_reference()
    flat = _flat(ref)
    lines = ref.splitlines()
    functions = _functions()
    assert {"room", "door", "window", "material", "add", "add_to_wall", "place", "fill", "light", "move", "rotate",
            "resize", "remove", "objects", "walls"} <= set(functions)
    for name, fn in functions.items():
        params = [p.replace(annotation=inspect.Parameter.empty) for p in inspect.signature(fn).parameters.values()]
        sig = name + str(inspect.Signature(params))
        assert lines.count(sig) == 1, f"signature line of {name} missing or repeated: {sig}"
        assert _first_sentence(fn.__doc__) in flat, name
        # the whole docstring, verbatim (whitespace aside)
        assert _flat(inspect.cleandoc(fn.__doc__)) in flat, name
    assert "room(name='room', width=None, depth=None, height=2.8, polygon=None, wall_thickness=0.12)" in lines
    assert "door(wall, at=0.5, width=0.9, height=2.1, hinge='start', swing='in')" in lines


def test_reference_groups_in_order_and_nothing_left_out():
    ref = dsl_reference()
    headings = [line for line in ref.splitlines() if line.startswith("## ")]
    assert headings == ["## Room shell", "## Objects", "## Placement", "## Lights", "## Queries (read-only)",
                        "## Handles, builtins, errors"]
    grouped = [n for _, names in prompting.GROUPS for n in names]
    assert sorted(grouped) == sorted(_functions())  # every function has a group, and no group names a ghost
    order = [ref.index("\n" + n + "(") for n in grouped]
    assert order == sorted(order)


def test_reference_conventions_handles_builtins_errors():
    ref = dsl_reference()
    conventions = next(p for p in inspect.cleandoc(api.__doc__).split("\n\n") if p.startswith("Conventions"))
    assert ref.startswith(_flat(conventions) + "\n\n")
    assert "yaw 0 faces +Y, 90 faces -X, 180 faces -Y, 270 faces +X" in ref
    assert "fields: " + ", ".join(f"h.{f}" for f in HANDLE_FIELDS) + "." in ref
    assert ("Builtins: abs, atan2, ceil, cos, degrees, enumerate, float, floor, hypot, int, len, list, max, min, "
            "print, radians, range, round, sin, sqrt, str, sum, tan, zip; the constant pi.") in ref
    for code, meaning in CODES.items():
        assert f"{code}: {meaning}" in ref


def test_reference_lists_every_category_under_its_support_with_its_size():
    ref = dsl_reference()
    lines = dict(line[2:].split(": ", 1) for line in ref.splitlines() if line.startswith("- "))
    heads = {"floor": "floor", "wall": "wall", "ceiling": "ceiling",
             "object": "on objects (small things for fill() or add(..., on=...))"}
    seen = []
    for support, head in heads.items():
        entries = lines[head].split("), ")
        names = [e.split(" (", 1)[0] for e in entries]
        want = [n for n in catalog.names() if catalog.get(n).support == support]
        assert names == want
        seen += names
    assert sorted(seen) == catalog.names()
    assert "sofa (2.1 x 0.92 x 0.85)" in ref
    assert "rug (2 x 1.4 x 0.01)" in ref


def test_reference_is_cached():
    assert dsl_reference() is dsl_reference()


# ---------------------------------------------------------------------------------------------
# the system prompt


def test_system_prompt_fills_the_template():
    template = resources.files("worldsmith.policy.vlm").joinpath("data/system.txt").read_text("utf-8")
    assert template.count("{reference}") == 1 and template.count("{examples}") == 1
    text = system_prompt()
    assert dsl_reference() in text
    assert "{reference}" not in text and "{examples}" not in text
    exs = examples()
    assert format_example(1, exs[0]) in text and format_example(2, exs[1]) in text
    assert "Example 3" not in text
    for phrase in ("exactly one ```python fenced program", "done()", "rolled back", "Fix problems before adding",
                   "ids in the scene summary"):
        assert phrase in text
    none = system_prompt(0)
    assert "Example 1" not in none and none.rstrip().endswith("# Worked examples\n(none)")
    everything = system_prompt(100)
    assert all(format_example(i + 1, e) in everything for i, e in enumerate(exs))
    with pytest.raises(ValueError):
        system_prompt(-1)


def test_examples_cover_the_required_situations():
    exs = examples()
    assert len(exs) >= 4
    for e in exs:
        assert {"id", "prompt", "situation", "reasoning", "program"} <= set(e)
    programs = [e["program"] for e in exs]
    assert programs[0].startswith("room(") and "door(" in programs[0] and "window(" in programs[0] \
        and "material(" in programs[0]
    assert any("place(" in p and ("facing=" in p or "in_front_of=" in p) for p in programs)
    assert any("collisions (" in e["situation"] for e in exs)
    assert any("fill(" in p and "light(" in p for p in programs)
    assert programs[-1] == "done()"


def _replay():
    """Every example from the state its situation describes: [(example, start scene, reply, end scene)]."""
    states: dict[str, Scene] = {}
    out = []
    for e in examples():
        scene = states[e["after"]] if "after" in e else Scene(prompt=e["prompt"], seed=0)
        if "last_program" in e:
            try:
                scene = execute(e["last_program"], scene, seed=0).scene
            except DSLError as exc:
                assert "Outcome: " + outcome_text(exc.to_dict(), None) in e["situation"]
        reply = parse_reply(format_example(1, e).split("Reply:\n", 1)[1])
        result = execute(reply.program, scene, seed=0)
        out.append((e, scene, reply, result))
        states[e["id"]] = result.scene
    return out


def test_examples_replay_with_the_real_dsl():
    for e, start, reply, result in _replay():
        # the situation quotes the validation of the scene it starts from
        assert "Validation: " + validation_text(scene_metrics(start), {}) in e["situation"], e["id"]
        # the reply parses to the example's reasoning and program (done() removed, done set)
        is_done = e["program"] == "done()"
        assert reply == Reply(e["reasoning"], "" if is_done else e["program"], is_done)
        # the program runs without an error, places everything it asks for, satisfies every relation
        assert result.report.unplaced == [], e["id"]
        assert [r for r in result.report.relations if not r["satisfied"]] == [], e["id"]
        # and leaves a scene with no problems at all
        assert validation_text(scene_metrics(result.scene), {}) == "No problems", e["id"]
    final = _replay()[-1][3].scene
    assert {o.category for o in final.objects} >= {"sofa", "tv_stand", "coffee_table", "armchair", "floor_lamp"}
    assert all(light.kelvin == 2700 for light in final.lights) and len(final.lights) == 2


# ---------------------------------------------------------------------------------------------
# the scene summary

L_SHAPE = ((0, 0), (6, 0), (6, 3), (3, 3), (3, 5), (0, 5))


def _scene() -> Scene:
    box = AssetRef("fallback", "box")
    room = Room("room_0", "study", L_SHAPE, 2.6, openings=(
        Opening("door_0", "door", "wall_0", 0.5, 0.9, 2.1, hinge="end", swing="out"),
        Opening("window_0", "window", "wall_4", 1.0, 1.2, 1.1, sill=0.9)),
        materials={"wall_1": "red brick", "floor": "oak planks", "walls": "white plaster"})
    objects = (
        ObjectInstance("desk_0", "desk", box, (1.0, 0.4, 0.0), (1.4, 0.7, 0.75), yaw_deg=0.0,
                       attributes=Attributes(color="walnut", style="modern", materials={"main": "oak"})),
        ObjectInstance("book_0", "book", box, (1.2, 0.45, 0.75), (0.04, 0.16, 0.23), yaw_deg=-90.0,
                       support="object:desk_0"),
        ObjectInstance("bookshelf_0", "bookshelf", box, (0.5, -0.001, 0.0), (0.9, 0.32, 1.9), yaw_deg=359.999),
        ObjectInstance("book_1", "book", box, (0.5, 0.1, 0.9), (0.04, 0.16, 0.23), support="object:bookshelf_0#2",
                       attributes=Attributes(color=(0.2, 0.3, 0.4))),
        ObjectInstance("painting_0", "painting", box, (3.0, 2.98, 1.4), (0.9, 0.04, 0.65), yaw_deg=180.0,
                       support="wall:wall_2"),
        ObjectInstance("ceiling_light_0", "ceiling_light", box, (2.0, 2.0, 2.5), (0.4, 0.4, 0.1), support="ceiling"),
    )
    lights = (
        Light("light_0", "ceiling_fixture", (2.0, 2.0, 2.58), watts=60, kelvin=2700),
        Light("light_1", "point", (1.0, 4.0, 2.3), lumens=800, rgb=(1.0, 0.5, 0.25)),
        Light("light_2", "spot", (5.0, 1.0, 2.3), watts=40),
    )
    return Scene(prompt="a study", seed=3, rooms=(room,), objects=objects, lights=lights)


SCENE_TEXT = """rooms (1):
room_0 "study": polygon (0.00, 0.00) (6.00, 0.00) (6.00, 3.00) (3.00, 3.00) (3.00, 5.00) (0.00, 5.00); height 2.60 m; area 24.00 m2
  walls: wall_0 (0.00, 0.00) -> (6.00, 0.00) length 6.00; wall_1 (6.00, 0.00) -> (6.00, 3.00) length 3.00; wall_2 (6.00, 3.00) -> (3.00, 3.00) length 3.00; wall_3 (3.00, 3.00) -> (3.00, 5.00) length 2.00; wall_4 (3.00, 5.00) -> (0.00, 5.00) length 3.00; wall_5 (0.00, 5.00) -> (0.00, 0.00) length 5.00
  door_0: door on wall_0 centred at 0.16 of the wall, width 0.90 height 2.10 sill 0.00, hinge end, swing out
  window_0: window on wall_4 centred at 0.53 of the wall, width 1.20 height 1.10 sill 0.90
  materials: floor "oak planks"; walls "white plaster"; wall_1 "red brick"
objects (6):
  desk_0 desk at (1.00, 0.40, 0.00) yaw 0.00 size 1.40 x 0.70 x 0.75 support floor [color walnut, style modern, material "oak"]
  book_0 book at (1.20, 0.45, 0.75) yaw 270.00 size 0.04 x 0.16 x 0.23 support on desk_0
  bookshelf_0 bookshelf at (0.50, 0.00, 0.00) yaw 0.00 size 0.90 x 0.32 x 1.90 support floor
  book_1 book at (0.50, 0.10, 0.90) yaw 0.00 size 0.04 x 0.16 x 0.23 support on bookshelf_0 surface 2 [color (0.20, 0.30, 0.40)]
  painting_0 painting at (3.00, 2.98, 1.40) yaw 180.00 size 0.90 x 0.04 x 0.65 support wall wall_2
  ceiling_light_0 ceiling_light at (2.00, 2.00, 2.50) yaw 0.00 size 0.40 x 0.40 x 0.10 support ceiling
lights (3):
  light_0 ceiling_fixture at (2.00, 2.00, 2.58), 60.00 W, 2700 K
  light_1 point at (1.00, 4.00, 2.30), 800.00 lm, rgb (1.00, 0.50, 0.25)
  light_2 spot at (5.00, 1.00, 2.30), 40.00 W, 4000 K (default)"""


def test_scene_text_exact():
    assert scene_text(_scene()) == SCENE_TEXT


def test_scene_text_empty_and_bare_room():
    assert scene_text(Scene()) == EMPTY_SCENE == "no room yet: start with room(...)"
    bare = execute('room("box room", width=3, depth=2)', Scene(), seed=0).scene
    assert scene_text(bare) == (
        'rooms (1):\nroom_0 "box room": polygon (0.00, 0.00) (3.00, 0.00) (3.00, 2.00) (0.00, 2.00); '
        "height 2.80 m; area 6.00 m2\n"
        "  walls: wall_0 (0.00, 0.00) -> (3.00, 0.00) length 3.00; wall_1 (3.00, 0.00) -> (3.00, 2.00) length 2.00; "
        "wall_2 (3.00, 2.00) -> (0.00, 2.00) length 3.00; wall_3 (0.00, 2.00) -> (0.00, 0.00) length 2.00\n"
        "  openings: none\n  materials: none set (defaults)\nobjects: none\nlights: none")


def test_scene_text_of_a_dsl_scene_has_one_line_per_object():
    scene = _replay()[-2][3].scene  # after dressing and lights
    text = scene_text(scene)
    assert text == scene_text(scene)  # deterministic
    lines = text.splitlines()
    for o in scene.objects:
        mine = [line for line in lines if line.startswith(f"  {o.id} ")]
        assert len(mine) == 1
        assert f" at ({o.position[0]:.2f}, {o.position[1]:.2f}, {o.position[2]:.2f}) " in mine[0]
    assert any(line.startswith("  pillow_0 pillow ") and line.endswith("support on sofa_0") for line in lines)
    assert any(" support wall wall_3" in line for line in lines if line.startswith("  painting_0 "))
    assert f"objects ({len(scene.objects)}):" in lines and f"lights ({len(scene.lights)}):" in lines


# ---------------------------------------------------------------------------------------------
# the validation text


def test_validation_text_exact_and_sorted():
    validation = {
        "collisions": [{"a": "sofa_0", "b": "table_0", "depth_m": 0.12},
                       {"a": "chair_0", "b": "desk_0", "depth_m": 0.0349}],
        "out_of_bounds": [{"id": "bookshelf_0", "by_m": 0.05, "reason": "footprint outside the room"}],
        "blocked_openings": [{"opening": "window_0", "object": "wardrobe_0", "side": "inside"},
                             {"opening": "door_0", "object": "plant_0", "side": "outside"}],
        "unsupported": [{"id": "book_2", "support": "object:shelf_0#1", "gap_m": 0.031, "reason": "floating"},
                        {"id": "vase_0", "support": "floor", "gap_m": -0.0001, "reason": "sunk"}],
        "navigability": [{"room": "room_1", "free_area_m2": 9.8, "largest_area_m2": 5.2, "ratio": 0.53,
                          "navigable": False, "unreachable_doors": ["door_1"], "unreachable_fronts": ["bed_0"]},
                         {"room": "room_0", "free_area_m2": 12.0, "largest_area_m2": 12.0, "ratio": 1.0,
                          "navigable": True, "unreachable_doors": [], "unreachable_fronts": []}],
        "stacking": [{"id": "mug_0", "why": "tilted"}],
    }
    fidelity = {"requirements": [
        {"kind": "object", "key": "nightstand", "value": 2, "text": "2 nightstands", "satisfied": False,
         "detail": "found 1"},
        {"kind": "lighting", "key": "warm", "value": "warm", "text": "warm light", "satisfied": True, "detail": "ok"},
        {"kind": "color", "key": "sofa", "value": "blue", "text": "", "satisfied": False, "detail": ""}],
        "satisfied": 1, "total": 3, "share": 0.3333}
    assert validation_text(validation, fidelity) == (
        "collisions (2): chair_0 x desk_0 (0.03 m overlap); sofa_0 x table_0 (0.12 m overlap)\n"
        "out of bounds (1): bookshelf_0 by 0.05 m (footprint outside the room)\n"
        "blocked openings (2): door_0 blocked by plant_0 (outside); window_0 blocked by wardrobe_0 (inside)\n"
        "unsupported (2): book_2 on on shelf_0 surface 1, gap +0.03 m (floating); vase_0 on floor, gap 0.00 m (sunk)\n"
        "stacking (1): id mug_0, why tilted\n"
        "navigability room_1: not navigable (the largest connected free area is 5.20 of 9.80 m2: furniture cuts "
        "the floor into pockets); unreachable doors: door_1; no 0.6 m walkway to the front of: bed_0\n"
        "unmet requirements (2): 2 nightstands: found 1; color sofa blue")


def test_validation_text_clean_and_truncated():
    assert validation_text({}, {}) == "No problems"
    assert validation_text({"collisions": [], "out_of_bounds": [], "navigability": []}, None) == "No problems"
    met = {"requirements": [{"text": "a bed", "satisfied": True}, {"text": "a desk", "satisfied": True}]}
    assert validation_text({}, met) == "No problems (all 2 prompt requirements met)"
    many = {"collisions": [{"a": f"box_{i:02d}", "b": "crate_0", "depth_m": 0.1} for i in range(MAX_ITEMS + 3)]}
    text = validation_text(many, {})
    assert text.startswith(f"collisions ({MAX_ITEMS + 3}): box_00 x crate_0 (0.10 m overlap); ")
    assert text.count(" x crate_0") == MAX_ITEMS and text.endswith("; ... and 3 more")


# ---------------------------------------------------------------------------------------------
# the observation


def _pngs(tmp_path):
    top = tmp_path / "step_003_topdown.png"
    persp = tmp_path / "step_003_persp_0.png"
    top.write_bytes(png_of(np.full((8, 12, 3), 200, np.uint8)))
    persp.write_bytes(png_of(np.arange(8 * 12 * 3, dtype=np.uint8).reshape(8, 12, 3)))
    return top, persp


def test_observation_messages_exact(tmp_path):
    top, persp = _pngs(tmp_path)
    scene = _scene()
    validation = {"collisions": [{"a": "book_0", "b": "desk_0", "depth_m": 0.02}]}
    obs = Observation("a study", 3, 3, scene, {"code": "E_CONFLICT", "line": 2, "message": "no object 'lamp_0'",
                                               "hint": "objects: desk_0"}, None, validation, (str(top), str(persp)),
                      {}, 'x = 1\nplace("lamp_0", near="desk_0")\n', 20)
    msgs = observation_messages(obs, system="SYSTEM", library=[("a small office", 'add("desk")')],
                                image_detail="low")
    assert msgs[0] == system_message("SYSTEM")
    user = msgs[1]
    assert user["role"] == "user"
    assert [p["type"] for p in user["content"]] == ["text", "text", "image_url", "text", "image_url", "text"]
    assert user["content"][0]["text"] == (
        "Prompt: a study\n\nStep 4 of 20.\n\nScene:\n" + SCENE_TEXT + "\n\n"
        "Validation:\ncollisions (1): book_0 x desk_0 (0.02 m overlap)\n\n"
        'Last program:\n```python\nx = 1\nplace("lamp_0", near="desk_0")\n```\n'
        "Outcome: failed, nothing of it was applied: line 2: E_CONFLICT: no object 'lamp_0' (hint: objects: desk_0)"
        "\n\nEarlier high-scoring programs for similar prompts (adapt ids, walls and sizes to this scene):\n"
        'Prompt: a small office\n```python\nadd("desk")\n```')
    assert user["content"][1]["text"] == TOPDOWN_LABEL
    assert TOPDOWN_LABEL == "top-down view: grid 1 m, ids, arrows show each object's front"
    assert user["content"][3]["text"] == "perspective view step_003_persp_0"
    for part, path in ((user["content"][2], top), (user["content"][4], persp)):
        url = part["image_url"]["url"]
        assert part["image_url"]["detail"] == "low"
        assert base64.b64decode(url.split(",", 1)[1]) == path.read_bytes()
    assert user["content"][5]["text"] == INSTRUCTION
    json.dumps(msgs)  # JSON-ready as it is


def test_observation_of_an_empty_scene_uses_the_default_system_prompt():
    msgs = observation_messages(Observation("a kitchen", 0, 0, Scene(prompt="a kitchen")))
    assert msgs[0] == system_message(system_prompt())
    assert msgs[1]["content"] == [
        {"type": "text", "text": "Prompt: a kitchen\n\nStep 1.\n\nScene:\nno room yet: start with room(...)\n\n"
                                 "Validation:\nNo problems"},
        {"type": "text", "text": INSTRUCTION}]


def test_outcomes():
    assert outcome_text({"code": "E_ROLLED_BACK", "line": None, "message": "it added 2 collisions",
                         "hint": "place the sofa by relations"}, None) == (
        "rolled back, the scene is as before it: it added 2 collisions (hint: place the sofa by relations)")
    assert outcome_text({"code": "E_REPLY", "line": None, "message": "no program found", "hint": ""}, None) == (
        "failed, nothing of it was applied: E_REPLY: no program found")
    report = {"rooms": [], "openings": [], "materials": [], "added": ["bed_0", "wardrobe_0"], "placed": ["bed_0"],
              "moved": [], "removed": [], "lights": ["light_0"],
              "unplaced": [{"id": "wardrobe_0", "category": "wardrobe", "constraint": "against(wall_1)",
                            "reason": "no free stretch of wall"},
                           {"id": None, "category": "book", "on": "shelf_0", "surface": 1, "constraint": "fill",
                            "reason": "too tall"}],
              "relations": [{"object": "bed_0", "relation": "against(wall_2)", "satisfied": True, "detail": "ok"},
                            {"object": "bed_0", "relation": "facing(door_0)", "satisfied": False,
                             "detail": "ray misses door_0"}]}
    assert outcome_text(None, report) == (
        "applied: added: bed_0, wardrobe_0; placed: bed_0; added lights: light_0; could not place (2): wardrobe_0 "
        "(against(wall_1): no free stretch of wall); book on shelf_0 (fill: too tall); relations satisfied: 1 of 2; "
        "relations not satisfied (1): bed_0 facing(door_0): ray misses door_0")
    assert outcome_text(None, {"added": []}) == "applied: nothing changed"


def test_observation_over_a_real_server_round_trips(vlm_server, tmp_path):
    from worldsmith.policy.vlm.client import ChatClient, ClientConfig

    top, _ = _pngs(tmp_path)
    scene = execute(examples()[0]["program"], Scene(prompt="a living room"), seed=0).scene
    obs = Observation("a living room", 0, 1, scene, None, {"rooms": ["room_0"], "added": []},
                      scene_metrics(scene), (str(top),), {}, examples()[0]["program"], 20)
    msgs = observation_messages(obs, system="You build rooms.")
    vlm_server.script("<think>\nThe shell is there.\n</think>\nNow the sofa.\n```python\n"
                      'sofa = add("sofa")\nplace(sofa, against="wall_3")\n```')
    with ChatClient(ClientConfig(base_url=vlm_server.url, model="scripted-vlm", max_retries=0)) as client:
        reply = client.chat(msgs)
    assert vlm_server.requests[0]["json"]["messages"] == msgs
    parsed = parse_reply(reply.text)
    assert parsed == Reply("The shell is there.\n\nNow the sofa.", 'sofa = add("sofa")\nplace(sofa, against="wall_3")',
                           False)
    after = execute(parsed.program, scene, seed=0)
    assert after.report.placed == ["sofa_0"] and after.report.unplaced == []
