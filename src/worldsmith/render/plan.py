"""Labelled architectural floor plan of a scene, drawn with Pillow.

:func:`draw_plan` turns a :class:`~worldsmith.scene.Scene` into a clean top-down plan, the kind an
architect or an estate agent would hand out:

* white page, floors in a light warm tone, walls in charcoal drawn with their real thickness
  (outward from each room's inner polygon, mitred corners, convex and concave alike);
* openings cut out of the walls: doors with their leaf and a quarter-circle swing on the swing
  side (``in`` = along the wall's inward normal, ``out`` = away from the room), windows with the
  classic triple line in light blue;
* floor objects as rotated footprints in a soft colour per category group (seating, tables,
  storage, beds, appliances, lighting, decor), a darker outline and a small triangle on the front
  edge (local +Y); objects standing on other objects lighter, on top; wall objects as bars against
  their wall; ceiling objects and :class:`~worldsmith.scene.Light` entries as dashed markers that
  do not hide the furniture;
* every object labelled with its id, inside its footprint when the text fits (font shrunk to fit,
  turned 90 degrees for long narrow pieces), otherwise in a small tag beside it with a leader line;
* wall ids outside each wall, a title (the prompt or ``title``, wrapped), the bounding-box size and
  area under it, a legend of the category groups present, a scale bar and an x/y axis indicator.

Decisions, written down here because ARCHITECTURE.md is silent on them:

* Drawing order (bottom to top): floors, floor objects by ascending top height (a rug never hides
  the sofa on it), wall objects, objects on objects, door swings, walls, windows, ceiling markers,
  labels. Walls come after furniture so their edges stay crisp.
* The page is drawn ``supersample`` times larger (3x, or 2x for big pages) and reduced with
  Lanczos, which anti-aliases lines and text without any global state. Output is deterministic:
  the same scene gives the same bytes (no timestamps, no randomness, fixed iteration order).
* The scale is ``px_per_m`` unless the page would get longer than :data:`MAX_SIDE_PX` on its long
  side; then it is reduced (and logged) so huge rooms stay a sane file size.
* Fonts: DejaVu Sans (regular, condensed, bold) when it can be found (bundled ``fonts/`` folder,
  then the usual system folders), else Pillow's built-in scalable font. Texts that need glyphs
  outside ASCII (``×``, ``m²``) fall back to ASCII with the built-in font.
* :class:`PlanLayout` (also returned by :func:`compute_layout` and attached to the image as
  ``image.info["plan_layout"]``) maps world metres to pixels of the returned image, so tests and
  tools can find what was drawn where.
"""

from __future__ import annotations

import logging
import math
import os
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from PIL import Image, ImageDraw, ImageFont
from shapely import affinity
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel, unary_union

from ..scene import Light, ObjectInstance, Opening, Room, Scene, Wall

log = logging.getLogger(__name__)

__all__ = [
    "MAX_SIDE_PX",
    "PlanLayout",
    "PlanStyle",
    "STYLE",
    "category_color",
    "category_group",
    "compute_layout",
    "draw_plan",
]

Point2 = tuple[float, float]
RGB = tuple[int, int, int]

#: Longest side (pixels) a plan page may have; larger rooms get a smaller scale.
MAX_SIDE_PX = 2400


# ---------------------------------------------------------------------------------------------
# style


@dataclass(frozen=True)
class PlanStyle:
    """Colours (sRGB 0-255) and sizes (pixels of the final image) of the plan."""

    background: RGB = (255, 255, 255)
    floor: RGB = (246, 240, 229)
    wall: RGB = (46, 47, 51)
    door_leaf: RGB = (70, 72, 78)
    door_swing: RGB = (140, 140, 146)
    window_fill: RGB = (226, 240, 251)
    window_line: RGB = (74, 141, 201)
    text: RGB = (38, 40, 46)
    text_muted: RGB = (122, 124, 130)
    leader: RGB = (120, 122, 128)
    light: RGB = (222, 150, 30)
    axis_x: RGB = (205, 72, 60)
    axis_y: RGB = (62, 150, 84)
    margin: int = 28
    title_size: int = 22
    subtitle_size: int = 14
    wall_label_size: int = 12
    label_max_size: int = 14
    label_min_size: int = 9
    tag_size: int = 11
    legend_size: int = 12
    min_page_width: int = 600


STYLE = PlanStyle()

_GROUP_ORDER = ("seating", "tables", "storage", "beds", "appliances", "lighting", "decor", "other")
_GROUP_LABELS = {
    "seating": "Seating", "tables": "Tables", "storage": "Storage", "beds": "Beds",
    "appliances": "Appliances & fixtures", "lighting": "Lighting", "decor": "Decor", "other": "Other",
}
_GROUP_COLORS: dict[str, RGB] = {
    "seating": (150, 184, 222),
    "tables": (224, 190, 146),
    "storage": (192, 175, 218),
    "beds": (233, 172, 176),
    "appliances": (178, 189, 200),
    "lighting": (246, 214, 124),
    "decor": (160, 205, 162),
    "other": (208, 200, 188),
}
# Keywords per group; a category's words are tried from its last (the head noun: tv_STAND,
# desk_LAMP, coffee_TABLE) to its first, and the first word that names a group wins.
_GROUP_WORDS: dict[str, frozenset[str]] = {
    "beds": frozenset("bed beds crib cot mattress bunk futon daybed bassinet".split()),
    "seating": frozenset(
        "sofa couch armchair chair chairs stool bench ottoman recliner loveseat pouf seat sectional "
        "settee chaise beanbag".split()),
    "tables": frozenset("table desk nightstand counter island workbench bar vanity".split()),
    "storage": frozenset(
        "shelf shelves bookshelf bookcase cabinet dresser wardrobe closet drawer drawers sideboard "
        "stand console cupboard chest rack credenza hutch locker pantry shelving armoire buffet "
        "organizer bin hamper box boxes crate trunk".split()),
    "appliances": frozenset(
        "fridge refrigerator oven stove range cooktop hob washer dryer dishwasher microwave tv "
        "television monitor computer sink toilet bathtub tub shower heater radiator fireplace "
        "speaker piano fan purifier printer hood freezer kettle toaster".split()),
    "lighting": frozenset("lamp light lights chandelier sconce pendant lantern".split()),
    "decor": frozenset(
        "plant plants painting picture poster frame mirror rug carpet mat vase clock curtain curtains "
        "sculpture art artwork pillow cushion book books mug cup candle bowl basket decor statue "
        "globe blanket throw tray".split()),
}


def category_group(category: str) -> str:
    """The colour group of a category (``seating``, ``tables``, ..., ``other``)."""
    words = category.lower().split("_")
    for word in reversed(words):
        for group in _GROUP_ORDER[:-1]:
            if word in _GROUP_WORDS[group]:
                return group
    return "other"


def category_color(category: str) -> RGB:
    """The fill colour of a category: its group's colour, nudged lighter or darker by a stable
    digest of the name so neighbours of one group stay distinguishable."""
    base = _GROUP_COLORS[category_group(category)]
    t = (zlib.crc32(category.encode("utf-8")) % 1001) / 1000.0 * 2.0 - 1.0  # [-1, 1]
    if t >= 0:
        return _mix(base, (255, 255, 255), 0.22 * t)
    return _mix(base, (0, 0, 0), 0.10 * -t)


