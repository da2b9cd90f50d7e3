"""The camera model every backend renders with, and the convention written with every frame.

Conventions (written to ``cameras.json`` with every frame, see :meth:`Camera.to_dict`):

* World: the scene's frame, metres, Z up.
* ``cam_to_world`` is a 4x4 matrix in the **OpenCV** camera convention: camera +X points right in
  the image, +Y down, +Z forward (along the viewing direction). ``world_to_cam`` is its inverse.
  The **OpenGL** convention (+X right, +Y up, looking down -Z) is ``cam_to_world @ diag(1, -1, -1, 1)``
  (:meth:`Camera.cam_to_world_gl`).
* Pixels: row ``v`` counts down from the top, column ``u`` to the right; the centre of pixel
  ``(row i, column j)`` is at ``(u, v) = (j, i)`` (OpenCV). Arrays are indexed ``[row, column]``.
* ``perspective``: ``u = fx * x / z + cx``, ``v = fy * y / z + cy`` for a point ``(x, y, z)`` in
  camera coordinates; ``K = [[fx, 0, cx], [0, fy, cy], [0, 0, 1]]``.
* ``orthographic``: ``u = fx * x + cx``, ``v = fy * y + cy`` (``fx`` = ``fy`` = pixels per metre);
  ``K`` is written in the same shape.
* ``equirectangular`` (panoramas): a camera-space direction ``d`` has longitude
  ``atan2(d.x, d.z)`` (0 straight ahead, positive to the right) and latitude ``asin(-d.y)``
  (positive up); ``u = (lon / 2 pi + 0.5) * W - 0.5``, ``v = (0.5 - lat / pi) * H - 0.5``.
* Depth outputs are camera-axis depth (``z`` above) for perspective and orthographic cameras and
  the distance along the ray (range) for equirectangular ones.
"""

from __future__ import annotations

import math
import dataclasses
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from .errors import RenderError

PROJECTIONS = ("perspective", "orthographic", "equirectangular")
#: OpenCV camera axes -> OpenGL camera axes (and back): flip Y and Z
CV_TO_GL = np.diag([1.0, -1.0, -1.0, 1.0])


