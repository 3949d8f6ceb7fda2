"""The theme setting: System / Light / Dark applied at start and when changed, and followed by
the highlighted text."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from assistant.core.config.settings import Settings, settings_path
from assistant.core.config.store import SettingsStore
from assistant.ui.answer_view import AnswerView
from assistant.ui.code_editor import CodeEditor
from assistant.ui.settings_qt import QtSettings
from assistant.ui.theme import (
    DARK_STYLE,
    LIGHT_STYLE,
    ThemeFollower,
    ThemeMenu,
    apply_theme,
    is_dark_palette,
)


def window_colour(app: QApplication) -> str:
    return app.palette().color(QPalette.ColorRole.Window).name()


@pytest.fixture
def desktop(qapp: QApplication) -> Iterator[str]:
    """The desktop's own window colour; the app is given it back after the test."""
    apply_theme("auto", qapp)
    yield window_colour(qapp)
    apply_theme("auto", qapp)


def test_light_and_dark_are_applied_and_auto_gives_the_desktop_back(
    qapp: QApplication, desktop: str
) -> None:
    apply_theme("dark", qapp)
    assert is_dark_palette(qapp.palette())
    apply_theme("light", qapp)
    assert not is_dark_palette(qapp.palette())
    apply_theme("dark", qapp)
    apply_theme("auto", qapp)
    assert window_colour(qapp) == desktop


def test_the_setting_is_applied_at_start_and_when_changed(
    qtbot: QtBot, qapp: QApplication, desktop: str
) -> None:
    settings = QtSettings(SettingsStore(Settings(theme="dark")))
    ThemeFollower(settings)
    assert is_dark_palette(qapp.palette())
    settings.store.set("theme", "auto")
    assert window_colour(qapp) == desktop
    settings.store.set("theme", "dark")
    assert is_dark_palette(qapp.palette())


def test_highlighted_text_follows_the_theme(qtbot: QtBot, qapp: QApplication, desktop: str) -> None:
    settings = QtSettings(SettingsStore(Settings(theme="light")))
    ThemeFollower(settings)
    answer, editor = AnswerView(), CodeEditor()
    for widget in (answer, editor):
        qtbot.addWidget(widget)
        widget.show()
    assert answer.highlighter.theme.style_name == LIGHT_STYLE
    settings.store.set("theme", "dark")
    qtbot.waitUntil(lambda: answer.highlighter.theme.style_name == DARK_STYLE)
    qtbot.waitUntil(lambda: editor.highlighter.theme.style_name == DARK_STYLE)
    settings.store.set("theme", "light")
    qtbot.waitUntil(lambda: answer.highlighter.theme.style_name == LIGHT_STYLE)


def test_the_menu_sets_the_theme_and_shows_changes_made_elsewhere(
    qtbot: QtBot, qapp: QApplication, desktop: str
) -> None:
    settings = QtSettings(SettingsStore())
    ThemeFollower(settings)
    menu = ThemeMenu(settings)
    qtbot.addWidget(menu)
    assert menu.theme_actions["auto"].isChecked()
    menu.theme_actions["dark"].trigger()
    assert settings.settings.theme == "dark"
    assert is_dark_palette(qapp.palette())
    settings.flush()
    assert json.loads(settings_path().read_text())["theme"] == "dark"
    settings.store.set("theme", "light")
    assert menu.theme_actions["light"].isChecked()
    assert not menu.theme_actions["dark"].isChecked()


def test_the_whole_window_switches_live_in_a_screenshot(
    qtbot: QtBot, qapp: QApplication, desktop: str
) -> None:
    from assistant.core.config.settings import Settings
    from tests.ui.windows import open_window

    win = open_window(qtbot, Settings())
    win.resize(900, 600)

    def mean_lightness() -> float:
        qapp.processEvents()
        image = win.grab().toImage()
        step = 7
        points = [
            image.pixelColor(x, y).lightnessF()
            for x in range(0, image.width(), step)
            for y in range(0, image.height(), step)
        ]
        return sum(points) / len(points)

    win.settings_qt.store.set("theme", "light")
    light = mean_lightness()
    win.settings_qt.store.set("theme", "dark")
    dark = mean_lightness()
    assert light > 0.7 and dark < 0.35, (light, dark)  # the same window, repainted at once
    win.settings_qt.store.set("theme", "light")
    assert abs(mean_lightness() - light) < 0.02  # and back
