"""The diff view: computed off the GUI thread, coloured hunks inline and side by side, accept or
reject per hunk."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assistant.ui.diff_view import DiffView

OLD = "".join(f"line {i}\n" for i in range(80))
NEW = (
    OLD.replace("line 3\n", "line three\n")
    .replace("line 20\n", "")
    .replace("line 25\n", "line 25\nline 25.5\nline 25.7\n")
)


def shown(qtbot: QtBot, old: str, new: str, *, by_lines: bool = True, **kwargs: bool) -> DiffView:
    view = DiffView(**kwargs)
    qtbot.addWidget(view)
    view.resize(900, 500)
    view.show()
    with qtbot.waitSignal(view.sig_shown, timeout=10_000):
        view.show_diff(old, new, by_lines=by_lines)
    return view


def test_hunks_are_listed_accepted_and_the_result_is_the_new_text(qtbot: QtBot) -> None:
    view = shown(qtbot, OLD, NEW)
    assert view.hunk_list.count() == 3
    assert view.accepted() == {0, 1, 2}
    assert view.result() == NEW
    assert view.summary.text() == "3 of 3 changes accepted"
    assert view.hunk_list.item(0).text().startswith("Line 4: −1 +1")


def test_rejecting_hunks_keeps_their_old_text(qtbot: QtBot) -> None:
    view = shown(qtbot, OLD, NEW)
    with qtbot.waitSignal(view.sig_choice_changed):
        view.hunk_list.item(1).setCheckState(Qt.CheckState.Unchecked)  # as a click does
    assert view.accepted() == {0, 2}
    result = view.result()
    assert "line 20\n" in result and "line three\n" in result and "line 25.5\n" in result
    view.set_accepted(0, False)
    assert "line 3\n" in view.result()
    view.set_all(False)
    assert view.result() == OLD
    assert view.summary.text() == "0 of 3 changes accepted"
    view.set_all(True)
    assert view.result() == NEW


def test_inline_document_shows_both_sides_and_rejected_insertions_are_struck(
    qtbot: QtBot,
) -> None:
    view = shown(qtbot, OLD, NEW)
    text = view.inline.toPlainText()
    assert "line 3\nline three\n" in text
    start, _end, kind = view.inline.spans[0][1]
    assert kind == "inserted"
    cursor = view.inline.textCursor()
    cursor.setPosition(start + 1)
    assert not cursor.charFormat().fontStrikeOut()
    assert cursor.block().blockFormat().background().color().name() == "#ccf2d4"
    view.set_accepted(0, False)
    cursor.setPosition(start + 1)
    assert cursor.charFormat().fontStrikeOut()


def test_side_by_side_lines_up_the_two_sides(qtbot: QtBot) -> None:
    view = shown(qtbot, OLD, NEW)
    view.set_side_by_side(True)
    assert view.left.blockCount() == view.right.blockCount()  # folded too
    with qtbot.waitSignal(view.sig_shown):
        view.all_lines_box.setChecked(True)
    assert view.stack.currentIndex() == 1
    assert view.left.blockCount() == view.right.blockCount()
    left, right = view.left.toPlainText().split("\n"), view.right.toPlainText().split("\n")
    assert left.index("line 26") == right.index("line 26")
    qtbot.waitUntil(lambda: view.right.verticalScrollBar().maximum() > 5)
    view.left.verticalScrollBar().setValue(5)
    assert view.right.verticalScrollBar().value() == 5


def test_clicking_in_a_hunk_selects_it_in_the_list(qtbot: QtBot) -> None:
    view = shown(qtbot, OLD, NEW)
    start = view.inline.spans[2][0][0]
    cursor = view.inline.textCursor()
    cursor.setPosition(start + 2)
    view.inline.setTextCursor(cursor)
    assert view.hunk_list.currentRow() == 2
    assert view.inline.textCursor().position() == start + 2  # the text did not jump
    view.hunk_list.setCurrentRow(0)
    assert view.inline.textCursor().position() == view.inline.spans[0][0][0]


def test_prose_is_word_level(qtbot: QtBot) -> None:
    old = "The quick brown fox. 今天天气很好。"
    new = "A slow brown fox. 今天天气很差。"
    view = shown(qtbot, old, new, by_lines=False)
    assert [view.hunk_list.item(i).text().split("\n")[1] for i in range(2)] == [
        "The quick → A slow",
        "好 → 差",
    ]
    view.set_accepted(1, False)
    assert view.result() == "A slow brown fox. 今天天气很好。"


def test_without_choice_there_are_no_checkboxes(qtbot: QtBot) -> None:
    view = shown(qtbot, "a b c", "a x c", by_lines=False, choosable=False)
    assert not view.accept_all_button.isVisibleTo(view)
    assert view.summary.text() == "1 change(s)"
    assert view.hunk_list.item(0).data(Qt.ItemDataRole.CheckStateRole) is None


def test_a_5000_line_file_is_diffed_off_the_gui_thread(qtbot: QtBot) -> None:
    old = "".join(f"    value_{i} = compute({i})\n" for i in range(5000))
    new = old.replace("compute(1234)", "compute(1234) + 1").replace(
        "    value_4000 = compute(4000)\n", ""
    )
    view = DiffView()
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.sig_shown, timeout=20_000):
        view.show_diff(old, new, by_lines=True)
        assert view.diff is None and view.is_busy()  # show_diff returned before the diff was made
        assert view.summary.text() == "Comparing…"
    assert view.diff is not None and len(view.diff.hunks) == 2
    assert view.inline.blockCount() < 30  # the unchanged lines are folded
    view.set_accepted(1, False)
    assert view.result().count("\n") == 5000
    with qtbot.waitSignal(view.sig_shown, timeout=20_000):
        view.all_lines_box.setChecked(True)
    assert view.inline.blockCount() == 5002
    assert view.accepted() == {0}  # the choice is kept
    assert view.hunk_list.item(1).checkState() == Qt.CheckState.Unchecked
    assert view.result().count("\n") == 5000


def test_the_diff_asked_for_last_wins(qtbot: QtBot) -> None:
    big_old = "x\n" * 20_000
    view = DiffView()
    qtbot.addWidget(view)
    view.show_diff(big_old, big_old + "y\n", by_lines=True)
    with qtbot.waitSignal(view.sig_shown, timeout=20_000):
        view.show_diff("a\n", "b\n", by_lines=True)
    qtbot.waitUntil(lambda: not view.is_busy())
    assert view.result() == "b\n"
    assert view.inline.toPlainText() == "a\nb\n"


def test_a_big_document_is_filled_a_slice_per_turn(qtbot: QtBot) -> None:
    from assistant.ui import diff_pane

    old = "".join(f"line {i} " + "x" * 60 + "\n" for i in range(4000))  # ~280 000 characters
    new = old.replace("line 10 ", "line ten ").replace("line 3999 ", "last line ")
    assert len(old) > 3 * diff_pane.PIECE_CHARS
    view = DiffView()
    qtbot.addWidget(view)
    view.all_lines_box.setChecked(True)
    view.fill_seconds = 0.0  # one piece per turn
    turns: list[int] = []
    view.inline.textChanged.connect(lambda: turns.append(view.inline.blockCount()))
    with qtbot.waitSignal(view.sig_shown, timeout=20_000):
        view.show_diff(old, new, by_lines=True)
    assert len({count for count in turns if count > 1}) >= len(old) // diff_pane.PIECE_CHARS
    shown = view.inline.toPlainText()
    assert shown.count("\n") == 4000 + 2  # every old line, and the two new ones
    hunks = view.diff.hunks
    assert [view.inline.toPlainText()[s:e] for s, e, _k in view.inline.spans[1]] == [
        hunks[1].old_text,
        hunks[1].new_text,
    ]
    view.set_accepted(0, False)
    assert view.result() == old.replace("line 3999 ", "last line ")


def test_unchanged_lines_are_folded_around_the_changes(qtbot: QtBot) -> None:
    view = shown(qtbot, OLD, NEW)
    lines = view.inline.toPlainText().split("\n")
    assert lines[:5] == ["line 0", "line 1", "line 2", "line 3", "line three"]
    assert "⋯ 10 unchanged lines ⋯" in lines  # lines 7 to 16; 21 to 24 are too few to fold
    assert lines[-2:] == ["⋯ 51 unchanged lines ⋯", ""]  # lines 29 to 79
    assert view.result() == NEW
    view.set_accepted(0, False)
    assert view.result() == NEW.replace("line three\n", "line 3\n")
    prose = shown(qtbot, "word " * 400 + "end.", "word " * 400 + "stop.", by_lines=False)
    assert not prose.all_lines_box.isVisibleTo(prose)
    assert "⋯" not in prose.inline.toPlainText()


def test_alt_down_and_up_step_through_the_changes(qtbot: QtBot) -> None:
    view = shown(qtbot, OLD, NEW)
    view.inline.setFocus()
    qtbot.waitUntil(view.inline.hasFocus)
    qtbot.keyClick(view.inline, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert view.hunk_list.currentRow() == 0
    qtbot.keyClick(view.inline, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert view.hunk_list.currentRow() == 1
    assert view.inline.textCursor().position() == view.inline.spans[1][0][0]
    qtbot.keyClick(view.hunk_list, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert view.hunk_list.currentRow() == 0
