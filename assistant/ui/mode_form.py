"""A form generated from a mode's fields: one widget per field, values in and out as a dict."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from assistant.core.prompts.modes import Field, Mode
from assistant.ui.code_editor import CodeEditor
from assistant.ui.file_input import FileInput
from assistant.ui.image_field import ImageField
from assistant.ui.qt_keys import set_keys
from assistant.ui.warm_up import clear_button_when_on_screen

FieldWidget = (
    QLineEdit | QPlainTextEdit | CodeEditor | QComboBox | QSpinBox | QCheckBox | ImageField
)


def tr_mode(text: str) -> str:
    """Translate text that comes from a mode file (titles, labels, choices)."""
    return QCoreApplication.translate("modes", text) if text else text


class ModeForm(QWidget):
    """The input side of one mode. Big text fields (code, notes) stretch; the rest sit above."""

    sig_changed = Signal()
    """Any field changed (for draft autosave)."""
    sig_status = Signal(str)
    """A line for the status bar (a file or an image put into a field, or why not)."""

    def __init__(self, mode: Mode, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode = mode
        self._widgets: dict[str, FieldWidget] = {}
        self._labels: dict[str, QLabel] = {}
        self._guess_timer = QTimer(self, singleShot=True, interval=600)
        self._guess_timer.timeout.connect(self._sync_editor_language)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if mode.description:
            intro = QLabel(tr_mode(mode.description))
            intro.setWordWrap(True)
            intro.setObjectName("modeDescription")
            layout.addWidget(intro)
        small = QFormLayout()
        small.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        layout.addLayout(small)
        self.image_field: ImageField | None = None
        """The first image field (pastes and dropped image files go there)."""
        self.file_input = FileInput(self)  # files dropped on text fields, their Open… buttons
        self._open_buttons: dict[str, QToolButton] = {}
        self.file_input.sig_status.connect(self.sig_status)
        for field in mode.fields:
            widget = self._make_widget(field)
            self._widgets[field.name] = widget
            label = tr_mode(field.label) + (" *" if field.required else "")
            widget.setToolTip(tr_mode(field.help))
            widget.setAccessibleName(tr_mode(field.label))
            self._labels[field.name] = QLabel(label)
            if isinstance(widget, QPlainTextEdit | QLineEdit):
                self.file_input.watch(widget)
            if isinstance(widget, QPlainTextEdit):
                self._open_buttons[field.name] = self.file_input.open_button(widget)
                layout.addLayout(
                    _label_row(self._labels[field.name], self._open_buttons[field.name])
                )
                layout.addWidget(widget, stretch=3 if field.name == mode.main_field else 1)
            elif isinstance(widget, ImageField):
                layout.addWidget(self._labels[field.name])
                layout.addWidget(widget)
            else:
                small.addRow(self._labels[field.name], widget)
        self.file_input.images = self.image_field
        if self._splits_at_cursor():
            self.hide_field(mode.after_cursor_field or "")
            self._labels[mode.main_field].setText(
                self.tr("Code: the completion goes at the cursor *")
            )
        self.set_values(mode.defaults())
        self._sync_editor_language()

    # --- building ------------------------------------------------------------------------------

    def _make_widget(self, field: Field) -> FieldWidget:
        widget: FieldWidget
        if field.kind == "code":
            widget = CodeEditor()
            widget.setPlaceholderText(tr_mode(field.placeholder))
            widget.textChanged.connect(self.sig_changed)
            widget.textChanged.connect(self._code_edited)
        elif field.kind == "multiline":
            widget = QPlainTextEdit()
            widget.setPlaceholderText(tr_mode(field.placeholder))
            widget.setTabChangesFocus(True)
            widget.textChanged.connect(self.sig_changed)
        elif field.kind == "choice":
            widget = QComboBox()
            for choice in field.choices:
                label = field.choice_label(choice) if field.is_language else tr_mode(choice)
                widget.addItem(label, choice)
            widget.currentIndexChanged.connect(self.sig_changed)
        elif field.kind == "int":
            widget = QSpinBox()
            widget.setRange(
                field.minimum if field.minimum is not None else 0,
                field.maximum if field.maximum is not None else 1_000_000,
            )
            widget.valueChanged.connect(self.sig_changed)
        elif field.kind == "bool":
            widget = QCheckBox()
            widget.toggled.connect(self.sig_changed)
        elif field.kind == "image":
            widget = ImageField(field.maximum)
            widget.sig_changed.connect(self.sig_changed)
            widget.sig_status.connect(self.sig_status)
            self.image_field = self.image_field or widget
        else:
            widget = QLineEdit()
            widget.setPlaceholderText(tr_mode(field.placeholder))
            clear_button_when_on_screen(widget)
            if field.choices:  # suggestions: any text is accepted
                _suggest(widget, field.choices)
            widget.textChanged.connect(self.sig_changed)
        if field.name == self.mode.language_field:  # code editors follow this field
            if isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(self._sync_editor_language)
            elif isinstance(widget, QLineEdit):
                widget.textChanged.connect(self._sync_editor_language)
        widget.setObjectName(f"field_{field.name}")
        if field.kind not in ("multiline", "code", "image"):
            widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        return widget

    # --- values --------------------------------------------------------------------------------

    def widget(self, name: str) -> FieldWidget | None:
        return self._widgets.get(name)

    def label(self, name: str) -> QLabel | None:
        return self._labels.get(name)

    def hide_field(self, name: str) -> None:
        """Hide a field and its label (its value is still part of ``values``)."""
        for part in (self._widgets.get(name), self._labels.get(name), self._open_buttons.get(name)):
            if part is not None:
                part.setVisible(False)

    def values(self) -> dict[str, Any]:
        """Current field values, typed as the mode expects."""
        return {name: self._value(name) for name in self._widgets}

    def _value(self, name: str) -> Any:
        widget = self._widgets.get(name)
        if widget is None:
            return None
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        if isinstance(widget, QComboBox):
            data = widget.currentData()
            return data if data is not None else widget.currentText()
        if isinstance(widget, QSpinBox):
            return widget.value()
        if isinstance(widget, ImageField):
            return widget.names()
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        return widget.text()

    def _splits_at_cursor(self) -> bool:
        """True when the mode sends the main editor's text after the cursor as its own field."""
        after = self.mode.after_cursor_field
        return after is not None and isinstance(self._widgets.get(after), CodeEditor)

    def values_at_cursor(self) -> tuple[dict[str, Any], int | None]:
        """Values to send, and the main editor's cursor when the mode splits the code there."""
        values = self.values()
        editor = self.main_editor()
        if not self._splits_at_cursor() or editor is None:
            return values, None
        cursor = editor.textCursor()
        position = cursor.selectionEnd() if cursor.hasSelection() else cursor.position()
        before, after = _split_utf16(editor.toPlainText(), position)
        values[self.mode.main_field] = before
        values[self.mode.after_cursor_field or ""] = after
        return values, position

    def set_values(self, values: dict[str, Any]) -> None:
        """Put values into the widgets (unknown names are ignored; split code is joined)."""
        after = self.mode.after_cursor_field
        if self._splits_at_cursor() and after in values:
            values = dict(values)
            main = self.mode.main_field
            values[main] = str(values.get(main) or "") + str(values.pop(after) or "")
        for name, value in values.items():
            widget = self._widgets.get(name)
            if widget is None or value is None:
                continue
            if isinstance(widget, QPlainTextEdit):
                if widget.toPlainText() != str(value):
                    widget.setPlainText(str(value))
            elif isinstance(widget, QComboBox):
                index = widget.findData(value)
                if index < 0:
                    widget.addItem(tr_mode(str(value)), value)
                    index = widget.count() - 1
                widget.setCurrentIndex(index)
            elif isinstance(widget, QSpinBox):
                widget.setValue(int(value))
            elif isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, ImageField):
                widget.set_names(value)
            else:
                widget.setText(str(value))

    def main_editor(self) -> QPlainTextEdit | None:
        """The editor holding the mode's main text (code or notes)."""
        widget = self._widgets.get(self.mode.main_field)
        return widget if isinstance(widget, QPlainTextEdit) else None

    def focus_first_empty(self) -> None:
        """Put the cursor where the person most likely types next."""
        values = self.values()
        for field in self.mode.fields:
            if field.required and not str(values.get(field.name, "")).strip():
                self._widgets[field.name].setFocus()
                return
        editor = self.main_editor()
        (editor or next(iter(self._widgets.values()))).setFocus()

    def _sync_editor_language(self) -> None:
        """Code editors follow the form's language field; "detect" guesses from the code."""
        field = self.mode.field(self.mode.language_field or "")
        language = str(self._value(field.name) or "") if field else ""
        for widget in self._widgets.values():
            if isinstance(widget, CodeEditor):
                widget.set_language(language or self._guessed_language(widget))

    def _guessed_language(self, editor: CodeEditor) -> str:
        from assistant.core.text.languages import guess_language

        return guess_language(editor.toPlainText()[:20_000]) or ""

    def _code_edited(self) -> None:
        """Per keystroke: cheap (reads only the language field, never the whole text)."""
        field = self.mode.field(self.mode.language_field or "")
        if field is not None and not self._value(field.name):
            self._guess_timer.start()


