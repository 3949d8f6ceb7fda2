"""Compare two versions of an answer: a window with the app's one diff view (coloured, word level
for prose, line level for code, inline or side by side; diffed off the GUI thread)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from assistant.core.prompts.threads import Version
from assistant.ui.diff_view import DiffView


class VersionComparison(QDialog):
    """Version A → version B, as a diff; stays open beside the window (not modal)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("versionComparison")
        self.resize(900, 620)
        self.title = QLabel()
        self.title.setObjectName("comparisonTitle")
        self.diff = DiffView(self, choosable=False)  # its own Inline / Side by side choice
        column = QVBoxLayout(self)
        column.addWidget(self.title)
        column.addWidget(self.diff, 1)

    def compare(self, old: Version, new: Version, first: int, second: int, by_lines: bool) -> None:
        """Show what changed from ``old`` (shown as ``first``) to ``new`` (``second``)."""
        heading = self.tr("Version {0} → version {1}").format(first, second)
        self.setWindowTitle(heading)
        how = self.tr("line by line") if by_lines else self.tr("word by word")
        self.title.setText(f"{heading} ({how})")
        self.diff.show_diff(old.text, new.text, by_lines=by_lines)


def show_comparison(
    parent: QWidget, old: Version, new: Version, first: int, second: int, by_lines: bool
) -> VersionComparison:
    """Open (or reuse) the comparison window of ``parent`` and show the two versions."""
    found = parent.findChild(VersionComparison, "versionComparison")
    dialog = found if isinstance(found, VersionComparison) else VersionComparison(parent)
    dialog.compare(old, new, first, second, by_lines)
    dialog.show()
    dialog.activateWindow()
    return dialog
