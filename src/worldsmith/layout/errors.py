"""Layout errors shared by the solvers.

:class:`Unplaceable` is what a solver raises when no pose keeps every hard constraint of an
object. ``layout.solver`` re-exports it (``from .errors import Unplaceable``), so callers import it
from either module; it is one class.
"""

from __future__ import annotations

from .resolve import PlacementError


class Unplaceable(PlacementError):
    """No pose satisfies the object's hard constraints.

    ``constraint`` names what failed, in words a report can show ("no overlap", "door clearance",
    "wall space on wall_2: doors/windows/wall objects/tall furniture", "inside the room");
    ``hint`` says what would work (a shorter object, another wall, a lower height ...)."""

    def __init__(self, message: str, hint: str = "", constraint: str = ""):
        self.constraint = constraint
        super().__init__(message, hint)
