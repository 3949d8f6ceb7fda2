"""Where a selection in an answer view lies in the answer's text (refine a selection).

Qt counts positions in UTF-16 units of the document's plain text; the history's text is a Python
string (code points) that the document may show slightly differently (line separators, no-break
spaces). The span is mapped onto the text so that a splice keeps everything else byte for byte.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QPlainTextEdit

if TYPE_CHECKING:
    from assistant.core.prompts.threads import Selection


def code_point_index(text: str, utf16_position: int) -> int:
    """The index in ``text`` of a position counted in UTF-16 units."""
    if text.isascii():
        return min(utf16_position, len(text))
    units = text.encode("utf-16-le", "surrogatepass")[: 2 * utf16_position]
    return len(units.decode("utf-16-le", "surrogatepass"))


def selection_of(view: QPlainTextEdit, text: str) -> Selection | None:
    """The span of ``text`` selected in ``view`` (which shows ``text``); None without one."""
    from assistant.core.prompts.threads import Selection

    cursor = view.textCursor()
    if not cursor.hasSelection():
        return None
    shown = view.toPlainText()
    start = code_point_index(shown, cursor.selectionStart())
    end = code_point_index(shown, cursor.selectionEnd())
    if start >= end:
        return None
    if len(shown) == len(text):  # the same characters, some perhaps shown differently
        return Selection(start, end)
    part = shown[start:end]
    found = [i for i in _occurrences(text, part)]
    if not found:
        return None
    best = min(found, key=lambda i: abs(i - start))
    return Selection(best, best + len(part))


def _occurrences(text: str, part: str) -> list[int]:
    found: list[int] = []
    index = text.find(part)
    while index >= 0:
        found.append(index)
        index = text.find(part, index + 1)
    return found
