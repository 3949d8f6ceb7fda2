"""The lines around the history list: a problem of the store above it, and below it the Undo bar
("Deleted …" with an Undo button, for a few seconds) and a notice line (export results, errors).

Strings keep the panel's translation context (the catalogue has them there).
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

UNDO_MS: Final = 10_000


class UndoBar(QFrame):
    """Offers to undo the last delete until the time is up or it is withdrawn."""

    sig_undo = Signal()
    """The person pressed Undo."""
    sig_expired = Signal()
    """The offer ran out of time (the bar has hidden itself)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyUndoBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.button = QPushButton(QCoreApplication.translate("HistoryPanel", "Undo"))
        self.button.setToolTip(
            QCoreApplication.translate("HistoryPanel", "Bring the deleted records back (Ctrl+Z)")
        )
        self.button.clicked.connect(self.sig_undo)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 2, 2)
        row.addWidget(self.label, 1)
        row.addWidget(self.button)
        self.hide()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(UNDO_MS)
        self._timer.timeout.connect(self._expire)

    def offer(self, text: str) -> None:
        """Show ``text`` with the Undo button for a while."""
        self.label.setText(text)
        self.label.setToolTip(text)
        self.show()
        self._timer.start()

    def withdraw(self) -> None:
        """Hide the bar now."""
        self._timer.stop()
        self.hide()

    @Slot()
    def _expire(self) -> None:
        self.hide()
        self.sig_expired.emit()


def problem_label() -> QLabel:
    """A yellow line saying why the history cannot be kept as usual (hidden until set)."""
    label = QLabel()
    label.setObjectName("historyProblem")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet(
        "QLabel { background: #fff4ce; color: #3b2f00; border: 1px solid #e0c060;"
        " border-radius: 4px; padding: 4px; }"
    )
    label.hide()
    return label


def notice_label() -> QLabel:
    """A selectable line for outcomes and errors (hidden until set)."""
    label = QLabel()
    label.setObjectName("historyNotice")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label
