"""The memory arithmetic and Repetition against the real engine: llama.cpp's own report at load."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

from assistant.core.engine.catalogue import MIB, kv_cache_bytes, plan_for_file, shape_of
from assistant.core.engine.gguf_info import read_gguf_info
from assistant.core.engine.local_engine import EngineConfig, LocalEngine, engine_log_path
from assistant.core.providers.client import Delta, Finished, stream_chat
from assistant.core.providers.params import GenerationParams

KV_REPORT = re.compile(r"llama_kv_cache: size = +([\d.]+) MiB \( *(\d+) cells, +(\d+) layers")
CACHE_REPORT = re.compile(r"prompt cache is enabled, size limit: (\d+) MiB")


@pytest.mark.e2e
def test_kv_cache_and_prompt_cache_match_llama_cpps_report(
    smol_model_path: Path, app_home: Path
) -> None:
    n_ctx = 2048
    plan = plan_for_file(smol_model_path, n_ctx, available=6 * 1024 * MIB)
    assert 0 < plan.prompt_cache_mib < 8192
    engine = LocalEngine()
    engine.start(
        EngineConfig(smol_model_path, n_ctx=n_ctx, n_threads=1, cache_ram_mib=plan.prompt_cache_mib)
    )
    try:
        endpoint = engine.endpoint()
        endpoint = type(endpoint)(
            endpoint.provider_name, endpoint.base_url, endpoint.api_key, repetition=2.0
        )
        events = list(
            stream_chat(
                endpoint,
                [{"role": "user", "content": "Say hello."}],
                GenerationParams(max_tokens=16, temperature=0),
                "model",
                threading.Event(),
            )
        )
    finally:
        engine.stop()
    assert any(isinstance(e, Delta) for e in events)  # the sampler fields were accepted
    assert any(isinstance(e, Finished) and e.reason for e in events)
    log = engine_log_path().read_text(encoding="utf-8", errors="replace")
    reported = KV_REPORT.search(log)
    assert reported is not None, log[-2000:]
    mib, cells, layers = float(reported[1]), int(reported[2]), int(reported[3])
    shape = shape_of(read_gguf_info(smol_model_path))
    assert shape is not None and (cells, layers) == (n_ctx, shape.layers)
    assert kv_cache_bytes(shape, n_ctx) == int(mib * MIB) == plan.kv_cache
    cache = CACHE_REPORT.search(log)
    assert cache is not None and int(cache[1]) == plan.prompt_cache_mib
