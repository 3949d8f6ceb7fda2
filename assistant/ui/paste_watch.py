"""Tell the person when pasting changed their text (line endings, bytes that are not UTF-8).

An event filter on the input editors performs the keyboard paste itself, then compares the
clipboard's original text (its raw bytes when it offers ``text/plain``) with what the editor
now holds, using :func:`assistant.core.text.text_changes.editor_changes`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

if TYPE_CHECKING:  # read at the first paste, not before the window's first paint
    from assistant.core.text.text_changes import TextChanges


class PasteWatch(QObject):
    """Watches keyboard pastes into plain-text editors; ``sig_notice`` says what changed."""

    sig_notice = Signal(str)
    """A sentence such as "Pasted text: 3 Windows line endings (\\r\\n) became \\n."."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._last_changes: TextChanges | None = None
        self.paste_image: Callable[[QPlainTextEdit], bool] | None = None
        """Attaches the clipboard's image for a paste into ``editor`` (True: it did)."""

    @property
    def last_changes(self) -> TextChanges:
        """What the last keyboard paste changed (nothing before the first)."""
        if self._last_changes is None:
            from assistant.core.text.text_changes import TextChanges

            self._last_changes = TextChanges()
        return self._last_changes

    def watch(self, editors: Iterable[QPlainTextEdit]) -> None:
        for editor in editors:
            editor.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Paste)
            and isinstance(watched, QPlainTextEdit)
            and not watched.isReadOnly()
        ):
            self.paste_into(watched)
            return True
        return False

    def paste_into(self, editor: QPlainTextEdit) -> TextChanges:
        """Paste the clipboard into ``editor`` and report how the text changed on the way."""
        from assistant.core.text.text_changes import TextChanges, decode_pasted, editor_changes

        mime = QGuiApplication.clipboard().mimeData()
        if mime is None or not mime.hasText():
            attach = self.paste_image if mime is not None and mime.hasImage() else None
            if attach is not None and attach(editor):  # a screenshot, into the image field
                return TextChanges()
            editor.paste()
            return TextChanges()
        raw = bytes(mime.data("text/plain").data()) if mime.hasFormat("text/plain") else b""
        pasted = decode_pasted(raw) if raw else mime.text()
        start = editor.textCursor().selectionStart()
        editor.paste()
        cursor = QTextCursor(editor.document())
        cursor.setPosition(start)
        cursor.setPosition(editor.textCursor().position(), QTextCursor.MoveMode.KeepAnchor)
        shown = cursor.selectedText().replace("\u2029", "\n")
        changes = editor_changes(pasted, shown)
        self._last_changes = changes
        if changes:
            self.sig_notice.emit(self.tr("Pasted text: ") + " ".join(changes.notices()))
        return changes
