"""`worldsmith generate`: the main job, end to end with the offline planner (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from worldsmith.dsl import execute
from worldsmith.metrics.fidelity import expectation_requirements, prompt_fidelity
from worldsmith.pipeline.generate import GenerateError, generate, generate_batch, read_prompts
from worldsmith.scene import Scene, dumps, loads

#: a copy of ../shared/prompts/dev.jsonl, so a clean clone tests the same suite
DEV = Path(__file__).resolve().parents[1] / "data" / "dev_prompts.jsonl"
PROBLEMS = ("collisions", "out_of_bounds", "blocked_openings", "unsupported")


def _dev_records() -> list[dict]:
    return [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def bedroom(tmp_path_factory):
    out = tmp_path_factory.mktemp("gen") / "bedroom"
    return generate("a cozy bedroom with a double bed, two nightstands and a wardrobe", out, seed=3, renders=False)


def test_outputs_are_complete_and_consistent(bedroom):
    out = bedroom.out_dir
    for name in ("scene.json", "scene.glb", "plan.png", "program.py", "trajectory.jsonl", "report.json"):
        assert (out / name).is_file(), name
    scene = loads((out / "scene.json").read_bytes())
    assert scene == bedroom.scene
    report = json.loads((out / "report.json").read_text())
    traj = [json.loads(line) for line in (out / "trajectory.jsonl").read_text().splitlines()]
    assert len(traj) == report["steps"] and report["steps"] >= 6
    assert [r["step"] for r in traj] == list(range(len(traj)))
    stages = [r["stage"] for r in traj]
    assert stages[0] == "shell" and "large" in stages and "small" in stages and "lighting" in stages
    for r in traj:
        assert set(r) >= {"observation", "program", "apply_report", "metrics", "timings_s", "ok"}
    # the report's prompt fidelity lists every requirement and they hold in the scene
    fid = report["prompt_fidelity"]
    keys = {(r["kind"], r["key"]) for r in fid["requirements"]}
    assert {("object", "bed"), ("object", "nightstand"), ("object", "wardrobe")} <= keys
    assert fid["share"] == 1.0, [r for r in fid["requirements"] if not r["satisfied"]]


def test_generated_room_is_valid_rich_and_lit(bedroom):
    m = bedroom.report["metrics"]
    assert all(m[k] == [] for k in PROBLEMS), {k: m[k] for k in PROBLEMS}
    assert all(n["ratio"] >= 0.95 for n in m["navigability"])
    assert bedroom.report["richness"]["objects"] >= 15 and bedroom.report["richness"]["categories"] >= 10
    assert bedroom.scene.lights
    counts = bedroom.report["counts"]
    assert counts["bed"] == 1 and counts["nightstand"] == 2 and counts["wardrobe"] == 1


def test_program_replays_to_the_same_scene(bedroom):
    program = (bedroom.out_dir / "program.py").read_text()
    replay = execute(program, Scene(prompt=bedroom.scene.prompt, seed=3), seed=3).scene
    assert dumps(replay) == dumps(bedroom.scene)


def test_same_prompt_and_seed_same_bytes_other_seeds_differ(tmp_path):
    prompt = "a small cafe with a counter, a coffee machine and five round tables"
    a = generate(prompt, tmp_path / "a", seed=1, renders=False)
    b = generate(prompt, tmp_path / "b", seed=1, renders=False)
    assert (tmp_path / "a" / "scene.json").read_bytes() == (tmp_path / "b" / "scene.json").read_bytes()
    c = generate(prompt, tmp_path / "c", seed=2, renders=False)
    layout = lambda s: sorted((o.category, round(o.position[0], 2), round(o.position[1], 2)) for o in s.objects)
    assert layout(a.scene) != layout(c.scene)


@pytest.mark.parametrize("rec", _dev_records(), ids=lambda r: r["id"])
def test_dev_prompt_gives_a_valid_faithful_room(rec, tmp_path):
    outcome = generate(rec["prompt"], tmp_path / rec["id"], seed=0, renders=False)
    report = outcome.report
    m = report["metrics"]
    assert all(m[k] == [] for k in PROBLEMS), {k: m[k] for k in PROBLEMS}
    assert all(n["ratio"] >= 0.95 for n in m["navigability"]), m["navigability"]
    # the suite's own expectations (objects with counts, materials, lighting) and the planner's
    # reading of the prompt both hold in the final scene
    expected = prompt_fidelity(outcome.scene, expectation_requirements(rec.get("expect", {})))
    assert expected["share"] == 1.0, [r for r in expected["requirements"] if not r["satisfied"]]
    assert report["prompt_fidelity"]["share"] == 1.0, report["prompt_fidelity"]
    # nothing the design asked for vanished silently: each designed object is in the scene or
    # its omission/removal is explained
    explained: dict[str, int] = {}
    for note in report["explanations"]:
        if note.get("action") in ("omitted", "removed"):
            explained[note.get("category")] = explained.get(note.get("category"), 0) + int(note.get("count", 1))
    designed: dict[str, int] = {}
    for item in report["design"]["items"]:
        designed[item["category"]] = designed.get(item["category"], 0) + item["count"]
    for category, count in designed.items():
        present = sum(1 for o in outcome.scene.objects if o.category == category)
        assert present + explained.get(category, 0) >= count, (category, present, count, report["explanations"])


def test_bad_input_is_a_clear_error(tmp_path):
    with pytest.raises(GenerateError, match="empty"):
        generate("   ", tmp_path / "x")
    with pytest.raises(GenerateError, match="unknown planner"):
        generate("a kitchen", tmp_path / "x", planner="nope")
    assert not (tmp_path / "x").exists()
    bad = tmp_path / "p.jsonl"
    bad.write_text('{"id": "a", "prompt": "a kitchen"}\nnot json\n')
    with pytest.raises(GenerateError, match="p.jsonl:2"):
        read_prompts(bad)
    bad.write_text('{"id": "a", "prompt": "a kitchen"}\n{"id": "a", "prompt": "a bathroom"}\n')
    with pytest.raises(GenerateError, match="duplicate"):
        read_prompts(bad)


def test_a_plain_text_prompt_file_is_one_prompt_a_line(tmp_path):
    text = tmp_path / "p.txt"
    text.write_text("# two rooms\na kitchen\n\n  a bathroom with a tub  \n")
    assert read_prompts(text) == [{"id": "prompt_002", "prompt": "a kitchen"},
                                  {"id": "prompt_004", "prompt": "a bathroom with a tub"}]


def test_batch_writes_one_folder_per_prompt_and_a_summary(tmp_path):
    prompts = tmp_path / "p.jsonl"
    prompts.write_text('{"id": "k", "prompt": "a small kitchen"}\n\n{"id": "b", "prompt": "a tiny bathroom"}\n')
    rows = generate_batch(prompts, tmp_path / "out", seeds=(0,), renders=False)
    assert [r["id"] for r in rows] == ["k", "b"]
    assert all(r["problems"] == 0 for r in rows)
    for rid in ("k", "b"):
        assert (tmp_path / "out" / rid / "report.json").is_file()
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert [r["folder"] for r in summary["runs"]] == ["k", "b"]
