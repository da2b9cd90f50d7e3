"""OpenUSD export of scenes (``pxr`` from the ``usd-core`` wheel, extra ``usd``).

:func:`export_usd` writes one stage per scene. The suffix of the path picks the file kind:
``.usda`` (text), ``.usdc`` or ``.usd`` (binary crate), ``.usdz`` (a zip package holding the stage,
as crate, and its textures).

Files on disk
-------------
``scene.usda`` / ``scene.usdc`` / ``scene.usd``
    The stage. Texture maps go into the sibling folder ``scene_textures/`` (``<stem>_textures``,
    named from the FINAL path) and are referenced by anchored relative asset paths
    (``@./scene_textures/<material>_albedo.png@``), so the stage and its folder can be moved
    together. The folder is written only when a textured material is used; an existing folder of
    that name is replaced then (and left alone otherwise).
``scene.usdz``
    One file: the stage (``scene.usdc`` inside) with its ``scene_textures/`` maps.

Writing is atomic per file: everything is written into a temporary folder beside the target
(``.<name>.<random>.tmp``), then the texture folder and finally the stage are moved into place with
:func:`os.replace`; a failure removes the temporary folder and leaves any previous output as it was.

Stage layout
------------
::

    /World                         Xform, kind assembly, defaultPrim; worldsmith:prompt, worldsmith:seed
      Looks/                       Scope
        <material>                 UsdShade.Material -> PreviewSurface (UsdPreviewSurface) [+ textures]
      Architecture/                Xform, kind group
        floor_<room>, ceiling_<room>, wall_<i>, door_<i>, window_<i>
                                   Xform, kind component, identity transform; one Mesh per shell part
                                   (geometry in world coordinates, from worldsmith.assets.shell)
        collision/                 Xform; one guide Cube per static shell box (physics)
      Objects/                     Xform, kind group
        <object id>                Xform, kind component; xformOp:translate (position) and
                                   xformOp:rotateZ (yaw_deg) = worldsmith.assets.object_transform
          <part>                   Mesh per non-empty part, local frame (build_object_parts)
          collision/               Xform; collision_<k> Mesh per convex collision part, purpose guide
      Lights/                      Xform
        <light id>                 UsdLux light (see below)
      Cameras/                     Xform
        <camera name>              UsdGeom.Camera per perspective / orthographic record
      PhysicsScene                 UsdPhysics.Scene, gravity 9.81 m/s^2 along -Z
      CollisionGroups/             Scope, only when the scene has floor coverings (rugs)
        floor_coverings, objects   UsdPhysics.CollisionGroup

The grouping children ``collision`` are named ``collision_2`` ... should a node already use that
name.

Stage metadata: ``upAxis = "Z"``, ``metersPerUnit = 1``, ``defaultPrim = "World"``; the root
layer's ``customLayerData`` names the generator (``worldsmith <version>``), prompt and seed.

Prim names are valid USD identifiers: ids (``[a-z][a-z0-9_]*``) are used as they are; other names
(materials, parts, cameras) go through :func:`prim_name`, which maps each run of characters
outside ``[A-Za-z0-9_]`` to one ``_``, prefixes ``_`` to a leading digit, and numbers repeats
within one parent (``name_2``).

Meshes
------
``points`` (float3), triangle ``faceVertexCounts`` / ``faceVertexIndices``,
``subdivisionScheme = "none"`` (polygonal, never subdivided), ``extent``, flat normals as
``primvars:normals`` with ``faceVarying`` interpolation (each corner gets its triangle's normal, as
the mostly boxy procedural assets want; a zero-area triangle gets +Z), ``primvars:displayColor``
(and ``displayOpacity`` below 1) for viewers without material support, ``doubleSided`` for
transparent materials, and ``primvars:st`` (``vertex``) for textured materials: the metric box
projection :func:`worldsmith.assets.uv.box_uv` where one UV unit is the material's tile size, as in
the glTF exporter, but with t running up the image (USD's convention; glTF flips it).

Materials
---------
The same resolution as :mod:`worldsmith.export.gltf`: :func:`worldsmith.materials.assign.part_materials`
gives each part's ``(description, colour)``, :func:`worldsmith.materials.resolve_pbr` its values.
One ``UsdShade.Material`` per distinct request, named like the glTF material (description, plus the
colour in parentheses), through :func:`prim_name`; its ``worldsmith:description``,
``worldsmith:library`` and ``worldsmith:color`` attributes keep the originals. The surface is a
``UsdPreviewSurface`` (metallic workflow): ``diffuseColor`` (linear), ``metallic``, ``roughness``,
``opacity`` (the colour's alpha: glass is 0.15-ish, with ``doubleSided`` meshes),
``emissiveColor`` = emissive x emissive_strength (unclamped). Textured library materials
(``PBR.texture``, when ``texture_px`` > 0) read their maps through ``UsdUVTexture`` nodes fed by a
``UsdPrimvarReader_float2`` of ``st``, wrap ``repeat``: albedo (``sourceColorSpace sRGB``, already
tinted, so it replaces ``diffuseColor``), roughness (``raw``, red channel), metalness (``raw``, only
when a texture folder supplies one) and the OpenGL-style normal map (``raw``, scale (2, 2, 2, 1),
bias (-1, -1, -1, 0), as UsdPreviewSurface's ``normal`` input requires). Map files are the material
library's cached PNGs, copied unchanged; identical images are written once.

Lights (UsdLux)
---------------
``point`` -> ``SphereLight`` of radius :data:`POINT_RADIUS_M`; ``ceiling_fixture`` -> ``SphereLight``
of radius :data:`FIXTURE_RADIUS_M` (a bulb just under the ceiling: both isotropic, as the renderers
and the glTF exporter treat them); ``spot`` -> ``SphereLight``
of radius :data:`POINT_RADIUS_M` with ``ShapingAPI``: ``shaping:cone:angle`` = cone_deg / 2 (USD's
cone angle is measured from the axis), ``shaping:cone:softness`` :data:`SPOT_SOFTNESS`; ``area`` ->
``RectLight`` of ``area_size`` (width along local X, depth along local Y). Spot and area lights are
turned so their emitting axis (local -Z) points along ``direction`` (the shortest rotation from -Z).

Intensity: UsdLux ``inputs:intensity`` is the emitted luminance in nits (cd/m^2) at exposure 0
with ``normalize`` off (written explicitly). A Lambertian emitter of area A and luminance L emits the
flux pi * L * A, so :func:`light_intensity_nits` is ``L = lumens / (pi * A)`` with A = 4 pi r^2 for
sphere lights and width x depth for the one-sided rect light (``lumens`` = ``Light.lumens_value``:
watts convert at 15 lm/W). A spot keeps the luminance of the point light of equal flux; its cone
clips it (the glTF exporter's convention, where a spot has the candela of that point light).
Colour: ``kelvin`` -> ``enableColorTemperature = 1``, ``colorTemperature = kelvin`` and a white
``color``; ``rgb`` -> ``color = rgb``. The scene's values stay on the prim as ``worldsmith:kind``,
``worldsmith:lumens`` (and ``worldsmith:kelvin``).

Physics (UsdPhysics)
--------------------
``PhysicsScene`` with gravity direction (0, 0, -1) and magnitude :data:`GRAVITY_M_S2`. Objects for
which :func:`worldsmith.export.collision.is_movable` holds get ``RigidBodyAPI`` and ``MassAPI``
on their Xform: ``physics:mass`` (kg), ``physics:centerOfMass`` (local frame),
``physics:diagonalInertia`` and ``physics:principalAxes`` (kg m^2; the eigen-decomposition of the
inertia tensor about the centre of mass) from :func:`~worldsmith.export.collision.mass_properties`
(its mass is :func:`~worldsmith.export.collision.object_mass`); every
object (movable or not) gets its :func:`~worldsmith.export.collision.collision_parts` (convex, local
frame) as invisible ``guide`` Meshes with ``CollisionAPI`` and ``MeshCollisionAPI``
``approximation = "convexHull"``; without ``RigidBodyAPI`` they are static colliders. The room
shell collides through :func:`~worldsmith.export.collision.static_shell`: one guide ``Cube``
(size 1, placed by translate, rotateZ and a scale of the box's full extents) with ``CollisionAPI``
per box under ``/World/Architecture/collision``, named like the box; door and window holes stay
open. The visible meshes (shell and objects) carry no collision API. Floor coverings
(:func:`~worldsmith.export.collision.is_floor_covering`: rugs, which the layout lets furniture
stand through) collide with the building only: ``CollisionGroup`` ``floor_coverings`` (the rugs)
filters ``objects`` (every other object); both groups include the object Xforms, so all their
colliders.

Semantics
---------
Every object Xform has custom attributes ``semantic:category`` (the category), ``semantic:id``
(the object id) and ``worldsmith:support``, plus the ``UsdSemantics.LabelsAPI`` instance ``class``
with ``semantics:labels:class = [category]``; shell Xforms get the same with category ``floor``,
``ceiling``, ``wall``, ``door`` or ``window`` and ``worldsmith:room``.

Cameras
-------
``cameras`` are records as written to ``renders/cameras.json``
(:meth:`worldsmith.render.camera.Camera.to_dict`; ``Camera`` objects are accepted too).
Perspective and orthographic records become ``UsdGeom.Camera`` prims; equirectangular ones are
skipped (USD cameras cannot express them). The pose is one ``xformOp:transform`` =
``cam_to_world @ diag(1, -1, -1, 1)`` (USD cameras look down -Z with +Y up, the OpenGL
convention). Intrinsics from ``K``: perspective ``focalLength`` = :data:`FOCAL_LENGTH` (lens
units; only the ratios matter), ``horizontalAperture = width / fx * focalLength``,
``verticalAperture = height / fy * focalLength``, and the principal point as aperture offsets
``horizontalApertureOffset = ((width - 1) / 2 - cx) / fx * focalLength``,
``verticalApertureOffset = (cy - (height - 1) / 2) / fy * focalLength`` (zero for the renderer's
centred cameras). Orthographic apertures are in tenths of a scene unit (USD's
convention): ``horizontalAperture = 10 * width / fx`` (fx = pixels per metre), offsets likewise.
``clippingRange = (near, far)``. Each camera keeps ``worldsmith:width`` / ``worldsmith:height``.

Determinism: no timestamps or machine-specific strings are written; prims, materials and textures
are created in scene order, so the same scene gives the same ``.usda`` bytes, and the same
``.usdc`` bytes as far as the crate writer is deterministic (it is in usd-core 26.11). The usdz
writer stamps entries with the clock; :func:`export_usd` rewrites every entry's date to
1980-01-01 00:00 in place (same sizes, alignment kept), so packages are reproducible too.

Validation: :func:`validation_issues` runs every registered ``UsdValidation`` validator (the
library behind ``usdchecker`` in OpenUSD >= 25; ``UsdUtils.ComplianceChecker`` on older releases)
over a written file and returns what they report.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Mapping, Sequence

import numpy as np

from ..scene import Light, ObjectInstance, Scene
from .errors import ExportError, ExporterUnavailableError
# shared with the glTF exporter so both name materials and shell nodes alike (private there; see the report)
from .gltf import color_label, map_png, quaternion_from_minus_z, resolve_material, shell_category

log = logging.getLogger(__name__)

#: edge length of texture maps (pixels), as in the glTF exporter
DEFAULT_TEXTURE_PX = 512
#: radius of the sphere lights standing for point and spot lights (a bulb), metres
POINT_RADIUS_M = 0.05
#: radius of the sphere light standing for a ceiling fixture, metres: the DSL hangs fixtures 2 cm
#: below the ceiling, so a larger sphere would poke through the ceiling slab
FIXTURE_RADIUS_M = 0.02
#: ``shaping:cone:softness`` of spot lights (the glTF exporter's inner cone is 80 % of the outer)
SPOT_SOFTNESS = 0.2
#: gravity of the physics scene, m/s^2, along -Z
GRAVITY_M_S2 = 9.81
#: focal length written on perspective cameras (lens units; apertures follow from K)
FOCAL_LENGTH = 50.0
#: USD's orthographic apertures are in tenths of a scene unit
_ORTHO_APERTURE_PER_M = 10.0
#: suffix of the texture folder beside a .usda / .usdc / .usd stage
TEXTURES_SUFFIX = "_textures"
#: path suffixes and the file kind they select
SUFFIXES = {".usda": "usda", ".usdc": "usdc", ".usd": "usdc", ".usdz": "usdz"}
#: the taxonomy of the UsdSemantics labels written on objects and shell nodes
SEMANTICS_TAXONOMY = "class"

_NAME_BAD = re.compile(r"[^A-Za-z0-9_]+")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


# ---------------------------------------------------------------------------------------------
# small helpers


def _pxr() -> SimpleNamespace:
    """The pxr modules, imported on first use; a clear error naming the extra when missing."""
    try:
        from pxr import Gf, Kind, Sdf, Usd, UsdGeom, UsdLux, UsdPhysics, UsdShade, UsdUtils, Vt
    except ImportError as exc:
        raise ExporterUnavailableError(
            f"USD export needs the usd-core package ({exc}); install it with: pip install 'worldsmith[usd]'") from exc
    try:
        from pxr import UsdSemantics
    except ImportError:  # older usd-core: plain attributes only
        UsdSemantics = None
    return SimpleNamespace(Gf=Gf, Kind=Kind, Sdf=Sdf, Usd=Usd, UsdGeom=UsdGeom, UsdLux=UsdLux, UsdPhysics=UsdPhysics,
                           UsdShade=UsdShade, UsdUtils=UsdUtils, Vt=Vt, UsdSemantics=UsdSemantics)


def prim_name(text: str) -> str:
    """A valid USD prim name for ``text``: a valid identifier (every scene id) is kept as it is;
    otherwise each run of characters outside ``[A-Za-z0-9_]`` becomes one ``_``, underscores at
    the ends are dropped, a leading digit gets a ``_`` prefix, and empty text gives ``_``."""
    text = str(text)
    if _IDENTIFIER.match(text):
        return text
    name = _NAME_BAD.sub("_", text).strip("_") or "_"
    if name[0].isdigit():
        name = "_" + name
    return name


class _Names:
    """Unique prim names within one parent: ``name``, ``name_2``, ``name_3`` ..."""

    def __init__(self, taken: Sequence[str] = ()):
        self._used: set[str] = set(taken)

    def take(self, text: str) -> str:
        base = prim_name(text)
        name, n = base, 1
        while name in self._used:
            n += 1
            name = f"{base}_{n}"
        self._used.add(name)
        return name


def _flat_normals(v: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Unit normal per triangle (counter-clockwise winding), +Z for a zero-area triangle."""
    tri = v[f]
    n = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    length = np.linalg.norm(n, axis=1)
    out = np.zeros_like(n)
    ok = length > 1e-20
    out[ok] = n[ok] / length[ok, None]
    out[~ok] = (0.0, 0.0, 1.0)
    return out


