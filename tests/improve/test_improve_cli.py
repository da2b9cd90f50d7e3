"""`worldsmith improve` end to end: a --tiny local round, best-of-K, the store, exports, resume after
a kill, bad input; the VLM path against a real local server with the OpenAI export and LoRA trainers."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys

import pytest

from worldsmith.improve.loop import ImproveSettings, Improver
from worldsmith.improve.rollout import split_blocks

ENV = {k: v for k, v in os.environ.items() if k not in ("WORLDSMITH_API_KEY", "OPENAI_API_KEY")}
ENV.update(COLUMNS="200", NO_COLOR="1")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "worldsmith.cli.main", "improve", *args], capture_output=True,
                          text=True, env=ENV, timeout=600)


def lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture(scope="module")
def prompt_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("prompts")
    (d / "train.jsonl").write_text("\n".join(json.dumps({"id": i, "prompt": p}) for i, p in [
        ("a", "a small study with a desk and a bookshelf"),
        ("b", "a cozy bedroom with a double bed and a wardrobe"),
        ("c", "a kitchen with a dining table and four chairs")]) + "\n")
    (d / "held.txt").write_text("# held-out\na bright office with two desks\n")
    return d


def _strip_times(rec: dict) -> dict:
    rec = json.loads(json.dumps(rec))
    for c in rec.get("candidates", ()):
        c.pop("seconds", None)
    return rec


@pytest.fixture(scope="module")
def tiny_run(prompt_files, tmp_path_factory):
    out = tmp_path_factory.mktemp("improve") / "run"
    r = run("--out", str(out), "--tiny", "--rounds", "1", "--candidates", "3", "--eval-samples", "2",
            "--prompts", str(prompt_files / "train.jsonl"), "--heldout", str(prompt_files / "held.txt"))
    assert r.returncode == 0, r.stdout + r.stderr[-3000:]
    return out, r


def test_a_tiny_round_end_to_end(tiny_run):
    out, r = tiny_run
    assert "round 1: kept 6" in r.stdout and f"wrote {out / 'report.md'}" in r.stdout
    for noise in ("Loading weights", "Writing model shards", "arena memory"):  # only the loop's own progress
        assert noise not in r.stdout + r.stderr
    rolls = lines(out / "rounds/r001/rollouts.jsonl")
    assert sorted(x["unit"] for x in rolls) == ["a", "b", "c"]
    early_stops = 0
    for unit in rolls:
        cands = unit["candidates"]
        rewards = [c["reward"] for c in cands]
        # the K samples, then the hindsight edits of each that met the prompt before its end:
        # stopped there (a strict prefix of its no-op-free program, meeting every requirement),
        # then that without the extras (a subsequence of it)
        assert [c.get("edit_of") for c in cands[:3]] == [None] * 3
        for c in cands[3:]:
            full = split_blocks(cands[c["edit_of"]]["program"])
            mine = split_blocks(c["program"])
            assert c["stop"] == "early" and len(mine) < len(full)
            if c["edit"] == "early":
                assert mine == full[:len(mine)] and c["breakdown"]["fidelity"] == 1.0
            else:
                assert c["edit"] == "lean" and all(b in full for b in mine)
        early_stops += sum(c.get("edit") == "early" for c in cands)
        # best-of-K keeps the maximum (the first one on a tie) and exactly its program
        assert unit["best"] == rewards.index(max(rewards))
        kept = unit["kept"]
        assert kept["reward"] == max(rewards) and kept["policy"] == "offline"
        # its steps: the program's blocks (each with the observation before it), then done()
        steps = kept["steps"]
        assert "\n".join(st["program"] for st in steps[:-1]) == unit["candidates"][unit["best"]]["program"]
        assert steps[0]["program"].startswith("room(") and steps[-1]["program"] == "done()"
        if cands[unit["best"]].get("edit") == "early":  # it stopped once nothing was needed
            assert "need " not in steps[-1]["observation"] and "need " in steps[-2]["observation"]
        assert steps[0]["observation"].startswith("room '") and "need add" in steps[0]["observation"]
        assert (out / kept["render"]).stat().st_size > 1000
        assert kept["breakdown"]["fidelity"] == 1.0
        # --keep 2 (the default): also the best of the other sampled episodes (an edit counts as
        # its episode), with its own steps and render
        root = lambda k: k if cands[k].get("edit_of") is None else cands[k]["edit_of"]  # noqa: E731
        others = [k for k in range(len(cands)) if root(k) != root(unit["best"])]
        second = max(others, key=lambda k: (cands[k]["reward"], -k))
        [more] = unit["more"]
        assert (more["candidate"], more["id"], more["reward"]) == (second, f"r001-{unit['unit']}-2",
                                                                   cands[second]["reward"])
        assert "\n".join(st["program"] for st in more["steps"] if st["program"] != "done()") == \
            cands[second]["program"]
        assert (out / more["render"]).stat().st_size > 1000
    # the fine-tuning data: one example per kept step, in both formats
    openai = lines(out / "export/r001/openai.jsonl")
    hf = lines(out / "export/r001/hf/train.jsonl")
    samples = [s for x in rolls for s in [x["kept"], *x["more"]]]
    n_steps = sum(len(s["steps"]) for s in samples)
    assert len(openai) == len(hf) == n_steps
    assert [m["role"] for m in openai[0]["messages"]] == ["system", "user", "assistant"]
    assert [o["messages"][2]["content"] for o in openai] == \
        [st["program"] for s in samples for st in s["steps"]]
    assert openai[0]["messages"][1]["content"].endswith(rolls[0]["kept"]["steps"][0]["observation"])
    # training ran and the loss fell; the checkpoint loads
    train = json.loads((out / "rounds/r001/train.json").read_text())
    assert train["examples"] == n_steps + train["deferred"] and train["losses"][-1] < train["losses"][0]
    assert train["deferred"] >= 1  # some requested object of the kept rooms can be added last
    # found once, when each sample was kept, and stored with it: each one a state with a need open
    assert train["deferred"] == sum(len(s["deferred"]) for s in samples)
    assert all("\nneed add '" in st["observation"] for s in samples for st in s["deferred"])
    assert (out / "checkpoints/r001/local_policy.json").is_file()
    # held-out evaluation: 1 prompt x 2 samples, never trained on; the planner baseline on the same units
    ev = lines(out / "rounds/r001/eval.jsonl")
    base = lines(out / "baseline.jsonl")
    assert sorted(e["unit"] for e in ev) == sorted(b["unit"] for b in base) == ["prompt_002/s0", "prompt_002/s1"]
    assert all(0.0 <= e["reward"] <= 1.0 for e in ev)
    report = json.loads((out / "report.json").read_text())
    row = report["rounds"][0]
    assert early_stops >= 2  # the planner furnishes on after the prompt is met
    assert row["kept"] == 6 and row["heldout_units"] == 2
    assert row["candidates_mean_reward"] == round(sum(c["reward"] for x in rolls for c in x["candidates"][:3]) / 9, 4)
    assert row["kept_mean_reward"] == round(sum(s["reward"] for s in samples) / 6, 4)
    assert report["baseline"]["mean_reward"] == round(sum(b["reward"] for b in base) / 2, 4)
    md = (out / "report.md").read_text()
    assert "| 1 | offline planner |" in md and "reward_per_round.png" in md
    assert (out / "reward_per_round.png").stat().st_size > 5000


def test_rerunning_a_finished_run_changes_nothing(tiny_run, prompt_files):
    out, _ = tiny_run
    files = sorted(p for p in out.rglob("*.jsonl"))
    before = {p: p.read_bytes() for p in files}
    r = run("--out", str(out), "--tiny", "--rounds", "1", "--candidates", "3", "--eval-samples", "2",
            "--prompts", str(prompt_files / "train.jsonl"), "--heldout", str(prompt_files / "held.txt"), "-j", "1")
    assert r.returncode == 0, r.stderr[-2000:]
    assert {p: p.read_bytes() for p in files} == before


def test_a_killed_run_resumes_without_duplicated_or_lost_units(tiny_run, prompt_files, tmp_path):
    ref, _ = tiny_run
    settings = ImproveSettings(out=str(tmp_path / "run"), tiny=True, rounds=1, candidates=3, eval_samples=2,
                               prompts=str(prompt_files / "train.jsonl"), heldout=str(prompt_files / "held.txt"),
                               jobs=1, renders=False)

    class Killed(Exception):
        pass

    def kill_after_two(what: str, done: int, total: int) -> None:
        if what.startswith("round 1: 3 candidates") and done == 2:
            raise Killed()

    with pytest.raises(Killed):
        Improver(settings, kill_after_two).run()
    path = tmp_path / "run/rounds/r001/rollouts.jsonl"
    assert len(lines(path)) == 2
    with open(path, "a") as fh:  # and the kill tore a line in half
        fh.write('{"unit": "c", "cand')
    Improver(settings).run()
    got = {x["unit"]: _strip_times(x) for x in lines(path)}
    want = {x["unit"]: _strip_times(x) for x in lines(ref / "rounds/r001/rollouts.jsonl")}
    assert sorted(got) == ["a", "b", "c"] and len(lines(path)) == 3
    # the same samples as the run that was never interrupted (renders aside)
    for u in want:
        for s in [want[u]["kept"], *want[u]["more"]]:
            s["render"] = None
        assert got[u] == want[u]
    assert len(lines(tmp_path / "run/rounds/r001/eval.jsonl")) == 2


def test_best_of_k_keeps_the_maximum_and_the_margin_holds_back_small_gains(tmp_path, prompt_files):
    from worldsmith.improve.prompts import PromptItem

    settings = ImproveSettings(out=str(tmp_path / "run"), tiny=True, margin=0.05, renders=False, jobs=1,
                               deferred=False,  # the steps here are stand-ins, not replayable blocks
                               prompts=str(prompt_files / "train.jsonl"), heldout=str(prompt_files / "held.txt"))
    imp = Improver(settings)
    cands = lambda *rs: [{"reward": r, "program": f"light('ceiling', watts={i + 1})", "seed": i, "breakdown": {},
                          "scene_json": "{}", "details": {"x": 1}} for i, r in enumerate(rs)]
    store = lambda pid, cs, before: imp._store_unit(2, PromptItem(pid, "a room"), cs, before, "local",
                                                    scene_of=lambda b: None, steps_of=lambda b, sid: [b])
    store("a", cands(0.5, 0.9, 0.9, 0.1), {})                      # no earlier sample: the best is kept
    store("b", cands(0.7, 0.84), {"b": 0.8})                        # +0.04 < margin: nothing kept
    store("c", cands(0.7, 0.85, 0.2), {"c": 0.8})                   # +0.05 = margin: kept
    recs = imp.store.records("rounds/r002/rollouts.jsonl")
    assert recs["a"]["best"] == 1 and recs["a"]["kept"]["reward"] == 0.9 and recs["a"]["kept"]["steps"] == [1]
    assert recs["b"]["best"] == 1 and recs["b"]["kept"] is None and recs["b"]["previous_best"] == 0.8
    assert recs["c"]["kept"]["candidate"] == 1 and recs["c"]["kept"]["id"] == "r002-c"
    assert all("scene_json" not in c and "details" not in c for c in recs["a"]["candidates"])
    imp.executor.close()
    # the default margin 0 never keeps a worse sample than the prompt has (a tie is kept); -1 keeps every best
    for margin, kept in ((None, (False, True)), (-1.0, (True, True))):
        extra = {} if margin is None else {"margin": margin}
        imp = Improver(ImproveSettings(out=str(tmp_path / f"run{margin}"), tiny=True, renders=False, jobs=1,
                                       deferred=False,
                                       prompts=str(prompt_files / "train.jsonl"),
                                       heldout=str(prompt_files / "held.txt"), **extra))
        assert imp.s.margin == (0.0 if margin is None else margin)
        store = lambda pid, cs, before: imp._store_unit(2, PromptItem(pid, "a room"), cs, before, "local",  # noqa: E731
                                                        scene_of=lambda b: None, steps_of=lambda b, sid: [b])
        store("worse", cands(0.7, 0.79), {"worse": 0.8})
        store("tie", cands(0.8), {"tie": 0.8})
        recs = imp.store.records("rounds/r002/rollouts.jsonl")
        assert (recs["worse"]["kept"] is not None, recs["tie"]["kept"] is not None) == kept
        imp.executor.close()


def test_keep_takes_the_best_then_the_best_of_each_other_episode():
    from worldsmith.improve.loop import best_of_samples

    # candidates 0-2 are episodes, 3-5 hindsight edits of them (edit_of)
    cands = [{"reward": r, "edit_of": e} for r, e in
             [(0.70, None), (0.60, None), (0.80, None), (0.90, 0), (0.85, 0), (0.80, 1)]]
    assert best_of_samples(cands, 1) == [3]
    assert best_of_samples(cands, 2) == [3, 2]        # not 4: another edit of episode 0
    assert best_of_samples(cands, 3) == [3, 2, 5]     # episode 1's best is its edit
    assert best_of_samples(cands, 9) == [3, 2, 5]     # three episodes, three samples at most
    tie = [{"reward": 0.5}, {"reward": 0.5}, {"reward": 0.4}]
    assert best_of_samples(tie, 2) == [0, 1]


def test_every_kept_sample_passes_the_margin(tmp_path, prompt_files):
    from worldsmith.improve.prompts import PromptItem

    imp = Improver(ImproveSettings(out=str(tmp_path / "run"), tiny=True, keep=3, renders=False, jobs=1,
                                   deferred=False,  # the steps here are stand-ins
                                   prompts=str(prompt_files / "train.jsonl"), heldout=str(prompt_files / "held.txt")))
    cands = [{"reward": r, "program": f"light('ceiling', watts={i + 1})", "seed": i, "breakdown": {}}
             for i, r in enumerate((0.75, 0.9, 0.85))]
    imp._store_unit(2, PromptItem("a", "a room"), cands, {"a": 0.8}, "local",
                    scene_of=lambda k: None, steps_of=lambda k, sid: [k])
    rec = imp.store.records("rounds/r002/rollouts.jsonl")["a"]
    assert rec["kept"]["candidate"] == 1 and [(m["candidate"], m["id"]) for m in rec["more"]] == [(2, "r002-a-2")]
    assert [s["steps"] for s in imp.store.kept([2])] == [[1], [2]]  # 0.75 < the earlier 0.8: not kept
    imp.executor.close()


@pytest.mark.parametrize("args, message", [
    (["--policy", "nope"], "unknown --policy 'nope'"),
    (["--keep", "0"], "--keep must be a whole number from 1 to 64, got 0"),
    (["--policy", "local", "--trainer", "hf"], "--policy local trains with --trainer local"),
    (["--policy", "vlm", "--trainer", "hf", "--base-url", "http://127.0.0.1:9/v1", "--model", "m"],
     "--trainer hf needs --base-model"),
    (["--policy", "vlm"], "--policy vlm needs --base-url and --model"),
    (["--reward", "fidelity+beauty"], "unknown reward"),
    (["--candidates", "0"], "--candidates must be a whole number from 1 to 64"),
    (["--margin", "1.5"], "--margin must be between -1 and 1, got 1.5"),
    (["--train-seed", "-1"], "--train-seed must be a whole number from 0 to 2147483647, got -1"),
    (["--prompts", "/nonexistent/prompts.jsonl"], "prompt file /nonexistent/prompts.jsonl does not exist"),
])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, args, message):
    out = tmp_path / "run"
    r = run("--out", str(out), "--tiny", *args)
    assert r.returncode == 2, r.stdout + r.stderr
    assert message in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_other_settings_in_the_same_folder_are_refused(tiny_run, prompt_files):
    out, _ = tiny_run
    r = run("--out", str(out), "--tiny", "--rounds", "1", "--candidates", "2", "--eval-samples", "2",
            "--prompts", str(prompt_files / "train.jsonl"), "--heldout", str(prompt_files / "held.txt"))
    assert r.returncode == 2 and "other settings (candidates: 3 -> 2)" in r.stderr


def test_reseeding_round_1_reproduces_it_with_the_run_seed_and_trains_another_model_with_another(tiny_run, tmp_path):
    from worldsmith.improve.loop import ImproveError
    from worldsmith.improve.reseed import reseed_round1

    out, _ = tiny_run
    assert "train_seed" not in json.loads((out / "run.json").read_text())["settings"]  # old runs still resume
    ckpt = lambda d: (d / "checkpoints/r001/model.safetensors").read_bytes()  # noqa: E731
    evals = lambda d: sorted((d / "rounds/r001/eval.jsonl").read_text().splitlines())  # noqa: E731
    same = reseed_round1(out, tmp_path / "s0", 0, jobs=1)  # the run's --seed: its own training, byte for byte
    assert ckpt(tmp_path / "s0") == ckpt(out) and evals(tmp_path / "s0") == evals(out)
    assert same["train_seed"] == 0 and same["heldout_units"] == 2 and same["prompts"] == 3
    other = reseed_round1(out, tmp_path / "s1", 1, eval_samples=3, jobs=1)
    assert ckpt(tmp_path / "s1") != ckpt(out)  # another initialisation and example order ...
    assert other["train_examples"] == same["train_examples"]  # ... of the same kept samples
    assert other["train_loss"] != same["train_loss"]
    units = lambda d: {json.loads(x)["unit"] for x in evals(d)}  # noqa: E731
    held = {u.split("/")[0] for u in units(out)}
    assert units(tmp_path / "s1") == units(out) | {f"{p}/s2" for p in held}  # the run's units, one more each
    assert json.loads((tmp_path / "s1/run.json").read_text())["settings"]["train_seed"] == 1
    with pytest.raises(ImproveError, match="not a worldsmith improve run"):
        reseed_round1(tmp_path / "nothing", tmp_path / "x", 1)
    (tmp_path / "unfinished/rounds").mkdir(parents=True)
    (tmp_path / "unfinished/run.json").write_text((out / "run.json").read_text())
    with pytest.raises(ImproveError, match="round 1 of .* is not finished"):
        reseed_round1(tmp_path / "unfinished", tmp_path / "y", 1)
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def test_samples_stored_without_their_deferred_steps_train_the_same_model(tiny_run, tmp_path):
    """A run stored before the deferred steps were kept with each sample resumes: they are found
    at training time instead, and the model is the same byte for byte."""
    from worldsmith.improve.reseed import run_settings

    out, _ = tiny_run
    settings, _ = run_settings(out)
    imp = Improver(dataclasses.replace(settings, out=str(tmp_path / "old"), jobs=1))
    recs = lines(out / "rounds/r001/rollouts.jsonl")
    assert sum(len(s["deferred"]) for r in recs for s in [r["kept"], *r["more"]] if s) >= 1
    for r in recs:
        for s in [r["kept"], *r["more"]]:
            if s:
                s.pop("deferred")
        imp.store.append("rounds/r001/rollouts.jsonl", r)
    train = imp.train_round(1)
    imp.executor.close()
    assert train["deferred"] == json.loads((out / "rounds/r001/train.json").read_text())["deferred"]
    assert (tmp_path / "old/checkpoints/r001/model.safetensors").read_bytes() == \
        (out / "checkpoints/r001/model.safetensors").read_bytes()


STUDY = '''A study: a desk against the back wall, a chair at it, a bookshelf.
```python
room("study", width=4.0, depth=3.5, height=2.7)
door("wall_0", at=0.5)
d = add("desk")
place(d, against="wall_2")
b = add("bookshelf")
place(b, against="wall_1")
```'''
DONE = "Done.\n```python\ndone()\n```"


def test_vlm_policy_rollouts_export_for_openai_and_stop(vlm_server, prompt_files, tmp_path):
    vlm_server.default = lambda request: DONE if len(request["messages"][1]["content"]) > 1 and any(
        p.get("type") == "image_url" for p in request["messages"][1]["content"]) else STUDY
    out = tmp_path / "run"
    one = tmp_path / "one.txt"
    one.write_text("a small study with a desk and a bookshelf\n")
    r = run("--out", str(out), "--policy", "vlm", "--trainer", "openai-export", "--base-url", vlm_server.url,
            "--model", "any", "--rounds", "2", "--candidates", "2", "--prompts", str(one), "--heldout",
            str(prompt_files / "held.txt"), "--max-steps", "3")
    assert r.returncode == 0, r.stdout + r.stderr[-3000:]
    rolls = lines(out / "rounds/r001/rollouts.jsonl")
    assert len(rolls) == 1 and len(rolls[0]["candidates"]) == 2
    kept = rolls[0]["kept"]
    assert kept["policy"] == "vlm" and kept["breakdown"]["fidelity"] == 1.0
    assert kept["steps"][0]["program"].startswith('room("study"')
    # openai-export stops after writing the file: no training, no second round
    assert json.loads((out / "rounds/r001/train.json").read_text())["trainer"] == "openai-export"
    assert not (out / "rounds/r002").exists() and not (out / "checkpoints").exists()
    ex = lines(out / "export/r001/openai.jsonl")
    assert ex[0]["messages"][0]["content"] == vlm_server.requests[0]["json"]["messages"][0]["content"]
    assert ex[0]["messages"][1]["content"] == vlm_server.requests[0]["json"]["messages"][1]["content"]
    assert ex[0]["messages"][2] == {"role": "assistant", "content": kept["steps"][0]["program"]}


def test_the_hf_trainer_fine_tunes_lora_on_the_exported_kept_steps(tmp_path, prompt_files):
    """The loop's hf path: kept VLM steps -> export/r001/hf -> LoRA on a tiny Qwen2-VL -> checkpoints/r001.
    (The kept step here has a short system message: the real one is ~15k tokens of the tiny model's
    BPE, too long for a CPU test; tests/improve/test_lora.py covers the trainer itself.)"""
    from PIL import Image

    from tests.improve.tiny_vlm import build_tiny_vlm

    base = build_tiny_vlm(tmp_path / "tiny")
    one = tmp_path / "one.txt"
    one.write_text("a small study with a desk and a bookshelf\n")
    settings = ImproveSettings(out=str(tmp_path / "run"), policy="vlm", trainer="hf", base_model=str(base),
                               base_url="http://127.0.0.1:9/v1", model="m", rounds=1, lora_steps=6,
                               prompts=str(one), heldout=str(prompt_files / "held.txt"), jobs=1)
    imp = Improver(settings)
    (imp.store.root / "renders").mkdir()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(imp.store.root / "renders/r001-prompt_001-s00-0.png")
    program = STUDY.split("```python\n")[1].split("```")[0]
    kept = {"id": "r001-prompt_001", "round": 1, "prompt_id": "prompt_001", "prompt": "a small study", "seed": 1,
            "candidate": 0, "policy": "vlm", "reward": 0.9, "breakdown": {}, "render": None,
            "steps": [{"messages": [{"role": "system", "content": "Write Worldsmith DSL."},
                                    {"role": "user", "content": [{"type": "text", "text": "Prompt: a small study"},
                                                                 {"type": "image", "path": "renders/r001-prompt_001-s00-0.png"}]}],
                       "observation": "Prompt: a small study", "program": program, "error": None}]}
    imp.store.append("rounds/r001/rollouts.jsonl", {"unit": "prompt_001", "candidates": [], "best": 0, "kept": kept})
    imp.export(1)
    result = imp.train_round(1)
    imp.executor.close()
    assert result["trainer"] == "hf" and result["steps"] == 6 and result["device"] == "cpu"
    assert result["last_loss"] < result["first_loss"]
    assert (tmp_path / "run/checkpoints/r001/adapter_config.json").is_file()
    assert json.loads((tmp_path / "run/rounds/r001/train.json").read_text()) == result
    hf = lines(tmp_path / "run/export/r001/hf/train.jsonl")
    assert len(hf) == 1 and hf[0]["messages"][-1]["content"][0]["text"] == program


def test_step_level_best_of_k_keeps_the_best_reply_at_each_step(vlm_server, prompt_files, tmp_path):
    bare = 'Just the room.\n```python\nroom("study", width=4.0, depth=3.5, height=2.7)\n```'
    broken = "Oops.\n```python\nroom(\"study\", width=4.0\n```"
    vlm_server.script(broken, bare, STUDY, DONE, DONE, DONE)
    one = tmp_path / "one.txt"
    one.write_text("a small study with a desk and a bookshelf\n")
    out = tmp_path / "run"
    r = run("--out", str(out), "--policy", "vlm", "--trainer", "openai-export", "--unit", "step", "--base-url",
            vlm_server.url, "--model", "any", "--rounds", "1", "--candidates", "3", "--prompts", str(one),
            "--heldout", str(prompt_files / "held.txt"), "--max-steps", "4")
    assert r.returncode == 0, r.stdout + r.stderr[-3000:]
    assert len(vlm_server.requests) == 6  # three replies at each of two steps
    unit = lines(out / "rounds/r001/rollouts.jsonl")[0]
    assert len(unit["candidates"]) == 1 and unit["candidates"][0]["stop_reason"] == "done"
    steps = unit["kept"]["steps"]
    alts = steps[0]["alternatives"]
    assert alts[0] == -1.0 and 0.0 < alts[1] < alts[2]  # the broken reply failed, the full room won
    assert steps[0]["program"].startswith('room("study"') and "bookshelf" in steps[0]["program"]
    assert steps[1]["program"] == "done()" and steps[1]["error"] is None
    assert unit["kept"]["reward"] == alts[2]
    # the model's three replies to one observation saw the same request
    first = [q["json"]["messages"] for q in vlm_server.requests[:3]]
    assert first[0] == first[1] == first[2]
