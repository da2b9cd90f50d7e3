"""The optional CLIP score (worldsmith.metrics.clip) on tiny CLIP checkpoints the tests build.

No downloads: a randomly initialised CLIPModel (2-layer text and vision towers, hidden size 32,
32x32 images in 8x8 patches) is saved with a byte-level BPE tokenizer written here (every byte
as a token, with and without the end-of-word suffix, plus three merges that make "room" one
token) and a CLIP image processor at 32 px. A second checkpoint has the text projection negated,
so every cosine flips sign exactly: one of the two scores of each image must be clamped to 0.

The expected numbers are computed directly with the model's get_image_features /
get_text_features from pixel values and token ids built by hand (for 32x32 images the processor's
resize and crop are identities, leaving scale and normalize).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from worldsmith.metrics.clip import (  # noqa: E402
    ClipInputError,
    ClipScorer,
    ClipUnavailableError,
    clear_clip_cache,
    clip_score,
    load_clip,
)
from worldsmith.scene.errors import WorldsmithError  # noqa: E402

CLIP_MEAN = np.array([0.48145466, 0.4578275, 0.40821073])
CLIP_STD = np.array([0.26862954, 0.26130258, 0.27577711])
MERGES = [("r", "o"), ("o", "m</w>"), ("ro", "om</w>")]
TEXT = "a red room"
#: cosines of the reloaded checkpoint vs the in-memory model (same float32 weights): measured
#: differences are <= 2e-7 (pixel normalisation rounding); the brief's bound is 1e-5
COS_TOL = 1e-5


def byte_chars() -> list[str]:
    """The 256 printable stand-ins byte-level BPE uses for the bytes 0..255 (GPT-2's table)."""
    printable = (list(range(ord("!"), ord("~") + 1)) + list(range(ord("\xa1"), ord("\xac") + 1))
                 + list(range(ord("\xae"), ord("\xff") + 1)))
    table = {b: b for b in printable}
    extra = 0
    for b in range(256):
        if b not in table:
            table[b] = 256 + extra
            extra += 1
    return [chr(table[b]) for b in range(256)]


def tiny_vocab() -> dict[str, int]:
    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1}
    for c in byte_chars():
        vocab[c] = len(vocab)
    for c in byte_chars():
        vocab[c + "</w>"] = len(vocab)
    for a, b in MERGES:
        vocab[a + b] = len(vocab)
    return vocab


def hand_ids(vocab: dict[str, int], tokens: list[str]) -> list[int]:
    return [0] + [vocab[t] for t in tokens] + [1]


def hand_pixels(images: list[np.ndarray]) -> "torch.Tensor":
    """CLIP preprocessing of 32x32 RGB images: rescale to [0, 1], normalize, HWC -> CHW."""
    arr = np.stack([((im.astype(np.float64) / 255.0 - CLIP_MEAN) / CLIP_STD).transpose(2, 0, 1) for im in images])
    return torch.from_numpy(arr.astype(np.float32))


def cosines(model, pixel_values, input_ids: list[int]) -> np.ndarray:
    with torch.no_grad():
        img = model.get_image_features(pixel_values=pixel_values)
        txt = model.get_text_features(input_ids=torch.tensor([input_ids]))
        img = getattr(img, "pooler_output", img)
        txt = getattr(txt, "pooler_output", txt)
        return torch.nn.functional.cosine_similarity(img, txt, dim=-1).numpy().astype(np.float64)


def random_images(n: int, seed: int, shape=(32, 32, 3)) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 256, shape, dtype=np.uint8) for _ in range(n)]


def tiny_clip(folder: Path):
    """Save a tiny randomly initialised CLIP (seeded) with its tokenizer and image processor to
    ``folder`` in the hub layout; returns ``(model, tokenizer, image_processor, config, vocab)``."""
    from transformers import CLIPConfig, CLIPImageProcessorPil, CLIPModel, CLIPTokenizer

    vocab = tiny_vocab()
    tokenizer = CLIPTokenizer(vocab=vocab, merges=MERGES)
    image_processor = CLIPImageProcessorPil(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32})
    config = CLIPConfig(
        text_config=dict(vocab_size=len(vocab), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=2, max_position_embeddings=77, bos_token_id=0, eos_token_id=1,
                         pad_token_id=1),
        vision_config=dict(image_size=32, patch_size=8, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                           num_attention_heads=2),
        projection_dim=16)
    torch.manual_seed(0)
    model = CLIPModel(config).eval()
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    image_processor.save_pretrained(folder)
    return model, tokenizer, image_processor, config, vocab


