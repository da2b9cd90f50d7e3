"""``manifest.json``: every sample of a dataset with its files' sizes and SHA-256, plus the shards.

:func:`build_manifest` describes the complete scenes among ``scene_keys`` (a scene is complete when
its ``scene.json`` parses; see :mod:`worldsmith.datagen.writers`)::

    {"version": 1,
     "samples": [{"key": "s000000_v000", "scene": "s000000",
                  "files": {"json": {"path": "scenes/s000000/s000000_v000.json", "bytes": n, "sha256": hex},
                            "rgb.png": {...}, "depth.png": {...}, ...}}, ...],
     "shards": [{"name", "path", "samples", "bytes", "sha256", "first", "last"}, ...],
     "counts": {"scenes": n, "scenes_incomplete": n, "samples": n, "bytes": n, "shards": n,
                "files": {suffix: n}},
     "incomplete_scenes": [keys of the listed scenes without a scene.json],
     ... the caller's ``extra`` keys}

Samples are every complete frame (:meth:`SceneFolder.frames`) of every complete scene, sorted by
key; paths are relative to the dataset root with ``/`` separators. The image files' sizes and
checksums come from the frame jsons (written with the files); the frame json's own record is computed
from its bytes. ``verify=True`` re-reads every file and raises
:class:`~worldsmith.datagen.errors.DatagenError` on the first mismatch. ``shards`` defaults to what
:func:`worldsmith.datagen.shards.describe_shards` finds on disk (pass :func:`write_shards`' return
value to skip re-reading them). ``counts["bytes"]`` sums the samples' files (shards excluded). Nothing
time- or machine-dependent goes in: the same dataset gives the same manifest bytes
(:func:`write_manifest`: keys sorted, one-space indent).

:func:`verify` checks a dataset folder against its manifest and returns one line per problem (empty
= sound): a missing or unreadable manifest, a listed scene without ``scene.json``, a missing file, a
size or checksum mismatch (samples and shards). Without a manifest it still checks every scene
folder under ``<root>/scenes`` against its frame jsons.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Mapping, Sequence

from .errors import DatagenError
from .shards import describe_shards
from .writers import SceneFolder, read_json, sha256_file, write_json_atomic

MANIFEST = "manifest.json"
VERSION = 1
RESERVED = ("version", "samples", "shards", "counts", "incomplete_scenes")


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def build_manifest(root: str | Path, scene_keys: Sequence[str], *, extra: Mapping[str, Any] | None = None,
                   verify: bool = False, shards: Sequence[Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """The manifest of the dataset at ``root`` (see the module doc)."""
    root = Path(root)
    clash = sorted(set(extra or {}) & set(RESERVED))
    if clash:
        raise DatagenError(f"manifest extra keys {', '.join(clash)} are reserved; rename them")
    samples: list[dict[str, Any]] = []
    incomplete: list[str] = []
    n_scenes = 0
    for scene_key in sorted(set(scene_keys)):
        folder = SceneFolder(root, scene_key)
        if not folder.is_complete():
            incomplete.append(scene_key)
            continue
        n_scenes += 1
        for key in folder.frames():
            meta = folder.frame_meta(key) or {}
            marker = folder.path / f"{key}.json"
            raw = marker.read_bytes()
            files = {"json": {"path": _rel(root, marker), "bytes": len(raw),
                              "sha256": hashlib.sha256(raw).hexdigest()}}
            for suffix in sorted(meta["files"]):
                rec = meta["files"][suffix]
                path = folder.path / f"{key}.{suffix}"
                if verify:
                    sha = sha256_file(path)
                    if sha != rec.get("sha256"):
                        raise DatagenError(f"{_rel(root, path)}: sha256 {sha[:12]}... does not match its frame json "
                                           f"({str(rec.get('sha256'))[:12]}...); rerun the job to rewrite it")
                files[suffix] = {"path": _rel(root, path), "bytes": rec["bytes"], "sha256": rec.get("sha256")}
            samples.append({"key": key, "scene": scene_key, "files": files})
    samples.sort(key=lambda s: s["key"])
    shard_list = [dict(s) for s in (describe_shards(root) if shards is None else shards)]
    per_suffix: dict[str, int] = {}
    total = 0
    for s in samples:
        for suffix, rec in s["files"].items():
            per_suffix[suffix] = per_suffix.get(suffix, 0) + 1
            total += rec["bytes"]
    manifest: dict[str, Any] = {
        "version": VERSION, "samples": samples, "shards": shard_list, "incomplete_scenes": incomplete,
        "counts": {"scenes": n_scenes, "scenes_incomplete": len(incomplete), "samples": len(samples),
                   "bytes": total, "shards": len(shard_list), "files": per_suffix}}
    manifest.update(dict(extra or {}))
    return manifest


def write_manifest(root: str | Path, manifest: Mapping[str, Any]) -> Path:
    """Write ``<root>/manifest.json`` atomically (deterministic JSON, one-space indent)."""
    return write_json_atomic(Path(root) / MANIFEST, manifest, indent=1)


def read_manifest(root: str | Path) -> dict[str, Any]:
    """The parsed ``<root>/manifest.json`` (DatagenError when it is missing or unreadable)."""
    data = read_json(Path(root) / MANIFEST)
    if not isinstance(data, dict) or not isinstance(data.get("samples"), list):
        raise DatagenError(f"{Path(root) / MANIFEST} is missing or not a datagen manifest")
    return data


def _check_file(root: Path, rec: Mapping[str, Any], problems: list[str]) -> None:
    rel = str(rec.get("path"))
    path = root / rel
    try:
        size = path.stat().st_size
    except OSError:
        problems.append(f"{rel}: missing")
        return
    if size != rec.get("bytes"):
        problems.append(f"{rel}: {size} bytes, expected {rec.get('bytes')}")
    elif sha256_file(path) != rec.get("sha256"):
        problems.append(f"{rel}: sha256 mismatch")


def verify(root: str | Path) -> list[str]:
    """The problems of the dataset at ``root`` (see the module doc), one line each, in a stable
    order; an empty list means every listed file is there with its recorded size and checksum."""
    root = Path(root)
    problems: list[str] = []
    data = read_json(root / MANIFEST)
    if not isinstance(data, dict) or not isinstance(data.get("samples"), list):
        problems.append(f"{MANIFEST}: missing or not a datagen manifest")
        scenes_dir = root / "scenes"
        keys = sorted(p.name for p in scenes_dir.iterdir() if p.is_dir()) if scenes_dir.is_dir() else []
        for scene_key in keys:
            try:
                folder = SceneFolder(root, scene_key)
            except DatagenError:
                continue
            if not folder.is_complete():
                problems.append(f"scene {scene_key}: incomplete (no readable scene.json)")
                continue
            for key in folder.frames():
                for suffix, rec in (folder.frame_meta(key) or {})["files"].items():
                    _check_file(root, {"path": _rel(root, folder.path / f"{key}.{suffix}"), **rec}, problems)
        return problems
    scenes = sorted({s.get("scene") for s in data["samples"] if isinstance(s, dict)} - {None})
    for scene_key in scenes:
        try:
            complete = SceneFolder(root, scene_key).is_complete()
        except DatagenError:
            complete = False
        if not complete:
            problems.append(f"scene {scene_key}: incomplete (no readable scene.json)")
    for sample in data["samples"]:
        files = sample.get("files") if isinstance(sample, dict) else None
        if not isinstance(files, dict):
            problems.append(f"sample {sample!r}: no file records in the manifest")
            continue
        for suffix in sorted(files):
            _check_file(root, files[suffix], problems)
    for shard in data.get("shards") or []:
        _check_file(root, shard, problems)
    return problems


__all__ = ["MANIFEST", "VERSION", "build_manifest", "read_manifest", "verify", "write_manifest"]
