"""Frame encoding and the folder-per-scene store: atomic files, completion markers, clean-up.

Encoding (:func:`encode_frame`), one PNG per requested output, keyed by the file suffix:

================  ============================================================================================
suffix            content
================  ============================================================================================
``rgb.png``       8-bit sRGB, 3 channels (the frame's ``rgb``).
``depth.png``     16-bit grey, **millimetres** along the camera axis: ``round(depth * 1000)``
                  (:func:`worldsmith.render.output.depth_to_mm`); 0 = no hit, or farther than 65.535 m.
                  The reader turns 0 back into ``inf`` and ``mm`` into ``mm / 1000`` metres, so a round
                  trip is exact to the millimetre.
``instance.png``  16-bit grey instance ids: index into the frame json's ``instances`` table (the frame's
                  :attr:`~worldsmith.render.frame.Frame.instances`); 0 = background.
``semantic.png``  16-bit grey class ids: index into the dataset category table,
                  :func:`worldsmith.render.scenegeom.base_categories`. The frame's own table must start
                  with that table (the gl and pbr renderers guarantee it), so a frame id *is* the dataset id.
                  Categories outside the catalog (user mesh libraries) are appended per scene after the
                  base table; their ids (``>= len(base_categories())``) are scene-dependent and named by the
                  frame's ``categories[len(base):]`` (:func:`semantic_extras`; the caller records them in
                  the frame json). ``semantic_table_ok=False`` refuses such ids instead.
``normal.png``    8-bit RGB unit normals in the **OpenCV camera frame**
                  (:meth:`~worldsmith.render.frame.Frame.normal_in_camera`): ``round((n + 1) / 2 * 255)``
                  per channel; the background (zero normal) is written as ``(0, 0, 0)``.
================  ============================================================================================

Ids of 65536 and more do not fit 16 bits and raise :class:`~worldsmith.datagen.errors.DatagenError`
(a scene with that many instances or classes is far outside what the generators build). PNGs are
written by Pillow with ``compress_level=png_level`` and no metadata chunks, so the same arrays give
the same bytes. The default level is 1, zlib's fastest: on a 640 x 480 planner bedroom (gl backend,
2-core machine, best of 9) rgb + depth + instance + semantic took 25 ms and 355 KiB at level 1
against 77 ms and 285 KiB at level 6 (3x the time for 20 % fewer bytes); level 9 took 451 ms for
265 KiB. The normal PNG adds 11 ms and 49 KiB at level 1.

The store (:class:`SceneFolder`): ``<root>/scenes/<scene_key>/`` holds the frames' files
``<frame_key>.<suffix>``, one ``<frame_key>.json`` per frame and ``scene.json``. Rules:

* Keys are ``[A-Za-z0-9_-]+`` (no dots: WebDataset splits a member name at the first dot); a frame
  key starts with ``<scene_key>_`` (``s000012_v003``), which is what lets :meth:`SceneFolder.clean_partial`
  tell the frames' files from anything else in the folder.
* Every file is written to a temporary name ``.<name>.<random>.tmp`` in the same folder, flushed,
  ``fsync``-ed (``durable=True``, the default) and renamed over the target (:func:`os.replace`, atomic on
  POSIX), so a reader never sees a half-written file under a real name. The ``fsync`` calls (each file,
  the folder, the json, the folder again) cost about 11 ms per 640 x 480 frame on the project's ext4
  disk (13.4 ms against 2.5 ms per 4-output frame); ``durable=False`` keeps the atomic renames (safe
  against a killed process) and drops them (not safe against a power cut).
* :meth:`SceneFolder.write_frame` first removes an existing ``<frame_key>.json`` (the frame turns
  incomplete), writes the image files, then ``<frame_key>.json`` **last**: the caller's ``meta`` plus
  ``"files": {suffix: {"bytes": n, "sha256": hex}}``. The json is the frame's completion marker: a
  frame is complete (:meth:`SceneFolder.frame_complete`) when its json parses and every file it lists
  exists with the recorded size (checksums are checked by :func:`worldsmith.datagen.manifest.verify`).
* ``scene.json`` (:meth:`SceneFolder.write_scene`) is written last of all: the scene's completion
  marker. A scene is complete when it parses as a JSON object.
* :meth:`SceneFolder.clean_partial` removes temporary files and every file of an incomplete frame
  (no json, an unreadable json, or a json whose files are missing or of the wrong size). Call it only
  while no process writes into that scene folder (the orchestrator runs one task per scene).

JSON files (:func:`write_json_atomic`, :func:`json_bytes`): UTF-8, keys sorted, compact separators
(``indent`` on request), one newline at the end; floats in Python's shortest round-trip form (``repr``:
equal floats give equal text on every platform), ``-0.0`` written as ``0.0``; numpy scalars and arrays,
tuples and paths are converted; NaN and infinities are refused (not JSON).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import math
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np

from ..scene.files import atomic_write
from .errors import DatagenError

if TYPE_CHECKING:
    from ..render.frame import Frame

log = logging.getLogger(__name__)

#: the outputs a dataset frame may carry, in file order
OUTPUTS = ("rgb", "depth", "instance", "semantic", "normal")
#: the default zlib level of the PNGs (1 = fastest)
PNG_LEVEL = 1
#: a scene or frame key
KEY_RE = re.compile(r"^[A-Za-z0-9_-]+$")
#: a file suffix (after the key's dot): ``rgb.png``, ``depth.png`` ...
SUFFIX_RE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
#: the completion marker of a scene folder
SCENE_JSON = "scene.json"
TMP_SUFFIX = ".tmp"


# ---------------------------------------------------------------------------------------------- keys
def check_key(key: str, what: str = "key") -> str:
    """``key`` if it is a valid sample key (``[A-Za-z0-9_-]+``), else :class:`DatagenError`."""
    if not isinstance(key, str) or not KEY_RE.match(key):
        raise DatagenError(f"expected a {what} of letters, digits, '_' or '-' (no dots), got {key!r}")
    return key


def split_name(name: str) -> tuple[str, str]:
    """``(key, suffix)`` of a file or tar member name: the key is the base name up to its first dot
    (WebDataset's rule; a folder part stays in the key), the suffix the rest (``""`` when no dot)."""
    head, _, base = name.rpartition("/")
    key, dot, suffix = base.partition(".")
    return (f"{head}/{key}" if head else key), suffix


# ---------------------------------------------------------------------------------------------- json
def _jsonable(value: Any, where: str) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist(), where)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, Path):
        return value.as_posix()
    if isinstance(value, float):
        if not math.isfinite(value):
            raise DatagenError(f"cannot write {value} at {where or 'the top'} as JSON: expected a finite number")
        return value + 0.0  # -0.0 -> 0.0
    if value is None or isinstance(value, (bool, int, str)):
        return value
    raise DatagenError(f"cannot write a {type(value).__name__} at {where or 'the top'} as JSON")


