"""LoRA fine-tuning (worldsmith.improve.lora) on a tiny randomly initialised Qwen2-VL, on the CPU.

The checkpoint comes from tests/improve/tiny_vlm.py (real transformers model classes, a tokenizer
trained here, the PIL Qwen2-VL image processor, all saved with save_pretrained). The dataset is a
real export_hf folder of two steps: one with a rendered-size PNG observation, one text-only, so every
batch of two mixes an image example with a text example.

Learning rate and modules for the loss test: a random 64-wide model with LoRA on attention only
plateaus near the unigram loss within a few steps (measured: 6.24 -> 5.98 after 6 steps, then
flat), so the loss test adds the MLP projections and uses lr 5e-3, where the loss falls on every
step (measured 6.24 -> 5.36 in 20 steps). The other tests use the default target modules.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("peft")

from tests.improve.tiny_vlm import build_tiny_vlm  # noqa: E402
from worldsmith.improve.export import export_hf, read_hf  # noqa: E402
from worldsmith.improve.lora import (  # noqa: E402
    IGNORE_INDEX,
    LoraConfig,
    LoraError,
    collate,
    encode_example,
    fit,
    load_base,
    train_lora,
)
from worldsmith.scene.errors import WorldsmithError  # noqa: E402

SYSTEM = "You write Worldsmith DSL programs."
PROGRAM_A = "room('studio', width=5.2, depth=4.4, height=2.8)\neasel = add('easel', style='vintage')\nplace(easel, against='wall_1')"
PROGRAM_B = "room('living room', width=5.2, depth=4.4, height=2.8)\nsofa = add('sofa', color='charcoal')"
ATTN = ("q_proj", "k_proj", "v_proj", "o_proj")
ATTN_MLP = ATTN + ("gate_proj", "up_proj", "down_proj")


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """The tiny model's matrices are too small to share between threads; on a busy 2-core machine
    OpenMP's waiting threads made steps up to 50x slower. Restored after the module."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def ckpt(tmp_path_factory):
    return build_tiny_vlm(tmp_path_factory.mktemp("tiny") / "qwen2vl")


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    root = tmp_path_factory.mktemp("store")
    (root / "renders").mkdir()
    rng = np.random.default_rng(3)
    Image.fromarray(rng.integers(0, 256, (48, 64, 3), dtype=np.uint8)).save(root / "renders" / "top.png")
    samples = [{"id": "s1", "steps": [
        {"messages": [{"role": "system", "content": SYSTEM},
                      {"role": "user", "content": [{"type": "text", "text": "a bohemian art studio with a vintage easel"},
                                                   {"type": "image", "path": "renders/top.png"}]}],
         "program": PROGRAM_A, "error": None},
        {"messages": [{"role": "system", "content": SYSTEM},
                      {"role": "user", "content": "a cozy living room with a sofa"}],
         "program": PROGRAM_B, "error": None}]}]
    out = root.parent / (root.name + "-hf")
    assert export_hf(samples, root, out) == 2
    return out


def _one_line(exc) -> str:
    msg = str(exc.value)
    assert isinstance(exc.value, WorldsmithError) and msg and "\n" not in msg
    return msg


