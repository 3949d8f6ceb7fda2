"""The list of the history panel: a table view of day headers and records over a HistoryModel.

A table rather than a tree: QTreeView lays out every loaded row again on each insertion (a page
at 40 000 loaded rows took seconds here), a table only shifts its row sections. Day headers span
the row; a click on one folds or unfolds its day. Rows have one fixed height and the small
columns fixed widths, since sizing to contents would read every loaded row. The selection and the
current record are kept when the model is reloaded.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt, Slot
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from assistant.ui.history_model import HistoryModel
from assistant.ui.history_rows import (
    COLUMN_COUNT,
    MODE_COLUMN,
    STAR,
    STATUS_COLUMN,
    TIME_COLUMN,
    TITLE_COLUMN,
)


class HistoryList(QTableView):
    """Day headers and records, newest first; extended row selection; no grid."""

    def __init__(self, model: HistoryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history = model
        self._kept: tuple[list[int], int | None] = ([], None)
        self.setModel(model)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.setTabKeyNavigation(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        self._size_columns()
        self.clicked.connect(self._clicked)
        model.modelAboutToBeReset.connect(self._remember_selection)
        model.modelReset.connect(self._after_reset)
        model.rowsInserted.connect(self._span_days)

    def _size_columns(self) -> None:
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(TITLE_COLUMN, QHeaderView.ResizeMode.Stretch)
        texts, width = self.history.look.texts, self.fontMetrics().horizontalAdvance
        widths = {
            MODE_COLUMN: max((width(title) for title in texts.mode_titles.values()), default=0),
            TIME_COLUMN: width("00:00 PM"),
            STATUS_COLUMN: max(width(f"{STAR} {badge}") for badge in texts.badges.values()),
        }
        for column, pixels in widths.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, pixels + 16)

    def index_for(self, record_id: int, column: int = TITLE_COLUMN) -> QModelIndex:
        """The cell of a shown record (invalid if it is not shown)."""
        row = self.history.row_of(record_id)
        return QModelIndex() if row is None else self.history.index(row, column)

    def selected_ids(self) -> list[int]:
        """Ids of the selected records, top to bottom."""
        rows = sorted(index.row() for index in self.selectionModel().selectedRows())
        ids = [self.history.record_id(self.history.index(row, 0)) for row in rows]
        return [record_id for record_id in ids if record_id is not None]

    def current_id(self) -> int | None:
        return self.history.record_id(self.currentIndex())

    def select_ids(self, ids: Sequence[int], current: int | None, *, scroll: bool = True) -> None:
        """Select the shown ones of ``ids`` and move the cursor to ``current``.

        (``setCurrentIndex`` with a selection flag would read the modifiers of the key being
        handled: Ctrl toggles.)
        """
        selection = QItemSelection()
        for record_id in ids:
            index = self.index_for(record_id)
            if index.isValid():
                selection.select(index, index.siblingAtColumn(COLUMN_COUNT - 1))
        flags = QItemSelectionModel.SelectionFlag
        chosen = self.selectionModel()
        chosen.select(selection, flags.ClearAndSelect | flags.Rows)
        index = QModelIndex() if current is None else self.index_for(current)
        if index.isValid():
            chosen.setCurrentIndex(index, flags.NoUpdate)
            if scroll:
                self.scrollTo(index)

    @Slot()
    def take_keyboard(self) -> None:
        """Focus the list on its current record, else the first one (Down in the search box)."""
        current = self.current_id()
        ids = self.history.record_ids()
        if current is None and ids:
            current = ids[0]
            self.select_ids([current], current)
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot(QModelIndex)
    def _clicked(self, index: QModelIndex) -> None:
        """A click on a day header folds or unfolds the day."""
        if index.isValid() and self.history.record_id(index) is None:
            self.history.set_folded(index.row(), not self.history.is_folded(index.row()))

    @Slot()
    def _remember_selection(self) -> None:
        self._kept = (self.selected_ids(), self.current_id())

    @Slot()
    def _after_reset(self) -> None:
        """After a (re)load: headers spanned, the selection and current record kept if shown."""
        self.clearSpans()
        self._span_days(QModelIndex(), 0, self.history.rowCount() - 1)
        selected, current = self._kept
        self.select_ids(selected, current, scroll=False)
        if current is not None and self.history.row_of(current) is not None:
            self.scrollTo(self.index_for(current))
        elif not selected:
            self.scrollToTop()

    @Slot(QModelIndex, int, int)
    def _span_days(self, _parent: QModelIndex, first: int, last: int) -> None:
        """Day headers take the whole width."""
        for row in range(first, last + 1):
            if self.history.record_id(self.history.index(row, 0)) is None:
                self.setSpan(row, 0, 1, COLUMN_COUNT)
