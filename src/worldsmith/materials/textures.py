"""Procedural, tileable PBR texture maps (numpy only) and their on-disk cache.

A textured library material carries a :class:`TextureSpec`: a pattern name, pattern parameters
and ``scale_m``, the real size (metres) one square texture tile covers. :func:`generate` turns a
spec, a base colour (linear RGB), a base roughness, a resolution and a seed into
:class:`TextureMaps`:

- ``albedo``: ``uint8 (H, W, 3)``, sRGB-encoded (as glTF ``baseColorTexture`` wants),
- ``roughness``: ``uint8 (H, W)``, linear 0..255 -> 0..1,
- ``normal``: ``uint8 (H, W, 3)``, tangent space, OpenGL convention (+Y = up in the image,
  i.e. towards row 0), derived from the pattern's height field in metres, so bumps keep their
  real slope whatever the resolution or tile size.

How the patterns stay tileable and deterministic
------------------------------------------------
Everything is periodic over the unit tile ``[0, 1)^2``:

- noise is spectral: random complex coefficients on the integer frequency lattice (``|k| <=
  kmax`` cycles per tile, so it wraps by construction), shaped by a power law and inverted with
  one real FFT. The coefficients are drawn for a fixed lattice that depends on the pattern's
  parameters, not on the resolution, so a 256 px and a 1024 px map show the same features;
- cellular patterns (granite crystals, terrazzo chips, leather, cork, tufts, flowers) use one
  jittered point per cell of an ``n x n`` grid, neighbours looked up modulo ``n``;
- layouts (boards, bricks, tiles, herringbone) are closed-form functions of the pixel position
  whose period divides the tile; herringbone is laid at 45 degrees on a square tile whose side
  is a multiple of ``k * sqrt(2)`` board widths (``k`` = length / width), which is exactly a
  period of the 45-degree herringbone lattice; per-board randomness is looked up from the
  board's centre taken modulo the tile, so wrapped boards get the same look on both sides.

Every random number comes from one ``numpy.random.Generator`` seeded from a stable digest of
(pattern, parameters, seed): the same inputs give the same bytes.

Albedo is built in linear RGB as the base colour times a mean-one variation (plus secondary
colours the spec names: grout, mortar, veins, chips ...), so the map's average stays close to
the material's flat ``base_color`` and a tint (a new base colour) re-colours the pattern.

Cache
-----
:func:`cached_maps` stores the three maps as PNGs under ``cache_dir()`` (``$WORLDSMITH_CACHE_DIR
/textures``, else ``$XDG_CACHE_HOME/worldsmith/textures``, else ``~/.cache/worldsmith/textures``),
named by a digest of (spec, colour, roughness, seed, resolution, :data:`CODE_VERSION`). Files are
written to a temporary name in the same folder and renamed, so concurrent writers never leave a
half-written PNG. Bump :data:`CODE_VERSION` whenever a generator's output changes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ..scene import paths
from ..scene.files import atomic_write
from .colors import F32, hex_srgb, linear_to_srgb_array, srgb_to_linear_array

log = logging.getLogger(__name__)

CODE_VERSION = "1"
DEFAULT_RESOLUTION = 512


# ---------------------------------------------------------------------------------------------
# values


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


@dataclass(frozen=True)
class TextureSpec:
    """A procedural texture: ``pattern`` (a key of :data:`PATTERNS`), its ``params`` (stored as
    sorted ``(key, value)`` pairs so the spec is hashable) and ``scale_m``, the real size in
    metres one square tile covers (UV 0..1 spans ``scale_m``)."""

    pattern: str
    params: tuple[tuple[str, Any], ...] = ()
    scale_m: float = 1.0

    def __post_init__(self) -> None:
        if self.pattern not in PATTERNS:
            raise ValueError(f"unknown texture pattern {self.pattern!r}; known: {', '.join(sorted(PATTERNS))}")
        if not self.scale_m > 0:
            raise ValueError(f"texture scale_m must be > 0, got {self.scale_m!r}")

    @classmethod
    def make(cls, pattern: str, params: Mapping[str, Any] | None = None, scale_m: float = 1.0) -> "TextureSpec":
        return cls(pattern, _freeze(dict(params or {})), float(scale_m))

    def params_dict(self) -> dict[str, Any]:
        return {k: _thaw(v) for k, v in self.params}

    def to_dict(self) -> dict[str, Any]:
        return {"pattern": self.pattern, "params": self.params_dict(), "scale_m": self.scale_m}


@dataclass(frozen=True, eq=False)
class TextureMaps:
    """Texture maps of one material at one resolution (see the module doc for encodings).

    ``metallic`` and ``height`` are None unless a texture folder supplied them (then ``uint8``
    ``(H, W)``). ``paths`` names the cached PNG of each map (keys ``albedo``, ``roughness``,
    ``normal``, and ``metallic`` / ``height`` when present); empty for maps that were not
    written to disk. ``scale_m``: metres covered by one tile."""

    albedo: np.ndarray
    roughness: np.ndarray
    normal: np.ndarray
    scale_m: float
    metallic: np.ndarray | None = None
    height: np.ndarray | None = None
    paths: Mapping[str, str] = field(default_factory=dict)

    @property
    def resolution(self) -> int:
        return int(self.albedo.shape[0])


# ---------------------------------------------------------------------------------------------
# colour helpers


def hex_to_linear(value: str | Sequence[float]) -> np.ndarray:
    """``"#rrggbb"`` (sRGB) or an sRGB triple in [0, 1] -> linear RGB float32 array."""
    rgb = hex_srgb(value) if isinstance(value, str) else [float(c) for c in value][:3]
    return srgb_to_linear_array(np.array(rgb, dtype=F32))


def _smooth(e0: float, e1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def _mix(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Blend colour images/colours ``a`` -> ``b`` by weight ``t`` (H, W)."""
    t = t[..., None] if np.ndim(t) == 2 else t
    return a + (b - a) * t


def _frac(x: np.ndarray) -> np.ndarray:
    return x - np.floor(x)


def _unit(x: np.ndarray) -> np.ndarray:
    """Rescale to zero mean, unit standard deviation."""
    s = float(x.std())
    return ((x - x.mean()) / (s if s > 1e-12 else 1.0)).astype(F32)


# ---------------------------------------------------------------------------------------------
# generator context: coordinates, noise, cells


