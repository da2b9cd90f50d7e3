"""The VLM observe-program-apply loop, end to end against a real local OpenAI-compatible server.

The server (tests/vlm_server.py) is a real HTTP server on 127.0.0.1 that scripts the model's
replies and records the requests; nothing in the client, the policy or the runner is mocked.
"""

from __future__ import annotations

import base64
import io
import json
import socket

import pytest
from PIL import Image

from vlm_script import BAD_WALL_STEP, COLLIDING_STEP, GOOD_EPISODE, GOOD_PROMPT, PROSE_ONLY
from worldsmith.dsl import execute
from worldsmith.metrics import validate
from worldsmith.pipeline.generate import GenerateError, generate
from worldsmith.policy.vlm.client import ClientConfig, VLMError
from worldsmith.policy.vlm.policy import VLMSettings
from worldsmith.scene import Scene, dumps, loads


def _settings(server, client: dict | None = None, **kw) -> VLMSettings:
    client = client or {}
    kw.setdefault("asset_policy", "off")
    return VLMSettings(ClientConfig(base_url=server.url, model="scripted-vlm", backoff_s=0.01, **client), **kw)


def _trajectory(out) -> list[dict]:
    return [json.loads(line) for line in (out / "trajectory.jsonl").read_text().splitlines()]


def _user_text(request: dict) -> str:
    return "\n".join(p["text"] for p in request["json"]["messages"][1]["content"] if p["type"] == "text")


def _images(request: dict) -> list[Image.Image]:
    out = []
    for part in request["json"]["messages"][1]["content"]:
        if part["type"] == "image_url":
            url = part["image_url"]["url"]
            assert url.startswith("data:image/png;base64,")
            out.append(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))))
    return out


def _replays(out) -> bool:
    scene = loads((out / "scene.json").read_bytes())
    replay = execute((out / "program.py").read_text(), Scene(prompt=scene.prompt, seed=scene.seed), seed=scene.seed)
    return dumps(replay.scene) == dumps(scene)


def test_a_scripted_good_episode_improves_the_reward_at_every_step(vlm_server, tmp_path):
    vlm_server.script(*GOOD_EPISODE)
    out = tmp_path / "good"
    outcome = generate(GOOD_PROMPT, out, planner="vlm", vlm=_settings(vlm_server), renders=False)
    traj = _trajectory(out)
    assert [r["score"]["reward"] for r in traj] == [0.2, 0.8, 1.0, 1.0]
    assert [r["ok"] for r in traj] == [True] * 4 and not any(r["rolled_back"] for r in traj)
    assert traj[-1]["program"] == "" and outcome.report["vlm"]["stop_reason"] == "done"
    assert outcome.report["prompt_fidelity"]["share"] == 1.0 and validate(outcome.scene).ok
    assert _replays(out)
    # the requests: model, temperature, the generated DSL reference, renders attached from step 1 on
    assert len(vlm_server.requests) == 4
    for i, req in enumerate(vlm_server.requests):
        body = req["json"]
        assert body["model"] == "scripted-vlm" and body["temperature"] == 0.2 and body["max_tokens"] == 2048
        assert body["messages"][0]["role"] == "system" and "place(" in body["messages"][0]["content"]
        assert GOOD_PROMPT in _user_text(req)
        images = _images(req)
        if i == 0:
            assert images == [] and traj[0]["renders"] == []
        else:
            assert len(images) == 2
            top, persp = images
            assert persp.size == (640, 480) and top.size[0] > 640  # the overlay adds margins
            # the trajectory names the very files that were sent
            sent = [base64.b64decode(p["image_url"]["url"].split(",", 1)[1])
                    for p in req["json"]["messages"][1]["content"] if p["type"] == "image_url"]
            assert [(out / p).read_bytes() for p in traj[i]["renders"]] == sent
    # the scene summary the model saw at step 2 names the sofa it placed at step 1
    assert "sofa_0" in _user_text(vlm_server.requests[2])
    # usage and cost accounting in every record and in the report
    assert all(r["usage"]["requests"] == 1 and r["usage"]["prompt_tokens"] > 0 for r in traj)
    total = outcome.report["vlm"]["usage"]
    assert total["requests"] == 4 and total["prompt_tokens"] == sum(r["usage"]["prompt_tokens"] for r in traj)


