"""Observation renders for a VLM policy: what the model sees of the scene before each step.

:class:`RenderObserver` renders the views named in ``views`` (any of :data:`VIEWS`) with the fast
``gl`` rasterizer into ``<root>/observations/step_<NNN>_<view>.png`` and returns their paths
relative to ``root`` (the episode's output folder), which the trajectory records:

- ``topdown``: the orthographic top-down render with the labelled overlay (metric grid, object
  ids, an arrow at each object's front, wall ids: :func:`worldsmith.render.overlay.draw_topdown_overlay`),
  ``size[0]`` pixels wide before the overlay margins;
- ``perspective``: the automatic eye-height view (:func:`worldsmith.render.cameras.auto_perspective`);
- ``corner``: the view from the room's first convex corner; ``orbit``: a dollhouse view from above.

The runner asks only when the scene changed since the last renders. A render failure (no GL
driver) is logged once and the episode goes on without images (text-only observations): the model
still gets the scene summary and the validation report.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Sequence

from ..scene import Scene, WorldsmithError
from ..scene.errors import one_line

log = logging.getLogger(__name__)

VIEWS = ("topdown", "perspective", "corner", "orbit")
DEFAULT_VIEWS = ("topdown", "perspective")
DEFAULT_SIZE = (640, 480)
SUBDIR = "observations"


def check_views(views: Sequence[str]) -> tuple[str, ...]:
    """``views`` validated (unknown names raise a one-line error; duplicates dropped)."""
    out: list[str] = []
    for v in views:
        if v not in VIEWS:
            raise WorldsmithError(f"unknown observation view {v!r}; choose from: {', '.join(VIEWS)}")
        if v not in out:
            out.append(v)
    return tuple(out)


def view_image(scene: Scene, view: str, size: tuple[int, int], backend: str = "gl"):
    """An RGB ``uint8`` image of ``scene`` from ``view`` (one of :data:`VIEWS`) at ``size``
    (width, height; the top-down view is square at the width and carries the labelled overlay)."""
    from ..render import cameras, render
    from ..render.overlay import draw_topdown_overlay

    w, h = size
    if view == "topdown":
        cam = cameras.topdown(scene, width=w)
    elif view == "perspective":
        cam = cameras.auto_perspective(scene, width=w, height=h)
    elif view == "corner":
        cam = cameras.corners(scene, width=w, height=h)[0]
    else:
        cam = cameras.orbit(scene, width=w, height=h)[0]
    frame = render(scene, cam, ("rgb",), backend=backend)
    return draw_topdown_overlay(frame.rgb, scene, cam, frame=frame) if view == "topdown" else frame.rgb


class RenderObserver:
    """See the module doc. ``views=()`` renders nothing (text-only observations)."""

    def __init__(self, root: str | Path, views: Sequence[str] = DEFAULT_VIEWS,
                 size: tuple[int, int] = DEFAULT_SIZE, backend: str = "gl"):
        self.root = Path(root)
        self.views = check_views(views)
        w, h = size
        if not (isinstance(w, int) and isinstance(h, int) and 16 <= w <= 4096 and 16 <= h <= 4096):
            raise WorldsmithError(f"expected an observation size of 16..4096 pixels a side, got {w}x{h}")
        self.size = (w, h)
        self.backend = backend
        self.failed: str | None = None

    def observe(self, scene: Scene, step: int) -> tuple[str, ...]:
        if not self.views or self.failed or not scene.rooms:
            return ()
        from PIL import Image

        folder = self.root / SUBDIR
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        try:
            for view in self.views:
                rgb = view_image(scene, view, self.size, self.backend)
                name = f"step_{step:03d}_{view}.png"
                Image.fromarray(rgb).save(folder / name)
                paths.append(f"{SUBDIR}/{name}")
        except Exception as exc:  # noqa: BLE001 - the episode goes on without images
            self.failed = f"{type(exc).__name__}: {one_line(exc)}"
            log.warning("observation renders disabled (%s); the policy gets text-only observations", self.failed)
            return ()
        return tuple(paths)
