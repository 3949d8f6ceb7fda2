"""Settings: defaults from one table, tolerant loading, atomic saving, never a key in the file."""

from __future__ import annotations

import json
import os
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from assistant.core.base.paths import app_paths
from assistant.core.config.settings import Settings, settings_path
from assistant.core.providers.profiles import (
    BUILTIN_NAME,
    BUILTIN_PROFILE,
    OPENAI_PROFILE,
    PRESETS,
    ProviderProfile,
)

KEY = "sk-proj-abcdefghijklmnopqrstuvwxyz012345"


def write_settings(data: Any) -> Path:
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_defaults() -> None:
    settings = Settings()
    assert settings.active_profile == BUILTIN_NAME
    assert settings.profiles == list(PRESETS)
    assert settings.active() == BUILTIN_PROFILE
    assert (settings.last_mode, settings.mode_params) == ("article", {})
    assert (settings.local_only, settings.theme, settings.language) == (False, "auto", "")
    assert (settings.engine_model_path, settings.engine_context) == ("", 4096)
    assert (settings.engine_threads, settings.engine_gpu_layers) == (0, 0)
    assert (settings.request_timeout, settings.max_retries, settings.window_geometry) == (60, 2, "")
    assert settings.purge_deleted_days == 30


def test_every_option_is_documented_in_the_table() -> None:
    options = [f for f in fields(Settings) if not f.metadata.get("internal")]
    assert len(options) == 17
    assert all(f.metadata.get("doc") for f in options)


def test_no_file_gives_defaults_and_creates_nothing(app_home: Path) -> None:
    settings = Settings.load()
    warnings = settings.load_warnings
    assert settings == Settings()
    assert warnings == []
    assert not app_home.exists()


def test_round_trip() -> None:
    settings = Settings(
        last_mode="code-explain",
        mode_params={"article": {"temperature": 0.2, "stop": ["END"]}},
        local_only=True,
        theme="dark",
        language="pt_BR",
        engine_model_path="/models/x.gguf",
        engine_context=8192,
        engine_threads=2,
        engine_gpu_layers=10,
        request_timeout=12.5,
        max_retries=0,
        window_geometry="AdnQywADAAA=",
        purge_deleted_days=7,
    )
    server = ProviderProfile(
        name="Ollama", kind="compatible", base_url="http://localhost:11434/v1", model="qwen"
    )
    settings.upsert_profile(server)
    settings.active_profile = "Ollama"

    assert settings.save() is None
    loaded = Settings.load()
    warnings = loaded.load_warnings
    assert warnings == []
    assert loaded == settings
    assert loaded.active() == server
    assert json.loads(settings_path().read_text())["version"] == 1
    assert [p.name for p in settings_path().parent.iterdir()] == ["settings.json"]  # no temp file


def test_unknown_keys_are_kept() -> None:
    write_settings({"theme": "light", "future_option": {"a": [1, 2]}})
    settings = Settings.load()
    warnings = settings.load_warnings
    assert warnings == []
    assert settings.theme == "light"
    assert settings.save() is None
    assert json.loads(settings_path().read_text())["future_option"] == {"a": [1, 2]}


@pytest.mark.parametrize(
    ("name", "bad"),
    [
        ("theme", "neon"),
        ("engine_context", "4096"),
        ("engine_context", 12),
        ("max_retries", True),
        ("max_retries", 2.5),
        ("purge_deleted_days", -1),
        ("purge_deleted_days", "30"),
        ("request_timeout", -1),
        ("local_only", "yes"),
        ("language", "???"),
        ("window_geometry", "not base64!"),
        ("last_mode", ""),
        ("active_profile", 3),
        ("mode_params", []),
        ("profiles", {"name": "x"}),
    ],
)
def test_bad_value_becomes_default_with_a_warning(name: str, bad: Any) -> None:
    write_settings({name: bad, "theme": "dark"} if name != "theme" else {name: bad})
    settings = Settings.load()
    warnings = settings.load_warnings
    assert getattr(settings, name) == getattr(Settings(), name)
    assert len(warnings) == 1
    assert repr(name) in warnings[0]
    if name != "theme":
        assert settings.theme == "dark"  # good values next to the bad one survive


