"""Every problem of a mode file at its line and column, as ``assistant modes check`` prints them
and the mode editor marks them before anything is saved.

Beyond what loading checks (:func:`.mode_schema.parse_mode`: TOML syntax, the schema), the
templates are checked here with positions in the *file*: a syntax error, a name that is neither a
field nor a built-in variable, and a required field that no template uses (its value would never
reach the model). A template's text is mapped back to the file by decoding its TOML string while
counting lines and columns (:func:`string_positions`), so escapes and line-ending backslashes do
not shift the position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.core.base.i18n import tr
from assistant.core.prompts.mode_schema import ModeError, parse_mode
from assistant.core.prompts.mode_types import Mode
from assistant.core.prompts.templates import (
    BUILTIN_VARIABLES,
    TemplateError,
    parse_template,
    template_names,
)
from assistant.core.prompts.toml_lines import KeyPath, key_line

_CONTEXT = "modes"
_TAGS = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_ESCAPES = {
    "b": "\b",
    "t": "\t",
    "n": "\n",
    "f": "\f",
    "r": "\r",
    '"': '"',
    "\\": "\\",
    "e": "\x1b",
}


@dataclass(frozen=True)
class ModeProblem:
    """One problem: 1-based ``line`` and ``column`` in the file, and the reason."""

    line: int
    column: int
    message: str
    key: str = ""
    """Where in the mode: ``prompt.user``, ``prompt.system``, ``fields[1].name`` ('' unknown)."""
    offset: int = -1
    """For a template problem: the offset in the template's text (-1 when not known)."""

    def describe(self, source: str) -> str:
        """``FILE:LINE:COL: message`` (compilers' and editors' convention)."""
        return f"{source}:{self.line}:{self.column}: {' '.join(self.message.split())}"


def check_mode_text(
    text: str, source: str = "<mode>", default_id: str | None = None
) -> list[ModeProblem]:
    """All problems of mode file ``text`` (empty when it is fine), in file order."""
    try:
        mode = parse_mode(text, source=source, default_id=default_id, check_templates=False)
    except ModeError as exc:
        line = exc.line or 1
        column = exc.column or _first_column(text, line)
        return [ModeProblem(line, column, exc.message, exc.key)]
    problems: list[ModeProblem] = []
    used: set[str] = set()
    known = {*mode.field_names, *BUILTIN_VARIABLES}
    readable = True
    for key, template in (("system", mode.system), ("user", mode.template)):
        found, names = _template_problems(text, ("prompt", key), template, known)
        problems += found
        used |= names or set()
        readable = readable and names is not None
    if readable:  # a broken template's names are unknown: no guess about unused fields
        problems += _unused_required(text, mode, used)
    return sorted(problems, key=lambda p: (p.line, p.column))


def _template_problems(
    text: str, path: KeyPath, template: str, known: set[str]
) -> tuple[list[ModeProblem], set[str] | None]:
    """Problems of one template, placed in the file, and the names it uses (None: unreadable)."""
    import jinja2

    where = ".".join(str(part) for part in path)
    positions = string_positions(text, path)
    try:
        parse_template(template)
    except jinja2.TemplateSyntaxError as exc:
        offset = _line_offset(template, exc.lineno)
        while offset < len(template) and template[offset] in " \t":
            offset += 1
        line, column = _place(positions, offset, text, path)
        message = tr("template syntax error: {message}", _CONTEXT).format(message=exc.message)
        return [ModeProblem(line, column, message, where, offset)], None
    try:
        names = template_names(template)
    except TemplateError as exc:
        line, column = _place(positions, 0, text, path)
        return [ModeProblem(line, column, str(exc), where, 0)], None
    problems = []
    for name in sorted(names - known):
        offset = _name_offset(template, name)
        line, column = _place(positions, offset, text, path)
        message = tr(
            "unknown name '{name}': not a field of this mode nor a built-in variable ({builtins})",
            _CONTEXT,
        ).format(name=name, builtins=", ".join(BUILTIN_VARIABLES))
        problems.append(ModeProblem(line, column, message, where, offset))
    return problems, names


def _unused_required(text: str, mode: Mode, used: set[str]) -> list[ModeProblem]:
    problems = []
    for index, field in enumerate(mode.fields):
        if field.required and field.name not in used:
            line = key_line(text, ("fields", index, "name")) or 1
            column = _value_column(text, line)
            message = tr(
                "the required field '{name}' is never used by the prompt templates", _CONTEXT
            ).format(name=field.name)
            problems.append(ModeProblem(line, column, message, f"fields[{index}].name"))
    return problems


def string_positions(text: str, path: KeyPath) -> list[tuple[int, int]]:
    """The file position (line, column) of each character of the TOML string at ``path``, plus
    one for its end; empty when the key is not found as a string."""
    line_number = key_line(text, path)
    if line_number is None:
        return []
    lines = text.splitlines(keepends=True)
    start = sum(len(line) for line in lines[: line_number - 1])
    equals = text.find("=", start)
    if equals < 0:
        return []
    at = equals + 1
    while at < len(text) and text[at] in " \t":
        at += 1
    for opener in ('"""', "'''", '"', "'"):
        if text.startswith(opener, at):
            return _decode_positions(text, at + len(opener), opener)
    return []


def _decode_positions(text: str, at: int, opener: str) -> list[tuple[int, int]]:
    """Walk a TOML string body from ``at``, one (line, column) per decoded character."""
    multi, basic = len(opener) == 3, opener.startswith('"')
    if multi and text.startswith("\r\n", at):  # a newline right after the opener is trimmed
        at += 2
    elif multi and text.startswith("\n", at):
        at += 1
    out: list[tuple[int, int]] = []
    while at < len(text) and not text.startswith(opener, at):
        char = text[at]
        if basic and char == "\\":
            following = text[at + 1 : at + 2]
            if multi and following in (" ", "\t", "\r", "\n"):  # line-ending backslash
                at += 1
                while at < len(text) and text[at] in " \t\r\n":
                    at += 1
                continue
            width = {"u": 6, "U": 10}.get(following, 2 if following in _ESCAPES else 1)
            out.append(_position(text, at))
            at += width
            continue
        out.append(_position(text, at))
        at += 1
    out.append(_position(text, at))
    return out


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _place(
    positions: list[tuple[int, int]], offset: int, text: str, path: KeyPath
) -> tuple[int, int]:
    if positions:
        return positions[min(offset, len(positions) - 1)]
    line = key_line(text, path) or 1
    return line, _first_column(text, line)


def _line_offset(template: str, lineno: int) -> int:
    """The offset where 1-based line ``lineno`` of ``template`` starts."""
    offset = 0
    for _ in range(max(lineno, 1) - 1):
        found = template.find("\n", offset)
        if found < 0:
            break
        offset = found + 1
    return offset


def _name_offset(template: str, name: str) -> int:
    """Where ``name`` is first read inside a ``{{ }}`` or ``{% %}`` tag (0 if not found)."""
    word = re.compile(rf"(?<![\w.]){re.escape(name)}\b")
    for tag in _TAGS.finditer(template):
        found = word.search(tag.group())
        if found:
            return tag.start() + found.start()
    return 0


def _first_column(text: str, line: int) -> int:
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return 1
    content = lines[line - 1]
    return len(content) - len(content.lstrip()) + 1


def _value_column(text: str, line: int) -> int:
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return 1
    content = lines[line - 1]
    equals = content.find("=")
    if equals < 0:
        return _first_column(text, line)
    rest = content[equals + 1 :]
    return equals + 2 + len(rest) - len(rest.lstrip())
