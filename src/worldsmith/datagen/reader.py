"""Reading a datagen dataset back as numpy samples: :func:`load` -> :class:`Dataset`.

Sources (``load(path, source=...)``):

* a dataset folder: ``source="folder"`` reads the folder-per-scene layout (``<root>/scenes/...``):
  the samples listed in ``manifest.json`` when there is one (the finalised dataset), else every
  complete frame of every complete scene (a scene is complete once its ``scene.json`` is written),
  sorted by key; a folder without ``scenes/`` (shipped as shards only) has no folder samples. ``source="shards"`` reads ``<root>/shards/shard-*.tar`` in name order.
  ``source="auto"`` (default) takes the folder layout when it holds samples, else the shards.
* a single ``.tar`` shard, a list of shard paths, or a glob pattern (``"data/shards/*.tar"``,
  matches sorted by name): WebDataset shards as :mod:`worldsmith.datagen.shards` writes them (any
  tar whose members are ``<key>.<suffix>`` with a sample's members consecutive and a ``<key>.json``
  among them).

A sample is a dict: ``key`` (str), ``meta`` (the frame json, a dict) and the requested outputs
(``outputs=None``: every output the sample has, of ``rgb``, ``depth``, ``instance``, ``semantic``,
``normal``):

==============  ==========================================================================================
``rgb``         uint8 H x W x 3 (bit-exact).
``depth``       float32 H x W metres along the camera axis: ``mm / 1000`` (computed in float64), ``inf``
                where the PNG holds 0 (no hit) - the semantics of
                :func:`worldsmith.render.output.read_depth_png`; exact to the millimetre.
``instance``    int32 H x W, ids into ``meta["instances"]`` (bit-exact).
``semantic``    int32 H x W, ids into the dataset category table (:attr:`Dataset.categories`).
``normal``      float32 H x W x 3 camera-frame (OpenCV) normals: ``v / 127.5 - 1`` per channel of the
                8-bit PNG (quantised to 1/127.5), ``(0, 0, 0)`` on the background (an all-zero pixel).
==============  ==========================================================================================

A requested output that a sample lacks raises :class:`~worldsmith.datagen.errors.DatagenError`, as
does every bad path (missing, no samples, not a tar) - one line each.

:class:`Dataset` is a map-style dataset (``len``, ``ds[i]``, iteration) that torch's ``DataLoader``
takes without this module importing torch. It holds only paths and indexes, so it pickles into
DataLoader workers. ``ds[i]`` on shards seeks to the members' offsets (an index of the tar headers
is built on first use); iterating shards streams each tar (:mod:`tarfile` in ``r|`` mode) without
extracting anything to disk and reads only the requested members. torch's default collate cannot
batch ``meta`` (lists of differing lengths): pass ``collate_fn=collate``, which stacks the arrays
(numpy, or torch tensors with ``tensors=True``) and keeps ``key`` and ``meta`` as lists.
"""

from __future__ import annotations

import glob
import json
import os
import tarfile
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np

from .errors import DatagenError
from .writers import OUTPUTS, SCENE_JSON, SceneFolder, check_outputs, png_decode, read_json, split_name

SOURCES = ("auto", "folder", "shards")
GLOB_CHARS = "*?["


# ---------------------------------------------------------------------------------------------- decoding
def decode_output(name: str, data: bytes, where: str) -> np.ndarray:
    """The array of one output's PNG bytes (see the module doc)."""
    a = png_decode(data, where)
    if name == "rgb":
        if a.dtype != np.uint8 or a.ndim != 3 or a.shape[2] < 3:
            raise DatagenError(f"{where}: expected an 8-bit RGB PNG, got {a.dtype} {a.shape}")
        return np.ascontiguousarray(a[..., :3])
    if name == "depth":
        if a.ndim != 2:
            raise DatagenError(f"{where}: expected a 16-bit grey depth PNG, got shape {a.shape}")
        mm = a.astype(np.float64)
        return np.where(mm > 0, mm / 1000.0, np.inf).astype(np.float32)
    if name in ("instance", "semantic"):
        if a.ndim != 2:
            raise DatagenError(f"{where}: expected a 16-bit grey id PNG, got shape {a.shape}")
        return a.astype(np.int32)
    if name == "normal":
        if a.dtype != np.uint8 or a.ndim != 3 or a.shape[2] < 3:
            raise DatagenError(f"{where}: expected an 8-bit RGB normal PNG, got {a.dtype} {a.shape}")
        v = a[..., :3]
        n = v.astype(np.float32) / np.float32(127.5) - np.float32(1.0)
        n[~np.any(v != 0, axis=-1)] = 0.0
        return n
    raise DatagenError(f"unknown dataset output {name!r}: expected any of {', '.join(OUTPUTS)}")


