"""The batch window's setup: mode, input file, provider, concurrency, and the column mapping.

The mapping shows one line per field of the mode: the column that fills it (same names are
chosen by themselves) or a value for every row. :meth:`BatchSetup.plan` makes the core's
:class:`~assistant.core.work.batch_plan.BatchPlan` from what is shown.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from assistant.core.config.settings import Settings
from assistant.core.prompts.modes import Mode
from assistant.core.work.batch_input import InputError, InputTable, read_table
from assistant.core.work.batch_plan import BatchPlan, column_mapping
from assistant.ui.mode_form import tr_mode

DEFAULT_CONCURRENCY = 4
MAX_CONCURRENCY = 256
FILE_FILTER = QT_TRANSLATE_NOOP(
    "BatchSetup", "Tables (*.csv *.tsv *.tab *.txt *.jsonl *.ndjson);;All files (*)"
)


class BatchSetup(QWidget):
    """What the job is: the mode, the file, the mapping, where to send it and how many at once."""

    sig_table_loaded = Signal(object)
    """(InputTable): a file was read."""
    sig_problem = Signal(str)
    """A file could not be read: the sentence to show."""

    def __init__(self, modes: dict[str, Mode], settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.modes = modes
        self.settings = settings
        self.table: InputTable | None = None
        self.path: Path | None = None
        self.mode_box = QComboBox()
        self.mode_box.setObjectName("batchMode")
        for mode in modes.values():
            self.mode_box.addItem(tr_mode(mode.title), mode.id)
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText(self.tr("CSV, TSV or JSONL (Excel: save as CSV UTF-8)"))
        self.open_button = QPushButton(self.tr("Open…"))
        self.open_button.clicked.connect(self.choose_file)
        self.provider_box = QComboBox()
        self.provider_box.setObjectName("batchProvider")
        self.refresh_providers()
        self.concurrency = QSpinBox()
        self.concurrency.setRange(1, MAX_CONCURRENCY)
        self.concurrency.setValue(DEFAULT_CONCURRENCY)
        self.concurrency.setToolTip(
            self.tr(
                "Rows sent at once. A serving cluster (vLLM…) takes 32–64; a hosted API's rate "
                "limit decides; the built-in engine answers one at a time."
            )
        )
        self._mapping_box = QGroupBox(self.tr("Columns → fields"))
        self._mapping_grid = QGridLayout(self._mapping_box)
        for stretchy in (1, 2, 4, 5):  # the column boxes and value fields share the width
            self._mapping_grid.setColumnStretch(stretchy, 1)
        self.column_boxes: dict[str, QComboBox] = {}
        self.constant_edits: dict[str, QLineEdit] = {}
        self._layout()
        self.mode_box.currentIndexChanged.connect(lambda _index: self._build_mapping())
        self._build_mapping()

    def _layout(self) -> None:
        top = QFormLayout()
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.open_button)
        top.addRow(self.tr("Mode"), self.mode_box)
        top.addRow(self.tr("Input file"), file_row)
        where = QHBoxLayout()
        where.addWidget(self.provider_box, 1)
        where.addWidget(QLabel(self.tr("Rows at once")))
        where.addWidget(self.concurrency)
        top.addRow(self.tr("Provider"), where)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self._mapping_box)

    @property
    def mode(self) -> Mode:
        return self.modes[str(self.mode_box.currentData())]

    def set_mode(self, mode_id: str) -> None:
        self.mode_box.setCurrentIndex(self.mode_box.findData(mode_id))

    def refresh_providers(self) -> None:
        """List the current profiles (they may have changed since), keeping the one chosen."""
        chosen = self.provider_box.currentData() or self.settings.active().name
        self.provider_box.clear()
        for profile in self.settings.profiles:
            self.provider_box.addItem(profile.name, profile.name)
        self.provider_box.setCurrentIndex(max(0, self.provider_box.findData(chosen)))

    def set_provider(self, name: str) -> None:
        self.provider_box.setCurrentIndex(self.provider_box.findData(name))

    def choose_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Open a table"), "", self.tr(str(FILE_FILTER))
        )
        if name:
            self.load_file(Path(name))

    def load_file(self, path: Path) -> bool:
        """Read ``path``; False (and ``sig_problem``) when it is not a table."""
        try:
            table = read_table(path)
        except InputError as exc:
            self.sig_problem.emit(str(exc))
            return False
        self.table, self.path = table, path
        self.file_edit.setText(str(path))
        self._build_mapping()
        self.sig_table_loaded.emit(table)
        return True

    def plan(self) -> BatchPlan:
        """The plan for what is shown (its ``problems()`` say whether it can run)."""
        mapping = {
            name: str(box.currentData()) for name, box in self.column_boxes.items()
            if box.currentData()
        }  # fmt: skip
        constants = {name: edit.text() for name, edit in self.constant_edits.items() if edit.text()}
        name = str(self.provider_box.currentData())
        profile = self.settings.profile(name) or self.settings.active()
        mode = self.mode
        return BatchPlan(mode, profile, mapping, constants, self.settings.mode_params.get(mode.id))

    def _build_mapping(self) -> None:
        while self._mapping_grid.count():
            taken = self._mapping_grid.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.deleteLater()
        self.column_boxes.clear()
        self.constant_edits.clear()
        mode = self.mode
        columns = self.table.columns if self.table else []
        chosen = column_mapping(mode, columns)
        for index, item in enumerate(mode.fields):
            box = QComboBox()
            box.setObjectName(f"column_{item.name}")
            box.addItem(self.tr("(no column)"), "")
            for column in columns:
                box.addItem(column, column)
            box.setCurrentIndex(max(0, box.findData(chosen.get(item.name, ""))))
            constant = QLineEdit()
            constant.setObjectName(f"constant_{item.name}")
            constant.setPlaceholderText(self.tr("or one value for every row"))
            label = QLabel(tr_mode(item.label) + (" *" if item.required else ""))
            line, side = divmod(index, 2)  # two fields per line
            self._mapping_grid.addWidget(label, line, side * 3)
            self._mapping_grid.addWidget(box, line, side * 3 + 1)
            self._mapping_grid.addWidget(constant, line, side * 3 + 2)
            self.column_boxes[item.name] = box
            self.constant_edits[item.name] = constant
