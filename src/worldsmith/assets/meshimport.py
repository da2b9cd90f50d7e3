"""Mesh import for user asset libraries: load a GLB/glTF/OBJ, normalize it, cache the result.

Normalization turns a mesh file into the asset frame every Worldsmith part uses: metres, Z up,
front along +Y, origin at the centre of the bottom face of its bounding box.

1. **Load** with trimesh (``force="scene"``); every geometry node is baked with its scene-graph
   transform. trimesh does not convert axes, so coordinates are exactly the file's. Submeshes are
   grouped by material; a material becomes a description string the material library resolves
   (:func:`worldsmith.materials.resolve_pbr`): the meaningful words of its name plus its base colour
   as ``#rrggbb`` (sRGB; a texture contributes its mean colour), ``metal`` for metallic and
   ``glass`` for mostly transparent materials. Submeshes without any material information are drawn
   with ``"light grey plastic"``.
2. **Rotate** so the file's ``up`` axis becomes +Z and its ``front`` axis becomes +Y (the third axis
   follows from the right-hand rule: ``front x up`` becomes +X), then turn by ``yaw_deg`` about +Z
   (counter-clockwise seen from above).

   Defaults follow glTF: the file is Y-up and the asset faces +Z (glTF 2.0 spec, "the front of a
   glTF asset faces +Z"), so an unannotated GLB maps glTF +Y -> +Z, +Z -> +Y and -X -> +X. For a
   Z-up file the default front is -Y: that is where a glTF front lands when Blender imports a glTF
   (Blender maps glTF (x, y, z) to (x, -z, y)), i.e. the usual convention of Z-up DCC exports.
3. **Scale**: either a factor (``unit_scale``: the file's unit in metres times an optional extra
   factor), or a fit to annotated real dimensions. ``size_m`` is (width along X, depth along Y,
   height along Z) after rotation, ``None`` for an unknown axis; the scale is *uniform*, the
   geometric mean of target/extent over the known axes (the least-squares fit in log space), so a
   mesh is never stretched. How far the annotated box disagrees with the mesh's proportions is
   reported as ``anisotropy`` (max ratio / min ratio, 1.0 = perfect agreement). ``max_side_m``
   fits the longest side instead (objathor's ``z_axis_scale = false``).
4. **Centre**: the bounding box's bottom face is centred on the origin.

The result is cached under ``<cache dir>/meshes/<key>.npz`` (vertices and faces per part plus the
material names), keyed by the SHA-256 of the mesh file (with the ``.mtl`` files an OBJ names and
the external buffers and images a .gltf names) and of the :class:`ImportSpec`; a later load of the same file with the same spec reads the cache
without parsing the mesh. Cache files are written atomically (temporary file + ``os.replace``).

The cache directory is :func:`worldsmith.scene.paths.cache_dir` (``$WORLDSMITH_CACHE_DIR`` if set,
else ``$XDG_CACHE_HOME/worldsmith``, else ``~/.cache/worldsmith``).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import math
import re
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

from ..scene.files import atomic_write_bytes
from ..scene.errors import WorldsmithError
from ..scene.paths import cache_dir

log = logging.getLogger(__name__)

#: bump when the normalization changes, so stale cache entries are not reused
NORMALIZER_VERSION = 1

MESH_SUFFIXES = (".glb", ".gltf", ".obj")
UNITS_M = {"m": 1.0, "cm": 0.01, "mm": 0.001, "in": 0.0254}
AXES = ("+x", "-x", "+y", "-y", "+z", "-z")
DEFAULT_MATERIAL = "light grey plastic"

#: counters for tests and benchmarks: meshes parsed from their files / served from the cache
STATS = {"parsed": 0, "cache_hits": 0, "memory_hits": 0}

#: normalized meshes already loaded in this process, by cache key (bounded, oldest dropped first)
_MEMO: dict[str, "NormalizedMesh"] = {}
_MEMO_SIZE = 64


def clear_memory_cache() -> None:
    """Forget the normalized meshes held in memory (the on-disk cache stays)."""
    _MEMO.clear()


class MeshImportError(WorldsmithError):
    """A mesh file cannot be read or normalized. The message names the file."""

    def __init__(self, path: str | Path, message: str):
        self.path = str(path)
        self.detail = message
        super().__init__(f"{path}: {message}")


# ---------------------------------------------------------------------------------------------
# directories


def mesh_cache_dir() -> Path:
    return cache_dir() / "meshes"


# ---------------------------------------------------------------------------------------------
# the spec


@dataclass(frozen=True)
class ImportSpec:
    """How to normalize one mesh file (see the module docs).

    - ``up`` / ``front``: signed axes of the file (``"+y"``, ``"-z"``, ...); ``front`` must be
      perpendicular to ``up``. ``front=None`` takes the default for ``up`` (:func:`default_front`).
    - ``yaw_deg``: extra turn about the new +Z after the axis mapping (objathor's
      ``pose_z_rot_angle``, converted to degrees).
    - ``unit_scale``: metres per file unit (times an extra factor); used when no size is given.
    - ``size_m``: annotated (width, depth, height) in metres, ``None`` where unknown: a uniform
      best-fit scale.
    - ``max_side_m``: scale so the longest side measures this (overrides ``size_m``).
    - ``report_size_m``: dimensions to compare against for ``anisotropy`` when the fit uses
      something else (default: ``size_m``).
    """

    up: str = "+y"
    front: str | None = None
    yaw_deg: float = 0.0
    unit_scale: float = 1.0
    size_m: tuple[float | None, float | None, float | None] | None = None
    max_side_m: float | None = None
    report_size_m: tuple[float | None, float | None, float | None] | None = None

    def __post_init__(self) -> None:
        if self.up not in AXES:
            raise ValueError(f"up: expected one of {', '.join(AXES)}, got {self.up!r}")
        front = self.front if self.front is not None else default_front(self.up)
        if front not in AXES:
            raise ValueError(f"front: expected one of {', '.join(AXES)}, got {front!r}")
        if front[1] == self.up[1]:
            raise ValueError(f"front: {front!r} must be perpendicular to up {self.up!r}")
        object.__setattr__(self, "front", front)

    def digest(self) -> str:
        data = {"v": NORMALIZER_VERSION, **asdict(self)}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def default_front(up: str) -> str:
    """The front axis assumed when none is given: glTF's +Z for a Y-up file, -Y for a Z-up file
    (where a glTF front lands in Blender's Z-up frame); for other up axes, the axis after ``up``
    in x -> y -> z order, positive."""
    return {"+y": "+z", "-y": "-z", "+z": "-y", "-z": "+y"}.get(up, "+y" if up[1] == "x" else "+x")


def _axis_vector(axis: str) -> np.ndarray:
    v = np.zeros(3)
    v["xyz".index(axis[1])] = 1.0 if axis[0] == "+" else -1.0
    return v


def rotation_matrix(spec: ImportSpec) -> np.ndarray:
    """3x3 rotation taking file coordinates to the asset frame (Z up, front +Y), yaw included."""
    u = _axis_vector(spec.up)
    f = _axis_vector(spec.front or default_front(spec.up))
    r = np.stack([np.cross(f, u), f, u])  # rows: what becomes +X, +Y, +Z
    t = math.radians(spec.yaw_deg)
    c, s = math.cos(t), math.sin(t)
    yaw = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
    return yaw @ r


# ---------------------------------------------------------------------------------------------
# the result


@dataclass(frozen=True)
class MeshPart:
    """One part of a normalized mesh: float32 (n, 3) vertices, int32 (m, 3) faces, a material
    description."""

    name: str
    vertices: np.ndarray
    faces: np.ndarray
    material: str


@dataclass(frozen=True)
class NormalizedMesh:
    """A normalized mesh: parts in the asset frame, its ``size`` (w, d, h) in metres, the uniform
    ``scale`` applied (metres per file unit), ``anisotropy`` of the annotated size (1.0 when
    nothing was annotated), the cache ``key`` and whether it came ``from_cache``."""

    parts: tuple[MeshPart, ...]
    size: tuple[float, float, float]
    scale: float
    anisotropy: float
    key: str
    from_cache: bool = False
    notes: tuple[str, ...] = field(default=())

    def to_parts(self) -> list[Any]:
        """The parts as :class:`worldsmith.assets.parts.Part` values (fresh trimesh meshes)."""
        import trimesh

        from .parts import Part

        return [Part(p.name, trimesh.Trimesh(vertices=np.asarray(p.vertices, dtype=float),
                                              faces=np.asarray(p.faces, dtype=np.int64), process=False),
                     p.material)
                for p in self.parts]


# ---------------------------------------------------------------------------------------------
# hashing


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@lru_cache(maxsize=4096)
def _content_hash_cached(path: str, size: int, mtime_ns: int) -> str:
    p = Path(path)
    h = hashlib.sha256(_sha256_file(p).encode())
    side = _obj_material_libraries(p) if p.suffix.lower() == ".obj" else (
        _gltf_resources(p) if p.suffix.lower() == ".gltf" else [])
    for extra in side:
        h.update(extra.name.encode())
        h.update(_sha256_file(extra).encode() if extra.is_file() else b"missing")
    return h.hexdigest()


def content_hash(path: str | Path) -> str:
    """SHA-256 of a mesh file (an OBJ's ``mtllib`` files included); memoized per (path, size,
    mtime) within the process."""
    p = Path(path)
    try:
        st = p.stat()
    except OSError as exc:
        raise MeshImportError(p, f"cannot read the mesh file ({exc.strerror or exc})") from None
    if not p.is_file():
        raise MeshImportError(p, "expected a mesh file, found a folder")
    return _content_hash_cached(str(p.resolve()), st.st_size, st.st_mtime_ns)


def _obj_material_libraries(path: Path) -> list[Path]:
    out = []
    try:
        with open(path, "r", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("mtllib"):
                    for name in line.split(None, 1)[1:]:
                        out.append(path.parent / name.strip())
    except OSError:
        return []
    return out


def _gltf_resources(path: Path) -> list[Path]:
    """The external buffers and images a .gltf file names (data: URIs excluded)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    out = []
    for key in ("buffers", "images"):
        for item in doc.get(key, []) if isinstance(doc, dict) else []:
            uri = item.get("uri") if isinstance(item, dict) else None
            if isinstance(uri, str) and not uri.startswith("data:"):
                from urllib.parse import unquote

                out.append(path.parent / unquote(uri))
    return out


def cache_key(path: str | Path, spec: ImportSpec) -> str:
    return hashlib.sha256(f"{content_hash(path)}:{spec.digest()}".encode()).hexdigest()[:40]


# ---------------------------------------------------------------------------------------------
# loading


def load_normalized(path: str | Path, spec: ImportSpec | None = None, *, use_cache: bool = True) -> NormalizedMesh:
    """The normalized mesh of ``path`` (GLB, glTF or OBJ) under ``spec``, from the cache when it
    holds it, else parsed, normalized and cached."""
    p = Path(path)
    spec = spec or ImportSpec()
    suffix = p.suffix.lower()
    if p.name.lower().endswith(".pkl.gz"):
        raise MeshImportError(p, "objathor .pkl.gz meshes are not supported (they are AI2-THOR runtime "
                                 "meshes); use the asset's original GLB from Objaverse instead")
    if suffix not in MESH_SUFFIXES:
        raise MeshImportError(p, f"unsupported mesh format {suffix or '(none)'!r}; expected one of "
                                 f"{', '.join(MESH_SUFFIXES)}")
    key = cache_key(p, spec)
    target = mesh_cache_dir() / f"{key}.npz"
    if use_cache and key in _MEMO and target.is_file():
        STATS["memory_hits"] += 1
        return replace(_MEMO[key], from_cache=True)
    if use_cache and target.is_file():
        try:
            mesh = _read_cache(target, key)
            STATS["cache_hits"] += 1
            _remember(mesh)
            return mesh
        except (OSError, ValueError, KeyError) as exc:  # a damaged entry: rebuild it
            log.warning("mesh cache entry %s is unreadable (%s); rebuilding it", target, exc)
    raw = _load_parts(p)
    mesh = _normalize(p, raw, spec, key)
    if use_cache:
        try:
            _write_cache(target, mesh)
        except OSError as exc:
            log.warning("could not write the mesh cache %s: %s", target, exc)
        _remember(mesh)
    return mesh


def _remember(mesh: "NormalizedMesh") -> None:
    _MEMO[mesh.key] = mesh
    while len(_MEMO) > _MEMO_SIZE:
        _MEMO.pop(next(iter(_MEMO)))


def _load_parts(path: Path) -> list[tuple[str, np.ndarray, np.ndarray, str]]:
    """(name, vertices, faces, material description) of every triangle submesh, in file
    coordinates and units, with scene-graph transforms applied."""
    import trimesh

    try:
        scene = trimesh.load(path, force="scene")
    except Exception as exc:  # trimesh raises many types for a broken file
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise MeshImportError(path, f"cannot parse the mesh ({first})") from None
    STATS["parsed"] += 1
    out = []
    for node in scene.graph.nodes_geometry:
        transform, geom_name = scene.graph[node]
        geom = scene.geometry.get(geom_name)
        if not isinstance(geom, trimesh.Trimesh) or len(geom.faces) == 0:
            continue
        v = np.asarray(geom.vertices, dtype=float) @ np.asarray(transform)[:3, :3].T + np.asarray(transform)[:3, 3]
        faces = np.asarray(geom.faces, dtype=np.int64)
        if np.linalg.det(np.asarray(transform)[:3, :3]) < 0:  # mirrored node: keep faces outward
            faces = faces[:, ::-1]
        out.append((str(geom_name), v, faces, material_description(geom)))
    if not out:
        raise MeshImportError(path, "the file holds no triangle meshes")
    allv = np.concatenate([p[1] for p in out])
    if not np.all(np.isfinite(allv)):
        raise MeshImportError(path, "the mesh has non-finite vertex coordinates")
    return out


def _normalize(path: Path, raw: list[tuple[str, np.ndarray, np.ndarray, str]], spec: ImportSpec,
               key: str) -> NormalizedMesh:
    rot = rotation_matrix(spec)
    rotated = [(n, v @ rot.T, f, m) for n, v, f, m in raw]
    allv = np.concatenate([r[1] for r in rotated])
    lo, hi = allv.min(axis=0), allv.max(axis=0)
    extent = hi - lo
    if float(extent.max()) <= 0.0:
        raise MeshImportError(path, "the mesh has no extent (all vertices coincide)")
    notes: list[str] = []
    if spec.max_side_m is not None:
        scale = float(spec.max_side_m) / float(extent.max())
    elif spec.size_m is not None:
        scale = _best_fit_scale(path, extent, spec.size_m)
    else:
        scale = float(spec.unit_scale)
    reference = spec.report_size_m or spec.size_m
    anisotropy = _anisotropy(extent * scale, reference) if reference is not None else 1.0
    if anisotropy > 1.05:
        notes.append(f"annotated size disagrees with the mesh proportions by {100 * (anisotropy - 1):.0f}% "
                     "(uniform best-fit scale used)")
        log.info("%s: %s", path, notes[-1])
    shift = -np.array([(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0, lo[2]])
    grouped: dict[str, list[tuple[str, np.ndarray, np.ndarray]]] = {}
    for name, v, f, material in rotated:
        grouped.setdefault(material, []).append((name, (v + shift) * scale, f))
    parts: list[MeshPart] = []
    used: set[str] = set()
    for material, pieces in grouped.items():
        offset = 0
        vs, fs = [], []
        for _name, v, f in pieces:
            vs.append(v)
            fs.append(f + offset)
            offset += len(v)
        name = _unique(_part_name(material, pieces[0][0], len(parts)), used)
        parts.append(MeshPart(name, np.concatenate(vs).astype(np.float32), np.concatenate(fs).astype(np.int32),
                              material))
    size = tuple(float(x) for x in extent * scale)
    return NormalizedMesh(tuple(parts), size, scale, anisotropy, key, False, tuple(notes))  # type: ignore[arg-type]


def _best_fit_scale(path: Path, extent: np.ndarray, size_m: Sequence[float | None]) -> float:
    logs = [math.log(float(t) / float(e)) for t, e in zip(size_m, extent)
            if t is not None and float(t) > 0 and float(e) > 1e-12]
    if not logs:
        raise MeshImportError(path, "the annotated size names no axis along which the mesh has extent")
    return math.exp(sum(logs) / len(logs))


def _anisotropy(size: np.ndarray, reference: Sequence[float | None]) -> float:
    ratios = [float(t) / float(s) for t, s in zip(reference, size) if t is not None and float(t) > 0 and s > 1e-12]
    return max(ratios) / min(ratios) if ratios else 1.0


def _unique(name: str, used: set[str]) -> str:
    base, i = name, 1
    while name in used:
        i += 1
        name = f"{base}_{i}"
    used.add(name)
    return name


def _part_name(material: str, geom_name: str, index: int) -> str:
    words = re.sub(r"#[0-9a-f]{6}", " ", material).split()
    label = "_".join(w for w in words if w.isalpha())
    if material == DEFAULT_MATERIAL or not label:
        label = re.sub(r"[^a-z0-9]+", "_", geom_name.lower()).strip("_")
    if not label or not label[0].isalpha():
        label = f"part_{index}"
    return label[:40]


# ---------------------------------------------------------------------------------------------
# materials

_GENERIC_WORDS = {
    "material", "materials", "mat", "mtl", "default", "defaultmaterial", "lambert", "phong", "blinn", "standard",
    "surface", "shader", "initialshadinggroup", "none", "untitled", "object", "mesh", "color", "colour", "texture",
    "tex", "diffuse", "base", "basecolor", "pbr", "principled", "bsdf", "new", "scene", "root", "node", "geometry",
    "submesh", "part", "sg", "effect", "id", "map",
}


def _name_words(name: str | None) -> list[str]:
    if not name:
        return []
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(name))
    words = re.split(r"[^A-Za-z]+", text.lower())
    return [w for w in words if len(w) > 1 and w not in _GENERIC_WORDS]


def _linear_to_srgb(c: float) -> float:
    c = min(max(c, 0.0), 1.0)
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def _srgb_to_linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _hex(rgb_srgb: Iterable[float]) -> str:
    return "#" + "".join(f"{int(round(min(max(c, 0.0), 1.0) * 255)):02x}" for c in rgb_srgb)


def _mean_image_srgb(image: Any) -> tuple[float, float, float] | None:
    try:
        img = image.convert("RGB")
        img.thumbnail((64, 64))
        arr = np.asarray(img, dtype=float) / 255.0
        return tuple(float(x) for x in arr.reshape(-1, 3).mean(axis=0))  # type: ignore[return-value]
    except Exception:  # an unreadable or exotic texture: ignore its colour
        return None


def material_description(geom: Any) -> str:
    """A material description for one trimesh geometry (see the module docs)."""
    visual = getattr(geom, "visual", None)
    kind = getattr(visual, "kind", None)
    words: list[str] = []
    color_srgb: tuple[float, float, float] | None = None
    metallic = 0.0
    alpha = 1.0
    mat = getattr(visual, "material", None) if kind == "texture" else None
    if mat is not None:
        words = _name_words(getattr(mat, "name", None))
        factor = getattr(mat, "baseColorFactor", None)
        if factor is not None or hasattr(mat, "baseColorTexture"):  # glTF PBR: factors are linear
            lin = np.asarray(factor if factor is not None else [255, 255, 255, 255], dtype=float)[:4] / 255.0
            if lin.size < 4:
                lin = np.concatenate([lin, np.ones(4 - lin.size)])
            alpha = float(lin[3])
            tex = getattr(mat, "baseColorTexture", None)
            mean = _mean_image_srgb(tex) if tex is not None else None
            if mean is not None:
                lin = np.array([_srgb_to_linear(m) * f for m, f in zip(mean, lin[:3])])
            if factor is not None or mean is not None:
                color_srgb = tuple(_linear_to_srgb(float(c)) for c in lin[:3])  # type: ignore[assignment]
            metallic = float(getattr(mat, "metallicFactor", None) or 0.0)
        else:  # OBJ/MTL SimpleMaterial: colours authored as sRGB
            img = getattr(mat, "image", None)
            mean = _mean_image_srgb(img) if img is not None else None
            diffuse = getattr(mat, "diffuse", None)
            if mean is not None:
                color_srgb = mean
            elif diffuse is not None:
                d = np.asarray(diffuse, dtype=float)[:4] / 255.0
                color_srgb = tuple(float(x) for x in d[:3])  # type: ignore[assignment]
                if d.size > 3:
                    alpha = float(d[3])
    elif kind == "vertex" or kind == "face":
        colors = np.asarray(visual.vertex_colors if kind == "vertex" else visual.face_colors, dtype=float)
        if colors.size:
            mean = colors.reshape(-1, colors.shape[-1]).mean(axis=0) / 255.0  # glTF COLOR_0 is linear
            color_srgb = tuple(_linear_to_srgb(float(c)) for c in mean[:3])  # type: ignore[assignment]
            if mean.size > 3:
                alpha = float(mean[3])
    text = " ".join(dict.fromkeys(words))
    if metallic >= 0.5 and "metal" not in text:
        text = f"{text} metal".strip()
    if alpha < 0.5 and "glass" not in text:
        text = f"{text} glass".strip()
    if color_srgb is not None:
        text = f"{text} {_hex(color_srgb)}".strip()
    return text or DEFAULT_MATERIAL


# ---------------------------------------------------------------------------------------------
# cache files


def _write_cache(target: Path, mesh: NormalizedMesh) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, np.ndarray] = {}
    for i, part in enumerate(mesh.parts):
        arrays[f"v{i}"] = part.vertices
        arrays[f"f{i}"] = part.faces
    info = {"names": [p.name for p in mesh.parts], "materials": [p.material for p in mesh.parts],
            "size": list(mesh.size), "scale": mesh.scale, "anisotropy": mesh.anisotropy, "notes": list(mesh.notes),
            "key": mesh.key, "version": NORMALIZER_VERSION}
    arrays["info"] = np.array(json.dumps(info))
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    atomic_write_bytes(target, buf.getvalue())


def _read_cache(target: Path, key: str) -> NormalizedMesh:
    with np.load(target, allow_pickle=False) as data:
        info = json.loads(str(data["info"]))
        if info.get("key") != key or info.get("version") != NORMALIZER_VERSION:
            raise ValueError("key or version mismatch")
        parts = tuple(MeshPart(name, np.array(data[f"v{i}"]), np.array(data[f"f{i}"]), material)
                      for i, (name, material) in enumerate(zip(info["names"], info["materials"])))
    return NormalizedMesh(parts, tuple(info["size"]), float(info["scale"]), float(info["anisotropy"]), key, True,
                          tuple(info.get("notes", ())))


__all__ = ["AXES", "DEFAULT_MATERIAL", "ImportSpec", "MESH_SUFFIXES", "MeshImportError", "MeshPart", "NormalizedMesh",
           "STATS", "UNITS_M", "cache_dir", "clear_memory_cache", "cache_key", "content_hash", "default_front", "load_normalized",
           "material_description", "mesh_cache_dir", "rotation_matrix"]
