"""Fine-tuning data export (worldsmith.improve.export): OpenAI vision JSONL and the HF chat dataset.

A small store folder is written here: real PNG files (Pillow) under ``renders/`` and kept samples in
the trajectory store's record format. The expected lines are built independently in the tests from
the samples and the image bytes, and compared to the exported ones exactly.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import io
import json
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from worldsmith.improve.export import (
    OPENAI_MAX_IMAGE_BYTES,
    OPENAI_MAX_IMAGES_PER_EXAMPLE,
    ExportError,
    export_hf,
    export_openai,
    read_hf,
)
from worldsmith.scene.errors import WorldsmithError

SYSTEM = "You write Worldsmith DSL programs. Reply with one program."
PROGRAM_A = "room('studio', width=5.2, depth=4.4, height=2.8)\neasel = add('easel', style='vintage')"
PROGRAM_B = "place(easel, against='wall_1')"
PROGRAM_C = "room('bedroom', width=4.0, depth=3.5, height=2.7)\nadd('bed')"


def _png(path: Path, seed: int, mode: str = "RGB", size=(24, 16)) -> bytes:
    rng = np.random.default_rng(seed)
    channels = {"RGB": 3, "RGBA": 4, "L": 1}[mode]
    arr = rng.integers(0, 256, (size[1], size[0], channels), dtype=np.uint8)
    Image.fromarray(arr[..., 0] if channels == 1 else arr, mode).save(path, format="PNG")
    return path.read_bytes()


@pytest.fixture
def store(tmp_path):
    """A store folder with three renders and two kept samples (four steps, one of them failed)."""
    root = tmp_path / "store"
    (root / "renders").mkdir(parents=True)
    _png(root / "renders" / "r001-p0001-s0-top.png", 1)
    _png(root / "renders" / "r001-p0001-s0-persp.png", 2, mode="RGBA")
    _png(root / "renders" / "r001-p0001-s1-top.png", 3)
    samples = [
        {"id": "r001-p0001", "round": 1, "prompt_id": "p0001", "prompt": "a bohemian art studio", "seed": 7,
         "policy": "vlm", "reward": 0.8, "breakdown": {"fidelity": 1.0},
         "steps": [
             {"messages": [{"role": "system", "content": SYSTEM},
                           {"role": "user", "content": [
                               {"type": "text", "text": "Prompt: a bohemian art studio\nStep 1."},
                               {"type": "image", "path": "renders/r001-p0001-s0-top.png"},
                               {"type": "text", "text": "Perspective view:"},
                               {"type": "image", "path": "renders/r001-p0001-s0-persp.png"}]}],
              "program": PROGRAM_A, "error": None},
             {"messages": [{"role": "system", "content": SYSTEM},
                           {"role": "user", "content": "Step 2: the easel floats. Fix it."}],
              "program": "place(easel, against='wall_9')", "error": "E204 line 1: unknown wall 'wall_9'"},
             {"messages": [{"role": "system", "content": SYSTEM},
                           {"role": "user", "content": [
                               {"type": "text", "text": "Step 2 again."},
                               {"type": "image", "path": "renders/r001-p0001-s0-top.png"}]}],
              "program": PROGRAM_B, "error": None}]},
        {"id": "r001-p0002", "round": 1, "prompt_id": "p0002", "prompt": "a small bedroom", "seed": 8,
         "policy": "offline", "reward": 0.6, "breakdown": {},
         "steps": [{"messages": [{"role": "system", "content": SYSTEM},
                                 {"role": "user", "content": [{"type": "text", "text": "Prompt: a small bedroom"}]}],
                    "program": PROGRAM_C, "error": None}]},
    ]
    return root, samples


def _data_url(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _expected_openai(root: Path) -> list[dict]:
    top = (root / "renders" / "r001-p0001-s0-top.png").read_bytes()
    persp = (root / "renders" / "r001-p0001-s0-persp.png").read_bytes()
    system = {"role": "system", "content": SYSTEM}
    return [
        {"messages": [system, {"role": "user", "content": [
            {"type": "text", "text": "Prompt: a bohemian art studio\nStep 1."},
            {"type": "image_url", "image_url": {"url": _data_url(top)}},
            {"type": "text", "text": "Perspective view:"},
            {"type": "image_url", "image_url": {"url": _data_url(persp)}}]},
            {"role": "assistant", "content": PROGRAM_A}]},
        {"messages": [system, {"role": "user", "content": [
            {"type": "text", "text": "Step 2 again."},
            {"type": "image_url", "image_url": {"url": _data_url(top)}}]},
            {"role": "assistant", "content": PROGRAM_B}]},
        {"messages": [system, {"role": "user", "content": [{"type": "text", "text": "Prompt: a small bedroom"}]},
                      {"role": "assistant", "content": PROGRAM_C}]},
    ]


def _lines(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n") and "\n\n" not in text
    return [json.loads(line) for line in text.splitlines()]


def _assert_one_line(exc: pytest.ExceptionInfo, *fragments: str) -> str:
    msg = str(exc.value)
    assert isinstance(exc.value, WorldsmithError)
    assert "\n" not in msg and msg
    for f in fragments:
        assert f in msg, msg
    return msg


# ------------------------------------------------------------------------------------------- OpenAI


def test_openai_export_round_trips_text_and_image_bytes(store, tmp_path):
    root, samples = store
    out = tmp_path / "train_openai.jsonl"
    assert export_openai(samples, root, out) == 3  # the failed step is skipped
    lines = _lines(out)
    assert lines == _expected_openai(root)
    # decode every data URL back to the PNG file it came from
    user = lines[0]["messages"][1]["content"]
    for part, name in ((user[1], "r001-p0001-s0-top.png"), (user[3], "r001-p0001-s0-persp.png")):
        url = part["image_url"]["url"]
        assert url.startswith("data:image/png;base64,")
        assert base64.b64decode(url.split(",", 1)[1], validate=True) == (root / "renders" / name).read_bytes()
    # keys sorted, compact separators, deterministic bytes
    raw = out.read_bytes()
    first = raw.split(b"\n", 1)[0].decode("utf-8")
    assert first == json.dumps(lines[0], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    out2 = tmp_path / "again.jsonl"
    assert export_openai(copy.deepcopy(samples), root, out2) == 3
    assert out2.read_bytes() == raw
    assert sorted(os.listdir(tmp_path)) == ["again.jsonl", "store", "train_openai.jsonl"]


def test_openai_export_keeps_failed_steps_on_request(store, tmp_path):
    root, samples = store
    out = tmp_path / "all.jsonl"
    assert export_openai(samples, root, out, include_errors=True) == 4
    lines = _lines(out)
    assert lines[1] == {"messages": [{"role": "system", "content": SYSTEM},
                                     {"role": "user", "content": "Step 2: the easel floats. Fix it."},
                                     {"role": "assistant", "content": "place(easel, against='wall_9')"}]}
    assert lines[0] == _expected_openai(root)[0]


def test_missing_image_fails_in_one_line_and_writes_nothing(store, tmp_path):
    root, samples = store
    (root / "renders" / "r001-p0001-s1-top.png").unlink()
    samples[1]["steps"][0]["messages"][1]["content"].append({"type": "image", "path": "renders/r001-p0001-s1-top.png"})
    out = tmp_path / "train.jsonl"
    out.write_text("previous\n", encoding="utf-8")
    with pytest.raises(ExportError) as exc:
        export_openai(samples, root, out)
    _assert_one_line(exc, "sample r001-p0002 step 0", "renders/r001-p0001-s1-top.png", "not found")
    assert out.read_text(encoding="utf-8") == "previous\n"  # the first sample was written to a temp file, then dropped
    hf = tmp_path / "hf"
    with pytest.raises(ExportError) as exc:
        export_hf(samples, root, hf)
    _assert_one_line(exc, "sample r001-p0002 step 0", "not found")
    assert not hf.exists()
    assert sorted(os.listdir(tmp_path)) == ["store", "train.jsonl"]  # no temporary file or folder left


def _limit_case(root: Path, samples: list[dict], case: str) -> list[dict]:
    s = copy.deepcopy(samples)
    user = s[1]["steps"][0]["messages"][1]["content"]
    if case == "too_many":
        user.extend({"type": "image", "path": "renders/r001-p0001-s0-top.png"}
                    for _ in range(OPENAI_MAX_IMAGES_PER_EXAMPLE + 1))
    elif case == "gray":
        _png(root / "renders" / "gray.png", 4, mode="L")
        user.append({"type": "image", "path": "renders/gray.png"})
    elif case == "gif":
        Image.new("RGB", (8, 8), (200, 10, 10)).save(root / "renders" / "flat.gif", format="GIF")
        user.append({"type": "image", "path": "renders/flat.gif"})
    elif case == "huge":
        # a valid PNG followed by padding: Pillow still reads it, the file is over the size limit
        data = _png(root / "renders" / "huge.png", 5) + b"\0" * OPENAI_MAX_IMAGE_BYTES
        (root / "renders" / "huge.png").write_bytes(data)
        user.append({"type": "image", "path": "renders/huge.png"})
    elif case == "escape":
        user.append({"type": "image", "path": "../outside.png"})
    elif case == "system_image":
        s[1]["steps"][0]["messages"][0] = {"role": "system", "content": [
            {"type": "image", "path": "renders/r001-p0001-s0-top.png"}]}
    return s


@pytest.mark.parametrize("case,fragment", [
    ("too_many", f"over OpenAI's limit of {OPENAI_MAX_IMAGES_PER_EXAMPLE} per example"),
    ("gray", "image mode L is not accepted"),
    ("gif", "image format GIF is not accepted"),
    ("huge", f"over the limit of {OPENAI_MAX_IMAGE_BYTES}"),
    ("escape", "must be relative to the store folder"),
    ("system_image", "images are allowed in user messages only"),
])
def test_openai_limits_are_enforced(store, tmp_path, case, fragment):
    root, samples = store
    bad = _limit_case(root, samples, case)
    out = tmp_path / "o.jsonl"
    with pytest.raises(ExportError) as exc:
        export_openai(bad, root, out)
    _assert_one_line(exc, fragment)
    assert not out.exists()


@pytest.mark.parametrize("mutate,fragment", [
    (lambda s: s[0]["steps"][0].update(program="  "), "sample r001-p0001 step 0: 'program' must be a non-empty string"),
    (lambda s: s[0]["steps"][0]["messages"].append({"role": "tool", "content": "x"}), "role must be one of"),
    (lambda s: s[0].pop("id"), "sample #0: 'id' must be a non-empty string"),
    (lambda s: s[1]["steps"][0]["messages"][1]["content"].append({"type": "video"}),
     "part type must be 'text' or 'image'"),
])
def test_malformed_samples_are_named(store, tmp_path, mutate, fragment):
    root, samples = store
    mutate(samples)
    with pytest.raises(ExportError) as exc:
        export_openai(samples, root, tmp_path / "o.jsonl")
    _assert_one_line(exc, fragment)


# ------------------------------------------------------------------------------------------- Hugging Face


def _hf_name(root: Path, name: str) -> str:
    digest = hashlib.sha256((root / "renders" / name).read_bytes()).hexdigest()[:12]
    return f"images/{Path(name).stem}-{digest}.png"


def test_hf_export_round_trips_and_reads_back(store, tmp_path):
    root, samples = store
    out = tmp_path / "hf"
    assert export_hf(samples, root, out) == 3
    top, persp = _hf_name(root, "r001-p0001-s0-top.png"), _hf_name(root, "r001-p0001-s0-persp.png")
    system = {"role": "system", "content": [{"type": "text", "text": SYSTEM}]}
    expected = [
        {"id": "r001-p0001/0", "images": [top, persp], "messages": [
            system,
            {"role": "user", "content": [{"type": "text", "text": "Prompt: a bohemian art studio\nStep 1."},
                                         {"type": "image"}, {"type": "text", "text": "Perspective view:"},
                                         {"type": "image"}]},
            {"role": "assistant", "content": [{"type": "text", "text": PROGRAM_A}]}]},
        {"id": "r001-p0001/2", "images": [top], "messages": [
            system,
            {"role": "user", "content": [{"type": "text", "text": "Step 2 again."}, {"type": "image"}]},
            {"role": "assistant", "content": [{"type": "text", "text": PROGRAM_B}]}]},
        {"id": "r001-p0002/0", "images": [], "messages": [
            system,
            {"role": "user", "content": [{"type": "text", "text": "Prompt: a small bedroom"}]},
            {"role": "assistant", "content": [{"type": "text", "text": PROGRAM_C}]}]},
    ]
    assert _lines(out / "train.jsonl") == expected
    # every line has the same top-level columns (one schema for column readers such as datasets)
    assert {tuple(sorted(line)) for line in _lines(out / "train.jsonl")} == {("id", "images", "messages")}
    # images copied byte for byte, each once (the top view serves two steps)
    assert sorted(os.listdir(out)) == ["images", "train.jsonl"]
    assert sorted(f"images/{n}" for n in os.listdir(out / "images")) == sorted([top, persp])
    assert (out / top).read_bytes() == (root / "renders" / "r001-p0001-s0-top.png").read_bytes()
    assert (out / persp).read_bytes() == (root / "renders" / "r001-p0001-s0-persp.png").read_bytes()
    records = read_hf(out)
    assert [r["messages"] for r in records] == [e["messages"] for e in expected]
    assert [r["id"] for r in records] == [e["id"] for e in expected]
    assert records[0]["images"] == [str((out / top).resolve()), str((out / persp).resolve())]
    assert records[2]["images"] == []
    # deterministic, and a second export replaces the folder as a whole
    raw = (out / "train.jsonl").read_bytes()
    (out / "stale.txt").write_text("old", encoding="utf-8")
    assert export_hf(copy.deepcopy(samples), root, out) == 3
    assert (out / "train.jsonl").read_bytes() == raw
    assert sorted(os.listdir(out)) == ["images", "train.jsonl"]
    assert sorted(os.listdir(tmp_path)) == ["hf", "store"]


def test_hf_text_only_line_is_sorted_compact_json(store, tmp_path):
    root, samples = store
    out = tmp_path / "hf"
    export_hf([samples[1]], root, out)
    line = (out / "train.jsonl").read_text(encoding="utf-8")
    assert line == json.dumps(
        {"id": "r001-p0002/0", "images": [], "messages": [
            {"content": [{"text": SYSTEM, "type": "text"}], "role": "system"},
            {"content": [{"text": "Prompt: a small bedroom", "type": "text"}], "role": "user"},
            {"content": [{"text": PROGRAM_C, "type": "text"}], "role": "assistant"}]},
        sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"
    assert os.listdir(out / "images") == []


def _write_hf(out: Path, lines: list) -> None:
    out.mkdir(exist_ok=True)
    (out / "images").mkdir(exist_ok=True)
    (out / "train.jsonl").write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines),
                                     encoding="utf-8")


GOOD = {"id": "a/0", "images": [], "messages": [
    {"role": "user", "content": [{"type": "text", "text": "p"}]},
    {"role": "assistant", "content": [{"type": "text", "text": "room('x')"}]}]}


@pytest.mark.parametrize("bad,fragment", [
    ("{not json", "train.jsonl:2: not valid JSON"),
    (dict(GOOD, images=["images/none.png"]), "train.jsonl:2: 0 image parts but 1 entries in 'images'"),
    (dict(GOOD, images=["images/none.png"], messages=[
        {"role": "user", "content": [{"type": "image"}]}, GOOD["messages"][1]]),
     "train.jsonl:2: image images/none.png not found"),
    (dict(GOOD, images=["../x.png"], messages=[
        {"role": "user", "content": [{"type": "image"}]}, GOOD["messages"][1]]), "must be relative to"),
    (dict(GOOD, messages=GOOD["messages"][::-1]), "train.jsonl:2: the last message must be the assistant's program"),
    (dict(GOOD, messages=[GOOD["messages"][0], {"role": "assistant", "content": [{"type": "image"}]}]),
     "images are allowed in user messages only"),
    (dict(GOOD, extra=1), "train.jsonl:2: expected an object with keys id, images, messages"),
])
def test_read_hf_rejects_bad_lines_by_line_number(tmp_path, bad, fragment):
    out = tmp_path / "ds"
    _write_hf(out, [GOOD, bad])
    with pytest.raises(ExportError) as exc:
        read_hf(out)
    _assert_one_line(exc, fragment)


def test_read_hf_needs_the_dataset_file(tmp_path):
    with pytest.raises(ExportError) as exc:
        read_hf(tmp_path)
    _assert_one_line(exc, "is not an exported dataset: it has no train.jsonl")


def test_rgba_image_is_exported_as_is(store, tmp_path):
    root, samples = store
    out = tmp_path / "o.jsonl"
    export_openai([samples[0]], root, out)
    url = _lines(out)[0]["messages"][1]["content"][3]["image_url"]["url"]
    with Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))) as im:
        assert (im.format, im.mode) == ("PNG", "RGBA")