def _rotation_from_minus_z(direction: Sequence[float]) -> tuple[float, float, float, float] | None:
    """The (w, x, y, z) unit quaternion of the shortest rotation taking local -Z onto
    ``direction`` (the glTF exporter's rotation, reordered); None for the identity."""
    q = quaternion_from_minus_z(direction)
    return None if q is None else (float(q[3]), float(q[0]), float(q[1]), float(q[2]))


def light_intensity_nits(light: Light) -> float:
    """UsdLux ``inputs:intensity`` (luminance in nits, exposure 0, unnormalized) of ``light``:
    ``lumens / (pi * A)``, A = the emitter's area (see the module doc)."""
    lumens = light.lumens_value
    if light.kind == "area":
        area = float(light.area_size[0]) * float(light.area_size[1])
    else:
        r = FIXTURE_RADIUS_M if light.kind == "ceiling_fixture" else POINT_RADIUS_M
        area = 4.0 * math.pi * r * r
    return lumens / (math.pi * area)


def _gf_matrix(px: SimpleNamespace, m: np.ndarray) -> Any:
    """A Gf.Matrix4d from a column-vector 4x4 numpy matrix (USD multiplies row vectors)."""
    return px.Gf.Matrix4d(*[float(x) for x in np.asarray(m, dtype=float).T.ravel()])


