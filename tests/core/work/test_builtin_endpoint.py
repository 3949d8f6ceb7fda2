"""The built-in engine's endpoint: its model family's Repetition and a prompt cache that fits."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.engine.catalogue import plan_for_file
from assistant.core.providers.profiles import BUILTIN_PROFILE
from assistant.core.work.endpoints import EngineSettings, ProviderResolver


class NoKeys:
    def get(self, name: str) -> None:
        return None

    def proxy_with_credentials(self, proxy: str) -> str:
        return proxy


@pytest.mark.e2e
def test_builtin_endpoint_carries_repetition_and_sizes_the_prompt_cache(
    builtin_model: Path,
) -> None:
    settings = EngineSettings(model_path=str(builtin_model), context=2048, threads=1)
    resolver = ProviderResolver(NoKeys(), engine_settings=lambda: settings)  # type: ignore[arg-type]
    try:
        before = plan_for_file(builtin_model, 2048).prompt_cache_mib
        endpoint = resolver.resolve(BUILTIN_PROFILE, lambda text: None)
        after = plan_for_file(builtin_model, 2048).prompt_cache_mib
        assert endpoint.repetition == 2.0  # SmolLM2's family default (catalogue.toml)
        engine = resolver.engine
        assert engine is not None and engine.config is not None
        cache = engine.config.cache_ram_mib
        assert min(before, after) - 64 <= cache <= max(before, after) + 64  # memory moves a bit
        pid = engine.pid
        resolver.resolve(BUILTIN_PROFILE, lambda text: None)
        assert engine.pid == pid  # free memory moved, but the engine is not restarted for it
    finally:
        resolver.shutdown()
