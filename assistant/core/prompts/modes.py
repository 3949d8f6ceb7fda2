"""Modes declared as data: fields, prompt templates and default parameters from TOML files.

Built-in modes ship in ``assistant/resources/modes/*.toml``; a person can add or override modes
with ``*.toml`` files in :func:`user_modes_dir`. A broken user file is reported, never fatal.

File format (unknown keys are errors, so typos do not pass silently)::

    id = "article"            # optional, defaults to the file name; [a-z0-9][a-z0-9_-]*
    title = "Article"
    description = "…"
    group = "Writing"         # GUI grouping;  icon = "article";  order = 10 (display order)
    output = "markdown"       # or "code" (then output_language_field = "<field>")
    main_field = "notes"      # the field the CLI reads from stdin (default: first code/multiline)
    language_field = "lang"   # optional: language of the main field's code ("" -> detected)
    after_cursor_field = "after"  # optional: gets the main code after the cursor (GUI: one editor)

    [params]                  # defaults: temperature, max_tokens, top_p, stop
    temperature = 0.7

    [prompt]                  # jinja2 templates, rendered in a sandbox (see templates.py)
    system = "…"
    user = "Topic: {{ topic }}"

    [[fields]]                # one table per field, in form order
    name = "topic"            # a Python identifier; the template variable
    label = "Topic"
    kind = "text"             # text | multiline | code | choice | int | bool
    required = true
    # default, choices = [...], choices_from = "languages", help, placeholder, minimum, maximum
"""

from __future__ import annotations

import keyword
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, get_args

from assistant.core.base.i18n import tr
from assistant.core.base.paths import app_paths
from assistant.core.base.resources import list_resources
from assistant.core.prompts.templates import TEMPLATE_GLOBALS, TemplateError, check_template, render
from assistant.core.providers.params import GenerationParams
from assistant.core.text import languages

FieldKind = Literal["text", "multiline", "code", "choice", "int", "bool"]
OutputKind = Literal["markdown", "code"]
FieldValue = str | int | bool

FIELD_KINDS: tuple[str, ...] = get_args(FieldKind)
OUTPUT_KINDS: tuple[str, ...] = get_args(OutputKind)
TEXT_KINDS = frozenset({"text", "multiline", "code"})
#: ``choices_from`` value: the choices are :data:`languages.LANGUAGES`, and any language
#: pygments knows is accepted (normalised to its alias).
LANGUAGE_CHOICES = "languages"

BUILTIN_ORDER = ("article", "ad-copy", "code-complete", "code-explain")
_TRUE = frozenset({"true", "yes", "y", "on", "1"})
_FALSE = frozenset({"false", "no", "n", "off", "0", ""})
_MODE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_RESERVED_NAMES = frozenset({"true", "false", "none", "loop", "self", "super", "varargs", "kwargs"})
_PARAM_KEYS = frozenset({"temperature", "max_tokens", "top_p", "stop"})
_CONTEXT = "modes"


