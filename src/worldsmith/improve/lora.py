"""LoRA fine-tuning of a local Qwen2-VL / Qwen2.5-VL checkpoint on an exported chat dataset.

:func:`train_lora` is the entry point (``worldsmith improve --policy vlm --trainer hf``)::

    result = train_lora(dataset_dir, base_model, out_dir, LoraConfig(steps=200))
    # {"losses": [...], "steps": 200, "device": "cuda", "dtype": "bfloat16", "trainable_params": ...,
    #  "total_params": ..., "examples": 812, "skipped": 0, "seconds": 431.2}

Checks before anything is loaded
--------------------------------
Every one raises :class:`LoraError` with a one-line message, before the model is read or a step runs:

* the config values (:class:`LoraConfig` validates itself);
* ``peft`` is importable (``pip install 'worldsmith[learn]'``);
* ``base_model`` is a complete checkpoint folder (:func:`check_checkpoint`): ``config.json`` with
  ``model_type`` ``qwen2_vl`` or ``qwen2_5_vl`` (:data:`SUPPORTED_MODEL_TYPES`); weights
  (``model.safetensors``, ``pytorch_model.bin``, or a ``*.index.json`` whose every shard is present);
  a tokenizer (``tokenizer.json``, or ``vocab.json`` + ``merges.txt``); an image processor
  (``preprocessor_config.json``); a chat template (``chat_template.jinja``, ``chat_template.json`` or
  a ``chat_template`` entry in ``tokenizer_config.json``). The message lists every missing piece;
* the dataset reads back with :func:`worldsmith.improve.export.read_hf` (its :class:`ExportError`
  passes through) and holds at least one example.

Loading
-------
``HF_HUB_OFFLINE=1`` and ``TRANSFORMERS_OFFLINE=1`` are set where the user has not set them, and every
``from_pretrained`` passes ``local_files_only=True``: nothing is downloaded. The model is
``AutoModelForImageTextToText`` (``Qwen2VLForConditionalGeneration`` / ``Qwen2_5_VLForConditionalGeneration``).
The processor is composed from ``AutoTokenizer`` and ``AutoImageProcessor`` rather than
``AutoProcessor``: in transformers 5.x the Qwen2-VL processor cannot be built without torchvision (its
video-processor slot checks a class that transformers exports only when torchvision is installed), and
the project never installs torchvision (STACK.md). ``AutoImageProcessor`` then picks the PIL backend
(``Qwen2VLImageProcessorPil``). The one thing the Qwen2-VL processor adds, expanding each image
placeholder, is done here the same way (below).

* Device: ``cuda`` when available, else ``cpu`` (``LoraConfig.device`` overrides).
* dtype: ``"auto"`` is bfloat16 on a GPU that supports it and float32 otherwise (float16 training
  without loss scaling diverges, so it is never picked automatically). The LoRA weights stay
  float32 (peft's ``autocast_adapter_dtype``).
* ``gradient_checkpointing=True`` recomputes activations in the backward pass (non-reentrant), for
  long sequences of a 2B+ model on one GPU.

Encoding one example (:func:`encode_example`)
---------------------------------------------
* ``prompt = chat_template(messages[:-1], add_generation_prompt=True)`` and
  ``full = chat_template(messages)``; ``full`` must start with ``prompt`` (true of the Qwen
  templates) and the **completion** is the rest: the program, ``<|im_end|>`` and the template's
  trailing newline.
* ``input_ids = tokenize(prompt) + tokenize(completion)`` (no special tokens added: the template
  writes them). Tokenizing the two parts apart is what the model sees at generation time, where it
  continues the prompt's tokens.
* Each image placeholder token (``config.image_token_id``, ``<|image_pad|>``) is repeated
  ``t * h * w / merge_size**2`` times, where ``(t, h, w)`` is the image's ``image_grid_thw`` from the
  image processor, exactly as ``Qwen2VLProcessor`` does; images are loaded with Pillow and converted
  to RGB by the image processor (``do_convert_rgb``). The number of placeholders must equal the
  number of images, else :class:`LoraError`.
* **Loss mask**: ``labels`` are ``-100`` (ignored) on every prompt token (system, user, images,
  ``<|im_start|>assistant\\n``) and on completion tokens after its last end-of-turn token; the program
  tokens and the ``<|im_end|>`` that ends them carry the loss, so the model learns to write the
  program and to stop.
* ``mm_token_type_ids`` (1 on image tokens, 0 elsewhere) is passed when the model's ``forward``
  takes it (transformers 5.x computes the 3-D M-RoPE positions from it).
* An example longer than ``max_length`` tokens is skipped with a logged warning (truncating would
  cut the program or split an image's tokens); the count is returned as ``skipped``. If every
  example is too long, :class:`LoraError` naming the shortest length. Size it to the data: a step of
  the VLM policy carries its system prompt (about 5,400 tokens by ``policy.vlm.tokens``' estimate,
  DSL reference and two worked examples) plus two 640x480 renders at 391 tokens each for Qwen2-VL,
  so its examples need ``max_length`` of about 8192; the default 2048 fits short text-only steps.

Training (:func:`fit`)
----------------------
* peft LoRA (``r=rank``, ``lora_alpha=alpha``, ``lora_dropout=dropout``, no bias) on the modules whose
  name ends with one of ``target_modules`` **in the language model only**: module names under
  ``visual`` (the vision tower and merger) are excluded by the regex
  ``^(?!.*visual).*\\.(q_proj|k_proj|...)$``, so the adapter is one that vLLM can serve. Every other
  weight is frozen and stays bit-identical.
* AdamW (``lr``, ``weight_decay``, torch defaults for betas and eps) at a constant learning rate,
  gradient norm clipped to ``max_grad_norm``; one optimizer step per batch of ``batch_size``
  examples; ``steps`` steps. The loss is the model's causal-LM loss: mean cross-entropy over the
  batch's unmasked label tokens.
* Order: the examples are shuffled by ``numpy.random.default_rng(seed)`` for every pass over the
  data and batches are taken in that order (a batch never spans two passes; the last smaller batch
  of a pass is kept). Batches are right-padded (pad token, attention mask 0, label -100).
* Randomness: LoRA's initial ``A`` matrices and dropout use torch's generator, seeded with ``seed``
  inside ``torch.random.fork_rng`` so the caller's global torch state is left untouched. On the CPU
  the same inputs and config give bit-identical losses and adapters.
* ``progress(step, loss)`` is called after every step (``step`` counts from 1).

Output
------
``out_dir`` receives the adapter (``adapter_config.json``, ``adapter_model.safetensors``: peft's
``save_pretrained``, embeddings not saved), the tokenizer with its chat template and the image
processor (``save_pretrained``), and ``training.json`` (config, base model path, losses, counts; no
timings, so the folder is deterministic). It is built in a temporary sibling folder and swapped in
with renames (:func:`worldsmith.improve.export.replace_dir`): a failed run leaves no partial folder.
:func:`load_adapter` loads base + adapter for inference; ``docs/finetune.md`` shows serving it with
vLLM (``--enable-lora --lora-modules``) for ``worldsmith generate --planner vlm``.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ..scene.env import hf_offline
from ..scene.errors import WorldsmithError, one_line
from .export import read_hf, replace_dir

log = logging.getLogger(__name__)

#: ``config.json`` model types this trainer knows how to encode.
SUPPORTED_MODEL_TYPES = ("qwen2_vl", "qwen2_5_vl")
#: Values ``LoraConfig.dtype`` takes.
DTYPES = ("auto", "float32", "bfloat16", "float16")
#: Label value the loss ignores.
IGNORE_INDEX = -100
#: Name of the summary file written next to the adapter.
TRAINING_FILE = "training.json"


class LoraError(WorldsmithError):
    """LoRA training cannot run: bad config, missing peft, incomplete checkpoint or unusable data."""


@dataclass(frozen=True)
class LoraConfig:
    """LoRA training settings (see the module docs for how each is used)."""

    rank: int = 8                       # LoRA rank r
    alpha: int = 16                     # LoRA scale numerator: updates are scaled by alpha / rank
    dropout: float = 0.0                # dropout on the LoRA branch input, in [0, 1)
    lr: float = 2e-4                    # AdamW learning rate (constant)
    steps: int = 100                    # optimizer steps
    batch_size: int = 1                 # examples per step
    max_length: int = 2048              # longest example in tokens (image tokens included); longer ones are skipped
    target_modules: tuple = ("q_proj", "k_proj", "v_proj", "o_proj")  # language-model module name suffixes
    seed: int = 0                       # LoRA init, dropout and data order
    weight_decay: float = 0.0           # AdamW weight decay
    max_grad_norm: float = 1.0          # gradient norm clip; 0 disables
    gradient_checkpointing: bool = False  # recompute activations (GPU memory for long sequences)
    dtype: str = "auto"                 # auto | float32 | bfloat16 | float16 (base weights)
    device: str = "auto"                # auto (cuda if available, else cpu) | cpu | cuda | cuda:N

    def __post_init__(self) -> None:
        def bad(name: str, expected: str) -> LoraError:
            return LoraError(f"LoraConfig.{name}: expected {expected}, got {getattr(self, name)!r}")

        def whole(name: str, low: int) -> None:
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < low:
                raise bad(name, f"an integer >= {low}")

        for name, low in (("rank", 1), ("alpha", 1), ("steps", 1), ("batch_size", 1), ("max_length", 8)):
            whole(name, low)
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise bad("seed", "an integer >= 0")
        if not isinstance(self.dropout, (int, float)) or not 0.0 <= self.dropout < 1.0:
            raise bad("dropout", "a number in [0, 1)")
        for name in ("lr", "weight_decay", "max_grad_norm"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0 or (name == "lr" and v == 0):
                raise bad(name, "a positive number" if name == "lr" else "a number >= 0")
        mods = self.target_modules
        if (not isinstance(mods, tuple) or not mods
                or not all(isinstance(m, str) and m.isidentifier() for m in mods)):
            raise bad("target_modules", "a non-empty tuple of module names such as ('q_proj', 'v_proj')")
        if self.dtype not in DTYPES:
            raise bad("dtype", "one of " + ", ".join(DTYPES))
        dev = self.device
        if not isinstance(dev, str) or not (dev in ("auto", "cpu", "cuda")
                                            or (dev.startswith("cuda:") and dev[5:].isdigit())):
            raise bad("device", "auto, cpu, cuda or cuda:N")


# --------------------------------------------------------------------------------------------
# checks


def _require_peft() -> None:
    try:
        importlib.import_module("peft")
    except ImportError as exc:
        raise LoraError(f"peft is not installed ({one_line(exc)}); install it with "
                        "pip install 'worldsmith[learn]'") from None


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LoraError(f"{path} is unreadable ({one_line(exc)})") from None


def check_checkpoint(folder: Path) -> str:
    """Raise :class:`LoraError` unless ``folder`` is a complete Qwen2-VL-class checkpoint (see the
    module docs); returns its ``model_type``."""
    folder = Path(folder)
    if not folder.exists():
        raise LoraError(f"base model folder not found: {folder}")
    if not folder.is_dir():
        raise LoraError(f"base model must be a folder, got a file: {folder}")
    if not (folder / "config.json").is_file():
        raise LoraError(f"{folder} is not a model checkpoint: it has no config.json")
    config = _read_json(folder / "config.json")
    model_type = config.get("model_type") if isinstance(config, dict) else None
    if model_type not in SUPPORTED_MODEL_TYPES:
        raise LoraError(f"{folder}: model_type {model_type!r} is not supported "
                        f"(supported: {', '.join(SUPPORTED_MODEL_TYPES)})")
    missing = []
    weights = None
    for name in ("model.safetensors", "pytorch_model.bin"):
        if (folder / name).is_file():
            weights = name
            break
    if weights is None:
        for name in ("model.safetensors.index.json", "pytorch_model.bin.index.json"):
            if (folder / name).is_file():
                index = _read_json(folder / name)
                shards = sorted(set((index.get("weight_map") or {}).values())) if isinstance(index, dict) else []
                if not shards:
                    missing.append(f"the shards listed by {name}")
                absent = [s for s in shards if not (folder / s).is_file()]
                if absent:
                    missing.append(f"weight shards {', '.join(absent[:3])}" + (" ..." if len(absent) > 3 else ""))
                weights = name
                break
    if weights is None:
        missing.append("weights (model.safetensors, pytorch_model.bin or a sharded *.index.json)")
    if not ((folder / "tokenizer.json").is_file()
            or ((folder / "vocab.json").is_file() and (folder / "merges.txt").is_file())):
        missing.append("a tokenizer (tokenizer.json, or vocab.json + merges.txt)")
    if not (folder / "preprocessor_config.json").is_file():
        missing.append("an image processor (preprocessor_config.json)")
    template = (folder / "chat_template.jinja").is_file() or (folder / "chat_template.json").is_file()
    if not template and (folder / "tokenizer_config.json").is_file():
        tok_config = _read_json(folder / "tokenizer_config.json")
        template = isinstance(tok_config, dict) and bool(tok_config.get("chat_template"))
    if not template:
        missing.append("a chat template (chat_template.jinja, chat_template.json or tokenizer_config.json)")
    if missing:
        raise LoraError(f"incomplete checkpoint {folder}: missing " + "; ".join(missing))
    return model_type


# --------------------------------------------------------------------------------------------
# loading


@dataclass
class Base:
    """A loaded base checkpoint: model, tokenizer, image processor and where it runs."""

    folder: Path
    model: Any
    tokenizer: Any
    image_processor: Any
    device: Any
    dtype: Any
    image_token_id: int
    merge_size: int
    pad_token_id: int
    end_token_id: int | None
    takes_mm_token_type_ids: bool


def _device_and_dtype(config: LoraConfig):
    import torch

    if config.device == "auto":
        device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    else:
        device = torch.device(config.device)
        if device.type == "cuda" and not torch.cuda.is_available():
            raise LoraError(f"LoraConfig.device is {config.device!r} but torch sees no CUDA device")
    if config.dtype == "auto":
        bf16 = device.type == "cuda" and torch.cuda.is_bf16_supported()
        dtype = torch.bfloat16 if bf16 else torch.float32
    else:
        dtype = getattr(torch, config.dtype)
    return device, dtype


def _chat_template(folder: Path, tokenizer: Any) -> str:
    if getattr(tokenizer, "chat_template", None):
        return tokenizer.chat_template
    if (folder / "chat_template.jinja").is_file():
        return (folder / "chat_template.jinja").read_text(encoding="utf-8")
    if (folder / "chat_template.json").is_file():
        data = _read_json(folder / "chat_template.json")
        if isinstance(data, dict) and isinstance(data.get("chat_template"), str):
            return data["chat_template"]
    raise LoraError(f"{folder}: no chat template found")


def load_base(base_model: Path, config: LoraConfig = LoraConfig()) -> Base:
    """Check and load the checkpoint ``base_model`` (model in ``config``'s dtype on its device)."""
    import inspect

    folder = Path(base_model)
    check_checkpoint(folder)
    hf_offline()
    from transformers import AutoImageProcessor, AutoModelForImageTextToText, AutoTokenizer

    device, dtype = _device_and_dtype(config)
    try:
        tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
        image_processor = AutoImageProcessor.from_pretrained(folder, local_files_only=True)
        model = AutoModelForImageTextToText.from_pretrained(folder, local_files_only=True, dtype=dtype)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError, ImportError) as exc:
        raise LoraError(f"cannot load {folder}: {one_line(exc)}") from None
    tokenizer.chat_template = _chat_template(folder, tokenizer)
    model.to(device)
    cfg = model.config
    image_token_id = getattr(cfg, "image_token_id", None)
    if image_token_id is None:
        raise LoraError(f"{folder}: config.json has no image_token_id")
    merge_size = int(getattr(image_processor, "merge_size", None)
                     or getattr(cfg.vision_config, "spatial_merge_size", 2))
    pad = tokenizer.pad_token_id
    if pad is None:
        text_cfg = getattr(cfg, "text_config", cfg)
        pad = getattr(text_cfg, "pad_token_id", None)
    if pad is None:
        pad = tokenizer.eos_token_id if tokenizer.eos_token_id is not None else 0
    end = tokenizer.convert_tokens_to_ids("<|im_end|>")
    if end is None or end == tokenizer.unk_token_id:
        end = tokenizer.eos_token_id
    takes = "mm_token_type_ids" in inspect.signature(model.forward).parameters
    return Base(folder=folder, model=model, tokenizer=tokenizer, image_processor=image_processor, device=device,
                dtype=dtype, image_token_id=int(image_token_id), merge_size=merge_size, pad_token_id=int(pad),
                end_token_id=end, takes_mm_token_type_ids=takes)