def _outputs_of(suffixes: Sequence[str]) -> list[str]:
    return [o for o in OUTPUTS if f"{o}.png" in suffixes]


def _make_sample(key: str, meta_bytes: bytes | None, blobs: dict[str, bytes], wanted: Sequence[str],
                 where: str, have: Sequence[str]) -> dict[str, Any]:
    if meta_bytes is None:
        raise DatagenError(f"sample {key} in {where} has no {key}.json")
    try:
        meta = json.loads(meta_bytes.decode("utf-8"))
    except ValueError:
        raise DatagenError(f"sample {key} in {where}: {key}.json is not valid JSON") from None
    sample: dict[str, Any] = {"key": key, "meta": meta}
    for name in wanted:
        data = blobs.get(f"{name}.png")
        if data is None:
            there = ", ".join(_outputs_of(have)) or "none"
            raise DatagenError(f"sample {key} in {where} has no {name} output (it has {there})")
        sample[name] = decode_output(name, data, f"{where}: {key}.{name}.png")
    return sample


# ---------------------------------------------------------------------------------------------- sources
def _check_outputs(outputs: Sequence[str] | str | None) -> tuple[str, ...] | None:
    return None if outputs is None else check_outputs(outputs)


def _folder_samples(root: Path) -> list[tuple[str, str]]:
    """``(key, scene folder)`` of the folder layout's samples (manifest first, else a scan); none
    when there is no ``scenes`` folder (a dataset shipped as shards only)."""
    if not (root / "scenes").is_dir():
        return []
    manifest = read_json(root / "manifest.json")
    if isinstance(manifest, dict) and isinstance(manifest.get("samples"), list):
        out = []
        for s in manifest["samples"]:
            if not isinstance(s, dict) or "key" not in s or "scene" not in s:
                raise DatagenError(f"{root / 'manifest.json'}: a sample record lacks key or scene")
            out.append((str(s["key"]), str(root / "scenes" / str(s["scene"]))))
        return out
    out = []
    for p in sorted((root / "scenes").iterdir()):
        if not p.is_dir() or not (p / SCENE_JSON).is_file():
            continue
        try:
            folder = SceneFolder(root, p.name)
        except DatagenError:
            continue
        if folder.is_complete():
            out.extend((key, str(p)) for key in folder.frames())
    return sorted(out)


def _shard_paths(root: Path) -> list[str]:
    folder = root / "shards"
    if not folder.is_dir():
        return []
    return [str(p) for p in sorted(folder.glob("shard-*.tar")) if p.is_file()]


def _resolve(path: Any, source: str) -> tuple[str, Path | None, list]:
    """``(kind, root, items)``: kind ``folder`` with ``(key, folder)`` items, or ``shards`` with paths."""
    if source not in SOURCES:
        raise DatagenError(f"expected source to be one of {', '.join(SOURCES)}, got {source!r}")
    if isinstance(path, (list, tuple)):
        shards: list[str] = []
        for p in path:
            shards.extend(_resolve(p, "shards")[2])
        if not shards:
            raise DatagenError("expected at least one shard path, got an empty list")
        return "shards", None, shards
    if not isinstance(path, (str, os.PathLike)):
        raise DatagenError(f"expected a dataset folder, a .tar shard, a list of shards or a glob, got {type(path).__name__}")
    p = Path(path)
    if p.is_dir():
        if source in ("auto", "folder"):
            samples = _folder_samples(p)
            if samples:
                return "folder", p, samples
            if source == "folder":
                raise DatagenError(f"{p} holds no complete samples in the folder layout (scenes/<key>/scene.json)")
        shards = _shard_paths(p)
        if not shards:
            raise DatagenError(f"{p} holds no datagen samples: no complete scenes under scenes/ and no shards/shard-*.tar")
        return "shards", p, shards
    if p.is_file():
        if source == "folder":
            raise DatagenError(f"{p} is a file; the folder source needs a dataset folder")
        if not tarfile.is_tarfile(p):
            raise DatagenError(f"{p} is not a tar shard")
        return "shards", None, [str(p)]
    text = os.fspath(path)
    if any(c in text for c in GLOB_CHARS):
        matches = sorted(m for m in glob.glob(text) if os.path.isfile(m))
        if not matches:
            raise DatagenError(f"no shard files match {text!r}")
        for m in matches:
            if not tarfile.is_tarfile(m):
                raise DatagenError(f"{m} (matched by {text!r}) is not a tar shard")
        return "shards", None, matches
    raise DatagenError(f"{p} does not exist; expected a dataset folder, a .tar shard or a glob of shards")


