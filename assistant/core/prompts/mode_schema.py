"""The mode file format: TOML text checked against the schema into a :class:`Mode`.

A problem is a :class:`ModeError` naming the file, the line (TOML syntax errors and schema errors
alike, located with :func:`.toml_lines.key_line`) and the reason.

File format (unknown keys are errors, so typos do not pass silently)::

    id = "article"            # optional, defaults to the file name; lower-case letters, digits, - _
    title = "Article"
    description = "…"
    group = "Writing"         # GUI grouping;  icon = "article";  order = 10 (display order)
    output = "markdown"       # or "code" (then output_language_field = "<field>"), or "table"
    columns = ["text", "label"]   # output = "table": the columns of the JSON lines the model writes
    main_field = "notes"      # the field the CLI reads from stdin (default: first code/multiline)
    language_field = "lang"   # optional: language of the main field's code ("" -> detected)
    after_cursor_field = "after"  # optional: gets the main code after the cursor (GUI: one editor)
    answer_replaces = "code"  # optional: the answer is a new version of this field (diff, apply)

    [params]                  # defaults: temperature, max_tokens, top_p, stop
    temperature = 0.7

    [prompt]                  # jinja2 templates, rendered in a sandbox (see templates.py)
    system = "…"
    user = "Topic: {{ topic }}"

    [[fields]]                # one table per field, in form order
    name = "topic"            # a Python identifier; the template variable
    label = "Topic"
    kind = "text"             # text | multiline | code | choice | int | bool | image
    required = true
    # default, choices = [...], choices_from = "languages", help, placeholder, minimum, maximum
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.core.base.i18n import tr
from assistant.core.prompts.mode_types import (
    FIELD_KINDS,
    LANGUAGE_CHOICES,
    OUTPUT_KINDS,
    Field,
    FieldValue,
    Mode,
)
from assistant.core.prompts.templates import (
    BUILTIN_VARIABLES,
    TEMPLATE_GLOBALS,
    TemplateError,
    check_template,
)
from assistant.core.providers.params import GenerationParams
from assistant.core.text import languages

if TYPE_CHECKING:  # decoding and locating a problem import them: built-in modes have none
    import tomllib

    from assistant.core.prompts.toml_lines import KeyPath

_MODE_ID = re.compile(r"[^\W_][\w-]*")  # letters of any script (lower-case), digits, - _
_RESERVED_NAMES = frozenset({"true", "false", "none", "loop", "self", "super", "varargs", "kwargs"})
_PARAM_KEYS = frozenset({"temperature", "max_tokens", "top_p", "stop"})
_CONTEXT = "modes"


class ModeError(ValueError):
    """A mode file that cannot be used. ``str(error)`` is "<source>: <message>".

    ``line``/``column`` (1-based) say where in the file, when known; ``key`` names the offending
    key (``"fields[1].kind"``) for schema errors.
    """

    def __init__(
        self,
        source: str,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        key: str = "",
    ) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.message = message
        self.line = line
        self.column = column
        self.key = key

    @property
    def location(self) -> str:
        """``source:line:column`` as far as known (compilers' and editors' convention)."""
        parts = [self.source, self.line, self.column if self.line else None]
        return ":".join(str(part) for part in parts if part is not None)

    def describe(self) -> str:
        """One line: where, then why."""
        return f"{self.location}: {' '.join(self.message.splitlines())}"


def load_mode_file(path: Path) -> Mode:
    """Read one mode file; the id defaults to the file name without ``.toml``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        message = tr("cannot read the file: {error}", _CONTEXT).format(error=exc)
        raise ModeError(str(path), message) from exc
    return parse_mode(text, source=str(path), default_id=path.stem)


