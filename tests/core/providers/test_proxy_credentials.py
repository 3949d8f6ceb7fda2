"""Proxy credentials are secrets: in the keyring, never in settings.json, never shown or logged.

Against a real loopback proxy that demands them (407 otherwise), a real settings file, and keyring's
fail backend or the real Secret Service in a throwaway D-Bus session.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.core.config.settings import Settings, settings_path
from assistant.core.providers.client import Endpoint, list_server_models, stream_chat
from assistant.core.providers.errors import ProviderError
from assistant.core.providers.network_policy import (
    join_proxy_credentials,
    split_proxy_credentials,
)
from assistant.core.providers.params import GenerationParams
from assistant.core.providers.profiles import ProviderProfile
from assistant.core.providers.redaction import redact, redact_url
from assistant.core.providers.secrets import KeyStore
from assistant.core.work.endpoints import ProviderResolver, keep_proxy_credentials_in
from tests.core.providers.test_network_policy import REMOTE_URL, ForwardProxy, basic
from tests.fakeserver import FakeOpenAIServer

PASSWORD = "Pr0xy-SENTINEL-pw"
CREDENTIALS = f"alice:{PASSWORD}"
NAME = "Behind a proxy"


def profile_with(proxy: str) -> ProviderProfile:
    return ProviderProfile(name=NAME, kind="compatible", base_url=REMOTE_URL, proxy=proxy)


def files_holding(needle: str, root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and needle.encode() in p.read_bytes()]


@pytest.fixture
def auth_proxy(openai_server: FakeOpenAIServer) -> Iterator[ForwardProxy]:
    """A loopback proxy to the fake server that answers 407 without CREDENTIALS."""
    with ForwardProxy(openai_server.port) as running:
        running.credentials = CREDENTIALS
        yield running


@pytest.mark.parametrize(
    ("url", "bare", "credentials"),
    [
        ("http://alice:pw@proxy:3128", "http://proxy:3128", "alice:pw"),
        ("http://a%40b:p%3Aw@proxy:3128/x?y=z@w", "http://proxy:3128/x?y=z@w", "a%40b:p%3Aw"),
        ("alice:pw@proxy:3128", "proxy:3128", "alice:pw"),  # no scheme: still found
        ("socks5://alice@proxy:1080", "socks5://proxy:1080", "alice"),
        (" http://proxy:3128 ", "http://proxy:3128", ""),
        ("", "", ""),
    ],
)
def test_split_and_join(url: str, bare: str, credentials: str) -> None:
    assert split_proxy_credentials(url) == (bare, credentials)
    if credentials:
        assert join_proxy_credentials(bare, credentials) == url.strip()


def test_redacted_in_messages_and_reprs() -> None:
    url = f"http://{CREDENTIALS}@proxy.example:3128"
    assert redact_url(url) == "http://***@proxy.example:3128"
    assert redact_url(f"{CREDENTIALS}@proxy:3128") == "***@proxy:3128"
    assert redact_url("http://proxy:3128/a@b") == "http://proxy:3128/a@b"
    assert PASSWORD not in redact(f"ProxyError: 407 from {url}")
    error = ProviderError("connection", f"Could not reach {url}", detail=f"via {url}")
    assert PASSWORD not in str(error) + error.detail + repr(error)
    endpoint = Endpoint("P", REMOTE_URL, None, proxy=url)
    assert PASSWORD not in repr(endpoint) and "proxy.example" in repr(endpoint)


def test_a_proxy_that_is_not_a_url_is_refused_without_its_password() -> None:
    endpoint = Endpoint(NAME, REMOTE_URL, None, proxy=f"{CREDENTIALS}@proxy:3128")
    with pytest.raises(ProviderError) as caught:
        list_server_models(endpoint)
    assert "not a proxy URL" in str(caught.value)
    assert PASSWORD not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__context__ is None


def test_saving_moves_typed_credentials_to_the_key_store(
    auth_proxy: ForwardProxy,
    openai_server: FakeOpenAIServer,
    no_keyring: Any,
    app_home: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    keys = KeyStore()
    settings = Settings(credential_store=keys)
    typed = join_proxy_credentials(auth_proxy.url, CREDENTIALS)
    settings.upsert_profile(profile_with(typed))  # as Settings → Providers leaves it
    problem = settings.save()
    assert problem is not None and "this session only" in problem and NAME in problem
    assert settings.profile(NAME) == profile_with(auth_proxy.url)
    assert keys.proxy_credentials(auth_proxy.url) == CREDENTIALS
    assert files_holding(PASSWORD, app_home) == []
    assert Settings.load().profile(NAME) == profile_with(auth_proxy.url)

    endpoint = ProviderResolver(keys).resolve(profile_with(auth_proxy.url), lambda _text: None)
    assert list_server_models(endpoint) == openai_server.models
    messages = [{"role": "user", "content": "hi"}]
    assert list(stream_chat(endpoint, messages, GenerationParams(), "m"))
    assert auth_proxy.authorizations == [basic(CREDENTIALS)] * 2
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert PASSWORD not in logged and PASSWORD not in caplog.text


def test_without_credentials_the_proxy_refuses(
    auth_proxy: ForwardProxy, no_keyring: Any, app_home: Path
) -> None:
    endpoint = ProviderResolver(KeyStore()).resolve(profile_with(auth_proxy.url), lambda _t: None)
    with pytest.raises(ProviderError) as caught:
        list_server_models(endpoint)
    assert caught.value.kind == "auth"
    assert "proxy" in str(caught.value) and "407" in str(caught.value)
    assert auth_proxy.authorizations == [None]


def test_settings_without_a_key_store_never_write_the_password(
    no_keyring: Any, app_home: Path
) -> None:
    settings = Settings()
    settings.upsert_profile(profile_with(f"http://{CREDENTIALS}@proxy:3128"))
    assert "this session only" in (settings.save() or "")
    assert files_holding(PASSWORD, app_home) == []
    assert CREDENTIALS in (settings.profile(NAME) or profile_with("")).proxy  # still works now


def write_old_settings_file(proxy: str) -> Path:
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    old = {"version": 1, "profiles": [profile_with(proxy).__dict__], "active_profile": NAME}
    path.write_text(json.dumps(old), encoding="utf-8")
    return path


@pytest.mark.keyring
def test_an_old_settings_file_is_migrated_into_the_keyring(
    auth_proxy: ForwardProxy,
    openai_server: FakeOpenAIServer,
    secret_service: Any,
    app_home: Path,
) -> None:
    path = write_old_settings_file(join_proxy_credentials(auth_proxy.url, CREDENTIALS))
    settings = Settings.load()
    keys = KeyStore()
    keep_proxy_credentials_in(keys, settings)
    assert settings.load_warnings == []
    assert PASSWORD not in path.read_text(encoding="utf-8")
    assert auth_proxy.url in path.read_text(encoding="utf-8")
    assert files_holding(PASSWORD, app_home) == []

    fresh_keys = KeyStore()  # a later start: only the keyring knows the password
    assert fresh_keys.proxy_credentials(auth_proxy.url) == CREDENTIALS
    profile = Settings.load().profile(NAME)
    assert profile is not None and profile.proxy == auth_proxy.url
    endpoint = ProviderResolver(fresh_keys).resolve(profile, lambda _text: None)
    assert list_server_models(endpoint) == openai_server.models
    assert auth_proxy.authorizations == [basic(CREDENTIALS)]


def test_an_old_file_without_a_keyring_is_rewritten_and_says_so(
    no_keyring: Any, app_home: Path
) -> None:
    path = write_old_settings_file(f"http://{CREDENTIALS}@proxy:3128")
    settings = Settings.load()
    keep_proxy_credentials_in(KeyStore(), settings)
    assert PASSWORD not in path.read_text(encoding="utf-8")
    assert any("this session only" in warning for warning in settings.load_warnings)


def test_a_file_with_nothing_to_migrate_is_left_alone(no_keyring: Any, app_home: Path) -> None:
    path = write_old_settings_file("http://proxy:3128")
    before = path.read_bytes()
    keep_proxy_credentials_in(KeyStore(), Settings.load())
    assert path.read_bytes() == before
