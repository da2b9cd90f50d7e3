"""Atomic file writes, shared by every layer that writes caches, registries or outputs.

A reader never sees a half-written file: the data goes to a temporary file in the same folder,
which then replaces the target in one ``os.replace``. On any failure the temporary file is
removed and the target is left as it was.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import IO, Callable


def atomic_write(path: str | Path, write: Callable[[IO[bytes]], object], mode: int = 0o644) -> Path:
    """Write ``path`` atomically: ``write(fh)`` fills a binary file handle. The file gets
    permissions ``mode`` (temporary files are private by default; outputs are ordinary files)."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return target


def atomic_write_bytes(path: str | Path, data: bytes, mode: int = 0o644) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_write`)."""
    return atomic_write(path, lambda fh: fh.write(data), mode)
