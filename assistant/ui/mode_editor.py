"""Modes → New / Duplicate / Edit: a mode's title, fields, prompt templates and defaults, with
a live preview of the messages it sends.

The editor works on the mode file itself (:class:`ModeDocument`): the Form tab changes keys one by
one and the Source tab shows the TOML, so a hand-written file keeps its comments. Every change is
checked (:func:`check_mode_text`) and rendered with editable sample values a moment later; each
problem is listed with its position and underlined where it is. A mode with problems is not
saved: Save stays disabled and says why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from assistant.core.prompts.mode_check import ModeProblem, check_mode_text
from assistant.core.prompts.mode_document import ModeDocument
from assistant.core.prompts.mode_files import ModeFile, ModeFileError, user_file, write_mode
from assistant.core.prompts.mode_types import OUTPUT_KINDS
from assistant.core.prompts.templates import BUILTIN_VARIABLES
from assistant.ui.code_editor import CodeEditor
from assistant.ui.mode_editor_fields import FieldsEditor, named
from assistant.ui.mode_preview import render_preview, sample_value
from assistant.ui.template_completer import TemplateCompleter

CHECK_DELAY_MS = 150


class TemplateEditor(CodeEditor):
    """A Jinja template editor that offers field names after ``{{`` and ``{%``."""

    def __init__(self, names: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent, language="jinja")
        self.completer = TemplateCompleter(self, names)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.completer.handles(event):
            event.ignore()  # the popup takes Enter, Tab and Escape
            return
        super().keyPressEvent(event)


class ModeEditor(QDialog):
    """Edit one mode file; ``sig_saved(mode id, path)`` after it is written."""

    sig_saved = Signal(str, str)
    """(mode id, file) The mode was saved (the window reloads its modes)."""

    def __init__(
        self,
        text: str,
        folder: Path | None = None,
        editing: Path | None = None,
        groups: list[str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("modeEditor")
        self.setWindowTitle(self.tr("Mode editor"))
        self.folder = folder
        self.editing = editing  # the person's file being edited (None: a new one)
        self.default_id = editing.stem if editing is not None else ""  # a file without ``id``
        self.document = ModeDocument(text)
        self.problems: list[ModeProblem] = []
        self._samples: dict[str, str] = {}
        self._timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._form_tab(groups or []), self.tr("Form"))
        self.source = CodeEditor(language="toml")
        self.source.setObjectName("modeSource")
        self.source.textChanged.connect(self._source_edited)
        self.tabs.addTab(self.source, self.tr("Source (TOML)"))
        self.tabs.currentChanged.connect(self._tab_changed)
        splitter = QSplitter()
        splitter.addWidget(self.tabs)
        splitter.addWidget(self._preview_panel())
        splitter.setSizes([620, 480])
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.buttons)
        self.resize(1180, 760)
        self._load_form()
        self.refresh()

    # --- building ------------------------------------------------------------------------------

    def _form_tab(self, groups: list[str]) -> QWidget:
        self.mode_id = named(QLineEdit(), "modeId")
        self.title_edit = named(QLineEdit(), "modeTitle")
        self.description = named(QLineEdit(), "modeDescription")
        self.group = named(QComboBox(), "modeGroup")
        self.group.setEditable(True)
        self.group.addItems(groups)
        self.output = named(QComboBox(), "modeOutput")
        self.output.addItems(list(OUTPUT_KINDS))
        self.temperature = named(QDoubleSpinBox(), "modeTemperature")
        self.temperature.setRange(0.0, 2.0)
        self.temperature.setSingleStep(0.1)
        self.max_tokens = named(QSpinBox(), "modeMaxTokens")
        self.max_tokens.setRange(1, 1_000_000)
        meta = QFormLayout()
        meta.addRow(self.tr("Id"), self.mode_id)
        meta.addRow(self.tr("Title"), self.title_edit)
        meta.addRow(self.tr("Description"), self.description)
        meta.addRow(self.tr("Group"), self.group)
        meta.addRow(self.tr("Answer"), self.output)
        meta.addRow(self.tr("Temperature"), self.temperature)
        meta.addRow(self.tr("Max tokens"), self.max_tokens)
        for edit, key in (
            (self.mode_id, "id"),
            (self.title_edit, "title"),
            (self.description, "description"),
        ):
            edit.textEdited.connect(lambda text, k=key: self._set(k, text))
        self.group.currentTextChanged.connect(lambda text: self._set("group", text))
        self.output.currentTextChanged.connect(lambda text: self._set("output", text))
        self.temperature.valueChanged.connect(lambda v: self._set_param("temperature", v))
        self.max_tokens.valueChanged.connect(lambda v: self._set_param("max_tokens", v))
        self.fields = FieldsEditor(self.document)
        self.fields.sig_changed.connect(self._changed)
        self.system = TemplateEditor(self._names)
        self.system.setObjectName("systemTemplate")
        self.user = TemplateEditor(self._names)
        self.user.setObjectName("userTemplate")
        for editor, key in ((self.system, "system"), (self.user, "user")):
            editor.textChanged.connect(lambda e=editor, k=key: self._template_edited(e, k))
        hint = QLabel(self.tr("Type {{ to insert a field or a built-in variable."))
        hint.setEnabled(False)
        page = QWidget()
        column = QVBoxLayout(page)
        column.addLayout(meta)
        column.addWidget(QLabel(self.tr("Fields")))
        column.addWidget(self.fields)
        column.addWidget(QLabel(self.tr("System prompt")))
        column.addWidget(self.system, 1)
        column.addWidget(QLabel(self.tr("User message")))
        column.addWidget(self.user, 2)
        column.addWidget(hint)
        return page

    def _preview_panel(self) -> QWidget:
        self.samples = named(QTableWidget(0, 2), "sampleValues")
        self.samples.setHorizontalHeaderLabels([self.tr("Field"), self.tr("Sample value")])
        self.samples.horizontalHeader().setStretchLastSection(True)
        self.samples.verticalHeader().hide()
        self.samples.itemChanged.connect(self._sample_edited)
        self.preview = named(QPlainTextEdit(), "modePreview")
        self.preview.setReadOnly(True)
        self.problem_list = named(QListWidget(), "modeProblems")
        self.problem_list.setMaximumHeight(120)
        self.problem_list.setWordWrap(True)
        self.problem_list.currentRowChanged.connect(self._go_to_problem)
        panel = QWidget()
        column = QVBoxLayout(panel)
        column.addWidget(QLabel(self.tr("Sample values")))
        column.addWidget(self.samples, 1)
        column.addWidget(QLabel(self.tr("Messages sent (preview)")))
        column.addWidget(self.preview, 3)
        column.addWidget(QLabel(self.tr("Problems")))
        column.addWidget(self.problem_list)
        return panel

    def _load_form(self) -> None:
        """Show the document in the form (at start and after the source was edited)."""
        document = self.document
        widgets: tuple[QWidget, ...] = (self.mode_id, self.title_edit, self.description)
        widgets += (self.group, self.output, self.temperature, self.max_tokens)
        widgets += (self.system, self.user)
        for widget in widgets:
            widget.blockSignals(True)
        try:
            self.mode_id.setText(str(document.get("id")) or self.default_id)
            self.title_edit.setText(str(document.get("title")))
            self.description.setText(str(document.get("description")))
            self.group.setCurrentText(str(document.get("group")))
            self.output.setCurrentText(str(document.get("output", "markdown")) or "markdown")
            self.temperature.setValue(float(document.param("temperature", 0.7)))
            self.max_tokens.setValue(int(document.param("max_tokens", 1024)))
            self.system.setPlainText(document.prompt("system"))
            self.user.setPlainText(document.prompt("user"))
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self.fields.reload()

    # --- editing -------------------------------------------------------------------------------

    def _names(self) -> list[str]:
        return [*self.fields.names(), *BUILTIN_VARIABLES]

    def _set(self, key: str, value: str) -> None:
        self.document.set(key, value)
        self._changed()

    def _set_param(self, key: str, value: float | int) -> None:
        self.document.set_param(key, round(value, 2) if isinstance(value, float) else value)
        self._changed()

    def _template_edited(self, editor: TemplateEditor, key: str) -> None:
        self.document.set_prompt(key, editor.toPlainText())
        self._changed()

    def _source_edited(self) -> None:
        if self.tabs.currentWidget() is self.source:
            self._changed()

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.source:
            self.source.blockSignals(True)
            self.source.setPlainText(self.document.text())
            self.source.blockSignals(False)
        else:
            self._take_source()
            self._load_form()

    def _take_source(self) -> bool:
        """Adopt the Source tab's text when it is valid TOML (False: it is not)."""
        try:
            self.document = ModeDocument(self.source.toPlainText())
        except Exception:
            return False
        self.fields.document = self.document
        return True

    def _changed(self) -> None:
        self._timer.start()

    def text(self) -> str:
        """The mode file as it stands."""
        if self.tabs.currentWidget() is self.source:
            return self.source.toPlainText()
        return self.document.text()

    # --- checking and preview ------------------------------------------------------------------

    def refresh(self) -> None:
        """Check the file, list and mark its problems, render the preview."""
        text = self.text()
        mode_id = self.mode_id.text().strip() or "mode"
        self.problems = check_mode_text(text, f"{mode_id}.toml", mode_id)
        self.problem_list.clear()
        for problem in self.problems:
            self.problem_list.addItem(self._describe(problem))
            item = self.problem_list.item(self.problem_list.count() - 1)
            item.setToolTip(item.text())
        self._mark_problems()
        self.save_button.setEnabled(not self.problems)
        self.save_button.setToolTip(
            self.tr("Fix the problems listed under the preview first") if self.problems else ""
        )
        self._fill_samples()
        self.preview.setPlainText(render_preview(text, mode_id, self._samples))

    def _describe(self, problem: ModeProblem) -> str:
        places = {
            "prompt.system": self.tr("System prompt"),
            "prompt.user": self.tr("User message"),
        }
        if problem.key in places and problem.offset >= 0:
            editor = self.system if problem.key == "prompt.system" else self.user
            block = editor.document().findBlock(problem.offset)
            column = problem.offset - block.position() + 1
            where = self.tr("{0}, line {1}, column {2}").format(
                places[problem.key], block.blockNumber() + 1, column
            )
        else:
            where = self.tr("line {0}, column {1}").format(problem.line, problem.column)
        return f"{where}: {' '.join(problem.message.split())}"

    def _mark_problems(self) -> None:
        marks: dict[QPlainTextEdit, list[QTextEdit.ExtraSelection]] = {
            self.system: [],
            self.user: [],
            self.source: [],
        }
        underline = QTextCharFormat()
        underline.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        underline.setUnderlineColor(QColor("#d1242f"))
        for problem in self.problems:
            for editor, position in self._positions(problem):
                selection = QTextEdit.ExtraSelection()
                cursor = QTextCursor(editor.document())
                cursor.setPosition(min(position, max(editor.document().characterCount() - 1, 0)))
                cursor.movePosition(
                    QTextCursor.MoveOperation.EndOfWord, QTextCursor.MoveMode.KeepAnchor
                )
                if not cursor.hasSelection():
                    cursor.movePosition(
                        QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor
                    )
                selection.cursor = cursor
                selection.format = underline
                marks[editor].append(selection)
        for editor, selections in marks.items():
            editor.setExtraSelections(selections)

    def _positions(self, problem: ModeProblem) -> list[tuple[QPlainTextEdit, int]]:
        found: list[tuple[QPlainTextEdit, int]] = []
        if problem.key == "prompt.system" and problem.offset >= 0:
            found.append((self.system, problem.offset))
        elif problem.key == "prompt.user" and problem.offset >= 0:
            found.append((self.user, problem.offset))
        block = self.source.document().findBlockByNumber(problem.line - 1)
        if block.isValid():
            found.append((self.source, block.position() + problem.column - 1))
        return found

    def _go_to_problem(self, row: int) -> None:
        if not 0 <= row < len(self.problems):
            return
        places = self._positions(self.problems[row])
        visible = [p for p in places if p[0] is not self.source] or places
        if self.tabs.currentWidget() is self.source:
            visible = [p for p in places if p[0] is self.source]
        for editor, position in visible[:1]:
            cursor = editor.textCursor()
            cursor.setPosition(min(position, max(editor.document().characterCount() - 1, 0)))
            editor.setTextCursor(cursor)
            editor.setFocus()

    def _fill_samples(self) -> None:
        fields = [f for f in self.document.fields() if f.get("name")]
        self.samples.blockSignals(True)
        try:
            self.samples.setRowCount(len(fields))
            for row, field in enumerate(fields):
                name = str(field["name"])
                value = self._samples.setdefault(name, sample_value(field))
                label = QTableWidgetItem(name)
                label.setFlags(label.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.samples.setItem(row, 0, label)
                self.samples.setItem(row, 1, QTableWidgetItem(value))
        finally:
            self.samples.blockSignals(False)

    def _sample_edited(self, item: QTableWidgetItem) -> None:
        if item.column() == 1:
            label = self.samples.item(item.row(), 0)
            if label is not None:
                self._samples[label.text()] = item.text()
            self._changed()

    # --- saving --------------------------------------------------------------------------------

    def save(self) -> None:
        """Write the file (never with problems; asks before replacing another file)."""
        self.refresh()
        if self.problems:
            QMessageBox.warning(
                self,
                self.tr("Mode editor"),
                self.tr("The mode has problems and was not saved:")
                + "\n"
                + "\n".join(self._describe(p) for p in self.problems),
            )
            return
        mode_id = (
            str(ModeDocument(self.text()).get("id"))
            or self.default_id
            or self.mode_id.text().strip()
        )
        target = user_file(mode_id, self.folder)
        replace = target == self.editing
        if target.exists() and not replace:
            answer = QMessageBox.question(
                self,
                self.tr("Mode editor"),
                self.tr("You already have a mode “{0}”. Replace it?").format(mode_id),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            replace = True
        try:
            path = write_mode(ModeFile(mode_id, "", self.text()), self.folder, replace=replace)
        except (ModeFileError, OSError) as exc:
            QMessageBox.warning(self, self.tr("Mode editor"), str(exc))
            return
        if self.editing is not None and self.editing != path and self.editing.exists():
            self.editing.unlink()  # the id changed: the file is renamed
        self.editing = path
        self.sig_saved.emit(mode_id, str(path))
        self.accept()
