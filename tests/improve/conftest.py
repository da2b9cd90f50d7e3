"""Shared fixtures of the improve tests: the local policy's tokenizer and grammar (built once)."""

from __future__ import annotations

import pytest

from worldsmith.improve.local.tokenizer import DSLTokenizer, Grammar


@pytest.fixture(scope="session")
def tok():
    return DSLTokenizer()


@pytest.fixture(scope="session")
def grammar(tok):
    return Grammar(tok)
