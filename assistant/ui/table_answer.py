"""Table answers in the window: the rows of a table mode's answer (``output = "table"``:
sentiment, classify) as a sortable table with CSV export.

The answer streams in as text (the JSON lines the model writes); once it has ended, the table
takes its place: :class:`TableAnswerView` reads it with :func:`parse_table` and shows the rows
through :class:`TableAnswerModel` in a ``QTableView`` (click a header to sort; numbers sort as
numbers). What could not be read as a row is never dropped: it stays under the table, as the model
wrote it, with a note saying why. The answer toolbar's *Table* action switches between the table
and the answer's text. The module is imported by the first table answer, so it uses ``Qt`` freely.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from assistant.core.prompts.modes import Mode
from assistant.core.text.table_answers import TableAnswer, input_texts, parse_table, to_csv
from assistant.ui.qt_keys import set_keys

DISPLAY_ROLE = int(Qt.ItemDataRole.DisplayRole)
TOOLTIP_ROLE = int(Qt.ItemDataRole.ToolTipRole)
SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 1
"""The value a column sorts by (a float in number columns)."""

LONG_CELL = 24
"""Columns with a longer value share the table's width (elided, whole in the tooltip)."""

_Index = QModelIndex | QPersistentModelIndex


class TableAnswerModel(QAbstractTableModel):
    """The rows of a :class:`TableAnswer` (read-only); column headers from the mode's columns."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = TableAnswer((), ())
        self.headers: tuple[str, ...] = ()
        self._numeric: tuple[bool, ...] = ()

    def set_table(self, table: TableAnswer, headers: tuple[str, ...]) -> None:
        """Show ``table`` with these column titles."""
        self.beginResetModel()
        self.table = table
        self.headers = headers
        self._numeric = tuple(
            all(_number(row[column]) is not None for row in table.rows if row[column].strip())
            and any(row[column].strip() for row in table.rows)
            for column in range(len(table.columns))
        )
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.table.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.table.columns)

    def data(self, index: _Index, role: int = DISPLAY_ROLE) -> Any:
        if not index.isValid():
            return None
        value = self.table.rows[index.row()][index.column()]
        if role == DISPLAY_ROLE:
            return " ".join(value.split()) if "\n" in value else value
        if role == TOOLTIP_ROLE:
            return value if len(value) > LONG_CELL or "\n" in value else None
        if role == SORT_ROLE:
            if self._numeric[index.column()]:
                number = _number(value)
                return float("-inf") if number is None else number
            return value.casefold()
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = DISPLAY_ROLE
    ) -> Any:
        if role != DISPLAY_ROLE:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.headers[section] if section < len(self.headers) else None
        return str(section + 1)


def _number(text: str) -> float | None:
    try:
        return float(text.strip().rstrip("%"))
    except ValueError:
        return None


class TableAnswerView(QWidget):
    """The table of the answer on screen, a note on what could not be read, and CSV export."""

    sig_show_table = Signal(bool)
    """True: the table should take the answer text's place; False: show the text."""
    sig_status = Signal(str)
    """A line for the status bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tableAnswer")
        self._mode: Mode | None = None
        self._inputs: list[str] = []
        self.model = TableAnswerModel(self)
        from PySide6.QtCore import QSortFilterProxyModel

        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setObjectName("tableAnswerView")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        set_keys(self.table, "selectionBehavior", "SelectRows")
        set_keys(self.table, "editTriggers", "NoEditTriggers")
        self.note = QLabel()
        self.note.setObjectName("tableAnswerNote")
        self.note.setWordWrap(True)
        self.leftover = QPlainTextEdit()
        self.leftover.setObjectName("tableAnswerLeftover")
        self.leftover.setReadOnly(True)
        self.leftover.setMaximumHeight(140)
        self.count_label = QLabel()
        self.export_button = QPushButton(self.tr("Export CSV…"))
        self.export_button.setObjectName("exportCsvButton")
        self.export_button.setToolTip(self.tr("Save the table as a CSV file"))
        self.export_button.clicked.connect(self.export_csv)
        copy = QAction(self.tr("Copy rows"), self.table)
        copy.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Copy))
        copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copy.triggered.connect(self.copy_rows)
        self.table.addAction(copy)
        self.table_action = QAction(self.tr("Table"), self)
        self.table_action.setCheckable(True)
        self.table_action.setEnabled(False)
        self.table_action.setToolTip(self.tr("Show the answer as a table (or as its text)"))
        self.table_action.toggled.connect(self._toggled)
        top = QHBoxLayout()
        top.addWidget(self.count_label, 1)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.leftover)
        self.setVisible(False)

    # --- what is on screen ---------------------------------------------------------------------

    def answer_started(self, mode: Mode, values: Mapping[str, object]) -> None:
        """A new answer streams in as text; a table mode's answer becomes a table at its end."""
        self._mode = mode if mode.output == "table" else None
        main = values.get(mode.main_field)
        self._inputs = input_texts(main) if isinstance(main, str) else []
        self.table_action.setChecked(False)
        self.table_action.setEnabled(False)
        self.sig_show_table.emit(False)

    def answer_ended(self, answer: str) -> None:
        """The answer on screen ended: show its rows (table modes only)."""
        mode = self._mode
        if mode is None:
            return
        self.show_table(parse_table(answer, mode.columns, self._inputs))
        self.table_action.setEnabled(True)
        if self.table_action.isChecked():
            self.sig_show_table.emit(True)
        else:
            self.table_action.setChecked(True)

    def record_shown(self, mode: Mode, values: Mapping[str, object], answer: str) -> None:
        """A past answer is on screen (history, recovery)."""
        self.answer_started(mode, values)
        self.answer_ended(answer)

    def _toggled(self, on: bool) -> None:
        self.sig_show_table.emit(on and self.table_action.isEnabled())

    def show_table(self, table: TableAnswer) -> None:
        """Fill the view with ``table``; a note says what could not be read."""
        self.model.set_table(table, tuple(self._header(name) for name in table.columns))
        self.proxy.sort(-1)  # the model's order until a header is clicked
        header = self.table.horizontalHeader()
        for column in range(len(table.columns)):  # long texts share the width, short ones fit
            long = any(len(row[column]) > LONG_CELL for row in table.rows)
            mode = (
                QHeaderView.ResizeMode.Stretch if long else QHeaderView.ResizeMode.ResizeToContents
            )
            header.setSectionResizeMode(column, mode)
        self.count_label.setText(self.tr("%n row(s)", "", len(table.rows)))
        self.export_button.setEnabled(bool(table.rows))
        notes = []
        if table.leftover:
            notes.append(
                self.tr("Part of the answer could not be read as table rows; it is shown below")
                + (
                    self.tr(" (the answer ended in the middle of a row).")
                    if table.partial
                    else self.tr(", as the model wrote it.")
                )
            )
        if table.missing:
            notes.append(
                self.tr("%n of the texts got no row.", "", table.missing)
                + " "
                + self.tr("Generate again, or send fewer texts at once.")
            )
        self.note.setText(" ".join(notes))
        self.note.setVisible(bool(notes))
        self.leftover.setPlainText(table.leftover)
        self.leftover.setVisible(bool(table.leftover))

    def _header(self, column: str) -> str:
        known = {
            "text": self.tr("Text"),
            "label": self.tr("Label"),
            "labels": self.tr("Labels"),
            "confidence": self.tr("Confidence"),
            "reason": self.tr("Reason"),
        }
        return known.get(column, column.replace("_", " ").capitalize())

    # --- export --------------------------------------------------------------------------------

    def _rows_on_screen(self, selected_only: bool = False) -> list[tuple[str, ...]]:
        """The rows in the order shown (sorted as shown), optionally only the selected ones."""
        order: list[int] = list(range(self.proxy.rowCount()))
        if selected_only:
            order = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        rows = self.model.table.rows
        return [rows[self.proxy.mapToSource(self.proxy.index(row, 0)).row()] for row in order]

    def csv_text(self) -> str:
        """The rows as CSV in the order on screen (sorted as shown), with the column names."""
        return to_csv(self.model.table.columns, self._rows_on_screen())

    def copy_rows(self) -> str:
        """Copy the selected rows (all when none is) as tab-separated text, for a spreadsheet."""
        from PySide6.QtWidgets import QApplication

        rows = self._rows_on_screen(selected_only=True) or self._rows_on_screen()
        text = "".join("\t".join(" ".join(cell.split()) for cell in row) + "\n" for row in rows)
        QApplication.clipboard().setText(text)
        self.sig_status.emit(self.tr("Copied %n row(s)", "", len(rows)))
        return text

    def export_csv(self, path: str = "") -> str:
        """Save the table as CSV (asks where when ``path`` is empty); returns the status line."""
        if not path:
            from PySide6.QtWidgets import QFileDialog

            name = f"{self._mode.id if self._mode else 'table'}.csv"
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export CSV"), name, self.tr("CSV files (*.csv)")
            )
            if not path:
                return ""
        try:  # with a BOM: Excel, who opens these files, reads UTF-8 without one as garbage
            with open(path, "w", encoding="utf-8-sig", newline="") as stream:
                stream.write(self.csv_text())
        except OSError as exc:
            message = self.tr("Could not save {0}: {1}").format(path, exc.strerror or exc)
        else:
            message = self.tr("Saved {0}").format(path)
        self.sig_status.emit(message)
        return message
