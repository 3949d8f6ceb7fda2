"""Repetition: llama.cpp's sampler fields, sent only to an endpoint that is llama.cpp's server."""

from __future__ import annotations

import threading

import pytest

from assistant.core.providers.client import Endpoint, stream_chat
from assistant.core.providers.params import GenerationParams
from assistant.core.providers.sampling import MAX_REPETITION, llama_sampler_fields, raised
from tests.fakeserver import FakeOpenAIServer

SAMPLER_FIELDS = {"dry_multiplier", "dry_base", "dry_allowed_length", "repeat_penalty"}


def test_strength_zero_turns_both_samplers_off() -> None:
    assert llama_sampler_fields(0) == {"dry_multiplier": 0.0, "repeat_penalty": 1.0}


def test_strength_maps_to_dry_then_a_mild_repeat_penalty() -> None:
    one, two = llama_sampler_fields(1), llama_sampler_fields(2)
    assert (one["dry_multiplier"], one["repeat_penalty"]) == (0.8, 1.0)
    assert (two["dry_multiplier"], two["repeat_penalty"]) == (1.6, 1.05)
    assert two["dry_base"] == 1.75 and two["dry_allowed_length"] == 2
    assert "dry_penalty_last_n" not in two  # llama.cpp refuses -1 (its own default)
    assert llama_sampler_fields(99) == llama_sampler_fields(MAX_REPETITION)


def test_raise_steps_up_to_the_maximum() -> None:
    assert raised(1.0) == 1.5
    assert raised(MAX_REPETITION) == MAX_REPETITION


def _body(server: FakeOpenAIServer, endpoint: Endpoint, params: GenerationParams) -> dict:
    server.reply = "ok"
    list(stream_chat(endpoint, [{"role": "user", "content": "hi"}], params, "m", threading.Event()))
    return dict(server.requests[-1].body)


@pytest.mark.parametrize(
    ("default", "override", "expected"),
    [(2.0, None, 2.0), (2.0, 0.0, 0.0), (1.0, 3.0, 3.0)],
)
def test_llama_endpoint_gets_its_default_or_the_override(
    openai_server: FakeOpenAIServer, default: float, override: float | None, expected: float
) -> None:
    endpoint = Endpoint("Built-in engine", openai_server.base_url, "key", repetition=default)
    body = _body(openai_server, endpoint, GenerationParams(repetition=override))
    sent = {key: body[key] for key in body if key in SAMPLER_FIELDS}
    assert sent == {k: v for k, v in llama_sampler_fields(expected).items() if k in SAMPLER_FIELDS}


def test_other_servers_never_get_sampler_fields(openai_server: FakeOpenAIServer) -> None:
    endpoint = Endpoint("OpenAI", openai_server.base_url, "key")
    body = _body(openai_server, endpoint, GenerationParams(repetition=2.0))
    assert not SAMPLER_FIELDS & body.keys()
