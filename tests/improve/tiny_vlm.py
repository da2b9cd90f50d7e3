"""Build a tiny, randomly initialised Qwen2-VL (or Qwen2.5-VL) checkpoint folder for the LoRA tests.

Import it as ``from tests.improve.tiny_vlm import build_tiny_vlm`` (pytest runs in importlib mode,
so test folders are not packages on the path; the repository root is).

What :func:`build_tiny_vlm` writes, all with ``save_pretrained`` so the trainer loads it exactly like
a downloaded checkpoint (``config.json``, ``model.safetensors``, ``tokenizer.json``,
``tokenizer_config.json``, ``chat_template.jinja``, ``preprocessor_config.json``):

* **Tokenizer**: a byte-level BPE trained here with the ``tokenizers`` library on DSL text
  (:data:`CORPUS`) to :data:`VOCAB_SIZE` entries, with Qwen2's pre-tokenizer (its split regex + byte
  level), wrapped as ``Qwen2Tokenizer``. Special tokens as in Qwen2-VL: ``<|endoftext|>`` (pad),
  ``<|im_start|>``, ``<|im_end|>`` (end of turn, eos), ``<|vision_start|>``, ``<|vision_end|>``,
  ``<|image_pad|>``, ``<|video_pad|>``.
* **Chat template** (:data:`CHAT_TEMPLATE`): the Qwen2-VL layout ``<|im_start|>{role}\\n{content}<|im_end|>\\n``,
  a default system turn when none is given, ``<|vision_start|><|image_pad|><|vision_end|>`` for an
  image part, and ``<|im_start|>assistant\\n`` as the generation prompt.
* **Image processor**: ``Qwen2VLImageProcessorPil`` (no torchvision) with 14 px patches, 2x2 merge,
  and ``min_pixels = max_pixels = 56*56`` so every image becomes 4x4 patches = 4 image tokens
  (for square inputs; the aspect ratio is kept, rounded to 28 px).
* **Model**: ``Qwen2VLForConditionalGeneration`` (or ``Qwen2_5_VLForConditionalGeneration``) from a
  config: text hidden 64, 2 layers, 4 heads (2 key/value heads, head dim 16, M-RoPE sections
  [2, 3, 3]), MLP 128; vision tower 1 block of width 32 with 2 heads, merger to 64. Weights are
  drawn under ``torch.manual_seed(seed)`` inside ``fork_rng`` (the global state is left alone).
"""

from __future__ import annotations

import json
from pathlib import Path

SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|vision_start|>", "<|vision_end|>",
                  "<|image_pad|>", "<|video_pad|>"]
VOCAB_SIZE = 600
CORPUS = [
    "room('studio', width=5.2, depth=4.4, height=2.8)",
    "door('wall_0', at=0.3, width=0.9)",
    "window('wall_2', at=0.5, width=1.6, height=1.2, sill=0.9)",
    "material('floor', 'light oak planks')",
    "sofa = add('sofa', color='charcoal', style='modern')",
    "tv = add('tv_stand'); place(tv, against='wall_2')",
    "place(sofa, against='wall_0', facing=tv)",
    "table = add('coffee_table'); place(table, between=(sofa, tv))",
    "place(add('floor_lamp'), next_to=sofa, side='left')",
    "light('ceiling', at=(2.6, 2.2), watts=60, kelvin=2700)",
    "fill(table, ['book', 'mug', 'candle'], count=4)",
    "easel = add('easel', style='vintage'); place(easel, against='wall_1')",
    "You write Worldsmith DSL programs. Build the room the user asks for.",
    "a bohemian art studio with a vintage easel",
    "a cozy living room with a sofa and a tv",
    "system user assistant",
]

CHAT_TEMPLATE = (
    "{%- for message in messages -%}"
    "{%- if loop.first and message['role'] != 'system' -%}"
    "{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}"
    "{%- endif -%}"
    "{{ '<|im_start|>' + message['role'] + '\\n' }}"
    "{%- if message['content'] is string -%}{{ message['content'] }}"
    "{%- else -%}{%- for part in message['content'] -%}"
    "{%- if part['type'] == 'image' -%}{{ '<|vision_start|><|image_pad|><|vision_end|>' }}"
    "{%- elif part['type'] == 'text' -%}{{ part['text'] }}{%- endif -%}"
    "{%- endfor -%}{%- endif -%}"
    "{{ '<|im_end|>\\n' }}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ '<|im_start|>assistant\\n' }}{%- endif -%}"
)