@pytest.fixture(scope="module")
def ckpt(tmp_path_factory):
    from transformers import CLIPModel, CLIPProcessor

    root = tmp_path_factory.mktemp("clip")
    plain = root / "clip"  # hub layout: tokenizer and preprocessor_config.json side by side
    model, tokenizer, image_processor, config, vocab = tiny_clip(plain)

    flipped_model = CLIPModel(config).eval()
    flipped_model.load_state_dict(model.state_dict())
    with torch.no_grad():
        flipped_model.text_projection.weight.neg_()
    flipped = root / "clip_flipped"  # processor layout: processor_config.json with the image processor inside
    flipped_model.save_pretrained(flipped)
    CLIPProcessor(image_processor=image_processor, tokenizer=tokenizer).save_pretrained(flipped)
    clear_clip_cache()
    yield SimpleNamespace(root=root, plain=plain, flipped=flipped, model=model, vocab=vocab,
                          image_processor=image_processor)
    clear_clip_cache()


# ---------------------------------------------------------------------------------------------
# off by default


def test_off_without_a_checkpoint_says_so():
    images = random_images(2, 0)
    assert clip_score(images, TEXT) == {"enabled": False, "reason": "no --clip-model given"}
    assert clip_score(images, TEXT, model_dir=None) == {"enabled": False, "reason": "no --clip-model given"}


