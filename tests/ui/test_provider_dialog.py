"""Settings → Providers: profiles, Test connection on the loopback server, keys to the keyring."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from assistant.core.config.settings import Settings
from assistant.core.providers.client import Endpoint
from assistant.core.providers.profiles import ProviderProfile
from assistant.core.providers.secrets import KeyStore
from assistant.ui.provider_dialog import ProviderDialog
from tests.fakeserver import FakeOpenAIServer


def make_dialog(qtbot: QtBot, settings: Settings, keys: KeyStore) -> ProviderDialog:
    def resolve(profile: ProviderProfile) -> Endpoint:
        return Endpoint(profile.name, profile.base_url, keys.get(profile.name))

    dialog = ProviderDialog(settings, keys, resolve)
    qtbot.addWidget(dialog)
    return dialog


def test_add_profile_test_connection_and_save_key(
    qtbot: QtBot, openai_server: FakeOpenAIServer, no_keyring: Any, app_home: Path
) -> None:
    openai_server.models = ["alpha-7b", "beta-13b"]
    openai_server.api_key = "sk-dialog-SENTINEL"
    settings, keys = Settings(), KeyStore()
    dialog = make_dialog(qtbot, settings, keys)
    dialog._add_profile()
    dialog.name.setText("My server")
    dialog.name.textEdited.emit("My server")
    dialog.base_url.setText(openai_server.base_url)
    dialog.base_url.textEdited.emit(openai_server.base_url)
    dialog.needs_key.setChecked(True)
    dialog.api_key.setText("sk-dialog-SENTINEL")
    dialog.api_key.textEdited.emit("sk-dialog-SENTINEL")
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "Connected" in dialog.test_result.text(), timeout=5000)
    assert "alpha-7b" in dialog.test_result.text()
    assert [dialog.model.itemText(i) for i in range(dialog.model.count())] == [
        "alpha-7b",
        "beta-13b",
    ]
    dialog.accept()
    profile = settings.profile("My server")
    assert profile is not None and profile.base_url == openai_server.base_url
    assert profile.model == "alpha-7b"
    assert keys.get("My server") == "sk-dialog-SENTINEL"
    assert "session" in dialog.notice  # no keyring here: said plainly, kept in memory only
    assert settings.save() is None
    for path in app_home.rglob("*"):
        if path.is_file():
            assert b"SENTINEL" not in path.read_bytes()


def test_test_connection_failure_is_explained(
    qtbot: QtBot, openai_server: FakeOpenAIServer, no_keyring: Any
) -> None:
    url = openai_server.base_url
    openai_server.stop()
    settings = Settings()
    settings.upsert_profile(ProviderProfile("Gone", "compatible", url))
    dialog = make_dialog(qtbot, settings, KeyStore())
    dialog.list.setCurrentRow([p.name for p in settings.profiles].index("Gone"))
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.test_result.text().startswith("Failed"), timeout=10000)
    assert "Gone" in dialog.test_result.text()


def test_builtin_profile_cannot_be_removed_or_pointed_elsewhere(
    qtbot: QtBot, no_keyring: Any
) -> None:
    settings = Settings()
    dialog = make_dialog(qtbot, settings, KeyStore())
    dialog.list.setCurrentRow(0)
    assert settings.profiles[0].is_builtin
    assert not dialog.remove_button.isEnabled()
    assert not dialog.base_url.isEnabled()
