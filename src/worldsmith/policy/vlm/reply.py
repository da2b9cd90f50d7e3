"""Parse a model's reply into its reasoning, one DSL program, and whether it said it is done.

:func:`parse_reply` is tolerant of how models format answers and strict about the program itself.

**Finding the program** (in the reply with ``\\r\\n`` and ``\\r`` turned into ``\\n``):

1. Thinking blocks, ``<think>...</think>`` (or ``<thinking>``), are left out of the search (their
   text is blanked, so line numbers stay put). An unclosed ``<think>`` runs to the end of the reply;
   a ``</think>`` with no opening tag (servers that put the opening tag in the chat template)
   closes a block that began at the start of the reply.
2. Fenced blocks: a line that starts (after any indentation) with 3 or more backticks or tildes
   opens a block; its info string's first word is the label (``python``, ``py``, ``Python``,
   ``python3`` ... count as python, case-insensitive). A line of the same fence character, at
   least as long and with no label, closes it; a labelled fence line of that character inside an
   open block closes it and opens the next block (a model that forgot a closing fence; a line
   starting with ``` is never valid DSL). A block without a closing fence runs to the end.
3. Blocks whose whole program is ``done()`` only say "done" and are not candidates (a model that
   writes its program and then a separate block with ``done()``). Empty blocks are not
   candidates either. The program is the last python-labelled candidate, else the last candidate
   of any label.
4. With no candidate block: the longest run of trailing lines, within the last
   :data:`MAX_UNFENCED_LINES` lines, that parses (``ast.parse``, after dedenting) and contains a
   call; leading lines of that run that are bare non-call expressions
   (prose such as ``Plan`` or ``Done``, which parse as names) are not part of it.

**The program** is the chosen lines, dedented (``textwrap.dedent``), with leading and trailing
blank lines dropped; it is never repaired. Every top-level statement ``done()`` (exactly that:
the name ``done`` called with no arguments, as an expression statement) is removed and sets
``done``: its line goes (when the line holds only it, perhaps with a ``;`` or a comment), else
just its text and a neighbouring ``;`` (the rest of the line is kept as written). A ``done()``
nested in code (inside ``if`` or ``for``) is left for the executor to reject. When the program
does not parse, lines that are exactly ``done()`` at column 0 are removed instead (the executor
then reports the syntax error with the remaining lines). A program with no statements left (only comments or nothing) is ``""``.

**Done without code**: when there is no program at all, the reply is done when, outside thinking
blocks, a block holds only ``done()``, a line holds ``done()`` as inline code (in backticks), or a
line is just the word done (any case, with surrounding ``*``, ``_``, backticks, quotes or ``.!``),
e.g. ``DONE`` or ``**Done.**`` (a bare ``done()`` line is found as a trailing program). A line that
is just ``done()`` outside the chosen block also sets ``done`` when there is a program. Prose such
as "the room is done" or "I will call done() later" does not count.

**Reasoning** is the reply without the chosen block's lines and the done-only blocks' lines
(fences included), the think tags removed (their text kept), runs of 3 or more newlines
collapsed to 2, stripped.

A reply with neither a program nor done raises :class:`ReplyError`, whose one-line message tells
the model what was expected.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass

from ...scene import WorldsmithError

EXPECTED = ("expected brief reasoning and exactly one ```python fenced program of DSL calls, "
            "or done() alone when the scene is finished")

_THINK = re.compile(r"<(think|thinking)>(.*?)(</\1>|\Z)", re.S | re.I)
_THINK_TAG = re.compile(r"</?(think|thinking)>", re.I)
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*([^\s`]*)[^`]*$")
_PY_LABELS = ("python", "py", "python3", "py3")
#: an unfenced program is looked for among the reply's last lines only (each candidate start costs
#: a parse of the rest: 400 lines of prose take about 0.1 s)
MAX_UNFENCED_LINES = 400
_DONE_LINE = re.compile(r"^[\s*_`'\"]*done[\s*_`'\".!]*$", re.I)
_DONE_INLINE = re.compile(r"`done\(\)`")


class ReplyError(WorldsmithError):
    """The reply holds neither a program nor done; the message says what was expected."""


@dataclass(frozen=True)
class Reply:
    """A parsed reply: the model's ``reasoning``, the ``program`` to run (``""`` when none), and
    ``done`` when it wrote ``done()``."""

    reasoning: str
    program: str
    done: bool


@dataclass(frozen=True)
class _Block:
    label: str
    start: int  # index of the opening fence line
    end: int  # index one past the last line of the block (the closing fence included)
    body: tuple[str, ...]


def _blank_thinking(text: str) -> tuple[str, bool]:
    """``text`` with thinking blocks blanked (newlines kept) and whether it had any."""
    found = False
    close = re.search(r"</(think|thinking)>", text, re.I)
    opened = re.search(r"<(think|thinking)>", text, re.I)
    if close and (opened is None or opened.start() > close.start()):
        # a closing tag with no opening tag before it: thinking from the start of the reply
        text = re.sub(r"[^\n]", " ", text[:close.end()]) + text[close.end():]
        found = True

    def blank(m: re.Match) -> str:
        return re.sub(r"[^\n]", " ", m.group(0))

    blanked, n = _THINK.subn(blank, text)
    return blanked, found or n > 0


def _blocks(lines: list[str]) -> list[_Block]:
    blocks: list[_Block] = []
    open_at: int | None = None
    fence = ""
    label = ""
    for i, line in enumerate(lines):
        m = _FENCE.match(line)
        if open_at is None:
            if m:
                open_at, fence, label = i, m.group(1), m.group(2).lower()
            continue
        if m and m.group(1)[0] == fence[0]:
            if m.group(2):  # a labelled fence inside an open block: the model opened the next one
                blocks.append(_Block(label, open_at, i, tuple(lines[open_at + 1:i])))
                open_at, fence, label = i, m.group(1), m.group(2).lower()
            elif len(m.group(1)) >= len(fence):
                blocks.append(_Block(label, open_at, i + 1, tuple(lines[open_at + 1:i])))
                open_at = None
    if open_at is not None:
        blocks.append(_Block(label, open_at, len(lines), tuple(lines[open_at + 1:])))
    return blocks


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _is_done(stmt: ast.stmt) -> bool:
    return (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Name) and stmt.value.func.id == "done"
            and not stmt.value.args and not stmt.value.keywords)


def _has_call(tree: ast.AST) -> bool:
    return any(isinstance(n, ast.Call) for n in ast.walk(tree))


def _dedent(lines: list[str] | tuple[str, ...]) -> list[str]:
    out = textwrap.dedent("\n".join(lines)).split("\n")
    while out and not out[0].strip():
        out.pop(0)
    while out and not out[-1].strip():
        out.pop()
    return out


def _remove_done(lines: list[str]) -> tuple[list[str], bool]:
    """The program's lines without its top-level ``done()`` statements, and whether there were any."""
    tree = _parse("\n".join(lines))
    if tree is None:
        kept = [line for line in lines if line.rstrip() != "done()"]
        return kept, len(kept) != len(lines)
    dones = [s for s in tree.body if _is_done(s)]
    if not dones:
        return lines, False
    lines = list(lines)
    drop: set[int] = set()
    # right to left, so earlier columns on a shared line stay valid
    for stmt in sorted(dones, key=lambda s: (s.lineno, s.col_offset), reverse=True):
        i = stmt.lineno - 1
        line = lines[i]
        # ast offsets count UTF-8 bytes
        raw = line.encode("utf-8")
        before = raw[:stmt.col_offset].decode("utf-8")
        after = raw[stmt.end_col_offset:].decode("utf-8")
        if after.lstrip().startswith(";"):  # "done(); x()" or "a(); done(); b()"
            after = after.lstrip()[1:]
            new = before.rstrip() + after if before.strip() else before + after.lstrip()
        elif before.rstrip().endswith(";"):  # "x(); done()  # end"
            new = before.rstrip()[:-1] + after
        else:
            new = before + after
        new = new.rstrip()
        if not new.strip() or new.strip().startswith("#"):
            drop.add(i)
        else:
            lines[i] = new
    return [line for i, line in enumerate(lines) if i not in drop], True


