"""Process environment defaults the package relies on.

:func:`hf_offline` makes Hugging Face libraries (transformers, sentence-transformers, tokenizers)
work from local files only -- ``HF_HUB_OFFLINE=1``, ``TRANSFORMERS_OFFLINE=1`` -- and quiets the
tokenizers' fork warning (``TOKENIZERS_PARALLELISM=false``), each only where the user has not set
it. Call it before the first import of those libraries: the MiniLM embedder, the CLIP score and
the LoRA trainer do. :func:`hf_no_progress_bars` turns off transformers' own weight loading and
saving bars, which are noise between our progress lines and in logs.
"""

from __future__ import annotations

import os


def hf_offline() -> None:
    """Set the offline defaults (see the module doc)."""
    for key in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        os.environ.setdefault(key, "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def hf_no_progress_bars() -> None:
    """Turn off transformers' progress bars ("Loading weights", "Writing model shards")."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # nothing to quiet
        return
    hf_logging.disable_progress_bar()
