"""USD export: checked by the reference reader (pxr opens the stage; every registered UsdValidation
validator, the library behind usdchecker, runs on it) against numbers known from the scene."""

from __future__ import annotations

import hashlib
import math
import os
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pxr = pytest.importorskip("pxr", reason="usd-core (pxr) is not installed: pip install 'worldsmith[usd]'")
from pxr import Gf, Usd, UsdGeom, UsdLux, UsdPhysics, UsdSemantics, UsdShade  # noqa: E402

from worldsmith.assets import build_object_parts, object_transform  # noqa: E402
from worldsmith.assets.shell import build_room_shell  # noqa: E402
from worldsmith.dsl import execute  # noqa: E402
from worldsmith.export import ExportError  # noqa: E402
from worldsmith.export import collision  # noqa: E402
from worldsmith.export.usd import (  # noqa: E402
    FIXTURE_RADIUS_M, GRAVITY_M_S2, POINT_RADIUS_M, build_stage, export_usd, light_intensity_nits, prim_name,
    texture_folder, validation_issues,
)
from worldsmith.materials.maps import texture_map_files  # noqa: E402
from worldsmith.materials import resolve_pbr  # noqa: E402
from worldsmith.render.cameras import preset  # noqa: E402
from worldsmith.scene import AssetRef, ObjectInstance, Scene  # noqa: E402

PROGRAM = """
room("kitchen", width=4.0, depth=3.5, height=2.7)
door("wall_0", at=0.3, width=0.9)
window("wall_2", at=0.5, width=1.4, height=1.2, sill=0.9)
material("floor", "light oak planks")
material("walls", "warm white paint")
table = add("dining_table", width=1.2, depth=0.8, height=0.75)
place(table, at=(2.0, 1.8))
cup = add("mug", on=table)
rug = add("rug", width=1.0, depth=0.7)
place(rug, at=(3.2, 0.8))
chair = add("chair", color="red")
place(chair, at=(0.9, 0.9), yaw=37.5)
art = add_to_wall("wall_3", "painting", width=0.8, height=0.6)
light("ceiling", at=(2.0, 1.75), watts=60, kelvin=2700)
light("point", at=(0.5, 0.5, 1.5), lumens=400, color=(1.0, 0.8, 0.6))
light("spot", at=(3.0, 3.0, 2.4), watts=20, direction=(0, -0.5, -1), cone=40)
light("area", at=(2.0, 1.0, 2.6), lumens=1500, size=(0.8, 0.4))
"""
T = Usd.TimeCode.Default()


@pytest.fixture(scope="module")
def scene() -> Scene:
    s = execute(PROGRAM, Scene(prompt="a small kitchen", seed=0), seed=0).scene
    assert {o.category for o in s.objects} >= {"dining_table", "mug", "rug", "chair", "painting"}
    return s


@pytest.fixture(scope="module")
def cameras(scene) -> list[dict]:
    persp = [c.to_dict() for c in preset(scene, "corners", width=64, height=48)[:2]]
    # an off-centre principal point, as a cropped render would have
    shifted = dict(persp[1], name="shifted")
    K = np.asarray(shifted["K"], dtype=float)
    K[0, 2] += 7.0
    K[1, 2] -= 3.0
    K[1, 1] *= 1.1  # non-square pixels
    shifted["K"] = K.tolist()
    top = preset(scene, "topdown", width=80)[0].to_dict()
    pano = preset(scene, "panorama", width=128)[0].to_dict()
    return persp + [shifted, top, pano]


