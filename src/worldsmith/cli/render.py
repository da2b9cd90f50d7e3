"""``worldsmith render``: render a scene file from camera presets into a folder of images.

``worldsmith render SCENE.json --out DIR [--camera perspective] [--outputs rgb] [--backend gl]
[--width W] [--height H] [--spp N] [--no-overlay]`` writes, per view, the files described in
:mod:`worldsmith.render.output` (PNG images, 16-bit millimetre depth plus float ``.npy``, 16-bit id
images, colourised previews of depth and segmentation, a labelled overlay for top-down views) and
``cameras.json`` (intrinsics, extrinsics and the id tables).

The folder is built in a temporary sibling and moved into place when every view is written: an
existing ``DIR`` is replaced only when it is empty or an earlier render output (it has a
``cameras.json``); anything else is refused, so no user file is lost.

Exit codes follow ``worldsmith``'s: 0 ok, 2 bad input (a one-line error, never a traceback),
including a backend that cannot load (the message names the extra to install).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from ..scene import WorldsmithError
from .errors import err, handles_errors, read_text

out = Console(highlight=False, soft_wrap=True)
#: a folder holding this file is an earlier render output and may be replaced
RENDER_MARKER = "cameras.json"


def check_options(camera: str, outputs: str, backend: str, width: Optional[int], height: Optional[int],
                  spp: Optional[int]) -> tuple[str, frozenset[str], str, dict]:
    """Validate the command's options before anything is loaded; returns ``(camera, outputs,
    backend, backend options)``. Raises a one-line :class:`WorldsmithError` on a bad value."""
    from ..render import known_renderers
    from ..render.cameras import PRESETS
    from ..render.frame import parse_outputs

    cam = camera.strip().lower()
    if cam not in PRESETS:
        raise WorldsmithError(f"unknown camera {camera!r}: expected one of {', '.join(PRESETS)}")
    wanted = parse_outputs(outputs)
    name = backend.strip().lower()
    if name not in known_renderers():
        raise WorldsmithError(f"unknown backend {backend!r}: expected one of {', '.join(known_renderers())}")
    for label, value in (("--width", width), ("--height", height)):
        if value is not None and not 1 <= value <= 8192:
            raise WorldsmithError(f"{label} must be between 1 and 8192 pixels, got {value}")
    options: dict = {}
    if spp is not None:
        if name != "pbr":
            raise WorldsmithError("--spp (samples per pixel) is for the path tracer; add --backend pbr or drop --spp")
        if not 1 <= spp <= 65536:
            raise WorldsmithError(f"--spp must be between 1 and 65536, got {spp}")
        options["spp"] = spp
    return cam, wanted, name, options


@handles_errors
def render_cmd(
    scene_path: Path = typer.Argument(..., help="A scene.json file."),
    out_dir: Path = typer.Option(..., "--out", "-o", help="Output folder (created; an earlier render output "
                                 "is replaced)."),
    camera: str = typer.Option("perspective", "--camera", "-c",
                               help="Camera preset: topdown, perspective, corners, orbit or panorama."),
    outputs: str = typer.Option("rgb", "--outputs", help="Comma-separated outputs: rgb, depth, instance, semantic, "
                                "normal, albedo."),
    backend: str = typer.Option("gl", "--backend", "-b", help="gl (fast rasterizer) or pbr (path tracer)."),
    width: Optional[int] = typer.Option(None, "--width", help="Image width in pixels (default: the preset's)."),
    height: Optional[int] = typer.Option(None, "--height", help="Image height in pixels (default: the preset's)."),
    spp: Optional[int] = typer.Option(None, "--spp", help="Samples per pixel (pbr only)."),
    overlay: bool = typer.Option(True, "--overlay/--no-overlay",
                                 help="Also write a labelled overlay image for top-down views (with rgb)."),
) -> None:
    """Render a scene: PNG images per view (depth, ids, normals and previews as asked) and cameras.json."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..pipeline.outputs import atomic_output_dir, check_output_dir
    from ..render import get_renderer
    from ..render.cameras import preset
    from ..render.output import render_views
    from ..scene import loads

    cam, wanted, name, options = check_options(camera, outputs, backend, width, height, spp)
    scene = loads(read_text(scene_path, "scene").encode("utf-8"))
    check_output_dir(out_dir, RENDER_MARKER, "render output")
    with err.status(f"loading the {name} renderer and choosing {cam} cameras"):
        get_renderer(name)  # fails early (exit 2) with the extra to install when it cannot load
        cameras = preset(scene, cam, width=width, height=height)
    if not cameras:
        raise WorldsmithError(f"the {cam} preset found no view of this scene (does it have a room?)")
    with atomic_output_dir(out_dir, RENDER_MARKER, "render output") as tmp:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err, transient=True, disable=not err.is_terminal) as bar:
            task = bar.add_task(f"rendering {cameras[0].name}", total=len(cameras))

            def advance(done: int, total: int, cam_name: str) -> None:
                nxt = cameras[done].name if done < total else "done"
                bar.update(task, completed=done, description=f"rendering {nxt}")

            summary = render_views(scene, cameras, wanted, backend=name, out_dir=tmp, overlay_topdown=overlay,
                                   progress=advance, **options)
    t = summary["timings_s"]
    out.print(f"rendered [bold]{len(summary['views'])}[/] view(s) with {name} ({', '.join(summary['outputs'])}) "
              f"in {t['total']:.2f} s -> [bold]{out_dir}[/]")
    for view in summary["views"]:
        out.print(f"{view['frame']}: {' '.join(view['files'])} ({view['render_s']:.2f} s)")
    out.print(f"cameras: {out_dir / 'cameras.json'}")


__all__ = ["check_options", "render_cmd"]
