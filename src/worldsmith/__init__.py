"""Worldsmith: text prompt -> simulation-ready 3D indoor scene.

``import worldsmith`` stays light: it loads the scene model only. Heavy backends (renderers,
physics, learning) are imported lazily by the modules that need them.
"""

__version__ = "0.1.0"

from .scene import Scene  # noqa: E402  (re-export of the central type)

__all__ = ["Scene", "__version__"]
