"""One-line errors for every ``worldsmith`` command: user mistakes exit 2 with ``error: ...`` on
stderr, never a traceback.

Its own module so that :mod:`worldsmith.cli.main` and the sub-command modules it imports
(:mod:`worldsmith.cli.assets`) share it without importing each other.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Callable, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from ..scene import WorldsmithError
from ..scene.errors import one_line

err = Console(stderr=True, highlight=False, soft_wrap=True)

#: file problems a user causes (a wrong path, a folder for a file, a binary file for text)
USER_FILE_ERRORS = (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError, UnicodeDecodeError)


def read_text(path: Path, what: str) -> str:
    """A UTF-8 text file the user named; a one-line WorldsmithError for a missing path, a folder or
    a binary file (``what`` names it in the message: "scene", "program")."""
    if not path.exists():
        raise WorldsmithError(f"{what} {path} does not exist")
    if path.is_dir():
        raise WorldsmithError(f"{what} {path} is a folder, not a file")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise WorldsmithError(f"{what} {path} is not UTF-8 text") from None


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (its type name when the message is empty)."""
    return one_line(exc, limit=10_000)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``error: <message>`` (markup in the message is printed as is) and exit ``code``."""
    err.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    raise typer.Exit(code)


def handles_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the package's errors (and unreadable files) into a one-line message and exit 2. An
    error that carries several ``problems`` (``LibraryImportError``) prints its message and then
    each problem on its own line."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except WorldsmithError as exc:
            problems = tuple(getattr(exc, "problems", ()) or ())
            if len(problems) > 1:
                err.print(f"[bold red]error:[/] {escape(first_line(exc))}", soft_wrap=True)
                for p in problems:
                    err.print(f"  {p}", markup=False, soft_wrap=True)
                raise typer.Exit(2)
            fail(first_line(exc))
        except USER_FILE_ERRORS as exc:
            fail(str(exc))

    return wrapper


__all__ = ["USER_FILE_ERRORS", "err", "fail", "first_line", "handles_errors"]
