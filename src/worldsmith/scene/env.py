"""Process environment defaults the package relies on.

:func:`hf_offline` makes Hugging Face libraries (transformers, sentence-transformers, tokenizers)
work from local files only -- ``HF_HUB_OFFLINE=1``, ``TRANSFORMERS_OFFLINE=1`` -- and quiets the
tokenizers' fork warning (``TOKENIZERS_PARALLELISM=false``), each only where the user has not set
it. Call it before the first import of those libraries: the MiniLM embedder, the CLIP score and
the LoRA trainer do.
"""

from __future__ import annotations

import os


def hf_offline() -> None:
    """Set the offline defaults (see the module doc)."""
    for key in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        os.environ.setdefault(key, "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
