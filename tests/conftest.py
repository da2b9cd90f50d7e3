"""Fixtures shared by every test folder."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from vlm_server import ScriptedServer  # noqa: E402


@pytest.fixture
def vlm_server():
    """A real OpenAI-compatible HTTP server on 127.0.0.1 that scripts replies (see tests/vlm_server.py)."""
    with ScriptedServer() as server:
        yield server
