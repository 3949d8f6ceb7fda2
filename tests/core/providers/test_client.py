"""stream_chat / list_server_models against the real loopback OpenAI-compatible server.

No SDK mocks."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterable
from typing import Any

import pytest

from assistant.core.providers.client import (
    Delta,
    Endpoint,
    Finished,
    RetryNotice,
    StreamEvent,
    Usage,
    list_server_models,
    stream_chat,
)
from assistant.core.providers.connection import CancelWatch, open_client
from assistant.core.providers.errors import ProviderError
from assistant.core.providers.params import GenerationParams
from tests.fakeserver import FakeOpenAIServer, Fault, RecordedRequest
from tests.faultproxy import FaultProxy, ProxyFault

PROVIDER = "Fake AI"
MESSAGES = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hi"}]


def endpoint(
    server: FakeOpenAIServer,
    key: str | None = None,
    *,
    read_timeout: float = 1.5,
    max_retries: int = 0,
    base_url: str | None = None,
) -> Endpoint:
    return Endpoint(
        provider_name=PROVIDER,
        base_url=base_url or server.base_url,
        api_key=key,
        read_timeout=read_timeout,
        connect_timeout=1.0,
        max_retries=max_retries,
    )


def texts(events: Iterable[StreamEvent]) -> dict[int, str]:
    out: dict[int, str] = {}
    for event in events:
        if isinstance(event, Delta):
            out[event.index] = out.get(event.index, "") + event.text
    return out


def run(
    server: FakeOpenAIServer, params: GenerationParams | None = None, **kw: Any
) -> list[StreamEvent]:
    ep = endpoint(server, **kw)
    return list(stream_chat(ep, MESSAGES, params or GenerationParams(), "fake-model"))


def fail(server: FakeOpenAIServer, **kw: Any) -> ProviderError:
    with pytest.raises(ProviderError) as info:
        run(server, **kw)
    assert PROVIDER in str(info.value)
    return info.value


def request_number(server: FakeOpenAIServer, request: RecordedRequest) -> int:
    return next(k for k, seen in enumerate(server.requests) if seen is request)


# -- streaming -------------------------------------------------------------------------------------
def test_text_arrives_exactly_even_when_deltas_split_emoji(openai_server: FakeOpenAIServer) -> None:
    reply = "Grüße {name} {{x}} $1 %s\n```py\nprint('😀👍🏽🇫🇷')\n```\n漢字 — done."
    openai_server.reply = reply
    openai_server.delta_size = 1  # one code point per delta: skin tone and flag pairs are split
    events = run(openai_server)
    deltas = [e for e in events if isinstance(e, Delta)]
    assert len(deltas) == len(reply)
    assert texts(events) == {0: reply}
    assert events[-2:] == [Finished(0, "stop"), events[-1]]
    assert isinstance(events[-1], Usage)


def test_request_body_carries_model_messages_and_params(openai_server: FakeOpenAIServer) -> None:
    params = GenerationParams(temperature=0.3, max_tokens=50, top_p=0.9, stop=("END", "\n\n"))
    run(openai_server, params)
    (request,) = openai_server.chat_requests
    body = request.body
    assert request.method == "POST"
    assert body["model"] == "fake-model"
    assert body["messages"] == MESSAGES
    assert (body["temperature"], body["max_tokens"], body["top_p"]) == (0.3, 50, 0.9)
    assert body["stop"] == ["END", "\n\n"]
    assert body["n"] == 1
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}


def test_no_stop_field_when_no_stop_sequences(openai_server: FakeOpenAIServer) -> None:
    run(openai_server)
    assert "stop" not in openai_server.chat_requests[0].body


def test_finish_reason_is_reported(openai_server: FakeOpenAIServer) -> None:
    openai_server.finish_reason = "length"
    assert Finished(0, "length") in run(openai_server)


def test_usage_event_matches_server_count(openai_server: FakeOpenAIServer) -> None:
    openai_server.reply = "abcdefgh"  # 2 deltas of 4
    usage = [e for e in run(openai_server) if isinstance(e, Usage)]
    assert usage == [Usage(prompt_tokens=4, completion_tokens=2, total_tokens=6)]


def test_server_rejecting_stream_options_is_retried_without(
    openai_server: FakeOpenAIServer,
) -> None:
    openai_server.reject_stream_options = True
    events = run(openai_server)
    assert texts(events) == {0: openai_server.reply}
    assert not any(isinstance(e, Usage) for e in events)
    first, second = openai_server.chat_requests
    assert "stream_options" in first.body
    assert "stream_options" not in second.body
    run(openai_server)  # remembered: no second refusal
    assert len(openai_server.chat_requests) == 3


# -- keys ------------------------------------------------------------------------------------------
def test_authorization_header_carries_the_key(openai_server: FakeOpenAIServer) -> None:
    openai_server.api_key = "sk-test-0123456789"
    assert texts(run(openai_server, key="sk-test-0123456789")) == {0: openai_server.reply}
    assert openai_server.requests[0].authorization == "Bearer sk-test-0123456789"


def test_keyless_server_gets_no_authorization_header(openai_server: FakeOpenAIServer) -> None:
    run(openai_server)
    assert "authorization" not in openai_server.requests[0].headers


def test_wrong_key_is_an_auth_error_without_the_key(openai_server: FakeOpenAIServer) -> None:
    openai_server.api_key = "sk-right-0123456789"
    err = fail(openai_server, key="sk-wrong-0123456789")
    assert err.kind == "auth"
    assert "Settings" in str(err)
    assert "sk-wrong" not in str(err) + err.detail


def test_missing_key_says_a_key_is_needed(openai_server: FakeOpenAIServer) -> None:
    openai_server.api_key = "sk-right-0123456789"
    err = fail(openai_server)
    assert err.kind == "auth"
    assert "needs an API key" in str(err)


# -- variants --------------------------------------------------------------------------------------
def test_n_variants_in_one_request_when_server_honours_n(openai_server: FakeOpenAIServer) -> None:
    openai_server.reply = lambda request, index: f"variant {index} 🙂"
    events = run(openai_server, GenerationParams(n=3))
    assert texts(events) == {i: f"variant {i} 🙂" for i in range(3)}
    assert {e.index for e in events if isinstance(e, Finished)} == {0, 1, 2}
    (request,) = openai_server.chat_requests
    assert request.body["n"] == 3


def test_n_refused_falls_back_to_single_requests(openai_server: FakeOpenAIServer) -> None:
    openai_server.refuse_n = True
    openai_server.reply = lambda request, index: f"answer #{request_number(openai_server, request)}"
    events = run(openai_server, GenerationParams(n=3))
    # The single requests go in parallel (tests/core/providers/test_variants.py): which variant
    # gets which request, and the order they finish in, is theirs.
    assert sorted(texts(events).values()) == ["answer #1", "answer #2", "answer #3"]
    assert sorted(e.index for e in events if isinstance(e, Finished)) == [0, 1, 2]
    assert [r.body["n"] for r in openai_server.chat_requests] == [3, 1, 1, 1]
    (usage,) = [e for e in events if isinstance(e, Usage)]
    assert usage.completion_tokens == 3 * 3  # "answer #k" is 9 chars: 3 deltas, three times
    assert events[-1] == usage

    run(openai_server, GenerationParams(n=2))  # the refusal is remembered for this base URL
    assert [r.body["n"] for r in openai_server.chat_requests][4:] == [1, 1]


def test_n_refused_in_openai_wording_also_falls_back(openai_server: FakeOpenAIServer) -> None:
    openai_server.fault = Fault.error(400, "Unrecognized request argument supplied: n", times=1)
    events = run(openai_server, GenerationParams(n=2))
    assert set(texts(events)) == {0, 1}
    assert [r.body["n"] for r in openai_server.chat_requests] == [2, 1, 1]


def test_other_bad_requests_do_not_trigger_the_n_fallback(openai_server: FakeOpenAIServer) -> None:
    openai_server.fault = Fault.error(400, "Invalid value for 'temperature'", times=1)
    with pytest.raises(ProviderError, match="temperature"):
        run(openai_server, GenerationParams(n=2))
    assert len(openai_server.chat_requests) == 1


# -- cancel ----------------------------------------------------------------------------------------
def test_cancel_mid_stream_stops_early_and_closes_the_connection(
    openai_server: FakeOpenAIServer,
) -> None:
    openai_server.reply = "word " * 200
    openai_server.delta_delay = 0.01
    cancel = threading.Event()
    received = ""
    for event in stream_chat(
        endpoint(openai_server), MESSAGES, GenerationParams(), "fake-model", cancel
    ):
        if isinstance(event, Delta):
            received += event.text
            if len(received) >= 12:
                cancel.set()
    assert received.startswith("word word ")
    assert len(received) < len(openai_server.reply) / 2
    assert openai_server.wait_for_disconnects(1)


@pytest.mark.timeout(10)
def test_cancel_while_server_stalls_returns_at_once(openai_server: FakeOpenAIServer) -> None:
    openai_server.fault = Fault("stall", after_deltas=1, seconds=60)
    cancel = threading.Event()
    ep = endpoint(openai_server, read_timeout=60)
    events = []
    for event in stream_chat(ep, MESSAGES, GenerationParams(), "fake-model", cancel):
        events.append(event)
        cancel.set()  # the next read blocks: only closing the socket can end it
    assert events == [Delta("Hell")]
    assert openai_server.wait_for_disconnects(1)


def test_cancel_during_retry_wait_ends_quietly(openai_server: FakeOpenAIServer) -> None:
    openai_server.fault = Fault.rate_limited(retry_after=60)
    cancel = threading.Event()
    notices: list[RetryNotice] = []

    def on_retry(notice: RetryNotice) -> None:
        notices.append(notice)
        cancel.set()

    ep = endpoint(openai_server, max_retries=2)
    events = list(stream_chat(ep, MESSAGES, GenerationParams(), "fake-model", cancel, on_retry))
    assert events == []
    assert notices == [RetryNotice(attempt=1, max_retries=2, delay=60.0, status=429)]
    assert len(openai_server.requests) == 1


# -- retries ---------------------------------------------------------------------------------------
def test_rate_limit_is_retried_after_retry_after_and_reported(
    openai_server: FakeOpenAIServer,
) -> None:
    openai_server.fault = Fault.rate_limited(retry_after=0.01, times=1)
    notices: list[RetryNotice] = []
    ep = endpoint(openai_server, max_retries=2)
    events = list(stream_chat(ep, MESSAGES, GenerationParams(), "m", on_retry=notices.append))
    assert texts(events) == {0: openai_server.reply}
    assert notices == [RetryNotice(attempt=1, max_retries=2, delay=0.01, status=429)]
    assert [r.headers["x-stainless-retry-count"] for r in openai_server.requests] == ["0", "1"]


def test_quota_exhausted_is_not_retried(openai_server: FakeOpenAIServer) -> None:
    openai_server.fault = Fault.quota()
    err = fail(openai_server, max_retries=2)
    assert err.kind == "quota"
    assert len(openai_server.requests) == 1


# -- faults ----------------------------------------------------------------------------------------
FAULTS = [
    (Fault.unauthorized(), "auth", "API key"),
    (Fault.forbidden(), "forbidden", "403"),
    (Fault.model_not_found("fake-model"), "not_found", "“fake-model”"),
    (Fault.rate_limited(retry_after=7), "rate_limit", "Try again in 7 s"),
    (Fault.rate_limited(), "rate_limit", "Wait a moment"),
    (Fault.quota(), "quota", "billing"),
    (Fault.server_error(500), "server", "internal error (500)"),
    (Fault.server_error(503), "server", "unavailable or overloaded (503)"),
    (Fault.error(400, "Invalid value for 'temperature'"), "bad_request", "'temperature'"),
    (
        Fault.error(400, "too long", code="context_length_exceeded"),
        "bad_request",
        "context window",
    ),
    (
        Fault.error(
            400,
            "request (5031 tokens) exceeds the available context size (2048 tokens)",
            type_="exceed_context_size_error",
        ),
        "bad_request",
        "Shorten the input",
    ),
    (Fault.html(502), "server", "error web page (HTTP 502)"),
    (Fault.html(200), "bad_response", "ends in /v1"),
    (Fault("malformed", after_deltas=1), "bad_response", "could not be read"),
    (Fault("drop", after_deltas=2), "dropped", "dropped in the middle"),
    (Fault("stall", after_deltas=1, seconds=5), "timeout", "stopped sending"),
    (Fault("empty"), "empty", "empty answer"),
]
"""(fault, kind, words of the message): every fault the app names; also the async path's
(test_async_chat.py), which must map them the same way."""


def fault_id(value: object) -> str:
    return value.kind if isinstance(value, Fault) else ""


@pytest.mark.parametrize(("fault", "kind", "words"), FAULTS, ids=fault_id)
def test_fault_maps_to_kind_and_actionable_message(
    openai_server: FakeOpenAIServer, fault: Fault, kind: str, words: str
) -> None:
    openai_server.fault = fault
    err = fail(openai_server, read_timeout=0.3)
    assert err.kind == kind
    assert words in str(err)


def test_not_found_model_suggests_test_connection(openai_server: FakeOpenAIServer) -> None:
    openai_server.fault = Fault.model_not_found("fake-model")
    assert "Test connection" in str(fail(openai_server))


def test_rate_limit_error_carries_retry_after(openai_server: FakeOpenAIServer) -> None:
    openai_server.fault = Fault.rate_limited(retry_after=7)
    err = fail(openai_server)
    assert (err.status, err.retry_after, err.retryable) == (429, 7.0, True)


def test_text_before_a_drop_is_delivered(openai_server: FakeOpenAIServer) -> None:
    openai_server.fault = Fault("drop", after_deltas=2)
    events: list[StreamEvent] = []
    with pytest.raises(ProviderError, match="dropped"):
        events.extend(stream_chat(endpoint(openai_server), MESSAGES, GenerationParams(), "m"))
    assert texts(events) == {0: "Hello fr"}


def test_connection_refused_asks_whether_the_server_runs() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    ep = Endpoint(PROVIDER, f"http://127.0.0.1:{port}/v1", None, 1.0, 1.0, 0)
    with pytest.raises(ProviderError) as info:
        list(stream_chat(ep, MESSAGES, GenerationParams(), "m"))
    assert info.value.kind == "connection"
    assert "server running" in str(info.value)
    assert f"127.0.0.1:{port}" in str(info.value)


# -- list_server_models ----------------------------------------------------------------------------
def test_list_server_models_returns_sorted_ids(openai_server: FakeOpenAIServer) -> None:
    openai_server.models = ["zeta", "alpha", "mid"]
    openai_server.api_key = "sk-list-0123456789"
    found = list_server_models(endpoint(openai_server, "sk-list-0123456789"))
    assert found == ["alpha", "mid", "zeta"]
    assert openai_server.requests[0].path == "/v1/models"
    assert openai_server.requests[0].authorization == "Bearer sk-list-0123456789"


def test_list_server_models_with_wrong_key(openai_server: FakeOpenAIServer) -> None:
    openai_server.api_key = "sk-list-0123456789"
    with pytest.raises(ProviderError) as info:
        list_server_models(endpoint(openai_server, "sk-nope-0123456789"))
    assert info.value.kind == "auth"


def test_list_server_models_at_a_url_without_v1_hints_at_the_base_url(
    openai_server: FakeOpenAIServer,
) -> None:
    with pytest.raises(ProviderError) as info:
        list_server_models(endpoint(openai_server, base_url=openai_server.url))
    assert info.value.kind == "not_found"
    assert "/v1" in str(info.value)


def test_list_server_models_gets_a_web_page(openai_server: FakeOpenAIServer) -> None:
    openai_server.fault = Fault.html(200, path="/v1/models")
    with pytest.raises(ProviderError) as info:
        list_server_models(endpoint(openai_server))
    assert info.value.kind == "bad_response"
    assert "web page" in str(info.value)


def test_endpoint_repr_hides_the_key() -> None:
    ep = Endpoint("OpenAI", "https://api.openai.com/v1", "sk-secret-0123456789")
    assert "secret" not in repr(ep)


# -- our own retry loop ----------------------------------------------------------------------------
def test_server_errors_are_retried_with_backoff_and_each_attempt_reported(
    openai_server: FakeOpenAIServer,
) -> None:
    openai_server.fault = Fault.server_error(503, times=2)
    notices: list[RetryNotice] = []
    ep = endpoint(openai_server, max_retries=2)
    events = list(stream_chat(ep, MESSAGES, GenerationParams(), "m", on_retry=notices.append))
    assert texts(events) == {0: openai_server.reply}
    assert [(n.attempt, n.max_retries, n.status) for n in notices] == [(1, 2, 503), (2, 2, 503)]
    assert 0.375 <= notices[0].delay <= 0.5 and 0.75 <= notices[1].delay <= 1.0  # 25 % jitter
    assert [r.headers["x-stainless-retry-count"] for r in openai_server.requests] == ["0", "1", "2"]


def test_retries_run_out_and_the_last_error_is_reported(openai_server: FakeOpenAIServer) -> None:
    openai_server.fault = Fault.rate_limited(retry_after=0.01)
    notices: list[RetryNotice] = []
    ep = endpoint(openai_server, max_retries=2)
    with pytest.raises(ProviderError) as info:
        list(stream_chat(ep, MESSAGES, GenerationParams(), "m", on_retry=notices.append))
    assert info.value.kind == "rate_limit"
    assert [n.attempt for n in notices] == [1, 2]
    assert len(openai_server.requests) == 3


@pytest.mark.parametrize(
    "fault",
    [
        Fault.error(400, "Invalid value for 'temperature'"),
        Fault.server_error(503, headers={"x-should-retry": "false"}),
        Fault.rate_limited(retry_after=121),  # longer than anyone should wait unasked
    ],
    ids=["bad-request", "x-should-retry-false", "retry-after-too-long"],
)
def test_what_is_not_retried(openai_server: FakeOpenAIServer, fault: Fault) -> None:
    openai_server.fault = fault
    notices: list[RetryNotice] = []
    ep = endpoint(openai_server, max_retries=2)
    with pytest.raises(ProviderError):
        list(stream_chat(ep, MESSAGES, GenerationParams(), "m", on_retry=notices.append))
    assert notices == []
    assert len(openai_server.requests) == 1


def test_a_refused_connection_is_retried_without_a_status() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    ep = Endpoint(PROVIDER, f"http://127.0.0.1:{port}/v1", None, 1.0, 1.0, max_retries=1)
    cancel = threading.Event()
    notices: list[RetryNotice] = []

    def on_retry(notice: RetryNotice) -> None:
        notices.append(notice)
        cancel.set()  # Stop during the backoff: nothing more is sent, no error

    assert list(stream_chat(ep, MESSAGES, GenerationParams(), "m", cancel, on_retry)) == []
    assert [(n.attempt, n.status) for n in notices] == [(1, None)]


def test_list_server_models_retries_too(openai_server: FakeOpenAIServer) -> None:
    openai_server.fault = Fault.rate_limited(retry_after=0.01, times=1, path="/v1/models")
    assert list_server_models(endpoint(openai_server, max_retries=1)) == openai_server.models
    assert len(openai_server.requests) == 2


# -- connections -----------------------------------------------------------------------------------
def shared_client_run(server: FakeOpenAIServer, count: int, **kw: Any) -> list[list[StreamEvent]]:
    """``count`` requests one after another through one client (as batch jobs send them)."""
    ep = endpoint(server, **kw)
    client = open_client(ep)
    try:
        return [
            list(stream_chat(ep, MESSAGES, GenerationParams(), "fake-model", client=client))
            for _ in range(count)
        ]
    finally:
        client.close()


def test_finished_streams_hand_their_connection_back(openai_server: FakeOpenAIServer) -> None:
    """The SDK stops reading at [DONE]; the rest of the body is read so the connection is kept."""
    answers = shared_client_run(openai_server, 5)
    for events in answers:
        assert texts(events) == {0: openai_server.reply}
        assert Finished(0, "stop") in events
    assert len(openai_server.chat_requests) == 5
    assert openai_server.connections == 1


def test_a_stream_without_finish_is_cut_short_and_not_reused(
    openai_server: FakeOpenAIServer,
) -> None:
    openai_server.finish_reason = None  # [DONE] and the end of the body, but no finish_reason
    answers = shared_client_run(openai_server, 2)
    for events in answers:
        assert texts(events) == {0: openai_server.reply}
        assert Finished(0, None) in events
    assert openai_server.connections == 2


def test_a_stopped_stream_closes_its_connection_and_the_next_opens_one(
    openai_server: FakeOpenAIServer,
) -> None:
    openai_server.reply = "word " * 200
    openai_server.delta_delay = 0.01
    ep = endpoint(openai_server)
    client = open_client(ep)
    cancel = threading.Event()
    try:
        for event in stream_chat(
            ep, MESSAGES, GenerationParams(), "fake-model", cancel, client=client
        ):
            if isinstance(event, Delta):
                cancel.set()
        assert openai_server.wait_for_disconnects(1)
        openai_server.delta_delay = 0.0
        events = list(stream_chat(ep, MESSAGES, GenerationParams(), "fake-model", client=client))
    finally:
        client.close()
    assert Finished(0, "stop") in events
    assert openai_server.connections == 2


@pytest.mark.timeout(10)
def test_a_body_left_open_after_done_does_not_hold_the_answer(
    openai_server: FakeOpenAIServer,
) -> None:
    """Everything, [DONE] included, then the body neither ends nor sends: the answer is complete
    and the call returns (the rest is read only briefly), although the read timeout is 60 s."""
    with FaultProxy(openai_server.base_url) as proxy:
        proxy.fault = ProxyFault(cut_after_events=10**6, cut="hang")
        ep = endpoint(openai_server, read_timeout=60, base_url=proxy.base_url)
        events = list(stream_chat(ep, MESSAGES, GenerationParams(), "fake-model"))
        assert proxy.wait_for_client_closes(1)
    assert texts(events) == {0: openai_server.reply}
    assert Finished(0, "stop") in events
    assert isinstance(events[-1], Usage)


def test_a_released_watch_never_shuts_the_socket(openai_server: FakeOpenAIServer) -> None:
    """A finished stream's connection is back in the pool (another request may use it): Stop
    after that must not shut its socket."""
    client = open_client(endpoint(openai_server))
    try:
        raw = client.chat.completions.with_raw_response.create(
            model="fake-model", messages=MESSAGES, stream=True
        )
        response = raw.http_response
        cancel = threading.Event()
        with CancelWatch(cancel, response) as watch:
            assert watch.release()
            cancel.set()
            assert not watch.active
        assert response.read().endswith(b"data: [DONE]\n\n")  # the socket still reads
    finally:
        client.close()
