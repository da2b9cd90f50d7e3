"""The VLM's prompt: the system prompt (generated from the DSL's own docstrings) and each step's observation.

**The reference** (:func:`dsl_reference`) is built from the code, so the prompt and the DSL can
never drift apart:

- the *Conventions* paragraph of the :mod:`worldsmith.dsl.api` module docstring (units, wall
  numbering, headings);
- every DSL function, as :meth:`worldsmith.dsl.api.ProgramContext.functions` lists them, grouped
  (:data:`GROUPS`: room shell, objects, placement, lights, queries; a function no group names goes
  to a final "other functions" group, sorted by name, so a new one is never left out): its
  signature (``inspect.signature`` without ``self`` and without type annotations, defaults shown)
  and its docstring (``inspect.cleandoc``, verbatim, indented by 4 spaces);
- the fields of object handles, the safe builtins and the constant ``pi`` the interpreter offers
  (:class:`worldsmith.dsl.interpreter.Interpreter`), and every error code with its meaning
  (:data:`worldsmith.dsl.errors.CODES`);
- the catalog's canonical categories (:func:`worldsmith.assets.catalog.names`) grouped by support
  kind (floor, wall, ceiling, on objects), each with its typical size ``w x d x h`` in metres
  (2 decimals, trailing zeros dropped). Synonyms are not listed (they would triple the length);
  the reference says they work.

It is computed once per process (``functools.lru_cache``).

**The system prompt** (:func:`system_prompt`) is ``data/system.txt`` with ``{reference}`` and
``{examples}`` replaced (plain string replacement, so the template may contain other braces);
the examples are the first ``examples`` entries of ``data/examples.json``, each rendered as
"Example i", its prompt, its situation, and the reply the model should give (its reasoning, then
its program in a ```python fence). An example's ``after`` (the example whose final scene it starts
from) and ``last_program`` (the previous step's program, which produced the situation: applied
when it runs, quoted with its error when it fails) are for the tests, which replay every example
with the real DSL; they are not shown to the model.

**The scene summary** (:func:`scene_text`): every number with 2 decimals (``-0.00`` printed as
``0.00``), yaw normalized to [0, 360); per room its id, name, polygon, height and floor area; its
walls (id, start -> end, length); its openings (id, kind, wall, centre as a fraction of the wall's
length, width, height, sill, and hinge and swing for doors); its materials as the scene stores the
descriptions (floor, ceiling, walls, then single walls in wall order); then one line per object in
scene order (id, category, bottom-centre x y z, yaw, w x d x h, support: ``floor``, ``on <id>``
[``surface k``], ``wall <wall id>``, ``ceiling``; plus colour, style and main material when set);
then one line per light (id, kind, position, watts or lumens, kelvin or rgb; a light with neither
shows the 4000 K default).

**The validation text** (:func:`validation_text`): one line per non-empty problem list, in the
order collisions, out of bounds, blocked openings, unsupported, then any other list the runner
adds, each ``"<name> (<count>): item; item ..."``, items sorted by their ids, at most
:data:`MAX_ITEMS` per list (then ``"... and N more"``); a line per room that is not navigable or has
unreachable doors or fronts; a line ``"unmet requirements (n): text: detail; ..."`` for the
prompt-fidelity requirements not satisfied (in the record's order). A clean scene reads
``"No problems"`` (with the count of met requirements in brackets when there are any).

**The observation** (:func:`observation_messages`): ``[system message, one user message]``. The
user message's first text part holds the prompt, ``"Step i of N."`` (``i`` = the observation's
0-based ``step`` + 1; ``"Step i."`` without a budget), the scene summary (or
``"no room yet: start with room(...)"``), the validation text, the last program (trailing
whitespace dropped, leading lines kept so error line numbers still match) with its outcome
(failed: code, line, message, hint; rolled back: the reason; applied: what it created, added,
placed, moved, removed, lit, what could not be placed and why, how many of the requested
relations hold and which do not), and the retrieved library examples; then each
render as a text label (:data:`TOPDOWN_LABEL` for a file whose name contains ``topdown``, else
``"perspective view <file stem>"``) followed by its image part; then the closing instruction
(:data:`INSTRUCTION`).
"""

from __future__ import annotations

import inspect
import json
import math
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Mapping, Sequence

from .messages import image_part, system_message, text_part

#: the DSL functions in the order the reference shows them, by group; functions no group names are
#: listed afterwards under "other functions"
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Room shell", ("room", "door", "window", "material")),
    ("Objects", ("add", "add_to_wall", "fill", "resize", "remove")),
    ("Placement", ("place", "move", "rotate")),
    ("Lights", ("light",)),
    ("Queries (read-only)", ("objects", "size_of", "position_of", "wall_length", "walls", "room_bounds")),
)

