"""Generator params: dataclass <-> JSON dict, and small sampling helpers.

Every ``XxxParams`` dataclass gives every field a default, so an empty or partial dict (an old
scene, a hand-written file) still builds. Field types come from the defaults: floats, ints, bools,
strings and tuples. Scenes store lists as tuples; both are accepted.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any, Callable, Mapping, Sequence, TypeVar

import numpy as np

log = logging.getLogger(__name__)

P = TypeVar("P")


def params_to_dict(params: Any) -> dict[str, Any]:
    """JSON values of a params dataclass (tuples become lists)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(params):
        v = getattr(params, f.name)
        out[f.name] = list(v) if isinstance(v, tuple) else v
    return out


def params_from_dict(cls: type[P], data: Mapping[str, Any] | None) -> P:
    """Build ``cls`` from JSON values; missing keys take defaults, unknown keys are ignored (logged)."""
    data = dict(data or {})
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name not in data:
            continue
        v = data.pop(f.name)
        default = f.default
        if isinstance(default, bool):
            kwargs[f.name] = bool(v)
        elif isinstance(default, int):
            kwargs[f.name] = int(round(float(v)))
        elif isinstance(default, float):
            kwargs[f.name] = float(v)
        elif isinstance(default, str):
            kwargs[f.name] = str(v)
        elif isinstance(default, tuple):
            kwargs[f.name] = tuple(v)
        else:
            kwargs[f.name] = v
    if data:
        log.debug("%s: ignoring unknown params %s", cls.__name__, sorted(data))
    return cls(**kwargs)  # type: ignore[call-arg]


def pick(rng: np.random.Generator, options: Sequence[Any], p: Sequence[float] | None = None) -> Any:
    """One of ``options`` (a plain Python value), with optional weights ``p`` (normalised here)."""
    if p is None:
        return options[int(rng.integers(len(options)))]
    w = np.asarray(p, dtype=float)
    return options[int(rng.choice(len(options), p=w / w.sum()))]


def uniform(rng: np.random.Generator, lo: float, hi: float, digits: int = 4) -> float:
    """A uniform float in [lo, hi], rounded so stored params stay short and exact in JSON."""
    return round(float(rng.uniform(lo, hi)), digits)


def chance(rng: np.random.Generator, p: float) -> bool:
    return bool(rng.random() < p)


def clamp(v: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, v))


Size = tuple[float, float, float]

#: generator name -> (rng, size, category) -> params dict
SAMPLERS: dict[str, Callable[[np.random.Generator, Size, str], dict]] = {}


def register_generator(name: str, params_cls: type[P], build: Callable[[P, Size], list],
                       surfaces: Callable[[P, Size], list], sample: Callable[[np.random.Generator, Size, str], P]) -> None:
    """Register a generator once for all three uses: building parts from a params dict, its
    support surfaces, and sampling params (stored in scenes as JSON dicts)."""
    from ..build import GENERATORS
    from ..surfaces import SURFACES

    GENERATORS[name] = lambda data, size: build(params_from_dict(params_cls, data), size)
    SURFACES[name] = lambda data, size: surfaces(params_from_dict(params_cls, data), size)
    SAMPLERS[name] = lambda rng, size, category: params_to_dict(sample(rng, size, category))
