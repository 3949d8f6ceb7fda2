"""The mode editor's preview: the messages a mode file sends for sample values, as text.

Built-in variables get their values of now (the clipboard and selection are shown as
placeholders: the real ones are read when Generate is pressed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication

from assistant.core.base.i18n import language
from assistant.core.prompts.mode_schema import ModeError, parse_mode
from assistant.core.prompts.mode_types import InvalidValues
from assistant.core.prompts.templates import TemplateError, builtin_values, template_names


def _tr(text: str) -> str:
    return QCoreApplication.translate("ModePreview", text)


def sample_value(field: Mapping[str, Any]) -> str:
    """A first sample for ``field``: its default, else its placeholder, else its label."""
    default = field.get("default")
    if default not in (None, ""):
        return str(default).lower() if isinstance(default, bool) else str(default)
    choices = field.get("choices") or []
    if field.get("kind") == "choice" and choices:
        return str(choices[0])
    if field.get("kind") == "int":
        return str(field.get("minimum", 1))
    if field.get("kind") == "bool":
        return "false"
    placeholder = str(field.get("placeholder", "")).removeprefix("e.g. ")
    return placeholder or f"<{field.get('label') or field.get('name')}>"


def render_preview(text: str, mode_id: str, samples: Mapping[str, str]) -> str:
    """The messages of mode file ``text`` for ``samples``, or why they cannot be made."""
    try:
        mode = parse_mode(text, source=f"{mode_id}.toml", default_id=mode_id, check_templates=False)
    except ModeError as exc:
        return _tr("(no preview: {0})").replace("{0}", exc.describe())
    values = {name: value for name, value in samples.items() if mode.field(name) is not None}
    builtins: dict[str, str] = builtin_values(
        locale=language(), clipboard=_tr("<clipboard>"), selection=_tr("<selection>")
    )
    for name in _unknown_names(mode.system, mode.template, {*mode.field_names, *builtins}):
        builtins[name] = f"⟨{name}?⟩"  # shown, not fatal: the problem list names it
    try:
        from assistant.core.prompts.mode_types import render_messages

        messages = render_messages(mode, values, builtins)
    except InvalidValues as exc:
        return _tr("(no preview: the sample values are not valid: {0})").replace(
            "{0}", " ".join(exc.errors)
        )
    except TemplateError as exc:
        return _tr("(no preview: {0})").replace("{0}", str(exc))
    blocks = []
    for message in messages:
        role = str(message["role"])
        blocks.append(f"── {role} ──\n{message['content']}")
    return "\n\n".join(blocks)


def _unknown_names(system: str, user: str, known: set[str]) -> set[str]:
    """Names the templates read that are neither fields nor built-ins (none if unreadable)."""
    try:
        return (template_names(system) | template_names(user)) - known
    except TemplateError:
        return set()
