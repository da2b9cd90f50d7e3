"""Module-level task functions for tests/pipeline/test_executors.py.

Executors ship a function to worker processes by reference (module + name), so the functions live
in an importable module: this folder is on ``sys.path`` (conftest.py) and the executor tests put it
on ``PYTHONPATH`` for Ray workers.

- :func:`render_digest`: a real room built from a seed-dependent DSL program and drawn by the
  ``gl`` renderer (rgb, depth, instance); returns SHA-256 digests of the pixel arrays.
- :func:`worker_facts`: what a worker process sees: the environment variables the executors set
  and, after it made a GL context, how many llvmpipe rasterizer threads the process runs.
- :func:`fail_on`: raises ``ValueError("task N failed on purpose")`` for task ``N == 3``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

ENV_KEYS = ("PYOPENGL_PLATFORM", "MUJOCO_GL", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "OMP_NUM_THREADS",
            "LP_NUM_THREADS", "WORLDSMITH_TEST_MARK")


def _program(seed: int) -> str:
    w = 3.0 + 0.25 * (seed % 5)
    d = 3.0 + 0.2 * (seed % 4)
    return (f'room("bedroom", width={w}, depth={d}, height=2.6)\n'
            'door("wall_0", at=0.4, width=0.9)\n'
            'bed = add("bed")\n'
            'place(bed, against="wall_2")\n'
            'stand = add("nightstand")\n'
            'place(stand, next_to=bed)\n'
            'closet = add("wardrobe")\n'
            f'place(closet, against="wall_{1 + seed % 3}")\n')


def render_digest(seed: int) -> dict:
    import numpy as np

    from worldsmith.dsl import Limits, execute
    from worldsmith.render import render
    from worldsmith.render.camera import Camera
    from worldsmith.scene import Scene

    # a fresh worker's first program builds its assets' meshes; beside other workers starting on
    # two cores that took longer than the DSL's default 2 s once. These tests are about the
    # executors, not the program time limit.
    scene = execute(_program(seed), Scene(prompt="x", seed=seed), seed=seed, limits=Limits(seconds=120)).scene
    room = scene.rooms[0]
    xs, ys = zip(*room.polygon)
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    cam = Camera.look_at("v", (min(xs) + 0.3, min(ys) + 0.3, 1.6), (cx, cy, 0.6), width=64, height=48)
    frame = render(scene, cam, {"rgb", "depth", "instance"}, backend="gl")
    return {"seed": seed, "objects": len(scene.objects),
            **{k: hashlib.sha256(np.ascontiguousarray(getattr(frame, k)).tobytes()).hexdigest()
               for k in ("rgb", "depth", "instance")}}


def llvmpipe_threads() -> int:
    """Threads of this process that Mesa's llvmpipe started (named ``llvmpipe-N``)."""
    count = 0
    for task in Path("/proc/self/task").iterdir():
        try:
            if (task / "comm").read_text().startswith("llvmpipe"):
                count += 1
        except OSError:
            pass
    return count


def worker_facts(seed: int) -> dict:
    render_digest(seed)  # makes this process's GL context
    return {"env": {k: os.environ.get(k) for k in ENV_KEYS}, "llvmpipe_threads": llvmpipe_threads(),
            "pid": os.getpid()}


def fail_on(n: int) -> int:
    if n == 3:
        raise ValueError(f"task {n} failed on purpose")
    return n * n
