"""What every renderer draws: the scene as world-space triangle batches with resolved looks and ids.

:func:`scene_geometry` turns a :class:`~worldsmith.scene.Scene` into a :class:`SceneGeometry`:

* ``surfaces``: one :class:`Surface` per (node, part): unindexed world-space triangles
  (``positions`` T x 3 x 3), per-corner unit ``normals`` (smoothed across edges sharper than
  :data:`CREASE_DEG`, so cylinders look round and boxes stay crisp), per-corner ``uv`` in metres /
  tile size for textured materials (box projection, :func:`worldsmith.assets.uv.box_uv`, in the
  object's own frame so the pattern moves with it), the resolved :class:`Look` and the node's
  instance id.
* ``instances``: the id table. Instance 0 is the background; 1..N are, in this order, the scene's
  objects (in scene order), then per room its floor, ceiling, walls and openings. Each entry
  records ``id`` (the object / wall / opening id, ``floor_<room>``, ``ceiling_<room>``), ``kind``
  (``object``, ``floor``, ``ceiling``, ``wall``, ``opening``), ``category`` and ``semantic``.
* ``categories``: the semantic class table. Class 0 is the background; then the shell classes
  (``wall``, ``floor``, ``ceiling``, ``door``, ``window``), then every catalog category in sorted
  order: stable across scenes, so datasets can merge. Categories outside the catalog (user
  library proxies) are appended after those, sorted; their ids depend on the scene.

Objects and shell geometry come from :func:`worldsmith.assets.build_object_parts` and
:func:`worldsmith.assets.build_room_shell`; part materials from
:func:`worldsmith.materials.assign.part_materials` (the same rule as the GLB export).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable

import numpy as np

from ..scene import Scene

#: edges whose faces turn by more than this are kept sharp; smoother ones are shaded smooth
CREASE_DEG = 35.0
SHELL_CLASSES = ("wall", "floor", "ceiling", "door", "window")


@dataclass(frozen=True)
class Look:
    """A resolved material as renderers need it (linear colours)."""

    key: str
    base_color: tuple[float, float, float, float]
    metallic: float
    roughness: float
    emission: tuple[float, float, float]  # linear RGB times strength
    texture: str | None = None  # library material whose maps go with it (None: plain)
    pbr: Any = field(default=None, compare=False, repr=False)

    @property
    def alpha(self) -> float:
        return float(self.base_color[3])


@dataclass
class Surface:
    positions: np.ndarray  # (T, 3, 3) float32 world
    normals: np.ndarray  # (T, 3, 3) float32 unit
    uv: np.ndarray | None  # (T, 3, 2) float32, metric / tile (v up), None when untextured
    look: Look
    instance: int
    part: str


@dataclass
class SceneGeometry:
    surfaces: list[Surface]
    instances: list[dict[str, Any]]  # index = instance id; [0] is the background
    categories: list[str]  # index = semantic id; [0] is "background"
    bounds: tuple[tuple[float, float, float], tuple[float, float, float]]

    @property
    def triangle_count(self) -> int:
        return int(sum(len(s.positions) for s in self.surfaces))

    def instance_of(self, node_id: str) -> int:
        for i, e in enumerate(self.instances):
            if e.get("id") == node_id:
                return i
        raise KeyError(node_id)

    def view_instances(self, hidden: Iterable[str] = (), cutaway: Iterable[str] = ()) -> tuple[set[int], set[int]]:
        """``(left out, cut away)`` instance ids of a view: the nodes named in ``hidden`` /
        ``cutaway`` (a camera's lists) and the openings in those walls; hidden wins over cut."""
        hid, cut = set(hidden), set(cutaway)
        out_ids: set[int] = set()
        cut_ids: set[int] = set()
        for i, e in enumerate(self.instances):
            if i == 0:
                continue
            wall = e.get("wall") if e["kind"] == "opening" else None
            if e["id"] in hid or wall in hid:
                out_ids.add(i)
            elif e["id"] in cut or wall in cut:
                cut_ids.add(i)
        return out_ids, cut_ids

    def semantic_lut(self) -> np.ndarray:
        """instance id -> semantic id (int32 array)."""
        return np.array([e["semantic"] for e in self.instances], dtype=np.int32)

    def triangles(self, *, skip: set[int] | frozenset[int] = frozenset()) -> tuple[np.ndarray, np.ndarray]:
        """All triangles (T x 3 x 3, float64) and their instance ids, skipping instances in ``skip``
        (for ray casting the same scene in tests and tools)."""
        tris = [s.positions for s in self.surfaces if s.instance not in skip]
        ids = [np.full(len(s.positions), s.instance, dtype=np.int32) for s in self.surfaces if s.instance not in skip]
        if not tris:
            return np.zeros((0, 3, 3)), np.zeros(0, dtype=np.int32)
        return np.concatenate(tris).astype(np.float64), np.concatenate(ids)


@lru_cache(maxsize=1)
def base_categories() -> tuple[str, ...]:
    from ..assets import catalog

    return ("background",) + SHELL_CLASSES + tuple(sorted(set(catalog.names()) - set(SHELL_CLASSES)))


@lru_cache(maxsize=4096)
def look_of(description: str, color: Any = None) -> Look:
    """The :class:`Look` of a material description with an optional colour tint (cached)."""
    from ..materials import resolve_pbr

    pbr = resolve_pbr(description) if color is None else resolve_pbr(description, color=color)
    c = tuple(float(x) for x in pbr.base_color)
    if len(c) == 3:
        c = c + (1.0,)
    strength = float(getattr(pbr, "emissive_strength", 0.0) or 0.0)
    emission = tuple(float(x) * strength for x in pbr.emissive) if strength > 0 else (0.0, 0.0, 0.0)
    key = description if color is None else f"{description} ({color})"
    return Look(key=key, base_color=c, metallic=float(pbr.metallic), roughness=float(pbr.roughness),
                emission=emission, texture=getattr(pbr, "texture", None), pbr=pbr)


def _hashable(color: Any) -> Any:
    return color if color is None or isinstance(color, str) else tuple(float(c) for c in color)


def corner_normals(vertices: np.ndarray, faces: np.ndarray, crease_deg: float = CREASE_DEG) -> np.ndarray:
    """Per-corner unit normals (F x 3 x 3): each corner averages (area-weighted) the normals of the
    faces around its vertex that turn less than ``crease_deg`` from its own face."""
    v = np.asarray(vertices, dtype=np.float64)
    f = np.asarray(faces, dtype=np.int64)
    tri = v[f]
    cross = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    area2 = np.linalg.norm(cross, axis=1)
    fn = cross / np.maximum(area2, 1e-20)[:, None]
    nf = len(f)
    if nf == 0:
        return np.zeros((0, 3, 3))
    # vertex -> incident faces, as a padded table
    corner_v = f.ravel()
    order = np.argsort(corner_v, kind="stable")
    sorted_v = corner_v[order]
    counts = np.bincount(sorted_v, minlength=len(v))
    maxdeg = int(counts.max())
    if maxdeg > 96:  # pathological fans: fall back to flat shading
        return np.repeat(fn[:, None, :], 3, axis=1)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.arange(len(sorted_v)) - starts[sorted_v]
    table = np.full((len(v), maxdeg), -1, dtype=np.int64)
    table[sorted_v, rank] = order // 3
    cos_limit = math.cos(math.radians(crease_deg))
    out = np.empty((nf, 3, 3))
    weighted = fn * area2[:, None]
    for k in range(3):
        g = table[f[:, k]]  # (F, maxdeg) incident faces
        valid = g >= 0
        gi = np.where(valid, g, 0)
        dots = np.einsum("fj,fdj->fd", fn, fn[gi])
        use = valid & (dots >= cos_limit)
        acc = np.einsum("fd,fdj->fj", use.astype(np.float64), weighted[gi])
        n = np.linalg.norm(acc, axis=1)
        out[:, k] = np.where(n[:, None] > 1e-20, acc / np.maximum(n, 1e-20)[:, None], fn)
    return out


def _surface(mesh: Any, transform: np.ndarray | None, look: Look, instance: int, part: str,
             cache: dict[int, tuple]) -> Surface | None:
    faces = np.asarray(mesh.faces)
    if len(faces) == 0:
        return None
    key = id(mesh)
    hit = cache.get(key)
    if hit is None or hit[0] is not mesh:
        verts = np.asarray(mesh.vertices, dtype=np.float64)
        tri = verts[faces]
        normals = corner_normals(verts, faces)
        hit = (mesh, tri, normals, {})
        cache[key] = hit
    _, tri, normals, uv_cache = hit
    uv = None
    if look.texture is not None:
        tile = _tile_m(look)
        if tile not in uv_cache:
            from ..assets.uv import box_uv

            _, f2, uv2 = box_uv(mesh.vertices, faces, tile)
            uv_cache[tile] = uv2[f2].astype(np.float32)
        uv = uv_cache[tile]
    if transform is not None:
        r, t = transform[:3, :3], transform[:3, 3]
        pos = tri @ r.T + t
        nrm = normals @ r.T
    else:
        pos, nrm = tri, normals
    return Surface(positions=pos.astype(np.float32), normals=nrm.astype(np.float32), uv=uv, look=look,
                   instance=instance, part=part)


@lru_cache(maxsize=256)
def _tile_m(look: Look) -> float:
    from ..materials import get

    try:
        return float(get(look.texture).scale_m)
    except Exception:  # noqa: BLE001 - a folder material unknown here: one metre per tile
        return 1.0


def scene_geometry(scene: Scene, *, shell: bool = True) -> SceneGeometry:
    """The scene's drawable geometry, looks and id tables (see the module doc)."""
    from ..assets import build_object_parts, build_room_shell, object_transform
    from ..materials.assign import part_materials

    categories = list(base_categories())
    cat_index = {c: i for i, c in enumerate(categories)}
    extra = sorted({o.category for o in scene.objects} - set(cat_index))
    for c in extra:
        cat_index[c] = len(categories)
        categories.append(c)
    instances: list[dict[str, Any]] = [{"id": None, "kind": "background", "category": "background", "semantic": 0}]
    surfaces: list[Surface] = []
    cache: dict[int, tuple] = {}
    for obj in scene.objects:
        inst = len(instances)
        instances.append({"id": obj.id, "kind": "object", "category": obj.category,
                          "semantic": cat_index[obj.category], "support": obj.support})
        parts = build_object_parts(obj)
        m = object_transform(obj)
        for part, (desc, color) in zip(parts, part_materials(obj, parts)):
            s = _surface(part.mesh, m, look_of(desc, _hashable(color)), inst, part.name, cache)
            if s is not None:
                surfaces.append(s)
    if shell:
        for room in scene.rooms:
            kinds = {o.id: o.kind for o in room.openings}
            walls_of = {o.id: o.wall for o in room.openings}
            for name, parts in build_room_shell(scene, room):
                if name == f"floor_{room.id}":
                    kind, cat = "floor", "floor"
                elif name == f"ceiling_{room.id}":
                    kind, cat = "ceiling", "ceiling"
                elif name in kinds:
                    kind, cat = "opening", kinds[name]
                else:
                    kind, cat = "wall", "wall"
                inst = len(instances)
                entry = {"id": name, "kind": kind, "category": cat, "semantic": cat_index.get(cat, 0), "room": room.id}
                if kind == "opening":
                    entry["wall"] = walls_of[name]
                instances.append(entry)
                for part in parts:
                    s = _surface(part.mesh, None, look_of(part.material), inst, part.name, cache)
                    if s is not None:
                        surfaces.append(s)
    if surfaces:
        allp = np.concatenate([s.positions.reshape(-1, 3) for s in surfaces])
        lo, hi = allp.min(axis=0), allp.max(axis=0)
        bounds = (tuple(float(x) for x in lo), tuple(float(x) for x in hi))
    else:
        bounds = ((0.0, 0.0, 0.0), (0.0, 0.0, 0.0))
    return SceneGeometry(surfaces=surfaces, instances=instances, categories=categories, bounds=bounds)
