"""Points: what a pointing model answers, and how a point in a close view becomes a spot on a surface.

**Normalised points.** A point is ``(x, y)`` in percent of the image: ``x`` from 0 (left edge) to
100 (right edge), ``y`` from 0 (top edge) to 100 (bottom edge), as Molmo-style pointing VLMs
answer. In the camera's pixel convention (:mod:`worldsmith.render.camera`: the centre of pixel
column ``j`` is at ``u = j``) the continuous image position is ``u = x / 100 * W - 0.5``,
``v = y / 100 * H - 0.5``; :func:`normalise` is the exact inverse.

**Parsing** (:func:`parse_points`), in order of appearance, every format found:

- ``<point x="61.5" y="40.2" alt="mug">mug</point>`` (the label is ``alt``, else the tag's text);
- ``<points x1="10" y1="20" x2="30" y2="40" alt="books">books</points>`` (numbered pairs, one label);
- JSON: a list of ``{"x": .., "y": ..}`` objects (label from ``label`` / ``alt`` / ``name`` /
  ``category``), of ``{"point": [x, y]}`` (also ``point_2d``, ``xy``), or of ``[x, y]`` pairs;
  or an object holding such a list under ``points``;
- ``(x, y)`` pairs in prose (``mug: (61.5, 40.2)``); the label is the text before the pair on its
  line, list numbering and punctuation removed.

Tags win: when a reply has ``<point>``/``<points>`` tags, only they are read; else JSON, else pairs.
Values are taken as written (no rescaling); a value outside 0..100 is kept and rejected later as
"off the image".

**Lifting** (:func:`lift`): the ray through the point (:meth:`Camera.rays`) is intersected with
the horizontal plane ``z`` of the surface; a point off the image, or whose ray does not come down
to the plane in front of the camera, is rejected with that reason. Whether the spot lies on the
surface's polygon is the placer's test (it knows the polygon).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

_NUM = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"
_TAG = re.compile(r"<(points?)\b([^>]*)>(.*?)(?:</\1\s*>|(?=<points?\b)|$)", re.IGNORECASE | re.DOTALL)
_ATTR = re.compile(r"([A-Za-z_][\w-]*)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+))")
_PAIR = re.compile(r"\(\s*(" + _NUM + r")\s*,\s*(" + _NUM + r")\s*\)")
_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.DOTALL)


@dataclass(frozen=True)
class Point:
    """A normalised point (percent of the image: x from the left, y from the top) and the label the
    model gave it ("" when none)."""

    x: float
    y: float
    label: str = ""

    @property
    def xy(self) -> tuple[float, float]:
        return (self.x, self.y)


# ---------------------------------------------------------------------------------------------
# parsing


def _attrs(text: str) -> dict[str, str]:
    out = {}
    for m in _ATTR.finditer(text):
        out[m.group(1).lower()] = next(g for g in m.groups()[1:] if g is not None)
    return out


def _clean_label(text: str) -> str:
    text = re.sub(r"<[^>]*>", " ", str(text))
    text = re.sub(r"^\s*(?:[-*•]|\d+\s*[.):])\s*", "", text)  # list numbering
    text = re.sub(r"\b(?:at|is|goes|point|points)\b\s*$", "", text.strip(), flags=re.IGNORECASE)
    text = re.sub(r"^\s*(?:and|then|or|,)\b\s*", "", text, flags=re.IGNORECASE)
    return text.strip(" \t:=-,;.\"'")


def _tag_points(text: str) -> list[Point]:
    out: list[Point] = []
    for m in _TAG.finditer(text):
        kind, attrs, inner = m.group(1).lower(), _attrs(m.group(2)), m.group(3)
        if m.group(2).rstrip().endswith("/"):  # self-closing: no text of its own
            inner = ""
        label = _clean_label(attrs.get("alt") or inner or "")
        try:
            if kind == "point" and "x" in attrs and "y" in attrs:
                out.append(Point(float(attrs["x"]), float(attrs["y"]), label))
                continue
            i = 1
            while f"x{i}" in attrs and f"y{i}" in attrs:
                out.append(Point(float(attrs[f"x{i}"]), float(attrs[f"y{i}"]), label))
                i += 1
            if i == 1 and "x" in attrs and "y" in attrs:  # <points x=.. y=..>: one point
                out.append(Point(float(attrs["x"]), float(attrs["y"]), label))
        except ValueError:
            continue
    return out


def _json_candidates(text: str) -> list[str]:
    cands = [m.group(1) for m in _FENCE.finditer(text)]
    for open_, close in (("[", "]"), ("{", "}")):
        a, b = text.find(open_), text.rfind(close)
        if 0 <= a < b:
            cands.append(text[a:b + 1])
    return cands


def _number(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v.strip())
        except ValueError:
            return None
    return None


def _json_point(e: Any) -> Point | None:
    if isinstance(e, (list, tuple)) and len(e) == 2:
        x, y = _number(e[0]), _number(e[1])
        return None if x is None or y is None else Point(x, y)
    if not isinstance(e, dict):
        return None
    low = {str(k).lower(): v for k, v in e.items()}
    label = ""
    for key in ("label", "alt", "name", "category", "item", "object"):
        if isinstance(low.get(key), str):
            label = _clean_label(low[key])
            break
    if "x" in low and "y" in low:
        x, y = _number(low["x"]), _number(low["y"])
        return None if x is None or y is None else Point(x, y, label)
    for key in ("point", "point_2d", "xy", "position"):
        p = _json_point(low.get(key)) if key in low else None
        if p is not None:
            return Point(p.x, p.y, label)
    return None


def _json_points(text: str) -> list[Point]:
    for cand in _json_candidates(text):
        try:
            data = json.loads(cand)
        except (json.JSONDecodeError, ValueError):
            continue
        if isinstance(data, dict):
            data = next((data[k] for k in ("points", "items", "objects") if isinstance(data.get(k), list)), [data])
        if not isinstance(data, list):
            continue
        if len(data) == 2 and all(_number(v) is not None for v in data):  # one bare [x, y]
            data = [data]
        pts = [p for p in (_json_point(e) for e in data) if p is not None]
        if pts:
            return pts
    return []


def _pair_points(text: str) -> list[Point]:
    out: list[Point] = []
    for line in text.splitlines():
        start = 0
        for m in _PAIR.finditer(line):
            out.append(Point(float(m.group(1)), float(m.group(2)), _clean_label(line[start:m.start()])))
            start = m.end()
    return out


def parse_points(text: str) -> list[Point]:
    """Every point in a model's reply, in order (see the module docstring for the formats)."""
    text = str(text or "")
    return _tag_points(text) or _json_points(text) or _pair_points(text)


