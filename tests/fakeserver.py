"""A real loopback OpenAI-compatible HTTP server for tests, benchmarks and manual GUI tries.

It speaks enough of the OpenAI protocol for the app (``GET /v1/models``,
``POST /v1/chat/completions`` streaming with real SSE framing over chunked HTTP/1.1, and
non-streaming; Azure OpenAI's ``/openai/deployments/{name}/chat/completions`` and
``/openai/models`` with an ``api-key`` header too), records every request, and can be told to
misbehave (status codes, HTML pages, malformed events, dropped or stalled streams, empty answers).

    with FakeOpenAIServer() as server:
        server.reply = "Hello!"
        server.fault = Fault.status(429, retry_after=1)
        ... server.base_url ... server.requests ... server.disconnects ...

Manual use: ``python -m tests.fakeserver --port 8000 --reply "Hi" --delay 0.05``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import select
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

LLAMA_CPP_N_ERROR = "Field 'n': Value must be between 1 <= value <= 1"
DEFAULT_MODELS = ("fake-model", "fake-model-large")
AZURE_CHAT = re.compile(r"/openai/deployments/[^/]+/chat/completions")
"""Azure OpenAI's chat path (the deployment in place of the model)."""
IMAGE_REFUSAL = "Invalid content type. image_url is only supported by certain models."

FaultKind = Literal["status", "html", "malformed", "drop", "stall", "empty"]
ReplyFunc = Callable[["RecordedRequest", int], str]
RouteFunc = Callable[["_Handler", "RecordedRequest"], bool]
"""An extra route (e.g. tests/fakebatch.py): answers and returns True when the request is its."""
FinishFunc = Callable[["RecordedRequest", int], "str | None"]


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it. Header names are lower-case."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    query: str = ""
    """The query string (``api-version=...`` of Azure requests)."""
    complete: bool = True
    """False when the client went away before its whole body arrived (never answered)."""

    @property
    def authorization(self) -> str | None:
        return self.headers.get("authorization")


@dataclass
class Fault:
    """A way to misbehave, applied to the next ``times`` matching requests (None: all of them).

    ``status``: answer ``status`` with a JSON ``body`` (and ``headers``) before any streaming.
    ``html``: answer ``status`` with an HTML page. ``malformed``: stream ``after_deltas`` deltas,
    then an event that is not JSON. ``drop``: stream ``after_deltas`` deltas, then close the socket
    mid-body. ``stall``: stream ``after_deltas`` deltas, then send nothing for ``seconds``.
    ``empty``: a well-formed stream with no content at all. ``path`` limits the fault to one path
    (e.g. "/v1/models"); None matches every path.
    """

    kind: FaultKind
    status: int = 500
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    after_deltas: int = 0
    seconds: float = 0.0
    times: int | None = None
    path: str | None = "/v1/chat/completions"

    @classmethod
    def error(
        cls,
        status: int,
        message: str,
        *,
        type_: str = "invalid_request_error",
        code: str | None = None,
        headers: dict[str, str] | None = None,
        times: int | None = None,
        path: str | None = "/v1/chat/completions",
    ) -> Fault:
        """A status fault with an OpenAI-style error body."""
        body = {"error": {"message": message, "type": type_, "param": None, "code": code}}
        return cls(
            "status", status=status, body=body, headers=headers or {}, times=times, path=path
        )

    @classmethod
    def unauthorized(cls, **kw: Any) -> Fault:
        return cls.error(401, "Incorrect API key provided.", code="invalid_api_key", **kw)

    @classmethod
    def forbidden(cls, **kw: Any) -> Fault:
        msg = "You are not allowed to sample from this model"
        return cls.error(403, msg, type_="permission_error", **kw)

    @classmethod
    def model_not_found(cls, model: str = "fake-model", **kw: Any) -> Fault:
        msg = f"The model `{model}` does not exist or you do not have access to it."
        return cls.error(404, msg, code="model_not_found", **kw)

    @classmethod
    def rate_limited(cls, retry_after: float | None = None, **kw: Any) -> Fault:
        headers = {} if retry_after is None else {"Retry-After": f"{retry_after:g}"}
        msg = "Rate limit reached for requests. Please try again later."
        return cls.error(
            429, msg, type_="requests", code="rate_limit_exceeded", headers=headers, **kw
        )

    @classmethod
    def quota(cls, **kw: Any) -> Fault:
        msg = "You exceeded your current quota, please check your plan and billing details."
        return cls.error(429, msg, type_="insufficient_quota", code="insufficient_quota", **kw)

    @classmethod
    def server_error(cls, status: int = 500, **kw: Any) -> Fault:
        msg = "The server had an error while processing your request."
        return cls.error(status, msg, type_="server_error", **kw)

    @classmethod
    def html(cls, status: int = 502, **kw: Any) -> Fault:
        return cls("html", status=status, **kw)