_NEG_ZERO = re.compile(r"-0\.0(?![0-9eE])")


def _plain(value: Any) -> Any:
    """``json.dumps``' fallback for the values it does not know (numpy, paths); anything else goes
    through :func:`_jsonable` for its error message."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Path):
        return value.as_posix()
    return _jsonable(value, "")


def json_bytes(obj: Any, *, indent: int | None = None) -> bytes:
    """The deterministic UTF-8 JSON text of ``obj`` (see the module doc), ending in a newline.

    The fast path hands ``obj`` to ``json.dumps`` directly (a frame's annotations are ~10^5 values:
    walking them in Python first cost 12 ms a frame); only when that refuses a value (NaN, an
    unknown type) does the checking walk run, to name where the value is."""
    seps = (",", ": ") if indent is not None else (",", ":")
    try:
        text = json.dumps(obj, sort_keys=True, indent=indent, separators=seps, ensure_ascii=False, allow_nan=False,
                          default=_plain)
        if _NEG_ZERO.search(text):  # rare: let the walk write -0.0 as 0.0
            raise ValueError
    except (ValueError, TypeError):
        text = json.dumps(_jsonable(obj, ""), sort_keys=True, indent=indent, separators=seps, ensure_ascii=False,
                          allow_nan=False)
    return (text + "\n").encode("utf-8")


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - file systems that refuse it
        pass
    finally:
        os.close(fd)


def write_bytes_atomic(path: str | Path, data: bytes, *, durable: bool = True) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder (``fsync``-ed when
    ``durable``, renamed over ``path``; :func:`worldsmith.scene.files.atomic_write`)."""
    return atomic_write(path, lambda fh: fh.write(data), durable=durable)


