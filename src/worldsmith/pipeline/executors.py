"""Where jobs run: a swappable executor (this process, a local process pool, a Ray cluster).

``improve`` (rollouts) and ``datagen`` (scene tasks) both hand their work to an :class:`Executor`:
it maps a picklable module-level function over picklable tasks and yields ``(index, result)`` pairs
**as they complete**, so the caller can store each finished unit at once (a killed run loses only
the units in flight). Results are deterministic per task: the order of completion never changes
what a task returns, and the same function over the same tasks gives the same results on every
executor (a test compares Serial, a process pool and Ray, local and a ``ray start`` cluster).

* :class:`SerialExecutor`: in this process, in order (tests, ``--jobs 1``), with this process's
  environment.
* :class:`ProcessExecutor`: ``concurrent.futures.ProcessPoolExecutor`` with the ``spawn`` start
  method (no fork of a process holding torch/OpenMP threads or a GL context), ``jobs`` workers,
  logging only errors (what a unit did wrong is in its result). The pool starts on first use and
  is kept until :meth:`close`; a worker whose parent dies (a killed run) exits within a second.
* :class:`RayExecutor`: Ray tasks, on a local Ray started in this process or on a running cluster
  (``ray start --head``; docs/executors.md). Ray is imported only when the executor starts.

Worker environment (:func:`worker_env`), the same for process-pool and Ray workers: the package's
defaults ``PYOPENGL_PLATFORM=egl``, ``MUJOCO_GL=egl``, ``HF_HUB_OFFLINE=1``,
``TRANSFORMERS_OFFLINE=1``, and the thread caps ``OMP_NUM_THREADS`` and ``LP_NUM_THREADS`` (Mesa
llvmpipe's rasterizer threads, read when a process makes its first GL context; by default llvmpipe
starts one thread per core in every process, so N workers on N cores would run N*N threads) set to
the CPUs one task holds: ``max(1, floor(num_cpus_per_task))``, 1 for pool workers. A variable
already set in the caller's environment keeps the caller's value; the ``env`` argument overrides
both. Pool workers set them in their initializer, before any task (so before any GL context) and
cap torch to one thread; Ray workers get them through the task's ``runtime_env``
(``{"env_vars": ...}``), which Ray applies when it starts the worker process.

RayExecutor rules:

* ``address=None`` starts a new local Ray in this process (``ray.init(address="local",
  num_cpus=workers)``; ``workers=None`` lets Ray count the CPUs), without the dashboard; ``"auto"``
  joins the cluster ``ray start`` left on this machine (or ``RAY_ADDRESS``), ``"host:port"`` a
  cluster's head (GCS port, 6379 by default) and ``"ray://host:port"`` a Ray Client server (needs
  ``ray[client]``). ``workers`` only sizes a local Ray; a cluster's size is set where it was started.
  When Ray is already initialised in this process, the executor uses that connection as it is.
  Before connecting, the address's ``host:port`` (for ``"auto"``: ``RAY_ADDRESS`` or
  /tmp/ray/ray_current_cluster) must accept a TCP connection within ``CONNECT_TIMEOUT_S`` (5 s),
  else :class:`ExecutorError` at once: Ray itself retries an unreachable head for minutes.
* Each task is ``ray.remote(num_cpus=num_cpus_per_task)`` of a wrapper that calls ``fn(task)``; at
  most ``max_in_flight`` tasks are submitted at once (default 2 x the CPUs: the local Ray's, or the
  cluster's total when it starts), refilled as ``ray.wait`` returns each finished one. A local Ray
  smaller than one task's ``num_cpus_per_task`` is refused (the task could never be scheduled).
* A task that raises surfaces in the caller as the task's own exception (Ray's wrapper is chained
  as its cause, with the remote traceback); a task Ray lost (worker crashed, node died) raises
  :class:`ExecutorError` naming the task. Tasks still in flight when the caller stops iterating
  are cancelled. Worker output is not streamed to the caller (``log_to_driver=False``); it is in the
  Ray session's logs, and Ray's own messages in this process are limited to warnings.
* :meth:`RayExecutor.close` calls ``ray.shutdown()`` only for a connection it opened: that stops a
  local Ray it started and merely disconnects from a cluster, which keeps running. A connection
  that was there before is left alone.
* Ray 2.52+ uses token authentication: a local ``ray.init`` creates ``~/.ray/auth_token`` and a
  later ``ray start --head`` on the machine enables it. ``"auto"`` picks the token up; an explicit
  address (Ray's rule) needs ``RAY_AUTH_MODE=token`` and the token (``~/.ray/auth_token`` or
  ``RAY_AUTH_TOKEN``) in the caller's environment. A failed connection is an
  :class:`ExecutorError` that says so.

:func:`make_executor` picks one by name: ``"local"`` (Serial for one job, else a process pool) or
``"ray"``.
"""

