"""One scripted VLM episode, step by step: what the loop did with good and bad model replies.

Runs ``generate(..., planner="vlm")`` against the scripted local OpenAI-compatible server
(tests/vlm_server.py) with the replies of tests/vlm_script.py: a good first step, the sofa, a step
that collides (rolled back), a reply with no program (E_REPLY), a program with a bad wall id
(E_BAD_ARGUMENT), the warm lights, ``done()``; then the offline asset phase. Prints one line per
trajectory record (stage, ok, rolled back, reward, problems, requirements met, tokens, note or
error) and the usage totals; the outputs stay in ``--out`` (default out/vlm_episode).

Run: .venv/bin/python bench/vlm_episode.py [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "out" / "vlm_episode"))
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "tests"))
    os.environ.setdefault("PYOPENGL_PLATFORM", "egl")
    from vlm_script import BAD_WALL_STEP, COLLIDING_STEP, GOOD_EPISODE, GOOD_PROMPT, PROSE_ONLY
    from vlm_server import ScriptedServer

    from worldsmith.pipeline.generate import generate
    from worldsmith.policy.vlm.client import ClientConfig
    from worldsmith.policy.vlm.policy import VLMSettings

    out = Path(args.out)
    if out.exists() and (out / "report.json").is_file():
        shutil.rmtree(out)
    with ScriptedServer() as server:
        server.script(GOOD_EPISODE[0], GOOD_EPISODE[1], COLLIDING_STEP, PROSE_ONLY, BAD_WALL_STEP, *GOOD_EPISODE[2:])
        settings = VLMSettings(ClientConfig(base_url=server.url, model="scripted"), asset_policy="offline")
        outcome = generate(GOOD_PROMPT, out, planner="vlm", vlm=settings, renders=True, patience=4)
    print(f"{'step':>4} {'stage':<6} {'ok':<6}{'rb':<6}{'reward':>6} {'probl':>5} {'met':>5} {'tok_in':>7} {'tok_out':>7}"
          "  note / error")
    for line in (out / "trajectory.jsonl").read_text().splitlines():
        r = json.loads(line)
        sc, u, e = r["score"], r["usage"], r["error"]
        what = f"{e['code']} {e['message'][:70]}" if e else r["note"][:80]
        print(f"{r['step']:>4} {r['stage']:<6} {str(r['ok']):<6}{str(r['rolled_back']):<6}{sc['reward']:>6} "
              f"{sc['problems']:>5} {sc['satisfied']:>2}/{sc['checked']:<2} {u.get('prompt_tokens', 0):>7} "
              f"{u.get('completion_tokens', 0):>7}  {what}")
    v = outcome.report["vlm"]
    print(f"stopped: {v['stop_reason']}; usage {json.dumps(v['usage'])}; fidelity "
          f"{outcome.report['prompt_fidelity']['share']:.2f}; outputs in {out}")


if __name__ == "__main__":
    main()
