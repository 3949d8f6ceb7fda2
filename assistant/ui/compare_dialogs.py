"""The dialogs of comparing: which profiles and models to send to, which two answers to diff, and
the diff itself (the app's one diff view, ui/diff_view.py)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assistant.core.providers.profiles import ProviderProfile
from assistant.ui.diff_view import DiffView


class ContenderDialog(QDialog):
    """Tick two or more provider profiles (each with its model) to send the same request to."""

    def __init__(
        self,
        profiles: Sequence[ProviderProfile],
        ticked: Sequence[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("contenderDialog")
        self.setWindowTitle(self.tr("Compare models"))
        self.resize(560, 340)
        self._profiles = list(profiles)
        note = QLabel(
            self.tr(
                "The same request goes to every ticked profile at once, one column each. "
                "Edit a model to try another one of that provider."
            )
        )
        note.setWordWrap(True)
        self.table = QTableWidget(len(self._profiles), 2)
        self.table.setObjectName("contenders")
        self.table.setHorizontalHeaderLabels([self.tr("Profile"), self.tr("Model")])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for row, profile in enumerate(self._profiles):
            name = QTableWidgetItem(profile.name)
            name.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            name.setCheckState(
                Qt.CheckState.Checked if profile.name in ticked else Qt.CheckState.Unchecked
            )
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, QTableWidgetItem(profile.model))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Compare"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.table.itemChanged.connect(lambda _item: self._update())
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self._update()

    def set_ticked(self, names: Sequence[str]) -> None:
        """Tick exactly the profiles named."""
        for row, profile in enumerate(self._profiles):
            checked = profile.name in names
            self._cell(row, 0).setCheckState(
                Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
            )

    def chosen(self) -> list[tuple[ProviderProfile, str]]:
        """The ticked profiles with the model typed for each, in the table's order."""
        found = []
        for row, profile in enumerate(self._profiles):
            if self._cell(row, 0).checkState() == Qt.CheckState.Checked:
                model = self._cell(row, 1).text().strip()
                found.append((profile, model))
        return found

    def _cell(self, row: int, column: int) -> QTableWidgetItem:
        item = self.table.item(row, column)
        assert item is not None
        return item

    def _update(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(len(self.chosen()) >= 2)


class DiffChoice(QDialog):
    """Which two answers to diff (first → second)."""

    def __init__(
        self, titles: Sequence[str], first: int, second: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Diff two answers"))
        self.first = QComboBox()
        self.second = QComboBox()
        for box, index in ((self.first, first), (self.second, second)):
            box.addItems(list(titles))
            box.setCurrentIndex(index)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("From"), self.first)
        form.addRow(self.tr("To"), self.second)
        form.addRow(buttons)


class AnswerDiff(QDialog):
    """Two answers side by side or inline, as a diff; stays open beside the window."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("answerDiff")
        self.resize(900, 620)
        self.title = QLabel()
        self.title.setObjectName("answerDiffTitle")
        self.diff = DiffView(self, choosable=False)
        column = QVBoxLayout(self)
        column.addWidget(self.title)
        column.addWidget(self.diff, 1)

    def compare(self, old: str, new: str, titles: tuple[str, str], by_lines: bool) -> None:
        heading = self.tr("{0} → {1}").format(*titles)
        self.setWindowTitle(heading)
        how = self.tr("line by line") if by_lines else self.tr("word by word")
        self.title.setText(f"{heading} ({how})")
        self.diff.show_diff(old, new, by_lines=by_lines)


def show_answer_diff(
    parent: QWidget, old: str, new: str, titles: tuple[str, str], by_lines: bool
) -> AnswerDiff:
    """Open (or reuse) the answer diff window of ``parent`` and show the two answers."""
    found = parent.findChild(AnswerDiff, "answerDiff")
    dialog = found if isinstance(found, AnswerDiff) else AnswerDiff(parent)
    dialog.compare(old, new, titles, by_lines)
    dialog.show()
    dialog.activateWindow()
    return dialog
