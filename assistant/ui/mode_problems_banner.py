"""A banner naming the mode files that could not be loaded, each with a button that opens it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from assistant.core.prompts.modes import ModeError


class ModeProblemsBanner(QFrame):
    """Says which of the person's mode files were skipped and why; hidden when there are none."""

    sig_dismissed = Signal()
    """The person closed the banner."""

    def __init__(self, problems: Sequence[ModeError] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modeProblems")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.ToolTipBase)
        self.setForegroundRole(QPalette.ColorRole.ToolTipText)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(8, 6, 6, 6)
        icon = QLabel()
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        icon.setPixmap(warning.pixmap(20))
        outer.addWidget(icon)
        self._rows = QVBoxLayout()
        self._rows.setSpacing(2)
        outer.addLayout(self._rows, 1)
        close = QToolButton()
        close.setObjectName("dismiss")
        close.setAutoRaise(True)
        close.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton))
        close.setToolTip(self.tr("Dismiss"))
        close.clicked.connect(self.dismiss)
        outer.addWidget(close)
        self.problems: list[ModeError] = []
        self.set_problems(problems)

    def set_problems(self, problems: Sequence[ModeError]) -> None:
        """Show one row per problem (the banner hides itself when ``problems`` is empty)."""
        self.problems = list(problems)
        while self._rows.count():
            item = self._rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for problem in self.problems:
            self._rows.addWidget(self._row(problem))
        self.setVisible(bool(self.problems))

    def dismiss(self) -> None:
        """Hide the banner until the next :meth:`set_problems`."""
        self.hide()
        self.sig_dismissed.emit()

    def _row(self, problem: ModeError) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        path = Path(problem.source)
        label = QLabel(self.describe(problem))
        label.setObjectName("problem")
        label.setWordWrap(True)
        label.setToolTip(problem.source)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(label, 1)
        if path.is_file():
            button = QPushButton(self.tr("Open file"))
            button.setObjectName("open")
            button.setToolTip(problem.source)
            button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))
            layout.addWidget(button)
        return row

    def describe(self, problem: ModeError) -> str:
        """The row's text: the file's name, the line (when known) and the reason."""
        name = Path(problem.source).name
        reason = " ".join(problem.message.splitlines())
        if problem.line is None:
            text = self.tr("Mode file “{file}”: {reason}. This mode is skipped.")
        else:
            text = self.tr("Mode file “{file}”, line {line}: {reason}. This mode is skipped.")
        return (
            text.replace("{file}", name)
            .replace("{line}", str(problem.line))
            .replace("{reason}", reason)
        )


def place_above_central(window: QMainWindow, banner: QWidget) -> None:
    """Put ``banner`` above ``window``'s central widget (its panels), across its width."""
    panels = window.takeCentralWidget()
    column = QWidget(window)
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(banner)
    if panels is not None:
        layout.addWidget(panels, 1)
    window.setCentralWidget(column)
