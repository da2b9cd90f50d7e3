"""``worldsmith library``: build and query the VLM policy's in-context library.

``add`` takes ``worldsmith generate`` output folders (or parent folders of a batch: every folder
under them holding ``report.json`` and ``program.py``) and adds each run whose prompt fidelity
share is at least ``--min-share`` and which has no validation problem
(:meth:`worldsmith.policy.vlm.library.ProgramLibrary.add_run`). ``search`` shows what a prompt
would retrieve. Exit codes: 0 ok, 2 bad input (one line, no traceback).
"""

from __future__ import annotations

from pathlib import Path
from typing import List

import typer
from rich.console import Console

from ..scene import WorldsmithError
from .errors import handles_errors

library_app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                          help="The VLM policy's in-context library of high-scoring prompt/program pairs.")
out = Console(highlight=False, soft_wrap=True)


def _runs(paths: List[Path]) -> list[Path]:
    runs: list[Path] = []
    for p in paths:
        if not p.is_dir():
            raise WorldsmithError(f"{p} is not a folder (give generate output folders or their parent)")
        found = [p] if (p / "report.json").is_file() and (p / "program.py").is_file() else \
            sorted(f.parent for f in p.rglob("program.py") if (f.parent / "report.json").is_file())
        if not found:
            raise WorldsmithError(f"{p} holds no generate output (no folder with report.json and program.py)")
        runs += [r for r in found if r not in runs]
    return runs


@library_app.command("add")
@handles_errors
def add_cmd(
    runs: List[Path] = typer.Argument(..., help="generate output folders, or folders holding them"),
    library: Path = typer.Option(..., "--library", "-l", help="The library file (JSONL; created when missing)."),
    min_share: float = typer.Option(1.0, "--min-share", min=0.0, max=1.0,
                                    help="Add runs whose prompt fidelity share is at least this."),
) -> None:
    """Add the programs of good runs to the library."""
    from ..policy.vlm.library import ProgramLibrary

    if library.exists() and not library.is_file():
        raise WorldsmithError(f"--library {library} is not a file")
    folders = _runs(runs)
    lib = ProgramLibrary(library)
    before = len(lib)
    added = sum(1 for f in folders if lib.add_run(f, min_share=min_share))
    out.print(f"{added} of {len(folders)} runs added or improved; {library} holds {len(lib)} entries "
              f"(was {before})")


@library_app.command("search")
@handles_errors
def search_cmd(
    prompt: str = typer.Argument(..., help="A prompt."),
    library: Path = typer.Option(..., "--library", "-l", help="The library file (JSONL)."),
    k: int = typer.Option(2, "-k", min=1, max=50, help="How many entries."),
) -> None:
    """Show the entries a prompt retrieves (what the VLM would see)."""
    from ..policy.vlm.library import ProgramLibrary

    if not library.is_file():
        raise WorldsmithError(f"library {library} does not exist" if not library.exists() else f"{library} is not a file")
    for entry, sim in ProgramLibrary(library).retrieve_scored(prompt, k=k):
        out.print(f"[bold]{sim:.3f}[/] score {entry.score:.2f}  {entry.prompt}  ({entry.program.count(chr(10)) + 1} lines)")
