"""The history list's rows as a Qt model: day headers, then each day's records, newest first.

One flat list of lines (a flat list because QTreeView lays out every loaded row again on each
insertion, which stalls the GUI once tens of thousands are loaded; a table view only shifts its row
sections). Records are filed under their day as they come (:meth:`HistoryLines._add_days`, always
older than every loaded one) or inserted, updated and removed in place; a day can be folded. What
reads them from the store is :class:`~assistant.ui.history_model.HistoryModel`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from assistant.core.storage.history import RecordSummary
from assistant.ui.history_rows import COLUMN_COUNT, TITLE_COLUMN, RowLook, RowTexts

AnyIndex = QModelIndex | QPersistentModelIndex
_ROOT: Final = QModelIndex()
_DISPLAY: Final = int(Qt.ItemDataRole.DisplayRole)
_NO_FLAGS: Final = Qt.ItemFlag.NoItemFlags
_DAY_FLAGS: Final = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren
_RECORD_FLAGS: Final = _DAY_FLAGS | Qt.ItemFlag.ItemIsSelectable
_TITLE_FLAGS: Final = _RECORD_FLAGS | Qt.ItemFlag.ItemIsEditable


@dataclass
class _Day:
    """A day header and the loaded records of that day (newest first)."""

    day: date
    title: str
    records: list[RecordSummary] = field(default_factory=list)
    folded: bool = False


_Line = _Day | RecordSummary


class HistoryLines(QAbstractItemModel):
    """Day headers and record rows, kept in date order; the view's model."""

    def __init__(
        self, texts: RowTexts, rename: Callable[[int, str], bool], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.look = RowLook(texts)
        self._rename = rename
        self._days: list[_Day] = []
        self._lines: list[_Line] = []
        self._rows: dict[int, int] | None = {}  # record id -> line; None: to rebuild
        self._summaries: dict[int, RecordSummary] = {}
        self._folded: set[date] = set()
        self._exhausted = True  # every matching record is loaded
        self._today = date.today()

    # --- filing records under their days ---------------------------------------------------------

    def _add_days(self, found: Sequence[RecordSummary]) -> list[_Line]:
        """File ``found`` (older than every loaded record) under their days; the new lines."""
        lines: list[_Line] = []
        last = self._days[-1] if self._days else None
        for summary in found:
            day = _local_day(summary.created_ts)
            if last is None or last.day != day:
                last = _Day(day, self._day_title(day), folded=day in self._folded)
                self._days.append(last)
                lines.append(last)
            last.records.append(summary)
            self._summaries[summary.id] = summary
            if not last.folded:
                lines.append(summary)
        return lines

    def _push(self, lines: list[_Line]) -> None:
        for line in lines:
            if self._rows is not None and not isinstance(line, _Day):
                self._rows[line.id] = len(self._lines)
            self._lines.append(line)

    def _last_key(self) -> tuple[float, int] | None:
        last = self._days[-1].records[-1] if self._days and self._days[-1].records else None
        return None if last is None else last.order_key

    # --- changes in place ------------------------------------------------------------------------

    def update_record(self, summary: RecordSummary) -> None:
        """Show a loaded record's new title, status, star or answer."""
        if summary.id not in self._summaries:
            return
        self._summaries[summary.id] = summary
        group = self._days[self._day_of(summary)]
        for position, old in enumerate(group.records):
            if old.id == summary.id:
                group.records[position] = summary
        row = self.row_of(summary.id)
        if row is not None:
            self._lines[row] = summary
            self.dataChanged.emit(self.index(row, 0), self.index(row, COLUMN_COUNT - 1))

    def change(self, record_id: int, **changes: Any) -> None:
        """Update fields of a loaded record's summary (``title=``, ``starred=``)."""
        summary = self._summaries.get(record_id)
        if summary is not None:
            self.update_record(summary._replace(**changes))

    def insert_records(self, summaries: Iterable[RecordSummary]) -> None:
        """Insert records at their place by date, if that place is within what is loaded."""
        last = self._last_key()
        for summary in sorted(summaries, key=lambda s: s.order_key, reverse=True):
            if summary.id in self._summaries:
                self.update_record(summary)
            elif self._exhausted or last is None or summary.order_key > last:
                self._insert(summary)

    def _insert(self, summary: RecordSummary) -> None:
        day = _local_day(summary.created_ts)
        at = next((n for n, d in enumerate(self._days) if d.day <= day), len(self._days))
        group = self._days[at] if at < len(self._days) and self._days[at].day == day else None
        line = self._day_line(at)
        self._summaries[summary.id] = summary
        self._rows = None
        if group is None:
            group = _Day(day, self._day_title(day), [summary], folded=day in self._folded)
            new: list[_Line] = [group] if group.folded else [group, summary]
            self.beginInsertRows(QModelIndex(), line, line + len(new) - 1)
            self._days.insert(at, group)
            self._lines[line:line] = new
            self.endInsertRows()
            return
        position = next(
            (n for n, r in enumerate(group.records) if r.order_key < summary.order_key),
            len(group.records),
        )
        group.records.insert(position, summary)
        if not group.folded:
            row = line + 1 + position
            self.beginInsertRows(QModelIndex(), row, row)
            self._lines.insert(row, summary)
            self.endInsertRows()

    def remove_records(self, record_ids: Iterable[int]) -> None:
        """Take records out of the list (and a day header left without records)."""
        for record_id in record_ids:
            summary = self._summaries.pop(record_id, None)
            if summary is None:
                continue
            at = self._day_of(summary)
            group, line = self._days[at], self._day_line(at)
            position = next(n for n, r in enumerate(group.records) if r.id == record_id)
            self._rows = None
            if len(group.records) == 1:
                last = line + (0 if group.folded else 1)
                self.beginRemoveRows(QModelIndex(), line, last)
                del self._days[at]
                del self._lines[line : last + 1]
                self.endRemoveRows()
                continue
            del group.records[position]
            if not group.folded:
                row = line + 1 + position
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._lines[row]
                self.endRemoveRows()

    def set_folded(self, row: int, folded: bool) -> None:
        """Fold (hide the records of) or unfold the day whose header is at ``row``."""
        group = self._lines[row] if 0 <= row < len(self._lines) else None
        if not isinstance(group, _Day) or group.folded == folded:
            return
        (self._folded.add if folded else self._folded.discard)(group.day)
        group.folded = folded
        self._rows = None
        first, last = row + 1, row + len(group.records)
        if folded:
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._lines[first : last + 1]
            self.endRemoveRows()
        else:
            self.beginInsertRows(QModelIndex(), first, last)
            self._lines[first:first] = group.records
            self.endInsertRows()
        header = self.index(row, 0)
        self.dataChanged.emit(header, header)

    # --- lookups ---------------------------------------------------------------------------------

    def row_of(self, record_id: int) -> int | None:
        """The line of a loaded, unfolded record."""
        if self._rows is None:
            self._rows = {
                line.id: row for row, line in enumerate(self._lines) if not isinstance(line, _Day)
            }
        return self._rows.get(record_id)

    def summary(self, record_id: int) -> RecordSummary | None:
        """The loaded summary of a record."""
        return self._summaries.get(record_id)

    def record_id(self, index: AnyIndex) -> int | None:
        """The record of a row (None for a day header)."""
        line = self._line(index)
        return None if line is None or isinstance(line, _Day) else line.id

    def record_ids(self) -> list[int]:
        """Every loaded record, top to bottom (folded days included)."""
        return [record.id for day in self._days for record in day.records]

    def day_titles(self) -> list[str]:
        return [day.title for day in self._days]

    def day_rows(self) -> list[int]:
        """The lines of the day headers."""
        return [row for row, line in enumerate(self._lines) if isinstance(line, _Day)]

    def day_record_ids(self, row: int) -> list[int]:
        """The records under the day header at ``row``."""
        line = self._lines[row] if 0 <= row < len(self._lines) else None
        return [r.id for r in line.records] if isinstance(line, _Day) else []

    def is_folded(self, row: int) -> bool:
        line = self._lines[row] if 0 <= row < len(self._lines) else None
        return isinstance(line, _Day) and line.folded

    def _day_of(self, summary: RecordSummary) -> int:
        """The position in ``_days`` of a loaded record's day."""
        day = _local_day(summary.created_ts)
        return next(n for n, group in enumerate(self._days) if group.day == day)

    def _day_line(self, at: int) -> int:
        """The line of the header of ``self._days[at]`` (the end when ``at`` is past the last)."""
        return sum(1 + (0 if d.folded else len(d.records)) for d in self._days[:at])

    def _day_title(self, day: date) -> str:
        return self.look.day_title(day, self._today)

    def _line(self, index: AnyIndex) -> _Line | None:
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        return self._lines[index.row()]

    # --- Qt's model API --------------------------------------------------------------------------

    def index(self, row: int, column: int, parent: AnyIndex = _ROOT) -> QModelIndex:
        if parent.isValid() or not 0 <= row < len(self._lines) or not 0 <= column < COLUMN_COUNT:
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, index: AnyIndex | None = None) -> QModelIndex:  # type: ignore[override]
        return QModelIndex()

    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else COLUMN_COUNT

    def hasChildren(self, parent: AnyIndex = _ROOT) -> bool:
        return not parent.isValid()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.look.texts.headers[section] if 0 <= section < COLUMN_COUNT else None
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        line = self._line(index)
        if line is None:
            return _NO_FLAGS
        if isinstance(line, _Day):
            return _DAY_FLAGS
        return _TITLE_FLAGS if index.column() == TITLE_COLUMN else _RECORD_FLAGS

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        line = self._line(index)
        if line is None:
            return None
        if isinstance(line, _Day):
            return self.look.day(line.day, line.title, line.folded, index.column(), role)
        return self.look.record(line, index.column(), role)

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """An inline rename (the panel checks and stores it)."""
        line = self._line(index)
        if role != Qt.ItemDataRole.EditRole or index.column() != TITLE_COLUMN:
            return False
        if line is None or isinstance(line, _Day):
            return False
        return self._rename(line.id, str(value))


def _local_day(timestamp: float) -> date:
    return datetime.fromtimestamp(timestamp).date()
