"""The in-context program library: validation, dedupe, JSONL persistence, MiniLM retrieval, runs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from worldsmith.assets.retrieval import default_embedder
from worldsmith.dsl import execute
from worldsmith.policy.vlm.library import LibraryEntry, LibraryError, ProgramLibrary
from worldsmith.scene import Scene, WorldsmithError

BEDROOM = "a cozy bedroom with a double bed"
KITCHEN = "a commercial kitchen with stainless steel counters"
BEDROOM_PROGRAM = """room("bedroom", width=4.0, depth=3.6, height=2.7)
door("wall_0", at=0.8, width=0.9)
bed = add("bed", color="cream")
place(bed, against="wall_2")"""
KITCHEN_PROGRAM = """room("kitchen", width=6.0, depth=5.0, height=3.0)
door("wall_0", at=0.5, width=1.0)
place(add("kitchen_counter"), against="wall_2")
place(add("refrigerator"), against="wall_1")"""
OFFICE_PROGRAM = """room("office", width=4.0, depth=4.0, height=2.7)
place(add("desk"), against="wall_1")"""


def test_example_programs_are_real_dsl():
    for program in (BEDROOM_PROGRAM, KITCHEN_PROGRAM, OFFICE_PROGRAM):
        scene = execute(program, Scene(prompt="t", seed=0), seed=0).scene
        assert scene.rooms and scene.objects


def make_library(path=None) -> ProgramLibrary:
    lib = ProgramLibrary(path)
    assert lib.add(BEDROOM, BEDROOM_PROGRAM, 1.0, "run/bedroom", seed=3)
    assert lib.add(KITCHEN, KITCHEN_PROGRAM, 0.9, "run/kitchen")
    return lib


def test_retrieval_ranks_by_meaning_with_real_minilm():
    lib = make_library()
    got = lib.retrieve_scored("a small bedroom with a queen bed", k=2)
    assert [e.prompt for e, _ in got] == [BEDROOM, KITCHEN]
    assert got[0][1] > got[1][1] + 0.2  # bedroom 0.7, kitchen 0.25 with MiniLM
    assert [e.prompt for e in lib.retrieve("a restaurant kitchen with a large stove", k=2)] == [KITCHEN, BEDROOM]
    assert [e.prompt for e in lib.retrieve("a small bedroom with a queen bed", k=1)] == [BEDROOM]
    assert lib.retrieve("a small bedroom with a queen bed", k=0) == []
    assert len(lib.retrieve("anything", k=10)) == 2
    # the similarities are MiniLM cosines: a prompt against itself is 1
    sims = dict((e.prompt, s) for e, s in lib.similarities(BEDROOM))
    assert sims[BEDROOM] == pytest.approx(1.0, abs=1e-5)
    assert sims[KITCHEN] < 0.5


def test_retrieval_filters_and_embedding_cache():
    emb = default_embedder()
    lib = make_library()
    lib.add("an office with a desk", OFFICE_PROGRAM, 0.5)
    calls = emb.encoded_texts
    lib.retrieve("a bedroom", k=3)
    assert emb.encoded_texts - calls == 4  # the query + three entry prompts, once
    calls = emb.encoded_texts
    lib.retrieve("a bedroom", k=3)
    lib.retrieve("a bedroom", k=1, min_score=0.95)
    assert emb.encoded_texts == calls  # all cached (per prompt text)
    assert [e.prompt for e in lib.retrieve("a bedroom", k=3, min_score=0.95)] == [BEDROOM]
    assert [e.prompt for e in lib.retrieve("a bedroom", k=3, min_similarity=0.45)] == [BEDROOM]
    assert [e.prompt for e in lib.retrieve("  A COZY bedroom with a  double bed ", k=3, exclude_prompt=True)] == \
        [e.prompt for e in lib.retrieve("a cozy bedroom with a double bed", k=3)][1:]
    assert BEDROOM not in [e.prompt for e in lib.retrieve(BEDROOM, k=3, exclude_prompt=True)]
    with pytest.raises(ValueError, match="k must be"):
        lib.retrieve("x", k=-1)


def test_empty_library_retrieves_nothing_without_the_model():
    class NoModel:
        def encode(self, texts):  # pragma: no cover - must not be called
            raise AssertionError("the model was used")

    assert ProgramLibrary(embedder=NoModel()).retrieve("a bedroom", k=3) == []


def test_ties_break_by_score_then_insertion_and_programs_are_unique():
    lib = ProgramLibrary()
    # the same prompt -> the same similarity: the score decides, then the order of insertion
    assert lib.add(BEDROOM, OFFICE_PROGRAM, 0.5, "first")
    assert lib.add(BEDROOM, KITCHEN_PROGRAM, 0.8, "second")
    assert lib.add(BEDROOM, BEDROOM_PROGRAM, 0.8, "third")
    assert lib.add("a nursery with a crib", BEDROOM_PROGRAM, 1.0, "fourth")  # same program, other prompt
    got = lib.retrieve(BEDROOM, k=4)
    assert [e.source for e in got] == ["second", "third", "first"]  # never two copies of one program
    got = lib.retrieve("a nursery with a crib", k=4)
    assert [e.source for e in got] == ["fourth", "second", "first"]


def test_add_keeps_the_best_score_per_pair():
    lib = ProgramLibrary()
    assert lib.add(BEDROOM, BEDROOM_PROGRAM, 0.5, "a")
    assert not lib.add(BEDROOM, BEDROOM_PROGRAM, 0.5, "b")  # equal: unchanged
    assert not lib.add(f"  {BEDROOM}\n", f"\n{BEDROOM_PROGRAM}\n\n", 0.4, "c")  # same pair after stripping
    assert lib.add(BEDROOM, BEDROOM_PROGRAM, 0.75, "d", seed=7)
    assert lib.add(KITCHEN, KITCHEN_PROGRAM, 0.1)
    assert lib.entries == (LibraryEntry(BEDROOM, BEDROOM_PROGRAM, 0.75, "d", {"seed": 7}),
                           LibraryEntry(KITCHEN, KITCHEN_PROGRAM, 0.1, "", {}))
    assert len(lib) == 2 and list(lib) == list(lib.entries)


@pytest.mark.parametrize("prompt, program, score, meta, match", [
    ("", BEDROOM_PROGRAM, 1.0, {}, "prompt must be"),
    (BEDROOM, "", 1.0, {}, "program must be"),
    (BEDROOM, "# only a comment\n\n", 1.0, {}, "program must be"),
    (BEDROOM, BEDROOM_PROGRAM, float("nan"), {}, "score must be a finite"),
    (BEDROOM, BEDROOM_PROGRAM, float("inf"), {}, "score must be a finite"),
    (BEDROOM, BEDROOM_PROGRAM, "1.0", {}, "score must be a finite"),
    (BEDROOM, BEDROOM_PROGRAM, 1.0, {"when": object()}, "meta values must be JSON"),
])
def test_add_rejects_bad_entries(prompt, program, score, meta, match):
    lib = ProgramLibrary()
    with pytest.raises(LibraryError, match=match) as err:
        lib.add(prompt, program, score, **meta)
    assert isinstance(err.value, WorldsmithError) and len(lib) == 0


def test_persistence_round_trip(tmp_path):
    path = tmp_path / "lib" / "library.jsonl"  # the folder is created
    lib = make_library(path)
    lib.add(BEDROOM, BEDROOM_PROGRAM, 0.2)  # no change: no rewrite needed, file unchanged
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(x) for x in lines] == [
        {"meta": {"seed": 3}, "program": BEDROOM_PROGRAM, "prompt": BEDROOM, "score": 1.0, "source": "run/bedroom"},
        {"meta": {}, "program": KITCHEN_PROGRAM, "prompt": KITCHEN, "score": 0.9, "source": "run/kitchen"},
    ]
    again = ProgramLibrary(path)
    assert again.entries == lib.entries
    assert again.add(KITCHEN, KITCHEN_PROGRAM, 0.95, "better")
    third = ProgramLibrary(path)
    assert [(e.prompt, e.score, e.source) for e in third] == [(BEDROOM, 1.0, "run/bedroom"),
                                                              (KITCHEN, 0.95, "better")]
    assert sorted(os.listdir(path.parent)) == ["library.jsonl"]  # no temporary files left
    assert [e.prompt for e in third.retrieve("a small bedroom with a queen bed", k=1)] == [BEDROOM]


def test_a_library_without_path_or_file(tmp_path):
    lib = ProgramLibrary(tmp_path / "missing.jsonl")
    assert len(lib) == 0 and not (tmp_path / "missing.jsonl").exists()
    ProgramLibrary().add(BEDROOM, BEDROOM_PROGRAM, 1.0)  # in memory: nothing written anywhere
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("bad_line, match", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "expected an object"),
    (json.dumps({"prompt": BEDROOM, "score": 1.0}), "missing program"),
    (json.dumps({"prompt": BEDROOM, "program": BEDROOM_PROGRAM, "score": 1.0, "colour": "red"}), "unknown keys colour"),
    (json.dumps({"prompt": BEDROOM, "program": BEDROOM_PROGRAM, "score": None}), "score must be a finite"),
    (json.dumps({"prompt": BEDROOM, "program": "  ", "score": 1.0}), "program must be"),
])
def test_malformed_file_names_path_and_line(tmp_path, bad_line, match):
    path = tmp_path / "library.jsonl"
    good = json.dumps({"prompt": KITCHEN, "program": KITCHEN_PROGRAM, "score": 1.0})
    path.write_text(good + "\n\n" + bad_line + "\n", encoding="utf-8")
    with pytest.raises(LibraryError, match=match) as err:
        ProgramLibrary(path)
    assert str(err.value).startswith(f"{path}:3: ")


def test_repeated_pairs_in_a_file_merge_to_the_best(tmp_path):
    path = tmp_path / "library.jsonl"
    rec = {"prompt": BEDROOM, "program": BEDROOM_PROGRAM}
    path.write_text("\n".join(json.dumps({**rec, "score": s, "source": str(s)}) for s in (0.3, 0.9, 0.6)) + "\n",
                    encoding="utf-8")
    assert ProgramLibrary(path).entries == (LibraryEntry(BEDROOM, BEDROOM_PROGRAM, 0.9, "0.9", {}),)


# -- runs --------------------------------------------------------------------------------------

def write_run(folder: Path, prompt: str, share: float, collisions=(), program: str = BEDROOM_PROGRAM) -> Path:
    folder.mkdir(parents=True)
    report = {
        "schema_version": 1, "prompt": prompt, "seed": 4, "planner": "vlm", "steps": 3,
        "objects": [{"id": "bed_0"}],
        "metrics": {"collisions": list(collisions), "out_of_bounds": [], "blocked_openings": [], "unsupported": [],
                    "navigability": [{"room": "room_0", "ratio": 1.0}]},
        "prompt_fidelity": {"requirements": [], "satisfied": 1, "total": 1, "share": share},
    }
    (folder / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    (folder / "program.py").write_text(f"# {prompt}\n\n# -- step 0: shell\n{program}\n", encoding="utf-8")
    return folder


def test_add_run_adds_good_runs_only(tmp_path):
    lib = ProgramLibrary(tmp_path / "lib.jsonl")
    good = write_run(tmp_path / "good", BEDROOM, 1.0)
    assert lib.add_run(good)
    assert lib.entries == (LibraryEntry(BEDROOM, "# -- step 0: shell\n" + BEDROOM_PROGRAM, 1.0, str(good),
                                        {"seed": 4, "planner": "vlm", "steps": 3, "objects": 1}),)
    assert not lib.add_run(good)  # already there with that score
    partial = write_run(tmp_path / "partial", KITCHEN, 0.75, program=KITCHEN_PROGRAM)
    assert not lib.add_run(partial)  # below the default min_share of 1.0
    assert lib.add_run(partial, min_share=0.75)
    assert lib.entries[-1].score == 0.75
    broken = write_run(tmp_path / "broken", "an office", 1.0, collisions=[{"a": "desk_0", "b": "chair_0",
                                                                          "depth_m": 0.1}], program=OFFICE_PROGRAM)
    assert not lib.add_run(broken, min_share=0.0)  # a collision: never an example
    assert len(ProgramLibrary(tmp_path / "lib.jsonl")) == 2


def test_add_run_refuses_folders_that_are_not_generate_outputs(tmp_path):
    lib = ProgramLibrary()
    with pytest.raises(LibraryError, match="not a worldsmith generate output folder"):
        lib.add_run(tmp_path)
    run = write_run(tmp_path / "run", BEDROOM, 1.0)
    report = json.loads((run / "report.json").read_text())
    del report["prompt_fidelity"]
    (run / "report.json").write_text(json.dumps(report))
    with pytest.raises(LibraryError, match="no prompt_fidelity.share"):
        lib.add_run(run)
    (run / "report.json").write_text("{")
    with pytest.raises(LibraryError, match="report.json: not valid JSON"):
        lib.add_run(run)


def test_add_run_reads_a_real_generate_folder(tmp_path):
    from worldsmith.metrics.validate import PROBLEM_KEYS
    from worldsmith.pipeline.generate import generate

    out = generate(BEDROOM, tmp_path / "run", seed=0, renders=False)
    report = out.report
    good = report["prompt_fidelity"]["share"] >= 1.0 and not any(report["metrics"][k] for k in PROBLEM_KEYS)
    lib = ProgramLibrary()
    assert lib.add_run(out.out_dir) is good
    if good:
        (entry,) = lib.entries
        program = (out.out_dir / "program.py").read_text()
        assert entry.prompt == BEDROOM and entry.score == 1.0
        assert program.startswith(f"# {BEDROOM}\n") and program.strip().endswith(entry.program)
        # the stored program runs and builds the same kinds of objects (object for object equality
        # is generate's promise about program.py, not the library's)
        rebuilt = execute(entry.program, Scene(prompt=BEDROOM, seed=0), seed=0).scene
        assert sorted(o.category for o in rebuilt.objects) == sorted(o.category for o in out.scene.objects)
