"""What a mode is: its fields (with their value rules) and its prompt, and the chat messages it
renders. Loading modes from TOML files is :mod:`.mode_schema` and :mod:`.modes`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, get_args

from assistant.core.base.i18n import language, tr
from assistant.core.prompts.templates import builtin_values, render
from assistant.core.providers.params import GenerationParams
from assistant.core.text import languages

FieldKind = Literal["text", "multiline", "code", "choice", "int", "bool", "image"]
OutputKind = Literal["markdown", "code", "table"]
FieldValue = str | int | bool | tuple[str, ...]

FIELD_KINDS: tuple[str, ...] = get_args(FieldKind)
OUTPUT_KINDS: tuple[str, ...] = get_args(OutputKind)
TEXT_KINDS = frozenset({"text", "multiline", "code"})
#: ``choices_from`` value: the choices are :data:`languages.LANGUAGES`, and any language
#: pygments knows is accepted (normalised to its alias).
LANGUAGE_CHOICES = "languages"

_TRUE = frozenset({"true", "yes", "y", "on", "1"})
_FALSE = frozenset({"false", "no", "n", "off", "0", ""})
_CONTEXT = "modes"


@dataclass(frozen=True)
class Field:
    """One input of a mode.

    ``kind``: "text" (one line), "multiline" (prose), "code" (code editor), "choice", "int",
    "bool", "image" (images sent with the message: a list of names in the image store, see
    :mod:`.images`; ``maximum`` caps how many). For "text" fields ``choices`` are suggestions (an
    editable list); for "choice" fields the value must be one of them (or any known language when
    ``choices_from == "languages"``).
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
        if self.kind == "image":
            return _coerce_names(value)
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
        if self.kind == "image":
            return self._image_problems(value)
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

    def _image_problems(self, value: object) -> list[str]:
        label = self.label
        if not isinstance(value, list | tuple) or not _image_names(value):
            return [
                tr("{label} must be images from the image store.", _CONTEXT).format(label=label)
            ]
        if self.required and not value:
            return [tr("{label} is required.", _CONTEXT).format(label=label)]
        if self.maximum is not None and len(value) > self.maximum:
            return [
                tr("{label}: at most {maximum} images.", _CONTEXT).format(
                    label=label, maximum=self.maximum
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


def _coerce_names(value: object) -> object:
    """Image names: a list of strings (one name, or none for an empty string)."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return list(value)
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
    ``answer_replaces`` names the field whose text the answer is a new version of (code-fix,
    rewrite): the answer can be shown as a diff against it and applied to it. For
    ``output == "table"`` the model answers in JSON lines and ``columns`` names the table's
    columns (see :mod:`assistant.core.text.table_answers`).
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
    answer_replaces: str | None = None
    columns: tuple[str, ...] = ()

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
        if self.output == "table":
            return "json"  # JSON lines, shown as they stream (then as a table)
        if self.output != "code" or not self.output_language_field:
            return "markdown"
        chosen = values.get(self.output_language_field)
        if isinstance(chosen, str) and chosen.strip():
            return languages.lexer_alias(chosen) or "text"
        return self.code_language(values) or "text"


def _image_names(values: list[object] | tuple[object, ...]) -> bool:
    """True when every value names an image of the image store (none: nothing to import)."""
    if not values:
        return True
    from assistant.core.prompts.images import is_image_name

    return all(is_image_name(value) for value in values)


def is_user_mode(mode: Mode) -> bool:
    """True for a mode loaded from the person's own folder."""
    return not mode.source.startswith("builtin:")


def render_messages(
    mode: Mode, values: Mapping[str, object], builtins: Mapping[str, object] | None = None
) -> list[dict[str, str]]:
    """The chat messages for ``values``: a system message (omitted if it renders empty) and the
    user message. Raises InvalidValues for bad values, TemplateError for a broken template.
    ``builtins``: the built-in variables (default: :func:`.templates.builtin_values` now)."""
    clean = mode.coerce(values)
    errors = mode.validate(clean)
    if errors:
        raise InvalidValues(errors)
    if mode.language_field and not str(clean.get(mode.language_field, "")).strip():
        clean[mode.language_field] = mode.code_language(clean) or ""
    context = {**(builtin_values(locale=language()) if builtins is None else builtins), **clean}
    messages = []
    system = render(mode.system, context)
    if system.strip():
        messages.append({"role": "system", "content": system})
    messages.append({"role": "user", "content": render(mode.template, context)})
    return messages
