"""Follow-ups in the real window against the loopback server: the box, quick actions, refine a
selection, versions (step, restore, reopened from the history)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from assistant.core.storage.threads import ThreadStore
from assistant.ui.main_window import MainWindow
from tests.fakeserver import FakeOpenAIServer
from tests.ui.test_main_window import choose_mode, fill, generate_and_wait, sent_messages

FIRST = "# Otters\n\nOtters {hold} hands while they sleep. 🦦\n\nThey eat \\n sea urchins.\n"
SECOND = "# Otters\n\nOtters hold hands.\n"
THIRD = "# Otters\n\nSea otters hold hands asleep.\n"


def first_answer(qtbot: QtBot, win: MainWindow, server: FakeOpenAIServer) -> None:
    server.reply = FIRST
    choose_mode(win, "article")
    fill(win, topic="Otters {x} $HOME", notes="Notes with \\ backslash")
    generate_and_wait(qtbot, win)
    assert win.answer_area.current_text() == FIRST


def generate_menu(win: MainWindow) -> QMenu:
    """The window's Generate menu."""
    found = [a.menu() for a in win.menuBar().actions() if a.text().replace("&", "") == "Generate"]
    assert found and isinstance(found[0], QMenu)
    return found[0]


def follow_up(qtbot: QtBot, win: MainWindow, instruction: str) -> Any:
    box = win.followups.box
    box.edit.setText(instruction)
    with qtbot.waitSignal(win.controller.sig_done, timeout=5000) as blocker:
        qtbot.keyClick(box.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not win.stop_button.isEnabled())
    return blocker.args[1]


