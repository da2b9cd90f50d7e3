"""User asset libraries: folders of GLB/glTF/OBJ meshes with metadata, registered by name.

A library is a folder. ``worldsmith assets add DIR`` (:func:`add_library`) reads its metadata,
imports every mesh (normalized and cached by :mod:`.meshimport`), and records the library in the
registry. Scenes refer to a library asset as ``AssetRef("library", "<library>/<asset id>")``;
retrieval sees each one as a :class:`~worldsmith.assets.candidates.Candidate` with key
``"library:<library>/<asset id>"`` (:func:`library_candidates`).

Metadata formats (all three may be mixed in one folder)
-------------------------------------------------------

**(a) One index file** at the top of the folder, ``worldsmith_assets.json`` (or ``index.json``)::

    {"defaults": {"units": "cm", "up": "+y"},          # optional, applied to every entry
     "assets": [                                        # or the file is just this list
       {"id": "oak_table", "file": "meshes/table.glb", "category": "dining table",
        "description": "a solid oak dining table with turned legs",
        "size_m": [1.6, 0.9, 0.75],                     # OR "scale": 0.01 (a factor), not both
        "units": "m", "up": "+z", "front": "-y", "support": "floor", "tags": ["rustic"]}]}

**(b) A sidecar per mesh**: ``chair.glb.json`` or ``chair.json`` next to ``chair.glb``, one
object with the same keys (``id`` defaults to the mesh's stem, ``file`` to the mesh).

Keys: ``category`` (required; a catalog name or synonym maps to that category, anything else is
kept as a snake_case label), ``description`` (free text, used for retrieval), ``size_m`` (real
width along the asset's left-right, depth front-back, height; metres; ``null`` for an unknown
axis), ``scale`` (a factor applied after ``units``), ``units`` (``m`` default, ``cm``, ``mm``,
``in``; ignored when ``size_m`` is given), ``up`` (``+y`` default, as glTF) and ``front`` (default
``+z`` for Y-up files, ``-y`` for Z-up files; see :mod:`.meshimport`), ``support`` (``floor``,
``wall``, ``ceiling``, ``object``; default: the catalog category's, else ``floor``), ``tags``
(extra retrieval words), ``yaw_deg`` (an extra turn about up, counter-clockwise from above) and
``extras`` (anything, ignored). Unknown keys are errors.

**(c) objathor** (the annotation format of AI2's Objaverse set used by Holodeck): a sub-folder per
asset, ``<uid>/annotations.json`` (or ``.json.gz``) plus the asset's mesh in that folder
(``<uid>.glb`` preferred, else any GLB/glTF/OBJ there), or one top-level ``annotations.json``
(``.json.gz``) mapping uid -> annotation, with ``<uid>.glb`` anywhere under the folder. Keys read:
``category``, ``description`` (else ``description_auto``), ``width`` / ``length`` (or ``depth``) /
``height`` in centimetres, ``onFloor`` / ``onWall`` / ``onCeiling`` / ``onObject``,
``pose_z_rot_angle``, ``scale`` and ``z_axis_scale``; every other key is ignored. Assumptions,
from objathor's own conversion code: the mesh is an original Objaverse GLB (Y-up); objathor imports
it into Blender (glTF +Z front -> Blender -Y), turns it by ``pose_z_rot_angle`` radians about up,
after which the asset's front faces Blender -Y. In our frame that is the glTF default mapping
(+Z front -> +Y) followed by a counter-clockwise yaw of ``pose_z_rot_angle``. ``scale`` is
objathor's target size in metres: the height when ``z_axis_scale`` is true (or absent), else the
longest side; without ``scale`` the annotated width/length/height are fitted (uniform best fit).
Width is taken along the asset's left-right axis, length along front-back. Support is the first
true flag of floor, wall, ceiling, object. objathor's processed ``.pkl.gz`` meshes (AI2-THOR
runtime format) are not supported and are reported as such.

Bad metadata is never skipped silently: every problem is reported with the file and the field.

Registry
--------

``<config dir>/libraries.json`` maps library name (default: the folder name in snake_case) to the
folder's absolute path, a content fingerprint (over every imported asset's mesh hash and
metadata) and a summary of its assets (metadata and normalized size, so listing and retrieval never
reparse meshes). Re-adding the same folder updates its entry; another folder under a taken name is
refused unless ``force``. Writes are atomic and serialized by a lock file. The config directory is
:func:`worldsmith.scene.paths.config_dir` (``$WORLDSMITH_CONFIG_DIR``, else
``$XDG_CONFIG_HOME/worldsmith``, else ``~/.config/worldsmith``).
"""

