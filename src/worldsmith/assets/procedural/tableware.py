"""Tableware and other small round things: vases, mugs, cups, glasses, plates, bowls, bottles, wine
bottles, jars and candles.

Almost everything here is a solid of revolution: a closed lathe profile that runs out along the
bottom, up the outside, over the rim and back down the inside, so vessels are hollow yet
watertight. Round bodies are drawn with a unit radius and stretched to the object's footprint
(``scale_xy``), so a size that is not square gives an oval piece rather than a wrong bounding box.
Handles are swept tubes. What varies is listed in each generator's docstring.

The module also holds the small private mesh helpers (fit to size, loft, tube, ellipsoid) that the
other small-object modules (media, textiles, containers) import.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import trimesh

from ..parts import Part
from ..primitives import box, cylinder, lathe, merge, raw_mesh, rotation_z, transformed
from ..surfaces import Surface, rect
from ._shapes import closed_mesh, no_surfaces, rotation_y, translate, vertical_hits
from .params import chance, clamp, pick, register_generator, uniform

Size = tuple[float, float, float]

SECTIONS = 16

# ---------------------------------------------------------------------------------------------------
# private mesh helpers (shared with media.py, textiles.py and containers.py). _fit, _loft, _tube and
# _ellipsoid are near-twins of _shapes.fit_exact / loft / sweep / ellipsoid that differ in rounding,
# triangle order or tube frames: switching would change these objects' mesh bytes.
# ---------------------------------------------------------------------------------------------------


def _fit(parts: list[Part], size: Size) -> list[Part]:
    """Parts scaled and shifted (per axis) so that their joint bounds are exactly the object's box:
    x in [-w/2, w/2], y in [-d/2, d/2], z in [0, h]. Builders get close; this only nudges."""
    lo = np.min([p.mesh.vertices.min(axis=0) for p in parts], axis=0)
    hi = np.max([p.mesh.vertices.max(axis=0) for p in parts], axis=0)
    size_v = np.asarray(size, dtype=float)
    scale = size_v / np.maximum(hi - lo, 1e-12)
    target_lo = np.array([-size_v[0] / 2.0, -size_v[1] / 2.0, 0.0])
    out = []
    for p in parts:
        v = (p.mesh.vertices - lo) * scale + target_lo
        out.append(Part(p.name, raw_mesh(v, p.mesh.faces.copy()), p.material))
    return out


def _loft(rings: Sequence[np.ndarray], closed: bool = False) -> trimesh.Trimesh:
    """Skin through ``rings`` (each an (M, 3) loop, all the same M, consistently ordered), capped at
    both ends by a fan to the ring's centre, or joined end to start when ``closed``."""
    rings = [np.asarray(r, dtype=float) for r in rings]
    m = len(rings[0])
    n = len(rings)
    verts = [*rings]
    faces = []
    j = np.arange(m)
    jn = (j + 1) % m
    last = n if closed else n - 1
    for k in range(last):
        a, b = k * m, ((k + 1) % n) * m
        faces.append(np.stack([a + j, a + jn, b + jn], 1))
        faces.append(np.stack([a + j, b + jn, b + j], 1))
    if not closed:
        c0, c1 = n * m, n * m + 1
        verts.append(rings[0].mean(axis=0, keepdims=True))
        verts.append(rings[-1].mean(axis=0, keepdims=True))
        faces.append(np.stack([np.full(m, c0), jn, j], 1))
        faces.append(np.stack([np.full(m, c1), (n - 1) * m + j, (n - 1) * m + jn], 1))
    return closed_mesh(np.concatenate(verts), np.concatenate(faces))