# ---------------------------------------------------------------------------------------------- dataset
class Dataset:
    """Samples of a datagen dataset (see the module doc). ``source`` is ``"folder"`` or ``"shards"``;
    ``outputs`` the requested outputs (None = all a sample has)."""

    def __init__(self, kind: str, root: Path | None, items: list, outputs: tuple[str, ...] | None) -> None:
        self.source = kind
        self.root = root
        self.outputs = outputs
        self._samples: list[tuple[str, str]] = items if kind == "folder" else []
        self._shards: list[str] = items if kind == "shards" else []
        # shard index: per sample (key, shard, {suffix: (offset, size)})
        self._index: list[tuple[str, str, dict[str, tuple[int, int]]]] | None = None

    def __repr__(self) -> str:
        where = self.root if self.root is not None else f"{len(self._shards)} shards"
        return f"Dataset({self.source}: {where}, outputs={self.outputs})"

    # ------------------------------------------------------------------ index
    def _shard_index(self) -> list[tuple[str, str, dict[str, tuple[int, int]]]]:
        if self._index is None:
            index: list[tuple[str, str, dict[str, tuple[int, int]]]] = []
            for shard in self._shards:
                try:
                    with tarfile.open(shard, "r:") as tar:
                        for info in tar:
                            if not info.isfile():
                                continue
                            key, suffix = split_name(info.name)
                            if not index or index[-1][0] != key or index[-1][1] != shard:
                                index.append((key, shard, {}))
                            index[-1][2][suffix] = (info.offset_data, info.size)
                except (OSError, tarfile.TarError) as exc:
                    raise DatagenError(f"{shard}: not a readable tar shard ({exc})") from None
            self._index = index
        return self._index

    @property
    def keys(self) -> list[str]:
        """The sample keys, in dataset order."""
        if self.source == "folder":
            return [k for k, _ in self._samples]
        return [k for k, _, _ in self._shard_index()]

    @property
    def categories(self) -> list[str]:
        """The dataset's semantic class table: the manifest's ``categories`` when it records one,
        else :func:`worldsmith.render.scenegeom.base_categories`."""
        if self.root is not None:
            manifest = read_json(self.root / "manifest.json")
            if isinstance(manifest, dict) and isinstance(manifest.get("categories"), list):
                return [str(c) for c in manifest["categories"]]
        from .writers import dataset_categories

        return dataset_categories()

    def __len__(self) -> int:
        return len(self._samples) if self.source == "folder" else len(self._shard_index())

    # ------------------------------------------------------------------ access
    def _wanted_suffixes(self, available: Sequence[str]) -> list[str]:
        names = self.outputs if self.outputs is not None else _outputs_of(available)
        return [f"{n}.png" for n in names]

    def _folder_sample(self, key: str, folder: str) -> dict[str, Any]:
        base = Path(folder)
        try:
            meta_bytes = (base / f"{key}.json").read_bytes()
        except OSError:
            raise DatagenError(f"sample {key}: {base / (key + '.json')} is missing") from None
        try:
            files = json.loads(meta_bytes.decode("utf-8")).get("files", {})
        except (ValueError, AttributeError):
            raise DatagenError(f"sample {key}: {base / (key + '.json')} is not a frame json") from None
        names = self.outputs or _outputs_of(list(files))
        blobs: dict[str, bytes] = {}
        for name in names:
            suffix = f"{name}.png"
            if suffix not in files:
                continue  # _make_sample names what the sample has
            try:
                blobs[suffix] = (base / f"{key}.{suffix}").read_bytes()
            except OSError:
                raise DatagenError(f"sample {key}: {base / (key + '.' + suffix)} is missing") from None
        return _make_sample(key, meta_bytes, blobs, names, str(base), have=list(files))

    def _shard_sample(self, key: str, shard: str, members: dict[str, tuple[int, int]]) -> dict[str, Any]:
        wanted = ["json"] + self._wanted_suffixes(list(members))
        blobs: dict[str, bytes] = {}
        try:
            with open(shard, "rb") as fh:
                for suffix in wanted:
                    if suffix in members:
                        offset, size = members[suffix]
                        fh.seek(offset)
                        blobs[suffix] = fh.read(size)
        except OSError as exc:
            raise DatagenError(f"{shard}: cannot read ({exc.strerror})") from None
        meta = blobs.pop("json", None)
        return _make_sample(key, meta, blobs, self.outputs or _outputs_of(list(members)), shard, list(members))

    def __getitem__(self, i: int) -> dict[str, Any]:
        n = len(self)
        if not isinstance(i, (int, np.integer)):
            raise TypeError(f"dataset indices must be integers, got {type(i).__name__}")
        j = int(i) + n if i < 0 else int(i)
        if not 0 <= j < n:
            raise IndexError(f"sample index {i} out of range for {n} samples")
        if self.source == "folder":
            return self._folder_sample(*self._samples[j])
        return self._shard_sample(*self._shard_index()[j])

    def __iter__(self) -> Iterator[dict[str, Any]]:
        if self.source == "folder":
            for key, folder in self._samples:
                yield self._folder_sample(key, folder)
            return
        for shard in self._shards:
            yield from self._stream_shard(shard)

    def _stream_shard(self, shard: str) -> Iterator[dict[str, Any]]:
        """Stream one tar: members grouped by key, only the json and the requested outputs read."""
        key: str | None = None
        blobs: dict[str, bytes] = {}
        suffixes: list[str] = []
        try:
            with tarfile.open(shard, "r|") as tar:
                for info in tar:
                    if not info.isfile():
                        continue
                    k, suffix = split_name(info.name)
                    if k != key:
                        if key is not None:
                            yield self._finish(key, blobs, suffixes, shard)
                        key, blobs, suffixes = k, {}, []
                    suffixes.append(suffix)
                    if suffix == "json" or suffix[:-4] in (self.outputs or OUTPUTS) and suffix.endswith(".png"):
                        fh = tar.extractfile(info)
                        blobs[suffix] = fh.read() if fh is not None else b""
                if key is not None:
                    yield self._finish(key, blobs, suffixes, shard)
        except (OSError, tarfile.TarError) as exc:
            raise DatagenError(f"{shard}: not a readable tar shard ({exc})") from None

    def _finish(self, key: str, blobs: dict[str, bytes], suffixes: list[str], shard: str) -> dict[str, Any]:
        meta = blobs.pop("json", None)
        return _make_sample(key, meta, blobs, self.outputs or _outputs_of(suffixes), shard, suffixes)


