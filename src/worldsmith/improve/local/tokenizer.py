"""A tokenizer made for DSL programs: the local policy's vocabulary.

A general-purpose BPE spends most of a small model's capacity on spelling. DSL programs are
built from a closed set of pieces, so the vocabulary is *those pieces*, collected from the package
itself (never from training data, so it is the same for every run and round):

* **specials**: ``<pad> <bos> <eos> <unk> <prompt> <obs> <prog>``, the pointers
  ``<p0> ... <p31>`` and the slots ``<n0> ... <n23>`` (see below);
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

**Slots (copying from the observation).** The strings of an observation's ``need`` lines
(:func:`observation_slots`: ``need add 'dresser' 1`` holds ``dresser``) and then of its
``objects`` line (the ids a block can refer to) are its slots ``<n0>`` ... ``<n23>``, in order. :meth:`encode_context` shows each as its slot token followed by the
string; in a program, a string literal whose whole content is slot ``i``'s string is the one token
``<n_i>``, and :meth:`decode_program` writes it back (in single quotes). So the first missing
object is ``add(<n0>`` in every room, whatever its category: a fixed token to learn, where a
pointer or a spelled name would have to be found and copied; and ``next_to=<n3>`` always names an
object that is there.

**Canonical programs.** Comments, blank lines and trailing spaces are dropped, a rectangular
room's corner list becomes ``width=``/``depth=`` (the same room; a small model writes two numbers
far more reliably than four consistent corners)
(:func:`canonical_program`); tokenizing is otherwise lossless:
``decode_program(encode_program(p, prompt), prompt) == canonical_program(p)`` for any program
without ``<unk>`` words (with slots, up to the quotes of the slot strings).
"""

from __future__ import annotations

import functools
import inspect
import json
import math
import re
from pathlib import Path
from typing import Any, Iterable, Sequence

from .steps import MAX_LISTED

SPECIALS = ("<pad>", "<bos>", "<eos>", "<unk>", "<prompt>", "<obs>", "<prog>")
MAX_PROMPT_WORDS = 32
POINTERS = tuple(f"<p{i}>" for i in range(MAX_PROMPT_WORDS))
MAX_SLOTS = 24
SLOTS = tuple(f"<n{i}>" for i in range(MAX_SLOTS))
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


def observation_slots(observation: str) -> list[str]:
    """The slot strings of an observation: the string literals of its lines that start with
    ``need`` (what is missing), then those of its ``objects`` line (the ids in the scene), in
    order, each once, at most :data:`MAX_SLOTS`."""
    out: list[str] = []
    lines = observation.splitlines()
    for line in [ln for ln in lines if ln.startswith("need")] + [ln for ln in lines if ln.startswith("objects")]:
        for m in _LEX.finditer(line):  # the string literals, lexed as in programs
            v = m.group()[1:-1] if m.lastgroup == "str" else ""
            if v and v not in out:
                out.append(v)
    return out[:MAX_SLOTS]


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
    fixed = list(SPECIALS) + list(POINTERS) + list(SLOTS) + list(DIGITS) + list(PUNCT) + list(HANDLES) + list(KEYWORDS)
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
        for t in SPECIALS + POINTERS + SLOTS:
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

    def pieces(self, text: str, prompt: str = "", slots: Sequence[str] = (), mark: bool = False) -> list[str]:
        """The tokens of ``text`` (a program or an observation) as strings, pointers resolved
        against ``prompt``'s words. A string literal whose whole content is ``slots[i]`` is the
        slot token ``<n_i>`` (``mark``: the slot token *followed by* the literal's own tokens,
        how an observation shows what the slot holds)."""
        words = prompt_words(prompt)
        pointers: dict[str, int] = {}
        for i, w in enumerate(words):
            pointers.setdefault(w, i)
        slot_of = {v: i for i, v in reversed(list(enumerate(slots[:MAX_SLOTS])))}
        out: list[str] = []
        for m in _LEX.finditer(text):
            kind, tok = m.lastgroup, m.group()
            if kind == "str":
                slot = slot_of.get(tok[1:-1])
                if slot is not None:
                    out.append(SLOTS[slot])
                    if not mark:
                        continue
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
        """``<bos> <prompt> <p0> w0 <p1> w1 ... <obs> observation-tokens <prog>``. The observation
        is tokenized like a program: a word inside one of its string literals that the prompt
        contains is the same pointer a program would write there (so ``'bed'`` is ``' <p5> '``
        in both when the prompt's sixth word is "bed", and copying it is copying one token).
        The strings of its ``need`` lines are slots (:func:`observation_slots`): each is shown as
        ``<n_i>`` followed by the string, and a program writes that whole string as ``<n_i>``."""
        ids = [self.bos_id, self.prompt_id]
        for i, w in enumerate(prompt_words(prompt)):
            ids += [self.index[POINTERS[i]], self.index.get(w, self.unk_id)]
        ids.append(self.obs_id)
        ids += [self.index[t] for t in self.pieces(observation, prompt, observation_slots(observation), mark=True)]
        ids.append(self.prog_id)
        return ids

    def context_pointers(self, context: Sequence[int]) -> dict[int, str]:
        """The pointer token id -> prompt word map of an :meth:`encode_context` sequence (words
        outside the vocabulary, ``<unk>`` in the context, are left out)."""
        ids = list(context)
        if self.prompt_id not in ids:
            return {}
        out: dict[int, str] = {}
        i = ids.index(self.prompt_id) + 1
        while i + 1 < len(ids) and ids[i] != self.obs_id:
            word = self.vocab[ids[i + 1]]
            if self.vocab[ids[i]] in POINTERS and word not in SPECIALS:
                out[ids[i]] = word
            i += 2
        return out

    def context_slots(self, context: Sequence[int]) -> dict[int, str]:
        """The slot token id -> string map of an :meth:`encode_context` sequence (read back from
        the observation, where each slot token is followed by its quoted string)."""
        ids = list(context)
        ptr = self.context_pointers(ids)
        end = ids.index(self.prog_id) if self.prog_id in ids else len(ids)
        out: dict[int, str] = {}
        slot_ids = {self.index[t] for t in SLOTS}
        for i in range(end):
            if ids[i] in slot_ids and ids[i] not in out and i + 1 < end and self.vocab[ids[i + 1]] in ("'", '"'):
                quote, j, text = self.vocab[ids[i + 1]], i + 2, []
                while j < end and self.vocab[ids[j]] != quote:
                    text.append(ptr.get(ids[j], self.vocab[ids[j]]))
                    j += 1
                out[ids[i]] = "".join(text)
        return out

    def encode_program(self, program: str, prompt: str, slots: Sequence[str] = ()) -> list[int]:
        """The canonical program's tokens followed by ``<eos>`` (``slots``: the observation's,
        :func:`observation_slots`)."""
        return [self.index[t] for t in self.pieces(canonical_program(program), prompt, slots)] + [self.eos_id]

    def unknown_count(self, program: str, prompt: str) -> int:
        return sum(t == "<unk>" for t in self.pieces(canonical_program(program), prompt))

    def decode_program(self, ids: Iterable[int], prompt: str, slots: Sequence[str] = ()) -> str:
        """Program text from generated ids: stops at ``<eos>``; pointers become prompt words, slot
        tokens their quoted strings; other special tokens are dropped."""
        words = prompt_words(prompt)
        out: list[str] = []
        for i in ids:
            tok = self.vocab[int(i)]
            if tok == "<eos>":
                break
            if tok.startswith("<p") and tok in POINTERS:
                k = int(tok[2:-1])
                out.append(words[k] if k < len(words) else "")
            elif tok in SLOTS:
                k = int(tok[2:-1])
                out.append("'" + (slots[k] if k < len(slots) else "") + "'")
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