def _tube(
    path: Sequence[Sequence[float]], radius: float | Sequence[float], sides: int = 8, closed: bool = False
) -> trimesh.Trimesh:
    """A round tube of ``radius`` (one value, or one per path point) swept along the polyline
    ``path`` (parallel-transported frames), capped, or a ring when ``closed``."""
    p = np.asarray(path, dtype=float)
    n = len(p)
    radii = np.broadcast_to(np.asarray(radius, dtype=float), (n,))
    if closed:
        tang = np.roll(p, -1, axis=0) - np.roll(p, 1, axis=0)
    else:
        tang = np.gradient(p, axis=0)
    tang /= np.maximum(np.linalg.norm(tang, axis=1, keepdims=True), 1e-12)
    ref = np.array([0.0, 0.0, 1.0]) if abs(tang[0][2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    normal = np.cross(tang[0], ref)
    normal /= np.linalg.norm(normal)
    ang = np.arange(sides) * (2.0 * math.pi / sides)
    rings = []
    for i in range(n):
        normal = normal - np.dot(normal, tang[i]) * tang[i]
        normal /= max(np.linalg.norm(normal), 1e-12)
        binormal = np.cross(tang[i], normal)
        rings.append(p[i] + radii[i] * (np.cos(ang)[:, None] * normal + np.sin(ang)[:, None] * binormal))
    return _loft(rings, closed=closed)


def _ellipsoid(center: Sequence[float], radii: Sequence[float], sections: int = 12, stacks: int = 6) -> trimesh.Trimesh:
    """Ellipsoid with semi-axes ``radii`` (x, y, z) around ``center``."""
    rx, ry, rz = (float(v) for v in radii)
    t = np.linspace(0.0, math.pi, stacks + 1)
    prof = [(0.0, 0.0)] + [(rx * math.sin(a), rz * (1.0 - math.cos(a))) for a in t[1:-1]] + [(0.0, 2.0 * rz)]
    return lathe(prof, sections, (center[0], center[1], center[2] - rz), scale_xy=(1.0, ry / rx))


def _ring(
    center: Sequence[float],
    radius: float,
    tube_r: float,
    scale_xy: tuple[float, float] = (1.0, 1.0),
    n: int = 24,
    sides: int = 6,
) -> trimesh.Trimesh:
    """A horizontal torus (an oval one with ``scale_xy``) of centre-line ``radius``."""
    a = np.arange(n) * (2.0 * math.pi / n)
    path = np.stack(
        [
            center[0] + radius * scale_xy[0] * np.cos(a),
            center[1] + radius * scale_xy[1] * np.sin(a),
            np.full(n, float(center[2])),
        ],
        1,
    )
    return _tube(path, tube_r, sides, closed=True)


def _hits_z(parts: Sequence[Part], x: float, y: float) -> np.ndarray:
    """Heights where the vertical line through (x, y) crosses the parts' surfaces (sorted)."""
    return np.sort(np.concatenate([vertical_hits(p.mesh, x, y) for p in parts])) if parts else np.zeros(0)


def _interp(points: Sequence[tuple[float, float]], z: float) -> float:
    """Radius of an (r, z) polyline (z increasing) at height ``z``."""
    zs = [q[1] for q in points]
    rs = [q[0] for q in points]
    return float(np.interp(z, zs, rs))


def _vessel(
    outer: Sequence[tuple[float, float]],
    wall: float,
    floor_z: float,
    sections: int = SECTIONS,
    center: Sequence[float] = (0.0, 0.0, 0.0),
    scale_xy: tuple[float, float] = (1.0, 1.0),
    bottom_r: float | None = None,
) -> trimesh.Trimesh:
    """A hollow, watertight lathe: out along the bottom, up the ``outer`` (r, z) polyline (z
    increasing), over the rim and down the inside (``wall`` in from the outside) to a floor at
    ``floor_z``. ``bottom_r`` (default the first outer radius) closes the base."""
    out = [(float(r), float(z)) for r, z in outer]
    top_r, top_z = out[-1]
    prof = [(0.0, out[0][1])] + out
    inner = []
    for r, z in reversed(out[:-1]):
        if z > floor_z + 1e-5:
            inner.append((max(r - wall, 0.25 * r), z))
    r_floor = _interp(out, floor_z)
    prof.append((max(top_r - wall, 0.3 * top_r), top_z))
    prof += inner
    prof.append((max(r_floor - wall, 0.25 * r_floor), floor_z))
    prof.append((0.0, floor_z))
    return lathe(prof, sections, center, scale_xy=scale_xy)


def _solid(
    outer: Sequence[tuple[float, float]],
    sections: int = SECTIONS,
    center: Sequence[float] = (0.0, 0.0, 0.0),
    scale_xy: tuple[float, float] = (1.0, 1.0),
) -> trimesh.Trimesh:
    """A solid lathe through the (r, z) points ``outer`` (bottom to top), closed on the axis."""
    out = [(float(r), float(z)) for r, z in outer]
    return lathe([(0.0, out[0][1])] + out + [(0.0, out[-1][1])], sections, center, scale_xy=scale_xy)


def _scale_pts(points: Sequence[tuple[float, float]], r: float, z0: float, hz: float) -> list[tuple[float, float]]:
    """Unit (radius, height) control points scaled to radius ``r`` and height ``hz`` from ``z0``."""
    return [(a * r, z0 + b * hz) for a, b in points]


def _handle(
    x_attach: float, z_top: float, z_bot: float, reach: float, tube_r: float, squareness: float, n: int = 12
) -> trimesh.Trimesh:
    """A C-shaped handle in the XZ plane leaving a body at ``x_attach`` (top and bottom ends sunk into
    the wall) and reaching ``reach`` further out along +X. ``squareness`` 0 round .. 1 D-shaped."""
    zc = (z_top + z_bot) / 2.0
    b = (z_top - z_bot) / 2.0
    a = max(reach - tube_r, 1.5 * tube_r)
    e = 1.0 - 0.7 * clamp(squareness, 0.0, 1.0)
    pts = []
    for t in np.linspace(math.pi / 2.0, -math.pi / 2.0, n):
        c, s = math.cos(t), math.sin(t)
        x = x_attach + a * (abs(c) ** e)
        z = zc + b * math.copysign(abs(s) ** e, s)
        pts.append((x, 0.0, z))
    pts[0] = (x_attach - tube_r, 0.0, z_top)
    pts[-1] = (x_attach - tube_r, 0.0, z_bot)
    return _tube(pts, tube_r, 8)


COLOURS = (
    "white",
    "off white",
    "cream",
    "beige",
    "sand",
    "grey",
    "charcoal",
    "black",
    "navy",
    "blue",
    "sky blue",
    "teal",
    "sage",
    "olive",
    "forest green",
    "mustard",
    "terracotta",
    "rust",
    "dusty pink",
    "blush",
    "coral",
    "burgundy",
    "lavender",
    "plum",
    "yellow",
)
CERAMIC = tuple(
    f"{c} ceramic"
    for c in (
        "white",
        "off white",
        "cream",
        "grey",
        "charcoal",
        "black",
        "navy",
        "blue",
        "sky blue",
        "teal",
        "sage",
        "olive",
        "mustard",
        "terracotta",
        "rust",
        "dusty pink",
        "blush",
        "burgundy",
        "lavender",
    )
)
GLASSES = ("clear glass", "clear glass", "frosted glass", "green glass", "amber glass", "blue glass")

# ---------------------------------------------------------------------------------------------------
# vase
# ---------------------------------------------------------------------------------------------------

#: unit vase outlines: (radius / max radius, height / vase height), bottom to top
VASE_SHAPES = {
    "cylinder": ((0.94, 0.0), (1.0, 0.015), (1.0, 0.97), (0.985, 1.0)),
    "flared": ((0.5, 0.0), (0.55, 0.02), (0.48, 0.2), (0.46, 0.45), (0.55, 0.7), (0.76, 0.88), (1.0, 1.0)),
    "bulb": (
        (0.52, 0.0),
        (0.8, 0.07),
        (0.96, 0.2),
        (1.0, 0.36),
        (0.9, 0.55),
        (0.62, 0.7),
        (0.38, 0.8),
        (0.33, 0.9),
        (0.4, 1.0),
    ),
    "amphora": ((0.48, 0.0), (0.56, 0.05), (0.86, 0.28), (1.0, 0.5), (0.9, 0.68), (0.6, 0.82), (0.5, 0.9), (0.62, 1.0)),
    "bud": ((0.78, 0.0), (0.95, 0.05), (1.0, 0.3), (0.88, 0.45), (0.5, 0.55), (0.26, 0.66), (0.24, 0.94), (0.3, 1.0)),
    "cone": ((0.62, 0.0), (0.66, 0.02), (1.0, 1.0)),
}
VASE_MATERIALS = CERAMIC + (
    "terracotta",
    "porcelain",
    "concrete",
    "clear glass",
    "green glass",
    "amber glass",
    "blue glass",
    "frosted glass",
    "brass",
    "white marble",
)
FLOWER_COLOURS = ("red", "pink", "pastel pink", "white", "yellow", "orange", "purple", "lavender", "coral", "cream")


@dataclass(frozen=True)
class VaseParams:
    category: str = "vase"
    shape: str = "bulb"  # cylinder | flared | bulb | amphora | bud | cone
    wall_m: float = 0.005
    material: str = "white ceramic"
    flowers: bool = False
    flower_count: int = 5
    vase_height_frac: float = 0.5  # of the total height, when there are flowers
    flower_material: str = "pink velvet"
    rim_band: bool = False
    band_material: str = "gold"
    base: str = "foot"  # foot (a turned foot ring) | stand (a wooden disc it stands on)
    base_material: str = "walnut wood"


def sample_vase_params(rng: np.random.Generator, size: Size, category: str = "vase") -> VaseParams:
    """A vase: six outlines (cylinder, flared, bulb, amphora, bud, cone), ceramic / glass / metal /
    stone, sometimes holding a bunch of flowers (stems, leaves and blooms), sometimes a rim band."""
    w, d, h = size
    flowers = chance(rng, 0.45 if h / max(w, d) > 1.2 else 0.2)
    return VaseParams(
        category=category,
        shape=pick(rng, tuple(VASE_SHAPES)),
        wall_m=uniform(rng, 0.003, 0.008),
        material=pick(rng, VASE_MATERIALS),
        flowers=flowers,
        flower_count=int(rng.integers(3, 8)),
        vase_height_frac=uniform(rng, 0.42, 0.6),
        flower_material=f"{pick(rng, FLOWER_COLOURS)} velvet",
        rim_band=chance(rng, 0.2),
        band_material=pick(rng, ("gold", "black ceramic", "brass", "white ceramic")),
        base=pick(rng, ("foot", "stand"), (0.75, 0.25)),
        base_material=pick(rng, ("walnut wood", "oak wood", "black stained wood", "cork")),
    )


def build_vase(params: VaseParams, size: Size) -> list[Part]:
    """A vase of exactly ``size`` (with its flowers, when it holds some)."""
    w, d, h = (float(v) for v in size)
    shape = VASE_SHAPES.get(params.shape, VASE_SHAPES["bulb"])
    hv = h * clamp(params.vase_height_frac, 0.3, 0.8) if params.flowers else h
    sx, sy = w / 2.0, d / 2.0
    wall = clamp(params.wall_m / min(sx, sy), 0.03, 0.2)
    stand = params.base == "stand"
    zb = clamp(0.04 * hv, 0.006, 0.02)  # height of the foot ring / stand
    r0 = shape[0][0]
    if stand:
        rs = min(1.0, r0 * 1.35 + 0.08)
        base = _solid([(rs * 0.97, 0.0), (rs, 0.15 * zb), (rs, 0.85 * zb), (rs * 0.97, zb)], 16, scale_xy=(sx, sy))
        base_mat = params.base_material
    else:
        base = _solid([(r0 * 0.92, 0.0), (r0 * 0.95, 0.5 * zb), (r0 * 0.95, zb * 1.2)], 16, scale_xy=(sx, sy))
        base_mat = params.material
    outer = _scale_pts(shape, 1.0, zb, hv - zb)
    body = _vessel(outer, wall, zb + max(0.01, 0.05 * hv), 16, scale_xy=(sx, sy))
    parts = [Part("body", body, params.material), Part("stand" if stand else "foot", base, base_mat)]
    top_r = outer[-1][0]
    if params.rim_band:
        zb = hv * 0.9
        rb = _interp(outer, zb)
        band = _vessel([(rb * 1.0, zb - 0.012 * hv - 0.004), (rb * 1.0, zb)], 0.5 * wall, zb - 0.012 * hv - 0.004)
        band = raw_mesh(band.vertices * np.array([sx * 1.004, sy * 1.004, 1.0]), band.faces)
        parts.append(Part("band", band, params.band_material))
    if params.flowers:
        parts += _flowers(params, sx, sy, hv, h, top_r)
    return _fit(parts, size)


def _flowers(params: VaseParams, sx: float, sy: float, hv: float, h: float, top_r: float) -> list[Part]:
    n = int(clamp(params.flower_count, 1, 9))
    rb = clamp(0.22 * min(sx, sy) * (1.0 + 0.3 * (top_r < 0.5)), 0.012, 0.05)
    rb = min(rb, 0.12 * (h - hv) + 0.004)
    mouth = 0.6 * top_r * min(sx, sy)
    stems, leaves, blooms = [], [], []
    for i in range(n):
        a = 2.399963 * i  # golden angle: spread evenly, deterministic
        spread = 0.0 if i == 0 else math.sqrt(i / n)
        hx = spread * (sx - rb) * math.cos(a)
        hy = spread * (sy - rb) * math.sin(a)
        top = h - rb - (0.0 if i == 0 else (h - hv) * 0.35 * spread * (0.6 + 0.4 * math.sin(3.1 * i)))
        base = (0.3 * mouth * math.cos(a), 0.3 * mouth * math.sin(a), hv * 0.5)
        mid = (0.5 * (base[0] + hx) * 0.7, 0.5 * (base[1] + hy) * 0.7, hv + 0.25 * (top - hv))
        stems.append(_tube([base, mid, (hx, hy, top)], clamp(0.05 * rb, 0.0015, 0.003), 5))
        if i % 2 == 0:
            lz = hv + 0.45 * (top - hv)
            lx, ly = 0.5 * (mid[0] + hx) + 0.6 * rb * math.cos(a), 0.5 * (mid[1] + hy) + 0.6 * rb * math.sin(a)
            leaf = _ellipsoid((0.0, 0.0, 0.0), (0.9 * rb, 0.25 * rb, 0.12 * rb), 8, 4)
            leaf = transformed(leaf, rotation_y(-30.0))
            leaf = transformed(leaf, rotation_z(math.degrees(a)))
            leaves.append(translate(leaf, lx, ly, lz))
        blooms.append(_ellipsoid((hx, hy, top), (rb, rb, 0.75 * rb), 8, 4))
    return [  # n >= 1 and flower 0 always has a leaf
        Part("stems", merge(stems), "green leaves"),
        Part("leaves", merge(leaves), "green leaves"),
        Part("flowers", merge(blooms), params.flower_material),
    ]


# ---------------------------------------------------------------------------------------------------
# mug
# ---------------------------------------------------------------------------------------------------

MUG_SHAPES = {
    "straight": ((0.95, 0.0), (1.0, 0.04), (1.0, 1.0)),
    "tapered": ((0.8, 0.0), (0.84, 0.04), (1.0, 1.0)),
    "barrel": ((0.86, 0.0), (0.93, 0.06), (1.0, 0.4), (1.0, 0.65), (0.93, 1.0)),
    "bell": ((0.72, 0.0), (0.76, 0.05), (0.8, 0.35), (0.9, 0.75), (1.0, 1.0)),
}


@dataclass(frozen=True)
class MugParams:
    category: str = "mug"
    shape: str = "straight"  # straight | tapered | barrel | bell
    handle_shape: str = "round"  # round | square | ear
    handle_thickness_m: float = 0.006
    wall_m: float = 0.004
    material: str = "white ceramic"
    enamel_rim: bool = False
    rim_material: str = "navy painted metal"
    dipped: bool = False  # lower part glazed another colour
    dip_material: str = "terracotta"
    filled: bool = False  # coffee inside


def sample_mug_params(rng: np.random.Generator, size: Size, category: str = "mug") -> MugParams:
    """A mug: straight, tapered, barrel or bell body; round, D-shaped or small ear handle; plain
    ceramic, two-tone dipped glaze, enamel with a coloured rim, or glass; sometimes full of coffee."""
    kind = pick(rng, ("ceramic", "dipped", "enamel", "glass"), (0.55, 0.2, 0.15, 0.1))
    material = {
        "ceramic": pick(rng, CERAMIC),
        "dipped": pick(rng, ("white ceramic", "cream ceramic", "off white ceramic")),
        "enamel": "white painted metal",
        "glass": "clear glass",
    }[kind]
    return MugParams(
        category=category,
        shape=pick(rng, tuple(MUG_SHAPES)) if kind != "enamel" else "straight",
        handle_shape=pick(rng, ("round", "square", "ear")),
        handle_thickness_m=uniform(rng, 0.0045, 0.0075),
        wall_m=uniform(rng, 0.003, 0.006),
        material=material,
        enamel_rim=kind == "enamel",
        rim_material=pick(
            rng, ("navy painted metal", "black painted metal", "blue painted metal", "red painted metal")
        ),
        dipped=kind == "dipped",
        dip_material=pick(rng, ("terracotta", "sage ceramic", "navy ceramic", "charcoal ceramic", "rust ceramic")),
        filled=chance(rng, 0.3),
    )


def _cup_body(
    shape: Sequence[tuple[float, float]],
    r: float,
    hz: float,
    wall: float,
    z0: float,
    floor_t: float,
    scale: tuple[float, float] = (1.0, 1.0),
) -> tuple[trimesh.Trimesh, list]:
    outer = _scale_pts(shape, r, z0, hz)
    return _vessel(outer, wall, z0 + floor_t, SECTIONS, scale_xy=scale), outer


def build_mug(params: MugParams, size: Size) -> list[Part]:
    """A mug of exactly ``size``; its handle sticks out along the longer horizontal side (+X, or +Y
    when the mug is deeper than wide)."""
    w, d, h = (float(v) for v in size)
    along_y = d > w
    a, b = (d, w) if along_y else (w, d)  # a: along the handle, b: across
    reach = clamp(a - b, 0.2 * b, 0.45 * b)
    if params.handle_shape == "ear":
        reach = min(reach, 0.3 * b)
    bx = max(a - reach, 0.5 * a)
    r = 1.0
    shape = MUG_SHAPES.get(params.shape, MUG_SHAPES["straight"])
    scale = (bx / 2.0, b / 2.0)
    wall = clamp(params.wall_m, 0.002, 0.15 * b) / min(scale)
    body, outer = _cup_body(shape, r, h, wall, 0.0, max(0.006, 0.08 * h), scale)
    parts = [Part("body", body, params.material)]
    tube_r = clamp(params.handle_thickness_m, 0.003, 0.12 * h)
    if params.handle_shape == "ear":
        zt, zb = 0.78 * h, 0.38 * h
    else:
        zt, zb = 0.84 * h, 0.2 * h
    x_attach = scale[0] * 0.5 * (_interp(outer, zt) + _interp(outer, zb))
    handle = _handle(x_attach, zt, zb, a / 2.0 - x_attach, tube_r, 0.8 if params.handle_shape == "square" else 0.2)
    parts.append(Part("handle", handle, params.rim_material if params.enamel_rim else params.material))
    if params.enamel_rim:
        parts.append(
            Part("rim", _ring((0.0, 0.0, h - 0.0015), 1.0 - wall / 2.0, 0.0015, scale_xy=scale), params.rim_material)
        )
    if params.dipped:
        zd = 0.45 * h
        dip = _solid(
            [(outer[0][0] * 1.01, 0.0)]
            + [(q[0] * 1.012, q[1]) for q in outer[1:] if q[1] < zd]
            + [(_interp(outer, zd) * 1.012, zd)],
            SECTIONS,
            scale_xy=scale,
        )
        parts.append(Part("glaze", dip, params.dip_material))
    if params.filled:
        zf = 0.8 * h
        rf = _interp(outer, zf) - wall
        parts.append(
            Part(
                "coffee", _solid([(rf * 0.9, 0.1 * h), (rf * 0.99, zf)], SECTIONS, scale_xy=scale), "chocolate ceramic"
            )
        )
    parts = _fit(parts, (a, b, h))
    if along_y:
        parts = [Part(p.name, transformed(p.mesh, rotation_z(90.0)), p.material) for p in parts]
    return _fit(parts, size)


# ---------------------------------------------------------------------------------------------------
# cup
# ---------------------------------------------------------------------------------------------------

CUP_SHAPES = {
    "teacup": ((0.5, 0.0), (0.56, 0.06), (0.8, 0.3), (0.95, 0.65), (1.0, 1.0)),
    "espresso": ((0.72, 0.0), (0.8, 0.08), (0.96, 0.4), (1.0, 1.0)),
    "tulip": ((0.55, 0.0), (0.62, 0.06), (0.92, 0.4), (0.96, 0.7), (1.0, 1.0)),
}


@dataclass(frozen=True)
class CupParams:
    category: str = "cup"
    style: str = "teacup"  # teacup | espresso | takeaway | handleless
    saucer: bool = True
    handle_shape: str = "round"  # round | square | ear
    material: str = "white ceramic"
    saucer_material: str = "white ceramic"
    rim_band: bool = False  # gold line at the rim
    lid_material: str = "white plastic"
    sleeve: bool = True
    filled: bool = False


def sample_cup_params(rng: np.random.Generator, size: Size, category: str = "cup") -> CupParams:
    """A cup: a teacup or espresso cup with a handle on a saucer, a paper takeaway cup with a lid
    and maybe a sleeve, or a handleless (yunomi) cup; ceramic colours, gold rim lines."""
    w, d, h = size
    low = h / min(w, d) <= 0.72  # low enough for a cup on a saucer
    if low:
        style = pick(rng, ("teacup", "espresso", "handleless"), (0.55, 0.25, 0.2))
    else:
        style = pick(rng, ("teacup", "takeaway", "handleless"), (0.35, 0.35, 0.3))
    mat = pick(rng, ("white ceramic", "porcelain", "white ceramic") + CERAMIC)
    return CupParams(
        category=category,
        style=style,
        saucer=low and (style in ("teacup", "espresso") or chance(rng, 0.3)),
        handle_shape=pick(rng, ("round", "square", "ear")),
        material=pick(rng, ("white paper", "tan paper", "black paper", "white paper")) if style == "takeaway" else mat,
        saucer_material=mat if chance(rng, 0.7) else pick(rng, CERAMIC),
        rim_band=style in ("teacup", "espresso") and chance(rng, 0.3),
        lid_material=pick(rng, ("white plastic", "black plastic")),
        sleeve=chance(rng, 0.6),
        filled=style != "takeaway" and chance(rng, 0.35),
    )


def _saucer(sx: float, sy: float, t: float) -> trimesh.Trimesh:
    prof = [
        (0.0, 0.0015),
        (0.45, 0.0015),
        (0.47, 0.0),
        (0.58, 0.0),
        (0.62, 0.002),
        (0.97, 0.72 * t),
        (1.0, t),
        (0.96, t),
        (0.62, 0.55 * t),
        (0.34, 0.5 * t),
        (0.0, 0.5 * t),
    ]
    return lathe(prof, SECTIONS, scale_xy=(sx, sy))


def build_cup(params: CupParams, size: Size) -> list[Part]:
    """A cup of exactly ``size``: handles point along +X (they stay inside the saucer)."""
    w, d, h = (float(v) for v in size)
    style = params.style if params.style in ("teacup", "espresso", "takeaway", "handleless") else "teacup"
    parts: list[Part] = []
    saucer = params.saucer and style != "takeaway"
    z0 = 0.0
    if saucer:
        t = clamp(0.16 * h, 0.008, 0.02)
        parts.append(Part("saucer", _saucer(w / 2.0, d / 2.0, t), params.saucer_material))
        z0 = 0.5 * t
        hc = h - z0
        r = (0.68 if style == "teacup" else 0.58) * min(w, d) / 2.0
        scale = (r, r)
    elif style in ("teacup", "espresso"):  # no saucer: the handle takes part of the width, as on a mug
        hc = h
        reach = clamp(w - d, 0.22 * d, 0.4 * d)
        scale = ((w - reach) / 2.0, d / 2.0)
    else:
        hc = h
        scale = (w / 2.0, d / 2.0)
    if style == "takeaway":
        outer = _scale_pts(((0.7, 0.0), (0.72, 0.01), (0.96, 0.93)), 1.0, 0.0, hc)
        parts.append(Part("body", _solid(outer, SECTIONS, scale_xy=scale), params.material))
        lid = [(0.96, 0.9 * hc), (1.0, 0.93 * hc), (1.0, 0.955 * hc), (0.9, 0.965 * hc), (0.85, hc)]
        parts.append(Part("lid", _solid(lid, SECTIONS, scale_xy=scale), params.lid_material))
        if params.sleeve:
            sl = [(_interp(outer, 0.3 * hc) * 1.02, 0.3 * hc), (_interp(outer, 0.65 * hc) * 1.02, 0.65 * hc)]
            parts.append(Part("sleeve", _solid(sl, SECTIONS, scale_xy=scale), "cardboard"))
        return _fit(parts, size)
    shape = CUP_SHAPES["espresso" if style == "espresso" else ("tulip" if style == "handleless" else "teacup")]
    wall = 0.0035 / min(scale)
    body, outer = _cup_body(shape, 1.0, hc, wall, z0, 0.15 * hc, scale)
    parts.append(Part("body", body, params.material))
    if style == "handleless":
        r0 = outer[0][0]
        foot = _solid(
            [(0.85 * r0, z0), (0.88 * r0, z0 + 0.06 * hc), (0.9 * r0, z0 + 0.1 * hc)], SECTIONS, scale_xy=scale
        )
        parts.append(Part("foot", foot, "sand ceramic"))
    if params.rim_band:
        parts.append(Part("rim", _ring((0.0, 0.0, z0 + hc - 0.001), 1.0 - wall / 2.0, 0.001, scale, 24, 5), "gold"))
    if params.filled:
        zf = z0 + 0.8 * hc
        rf = _interp(outer, zf) - wall
        # coffee in an espresso cup, tea in a teacup, green tea in a handleless cup
        drink = {"espresso": "chocolate ceramic", "teacup": "amber glass"}.get(style, "green glass")
        parts.append(
            Part("drink", _solid([(rf * 0.7, z0 + 0.2 * hc), (rf * 0.99, zf)], SECTIONS, scale_xy=scale), drink)
        )
    if style != "handleless":
        zt, zb = (z0 + 0.85 * hc, z0 + 0.35 * hc) if params.handle_shape != "ear" else (z0 + 0.8 * hc, z0 + 0.5 * hc)
        x_attach = scale[0] * 0.5 * (_interp(outer, zt) + _interp(outer, zb))
        edge = (w / 2.0 * 0.92) if saucer else w / 2.0
        reach = clamp(edge - x_attach, 0.006, 0.6 * scale[0])
        tube_r = clamp(0.06 * hc, 0.0025, 0.005)
        parts.append(
            Part(
                "handle",
                _handle(x_attach, zt, zb, reach, tube_r, 0.8 if params.handle_shape == "square" else 0.2),
                params.material,
            )
        )
    return _fit(parts, size)


# ---------------------------------------------------------------------------------------------------
# glass
# ---------------------------------------------------------------------------------------------------

BOWLS = {
    "wine": ((0.3, 0.0), (0.66, 0.1), (0.9, 0.26), (1.0, 0.46), (0.97, 0.66), (0.88, 0.86), (0.8, 1.0)),
    "flute": ((0.25, 0.0), (0.62, 0.08), (0.86, 0.22), (1.0, 0.5), (0.98, 0.8), (0.92, 1.0)),
    "coupe": ((0.15, 0.0), (0.55, 0.12), (0.85, 0.4), (1.0, 1.0)),
}
TUMBLERS = {
    "straight": ((0.97, 0.0), (1.0, 0.03), (1.0, 1.0)),
    "tapered": ((0.8, 0.0), (0.83, 0.03), (1.0, 1.0)),
    "curved": ((0.82, 0.0), (0.88, 0.05), (1.0, 0.45), (0.96, 1.0)),
}


@dataclass(frozen=True)
class GlassParams:
    category: str = "glass"
    style: str = "tumbler"  # tumbler | stemmed
    tumbler_shape: str = "straight"  # straight | tapered | curved
    bowl_shape: str = "wine"  # wine | flute | coupe
    stem_frac: float = 0.4  # stem height / total height (stemmed)
    base_thickness_m: float = 0.01
    material: str = "clear glass"
    drink: str = "none"  # none | amber | ice
    fill_frac: float = 0.5


def sample_glass_params(rng: np.random.Generator, size: Size, category: str = "glass") -> GlassParams:
    """A drinking glass: a tumbler (straight highball, tapered, curved rocks glass) with a thick base,
    or a stemmed glass (wine, flute, coupe) on a foot; clear, frosted or tinted; maybe with a
    drink (whisky with ice, beer, white wine)."""
    w, d, h = size
    tall = h / max(w, d)
    style = "stemmed" if tall > 1.5 and chance(rng, 0.55) else "tumbler"
    bowl = pick(rng, ("wine", "flute", "coupe"), (0.55, 0.3 if tall > 2.2 else 0.1, 0.15))
    return GlassParams(
        category=category,
        style=style,
        tumbler_shape=pick(rng, tuple(TUMBLERS)),
        bowl_shape=bowl,
        stem_frac=uniform(rng, 0.3, 0.5) if bowl != "coupe" else uniform(rng, 0.5, 0.65),
        base_thickness_m=uniform(rng, 0.006, 0.018),
        material=pick(rng, GLASSES, (0.7, 0.0, 0.1, 0.07, 0.06, 0.07)) if style == "tumbler" else "clear glass",
        drink=pick(rng, ("none", "amber", "ice"), (0.55, 0.3, 0.15)),
        fill_frac=uniform(rng, 0.25, 0.7),
    )


def build_glass(params: GlassParams, size: Size) -> list[Part]:
    """A drinking glass of exactly ``size``."""
    w, d, h = (float(v) for v in size)
    scale = (w / 2.0, d / 2.0)
    rmin = min(scale)
    wall = clamp(0.0022 / rmin, 0.02, 0.12)
    parts: list[Part] = []
    if params.style == "stemmed":
        zs = h * clamp(params.stem_frac, 0.15, 0.7)
        foot_t = clamp(0.025 * h, 0.003, 0.006)
        bowl = BOWLS.get(params.bowl_shape, BOWLS["wine"])
        rf = 0.85 if params.bowl_shape != "flute" else 1.0
        bowl_r = 1.0 if params.bowl_shape != "flute" else 0.8
        foot = [(rf, 0.0), (rf, foot_t * 0.6), (0.5 * rf, foot_t), (0.12, foot_t * 2.2)]
        parts.append(Part("foot", _solid(foot, SECTIONS, scale_xy=scale), params.material))
        stem = [(0.09, foot_t * 2.0), (0.065, foot_t * 3.5), (0.065, zs - 0.008), (0.1, zs + 0.002)]
        parts.append(Part("stem", _solid(stem, 12, scale_xy=scale), params.material))
        outer = [(0.12, zs - 0.002)] + [(max(a * bowl_r, 0.13), zs + b * (h - zs)) for a, b in bowl[1:]]
        floor = zs + 0.12 * (h - zs)
        parts.append(Part("bowl", _vessel(outer, wall, floor, SECTIONS, scale_xy=scale), params.material))
        inside = [(q[0] - wall, q[1]) for q in outer if q[1] > floor]
    else:
        shape = TUMBLERS.get(params.tumbler_shape, TUMBLERS["straight"])
        outer = _scale_pts(shape, 1.0, 0.0, h)
        floor = clamp(params.base_thickness_m, 0.004, 0.25 * h)
        parts.append(Part("glass", _vessel(outer, wall, 0.5 * floor, SECTIONS, scale_xy=scale), params.material))
        rb = _interp(outer, floor) - wall
        parts.append(
            Part(
                "base",
                _solid([(outer[0][0] - wall, 0.4 * floor), (rb * 1.01, floor)], SECTIONS, scale_xy=scale),
                params.material,
            )
        )
        inside = [(_interp(outer, floor) - wall, floor)] + [(q[0] - wall, q[1]) for q in outer if q[1] > floor]
    if params.drink in ("amber", "ice"):
        z0 = inside[0][1] + 0.001
        zf = z0 + clamp(params.fill_frac, 0.1, 0.85) * (h - z0)
        liquid = [(0.97 * (_interp(inside, z0) if z0 >= inside[0][1] else inside[0][0]), z0)]
        liquid += [(0.97 * q[0], q[1]) for q in inside if z0 < q[1] < zf]
        liquid.append((0.97 * _interp(inside, zf), zf))
        parts.append(Part("drink", _solid(liquid, SECTIONS, scale_xy=scale), "amber glass"))
        if params.drink == "ice":
            s = 0.45 * _interp(inside, zf) * rmin
            for i, (cx, cy) in enumerate(((-0.3, -0.15), (0.25, 0.2))):
                ice = transformed(box((-s / 2, -s / 2, -s / 2), (s / 2, s / 2, s / 2)), rotation_z(25.0 + 40.0 * i))
                parts.append(Part(f"ice_{i}", translate(ice, cx * s, cy * s, zf - 0.2 * s), "clear glass"))
    return _fit(parts, size)


# ---------------------------------------------------------------------------------------------------
# plate
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlateParams:
    category: str = "plate"
    style: str = "rimmed"  # rimmed | coupe | deep
    well_frac: float = 0.68  # radius of the flat well / plate radius
    stack: int = 1
    material: str = "white ceramic"
    rim_line: bool = False
    rim_material: str = "gold"


def sample_plate_params(rng: np.random.Generator, size: Size, category: str = "plate") -> PlateParams:
    """A plate or a small stack of plates: rimmed, coupe (no rim) or deep (pasta) profile, plain or
    coloured ceramic, stoneware, enamel or wood, maybe a gold or coloured rim line."""
    w, d, h = size
    max_stack = int(clamp(1 + (h - 0.016) / 0.007, 1, 5))
    stack = int(rng.integers(1, max_stack + 1)) if chance(rng, 0.4) else 1
    return PlateParams(
        category=category,
        style=pick(rng, ("rimmed", "coupe", "deep"), (0.5, 0.3, 0.2)),
        well_frac=uniform(rng, 0.55, 0.75),
        stack=stack,
        material=pick(
            rng,
            ("white ceramic", "porcelain", "off white ceramic", "cream ceramic")
            + CERAMIC
            + ("white painted metal", "walnut wood"),
        ),
        rim_line=chance(rng, 0.25),
        rim_material=pick(rng, ("gold", "navy ceramic", "blue ceramic", "black ceramic")),
    )


def _plate_geometry(params: PlateParams, size: Size) -> tuple[float, float, float, int, float]:
    """(height of one plate, stacking pitch, well height, count, well radius fraction)."""
    w, d, h = (float(v) for v in size)
    n = int(clamp(params.stack, 1, 8))
    hp = h
    pitch = 0.0
    if n > 1:
        pitch = clamp(0.35 * h / n, 0.004, 0.012)
        hp = h - (n - 1) * pitch
        if hp < 0.6 * h / n or hp < 0.012:
            n = 1
            hp, pitch = h, 0.0
    t = clamp(0.28 * hp, 0.003, 0.007)
    zw = 0.0015 + t
    wf = clamp(params.well_frac, 0.35, 0.85) * (0.85 if params.style == "deep" else 1.0)
    return hp, pitch, zw, n, wf


def _plate_mesh(
    params: PlateParams, sx: float, sy: float, hp: float, zw: float, wf: float, sections: int = 24
) -> trimesh.Trimesh:
    foot_out = 0.62 * wf
    if params.style == "coupe":
        top = [
            (0.99, hp),
            (0.93, hp - 0.25 * (hp - zw)),
            (wf + 0.5 * (0.9 - wf), zw + 0.25 * (hp - zw)),
            (wf, zw),
            (0.0, zw),
        ]
        under = [
            (0.0, 0.0015),
            (foot_out + 0.04, 0.0015),
            (0.9, hp - (zw - 0.0015) - 0.15 * (hp - zw)),
            (1.0, hp - 0.002),
        ]
    else:
        rim_in = wf + (0.14 if params.style == "rimmed" else 0.22)
        top = [
            (0.99, hp),
            (rim_in, hp - 0.18 * (hp - zw)),
            (wf + 0.03, zw + 0.12 * (hp - zw)),
            (wf, zw),
            (0.0, zw),
        ]
        under = [
            (0.0, 0.0015),
            (foot_out + 0.03, 0.0015),
            (rim_in, hp - 0.18 * (hp - zw) - (zw - 0.0015)),
            (1.0, hp - 0.0025),
        ]
    prof = under + top
    return lathe(prof, sections, scale_xy=(sx, sy))


def build_plate(params: PlateParams, size: Size) -> list[Part]:
    """A plate (or a stack of nested plates) of exactly ``size``."""
    w, d, h = (float(v) for v in size)
    hp, pitch, zw, n, wf = _plate_geometry(params, size)
    parts = []
    sections = 24 if n <= 2 else 16
    for i in range(n):
        m = translate(_plate_mesh(params, w / 2.0, d / 2.0, hp, zw, wf, sections), 0.0, 0.0, i * pitch)
        suffix = "" if n == 1 else f"_{i}"
        parts.append(Part(f"plate{suffix}", m, params.material))
    # the foot ring of the bottom plate (the others' are hidden in the stack)
    parts.append(
        Part(
            "foot",
            _solid([(0.6 * wf, 0.0), (0.62 * wf, 0.002)], sections, scale_xy=(w / 2.0, d / 2.0)),
            params.material,
        )
    )
    if params.rim_line:
        rt = clamp(0.1 * hp, 0.0006, 0.0012)
        parts.append(
            Part("rim_line", _ring((0.0, 0.0, h - rt), 0.985, rt, (w / 2.0, d / 2.0), 32, 5), params.rim_material)
        )
    return _fit(parts, size)


def plate_surfaces(params: PlateParams, size: Size) -> list[Surface]:
    """The flat well of the (top) plate."""
    w, d, h = (float(v) for v in size)
    hp, pitch, zw, n, wf = _plate_geometry(params, size)
    z = (n - 1) * pitch + zw
    k = 0.66 * wf
    return [Surface(0, z, rect(-k * w / 2.0, -k * d / 2.0, k * w / 2.0, k * d / 2.0), "well", None)]


# ---------------------------------------------------------------------------------------------------
# bowl
# ---------------------------------------------------------------------------------------------------

BOWL_SHAPES = {
    "round": ((0.5, 0.0), (0.56, 0.04), (0.78, 0.25), (0.92, 0.55), (1.0, 1.0)),
    "conical": ((0.4, 0.0), (0.44, 0.05), (0.72, 0.5), (1.0, 1.0)),
    "footed": ((0.44, 0.0), (0.44, 0.1), (0.4, 0.14), (0.62, 0.3), (0.86, 0.58), (1.0, 1.0)),
    "straight": ((0.8, 0.0), (0.85, 0.06), (0.97, 0.5), (1.0, 1.0)),
    "wide": ((0.55, 0.0), (0.6, 0.06), (0.88, 0.45), (0.97, 0.75), (1.0, 1.0)),
}


@dataclass(frozen=True)
class BowlParams:
    category: str = "bowl"
    shape: str = "round"  # round | conical | footed | straight | wide
    wall_m: float = 0.005
    material: str = "white ceramic"
    rim_line: bool = False
    rim_material: str = "gold"
    fruit: int = 0  # spheres of fruit inside (fruit bowls)
    fruit_material: str = "orange plastic"


def sample_bowl_params(rng: np.random.Generator, size: Size, category: str = "bowl") -> BowlParams:
    """A bowl: round, conical, footed, straight-sided or wide serving bowl, in ceramic, wood, glass or
    steel, maybe a rim line, large ones sometimes holding fruit."""
    w, d, h = size
    return BowlParams(
        category=category,
        shape=pick(rng, tuple(BOWL_SHAPES)),
        wall_m=uniform(rng, 0.003, 0.008),
        material=pick(
            rng,
            CERAMIC + ("porcelain", "walnut wood", "oak wood", "clear glass", "brushed steel", "terracotta", "bamboo"),
        ),
        rim_line=chance(rng, 0.2),
        rim_material=pick(rng, ("gold", "navy ceramic", "black ceramic")),
        fruit=int(rng.integers(3, 7)) if min(w, d) > 0.18 and chance(rng, 0.35) else 0,
        fruit_material=pick(rng, ("orange plastic", "red plastic", "green plastic", "yellow plastic")),
    )


def build_bowl(params: BowlParams, size: Size) -> list[Part]:
    """A bowl of exactly ``size`` (fruit, if any, stays below the rim)."""
    w, d, h = (float(v) for v in size)
    sx, sy = w / 2.0, d / 2.0
    shape = BOWL_SHAPES.get(params.shape, BOWL_SHAPES["round"])
    wall = clamp(params.wall_m / min(sx, sy), 0.02, 0.15)
    outer = _scale_pts(shape, 1.0, 0.0, h)
    floor = max(0.006, 0.1 * h)
    parts = [Part("bowl", _vessel(outer, wall, floor, 20, scale_xy=(sx, sy)), params.material)]
    r0 = outer[0][0]
    parts.append(
        Part(
            "foot",
            _solid([(0.92 * r0, 0.0), (0.95 * r0, 0.5 * floor), (0.95 * r0, 0.8 * floor)], 20, scale_xy=(sx, sy)),
            params.material,
        )
    )
    if params.rim_line:
        rt = clamp(0.02 * h, 0.0008, 0.0015)
        parts.append(
            Part("rim_line", _ring((0.0, 0.0, h - rt), 1.0 - wall / 2.0, rt, (sx, sy), 32, 5), params.rim_material)
        )
    if params.fruit:
        n = int(clamp(params.fruit, 1, 8))
        rf = clamp(0.3 * min(sx, sy), 0.02, 0.045)
        rf = min(rf, 0.45 * (h - floor))
        ring_r = max(0.0, min(sx, sy) * 0.5 - rf * 0.5)
        for i in range(n):
            a = 2.0 * math.pi * i / max(n - 1, 1)
            x, y = (0.0, 0.0) if i == 0 else (ring_r * math.cos(a), ring_r * math.sin(a))
            parts.append(
                Part(f"fruit_{i}", _ellipsoid((x, y, floor + rf * 1.05), (rf, rf, rf), 10, 6), params.fruit_material)
            )
    return _fit(parts, size)


# ---------------------------------------------------------------------------------------------------
# bottle
# ---------------------------------------------------------------------------------------------------

BOTTLE_SHAPES = {
    # unit outline of the glass / plastic, up to the lip (the cap sits on top)
    "water": ((0.9, 0.0), (1.0, 0.03), (1.0, 0.55), (0.92, 0.66), (0.55, 0.8), (0.36, 0.88), (0.36, 1.0)),
    "beer": ((0.94, 0.0), (1.0, 0.02), (1.0, 0.5), (0.82, 0.6), (0.4, 0.72), (0.3, 0.8), (0.3, 0.97), (0.35, 1.0)),
    "sports": ((0.96, 0.0), (1.0, 0.02), (1.0, 0.8), (0.96, 0.88), (0.75, 0.93), (0.7, 1.0)),
    "flask": ((0.9, 0.0), (1.0, 0.04), (1.0, 0.62), (0.84, 0.72), (0.34, 0.84), (0.3, 0.97), (0.34, 1.0)),
    "oil": ((0.92, 0.0), (1.0, 0.02), (0.95, 0.62), (0.55, 0.78), (0.25, 0.86), (0.25, 0.97), (0.3, 1.0)),
}


@dataclass(frozen=True)
class BottleParams:
    category: str = "bottle"
    shape: str = "water"  # water | beer | sports | flask | oil
    cap_frac: float = 0.08  # cap height / total height
    material: str = "clear glass"
    cap_material: str = "white plastic"
    label: bool = True
    label_material: str = "white paper"
    liquid: bool = False
    liquid_material: str = "amber glass"


def sample_bottle_params(rng: np.random.Generator, size: Size, category: str = "bottle") -> BottleParams:
    """A bottle: PET water bottle, long-necked beer bottle, metal sports bottle with a big cap, glass
    flask or oil bottle with a stopper; labelled or not, plastic / metal / cork caps."""
    shape = pick(rng, tuple(BOTTLE_SHAPES))
    if shape == "sports":
        mat = pick(
            rng,
            (
                "brushed steel",
                "black painted metal",
                "sage painted metal",
                "navy painted metal",
                "pink painted metal",
                "white painted metal",
            ),
        )
        cap = pick(rng, ("black plastic", "brushed steel", "grey plastic"))
    elif shape == "beer":
        mat, cap = pick(rng, ("amber glass", "green glass", "amber glass")), pick(
            rng, ("gold", "silver plastic", "red painted metal")
        )
    elif shape == "water":
        mat, cap = pick(rng, ("clear glass", "light blue plastic", "clear glass")), pick(
            rng, ("blue plastic", "white plastic", "green plastic")
        )
    else:
        mat, cap = pick(rng, ("clear glass", "green glass", "amber glass", "frosted glass")), pick(
            rng, ("cork", "black plastic", "gold")
        )
    return BottleParams(
        category=category,
        shape=shape,
        cap_frac=uniform(rng, 0.06, 0.1) if shape != "sports" else uniform(rng, 0.12, 0.18),
        material=mat,
        cap_material=cap,
        label=shape != "sports" and chance(rng, 0.65),
        label_material=pick(rng, ("white paper", "cream paper", "blue paper", "red paper", "black paper", "tan paper")),
        liquid=mat in ("clear glass", "light blue plastic") and shape != "sports" and chance(rng, 0.5),
        liquid_material=pick(rng, ("amber glass", "green glass", "blue glass")),
    )


def build_bottle(params: BottleParams, size: Size) -> list[Part]:
    """A bottle of exactly ``size``, cap at the top."""
    w, d, h = (float(v) for v in size)
    scale = (w / 2.0, d / 2.0)
    shape = BOTTLE_SHAPES.get(params.shape, BOTTLE_SHAPES["water"])
    hc = h * clamp(params.cap_frac, 0.03, 0.25)
    hb = h - hc * 0.7
    outer = _scale_pts(shape, 0.985, 0.0, hb)
    wall = clamp(0.002 / min(scale), 0.02, 0.1)
    parts = [Part("body", _vessel(outer, wall, 0.04 * hb, SECTIONS, scale_xy=scale), params.material)]
    neck_r = outer[-1][0]
    cap_r = neck_r * (1.12 if params.shape != "sports" else 1.05)
    z_cap = hb - hc * 0.3
    if params.cap_material == "cork":
        cap = _solid([(neck_r * 0.8, z_cap), (neck_r * 0.95, h)], 12, scale_xy=scale)
    else:
        cap = _solid([(cap_r, z_cap), (cap_r, h - 0.1 * hc), (cap_r * 0.92, h)], 12, scale_xy=scale)
    parts.append(Part("cap", cap, params.cap_material))
    if params.shape == "sports":
        rl = cap_r * min(scale) * 0.55
        lt = clamp(0.08 * hc, 0.0025, 0.006)
        z0 = h - 0.35 * hc - lt  # the loop's top touches the top of the box
        pts = [(rl * math.cos(t), 0.0, z0 + 0.35 * hc * math.sin(t)) for t in np.linspace(0.0, math.pi, 9)]
        parts.append(Part("cap_loop", _tube(pts, lt, 6), params.cap_material))
    if params.label:
        z0, z1 = 0.2 * hb, (0.5 if params.shape != "sports" else 0.7) * hb
        parts.append(Part("label", _solid([(1.0, z0), (1.0, z1)], SECTIONS, scale_xy=scale), params.label_material))
    if params.liquid:
        zf = 0.5 * hb
        parts.append(
            Part(
                "liquid",
                _solid(
                    [
                        (0.9 * outer[0][0] - wall, 0.05 * hb),
                        (0.985 - 1.05 * wall, 0.05 * hb + 0.002),
                        (0.985 - 1.05 * wall, zf),
                    ],
                    SECTIONS,
                    scale_xy=scale,
                ),
                params.liquid_material,
            )
        )
    return _fit(parts, size)


# ---------------------------------------------------------------------------------------------------
# wine bottle
# ---------------------------------------------------------------------------------------------------

WINE_SHAPES = {
    "bordeaux": (
        (0.93, 0.0),
        (1.0, 0.02),
        (1.0, 0.62),
        (0.94, 0.68),
        (0.5, 0.76),
        (0.36, 0.82),
        (0.33, 0.96),
        (0.37, 0.97),
        (0.37, 1.0),
    ),
    "burgundy": (
        (0.93, 0.0),
        (1.0, 0.02),
        (1.0, 0.45),
        (0.93, 0.56),
        (0.68, 0.7),
        (0.42, 0.82),
        (0.35, 0.96),
        (0.39, 0.97),
        (0.39, 1.0),
    ),
    "hock": (
        (0.9, 0.0),
        (0.96, 0.02),
        (0.96, 0.52),
        (0.82, 0.64),
        (0.45, 0.8),
        (0.3, 0.88),
        (0.28, 0.97),
        (0.32, 0.98),
        (0.32, 1.0),
    ),
    "champagne": ((0.95, 0.0), (1.0, 0.02), (1.0, 0.5), (0.9, 0.62), (0.55, 0.78), (0.42, 0.88), (0.42, 1.0)),
}


@dataclass(frozen=True)
class WineBottleParams:
    category: str = "wine_bottle"
    shape: str = "bordeaux"  # bordeaux | burgundy | hock | champagne
    material: str = "green glass"
    capsule: bool = True  # foil over the cork, else an open bottle with the cork sticking out
    capsule_material: str = "burgundy painted metal"
    label_material: str = "cream paper"
    label_height_frac: float = 0.22
    neck_label: bool = False


def sample_wine_bottle_params(rng: np.random.Generator, size: Size, category: str = "wine_bottle") -> WineBottleParams:
    """A wine bottle: Bordeaux (high shoulders), Burgundy (sloping), tall hock or a champagne bottle;
    green, amber, dark or clear glass; a foil capsule or an opened bottle with its cork out; a body
    label, sometimes a neck label."""
    shape = pick(rng, tuple(WINE_SHAPES), (0.4, 0.3, 0.15, 0.15))
    return WineBottleParams(
        category=category,
        shape=shape,
        material=pick(rng, ("green glass", "green glass", "black glass", "amber glass", "clear glass")),
        capsule=shape == "champagne" or chance(rng, 0.75),
        capsule_material=pick(
            rng, ("burgundy painted metal", "gold", "black painted metal", "copper", "white painted metal")
        ),
        label_material=pick(rng, ("cream paper", "white paper", "ivory paper", "black paper", "tan paper")),
        label_height_frac=uniform(rng, 0.16, 0.3),
        neck_label=shape == "champagne" or chance(rng, 0.3),
    )


def build_wine_bottle(params: WineBottleParams, size: Size) -> list[Part]:
    """A wine bottle of exactly ``size``: glass, label band, capsule or cork."""
    w, d, h = (float(v) for v in size)
    scale = (w / 2.0, d / 2.0)
    shape = WINE_SHAPES.get(params.shape, WINE_SHAPES["bordeaux"])
    open_ = not params.capsule
    hb = h - (0.045 * h if open_ else 0.0)
    outer = _scale_pts(shape, 0.985, 0.0, hb)
    wall = clamp(0.003 / min(scale), 0.03, 0.1)
    # a punt: the floor inside rises well above the base
    parts = [Part("bottle", _vessel(outer, wall, 0.06 * hb, SECTIONS, scale_xy=scale), params.material)]
    neck_r = outer[-1][0]
    if open_:
        parts.append(
            Part(
                "cork",
                _solid([(neck_r * 0.72, hb - 0.08 * h), (neck_r * 0.8, hb), (neck_r * 0.8, h)], 12, scale_xy=scale),
                "cork",
            )
        )
    else:
        zc = hb - (0.2 if params.shape == "champagne" else 0.12) * hb
        cap = [(_interp(outer, zc) * 1.03, zc)] + [(q[0] * 1.03, q[1]) for q in outer if zc < q[1] < hb]
        cap.append((neck_r * 1.03, hb))
        parts.append(Part("capsule", _solid(cap, 12, scale_xy=scale), params.capsule_material))
    zl = 0.1 * hb
    lh = clamp(params.label_height_frac, 0.1, 0.4) * hb
    body_top = shape[2][1] * hb  # where the shoulder starts
    lh = min(lh, body_top - zl - 0.01)
    parts.append(
        Part(
            "label",
            _solid([(1.0, zl + 0.02 * hb), (1.0, zl + 0.02 * hb + lh)], SECTIONS, scale_xy=scale),
            params.label_material,
        )
    )
    if params.neck_label:
        zn = shape[-4][1] * hb
        rn = _interp(outer, zn + 0.03 * hb) * 1.04
        parts.append(
            Part(
                "neck_label",
                _solid([(_interp(outer, zn) * 1.04, zn), (rn, zn + 0.03 * hb)], 12, scale_xy=scale),
                params.label_material,
            )
        )
    return _fit(parts, size)


# ---------------------------------------------------------------------------------------------------
# jar
# ---------------------------------------------------------------------------------------------------

JAR_SHAPES = {
    "mason": ((0.94, 0.0), (1.0, 0.03), (1.0, 0.7), (0.86, 0.82), (0.8, 0.86), (0.8, 1.0)),
    "canister": ((0.98, 0.0), (1.0, 0.02), (1.0, 1.0)),
    "apothecary": ((0.8, 0.0), (0.84, 0.03), (0.86, 0.06), (1.0, 0.25), (1.0, 0.85), (0.9, 0.95), (0.9, 1.0)),
    "round": ((0.62, 0.0), (0.8, 0.08), (0.98, 0.3), (1.0, 0.5), (0.9, 0.8), (0.74, 0.92), (0.74, 1.0)),
}
CONTENTS = (
    "tan paper",
    "brown paper",
    "orange plastic",
    "burgundy plastic",
    "cream paper",
    "chocolate paper",
    "green plastic",
)


@dataclass(frozen=True)
class JarParams:
    category: str = "jar"
    shape: str = "mason"  # mason | canister | apothecary | round
    lid_style: str = "screw"  # screw | wood | glass_knob | cork
    lid_frac: float = 0.12  # lid height / total height
    material: str = "clear glass"
    lid_material: str = "brushed steel"
    contents: bool = True
    contents_material: str = "tan paper"
    fill_frac: float = 0.6


def sample_jar_params(rng: np.random.Generator, size: Size, category: str = "jar") -> JarParams:
    """A jar: mason jar with a screw lid, ceramic canister with a wooden lid, glass apothecary jar with a
    knobbed glass lid, round jar with a cork stopper; glass ones often show their contents."""
    shape = pick(rng, tuple(JAR_SHAPES))
    lid_style = {
        "mason": "screw",
        "canister": pick(rng, ("wood", "cork")),
        "apothecary": "glass_knob",
        "round": pick(rng, ("cork", "screw", "wood")),
    }[shape]
    material = (
        pick(rng, CERAMIC + ("white ceramic", "brushed steel"))
        if shape == "canister"
        else pick(rng, ("clear glass", "clear glass", "amber glass", "green glass"))
    )
    lid_mat = {
        "screw": pick(rng, ("brushed steel", "gold", "black painted metal", "white painted metal")),
        "wood": pick(rng, ("bamboo", "oak wood", "walnut wood", "beech wood")),
        "glass_knob": material,
        "cork": "cork",
    }[lid_style]
    return JarParams(
        category=category,
        shape=shape,
        lid_style=lid_style,
        lid_frac=uniform(rng, 0.08, 0.16),
        material=material,
        lid_material=lid_mat,
        contents="glass" in material and chance(rng, 0.7),
        contents_material=pick(rng, CONTENTS),
        fill_frac=uniform(rng, 0.3, 0.85),
    )


def build_jar(params: JarParams, size: Size) -> list[Part]:
    """A lidded jar of exactly ``size``."""
    w, d, h = (float(v) for v in size)
    scale = (w / 2.0, d / 2.0)
    shape = JAR_SHAPES.get(params.shape, JAR_SHAPES["mason"])
    hl = h * clamp(params.lid_frac, 0.05, 0.3)
    style = params.lid_style
    if style == "glass_knob":
        hl = max(hl, 0.16 * h)
    hb = h - (0.6 * hl if style in ("screw", "wood") else 0.4 * hl if style == "cork" else 0.7 * hl)
    outer = _scale_pts(shape, 1.0 if style != "wood" else 0.985, 0.0, hb)
    wall = clamp(0.003 / min(scale), 0.02, 0.12)
    floor = max(0.004, 0.04 * hb)
    parts = [Part("body", _vessel(outer, wall, floor, SECTIONS, scale_xy=scale), params.material)]
    mouth = outer[-1][0]
    if style == "screw":
        rl = mouth * 1.06
        lid = [(rl, h - hl), (rl, h - 0.1 * hl), (rl * 0.95, h)]
    elif style == "wood":
        rl = 1.0 if params.shape == "canister" else mouth * 1.1
        lid = [
            (mouth - wall, h - hl),
            (mouth - wall, h - 0.62 * hl),
            (rl, h - 0.6 * hl),
            (rl, h - 0.1 * hl),
            (rl * 0.96, h),
        ]
    elif style == "cork":
        lid = [
            (mouth - wall * 1.1, h - hl),
            (mouth - wall * 0.5, h - 0.4 * hl),
            (mouth * 1.02, h - 0.35 * hl),
            (mouth * 1.02, h),
        ]
    else:
        kr = 0.22 * mouth
        lid = [
            (mouth - wall, h - hl),
            (mouth - wall, h - 0.72 * hl),
            (mouth * 1.06, h - 0.7 * hl),
            (mouth * 1.0, h - 0.55 * hl),
            (0.6 * mouth, h - 0.38 * hl),
            (kr * 0.6, h - 0.32 * hl),
            (kr, h - 0.2 * hl),
            (kr * 0.8, h),
        ]
    parts.append(Part("lid", _solid(lid, SECTIONS, scale_xy=scale), params.lid_material))
    if params.contents:
        zf = floor + clamp(params.fill_frac, 0.1, 0.95) * (hb * 0.8 - floor)
        inside = [(q[0] - wall * 1.05, q[1]) for q in outer if floor < q[1] < zf]
        cont = (
            [(_interp(outer, floor) - wall * 1.05, floor + 0.0005)] + inside + [(_interp(outer, zf) - wall * 1.05, zf)]
        )
        parts.append(Part("contents", _solid(cont, SECTIONS, scale_xy=scale), params.contents_material))
    return _fit(parts, size)


# ---------------------------------------------------------------------------------------------------
# candle
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CandleParams:
    category: str = "candle"
    style: str = "pillar"  # pillar | taper | votive | jar
    lit: bool = False
    holder_material: str = "brass"
    glass_material: str = "clear glass"
    melted: float = 0.3  # 0..1: how deep the top of a pillar is burnt down in the middle
    lid: bool = False


def sample_candle_params(rng: np.random.Generator, size: Size, category: str = "candle") -> CandleParams:
    """A candle: a pillar (flat or burnt-in top), a taper in a candlestick (brass, silver, wood,
    ceramic), a tealight in a glass votive, or a candle poured into a glass / ceramic jar (maybe
    with a lid); lit (a small flame) or not."""
    w, d, h = size
    slim = h / max(w, d)
    if slim > 2.5:
        style = pick(rng, ("taper", "pillar"), (0.75, 0.25))
    elif slim < 1.1:
        style = pick(rng, ("votive", "jar", "pillar"), (0.4, 0.4, 0.2))
    else:
        style = pick(rng, ("pillar", "jar", "votive", "taper"), (0.45, 0.3, 0.1, 0.15))
    return CandleParams(
        category=category,
        style=style,
        lit=chance(rng, 0.4),
        holder_material=pick(rng, ("brass", "chrome", "black metal", "walnut wood", "white ceramic", "gold")),
        glass_material=pick(
            rng, ("clear glass", "amber glass", "frosted glass", "black ceramic", "white ceramic", "green glass")
        ),
        melted=uniform(rng, 0.0, 1.0),
        lid=chance(rng, 0.3),
    )


def _wick_and_flame(x: float, y: float, z: float, h_top: float, r: float, lit: bool) -> list[Part]:
    """A wick from ``z`` (wax top) and, when lit, a flame reaching ``h_top``."""
    wr = clamp(0.06 * r, 0.0008, 0.0015)
    if lit:
        wick_top = z + 0.25 * (h_top - z)
        parts = [Part("wick", cylinder((x, y, 0.0), wr, z - 0.002, wick_top, 8), "charcoal cotton")]
        fr = clamp(0.3 * (h_top - wick_top), 0.002, 0.8 * r)
        flame = lathe(
            [
                (0.0, 0.0),
                (0.6 * fr, 0.25 * (h_top - wick_top)),
                (fr, 0.5 * (h_top - wick_top)),
                (0.5 * fr, 0.85 * (h_top - wick_top)),
                (0.0, h_top - wick_top),
            ],
            8,
            (x, y, wick_top - 0.001),
        )
        return parts + [Part("flame", flame, "warm light")]
    return [Part("wick", cylinder((x, y, 0.0), wr, z - 0.002, h_top, 8), "charcoal cotton")]


def build_candle(params: CandleParams, size: Size) -> list[Part]:
    """A candle of exactly ``size`` (its flame, when lit, reaches the top)."""
    w, d, h = (float(v) for v in size)
    sx, sy = w / 2.0, d / 2.0
    r = min(sx, sy)
    style = params.style if params.style in ("pillar", "taper", "votive", "jar") else "pillar"
    flame_h = clamp(0.22 * h, 0.012, 0.03) if params.lit else clamp(0.06 * h, 0.004, 0.01)
    hw = h - flame_h  # top of the wax
    parts: list[Part] = []
    if style == "pillar":
        dip = clamp(params.melted, 0.0, 1.0) * min(0.3 * r, 0.2 * hw)
        prof = [
            (0.0, 0.0),
            (0.97, 0.0),
            (1.0, 0.004),
            (1.0, hw - 0.004),
            (0.97, hw),
            (0.8, hw - 0.3 * dip),
            (0.5, hw - dip),
            (0.0, hw - dip),
        ]
        parts.append(Part("wax", lathe(prof, SECTIONS, scale_xy=(sx, sy)), "candle wax"))
        parts += _wick_and_flame(0.0, 0.0, hw - dip, h, r, params.lit)
    elif style == "taper":
        hh = clamp(0.3 * h, 0.02, 0.15)  # the candlestick
        cup_r = clamp(0.35 * r, 0.008, 0.02)
        tr = clamp(0.5 * cup_r * 1.6, 0.005, 0.012)
        tr = min(tr, 0.85 * cup_r)
        stick = [
            (0.0, 0.0),
            (1.0, 0.0),
            (1.0, 0.04 * hh),
            (0.9, 0.1 * hh),
            (0.35, 0.16 * hh),
            (cup_r / r * 0.5, 0.3 * hh),
            (cup_r / r * 0.45, 0.75 * hh),
            (cup_r / r, 0.85 * hh),
            (cup_r / r, hh),
            (tr / r * 1.02, hh),
            (tr / r * 1.02, 0.9 * hh),
            (0.0, 0.9 * hh),
        ]
        parts.append(Part("holder", lathe(stick, SECTIONS, scale_xy=(sx, sy)), params.holder_material))
        taper = [(0.0, 0.88 * hh), (tr, 0.88 * hh), (tr * 0.8, hw - 0.1 * (hw - hh)), (tr * 0.35, hw), (0.0, hw)]
        parts.append(Part("wax", lathe(taper, 12), "candle wax"))
        parts += _wick_and_flame(0.0, 0.0, hw - 0.002, h, tr, params.lit)
    else:
        # votive glass with a tealight, or a jar filled with wax
        glass_h = hw + (0.15 * flame_h if style == "jar" else 0.5 * flame_h)
        glass_h = min(glass_h, h - 0.002)
        wall = clamp(0.003 / r, 0.03, 0.12)
        shape = ((0.92, 0.0), (1.0, 0.04), (1.0, 1.0)) if style == "jar" else ((0.85, 0.0), (0.9, 0.05), (1.0, 1.0))
        outer = _scale_pts(shape, 1.0, 0.0, glass_h)
        floor = max(0.004, 0.06 * glass_h)
        parts.append(Part("holder", _vessel(outer, wall, floor, SECTIONS, scale_xy=(sx, sy)), params.glass_material))
        if style == "jar":
            zt = floor + 0.75 * (glass_h - floor)
            wax = [(_interp(outer, floor) - 1.05 * wall, floor + 0.0005), (_interp(outer, zt) - 1.05 * wall, zt)]
            parts.append(Part("wax", _solid(wax, SECTIONS, scale_xy=(sx, sy)), "candle wax"))
            parts += _wick_and_flame(0.0, 0.0, zt, h if params.lit else zt + 0.008, r, params.lit)
            if params.lid and not params.lit:
                lid = [(1.02, glass_h - 0.003), (1.02, glass_h + 0.006), (0.9, glass_h + 0.008)]
                parts.append(Part("lid", _solid(lid, SECTIONS, scale_xy=(sx, sy)), "brass"))
        else:
            tl_r = min(0.019 / r, 0.82 * (_interp(outer, floor) - wall))
            tz = floor + 0.016
            parts.append(
                Part(
                    "tealight_cup",
                    _vessel([(tl_r, floor + 0.0005), (tl_r, tz)], 0.0006 / r, floor + 0.0012, 12, scale_xy=(r, r)),
                    "aluminium",
                )
            )
            parts.append(
                Part(
                    "wax",
                    _solid([(tl_r * 0.97, floor + 0.001), (tl_r * 0.97, tz - 0.003)], 12, scale_xy=(r, r)),
                    "candle wax",
                )
            )
            parts += _wick_and_flame(0.0, 0.0, tz - 0.003, h if params.lit else tz + 0.004, tl_r * r, params.lit)
    return _fit(parts, size)


register_generator("vase", VaseParams, build_vase, no_surfaces, sample_vase_params)
register_generator("mug", MugParams, build_mug, no_surfaces, sample_mug_params)
register_generator("cup", CupParams, build_cup, no_surfaces, sample_cup_params)
register_generator("glass", GlassParams, build_glass, no_surfaces, sample_glass_params)
register_generator("plate", PlateParams, build_plate, plate_surfaces, sample_plate_params)
register_generator("bowl", BowlParams, build_bowl, no_surfaces, sample_bowl_params)
register_generator("bottle", BottleParams, build_bottle, no_surfaces, sample_bottle_params)
register_generator("wine_bottle", WineBottleParams, build_wine_bottle, no_surfaces, sample_wine_bottle_params)
register_generator("jar", JarParams, build_jar, no_surfaces, sample_jar_params)
register_generator("candle", CandleParams, build_candle, no_surfaces, sample_candle_params)