def parse_mode(
    text: str,
    *,
    source: str,
    default_id: str | None = None,
    check_templates: bool = True,
    decoded: dict[str, Any] | None = None,
) -> Mode:
    """A Mode from TOML text; ModeError (naming ``source``) explains anything wrong.

    ``check_templates`` compiles the prompt templates now (syntax, unknown names) rather than at
    the first render. ``decoded`` is ``text`` already decoded (see mode_cache.py); it is checked
    against the schema like a document decoded here.
    """
    data = _decode(text, source) if decoded is None else decoded
    if default_id is None:
        default_id = source.rsplit(":", 1)[-1].removesuffix(".toml")
    try:
        return _ModeParser(data, default_id).mode(source, check_templates)
    except _SchemaError as exc:
        from assistant.core.prompts.toml_lines import dotted, key_line

        line = key_line(text, exc.key)
        raise ModeError(source, str(exc), line=line, key=dotted(exc.key)) from exc
    except TemplateError as exc:
        raise ModeError(source, str(exc)) from exc


def _decode(text: str, source: str) -> dict[str, Any]:
    """The TOML document in ``text``; ModeError with the line and column of a syntax error."""
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        reason, line, column = _toml_position(exc, text)
        message = tr("not valid TOML: {error}", _CONTEXT).format(error=reason)
        raise ModeError(source, message, line=line, column=column) from exc


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_AT_END = re.compile(r"\s*\(at end of document\)$")


def _toml_position(exc: tomllib.TOMLDecodeError, text: str) -> tuple[str, int | None, int | None]:
    """tomllib's reason without its position suffix, and the line and column it names."""
    reason = str(exc)
    found = _TOML_POSITION.search(reason)
    if found:
        return reason[: found.start()], int(found.group(1)), int(found.group(2))
    if _TOML_AT_END.search(reason):
        return _TOML_AT_END.sub("", reason), max(1, len(text.splitlines())), None
    line = getattr(exc, "lineno", None)  # Python 3.14 adds lineno/colno
    return reason, line, getattr(exc, "colno", None) if line else None


class _SchemaError(Exception):
    """A schema violation; ``key`` is the path of the key at fault (``("fields", 1, "kind")``)."""

    def __init__(self, message: str, key: KeyPath = ()) -> None:
        super().__init__(message)
        self.key = key


_MODE_KEYS = frozenset(
    {
        "id",
        "title",
        "description",
        "group",
        "icon",
        "order",
        "output",
        "output_language_field",
        "language_field",
        "main_field",
        "after_cursor_field",
        "answer_replaces",
        "columns",
        "params",
        "prompt",
        "fields",
    }
)
_FIELD_KEYS = frozenset(
    {
        "name",
        "label",
        "kind",
        "default",
        "required",
        "choices",
        "choices_from",
        "help",
        "placeholder",
        "minimum",
        "maximum",
    }
)


