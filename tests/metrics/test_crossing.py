"""The cached fcl narrow phase of validate() (metrics/_crossing.py) gives the same pairs as the
previous one (a fresh trimesh CollisionManager over world meshes per call, kept here as the
reference), on every validate() call of real planner episodes and on jittered, colliding scenes."""

from __future__ import annotations

import dataclasses
import sys

import numpy as np
import pytest

from worldsmith.metrics import _crossing, validate
from worldsmith.pipeline.generate import run_planner

V = sys.modules["worldsmith.metrics.validate"]

PROMPTS = ["a cozy bedroom", "a living room with a sofa and a bookshelf", "a small kitchen", "a home office",
           "a dining room for six", "a bathroom", "a studio apartment", "a kids room with toys",
           "a reading nook with a wall shelf", "a bedroom with a desk"]


def reference_pairs(ctx, pairs):
    """The narrow phase as it was: a CollisionManager over the candidate objects' world meshes."""
    from trimesh.collision import CollisionManager

    manager = CollisionManager()
    for oid in sorted({oid for pair in pairs for oid in pair}):
        manager.add_object(oid, ctx.geoms[oid].mesh)
    _, names = manager.in_collision_internal(return_names=True)
    return {tuple(sorted(n)) for n in names} & set(pairs)


class Spy:
    """Wraps the validator's narrow phase: every call is answered by the cached path (as in
    production) and checked against the reference."""

    def __init__(self):
        self.calls = self.pairs = self.crossing = 0
        self.mismatches: list = []

    def __call__(self, ctx, pairs):
        got = _crossing.surface_crossing_pairs(ctx.geoms, pairs)
        want = reference_pairs(ctx, pairs)
        self.calls += 1
        self.pairs += len(pairs)
        self.crossing += len(want)
        if got != want:
            self.mismatches.append(sorted(got ^ want))
        return got


@pytest.fixture
def spy(monkeypatch):
    _crossing.clear_cache()
    s = Spy()
    monkeypatch.setattr(V, "_surface_crossing_pairs", s)
    yield s
    _crossing.clear_cache()


def _episodes(spy, prompts, seeds):
    for i, prompt in enumerate(prompts):
        run_planner("offline", prompt, seeds[i % len(seeds)])
    assert spy.mismatches == []
    # not vacuous: many validations, touching or crossing pairs and pairs apart both occurred, and
    # the cache answered most look-ups (the objects that did not move between steps)
    assert spy.calls >= 5 * len(prompts) and 0 < spy.crossing < spy.pairs
    info = _crossing.cache_info()
    assert info["hits"] > info["misses"] > 0


def test_same_pairs_as_the_collision_manager_on_every_step_of_planner_episodes(spy):
    _episodes(spy, PROMPTS[:3], [1, 2, 3])


@pytest.mark.slow
def test_same_pairs_on_many_planner_episodes(spy):
    _episodes(spy, PROMPTS * 2, [11, 12, 13, 14, 15, 16, 17])


def _jittered(scene, rng, shift_m, yaw_deg):
    objs = []
    for o in scene.objects:
        dx, dy, dz = rng.uniform(-shift_m, shift_m, 3)
        position = (o.position[0] + dx, o.position[1] + dy, max(0.0, o.position[2] + dz))
        yaw = float((o.yaw_deg + rng.uniform(-yaw_deg, yaw_deg)) % 360.0)
        objs.append(dataclasses.replace(o, position=position, yaw_deg=yaw))
    return dataclasses.replace(scene, objects=tuple(objs))


def test_same_pairs_and_reports_on_jittered_colliding_scenes(spy, monkeypatch):
    base = run_planner("offline", "a living room with a sofa and a bookshelf", 4)[0].scene
    rng = np.random.default_rng(0)
    scenes = [_jittered(base, rng, 0.08, 10.0) for _ in range(4)]
    reports = [validate(s) for s in scenes]
    assert spy.mismatches == []
    assert any(r.collisions for r in reports)  # the jitter made real collisions
    # the whole report equals the one the reference narrow phase gives (cold, no cache)
    monkeypatch.setattr(V, "_surface_crossing_pairs", reference_pairs)
    assert [validate(s).to_dict() for s in scenes] == [r.to_dict() for r in reports]


def test_cache_reuses_posed_models_and_rebuilds_moved_ones():
    from worldsmith.metrics._geometry import ObjectGeometry

    obj = run_planner("offline", "a cozy bedroom", 1)[0].scene.objects[0]
    _crossing.clear_cache()  # the episode's validations filled it
    first = _crossing.collision_object(ObjectGeometry.of(obj))
    assert _crossing.collision_object(ObjectGeometry.of(obj)) is first
    renamed = dataclasses.replace(obj, id=obj.id + "_copy")  # same mesh, same pose: same model
    assert _crossing.collision_object(ObjectGeometry.of(renamed)) is first
    moved = dataclasses.replace(obj, position=(obj.position[0] + 0.01, obj.position[1], obj.position[2]))
    assert _crossing.collision_object(ObjectGeometry.of(moved)) is not first
    turned = dataclasses.replace(obj, yaw_deg=(obj.yaw_deg + 1.0) % 360.0)
    assert _crossing.collision_object(ObjectGeometry.of(turned)) is not first
    assert _crossing.cache_info() == {"hits": 2, "misses": 3, "size": 3}
    _crossing.clear_cache()


def test_cache_is_bounded(monkeypatch):
    from worldsmith.metrics._geometry import ObjectGeometry

    obj = run_planner("offline", "a cozy bedroom", 1)[0].scene.objects[0]
    _crossing.clear_cache()
    monkeypatch.setattr(_crossing, "MODEL_CACHE", 3)
    for k in range(5):
        _crossing.collision_object(ObjectGeometry.of(dataclasses.replace(obj, yaw_deg=float(k))))
    assert _crossing.cache_info()["size"] == 3
    again = ObjectGeometry.of(dataclasses.replace(obj, yaw_deg=0.0))  # the oldest was dropped
    _crossing.collision_object(again)
    assert _crossing.cache_info()["misses"] == 6
    _crossing.clear_cache()
