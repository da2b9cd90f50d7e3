"""Run a DSL program against a scene: parse, interpret under limits, collect actions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from ..scene import Scene
from .actions import Action
from .api import ProgramContext
from .apply import ApplyReport
from .interpreter import Interpreter, Limits


@dataclass
class ExecResult:
    """What a program did: its actions, the scene after them, and what changed."""

    actions: list[Action]
    scene: Scene
    report: ApplyReport
    fallbacks: list[str] = field(default_factory=list)
    output: list[str] = field(default_factory=list)
    steps: int = 0
    #: what add() substituted for text the catalog does not have word for word (similar categories,
    #: labelled proxies): {"object", "query", "category", "kind", "score", "note"}
    substitutions: list[dict] = field(default_factory=list)


def execute(program: str, scene: Scene | None = None, seed: int = 0, limits: Limits | None = None,
            used_ids: Iterable[str] = ()) -> ExecResult:
    """Run ``program`` from ``scene`` (empty by default). Never mutates ``scene``; raises
    :class:`~worldsmith.dsl.errors.DSLError` with code, line and hint on any problem.

    ``used_ids``: object ids that earlier programs of the same episode added (some may be gone
    since); new objects never take them, exactly as within one program, so an episode's programs
    run one by one number their objects as the same programs run in one piece (``program.py``)."""
    start = scene if scene is not None else Scene(seed=seed)
    ctx = ProgramContext(start, seed, used_ids=used_ids)
    interp = Interpreter(ctx.functions(), ctx._handle_field, limits)
    ctx.excuse = interp.excuse
    interp.run(program)
    return ExecResult(ctx.actions, ctx.scene, ctx.report, ctx.fallbacks, interp.output, interp.steps,
                      ctx.substitutions)