from __future__ import annotations

import contextlib
import difflib
import gzip
import hashlib
import json
import logging
import math
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

from ..scene.files import atomic_write
from ..scene.errors import WorldsmithError
from ..scene.paths import config_dir
from . import catalog
from .candidates import Candidate
from .meshimport import (
    AXES, MESH_SUFFIXES, UNITS_M, ImportSpec, MeshImportError, NormalizedMesh, content_hash, load_normalized,
)

log = logging.getLogger(__name__)

REGISTRY_VERSION = 1
INDEX_NAMES = ("worldsmith_assets.json", "index.json")
OBJATHOR_NAMES = ("annotations.json", "annotations.json.gz")
SUPPORTS = ("floor", "wall", "ceiling", "object")
ENTRY_KEYS = ("id", "file", "category", "description", "size_m", "scale", "units", "up", "front", "support", "tags",
              "yaw_deg", "extras")
LIBRARY_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
ASSET_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

Size = tuple[float, float, float]


class LibraryError(WorldsmithError):
    """Bad library metadata or a registry problem. The message is one line naming the file and
    the field: ``"<file>: <field>: <what is wrong>"``."""

    def __init__(self, file: str | Path | None, field: str | None, message: str):
        self.file = str(file) if file is not None else None
        self.field = field
        self.detail = message
        head = ": ".join(x for x in (self.file, field) if x)
        super().__init__(f"{head}: {message}" if head else message)


class LibraryImportError(LibraryError):
    """``add_library`` imported nothing; ``problems`` lists why, one per asset or file."""

    def __init__(self, folder: str | Path, problems: Sequence["Problem"]):
        self.problems = tuple(problems)
        if len(self.problems) == 1:
            super().__init__(None, None, str(self.problems[0]))
        else:
            n = len(self.problems)
            super().__init__(folder, None, f"no asset could be imported ({n} problem{'s' if n != 1 else ''})")


@dataclass(frozen=True)
class Problem:
    """Why one asset or file was not imported."""

    file: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


