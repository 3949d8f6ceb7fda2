"""The loopback OpenAI-compatible test server, checked with plain stdlib HTTP (no SDK)."""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.fakeserver import LLAMA_CPP_N_ERROR, FakeOpenAIServer, Fault

ROOT = Path(__file__).resolve().parents[1]


def post(
    server: FakeOpenAIServer,
    body: dict[str, Any],
    headers: dict[str, str] | None = None,
    timeout: float = 2.0,
) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    payload = json.dumps(body)
    conn.request("POST", "/v1/chat/completions", payload, headers or {})
    return conn.getresponse()


def chat(stream: bool = True, **extra: Any) -> dict[str, Any]:
    return {
        "model": "m",
        "messages": [{"role": "user", "content": "one two three"}],
        "stream": stream,
        **extra,
    }


def events(raw: bytes) -> list[str]:
    """SSE events (the data part) of a complete body, checking the framing on the way."""
    text = raw.decode()
    assert text.endswith("\n\n")
    blocks = text[:-2].split("\n\n")
    assert all(block.startswith("data: ") for block in blocks)
    return [block.removeprefix("data: ") for block in blocks]


def contents(datas: list[str]) -> dict[int, str]:
    out: dict[int, str] = {}
    for data in datas[:-1]:
        for choice in json.loads(data)["choices"]:
            out[choice["index"]] = out.get(choice["index"], "") + choice["delta"].get("content", "")
    return out


def test_models_endpoint(openai_server: FakeOpenAIServer) -> None:
    openai_server.models = ["a", "b"]
    conn = http.client.HTTPConnection("127.0.0.1", openai_server.port, timeout=2)
    conn.request("GET", "/v1/models")
    reply = json.loads(conn.getresponse().read())
    assert [m["id"] for m in reply["data"]] == ["a", "b"]
    assert openai_server.requests[0].path == "/v1/models"


def test_stream_is_chunked_sse_with_done_finish_and_usage(openai_server: FakeOpenAIServer) -> None:
    openai_server.reply = "héllo {wörld} 😀!"
    openai_server.delta_size = 3
    response = post(openai_server, chat(stream_options={"include_usage": True}))
    assert response.getheader("Transfer-Encoding") == "chunked"
    assert response.getheader("Content-Type", "").startswith("text/event-stream")
    datas = events(response.read())
    assert datas[-1] == "[DONE]"
    assert contents(datas) == {0: "héllo {wörld} 😀!"}
    chunks = [json.loads(d) for d in datas[:-1]]
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["choices"] == []
    assert chunks[-1]["usage"] == {"prompt_tokens": 3, "completion_tokens": 6, "total_tokens": 9}
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)


def test_no_usage_chunk_unless_asked(openai_server: FakeOpenAIServer) -> None:
    chunks = [json.loads(d) for d in events(post(openai_server, chat()).read())[:-1]]
    assert all("usage" not in c for c in chunks)


def test_non_streaming_answer(openai_server: FakeOpenAIServer) -> None:
    openai_server.reply = "plain"
    reply = json.loads(post(openai_server, chat(stream=False)).read())
    assert reply["choices"][0]["message"] == {"role": "assistant", "content": "plain"}
    assert reply["usage"]["completion_tokens"] == 2


def test_records_path_headers_and_body(openai_server: FakeOpenAIServer) -> None:
    post(openai_server, chat(temperature=0.5), {"Authorization": "Bearer k1"}).read()
    (request,) = openai_server.requests
    assert (request.method, request.path) == ("POST", "/v1/chat/completions")
    assert request.authorization == "Bearer k1"
    assert request.body["temperature"] == 0.5


def test_required_key_gives_401_otherwise(openai_server: FakeOpenAIServer) -> None:
    openai_server.api_key = "k1"
    assert post(openai_server, chat(), {"Authorization": "Bearer nope"}).status == 401
    assert post(openai_server, chat(), {"Authorization": "Bearer k1"}).status == 200


def test_n_refused_like_llama_cpp_or_honoured(openai_server: FakeOpenAIServer) -> None:
    openai_server.reply = lambda request, index: f"v{index}"
    datas = events(post(openai_server, chat(n=3)).read())
    assert contents(datas) == {0: "v0", 1: "v1", 2: "v2"}
    openai_server.refuse_n = True
    refused = post(openai_server, chat(n=3))
    assert refused.status == 400
    assert json.loads(refused.read())["error"]["message"] == LLAMA_CPP_N_ERROR


