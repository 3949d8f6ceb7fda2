"""The fields part of the mode editor: the list of a mode's fields and a form for the chosen one,
editing the :class:`~assistant.core.prompts.mode_document.ModeDocument` key by key."""

from __future__ import annotations

from typing import Any, TypeVar

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assistant.core.prompts.mode_document import ModeDocument
from assistant.core.prompts.mode_types import FIELD_KINDS

W = TypeVar("W", bound=QWidget)


def named(widget: W, name: str) -> W:
    """``widget`` with its object name set (tests and style sheets find it by that name)."""
    widget.setObjectName(name)
    return widget


KIND_LABELS = {  # marked for lupdate, translated where shown (self.tr)
    "text": QT_TRANSLATE_NOOP("FieldsEditor", "text (one line)"),
    "multiline": QT_TRANSLATE_NOOP("FieldsEditor", "multiline (prose)"),
    "code": QT_TRANSLATE_NOOP("FieldsEditor", "code (code editor)"),
    "choice": QT_TRANSLATE_NOOP("FieldsEditor", "choice (a list)"),
    "int": QT_TRANSLATE_NOOP("FieldsEditor", "int (a number)"),
    "bool": QT_TRANSLATE_NOOP("FieldsEditor", "bool (a check box)"),
    "image": QT_TRANSLATE_NOOP("FieldsEditor", "image (screenshots)"),
}


