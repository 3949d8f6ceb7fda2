"""Give a finished stream's HTTP connection back to its client's pool instead of closing it.

The SDK stops reading a streamed answer at ``[DONE]`` and closes the response. The HTTP layer keeps
a connection for the next request only when the response body was read to its end (a chunked
body's last, empty chunk, which usually sits in the same packet as ``[DONE]``), so every request
through one client opened a new TCP (and TLS) connection: 20 requests, 20 connections at
tests/fakeserver.py.

:func:`keep_alive_when_finished` wraps the response's byte stream (the HTTP layer's public
``SyncByteStream``) so that, once every choice has its ``finish_reason``, the SDK's close first
reads what is left of the body: at most :data:`DRAIN_MAX_BYTES`, and only while the stream's
:class:`~.connection.CancelWatch` is active, which shuts the socket down after
:data:`DRAIN_SECONDS` or at once on Stop. A stream that was stopped, failed, or ended without
every finish is closed as before (and its connection with it). Nothing read here is an event:
completion is still decided by the finish reasons the SDK yielded. The response's headers are
acknowledged at once (:func:`acknowledge_at_once`), so a reused connection is not slower to its
first text than a new one.
"""

from __future__ import annotations

import contextlib
import functools
import socket
import threading
from collections.abc import Iterator
from typing import Any

from assistant.core.providers.baton import BATON
from assistant.core.providers.connection import CancelWatch, http_layer, response_socket

DRAIN_MAX_BYTES = 64 * 1024
"""More than this after ``[DONE]`` is not a short tail: the connection is closed instead."""
DRAIN_SECONDS = 0.25
"""How long the rest of a finished body may take to arrive before the connection is closed."""

__all__ = [
    "DRAIN_MAX_BYTES",
    "DRAIN_SECONDS",
    "FinishedBody",
    "acknowledge_at_once",
    "keep_alive_when_finished",
]


class FinishedBody:
    """Whether a response's rest may be read when it is closed (set once the answer is whole)."""

    def __init__(self, cancel: threading.Event, watch: CancelWatch) -> None:
        self.finished = False
        """Every choice has its ``finish_reason``: the rest of the body is only the tail."""
        self.failed = False
        """Reading the body raised: the connection is not trusted again."""
        self.ended = False
        """The body was read to its end already: nothing is left to read."""
        self._cancel = cancel
        self._watch = watch

    def may_drain(self) -> bool:
        """Finished, not read to the end yet, not stopped, not failed, and still watched (so
        a stall cannot block)."""
        return (
            self.finished
            and not (self.ended or self.failed or self._cancel.is_set())
            and self._watch.active
        )

    def drain(self, parts: Iterator[bytes]) -> bool:
        """Read the rest of the body within the bounds; True when it ended in time (then the
        HTTP layer keeps the connection unless the server asked to close it)."""
        self._watch.close_after(DRAIN_SECONDS)
        read = 0
        with contextlib.suppress(Exception):  # a shut-down or broken socket: just close it
            for part in parts:
                read += len(part)
                if read > DRAIN_MAX_BYTES or self._cancel.is_set():
                    return False
            return self._watch.release()
        return False


def keep_alive_when_finished(response: Any, body: FinishedBody) -> None:
    """Let ``response`` read its rest on close when ``body`` allows it (see the module)."""
    response.stream = _draining_stream_class()(response.stream, body)
    acknowledge_at_once(response)


def acknowledge_at_once(response: Any) -> None:
    """Acknowledge the response's headers now rather than after the delayed-ACK timer (Linux).

    A server that does not set ``TCP_NODELAY`` holds its first body bytes until the headers are
    acknowledged; on a reused connection Linux delays that ACK by up to 40 ms (a new connection
    acknowledges at once), which made a reused connection's first text 45 ms late against
    tests/fakeserver.py without ``TCP_NODELAY`` (tests/benchmarks/connections.py).
    """
    sock = response_socket(response)
    if sock is not None and hasattr(socket, "TCP_QUICKACK"):
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)


@functools.cache
def _draining_stream_class() -> type[Any]:
    """A subclass of the HTTP layer's ``SyncByteStream`` (the response checks the type)."""
    base: Any = http_layer().SyncByteStream

    class DrainingStream(base):
        """The response's byte stream; on close, reads a finished body's rest first."""

        def __init__(self, inner: Any, body: FinishedBody) -> None:
            self._inner = inner
            self._body = body

        def __iter__(self) -> Iterator[bytes]:
            parts = iter(self._inner)
            try:
                while True:
                    BATON.give_back()  # network waits are outside the baton (baton.py)
                    part = next(parts, None)
                    if part is None:
                        break
                    BATON.take()
                    yield part
            except Exception:
                self._body.failed = True
                raise
            finally:
                BATON.give_back()
            self._body.ended = True

        def close(self) -> None:
            BATON.give_back()
            try:
                if self._body.may_drain():
                    self._body.drain(iter(self._inner))
            finally:
                self._inner.close()

    return DrainingStream
