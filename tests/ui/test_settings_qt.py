"""The Qt adapter of the settings store: signals, observers that die with their widget, the
debounced save."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from assistant.core.config.settings import settings_path
from assistant.core.config.store import SettingsStore, on_change
from assistant.ui.settings_qt import QtSettings


class ThemeLabel(QLabel):
    """A view that shows one setting and follows it by itself."""

    calls = 0

    def __init__(self, settings: QtSettings) -> None:
        super().__init__(settings.settings.theme)
        self.settings = settings
        settings.observe(self)

    @on_change("theme")
    def _theme_changed(self, name: str) -> None:
        ThemeLabel.calls += 1
        self.setText(self.settings.settings.theme)


def test_a_change_is_a_signal_with_its_name(qtbot: QtBot) -> None:
    settings = QtSettings(SettingsStore())
    with qtbot.waitSignal(settings.sig_changed) as blocker:
        settings.store.set("local_only", True)
    assert blocker.args == ["local_only"]


def test_a_view_follows_its_setting_and_ignores_others(qtbot: QtBot) -> None:
    settings = QtSettings(SettingsStore())
    label = ThemeLabel(settings)
    qtbot.addWidget(label)
    assert label.text() == "auto"
    settings.store.set("theme", "dark")
    assert label.text() == "dark"
    label.setText("untouched")
    settings.store.set("engine_threads", 2)
    assert label.text() == "untouched"


def test_a_destroyed_view_is_no_longer_called(qtbot: QtBot) -> None:
    settings = QtSettings(SettingsStore())
    label = ThemeLabel(settings)
    settings.store.set("theme", "dark")
    calls = ThemeLabel.calls
    with qtbot.waitSignal(label.destroyed):
        label.deleteLater()
    settings.store.set("theme", "light")  # no "Internal C++ object already deleted"
    assert ThemeLabel.calls == calls
    assert settings.settings.theme == "light"


def test_changes_are_written_once_after_a_quiet_moment(qtbot: QtBot, app_home: Path) -> None:
    settings = QtSettings(SettingsStore(), delay_ms=50)
    for value in (1024, 2048, 4096, 8192):
        settings.store.set("engine_context", value)
    assert not settings_path().exists(), "nothing is written while changes keep coming"
    qtbot.waitUntil(lambda: settings_path().exists())
    assert json.loads(settings_path().read_text())["engine_context"] == 8192
    assert not settings.store.dirty


def test_flush_writes_at_once(app_home: Path) -> None:
    settings = QtSettings(SettingsStore())
    settings.store.set("theme", "light")
    assert not settings_path().exists()
    assert settings.flush() is None
    assert json.loads(settings_path().read_text())["theme"] == "light"


def test_a_failed_write_is_a_signal(qtbot: QtBot, app_home: Path) -> None:
    app_home.mkdir()
    (app_home / "config").write_text("a file where the config folder should be")
    settings = QtSettings(SettingsStore(), delay_ms=10)
    with qtbot.waitSignal(settings.sig_save_failed) as blocker:
        settings.store.set("theme", "dark")
    assert "could not be saved" in blocker.args[0]


def test_a_deleted_adapter_leaves_the_store_saving_on_its_own(qtbot: QtBot) -> None:
    store = SettingsStore()
    settings = QtSettings(store)
    settings.deleteLater()
    qtbot.waitSignal(settings.destroyed).wait()
    store.set("theme", "dark")
    assert json.loads(settings_path().read_text())["theme"] == "dark"
