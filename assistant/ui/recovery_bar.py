"""The bar above an unfinished answer (interrupted, cut short, stopped looping): what happened and
how to go on from its history record (Continue, Regenerate, Raise Repetition)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from assistant.core.storage.history import Record

_STYLE = (
    "QWidget#recoveryBar { background: #fff4e5; border: 1px solid #ffd8a8; border-radius: 4px; }"
)


class RecoveryBar(QWidget):
    """Offers ways on from one record; hidden when there is none."""

    sig_continue = Signal(object)
    """(Record) Ask the model to go on from the record's text."""
    sig_regenerate = Signal(object)
    """(Record) Send the record's request again."""
    sig_raise_repetition = Signal()
    """One step more Repetition, then generate again (after the model looped)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.record: Record | None = None
        """The record Continue and Regenerate work on (kept while the bar is hidden)."""
        self.setObjectName("recoveryBar")
        self.setStyleSheet(_STYLE)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.continue_button = QPushButton(self.tr("Continue"))
        self.continue_button.setObjectName("continueButton")
        self.continue_button.setToolTip(self.tr("Ask the model to go on from the text so far"))
        self.continue_button.clicked.connect(lambda: self.sig_continue.emit(self.record))
        self.regenerate_button = QPushButton(self.tr("Regenerate"))
        self.regenerate_button.setObjectName("regenerateButton")
        self.regenerate_button.clicked.connect(lambda: self.sig_regenerate.emit(self.record))
        self.raise_repetition_button = QPushButton(self.tr("Raise Repetition"))
        self.raise_repetition_button.setObjectName("raiseRepetitionButton")
        self.raise_repetition_button.setToolTip(
            self.tr("One step more Repetition under Parameters, then generate again")
        )
        self.raise_repetition_button.clicked.connect(self.sig_raise_repetition)
        self.raise_repetition_button.setVisible(False)
        dismiss = QPushButton(self.tr("Dismiss"))
        dismiss.clicked.connect(lambda: self.setVisible(False))
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        buttons = (self.continue_button, self.regenerate_button, self.raise_repetition_button)
        for button in (*buttons, dismiss):
            layout.addWidget(button)
        self.setVisible(False)

    def offer(self, record: Record | None, note: str, raise_repetition: bool = False) -> None:
        """Show ``note`` and the ways on from ``record`` (the bar hides when it is None)."""
        self.record = record
        self.label.setText(note)
        self.raise_repetition_button.setVisible(raise_repetition)
        self.setVisible(record is not None)