@dataclass(frozen=True)
class Field:
    """One input of a mode.

    ``kind``: "text" (one line), "multiline" (prose), "code" (code editor), "choice", "int",
    "bool". For "text" fields ``choices`` are suggestions (an editable list); for "choice" fields
    the value must be one of them (or any known language when ``choices_from == "languages"``).
    """

    name: str
    label: str
    kind: FieldKind = "text"
    default: FieldValue = ""
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""
    placeholder: str = ""
    minimum: int | None = None
    maximum: int | None = None
    choices_from: str = ""

    @property
    def is_language(self) -> bool:
        """True when the value names a programming language (a pygments alias)."""
        return self.choices_from == LANGUAGE_CHOICES

    def choice_label(self, value: str) -> str:
        """Text to show for a choice value ("cpp" -> "C++", "" -> "Detect automatically")."""
        if self.is_language:
            return languages.language_name(value) if value else tr("Detect automatically", _CONTEXT)
        return value

    def coerce(self, value: object) -> object:
        """Convert a CLI/GUI value to this field's type; values that do not convert are kept
        unchanged so :meth:`problems` can explain them."""
        if value is None:
            return self.default
        if self.kind == "bool":
            return _coerce_bool(value)
        if self.kind == "int":
            return _coerce_int(value)
        if self.kind == "choice":
            return self._coerce_choice(value)
        return value if isinstance(value, str) else str(value)

    def _coerce_choice(self, value: object) -> object:
        if not isinstance(value, str) or value in self.choices:
            return value
        folded = value.strip().casefold()
        for choice in self.choices:
            if choice.casefold() == folded:
                return choice
        if self.is_language and folded:
            return languages.lexer_alias(folded) or value
        return value

    def problems(self, value: object) -> list[str]:
        """What is wrong with ``value`` (an already coerced value), as user-facing sentences."""
        label = self.label
        if self.kind == "bool":
            if not isinstance(value, bool):
                return [tr("{label} must be yes or no.", _CONTEXT).format(label=label)]
            return []
        if self.kind == "int":
            return self._int_problems(value)
        if not isinstance(value, str):
            return [tr("{label} must be text.", _CONTEXT).format(label=label)]
        if self.required and not value.strip():
            return [tr("{label} is required.", _CONTEXT).format(label=label)]
        if self.kind == "choice" and value not in self.choices:
            if self.is_language and value and languages.lexer_alias(value) == value:
                return []
            shown = ", ".join(f"“{choice}”" for choice in self.choices if choice)
            return [
                tr("{label} must be one of: {choices}.", _CONTEXT).format(
                    label=label, choices=shown
                )
            ]
        return []

    def _int_problems(self, value: object) -> list[str]:
        if not isinstance(value, int) or isinstance(value, bool):
            return [tr("{label} must be a whole number.", _CONTEXT).format(label=self.label)]
        if self.minimum is not None and value < self.minimum:
            return [
                tr("{label} must be at least {minimum}.", _CONTEXT).format(
                    label=self.label, minimum=self.minimum
                )
            ]
        if self.maximum is not None and value > self.maximum:
            return [
                tr("{label} must be at most {maximum}.", _CONTEXT).format(
                    label=self.label, maximum=self.maximum
                )
            ]
        return []


def _coerce_bool(value: object) -> object:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    return value


def _coerce_int(value: object) -> object:
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class InvalidValues(ValueError):
    """Field values that do not satisfy a mode; ``errors`` holds one sentence per problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Mode:
    """A kind of task: its fields, its prompt templates and its default generation parameters.

    ``main_field`` is the field the CLI reads from stdin. ``language_field`` names the field that
    holds the language of the main field's code (empty value: detected). For ``output == "code"``,
    ``output_language_field`` names the field holding the answer's language.
    ``after_cursor_field`` names a code field that the GUI does not show: the main field's editor
    is split at its cursor, the text before it is the main field, the text after it this field.
    """

    id: str
    title: str
    description: str
    fields: tuple[Field, ...]
    system: str
    template: str
    main_field: str
    params: GenerationParams = field(default_factory=GenerationParams)
    output: OutputKind = "markdown"
    output_language_field: str | None = None
    language_field: str | None = None
    group: str = ""
    icon: str = ""
    order: int = 1000
    source: str = ""
    after_cursor_field: str | None = None

    def field(self, name: str) -> Field | None:
        """The field called ``name``, or None if this mode has none."""
        return next((item for item in self.fields if item.name == name), None)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(item.name for item in self.fields)

    def defaults(self) -> dict[str, FieldValue]:
        """Every field's default value."""
        return {item.name: item.default for item in self.fields}

    def coerce(self, values: Mapping[str, object]) -> dict[str, object]:
        """Defaults overlaid with ``values`` converted to field types (CLI strings -> int/bool).

        Unknown names are kept so :meth:`validate` can report them.
        """
        result: dict[str, object] = dict(self.defaults())
        for name, value in values.items():
            known = self.field(name)
            result[name] = known.coerce(value) if known else value
        return result

    def validate(self, values: Mapping[str, object]) -> list[str]:
        """Problems with ``values`` as user-facing sentences (empty list: all good).

        Missing fields count as their defaults; call :meth:`coerce` first for CLI strings.
        """
        errors = [
            tr("Unknown field “{name}”; this mode has: {names}.", _CONTEXT).format(
                name=name, names=", ".join(self.field_names)
            )
            for name in values
            if name not in self.field_names
        ]
        for item in self.fields:
            errors.extend(item.problems(values.get(item.name, item.default)))
        return errors

    def code_language(self, values: Mapping[str, object]) -> str | None:
        """The language of the main field's code: the language field, else a guess (or None)."""
        if self.language_field:
            chosen = values.get(self.language_field)
            if isinstance(chosen, str) and chosen.strip():
                return languages.lexer_alias(chosen) or chosen.strip()
        main = self.field(self.main_field)
        if main is None or main.kind != "code":
            return None
        code = values.get(self.main_field)
        return languages.guess_language(code) if isinstance(code, str) else None

    def output_language(self, values: Mapping[str, object]) -> str:
        """The pygments alias to highlight the answer with ("markdown" for prose answers)."""
        if self.output != "code" or not self.output_language_field:
            return "markdown"
        chosen = values.get(self.output_language_field)
        if isinstance(chosen, str) and chosen.strip():
            return languages.lexer_alias(chosen) or "text"
        return self.code_language(values) or "text"


