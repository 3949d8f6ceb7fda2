"""The history panel: past generations grouped by day, with search, filters and record actions.

A view (a QTableView) over :class:`~assistant.ui.history_model.HistoryModel`, which reads the
store off the GUI thread: the first page when the filters change, the next one when the list is
scrolled to its end, one record when it changed (:meth:`HistoryPanel.record_changed`). Deleting
is soft and can be undone for a few seconds. The panel never opens a modal box: store errors and
export results show in a line inside it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from functools import partial
from pathlib import Path
from typing import Final, TypeVar

from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFileDialog,
    QVBoxLayout,
    QWidget,
)

from assistant.core.storage import export
from assistant.core.storage.history import HistoryError, HistoryStore, Record, RecordSummary
from assistant.ui.history_actions import history_actions
from assistant.ui.history_bars import UndoBar, notice_label, problem_label
from assistant.ui.history_export import export_notice, open_export_dialog
from assistant.ui.history_filters import HistoryFilters
from assistant.ui.history_list import HistoryList
from assistant.ui.history_model import HistoryModel
from assistant.ui.history_rows import TITLE_COLUMN, row_texts

PAGE_SIZE: Final = 200
REFRESH_PAGES: Final = 5


T = TypeVar("T")


class HistoryPanel(QWidget):
    """Past generations: search, filter, open, star, rename, delete (with undo), export, copy."""

    sig_open = Signal(int)
    """The person asked to reopen the record with this id (Enter or double-click)."""

    sig_changed = Signal()
    """Records were renamed, starred, deleted or restored from this panel."""

    def __init__(
        self,
        store: HistoryStore,
        mode_titles: dict[str, str],
        parent: QWidget | None = None,
        *,
        page_size: int = PAGE_SIZE,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("historyPanel")
        self.store = store
        self.mode_titles = dict(mode_titles)
        self.page_size = max(1, page_size)
        self._undo: list[RecordSummary] = []
        self.export_dialog: QFileDialog | None = None
        self.model = HistoryModel(
            store,
            row_texts(self.mode_titles),
            self.rename_record,
            page_size=self.page_size,
            parent=self,
        )

        self._build_filters()
        self._build_view()
        self._build_actions()
        self._build_bars()
        self._build_layout()
        self.model.sig_error.connect(lambda text: self._notify(text, error=True))
        self.reload()

    # --- construction ---------------------------------------------------------------------------

    def _build_filters(self) -> None:
        self.filters = HistoryFilters(self.mode_titles)
        self.search_edit = self.filters.search_edit
        self.mode_combo = self.filters.mode_combo
        self.starred_check = self.filters.starred_check
        self.filters.sig_changed.connect(self.reload)

    def _build_view(self) -> None:
        self.view = HistoryList(self.model)
        self.view.setObjectName("historyList")
        self.view.setAccessibleName(self.tr("History"))
        self.view.activated.connect(self._activated)
        self.filters.sig_down.connect(self.view.take_keyboard)
        self.view.selectionModel().selectionChanged.connect(self._update_actions)
        self.model.modelReset.connect(self._update_actions)
        self.model.sig_loaded.connect(self._update_actions)

    def _build_actions(self) -> None:
        made = history_actions(self)
        self.open_action, self.star_action = made.open, made.star
        self.rename_action, self.delete_action = made.rename, made.delete
        self.export_action, self.copy_action = made.export, made.copy
        self.undo_action, self.search_action = made.undo, made.search
        self.toolbar = made.toolbar

    def _build_bars(self) -> None:
        self.problem_label = problem_label()
        self.notice_label = notice_label()
        self.undo_bar = UndoBar()
        self.undo_label, self.undo_button = self.undo_bar.label, self.undo_bar.button
        self.undo_bar.sig_undo.connect(self.undo_delete)
        self.undo_bar.sig_expired.connect(self._forget_undo)

    def _build_layout(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.filters)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.undo_bar)
        layout.addWidget(self.notice_label)

    # --- public API -----------------------------------------------------------------------------

    @Slot()
    def focus_search(self) -> None:
        """Put the cursor in the search box, its text selected."""
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    @Slot()
    def refresh(self) -> None:
        """Read again what is shown (as many records as now, up to a few pages; filing tens of
        thousands again at once would stall the GUI), keeping the selection."""
        self._show_problem()
        shown = len(self.model.record_ids())
        self.model.reload(self.filters.query(), min(shown, REFRESH_PAGES * self.page_size))

    @Slot()
    def reload(self) -> None:
        """Show the first page again (the filters changed)."""
        self.filters.search_timer.stop()
        self._show_problem()
        self.model.reload(self.filters.query())

    @Slot(int)
    def record_changed(self, record_id: int) -> None:
        """A record was written elsewhere (a run ended): update, add or drop its row alone."""
        self.model.refresh_record(record_id)

    @Slot()
    def load_more(self) -> bool:
        """Start loading the next page; False when everything is already shown."""
        if not self.model.has_more:
            return False
        self.model.fetchMore(QModelIndex())
        return True

    @property
    def has_more(self) -> bool:
        """Whether more records match than are shown."""
        return self.model.has_more

    @property
    def loading(self) -> bool:
        """Whether a read of the store is on its way (the list will change when it arrives)."""
        return self.model.busy

    def shown_ids(self) -> list[int]:
        """Ids of the records in the list, top to bottom."""
        return self.model.record_ids()

    def day_titles(self) -> list[str]:
        """The day headers, top to bottom."""
        return self.model.day_titles()

    def index_for(self, record_id: int, column: int = TITLE_COLUMN) -> QModelIndex:
        """The list cell of a shown record (invalid if it is not shown)."""
        return self.view.index_for(record_id, column)

    def selected_ids(self) -> list[int]:
        """Ids of the selected records, top to bottom."""
        return self.view.selected_ids()

    def current_id(self) -> int | None:
        return self.view.current_id()

    def select_record(self, record_id: int) -> bool:
        """Select and show a record, loading the pages before it if needed; False if not listed."""
        try:
            if not self.model.load_through(record_id):
                return False
        except HistoryError as exc:
            self._notify(str(exc), error=True)
            return False
        self.view.select_ids([record_id], record_id)
        return True

    def selected_records(self) -> list[Record]:
        """The selected records, read fresh from the store with their follow-ups (exports)."""
        from assistant.core.storage.threads import ThreadStore

        records = []
        for record_id in self.selected_ids():
            record = self._read(partial(self.store.get, record_id), None)
            if record is not None:
                records.append(self._read(partial(ThreadStore(self.store).attach, record), record))
        return records

    # --- actions --------------------------------------------------------------------------------

    @Slot()
    def open_selected(self) -> None:
        """Reopen the current record (emits :attr:`sig_open`)."""
        record_id = self.current_id()
        if record_id is None or record_id not in self.selected_ids():
            ids = self.selected_ids()
            record_id = ids[0] if ids else None
        if record_id is not None:
            self.sig_open.emit(record_id)

    @Slot()
    def toggle_star(self) -> None:
        """Star the selected records, or unstar them if all are starred."""
        ids = self.selected_ids()
        if not ids:
            return
        star = not all(self._starred(rid) for rid in ids)
        if not self._each(ids, lambda rid: self.store.star(rid, star)):
            return
        for record_id in ids:
            self.model.change(record_id, starred=star)
        if not star and self.starred_check.isChecked():
            self.model.remove_records(ids)
        self._update_actions()
        self.sig_changed.emit()

    @Slot()
    def rename_selected(self) -> None:
        """Edit the title of the current record in place (Enter saves, Escape cancels)."""
        record_id = self.current_id()
        index = QModelIndex() if record_id is None else self.index_for(record_id)
        if index.isValid():
            self.view.scrollTo(index)
            self.view.edit(index)

    def rename_record(self, record_id: int, title: str) -> bool:
        """Give a record a new title (blank titles are refused)."""
        title = " ".join(title.split())
        if not title or not self._try(lambda: self.store.rename(record_id, title)):
            return False
        self.model.change(record_id, title=title)
        self.sig_changed.emit()
        return True

    @Slot()
    def delete_selected(self) -> None:
        """Delete the selected records; they can be restored with Undo for a few seconds."""
        ids = self.selected_ids()
        if not ids:
            return
        titles = [self._title_of(rid) for rid in ids]
        neighbour = self._neighbour_of(ids)
        summaries = [s for s in map(self.model.summary, ids) if s is not None]
        if not self._each(ids, self.store.delete):
            self.refresh()
            return
        self._undo = summaries
        self.model.remove_records(ids)
        if len(ids) == 1:
            text = self.tr("Deleted “{title}”.").replace("{title}", titles[0])
        else:
            text = self.tr("Deleted %n record(s).", "", len(ids))
        self.undo_bar.offer(text)
        self.undo_action.setEnabled(True)
        if neighbour is not None:
            self.select_record(neighbour)
        self.sig_changed.emit()

    @Slot()
    def undo_delete(self) -> None:
        """Restore the records deleted last (while the Undo bar is shown)."""
        summaries = self._undo
        if not summaries:
            return
        self._forget_undo()
        ids = [s.id for s in summaries]
        if not self._each(ids, self.store.undelete):
            return
        query = self.model.query
        if query.searching:  # whether they match the words: the store says, in the background
            for record_id in ids:
                self.model.refresh_record(record_id)
        else:
            self.model.insert_records(
                s
                for s in summaries
                if query.mode in (None, s.mode) and (s.starred or not query.starred_only)
            )
        self.view.select_ids(ids, ids[0])
        self.sig_changed.emit()

    @Slot()
    def export_selected(self) -> None:
        """Ask where to save the selected records (Markdown, HTML or text), then save them."""
        ids = self.selected_ids()
        if ids:
            self.export_dialog = open_export_dialog(self, self._title_of(ids[0]), self.export_to)

    def export_to(self, path: Path, fmt: str | None = None) -> bool:
        """Write the selected records to ``path``; the format comes from its suffix, else ``fmt``.

        The outcome (or the error) is shown in the panel's notice line.
        """
        records = self.selected_records()
        if not records:
            return False
        text, error = export_notice(path, records, fmt)
        self._notify(text, error=error)
        return not error

    @Slot()
    def copy_markdown(self) -> None:
        """Put the selected records on the clipboard as Markdown."""
        records = self.selected_records()
        if records:
            QGuiApplication.clipboard().setText(export.to_markdown(records))
            self._notify(self.tr("Copied %n record(s) as Markdown.", "", len(records)))

    # --- reactions ------------------------------------------------------------------------------

    def _day_title(self, day: date, today: date) -> str:
        return self.model.look.day_title(day, today)

    @Slot(QModelIndex)
    def _activated(self, index: QModelIndex) -> None:
        record_id = self.model.record_id(index)
        if record_id is not None:
            self.sig_open.emit(record_id)

    @Slot()
    def _update_actions(self) -> None:
        ids = self.selected_ids()
        for action in (self.star_action, self.delete_action, self.export_action, self.copy_action):
            action.setEnabled(bool(ids))
        self.open_action.setEnabled(len(ids) == 1)
        self.rename_action.setEnabled(len(ids) == 1)
        all_starred = bool(ids) and all(self._starred(rid) for rid in ids)
        self.star_action.setText(self.tr("Unstar") if all_starred else self.tr("Star"))

    @Slot()
    def _forget_undo(self) -> None:
        self._undo = []
        self.undo_bar.withdraw()
        self.undo_action.setEnabled(False)

    # --- helpers --------------------------------------------------------------------------------

    def _title_of(self, record_id: int) -> str:
        summary = self.model.summary(record_id)
        if summary is None:
            return ""
        return summary.title or self.mode_titles.get(summary.mode, summary.mode)

    def _starred(self, record_id: int) -> bool:
        summary = self.model.summary(record_id)
        return summary is not None and summary.starred

    def _neighbour_of(self, ids: Sequence[int]) -> int | None:
        """The record shown after the last of ``ids`` (else before the first), to select next."""
        order = self.shown_ids()
        gone = set(ids)
        last = max(order.index(rid) for rid in ids)
        after = [rid for rid in order[last + 1 :] if rid not in gone]
        before = [rid for rid in order[:last] if rid not in gone]
        return after[0] if after else (before[-1] if before else None)

    def _show_problem(self) -> None:
        problem = self.store.problem
        self.problem_label.setText(problem or "")
        self.problem_label.setVisible(bool(problem))

    def _notify(self, text: str, *, error: bool = False) -> None:
        self.notice_label.setText(text)
        self.notice_label.setStyleSheet("color: #c62828;" if error else "")
        self.notice_label.setVisible(bool(text))

    def _try(self, call: Callable[[], object]) -> bool:
        """Run a store call; a :class:`HistoryError` is shown in the panel and gives False."""
        try:
            call()
        except HistoryError as exc:
            self._notify(str(exc), error=True)
            return False
        return True

    def _each(self, ids: Iterable[int], call: Callable[[int], None]) -> bool:
        """Apply a store call to each id; stops and shows the error on a :class:`HistoryError`."""

        def run() -> None:
            for rid in ids:
                call(rid)

        return self._try(run)

    def _read(self, call: Callable[[], T], default: T) -> T:
        """A store read; on a :class:`HistoryError` the error is shown and ``default`` returned."""
        try:
            return call()
        except HistoryError as exc:
            self._notify(str(exc), error=True)
            return default
