"""Settings → Providers: profiles, Test connection on the loopback server, keys to the keyring."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from assistant.core.config.settings import Settings
from assistant.core.config.store import SettingsStore
from assistant.core.providers.client import Endpoint
from assistant.core.providers.profiles import ProviderProfile
from assistant.core.providers.secrets import KeyStore
from assistant.ui.provider_dialog import ProviderDialog
from tests.fakeserver import FakeOpenAIServer


def make_dialog(qtbot: QtBot, settings: Settings, keys: KeyStore) -> ProviderDialog:
    def resolve(profile: ProviderProfile) -> Endpoint:
        return Endpoint(profile.name, profile.base_url, keys.get(profile.name))

    dialog = ProviderDialog(SettingsStore(settings), keys, resolve)
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


def test_save_hands_the_profiles_over_in_one_change_and_cancel_in_none(
    qtbot: QtBot, no_keyring: Any
) -> None:
    store = SettingsStore()
    seen: list[tuple[str, list[str], str]] = []
    store.subscribe(
        lambda name: seen.append(
            (name, [p.name for p in store.settings.profiles], store.settings.active_profile)
        )
    )
    before = list(store.settings.profiles)
    dialog = ProviderDialog(store, KeyStore(), lambda p: Endpoint(p.name, p.base_url, None))
    qtbot.addWidget(dialog)
    dialog._add_profile()
    dialog.reject()
    assert (seen, store.settings.profiles) == ([], before)

    dialog = ProviderDialog(store, KeyStore(), lambda p: Endpoint(p.name, p.base_url, None))
    qtbot.addWidget(dialog)
    dialog._add_profile()
    dialog.accept()
    names = [p.name for p in before] + ["New server"]
    assert seen == [("profiles", names, before[0].name)]
    assert dialog.save_error is None
    assert [p.name for p in Settings.load().profiles] == names