class ModeError(ValueError):
    """A mode file that cannot be used. ``str(error)`` is "<source>: <message>"."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.message = message


class ModeCatalog(dict[str, Mode]):
    """Modes by id, in display order; ``errors`` lists user files that could not be loaded."""

    def __init__(
        self, modes: Mapping[str, Mode] | None = None, errors: list[ModeError] | None = None
    ) -> None:
        super().__init__(modes or {})
        self.errors: list[ModeError] = list(errors or [])


def render_messages(mode: Mode, values: Mapping[str, object]) -> list[dict[str, str]]:
    """The chat messages for ``values``: a system message (omitted if it renders empty) and the
    user message. Raises InvalidValues for bad values, TemplateError for a broken template."""
    clean = mode.coerce(values)
    errors = mode.validate(clean)
    if errors:
        raise InvalidValues(errors)
    if mode.language_field and not str(clean.get(mode.language_field, "")).strip():
        clean[mode.language_field] = mode.code_language(clean) or ""
    messages = []
    system = render(mode.system, clean)
    if system.strip():
        messages.append({"role": "system", "content": system})
    messages.append({"role": "user", "content": render(mode.template, clean)})
    return messages


def user_modes_dir() -> Path:
    """Where a person's own ``*.toml`` mode files live (may not exist)."""
    return app_paths().config / "modes"


@lru_cache(maxsize=1)
def _builtin_modes() -> tuple[Mode, ...]:
    found = []
    for item in list_resources("modes", suffix=".toml"):
        source = f"builtin:{item.name}"
        # Shipped templates are checked by the tests, not at every start (jinja2 costs ~0.1 s).
        text = item.read_text(encoding="utf-8")
        found.append(parse_mode(text, source=source, check_templates=False))
    return tuple(sorted(found, key=lambda mode: (mode.order, mode.id)))


def builtin_modes() -> dict[str, Mode]:
    """The modes shipped with the app, in display order (raises ModeError if one is broken)."""
    return {mode.id: mode for mode in _builtin_modes()}


def load_modes(user_dir: Path | None = None, *, include_user: bool = True) -> ModeCatalog:
    """Built-in modes plus the person's own (``user_dir``, default :func:`user_modes_dir`).

    A user mode with a built-in's id replaces it in place; new ones follow, by order then id.
    Files that fail to load are skipped and listed in ``catalog.errors``.
    """
    catalog = ModeCatalog(builtin_modes())
    if not include_user:
        return catalog
    folder = user_modes_dir() if user_dir is None else user_dir
    added: list[Mode] = []
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        try:
            mode = load_mode_file(path)
        except ModeError as exc:
            catalog.errors.append(exc)
            continue
        if mode.id in catalog:
            catalog[mode.id] = mode
        else:
            added = [other for other in added if other.id != mode.id] + [mode]
    for mode in sorted(added, key=lambda item: (item.order, item.id)):
        catalog[mode.id] = mode
    return catalog


