"""The history dock (Ctrl+H): the history panel in a dock, built the first time it is shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMainWindow

from assistant.core.storage.history import HistoryStore
from assistant.ui.qt_keys import set_shortcut

if TYPE_CHECKING:
    from assistant.core.work.events import DoneEvent
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
        set_shortcut(self.action, "Ctrl+H")
        self.action.setEnabled(history is not None)
        self.action.toggled.connect(self.show)
        window.addAction(self.action)

    def show(self, shown: bool = True) -> None:
        """Show or hide the dock (search, star, rename, delete, reopen, export)."""
        if self._history is None:
            return
        built = self.dock is None
        if shown and built:
            from PySide6.QtCore import Qt

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
            if not built:  # a new panel reads its first page by itself
                self.panel.refresh()
            self.panel.focus_search()
        self.action.setChecked(shown)

    @Slot(str, object)
    def run_ended(self, _run_id: str, done: DoneEvent) -> None:
        """A run ended: its record's row alone is read again (or added at the top)."""
        if self.panel is not None and done.record_id is not None:
            self.panel.record_changed(done.record_id)
