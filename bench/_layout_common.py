"""Shared by bench/layout.py and bench/layout_scaling.py: run a layout program and measure it.

:func:`measure` executes a DSL program (the wall time of the whole program), replays its actions on
an empty scene timing the placements alone (the solver's time), and judges the final scene with
the real validator, the navigability report and the relation report.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any


@dataclass
class Measured:
    result: Any  # worldsmith.dsl.ExecResult
    program_s: float  # execute(): adding the objects and solving their placements
    solve_s: float  # the Place / PlaceGroup actions replayed one by one
    report: Any  # worldsmith.metrics.ValidationReport
    navigability: dict  # room id -> navigability_report row
    relations: list  # relation_report rows

    @property
    def placed(self) -> int:
        """Floor objects in the final scene."""
        return sum(1 for o in self.result.scene.objects if o.support == "floor")

    @property
    def asked(self) -> int:
        """Floor objects the program asked for: placed plus unplaced."""
        return self.placed + len(self.result.report.unplaced)

    @property
    def worst_ratio(self) -> float:
        return min(r["ratio"] for r in self.navigability.values())


def measure(program: str, seed: int, seconds: float, steps: int) -> Measured:
    from worldsmith.dsl import Limits, apply, execute
    from worldsmith.dsl import actions as A
    from worldsmith.layout.relations import relation_report
    from worldsmith.metrics import validate
    from worldsmith.metrics.navigability import navigability_report
    from worldsmith.scene import Scene

    t0 = time.perf_counter()
    result = execute(program, seed=seed, limits=Limits(seconds=seconds, steps=steps))
    program_s = time.perf_counter() - t0
    scene = Scene(seed=seed)
    solve_s = 0.0
    for action in result.actions:
        t1 = time.perf_counter()
        scene, _ = apply(scene, [action])
        if isinstance(action, (A.Place, A.PlaceGroup)):
            solve_s += time.perf_counter() - t1
    return Measured(result, program_s, solve_s, validate(result.scene), navigability_report(result.scene),
                    relation_report(result.scene))
