"""The filters of the history panel: search words, a mode, "starred only", as one HistoryQuery.

Typing waits a moment before announcing the change (Enter does it at once); the mode and the
check box announce it at once. Strings keep the panel's translation context (the catalogue
has them there).
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from assistant.core.storage.history import HistoryQuery

SEARCH_DELAY_MS: Final = 250


class HistoryFilters(QWidget):
    """A search box above a mode choice and a "Starred only" check box."""

    sig_changed = Signal()
    """The query changed (after the typing delay for the search words)."""
    sig_down = Signal()
    """Down was pressed in the search box (the list below takes the keyboard)."""

    def __init__(self, mode_titles: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("historySearch")
        self.search_edit.setPlaceholderText(
            QCoreApplication.translate("HistoryPanel", "Search history")
        )
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName(
            QCoreApplication.translate("HistoryPanel", "Search history")
        )
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.sig_changed)
        self.search_edit.textChanged.connect(self.search_timer.start)
        self.search_edit.returnPressed.connect(self._search_now)
        self.search_edit.installEventFilter(self)

        self.mode_combo = QComboBox()
        self.mode_combo.setObjectName("historyMode")
        self.mode_combo.setAccessibleName(
            QCoreApplication.translate("HistoryPanel", "Filter by mode")
        )
        self.mode_combo.addItem(QCoreApplication.translate("HistoryPanel", "All modes"), None)
        for mode_id, title in mode_titles.items():
            self.mode_combo.addItem(title, mode_id)
        self.mode_combo.currentIndexChanged.connect(self.sig_changed)

        self.starred_check = QCheckBox(QCoreApplication.translate("HistoryPanel", "Starred only"))
        self.starred_check.setObjectName("historyStarred")
        self.starred_check.toggled.connect(self.sig_changed)

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.mode_combo, 1)
        row.addWidget(self.starred_check)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.search_edit)
        layout.addLayout(row)

    def query(self) -> HistoryQuery:
        """What the list should show now."""
        return HistoryQuery(
            self.search_edit.text().strip(),
            self.mode_combo.currentData(),
            self.starred_check.isChecked(),
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down in the search box goes to the list, as in a search field with results."""
        if watched is self.search_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Down and not event.modifiers():
                self._search_now()
                self.sig_down.emit()
                return True
        return False

    @Slot()
    def _search_now(self) -> None:
        if self.search_timer.isActive():
            self.search_timer.stop()
            self.sig_changed.emit()
