"""Seating: rocking chairs, stools, benches, floor cushions and pet beds.

- ``rocking_chair``: a chair on two curved rockers; the back (windsor spindles, a ladder of slats, a
  solid panel or an upholstered pad) leans back at -Y; optional arms; a wooden, cushioned or woven
  seat.
- ``stool``: a round or square seat on 3-4 straight or splayed legs (round, square, tapered) or a
  pedestal, with an optional foot ring; wooden or upholstered seat.
- ``bench``: a slatted, solid or upholstered seat on legs, slab panel ends or metal frame ends, with
  an optional lower shelf and (when the size is tall enough) a backrest at -Y.
- ``floor_cushion``: a flat floor cushion or a tall pouf, round or square, with piping or a band,
  poufs sometimes on small legs.
- ``pet_bed``: a round bolster ring, an oval lounger open at the front (+Y), a rectangular bolster
  bed with a low front, or a raised cot on a tube frame.

This module also holds small watertight shape helpers (swept tubes, extruded strips, slanted legs,
rods) that the other furniture modules of this group reuse; helpers every generator group uses
(slabs, spheres, superellipse rings, the exact-size fit) live in ``_shapes``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import trimesh

from ..parts import Part
from ..primitives import box, cylinder, cylinder_along, frustum, lathe, merge, rounded_box, shear_y_by_z, transformed
from ..surfaces import Surface, rect
from ._shapes import closed_mesh, sphere, superellipse_ring
from .params import chance, clamp, pick, register_generator, uniform

Size = tuple[float, float, float]


# ----------------------------------------------------------------------------------------------
# shared shape helpers (watertight, process=False, deterministic)


def sweep_tube(path: Sequence[Sequence[float]], radius: float | tuple[float, float], sections: int = 12,
               closed: bool = False, up: Sequence[float] | None = None,
               scales: Sequence[float] | None = None) -> trimesh.Trimesh:
    """A tube swept along the polyline ``path`` (3D points). ``radius`` is one radius or a pair
    (along the frame normal, along the binormal) for an elliptic section. ``closed`` joins the ends
    (a ring), else the ends are capped flat. ``up``: the frame normal is ``up`` made perpendicular to
    the path (for rings lying flat: ``up=(0, 0, 1)``), else it is transported along the path.
    ``scales`` shrinks the section per point (rounded ends)."""
    P = np.asarray(path, dtype=float)
    n = len(P)
    rn, rb = (float(radius), float(radius)) if np.isscalar(radius) else (float(radius[0]), float(radius[1]))
    k = max(4, int(sections) // 4 * 4)
    if closed:
        T = np.roll(P, -1, axis=0) - np.roll(P, 1, axis=0)
    else:
        T = np.empty_like(P)
        T[1:-1] = P[2:] - P[:-2]
        T[0] = P[1] - P[0]
        T[-1] = P[-1] - P[-2]
    T /= np.linalg.norm(T, axis=1)[:, None]
    if up is not None:
        u = np.asarray(up, dtype=float)
        N = u[None, :] - (T @ u)[:, None] * T
        N /= np.linalg.norm(N, axis=1)[:, None]
    else:
        a = np.eye(3)[int(np.argmin(np.abs(T[0])))]
        N0 = np.cross(T[0], a)
        N0 /= np.linalg.norm(N0)
        Ns = [N0]
        for i in range(1, n):
            v = np.cross(T[i - 1], T[i])
            s = float(np.linalg.norm(v))
            Nc = Ns[-1]
            if s > 1e-12:
                ax = v / s
                ang = math.atan2(s, float(np.dot(T[i - 1], T[i])))
                Nc = Nc * math.cos(ang) + np.cross(ax, Nc) * math.sin(ang) + ax * float(np.dot(ax, Nc)) * (1 - math.cos(ang))
            Nc = Nc - float(np.dot(Nc, T[i])) * T[i]
            Ns.append(Nc / np.linalg.norm(Nc))
        N = np.array(Ns)
    B = np.cross(T, N)
    theta = np.arange(k) * (2.0 * math.pi / k)
    c, s = np.cos(theta), np.sin(theta)
    c[np.abs(c) < 1e-15] = 0.0
    s[np.abs(s) < 1e-15] = 0.0
    sc = np.ones(n) if scales is None else np.asarray(scales, dtype=float)
    ring = (P[:, None, :] + sc[:, None, None] * (rn * c[None, :, None] * N[:, None, :]
                                                  + rb * s[None, :, None] * B[:, None, :]))
    verts = ring.reshape(-1, 3)
    j = np.arange(k)
    jn = (j + 1) % k
    faces = []
    segs = n if closed else n - 1
    for i in range(segs):
        a0, a1 = i * k, ((i + 1) % n) * k
        faces.append(np.stack([a0 + j, a0 + jn, a1 + jn], 1))
        faces.append(np.stack([a0 + j, a1 + jn, a1 + j], 1))
    if not closed:
        c0, c1 = len(verts), len(verts) + 1
        verts = np.vstack([verts, P[0], P[-1]])
        faces.append(np.stack([np.full(k, c0), jn, j], 1))
        last = (n - 1) * k
        faces.append(np.stack([np.full(k, c1), last + j, last + jn], 1))
    return closed_mesh(verts, np.concatenate(faces))


def rounded_rect_path(hx: float, hy: float, z: float, r: float, per_corner: int = 3) -> np.ndarray:
    """Points of a horizontal rectangle of half sizes (hx, hy) with corners rounded by ``r``."""
    r = min(r, 0.95 * hx, 0.95 * hy)
    pts = []
    for cx, cy, a0 in ((hx - r, hy - r, 0.0), (-hx + r, hy - r, 90.0), (-hx + r, -hy + r, 180.0),
                       (hx - r, -hy + r, 270.0)):
        for i in range(per_corner + 1):
            t = math.radians(a0 + 90.0 * i / per_corner)
            pts.append((cx + r * math.cos(t), cy + r * math.sin(t), z))
    return np.array(pts)


def band_x(bottom: Sequence[tuple[float, float]], top: Sequence[tuple[float, float]], x0: float,
           x1: float) -> trimesh.Trimesh:
    """A strip in the YZ plane (between the ``bottom`` and ``top`` polylines of (y, z) points, same
    count) extruded along X from ``x0`` to ``x1``: curved rockers, bent boards."""
    b = np.asarray(bottom, dtype=float)
    t = np.asarray(top, dtype=float)
    n = len(b)
    verts = []
    for x in (x0, x1):
        verts.append(np.column_stack([np.full(n, x), b]))
        verts.append(np.column_stack([np.full(n, x), t]))
    v = np.concatenate(verts)
    i = np.arange(n - 1)
    faces = []
    for side, base in ((0, 0), (1, 2 * n)):
        bi, ti = base + i, base + n + i
        q = [np.stack([bi, bi + 1, ti + 1], 1), np.stack([bi, ti + 1, ti], 1)]
        faces += q if side == 0 else [f[:, ::-1] for f in q]
    loop = list(range(n)) + list(range(2 * n - 1, n - 1, -1))
    for kk in range(len(loop)):
        a, c = loop[kk], loop[(kk + 1) % len(loop)]
        faces.append(np.array([[c, a, a + 2 * n], [c, a + 2 * n, c + 2 * n]]))
    return closed_mesh(v, np.concatenate(faces))


def slanted(bottom: tuple[float, float], top: tuple[float, float], z0: float, z1: float, r: float,
            shape: str = "round", taper: float = 0.65, sections: int = 12) -> trimesh.Trimesh:
    """A leg with horizontal end faces from ``bottom`` (x, y) at ``z0`` to ``top`` (x, y) at ``z1``:
    ``round``, ``tapered`` (narrower at the floor), ``square`` (rounded edges) or ``block`` (sharp)."""
    L = z1 - z0
    if shape == "square":
        base = rounded_box((-r, -r, 0.0), (r, r, L), min(0.004, 0.3 * r), steps=1)
    elif shape == "block":
        base = box((-r, -r, 0.0), (r, r, L))
    else:
        base = frustum((0.0, 0.0, 0.0), taper * r if shape == "tapered" else r, r, 0.0, L, sections)
    m = np.eye(4)
    m[0, 2] = (top[0] - bottom[0]) / L
    m[1, 2] = (top[1] - bottom[1]) / L
    m[:3, 3] = (bottom[0], bottom[1], z0)
    return transformed(base, m)


def rod(p0: Sequence[float], p1: Sequence[float], r: float, sections: int = 8) -> trimesh.Trimesh:
    """A cylinder between two points (end caps perpendicular to it)."""
    a, b = np.asarray(p0, dtype=float), np.asarray(p1, dtype=float)
    d = b - a
    L = float(np.linalg.norm(d))
    base = lathe([(0.0, 0.0), (r, 0.0), (r, L), (0.0, L)], sections)
    u = d / L
    z = np.array([0.0, 0.0, 1.0])
    v = np.cross(z, u)
    s, c = float(np.linalg.norm(v)), float(np.dot(z, u))
    if s < 1e-12:
        R = np.eye(3) if c > 0 else np.diag([1.0, -1.0, -1.0])
    else:
        K = np.array([[0, -v[2], v[1]], [v[2], 0, -v[0]], [-v[1], v[0], 0]])
        R = np.eye(3) + K + K @ K * ((1 - c) / (s * s))
    m = np.eye(4)
    m[:3, :3] = R
    m[:3, 3] = a
    return transformed(base, m)


def round_profile(R: float, z0: float, z1: float, e: float, steps: int = 3) -> list[tuple[float, float]]:
    """Lathe profile of a disc of radius ``R`` from ``z0`` to ``z1`` with its edges rounded by ``e``."""
    e = min(e, 0.49 * (z1 - z0), 0.49 * R)
    pts = [(0.0, z0)]
    for i in range(steps + 1):
        a = -math.pi / 2 + (math.pi / 2) * i / steps
        pts.append((R - e + e * math.cos(a), z0 + e + e * math.sin(a)))
    for i in range(steps + 1):
        a = (math.pi / 2) * i / steps
        pts.append((R - e + e * math.cos(a), z1 - e + e * math.sin(a)))
    pts.append((0.0, z1))
    out = []
    for p in pts:  # drop exact duplicates (e.g. a zero straight side)
        if not out or abs(out[-1][0] - p[0]) > 1e-12 or abs(out[-1][1] - p[1]) > 1e-12:
            out.append(p)
    return out


def ellipse_polygon(a: float, b: float, n: int = 12, cx: float = 0.0, cy: float = 0.0) -> tuple:
    """A counter-clockwise polygon on the ellipse of half axes (a, b)."""
    return tuple((cx + a * math.cos(2 * math.pi * i / n), cy + b * math.sin(2 * math.pi * i / n)) for i in range(n))


def shift_y_to(parts: list[tuple[str, trimesh.Trimesh, str]], y_min: float) -> list[Part]:
    """Parts moved along Y so that their rearmost point is ``y_min``."""
    m = np.eye(4)
    m[1, 3] = y_min - min(float(mesh.bounds[0][1]) for _, mesh, _ in parts)
    return [Part(name, transformed(mesh, m), mat) for name, mesh, mat in parts]


WOODS = ("oak wood", "walnut wood", "beech wood", "cherry wood", "pine wood", "black stained wood",
         "white painted wood")
FABRICS = ("grey fabric", "charcoal fabric", "beige linen", "cream linen", "navy velvet", "mustard velvet",
           "sage velvet", "terracotta linen", "brown leather", "cognac leather", "black leather", "dusty pink velvet")


# ----------------------------------------------------------------------------------------------
# rocking chair


@dataclass(frozen=True)
class RockingChairParams:
    category: str = "rocking_chair"
    back_style: str = "spindles"  # spindles | ladder | solid | upholstered
    spindle_count: int = 7  # spindles, or ladder slats (3-5)
    arms: bool = True
    seat_style: str = "wood"  # wood | cushion | woven
    seat_height_m: float = 0.43  # top of the seat (cushion included)
    seat_depth_m: float = 0.46
    seat_thickness_m: float = 0.035
    cushion_thickness_m: float = 0.06
    back_tilt_deg: float = 16.0
    rocker_radius_m: float = 1.2
    rocker_height_m: float = 0.045  # vertical thickness of a rocker
    rocker_width_m: float = 0.032
    leg_radius_m: float = 0.019
    leg_shape: str = "round"  # round | square
    frame_material: str = "oak wood"
    seat_material: str = "oak wood"
    cushion_material: str = "beige linen"


def sample_rocking_chair_params(rng: np.random.Generator, size: Size,
                                category: str = "rocking_chair") -> RockingChairParams:
    """Rocking chairs: classic windsor / ladder-back wood, or modern with a solid or padded back."""
    back = pick(rng, ("spindles", "ladder", "solid", "upholstered"), (0.35, 0.25, 0.2, 0.2))
    frame = pick(rng, WOODS)
    seat_style = pick(rng, ("wood", "cushion", "woven"), (0.4, 0.4, 0.2))
    fabric = pick(rng, FABRICS)
    return RockingChairParams(
        category=category,
        back_style=back,
        spindle_count=int(rng.integers(5, 10)) if back == "spindles" else int(rng.integers(3, 6)),
        arms=chance(rng, 0.75),
        seat_style=seat_style,
        seat_height_m=uniform(rng, 0.4, 0.47),
        seat_depth_m=uniform(rng, 0.42, 0.5),
        seat_thickness_m=uniform(rng, 0.028, 0.045),
        cushion_thickness_m=uniform(rng, 0.045, 0.08),
        back_tilt_deg=uniform(rng, 12.0, 22.0),
        rocker_radius_m=uniform(rng, 1.0, 1.6),
        rocker_height_m=uniform(rng, 0.035, 0.06),
        rocker_width_m=uniform(rng, 0.026, 0.04),
        leg_radius_m=uniform(rng, 0.015, 0.022),
        leg_shape=pick(rng, ("round", "square")),
        frame_material=frame,
        seat_material="rattan" if seat_style == "woven" else frame,
        cushion_material=fabric,
    )


@dataclass(frozen=True)
class _RockFrame:
    w: float
    d: float
    h: float
    rw: float  # rocker width (x)
    rt: float  # rocker vertical thickness
    lr: float  # leg half width
    xl: float  # leg centre x
    sx: float  # seat half width
    seat_top: float
    board_top: float  # top of the wooden seat board (below a cushion)
    seat_t: float
    y_sf: float  # seat front
    y_sb: float  # seat back (where the back meets it)
    tilt: float
    yc: float  # where the rockers touch the floor
    R: float
    back_t: float
    post: float  # half width of the back posts


def _rock_frame(p: RockingChairParams, size: Size) -> _RockFrame:
    w, d, h = (float(v) for v in size)
    lr = clamp(p.leg_radius_m, 0.01, 0.03 * w)
    rw = max(clamp(p.rocker_width_m, 0.02, 0.08 * w), 2.0 * lr)
    xl = w / 2.0 - rw / 2.0
    seat_top = clamp(p.seat_height_m, 0.3, h - 0.35)
    cush = clamp(p.cushion_thickness_m, 0.03, 0.1) if p.seat_style == "cushion" else 0.0
    seat_t = clamp(p.seat_thickness_m, 0.02, 0.06)
    sd = clamp(p.seat_depth_m, 0.3, d - 0.25)
    tilt = (h - seat_top) * math.tan(math.radians(clamp(p.back_tilt_deg, 0.0, 30.0)))
    tilt = min(tilt, d - sd - 0.1)
    ef = clamp(0.4 * (d - sd - tilt), 0.03, 0.2)
    y_sf = d / 2.0 - ef
    y_sb = y_sf - sd
    yc = y_sb + 0.45 * sd
    R = max(p.rocker_radius_m, max(d / 2.0 - yc, d / 2.0 + yc) + 0.3)
    rt = clamp(p.rocker_height_m, 0.025, 0.07)
    back_t = 0.06 if p.back_style == "upholstered" else clamp(2.0 * lr, 0.025, 0.045)
    post = clamp(lr, 0.012, 0.022)
    sx = xl + lr
    return _RockFrame(w, d, h, rw, rt, lr, xl, sx, seat_top, seat_top - cush, seat_t, y_sf, y_sb, tilt, yc, R,
                      back_t, post)


def _rocker_z(f: _RockFrame, y: float) -> float:
    return f.R - math.sqrt(f.R * f.R - (y - f.yc) ** 2)


def _rock_back(p: RockingChairParams, f: _RockFrame) -> list[Part]:
    z0, z1 = f.seat_top, f.h
    shear = shear_y_by_z(z0, f.tilt / (z1 - z0))
    y0 = f.y_sb
    pt = f.post
    items: list[tuple[str, trimesh.Trimesh, str]] = []
    xp = f.sx - pt
    for i, s in enumerate((-1.0, 1.0)):
        items.append((f"back_post_{i}", rounded_box((s * xp - pt, y0, f.board_top - f.seat_t), (s * xp + pt, y0 + 2 * pt, z1),
                                                    0.005, steps=1), p.frame_material))
    inner = xp - pt
    yb0, yb1 = y0 + 0.004, y0 + 2 * pt - 0.004
    if p.back_style == "spindles":
        rail_h = clamp(0.09, 0.05, 0.2 * (z1 - z0))
        items.append(("top_rail", rounded_box((-f.sx, y0 - 0.004, z1 - rail_h), (f.sx, y0 + 2 * pt + 0.004, z1), 0.012),
                      p.frame_material))
        n = int(clamp(p.spindle_count, 3, 11))
        for k in range(n):
            x = -inner + 2 * inner * (k + 1) / (n + 1)
            items.append((f"spindle_{k}", cylinder((x, y0 + pt, 0.0), 0.0075, f.board_top - 0.01, z1 - rail_h + 0.01, 8),
                          p.frame_material))
    elif p.back_style == "ladder":
        n = int(clamp(p.spindle_count, 2, 6))
        span = z1 - z0
        sh = clamp(0.06, 0.035, span / (2.2 * n))
        for k in range(n):
            top = z1 - 0.02 - k * (0.6 * span / max(n - 1, 1)) if n > 1 else z1 - 0.02
            items.append((f"back_slat_{k}", rounded_box((-inner - 0.005, yb0, top - sh), (inner + 0.005, yb1, top), 0.008),
                          p.frame_material))
    elif p.back_style == "solid":
        gap = clamp(0.12, 0.05, 0.3 * (z1 - z0))
        items.append(("backrest", rounded_box((-inner - 0.005, yb0, z0 + gap), (inner + 0.005, yb1, z1 - 0.005), 0.01),
                      p.frame_material))
    else:
        gap = clamp(0.05, 0.02, 0.2 * (z1 - z0))
        items.append(("back_rail", rounded_box((-inner - 0.005, y0, z1 - 0.05), (inner + 0.005, y0 + 2 * pt, z1), 0.008),
                      p.frame_material))
        items.append(("back_cushion", rounded_box((-inner, y0 + 0.005, z0 + gap), (inner, y0 + f.back_t, z1 - 0.06), 0.03),
                      p.cushion_material))
    return [Part(n_, transformed(m, shear), mat) for n_, m, mat in items]


def build_rocking_chair(params: RockingChairParams, size: Size) -> list[Part]:
    """Parts of a rocking chair of exactly ``size`` (rockers along Y, back at -Y)."""
    p = params
    f = _rock_frame(p, size)
    parts: list[Part] = []
    ys = sorted(set([float(y) for y in np.linspace(-f.d / 2.0, f.d / 2.0, 17)] + [f.yc]))
    bottom = [(y, _rocker_z(f, y)) for y in ys]
    top = [(y, z + f.rt) for y, z in bottom]
    for i, s in enumerate((-1.0, 1.0)):
        x0, x1 = sorted((s * f.w / 2.0, s * (f.w / 2.0 - f.rw)))
        parts.append(Part(f"rocker_{i}", band_x(bottom, top, x0, x1), p.frame_material))
    seat_bottom = f.board_top - f.seat_t
    yf, yb = f.y_sf - f.lr - 0.015, f.y_sb + f.lr + 0.01
    k = 0
    for y in (yb, yf):
        zr = _rocker_z(f, y) + f.rt - 0.006
        for s in (-1.0, 1.0):
            parts.append(Part(f"leg_{k}", slanted((s * f.xl, y), (s * f.xl, y), zr, seat_bottom + 0.004, f.lr, p.leg_shape),
                              p.frame_material))
            k += 1
    zs = max(_rocker_z(f, yf), _rocker_z(f, yb)) + f.rt + 0.4 * (seat_bottom - f.rt - max(_rocker_z(f, yf), _rocker_z(f, yb)))
    sr = 0.55 * f.lr
    for i, s in enumerate((-1.0, 1.0)):
        parts.append(Part(f"stretcher_{i}", cylinder_along("y", (s * f.xl, yb, zs), yf - yb, sr, 8), p.frame_material))
    parts.append(Part("stretcher_2", cylinder_along("x", (-f.xl, yf, zs + 0.03), 2 * f.xl, sr, 8), p.frame_material))
    if p.seat_style == "woven":
        rail = 0.035
        lo = (-f.sx, f.y_sb, seat_bottom)
        parts.append(Part("seat_frame", _ring_frame(lo, (f.sx, f.y_sf, f.seat_top), rail), p.frame_material))
        parts.append(Part("seat", rounded_box((-f.sx + rail - 0.005, f.y_sb + rail - 0.005, f.seat_top - 0.015),
                                              (f.sx - rail + 0.005, f.y_sf - rail + 0.005, f.seat_top), 0.003, steps=1),
                          p.seat_material))
    else:
        parts.append(Part("seat", rounded_box((-f.sx, f.y_sb, seat_bottom), (f.sx, f.y_sf, f.board_top), 0.01),
                          p.seat_material))
        if p.seat_style == "cushion":
            parts.append(Part("seat_cushion", rounded_box((-f.sx + 0.01, f.y_sb + 0.01 + f.back_t, f.board_top - 0.002),
                                                          (f.sx - 0.01, f.y_sf, f.seat_top), 0.025), p.cushion_material))
    parts += _rock_back(p, f)
    if p.arms:
        z_arm = clamp(f.seat_top + 0.22, f.seat_top + 0.1, f.h - 0.12)
        at = 0.024
        ax1 = min(f.w / 2.0, f.sx + 0.02)
        ax0 = ax1 - clamp(0.06, 0.04, 0.12 * f.w)
        y_post = f.y_sb - f.tilt * (z_arm - f.seat_top) / (f.h - f.seat_top)
        for i, s in enumerate((-1.0, 1.0)):
            a, b = sorted((s * ax0, s * ax1))
            parts.append(Part(f"armrest_{i}", rounded_box((a, y_post + f.post, z_arm - at), (b, f.y_sf + 0.04, z_arm), 0.01),
                              p.frame_material))
            parts.append(Part(f"arm_post_{i}", cylinder((s * (ax0 + ax1) / 2.0, yf, 0.0), 0.013, seat_bottom,
                                                        z_arm - at + 0.004, 12), p.frame_material))
    return parts


def _ring_frame(lo: Sequence[float], hi: Sequence[float], rail: float) -> trimesh.Trimesh:
    """Four rails around a rectangle (a seat frame), as one mesh of four overlapping boxes."""
    x0, y0, z0 = lo
    x1, y1, z1 = hi
    return merge([
        rounded_box((x0, y0, z0), (x1, y0 + rail, z1), 0.005, steps=1),
        rounded_box((x0, y1 - rail, z0), (x1, y1, z1), 0.005, steps=1),
        rounded_box((x0, y0, z0), (x0 + rail, y1, z1), 0.005, steps=1),
        rounded_box((x1 - rail, y0, z0), (x1, y1, z1), 0.005, steps=1),
    ])


def rocking_chair_surfaces(params: RockingChairParams, size: Size) -> list[Surface]:
    """The seat in front of the back."""
    f = _rock_frame(params, size)
    m = 0.045
    y0 = f.y_sb + f.back_t + 0.035
    return [Surface(0, f.seat_top, rect(-f.sx + m, y0, f.sx - m, f.y_sf - m), "seat", None)]


register_generator("rocking_chair", RockingChairParams, build_rocking_chair, rocking_chair_surfaces,
                   sample_rocking_chair_params)


# ----------------------------------------------------------------------------------------------
# stool


@dataclass(frozen=True)
class StoolParams:
    category: str = "stool"
    seat_shape: str = "round"  # round | square
    seat_style: str = "wood"  # wood | upholstered
    base: str = "legs"  # legs | pedestal
    leg_count: int = 4  # 3 only under a round seat
    leg_shape: str = "round"  # round | square | tapered
    leg_radius_m: float = 0.016
    splay: bool = True
    footring: bool = False
    footring_height_frac: float = 0.35
    seat_thickness_m: float = 0.035
    cushion_thickness_m: float = 0.05
    frame_material: str = "oak wood"
    seat_material: str = "oak wood"


def sample_stool_params(rng: np.random.Generator, size: Size, category: str = "stool") -> StoolParams:
    """Stools: wooden milking / kitchen stools, upholstered stools, metal pedestal stools."""
    shape = pick(rng, ("round", "square"), (0.65, 0.35))
    base = pick(rng, ("legs", "pedestal"), (0.8, 0.2))
    style = pick(rng, ("wood", "upholstered"), (0.6, 0.4))
    frame = pick(rng, WOODS) if base == "legs" and chance(rng, 0.75) else pick(rng, ("black metal", "brushed steel",
                                                                                        "chrome", "white painted metal"))
    seat_mat = pick(rng, FABRICS) if style == "upholstered" else (frame if frame in WOODS else pick(rng, WOODS))
    return StoolParams(
        category=category,
        seat_shape=shape,
        seat_style=style,
        base=base,
        leg_count=pick(rng, (3, 4)) if shape == "round" else 4,
        leg_shape=pick(rng, ("round", "square", "tapered")),
        leg_radius_m=uniform(rng, 0.012, 0.02),
        splay=chance(rng, 0.6),
        footring=chance(rng, 0.45),
        footring_height_frac=uniform(rng, 0.28, 0.42),
        seat_thickness_m=uniform(rng, 0.025, 0.045),
        cushion_thickness_m=uniform(rng, 0.035, 0.07),
        frame_material=frame,
        seat_material=seat_mat,
    )


@dataclass(frozen=True)
class _StoolFrame:
    w: float
    d: float
    h: float
    board_t: float
    cush_t: float
    z_sb: float  # seat bottom
    edge: float  # rounding of the seat top edge


def _stool_frame(p: StoolParams, size: Size) -> _StoolFrame:
    w, d, h = (float(v) for v in size)
    bt = clamp(p.seat_thickness_m, 0.018, 0.15 * h)
    ct = clamp(p.cushion_thickness_m, 0.02, 0.15 * h) if p.seat_style == "upholstered" else 0.0
    edge = (0.45 * ct if ct else 0.4 * bt)
    return _StoolFrame(w, d, h, bt, ct, h - bt - ct, edge)


def _stool_leg_xy(p: StoolParams, f: _StoolFrame, r: float) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """(bottom, top) leg centres."""
    a, b = f.w / 2.0, f.d / 2.0
    if p.seat_shape == "round":
        fb = min(0.86, 1.0 - 1.5 * r / min(a, b))
        ft = fb - 0.22 if p.splay else fb
        n = 3 if p.leg_count == 3 else 4
        angles = [90.0 + 120.0 * i for i in range(3)] if n == 3 else [45.0 + 90.0 * i for i in range(4)]
        out = []
        for ang in angles:
            c, s = math.cos(math.radians(ang)), math.sin(math.radians(ang))
            out.append(((fb * a * c, fb * b * s), (ft * a * c, ft * b * s)))
        return out
    ib = 1.2 * r
    it = ib + (0.06 if p.splay else 0.0)
    it = min(it, 0.4 * min(a, b))
    return [((sx * (a - ib), sy * (b - ib)), (sx * (a - it), sy * (b - it)))
            for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1))]


def build_stool(params: StoolParams, size: Size) -> list[Part]:
    """Parts of a stool of exactly ``size`` (seat top at the full height)."""
    p = params
    f = _stool_frame(p, size)
    parts: list[Part] = []
    a, b = f.w / 2.0, f.d / 2.0
    zt_board = f.z_sb + f.board_t
    base_mat = p.frame_material if p.frame_material in WOODS else "black plastic"
    if p.seat_shape == "round":
        if f.cush_t:
            parts.append(Part("seat_base", lathe(round_profile(a, f.z_sb, zt_board, 0.4 * f.board_t, 2), 24,
                                                 scale_xy=(1.0, b / a)), base_mat))
            ca = a - 0.006
            parts.append(Part("seat", lathe(round_profile(ca, zt_board - 0.004, f.h, f.edge, 3), 24,
                                            scale_xy=(1.0, (b - 0.006) / ca)), p.seat_material))
        else:
            parts.append(Part("seat", lathe(round_profile(a, f.z_sb, f.h, f.edge, 2), 24, scale_xy=(1.0, b / a)),
                              p.seat_material))
    else:
        if f.cush_t:
            parts.append(Part("seat_base", rounded_box((-a, -b, f.z_sb), (a, b, zt_board), 0.006), base_mat))
            parts.append(Part("seat", rounded_box((-a + 0.006, -b + 0.006, zt_board - 0.004), (a - 0.006, b - 0.006, f.h),
                                                  f.edge), p.seat_material))
        else:
            parts.append(Part("seat", rounded_box((-a, -b, f.z_sb), (a, b, f.h), f.edge), p.seat_material))
    if p.base == "pedestal":
        rc = clamp(0.03, 0.02, 0.12 * min(a, b) * 2)
        rb = 0.85 * min(a, b)
        tb = clamp(0.025, 0.012, 0.08 * f.h)
        parts.append(Part("base", frustum((0.0, 0.0, 0.0), rb, 0.92 * rb, 0.0, tb, 24), p.frame_material))
        parts.append(Part("column", cylinder((0.0, 0.0, 0.0), rc, tb - 0.002, f.z_sb + 0.004, 16), p.frame_material))
        parts.append(Part("seat_plate", cylinder((0.0, 0.0, 0.0), 0.6 * rb, f.z_sb - 0.01, f.z_sb + 0.002, 16),
                          p.frame_material))
        if p.footring and f.h >= 0.42:
            zf = clamp(p.footring_height_frac, 0.2, 0.5) * f.z_sb
            rr = 0.75 * min(a, b)
            parts.append(Part("footring", sweep_tube(superellipse_ring(rr, rr, zf, n=24), 0.009, 8, closed=True, up=(0, 0, 1)),
                              p.frame_material))
            for i in range(3):
                t = math.radians(90.0 + 120.0 * i)
                parts.append(Part(f"footring_spoke_{i}", rod((0.0, 0.0, zf), (rr * math.cos(t), rr * math.sin(t), zf), 0.007, 8),
                                  p.frame_material))
        return parts
    r = clamp(p.leg_radius_m, 0.01, 0.12 * min(a, b))
    legs = _stool_leg_xy(p, f, r)
    for i, (bot, top) in enumerate(legs):
        parts.append(Part(f"leg_{i}", slanted(bot, top, 0.0, f.z_sb + 0.004, r, p.leg_shape, 0.65, 12), p.frame_material))
    if p.footring and f.h >= 0.35:
        zf = clamp(p.footring_height_frac, 0.2, 0.5) * f.z_sb
        t = zf / (f.z_sb + 0.004)
        pts = [(bot[0] + (top[0] - bot[0]) * t, bot[1] + (top[1] - bot[1]) * t) for bot, top in legs]
        rr = clamp(0.6 * r, 0.006, 0.012)
        if p.seat_shape == "round":
            fa = math.hypot(pts[0][0] / a, pts[0][1] / b)
            parts.append(Part("footring", sweep_tube(superellipse_ring(fa * a, fa * b, zf, n=24), rr, 8, closed=True, up=(0, 0, 1)),
                              p.frame_material))
        else:
            for i in range(4):
                p0, p1 = pts[i], pts[(i + 1) % 4]
                zz = zf + (0.025 if i % 2 else 0.0)
                parts.append(Part(f"stretcher_{i}", rod((p0[0], p0[1], zz), (p1[0], p1[1], zz), rr, 8), p.frame_material))
    return parts


def stool_surfaces(params: StoolParams, size: Size) -> list[Surface]:
    """The seat top."""
    f = _stool_frame(params, size)
    a, b = f.w / 2.0, f.d / 2.0
    inset = f.edge + 0.01 + (0.006 if f.cush_t else 0.0)
    if params.seat_shape == "round":
        k = (a - inset) / a * 0.9
        return [Surface(0, f.h, ellipse_polygon(k * a, k * b, 12), "seat", None)]
    return [Surface(0, f.h, rect(-a + inset, -b + inset, a - inset, b - inset), "seat", None)]


register_generator("stool", StoolParams, build_stool, stool_surfaces, sample_stool_params)


# ----------------------------------------------------------------------------------------------
# bench


@dataclass(frozen=True)
class BenchParams:
    category: str = "bench"
    seat_style: str = "slats"  # slats | solid | upholstered
    base: str = "legs"  # legs | panel | frame
    backrest: bool = False  # only built when the size leaves >= 0.2 m above the seat
    seat_height_m: float = 0.45  # used with a backrest
    back_tilt_deg: float = 8.0
    slat_count: int = 5  # odd
    seat_thickness_m: float = 0.035
    cushion_thickness_m: float = 0.07
    leg_shape: str = "square"  # round | square | tapered
    leg_radius_m: float = 0.024
    lower_shelf: bool = False
    overhang_m: float = 0.04  # seat past the base at each end
    frame_material: str = "oak wood"
    seat_material: str = "oak wood"
    cushion_material: str = "grey fabric"


def sample_bench_params(rng: np.random.Generator, size: Size, category: str = "bench") -> BenchParams:
    """Benches: slatted garden / hall benches, solid wood benches, upholstered ottoman benches;
    a backrest when the requested height allows one."""
    style = pick(rng, ("slats", "solid", "upholstered"))
    base = pick(rng, ("legs", "panel", "frame"), (0.5, 0.25, 0.25))
    wood = pick(rng, WOODS)
    frame = pick(rng, ("black metal", "brushed steel", "white painted metal")) if base == "frame" else wood
    return BenchParams(
        category=category,
        seat_style=style,
        base=base,
        backrest=chance(rng, 0.6) and size[2] >= 0.65,
        seat_height_m=uniform(rng, 0.42, 0.47),
        back_tilt_deg=uniform(rng, 4.0, 12.0),
        slat_count=pick(rng, (3, 5, 7)),
        seat_thickness_m=uniform(rng, 0.025, 0.045),
        cushion_thickness_m=uniform(rng, 0.05, 0.1),
        leg_shape=pick(rng, ("round", "square", "tapered")),
        leg_radius_m=uniform(rng, 0.018, 0.03),
        lower_shelf=chance(rng, 0.35),
        overhang_m=uniform(rng, 0.0, 0.08),
        frame_material=frame,
        seat_material=wood if style != "upholstered" else (wood if base != "frame" else pick(rng, WOODS)),
        cushion_material=pick(rng, FABRICS),
    )


@dataclass(frozen=True)
class _BenchFrame:
    w: float
    d: float
    h: float
    seat_top: float
    seat_t: float  # board / slats
    cush_t: float
    z_sb: float  # seat bottom
    y_sb: float  # seat back edge
    tilt: float
    ov: float  # overhang at each end
    end_t: float  # leg / panel / frame thickness along x
    back: bool
    slats: tuple[tuple[float, float], ...]  # (y0, y1) of seat slats
    shelf_z: float  # top of the lower shelf (0: none)


def _bench_frame(p: BenchParams, size: Size) -> _BenchFrame:
    w, d, h = (float(v) for v in size)
    back = p.backrest and h - p.seat_height_m >= 0.2
    seat_top = clamp(p.seat_height_m, 0.3, h - 0.2) if back else h
    seat_t = clamp(p.seat_thickness_m, 0.02, 0.1 * seat_top)
    cush_t = clamp(p.cushion_thickness_m, 0.03, 0.25 * seat_top) if p.seat_style == "upholstered" else 0.0
    tilt = min((h - seat_top) * math.tan(math.radians(clamp(p.back_tilt_deg, 0.0, 20.0))), 0.12 * d) if back else 0.0
    y_sb = -d / 2.0 + tilt
    ov = clamp(p.overhang_m, 0.0, 0.08 * w)
    r = clamp(p.leg_radius_m, 0.012, 0.06 * d)
    end_t = {"legs": 2 * r, "panel": clamp(0.04, 0.025, 0.05 * w), "frame": 0.03}.get(p.base, 2 * r)
    slats: list[tuple[float, float]] = []
    if p.seat_style == "slats":
        depth = d / 2.0 - y_sb
        gap = clamp(0.012, 0.006, 0.03 * depth)
        n = int(p.slat_count) | 1
        n = max(3, min(n, 9))
        while n > 3 and (depth - (n - 1) * gap) / n < 0.045:
            n -= 2
        sw = (depth - (n - 1) * gap) / n
        slats = [(y_sb + i * (sw + gap), y_sb + i * (sw + gap) + sw) for i in range(n)]
    z_sb = seat_top - seat_t - cush_t
    shelf_z = clamp(0.3 * z_sb, 0.08, 0.2) if p.lower_shelf and z_sb > 0.25 else 0.0
    return _BenchFrame(w, d, h, seat_top, seat_t, cush_t, z_sb, y_sb, tilt, ov, end_t, back, tuple(slats), shelf_z)


def build_bench(params: BenchParams, size: Size) -> list[Part]:
    """Parts of a bench of exactly ``size`` (long along X, front +Y, optional back at -Y)."""
    p = params
    f = _bench_frame(p, size)
    parts: list[Part] = []
    hw = f.w / 2.0
    zb_top = f.z_sb + f.seat_t
    if p.seat_style == "slats":
        for i, (y0, y1) in enumerate(f.slats):
            parts.append(Part(f"seat_slat_{i}", rounded_box((-hw, y0, f.z_sb), (hw, y1, f.seat_top), 0.005, steps=1),
                              p.seat_material))
    else:
        parts.append(Part("seat", rounded_box((-hw, f.y_sb, f.z_sb), (hw, f.d / 2.0, zb_top), 0.006), p.seat_material))
        if f.cush_t:
            parts.append(Part("seat_cushion", rounded_box((-hw + 0.005, f.y_sb + 0.005, zb_top - 0.003),
                                                          (hw - 0.005, f.d / 2.0 - 0.005, f.seat_top), min(0.03, 0.45 * f.cush_t)),
                              p.cushion_material))
    xe = hw - f.ov  # outer x of the base
    ya, yb_ = f.y_sb + 0.012, f.d / 2.0 - 0.012
    if p.base == "legs":
        r = f.end_t / 2.0
        xs = [-(xe - r), xe - r] + ([0.0] if f.w > 1.5 else [])
        k = 0
        for x in xs:
            for y in (ya + r, yb_ - r):
                parts.append(Part(f"leg_{k}", slanted((x, y), (x, y), 0.0, f.z_sb + 0.003, r, p.leg_shape), p.frame_material))
                k += 1
        ah = clamp(0.07, 0.03, 0.2 * f.z_sb)
        at = clamp(0.6 * r, 0.008, 0.02)
        for i, y in enumerate((ya + r, yb_ - r)):
            parts.append(Part(f"apron_{i}", rounded_box((-(xe - r), y - at, f.z_sb - ah), (xe - r, y + at, f.z_sb + 0.002),
                                                        0.003, steps=1), p.frame_material))
        for i, s in enumerate((-1.0, 1.0)):
            parts.append(Part(f"end_rail_{i}", rounded_box((s * (xe - r) - at, ya + r, f.z_sb - ah),
                                                           (s * (xe - r) + at, yb_ - r, f.z_sb + 0.002), 0.003, steps=1),
                              p.frame_material))
            if f.shelf_z:
                parts.append(Part(f"stretcher_{i}", rounded_box((s * (xe - r) - at, ya + r, f.shelf_z - 0.05),
                                                                (s * (xe - r) + at, yb_ - r, f.shelf_z - 0.015), 0.003, steps=1),
                                  p.frame_material))
        x_in = xe - 2 * r
    elif p.base == "panel":
        t = f.end_t
        for i, s in enumerate((-1.0, 1.0)):
            x0, x1 = sorted((s * xe, s * (xe - t)))
            parts.append(Part(f"end_panel_{i}", rounded_box((x0, ya, 0.0), (x1, yb_, f.z_sb + 0.002), 0.006), p.frame_material))
        parts.append(Part("back_rail", rounded_box((-xe + t - 0.005, ya, f.z_sb - 0.08), (xe - t + 0.005, ya + 0.022,
                                                                                        f.z_sb + 0.002), 0.003, steps=1),
                          p.frame_material))
        x_in = xe - t
    else:
        t = f.end_t
        for i, s in enumerate((-1.0, 1.0)):
            x0, x1 = sorted((s * xe, s * (xe - t)))
            loop = [
                rounded_box((x0, ya, 0.0), (x1, yb_, t), 0.003, steps=1),
                rounded_box((x0, ya, f.z_sb - t), (x1, yb_, f.z_sb + 0.002), 0.003, steps=1),
                rounded_box((x0, ya, 0.0), (x1, ya + t, f.z_sb), 0.003, steps=1),
                rounded_box((x0, yb_ - t, 0.0), (x1, yb_, f.z_sb), 0.003, steps=1),
            ]
            for j, m in enumerate(loop):
                parts.append(Part(f"frame_{i}_{j}", m, p.frame_material))
        parts.append(Part("frame_stretcher", rounded_box((-xe + t - 0.003, ya, f.z_sb - 0.04), (xe - t + 0.003, ya + t,
                                                                                               f.z_sb - 0.01), 0.003, steps=1),
                          p.frame_material))
        x_in = xe - t
    if f.shelf_z:
        parts.append(Part("shelf", rounded_box((-x_in - 0.002, ya + 0.02, f.shelf_z - 0.018), (x_in + 0.002, yb_ - 0.02, f.shelf_z),
                                               0.003), p.seat_material if p.seat_material in WOODS else p.frame_material))
    if f.back:
        parts += _bench_back(p, f)
    return parts


def _bench_back(p: BenchParams, f: _BenchFrame) -> list[Part]:
    z0, z1 = f.seat_top, f.h
    shear = shear_y_by_z(z0, f.tilt / (z1 - z0))
    pt = clamp(0.02, 0.012, 0.03)
    xe = f.w / 2.0 - f.ov
    y0 = f.y_sb
    items: list[tuple[str, trimesh.Trimesh, str]] = []
    xs = [-(xe - pt), xe - pt] + ([0.0] if f.w > 1.5 else [])
    for i, x in enumerate(xs):
        items.append((f"back_post_{i}", rounded_box((x - pt, y0, f.z_sb - 0.005), (x + pt, y0 + 2 * pt, z1), 0.004, steps=1),
                      p.frame_material))
    span = z1 - z0
    if p.seat_style == "upholstered":
        items.append(("back_cushion", rounded_box((-f.w / 2.0 + 0.005, y0 + 0.004, z0 + 0.25 * span), (f.w / 2.0 - 0.005,
                                                                                                     y0 + 2 * pt + 0.04, z1),
                                                  0.025), p.cushion_material))
    else:
        n = 3 if p.seat_style == "slats" else 1
        sh = 0.6 * span / (2 * n - 1) if n > 1 else 0.45 * span
        for k in range(n):
            top = z1 - k * 2 * sh
            items.append((f"back_slat_{k}", rounded_box((-f.w / 2.0, y0 + 0.003, top - sh), (f.w / 2.0, y0 + 2 * pt - 0.003, top),
                                                        0.005, steps=1), p.seat_material))
    sheared = [(n_, transformed(m, shear), mat) for n_, m, mat in items]
    return shift_y_to(sheared, -f.d / 2.0)


def bench_surfaces(params: BenchParams, size: Size) -> list[Surface]:
    """The lower shelf (when there is one), then the seat."""
    f = _bench_frame(params, size)
    hw = f.w / 2.0
    x_m = hw - max(0.03, f.ov + 0.01)
    out: list[tuple[float, tuple, str, float | None]] = []
    if f.shelf_z:
        xe = hw - f.ov
        x_in = xe - f.end_t
        ya, yb_ = f.y_sb + 0.012 + 0.02, f.d / 2.0 - 0.012 - 0.02
        out.append((f.shelf_z, rect(-x_in + 0.015, ya + 0.015, x_in - 0.015, yb_ - 0.015), "shelf",
                    f.z_sb - f.shelf_z))
    y0 = f.y_sb + (0.07 if f.back else 0.0)
    if params.seat_style == "slats":
        mid = f.slats[len(f.slats) // 2]
        c = (mid[0] + mid[1]) / 2.0
        oc = (f.slats[-1][0] + f.slats[-1][1]) / 2.0 - c
        out.append((f.seat_top, rect(-x_m, c - oc / 0.9, x_m, c + oc / 0.9), "seat", None))
    else:
        m = 0.03 + (min(0.03, 0.45 * f.cush_t) if f.cush_t else 0.006)
        out.append((f.seat_top, rect(-hw + m, max(y0, f.y_sb + m), hw - m, f.d / 2.0 - m), "seat", None))
    return [Surface(i, z, poly, name, cl) for i, (z, poly, name, cl) in enumerate(out)]


register_generator("bench", BenchParams, build_bench, bench_surfaces, sample_bench_params)


# ----------------------------------------------------------------------------------------------
# floor cushion / pouf


@dataclass(frozen=True)
class FloorCushionParams:
    category: str = "floor_cushion"
    shape: str = "round"  # round | square
    style: str = "cushion"  # cushion (flat, soft rim) | pouf (tall, firm)
    bulge: float = 0.06  # pouf: how far the middle of the side bulges out (share of the radius)
    trim: str = "piping"  # piping (a cord along the seams) | band (a strap round the middle)
    legs: bool = False  # pouf on small legs
    material: str = "grey wool"
    trim_material: str = "grey wool"
    leg_material: str = "oak wood"


def sample_floor_cushion_params(rng: np.random.Generator, size: Size,
                                category: str = "floor_cushion") -> FloorCushionParams:
    """Flat floor cushions for low sizes, poufs for tall ones; knitted, velvet, leather, linen."""
    h = size[2]
    style = "cushion" if h < 0.2 else ("pouf" if h > 0.28 else pick(rng, ("cushion", "pouf")))
    mat = pick(rng, ("cream wool", "grey wool", "mustard velvet", "sage velvet", "terracotta linen", "navy velvet",
                     "cognac leather", "brown leather", "beige linen", "dusty pink velvet", "charcoal felt", "jute",
                     "teal velvet", "rust wool"))
    trim = pick(rng, ("piping", "band"), (0.7, 0.3))
    trim_mat = mat if chance(rng, 0.5) else pick(rng, ("cognac leather", "black leather", "cream cotton", "tan leather",
                                                       "charcoal fabric"))
    return FloorCushionParams(
        category=category,
        shape=pick(rng, ("round", "square"), (0.6, 0.4)),
        style=style,
        bulge=uniform(rng, 0.03, 0.1),
        trim=trim,
        legs=style == "pouf" and h > 0.35 and chance(rng, 0.3),
        material=mat,
        trim_material=trim_mat,
        leg_material=pick(rng, ("oak wood", "walnut wood", "brass", "black metal")),
    )


@dataclass(frozen=True)
class _CushionFrame:
    w: float
    d: float
    h: float
    z0: float  # bottom of the body (leg height)
    e: float  # rim rounding / bulge inset
    se: float  # edge rounding of a square body
    rp: float  # piping radius
    flat: float  # inset of the flat top from the outer edge


def _cushion_frame(p: FloorCushionParams, size: Size) -> _CushionFrame:
    w, d, h = (float(v) for v in size)
    m = min(w, d) / 2.0
    z0 = clamp(0.25 * h, 0.06, 0.12) if p.legs and p.style == "pouf" else 0.0
    bh = h - z0
    rp = clamp(0.012 * min(1.0, bh / 0.1), 0.004, 0.01)
    if p.style == "cushion":
        e = min(0.45 * bh, 0.3 * m)
    else:
        e = clamp(p.bulge, 0.0, 0.15) * m + rp
    flat = e + rp + 0.004
    se = e if p.style == "cushion" else clamp(0.35 * e + 0.015, 0.01, 0.45 * bh)
    return _CushionFrame(w, d, h, z0, e, se, rp, flat)


def build_floor_cushion(params: FloorCushionParams, size: Size) -> list[Part]:
    """Parts of a floor cushion or pouf of exactly ``size``."""
    p = params
    f = _cushion_frame(p, size)
    a, b = f.w / 2.0, f.d / 2.0
    z0, z1 = f.z0, f.h
    bh = z1 - z0
    parts: list[Part] = []
    rp = f.rp
    if p.shape == "round":
        R = a if (p.style == "pouf" and p.trim == "piping") else a - rp * 0.6
        K = 8
        prof = [(0.0, z0)]
        for i in range(K + 1):
            t = i / K
            if p.style == "cushion":
                ang = -math.pi / 2 + math.pi * t
                prof.append((R - f.e + f.e * math.cos(ang), z0 + bh / 2 + (bh / 2) * math.sin(ang)))
            else:
                prof.append((R - f.e * (1.0 - math.sin(math.pi * t)), z0 + bh * t))
        prof[1] = (R - f.e, z0)
        prof[-1] = (R - f.e, z1)
        prof.append((0.0, z1))
        parts.append(Part("cushion", lathe(prof, 24, scale_xy=(1.0, (b - (a - R)) / R)), p.material))
        if p.trim == "band":
            bw = clamp(0.25 * bh, 0.02, 0.08)
            zc = z0 + bh / 2
            parts.append(Part("band", lathe([(0.0, zc - bw / 2), (a, zc - bw / 2), (a, zc + bw / 2), (0.0, zc + bw / 2)], 24,
                                            scale_xy=(1.0, b / a)), p.trim_material))
        else:
            zs = [z0 + bh / 2] if p.style == "cushion" else [z0 + rp, z1 - rp]
            for i, z in enumerate(zs):
                ra = a - rp if p.style == "cushion" else a - f.e + rp * 0.3
                rb_ = b - rp if p.style == "cushion" else b - f.e + rp * 0.3
                parts.append(Part(f"piping_{i}", sweep_tube(superellipse_ring(ra, rb_, z, n=32), rp, 8, closed=True, up=(0, 0, 1)),
                                  p.trim_material))
    else:
        e = f.se
        parts.append(Part("cushion", rounded_box((-a + rp * 0.6, -b + rp * 0.6, z0), (a - rp * 0.6, b - rp * 0.6, z1), e,
                                                 steps=3), p.material))
        if p.trim == "band":
            bw = clamp(0.25 * bh, 0.02, 0.08)
            zc = z0 + bh / 2
            parts.append(Part("band", rounded_box((-a, -b, zc - bw / 2), (a, b, zc + bw / 2), 0.02, steps=2), p.trim_material))
        else:
            zs = [z0 + bh / 2] if p.style == "cushion" else [z0 + e, z1 - e]
            for i, z in enumerate(zs):
                parts.append(Part(f"piping_{i}", sweep_tube(rounded_rect_path(a - rp, b - rp, z, max(e, 0.02), 3), rp, 8,
                                                            closed=True, up=(0, 0, 1)), p.trim_material))
    if z0 > 0:
        n = 4
        for i in range(n):
            t = math.radians(45.0 + 90.0 * i)
            k = 0.62
            x, y = k * a * math.cos(t), k * b * math.sin(t)
            parts.append(Part(f"leg_{i}", slanted((1.08 * x, 1.08 * y), (x, y), 0.0, z0 + 0.01, 0.014, "tapered", 0.6, 12),
                              p.leg_material))
    return parts


def floor_cushion_surfaces(params: FloorCushionParams, size: Size) -> list[Surface]:
    """The flat top (a seat)."""
    f = _cushion_frame(params, size)
    a, b = f.w / 2.0, f.d / 2.0
    if params.shape == "round":
        k = max(0.2, (a - f.flat - 0.01) / a) * 0.95
        return [Surface(0, f.h, ellipse_polygon(k * a, k * b, 12), "seat", None)]
    m = f.se + f.rp + 0.012
    return [Surface(0, f.h, rect(-a + m, -b + m, a - m, b - m), "seat", None)]


register_generator("floor_cushion", FloorCushionParams, build_floor_cushion, floor_cushion_surfaces,
                   sample_floor_cushion_params)


# ----------------------------------------------------------------------------------------------
# pet bed


@dataclass(frozen=True)
class PetBedParams:
    category: str = "pet_bed"
    shape: str = "round"  # round (bolster ring) | oval (bolster open at the front) | rectangle | cot
    bolster_frac: float = 0.16  # bolster thickness as a share of the smaller footprint side
    cushion_thickness_m: float = 0.06
    front_dip: bool = True  # rectangle: a lower front bolster to step in
    bolster_material: str = "grey fabric"
    cushion_material: str = "cream wool"
    frame_material: str = "black metal"


def sample_pet_bed_params(rng: np.random.Generator, size: Size, category: str = "pet_bed") -> PetBedParams:
    """Pet beds: plush donut rings, ovals, bolster rectangles and raised cots."""
    shape = pick(rng, ("round", "oval", "rectangle", "cot"), (0.3, 0.25, 0.3, 0.15))
    bol = pick(rng, ("grey fabric", "charcoal fabric", "beige linen", "brown velvet", "navy fabric", "sage fabric",
                     "taupe velvet", "denim", "tan leather", "cream wool"))
    return PetBedParams(
        category=category,
        shape=shape,
        bolster_frac=uniform(rng, 0.12, 0.2),
        cushion_thickness_m=uniform(rng, 0.04, 0.08),
        front_dip=chance(rng, 0.7),
        bolster_material=bol if shape != "cot" else pick(rng, ("black fabric", "grey fabric", "green fabric", "navy fabric")),
        cushion_material=pick(rng, ("cream wool", "white wool", "light grey wool", "beige fabric", "sand fabric", bol)),
        frame_material=pick(rng, ("black metal", "grey painted metal", "aluminium", "green painted metal")),
    )


def _pet_dims(p: PetBedParams, size: Size) -> tuple[float, float, float, float, float]:
    w, d, h = (float(v) for v in size)
    rb = clamp(p.bolster_frac, 0.08, 0.2) * min(w, d)
    ct = clamp(p.cushion_thickness_m, 0.025, 0.55 * h)
    return w, d, h, rb, ct


def _pet_cushion(p: PetBedParams, a: float, b: float, rb: float) -> tuple[float, float]:
    """Half sizes of the cushion inside a round or oval bolster."""
    if p.shape == "round":
        return a - rb * 1.2, b - rb * 1.2
    return a - 0.8 * rb, b - 0.5 * rb


def build_pet_bed(params: PetBedParams, size: Size) -> list[Part]:
    """Parts of a pet bed of exactly ``size`` (the open or low side faces +Y)."""
    p = params
    w, d, h, rb, ct = _pet_dims(p, size)
    a, b = w / 2.0, d / 2.0
    parts: list[Part] = []
    if p.shape in ("round", "oval"):
        base_t = min(0.015, 0.2 * ct)
        ba = a - 0.3 * rb if p.shape == "round" else a
        bb = b - 0.3 * rb if p.shape == "round" else b
        parts.append(Part("base", lathe([(0.0, 0.0), (ba, 0.0), (ba, base_t), (0.0, base_t)], 24, scale_xy=(1.0, bb / ba)),
                          p.bolster_material))
        ca, cb = _pet_cushion(p, a, b, rb)
        parts.append(Part("cushion", lathe(round_profile(ca, base_t - 0.002, ct, min(0.4 * ct, 0.03), 3), 24,
                                           scale_xy=(1.0, cb / ca)), p.cushion_material))
        ea, eb = a - rb, b - rb
        if p.shape == "round":
            path = superellipse_ring(ea, eb, h / 2.0, n=32)
            parts.append(Part("bolster", sweep_tube(path, (h / 2.0, rb), 12, closed=True, up=(0, 0, 1)), p.bolster_material))
        else:
            gap = 55.0
            angles = sorted(set([90.0 + gap + (360.0 - 2 * gap) * i / 22 for i in range(23)] + [180.0, 270.0, 360.0]))
            path = [(ea * math.cos(math.radians(t)), eb * math.sin(math.radians(t)), h / 2.0) for t in angles]
            sc = [1.0] * len(path)
            sc[0] = sc[-1] = 0.55
            sc[1] = sc[-2] = 0.85
            parts.append(Part("bolster", sweep_tube(path, (h / 2.0, rb), 12, closed=False, up=(0, 0, 1), scales=sc),
                              p.bolster_material))
    elif p.shape == "rectangle":
        base_t = min(0.02, 0.25 * ct)
        parts.append(Part("base", rounded_box((-a, -b, 0.0), (a, b, base_t + 0.01), 0.008), p.bolster_material))
        rr = min(0.45 * rb, 0.45 * h, 0.05)
        parts.append(Part("bolster_back", rounded_box((-a, -b, 0.0), (a, -b + rb, h), rr), p.bolster_material))
        for i, s in enumerate((-1.0, 1.0)):
            x0, x1 = sorted((s * a, s * (a - rb)))
            parts.append(Part(f"bolster_side_{i}", rounded_box((x0, -b, 0.0), (x1, b, h), rr), p.bolster_material))
        fh = max(ct + 0.02, 0.55 * h) if p.front_dip else h
        fh = min(fh, h)
        parts.append(Part("bolster_front", rounded_box((-a + rb - 0.01, b - rb, 0.0), (a - rb + 0.01, b, fh), min(rr, 0.45 * fh)),
                          p.bolster_material))
        parts.append(Part("cushion", rounded_box((-a + rb - 0.01, -b + rb - 0.01, base_t), (a - rb + 0.01, b - rb + 0.01, ct),
                                                 min(0.4 * (ct - base_t), 0.03)), p.cushion_material))
    else:
        tr = clamp(0.014, 0.008, 0.12 * h)
        zt = h - tr
        fm = p.frame_material
        for i, s in enumerate((-1.0, 1.0)):
            parts.append(Part(f"frame_side_{i}", cylinder_along("y", (s * (a - tr), -b + tr, zt), d - 2 * tr, tr, 12), fm))
            parts.append(Part(f"frame_end_{i}", cylinder_along("x", (-a + tr, s * (b - tr), zt), w - 2 * tr, tr, 12), fm))
        for i, (sx, sy) in enumerate(((-1, -1), (1, -1), (1, 1), (-1, 1))):
            parts.append(Part(f"corner_{i}", sphere((sx * (a - tr), sy * (b - tr), zt), tr, 12, 6), fm))
            x, y = sx * (a - 0.06 * w - tr), sy * (b - 0.06 * d - tr)
            fr = min(tr * 1.4, 0.02)
            parts.append(Part(f"leg_{i}", slanted((x, y), (x, y), 0.0, zt, tr * 0.9, "round", 1.0, 12), fm))
            parts.append(Part(f"foot_{i}", cylinder((x, y, 0.0), fr, 0.0, min(0.015, 0.3 * zt), 12), "black rubber"))
        fz = zt + 0.3 * tr
        parts.append(Part("bed", rounded_box((-a + tr, -b + tr, fz - 0.004), (a - tr, b - tr, fz), 0.0), p.bolster_material))
    return parts


def pet_bed_surfaces(params: PetBedParams, size: Size) -> list[Surface]:
    """The cushion (or the cot's fabric) a pet lies on."""
    w, d, h, rb, ct = _pet_dims(params, size)
    a, b = w / 2.0, d / 2.0
    if params.shape in ("round", "oval"):
        ca, cb = _pet_cushion(params, a, b, rb)
        e = min(0.4 * ct, 0.03)
        k = 0.9 * min((ca - e - 0.005) / ca, (a - 2 * rb) / ca, (b - 2 * rb) / cb)
        k = max(k, 0.2)
        return [Surface(0, ct, ellipse_polygon(k * ca, k * cb, 12), "cushion", None)]
    if params.shape == "rectangle":
        m = min(0.4 * (ct - min(0.02, 0.25 * ct)), 0.03) + 0.01
        return [Surface(0, ct, rect(-a + rb + m, -b + rb + m, a - rb - m, b - rb - m), "cushion", None)]
    tr = clamp(0.014, 0.008, 0.12 * h)
    fz = h - tr + 0.3 * tr
    m = 2.5 * tr + 0.01
    return [Surface(0, fz, rect(-a + m, -b + m, a - m, b - m), "bed", None)]


register_generator("pet_bed", PetBedParams, build_pet_bed, pet_bed_surfaces, sample_pet_bed_params)
