"""The window's status bar: a status line, the token count of the run, the cost of the last run
and a busy indicator."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget

if TYPE_CHECKING:
    from assistant.core.work.events import DoneEvent


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
        self.cost_label = QLabel()
        self.cost_label.setObjectName("costLabel")
        self.addWidget(self.status_label, 1)
        self.addPermanentWidget(self.tokens_label)
        self.addPermanentWidget(self.cost_label)
        self.addPermanentWidget(self.busy)

    @Slot(str)
    def set_status(self, text: str) -> None:
        """Replace the status line."""
        self.status_label.setText(text)

    @Slot(str)
    def set_tokens(self, text: str) -> None:
        """Show the run's token count and rate ("" clears it)."""
        self.tokens_label.setText(text)

    def show_run_cost(self, done: DoneEvent) -> None:
        """Show what the run that just ended cost ("unknown" without usage or a price)."""
        cost = self.tr("unknown") if done.cost is None else str(done.cost)
        self.cost_label.setText(self.tr("Last run: {cost}").replace("{cost}", cost))
        usage = done.usage
        if usage is None:
            tip = self.tr("The provider reported no token usage for this run.")
        else:
            tip = self.tr(
                "{prompt} prompt tokens ({cached} cached) + {completion} completion tokens"
            )
            tip = (
                tip.replace("{prompt}", f"{usage.prompt_tokens:,}")
                .replace("{cached}", f"{usage.cached_tokens or 0:,}")
                .replace("{completion}", f"{usage.completion_tokens:,}")
            )
            if done.cost is None:
                tip += "\n" + self.tr("No price for this provider and model: see Usage → prices.")
        self.cost_label.setToolTip(tip)

    @Slot(bool)
    def set_running(self, running: bool) -> None:
        """Show or hide the busy indicator."""
        self.busy.setVisible(running)
