"""A small, deterministic glTF 2.0 binary (GLB) container writer.

It knows nothing about scenes: callers add buffers of numpy data and get accessor indices back,
fill in the JSON document (nodes, meshes, materials) themselves, and call :meth:`GlbBuilder.to_bytes`.

Determinism: the JSON is written with fixed separators, no key sorting surprises (dicts keep their
insertion order), ``allow_nan=False``, and Python's shortest round-trip float repr; binary data is
little-endian and every chunk and buffer view is padded to 4 bytes with fixed bytes (spaces for
JSON, zeros for BIN). No uuids, no timestamps, no hashing of memory addresses.
"""

from __future__ import annotations

import json
import struct
from typing import Any

import numpy as np

from .errors import ExportError

GLB_MAGIC = 0x46546C67  # b"glTF"
GLB_VERSION = 2
CHUNK_JSON = 0x4E4F534A  # b"JSON"
CHUNK_BIN = 0x004E4942  # b"BIN\0"

ARRAY_BUFFER = 34962
ELEMENT_ARRAY_BUFFER = 34963

FLOAT = 5126
UNSIGNED_INT = 5125

_TYPES = {1: "SCALAR", 2: "VEC2", 3: "VEC3", 4: "VEC4"}


def _pad(data: bytes, fill: bytes) -> bytes:
    rest = (-len(data)) % 4
    return data + fill * rest


class GlbBuilder:
    """Collects the glTF JSON document and the single binary buffer of a GLB file."""

    def __init__(self, generator: str) -> None:
        self.doc: dict[str, Any] = {"asset": {"version": "2.0", "generator": generator}}
        self._bin = bytearray()

    # -- JSON arrays -----------------------------------------------------------------------------
    def append(self, key: str, item: dict[str, Any]) -> int:
        """Append ``item`` to the top-level array ``key`` and return its index."""
        arr = self.doc.setdefault(key, [])
        arr.append(item)
        return len(arr) - 1

    # -- binary data -----------------------------------------------------------------------------
    def _view(self, data: bytes, target: int | None) -> int:
        offset = len(self._bin)
        self._bin += _pad(data, b"\x00")
        view: dict[str, Any] = {"buffer": 0, "byteOffset": offset, "byteLength": len(data)}
        if target is not None:
            view["target"] = target
        return self.append("bufferViews", view)

    def add_positions(self, vertices: np.ndarray) -> int:
        """A VEC3 float accessor with the min/max glTF requires for POSITION."""
        v = np.ascontiguousarray(vertices, dtype="<f4").reshape(-1, 3)
        view = self._view(v.tobytes(), ARRAY_BUFFER)
        acc: dict[str, Any] = {"bufferView": view, "componentType": FLOAT, "count": int(len(v)), "type": "VEC3"}
        if len(v):
            acc["min"] = [float(x) for x in v.min(axis=0)]
            acc["max"] = [float(x) for x in v.max(axis=0)]
        return self.append("accessors", acc)

    def add_texcoords(self, uv: np.ndarray) -> int:
        """A VEC2 float accessor of texture coordinates (glTF's V runs down: pass 1 - v if needed)."""
        a = np.ascontiguousarray(uv, dtype="<f4").reshape(-1, 2)
        view = self._view(a.tobytes(), ARRAY_BUFFER)
        return self.append("accessors", {"bufferView": view, "componentType": FLOAT, "count": int(len(a)),
                                         "type": "VEC2"})

    def add_texture(self, png: bytes, name: str) -> int:
        """A texture over an embedded PNG image with a repeating, mipmapped sampler; returns the
        texture index (one sampler is shared by all textures)."""
        if "samplers" not in self.doc:
            self.append("samplers", {"magFilter": 9729, "minFilter": 9987, "wrapS": 10497, "wrapT": 10497})
        view = self._view(png, None)
        image = self.append("images", {"name": name, "bufferView": view, "mimeType": "image/png"})
        return self.append("textures", {"name": name, "sampler": 0, "source": image})

    def add_indices(self, faces: np.ndarray) -> int:
        """A SCALAR uint32 accessor of triangle indices."""
        f = np.ascontiguousarray(faces, dtype="<u4").reshape(-1)
        view = self._view(f.tobytes(), ELEMENT_ARRAY_BUFFER)
        return self.append("accessors", {"bufferView": view, "componentType": UNSIGNED_INT,
                                         "count": int(len(f)), "type": "SCALAR"})

    # -- output ----------------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        doc = dict(self.doc)
        if self._bin:
            doc["buffers"] = [{"byteLength": len(self._bin)}]
        text = json.dumps(doc, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        json_chunk = _pad(text.encode("utf-8"), b" ")
        chunks = struct.pack("<II", len(json_chunk), CHUNK_JSON) + json_chunk
        if self._bin:
            bin_chunk = bytes(self._bin)  # already 4-byte aligned
            chunks += struct.pack("<II", len(bin_chunk), CHUNK_BIN) + bin_chunk
        return struct.pack("<III", GLB_MAGIC, GLB_VERSION, 12 + len(chunks)) + chunks


def read_glb_json(data: bytes) -> dict[str, Any]:
    """The JSON document of a GLB file (for tests and tools; geometry is read with trimesh)."""
    if len(data) < 20:
        raise ExportError(f"expected a GLB file (at least 20 bytes), got {len(data)} bytes")
    magic, version, _length = struct.unpack_from("<III", data, 0)
    if magic != GLB_MAGIC or version != GLB_VERSION:
        raise ExportError("expected a glTF 2.0 binary file (magic 'glTF', version 2)")
    chunk_len, chunk_type = struct.unpack_from("<II", data, 12)
    if chunk_type != CHUNK_JSON:
        raise ExportError("expected the first GLB chunk to be JSON")
    try:
        return json.loads(data[20:20 + chunk_len].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExportError(f"expected a UTF-8 JSON chunk in the GLB file: {exc}") from None
