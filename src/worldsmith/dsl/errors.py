"""DSL errors: a stable code, the program line, and a hint a model can act on."""

from __future__ import annotations

from ..scene import WorldsmithError

#: Every code a DSLError may carry, with its meaning (shown to policies).
CODES = {
    "E_SYNTAX": "the program is not valid Python syntax",
    "E_FORBIDDEN": "the construct is not allowed in the DSL (imports, attributes, def, while, ...)",
    "E_UNKNOWN_FUNCTION": "the name is not a DSL function",
    "E_UNKNOWN_NAME": "the variable is not defined",
    "E_BAD_ARGUMENT": "an argument has the wrong type or value",
    "E_TYPE": "an operation got values of the wrong type",
    "E_BUDGET": "the program used more steps, memory or nesting than allowed",
    "E_TIMEOUT": "the program ran longer than the wall-clock limit",
    "E_CONFLICT": "the action conflicts with the scene (unknown object, overlapping opening, ...)",
    "E_NO_ROOM": "the action needs a room; call room(...) first",
}


class DSLError(WorldsmithError):
    """An error in a DSL program. ``str()`` gives ``line N: CODE: message (hint: ...)``."""

    def __init__(self, code: str, message: str, *, line: int | None = None, hint: str = ""):
        if code not in CODES:
            raise ValueError(f"unknown DSL error code {code!r}")
        self.code = code
        self.message = message
        self.line = line
        self.hint = hint
        super().__init__(self._text())

    def _text(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        hint = f" (hint: {self.hint})" if self.hint else ""
        return f"{where}{self.code}: {self.message}{hint}"

    def at_line(self, line: int | None) -> "DSLError":
        """This error with ``line`` filled in when it has none yet."""
        if self.line is not None or line is None:
            return self
        return DSLError(self.code, self.message, line=line, hint=self.hint)

    def to_dict(self) -> dict:
        return {"code": self.code, "line": self.line, "message": self.message, "hint": self.hint}