def load_mode_file(path: Path) -> Mode:
    """Read one mode file; the id defaults to the file name without ``.toml``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        message = tr("cannot read the file: {error}", _CONTEXT).format(error=exc)
        raise ModeError(str(path), message) from exc
    return parse_mode(text, source=str(path), default_id=path.stem)


def parse_mode(
    text: str, *, source: str, default_id: str | None = None, check_templates: bool = True
) -> Mode:
    """A Mode from TOML text; ModeError (naming ``source``) explains anything wrong.

    ``check_templates`` compiles the prompt templates now (syntax, unknown names) rather than at
    the first render.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ModeError(source, tr("not valid TOML: {error}", _CONTEXT).format(error=exc)) from exc
    if default_id is None:
        default_id = source.rsplit(":", 1)[-1].removesuffix(".toml")
    try:
        return _ModeParser(data, default_id).mode(source, check_templates)
    except (TemplateError, _SchemaError) as exc:
        raise ModeError(source, str(exc)) from exc


class _SchemaError(Exception):
    pass


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
        _no_unknown_keys(data, _MODE_KEYS, "mode")
        mode_id = _typed(data, "id", str, self.default_id)
        if not _MODE_ID.match(mode_id):
            raise _SchemaError(f"id {mode_id!r} must be lower-case letters, digits, '-' or '_'")
        raw_fields = data.get("fields")
        if not isinstance(raw_fields, list) or not raw_fields:
            raise _SchemaError("a mode needs at least one [[fields]] table")
        fields = tuple(_parse_field(item, index) for index, item in enumerate(raw_fields))
        names = [item.name for item in fields]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise _SchemaError(f"duplicate field names: {', '.join(duplicates)}")
        output = _typed(data, "output", str, "markdown")
        if output not in OUTPUT_KINDS:
            raise _SchemaError(f"output must be one of {', '.join(OUTPUT_KINDS)}")
        main_field = _typed(data, "main_field", str, _default_main_field(fields))
        output_language_field = _optional_name(data, "output_language_field", names)
        if output == "code" and output_language_field is None:
            raise _SchemaError("output = 'code' needs output_language_field")
        if main_field not in names:
            raise _SchemaError(f"main_field {main_field!r} is not a field")
        after_cursor_field = _optional_name(data, "after_cursor_field", names)
        kinds = {item.name: item.kind for item in fields}
        if after_cursor_field is not None and (
            after_cursor_field == main_field
            or {kinds[after_cursor_field], kinds[main_field]} != {"code"}
        ):
            raise _SchemaError("after_cursor_field must be a code field, main_field another one")
        prompt = data.get("prompt")
        if not isinstance(prompt, dict):
            raise _SchemaError("a mode needs a [prompt] table with 'user' (and 'system')")
        _no_unknown_keys(prompt, frozenset({"system", "user"}), "prompt")
        system = _typed(prompt, "system", str, "")
        user = _typed(prompt, "user", str, "")
        if not user.strip():
            raise _SchemaError("prompt.user must not be empty")
        for name, template in (("prompt.system", system), ("prompt.user", user)):
            try:
                if check_templates:
                    check_template(template, names)
            except TemplateError as exc:
                raise _SchemaError(f"{name}: {exc}") from exc
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
        )