def _set_custom(px: SimpleNamespace, prim: Any, name: str, type_name: Any, value: Any) -> None:
    prim.CreateAttribute(name, type_name, custom=True, variability=px.Sdf.VariabilityUniform).Set(value)


# ---------------------------------------------------------------------------------------------
# materials


@dataclass
class _Look:
    material: Any  # UsdShade.Material
    tile_m: float | None  # metres per UV unit for textured materials
    display_color: tuple[float, float, float]
    opacity: float


class _Looks:
    """UsdShade materials under ``/World/Looks``, one per distinct (description, colour) request;
    texture maps are collected in :attr:`files` (file name -> PNG bytes)."""

    def __init__(self, px: SimpleNamespace, stage: Any, root: str, texture_px: int | None, texture_dir: str):
        self._px = px
        self._stage = stage
        self._root = root
        self._texture_px = texture_px
        self._texture_dir = texture_dir
        self._names = _Names()
        self._by_key: dict[tuple[str, Any], _Look] = {}
        self._file_of_digest: dict[bytes, str] = {}
        self._file_names = _Names()
        self.files: dict[str, bytes] = {}

    def _texture_file(self, png: bytes, stem: str) -> str:
        digest = hashlib.sha256(png).digest()
        if digest not in self._file_of_digest:
            name = self._file_names.take(stem) + ".png"
            self._file_of_digest[digest] = name
            self.files[name] = png
        return f"./{self._texture_dir}/{self._file_of_digest[digest]}"

    def get(self, description: str, color: Any = None) -> _Look:
        key = (description, color if isinstance(color, str) or color is None else tuple(float(c) for c in color))
        if key in self._by_key:
            return self._by_key[key]
        px = self._px
        Sdf, UsdShade = px.Sdf, px.UsdShade
        pbr = resolve_material(description, color)
        rgba = [min(1.0, max(0.0, float(c))) for c in tuple(pbr.base_color)[:4]]
        if len(rgba) == 3:
            rgba.append(1.0)
        metallic = min(1.0, max(0.0, float(pbr.metallic)))
        roughness = min(1.0, max(0.0, float(pbr.roughness)))
        maps = None
        if self._texture_px and getattr(pbr, "texture", None):
            from ..materials import texture_maps
            from ..materials.maps import texture_map_files

            found = texture_map_files(pbr, resolution=self._texture_px)
            maps = (SimpleNamespace(paths=found[0], scale_m=found[1]) if found is not None
                    else texture_maps(pbr, resolution=self._texture_px))
        label = description if color is None else f"{description} ({color_label(color)})"
        name = self._names.take(label)
        path = f"{self._root}/{name}"
        material = UsdShade.Material.Define(self._stage, path)
        prim = material.GetPrim()
        _set_custom(px, prim, "worldsmith:description", Sdf.ValueTypeNames.String, description)
        _set_custom(px, prim, "worldsmith:library", Sdf.ValueTypeNames.String, str(pbr.name))
        if color is not None:
            _set_custom(px, prim, "worldsmith:color", Sdf.ValueTypeNames.String, color_label(color))

        shader = UsdShade.Shader.Define(self._stage, f"{path}/PreviewSurface")
        shader.CreateIdAttr("UsdPreviewSurface")
        shader.CreateInput("useSpecularWorkflow", Sdf.ValueTypeNames.Int).Set(0)
        shader.CreateInput("metallic", Sdf.ValueTypeNames.Float).Set(metallic)
        diffuse = shader.CreateInput("diffuseColor", Sdf.ValueTypeNames.Color3f)
        rough_in = shader.CreateInput("roughness", Sdf.ValueTypeNames.Float)
        shader.CreateInput("opacity", Sdf.ValueTypeNames.Float).Set(rgba[3])
        strength = float(getattr(pbr, "emissive_strength", 0.0) or 0.0)
        if strength > 0.0:
            emissive = [max(0.0, float(c)) * strength for c in pbr.emissive]
            shader.CreateInput("emissiveColor", Sdf.ValueTypeNames.Color3f).Set(px.Gf.Vec3f(*emissive))
        material.CreateSurfaceOutput().ConnectToSource(shader.ConnectableAPI(), "surface")

        tile = None
        if maps is None:
            diffuse.Set(px.Gf.Vec3f(*rgba[:3]))
            rough_in.Set(roughness)
        else:
            tile = float(maps.scale_m)
            _set_custom(px, prim, "worldsmith:texture_tile_m", Sdf.ValueTypeNames.Double, tile)
            reader = UsdShade.Shader.Define(self._stage, f"{path}/StReader")
            reader.CreateIdAttr("UsdPrimvarReader_float2")
            reader.CreateInput("varname", Sdf.ValueTypeNames.String).Set("st")
            st_out = reader.CreateOutput("result", Sdf.ValueTypeNames.Float2)

            def texture(node: str, key: str, color_space: str) -> Any:
                tex = UsdShade.Shader.Define(self._stage, f"{path}/{node}")
                tex.CreateIdAttr("UsdUVTexture")
                asset = self._texture_file(map_png(maps, key), f"{name}_{key}")
                tex.CreateInput("file", Sdf.ValueTypeNames.Asset).Set(Sdf.AssetPath(asset))
                tex.CreateInput("st", Sdf.ValueTypeNames.Float2).ConnectToSource(st_out)
                tex.CreateInput("wrapS", Sdf.ValueTypeNames.Token).Set("repeat")
                tex.CreateInput("wrapT", Sdf.ValueTypeNames.Token).Set("repeat")
                tex.CreateInput("sourceColorSpace", Sdf.ValueTypeNames.Token).Set(color_space)
                return tex

            albedo = texture("AlbedoTexture", "albedo", "sRGB")
            diffuse.ConnectToSource(albedo.CreateOutput("rgb", Sdf.ValueTypeNames.Float3))
            rough = texture("RoughnessTexture", "roughness", "raw")
            rough_in.ConnectToSource(rough.CreateOutput("r", Sdf.ValueTypeNames.Float))
            available = set(dict(getattr(maps, "paths", {}) or {}))
            if "metallic" in available or getattr(maps, "metallic", None) is not None:
                metal = texture("MetallicTexture", "metallic", "raw")
                shader.GetInput("metallic").ConnectToSource(metal.CreateOutput("r", Sdf.ValueTypeNames.Float))
            normal = texture("NormalTexture", "normal", "raw")
            normal.CreateInput("scale", Sdf.ValueTypeNames.Float4).Set(px.Gf.Vec4f(2.0, 2.0, 2.0, 1.0))
            normal.CreateInput("bias", Sdf.ValueTypeNames.Float4).Set(px.Gf.Vec4f(-1.0, -1.0, -1.0, 0.0))
            shader.CreateInput("normal", Sdf.ValueTypeNames.Normal3f).ConnectToSource(
                normal.CreateOutput("rgb", Sdf.ValueTypeNames.Float3))
        look = _Look(material, tile, (rgba[0], rgba[1], rgba[2]), rgba[3])
        self._by_key[key] = look
        return look


