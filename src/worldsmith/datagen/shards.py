"""WebDataset tar shards derived from the completed scene folders, byte for byte reproducible.

:func:`write_shards` packs samples (frames) into ``<root>/shards/shard-000000.tar``,
``shard-000001.tar`` ... Layout (WebDataset): every file of a sample is a member named
``<key>.<suffix>``; a sample's members are consecutive; the sample's ``<key>.json`` comes **first**
(a streaming reader learns the camera, tables and file list before the images), then its files in
sorted suffix order (``depth.png``, ``instance.png``, ``normal.png``, ``rgb.png``, ``semantic.png``).
Samples keep the order they are given in (the caller passes them sorted by key). The member bytes
are the scene folder's files unchanged.

Deterministic bytes: GNU tar format, every member a regular file with ``mtime`` 0, ``uid``/``gid`` 0,
empty ``uname``/``gname``, mode ``0o644``; data padded with NULs to 512-byte blocks, the archive
closed by two zero blocks and padded to a 10240-byte record (what :mod:`tarfile` writes; the headers
come from :meth:`tarfile.TarInfo.tobuf`, so :mod:`tarfile`, GNU tar and WebDataset read the shards).

Splitting: a shard is closed before a sample that would make it hold more than ``max_samples``
samples, or (when ``max_bytes`` is set) grow past ``max_bytes`` bytes of tar (headers, padding and
the end record included); a single sample larger than ``max_bytes`` gets a shard of its own. So the
shard boundaries depend only on the samples and the two limits.

Idempotence: a shard is first compared, streaming, with the file already at its name; when the
bytes are identical the file is left untouched (same inode and mtime), otherwise the new shard is
written to ``.shard-NNNNNN.tar.<random>.tmp`` in the same folder, ``fsync``-ed and renamed over it.
Shards numbered past the new count, and leftover temporary files, are removed. Each member's size
(and, with ``check=True``, SHA-256) is checked against its frame json; a frame whose files do not
match raises :class:`~worldsmith.datagen.errors.DatagenError` rather than shipping bad data. Shards
are planned and written one at a time (memory holds one shard's file list): an error stops at the
failing sample, the shards before it are written and correct, and the later ones are left as they
were until a run succeeds.

Each shard is described by ``{"name", "path" (relative to root), "samples", "bytes", "sha256",
"first", "last"}`` (first and last sample keys).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import re
import tarfile
from pathlib import Path
from typing import Any, Iterator, Sequence

from ..scene.files import atomic_write
from .errors import DatagenError
from .writers import TMP_SUFFIX, _fsync_dir, check_key, sha256_file, split_name

log = logging.getLogger(__name__)

BLOCK = tarfile.BLOCKSIZE  # 512
RECORD = tarfile.RECORDSIZE  # 10240
TAR_FORMAT = tarfile.GNU_FORMAT
SHARD_DIR = "shards"
SHARD_RE = re.compile(r"^shard-(\d{6})\.tar$")
CHUNK = 1 << 20


def shard_name(index: int) -> str:
    return f"shard-{index:06d}.tar"


def tar_header(name: str, size: int) -> bytes:
    """The deterministic header block(s) of a regular-file member (see the module doc)."""
    info = tarfile.TarInfo(name)
    info.size = int(size)
    info.mtime = 0
    info.mode = 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.type = tarfile.REGTYPE
    return info.tobuf(TAR_FORMAT, "utf-8", "surrogateescape")


def _pad(n: int, unit: int) -> int:
    return -n % unit


def tar_size(member_bytes: int) -> int:
    """Bytes of a tar whose members (headers and padded data) take ``member_bytes``."""
    n = member_bytes + 2 * BLOCK
    return n + _pad(n, RECORD)


class _Member:
    __slots__ = ("name", "path", "size", "sha256", "tar_bytes")

    def __init__(self, name: str, path: Path, size: int, sha256: str | None) -> None:
        self.name, self.path, self.size, self.sha256 = name, path, size, sha256
        self.tar_bytes = len(tar_header(name, size)) + size + _pad(size, BLOCK)


def _sample_members(key: str, folder: Path) -> list[_Member]:
    check_key(key, "sample key")
    marker = folder / f"{key}.json"
    try:
        raw = marker.read_bytes()
        meta = json.loads(raw.decode("utf-8"))
    except (OSError, ValueError):
        raise DatagenError(f"sample {key}: {marker} is missing or not valid JSON (the frame is not complete)") from None
    files = meta.get("files") if isinstance(meta, dict) else None
    if not isinstance(files, dict) or not files:
        raise DatagenError(f"sample {key}: {marker} lists no files (the frame is not complete)")
    members = [_Member(f"{key}.json", marker, len(raw), None)]
    for suffix in sorted(files):
        rec = files[suffix]
        if not isinstance(rec, dict) or not isinstance(rec.get("bytes"), int):
            raise DatagenError(f"sample {key}: bad file record for {suffix} in {marker}")
        members.append(_Member(f"{key}.{suffix}", folder / f"{key}.{suffix}", rec["bytes"], rec.get("sha256")))
    return members


def _stream(samples: list[tuple[str, list[_Member]]], check: bool) -> Iterator[bytes]:
    """The shard's bytes, chunk by chunk; checks each member's size (and checksum)."""
    total = 0
    for key, members in samples:
        for m in members:
            header = tar_header(m.name, m.size)
            yield header
            total += len(header)
            h = hashlib.sha256() if (check and m.sha256) else None
            got = 0
            try:
                with open(m.path, "rb") as fh:
                    while True:
                        block = fh.read(min(CHUNK, m.size - got + 1))
                        if not block:
                            break
                        got += len(block)
                        if got > m.size:
                            break
                        if h is not None:
                            h.update(block)
                        yield block
            except OSError as exc:
                raise DatagenError(f"sample {key}: cannot read {m.path.name} ({exc.strerror})") from None
            if got != m.size:
                raise DatagenError(f"sample {key}: {m.path.name} has {'more' if got > m.size else got} bytes, "
                                   f"its frame json records {m.size}; rerun the job to rewrite the frame")
            if h is not None and h.hexdigest() != m.sha256:
                raise DatagenError(f"sample {key}: {m.path.name} does not match its recorded sha256; "
                                   "rerun the job to rewrite the frame")
            pad = _pad(m.size, BLOCK)
            if pad:
                yield bytes(pad)
            total += m.size + pad
    yield bytes(tar_size(total) - total)


def _same_as_existing(path: Path, expected_bytes: int, chunks: Iterator[bytes]) -> str | None:
    """The sha256 of the new shard when the file at ``path`` holds exactly its bytes, else None
    (stops reading at the first difference)."""
    try:
        if path.stat().st_size != expected_bytes:
            return None
        fh = open(path, "rb")
    except OSError:
        return None
    h = hashlib.sha256()
    with fh:
        for chunk in chunks:
            if fh.read(len(chunk)) != chunk:
                return None
            h.update(chunk)
        if fh.read(1):
            return None
    return h.hexdigest()


def _write_new(path: Path, chunks: Iterator[bytes]) -> tuple[str, int]:
    """Stream ``chunks`` into ``path`` atomically and durably; returns (sha256, bytes)."""
    h = hashlib.sha256()
    n = [0]

    def write(fh) -> None:
        for chunk in chunks:
            fh.write(chunk)
            h.update(chunk)
            n[0] += len(chunk)

    atomic_write(path, write, durable=True)
    return h.hexdigest(), n[0]


def plan_shards(samples: Sequence[tuple[str, Path]], *, max_samples: int = 1000,
                max_bytes: int | None = None) -> Iterator[list[tuple[str, list[_Member]]]]:
    """The samples grouped into shards by the splitting rule of the module doc, one group at a time
    (reads only the frame jsons; memory stays bounded by one shard's samples)."""
    if int(max_samples) < 1:
        raise DatagenError(f"expected max_samples >= 1, got {max_samples}")
    if max_bytes is not None and int(max_bytes) < 1:
        raise DatagenError(f"expected max_bytes >= 1 (or none), got {max_bytes}")
    seen: set[str] = set()
    current: list[tuple[str, list[_Member]]] = []
    current_bytes = 0
    for key, folder in samples:
        if key in seen:
            raise DatagenError(f"sample {key} is listed twice; expected unique sample keys")
        seen.add(key)
        members = _sample_members(key, Path(folder))
        size = sum(m.tar_bytes for m in members)
        if current and (len(current) >= max_samples
                        or (max_bytes is not None and tar_size(current_bytes + size) > max_bytes)):
            yield current
            current, current_bytes = [], 0
        current.append((key, members))
        current_bytes += size
    if current:
        yield current


def write_shards(root: str | Path, samples: Sequence[tuple[str, Path]], *, max_samples: int = 1000,
                 max_bytes: int | None = None, check: bool = True) -> list[dict[str, Any]]:
    """Write ``<root>/shards/shard-NNNNNN.tar`` for ``samples`` (``(frame key, scene folder)`` pairs,
    in order) as the module doc says; returns one description per shard."""
    root = Path(root)
    groups = plan_shards(samples, max_samples=max_samples, max_bytes=max_bytes)
    first = next(groups, None)  # argument errors surface before anything is touched
    out = root / SHARD_DIR
    out.mkdir(parents=True, exist_ok=True)
    for p in out.iterdir():  # leftovers of an interrupted run
        if p.name.startswith(".shard-") and p.name.endswith(TMP_SUFFIX) and p.is_file():
            p.unlink()
    records: list[dict[str, Any]] = []
    for index, group in enumerate(itertools.chain([first] if first else [], groups)):
        name = shard_name(index)
        path = out / name
        expected = tar_size(sum(m.tar_bytes for _, members in group for m in members))
        sha = _same_as_existing(path, expected, _stream(group, check))
        if sha is None:
            sha, n = _write_new(path, _stream(group, check))
            if n != expected:  # pragma: no cover - a bug in the size arithmetic
                raise DatagenError(f"{name}: wrote {n} bytes, planned {expected}")
            log.info("wrote %s (%d samples, %d bytes)", name, len(group), n)
        else:
            log.info("%s unchanged (%d samples)", name, len(group))
        records.append({"name": name, "path": f"{SHARD_DIR}/{name}", "samples": len(group), "bytes": expected,
                        "sha256": sha, "first": group[0][0], "last": group[-1][0]})
    for p in sorted(out.iterdir()):
        m = SHARD_RE.match(p.name)
        if m and int(m.group(1)) >= len(records) and p.is_file():
            p.unlink()
            log.info("removed stale %s", p.name)
    _fsync_dir(out)
    return records


def describe_shards(root: str | Path) -> list[dict[str, Any]]:
    """Descriptions (as :func:`write_shards` returns them) of the shards found in ``<root>/shards``,
    read from the files: sizes, checksums and the sample keys from the tar headers."""
    out = Path(root) / SHARD_DIR
    if not out.is_dir():
        return []
    records = []
    for p in sorted(out.iterdir()):
        if not SHARD_RE.match(p.name) or not p.is_file():
            continue
        keys: list[str] = []
        try:
            with tarfile.open(p, "r:") as tar:
                for info in tar:
                    key = split_name(info.name)[0]
                    if not keys or keys[-1] != key:
                        keys.append(key)
        except (OSError, tarfile.TarError) as exc:
            raise DatagenError(f"{p}: not a readable tar shard ({exc})") from None
        records.append({"name": p.name, "path": f"{SHARD_DIR}/{p.name}", "samples": len(keys),
                        "bytes": p.stat().st_size, "sha256": sha256_file(p),
                        "first": keys[0] if keys else None, "last": keys[-1] if keys else None})
    return records


__all__ = ["SHARD_DIR", "describe_shards", "plan_shards", "shard_name", "tar_header", "tar_size", "write_shards"]
