"""The version stepper above an answer: ‹ 2 / 4 ›, Compare (with the previous or any two) and
Restore (make the version shown the current one)."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QSizePolicy, QToolButton, QWidget

from assistant.ui.qt_keys import set_keys


class VersionStepper(QWidget):
    """Shows which version is on screen and asks the window to step, compare or restore."""

    sig_show = Signal(int)
    """(index, 0-based) Show this version of the answer."""
    sig_compare = Signal(int, int)
    """(older index, newer index) Show what changed between two versions."""
    sig_restore = Signal(int)
    """(index) Make this version the current one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("versionStepper")
        self._count = 0
        self._index = 0
        self._current = 0
        self.previous_button = QToolButton()
        self.previous_button.setObjectName("previousVersionButton")
        self.previous_button.setText("‹")
        self.previous_button.setToolTip(self.tr("Previous version (Alt+Left)"))
        self.previous_button.clicked.connect(self.previous)
        self.label = QLabel()
        self.label.setObjectName("versionLabel")
        self.next_button = QToolButton()
        self.next_button.setObjectName("nextVersionButton")
        self.next_button.setText("›")
        self.next_button.setToolTip(self.tr("Next version (Alt+Right)"))
        self.next_button.clicked.connect(self.next)
        self.compare_menu = QMenu(self)
        self.compare_menu.aboutToShow.connect(self._fill_compare_menu)
        self.compare_button = QToolButton()
        self.compare_button.setObjectName("compareButton")
        self.compare_button.setText(self.tr("Compare with previous"))
        self.compare_button.setToolTip(
            self.tr(
                "What changed since the previous version (Ctrl+Shift+D); the arrow picks any two"
            )
        )
        self.compare_button.setMenu(self.compare_menu)
        set_keys(self.compare_button, "popupMode", "MenuButtonPopup")
        self.compare_button.clicked.connect(self.compare_with_previous)
        self.restore_button = QToolButton()
        self.restore_button.setObjectName("restoreVersionButton")
        self.restore_button.setText(self.tr("Restore"))
        self.restore_button.setToolTip(self.tr("Make the version shown the current one"))
        self.restore_button.clicked.connect(lambda: self.sig_restore.emit(self._index))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.previous_button, self.label, self.next_button):
            row.addWidget(widget)
        row.addSpacing(8)
        row.addWidget(self.compare_button)
        row.addWidget(self.restore_button)
        self.made_by = QLabel()
        self.made_by.setObjectName("versionMadeBy")
        self.made_by.setEnabled(False)  # greyed: a note on the version shown
        ignored, preferred = QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred
        self.made_by.setSizePolicy(ignored, preferred)  # long instructions never widen the window
        row.addWidget(self.made_by, 1)
        self.set_versions(0, 0, 0)

    @property
    def count(self) -> int:
        return self._count

    @property
    def index(self) -> int:
        """The version on screen (0-based)."""
        return self._index

    def set_versions(self, count: int, index: int, current: int | None = None) -> None:
        """``count`` versions, ``index`` on screen, ``current`` the one that counts (default:
        the last). Hidden with fewer than two versions."""
        self._count = count
        self._index = max(0, min(index, count - 1))
        self._current = count - 1 if current is None else current
        self.label.setText(f"{self._index + 1} / {count}" if count else "")
        self.label.setToolTip(
            self.tr("Version {0} of {1}").format(self._index + 1, count)
            + ("" if self._index != self._current else " " + self.tr("(current)"))
        )
        self.previous_button.setEnabled(self._index > 0)
        self.next_button.setEnabled(self._index < count - 1)
        self.compare_button.setEnabled(count > 1)
        self.restore_button.setEnabled(count > 1 and self._index != self._current)
        self.setVisible(count > 1)

    def set_made_by(self, text: str) -> None:
        """What made the version shown ("Original answer", or the follow-up's instruction)."""
        short = text if len(text) <= 70 else text[:69] + "…"
        self.made_by.setText(short)
        self.made_by.setToolTip(text)

    @Slot()
    def previous(self) -> None:
        if self._index > 0:
            self.sig_show.emit(self._index - 1)

    @Slot()
    def next(self) -> None:
        if self._index < self._count - 1:
            self.sig_show.emit(self._index + 1)

    @Slot()
    def compare_with_previous(self) -> None:
        """Compare the version shown with the one before it (the first with the second)."""
        if self._count < 2:
            return
        newer = max(1, self._index)
        self.sig_compare.emit(newer - 1, newer)

    def _fill_compare_menu(self) -> None:
        """Every pair with the version shown, then the first with the last."""
        self.compare_menu.clear()
        shown = self._index
        for other in range(self._count):
            if other == shown:
                continue
            older, newer = sorted((other, shown))
            text = self.tr("Version {0} with version {1}").format(older + 1, newer + 1)
            action = QAction(text, self.compare_menu)
            action.triggered.connect(lambda _c=False, a=older, b=newer: self.sig_compare.emit(a, b))
            self.compare_menu.addAction(action)