@dataclass(frozen=True)
class AssetMeta:
    """One asset as its metadata describes it (before import). ``file`` is absolute."""

    id: str
    file: str
    category: str
    label: str
    description: str
    support: str
    spec: ImportSpec
    meta_file: str
    format: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScanResult:
    assets: tuple[AssetMeta, ...]
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class LibraryAsset:
    """An imported asset as the registry records it. ``size`` is its normalized real size (w, d, h)
    in metres; ``anisotropy`` how far an annotated size disagreed with the mesh (1.0: not at all)."""

    library: str
    id: str
    file: str
    category: str
    label: str
    description: str
    support: str
    size: Size
    spec: ImportSpec
    format: str
    anisotropy: float = 1.0
    tags: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The retrieval key, ``"library:<library>/<id>"``."""
        return f"library:{self.library}/{self.id}"

    @property
    def ref_name(self) -> str:
        """The ``AssetRef`` name, ``"<library>/<id>"`` (with ``source="library"``)."""
        return f"{self.library}/{self.id}"

    def text(self) -> str:
        """What retrieval embeds, as ``;``-separated phrases: the label, the catalog category when
        it differs, the description, the tags."""
        phrases = [self.label.replace("_", " ")]
        if self.category != self.label:
            phrases.append(self.category.replace("_", " "))
        if self.description and self.description.lower() != phrases[0]:
            phrases.append(self.description)
        if self.tags:
            phrases.append(", ".join(self.tags))
        return "; ".join(p.replace(";", ",").replace("|", "/").replace("\n", " ") for p in phrases)


@dataclass(frozen=True)
class Library:
    name: str
    path: str
    fingerprint: str
    assets: tuple[LibraryAsset, ...]
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True)
class AddReport:
    library: Library
    imported: tuple[LibraryAsset, ...]
    skipped: tuple[Problem, ...]
    updated: bool
    notes: tuple[str, ...] = field(default=())


# ---------------------------------------------------------------------------------------------
# directories


def registry_path() -> Path:
    return config_dir() / "libraries.json"


def _library_folder(folder: str | Path) -> Path:
    """``folder`` made absolute; it must be an existing folder."""
    base = Path(folder).expanduser().resolve()
    if not base.exists():
        raise LibraryError(base, None, "does not exist")
    if not base.is_dir():
        raise LibraryError(base, None, "is a file; expected a folder of meshes")
    return base


# ---------------------------------------------------------------------------------------------
# names


def snake(text: str) -> str:
    """A snake_case id for a free label ("3-Seat Sofa (velvet)" -> "seat_sofa_velvet")."""
    s = re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")
    s = re.sub(r"^[0-9_]+", "", s)
    return s or "object"


def default_library_name(folder: str | Path) -> str:
    s = re.sub(r"[^a-z0-9_-]+", "_", Path(folder).name.lower()).strip("_-")
    return s or "library"


def map_category(label: str) -> str:
    """The catalog category a library label counts as (``catalog.resolve`` of the label, its
    snake_case form or a singular of it), else its snake_case form."""
    for text in (label, snake(label), *_singulars(snake(label))):
        found = catalog.resolve(text)
        if found is not None:
            return found
    return snake(label)


def _singulars(word: str) -> list[str]:
    """Singular guesses for a plural snake_case label (last word only): ``armchairs`` ->
    ``armchair``, ``benches`` -> ``bench``."""
    head, _, last = word.rpartition("_")
    out = []
    for cut in ("es", "s"):
        if last.endswith(cut) and len(last) > len(cut) + 2:
            out.append(f"{head}_{last[:-len(cut)]}" if head else last[: -len(cut)])
    return out


def _check_library_name(name: str) -> str:
    if not isinstance(name, str) or not LIBRARY_NAME.match(name):
        raise LibraryError(None, "name", f"expected lower-case letters, digits, '_' or '-' for a library name, "
                                         f"got {name!r}")
    return name


# ---------------------------------------------------------------------------------------------
# reading metadata


def _read_json(path: Path) -> Any:
    try:
        raw = path.read_bytes()
        if path.name.endswith(".gz"):
            raw = gzip.decompress(raw)
        return json.loads(raw.decode("utf-8"))
    except json.JSONDecodeError as exc:
        raise LibraryError(path, None, f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except UnicodeDecodeError:
        raise LibraryError(path, None, "not UTF-8 text") from None
    except (OSError, EOFError) as exc:
        raise LibraryError(path, None, f"cannot read it ({exc})") from None


def _axis(value: Any, meta: Path, fld: str) -> str:
    if isinstance(value, str):
        v = value.strip().lower()
        v = v if v[:1] in "+-" else f"+{v}"
        if v in AXES:
            return v
    raise LibraryError(meta, fld, f"expected one of {', '.join(AXES)}, got {value!r}")


def _positive(value: Any, meta: Path, fld: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise LibraryError(meta, fld, f"expected a positive number, got {value!r}")
    return float(value)


def _text(value: Any, meta: Path, fld: str, *, required: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise LibraryError(meta, fld, f"expected {'a non-empty' if required else 'a'} string, got {value!r}")
    return " ".join(value.split())


def _support_of(category: str) -> str:
    try:
        return catalog.get(category).support
    except KeyError:
        return "floor"


def _parse_entry(entry: Any, meta: Path, where: str, base: Path, *, mesh: Path | None, fmt: str,
                 defaults: Mapping[str, Any] | None = None) -> AssetMeta:
    """One index entry or sidecar -> AssetMeta. ``where`` prefixes field names (``assets[2]``)."""

    def f(name: str) -> str:
        return f"{where}.{name}" if where else name

    if not isinstance(entry, dict):
        raise LibraryError(meta, where or None, f"expected an object with {', '.join(ENTRY_KEYS[:4])}, ..., "
                                                f"got {type(entry).__name__}")
    data = {**(defaults or {}), **entry}
    for key in data:
        if key not in ENTRY_KEYS:
            close = difflib.get_close_matches(str(key), ENTRY_KEYS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; expected one of {', '.join(ENTRY_KEYS)}"
            raise LibraryError(meta, f(str(key)), f"unknown field{hint}")
    # the mesh
    if mesh is None:
        if "file" not in data:
            raise LibraryError(meta, f("file"), "missing; name the mesh file (relative to the folder)")
        file_value = _text(data["file"], meta, f("file"), required=True)
        mesh = (base / file_value).resolve()
        if not mesh.is_file():
            raise LibraryError(meta, f("file"), f"{file_value!r} does not exist under {base}")
    elif "file" in data:
        named = (meta.parent / _text(data["file"], meta, f("file"), required=True)).resolve()
        if named != mesh.resolve():
            raise LibraryError(meta, f("file"), f"names {named.name!r} but this sidecar belongs to {mesh.name!r}")
    if mesh.name.lower().endswith(".pkl.gz"):
        raise LibraryError(meta, f("file"), "objathor .pkl.gz meshes are not supported; use a GLB or OBJ")
    if mesh.suffix.lower() not in MESH_SUFFIXES:
        raise LibraryError(meta, f("file"), f"expected a {'/'.join(s[1:] for s in MESH_SUFFIXES)} mesh, "
                                            f"got {mesh.name!r}")
    # identity
    asset_id = data.get("id", mesh.stem)
    if not isinstance(asset_id, str) or not ASSET_ID.match(asset_id):
        raise LibraryError(meta, f("id"), f"expected letters, digits, '_', '.' or '-' (no '/'), got {asset_id!r}")
    if "category" not in data:
        raise LibraryError(meta, f("category"), "missing; say what the asset is (e.g. \"armchair\")")
    label = _text(data["category"], meta, f("category"), required=True)
    category = map_category(label)
    description = _text(data.get("description"), meta, f("description"))
    tags = data.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise LibraryError(meta, f("tags"), f"expected a list of strings, got {tags!r}")
    support = data.get("support", _support_of(category))
    if support not in SUPPORTS:
        raise LibraryError(meta, f("support"), f"expected one of {', '.join(SUPPORTS)}, got {support!r}")
    # geometry
    up = _axis(data.get("up", "+y"), meta, f("up"))
    front = _axis(data["front"], meta, f("front")) if "front" in data else None
    if front is not None and front[1] == up[1]:
        raise LibraryError(meta, f("front"), f"{front!r} is parallel to up {up!r}; front must be perpendicular to up")
    yaw = data.get("yaw_deg", 0.0)
    if isinstance(yaw, bool) or not isinstance(yaw, (int, float)) or not math.isfinite(yaw):
        raise LibraryError(meta, f("yaw_deg"), f"expected a number of degrees, got {yaw!r}")
    units = data.get("units", "m")
    if units not in UNITS_M:
        raise LibraryError(meta, f("units"), f"expected one of {', '.join(UNITS_M)}, got {units!r}")
    if "size_m" in data and "scale" in data:
        if ("size_m" in entry) == ("scale" in entry):  # both given at the same level
            raise LibraryError(meta, f("scale"), "give size_m or scale, not both")
        data.pop("scale" if "size_m" in entry else "size_m")  # the entry's own choice beats the defaults
    size_m = None
    if "size_m" in data:
        raw = data["size_m"]
        if not isinstance(raw, list) or len(raw) != 3:
            raise LibraryError(meta, f("size_m"), f"expected [width, depth, height] in metres, got {raw!r}")
        size_m = tuple(None if v is None else _positive(v, meta, f("size_m")) for v in raw)
        if all(v is None for v in size_m):
            raise LibraryError(meta, f("size_m"), "expected at least one known dimension, got only nulls")
    factor = _positive(data["scale"], meta, f("scale")) if "scale" in data else 1.0
    spec = ImportSpec(up=up, front=front, yaw_deg=float(yaw), unit_scale=UNITS_M[units] * factor,
                      size_m=size_m)  # type: ignore[arg-type]
    return AssetMeta(asset_id, str(mesh.resolve()), category, snake(label), description or label, support, spec,
                     str(meta), fmt, tuple(tags))


def _objathor_meta(anno: Any, meta: Path, where: str, mesh: Path, uid: str) -> AssetMeta:
    def f(name: str) -> str:
        return f"{where}.{name}" if where else name

    if not isinstance(anno, dict):
        raise LibraryError(meta, where or None, f"expected an annotation object, got {type(anno).__name__}")
    if not anno.get("category"):
        raise LibraryError(meta, f("category"), "missing; objathor annotations name the asset's category")
    label = _text(anno["category"], meta, f("category"), required=True)
    category = map_category(label)
    description = _text(anno.get("description") or anno.get("description_auto"), meta, f("description"))
    dims: list[float | None] = []
    for names in (("width",), ("length", "depth"), ("height",)):
        name = next((n for n in names if anno.get(n) is not None), None)
        dims.append(None if name is None else _positive(anno[name], meta, f(name)) / 100.0)
    size_cm = tuple(dims) if any(d is not None for d in dims) else None
    rot = anno.get("pose_z_rot_angle", 0.0)
    if rot is None:
        rot = 0.0
    if isinstance(rot, bool) or not isinstance(rot, (int, float)) or not math.isfinite(rot):
        raise LibraryError(meta, f("pose_z_rot_angle"), f"expected an angle in radians, got {rot!r}")
    max_side = None
    fit = size_cm
    if anno.get("scale") is not None:
        target = _positive(anno["scale"], meta, f("scale"))
        if anno.get("z_axis_scale", True):
            fit = (None, None, target)
        else:
            fit, max_side = None, target
    elif size_cm is None:
        raise LibraryError(meta, f("height"), "missing; objathor annotations need width/length/height (cm) or scale")
    flags = [s for s, k in (("floor", "onFloor"), ("wall", "onWall"), ("ceiling", "onCeiling"), ("object", "onObject"))
             if anno.get(k) is True]
    support = flags[0] if flags else _support_of(category)
    if not ASSET_ID.match(uid):
        raise LibraryError(meta, f("uid"), f"expected letters, digits, '_', '.' or '-', got {uid!r}")
    spec = ImportSpec(up="+y", front="+z", yaw_deg=math.degrees(float(rot)), size_m=fit,  # type: ignore[arg-type]
                      max_side_m=max_side, report_size_m=size_cm)  # type: ignore[arg-type]
    return AssetMeta(uid, str(mesh.resolve()), category, snake(label), description or label, support, spec,
                     str(meta), "objathor")


def _problem(exc: LibraryError, file: Path | str) -> Problem:
    detail = f"{exc.field}: {exc.detail}" if exc.field else exc.detail
    return Problem(exc.file or str(file), detail)


def _mesh_files(folder: Path) -> list[Path]:
    out = []
    for p in sorted(folder.rglob("*")):
        if any(part.startswith(".") for part in p.relative_to(folder).parts):
            continue
        if p.is_file() and (p.suffix.lower() in MESH_SUFFIXES or p.name.lower().endswith(".pkl.gz")):
            out.append(p)
    return out


def _pick_mesh(folder: Path, uid: str) -> Path | None:
    meshes = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in MESH_SUFFIXES)
    for suffix in MESH_SUFFIXES:
        exact = folder / f"{uid}{suffix}"
        if exact.is_file():
            return exact
    for suffix in MESH_SUFFIXES:
        for p in meshes:
            if p.suffix.lower() == suffix:
                return p
    return None


def scan_library(folder: str | Path) -> ScanResult:
    """Read every metadata file of ``folder``: the assets it describes and the problems found
    (bad metadata, meshes without metadata, unsupported mesh formats). Reads no mesh."""
    base = _library_folder(folder)
    assets: list[AssetMeta] = []
    problems: list[Problem] = []
    claimed: set[Path] = set()
    meshes = _mesh_files(base)

    def claim(meta: AssetMeta) -> None:
        assets.append(meta)
        claimed.add(Path(meta.file))

    # (a) index
    index = next((base / n for n in INDEX_NAMES if (base / n).is_file()), None)
    if index is not None:
        try:
            doc = _read_json(index)
            defaults: dict[str, Any] = {}
            entries = doc
            if isinstance(doc, dict):
                extra = set(doc) - {"assets", "defaults"}
                if extra:
                    raise LibraryError(index, sorted(extra)[0], "unknown top-level field; expected 'assets' and "
                                                                "optionally 'defaults'")
                entries = doc.get("assets")
                defaults = doc.get("defaults", {})
                if not isinstance(defaults, dict):
                    raise LibraryError(index, "defaults", f"expected an object, got {type(defaults).__name__}")
            if not isinstance(entries, list):
                raise LibraryError(index, "assets", "expected a list of asset entries")
            for i, entry in enumerate(entries):
                where = (f'assets["{entry["id"]}"]' if isinstance(entry, dict) and isinstance(entry.get("id"), str)
                         else f"assets[{i}]")
                try:
                    meta = _parse_entry(entry, index, where, base, mesh=None, fmt="index", defaults=defaults)
                    claim(meta)
                except LibraryError as exc:
                    problems.append(_problem(exc, index))
                    if isinstance(entry, dict) and isinstance(entry.get("file"), str):
                        claimed.add((base / entry["file"]).resolve())
        except LibraryError as exc:
            problems.append(_problem(exc, index))
    # (c) objathor: top-level aggregate, then per-uid folders
    top = next((base / n for n in OBJATHOR_NAMES if (base / n).is_file()), None)
    by_stem: dict[str, Path] = {}
    for p in meshes:
        if p.suffix.lower() in MESH_SUFFIXES:
            by_stem.setdefault(p.stem, p)
    if top is not None:
        try:
            doc = _read_json(top)
            if not isinstance(doc, dict) or not all(isinstance(v, dict) for v in doc.values()):
                raise LibraryError(top, None, "expected an object mapping uid -> annotation")
            missing = 0
            for uid, anno in doc.items():
                mesh = by_stem.get(uid)
                if mesh is None:
                    missing += 1
                    continue
                try:
                    claim(_objathor_meta(anno, top, f'["{uid}"]', mesh, uid))
                except LibraryError as exc:
                    claimed.add(mesh.resolve())
                    problems.append(_problem(exc, top))
            if missing:
                problems.append(Problem(str(top), f"{missing} annotated uid(s) have no <uid>.glb/.obj under {base}"))
        except LibraryError as exc:
            problems.append(_problem(exc, top))
    for anno_file in sorted(p for n in OBJATHOR_NAMES for p in base.rglob(n) if p.parent != base):
        if any(part.startswith(".") for part in anno_file.relative_to(base).parts):
            continue
        folder_ = anno_file.parent
        for p in folder_.iterdir():  # everything in an objathor folder belongs to that asset
            claimed.add(p.resolve())
        try:
            anno = _read_json(anno_file)
            uid = str(anno.get("uid") or folder_.name) if isinstance(anno, dict) else folder_.name
            mesh = _pick_mesh(folder_, uid)
            if mesh is None:
                pkl = sorted(folder_.glob("*.pkl.gz"))
                if pkl:
                    raise LibraryError(anno_file, None, f"only an objathor .pkl.gz mesh ({pkl[0].name}) is present; "
                                                        "that format is not supported, add the asset's GLB")
                raise LibraryError(anno_file, None, "no GLB/glTF/OBJ mesh in this folder")
            claim(_objathor_meta(anno, anno_file, "", mesh, uid))
        except LibraryError as exc:
            problems.append(_problem(exc, anno_file))
    # (b) sidecars, and meshes nobody describes
    for mesh in meshes:
        mesh = mesh.resolve()
        if mesh in claimed:
            continue
        sidecars = [s for s in (mesh.with_name(mesh.name + ".json"), mesh.with_suffix(".json")) if s.is_file()]
        if mesh.name.lower().endswith(".pkl.gz"):
            problems.append(Problem(str(mesh), "objathor .pkl.gz meshes are not supported (AI2-THOR runtime "
                                               "format); add the asset's GLB"))
            continue
        if not sidecars:
            problems.append(Problem(str(mesh), f"no metadata: add {mesh.name}.json next to it or an entry in "
                                               f"{INDEX_NAMES[0]}"))
            continue
        if len(sidecars) > 1:
            problems.append(Problem(str(sidecars[0]), f"both {sidecars[0].name} and {sidecars[1].name} describe "
                                                      f"{mesh.name}; keep one"))
            continue
        try:
            claim(_parse_entry(_read_json(sidecars[0]), sidecars[0], "", base, mesh=mesh, fmt="sidecar"))
        except LibraryError as exc:
            problems.append(_problem(exc, sidecars[0]))
    # duplicate ids
    seen: dict[str, AssetMeta] = {}
    unique: list[AssetMeta] = []
    for meta in assets:
        if meta.id in seen:
            problems.append(Problem(meta.meta_file, f"id: {meta.id!r} is already used by {seen[meta.id].file}"))
            continue
        seen[meta.id] = meta
        unique.append(meta)
    return ScanResult(tuple(unique), tuple(problems))


# ---------------------------------------------------------------------------------------------
# the registry


def _spec_to_json(spec: ImportSpec) -> dict[str, Any]:
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(spec).items()}


def _spec_from_json(data: Mapping[str, Any]) -> ImportSpec:
    def tup(v: Any) -> Any:
        return tuple(v) if isinstance(v, list) else v

    return ImportSpec(**{k: tup(v) for k, v in data.items()})


def _asset_to_json(asset: LibraryAsset, root: Path) -> dict[str, Any]:
    path = Path(asset.file)
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        rel = str(path)
    return {"id": asset.id, "file": rel, "format": asset.format, "category": asset.category, "label": asset.label,
            "description": asset.description, "support": asset.support, "tags": list(asset.tags),
            "size_m": [round(v, 6) for v in asset.size], "anisotropy": round(asset.anisotropy, 6),
            "spec": _spec_to_json(asset.spec)}


def _asset_from_json(library: str, root: Path, d: Mapping[str, Any]) -> LibraryAsset:
    return LibraryAsset(library, d["id"], str(root / d["file"]), d["category"], d["label"], d["description"],
                        d["support"], tuple(float(v) for v in d["size_m"]), _spec_from_json(d["spec"]),  # type: ignore
                        d["format"], float(d.get("anisotropy", 1.0)), tuple(d.get("tags", ())))


_REGISTRY_MEMO: dict[str, tuple[tuple[int, int], dict[str, Library]]] = {}


def load_registry() -> dict[str, Library]:
    """Every registered library, by name (empty when nothing is registered). Memoized per
    registry file (path, size, mtime), so building many library objects reads it once."""
    path = registry_path()
    try:
        st = path.stat()
    except OSError:
        return {}
    if not path.is_file():
        return {}
    stamp = (st.st_size, st.st_mtime_ns)
    memo = _REGISTRY_MEMO.get(str(path))
    if memo is not None and memo[0] == stamp:
        return dict(memo[1])
    libs = _parse_registry(path)
    _REGISTRY_MEMO.clear()
    _REGISTRY_MEMO[str(path)] = (stamp, libs)
    return dict(libs)


def _parse_registry(path: Path) -> dict[str, Library]:
    doc = _read_json(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("libraries"), dict):
        raise LibraryError(path, "libraries", "expected {\"version\": 1, \"libraries\": {...}}; fix or delete the file")
    if doc.get("version") != REGISTRY_VERSION:
        raise LibraryError(path, "version", f"expected {REGISTRY_VERSION}, got {doc.get('version')!r}")
    out: dict[str, Library] = {}
    for name, rec in doc["libraries"].items():
        try:
            root = Path(rec["path"])
            assets = tuple(_asset_from_json(name, root, a) for a in rec.get("assets", []))
            out[name] = Library(name, str(root), rec["fingerprint"], assets, tuple(rec.get("skipped", [])))
        except (KeyError, TypeError, ValueError) as exc:
            raise LibraryError(path, f"libraries.{name}", f"malformed entry ({exc}); re-add the library") from None
    return out


def _write_registry(libs: Mapping[str, Library]) -> None:
    path = registry_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"version": REGISTRY_VERSION, "libraries": {
        name: {"path": lib.path, "fingerprint": lib.fingerprint,
               "assets": [_asset_to_json(a, Path(lib.path)) for a in lib.assets], "skipped": list(lib.skipped)}
        for name, lib in sorted(libs.items())}}
    data = json.dumps(doc, indent=1, sort_keys=False) + "\n"
    def _write(fh) -> None:
        fh.write(data.encode("utf-8"))
        fh.flush()
        os.fsync(fh.fileno())

    atomic_write(path, _write)


@contextlib.contextmanager
def _registry_lock() -> Iterator[None]:
    """An exclusive lock around read-modify-write of the registry (POSIX ``flock``; elsewhere a
    no-op)."""
    path = config_dir()
    path.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: last writer wins
        yield
        return
    with open(path / ".libraries.lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _check_name_free(libs: Mapping[str, Library], name: str, folder: Path, force: bool) -> bool:
    """True when ``name`` already points at ``folder`` (an update)."""
    old = libs.get(name)
    if old is None:
        return False
    if Path(old.path) == folder:
        return True
    if not force:
        raise LibraryError(None, None, f"library {name!r} is already registered for {old.path}; pass --force to "
                                       f"point it at {folder} or --name to choose another name")
    return True


def fingerprint(assets: Sequence[LibraryAsset]) -> str:
    """Content fingerprint of a library: every asset's id, mesh hash, import spec and metadata."""
    h = hashlib.sha256()
    for a in sorted(assets, key=lambda a: a.id):
        h.update(json.dumps([a.id, content_hash(a.file), a.spec.digest(), a.category, a.label, a.description,
                             a.support, list(a.tags)]).encode())
    return h.hexdigest()[:32]


