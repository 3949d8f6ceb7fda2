"""The settings store: changes announced by name, observers filtered, one save rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.core.config.settings import Settings, settings_path
from assistant.core.config.store import SettingsStore, on_change
from assistant.core.providers.profiles import BUILTIN_NAME, OPENAI_PROFILE, ProviderProfile

SERVER = ProviderProfile(name="Ollama", kind="compatible", base_url="http://localhost:11434/v1")


def saved() -> dict[str, object]:
    return json.loads(settings_path().read_text(encoding="utf-8"))


class Recorder:
    """An observer declared where it is used, as a view would."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.themes: list[str] = []

    @on_change("theme", "local_only")
    def on_look(self, name: str) -> None:
        self.seen.append(name)

    @on_change("theme")
    def on_theme(self, name: str) -> None:
        self.themes.append(name)


def test_a_change_is_announced_to_the_listeners_of_that_name_only() -> None:
    store = SettingsStore()
    themes: list[str] = []
    everything: list[str] = []
    store.subscribe(themes.append, "theme")
    store.subscribe(everything.append)
    assert store.set("theme", "dark")
    assert store.set("engine_context", 8192)
    assert themes == ["theme"]
    assert everything == ["theme", "engine_context"]
    assert store.settings.theme == "dark"


def test_setting_the_same_value_announces_and_saves_nothing(app_home: Path) -> None:
    store = SettingsStore(Settings(theme="dark"))
    seen: list[str] = []
    store.subscribe(seen.append)
    assert not store.set("theme", "dark")
    assert seen == []
    assert not store.dirty
    assert not settings_path().exists()


def test_decorated_methods_are_observers_filtered_by_name() -> None:
    store = SettingsStore()
    recorder = Recorder()
    unsubscribe = store.observe(recorder)
    store.update(theme="light", local_only=True, engine_threads=2)
    assert recorder.seen == ["theme", "local_only"]
    assert recorder.themes == ["theme"]
    unsubscribe()
    store.set("theme", "dark")
    assert recorder.themes == ["theme"]


def test_unknown_names_fail_early() -> None:
    store = SettingsStore()
    with pytest.raises(KeyError, match="colour"):
        store.subscribe(print, "colour")
    with pytest.raises(KeyError, match="colour"):
        on_change("colour")
    with pytest.raises(KeyError):
        store.set("colour", "red")
    with pytest.raises(KeyError):
        store.set("load_warnings", [])


@pytest.mark.parametrize(
    ("name", "bad"),
    [("theme", "neon"), ("engine_context", "4096"), ("max_retries", True), ("local_only", 1)],
)
def test_values_the_table_refuses_are_refused_and_nothing_changes(name: str, bad: object) -> None:
    store = SettingsStore()
    seen: list[str] = []
    store.subscribe(seen.append)
    with pytest.raises(ValueError, match=name):
        store.set(name, bad)
    assert getattr(store.settings, name) == getattr(Settings(), name)
    assert (seen, store.dirty) == ([], False)


def test_an_int_is_accepted_for_a_float_setting() -> None:
    store = SettingsStore()
    store.set("request_timeout", 30)
    assert store.settings.request_timeout == 30.0
    assert isinstance(store.settings.request_timeout, float)


def test_without_a_scheduler_every_change_is_written_at_once() -> None:
    store = SettingsStore()
    store.set("theme", "dark")
    assert saved()["theme"] == "dark"
    assert not store.dirty


def test_with_a_scheduler_changes_wait_for_flush_and_are_written_once(app_home: Path) -> None:
    store = SettingsStore()
    requests: list[int] = []
    store.use_save_scheduler(lambda: requests.append(1))
    store.set("theme", "dark")
    store.update(engine_context=8192, engine_threads=3)
    assert len(requests) == 2  # one request per change or batch; the scheduler debounces them
    assert store.dirty and not settings_path().exists()
    assert store.flush() is None
    data = saved()
    assert (data["theme"], data["engine_context"], data["engine_threads"]) == ("dark", 8192, 3)
    assert store.flush() is None and not store.dirty
    assert [p.name for p in settings_path().parent.iterdir()] == ["settings.json"]


