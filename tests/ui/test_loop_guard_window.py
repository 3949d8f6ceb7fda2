"""The window when the loop guard stops an answer: the text stays, the banner says why."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from tests.core.work.test_loop_guard import INTRO, SENTENCE
from tests.fakeserver import FakeOpenAIServer
from tests.ui.test_faults import WindowFactory, generate_and_wait, make_window

__all__ = ["make_window"]  # the fixture


def test_looping_answer_is_stopped_kept_and_explained(
    qtbot: QtBot, make_window: WindowFactory, openai_server: FakeOpenAIServer, app_home: Any
) -> None:
    openai_server.reply = INTRO + SENTENCE * 40
    openai_server.delta_delay = 0.002
    win = make_window(openai_server.base_url)
    done = generate_and_wait(qtbot, win)
    assert (done.status, done.error_kind) == ("cut_short", "repetition")
    qtbot.waitUntil(lambda: win.answer_area.current_text() == done.answers[0])
    shown = win.answer_area.current_text()
    assert shown.startswith(INTRO + SENTENCE * 3) and len(shown) < len(openai_server.reply) // 2
    assert win.error_banner.isVisible()
    assert win.error_banner.text() == (
        f"The model started repeating itself; stopped after {len(shown)} characters."
    )
    assert win.generate_button.isEnabled() and not win.stop_button.isEnabled()
    panel = win.answer_panel
    assert panel.recovery_bar.isVisible() and panel.continue_button.isVisible()
    assert panel.recovered is not None and panel.recovered.answer == shown

    openai_server.reply = "The function returns fib(n)."
    with qtbot.waitSignal(win.controller.sig_done, timeout=10_000) as blocker:
        panel.continue_button.click()
    assert blocker.args[1].status == "complete"
    sent = openai_server.requests[-1].body["messages"]
    assert sent[-2] == {"role": "assistant", "content": shown}
    qtbot.waitUntil(lambda: win.answer_area.current_text() == shown + openai_server.reply)
    assert not win.error_banner.isVisible() and not panel.recovery_bar.isVisible()


def test_raise_repetition_steps_it_up_and_generates_again(
    qtbot: QtBot, make_window: WindowFactory, openai_server: FakeOpenAIServer, app_home: Any
) -> None:
    openai_server.reply = INTRO + SENTENCE * 40
    openai_server.delta_delay = 0.002
    win = make_window(openai_server.base_url)
    assert generate_and_wait(qtbot, win).error_kind == "repetition"
    panel = win.answer_panel
    assert panel.raise_repetition_button.isVisible()
    assert win.params_panel.params().repetition is None  # the model's own so far
    openai_server.reply = "A short answer."
    with qtbot.waitSignal(win.controller.sig_done, timeout=10_000) as blocker:
        panel.raise_repetition_button.click()
    assert blocker.args[1].status == "complete"
    assert win.params_panel.params().repetition == 1.5  # no built-in model here: 1, one step up
    assert "repetition 1.5" in win.params_panel.summary.text()
    assert not panel.recovery_bar.isVisible()


def test_the_guard_is_turned_off_in_the_settings_menu(
    qtbot: QtBot, make_window: WindowFactory, openai_server: FakeOpenAIServer, app_home: Any
) -> None:
    from PySide6.QtGui import QAction

    openai_server.reply = INTRO + SENTENCE * 12
    win = make_window(openai_server.base_url)
    action = win.findChild(QAction, "stopLoopsAction")
    assert action is not None and action.isChecked()
    action.trigger()
    assert win.settings.stop_loops is False
    done = generate_and_wait(qtbot, win)
    assert done.status == "complete" and done.answers == [openai_server.reply]


def test_one_step_up_from_model_default_raises_the_models_own_repetition(
    qtbot: QtBot,
    make_window: WindowFactory,
    openai_server: FakeOpenAIServer,
    builtin_model: Any,
) -> None:
    """SmolLM2's own strength is 2: the Up key in "model default" gives 2.5, not 0 (off)."""
    from PySide6.QtCore import Qt

    win = make_window(openai_server.base_url)
    win.params_panel.expand(True)
    spin = win.params_panel.repetition
    assert spin.text() == "model default" and win.params_panel.params().repetition is None
    qtbot.keyClick(spin, Qt.Key.Key_Up)
    assert win.params_panel.params().repetition == 2.5
    qtbot.keyClick(spin, Qt.Key.Key_Down)
    assert win.params_panel.params().repetition == 2.0
