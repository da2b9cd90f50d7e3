"""Contact sheet of the library's textures, to look at them.

``python -m worldsmith.materials.contact_sheet /tmp/sheet.png [--res 256] [--match wood] [--maps]``
writes one labelled cell per textured material: its albedo tiled 2 x 2 (seams would show), and
with ``--maps`` also the normal and roughness maps. Uses the disk cache like everything else.
"""

from __future__ import annotations

import argparse
import logging
import time
from typing import Sequence

import numpy as np

from .library import Material, library
from .maps import texture_maps

log = logging.getLogger(__name__)


def contact_sheet(materials: Sequence[Material] | None = None, resolution: int = 256, columns: int = 6,
                  maps: bool = False, seed: int = 0) -> tuple[np.ndarray, dict[str, float]]:
    """An RGB image (uint8) of every textured material, and the seconds each took."""
    from PIL import Image, ImageDraw

    mats = [m for m in (materials if materials is not None else library()) if m.textured]
    times: dict[str, float] = {}
    cells = []
    for m in mats:
        t0 = time.perf_counter()
        tm = texture_maps(m, resolution, seed)
        times[m.name] = time.perf_counter() - t0
        tiled = np.tile(tm.albedo, (2, 2, 1))
        tiled = np.asarray(Image.fromarray(tiled).resize((resolution, resolution), Image.Resampling.BILINEAR))
        parts = [tiled]
        if maps:
            parts += [tm.normal, np.repeat(tm.roughness[..., None], 3, axis=2)]
        cell = np.concatenate(parts, axis=1)
        img = Image.fromarray(np.ascontiguousarray(cell))
        draw = ImageDraw.Draw(img)
        label = f"{m.name} ({m.texture.pattern if m.texture else 'folder'})"
        draw.rectangle((0, 0, 7 * len(label) + 6, 14), fill=(0, 0, 0))
        draw.text((3, 1), label, fill=(255, 255, 255))
        cells.append(np.asarray(img))
    if not cells:
        return np.zeros((8, 8, 3), np.uint8), times
    h, w = cells[0].shape[:2]
    cols = min(columns, len(cells))
    rows = (len(cells) + cols - 1) // cols
    sheet = np.full((rows * (h + 4), cols * (w + 4), 3), 255, np.uint8)
    for k, c in enumerate(cells):
        r, q = divmod(k, cols)
        sheet[r * (h + 4):r * (h + 4) + h, q * (w + 4):q * (w + 4) + w] = c
    return sheet, times


def main(argv: Sequence[str] | None = None) -> int:
    from PIL import Image

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--res", type=int, default=256)
    ap.add_argument("--match", default="", help="only materials whose name or pattern contains this")
    ap.add_argument("--maps", action="store_true", help="also show normal and roughness maps")
    ap.add_argument("--columns", type=int, default=6)
    a = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    mats = [m for m in library() if m.textured and (a.match in m.name or (m.texture and a.match in m.texture.pattern))]
    sheet, times = contact_sheet(mats, a.res, a.columns if not a.maps else max(1, a.columns // 3), a.maps)
    Image.fromarray(sheet).save(a.out)
    for name, t in times.items():
        log.info("%-24s %7.1f ms", name, t * 1000)
    log.info("wrote %s (%d materials)", a.out, len(times))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
