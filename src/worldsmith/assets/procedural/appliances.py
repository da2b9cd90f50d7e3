"""Kitchen and laundry appliances: refrigerators, stoves (ranges), dishwashers, washing machines and
tumble dryers. Every front (doors, handles, knobs, portholes) faces +Y; the back is flat at -Y.

- refrigerator: a cabinet with one door, a top or bottom freezer, French doors over freezer drawers,
  or side-by-side doors (optionally a water dispenser); bar, slim pocket or retro chrome handles
  that reach exactly to the front; modern or rounded retro bodies in steel, paint or pastel enamel.
- stove: a freestanding range with one or two oven doors (black glass window, bar or rail handle),
  a storage drawer or a plinth, a gas hob (4-6 burners under cast-iron grates) or a flat ceramic /
  induction glass top, and knobs on a front fascia or a backguard with knobs and a display.
- dishwasher: a carcass with a full-height door (bar handle or pocket grip), a control strip on
  the door or hidden controls, and a recessed kickplate; optional worktop.
- washing_machine: a front loader (porthole door: ring, domed glass, drum; detergent drawer,
  program dial and display) or a top loader (lid, back console).
- dryer: a front loader with a tinted flat window, a solid round door or a square drop-down door,
  controls on the front panel or a backguard console.

The module also holds small mesh helpers (superellipse lofts and rings, upright transforms, bar
handles, swept pipes) that the other appliance-group modules (bathroom, household, countertop) share;
helpers every generator group uses live in ``_shapes``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import trimesh

from ..parts import Part
from ..primitives import box, cylinder, cylinder_along, lathe, merge, rounded_box, transformed
from ..surfaces import Surface, rect
from ._shapes import closed_mesh, superellipse_ring, translate, vertical_hits
from .params import chance, clamp, pick, register_generator, uniform

Size = tuple[float, float, float]


# --------------------------------------------------------------------------------------------------
# shared mesh helpers (private to the appliance group: bathroom, household and countertop import them)
# --------------------------------------------------------------------------------------------------

def _specs(profile: Sequence[Sequence[float]], e: float) -> list[tuple[float, ...]]:
    out = []
    for s in profile:
        hx, hy, z = float(s[0]), float(s[1]), float(s[2])
        cx = float(s[3]) if len(s) > 3 else 0.0
        cy = float(s[4]) if len(s) > 4 else 0.0
        ee = float(s[5]) if len(s) > 5 else e
        out.append((hx, hy, z, cx, cy, ee))
    return out


def loft(profile: Sequence[Sequence[float]], n: int = 24, e: float = 2.0) -> trimesh.Trimesh:
    """Closed solid through horizontal superellipse rings, like a lathe for ovals and rounded
    rectangles: ``profile`` entries are (hx, hy, z[, cx, cy[, e]]) from a point (hx = hy = 0) at the
    bottom, round the outside, back in over the top to a point. Shells (a tub, a basin, a bin) are
    outer wall up, rim, inner wall down to the floor's centre."""
    n = max(8, int(n) // 4 * 4)
    specs = _specs(profile, e)
    if specs[0][0] > 0 or specs[-1][0] > 0 or len(specs) < 3:
        raise ValueError("loft profile must start and end with a point (hx = hy = 0)")
    verts, starts, k = [], [], 0
    for hx, hy, z, cx, cy, ee in specs:
        starts.append(k)
        if hx <= 0.0:
            verts.append(np.array([[cx, cy, z]]))
            k += 1
        else:
            verts.append(superellipse_ring(hx, hy, z, cx, cy, ee, n))
            k += n
    j = np.arange(n)
    jn = (j + 1) % n
    faces = []
    for i in range(len(specs) - 1):
        a_pt, b_pt = specs[i][0] <= 0.0, specs[i + 1][0] <= 0.0
        s0, s1 = starts[i], starts[i + 1]
        if a_pt and b_pt:
            continue
        if a_pt:
            faces.append(np.stack([np.full(n, s0), s1 + jn, s1 + j], 1))
        elif b_pt:
            faces.append(np.stack([s0 + j, s0 + jn, np.full(n, s1)], 1))
        else:
            faces.append(np.stack([s0 + j, s0 + jn, s1 + jn], 1))
            faces.append(np.stack([s0 + j, s1 + jn, s1 + j], 1))
    return closed_mesh(np.concatenate(verts), np.concatenate(faces))


def tube(loop: Sequence[Sequence[float]], n: int = 24, e: float = 2.0) -> trimesh.Trimesh:
    """Closed ring solid (a torus-like band: door seals, toilet seats, bag rims, countertops with a
    hole): the superellipse rings of ``loop`` ((hx, hy, z[, cx, cy[, e]]), a closed cross-section
    walked once round) joined cyclically."""
    n = max(8, int(n) // 4 * 4)
    specs = _specs(loop, e)
    verts = [superellipse_ring(hx, hy, z, cx, cy, ee, n) for hx, hy, z, cx, cy, ee in specs]
    m = len(specs)
    j = np.arange(n)
    jn = (j + 1) % n
    faces = []
    for i in range(m):
        s0, s1 = i * n, ((i + 1) % m) * n
        faces.append(np.stack([s0 + j, s0 + jn, s1 + jn], 1))
        faces.append(np.stack([s0 + j, s1 + jn, s1 + j], 1))
    return closed_mesh(np.concatenate(verts), np.concatenate(faces))


def round_ring(radius: float, r_minor: float, n: int = 24, m: int = 8, scale_y: float = 1.0) -> trimesh.Trimesh:
    """Torus in the XY plane around the origin (major ``radius``, round cross-section ``r_minor``);
    ``scale_y`` stretches it into an oval."""
    loop = []
    for k in range(m):
        a = 2.0 * math.pi * k / m
        rr = radius + r_minor * math.cos(a)
        loop.append((rr, rr * scale_y, r_minor * math.sin(a)))
    return tube(loop, n)


def upright(mesh: trimesh.Trimesh, x: float = 0.0, y: float = 0.0, z: float = 0.0) -> trimesh.Trimesh:
    """Stand a mesh built around local +Z up so that local +Z points to the front (+Y): local
    (x, y, z) -> (x, z, -y), then move by (x, y, z)."""
    m = np.array([[1.0, 0.0, 0.0, x], [0.0, 0.0, 1.0, y], [0.0, -1.0, 0.0, z], [0.0, 0.0, 0.0, 1.0]])
    return transformed(mesh, m)


def rbox(lo: Sequence[float], hi: Sequence[float], r: float, steps: int = 1) -> trimesh.Trimesh:
    """Rounded box with one segment per quarter arc (cheap), a plain box when ``r`` is tiny."""
    return rounded_box(lo, hi, r, steps) if r > 1e-4 else box(lo, hi)


def bar_handle(axis: str, at: float, a0: float, a1: float, y_face: float, y_front: float, r: float,
               sections: int = 12) -> trimesh.Trimesh:
    """A bar handle along ``axis`` ("x": horizontal at height ``at``; "z": vertical at x = ``at``)
    from ``a0`` to ``a1``, its front exactly at ``y_front``, on two stand-offs reaching back to the
    door face ``y_face``."""
    r = min(r, 0.45 * (y_front - y_face))
    yc = y_front - r
    bar = cylinder_along(axis, (a0, yc, at) if axis == "x" else (at, yc, a0), a1 - a0, r, sections)
    so = 0.8 * r
    inset = min(0.03, 0.2 * (a1 - a0))
    legs = []
    for a in (a0 + inset, a1 - inset):
        x, z = (a, at) if axis == "x" else (at, a)
        legs.append(box((x - so, y_face - 0.002, z - so), (x + so, yc, z + so)))
    return merge([bar] + legs)


def knob(x: float, y_face: float, z: float, radius: float, depth: float, sections: int = 16) -> trimesh.Trimesh:
    """A round control knob on a front face: a thin skirt and a grip, facing +Y, ``depth`` deep."""
    r = radius
    prof = [(0.0, 0.0), (r, 0.0), (r, 0.22 * depth), (0.72 * r, 0.35 * depth), (0.72 * r, depth), (0.0, depth)]
    return lathe(prof, sections, (x, y_face, z), axis="y")


def disc_y(x: float, y0: float, z: float, radius: float, depth: float, sections: int = 16) -> trimesh.Trimesh:
    """A flat disc on a front face (a gauge, a logo, a drum), from ``y0`` forward by ``depth``."""
    return cylinder_along("y", (x, y0, z), depth, radius, sections)


def pipe(path: Sequence[Sequence[float]], radius: float, n: int = 8) -> trimesh.Trimesh:
    """A round pipe of ``radius`` swept along the polyline ``path`` (spouts, goosenecks, wands,
    carafe handles), capped at both ends; frames are parallel-transported so it never twists."""
    pts = np.asarray(path, dtype=float)
    n = max(4, int(n) // 4 * 4)
    k = len(pts)
    tang = np.empty_like(pts)
    tang[0] = pts[1] - pts[0]
    tang[-1] = pts[-1] - pts[-2]
    tang[1:-1] = pts[2:] - pts[:-2]
    tang /= np.linalg.norm(tang, axis=1, keepdims=True)
    ref = np.array([0.0, 0.0, 1.0]) if abs(tang[0][2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    nrm = np.cross(tang[0], np.cross(ref, tang[0]))
    nrm /= np.linalg.norm(nrm)
    a = np.arange(n) * (2.0 * math.pi / n)
    rings = []
    for i in range(k):
        if i:
            nrm = nrm - np.dot(nrm, tang[i]) * tang[i]
            nrm /= np.linalg.norm(nrm)
        bin_ = np.cross(tang[i], nrm)
        rings.append(pts[i] + radius * (np.cos(a)[:, None] * nrm + np.sin(a)[:, None] * bin_))
    verts = np.concatenate([pts[:1]] + rings + [pts[-1:]])
    j = np.arange(n)
    jn = (j + 1) % n
    faces = [np.stack([np.zeros(n, int), 1 + jn, 1 + j], 1)]
    for i in range(k - 1):
        s0, s1 = 1 + i * n, 1 + (i + 1) * n
        faces.append(np.stack([s0 + j, s0 + jn, s1 + jn], 1))
        faces.append(np.stack([s0 + j, s1 + jn, s1 + j], 1))
    last = 1 + k * n
    s0 = 1 + (k - 1) * n
    faces.append(np.stack([s0 + j, s0 + jn, np.full(n, last)], 1))
    return closed_mesh(verts, np.concatenate(faces))


def arc_path(centre: Sequence[float], radius: float, a0_deg: float, a1_deg: float, plane: str = "yz",
             steps: int = 6) -> list[tuple[float, float, float]]:
    """Points on a circular arc in the ``plane`` ("yz" or "xz") round ``centre``, from angle ``a0``
    to ``a1`` (degrees; 0 along the plane's first axis, 90 along +Z)."""
    cx, cy, cz = (float(v) for v in centre)
    out = []
    for t in np.linspace(math.radians(a0_deg), math.radians(a1_deg), steps + 1):
        u, v = radius * math.cos(t), radius * math.sin(t)
        out.append((cx, cy + u, cz + v) if plane == "yz" else (cx + u, cy, cz + v))
    return out


def fit_top(meshes: Sequence[trimesh.Trimesh], z0: float, z_top: float) -> list[trimesh.Trimesh]:
    """Stretch a group (a faucet, a flue) vertically about ``z0`` so its highest point is exactly
    ``z_top`` (swept and rotated pieces do not land on round numbers by themselves)."""
    top = max(float(m.bounds[1][2]) for m in meshes)
    if top - z0 <= 1e-9:
        return list(meshes)
    k = (z_top - z0) / (top - z0)
    mat = np.eye(4)
    mat[2, 2] = k
    mat[2, 3] = z0 * (1.0 - k)
    return [transformed(m, mat) for m in meshes]


def ray_up(parts: Sequence[Part], x: float, y: float, z: float) -> float | None:
    """Height of the first mesh surface above (x, y, z) on a vertical line, or None."""
    best = None
    for p in parts:
        lo, hi = p.mesh.bounds
        if not (lo[0] <= x <= hi[0] and lo[1] <= y <= hi[1]) or hi[2] <= z:
            continue
        zz = vertical_hits(p.mesh, x, y, 1e-9)
        zz = zz[zz > z + 1e-6]
        if zz.size and (best is None or zz.min() < best):
            best = float(zz.min())
    return best


# --------------------------------------------------------------------------------------------------
# refrigerator
# --------------------------------------------------------------------------------------------------

FRIDGE_BODIES = ("brushed steel", "white painted metal", "black painted metal", "silver painted metal",
                 "dark grey painted metal")
RETRO_BODIES = ("mint painted metal", "cream painted metal", "red painted metal", "pastel pink painted metal",
                "light blue painted metal", "black painted metal", "white painted metal")


@dataclass(frozen=True)
class RefrigeratorParams:
    category: str = "refrigerator"
    style: str = "top_freezer"  # single | top_freezer | bottom_freezer | french_door | side_by_side
    hinge_side: str = "right"  # single / top / bottom freezer doors: handles on the other edge
    freezer_fraction: float = 0.3  # freezer share of the door height (or width for side by side)
    drawer_count: int = 1  # freezer drawers under French doors
    handle_style: str = "bar"  # bar | pocket | retro
    handle_length_fraction: float = 0.5
    dispenser: bool = False  # water / ice dispenser on the left door (french door, side by side)
    retro: bool = False  # rounded 1950s body
    door_thickness_m: float = 0.06
    grille_height_m: float = 0.07
    body_material: str = "brushed steel"
    handle_material: str = "brushed steel"
    grille_material: str = "black plastic"


def sample_refrigerator_params(rng: np.random.Generator, size: Size,
                               category: str = "refrigerator") -> RefrigeratorParams:
    """Sampled fridge: door layout (wide fridges favour French / side-by-side doors), handle style,
    retro or modern body, finish."""
    w, d, h = size
    retro = chance(rng, 0.18)
    if retro:
        style = pick(rng, ("single", "top_freezer", "bottom_freezer"), (0.4, 0.4, 0.2))
        handle = "retro"
        body = pick(rng, RETRO_BODIES)
        handle_mat = "chrome"
    else:
        wide = w >= 0.68
        style = pick(rng, ("single", "top_freezer", "bottom_freezer", "french_door", "side_by_side"),
                     (0.12, 0.22, 0.3, 0.2, 0.16) if wide else (0.25, 0.35, 0.4, 0.0, 0.0))
        handle = pick(rng, ("bar", "pocket"), (0.6, 0.4))
        body = pick(rng, FRIDGE_BODIES, (0.4, 0.25, 0.15, 0.1, 0.1))
        handle_mat = pick(rng, ("brushed steel", "chrome", "black metal", "aluminium")) if handle == "bar" else \
            pick(rng, ("aluminium", "brushed steel", "black plastic"))
    return RefrigeratorParams(
        category=category,
        style=style,
        hinge_side=pick(rng, ("left", "right")),
        freezer_fraction=uniform(rng, 0.24, 0.34) if style != "side_by_side" else uniform(rng, 0.4, 0.47),
        drawer_count=pick(rng, (1, 2), (0.6, 0.4)) if style == "french_door" else 1,
        handle_style=handle,
        handle_length_fraction=uniform(rng, 0.35, 0.7) if handle == "bar" else uniform(rng, 0.18, 0.35),
        dispenser=style in ("french_door", "side_by_side") and chance(rng, 0.55),
        retro=retro,
        door_thickness_m=uniform(rng, 0.05, 0.075),
        grille_height_m=uniform(rng, 0.09, 0.13) if retro else uniform(rng, 0.04, 0.09),
        body_material=body,
        handle_material=handle_mat,
        grille_material=pick(rng, ("black plastic", "dark grey plastic")) if not retro else "chrome",
    )


@dataclass(frozen=True)
class _FridgeFrame:
    w: float
    d: float
    h: float
    hd: float  # handle projection in front of the doors
    t: float  # door thickness
    y_body: float  # front of the carcass
    y_door: float  # front of the doors
    r_body: float
    gz: float  # top of the grille (bottom of the doors)
    z_top: float  # top of the doors


def _fridge_frame(p: RefrigeratorParams, size: Size) -> _FridgeFrame:
    w, d, h = (float(v) for v in size)
    hd = {"bar": 0.055, "pocket": 0.03, "retro": 0.05}.get(p.handle_style, 0.05)
    hd = min(hd, 0.1 * d)
    t = clamp(p.door_thickness_m, 0.03, 0.12 * d)
    y_door = d / 2.0 - hd
    r_body = clamp(0.05, 0.01, 0.1 * w) if p.retro else 0.012
    gz = clamp(p.grille_height_m, 0.03, 0.12 * h)
    z_top = h - (0.02 if p.retro else 0.004)
    return _FridgeFrame(w, d, h, hd, t, y_door - t, y_door, r_body, gz, z_top)


def _fridge_layout(p: RefrigeratorParams, f: _FridgeFrame) -> list[tuple]:
    """(name, x0, x1, z0, z1, handle) per door / drawer; handle = ("v", x, zfrac0, zfrac1) with fractions
    of the door height, or ("h",)."""
    w = f.w
    gap = 0.006
    z0, z1 = f.gz, f.z_top
    H = z1 - z0
    edge = -1.0 if p.hinge_side == "right" else 1.0  # handle edge
    hx = edge * (w / 2.0 - 0.045)
    L = clamp(p.handle_length_fraction, 0.1, 0.8)
    ff = clamp(p.freezer_fraction, 0.15, 0.5)
    if p.style == "single":
        mid = 0.62 if p.handle_style != "retro" else 0.72
        return [("door_0", -w / 2, w / 2, z0, z1, ("v", hx, mid - L / 2, mid + L / 2))]
    if p.style == "top_freezer":
        zs = z1 - ff * H
        return [("door_0", -w / 2, w / 2, z0, zs - gap / 2, ("v", hx, 1.0 - min(0.9, 1.3 * L), 0.95)),
                ("door_1", -w / 2, w / 2, zs + gap / 2, z1, ("v", hx, 0.06, 0.06 + min(0.8, 1.6 * L)))]
    if p.style == "bottom_freezer":
        zs = z0 + ff * H
        return [("drawer_0", -w / 2, w / 2, z0, zs - gap / 2, ("h",)),
                ("door_0", -w / 2, w / 2, zs + gap / 2, z1, ("v", hx, 0.05, 0.05 + min(0.9, 1.2 * L)))]
    if p.style == "french_door":
        zs = z0 + ff * H
        out = []
        n = int(clamp(p.drawer_count, 1, 2))
        dz = (zs - z0) / n
        for i in range(n):
            out.append((f"drawer_{i}", -w / 2, w / 2, z0 + i * dz + (gap / 2 if i else 0.0),
                        z0 + (i + 1) * dz - gap / 2, ("h",)))
        out.append(("door_0", -w / 2, -gap / 2, zs + gap / 2, z1, ("v", -0.04, 0.05, 0.05 + min(0.9, 1.2 * L))))
        out.append(("door_1", gap / 2, w / 2, zs + gap / 2, z1, ("v", 0.04, 0.05, 0.05 + min(0.9, 1.2 * L))))
        return out
    # side by side: freezer on the left
    xs = -w / 2 + ff * w
    mid = 0.55
    return [("door_0", -w / 2, xs - gap / 2, z0, z1, ("v", xs - 0.04, mid - L / 2, mid + L / 2)),
            ("door_1", xs + gap / 2, w / 2, z0, z1, ("v", xs + 0.04, mid - L / 2, mid + L / 2))]


def build_refrigerator(params: RefrigeratorParams, size: Size) -> list[Part]:
    """Parts of a refrigerator of exactly ``size`` (front +Y: doors and handles)."""
    p = params
    f = _fridge_frame(p, size)
    w, d, h = f.w, f.d, f.h
    parts = [Part("body", rbox((-w / 2, -d / 2, 0.0), (w / 2, f.y_body + 0.002, h), f.r_body, 2), p.body_material)]
    rd = clamp(f.r_body, 0.004, 0.4 * f.t) if not p.retro else clamp(f.r_body, 0.01, 0.45 * f.t)
    hr = 0.012 if p.handle_style != "pocket" else 0.0
    layout = _fridge_layout(p, f)
    for k, (name, x0, x1, z0, z1, handle) in enumerate(layout):
        parts.append(Part(name, rbox((x0, f.y_body, z0), (x1, f.y_door, z1), rd, 2), p.body_material))
        hname = f"handle_{k}"
        if handle[0] == "h":
            zh = z1 - min(0.05, 0.2 * (z1 - z0))
            span = 0.6 * (x1 - x0) if p.handle_style != "retro" else 0.35 * (x1 - x0)
            xc = (x0 + x1) / 2
            if p.handle_style == "pocket":
                mesh = rbox((xc - span / 2, f.y_door - 0.002, zh - 0.012), (xc + span / 2, d / 2, zh + 0.012), 0.004)
            else:
                mesh = bar_handle("x", zh, xc - span / 2, xc + span / 2, f.y_door, d / 2, hr)
        else:
            _, xh, a, b = handle
            za, zb = z0 + a * (z1 - z0), z0 + b * (z1 - z0)
            zb = min(zb, z1 - 0.03)
            za = min(za, zb - 0.08)
            if p.handle_style == "pocket":
                sgn = 1.0 if xh > 0 else -1.0
                xe = clamp(xh + sgn * 0.03, x0 + 0.012, x1 - 0.012)
                xa, xb = sorted((xe, xe - sgn * 0.022))
                mesh = rbox((xa, f.y_door - 0.002, za), (xb, d / 2, zb), 0.005)
            else:
                mesh = bar_handle("z", xh, za, zb, f.y_door, d / 2, hr if p.handle_style == "bar" else 0.014)
        parts.append(Part(hname, mesh, p.handle_material))
    if p.dispenser and p.style in ("french_door", "side_by_side"):
        name, x0, x1, z0, z1, _ = layout[-2]
        xc = (x0 + x1) / 2 - 0.01
        dw = min(0.11, 0.3 * (x1 - x0))
        zc = z0 + 0.5 * (z1 - z0) if p.style == "side_by_side" else z0 + 0.45 * (z1 - z0)
        dh = min(0.17, 0.2 * (z1 - z0))
        parts.append(Part("dispenser", rbox((xc - dw, f.y_door - 0.004, zc - dh), (xc + dw, f.y_door + 0.003, zc + dh),
                                            0.01), "black plastic"))
        parts.append(Part("dispenser_lever", box((xc - 0.035, f.y_door, zc - 0.02), (xc + 0.035, f.y_door + 0.025,
                                                                                      zc + 0.06)), "dark grey plastic"))
    parts.append(Part("grille", box((-w / 2 + 0.03, f.y_body - 0.01, 0.008), (w / 2 - 0.03, f.y_body + 0.004,
                                                                               f.gz - 0.008)), p.grille_material))
    if p.retro:
        parts.append(Part("badge", box((-0.06, f.y_door, f.z_top - 0.12), (0.06, f.y_door + 0.004, f.z_top - 0.095)),
                          "chrome"))
    return parts


def refrigerator_surfaces(params: RefrigeratorParams, size: Size) -> list[Surface]:
    """The flat top of the carcass."""
    f = _fridge_frame(params, size)
    m = f.r_body + 0.01
    return [Surface(0, f.h, rect(-f.w / 2 + m, -f.d / 2 + m, f.w / 2 - m, f.y_body - m), "top", None)]


register_generator("refrigerator", RefrigeratorParams, build_refrigerator, refrigerator_surfaces,
                   sample_refrigerator_params)


# --------------------------------------------------------------------------------------------------
# stove
# --------------------------------------------------------------------------------------------------

STOVE_BODIES = ("brushed steel", "white painted metal", "black painted metal", "cream painted metal",
                "dark grey painted metal", "navy painted metal", "red painted metal")


@dataclass(frozen=True)
class StoveParams:
    category: str = "stove"
    hob: str = "gas"  # gas | ceramic | induction
    burner_count: int = 4  # 4, 5 (centre wok) or 6 (3 x 2)
    controls: str = "front"  # front (knobs on a fascia) | backguard (knobs and display at the back)
    backguard_height_m: float = 0.08
    oven_count: int = 1  # 2: a main and a side oven (wide ranges)
    bottom: str = "drawer"  # drawer | plinth
    handle_style: str = "bar"  # bar (per door) | rail (one towel rail across)
    window: bool = True
    fascia_height_m: float = 0.09
    body_material: str = "brushed steel"
    hob_material: str = "brushed steel"
    handle_material: str = "brushed steel"
    knob_material: str = "black plastic"
    burner_material: str = "black metal"


def sample_stove_params(rng: np.random.Generator, size: Size, category: str = "stove") -> StoveParams:
    """Sampled range: hob type and burner count (from the width), control placement, ovens, drawer,
    handles, enamel or steel finish."""
    w, d, h = size
    hob = pick(rng, ("gas", "ceramic", "induction"), (0.5, 0.3, 0.2))
    if w >= 0.82:
        burners = pick(rng, (5, 6), (0.4, 0.6))
    elif w >= 0.7:
        burners = pick(rng, (4, 5), (0.5, 0.5))
    else:
        burners = 4
    if hob != "gas":
        burners = min(burners, 5)
    controls = pick(rng, ("front", "backguard"), (0.65, 0.35))
    body = pick(rng, STOVE_BODIES, (0.4, 0.2, 0.15, 0.1, 0.07, 0.04, 0.04))
    return StoveParams(
        category=category,
        hob=hob,
        burner_count=burners,
        controls=controls,
        backguard_height_m=uniform(rng, 0.05, 0.11),
        oven_count=2 if w >= 0.8 and chance(rng, 0.5) else 1,
        bottom=pick(rng, ("drawer", "plinth"), (0.6, 0.4)),
        handle_style=pick(rng, ("bar", "rail"), (0.7, 0.3)),
        window=chance(rng, 0.9),
        fascia_height_m=uniform(rng, 0.07, 0.11),
        body_material=body,
        hob_material=pick(rng, ("brushed steel", "black painted metal")) if hob == "gas" else "black glass",
        handle_material=pick(rng, ("brushed steel", "chrome", "black metal", "brass"), (0.4, 0.3, 0.2, 0.1)),
        knob_material=pick(rng, ("black plastic", "brushed steel", "chrome")),
        burner_material=pick(rng, ("black metal", "brass", "cast iron"), (0.6, 0.2, 0.2)),
    )


@dataclass(frozen=True)
class _StoveFrame:
    w: float
    d: float
    h: float
    y_door: float  # front of doors / fascia
    y_body: float
    top_z: float  # cooking surface (grate tops or glass)
    plate_z: float  # top of the hob plate (gas) / glass
    bg_h: float
    bg_d: float
    zb: float  # top of drawer / plinth zone
    z_fascia: float  # bottom of the fascia (top of oven doors)
    z_plate_bottom: float


def _stove_frame(p: StoveParams, size: Size) -> _StoveFrame:
    w, d, h = (float(v) for v in size)
    hd = 0.05
    door_t = 0.035
    y_door = d / 2 - hd
    bg_h = clamp(p.backguard_height_m, 0.04, 0.12) if p.controls == "backguard" else 0.0
    bg_d = 0.05 if bg_h else 0.0
    top_z = h - bg_h
    plate_z = top_z - 0.035 if p.hob == "gas" else top_z - 0.0004
    plate_bottom = plate_z - 0.02 if p.hob == "gas" else top_z - 0.03
    zb = clamp(0.15 if p.bottom == "drawer" else 0.08, 0.05, 0.2 * top_z)
    fascia = clamp(p.fascia_height_m, 0.06, 0.13) if p.controls == "front" else 0.03
    return _StoveFrame(w, d, h, y_door, y_door - door_t, top_z, plate_z, bg_h, bg_d, zb, plate_bottom - fascia,
                       plate_bottom)


def _burner_layout(p: StoveParams, f: _StoveFrame) -> tuple[list[tuple[float, float, float]], float, float, float, list[float]]:
    """Burner centres and radii, the hob centre (cx, cy), half depth of the grate frame, and the x of
    the column dividers (grates)."""
    w = f.w
    y0, y1 = -f.d / 2 + f.bg_d + 0.045, f.y_door - 0.035
    cy = (y0 + y1) / 2
    gy = (y1 - y0) / 2
    n = int(p.burner_count)
    gx = min(w / 2 - 0.04, 0.9 * (w / 2 - 0.005))
    rb = clamp(0.16 * min(gy * 2, w / 3), 0.03, 0.055)
    out: list[tuple[float, float, float]] = []
    if n >= 6:
        cols = [-gx * 2 / 3, 0.0, gx * 2 / 3]
        for x in cols:
            out += [(x, cy - gy / 2, rb), (x, cy + gy / 2, rb * 0.85)]
        dividers = [-gx / 3, gx / 3]
    elif n == 5:
        cols = [-gx * 0.62, gx * 0.62]
        for x in cols:
            out += [(x, cy - gy / 2, rb * 0.9), (x, cy + gy / 2, rb * 0.8)]
        out.append((0.0, cy, rb * 1.3))
        dividers = [-gx * 0.25, gx * 0.25]
    else:
        cols = [-gx / 2, gx / 2]
        out = [(cols[0], cy - gy / 2, rb), (cols[0], cy + gy / 2, rb * 0.8), (cols[1], cy - gy / 2, rb * 0.85),
               (cols[1], cy + gy / 2, rb * 1.1)]
        dividers = [0.0]
    return out, cy, gx, gy, dividers


def build_stove(params: StoveParams, size: Size) -> list[Part]:
    """Parts of a freestanding range of exactly ``size`` (oven door, knobs and handles at +Y)."""
    p = params
    f = _stove_frame(p, size)
    w, d, h = f.w, f.d, f.h
    parts = [Part("body", rbox((-w / 2, -d / 2, 0.0), (w / 2, f.y_body + 0.002, f.z_plate_bottom), 0.006),
                  p.body_material)]
    burners, cy, gx, gy, dividers = _burner_layout(p, f)
    # hob
    if p.hob == "gas":
        parts.append(Part("hob", rbox((-w / 2, -d / 2, f.z_plate_bottom), (w / 2, f.y_door, f.plate_z), 0.004),
                          p.hob_material))
        for i, (x, y, r) in enumerate(burners):
            prof = [(0.0, 0.0), (r, 0.0), (r, 0.008), (0.92 * r, 0.014), (0.7 * r, 0.016), (0.7 * r, 0.021),
                    (0.0, 0.021)]
            parts.append(Part(f"burner_{i}", lathe(prof, 16, (x, y, f.plate_z)), p.burner_material))
        bw, bt = 0.012, 0.012
        zt, zb = f.top_z, f.top_z - bt
        bars = [box((-gx - bw / 2, cy - gy - bw / 2, zb), (gx + bw / 2, cy - gy + bw / 2, zt)),
                box((-gx - bw / 2, cy + gy - bw / 2, zb), (gx + bw / 2, cy + gy + bw / 2, zt)),
                box((-gx - bw / 2, cy - gy, zb), (-gx + bw / 2, cy + gy, zt)),
                box((gx - bw / 2, cy - gy, zb), (gx + bw / 2, cy + gy, zt)),
                box((-gx, cy - bw / 2, zb), (gx, cy + bw / 2, zt))]
        for x in dividers:
            bars.append(box((x - bw / 2, cy - gy, zb), (x + bw / 2, cy + gy, zt)))
        for x, y, r in burners:  # fingers reaching in towards each burner from the frame
            for sx, sy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                a = r + 0.012
                if sx:
                    x0, x1 = sorted((x + sx * a, x + sx * (a + 0.035)))
                    bars.append(box((x0, y - 0.004, zb), (x1, y + 0.004, zt)))
                else:
                    y0, y1 = sorted((y + sy * a, y + sy * (a + 0.035)))
                    bars.append(box((x - 0.004, y0, zb), (x + 0.004, y1, zt)))
        for sx in (-1, 1):
            for sy in (-1, 1):
                bars.append(box((sx * gx - 0.006, cy + sy * gy - 0.006, f.plate_z - 0.001),
                                (sx * gx + 0.006, cy + sy * gy + 0.006, zb + 0.001)))
        parts.append(Part("grates", merge(bars), "cast iron"))
    else:
        parts.append(Part("hob_frame", box((-w / 2, -d / 2, f.z_plate_bottom), (w / 2, f.y_door, f.top_z - 0.006)),
                          p.body_material))
        parts.append(Part("hob", box((-w / 2 + 0.01, -d / 2 + 0.01, f.top_z - 0.008), (w / 2 - 0.01, f.y_door - 0.01,
                                                                                       f.plate_z)), "black glass"))
        rings = []
        for x, y, r in burners:
            rr = 1.7 * r
            if p.hob == "induction":
                rings.append(translate(round_ring(rr, 0.0035, 24, 4), x, y, f.top_z - 0.0035))
            else:
                rings.append(cylinder((x, y, 0.0), rr, f.top_z - 0.002, f.top_z, 20))
        parts.append(Part("cooking_zones", merge(rings), "grey plastic" if p.hob == "ceramic" else "light grey plastic"))
    # fronts
    gap = 0.005
    n_ov = 2 if p.oven_count >= 2 and w >= 0.7 else 1
    splits = [(-w / 2, w / 2)] if n_ov == 1 else [(-w / 2, -w / 2 + 0.6 * w), (-w / 2 + 0.6 * w, w / 2)]
    zo0, zo1 = f.zb + gap, f.z_fascia - gap
    for i, (x0, x1) in enumerate(splits):
        xa, xb = x0 + (gap if i else 0.002), x1 - (gap if i < len(splits) - 1 else 0.002)
        parts.append(Part(f"oven_door_{i}", rbox((xa, f.y_body, zo0), (xb, f.y_door, zo1), 0.006), p.body_material))
        if p.window:
            m = min(0.07, 0.15 * (xb - xa))
            parts.append(Part(f"oven_window_{i}", rbox((xa + m, f.y_door - 0.002, zo0 + 0.07),
                                                       (xb - m, f.y_door + 0.003, zo1 - 0.1), 0.01), "black glass"))
        if p.handle_style == "bar":
            handle = bar_handle("x", zo1 - 0.045, xa + 0.05, xb - 0.05, f.y_door, d / 2, 0.011)
            parts.append(Part(f"handle_{i}", handle, p.handle_material))
    if p.handle_style == "rail":
        rail = bar_handle("x", zo1 - 0.045, -w / 2 + 0.03, w / 2 - 0.03, f.y_door, d / 2, 0.011)
        parts.append(Part("handle_rail", rail, p.handle_material))
    if p.bottom == "drawer":
        parts.append(Part("drawer", rbox((-w / 2 + 0.002, f.y_body, 0.012), (w / 2 - 0.002, f.y_door, f.zb), 0.006),
                          p.body_material))
        parts.append(Part("drawer_handle", bar_handle("x", f.zb - 0.035, -0.12, 0.12, f.y_door, d / 2, 0.009),
                          p.handle_material))
    else:
        parts.append(Part("plinth", box((-w / 2 + 0.01, f.y_body - 0.03, 0.0), (w / 2 - 0.01, f.y_body - 0.01,
                                                                                 f.zb)), "black plastic"))
    # fascia and controls
    parts.append(Part("fascia", box((-w / 2 + 0.002, f.y_body, f.z_fascia), (w / 2 - 0.002, f.y_body + 0.012,
                                                                            f.z_plate_bottom)), p.body_material))
    n_knobs = (len(burners) if p.hob != "induction" else 0) + n_ov
    if p.controls == "front":
        zk = (f.z_fascia + f.z_plate_bottom) / 2
        rk = clamp(0.4 * (f.z_plate_bottom - f.z_fascia), 0.015, 0.024)
        xs = _spread(n_knobs, w - 0.1, gap_mid=0.12)
        knobs = [knob(x, f.y_body + 0.012, zk, rk, 0.03) for x in xs]
        parts.append(Part("knobs", merge(knobs), p.knob_material))
        parts.append(Part("display", box((-0.04, f.y_body + 0.011, zk - 0.014), (0.04, f.y_body + 0.016, zk + 0.014)),
                          "black glass"))
    else:
        bz0 = f.top_z - 0.01
        parts.append(Part("backguard", rbox((-w / 2, -d / 2, bz0), (w / 2, -d / 2 + f.bg_d, h), 0.006),
                          p.body_material))
        zk = (f.top_z + h) / 2
        rk = clamp(0.35 * f.bg_h, 0.012, 0.022)
        xs = _spread(n_knobs, w - 0.1, gap_mid=0.16)
        parts.append(Part("knobs", merge([knob(x, -d / 2 + f.bg_d, zk, rk, 0.025) for x in xs]), p.knob_material))
        parts.append(Part("display", box((-0.06, -d / 2 + f.bg_d - 0.001, zk - 0.35 * f.bg_h),
                                         (0.06, -d / 2 + f.bg_d + 0.004, zk + 0.35 * f.bg_h)), "black glass"))
    return parts


def _spread(n: int, span: float, gap_mid: float = 0.0) -> list[float]:
    """``n`` x positions over ``span``, half each side of a free middle gap (for a display)."""
    nl = n // 2
    nr = n - nl
    a, g = span / 2.0, gap_mid / 2.0 + 0.03

    def side(k: int) -> list[float]:
        if k <= 0:
            return []
        if k == 1:
            return [(a + g) / 2.0]
        return [float(x) for x in np.linspace(g, a, k)]

    return [-x for x in side(nl)][::-1] + side(nr)


def stove_surfaces(params: StoveParams, size: Size) -> list[Surface]:
    """The hob: the top of the grates (gas; the polygon's corners lie on the frame corners) or the
    glass top."""
    f = _stove_frame(params, size)
    if params.hob == "gas":
        _, cy, gx, gy, _ = _burner_layout(params, f)
        ex, ey = gx / 0.9, gy / 0.9
        return [Surface(0, f.top_z, rect(-ex, cy - ey, ex, cy + ey), "hob", None)]
    y0 = -f.d / 2 + f.bg_d + 0.03
    return [Surface(0, f.plate_z, rect(-f.w / 2 + 0.03, y0, f.w / 2 - 0.03, f.y_door - 0.03), "hob", None)]


register_generator("stove", StoveParams, build_stove, stove_surfaces, sample_stove_params)


# --------------------------------------------------------------------------------------------------
# dishwasher
# --------------------------------------------------------------------------------------------------

APPLIANCE_WHITES = ("white painted metal", "brushed steel", "black painted metal", "silver painted metal")


@dataclass(frozen=True)
class DishwasherParams:
    category: str = "dishwasher"
    controls: str = "front"  # front (a strip at the top of the door) | hidden (on the door's top edge)
    handle_style: str = "bar"  # bar | pocket (a grip slot under the top)
    worktop: bool = False  # a separate worktop slab on top
    kick_height_m: float = 0.09
    panel_height_m: float = 0.1
    body_material: str = "white painted metal"
    door_material: str = "white painted metal"
    panel_material: str = "white painted metal"
    top_material: str = "white plastic"
    handle_material: str = "brushed steel"


def sample_dishwasher_params(rng: np.random.Generator, size: Size, category: str = "dishwasher") -> DishwasherParams:
    """Sampled dishwasher: controls on a front strip or hidden, bar or pocket handle, finish, worktop."""
    door = pick(rng, APPLIANCE_WHITES, (0.35, 0.4, 0.15, 0.1))
    body = door if door != "brushed steel" else pick(rng, ("brushed steel", "silver painted metal"))
    controls = pick(rng, ("front", "hidden"), (0.55, 0.45))
    return DishwasherParams(
        category=category,
        controls=controls,
        handle_style=pick(rng, ("bar", "pocket"), (0.55, 0.45)),
        worktop=chance(rng, 0.35),
        kick_height_m=uniform(rng, 0.06, 0.12),
        panel_height_m=uniform(rng, 0.08, 0.12),
        body_material=body,
        door_material=door,
        panel_material=pick(rng, (door, "black glass", "black plastic", "white plastic")),
        top_material=pick(rng, ("white plastic", "oak wood", "black plastic", body)),
        handle_material=pick(rng, ("brushed steel", "chrome", "black metal", "aluminium")),
    )


@dataclass(frozen=True)
class _WashFrame:
    w: float
    d: float
    h: float
    y_door: float
    y_body: float
    top_t: float
    kick: float


def _dishwasher_frame(p: DishwasherParams, size: Size) -> _WashFrame:
    w, d, h = (float(v) for v in size)
    hd = 0.045 if p.handle_style == "bar" else 0.002
    y_door = d / 2 - hd
    top_t = 0.025 if p.worktop else 0.0
    return _WashFrame(w, d, h, y_door, y_door - 0.05, top_t, clamp(p.kick_height_m, 0.04, 0.15 * h))


def build_dishwasher(params: DishwasherParams, size: Size) -> list[Part]:
    """Parts of a freestanding dishwasher of exactly ``size`` (door, handle and controls at +Y)."""
    p = params
    f = _dishwasher_frame(p, size)
    w, d, h = f.w, f.d, f.h
    zt = h - f.top_t
    parts = [Part("body", rbox((-w / 2, -d / 2, f.kick), (w / 2, f.y_body + 0.002, zt), 0.004), p.body_material),
             Part("kickplate", box((-w / 2 + 0.005, -d / 2 + 0.01, 0.0), (w / 2 - 0.005, f.y_body - 0.03, f.kick + 0.005)),
                  "black plastic")]
    if p.worktop:
        parts.append(Part("worktop", rbox((-w / 2, -d / 2, zt), (w / 2, f.y_door, h), 0.003), p.top_material))
    z_door_top = zt - 0.004
    zp = z_door_top - clamp(p.panel_height_m, 0.06, 0.14) if p.controls == "front" else z_door_top
    parts.append(Part("door", rbox((-w / 2 + 0.002, f.y_body, f.kick + 0.004), (w / 2 - 0.002, f.y_door, zp), 0.006),
                      p.door_material))
    if p.controls == "front":
        parts.append(Part("control_panel", rbox((-w / 2 + 0.002, f.y_body, zp + 0.003),
                                                (w / 2 - 0.002, f.y_door - 0.004, z_door_top), 0.004),
                          p.panel_material))
        zc = (zp + z_door_top) / 2
        yf = f.y_door - 0.004
        parts.append(Part("display", box((0.02 * w, yf - 0.001, zc - 0.012), (0.2 * w, yf + 0.003, zc + 0.012)),
                          "black glass"))
        buttons = [rbox((x - 0.01, yf - 0.001, zc - 0.007), (x + 0.01, yf + 0.005, zc + 0.007), 0.003)
                   for x in np.linspace(0.26 * w, 0.42 * w, 4)]
        if d / 2 - yf > 0.012:
            buttons.append(knob(-0.3 * w, yf, zc, 0.02, min(0.018, d / 2 - yf)))
        parts.append(Part("buttons", merge(buttons), "grey plastic"))
    else:
        parts.append(Part("status_light", box((0.2 * w, f.y_door - 0.001, f.kick + 0.01),
                                              (0.24 * w, f.y_door + 0.002, f.kick + 0.018)), "red plastic"))
        parts.append(Part("top_trim", box((-w / 2 + 0.004, f.y_door - 0.001, zp - 0.022), (w / 2 - 0.004, f.y_door + 0.0015,
                                                                                          zp - 0.004)), _contrast(p)))
    if p.handle_style == "bar":
        zh = zp - 0.045
        parts.append(Part("handle", bar_handle("x", zh, -0.32 * w, 0.32 * w, f.y_door, d / 2, 0.011),
                          p.handle_material))
    else:
        z1 = zp - (0.03 if p.controls == "hidden" else 0.012)
        parts.append(Part("handle", box((-0.15 * w, f.y_door - 0.012, z1 - 0.025), (0.15 * w, d / 2, z1)), _contrast(p)))
    return parts


def _contrast(p: DishwasherParams) -> str:
    """A trim finish that shows against the door."""
    dark = any(k in p.door_material for k in ("black", "dark grey", "charcoal"))
    return "brushed steel" if dark else "dark grey plastic"


def dishwasher_surfaces(params: DishwasherParams, size: Size) -> list[Surface]:
    """The flat top (the worktop when it has one)."""
    f = _dishwasher_frame(params, size)
    m = 0.015
    y1 = (f.y_door if params.worktop else f.y_body) - m
    return [Surface(0, f.h, rect(-f.w / 2 + m, -f.d / 2 + m, f.w / 2 - m, y1), "top", None)]


register_generator("dishwasher", DishwasherParams, build_dishwasher, dishwasher_surfaces, sample_dishwasher_params)


# --------------------------------------------------------------------------------------------------
# washing machine and dryer
# --------------------------------------------------------------------------------------------------

LAUNDRY_BODIES = ("white painted metal", "white painted metal", "silver painted metal", "dark grey painted metal",
                  "black painted metal")


@dataclass(frozen=True)
class WashingMachineParams:
    category: str = "washing_machine"
    loading: str = "front"  # front | top
    door_style: str = "porthole"  # porthole (washers) | glass | solid | square (dryers)
    panel: str = "front"  # front (top strip) | backguard (console at the back)
    backguard_height_m: float = 0.12
    door_size_fraction: float = 0.8  # door diameter / available width
    drawer: bool = True  # detergent drawer (washers) / water tank drawer (condenser dryers)
    corner_radius_m: float = 0.015
    body_material: str = "white painted metal"
    panel_material: str = "white plastic"
    ring_material: str = "white plastic"
    glass_material: str = "clear glass"
    knob_material: str = "chrome"


@dataclass(frozen=True)
class DryerParams:
    category: str = "dryer"
    loading: str = "front"
    door_style: str = "glass"  # glass (tinted flat window) | solid (round) | square (drop-down door)
    panel: str = "front"
    backguard_height_m: float = 0.12
    door_size_fraction: float = 0.85
    drawer: bool = True
    corner_radius_m: float = 0.015
    body_material: str = "white painted metal"
    panel_material: str = "white plastic"
    ring_material: str = "white plastic"
    glass_material: str = "black glass"
    knob_material: str = "chrome"


def _sample_laundry(rng: np.random.Generator, dryer: bool) -> dict:
    body = pick(rng, LAUNDRY_BODIES)
    dark = body in ("dark grey painted metal", "black painted metal")
    if dryer:
        loading = "front"
        door = pick(rng, ("glass", "solid", "square"), (0.5, 0.25, 0.25))
        panel = pick(rng, ("front", "backguard"), (0.65, 0.35))
        glass = pick(rng, ("black glass", "blue glass", "clear glass"), (0.5, 0.25, 0.25))
    else:
        loading = pick(rng, ("front", "top"), (0.75, 0.25))
        door = "porthole"
        panel = "backguard" if loading == "top" else pick(rng, ("front", "backguard"), (0.85, 0.15))
        glass = pick(rng, ("clear glass", "blue glass", "black glass"), (0.6, 0.25, 0.15))
    return dict(
        loading=loading,
        door_style=door,
        panel=panel,
        backguard_height_m=uniform(rng, 0.1, 0.16),
        door_size_fraction=uniform(rng, 0.7, 0.86),
        drawer=chance(rng, 0.85 if not dryer else 0.5),
        corner_radius_m=uniform(rng, 0.004, 0.03),
        body_material=body,
        panel_material=pick(rng, ("white plastic", "light grey plastic", "black glass", "silver plastic")) if not dark
        else pick(rng, ("black glass", "dark grey plastic")),
        ring_material=pick(rng, ("chrome", "white plastic", "dark grey plastic", "silver plastic")) if not dark
        else pick(rng, ("chrome", "black plastic")),
        glass_material=glass,
        knob_material=pick(rng, ("chrome", "white plastic", "black plastic", "silver plastic")),
    )


def sample_washing_machine_params(rng: np.random.Generator, size: Size,
                                  category: str = "washing_machine") -> WashingMachineParams:
    """Sampled washer: front loader (porthole, panel or backguard) or top loader; finishes."""
    return WashingMachineParams(category=category, **_sample_laundry(rng, dryer=False))


def sample_dryer_params(rng: np.random.Generator, size: Size, category: str = "dryer") -> DryerParams:
    """Sampled dryer: tinted window, solid round or square door; panel or backguard; water tank drawer."""
    return DryerParams(category=category, **_sample_laundry(rng, dryer=True))


@dataclass(frozen=True)
class _LaundryFrame:
    w: float
    d: float
    h: float
    y_body: float
    z_top: float  # body top
    bg_h: float
    bg_d: float
    r: float
    panel_h: float  # front control strip height (0 with a backguard)
    door_t: float
    door_proj: float
    kick: float


def _laundry_frame(p, size: Size) -> _LaundryFrame:
    w, d, h = (float(v) for v in size)
    bg = p.panel == "backguard" or p.loading == "top"
    bg_h = clamp(p.backguard_height_m, 0.06, 0.2 * h) if bg else 0.0
    bg_d = clamp(0.08, 0.05, 0.15 * d) if bg else 0.0
    if p.loading == "top":
        door_t, proj = 0.0, 0.0
    elif p.door_style == "porthole":
        door_t, proj = 0.045, 0.075
    elif p.door_style == "square":
        door_t, proj = 0.04, 0.07
    else:
        door_t, proj = 0.045, 0.05
    r = clamp(p.corner_radius_m, 0.002, 0.04)
    panel_h = 0.0 if bg else clamp(0.15 * h, 0.09, 0.14)
    return _LaundryFrame(w, d, h, d / 2 - proj, h - bg_h, bg_h, bg_d, r, panel_h, door_t, proj, 0.07)


def build_laundry(p: WashingMachineParams | DryerParams, size: Size) -> list[Part]:
    """Parts of a washing machine or tumble dryer of exactly ``size`` (door or lid and controls at
    the front; ``p`` is either params class)."""
    f = _laundry_frame(p, size)
    w, d, h = f.w, f.d, f.h
    dryer = isinstance(p, DryerParams)
    parts = [Part("body", rbox((-w / 2, -d / 2, 0.0), (w / 2, f.y_body, f.z_top), f.r, 2), p.body_material)]
    yb = f.y_body
    # bottom strip: a service hatch (washer) or a vent grille (dryer)
    if dryer:
        slots = [box((-0.3 * w, yb - 0.002, z), (0.3 * w, yb + 0.003, z + 0.006)) for z in np.linspace(0.025, 0.06, 4)]
        parts.append(Part("vent", merge(slots), "dark grey plastic"))
    elif p.loading == "front":
        parts.append(Part("service_hatch", rbox((0.22 * w, yb - 0.002, 0.02), (0.42 * w, yb + 0.004, 0.085), 0.004),
                          p.body_material if "white" not in p.body_material else "white plastic"))
    # controls
    if f.bg_h > 0:
        z0 = f.z_top - 0.01
        parts.append(Part("control_panel", rbox((-w / 2, -d / 2, z0), (w / 2, -d / 2 + f.bg_d, h), 0.01),
                          p.panel_material))
        yf, zc = -d / 2 + f.bg_d, (f.z_top + h) / 2
        dial_r = clamp(0.3 * f.bg_h, 0.02, 0.035)
    else:
        z0 = f.z_top - 0.01 - f.panel_h
        parts.append(Part("control_panel", rbox((-w / 2 + 0.01, yb - 0.01, z0), (w / 2 - 0.01, yb + 0.012, f.z_top - 0.01),
                                                0.006), p.panel_material))
        yf, zc = yb + 0.012, z0 + f.panel_h / 2
        dial_r = clamp(0.3 * f.panel_h, 0.02, 0.035)
    parts.append(Part("dial", knob(0.15 * w, yf, zc, dial_r, 0.022, 20), p.knob_material))
    parts.append(Part("display", box((-0.08 * w, yf - 0.001, zc - 0.016), (0.06 * w, yf + 0.003, zc + 0.016)),
                      "black glass"))
    parts.append(Part("buttons", merge([rbox((x - 0.009, yf - 0.001, zc - 0.006), (x + 0.009, yf + 0.005, zc + 0.006),
                                             0.003) for x in np.linspace(0.28 * w, 0.42 * w, 3)]), "grey plastic"))
    if p.drawer and f.bg_h == 0:
        xa, xb = -w / 2 + 0.03, -0.14 * w
        parts.append(Part("drawer", rbox((xa, yb, z0 + 0.012), (xb, yb + 0.02, f.z_top - 0.02), 0.004),
                          p.panel_material if p.panel_material != "black glass" else "black plastic"))
    # door / lid
    if p.loading == "top":
        m = 0.04
        y1 = yb - 0.04
        parts.append(Part("lid", rbox((-w / 2 + m, -d / 2 + f.bg_d + 0.02, f.z_top - 0.004),
                                      (w / 2 - m, y1, f.z_top + 0.008), 0.005), p.body_material))
        parts.append(Part("lid_window", rbox((-w / 2 + m + 0.05, -d / 2 + f.bg_d + 0.07, f.z_top + 0.006),
                                             (w / 2 - m - 0.05, y1 - 0.05, f.z_top + 0.009), 0.01), "black glass"))
        parts.append(Part("lid_handle", box((-0.08, y1 - 0.008, f.z_top + 0.007), (0.08, y1 + 0.003, f.z_top + 0.011)),
                          "grey plastic"))
        return parts
    top_free = f.z_top - 0.01 - f.panel_h - 0.03
    bottom = f.kick + 0.02
    avail = min(w - 0.08, top_free - bottom)
    if p.door_style == "square":
        dw = clamp(p.door_size_fraction, 0.6, 0.95) * (w - 0.08)
        dz0, dz1 = bottom, bottom + min(avail, 0.9 * dw)
        parts.append(Part("door", rbox((-dw / 2, yb, dz0), (dw / 2, yb + f.door_t, dz1), 0.01), p.body_material))
        parts.append(Part("door_window", rbox((-dw / 2 + 0.06, yb + f.door_t - 0.002, dz0 + 0.08),
                                              (dw / 2 - 0.06, yb + f.door_t + 0.004, dz1 - 0.1), 0.02),
                          p.glass_material))
        parts.append(Part("handle", bar_handle("x", dz1 - 0.04, -0.25 * dw, 0.25 * dw, yb + f.door_t, d / 2, 0.01),
                          p.ring_material if p.ring_material == "chrome" else "brushed steel"))
        return parts
    R = clamp(p.door_size_fraction, 0.6, 0.95) * avail / 2
    zc_d = bottom + R + (0.5 * (avail - 2 * R) if dryer else 0.2 * (avail - 2 * R))
    ri = 0.7 * R if p.door_style == "porthole" else 0.76 * R
    t = f.door_t
    rr = min(0.012, 0.4 * (R - ri))
    loop = [(ri, ri, 0.0), (R - rr, R - rr, 0.0), (R, R, rr), (R, R, t - rr), (R - rr, R - rr, t), (ri + rr, ri + rr, t),
            (ri, ri, t - rr)]
    if p.door_style == "solid":
        disc = loft([(0, 0, 0.0), (R - rr, R - rr, 0.0), (R, R, rr), (R, R, t - rr), (R - rr, R - rr, t),
                     (0.0, 0.0, t)], 32)
        parts.append(Part("door", upright(disc, 0.0, yb, zc_d), p.ring_material))
        parts.append(Part("door_inset", disc_y(0.0, yb + t - 0.004, zc_d, ri, f.d / 2 - (yb + t) + 0.004, 32),
                          p.body_material))
    else:
        parts.append(Part("door", upright(tube(loop, 32), 0.0, yb, zc_d), p.ring_material))
        parts.append(Part("drum", disc_y(0.0, yb - 0.002, zc_d, ri + 0.004, 0.006, 32), "brushed steel"))
        if p.door_style == "porthole":
            bulge = f.door_proj - t
            prof = [(0.0, 0.0), (ri + 0.006, 0.0), (ri + 0.006, 0.6 * t), (ri, t), (0.75 * ri, t + 0.6 * bulge),
                    (0.4 * ri, t + 0.92 * bulge), (0.0, t + bulge)]
        else:
            prof = [(0.0, 0.0), (ri + 0.006, 0.0), (ri + 0.006, t - 0.01), (ri, t - 0.006), (0.0, t - 0.006)]
        parts.append(Part("porthole", lathe(prof, 32, (0.0, yb, zc_d), axis="y"), p.glass_material))
    hx = R * 0.94
    parts.append(Part("handle", rbox((hx - 0.02, yb + t - 0.01, zc_d - 0.06), (hx + 0.025, min(d / 2, yb + t + 0.015),
                                                                               zc_d + 0.06), 0.008),
                      p.ring_material))
    return parts


def laundry_surfaces(p: WashingMachineParams | DryerParams, size: Size) -> list[Surface]:
    """The top: the lid of a top loader, else the body top in front of any backguard."""
    f = _laundry_frame(p, size)
    if p.loading == "top":
        m = 0.04 + 0.01
        return [Surface(0, f.z_top + 0.008, rect(-f.w / 2 + m, -f.d / 2 + f.bg_d + 0.03, f.w / 2 - m, f.y_body - 0.05),
                        "lid", None)]
    m = f.r + 0.012
    y0 = -f.d / 2 + (f.bg_d + 0.012 if f.bg_d else m)
    return [Surface(0, f.z_top, rect(-f.w / 2 + m, y0, f.w / 2 - m, f.y_body - m), "top", None)]


register_generator("washing_machine", WashingMachineParams, build_laundry, laundry_surfaces,
                   sample_washing_machine_params)
register_generator("dryer", DryerParams, build_laundry, laundry_surfaces, sample_dryer_params)
