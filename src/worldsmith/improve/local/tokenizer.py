"""A tokenizer made for DSL programs: the local policy's vocabulary.

A general-purpose BPE spends most of a small model's capacity on spelling. DSL programs are
built from a closed set of pieces, so the vocabulary is *those pieces*, collected from the package
itself (never from training data, so it is the same for every run and round):

* **specials**: ``<pad> <bos> <eos> <unk> <prompt> <obs> <prog>`` and the pointers
  ``<p0> ... <p31>`` (see below);
* **characters**: each digit, each punctuation mark, space and newline, and the three frequent
  runs ``", "``, ``" = "`` and ``"), ("``: numbers are spelled digit by digit (``4.85`` -> ``4 . 8 5``), so any number can be written with 13 tokens;
* **DSL names**: every DSL function and every parameter name (from
  :class:`worldsmith.dsl.api.ProgramContext`'s signatures), ``True``/``False``/``None`` and the
  handle names ``h0`` ... ``h31``; and their **call and keyword forms** as single tokens
  (``add(``, ``place(``, ``style=``, ``against=``): a statement's shape takes a few tokens, so a
  program is about 30 % shorter and the model spends fewer steps on syntax;
* **words**: every lower-case word of the asset catalog (category names split at ``_``), the
  material library and the offline planner's knowledge files (room types, styles, lighting,
  lexicon).

A name or word outside the vocabulary is split at ``_`` into words; a word that is still unknown
becomes ``<unk>`` (and a program containing one cannot be written exactly: :meth:`encode_program`
reports how many it produced).

**Pointers (copying from the prompt).** The prompt is fed as pairs ``<p_i> word_i`` (its first
:data:`MAX_PROMPT_WORDS` lower-case words). In a program's string literals, a word equal to prompt
word ``i`` (its first occurrence) is written ``<p_i>`` instead of its own token (names outside
strings -- functions, parameters, handles -- are syntax and never pointers), and :meth:`decode_program` turns
``<p_i>`` back into that word. So the model learns *where in the prompt* to copy from
("``style='<p1>'``"), which carries over to prompts with words it never saw in training, including
words outside the vocabulary.

**Canonical programs.** Comments, blank lines and trailing spaces are dropped, a rectangular
room's corner list becomes ``width=``/``depth=`` (the same room; a small model writes two numbers
far more reliably than four consistent corners)
(:func:`canonical_program`); tokenizing is otherwise lossless:
``decode_program(encode_program(p, prompt), prompt) == canonical_program(p)`` for any program
without ``<unk>`` words.
"""

from __future__ import annotations

import functools
import inspect
import json
import re
from pathlib import Path
from typing import Any, Iterable, Sequence

SPECIALS = ("<pad>", "<bos>", "<eos>", "<unk>", "<prompt>", "<obs>", "<prog>")
MAX_PROMPT_WORDS = 32
POINTERS = tuple(f"<p{i}>" for i in range(MAX_PROMPT_WORDS))
PUNCT = tuple(" \n()[]{},.=:+-*/_'\"<>#%!?&|@;") + (", ", " = ", "), (")
DIGITS = tuple("0123456789")
HANDLES = tuple(f"h{i}" for i in range(32))
KEYWORDS = ("True", "False", "None", "for", "in", "range", "if", "else", "and", "or", "not", "len")

_WORD = re.compile(r"[a-z]+")
_LEX = re.compile(r"""(?P<call>[A-Za-z_][A-Za-z0-9_]*\()|(?P<kw>[A-Za-z_][A-Za-z0-9_]*=(?!=))|(?P<op>\), \(|, | = )|(?P<str>'[^'\n]*'|"[^"\n]*")|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<num>[0-9])|(?P<ch>.|\n)""")
_INSTR = re.compile(r"[A-Za-z]+|[0-9]|.")


def _uncomment(line: str) -> str:
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "#":
            return line[:i]
    return line


_NUM = r"(-?[0-9]+(?:\.[0-9]+)?)"
_RECT = re.compile(r"polygon=\[\(0, 0\), \(" + _NUM + r", 0\), \(" + _NUM + r", " + _NUM + r"\), \(0, " + _NUM + r"\)\]")


def _rect(match: "re.Match") -> str:
    w, w2, d, d2 = match.groups()
    return f"width={w}, depth={d}" if w == w2 and d == d2 else match.group(0)


def canonical_program(text: str) -> str:
    """``text`` without comments, blank lines and trailing spaces, and with a rectangle room
    written ``polygon=[(0, 0), (W, 0), (W, D), (0, D)]`` as ``width=W, depth=D`` (the DSL builds
    the identical room from both): what the tokenizer writes."""
    lines = [_uncomment(ln).rstrip() for ln in text.splitlines()]
    lines = [_RECT.sub(_rect, ln) if ln.startswith("room(") else ln for ln in lines]
    return "\n".join(ln for ln in lines if ln.strip())


