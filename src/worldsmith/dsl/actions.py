"""Actions: the frozen values a DSL program turns into. ``apply`` commits them atomically.

Each action carries everything needed to re-apply it to the same scene with the same result
(ids and sampled asset parameters are decided when the program runs, not when it is applied).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..layout.constraints import Constraint
from ..scene import AssetRef, Attributes, Light


@dataclass(frozen=True)
class CreateRoom:
    name: str
    polygon: tuple[tuple[float, float], ...]
    height: float
    wall_thickness: float = 0.12


@dataclass(frozen=True)
class AddOpening:
    kind: str  # "door" | "window"
    wall: str
    center_along: float  # fraction of the wall's length where the opening's centre lies
    width: float
    height: float
    sill: float = 0.0
    hinge: str = "start"
    swing: str = "in"


@dataclass(frozen=True)
class SetMaterial:
    surface: str  # "floor", "ceiling", "walls" or a wall id
    material: str


@dataclass(frozen=True)
class AddObject:
    id: str
    category: str
    asset: AssetRef
    size: tuple[float, float, float]
    attributes: Attributes = field(default_factory=Attributes)
    on: str | None = None  # id of the supporting object
    surface: int | None = None


@dataclass(frozen=True)
class Place:
    """Place one object by its constraints: resolved exactly when they are all direct (at / yaw /
    height / against with a fixed position), else solved (:func:`worldsmith.layout.solver.solve_place`)."""

    id: str
    constraints: tuple[Constraint, ...]


@dataclass(frozen=True)
class PlaceGroup:
    """Place several objects in one solve (a row, a grid, chairs around a table): ``constraints[i]``
    are the constraints of ``ids[i]``."""

    ids: tuple[str, ...]
    constraints: tuple[tuple[Constraint, ...], ...]


@dataclass(frozen=True)
class AddLight:
    light: Light


@dataclass(frozen=True)
class Move:
    id: str
    dx: float = 0.0
    dy: float = 0.0
    dz: float = 0.0


@dataclass(frozen=True)
class Rotate:
    id: str
    yaw_deg: float  # absolute heading after the turn


@dataclass(frozen=True)
class Resize:
    id: str
    size: tuple[float, float, float]


@dataclass(frozen=True)
class Remove:
    id: str


Action = (CreateRoom | AddOpening | SetMaterial | AddObject | Place | PlaceGroup | AddLight | Move | Rotate | Resize
          | Remove)