def test_int_is_accepted_for_a_float_setting() -> None:
    write_settings({"request_timeout": 30})
    settings = Settings.load()
    warnings = settings.load_warnings
    assert settings.request_timeout == 30.0 and isinstance(settings.request_timeout, float)
    assert warnings == []


def test_bad_profiles_are_dropped_and_the_builtin_profile_is_restored() -> None:
    write_settings(
        {
            "profiles": [
                {"name": "Good", "kind": "compatible", "base_url": "http://127.0.0.1:1/v1"},
                {"name": "Good", "kind": "openai"},
                {"name": "No kind"},
                {"name": "Bad kind", "kind": "ftp"},
                "not a profile",
            ],
            "active_profile": "Gone",
        }
    )
    settings = Settings.load()
    warnings = settings.load_warnings
    assert [p.name for p in settings.profiles] == [BUILTIN_NAME, "Good"]
    good = settings.profile("Good")
    assert good is not None and good.kind == "compatible"
    assert settings.active_profile == BUILTIN_NAME
    assert len(warnings) == 5


def test_a_key_in_the_file_is_dropped_and_never_written_back() -> None:
    openai = OPENAI_PROFILE.to_dict() | {"api_key": KEY}
    write_settings({"profiles": [BUILTIN_PROFILE.to_dict(), openai], "api_key": KEY})
    settings = Settings.load()
    warnings = settings.load_warnings
    assert settings.profile("OpenAI") == OPENAI_PROFILE
    assert len(warnings) == 2
    assert all(KEY not in w for w in warnings)
    assert settings.save() is None
    assert KEY not in settings_path().read_text()


def test_save_refuses_values_that_look_like_keys() -> None:
    settings = Settings(mode_params={"article": {"api_key": KEY, "temperature": 0.1}})
    settings.upsert_profile(ProviderProfile(name="Oops", kind="openai", model=KEY))
    message = settings.save()
    assert message is not None and "API key" in message
    assert KEY not in message
    text = settings_path().read_text()
    assert KEY not in text
    assert json.loads(text)["mode_params"] == {"article": {"temperature": 0.1}}


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b"\xff\xfe\x00garbage", b""])
def test_corrupt_file_is_moved_aside(content: bytes) -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    settings = Settings.load()
    warnings = settings.load_warnings
    assert settings == Settings()
    assert not path.exists()
    (aside,) = path.parent.glob("settings.json.corrupt-*")
    assert aside.read_bytes() == content
    assert len(warnings) == 1 and aside.name in warnings[0]

    path.write_bytes(content)  # a second corrupt file in the same second keeps the first
    Settings.load()
    assert len(list(path.parent.glob("settings.json.corrupt-*"))) == 2


def test_unwritable_config_location_gives_a_message(app_home: Path) -> None:
    app_home.mkdir()
    app_paths().config.write_text("a file where the config folder should be")
    settings = Settings(theme="dark")
    message = settings.save()
    assert message is not None
    assert str(settings_path()) in message and "session only" in message


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permission bits; see the test above")
def test_read_only_config_dir_gives_a_message() -> None:
    config = app_paths().config
    config.mkdir(parents=True)
    config.chmod(0o500)
    try:
        message = Settings().save()
    finally:
        config.chmod(0o700)
    assert message is not None and "writable" in message
    assert list(config.iterdir()) == []


def test_upsert_replaces_in_place_or_appends() -> None:
    settings = Settings()
    changed = OPENAI_PROFILE.with_changes(model="gpt-4o")
    settings.upsert_profile(changed)
    assert settings.profiles[1] == changed
    assert len(settings.profiles) == len(PRESETS)
    extra = ProviderProfile(name="LM Studio", kind="compatible")
    settings.upsert_profile(extra)
    assert settings.profiles[-1] == extra


def test_removing_the_active_profile_falls_back_to_builtin() -> None:
    settings = Settings(active_profile=OPENAI_PROFILE.name)
    assert settings.active() == OPENAI_PROFILE
    assert settings.remove_profile(OPENAI_PROFILE.name) is True
    assert settings.profile(OPENAI_PROFILE.name) is None
    assert settings.active_profile == BUILTIN_NAME
    assert settings.remove_profile("missing") is False
    with pytest.raises(ValueError, match="built-in"):
        settings.remove_profile(BUILTIN_NAME)


def test_unknown_active_name_resolves_to_builtin() -> None:
    assert Settings(active_profile="nope").active() == BUILTIN_PROFILE
