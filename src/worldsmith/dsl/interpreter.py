"""A restricted interpreter for DSL programs: an allowlist walk over Python's ``ast``.

It is not Python's ``exec``. Allowed: literals (numbers, strings, bools, None, lists, tuples),
names, assignment (also tuple unpacking and ``+=``), arithmetic, comparisons, ``and``/``or``/
``not``, conditional expressions, ``if``, ``for`` over lists/tuples/strings/``range``, ``break``,
``continue``, ``pass``, indexing and slicing, calls of DSL functions and safe builtins by name, and
reading the fields of object handles (``h.id``, ``h.x``...). Everything else is rejected with
``E_FORBIDDEN``: imports, ``def``/``lambda``/``class``, ``while``, comprehensions, f-strings,
dicts and sets, ``with``/``try``/``raise``, attribute access on anything but handles, any name
starting with ``_``.

Limits: a step budget (node evaluations, loop iterations), a wall-clock limit checked at every
step, a cap on the length of any list or string, on the bits of any integer, on the total number
of elements the program allocates, on expression nesting, and on the full size (shared parts
counted each time) and depth of any value a function receives or a comparison walks. A
function's own exception reaches the program as a :class:`DSLError` too.
"""

from __future__ import annotations

import ast
import difflib
import inspect
import math
import operator
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from .errors import DSLError


@dataclass(frozen=True)
class Limits:
    steps: int = 100_000
    seconds: float = 2.0
    max_len: int = 10_000  # elements of one list/tuple, characters of one string
    max_alloc: int = 1_000_000  # elements/characters the program may create in total
    max_int_bits: int = 1024
    max_depth: int = 64  # nesting of expressions and blocks
    max_source: int = 100_000  # characters of program text
    max_value: int = 100_000  # elements + characters inside one value handed to a function or compared


@dataclass(frozen=True)
class Handle:
    """A reference to a scene object, as DSL functions return it. Its fields (``id``,
    ``category``, ``x``, ``y``, ``z``, ``yaw``, ``width``, ``depth``, ``height``) are read live
    from the scene."""

    id: str

    def __repr__(self) -> str:
        return f"<{self.id}>"


HANDLE_FIELDS = ("id", "category", "x", "y", "z", "yaw", "width", "depth", "height")

#: Names whose use is an escape attempt, answered E_FORBIDDEN rather than E_UNKNOWN_FUNCTION.
FORBIDDEN_NAMES = frozenset("""
eval exec compile open __import__ getattr setattr delattr hasattr globals locals vars dir type object
input breakpoint memoryview bytearray bytes super classmethod staticmethod property help exit quit id hash
iter next callable isinstance issubclass format chr ord repr ascii bin hex oct __builtins__ __loader__
__spec__ __build_class__ dict set frozenset slice map filter reversed all any divmod pow
""".split())


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class DslRange:
    """A lazy ``range``: never materialized unless the program asks (and pays) for it."""

    def __init__(self, r: range):
        self.r = r

    def __len__(self) -> int:
        return self.size()

    def size(self) -> int:
        """The number of items, exactly, even beyond ``sys.maxsize`` (where ``len(range)`` raises)."""
        r = self.r
        n = (r.stop - r.start + r.step - (1 if r.step > 0 else -1)) // r.step
        return max(0, n)

    def __contains__(self, item: Any) -> bool:
        # ``range.__contains__`` is O(1) only for ints; for anything else Python scans every item.
        if isinstance(item, int):
            return item in self.r
        if isinstance(item, float):
            return math.isfinite(item) and item.is_integer() and int(item) in self.r
        return False

    def __repr__(self) -> str:
        return repr(self.r)


_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_CMPOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}

_FORBIDDEN_NODES: dict[type, str] = {
    ast.Import: "imports", ast.ImportFrom: "imports", ast.FunctionDef: "def", ast.AsyncFunctionDef: "def",
    ast.Lambda: "lambda", ast.ClassDef: "class", ast.While: "while loops (use for ... in range(n))",
    ast.ListComp: "comprehensions (use a for loop)", ast.SetComp: "comprehensions (use a for loop)",
    ast.DictComp: "comprehensions (use a for loop)", ast.GeneratorExp: "generator expressions (use a for loop)",
    ast.JoinedStr: "f-strings (use str() and +)", ast.Dict: "dicts", ast.Set: "sets", ast.With: "with",
    ast.AsyncWith: "with", ast.Try: "try", ast.Raise: "raise", ast.Global: "global", ast.Nonlocal: "nonlocal",
    ast.Delete: "del", ast.Return: "return", ast.Yield: "yield", ast.YieldFrom: "yield", ast.Await: "await",
    ast.Assert: "assert", ast.NamedExpr: "the walrus operator", ast.Starred: "starred arguments",
    ast.AsyncFor: "async for", ast.AnnAssign: "annotations",
}
if hasattr(ast, "TryStar"):
    _FORBIDDEN_NODES[ast.TryStar] = "try"
