"""Plane geometry for the scene model: polygons, walls, footprints.

Conventions (ARCHITECTURE.md section 2): metres, Z up, right-handed, floor at z = 0. An object's
front is its local +Y; ``yaw_deg`` turns it counter-clockwise about +Z. Room polygons are stored
counter-clockwise, so the inward normal of an edge is its direction turned left by 90 degrees.
"""

from __future__ import annotations

import math
from typing import Iterable, Sequence

import numpy as np

Point2 = tuple[float, float]


def signed_area(points: Sequence[Point2]) -> float:
    """Shoelace area: positive for counter-clockwise polygons."""
    total = 0.0
    n = len(points)
    for i in range(n):
        x0, y0 = points[i]
        x1, y1 = points[(i + 1) % n]
        total += x0 * y1 - x1 * y0
    return total / 2.0


def _segments_cross(p1: Point2, p2: Point2, q1: Point2, q2: Point2) -> bool:
    """True when the closed segments p1-p2 and q1-q2 share any point."""

    def orient(a: Point2, b: Point2, c: Point2) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    def on_segment(a: Point2, b: Point2, c: Point2) -> bool:
        return (
            min(a[0], b[0]) - 1e-12 <= c[0] <= max(a[0], b[0]) + 1e-12
            and min(a[1], b[1]) - 1e-12 <= c[1] <= max(a[1], b[1]) + 1e-12
        )

    d1, d2 = orient(q1, q2, p1), orient(q1, q2, p2)
    d3, d4 = orient(p1, p2, q1), orient(p1, p2, q2)
    eps = 1e-12
    if ((d1 > eps and d2 < -eps) or (d1 < -eps and d2 > eps)) and (
        (d3 > eps and d4 < -eps) or (d3 < -eps and d4 > eps)
    ):
        return True
    if abs(d1) <= eps and on_segment(q1, q2, p1):
        return True
    if abs(d2) <= eps and on_segment(q1, q2, p2):
        return True
    if abs(d3) <= eps and on_segment(p1, p2, q1):
        return True
    if abs(d4) <= eps and on_segment(p1, p2, q2):
        return True
    return False


def simple_polygon_problem(points: Sequence[Point2]) -> str | None:
    """Why ``points`` is not a simple polygon, or None when it is one."""
    n = len(points)
    if n < 3:
        return f"at least 3 vertices (got {n})"
    for i in range(n):
        a, b = points[i], points[(i + 1) % n]
        if math.dist(a, b) < 1e-6:
            return f"distinct consecutive vertices (vertex {i} repeats)"
    for i in range(n):
        a1, a2 = points[i], points[(i + 1) % n]
        for j in range(i + 1, n):
            if j == i or (j + 1) % n == i or j == (i + 1) % n:
                continue
            b1, b2 = points[j], points[(j + 1) % n]
            if _segments_cross(a1, a2, b1, b2):
                return f"a simple polygon (edge {i} crosses edge {j})"
    if abs(signed_area(points)) < 1e-9:
        return "a polygon with non-zero area"
    return None


def point_in_polygon(point: Point2, polygon: Sequence[Point2]) -> bool:
    """Even-odd rule; points on the boundary count as inside."""
    x, y = point
    inside = False
    n = len(polygon)
    for i in range(n):
        x0, y0 = polygon[i]
        x1, y1 = polygon[(i + 1) % n]
        if _point_on_segment(point, (x0, y0), (x1, y1)):
            return True
        if (y0 > y) != (y1 > y):
            xc = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
            if x < xc:
                inside = not inside
    return inside


def _point_on_segment(p: Point2, a: Point2, b: Point2, eps: float = 1e-9) -> bool:
    cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])
    if abs(cross) > eps * max(1.0, math.dist(a, b)):
        return False
    return (
        min(a[0], b[0]) - eps <= p[0] <= max(a[0], b[0]) + eps
        and min(a[1], b[1]) - eps <= p[1] <= max(a[1], b[1]) + eps
    )


def rotation_z(yaw_deg: float) -> np.ndarray:
    """2x2 rotation matrix for a counter-clockwise turn of ``yaw_deg`` degrees."""
    t = math.radians(yaw_deg)
    c, s = math.cos(t), math.sin(t)
    return np.array([[c, -s], [s, c]])


def footprint(position: Sequence[float], size: Sequence[float], yaw_deg: float) -> list[Point2]:
    """Corners (counter-clockwise) of the rotated rectangle an object covers on the floor."""
    w, d = size[0] / 2.0, size[1] / 2.0
    local = np.array([[-w, -d], [w, -d], [w, d], [-w, d]])
    world = local @ rotation_z(yaw_deg).T + np.asarray(position[:2], dtype=float)
    return [(float(x), float(y)) for x, y in world]


def front_direction(yaw_deg: float) -> Point2:
    """Unit vector of an object's front (+Y local) in world XY."""
    t = math.radians(yaw_deg)
    return (-math.sin(t), math.cos(t))


def yaw_facing(direction: Point2) -> float:
    """The yaw (degrees in [0, 360)) that turns an object's front towards ``direction``."""
    yaw = math.degrees(math.atan2(-direction[0], direction[1]))
    yaw = yaw % 360.0
    return 0.0 if abs(yaw - 360.0) < 1e-9 else yaw


def polygon_bounds(points: Iterable[Point2]) -> tuple[float, float, float, float]:
    pts = list(points)
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)
