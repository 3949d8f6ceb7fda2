"""The built-in engine answers variants with its parallel slots (the real SmolLM2 model)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.core.engine.local_engine import LocalEngine
from assistant.core.providers.client import Delta, Finished, SeparateRequests, stream_chat
from assistant.core.providers.params import GenerationParams


@pytest.mark.e2e
def test_variants_stream_at_once_from_the_engines_slots(local_engine: LocalEngine) -> None:
    endpoint = replace(local_engine.endpoint(), repetition=2.0)  # as the resolver makes it
    messages = [{"role": "user", "content": "Name a river."}]
    params = GenerationParams(n=3, max_tokens=24, temperature=0.8)
    events = list(stream_chat(endpoint, messages, params, "smol"))
    assert SeparateRequests(3, "engine") in events
    texts: dict[int, str] = {}
    for event in events:
        if isinstance(event, Delta):
            texts[event.index] = texts.get(event.index, "") + event.text
    assert sorted(texts) == [0, 1, 2] and all(text.strip() for text in texts.values())
    first_finish = next(i for i, e in enumerate(events) if isinstance(e, Finished))
    started = {e.index for e in events[:first_finish] if isinstance(e, Delta)}
    assert started == {0, 1, 2}  # every variant was streaming before the first one ended