def _digest(folder: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_encoding_puts_the_loss_on_the_program_only(ckpt, dataset):
    base = load_base(ckpt)
    tok = base.tokenizer
    with_image, text_only = read_hf(dataset)
    for record, program in ((with_image, PROGRAM_A), (text_only, PROGRAM_B)):
        enc = encode_example(base, record)
        assert len(enc.input_ids) == len(enc.labels)
        n_prompt = next(i for i, label in enumerate(enc.labels) if label != IGNORE_INDEX)
        # everything before the program is masked, the program and its <|im_end|> are learned,
        # the template's trailing newline is masked again
        trained = [t for t, label in zip(enc.input_ids, enc.labels) if label != IGNORE_INDEX]
        assert tok.decode(trained) == program + "<|im_end|>"
        assert enc.labels[n_prompt:n_prompt + len(trained)] == enc.input_ids[n_prompt:n_prompt + len(trained)]
        assert all(label == IGNORE_INDEX for label in enc.labels[n_prompt + len(trained):])
        assert tok.decode(enc.input_ids[n_prompt + len(trained):]) == "\n"
        assert tok.decode(enc.input_ids[:n_prompt]).endswith("<|im_start|>assistant\n")
    # 48x64 image: each side rounded to a multiple of 28 px -> 56x56, within min = max = 56*56 pixels,
    # so a 4x4 grid of 14 px patches, merged 2x2 into 4 image tokens
    enc = encode_example(base, with_image)
    assert enc.image_grid_thw == [(1, 4, 4)]
    pad = base.image_token_id
    start = enc.input_ids.index(pad)
    assert enc.input_ids.count(pad) == 1 * 4 * 4 // 4 == 4
    assert enc.input_ids[start:start + 4] == [pad] * 4
    assert tok.convert_ids_to_tokens([enc.input_ids[start - 1], enc.input_ids[start + 4]]) == [
        "<|vision_start|>", "<|vision_end|>"]
    assert encode_example(base, text_only).image_grid_thw == []


def test_loss_decreases_on_a_fixed_batch(ckpt, dataset):
    seen = []
    config = LoraConfig(steps=20, batch_size=2, lr=5e-3, target_modules=ATTN_MLP, seed=0)
    model, result = fit(load_base(ckpt), read_hf(dataset), config, progress=lambda s, x: seen.append((s, x)))
    losses = result["losses"]
    assert len(losses) == result["steps"] == 20
    assert seen == list(zip(range(1, 21), losses))
    assert all(np.isfinite(losses))
    # every step sees the same two examples (batch_size = dataset size): measured 6.24 -> 5.36
    assert np.mean(losses[-5:]) < np.mean(losses[:5]) - 0.5
    assert losses[-1] < min(losses[:10])
    assert result["examples"] == 2 and result["skipped"] == 0 and result["device"] == "cpu"


def test_only_lora_weights_change(ckpt, dataset):
    before_files = _digest(ckpt)
    base = load_base(ckpt)
    frozen = {name: (p, p.detach().clone()) for name, p in base.model.named_parameters()}
    # LoRA parameter count from the model's own Linear shapes: r * (in + out) per targeted layer
    r = 8
    expected = sum(r * (m.in_features + m.out_features) for name, m in base.model.named_modules()
                   if isinstance(m, torch.nn.Linear) and name.rsplit(".", 1)[-1] in ATTN and "visual" not in name)
    model, result = fit(base, read_hf(dataset), LoraConfig(steps=4, batch_size=2, lr=1e-2, rank=r))
    for name, (param, copy) in frozen.items():
        assert not param.requires_grad, name
        assert torch.equal(param.detach(), copy), f"base weight {name} changed"
    trainable = {n: p for n, p in model.named_parameters() if p.requires_grad}
    assert trainable and all(".lora_A." in n or ".lora_B." in n for n in trainable)
    assert not any("visual" in n for n in trainable)
    assert len(trainable) == 2 * 2 * len(ATTN)  # 2 layers x 4 modules x (A, B)
    assert result["trainable_params"] == sum(p.numel() for p in trainable.values()) == expected
    assert result["total_params"] == sum(p.numel() for p, _ in frozen.values()) + expected
    # lora_B starts at zero (peft's init): every one of them moved
    assert all(p.detach().abs().sum() > 0 for n, p in trainable.items() if ".lora_B." in n)
    assert _digest(ckpt) == before_files


def test_saved_adapter_reloads_with_peft_to_the_same_logits(ckpt, dataset, tmp_path):
    from peft import PeftModel
    from transformers import AutoModelForImageTextToText, AutoTokenizer

    config = LoraConfig(steps=6, batch_size=1, lr=1e-2, seed=5)
    before = _digest(ckpt)
    out = tmp_path / "adapter"
    result = train_lora(dataset, ckpt, out, config)
    assert _digest(ckpt) == before
    assert sorted(p.name for p in out.iterdir()) == sorted([
        "README.md", "adapter_config.json", "adapter_model.safetensors", "chat_template.jinja",
        "preprocessor_config.json", "tokenizer.json", "tokenizer_config.json", "training.json"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adapter"]  # no temporary folder left
    assert result["seconds"] > 0 and result["device"] == "cpu" and len(result["losses"]) == 6

    # the same training in memory (deterministic on the CPU: bit-identical losses)
    base = load_base(ckpt)
    records = read_hf(dataset)
    trained, again = fit(base, records, config)
    assert again["losses"] == result["losses"]
    inputs = collate(base, [encode_example(base, r) for r in records])
    with torch.no_grad():
        want = trained(**inputs).logits

    reloaded_base = AutoModelForImageTextToText.from_pretrained(ckpt, local_files_only=True)
    with torch.no_grad():
        base_logits = reloaded_base(**inputs).logits
    reloaded = PeftModel.from_pretrained(reloaded_base, out).eval()
    with torch.no_grad():
        got = reloaded(**inputs).logits
    assert torch.equal(got, want)
    assert not torch.allclose(base_logits, want)  # the adapter does change the model
    tok = AutoTokenizer.from_pretrained(out, local_files_only=True)
    assert tok.chat_template == base.tokenizer.chat_template
    summary = json.loads((out / "training.json").read_text(encoding="utf-8"))
    assert summary["losses"] == result["losses"] and summary["config"]["seed"] == 5
    assert summary["base_model"] == str(ckpt.resolve())


def test_bad_base_checkpoints_fail_in_one_line_before_training(ckpt, dataset, tmp_path):
    out = tmp_path / "adapter"
    with pytest.raises(LoraError) as exc:
        train_lora(dataset, tmp_path / "nowhere", out)
    assert "base model folder not found" in _one_line(exc)

    (tmp_path / "empty").mkdir()
    with pytest.raises(LoraError) as exc:
        train_lora(dataset, tmp_path / "empty", out)
    assert "it has no config.json" in _one_line(exc)

    partial = tmp_path / "partial"
    shutil.copytree(ckpt, partial)
    (partial / "model.safetensors").unlink()
    (partial / "preprocessor_config.json").unlink()
    with pytest.raises(LoraError) as exc:
        train_lora(dataset, partial, out)
    msg = _one_line(exc)
    assert msg.startswith(f"incomplete checkpoint {partial}: missing weights")
    assert "an image processor (preprocessor_config.json)" in msg

    other = tmp_path / "other"
    shutil.copytree(ckpt, other)
    (other / "config.json").write_text('{"model_type": "llava"}', encoding="utf-8")
    with pytest.raises(LoraError) as exc:
        train_lora(dataset, other, out)
    assert "model_type 'llava' is not supported (supported: qwen2_vl, qwen2_5_vl)" in _one_line(exc)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "other", "partial"]


def test_missing_peft_and_bad_config_fail_in_one_line(ckpt, dataset, tmp_path, monkeypatch):
    with pytest.raises(LoraError) as exc:
        LoraConfig(rank=0)
    assert _one_line(exc) == "LoraConfig.rank: expected an integer >= 1, got 0"
    with pytest.raises(LoraError) as exc:
        LoraConfig(target_modules=["q_proj"])
    assert "LoraConfig.target_modules" in _one_line(exc)
    monkeypatch.setitem(sys.modules, "peft", None)  # what Python sees when peft is not installed
    with pytest.raises(LoraError) as exc:
        train_lora(dataset, ckpt, tmp_path / "adapter")
    assert "peft is not installed" in _one_line(exc)
    assert not (tmp_path / "adapter").exists()


def test_too_long_examples_are_skipped_and_all_too_long_fails(ckpt, dataset):
    base = load_base(ckpt)
    records = read_hf(dataset)
    lengths = [len(encode_example(base, r).input_ids) for r in records]
    limit = min(lengths)
    assert max(lengths) > limit
    _, result = fit(base, records, LoraConfig(steps=1, max_length=limit))
    assert (result["examples"], result["skipped"]) == (1, 1)
    with pytest.raises(LoraError) as exc:
        fit(load_base(ckpt), records, LoraConfig(steps=1, max_length=limit - 1))
    assert _one_line(exc) == (f"every example is longer than max_length={limit - 1} tokens (the shortest has "
                              f"{limit}); raise LoraConfig.max_length")


def test_qwen2_5_vl_trains_too(tmp_path, dataset):
    ckpt25 = build_tiny_vlm(tmp_path / "qwen25", family="qwen2_5_vl")
    model, result = fit(load_base(ckpt25), read_hf(dataset),
                        LoraConfig(steps=6, batch_size=2, lr=5e-3, target_modules=ATTN_MLP))
    assert type(model.get_base_model()).__name__ == "Qwen2_5_VLForConditionalGeneration"
    names = [n for n, p in model.named_parameters() if p.requires_grad]
    # the vision tower's MLP is also named gate/up/down_proj in Qwen2.5-VL: it must stay untouched
    assert len(names) == 2 * 2 * len(ATTN_MLP) and not any("visual" in n for n in names)
    assert result["losses"][-1] < result["losses"][0] - 0.2