from __future__ import annotations

import logging
import math
import numbers
import os
from typing import Any, Callable, Iterator, Mapping, Protocol, Sequence

from ..scene.errors import WorldsmithError, one_line

log = logging.getLogger(__name__)

#: executor kinds :func:`make_executor` knows
KINDS = ("local", "ray")
#: environment every worker gets unless the caller's environment or ``env`` says otherwise
ENV_DEFAULTS = {"PYOPENGL_PLATFORM": "egl", "MUJOCO_GL": "egl", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
#: thread caps, set to the CPUs one task holds (see the module doc)
THREAD_VARS = ("OMP_NUM_THREADS", "LP_NUM_THREADS")
RAY_HINT = "pip install 'worldsmith[ray]'"


class ExecutorError(WorldsmithError):
    """An executor cannot start (Ray missing, cluster unreachable, bad settings) or lost a task."""


class Executor(Protocol):
    def imap(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[tuple[int, Any]]: ...

    def close(self) -> None: ...


def worker_env(threads: int = 1, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment variables a worker gets (module doc): defaults and ``threads`` for the
    thread caps, replaced by the caller's own values where set, then by ``env``."""
    out = {**ENV_DEFAULTS, **{k: str(max(1, int(threads))) for k in THREAD_VARS}}
    out = {k: os.environ.get(k, v) for k, v in out.items()}
    out.update({str(k): str(v) for k, v in (env or {}).items()})
    return out


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


def _init_worker(parent: int, env: dict[str, str]) -> None:
    import threading

    # set before anything in this process can make a GL context or start OpenMP threads
    os.environ.update(env)
    # warnings about single samples ("unknown colour 'ash wood' ignored") would bury the progress
    # bars; what a sample did wrong (the executor's errors, its reward) is in its record
    logging.basicConfig(level=logging.ERROR)

    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:  # pragma: no cover - torch is a core dependency
        pass


class ProcessExecutor:
    def __init__(self, jobs: int, *, env: Mapping[str, str] | None = None):
        if jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {jobs}")
        self.jobs = jobs
        self.env = worker_env(1, env)
        self._pool = None

    def imap(self, fn, tasks):
        import concurrent.futures as cf
        import multiprocessing as mp

        if self._pool is None:
            self._pool = cf.ProcessPoolExecutor(self.jobs, mp_context=mp.get_context("spawn"),
                                                initializer=_init_worker, initargs=(os.getpid(), self.env))
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


# ---------------------------------------------------------------------------------------- Ray
_RAY_WORKER_READY = False


def _ray_task(fn: Callable[[Any], Any], task: Any) -> Any:
    """What each Ray task runs: quiet the package's logging once per worker process, call ``fn``."""
    global _RAY_WORKER_READY
    if not _RAY_WORKER_READY:
        logging.getLogger("worldsmith").setLevel(logging.ERROR)
        _RAY_WORKER_READY = True
    return fn(task)


def _import_ray():
    try:
        import ray
    except ImportError as exc:
        raise ExecutorError(f"the ray executor needs Ray ({one_line(exc)}); install it with: {RAY_HINT}") from None
    return ray


class RayExecutor:
    """Run tasks as Ray tasks (module doc). Starts (or connects) on first :meth:`imap`."""

    def __init__(self, address: str | None = None, *, workers: int | None = None, num_cpus_per_task: float = 1.0,
                 env: Mapping[str, str] | None = None, max_in_flight: int | None = None):
        if workers is not None and workers < 1:
            raise ExecutorError(f"workers must be at least 1, got {workers}")
        if workers is not None and address is not None:
            raise ExecutorError(f"workers sizes a local Ray; the cluster at {address} has the CPUs it was started "
                                "with (ray start --num-cpus)")
        if not num_cpus_per_task > 0:
            raise ExecutorError(f"num_cpus_per_task must be above 0, got {num_cpus_per_task}")
        if workers is not None and workers < num_cpus_per_task:
            raise ExecutorError(f"a task needs {num_cpus_per_task:g} CPUs but the local Ray has {workers}; "
                                "lower num_cpus_per_task or raise workers")
        if max_in_flight is not None and max_in_flight < 1:
            raise ExecutorError(f"max_in_flight must be at least 1, got {max_in_flight}")
        self.address = address.strip() if isinstance(address, str) else None
        if address is not None and not self.address:
            raise ExecutorError("the Ray address is empty: give 'auto', 'host:port' or 'ray://host:port'")
        self.workers = workers
        self.num_cpus_per_task = float(num_cpus_per_task)
        self.env = worker_env(max(1, math.floor(self.num_cpus_per_task)), env)
        self.max_in_flight = max_in_flight
        self.jobs = workers  # the CPUs of a local Ray (None: counted by Ray or set by the cluster)
        self._ray: Any = None
        self._owns = False
        self._remote: Any = None
        self._cpus = 0.0

    # -- start / stop -------------------------------------------------------------------------
    def start(self) -> None:
        """Start the local Ray or connect to the cluster (done by the first :meth:`imap`)."""
        if self._remote is not None:
            return
        ray = _import_ray()
        where = "a local Ray" if self.address is None else f"the Ray cluster at {self.address}"
        if not ray.is_initialized():
            try:
                if self.address is None:
                    ray.init(address="local", num_cpus=self.workers, include_dashboard=False, log_to_driver=False,
                             logging_level=logging.WARNING)
                else:
                    _check_reachable(self.address)
                    ray.init(address=self.address, log_to_driver=False, logging_level=logging.WARNING)
            except ExecutorError:
                raise
            except Exception as exc:  # noqa: BLE001 - ConnectionError, AuthenticationError, RuntimeError ...
                raise ExecutorError(f"could not start {where}: {one_line(exc)}{_connect_hint(self.address, exc)}"
                                    ) from None
            self._owns = True
        else:
            log.info("Ray is already initialised in this process; using that connection")
        self._ray = ray
        self._cpus = float(ray.cluster_resources().get("CPU", 0.0))
        if self.address is None and self._owns and self._cpus < self.num_cpus_per_task:  # workers=None: Ray counted
            self.close()
            raise ExecutorError(f"a task needs {self.num_cpus_per_task:g} CPUs but the local Ray has "
                                f"{self._cpus:g}; lower num_cpus_per_task")
        self._remote = ray.remote(_ray_task).options(num_cpus=self.num_cpus_per_task,
                                                     runtime_env={"env_vars": dict(self.env)})
        log.info("ray executor on %s: %g CPUs, %g per task", where, self._cpus, self.num_cpus_per_task)

    def in_flight_limit(self) -> int:
        """How many tasks :meth:`imap` keeps submitted at once (module doc)."""
        if self.max_in_flight is not None:
            return self.max_in_flight
        return max(1, 2 * int(self._cpus))

    def imap(self, fn, tasks):
        self.start()
        ray = self._ray
        tasks = list(tasks)
        limit = self.in_flight_limit()
        pending: dict[Any, int] = {}
        nxt = 0
        try:
            while nxt < len(tasks) or pending:
                while nxt < len(tasks) and len(pending) < limit:
                    pending[self._remote.remote(fn, tasks[nxt])] = nxt
                    nxt += 1
                done, _ = ray.wait(list(pending), num_returns=1)
                ref = done[0]
                index = pending.pop(ref)
                yield index, self._result(ray, ref, index)
        finally:
            for ref in pending:
                try:
                    ray.cancel(ref)
                except Exception as exc:  # noqa: BLE001 - best effort: the task may have just finished
                    log.debug("could not cancel a Ray task: %s", exc)

    @staticmethod
    def _result(ray: Any, ref: Any, index: int) -> Any:
        try:
            return ray.get(ref)
        except ray.exceptions.RayTaskError as err:
            cause = getattr(err, "cause", None)
            if isinstance(cause, Exception) and not isinstance(cause, ray.exceptions.RayError):
                raise cause from err
            raise ExecutorError(f"task {index} failed on Ray: {one_line(cause or err)}") from err
        except ray.exceptions.RayError as err:
            raise ExecutorError(f"task {index} was lost on Ray: {type(err).__name__}: {one_line(err)}") from err

    def close(self) -> None:
        """Shut down a local Ray this executor started, or disconnect from a cluster it connected to
        (the cluster keeps running); leave a connection that was already there."""
        if self._ray is not None and self._owns:
            self._ray.shutdown()
        self._owns = False
        self._ray = None
        self._remote = None


#: seconds the TCP check of a cluster address waits (Ray itself retries an unreachable head for minutes)
CONNECT_TIMEOUT_S = 5.0


def _cluster_address(address: str) -> str | None:
    """The ``host:port`` that ``address`` points at (``"auto"``: ``RAY_ADDRESS``, else the address
    ``ray start`` left in /tmp/ray/ray_current_cluster), or None when there is nothing to check."""
    if address == "auto":
        found = os.environ.get("RAY_ADDRESS", "").strip()
        if not found:
            try:
                with open("/tmp/ray/ray_current_cluster", encoding="utf-8") as fh:
                    found = fh.read().strip()
            except OSError:
                return None  # Ray says itself that no cluster is running, at once
        if found == "auto" or found.startswith("local"):
            return None
        address = found
    if "://" in address:
        address = address.split("://", 1)[1]
    return address.rstrip("/") or None


def _check_reachable(address: str) -> None:
    """Refuse at once (:class:`ExecutorError`) a cluster address nothing listens on: Ray would
    retry it for minutes. Checks a TCP connection to its ``host:port`` within
    :data:`CONNECT_TIMEOUT_S`."""
    import socket

    target = _cluster_address(address)
    if target is None:
        return
    host, sep, port = target.rpartition(":")
    if not sep or not port.isdigit():
        raise ExecutorError(f"expected a Ray address as 'auto', 'host:port' or 'ray://host:port', got {address!r}")
    host = host.strip("[]") or "127.0.0.1"
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as exc:
        shown = address if target == address else f"{address} ({target})"
        raise ExecutorError(f"no Ray cluster answers at {shown}: {one_line(exc)}; start one with "
                            "`ray start --head` or check the address (docs/executors.md)") from None


def _connect_hint(address: str | None, exc: Exception) -> str:
    text = str(exc)
    if address and address.startswith("ray://") and ("grpc" in text.lower() or isinstance(exc, ImportError)):
        return "; Ray Client addresses need: pip install 'ray[client]'"
    if "auth" in text.lower() or "token" in text.lower():
        return ("; the cluster uses token authentication: set RAY_AUTH_MODE=token and RAY_AUTH_TOKEN "
                "(or ~/.ray/auth_token)")
    if address:
        return "; is it running? start one with `ray start --head` (docs/executors.md)"
    return ""


def make_executor(kind: str = "local", jobs: int = 1, *, address: str | None = None,
                  env: Mapping[str, str] | None = None) -> Executor:
    """The executor named ``kind``: ``"local"`` gives :class:`SerialExecutor` for ``jobs == 1`` and
    a :class:`ProcessExecutor` of ``jobs`` workers otherwise; ``"ray"`` gives a
    :class:`RayExecutor`, on a local Ray of ``jobs`` CPUs when ``address`` is None, else on that
    cluster (whose size is its own: ``jobs`` is then ignored, with a warning above 1)."""
    name = str(kind).strip().lower()
    if name not in KINDS:
        raise ExecutorError(f"unknown executor {kind!r}; choose one of: {', '.join(KINDS)}")
    if isinstance(jobs, bool) or not isinstance(jobs, numbers.Integral) or jobs < 1:
        raise ExecutorError(f"jobs must be a whole number of at least 1, got {jobs!r}")
    if name == "local":
        if address is not None:
            raise ExecutorError("an address names a Ray cluster; use it with the ray executor")
        return SerialExecutor() if jobs == 1 else ProcessExecutor(int(jobs), env=env)
    if address is None:
        return RayExecutor(None, workers=int(jobs), env=env)
    if jobs != 1:
        log.warning("%d workers asked for, but the Ray cluster at %s runs as many tasks as it has CPUs", jobs, address)
    return RayExecutor(address, env=env)


__all__ = ["ENV_DEFAULTS", "KINDS", "THREAD_VARS", "Executor", "ExecutorError", "ProcessExecutor", "RayExecutor",
           "SerialExecutor", "make_executor", "worker_env"]