#: the category groups of the reference: (catalog support kind, heading)
SUPPORT_GROUPS = (("floor", "floor"), ("wall", "wall"), ("ceiling", "ceiling"),
                  ("object", "on objects (small things for fill() or add(..., on=...))"))

#: the most items one validation list shows before "... and N more"
MAX_ITEMS = 12

TOPDOWN_LABEL = "top-down view: grid 1 m, ids, arrows show each object's front"
EMPTY_SCENE = "no room yet: start with room(...)"
INSTRUCTION = ("Answer with brief reasoning and exactly one ```python fenced program for the next step; "
               "write done() alone when the scene satisfies the prompt.")

_DATA = "data"


# ---------------------------------------------------------------------------------------------
# the DSL reference


def _signature(name: str, fn: Any) -> str:
    sig = inspect.signature(fn)
    params = [p.replace(annotation=inspect.Parameter.empty) for p in sig.parameters.values()]
    return name + str(sig.replace(parameters=params, return_annotation=inspect.Signature.empty))


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line.strip() else "" for line in text.splitlines())


def _conventions() -> str:
    from ...dsl import api

    paragraphs = inspect.cleandoc(api.__doc__ or "").split("\n\n")
    chosen = [p for p in paragraphs if p.startswith("Conventions")] or paragraphs[1:]
    return "\n\n".join(" ".join(p.split()) for p in chosen)


def _size(values: Sequence[float]) -> str:
    return " x ".join(f"{round(float(v), 2):g}" for v in values)


def _categories() -> str:
    from ...assets import catalog

    lines = ['Object categories, by what they stand on, with their typical size w x d x h in metres. Synonyms '
             '("couch", "bookcase") and descriptions ("king size bed") work too; anything else becomes a '
             'labelled stand-in of a plausible size.']
    for support, heading in SUPPORT_GROUPS:
        entries = [f"{n} ({_size(catalog.get(n).size_typical)})" for n in catalog.names()
                   if catalog.get(n).support == support]
        if entries:
            lines.append(f"- {heading}: " + ", ".join(entries))
    return "\n".join(lines)


def dsl_functions() -> list[tuple[str, list[tuple[str, Any]]]]:
    """The DSL functions grouped as the reference shows them: ``[(heading, [(name, bound method)])]``."""
    from ...dsl.api import ProgramContext
    from ...scene import Scene

    functions = ProgramContext(Scene(), 0).functions()
    seen: set[str] = set()
    out = []
    for heading, names in GROUPS:
        members = [(n, functions[n]) for n in names if n in functions]
        seen.update(n for n, _ in members)
        if members:
            out.append((heading, members))
    rest = [(n, functions[n]) for n in sorted(functions) if n not in seen]
    if rest:
        out.append(("Other functions", rest))
    return out


@lru_cache(maxsize=1)
def dsl_reference() -> str:
    """The DSL reference for the system prompt (module docstring: what it holds, in which order)."""
    from ...dsl.errors import CODES
    from ...dsl.interpreter import HANDLE_FIELDS, Interpreter

    parts = [_conventions()]
    for heading, members in dsl_functions():
        block = [f"## {heading}"]
        for name, fn in members:
            block.append(_signature(name, fn))
            block.append(_indent(inspect.cleandoc(fn.__doc__ or "(no description)")))
        parts.append("\n".join(block))
    interp = Interpreter({}, lambda handle, field: None)
    builtins = sorted(interp.functions)
    parts.append("## Handles, builtins, errors\n"
                 "A handle (what add(), add_to_wall(), fill() and objects() return) reads its object's live "
                 "fields: " + ", ".join(f"h.{f}" for f in HANDLE_FIELDS) + ". Wherever an object is expected, "
                 'its id string ("sofa_0") works as well as its handle.\n'
                 "Builtins: " + ", ".join(builtins) + "; the constant " + ", ".join(sorted(interp.vars)) + ".\n"
                 "Error codes: " + "; ".join(f"{code}: {meaning}" for code, meaning in CODES.items()) + ".")
    parts.append(_categories())
    return "\n\n".join(parts)


# ---------------------------------------------------------------------------------------------
# the system prompt


@lru_cache(maxsize=1)
def _examples_data() -> tuple[dict, ...]:
    raw = json.loads(resources.files(__package__).joinpath(f"{_DATA}/examples.json").read_text("utf-8"))
    return tuple(raw["examples"])


