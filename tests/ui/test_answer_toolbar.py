"""The answer toolbar in the real window at its default width: a table answer's Table toggle is
in sight (not in the » overflow), and Diff two answers… is offered only with two answers or more."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from assistant.ui.main_window import MainWindow
from tests.fakeserver import FakeOpenAIServer
from tests.ui.test_main_window import choose_mode, fill, generate_and_wait
from tests.ui.test_table_answer import ROWS, run_sentiment


@pytest.fixture
def window(window: MainWindow) -> MainWindow:
    """The shared window (tests/fixtures/main_window.py) at the default width."""
    window.resize(1280, 800)
    return window


def in_sight(win: MainWindow, action: Any) -> bool:
    """Whether ``action``'s button is shown inside the answer toolbar (not in its » overflow)."""
    bar = win.answer_panel.toolbar
    button = bar.widgetForAction(action)
    return (
        button is not None
        and button.isVisible()
        and bar.rect().contains(button.geometry())
        and bar.childAt(button.geometry().center()) is button
    )


def test_the_table_toggle_is_in_sight_after_a_sentiment_answer_at_1280(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    compare = window.answer_panel.compare
    assert not compare.diff_action.isEnabled() and not compare.diff_bar_action.isVisible()
    openai_server.reply = ROWS
    view = run_sentiment(qtbot, window)
    assert window.width() == 1280
    qtbot.waitUntil(lambda: in_sight(window, view.table_action))
    shot = tmp_path / "toolbar.png"
    assert window.grab().save(str(shot)) and shot.stat().st_size > 0
    assert not compare.diff_action.isEnabled()  # one answer: nothing to diff
    assert not in_sight(window, compare.diff_bar_action)
    qtbot.keyClick(
        window,
        Qt.Key.Key_F,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert not any(isinstance(w, QDialog) and w.isVisible() for w in QApplication.topLevelWidgets())


def test_diff_is_offered_with_two_answers_and_withdrawn_with_one(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    compare = window.answer_panel.compare
    openai_server.reply = lambda request, index: f"Angle {index + 1}"  # type: ignore[assignment]
    choose_mode(window, "ad-copy")
    fill(window, product="Solar lamp")
    window.params_panel.n.setValue(2)
    generate_and_wait(qtbot, window)
    assert window.answer_area.count() == 2
    assert compare.diff_action.isEnabled()
    qtbot.waitUntil(lambda: in_sight(window, compare.diff_bar_action))
    window.params_panel.n.setValue(1)
    generate_and_wait(qtbot, window)
    assert window.answer_area.count() == 1
    assert not compare.diff_action.isEnabled() and not compare.diff_bar_action.isVisible()
