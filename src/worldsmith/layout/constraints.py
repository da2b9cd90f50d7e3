"""Placement constraints as frozen values: what a program asked for, kept so it can be re-solved."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class At:
    """Put the object's bottom centre at (x, y) (z follows from its support)."""

    x: float
    y: float


@dataclass(frozen=True)
class Yaw:
    """Turn the object so its front points ``deg`` degrees counter-clockwise from +Y."""

    deg: float


@dataclass(frozen=True)
class Against:
    """Back flush against ``wall``, front facing into the room, its centre at fraction ``along``
    (0 = wall start, 1 = wall end) of the wall's length."""

    wall: str
    along: float = 0.5


@dataclass(frozen=True)
class Height:
    """Bottom of a wall-mounted object ``m`` metres above the floor."""

    m: float


Constraint = At | Yaw | Against | Height