class _ModeParser:
    """Checks a decoded TOML document against the mode schema (strict: unknown keys fail)."""

    def __init__(self, data: dict[str, Any], default_id: str) -> None:
        self.data = data
        self.default_id = default_id

    def mode(self, source: str, check_templates: bool = True) -> Mode:
        data = self.data
        _no_unknown_keys(data, _MODE_KEYS, ())
        mode_id = _typed(data, "id", str, self.default_id)
        if not _MODE_ID.fullmatch(mode_id) or mode_id != mode_id.lower():
            raise _SchemaError(
                f"id {mode_id!r} must be lower-case letters, digits, '-' or '_'", ("id",)
            )
        raw_fields = data.get("fields")
        if not isinstance(raw_fields, list) or not raw_fields:
            raise _SchemaError("a mode needs at least one [[fields]] table", ("fields",))
        fields = tuple(_parse_field(item, index) for index, item in enumerate(raw_fields))
        names = [item.name for item in fields]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            second = [i for i, name in enumerate(names) if name == duplicates[0]][1]
            raise _SchemaError(
                f"duplicate field names: {', '.join(duplicates)}", ("fields", second, "name")
            )
        output = _typed(data, "output", str, "markdown")
        if output not in OUTPUT_KINDS:
            raise _SchemaError(f"output must be one of {', '.join(OUTPUT_KINDS)}", ("output",))
        main_field = _typed(data, "main_field", str, _default_main_field(fields))
        output_language_field = _optional_name(data, "output_language_field", names)
        if output == "code" and output_language_field is None:
            raise _SchemaError("output = 'code' needs output_language_field", ("output",))
        if main_field not in names:
            raise _SchemaError(f"main_field {main_field!r} is not a field", ("main_field",))
        if next(item for item in fields if item.name == main_field).kind == "image":
            raise _SchemaError("main_field cannot be an image field", ("main_field",))
        after_cursor_field = _optional_name(data, "after_cursor_field", names)
        kinds = {item.name: item.kind for item in fields}
        if after_cursor_field is not None and (
            after_cursor_field == main_field
            or {kinds[after_cursor_field], kinds[main_field]} != {"code"}
        ):
            raise _SchemaError(
                "after_cursor_field must be a code field, main_field another one",
                ("after_cursor_field",),
            )
        answer_replaces = _optional_name(data, "answer_replaces", names)
        if answer_replaces is not None and kinds[answer_replaces] not in ("multiline", "code"):
            raise _SchemaError(
                "answer_replaces must name a multiline or code field", ("answer_replaces",)
            )
        columns = _columns(data.get("columns"), output)
        system, user = self._prompt(names, check_templates)
        return Mode(
            id=mode_id,
            title=_typed(data, "title", str, mode_id),
            description=_typed(data, "description", str, ""),
            fields=fields,
            system=system,
            template=user,
            main_field=main_field,
            params=_parse_params(data.get("params", {})),
            output=output,  # checked against OUTPUT_KINDS above
            output_language_field=output_language_field,
            language_field=_optional_name(data, "language_field", names),
            group=_typed(data, "group", str, ""),
            icon=_typed(data, "icon", str, ""),
            order=_typed(data, "order", int, 1000),
            source=source,
            after_cursor_field=after_cursor_field,
            answer_replaces=answer_replaces,
            columns=columns,
        )

    def _prompt(self, names: list[str], check_templates: bool) -> tuple[str, str]:
        """The system and user templates from ``[prompt]``, compiled when ``check_templates``."""
        prompt = self.data.get("prompt")
        if not isinstance(prompt, dict):
            raise _SchemaError(
                "a mode needs a [prompt] table with 'user' (and 'system')", ("prompt",)
            )
        _no_unknown_keys(prompt, frozenset({"system", "user"}), ("prompt",))
        system = _typed(prompt, "system", str, "", ("prompt",))
        user = _typed(prompt, "user", str, "", ("prompt",))
        if not user.strip():
            raise _SchemaError("prompt.user must not be empty", ("prompt", "user"))
        for key, template in (("system", system), ("user", user)):
            try:
                if check_templates:
                    check_template(template, [*names, *BUILTIN_VARIABLES])
            except TemplateError as exc:
                raise _SchemaError(f"prompt.{key}: {exc}", ("prompt", key)) from exc
        return system, user


def _no_unknown_keys(table: Mapping[str, Any], allowed: frozenset[str], path: KeyPath) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        from assistant.core.prompts.toml_lines import dotted

        where = dotted(path) or "mode"
        raise _SchemaError(f"unknown key(s) in {where}: {', '.join(unknown)}", (*path, unknown[0]))


def _typed(table: Mapping[str, Any], key: str, kind: type, default: Any, path: KeyPath = ()) -> Any:
    value = table.get(key, default)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _SchemaError(f"{key} must be a {kind.__name__}", (*path, key))
    return value


def _optional_name(table: Mapping[str, Any], key: str, names: list[str]) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if value not in names:
        raise _SchemaError(f"{key} {value!r} is not a field", (key,))
    return str(value)


def _columns(value: object, output: str) -> tuple[str, ...]:
    """The table columns: required (identifiers, no duplicates) for, and only for, tables."""
    if output != "table":
        if value is not None:
            raise _SchemaError("columns are only for output = 'table'", ("columns",))
        return ()
    if not isinstance(value, list) or not value or not all(isinstance(c, str) for c in value):
        raise _SchemaError("output = 'table' needs columns = [\"name\", …]", ("columns",))
    if len(set(value)) != len(value) or not all(name.isidentifier() for name in value):
        raise _SchemaError("columns must be distinct names (letters, digits, '_')", ("columns",))
    return tuple(value)


def _default_main_field(fields: tuple[Field, ...]) -> str:
    for item in fields:
        if item.kind in ("code", "multiline"):
            return item.name
    return fields[0].name