def test_bad_steps_are_rolled_back_or_rejected_and_the_model_is_told_why(vlm_server, tmp_path):
    vlm_server.script(GOOD_EPISODE[0], GOOD_EPISODE[1], COLLIDING_STEP, PROSE_ONLY, BAD_WALL_STEP,
                      GOOD_EPISODE[2], GOOD_EPISODE[3])
    out = tmp_path / "bad"
    outcome = generate(GOOD_PROMPT, out, planner="vlm", vlm=_settings(vlm_server), patience=4, renders=False)
    traj = _trajectory(out)
    assert [r["ok"] for r in traj] == [True, True, False, False, False, True, True]
    assert [r["rolled_back"] for r in traj] == [False, False, True, False, False, False, False]
    assert traj[2]["error"]["code"] == "E_ROLLED_BACK" and "collisions 0 -> 1" in traj[2]["error"]["message"]
    assert traj[3]["error"]["code"] == "E_REPLY"
    assert traj[4]["error"]["code"] == "E_BAD_ARGUMENT" and traj[4]["error"]["line"] == 2
    # each error reached the model in the next request
    assert "rolled back" in _user_text(vlm_server.requests[3]) and "coffee_table" in _user_text(vlm_server.requests[3])
    assert "no program" in _user_text(vlm_server.requests[4]).lower()
    assert "wall_9" in _user_text(vlm_server.requests[5]) and "line 2" in _user_text(vlm_server.requests[5])
    # the scene never kept anything of a bad step
    assert not [o for o in outcome.scene.objects if o.category in ("coffee_table", "bookshelf")]
    assert validate(outcome.scene).ok and outcome.report["prompt_fidelity"]["share"] == 1.0
    assert outcome.report["vlm"]["rolled_back"] == 1 and outcome.report["failed_steps"] == 3
    assert _replays(out)


def test_transient_server_errors_and_timeouts_are_retried_within_a_step(vlm_server, tmp_path):
    vlm_server.script({"status": 429, "headers": {"Retry-After": "0"}}, {"status": 500}, {"delay": 1.0},
                      *GOOD_EPISODE)
    out = tmp_path / "retry"
    outcome = generate(GOOD_PROMPT, out, planner="vlm", vlm=_settings(vlm_server, {"timeout_s": 0.4}), renders=False)
    traj = _trajectory(out)
    assert traj[0]["usage"]["attempts"] == 4 and traj[0]["ok"]
    assert [r["usage"]["attempts"] for r in traj[1:]] == [1, 1, 1]
    assert outcome.report["prompt_fidelity"]["share"] == 1.0


def test_the_loop_stops_after_patience_steps_without_a_better_reward(vlm_server, tmp_path):
    vlm_server.script(GOOD_EPISODE[0], BAD_WALL_STEP, PROSE_ONLY, BAD_WALL_STEP, *GOOD_EPISODE[1:])
    outcome = generate(GOOD_PROMPT, tmp_path / "p", planner="vlm", vlm=_settings(vlm_server), patience=3,
                       renders=False)
    assert outcome.report["vlm"]["stop_reason"] == "patience" and outcome.report["steps"] == 4
    assert len(vlm_server.requests) == 4 and vlm_server.pending == 3
    assert [o.id for o in outcome.scene.objects] == ["tv_stand_0", "tv_0"]


def test_max_steps_bounds_the_episode(vlm_server, tmp_path):
    vlm_server.script(*GOOD_EPISODE)
    outcome = generate(GOOD_PROMPT, tmp_path / "m", planner="vlm", vlm=_settings(vlm_server), max_steps=2,
                       renders=False)
    assert outcome.report["steps"] == 2 and outcome.report["vlm"]["stop_reason"] == "max_steps"


