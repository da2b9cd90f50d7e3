"""Where rollouts run: a swappable executor (one process, a local process pool; Ray comes with datagen).

An :class:`Executor` maps a picklable module-level function over picklable tasks and yields
``(index, result)`` pairs **as they complete** (so the caller can store each finished unit at
once: a killed run loses only the units in flight). Results are deterministic per task: the order
of completion never changes what a task returns.

* :class:`SerialExecutor`: in this process, in order (tests, ``--jobs 1``).
* :class:`ProcessExecutor`: ``concurrent.futures.ProcessPoolExecutor`` with the ``spawn`` start
  method (no fork of a process holding torch/OpenMP threads), ``jobs`` workers, each limited to
  one torch thread so workers do not oversubscribe the cores, logging only errors (the executor's
  errors and the reward of each sample are in its record). The pool starts on first use and
  is kept until :meth:`close`; a worker whose parent dies (a killed run) exits within a second.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Iterator, Protocol, Sequence


class Executor(Protocol):
    def imap(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[tuple[int, Any]]: ...

    def close(self) -> None: ...


class SerialExecutor:
    jobs = 1

    def imap(self, fn, tasks):
        for i, t in enumerate(tasks):
            yield i, fn(t)

    def close(self) -> None:
        pass


def _watch_parent(parent: int) -> None:
    """Exit when the parent process is gone (a killed run must not leave workers computing)."""
    import time

    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _init_worker(parent: int) -> None:
    import logging
    import threading

    # warnings about single samples ("unknown colour 'ash wood' ignored") would bury the progress
    # bars; what a sample did wrong (the executor's errors, its reward) is in its record
    logging.basicConfig(level=logging.ERROR)

    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:  # pragma: no cover - torch is a core dependency
        pass


class ProcessExecutor:
    def __init__(self, jobs: int):
        if jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {jobs}")
        self.jobs = jobs
        self._pool = None

    def imap(self, fn, tasks):
        import concurrent.futures as cf
        import multiprocessing as mp

        if self._pool is None:
            self._pool = cf.ProcessPoolExecutor(self.jobs, mp_context=mp.get_context("spawn"),
                                                initializer=_init_worker, initargs=(os.getpid(),))
        futures = {self._pool.submit(fn, t): i for i, t in enumerate(tasks)}
        try:
            for fut in cf.as_completed(futures):
                yield futures[fut], fut.result()
        finally:
            for fut in futures:
                fut.cancel()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


def make_executor(jobs: int) -> Executor:
    """:class:`SerialExecutor` for ``jobs == 1``, else a :class:`ProcessExecutor`."""
    return SerialExecutor() if jobs == 1 else ProcessExecutor(jobs)
