"""Editable code input: highlighted, monospace, spaces for tabs, line-number gutter."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, QSize, Slot
from PySide6.QtGui import (
    QFontMetricsF,
    QKeyEvent,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QTextCursor,
)
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from assistant.ui.highlighter import PygmentsHighlighter
from assistant.ui.qt_keys import ALIGN_RIGHT
from assistant.ui.theme import Theme, monospace_font

GUTTER_PADDING = 6


class CodeEditor(QPlainTextEdit):
    """A plain-text code editor with incremental pygments highlighting."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        language: str = "text",
        tab_width: int = 4,
        tab_inserts_spaces: bool = True,
        line_numbers: bool = True,
    ) -> None:
        super().__init__(parent)
        self._tab_width = max(1, tab_width)
        self._tab_inserts_spaces = tab_inserts_spaces
        self.setFont(monospace_font())
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTabStopDistance(QFontMetricsF(self.font()).horizontalAdvance(" ") * self._tab_width)
        self._highlighter = PygmentsHighlighter(
            self.document(), language, Theme.for_palette(self.palette())
        )
        self._gutter = _LineNumberGutter(self)
        self._gutter.setVisible(line_numbers)
        self.blockCountChanged.connect(self._update_gutter_width)
        self.updateRequest.connect(self._update_gutter)
        self._update_gutter_width()

    @property
    def highlighter(self) -> PygmentsHighlighter:
        """The highlighter attached to the document."""
        return self._highlighter

    def language(self) -> str:
        """Canonical language name (a pygments alias, "markdown" or "text")."""
        return self._highlighter.language

    def set_language(self, name: str) -> None:
        """Highlight as ``name`` (pygments alias or "markdown"; unknown names mean plain text)."""
        self._highlighter.set_language(name)

    def tab_inserts_spaces(self) -> bool:
        """True when Tab inserts spaces up to the next tab stop."""
        return self._tab_inserts_spaces

    def set_tab_inserts_spaces(self, enabled: bool) -> None:
        """Insert spaces (True) or a tab character (False) on Tab."""
        self._tab_inserts_spaces = enabled

    def set_line_numbers_visible(self, visible: bool) -> None:
        """Show or hide the line-number gutter."""
        self._gutter.setVisible(visible)
        self._update_gutter_width()

    def insert_at_cursor(self, text: str) -> None:
        """Insert ``text`` at the cursor (replacing a selection) as one undo step."""
        cursor = self.textCursor()
        cursor.beginEditBlock()
        cursor.insertText(text)
        cursor.endEditBlock()
        self.setTextCursor(cursor)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Tab inserts spaces to the next stop or indents selected lines; Shift+Tab dedents."""
        from PySide6.QtCore import Qt  # here: the first paint does without it (ui/qt_keys.py)

        if self._tab_inserts_spaces and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            cursor = self.textCursor()
            if event.key() == Qt.Key.Key_Backtab:
                self._shift_lines(cursor, indent=False)
            elif cursor.hasSelection():
                self._shift_lines(cursor, indent=True)
            else:
                column = cursor.positionInBlock()
                self.insert_at_cursor(" " * (self._tab_width - column % self._tab_width))
            return
        super().keyPressEvent(event)

    def _shift_lines(self, cursor: QTextCursor, *, indent: bool) -> None:
        """Indent or dedent every line the cursor's selection touches, as one undo step."""
        document = self.document()
        first = document.findBlock(cursor.selectionStart())
        last = document.findBlock(max(cursor.selectionEnd() - 1, cursor.selectionStart()))
        edit = QTextCursor(document)
        edit.beginEditBlock()
        block = first
        while block.isValid():
            edit.setPosition(block.position())
            if indent:
                edit.insertText(" " * self._tab_width)
            else:
                text = block.text()
                width = len(text) - len(text.lstrip(" "))
                for _ in range(min(width, self._tab_width)):
                    edit.deleteChar()
            if block == last:
                break
            block = block.next()
        edit.endEditBlock()

    def changeEvent(self, event: QEvent) -> None:
        """Follow the desktop's light/dark switch."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._highlighter.follow_palette(self.palette())

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep the gutter along the left edge."""
        super().resizeEvent(event)
        rect = self.contentsRect()
        self._gutter.setGeometry(QRect(rect.left(), rect.top(), self.gutter_width(), rect.height()))

    def gutter_width(self) -> int:
        """Width of the line-number gutter in pixels (0 when hidden)."""
        if self._gutter.isHidden():
            return 0
        digits = len(str(max(1, self.blockCount())))
        advance = self.fontMetrics().horizontalAdvance("9")
        return GUTTER_PADDING * 2 + advance * max(digits, 2)

    @Slot()
    def _update_gutter_width(self) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    @Slot(QRect, int)
    def _update_gutter(self, rect: QRect, dy: int) -> None:
        if dy:
            self._gutter.scroll(0, dy)
        else:
            self._gutter.update(0, rect.y(), self._gutter.width(), rect.height())
        if rect.contains(self.viewport().rect()):
            self._update_gutter_width()

    def paint_gutter(self, event: QPaintEvent) -> None:
        """Draw the visible line numbers (called by the gutter)."""
        from PySide6.QtGui import QPainter  # at the first paint of a code field, not before

        painter = QPainter(self._gutter)
        palette = self.palette()
        painter.fillRect(event.rect(), palette.color(QPalette.ColorRole.AlternateBase))
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        painter.setFont(self.font())
        block = self.firstVisibleBlock()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        width = self._gutter.width() - GUTTER_PADDING
        line_height = self.fontMetrics().height()
        while block.isValid() and top <= event.rect().bottom():
            height = round(self.blockBoundingRect(block).height())
            if block.isVisible() and top + height >= event.rect().top():
                painter.drawText(
                    0,
                    top,
                    width,
                    line_height,
                    ALIGN_RIGHT,
                    str(block.blockNumber() + 1),
                )
            top += height
            block = block.next()
        painter.end()


class _LineNumberGutter(QWidget):
    """The strip left of the text that shows line numbers."""

    def __init__(self, editor: CodeEditor) -> None:
        super().__init__(editor)
        self._editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self._editor.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self._editor.paint_gutter(event)
