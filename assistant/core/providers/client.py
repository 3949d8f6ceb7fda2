"""Streaming chat client over the official ``openai`` SDK (any OpenAI-compatible server).

Qt-free and synchronous: a worker thread iterates :func:`stream_chat` and forwards the events.
``import openai`` costs about a second, so it happens inside the functions, never at import time.

Every failure surfaces as :class:`~.errors.ProviderError` with a user message.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.core.providers.errors import (
    ErrorContext,
    ProviderError,
    empty_answer_error,
    html_page_error,
    provider_error,
)
from assistant.core.providers.params import GenerationParams

if TYPE_CHECKING:
    import openai

NO_KEY = "no-key"  # the SDK insists on a key; it is never sent (the header is omitted)
CANCEL_POLL_SECONDS = 0.05
TAIL_GRACE_SECONDS = 2.0
"""After every choice's ``finish_reason``: how long to wait for the usage event and ``[DONE]``."""


@dataclass(frozen=True)
class Endpoint:
    """Where to send requests; resolved by the caller from a ProviderProfile and its key."""

    provider_name: str
    base_url: str
    api_key: str | None
    read_timeout: float = 60.0
    connect_timeout: float = 10.0
    max_retries: int = 2
    proxy: str = ""
    """Proxy URL for this endpoint ('' = the environment's); loopback URLs never use one."""

    def __repr__(self) -> str:  # never print the key
        key = "None" if self.api_key is None else "'***'"
        return f"Endpoint({self.provider_name!r}, {self.base_url!r}, api_key={key})"


@dataclass(frozen=True)
class Delta:
    """Streamed text of variant ``index``."""

    text: str
    index: int = 0


@dataclass(frozen=True)
class Usage:
    """Token counts of the whole call (summed when variants were fetched one by one)."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


@dataclass(frozen=True)
class Finished:
    """Variant ``index`` ended; ``reason`` as the server said (stop, length, ...).

    ``None`` means the stream ended without the server saying the variant was finished (no
    ``finish_reason``): the answer was cut short, whatever the transport reported.
    """

    index: int
    reason: str | None


StreamEvent = Delta | Usage | Finished


@dataclass(frozen=True)
class RetryNotice:
    """The SDK is about to retry: attempt ``attempt`` of ``max_retries`` after ``delay`` seconds."""

    attempt: int
    max_retries: int
    delay: float
    status: int | None  # HTTP status that caused the retry; None for connection errors/timeouts


RetryCallback = Callable[[RetryNotice], None]


@dataclass
class _Capabilities:
    """What a server was seen to refuse (remembered per base URL for the life of the process)."""

    refuses_n: bool = False
    refuses_stream_options: bool = False


_capabilities: dict[str, _Capabilities] = {}
_capabilities_lock = threading.Lock()


def _caps(base_url: str) -> _Capabilities:
    with _capabilities_lock:
        return _capabilities.setdefault(base_url.rstrip("/"), _Capabilities())


def forget_capabilities() -> None:
    """Forget what servers refused (e.g. after the user changed a server's settings)."""
    with _capabilities_lock:
        _capabilities.clear()


class _Cancelled(Exception):
    """Raised out of the SDK's retry sleep when the caller cancelled."""


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
) -> Iterator[StreamEvent]:
    """Stream a chat completion as events; ``params.n`` > 1 yields variants 0..n-1.

    Ends quietly when ``cancel`` is set (the HTTP connection is closed at once). Raises
    :class:`ProviderError` on any failure, including an answer without any text.
    """
    cancel = cancel or threading.Event()
    ctx = _context(endpoint, model)
    caps = _caps(endpoint.base_url)
    n = max(1, params.n)
    run = _Run(endpoint, ctx, list(messages), params, model, cancel, on_retry)
    try:
        if n > 1 and not caps.refuses_n:
            try:
                yield from run.request(n=n, index_offset=0)
            except _Refused:
                caps.refuses_n = True
            else:
                yield from run.finish()
                return
        for index in range(n):
            if cancel.is_set():
                return
            yield from run.request(n=1, index_offset=index)
        yield from run.finish()
    finally:
        run.close()


def list_models(endpoint: Endpoint) -> list[str]:
    """Model ids the server offers, sorted (used by "Test connection")."""
    ctx = _context(endpoint, model="")
    client = _make_client(endpoint, threading.Event(), None)
    try:
        raw = client.models.with_raw_response.list(extra_headers=_auth_override(endpoint))
        _check_content_type(raw.http_response, ctx)
        page = raw.parse()
        return sorted(str(m.id) for m in page.data)
    except ProviderError:
        raise
    except (AttributeError, TypeError) as exc:  # a JSON body that is not a model list
        raise provider_error(ValueError(str(exc)), ctx) from exc
    except Exception as exc:
        raise _mapped(exc, ctx) from exc
    finally:
        client.close()