if hasattr(ast, "Match"):
    _FORBIDDEN_NODES[ast.Match] = "match"


class Interpreter:
    """Runs one program. ``functions`` maps DSL names to Python callables (called with the
    program's evaluated arguments); ``handle_field(handle, name)`` reads a handle's field."""

    def __init__(self, functions: dict[str, Callable[..., Any]], handle_field: Callable[[Handle, str], Any],
                 limits: Limits | None = None):
        # the handle reader is plumbing, not a DSL function, even when ``functions`` lists it
        self.functions = dict(functions)
        self.functions.update(self._builtins())
        self.handle_field = handle_field
        self.limits = limits or Limits()
        self.vars: dict[str, Any] = {"pi": math.pi}
        self.steps = 0
        self.alloc = 0
        self.depth = 0
        self.deadline = 0.0
        self.line: int | None = None
        self.output: list[str] = []

    # ---------------------------------------------------------------------------------------
    def run(self, source: str) -> None:
        if not isinstance(source, str):
            raise DSLError("E_BAD_ARGUMENT", "a program is text")
        if len(source) > self.limits.max_source:
            raise DSLError("E_BUDGET", f"the program has {len(source)} characters; at most "
                           f"{self.limits.max_source} are allowed")
        try:
            tree = ast.parse(source, mode="exec")
        except SyntaxError as exc:
            raise DSLError("E_SYNTAX", exc.msg or "invalid syntax", line=exc.lineno,
                           hint=(exc.text or "").strip()[:80]) from None
        except (RecursionError, MemoryError):
            raise DSLError("E_BUDGET", "the program is nested too deeply to parse") from None
        except ValueError as exc:  # e.g. null bytes
            raise DSLError("E_SYNTAX", str(exc)) from None
        self.deadline = time.monotonic() + self.limits.seconds
        try:
            self._block(tree.body)
        except (_Break, _Continue):
            raise DSLError("E_SYNTAX", "break/continue outside a loop", line=self.line) from None
        except RecursionError:
            raise DSLError("E_BUDGET", "the program is nested too deeply", line=self.line) from None
        except MemoryError:
            raise DSLError("E_BUDGET", "the program ran out of memory", line=self.line) from None

    # ---------------------------------------------------------------------------------------
    def excuse(self, seconds: float) -> None:
        """Do not count ``seconds`` (spent outside the program's control, such as loading a text
        model on first use) against the wall-clock limit."""
        self.deadline += max(0.0, float(seconds))

    def _tick(self, node: ast.AST | None = None) -> None:
        self.steps += 1
        if node is not None and hasattr(node, "lineno"):
            self.line = node.lineno
        if self.steps > self.limits.steps:
            raise DSLError("E_BUDGET", f"the program took more than {self.limits.steps} steps", line=self.line,
                           hint="use fewer loop iterations")
        if time.monotonic() > self.deadline:
            raise DSLError("E_TIMEOUT", f"the program ran longer than {self.limits.seconds:g} s", line=self.line)

    def _charge(self, n: int) -> None:
        if n > self.limits.max_len:
            raise DSLError("E_BUDGET", f"a list or string of {n} elements is larger than the "
                           f"{self.limits.max_len} allowed", line=self.line)
        self.alloc += n
        if self.alloc > self.limits.max_alloc:
            raise DSLError("E_BUDGET", "the program allocated too much memory", line=self.line)

    def _forbid(self, node: ast.AST) -> DSLError:
        what = _FORBIDDEN_NODES.get(type(node), type(node).__name__)
        return DSLError("E_FORBIDDEN", f"{what} not allowed in the DSL", line=getattr(node, "lineno", self.line))

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > self.limits.max_depth:
            raise DSLError("E_BUDGET", f"nesting deeper than {self.limits.max_depth} levels", line=self.line)

    def _check_value(self, value: Any) -> None:
        """Refuse a value whose full contents are too big or too deep to compare, print or pass on.

        Lists can hold the same list many times (``b = [a] * 1000``), so a value the allocation
        budget accepted may still stand for billions of elements; comparing, printing or
        repr-ing it would run unbounded inside one step. Shared parts count each time."""
        if not isinstance(value, (list, tuple, str)):
            return
        cap, max_depth = self.limits.max_value, self.limits.max_depth
        total = 0
        stack: list[tuple[Any, int]] = [(value, 0)]
        while stack:
            v, depth = stack.pop()
            if isinstance(v, str):
                total += len(v)
            elif isinstance(v, (list, tuple)):
                if depth >= max_depth:
                    raise DSLError("E_BUDGET", f"a list nested deeper than {max_depth} levels", line=self.line)
                total += len(v)
                if total <= cap:
                    stack.extend((item, depth + 1) for item in v if isinstance(item, (list, tuple, str)))
            if total > cap:
                raise DSLError("E_BUDGET", f"a value holding more than {cap} elements and characters (shared "
                               "parts count each time)", line=self.line, hint="use smaller lists")

    # ---------------------------------------------------------------------------------------
    # statements
    def _block(self, body: list[ast.stmt]) -> None:
        self._enter()
        try:
            for stmt in body:
                self._stmt(stmt)
        finally:
            self.depth -= 1

    def _stmt(self, node: ast.stmt) -> None:
        self._tick(node)
        if isinstance(node, ast.Expr):
            self._eval(node.value)
        elif isinstance(node, ast.Assign):
            value = self._eval(node.value)
            for target in node.targets:
                self._assign(target, value)
        elif isinstance(node, ast.AugAssign):
            if not isinstance(node.target, ast.Name):
                raise DSLError("E_FORBIDDEN", "only plain names can be updated with +=, -=, ...", line=node.lineno)
            current = self._name(node.target)
            self._assign(node.target, self._binop(node.op, current, self._eval(node.value)))
        elif isinstance(node, ast.If):
            if self._truth(self._eval(node.test)):
                self._block(node.body)
            else:
                self._block(node.orelse)
        elif isinstance(node, ast.For):
            self._for(node)
        elif isinstance(node, ast.Pass):
            pass
        elif isinstance(node, ast.Break):
            raise _Break()
        elif isinstance(node, ast.Continue):
            raise _Continue()
        else:
            raise self._forbid(node)

    def _for(self, node: ast.For) -> None:
        if node.orelse:
            raise DSLError("E_FORBIDDEN", "for ... else not allowed in the DSL", line=node.lineno)
        iterable = self._eval(node.iter)
        for item in self._iterate(iterable):
            self._tick(node)
            self._assign(node.target, item)
            try:
                self._block(node.body)
            except _Break:
                break
            except _Continue:
                continue

    def _iterate(self, value: Any) -> Iterator[Any]:
        if isinstance(value, DslRange):
            return iter(value.r)
        if isinstance(value, (list, tuple, str)):
            return iter(list(value))
        raise DSLError("E_TYPE", f"cannot loop over {_type_name(value)}", line=self.line,
                       hint="loop over a list or range(n)")

    def _assign(self, target: ast.expr, value: Any) -> None:
        if isinstance(target, ast.Name):
            name = target.id
            if name.startswith("_"):
                raise DSLError("E_FORBIDDEN", f"names starting with '_' are not allowed ({name})", line=self.line)
            if name in self.functions or name in FORBIDDEN_NAMES:
                raise DSLError("E_FORBIDDEN", f"{name!r} is a DSL function and cannot be assigned", line=self.line,
                               hint="choose another variable name")
            self.vars[name] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            items = list(self._iterate(value)) if not isinstance(value, DslRange) else None
            if items is None:
                if value.size() > self.limits.max_len:
                    raise DSLError("E_BUDGET", "cannot unpack such a long range", line=self.line)
                items = list(value.r)
            if len(items) != len(target.elts):
                raise DSLError("E_BAD_ARGUMENT", f"cannot unpack {len(items)} values into {len(target.elts)} names",
                               line=self.line)
            for t, v in zip(target.elts, items):
                self._assign(t, v)
        else:
            raise DSLError("E_FORBIDDEN", "only names (or tuples of names) can be assigned", line=self.line)

    # ---------------------------------------------------------------------------------------
    # expressions
    def _eval(self, node: ast.expr) -> Any:
        self._tick(node)
        self._enter()
        try:
            return self._eval_inner(node)
        finally:
            self.depth -= 1

    def _eval_inner(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, (bytes, complex)) or v is Ellipsis:
                raise DSLError("E_FORBIDDEN", f"{type(v).__name__} literals are not allowed", line=self.line)
            if isinstance(v, int) and not isinstance(v, bool):
                self._check_int(v)
            if isinstance(v, str):
                self._charge(len(v))
            return v
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, (ast.List, ast.Tuple)):
            if not isinstance(node.ctx, ast.Load):
                raise self._forbid(node)
            items = [self._eval(e) for e in node.elts]
            self._charge(len(items))
            return items if isinstance(node, ast.List) else tuple(items)
        if isinstance(node, ast.BinOp):
            return self._binop(node.op, self._eval(node.left), self._eval(node.right))
        if isinstance(node, ast.UnaryOp):
            v = self._eval(node.operand)
            if isinstance(node.op, ast.Not):
                return not self._truth(v)
            if not _is_number(v):
                raise DSLError("E_TYPE", f"unary minus/plus needs a number, got {_type_name(v)}", line=self.line)
            if isinstance(node.op, ast.USub):
                return -v
            if isinstance(node.op, ast.UAdd):
                return +v
            raise self._forbid(node)
        if isinstance(node, ast.BoolOp):
            is_and = isinstance(node.op, ast.And)
            result: Any = None
            for value in node.values:
                result = self._eval(value)
                if self._truth(result) != is_and:
                    return result
            return result
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.IfExp):
            return self._eval(node.body) if self._truth(self._eval(node.test)) else self._eval(node.orelse)
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.Attribute):
            return self._attribute(node)
        if isinstance(node, ast.Subscript):
            return self._subscript(node)
        raise self._forbid(node)

    def _name(self, node: ast.Name) -> Any:
        name = node.id
        if name.startswith("_") or name in FORBIDDEN_NAMES:
            raise DSLError("E_FORBIDDEN", f"{name!r} is not available in the DSL", line=self.line)
        if name in self.vars:
            return self.vars[name]
        if name in self.functions:
            raise DSLError("E_FORBIDDEN", f"{name} is a function: call it, e.g. {name}(...)", line=self.line)
        close = difflib.get_close_matches(name, list(self.vars), n=1)
        raise DSLError("E_UNKNOWN_NAME", f"name {name!r} is not defined", line=self.line,
                       hint=f"did you mean {close[0]!r}?" if close else "assign it before use")

    def _truth(self, v: Any) -> bool:
        if isinstance(v, DslRange):
            return v.size() > 0
        return bool(v)

    def _check_int(self, v: int) -> int:
        if v.bit_length() > self.limits.max_int_bits:
            raise DSLError("E_BUDGET", "integer too large", line=self.line)
        return v

    def _binop(self, op: ast.operator, a: Any, b: Any) -> Any:
        fn = _BINOPS.get(type(op))
        if fn is None:
            raise DSLError("E_FORBIDDEN", f"the operator {type(op).__name__} is not allowed", line=self.line)
        if _is_number(a) and _is_number(b):
            if isinstance(op, ast.Pow) and isinstance(a, int) and isinstance(b, int):
                if b < 0:
                    a = float(a)
                elif abs(a) > 1 and a.bit_length() * b > self.limits.max_int_bits:
                    raise DSLError("E_BUDGET", "integer power too large", line=self.line)
            if isinstance(op, ast.Mult) and isinstance(a, int) and isinstance(b, int):
                if a.bit_length() + b.bit_length() > self.limits.max_int_bits:
                    raise DSLError("E_BUDGET", "integer too large", line=self.line)
            try:
                result = fn(a, b)
            except ZeroDivisionError:
                raise DSLError("E_BAD_ARGUMENT", "division by zero", line=self.line) from None
            except (OverflowError, ValueError) as exc:
                raise DSLError("E_BAD_ARGUMENT", f"arithmetic error: {exc}", line=self.line) from None
            if isinstance(result, complex):
                raise DSLError("E_BAD_ARGUMENT", "the result is a complex number", line=self.line)
            if isinstance(result, int) and not isinstance(result, bool):
                self._check_int(result)
            return result
        seq = (str, list, tuple)
        if isinstance(op, ast.Add) and isinstance(a, seq) and type(a) is type(b):
            self._charge(len(a) + len(b))
            return a + b
        if isinstance(op, ast.Mult) and (isinstance(a, seq) and _is_int(b) or isinstance(b, seq) and _is_int(a)):
            s, n = (a, b) if isinstance(a, seq) else (b, a)
            self._charge(len(s) * max(int(n), 0))
            return s * n
        raise DSLError("E_TYPE", f"unsupported operand types for {_OP_SYMBOL.get(type(op), '?')}: "
                       f"{_type_name(a)} and {_type_name(b)}", line=self.line)

    def _compare(self, node: ast.Compare) -> Any:
        left = self._eval(node.left)
        seq = (list, tuple)
        for op, comparator in zip(node.ops, node.comparators):
            right = self._eval(comparator)
            if isinstance(right, seq) and (isinstance(left, seq) or isinstance(op, (ast.In, ast.NotIn))):
                self._check_value(left)  # element-wise comparison: bound its work
                self._check_value(right)
            if isinstance(op, (ast.In, ast.NotIn)):
                if isinstance(right, DslRange):
                    result = left in right
                elif isinstance(right, (list, tuple)):
                    result = left in right
                elif isinstance(right, str) and isinstance(left, str):
                    result = left in right
                else:
                    raise DSLError("E_TYPE", f"'in' needs a list, tuple, string or range, got {_type_name(right)}",
                                   line=self.line)
                if isinstance(op, ast.NotIn):
                    result = not result
            elif isinstance(op, (ast.Is, ast.IsNot)):
                if not (left is None or right is None):
                    raise DSLError("E_FORBIDDEN", "'is' is only allowed with None", line=self.line,
                                   hint="use == to compare values")
                result = (left is right) == isinstance(op, ast.Is)
            else:
                fn = _CMPOPS[type(op)]
                try:
                    result = fn(left, right)
                except TypeError:
                    raise DSLError("E_TYPE", f"cannot compare {_type_name(left)} and {_type_name(right)}",
                                   line=self.line) from None
            if not result:
                return False
            left = right
        return True

    def _attribute(self, node: ast.Attribute) -> Any:
        if node.attr.startswith("_"):
            raise DSLError("E_FORBIDDEN", f"attribute {node.attr!r} is not allowed", line=self.line)
        if not isinstance(node.ctx, ast.Load):
            raise DSLError("E_FORBIDDEN", "attributes cannot be assigned", line=self.line)
        value = self._eval(node.value)
        if not isinstance(value, Handle):
            raise DSLError("E_FORBIDDEN", f"attribute access is only allowed on object handles, not on "
                           f"{_type_name(value)}", line=self.line, hint="use the DSL functions instead of methods")
        if node.attr not in HANDLE_FIELDS:
            raise DSLError("E_FORBIDDEN", f"handles have no field {node.attr!r}", line=self.line,
                           hint="fields: " + ", ".join(HANDLE_FIELDS))
        try:
            return self.handle_field(value, node.attr)
        except DSLError as exc:
            raise exc.at_line(self.line) from None

    def _subscript(self, node: ast.Subscript) -> Any:
        if not isinstance(node.ctx, ast.Load):
            raise DSLError("E_FORBIDDEN", "item assignment is not allowed", line=self.line)
        value = self._eval(node.value)
        if isinstance(value, DslRange):
            seq: Any = value.r
        elif isinstance(value, (list, tuple, str)):
            seq = value
        else:
            raise DSLError("E_TYPE", f"cannot index {_type_name(value)}", line=self.line)
        if isinstance(node.slice, ast.Slice):
            parts = [None if p is None else self._eval(p) for p in (node.slice.lower, node.slice.upper, node.slice.step)]
            for p in parts:
                if p is not None and not _is_int(p):
                    raise DSLError("E_TYPE", "slice bounds must be integers", line=self.line)
            if parts[2] == 0:
                raise DSLError("E_BAD_ARGUMENT", "slice step cannot be zero", line=self.line)
            result = seq[slice(*parts)]
            if isinstance(result, range):
                return DslRange(result)
            self._charge(len(result))
            return result
        index = self._eval(node.slice)
        if not _is_int(index):
            raise DSLError("E_TYPE", f"indices must be integers, got {_type_name(index)}", line=self.line)
        try:
            return seq[index]
        except IndexError:
            length = value.size() if isinstance(value, DslRange) else len(seq)
            raise DSLError("E_BAD_ARGUMENT", f"index {index} out of range (length {length})",
                           line=self.line) from None

    def _call(self, node: ast.Call) -> Any:
        if not isinstance(node.func, ast.Name):
            if isinstance(node.func, ast.Attribute):
                raise DSLError("E_FORBIDDEN", f"method calls are not allowed (.{node.func.attr}())", line=self.line,
                               hint="call DSL functions by name, e.g. add(...), place(...)")
            raise DSLError("E_FORBIDDEN", "only DSL functions can be called, by name", line=self.line)
        name = node.func.id
        line = node.lineno
        if name.startswith("_") or name in FORBIDDEN_NAMES:
            raise DSLError("E_FORBIDDEN", f"{name!r} is not available in the DSL", line=line)
        fn = self.functions.get(name)
        if fn is None:
            if name in self.vars:
                raise DSLError("E_TYPE", f"{name!r} is a variable, not a function", line=line)
            close = difflib.get_close_matches(name, [n for n in self.functions if not n.startswith("_")], n=1)
            raise DSLError("E_UNKNOWN_FUNCTION", f"unknown function {name!r}", line=line,
                           hint=f"did you mean {close[0]!r}?" if close else "see the DSL reference")
        args = []
        for a in node.args:
            if isinstance(a, ast.Starred):
                raise self._forbid(a)
            args.append(self._eval(a))
        kwargs = {}
        for kw in node.keywords:
            if kw.arg is None:
                raise DSLError("E_FORBIDDEN", "**kwargs are not allowed", line=line)
            kwargs[kw.arg] = self._eval(kw.value)
        self.line = line  # errors from here on belong to the call's line, not its last argument's
        for v in (*args, *kwargs.values()):
            self._check_value(v)
        try:
            inspect.signature(fn).bind(*args, **kwargs)
        except TypeError as exc:
            params = ", ".join(p for p in inspect.signature(fn).parameters)
            raise DSLError("E_BAD_ARGUMENT", f"{name}(): {exc}", line=line, hint=f"parameters: {params}") from None
        try:
            return fn(*args, **kwargs)
        except DSLError as exc:
            raise exc.at_line(line) from None
        except (RecursionError, MemoryError):
            raise  # E_BUDGET, in run()
        except Exception as exc:  # a function's own bug must still reach the policy as a DSLError
            raise DSLError("E_BAD_ARGUMENT", f"{name}() failed: {type(exc).__name__}: {str(exc)[:200]}",
                           line=line, hint="check the arguments against the DSL reference") from exc

    # ---------------------------------------------------------------------------------------
    # builtins: each iterates under the step budget and never materializes unbounded data
    def _builtins(self) -> dict[str, Callable[..., Any]]:
        def _items(value: Any) -> Iterator[Any]:
            for item in self._iterate(value):
                self._tick()
                yield item

        def range_(*args: Any) -> DslRange:
            if not 1 <= len(args) <= 3 or not all(_is_int(a) for a in args):
                raise DSLError("E_BAD_ARGUMENT", "range() takes 1 to 3 integers")
            if len(args) == 3 and args[2] == 0:
                raise DSLError("E_BAD_ARGUMENT", "range() step cannot be zero")
            return DslRange(range(*args))

        def len_(value: Any) -> int:
            if not isinstance(value, (list, tuple, str, DslRange)):
                raise DSLError("E_TYPE", f"len() needs a list, tuple, string or range, got {_type_name(value)}")
            return value.size() if isinstance(value, DslRange) else len(value)

        def _numbers(args: tuple[Any, ...], fname: str) -> list[Any]:
            values = list(_items(args[0])) if len(args) == 1 else list(args)
            if not values:
                raise DSLError("E_BAD_ARGUMENT", f"{fname}() of an empty sequence")
            for v in values:
                if not _is_number(v):
                    raise DSLError("E_TYPE", f"{fname}() needs numbers, got {_type_name(v)}")
            return values

        def min_(*args: Any) -> Any:
            return min(_numbers(args, "min"))

        def max_(*args: Any) -> Any:
            return max(_numbers(args, "max"))

        def sum_(values: Any) -> Any:
            total: Any = 0
            for v in _items(values):
                if not _is_number(v):
                    raise DSLError("E_TYPE", f"sum() needs numbers, got {_type_name(v)}")
                total += v
            return total

        def abs_(x: Any) -> Any:
            return abs(_num(x, "abs"))

        def round_(x: Any, ndigits: int = 0) -> Any:
            if not _is_int(ndigits) or not -10 <= ndigits <= 10:
                raise DSLError("E_BAD_ARGUMENT", "round() digits must be an integer in [-10, 10]")
            try:
                return round(_num(x, "round"), ndigits) if ndigits else int(round(_num(x, "round")))
            except (OverflowError, ValueError):
                raise DSLError("E_BAD_ARGUMENT", "round() of an infinite or NaN value") from None

        def _parse(x: Any, fname: str, conv: Callable[[Any], Any]) -> Any:
            if len(x) > 40:
                raise DSLError("E_BAD_ARGUMENT", f"{fname}() of a too long string")
            try:
                return conv(x)
            except ValueError:
                raise DSLError("E_BAD_ARGUMENT", f"{fname}() cannot parse {x!r}") from None

        def int_(x: Any) -> int:
            if isinstance(x, str):
                return _parse(x, "int", int)
            v = _num(x, "int")
            if isinstance(v, float) and not math.isfinite(v):
                raise DSLError("E_BAD_ARGUMENT", "int() of an infinite or NaN value")
            return int(v)

        def float_(x: Any) -> float:
            if isinstance(x, str):
                return _parse(x, "float", float)
            return float(_num(x, "float"))

        def str_(x: Any) -> str:
            if isinstance(x, (list, tuple)) and len(x) > 100:
                raise DSLError("E_BUDGET", "str() of a long list")
            text = x.id if isinstance(x, Handle) else str(x)
            self._charge(len(text))
            return text

        def list_(values: Any) -> list[Any]:
            if isinstance(values, DslRange) and values.size() > self.limits.max_len:
                self._charge(values.size())
            out = list(_items(values))
            self._charge(len(out))
            return out

        def enumerate_(values: Any, start: int = 0) -> list[tuple[int, Any]]:
            if not _is_int(start):
                raise DSLError("E_BAD_ARGUMENT", f"enumerate() start must be an integer, got {_type_name(start)}")
            out = [(start + i, v) for i, v in enumerate(_items(values))]
            self._charge(2 * len(out))
            return out

        def zip_(*seqs: Any) -> list[tuple[Any, ...]]:
            lists = [list(_items(s)) for s in seqs]
            out = list(zip(*lists))
            self._charge(len(out) * max(len(seqs), 1))
            return out

        def print_(*args: Any) -> None:
            """Write a line to the program's output (kept in the report, at most 200 lines)."""
            text = " ".join(a.id if isinstance(a, Handle) else str(a) for a in args)[:500]
            if len(self.output) < 200:
                self.output.append(text)

        def _math(fn: Callable[..., float], fname: str) -> Callable[..., float]:
            def wrapped(*args: Any) -> float:
                try:
                    return fn(*(_num(a, fname) for a in args))
                except (ValueError, OverflowError) as exc:
                    raise DSLError("E_BAD_ARGUMENT", f"{fname}(): {exc}") from None
                except TypeError as exc:
                    raise DSLError("E_BAD_ARGUMENT", f"{fname}(): {exc}") from None

            wrapped.__name__ = fname
            wrapped.__signature__ = inspect.signature(lambda *args: None)  # type: ignore[attr-defined]
            return wrapped

        table: dict[str, Callable[..., Any]] = {
            "range": range_, "len": len_, "min": min_, "max": max_, "sum": sum_, "abs": abs_, "round": round_,
            "int": int_, "float": float_, "str": str_, "list": list_, "enumerate": enumerate_, "zip": zip_,
            "print": print_,
        }
        for fname in ("sqrt", "sin", "cos", "tan", "atan2", "radians", "degrees", "hypot", "floor", "ceil"):
            table[fname] = _math(getattr(math, fname), fname)
        return table


_OP_SYMBOL = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
              ast.Pow: "**"}


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, str)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _num(v: Any, fname: str) -> Any:
    if not _is_number(v):
        raise DSLError("E_TYPE", f"{fname}() needs a number, got {_type_name(v)}")
    return v


def _type_name(v: Any) -> str:
    if isinstance(v, Handle):
        return "an object handle"
    if isinstance(v, DslRange):
        return "a range"
    if v is None:
        return "None"
    return {bool: "a bool", int: "an int", float: "a float", str: "a string", list: "a list",
            tuple: "a tuple"}.get(type(v), type(v).__name__)