def write_json_atomic(path: str | Path, obj: Any, *, indent: int | None = None, durable: bool = True) -> Path:
    """Write ``obj`` as deterministic JSON (:func:`json_bytes`) to ``path`` atomically
    (:func:`write_bytes_atomic`), then ``fsync`` the folder when ``durable`` so the rename itself
    survives a crash."""
    data = json_bytes(obj, indent=indent)
    target = write_bytes_atomic(path, data, durable=durable)
    if durable:
        _fsync_dir(target.parent)
    return target


def read_json(path: str | Path) -> Any:
    """The parsed JSON file, or None when it is missing or not valid JSON."""
    try:
        with open(path, "rb") as fh:
            return json.loads(fh.read().decode("utf-8"))
    except (OSError, ValueError):
        return None


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while True:
            block = fh.read(chunk)
            if not block:
                return h.hexdigest()
            h.update(block)


# ---------------------------------------------------------------------------------------------- encoding
def png_decode(data: bytes, where: str = "PNG") -> np.ndarray:
    """The array of PNG bytes: uint8 (grey / RGB / RGBA) or uint16 (16-bit grey)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            if img.mode in ("I;16", "I;16B", "I;16L", "I"):
                return np.asarray(img).astype(np.uint16)
            return np.asarray(img)
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError) as exc:
        raise DatagenError(f"{where}: not a readable PNG ({exc})") from None


@lru_cache(maxsize=1)
def _base_categories() -> tuple[str, ...]:
    from ..render.scenegeom import base_categories

    return tuple(base_categories())


def dataset_categories() -> list[str]:
    """The dataset's semantic class table (:func:`worldsmith.render.scenegeom.base_categories`)."""
    return list(_base_categories())


def semantic_extras(frame: "Frame") -> list[str]:
    """The frame's categories past the dataset table (user-library categories, scene-dependent ids
    ``len(base_categories()) + i``); empty for catalog-only scenes."""
    return list(frame.categories[len(_base_categories()):])


def _ids16(ids: np.ndarray, what: str) -> np.ndarray:
    a = np.asarray(ids)
    if a.size:
        lo, hi = int(a.min()), int(a.max())
        if lo < 0 or hi >= 65536:
            raise DatagenError(f"{what} ids must lie in 0..65535 for a 16-bit PNG, got {lo}..{hi}")
    return a.astype(np.uint16)


def check_outputs(outputs: Sequence[str] | str, what: str = "dataset output") -> tuple[str, ...]:
    """The dataset outputs named by ``outputs`` (an iterable or a comma-separated string), in
    :data:`OUTPUTS` order; a one-line :class:`DatagenError` naming ``what`` for an unknown name or
    none at all."""
    if isinstance(outputs, str):
        outputs = [o for o in (x.strip() for x in outputs.split(",")) if o]
    names = {str(o).strip().lower() for o in outputs}
    unknown = sorted(names - set(OUTPUTS))
    if unknown:
        raise DatagenError(f"unknown {what} {', '.join(unknown)}: expected any of {', '.join(OUTPUTS)}")
    if not names:
        raise DatagenError(f"expected at least one {what} of {', '.join(OUTPUTS)}")
    return tuple(o for o in OUTPUTS if o in names)


