"""File → Batch…: the action, which opens the batch window when first used (not at start-up)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction

if TYPE_CHECKING:
    from assistant.ui.batch_window import BatchWindow
    from assistant.ui.main_window import MainWindow


def batch_action(window: MainWindow) -> QAction:
    """The menu action; the window is made at the first use and kept (one per main window)."""
    action = QAction(QCoreApplication.translate("MainWindow", "Batch…"), window)
    action.setObjectName("batchAction")
    action.triggered.connect(lambda: open_batch_window(window))
    return action


def open_batch_window(window: MainWindow) -> BatchWindow:
    """Show (and raise) the main window's batch window."""
    from assistant.ui.batch_window import BatchWindow

    batch = window.findChild(BatchWindow, "batchWindow")
    if batch is None:
        services = window.services
        batch = BatchWindow(services.modes, window.settings, services.resolver, window)
    elif not batch.running:
        batch.setup.refresh_providers()  # profiles may have changed since it was opened
    batch.show()
    batch.activateWindow()
    return batch
