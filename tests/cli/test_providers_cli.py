"""`assistant providers` as a person runs it: saved profiles, then every preset."""

from __future__ import annotations

from assistant.core.config.settings import Settings
from assistant.core.providers.presets import load_presets, preset
from tests.cli.test_history_cli import assistant


def test_providers_lists_saved_profiles_and_presets() -> None:
    settings = Settings()
    kimi = preset("moonshot")
    assert kimi is not None
    settings.upsert_profile(kimi.profile("My Kimi"))
    settings.active_profile = "My Kimi"
    assert settings.save() is None
    done = assistant("providers")
    assert done.returncode == 0, done.stderr
    saved, _, presets = done.stdout.partition("Presets:")
    assert "* My Kimi" in saved and "https://api.moonshot.cn/v1" in saved
    assert "Built-in (local)" in saved
    for found in load_presets():
        assert found.id in presets and found.base_url in presets
    assert "sk-" not in done.stdout


def test_providers_presets_only() -> None:
    done = assistant("providers", "--presets")
    assert done.returncode == 0, done.stderr
    assert "Saved profiles" not in done.stdout
    assert "https://open.bigmodel.cn/api/paas/v4" in done.stdout