def encode_frame(frame: "Frame", outputs: Sequence[str], *, semantic_table_ok: bool = True,
                 png_level: int = PNG_LEVEL) -> dict[str, bytes]:
    """``{"rgb.png": bytes, "depth.png": bytes, ...}`` for the requested ``outputs`` (any of
    :data:`OUTPUTS`, written in that order) encoded as the module doc says. Raises
    :class:`DatagenError` for an unknown or missing output, ids that do not fit 16 bits, a semantic
    table that does not start with the dataset table, or (``semantic_table_ok=False``) semantic ids
    past the dataset table."""
    from ..render.output import depth_to_mm, normal_to_png, png_bytes

    if not (isinstance(png_level, int) and 0 <= png_level <= 9):
        raise DatagenError(f"expected a PNG compression level from 0 to 9, got {png_level!r}")

    wanted = check_outputs(outputs)
    missing = [o for o in OUTPUTS if o in wanted and o not in frame.images]
    if missing:
        raise DatagenError(f"the frame has no {', '.join(missing)} output (it has {', '.join(sorted(frame.images))})")
    files: dict[str, bytes] = {}
    for out in OUTPUTS:
        if out not in wanted:
            continue
        img = frame.images[out]
        if out == "rgb":
            data = png_bytes(np.asarray(img, dtype=np.uint8)[..., :3], png_level)
        elif out == "depth":
            data = png_bytes(depth_to_mm(np.asarray(img, dtype=np.float32)), png_level)
        elif out == "instance":
            data = png_bytes(_ids16(img, "instance"), png_level)
        elif out == "semantic":
            base = _base_categories()
            if tuple(frame.categories[:len(base)]) != base:
                raise DatagenError("the frame's category table does not start with the dataset table "
                                   "(worldsmith.render.scenegeom.base_categories()); render with gl or pbr")
            ids = _ids16(img, "semantic")
            if not semantic_table_ok and ids.size and int(ids.max()) >= len(base):
                raise DatagenError(f"semantic id {int(ids.max())} is past the dataset table of {len(base)} "
                                   f"classes (categories {semantic_extras(frame)} are not in the catalog)")
            data = png_bytes(ids, png_level)
        else:  # normal
            data = png_bytes(normal_to_png(frame.normal_in_camera()), png_level)
        files[f"{out}.png"] = data
    return files


# ---------------------------------------------------------------------------------------------- store
def file_record(data: bytes) -> dict[str, Any]:
    return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