# ---------------------------------------------------------------------------------------------
# geometry


def _define_mesh(px: SimpleNamespace, stage: Any, path: str, vertices: np.ndarray, faces: np.ndarray,
                 look: _Look | None = None) -> Any:
    """A triangle Mesh prim at ``path`` (see the module doc for what is authored)."""
    UsdGeom, Sdf, Vt = px.UsdGeom, px.Sdf, px.Vt
    v = np.asarray(vertices, dtype=np.float64)
    f = np.asarray(faces, dtype=np.int64)
    uv = None
    if look is not None and look.tile_m is not None:
        from ..assets.uv import box_uv

        v, f, uv = box_uv(v, f, look.tile_m)
    mesh = UsdGeom.Mesh.Define(stage, path)
    points = np.ascontiguousarray(v, dtype=np.float32)
    mesh.CreatePointsAttr(Vt.Vec3fArray.FromNumpy(points))
    mesh.CreateFaceVertexCountsAttr(Vt.IntArray.FromNumpy(np.full(len(f), 3, dtype=np.int32)))
    mesh.CreateFaceVertexIndicesAttr(Vt.IntArray.FromNumpy(np.ascontiguousarray(f.ravel(), dtype=np.int32)))
    mesh.CreateSubdivisionSchemeAttr(UsdGeom.Tokens.none)
    lo, hi = points.min(axis=0), points.max(axis=0)
    mesh.CreateExtentAttr(Vt.Vec3fArray.FromNumpy(np.stack([lo, hi]).astype(np.float32)))
    normals = np.repeat(_flat_normals(v, f), 3, axis=0).astype(np.float32)
    api = UsdGeom.PrimvarsAPI(mesh.GetPrim())
    api.CreatePrimvar("normals", Sdf.ValueTypeNames.Normal3fArray, UsdGeom.Tokens.faceVarying).Set(
        Vt.Vec3fArray.FromNumpy(normals))
    if uv is not None:
        api.CreatePrimvar("st", Sdf.ValueTypeNames.TexCoord2fArray, UsdGeom.Tokens.vertex).Set(
            Vt.Vec2fArray.FromNumpy(np.ascontiguousarray(uv, dtype=np.float32)))
    if look is not None:
        mesh.CreateDisplayColorPrimvar(UsdGeom.Tokens.constant).Set(
            Vt.Vec3fArray([px.Gf.Vec3f(*look.display_color)]))
        if look.opacity < 1.0:
            mesh.CreateDisplayOpacityPrimvar(UsdGeom.Tokens.constant).Set(Vt.FloatArray([look.opacity]))
            mesh.CreateDoubleSidedAttr(True)
        binding = px.UsdShade.MaterialBindingAPI.Apply(mesh.GetPrim())
        binding.Bind(look.material)
    return mesh