# -- one call --------------------------------------------------------------------------------------
class _Run:
    """State of one stream_chat call: the SDK client, text seen, usage totals."""

    def __init__(
        self,
        endpoint: Endpoint,
        ctx: ErrorContext,
        messages: list[Mapping[str, Any]],
        params: GenerationParams,
        model: str,
        cancel: threading.Event,
        on_retry: RetryCallback | None,
    ) -> None:
        self.endpoint = endpoint
        self.ctx = ctx
        self.messages = messages
        self.params = params
        self.model = model
        self.cancel = cancel
        self.client = _make_client(endpoint, cancel, on_retry)
        self.caps = _caps(endpoint.base_url)
        self.got_text = False
        self.usage: Usage | None = None

    def close(self) -> None:
        self.client.close()

    def finish(self) -> Iterator[StreamEvent]:
        """The summed usage, or the 'empty answer' error when no text came at all."""
        if self.cancel.is_set():
            return
        if not self.got_text:
            raise empty_answer_error(self.ctx)
        if self.usage is not None:
            yield self.usage

    def request(self, n: int, index_offset: int) -> Iterator[StreamEvent]:
        """One streaming request; its variant indices are shifted by ``index_offset``."""
        stream = self._open(n)
        if stream is None:
            return
        unfinished = set(range(n))
        mid_stream = False
        try:
            with _CancelWatch(self.cancel, stream.response) as watch:
                for chunk in stream:
                    if self.cancel.is_set():
                        return
                    for choice in chunk.choices or ():
                        text = choice.delta.content if choice.delta else None
                        if text:
                            mid_stream = self.got_text = True
                            yield Delta(text, choice.index + index_offset)
                        if choice.finish_reason is not None and choice.index in unfinished:
                            unfinished.discard(choice.index)
                            yield Finished(choice.index + index_offset, choice.finish_reason)
                            if not unfinished:  # the answer is whole: wait briefly for the tail
                                watch.close_after(
                                    min(TAIL_GRACE_SECONDS, self.endpoint.read_timeout)
                                )
                    if chunk.usage is not None:
                        self._add_usage(chunk.usage)
        except ProviderError:
            raise
        except Exception as exc:
            if self.cancel.is_set() or not unfinished:
                return  # closed on cancel, or the tail after every finish_reason went wrong
            raise _mapped(exc, self.ctx, mid_stream=mid_stream) from exc
        finally:
            stream.close()
        for index in sorted(unfinished):  # the stream ended without the server saying it was done
            yield Finished(index + index_offset, None)

    def _open(self, n: int) -> openai.Stream[Any] | None:
        """Send the request; retry once without optional fields the server refuses."""
        while True:
            try:
                return self._create(n)
            except _Cancelled:
                return None
            except _Refused:
                raise
            except Exception as exc:
                refused = _refused_field(exc)
                if refused == "n" and n > 1:
                    raise _Refused from exc
                if refused == "stream_options" and not self.caps.refuses_stream_options:
                    self.caps.refuses_stream_options = True
                    continue
                raise _mapped(exc, self.ctx) from exc

    def _create(self, n: int) -> openai.Stream[Any]:
        p = self.params
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": self.messages,
            "temperature": p.temperature,
            "max_tokens": p.max_tokens,
            "top_p": p.top_p,
            "n": n,
            "stream": True,
            "extra_headers": _auth_override(self.endpoint),
        }
        if p.stop:
            kwargs["stop"] = list(p.stop)
        if not self.caps.refuses_stream_options:
            kwargs["stream_options"] = {"include_usage": True}
        raw = self.client.chat.completions.with_raw_response.create(**kwargs)
        _check_content_type(raw.http_response, self.ctx)
        stream: openai.Stream[Any] = raw.parse()
        return stream

    def _add_usage(self, usage: Any) -> None:
        prev = self.usage or Usage(0, 0, 0)
        self.usage = Usage(
            prev.prompt_tokens + int(usage.prompt_tokens or 0),
            prev.completion_tokens + int(usage.completion_tokens or 0),
            prev.total_tokens + int(usage.total_tokens or 0),
        )


# -- SDK plumbing ----------------------------------------------------------------------------------
def _context(endpoint: Endpoint, model: str) -> ErrorContext:
    return ErrorContext(
        provider=endpoint.provider_name,
        base_url=endpoint.base_url,
        model=model,
        has_key=bool(endpoint.api_key),
        read_timeout=endpoint.read_timeout,
        connect_timeout=_connect_timeout(endpoint),
    )


def _connect_timeout(endpoint: Endpoint) -> float:
    """Connecting never waits longer than the whole request may (the read timeout)."""
    return min(endpoint.connect_timeout, endpoint.read_timeout)


def _mapped(exc: BaseException, ctx: ErrorContext, *, mid_stream: bool = False) -> ProviderError:
    import openai

    if isinstance(exc, openai.OpenAIError | ValueError | ProviderError):
        return provider_error(exc, ctx, mid_stream=mid_stream)
    raise exc