def examples() -> list[dict]:
    """The worked examples of ``data/examples.json``: ``{"id", "prompt", "situation", "reasoning",
    "program"}`` plus the test-only ``after`` and ``last_program``."""
    return [dict(e) for e in _examples_data()]


def format_example(index: int, example: Mapping[str, Any]) -> str:
    """One worked example as the system prompt shows it."""
    return (f"Example {index}\nPrompt: {example['prompt']}\nSituation: {example['situation']}\nReply:\n"
            f"{example['reasoning']}\n```python\n{example['program']}\n```")


@lru_cache(maxsize=8)
def system_prompt(examples: int = 2) -> str:
    """``data/system.txt`` with the DSL reference and the first ``examples`` worked examples."""
    if isinstance(examples, bool) or not isinstance(examples, int) or examples < 0:
        raise ValueError(f"examples must be a whole number >= 0, got {examples!r}")
    template = resources.files(__package__).joinpath(f"{_DATA}/system.txt").read_text("utf-8")
    chosen = _examples_data()[:examples]
    shown = "\n\n".join(format_example(i + 1, e) for i, e in enumerate(chosen)) if chosen else "(none)"
    return template.replace("{reference}", dsl_reference()).replace("{examples}", shown).strip() + "\n"


# ---------------------------------------------------------------------------------------------
# the scene summary


def _f(value: float) -> str:
    text = f"{float(value):.2f}"
    return "0.00" if text == "-0.00" else text


def _pt(values: Sequence[float]) -> str:
    return "(" + ", ".join(_f(v) for v in values) + ")"


def _yaw(value: float) -> str:
    text = _f(float(value) % 360.0)
    return "0.00" if text == "360.00" else text


def _support(support: str) -> str:
    kind, _, rest = support.partition(":")
    if kind == "object":
        target, _, surface = rest.partition("#")
        return f"on {target}" + (f" surface {surface}" if surface else "")
    if kind == "wall":
        return f"wall {rest}"
    return kind


def _color(color: Any) -> str:
    return color if isinstance(color, str) else _pt(color)


def _object_line(o: Any) -> str:
    line = (f"{o.id} {o.category} at {_pt(o.position)} yaw {_yaw(o.yaw_deg)} size "
            f"{' x '.join(_f(v) for v in o.size)} support {_support(o.support)}")
    looks = []
    a = o.attributes
    if a.color is not None:
        looks.append(f"color {_color(a.color)}")
    if a.style:
        looks.append(f"style {a.style}")
    if a.materials.get("main"):
        looks.append(f'material "{a.materials["main"]}"')
    return line + (" [" + ", ".join(looks) + "]" if looks else "")


def _light_line(light: Any) -> str:
    power = f"{_f(light.watts)} W" if light.watts is not None else f"{_f(light.lumens)} lm"
    if light.rgb is not None:
        colour = f"rgb {_pt(light.rgb)}"
    elif light.kelvin is not None:
        colour = f"{light.kelvin:.0f} K"
    else:
        colour = f"{light.kelvin_value:.0f} K (default)"
    return f"{light.id} {light.kind} at {_pt(light.position)}, {power}, {colour}"


def _materials(room: Any, walls: Sequence[Any]) -> str:
    order = ["floor", "ceiling", "walls"] + [w.id for w in walls]
    keys = [k for k in order if k in room.materials] + sorted(k for k in room.materials if k not in order)
    if not keys:
        return "materials: none set (defaults)"
    return "materials: " + "; ".join(f'{k} "{room.materials[k]}"' for k in keys)


def scene_text(scene: Any) -> str:
    """The compact, deterministic text summary of ``scene`` (module docstring: the format)."""
    if not scene.rooms:
        lines = [EMPTY_SCENE]
    else:
        lines = [f"rooms ({len(scene.rooms)}):"]
    for room in scene.rooms:
        walls = [w for w in scene.walls if w.room == room.id]
        lines.append(f'{room.id} "{room.name}": polygon ' + " ".join(_pt(p) for p in room.polygon)
                     + f"; height {_f(room.height)} m; area {_f(room.area)} m2")
        lines.append("  walls: " + "; ".join(f"{w.id} {_pt(w.start)} -> {_pt(w.end)} length {_f(w.length)}"
                                            for w in walls))
        wall_map = {w.id: w for w in walls}
        for o in room.openings:
            wall = wall_map[o.wall]
            line = (f"  {o.id}: {o.kind} on {o.wall} centred at {_f(o.center_offset / wall.length)} of the wall, "
                    f"width {_f(o.width)} height {_f(o.height)} sill {_f(o.sill)}")
            if o.kind == "door":
                line += f", hinge {o.hinge}, swing {o.swing}"
            lines.append(line)
        if not room.openings:
            lines.append("  openings: none")
        lines.append("  " + _materials(room, walls))
    if scene.objects:
        lines.append(f"objects ({len(scene.objects)}):")
        lines += ["  " + _object_line(o) for o in scene.objects]
    elif scene.rooms:
        lines.append("objects: none")
    if scene.lights:
        lines.append(f"lights ({len(scene.lights)}):")
        lines += ["  " + _light_line(light) for light in scene.lights]
    elif scene.rooms:
        lines.append("lights: none")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# the validation text


