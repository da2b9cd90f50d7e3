"""Optional CLIP score: how well the renders of a scene match its prompt, by a local CLIP checkpoint.

The score is off unless the user points ``--clip-model DIR`` at a CLIP checkpoint folder on disk
(nothing is ever downloaded). :func:`clip_score` is the entry point the pipeline and CLI call::

    clip_score(images, text)                    -> {"enabled": False, "reason": "no --clip-model given"}
    clip_score(images, text, model_dir="ckpt")  -> {"enabled": True, "model": "/abs/ckpt",
                                                    "score": 27.4, "per_image": [26.1, 28.7]}

Definitions
-----------
* **Per-image score**: ``100 * max(cos(image_emb, text_emb), 0)``, where ``image_emb`` and
  ``text_emb`` are the projected CLIP embeddings (``CLIPModel.get_image_features`` /
  ``get_text_features``) and ``cos`` is their cosine similarity. This is the CLIPScore of
  Hessel et al. 2021 ("CLIPScore: A Reference-free Evaluation Metric for Image Captioning") with
  the weight ``w = 100`` used by torchmetrics and most text-to-image papers, instead of the
  paper's ``w = 2.5`` (divide by 40 to get the paper's number). Range ``[0, 100]``; a negative
  cosine counts as 0 (the ``max``), as in the paper.
* **Score**: the mean of the per-image scores (every render weighs the same).
* **Images**: ``uint8`` numpy arrays of shape ``(H, W, 3)`` (RGB renders) of any size; an
  ``(H, W, 4)`` RGBA render is accepted and its alpha dropped. Each image goes through the
  checkpoint's own image processor (for CLIP: resize the shortest edge, centre crop, scale to
  [0, 1], normalize by the CLIP mean and std), so different sizes in one call are fine. Images are
  embedded one at a time, so an image's score is bit-for-bit the same whatever other images share
  the call (batched matrix products differ from single ones in the last bits, measured ~6e-8 in
  the cosine); on the CPU batching gains little.
* **Text**: tokenized by the checkpoint's tokenizer, truncated to the model's
  ``text_config.max_position_embeddings`` tokens (77 for OpenAI CLIP) including the start and end
  tokens; the tail of a longer prompt does not count.

Inference runs on the CPU in ``eval`` mode under ``torch.no_grad``; the same checkpoint, images and
text give the same numbers (float32 arithmetic, no sampling, no dropout).

Loading
-------
:func:`load_clip(model_dir) <load_clip>` returns a :class:`ClipScorer`, cached per resolved path
(:data:`CACHE_SIZE` checkpoints at most; :func:`clear_clip_cache` empties it). A checkpoint folder
is what ``CLIPModel.save_pretrained`` plus ``CLIPProcessor.save_pretrained`` (or the tokenizer's
and image processor's ``save_pretrained``) write, i.e. the layout of ``openai/clip-vit-base-patch32``:

* ``config.json`` with ``"model_type": "clip"``;
* weights: ``model.safetensors`` or ``pytorch_model.bin`` (or their sharded ``*.index.json``);
* tokenizer: ``tokenizer.json``, or ``vocab.json`` + ``merges.txt``;
* image processor: ``preprocessor_config.json``, or ``processor_config.json`` with an
  ``image_processor`` entry.

The folder is checked before transformers is imported, so a wrong path fails fast with a message
that lists every missing piece. Loading uses ``CLIPModel.from_pretrained`` and
``CLIPProcessor.from_pretrained`` with ``local_files_only=True``; ``HF_HUB_OFFLINE=1`` and
``TRANSFORMERS_OFFLINE=1`` are set in ``os.environ`` first where the user has not set them. Every
failure raises :class:`ClipUnavailableError` with a one-line message. Without torchvision (the
project never installs it, STACK.md) transformers falls back to the PIL image processor
(``CLIPImageProcessorPil``) with the same settings.

torch and transformers are imported inside :func:`load_clip` only, so importing this module stays
light.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ..scene.env import hf_offline
from ..scene.errors import WorldsmithError, one_line

#: what ``clip_score`` says when no checkpoint was given
OFF_REASON = "no --clip-model given"
#: how to get the packages the score needs
INSTALL_HINT = "pip install 'worldsmith[learn]' torch"
#: weight of the clamped cosine (torchmetrics' convention; CLIPScore paper: 2.5)
SCORE_WEIGHT = 100.0
#: checkpoints kept loaded by :func:`load_clip`
CACHE_SIZE = 4

WEIGHT_FILES = ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin",
                "pytorch_model.bin.index.json")


class ClipUnavailableError(WorldsmithError):
    """The CLIP score was asked for but cannot run: the checkpoint folder is missing or is not a
    complete CLIP checkpoint, or torch / transformers are not installed."""


class ClipInputError(WorldsmithError, ValueError):
    """The images or text given to :meth:`ClipScorer.score` are not what it takes."""


def _check_folder(folder: Path) -> None:
    """Raise :class:`ClipUnavailableError` unless ``folder`` looks like a complete CLIP checkpoint."""
    if not folder.exists():
        raise ClipUnavailableError(f"CLIP checkpoint folder not found: {folder}")
    if not folder.is_dir():
        raise ClipUnavailableError(f"CLIP checkpoint must be a folder, got a file: {folder}")
    config_path = folder / "config.json"
    if not config_path.is_file():
        raise ClipUnavailableError(f"{folder} is not a CLIP checkpoint: it has no config.json")
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ClipUnavailableError(f"{folder} is not a CLIP checkpoint: config.json is unreadable "
                                   f"({one_line(exc)})") from exc
    model_type = config.get("model_type") if isinstance(config, dict) else None
    if model_type != "clip":
        raise ClipUnavailableError(f"{folder} is not a CLIP checkpoint: config.json has model_type "
                                   f"{model_type!r}, expected 'clip'")
    missing = []
    if not any((folder / name).is_file() for name in WEIGHT_FILES):
        missing.append("weights (model.safetensors or pytorch_model.bin)")
    if not ((folder / "tokenizer.json").is_file()
            or ((folder / "vocab.json").is_file() and (folder / "merges.txt").is_file())):
        missing.append("tokenizer (tokenizer.json, or vocab.json + merges.txt)")
    if not ((folder / "preprocessor_config.json").is_file() or _has_nested_image_processor(folder)):
        missing.append("image processor (preprocessor_config.json)")
    if missing:
        raise ClipUnavailableError(f"CLIP checkpoint {folder} is incomplete: missing {'; '.join(missing)}")


def _has_nested_image_processor(folder: Path) -> bool:
    path = folder / "processor_config.json"
    if not path.is_file():
        return False
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(data, dict) and isinstance(data.get("image_processor"), dict)


def _pooled(out: Any) -> Any:
    """The embedding tensor from ``get_*_features``: a tensor in transformers 4.x, a
    ``BaseModelOutputWithPooling`` (projected ``pooler_output``) in 5.x."""
    return out if not hasattr(out, "pooler_output") else out.pooler_output


def _as_rgb(image: Any, index: int) -> np.ndarray:
    arr = np.asarray(image)
    if arr.dtype != np.uint8:
        raise ClipInputError(f"images[{index}] must be a uint8 array, got dtype {arr.dtype}")
    if arr.ndim != 3 or arr.shape[2] not in (3, 4) or arr.shape[0] < 1 or arr.shape[1] < 1:
        raise ClipInputError(f"images[{index}] must have shape (H, W, 3), got {arr.shape}")
    return np.ascontiguousarray(arr[:, :, :3])


class ClipScorer:
    """A loaded CLIP model and processor; :meth:`score` rates images against a text.

    Build it with :func:`load_clip`. ``model_dir`` is the resolved checkpoint folder,
    ``max_text_tokens`` the text length the model takes (longer texts are truncated).
    """

    def __init__(self, model: Any, processor: Any, model_dir: Path):
        self.model = model
        self.processor = processor
        self.model_dir = model_dir
        self.max_text_tokens = int(model.config.text_config.max_position_embeddings)

    def per_image(self, images: Sequence[np.ndarray], text: str) -> list[float]:
        """``100 * max(cos, 0)`` for each image, in order (see the module doc)."""
        if not isinstance(text, str):
            raise ClipInputError(f"text must be a string, got {type(text).__name__}")
        if isinstance(images, np.ndarray) and images.ndim == 3:
            raise ClipInputError("images must be a sequence of (H, W, 3) arrays, got one array")
        arrays = [_as_rgb(im, i) for i, im in enumerate(images)]
        if not arrays:
            raise ClipInputError("images is empty: the CLIP score needs at least one render")
        import torch
        from PIL import Image

        tokens = self.processor.tokenizer(text, truncation=True, max_length=self.max_text_tokens,
                                          return_tensors="pt")
        with torch.no_grad():
            text_emb = _pooled(self.model.get_text_features(input_ids=tokens["input_ids"],
                                                            attention_mask=tokens["attention_mask"]))
            text_emb = text_emb / text_emb.norm(dim=-1, keepdim=True)
            cosines: list[float] = []
            for arr in arrays:
                pixels = self.processor.image_processor(images=[Image.fromarray(arr)],
                                                        return_tensors="pt")["pixel_values"]
                image_emb = _pooled(self.model.get_image_features(pixel_values=pixels))
                image_emb = image_emb / image_emb.norm(dim=-1, keepdim=True)
                cosines.append(float(image_emb[0] @ text_emb[0]))
        return [SCORE_WEIGHT * max(c, 0.0) for c in cosines]

    def score(self, images: Sequence[np.ndarray], text: str) -> float:
        """The mean of :meth:`per_image`: the CLIP score of the renders against the text."""
        values = self.per_image(images, text)
        return float(sum(values) / len(values))


@functools.lru_cache(maxsize=CACHE_SIZE)
def _load_resolved(folder: Path) -> ClipScorer:
    _check_folder(folder)
    hf_offline()
    try:
        import torch  # noqa: F401
        from transformers import CLIPModel, CLIPProcessor
    except ImportError as exc:
        raise ClipUnavailableError(f"the CLIP score needs torch and transformers ({one_line(exc)}): "
                                   f"{INSTALL_HINT}") from exc
    try:
        model = CLIPModel.from_pretrained(str(folder), local_files_only=True)
    except Exception as exc:  # transformers raises OSError, ValueError, RuntimeError, ... here
        raise ClipUnavailableError(f"could not load the CLIP model from {folder}: {one_line(exc)}") from exc
    try:
        processor = CLIPProcessor.from_pretrained(str(folder), local_files_only=True)
    except Exception as exc:  # a broken tokenizer or image-processor file
        raise ClipUnavailableError(f"could not load the CLIP tokenizer / image processor from {folder}: "
                                   f"{one_line(exc)}") from exc
    model.eval()
    return ClipScorer(model, processor, folder)


def load_clip(model_dir: str | os.PathLike) -> ClipScorer:
    """The :class:`ClipScorer` of the checkpoint folder ``model_dir``, loaded once per resolved
    path. Raises :class:`ClipUnavailableError` (one line) when it cannot be loaded."""
    return _load_resolved(Path(model_dir).expanduser().resolve())


def clear_clip_cache() -> None:
    """Forget every checkpoint :func:`load_clip` has loaded (the next call loads from disk)."""
    _load_resolved.cache_clear()


def clip_score(images: Sequence[np.ndarray], text: str,
               model_dir: str | os.PathLike | None = None) -> dict[str, Any]:
    """The CLIP score of ``images`` (renders) against ``text`` (the prompt), as a JSON-ready dict.

    Without ``model_dir`` the score is off: ``{"enabled": False, "reason": "no --clip-model given"}``
    (nothing is loaded or imported). With it: ``{"enabled": True, "model": <resolved folder>,
    "score": <mean>, "per_image": [<score of each image>]}``; see the module doc for the definition.
    """
    if model_dir is None:
        return {"enabled": False, "reason": OFF_REASON}
    scorer = load_clip(model_dir)
    per_image = scorer.per_image(images, text)
    return {"enabled": True, "model": str(scorer.model_dir), "score": float(sum(per_image) / len(per_image)),
            "per_image": per_image}