def _semantics(px: SimpleNamespace, prim: Any, category: str, ident: str) -> None:
    Sdf = px.Sdf
    _set_custom(px, prim, "semantic:category", Sdf.ValueTypeNames.String, category)
    _set_custom(px, prim, "semantic:id", Sdf.ValueTypeNames.String, ident)
    if px.UsdSemantics is not None:
        labels = px.UsdSemantics.LabelsAPI.Apply(prim, SEMANTICS_TAXONOMY)
        labels.CreateLabelsAttr(px.Vt.TokenArray([category]))


def _shell_box(px: SimpleNamespace, stage: Any, path: str, box: Any) -> None:
    """A static shell box (:class:`worldsmith.export.collision.ShellBox`) as an invisible (guide)
    unit ``Cube`` placed by translate, rotateZ and scale (= the full extents), with CollisionAPI."""
    UsdGeom, Gf = px.UsdGeom, px.Gf
    cube = UsdGeom.Cube.Define(stage, path)
    cube.CreateSizeAttr(1.0)
    cube.CreateExtentAttr(px.Vt.Vec3fArray([Gf.Vec3f(-0.5, -0.5, -0.5), Gf.Vec3f(0.5, 0.5, 0.5)]))
    cube.CreatePurposeAttr(UsdGeom.Tokens.guide)
    cube.AddTranslateOp(UsdGeom.XformOp.PrecisionDouble).Set(Gf.Vec3d(*box.center))
    cube.AddRotateZOp(UsdGeom.XformOp.PrecisionDouble).Set(math.degrees(float(box.yaw_rad)))
    cube.AddScaleOp(UsdGeom.XformOp.PrecisionDouble).Set(Gf.Vec3d(*[2.0 * float(h) for h in box.half_extents]))
    prim = cube.GetPrim()
    _semantics(px, prim, str(box.kind), str(box.name))
    px.UsdPhysics.CollisionAPI.Apply(prim)


def _collider_mesh(px: SimpleNamespace, stage: Any, path: str, mesh: Any) -> None:
    """An invisible (guide) convex collision Mesh with CollisionAPI and MeshCollisionAPI convexHull."""
    prim_mesh = _define_mesh(px, stage, path, np.asarray(mesh.vertices), np.asarray(mesh.faces))
    prim_mesh.CreatePurposeAttr(px.UsdGeom.Tokens.guide)
    prim = prim_mesh.GetPrim()
    px.UsdPhysics.CollisionAPI.Apply(prim)
    px.UsdPhysics.MeshCollisionAPI.Apply(prim).CreateApproximationAttr(px.UsdPhysics.Tokens.convexHull)


# ---------------------------------------------------------------------------------------------
# the stage


def _add_object(px: SimpleNamespace, stage: Any, looks: _Looks, obj: ObjectInstance, path: str,
                collision: Any) -> None:
    from ..assets import build_object_parts
    from ..materials.assign import part_materials

    UsdGeom, Sdf = px.UsdGeom, px.Sdf
    xf = UsdGeom.Xform.Define(stage, path)
    prim = xf.GetPrim()
    px.Usd.ModelAPI(prim).SetKind(px.Kind.Tokens.component)
    xf.AddTranslateOp(UsdGeom.XformOp.PrecisionDouble).Set(px.Gf.Vec3d(*obj.position))
    xf.AddRotateZOp(UsdGeom.XformOp.PrecisionDouble).Set(float(obj.yaw_deg))
    _semantics(px, prim, obj.category, obj.id)
    _set_custom(px, prim, "worldsmith:support", Sdf.ValueTypeNames.String, obj.support)
    _set_custom(px, prim, "worldsmith:size", Sdf.ValueTypeNames.Double3, px.Gf.Vec3d(*obj.size))
    _set_custom(px, prim, "worldsmith:asset", Sdf.ValueTypeNames.String, f"{obj.asset.source}:{obj.asset.name}")
    parts = build_object_parts(obj)
    names = _Names(["collision"])
    for part, (description, color) in zip(parts, part_materials(obj, parts)):
        if len(part.mesh.faces) == 0 or len(part.mesh.vertices) == 0:
            log.debug("object %s: part %s has no triangles; skipped", obj.id, part.name)
            continue
        look = looks.get(description, color)
        _define_mesh(px, stage, f"{path}/{names.take(part.name)}", part.mesh.vertices, part.mesh.faces, look)
    if collision is None:
        return
    hulls = [h for h in collision.collision_parts(obj) if len(h.faces) > 0]
    if hulls:
        UsdGeom.Xform.Define(stage, f"{path}/collision")
        for k, hull in enumerate(hulls):
            _collider_mesh(px, stage, f"{path}/collision/collision_{k}", hull)
    if collision.is_movable(obj):
        px.UsdPhysics.RigidBodyAPI.Apply(prim)
        props = collision.mass_properties(obj)
        moments, axes = props.principal
        mass_api = px.UsdPhysics.MassAPI.Apply(prim)
        mass_api.CreateMassAttr(float(props.mass))
        mass_api.CreateCenterOfMassAttr(px.Gf.Vec3f(*[float(c) for c in props.center_of_mass]))
        mass_api.CreateDiagonalInertiaAttr(px.Gf.Vec3f(*[float(m) for m in moments]))
        quat = px.Gf.Matrix3d(*[float(x) for x in np.asarray(axes, dtype=float).T.ravel()]).ExtractRotation().GetQuat()
        mass_api.CreatePrincipalAxesAttr(px.Gf.Quatf(quat))