def _mix(a: Sequence[int], b: Sequence[int], t: float) -> RGB:
    return tuple(int(round(a[i] + (b[i] - a[i]) * t)) for i in range(3))  # type: ignore[return-value]


def _dark(c: Sequence[int], f: float = 0.55) -> RGB:
    return tuple(int(round(v * f)) for v in c)  # type: ignore[return-value]


# ---------------------------------------------------------------------------------------------
# fonts

_FONT_FILES = {
    "regular": "DejaVuSans.ttf",
    "bold": "DejaVuSans-Bold.ttf",
    "condensed": "DejaVuSansCondensed.ttf",
}
_FONT_DIRS = (
    str(Path(__file__).with_name("fonts")),
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/truetype",
    "/usr/share/fonts/TTF",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/dejavu-sans-fonts",
    "/usr/share/fonts/truetype/ttf-dejavu",
    "/usr/local/share/fonts",
    "/Library/Fonts",
    os.path.expanduser("~/.local/share/fonts"),
)


@lru_cache(maxsize=None)
def _font_path(style: str) -> str | None:
    name = _FONT_FILES[style]
    for folder in _FONT_DIRS:
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            return candidate
    if style != "regular":
        return _font_path("regular")
    return None


@lru_cache(maxsize=None)
def _font(style: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = _font_path(style)
    if path is not None:
        try:
            return ImageFont.truetype(path, size)
        except OSError:  # no FreeType, or an unreadable file
            log.debug("cannot load font %s; using Pillow's built-in font", path)
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow without FreeType: a fixed bitmap font
        return ImageFont.load_default()


def _unicode_ok() -> bool:
    """Whether the plan's fonts have ``×``, ``²`` and ``·`` (DejaVu does, Pillow's built-in does not)."""
    return _font_path("regular") is not None


# ---------------------------------------------------------------------------------------------
# layout


@dataclass(frozen=True)
class PlanLayout:
    """Where the world is on the page.

    ``world_to_pixel`` maps a world point (metres) to pixel coordinates of the returned image
    (floats; pixel ``(i, j)`` covers ``[i, i+1) x [j, j+1)``, y grows downwards).
    """

    width: int
    height: int
    px_per_m: float
    origin: Point2                      # pixel position of the world point (x_min, y_max)
    world_min: Point2                   # lower-left corner of the drawn world extent
    world_max: Point2                   # upper-right corner
    room_bounds: tuple[float, float, float, float]  # inner polygons' (x0, y0, x1, y1)
    supersample: int
    title_lines: tuple[str, ...] = ()
    subtitle_lines: tuple[str, ...] = ()
    plan_top: float = 0.0               # labels live between plan_top and plan_bottom
    plan_bottom: float = 0.0
    footer_top: float = 0.0
    legend_rows: tuple[tuple[str, ...], ...] = field(default=())

    def world_to_pixel(self, x: float, y: float) -> Point2:
        return (self.origin[0] + (x - self.world_min[0]) * self.px_per_m,
                self.origin[1] + (self.world_max[1] - y) * self.px_per_m)

    def pixel(self, x: float, y: float) -> tuple[int, int]:
        """The integer pixel that contains the world point ``(x, y)``."""
        px, py = self.world_to_pixel(x, y)
        return int(math.floor(px)), int(math.floor(py))

    def pixel_to_world(self, px: float, py: float) -> Point2:
        return (self.world_min[0] + (px - self.origin[0]) / self.px_per_m,
                self.world_max[1] - (py - self.origin[1]) / self.px_per_m)


def _bounds(points: Iterable[Point2]) -> tuple[float, float, float, float] | None:
    xs, ys = [], []
    for x, y in points:
        xs.append(x)
        ys.append(y)
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)


def _add(p: Point2, q: Point2, s: float = 1.0) -> Point2:
    return (p[0] + q[0] * s, p[1] + q[1] * s)


def _door_geometry(wall: Wall, o: Opening) -> tuple[Point2, Point2, list[Point2]]:
    """Hinge point, leaf tip and swing arc (world points) of a door."""
    n = wall.normal
    hinge_at = o.offset if o.hinge == "start" else o.offset + o.width
    free_at = o.offset + o.width if o.hinge == "start" else o.offset
    shift = 0.0 if o.swing == "in" else -wall.thickness
    sign = 1.0 if o.swing == "in" else -1.0
    hinge = _add(wall.point_at(hinge_at), n, shift)
    free = _add(wall.point_at(free_at), n, shift)
    tip = _add(hinge, n, sign * o.width)
    a0 = math.atan2(tip[1] - hinge[1], tip[0] - hinge[0])
    a1 = math.atan2(free[1] - hinge[1], free[0] - hinge[0])
    delta = (a1 - a0 + math.pi) % (2 * math.pi) - math.pi
    steps = 48
    arc = [(hinge[0] + o.width * math.cos(a0 + delta * i / steps),
            hinge[1] + o.width * math.sin(a0 + delta * i / steps)) for i in range(steps + 1)]
    return hinge, tip, arc


def _ceiling_radius(o: ObjectInstance) -> float:
    return min(max(min(o.size[0], o.size[1]) / 2.0, 0.12), 0.35)


LIGHT_MARKER_RADIUS_M = 0.16


def _world_extent(scene: Scene) -> tuple[tuple[float, float, float, float], tuple[float, float, float, float]]:
    """(everything drawn, rooms' inner polygons) bounds in metres."""
    pts: list[Point2] = []
    inner: list[Point2] = []
    for room in scene.rooms:
        inner.extend(room.polygon)
        pts.extend(_outer(room).exterior.coords)
    walls = scene.wall_map
    for _room, o in scene.openings():
        if o.kind == "door" and o.wall in walls:
            hinge, tip, arc = _door_geometry(walls[o.wall], o)
            pts.extend([hinge, tip, *arc])
    for o in scene.objects:
        pts.extend(o.footprint)
        if o.support_kind == "ceiling":
            r = _ceiling_radius(o)
            pts.extend([(o.position[0] - r, o.position[1] - r), (o.position[0] + r, o.position[1] + r)])
    for light in scene.lights:
        r = max(LIGHT_MARKER_RADIUS_M, *(light.area_size if light.kind == "area" else (0.0,)))
        pts.extend([(light.position[0] - r, light.position[1] - r), (light.position[0] + r, light.position[1] + r)])
    everything = _bounds(pts) or (0.0, 0.0, 1.0, 1.0)
    rooms = _bounds(inner) or everything
    x0, y0, x1, y1 = everything
    if x1 - x0 < 1e-6:
        x0, x1 = x0 - 0.5, x1 + 0.5
    if y1 - y0 < 1e-6:
        y0, y1 = y0 - 0.5, y1 + 0.5
    return (x0, y0, x1, y1), rooms


def _text_size(text: str, style: str, size_px: float, ss: int) -> Point2:
    """Width and height (final pixels) of ``text`` set in ``style`` at ``size_px``."""
    font = _font(style, max(1, int(round(size_px * ss))))
    left, top, right, bottom = font.getbbox(text, anchor="lt") if hasattr(font, "getbbox") else (0, 0, 8, 8)
    return (right - left) / ss, (bottom - top) / ss


