"""Help → About shows the version and build, the same as ``assistant --version``."""

from __future__ import annotations

import subprocess
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

import assistant
from assistant.core.base.build_info import build_commit, version_text
from assistant.ui.main_window import MainWindow


def test_about_names_the_version_and_the_build_of_assistant_version(
    qtbot: QtBot, window: MainWindow
) -> None:
    shown: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, read_and_close)
            return
        shown.append(box.text())
        box.accept()

    about = next(a for a in window.menuBar().actions() if a.text() == "&Help").menu().actions()[-1]
    QTimer.singleShot(0, read_and_close)
    about.trigger()
    qtbot.waitUntil(lambda: bool(shown))
    printed = subprocess.run(
        [sys.executable, "-m", "assistant", "--version"], capture_output=True, text=True, timeout=60
    ).stdout.strip()
    assert printed == f"assistant {version_text()}"
    assert f"Version {version_text()}" in shown[0]
    assert assistant.__version__ in shown[0]
    commit = build_commit()  # a source checkout: git's HEAD
    assert commit is not None and commit[:12] in shown[0]
