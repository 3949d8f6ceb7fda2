"""CodeEditor: highlighting, tabs as spaces, one-step inserts, big pastes, line numbers."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QFontInfo, QTextCursor
from pytestqt.qtbot import QtBot

from assistant.ui.code_editor import CodeEditor


@pytest.fixture
def editor(qtbot: QtBot) -> CodeEditor:
    widget = CodeEditor(language="python")
    widget.resize(500, 300)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_monospace_and_language(editor: CodeEditor) -> None:
    assert QFontInfo(editor.font()).fixedPitch()
    assert editor.language() == "python"
    editor.set_language("no-such-language")
    assert editor.language() == "text"
    editor.set_language("markdown")
    assert editor.highlighter.language == "markdown"


def test_tab_inserts_spaces_to_the_next_stop(editor: CodeEditor, qtbot: QtBot) -> None:
    qtbot.keyClicks(editor, "ab")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert editor.toPlainText() == "ab  "
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert editor.toPlainText() == "ab      "
    editor.set_tab_inserts_spaces(False)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert editor.toPlainText() == "ab      \t"


def test_tab_indents_and_shift_tab_dedents_selected_lines(editor: CodeEditor, qtbot: QtBot) -> None:
    editor.setPlainText("a\nb\nc")
    cursor = editor.textCursor()
    cursor.setPosition(0)
    cursor.setPosition(3, QTextCursor.MoveMode.KeepAnchor)  # "a\nb"
    editor.setTextCursor(cursor)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert editor.toPlainText() == "    a\n    b\nc"
    qtbot.keyClick(editor, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert editor.toPlainText() == "a\nb\nc"
    editor.undo()
    assert editor.toPlainText() == "    a\n    b\nc"


def test_insert_at_cursor_is_one_undo_step(editor: CodeEditor) -> None:
    editor.setPlainText("start\n")
    editor.moveCursor(QTextCursor.MoveOperation.End)
    editor.insert_at_cursor("def f():\n    return 1\n")
    assert editor.toPlainText() == "start\ndef f():\n    return 1\n"
    editor.undo()
    assert editor.toPlainText() == "start\n"


def test_large_paste_is_highlighted_incrementally(editor: CodeEditor, qtbot: QtBot) -> None:
    source = "".join(f"def function_{n}(value):\n    return value * {n}\n" for n in range(30_000))
    assert len(source) > 1_000_000
    mime = QMimeData()
    mime.setText(source)
    editor.highlighter.blocks_highlighted = 0
    editor.insertFromMimeData(mime)
    assert editor.highlighter.pending  # only one budget was lexed while pasting
    assert editor.highlighter.blocks_highlighted < 5_000
    first_pass = editor.highlighter.blocks_highlighted
    qtbot.waitUntil(lambda: editor.highlighter.blocks_highlighted > first_pass)  # next pass runs
    assert editor.highlighter.pending
    editor.highlighter.blocks_highlighted = 0
    QTextCursor(editor.document().findBlockByNumber(10)).insertText("x = 1; ")
    assert editor.highlighter.blocks_highlighted == 1


def test_line_number_gutter_grows_with_the_line_count(editor: CodeEditor) -> None:
    narrow = editor.gutter_width()
    assert narrow > 0
    editor.setPlainText("\n" * 12_345)
    assert editor.gutter_width() > narrow
    assert editor.viewportMargins().left() == editor.gutter_width()
    editor.set_line_numbers_visible(False)
    assert editor.gutter_width() == 0
    assert editor.viewportMargins().left() == 0
    editor.grab()  # paints the gutter without warnings
