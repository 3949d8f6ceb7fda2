"""Settings → Providers: pick a preset, paste the key, Test connection lists the models."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from assistant.core.config.settings import Settings
from assistant.core.config.store import SettingsStore
from assistant.core.providers.presets import load_presets
from assistant.core.providers.secrets import KeyStore
from assistant.core.work.endpoints import ProviderResolver
from assistant.ui.provider_dialog import ProviderDialog
from tests.fakeserver import FakeOpenAIServer


def make_dialog(qtbot: QtBot, settings: Settings, keys: KeyStore) -> ProviderDialog:
    resolver = ProviderResolver(keys)  # the app's own resolver: key checks, Azure, env keys
    dialog = ProviderDialog(
        SettingsStore(settings), keys, lambda p: resolver.resolve(p, lambda _text: None)
    )
    qtbot.addWidget(dialog)
    return dialog


def test_the_picker_offers_every_preset_and_adds_a_profile(qtbot: QtBot, no_keyring: Any) -> None:
    settings = Settings()
    dialog = make_dialog(qtbot, settings, KeyStore())
    picker = dialog.preset_picker
    offered = [picker.itemData(i) for i in range(1, picker.count())]
    assert offered == [p.id for p in load_presets()]
    picker.pick("deepseek")
    assert picker.currentIndex() == 0  # back to "Add from preset…"
    assert dialog.name.text() == "DeepSeek"
    assert dialog.base_url.text() == "https://api.deepseek.com"
    assert dialog.model.currentText() == "deepseek-flash"
    assert "platform.deepseek.com" in dialog.key_link.text()
    picker.pick("deepseek")  # a second one gets its own name
    assert dialog.name.text() == "DeepSeek 2"
    dialog.accept()
    saved = settings.profile("DeepSeek")
    assert saved is not None and saved.preset == "deepseek" and saved.needs_key


def test_azure_preset_paste_key_and_test_connection(
    qtbot: QtBot, openai_server: FakeOpenAIServer, no_keyring: Any
) -> None:
    openai_server.api_key = "azure-SENTINEL"
    openai_server.models = ["gpt-4o-mini", "o4-mini"]
    settings, keys = Settings(), KeyStore()
    dialog = make_dialog(qtbot, settings, keys)
    dialog.preset_picker.pick("azure")
    assert dialog.kind.currentData() == "azure"
    assert not dialog.api_version.isHidden()
    label = dialog._form.labelForField(dialog.model)
    assert label is not None and label.text() == "Deployment"  # type: ignore[attr-defined]
    dialog.base_url.setText(openai_server.url)
    dialog.base_url.textEdited.emit(openai_server.url)
    dialog.model.setEditText("my-deployment")
    dialog.api_key.setText("azure-SENTINEL")
    dialog.api_key.textEdited.emit("azure-SENTINEL")  # pasted, not saved yet
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "Connected" in dialog.test_result.text(), timeout=5000)
    assert "gpt-4o-mini" in dialog.test_result.text()
    request = openai_server.requests[-1]
    assert request.path == "/openai/models" and "api-version=2024-10-21" in request.query
    assert request.headers["api-key"] == "azure-SENTINEL"
    dialog.accept()
    profile = settings.profile("Azure OpenAI")
    assert profile is not None and profile.kind == "azure"
    assert profile.api_version == "2024-10-21" and profile.model == "my-deployment"
    assert keys.get("Azure OpenAI") == "azure-SENTINEL"


def test_other_kinds_hide_the_api_version(qtbot: QtBot, no_keyring: Any) -> None:
    dialog = make_dialog(qtbot, Settings(), KeyStore())
    dialog.preset_picker.pick("ollama")
    assert dialog.api_version.isHidden()
    assert "text only" in dialog.key_link.text()


def test_a_keyless_preset_disables_the_key_field_and_its_keyring_note(
    qtbot: QtBot, no_keyring: Any
) -> None:
    dialog = make_dialog(qtbot, Settings(), KeyStore())
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.preset_picker.pick("deepseek")  # needs a key: the field and the no-keyring note
    assert dialog.needs_key.isChecked() and dialog.api_key.isEnabled()
    assert dialog.key_note.text() and not dialog.key_note.isHidden()
    assert dialog.focusWidget() is dialog.api_key
    for preset_id in ("ollama", "lmstudio", "vllm", "llamacpp"):
        dialog.preset_picker.pick(preset_id)
        assert not dialog.needs_key.isChecked()
        assert not dialog.api_key.isEnabled()
        assert dialog.key_note.isHidden()  # the keyring matters only when a key is needed
        assert dialog.focusWidget() is not dialog.api_key
    dialog.needs_key.setChecked(True)  # a local server behind a key: the field comes back
    assert dialog.api_key.isEnabled() and not dialog.key_note.isHidden()