# ---------------------------------------------------------------------------------------------
# geometry


def normalise(camera, world: np.ndarray | Sequence[Sequence[float]]) -> np.ndarray:
    """Normalised points (N, 2), percent of the image, of world points (N, 3) in ``camera``
    (perspective or orthographic); NaN for points behind a perspective camera."""
    uv, depth = camera.project(np.asarray(world, dtype=float).reshape(-1, 3))
    out = np.stack([(uv[:, 0] + 0.5) / camera.width * 100.0, (uv[:, 1] + 0.5) / camera.height * 100.0], axis=1)
    if camera.projection == "perspective":
        out[~(depth > 1e-9)] = np.nan
    return out


def lift(camera, x: float, y: float, z: float) -> tuple[tuple[float, float] | None, str]:
    """The world (x, y) where the ray through normalised point (``x``, ``y``) meets the plane at
    height ``z``; (None, why) for a point off the image or a ray that does not come down to it."""
    if not (np.isfinite(x) and np.isfinite(y)) or not (0.0 <= x <= 100.0 and 0.0 <= y <= 100.0):
        return None, f"off the image: ({x:g}, {y:g}) is outside 0..100"
    u = np.array([x / 100.0 * camera.width - 0.5])
    v = np.array([y / 100.0 * camera.height - 0.5])
    o, d = camera.rays(rows=v, cols=u)
    o, d = o[0], d[0]
    if abs(d[2]) < 1e-12:
        return None, "the point looks level with the surface, not down at it"
    t = (z - o[2]) / d[2]
    if t <= 0.0:
        return None, "the point is above the horizon: its ray never comes down to the surface"
    p = o + t * d
    return (float(p[0]), float(p[1])), ""
