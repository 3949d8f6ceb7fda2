"""The window's status bar: a status line, the token count of the run, a busy indicator."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget


class StatusBar(QStatusBar):
    """Shows what the window says (``set_status``) and whether a run is streaming."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status_label = QLabel(self.tr("Ready"))
        self.status_label.setObjectName("statusLabel")
        self.busy = QProgressBar()
        self.busy.setObjectName("busyIndicator")
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setMaximumHeight(14)
        self.busy.setTextVisible(False)
        self.busy.setVisible(False)
        self.tokens_label = QLabel()
        self.tokens_label.setObjectName("tokensLabel")
        self.addWidget(self.status_label, 1)
        self.addPermanentWidget(self.tokens_label)
        self.addPermanentWidget(self.busy)

    @Slot(str)
    def set_status(self, text: str) -> None:
        """Replace the status line."""
        self.status_label.setText(text)

    @Slot(str)
    def set_tokens(self, text: str) -> None:
        """Show the run's token count and rate ("" clears it)."""
        self.tokens_label.setText(text)

    @Slot(bool)
    def set_running(self, running: bool) -> None:
        """Show or hide the busy indicator."""
        self.busy.setVisible(running)
