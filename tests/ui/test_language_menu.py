"""Settings → Language: the choice is kept at once and used from the next start."""

from __future__ import annotations

import json
import subprocess

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from assistant.core.base.build_info import version_line
from assistant.core.config.settings import settings_path
from assistant.core.config.store import SettingsStore
from assistant.ui.language_menu import LanguageMenu, restart_command
from assistant.ui.settings_qt import QtSettings


def answer_the_next_question(button: QMessageBox.StandardButton) -> list[str]:
    """Click ``button`` in the next modal question; returns the texts it asked."""
    asked: list[str] = []

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, click)
            return
        asked.append(box.text())
        box.button(button).click()

    QTimer.singleShot(0, click)
    return asked


def test_choosing_a_language_keeps_it_and_says_it_applies_after_a_restart(qtbot: QtBot) -> None:
    settings = QtSettings(SettingsStore())
    menu = LanguageMenu(settings)
    qtbot.addWidget(menu)
    assert menu.language_actions[""].isChecked()  # the system's language by default
    assert menu.language_actions["zh_CN"].text() == "简体中文"
    asked = answer_the_next_question(QMessageBox.StandardButton.No)
    menu.language_actions["zh_CN"].trigger()
    assert asked and "starts again" in asked[0]
    assert settings.settings.language == "zh_CN"
    assert json.loads(settings_path().read_text())["language"] == "zh_CN"  # written at once
    assert menu.language_actions["zh_CN"].isChecked()
    settings.store.set("language", "en")  # changed elsewhere: the menu follows
    assert menu.language_actions["en"].isChecked()


def test_the_restart_command_starts_this_app() -> None:
    program, arguments = restart_command()
    assert arguments[:2] == ["-m", "assistant"]
    done = subprocess.run(
        [program, "-m", "assistant", "--version"], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == version_line()
