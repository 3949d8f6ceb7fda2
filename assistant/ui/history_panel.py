"""The history panel: past generations grouped by day, with search, filters and record actions.

A view over the history store. Records load a page at a time (more
when the list is scrolled to the bottom). Deleting is soft and can be undone for a few seconds.
The panel never opens a modal box: store errors and export results show in a line inside it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Final, TypeVar

from PySide6.QtCore import QDate, QItemSelectionModel, QLocale, Qt, QTime, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assistant.core.storage import export
from assistant.core.storage.history import (
    HistoryError,
    HistoryStore,
    Record,
    describe_error,
)
from assistant.core.work.runs import RunStatus

PAGE_SIZE: Final = 200
SEARCH_DELAY_MS: Final = 250
UNDO_MS: Final = 10_000
TOOLTIP_CHARS: Final = 300

TITLE_COLUMN: Final = 0
MODE_COLUMN: Final = 1
TIME_COLUMN: Final = 2
STATUS_COLUMN: Final = 3

RECORD_ID_ROLE: Final = int(Qt.ItemDataRole.UserRole)
DAY_ROLE: Final = RECORD_ID_ROLE + 1
STAR: Final = "★"

_SUFFIX_FORMATS: Final = {
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".txt": "txt",
}
_INTERRUPTED_BACKGROUND: Final = QColor("#f59e0b")
_INTERRUPTED_FOREGROUND: Final = QColor("#1f1300")
_FAILED_FOREGROUND: Final = QColor("#c62828")

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
        self._items: dict[int, QTreeWidgetItem] = {}
        self._days: dict[date, QTreeWidgetItem] = {}
        self._fetched = 0
        self._has_more = False
        self._undo_ids: list[int] = []
        self._collapsed: set[date] = set()
        self._filling = False
        self.export_dialog: QFileDialog | None = None

        self._build_filters()
        self._build_tree()
        self._build_actions()
        self._build_bars()
        self._build_layout()
        self.refresh()

    # --- construction ---------------------------------------------------------------------------

    def _build_filters(self) -> None:
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("historySearch")
        self.search_edit.setPlaceholderText(self.tr("Search history"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName(self.tr("Search history"))
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.reload)
        self.search_edit.textChanged.connect(self._search_timer.start)
        self.search_edit.returnPressed.connect(self._search_now)

        self.mode_combo = QComboBox()
        self.mode_combo.setObjectName("historyMode")
        self.mode_combo.setAccessibleName(self.tr("Filter by mode"))
        self.mode_combo.addItem(self.tr("All modes"), None)
        for mode_id, title in self.mode_titles.items():
            self.mode_combo.addItem(title, mode_id)
        self.mode_combo.currentIndexChanged.connect(self.reload)

        self.starred_check = QCheckBox(self.tr("Starred only"))
        self.starred_check.setObjectName("historyStarred")
        self.starred_check.toggled.connect(self.reload)

    def _build_tree(self) -> None:
        self.tree = QTreeWidget()
        self.tree.setObjectName("historyList")
        self.tree.setAccessibleName(self.tr("History"))
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels([self.tr("Title"), self.tr("Mode"), self.tr("Time"), ""])
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(0)
        self.tree.setUniformRowHeights(True)
        self.tree.setAllColumnsShowFocus(True)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(TITLE_COLUMN, QHeaderView.ResizeMode.Stretch)
        for column in (MODE_COLUMN, TIME_COLUMN, STATUS_COLUMN):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemActivated.connect(self._item_activated)
        self.tree.itemChanged.connect(self._item_edited)
        self.tree.itemSelectionChanged.connect(self._update_actions)
        self.tree.itemCollapsed.connect(lambda item: self._remember_folded(item, True))
        self.tree.itemExpanded.connect(lambda item: self._remember_folded(item, False))
        self.tree.verticalScrollBar().valueChanged.connect(self._scrolled)

    def _action(
        self,
        text: str,
        slot: Callable[[], None],
        keys: Sequence[QKeySequence | QKeySequence.StandardKey | str] = (),
        on: QWidget | None = None,
    ) -> QAction:
        """An action with shortcuts that only work while ``on`` (default: the list) has focus."""
        action = QAction(text, self)
        action.triggered.connect(slot)
        if keys:
            action.setShortcuts([QKeySequence(k) for k in keys])
            hints = ", ".join(
                QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in keys[:1]
            )
            action.setToolTip(f"{text.rstrip('…')} ({hints})")
        target = on or self.tree
        action.setShortcutContext(
            Qt.ShortcutContext.WidgetShortcut
            if target is self.tree
            else Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        target.addAction(action)
        return action

    def _build_actions(self) -> None:
        key = Qt.Key
        self.open_action = self._action(self.tr("Open"), self.open_selected)
        self.open_action.setToolTip(self.tr("Open in the editor (Enter)"))
        self.star_action = self._action(self.tr("Star"), self.toggle_star, ["Ctrl+D"])
        self.rename_action = self._action(
            self.tr("Rename"), self.rename_selected, [QKeySequence(key.Key_F2)]
        )
        self.delete_action = self._action(
            self.tr("Delete"), self.delete_selected, [QKeySequence(key.Key_Delete)]
        )
        separator = QAction(self)
        separator.setSeparator(True)
        self.tree.addAction(separator)
        self.export_action = self._action(self.tr("Export…"), self.export_selected)
        self.export_action.setToolTip(self.tr("Export the selected records to a file"))
        self.copy_action = self._action(self.tr("Copy as Markdown"), self.copy_markdown)
        self.undo_action = self._action(
            self.tr("Undo delete"), self.undo_delete, [QKeySequence.StandardKey.Undo], on=self
        )
        self.undo_action.setEnabled(False)
        # Only while the panel is visible (hidden widgets' shortcuts are off).
        self.search_action = QAction(self.tr("Search history"), self)
        self.search_action.setShortcut(QKeySequence.StandardKey.Find)
        self.search_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.search_action.triggered.connect(self.focus_search)
        self.addAction(self.search_action)

        self.toolbar = QToolBar()
        self.toolbar.setObjectName("historyToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (
            self.open_action,
            self.star_action,
            self.rename_action,
            self.delete_action,
            self.export_action,
            self.copy_action,
        ):
            self.toolbar.addAction(action)

    def _build_bars(self) -> None:
        self.problem_label = QLabel()
        self.problem_label.setObjectName("historyProblem")
        self.problem_label.setWordWrap(True)
        self.problem_label.setTextFormat(Qt.TextFormat.PlainText)
        self.problem_label.setStyleSheet(
            "QLabel { background: #fff4ce; color: #3b2f00; border: 1px solid #e0c060;"
            " border-radius: 4px; padding: 4px; }"
        )
        self.problem_label.hide()

        self.notice_label = QLabel()
        self.notice_label.setObjectName("historyNotice")
        self.notice_label.setWordWrap(True)
        self.notice_label.setTextFormat(Qt.TextFormat.PlainText)
        self.notice_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice_label.hide()

        self.undo_bar = QFrame()
        self.undo_bar.setObjectName("historyUndoBar")
        self.undo_bar.setFrameShape(QFrame.Shape.StyledPanel)
        self.undo_label = QLabel()
        self.undo_label.setTextFormat(Qt.TextFormat.PlainText)
        self.undo_button = QPushButton(self.tr("Undo"))
        self.undo_button.setToolTip(self.tr("Bring the deleted records back (Ctrl+Z)"))
        self.undo_button.clicked.connect(self.undo_delete)
        undo_row = QHBoxLayout(self.undo_bar)
        undo_row.setContentsMargins(6, 2, 2, 2)
        undo_row.addWidget(self.undo_label, 1)
        undo_row.addWidget(self.undo_button)
        self.undo_bar.hide()
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.setInterval(UNDO_MS)
        self._undo_timer.timeout.connect(self._forget_undo)

    def _build_layout(self) -> None:
        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.mode_combo, 1)
        filters.addWidget(self.starred_check)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.search_edit)
        layout.addLayout(filters)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.tree, 1)
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
        """Reload what is shown (as many records as now), keeping the selection and scroll."""
        self._show_problem()
        selected = self.selected_ids()
        current = self.current_id()
        scroll = self.tree.verticalScrollBar().value()
        self._load(max(self.page_size, self._fetched), selected, current)
        self.tree.verticalScrollBar().setValue(scroll)

    @Slot()
    def reload(self) -> None:
        """Reload from the first page (the filters changed)."""
        self._search_timer.stop()
        self._show_problem()
        self._load(self.page_size, self.selected_ids(), self.current_id())
        self.tree.scrollToTop()

    @Slot()
    def load_more(self) -> bool:
        """Append the next page; False when everything is already shown."""
        if not self._has_more:
            return False
        records = self._fetch(self._fetched, self.page_size)
        self._fill(records, clear=False)
        return True

    @property
    def has_more(self) -> bool:
        """Whether more records match than are shown."""
        return self._has_more

    def shown_ids(self) -> list[int]:
        """Ids of the records in the list, top to bottom."""
        return list(self._items)  # filled top to bottom

    def day_titles(self) -> list[str]:
        """The day headers, top to bottom."""
        return [item.text(TITLE_COLUMN) for item in self._days.values()]

    def item_for(self, record_id: int) -> QTreeWidgetItem | None:
        """The list row of a shown record."""
        return self._items.get(record_id)

    def selected_ids(self) -> list[int]:
        """Ids of the selected records, top to bottom."""
        chosen = {id(item) for item in self.tree.selectedItems()}
        return [rid for rid, item in self._items.items() if id(item) in chosen]

    def current_id(self) -> int | None:
        item = self.tree.currentItem()
        value = None if item is None else item.data(TITLE_COLUMN, RECORD_ID_ROLE)
        return None if value is None else int(value)

    def select_record(self, record_id: int) -> bool:
        """Select and show a record, loading further pages if needed; False if not listed."""
        while record_id not in self._items and self.load_more():
            pass
        item = self._items.get(record_id)
        if item is None:
            return False
        self.tree.clearSelection()
        item.setSelected(True)
        self._make_current(item)
        return True

    def selected_records(self) -> list[Record]:
        """The selected records, read fresh from the store."""
        records = []
        for record_id in self.selected_ids():
            record = self._read(partial(self.store.get, record_id), None)
            if record is not None:
                records.append(record)
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
        self.refresh()
        self.sig_changed.emit()

    @Slot()
    def rename_selected(self) -> None:
        """Edit the title of the current record in place (Enter saves, Escape cancels)."""
        record_id = self.current_id()
        item = None if record_id is None else self._items.get(record_id)
        if item is not None:
            self.tree.scrollToItem(item)
            self.tree.editItem(item, TITLE_COLUMN)

    def rename_record(self, record_id: int, title: str) -> bool:
        """Give a record a new title (blank titles are refused)."""
        title = " ".join(title.split())
        if not title or not self._try(lambda: self.store.rename(record_id, title)):
            return False
        self._set_title(record_id, title)
        self.sig_changed.emit()
        return True

    @Slot()
    def delete_selected(self) -> None:
        """Delete the selected records; they can be restored with Undo for a few seconds."""
        ids = self.selected_ids()
        if not ids:
            return
        titles = [self._items[rid].text(TITLE_COLUMN) for rid in ids]
        neighbour = self._neighbour_of(ids)
        if not self._each(ids, self.store.delete):
            self.refresh()
            return
        self._undo_ids = ids
        if len(ids) == 1:
            text = self.tr("Deleted “{title}”.").replace("{title}", titles[0])
        else:
            text = self.tr("Deleted %n record(s).", "", len(ids))
        self.undo_label.setText(text)
        self.undo_label.setToolTip(text)
        self.undo_bar.show()
        self.undo_action.setEnabled(True)
        self._undo_timer.start()
        self.refresh()
        if neighbour is not None:
            self.select_record(neighbour)
        self.sig_changed.emit()

    @Slot()
    def undo_delete(self) -> None:
        """Restore the records deleted last (while the Undo bar is shown)."""
        ids = self._undo_ids
        if not ids:
            return
        self._forget_undo()
        if not self._each(ids, self.store.undelete):
            return
        self.refresh()
        self.tree.clearSelection()
        for rid in ids:
            if rid in self._items:
                self._items[rid].setSelected(True)
        if ids[0] in self._items:
            self._make_current(self._items[ids[0]])
        self.sig_changed.emit()

    @Slot()
    def export_selected(self) -> None:
        """Ask where to save the selected records (Markdown, HTML or text), then save them."""
        if not self.selected_ids():
            return
        dialog = QFileDialog(self, self.tr("Export history"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        filters = {
            self.tr("HTML page (*.html *.htm)"): "html",
            self.tr("Markdown (*.md *.markdown)"): "md",
            self.tr("Text (*.txt)"): "txt",
        }
        dialog.setNameFilters(list(filters))
        dialog.setDefaultSuffix("html")
        dialog.filterSelected.connect(lambda name: dialog.setDefaultSuffix(filters.get(name, "")))
        first = self._items[self.selected_ids()[0]].text(TITLE_COLUMN)
        dialog.selectFile(_safe_filename(first) + ".html")

        def chosen(path: str) -> None:
            self.export_to(Path(path), filters.get(dialog.selectedNameFilter()))

        dialog.fileSelected.connect(chosen)
        dialog.finished.connect(dialog.deleteLater)
        self.export_dialog = dialog
        dialog.open()

    def export_to(self, path: Path, fmt: str | None = None) -> bool:
        """Write the selected records to ``path``; the format comes from its suffix, else ``fmt``.

        The outcome (or the error) is shown in the panel's notice line.
        """
        records = self.selected_records()
        if not records:
            return False
        suffix = path.suffix.lower()
        chosen = _SUFFIX_FORMATS.get(suffix) or fmt or "md"
        try:
            path.write_text(export.render(records, chosen), encoding="utf-8", newline="")
        except (OSError, ValueError) as exc:
            self._notify(
                self.tr("Could not export to {path}: {reason}")
                .replace("{path}", str(path))
                .replace("{reason}", describe_error(exc)),
                error=True,
            )
            return False
        self._notify(self.tr("Exported to {path}").replace("{path}", str(path)))
        return True

    @Slot()
    def copy_markdown(self) -> None:
        """Put the selected records on the clipboard as Markdown."""
        records = self.selected_records()
        if records:
            QGuiApplication.clipboard().setText(export.to_markdown(records))
            self._notify(self.tr("Copied %n record(s) as Markdown.", "", len(records)))

    # --- loading --------------------------------------------------------------------------------

    def _filters(self) -> tuple[str, str | None, bool | None]:
        mode = self.mode_combo.currentData()
        starred = True if self.starred_check.isChecked() else None
        return self.search_edit.text().strip(), mode, starred

    def _fetch(self, offset: int, count: int) -> list[Record]:
        """Up to ``count`` records after the first ``offset`` fetched, under the current filters.

        Search has no starred filter in the store, so starred-only search filters here and
        fetches on until it has a page or nothing is left.
        """
        text, mode, starred = self._filters()
        page: list[Record] = []
        raw: list[Record]
        none: list[Record] = []
        while True:
            if text:
                search = partial(self.store.search, text, mode, limit=offset + count)
                raw = self._read(search, none)[offset:]
            else:
                raw = self._read(
                    partial(self.store.list_records, count, offset, mode, starred), none
                )
            offset += len(raw)
            self._fetched = offset
            self._has_more = len(raw) >= count
            page += [r for r in raw if r.starred or not starred]
            if len(page) >= count or not self._has_more:
                return page

    def _load(self, count: int, selected: Iterable[int], current: int | None) -> None:
        self._fetched = 0
        self._fill(self._fetch(0, count), clear=True)
        for rid in set(selected) & self._items.keys():
            self._items[rid].setSelected(True)
        if current is not None and current in self._items:
            self._make_current(self._items[current], scroll=False)
        self._update_actions()

    def _fill(self, records: Sequence[Record], *, clear: bool) -> None:
        """Show ``records`` (newest first) under their day headers, replacing or appending.

        Rows are built detached and added in bulk, and headers are expanded and spanned once
        laid out: done per item on a live tree, each call re-lays out every row.
        """
        self.tree.blockSignals(True)
        try:
            if clear:
                self.tree.clear()
                self._items.clear()
                self._days.clear()
            today = date.today()
            new_days: list[QTreeWidgetItem] = []
            rows: dict[date, list[QTreeWidgetItem]] = {}
            for record in records:
                day = record.created_at.astimezone().date()
                if day not in self._days:
                    self._days[day] = self._day_item(day, today)
                    new_days.append(self._days[day])
                item = QTreeWidgetItem()
                self._show_record(item, record)
                self._items[record.id] = item
                rows.setdefault(day, []).append(item)
            for day, items in rows.items():
                self._days[day].addChildren(items)
            self.tree.addTopLevelItems(new_days)
            if clear:
                self.tree.expandAll()
                for day in self._collapsed & self._days.keys():
                    self._days[day].setExpanded(False)
            else:
                for header in new_days:
                    header.setExpanded(True)
            for header in new_days:
                header.setFirstColumnSpanned(True)
        finally:
            self.tree.blockSignals(False)
        self._update_actions()

    def _day_item(self, day: date, today: date) -> QTreeWidgetItem:
        item = QTreeWidgetItem()
        item.setText(TITLE_COLUMN, self._day_title(day, today))
        item.setData(TITLE_COLUMN, DAY_ROLE, day.toordinal())
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        font = QFont(self.tree.font())
        font.setBold(True)
        item.setFont(TITLE_COLUMN, font)
        return item

    def _day_title(self, day: date, today: date) -> str:
        if day == today:
            return self.tr("Today")
        if day == today - timedelta(days=1):
            return self.tr("Yesterday")
        return QLocale().toString(
            QDate(day.year, day.month, day.day), QLocale.FormatType.LongFormat
        )

    def _show_record(self, item: QTreeWidgetItem, record: Record) -> None:
        local = record.created_at.astimezone()
        item.setFlags(
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable
        )
        item.setData(TITLE_COLUMN, RECORD_ID_ROLE, record.id)
        item.setText(TITLE_COLUMN, record.title or self._mode_title(record.mode))
        item.setText(MODE_COLUMN, self._mode_title(record.mode))
        item.setText(
            TIME_COLUMN,
            QLocale().toString(QTime(local.hour, local.minute), QLocale.FormatType.ShortFormat),
        )
        badge = self._badge(record.status)
        item.setText(
            STATUS_COLUMN, " ".join(p for p in (STAR if record.starred else "", badge) if p)
        )
        tip = record.answer[:TOOLTIP_CHARS] + ("…" if len(record.answer) > TOOLTIP_CHARS else "")
        if not tip.strip():
            tip = record.error or self.tr("(no answer)")
        for column in range(self.tree.columnCount()):
            item.setToolTip(column, tip)
        if record.status == RunStatus.INTERRUPTED:
            item.setBackground(STATUS_COLUMN, QBrush(_INTERRUPTED_BACKGROUND))
            item.setForeground(STATUS_COLUMN, QBrush(_INTERRUPTED_FOREGROUND))
            font = QFont(self.tree.font())
            font.setBold(True)
            item.setFont(STATUS_COLUMN, font)
            item.setFont(TITLE_COLUMN, font)
            item.setToolTip(
                STATUS_COLUMN,
                self.tr(
                    "The app was closed while this answer was being written; "
                    "the part written so far was kept."
                ),
            )
        elif record.status == RunStatus.FAILED:
            item.setForeground(STATUS_COLUMN, QBrush(_FAILED_FOREGROUND))
            if record.error:
                item.setToolTip(STATUS_COLUMN, record.error)

    def _badge(self, status: str) -> str:
        badges: dict[str, str] = {
            RunStatus.INTERRUPTED: self.tr("interrupted"),
            RunStatus.STOPPED: self.tr("stopped"),
            RunStatus.FAILED: self.tr("failed"),
            RunStatus.STREAMING: self.tr("writing…"),
            RunStatus.CUT_SHORT: self.tr("cut short"),
        }
        return badges.get(status, "")

    # --- reactions ------------------------------------------------------------------------------

    @Slot()
    def _search_now(self) -> None:
        if self._search_timer.isActive():
            self.reload()

    @Slot(QTreeWidgetItem, int)
    def _item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        value = item.data(TITLE_COLUMN, RECORD_ID_ROLE)
        if value is not None:
            self.sig_open.emit(int(value))

    @Slot(QTreeWidgetItem, int)
    def _item_edited(self, item: QTreeWidgetItem, column: int) -> None:
        """An inline rename was committed."""
        value = item.data(TITLE_COLUMN, RECORD_ID_ROLE)
        if column != TITLE_COLUMN or value is None:
            return
        record_id = int(value)
        if not self.rename_record(record_id, item.text(TITLE_COLUMN)):
            record = self._read(lambda: self.store.get(record_id), None)
            if record is not None:  # blank or failed: show the stored title again
                self._set_title(record_id, record.title or self._mode_title(record.mode))

    def _remember_folded(self, item: QTreeWidgetItem, folded: bool) -> None:
        """Keep a day the person folded folded across reloads."""
        value = item.data(TITLE_COLUMN, DAY_ROLE)
        if value is not None:
            day = date.fromordinal(int(value))
            if folded:
                self._collapsed.add(day)
            else:
                self._collapsed.discard(day)

    @Slot(int)
    def _scrolled(self, value: int) -> None:
        bar = self.tree.verticalScrollBar()
        if self._has_more and value >= bar.maximum():
            self.load_more()

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
        self._undo_timer.stop()
        self._undo_ids = []
        self.undo_bar.hide()
        self.undo_action.setEnabled(False)

    # --- helpers --------------------------------------------------------------------------------

    def _make_current(self, item: QTreeWidgetItem, *, scroll: bool = True) -> None:
        """Move the cursor to ``item`` without changing the selection.

        (``setCurrentItem`` would read the modifiers of the key being handled: Ctrl toggles.)
        """
        index = self.tree.indexFromItem(item, TITLE_COLUMN)
        self.tree.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.NoUpdate
        )
        if scroll:
            self.tree.scrollToItem(item)

    def _set_title(self, record_id: int, title: str) -> None:
        item = self._items.get(record_id)
        if item is not None and item.text(TITLE_COLUMN) != title:
            self.tree.blockSignals(True)
            item.setText(TITLE_COLUMN, title)
            self.tree.blockSignals(False)

    def _mode_title(self, mode: str) -> str:
        return self.mode_titles.get(mode, mode)

    def _starred(self, record_id: int) -> bool:
        item = self._items.get(record_id)
        return item is not None and item.text(STATUS_COLUMN).startswith(STAR)

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


def _safe_filename(title: str) -> str:
    """A file name made from a title (no path separators or reserved characters)."""
    cleaned = "".join("_" if ch in '<>:"/\\|?*' or ord(ch) < 32 else ch for ch in title)
    return cleaned.strip(" .")[:60] or "history"
