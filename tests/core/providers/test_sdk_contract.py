"""What the client relies on from the ``openai`` SDK and its HTTP layer, checked as installed.

The retry loop is ours (assistant/core/providers/retries.py), so no private SDK method is used;
these tests fail loudly, naming the missing piece, if a new SDK release changes what is left.
"""

from __future__ import annotations

import socket
import threading

import openai
import pytest

from assistant.core.providers.connection import (
    Endpoint,
    open_client,
    request_headers,
    response_socket,
)
from assistant.core.providers.retries import call_with_retries, retry_delay
from tests.fakeserver import FakeOpenAIServer, Fault

MODELS = "/v1/models"


def _endpoint(server: FakeOpenAIServer) -> Endpoint:
    return Endpoint("Fake AI", server.base_url, None, read_timeout=5, max_retries=0)


def _status_error(server: FakeOpenAIServer) -> openai.APIStatusError:
    client = open_client(_endpoint(server))
    try:
        with pytest.raises(openai.APIStatusError) as caught:
            client.models.list(extra_headers=request_headers(_endpoint(server), 0))
    finally:
        client.close()
    return caught.value


def test_a_streamed_response_exposes_its_socket(openai_server: FakeOpenAIServer) -> None:
    """Stop shuts a stalled read down through httpcore's ``network_stream`` extension."""
    client = open_client(_endpoint(openai_server))
    try:
        raw = client.chat.completions.with_raw_response.create(
            model="m", messages=[{"role": "user", "content": "hi"}], stream=True
        )
        sock = response_socket(raw.http_response)
        assert isinstance(sock, socket.socket), (
            "response.extensions['network_stream'].get_extra_info('socket') is gone: "
            "Stop can no longer end a stalled stream (connection.CancelWatch)"
        )
        raw.parse().close()
    finally:
        client.close()


def test_the_client_never_retries_by_itself(openai_server: FakeOpenAIServer) -> None:
    openai_server.fault = Fault.server_error(503, path=MODELS)
    error = _status_error(openai_server)
    assert len(openai_server.requests) == 1, "max_retries=0 must mean one request"
    assert error.status_code == 503


def test_status_errors_carry_status_headers_and_body(openai_server: FakeOpenAIServer) -> None:
    """The retry loop decides from these public attributes only."""
    openai_server.fault = Fault.rate_limited(retry_after=3, path=MODELS)
    error = _status_error(openai_server)
    assert error.status_code == 429
    assert error.response.headers.get("retry-after") == "3"
    assert isinstance(error.body, dict) and error.message
    assert retry_delay(error, 0) == 3.0


def test_our_retry_count_header_reaches_the_server(openai_server: FakeOpenAIServer) -> None:
    openai_server.fault = Fault.rate_limited(retry_after=0.01, times=1, path=MODELS)
    endpoint = _endpoint(openai_server)
    client = open_client(endpoint)

    def send(attempt: int) -> object:
        return client.models.list(extra_headers=request_headers(endpoint, attempt))

    try:
        call_with_retries(send, 1, threading.Event())
    finally:
        client.close()
    assert [r.headers["x-stainless-retry-count"] for r in openai_server.requests] == ["0", "1"]


def test_connection_errors_are_one_public_class() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    endpoint = Endpoint("Nobody", f"http://127.0.0.1:{port}/v1", None, 1.0, 1.0, 0)
    client = open_client(endpoint)
    try:
        with pytest.raises(openai.APIConnectionError) as caught:
            client.models.list()
    finally:
        client.close()
    assert issubclass(openai.APITimeoutError, openai.APIConnectionError)
    assert retry_delay(caught.value, 0) is not None