def test_a_follow_up_sends_the_earlier_turns_in_order_and_makes_version_2(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    first_answer(qtbot, window, openai_server)
    first_messages = sent_messages(openai_server)
    assert window.followups.box.isEnabled()
    layout = window.answer_panel.layout()
    followups = window.followups
    order = [followups.chat.view, followups.stepper, window.answer_panel.pages, followups.box]
    indexes = [layout.indexOf(w) for w in order]
    assert indexes == sorted(indexes) and indexes[1] + 1 == indexes[2]
    assert not window.followups.stepper.isVisible()  # one version: no stepper yet
    openai_server.reply = SECOND
    done = follow_up(qtbot, window, "Make it {shorter} \\ 🦦")
    messages = sent_messages(openai_server)
    assert messages == [
        *first_messages,
        {"role": "assistant", "content": FIRST},
        {"role": "user", "content": "Make it {shorter} \\ 🦦"},
    ]
    assert window.answer_area.current_text() == SECOND
    stepper = window.followups.stepper
    assert stepper.isVisible() and stepper.label.text() == "2 / 2"
    assert stepper.made_by.text() == "“Make it {shorter} \\ 🦦”"
    assert window.followups.box.edit.text() == ""  # ready for the next one
    thread = ThreadStore(window.services.history).thread(done.record_id)  # type: ignore[arg-type]
    assert thread is not None
    assert [v.text for v in thread.versions] == [FIRST, SECOND]
    assert thread.current == 2

    openai_server.reply = THIRD
    follow_up(qtbot, window, "Now more precise")
    messages = sent_messages(openai_server)
    assert [m["content"] for m in messages[-4:]] == [
        FIRST,
        "Make it {shorter} \\ 🦦",
        SECOND,
        "Now more precise",
    ]
    assert stepper.label.text() == "3 / 3"


def test_stepping_restoring_and_reopening_from_the_history(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    first_answer(qtbot, window, openai_server)
    openai_server.reply = SECOND
    done = follow_up(qtbot, window, "Shorter")
    stepper = window.followups.stepper
    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert stepper.label.text() == "1 / 2"
    assert stepper.made_by.text() == "Original answer"
    assert window.answer_area.current_text() == FIRST
    highlighted = window.answer_area.current_view().highlighter.blocks_highlighted
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.answer_area.current_text() == SECOND
    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    # the same view came back: nothing was highlighted again
    assert window.answer_area.current_view().highlighter.blocks_highlighted == highlighted
    assert stepper.restore_button.isEnabled()
    stepper.restore_button.click()
    threads = ThreadStore(window.services.history)  # type: ignore[arg-type]
    thread = threads.thread(done.record_id)
    assert thread is not None and thread.current == 1
    assert not stepper.restore_button.isEnabled()

    # a follow-up now goes on from version 1 (restored), and makes version 3
    openai_server.reply = THIRD
    follow_up(qtbot, window, "Again")
    assert [m["content"] for m in sent_messages(openai_server)[-2:]] == [FIRST, "Again"]
    thread = threads.thread(done.record_id)
    assert thread is not None and [v.text for v in thread.versions] == [FIRST, SECOND, THIRD]
    menu = stepper.compare_menu
    menu.aboutToShow.emit()
    pairs = [action.text() for action in menu.actions()]
    assert pairs == ["Version 1 with version 3", "Version 2 with version 3"]
    with qtbot.waitSignal(stepper.sig_compare) as compared:
        menu.actions()[0].trigger()
    assert compared.args == [0, 2]
    dialog = window.followups.comparison
    qtbot.waitUntil(lambda: dialog.diff.diff is not None and not dialog.diff.is_busy())
    assert dialog.diff.diff is not None and (dialog.diff.diff.old, dialog.diff.diff.new) == (
        FIRST,
        THIRD,
    )
    dialog.close()
    window.activateWindow()  # the comparison window had the focus (offscreen: no window manager)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    # a fresh first answer, then the thread reopened from the history: all versions are back
    openai_server.reply = "Something else."
    generate_and_wait(qtbot, window)
    assert not stepper.isVisible()
    window.open_record(done.record_id)
    assert window.answer_area.current_text() == THIRD
    assert stepper.label.text() == "3 / 3"
    stepper.previous_button.click()
    stepper.previous_button.click()
    assert window.answer_area.current_text() == FIRST
    openai_server.reply = "Continued."
    follow_up(qtbot, window, "Continue the thread")
    assert stepper.label.text() == "4 / 4"


def test_quick_actions_fit_the_output_kind(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    first_answer(qtbot, window, openai_server)
    menu = window.followups.box.menu
    labels = [action.text() for action in menu.actions()]
    assert "Shorter" in labels and "More formal" in labels and "Add type hints" not in labels
    openai_server.reply = SECOND
    shorter = next(a for a in menu.actions() if a.text() == "Shorter")
    with qtbot.waitSignal(window.controller.sig_done, timeout=5000):
        shorter.trigger()
    assert sent_messages(openai_server)[-1]["content"].startswith("Make it shorter")
    translate = next(a for a in menu.actions() if a.text() == "Translate to…")
    translate.trigger()
    box = window.followups.box
    assert "language" in box.edit.placeholderText()
    openai_server.reply = "# Otter\n\nOtter halten Händchen.\n"
    box.edit.setText("German")
    with qtbot.waitSignal(window.controller.sig_done, timeout=5000):
        qtbot.keyClick(box.edit, Qt.Key.Key_Return)
    assert "into German" in sent_messages(openai_server)[-1]["content"]

    code = "def add(a, b):\n    return a + b\n"
    openai_server.reply = code
    choose_mode(window, "code-complete")
    fill(window, language="python", code="def add(a, b):\n")
    generate_and_wait(qtbot, window)
    labels = [action.text() for action in menu.actions()]
    assert "Add type hints" in labels and "Write tests" in labels and "Shorter" not in labels


def test_refine_a_selection_keeps_the_rest_byte_for_byte(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    first_answer(qtbot, window, openai_server)
    view = window.answer_area.current_view()
    paragraph = "Otters {hold} hands while they sleep. 🦦"
    start = FIRST.index(paragraph)
    cursor = view.textCursor()
    before = len(FIRST[:start].encode("utf-16-le")) // 2
    cursor.setPosition(before)
    length = len(paragraph.encode("utf-16-le")) // 2
    cursor.setPosition(before + length, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    assert cursor.selectedText() == paragraph
    menu = window.followups.context_menu(view, view.rect().center())
    refine = [a for a in menu.actions() if a.text() == "Refine the selection…"]
    assert refine and any(a.text().startswith("&Copy") for a in menu.actions())
    refine[0].trigger()
    qtbot.waitUntil(lambda: window.followups.box.edit.hasFocus())
    assert view.textCursor().selectedText() == paragraph  # the selection stays
    scope = window.followups.box.scope_label
    assert scope.isVisibleTo(window) and "selected text (39 characters)" in scope.text()
    openai_server.reply = "```\nOtters nap holding paws. 🦦\n```"
    done = follow_up(qtbot, window, "Say it differently")
    assert paragraph in sent_messages(openai_server)[-1]["content"]
    expected = FIRST.replace(paragraph, "Otters nap holding paws. 🦦")
    qtbot.waitUntil(lambda: window.answer_area.current_text() == expected)
    thread = ThreadStore(window.services.history).thread(done.record_id)  # type: ignore[arg-type]
    assert thread is not None and thread.versions[-1].text == expected
    assert thread.turns[-1].kind == "selection" and not scope.isVisibleTo(window)


def test_compare_with_previous_shows_the_diff(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    first_answer(qtbot, window, openai_server)
    openai_server.reply = SECOND
    follow_up(qtbot, window, "Shorter")
    assert window.followups.compare_action in generate_menu(window).actions()
    qtbot.keyClick(
        window,
        Qt.Key.Key_D,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog = window.followups.comparison
    qtbot.waitUntil(lambda: not dialog.diff.is_busy() and dialog.diff.diff is not None)
    assert dialog.isVisible()
    assert dialog.windowTitle() == "Version 1 → version 2"
    diff = dialog.diff.diff
    assert diff is not None and (diff.old, diff.new, diff.by_lines) == (FIRST, SECOND, False)
    assert dialog.diff.inline.toPlainText() == FIRST  # only deletions: struck through in place
    assert [hunk.old_text for hunk in diff.hunks][-1].startswith(" while they sleep")
    dialog.diff.set_side_by_side(True)
    assert "sleep" in dialog.diff.left.toPlainText()
    assert "sleep" not in dialog.diff.right.toPlainText()
    dialog.close()


def test_keyboard_focus_the_box_and_send(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    first_answer(qtbot, window, openai_server)
    window.answer_area.current_view().setFocus()
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    box = window.followups.box
    qtbot.waitUntil(lambda: box.edit.hasFocus())
    qtbot.keyClicks(box.edit, "Shorter please")
    openai_server.reply = SECOND
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    with qtbot.waitSignal(window.controller.sig_done, timeout=5000):
        qtbot.keyClick(window, Qt.Key.Key_Return, ctrl_shift)
    assert sent_messages(openai_server)[-1]["content"] == "Shorter please"
    names = [a.text() for a in generate_menu(window).actions()]
    for name in ("Follow up", "Send follow-up", "Previous version", "Next version"):
        assert name in names


def test_a_follow_up_cut_short_goes_on_as_the_same_version(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    first_answer(qtbot, window, openai_server)
    openai_server.reply = "# Otters\n\nOtters hold"
    openai_server.finish_reason = None  # the stream ends without saying the answer is finished
    done = follow_up(qtbot, window, "Shorter")
    assert done.status == "cut_short"
    assert window.recovery_bar.isVisibleTo(window)
    assert window.followups.stepper.label.text() == "2 / 2"
    window.open_record(done.record_id)  # reopened from the history: the same offer
    assert window.recovery_bar.isVisibleTo(window)
    label = window.answer_panel.recovery_label.text()
    assert label.startswith("This follow-up (“Shorter”) was cut short")
    assert window.answer_area.current_text() == "# Otters\n\nOtters hold"
    openai_server.reply = " hands."
    openai_server.finish_reason = "stop"
    with qtbot.waitSignal(window.controller.sig_done, timeout=5000):
        window.continue_button.click()
    qtbot.waitUntil(lambda: window.answer_area.current_text() == "# Otters\n\nOtters hold hands.")
    sent = sent_messages(openai_server)
    assert [m["content"] for m in sent[2:5]] == [FIRST, "Shorter", "# Otters\n\nOtters hold"]
    threads = ThreadStore(window.services.history)  # type: ignore[arg-type]
    versions = threads.versions(done.record_id)
    assert [(v.text, v.status) for v in versions] == [
        (FIRST, "complete"),
        ("# Otters\n\nOtters hold hands.", "complete"),
    ]
    assert window.followups.stepper.label.text() == "2 / 2"


def test_explain_this_part_answers_about_the_code_without_replacing_it(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    code = "def add(a, b):\n    return a + b\n"
    openai_server.reply = code
    choose_mode(window, "code-complete")
    fill(window, language="python", code="def add(a, b):\n")
    done = generate_and_wait(qtbot, window)
    explain = next(
        a for a in window.followups.box.menu.actions() if a.text() == "Explain this part"
    )
    openai_server.reply = "It **adds** the two numbers."
    with qtbot.waitSignal(window.controller.sig_done, timeout=5000):
        explain.trigger()
    qtbot.waitUntil(lambda: not window.stop_button.isEnabled())
    assert window.answer_area.current_text() == "It **adds** the two numbers."
    assert window.answer_area.current_view().language() == "markdown"
    thread = ThreadStore(window.services.history).thread(done.record_id)  # type: ignore[arg-type]
    assert thread is not None and thread.current == 1  # the code is still the current version
    stepper = window.followups.stepper
    assert stepper.label.text() == "2 / 2" and stepper.restore_button.isEnabled()
    stepper.previous_button.click()
    assert window.answer_area.current_text() == code
    assert window.answer_area.current_view().language() == "python"


def test_a_follow_up_that_loops_is_asked_again_with_more_repetition(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    from tests.core.work.test_loop_guard import INTRO, SENTENCE

    first_answer(qtbot, window, openai_server)
    openai_server.reply = INTRO + SENTENCE * 40
    openai_server.delta_delay = 0.002
    done = follow_up(qtbot, window, "Longer")
    assert done.error_kind == "repetition"
    panel = window.answer_panel
    assert panel.raise_repetition_button.isVisible()
    openai_server.reply = SECOND
    openai_server.delta_delay = 0.0
    with qtbot.waitSignal(window.controller.sig_done, timeout=10_000):
        panel.raise_repetition_button.click()
    assert window.params_panel.params().repetition == 1.5
    assert [m["content"] for m in sent_messages(openai_server)[-2:]] == [FIRST, "Longer"]
    thread = ThreadStore(window.services.history).thread(done.record_id)  # type: ignore[arg-type]
    assert thread is not None
    assert [v.turn for v in thread.versions] == [0, 1, 1]  # the same turn, answered again
    assert thread.current == 3 and window.answer_area.current_text() == SECOND


def test_save_answer_as_html_carries_the_thread(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer, tmp_path: Any
) -> None:
    first_answer(qtbot, window, openai_server)
    openai_server.reply = SECOND
    follow_up(qtbot, window, "Make it {shorter}")
    page = window.answer_panel.export_text(
        str(tmp_path / "a.html"), window.answer_area.current_text()
    )
    assert "Make it {shorter}" in page and "Chosen version: 2 of 2" in page
    assert "sea urchins" in page and "Otters hold hands." in page  # both versions


def test_a_follow_up_goes_on_from_the_variant_being_read(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    variants = ["Variant one about otters.", "Variant two about otters."]
    openai_server.reply = lambda _request, index: variants[index]
    choose_mode(window, "article")
    fill(window, topic="Otters")
    window.params_panel.n.setValue(2)
    done = generate_and_wait(qtbot, window)
    area = window.answer_area
    qtbot.waitUntil(lambda: area.all_texts() == variants)
    area.setCurrentIndex(1)
    openai_server.reply = "Shorter variant two."
    follow_up(qtbot, window, "Shorter")
    assert [m["content"] for m in sent_messages(openai_server)[-2:]] == [variants[1], "Shorter"]
    thread = ThreadStore(window.services.history).thread(done.record_id)  # type: ignore[arg-type]
    assert thread is not None
    assert [v.text for v in thread.versions] == [variants[1], "Shorter variant two."]
    window.followups.stepper.previous_button.click()
    assert area.current_text() == variants[1]


def test_a_failed_run_has_no_answer_to_follow_up_on(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    from tests.fakeserver import Fault

    openai_server.fault = Fault.server_error(500)
    choose_mode(window, "article")
    fill(window, topic="Otters")
    done = generate_and_wait(qtbot, window)
    assert done.record_id is not None and window.answer_area.current_text() == ""
    box = window.followups.box
    assert not box.isEnabled() and not box.quick_button.isEnabled()
    assert not window.followups.send_action.isEnabled()
    assert "no answer to follow up on" in box.toolTip() and "Regenerate" in box.toolTip()
    assert box.scope_label.isVisible() and "no answer" in box.scope_label.text()
    requests = len(openai_server.chat_requests)
    box.edit.setText("shorter")
    qtbot.keyClick(box.edit, Qt.Key.Key_Return)
    assert window.followups.send("shorter") is False  # refused even when called directly
    assert len(openai_server.chat_requests) == requests  # no [.., assistant "", user] request

    openai_server.fault = None  # Regenerate answers: the box is back
    openai_server.reply = FIRST
    generate_and_wait(qtbot, window)
    assert box.isEnabled() and box.quick_button.isEnabled()
    assert not box.scope_label.isVisible() and "no answer" not in box.toolTip()
