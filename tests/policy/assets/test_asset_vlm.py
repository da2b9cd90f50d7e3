"""The asset policy against a real OpenAI-compatible HTTP server (scripted): the chooser's request and
reply, the pointer's request with the close view, a rejected point fed back, and the items where the
points say."""

from __future__ import annotations

import base64
import io
from functools import lru_cache

import pytest
from PIL import Image

from worldsmith.dsl import execute
from worldsmith.metrics import validate
from worldsmith.policy.assets import AssetPolicy
from worldsmith.policy.assets.pointing import lift
from worldsmith.policy.assets.view import surface_view
from worldsmith.policy.vlm.client import ChatClient, ClientConfig
from worldsmith.scene import Scene

PROGRAM = """room("dining", width=5, depth=4)
t = add("dining_table", size=(1.6, 0.9, 0.75))
place(t, at=(2.5, 2.0), yaw=0)
"""
SIZE = (256, 256)


@lru_cache(maxsize=1)
def scene() -> Scene:
    return execute(PROGRAM, Scene(prompt="a dining room", seed=0), seed=0).scene


def client(server) -> ChatClient:
    return ChatClient(ClientConfig(base_url=server.url, model="pointer-test", max_retries=0, timeout_s=20,
                                   price_in_per_mtok=2.0, price_out_per_mtok=8.0))


def texts(request: dict, index: int = -1) -> str:
    content = request["json"]["messages"][index]["content"]
    return "\n".join(p["text"] for p in content if p["type"] == "text")


def images(request: dict, index: int = -1) -> list[bytes]:
    out = []
    for p in request["json"]["messages"][index]["content"]:
        if p["type"] == "image_url":
            url = p["image_url"]["url"]
            assert url.startswith("data:image/png;base64,")
            out.append(base64.b64decode(url.split(",", 1)[1]))
    return out


def usage(p: int, c: int) -> dict:
    return {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c}


def test_choose_point_reject_retry_and_place(vlm_server, tmp_path):
    sc = scene()
    vlm_server.script(
        {"content": 'These fit a dining table:\n```json\n[{"category": "plate", "count": 1}, '
                    '{"category": "mugs", "count": 1}, {"category": "unicorn", "count": 2}]\n```',
         "usage": usage(1000, 40)},
        {"content": '<point x="35.0" y="55.0" alt="plate">plate</point>\n'
                    '<point x="97.0" y="50.0" alt="mug">mug</point>', "usage": usage(900, 30)},
        {"content": 'Sorry. <point x="66.0" y="48.0" alt="mug">mug</point>', "usage": usage(800, 20)},
    )
    policy = AssetPolicy(client(vlm_server), chooser="vlm", pointer="vlm", view_size=SIZE, max_retries=2,
                         views_dir=tmp_path)
    plan = policy.plan(sc, "dining_table_0", seed=4, prompt="a cosy breakfast")
    reqs = vlm_server.requests
    assert len(reqs) == 3 and vlm_server.pending == 0
    for r in reqs:
        assert r["path"] == "/v1/chat/completions"
        assert r["json"]["model"] == "pointer-test" and r["json"]["temperature"] == 0.2

    # the chooser: text and a view of the table
    choose_text = texts(reqs[0])
    assert 'Scene prompt: "a cosy breakfast"' in choose_text
    assert "dining_table_0 (dining table)" in choose_text
    assert "#0 top: 1.58 x 0.88 m, 0.75 m above the floor, open above" in choose_text
    assert "plate takes mug, cup" in choose_text and "mug, paint_can, picture_frame" in choose_text
    [chooser_png] = images(reqs[0])
    assert chooser_png == (tmp_path / "dining_table_0_object.png").read_bytes()

    # the pointer: the close view, the numbered items
    point_text = texts(reqs[1])
    assert "the top (surface #0) of dining_table_0 (dining table)" in point_text
    assert "\n1. plate (" in point_text and "\n2. mug (" in point_text
    [view_png] = images(reqs[1])
    assert view_png == (tmp_path / "dining_table_0_s0_a1.png").read_bytes()
    assert Image.open(io.BytesIO(view_png)).size == SIZE

    # the retry: the conversation so far, then feedback naming the rejected point and why
    msgs = reqs[2]["json"]["messages"]
    assert [m["role"] for m in msgs] == ["user", "assistant", "user"]
    assert msgs[1]["content"] == '<point x="35.0" y="55.0" alt="plate">plate</point>\n' \
                                 '<point x="97.0" y="50.0" alt="mug">mug</point>'
    feedback = texts(reqs[2])
    assert "- point 2 for the mug at (97, 50): off the surface: the point lands at (" in feedback
    assert "not on dining_table_0's top" in feedback
    assert "Placed: 1. plate." in feedback and "\n2. mug (" in feedback and "1. plate (" not in feedback
    [retry_png] = images(reqs[2])
    assert retry_png == (tmp_path / "dining_table_0_s0_a2.png").read_bytes() and retry_png != view_png

    # where the items went: exactly the lifted points
    view = surface_view(sc, "dining_table_0", 0, SIZE)
    (px, py), (mx, my) = lift(view.camera, 35.0, 55.0, view.z)[0], lift(view.camera, 66.0, 48.0, view.z)[0]
    plate, mug = plan.items
    assert (plate["category"], plate["point"], plate["attempts"]) == ("plate", (35.0, 55.0), 1)
    assert (mug["category"], mug["point"], mug["attempts"]) == ("mug", (66.0, 48.0), 2)
    assert abs(plate["x"] - px) < 0.01 and abs(plate["y"] - py) < 0.01
    assert abs(mug["x"] - mx) < 0.01 and abs(mug["y"] - my) < 0.01
    assert plate["z"] == mug["z"] == pytest.approx(0.75, abs=0.01)
    assert plate["yaw"] == 0.0  # plates face the table's front by the dressing rules
    assert len(plan.rejected) == 1
    rej = plan.rejected[0]
    assert (rej["target"], rej["surface"], rej["category"], rej["point"], rej["attempt"]) == \
        ("dining_table_0", 0, "mug", (97.0, 50.0), 1)
    assert rej["reason"].startswith("off the surface")
    assert plan.skipped == [{"category": "unicorn", "reason": "unknown category 'unicorn'"}]
    assert {k: plan.usage[k] for k in ("requests", "attempts", "prompt_tokens", "completion_tokens", "cost_usd")} == \
        {"requests": 3, "attempts": 3, "prompt_tokens": 2700, "completion_tokens": 90,
         "cost_usd": pytest.approx(2700 * 2.0 / 1e6 + 90 * 8.0 / 1e6, abs=1e-12)}
    assert plan.views == [str(tmp_path / n) for n in
                          ("dining_table_0_object.png", "dining_table_0_s0_a1.png", "dining_table_0_s0_a2.png")]

    after = execute(plan.program, sc, 4).scene
    assert validate(after).ok
    assert after.object(mug["id"]).position == pytest.approx((mug["x"], mug["y"], mug["z"]), abs=1e-9)


