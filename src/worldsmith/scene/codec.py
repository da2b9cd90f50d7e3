"""JSON codec for scenes: ``schema_version``, strict decoding, migrations.

Layout of a document (version 3)::

    {"schema_version": 1, "prompt": "...", "seed": 0,
     "rooms":   {"room_0":  {"name", "polygon", "height", "wall_thickness", "openings": {id: {...}}, "materials"}},
     "objects": {"sofa_0":  {"category", "asset", "position", "size", "yaw_deg", "support", "attributes", "placement"}},
     "lights":  {"light_0": {"kind", "position", "watts", "lumens", "kelvin", "rgb", ...}},
     "material_choices": {"dark green velvet wallpaper": {"material", "score", "tint"}}}

Version history: 1 had no ``material_choices`` (migrated by adding an empty table); 2 had no
objects' ``placement`` (migrated as empty: placed directly).

Collections are JSON objects keyed by id, in scene order. Every field is written, so a file is
self-describing; decoding rejects unknown keys and names their path. Encoding is deterministic:
the same scene always gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, Callable, Mapping

from .errors import SceneValidationError, SchemaError
from .model import AssetRef, Attributes, Light, MaterialChoice, ObjectInstance, Opening, Room, Scene

SCHEMA_VERSION = 3


def _v1_to_v2(data: dict) -> dict:
    """Version 2 records how material descriptions were resolved; a version-1 file has none yet."""
    return {**data, "material_choices": {}}


def _v2_to_v3(data: dict) -> dict:
    """Version 3 keeps each object's placement constraints; a version-2 object was placed directly."""
    objects = data.get("objects")
    if isinstance(objects, Mapping):
        data = {**data, "objects": {k: {**v, "placement": []} if isinstance(v, Mapping) else v
                                    for k, v in objects.items()}}
    return data


#: ``MIGRATIONS[v]`` upgrades a version-``v`` document (a dict) to version ``v + 1``.
MIGRATIONS: dict[int, Callable[[dict], dict]] = {1: _v1_to_v2, 2: _v2_to_v3}
SUPPORTED_VERSIONS = tuple(sorted(set(MIGRATIONS) | {SCHEMA_VERSION}))


# ---------------------------------------------------------------------------------------------
# encoding


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _record(obj: Any, skip: tuple[str, ...] = ("id",)) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        if f.name in skip:
            continue
        value = getattr(obj, f.name)
        if dataclasses.is_dataclass(value):
            out[f.name] = _record(value, ())
        else:
            out[f.name] = _plain(value)
    return out


def scene_to_dict(scene: Scene) -> dict[str, Any]:
    rooms = {}
    for room in scene.rooms:
        r = _record(room, ("id", "openings"))
        r["openings"] = {o.id: _record(o) for o in room.openings}
        rooms[room.id] = r
    return {
        "schema_version": SCHEMA_VERSION,
        "prompt": scene.prompt,
        "seed": scene.seed,
        "rooms": rooms,
        "objects": {o.id: _record(o) for o in scene.objects},
        "lights": {light.id: _record(light) for light in scene.lights},
        "material_choices": {k: _record(v, ()) for k, v in scene.material_choices.items()},
    }


