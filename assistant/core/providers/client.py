"""Streaming chat client over the official ``openai`` SDK (any OpenAI-compatible server).

Qt-free and synchronous: a worker thread iterates :func:`stream_chat` and forwards the events.
``import openai`` costs about a second, so it happens inside the functions, never at import time.
Every client comes from :func:`.connection.open_client` (where "local only" is enforced).

Every failure surfaces as :class:`~.errors.ProviderError` with a user message.

Retries: this app owns the retry loop (:mod:`.retries`, SDK clients with ``max_retries=0``)
instead of overriding the SDK's private ``_sleep_for_retry`` / ``_should_retry`` /
``_calculate_retry_timeout``. Those hooks gave the status line and Stop during the wait, but with
``openai>=1.40`` unbounded nothing said they would still be called: a rename would have silently
brought back uncancellable, unannounced sleeps. Pinning plus a contract test would have kept the
dependency on internals, to be re-checked and re-pinned at every SDK release (and kept people on an
old SDK); the loop is short and uses public API only (exception classes, status codes, headers).
The one HTTP-layer detail left, the documented ``network_stream`` response extension that lets
Stop shut a stalled socket, is checked by tests/core/providers/test_sdk_contract.py.
"""

from __future__ import annotations

import threading
from collections.abc import Generator, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from assistant.core.providers.chat_wire import (
    TAIL_GRACE_SECONDS,
    VARIANT_HEADER,
    Capabilities,
    ChunkReader,
    about_images,
    capabilities,
    chat_fields,
    drop_refused_stream_options,
    forget_capabilities,
    mapped,
    refused_field,
    summed_usage,
)
from assistant.core.providers.connection import (
    CancelWatch,
    Endpoint,
    check_content_type,
    error_context,
    open_client,
    request_headers,
)
from assistant.core.providers.errors import ProviderError, empty_answer_error, provider_error
from assistant.core.providers.events import (
    Delta,
    Finished,
    SeparateRequests,
    StreamEvent,
    Usage,
)
from assistant.core.providers.keepalive import FinishedBody, keep_alive_when_finished
from assistant.core.providers.params import GenerationParams
from assistant.core.providers.retries import (
    RetryCallback,
    RetryNotice,
    RetryWaitCancelled,
    call_with_retries,
)
from assistant.core.providers.variants import separate_requests

if TYPE_CHECKING:
    import openai

__all__ = [
    "TAIL_GRACE_SECONDS",
    "VARIANT_HEADER",
    "Delta",
    "Endpoint",
    "Finished",
    "RetryCallback",
    "RetryNotice",
    "SeparateRequests",
    "StreamEvent",
    "Usage",
    "forget_capabilities",
    "list_server_models",
    "stream_chat",
]


class _Refused(Exception):
    """The server refused an optional request field (``n`` or ``stream_options``)."""


# -- public API ------------------------------------------------------------------------------------
def stream_chat(
    endpoint: Endpoint,
    messages: Sequence[Mapping[str, Any]],
    params: GenerationParams,
    model: str,
    cancel: threading.Event | None = None,
    on_retry: RetryCallback | None = None,
    client: openai.OpenAI | None = None,
) -> Iterator[StreamEvent]:
    """Stream a chat completion as events; ``params.n`` > 1 yields variants 0..n-1.

    ``client`` (from :func:`.connection.open_client` for this endpoint) is reused and left open,
    so many requests share one client and its pool (batch jobs): a finished stream's connection
    serves the next request (:mod:`.keepalive`). Without it one is made and closed.

    Ends quietly when ``cancel`` is set (the HTTP connection is closed at once, also during a
    wait before a retry). Raises :class:`ProviderError` on any failure, including an answer
    without any text, and under "local only" for an endpoint not on this machine.
    """
    cancel = cancel or threading.Event()
    caps = capabilities(endpoint.base_url)
    n = max(1, params.n)
    call = _ChatCall(endpoint, list(messages), params, model, cancel, on_retry, client)
    try:
        missing = list(range(n))
        reason = _separate_reason(endpoint, caps) if n > 1 else ""
        if not reason:
            try:
                missing = yield from call.request(n=n, index_offset=0)
            except _Refused:
                caps.refuses_n = True
                reason = "refused"
            else:
                if missing:  # one choice came back for n > 1: the server ignores n
                    caps.ignores_n = True
                    reason = "ignored"
        if missing:
            yield SeparateRequests(len(missing), reason)
            yield from _variants_apart(call, missing)
        yield from call.finish()
    finally:
        call.close()


def _separate_reason(endpoint: Endpoint, caps: Capabilities) -> str:
    """Why variants go as separate requests from the start ('' when ``n`` is worth a try)."""
    if endpoint.repetition is not None:  # llama.cpp's server (the built-in engine) refuses n
        return "engine"
    return "refused" if caps.refuses_n else "ignored" if caps.ignores_n else ""


def _variants_apart(call: _ChatCall, indices: list[int]) -> Iterator[StreamEvent]:
    """Each variant of ``indices`` in its own single request, several at once; ``call`` sums
    their usage. A variant whose request failed is cut short; if none brought text, the first
    error is raised."""
    calls: dict[int, _ChatCall] = {}

    def one(index: int, stop: threading.Event) -> Iterator[StreamEvent]:
        single = calls[index] = call.sibling(index, stop)
        try:
            yield from single.request(n=1, index_offset=index)
        finally:
            single.close()

    errors = yield from separate_requests(one, indices, call.cancel)
    for single in calls.values():
        call.got_text = call.got_text or single.got_text
        if single.usage is not None:
            call.add_usage(single.usage)
    if errors and not call.got_text and not call.cancel.is_set():
        raise errors[min(errors)]
    for index in sorted(errors):
        if not isinstance(errors[index], Exception):  # KeyboardInterrupt and the like
            raise errors[index]
        yield Finished(index, None)