def test_stacked_items_are_pointed_on_their_base_and_unusable_answers_run_out(vlm_server):
    sc = scene()
    vlm_server.script(
        '<point x="50" y="50" alt="plate">plate</point>  <point x="20" y="45" alt="vase">vase</point>',
        "I cannot see a plate.",  # the cup on the plate: no point at all
        "cup: (50, 50)",  # the retry, as a prose pair
    )
    policy = AssetPolicy(client(vlm_server), pointer="vlm", view_size=SIZE, max_retries=1)
    plan = policy.plan(sc, "dining_table_0", seed=2,
                       request=[{"category": "plate"}, {"category": "vase"}, {"category": "cup", "on": "plate"}])
    assert len(vlm_server.requests) == 3
    assert "the well (surface #0) of plate_0 (plate)" in texts(vlm_server.requests[1])
    assert "- item 1 (cup): no point was given for it" in texts(vlm_server.requests[2])
    plate, vase, cup = plan.items
    assert (plate["on"], vase["on"], cup["on"]) == ("dining_table_0", "dining_table_0", "plate_0")
    after = execute(plan.program, sc, 2).scene
    well_view = surface_view(after, "plate_0", 0, SIZE)
    (wx, wy) = lift(well_view.camera, 50.0, 50.0, well_view.z)[0]
    assert cup["attempts"] == 2 and abs(cup["x"] - wx) < 0.01 and abs(cup["y"] - wy) < 0.01
    assert after.object(cup["id"]).support == "object:plate_0"
    assert validate(after).ok
    assert plan.rejected[0]["point"] is None and plan.rejected[0]["reason"] == "no point was given for it"

    # max_retries=0: one try; an unusable point leaves the item skipped with the reason
    vlm_server.script('<point x="99" y="99" alt="vase">vase</point>')
    plan = AssetPolicy(client(vlm_server), pointer="vlm", view_size=SIZE, max_retries=0).plan(
        sc, "dining_table_0", seed=2, request=[{"category": "vase"}])
    assert plan.items == [] and plan.program == ""
    assert plan.skipped[0]["category"] == "vase"
    assert plan.skipped[0]["reason"].startswith("no usable point after 1 tries (last: off the surface")
