"""`assistant providers` as a person runs it: saved profiles, then every preset."""

from __future__ import annotations

from assistant.cli.columns import columns
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


def test_a_chinese_profile_name_keeps_the_columns_aligned() -> None:
    qwen = preset("qwen")
    assert qwen is not None
    settings = Settings.load()
    settings.upsert_profile(qwen.profile().with_changes(name="通义千问"))
    settings.save()
    done = assistant("providers")
    assert done.returncode == 0, done.stderr
    saved = done.stdout.split("\n\n")[0].splitlines()
    rows = [line for line in saved if "://" in line]
    assert len(rows) == 3
    starts = {columns(line[: line.index("http")]) for line in rows}
    assert len(starts) == 1, done.stdout  # every URL starts at the same terminal column
