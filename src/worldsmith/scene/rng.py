"""Stable, order-independent random streams.

Every stochastic function takes a ``numpy.random.Generator``; stages derive theirs from the scene
seed and a stage name with a stable digest (never Python's ``hash``, which is salted per process).
"""

from __future__ import annotations

import hashlib

import numpy as np


def derive_seed(seed: int, *names: object) -> int:
    """A 64-bit seed from ``seed`` and ``names``; the same inputs give the same seed everywhere."""
    h = hashlib.blake2b(digest_size=8)
    h.update(str(int(seed)).encode())
    for name in names:
        h.update(b"\x1f")
        h.update(str(name).encode("utf-8"))
    return int.from_bytes(h.digest(), "little")


def derive_rng(seed: int, *names: object) -> np.random.Generator:
    """A generator for the stage ``names`` of the scene with ``seed``."""
    return np.random.default_rng(derive_seed(seed, *names))
