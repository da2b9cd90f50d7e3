"""Which object pairs have touching or crossing mesh surfaces: the narrow phase of the collision
check of :func:`worldsmith.metrics.validate` (python-fcl), with the objects' collision models
cached across calls.

Internal to :mod:`worldsmith.metrics`.

* **Model** (:func:`collision_object`): an object's world-space mesh (all parts,
  :attr:`ObjectGeometry.mesh`) given to fcl exactly as trimesh's ``CollisionManager`` gives it:
  an ``fcl.Convex`` when ``trimesh.Trimesh.is_convex`` holds (GJK/EPA), otherwise an
  ``fcl.BVHModel`` (a triangle tree), in a collision object with the identity transform.
* **Cache**: building a triangle tree is the expensive part (5.6 ms per object of the planner's
  scenes on average), and a scene is validated again after every step of an episode and every change of a
  randomization, mostly with objects that did not move. A model is therefore memoised (LRU of
  :data:`MODEL_CACHE` entries, shared by every thread) on what determines the world mesh: the
  values that determine the local mesh (asset reference, category, size and the registered
  generator function: the key of the local parts' cache) and the object's local-to-world matrix
  (:func:`worldsmith.assets.object_transform`, bytes of its float64 entries). Same key, same
  world vertices bit for bit, so the cached model is the one a fresh build would give. The key is
  the world pose rather than only the local mesh on purpose: placing one local model with
  ``fcl.Transform`` makes fcl work in another frame, and its rounding flips pairs that exactly
  touch (objects standing on a shelf board: 9 of 170 validations of 16 planner episodes gave
  another pair set), whereas the offline planner's episodes reuse posed models as often as local
  ones (every object in them had its own size).
* **Test** (:func:`surface_crossing_pairs`): ``fcl.collide`` on each candidate pair, asking for
  one contact (``num_max_contacts=1``, ``enable_contact=True``: what ``CollisionManager.
  in_collision_internal(return_names=True)`` asks for each pair its broad phase passes on); a
  pair crosses when fcl reports a collision. Pairs the manager's broad phase would have skipped
  (their fcl boxes apart) cannot collide, so the answer is the manager's, pair for pair.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Iterable, Mapping

from ..assets import object_transform
from ..assets.build import GENERATORS
from ..scene import ObjectInstance
from ._geometry import ObjectGeometry

#: how many posed collision models are kept (least recently used dropped first). A model takes about
#: 450 bytes per triangle (a 3,000-triangle sofa: 1.4 MB, the average object about 0.5 MB); a planner
#: episode validates a few dozen objects and no model was reused across scenes of a datagen run
#: (6 scenes: the same 219 hits with 128 entries as with 4,096)
MODEL_CACHE = 128

_models: OrderedDict[tuple, Any] = OrderedDict()
_lock = threading.Lock()
_stats = {"hits": 0, "misses": 0}


def model_key(obj: ObjectInstance) -> tuple:
    """What determines ``obj``'s world-space mesh: the local parts' key and the pose matrix."""
    builder = GENERATORS.get(obj.asset.name) if obj.asset.source == "procedural" else None
    return (obj.asset, obj.category, obj.size, builder, object_transform(obj).tobytes())


def _build(geom: ObjectGeometry) -> Any:
    import fcl
    from trimesh.collision import mesh_to_BVH, mesh_to_convex

    mesh = geom.mesh
    model = mesh_to_convex(mesh) if mesh.is_convex else mesh_to_BVH(mesh)
    return fcl.CollisionObject(model, fcl.Transform())


def collision_object(geom: ObjectGeometry) -> Any:
    """The fcl collision object of ``geom``'s world mesh (cached; see the module doc). Treat it as
    read-only: it is shared."""
    key = model_key(geom.obj)
    with _lock:
        found = _models.get(key)
        if found is not None:
            _models.move_to_end(key)
            _stats["hits"] += 1
            return found
    built = _build(geom)
    with _lock:
        _stats["misses"] += 1
        _models[key] = built
        _models.move_to_end(key)
        while len(_models) > MODEL_CACHE:
            _models.popitem(last=False)
    return built


def surface_crossing_pairs(geoms: Mapping[str, ObjectGeometry],
                           pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """The pairs (as given) among ``pairs`` whose mesh surfaces touch or cross."""
    import fcl

    pairs = list(pairs)
    objects = {oid: collision_object(geoms[oid]) for oid in sorted({oid for p in pairs for oid in p})}
    request = fcl.CollisionRequest(num_max_contacts=1, enable_contact=True)
    out: set[tuple[str, str]] = set()
    for a, b in pairs:
        result = fcl.CollisionResult()
        fcl.collide(objects[a], objects[b], request, result)
        if result.is_collision:
            out.add((a, b))
    return out


def cache_info() -> dict[str, int]:
    """Hits, misses and current size of the model cache."""
    with _lock:
        return {**_stats, "size": len(_models)}


def clear_cache() -> None:
    """Drop every cached model and zero the counters."""
    with _lock:
        _models.clear()
        _stats.update(hits=0, misses=0)


__all__ = ["MODEL_CACHE", "cache_info", "clear_cache", "collision_object", "model_key", "surface_crossing_pairs"]