def test_observers_of_a_batch_see_all_of_its_changes() -> None:
    store = SettingsStore()
    seen: list[tuple[str, str, str]] = []

    def follow(name: str) -> None:
        seen.append((name, store.settings.active().name, store.settings.active().model))

    store.subscribe(follow, "profiles", "active_profile")
    with store.batch():
        store.upsert_profile(SERVER.with_changes(model="qwen"))
        store.set("active_profile", "Ollama")
        assert seen == []
    assert seen == [("profiles", "Ollama", "qwen"), ("active_profile", "Ollama", "qwen")]


def test_removing_the_active_profile_announces_the_fallback() -> None:
    store = SettingsStore()
    store.update(profiles=[*store.settings.profiles, SERVER], active_profile="Ollama")
    seen: list[str] = []
    store.subscribe(seen.append)
    assert store.remove_profile("Ollama")
    assert store.settings.active_profile == BUILTIN_NAME
    assert seen == ["profiles", "active_profile"]
    assert not store.remove_profile("Ollama")
    with pytest.raises(ValueError, match="built-in"):
        store.remove_profile(BUILTIN_NAME)


def test_profiles_and_the_active_name_are_checked() -> None:
    store = SettingsStore()
    with pytest.raises(ValueError, match="unique"):
        store.set("profiles", [*store.settings.profiles, OPENAI_PROFILE])
    with pytest.raises(ValueError, match="built-in"):
        store.set("profiles", [OPENAI_PROFILE])
    with pytest.raises(ValueError, match="Nowhere"):
        store.set("active_profile", "Nowhere")
    with pytest.raises(ValueError, match="mode_params"):
        store.set("mode_params", {"article": 0.2})


def test_upsert_replaces_a_profile_in_place_and_announces_it() -> None:
    store = SettingsStore()
    seen: list[str] = []
    store.subscribe(seen.append, "profiles")
    held = store.settings.profiles
    before = list(held)
    changed = OPENAI_PROFILE.with_changes(model="gpt-4o")
    assert store.upsert_profile(changed)
    assert [p.name for p in store.settings.profiles] == [p.name for p in before]
    assert store.settings.profile(OPENAI_PROFILE.name) == changed
    assert not store.upsert_profile(changed)
    assert seen == ["profiles"]
    assert held == before, "the list a view may hold is never changed in place"


def test_mode_params_are_replaced_not_mutated() -> None:
    store = SettingsStore()
    held = store.settings.mode_params
    seen: list[str] = []
    store.subscribe(seen.append, "mode_params")
    assert store.set_mode_params("article", {"temperature": 0.2})
    assert store.settings.mode_params == {"article": {"temperature": 0.2}}
    assert held == {}
    assert not store.set_mode_params("article", {"temperature": 0.2})
    assert seen == ["mode_params"]


def test_a_failing_listener_does_not_stop_the_others_and_is_raised() -> None:
    store = SettingsStore()
    seen: list[str] = []

    def broken(name: str) -> None:
        raise RuntimeError("view bug")

    store.subscribe(broken)
    store.subscribe(seen.append)
    with pytest.raises(RuntimeError, match="view bug"):
        store.set("theme", "dark")
    assert seen == ["theme"]
    assert not store.dirty, "the save still happened"


def test_a_listener_may_change_another_setting() -> None:
    store = SettingsStore()
    seen: list[str] = []
    store.subscribe(lambda _name: store.set("engine_threads", 4), "engine_context")
    store.subscribe(seen.append)
    store.set("engine_context", 8192)
    assert store.settings.engine_threads == 4
    assert sorted(seen) == ["engine_context", "engine_threads"]


def test_a_failed_write_stays_pending_and_is_reported(app_home: Path) -> None:
    app_home.mkdir()
    (app_home / "config").write_text("a file where the config folder should be")
    store = SettingsStore()
    problems: list[str] = []
    store.on_save_problem(problems.append)
    store.set("theme", "dark")
    assert store.dirty
    assert len(problems) == 1 and "session only" in problems[0]
    (app_home / "config").unlink()
    assert store.flush() is None
    assert saved()["theme"] == "dark"
    assert len(problems) == 1


def test_the_file_stays_compatible_with_load() -> None:
    store = SettingsStore(Settings.load())
    store.update(theme="light", purge_deleted_days=7, local_only=True)
    store.upsert_profile(SERVER)
    assert Settings.load() == store.settings
