"""File helpers shared by every layer: atomic writes, and reading JSON Lines.

A reader never sees a half-written file: the data goes to a temporary file in the same folder,
which then replaces the target in one ``os.replace``. On any failure the temporary file is
removed and the target is left as it was.

:func:`jsonl_records` reads JSON Lines (prompt suites, libraries): blank lines are skipped and a
line that is not JSON is named by ``where:line``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import IO, Any, Callable, Iterator


def atomic_write(path: str | Path, write: Callable[[IO[bytes]], object], mode: int = 0o644, *,
                 durable: bool = False) -> Path:
    """Write ``path`` atomically: ``write(fh)`` fills a binary file handle. The file gets
    permissions ``mode`` (temporary files are private by default; outputs are ordinary files).
    ``durable`` also ``fsync``-s the data before the rename (survives a power cut, not only a
    killed process). The temporary file is ``.<name>.<random>.tmp`` in the target's folder."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
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


def jsonl_records(text: str, where: str | Path, error: Callable[[str], Exception]) -> Iterator[tuple[int, Any]]:
    """``(line number, value)`` of every non-blank line of JSON Lines ``text``; a line that is not
    valid JSON raises ``error("<where>:<n>: not valid JSON (<reason>)")``."""
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield n, json.loads(line)
        except json.JSONDecodeError as exc:
            raise error(f"{where}:{n}: not valid JSON ({exc.msg})") from None


def replace_dir(tmp: str | Path, target: str | Path) -> None:
    """Put the finished folder ``tmp`` at ``target`` (a sibling: renames only). An existing
    ``target`` folder is moved aside first and deleted after the swap; if the swap fails it is
    put back. ``target`` must not be a file."""
    tmp, target = Path(tmp), Path(target)
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(f"{target} exists and is not a folder")
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
        os.replace(target, old / target.name)
    try:
        os.replace(tmp, target)
    except BaseException:
        if old is not None:
            os.replace(old / target.name, target)
            shutil.rmtree(old, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
