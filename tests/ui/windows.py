"""Opening the real main window in GUI tests (one way, so every test gets the same window)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from assistant.app import build_window
from assistant.core.config.settings import Settings
from assistant.core.providers.profiles import ProviderProfile
from assistant.ui.main_window import MainWindow


def open_window(qtbot: QtBot, settings: Settings) -> MainWindow:
    """The window over ``settings``, shown and active (window shortcuts such as Ctrl+Enter and
    Esc do nothing in an inactive window, and offscreen a shown window is not always active)."""
    win = build_window(settings)
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    return win


def use_loopback(
    settings: Settings,
    base_url: str,
    name: str = "Loopback",
    model: str = "fake-model",
    **extra: object,
) -> None:
    """Add an OpenAI-compatible profile at ``base_url`` and make it the active one."""
    settings.upsert_profile(
        ProviderProfile(name, "compatible", base_url, model, **extra)  # type: ignore[arg-type]
    )
    settings.active_profile = name