def _no_unknown_keys(table: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise _SchemaError(f"unknown key(s) in {where}: {', '.join(unknown)}")


def _typed(table: Mapping[str, Any], key: str, kind: type, default: Any) -> Any:
    value = table.get(key, default)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _SchemaError(f"{key} must be a {kind.__name__}")
    return value


def _optional_name(table: Mapping[str, Any], key: str, names: list[str]) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if value not in names:
        raise _SchemaError(f"{key} {value!r} is not a field")
    return str(value)


def _default_main_field(fields: tuple[Field, ...]) -> str:
    for item in fields:
        if item.kind in ("code", "multiline"):
            return item.name
    return fields[0].name


def _parse_params(table: object) -> GenerationParams:
    if not isinstance(table, dict):
        raise _SchemaError("[params] must be a table")
    _no_unknown_keys(table, _PARAM_KEYS, "params")
    stop = table.get("stop", [])
    if not isinstance(stop, list) or not all(isinstance(item, str) for item in stop):
        raise _SchemaError("params.stop must be a list of strings")
    defaults = GenerationParams()
    temperature = table.get("temperature", defaults.temperature)
    top_p = table.get("top_p", defaults.top_p)
    for key, number in (("temperature", temperature), ("top_p", top_p)):
        if not isinstance(number, int | float) or isinstance(number, bool):
            raise _SchemaError(f"params.{key} must be a number")
    return GenerationParams(
        temperature=float(temperature),
        max_tokens=_typed(table, "max_tokens", int, defaults.max_tokens),
        top_p=float(top_p),
        stop=tuple(stop),
    )


def _parse_field(raw: object, index: int) -> Field:
    if not isinstance(raw, dict):
        raise _SchemaError(f"fields[{index}] must be a table")
    _no_unknown_keys(raw, _FIELD_KEYS, f"fields[{index}]")
    name = _typed(raw, "name", str, "")
    reserved = _RESERVED_NAMES | set(TEMPLATE_GLOBALS)
    if not name.isidentifier() or keyword.iskeyword(name) or name in reserved:
        raise _SchemaError(f"fields[{index}]: {name!r} cannot be a field name")
    kind = _typed(raw, "kind", str, "text")
    if kind not in FIELD_KINDS:
        raise _SchemaError(f"field {name!r}: kind must be one of {', '.join(FIELD_KINDS)}")
    choices_from = _typed(raw, "choices_from", str, "")
    if choices_from not in ("", LANGUAGE_CHOICES):
        raise _SchemaError(f"field {name!r}: choices_from can only be {LANGUAGE_CHOICES!r}")
    choices = raw.get("choices", [])
    if not isinstance(choices, list) or not all(isinstance(item, str) for item in choices):
        raise _SchemaError(f"field {name!r}: choices must be a list of strings")
    if choices_from:
        choices = [item for item in choices if item not in languages.LANGUAGES]
        choices += list(languages.LANGUAGES)
    if kind == "choice" and not choices:
        raise _SchemaError(f"field {name!r}: a choice field needs choices")
    item = Field(
        name=name,
        label=_typed(raw, "label", str, name.replace("_", " ").capitalize()),
        kind=kind,  # checked against FIELD_KINDS above
        default=_field_default(raw, kind, tuple(choices)),
        required=_typed(raw, "required", bool, False),
        choices=tuple(choices),
        help=_typed(raw, "help", str, ""),
        placeholder=_typed(raw, "placeholder", str, ""),
        minimum=_optional_int(raw, "minimum"),
        maximum=_optional_int(raw, "maximum"),
        choices_from=choices_from,
    )
    problems = [] if item.required else item.problems(item.default)
    if problems:
        raise _SchemaError(f"field {name!r}: bad default: {' '.join(problems)}")
    return item


def _field_default(raw: Mapping[str, Any], kind: str, choices: tuple[str, ...]) -> FieldValue:
    if kind == "bool":
        return bool(_typed(raw, "default", bool, False))
    if kind == "int":
        return int(_typed(raw, "default", int, raw.get("minimum", 0)))
    if kind == "choice":
        return str(_typed(raw, "default", str, choices[0] if choices else ""))
    return str(_typed(raw, "default", str, ""))


def _optional_int(raw: Mapping[str, Any], key: str) -> int | None:
    return None if raw.get(key) is None else int(_typed(raw, key, int, 0))