def test_status_fault_with_headers_applies_given_times(openai_server: FakeOpenAIServer) -> None:
    openai_server.fault = Fault.rate_limited(retry_after=3, times=1)
    first = post(openai_server, chat())
    assert (first.status, first.getheader("Retry-After")) == (429, "3")
    assert json.loads(first.read())["error"]["code"] == "rate_limit_exceeded"
    assert post(openai_server, chat()).status == 200
    assert openai_server.fault is None


def test_fault_limited_to_a_path(openai_server: FakeOpenAIServer) -> None:
    openai_server.fault = Fault.html(path="/v1/models")
    assert post(openai_server, chat()).status == 200
    conn = http.client.HTTPConnection("127.0.0.1", openai_server.port, timeout=2)
    conn.request("GET", "/v1/models")
    page = conn.getresponse()
    assert page.status == 502
    assert page.getheader("Content-Type", "").startswith("text/html")
    assert b"<html>" in page.read()


def test_malformed_event(openai_server: FakeOpenAIServer) -> None:
    openai_server.fault = Fault("malformed", after_deltas=1)
    datas = events(post(openai_server, chat()).read())
    with pytest.raises(ValueError):
        json.loads(datas[2])


def test_dropped_stream_is_an_incomplete_body(openai_server: FakeOpenAIServer) -> None:
    openai_server.fault = Fault("drop", after_deltas=2)
    response = post(openai_server, chat())
    with pytest.raises(http.client.IncompleteRead):
        response.read()


def test_stall_sends_nothing(openai_server: FakeOpenAIServer) -> None:
    openai_server.fault = Fault("stall", after_deltas=0, seconds=30)
    response = post(openai_server, chat(), timeout=0.3)
    with pytest.raises(TimeoutError):
        response.read()
    response.close()
    assert openai_server.wait_for_disconnects(1)


def test_empty_stream(openai_server: FakeOpenAIServer) -> None:
    openai_server.fault = Fault("empty")
    datas = events(post(openai_server, chat()).read())
    assert contents(datas) == {0: ""}
    assert datas[-1] == "[DONE]"


def test_client_disconnect_is_counted(openai_server: FakeOpenAIServer) -> None:
    openai_server.reply = "x" * 400
    openai_server.delta_delay = 0.01
    response = post(openai_server, chat())
    response.read(40)
    response.close()
    assert openai_server.wait_for_disconnects(1)
    assert openai_server.disconnects == 1


def test_unknown_path_is_404(openai_server: FakeOpenAIServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", openai_server.port, timeout=2)
    conn.request("GET", "/nope")
    assert conn.getresponse().status == 404


def test_stop_ends_stalled_and_idle_connections() -> None:
    server = FakeOpenAIServer().start()
    server.fault = Fault("stall", seconds=60)
    idle = socket.create_connection(("127.0.0.1", server.port))
    stalled = post(server, chat(), timeout=10)
    before = threading.active_count()
    server.stop()
    assert threading.active_count() < before
    with pytest.raises((http.client.IncompleteRead, ConnectionError)):
        stalled.read()
    idle.close()


def test_runs_as_a_module_for_manual_tries() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakeserver", "--port", "0", "--reply", "hi", "--delay", "0"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/v1", line)
        assert match, line
        conn = http.client.HTTPConnection("127.0.0.1", int(match.group(1)), timeout=2)
        conn.request("POST", "/v1/chat/completions", json.dumps(chat()))
        assert contents(events(conn.getresponse().read())) == {0: "hi"}
    finally:
        proc.terminate()
        proc.wait(timeout=5)


def test_a_body_cut_off_by_a_killed_client_is_recorded_as_incomplete_and_not_answered() -> None:
    server = FakeOpenAIServer().start()
    try:
        with socket.create_connection(("127.0.0.1", server.port)) as client:
            head = b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n"
            client.sendall(head + b'{"model": "m", "messa')
            client.shutdown(socket.SHUT_WR)  # the rest never comes, as when the client is killed
            assert client.recv(1024) == b""  # nothing answered
        assert server.wait_for_requests(1)
        (request,) = server.chat_requests
        assert request.complete is False
        assert request.body is None
    finally:
        server.stop()