def _line_height(style: str, size_px: float, ss: int) -> float:
    font = _font(style, max(1, int(round(size_px * ss))))
    try:
        ascent, descent = font.getmetrics()
    except AttributeError:
        return size_px * 1.2
    return (ascent + descent) / ss


def _wrap(text: str, style: str, size_px: float, width: float, ss: int) -> list[str]:
    words = text.split()
    lines: list[str] = []
    line = ""
    for word in words:
        trial = word if not line else f"{line} {word}"
        if _text_size(trial, style, size_px, ss)[0] <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
        # a single word longer than the line: break it hard
        while _text_size(line, style, size_px, ss)[0] > width and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and _text_size(line[:cut], style, size_px, ss)[0] > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    if line:
        lines.append(line)
    return lines or [""]


MAX_TITLE_LINES = 4


def _clip_lines(lines: list[str], n: int, style: str, size_px: float, width: float, ss: int) -> list[str]:
    """At most ``n`` lines; a cut title ends with an ellipsis."""
    if len(lines) <= n:
        return lines
    dots = "\u2026" if _unicode_ok() else "..."
    last = lines[n - 1]
    while last and _text_size(last.rstrip() + dots, style, size_px, ss)[0] > width:
        last = last[:-1]
    return lines[: n - 1] + [last.rstrip() + dots]


def _subtitle(scene: Scene, rooms_bounds: tuple[float, float, float, float]) -> str:
    uni = _unicode_ok()
    times, dot, sq = ("\u00d7", "\u00b7", "m\u00b2") if uni else ("x", "|", "m2")
    parts: list[str] = []
    if len(scene.rooms) == 1:
        parts.append(scene.rooms[0].name[:1].upper() + scene.rooms[0].name[1:])
    elif scene.rooms:
        parts.append(f"{len(scene.rooms)} rooms")
    if scene.rooms:
        x0, y0, x1, y1 = rooms_bounds
        parts.append(f"{x1 - x0:.2f} m {times} {y1 - y0:.2f} m")
        parts.append(f"{sum(r.area for r in scene.rooms):.1f} {sq}")
    else:
        parts.append("No rooms")
    n = len(scene.objects)
    parts.append(f"{n} object{'s' if n != 1 else ''}")
    if scene.lights:
        parts.append(f"{len(scene.lights)} light{'s' if len(scene.lights) != 1 else ''}")
    return f"  {dot}  ".join(parts)


def _legend_items(scene: Scene) -> list[str]:
    groups = {category_group(o.category) for o in scene.objects if o.support_kind != "ceiling"}
    items = [g for g in _GROUP_ORDER if g in groups]
    if any(o.support_kind == "ceiling" for o in scene.objects) or scene.lights:
        items.append("ceiling_light")
    if any(o.kind == "door" for _r, o in scene.openings()):
        items.append("door")
    if any(o.kind == "window" for _r, o in scene.openings()):
        items.append("window")
    return items


_LEGEND_TEXT = {"ceiling_light": "Ceiling light", "door": "Door", "window": "Window", **_GROUP_LABELS}
_SWATCH = 14.0
_LEGEND_GAP = 18.0


def _legend_rows(items: list[str], width: float, s: PlanStyle, ss: int) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    row: list[str] = []
    used = 0.0
    for item in items:
        w = _SWATCH + 6 + _text_size(_LEGEND_TEXT[item], "regular", s.legend_size, ss)[0]
        extra = w if not row else w + _LEGEND_GAP
        if row and used + extra > width:
            rows.append(tuple(row))
            row, used = [], 0.0
            extra = w
        row.append(item)
        used += extra
    if row:
        rows.append(tuple(row))
    return rows


def _wall_label_offsets(scene: Scene, ppm: float, s: PlanStyle, ss: int) -> list[tuple[Wall, Point2, Point2, Point2]]:
    """Per wall: (wall, world anchor on the outer face, pixel offset of the label centre from it,
    label size in pixels)."""
    out = []
    gap = 7.0
    for wall in scene.walls:
        mid = wall.point_at(wall.length / 2.0)
        nx, ny = wall.normal
        anchor = (mid[0] - nx * wall.thickness, mid[1] - ny * wall.thickness)
        w, h = _text_size(wall.id, "regular", s.wall_label_size, ss)
        # outward direction in pixel space: (-nx, +ny) because y flips
        ox, oy = -nx, ny
        half = abs(ox) * w / 2.0 + abs(oy) * h / 2.0
        out.append((wall, anchor, (ox * (gap + half), oy * (gap + half)), (w, h)))
    return out


def compute_layout(scene: Scene, *, px_per_m: float = 120, title: str | None = None,
                   style: PlanStyle = STYLE) -> PlanLayout:
    """The page layout :func:`draw_plan` uses for ``scene`` (same arguments, same result)."""
    if isinstance(px_per_m, bool) or not isinstance(px_per_m, (int, float)) or not math.isfinite(px_per_m) \
            or px_per_m <= 0:
        raise ValueError(f"px_per_m: expected a positive number, got {px_per_m!r}")
    s = style
    (x0, y0, x1, y1), rooms_bounds = _world_extent(scene)
    ext_w, ext_h = x1 - x0, y1 - y0
    ppm = float(px_per_m)
    head = _title_text(scene, title)
    sub = _subtitle(scene, rooms_bounds)
    legend = _legend_items(scene)
    ss = 3
    layout: PlanLayout | None = None
    for _attempt in range(4):
        plan_w, plan_h = ext_w * ppm, ext_h * ppm
        # how far wall labels stick out of the plan rectangle, per side
        pad_l = pad_r = pad_t = pad_b = 0.0
        for _wall, anchor, off, (w, h) in _wall_label_offsets(scene, ppm, s, ss):
            cx = (anchor[0] - x0) * ppm + off[0]
            cy = (y1 - anchor[1]) * ppm + off[1]
            pad_l = max(pad_l, -(cx - w / 2))
            pad_r = max(pad_r, cx + w / 2 - plan_w)
            pad_t = max(pad_t, -(cy - h / 2))
            pad_b = max(pad_b, cy + h / 2 - plan_h)
        extra = 26.0  # room for tags beside objects near the walls
        pad_l, pad_r, pad_t, pad_b = (p + extra for p in (pad_l, pad_r, pad_t, pad_b))
        block_w = plan_w + pad_l + pad_r
        width = int(math.ceil(max(block_w + 2 * s.margin, s.min_page_width)))
        text_w = width - 2 * s.margin
        title_lines = _clip_lines(_wrap(head, "bold", s.title_size, text_w, ss), MAX_TITLE_LINES, "bold",
                                  s.title_size, text_w, ss)
        sub_lines = _wrap(sub, "regular", s.subtitle_size, text_w, ss)
        title_h = len(title_lines) * _line_height("bold", s.title_size, ss) * 1.05 \
            + 4 + len(sub_lines) * _line_height("regular", s.subtitle_size, ss) * 1.1
        legend_rows = _legend_rows(legend, text_w - 0, s, ss)
        footer_h = len(legend_rows) * 22.0 + (8 if legend_rows else 0) + 62.0
        plan_top = s.margin + title_h + 10
        height = int(math.ceil(plan_top + pad_t + plan_h + pad_b + 6 + footer_h + s.margin * 0.6))
        longest = max(width, height)
        if longest <= MAX_SIDE_PX or ppm <= 1e-3:
            ox = (width - block_w) / 2.0 + pad_l
            oy = plan_top + pad_t
            ss = 3 if width * height <= 1_700_000 else 2
            layout = PlanLayout(
                width=width, height=height, px_per_m=ppm, origin=(ox, oy), world_min=(x0, y0),
                world_max=(x1, y1), room_bounds=rooms_bounds, supersample=ss,
                title_lines=tuple(title_lines), subtitle_lines=tuple(sub_lines), plan_top=plan_top,
                plan_bottom=oy + plan_h + pad_b, footer_top=height - s.margin * 0.6 - footer_h,
                legend_rows=tuple(legend_rows))
            break
        fixed = longest - max(ext_w, ext_h) * ppm
        new_ppm = max((MAX_SIDE_PX - fixed) / max(ext_w, ext_h), 1e-3) * 0.995
        log.info("plan: %.2f x %.2f m at %.1f px/m would be %d px; scaling to %.1f px/m",
                 ext_w, ext_h, ppm, longest, new_ppm)
        ppm = min(new_ppm, ppm * 0.995)
    if layout is None:  # pragma: no cover - the loop converges in one or two steps
        raise RuntimeError("could not fit the plan on a page")
    return layout


