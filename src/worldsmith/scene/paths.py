"""Where Worldsmith keeps its per-user files: one place for the cache and the config folder.

- :func:`cache_dir`: ``$WORLDSMITH_CACHE_DIR``, else ``$XDG_CACHE_HOME/worldsmith``, else
  ``~/.cache/worldsmith``. Everything that can be recomputed lives below it, one sub-folder per
  kind (``meshes/``, ``embeddings/``, ``textures/``).
- :func:`config_dir`: ``$WORLDSMITH_CONFIG_DIR``, else ``$XDG_CONFIG_HOME/worldsmith``, else
  ``~/.config/worldsmith``. What the user registered (``libraries.json``, ...).

Both read the environment on every call (tests and tools point them at temporary folders), treat
an empty variable as unset, and expand ``~``. Neither creates the folder.
"""

from __future__ import annotations

import os
from pathlib import Path


def _user_dir(own_var: str, xdg_var: str, home_default: str) -> Path:
    own = os.environ.get(own_var)
    if own:
        return Path(own).expanduser()
    xdg = os.environ.get(xdg_var)
    base = Path(xdg).expanduser() if xdg else Path.home() / home_default
    return base / "worldsmith"


def cache_dir() -> Path:
    """``$WORLDSMITH_CACHE_DIR``, else ``$XDG_CACHE_HOME/worldsmith``, else ``~/.cache/worldsmith``."""
    return _user_dir("WORLDSMITH_CACHE_DIR", "XDG_CACHE_HOME", ".cache")


def config_dir() -> Path:
    """``$WORLDSMITH_CONFIG_DIR``, else ``$XDG_CONFIG_HOME/worldsmith``, else ``~/.config/worldsmith``."""
    return _user_dir("WORLDSMITH_CONFIG_DIR", "XDG_CONFIG_HOME", ".config")


__all__ = ["cache_dir", "config_dir"]
