"""A loopback TCP proxy that mangles the SSE stream between the app and tests/fakeserver.py.

The app talks to the proxy as to any OpenAI-compatible server; the proxy forwards each request to
the upstream server, reads its answer (chunked SSE), and sends it on with one :class:`ProxyFault`
applied: a clean close or half-close or reset mid-stream, delayed headers, one byte per write
(each its own HTTP chunk, so the client sees every possible boundary, inside UTF-8 characters
too), CRLF line endings, ``: ping`` comments, ``data:`` without a space, one 1 MB event, or a
hang after the finish event. Bodies can be framed as chunked or, like an HTTP/1.0 server, ended by
closing the connection (then a clean close is a normal end of body for the HTTP layer).

    with FakeOpenAIServer() as server, FaultProxy(server.base_url) as proxy:
        proxy.fault = ProxyFault(framing="close", cut_after_events=3)
        ... proxy.base_url ...

Every response is sent with ``Connection: close``; one request per connection.
"""

from __future__ import annotations

import contextlib
import json
import select
import socket
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Literal
from urllib.parse import urlparse

Framing = Literal["chunked", "close"]
CutKind = Literal["close", "half_close", "reset", "hang"]
FINISH_MARK = b'"finish_reason": "'


@dataclass
class ProxyFault:
    """What the proxy does to the next streamed (SSE) responses; non-SSE answers pass unchanged."""

    framing: Framing = "chunked"
    """How the body is delimited: HTTP chunks, or the end of the connection (HTTP/1.0 style)."""
    header_delay: float = 0.0
    """Seconds to wait before sending the response headers."""
    cut_after_events: int | None = None
    """Send this many SSE events (then ``cut_extra_bytes`` of the next one), then ``cut``."""
    cut_extra_bytes: int = 0
    cut: CutKind = "close"
    byte_writes: bool = False
    """One byte per write (and per HTTP chunk when chunked)."""
    crlf: bool = False
    pings: bool = False
    """A ``: ping`` comment line in every event and a ``: keep-alive`` block between events."""
    no_space: bool = False
    """``data:{...}`` instead of ``data: {...}``."""
    pad_event_to: int = 0
    """Pad the first event that carries text with an unknown JSON field to about this size."""
    hang_after_finish: bool = False
    """Forward up to the first event with a ``finish_reason``, then send nothing more."""


class FaultProxy:
    """The proxy: start() listens on 127.0.0.1 (ephemeral port) and serves in threads."""

    def __init__(self, upstream_base_url: str) -> None:
        parsed = urlparse(upstream_base_url)
        self.upstream = (parsed.hostname or "127.0.0.1", parsed.port or 80)
        self.path = parsed.path
        self.fault: ProxyFault | None = None
        self.client_closes = 0
        """Connections the client closed while the proxy was still holding them open."""
        self._cond = threading.Condition()
        self._closing = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._threads: list[threading.Thread] = []
        self._accept_thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}{self.path}"

    def start(self) -> FaultProxy:
        self._accept_thread = threading.Thread(target=self._accept, daemon=True)
        self._accept_thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, wake hanging connections and join every thread."""
        self._closing.set()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        if self._accept_thread is not None:
            self._accept_thread.join()
        for thread in list(self._threads):
            thread.join()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_for_client_closes(self, count: int = 1, timeout: float = 5.0) -> bool:
        """Block until the client closed ``count`` held connections (False on timeout)."""
        with self._cond:
            return self._cond.wait_for(lambda: self.client_closes >= count, timeout)

    # -- serving -----------------------------------------------------------------------------------
    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(client,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, client: socket.socket) -> None:
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            with client, socket.create_connection(self.upstream) as upstream:
                request = _read_request(client)
                if request is None:
                    return
                upstream.sendall(request)
                self._relay(client, upstream.makefile("rb"))
        except OSError:
            return

    def _relay(self, client: socket.socket, upstream: BinaryIO) -> None:
        status_line, headers = _read_head(upstream)
        is_sse = "text/event-stream" in headers.get("content-type", "")
        fault = self.fault if is_sse else None
        if not is_sse or fault is None:
            body = b"".join(_body(upstream, headers))
            head = _head(status_line, headers, {"content-length": str(len(body))})
            client.sendall(head + body)
            return
        if fault.header_delay:
            self._wait(client, fault.header_delay)
        framing = {"transfer-encoding": "chunked"} if fault.framing == "chunked" else {}
        client.sendall(_head(status_line, headers, framing))
        writer = _Writer(client, fault)
        for count, event in enumerate(_events(_body(upstream, headers)), start=1):
            data = _mangle(event, fault, first_text=not writer.padded)
            writer.padded = writer.padded or data is not event
            if fault.cut_after_events is not None and count > fault.cut_after_events:
                writer.send(_encode(data, fault)[: fault.cut_extra_bytes])
                self._cut(client, fault.cut)
                return
            writer.send(_encode(data, fault))
            if fault.hang_after_finish and FINISH_MARK in event:
                self._cut(client, "hang")
                return
        if fault.cut_after_events is not None:  # asked to cut after the last event
            self._cut(client, fault.cut)
            return
        writer.end()

    def _cut(self, client: socket.socket, how: CutKind) -> None:
        if how == "reset":
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return  # closing with a zero linger sends RST
        if how == "half_close":
            client.shutdown(socket.SHUT_WR)
        if how in ("half_close", "hang"):
            self._wait(client, None)

    def _wait(self, client: socket.socket, seconds: float | None) -> None:
        """Send nothing for ``seconds`` (None: until the client closes or the proxy stops)."""
        deadline = None if seconds is None else time.monotonic() + seconds
        while not self._closing.is_set():
            left = 0.05 if deadline is None else min(0.05, deadline - time.monotonic())
            if left <= 0:
                return
            readable, _, _ = select.select([client], [], [], left)
            if readable and not _peek(client):
                with self._cond:
                    self.client_closes += 1
                    self._cond.notify_all()
                return


class _Writer:
    """Writes body bytes to the client, framed, whole or one byte per write."""

    def __init__(self, client: socket.socket, fault: ProxyFault) -> None:
        self.client = client
        self.fault = fault
        self.padded = False

    def send(self, data: bytes) -> None:
        pieces = [data[i : i + 1] for i in range(len(data))] if self.fault.byte_writes else [data]
        for piece in pieces:
            if piece:
                self.client.sendall(self._framed(piece))

    def end(self) -> None:
        if self.fault.framing == "chunked":
            self.client.sendall(b"0\r\n\r\n")

    def _framed(self, data: bytes) -> bytes:
        if self.fault.framing == "chunked":
            return f"{len(data):x}\r\n".encode() + data + b"\r\n"
        return data


def _read_request(client: socket.socket) -> bytes | None:
    """One whole request (head and Content-Length body) from the client, or None."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = client.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = client.recv(65536)
        if not chunk:
            return None
        body += chunk
    return head + b"\r\n\r\n" + body