def _title_text(scene: Scene, title: str | None) -> str:
    text = title if title is not None else scene.prompt
    text = " ".join(str(text).split())
    return text or "Floor plan"


# ---------------------------------------------------------------------------------------------
# drawing helpers


class _Canvas:
    """The supersampled page plus conversions from world metres / final pixels to its pixels."""

    def __init__(self, layout: PlanLayout, style: PlanStyle):
        self.L = layout
        self.s = style
        self.ss = layout.supersample
        self.img = Image.new("RGB", (layout.width * self.ss, layout.height * self.ss), style.background)
        self.draw = ImageDraw.Draw(self.img, "RGBA")

    # coordinates
    def w2s(self, p: Sequence[float]) -> Point2:
        """World metres -> supersampled pixels."""
        px, py = self.L.world_to_pixel(p[0], p[1])
        return px * self.ss, py * self.ss

    def w2p(self, p: Sequence[float]) -> Point2:
        """World metres -> final pixels."""
        return self.L.world_to_pixel(p[0], p[1])

    def p2s(self, p: Sequence[float]) -> Point2:
        return p[0] * self.ss, p[1] * self.ss

    def lw(self, px: float) -> int:
        return max(1, int(round(px * self.ss)))

    def font(self, style: str, size_px: float) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        return _font(style, max(1, int(round(size_px * self.ss))))

    # primitives (coordinates in supersampled pixels)
    def fill_geom(self, geom: BaseGeometry, color: Sequence[int]) -> None:
        """Fill polygons with holes exactly (through a mask, since ImageDraw has no holes)."""
        for poly in _polygons(geom):
            ext = [self.w2s(p) for p in poly.exterior.coords]
            holes = [[self.w2s(p) for p in ring.coords] for ring in poly.interiors]
            xs = [p[0] for p in ext]
            ys = [p[1] for p in ext]
            bx0, by0 = max(int(math.floor(min(xs))) - 2, 0), max(int(math.floor(min(ys))) - 2, 0)
            bx1 = min(int(math.ceil(max(xs))) + 2, self.img.width)
            by1 = min(int(math.ceil(max(ys))) + 2, self.img.height)
            if bx1 <= bx0 or by1 <= by0:
                continue
            mask = Image.new("L", (bx1 - bx0, by1 - by0), 0)
            md = ImageDraw.Draw(mask)
            md.polygon([(x - bx0, y - by0) for x, y in ext], fill=255)
            for ring in holes:
                md.polygon([(x - bx0, y - by0) for x, y in ring], fill=0)
            self.img.paste(tuple(color[:3]), (bx0, by0, bx1, by1), mask)

    def polyline(self, pts: Sequence[Point2], color: Sequence[int], width_px: float, closed: bool = False) -> None:
        pts = list(pts)
        if closed:
            pts = pts + [pts[0], pts[1]] if len(pts) > 1 else pts
        self.draw.line(pts, fill=tuple(color), width=self.lw(width_px), joint="curve")

    def dashed(self, pts: Sequence[Point2], color: Sequence[int], width_px: float, dash_px: float,
               gap_px: float) -> None:
        dash, gap = dash_px * self.ss, gap_px * self.ss
        on, left = True, dash
        seg: list[Point2] = [pts[0]]
        for a, b in zip(pts, pts[1:]):
            length = math.dist(a, b)
            pos = 0.0
            while length - pos > 1e-9:
                step = min(left, length - pos)
                pos += step
                t = pos / length
                q = (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
                if on:
                    seg.append(q)
                left -= step
                if left <= 1e-9:
                    if on and len(seg) > 1:
                        self.draw.line(seg, fill=tuple(color), width=self.lw(width_px), joint="curve")
                    on = not on
                    left = dash if on else gap
                    seg = [q]
        if on and len(seg) > 1:
            self.draw.line(seg, fill=tuple(color), width=self.lw(width_px), joint="curve")

    def text(self, xy_px: Point2, text: str, style: str, size_px: float, color: Sequence[int],
             anchor: str = "mm", **kw) -> None:
        self.draw.text(self.p2s(xy_px), text, font=self.font(style, size_px), fill=tuple(color), anchor=anchor, **kw)

    def vtext(self, center_px: Point2, text: str, style: str, size_px: float, color: Sequence[int]) -> None:
        """Text turned 90 degrees counter-clockwise (reads bottom to top), centred."""
        font = self.font(style, size_px)
        l, t, r, b = font.getbbox(text, anchor="lt")
        w, h = int(r - l) + 4, int(b - t) + 4
        mask = Image.new("L", (w, h), 0)
        ImageDraw.Draw(mask).text((2 - l, 2 - t), text, font=font, fill=255, anchor="lt")
        mask = mask.transpose(Image.Transpose.ROTATE_90)
        cx, cy = self.p2s(center_px)
        x, y = int(round(cx - mask.width / 2)), int(round(cy - mask.height / 2))
        self.img.paste(tuple(color[:3]), (x, y, x + mask.width, y + mask.height), mask)


def _polygons(geom: BaseGeometry) -> list[Polygon]:
    if geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    if hasattr(geom, "geoms"):
        out: list[Polygon] = []
        for g in geom.geoms:
            out.extend(_polygons(g))
        return out
    return []


def _circle(center: Point2, r: float, n: int = 64) -> list[Point2]:
    return [(center[0] + r * math.cos(2 * math.pi * i / n), center[1] + r * math.sin(2 * math.pi * i / n))
            for i in range(n + 1)]


# ---------------------------------------------------------------------------------------------
# scene geometry


def _outer(room: Room) -> Polygon:
    """The room's polygon grown outwards by its wall thickness, corners mitred (very sharp corners
    are bevelled instead of growing long spikes)."""
    return Polygon(room.polygon).buffer(room.wall_thickness, join_style="mitre", mitre_limit=4.0)


def _wall_geometry(scene: Scene) -> tuple[BaseGeometry, list[tuple[Wall, Opening, Polygon]]]:
    """The wall band (outer offset polygons minus inner polygons, openings cut out) and, per
    opening, the polygon of its gap in the wall thickness."""
    bands = []
    for room in scene.rooms:
        bands.append(_outer(room).difference(Polygon(room.polygon)))
    walls = unary_union(bands) if bands else Polygon()
    t_max = max((r.wall_thickness for r in scene.rooms), default=0.0)
    cuts = []
    gaps: list[tuple[Wall, Opening, Polygon]] = []
    wall_map = scene.wall_map
    for _room, o in scene.openings():
        wall = wall_map.get(o.wall)
        if wall is None:
            continue
        a, b = wall.point_at(o.offset), wall.point_at(o.offset + o.width)
        n = wall.normal
        eps = 1e-4
        # inwards too, so a neighbouring room's wall on the same line is opened as well
        cut = Polygon([_add(a, n, t_max + eps), _add(b, n, t_max + eps),
                       _add(b, n, -(wall.thickness + eps)), _add(a, n, -(wall.thickness + eps))])
        cuts.append(cut)
        gaps.append((wall, o, Polygon([a, b, _add(b, n, -wall.thickness), _add(a, n, -wall.thickness)])))
    if cuts:
        walls = walls.difference(unary_union(cuts))
    return walls, gaps


def _triangle(o: ObjectInstance, ppm: float, scale: float = 1.0) -> list[Point2] | None:
    """The front marker (world points): a small triangle whose tip touches the front edge."""
    w, d = o.size[0], o.size[1]
    h_px = min(max(min(w, d) * ppm * 0.22, 5.0), 13.0) * scale
    if min(w, d) * ppm < 12 or o.size[2] < 0.05:  # tiny, or flat (rugs, mats): no front to show
        return None
    h = h_px / ppm
    inset = 1.2 / ppm
    half = h * 0.75
    local = [(0.0, d / 2 - inset), (-half, d / 2 - inset - h), (half, d / 2 - inset - h)]
    t = math.radians(o.yaw_deg)
    c, s_ = math.cos(t), math.sin(t)
    return [(o.position[0] + x * c - y * s_, o.position[1] + x * s_ + y * c) for x, y in local]


def _wall_bar(o: ObjectInstance, wall: Wall, ppm: float) -> list[Point2]:
    """A wall object's bar: its extent along the wall, from the inner face inwards by its depth
    (at least a few pixels, so paintings stay visible)."""
    dx, dy = wall.direction
    nx, ny = wall.normal
    along = [((x - wall.start[0]) * dx + (y - wall.start[1]) * dy) for x, y in o.footprint]
    depth = [((x - wall.start[0]) * nx + (y - wall.start[1]) * ny) for x, y in o.footprint]
    a0, a1 = min(along), max(along)
    d1 = max(max(depth), 0.05, 5.0 / ppm)
    return [wall.point_at(a0), wall.point_at(a1), _add(wall.point_at(a1), wall.normal, d1),
            _add(wall.point_at(a0), wall.normal, d1)]


# ---------------------------------------------------------------------------------------------
# labels


@dataclass
class _Label:
    text: str
    box: tuple[float, float, float, float]      # final pixels (x0, y0, x1, y1)
    style: str
    size: float
    color: RGB
    kind: str                                    # "inside", "inside_v", "tag", "wall", "room"
    anchor: Point2 | None = None                 # leader target (final pixels)


class _Placer:
    """Greedy label placement: candidates around the target, scored by what they would cover."""

    def __init__(self, area: Polygon, walls: BaseGeometry, objects: BaseGeometry, floors: BaseGeometry):
        self.area = area
        self.walls = walls
        self.objects = objects
        self.floors = floors
        self.placed: list[Polygon] = []

    def add(self, b: tuple[float, float, float, float]) -> None:
        self.placed.append(box(*b))

    def _overlap(self, g: Polygon, others: Iterable[Polygon]) -> float:
        total = 0.0
        for o in others:
            if g.intersects(o):
                total += g.intersection(o).area
        return total

    def score(self, b: tuple[float, float, float, float], target: BaseGeometry, anchor: Point2,
              inside_floor: bool = True) -> float:
        g = box(*b)
        if not self.area.contains(g):
            return math.inf
        a = g.area
        sc = 200.0 * self._overlap(g, self.placed) / a
        if not self.objects.is_empty and g.intersects(self.objects):
            sc += 14.0 * g.intersection(self.objects).area / a
        if not self.walls.is_empty and g.intersects(self.walls):
            sc += 30.0 * g.intersection(self.walls).area / a
        if inside_floor and not self.floors.is_empty:
            sc += 8.0 * (1.0 - g.intersection(self.floors).area / a)
        if target.intersects(g):
            sc += 20.0 * target.intersection(g).area / a
        near = _nearest_on_box(b, anchor)
        leader = LineString([anchor, near])
        if leader.length > 1e-6:
            if not self.walls.is_empty and leader.intersects(self.walls):
                sc += 12.0
            if not self.objects.is_empty and leader.intersects(self.objects):
                crossed = leader.intersection(self.objects).difference(target)
                sc += 0.04 * crossed.length
            for o in self.placed:
                if leader.crosses(o) or leader.within(o):
                    sc += 6.0
        sc += 0.02 * Point(anchor).distance(g)
        return sc

    def place_beside(self, target: BaseGeometry, anchor: Point2, w: float, h: float,
                     inside_floor: bool = True) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = target.bounds
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        best, best_sc = None, math.inf
        for r in (3.0, 10.0, 22.0, 40.0, 70.0, 110.0):
            cands = [
                (x1 + r, cy - h / 2), (x0 - r - w, cy - h / 2), (cx - w / 2, y0 - r - h), (cx - w / 2, y1 + r),
                (x1 + r, y0 - r - h), (x0 - r - w, y0 - r - h), (x1 + r, y1 + r), (x0 - r - w, y1 + r),
            ]
            for bx, by in cands:
                b = (bx, by, bx + w, by + h)
                sc = self.score(b, target, anchor, inside_floor)
                if sc < best_sc - 1e-9:
                    best, best_sc = b, sc
            if best is not None and best_sc < 0.6:
                break
        if best is None:  # nowhere inside the page: keep it by the target, clamped to the page
            ax0, ay0, ax1, ay1 = self.area.bounds
            bx = min(max(x1 + 3, ax0), ax1 - w)
            by = min(max(cy - h / 2, ay0), ay1 - h)
            best = (bx, by, bx + w, by + h)
        return best


def _nearest_on_box(b: tuple[float, float, float, float], p: Point2) -> Point2:
    return (min(max(p[0], b[0]), b[2]), min(max(p[1], b[1]), b[3]))


# ---------------------------------------------------------------------------------------------
# the plan


def draw_plan(scene: Scene, path: str | os.PathLike[str] | None = None, *, px_per_m: float = 120,
              title: str | None = None) -> Image.Image:
    """Draw ``scene`` as a labelled top-down architectural floor plan.

    ``px_per_m`` is the scale (pixels per metre of the returned image), reduced automatically
    when the page would exceed :data:`MAX_SIDE_PX`. ``title`` replaces the scene's prompt as the
    heading. When ``path`` is given the plan is also written there as PNG. The returned RGB image
    carries its :class:`PlanLayout` in ``image.info["plan_layout"]``.
    """
    s = STYLE
    layout = compute_layout(scene, px_per_m=px_per_m, title=title, style=s)
    cv = _Canvas(layout, s)
    ppm = layout.px_per_m
    wall_map = scene.wall_map

    # floors
    for room in scene.rooms:
        cv.draw.polygon([cv.w2s(p) for p in room.polygon], fill=s.floor)

    walls_geom, gaps = _wall_geometry(scene)
    objects = list(scene.objects)
    order = {o.id: i for i, o in enumerate(objects)}
    floor_objs = sorted((o for o in objects if o.support_kind == "floor"), key=lambda o: (o.top, order[o.id]))
    wall_objs = [o for o in objects if o.support_kind == "wall"]
    on_objs = sorted((o for o in objects if o.support_kind == "object"), key=lambda o: (o.top, order[o.id]))
    ceil_objs = [o for o in objects if o.support_kind == "ceiling"]

    # footprints in final pixels, in drawing order (for label fitting and obstacle maps)
    shapes: dict[str, Polygon] = {}
    tri_px: dict[str, Polygon] = {}
    drawn: list[ObjectInstance] = []

    def fp_px(pts: Sequence[Point2]) -> Polygon:
        poly = Polygon([cv.w2p(p) for p in pts])
        return poly if poly.is_valid else poly.buffer(0)

    # floor objects
    for o in floor_objs:
        fill = category_color(o.category)
        pts = [cv.w2s(p) for p in o.footprint]
        cv.draw.polygon(pts, fill=fill)
        cv.polyline(pts, _dark(fill), 1.6, closed=True)
        tri = _triangle(o, ppm)
        if tri:
            cv.draw.polygon([cv.w2s(p) for p in tri], fill=_dark(fill, 0.5))
            tri_px[o.id] = fp_px(tri)
        shapes[o.id] = fp_px(o.footprint)
        drawn.append(o)

    # wall objects: bars against their wall
    bars: dict[str, list[Point2]] = {}
    for o in wall_objs:
        wall = wall_map.get(o.support_target or "")
        bar = _wall_bar(o, wall, ppm) if wall is not None else list(o.footprint)
        bars[o.id] = bar
        fill = _mix(category_color(o.category), (0, 0, 0), 0.12)
        pts = [cv.w2s(p) for p in bar]
        cv.draw.polygon(pts, fill=fill + (235,))
        cv.polyline(pts, _dark(fill, 0.5), 1.2, closed=True)
        shapes[o.id] = fp_px(bar)
        drawn.append(o)

    # objects on objects: lighter, on top
    for o in on_objs:
        base = category_color(o.category)
        fill = _mix(base, (255, 255, 255), 0.35)
        pts = [cv.w2s(p) for p in o.footprint]
        cv.draw.polygon(pts, fill=fill + (235,))
        cv.polyline(pts, _dark(base, 0.62), 1.0, closed=True)
        tri = _triangle(o, ppm, scale=0.8)
        if tri and min(o.size[0], o.size[1]) * ppm >= 28:
            cv.draw.polygon([cv.w2s(p) for p in tri], fill=_dark(base, 0.62) + (200,))
            tri_px[o.id] = fp_px(tri)
        shapes[o.id] = fp_px(o.footprint)
        drawn.append(o)

    # door swings (leaf + arc) and door thresholds
    for wall, o, gap in gaps:
        if o.kind != "door":
            continue
        cv.draw.polygon([cv.w2s(p) for p in gap.exterior.coords], fill=s.floor)
        hinge, tip, arc = _door_geometry(wall, o)
        cv.polyline([cv.w2s(p) for p in arc], s.door_swing, 1.1)
        cv.polyline([cv.w2s(hinge), cv.w2s(tip)], s.door_leaf, max(2.2, 0.035 * ppm))

    # walls
    cv.fill_geom(walls_geom, s.wall)

    # windows: light glass fill and the classic triple line
    for wall, o, gap in gaps:
        if o.kind != "window":
            continue
        cv.draw.polygon([cv.w2s(p) for p in gap.exterior.coords], fill=s.window_fill)
        n = wall.normal
        a, b = wall.point_at(o.offset), wall.point_at(o.offset + o.width)
        t = wall.thickness
        for k, wpx in ((0.0, 1.2), (0.5, 1.8), (1.0, 1.2)):
            cv.polyline([cv.w2s(_add(a, n, -t * k)), cv.w2s(_add(b, n, -t * k))], s.window_line, wpx)
        for p in (a, b):
            cv.polyline([cv.w2s(p), cv.w2s(_add(p, n, -t))], s.window_line, 1.2)

    # ceiling objects and lights: dashed markers that leave the furniture visible
    markers: dict[str, Polygon] = {}
    for o in ceil_objs:
        r = _ceiling_radius(o)
        c = (o.position[0], o.position[1])
        ring = [cv.w2s(p) for p in _circle(c, r)]
        cv.draw.polygon(ring, fill=s.light + (38,))
        cv.dashed(ring, s.light, 1.6, 5.0, 3.5)
        _star(cv, c, r * 0.55, s.light, 1.4)
        markers[o.id] = fp_px(_circle(c, r, 24))
    light_label: list[Light] = []
    for light in scene.lights:
        c = (light.position[0], light.position[1])
        if light.kind == "area":
            w, d = light.area_size
            rect = [(c[0] - w / 2, c[1] - d / 2), (c[0] + w / 2, c[1] - d / 2), (c[0] + w / 2, c[1] + d / 2),
                    (c[0] - w / 2, c[1] + d / 2), (c[0] - w / 2, c[1] - d / 2)]
            cv.draw.polygon([cv.w2s(p) for p in rect], fill=s.light + (30,))
            cv.dashed([cv.w2s(p) for p in rect], s.light, 1.4, 5.0, 3.5)
        r = LIGHT_MARKER_RADIUS_M
        fixture = any(_covers(o, c) for o in ceil_objs)  # the light of a drawn fixture: a dot is enough
        if not fixture:
            ring = [cv.w2s(p) for p in _circle(c, r)]
            cv.dashed(ring, s.light, 1.3, 3.0, 3.0)
            _star(cv, c, r * 0.62, s.light, 1.6, rays=8)
            light_label.append(light)
            markers[light.id] = fp_px(_circle(c, r, 24))
        cx, cy = cv.w2s(c)
        dot = 2.2 * cv.ss
        cv.draw.ellipse((cx - dot, cy - dot, cx + dot, cy + dot), fill=_dark(s.light, 0.8))

    _draw_labels(cv, scene, walls_geom, drawn, shapes, tri_px, bars, ceil_objs, light_label, markers)
    _draw_header_footer(cv, scene)

    image = cv.img.resize((layout.width, layout.height), Image.Resampling.LANCZOS) if cv.ss > 1 else cv.img
    image.info["plan_layout"] = layout
    if path is not None:
        image.save(Path(path), format="PNG", optimize=False)
    return image


def _covers(o: ObjectInstance, c: Point2) -> bool:
    return math.dist((o.position[0], o.position[1]), c) <= _ceiling_radius(o)


def _star(cv: _Canvas, c: Point2, r: float, color: RGB, width_px: float, rays: int = 4) -> None:
    for i in range(rays):
        a = math.pi * i / rays + math.pi / (2 * rays) * (rays == 4)
        p = (c[0] + r * math.cos(a), c[1] + r * math.sin(a))
        q = (c[0] - r * math.cos(a), c[1] - r * math.sin(a))
        cv.polyline([cv.w2s(p), cv.w2s(q)], color, width_px)


def _draw_labels(cv: _Canvas, scene: Scene, walls_geom: BaseGeometry, drawn: list[ObjectInstance],
                 shapes: dict[str, Polygon], tri_px: dict[str, Polygon], bars: dict[str, list[Point2]],
                 ceil_objs: list[ObjectInstance], lights: list[Light], markers: dict[str, Polygon]) -> None:
    s, L, ss = cv.s, cv.L, cv.ss
    walls_px = affinity.affine_transform(walls_geom, [L.px_per_m, 0, 0, -L.px_per_m,
                                                      L.origin[0] - L.world_min[0] * L.px_per_m,
                                                      L.origin[1] + L.world_max[1] * L.px_per_m]) \
        if not walls_geom.is_empty else walls_geom
    floors_px = unary_union([Polygon([cv.w2p(p) for p in r.polygon]) for r in scene.rooms]) \
        if scene.rooms else Polygon()
    objects_px = unary_union(list(shapes.values())) if shapes else Polygon()
    area = box(4, L.plan_top, L.width - 4, L.footer_top - 2)
    placer = _Placer(area, walls_px, objects_px, floors_px)
    labels: list[_Label] = []

    # wall ids, outside each wall
    for wall, anchor, off, (w, h) in _wall_label_offsets(scene, L.px_per_m, s, ss):
        ax, ay = cv.w2p(anchor)
        cx, cy = ax + off[0], ay + off[1]
        b = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
        labels.append(_Label(wall.id, b, "regular", s.wall_label_size, s.text_muted, "wall"))
        placer.add(b)

    # object ids inside their footprint when they fit
    pending: list[ObjectInstance] = []
    for i, o in enumerate(drawn):
        shape = shapes[o.id]
        above = [shapes[q.id] for q in drawn[i + 1:] if shapes[q.id].intersects(shape)]
        above += [m for m in markers.values() if m.intersects(shape)]
        fitted = _fit_inside(o, shape, tri_px.get(o.id), above, s, ss, L.px_per_m)
        if fitted is None:
            pending.append(o)
            continue
        labels.append(fitted)
        placer.add(fitted.box)

    # everything else in a tag beside its object, with a leader line
    pad_x, pad_y = 3.0, 1.5
    for o in pending:
        size = s.tag_size if o.support_kind != "object" else s.tag_size - 1
        w, h = _text_size(o.id, "condensed", size, ss)
        target = shapes[o.id]
        c = target.centroid
        anchor = (c.x, c.y)
        b = placer.place_beside(target, anchor, w + 2 * pad_x, h + 2 * pad_y + 2)
        labels.append(_Label(o.id, b, "condensed", size, s.text, "tag", anchor))
        placer.add(b)
    for marked_id, position in [(o.id, o.position) for o in ceil_objs] + [(li.id, li.position) for li in lights]:
        anchor = cv.w2p(position)
        w, h = _text_size(marked_id, "condensed", s.tag_size, ss)
        b = placer.place_beside(markers[marked_id], anchor, w + 2 * pad_x, h + 2 * pad_y + 2)
        labels.append(_Label(marked_id, b, "condensed", s.tag_size, _dark(s.light, 0.7), "tag", anchor))
        placer.add(b)

    # room names when there is more than one room (one room's name is in the subtitle)
    if len(scene.rooms) > 1:
        for room in scene.rooms:
            poly = Polygon([cv.w2p(p) for p in room.polygon])
            text = room.name.upper()
            w, h = _text_size(text, "bold", s.tag_size, ss)
            p = polylabel(poly, tolerance=1.0)
            target = Point(p.x, p.y).buffer(1.0)
            b0 = (p.x - w / 2, p.y - h / 2, p.x + w / 2, p.y + h / 2)
            b = b0 if placer.score(b0, Polygon(), (p.x, p.y)) < 1.0 else placer.place_beside(target, (p.x, p.y), w, h)
            labels.append(_Label(text, b, "bold", s.tag_size, s.text_muted, "room"))
            placer.add(b)

    # draw: leaders first, then tags and texts
    for lab in labels:
        if lab.kind == "tag" and lab.anchor is not None:
            near = _nearest_on_box(lab.box, lab.anchor)
            if math.dist(near, lab.anchor) > 4.0:
                cv.polyline([cv.p2s(lab.anchor), cv.p2s(near)], s.leader + (230,), 1.0)
                ax, ay = cv.p2s(lab.anchor)
                r = 1.9 * ss
                cv.draw.ellipse((ax - r, ay - r, ax + r, ay + r), fill=s.leader)
    for lab in labels:
        x0, y0, x1, y1 = lab.box
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        if lab.kind == "tag":
            cv.draw.rounded_rectangle((x0 * ss, y0 * ss, x1 * ss, y1 * ss), radius=3 * ss,
                                      fill=(255, 255, 255, 226), outline=(188, 190, 196), width=cv.lw(0.8))
            cv.text((cx, cy), lab.text, lab.style, lab.size, lab.color)
        elif lab.kind == "inside_v":
            cv.vtext((cx, cy), lab.text, lab.style, lab.size, lab.color)
        else:
            cv.text((cx, cy), lab.text, lab.style, lab.size, lab.color)


def _fit_inside(o: ObjectInstance, shape: Polygon, tri: Polygon | None, above: list[Polygon], s: PlanStyle,
                ss: int, ppm: float) -> _Label | None:
    """The largest label that fits inside the object's footprint (horizontal, or turned 90 degrees
    for tall narrow footprints), clear of its front marker and of objects drawn over it."""
    region = shape.buffer(-2.5, join_style="mitre")
    if tri is not None:
        region = region.difference(tri.buffer(1.5))
    for a in above:
        region = region.difference(a.buffer(1.5))
    if region.is_empty:
        return None
    c = shape.centroid
    centres = [(c.x, c.y)]
    if tri is not None:
        tc = tri.centroid
        dx, dy = c.x - tc.x, c.y - tc.y
        dist = math.hypot(dx, dy)
        if dist > 1e-6:
            for k in (4.0, 8.0):
                centres.append((c.x + dx / dist * k, c.y + dy / dist * k))
    biggest = max(_polygons(region), key=lambda p: p.area)
    pl = polylabel(biggest, tolerance=1.0)
    centres.append((pl.x, pl.y))
    x0, y0, x1, y1 = shape.bounds
    # then a few spots off-centre, so things on top (a vase on a table) do not force a tiny label
    for fx, fy in ((0.0, 0.2), (0.0, -0.2), (0.2, 0.0), (-0.2, 0.0), (0.0, 0.3), (0.0, -0.3), (0.3, 0.0),
                   (-0.3, 0.0), (0.2, 0.2), (-0.2, 0.2), (0.2, -0.2), (-0.2, -0.2)):
        centres.append((c.x + fx * (x1 - x0), c.y + fy * (y1 - y0)))
    vertical_first = (y1 - y0) > 1.35 * (x1 - x0)
    fill = category_color(o.category) if o.support_kind != "object" else \
        _mix(category_color(o.category), (255, 255, 255), 0.35)
    color = _dark(fill, 0.32)
    # bigger scales get somewhat bigger labels (up to 20 px)
    max_size = int(min(max(s.label_max_size, ppm * 0.085), 20.0))
    if o.support_kind != "floor":
        max_size -= 2
    # the footprint's own orientation first; turned text only when it is clearly bigger (3 px)
    natural, other = ("inside_v", "inside") if vertical_first else ("inside", "inside_v")
    attempts = [(size, natural) for size in range(max_size, s.label_min_size - 1, -1)]
    attempts += [(size, other) for size in range(max_size, s.label_min_size - 1, -1)]
    attempts.sort(key=lambda a: -(a[0] - (3 if a[1] == other else 0)))  # stable: natural wins ties
    for size, kind in attempts:
        w = _text_size(o.id, "condensed", size, ss)[0]
        h = _line_height("condensed", size, ss) * 0.78
        bw, bh = (w, h) if kind == "inside" else (h, w)
        for cx, cy in centres:
            b = (cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2)
            if region.contains(box(*b)):
                return _Label(o.id, b, "condensed", size, color, kind)
    return None


def _draw_header_footer(cv: _Canvas, scene: Scene) -> None:
    s, L, ss = cv.s, cv.L, cv.ss
    # title and subtitle
    y = float(s.margin)
    lh = _line_height("bold", s.title_size, ss) * 1.05
    for line in L.title_lines:
        cv.text((s.margin, y), line, "bold", s.title_size, s.text, anchor="la")
        y += lh
    y += 4
    lh = _line_height("regular", s.subtitle_size, ss) * 1.1
    for line in L.subtitle_lines:
        cv.text((s.margin, y), line, "regular", s.subtitle_size, s.text_muted, anchor="la")
        y += lh
    sep_y = L.plan_top - 2
    cv.polyline([cv.p2s((s.margin, sep_y)), cv.p2s((L.width - s.margin, sep_y))], (226, 227, 230), 1.0)

    # legend rows
    y = L.footer_top + 6
    for row in L.legend_rows:
        widths = [_SWATCH + 6 + _text_size(_LEGEND_TEXT[i], "regular", s.legend_size, ss)[0] for i in row]
        total = sum(widths) + _LEGEND_GAP * (len(widths) - 1)
        x = (L.width - total) / 2
        for item, w in zip(row, widths):
            _legend_swatch(cv, item, (x, y + 11 - _SWATCH / 2))
            cv.text((x + _SWATCH + 6, y + 11), _LEGEND_TEXT[item], "regular", s.legend_size, s.text, anchor="lm")
            x += w + _LEGEND_GAP
        y += 22

    # scale bar, bottom left
    ppm = L.px_per_m
    length = 1.0
    for cand in (1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0):
        length = cand
        if cand * ppm >= 70:
            break
    x0 = float(s.margin)
    yb = L.height - s.margin * 0.6 - 22
    bar_h = 6.0
    seg = 4
    for i in range(seg):
        xa = x0 + length * ppm * i / seg
        xb = x0 + length * ppm * (i + 1) / seg
        color = s.text if i % 2 == 0 else s.background
        cv.draw.rectangle((xa * ss, yb * ss, xb * ss, (yb + bar_h) * ss), fill=color)
    cv.draw.rectangle((x0 * ss, yb * ss, (x0 + length * ppm) * ss, (yb + bar_h) * ss), outline=s.text,
                      width=cv.lw(1.0))
    half = length / 2
    for value, text in ((0.0, "0"), (half, _num(half)), (length, f"{_num(length)} m")):
        xt = x0 + value * ppm
        cv.polyline([cv.p2s((xt, yb - 3)), cv.p2s((xt, yb + bar_h))], s.text, 1.0)
        cv.text((xt, yb - 5), text, "regular", 11, s.text, anchor="mb")

    # axis indicator, bottom right: x to the right, y up (north-ish)
    ox, oy = L.width - s.margin - 44, L.height - s.margin * 0.6 - 8
    arrow = 30.0
    _arrow(cv, (ox, oy), (ox + arrow, oy), s.axis_x)
    _arrow(cv, (ox, oy), (ox, oy - arrow), s.axis_y)
    cv.text((ox + arrow + 8, oy), "x", "bold", 12, s.axis_x, anchor="lm")
    cv.text((ox, oy - arrow - 6), "y", "bold", 12, s.axis_y, anchor="mb")
    r = 2.2 * ss
    px, py = cv.p2s((ox, oy))
    cv.draw.ellipse((px - r, py - r, px + r, py + r), fill=s.text)


def _num(v: float) -> str:
    return f"{v:g}"


def _arrow(cv: _Canvas, a: Point2, b: Point2, color: RGB) -> None:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy)
    ux, uy = dx / length, dy / length
    head = 8.0
    base = (b[0] - ux * head, b[1] - uy * head)
    cv.polyline([cv.p2s(a), cv.p2s(base)], color, 2.0)
    left = (base[0] - uy * head * 0.45, base[1] + ux * head * 0.45)
    right = (base[0] + uy * head * 0.45, base[1] - ux * head * 0.45)
    cv.draw.polygon([cv.p2s(b), cv.p2s(left), cv.p2s(right)], fill=color)


