"""Completions in a template editor: after ``{{`` or ``{%`` (and a word being typed), a popup
offers the mode's field names and the built-in variables; Enter or a click puts the chosen name in
place of the partial word."""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QStringListModel
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import QAbstractItemView, QCompleter, QPlainTextEdit

_OPEN_TAG = re.compile(r"\{[{%][^}%]*?(\w*)$")
_KEYS_FOR_POPUP = {"Return", "Enter", "Escape", "Tab", "Backtab"}


class TemplateCompleter(QCompleter):
    """Offers ``names()`` while the cursor is inside an open ``{{ … }}`` or ``{% … %}`` tag."""

    def __init__(self, editor: QPlainTextEdit, names: Callable[[], list[str]]) -> None:
        self._model = QStringListModel()
        super().__init__(self._model, editor)
        self.setObjectName("templateCompleter")
        self._editor = editor
        self._names = names
        self.setWidget(editor)
        self.setCaseSensitivity(self.caseSensitivity().CaseInsensitive)
        self.activated.connect(self.insert)
        editor.textChanged.connect(self.refresh)

    def _popup(self) -> QAbstractItemView:
        popup = self.popup()
        assert popup is not None  # QCompleter makes its popup when it is made
        return popup

    def partial_word(self) -> str | None:
        """The word being typed in an open tag before the cursor (None: not in a tag)."""
        cursor = self._editor.textCursor()
        block = cursor.block().text()[: cursor.positionInBlock()]
        found = _OPEN_TAG.search(block)
        return found.group(1) if found else None

    def refresh(self) -> None:
        """Show, filter or hide the popup for the text before the cursor."""
        word = self.partial_word()
        if word is None or not self._editor.hasFocus():
            self._popup().hide()
            return
        names = self._names()
        self._model.setStringList(names)
        self.setCompletionPrefix(word)
        if self.completionCount() == 0 or (self.completionCount() == 1 and word in names):
            self._popup().hide()
            return
        rect = self._editor.cursorRect()
        rect.setWidth(
            self._popup().sizeHintForColumn(0)
            + self._popup().verticalScrollBar().sizeHint().width()
        )
        self.complete(rect)

    def insert(self, name: str) -> None:
        """Replace the partial word before the cursor with ``name``."""
        word = self.partial_word() or ""
        cursor = self._editor.textCursor()
        cursor.movePosition(
            QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, len(word)
        )
        cursor.insertText(name)
        self._editor.setTextCursor(cursor)
        self._popup().hide()

    def handles(self, event: QKeyEvent) -> bool:
        """True when the popup is open and ``event`` is one of its keys (the editor skips it)."""
        return self._popup().isVisible() and _key_name(event) in _KEYS_FOR_POPUP


def _key_name(event: QKeyEvent) -> str:
    from PySide6.QtCore import Qt

    return {
        Qt.Key.Key_Return: "Return",
        Qt.Key.Key_Enter: "Enter",
        Qt.Key.Key_Escape: "Escape",
        Qt.Key.Key_Tab: "Tab",
        Qt.Key.Key_Backtab: "Backtab",
    }.get(Qt.Key(event.key()), "")