def _auth_override(endpoint: Endpoint) -> dict[str, Any]:
    """Per-request headers: drop Authorization entirely when the endpoint has no key."""
    if endpoint.api_key:
        return {}
    import openai

    return {"Authorization": openai.Omit()}


def _check_content_type(response: Any, ctx: ErrorContext) -> None:
    """A web page is not an API answer (wrong base URL, captive portal, proxy error page)."""
    content_type = str(response.headers.get("content-type", "")).lower()
    if "text/html" in content_type:
        response.close()
        raise html_page_error(ctx, int(response.status_code))


_N_FIELD = re.compile(r"(?<![\w'\"`])['\"`]?n['\"`]?(?![\w'\"`])")


def _refused_field(exc: BaseException) -> str | None:
    """'n' or 'stream_options' when a 400/422 answer says that field is not accepted."""
    import openai

    if not isinstance(exc, openai.BadRequestError | openai.UnprocessableEntityError):
        return None
    body = exc.body if isinstance(exc.body, Mapping) else {}
    error = body.get("error", body) if isinstance(body.get("error", body), Mapping) else body
    param = str(error.get("param") or "")
    text = f"{param} {error.get('message') or ''} {exc.message}"
    if "stream_options" in text or "include_usage" in text:
        return "stream_options"
    if param == "n" or _N_FIELD.search(text):
        return "n"
    return None


@dataclass
class _RetryHook:
    cancel: threading.Event
    on_retry: RetryCallback | None = None


def _make_client(
    endpoint: Endpoint, cancel: threading.Event, on_retry: RetryCallback | None
) -> openai.OpenAI:
    import openai

    from assistant.core.providers.network_policy import http_route

    route = http_route(endpoint.base_url, endpoint.proxy)
    client_cls = _client_class()
    client = client_cls(
        api_key=endpoint.api_key or NO_KEY,
        base_url=endpoint.base_url,
        timeout=openai.Timeout(endpoint.read_timeout, connect=_connect_timeout(endpoint)),
        max_retries=endpoint.max_retries,
        http_client=openai.DefaultHttpxClient(trust_env=route.trust_env, proxy=route.proxy),
    )
    client._assistant_hook = _RetryHook(cancel, on_retry)  # type: ignore[attr-defined]
    return client


_client_cls: type[openai.OpenAI] | None = None


def _client_class() -> type[openai.OpenAI]:
    """``openai.OpenAI`` with a cancellable, observable retry sleep and no retry on lost quota.

    Both hooks override private SDK methods; if a future SDK renames them, the SDK's own
    behaviour applies unchanged (retries still happen, just silently and not cancellable).
    """
    global _client_cls
    if _client_cls is not None:
        return _client_cls
    import openai

    class _Client(openai.OpenAI):
        _assistant_hook: _RetryHook

        def _sleep_for_retry(
            self,
            *,
            retries_taken: int,
            max_retries: int,
            options: Any,
            response: Any,
        ) -> None:
            hook = getattr(self, "_assistant_hook", None) or _RetryHook(threading.Event())
            headers = response.headers if response is not None else None
            delay = float(
                self._calculate_retry_timeout(max_retries - retries_taken, options, headers)
            )
            status = int(response.status_code) if response is not None else None
            if hook.on_retry is not None:
                hook.on_retry(RetryNotice(retries_taken + 1, max_retries, delay, status))
            if hook.cancel.wait(delay):
                raise _Cancelled

        def _should_retry(self, response: Any) -> bool:
            if response.status_code == 429 and _is_quota_response(response):
                return False
            return bool(super()._should_retry(response))

    _client_cls = _Client
    return _Client


def _is_quota_response(response: Any) -> bool:
    """A 429 that says the quota is gone: retrying cannot help."""
    try:
        response.read()
        return "insufficient_quota" in response.text
    except Exception:
        return False


class _CancelWatch:
    """While active, shut the response's socket down as soon as ``cancel`` is set.

    A blocked read does not notice ``response.close()`` from another thread, but it does return at
    once when the socket is shut down, so Stop works even when the server stalls. The same is
    done at a deadline set by :meth:`close_after` (a server that hangs after its last finish).
    """

    def __init__(self, cancel: threading.Event, response: Any) -> None:
        self._cancel = cancel
        self._response = response
        self._done = threading.Event()
        self._deadline: float | None = None
        self._thread = threading.Thread(target=self._watch, name="stream-cancel", daemon=True)

    def __enter__(self) -> _CancelWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    def close_after(self, seconds: float) -> None:
        """Shut the socket down ``seconds`` from now unless the stream has ended by then."""
        self._deadline = time.monotonic() + seconds

    def _watch(self) -> None:
        while not self._done.wait(CANCEL_POLL_SECONDS):
            deadline = self._deadline
            if self._cancel.is_set() or (deadline is not None and time.monotonic() >= deadline):
                self._shutdown_socket()
                return

    def _shutdown_socket(self) -> None:
        stream = getattr(self._response, "extensions", {}).get("network_stream")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if isinstance(sock, socket.socket):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