def test_an_unreachable_endpoint_is_a_clear_error_and_writes_nothing(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = VLMSettings(ClientConfig(base_url=f"http://127.0.0.1:{port}/v1", model="m", max_retries=1,
                                        backoff_s=0.01))
    with pytest.raises(VLMError, match="connect|refused|failed after 2 attempts"):
        generate(GOOD_PROMPT, tmp_path / "x", planner="vlm", vlm=settings, renders=False)
    assert not (tmp_path / "x").exists() and not list(tmp_path.iterdir())


def test_vlm_planners_need_an_endpoint(tmp_path):
    with pytest.raises(GenerateError, match="needs a model endpoint"):
        generate(GOOD_PROMPT, tmp_path / "x", planner="vlm", renders=False)
    with pytest.raises(GenerateError, match="unknown planner 'gpt'; choose one of: offline, vlm, offline\\+vlm"):
        generate(GOOD_PROMPT, tmp_path / "x", planner="gpt", renders=False)


def test_offline_then_vlm_refines_the_offline_scene(vlm_server, tmp_path):
    vlm_server.script("The room already has everything.\n```python\ndone()\n```")
    out = tmp_path / "ov"
    outcome = generate(GOOD_PROMPT, out, planner="offline+vlm", vlm=_settings(vlm_server), renders=False)
    traj = _trajectory(out)
    assert traj[-1]["stage"] == "vlm" and {r["stage"] for r in traj[:-1]} >= {"shell", "large"}
    assert [r["step"] for r in traj] == list(range(len(traj)))
    # the model saw the offline planner's finished room, its objects by id, and renders of it
    seen = _user_text(vlm_server.requests[0])
    assert all(o.id in seen for o in outcome.scene.objects if o.support_kind == "floor")
    assert len(_images(vlm_server.requests[0])) == 2
    assert outcome.report["vlm"]["stop_reason"] == "done" and _replays(out)


DINING = """A dining room: the table in the middle, chairs around it.
```python
room("dining room", width=4.5, depth=4.0, height=2.7)
door("wall_0", at=0.2, width=0.9)
t = add("dining_table")
place(t, center=True)
light("ceiling", watts=60, kelvin=2700)
```
done()"""


def _model(request: dict) -> str:
    """A scripted model that answers the asset policy's chooser and pointer requests by their text."""
    text = "\n".join(p.get("text", "") if isinstance(p, dict) else "" for m in request["messages"]
                     for p in (m["content"] if isinstance(m["content"], list) else [{"text": m["content"]}]))
    if "Choose the small objects" in text:
        return 'Plates and a vase.\n[{"category": "plate", "count": 2}, {"category": "vase", "count": 1}]'
    if "Point to where each" in text:
        items = text.split("(the centre of its base):", 1)[1].split("Keep items apart", 1)[0].strip().splitlines()
        xs = [30 + 40 * i / max(1, len(items) - 1) for i in range(len(items))]
        return "".join(f'<point x="{x:.1f}" y="50.0" alt="item">item</point>' for x in xs)
    raise AssertionError(f"unexpected request: {text[:200]}")


def test_the_vlm_asset_policy_chooses_and_points_through_the_same_endpoint(vlm_server, tmp_path):
    vlm_server.script(DINING)  # done() after the fence: the model is finished after this program
    vlm_server.default = _model
    out = tmp_path / "dining"
    outcome = generate("a dining room with a dining table", out, planner="vlm",
                       vlm=_settings(vlm_server, asset_policy="vlm"), renders=False)
    traj = _trajectory(out)
    assert [r["stage"] for r in traj] == ["vlm", "small"] and all(r["ok"] for r in traj)
    small = traj[1]
    assert small["usage"]["requests"] >= 2 and small["views"]
    assert all((out / p).is_file() for p in small["views"])
    on_table = sorted(o.category for o in outcome.scene.objects if o.support_target == "dining_table_0")
    assert on_table == ["plate", "plate", "vase"]
    assert validate(outcome.scene).ok and _replays(out)
    # the pointer request carried the close view as an image
    pointer = [q for q in vlm_server.requests if "Point to where each" in json.dumps(q["json"])]
    assert pointer and any(p["type"] == "image_url" for m in pointer[0]["json"]["messages"]
                           if isinstance(m["content"], list) for p in m["content"])


def test_a_model_that_stops_before_building_a_room_is_an_error_and_writes_nothing(vlm_server, tmp_path):
    vlm_server.script("Nothing to do.\n```python\ndone()\n```")
    with pytest.raises(GenerateError, match="the model stopped \\(done\\) without building a room"):
        generate(GOOD_PROMPT, tmp_path / "empty", planner="vlm", vlm=_settings(vlm_server), renders=False)
    assert not list(tmp_path.iterdir())
