"""Provider profiles: where requests go (base URL), which model, whether a key is needed."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

ProviderKind = Literal["builtin", "openai", "compatible", "azure"]

BUILTIN_NAME = "Built-in (local)"
OPENAI_BASE_URL = "https://api.openai.com/v1"
OLLAMA_EXAMPLE_URL = "http://localhost:11434/v1"
LM_STUDIO_EXAMPLE_URL = "http://localhost:1234/v1"
AZURE_API_VERSION = "2024-10-21"
"""Used when an Azure profile names none: the latest GA inference version (providers.toml)."""


@dataclass(frozen=True)
class ProviderProfile:
    """A named place to send chat requests.

    ``builtin`` profiles have no base URL: the local engine supplies one (and a per-run key) when it
    starts. ``context_window`` is the model's window in tokens when known (None: unknown).
    ``proxy`` is a proxy URL for this profile only ('' = the system/environment proxy); loopback
    servers are always reached directly. Its ``user:password`` is kept in the keyring, not here
    (:func:`assistant.core.providers.secrets.keep_proxy_credentials`).

    ``azure`` profiles: ``base_url`` is the resource's endpoint, ``model`` the deployment's name and
    ``api_version`` the Azure API version. ``preset`` is the id of the preset the profile was made
    from (:mod:`.presets`; '' = none), which also names its provider in the price table;
    ``images``: whether its model takes images.
    """

    name: str
    kind: ProviderKind
    base_url: str = ""
    model: str = ""
    needs_key: bool = False
    context_window: int | None = None
    proxy: str = ""
    api_version: str = ""
    preset: str = ""
    images: bool = False

    @property
    def is_azure(self) -> bool:
        return self.kind == "azure"

    @property
    def is_builtin(self) -> bool:
        return self.kind == "builtin"

    @property
    def is_loopback(self) -> bool:
        """True when requests stay on this machine (the built-in engine or a 127.0.0.1/::1 URL)."""
        from assistant.core.providers.network_policy import is_loopback_url

        return self.is_builtin or is_loopback_url(self.base_url)

    def with_changes(self, **changes: Any) -> ProviderProfile:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, as stored in the settings file: the proxy URL without credentials."""
        from assistant.core.providers.network_policy import split_proxy_credentials

        return asdict(self) | {"proxy": split_proxy_credentials(self.proxy)[0]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProviderProfile:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


BUILTIN_PROFILE = ProviderProfile(name=BUILTIN_NAME, kind="builtin", model="SmolLM2-135M-Instruct")
OPENAI_PROFILE = ProviderProfile(
    name="OpenAI", kind="openai", base_url=OPENAI_BASE_URL, model="gpt-4o-mini", needs_key=True
)
COMPATIBLE_PROFILE = ProviderProfile(
    name="OpenAI-compatible server", kind="compatible", base_url=OLLAMA_EXAMPLE_URL, model=""
)

PRESETS: tuple[ProviderProfile, ...] = (BUILTIN_PROFILE, OPENAI_PROFILE, COMPATIBLE_PROFILE)