ProgressFn = Callable[[int, int, str], None]


def import_library(folder: str | Path, name: str, *, progress: ProgressFn | None = None
                   ) -> tuple[tuple[LibraryAsset, ...], tuple[Problem, ...], tuple[str, ...]]:
    """Scan ``folder`` and import (normalize + cache) every described mesh. Returns the imported
    assets, the problems, and notes (size disagreements). Registers nothing."""
    scan = scan_library(folder)
    problems = list(scan.problems)
    imported: list[LibraryAsset] = []
    notes: list[str] = []
    total = len(scan.assets)
    for i, meta in enumerate(scan.assets):
        if progress:
            progress(i, total, meta.id)
        try:
            mesh = load_normalized(meta.file, meta.spec)
        except MeshImportError as exc:
            problems.append(Problem(exc.path, exc.detail))
            continue
        notes.extend(f"{meta.id}: {n}" for n in mesh.notes)
        imported.append(LibraryAsset(name, meta.id, meta.file, meta.category, meta.label, meta.description,
                                     meta.support, mesh.size, meta.spec, meta.format, mesh.anisotropy, meta.tags))
    if progress:
        progress(total, total, "")
    return tuple(imported), tuple(problems), tuple(notes)


def add_library(folder: str | Path, name: str | None = None, *, force: bool = False,
                progress: ProgressFn | None = None) -> AddReport:
    """Register ``folder`` as library ``name`` (default: the folder's name), importing every asset.

    Raises :class:`LibraryImportError` (with every problem) when no asset imports, and
    :class:`LibraryError` for a taken name (unless ``force``) or a missing folder. Assets that fail
    are listed in the report's ``skipped``."""
    base = _library_folder(folder)
    name = _check_library_name(name if name is not None else default_library_name(base))
    _check_name_free(load_registry(), name, base, force)  # fail fast, before importing
    imported, problems, notes = import_library(base, name, progress=progress)
    if not imported:
        raise LibraryImportError(base, problems or (Problem(str(base), "no GLB/glTF/OBJ meshes with metadata"),))
    lib = Library(name, str(base), fingerprint(imported), imported, tuple(str(p) for p in problems))
    with _registry_lock():
        libs = load_registry()
        updated = _check_name_free(libs, name, base, force)
        libs[name] = lib
        _write_registry(libs)
    return AddReport(lib, imported, problems, updated, notes)