# --------------------------------------------------------------------------------------------
# encoding


@dataclass
class Encoded:
    """One tokenized example: ids and labels (image tokens expanded) and its images' grids."""

    id: str
    input_ids: list[int]
    labels: list[int]
    images: list[str]
    image_grid_thw: list[tuple[int, int, int]]


def _open_images(paths: list[str]) -> list[Any]:
    from PIL import Image

    out = []
    for p in paths:
        try:
            with Image.open(p) as im:
                im.load()
                out.append(im.copy())
        except OSError as exc:
            raise LoraError(f"cannot read image {p}: {one_line(exc)}") from None
    return out


def _pixels(base: Base, paths: list[str]) -> dict:
    return base.image_processor(images=_open_images(paths), return_tensors="pt")


def _render(base: Base, messages: list[dict], generation_prompt: bool) -> str:
    try:
        text = base.tokenizer.apply_chat_template(messages, tokenize=False,
                                                  add_generation_prompt=generation_prompt)
    except Exception as exc:  # jinja errors come in many classes; all mean the template cannot render these messages
        raise LoraError(f"chat template failed: {one_line(exc)}") from None
    if not isinstance(text, str):
        raise LoraError("chat template did not render text")
    return text


def _ids(base: Base, text: str) -> list[int]:
    return list(base.tokenizer(text, add_special_tokens=False)["input_ids"])


