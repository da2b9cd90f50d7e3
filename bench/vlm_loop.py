"""Benchmark: the VLM loop's own overhead per step, and the size of an observation.

Runs ``generate(..., planner="vlm")`` against the scripted local OpenAI-compatible server
(tests/vlm_server.py, a real HTTP server on 127.0.0.1 answering instantly with the replies of
tests/vlm_script.py), observation renders at ``--view-size`` (default 640x480: a top-down view with
its overlay and one perspective view), and the offline asset policy. Per step it reports, from
``trajectory.jsonl``:

* ``observe``: rendering the observation views (only when the scene changed);
* ``prompt``: building the request (scene summary, validation text, base64 PNGs) -- the policy's
  time minus the HTTP round trip the client measured;
* ``http``: the round trip to the local server (model time here is ~0);
* ``exec``: running and applying the program; ``validate``: validation, fidelity and score;
* ``overhead`` = observe + prompt + exec + validate: everything but the model. Target (issue 7):
  <= 0.5 s per step at 640x480 on 2 cores.

The observation's size is estimated in tokens for the request of the last scene step
(:func:`worldsmith.policy.vlm.tokens.estimate_messages_tokens`) under the documented image
formulas of OpenAI (tiles), Qwen2-VL (28 px patches) and Anthropic (pixels / 750).

Prints a table and writes bench/results/vlm_loop.json.

Run: .venv/bin/python bench/vlm_loop.py [--view-size 640x480] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
TARGET_S = 0.5


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--view-size", default="640x480")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    w, h = (int(v) for v in args.view_size.lower().split("x"))
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "tests"))
    os.environ.setdefault("PYOPENGL_PLATFORM", "egl")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from vlm_script import GOOD_EPISODE, GOOD_PROMPT
    from vlm_server import ScriptedServer

    from worldsmith.pipeline.generate import generate
    from worldsmith.policy.vlm.client import ChatClient, ClientConfig
    from worldsmith.policy.vlm.policy import VLMPolicy, VLMSettings
    from worldsmith.policy.vlm.tokens import estimate_messages_tokens
    from worldsmith.scene import loads

    rows, token_rows = [], {}
    with ScriptedServer() as server, tempfile.TemporaryDirectory() as tmp:
        settings = VLMSettings(ClientConfig(base_url=server.url, model="bench"), asset_policy="offline")
        # warm-up: GL context, MiniLM-free imports, fonts
        server.script(*GOOD_EPISODE)
        generate(GOOD_PROMPT, Path(tmp) / "warm", planner="vlm", vlm=settings, renders=False, view_size=(w, h))
        for rep in range(args.repeats):
            server.clear()
            server.script(*GOOD_EPISODE)
            out = Path(tmp) / f"run{rep}"
            t0 = time.perf_counter()
            outcome = generate(GOOD_PROMPT, out, planner="vlm", vlm=settings, renders=False, view_size=(w, h))
            wall = time.perf_counter() - t0
            for rec in (json.loads(line) for line in (out / "trajectory.jsonl").read_text().splitlines()):
                t = rec["timings_s"]
                http = float(rec.get("usage", {}).get("seconds", 0.0))
                prompt = max(0.0, t["policy"] - http)
                overhead = t["observe"] + prompt + t["exec"] + t["validate"]
                rows.append({"repeat": rep, "step": rec["step"], "stage": rec["stage"], "observe": t["observe"],
                             "prompt": round(prompt, 4), "http": http, "exec": t["exec"], "validate": t["validate"],
                             "overhead": round(overhead, 4)})
            rows_rep = [r for r in rows if r["repeat"] == rep]
            print(f"run {rep}: {len(rows_rep)} steps in {wall:.2f} s, reward "
                  f"{outcome.report['prompt_fidelity']['share']:.2f}", file=sys.stderr)
        # the observation of the last scene step, rebuilt exactly as the policy sent it
        last = [json.loads(line) for line in (out / "trajectory.jsonl").read_text().splitlines()]
        scene_steps = [r for r in last if r["stage"] == "vlm"]
        client = ChatClient(settings.client)
        policy = VLMPolicy(settings, client=client, root=out)
        policy.reset(GOOD_PROMPT, 0)
        from worldsmith.policy.protocol import Observation

        rec = scene_steps[-1]
        scene = loads((out / "scene.json").read_bytes())
        obs = Observation(GOOD_PROMPT, 0, rec["step"], scene, None, None, {}, tuple(rec["renders"]), {}, None, 8)
        messages = policy.messages(obs)
        for scheme in ("openai", "qwen2vl", "anthropic"):
            token_rows[scheme] = estimate_messages_tokens(messages, scheme=scheme)
        client.close()

    scene_rows = [r for r in rows if r["stage"] == "vlm"]
    def stats(key, subset):
        vals = [r[key] for r in subset]
        return {"mean": round(statistics.fmean(vals), 4), "median": round(statistics.median(vals), 4),
                "max": round(max(vals), 4)}
    summary = {k: stats(k, scene_rows) for k in ("observe", "prompt", "http", "exec", "validate", "overhead")}
    small_rows = [r for r in rows if r["stage"] == "small"]
    if small_rows:
        summary["small_steps_overhead"] = stats("overhead", small_rows)
    print(f"\nVLM loop overhead per scene step at {w}x{h} ({len(scene_rows)} steps, {args.repeats} runs; "
          f"target <= {TARGET_S} s)")
    print(f"{'part':<10}{'mean s':>10}{'median s':>10}{'max s':>10}")
    for k in ("observe", "prompt", "http", "exec", "validate", "overhead"):
        s = summary[k]
        print(f"{k:<10}{s['mean']:>10.3f}{s['median']:>10.3f}{s['max']:>10.3f}")
    verdict = "meets" if summary["overhead"]["mean"] <= TARGET_S else "misses"
    print(f"-> mean overhead {summary['overhead']['mean']:.3f} s per step: {verdict} the {TARGET_S} s target")
    print("\nobservation size (last scene step), estimated tokens")
    print(f"{'scheme':<11}{'text':>8}{'images':>8}{'count':>7}{'total':>8}")
    for scheme, t in token_rows.items():
        print(f"{scheme:<11}{t['text']:>8}{t['images']:>8}{t['image_count']:>7}{t['total']:>8}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    record = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
              "view_size": [w, h], "repeats": args.repeats, "target_s": TARGET_S, "summary": summary,
              "tokens": token_rows, "steps": rows}
    (RESULTS / "vlm_loop.json").write_text(json.dumps(record, indent=2) + "\n")
    print(f"\nwrote {RESULTS / 'vlm_loop.json'}")


if __name__ == "__main__":
    main()