def _format(value: Any, indent: int) -> str:
    """Pretty JSON with flat lists of scalars kept on one line (vectors, polygons' points)."""
    pad = "  " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f'{pad}  {json.dumps(k, ensure_ascii=False)}: {_format(v, indent + 1)}' for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return json.dumps(value, ensure_ascii=False, allow_nan=False)
        if all(isinstance(v, list) and all(not isinstance(x, (dict, list)) for x in v) for v in value):
            return "[" + ", ".join(json.dumps(v, allow_nan=False) for v in value) + "]"
        items = [f"{pad}  {_format(v, indent + 1)}" for v in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def dumps(scene: Scene) -> str:
    """The scene as JSON text (UTF-8, two-space indent, vectors on one line, trailing newline)."""
    return _format(scene_to_dict(scene), 0) + "\n"


def save(scene: Scene, path: str | Path) -> None:
    Path(path).write_text(dumps(scene), encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# decoding


def _mapping(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise SchemaError(path, "a JSON object", value)
    return value


def _fields(cls: type, data: Any, path: str, skip: tuple[str, ...] = ("id",)) -> dict[str, Any]:
    """Check ``data``'s keys against ``cls``'s fields: unknown keys and missing required ones fail."""
    data = _mapping(data, path)
    known = {f.name: f for f in dataclasses.fields(cls) if f.name not in skip}
    for key in data:
        if key not in known:
            raise SchemaError(f"{path}.{key}" if path else str(key), "one of the keys " + ", ".join(known), "unknown key")
    for name, f in known.items():
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING  # type: ignore[misc]
        if required and name not in data:
            raise SchemaError(f"{path}.{name}" if path else name, "a value (required key)", "missing")
    return dict(data)


def _build(cls: type, kwargs: dict[str, Any], path: str) -> Any:
    try:
        return cls(**kwargs)
    except SceneValidationError as exc:
        raise exc.under(path) from None


def _opening(key: str, data: Any, path: str) -> Opening:
    return _build(Opening, {"id": key, **_fields(Opening, data, path)}, path)


def _room(key: str, data: Any, path: str) -> Room:
    kw = _fields(Room, data, path)
    ops = _mapping(kw.get("openings", {}), f"{path}.openings")
    kw["openings"] = tuple(_opening(k, v, f'{path}.openings["{k}"]') for k, v in ops.items())
    return _build(Room, {"id": key, **kw}, path)


def _object(key: str, data: Any, path: str) -> ObjectInstance:
    kw = _fields(ObjectInstance, data, path)
    kw["asset"] = _build(AssetRef, _fields(AssetRef, kw["asset"], f"{path}.asset", ()), f"{path}.asset")
    if "attributes" in kw:
        kw["attributes"] = _build(
            Attributes, _fields(Attributes, kw["attributes"], f"{path}.attributes", ()), f"{path}.attributes")
    return _build(ObjectInstance, {"id": key, **kw}, path)


def _light(key: str, data: Any, path: str) -> Light:
    return _build(Light, {"id": key, **_fields(Light, data, path)}, path)


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Upgrade a decoded document to :data:`SCHEMA_VERSION`, or refuse an unknown version."""
    version = data.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int) or version not in SUPPORTED_VERSIONS:
        raise SchemaError(
            "schema_version", "one of the supported versions " + ", ".join(map(str, SUPPORTED_VERSIONS)), version)
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version += 1
        data["schema_version"] = version
    return data


def scene_from_dict(data: Any) -> Scene:
    data = dict(_mapping(data, ""))
    if "schema_version" not in data:
        raise SchemaError("schema_version", "a value (required key)", "missing")
    data = migrate(data)
    kw = _fields(Scene, {k: v for k, v in data.items() if k != "schema_version"}, "", ())
    for name, fn, label in (("rooms", _room, "rooms"), ("objects", _object, "objects"), ("lights", _light, "lights")):
        items = _mapping(kw.get(name, {}), label)
        kw[name] = tuple(fn(k, v, f'{label}["{k}"]') for k, v in items.items())
    choices = _mapping(kw.get("material_choices", {}), "material_choices")
    kw["material_choices"] = {
        k: _build(MaterialChoice, _fields(MaterialChoice, v, f'material_choices["{k}"]', ()), f'material_choices["{k}"]')
        for k, v in choices.items()}
    return _build(Scene, kw, "")


def loads(text: str | bytes) -> Scene:
    """Decode a scene from JSON text; every problem is a :class:`SchemaError` or
    :class:`SceneValidationError` naming its path."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SchemaError("", "valid JSON", f"{exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except UnicodeDecodeError as exc:
        raise SchemaError("", "UTF-8 text", str(exc)) from None
    return scene_from_dict(data)


def load(path: str | Path) -> Scene:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise SchemaError("", "an existing scene file", str(p)) from None
    except IsADirectoryError:
        raise SchemaError("", "a scene file, not a folder", str(p)) from None
    return loads(raw)