def list_server_models(endpoint: Endpoint) -> list[str]:
    """Model ids the server offers, sorted (used by "Test connection").

    Not the local GGUF files: those are :func:`assistant.core.engine.models.list_models`.
    """
    ctx = error_context(endpoint, model="")
    client = open_client(endpoint)

    def send(attempt: int) -> Any:
        headers = request_headers(endpoint, attempt)
        raw = client.models.with_raw_response.list(extra_headers=headers)
        check_content_type(raw.http_response, ctx)
        return raw

    try:
        raw = call_with_retries(send, endpoint.max_retries, threading.Event())
        page = raw.parse()
        return sorted(str(m.id) for m in page.data)
    except ProviderError:
        raise
    except (AttributeError, TypeError) as exc:  # a JSON body that is not a model list
        raise provider_error(ValueError(str(exc)), ctx) from exc
    except Exception as exc:
        raise mapped(exc, ctx) from exc
    finally:
        client.close()


# -- one call --------------------------------------------------------------------------------------
class _ChatCall:
    """One stream_chat call: its SDK client, whether text came, and the summed usage."""

    def __init__(
        self,
        endpoint: Endpoint,
        messages: list[Mapping[str, Any]],
        params: GenerationParams,
        model: str,
        cancel: threading.Event,
        on_retry: RetryCallback | None,
        client: openai.OpenAI | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.ctx = error_context(endpoint, model)
        self.messages = messages
        self.params = params
        self.model = model
        self.cancel = cancel
        self.on_retry = on_retry
        self._owns_client = client is None
        self.client = open_client(endpoint) if client is None else client
        self.got_text = False
        self.usage: Usage | None = None
        self.variant: int | None = None
        """The one variant this call carries, when variants go as separate requests."""

    def close(self) -> None:
        if self._owns_client:
            self.client.close()

    def finish(self) -> Iterator[StreamEvent]:
        """The summed usage, or the 'empty answer' error when no text came at all."""
        if self.cancel.is_set():
            return
        if not self.got_text:
            raise empty_answer_error(self.ctx)
        if self.usage is not None:
            yield self.usage

    def sibling(self, index: int, cancel: threading.Event) -> _ChatCall:
        """A call like this one for variant ``index`` alone, with its own client and ``cancel``."""
        call = _ChatCall(
            self.endpoint, self.messages, self.params, self.model, cancel, self.on_retry
        )
        call.variant = index
        return call

    def request(self, n: int, index_offset: int) -> Generator[StreamEvent, None, list[int]]:
        """One streaming request; its variant indices are shifted by ``index_offset``.

        Returns the variants the server never mentioned although the request asked for them
        (``n`` > 1 answered with one choice), which are then still to be fetched.
        """
        stream = self._open(n)
        if stream is None:
            return []
        reader = ChunkReader(n, index_offset, self.add_usage)
        try:
            with CancelWatch(self.cancel, stream.response) as watch:
                body = FinishedBody(self.cancel, watch)
                keep_alive_when_finished(stream.response, body)
                for chunk in stream:
                    if self.cancel.is_set():
                        return []
                    events = reader.feed(chunk)
                    self.got_text = self.got_text or reader.got_text
                    if reader.whole and not body.finished:  # wait briefly for the tail
                        body.finished = True  # then read it to the end: keep-alive
                        watch.close_after(min(TAIL_GRACE_SECONDS, self.endpoint.read_timeout))
                    yield from events
        except ProviderError:
            raise
        except Exception as exc:
            if self.cancel.is_set() or reader.whole:
                return []  # closed on cancel, or the tail after every finish_reason went wrong
            raise mapped(exc, self.ctx, mid_stream=reader.got_text) from exc
        finally:
            stream.close()
        ending, never_seen = reader.ending()
        yield from ending
        return never_seen

    def _open(self, n: int) -> openai.Stream[Any] | None:
        """Send the request (with retries); once more without optional fields the server refuses.

        None when cancelled while waiting to retry.
        """
        while True:
            try:
                return call_with_retries(
                    lambda attempt: self._create(n, attempt),
                    self.endpoint.max_retries,
                    self.cancel,
                    self.on_retry,
                )
            except RetryWaitCancelled:
                return None
            except ProviderError:
                raise
            except Exception as exc:
                if n > 1 and refused_field(exc) == "n":
                    raise _Refused from exc
                if drop_refused_stream_options(exc, self.endpoint.base_url):
                    continue
                error = mapped(exc, self.ctx)
                raise about_images(error, self.messages, self.endpoint, self.model) from exc

    def _create(self, n: int, attempt: int) -> openai.Stream[Any]:
        fields = chat_fields(
            self.endpoint, self.messages, self.params, self.model, n, attempt, self.variant
        )
        raw = self.client.chat.completions.with_raw_response.create(**fields)
        check_content_type(raw.http_response, self.ctx)
        stream: openai.Stream[Any] = raw.parse()
        return stream

    def add_usage(self, usage: Any) -> None:
        self.usage = summed_usage(self.usage, usage)