@pytest.fixture(scope="module")
def out(scene, cameras, tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("usd")
    paths = {}
    for ext in ("usda", "usdc", "usdz"):
        paths[ext] = folder / f"scene.{ext}"
        export_usd(scene, paths[ext], cameras=cameras)
    return paths


@pytest.fixture(scope="module")
def stage(out):
    st = Usd.Stage.Open(str(out["usda"]))
    assert st is not None
    return st


def _children(stage, path: str) -> list:
    prim = stage.GetPrimAtPath(path)
    assert prim.IsValid(), path
    return list(prim.GetChildren())


def _visible_meshes(prim) -> list:
    return [p for p in Usd.PrimRange(prim) if p.IsA(UsdGeom.Mesh)
            and UsdGeom.Imageable(p).ComputePurpose() != UsdGeom.Tokens.guide]


def _world_points(prim) -> np.ndarray:
    m = np.array(UsdGeom.Xformable(prim).ComputeLocalToWorldTransform(T)).T
    p = np.array(UsdGeom.Mesh(prim).GetPointsAttr().Get(), dtype=float)
    return p @ m[:3, :3].T + m[:3, 3]


# ---------------------------------------------------------------------------------------------
# the reference reader and the validators


@pytest.mark.parametrize("ext", ["usda", "usdc", "usdz"])
def test_validators_report_no_errors(out, ext):
    issues = validation_issues(out[ext])
    for issue in issues:
        if issue.severity != "error":
            print(f"{ext}: {issue.severity} {issue.name}: {issue.message}")
    assert [i for i in issues if i.severity == "error"] == []


def test_validation_detects_a_broken_stage(tmp_path):
    """The checker is live: a stage without metadata and with nested gprims fails it."""
    st = Usd.Stage.CreateNew(str(tmp_path / "bad.usda"))
    UsdGeom.Mesh.Define(st, "/A")
    UsdGeom.Mesh.Define(st, "/A/B")
    st.GetRootLayer().Save()
    names = {i.name for i in validation_issues(tmp_path / "bad.usda") if i.severity == "error"}
    assert {"MissingUpAxisMetadata", "MissingMetersPerUnitMetadata", "MissingDefaultPrim",
            "InvalidNestedGprims"} <= names


def test_stage_metadata(stage):
    assert UsdGeom.GetStageUpAxis(stage) == UsdGeom.Tokens.z
    assert UsdGeom.GetStageMetersPerUnit(stage) == 1.0
    world = stage.GetDefaultPrim()
    assert world.GetPath() == "/World" and world.IsA(UsdGeom.Xform)
    assert Usd.ModelAPI(world).GetKind() == "assembly"
    assert world.GetAttribute("worldsmith:prompt").Get() == "a small kitchen"


# ---------------------------------------------------------------------------------------------
# prim counts and geometry


def test_prim_counts_match_the_scene(scene, stage, cameras):
    objects = _children(stage, "/World/Objects")
    assert [p.GetName() for p in objects] == [o.id for o in scene.objects]
    assert all(p.IsA(UsdGeom.Xform) and Usd.ModelAPI(p).GetKind() == "component" for p in objects)
    for o, prim in zip(scene.objects, objects):
        parts = [p for p in build_object_parts(o) if len(p.mesh.faces)]
        meshes = _visible_meshes(prim)
        assert len(meshes) == len(parts), o.id
        assert all(m.GetParent() == prim for m in meshes)  # one level: no nested gprims
    lights = [p for p in Usd.PrimRange(stage.GetPseudoRoot()) if p.HasAPI(UsdLux.LightAPI)]
    assert [p.GetName() for p in lights] == [li.id for li in scene.lights]
    cams = [p for p in Usd.PrimRange(stage.GetPseudoRoot()) if p.IsA(UsdGeom.Camera)]
    assert [c.GetAttribute("worldsmith:name").Get() for c in cams] == [
        r["name"] for r in cameras if r["projection"] != "equirectangular"]
    shell = [(name, parts) for room in scene.rooms for name, parts in build_room_shell(scene, room)]
    arch = [p for p in _children(stage, "/World/Architecture") if p.GetName() != "collision"]
    assert [p.GetName() for p in arch] == [name for name, _ in shell]
    for (name, parts), prim in zip(shell, arch):
        assert len(_visible_meshes(prim)) == len([p for p in parts if len(p.mesh.faces)]), name


def test_object_bounds_match_the_scene_geometry(scene, stage):
    cache = UsdGeom.BBoxCache(T, [UsdGeom.Tokens.default_, UsdGeom.Tokens.render], useExtentsHint=False)
    assert {o.yaw_deg % 360.0 for o in scene.objects} >= {0.0, 37.5, 270.0}
    for o in scene.objects:
        prim = stage.GetPrimAtPath(f"/World/Objects/{o.id}")
        parts = build_object_parts(o)
        local = np.vstack([p.mesh.vertices for p in parts])
        m = object_transform(o)
        world = local @ m[:3, :3].T + m[:3, 3]
        # the bound in the object's frame is the local geometry's box, placed by object_transform
        box = cache.ComputeWorldBound(prim)
        rng = box.GetRange()
        np.testing.assert_allclose([rng.GetMin(), rng.GetMax()], [local.min(0), local.max(0)], atol=1e-4)
        np.testing.assert_allclose(np.array(box.GetMatrix()).T, m, atol=1e-9)
        # and the world-space points give the world-space box exactly
        pts = np.vstack([_world_points(p) for p in _visible_meshes(prim)])
        np.testing.assert_allclose([pts.min(0), pts.max(0)], [world.min(0), world.max(0)], atol=1e-4)
        if o.yaw_deg % 90.0 == 0.0:
            aligned = box.ComputeAlignedRange()
            np.testing.assert_allclose([aligned.GetMin(), aligned.GetMax()], [world.min(0), world.max(0)], atol=1e-4)
        ops = [op.GetOpName() for op in UsdGeom.Xformable(prim).GetOrderedXformOps()]
        assert ops == ["xformOp:translate", "xformOp:rotateZ"]


@settings(max_examples=15, deadline=None)
@given(x=st.floats(-20, 20), y=st.floats(-20, 20), z=st.floats(0, 3), yaw=st.floats(-360, 360),
       w=st.floats(0.05, 3), d=st.floats(0.05, 3), h=st.floats(0.05, 3))
def test_any_pose_keeps_its_world_bounds(x, y, z, yaw, w, d, h):
    obj = ObjectInstance("thing_0", "cabinet", AssetRef("fallback", "cabinet"), (x, y, z), (w, d, h), yaw_deg=yaw)
    stage, _ = build_stage(Scene(objects=(obj,)), texture_px=0)
    prim = stage.GetPrimAtPath("/World/Objects/thing_0")
    pts = np.vstack([_world_points(p) for p in _visible_meshes(prim)])
    m = object_transform(obj)
    local = np.vstack([p.mesh.vertices for p in build_object_parts(obj)])
    world = local @ m[:3, :3].T + m[:3, 3]
    np.testing.assert_allclose([pts.min(0), pts.max(0)], [world.min(0), world.max(0)], atol=1e-4)


def test_meshes_are_triangles_with_flat_normals(scene, stage):
    for prim in _visible_meshes(stage.GetPrimAtPath("/World")):
        mesh = UsdGeom.Mesh(prim)
        counts = np.array(mesh.GetFaceVertexCountsAttr().Get())
        idx = np.array(mesh.GetFaceVertexIndicesAttr().Get())
        pts = np.array(mesh.GetPointsAttr().Get(), dtype=float)
        assert (counts == 3).all() and len(idx) == 3 * len(counts) and idx.max() < len(pts)
        assert mesh.GetSubdivisionSchemeAttr().Get() == "none"
        normals = UsdGeom.PrimvarsAPI(prim).GetPrimvar("normals")
        assert normals.GetInterpolation() == UsdGeom.Tokens.faceVarying
        n = np.array(normals.Get(), dtype=float)
        assert n.shape == (len(idx), 3)
        np.testing.assert_allclose(np.linalg.norm(n, axis=1), 1.0, atol=1e-5)
        tri = pts[idx.reshape(-1, 3)]
        cross = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
        big = np.linalg.norm(cross, axis=1) > 1e-8
        expected = cross[big] / np.linalg.norm(cross[big], axis=1, keepdims=True)
        np.testing.assert_allclose(n[0::3][big], expected, atol=1e-4)
        extent = np.array(mesh.GetExtentAttr().Get())
        np.testing.assert_allclose(extent, [pts.min(0), pts.max(0)], atol=1e-6)


# ---------------------------------------------------------------------------------------------
# materials and textures


def _surface(prim):
    material, _ = UsdShade.MaterialBindingAPI(prim).ComputeBoundMaterial()
    assert material, prim.GetPath()
    shader = material.ComputeSurfaceSource()[0]
    assert shader.GetIdAttr().Get() == "UsdPreviewSurface"
    return material, shader


def test_every_visible_mesh_has_a_preview_surface(stage):
    meshes = _visible_meshes(stage.GetPrimAtPath("/World"))
    assert meshes
    for prim in meshes:
        assert prim.HasAPI(UsdShade.MaterialBindingAPI)
        _surface(prim)


def test_textured_floor(scene, stage, out):
    prim = stage.GetPrimAtPath(f"/World/Architecture/floor_{scene.rooms[0].id}/floor")
    material, shader = _surface(prim)
    assert material.GetPrim().GetAttribute("worldsmith:description").Get() == "light oak planks"
    albedo = shader.GetInput("diffuseColor").GetConnectedSources()[0][0].source
    assert UsdShade.Shader(albedo.GetPrim()).GetIdAttr().Get() == "UsdUVTexture"
    asset = albedo.GetPrim().GetAttribute("inputs:file").Get()
    assert asset.path.startswith("./scene_textures/")
    assert os.path.isfile(asset.resolvedPath)
    # the library's cached albedo map, copied unchanged
    files, tile = texture_map_files(resolve_pbr("light oak planks"), resolution=512)
    with open(asset.resolvedPath, "rb") as fh, open(files["albedo"], "rb") as ref:
        assert fh.read() == ref.read()
    assert material.GetPrim().GetAttribute("worldsmith:texture_tile_m").Get() == pytest.approx(tile)
    # one st per point, one UV unit per tile (metric box projection: the floor is the XY plane)
    st = np.array(UsdGeom.PrimvarsAPI(prim).GetPrimvar("st").Get(), dtype=float)
    pts = np.array(UsdGeom.Mesh(prim).GetPointsAttr().Get(), dtype=float)
    assert st.shape == (len(pts), 2)
    faces = np.array(UsdGeom.Mesh(prim).GetFaceVertexIndicesAttr().Get()).reshape(-1, 3)
    normals = np.array(UsdGeom.PrimvarsAPI(prim).GetPrimvar("normals").Get())[0::3]
    flat = np.unique(faces[np.abs(normals[:, 2]) > 0.99])  # corners of the horizontal faces
    assert len(flat) >= 8
    np.testing.assert_allclose(st[flat], pts[flat, :2] / tile, atol=1e-5)
    normal_tex = shader.GetInput("normal").GetConnectedSources()[0][0].source.GetPrim()
    assert normal_tex.GetAttribute("inputs:sourceColorSpace").Get() == "raw"
    assert tuple(normal_tex.GetAttribute("inputs:scale").Get()) == (2, 2, 2, 1)
    assert tuple(normal_tex.GetAttribute("inputs:bias").Get()) == (-1, -1, -1, 0)


def test_all_texture_paths_resolve(stage, out):
    files = []
    for prim in Usd.PrimRange(stage.GetPseudoRoot()):
        if prim.IsA(UsdShade.Shader) and UsdShade.Shader(prim).GetIdAttr().Get() == "UsdUVTexture":
            asset = prim.GetAttribute("inputs:file").Get()
            assert asset.resolvedPath and os.path.isfile(asset.resolvedPath), asset
            files.append(os.path.realpath(asset.resolvedPath))
    folder = texture_folder(out["usda"])
    assert folder.is_dir() and files
    # the folder holds exactly the referenced maps, each once
    assert set(files) == {os.path.realpath(p) for p in folder.iterdir()}
    digests = [hashlib.sha256(p.read_bytes()).digest() for p in folder.iterdir()]
    assert len(digests) == len(set(digests))


def test_glass_window_is_transparent(scene, stage):
    window = next(o for r in scene.rooms for o in r.openings if o.kind == "window")
    prim = stage.GetPrimAtPath(f"/World/Architecture/{window.id}/glass")
    material, shader = _surface(prim)
    alpha = float(resolve_pbr("clear glass").base_color[3])
    assert alpha < 1.0
    assert shader.GetInput("opacity").Get() == pytest.approx(alpha)
    assert UsdGeom.Mesh(prim).GetDoubleSidedAttr().Get() is True
    frame = stage.GetPrimAtPath(f"/World/Architecture/{window.id}/frame_left")
    assert _surface(frame)[1].GetInput("opacity").Get() == 1.0


def test_object_colour_tints_its_main_parts(scene, stage):
    chair = next(o for o in scene.objects if o.category == "chair")
    names = {UsdShade.MaterialBindingAPI(p).ComputeBoundMaterial()[0].GetPrim().GetName()
             for p in _visible_meshes(stage.GetPrimAtPath(f"/World/Objects/{chair.id}"))}
    colours = {stage.GetPrimAtPath(f"/World/Looks/{n}").GetAttribute("worldsmith:color").Get() for n in names}
    assert "red" in colours


def test_plain_colours_without_textures(scene, tmp_path):
    export_usd(scene, tmp_path / "plain.usda", texture_px=0)
    assert not texture_folder(tmp_path / "plain.usda").exists()
    st = Usd.Stage.Open(str(tmp_path / "plain.usda"))
    floor = st.GetPrimAtPath(f"/World/Architecture/floor_{scene.rooms[0].id}/floor")
    shader = _surface(floor)[1]
    assert not shader.GetInput("diffuseColor").HasConnectedSource()
    assert not UsdGeom.PrimvarsAPI(floor).HasPrimvar("st")
    assert not [p for p in Usd.PrimRange(st.GetPseudoRoot()) if p.GetName() == "AlbedoTexture"]


# ---------------------------------------------------------------------------------------------
# lights


def test_lights(scene, stage):
    kinds = {"ceiling_fixture": UsdLux.SphereLight, "point": UsdLux.SphereLight, "spot": UsdLux.SphereLight,
             "area": UsdLux.RectLight}
    assert sorted(li.kind for li in scene.lights) == ["area", "ceiling_fixture", "point", "spot"]
    for li in scene.lights:
        prim = stage.GetPrimAtPath(f"/World/Lights/{li.id}")
        assert prim.IsA(kinds[li.kind]), li.kind
        lux = UsdLux.LightAPI(prim)
        nits = lux.GetIntensityAttr().Get()
        if li.kind == "area":
            area = li.area_size[0] * li.area_size[1]
            assert UsdLux.RectLight(prim).GetWidthAttr().Get() == pytest.approx(li.area_size[0])
            assert UsdLux.RectLight(prim).GetHeightAttr().Get() == pytest.approx(li.area_size[1])
        else:
            r = UsdLux.SphereLight(prim).GetRadiusAttr().Get()
            assert r == pytest.approx(FIXTURE_RADIUS_M if li.kind == "ceiling_fixture" else POINT_RADIUS_M)
            area = 4.0 * math.pi * r * r
        # flux of a Lambertian emitter: pi * L * A
        assert math.pi * nits * area == pytest.approx(li.lumens_value, rel=1e-6)
        assert nits == pytest.approx(light_intensity_nits(li), rel=1e-6)
        assert lux.GetExposureAttr().Get() == 0.0 and lux.GetNormalizeAttr().Get() is False
        if li.rgb is not None:
            assert tuple(lux.GetColorAttr().Get()) == pytest.approx(li.rgb)
            assert not lux.GetEnableColorTemperatureAttr().Get()
        else:
            assert lux.GetEnableColorTemperatureAttr().Get() is True
            assert lux.GetColorTemperatureAttr().Get() == pytest.approx(li.kelvin_value)
        m = np.array(UsdGeom.Xformable(prim).ComputeLocalToWorldTransform(T)).T
        np.testing.assert_allclose(m[:3, 3], li.position, atol=1e-9)
        if li.kind in ("spot", "area"):  # the emitting axis (-Z) points along direction
            d = np.asarray(li.direction) / np.linalg.norm(li.direction)
            np.testing.assert_allclose(-m[:3, 2], d, atol=1e-9)
        if li.kind == "spot":
            shaping = UsdLux.ShapingAPI(prim)
            assert prim.HasAPI(UsdLux.ShapingAPI)
            assert shaping.GetShapingConeAngleAttr().Get() == pytest.approx(li.cone_deg / 2.0)
    point = next(li for li in scene.lights if li.kind == "point")
    assert light_intensity_nits(point) == pytest.approx(400.0 / (4 * math.pi ** 2 * POINT_RADIUS_M ** 2))


# ---------------------------------------------------------------------------------------------
# physics


def test_physics_scene(stage):
    phys = UsdPhysics.Scene(stage.GetPrimAtPath("/World/PhysicsScene"))
    assert phys
    assert tuple(phys.GetGravityDirectionAttr().Get()) == (0.0, 0.0, -1.0)
    assert phys.GetGravityMagnitudeAttr().Get() == pytest.approx(GRAVITY_M_S2)


def test_rigid_bodies_and_colliders(scene, stage):
    movable = {o.id for o in scene.objects if collision.is_movable(o)}
    assert {"dining_table_0", "mug_0"} <= movable
    wall_mounted = [o for o in scene.objects if o.support_kind == "wall"]
    assert wall_mounted and not movable & {o.id for o in wall_mounted}
    for o in scene.objects:
        prim = stage.GetPrimAtPath(f"/World/Objects/{o.id}")
        assert prim.HasAPI(UsdPhysics.RigidBodyAPI) is (o.id in movable), o.id
        if o.id in movable:
            api = UsdPhysics.MassAPI(prim)
            mass = api.GetMassAttr().Get()
            assert mass > 0 and mass == pytest.approx(collision.object_mass(o), rel=1e-6)
            props = collision.mass_properties(o)
            np.testing.assert_allclose(api.GetCenterOfMassAttr().Get(), props.center_of_mass, atol=1e-6)
            # principal axes and moments rebuild the inertia tensor
            q = api.GetPrincipalAxesAttr().Get()
            rot = np.array(Gf.Matrix3d(Gf.Rotation(Gf.Quatd(q)))).T
            inertia = rot @ np.diag(api.GetDiagonalInertiaAttr().Get()) @ rot.T
            np.testing.assert_allclose(inertia, props.inertia, rtol=1e-4, atol=1e-6 * np.abs(props.inertia).max())
            _, axes = props.principal
            for k in range(3):  # the quaternion turns local axis k onto principal axis k
                e = Gf.Vec3d(*np.eye(3)[k])
                np.testing.assert_allclose(Gf.Rotation(Gf.Quatd(q)).TransformDir(e), axes[:, k], atol=1e-5)
        else:
            assert not prim.HasAPI(UsdPhysics.MassAPI)
        hulls = collision.collision_parts(o)
        colliders = [p for p in Usd.PrimRange(prim) if p.HasAPI(UsdPhysics.CollisionAPI)]
        assert len(colliders) == len(hulls) > 0, o.id
        m = object_transform(o)
        for c, hull in zip(colliders, hulls):
            assert UsdGeom.Imageable(c).ComputePurpose() == UsdGeom.Tokens.guide
            assert UsdPhysics.MeshCollisionAPI(c).GetApproximationAttr().Get() == UsdPhysics.Tokens.convexHull
            world = np.asarray(hull.vertices) @ m[:3, :3].T + m[:3, 3]
            got = _world_points(c)
            np.testing.assert_allclose([got.min(0), got.max(0)], [world.min(0), world.max(0)], atol=1e-4)
        # the visible meshes do not collide
        assert not any(p.HasAPI(UsdPhysics.CollisionAPI) for p in _visible_meshes(prim))


def test_static_shell_colliders(scene, stage):
    boxes = collision.static_shell(scene)
    prims = _children(stage, "/World/Architecture/collision")
    assert [p.GetName() for p in prims] == [b.name for b in boxes]
    for box, prim in zip(boxes, prims):
        assert prim.IsA(UsdGeom.Cube) and prim.HasAPI(UsdPhysics.CollisionAPI)
        assert not prim.HasAPI(UsdPhysics.RigidBodyAPI)
        assert UsdGeom.Imageable(prim).ComputePurpose() == UsdGeom.Tokens.guide
        m = np.array(UsdGeom.Xformable(prim).ComputeLocalToWorldTransform(T)).T
        unit = np.array([[x, y, z, 1.0] for x in (-0.5, 0.5) for y in (-0.5, 0.5) for z in (-0.5, 0.5)])
        corners = (unit @ m.T)[:, :3]
        np.testing.assert_allclose(np.sort(corners, axis=0), np.sort(box.corners(), axis=0), atol=1e-9)
    visible_shell = _visible_meshes(stage.GetPrimAtPath("/World/Architecture"))
    assert visible_shell and not any(p.HasAPI(UsdPhysics.CollisionAPI) for p in visible_shell)


def test_rug_collides_with_the_building_only(scene, stage):
    rugs = [o.id for o in scene.objects if collision.is_floor_covering(o)]
    assert rugs
    groups = {p.GetName(): UsdPhysics.CollisionGroup(p) for p in _children(stage, "/World/CollisionGroups")}
    members = {name: {str(t) for t in g.GetCollidersCollectionAPI().GetIncludesRel().GetTargets()}
               for name, g in groups.items()}
    assert members["floor_coverings"] == {f"/World/Objects/{i}" for i in rugs}
    assert members["objects"] == {f"/World/Objects/{o.id}" for o in scene.objects if o.id not in rugs}
    assert groups["floor_coverings"].GetFilteredGroupsRel().GetTargets() == ["/World/CollisionGroups/objects"]


# ---------------------------------------------------------------------------------------------
# semantics


def test_semantic_labels(scene, stage):
    for o in scene.objects:
        prim = stage.GetPrimAtPath(f"/World/Objects/{o.id}")
        assert prim.GetAttribute("semantic:category").Get() == o.category
        assert prim.GetAttribute("semantic:id").Get() == o.id
        assert prim.GetAttribute("worldsmith:support").Get() == o.support
        assert list(UsdSemantics.LabelsAPI(prim, "class").GetLabelsAttr().Get()) == [o.category]
    room = scene.rooms[0]
    expected = {f"floor_{room.id}": "floor", f"ceiling_{room.id}": "ceiling"}
    expected.update({w.id: "wall" for w in scene.walls})
    expected.update({o.id: o.kind for o in room.openings})
    for name, category in expected.items():
        prim = stage.GetPrimAtPath(f"/World/Architecture/{name}")
        assert prim.GetAttribute("semantic:category").Get() == category, name
        assert list(UsdSemantics.LabelsAPI(prim, "class").GetLabelsAttr().Get()) == [category]


# ---------------------------------------------------------------------------------------------
# cameras


def _expected_pixels(rec: dict, pts: np.ndarray) -> np.ndarray:
    c2w = np.asarray(rec["cam_to_world"], dtype=float)
    K = np.asarray(rec["K"], dtype=float)
    c = (pts - c2w[:3, 3]) @ np.linalg.inv(c2w[:3, :3]).T
    if rec["projection"] == "perspective":
        return np.stack([K[0, 0] * c[:, 0] / c[:, 2] + K[0, 2], K[1, 1] * c[:, 1] / c[:, 2] + K[1, 2]], axis=1)
    return np.stack([K[0, 0] * c[:, 0] + K[0, 2], K[1, 1] * c[:, 1] + K[1, 2]], axis=1)


def test_cameras_match_their_records(scene, stage, cameras):
    pts = np.array([[1.0, 1.0, 1.0], [3.0, 2.5, 0.5], [0.5, 3.0, 2.0], [2.0, 1.8, 0.9], [2.5, 0.7, 0.2]])
    checked = 0
    for rec in cameras:
        prim = stage.GetPrimAtPath(f"/World/Cameras/{prim_name(rec['name'])}")
        if rec["projection"] == "equirectangular":
            assert not prim.IsValid()
            continue
        checked += 1
        cam = UsdGeom.Camera(prim)
        pose = np.array(cam.ComputeLocalToWorldTransform(T)).T
        np.testing.assert_allclose(pose, np.asarray(rec["cam_to_world"]) @ np.diag([1.0, -1.0, -1.0, 1.0]),
                                   atol=1e-9)
        assert cam.GetProjectionAttr().Get() == rec["projection"]
        assert tuple(cam.GetClippingRangeAttr().Get()) == pytest.approx((rec["near"], rec["far"]))
        # USD's own frustum (Gf) projects world points onto the record's pixels
        frustum = cam.GetCamera(T).frustum
        vp = np.array(frustum.ComputeViewMatrix()) @ np.array(frustum.ComputeProjectionMatrix())
        hom = np.c_[pts, np.ones(len(pts))] @ vp
        ndc = hom[:, :3] / hom[:, 3:]
        w, h = rec["width"], rec["height"]
        got = np.stack([(ndc[:, 0] + 1) / 2 * w - 0.5, (1 - ndc[:, 1]) / 2 * h - 0.5], axis=1)
        np.testing.assert_allclose(got, _expected_pixels(rec, pts), atol=1e-3)
    assert checked == 4


def test_bad_camera_record_is_an_export_error(scene, tmp_path):
    with pytest.raises(ExportError, match="camera record"):
        export_usd(scene, tmp_path / "s.usda", cameras=[{"name": "x", "projection": "perspective"}])
    assert not (tmp_path / "s.usda").exists()


# ---------------------------------------------------------------------------------------------
# files: formats, usdz, determinism, atomic writes


def test_formats(out):
    assert out["usda"].read_bytes().startswith(b"#usda 1.0")
    assert out["usdc"].read_bytes().startswith(b"PXR-USDC")
    with zipfile.ZipFile(out["usdz"]) as z:
        names = z.namelist()
        assert names[0] == "scene.usdc"
        assert z.testzip() is None
        assert all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist())
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert {n.split("/", 1)[1] for n in names[1:]} == {p.name for p in texture_folder(out["usda"]).iterdir()}


