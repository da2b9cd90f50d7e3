"""Token estimates: the documented formulas on known sizes, and whole requests with real PNGs."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest

from worldsmith.policy.vlm.messages import data_url, image_part, png_of, system_message, text_part, user_message
from worldsmith.policy.vlm.tokens import (
    QWEN_MAX_PIXELS,
    QWEN_MIN_PIXELS,
    anthropic_resized,
    data_url_size,
    estimate_image_tokens,
    estimate_messages_tokens,
    estimate_text_tokens,
    openai_resized,
    qwen2vl_resized,
)


def test_text_tokens_are_a_quarter_of_the_characters_rounded_up():
    assert [estimate_text_tokens("x" * n) for n in (0, 1, 3, 4, 5, 8, 9, 4000)] == [0, 1, 1, 1, 2, 2, 3, 1000]


@pytest.mark.parametrize("size, resized, tokens", [
    ((640, 480), (640, 480), 425),      # 2 x 1 tiles
    ((512, 512), (512, 512), 255),      # one tile, not enlarged
    ((513, 512), (513, 512), 425),
    ((513, 513), (513, 513), 765),
    ((100, 100), (100, 100), 255),
    ((1024, 1024), (768, 768), 765),    # the guide's example
    ((2048, 4096), (768, 1536), 1105),  # the guide's example: 1024 x 2048, then 768 x 1536
    ((4096, 8192), (768, 1536), 1105),
    ((1920, 1080), (1365, 768), 1105),  # 1365.33 rounds to 1365: 3 x 2 tiles
    ((768, 2000), (768, 2000), 1445),   # 2 x 4 tiles
    ((3000, 1000), (2048, 683), 1445),  # fit 2048: 2048 x 682.67 -> 683, short side already < 768: 4 x 2
])
def test_openai_high_detail(size, resized, tokens):
    assert openai_resized(*size) == resized
    assert estimate_image_tokens(*size, detail="high") == tokens
    assert estimate_image_tokens(*size, detail="auto") == tokens  # auto is estimated as high
    assert estimate_image_tokens(*size) == tokens  # the defaults: auto, openai
    assert estimate_image_tokens(*size, detail="low") == 85


@pytest.mark.parametrize("size, kwargs, resized, tokens", [
    ((640, 480), {}, (644, 476), 23 * 17),
    ((512, 512), {}, (504, 504), 18 * 18),
    ((28, 28), {}, (56, 56), 4),              # below min_pixels (4 * 28 * 28): scaled up to 4 tokens
    ((1, 1), {}, (56, 56), 4),
    ((1024, 1024), {}, (1036, 1036), 37 * 37),
    ((1024, 1024), {"max_pixels": 1280 * 28 * 28}, (980, 980), 35 * 35),  # a server's smaller budget
    ((4000, 3000), {}, (4004, 2996), 143 * 107),
    ((8000, 6000), {}, (4116, 3080), 147 * 110),  # above max_pixels: floored to fit 16384 tokens
])
def test_qwen2vl(size, kwargs, resized, tokens):
    assert qwen2vl_resized(*size, **kwargs) == resized
    assert estimate_image_tokens(*size, scheme="qwen2vl", **kwargs) == tokens
    assert estimate_image_tokens(*size, detail="low", scheme="qwen2vl", **kwargs) == tokens  # no detail knob
    assert tokens <= QWEN_MAX_PIXELS // 784 and (kwargs or tokens >= QWEN_MIN_PIXELS // 784)


def test_qwen2vl_matches_the_reference_processor():
    """Our smart_resize against transformers' own (the code Qwen2-VL servers run), on a grid."""
    ref = pytest.importorskip("transformers.models.qwen2_vl.image_processing_pil_qwen2_vl").smart_resize
    sides = [1, 13, 14, 15, 27, 28, 41, 42, 43, 100, 333, 480, 512, 640, 1000, 1080, 1920, 3001, 4096, 9999]
    checked = 0
    for w in sides:
        for h in sides:
            if max(w, h) / min(w, h) > 200:
                continue
            for lo, hi in ((QWEN_MIN_PIXELS, QWEN_MAX_PIXELS), (256 * 784, 1280 * 784)):
                h_bar, w_bar = ref(h, w, factor=28, min_pixels=lo, max_pixels=hi)
                assert qwen2vl_resized(w, h, min_pixels=lo, max_pixels=hi) == (w_bar, h_bar), (w, h, lo, hi)
                checked += 1
    assert checked > 600


