"""Labelled proxies: stand-ins for categories the catalog does not know."""

from __future__ import annotations

import numpy as np
import pytest

from worldsmith.assets import catalog, support_surfaces
from worldsmith.assets.build import GENERATORS, build_object_parts
from worldsmith.assets.procedural import params_to_dict
from worldsmith.assets.procedural.proxy import proxy_params, proxy_shape
from worldsmith.dsl import execute
from worldsmith.scene import AssetRef, ObjectInstance


@pytest.mark.parametrize("size, support, shape", [
    ((0.8, 0.6, 1.2), "floor", "block"),
    ((0.3, 0.3, 1.8), "floor", "column"),
    ((2.0, 1.0, 0.4), "floor", "slab"),
    ((1.0, 0.05, 0.8), "wall", "panel"),
    ((0.6, 0.5, 0.6), "wall", "panel"),
])
def test_shape_follows_proportions_and_the_mesh_is_exact(size, support, shape):
    assert proxy_shape(size, support) == shape
    params = params_to_dict(proxy_params("harp", support, size))
    assert params["category"] == "harp" and params["support"] == support and params["shape"] == shape
    parts = GENERATORS["proxy"](params, size)
    lo = np.min([p.mesh.bounds[0] for p in parts], axis=0)
    hi = np.max([p.mesh.bounds[1] for p in parts], axis=0)
    np.testing.assert_allclose(hi - lo, size, atol=1e-9)
    np.testing.assert_allclose([(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, lo[2]], 0.0, atol=1e-9)
    assert all(p.mesh.is_watertight and p.mesh.volume > 0 for p in parts)
    obj = ObjectInstance("harp_0", "harp", AssetRef("procedural", "proxy", params), (0, 0, 0), size)
    surfaces = support_surfaces(obj)
    assert bool(surfaces) == (shape in ("block", "slab"))
    for s in surfaces:  # the top surface is the mesh's flat top
        assert s.z == pytest.approx(size[2])
        top = max(p.mesh.bounds[1][2] for p in build_object_parts(obj))
        assert top == pytest.approx(s.z)


def test_info_for_reads_the_support_from_the_proxy_and_layout_uses_it():
    params = params_to_dict(proxy_params("tapestry", "wall", (1.2, 0.04, 0.9)))
    info = catalog.info_for("tapestry", AssetRef("procedural", "proxy", params), (1.2, 0.04, 0.9))
    assert info.support == "wall" and info.generator == "proxy" and info.mount_height_m is not None
    with pytest.raises(KeyError):
        catalog.info_for("tapestry")
    # a known word still comes from the catalog
    assert catalog.info_for("sofa") == catalog.get("sofa")
    # a proxy added in a program starts where its support says
    scene = execute('room("r", width=4, depth=3)\nh = add("a harp")\n').scene
    (harp,) = scene.objects
    assert harp.asset.name == "proxy" and harp.support == "floor" and harp.position[2] == 0.0
