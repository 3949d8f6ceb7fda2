"""Every window-wide shortcut of the real window does one thing: two actions on the same key make
Qt refuse both ("Ambiguous shortcut overload"), so the key silently does nothing."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from assistant.core.config.settings import Settings
from assistant.ui.main_window import MainWindow
from tests.fakeserver import FakeOpenAIServer
from tests.ui.windows import open_window, use_loopback

WINDOW_WIDE = (Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut)


def _window(qtbot: QtBot, server: FakeOpenAIServer, mode: str) -> MainWindow:
    settings = Settings()
    settings.welcome_done = True
    settings.last_mode = mode
    use_loopback(settings, server.base_url)
    return open_window(qtbot, settings)


def _window_wide_keys(win: MainWindow) -> dict[str, list[str]]:
    """Each window-wide key and the texts of the actions bound to it."""
    keys: dict[str, list[str]] = {}
    for action in win.findChildren(QAction):
        if action.shortcutContext() not in WINDOW_WIDE:
            continue
        for key in {sequence.toString() for sequence in action.shortcuts()}:
            keys.setdefault(key, []).append(action.text() or action.objectName())
    return keys


def test_no_two_window_actions_share_a_key(
    qtbot: QtBot, openai_server: FakeOpenAIServer, no_keyring: Any
) -> None:
    win = _window(qtbot, openai_server, "code-fix")
    shared = {key: texts for key, texts in _window_wide_keys(win).items() if len(texts) > 1}
    assert shared == {}


def test_ctrl_shift_e_shows_the_changes_of_a_code_fix(
    qtbot: QtBot, openai_server: FakeOpenAIServer, no_keyring: Any
) -> None:
    openai_server.reply = "```python\ndef add(a, b):\n    return a + b\n```\n"
    win = _window(qtbot, openai_server, "code-fix")
    editor = win.current_form().main_editor()
    assert editor is not None
    editor.setPlainText("def add(a, b)\n    return a - b\n")
    win.generate()
    changes = win.answer_panel.pages.changes_action
    qtbot.waitUntil(changes.isChecked, timeout=10_000)  # a finished code fix opens its changes
    focus: QWidget = QApplication.focusWidget() or win
    qtbot.keyClick(
        focus, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    qtbot.waitUntil(lambda: not changes.isChecked())
