"""Writing an output folder atomically: build it in a temporary sibling, then move it into place.

A folder that already exists is replaced only when it is empty or holds an earlier Worldsmith
output (it has a ``report.json``); anything else is refused, so no user file is ever lost.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

from ..scene import WorldsmithError
from ..scene.files import replace_dir

MARKER = "report.json"


class OutputPathError(WorldsmithError):
    """The output path cannot be used."""


def check_output_dir(out: Path, marker: str = MARKER, kind: str = "Worldsmith output") -> None:
    """Refuse an output path that is a file, or a non-empty folder that is not an earlier output
    (one holding ``marker``; ``kind`` names such outputs in the message)."""
    if out.exists() and not out.is_dir():
        raise OutputPathError(f"output path {out} exists and is a file; choose a folder path")
    if out.is_dir() and any(out.iterdir()) and not (out / marker).is_file():
        raise OutputPathError(f"output folder {out} is not empty and is not a {kind} (no {marker}); "
                              "choose a new or empty folder")
    parent = out.parent if str(out.parent) else Path(".")
    if parent.exists() and not parent.is_dir():
        raise OutputPathError(f"{parent} is a file, so {out} cannot be created")


@contextlib.contextmanager
def atomic_output_dir(out: Path, marker: str = MARKER, kind: str = "Worldsmith output") -> Iterator[Path]:
    """Yield a temporary folder; on success it replaces ``out``, on any error it is removed
    (``marker``/``kind``: see :func:`check_output_dir`)."""
    out = Path(out)
    check_output_dir(out, marker, kind)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        yield tmp
        replace_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