def _legend_swatch(cv: _Canvas, item: str, top_left: Point2) -> None:
    s, ss = cv.s, cv.ss
    x, y = top_left
    b = (x * ss, y * ss, (x + _SWATCH) * ss, (y + _SWATCH) * ss)
    if item in _GROUP_COLORS:
        fill = _GROUP_COLORS[item]
        cv.draw.rounded_rectangle(b, radius=2 * ss, fill=fill, outline=_dark(fill), width=cv.lw(1.2))
    elif item == "ceiling_light":
        c = (x + _SWATCH / 2, y + _SWATCH / 2)
        ring = [cv.p2s((c[0] + 6.5 * math.cos(2 * math.pi * i / 32), c[1] + 6.5 * math.sin(2 * math.pi * i / 32)))
                for i in range(33)]
        cv.draw.polygon(ring, fill=s.light + (38,))
        cv.dashed(ring, s.light, 1.3, 3.0, 2.0)
        r = 1.8 * ss
        cx, cy = cv.p2s(c)
        cv.draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=s.light)
    elif item == "door":
        hinge = (x + 1, y + _SWATCH)
        cv.polyline([cv.p2s(hinge), cv.p2s((x + 1, y + 1))], s.door_leaf, 2.0)
        arc = [cv.p2s((hinge[0] + (_SWATCH - 2) * math.cos(-math.pi / 2 + math.pi / 2 * i / 16),
                       hinge[1] + (_SWATCH - 2) * math.sin(-math.pi / 2 + math.pi / 2 * i / 16))) for i in range(17)]
        cv.polyline(arc, s.door_swing, 1.0)
    elif item == "window":
        cv.draw.rectangle((b[0], b[1] + 4 * ss, b[2], b[3] - 4 * ss), fill=s.window_fill)
        for k in (4.0, 7.0, 10.0):
            cv.polyline([cv.p2s((x, y + k)), cv.p2s((x + _SWATCH, y + k))], s.window_line, 1.0 if k != 7.0 else 1.5)
