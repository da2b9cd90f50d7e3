"""Physical stability: does the scene stay put when gravity is switched on?

:func:`stability` compiles the scene's MJCF (:func:`worldsmith.export.mjcf.scene_to_mjcf`: static
architecture, wall- and ceiling-mounted objects welded to the building, every floor- or
object-supported object a free rigid body made of convex hulls), simulates ``seconds`` of
simulated time with MuJoCo, and compares each movable object's final pose with its initial one:

- ``moved_m``: the distance between the initial and final body origin (the object's
  bottom-centre ``position``), metres;
- ``turned_deg``: the angle of the rotation between the initial and final orientation,
  ``2 acos(|<q0, q1>|)`` of the unit quaternions, degrees.

An object is *stable* when ``moved_m <= move_tol_m`` (default 0.02 m: 2 cm, more than contact
settling of a few millimetres and less than any real slide or fall) and ``turned_deg <=
turn_tol_deg`` (default 5 degrees: a tipping object turns far more). A cup placed 3 cm above a
table falls those 3 cm and is reported unstable; one resting on it is stable.

Result (a plain dict, JSON-ready)::

    {"checked": number of movable objects, "stable": how many are stable,
     "share": stable / checked (1.0 when nothing is checked),
     "unstable": [{"id", "moved_m", "turned_deg"}, ...]   (scene order),
     "sim_seconds": simulated time, "wall_seconds": time spent compiling and simulating}

MuJoCo is an optional dependency (extra ``physics``); without it :class:`MetricUnavailableError`
names the extra. ``MUJOCO_GL=egl`` is put in the environment (when unset) before MuJoCo is
imported; physics does not render, but it keeps a later render in the same process off X11.
MuJoCo's automatic reset on a diverging simulation is switched off for the run, so a blow-up
shows as non-finite poses, which count as unstable (``inf`` in the report).

MuJoCo sizes its constraint memory (the arena) from the model, not from the contacts. When a
scene makes more contacts than that holds (a dozen counters pushed into one another make some
14,000) MuJoCo drops them all and every object falls through the floor. So the run is checked:
when the arena was full (or the solver's stack in it ran out) it is compiled again with four
times the arena and run again, up to :data:`MAX_ARENA_BYTES`; past that the check fails with a
:class:`WorldsmithError`. MuJoCo's warnings during the run are kept out of the output (the
result reports what matters).
"""

from __future__ import annotations

import math
import os
import time
from typing import Any

import numpy as np

from ..scene import Scene, WorldsmithError

#: defaults of :func:`stability` (see the module doc)
DEFAULT_SECONDS = 2.0
DEFAULT_MOVE_TOL_M = 0.02
DEFAULT_TURN_TOL_DEG = 5.0
#: the largest MuJoCo arena a run is retried with (see the module doc)
MAX_ARENA_BYTES = 1 << 30


class MetricUnavailableError(WorldsmithError):
    """A metric needs an optional package that is not installed (the message names the extra)."""


def _mujoco() -> Any:
    os.environ.setdefault("MUJOCO_GL", "egl")
    try:
        import mujoco
    except ImportError as exc:
        raise MetricUnavailableError(
            f"the stability metric needs MuJoCo ({exc}); install it with: pip install 'worldsmith[physics]'") from None
    return mujoco


def _compile(mujoco: Any, xml: str, arena: int | None) -> Any:
    """The model of ``xml``; with ``arena``, that many bytes of constraint memory."""
    try:
        if arena is None:
            return mujoco.MjModel.from_xml_string(xml)
        spec = mujoco.MjSpec.from_string(xml)
        spec.memory = arena
        return spec.compile()
    except ValueError as exc:  # MuJoCo reports compile errors as ValueError
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise WorldsmithError(f"stability: MuJoCo could not compile the scene's MJCF: {first}") from None


def _arena_full(mujoco: Any, data: Any) -> bool:
    """Did MuJoCo run out of arena for contacts or constraints (and drop them)?"""
    return any(int(data.warning[int(w)].number) > 0
               for w in (mujoco.mjtWarning.mjWARN_CONTACTFULL, mujoco.mjtWarning.mjWARN_CNSTRFULL))


