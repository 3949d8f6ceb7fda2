"""Switching the theme while the window is open reaches every widget, also those with a style
sheet of their own (Qt's style-sheet style keeps the palette it polished them with)."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from assistant.core.config.settings import Settings
from assistant.ui.theme import ThemeMenu, apply_theme
from tests.fakeserver import FakeOpenAIServer
from tests.ui.windows import open_window, use_loopback


def _base(widget: QWidget) -> str:
    return widget.palette().color(QPalette.ColorRole.Base).name()


def test_view_theme_dark_turns_the_mode_list_dark_too(
    qtbot: QtBot, qapp: QApplication, openai_server: FakeOpenAIServer, no_keyring: Any
) -> None:
    settings = Settings(theme="light")
    settings.welcome_done = True
    use_loopback(settings, openai_server.base_url)
    win = open_window(qtbot, settings)
    menu = win.findChild(ThemeMenu)
    assert menu is not None
    menu.theme_actions["dark"].trigger()  # View → Theme → Dark
    try:
        app_base = qapp.palette().color(QPalette.ColorRole.Base).name()
        list_base = _base(win.mode_panel.mode_list)
        qtbot.waitUntil(lambda: _base(win.current_form()) == app_base)  # palette events went
        stale = {
            widget.objectName() or type(widget).__name__
            for widget in win.findChildren(QWidget)
            if widget.isVisible() and _base(widget) != app_base
        }
        assert (list_base, stale) == (app_base, set())
    finally:
        apply_theme("auto", qapp)
