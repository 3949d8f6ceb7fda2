"""A mode file being edited: the TOML document behind the mode editor's form.

Edits change only the keys they touch (tomlkit keeps everything else: comments, blank lines,
string styles, key order), so a hand-written file keeps its layout when saved from the editor.
An empty value removes its key, so the file holds only what differs from the defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import tomlkit
from tomlkit.items import AoT, Table

FIELD_KEYS: tuple[str, ...] = (
    "name",
    "label",
    "kind",
    "required",
    "choices",
    "choices_from",
    "default",
    "help",
    "placeholder",
    "minimum",
    "maximum",
)
"""A field's keys, in the order the editor writes new ones."""

TOP_KEYS: tuple[str, ...] = ("id", "title", "description", "group", "output", "main_field")

NEW_MODE = '''# A mode of your own: a form (its fields) and a prompt (templates using the fields).
id = "{mode_id}"
title = "{title}"
description = ""
group = "My modes"
output = "markdown"

[params]
temperature = 0.7

[prompt]
system = "You are a helpful writing assistant."
user = """
{{{{ text }}}}
"""

[[fields]]
name = "text"
label = "Text"
kind = "multiline"
required = true
'''


def new_mode_text(mode_id: str, title: str) -> str:
    """The file of a new mode: one multiline field sent as the user message."""
    return NEW_MODE.format(mode_id=mode_id, title=title.replace('"', "'"))


class ModeDocument:
    """The TOML of one mode, edited key by key; :meth:`text` is the file to write."""

    def __init__(self, text: str) -> None:
        self._document = tomlkit.parse(text)

    def text(self) -> str:
        return tomlkit.dumps(self._document)

    # --- top-level keys, [params] and [prompt] --------------------------------------------------

    def get(self, key: str, default: Any = "") -> Any:
        value = self._document.get(key, default)
        return value.unwrap() if hasattr(value, "unwrap") else value

    def set(self, key: str, value: Any) -> None:
        """Set a top-level key ('' or None removes it)."""
        _assign(self._document, key, value)

    def param(self, key: str, default: Any = None) -> Any:
        table = self._document.get("params")
        value = table.get(key, default) if isinstance(table, Mapping) else default
        return value.unwrap() if hasattr(value, "unwrap") else value

    def set_param(self, key: str, value: Any) -> None:
        _assign(self._table("params"), key, value)

    def prompt(self, key: str) -> str:
        table = self._document.get("prompt")
        return str(table.get(key, "")) if isinstance(table, Mapping) else ""

    def set_prompt(self, key: str, value: str) -> None:
        """Set the ``system`` or ``user`` template (multi-line strings stay multi-line)."""
        table = self._table("prompt")
        if value == self.prompt(key) and key in table:
            return
        table[key] = tomlkit.string(value, multiline="\n" in value) if value else ""

    # --- [[fields]] ---------------------------------------------------------------------------

    def fields(self) -> list[dict[str, Any]]:
        """Each field's keys as written in the file."""
        return [dict(table.unwrap()) for table in self._fields()]

    def set_field(self, index: int, key: str, value: Any) -> None:
        """Set one key of field ``index`` ('' / None / False for ``required`` removes it)."""
        if key == "required" and not value:
            value = None
        _assign(self._fields()[index], key, value)

    def add_field(self, values: Mapping[str, Any]) -> int:
        """Append a field; returns its index."""
        table = tomlkit.table()
        for key in FIELD_KEYS:
            if key in values:
                _assign(table, key, values[key])
        fields = self._fields()
        fields.append(table)
        return len(fields) - 1

    def remove_field(self, index: int) -> None:
        del self._fields()[index]

    def move_field(self, index: int, to: int) -> None:
        """Move field ``index`` to position ``to`` (comments inside it move along)."""
        fields = self._fields()
        item = fields[index]
        del fields[index]
        fields.insert(to, item)

    def _fields(self) -> AoT:
        fields = self._document.get("fields")
        if not isinstance(fields, AoT):
            fields = tomlkit.aot()
            self._document.append("fields", fields)
        return fields

    def _table(self, name: str) -> Table:
        table = self._document.get(name)
        if not isinstance(table, Table):
            table = tomlkit.table()
            self._document[name] = table
        return table


def _assign(container: Any, key: str, value: Any) -> None:
    """Set ``key`` to ``value`` in a tomlkit container, or remove it for '', None or []."""
    if value is None or value == "" or value == [] or value == ():
        if key in container:
            del container[key]
        return
    if isinstance(value, tuple):
        value = list(value)
    current = container.get(key)
    unwrapped = current.unwrap() if hasattr(current, "unwrap") else current
    if key in container and unwrapped == value and type(unwrapped) is type(value):
        return  # unchanged: keep the original spelling (string style, comments)
    if isinstance(value, str) and "\n" in value:
        value = tomlkit.string(value, multiline=True)
    container[key] = value
