"""What a render call returns: the images of one camera view plus the tables that explain them.

Outputs (any subset per call, see :data:`OUTPUTS`), all indexed ``[row, column]`` with row 0 at the
top of the image:

* ``rgb``: H x W x 3 uint8, sRGB-encoded, anti-aliased, tone-mapped.
* ``depth``: H x W float32 metres along the camera axis (range along the ray for panoramas);
  ``inf`` where nothing was hit (background). Exact: no anti-aliasing, no tone mapping.
* ``instance``: H x W int32 instance ids; ``Frame.instances[i]`` describes id ``i`` (``id``,
  ``kind``, ``category``, ``semantic``); 0 is the background.
* ``semantic``: H x W int32 class ids; ``Frame.categories[c]`` names class ``c``; 0 is background.
* ``normal``: H x W x 3 float32 unit normals in **world** space facing the camera (zero on the
  background); ``Frame.normal_in_camera()`` turns them into OpenCV camera space.
* ``albedo``: H x W x 3 uint8, the sRGB-encoded base colour (texture included), unlit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np

from .camera import Camera
from .errors import RenderError

OUTPUTS = ("rgb", "depth", "instance", "semantic", "normal", "albedo")
DEFAULT_OUTPUTS = frozenset({"rgb"})


def parse_outputs(outputs: Iterable[str] | str | None) -> frozenset[str]:
    """A validated set of output names (a comma-separated string or an iterable)."""
    if outputs is None:
        return DEFAULT_OUTPUTS
    if isinstance(outputs, str):
        outputs = [o for o in (x.strip() for x in outputs.split(",")) if o]
    names = frozenset(str(o).strip().lower() for o in outputs)
    unknown = sorted(names - set(OUTPUTS))
    if unknown:
        raise RenderError(f"unknown render output {', '.join(unknown)}: expected any of {', '.join(OUTPUTS)}")
    if not names:
        raise RenderError(f"expected at least one render output of {', '.join(OUTPUTS)}")
    return names


@dataclass
class Frame:
    """The images of one view (see the module doc), the camera and the id tables."""

    camera: Camera
    images: dict[str, np.ndarray]
    instances: list[dict[str, Any]]
    categories: list[str]
    backend: str = ""
    stats: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self.images[name]
        except KeyError:
            raise RenderError(f"this frame has no {name!r} output (it has {', '.join(sorted(self.images))})") from None

    def __contains__(self, name: str) -> bool:
        return name in self.images

    @property
    def rgb(self) -> np.ndarray:
        return self["rgb"]

    @property
    def depth(self) -> np.ndarray:
        return self["depth"]

    @property
    def instance(self) -> np.ndarray:
        return self["instance"]

    @property
    def semantic(self) -> np.ndarray:
        return self["semantic"]

    def normal_in_camera(self) -> np.ndarray:
        """The normal image rotated into OpenCV camera space."""
        r = self.camera.w2c[:3, :3]
        return (self["normal"].reshape(-1, 3) @ r.T).reshape(self["normal"].shape).astype(np.float32)

    def points(self) -> np.ndarray:
        """World position (H x W x 3, float64) of every pixel from the depth image (camera-axis depth,
        or range for panoramas); NaN where nothing was hit. A point cloud of the view."""
        cam = self.camera
        o, d = cam.rays()
        depth = self["depth"].ravel().astype(np.float64)
        t = depth if cam.projection == "equirectangular" else depth / (d @ cam.forward)
        with np.errstate(invalid="ignore"):
            pts = o + d * np.where(np.isfinite(t), t, np.nan)[:, None]
        return pts.reshape(cam.height, cam.width, 3)

    def visible_ids(self) -> dict[str, int]:
        """Scene ids (objects, walls, ...) visible in the instance image and their pixel counts."""
        counts = np.bincount(self["instance"].ravel(), minlength=len(self.instances))
        return {self.instances[i]["id"]: int(n) for i, n in enumerate(counts) if n and i > 0}

    def mask(self, node_id: str) -> np.ndarray:
        """Boolean mask of the pixels showing scene node ``node_id`` (object, wall, opening ...)."""
        for i, e in enumerate(self.instances):
            if e.get("id") == node_id:
                return self["instance"] == i
        raise RenderError(f"no instance {node_id!r} in this frame's table")
