"""Settings → Language: the UI language (the system's, English or 简体中文).

The choice is written to the ``language`` setting at once and takes effect when the app starts
again (the window's texts are built once); the menu says so and offers to restart now.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QProcess
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from assistant.core.config.store import on_change
from assistant.ui.settings_qt import QtSettings

LANGUAGES: tuple[tuple[str, str], ...] = (("en", "English"), ("zh_CN", "简体中文"))
"""Each language's code and its name in itself (never translated: a person looks for their own)."""


def restart_command() -> tuple[str, list[str]]:
    """The program and arguments that start this app again the way it was started."""
    if getattr(sys, "frozen", False):
        return sys.executable, sys.argv[1:]
    return sys.executable, ["-m", "assistant", *sys.argv[1:]]


class LanguageMenu(QMenu):
    """Settings → Language: System, English, 简体中文; shows the setting and follows it."""

    def __init__(self, settings: QtSettings, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("&Language"), parent)
        self.setObjectName("languageMenu")
        self.setToolTipsVisible(True)
        self._settings = settings
        self._group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for code, name in (("", self.tr("System")), *LANGUAGES):
            action = self.addAction(name)
            action.setCheckable(True)
            action.setToolTip(self.tr("Takes effect when the app starts again"))
            action.triggered.connect(lambda _=False, c=code: self.choose(c))
            self._group.addAction(action)
            self.language_actions[code] = action
        self._language_changed("language")
        settings.observe(self)

    def choose(self, code: str) -> None:
        """Keep ``code`` as the UI language and offer to restart now."""
        if code == self._settings.settings.language:
            return
        self._settings.store.set("language", code)
        self._settings.flush()
        answer = QMessageBox.question(
            self.parentWidget(),
            self.tr("Language"),
            self.tr(
                "The new language is used when the app starts again. Restart now? "
                "(Nothing you typed is lost: drafts and answers are kept.)"
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.restart()

    def restart(self) -> None:
        """Close the window (which saves what it holds), then start a new instance as the app
        quits."""
        program, arguments = restart_command()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(lambda: QProcess.startDetached(program, arguments))
        window = self.window()
        if window is not None:
            window.close()

    @on_change("language")
    def _language_changed(self, name: str) -> None:
        action = self.language_actions.get(self._settings.settings.language)
        if action is not None:
            action.setChecked(True)