#: the string arguments that name a catalog category: function -> {positional index: kind} and
#: (function, keyword) -> kind; ``any``: one category string, ``items``: a list of small-object
#: category strings (catalog ``support == "object"``, what ``fill`` accepts)
CATEGORY_SLOTS = {"add": {0: "any"}, "add_to_wall": {1: "any"}, "fill": {1: "items"}}
CATEGORY_KEYWORDS = {("add", "category"): "any", ("add_to_wall", "category"): "any", ("fill", "items"): "items"}
#: parameters a call may not give together (the DSL refuses "give watts= or lumens=, not both")
EXCLUSIVE = {"room": (("polygon", "width"), ("polygon", "depth")),
             "light": (("watts", "lumens"), ("kelvin", "color"))}
#: a call may close only when one of these groups of parameters is given (besides its required
#: ones): room() needs width= and depth= or polygon=; place() needs something to place by
NEEDS_ONE_OF = {"room": ({"width", "depth"}, {"polygon"})}
NEEDS_MORE = ("place",)
#: numbers with a fixed range, (function, parameter) -> (low, high, whole): the room's size (the DSL
#: refuses a width or depth outside 1..100 m, and a room that fails to build fails the whole
#: program; the planner's rooms stay under 11 m, so one wrong digit no longer makes a 45 m room)
#: and height (a door is 2.1 m high), a colour temperature (the DSL takes 1000 to 20000 K; a dropped
#: or extra digit gave 270 K and 27000 K), the fractions along a wall, an object's size and a count
BOUNDS = {("room", "width"): (1.0, 19.99, False), ("room", "depth"): (1.0, 19.99, False),
          ("room", "height"): (2.2, 3.99, False), ("light", "kelvin"): (1000.0, 9999.99, False),
          ("door", "at"): (0.0, 1.0, False), ("window", "at"): (0.0, 1.0, False),
          ("add", "width"): (0.01, 19.99, False), ("add", "depth"): (0.01, 19.99, False),
          ("add", "height"): (0.01, 3.99, False), ("fill", "count"): (1.0, 99.0, True)}
#: numbers bounded by the room the observation describes (its ``size W D H`` line). The
#: parameters of one call named here stand on each other and together stay under the ceiling
#: (each one's lowest value given; one left out counts with its DSL default): a door's height, a
#: window's height on its sill (the DSL refuses "the window reaches 2.78 m, above the 2.40 m
#: ceiling")
UNDER_CEILING = {("door", "height"): 1.5, ("window", "height"): 0.05, ("window", "sill"): 0.05}
#: points inside the room's box and below its ceiling: ``(x, y)`` or ``(x, y, z)``
ROOM_POINTS = {("light", "at")}
#: the parameters that name one object (a handle or an id): there, a slot may only be an object
#: id of the observation's ``objects`` line, never a requested category or word
ID_PARAMS = {("place", p) for p in ("facing", "same_yaw_as", "next_to", "in_front_of", "behind", "around",
                                     "center_aligned_with", "near", "far_from")} | {
    ("fill", "target"), ("add", "on"), ("rotate", "obj"), ("move", "obj"), ("remove", "obj")}