def _suggest(editor: QLineEdit, choices: tuple[str, ...]) -> None:
    """Offer ``choices`` as completions of what is typed (matching anywhere, any case)."""
    from PySide6.QtWidgets import QCompleter, QStyle

    completer = QCompleter([tr_mode(choice) for choice in choices], editor)
    set_keys(completer, "caseSensitivity", "CaseInsensitive")
    set_keys(completer, "filterMode", "MatchContains")
    editor.setCompleter(completer)

    def show_all() -> None:
        completer.setCompletionPrefix("")
        completer.complete()

    icon = editor.style().standardIcon(QStyle.StandardPixmap.SP_TitleBarUnshadeButton)
    button = editor.addAction(icon, QLineEdit.ActionPosition.TrailingPosition)
    button.setToolTip(QCoreApplication.translate("ModeForm", "Show the suggestions"))
    button.setObjectName("showSuggestions")
    button.triggered.connect(show_all)


def _label_row(label: QLabel, button: QToolButton) -> QHBoxLayout:
    """A big field's label with its Open… button (a file's text into the field)."""
    row = QHBoxLayout()
    row.addWidget(label, 1)
    row.addWidget(button)
    return row


def _split_utf16(text: str, position: int) -> tuple[str, str]:
    """Split ``text`` at a Qt (UTF-16) cursor position."""
    encoded = text.encode("utf-16-le", errors="surrogatepass")
    cut = max(0, min(position, len(encoded) // 2)) * 2
    before = encoded[:cut].decode("utf-16-le", errors="surrogatepass")
    after = encoded[cut:].decode("utf-16-le", errors="surrogatepass")
    return before, after
