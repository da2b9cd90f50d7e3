"""Error hierarchy shared by the whole package.

It lives in ``worldsmith.scene`` because the scene layer may import nothing else from the
package; every other layer re-uses these classes (``worldsmith.errors`` re-exports them).
"""

from __future__ import annotations

from typing import Any


def one_line(exc: BaseException, limit: int = 300) -> str:
    """The first line of an exception's message (its type name when the message is empty), cut
    to ``limit`` characters: what a one-line error message quotes of a lower-level failure."""
    text = str(exc).strip()
    line = text.splitlines()[0].strip() if text else type(exc).__name__
    return line if len(line) <= limit else line[:limit - 3] + "..."


class WorldsmithError(Exception):
    """Base class of every error the package raises on purpose.

    The CLI maps these to a one-line message and exit code 2 (bad input)."""


class SceneValidationError(WorldsmithError, ValueError):
    """A scene value breaks an invariant.

    ``path`` names the offending field (``objects["sofa_0"].yaw_deg``), ``expected`` says what
    would be accepted and ``received`` what came.
    """

    def __init__(self, path: str, expected: str, received: Any):
        self.path = path
        self.expected = expected
        self.received = received
        super().__init__(self._text())

    def _text(self) -> str:
        where = self.path or "<scene>"
        return f"{where}: expected {self.expected}, got {_short_repr(self.received)}"

    def under(self, prefix: str) -> "SceneValidationError":
        """The same error with ``prefix`` put in front of its path."""
        if not self.path:
            path = prefix
        elif self.path.startswith("[") or self.path.startswith("."):
            path = prefix + self.path
        else:
            path = f"{prefix}.{self.path}" if prefix else self.path
        return SceneValidationError(path, self.expected, self.received)


class SchemaError(SceneValidationError):
    """A document cannot be decoded: unknown keys, wrong types, unsupported schema version."""


def _short_repr(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