def _turn_deg(q0: np.ndarray, q1: np.ndarray) -> float:
    """Angle (degrees) of the rotation between two unit quaternions."""
    a = np.asarray(q0, dtype=float)
    b = np.asarray(q1, dtype=float)
    dot = abs(float(a @ b) / (np.linalg.norm(a) * np.linalg.norm(b)))
    return math.degrees(2.0 * math.acos(min(1.0, dot)))


def stability(scene: Scene, seconds: float = DEFAULT_SECONDS, move_tol_m: float = DEFAULT_MOVE_TOL_M,
              turn_tol_deg: float = DEFAULT_TURN_TOL_DEG) -> dict[str, Any]:
    """Simulate ``scene`` under gravity for ``seconds`` and report which movable objects moved
    more than ``move_tol_m`` or turned more than ``turn_tol_deg`` (see the module doc)."""
    for name, value in (("seconds", seconds), ("move_tol_m", move_tol_m), ("turn_tol_deg", turn_tol_deg)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise WorldsmithError(f"stability: expected {name} to be a finite number >= 0, got {value!r}")
    mujoco = _mujoco()
    from ..export.collision import is_movable
    from ..export.mjcf import scene_to_mjcf

    xml = scene_to_mjcf(scene)
    movable = [o for o in scene.objects if is_movable(o)]
    start = time.perf_counter()
    arena = None  # MuJoCo's own sizing first
    previous = mujoco.get_mju_user_warning()
    mujoco.set_mju_user_warning(lambda message: None)  # a full arena is handled below
    try:
        while True:
            model = _compile(mujoco, xml, arena)
            # a diverging simulation must show as NaN poses (unstable), not be reset to the start
            model.opt.disableflags |= int(mujoco.mjtDisableBit.mjDSBL_AUTORESET)
            data = mujoco.MjData(model)
            addresses = [int(model.joint(o.id).qposadr[0]) for o in movable]
            initial = [data.qpos[a:a + 7].copy() for a in addresses]
            steps = int(round(float(seconds) / model.opt.timestep))
            try:
                if steps > 0:
                    mujoco.mj_step(model, data, nstep=steps)
                full = _arena_full(mujoco, data)
            except mujoco.FatalError as exc:  # the solver's stack, in the same arena, ran out instead
                if "out of memory" not in str(exc):
                    raise WorldsmithError(f"stability: MuJoCo failed: {str(exc).strip().splitlines()[0]}") from None
                full = True
            if not full:
                break
            if model.narena >= MAX_ARENA_BYTES:
                raise WorldsmithError(f"stability: the scene makes too many contacts ({data.ncon}) to simulate "
                                      f"in {MAX_ARENA_BYTES >> 20} MiB of MuJoCo memory (objects pushed into "
                                      "one another?)")
            arena = min(MAX_ARENA_BYTES, 4 * int(model.narena))
    finally:
        mujoco.set_mju_user_warning(previous)
    wall = time.perf_counter() - start

    unstable = []
    for obj, adr, q0 in zip(movable, addresses, initial):
        q1 = data.qpos[adr:adr + 7]
        moved = float(np.linalg.norm(q1[:3] - q0[:3]))
        turned = _turn_deg(q0[3:7], q1[3:7])
        if not (np.all(np.isfinite(q1)) and moved <= move_tol_m and turned <= turn_tol_deg):
            unstable.append({"id": obj.id, "moved_m": round(moved, 6) if math.isfinite(moved) else float("inf"),
                             "turned_deg": round(turned, 4) if math.isfinite(turned) else float("inf")})
    checked = len(movable)
    stable = checked - len(unstable)
    return {"checked": checked, "stable": stable, "share": stable / checked if checked else 1.0,
            "unstable": unstable, "sim_seconds": round(steps * float(model.opt.timestep), 9),
            "wall_seconds": round(wall, 4)}


__all__ = ["DEFAULT_MOVE_TOL_M", "DEFAULT_SECONDS", "DEFAULT_TURN_TOL_DEG", "MAX_ARENA_BYTES", "MetricUnavailableError",
           "stability"]