def load(path: Any, *, outputs: Sequence[str] | str | None = None, source: str = "auto") -> Dataset:
    """A :class:`Dataset` over a datagen dataset folder, a shard, a list of shards or a glob (see the
    module doc). ``outputs`` limits the decoded outputs (None = all a sample has)."""
    wanted = _check_outputs(outputs)
    kind, root, items = _resolve(path, source)
    return Dataset(kind, root, items, wanted)


def collate(samples: Sequence[dict[str, Any]], *, tensors: bool = False) -> dict[str, Any]:
    """A batch of samples: each output stacked on a new first axis (numpy, or torch tensors with
    ``tensors=True``), ``key`` and ``meta`` kept as lists. Use as ``DataLoader(ds, batch_size=B,
    collate_fn=collate)``. Samples must carry the same outputs with the same image size."""
    if not samples:
        raise DatagenError("expected at least one sample to collate")
    names = [n for n in samples[0] if n not in ("key", "meta")]
    batch: dict[str, Any] = {"key": [s["key"] for s in samples], "meta": [s["meta"] for s in samples]}
    for name in names:
        arrays = []
        for s in samples:
            if name not in s:
                raise DatagenError(f"sample {s.get('key')} has no {name}; collate needs the same outputs in every sample")
            arrays.append(s[name])
        shapes = {a.shape for a in arrays}
        if len(shapes) > 1:
            raise DatagenError(f"cannot stack {name} images of different shapes {sorted(shapes)}")
        stacked = np.stack(arrays)
        if tensors:
            import torch

            stacked = torch.from_numpy(stacked)
        batch[name] = stacked
    return batch


__all__ = ["Dataset", "SOURCES", "collate", "decode_output", "load"]
