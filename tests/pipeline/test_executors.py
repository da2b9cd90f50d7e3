"""Executors (worldsmith.pipeline.executors): every executor gives the same results for the same
tasks, workers get the environment they are promised, a task's error reaches the caller, and Ray
runs both in-process and on a real ``ray start --head`` cluster that closing the executor leaves
running.

The task functions live in tests/executor_tasks.py (workers import them by name): a real room drawn
by the real ``gl`` renderer, digested; what a worker process sees; a task that raises. Ray workers
find that module through ``PYTHONPATH`` (the executor's ``env`` for a local Ray, the head's own
environment for the cluster). The test cluster runs with ``RAY_AUTH_MODE=disabled`` so it does not
depend on whatever token ``~/.ray`` holds; it is stopped by signalling the ``ray start --block``
process the test started (never ``ray stop``, which stops every Ray on the machine).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from worldsmith.pipeline.executors import (ENV_DEFAULTS, ExecutorError, ProcessExecutor, RayExecutor, SerialExecutor,
                                           make_executor, worker_env)
from worldsmith.scene.errors import WorldsmithError

TESTS_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS_DIR))

import executor_tasks as et  # noqa: E402

SEEDS = list(range(6))
MANAGED = (*ENV_DEFAULTS, "OMP_NUM_THREADS", "LP_NUM_THREADS", "WORLDSMITH_TEST_MARK")


def _by_index(pairs) -> list:
    """Results in task order, checking every index came back exactly once."""
    pairs = list(pairs)
    indices = sorted(i for i, _ in pairs)
    assert indices == list(range(len(indices))), indices
    return [r for _, r in sorted(pairs, key=lambda p: p[0])]


@pytest.fixture(scope="module")
def serial_digests():
    out = _by_index(SerialExecutor().imap(et.render_digest, SEEDS))
    assert len({(d["rgb"], d["depth"], d["instance"]) for d in out}) == len(SEEDS)  # seeds draw different rooms
    assert all(d["objects"] >= 2 for d in out)
    return out


@pytest.fixture
def clean_env(monkeypatch):
    """No worker variable set in this process, except MUJOCO_GL (a user's own value must win)."""
    for key in MANAGED:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("MUJOCO_GL", "osmesa")
    monkeypatch.delenv("RAY_AUTH_MODE", raising=False)  # ray.init sets it in os.environ; undo afterwards
    return monkeypatch


def _expected_env(mark: str) -> dict:
    return {"PYOPENGL_PLATFORM": "egl", "MUJOCO_GL": "osmesa", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
            "OMP_NUM_THREADS": "1", "LP_NUM_THREADS": "1", "WORLDSMITH_TEST_MARK": mark}


def _check_facts(facts: list[dict], mark: str, most_pids: int) -> None:
    for f in facts:
        assert f["env"] == _expected_env(mark)
        assert f["llvmpipe_threads"] == 1  # LP_NUM_THREADS=1 was in place before the GL context
    assert 1 <= len({f["pid"] for f in facts}) <= most_pids
    assert os.getpid() not in {f["pid"] for f in facts}


def test_worker_env_defaults_caller_values_and_overrides(monkeypatch):
    for key in MANAGED:
        monkeypatch.delenv(key, raising=False)
    assert worker_env() == {**ENV_DEFAULTS, "OMP_NUM_THREADS": "1", "LP_NUM_THREADS": "1"}
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    got = worker_env(3, {"LP_NUM_THREADS": "2", "EXTRA": 5})
    assert got == {**ENV_DEFAULTS, "HF_HUB_OFFLINE": "0", "OMP_NUM_THREADS": "3", "LP_NUM_THREADS": "2", "EXTRA": "5"}
    assert RayExecutor(num_cpus_per_task=2.5).env["LP_NUM_THREADS"] == "2"  # floor of the task's CPUs
    assert RayExecutor(num_cpus_per_task=0.5).env["OMP_NUM_THREADS"] == "1"


def test_serial_runs_in_order_in_this_process():
    assert list(SerialExecutor().imap(et.fail_on, [0, 1, 2])) == [(0, 0), (1, 1), (2, 4)]
    with pytest.raises(ValueError, match=r"^task 3 failed on purpose$"):
        list(SerialExecutor().imap(et.fail_on, range(5)))


def test_process_pool_matches_serial_sets_worker_env_and_raises_task_errors(serial_digests, clean_env):
    ex = ProcessExecutor(2, env={"WORLDSMITH_TEST_MARK": "pool"})
    try:
        assert _by_index(ex.imap(et.render_digest, SEEDS)) == serial_digests
        _check_facts(_by_index(ex.imap(et.worker_facts, [0, 1, 2, 3])), "pool", 2)
        with pytest.raises(ValueError, match=r"^task 3 failed on purpose$"):
            list(ex.imap(et.fail_on, range(6)))
        assert _by_index(ex.imap(et.fail_on, [0, 1, 2])) == [0, 1, 4]  # still usable after a failed task
    finally:
        ex.close()


def test_make_executor_picks_by_name():
    assert isinstance(make_executor(), SerialExecutor)
    assert isinstance(make_executor("local", 1), SerialExecutor)
    pool = make_executor("local", 3, env={"A": "1"})
    assert isinstance(pool, ProcessExecutor) and pool.jobs == 3 and pool.env["A"] == "1"
    local_ray = make_executor("ray", 4)
    assert isinstance(local_ray, RayExecutor) and local_ray.address is None and local_ray.workers == 4
    cluster = make_executor("RAY", 1, address="auto")
    assert isinstance(cluster, RayExecutor) and cluster.address == "auto" and cluster.workers is None
    for kwargs, message in [
        ({"kind": "dask"}, "unknown executor 'dask'; choose one of: local, ray"),
        ({"kind": "local", "jobs": 0}, "jobs must be a whole number of at least 1, got 0"),
        ({"kind": "local", "jobs": 2, "address": "auto"},
         "an address names a Ray cluster; use it with the ray executor"),
    ]:
        with pytest.raises(ExecutorError) as err:
            make_executor(**kwargs)
        assert str(err.value) == message
        assert isinstance(err.value, WorldsmithError)
    with pytest.raises(ExecutorError, match="workers sizes a local Ray"):
        RayExecutor("auto", workers=2)


def test_ray_missing_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now raises ImportError
    with pytest.raises(ExecutorError) as err:
        list(RayExecutor(workers=1).imap(et.fail_on, [1]))
    assert "pip install 'worldsmith[ray]'" in str(err.value) and "\n" not in str(err.value)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_ray_address_nobody_listens_on_fails_at_once():
    pytest.importorskip("ray")
    port = _free_port()
    t0 = time.perf_counter()
    with pytest.raises(ExecutorError) as err:
        list(RayExecutor(f"127.0.0.1:{port}").imap(et.fail_on, [1]))
    assert time.perf_counter() - t0 < 10
    assert str(err.value).startswith(f"no Ray cluster answers at 127.0.0.1:{port}: ")
    assert "ray start --head" in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(ExecutorError, match="expected a Ray address"):
        list(RayExecutor("no-port-here").imap(et.fail_on, [1]))


def _pythonpath() -> str:
    return os.pathsep.join([str(TESTS_DIR), *filter(None, [os.environ.get("PYTHONPATH")])])


def test_ray_local_matches_serial_sets_worker_env_and_shuts_down(serial_digests, clean_env):
    ray = pytest.importorskip("ray")
    assert not ray.is_initialized()
    ex = RayExecutor(workers=2, env={"PYTHONPATH": _pythonpath(), "WORLDSMITH_TEST_MARK": "ray-local"})
    try:
        assert _by_index(ex.imap(et.render_digest, SEEDS)) == serial_digests
        assert ray.cluster_resources()["CPU"] == 2 and ex.in_flight_limit() == 4
        _check_facts(_by_index(ex.imap(et.worker_facts, [0, 1, 2, 3])), "ray-local", 2)
        with pytest.raises(ValueError, match=r"^task 3 failed on purpose$") as err:
            list(ex.imap(et.fail_on, range(6)))
        assert isinstance(err.value.__cause__, ray.exceptions.RayTaskError)  # the remote traceback rides along
        assert _by_index(ex.imap(et.fail_on, [0, 1, 2])) == [0, 1, 4]
    finally:
        ex.close()
    assert not ray.is_initialized()  # the Ray it started is gone


def test_ray_local_refuses_tasks_bigger_than_itself():
    with pytest.raises(ExecutorError, match=r"^a task needs 2 CPUs but the local Ray has 1; "):
        RayExecutor(workers=1, num_cpus_per_task=2)  # could never be scheduled: refused before Ray starts
    for kwargs, message in [({"workers": 0}, "workers must be at least 1, got 0"),
                            ({"num_cpus_per_task": 0}, "num_cpus_per_task must be above 0, got 0"),
                            ({"max_in_flight": 0}, "max_in_flight must be at least 1, got 0")]:
        with pytest.raises(ExecutorError) as err:
            RayExecutor(**kwargs)
        assert str(err.value) == message


@pytest.fixture(scope="module")
def ray_head():
    """A real cluster: ``ray start --head --block`` with 2 CPUs on free ports and its own temp dir."""
    pytest.importorskip("ray")
    ray_bin = Path(sys.executable).parent / "ray"
    if not ray_bin.exists():
        pytest.skip("the `ray` command is not installed next to this Python")
    temp = tempfile.mkdtemp(prefix="wsray")  # short: Ray's socket paths live under it
    port = _free_port()
    cmd = [str(ray_bin), "start", "--head", "--block", "--num-cpus=2", f"--port={port}", "--disable-usage-stats",
           f"--temp-dir={temp}", "--include-dashboard=false", f"--dashboard-port={_free_port()}",
           f"--dashboard-agent-listen-port={_free_port()}", f"--dashboard-agent-grpc-port={_free_port()}",
           f"--runtime-env-agent-port={_free_port()}", f"--metrics-export-port={_free_port()}"]
    env = {**os.environ, "RAY_AUTH_MODE": "disabled", "PYTHONPATH": _pythonpath()}
    for key in MANAGED:
        env.pop(key, None)
    log_path = Path(temp) / "head.log"
    with open(log_path, "w") as log:
        head = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while "Ray runtime started" not in log_path.read_text(errors="replace"):
            assert head.poll() is None, f"ray start exited {head.returncode}: {log_path.read_text()[-2000:]}"
            assert time.monotonic() < deadline, f"ray start did not come up: {log_path.read_text()[-2000:]}"
            time.sleep(0.2)
        yield {"address": f"127.0.0.1:{port}", "process": head, "port": port}
    finally:
        head.send_signal(signal.SIGTERM)  # `ray start --block` stops the processes it started
        try:
            head.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(head.pid, signal.SIGKILL)  # its own session, started above
            head.wait(10)
        shutil.rmtree(temp, ignore_errors=True)


def test_ray_cluster_matches_serial_and_close_leaves_it_running(serial_digests, ray_head, clean_env):
    import ray

    assert not ray.is_initialized()
    ex = RayExecutor(ray_head["address"], env={"WORLDSMITH_TEST_MARK": "ray-cluster"})
    try:
        assert _by_index(ex.imap(et.render_digest, SEEDS)) == serial_digests
        assert ray.cluster_resources()["CPU"] == 2 and ex.in_flight_limit() == 4
        _check_facts(_by_index(ex.imap(et.worker_facts, [0, 1, 2, 3])), "ray-cluster", 2)
        with pytest.raises(ValueError, match=r"^task 3 failed on purpose$"):
            list(ex.imap(et.fail_on, range(6)))
    finally:
        ex.close()
    assert not ray.is_initialized()  # disconnected ...
    assert ray_head["process"].poll() is None  # ... and the cluster is still up
    socket.create_connection(("127.0.0.1", ray_head["port"]), timeout=5).close()

    clean_env.setenv("RAY_ADDRESS", ray_head["address"])  # "auto" finds it again
    again = RayExecutor("auto", max_in_flight=1)
    try:
        assert _by_index(again.imap(et.fail_on, [0, 1, 2, 4])) == [0, 1, 4, 16]
        assert again.in_flight_limit() == 1
    finally:
        again.close()
    assert ray_head["process"].poll() is None


def test_an_existing_ray_connection_is_used_and_left_open(ray_head, clean_env):
    import ray

    ray.init(address=ray_head["address"], log_to_driver=False)
    try:
        ex = RayExecutor("auto")
        assert _by_index(ex.imap(et.fail_on, [2, 5])) == [4, 25]
        ex.close()
        assert ray.is_initialized()  # not ours to close
    finally:
        ray.shutdown()
