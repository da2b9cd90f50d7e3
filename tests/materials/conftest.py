"""Every materials test writes its texture cache under a temporary folder and leaves no texture
folders registered."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_material_state(tmp_path_factory, monkeypatch):
    from worldsmith.materials import clear_texture_folders

    monkeypatch.setenv("WORLDSMITH_CACHE_DIR", str(tmp_path_factory.mktemp("ws_cache")))
    clear_texture_folders()
    yield
    clear_texture_folders()