class SceneFolder:
    """One scene's folder ``<root>/scenes/<scene_key>/`` (see the module doc for the rules).
    ``durable=False`` skips the ``fsync`` calls (renames stay atomic: safe against a killed process,
    not against a power cut)."""

    def __init__(self, root: str | Path, scene_key: str, *, durable: bool = True) -> None:
        self.root = Path(root)
        self.scene_key = check_key(scene_key, "scene key")
        self.path = self.root / "scenes" / scene_key
        self.durable = durable

    def __repr__(self) -> str:
        return f"SceneFolder({str(self.root)!r}, {self.scene_key!r})"

    # ------------------------------------------------------------------ queries
    def is_complete(self) -> bool:
        """``scene.json`` exists and parses as a JSON object."""
        return isinstance(read_json(self.path / SCENE_JSON), dict)

    def scene_meta(self) -> dict[str, Any]:
        """The parsed ``scene.json`` (DatagenError when the scene is not complete)."""
        meta = read_json(self.path / SCENE_JSON)
        if not isinstance(meta, dict):
            raise DatagenError(f"scene {self.scene_key} is not complete: {self.path / SCENE_JSON} is missing or unreadable")
        return meta

    def frame_meta(self, frame_key: str) -> dict[str, Any] | None:
        """The parsed ``<frame_key>.json`` when it is a JSON object with a ``files`` table, else None."""
        meta = read_json(self.path / f"{check_key(frame_key, 'frame key')}.json")
        if not isinstance(meta, dict) or not isinstance(meta.get("files"), dict):
            return None
        return meta

    def frame_complete(self, frame_key: str) -> bool:
        """The frame json parses and every file it lists exists with the recorded size."""
        meta = self.frame_meta(frame_key)
        if meta is None:
            return False
        for suffix, rec in meta["files"].items():
            try:
                size = (self.path / f"{frame_key}.{suffix}").stat().st_size
            except OSError:
                return False
            if not isinstance(rec, dict) or rec.get("bytes") != size:
                return False
        return True

    def _frame_keys_on_disk(self) -> set[str]:
        keys = set()
        if not self.path.is_dir():
            return keys
        prefix = f"{self.scene_key}_"
        for p in self.path.iterdir():
            key, _ = split_name(p.name)
            if key.startswith(prefix) and KEY_RE.match(key):
                keys.add(key)
        return keys

    def frames(self) -> list[str]:
        """The keys of the complete frames, sorted."""
        return sorted(k for k in self._frame_keys_on_disk() if self.frame_complete(k))

    # ------------------------------------------------------------------ writing
    def _check_frame_key(self, frame_key: str) -> str:
        check_key(frame_key, "frame key")
        if not frame_key.startswith(f"{self.scene_key}_"):
            raise DatagenError(f"frame key {frame_key!r} must start with its scene key {self.scene_key + '_'!r}")
        return frame_key

    def write_frame(self, frame_key: str, files: Mapping[str, bytes], meta: Mapping[str, Any]) -> dict[str, Any]:
        """Write a frame: each ``files[suffix]`` to ``<frame_key>.<suffix>`` atomically, then
        ``<frame_key>.json`` = ``meta`` + ``files`` records, atomically and last. An existing frame
        json is removed first, so an interrupted rewrite leaves an incomplete frame, never a
        complete-looking mix. Returns the json record written."""
        self._check_frame_key(frame_key)
        if not files:
            raise DatagenError(f"frame {frame_key}: expected at least one file to write")
        if "files" in meta:
            raise DatagenError(f"frame {frame_key}: meta must not hold a 'files' key (the writer adds it)")
        for suffix, data in files.items():
            if not isinstance(suffix, str) or not SUFFIX_RE.match(suffix) or suffix == "json":
                raise DatagenError(f"frame {frame_key}: bad file suffix {suffix!r} (expected e.g. 'rgb.png')")
            if not isinstance(data, (bytes, bytearray, memoryview)):
                raise DatagenError(f"frame {frame_key}: expected bytes for {suffix}, got {type(data).__name__}")
        self.path.mkdir(parents=True, exist_ok=True)
        marker = self.path / f"{frame_key}.json"
        try:
            marker.unlink()
        except FileNotFoundError:
            pass
        records: dict[str, Any] = {}
        for suffix in sorted(files):
            data = bytes(files[suffix])
            write_bytes_atomic(self.path / f"{frame_key}.{suffix}", data, durable=self.durable)
            records[suffix] = file_record(data)
        if self.durable:
            _fsync_dir(self.path)  # the image renames reach the disk before the marker
        record = dict(meta)
        record["files"] = records
        write_json_atomic(marker, record, durable=self.durable)
        return json.loads(json_bytes(record))

    def write_scene(self, meta: Mapping[str, Any]) -> None:
        """Write ``scene.json`` atomically: call it after every frame of the scene is written."""
        self.path.mkdir(parents=True, exist_ok=True)
        write_json_atomic(self.path / SCENE_JSON, meta, indent=1, durable=self.durable)

    def clean_partial(self) -> list[str]:
        """Remove temporary files and every file of an incomplete frame; returns the removed names
        (sorted). Run it only while no other process writes into this folder."""
        removed: list[str] = []
        if not self.path.is_dir():
            return removed
        incomplete = {k for k in self._frame_keys_on_disk() if not self.frame_complete(k)}
        for p in sorted(self.path.iterdir()):
            name = p.name
            is_tmp = name.startswith(".") and name.endswith(TMP_SUFFIX)
            if is_tmp or (split_name(name)[0] in incomplete):
                if p.is_file() or p.is_symlink():
                    p.unlink()
                    removed.append(name)
        if removed:
            log.info("scene %s: removed %d partial files", self.scene_key, len(removed))
            if self.durable:
                _fsync_dir(self.path)
        return removed


__all__ = ["KEY_RE", "OUTPUTS", "PNG_LEVEL", "SCENE_JSON", "SceneFolder", "check_key", "check_outputs", "dataset_categories",
           "encode_frame", "file_record", "json_bytes", "png_decode", "read_json",
           "semantic_extras", "sha256_file", "split_name", "write_bytes_atomic", "write_json_atomic"]