TEXT = dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
            num_key_value_heads=2, max_position_embeddings=4096)
ROPE = {"rope_type": "default", "mrope_section": [2, 3, 3], "rope_theta": 10000.0}
IMAGE_PIXELS = 56 * 56


def build_tokenizer(extra_text: tuple[str, ...] = (), vocab_size: int = VOCAB_SIZE):
    """The tiny Qwen2 tokenizer (trained BPE + Qwen special tokens + chat template); ``extra_text``
    joins the training corpus (a test whose examples carry the VLM policy's long system prompt
    trains on it, so an example fits a tiny model's context)."""
    from tokenizers import Regex, Tokenizer, models, pre_tokenizers, trainers
    from transformers import Qwen2Tokenizer
    from transformers.models.qwen2.tokenization_qwen2 import PRETOKENIZE_REGEX

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(PRETOKENIZE_REGEX), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=SPECIAL_TOKENS, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    bpe.train_from_iterator(list(CORPUS) + list(extra_text), trainer)
    state = json.loads(bpe.to_str())
    vocab = state["model"]["vocab"]
    merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in state["model"]["merges"]]
    tokenizer = Qwen2Tokenizer(vocab=vocab, merges=merges, eos_token="<|im_end|>", pad_token="<|endoftext|>",
                               unk_token="<|endoftext|>")
    tokenizer.add_special_tokens({"additional_special_tokens": SPECIAL_TOKENS[1:]})
    tokenizer.chat_template = CHAT_TEMPLATE
    return tokenizer


def build_tiny_vlm(folder: Path, family: str = "qwen2_vl", seed: int = 0, extra_text: tuple[str, ...] = (),
                   vocab_size: int = VOCAB_SIZE) -> Path:
    """Write a tiny random ``family`` (``qwen2_vl`` or ``qwen2_5_vl``) checkpoint to ``folder``
    (``extra_text``, ``vocab_size``: see :func:`build_tokenizer`)."""
    import torch
    from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer = build_tokenizer(extra_text, vocab_size)
    ids = {t: tokenizer.convert_tokens_to_ids(t) for t in SPECIAL_TOKENS}
    text = dict(TEXT, vocab_size=len(tokenizer), rope_parameters=dict(ROPE), bos_token_id=ids["<|endoftext|>"],
                eos_token_id=ids["<|im_end|>"], pad_token_id=ids["<|endoftext|>"])
    special = dict(image_token_id=ids["<|image_pad|>"], video_token_id=ids["<|video_pad|>"],
                   vision_start_token_id=ids["<|vision_start|>"], vision_end_token_id=ids["<|vision_end|>"])
    if family == "qwen2_vl":
        from transformers import Qwen2VLConfig, Qwen2VLForConditionalGeneration

        vision = dict(depth=1, embed_dim=32, hidden_size=TEXT["hidden_size"], num_heads=2, mlp_ratio=2,
                      patch_size=14, spatial_merge_size=2, temporal_patch_size=2)
        config = Qwen2VLConfig(text_config=text, vision_config=vision, **special)
        model_class = Qwen2VLForConditionalGeneration
    elif family == "qwen2_5_vl":
        from transformers import Qwen2_5_VLConfig, Qwen2_5_VLForConditionalGeneration

        vision = dict(depth=1, hidden_size=32, intermediate_size=64, num_heads=2,
                      out_hidden_size=TEXT["hidden_size"], patch_size=14, spatial_merge_size=2,
                      temporal_patch_size=2, window_size=56, fullatt_block_indexes=[0])
        config = Qwen2_5_VLConfig(text_config=text, vision_config=vision, **special)
        model_class = Qwen2_5_VLForConditionalGeneration
    else:
        raise ValueError(f"unknown family {family!r}")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = model_class(config)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    Qwen2VLImageProcessorPil(min_pixels=IMAGE_PIXELS, max_pixels=IMAGE_PIXELS).save_pretrained(folder)
    return folder
