"""Opening the real main window in GUI tests (one way, so every test gets the same window)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from assistant.app import build_window
from assistant.core.config.settings import Settings
from assistant.ui.main_window import MainWindow
from tests.fixtures.loopback_window import use_loopback

__all__ = ["open_window", "use_loopback"]


def open_window(qtbot: QtBot, settings: Settings) -> MainWindow:
    """The window over ``settings``, shown and active (window shortcuts such as Ctrl+Enter and
    Esc do nothing in an inactive window, and offscreen a shown window is not always active)."""
    win = build_window(settings)
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    return win