@dataclass(frozen=True)
class Camera:
    """A camera: projection, image size, pose (OpenCV ``cam_to_world``), intrinsics, clip range.

    ``fov_y_deg`` is used by perspective cameras, ``ortho_height_m`` (metres the image spans
    vertically) by orthographic ones; ``near``/``far`` bound what is drawn (metres along the axis).
    ``hidden`` names scene nodes (object, wall, opening, ``floor_<room>``, ``ceiling_<room>`` ids)
    left out of this view, for every output; ``cutaway`` names nodes drawn only below
    ``cut_height_m`` (a dollhouse view over cut walls). Openings in a hidden wall are hidden with it."""

    name: str
    projection: str
    width: int
    height: int
    cam_to_world: tuple[tuple[float, ...], ...]
    fov_y_deg: float = 60.0
    ortho_height_m: float = 1.0
    near: float = 0.05
    far: float = 100.0
    hidden: tuple[str, ...] = ()
    cutaway: tuple[str, ...] = ()
    cut_height_m: float = 1.2
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if self.projection not in PROJECTIONS:
            raise RenderError(f"expected a projection in {PROJECTIONS}, got {self.projection!r}")
        if not (isinstance(self.width, int) and isinstance(self.height, int)) or self.width < 1 or self.height < 1:
            raise RenderError(f"expected a positive integer image size, got {self.width}x{self.height}")
        if self.width > 8192 or self.height > 8192:
            raise RenderError(f"expected an image of at most 8192 px a side, got {self.width}x{self.height}")
        if self.projection == "perspective" and not 1.0 <= self.fov_y_deg <= 170.0:
            raise RenderError(f"expected a vertical field of view between 1 and 170 degrees, got {self.fov_y_deg}")
        if not 0.0 < self.near < self.far:
            raise RenderError(f"expected 0 < near < far, got near={self.near}, far={self.far}")
        m = np.asarray(self.cam_to_world, dtype=float)
        if m.shape != (4, 4) or not np.all(np.isfinite(m)):
            raise RenderError("expected cam_to_world to be a finite 4x4 matrix")

    # ------------------------------------------------------------------ construction
    @classmethod
    def look_at(cls, name: str, eye: Sequence[float], target: Sequence[float], *, width: int, height: int,
                projection: str = "perspective", fov_y_deg: float = 60.0, ortho_height_m: float = 1.0,
                up: Sequence[float] = (0.0, 0.0, 1.0), near: float = 0.05, far: float = 100.0,
                hidden: Sequence[str] = (), cutaway: Sequence[str] = (), cut_height_m: float = 1.2,
                meta: dict[str, Any] | None = None) -> "Camera":
        """A camera at ``eye`` looking at ``target`` with image-up as close to ``up`` as possible
        (looking straight along ``up``, image-up becomes world +Y)."""
        eye_v = np.asarray(eye, dtype=float)
        fwd = np.asarray(target, dtype=float) - eye_v
        n = np.linalg.norm(fwd)
        if not n > 1e-9:
            raise RenderError(f"camera {name!r}: eye and target coincide at {tuple(eye_v)}")
        fwd /= n
        up_v = np.asarray(up, dtype=float)
        right = np.cross(fwd, up_v)
        if np.linalg.norm(right) < 1e-6:  # looking along up: image-up is world +Y
            right = np.cross(fwd, [0.0, 1.0, 0.0])
        right /= np.linalg.norm(right)
        down = np.cross(fwd, right)
        m = np.eye(4)
        m[:3, 0], m[:3, 1], m[:3, 2], m[:3, 3] = right, down, fwd, eye_v
        return cls(name=name, projection=projection, width=int(width), height=int(height),
                   cam_to_world=_tuple44(m), fov_y_deg=float(fov_y_deg), ortho_height_m=float(ortho_height_m),
                   near=float(near), far=float(far), hidden=tuple(hidden), cutaway=tuple(cutaway),
                   cut_height_m=float(cut_height_m), meta=dict(meta or {}))

    def replace(self, **changes: Any) -> "Camera":
        """A copy with some fields changed (``width``, ``height``, ``near``, ``far``, ``hidden`` ...)."""
        return dataclasses.replace(self, **changes)

    # ------------------------------------------------------------------ matrices
    @property
    def c2w(self) -> np.ndarray:
        return np.asarray(self.cam_to_world, dtype=float)

    @property
    def w2c(self) -> np.ndarray:
        return np.linalg.inv(self.c2w)

    @property
    def position(self) -> np.ndarray:
        return self.c2w[:3, 3].copy()

    @property
    def forward(self) -> np.ndarray:
        return self.c2w[:3, 2].copy()

    def cam_to_world_gl(self) -> np.ndarray:
        """The pose in the OpenGL camera convention (+Y up, looking down -Z)."""
        return self.c2w @ CV_TO_GL

    @property
    def K(self) -> np.ndarray:
        """3x3 intrinsics (see the module doc for what they mean per projection)."""
        cx, cy = self.width / 2.0 - 0.5, self.height / 2.0 - 0.5
        if self.projection == "perspective":
            f = (self.height / 2.0) / math.tan(math.radians(self.fov_y_deg) / 2.0)
        elif self.projection == "orthographic":
            f = self.height / self.ortho_height_m
        else:
            f = self.width / (2.0 * math.pi)  # pixels per radian of longitude
        return np.array([[f, 0.0, cx], [0.0, f, cy], [0.0, 0.0, 1.0]])

    def gl_projection(self) -> np.ndarray:
        """4x4 OpenGL projection matrix from OpenGL eye space to clip space that reproduces
        :attr:`K` exactly (pixel centres as in the module doc)."""
        if self.projection == "equirectangular":
            raise RenderError("an equirectangular camera has no projection matrix; render it as six cube faces")
        K, w, h, n, f = self.K, self.width, self.height, self.near, self.far
        fx, fy, cx, cy = K[0, 0], K[1, 1], K[0, 2], K[1, 2]
        P = np.zeros((4, 4))
        if self.projection == "perspective":
            P[0, 0], P[0, 2] = 2 * fx / w, 1 - 2 * (cx + 0.5) / w
            P[1, 1], P[1, 2] = 2 * fy / h, 2 * (cy + 0.5) / h - 1
            P[2, 2], P[2, 3] = -(f + n) / (f - n), -2 * f * n / (f - n)
            P[3, 2] = -1.0
        else:
            P[0, 0], P[0, 3] = 2 * fx / w, 2 * (cx + 0.5) / w - 1
            P[1, 1], P[1, 3] = 2 * fy / h, 1 - 2 * (cy + 0.5) / h
            P[2, 2], P[2, 3] = -2 / (f - n), -(f + n) / (f - n)
            P[3, 3] = 1.0
        return P

    def gl_view(self) -> np.ndarray:
        """4x4 OpenGL view matrix (world -> OpenGL eye space)."""
        return CV_TO_GL @ self.w2c

    # ------------------------------------------------------------------ geometry
    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(uv, depth)`` of world points (N x 3): pixel coordinates (N x 2, see the module doc)
        and camera-axis depth (range for equirectangular cameras)."""
        p = np.asarray(points, dtype=float).reshape(-1, 3)
        c = p @ self.w2c[:3, :3].T + self.w2c[:3, 3]
        K = self.K
        if self.projection == "perspective":
            z = c[:, 2]
            with np.errstate(divide="ignore", invalid="ignore"):
                uv = np.stack([K[0, 0] * c[:, 0] / z + K[0, 2], K[1, 1] * c[:, 1] / z + K[1, 2]], axis=1)
            return uv, z
        if self.projection == "orthographic":
            return np.stack([K[0, 0] * c[:, 0] + K[0, 2], K[1, 1] * c[:, 1] + K[1, 2]], axis=1), c[:, 2]
        r = np.linalg.norm(c, axis=1)
        lon = np.arctan2(c[:, 0], c[:, 2])
        lat = np.arcsin(np.clip(-c[:, 1] / np.maximum(r, 1e-12), -1, 1))
        return np.stack([(lon / (2 * math.pi) + 0.5) * self.width - 0.5,
                         (0.5 - lat / math.pi) * self.height - 0.5], axis=1), r

    def rays(self, rows: np.ndarray | None = None, cols: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(origins, directions)`` in world space of the rays through pixel centres (all pixels
        in row-major order, or the given ``rows``/``cols``). Directions are unit vectors; for
        perspective cameras ``depth = t * (direction . forward)`` turns a ray distance into depth."""
        if rows is None or cols is None:
            rr, cc = np.mgrid[0:self.height, 0:self.width]
            rows, cols = rr.ravel(), cc.ravel()
        u, v = np.asarray(cols, dtype=float), np.asarray(rows, dtype=float)
        K, c2w = self.K, self.c2w
        if self.projection == "perspective":
            d = np.stack([(u - K[0, 2]) / K[0, 0], (v - K[1, 2]) / K[1, 1], np.ones_like(u)], axis=1)
            o = np.zeros_like(d)
        elif self.projection == "orthographic":
            o = np.stack([(u - K[0, 2]) / K[0, 0], (v - K[1, 2]) / K[1, 1], np.zeros_like(u)], axis=1)
            d = np.tile([0.0, 0.0, 1.0], (len(u), 1))
        else:
            lon = ((u + 0.5) / self.width - 0.5) * 2 * math.pi
            lat = (0.5 - (v + 0.5) / self.height) * math.pi
            d = np.stack([np.cos(lat) * np.sin(lon), -np.sin(lat), np.cos(lat) * np.cos(lon)], axis=1)
            o = np.zeros_like(d)
        d = d / np.linalg.norm(d, axis=1, keepdims=True)
        return o @ c2w[:3, :3].T + c2w[:3, 3], d @ c2w[:3, :3].T

    def to_dict(self) -> dict[str, Any]:
        """The record written to ``cameras.json`` (see the module doc for the conventions)."""
        out: dict[str, Any] = {
            "name": self.name, "projection": self.projection, "width": self.width, "height": self.height,
            "K": _rounded(self.K), "cam_to_world": _rounded(self.c2w), "world_to_cam": _rounded(self.w2c),
            "convention": "opencv (x right, y down, z forward); opengl pose = cam_to_world @ diag(1,-1,-1,1)",
            "near": self.near, "far": self.far,
        }
        if self.projection == "perspective":
            out["fov_y_deg"] = round(self.fov_y_deg, 6)
            out["fov_x_deg"] = round(math.degrees(2 * math.atan(self.width / 2.0 / self.K[0, 0])), 6)
        elif self.projection == "orthographic":
            out["ortho_height_m"] = round(self.ortho_height_m, 6)
        out["depth"] = "range (metres along the ray)" if self.projection == "equirectangular" \
            else "metres along the camera axis (z)"
        if self.hidden:
            out["hidden"] = list(self.hidden)
        if self.cutaway:
            out["cutaway"] = list(self.cutaway)
            out["cut_height_m"] = self.cut_height_m
        if self.meta:
            out["meta"] = self.meta
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Camera":
        try:
            return cls(name=str(data["name"]), projection=str(data["projection"]), width=int(data["width"]),
                       height=int(data["height"]), cam_to_world=_tuple44(np.asarray(data["cam_to_world"], float)),
                       fov_y_deg=float(data.get("fov_y_deg", 60.0)),
                       ortho_height_m=float(data.get("ortho_height_m", 1.0)),
                       near=float(data.get("near", 0.05)), far=float(data.get("far", 100.0)),
                       hidden=tuple(data.get("hidden", ())), cutaway=tuple(data.get("cutaway", ())),
                       cut_height_m=float(data.get("cut_height_m", 1.2)), meta=dict(data.get("meta", {})))
        except (KeyError, TypeError, ValueError) as exc:
            raise RenderError(f"expected a camera record with name, projection, width, height and cam_to_world: {exc}") from None


def _tuple44(m: np.ndarray) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(float(x) for x in row) for row in np.asarray(m, dtype=float).reshape(4, 4))


def _rounded(m: np.ndarray) -> list[list[float]]:
    return [[round(float(x), 9) + 0.0 for x in row] for row in m]
