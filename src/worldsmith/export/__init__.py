"""Export (and import) of scenes to interchange formats.

:func:`export_scene` picks an exporter by format name from :data:`EXPORTERS`, a lazy registry of
``"module:attr"`` strings (ARCHITECTURE.md section 5): nothing is imported until a format is used,
so heavy optional packages (pxr, mujoco) load only for their own format: ``glb``, ``usd``
(usd-core), ``mjcf`` (mujoco), ``sceneeval`` and ``generalist``. :data:`IMPORTERS` does the same
for reading scenes (``generalist``, ``glb``; :func:`import_scene`).

Every exporter has the :class:`Exporter` signature ``(scene, path) -> None``.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .errors import ExportError, ExporterUnavailableError, UnknownFormatError

if TYPE_CHECKING:
    from ..scene import Scene


class Exporter(Protocol):
    def __call__(self, scene: "Scene", path: str | Path) -> None: ...


#: format name -> "module:attr" of its exporter
EXPORTERS: dict[str, str] = {
    "glb": "worldsmith.export.gltf:export_glb",
    "usd": "worldsmith.export.usd:export_usd",
    "mjcf": "worldsmith.export.mjcf:export_mjcf",
    "sceneeval": "worldsmith.export.sceneeval:export_sceneeval",
    "generalist": "worldsmith.export.generalist:export_generalist",
}

#: format name -> the optional extra (pyproject) its exporter needs, named in load errors
EXTRAS: dict[str, str] = {"usd": "usd", "mjcf": "physics"}


def register_exporter(fmt: str, target: str, extra: str | None = None) -> None:
    """Register (or replace) the exporter of ``fmt`` as a lazy ``"module:attr"`` target."""
    if ":" not in target:
        raise ExportError(f"expected an exporter target 'module:attr', got {target!r}")
    EXPORTERS[fmt.lower()] = target
    if extra:
        EXTRAS[fmt.lower()] = extra


def known_formats() -> list[str]:
    return sorted(EXPORTERS)


def get_exporter(fmt: str) -> Exporter:
    """The exporter function of ``fmt`` (case-insensitive, a leading dot is ignored)."""
    key = fmt.strip().lower().lstrip(".") if isinstance(fmt, str) else None
    if key not in EXPORTERS:
        raise UnknownFormatError(fmt, known_formats())
    module_name, attr = EXPORTERS[key].split(":", 1)
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        extra = EXTRAS.get(key)
        hint = f"; install it with: pip install 'worldsmith[{extra}]'" if extra else ""
        raise ExporterUnavailableError(f"the {key!r} exporter could not load ({exc}){hint}") from exc
    return getattr(module, attr)


def export_scene(scene: "Scene", fmt: str, path: str | Path, **options: Any) -> None:
    """Write ``scene`` to ``path`` in format ``fmt`` (one of :func:`known_formats`); ``options`` are
    the exporter's own keywords (glb: ``texture_px``)."""
    get_exporter(fmt)(scene, path, **options)


#: format name -> "module:attr" of its reader: ``(path) -> ImportResult`` (``scene``, ``references``:
#: object id -> where a foreign object came from, ``notes``: what was guessed, adjusted or skipped)
IMPORTERS: dict[str, str] = {
    "generalist": "worldsmith.export.generalist:read_generalist",
    "glb": "worldsmith.export.glb_scene:read_glb_scene",
}


def known_import_formats() -> list[str]:
    return sorted(IMPORTERS)


def read_import(path: str | Path, fmt: str) -> Any:
    """Read ``path`` in format ``fmt`` (one of :func:`known_import_formats`): the reader's
    ``ImportResult`` (``.scene``, ``.references``, ``.notes``)."""
    key = fmt.strip().lower().lstrip(".") if isinstance(fmt, str) else None
    if key not in IMPORTERS:
        raise UnknownFormatError(fmt, known_import_formats(), "import")
    p = Path(path)
    if not p.is_file():
        raise ExportError(f"{p} does not exist" if not p.exists() else f"{p} is not a file")
    module_name, attr = IMPORTERS[key].split(":", 1)
    return getattr(importlib.import_module(module_name), attr)(p)


def import_scene(path: str | Path, fmt: str) -> "Scene":
    """The scene in ``path`` (format ``fmt``, see :func:`read_import`)."""
    return read_import(path, fmt).scene


_LAZY = {"export_glb", "import_glb", "scene_to_glb_bytes", "NodeInfo"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from . import gltf

        return getattr(gltf, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["EXPORTERS", "EXTRAS", "IMPORTERS", "import_scene", "read_import", "known_import_formats", "ExportError", "Exporter", "ExporterUnavailableError", "NodeInfo",
           "UnknownFormatError", "export_glb", "export_scene", "get_exporter", "import_glb", "known_formats",
           "register_exporter", "scene_to_glb_bytes"]
