"""A legal program can ask for a size a generator's proportions cannot fill: validation, rendering
and export then see a fallback box of that size instead of crashing (found by the improve loop: a
sampled program added a sofa 5 cm deep and the validator raised ValueError)."""

from __future__ import annotations

import numpy as np

from worldsmith.assets.build import build_object_parts
from worldsmith.dsl import execute
from worldsmith.metrics import validate
from worldsmith.scene import Scene


def test_a_sofa_too_shallow_for_its_generator_is_a_box_of_that_size(caplog):
    prog = "room('r', width=5, depth=4)\nh0 = add('sofa', width=1.8, depth=0.05, height=0.8)\nplace(h0, at=(2.5, 2))"
    scene = execute(prog, Scene(prompt="x", seed=0), seed=0).scene
    sofa = scene.objects[0]
    assert sofa.asset.source == "procedural"
    parts = build_object_parts(sofa)
    assert "cannot build size 1.8x0.05x0.8" in caplog.text
    lo = np.min([p.mesh.bounds[0] for p in parts], axis=0)
    hi = np.max([p.mesh.bounds[1] for p in parts], axis=0)
    assert np.allclose(hi - lo, sofa.size, atol=1e-6)
    assert not any(v for k, v in validate(scene).to_dict().items())  # validates instead of raising