def _add_light(px: SimpleNamespace, stage: Any, light: Light, path: str) -> None:
    UsdLux, UsdGeom, Sdf, Gf = px.UsdLux, px.UsdGeom, px.Sdf, px.Gf
    if light.kind == "area":
        lux = UsdLux.RectLight.Define(stage, path)
        lux.CreateWidthAttr(float(light.area_size[0]))
        lux.CreateHeightAttr(float(light.area_size[1]))
    else:
        lux = UsdLux.SphereLight.Define(stage, path)
        lux.CreateRadiusAttr(FIXTURE_RADIUS_M if light.kind == "ceiling_fixture" else POINT_RADIUS_M)
        if light.kind == "spot":
            shaping = UsdLux.ShapingAPI.Apply(lux.GetPrim())
            shaping.CreateShapingConeAngleAttr(float(light.cone_deg) / 2.0)
            shaping.CreateShapingConeSoftnessAttr(SPOT_SOFTNESS)
    lux.CreateIntensityAttr(light_intensity_nits(light))
    lux.CreateExposureAttr(0.0)
    lux.CreateNormalizeAttr(False)
    if light.rgb is not None:
        lux.CreateColorAttr(Gf.Vec3f(*light.rgb))
        lux.CreateEnableColorTemperatureAttr(False)
    else:
        lux.CreateColorAttr(Gf.Vec3f(1.0, 1.0, 1.0))
        lux.CreateEnableColorTemperatureAttr(True)
        lux.CreateColorTemperatureAttr(float(light.kelvin_value or 4000.0))
    xf = UsdGeom.Xformable(lux.GetPrim())
    xf.AddTranslateOp(UsdGeom.XformOp.PrecisionDouble).Set(Gf.Vec3d(*light.position))
    if light.kind in ("spot", "area"):
        q = _rotation_from_minus_z(light.direction)
        if q is not None:
            xf.AddOrientOp(UsdGeom.XformOp.PrecisionDouble).Set(Gf.Quatd(q[0], Gf.Vec3d(q[1], q[2], q[3])))
    prim = lux.GetPrim()
    _set_custom(px, prim, "worldsmith:kind", Sdf.ValueTypeNames.String, light.kind)
    _set_custom(px, prim, "worldsmith:lumens", Sdf.ValueTypeNames.Double, float(light.lumens_value))
    if light.kelvin_value is not None:
        _set_custom(px, prim, "worldsmith:kelvin", Sdf.ValueTypeNames.Double, float(light.kelvin_value))


def _covering_groups(px: SimpleNamespace, stage: Any, coverings: Sequence[ObjectInstance],
                     others: Sequence[ObjectInstance]) -> None:
    """Collision groups that keep floor coverings (rugs) from colliding with other objects: they
    still collide with the building (see :func:`worldsmith.export.collision.is_floor_covering`)."""
    UsdPhysics = px.UsdPhysics
    px.UsdGeom.Scope.Define(stage, "/World/CollisionGroups")
    rugs = UsdPhysics.CollisionGroup.Define(stage, "/World/CollisionGroups/floor_coverings")
    objs = UsdPhysics.CollisionGroup.Define(stage, "/World/CollisionGroups/objects")
    for group, members in ((rugs, coverings), (objs, others)):
        includes = group.GetCollidersCollectionAPI().CreateIncludesRel()
        for o in members:
            includes.AddTarget(f"/World/Objects/{o.id}")
    rugs.CreateFilteredGroupsRel().AddTarget(objs.GetPath())


