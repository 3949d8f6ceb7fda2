"""Where a key sits in TOML text: the line to name when a mode file's value is wrong.

``tomllib`` decodes to plain dicts and keeps no positions, so this scans the text itself: table
headers (``[prompt]``, ``[[fields]]`` counted per array), keys (bare, quoted, dotted) and
multi-line strings (skipped). It is a best effort for pointing a person at a line, not a parser:
a key it cannot find gives the line of the nearest enclosing table, or None.
"""

from __future__ import annotations

import re

KeyPath = tuple[str | int, ...]
"""A key inside a document: ``("fields", 1, "kind")`` is the ``kind`` of the second
``[[fields]]`` table."""

_PART = r"""(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)"""
_KEY = re.compile(rf"^\s*({_PART}(?:\s*\.\s*{_PART})*)\s*=(.*)$")
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_PART}(?:\s*\.\s*{_PART})*)\s*\]\]?")
_PARTS = re.compile(_PART)


def dotted(path: KeyPath) -> str:
    """``("fields", 1, "kind")`` -> ``"fields[1].kind"``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def key_line(text: str, path: KeyPath) -> int | None:
    """The 1-based line that sets ``path`` in ``text``, else of its nearest enclosing key/table."""
    if not path:
        return None
    table: KeyPath = ()
    arrays: dict[KeyPath, int] = {}
    closing = ""  # the delimiter of the multi-line string being skipped
    best, best_depth = None, 0
    for number, line in enumerate(text.splitlines(), start=1):
        if closing:
            if line.count(closing) % 2:
                closing = ""
            continue
        found: KeyPath | None = None
        header = _HEADER.match(line)
        key = None if header else _KEY.match(line)
        if header:
            names: KeyPath = tuple(_names(header.group(2)))
            if header.group(1) == "[[":
                arrays[names] = arrays.get(names, -1) + 1
                names = (*names, arrays[names])
            table = found = names
        elif key:
            found = (*table, *_names(key.group(1)))
            closing = _opened_string(key.group(2))
        if found is None:
            continue
        if found == path:
            return number
        if len(found) > best_depth and path[: len(found)] == found:
            best, best_depth = number, len(found)
    return best


def _names(dotted_key: str) -> list[str]:
    return [part.strip("\"'") for part in _PARTS.findall(dotted_key)]


def _opened_string(value: str) -> str:
    """The delimiter of a multi-line string that ``value`` opens and does not close ('' if none)."""
    for delimiter in ('"""', "'''"):
        if value.count(delimiter) % 2:
            return delimiter
    return ""
