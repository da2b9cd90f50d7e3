"""The light model shared by the render backends: scene lights, daylight through windows, exposure.

Photometric units throughout: a light's luminous flux (``Light.lumens_value``), intensities in
candela, illuminance in lux. Both backends read the same :class:`LightSpec` list, so a ``gl`` and a
``pbr`` render of one scene are lit the same way.

* ``point`` and ``ceiling_fixture`` lights: isotropic, ``lumens / 4 pi`` cd.
* ``spot``: ``lumens / 4 pi`` cd inside the cone (``cone_deg`` full angle, soft edge over the outer 20 %).
* ``area``: a Lambertian emitter of ``area_size`` facing ``direction``, peak ``lumens / pi`` cd.
* Daylight (``daylight`` > 0): every window is an area light on its room-side face facing into the
  room, ``daylight * DAYLIGHT_LM_PER_M2`` lumens per square metre of glass, coloured like a
  black body of ``daylight_kelvin`` (default :data:`DAYLIGHT_KELVIN`, a 6500 K sky; lower values
  give the warm light of a low morning or evening sun). The default level is a soft evening sky so
  the scene's own lamps still matter.
* ``fixture``: the instance ids (see :mod:`.scenegeom`) whose bounds contain the light: a bulb
  inside its lampshade. The rasterizer leaves them out of that light's shadow map; the path tracer
  turns their emissive parts into the emitter.

:func:`exposure` maps scene-referred luminance to display values before tone mapping. It depends
on the scene only (total flux over floor area), never on the camera, so all views of one scene
share one exposure and look consistent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..scene import Scene

DAYLIGHT_LM_PER_M2 = 500.0
DAYLIGHT_KELVIN = 6500.0
#: scene-referred -> display scale: a white diffuse surface at the average illuminance maps to about this
EXPOSURE_KEY = 1.1
#: indirect (bounce) illuminance as a fraction of the average direct illuminance, for backends without GI
AMBIENT_FRACTION = 0.45
#: display value (before tone mapping) of an emissive material per unit of its emission, in every backend
EMISSION_SCALE = 0.55
#: a scene without lights is drawn under a uniform light of this display value for white, not black
UNLIT_EXPOSURE = 1.2


@dataclass(frozen=True)
class LightSpec:
    id: str
    kind: str  # "point" | "spot" | "area"
    position: tuple[float, float, float]
    direction: tuple[float, float, float]  # unit; ignored by point lights
    color: tuple[float, float, float]  # linear RGB, max channel 1
    lumens: float
    intensity_cd: float  # peak intensity
    cone_deg: float = 180.0  # full angle of a spot; 180 for area lights (a hemisphere)
    area_size: tuple[float, float] = (0.0, 0.0)
    fixture: tuple[int, ...] = ()
    daylight: bool = False


def _color(light) -> tuple[float, float, float]:
    from ..materials import kelvin_to_rgb

    rgb = light.rgb if light.rgb is not None else kelvin_to_rgb(light.kelvin_value or 4000.0)
    m = max(max(rgb), 1e-6)
    return tuple(float(c) / m for c in rgb)  # type: ignore[return-value]


def _instance_boxes(geom) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    boxes: dict[int, list] = {}
    for s in geom.surfaces:
        if geom.instances[s.instance]["kind"] != "object":
            continue
        p = s.positions.reshape(-1, 3)
        lo, hi = p.min(axis=0), p.max(axis=0)
        if s.instance in boxes:
            a, b = boxes[s.instance]
            boxes[s.instance] = [np.minimum(a, lo), np.maximum(b, hi)]
        else:
            boxes[s.instance] = [lo, hi]
    return {k: (v[0], v[1]) for k, v in boxes.items()}


def daylight_rgb(kelvin: float = DAYLIGHT_KELVIN) -> tuple[float, float, float]:
    """The colour (linear RGB, max channel 1) of daylight of colour temperature ``kelvin``."""
    from ..materials import kelvin_to_rgb

    sky = kelvin_to_rgb(float(kelvin))
    m = max(sky)
    return tuple(float(c) / m for c in sky)  # type: ignore[return-value]


def scene_lights(scene: Scene, geom=None, *, daylight: float = 1.0,
                 daylight_kelvin: float = DAYLIGHT_KELVIN) -> list[LightSpec]:
    """The lights both backends draw (see the module doc); ``geom`` (a :class:`SceneGeometry`)
    lets lights know the fixtures that enclose them; ``daylight`` scales the windows' daylight and
    ``daylight_kelvin`` sets its colour temperature."""
    boxes = _instance_boxes(geom) if geom is not None else {}
    out: list[LightSpec] = []
    for light in scene.lights:
        lm = float(light.lumens_value)
        pos = np.asarray(light.position, dtype=float)
        fixture = tuple(sorted(i for i, (lo, hi) in boxes.items()
                               if np.all(pos >= lo - 0.03) and np.all(pos <= hi + 0.03)))
        d = np.asarray(light.direction, dtype=float)
        d = tuple(float(x) for x in d / max(np.linalg.norm(d), 1e-12))
        if light.kind == "spot":
            spec = LightSpec(light.id, "spot", tuple(pos), d, _color(light), lm, lm / (4 * math.pi),
                             cone_deg=float(light.cone_deg), fixture=fixture)
        elif light.kind == "area":
            spec = LightSpec(light.id, "area", tuple(pos), d, _color(light), lm, lm / math.pi,
                             area_size=tuple(float(x) for x in light.area_size), fixture=fixture)
        else:
            spec = LightSpec(light.id, "point", tuple(pos), (0.0, 0.0, -1.0), _color(light), lm, lm / (4 * math.pi),
                             cone_deg=360.0, fixture=fixture)
        out.append(spec)
    if daylight > 0:
        sky = daylight_rgb(daylight_kelvin)
        walls = scene.wall_map
        for room in scene.rooms:
            for o in room.openings:
                if o.kind != "window" or o.wall not in walls:
                    continue
                w = walls[o.wall]
                x, y = w.point_at(o.offset + o.width / 2.0)
                nx, ny = w.normal
                pos = (x + 0.02 * nx, y + 0.02 * ny, o.sill + o.height / 2.0)
                lm = daylight * DAYLIGHT_LM_PER_M2 * o.width * o.height
                out.append(LightSpec(f"daylight_{o.id}", "area", pos, (nx, ny, 0.0), sky, lm, lm / math.pi,
                                     area_size=(o.width, o.height), daylight=True))
    return out


def floor_area(scene: Scene) -> float:
    from ..scene.geometry import signed_area

    return float(sum(abs(signed_area(r.polygon)) for r in scene.rooms)) or 1.0


def average_illuminance(lights: list[LightSpec], scene: Scene) -> float:
    """Average direct illuminance (lux) over the room surfaces: flux over floor + wall area."""
    area = floor_area(scene)
    walls = sum(w.length * w.height for w in scene.walls)
    return max(sum(s.lumens for s in lights) * 2.0 / (2.0 * area + walls), 1.0)


def exposure(lights: list[LightSpec], scene: Scene) -> float:
    """Display value per unit of luminance (cd/m^2), before tone mapping (see the module doc)."""
    return EXPOSURE_KEY * math.pi / average_illuminance(lights, scene)
