"""What can be done with an answer on screen: copy it, insert it in the input, save it to a file;
and the answer panel's actions with their shortcuts (:func:`panel_actions`).

Each of copy, insert and export returns the status line to show ("" when nothing happened).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPlainTextEdit, QWidget

from assistant.core.storage.history import Record
from assistant.ui.answer_view import AnswerView
from assistant.ui.code_editor import CodeEditor
from assistant.ui.qt_keys import set_keys, set_shortcut

if TYPE_CHECKING:
    from assistant.ui.answer_panel import AnswerPanel


def copy(view: AnswerView) -> str:
    """Copy the selection of ``view``, or all of it, to the clipboard."""
    text = view.textCursor().selectedText().replace("\u2029", "\n") or view.text()
    QGuiApplication.clipboard().setText(text)
    return QCoreApplication.translate("AnswerPanel", "Copied {0} characters.").format(len(text))


def insert(editor: QPlainTextEdit | None, answer: str, target: tuple[str, int] | None) -> str:
    """Insert the code of ``answer`` in ``editor``: at ``target``'s cursor when the editor still
    holds ``target``'s text (the input as it was sent), else at the editor's cursor."""
    from assistant.core.text.answers import code_to_insert  # the first Insert, not the paint

    text = code_to_insert(answer)
    if editor is None or not text:
        return ""
    if target is not None and target[0] == editor.toPlainText():
        cursor = editor.textCursor()
        cursor.setPosition(target[1])
        editor.setTextCursor(cursor)
    if isinstance(editor, CodeEditor):
        editor.insert_at_cursor(text)
    else:
        editor.textCursor().insertText(text)
    editor.setFocus()
    return QCoreApplication.translate("AnswerPanel", "Inserted {0} characters.").format(len(text))


def export(
    parent: QWidget, text: str, default_name: str, content: Callable[[str, str], str]
) -> str:
    """Ask for a file and write ``content(path, text)`` to it."""
    if not text:
        return QCoreApplication.translate("AnswerPanel", "Nothing to save yet.")
    path, chosen_type = QFileDialog.getSaveFileName(
        parent,
        QCoreApplication.translate("AnswerPanel", "Save answer as"),
        default_name,
        QCoreApplication.translate(
            "AnswerPanel",
            "Markdown (*.md);;Web page (*.html);;PDF (*.pdf);;Text (*.txt);;All files (*)",
        ),
    )
    if not path:
        return ""
    path = with_type_suffix(path, chosen_type)
    try:
        if path.lower().endswith(".pdf"):
            from assistant.ui.pdf_export import write_pdf

            write_pdf(path, content(path[:-4] + ".html", text), default_name)
        else:
            data = content(path, text)
            with open(path, "w", encoding="utf-8", newline="") as handle:
                handle.write(data)
    except OSError as exc:
        QMessageBox.warning(
            parent, QCoreApplication.translate("AnswerPanel", "Save answer as"), str(exc)
        )
        return ""
    return QCoreApplication.translate("AnswerPanel", "Saved to {0}").replace("{0}", path)


def with_type_suffix(path: str, name_filter: str) -> str:
    """``path`` with the extension of the file type chosen in the dialog when it has none: a
    name typed without one ("report", type PDF) would otherwise be written as plain text."""
    found = re.search(r"\*(\.\w+)", name_filter)
    return path + found.group(1) if found and not Path(path).suffix else path


def export_text(path: str, text: str, record: Record | None) -> str:
    """``text`` as the file type asks: HTML from its record (self-contained, highlighted; with its
    thread, every turn and the chosen version) when the record holds that very answer or it is
    the thread's current version, plain HTML otherwise; any other type as is. A comparison is
    saved whole, a section per model (Markdown, HTML or text by the file's type)."""
    from assistant.core.storage import export as exporting

    if record is not None and record.is_comparison:
        kinds = {".html": exporting.to_html, ".htm": exporting.to_html, ".txt": exporting.to_text}
        suffix = path[path.rfind(".") :].lower() if "." in path else ""
        return kinds.get(suffix, exporting.to_markdown)(record)
    if not path.lower().endswith((".html", ".htm")):
        return text
    thread = record.thread if record is not None else None
    current = thread.current_version.text if thread is not None else None
    if record is not None and text in (record.answer, current):  # a thread: every turn
        return exporting.to_html(record)
    from html import escape

    return f"<!doctype html><meta charset='utf-8'><pre>{escape(text)}</pre>\n"


@dataclass(frozen=True)
class PanelActions:
    """Generate, Stop and the answer actions of the answer panel."""

    generate: QAction
    stop: QAction
    copy: QAction
    insert: QAction
    export: QAction


def panel_actions(panel: AnswerPanel) -> PanelActions:
    """The panel's actions; all but Save work anywhere in the window."""
    translate = QCoreApplication.translate  # lupdate reads translate(context, text)

    def action(text: str, keys: list[str], slot: Callable[[], object]) -> QAction:
        made = QAction(text, panel)
        made.setShortcuts([QKeySequence(key) for key in keys])
        made.triggered.connect(slot)
        set_keys(made, "shortcutContext", "WindowShortcut")
        return made

    generate = action(
        translate("AnswerPanel", "Generate"), ["Ctrl+Return", "Ctrl+Enter"], panel.sig_generate.emit
    )
    generate.setToolTip(translate("AnswerPanel", "Generate (Ctrl+Enter)"))
    stop = action(translate("AnswerPanel", "Stop"), ["Esc"], panel.stop)
    stop.setToolTip(translate("AnswerPanel", "Stop (Esc)"))
    stop.setEnabled(False)
    copy_action = action(translate("AnswerPanel", "Copy answer"), ["Ctrl+Shift+C"], panel.copy)
    insert_action = action(translate("AnswerPanel", "Insert at cursor"), ["Ctrl+I"], panel.insert)
    insert_action.setToolTip(
        translate("AnswerPanel", "Insert the answer at the cursor of the input editor")
    )
    export_action = QAction(translate("AnswerPanel", "Save answer as…"), panel)
    set_shortcut(export_action, QKeySequence.StandardKey.Save)
    export_action.triggered.connect(panel.export)
    return PanelActions(generate, stop, copy_action, insert_action, export_action)