def _parse_params(table: object) -> GenerationParams:
    if not isinstance(table, dict):
        raise _SchemaError("[params] must be a table", ("params",))
    _no_unknown_keys(table, _PARAM_KEYS, ("params",))
    stop = table.get("stop", [])
    if not isinstance(stop, list) or not all(isinstance(item, str) for item in stop):
        raise _SchemaError("params.stop must be a list of strings", ("params", "stop"))
    defaults = GenerationParams()
    temperature = table.get("temperature", defaults.temperature)
    top_p = table.get("top_p", defaults.top_p)
    for key, number in (("temperature", temperature), ("top_p", top_p)):
        if not isinstance(number, int | float) or isinstance(number, bool):
            raise _SchemaError(f"params.{key} must be a number", ("params", key))
    return GenerationParams(
        temperature=float(temperature),
        max_tokens=_typed(table, "max_tokens", int, defaults.max_tokens, ("params",)),
        top_p=float(top_p),
        stop=tuple(stop),
    )


def _parse_field(raw: object, index: int) -> Field:
    here: KeyPath = ("fields", index)
    if not isinstance(raw, dict):
        raise _SchemaError(f"fields[{index}] must be a table", here)
    _no_unknown_keys(raw, _FIELD_KEYS, here)
    name = _typed(raw, "name", str, "", here)
    reserved = _RESERVED_NAMES | set(TEMPLATE_GLOBALS)
    if not name.isidentifier() or keyword.iskeyword(name) or name in reserved:
        raise _SchemaError(f"fields[{index}]: {name!r} cannot be a field name", (*here, "name"))
    kind = _typed(raw, "kind", str, "text", here)
    if kind not in FIELD_KINDS:
        raise _SchemaError(
            f"field {name!r}: kind must be one of {', '.join(FIELD_KINDS)}", (*here, "kind")
        )
    choices_from = _typed(raw, "choices_from", str, "", here)
    if choices_from not in ("", LANGUAGE_CHOICES):
        raise _SchemaError(
            f"field {name!r}: choices_from can only be {LANGUAGE_CHOICES!r}",
            (*here, "choices_from"),
        )
    choices = raw.get("choices", [])
    if not isinstance(choices, list) or not all(isinstance(item, str) for item in choices):
        raise _SchemaError(f"field {name!r}: choices must be a list of strings", (*here, "choices"))
    if choices_from:
        choices = [item for item in choices if item not in languages.LANGUAGES]
        choices += list(languages.LANGUAGES)
    if kind == "choice" and not choices:
        raise _SchemaError(f"field {name!r}: a choice field needs choices", (*here, "kind"))
    item = Field(
        name=name,
        label=_typed(raw, "label", str, name.replace("_", " ").capitalize(), here),
        kind=kind,  # checked against FIELD_KINDS above
        default=_field_default(raw, kind, tuple(choices), here),
        required=_typed(raw, "required", bool, False, here),
        choices=tuple(choices),
        help=_typed(raw, "help", str, "", here),
        placeholder=_typed(raw, "placeholder", str, "", here),
        minimum=_optional_int(raw, "minimum", here),
        maximum=_optional_int(raw, "maximum", here),
        choices_from=choices_from,
    )
    problems = [] if item.required else item.problems(item.default)
    if problems:
        raise _SchemaError(f"field {name!r}: bad default: {' '.join(problems)}", (*here, "default"))
    return item


def _field_default(
    raw: Mapping[str, Any], kind: str, choices: tuple[str, ...], here: KeyPath
) -> FieldValue:
    if kind == "bool":
        return bool(_typed(raw, "default", bool, False, here))
    if kind == "int":
        return int(_typed(raw, "default", int, raw.get("minimum", 0), here))
    if kind == "choice":
        return str(_typed(raw, "default", str, choices[0] if choices else "", here))
    if kind == "image":
        if _typed(raw, "default", list, [], here):
            raise _SchemaError("an image field's default must be empty", (*here, "default"))
        return ()
    return str(_typed(raw, "default", str, "", here))


def _optional_int(raw: Mapping[str, Any], key: str, here: KeyPath) -> int | None:
    return None if raw.get(key) is None else int(_typed(raw, key, int, 0, here))
