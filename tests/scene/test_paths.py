"""The one cache folder and the one config folder every layer uses."""

from __future__ import annotations

import pytest

from worldsmith.scene.paths import cache_dir, config_dir

CASES = [(cache_dir, "WORLDSMITH_CACHE_DIR", "XDG_CACHE_HOME", ".cache"),
         (config_dir, "WORLDSMITH_CONFIG_DIR", "XDG_CONFIG_HOME", ".config")]


@pytest.mark.parametrize("fn, own, xdg, home_sub", CASES)
def test_own_variable_then_xdg_then_home(monkeypatch, tmp_path, fn, own, xdg, home_sub):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv(own, str(tmp_path / "own"))
    monkeypatch.setenv(xdg, str(tmp_path / "xdg"))
    assert fn() == tmp_path / "own"  # used as given: no "worldsmith" appended
    monkeypatch.setenv(own, "")  # empty counts as unset
    assert fn() == tmp_path / "xdg" / "worldsmith"
    monkeypatch.delenv(own)
    monkeypatch.setenv(xdg, "")
    assert fn() == tmp_path / "home" / home_sub / "worldsmith"
    monkeypatch.setenv(own, "~/mine")  # ~ is expanded
    assert fn() == tmp_path / "home" / "mine"
    assert not (tmp_path / "home").exists()  # nothing is created


def test_cache_and_config_are_separate(monkeypatch, tmp_path):
    for var in ("WORLDSMITH_CACHE_DIR", "WORLDSMITH_CONFIG_DIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache_dir() != config_dir()
