"""Views follow the settings by themselves: a dialog's change reaches the window's panels with
nobody re-reading, a change made in a panel is not shown back over the person's typing, and the
window writes settings by the store's one rule (debounced, flushed at close)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from assistant.core.config.settings import Settings, settings_path
from assistant.core.engine import models
from assistant.core.providers.client import Endpoint
from assistant.core.providers.profiles import BUILTIN_NAME, COMPATIBLE_PROFILE
from assistant.core.providers.secrets import KeyStore
from assistant.ui.main_window import MainWindow
from assistant.ui.models_dialog import ModelsDialog
from assistant.ui.provider_dialog import ProviderDialog
from assistant.ui.theme import apply_theme, is_dark_palette
from assistant.ui.welcome_dialog import WelcomeDialog
from tests.fakeserver import FakeOpenAIServer
from tests.ui.test_models_dialog import write_tiny_gguf
from tests.ui.windows import open_window, use_loopback


@pytest.fixture
def window(qtbot: QtBot, openai_server: FakeOpenAIServer, no_keyring: Any) -> Iterator[MainWindow]:
    settings = Settings(welcome_done=True)
    use_loopback(settings, openai_server.base_url, "Loopback", "fake-model")
    win = open_window(qtbot, settings)
    yield win
    win.close()
    apply_theme("auto")


def providers_shown(win: MainWindow) -> list[str]:
    combo = win.provider_bar.provider_combo
    return [combo.itemText(i) for i in range(combo.count())]


def test_a_profile_saved_in_the_provider_dialog_reaches_the_bar(window: MainWindow) -> None:
    store = window.settings_qt.store
    dialog = ProviderDialog(store, KeyStore(), lambda p: Endpoint(p.name, p.base_url, None))
    dialog._add_profile()
    dialog.name.setText("Lab server")
    dialog.name.textEdited.emit("Lab server")
    dialog.accept()
    assert providers_shown(window)[-1] == "Lab server"
    assert window.provider_bar.provider_combo.currentText() == "Loopback"


def test_a_welcome_choice_reaches_the_bar(window: MainWindow, qtbot: QtBot) -> None:
    dialog = WelcomeDialog(window.settings_qt.store, KeyStore())
    qtbot.addWidget(dialog)
    dialog.server_url.setText("http://127.0.0.1:9/v1")
    dialog.server_model.setEditText("qwen-lab")
    dialog.use_server()
    bar = window.provider_bar
    assert bar.provider_combo.currentText() == COMPATIBLE_PROFILE.name
    assert bar.model_combo.currentText() == "qwen-lab"
    assert window.current_profile().base_url == "http://127.0.0.1:9/v1"


def test_a_model_chosen_in_the_models_dialog_reaches_the_bar(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    first = models.add_model(write_tiny_gguf(tmp_path / "first.gguf"))
    second = models.add_model(write_tiny_gguf(tmp_path / "second.gguf"))
    store = window.settings_qt.store
    store.set("engine_model_path", str(first.path))
    store.set("active_profile", BUILTIN_NAME)
    assert window.model_combo.currentText() == first.name
    dialog = ModelsDialog(store)
    qtbot.addWidget(dialog)
    dialog.select_model(second.name)
    dialog.use_selected()
    assert window.model_combo.currentText() == second.name
    dialog.remove_model(second.name)
    assert window.model_combo.currentText() == first.name  # back to the default's place


def test_local_only_and_parameters_follow_changes_made_elsewhere(window: MainWindow) -> None:
    store = window.settings_qt.store
    assert not window.local_only_action.isChecked()
    store.set("local_only", True)
    assert window.local_only_action.isChecked()
    mode = window.current_mode().id
    store.set_mode_params(mode, {"temperature": 1.3})
    assert window.params_panel.params().temperature == pytest.approx(1.3)
    other = next(m for m in window.services.modes if m != mode)
    store.set("last_mode", other)
    assert window.current_mode().id == other


def test_typing_a_model_name_is_not_typed_over(window: MainWindow, qtbot: QtBot) -> None:
    line = window.model_combo.lineEdit()
    assert line is not None
    line.setFocus()
    line.setText("fake-model")
    line.setCursorPosition(4)
    qtbot.keyClicks(line, "X")
    assert line.text() == "fakeX-model"
    assert line.cursorPosition() == 5, "the bar did not refill itself under the cursor"
    assert window.settings.active().model == "fakeX-model"


def test_the_theme_menu_applies_the_theme(window: MainWindow, qapp: QApplication) -> None:
    menu = window.findChild(QMenu, "themeMenu")
    assert isinstance(menu, QMenu)
    assert menu.actions()[0].isChecked()  # System
    menu.actions()[2].trigger()  # Dark
    assert window.settings.theme == "dark"
    assert is_dark_palette(qapp.palette())
    window.settings_qt.store.set("theme", "auto")
    assert menu.actions()[0].isChecked()
    assert not is_dark_palette(qapp.palette())


def test_edits_are_written_once_quiet_and_at_close(window: MainWindow, qtbot: QtBot) -> None:
    window.settings_qt.store.set("engine_threads", 3)
    qtbot.waitUntil(lambda: settings_path().exists(), timeout=5000)
    assert json.loads(settings_path().read_text())["engine_threads"] == 3
    window.resize(900, 700)
    window.close()
    saved = json.loads(settings_path().read_text())
    assert saved["window_geometry"] and not window.settings_qt.store.dirty


def test_the_theme_is_applied_when_the_window_opens(qtbot: QtBot, qapp: QApplication) -> None:
    try:
        win = open_window(qtbot, Settings(theme="dark", welcome_done=True))
        assert is_dark_palette(qapp.palette())
        assert is_dark_palette(win.answer_area.current_view().palette())
        win.close()
    finally:
        apply_theme("auto")
    assert not is_dark_palette(qapp.palette())
