"""Rendering: cameras, backends and the labelled top-down floor plan.

Kept light on purpose: importing this package imports no backend. The pieces:

- :mod:`.camera`: :class:`Camera` and the pixel / pose conventions written with every frame.
- :mod:`.frame`: :class:`Frame`, what a render call returns, and the output names (:data:`OUTPUTS`).
- :mod:`.scenegeom`: the scene as world-space triangles with looks and the instance / semantic tables.
- :mod:`.cameras`: camera presets (top-down, auto perspective, corners, orbit, panorama).
- backends, by name through :func:`get_renderer`: ``gl`` (moderngl on EGL, fast, exact ground truth)
  and ``pbr`` (Mitsuba 3 path tracer). Both implement :class:`Renderer`.
- :mod:`.plan`: the labelled architectural floor plan (Pillow); :mod:`.sketch`: asset previews.

``render(scene, camera, outputs={"rgb", "depth"}, backend="gl")`` is the one-call entry point.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any, Iterable, Protocol

from .errors import RenderError, RendererUnavailableError

if TYPE_CHECKING:
    from ..scene import Scene
    from .camera import Camera
    from .frame import Frame

log = logging.getLogger(__name__)


class Renderer(Protocol):
    """A render backend. ``render`` draws one view of a scene; geometry is uploaded once per scene
    and reused while the same scene object is rendered again."""

    name: str

    def render(self, scene: "Scene", camera: "Camera", outputs: Iterable[str] = ("rgb",), **options: Any) -> "Frame": ...


#: backend name -> "module:attr" of a zero-argument factory
RENDERERS: dict[str, str] = {
    "gl": "worldsmith.render.gl:GLRenderer",
    "pbr": "worldsmith.render.pbr:PBRRenderer",
}
#: backend name -> the optional extra it needs (named in load errors)
EXTRAS: dict[str, str] = {"gl": "render", "pbr": "render"}
_INSTANCES: dict[str, Any] = {}


def known_renderers() -> list[str]:
    return sorted(RENDERERS)


def get_renderer(name: str = "gl") -> Renderer:
    """The (process-wide, reused) renderer of backend ``name``; raises
    :class:`RendererUnavailableError` naming the extra to install when it cannot load."""
    key = str(name).strip().lower()
    if key not in RENDERERS:
        raise RenderError(f"unknown render backend {name!r}: expected one of {', '.join(known_renderers())}")
    if key not in _INSTANCES:
        module_name, attr = RENDERERS[key].split(":", 1)
        try:
            factory = getattr(importlib.import_module(module_name), attr)
            _INSTANCES[key] = factory()
        except ImportError as exc:
            raise RendererUnavailableError(
                f"the {key!r} renderer could not load ({exc}); install it with: pip install 'worldsmith[{EXTRAS[key]}]'"
            ) from None
    return _INSTANCES[key]


def render(scene: "Scene", camera: "Camera", outputs: Iterable[str] | str = ("rgb",), *, backend: str = "gl",
           **options: Any) -> "Frame":
    """Render one view of ``scene`` with ``backend`` (see :mod:`.frame` for the outputs). Equirectangular
    cameras are rendered as six cube faces and resampled (:mod:`.panorama`)."""
    from .frame import parse_outputs

    wanted = parse_outputs(outputs)
    renderer = get_renderer(backend)
    if camera.projection == "equirectangular":
        from .panorama import render_panorama

        return render_panorama(renderer, scene, camera, wanted, **options)
    return renderer.render(scene, camera, wanted, **options)


__all__ = ["EXTRAS", "RENDERERS", "RenderError", "Renderer", "RendererUnavailableError", "get_renderer",
           "known_renderers", "render"]
