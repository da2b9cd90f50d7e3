"""The local policy model: grammar-constrained samples always parse, sampling is seeded, training
lowers the loss, checkpoints reload exactly."""

from __future__ import annotations

import ast

import pytest

from worldsmith.improve.local import model as M
from worldsmith.improve.local.tokenizer import DSLTokenizer, Grammar

PROMPT = "a small study with a desk and a bookshelf"
PROGRAM = """room('small study', width=4, depth=3.5, height=2.7)
door('wall_0', at=0.5)
h0 = add('desk', style='modern')
place(h0, against='wall_2')
h1 = add('bookshelf')
place(h1, against='wall_1')
light('ceiling', watts=60, kelvin=3000)"""


@pytest.fixture(scope="module")
def tok():
    return DSLTokenizer()


def test_an_untrained_model_under_the_grammar_writes_only_parsable_lines(tok):
    model = M.build_model(M.TINY, len(tok))
    ctx = [tok.encode_context(PROMPT, "empty scene")] * 12  # a statement ends the program half the time
    ids = M.sample(model, ctx, eos_id=tok.eos_id, temperature=1.0, max_new=250, seed=3, grammar=Grammar(tok))
    checked = 0
    for row in ids:
        text = tok.decode_program(row, PROMPT)
        lines = text.split("\n")
        if row[-1] != tok.eos_id:
            lines = lines[:-1]  # cut off by max_new mid-line
        for line in lines:
            ast.parse(line)  # raises on a syntax error
            checked += 1
    assert checked >= 6
    # without the grammar the same model writes garbage
    free = M.sample(model, ctx[:2], eos_id=tok.eos_id, temperature=1.0, max_new=250, seed=3)
    broken = 0
    for row in free:
        try:
            ast.parse(tok.decode_program(row, PROMPT))
        except SyntaxError:
            broken += 1
    assert broken >= 1


def test_sampling_is_seeded(tok):
    model = M.build_model(M.TINY, len(tok))
    ctx = [tok.encode_context(PROMPT, "empty scene")] * 3
    kw = dict(eos_id=tok.eos_id, temperature=1.0, max_new=60, grammar=Grammar(tok))
    a = M.sample(model, ctx, seed=1, **kw)
    assert a == M.sample(model, ctx, seed=1, **kw)
    assert a != M.sample(model, ctx, seed=2, **kw)
    assert len(set(map(tuple, a))) > 1  # three different samples from one context


def test_training_learns_a_program_and_the_checkpoint_reloads(tok, tmp_path):
    import torch

    cfg = M.ModelConfig(n_embd=64, n_layer=2, n_head=2, lr=3e-3, warmup_steps=5, batch_tokens=400)
    model = M.build_model(cfg, len(tok))
    ex = [(tok.encode_context(PROMPT, "empty scene"), tok.encode_program(PROGRAM, PROMPT))]
    losses = M.train(model, ex * 4, cfg, epochs=40)
    assert losses[-1] < 0.2 * losses[0]
    out = M.sample(model, [ex[0][0]], eos_id=tok.eos_id, temperature=0.0, max_new=len(ex[0][1]) + 5)
    assert tok.decode_program(out[0], PROMPT) == PROGRAM  # greedy decoding reproduces what it learned
    M.save(model, tok, cfg, tmp_path / "ckpt", {"round": 1})
    again, tok2, cfg2, meta = M.load(tmp_path / "ckpt")
    assert tok2.vocab == tok.vocab and cfg2 == cfg and meta["round"] == 1
    x = torch.tensor([ex[0][0] + ex[0][1]])
    with torch.no_grad():
        assert torch.equal(model(input_ids=x).logits, again(input_ids=x).logits)


def test_the_first_target_token_weighs_the_decision_weight():
    import torch

    torch.manual_seed(0)
    logits = torch.randn(2, 5, 11)
    targets = torch.tensor([[-100, 3, 4, 5, -100], [-100, -100, 7, -100, -100]])
    each = torch.nn.functional.cross_entropy(logits.reshape(-1, 11), targets.reshape(-1), ignore_index=-100,
                                             reduction="none").reshape(2, 5)
    # weight 1: the plain mean over the four target tokens
    assert torch.isclose(M.target_loss(logits, targets, [1, 2], 1.0), each[targets != -100].mean())
    # weight 5: each row's first target token (row 1: its one token, a stop) counts five times
    want = (5 * each[0, 1] + each[0, 2] + each[0, 3] + 5 * each[1, 2]) / 12
    assert torch.isclose(M.target_loss(logits, targets, [1, 2], 5.0), want)
    assert torch.isclose(M.target_loss(logits, targets, [None, None], 5.0), each[targets != -100].mean())
