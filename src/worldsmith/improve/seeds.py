"""The improve loop's seeds: a 31-bit seed from any parts (a run's seed, a round, a prompt id, a
step), stable across runs and machines. 31 bits because torch generators and the DSL take them
as they are; :func:`worldsmith.scene.rng.derive_seed` (64 bits) is the scene's own."""

from __future__ import annotations

import hashlib
from typing import Any


def derive_seed(*parts: Any) -> int:
    """A 31-bit seed from ``parts`` (the SHA-256 of their ``/``-joined text)."""
    h = hashlib.sha256("/".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(h[:4], "big") & 0x7FFFFFFF