def test_qwen2vl_refuses_extreme_aspect_ratios():
    assert estimate_image_tokens(2000, 10, scheme="qwen2vl") > 0  # 200:1 is allowed
    with pytest.raises(ValueError, match="aspect ratio above 200"):
        estimate_image_tokens(2010, 10, scheme="qwen2vl")


@pytest.mark.parametrize("size, resized, tokens", [
    ((200, 200), (200, 200), 54),        # the guide's table: ~54
    ((1000, 1000), (1000, 1000), 1334),  # ~1334
    ((1092, 1092), (1092, 1092), 1590),  # ~1590
    ((640, 480), (640, 480), 410),       # 409.6 rounded up
    ((4000, 1000), (1568, 392), 820),    # long side scaled to 1568
    ((1568, 3136), (784, 1568), 1640),
])
def test_anthropic(size, resized, tokens):
    assert anthropic_resized(*size) == resized
    assert estimate_image_tokens(*size, scheme="anthropic") == tokens
    assert estimate_image_tokens(*size, detail="low", scheme="anthropic") == tokens


@pytest.mark.parametrize("kwargs, match", [
    ({"width": 0, "height": 10}, "width must be a positive whole number"),
    ({"width": 10, "height": -3}, "height must be a positive whole number"),
    ({"width": 10.5, "height": 10}, "width must be"),
    ({"width": True, "height": 10}, "width must be"),
    ({"width": 10, "height": 10, "detail": "medium"}, "detail must be one of"),
    ({"width": 10, "height": 10, "scheme": "gemini"}, "scheme must be one of"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        estimate_image_tokens(**kwargs)


def noise(h: int, w: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, size=(h, w, 3), dtype=np.uint8)


def test_messages_with_real_pngs():
    system = system_message("You write Worldsmith programs." * 4)  # 120 characters
    user = user_message("Here is the room.",  # 17 characters -> 5
                        image_part(noise(480, 640), detail="high"),
                        image_part(np.zeros((512, 512, 3), np.uint8), detail="low"),
                        text_part("x" * 400))
    assistant = {"role": "assistant", "content": "```python\ndone()\n```"}  # 20 characters
    messages = [system, user, assistant]
    text = 30 + 5 + 100 + 5
    assert estimate_messages_tokens(messages) == {"text": text, "images": 425 + 85, "image_count": 2,
                                                  "total": text + 510}
    assert estimate_messages_tokens(messages, scheme="qwen2vl") == {
        "text": text, "images": 391 + 324, "image_count": 2, "total": text + 715}
    assert estimate_messages_tokens(messages, scheme="anthropic") == {
        "text": text, "images": 410 + 350, "image_count": 2, "total": text + 760}
    assert estimate_messages_tokens([]) == {"text": 0, "images": 0, "image_count": 0, "total": 0}


def test_image_size_comes_from_a_prefix_of_the_data_url():
    png = png_of(noise(300, 1000))
    assert len(png) > 100_000
    url = data_url(png)
    assert data_url_size(url) == (1000, 300)
    # the first 4 KiB of base64 are enough: the rest of the image is never decoded
    assert data_url_size(url[: len("data:image/png;base64,") + 4096]) == (1000, 300)
    tiny = data_url(png_of(np.zeros((3, 5, 3), np.uint8)))  # shorter than the prefix
    assert data_url_size(tiny) == (5, 3)


def test_jpeg_with_a_long_header_falls_back_to_the_whole_image():
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(noise(240, 320)).save(buf, format="JPEG", comment=b"c" * 20_000)  # the size comes after it
    url = "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode()
    assert data_url_size(url) == (320, 240)
    part = {"type": "image_url", "image_url": url}  # the plain-string form some clients send
    assert estimate_messages_tokens([{"role": "user", "content": [part]}]) == {
        "text": 0, "images": 255, "image_count": 1, "total": 255}


@pytest.mark.parametrize("part, match", [
    ({"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}, "expected a base64 data URL"),
    ({"type": "image_url", "image_url": {"url": "data:image/png;base64,@@@@"}}, "not valid base64"),
    ({"type": "image_url", "image_url": {"url": "data:image/png;base64," + base64.b64encode(b"not an image"
                                                                                            * 9).decode()}},
     "cannot read the image's size"),
    ({"type": "image_url", "image_url": {}}, "needs image_url"),
    ({"type": "input_audio", "input_audio": {}}, "unknown content part type 'input_audio'"),
])
def test_bad_parts(part, match):
    with pytest.raises(ValueError, match=match):
        estimate_messages_tokens([system_message("hi"), {"role": "user", "content": [part]}])
