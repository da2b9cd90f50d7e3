"""MuJoCo MJCF export: the scene as a physics model that settles under gravity.

:func:`scene_to_mjcf` writes one self-contained XML string (meshes inline, no sidecar files);
:func:`export_mjcf` writes it to a file (format ``"mjcf"`` of :mod:`worldsmith.export`). The
reference check is ``mujoco.MjModel.from_xml_string`` compiling it. Nothing here imports mujoco:
the text is built with the standard library, so exporting needs no physics engine.

Model structure
---------------
::

    <mujoco model="worldsmith">
      <compiler angle="radian" inertiafromgeom="false"/>     every moving body has <inertial>
      <option timestep=... integrator="implicitfast" cone="elliptic" impratio="10">
        <flag multiccd="enable"/> </option>
      <default> geom classes "building", "fixed", "movable", "covering" (contact bits below) </default>
      <asset> <mesh name="<first object id>/<k>" vertex="..." face="..." inertia="convex"/> ... </asset>
      <worldbody>
        <light .../> per scene light          <camera .../> per camera record (or one default)
        <geom class="building" type="box" name="floor_<room>" | "ceiling_<room>" | "<wall>_segment_<k>" ...>
        <body name="<object id>" pos quat>                  wall- and ceiling-mounted objects: no joint
          <geom class="fixed" type="mesh" name="<object id>/<k>" mesh=.../>
        </body>
        <body name="<object id>" pos quat>                  movable objects: a free body
          <freejoint name="<object id>"/>
          <inertial pos mass fullinertia/>
          <geom class="movable"|"covering" type="mesh" .../>
        </body>
      </worldbody>
    </mujoco>

- Static architecture: the boxes of :func:`worldsmith.export.collision.static_shell` (floor and
  ceiling slabs, wall pieces around door and window holes, which stay open), one ``box`` geom each,
  named like the box.
- Objects (scene order): a body named by the object id at its pose (``pos`` = position,
  ``quat`` = yaw about Z), whose geoms are the object's convex pieces
  (:func:`worldsmith.export.collision.collision_parts`, local frame) as mesh geoms named
  ``<object id>/<k>``. Movable objects (:func:`~worldsmith.export.collision.is_movable`) get a
  ``<freejoint>`` named by the object id (so ``model.joint(id).qposadr`` finds its pose) and an
  ``<inertial>`` from :func:`~worldsmith.export.collision.mass_properties`; the others are welded
  to the world. Objects with the same asset and size share their meshes (named after the first
  object using them).
- Contact bits (``contype`` / ``conaffinity``): building and fixed geoms 1 / 1, movable 2 / 3,
  floor coverings (:func:`~worldsmith.export.collision.is_floor_covering`, rugs) 4 / 1. So movable
  objects collide with each other and the building, rugs collide with the building only (the
  layout lets furniture stand through a rug onto the floor).
- Contact parameters: friction 0.8 (sliding), 0.005 (torsional), 0.0001 (rolling), condim 3,
  MuJoCo's default ``solref`` "0.02 1" and a stiffer ``solimp`` "0.95 0.99 0.001" (less sinking
  of heavy furniture); elliptic friction cones with ``impratio`` 10 stop the slow creep of things
  resting on slopes and edges; ``implicitfast`` integration. ``<flag multiccd="enable"/>`` (the
  default from MuJoCo 3.8, written out for older versions) gives several contacts per flat
  mesh-mesh contact, which keeps boxes from wobbling on a single contact point.
- Geom colours: ``rgba`` of each piece's resolved material (``resolve_pbr``, tinted by the object's
  colour where it applies), for the MuJoCo viewer.

Lights and cameras
------------------
Lights (``<light>``, named by the light id): ``point`` -> ``type="point"``; ``ceiling_fixture`` ->
a ``spot`` aimed down with a 90-degree cutoff (MuJoCo's native renderer draws spots and
directional lights only); ``spot`` -> a ``spot`` along ``direction`` with ``cutoff`` = cone_deg / 2;
``area`` -> a ``spot`` along ``direction`` with a 90-degree cutoff. ``diffuse`` is the light's colour
(``rgb`` or the black-body colour of ``kelvin``) times 0.7 (MuJoCo's default level), ``intensity``
its luminous intensity in candela (lumens / 4 pi; area: lumens / pi), used by MuJoCo's
physically-based renderers. Shadows are off (one render pass per shadowed light).

``cameras`` takes records in the format of ``worldsmith.render.camera.Camera.to_dict()`` (the
entries of a run's ``renders/cameras.json``): ``name``, ``projection``, ``width``, ``height``,
``cam_to_world`` (4x4, OpenCV: x right, y down, z forward), ``fov_y_deg`` (perspective) or
``ortho_height_m`` (orthographic). MuJoCo cameras look along their local -Z with +Y up (OpenGL),
so ``xyaxes`` are the first column and the negated second column of ``cam_to_world``; ``pos`` its
translation. Perspective records give ``fovy`` = fov_y_deg; orthographic ones
``projection="orthographic"`` with ``fovy`` = ortho_height_m (MuJoCo reads an orthographic fovy as
a length); equirectangular records are skipped (MuJoCo has no panoramic camera). ``resolution``
is the record's size. With ``cameras=None`` one default perspective camera ``"default"`` (60
degrees) stands 0.3 m inside the first room's first polygon corner (towards the room's centre) at
75 % of the room height (at most 1.8 m), looking at the room's centre 0.8 m above the floor.
Camera names must be unique.

Needs MuJoCo 3.5 or newer to load (light ``type`` came in 3.3.3, mesh ``inertia`` in 3.2.5,
camera ``projection`` in 3.5.0).

Determinism: numbers are written with at most 6 decimals (:func:`_num`, no negative zero),
elements in scene order; the same scene gives the same bytes.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any, Mapping, Sequence
from xml.sax.saxutils import quoteattr

import numpy as np

from ..scene import Light, Scene
from .collision import (collision_pieces, is_floor_covering, is_movable, mass_properties, static_shell)
from .errors import ExportError

log = logging.getLogger(__name__)

#: default simulation step (seconds)
DEFAULT_TIMESTEP = 0.002
#: sliding, torsional, rolling friction of every geom
FRICTION = (0.8, 0.005, 0.0001)
#: contact softness: MuJoCo's default solref, a stiffer solimp
SOLREF = (0.02, 1.0)
SOLIMP = (0.95, 0.99, 0.001)
#: impedance ratio of elliptic friction cones (higher: less slip)
IMPRATIO = 10.0
#: (contype, conaffinity) per geom class
CONTACT_BITS = {"building": (1, 1), "fixed": (1, 1), "movable": (2, 3), "covering": (4, 1)}
BUILDING_RGBA = (0.82, 0.8, 0.76, 1.0)
#: MuJoCo's default diffuse level for a light of colour 1
LIGHT_DIFFUSE_LEVEL = 0.7
DEFAULT_CAMERA_FOVY_DEG = 60.0


def _num(x: float) -> str:
    """A number as text: at most 6 decimals, trailing zeros dropped, no negative zero."""
    v = round(float(x), 6)
    if v == 0.0:
        return "0"
    text = f"{v:.6f}".rstrip("0").rstrip(".")
    return text


def _vec(values: Sequence[float] | np.ndarray) -> str:
    return " ".join(_num(v) for v in np.asarray(values, dtype=float).ravel())


def _attrs(**kw: Any) -> str:
    """XML attributes in the given order; None values are left out."""
    out = []
    for key, value in kw.items():
        if value is None:
            continue
        out.append(f"{key.rstrip('_')}={quoteattr(str(value))}")
    return " ".join(out)


def _yaw_quat(yaw_rad: float) -> str:
    return _vec((math.cos(yaw_rad / 2.0), 0.0, 0.0, math.sin(yaw_rad / 2.0)))


# ---------------------------------------------------------------------------------------------
# cameras


def _camera_element(record: Mapping[str, Any]) -> str | None:
    """A ``<camera>`` element for one camera record, or None for a projection MuJoCo lacks."""
    try:
        name = str(record["name"])
        projection = str(record.get("projection", "perspective"))
        c2w = np.asarray(record["cam_to_world"], dtype=float).reshape(4, 4)
    except (KeyError, TypeError, ValueError) as exc:
        raise ExportError(f"expected a camera record with name, projection and a 4x4 cam_to_world: {exc}") from None
    if projection == "equirectangular":
        log.info("camera %s: MuJoCo has no equirectangular camera; skipped", name)
        return None
    if projection not in ("perspective", "orthographic"):
        raise ExportError(f"camera {name!r}: expected projection perspective, orthographic or equirectangular, "
                          f"got {projection!r}")
    x_axis = c2w[:3, 0]
    y_axis = -c2w[:3, 1]  # OpenCV y is down; MuJoCo's (OpenGL) camera y is up
    attrs: dict[str, Any] = {"name": name, "pos": _vec(c2w[:3, 3]), "xyaxes": _vec(np.concatenate([x_axis, y_axis]))}
    if projection == "orthographic":
        attrs["projection"] = "orthographic"
        attrs["fovy"] = _num(float(record.get("ortho_height_m", 1.0)))
    else:
        attrs["fovy"] = _num(float(record.get("fov_y_deg", DEFAULT_CAMERA_FOVY_DEG)))
    if "width" in record and "height" in record:
        attrs["resolution"] = f"{int(record['width'])} {int(record['height'])}"
    return f"<camera {_attrs(**attrs)}/>"


def default_camera_record(scene: Scene) -> dict[str, Any]:
    """The default camera (see the module doc) as a camera record (OpenCV ``cam_to_world``)."""
    if scene.rooms:
        room = scene.rooms[0]
        poly = np.asarray(room.polygon, dtype=float)
        centre = poly.mean(axis=0)
        corner = poly[0]
        towards = centre - corner
        dist = float(np.linalg.norm(towards))
        eye_xy = corner + (towards / dist) * min(0.3, 0.5 * dist) if dist > 0 else corner
        eye = np.array([eye_xy[0], eye_xy[1], min(1.8, 0.75 * room.height)])
        target = np.array([centre[0], centre[1], 0.8])
    elif scene.objects:
        pts = np.array([o.position for o in scene.objects], dtype=float)
        target = pts.mean(axis=0) + np.array([0.0, 0.0, 0.5])
        eye = target + np.array([3.0, -3.0, 1.5])
    else:
        target = np.array([0.0, 0.0, 0.5])
        eye = np.array([3.0, -3.0, 2.0])
    forward = target - eye
    forward /= np.linalg.norm(forward)
    right = np.cross(forward, (0.0, 0.0, 1.0))
    if np.linalg.norm(right) < 1e-9:  # looking straight down
        right = np.array([1.0, 0.0, 0.0])
    right /= np.linalg.norm(right)
    down = np.cross(forward, right)
    c2w = np.eye(4)
    c2w[:3, 0], c2w[:3, 1], c2w[:3, 2], c2w[:3, 3] = right, down, forward, eye
    return {"name": "default", "projection": "perspective", "cam_to_world": c2w.tolist(),
            "fov_y_deg": DEFAULT_CAMERA_FOVY_DEG}


# ---------------------------------------------------------------------------------------------
# lights


def _light_element(light: Light) -> str:
    from ..materials import kelvin_to_rgb

    rgb = light.rgb if light.rgb is not None else kelvin_to_rgb(light.kelvin_value or 4000.0)
    diffuse = _vec([LIGHT_DIFFUSE_LEVEL * c for c in rgb])
    lumens = light.lumens_value
    d = np.asarray(light.direction, dtype=float)
    d = d / np.linalg.norm(d)
    attrs: dict[str, Any] = {"name": light.id, "pos": _vec(light.position)}
    if light.kind == "point":
        attrs.update(type="point", intensity=_num(lumens / (4.0 * math.pi)))
    elif light.kind == "ceiling_fixture":
        attrs.update(type="spot", dir="0 0 -1", cutoff="90", intensity=_num(lumens / (4.0 * math.pi)))
    elif light.kind == "spot":
        attrs.update(type="spot", dir=_vec(d), cutoff=_num(light.cone_deg / 2.0),
                     intensity=_num(lumens / (4.0 * math.pi)))
    else:  # area: a Lambertian panel, approximated by a hemisphere spot
        attrs.update(type="spot", dir=_vec(d), cutoff="90", intensity=_num(lumens / math.pi))
    attrs.update(diffuse=diffuse, castshadow="false")
    return f"<light {_attrs(**attrs)}/>"


# ---------------------------------------------------------------------------------------------
# the model


def _rgba(description: str, color: Any) -> str:
    from ..materials import resolve_pbr

    pbr = resolve_pbr(description) if color is None else resolve_pbr(description, color=color)
    c = tuple(float(v) for v in pbr.base_color)
    if len(c) == 3:
        c = c + (1.0,)
    return _vec([min(1.0, max(0.0, v)) for v in c])


def _mesh_element(name: str, mesh: Any) -> str:
    return (f"<mesh {_attrs(name=name)} vertex={quoteattr(_vec(mesh.vertices))} "
            f"face=\"{' '.join(str(int(i)) for i in np.asarray(mesh.faces).ravel())}\" inertia=\"convex\"/>")


def scene_to_mjcf(scene: Scene, *, timestep: float = DEFAULT_TIMESTEP,
                  cameras: Sequence[Mapping[str, Any]] | None = None) -> str:
    """The scene as MJCF text (see the module doc). ``timestep`` is the simulation step in
    seconds; ``cameras`` camera records (``Camera.to_dict()`` format) or None for one default
    camera."""
    if not (isinstance(timestep, (int, float)) and math.isfinite(timestep) and 0.0 < timestep <= 0.1):
        raise ExportError(f"expected a timestep in (0, 0.1] seconds, got {timestep!r}")
    assets: list[str] = []
    world: list[str] = []
    mesh_names: dict[tuple[Any, tuple[float, ...]], list[str]] = {}
    ind = "    "

    for light in scene.lights:
        world.append(ind * 2 + _light_element(light))
    records = list(cameras) if cameras is not None else [default_camera_record(scene)]
    seen_cameras: set[str] = set()
    for record in records:
        element = _camera_element(record)
        if element is None:
            continue
        name = str(record["name"])
        if name in seen_cameras:
            raise ExportError(f"expected unique camera names, got {name!r} twice")
        seen_cameras.add(name)
        world.append(ind * 2 + element)

    for box in static_shell(scene):
        world.append(ind * 2 + "<geom " + _attrs(
            name=box.name, class_="building", type="box", pos=_vec(box.center), size=_vec(box.half_extents),
            quat=_yaw_quat(box.yaw_rad) if box.yaw_rad != 0.0 else None) + "/>")

    for obj in scene.objects:
        pieces = collision_pieces(obj)
        key = (obj.asset, tuple(float(v) for v in obj.size))
        names = mesh_names.get(key)
        if names is None:
            names = [f"{obj.id}/{k}" for k in range(len(pieces))]
            mesh_names[key] = names
            for name, piece in zip(names, pieces):
                assets.append(ind * 2 + _mesh_element(name, piece.mesh))
        movable = is_movable(obj)
        cls = ("covering" if is_floor_covering(obj) else "movable") if movable else "fixed"
        yaw = math.radians(obj.yaw_deg)
        body = [ind * 2 + "<body " + _attrs(name=obj.id, pos=_vec(obj.position),
                                            quat=_yaw_quat(yaw) if obj.yaw_deg % 360.0 != 0.0 else None) + ">"]
        if movable:
            props = mass_properties(obj, pieces)
            inertia = props.inertia
            full = (inertia[0, 0], inertia[1, 1], inertia[2, 2], inertia[0, 1], inertia[0, 2], inertia[1, 2])
            body.append(ind * 3 + f"<freejoint {_attrs(name=obj.id)}/>")
            body.append(ind * 3 + "<inertial " + _attrs(pos=_vec(props.center_of_mass), mass=_num(props.mass),
                                                        fullinertia=_vec(full)) + "/>")
        for k, (name, piece) in enumerate(zip(names, pieces)):
            body.append(ind * 3 + "<geom " + _attrs(name=f"{obj.id}/{k}", class_=cls, type="mesh", mesh=name,
                                                    rgba=_rgba(piece.material, piece.color)) + "/>")
        body.append(ind * 2 + "</body>")
        world.extend(body)

    def default_class(name: str, extra: str = "") -> str:
        contype, conaffinity = CONTACT_BITS[name]
        return (f'{ind * 2}<default class="{name}"><geom contype="{contype}" conaffinity="{conaffinity}"'
                f"{extra}/></default>")

    lines = [
        '<mujoco model="worldsmith">',
        f"{ind}<!-- {_comment(scene)} -->",
        f'{ind}<compiler angle="radian" inertiafromgeom="false"/>',
        f"{ind}<option "
        + _attrs(timestep=_num(timestep), integrator="implicitfast", cone="elliptic", impratio=_num(IMPRATIO)) + ">",
        f'{ind * 2}<flag multiccd="enable"/>',
        f"{ind}</option>",
        f"{ind}<default>",
        f"{ind * 2}<geom {_attrs(friction=_vec(FRICTION), condim=3, solref=_vec(SOLREF), solimp=_vec(SOLIMP))}/>",
        default_class("building", f' rgba="{_vec(BUILDING_RGBA)}"'),
        default_class("fixed"),
        default_class("movable"),
        default_class("covering"),
        f"{ind}</default>",
    ]
    if assets:
        lines += [f"{ind}<asset>", *assets, f"{ind}</asset>"]
    lines += [f"{ind}<worldbody>", *world, f"{ind}</worldbody>", "</mujoco>", ""]
    return "\n".join(lines)


def _comment(scene: Scene) -> str:
    """A one-line XML comment naming the scene (no '--', which XML comments forbid)."""
    prompt = " ".join(scene.prompt.split()).replace("--", "- -")
    if len(prompt) > 120:
        prompt = prompt[:117] + "..."
    text = f"worldsmith scene seed {scene.seed}" + (f": {prompt}" if prompt else "")
    return text.replace("--", "- -").rstrip("-")


def export_mjcf(scene: Scene, path: str | Path, *, timestep: float = DEFAULT_TIMESTEP,
                cameras: Sequence[Mapping[str, Any]] | None = None) -> None:
    """Write ``scene`` as an MJCF file at ``path`` (parent folders are created)."""
    p = Path(path)
    text = scene_to_mjcf(scene, timestep=timestep, cameras=cameras)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    log.info("wrote %s (%d bytes, %d objects)", p, len(text), len(scene.objects))


__all__ = ["CONTACT_BITS", "DEFAULT_TIMESTEP", "default_camera_record", "export_mjcf", "scene_to_mjcf"]