def encode_example(base: Base, record: dict) -> Encoded:
    """Tokenize one :func:`read_hf` record with its loss mask (see the module docs)."""
    messages = record["messages"]
    prompt = _render(base, messages[:-1], True)
    full = _render(base, messages, False)
    if not full.startswith(prompt):
        raise LoraError(f"example {record['id']}: the chat template's conversation does not start with its "
                        "generation prompt; cannot tell the program's tokens apart")
    prompt_ids = _ids(base, prompt)
    completion_ids = _ids(base, full[len(prompt):])
    grids: list[tuple[int, int, int]] = []
    if record["images"]:
        grid = _pixels(base, record["images"])["image_grid_thw"]
        grids = [tuple(int(v) for v in row) for row in grid.tolist()]
    placeholders = prompt_ids.count(base.image_token_id) + completion_ids.count(base.image_token_id)
    if placeholders != len(grids) or base.image_token_id in completion_ids:
        raise LoraError(f"example {record['id']}: the chat template wrote {placeholders} image placeholders "
                        f"for {len(grids)} images")
    expanded: list[int] = []
    k = 0
    for tok in prompt_ids:
        if tok == base.image_token_id:
            t, h, w = grids[k]
            expanded.extend([tok] * (t * h * w // base.merge_size ** 2))
            k += 1
        else:
            expanded.append(tok)
    labels = [IGNORE_INDEX] * len(expanded) + list(completion_ids)
    if base.end_token_id is not None and base.end_token_id in completion_ids:
        last = len(completion_ids) - 1 - completion_ids[::-1].index(base.end_token_id)
        for i in range(len(expanded) + last + 1, len(labels)):
            labels[i] = IGNORE_INDEX
    return Encoded(id=record["id"], input_ids=expanded + list(completion_ids), labels=labels,
                   images=list(record["images"]), image_grid_thw=grids)


def collate(base: Base, batch: list[Encoded]) -> dict:
    """Model inputs for ``batch`` (right-padded), on the base model's device, labels included."""
    import torch

    width = max(len(e.input_ids) for e in batch)
    ids = torch.full((len(batch), width), base.pad_token_id, dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    labels = torch.full((len(batch), width), IGNORE_INDEX, dtype=torch.long)
    for row, e in enumerate(batch):
        n = len(e.input_ids)
        ids[row, :n] = torch.tensor(e.input_ids, dtype=torch.long)
        mask[row, :n] = 1
        labels[row, :n] = torch.tensor(e.labels, dtype=torch.long)
    inputs = {"input_ids": ids, "attention_mask": mask, "labels": labels}
    paths = [p for e in batch for p in e.images]
    if paths:
        pix = _pixels(base, paths)
        grid = pix["image_grid_thw"]
        expected = [g for e in batch for g in e.image_grid_thw]
        if [tuple(int(v) for v in row) for row in grid.tolist()] != expected:
            raise LoraError("image grids changed between encoding and batching")
        inputs["pixel_values"] = pix["pixel_values"].to(base.dtype)
        inputs["image_grid_thw"] = grid
    if base.takes_mm_token_type_ids:
        inputs["mm_token_type_ids"] = (ids == base.image_token_id).to(torch.int32)
    return {k: v.to(base.device) for k, v in inputs.items()}


# --------------------------------------------------------------------------------------------
# training


def _peft_model(base: Base, config: LoraConfig) -> Any:
    from peft import LoraConfig as PeftLoraConfig
    from peft import get_peft_model

    pattern = r"^(?!.*visual).*\.(" + "|".join(config.target_modules) + r")$"
    peft_config = PeftLoraConfig(r=config.rank, lora_alpha=config.alpha, lora_dropout=float(config.dropout),
                                 target_modules=pattern, bias="none", task_type="CAUSAL_LM")
    try:
        return get_peft_model(base.model, peft_config)
    except ValueError as exc:
        raise LoraError(f"LoRA cannot wrap {base.folder}: {one_line(exc)}") from None


def _encode_all(base: Base, records: list[dict], max_length: int) -> tuple[list[Encoded], int]:
    kept, skipped, shortest = [], 0, None
    for rec in records:
        enc = encode_example(base, rec)
        if len(enc.input_ids) > max_length:
            log.warning("example %s is %d tokens, over max_length %d: skipped", enc.id, len(enc.input_ids), max_length)
            skipped += 1
            shortest = len(enc.input_ids) if shortest is None else min(shortest, len(enc.input_ids))
            continue
        kept.append(enc)
    if not kept:
        raise LoraError(f"every example is longer than max_length={max_length} tokens (the shortest has "
                        f"{shortest}); raise LoraConfig.max_length")
    return kept, skipped


def _batches(n: int, config: LoraConfig):
    import numpy as np

    rng = np.random.default_rng(config.seed)
    while True:
        order = rng.permutation(n).tolist()
        for start in range(0, n, config.batch_size):
            yield order[start:start + config.batch_size]


def fit(base: Base, records: list[dict], config: LoraConfig = LoraConfig(),
        progress: Callable[[int, float], None] | None = None) -> tuple[Any, dict]:
    """Wrap ``base.model`` with LoRA and train it on ``records`` (:func:`read_hf` output); returns the
    peft model (in eval mode) and the result dict (without ``seconds``)."""
    import torch

    if not records:
        raise LoraError("the dataset holds no examples")
    encoded, skipped = _encode_all(base, records, config.max_length)
    devices = [base.device.index or 0] if base.device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(config.seed)
        model = _peft_model(base, config)
        if config.gradient_checkpointing:
            model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        if hasattr(model.config, "use_cache"):
            model.config.use_cache = False
        params = [p for p in model.parameters() if p.requires_grad]
        optimizer = torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)
        model.train()
        losses: list[float] = []
        batches = _batches(len(encoded), config)
        for step in range(1, config.steps + 1):
            inputs = collate(base, [encoded[i] for i in next(batches)])
            loss = model(**inputs).loss
            if not torch.isfinite(loss):
                raise LoraError(f"loss became {loss.item()} at step {step}; lower LoraConfig.lr")
            loss.backward()
            if config.max_grad_norm > 0:
                torch.nn.utils.clip_grad_norm_(params, config.max_grad_norm)
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            losses.append(float(loss.detach().float().item()))
            if progress is not None:
                progress(step, losses[-1])
        model.eval()
    result = {
        "losses": losses,
        "steps": config.steps,
        "device": base.device.type,
        "dtype": str(base.dtype).removeprefix("torch."),
        "trainable_params": sum(p.numel() for p in params),
        "total_params": sum(p.numel() for p in model.parameters()),
        "examples": len(encoded),
        "skipped": skipped,
    }
    return model, result


def save_adapter(model: Any, base: Base, out_dir: Path, summary: dict | None = None) -> Path:
    """Write the adapter, tokenizer (with chat template), image processor and ``training.json`` to
    ``out_dir`` atomically (temporary sibling folder + rename)."""
    out_dir = Path(out_dir)
    if not out_dir.parent.is_dir():
        raise LoraError(f"output folder {out_dir.parent} does not exist")
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=out_dir.parent))
    try:
        model.save_pretrained(tmp, save_embedding_layers=False)
        base.tokenizer.save_pretrained(tmp)
        base.image_processor.save_pretrained(tmp)
        if summary is not None:
            text = json.dumps(summary, sort_keys=True, indent=2) + "\n"
            (tmp / TRAINING_FILE).write_text(text, encoding="utf-8")
        os.chmod(tmp, 0o755)
        replace_dir(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir


def train_lora(dataset_dir: Path, base_model: Path, out_dir: Path, config: LoraConfig = LoraConfig(),
               progress: Callable[[int, float], None] | None = None) -> dict:
    """LoRA-train ``base_model`` on the :func:`~worldsmith.improve.export.export_hf` folder
    ``dataset_dir`` and save the adapter to ``out_dir`` (see the module docs); returns
    ``{"losses", "steps", "device", "dtype", "trainable_params", "total_params", "examples",
    "skipped", "seconds"}``."""
    start = time.perf_counter()
    if not isinstance(config, LoraConfig):
        raise LoraError(f"config must be a LoraConfig, got {type(config).__name__}")
    _require_peft()
    check_checkpoint(Path(base_model))
    records = read_hf(Path(dataset_dir))
    if not records:
        raise LoraError(f"{dataset_dir} holds no examples")
    if not Path(out_dir).parent.is_dir():
        raise LoraError(f"output folder {Path(out_dir).parent} does not exist")
    base = load_base(Path(base_model), config)
    model, result = fit(base, records, config, progress)
    summary = {"base_model": str(Path(base_model).resolve()), "config": dataclasses.asdict(config),
               **{k: v for k, v in result.items()}}
    save_adapter(model, base, Path(out_dir), summary)
    result["seconds"] = time.perf_counter() - start
    return result


def load_adapter(base_model: Path, adapter_dir: Path, config: LoraConfig = LoraConfig()) -> tuple[Any, Base]:
    """The base checkpoint with the LoRA adapter from ``adapter_dir`` applied (eval mode), and the
    :class:`Base` it wraps (tokenizer, image processor, device)."""
    _require_peft()
    adapter_dir = Path(adapter_dir)
    if not (adapter_dir / "adapter_config.json").is_file():
        raise LoraError(f"{adapter_dir} is not a LoRA adapter: it has no adapter_config.json")
    base = load_base(Path(base_model), config)
    from peft import PeftModel

    try:
        model = PeftModel.from_pretrained(base.model, adapter_dir, is_trainable=False)
    except (OSError, ValueError, KeyError, RuntimeError) as exc:
        raise LoraError(f"cannot load adapter {adapter_dir}: {one_line(exc)}") from None
    model.eval()
    return model, base