#: the object parameters that take a holder -- an object with a surface to put things on (what
#: fill() fills and add(on=) stands on; lamps, rugs, plants and wall decor hold nothing)
HOLDER_PARAMS = {("fill", "target"), ("add", "on")}
_ID = re.compile(r"^[a-z][a-z_]*_[0-9]+$")


def holds_things(object_id: str) -> bool:
    """Whether the object ``object_id`` (``<category>_<n>``) is of a category with surfaces
    (:func:`worldsmith.layout.fill.category_holds_things`, the rule fill() itself applies)."""
    from ...layout.fill import category_holds_things

    return category_holds_things(object_id.rsplit("_", 1)[0])


#: the wall ids a room can have (``wall_<i>``, one per polygon edge; the planner's rooms are
#: rectangles, L and U shapes: at most 8 walls)
WALLS = tuple(f"wall_{i}" for i in range(8))
#: string parameters that take one of a closed set of words (the DSL refuses any other): there a
#: string is one of these (a trie, as for categories), or a slot holding one of them; the
#: :class:`Grammar` adds ``light``'s ``kind``, read from the DSL's own ``LIGHT_KIND_ALIASES``
CHOICES = {("door", "wall"): WALLS, ("window", "wall"): WALLS, ("add_to_wall", "wall"): WALLS,
           ("place", "against"): WALLS + ("any_wall",), ("place", "on_wall"): WALLS + ("any_wall",),
           ("material", "surface"): ("floor", "ceiling", "walls") + WALLS, ("place", "side"): ("left", "right"),
           ("door", "hinge"): ("start", "end"), ("door", "swing"): ("in", "out")}


def _reach(num: str) -> list[tuple[float, float]]:
    """The values a non-negative number written ``num`` so far can still end as, as half-open
    intervals ``[a, b)`` (no leading zeros: "0" goes on only with a point)."""
    if not num:
        return [(0.0, math.inf)]
    if "." not in num:
        n = int(num)
        return [(n, n + 1.0)] + ([(10.0 * n, math.inf)] if n > 0 else [])
    whole, frac = num.split(".")
    return [(float(whole + "." + (frac or "0")), float(whole + "." + (frac or "0")) + 10.0 ** -len(frac))]


def number_viable(num: str, low: float, high: float) -> bool:
    """Whether a number written ``num`` so far can still end within ``[low, high]``."""
    return any(a <= high + 1e-9 and b > low + 1e-9 for a, b in _reach(num))


def number_ends(num: str, low: float, high: float) -> bool:
    """Whether ``num`` is a whole number within ``[low, high]``."""
    return bool(num) and not num.endswith(".") and low - 1e-9 <= float(num) <= high + 1e-9


def category_strings(small_only: bool = False) -> list[str]:
    """Every string the category grammar accepts: each catalog name and each of its synonyms
    (lower case), all of which :func:`worldsmith.assets.catalog.resolve` maps to that name;
    ``small_only``: only categories with ``support == "object"`` (what ``fill`` takes)."""
    from ...assets import catalog

    out: list[str] = []
    for name in catalog.names():
        info = catalog.get(name)
        if small_only and info.support != "object":
            continue
        for s in (name,) + tuple(x.lower() for x in info.synonyms):
            if s not in out:
                out.append(s)
    return out