def prompt_words(prompt: str) -> list[str]:
    """The prompt's lower-case words (``[a-z]+``), the first :data:`MAX_PROMPT_WORDS` of them."""
    return _WORD.findall(prompt.lower())[:MAX_PROMPT_WORDS]


def _strings(value) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


def _package_words() -> set[str]:
    import worldsmith

    root = Path(worldsmith.__file__).parent
    files = [root / "assets" / "data" / "categories.json", root / "materials" / "data" / "materials.json"]
    files += sorted((root / "policy" / "offline" / "data").glob("*.json"))
    words: set[str] = set()
    for f in files:
        for s in _strings(json.loads(f.read_text())):
            words.update(_WORD.findall(s.lower()))
    return words


def _dsl_names() -> tuple[set[str], set[str]]:
    """The DSL's function names and parameter names."""
    from ...dsl.api import ProgramContext

    functions: set[str] = set(KEYWORDS[3:])
    params: set[str] = set()
    for name, fn in inspect.getmembers(ProgramContext, inspect.isfunction):
        if name.startswith("_"):
            continue
        functions.add(name)
        params.update(p for p in inspect.signature(fn).parameters if p != "self")
    return functions, params


@functools.lru_cache(maxsize=1)
def default_vocab() -> tuple[str, ...]:
    """The vocabulary (see the module doc): specials, pointers, characters, DSL names and their
    call and keyword forms, words."""
    fixed = list(SPECIALS) + list(POINTERS) + list(DIGITS) + list(PUNCT) + list(HANDLES) + list(KEYWORDS)
    seen = set(fixed)
    functions, params = _dsl_names()
    forms = sorted({f + "(" for f in functions} | {p + "=" for p in params})
    rest = sorted((functions | params | _package_words()) - seen)
    return tuple(fixed + forms + rest)


class DSLTokenizer:
    """Encodes (prompt, observation, program) triples into ids and programs back into text."""

    def __init__(self, vocab: Sequence[str] | None = None):
        self.vocab = tuple(vocab) if vocab is not None else default_vocab()
        self.index = {t: i for i, t in enumerate(self.vocab)}
        if len(self.index) != len(self.vocab):
            raise ValueError("the vocabulary has duplicate tokens")
        for t in SPECIALS + POINTERS:
            if t not in self.index:
                raise ValueError(f"the vocabulary lacks {t}")
        self.pad_id, self.bos_id, self.eos_id, self.unk_id = (self.index[t] for t in SPECIALS[:4])
        self.prompt_id, self.obs_id, self.prog_id = (self.index[t] for t in SPECIALS[4:])

    def __len__(self) -> int:
        return len(self.vocab)

    # -- pieces ------------------------------------------------------------------------------
    def _word(self, word: str, pointers: dict[str, int]) -> list[str]:
        if word.lower() == word and word in pointers:
            return [POINTERS[pointers[word]]]
        if word in self.index:
            return [word]
        return ["<unk>"]

    def _name(self, name: str, pointers: dict[str, int]) -> list[str]:
        if name in self.index and name not in pointers:
            return [name]
        out: list[str] = []
        for piece in _INSTR.findall(name):
            out += self._word(piece, pointers) if piece.isalpha() else [piece]
        return out

    def pieces(self, text: str, prompt: str = "") -> list[str]:
        """The tokens of ``text`` (a program or an observation) as strings, pointers resolved
        against ``prompt``'s words."""
        words = prompt_words(prompt)
        pointers: dict[str, int] = {}
        for i, w in enumerate(words):
            pointers.setdefault(w, i)
        out: list[str] = []
        for m in _LEX.finditer(text):
            kind, tok = m.lastgroup, m.group()
            if kind == "str":
                out.append(tok[0])
                for piece in _INSTR.findall(tok[1:-1]):
                    out += self._word(piece, pointers) if piece.isalpha() else [piece if piece in self.index
                                                                                   else "<unk>"]
                out.append(tok[-1])
            elif kind in ("call", "kw"):  # syntax, never copied from the prompt
                out += [tok] if tok in self.index else self._name(tok[:-1], {}) + [tok[-1]]
            elif kind == "name":
                out += self._name(tok, {})
            else:
                out.append(tok if tok in self.index else "<unk>")
        return out

    # -- sequences ---------------------------------------------------------------------------
    def encode_context(self, prompt: str, observation: str = "") -> list[int]:
        """``<bos> <prompt> <p0> w0 <p1> w1 ... <obs> observation-tokens <prog>``."""
        ids = [self.bos_id, self.prompt_id]
        for i, w in enumerate(prompt_words(prompt)):
            ids += [self.index[POINTERS[i]], self.index.get(w, self.unk_id)]
        ids.append(self.obs_id)
        ids += [self.index[t] for t in self.pieces(observation, "")]
        ids.append(self.prog_id)
        return ids

    def encode_program(self, program: str, prompt: str) -> list[int]:
        """The canonical program's tokens followed by ``<eos>``."""
        return [self.index[t] for t in self.pieces(canonical_program(program), prompt)] + [self.eos_id]

    def unknown_count(self, program: str, prompt: str) -> int:
        return sum(t == "<unk>" for t in self.pieces(canonical_program(program), prompt))

    def decode_program(self, ids: Iterable[int], prompt: str) -> str:
        """Program text from generated ids: stops at ``<eos>``; pointers become prompt words;
        other special tokens are dropped."""
        words = prompt_words(prompt)
        out: list[str] = []
        for i in ids:
            tok = self.vocab[int(i)]
            if tok == "<eos>":
                break
            if tok.startswith("<p") and tok in POINTERS:
                k = int(tok[2:-1])
                out.append(words[k] if k < len(words) else "")
            elif tok in SPECIALS:
                continue
            else:
                out.append(tok)
        return "".join(out)

    def to_json(self) -> dict:
        return {"kind": "worldsmith-dsl", "vocab": list(self.vocab)}

    @classmethod
    def from_json(cls, data: dict) -> "DSLTokenizer":
        return cls(data["vocab"])