def _camera_record(camera: Any) -> Mapping[str, Any]:
    if isinstance(camera, Mapping):
        return camera
    to_dict = getattr(camera, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    raise ExportError(f"expected camera records (mappings as in cameras.json) or Camera objects, "
                      f"got {type(camera).__name__}")


def _add_camera(px: SimpleNamespace, stage: Any, rec: Mapping[str, Any], path: str) -> None:
    UsdGeom, Gf, Sdf = px.UsdGeom, px.Gf, px.Sdf
    try:
        projection = str(rec["projection"])
        width, height = int(rec["width"]), int(rec["height"])
        K = np.asarray(rec["K"], dtype=float).reshape(3, 3)
        c2w = np.asarray(rec["cam_to_world"], dtype=float).reshape(4, 4)
        near, far = float(rec.get("near", 0.05)), float(rec.get("far", 100.0))
    except (KeyError, TypeError, ValueError) as exc:
        raise ExportError(f"expected a camera record with projection, width, height, K and cam_to_world "
                          f"(cameras.json), got {sorted(rec)}: {exc}") from None
    fx, fy, cx, cy = K[0, 0], K[1, 1], K[0, 2], K[1, 2]
    if not (fx > 0 and fy > 0 and width > 0 and height > 0 and 0 < near < far and np.all(np.isfinite(c2w))):
        raise ExportError(f"camera {rec.get('name')!r}: expected positive focal lengths and size, "
                          f"0 < near < far and a finite pose")
    cam = UsdGeom.Camera.Define(stage, path)
    gl_pose = c2w @ np.diag([1.0, -1.0, -1.0, 1.0])
    cam.AddTransformOp(UsdGeom.XformOp.PrecisionDouble).Set(_gf_matrix(px, gl_pose))
    if projection == "perspective":
        unit = FOCAL_LENGTH
        cam.CreateProjectionAttr(UsdGeom.Tokens.perspective)
        cam.CreateFocalLengthAttr(FOCAL_LENGTH)
    else:
        unit = _ORTHO_APERTURE_PER_M
        cam.CreateProjectionAttr(UsdGeom.Tokens.orthographic)
    cam.CreateHorizontalApertureAttr(float(width / fx * unit))
    cam.CreateVerticalApertureAttr(float(height / fy * unit))
    cam.CreateHorizontalApertureOffsetAttr(float(((width - 1) / 2.0 - cx) / fx * unit))
    cam.CreateVerticalApertureOffsetAttr(float((cy - (height - 1) / 2.0) / fy * unit))
    cam.CreateClippingRangeAttr(Gf.Vec2f(near, far))
    prim = cam.GetPrim()
    _set_custom(px, prim, "worldsmith:width", Sdf.ValueTypeNames.Int, width)
    _set_custom(px, prim, "worldsmith:height", Sdf.ValueTypeNames.Int, height)
    if rec.get("name") is not None:
        _set_custom(px, prim, "worldsmith:name", Sdf.ValueTypeNames.String, str(rec["name"]))


def build_stage(scene: Scene, *, cameras: Sequence[Any] | None = None, texture_px: int | None = DEFAULT_TEXTURE_PX,
                texture_dir: str = "textures", physics: bool = True) -> tuple[Any, dict[str, bytes]]:
    """The scene as an in-memory ``Usd.Stage`` and its texture files (name -> PNG bytes), which
    the stage references as ``./<texture_dir>/<name>`` (see the module doc for the layout).

    ``physics=False`` leaves out the physics scene, colliders and rigid bodies."""
    from .. import __version__

    if texture_px is not None and texture_px and not 4 <= int(texture_px) <= 4096:
        raise ExportError(f"expected a texture size between 4 and 4096 px, got {texture_px}")
    px = _pxr()
    Usd, UsdGeom, Sdf, Kind = px.Usd, px.UsdGeom, px.Sdf, px.Kind
    stage = Usd.Stage.CreateInMemory()
    UsdGeom.SetStageUpAxis(stage, UsdGeom.Tokens.z)
    UsdGeom.SetStageMetersPerUnit(stage, 1.0)
    layer = stage.GetRootLayer()
    layer.customLayerData = {"generator": f"worldsmith {__version__}", "prompt": scene.prompt,
                             "seed": str(scene.seed)}
    world = UsdGeom.Xform.Define(stage, "/World")
    stage.SetDefaultPrim(world.GetPrim())
    Usd.ModelAPI(world.GetPrim()).SetKind(Kind.Tokens.assembly)
    _set_custom(px, world.GetPrim(), "worldsmith:prompt", Sdf.ValueTypeNames.String, scene.prompt)
    _set_custom(px, world.GetPrim(), "worldsmith:seed", Sdf.ValueTypeNames.String, str(scene.seed))

    UsdGeom.Scope.Define(stage, "/World/Looks")
    looks = _Looks(px, stage, "/World/Looks", texture_px, texture_dir)
    if physics:
        from . import collision
    else:
        collision = None

    if scene.rooms:
        from ..assets.shell import build_room_shell

        arch = UsdGeom.Xform.Define(stage, "/World/Architecture")
        Usd.ModelAPI(arch.GetPrim()).SetKind(Kind.Tokens.group)
        arch_names = _Names()
        for room in scene.rooms:
            for name, parts in build_room_shell(scene, room):
                path = f"/World/Architecture/{arch_names.take(name)}"
                node = UsdGeom.Xform.Define(stage, path)
                prim = node.GetPrim()
                Usd.ModelAPI(prim).SetKind(Kind.Tokens.component)
                _semantics(px, prim, shell_category(scene, room, name), name)
                _set_custom(px, prim, "worldsmith:room", Sdf.ValueTypeNames.String, room.id)
                names = _Names()
                for part in parts:
                    if len(part.mesh.faces) == 0:
                        continue
                    _define_mesh(px, stage, f"{path}/{names.take(part.name)}", part.mesh.vertices, part.mesh.faces,
                                 looks.get(part.material, None))
        if collision is not None:
            boxes = list(collision.static_shell(scene))
            if boxes:
                group = f"/World/Architecture/{arch_names.take('collision')}"
                UsdGeom.Xform.Define(stage, group)
                box_names = _Names()
                for box in boxes:
                    _shell_box(px, stage, f"{group}/{box_names.take(box.name)}", box)

    if scene.objects:
        group = UsdGeom.Xform.Define(stage, "/World/Objects")
        Usd.ModelAPI(group.GetPrim()).SetKind(Kind.Tokens.group)
        for obj in scene.objects:
            _add_object(px, stage, looks, obj, f"/World/Objects/{obj.id}", collision)

    if scene.lights:
        UsdGeom.Xform.Define(stage, "/World/Lights")
        for light in scene.lights:
            _add_light(px, stage, light, f"/World/Lights/{light.id}")

    records = [_camera_record(c) for c in (cameras or ())]
    usable = [r for r in records if r.get("projection") in ("perspective", "orthographic")]
    for r in records:
        if r not in usable:
            log.info("USD export: camera %r (%s) has no USD equivalent; skipped", r.get("name"), r.get("projection"))
    if usable:
        UsdGeom.Xform.Define(stage, "/World/Cameras")
        cam_names = _Names()
        for i, rec in enumerate(usable):
            _add_camera(px, stage, rec, f"/World/Cameras/{cam_names.take(str(rec.get('name') or f'camera_{i}'))}")

    if collision is not None:
        phys = px.UsdPhysics.Scene.Define(stage, "/World/PhysicsScene")
        phys.CreateGravityDirectionAttr(px.Gf.Vec3f(0.0, 0.0, -1.0))
        phys.CreateGravityMagnitudeAttr(GRAVITY_M_S2)
        coverings = [o for o in scene.objects if collision.is_floor_covering(o)]
        others = [o for o in scene.objects if not collision.is_floor_covering(o)]
        if coverings and others:
            _covering_groups(px, stage, coverings, others)
    return stage, looks.files


# ---------------------------------------------------------------------------------------------
# writing


def texture_folder(path: str | Path) -> Path:
    """The texture folder that goes with a ``.usda`` / ``.usdc`` / ``.usd`` stage at ``path``."""
    p = Path(path)
    return p.with_name(p.stem + TEXTURES_SUFFIX)


#: DOS date of 1980-01-01 (the zip format's epoch), written as every usdz entry's modification date
_ZIP_DATE = (0 << 9) | (1 << 5) | 1


def _fix_zip_times(path: Path) -> None:
    """Overwrite the modification time and date of every entry of the zip at ``path`` (local and
    central headers) with 1980-01-01 00:00, in place: the sizes and the 64-byte data alignment
    usdz needs are untouched, and the package no longer depends on the clock."""
    import struct

    data = bytearray(path.read_bytes())
    eocd = data.rfind(b"PK\x05\x06")
    if eocd < 0:
        raise ExportError(f"expected a zip archive at {str(path)!r}")
    count, _size, offset = struct.unpack_from("<HII", data, eocd + 10)
    pos = offset
    for _ in range(count):
        if data[pos:pos + 4] != b"PK\x01\x02":
            raise ExportError(f"unexpected zip central directory in {str(path)!r}")
        struct.pack_into("<HH", data, pos + 12, 0, _ZIP_DATE)
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, pos + 28)
        (local,) = struct.unpack_from("<I", data, pos + 42)
        if data[local:local + 4] != b"PK\x03\x04":
            raise ExportError(f"unexpected zip local header in {str(path)!r}")
        struct.pack_into("<HH", data, local + 10, 0, _ZIP_DATE)
        pos += 46 + name_len + extra_len + comment_len
    path.write_bytes(bytes(data))