def _trailing_program(lines: list[str]) -> int | None:
    """The index of the first line of the longest trailing run that parses and holds a call."""
    for k in range(max(0, len(lines) - MAX_UNFENCED_LINES), len(lines)):
        if not lines[k].strip():
            continue
        tree = _parse("\n".join(_dedent(lines[k:])))  # lines[k] is the dedented text's line 1
        if tree is None or not _has_call(tree):
            continue
        # leave out leading bare non-call expressions (prose such as "Plan" parses as a name)
        first = next(s for s in tree.body if not (isinstance(s, ast.Expr) and not _has_call(s)))
        return k + first.lineno - 1
    return None


def _reasoning(lines: list[str], drop: set[int]) -> str:
    text = "\n".join(line for i, line in enumerate(lines) if i not in drop)
    text = _THINK_TAG.sub("", text)
    text = re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", text)
    return text.strip()


def parse_reply(text: str) -> Reply:
    """Split a model's reply into reasoning, program and done (module docstring: the rules)."""
    if not isinstance(text, str):
        raise ReplyError(f"the reply was not text: {EXPECTED}")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ReplyError(f"the reply was empty: {EXPECTED}")
    lines = text.split("\n")
    blanked, had_thinking = _blank_thinking(text)
    visible = blanked.split("\n")

    candidates: list[tuple[_Block, list[str]]] = []
    done_lines: set[int] = set()  # the lines of blocks that only say done()
    for block in _blocks(visible):
        body = _dedent(block.body)
        if not body:
            continue
        tree = _parse("\n".join(body))
        if tree is not None and tree.body and all(_is_done(s) for s in tree.body):
            done_lines.update(range(block.start, block.end))
        else:
            candidates.append((block, body))
    done = bool(done_lines)

    chosen: tuple[range, list[str]] | None = None
    if candidates:
        python = [c for c in candidates if c[0].label in _PY_LABELS]
        block, body = (python or candidates)[-1]
        chosen = (range(block.start, block.end), body)
    elif not done:
        start = _trailing_program(visible)
        if start is not None:
            chosen = (range(start, len(visible)), _dedent(visible[start:]))

    if chosen is None:
        outside = [line for i, line in enumerate(visible) if i not in done_lines]
        if done or any(_DONE_LINE.match(line) or _DONE_INLINE.search(line) for line in outside):
            return Reply(_reasoning(lines, done_lines), "", True)
        if any(_FENCE.match(line) for line in visible):
            raise ReplyError(f"the code block was empty: {EXPECTED}")
        if had_thinking and not any(line.strip() for line in visible):
            raise ReplyError(f"the reply had only <think> reasoning and no program: {EXPECTED}")
        raise ReplyError(f"no program found in the reply: {EXPECTED}")

    where, body = chosen
    program_lines, removed = _remove_done(body)
    done = done or removed or any(line.strip().strip("`").strip() == "done()"
                                  for i, line in enumerate(visible) if i not in where and i not in done_lines)
    program = "\n".join(_dedent(program_lines))
    tree = _parse(program)
    if tree is not None and not tree.body:
        program = ""
    if not program and not done:
        raise ReplyError(f"the code block held no DSL statements: {EXPECTED}")
    return Reply(_reasoning(lines, done_lines | set(where)), program, done)
