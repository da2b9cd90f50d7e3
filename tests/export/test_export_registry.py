"""The exporter registry: lazy "module:attr" targets, format names, errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

import worldsmith.export as export
from worldsmith.export import (
    EXPORTERS, ExporterUnavailableError, UnknownFormatError, export_scene, get_exporter, known_formats,
    register_exporter,
)
from worldsmith.scene import Scene, WorldsmithError


def test_every_registered_exporter_loads():
    assert "glb" in known_formats()
    for fmt in EXPORTERS:
        fn = get_exporter(fmt)
        assert callable(fn)
        module, attr = EXPORTERS[fmt].split(":")
        assert fn.__module__ == module and fn.__name__ == attr


def test_format_names_are_forgiving():
    assert get_exporter(".GLB") is get_exporter("glb")


@pytest.mark.parametrize("fmt", ["fbx", "", "gl b", None, 3])
def test_unknown_format(fmt, tmp_path):
    with pytest.raises(UnknownFormatError) as err:
        export_scene(Scene(), fmt, tmp_path / "x")
    assert isinstance(err.value, WorldsmithError) and isinstance(err.value, ValueError)
    assert "glb" in str(err.value)


def test_unloadable_exporter_names_its_extra(monkeypatch):
    monkeypatch.setitem(export.EXPORTERS, "nope", "worldsmith_no_such_module:export")
    monkeypatch.setitem(export.EXTRAS, "nope", "nope-extra")
    with pytest.raises(ExporterUnavailableError, match=r"worldsmith\[nope-extra\]"):
        get_exporter("nope")


def test_register_exporter(monkeypatch):
    monkeypatch.setattr(export, "EXPORTERS", dict(export.EXPORTERS))
    monkeypatch.setattr(export, "EXTRAS", dict(export.EXTRAS))
    register_exporter("GLB2", "worldsmith.export.gltf:export_glb")
    assert get_exporter("glb2") is get_exporter("glb")
    with pytest.raises(WorldsmithError):
        register_exporter("bad", "no_colon")


def test_import_export_is_lazy():
    code = "import sys, worldsmith.export; assert 'worldsmith.export.gltf' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
