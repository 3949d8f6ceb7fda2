"""The batch window's table: one line per input row, its values, then how it went.

A thin Qt model over a list of :class:`BatchRow` (plain data); the window applies the runner's
events to it (:meth:`BatchRowsModel.apply`) and only the changed line is repainted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from assistant.core.work.batch_input import InputRow, InputTable
from assistant.core.work.batch_output import RowResult
from assistant.core.work.batch_runner import DONE, FAILED, RowFinished, RowStarted

PREVIEW_CHARS = 160
QUEUED = "queued"
SENDING = "sending"
UNREADABLE = "unreadable"
_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


@dataclass
class BatchRow:
    """One input row in the window and what became of it."""

    number: int
    line: int
    values: dict[str, str]
    status: str = QUEUED
    answer: str = ""
    tokens: int = 0
    error: str = ""
    cost: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def input_row(self) -> InputRow:
        return InputRow(self.number, self.line, self.values)

    def result(self) -> RowResult:
        """The row as the output file writes it (rows not run yet: status 'pending')."""
        status = self.status if self.status in (DONE, FAILED) else "pending"
        if self.status == UNREADABLE:
            status = FAILED
        return RowResult(self.number, self.values, status, self.answer, self.tokens, self.error)


class BatchRowsModel(QAbstractTableModel):
    """Columns: #, the input's columns, Status, Answer, Tokens, Cost."""

    def __init__(self) -> None:
        super().__init__()
        self.columns: list[str] = []
        self.rows: list[BatchRow] = []
        self._by_number: dict[int, int] = {}
        self._counts: dict[str, int] = {}
        self._titles: list[str] = []
        self.cost_of: Any = None
        """``cost_of(result) -> str`` for the Cost column (set by the window)."""

    def set_table(self, table: InputTable) -> None:
        """Show a freshly read input: every row queued, unreadable ones with their problem."""
        self.beginResetModel()
        self.columns = list(table.columns)
        rows = [BatchRow(row.number, row.line, dict(row.values)) for row in table.rows]
        for problem in table.problems:
            rows.append(
                BatchRow(
                    problem.number,
                    problem.line,
                    dict(problem.values),
                    UNREADABLE,
                    error=problem.describe(),
                )
            )
        self.rows = sorted(rows, key=lambda row: row.number)
        self._by_number = {row.number: index for index, row in enumerate(self.rows)}
        self._counts = {}
        for row in self.rows:
            self._counts[row.status] = self._counts.get(row.status, 0) + 1
        self._titles = [
            "#",
            *self.columns,
            self.tr("Status"),
            self.tr("Answer"),
            self.tr("Tokens"),
            self.tr("Cost"),
        ]
        self.endResetModel()

    def row(self, number: int) -> BatchRow:
        return self.rows[self._by_number[number]]

    def runnable(self, status: Iterable[str] = (QUEUED,)) -> list[InputRow]:
        """The rows in one of ``status`` (default: not run yet), as the runner takes them."""
        wanted = set(status)
        return [row.input_row for row in self.rows if row.status in wanted]

    def mark(self, numbers: Iterable[int], status: str) -> None:
        """Set rows back to ``status`` (queued again for Retry failed, after Stop)."""
        for number in numbers:
            row = self.row(number)
            self._set_status(row, status)
            row.answer, row.tokens, row.error, row.cost = "", 0, "", ""
            self._changed(number)

    def apply(self, events: Iterable[object]) -> None:
        """Rows started or finished (the runner's events, in order)."""
        for event in events:
            if isinstance(event, RowStarted):
                self._set_status(self.row(event.number), SENDING)
                self._changed(event.number)
            elif isinstance(event, RowFinished):
                result = event.result
                row = self.row(result.number)
                self._set_status(row, result.status)
                row.answer, row.error = result.answer, result.error
                row.tokens = result.tokens
                row.cost = self.cost_of(result) if self.cost_of else ""
                self._changed(result.number)

    def counts(self) -> dict[str, int]:
        """How many rows are in each status (kept up to date, not counted per call)."""
        return {status: count for status, count in self._counts.items() if count}

    def _set_status(self, row: BatchRow, status: str) -> None:
        self._counts[row.status] -= 1
        self._counts[status] = self._counts.get(status, 0) + 1
        row.status = status

    # -- QAbstractTableModel ---------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._titles)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if role == _DISPLAY and orientation == Qt.Orientation.Horizontal:
            return self._titles[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        inputs = len(self.columns)
        if role == _ALIGN and (column == 0 or column in (inputs + 3, inputs + 4)):
            return _RIGHT
        if role not in (_DISPLAY, _TOOLTIP):
            return None
        if column == 0:
            return str(row.number)
        if column <= inputs:
            return row.values.get(self.columns[column - 1], "")
        which = column - inputs
        if which == 1:
            return self._status_text(row.status) if role == _DISPLAY else row.error or None
        if which == 2:
            text = row.answer or row.error
            if role == _TOOLTIP:
                return text or None
            return " ".join(text.split())[:PREVIEW_CHARS]
        if which == 3:
            return str(row.tokens) if row.tokens else ""
        return row.cost

    def _status_text(self, status: str) -> str:
        return {
            QUEUED: self.tr("queued"),
            SENDING: self.tr("sending…"),
            DONE: self.tr("done"),
            FAILED: self.tr("failed"),
            UNREADABLE: self.tr("unreadable"),
        }.get(status, status)

    def _changed(self, number: int) -> None:
        index = self._by_number[number]
        self.dataChanged.emit(self.index(index, 0), self.index(index, len(self._titles) - 1))