def export_usd(scene: Scene, path: str | Path, *, cameras: Sequence[Any] | None = None,
               texture_px: int | None = DEFAULT_TEXTURE_PX) -> None:
    """Write ``scene`` as a USD stage at ``path`` (``.usda``, ``.usdc``, ``.usd`` or ``.usdz``;
    parent folders are created). ``cameras``: records as in ``renders/cameras.json``;
    ``texture_px``: size of texture maps (None or 0: plain colours, no texture files)."""
    final = Path(path)
    kind = SUFFIXES.get(final.suffix.lower())
    if kind is None:
        raise ExportError(f"expected a USD path ending in {', '.join(SUFFIXES)}, got {str(final)!r}")
    tex_dir_name = final.stem + TEXTURES_SUFFIX
    px = _pxr()
    stage, files = build_stage(scene, cameras=cameras, texture_px=texture_px, texture_dir=tex_dir_name)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))
    except OSError as exc:
        raise ExportError(f"cannot write {str(final)!r}: {exc}") from exc
    try:
        layer_path = tmp / (final.stem + ".usdc" if kind == "usdz" else final.name)
        if files:
            (tmp / tex_dir_name).mkdir()
            for name, data in files.items():
                (tmp / tex_dir_name / name).write_bytes(data)
        try:
            ok = stage.GetRootLayer().Export(str(layer_path))
        except Exception as exc:  # pxr raises Tf.ErrorException
            raise ExportError(f"could not write the USD stage {str(final)!r}: {exc}") from exc
        if not ok:
            raise ExportError(f"could not write the USD stage {str(final)!r}")
        if kind == "usdz":
            package = tmp / final.name
            try:
                ok = px.UsdUtils.CreateNewUsdzPackage(px.Sdf.AssetPath(str(layer_path)), str(package))
            except Exception as exc:
                raise ExportError(f"could not package {str(final)!r} as usdz: {exc}") from exc
            if not ok:
                raise ExportError(f"could not package {str(final)!r} as usdz")
            _fix_zip_times(package)
            os.replace(package, final)
        else:
            if files:
                target = final.parent / tex_dir_name
                old = tmp / (tex_dir_name + ".old")
                if target.is_dir() and not target.is_symlink():
                    os.replace(target, old)
                elif target.exists() or target.is_symlink():
                    raise ExportError(f"expected {str(target)!r} to be a texture folder, found a file there")
                os.replace(tmp / tex_dir_name, target)
            os.replace(layer_path, final)
    except OSError as exc:
        raise ExportError(f"cannot write {str(final)!r}: {exc}") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log.info("wrote %s (%d objects, %d texture files)", final, len(scene.objects), len(files))


# ---------------------------------------------------------------------------------------------
# validation


@dataclass(frozen=True)
class UsdIssue:
    """One finding of a USD validator: ``severity`` ("error", "warning" or "info"), the
    validator's error ``name`` and its ``message``."""

    severity: str
    name: str
    message: str


def validation_issues(path: str | Path) -> list[UsdIssue]:
    """Open the stage at ``path`` and run every registered ``UsdValidation`` validator on it
    (what ``usdchecker`` runs in OpenUSD >= 25); with older usd-core, ``UsdUtils.ComplianceChecker``."""
    px = _pxr()
    p = Path(path)
    if not p.is_file():
        raise ExportError(f"expected an existing USD file, got {str(p)!r}")
    try:
        from pxr import UsdValidation
    except ImportError:
        UsdValidation = None
    if UsdValidation is None:  # pragma: no cover - OpenUSD < 24.11
        checker = px.UsdUtils.ComplianceChecker(skipARKitRootLayerCheck=True)
        checker.CheckCompliance(str(p))
        return ([UsdIssue("error", "compliance", m) for m in checker.GetErrors()]
                + [UsdIssue("error", "failed check", m) for m in checker.GetFailedChecks()]
                + [UsdIssue("warning", "compliance", m) for m in checker.GetWarnings()])
    stage = px.Usd.Stage.Open(str(p))
    if stage is None:
        raise ExportError(f"pxr could not open {str(p)!r}")
    validators = UsdValidation.ValidationRegistry().GetOrLoadAllValidators()
    errors = UsdValidation.ValidationContext(validators).Validate(stage)
    out = []
    severity = {UsdValidation.ValidationErrorType.Error: "error", UsdValidation.ValidationErrorType.Warn: "warning"}
    for e in errors:
        if e.HasNoError():
            continue
        out.append(UsdIssue(severity.get(e.GetType(), "info"), str(e.GetName()), str(e.GetMessage())))
    return sorted(out, key=lambda i: (i.severity, i.name, i.message))


__all__ = ["DEFAULT_TEXTURE_PX", "FIXTURE_RADIUS_M", "FOCAL_LENGTH", "GRAVITY_M_S2", "POINT_RADIUS_M",
           "SEMANTICS_TAXONOMY", "SPOT_SOFTNESS", "SUFFIXES", "TEXTURES_SUFFIX", "UsdIssue", "build_stage",
           "export_usd", "light_intensity_nits", "prim_name", "texture_folder", "validation_issues"]