def remove_library(name: str) -> Library:
    """Unregister library ``name`` (its files and cached meshes stay)."""
    with _registry_lock():
        libs = load_registry()
        if name not in libs:
            known = ", ".join(sorted(libs)) or "none registered"
            raise LibraryError(None, None, f"unknown library {name!r}; known: {known}")
        lib = libs.pop(name)
        _write_registry(libs)
    return lib


def library_assets(names: Sequence[str] | None = None) -> list[LibraryAsset]:
    """Every asset of the registered libraries (or of ``names``), sorted by key."""
    libs = load_registry()
    if names is not None:
        unknown = [n for n in names if n not in libs]
        if unknown:
            raise LibraryError(None, None, f"unknown library {unknown[0]!r}; known: {', '.join(sorted(libs)) or 'none'}")
    chosen = [libs[n] for n in (names if names is not None else sorted(libs))]
    return sorted((a for lib in chosen for a in lib.assets), key=lambda a: a.key)


def library_candidates(names: Sequence[str] | None = None) -> list[Candidate]:
    """Retrieval candidates for every asset of the registered libraries (or of ``names``)."""
    return [Candidate(key=a.key, source="library", category=a.category, text=a.text(), support=a.support,
                      size=a.size, library=a.library, asset_id=a.id)
            for a in library_assets(names)]


