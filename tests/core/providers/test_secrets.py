"""KeyStore against the real Secret Service (gnome-keyring on a private bus) and with no keyring."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import null
from keyring.compat import properties
from keyring.errors import KeyringLocked

from assistant.core.base.paths import app_paths
from assistant.core.config.settings import Settings
from assistant.core.providers.profiles import OPENAI_PROFILE, ProviderProfile
from assistant.core.providers.secrets import KeySource, KeyStore

SENTINEL = "sk-test-SENTINEL-7f3a9c1e5b2d4f60a8e9"
OTHER_KEY = "sk-test-other-0123456789abcdef0123"


def files_containing(needle: str, roots: tuple[Path, ...]) -> list[Path]:
    """Every file under ``roots`` whose bytes contain ``needle``."""
    hits = []
    for root in roots:
        if root.exists():
            hits += [
                p for p in root.rglob("*") if p.is_file() and needle.encode() in p.read_bytes()
            ]
    return hits


def all_files(roots: tuple[Path, ...]) -> list[Path]:
    return [p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()]


# -- real Secret Service --------------------------------------------------------------------------


@pytest.mark.keyring
def test_round_trip_in_the_real_secret_service(secret_service: object) -> None:
    store = KeyStore()
    assert store.backend_available
    assert "SecretService" in store.backend_name
    assert store.status_message is None

    assert store.set("My server", f"  {SENTINEL}\n") is True
    assert store.get("My server") == SENTINEL
    assert store.lookup("My server") == (SENTINEL, KeySource.KEYRING)
    # Really in the keyring under service "assistant", user = profile name; a new store sees it.
    assert keyring.get_password("assistant", "My server") == SENTINEL
    assert KeyStore().get("My server") == SENTINEL

    assert store.delete("My server") is True
    assert store.get("My server") is None
    assert keyring.get_password("assistant", "My server") is None
    assert store.delete("My server") is True  # deleting nothing is fine


@pytest.mark.keyring
def test_a_session_only_key_never_reaches_the_keyring(secret_service: object) -> None:
    store = KeyStore()
    assert store.set("One-off", SENTINEL, persist=False) is False
    assert store.lookup("One-off") == (SENTINEL, KeySource.SESSION)
    assert keyring.get_password("assistant", "One-off") is None
    assert store.status_message is None  # the keyring itself is fine


@pytest.mark.keyring
def test_keys_of_profiles_are_separate(secret_service: object) -> None:
    store = KeyStore()
    store.set("A", SENTINEL)
    store.set("B", OTHER_KEY)
    store.delete("A")
    assert store.get("A") is None
    assert store.get("B") == OTHER_KEY


@pytest.mark.keyring
def test_sentinel_key_reaches_no_app_file(secret_service: object) -> None:
    store = KeyStore()
    profile = ProviderProfile(name="Remote", kind="compatible", base_url="https://x.test/v1")
    store.set(profile.name, SENTINEL)
    store.set(OPENAI_PROFILE.name, SENTINEL)
    settings = Settings.load()
    settings.upsert_profile(profile)
    settings.active_profile = profile.name
    assert settings.save() is None
    assert KeyStore().get(profile.name) == SENTINEL

    paths = app_paths()
    assert all_files(paths.all), "the walk must see the settings file"
    assert files_containing(SENTINEL, paths.all) == []


@pytest.mark.keyring
def test_stored_key_wins_over_environment_in_the_keyring(
    secret_service: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", OTHER_KEY)
    store = KeyStore()
    assert store.lookup(OPENAI_PROFILE.name) == (OTHER_KEY, KeySource.ENVIRONMENT)
    store.set(OPENAI_PROFILE.name, SENTINEL)
    assert store.lookup(OPENAI_PROFILE.name) == (SENTINEL, KeySource.KEYRING)


@pytest.mark.keyring
def test_keys_are_never_logged(secret_service: object, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    store = KeyStore()
    store.set("Logged", SENTINEL)
    store.get("Logged")
    store.delete("Logged")
    assert caplog.records, "the store logs what it does"
    assert SENTINEL not in caplog.text


# -- no keyring -----------------------------------------------------------------------------------


def test_without_keyring_the_key_lives_in_memory_only(no_keyring: KeyringBackend) -> None:
    store = KeyStore()
    assert not store.backend_available
    message = store.status_message
    assert message is not None
    assert "session only" in message and "asked again" in message

    assert store.set("My server", SENTINEL) is False
    assert store.lookup("My server") == (SENTINEL, KeySource.SESSION)
    assert KeyStore().get("My server") is None  # the next session asks again
    assert store.delete("My server") is True
    assert store.get("My server") is None


def test_without_keyring_nothing_is_written(
    no_keyring: KeyringBackend, app_home: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    store = KeyStore()
    store.set("My server", SENTINEL)
    assert store.get("My server") == SENTINEL
    assert all_files((tmp_path,)) == []
    assert SENTINEL not in caplog.text


def test_fail_and_null_backends_count_as_unavailable(no_keyring: KeyringBackend) -> None:
    assert not KeyStore(backend=no_keyring).backend_available
    store = KeyStore(backend=null.Keyring())
    assert not store.backend_available
    assert store.set("P", SENTINEL) is False
    assert store.get("P") == SENTINEL


class _LockedKeyring(KeyringBackend):
    """A keyring whose unlock prompt the person dismissed (what SecretService raises then)."""

    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("a test double: never picked by keyring's own detection")

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("Failed to unlock the collection!")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringLocked("Failed to unlock the collection!")


def test_locked_keyring_falls_back_to_session_and_says_so() -> None:
    store = KeyStore(backend=_LockedKeyring())
    assert store.backend_available
    assert store.set("P", SENTINEL) is False
    assert not store.backend_available
    assert store.get("P") == SENTINEL
    assert "locked" in (store.status_message or "")


# -- environment ----------------------------------------------------------------------------------


def test_environment_is_a_fallback_for_the_openai_preset(
    no_keyring: KeyringBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", f" {OTHER_KEY} ")
    store = KeyStore()
    assert store.lookup(OPENAI_PROFILE.name) == (OTHER_KEY, KeySource.ENVIRONMENT)
    assert store.get("My server") is None  # only the OpenAI preset reads OPENAI_API_KEY

    store.set(OPENAI_PROFILE.name, SENTINEL)
    assert store.get(OPENAI_PROFILE.name) == SENTINEL  # an explicit key wins
    store.delete(OPENAI_PROFILE.name)
    assert store.get(OPENAI_PROFILE.name) == OTHER_KEY


def test_blank_environment_variable_is_ignored(
    no_keyring: KeyringBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "  ")
    assert KeyStore().get(OPENAI_PROFILE.name) is None


def test_empty_key_is_refused(no_keyring: KeyringBackend) -> None:
    with pytest.raises(ValueError, match="delete"):
        KeyStore().set("P", "   ")


def test_constructing_a_store_does_not_import_keyring() -> None:
    code = (
        "import sys; from assistant.core.providers.secrets import KeyStore; KeyStore(); "
        "print('keyring' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
