"""Reading the history panel's list in GUI tests: a row as the old tree items were read."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QRect, Qt
from PySide6.QtGui import QBrush, QFont
from pytestqt.qtbot import QtBot

from assistant.ui.history_panel import HistoryPanel
from assistant.ui.history_rows import TITLE_COLUMN


class Row:
    """One line of the panel's list (a record or a day header), read through the model."""

    def __init__(self, panel: HistoryPanel, row: int) -> None:
        self.panel, self.model = panel, panel.model
        self.index = self.model.index(row, TITLE_COLUMN)

    @classmethod
    def of(cls, panel: HistoryPanel, record_id: int) -> Row | None:
        """The row of a shown record."""
        index = panel.index_for(record_id)
        return cls(panel, index.row()) if index.isValid() else None

    def _cell(self, column: int) -> QModelIndex:
        return self.index.siblingAtColumn(column)

    def text(self, column: int) -> str:
        return str(self._cell(column).data() or "")

    def toolTip(self, column: int) -> str:  # named as QTreeWidgetItem's
        return str(self._cell(column).data(Qt.ItemDataRole.ToolTipRole) or "")

    def font(self, column: int) -> QFont:
        return self._cell(column).data(Qt.ItemDataRole.FontRole) or QFont()

    def background(self, column: int) -> QBrush:
        return self._cell(column).data(Qt.ItemDataRole.BackgroundRole) or QBrush()

    def flags(self) -> Qt.ItemFlag:
        return self.model.flags(self.index)

    def childCount(self) -> int:  # named as QTreeWidgetItem's
        return len(self.model.day_record_ids(self.index.row()))

    def setSelected(self, selected: bool) -> None:  # named as QTreeWidgetItem's
        flags = QItemSelectionModel.SelectionFlag
        change = flags.Select if selected else flags.Deselect
        self.panel.view.selectionModel().select(self.index, change | flags.Rows)

    def setText(self, column: int, text: str) -> None:  # named as QTreeWidgetItem's
        self.model.setData(self._cell(column), text)

    def rect(self) -> QRect:
        return self.panel.view.visualRect(self.index)


def settled(qtbot: QtBot, panel: HistoryPanel) -> None:
    """Wait until the reads of the store the panel started have arrived."""
    qtbot.waitUntil(lambda: not panel.loading)