def _num(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return str(value)
    return _f(value)


def _collision(c: Mapping) -> str:
    return f"{c.get('a')} x {c.get('b')} ({_num(c.get('depth_m'))} m overlap)"


def _oob(c: Mapping) -> str:
    return f"{c.get('id')} by {_num(c.get('by_m'))} m ({c.get('reason')})"


def _blocked(c: Mapping) -> str:
    return f"{c.get('opening')} blocked by {c.get('object')} ({c.get('side')})"


def _unsupported(c: Mapping) -> str:
    gap = c.get("gap_m")
    gap_text = f"{float(gap):+.2f}" if isinstance(gap, (int, float)) and not isinstance(gap, bool) else str(gap)
    if gap_text in ("+0.00", "-0.00"):
        gap_text = "0.00"
    return f"{c.get('id')} on {_support(str(c.get('support')))}, gap {gap_text} m ({c.get('reason')})"


def _generic(c: Any) -> str:
    if isinstance(c, Mapping):
        return ", ".join(f"{k} {_num(v) if isinstance(v, (int, float)) else v}" for k, v in sorted(c.items()))
    return str(c)


#: the known problem lists: key -> (heading, item formatter, sort key)
_PROBLEMS = {
    "collisions": ("collisions", _collision, lambda c: (str(c.get("a")), str(c.get("b")))),
    "out_of_bounds": ("out of bounds", _oob, lambda c: (str(c.get("id")), str(c.get("reason")))),
    "blocked_openings": ("blocked openings", _blocked,
                         lambda c: (str(c.get("opening")), str(c.get("object")), str(c.get("side")))),
    "unsupported": ("unsupported", _unsupported, lambda c: (str(c.get("id")), str(c.get("reason")))),
}


def _list_line(heading: str, items: Sequence[str]) -> str:
    shown = list(items[:MAX_ITEMS])
    more = len(items) - len(shown)
    return f"{heading} ({len(items)}): " + "; ".join(shown) + (f"; ... and {more} more" if more else "")


def _navigability_lines(rooms: Any) -> list[str]:
    lines = []
    for r in sorted((r for r in rooms or () if isinstance(r, Mapping)), key=lambda r: str(r.get("room"))):
        bits = []
        if r.get("navigable") is False:
            bits.append(f"not navigable (the largest connected free area is {_num(r.get('largest_area_m2'))} of "
                        f"{_num(r.get('free_area_m2'))} m2: furniture cuts the floor into pockets)")
        if r.get("unreachable_doors"):
            bits.append("unreachable doors: " + ", ".join(sorted(map(str, r["unreachable_doors"]))))
        if r.get("unreachable_fronts"):
            bits.append("no 0.6 m walkway to the front of: " + ", ".join(sorted(map(str, r["unreachable_fronts"]))))
        if bits:
            lines.append(f"navigability {r.get('room')}: " + "; ".join(bits))
    return lines


def validation_text(validation: Mapping[str, Any] | None, fidelity: Mapping[str, Any] | None = None) -> str:
    """The runner's metrics (``validate(scene).to_dict()`` lists plus ``"navigability"``) and the
    prompt-fidelity record as text (module docstring: the format)."""
    validation = validation or {}
    lines = []
    for key, (heading, fmt, sort_key) in _PROBLEMS.items():
        items = [c for c in validation.get(key) or () if isinstance(c, Mapping)]
        if items:
            lines.append(_list_line(heading, [fmt(c) for c in sorted(items, key=sort_key)]))
    for key in sorted(validation):
        value = validation[key]
        if key in _PROBLEMS or key == "navigability" or not isinstance(value, (list, tuple)) or not value:
            continue
        lines.append(_list_line(key.replace("_", " "), sorted(_generic(c) for c in value)))
    lines += _navigability_lines(validation.get("navigability"))
    rows = [r for r in (fidelity or {}).get("requirements") or () if isinstance(r, Mapping)]
    unmet = [r for r in rows if not r.get("satisfied")]
    if unmet:
        items = []
        for r in unmet:
            what = r.get("text") or f"{r.get('kind')} {r.get('key')} {r.get('value')}"
            items.append(f"{what}: {r.get('detail')}" if r.get("detail") else str(what))
        lines.append(_list_line("unmet requirements", items))
    if not lines:
        return "No problems" + (f" (all {len(rows)} prompt requirements met)" if rows else "")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# the observation


def _error_text(error: Mapping[str, Any]) -> str:
    where = f"line {error['line']}: " if error.get("line") is not None else ""
    hint = f" (hint: {error['hint']})" if error.get("hint") else ""
    return f"{where}{error.get('code')}: {error.get('message')}{hint}"


def _report_text(report: Mapping[str, Any]) -> str:
    parts = []
    for key, label in (("rooms", "created rooms"), ("openings", "added openings"), ("materials", "set materials"),
                       ("added", "added"), ("placed", "placed"), ("moved", "moved"), ("removed", "removed"),
                       ("lights", "added lights")):
        ids = [str(v) for v in report.get(key) or ()]
        if ids:
            parts.append(f"{label}: " + ", ".join(ids))
    unplaced = [u for u in report.get("unplaced") or () if isinstance(u, Mapping)]
    if unplaced:
        parts.append(_list_line("could not place", [
            f"{u.get('id') or u.get('category')}" + (f" on {u['on']}" if u.get("on") else "")
            + f" ({u.get('constraint') or 'no room'}: {u.get('reason')})" for u in unplaced]))
    relations = [r for r in report.get("relations") or () if isinstance(r, Mapping)]
    failed = [r for r in relations if not r.get("satisfied")]
    if relations:
        parts.append(f"relations satisfied: {len(relations) - len(failed)} of {len(relations)}")
    if failed:
        parts.append(_list_line("relations not satisfied", [
            f"{r.get('object')} {r.get('relation')}: {r.get('detail')}" for r in failed]))
    return "; ".join(parts) if parts else "nothing changed"


def outcome_text(last_error: Mapping[str, Any] | None, last_report: Mapping[str, Any] | None) -> str:
    """The last program's outcome: failed (its error), rolled back (why), or applied (its report)."""
    if last_error:
        if last_error.get("code") == "E_ROLLED_BACK":
            hint = f" (hint: {last_error['hint']})" if last_error.get("hint") else ""
            return f"rolled back, the scene is as before it: {last_error.get('message')}{hint}"
        return "failed, nothing of it was applied: " + _error_text(last_error)
    if last_report is not None:
        return "applied: " + _report_text(last_report)
    return "unknown"


def render_label(path: str) -> str:
    """The text label shown before a render: the top-down view's legend, or the perspective view's name."""
    name = Path(path).name
    return TOPDOWN_LABEL if "topdown" in name.lower() else f"perspective view {Path(path).stem}"


def observation_messages(obs: Any, *, system: str | None = None, library: Sequence[tuple[str, str]] = (),
                         image_detail: str = "auto") -> list[dict]:
    """``[system message, user message]`` for one step (module docstring: what the user message holds)."""
    from .messages import user_message

    sections = [f"Prompt: {obs.prompt}",
                f"Step {obs.step + 1} of {obs.max_steps}." if obs.max_steps else f"Step {obs.step + 1}.",
                "Scene:\n" + scene_text(obs.scene),
                "Validation:\n" + validation_text(obs.validation, obs.fidelity)]
    if obs.last_program is not None or obs.last_error or obs.last_report is not None:
        block = "Last program:\n"
        if obs.last_program is not None:
            block += f"```python\n{obs.last_program.rstrip()}\n```\n"
        block += "Outcome: " + outcome_text(obs.last_error, obs.last_report)
        sections.append(block)
    if library:
        entries = [f"Prompt: {p}\n```python\n{prog.strip()}\n```" for p, prog in library]
        sections.append("Earlier high-scoring programs for similar prompts (adapt ids, walls and sizes to this "
                        "scene):\n" + "\n\n".join(entries))
    parts: list[dict] = [text_part("\n\n".join(sections))]
    for path in obs.renders:
        parts.append(text_part(render_label(path)))
        parts.append(image_part(path, detail=image_detail))
    parts.append(text_part(INSTRUCTION))
    return [system_message(system if system is not None else system_prompt()), user_message(*parts)]
