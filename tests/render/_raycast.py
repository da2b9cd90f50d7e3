"""The independent reference the renderer tests compare against: trimesh ray casts of the same
world triangles the renderers draw (``SceneGeometry.triangles``)."""

from __future__ import annotations

import numpy as np


def first_hits(geom, origins: np.ndarray, dirs: np.ndarray, *, skip=frozenset(), axis=None
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per ray ``(distance, instance, ambiguous)`` of its first hit: the distance along the ray, or
    along ``axis`` (a camera's forward vector, giving camera-axis depth) when given; inf and 0 on
    a miss. ``ambiguous`` marks rays whose nearest hit on another instance is within 1 mm (a shared
    face or edge, where either answer is right). Instances in ``skip`` are left out."""
    import trimesh

    tris, ids = geom.triangles(skip=set(skip))
    mesh = trimesh.Trimesh(vertices=tris.reshape(-1, 3), faces=np.arange(len(tris) * 3).reshape(-1, 3),
                           process=False)
    origins = np.asarray(origins, dtype=float)
    dirs = np.asarray(dirs, dtype=float)
    loc, ray, tri = mesh.ray.intersects_location(origins, dirs, multiple_hits=True)
    along = dirs[ray] if axis is None else np.asarray(axis, dtype=float)[None, :]
    t = np.einsum("ij,ij->i", loc - origins[ray], np.broadcast_to(along, loc.shape))
    n = len(origins)
    dist = np.full(n, np.inf)
    inst = np.zeros(n, dtype=np.int32)
    order = np.lexsort((t, ray))
    first = np.ones(len(order), dtype=bool)
    first[1:] = ray[order][1:] != ray[order][:-1]
    sel = order[first]
    dist[ray[sel]] = t[sel]
    inst[ray[sel]] = ids[tri[sel]]
    other = ids[tri] != inst[ray]
    nearest_other = np.full(n, np.inf)
    np.minimum.at(nearest_other, ray[other], t[other])
    with np.errstate(invalid="ignore"):  # inf - inf on rays that miss everything
        ambiguous = nearest_other - dist < 1e-3
    return dist, inst, ambiguous


def camera_hits(geom, camera, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`first_hits` through the given pixel centres of ``camera`` (its hidden nodes left out):
    camera-axis depth for perspective and orthographic cameras, range for panoramas."""
    skip, _ = geom.view_instances(camera.hidden)
    o, d = camera.rays(rows, cols)
    axis = None if camera.projection == "equirectangular" else camera.forward
    return first_hits(geom, o, d, skip=skip, axis=axis)
