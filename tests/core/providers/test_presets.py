"""Provider presets (providers.toml) and the Azure OpenAI request shape on the loopback server."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from assistant.core.config.settings import Settings
from assistant.core.providers.client import (
    Delta,
    Endpoint,
    Usage,
    list_server_models,
    stream_chat,
)
from assistant.core.providers.errors import ProviderError
from assistant.core.providers.params import GenerationParams
from assistant.core.providers.presets import (
    REQUIRED_KEYS,
    load_presets,
    parse_presets,
    preset,
    preset_for,
)
from assistant.core.providers.profiles import ProviderProfile
from assistant.core.providers.secrets import KeyStore
from assistant.core.work.endpoints import ProviderResolver
from tests.fakeserver import FakeOpenAIServer

ISSUE_PROVIDERS = (
    "openai", "azure", "deepseek", "qwen", "qwen-intl", "moonshot", "zhipu", "siliconflow",
    "openrouter", "groq", "mistral", "together", "ollama", "lmstudio", "vllm", "llamacpp",
)  # fmt: skip


def test_every_preset_has_the_required_keys_and_sensible_values() -> None:
    import tomllib

    from assistant.core.base.resources import read_text

    raw = tomllib.loads(read_text("providers.toml"))["preset"]
    assert {item["id"] for item in raw} >= set(ISSUE_PROVIDERS)
    for item in raw:
        missing = [key for key in REQUIRED_KEYS if key not in item]
        assert not missing, (item["id"], missing)
    for found in load_presets():
        assert found.source.startswith("https://"), found.id
        assert found.base_url.startswith(("https://", "http://localhost")), found.id
        if found.is_local:
            assert not found.needs_key and not found.key_url, found.id
        else:
            assert found.needs_key and found.key_url.startswith("https://"), found.id
            assert found.model, found.id
        assert (found.kind == "azure") == bool(found.api_version), found.id


def test_a_preset_becomes_a_profile_that_survives_the_settings_file() -> None:
    deepseek = preset("deepseek")
    assert deepseek is not None
    settings = Settings()
    settings.upsert_profile(deepseek.profile())
    assert settings.save() is None
    profile = Settings.load().profile("DeepSeek")
    assert profile is not None
    assert profile.base_url == "https://api.deepseek.com" and profile.preset == "deepseek"
    assert profile.needs_key and profile.images
    assert preset_for(profile) == deepseek
    azure = preset("azure")
    assert azure is not None
    settings.upsert_profile(azure.profile("Work Azure"))
    assert settings.save() is None
    loaded = Settings.load().profile("Work Azure")
    assert loaded is not None and loaded.kind == "azure" and loaded.api_version == "2024-10-21"


def test_a_profile_without_preset_id_is_matched_by_its_url() -> None:
    profile = ProviderProfile("Mine", "compatible", "https://api.groq.com/openai/v1/")
    found = preset_for(profile)
    assert found is not None and found.id == "groq"
    assert preset_for(ProviderProfile("Other", "compatible", "http://10.0.0.2/v1")) is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[[preset]]\nid = "x"\n', "has no"),
        ('[[preset]]\nid="x"\nname="X"\nkind="nope"\nbase_url=""\nmodel=""\n'
         'needs_key=false\nimages=false\nsource=""\n', "unknown kind"),
        ('[[preset]]\nid="x"\nname="X"\nkind="compatible"\nbase_url=""\nmodel=""\n'
         'needs_key="yes"\nimages=false\nsource=""\n', "needs_key must be a bool"),
    ],
)  # fmt: skip
def test_a_broken_presets_file_is_named(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_presets(text)


def azure_endpoint(server: FakeOpenAIServer, key: str | None = "azure-key") -> Endpoint:
    return Endpoint(
        "Azure", server.url, key, read_timeout=2, max_retries=0, api_version="2024-10-21"
    )


def test_azure_chat_goes_to_the_deployment_with_api_version_and_api_key_header(
    openai_server: FakeOpenAIServer,
) -> None:
    openai_server.api_key = "azure-key"
    openai_server.reply = "Hi from Azure"
    events = list(
        stream_chat(
            azure_endpoint(openai_server),
            [{"role": "user", "content": "hi"}],
            GenerationParams(max_tokens=20),
            "my-deployment",
        )
    )
    assert "".join(e.text for e in events if isinstance(e, Delta)) == "Hi from Azure"
    (request,) = openai_server.chat_requests
    assert request.path == "/openai/deployments/my-deployment/chat/completions"
    assert parse_qs(request.query) == {"api-version": ["2024-10-21"]}
    assert request.headers["api-key"] == "azure-key"
    assert "authorization" not in request.headers
    assert request.body["model"] == "my-deployment"


def test_azure_test_connection_lists_the_resource_models(
    openai_server: FakeOpenAIServer,
) -> None:
    openai_server.api_key = "azure-key"
    openai_server.models = ["gpt-4o-mini", "gpt-4.1"]
    assert list_server_models(azure_endpoint(openai_server)) == ["gpt-4.1", "gpt-4o-mini"]
    request = openai_server.requests[-1]
    assert (request.method, request.path) == ("GET", "/openai/models")
    assert "api-version=2024-10-21" in request.query


def test_an_azure_profile_resolves_to_an_azure_endpoint(
    openai_server: FakeOpenAIServer, no_keyring: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "from-env")
    azure = preset("azure")
    assert azure is not None
    profile = azure.profile().with_changes(base_url=openai_server.url, api_version="")
    endpoint = ProviderResolver(KeyStore()).resolve(profile, lambda _text: None)
    assert endpoint.api_version == "2024-10-21"  # the default when the profile names none
    assert endpoint.api_key == "from-env"  # the preset's environment variable
    assert urlparse(endpoint.base_url).path == ""


def test_a_missing_key_names_the_presets_environment_variable(
    no_keyring: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DEEPSEEK_API_KEY", raising=False)
    deepseek = preset("deepseek")
    assert deepseek is not None
    with pytest.raises(ProviderError) as caught:
        ProviderResolver(KeyStore()).resolve(deepseek.profile(), lambda _text: None)
    assert str(caught.value) == (
        "DeepSeek needs an API key. Enter it in Settings → Providers. "
        "Or set DEEPSEEK_API_KEY in the environment."
    )


def test_cached_prompt_tokens_are_read_from_the_usage(openai_server: FakeOpenAIServer) -> None:
    openai_server.usage_override = {
        "prompt_tokens": 1200,
        "completion_tokens": 30,
        "total_tokens": 1230,
        "prompt_tokens_details": {"cached_tokens": 1024},
    }
    endpoint = Endpoint("Fake", openai_server.base_url, None, read_timeout=2, max_retries=0)
    events = list(
        stream_chat(endpoint, [{"role": "user", "content": "x"}], GenerationParams(), "m")
    )
    assert [e for e in events if isinstance(e, Usage)] == [Usage(1200, 30, 1230, 1024)]
    openai_server.usage_override = {  # DeepSeek's spelling
        "prompt_tokens": 100,
        "completion_tokens": 3,
        "total_tokens": 103,
        "prompt_cache_hit_tokens": 64,
    }
    events = list(
        stream_chat(endpoint, [{"role": "user", "content": "x"}], GenerationParams(), "m")
    )
    assert [e for e in events if isinstance(e, Usage)] == [Usage(100, 3, 103, 64)]
