"""Screens: flat-panel TVs and computer monitors; the screen faces +Y.

- tv: a flat panel (thin bezel, or a wide picture-frame bezel for "frame" TVs), a slim back or a
  deeper electronics box behind it, an optional speaker chin with a logo; wall-mounted on a bracket
  whose plate is flat on the wall (the catalog hangs TVs on the wall). On a box deep enough for it
  (>= 0.15 m) it can instead stand on two feet or a central pedestal.
- monitor: a flat or curved panel on a stand (rectangular, round or V-shaped base, a neck) or on a
  desk-clamp arm; 16:9 to ultrawide, or portrait when the box is tall and narrow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import trimesh

from ..parts import Part
from ..primitives import box, cylinder, lathe, merge, prism, raw_mesh, rounded_box
from ._shapes import fit_exact, no_surfaces, sheet, slab_yz, sweep
from .params import chance, clamp, pick, register_generator, uniform

Size = tuple[float, float, float]


def _bend(mesh: trimesh.Trimesh, k: float) -> trimesh.Trimesh:
    """Curve a panel: points move forward (+Y) by k * x^2 (edges come towards the viewer)."""
    if k == 0.0:
        return mesh
    v = mesh.vertices.copy()
    v[:, 1] += k * v[:, 0] ** 2
    return raw_mesh(v, mesh.faces.copy())


def _xslab(x0: float, x1: float, y0: float, y1: float, z0: float, z1: float, n: int) -> trimesh.Trimesh:
    """A box cut into ``n`` slices along X (so it can be bent into a curve)."""
    xs = np.linspace(x0, x1, n + 1)
    zs = np.array([z0, z1])
    gx, gz = np.meshgrid(xs, zs, indexing="ij")
    front = np.stack([gx, np.full_like(gx, y1), gz], -1)
    back = np.stack([gx, np.full_like(gx, y0), gz], -1)
    return sheet(front, back)


def _panel(x0: float, x1: float, z0: float, z1: float, y_back: float, y_front: float, bezel: float, chin: float,
           body_material: str, slices: int = 0) -> list[Part]:
    """A display panel: the body, a bezel frame on its face and the glass screen inside the frame,
    its front just behind the bezel's (the screen faces +Y). ``slices`` > 0 cuts the wide pieces
    along X so the panel can be bent."""
    t = y_front - y_back
    face = y_back + 0.35 * t  # the back plate's front: the screen glass fills the frame in front of it
    sx0, sx1, sz0, sz1 = x0 + bezel, x1 - bezel, z0 + bezel + chin, z1 - bezel

    def slab(a0: float, a1: float, b0: float, b1: float, c0: float, c1: float) -> trimesh.Trimesh:
        return _xslab(a0, a1, b0, b1, c0, c1, slices) if slices else box((a0, b0, c0), (a1, b1, c1))

    if slices:
        body = _xslab(x0, x1, y_back, face, z0, z1, slices)
    else:
        body = rounded_box((x0, y_back, z0), (x1, face, z1), min(0.004, 0.3 * (face - y_back)), 1)
    frame = merge([slab(x0, x1, face - 0.0005, y_front, z0, sz0), slab(x0, x1, face - 0.0005, y_front, sz1, z1),
                   box((x0, face - 0.0005, sz0 - 0.0005), (sx0, y_front, sz1 + 0.0005)),
                   box((sx1, face - 0.0005, sz0 - 0.0005), (x1, y_front, sz1 + 0.0005))])
    screen = slab(sx0, sx1, face - 0.0005, y_front - 0.0004, sz0, sz1)
    return [Part("body", body, body_material), Part("bezel", frame, body_material),
            Part("screen", screen, "black screen")]


# ---------------------------------------------------------------------------------------------
# tv
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TvParams:
    category: str = "tv"
    style: str = "slim"  # slim | classic (deeper back box, speaker chin) | frame (wide picture-frame bezel)
    mount: str = "wall"  # wall | feet | pedestal (stands only on boxes >= 0.15 m deep)
    bezel_m: float = 0.008
    body_material: str = "black plastic"
    frame_material: str = "white painted wood"  # the bezel of "frame" TVs
    logo: bool = True
    stand_material: str = "black metal"


def sample_tv_params(rng: np.random.Generator, size: Size, category: str = "tv") -> TvParams:
    """Style, bezel, body colour; a stand only when the box is deep enough to stand on."""
    w, d, h = size
    style = pick(rng, ("slim", "classic", "frame"), (0.5, 0.3, 0.2))
    mount = pick(rng, ("wall", "feet", "pedestal")) if d >= 0.15 else "wall"
    return TvParams(
        category=category,
        style=style,
        mount=mount,
        bezel_m=uniform(rng, 0.004, 0.014) if style != "frame" else uniform(rng, 0.03, 0.06),
        body_material=pick(rng, ("black plastic", "black plastic", "charcoal plastic", "dark grey plastic",
                                 "silver plastic")),
        frame_material=pick(rng, ("white painted wood", "oak wood", "walnut wood", "black painted wood",
                                  "beige painted wood")),
        logo=chance(rng, 0.6),
        stand_material=pick(rng, ("black metal", "brushed steel", "chrome", "black plastic")),
    )


def build_tv(params: TvParams, size: Size) -> list[Part]:
    """A TV panel hung on a wall bracket (back plate on the wall, y = -d/2) or standing on feet."""
    w, d, h = (float(v) for v in size)
    p = params
    parts: list[Part] = []
    standing = p.mount in ("feet", "pedestal") and d >= 0.12
    depth_avail = min(d, 0.12) if standing else d
    if p.style == "frame":
        tp = clamp(0.7 * depth_avail, 0.02, 0.05)
    elif p.style == "classic":
        tp = clamp(0.35 * depth_avail, 0.015, 0.04)
    else:
        tp = clamp(0.25 * depth_avail, 0.008, 0.025)
    bezel = clamp(p.bezel_m, 0.003, 0.08 * min(w, h))
    stand_h = clamp(0.08 * h, 0.04, 0.12) if standing else 0.0
    z0 = stand_h
    y_front = d / 2 if not standing else min(d / 2, 0.02 + tp / 2)
    y_back = y_front - tp
    chin = clamp(0.025, 0.0, 0.06 * h) if p.style == "classic" else 0.0
    if p.style == "frame":  # a picture-frame bezel round a matted screen
        parts.append(Part("body", rounded_box((-w / 2 + 0.002, y_back, z0 + 0.002), (w / 2 - 0.002, y_front - 0.012,
                                                                                      h - 0.002), 0.003, 1),
                          p.body_material))
        x0, x1, zb, zt = -w / 2 + bezel, w / 2 - bezel, z0 + bezel, h - bezel
        yb = y_front - 0.016
        bars = [box((-w / 2, yb, z0), (w / 2, y_front, zb)), box((-w / 2, yb, zt), (w / 2, y_front, h)),
                box((-w / 2, y_front - 0.016, zb - 0.001), (x0, y_front, zt + 0.001)),
                box((x1, y_front - 0.016, zb - 0.001), (w / 2, y_front, zt + 0.001))]
        parts.append(Part("frame", merge(bars), p.frame_material))
        mat = box((x0 - 0.001, y_front - 0.013, zb - 0.001), (x1 + 0.001, y_front - 0.007, zt + 0.001))
        parts.append(Part("mat", mat, "white paper"))
        inner = clamp(0.06 * min(w, h), 0.01, 0.08)
        parts.append(Part("screen", box((x0 + inner, y_front - 0.009, zb + inner), (x1 - inner, y_front - 0.0025,
                                                                                     zt - inner)), "black screen"))
    else:
        parts += _panel(-w / 2, w / 2, z0, h, y_back, y_front, bezel, chin, p.body_material)
        if chin > 0:
            parts.append(Part("speaker_grille", box((-0.45 * w, y_front - 0.001, z0 + 0.25 * chin),
                                                    (0.45 * w, y_front + 0.0004, z0 + 0.75 * chin)), "charcoal fabric"))
        if p.logo:
            lz = z0 + (0.5 * chin if chin > 0 else 0.5 * bezel)
            lw, lh = clamp(0.04 * w, 0.02, 0.06), max(0.6 * min(chin if chin > 0 else bezel, 0.01), 0.002)
            parts.append(Part("logo", box((-lw / 2, y_front - 0.001, lz - lh / 2), (lw / 2, y_front + 0.0004,
                                                                                      lz + lh / 2)), "chrome"))
    # the electronics box behind the panel
    behind = y_back - (-d / 2)
    if not standing:
        plate_t = clamp(0.2 * behind, 0.002, 0.01) if behind > 0.004 else 0.0
        if behind > 0.006:
            bw = 0.6 * w if p.style != "frame" else 0.8 * w
            bh = (0.55 if p.style == "classic" else 0.4) * (h - z0)
            bz0 = z0 + 0.12 * (h - z0)
            parts.append(Part("back_box", rounded_box((-bw / 2, -d / 2 + plate_t * 0.5, bz0), (bw / 2, y_back + 0.001,
                                                                                              bz0 + bh),
                                                      min(0.01, 0.3 * behind), 1), p.body_material))
            pw, ph = clamp(0.3 * w, 0.1, 0.6), clamp(0.3 * h, 0.1, 0.4)
            pz = bz0 + bh / 2
            parts.append(Part("wall_bracket", box((-pw / 2, -d / 2, pz - ph / 2), (pw / 2, -d / 2 + plate_t,
                                                                                     pz + ph / 2)), "black metal"))
        else:  # a flush panel: the bracket is a thin plate
            pw, ph = clamp(0.3 * w, 0.1, 0.6), clamp(0.3 * h, 0.1, 0.4)
            parts.append(Part("wall_bracket", box((-pw / 2, -d / 2, h / 2 - ph / 2), (pw / 2, y_back + 0.0005,
                                                                                        h / 2 + ph / 2)),
                              "black metal"))
    else:
        parts.append(Part("back_box", rounded_box((-0.3 * w, y_back - 0.03, z0 + 0.1 * h), (0.3 * w, y_back + 0.001,
                                                                                          z0 + 0.5 * h), 0.008, 1),
                          p.body_material))
        if p.mount == "feet":
            for i, s in enumerate((-1.0, 1.0)):
                x = s * 0.38 * w
                foot = slab_yz([(-d / 2, 0.0), (d / 2, 0.0), (d / 2 - 0.01, 0.012), (y_back + 0.005, stand_h + 0.03),
                                (y_back - 0.005, stand_h + 0.03), (-d / 2 + 0.01, 0.012)], x - 0.012, x + 0.012)
                parts.append(Part(f"foot_{i}", foot, p.stand_material))
        else:
            bw = clamp(0.35 * w, 0.2, 0.6)
            parts.append(Part("stand_base", rounded_box((-bw / 2, -d / 2, 0.0), (bw / 2, d / 2, 0.015), 0.005, 1),
                              p.stand_material))
            parts.append(Part("stand_neck", rounded_box((-0.04, y_back - 0.025, 0.01), (0.04, y_back - 0.005,
                                                                                      stand_h + 0.15 * h), 0.005, 1),
                              p.stand_material))
    return fit_exact(parts, size)


register_generator("tv", TvParams, build_tv, no_surfaces, sample_tv_params)


# ---------------------------------------------------------------------------------------------
# monitor
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonitorParams:
    category: str = "monitor"
    support: str = "stand"  # stand | arm (a desk-clamp arm at the back)
    base_shape: str = "rect"  # rect | round | v
    curved: bool = False
    aspect: float = 0.5625  # panel height / width (16:9); portrait when the box is tall and narrow
    bezel_m: float = 0.008
    body_material: str = "black plastic"
    stand_material: str = "black plastic"


def sample_monitor_params(rng: np.random.Generator, size: Size, category: str = "monitor") -> MonitorParams:
    """Stand or clamp arm, base shape, flat or curved panel, aspect, colours."""
    w, d, h = size
    body = pick(rng, ("black plastic", "black plastic", "dark grey plastic", "white plastic", "silver plastic"))
    stand = pick(rng, ("black plastic", "aluminium", "black metal", "white plastic", "silver plastic"))
    return MonitorParams(
        category=category,
        support=pick(rng, ("stand", "arm"), (0.75, 0.25)),
        base_shape=pick(rng, ("rect", "round", "v")),
        curved=w > 0.6 and chance(rng, 0.4),
        aspect=pick(rng, (0.5625, 0.5625, 0.625, 0.42)),
        bezel_m=uniform(rng, 0.004, 0.015),
        body_material=body,
        stand_material=stand,
    )


def build_monitor(params: MonitorParams, size: Size) -> list[Part]:
    """Monitor panel at the top of the box, screen facing +Y, on a stand or a clamp arm."""
    w, d, h = (float(v) for v in size)
    p = params
    parts: list[Part] = []
    min_gap = 0.06
    ph = w * clamp(p.aspect, 0.25, 1.0)
    portrait = False
    if ph > h - min_gap:
        ph = h - min_gap
    elif h - min_gap > 1.3 * w:  # a tall, narrow box: a portrait screen
        portrait = True
        ph = min(h - min_gap, w * 1.78)
    z0 = h - ph
    bezel = clamp(p.bezel_m, 0.003, 0.05 * min(w, ph))
    edge_t = clamp(0.012, 0.006, 0.08 * d)
    bulge = clamp(0.035, 0.01, 0.2 * d)
    sag = clamp(0.035, 0.0, 0.12 * d) if p.curved and not portrait else 0.0
    k = sag / (w / 2) ** 2 if sag else 0.0
    yn = -d / 2 + 0.32 * d  # neck line
    y_front = d / 2 - sag if p.support == "arm" else min(d / 2 - sag, yn + 0.02 + bulge + edge_t)
    y_back = y_front - edge_t
    panel = _panel(-w / 2, w / 2, z0, h, y_back, y_front, bezel, 0.0, p.body_material, 16 if k else 0)
    parts += [Part(q.name, _bend(q.mesh, k), q.material) for q in panel]
    bw, bh = 0.45 * w, 0.6 * ph
    parts.append(Part("back_housing", rounded_box((-bw / 2, y_back - bulge, z0 + 0.15 * ph), (bw / 2, y_back + 0.001,
                                                                                             z0 + 0.15 * ph + bh),
                                                  min(0.012, 0.4 * bulge), 1), p.body_material))
    y_mount = y_back - bulge
    zc = z0 + 0.15 * ph + bh / 2
    if p.support == "arm":
        cw = 0.06
        cy0 = -d / 2
        parts.append(Part("clamp", rounded_box((-cw / 2, cy0, 0.0), (cw / 2, cy0 + 0.06, 0.05), 0.006, 1),
                          p.stand_material))
        pole_top = clamp(zc + 0.02, 0.1, h - 0.02)
        px, py = 0.0, cy0 + 0.03
        parts.append(Part("pole", cylinder((px, py, 0.0), 0.014, 0.04, pole_top, 16), p.stand_material))
        # two arm links: up the pole to an elbow beside it, then forward to the panel's mount
        ex, ey = 0.2 * w, (py + y_mount) / 2 - 0.02
        pts = np.array([(px, py, pole_top - 0.03), (ex, ey, zc), (0.0, y_mount - 0.02, zc)])
        parts.append(Part("arm_0", sweep(np.linspace(pts[0], pts[1], 6), 0.013, 12), p.stand_material))
        parts.append(Part("arm_1", sweep(np.linspace(pts[1], pts[2], 6), 0.012, 12), p.stand_material))
        parts.append(Part("vesa_plate", rounded_box((-0.05, y_mount - 0.02, zc - 0.05), (0.05, y_mount + 0.002,
                                                                                         zc + 0.05), 0.004, 1),
                          p.stand_material))
        return fit_exact(parts, size)
    # stand: base, neck up the back of the panel
    base_t = clamp(0.012, 0.006, 0.04 * h)
    if p.base_shape == "round":
        r = min(d / 2, 0.22 * w + 0.05)
        parts.append(Part("base", lathe([(0, 0), (r, 0), (0.97 * r, base_t), (0, base_t)], 24, (0.0, 0.0, 0.0),
                                        scale_xy=(1.0, d / 2 / r)), p.stand_material))
    elif p.base_shape == "v":
        spread = clamp(0.35 * w, 0.12, 0.3)
        legs = [_prong((0.0, yn), (sx * spread, d / 2), 0.013, base_t) for sx in (-1.0, 1.0)]
        legs.append(_prong((0.0, -d / 2), (0.0, yn + 0.01), 0.02, base_t))
        parts.append(Part("base", merge(legs), p.stand_material))
    else:
        bwid = clamp(0.4 * w, 0.18, 0.32)
        parts.append(Part("base", rounded_box((-bwid / 2, -d / 2, 0.0), (bwid / 2, d / 2, base_t),
                                              min(0.01, 0.4 * base_t), 1), p.stand_material))
    nw, nd = clamp(0.09 * w, 0.04, 0.07), 0.022
    neck_y1 = y_mount + 0.002
    parts.append(Part("neck", rounded_box((-nw / 2, neck_y1 - nd, base_t * 0.5), (nw / 2, neck_y1, zc + 0.05),
                                          0.006, 1), p.stand_material))
    return fit_exact(parts, size)


def _prong(a: tuple[float, float], b: tuple[float, float], half_width: float, t: float) -> trimesh.Trimesh:
    """A flat bar of a V-shaped foot from (x, y) ``a`` to ``b``, ``t`` thick."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy)
    nx, ny = -dy / length * half_width, dx / length * half_width
    return prism([(a[0] - nx, a[1] - ny), (b[0] - nx, b[1] - ny), (b[0] + nx, b[1] + ny), (a[0] + nx, a[1] + ny)],
                 0.0, t)


register_generator("monitor", MonitorParams, build_monitor, no_surfaces, sample_monitor_params)
