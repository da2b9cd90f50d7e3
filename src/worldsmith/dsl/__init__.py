"""The DSL a policy writes: sandboxed executor, Action values, atomic apply."""

from .actions import Action
from .apply import ApplyReport, apply
from .errors import CODES, DSLError
from .executor import ExecResult, execute
from .interpreter import Handle, Limits

__all__ = ["CODES", "Action", "ApplyReport", "DSLError", "ExecResult", "Handle", "Limits", "apply", "execute"]
