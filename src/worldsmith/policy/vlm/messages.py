"""Chat message parts in the OpenAI chat-completions format (text, and images as base64 data URLs).

A user message's ``content`` is a list of parts: ``{"type": "text", "text": ...}`` and
``{"type": "image_url", "image_url": {"url": "data:image/png;base64,...", "detail": ...}}``. Every
OpenAI-compatible server (vLLM, SGLang, Ollama, LM Studio, OpenAI) accepts this form.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

import numpy as np

DETAILS = ("auto", "low", "high")


def text_part(text: str) -> dict[str, Any]:
    return {"type": "text", "text": str(text)}


def png_of(image: bytes | str | Path | np.ndarray) -> bytes:
    """PNG bytes of ``image``: PNG bytes as they are, a PNG file's bytes, or an HxWx3/4 uint8 array encoded."""
    if isinstance(image, bytes):
        return image
    if isinstance(image, (str, Path)):
        return Path(image).read_bytes()
    from PIL import Image

    arr = np.asarray(image)
    if arr.dtype != np.uint8:
        arr = np.clip(arr, 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format="PNG")
    return buf.getvalue()


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def image_part(image: bytes | str | Path | np.ndarray, detail: str = "auto") -> dict[str, Any]:
    """An image part: ``image`` as in :func:`png_of`, sent inline as a base64 PNG data URL."""
    if detail not in DETAILS:
        raise ValueError(f"detail must be one of {DETAILS}, got {detail!r}")
    return {"type": "image_url", "image_url": {"url": data_url(png_of(image)), "detail": detail}}


def user_message(*parts: dict[str, Any] | str) -> dict[str, Any]:
    """A user message from parts (plain strings become text parts)."""
    return {"role": "user", "content": [text_part(p) if isinstance(p, str) else p for p in parts]}


def system_message(text: str) -> dict[str, Any]:
    return {"role": "system", "content": text}