def find_asset(name: str) -> LibraryAsset:
    """The asset named ``"<library>/<id>"`` or ``"library:<library>/<id>"``."""
    key = name[len("library:"):] if name.startswith("library:") else name
    if "/" not in key:
        raise LibraryError(None, None, f"expected a library asset as '<library>/<asset id>', got {name!r}")
    lib_name, asset_id = key.split("/", 1)
    libs = load_registry()
    lib = libs.get(lib_name)
    if lib is None:
        raise LibraryError(None, None, f"unknown library {lib_name!r} in {name!r}; known: "
                                       f"{', '.join(sorted(libs)) or 'none registered'}")
    for a in lib.assets:
        if a.id == asset_id:
            return a
    close = difflib.get_close_matches(asset_id, [a.id for a in lib.assets], n=1)
    hint = f"; did you mean {lib_name}/{close[0]}?" if close else ""
    raise LibraryError(None, None, f"library {lib_name!r} has no asset {asset_id!r}{hint}")


def asset_mesh(asset: LibraryAsset | str) -> NormalizedMesh:
    """The normalized mesh of a library asset (from the mesh cache when it holds it)."""
    a = find_asset(asset) if isinstance(asset, str) else asset
    return load_normalized(a.file, a.spec)


def library_parts(name: str) -> list[Any]:
    """Parts (:class:`~worldsmith.assets.parts.Part`) of library asset ``"<library>/<id>"`` in its
    normalized frame (metres, Z up, front +Y, origin at the bottom centre)."""
    return asset_mesh(name).to_parts()


__all__ = ["AddReport", "AssetMeta", "INDEX_NAMES", "Library", "LibraryAsset", "LibraryError", "LibraryImportError",
           "Problem", "ScanResult", "add_library", "asset_mesh", "config_dir", "default_library_name", "find_asset",
           "fingerprint", "import_library", "library_assets", "library_candidates", "library_parts", "load_registry",
           "map_category", "registry_path", "remove_library", "scan_library", "snake"]
