"""Code that applies itself: a code-fix / code-optimize / rewrite answer shown as a diff against
the input in the real window (loopback server), accepted or rejected per hunk, applied into the
input editor as one undo step; refused when the answer did not end by itself; confirmed when it
deletes more than half of the input."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPlainTextEdit
from pytestqt.qtbot import QtBot

from assistant.ui.main_window import MainWindow
from tests.fakeserver import FakeOpenAIServer
from tests.ui.test_main_window import choose_mode, fill, generate_and_wait

BUGGY = (
    "def add(a, b):\n"
    "\treturn a - b\n"  # a tab, as the person wrote it
    "\n"
    "\n"
    "def greet(name):\n"
    '    return "你好, " + nme\n'
    "\n"
    "\n"
    'print(add(1, 2), greet("世界"))\n'
)
FIXED = BUGGY.replace("a - b", "a + b").replace("+ nme", "+ name")


def editor(win: MainWindow, field: str = "code") -> QPlainTextEdit:
    widget = win.current_form().widget(field)
    assert isinstance(widget, QPlainTextEdit)
    return widget


def fix_answer(code: str) -> str:
    return f"Two bugs:\n\n```python\n{code}```\n\n- `add` subtracted\n- a typo in `greet`\n"


def run_code_fix(qtbot: QtBot, win: MainWindow, server: FakeOpenAIServer, reply: str) -> Any:
    choose_mode(win, "code-fix")
    fill(win, code=BUGGY, error="NameError: name 'nme' is not defined")
    server.reply = reply
    return generate_and_wait(qtbot, win)


def review_shown(qtbot: QtBot, win: MainWindow) -> Any:
    pages = win.answer_panel.pages
    qtbot.waitUntil(lambda: pages.currentWidget() is pages._review)
    review = pages.review
    qtbot.waitUntil(lambda: review.diff_view.diff is not None and not review.diff_view.is_busy())
    return review


def asking(review: Any, name: str) -> QMessageBox:
    """The question on screen (one that was answered may wait for its deletion)."""
    boxes = [box for box in review.findChildren(QMessageBox, name) if box.isVisible()]
    assert len(boxes) == 1
    return boxes[0]


def test_a_code_fix_shows_as_a_diff_and_applies_chosen_hunks_as_one_undo_step(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    done = run_code_fix(qtbot, window, openai_server, fix_answer(FIXED))
    review = review_shown(qtbot, window)  # a finished code fix opens its changes by itself
    assert window.answer_panel.pages.changes_action.isChecked()
    view = review.diff_view
    assert len(view.diff.hunks) == 2
    assert [h.old_text for h in view.diff.hunks] == [
        "\treturn a - b\n",
        '    return "你好, " + nme\n',
    ]
    assert "add` subtracted" in review.notes.text()
    assert review.apply_button.isEnabled()
    view.set_accepted(1, False)  # keep the typo, take the sum
    qtbot.mouseClick(review.apply_button, Qt.MouseButton.LeftButton)
    code = editor(window)
    assert code.toPlainText() == BUGGY.replace("a - b", "a + b")
    assert "Applied 1 of 2 changes" in window.status_label.text()
    code.undo()  # one step
    assert code.toPlainText() == BUGGY
    code.redo()
    assert code.toPlainText() == BUGGY.replace("a - b", "a + b")
    record = window.services.history.get(done.record_id)
    assert record is not None and record.fields["code"] == BUGGY  # the input before Apply


def test_apply_all_with_the_shortcut_is_byte_exact_with_tabs_and_non_ascii(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    run_code_fix(qtbot, window, openai_server, fix_answer(FIXED))
    review_shown(qtbot, window)
    qtbot.keyClick(
        window,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert editor(window).toPlainText() == FIXED


def test_the_block_of_the_input_language_is_applied_when_there_are_several(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    reply = (
        fix_answer(FIXED) + "\nRun it with:\n\n```bash\npython fixed.py && echo a long line\n```\n"
    )
    run_code_fix(qtbot, window, openai_server, reply)
    review = review_shown(qtbot, window)
    assert review.proposal is not None and review.proposal.proposed == FIXED


@pytest.mark.parametrize(
    ("finish_reason", "reason"),
    [(None, "cut short"), ("length", "Max tokens")],
)
def test_an_answer_that_did_not_end_by_itself_is_not_applied(
    qtbot: QtBot,
    window: MainWindow,
    openai_server: FakeOpenAIServer,
    finish_reason: str | None,
    reason: str,
) -> None:
    openai_server.finish_reason = finish_reason
    run_code_fix(qtbot, window, openai_server, fix_answer(FIXED))
    pages = window.answer_panel.pages
    assert pages.currentWidget() is pages.area  # not opened by itself
    assert pages.changes_action.isEnabled()
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, Qt.Key.Key_A, ctrl_shift)  # Apply from the answer: the changes, why not
    review = review_shown(qtbot, window)
    assert reason in window.status_label.text()
    assert review.notice.isVisibleTo(review) and reason in review.notice.text()
    assert not review.apply_button.isEnabled()
    review.apply()
    assert editor(window).toPlainText() == BUGGY
    assert reason in window.status_label.text()


def test_deleting_more_than_half_of_the_lines_asks_first(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    run_code_fix(qtbot, window, openai_server, fix_answer("def add(a, b):\n\treturn a + b\n"))
    review = review_shown(qtbot, window)
    review.apply()
    box = asking(review, "deletesMuch")
    assert "9 lines become 2" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.No), Qt.MouseButton.LeftButton)
    assert editor(window).toPlainText() == BUGGY
    assert window.status_label.text() == "Nothing was applied."
    review.apply()
    box = asking(review, "deletesMuch")
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    assert editor(window).toPlainText() == "def add(a, b):\n\treturn a + b\n"


def test_an_input_edited_since_the_answer_asks_first(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    run_code_fix(qtbot, window, openai_server, fix_answer(FIXED))
    review = review_shown(qtbot, window)
    editor(window).appendPlainText("# edited meanwhile")
    review.apply()
    box = asking(review, "inputChanged")
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    assert editor(window).toPlainText() == FIXED


def test_a_rewrite_offers_a_word_diff_and_applies_it(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    choose_mode(window, "rewrite")
    original = "Our product is very good. It helps people do stuff quickly.\n\nCall us today."
    fill(window, text=original)
    openai_server.reply = "Our product is excellent. It helps teams work quickly.\n\nCall us today."
    generate_and_wait(qtbot, window)
    pages = window.answer_panel.pages
    assert pages.currentWidget() is pages.area  # prose: the diff is offered, not forced
    pages.changes_action.trigger()
    review = review_shown(qtbot, window)
    assert not review.diff_view.diff.by_lines
    assert [(h.old_text, h.new_text) for h in review.diff_view.diff.hunks] == [
        ("very good", "excellent"),
        ("people do stuff", "teams work"),
    ]
    review.apply()
    assert editor(window, "text").toPlainText() == openai_server.reply
    pages.changes_action.trigger()  # off again: back to the answer
    assert pages.currentWidget() is pages.area


def test_modes_whose_answer_does_not_replace_the_input_offer_no_changes(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    choose_mode(window, "code-explain")
    fill(window, code="print(1)\n")
    openai_server.reply = "It prints 1."
    generate_and_wait(qtbot, window)
    assert not window.answer_panel.pages.changes_action.isEnabled()


def test_reopening_a_code_fix_from_the_history_offers_its_changes(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    done = run_code_fix(qtbot, window, openai_server, fix_answer(FIXED))
    review_shown(qtbot, window)
    choose_mode(window, "article")
    window.open_record(done.record_id)
    review = review_shown(qtbot, window)
    assert window.current_mode().id == "code-fix"
    assert review.proposal is not None and review.proposal.original == BUGGY
    review.apply()
    assert editor(window).toPlainText() == FIXED


def test_an_input_without_a_final_newline_keeps_it_that_way(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    choose_mode(window, "code-fix")
    fill(window, code="x = 1\ny = x -- 1", language="python")
    openai_server.reply = "```python\nx = 1\ny = x - 1\n```\n"
    generate_and_wait(qtbot, window)
    review = review_shown(qtbot, window)
    review.apply()
    assert editor(window).toPlainText() == "x = 1\ny = x - 1"


def test_a_5000_line_file_is_diffed_off_the_gui_thread_and_applied(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    lines = [f"v{i} = f({i})\n" for i in range(5000)]
    fixed = list(lines)
    fixed[1234] = "v1234 = f(1234) + 1\n"
    fixed[4321] = "v4321 = g(4321)\n"
    choose_mode(window, "code-fix")
    fill(window, code="".join(lines), language="python")
    openai_server.reply = "```python\n" + "".join(fixed) + "```\n"
    openai_server.delta_size = 8192  # the answer in a few big deltas
    generate_and_wait(qtbot, window, timeout=20_000)
    review = review_shown(qtbot, window)
    assert [h.old_line for h in review.diff_view.diff.hunks] == [1235, 4322]
    review.diff_view.set_accepted(0, False)
    review.apply()
    expected = "".join(lines[:4321]) + "v4321 = g(4321)\n" + "".join(lines[4322:])
    assert editor(window).toPlainText() == expected
    editor(window).undo()
    assert editor(window).toPlainText() == "".join(lines)


def test_a_code_answer_without_a_block_warns_but_may_be_applied(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    run_code_fix(qtbot, window, openai_server, FIXED)  # no fences at all
    review = review_shown(qtbot, window)
    assert review.notice.isVisibleTo(review) and "no fenced code block" in review.notice.text()
    assert review.apply_button.isEnabled()
    review.apply()
    assert editor(window).toPlainText() == FIXED
