"""The main window's menu bar: every action lives in a panel; the menus only list them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QMessageBox

from assistant import APP_DISPLAY_NAME
from assistant.core.config.store import on_change
from assistant.ui.batch_menu import batch_action
from assistant.ui.compare_flow import compare_models_action
from assistant.ui.language_menu import LanguageMenu
from assistant.ui.qt_keys import set_shortcut
from assistant.ui.settings_qt import QtSettings
from assistant.ui.theme import ThemeMenu

if TYPE_CHECKING:
    from assistant.ui.main_window import MainWindow


def build_menus(window: MainWindow) -> QAction:
    """File, Edit, Generate, View, Settings and Help; returns the Local only action."""
    answers, providers = window.answer_panel, window.provider_bar
    bar = window.menuBar()
    quit_action = QAction(QCoreApplication.translate("MainWindow", "Quit"), window)
    set_shortcut(quit_action, QKeySequence.StandardKey.Quit)
    quit_action.triggered.connect(window.close)
    file_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "&File"))
    file_menu.addAction(answers.export_action)
    file_menu.addAction(batch_action(window))
    file_menu.addSeparator()
    file_menu.addAction(quit_action)
    edit_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "&Edit"))
    edit_menu.addActions([answers.copy_action, answers.insert_action])
    bar.addMenu(window.mode_actions.menu())
    run_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "&Generate"))
    run_menu.addActions([answers.generate_action, answers.stop_action])
    run_menu.addActions([compare_models_action(window), answers.compare.diff_action])
    run_menu.addSeparator()
    run_menu.addActions(window.followups.actions())
    view_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "&View"))
    view_menu.addAction(window.history_view.action)
    view_menu.addAction(_usage_action(window))
    view_menu.addMenu(ThemeMenu(window.settings_qt, window))
    settings_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "&Settings"))
    settings_menu.addActions([providers.providers_action, providers.models_action])
    settings_menu.addSeparator()
    local_only = LocalOnlyAction(window.settings_qt, window)
    local_only.triggered.connect(lambda enabled: _choose_local_only(window, enabled))
    settings_menu.addAction(local_only)
    settings_menu.addAction(_stop_loops_action(window))
    settings_menu.addSeparator()
    settings_menu.addMenu(LanguageMenu(window.settings_qt, window))
    help_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "&Help"))
    help_menu.addAction(providers.welcome_action)
    about = help_menu.addAction(QCoreApplication.translate("MainWindow", "About"))
    about.triggered.connect(lambda: _about(window))
    return local_only


class LocalOnlyAction(QAction):
    """Settings → Local only: refuse providers that are not on this machine; shows the setting
    and follows it."""

    def __init__(self, settings: QtSettings, window: MainWindow) -> None:
        super().__init__(
            QCoreApplication.translate("MainWindow", "Local only (no internet)"), window
        )
        self.setObjectName("localOnlyAction")
        self.setCheckable(True)
        self.setToolTip(
            QCoreApplication.translate(
                "MainWindow",
                "Send requests only to this machine (the built-in engine, local servers)",
            )
        )
        self._settings = settings
        self._local_only_changed("local_only")
        settings.observe(self)

    @on_change("local_only")
    def _local_only_changed(self, name: str) -> None:
        self.setChecked(self._settings.settings.local_only)


def _choose_local_only(window: MainWindow, enabled: bool) -> None:
    """The person switched Local only: it is written at once (a privacy choice waits for no
    timer)."""
    window.settings_qt.store.set("local_only", enabled)
    window.settings_qt.flush()
    window.status.set_status(
        QCoreApplication.translate("MainWindow", "Local only: requests go to this machine only.")
        if enabled
        else QCoreApplication.translate(
            "MainWindow", "Local only is off: remote providers are allowed."
        )
    )


def _usage_action(window: MainWindow) -> QAction:
    """View → Usage and cost… (opens :class:`~assistant.ui.usage_dialog.UsageDialog`)."""
    action = QAction(QCoreApplication.translate("MainWindow", "Usage and cost…"), window)
    action.setObjectName("usageAction")
    action.triggered.connect(lambda: open_usage(window))
    return action


def open_usage(window: MainWindow) -> QDialog | None:
    """Show the Usage view over the window's history (a message when there is none)."""
    history = window.services.history
    if history is None:
        window.status.set_status(
            QCoreApplication.translate("MainWindow", "No history, so no usage to show.")
        )
        return None
    from PySide6.QtCore import Qt  # not before the first paint (ui/qt_keys.py)

    from assistant.ui.usage_dialog import UsageDialog

    dialog = UsageDialog(history, window)  # owned by the window; deleted when closed
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def _stop_loops_action(window: MainWindow) -> QAction:
    """Settings → Stop answers that repeat themselves (the loop guard, ``stop_loops``)."""
    action = QAction(
        QCoreApplication.translate("MainWindow", "Stop answers that repeat themselves"), window
    )
    action.setObjectName("stopLoopsAction")
    action.setCheckable(True)
    action.setChecked(window.settings.stop_loops)
    action.setToolTip(
        QCoreApplication.translate(
            "MainWindow", "End a request when the answer repeats the same text again and again"
        )
    )
    action.toggled.connect(lambda enabled: window.settings_qt.store.set("stop_loops", enabled))
    return action


def _about(window: MainWindow) -> None:
    from assistant.core.base.build_info import version_text

    text = QCoreApplication.translate("MainWindow", "{0}: a writing and coding assistant.")
    version = QCoreApplication.translate("MainWindow", "Version {0}")
    QMessageBox.about(
        window,
        QCoreApplication.translate("MainWindow", "About"),
        text.replace("{0}", APP_DISPLAY_NAME) + "\n\n" + version.replace("{0}", version_text()),
    )
