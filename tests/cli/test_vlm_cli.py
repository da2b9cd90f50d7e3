"""`worldsmith generate --planner vlm` and `worldsmith library` as a user runs them, against a real
local OpenAI-compatible server (tests/vlm_server.py) in the test process."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from worldsmith.scene import loads

BOOKSTORE = '''A quaint bookstore: shelves on two walls, a reading chair in a corner, warm light.
```python
room("bookstore", width=6.0, depth=5.0, height=3.0)
door("wall_0", at=0.2, width=1.0)
window("wall_2", at=0.5, width=1.8)
material("floor", "dark walnut planks")
material("walls", "warm cream plaster")
for w in ["wall_1", "wall_3"]:
    s = add_to_wall(w, "bookshelf", style="vintage")
c = add("armchair", style="vintage", color="burgundy")
place(c, corner=True)
t = add("side_table", style="vintage")
place(t, next_to=c)
light("ceiling", watts=80, kelvin=2700)
```'''
DONE = "The bookstore is complete.\n```python\ndone()\n```"
ENV = {k: v for k, v in os.environ.items() if k not in ("WORLDSMITH_API_KEY", "OPENAI_API_KEY",
                                                          "WORLDSMITH_BASE_URL", "WORLDSMITH_MODEL")}
ENV.update(COLUMNS="200", NO_COLOR="1")


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "worldsmith.cli.main", *args], capture_output=True, text=True,
                          env=env or ENV, timeout=300)


def test_generate_with_the_vlm_planner_against_a_local_server(vlm_server, tmp_path):
    vlm_server.script(BOOKSTORE, DONE)
    out = tmp_path / "bookstore"
    r = run("generate", "a quaint bookstore", "--out", str(out), "--planner", "vlm", "--base-url", vlm_server.url,
            "--model", "any", "--asset-policy", "offline", "--no-renders")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "vlm any: " in r.stdout and "stopped: done" in r.stdout and "2 requests" in r.stdout
    report = json.loads((out / "report.json").read_text())
    assert report["planner"] == "vlm" and report["prompt_fidelity"]["share"] == 1.0
    client = report["vlm"]["settings"]["client"]
    assert report["vlm"]["usage"]["requests"] == 2 and client["model"] == "any" and "api_key" not in client
    traj = [json.loads(line) for line in (out / "trajectory.jsonl").read_text().splitlines()]
    assert [t["stage"] for t in traj[:2]] == ["vlm", "vlm"]
    # the asset phase dressed the empty containers (the shelves, the side table) after the model was done
    small = [t for t in traj if t["stage"] == "small"]
    assert small and all(t["ok"] for t in small)
    scene = loads((out / "scene.json").read_bytes())
    on = {o.support_target for o in scene.objects} - {None}
    assert {"bookshelf_0", "bookshelf_1"} <= on
    assert all(v == [] for k, v in report["metrics"].items() if k != "navigability")
    assert (out / "observations").is_dir() and sorted(p.name for p in (out / "observations").iterdir())
    # the request: model name, images of the scene at step 1
    assert all(q["json"]["model"] == "any" for q in vlm_server.requests)
    assert sum(p["type"] == "image_url" for p in vlm_server.requests[1]["json"]["messages"][1]["content"]) == 2


def test_an_api_key_from_the_environment_is_sent_and_never_written(vlm_server, tmp_path):
    vlm_server.script(BOOKSTORE, DONE)
    out = tmp_path / "k"
    env = {**ENV, "WORLDSMITH_API_KEY": "sk-test-secret", "WORLDSMITH_BASE_URL": vlm_server.url,
           "WORLDSMITH_MODEL": "from-env"}
    r = run("generate", "a quaint bookstore", "--out", str(out), "--planner", "vlm", "--asset-policy", "off",
            "--no-renders", env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert vlm_server.requests[0]["headers"]["Authorization"] == "Bearer sk-test-secret"
    assert vlm_server.requests[0]["json"]["model"] == "from-env"
    for f in out.rglob("*"):
        if f.is_file() and f.suffix in (".json", ".jsonl", ".py"):
            assert "sk-test-secret" not in f.read_text()


def test_bad_vlm_input_is_a_one_line_error_with_exit_code_2(tmp_path):
    r = run("generate", "a quaint bookstore", "--out", str(tmp_path / "x"), "--planner", "vlm")
    assert r.returncode == 2 and "needs --base-url URL and --model NAME" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    r = run("generate", "a quaint bookstore", "--out", str(tmp_path / "x"), "--planner", "vlm", "--base-url",
            "ftp://nowhere", "--model", "m")
    assert r.returncode == 2 and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = run("generate", "a quaint bookstore", "--out", str(tmp_path / "x"), "--planner", "vlm", "--base-url",
            "http://127.0.0.1:9/v1", "--model", "m", "--views", "sideways")
    assert r.returncode == 2 and "unknown observation view 'sideways'" in r.stderr
    r = run("generate", "a quaint bookstore", "--out", str(tmp_path / "x"), "--planner", "vlm", "--base-url",
            "http://127.0.0.1:9/v1", "--model", "m", "--retries", "0", "--no-renders")
    assert r.returncode == 2 and "Traceback" not in r.stderr and "127.0.0.1:9" in r.stderr
    assert not (tmp_path / "x").exists()


def test_library_add_and_search_then_the_model_sees_the_retrieved_program(vlm_server, tmp_path):
    vlm_server.script(BOOKSTORE, DONE)
    run_dir = tmp_path / "runs" / "bookstore"
    r = run("generate", "a quaint bookstore", "--out", str(run_dir), "--planner", "vlm", "--base-url", vlm_server.url,
            "--model", "m", "--asset-policy", "off", "--no-renders")
    assert r.returncode == 0, r.stderr
    lib = tmp_path / "lib.jsonl"
    r = run("library", "add", str(tmp_path / "runs"), "--library", str(lib))
    assert r.returncode == 0 and "1 of 1 runs added" in r.stdout, r.stdout + r.stderr
    r = run("library", "search", "a cosy second-hand book shop", "--library", str(lib))
    assert r.returncode == 0 and "a quaint bookstore" in r.stdout
    vlm_server.clear()
    vlm_server.script(BOOKSTORE, DONE)
    r = run("generate", "a cosy second-hand book shop", "--out", str(tmp_path / "shop"), "--planner", "vlm",
            "--base-url", vlm_server.url, "--model", "m", "--asset-policy", "off", "--library", str(lib),
            "--no-renders")
    assert r.returncode == 0, r.stdout + r.stderr
    text = "\n".join(p.get("text", "") for p in vlm_server.requests[0]["json"]["messages"][1]["content"])
    assert "a quaint bookstore" in text and 'add_to_wall(w, "bookshelf", style="vintage")' in text
    r = run("library", "add", str(tmp_path / "nothing_here"), "--library", str(lib))
    assert r.returncode == 2 and "is not a folder" in r.stderr
