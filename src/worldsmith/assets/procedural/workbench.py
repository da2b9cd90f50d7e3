"""Workbenches: a thick worktop on sturdy legs with stretchers.

Wooden (square legs, butcher-block or plywood top) or steel-framed benches; an optional lower shelf on
the stretchers, a drawer unit under one end of the top, a woodworker's vise at the front left (its jaw
and tommy bar in front of the top, +Y), casters, and at the back (-Y) either nothing, a low
pegboard back panel with hanging tools, or a riser shelf on two posts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..parts import Part
from ..primitives import box, cylinder, cylinder_along, merge
from ..surfaces import Surface, rect
from ._shapes import rbox
from .params import chance, clamp, pick, register_generator, uniform

Size = tuple[float, float, float]


@dataclass(frozen=True)
class WorkbenchParams:
    category: str = "workbench"
    frame: str = "wood"  # wood | steel
    top_material: str = "beech wood"
    frame_material: str = "pine wood"
    top_thickness_m: float = 0.05
    leg_half_m: float = 0.04
    shelf: bool = True
    drawers: int = 0  # drawers stacked under one end of the top
    vise: bool = True
    back: str = "none"  # none | pegboard | riser
    casters: bool = False
    overhang_m: float = 0.05
    accent_material: str = "red painted metal"


def sample_workbench_params(rng: np.random.Generator, size: Size, category: str = "workbench") -> WorkbenchParams:
    h = size[2]
    frame = pick(rng, ("wood", "steel"), (0.6, 0.4))
    if frame == "wood":
        fm = pick(rng, ("pine wood", "beech wood", "oak wood", "birch plywood"))
        top = pick(rng, ("beech wood", "oak wood", "birch plywood", fm))
    else:
        fm = pick(rng, ("black metal", "dark grey painted metal", "blue painted metal", "red painted metal",
                        "grey painted metal"))
        top = pick(rng, ("beech wood", "birch plywood", "brushed steel", "oak wood"))
    return WorkbenchParams(
        category=category,
        frame=frame,
        top_material=top,
        frame_material=fm,
        top_thickness_m=uniform(rng, 0.035, 0.08) if frame == "wood" else uniform(rng, 0.025, 0.05),
        leg_half_m=uniform(rng, 0.03, 0.05) if frame == "wood" else uniform(rng, 0.02, 0.03),
        shelf=chance(rng, 0.75),
        drawers=pick(rng, (0, 0, 1, 2, 3)),
        vise=chance(rng, 0.45),
        back=pick(rng, ("none", "pegboard", "riser"), (0.4, 0.35, 0.25)) if h >= 0.9 else "none",
        casters=chance(rng, 0.2),
        overhang_m=uniform(rng, 0.0, 0.08),
        accent_material=pick(rng, ("red painted metal", "blue painted metal", "black metal", "orange plastic",
                                   "yellow plastic")),
    )


@dataclass(frozen=True)
class _Bench:
    w: float
    d: float
    h: float
    z_top: float  # worktop surface
    top_t: float
    y_front: float  # front edge of the top (a vise sits in front of it)
    y_back: float  # back edge of the usable top (behind it: the back panel / riser posts)
    lr: float  # leg half size
    xl: float  # leg centre |x|
    yl: float  # leg centre |y|
    z_shelf: float  # top of the lower shelf (0: none)
    shelf_t: float
    back_h: float  # height of the back panel / riser above the top (0: none)


def _frame(p: WorkbenchParams, size: Size) -> _Bench:
    w, d, h = (float(v) for v in size)
    top_t = clamp(p.top_thickness_m, 0.02, 0.1)
    back_h = 0.0
    z_top = h
    if p.back in ("pegboard", "riser") and h >= 0.85:
        z_top = clamp(h - 0.2, 0.72, h - 0.12)
        back_h = h - z_top
    y_front = d / 2 - (0.085 if p.vise else 0.0)
    y_back = -d / 2 + (0.025 if back_h > 0 else 0.0)
    lr = clamp(p.leg_half_m, 0.015, 0.06)
    oh = clamp(p.overhang_m, 0.0, 0.12)
    xl = min(w / 2 - oh - lr, w / 2 - 0.035)  # caster plates stay under the top
    yl = min(d / 2 - 0.04 - lr, (y_front - y_back) / 2 - 0.03 - lr)
    shelf_t = 0.018 if p.frame == "wood" else 0.012
    z_shelf = clamp(0.22 * z_top, 0.12, 0.3) if p.shelf else 0.0
    return _Bench(w, d, h, z_top, top_t, y_front, y_back, lr, xl, yl, z_shelf, shelf_t, back_h)


def build_workbench(params: WorkbenchParams, size: Size) -> list[Part]:
    """Parts of a workbench of exactly ``size`` (front +Y, back -Y)."""
    f = _frame(params, size)
    p = params
    w, d, h = f.w, f.d, f.h
    fm = p.frame_material
    wood = p.frame == "wood"
    zt0 = f.z_top - f.top_t
    yc = (f.y_front + f.y_back) / 2  # centre of the frame in Y
    parts = [Part("top", rbox((-w / 2, f.y_back, zt0), (w / 2, f.y_front, f.z_top), 0.004 if wood else 0.002),
                  p.top_material)]
    # legs (on casters or straight to the floor) and the apron under the top
    caster_h = 0.09 if p.casters else 0.0
    apron = 0.1 if wood else 0.05
    for i, (sx, sy) in enumerate(((-1, -1), (1, -1), (1, 1), (-1, 1))):
        x, y = sx * f.xl, yc + sy * f.yl
        parts.append(Part(f"leg_{i}", rbox((x - f.lr, y - f.lr, caster_h), (x + f.lr, y + f.lr, zt0 + 0.001),
                                            0.004), fm))
        if p.casters:
            parts.append(Part(f"caster_{i}", merge([
                rbox((x - 0.03, y - 0.03, caster_h - 0.015), (x + 0.03, y + 0.03, caster_h), 0.003),
                cylinder_along("x", (x - 0.012, y, 0.0375), 0.024, 0.0375, 12)]), "black rubber"))
    at = 0.022 if wood else 0.015
    for i, sy in enumerate((-1, 1)):
        y = yc + sy * (f.yl + f.lr - at / 2)
        parts.append(Part(f"apron_{i}", rbox((-f.xl, y - at / 2, zt0 - apron), (f.xl, y + at / 2, zt0), 0.003), fm))
    for i, sx in enumerate((-1, 1)):
        x = sx * f.xl
        parts.append(Part(f"apron_{i + 2}", rbox((x - at / 2, yc - f.yl, zt0 - apron), (x + at / 2, yc + f.yl, zt0),
                                                  0.003), fm))
    # stretchers and the lower shelf on them
    zs = f.z_shelf - f.shelf_t if f.z_shelf > 0 else clamp(0.18 * f.z_top, 0.1, 0.25)
    sh = 0.035 if wood else 0.02
    for i, sy in enumerate((-1, 1)):
        y = yc + sy * f.yl
        parts.append(Part(f"stretcher_{i}", rbox((-f.xl, y - at / 2, zs - sh), (f.xl, y + at / 2, zs), 0.003), fm))
    for i, sx in enumerate((-1, 1)):
        x = sx * f.xl
        parts.append(Part(f"stretcher_{i + 2}", rbox((x - at / 2, yc - f.yl, zs - sh), (x + at / 2, yc + f.yl, zs),
                                                      0.003), fm))
    if f.z_shelf > 0:
        parts.append(Part("shelf", rbox((-f.xl + f.lr, yc - f.yl + f.lr, f.z_shelf - f.shelf_t),
                                         (f.xl - f.lr, yc + f.yl - f.lr, f.z_shelf), 0.003),
                          p.top_material if p.top_material != "brushed steel" else "birch plywood"))
    # drawers under the right end of the top
    nd = int(clamp(p.drawers, 0, 3))
    if nd:
        dw = min(0.45, 0.3 * w)
        x1 = f.xl - f.lr
        x0 = x1 - dw
        dh = min(0.13 * nd, zt0 - (f.z_shelf if f.z_shelf > 0 else zs) - 0.08)
        if dh > 0.08:
            z0 = zt0 - dh
            y0, y1 = yc - f.yl + f.lr, yc + f.yl + f.lr
            parts.append(Part("drawer_case", rbox((x0, y0, z0), (x1, y1 - 0.02, zt0), 0.003), fm))
            hs = []
            for k in range(nd):
                za, zb = z0 + dh * k / nd + 0.004, z0 + dh * (k + 1) / nd - 0.004
                parts.append(Part(f"drawer_{k}", rbox((x0 + 0.006, y1 - 0.022, za), (x1 - 0.006, y1 + 0.004, zb),
                                                       0.003), p.top_material if wood else p.accent_material))
                zm = (za + zb) / 2
                hs.append(rbox(((x0 + x1) / 2 - 0.05, y1 + 0.004, zm - 0.008),
                                ((x0 + x1) / 2 + 0.05, y1 + 0.02, zm + 0.008), 0.004))
            parts.append(Part("drawer_handles", merge(hs), "brushed steel"))
    # vise at the front left: jaw, guide bars, screw and tommy bar
    if p.vise:
        xv0 = -w / 2 + 0.08
        xv1 = xv0 + min(0.32, 0.3 * w)
        xm = (xv0 + xv1) / 2
        jaw_d = 0.04
        parts.append(Part("vise_jaw", rbox((xv0, f.y_front, f.z_top - 0.16), (xv1, f.y_front + jaw_d, f.z_top), 0.004),
                          p.top_material if wood else "cast iron"))
        guides = [cylinder_along("y", (x, f.y_front - 0.25, f.z_top - 0.11), 0.25 + jaw_d, 0.011, 8)
                  for x in (xv0 + 0.03, xv1 - 0.03)]
        parts.append(Part("vise_guides", merge(guides), "brushed steel"))
        yh = d / 2 - 0.016  # the tommy bar's axis
        parts.append(Part("vise_screw", merge([
            cylinder_along("y", (xm, f.y_front - 0.2, f.z_top - 0.09), 0.2 + jaw_d, 0.014, 12),
            cylinder_along("y", (xm, f.y_front + jaw_d, f.z_top - 0.09), yh - f.y_front - jaw_d, 0.022, 12)]),
            "cast iron"))
        parts.append(Part("vise_handle", merge([
            cylinder_along("x", (xm - 0.14, yh, f.z_top - 0.09), 0.28, 0.009, 8),
            cylinder_along("x", (xm - 0.16, yh, f.z_top - 0.09), 0.024, 0.016, 8),
            cylinder_along("x", (xm + 0.136, yh, f.z_top - 0.09), 0.024, 0.016, 8)]),
            "brushed steel" if p.frame == "wood" else "chrome"))
    # back: pegboard with hanging tools, or a riser shelf
    if f.back_h > 0:
        yb = -d / 2
        if p.back == "pegboard":
            parts.append(Part("pegboard", rbox((-w / 2 + 0.02, yb, zt0), (w / 2 - 0.02, yb + 0.018, h), 0.003),
                              pick_board(p)))
            parts += _tools(p, w, yb + 0.018, f.z_top, h)
        else:
            st = 0.02
            for i, sx in enumerate((-1, 1)):
                x = sx * (w / 2 - 0.05)
                post = rbox((x - 0.02, yb, f.z_top - 0.002), (x + 0.02, yb + 0.025, h - st), 0.003)
                parts.append(Part(f"riser_post_{i}", post, fm))
            parts.append(Part("riser_shelf", rbox((-w / 2 + 0.02, yb, h - st), (w / 2 - 0.02, yb + 0.16, h), 0.003),
                              p.top_material if p.top_material != "brushed steel" else "birch plywood"))
    return parts


def pick_board(p: WorkbenchParams) -> str:
    return "cork" if p.frame == "wood" and p.top_material == "oak wood" else (
        "white painted wood" if p.frame == "wood" else "grey painted metal")


def _tools(p: WorkbenchParams, w: float, y: float, z0: float, h: float) -> list[Part]:
    """A hammer, a wrench and a screwdriver hanging on hooks on the pegboard."""
    span = h - z0
    zc = z0 + 0.55 * span
    hooks, heads, handles = [], [], []
    xs = np.linspace(-0.3 * w, 0.3 * w, 3)
    length = min(0.22, 0.8 * span)
    for k, x in enumerate(xs):
        top = zc + length / 2
        hooks.append(box((x - 0.003, y, top - 0.006), (x + 0.003, y + 0.035, top)))
        if k == 0:  # hammer: handle down, head across at the top
            handles.append(box((x - 0.012, y + 0.015, top - length), (x + 0.012, y + 0.03, top - 0.03)))
            heads.append(box((x - 0.06, y + 0.01, top - 0.04), (x + 0.06, y + 0.035, top - 0.01)))
        elif k == 1:  # wrench
            heads.append(box((x - 0.01, y + 0.01, top - length), (x + 0.01, y + 0.02, top - 0.01)))
            heads.append(box((x - 0.02, y + 0.01, top - 0.035), (x + 0.02, y + 0.02, top - 0.005)))
        else:  # screwdriver: handle at the top, shaft down
            handles.append(cylinder((x, y + 0.022, 0.0), 0.014, top - 0.1, top - 0.008, 8))
            heads.append(cylinder((x, y + 0.022, 0.0), 0.004, top - length, top - 0.1, 8))
    return [Part("tool_hooks", merge(hooks), "chrome"), Part("tool_heads", merge(heads), "brushed steel"),
            Part("tool_handles", merge(handles), p.accent_material if "plastic" in p.accent_material else
                 "red plastic")]


def workbench_surfaces(params: WorkbenchParams, size: Size) -> list[Surface]:
    """The lower shelf (clearance up to the top's underside), the worktop, and the riser shelf."""
    f = _frame(params, size)
    w, d, h = f.w, f.d, f.h
    yc = (f.y_front + f.y_back) / 2
    out = []
    if f.z_shelf > 0:
        m = 0.02
        x1 = f.xl - f.lr - m
        y0, y1 = yc - f.yl + f.lr + m, yc + f.yl - f.lr - m
        out.append(Surface(0, f.z_shelf, rect(-x1, y0, x1, y1), "shelf", f.z_top - f.top_t - f.z_shelf))
    y0 = f.y_back + 0.02 if f.back_h == 0 or params.back != "riser" else -d / 2 + 0.18
    if f.back_h > 0 and params.back == "pegboard":
        y0 = max(y0, -d / 2 + 0.06)  # clear of the hanging tools
    out.append(Surface(len(out), f.z_top, rect(-w / 2 + 0.02, y0, w / 2 - 0.02, f.y_front - 0.02), "top"))
    if f.back_h > 0 and params.back == "riser":
        out.append(Surface(len(out), h, rect(-w / 2 + 0.04, -d / 2 + 0.02, w / 2 - 0.04, -d / 2 + 0.14), "riser_shelf"))
    return out


register_generator("workbench", WorkbenchParams, build_workbench, workbench_surfaces, sample_workbench_params)