class FakeOpenAIServer:
    """The server: start() binds 127.0.0.1 (ephemeral port unless ``port``), serves in a thread."""

    def __init__(
        self, port: int = 0, host: str = "127.0.0.1", tls: ssl.SSLContext | None = None
    ) -> None:
        """``tls``: serve HTTPS with this server context (benchmarks of TLS connections)."""
        self.reply: str | ReplyFunc = "Hello from the fake server."
        self.delta_size = 4
        self.delta_delay = 0.0
        self.finish_reason: str | list[str | None] | FinishFunc | None = "stop"
        """The finish_reason of every choice, one per choice index, or one per (request, index)
        (None: never sent)."""
        self.refuse_n = False
        self.ignore_n = False
        """Answer one choice whatever ``n`` asks for (as some compatible servers do)."""
        self.reject_images = False
        """Answer a request with image parts as a text-only model does (OpenAI's 400)."""
        self.reject_stream_options = False
        self.tcp_nodelay = False
        """Send each write at once (TCP_NODELAY), as nginx, Go's and asyncio's servers do."""
        self.api_key: str | None = None
        self.echo_key_in_errors = False
        """Like some real servers, repeat the key that was sent in the 401 error message."""
        self.models: list[str] = list(DEFAULT_MODELS)
        self.usage_override: dict[str, Any] | None = None
        """The usage object to report instead of the counted one (e.g. with cached tokens)."""
        self.fault: Fault | None = None
        self.requests: list[RecordedRequest] = []
        self.routes: list[RouteFunc] = []
        """Extra routes tried before the built-in ones (tests/fakebatch.py adds the Batch API)."""
        self._disconnects = 0
        self._connections = 0
        self._cond = threading.Condition()
        self._closing = threading.Event()
        self._sockets: set[socket.socket] = set()
        self._httpd = _Httpd((host, port), _Handler)
        self._httpd.owner = self
        self._scheme = "http" if tls is None else "https"
        if tls is not None:
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"{self._scheme}://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """The OpenAI base URL (ends in /v1)."""
        return f"{self.url}/v1"

    def start(self) -> FakeOpenAIServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close open connections (waking stalled handlers) and join all threads."""
        self._closing.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
        with self._cond:
            open_sockets = list(self._sockets)
        for sock in open_sockets:
            _shutdown_quietly(sock)
        self._httpd.server_close()

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- observations ------------------------------------------------------------------------------
    @property
    def disconnects(self) -> int:
        """How many times a client went away before its stream was complete."""
        with self._cond:
            return self._disconnects

    @property
    def connections(self) -> int:
        """How many TCP connections clients opened (a reused connection counts once)."""
        with self._cond:
            return self._connections

    def wait_for_disconnects(self, count: int = 1, timeout: float = 2.0) -> bool:
        """Block until ``count`` client disconnects were seen (False on timeout)."""
        with self._cond:
            return self._cond.wait_for(lambda: self._disconnects >= count, timeout)

    def wait_for_requests(self, count: int = 1, timeout: float = 2.0) -> bool:
        """Block until ``count`` requests were recorded (False on timeout)."""
        with self._cond:
            return self._cond.wait_for(lambda: len(self.requests) >= count, timeout)

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    # -- internals used by the handler -------------------------------------------------------------
    def _record(self, request: RecordedRequest) -> None:
        with self._cond:
            self.requests.append(request)
            self._cond.notify_all()

    def _count_disconnect(self) -> None:
        with self._cond:
            self._disconnects += 1
            self._cond.notify_all()

    def _take_fault(self, path: str) -> Fault | None:
        with self._cond:
            fault = self.fault
            if fault is None or (fault.path is not None and fault.path != path):
                return None
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    self.fault = None
            return fault

    def _finish_reason(self, index: int, request: RecordedRequest | None = None) -> str | None:
        reason = self.finish_reason
        if callable(reason):
            return reason(request, index)  # type: ignore[arg-type]
        return reason[index] if isinstance(reason, list) else reason

    def _text_for(self, request: RecordedRequest, index: int) -> str:
        reply = self.reply
        return reply(request, index) if callable(reply) else reply

    def _track(self, sock: socket.socket, add: bool) -> None:
        with self._cond:
            (self._sockets.add if add else self._sockets.discard)(sock)
            self._connections += add


