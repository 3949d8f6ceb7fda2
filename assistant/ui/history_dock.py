"""The history dock (Ctrl+H): the history panel in a dock, built the first time it is shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow

from assistant.core.storage.history import HistoryStore

if TYPE_CHECKING:
    from assistant.ui.history_panel import HistoryPanel


class HistoryDock(QObject):
    """Owns the History action and, once shown, the dock with the history panel."""

    sig_open = Signal(int)
    """(record id) The person asked to bring a past generation back."""

    def __init__(
        self, window: QMainWindow, history: HistoryStore | None, titles: dict[str, str]
    ) -> None:
        super().__init__(window)
        self._window = window
        self._history = history
        self._titles = titles
        self.panel: HistoryPanel | None = None
        self.dock: QDockWidget | None = None
        self.action = QAction(self.tr("History"), window)
        self.action.setCheckable(True)
        self.action.setShortcut(QKeySequence("Ctrl+H"))
        self.action.setEnabled(history is not None)
        self.action.toggled.connect(self.show)
        window.addAction(self.action)

    def show(self, shown: bool = True) -> None:
        """Show or hide the dock (search, star, rename, delete, reopen, export)."""
        if self._history is None:
            return
        if shown and self.dock is None:
            from assistant.ui.history_panel import HistoryPanel

            self.panel = HistoryPanel(self._history, self._titles)
            self.panel.sig_open.connect(self.sig_open)
            dock = QDockWidget(self.tr("History"), self._window)
            dock.setObjectName("historyDock")
            dock.setWidget(self.panel)
            self._window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            dock.visibilityChanged.connect(self.action.setChecked)
            self.dock = dock
        if self.dock is not None:
            self.dock.setVisible(shown)
        if shown and self.panel is not None:
            self.panel.refresh()
            self.panel.focus_search()
        self.action.setChecked(shown)

    def refresh(self) -> None:
        """A record changed (a run ended): show it as it is now."""
        if self.panel is not None:
            self.panel.refresh()
