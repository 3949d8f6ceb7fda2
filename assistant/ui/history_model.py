"""The history list as a Qt model: a thin adapter over pages of the history store.

The rows (day headers and records in one flat list, changed in place) are
:class:`~assistant.ui.history_lines.HistoryLines`. Pages are read off the GUI thread by
:class:`~assistant.ui.worker.Worker` jobs on a pool of one thread of the model's own (in order, and
never behind a download on the shared pool): the first page on :meth:`HistoryModel.reload`, the
next ones through ``canFetchMore``/``fetchMore`` when the view reaches the end, each continuing
after the last row loaded. A record that changed is read again alone
(:meth:`HistoryModel.refresh_record`) and its row updated, inserted or removed in place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QThreadPool, Signal

from assistant.core.storage.history import HistoryQuery, HistoryStore, RecordSummary
from assistant.ui.history_lines import AnyIndex, HistoryLines
from assistant.ui.history_rows import RowTexts
from assistant.ui.worker import Worker


class HistoryModel(HistoryLines):
    """Day headers and record rows of the history; loads pages in the background."""

    sig_loaded = Signal()
    """A background read (a page, one record) was applied; ``busy`` may now be False."""
    sig_error = Signal(str)
    """A background read failed; the text is for people."""

    def __init__(
        self,
        store: HistoryStore,
        texts: RowTexts,
        rename: Callable[[int, str], bool],
        *,
        page_size: int,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(texts, rename, parent)
        self.store = store
        self.page_size = max(1, page_size)
        self.query = HistoryQuery()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._generation = 0
        self._fetching = False
        self._resetting = False
        self._pending = 0

    # --- loading ---------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """True while a background read is on its way."""
        return self._pending > 0

    @property
    def has_more(self) -> bool:
        """Whether more records match than are loaded."""
        return not self._exhausted

    def reload(self, query: HistoryQuery, count: int | None = None) -> None:
        """Show the first ``count`` (default: a page) records matching ``query``, read anew."""
        self.query = query
        self._generation += 1
        self._fetching = self._resetting = True
        limit = max(self.page_size, count or 0)
        self._start(
            lambda: self.store.summaries(query, limit + 1),
            lambda found: self._replace_all(found, limit),
        )

    def canFetchMore(self, parent: AnyIndex) -> bool:
        return not parent.isValid() and not self._exhausted and not self._fetching

    def fetchMore(self, parent: AnyIndex) -> None:
        """Load the next page in the background (the view asks when its end is shown)."""
        if not self.canFetchMore(parent):
            return
        self._fetching = True
        query, after, limit = self.query, self._last_key(), self.page_size
        self._start(
            lambda: self.store.summaries(query, limit + 1, after=after),
            lambda found: self._append_page(found, limit),
        )

    def load_through(self, record_id: int) -> bool:
        """Load every page down to a record at once (an explicit jump); False if it is not listed.

        Indexed reads on the calling thread: the record, the rows down to it, one row after it.
        A first page still on its way (the filters just changed) is read here instead.
        """
        resetting = self._resetting
        if not resetting and self.row_of(record_id) is not None:
            return True
        if not resetting and self._exhausted:
            return False
        query = self.query
        target = self.store.summary(record_id, query)
        if target is None:
            return False
        self._generation += 1  # a page on its way would now overlap
        after = None if resetting else self._last_key()
        rows = self.store.summaries(query, None, after=after, through=target.order_key)
        if resetting:
            self._replace_all(rows, len(rows))
        else:
            self._fetching = False
            self._append(rows)
        self._exhausted = not self.store.summaries(query, 1, after=target.order_key)
        return self.row_of(record_id) is not None

    def refresh_record(self, record_id: int) -> None:
        """Read one record again in the background and update, insert or remove its row."""
        query = self.query
        self._start(
            lambda: self.store.summary(record_id, query),
            lambda found: self._apply_record(record_id, found),
        )

    def _start(self, read: Callable[[], Any], apply: Callable[[Any], None]) -> None:
        """Run ``read`` on the model's thread; ``apply`` its result unless the list was read
        anew meanwhile (then that read shows the store as it is)."""
        generation = self._generation
        self._pending += 1

        def done(result: Any) -> None:
            self._pending -= 1
            if generation == self._generation:
                apply(result)
            self.sig_loaded.emit()

        def failed(error: Exception) -> None:
            self._pending -= 1
            if generation == self._generation:
                self._fetching = False
            self.sig_error.emit(str(error))
            self.sig_loaded.emit()

        worker = Worker(lambda _report, _abort: read(), self, pool=self._pool)
        worker.sig_returned.connect(done)
        worker.sig_errored.connect(failed)
        worker.sig_finished.connect(worker.deleteLater)
        worker.start()

    def _replace_all(self, found: list[RecordSummary], limit: int) -> None:
        self._fetching = self._resetting = False
        self._exhausted = len(found) <= limit
        self._today = date.today()
        self.beginResetModel()
        self._days, self._lines, self._summaries, self._rows = [], [], {}, {}
        self._push(self._add_days(found[:limit]))
        self.endResetModel()

    def _append_page(self, found: list[RecordSummary], limit: int) -> None:
        self._fetching = False
        self._exhausted = len(found) <= limit
        self._append(found[:limit])

    def _append(self, found: Sequence[RecordSummary]) -> None:
        """Add rows older than every loaded one (their lines all go at the end)."""
        lines = self._add_days([s for s in found if s.id not in self._summaries])
        if lines:
            first = len(self._lines)
            self.beginInsertRows(QModelIndex(), first, first + len(lines) - 1)
            self._push(lines)
            self.endInsertRows()

    def _apply_record(self, record_id: int, found: RecordSummary | None) -> None:
        if found is None:
            self.remove_records([record_id])
        elif record_id in self._summaries:
            self.update_record(found)
        else:
            self.insert_records([found])