class FieldsEditor(QWidget):
    """Field list (add, remove, move) beside the chosen field's name, label, kind, choices,
    default, required, help and placeholder."""

    sig_changed = Signal()
    """A field was added, removed, moved or edited (the document changed)."""

    def __init__(self, document: ModeDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self._loading = False
        self.field_list = QListWidget()
        self.field_list.setObjectName("fieldList")
        self.field_list.setMaximumWidth(170)
        self.field_list.currentRowChanged.connect(self._show_field)
        add = QPushButton(self.tr("Add field"))
        add.setObjectName("addField")
        add.clicked.connect(self.add_field)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.clicked.connect(self.remove_field)
        up, down = QPushButton("↑"), QPushButton("↓")
        up.setToolTip(self.tr("Move up"))
        down.setToolTip(self.tr("Move down"))
        up.clicked.connect(lambda: self.move_field(-1))
        down.clicked.connect(lambda: self.move_field(1))
        buttons = QHBoxLayout()
        for button in (add, self.remove_button, up, down):
            buttons.addWidget(button)
        self.name = named(QLineEdit(), "fieldName")
        self.label = named(QLineEdit(), "fieldLabel")
        self.kind = named(QComboBox(), "fieldKind")
        for kind in self._kinds():
            self.kind.addItem(self.tr(str(KIND_LABELS.get(kind, kind))), kind)
        self.choices = named(QLineEdit(), "fieldChoices")
        self.choices.setPlaceholderText(self.tr("comma-separated, e.g. short, medium, long"))
        self.default = named(QLineEdit(), "fieldDefault")
        self.required = named(QCheckBox(self.tr("Required")), "fieldRequired")
        self.help = named(QLineEdit(), "fieldHelp")
        self.placeholder = named(QLineEdit(), "fieldPlaceholder")
        self.form = QFormLayout()
        self.form.addRow(self.tr("Name"), self.name)
        self.form.addRow(self.tr("Label"), self.label)
        self.form.addRow(self.tr("Kind"), self.kind)
        self.form.addRow(self.tr("Choices"), self.choices)
        self.form.addRow(self.tr("Default"), self.default)
        self.form.addRow("", self.required)
        self.form.addRow(self.tr("Help"), self.help)
        self.form.addRow(self.tr("Placeholder"), self.placeholder)
        for edit, key in (
            (self.name, "name"),
            (self.label, "label"),
            (self.choices, "choices"),
            (self.default, "default"),
            (self.help, "help"),
            (self.placeholder, "placeholder"),
        ):
            edit.textEdited.connect(lambda _text, k=key: self._edited(k))
        self.kind.currentIndexChanged.connect(lambda _i: self._edited("kind"))
        self.required.toggled.connect(lambda _on: self._edited("required"))
        left = QVBoxLayout()
        left.addWidget(self.field_list, 1)
        left.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(left)
        layout.addLayout(self.form, 1)
        self.reload()

    @staticmethod
    def _kinds() -> list[str]:
        return list(FIELD_KINDS)

    def reload(self) -> None:
        """Show the document's fields again (after the source was edited)."""
        row = max(self.field_list.currentRow(), 0)
        self._loading = True
        try:
            self.field_list.clear()
            for field in self.document.fields():
                self.field_list.addItem(str(field.get("name", "?")))
        finally:
            self._loading = False
        count = self.field_list.count()
        self.field_list.setCurrentRow(min(row, count - 1) if count else -1)
        self._show_field(self.field_list.currentRow())

    def names(self) -> list[str]:
        return [str(field.get("name", "")) for field in self.document.fields()]

    def add_field(self) -> None:
        taken = set(self.names())
        number = len(taken) + 1
        while f"field{number}" in taken:
            number += 1
        name = f"field{number}"
        index = self.document.add_field({"name": name, "label": name.capitalize()})
        self.field_list.addItem(name)
        self.field_list.setCurrentRow(index)
        self.sig_changed.emit()
        self.name.setFocus()
        self.name.selectAll()

    def remove_field(self) -> None:
        row = self.field_list.currentRow()
        if row < 0:
            return
        self.document.remove_field(row)
        self.reload()
        self.sig_changed.emit()

    def move_field(self, step: int) -> None:
        row = self.field_list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.field_list.count():
            return
        self.document.move_field(row, target)
        self.reload()
        self.field_list.setCurrentRow(target)
        self.sig_changed.emit()

    def _show_field(self, row: int) -> None:
        fields = self.document.fields()
        enabled = 0 <= row < len(fields)
        widgets: tuple[QWidget, ...] = (self.name, self.label, self.kind, self.choices)
        widgets += (self.default, self.required, self.help, self.placeholder, self.remove_button)
        for widget in widgets:
            widget.setEnabled(enabled)
        field: dict[str, Any] = fields[row] if enabled else {}
        self._loading = True
        try:
            self.name.setText(str(field.get("name", "")))
            self.label.setText(str(field.get("label", "")))
            index = self.kind.findData(field.get("kind", "text"))
            self.kind.setCurrentIndex(max(index, 0))
            self.choices.setText(", ".join(str(c) for c in field.get("choices", [])))
            default = field.get("default", "")
            self.default.setText(
                str(default).lower() if isinstance(default, bool) else str(default)
            )
            self.required.setChecked(bool(field.get("required", False)))
            self.help.setText(str(field.get("help", "")))
            self.placeholder.setText(str(field.get("placeholder", "")))
        finally:
            self._loading = False

    def _edited(self, key: str) -> None:
        row = self.field_list.currentRow()
        if self._loading or row < 0:
            return
        kind = str(self.kind.currentData())
        value: Any
        if key == "kind":
            value = kind
        elif key == "required":
            value = self.required.isChecked()
        elif key == "choices":
            value = [part.strip() for part in self.choices.text().split(",") if part.strip()]
        elif key == "default":
            value = typed_default(self.default.text(), kind)
        else:
            value = getattr(self, key).text()
        self.document.set_field(row, key, value)
        if key == "kind" and self.default.text():  # the default follows the new kind
            self.document.set_field(row, "default", typed_default(self.default.text(), kind))
        if key == "name":
            self.field_list.item(row).setText(value)
        self.sig_changed.emit()


def typed_default(text: str, kind: str) -> Any:
    """A default typed in a line edit, as the field's kind stores it."""
    if kind == "int":
        try:
            return int(text.strip())
        except ValueError:
            return text  # left as typed: the check names it
    if kind == "bool":
        return text.strip().lower() in ("true", "yes", "1", "on")
    return text
