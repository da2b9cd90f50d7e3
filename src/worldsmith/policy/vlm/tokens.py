"""How big an observation is: token estimates for text, images and whole chat requests.

Every number here is an **estimate** made before a request is sent (to budget a run, to choose
an image size or ``detail``, to log what an observation costs). The server's own ``usage`` block
is the truth; :class:`~worldsmith.policy.vlm.client.ChatReply` carries it.

Text
----
:func:`estimate_text_tokens` is ``ceil(len(text) / 4)``: about four characters per token, the
rule of thumb OpenAI gives for English text with its BPE tokenizers. Code and non-English text
usually take more tokens per character; no tokenizer is loaded (none ships offline for every
model a user may point the policy at). Chat formatting (role markers, about 3-4 tokens per
message) is not counted.

Images
------
:func:`estimate_image_tokens` applies the documented formula of one family of APIs
(``scheme``). Resizes keep the aspect ratio and never upscale; where a formula resizes to
pixels, the result is rounded to the nearest whole pixel (half up).

``"openai"`` (GPT-4o / GPT-4-turbo "tile" models;
https://platform.openai.com/docs/guides/images-vision#calculating-costs)
    ``detail="low"``: 85 tokens, whatever the size. ``"high"`` and ``"auto"`` (the server
    decides for auto; we assume high, so the estimate is an upper bound): scale down to fit a
    2048 x 2048 square, then down so the shortest side is at most 768 px, count the 512 px tiles
    ``ceil(w / 512) * ceil(h / 512)``; tokens = ``85 + 170 * tiles``. The guide's examples:
    1024 x 1024 -> 768 x 768, 4 tiles, 765 tokens; 2048 x 4096 -> 1024 x 2048 -> 768 x 1536,
    6 tiles, 1105 tokens. The guide says the image is scaled "such that the shortest side is
    768px"; images already smaller are not enlarged (a 512 x 512 image is one tile, 255
    tokens), as the OpenAI forum's worked examples (500 x 500 -> 255) and most counters read
    it. Newer OpenAI models (gpt-4.1-mini/nano, o4-mini) bill 32 px patches instead; they are
    not modelled.

``"qwen2vl"`` (Qwen2-VL / Qwen2.5-VL served by vLLM, SGLang, transformers; the model card
https://huggingface.co/Qwen/Qwen2-VL-7B-Instruct, its ``preprocessor_config.json`` and
``smart_resize`` in ``transformers.models.qwen2_vl.image_processing_qwen2_vl``)
    The image is resized to multiples of 28 px (14 px patches merged 2 x 2): each side rounded
    to the nearest multiple of 28 (Python's ``round``, as the reference); when that leaves more
    than ``max_pixels`` pixels both sides are scaled by ``sqrt(h * w / max_pixels)`` and floored
    to multiples of 28; when fewer than ``min_pixels``, scaled up by ``sqrt(min_pixels / (h *
    w))`` and ceiled. tokens = ``(h / 28) * (w / 28)``. Defaults are the released models'
    preprocessor settings: :data:`QWEN_MIN_PIXELS` = 4 * 28 * 28 = 3136 and
    :data:`QWEN_MAX_PIXELS` = 16384 * 28 * 28 = 12845056 (4 .. 16384 tokens); servers are often
    run with a smaller ``max_pixels``, pass it. ``detail`` is ignored (the API has none). An
    aspect ratio above 200 is refused by the model's processor and here (ValueError). The two
    ``<|vision_start|>``/``<|vision_end|>`` marker tokens are not counted.

``"anthropic"`` (Claude 3 / 4; https://docs.anthropic.com/en/docs/build-with-claude/vision, "Evaluate image size")
    Scale down so the long side is at most 1568 px, then tokens = ``ceil(w * h / 750)`` (the
    guide's table: 200 x 200 -> 54, 1000 x 1000 -> 1334). ``detail`` is ignored. The guide
    also shrinks images above about 1.15-1.2 megapixels (about 1,600 tokens) whatever their
    long side; that cap is not modelled, so for larger images this over-estimates (a 640 x 480
    observation, 410 tokens, is far below it).

Requests
--------
:func:`estimate_messages_tokens` walks OpenAI chat messages: ``content`` as a string, or a list
of ``text`` and ``image_url`` parts (see :mod:`worldsmith.policy.vlm.messages`). An image's size
is read from its ``data:`` URL by decoding only a prefix of the base64 text (a PNG's size is in
its first 24 bytes) and handing it to PIL, which parses the header only; when the prefix is not
enough (a JPEG with a large EXIF block) the whole image is decoded. Remote ``http(s)`` image
URLs cannot be measured offline: ValueError.
"""