def test_off_path_and_import_stay_light():
    code = textwrap.dedent("""
        import json, sys
        import numpy as np
        from worldsmith.metrics.clip import clip_score
        out = clip_score([np.zeros((8, 8, 3), np.uint8)], "a room")
        print(json.dumps({"out": out, "heavy": [m for m in ("torch", "transformers") if m in sys.modules]}))
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got == {"out": {"enabled": False, "reason": "no --clip-model given"}, "heavy": []}


# ---------------------------------------------------------------------------------------------
# the score itself


def test_load_clip_gives_a_scorer_for_both_layouts(ckpt):
    for folder in (ckpt.plain, ckpt.flipped):
        scorer = load_clip(folder)
        assert isinstance(scorer, ClipScorer)
        assert scorer.model_dir == folder.resolve()
        assert scorer.max_text_tokens == 77
        assert not scorer.model.training
    assert os.environ.get("HF_HUB_OFFLINE") and os.environ.get("TRANSFORMERS_OFFLINE")


def test_score_equals_direct_computation_and_clamps_negative_cosines(ckpt):
    images = random_images(5, 1) + [np.zeros((32, 32, 3), np.uint8), np.full((32, 32, 3), 255, np.uint8)]
    ids = hand_ids(ckpt.vocab, ["a</w>", "r", "e", "d</w>", "room</w>"])
    assert load_clip(ckpt.plain).processor.tokenizer(TEXT)["input_ids"] == ids
    cos = cosines(ckpt.model, hand_pixels(images), ids)
    assert np.all(np.abs(cos) > 1e-3)  # every image is on one side: exactly one checkpoint clamps it

    plain = clip_score(images, TEXT, model_dir=ckpt.plain)
    flipped = clip_score(images, TEXT, model_dir=ckpt.flipped)
    assert plain["enabled"] is True and flipped["enabled"] is True
    assert plain["model"] == str(ckpt.plain.resolve()) and flipped["model"] == str(ckpt.flipped.resolve())
    assert len(plain["per_image"]) == len(images) == len(flipped["per_image"])
    for c, a, b in zip(cos, plain["per_image"], flipped["per_image"]):
        assert isinstance(a, float) and isinstance(b, float)
        assert a == pytest.approx(100.0 * max(c, 0.0), abs=100.0 * COS_TOL)
        assert b == pytest.approx(100.0 * max(-c, 0.0), abs=100.0 * COS_TOL)
        assert min(a, b) == 0.0  # the clamp is exact, not approximate
        assert 0.0 <= a <= 100.0 and 0.0 <= b <= 100.0
    for out in (plain, flipped):
        assert out["score"] == pytest.approx(float(np.mean(out["per_image"])), abs=1e-12)
        assert set(out) == {"enabled", "model", "score", "per_image"}
    assert load_clip(ckpt.plain).score(images, TEXT) == plain["score"]
    json.dumps(plain)  # JSON-ready


def test_text_longer_than_the_model_is_truncated(ckpt):
    images = random_images(3, 2)
    filler = " ".join(["w"] * 100)
    long_a = f"{TEXT} {filler} kitchen"
    long_b = f"{TEXT} {filler} garden with a sofa"
    plain, flipped = load_clip(ckpt.plain), load_clip(ckpt.flipped)
    assert len(plain.processor.tokenizer(long_a)["input_ids"]) > 77

    def both(text: str) -> list[tuple[float, float]]:  # (plain, flipped): one of each pair is 100 |cos|
        return list(zip(plain.per_image(images, text), flipped.per_image(images, text)))

    a, b = both(long_a), both(long_b)
    assert a == b  # the tails differ only after token 77
    ids = hand_ids(ckpt.vocab, ["a</w>", "r", "e", "d</w>", "room</w>"] + ["w</w>"] * 70)
    assert len(ids) == 77
    cos = cosines(ckpt.model, hand_pixels(images), ids)
    assert np.all(np.abs(cos) > 1e-3)
    for c, (p, f) in zip(cos, a):
        assert p == pytest.approx(100.0 * max(c, 0.0), abs=100.0 * COS_TOL)
        assert f == pytest.approx(100.0 * max(-c, 0.0), abs=100.0 * COS_TOL)
    # and the text does matter when it fits: the same tails inside the limit change the scores
    assert both(f"{TEXT} kitchen") != both(f"{TEXT} garden with a sofa")


def test_images_of_different_sizes_in_one_batch(ckpt):
    rng = np.random.default_rng(3)
    images = [rng.integers(0, 256, shape, dtype=np.uint8)
              for shape in [(40, 50, 3), (64, 64, 3), (17, 90, 3), (120, 33, 3), (32, 32, 3)]]
    rgba = np.concatenate([images[1], np.full((64, 64, 1), 7, np.uint8)], axis=2)
    images.append(rgba)
    out = clip_score(images, TEXT, model_dir=ckpt.flipped)

    ids = hand_ids(ckpt.vocab, ["a</w>", "r", "e", "d</w>", "room</w>"])
    from PIL import Image

    for i, im in enumerate(images):
        pixels = ckpt.image_processor(images=[Image.fromarray(im[:, :, :3])], return_tensors="pt")["pixel_values"]
        assert tuple(pixels.shape) == (1, 3, 32, 32)
        (c,) = cosines(ckpt.model, pixels, ids)
        assert out["per_image"][i] == pytest.approx(100.0 * max(-c, 0.0), abs=100.0 * COS_TOL)
        # an image scores exactly the same alone as among others (images are embedded one by one)
        assert load_clip(ckpt.flipped).per_image([im], TEXT)[0] == out["per_image"][i]
    assert out["per_image"][5] == out["per_image"][1]  # alpha is dropped



def test_deterministic_across_loads_and_cached_per_path(ckpt, tmp_path):
    images = random_images(4, 5) + [np.full((48, 40, 3), 90, np.uint8)]
    first = load_clip(ckpt.flipped)
    assert load_clip(str(ckpt.flipped)) is first
    assert load_clip(ckpt.flipped / ".." / ckpt.flipped.name) is first
    link = tmp_path / "link"
    link.symlink_to(ckpt.flipped, target_is_directory=True)
    assert load_clip(link) is first
    r1 = clip_score(images, TEXT, model_dir=ckpt.flipped)

    clear_clip_cache()
    second = load_clip(ckpt.flipped)
    assert second is not first
    r2 = clip_score(images, TEXT, model_dir=link)
    assert json.dumps(r1) == json.dumps(r2)
    assert r1["score"] > 0.0


# ---------------------------------------------------------------------------------------------
# errors


def _copy(ckpt, dest: Path, *names: str) -> Path:
    dest.mkdir()
    for name in names:
        shutil.copy(ckpt.plain / name, dest / name)
    return dest


BAD_FOLDERS = {
    "missing": ("CLIP checkpoint folder not found",),
    "a_file": ("must be a folder",),
    "empty": ("no config.json",),
    "bad_json": ("config.json is unreadable",),
    "not_clip": ("model_type 'bert'", "expected 'clip'"),
    "no_weights": ("missing weights",),
    "no_tokenizer": ("missing tokenizer",),
    "no_image_processor": ("missing image processor",),
    "only_model": ("missing tokenizer", "image processor"),
    "corrupt_weights": ("could not load the CLIP model",),
    "corrupt_tokenizer": ("could not load the CLIP tokenizer",),
}


def _make_bad(kind: str, ckpt, tmp_path: Path) -> Path:
    all_files = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                 "preprocessor_config.json")
    target = tmp_path / kind
    if kind == "missing":
        return target
    if kind == "a_file":
        target.write_text("not a folder")
        return target
    if kind == "empty":
        target.mkdir()
    elif kind == "bad_json":
        _copy(ckpt, target, *all_files[1:])
        (target / "config.json").write_text("{not json")
    elif kind == "not_clip":
        _copy(ckpt, target, *all_files)
        cfg = json.loads((target / "config.json").read_text())
        cfg["model_type"] = "bert"
        (target / "config.json").write_text(json.dumps(cfg))
    elif kind == "no_weights":
        _copy(ckpt, target, *[f for f in all_files if f != "model.safetensors"])
    elif kind == "no_tokenizer":
        _copy(ckpt, target, "config.json", "model.safetensors", "preprocessor_config.json")
    elif kind == "no_image_processor":
        _copy(ckpt, target, "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")
    elif kind == "only_model":
        _copy(ckpt, target, "config.json", "model.safetensors")
    elif kind == "corrupt_weights":
        _copy(ckpt, target, *all_files)
        (target / "model.safetensors").write_bytes(b"\x00garbage" * 64)
    elif kind == "corrupt_tokenizer":
        _copy(ckpt, target, *all_files)
        (target / "tokenizer.json").write_text("{this is not a tokenizer")
    return target


@pytest.mark.parametrize("kind", sorted(BAD_FOLDERS))
def test_bad_folders_raise_one_line_errors(kind, ckpt, tmp_path):
    folder = _make_bad(kind, ckpt, tmp_path)
    images = random_images(1, 6)
    for call in (lambda: load_clip(folder), lambda: clip_score(images, TEXT, model_dir=folder)):
        with pytest.raises(ClipUnavailableError) as info:
            call()
        message = str(info.value)
        assert isinstance(info.value, WorldsmithError)
        assert "\n" not in message and len(message) < 400
        assert str(folder.resolve()) in message
        for part in BAD_FOLDERS[kind]:
            assert part in message
    if kind == "no_tokenizer":
        assert "image processor" not in message
    if kind == "no_image_processor":
        assert "tokenizer" not in message


def test_bad_inputs_raise(ckpt):
    scorer = load_clip(ckpt.plain)
    good = np.zeros((32, 32, 3), np.uint8)
    cases = [
        ([], TEXT, "at least one render"),
        ([good.astype(np.float32)], TEXT, "uint8"),
        ([good[:, :, 0]], TEXT, "(H, W, 3)"),
        ([good, np.zeros((32, 32, 2), np.uint8)], TEXT, "images[1]"),
        (good, TEXT, "sequence"),
        ([good], None, "text must be a string"),
    ]
    for images, text, part in cases:
        with pytest.raises(ClipInputError) as info:
            scorer.score(images, text)
        assert part in str(info.value) and "\n" not in str(info.value)
        assert isinstance(info.value, WorldsmithError)
