"""The local policy's language model: a small GPT-2 built from a config, trained from scratch on CPU.

One sequence per example: ``context`` (:meth:`DSLTokenizer.encode_context`: the prompt as
pointer/word pairs and the text observation of one step, :mod:`.steps`) followed by ``target``
(the step's block and ``<eos>``; just ``<eos>`` for the step that ends the episode). The loss is
a weighted mean next-token cross-entropy over the *target* tokens only (the context is given,
never predicted).

* :class:`ModelConfig`: the architecture and the optimiser settings; :data:`DEFAULT` fits two CPU
  cores (3 rounds on 50 prompts in under 30 minutes, ``bench/improve_local.py`` measures it),
  :data:`TINY` a CI round in under 2 minutes.
* :func:`build_model`: ``transformers.GPT2LMHeadModel`` from a ``GPT2Config`` (tied input and
  output embeddings: copying a word the prompt shows is cheap for the model), initialised from
  ``torch.manual_seed(seed)``.
* :func:`train`: the target loss (:func:`target_loss`: each step's first target token -- stop, or
  which call -- weighs :attr:`ModelConfig.decision_weight`, as much as a few blocks' worth of
  argument tokens; a stop is a single token and was otherwise drowned by them), AdamW, linear
  warm-up then cosine decay, gradient clipping at 1.0, examples
  shuffled each epoch by a seeded generator and packed into batches of at most
  ``batch_tokens`` padded tokens (sorted by length inside a shuffled window so padding stays small).
* :func:`sample`: batched autoregressive sampling with a key/value cache (left-padded contexts,
  explicit position ids), temperature and top-k, from a seeded ``torch.Generator``; stops at
  ``<eos>`` or ``max_new`` tokens. ``temperature == 0`` is greedy. With a
  :class:`~worldsmith.improve.local.tokenizer.Grammar`, tokens that would leave a string
  unterminated or a bracket unbalanced, break a call's signature or name a category outside the
  catalog are masked out before each draw.
* :func:`save` / :func:`load`: a checkpoint folder: the transformers model
  (``save_pretrained``), ``tokenizer.json`` and ``local_policy.json`` (the :class:`ModelConfig`).

torch and transformers are imported inside the functions.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from .tokenizer import DSLTokenizer


@dataclass(frozen=True)
class ModelConfig:
    """Architecture and training settings of the local policy model."""

    n_embd: int = 128
    n_layer: int = 4
    n_head: int = 4
    n_positions: int = 2048
    #: epochs of the first training (from scratch) and of each later round (continuing; one: more
    #: epochs over nearly the same samples cost held-out plausibility, see docs/improve.md)
    epochs_first: int = 10
    epochs_more: int = 1
    lr: float = 3e-3
    weight_decay: float = 0.01
    warmup_steps: int = 50
    #: padded tokens per batch: about six steps (observation and block) per optimiser step; the
    #: 50 kept rooms of round 1 are about 1,800 steps
    batch_tokens: int = 1300
    #: loss weight of each target's first token (the step's decision: stop, or which call) against
    #: 1 for every other token
    decision_weight: float = 5.0
    seed: int = 0

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


DEFAULT = ModelConfig()
TINY = ModelConfig(n_embd=64, n_layer=2, n_head=2, epochs_first=6, epochs_more=2, lr=3e-3, warmup_steps=5)


def _torch():
    import torch

    return torch


def build_model(config: ModelConfig, vocab_size: int):
    """A freshly initialised ``GPT2LMHeadModel`` (see the module doc)."""
    torch = _torch()
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(config.seed)
    cfg = GPT2Config(vocab_size=vocab_size, n_positions=config.n_positions, n_embd=config.n_embd,
                     n_layer=config.n_layer, n_head=config.n_head, resid_pdrop=0.0, embd_pdrop=0.0,
                     attn_pdrop=0.0, bos_token_id=1, eos_token_id=2, pad_token_id=0, tie_word_embeddings=True)
    model = GPT2LMHeadModel(cfg)
    model.eval()
    return model


def _batches(lengths: Sequence[int], batch_tokens: int, gen) -> list[list[int]]:
    """Index batches: a seeded shuffle, then sorting by length inside windows of 64, then greedy
    packing up to ``batch_tokens`` padded tokens (at least one example per batch)."""
    torch = _torch()
    order = torch.randperm(len(lengths), generator=gen).tolist()
    out: list[list[int]] = []
    for w in range(0, len(order), 64):
        window = sorted(order[w:w + 64], key=lambda i: lengths[i])
        cur: list[int] = []
        longest = 0
        for i in window:
            longest2 = max(longest, lengths[i])
            if cur and longest2 * (len(cur) + 1) > batch_tokens:
                out.append(cur)
                cur, longest2 = [], lengths[i]
            cur.append(i)
            longest = longest2
        if cur:
            out.append(cur)
    perm = torch.randperm(len(out), generator=gen).tolist()
    return [out[i] for i in perm]


def target_loss(logits, targets, first: Sequence[int | None], decision_weight: float):
    """The weighted mean next-token cross-entropy over the target tokens (``targets`` -100
    elsewhere): row ``r``'s token at ``first[r]`` (its target's first; None: none) weighs
    ``decision_weight``, every other target token 1."""
    torch = _torch()
    weight = (targets != -100).float()
    for r, at in enumerate(first):
        if at is not None:
            weight[r, at] = decision_weight
    each = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),
                                             ignore_index=-100, reduction="none")
    return (each * weight.reshape(-1)).sum() / weight.sum()


def train(model, examples: Sequence[tuple[list[int], list[int]]], config: ModelConfig, epochs: int,
          progress: Callable[[int, int, float], None] | None = None) -> list[float]:
    """Train ``model`` in place on ``(context_ids, target_ids)`` pairs for ``epochs``; returns the
    mean target loss of each epoch. ``progress(step, total_steps, loss)`` after each batch."""
    torch = _torch()
    if not examples:
        return []
    gen = torch.Generator().manual_seed(config.seed)
    seqs = [list(c) + list(t) for c, t in examples]
    n_ctx = [len(c) for c, _ in examples]
    lengths = [min(len(s), config.n_positions) for s in seqs]
    plan = [_batches(lengths, config.batch_tokens, gen) for _ in range(epochs)]
    total = sum(len(p) for p in plan)
    opt = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay,
                            betas=(0.9, 0.98))

    def lr_at(step: int) -> float:
        if step < config.warmup_steps:
            return (step + 1) / config.warmup_steps
        frac = (step - config.warmup_steps) / max(1, total - config.warmup_steps)
        return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, frac)))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_at)
    model.train()
    step = 0
    losses: list[float] = []
    for batches in plan:
        tot, cnt = 0.0, 0
        for idx in batches:
            width = max(lengths[i] for i in idx)
            ids = torch.full((len(idx), width), 0, dtype=torch.long)
            labels = torch.full((len(idx), width), -100, dtype=torch.long)
            mask = torch.zeros((len(idx), width), dtype=torch.long)
            for r, i in enumerate(idx):
                s = seqs[i][:width]
                ids[r, :len(s)] = torch.tensor(s)
                mask[r, :len(s)] = 1
                labels[r, n_ctx[i]:len(s)] = torch.tensor(s[n_ctx[i]:])
            logits = model(input_ids=ids, attention_mask=mask).logits[:, :-1]
            tgt = labels[:, 1:]
            loss = target_loss(logits, tgt, [n_ctx[i] - 1 if n_ctx[i] < lengths[i] else None for i in idx],
                               config.decision_weight)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            n = int((tgt != -100).sum())
            value = loss.detach().item()
            tot += value * n
            cnt += n
            if progress:
                progress(step, total, value)
        losses.append(round(tot / max(cnt, 1), 6))
    model.eval()
    return losses


def sample(model, contexts: Sequence[list[int]], *, eos_id: int, pad_id: int = 0, temperature: float = 1.0,
           top_k: int = 0, max_new: int = 1800, seed: int = 0, batch_size: int = 32,
           grammar=None, started: Sequence[bool] | None = None,
           busy: Sequence[bool] | None = None) -> list[list[int]]:
    """Sample one continuation per context (see the module doc); returns the new ids of each
    (without the context; ending with ``eos_id`` unless ``max_new`` was reached). ``grammar``
    (a :class:`~worldsmith.improve.local.tokenizer.Grammar`, started with these contexts so
    category strings may point at their prompt's words) masks the tokens that would break the
    program's grammar or a call's signature, or name a category the catalog lacks, before each
    draw; ``started`` and ``busy`` are passed to
    :meth:`~worldsmith.improve.local.tokenizer.Grammar.start` (an episode's later blocks; those
    that may not be empty)."""
    torch = _torch()
    gen = torch.Generator().manual_seed(seed)
    out: list[list[int]] = []
    limit = model.config.n_positions
    for b in range(0, len(contexts), batch_size):
        ctxs = [list(c) for c in contexts[b:b + batch_size]]
        n = len(ctxs)
        width = max(len(c) for c in ctxs)
        ids = torch.full((n, width), pad_id, dtype=torch.long)
        mask = torch.zeros((n, width), dtype=torch.long)
        for r, c in enumerate(ctxs):
            ids[r, width - len(c):] = torch.tensor(c)
            mask[r, width - len(c):] = 1
        pos = (mask.cumsum(1) - 1).clamp(min=0)
        steps = min(max_new, limit - width)
        done = torch.zeros(n, dtype=torch.bool)
        new = torch.full((n, max(steps, 0)), pad_id, dtype=torch.long)
        with torch.no_grad():
            res = model(input_ids=ids, attention_mask=mask, position_ids=pos, use_cache=True)
            past = res.past_key_values
            logits = res.logits[:, -1]
            last_pos = pos[:, -1]
            states = (grammar.start(n, ctxs, started[b:b + batch_size] if started is not None else None,
                                    busy[b:b + batch_size] if busy is not None else None)
                      if grammar is not None else None)
            for t in range(steps):
                if states is not None:
                    allowed = torch.stack([grammar.mask(st) for st in states])
                    logits = logits.masked_fill(~allowed, float("-inf"))
                    logits = torch.where(done[:, None], torch.zeros_like(logits), logits)
                if temperature <= 0:
                    nxt = logits.argmax(-1)
                else:
                    z = logits / temperature
                    if top_k and top_k < z.shape[-1]:
                        kth = torch.topk(z, top_k, dim=-1).values[:, -1:]
                        z = z.masked_fill(z < kth, float("-inf"))
                    # Gumbel-max: argmax(z + Gumbel noise) is a draw from softmax(z) (faster than multinomial)
                    u = torch.rand(z.shape, generator=gen).clamp_(min=1e-20)
                    nxt = (z - torch.log(-torch.log(u))).argmax(-1)
                nxt = torch.where(done, torch.full_like(nxt, pad_id), nxt)
                new[:, t] = nxt
                if states is not None:
                    for r_, tid in enumerate(nxt.tolist()):
                        grammar.advance(states[r_], tid)
                done |= nxt == eos_id
                if bool(done.all()):
                    new = new[:, :t + 1]
                    break
                mask = torch.cat([mask, torch.ones((n, 1), dtype=torch.long)], 1)
                last_pos = last_pos + 1
                res = model(input_ids=nxt[:, None], attention_mask=mask, position_ids=last_pos[:, None],
                            past_key_values=past, use_cache=True)
                past = res.past_key_values
                logits = res.logits[:, -1]
        for r in range(n):
            row = new[r].tolist()
            if eos_id in row:
                row = row[:row.index(eos_id) + 1]
            out.append(row)
    return out


def _no_progress_bars() -> None:
    """No transformers "Writing model shards" / "Loading weights" bars between the loop's lines."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()


def save(model, tokenizer: DSLTokenizer, config: ModelConfig, folder: Path, extra: dict | None = None) -> None:
    """Write a checkpoint folder (``folder`` must not exist yet; the caller renames it into place)."""
    folder = Path(folder)
    folder.mkdir(parents=True)
    _no_progress_bars()
    model.save_pretrained(folder)
    (folder / "tokenizer.json").write_text(json.dumps(tokenizer.to_json()))
    meta = {"config": config.to_dict(), **(extra or {})}
    (folder / "local_policy.json").write_text(json.dumps(meta, indent=2, sort_keys=True))


def load(folder: Path):
    """``(model, tokenizer, config, meta)`` from a :func:`save` folder."""
    from transformers import GPT2LMHeadModel

    folder = Path(folder)
    meta = json.loads((folder / "local_policy.json").read_text())
    config = ModelConfig(**meta["config"])
    tokenizer = DSLTokenizer.from_json(json.loads((folder / "tokenizer.json").read_text()))
    _no_progress_bars()
    model = GPT2LMHeadModel.from_pretrained(folder, local_files_only=True)
    model.eval()
    return model, tokenizer, config, meta