class Grammar:
    """The DSL's statement grammar as a sampling constraint (used by
    :func:`worldsmith.improve.local.model.sample`).

    The local policy writes straight-line programs that build a room from an empty scene, one
    statement a line::

        program   := "room(" ... ")" {"\\n" statement}     (the first statement creates the room)
        statement := call | handle " = " call
        call      := FUNC "(" [arg {", " arg}] ")"        (FUNC one of the DSL's functions)
        arg       := value | NAME "=" value               (NAME a parameter of that FUNC)
        value     := number | string | handle | True | False | None
                   | "[" [value {", " value}] "]" | "(" [value {", " value}] ")"
        number    := ["-"] digits ["." digits]               (no leading zero: "05")
        string    := quote {word | pointer | digit | " " | "_" | "-" | "." | "/" | ","} quote

    **Calls follow their signature** (of :class:`worldsmith.dsl.api.ProgramContext`): at most as
    many positional values as the function has parameters, no positional value after a keyword,
    each parameter once (a keyword for a parameter already given by position is masked), the
    call closes only when every required parameter is given, never two of :data:`EXCLUSIVE`
    together, ``room(`` only with ``width=`` and ``depth=`` or ``polygon=``
    (:data:`NEEDS_ONE_OF`), ``place(`` only with something besides the object
    (:data:`NEEDS_MORE`). A handle is a value only after a line assigned it (``h0 = add(...)``
    then ``place(h0, ...)``); a parenthesised point has at most three values.

    **Bounded numbers.** Where the DSL takes a number in a range, the number is written digit by
    digit only while it can still end inside the range (:func:`number_viable`; no sign, no
    leading zero, a point only in a number that may have a fraction): the fixed ranges of
    :data:`BOUNDS` (the room's width and depth 1 to 19.99 m, its height 2.2 to 3.99 m, ``kelvin=``
    1000 to 9999, a count a whole number...), and the ranges the observation's room sets
    (from its ``size W D H`` line): a light's ``at=`` is ``(x, y)`` or ``(x, y, z)`` inside the
    room's box and below its ceiling (:data:`ROOM_POINTS`), a door no higher than the ceiling, and
    a window's height and sill under the ceiling together (:data:`UNDER_CEILING`, with the DSL's
    default for the one left out).

    **Closed words.** Where a string names a wall, a surface, a side, a hinge, a swing or a light
    kind (:data:`CHOICES`) it is one of the DSL's words for it (a trie, as for categories below),
    or a slot holding one.

    **Blocks.** An episode's later blocks (``started``, :meth:`start`) continue a scene that has
    its room: they may be empty (the episode's stop) and start with any call.

    **Slots** (:func:`observation_slots`, read from each sequence's context). A slot token is a
    whole string value: anywhere a string may start, except where a category is meant (only slots
    holding a catalog category, or a small-object one in a fill list) and where one object is meant
    (:data:`ID_PARAMS`: only slots holding an object id -- a requested category there would name
    no object -- and where things go on an object, :data:`HOLDER_PARAMS`, only the id of one whose
    category has surfaces, :func:`holds_things`).

    **Categories** (``categories=True``, the default). Where a string names a catalog category
    (:data:`CATEGORY_SLOTS`, :data:`CATEGORY_KEYWORDS`) it must be one of
    :func:`category_strings` -- a catalog name or synonym, every one of which
    :func:`worldsmith.assets.catalog.resolve` resolves:

    * ``add(``'s first argument and ``add_to_wall(``'s second are positional strings: ``add(``
      can only go on with a quote, ``add_to_wall('wall_1', `` too; ``category=`` (after a
      keyword) also takes only a string;
    * ``fill(``'s second positional argument or ``items=`` is a list (or left out), and each
      string in that list is a small-object category (``support == "object"``; ``fill`` refuses
      others);
    * inside such a string the tokens are masked to a trie over the allowed strings' tokens
      (words split at ``_``, so ``'dining_table'`` is ``dining _ table``); a word may also be
      written as a pointer ``<p_i>`` when prompt word ``i`` *is* that word (the pointers of the
      sequence come from its context, :meth:`DSLTokenizer.context_pointers`; without a context
      no pointer is allowed there). The closing quote is allowed only at the end of a whole
      category string.

    So a sampled ``add(`` never names an unknown category (a junk category would otherwise become
    a labelled proxy object, or fail the block). Something the catalog lacks ("a harp", which the
    planner adds as a proxy) cannot be written by a sampled program; the planner's programs on
    the built-in prompt suites use only catalog names.

    Per sequence it tracks where in this grammar the text is (a bracket stack with the function,
    the parameters given and the positional count of each open call; inside a string, a category
    string or a number; after a value; the handles assigned so far) and masks every token that
    cannot come next, so each sampled line parses and its calls bind. Loops, arithmetic and
    attribute access are outside it (the planner's programs, which the policy learns from, never
    use them). What else a statement *means* (an id that does not exist, a wall the room lacks,
    a size out of range) is left to the executor, whose errors cost only the block that made them
    (:func:`worldsmith.improve.rollout.run_blocks`).
    """

    def __init__(self, tokenizer: DSLTokenizer, categories: bool = True):
        import torch

        from ...dsl.api import LIGHT_KIND_ALIASES, ProgramContext

        self.tok = tokenizer
        self.categories = categories
        voc = tokenizer.vocab
        n = len(voc)
        idx = tokenizer.index

        def mask(ids) -> "Any":
            m = torch.zeros(n, dtype=torch.bool)
            m[list(ids)] = True
            return m

        self._mask_of = mask
        self.params: dict[str, list[str]] = {}
        self.required: dict[str, set[str]] = {}
        self.defaults: dict[str, dict[str, Any]] = {}
        for name, fn in inspect.getmembers(ProgramContext, inspect.isfunction):
            if not name.startswith("_") and name + "(" in idx:
                ps = [p for p in inspect.signature(fn).parameters.values() if p.name != "self"]
                self.params[name] = [p.name for p in ps]
                self.required[name] = {p.name for p in ps if p.default is p.empty}
                self.defaults[name] = {p.name: p.default for p in ps if p.default is not p.empty}
        self.calls = {idx[f + "("]: f for f in self.params}
        self.kw_id = {f: {p: idx[p + "="] for p in ps if p + "=" in idx} for f, ps in self.params.items()}
        self.kw_name = {t: p for ks in self.kw_id.values() for p, t in ks.items()}
        self.handles = {idx[h] for h in HANDLES}
        self.consts = {idx[k] for k in ("True", "False", "None")}
        self.names = self.handles | self.consts
        self.quotes = {idx["'"]: "'", idx['"']: '"'}
        self.digits = {idx[d] for d in DIGITS}
        self.minus, self.dot, self.comma, self.zero = idx["-"], idx["."], idx[", "], idx["0"]
        self.assign, self.newline, self.eos = idx[" = "], idx["\n"], tokenizer.eos_id
        self.open_list, self.open_tuple = idx["["], idx["("]
        self.close_paren, self.close_list, self.reopen = idx[")"], idx["]"], idx["), ("]
        self.first_line = mask([idx["room("]])
        self.line_start = mask(set(self.calls) | self.handles | {self.eos})
        self.line_start_busy = mask(set(self.calls) | self.handles)
        # what needs an object to put things on: fill(, and add()'s on=
        self.needs_holder = mask({self.tok.index["fill("], self.tok.index["on="]})
        self.after_handle = mask([self.assign])
        self.after_assign = mask(self.calls)
        self.value_base = mask(set(self.quotes) | self.digits | self.consts
                               | {self.minus, self.open_list, self.open_tuple})
        self.quote_start = mask(self.quotes)
        self.list_start = mask([self.open_list])
        self.line_end = mask([self.newline, self.eos])
        in_str = [(t.isalnum() and not t.endswith("=") and t not in SPECIALS and not t.endswith("("))
                  or t in (" ", "_", "-", ".", "/", ",") or t in POINTERS for t in voc]
        self.in_string = {q: torch.tensor([ok or t == q for t, ok in zip(voc, in_str)]) for q in ("'", '"')}
        self.number_more = mask(self.digits)
        self.digit_of = {idx[d]: d for d in DIGITS}
        self.tuple_start = mask([self.open_tuple])
        self.empty = torch.zeros(n, dtype=torch.bool)
        self._cache: dict = {}
        # the category tries: node -> {token piece: child node}; terminal nodes end a whole string
        self._children: list[dict[str, int]] = []
        self._terminal: list[bool] = []
        self.roots = {kind: self._build_trie(category_strings(small_only=kind == "items")) for kind in ("any", "items")}
        #: (function, parameter) -> its choice kind (the parameter's name); the tries of each kind
        self.choices = {**CHOICES, ("light", "kind"): tuple(LIGHT_KIND_ALIASES)}
        self.choice_kind = {key: "choice:" + "/".join(key) for key in self.choices}
        self.choice_kinds = set(self.choice_kind.values())
        for key, words in self.choices.items():
            self.roots[self.choice_kind[key]] = self._build_trie(words)
        self._cat_cache: dict = {}
        self.quote_id = idx["'"]
        self.not_objects = mask(self.digits | self.consts | {self.minus, self.open_list, self.open_tuple})
        self.one = idx["1"]
        self.slot_ids = {idx[t] for t in SLOTS}
        self._slot_cache: dict = {}
        self._category_sets = {"any": set(category_strings()), "small": set(category_strings(small_only=True))}
        self._category_sets.update({self.choice_kind[k]: set(v) for k, v in self.choices.items()})

    def _build_trie(self, strings: Iterable[str]) -> int:
        def node() -> int:
            self._children.append({})
            self._terminal.append(False)
            return len(self._children) - 1

        root = node()
        for s in strings:
            pieces = self.tok.pieces("'" + s + "'", "")[1:-1]
            if not pieces or any(p not in self.tok.index or p in SPECIALS or p in ("'", '"') for p in pieces):
                continue
            at = root
            for p in pieces:
                nxt = self._children[at].get(p)
                if nxt is None:
                    nxt = self._children[at][p] = node()
                at = nxt
            self._terminal[at] = True
        return root

    # state: {"mode", "stack": [["call", f, parameters given, positional count, keyword seen] |
    #         ["(", commas so far] | ["[", tag]], "quote", "dot", "zero", "slot" (a keyword's category
    #         kind), "cat" (trie node in a category string), "ptr" (pointer id -> prompt word),
    #         "ptr_key", "defined" (handles assigned), "pending" (the handle this line assigns),
    #         "started" (a call was written)}
    def start(self, n: int, contexts: Sequence[Sequence[int]] | None = None,
              started: Sequence[bool] | None = None, busy: Sequence[bool] | None = None) -> list[dict]:
        """Fresh states for ``n`` sequences. ``contexts`` (their :meth:`DSLTokenizer.encode_context`
        ids) give each sequence's prompt pointers for category strings; a context that goes on
        after ``<prog>`` with the start of a program has its state advanced through those tokens
        (so a sample continues that program). ``started[i]`` true: sequence ``i`` continues a
        scene that has its room (a later step of an episode), so it must not start with
        ``room(`` and may be empty; false (the default): it is a whole program or an episode's
        first block, which starts with ``room(``. ``busy[i]`` true: sequence ``i``, a later step,
        may not be empty (the episode may not stop yet)."""
        out = []
        for i in range(n):
            ptr = self.tok.context_pointers(contexts[i]) if contexts is not None else {}
            st = {"mode": "line", "stack": [], "quote": None, "dot": False, "zero": False, "slot": None,
                  "cat": None, "ptr": ptr, "ptr_key": tuple(sorted(ptr.items())), "defined": frozenset(),
                  "pending": None, "started": bool(started[i]) if started is not None else False,
                  "kwparam": None, "bound": None, "num": "", "numkey": None,
                  "room": self._room_size(contexts[i]) if contexts is not None else None,
                  "busy": bool(busy[i]) if busy is not None else False}
            st["slots"] = self.tok.context_slots(contexts[i]) if contexts is not None else {}
            st["slots_key"] = tuple(sorted(st["slots"].items()))
            st["listed"] = st["room"] is not None and self._all_listed(st["slots"])
            st["holders"] = not st["listed"] or any(_ID.match(v) and holds_things(v) for v in st["slots"].values())
            ids = list(contexts[i]) if contexts is not None else []
            if self.tok.prog_id in ids:
                for t in ids[ids.index(self.tok.prog_id) + 1:]:
                    self.advance(st, t)
            out.append(st)
        return out

    @staticmethod
    def _all_listed(slots: dict[int, str]) -> bool:
        """Whether the ``objects`` line of an observation of a scene with its room (its slots
        holding an id) lists every object that stands in it: fewer ids than
        :data:`~worldsmith.improve.local.steps.MAX_LISTED` and no slot cut off by :data:`MAX_SLOTS`."""
        return len(slots) < MAX_SLOTS and sum(bool(_ID.match(v)) for v in slots.values()) < MAX_LISTED

    def _slot(self, top) -> str | None:
        """The category kind of the next positional argument of the call ``top`` (None: free)."""
        if not self.categories or top is None or top[0] != "call" or top[4]:
            return None
        kind = CATEGORY_SLOTS.get(top[1], {}).get(top[3])
        params = self.params[top[1]]
        if kind is None and top[3] < len(params):
            kind = self.choice_kind.get((top[1], params[top[3]]))
        return kind

    def _room_size(self, context: Sequence[int]) -> tuple[float, float, float] | None:
        """The ``size W D H`` of the observation in an :meth:`DSLTokenizer.encode_context` sequence."""
        ids = list(context)
        if self.tok.obs_id not in ids:
            return None
        end = ids.index(self.tok.prog_id) if self.tok.prog_id in ids else len(ids)
        ptr = self.tok.context_pointers(ids)
        text = "".join(ptr.get(t, self.tok.vocab[t]) for t in ids[ids.index(self.tok.obs_id) + 1:end])
        m = re.search(r"(?m)^size ([0-9.]+) ([0-9.]+) ([0-9.]+)$", text)
        return tuple(float(v) for v in m.groups()) if m else None  # type: ignore[return-value]

    def _number_slot(self, st: dict, f: str, param: str | None) -> tuple | None:
        """``("num", low, high, whole)`` when parameter ``param`` of ``f`` is a bounded number
        (:data:`BOUNDS`, :data:`UNDER_CEILING` with the observation's room), ``("tuple", f, param)``
        for a point in the room (:data:`ROOM_POINTS`), else None."""
        if (f, param) in BOUNDS:
            return ("num",) + BOUNDS[(f, param)]
        if st["room"] is None:
            return None
        if (f, param) in ROOM_POINTS:
            return ("tuple", f, param)
        if (f, param) not in UNDER_CEILING:
            return None
        given = st["stack"][-1][5]  # the call's numbers so far that stand under the same ceiling
        others = sum(given.get(q, self.defaults[f].get(q, 0.0)) for g, q in UNDER_CEILING if g == f and q != param)
        return ("num", UNDER_CEILING[(f, param)], round(st["room"][2] - others, 4), False)

    def _reads_room(self, st: dict, top) -> bool:
        """Whether the mask here depends on the observed room: a value may start where a number
        under the ceiling or a room point goes (elsewhere a started number's bound, or a keyword's
        resolved slot, already holds what the room set; the mask cache keys on the room only here)."""
        if st["mode"] != "arg" or top is None:
            return False
        if top[0] == "(":
            return top[2] is not None
        params = self.params[top[1]] if top[0] == "call" else ()
        return top[0] == "call" and not top[4] and top[3] < len(params) and (
            (top[1], params[top[3]]) in UNDER_CEILING or (top[1], params[top[3]]) in ROOM_POINTS)

    def _coordinate_slot(self, st: dict, top) -> tuple | None:
        """The bound of the next coordinate in a light's ``at=(x, y, z)`` (inside the room's box,
        below its ceiling)."""
        if top[0] != "(" or top[2] is None or st["room"] is None or top[1] > 2:
            return None
        w, d, h = st["room"]
        return ("num", 0.01, round((w - 0.01, d - 0.01, h)[top[1]], 4), False)

    def _number_start(self, slot: tuple) -> "Any":
        """The tokens that may start a value of a :meth:`_number_slot` kind."""
        if slot[0] == "tuple":
            return self.tuple_start
        return self._mask_of([t for t, d in self.digit_of.items() if number_viable(d, slot[1], slot[2])])

    def _may_close(self, top) -> bool:
        f, given = top[1], top[2]
        if not self.required[f] <= given:
            return False
        if f in NEEDS_ONE_OF and not any(group <= given for group in NEEDS_ONE_OF[f]):
            return False
        return f not in NEEDS_MORE or len(given) > len(self.required[f])

    def _keywords(self, top) -> "Any":
        f, given = top[1], top[2]
        banned = set(given)
        for a, b in EXCLUSIVE.get(f, ()):
            if a in given:
                banned.add(b)
            if b in given:
                banned.add(a)
        return self._mask_of(t for p, t in self.kw_id[f].items() if p not in banned)

    def _values(self, defined: frozenset) -> "Any":
        m = self.value_base.clone()
        m[list(defined)] = True
        return m

    def _closers(self, st: dict, m) -> None:
        top = st["stack"][-1]
        if top[0] == "[":
            m[self.close_list] = True
        elif top[0] == "(":
            m[self.close_paren] = top[2] is None or top[1] >= 1  # a light's position: (x, y) or (x, y, z)
            m[self.reopen] = top[2] is None
        elif self._may_close(top):
            m[self.close_paren] = True

    def mask(self, st: dict) -> "Any":
        """The allowed next tokens (a bool tensor over the vocabulary; cached per grammar state)."""
        if st["cat"] is not None:
            return self._category_mask(st)
        top = st["stack"][-1] if st["stack"] else None
        if top is None:
            topkey = None
        elif top[0] == "call":
            topkey = ("call", top[1], frozenset(top[2]), top[3], top[4], tuple(sorted(top[5].items())))
        else:
            topkey = tuple(top)
        key = (st["mode"], st["quote"], st["dot"], st["zero"], st["slot"], topkey, st["defined"], st["started"],
               st["bound"], st["num"] if st["bound"] else None, st["room"] if self._reads_room(st, top) else None,
               st["busy"], st["holders"])
        m = self._cache.get(key)
        if m is None:
            m = self._mask(st)
            if not st["holders"] and not st["defined"] and st["mode"] in ("line", "arg"):
                m = m & ~self.needs_holder  # no object to put things on: no fill(, no add(on=)
            self._cache[key] = m
        if st["mode"] in ("arg", "kw") and bool(m[self.quote_id]):
            kind = self._string_kind(st, top)
            if not st["slots"] and kind not in ("id", "holder"):
                return m
            full = (key, st["slots_key"], kind)
            with_slots = self._cache.get(full)
            if with_slots is None:
                base = m & ~self.not_objects if kind in ("id", "holder") else m  # a handle, a spelled id
                if kind == "holder" and st["listed"]:
                    base = base & ~self.quote_start  # every object that holds things is a slot
                with_slots = self._cache[full] = base | self._slot_mask(st, kind)  # or an id slot
            m = with_slots
        return m

    def _string_kind(self, st: dict, top) -> str:
        """What a string starting here must be: ``any`` (a category), ``small`` (a fill item),
        ``id`` (an object, :data:`ID_PARAMS`), ``holder`` (one with surfaces,
        :data:`HOLDER_PARAMS`), a choice kind (:data:`CHOICES`) or ``free``."""
        if st["mode"] == "kw":
            if top is not None and top[0] == "call" and (top[1], st["kwparam"]) in ID_PARAMS:
                return "holder" if (top[1], st["kwparam"]) in HOLDER_PARAMS else "id"
            return st["slot"] if st["slot"] == "any" or st["slot"] in self.choice_kinds else "free"
        slot = self._slot(top) if top is not None and top[0] == "call" else None
        if slot == "any" or slot in self.choice_kinds:
            return slot
        if top is not None and top[0] == "[" and top[1] == "items":
            return "small"
        if top is not None and top[0] == "call" and not top[4]:
            params = self.params[top[1]]
            if top[3] < len(params) and (top[1], params[top[3]]) in ID_PARAMS:
                return "holder" if (top[1], params[top[3]]) in HOLDER_PARAMS else "id"
        return "free"

    def _slot_mask(self, st: dict, kind: str) -> "Any":
        """The sequence's slot tokens whose strings may stand where a ``kind`` string starts (all
        of them for a free string; only object ids where an object is meant; under the category
        rule only category strings, or small-object ones in a fill list)."""
        key = (st["slots_key"], kind)
        m = self._slot_cache.get(key)
        if m is None:
            if kind in ("id", "holder"):
                ok = {t: v for t, v in st["slots"].items() if _ID.match(v) and (kind == "id" or holds_things(v))}
            elif kind == "free" or not self.categories:
                ok = st["slots"]
            else:
                ok = {t: v for t, v in st["slots"].items() if v in self._category_sets[kind]}
            m = self._slot_cache[key] = self._mask_of(list(ok))
        return m

    def _category_mask(self, st: dict) -> "Any":
        key = (st["cat"], st["quote"], st["ptr_key"])
        m = self._cat_cache.get(key)
        if m is None:
            children = self._children[st["cat"]]
            ids = [self.tok.index[p] for p in children]
            ids += [pid for pid, word in st["ptr"].items() if word in children]
            if self._terminal[st["cat"]]:
                ids.append(self.tok.index[st["quote"]])
            m = self._cat_cache[key] = self._mask_of(ids)
        return m

    def _mask(self, st: dict) -> "Any":
        mode = st["mode"]
        if mode == "line":
            if not st["started"]:
                return self.first_line
            return self.line_start_busy if st["busy"] else self.line_start
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
            if top[0] == "call":
                slot = self._slot(top)
                if slot == "any":  # a category string: add('bed' / add_to_wall('wall_0', 'bed'
                    return self.quote_start
                m = self._keywords(top)
                if not top[4] and top[3] < len(self.params[top[1]]):  # one more positional value
                    num = self._number_slot(st, top[1], self.params[top[1]][top[3]])
                    m |= (self.list_start if slot == "items" else self.quote_start if slot in self.roots
                          else self._number_start(num) if num else self._values(st["defined"]))
            elif top[0] == "[" and top[1] == "items":
                m = self.quote_start.clone()
            else:
                coordinate = self._coordinate_slot(st, top)
                m = self._number_start(coordinate) if coordinate else self._values(st["defined"])
            self._closers(st, m)
            return m
        if mode == "kw":
            if st["slot"] == "any" or st["slot"] in self.choice_kinds:
                return self.quote_start
            if st["slot"] == "items":
                return self.list_start
            if isinstance(st["slot"], tuple):
                return self._number_start(st["slot"])
            return self._values(st["defined"])
        if mode == "sign":
            return self.number_more
        m = self.empty.clone()
        bound = st["bound"]
        if mode in ("number", "dot") and bound is not None:  # a bounded number: only digits it can go on with
            low, high, whole = bound
            num = st["num"]
            if num != "0":  # "05" is not a number
                m |= self._mask_of([t for t, d in self.digit_of.items() if number_viable(num + d, low, high)])
            if mode == "dot":
                return m
            if "." not in num and not whole and number_viable(num + ".", low, high):
                m[self.dot] = True
            if not number_ends(num, low, high):
                return m
        elif mode == "number":
            if not st["zero"]:
                m |= self.number_more  # "05" is not a number; "0.5" and "10" are
            if not st["dot"]:
                m[self.dot] = True
        elif mode == "dot":
            return self.number_more
        # after a value (also a number that may end here)
        m[self.comma] = True
        self._closers(st, m)
        top = st["stack"][-1] if st["stack"] else None
        if top is not None and top[0] == "(" and top[1] >= 2:  # a point has at most 3 coordinates
            m[self.comma] = False
        return m

    def advance(self, st: dict, tid: int) -> None:
        st["busy"] = False
        mode = st["mode"]
        if st["cat"] is not None:  # inside a category string
            if self.quotes.get(tid) == st["quote"]:
                st["mode"], st["quote"], st["cat"] = "value", None, None
                return
            piece = st["ptr"].get(tid, self.tok.vocab[tid])
            st["cat"] = self._children[st["cat"]].get(piece, st["cat"])
            return
        if mode == "string":
            if self.quotes.get(tid) == st["quote"]:
                st["mode"], st["quote"] = "value", None
            return
        if tid == self.eos:
            st["mode"] = "done"
            return
        if tid == self.newline:
            st["mode"] = "line"
            if st["pending"] is not None:
                st["defined"] = st["defined"] | {st["pending"]}
                st["pending"] = None
            return
        # which kind (if any) a value starting with this token fills: a category or choice string,
        # a bounded number, a light's position; and the parameter it gives
        slot = param = None
        top = st["stack"][-1] if st["stack"] else None
        if mode == "number" and st["numkey"] is not None and top is not None and top[0] == "call":
            top[5][st["numkey"]] = float(st["num"])  # a window's height or sill: it bounds the other
        if mode == "arg" and top is not None and tid not in self.kw_name and tid not in (
                self.close_paren, self.close_list, self.reopen):
            if top[0] == "call":
                params = self.params[top[1]]
                param = params[top[3]] if top[3] < len(params) else None
                slot = self._number_slot(st, top[1], param) or self._slot(top)
                if param is not None:
                    top[2].add(param)
                top[3] += 1
            elif top[0] == "[" and top[1] == "items":
                slot = "any_small"
            else:
                slot = self._coordinate_slot(st, top)
        elif mode == "kw":
            slot, st["slot"], param = st["slot"], None, st["kwparam"]
        if mode == "line" and tid in self.handles:
            st["mode"], st["pending"] = "handle", tid
        elif tid == self.assign:
            st["mode"] = "assign"
        elif tid in self.calls:
            st["stack"].append(["call", self.calls[tid], set(), 0, False, {}])
            st["mode"], st["started"] = "arg", True
        elif tid == self.open_list or tid == self.open_tuple:
            st["stack"].append(["[", "items" if slot == "items" and tid == self.open_list else None]
                               if tid == self.open_list
                               else ["(", 0, slot[1:] if isinstance(slot, tuple) and slot[0] == "tuple" else None])
            st["mode"] = "arg"
        elif tid == self.close_paren or tid == self.close_list:
            st["stack"].pop()
            st["mode"] = "value" if st["stack"] else "end"
        elif tid == self.reopen:
            st["mode"] = "arg"
            if top is not None and top[0] == "(":
                top[1] = 0
        elif tid == self.comma:
            st["mode"] = "arg"
            if top is not None and top[0] == "(":
                top[1] += 1
        elif tid in self.quotes:
            st["mode"], st["quote"] = "string", self.quotes[tid]
            if slot == "any":
                st["cat"] = self.roots["any"]
            elif slot == "any_small":
                st["cat"] = self.roots["items"]
            elif slot in self.choice_kinds:
                st["cat"] = self.roots[slot]
        elif tid == self.minus:
            st["mode"] = "sign"
        elif tid in self.digits:
            if mode not in ("number", "dot"):
                st["dot"] = False
                st["zero"] = tid == self.zero
                st["bound"] = slot[1:] if isinstance(slot, tuple) and slot[0] == "num" else None
                st["num"] = ""
                st["numkey"] = param if top is not None and top[0] == "call" \
                    and (top[1], param) in UNDER_CEILING else None
            elif mode == "dot":
                st["zero"] = False
            st["num"] += self.digit_of[tid]
            st["mode"] = "number"
        elif tid == self.dot:
            st["mode"], st["dot"] = "dot", True
            st["num"] += "."
        elif mode == "dot":
            st["mode"] = "number"
        elif tid in self.names or tid in self.slot_ids:  # a slot token is a whole string
            st["mode"] = "value"
        else:  # a keyword token
            st["mode"] = "kw"
            st["kwparam"] = self.kw_name.get(tid)
            if top is not None and top[0] == "call":
                name = self.kw_name.get(tid)
                top[2].add(name)
                top[4] = True
                number = self._number_slot(st, top[1], name)
                if number is not None:
                    st["slot"] = number
                elif self.categories:
                    st["slot"] = CATEGORY_KEYWORDS.get((top[1], name)) or self.choice_kind.get((top[1], name))