def _read_head(upstream: BinaryIO) -> tuple[bytes, dict[str, str]]:
    status_line = upstream.readline().rstrip(b"\r\n")
    headers: dict[str, str] = {}
    while line := upstream.readline().rstrip(b"\r\n"):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    return status_line, headers


def _body(upstream: BinaryIO, headers: dict[str, str]) -> Iterator[bytes]:
    """The body's bytes as they arrive (chunked or Content-Length)."""
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while size := int(upstream.readline().split(b";")[0].strip() or b"0", 16):
            yield upstream.read(size)
            upstream.readline()
        upstream.readline()
    else:
        yield upstream.read(int(headers.get("content-length") or 0))


def _head(status_line: bytes, headers: dict[str, str], framing: dict[str, str]) -> bytes:
    kept = {
        k: v
        for k, v in headers.items()
        if k not in ("content-length", "transfer-encoding", "connection")
    }
    lines = [status_line.decode("latin-1")]
    lines += [f"{k}: {v}" for k, v in (kept | framing | {"connection": "close"}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _events(body: Iterator[bytes]) -> Iterator[bytes]:
    """SSE events (their lines, without the blank line that ends each) from the body bytes."""
    buffer = b""
    for piece in body:
        buffer += piece
        while b"\n\n" in buffer:
            event, buffer = buffer.split(b"\n\n", 1)
            yield event
    if buffer:
        yield buffer


def _mangle(event: bytes, fault: ProxyFault, first_text: bool) -> bytes:
    """The event after the content-level faults (padding)."""
    if not (fault.pad_event_to and first_text and b'"content": "' in event):
        return event
    payload = json.loads(event.removeprefix(b"data: "))
    if not any((c.get("delta") or {}).get("content") for c in payload.get("choices", [])):
        return event
    size = max(0, fault.pad_event_to - len(event))
    return b"data: " + json.dumps(payload | {"x_padding": "x" * size}).encode()


def _encode(event: bytes, fault: ProxyFault) -> bytes:
    """The event's lines with the line-level faults, and the blank line that ends it."""
    eol = b"\r\n" if fault.crlf else b"\n"
    lines = event.split(b"\n")
    if fault.no_space:
        lines = [b"data:" + line[6:] if line.startswith(b"data: ") else line for line in lines]
    if fault.pings:
        lines = [b": ping", *lines]
    block = eol.join(lines) + eol + eol
    return (b": keep-alive" + eol + eol + block) if fault.pings else block


def _peek(sock: socket.socket) -> bool:
    """False when the peer has closed (or reset) its end."""
    try:
        return sock.recv(1, socket.MSG_PEEK) != b""
    except OSError:
        return False
