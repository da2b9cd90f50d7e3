"""``worldsmith assets``: list what can be added, register user mesh libraries, preview assets.

Exit codes follow ``worldsmith``'s: 0 ok, 2 bad input (a one-line error, never a traceback). When
``assets add`` imports nothing it exits 2 and lists every problem (one line when there is one);
when some assets fail, it imports the others and prints each skipped one with its reason.

Errors go through :func:`worldsmith.cli.errors.handles_errors`, shared with ``worldsmith``'s other
commands.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.markup import escape as _esc
from rich.table import Table

from ..scene import WorldsmithError
from .errors import err, handles_errors

assets_app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                         help="Asset catalog and user mesh libraries: list, add, remove, show.")
out = Console(highlight=False, soft_wrap=True)


def _fmt_size(size: Any) -> str:
    return " x ".join(f"{float(v):.2f}" for v in size)


# ---------------------------------------------------------------------------------------------
# list


@assets_app.command("list")
@handles_errors
def list_cmd(
    category: Optional[str] = typer.Option(None, "--category", "-c",
                                           help="Only this category (a catalog name, synonym or library label)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """Show every procedural category, every user-library asset and the material count."""
    from ..assets import catalog
    from ..assets.library import library_assets, load_registry, map_category, snake

    cats = [catalog.get(n) for n in catalog.names()]
    lib_assets = library_assets()
    if category is not None:
        wanted = map_category(category)
        label = snake(category)
        cats = [c for c in cats if c.name == wanted]
        lib_assets = [a for a in lib_assets if a.category in (wanted, label) or a.label == label]
        if not cats and not lib_assets:
            close = catalog.suggest(category)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise WorldsmithError(f"unknown category {category!r}: no catalog category or library asset has it{hint}")
    from ..materials import library as material_library

    n_materials = len(material_library())  # builtin plus registered texture folders
    n_libs = len(load_registry())
    if as_json:
        doc = {
            "categories": [{"name": c.name, "support": c.support, "generator": c.generator,
                            "size_typical": list(c.size_typical), "synonyms": len(c.synonyms)} for c in cats],
            "library_assets": [{"key": a.key, "library": a.library, "id": a.id, "category": a.category,
                                "label": a.label, "support": a.support, "size": [round(v, 4) for v in a.size],
                                "description": a.description, "file": a.file} for a in lib_assets],
            "libraries": n_libs,
            "materials": n_materials,
        }
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        return
    if cats:
        table = Table(title="Procedural categories", title_justify="left")
        for col in ("category", "support", "generator", "typical size (m)", "synonyms"):
            table.add_column(col, justify="right" if col == "synonyms" else "left", no_wrap=True)
        for c in cats:
            table.add_row(c.name, c.support, c.generator or "(fallback box)", _fmt_size(c.size_typical),
                          str(len(c.synonyms)))
        out.print(table)
    if lib_assets:
        table = Table(title="Library assets", title_justify="left")
        for col in ("asset", "category", "support", "size (m)"):
            table.add_column(col, no_wrap=True)
        table.add_column("description", overflow="fold")
        for a in lib_assets:
            desc = a.description if len(a.description) <= 60 else a.description[:57] + "..."
            table.add_row(_esc(a.key), a.category, a.support, _fmt_size(a.size), _esc(desc))
        out.print(table)
    out.print(f"{len(cats)} procedural categor{'y' if len(cats) == 1 else 'ies'}, {len(lib_assets)} library assets in {n_libs} "
              f"librar{'y' if n_libs == 1 else 'ies'}, {n_materials} materials")


# ---------------------------------------------------------------------------------------------
# add / remove


@assets_app.command("add")
@handles_errors
def add_cmd(
    folder: Path = typer.Argument(..., help="A folder of GLB/glTF/OBJ meshes with metadata (index, sidecars or "
                                            "objathor annotations)."),
    name: Optional[str] = typer.Option(None, "--name", "-n", help="Library name (default: the folder's name)."),
    force: bool = typer.Option(False, "--force", help="Replace a library of the same name that points elsewhere."),
) -> None:
    """Register a folder of meshes as a library: validate its metadata, import and cache every mesh."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..assets.library import add_library

    with Progress(TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                  TimeElapsedColumn(), console=err, transient=True) as bar:
        task = bar.add_task("", total=None)

        def progress(done: int, total: int, current: str) -> None:
            bar.update(task, completed=done, total=total, description=_esc(current))

        report = add_library(folder, name, force=force, progress=progress)
    lib = report.library
    verb = "updated" if report.updated else "added"
    n = len(report.imported)
    out.print(f"{verb} library [bold]{_esc(lib.name)}[/]: {n} asset{'s' if n != 1 else ''} from {_esc(lib.path)}")
    for note in report.notes:
        err.print(f"[yellow]note:[/] {_esc(note)}", soft_wrap=True)
    for problem in report.skipped:
        err.print(f"[yellow]skipped[/] {_esc(str(problem))}", soft_wrap=True)