class Grammar:
    """The DSL's statement grammar as a sampling constraint (used by
    :func:`worldsmith.improve.local.model.sample`).

    The local policy writes straight-line programs, one statement a line::

        statement := call | handle " = " call
        call      := FUNC "(" [arg {", " arg}] ")"        (FUNC one of the DSL's functions)
        arg       := value | NAME "=" value               (NAME a parameter of that FUNC, once;
                                                           no positional value after a keyword)
        value     := number | string | handle | True | False | None
                   | "[" [value {", " value}] "]" | "(" [value {", " value}] ")"
        number    := ["-"] digits ["." digits]               (no leading zero: "05")
        string    := quote {word | pointer | digit | " " | "_" | "-" | "." | "/" | ","} quote

    Per sequence it tracks where in this grammar the text is (a bracket stack with the function
    of each open call, inside a string or a number, after a value) and masks every token that
    cannot come next, so each sampled line parses and names only parameters its function has.
    Loops, arithmetic and attribute access are outside it (the planner's programs, which the
    policy learns from, never use them). What a statement *means* (a category the catalog lacks,
    an id that does not exist) is left to the executor, whose errors cost only the block that
    made them (:func:`worldsmith.improve.rollout.run_blocks`).
    """

    def __init__(self, tokenizer: DSLTokenizer):
        import torch

        from ...dsl.api import ProgramContext

        self.tok = tokenizer
        voc = tokenizer.vocab
        n = len(voc)
        idx = tokenizer.index

        def mask(ids) -> "Any":
            m = torch.zeros(n, dtype=torch.bool)
            m[list(ids)] = True
            return m

        params: dict[str, set[str]] = {}
        for name, fn in inspect.getmembers(ProgramContext, inspect.isfunction):
            if not name.startswith("_") and name + "(" in idx:
                params[name] = {p for p in inspect.signature(fn).parameters if p != "self"}
        self.calls = {idx[f + "("]: f for f in params}
        self.kw_of = {f: mask(idx[p + "="] for p in ps if p + "=" in idx) for f, ps in params.items()}
        self.handles = {idx[h] for h in HANDLES}
        names = self.handles | {idx[k] for k in ("True", "False", "None")}
        self.names = names
        self.quotes = {idx["'"]: "'", idx['"']: '"'}
        self.digits = {idx[d] for d in DIGITS}
        self.minus, self.dot, self.comma, self.zero = idx["-"], idx["."], idx[", "], idx["0"]
        self.assign, self.newline, self.eos = idx[" = "], idx["\n"], tokenizer.eos_id
        self.open_list, self.open_tuple = idx["["], idx["("]
        self.close_paren, self.close_list, self.reopen = idx[")"], idx["]"], idx["), ("]
        self.line_start = mask(set(self.calls) | self.handles | {self.eos})
        self.after_handle = mask([self.assign])
        self.after_assign = mask(self.calls)
        self.value_start = mask(set(self.quotes) | self.digits | names | {self.minus, self.open_list, self.open_tuple})
        self.line_end = mask([self.newline, self.eos])
        in_str = [(t.isalnum() and not t.endswith("=") and t not in SPECIALS and not t.endswith("("))
                  or t in (" ", "_", "-", ".", "/", ",") or t in POINTERS for t in voc]
        self.in_string = {q: torch.tensor([ok or t == q for t, ok in zip(voc, in_str)]) for q in ("'", '"')}
        self.number_more = mask(self.digits)
        self.empty = torch.zeros(n, dtype=torch.bool)
        self._cache: dict = {}

    # state: {"mode", "stack": [("call", f, keywords used) | ("(",) | ("[",)], "quote", "dot"}
    def start(self, n: int) -> list[dict]:
        return [{"mode": "line", "stack": [], "quote": None, "dot": False, "zero": False} for _ in range(n)]

    def _closers(self, st: dict, m) -> None:
        top = st["stack"][-1]
        if top[0] == "[":
            m[self.close_list] = True
        else:
            m[self.close_paren] = True
            if top[0] == "(":
                m[self.reopen] = True

    def mask(self, st: dict) -> "Any":
        """The allowed next tokens (a bool tensor over the vocabulary; cached per grammar state)."""
        top = st["stack"][-1] if st["stack"] else None
        key = (st["mode"], st["quote"], st["dot"], st["zero"],
               None if top is None else (top[0], top[1], frozenset(top[2])) if top[0] == "call" else top[0])
        m = self._cache.get(key)
        if m is None:
            m = self._cache[key] = self._mask(st)
        return m

    def _mask(self, st: dict) -> "Any":
        mode = st["mode"]
        if mode == "line":
            return self.line_start
        if mode == "handle":
            return self.after_handle
        if mode == "assign":
            return self.after_assign
        if mode in ("end", "done"):
            return self.line_end
        if mode == "string":
            return self.in_string[st["quote"]]
        if mode == "arg":  # just after "(" / "[" / ", ": a value, a keyword (in a call) or a closer
            top = st["stack"][-1]
            if top[0] == "call" and top[2]:  # no positional argument after a keyword one
                m = self.kw_of[top[1]].clone()
            else:
                m = self.value_start.clone()
            if top[0] == "call":
                m |= self.kw_of[top[1]]
                for used in top[2]:
                    m[used] = False
            self._closers(st, m)
            return m
        if mode == "kw":
            return self.value_start
        if mode == "sign":
            return self.number_more
        m = self.empty.clone()
        if mode == "number":
            if not st["zero"]:  # "05" is not a number; "0.5" and "10" are
                m |= self.number_more
            if not st["dot"]:
                m[self.dot] = True
        elif mode == "dot":
            return self.number_more
        # after a value (also a number that may end here)
        m[self.comma] = True
        self._closers(st, m)
        return m

    def advance(self, st: dict, tid: int) -> None:
        mode = st["mode"]
        if mode == "string":
            if self.quotes.get(tid) == st["quote"]:
                st["mode"], st["quote"] = "value", None
            return
        if tid == self.eos:
            st["mode"] = "done"
            return
        if tid == self.newline:
            st["mode"] = "line"
            return
        if mode == "line" and tid in self.handles:
            st["mode"] = "handle"
        elif tid == self.assign:
            st["mode"] = "assign"
        elif tid in self.calls:
            st["stack"].append(("call", self.calls[tid], set()))
            st["mode"] = "arg"
        elif tid == self.open_list or tid == self.open_tuple:
            st["stack"].append(("[",) if tid == self.open_list else ("(",))
            st["mode"] = "arg"
        elif tid == self.close_paren or tid == self.close_list:
            st["stack"].pop()
            st["mode"] = "value" if st["stack"] else "end"
        elif tid == self.reopen:
            st["mode"] = "arg"
        elif tid == self.comma:
            st["mode"] = "arg"
        elif tid in self.quotes:
            st["mode"], st["quote"] = "string", self.quotes[tid]
        elif tid == self.minus:
            st["mode"] = "sign"
        elif tid in self.digits:
            if mode not in ("number", "dot"):
                st["dot"] = False
                st["zero"] = tid == self.zero
            elif mode == "dot":
                st["zero"] = False
            st["mode"] = "number"
        elif tid == self.dot:
            st["mode"], st["dot"] = "dot", True
        elif mode == "dot":
            st["mode"] = "number"
        elif tid in self.names:
            st["mode"] = "value"
        else:  # a keyword token
            st["mode"] = "kw"
            if st["stack"] and st["stack"][-1][0] == "call":
                st["stack"][-1][2].add(tid)
