"""Shared by bench/improve_local.py and bench/improve_seeds.py: progress lines and the machine."""

from __future__ import annotations

import os
import platform
import sys
import time
from typing import Callable


def progress_printer(t0: float, every_s: float = 60.0) -> Callable[[str, int, int], None]:
    """A loop progress callback that prints a line when a stage ends, or at most every ``every_s``."""
    last = {"t": 0.0}

    def progress(what: str, done: int, total: int) -> None:
        if done == total or time.perf_counter() - last["t"] > every_s:
            last["t"] = time.perf_counter()
            print(f"{time.perf_counter() - t0:7.1f} s  {what}: {done}/{total}", flush=True)

    return progress


def machine() -> dict:
    return {"cpus": os.cpu_count(), "python": sys.version.split()[0], "platform": platform.platform()}