class _Httpd(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True
    owner: FakeOpenAIServer


class _ClientGone(Exception):
    """The client closed its end while we were streaming."""


class _ServerStopping(Exception):
    """stop() was called while a stream was paused: abandon it."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Httpd

    @property
    def owner(self) -> FakeOpenAIServer:
        return self.server.owner

    def setup(self) -> None:
        super().setup()
        if self.owner.tcp_nodelay:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.owner._track(self.connection, add=True)

    def finish(self) -> None:
        self.owner._track(self.connection, add=False)
        with contextlib.suppress(OSError):
            super().finish()

    def handle(self) -> None:
        """Serve requests until the client goes; a reset between requests is not an error."""
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):
            super().handle()

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default per-request stderr log."""

    # -- routing -----------------------------------------------------------------------------------
    def do_GET(self) -> None:
        self._serve(body=None)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if len(raw) < length:  # the client was killed mid-request: record it, answer nothing
            self._record_request(body=None, complete=False)
            self.close_connection = True
            return
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        self._serve(body=body)

    def _record_request(self, body: Any, complete: bool = True) -> RecordedRequest:
        path, _, query = self.path.partition("?")
        request = RecordedRequest(
            method=self.command,
            path=path,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            query=query,
            complete=complete,
        )
        self.owner._record(request)
        return request

    def _serve(self, body: Any) -> None:
        request = self._record_request(body)
        path = request.path
        owner = self.owner
        azure_key = request.headers.get("api-key")  # Azure OpenAI sends its key in this header
        if (
            owner.api_key is not None
            and request.authorization != f"Bearer {owner.api_key}"
            and azure_key != owner.api_key
        ):
            sent = (request.authorization or "").removeprefix("Bearer ")
            message = f"Incorrect API key provided: {sent}." if owner.echo_key_in_errors else ""
            body = _error_body(message or "Incorrect API key provided.", code="invalid_api_key")
            self._json(401, body)
            return
        fault = owner._take_fault(path)
        if fault is not None and fault.kind == "status":
            self._json(fault.status, fault.body or {}, fault.headers)
            return
        if fault is not None and fault.kind == "html":
            self._html(fault.status)
            return
        if any(route(self, request) for route in owner.routes):
            return
        if self.command == "GET" and path in ("/v1/models", "/openai/models"):
            data = [
                {"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in owner.models
            ]
            self._json(200, {"object": "list", "data": data})
        elif self.command == "POST" and (
            path == "/v1/chat/completions" or AZURE_CHAT.fullmatch(path) is not None
        ):
            self._chat(request, fault)
        else:
            self._json(404, _error_body(f"Unknown path {path}", code="not_found"))

    # -- chat --------------------------------------------------------------------------------------
    def _chat(self, request: RecordedRequest, fault: Fault | None) -> None:
        owner = self.owner
        body = request.body if isinstance(request.body, dict) else {}
        n = 1 if owner.ignore_n else int(body.get("n") or 1)
        if n > 1 and owner.refuse_n:
            self._json(
                400,
                {
                    "error": {
                        "code": 400,
                        "message": LLAMA_CPP_N_ERROR,
                        "type": "invalid_request_error",
                    }
                },
            )
            return
        if owner.reject_images and _has_image_part(body):
            self._json(400, _error_body(IMAGE_REFUSAL, param="messages.[1].content.[1].type"))
            return
        if owner.reject_stream_options and "stream_options" in body:
            msg = "Unrecognized request argument supplied: stream_options"
            self._json(400, _error_body(msg, param="stream_options"))
            return
        texts = [owner._text_for(request, i) for i in range(n)]
        if fault is not None and fault.kind == "empty":
            texts = ["" for _ in texts]
        model = str(body.get("model") or "fake-model")
        usage = owner.usage_override or _usage(body, texts, owner.delta_size)
        if not body.get("stream"):
            choices = [
                {
                    "index": i,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": owner._finish_reason(i, request),
                }
                for i, text in enumerate(texts)
            ]
            self._json(
                200, _envelope("chat.completion", model) | {"choices": choices, "usage": usage}
            )
            return
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        try:
            self._stream(request, model, texts, usage if include_usage else None, fault)
        except _ClientGone:
            owner._count_disconnect()
            self.close_connection = True
        except _ServerStopping:
            self._drop()

    def _stream(
        self,
        request: RecordedRequest,
        model: str,
        texts: list[str],
        usage: dict[str, int] | None,
        fault: Fault | None,
    ) -> None:
        owner = self.owner
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self._flush()
        base = _envelope("chat.completion.chunk", model)
        extra = {"usage": None} if usage is not None else {}

        def event(choices: list[dict[str, Any]]) -> bytes:
            return _sse(base | {"choices": choices} | extra)

        first = [
            {"index": i, "delta": {"role": "assistant", "content": ""}} for i in range(len(texts))
        ]
        self._chunk(event([{**c, "finish_reason": None} for c in first]))
        pending = (
            fault if fault is not None and fault.kind in ("malformed", "drop", "stall") else None
        )
        for sent, (index, piece) in enumerate(_interleave(texts, owner.delta_size)):
            if pending is not None and sent >= pending.after_deltas:
                if not self._misbehave(pending):
                    return
                pending = None
            if owner.delta_delay:
                self._pause(owner.delta_delay)
            choice = {"index": index, "delta": {"content": piece}, "finish_reason": None}
            self._chunk(event([choice]))
        if pending is not None and not self._misbehave(pending):
            return
        finals = [
            {"index": i, "delta": {}, "finish_reason": owner._finish_reason(i, request)}
            for i in range(len(texts))
        ]
        self._chunk(event(finals))
        if usage is not None:
            self._chunk(_sse(base | {"choices": [], "usage": usage}))
        self._write(_chunk_bytes(b"data: [DONE]\n\n") + b"0\r\n\r\n")

    def _misbehave(self, fault: Fault) -> bool:
        """Apply a mid-stream fault; False when the stream must end here."""
        if fault.kind == "malformed":
            self._chunk(b'data: {"choices": [{"index": 0, "delta": {"content": "oops"\n\n')
            return True
        if fault.kind == "drop":
            self._drop()
            return False
        self._pause(fault.seconds)
        return True

    # -- low-level writing -------------------------------------------------------------------------
    def _chunk(self, data: bytes) -> None:
        self._write(_chunk_bytes(data))

    def _write(self, data: bytes) -> None:
        if self._peer_closed():
            raise _ClientGone
        try:
            self.wfile.write(data)
            self._flush()
        except (BrokenPipeError, ConnectionResetError) as err:
            raise _ClientGone from err

    def _flush(self) -> None:
        try:
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError) as err:
            raise _ClientGone from err

    def _pause(self, seconds: float) -> None:
        """Send nothing for ``seconds``; notice at once if the client goes away or we shut down."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if self.owner._closing.is_set():
                raise _ServerStopping
            readable, _, _ = select.select([self.connection], [], [], min(left, 0.05))
            if readable and self._peer_closed():
                raise _ClientGone

    def _peer_closed(self) -> bool:
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            if not readable:
                return False
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except (ConnectionResetError, OSError, ValueError):  # ValueError: TLS (no MSG_PEEK)
            return True

    def _drop(self) -> None:
        """Cut the connection in the middle of the chunked body."""
        _shutdown_quietly(self.connection)
        self.close_connection = True

    def _json(
        self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        self._send_body(status, json.dumps(payload).encode(), "application/json", headers)

    def _html(self, status: int) -> None:
        page = (
            "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
            "<body><center><h1>502 Bad Gateway</h1></center><hr>"
            "<center>nginx</center></body></html>"
        )
        self._send_body(status, page.encode(), "text/html; charset=utf-8", None)

    def _send_body(
        self, status: int, data: bytes, content_type: str, headers: dict[str, str] | None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.owner._count_disconnect()
            self.close_connection = True


def _interleave(texts: list[str], size: int) -> Iterator[tuple[int, str]]:
    """Deltas of every variant, round-robin, as (index, piece)."""
    pieces = [[t[i : i + size] for i in range(0, len(t), max(1, size))] for t in texts]
    for step in range(max((len(p) for p in pieces), default=0)):
        for index, parts in enumerate(pieces):
            if step < len(parts):
                yield index, parts[step]


def _usage(body: dict[str, Any], texts: list[str], size: int) -> dict[str, int]:
    messages = body.get("messages") or []
    prompt = sum(len(str(m.get("content", "")).split()) for m in messages if isinstance(m, dict))
    completion = sum(-(-len(t) // max(1, size)) for t in texts)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def _envelope(obj: str, model: str) -> dict[str, Any]:
    return {"id": "chatcmpl-fake", "object": obj, "created": int(time.time()), "model": model}


def _error_body(
    message: str, *, code: str | None = None, param: str | None = None
) -> dict[str, Any]:
    return {
        "error": {"message": message, "type": "invalid_request_error", "param": param, "code": code}
    }


def _has_image_part(body: dict[str, Any]) -> bool:
    return any(
        isinstance(part, dict) and part.get("type") == "image_url"
        for message in body.get("messages") or []
        if isinstance(message, dict) and isinstance(message.get("content"), list)
        for part in message["content"]
    )


def _sse(payload: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(payload, ensure_ascii=False).encode() + b"\n\n"


def _chunk_bytes(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def _shutdown_quietly(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def main(argv: list[str] | None = None) -> None:
    """Run the server in the foreground (for manual tries with the GUI)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--reply", default="Hello from the fake server. " * 20)
    parser.add_argument("--delay", type=float, default=0.03, help="seconds between deltas")
    parser.add_argument("--delta-size", type=int, default=4)
    parser.add_argument("--key", default=None, help="require this API key")
    parser.add_argument("--refuse-n", action="store_true", help="refuse n>1 like llama.cpp")
    parser.add_argument("--reject-images", action="store_true", help="a text-only model")
    args = parser.parse_args(argv)
    server = FakeOpenAIServer(port=args.port)
    server.reply = args.reply
    server.delta_delay = args.delay
    server.delta_size = args.delta_size
    server.api_key = args.key
    server.refuse_n = args.refuse_n
    server.reject_images = args.reject_images
    with server:
        print(f"Fake OpenAI server at {server.base_url} (Ctrl+C to stop)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