from __future__ import annotations

import base64
import binascii
import io
import math
from typing import Any, Iterable, Mapping

#: image token schemes :func:`estimate_image_tokens` knows
SCHEMES = ("openai", "qwen2vl", "anthropic")
#: ``detail`` values of an OpenAI image part
DETAILS = ("auto", "low", "high")

#: characters per text token (the heuristic)
CHARS_PER_TOKEN = 4

# openai tile scheme
OPENAI_LOW_TOKENS = 85
OPENAI_BASE_TOKENS = 85
OPENAI_TILE_TOKENS = 170
OPENAI_TILE_PX = 512
OPENAI_FIT_PX = 2048
OPENAI_SHORT_SIDE_PX = 768

# qwen2-vl
QWEN_FACTOR = 28
QWEN_MIN_PIXELS = 4 * 28 * 28
QWEN_MAX_PIXELS = 16384 * 28 * 28
QWEN_MAX_ASPECT = 200

# anthropic
ANTHROPIC_LONG_SIDE_PX = 1568
ANTHROPIC_PIXELS_PER_TOKEN = 750

#: base64 characters decoded first when reading an image's size (3 KiB of image data)
_PREFIX_B64_CHARS = 4096


def estimate_text_tokens(text: str) -> int:
    """An estimate of the tokens in ``text``: ``ceil(len(text) / 4)`` (see the module doc)."""
    return -(-len(str(text)) // CHARS_PER_TOKEN)


def _round_px(x: float) -> int:
    """Nearest whole pixel, halves up, at least 1."""
    return max(1, math.floor(x + 0.5))


def _check_size(width: Any, height: Any) -> tuple[int, int]:
    for name, v in (("width", width), ("height", height)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 1 \
                or int(v) != v:
            raise ValueError(f"image {name} must be a positive whole number of pixels, got {v!r}")
    return int(width), int(height)


def openai_resized(width: int, height: int) -> tuple[int, int]:
    """The size an OpenAI tile model works at (``detail="high"``): fit 2048 x 2048, then the
    shortest side at most 768; never enlarged."""
    w, h = _check_size(width, height)
    s = min(1.0, OPENAI_FIT_PX / w, OPENAI_FIT_PX / h)
    if s < 1.0:
        w, h = _round_px(w * s), _round_px(h * s)
    s = min(1.0, OPENAI_SHORT_SIDE_PX / min(w, h))
    if s < 1.0:
        w, h = _round_px(w * s), _round_px(h * s)
    return w, h


def qwen2vl_resized(width: int, height: int, min_pixels: int = QWEN_MIN_PIXELS,
                    max_pixels: int = QWEN_MAX_PIXELS) -> tuple[int, int]:
    """The size (width, height) Qwen2-VL's processor resizes an image to (``smart_resize``)."""
    w, h = _check_size(width, height)
    if max(w, h) / min(w, h) > QWEN_MAX_ASPECT:
        raise ValueError(f"qwen2vl refuses images with an aspect ratio above {QWEN_MAX_ASPECT}, got {w}x{h}")
    if not 0 < min_pixels <= max_pixels:
        raise ValueError(f"need 0 < min_pixels <= max_pixels, got {min_pixels} and {max_pixels}")
    f = QWEN_FACTOR
    h_bar = round(h / f) * f  # 0 for a side under 14 px: the min_pixels branch below takes over
    w_bar = round(w / f) * f
    if h_bar * w_bar > max_pixels:
        beta = math.sqrt(h * w / max_pixels)
        h_bar = max(f, math.floor(h / beta / f) * f)
        w_bar = max(f, math.floor(w / beta / f) * f)
    elif h_bar * w_bar < min_pixels:
        beta = math.sqrt(min_pixels / (h * w))
        h_bar = math.ceil(h * beta / f) * f
        w_bar = math.ceil(w * beta / f) * f
    return w_bar, h_bar


def anthropic_resized(width: int, height: int) -> tuple[int, int]:
    """The size Claude works at: long side at most 1568 px (never enlarged)."""
    w, h = _check_size(width, height)
    s = min(1.0, ANTHROPIC_LONG_SIDE_PX / max(w, h))
    if s < 1.0:
        w, h = _round_px(w * s), _round_px(h * s)
    return w, h


def estimate_image_tokens(width: int, height: int, detail: str = "auto", scheme: str = "openai", *,
                          min_pixels: int = QWEN_MIN_PIXELS, max_pixels: int = QWEN_MAX_PIXELS) -> int:
    """Tokens one ``width`` x ``height`` image costs under ``scheme`` (see the module doc for
    each formula and its source). ``detail`` (``auto``, ``low``, ``high``) matters for
    ``openai`` only; ``min_pixels``/``max_pixels`` for ``qwen2vl`` only."""
    if detail not in DETAILS:
        raise ValueError(f"detail must be one of {DETAILS}, got {detail!r}")
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    if scheme == "openai":
        _check_size(width, height)
        if detail == "low":
            return OPENAI_LOW_TOKENS
        w, h = openai_resized(width, height)
        tiles = math.ceil(w / OPENAI_TILE_PX) * math.ceil(h / OPENAI_TILE_PX)
        return OPENAI_BASE_TOKENS + OPENAI_TILE_TOKENS * tiles
    if scheme == "qwen2vl":
        w, h = qwen2vl_resized(width, height, min_pixels, max_pixels)
        return (w // QWEN_FACTOR) * (h // QWEN_FACTOR)
    w, h = anthropic_resized(width, height)
    return -(-(w * h) // ANTHROPIC_PIXELS_PER_TOKEN)


# ---------------------------------------------------------------------------------------------
# chat messages


def _open_size(data: bytes) -> tuple[int, int]:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as im:
            return int(im.size[0]), int(im.size[1])
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValueError(f"cannot read the image's size ({exc})") from None


def data_url_size(url: str) -> tuple[int, int]:
    """(width, height) of the image in a ``data:image/...;base64,`` URL, decoding as little of it
    as it can (see the module doc)."""
    head, sep, payload = url.partition(",")
    if not sep or not head.startswith("data:") or not head.endswith(";base64"):
        raise ValueError(f"expected a base64 data URL (data:image/...;base64,...), got {url[:40]!r}")
    payload = "".join(payload.split())  # base64 may be wrapped
    prefix = payload[:_PREFIX_B64_CHARS - _PREFIX_B64_CHARS % 4]
    try:
        if len(prefix) < len(payload):
            try:
                return _open_size(base64.b64decode(prefix, validate=True))
            except ValueError:
                pass  # the header is further in: decode everything
        return _open_size(base64.b64decode(payload, validate=True))
    except binascii.Error as exc:
        raise ValueError(f"the image data URL is not valid base64 ({exc})") from None


def _image_url_of(part: Mapping[str, Any]) -> tuple[str, str]:
    spec = part.get("image_url")
    if isinstance(spec, str):
        return spec, "auto"
    if isinstance(spec, Mapping) and isinstance(spec.get("url"), str):
        return spec["url"], str(spec.get("detail") or "auto")
    raise ValueError("an image_url part needs image_url: {\"url\": ...} (or a URL string)")


def estimate_messages_tokens(messages: Iterable[Mapping[str, Any]], scheme: str = "openai", *,
                             min_pixels: int = QWEN_MIN_PIXELS, max_pixels: int = QWEN_MAX_PIXELS) -> dict[str, int]:
    """Estimated tokens of a chat request's ``messages``: ``{"text", "images", "image_count",
    "total"}`` (``total = text + images``). Text parts and string contents count with
    :func:`estimate_text_tokens`, each ``image_url`` part with :func:`estimate_image_tokens`
    under ``scheme`` and the part's ``detail`` (default ``auto``). Other part types, and image
    URLs that are not base64 data URLs, raise ValueError."""
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    text = images = count = 0
    for i, message in enumerate(messages):
        content = message.get("content")
        if content is None:
            continue
        if isinstance(content, str):
            text += estimate_text_tokens(content)
            continue
        if not isinstance(content, list):
            raise ValueError(f"message {i}: content must be a string or a list of parts, got {type(content).__name__}")
        for part in content:
            kind = part.get("type") if isinstance(part, Mapping) else None
            if kind == "text":
                text += estimate_text_tokens(part.get("text", ""))
            elif kind == "image_url":
                url, detail = _image_url_of(part)
                try:
                    w, h = data_url_size(url)
                except ValueError as exc:
                    raise ValueError(f"message {i}: {exc}") from None
                images += estimate_image_tokens(w, h, detail=detail, scheme=scheme,
                                                min_pixels=min_pixels, max_pixels=max_pixels)
                count += 1
            else:
                raise ValueError(f"message {i}: unknown content part type {kind!r} (expected text or image_url)")
    return {"text": text, "images": images, "image_count": count, "total": text + images}