@assets_app.command("remove")
@handles_errors
def remove_cmd(name: str = typer.Argument(..., help="A registered library name.")) -> None:
    """Unregister a library (its files and cached meshes are left alone)."""
    from ..assets.library import remove_library

    lib = remove_library(name)
    out.print(f"removed library [bold]{_esc(lib.name)}[/] ({len(lib.assets)} assets, {_esc(lib.path)})")


# ---------------------------------------------------------------------------------------------
# show


def library_cells(name: str, n: int) -> list[tuple[str, list[Any]]]:
    """A turntable of a library asset: ``n`` yaw angles evenly around, parts in the local frame."""
    from ..assets.library import asset_mesh, find_asset
    from ..assets.parts import Part
    from ..assets.primitives import rotation_z, transformed

    asset = find_asset(name)
    parts = asset_mesh(asset).to_parts()
    cells = []
    for k in range(n):
        turn = rotation_z(360.0 * k / n)
        cells.append((f"{asset.id} {360.0 * k / n:.0f} deg",
                      [Part(p.name, transformed(p.mesh, turn), p.material) for p in parts]))
    return cells


def category_cells(category: str, n: int, seed: int) -> list[tuple[str, list[Any]]]:
    """``n`` samples of a catalog category: sizes drawn uniformly between its min and max sizes,
    each built as a scene object of that size would be (:func:`~worldsmith.assets.make_asset`:
    generator params sampled, or a fallback box for categories without a generator)."""
    import numpy as np

    from ..assets import build_object_parts, catalog, make_asset
    from ..scene import ObjectInstance

    info = catalog.get(category)
    rng = np.random.default_rng(seed)
    cells = []
    for _ in range(n):
        drawn = tuple(float(rng.uniform(lo, hi)) if hi > lo else float(lo)
                      for lo, hi in zip(info.size_min, info.size_max))
        ref, size = make_asset(category, rng, drawn)  # type: ignore[arg-type]
        parts = build_object_parts(ObjectInstance("sample", category, ref, (0.0, 0.0, 0.0), size))
        cells.append((f"{size[0]:.2f} x {size[1]:.2f} x {size[2]:.2f} m", parts))
    return cells


@assets_app.command("show")
@handles_errors
def show_cmd(
    name: str = typer.Argument(..., help="A catalog category (or synonym), or a library asset '<library>/<id>'."),
    out_path: Path = typer.Option(..., "--out", "-o", help="Output PNG file."),
    n: int = typer.Option(8, "--n", min=1, max=64, help="Number of samples (turntable angles for library assets)."),
    seed: int = typer.Option(0, "--seed", min=0, help="Seed for sampled sizes and params."),
    cell_px: int = typer.Option(256, "--cell-px", min=32, max=2048, help="Cell size in pixels."),
) -> None:
    """Render a contact sheet: n samples of a category, or a turntable of a library asset."""
    from ..assets import catalog

    if out_path.suffix.lower() != ".png":
        raise WorldsmithError(f"expected a .png output path, got {str(out_path)!r}")
    if out_path.is_dir():
        raise WorldsmithError(f"output path {out_path} is a folder; give a file name")
    if out_path.parent != Path("") and out_path.parent.exists() and not out_path.parent.is_dir():
        raise WorldsmithError(f"{out_path.parent} is a file, so {out_path} cannot be created")
    if name.startswith("library:") or "/" in name:
        cells = library_cells(name, n)
        what = f"library asset {name}"
    else:
        category = catalog.resolve(name)
        if category is None:
            close = catalog.suggest(name)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise WorldsmithError(f"unknown category {name!r} (library assets are named '<library>/<id>'){hint}")
        cells = category_cells(category, n, seed)
        what = f"category {category}"
    try:
        from ..render.sketch import contact_sheet
    except ImportError as exc:
        raise WorldsmithError(f"the contact-sheet renderer (worldsmith.render.sketch) is not available: {exc}") from None
    contact_sheet(cells, out_path, cell_px=cell_px)  # makes the folder; writes atomically
    out.print(f"wrote {_esc(str(out_path))} ({len(cells)} samples of {_esc(what)})")


__all__ = ["assets_app", "category_cells", "library_cells"]
