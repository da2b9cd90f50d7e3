"""Parametric proxies: stand-ins for things the catalog does not know ("a harp", "a kayak").

When a requested category is not close to any known one, the object is still added, as a proxy of a
plausible size (guessed from similar categories), labelled with what was asked for (``category`` is the
request's snake_case name) so reports and exports say what it stands for. Its shape follows its
proportions and support: a tall thin request becomes a column on a round foot, a low wide one a slab on
a plinth, a flat wall one a panel, anything else a rounded block on a plinth. Nothing about it pretends
to be the real object.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..parts import Part
from ..primitives import cylinder, frustum, rounded_box
from ..surfaces import Surface, rect
from .params import register_generator

Size = tuple[float, float, float]

SHAPES = ("block", "column", "slab", "panel")


@dataclass(frozen=True)
class ProxyParams:
    category: str = "proxy"  # the label: what the proxy stands for
    support: str = "floor"  # floor | wall | ceiling | object
    shape: str = "block"  # block | column | slab | panel
    material: str = "light grey plastic"
    accent_material: str = "dark grey plastic"


def proxy_shape(size: Size, support: str) -> str:
    """The shape that suits a proxy of ``size`` (w, d, h) and ``support``."""
    w, d, h = size
    if support == "wall" or d < 0.25 * min(w, h):
        return "panel"
    if h > 2.5 * max(w, d):
        return "column"
    if h < 0.4 * max(w, d):
        return "slab"
    return "block"


def proxy_params(label: str, support: str, size: Size) -> ProxyParams:
    """The stand-in for ``label`` (what was asked for) with ``support`` at ``size``; the shape
    follows the proportions. A proxy has no random look: the same request gives the same thing."""
    return ProxyParams(category=label, support=support, shape=proxy_shape(size, support))


def sample_proxy_params(rng: np.random.Generator, size: Size, category: str = "proxy") -> ProxyParams:
    """Proxy params for ``category`` (a label) at ``size``, standing on the floor (callers that know
    the support use :func:`proxy_params`)."""
    del rng
    return proxy_params(category, "floor", size)


def build_proxy(p: ProxyParams, size: Size) -> list[Part]:
    """Parts of a proxy of exactly ``size`` (origin at the bottom centre, front +Y)."""
    w, d, h = (float(v) for v in size)
    shape = p.shape if p.shape in SHAPES else "block"
    if shape == "column":
        r = min(w, d) / 2.0
        foot = min(0.05 * h, 0.06)
        return [
            Part("foot", frustum((0.0, 0.0, 0.0), r, 0.8 * r, 0.0, foot, 24), p.accent_material),
            Part("body", cylinder((0.0, 0.0, 0.0), 0.7 * r, foot, h, 24), p.material),
        ]
    if shape == "panel":
        t = min(0.02, 0.3 * d)
        return [
            Part("backing", rounded_box((-w / 2, -d / 2, 0.0), (w / 2, -d / 2 + t, h), 0.3 * t), p.accent_material),
            Part("body", rounded_box((-w / 2 + 0.1 * min(w, h), -d / 2 + t * 0.5, 0.1 * min(w, h)),
                                     (w / 2 - 0.1 * min(w, h), d / 2, h - 0.1 * min(w, h)), 0.4 * (d - t)), p.material),
        ]
    plinth = min(0.08 * h, 0.05)
    inset = min(0.03, 0.08 * min(w, d))
    radius = 0.12 * min(w, d, h)
    return [
        Part("plinth", rounded_box((-w / 2 + inset, -d / 2 + inset, 0.0), (w / 2 - inset, d / 2 - inset, plinth),
                                   0.2 * plinth), p.accent_material),
        Part("body", rounded_box((-w / 2, -d / 2, plinth), (w / 2, d / 2, h), radius), p.material),
    ]


def proxy_surfaces(p: ProxyParams, size: Size) -> list[Surface]:
    """The flat part of the top of a block or slab (columns and panels offer nothing)."""
    w, d, h = (float(v) for v in size)
    if p.shape not in ("block", "slab"):
        return []
    m = 0.12 * min(w, d, h) + 0.005
    if w <= 2 * m or d <= 2 * m:
        return []
    return [Surface(0, h, rect(-w / 2 + m, -d / 2 + m, w / 2 - m, d / 2 - m), "top", None)]


register_generator("proxy", ProxyParams, build_proxy, proxy_surfaces, sample_proxy_params)
