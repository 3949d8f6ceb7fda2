"""Answers side by side: one column per variant or per compared model, 2–4 visible, scroll for more.

:class:`AnswerColumns` holds one :class:`AnswerColumn` per answer: a header (its title, figures
such as time to first token and tokens/s, its own error) with Copy / Insert / Keep / Stop, above
an :class:`~assistant.ui.answer_view.AnswerView`. With one answer the header is hidden and the
view fills the area, as a single answer always looked. The current column (clicked, or chosen by
the panel) is the one the window's Copy, Insert and Save act on; ``currentChanged`` says when it
changes, like a tab widget's.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from assistant.ui.answer_view import AnswerView
from assistant.ui.qt_keys import set_keys

MAX_VISIBLE = 4
"""Columns shown at once; more scroll sideways."""
_MIN_COLUMN_WIDTH = 220
_CURRENT_STYLE = "QFrame#answerColumn { border: 2px solid palette(highlight); border-radius: 4px; }"
_COLUMN_STYLE = "QFrame#answerColumn { border: 1px solid palette(mid); border-radius: 4px; }"
_ERROR_STYLE = "color: #b42318;"


class ColumnHeader(QWidget):
    """A column's title, figures and error, with its Copy / Insert / Keep / Stop."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setObjectName("columnTitle")
        self.title.setStyleSheet("font-weight: 600;")
        self.title.setWordWrap(True)
        self.figures = QLabel()
        self.figures.setObjectName("columnFigures")
        self.figures.setWordWrap(True)
        self.figures.setStyleSheet("color: palette(placeholder-text);")
        self.figures.setVisible(False)
        self.error = QLabel()
        self.error.setObjectName("columnError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(_ERROR_STYLE)
        self.error.setVisible(False)
        self.copy_button = self._button(self.tr("Copy"), self.tr("Copy this answer"))
        self.insert_button = self._button(
            self.tr("Insert"), self.tr("Insert this answer at the cursor of the input editor")
        )
        self.keep_button = self._button(
            self.tr("Keep"), self.tr("Keep this answer as the answer (the others stay)")
        )
        self.keep_button.setCheckable(True)
        self.stop_button = self._button(self.tr("Stop"), self.tr("Stop this answer only"))
        self.stop_button.setVisible(False)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.setSpacing(2)
        for button in (self.copy_button, self.insert_button, self.keep_button, self.stop_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        header = QVBoxLayout(self)
        header.setContentsMargins(6, 4, 6, 0)
        header.setSpacing(1)
        header.addWidget(self.title)
        header.addWidget(self.figures)
        header.addLayout(buttons)
        header.addWidget(self.error)

    def _button(self, text: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setFlat(True)
        return button


class AnswerColumn(QFrame):
    """One answer with its header and its own buttons (the header is made when first used: a
    single answer shows none)."""

    sig_copy = Signal()
    """Copy in this column's header."""
    sig_insert = Signal()
    """Insert in this column's header."""
    sig_keep = Signal()
    """Keep in this column's header."""
    sig_stop = Signal()
    """Stop in this column's header."""

    def __init__(self, view: AnswerView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("answerColumn")
        self._header: ColumnHeader | None = None
        self._title = ""  # for the header once made
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(0, 0, 0, 0)
        self._column.setSpacing(2)
        self.view = view
        self._column.addWidget(view, 1)

    @property
    def has_header(self) -> bool:
        """Whether the header has been made yet."""
        return self._header is not None

    @property
    def header(self) -> ColumnHeader:
        """The header above the view (made hidden on first use)."""
        if self._header is None:
            self._header = header = ColumnHeader()
            header.setVisible(False)
            header.title.setText(self._title)
            header.copy_button.clicked.connect(self.sig_copy)
            header.insert_button.clicked.connect(self.sig_insert)
            header.keep_button.clicked.connect(self.sig_keep)
            header.stop_button.clicked.connect(self.sig_stop)
            self._column.insertWidget(0, header)
        return self._header

    def set_title(self, title: str) -> None:
        """The header's title (kept until the header is made)."""
        self._title = title
        if self._header is not None:
            self._header.title.setText(title)

    title = property(lambda self: self.header.title)
    figures = property(lambda self: self.header.figures)
    error = property(lambda self: self.header.error)
    copy_button = property(lambda self: self.header.copy_button)
    insert_button = property(lambda self: self.header.insert_button)
    keep_button = property(lambda self: self.header.keep_button)
    stop_button = property(lambda self: self.header.stop_button)

    def set_view(self, view: AnswerView) -> AnswerView:
        """Show ``view`` instead of the current one, which is hidden and returned (not deleted)."""
        old = self.view
        self._column.replaceWidget(old, view)
        old.hide()
        view.show()
        self.view = view
        return old

    def set_look(self, several: bool, current: bool) -> None:
        """A frame around each of several columns, a marked one around the current one.

        (Each column's own style sheet: re-polishing after a dynamic property change would make
        PySide's ``Qt`` namespace before the first paint, see ui/qt_keys.py.)
        """
        style = (_CURRENT_STYLE if current else _COLUMN_STYLE) if several else ""
        if self.styleSheet() != style:
            self.setStyleSheet(style)

    def set_figures(self, text: str) -> None:
        self.figures.setText(text)
        self.figures.setVisible(bool(text))

    def set_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def set_kept(self, kept: bool) -> None:
        self.keep_button.setChecked(kept)
        self.keep_button.setText(self.tr("Kept") if kept else self.tr("Keep"))


class AnswerColumns(QScrollArea):
    """The answers of what is on screen, as columns; a tab widget's ``count``, ``currentIndex``,
    ``setCurrentIndex``, ``currentWidget`` and ``currentChanged``."""

    currentChanged = Signal(int)
    """The current column changed (its index)."""
    sig_copy = Signal(int)
    """Copy in the header of column (index)."""
    sig_insert = Signal(int)
    """Insert in the header of column (index)."""
    sig_keep = Signal(int)
    """Keep in the header of column (index)."""
    sig_stop = Signal(int)
    """Stop in the header of column (index)."""
    sig_count_changed = Signal(int)
    """A column was added or taken away (the number of columns now)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("answerColumns")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        set_keys(self, "verticalScrollBarPolicy", "ScrollBarAlwaysOff")
        self._strip = QWidget()
        self._row = QHBoxLayout(self._strip)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(6)
        self.setWidget(self._strip)
        self._columns: list[AnswerColumn] = []
        self._current = -1
        # the column whose view takes the focus (a click, Tab) becomes the current one; not an
        # event filter on the views: one in Python costs a call per event of a streaming view
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    # --- a tab widget's surface ---------------------------------------------------------------

    @property
    def columns(self) -> list[AnswerColumn]:
        return list(self._columns)

    def count(self) -> int:
        return len(self._columns)

    def view_at(self, index: int) -> AnswerView | None:
        return self._columns[index].view if 0 <= index < len(self._columns) else None

    def currentIndex(self) -> int:
        return self._current

    def currentWidget(self) -> AnswerView | None:
        return self.view_at(self._current)

    def setCurrentIndex(self, index: int) -> None:
        """Make column ``index`` the current one (and scroll it into sight)."""
        if not 0 <= index < len(self._columns):
            return
        changed = index != self._current
        self._current = index
        for number, column in enumerate(self._columns):
            column.set_look(self.count() > 1, number == index)
        self.ensureWidgetVisible(self._columns[index], 0, 0)
        if changed:
            self.currentChanged.emit(index)

    # --- columns -------------------------------------------------------------------------------

    def add_column(self, view: AnswerView, title: str) -> AnswerColumn:
        """A new column at the end showing ``view`` under ``title``."""
        column = AnswerColumn(view)
        column.set_title(title)
        index = len(self._columns)
        column.sig_copy.connect(lambda: self.sig_copy.emit(self._index_of(column)))
        column.sig_insert.connect(lambda: self.sig_insert.emit(self._index_of(column)))
        column.sig_keep.connect(lambda: self._keep_clicked(column))
        column.sig_stop.connect(lambda: self.sig_stop.emit(self._index_of(column)))
        self._columns.append(column)
        self._row.addWidget(column, 1)
        self._layout_columns()
        if index == 0:
            self.setCurrentIndex(0)
        self.sig_count_changed.emit(len(self._columns))
        return column

    def remove_last(self) -> AnswerView:
        """Take the last column away; returns its view (to delete or keep)."""
        column = self._columns.pop()
        view = column.view
        self._row.removeWidget(column)
        column.deleteLater()
        if self._current >= len(self._columns):
            self._current = -1
            self.setCurrentIndex(len(self._columns) - 1)
        self._layout_columns()
        self.sig_count_changed.emit(len(self._columns))
        return view

    def current_column(self) -> AnswerColumn | None:
        """The current column."""
        return self._columns[self._current] if 0 <= self._current < len(self._columns) else None

    def set_titles(self, titles: list[str]) -> None:
        for column, title in zip(self._columns, titles, strict=False):
            column.set_title(title)

    def set_kept(self, index: int | None) -> None:
        """Mark column ``index`` as the kept answer (None: none is)."""
        for number, column in enumerate(self._columns):
            column.set_kept(number == index)

    def _keep_clicked(self, column: AnswerColumn) -> None:
        column.keep_button.setChecked(column.keep_button.text() == self.tr("Kept"))
        self.sig_keep.emit(self._index_of(column))

    def _index_of(self, column: AnswerColumn) -> int:
        return self._columns.index(column) if column in self._columns else -1

    def _focus_changed(self, _old: QWidget | None, now: QWidget | None) -> None:
        """The focus went into a column's view (clicked, or Tab): that column is current."""
        if now is None or len(self._columns) < 2:
            return
        for number, column in enumerate(self._columns):
            if number != self._current and (now is column.view or column.view.isAncestorOf(now)):
                self.setCurrentIndex(number)
                return

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._layout_columns()

    def _column_width(self) -> int:
        """The width of each of several columns: they share the area, MAX_VISIBLE at most."""
        visible = max(1, min(len(self._columns), MAX_VISIBLE))
        spacing = self._row.spacing() * (visible - 1)
        return max(_MIN_COLUMN_WIDTH, (self.viewport().width() - spacing) // visible)

    def _layout_columns(self) -> None:
        """One column fills the area; several share it, at most MAX_VISIBLE in sight."""
        several = len(self._columns) > 1
        policy = "ScrollBarAsNeeded" if several else "ScrollBarAlwaysOff"
        set_keys(self, "horizontalScrollBarPolicy", policy)
        width = self._column_width() if several else 0  # a first viewport() makes ~70 enums
        for column in self._columns:
            if several or column.has_header:
                column.header.setVisible(several)
            column.set_look(several, column is self.current_column())
            if several:
                column.setFixedWidth(width)
            else:
                column.setMinimumWidth(0)
                column.setMaximumWidth(16_777_215)