class _Gen:
    """State shared by one pattern evaluation."""

    def __init__(self, spec: TextureSpec, base: np.ndarray, roughness: float, res: int, seed_int: int):
        self.res = res
        self.scale = float(spec.scale_m)
        self.P = spec.params_dict()
        self.base = np.asarray(base, dtype=F32)
        self.rough = float(roughness)
        self.rng = np.random.default_rng(seed_int)
        c = (np.arange(res, dtype=F32) + 0.5) / res
        self.X = np.broadcast_to(c[None, :], (res, res))
        self.Y = np.broadcast_to(c[:, None], (res, res))
        self.px = 1.0 / res  # one pixel in tile units
        self.m_px = self.scale / res  # one pixel in metres

    # parameters -------------------------------------------------------------------------------
    def p(self, key: str, default: Any) -> Any:
        return self.P.get(key, default)

    def col(self, key: str, default: str | None) -> np.ndarray | None:
        v = self.P.get(key, default)
        return None if v is None else hex_to_linear(v)

    def cols(self, key: str, default: Sequence[str]) -> np.ndarray:
        return np.stack([hex_to_linear(v) for v in self.P.get(key, default)])

    # noise ------------------------------------------------------------------------------------
    def noise(self, kmax: float, beta: float = 2.0, kmin: float = 1.0, ky: float | None = None,
              angle_deg: float = 0.0) -> np.ndarray:
        """Periodic band-limited noise, zero mean and unit std, built on the integer frequency
        lattice (so it wraps). ``kmax`` / ``ky``: the half-axes of the pass band in cycles per
        tile along x / y of a frame turned by ``angle_deg`` (``ky`` > ``kmax`` gives streaks
        along that frame's x); amplitude ~ ``|k| ** (-beta / 2)``; frequencies below ``kmin``
        removed. The random coefficients depend only on the band, not on the resolution."""
        ka = max(1.0, float(kmax))
        kb = ka if ky is None else max(1.0, float(ky))
        box = int(math.ceil(max(ka, kb))) if angle_deg else 0
        kx = box or int(math.ceil(ka))
        kyi = box or int(math.ceil(kb))
        z = self.rng.standard_normal((2, 2 * kyi + 1, kx + 1)).astype(F32)
        coef = z[0] + 1j * z[1]
        fy = np.arange(-kyi, kyi + 1, dtype=F32)[:, None]
        fx = np.arange(0, kx + 1, dtype=F32)[None, :]
        f = np.sqrt(fx * fx + fy * fy)
        if angle_deg:
            c, s = math.cos(math.radians(angle_deg)), math.sin(math.radians(angle_deg))
            fa, fb = fx * c + fy * s, -fx * s + fy * c
        else:
            fa, fb = fx, fy
        ell = (fa / ka) ** 2 + (fb / kb) ** 2
        amp = np.where((ell <= 1.0) & (f >= kmin), np.power(np.maximum(f, 1.0), -beta / 2.0), 0.0)
        coef = coef * amp
        n = self.res
        half = n // 2
        spec = np.zeros((n, n // 2 + 1), dtype=np.complex64)
        ys = np.arange(-kyi, kyi + 1)
        keep_y = np.abs(ys) < half
        keep_x = np.arange(0, kx + 1) < half
        sub = coef[keep_y][:, keep_x]
        rows = np.mod(ys[keep_y], n)
        spec[rows[:, None], np.arange(0, kx + 1)[keep_x][None, :]] = sub
        out = np.fft.irfft2(spec, s=(n, n))
        return _unit(out.astype(F32))

    def table(self, size: int, kind: str = "uniform") -> np.ndarray:
        if kind == "normal":
            return self.rng.standard_normal(size).astype(F32)
        return self.rng.random(size).astype(F32)

    # cells ------------------------------------------------------------------------------------
    def cells(self, n: int, jitter: float = 0.9, u: np.ndarray | None = None, v: np.ndarray | None = None,
              aspect: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Periodic Worley cells, one jittered point per cell of an ``n x n`` grid. Returns
        (F1, F2, id of the nearest point, dx, dy to it); distances in cell units."""
        n = max(1, int(n))
        pts = 0.5 + jitter * (self.rng.random((n, n, 2)).astype(F32) - 0.5)
        x = (self.X if u is None else u) * n
        y = (self.Y if v is None else v) * n
        cx, cy = np.floor(x), np.floor(y)
        fx, fy = x - cx, y - cy
        cxi, cyi = cx.astype(np.int64), cy.astype(np.int64)
        f1 = np.full(x.shape, 1e9, dtype=F32)
        f2 = np.full(x.shape, 1e9, dtype=F32)
        which = np.zeros(x.shape, dtype=np.int8)
        offs = [(ox, oy) for oy in (-1, 0, 1) for ox in (-1, 0, 1)]
        asp2 = F32(aspect * aspect)
        for k, (ox, oy) in enumerate(offs):
            p = pts[np.mod(cyi + oy, n), np.mod(cxi + ox, n)]
            dx = (ox - fx) + p[..., 0]
            dy = (oy - fy) + p[..., 1]
            d2 = dx * dx + asp2 * dy * dy
            closer = d2 < f1
            f2 = np.minimum(f2, np.maximum(d2, f1))
            f1 = np.minimum(f1, d2)
            which[closer] = k
        oa = np.array(offs, dtype=np.int64)
        ox, oy = oa[which, 0], oa[which, 1]
        iy, ix = np.mod(cyi + oy, n), np.mod(cxi + ox, n)
        p = pts[iy, ix]
        dxs = (ox - fx + p[..., 0]).astype(F32)
        dys = ((oy - fy + p[..., 1]) * aspect).astype(F32)
        ids = iy * n + ix
        f1, f2 = np.sqrt(f1), np.sqrt(f2)
        return f1, f2, ids, dxs, dys


def _hash2(a: np.ndarray, b: np.ndarray, size: int) -> np.ndarray:
    h = (a.astype(np.int64) * 73856093) ^ (b.astype(np.int64) * 19349663)
    h = (h ^ (h >> 13)) * 1274126177
    return np.mod(h ^ (h >> 16), size)


def _key_of_point(x: np.ndarray, y: np.ndarray, size: int = 4096, q: float = 1e-3) -> np.ndarray:
    """A periodic hash of a point in tile units (wrapped into the tile, quantised)."""
    qx = np.round(np.mod(x, 1.0) / q).astype(np.int64) % int(round(1.0 / q))
    qy = np.round(np.mod(y, 1.0) / q).astype(np.int64) % int(round(1.0 / q))
    return _hash2(qx, qy, size)


def _sample(img: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Nearest-texel lookup of a periodic image at tile coordinates (u along x, v along y)."""
    n = img.shape[0]
    iu = np.mod(np.floor(u * n).astype(np.int64), img.shape[1])
    iv = np.mod(np.floor(v * n).astype(np.int64), n)
    return img[iv, iu]


def _blur(img: np.ndarray, sigma_px: float) -> np.ndarray:
    """Periodic Gaussian blur (FFT)."""
    if sigma_px <= 0:
        return img
    n, m = img.shape
    fy = np.fft.fftfreq(n)[:, None]
    fx = np.fft.rfftfreq(m)[None, :]
    g = np.exp(-2.0 * (math.pi * sigma_px) ** 2 * (fx * fx + fy * fy))
    return np.fft.irfft2(np.fft.rfft2(img) * g, s=(n, m)).astype(F32)


# ---------------------------------------------------------------------------------------------
# shared building blocks


def _per_tile(g: _Gen, size_m: float, least: int = 4) -> int:
    """How many features ``size_m`` metres across fit along the tile (at least ``least``)."""
    return max(least, int(round(g.scale / size_m)))


def _grid(g: _Gen, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """An ``n`` x ``n`` grid over the tile: each pixel's cell column and row (int) and its
    position inside the cell along x and y, in [0, 1)."""
    x, y = g.X * n, g.Y * n
    i = np.floor(x).astype(np.int64)
    j = np.floor(y).astype(np.int64)
    return i, j, x - i, y - j


def _grain_image(g: _Gen, rings_per_m: float, contrast: float, fibre: float, warp: float,
                 nodes_per_m: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Wood grain over the tile, grain along x. Returns (tone factor, height in [0, 1])."""
    rings = max(1, int(round(rings_per_m * g.scale)))
    # displacement (in rings) that varies slowly across the grain: wavy lines, cathedral arches
    amp = warp * max(1.0, rings * 0.06)
    w1 = g.noise(4, beta=2.0, ky=1.5)
    w2 = g.noise(10, beta=2.0, ky=3)
    t = g.Y * rings + amp * (w1 + 0.25 * w2)
    p = _frac(t)
    late = _smooth(0.55, 0.92, p) * (1.0 - _smooth(0.92, 1.0, p))
    ring_var = 0.6 + 0.4 * (0.5 + 0.5 * g.noise(4, beta=1.5, ky=12))
    late = late * ring_var
    fib = g.noise(6, beta=0.6, ky=min(400, g.res // 2 - 1) if g.res > 8 else 4)
    tone = 1.0 - contrast * (late - late.mean()) - fibre * fib
    height = 0.7 * (1.0 - late) + 0.3 * (0.5 + 0.15 * fib)
    if nodes_per_m > 0:
        k = max(1, int(round(nodes_per_m * g.scale)))
        d = np.abs(_frac(g.X * k + 0.01 * w1) - 0.5)
        node = _smooth(0.035, 0.0, np.abs(d - 0.5 + 0.035))
        tone = tone * (1.0 - 0.35 * node)
        height = height + 0.8 * node
    return tone.astype(F32), height.astype(F32)


def _boards(g: _Gen, along_m: np.ndarray, across_m: np.ndarray, length_m: np.ndarray | float,
            width_m: float, key: np.ndarray, grain: tuple[np.ndarray, np.ndarray] | None = None
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Colour, roughness and height of wooden boards given each pixel's board-local coordinates
    (metres along / across the board), board length / width and a per-board key."""
    contrast = float(g.p("contrast", 0.35))
    tone_var = float(g.p("board_variation", 0.10))
    gap_m = float(g.p("gap_m", 0.0015))
    bevel_m = float(g.p("bevel_m", 0.003))
    if grain is None:
        grain = _grain_image(g, float(g.p("rings_per_m", 60.0)), contrast, float(g.p("fibre", 0.05)),
                             float(g.p("warp", 1.5)))
    tone_img, hgt_img = grain
    t_tone = g.table(4096, "normal")
    t_u, t_v = g.table(4096), g.table(4096)
    t_hue = g.table(4096, "normal")
    u = along_m / g.scale + t_u[key]
    v = across_m / g.scale + t_v[key]
    tone = _sample(tone_img, u, v)
    hg = _sample(hgt_img, u, v)
    board_tone = 1.0 + tone_var * np.clip(t_tone[key], -2.5, 2.5)
    d = np.minimum(np.minimum(along_m, length_m - along_m), np.minimum(across_m, width_m - across_m))
    edge = _smooth(gap_m * 0.5, gap_m * 0.5 + max(g.m_px, 1e-9), d)
    hue = 0.04 * np.clip(t_hue[key], -2.5, 2.5)
    col = g.base[None, None, :] * (tone * board_tone)[..., None]
    col[..., 0] *= 1.0 + hue
    col[..., 2] *= 1.0 - hue
    col = col * (0.3 + 0.7 * edge)[..., None]
    rough = g.rough + 0.06 * (hg - 0.5) + 0.25 * (1.0 - edge)
    bevel = _smooth(0.0, bevel_m, d - gap_m * 0.5)
    height = 0.0004 * hg * bevel + 0.0015 * (bevel - 1.0)
    return col, rough, height


def _running_bond(g: _Gen, cols: int, rows: int, offset: float = 0.5
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float, float]:
    """Rows of units shifted by ``offset`` of a unit every other row. Returns (along_m,
    across_m, key, row index, unit length m, unit height m)."""
    row = np.floor(g.Y * rows).astype(np.int64)
    across = (g.Y * rows - row) * (g.scale / rows)
    shift = np.where(np.mod(row, 2) == 1, offset, 0.0)
    s = g.X * cols + shift
    ci = np.floor(s).astype(np.int64)
    along = (s - ci) * (g.scale / cols)
    key = _hash2(np.mod(ci, cols), np.mod(row, rows), 4096)
    return along.astype(F32), across.astype(F32), key, row, g.scale / cols, g.scale / rows


def _unit_inset(along: np.ndarray, across: np.ndarray, length: float, height: float, joint: float) -> np.ndarray:
    """Signed distance (m) from the edge of a unit's face, positive inside, after a joint."""
    return np.minimum(np.minimum(along, length - along), np.minimum(across, height - across)) - joint * 0.5


# ---------------------------------------------------------------------------------------------
# patterns: each returns (albedo linear RGB (H, W, 3), roughness (H, W), height metres (H, W))

Maps3 = tuple[np.ndarray, np.ndarray, np.ndarray]


def _p_wood(g: _Gen) -> Maps3:
    """Solid wood: growth rings warped by low-frequency noise, fine fibres along x."""
    tone, h = _grain_image(g, float(g.p("rings_per_m", 60.0)), float(g.p("contrast", 0.35)),
                           float(g.p("fibre", 0.05)), float(g.p("warp", 0.8)), float(g.p("nodes_per_m", 0.0)))
    col = g.base[None, None, :] * tone[..., None]
    rough = g.rough + 0.08 * (h - h.mean())
    return col, rough, 0.0003 * h


def _p_planks(g: _Gen) -> Maps3:
    """Floor boards in staggered rows; each row's boards are 1, 2 or 3 per tile length."""
    width = float(g.p("board_width_m", 0.15))
    rows = _per_tile(g, width, 1)
    per_row = np.array(g.p("boards_per_row", [1, 2, 3]), dtype=np.int64)
    n = per_row[g.rng.integers(0, len(per_row), rows)]
    off = g.table(rows)
    row = np.floor(g.Y * rows).astype(np.int64) % rows
    w = g.scale / rows
    across = (g.Y * rows - np.floor(g.Y * rows)) * w
    nr = n[row]
    s = g.X * nr + off[row] * nr
    bi = np.floor(s).astype(np.int64)
    along = (s - bi) * (g.scale / nr)
    key = _hash2(np.mod(bi, nr), row, 4096)
    return _boards(g, along.astype(F32), across.astype(F32), (g.scale / nr).astype(F32), w, key)


def _p_parquet(g: _Gen) -> Maps3:
    """Basket-weave parquet: squares of parallel slats, alternating direction (checkerboard)."""
    slats = int(g.p("slats", 4))
    squares = max(2, 2 * int(round(g.scale / (2 * float(g.p("square_m", 0.3))))))
    S = g.scale / squares
    w = S / slats
    i, j, a, b = _grid(g, squares)
    a, b = a * S, b * S
    horiz = np.mod(i + j, 2) == 0
    k_h = np.floor(b / w).astype(np.int64)
    k_v = np.floor(a / w).astype(np.int64)
    along = np.where(horiz, a, b)
    across = np.where(horiz, b - k_h * w, a - k_v * w)
    slat = np.where(horiz, k_h, k_v)
    key = _hash2(np.mod(i, squares) * 64 + slat, np.mod(j, squares), 4096)
    return _boards(g, along.astype(F32), across.astype(F32), S, w, key)


def _p_herringbone(g: _Gen) -> Maps3:
    """Herringbone at 45 degrees: boards of length ``ratio`` x width; the tile holds ``repeats``
    lattice periods (side = repeats * ratio * sqrt(2) board widths)."""
    k = int(g.p("ratio", 5))
    reps = int(g.p("repeats", 2))
    side_w = reps * k * math.sqrt(2.0)  # tile side in board widths
    W = g.scale / side_w
    px, py = g.X * side_w, g.Y * side_w
    r2 = 1.0 / math.sqrt(2.0)
    qx = (px - py) * r2
    qy = (px + py) * r2
    fy = np.floor(qy)
    fx = np.floor(qx)
    a_h = np.mod(qx - fy, 2 * k)
    is_h = a_h < k
    a_v = np.mod(qy - fx - 1.0, 2 * k)
    along = np.where(is_h, a_h, a_v)
    across = np.where(is_h, qy - fy, qx - fx)
    # board centres in q (lattice units), back to tile units for a periodic key
    ch_x, ch_y = qx - a_h + k / 2.0, fy + 0.5
    cv_x, cv_y = fx + 0.5, qy - a_v + k / 2.0
    cx = np.where(is_h, ch_x, cv_x)
    cy = np.where(is_h, ch_y, cv_y)
    tx = (cx * r2 + cy * r2) / side_w
    ty = (cy * r2 - cx * r2) / side_w
    key = _key_of_point(tx, ty, q=0.25 / side_w) + np.where(is_h, 0, 1)
    key = np.mod(key, 4096)
    return _boards(g, (along * W).astype(F32), (across * W).astype(F32), k * W, W, key)


def _line_distance(a: np.ndarray) -> np.ndarray:
    """Approximate distance (tile units) to the zero set of a smooth periodic field."""
    n = a.shape[0]
    gx = (np.roll(a, -1, 1) - np.roll(a, 1, 1)) * (0.5 * n)
    gy = (np.roll(a, -1, 0) - np.roll(a, 1, 0)) * (0.5 * n)
    return np.abs(a) / np.maximum(np.sqrt(gx * gx + gy * gy), 1e-3)


def _p_marble(g: _Gen) -> Maps3:
    """Marble: a cloudy ground crossed by long veins along a random diagonal (zero sets of
    noise stretched along that direction, drawn at an even width that varies slowly), a soft
    halo of vein colour in patches, and thin secondary veins across them."""
    vein = g.col("vein", "#6f7074")
    vein2 = g.col("vein2", None)
    strength = float(g.p("vein_strength", 0.85))
    width = float(g.p("vein_width_m", 0.004)) / g.scale
    k = float(g.p("veins", 1.5))
    ang = float(g.rng.uniform(-60.0, 60.0))
    smooth_a = _unit(g.noise(k, beta=2.0, ky=10 * k / 1.5, angle_deg=ang)
                     + 0.3 * g.noise(4 * k / 1.5, beta=2.0, ky=14, angle_deg=ang + 25))
    a = smooth_a + 0.03 * g.noise(40, beta=1.0)
    d = _line_distance(a)
    thick = width * np.exp(0.8 * g.noise(4, beta=2.0))
    main = np.exp(-(d / thick) ** 2)
    gate = np.clip(0.5 + 0.5 * np.tanh(1.5 * g.noise(3, beta=2.0)), 0.0, 1.0)
    halo = np.exp(-_line_distance(smooth_a) / (8.0 * width)) * np.clip(0.5 + 0.5 * np.tanh(g.noise(5)), 0, 1)
    b = _unit(g.noise(2, beta=2.0, ky=24, angle_deg=ang - 55) + 0.4 * g.noise(6, beta=1.5, ky=30, angle_deg=ang + 40))
    b = b + 0.05 * g.noise(60, beta=1.0)
    sec = np.exp(-(_line_distance(b) / (0.35 * width)) ** 2) * gate
    cloud = 1.0 + float(g.p("cloud", 0.05)) * g.noise(12, beta=2.5) + 0.01 * g.noise(120, beta=0.5)
    col = g.base[None, None, :] * cloud[..., None]
    w = np.clip(strength * (0.85 * main + 0.2 * halo), 0.0, 1.0)
    col = _mix(col, np.broadcast_to(vein, col.shape), w)
    second = vein2 if vein2 is not None else vein
    col = _mix(col, np.broadcast_to(second, col.shape), np.clip(0.45 * strength * sec, 0, 1))
    rough = g.rough + 0.05 * main + 0.03 * sec
    return col, rough, -0.00003 * main


def _p_granite(g: _Gen) -> Maps3:
    """Granite: interlocking crystals (Worley cells, each its own mineral colour from a weighted
    palette plus jitter), thin dark grain boundaries, a faint large-scale cloud."""
    pal = g.cols("palette", ["#2a2a2a", "#8c8c8c", "#d9d6d0", "#6f6a66"])
    weights = np.array(g.p("weights", [0.3, 0.35, 0.2, 0.15]), dtype=F32)
    n = _per_tile(g, float(g.p("crystal_m", 0.006)))
    f1, f2, ids, _, _ = g.cells(n, 1.0)
    cum = np.cumsum(weights / weights.sum())
    which = np.searchsorted(cum, g.table(n * n)).clip(0, len(pal) - 1)
    mean = (pal * (weights / weights.sum())[:, None]).sum(axis=0)
    cell_col = pal[which] * (1.0 + 0.1 * g.table(n * n, "normal"))[:, None]
    col = cell_col[ids] * (g.base / np.maximum(mean, 1e-3))[None, None, :]
    col = col * (1.0 + 0.05 * g.noise(6, beta=2.5) + 0.03 * g.noise(200, beta=0.3))[..., None]
    edge = _smooth(0.0, 0.06, f2 - f1)
    col = col * (0.8 + 0.2 * edge)[..., None]
    rough = g.rough + 0.1 * (1.0 - edge)
    return col, rough, -0.00004 * (1.0 - edge)


def _p_terrazzo(g: _Gen) -> Maps3:
    """Terrazzo: cement ground with angular chips (two sizes) of palette colours."""
    pal = g.cols("chips", ["#f2efe9", "#8d8a86", "#3a3836", "#b5694a", "#c9b79c"])
    chip_m = float(g.p("chip_m", 0.02))
    density = float(g.p("density", 0.55))
    col = g.base[None, None, :] * (1.0 + 0.04 * g.noise(24, beta=2.0) + 0.04 * g.noise(200, beta=0.3))[..., None]
    col = np.ascontiguousarray(np.broadcast_to(col, (g.res, g.res, 3)))
    hmap = np.zeros((g.res, g.res), dtype=F32)
    for size_m, dens in ((chip_m, density), (chip_m * 0.45, density * 0.9), (chip_m * 0.2, density)):
        n = _per_tile(g, size_m, 2)
        f1, f2, ids, dx, dy = g.cells(n, 0.8)
        rad = 0.18 + 0.3 * g.table(n * n)
        ang = g.table(n * n) * math.pi
        present = g.table(n * n) < dens
        which = g.rng.integers(0, len(pal), n * n)
        ca, sa = np.cos(ang)[ids], np.sin(ang)[ids]
        u = dx * ca + dy * sa
        v = -dx * sa + dy * ca
        d = np.maximum(np.abs(u) * 0.9 + np.abs(v) * 0.5, np.abs(v) * 1.1)  # angular chip shape
        inside = _smooth(rad[ids] + 0.5 / max(g.res / n, 1.0), rad[ids], d) * present[ids]
        chip_col = pal[which[ids]] * (1.0 + 0.06 * (g.table(n * n, "normal")[ids]))[..., None]
        col = _mix(col, chip_col, inside)
        hmap = np.maximum(hmap, inside)
    rough = g.rough + 0.05 * (1.0 - hmap)
    return col, rough, -0.00003 * (1.0 - hmap)


def _p_slate(g: _Gen) -> Maps3:
    """Slate: cleft layers (terraced noise) with tonal changes per layer and fine streaks."""
    h = g.noise(5, beta=2.5) + 0.35 * g.noise(16, beta=2.0)
    q = (h - h.min()) * 2.2
    layer = np.floor(q)
    step = layer + _smooth(0.8, 1.0, q - layer)
    lt = np.sin(layer * 2.3 + 0.7) * 0.08 + np.cos(layer * 1.3) * 0.04
    streak = g.noise(4, beta=1.0, ky=120)
    col = g.base[None, None, :] * (1.0 + lt + 0.05 * streak + 0.03 * g.noise(160, beta=0.5))[..., None]
    rust = g.col("accent", "#5a4a3a")
    patch = _smooth(1.2, 2.2, g.noise(6, beta=2.5))
    col = _mix(col, np.broadcast_to(rust, col.shape), 0.25 * patch)
    rough = g.rough + 0.08 * np.cos(layer * 1.7)
    return col, rough, 0.0012 * step / max(float(step.max()), 1.0) + 0.0001 * streak


def _p_concrete(g: _Gen) -> Maps3:
    """Concrete: blotchy low-frequency mottling, fine aggregate speckle and air-hole pits."""
    mottle = float(g.p("mottle", 0.08))
    pits = float(g.p("pits", 1.0))
    m = g.noise(5, beta=2.5) + 0.5 * g.noise(20, beta=2.0)
    fine = g.noise(220, beta=0.2)
    col = g.base[None, None, :] * (1.0 + mottle * _unit(m) + 0.035 * fine)[..., None]
    n = _per_tile(g, 0.012)
    f1, _, ids, _, _ = g.cells(n, 1.0)
    rad = 0.06 + 0.18 * g.table(n * n) ** 3
    on = g.table(n * n) < 0.35 * pits
    pit = _smooth(rad[ids], rad[ids] * 0.5, f1) * on[ids]
    col = col * (1.0 - 0.45 * pit)[..., None]
    rough = g.rough + 0.05 * _unit(m) * 0.5 + 0.1 * pit
    return col, rough, -0.0015 * pit + 0.00015 * fine + 0.0004 * _unit(m) * mottle


def _p_plaster(g: _Gen) -> Maps3:
    """Plaster / stucco: soft trowelled clouds, small ridges and a fine stipple."""
    m = g.noise(6, beta=2.5)
    trowel = g.noise(10, beta=1.5, ky=22)
    stip = g.noise(180, beta=0.4)
    col = g.base[None, None, :] * (1.0 + float(g.p("mottle", 0.04)) * m + 0.01 * stip)[..., None]
    rough = g.rough + 0.04 * trowel
    rel = float(g.p("relief_m", 0.0004))
    return col, rough, rel * (0.6 * trowel + 0.3 * m + 0.25 * stip)


def _tile_finish(g: _Gen, d: np.ndarray, key: np.ndarray, tile_col: np.ndarray) -> Maps3:
    """Glazed tiles given the signed distance (m) to each tile's edge (positive inside)."""
    grout = g.col("grout", "#c9c5bd")
    var = float(g.p("variation", 0.03))
    wav = float(g.p("wavy", 0.0))
    bevel = float(g.p("bevel_m", 0.0015))
    tile = _smooth(-0.5 * g.m_px, 0.5 * g.m_px, d)
    tone = 1.0 + var * g.table(4096, "normal")[key]
    col = tile_col * tone[..., None] if tile_col.ndim == 3 else tile_col[None, None, :] * tone[..., None]
    if wav > 0:
        col = col * (1.0 + wav * 0.5 * g.noise(24, beta=2.0))[..., None]
    gr = grout[None, None, :] * (1.0 + 0.06 * g.noise(200, beta=0.5))[..., None]
    col = _mix(gr, col, tile)
    rough = np.where(tile > 0.5, g.rough, 0.9).astype(F32)
    h = 0.002 * _smooth(0.0, bevel, d)
    if wav > 0:
        h = h + wav * 0.004 * g.noise(12, beta=2.0) * tile
    return col, rough, h


def _p_tiles_square(g: _Gen) -> Maps3:
    """Square tiles on a grid with grout joints; optional ``checker`` colour for alternate tiles."""
    n = int(g.p("tiles", 4))
    joint = float(g.p("joint_m", 0.003))
    size = g.scale / n
    i, j, a, b = _grid(g, n)
    a, b = a * size, b * size
    d = _unit_inset(a, b, size, size, joint)
    key = _hash2(i, j, 4096)
    checker = g.col("checker", None)
    tile_col = g.base[None, None, :] * np.ones((g.res, g.res, 1), dtype=F32)
    if checker is not None:
        tile_col = np.where((np.mod(i + j, 2) == 1)[..., None], checker[None, None, :], tile_col)
    return _tile_finish(g, d, key, tile_col)


def _p_tiles_subway(g: _Gen) -> Maps3:
    """Subway tiles: 2:1 bricks of glazed ceramic in running bond, thin joints, bevelled edges."""
    rows = int(g.p("rows", 8))
    cols = int(g.p("cols", max(1, rows // 2)))
    along, across, key, _, L, H = _running_bond(g, cols, rows)
    d = _unit_inset(along, across, L, H, float(g.p("joint_m", 0.002)))
    return _tile_finish(g, d, key, g.base)


def _p_tiles_hex(g: _Gen) -> Maps3:
    """Hexagonal tiles (pointy-top), ``tiles`` per tile width; the row count is rounded to an
    even number, so the hexagons are stretched vertically by at most a few percent to wrap."""
    n = int(g.p("tiles", 6))
    pitch = math.sqrt(3.0) / 2.0  # row pitch for a column pitch of 1
    rows = max(2, 2 * int(round(n / pitch / 2.0)))
    joint = float(g.p("joint_m", 0.003))
    x = g.X * n
    y = g.Y * rows * pitch
    best = np.full(x.shape, 1e9, dtype=F32)
    bi = np.zeros(x.shape, dtype=np.int64)
    bj = np.zeros(x.shape, dtype=np.int64)
    lx = np.zeros(x.shape, dtype=F32)
    ly = np.zeros(x.shape, dtype=F32)
    j0 = np.floor(y / pitch).astype(np.int64)
    for dj in (-1, 0, 1):
        j = j0 + dj
        shift = np.where(np.mod(j, 2) == 1, 0.5, 0.0)
        i0 = np.floor(x - shift).astype(np.int64)
        for di in (-1, 0, 1):
            i = i0 + di
            dx = x - (i + 0.5 + shift)
            dy = y - (j + 0.5) * pitch
            dd = dx * dx + dy * dy
            closer = dd < best
            best = np.where(closer, dd, best)
            bi = np.where(closer, np.mod(i, n), bi)
            bj = np.where(closer, np.mod(j, rows), bj)
            lx = np.where(closer, dx, lx)
            ly = np.where(closer, dy, ly)
    ax, ay = np.abs(lx), np.abs(ly)
    hexn = np.maximum(ax, ax * 0.5 + ay * pitch)  # hexagon norm, apothem 0.5
    d = (0.5 - hexn) * (g.scale / n) - joint * 0.5
    key = _hash2(bi, bj, 4096)
    return _tile_finish(g, d, key, g.base)


def _p_brick(g: _Gen) -> Maps3:
    """Bricks in running bond with recessed mortar joints; per-brick colours from a palette,
    speckle, and (``wear`` > 0) chipped edges and soot for old exposed brick."""
    rows = int(g.p("rows", 12))
    cols = int(g.p("cols", 4))
    along, across, key, row, L, H = _running_bond(g, cols, rows)
    joint = float(g.p("joint_m", 0.011))
    wear = float(g.p("wear", 0.3))
    d = _unit_inset(along, across, L, H, joint)
    d = d + wear * 0.003 * g.noise(60, beta=1.2)
    face = _smooth(-0.5 * g.m_px, 0.5 * g.m_px, d)
    pal = g.cols("palette", ["#8e3b2a", "#a0492f", "#7a3325", "#9b5a3c"])
    pal = pal * (g.base / np.maximum(pal.mean(axis=0), 1e-3))[None, :]  # palette mean -> base colour
    which = g.rng.integers(0, len(pal), 4096)[key]
    bcol = pal[which] * (1.0 + 0.10 * g.table(4096, "normal")[key])[..., None]
    speck = g.noise(180, beta=0.4)
    blot = g.noise(20, beta=2.0)
    bcol = bcol * (1.0 + 0.07 * speck + 0.06 * blot)[..., None]
    if wear > 0:
        soot = _smooth(0.8, 2.0, g.noise(8, beta=2.5)) * wear
        bcol = bcol * (1.0 - 0.35 * soot)[..., None]
    mortar = g.col("mortar", "#b8b1a4")
    mcol = mortar[None, None, :] * (1.0 + 0.08 * g.noise(240, beta=0.2))[..., None]
    col = _mix(mcol, bcol, face)
    rough = np.where(face > 0.5, g.rough, 0.95).astype(F32)
    h = 0.006 * _smooth(-0.001, 0.003, d) + 0.0005 * speck * face + 0.0006 * blot
    return col, rough, h


def _p_brushed(g: _Gen) -> Maps3:
    """Brushed metal: fine streaks along x, in albedo, roughness and a tiny relief."""
    s = g.noise(3, beta=0.3, ky=min(480, max(4, g.res // 2 - 1)))
    s2 = g.noise(2, beta=1.0, ky=40)
    col = g.base[None, None, :] * (1.0 + 0.04 * s + 0.02 * s2)[..., None]
    rough = g.rough + 0.05 * s + 0.03 * s2
    return col, rough, 0.000004 * s


def _weave_pattern(kind: str, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """True where the warp (vertical thread) lies on top."""
    if kind == "twill":  # 3/1 twill (denim): warp over three, under one, shifted each row
        return np.mod(i + j, 4) != 0
    if kind == "twill22":
        return np.mod(i + j, 4) < 2
    if kind == "basket":
        return np.mod(i // 2 + j // 2, 2) == 0
    return np.mod(i + j, 2) == 0


def _p_weave(g: _Gen) -> Maps3:
    """Woven cloth (plain / twill / basket): round threads over and under, slubs (irregular
    threads), a separate ``weft`` colour (denim: indigo warp, white weft), ``open`` gaps
    (rattan, jute)."""
    n = int(g.p("threads", 64))
    kind = str(g.p("kind", "plain"))
    thick = float(g.p("thickness", 0.9))
    slub = float(g.p("slub", 0.1))
    weft_col = g.col("weft", None)
    gap_dark = float(g.p("gap_dark", 0.6))
    i, j, u, v = _grid(g, n)
    warp_top = _weave_pattern(kind, i, j)
    tw = 1.0 + 0.35 * slub * g.table(n, "normal")
    tf = 1.0 + 0.35 * slub * g.table(n, "normal")
    ww = np.clip(thick * (1.0 + 0.5 * slub * g.table(n, "normal")), 0.3, 1.0)
    wf = np.clip(thick * (1.0 + 0.5 * slub * g.table(n, "normal")), 0.3, 1.0)
    cu = (2.0 * u - 1.0) / ww[np.mod(i, n)]
    cv = (2.0 * v - 1.0) / wf[np.mod(j, n)]
    prof_warp = np.sqrt(np.clip(1.0 - cu * cu, 0.0, 1.0))
    prof_weft = np.sqrt(np.clip(1.0 - cv * cv, 0.0, 1.0))
    bend_warp = 0.75 + 0.25 * np.cos(np.pi * (2.0 * v - 1.0))
    bend_weft = 0.75 + 0.25 * np.cos(np.pi * (2.0 * u - 1.0))
    hw = prof_warp * np.where(warp_top, bend_warp, 0.45)
    hf = prof_weft * np.where(warp_top, 0.45, bend_weft)
    on_warp = hw >= hf
    h = np.maximum(hw, hf)
    fib_x = g.noise(4, beta=0.5, ky=min(300, g.res // 2 - 1))  # streaks along x: weft fibres
    fib_y = g.noise(min(300, g.res // 2 - 1), beta=0.5, ky=4)  # along y: warp fibres
    wcol = g.base * 1.0
    fcol = weft_col if weft_col is not None else g.base
    c_warp = wcol[None, None, :] * (tw[np.mod(i, n)] * (1.0 + 0.06 * fib_y))[..., None]
    c_weft = fcol[None, None, :] * (tf[np.mod(j, n)] * (1.0 + 0.06 * fib_x))[..., None]
    col = np.where(on_warp[..., None], c_warp, c_weft)
    shade = (1.0 - gap_dark) + gap_dark * _smooth(0.0, 0.6, h)
    if kind.startswith("twill"):  # the diagonal ribs of a twill
        shade = shade * (1.0 + 0.12 * np.cos(2.0 * np.pi * (g.X * n + g.Y * n) / 4.0))
    col = col * shade[..., None]
    rough = g.rough + 0.05 * (1.0 - h)
    return col, rough, float(g.p("relief_m", 0.0004)) * (h + 0.1 * np.where(on_warp, fib_y, fib_x))


def _p_velvet(g: _Gen) -> Maps3:
    """Velvet: crushed-pile sheen (soft light and dark drifts) over a fine fibre noise."""
    crush = g.noise(7, beta=3.0) + 0.4 * g.noise(18, beta=2.0)
    fib = g.noise(240, beta=0.2)
    tone = 1.0 + float(g.p("sheen", 0.13)) * np.tanh(_unit(crush)) + 0.04 * fib
    col = g.base[None, None, :] * tone[..., None]
    rough = g.rough - 0.05 * np.tanh(_unit(crush))
    return col, rough, 0.0001 * fib + 0.0002 * _unit(crush)


def _p_leather(g: _Gen) -> Maps3:
    """Leather: pebbled grain (rounded Worley cells between soft creases), a few long wrinkles
    and faint mottling."""
    n = _per_tile(g, float(g.p("grain_m", 0.003)))
    f1, f2, ids, _, _ = g.cells(n, 1.0)
    pebble = np.clip(1.0 - f1 * f1 * 1.2, 0.0, 1.0)
    crease = 1.0 - _smooth(0.0, 0.35, f2 - f1)
    wr = g.noise(3, beta=1.5, ky=14, angle_deg=float(g.rng.uniform(0, 180)))
    wrinkle = np.exp(-(_line_distance(wr) / (0.004 / g.scale)) ** 2) * _smooth(0.0, 1.0, g.noise(3))
    mott = g.noise(8, beta=2.5)
    tone = 1.0 - 0.07 * crease - 0.12 * wrinkle + 0.05 * mott + 0.03 * g.table(n * n, "normal")[ids]
    col = g.base[None, None, :] * tone[..., None]
    rough = g.rough + 0.08 * crease - 0.05 * pebble + 0.05 * wrinkle
    h = 0.00012 * pebble - 0.00008 * crease - 0.0003 * wrinkle
    return col, rough, h


def _p_knit(g: _Gen) -> Maps3:
    """Stockinette knit: rows of V-shaped stitches (two slanted loops per stitch)."""
    cols = int(g.p("stitches", 24))
    rows = int(g.p("rows", int(round(cols * 1.35))))
    x = g.X * cols
    y = g.Y * rows
    ci = np.floor(x)
    u = x - ci
    h = np.zeros(x.shape, dtype=F32)
    lean = 0.35
    for oy in (-1.0, 0.0, 1.0):
        v = y - np.floor(y) - oy
        for side in (-1.0, 1.0):
            cx = 0.5 + side * 0.22
            dx = u - cx
            dy = (v - 0.5) * (cols / rows) * 1.0
            # leg axis leans outward towards the top (V shape)
            ax, ay = side * lean, -1.0
            nrm = math.hypot(ax, ay)
            ax, ay = ax / nrm, ay / nrm
            s = (dx * ax + dy * ay) / 0.55
            t = (dx * -ay + dy * ax) / 0.2
            h = np.maximum(h, np.sqrt(np.clip(1.0 - s * s - t * t, 0.0, 1.0)))
    fib = g.noise(min(240, g.res // 2 - 1), beta=0.3)
    tone = (0.55 + 0.45 * _smooth(0.0, 0.7, h)) * (1.0 + 0.06 * fib)
    col = g.base[None, None, :] * tone[..., None] / 0.85
    rough = g.rough + 0.04 * (1.0 - h)
    return col, rough, 0.0015 * h + 0.00005 * fib


def _p_carpet(g: _Gen) -> Maps3:
    """Carpet: cut pile tufts (Worley bumps) or ``style: loop`` rows of loops; soft colour drifts."""
    style = str(g.p("style", "cut"))
    drift = g.noise(6, beta=2.5)
    if style == "loop":
        cols = _per_tile(g, float(g.p("loop_m", 0.006)))
        rows = cols
        x, y = g.X * cols, g.Y * rows
        u = x - np.floor(x)
        v = y - np.floor(y)
        shift = np.mod(np.floor(y), 2) * 0.5
        u = _frac(u + shift)
        r = np.sqrt((u - 0.5) ** 2 + ((v - 0.5) * 1.3) ** 2)
        ring = np.clip(1.0 - ((r - 0.3) / 0.18) ** 2, 0.0, 1.0)
        h = np.sqrt(ring)
        berber = g.noise(3, beta=0.5, ky=60)
        tone = (0.6 + 0.4 * h) * (1.0 + 0.05 * drift + 0.08 * berber)
    else:
        n = _per_tile(g, float(g.p("tuft_m", 0.004)))
        f1, _, ids, _, _ = g.cells(n, 1.0)
        h = np.clip(1.0 - (f1 / 0.75) ** 2, 0.0, 1.0)
        tone = (0.65 + 0.35 * h) * (1.0 + 0.05 * drift + 0.06 * g.table(n * n, "normal")[ids])
    col = g.base[None, None, :] * (tone / 0.85)[..., None]
    return col, g.rough - 0.03 * h, 0.002 * h


def _p_rubber(g: _Gen) -> Maps3:
    """Rubber flooring: raised round studs on a grid (``style: coin``) or EPDM flecks
    (``style: speckle``)."""
    style = str(g.p("style", "coin"))
    fine = g.noise(200, beta=0.4)
    if style == "speckle":
        pal = g.cols("flecks", ["#d9d9d9", "#5a6b8c"])
        n = _per_tile(g, 0.004)
        f1, _, ids, _, _ = g.cells(n, 1.0)
        on = g.table(n * n) < float(g.p("fleck_density", 0.15))
        which = g.rng.integers(0, len(pal), n * n)
        m = _smooth(0.4, 0.3, f1) * on[ids]
        col = _mix(g.base[None, None, :] * (1.0 + 0.04 * fine)[..., None], pal[which[ids]], m)
        return col, g.rough + 0.03 * fine, 0.0001 * fine
    n = int(g.p("studs", 10))
    x, y = g.X * n, g.Y * n
    d = np.sqrt((x - np.floor(x) - 0.5) ** 2 + (y - np.floor(y) - 0.5) ** 2) * (g.scale / n)
    r = float(g.p("stud_radius_m", 0.012))
    stud = _smooth(r + 0.0015, r - 0.0005, d)
    col = g.base[None, None, :] * (1.0 + 0.03 * fine + 0.05 * stud)[..., None]
    return col, g.rough - 0.08 * stud, 0.0015 * stud + 0.00003 * fine


def _paper(g: _Gen) -> np.ndarray:
    return 1.0 + 0.015 * g.noise(200, beta=0.5) + 0.01 * g.noise(12, beta=2.0)


def _motif_color(g: _Gen, default_shade: float) -> np.ndarray:
    m = g.col("motif", None)
    return m if m is not None else g.base * default_shade


def _motif(g: _Gen, mcol: np.ndarray, m: np.ndarray) -> np.ndarray:
    """The ground (base colour) with the motif colour ``mcol`` laid where ``m`` (coverage) is."""
    full = (g.res, g.res, 3)
    return _mix(np.broadcast_to(g.base, full), np.broadcast_to(mcol, full), m)


def _p_wallpaper_stripes(g: _Gen) -> Maps3:
    """Wallpaper stripes (vertical): ``stripes`` pairs per tile, stripe share ``ratio``, an
    optional thin ``pinstripe`` along the stripe edge."""
    n = int(g.p("stripes", 8))
    ratio = float(g.p("ratio", 0.5))
    mcol = _motif_color(g, 0.72)
    f = _frac(g.X * n)
    e = 0.5 * n * g.px
    stripe = _smooth(-e, e, f) * _smooth(ratio + e, ratio - e, f)
    col = _motif(g, mcol, stripe)
    pin = g.col("pinstripe", None)
    if pin is not None:
        pw = float(g.p("pin_width", 0.03))
        p = _smooth(pw + e, pw - e, np.abs(f - ratio - 2 * pw))
        col = _mix(col, np.broadcast_to(pin, col.shape), p)
    col = col * _paper(g)[..., None]
    return col, g.rough - 0.05 * stripe, 0.00005 * stripe


def _sdf_fill(f: np.ndarray, aa: float) -> np.ndarray:
    """Coverage of the region f < 0 (f roughly a distance), antialiased over ``aa``."""
    return _smooth(aa, -aa, f)


def _p_wallpaper_damask(g: _Gen) -> Maps3:
    """Damask: a mirror-symmetric medallion of petals, leaves and finials in half-drop repeat,
    tone on tone (flocked: raised and rougher)."""
    cols = int(g.p("repeats", 2))
    rows = cols
    mcol = _motif_color(g, float(g.p("shade", 0.7)))
    x = g.X * cols
    ci = np.floor(x)
    y = g.Y * rows + np.where(np.mod(ci, 2) == 1, 0.5, 0.0)
    u = (x - ci) * 2.0 - 1.0
    v = (y - np.floor(y)) * 2.0 - 1.0
    au = np.abs(u)
    aa = 2.5 * cols * g.px
    r = np.sqrt(au * au + v * v)
    th = np.arctan2(v, au)
    shapes = []
    shapes.append(r - 0.28 * (0.7 + 0.3 * np.cos(6.0 * th)))  # rosette
    shapes.append(np.abs(r - 0.42) - 0.025)  # ring
    for (cx, cy, ang, a, b) in ((0.48, -0.42, 0.9, 0.26, 0.09), (0.52, 0.40, -0.9, 0.26, 0.09),
                                (0.22, -0.78, 0.2, 0.16, 0.06), (0.78, 0.02, 1.57, 0.18, 0.06)):
        dx, dy = au - cx, v - cy
        s = (dx * math.cos(ang) + dy * math.sin(ang)) / a
        t = (-dx * math.sin(ang) + dy * math.cos(ang)) / b
        shapes.append((np.sqrt(s * s + t * t) - 1.0) * b)
    shapes.append(np.sqrt(au * au + (v + 0.62) ** 2) - 0.07)  # finials
    shapes.append(np.sqrt(au * au + (v - 0.64) ** 2) - 0.09)
    shapes.append(np.maximum(au * 0.6 + np.abs(v - 0.85) * 0.4 - 0.05, -1.0))  # drop
    shapes.append(np.sqrt((au - 1.0) ** 2 + v * v) - 0.05)  # dots at the cell sides
    f = np.minimum.reduce(shapes)
    m = _sdf_fill(f, aa)
    col = _motif(g, mcol, m)
    col = col * _paper(g)[..., None]
    flock = float(g.p("flock", 1.0))
    rough = g.rough + (0.12 * flock - 0.2 * (1 - flock)) * m
    return col, rough, 0.0003 * flock * _blur(m.astype(F32), 1.0)


def _p_wallpaper_geometric(g: _Gen) -> Maps3:
    """Geometric wallpaper: a diamond trellis with nested diamonds and dots at the crossings."""
    n = int(g.p("repeats", 6))
    mcol = _motif_color(g, 0.6)
    a = g.X * n + g.Y * n
    b = g.X * n - g.Y * n
    da = np.abs(_frac(a) - 0.5)
    db = np.abs(_frac(b) - 0.5)
    line_w = float(g.p("line", 0.035))
    aa = 1.5 * n * g.px
    lines = _smooth(0.5 - line_w - aa, 0.5 - line_w + aa, np.maximum(da, db))
    inner = np.abs(np.maximum(da, db) - 0.22)
    inner_l = _smooth(line_w * 0.6 + aa, line_w * 0.6 - aa, inner)
    x = g.X * n
    y = g.Y * n
    dot = np.sqrt((x - np.round(x)) ** 2 + (y - np.round(y)) ** 2)
    dots = _smooth(0.09 + aa, 0.09 - aa, dot)
    m = np.maximum(np.maximum(lines, inner_l), dots)
    col = _motif(g, mcol, m)
    col = col * _paper(g)[..., None]
    return col, g.rough - 0.25 * m, 0.00005 * m


def _p_wallpaper_floral(g: _Gen) -> Maps3:
    """Floral wallpaper: scattered five-petal flowers with centres and leaves."""
    n = int(g.p("repeats", 6))
    pal = g.cols("flowers", ["#d98c9a", "#e8c26a", "#f2f0ea"])
    leaf = g.col("leaf", "#7f9a6b")
    centre_c = g.col("centre", "#c9953c")
    x, y = g.X * n, g.Y * n
    cx0, cy0 = np.floor(x).astype(np.int64), np.floor(y).astype(np.int64)
    pts = 0.5 + 0.6 * (g.table(n * n * 2).reshape(n, n, 2) - 0.5)
    rad = 0.22 + 0.1 * g.table(n * n)
    rot = g.table(n * n) * 2 * math.pi
    which = g.rng.integers(0, len(pal), n * n)
    col = np.ascontiguousarray(np.broadcast_to(g.base, (g.res, g.res, 3))).astype(F32)
    mask_all = np.zeros((g.res, g.res), dtype=F32)
    aa = 1.5 * n * g.px
    for oy in (-1, 0, 1):
        for ox in (-1, 0, 1):
            ix, iy = np.mod(cx0 + ox, n), np.mod(cy0 + oy, n)
            cid = iy * n + ix
            px = cx0 + ox + pts[iy, ix, 0]
            py = cy0 + oy + pts[iy, ix, 1]
            dx, dy = x - px, y - py
            r = np.sqrt(dx * dx + dy * dy)
            th = np.arctan2(dy, dx) + rot[cid]
            R = rad[cid]
            # two leaves
            lx = dx * np.cos(rot[cid]) + dy * np.sin(rot[cid])
            ly = -dx * np.sin(rot[cid]) + dy * np.cos(rot[cid])
            lf = np.minimum(np.sqrt(((np.abs(lx) - R * 1.25) / (R * 0.55)) ** 2 + (ly / (R * 0.22)) ** 2), 9.0)
            leaf_m = _smooth(1.0 + aa / (R * 0.22), 1.0 - aa / (R * 0.22), lf)
            col = _mix(col, np.broadcast_to(leaf, col.shape), leaf_m * (1.0 - mask_all))
            petal = r - R * (0.55 + 0.45 * np.abs(np.cos(2.5 * th)))
            pm = _smooth(aa, -aa, petal)
            col = _mix(col, pal[which[cid]], pm)
            cm = _smooth(R * 0.2 + aa, R * 0.2 - aa, r)
            col = _mix(col, np.broadcast_to(centre_c, col.shape), cm)
            mask_all = np.maximum(mask_all, np.maximum(pm, leaf_m))
    col = col * _paper(g)[..., None]
    return col, g.rough - 0.05 * mask_all, 0.00005 * mask_all


def _p_cork(g: _Gen) -> Maps3:
    """Cork: compressed granules of varying tone with dark pores."""
    n = _per_tile(g, float(g.p("granule_m", 0.003)))
    f1, f2, ids, _, _ = g.cells(n, 1.0)
    tone = 1.0 + 0.22 * g.table(n * n, "normal")[ids]
    edge = _smooth(0.0, 0.1, f2 - f1)
    pores = _smooth(1.8, 2.6, g.noise(min(200, g.res // 2 - 1), beta=0.2))
    col = g.base[None, None, :] * (tone * (0.75 + 0.25 * edge) * (1.0 - 0.5 * pores))[..., None]
    return col, g.rough + 0.05 * (1.0 - edge), 0.0002 * edge - 0.0003 * pores


def _p_grain(g: _Gen) -> Maps3:
    """Generic fine grain (paper, felt, clay, wax, soil, plastic): band-limited noise in colour,
    roughness and relief; ``granular`` > 0 adds Worley granules (soil, sand)."""
    k = float(g.p("kmax", 120))
    contrast = float(g.p("contrast", 0.05))
    big = float(g.p("mottle", 0.03))
    fine = g.noise(min(k, g.res // 2 - 1), beta=float(g.p("beta", 0.6)))
    mott = g.noise(6, beta=2.5)
    tone = 1.0 + contrast * fine + big * mott
    h = float(g.p("relief_m", 0.0001)) * fine
    gran = float(g.p("granular", 0.0))
    if gran > 0:
        n = _per_tile(g, float(g.p("granule_m", 0.004)))
        f1, f2, ids, _, _ = g.cells(n, 1.0)
        bump = np.clip(1.0 - f1 * 1.2, 0.0, 1.0)
        tone = tone * (1.0 + gran * (0.35 * g.table(n * n, "normal")[ids] + 0.4 * (bump - 0.5)))
        h = h + 0.002 * gran * bump
    fibres = float(g.p("fibres", 0.0))
    if fibres > 0:
        fa = g.noise(min(k, g.res // 2 - 1), beta=0.5, ky=8)
        fb = g.noise(8, beta=0.5, ky=min(k, g.res // 2 - 1))
        fib = np.maximum(np.abs(fa), np.abs(fb))
        tone = tone * (1.0 + fibres * (fib - fib.mean()))
    col = g.base[None, None, :] * tone[..., None]
    return col, g.rough + 0.3 * contrast * fine, h


PATTERNS: dict[str, Callable[[_Gen], Maps3]] = {
    "wood": _p_wood,
    "planks": _p_planks,
    "parquet": _p_parquet,
    "herringbone": _p_herringbone,
    "marble": _p_marble,
    "granite": _p_granite,
    "terrazzo": _p_terrazzo,
    "slate": _p_slate,
    "concrete": _p_concrete,
    "plaster": _p_plaster,
    "tiles_square": _p_tiles_square,
    "tiles_hex": _p_tiles_hex,
    "tiles_subway": _p_tiles_subway,
    "brick": _p_brick,
    "brushed_metal": _p_brushed,
    "weave": _p_weave,
    "velvet": _p_velvet,
    "leather": _p_leather,
    "knit": _p_knit,
    "carpet": _p_carpet,
    "rubber": _p_rubber,
    "wallpaper_stripes": _p_wallpaper_stripes,
    "wallpaper_damask": _p_wallpaper_damask,
    "wallpaper_geometric": _p_wallpaper_geometric,
    "wallpaper_floral": _p_wallpaper_floral,
    "cork": _p_cork,
    "grain": _p_grain,
}


# ---------------------------------------------------------------------------------------------
# generation


def height_to_normal(height_m: np.ndarray, texel_m: float, strength: float = 1.0) -> np.ndarray:
    """OpenGL-convention normal map (uint8) of a periodic height field in metres; ``texel_m``
    is the size of one pixel in metres. Green grows where the surface faces image-up (row 0)."""
    h = height_m.astype(np.float64)
    dx = (np.roll(h, -1, axis=1) - np.roll(h, 1, axis=1)) / (2.0 * texel_m) * strength
    dy_up = (np.roll(h, 1, axis=0) - np.roll(h, -1, axis=0)) / (2.0 * texel_m) * strength
    n = np.stack([-dx, -dy_up, np.ones_like(h)], axis=-1)
    n /= np.linalg.norm(n, axis=-1, keepdims=True)
    return np.clip(np.round((n * 0.5 + 0.5) * 255.0), 0, 255).astype(np.uint8)


def _seed_int(spec: TextureSpec, seed: int) -> int:
    text = json.dumps([spec.pattern, spec.to_dict()["params"], int(seed)], sort_keys=True, default=str)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")


def generate(spec: TextureSpec, base_color: Sequence[float], roughness: float, resolution: int = DEFAULT_RESOLUTION,
             seed: int = 0) -> TextureMaps:
    """Compute the maps of ``spec`` for a base colour (linear RGB) and base roughness. Pure:
    the same arguments give the same bytes. No disk access."""
    res = int(resolution)
    if res < 8 or res > 8192:
        raise ValueError(f"texture resolution must be in [8, 8192], got {resolution!r}")
    g = _Gen(spec, np.asarray(base_color, dtype=F32)[:3], float(roughness), res, _seed_int(spec, seed))
    col, rough, height = PATTERNS[spec.pattern](g)
    col = np.broadcast_to(col, (res, res, 3))
    albedo = np.round(linear_to_srgb_array(col) * 255.0).astype(np.uint8)
    rough_u8 = np.round(np.clip(np.broadcast_to(rough, (res, res)), 0.02, 1.0) * 255.0).astype(np.uint8)
    bump = float(g.p("bump", 1.0))
    normal = height_to_normal(np.broadcast_to(height, (res, res)) * bump, spec.scale_m / res)
    return TextureMaps(np.ascontiguousarray(albedo), np.ascontiguousarray(rough_u8), normal, spec.scale_m)


def flat_normal(res: int) -> np.ndarray:
    """A ``res`` x ``res`` normal map of a flat surface (every texel (128, 128, 255))."""
    return np.broadcast_to(np.array([128, 128, 255], dtype=np.uint8), (res, res, 3)).copy()


def flat_maps(base_color: Sequence[float], roughness: float, resolution: int = 4, scale_m: float = 1.0) -> TextureMaps:
    """Uniform maps for an untextured material (no disk cache)."""
    res = int(resolution)
    rgb = linear_to_srgb_array(np.asarray(base_color, dtype=F32)[:3])
    albedo = np.broadcast_to(np.round(rgb * 255.0).astype(np.uint8), (res, res, 3)).copy()
    rough = np.full((res, res), int(round(min(1.0, max(0.0, roughness)) * 255)), dtype=np.uint8)
    return TextureMaps(albedo, rough, flat_normal(res), scale_m)


# ---------------------------------------------------------------------------------------------
# cache


def cache_dir() -> Path:
    """Where texture PNGs are cached: ``textures/`` under :func:`worldsmith.scene.paths.cache_dir`."""
    return paths.cache_dir() / "textures"


def cache_key(payload: Mapping[str, Any]) -> str:
    text = json.dumps({**payload, "code_version": CODE_VERSION}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _write_png_atomic(path: Path, array: np.ndarray) -> None:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, lambda fh: Image.fromarray(array).save(fh, format="PNG", compress_level=1))


def read_image(path: str | Path, channels: int, size: int | None = None) -> np.ndarray:
    """An image file as ``uint8`` RGB (``channels`` 3) or grey (1), resized (Lanczos) to
    ``size`` x ``size`` when given and different."""
    from PIL import Image

    with Image.open(path) as im:
        im = im.convert("RGB" if channels == 3 else "L")
        if size is not None and im.size != (size, size):
            im = im.resize((size, size), Image.Resampling.LANCZOS)
        return np.asarray(im, dtype=np.uint8).copy()


MAP_CHANNELS = {"albedo": 3, "roughness": 1, "normal": 3, "metallic": 1, "height": 1}


def cached_paths(key_payload: Mapping[str, Any], names: Sequence[str]) -> dict[str, str] | None:
    """The cached PNG files of the maps named by ``key_payload`` when all exist, else None."""
    key = cache_key(key_payload)
    folder = cache_dir() / key[:2]
    files = {name: folder / f"{key}_{name}.png" for name in names}
    return {k: str(v) for k, v in files.items()} if all(p.exists() for p in files.values()) else None


def cached_maps(key_payload: Mapping[str, Any], compute: Callable[[], TextureMaps], scale_m: float,
                names: Sequence[str] = ("albedo", "roughness", "normal")) -> TextureMaps:
    """Load the maps named by ``key_payload`` from the disk cache, or ``compute`` and store them.
    A damaged cache entry is recomputed and overwritten."""
    key = cache_key(key_payload)
    folder = cache_dir() / key[:2]
    paths = {name: folder / f"{key}_{name}.png" for name in names}
    if all(p.exists() for p in paths.values()):
        try:
            arrays = {name: read_image(p, MAP_CHANNELS[name]) for name, p in paths.items()}
            return TextureMaps(arrays["albedo"], arrays["roughness"], arrays["normal"], scale_m,
                               metallic=arrays.get("metallic"), height=arrays.get("height"),
                               paths={k: str(v) for k, v in paths.items()})
        except (OSError, ValueError) as exc:  # damaged file: recompute
            log.warning("texture cache entry %s unreadable (%s); regenerating", key, exc)
    maps = compute()
    written: dict[str, str] = {}
    try:
        for name in names:
            arr = getattr(maps, name)
            if arr is None:
                continue
            _write_png_atomic(paths[name], arr)
            written[name] = str(paths[name])
    except OSError as exc:  # read-only or full disk: still return the maps
        log.warning("cannot write texture cache %s: %s", folder, exc)
    return TextureMaps(maps.albedo, maps.roughness, maps.normal, scale_m, metallic=maps.metallic,
                       height=maps.height, paths=written)