@pytest.mark.parametrize("ext", ["usdc", "usdz"])
def test_binary_and_package_round_trip(stage, out, ext):
    other = Usd.Stage.Open(str(out[ext]))
    assert other is not None
    paths = [str(p.GetPath()) for p in Usd.PrimRange(stage.GetPseudoRoot())]
    assert [str(p.GetPath()) for p in Usd.PrimRange(other.GetPseudoRoot())] == paths
    tex = [p for p in Usd.PrimRange(other.GetPseudoRoot()) if p.GetName() == "AlbedoTexture"]
    assert tex
    for p in tex:
        resolved = p.GetAttribute("inputs:file").Get().resolvedPath
        assert resolved, p.GetPath()
        if ext == "usdz":
            assert resolved.startswith(str(out["usdz"]) + "[scene_textures/")


def test_same_scene_same_bytes(scene, cameras, out, tmp_path):
    for ext in ("usda", "usdz"):
        again = tmp_path / f"scene.{ext}"
        export_usd(scene, again, cameras=cameras)
        assert again.read_bytes() == out[ext].read_bytes(), ext


def test_rewrite_replaces_the_texture_folder(scene, tmp_path):
    path = tmp_path / "room.usda"
    folder = texture_folder(path)
    folder.mkdir()
    (folder / "stale.png").write_bytes(b"old")
    export_usd(scene, path)
    assert not (folder / "stale.png").exists() and any(folder.iterdir())
    assert sorted(os.listdir(tmp_path)) == ["room.usda", "room_textures"]  # no temporary leftovers


