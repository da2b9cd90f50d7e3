"""The trajectory store: one durable line per complete unit; resume skips, never duplicates or loses."""

from __future__ import annotations

import json

import pytest

from worldsmith.improve.store import STORE_VERSION, RunStore, StoreError

SETTINGS = {"rounds": 2, "candidates": 4, "reward": "fidelity"}


def test_units_are_stored_once_and_read_back(tmp_path):
    store = RunStore(tmp_path / "run", SETTINGS)
    assert not store.resumed
    meta = json.loads((tmp_path / "run" / "run.json").read_text())
    assert meta == {"store_version": STORE_VERSION, "settings": SETTINGS}
    store.append("rounds/r001/rollouts.jsonl", {"unit": "t001", "kept": {"id": "r001-t001", "reward": 0.5}})
    store.append("rounds/r001/rollouts.jsonl", {"unit": "t002", "kept": None})
    store.append("rounds/r001/rollouts.jsonl", {"unit": "t003", "kept": {"id": "r001-t003", "reward": 0.7},
                                                "more": [{"id": "r001-t003-2", "reward": 0.6}]})
    with pytest.raises(StoreError, match="t001 is already stored"):
        RunStore(tmp_path / "run", SETTINGS).append("rounds/r001/rollouts.jsonl", {"unit": "t001"})
    again = RunStore(tmp_path / "run", SETTINGS)
    assert again.resumed
    assert list(again.records("rounds/r001/rollouts.jsonl")) == ["t001", "t002", "t003"]
    # every kept sample, in prompt order, a prompt's best before the others it kept
    assert [s["id"] for s in again.kept([1])] == ["r001-t001", "r001-t003", "r001-t003-2"]


def test_a_torn_last_line_is_ignored_then_cut_off(tmp_path):
    store = RunStore(tmp_path / "run", SETTINGS)
    name = "rounds/r001/eval.jsonl"
    store.append(name, {"unit": "a", "reward": 1.0})
    path = store.path(name)
    with open(path, "a") as fh:  # a run killed in the middle of a write
        fh.write('{"unit": "b", "rew')
    resumed = RunStore(tmp_path / "run", SETTINGS)
    assert list(resumed.records(name)) == ["a"]
    resumed.append(name, {"unit": "b", "reward": 0.5})
    lines = path.read_text().splitlines()
    assert [json.loads(l)["unit"] for l in lines] == ["a", "b"]


def test_other_settings_or_a_foreign_folder_are_refused(tmp_path):
    RunStore(tmp_path / "run", SETTINGS)
    with pytest.raises(StoreError, match=r"other settings \(candidates: 4 -> 8\)"):
        RunStore(tmp_path / "run", {**SETTINGS, "candidates": 8})
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x.txt").write_text("mine")
    with pytest.raises(StoreError, match="not an improve run"):
        RunStore(tmp_path / "other", SETTINGS)
    assert (tmp_path / "other" / "x.txt").read_text() == "mine"


def test_staged_folders_replace_atomically(tmp_path):
    store = RunStore(tmp_path / "run", SETTINGS)
    tmp = store.staging("checkpoints/r001")
    tmp.mkdir()
    (tmp / "w.bin").write_bytes(b"1")
    assert not store.path("checkpoints/r001").exists()
    store.commit("checkpoints/r001", tmp)
    tmp2 = store.staging("checkpoints/r001")
    tmp2.mkdir()
    (tmp2 / "w.bin").write_bytes(b"2")
    store.commit("checkpoints/r001", tmp2)
    assert (store.path("checkpoints/r001") / "w.bin").read_bytes() == b"2"
    assert not tmp2.exists()
