"""astream_chat (one request on an event loop, batch jobs) against the real loopback server.

The same rules as stream_chat (tests/core/providers/test_client.py): the same events, request
fields and error messages, from the shared chat_wire. No SDK mocks."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from assistant.core.providers.async_chat import astream_chat
from assistant.core.providers.connection import Endpoint, open_async_client
from assistant.core.providers.errors import ProviderError
from assistant.core.providers.events import Delta, Finished, StreamEvent, Usage
from assistant.core.providers.params import GenerationParams
from tests.core.providers.test_client import FAULTS, fault_id
from tests.fakeserver import FakeOpenAIServer, Fault

PROVIDER = "Fake AI"
MESSAGES = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hi"}]


def endpoint(server: FakeOpenAIServer, *, read_timeout: float = 1.5, **kw: Any) -> Endpoint:
    return Endpoint(PROVIDER, server.base_url, None, read_timeout=read_timeout, **kw)


async def collect(
    ep: Endpoint, count: int = 1, params: GenerationParams | None = None
) -> list[list[StreamEvent]]:
    """``count`` requests one after another through one client."""
    client = open_async_client(ep)
    try:
        answers = []
        for _ in range(count):
            chat = astream_chat(ep, MESSAGES, params or GenerationParams(), "fake-model", client)
            answers.append([event async for event in chat])
        return answers
    finally:
        await client.close()


def run(server: FakeOpenAIServer, **kw: Any) -> list[StreamEvent]:
    return asyncio.run(collect(endpoint(server, **kw)))[0]


def text(events: list[StreamEvent]) -> str:
    return "".join(event.text for event in events if isinstance(event, Delta))


def test_text_finish_and_usage_arrive_in_order(openai_server: FakeOpenAIServer) -> None:
    openai_server.reply = "abcdefgh"  # 2 deltas of 4
    events = run(openai_server)
    assert text(events) == "abcdefgh"
    assert events[-2:] == [Finished(0, "stop"), Usage(4, 2, 6)]


def test_the_request_carries_the_same_fields_as_stream_chat(
    openai_server: FakeOpenAIServer,
) -> None:
    params = GenerationParams(temperature=0.3, max_tokens=77, top_p=0.5, stop=("END",), n=3)
    asyncio.run(collect(endpoint(openai_server), params=params))
    body = openai_server.chat_requests[0].body
    assert body["messages"] == MESSAGES and body["model"] == "fake-model"
    assert (body["temperature"], body["max_tokens"], body["top_p"]) == (0.3, 77, 0.5)
    assert body["stop"] == ["END"] and body["stream"] is True
    assert body["n"] == 1  # one answer per request: variants are stream_chat's
    assert body["stream_options"] == {"include_usage": True}
    assert "authorization" not in openai_server.chat_requests[0].headers  # no key, no header


def test_a_server_refusing_stream_options_gets_the_request_again_without(
    openai_server: FakeOpenAIServer,
) -> None:
    openai_server.reject_stream_options = True
    events = run(openai_server)
    assert text(events) == openai_server.reply
    first, second = openai_server.chat_requests
    assert "stream_options" in first.body and "stream_options" not in second.body


def test_one_client_keeps_its_connection_for_the_next_request(
    openai_server: FakeOpenAIServer,
) -> None:
    answers = asyncio.run(collect(endpoint(openai_server), count=4))
    assert [text(events) for events in answers] == [openai_server.reply] * 4
    assert openai_server.connections == 1


@pytest.mark.parametrize(("fault", "kind", "words"), FAULTS, ids=fault_id)
def test_failures_map_to_the_same_kinds_and_messages_as_stream_chat(
    openai_server: FakeOpenAIServer, fault: Fault, kind: str, words: str
) -> None:
    openai_server.fault = fault
    with pytest.raises(ProviderError) as info:
        run(openai_server, read_timeout=0.3)
    assert info.value.kind == kind
    assert words in str(info.value) and PROVIDER in str(info.value)


def test_a_rate_limit_carries_its_retry_after(openai_server: FakeOpenAIServer) -> None:
    openai_server.fault = Fault.rate_limited(retry_after=7)
    with pytest.raises(ProviderError) as info:
        run(openai_server)
    assert (info.value.status, info.value.retry_after, info.value.retryable) == (429, 7.0, True)


def test_cancelling_the_task_closes_the_connection(openai_server: FakeOpenAIServer) -> None:
    openai_server.fault = Fault("stall", after_deltas=1, seconds=5)

    async def main() -> list[StreamEvent]:
        events: list[StreamEvent] = []
        ep = endpoint(openai_server, read_timeout=10)
        client = open_async_client(ep)

        async def read() -> None:
            async for event in astream_chat(ep, MESSAGES, GenerationParams(), "m", client):
                events.append(event)

        task = asyncio.create_task(read())
        while not events:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await client.close()
        return events

    events = asyncio.run(main())
    assert text(events)  # the first delta came, then the server stalled
    assert openai_server.wait_for_disconnects(1, timeout=2.0)


def test_local_only_refuses_a_remote_endpoint_before_any_socket() -> None:
    remote = Endpoint("Far", "https://llm.example.com/v1", None, local_only=True)
    with pytest.raises(ProviderError, match="Local only is on"):
        open_async_client(remote)


def test_azure_goes_to_the_deployment_with_api_version_and_api_key_header(
    openai_server: FakeOpenAIServer,
) -> None:
    openai_server.api_key = "azure-key"
    openai_server.reply = "Hi from Azure"
    azure = Endpoint("Azure", openai_server.url, "azure-key", api_version="2024-10-21")

    async def main() -> list[StreamEvent]:
        client = open_async_client(azure)
        try:
            chat = astream_chat(azure, MESSAGES, GenerationParams(), "my-deployment", client)
            return [event async for event in chat]
        finally:
            await client.close()

    assert text(asyncio.run(main())) == "Hi from Azure"
    (request,) = openai_server.chat_requests
    assert request.path == "/openai/deployments/my-deployment/chat/completions"
    assert request.query == "api-version=2024-10-21"
    assert request.headers["api-key"] == "azure-key" and "authorization" not in request.headers


def test_a_key_goes_as_a_bearer_header_and_engine_fields_in_the_body(
    openai_server: FakeOpenAIServer,
) -> None:
    openai_server.api_key = "sk-batch"
    keyed = Endpoint(PROVIDER, openai_server.base_url, "sk-batch", repetition=0.0)
    events = asyncio.run(collect(keyed))[0]
    assert text(events) == openai_server.reply
    (request,) = openai_server.chat_requests
    assert request.headers["authorization"] == "Bearer sk-batch"
    assert request.headers["x-stainless-retry-count"] == "0"
    body = request.body
    assert (body["dry_multiplier"], body["repeat_penalty"]) == (0.0, 1.0)  # llama.cpp's fields
    assert "extra_body" not in body and "extra_headers" not in body