def test_failure_leaves_no_half_written_stage(scene, tmp_path):
    path = tmp_path / "room.usda"
    texture_folder(path).write_bytes(b"a file where the texture folder goes")
    with pytest.raises(ExportError, match="texture folder"):
        export_usd(scene, path)
    assert sorted(os.listdir(tmp_path)) == ["room_textures"]


def test_unwritable_path_is_an_export_error(scene, tmp_path):
    (tmp_path / "file").write_bytes(b"x")
    with pytest.raises(ExportError, match="cannot write"):
        export_usd(scene, tmp_path / "file" / "room.usda")


def test_suffix_selects_the_format(scene, tmp_path):
    with pytest.raises(ExportError, match="USD path"):
        export_usd(scene, tmp_path / "room.glb")
    with pytest.raises(ExportError, match="texture size"):
        export_usd(scene, tmp_path / "room.usda", texture_px=2)
    assert not any(tmp_path.iterdir())
    export_usd(Scene(), tmp_path / "empty.usd")
    assert (tmp_path / "empty.usd").read_bytes().startswith(b"PXR-USDC")
    st = Usd.Stage.Open(str(tmp_path / "empty.usd"))
    assert st.GetDefaultPrim().GetPath() == "/World"
    assert [i for i in validation_issues(tmp_path / "empty.usd") if i.severity == "error"] == []


