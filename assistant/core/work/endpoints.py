"""Resolve a provider profile to an endpoint: base URL, key (keyring/env) and timeouts.

The built-in profile is resolved by starting the local engine (lazily, off the GUI thread); from
then on it is reached like any other OpenAI-compatible server.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.core.base.i18n import tr
from assistant.core.providers.network_policy import check_allowed, split_proxy_credentials
from assistant.core.providers.profiles import AZURE_API_VERSION, ProviderProfile

if TYPE_CHECKING:  # the connection and its errors: the first request, not the first paint
    from assistant.core.config.settings import Settings
    from assistant.core.engine.local_engine import EngineConfig, LocalEngine
    from assistant.core.providers.connection import Endpoint
    from assistant.core.providers.secrets import KeyStore


@dataclass(frozen=True)
class EngineSettings:
    """How the built-in engine should run (from the app settings)."""

    model_path: str = ""
    context: int = 4096
    threads: int = 0
    gpu_layers: int = 0


class ProviderResolver:
    """Turns profiles into endpoints; owns the built-in engine for the whole app."""

    def __init__(
        self,
        keys: KeyStore,
        engine_settings: Callable[[], EngineSettings] = EngineSettings,
        read_timeout: float = 60.0,
        max_retries: int = 2,
        local_only: Callable[[], bool] = lambda: False,
    ) -> None:
        self._keys = keys
        self._engine_settings = engine_settings
        self._engine: LocalEngine | None = None
        self._engine_lock = threading.Lock()
        self.read_timeout = read_timeout
        self.max_retries = max_retries
        self._local_only = local_only

    @property
    def local_only(self) -> bool:
        """True while only loopback endpoints are allowed (Settings → Local only)."""
        return bool(self._local_only())

    def resolve(self, profile: ProviderProfile, on_status: Callable[[str], None]) -> Endpoint:
        """Endpoint for ``profile``; may block while the built-in engine loads its model.

        With "local only" on, a profile that is not on this machine is refused here, before any
        socket is opened; the endpoint also carries the switch, so the one client factory
        (:func:`assistant.core.providers.connection.open_client`) refuses it too.
        """
        from assistant.core.providers.connection import Endpoint
        from assistant.core.providers.errors import ProviderError

        check_allowed(
            profile.name, profile.base_url, builtin=profile.is_builtin, local_only=self.local_only
        )
        if profile.is_builtin:
            return self._builtin_endpoint(on_status)
        if not profile.base_url:
            raise ProviderError(
                "bad_request",
                tr("{provider} has no server URL. Set it in Settings → Providers.").replace(
                    "{provider}", profile.name
                ),
            )
        key = self._keys.get(profile.name) or _key_from_environment(profile)
        if profile.needs_key and not key:
            message = tr("{provider} needs an API key. Enter it in Settings → Providers.")
            variable = _key_variable(profile)
            if variable:  # the terminal's way too
                message += " " + tr("Or set {variable} in the environment.")
            raise ProviderError(
                "auth",
                message.replace("{provider}", profile.name).replace("{variable}", variable),
            )
        return Endpoint(
            provider_name=profile.name,
            base_url=profile.base_url,
            api_key=key,
            read_timeout=self.read_timeout,
            max_retries=self.max_retries,
            proxy=self._keys.proxy_with_credentials(profile.proxy),
            local_only=self.local_only,
            api_version=(profile.api_version or AZURE_API_VERSION) if profile.is_azure else "",
        )

    @property
    def engine(self) -> LocalEngine | None:
        """The built-in engine, if it was created."""
        return self._engine

    def _builtin_endpoint(self, on_status: Callable[[str], None]) -> Endpoint:
        from assistant.core.engine import catalogue, models
        from assistant.core.engine.local_engine import EngineConfig, EngineError, LocalEngine
        from assistant.core.providers.connection import Endpoint
        from assistant.core.providers.errors import ProviderError

        wanted = self._engine_settings()
        path = Path(wanted.model_path) if wanted.model_path else models.default_model_path()
        if path is None or not path.exists():
            raise ProviderError(
                "no_model",
                tr(
                    "The built-in model is not installed. Open Settings → Models… and choose "
                    "Install built-in model, or run: assistant models install"
                ),
            )
        config = EngineConfig(
            model_path=path,
            n_ctx=wanted.context,
            n_threads=wanted.threads,
            gpu_layers=wanted.gpu_layers,
        )
        with self._engine_lock:
            if self._engine is None:
                self._engine = LocalEngine()
            engine = self._engine
        config = _with_prompt_cache(config, engine.config)
        if not engine.is_running_with(config):
            on_status(tr("Loading model {name}…").replace("{name}", path.name))
        try:
            endpoint = engine.ensure_started(config)
        except EngineError as exc:
            raise ProviderError("engine", str(exc)) from exc
        return Endpoint(
            provider_name=endpoint.provider_name,
            base_url=endpoint.base_url,
            api_key=endpoint.api_key,
            read_timeout=self.read_timeout,
            max_retries=self.max_retries,
            local_only=self.local_only,
            repetition=catalogue.default_repetition(path),
        )

    def shutdown(self) -> None:
        """Stop the built-in engine if it runs."""
        with self._engine_lock:
            engine, self._engine = self._engine, None
        if engine is not None:
            engine.stop()


def _key_from_environment(profile: ProviderProfile) -> str | None:
    """The key in the environment variable of the profile's preset (e.g. DEEPSEEK_API_KEY)."""
    import os

    variable = _key_variable(profile)
    return (os.environ.get(variable) or None) if variable else None


def _key_variable(profile: ProviderProfile) -> str:
    """The environment variable of the profile's preset that holds a key ('' when none)."""
    from assistant.core.providers.presets import preset_for

    found = preset_for(profile)
    return found.key_env if found and found.key_env else ""


def _with_prompt_cache(config: EngineConfig, running: EngineConfig | None) -> EngineConfig:
    """``config`` with llama.cpp's prompt cache sized from the memory available now (the running
    engine's size is kept when nothing else changed, so the engine is not restarted for it)."""
    from assistant.core.engine import catalogue

    if running is not None and replace(running, cache_ram_mib=config.cache_ram_mib) == config:
        return running
    try:
        plan = catalogue.plan_for_file(config.model_path, config.n_ctx)
    except (OSError, ValueError):  # an unreadable header: llama.cpp's own default
        return config
    return replace(config, cache_ram_mib=plan.prompt_cache_mib)


def keep_proxy_credentials_in(keys: KeyStore, settings: Settings) -> None:
    """From now on ``settings`` keeps proxy passwords in ``keys``, never in its file.

    A settings file from before (a proxy URL with ``user:password``) is rewritten at once without
    them; a problem doing so is added to ``settings.load_warnings``, which the window and the CLI
    show.
    """
    settings.credential_store = keys
    if any(split_proxy_credentials(profile.proxy)[1] for profile in settings.profiles):
        problem = settings.save()
        if problem:
            settings.load_warnings.append(problem)


def resolver_for(settings: Settings, keys: KeyStore) -> ProviderResolver:
    """The app's resolver, reading engine and network settings from ``settings`` when used."""
    return ProviderResolver(
        keys,
        engine_settings=lambda: EngineSettings(
            model_path=settings.engine_model_path,
            context=settings.engine_context,
            threads=settings.engine_threads,
            gpu_layers=settings.engine_gpu_layers,
        ),
        read_timeout=settings.request_timeout,
        max_retries=settings.max_retries,
        local_only=lambda: settings.local_only,
    )
