"""Fine-tuning data from the trajectory store: OpenAI chat JSONL with images, and a Hugging Face dataset.

Input
-----
The store's kept samples (one JSON object each)::

    {"id": "r001-p0007", "round": 1, "prompt": "...", "seed": 123, "policy": "vlm", "reward": 0.87, ...,
     "steps": [{"messages": [{"role": "system", "content": "..."},
                             {"role": "user", "content": [{"type": "text", "text": "..."},
                                                          {"type": "image", "path": "renders/x.png"}]}],
                "program": "room('studio', ...)", "error": null}]}

Every **step** becomes one training example: its observation ``messages`` followed by the assistant
turn whose content is the step's ``program``. Rules the exporters enforce (any break raises
:class:`ExportError` naming ``sample <id> step <n>``, and nothing is written):

* A sample has a string ``id`` and a list ``steps``; a step has a list ``messages``, a non-empty
  string ``program`` and ``error`` (``null`` or a string).
* **Steps whose ``error`` is not null are skipped** by default (their program failed to execute, so
  it is not a program to imitate; the error text still reaches the model through the *next* step's
  observation). ``include_errors=True`` keeps them.
* Message roles are ``system``, ``user`` and ``assistant`` (earlier turns of a conversation). A
  message's content is a string or a list of parts ``{"type": "text", "text": str}`` and
  ``{"type": "image", "path": str}``; images appear in ``user`` messages only (OpenAI refuses images
  from the ``assistant`` role, and a system prompt never carries one).
* An image ``path`` is relative to the store folder ``root`` and must stay inside it (no absolute
  paths, no ``..`` escaping it); the file must exist and be a PNG, JPEG or WEBP image in RGB or RGBA
  mode (checked by reading the header with Pillow).
* The order of examples is the input order (samples, then steps); the order of parts inside a
  message is kept as the store wrote it.

:func:`export_openai` - OpenAI chat fine-tuning JSONL (vision)
--------------------------------------------------------------
One line per example: ``{"messages": [...]}`` with the observation messages and a final
``{"role": "assistant", "content": program}``. String content stays a string; a list becomes
``[{"type": "text", "text": ...}, {"type": "image_url", "image_url": {"url": "data:image/png;base64,..."}}]``
(the MIME type follows the file's real format). The limits OpenAI documents for vision fine-tuning
(developers.openai.com, "Vision fine-tuning", section "Image data requirements") are enforced:

* at most :data:`OPENAI_MAX_IMAGES_PER_EXAMPLE` (10) images per example;
* at most :data:`OPENAI_MAX_IMAGE_BYTES` (10 MB, read as 10,000,000 bytes, the stricter reading) per image;
* formats JPEG, PNG, WEBP; image modes RGB or RGBA; no images in ``assistant`` messages;
* at most :data:`OPENAI_MAX_IMAGE_EXAMPLES` (50,000) examples that contain images per file.

Two documented limits are not errors here: a job needs at least 10 examples (a smaller file is
still written, with a logged warning) and the Files API takes files up to 512 MB
(:data:`OPENAI_MAX_FILE_BYTES`; a bigger file is written, with a logged warning, to be split by the
user). Images whose content OpenAI's moderation skips (people, faces, CAPTCHAs) cannot be detected
offline; renders of empty rooms and furniture do not contain them.

:func:`export_hf` - Hugging Face chat-template dataset
------------------------------------------------------
``out_dir/train.jsonl`` holds one line per example::

    {"id": "r001-p0007/0", "images": ["images/r001-p0007-s0-top-3f2a9c1b0d4e.png"],
     "messages": [{"role": "system", "content": [{"type": "text", "text": "..."}]},
                  {"role": "user", "content": [{"type": "text", "text": "..."}, {"type": "image"}]},
                  {"role": "assistant", "content": [{"type": "text", "text": "room(...)"}]}]}

Every content is a list of parts (a string content becomes one text part), so every line has one
schema and column readers such as ``datasets.load_dataset("json", data_files=...)`` load it; an image
part is ``{"type": "image"}`` and the ``images`` list gives the files in the order of the image
parts (the chat-template convention of TRL and the Qwen2-VL processor). ``id`` is
``<sample id>/<step index>``. Images are copied byte for byte into ``out_dir/images/`` as
``<stem>-<first 12 hex digits of the SHA-256 of the bytes><suffix>``: readable, collision-free, and
an image used by several steps is stored once. Paths in ``images`` are relative to ``out_dir``.

:func:`read_hf` reads that folder back for the trainer: it checks every line (keys, roles, parts,
one ``images`` entry per image part, files present inside ``out_dir``, the last message an
``assistant`` text turn, images in ``user`` messages only) and returns the records with ``images``
turned into absolute paths. Any break raises :class:`ExportError` ``train.jsonl:<line>: <reason>``.

Determinism and atomicity
-------------------------
Lines are ``json.dumps(..., sort_keys=True, ensure_ascii=False, separators=(",", ":"))`` in UTF-8,
each ending in ``\\n``, so the same input gives the same bytes. The JSONL file is written through
:func:`worldsmith.scene.files.atomic_write` (temporary file + rename), streamed, so memory stays
flat however many images there are. The HF folder is built in a temporary sibling folder and swapped
in with renames (:func:`replace_dir`); a failure leaves the previous output as it was and no
temporary file behind.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import IO, Any, Iterable, Iterator

from ..scene.errors import WorldsmithError
from ..scene.files import atomic_write, jsonl_records
from ..scene.files import replace_dir as _replace_dir

log = logging.getLogger(__name__)

#: OpenAI vision fine-tuning: most images in one example.
OPENAI_MAX_IMAGES_PER_EXAMPLE = 10
#: OpenAI vision fine-tuning: largest image ("10 MB"; the stricter decimal reading).
OPENAI_MAX_IMAGE_BYTES = 10_000_000
#: OpenAI vision fine-tuning: most examples that contain images in one training file.
OPENAI_MAX_IMAGE_EXAMPLES = 50_000
#: OpenAI fine-tuning: fewest examples a job accepts (a smaller export only logs a warning).
OPENAI_MIN_EXAMPLES = 10
#: OpenAI Files API: largest upload (a bigger export only logs a warning).
OPENAI_MAX_FILE_BYTES = 512 * 1024 * 1024
#: Pillow format name -> MIME type of the formats OpenAI accepts.
IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
#: Image modes OpenAI accepts.
IMAGE_MODES = ("RGB", "RGBA")
#: The dataset file inside an :func:`export_hf` folder.
HF_TRAIN_FILE = "train.jsonl"
#: The image folder inside an :func:`export_hf` folder.
HF_IMAGE_DIR = "images"

ROLES = ("system", "user", "assistant")


class ExportError(WorldsmithError):
    """Samples or an exported dataset are not what the exporters and the trainer take."""


# --------------------------------------------------------------------------------------------
# shared: walking the samples


class _Image:
    """One image of one example: its store path and its bytes, checked."""

    __slots__ = ("rel", "data", "mime")

    def __init__(self, rel: str, data: bytes, mime: str):
        self.rel = rel
        self.data = data
        self.mime = mime


def _dumps(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _inside(root: Path, rel: str) -> Path | None:
    """``root/rel`` when ``rel`` is a relative path that stays inside ``root``, else None."""
    if not rel or "\\" in rel or PurePosixPath(rel).is_absolute() or Path(rel).is_absolute():
        return None
    if any(part == ".." for part in PurePosixPath(rel).parts):
        return None
    return root / rel


def _image_kind(data: bytes, where: str) -> str:
    """The MIME type of image ``data``; ExportError unless PNG/JPEG/WEBP in RGB/RGBA mode."""
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as im:
            fmt, mode = im.format, im.mode
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ExportError(f"{where}: not a readable image ({type(exc).__name__})") from None
    if fmt not in IMAGE_FORMATS:
        raise ExportError(f"{where}: image format {fmt} is not accepted (expected one of {', '.join(IMAGE_FORMATS)})")
    if mode not in IMAGE_MODES:
        raise ExportError(f"{where}: image mode {mode} is not accepted (expected RGB or RGBA)")
    return IMAGE_FORMATS[fmt]


def _load_image(root: Path, rel: Any, where: str, max_bytes: int | None) -> _Image:
    if not isinstance(rel, str):
        raise ExportError(f"{where}: image path must be a string, got {type(rel).__name__}")
    path = _inside(root, rel)
    if path is None:
        raise ExportError(f"{where}: image path {rel!r} must be relative to the store folder and stay inside it")
    if not path.is_file():
        raise ExportError(f"{where}: image {rel} not found under {root}")
    if max_bytes is not None:
        size = path.stat().st_size
        if size > max_bytes:
            raise ExportError(f"{where}: image {rel} is {size} bytes, over the limit of {max_bytes}")
    data = path.read_bytes()
    return _Image(rel, data, _image_kind(data, f"{where}: image {rel}"))


def _examples(samples: Iterable[dict], root: Path, include_errors: bool,
              max_image_bytes: int | None) -> Iterator[tuple[str, list[tuple[str, Any]], str, list[_Image]]]:
    """``(example id, [(role, content)], program, images)`` for every exported step, in order.

    ``content`` is a string or a list of ``("text", str)`` / ``("image", _Image)`` parts."""
    for n, sample in enumerate(samples):
        if not isinstance(sample, dict):
            raise ExportError(f"sample #{n}: expected a JSON object, got {type(sample).__name__}")
        sid = sample.get("id")
        if not isinstance(sid, str) or not sid:
            raise ExportError(f"sample #{n}: 'id' must be a non-empty string")
        steps = sample.get("steps")
        if not isinstance(steps, list):
            raise ExportError(f"sample {sid}: 'steps' must be a list")
        for k, step in enumerate(steps):
            where = f"sample {sid} step {k}"
            if not isinstance(step, dict):
                raise ExportError(f"{where}: expected a JSON object, got {type(step).__name__}")
            error = step.get("error")
            if error is not None and not isinstance(error, str):
                raise ExportError(f"{where}: 'error' must be null or a string")
            program = step.get("program")
            if not isinstance(program, str) or not program.strip():
                raise ExportError(f"{where}: 'program' must be a non-empty string")
            messages = step.get("messages")
            if not isinstance(messages, list) or not messages:
                raise ExportError(f"{where}: 'messages' must be a non-empty list")
            if error is not None and not include_errors:
                continue
            turns: list[tuple[str, Any]] = []
            images: list[_Image] = []
            for m, msg in enumerate(messages):
                at = f"{where} message {m}"
                if not isinstance(msg, dict):
                    raise ExportError(f"{at}: expected a JSON object")
                role = msg.get("role")
                if role not in ROLES:
                    raise ExportError(f"{at}: role must be one of {', '.join(ROLES)}, got {role!r}")
                content = msg.get("content")
                if isinstance(content, str):
                    turns.append((role, content))
                    continue
                if not isinstance(content, list) or not content:
                    raise ExportError(f"{at}: content must be a string or a non-empty list of parts")
                parts: list[tuple[str, Any]] = []
                for p, part in enumerate(content):
                    pat = f"{at} part {p}"
                    kind = part.get("type") if isinstance(part, dict) else None
                    if kind == "text":
                        if not isinstance(part.get("text"), str):
                            raise ExportError(f"{pat}: a text part needs a string 'text'")
                        parts.append(("text", part["text"]))
                    elif kind == "image":
                        if role != "user":
                            raise ExportError(f"{pat}: images are allowed in user messages only, not {role}")
                        image = _load_image(root, part.get("path"), pat, max_image_bytes)
                        images.append(image)
                        parts.append(("image", image))
                    else:
                        raise ExportError(f"{pat}: part type must be 'text' or 'image', got {kind!r}")
                turns.append((role, parts))
            yield f"{sid}/{k}", turns, program, images


# --------------------------------------------------------------------------------------------
# OpenAI


def _openai_line(turns: list[tuple[str, Any]], program: str) -> dict:
    messages = []
    for role, content in turns:
        if isinstance(content, str):
            messages.append({"role": role, "content": content})
            continue
        parts = []
        for kind, value in content:
            if kind == "text":
                parts.append({"type": "text", "text": value})
            else:
                url = f"data:{value.mime};base64," + base64.b64encode(value.data).decode("ascii")
                parts.append({"type": "image_url", "image_url": {"url": url}})
        messages.append({"role": role, "content": parts})
    messages.append({"role": "assistant", "content": program})
    return {"messages": messages}


def export_openai(samples: Iterable[dict], root: Path, out: Path, *, include_errors: bool = False) -> int:
    """Write ``out``: OpenAI chat fine-tuning JSONL (vision), one example per kept step (see the
    module docs for every rule); returns the number of examples written."""
    root, out = Path(root), Path(out)
    if not out.parent.is_dir():
        raise ExportError(f"output folder {out.parent} does not exist")
    counts = {"examples": 0, "with_images": 0, "bytes": 0}

    def write(fh: IO[bytes]) -> None:
        for eid, turns, program, images in _examples(samples, root, include_errors, OPENAI_MAX_IMAGE_BYTES):
            if len(images) > OPENAI_MAX_IMAGES_PER_EXAMPLE:
                raise ExportError(f"example {eid}: {len(images)} images, over OpenAI's limit of "
                                  f"{OPENAI_MAX_IMAGES_PER_EXAMPLE} per example")
            if images:
                counts["with_images"] += 1
                if counts["with_images"] > OPENAI_MAX_IMAGE_EXAMPLES:
                    raise ExportError(f"example {eid}: more than {OPENAI_MAX_IMAGE_EXAMPLES} examples with images, "
                                      "OpenAI's limit per training file; export fewer samples")
            data = (_dumps(_openai_line(turns, program)) + "\n").encode("utf-8")
            fh.write(data)
            counts["examples"] += 1
            counts["bytes"] += len(data)

    atomic_write(out, write)
    if counts["examples"] < OPENAI_MIN_EXAMPLES:
        log.warning("%s holds %d examples; an OpenAI fine-tuning job needs at least %d",
                    out, counts["examples"], OPENAI_MIN_EXAMPLES)
    if counts["bytes"] > OPENAI_MAX_FILE_BYTES:
        log.warning("%s is %d bytes, over the Files API upload limit of %d; split it before uploading",
                    out, counts["bytes"], OPENAI_MAX_FILE_BYTES)
    return counts["examples"]


# --------------------------------------------------------------------------------------------
# Hugging Face


def replace_dir(tmp: Path, target: Path) -> None:
    """:func:`worldsmith.scene.files.replace_dir`, with :class:`ExportError` for a target that is a file."""
    try:
        _replace_dir(tmp, target)
    except NotADirectoryError as exc:
        raise ExportError(str(exc)) from None


def _hf_name(image: _Image) -> str:
    p = PurePosixPath(image.rel)
    digest = hashlib.sha256(image.data).hexdigest()[:12]
    return f"{HF_IMAGE_DIR}/{p.stem}-{digest}{p.suffix.lower()}"


def _hf_line(eid: str, turns: list[tuple[str, Any]], program: str, names: list[str]) -> dict:
    messages = []
    for role, content in turns:
        if isinstance(content, str):
            messages.append({"role": role, "content": [{"type": "text", "text": content}]})
            continue
        parts = [{"type": "text", "text": v} if kind == "text" else {"type": "image"} for kind, v in content]
        messages.append({"role": role, "content": parts})
    messages.append({"role": "assistant", "content": [{"type": "text", "text": program}]})
    return {"id": eid, "messages": messages, "images": names}


def export_hf(samples: Iterable[dict], root: Path, out_dir: Path, *, include_errors: bool = False) -> int:
    """Write the Hugging Face chat-template dataset folder ``out_dir`` (``train.jsonl`` + ``images/``,
    see the module docs); returns the number of examples written."""
    root, out_dir = Path(root), Path(out_dir)
    if not out_dir.parent.is_dir():
        raise ExportError(f"output folder {out_dir.parent} does not exist")
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"{out_dir} exists and is not a folder")
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=out_dir.parent))
    try:
        (tmp / HF_IMAGE_DIR).mkdir()
        written: set[str] = set()
        count = 0

        def write(fh: IO[bytes]) -> None:
            nonlocal count
            for eid, turns, program, images in _examples(samples, root, include_errors, None):
                names = []
                for image in images:
                    name = _hf_name(image)
                    if name not in written:
                        (tmp / name).write_bytes(image.data)
                        written.add(name)
                    names.append(name)
                fh.write((_dumps(_hf_line(eid, turns, program, names)) + "\n").encode("utf-8"))
                count += 1

        atomic_write(tmp / HF_TRAIN_FILE, write)
        os.chmod(tmp, 0o755)
        replace_dir(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return count


def _check_parts(content: Any, role: str, at: str) -> int:
    """Validate one HF message content; returns its number of image parts."""
    if not isinstance(content, list) or not content:
        raise ExportError(f"{at}: content must be a non-empty list of parts")
    n_images = 0
    for p, part in enumerate(content):
        if not isinstance(part, dict):
            raise ExportError(f"{at} part {p}: expected a JSON object")
        kind = part.get("type")
        if kind == "text":
            if set(part) != {"type", "text"} or not isinstance(part["text"], str):
                raise ExportError(f"{at} part {p}: a text part is {{'type': 'text', 'text': str}}")
        elif kind == "image":
            if set(part) != {"type"}:
                raise ExportError(f"{at} part {p}: an image part is {{'type': 'image'}}")
            if role != "user":
                raise ExportError(f"{at} part {p}: images are allowed in user messages only, not {role}")
            n_images += 1
        else:
            raise ExportError(f"{at} part {p}: part type must be 'text' or 'image', got {kind!r}")
    return n_images


def read_hf(out_dir: Path) -> list[dict]:
    """The examples of an :func:`export_hf` folder, checked (see the module docs): dicts with
    ``id``, ``messages`` (as in the file) and ``images`` (absolute paths, as strings)."""
    out_dir = Path(out_dir)
    path = out_dir / HF_TRAIN_FILE
    if not path.is_file():
        raise ExportError(f"{out_dir} is not an exported dataset: it has no {HF_TRAIN_FILE}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ExportError(f"{path}: unreadable ({type(exc).__name__})") from None
    records = []
    base = out_dir.resolve()
    for n, rec in jsonl_records(text, path, ExportError):
        at = f"{path}:{n}"
        if not isinstance(rec, dict) or set(rec) != {"id", "messages", "images"}:
            raise ExportError(f"{at}: expected an object with keys id, images, messages")
        if not isinstance(rec["id"], str):
            raise ExportError(f"{at}: 'id' must be a string")
        messages, images = rec["messages"], rec["images"]
        if not isinstance(messages, list) or len(messages) < 2:
            raise ExportError(f"{at}: 'messages' must be a list of at least two messages")
        n_images = 0
        for m, msg in enumerate(messages):
            if not isinstance(msg, dict) or set(msg) != {"role", "content"} or msg["role"] not in ROLES:
                raise ExportError(f"{at} message {m}: expected {{'role': system|user|assistant, 'content': [...]}}")
            n_images += _check_parts(msg["content"], msg["role"], f"{at} message {m}")
        if messages[-1]["role"] != "assistant":
            raise ExportError(f"{at}: the last message must be the assistant's program")
        if not isinstance(images, list) or not all(isinstance(i, str) for i in images):
            raise ExportError(f"{at}: 'images' must be a list of paths")
        if len(images) != n_images:
            raise ExportError(f"{at}: {n_images} image parts but {len(images)} entries in 'images'")
        resolved = []
        for rel in images:
            p = _inside(out_dir, rel)
            if p is None or not p.resolve().is_relative_to(base):
                raise ExportError(f"{at}: image path {rel!r} must be relative to {out_dir} and stay inside it")
            if not p.is_file():
                raise ExportError(f"{at}: image {rel} not found under {out_dir}")
            resolved.append(str(p.resolve()))
        records.append({"id": rec["id"], "messages": messages, "images": resolved})
    return records
