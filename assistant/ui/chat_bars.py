"""The chat's context meter (tokens used of the model's window) and the notice shown when the
next turn would not fit, offering to drop or summarise the oldest turns (never done silently)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

_NOTICE_STYLE = (
    "QWidget#chatOverflowBar { background: #fff4e5; border: 1px solid #ffd8a8;"
    " border-radius: 4px; }"
)


class ContextMeter(QProgressBar):
    """ "1 234 / 4 096 tokens": what the thread uses of the model's context window."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contextMeter")
        self.setMinimumWidth(220)
        self.setMaximumWidth(300)
        self.used = 0
        self.limit = 0
        self.exact = False
        self.show_usage(0, 0, exact=False)

    def show_usage(self, used: int, window: int, *, exact: bool) -> None:
        """``used`` tokens of ``window`` (0: unknown); ``exact`` for the engine's own count."""
        self.used, self.limit, self.exact = used, window, exact
        self.setRange(0, max(1, window))
        self.setValue(min(used, window) if window else 0)
        if window:
            text = self.tr("{0} / {1} tokens") if exact else self.tr("~{0} / {1} tokens")
            self.setFormat(text.format(f"{used:,}", f"{window:,}"))
        else:
            self.setFormat(self.tr("~{0} tokens").format(f"{used:,}"))
        how = (
            self.tr("Counted by the model's own tokenizer.")
            if exact
            else self.tr("Estimated: this provider does not count tokens before sending.")
        )
        self.setToolTip(
            self.tr("The conversation uses this much of the model's context window.") + " " + how
        )


class OverflowBar(QWidget):
    """The next turn would not fit: drop or summarise the oldest turns, or leave it."""

    sig_drop = Signal(int)
    """(turns) Leave the oldest turns out of the request (they stay in the history)."""
    sig_summarise = Signal(int)
    """(turns) Replace the oldest turns by a summary the model writes first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatOverflowBar")
        self.setStyleSheet(_NOTICE_STYLE)
        self.turns = 0
        self.label = QLabel()
        self.label.setObjectName("chatOverflowLabel")
        self.label.setWordWrap(True)
        self.drop_button = QPushButton(self.tr("Drop oldest turns"))
        self.drop_button.setObjectName("dropTurnsButton")
        self.drop_button.clicked.connect(lambda: self.sig_drop.emit(self.turns))
        self.summarise_button = QPushButton(self.tr("Summarise oldest turns"))
        self.summarise_button.setObjectName("summariseTurnsButton")
        self.summarise_button.clicked.connect(lambda: self.sig_summarise.emit(self.turns))
        cancel = QPushButton(self.tr("Cancel"))
        cancel.setObjectName("overflowCancelButton")
        cancel.clicked.connect(lambda: self.setVisible(False))
        column = QVBoxLayout(self)
        column.addWidget(self.label)
        row = QHBoxLayout()
        row.addStretch(1)
        for button in (self.drop_button, self.summarise_button, cancel):
            row.addWidget(button)
        column.addLayout(row)
        self.setVisible(False)

    def offer(self, needed: int, window: int, turns: int, answer_budget: int) -> None:
        """Say that the request needs ``needed`` tokens of ``window`` (``answer_budget`` of them
        kept for the answer) and that dropping or summarising the ``turns`` oldest turns makes
        it fit. Nothing has been sent."""
        self.turns = turns
        text = self.tr(
            "The next turn would not fit: the conversation and room for the answer ({3} tokens, "
            "Max tokens) need about {0} tokens, and the model reads at most {1}. Nothing was "
            "sent. Drop or summarise the {2} oldest turns to make room?"
        )
        figures = (f"{needed:,}", f"{window:,}", turns, f"{answer_budget:,}")
        self.label.setText(text.format(*figures))
        self.drop_button.setText(self.tr("Drop %n oldest turn(s)", "", turns))
        self.summarise_button.setText(self.tr("Summarise %n oldest turn(s)", "", turns))
        self.setVisible(True)
