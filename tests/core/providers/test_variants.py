"""Variants as separate parallel requests (refused or ignored ``n``) against the loopback server."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from assistant.core.providers.client import (
    Delta,
    Endpoint,
    Finished,
    RetryNotice,
    SeparateRequests,
    StreamEvent,
    Usage,
    forget_capabilities,
    stream_chat,
)
from assistant.core.providers.errors import ProviderError
from assistant.core.providers.params import GenerationParams
from assistant.core.providers.variants import separate_requests
from tests.fakeserver import FakeOpenAIServer, Fault, RecordedRequest

MESSAGES = [{"role": "user", "content": "Three headlines"}]


@pytest.fixture(autouse=True)
def _fresh_capabilities() -> Iterator[None]:
    forget_capabilities()
    yield
    forget_capabilities()


def endpoint(server: FakeOpenAIServer, **kw: object) -> Endpoint:
    values: dict[str, object] = {"read_timeout": 5.0, "connect_timeout": 1.0, "max_retries": 2}
    values.update(kw)
    return Endpoint("Fake AI", server.base_url, None, **values)  # type: ignore[arg-type]


def run(server: FakeOpenAIServer, n: int, **kw: object) -> list[StreamEvent]:
    params = GenerationParams(n=n)
    return list(stream_chat(endpoint(server, **kw), MESSAGES, params, "fake-model"))


def texts(events: list[StreamEvent]) -> dict[int, str]:
    out: dict[int, str] = {}
    for event in events:
        if isinstance(event, Delta):
            out[event.index] = out.get(event.index, "") + event.text
    return out


def numbered(server: FakeOpenAIServer) -> None:
    """Each chat request answers with its own number, so a duplicate would show."""
    lock = threading.Lock()
    numbers: dict[int, int] = {}

    def reply(request: RecordedRequest, index: int) -> str:
        with lock:
            numbers.setdefault(id(request), len(numbers) + 1)
            return f"answer #{numbers[id(request)]} choice {index}"

    server.reply = reply  # type: ignore[assignment]


def test_n_is_sent_once_when_the_server_honours_it(openai_server: FakeOpenAIServer) -> None:
    numbered(openai_server)
    events = run(openai_server, 3)
    assert [r.body["n"] for r in openai_server.chat_requests] == [3]
    assert texts(events) == {i: f"answer #1 choice {i}" for i in range(3)}
    assert not [e for e in events if isinstance(e, SeparateRequests)]


def test_refused_n_becomes_n_parallel_requests_without_duplicates(
    openai_server: FakeOpenAIServer,
) -> None:
    openai_server.refuse_n = True
    numbered(openai_server)
    openai_server.delta_delay = 0.02  # long enough for the requests to overlap
    events = run(openai_server, 3)
    bodies = [r.body for r in openai_server.chat_requests]
    assert [b["n"] for b in bodies] == [3, 1, 1, 1]  # the refused one, then one per variant
    answers = texts(events)
    assert sorted(answers) == [0, 1, 2]
    assert len(set(answers.values())) == 3  # three different requests, none answered twice
    assert sorted(e.index for e in events if isinstance(e, Finished)) == [0, 1, 2]
    assert [e for e in events if isinstance(e, SeparateRequests)] == [
        SeparateRequests(3, "refused")
    ]
    # Interleaved deltas of different variants: the requests streamed at the same time.
    order = [e.index for e in events if isinstance(e, Delta)]
    assert order != sorted(order)
    assert isinstance(events[-1], Usage)
    run(openai_server, 2)  # remembered for this base URL: no n=2 try
    assert [r.body["n"] for r in openai_server.chat_requests][4:] == [1, 1]


def test_a_429_in_one_parallel_request_waits_its_retry_after(
    openai_server: FakeOpenAIServer,
) -> None:
    openai_server.refuse_n = True
    numbered(openai_server)
    run(openai_server, 2)  # learn the refusal
    openai_server.requests.clear()
    openai_server.fault = Fault.rate_limited(retry_after=0.2, times=1)
    notices: list[RetryNotice] = []
    ep = endpoint(openai_server)
    params = GenerationParams(n=3)
    events = list(stream_chat(ep, MESSAGES, params, "m", on_retry=notices.append))
    assert len(openai_server.chat_requests) == 4  # 3 variants + the one retried after its 429
    retry_counts = [r.headers["x-stainless-retry-count"] for r in openai_server.chat_requests]
    assert sorted(retry_counts) == ["0", "0", "0", "1"]
    assert notices == [RetryNotice(attempt=1, max_retries=2, delay=0.2, status=429)]
    assert sorted(texts(events)) == [0, 1, 2]
    assert len(set(texts(events).values())) == 3


def test_ignored_n_fetches_the_missing_variants_apart(openai_server: FakeOpenAIServer) -> None:
    openai_server.ignore_n = True
    numbered(openai_server)
    events = run(openai_server, 3)
    assert [r.body["n"] for r in openai_server.chat_requests] == [3, 1, 1]
    answers = texts(events)
    assert answers[0] == "answer #1 choice 0"
    assert sorted(answers) == [0, 1, 2] and len(set(answers.values())) == 3
    assert sorted(e.index for e in events if isinstance(e, Finished)) == [0, 1, 2]
    assert SeparateRequests(2, "ignored") in events
    run(openai_server, 2)  # remembered: straight to separate requests
    assert [r.body["n"] for r in openai_server.chat_requests][3:] == [1, 1]


def test_the_built_in_engine_gets_separate_requests_at_once(
    openai_server: FakeOpenAIServer,
) -> None:
    events = run(openai_server, 2, repetition=2.0)  # only llama.cpp's server has a repetition
    assert [r.body["n"] for r in openai_server.chat_requests] == [1, 1]
    assert SeparateRequests(2, "engine") in events


def test_one_failed_variant_is_cut_short_and_the_others_stay(
    openai_server: FakeOpenAIServer,
) -> None:
    openai_server.refuse_n = True
    run(openai_server, 2)
    openai_server.fault = Fault.error(400, "Bad thing", times=1)
    events = run(openai_server, 3)
    reasons = {e.index: e.reason for e in events if isinstance(e, Finished)}
    assert sorted(reasons.values(), key=str) == [None, "stop", "stop"]
    assert len(texts(events)) == 2


def test_when_every_variant_fails_the_error_is_raised(openai_server: FakeOpenAIServer) -> None:
    openai_server.refuse_n = True
    run(openai_server, 2)
    openai_server.fault = Fault.unauthorized()
    with pytest.raises(ProviderError) as info:
        run(openai_server, 3)
    assert info.value.kind == "auth"


def test_cancel_stops_every_parallel_request(openai_server: FakeOpenAIServer) -> None:
    openai_server.refuse_n = True
    run(openai_server, 2)
    openai_server.reply = "word " * 500
    openai_server.delta_delay = 0.01
    cancel = threading.Event()
    seen: set[int] = set()
    stream = stream_chat(
        endpoint(openai_server), MESSAGES, GenerationParams(n=3), "fake-model", cancel
    )
    for event in stream:
        if isinstance(event, Delta):
            seen.add(event.index)
            if len(seen) == 3:
                cancel.set()
    assert openai_server.wait_for_disconnects(3, timeout=3.0)


def test_at_most_limit_requests_run_at_once() -> None:
    running = 0
    most = 0
    lock = threading.Lock()

    def request(index: int, stop: threading.Event) -> Iterator[StreamEvent]:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        stop.wait(0.05)
        with lock:
            running -= 1
        yield Delta("x", index)

    events = list(separate_requests(request, range(6), threading.Event(), limit=2))
    assert sorted(e.index for e in events if isinstance(e, Delta)) == list(range(6))
    assert most == 2