def test_missing_pxr_names_the_extra(scene, tmp_path, monkeypatch):
    import sys

    from worldsmith.export import ExporterUnavailableError

    monkeypatch.setitem(sys.modules, "pxr", None)  # as if usd-core were not installed
    with pytest.raises(ExporterUnavailableError, match=r"pip install 'worldsmith\[usd\]'"):
        export_usd(scene, tmp_path / "s.usda")
    assert not any(tmp_path.iterdir())


def test_importing_the_exporter_stays_light():
    import subprocess
    import sys

    code = "import sys, worldsmith.export.usd; print(sorted(m for m in ('pxr', 'trimesh') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_prim_names_are_valid_identifiers():
    from pxr import Sdf

    for text in ["light oak planks", "charcoal fabric (rgb 0.1 0.2 0.3)", "3d print", "é-wood", "", "a__b"]:
        name = prim_name(text)
        assert Sdf.Path.IsValidIdentifier(name), (text, name)
    assert prim_name("light oak planks") == "light_oak_planks"
    assert prim_name("charcoal fabric (red)") == "charcoal_fabric_red"
    assert prim_name("sofa__0_") == "sofa__0_"  # scene ids are identifiers already: kept
    stage, _ = build_stage(Scene(), cameras=[{"name": "my cam #1", "projection": "perspective", "width": 4,
                                              "height": 3, "K": [[4, 0, 1.5], [0, 4, 1], [0, 0, 1]],
                                              "cam_to_world": np.eye(4).tolist()}])
    assert stage.GetPrimAtPath("/World/Cameras/my_cam_1").IsA(UsdGeom.Camera)
