"""The one place an SDK client is made, and what every request through it shares.

:func:`open_client` is the only constructor of ``openai.OpenAI`` in the app (and
:func:`open_async_client` of ``openai.AsyncOpenAI``, for batch jobs): streaming, listing a
server's models and every "Test connection" go through them, so the "local only" switch is enforced
here, before any socket opens, whoever built the :class:`Endpoint`. The client never retries by
itself (``max_retries=0``): :mod:`.retries` owns the retry loop.

Building a client used to load the CA certificates into a fresh TLS context every time (40-95 ms
per generation, ``cProfile`` of ``open_client``); :func:`tls_context` builds it once per
certificate setting and every client shares it, while proxies, timeouts and "local only" stay
per endpoint.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.core.base.i18n import tr
from assistant.core.providers.errors import ErrorContext, ProviderError, html_page_error
from assistant.core.providers.network_policy import check_allowed, http_route
from assistant.core.providers.redaction import redact_url

if TYPE_CHECKING:
    import socket
    import ssl

    import openai

NO_KEY = "no-key"  # the SDK insists on a key; it is never sent (the header is omitted)
CANCEL_POLL_SECONDS = 0.05
CERTIFICATE_VARIABLES = ("SSL_CERT_FILE", "SSL_CERT_DIR")
"""Environment variables the HTTP layer reads for its CA certificates when it trusts the
environment."""

_tls_contexts: dict[tuple[str | None, ...], ssl.SSLContext] = {}
_tls_lock = threading.Lock()


@dataclass(frozen=True)
class Endpoint:
    """Where to send requests; resolved by the caller from a ProviderProfile and its key.

    ``local_only``: refuse this endpoint unless it is on this machine (Settings → Local only);
    :class:`~assistant.core.work.endpoints.ProviderResolver` sets it on every endpoint it makes.
    """

    provider_name: str
    base_url: str
    api_key: str | None
    read_timeout: float = 60.0
    connect_timeout: float = 10.0
    max_retries: int = 2
    proxy: str = ""
    """Proxy URL for this endpoint ('' = the environment's); loopback URLs never use one. May carry
    ``user:password`` (from the keyring): it is never shown."""
    local_only: bool = False
    repetition: float | None = None
    """Set only for llama.cpp's server (the built-in engine): its model's default Repetition
    strength; llama.cpp's sampler fields are then sent with every chat request (``sampling``)."""
    api_version: str = ""
    """Set only for Azure OpenAI: requests go to ``{base_url}/openai/deployments/{model}/...``
    with ``?api-version=`` and an ``api-key`` header (the SDK's Azure client)."""

    def __repr__(self) -> str:  # never print the key or the proxy's password
        key = "None" if self.api_key is None else "'***'"
        proxy = f", proxy={redact_url(self.proxy)!r}" if self.proxy else ""
        return f"Endpoint({self.provider_name!r}, {self.base_url!r}, api_key={key}{proxy})"


def error_context(endpoint: Endpoint, model: str) -> ErrorContext:
    """What an error message about ``endpoint`` needs."""
    return ErrorContext(
        provider=endpoint.provider_name,
        base_url=endpoint.base_url,
        model=model,
        has_key=bool(endpoint.api_key),
        read_timeout=endpoint.read_timeout,
        connect_timeout=connect_timeout(endpoint),
    )


def connect_timeout(endpoint: Endpoint) -> float:
    """Connecting never waits longer than the whole request may (the read timeout)."""
    return min(endpoint.connect_timeout, endpoint.read_timeout)


def open_client(endpoint: Endpoint) -> openai.OpenAI:
    """An SDK client for ``endpoint`` (close it after use); raises ProviderError under local only.

    Loopback endpoints are reached directly; others through the profile's proxy, else the
    environment's. The SDK's own retries are off: see :func:`.retries.call_with_retries`.
    """
    client: openai.OpenAI = _sdk_client(endpoint, asynchronous=False)
    return client


def open_async_client(endpoint: Endpoint) -> openai.AsyncOpenAI:
    """The same client as :func:`open_client` for an event loop (``AsyncOpenAI``; close it with
    ``await client.close()``): the same local-only check, routes, TLS, timeouts, no retries."""
    client: openai.AsyncOpenAI = _sdk_client(endpoint, asynchronous=True)
    return client


def _sdk_client(endpoint: Endpoint, *, asynchronous: bool) -> Any:
    check_allowed(
        endpoint.provider_name, endpoint.base_url, builtin=False, local_only=endpoint.local_only
    )
    import openai

    route = http_route(endpoint.base_url, endpoint.proxy)
    verify = tls_context(trust_env=route.trust_env)
    http_class = openai.DefaultAsyncHttpxClient if asynchronous else openai.DefaultHttpxClient
    http_client = None
    with contextlib.suppress(ValueError):  # its text repeats the proxy URL, password included
        http_client = http_class(trust_env=route.trust_env, proxy=route.proxy, verify=verify)
    if http_client is None:
        raise _bad_proxy(endpoint)  # raised outside the handler: no chained ValueError
    common: dict[str, Any] = {
        "api_key": endpoint.api_key or NO_KEY,
        "timeout": openai.Timeout(endpoint.read_timeout, connect=connect_timeout(endpoint)),
        "max_retries": 0,
        "http_client": http_client,
    }
    if endpoint.api_version:  # Azure: the deployment is the request's model (the SDK's routing)
        azure = openai.AsyncAzureOpenAI if asynchronous else openai.AzureOpenAI
        return azure(
            azure_endpoint=endpoint.base_url.rstrip("/"),
            api_version=endpoint.api_version,
            **common,
        )
    plain = openai.AsyncOpenAI if asynchronous else openai.OpenAI
    return plain(base_url=endpoint.base_url, **common)


def tls_context(*, trust_env: bool) -> ssl.SSLContext:
    """The TLS context the HTTP layer would build by default, made once and shared by clients.

    With ``trust_env`` the HTTP layer honours ``SSL_CERT_FILE``/``SSL_CERT_DIR``, so their current
    values are part of the key: changing them gives a new context, as a new client would get.
    Unset, both kinds of route share one context.
    """
    key = tuple(os.environ.get(name) if trust_env else None for name in CERTIFICATE_VARIABLES)
    with _tls_lock:
        context = _tls_contexts.get(key)
        if context is None:
            context = http_layer().create_ssl_context(trust_env=trust_env)
            _tls_contexts[key] = context
        return context


def prepare_tls() -> None:
    """Build the shared TLS contexts ahead of the first request (for a warm-up thread)."""
    for trust_env in (False, True):
        tls_context(trust_env=trust_env)


def http_layer() -> Any:
    """The HTTP package under the installed SDK (``httpx``, or ``httpx2`` for openai 3)."""
    import openai

    return importlib.import_module(openai.DefaultHttpxClient.__mro__[1].__module__.split(".")[0])


def _bad_proxy(endpoint: Endpoint) -> ProviderError:
    message = tr(
        "The proxy of {provider} ({proxy}) is not a proxy URL. Write it as "
        "http://host:port (or https://, socks5://) in Settings → Providers."
    )
    text = message.replace("{provider}", endpoint.provider_name).replace(
        "{proxy}", redact_url(endpoint.proxy)
    )
    return ProviderError("bad_request", text, provider=endpoint.provider_name)


def request_headers(endpoint: Endpoint, attempt: int) -> dict[str, Any]:
    """Per-request headers: the retry count, and no Authorization at all without a key."""
    headers: dict[str, Any] = {"x-stainless-retry-count": str(attempt)}
    if not endpoint.api_key:
        import openai

        headers["Authorization"] = openai.Omit()
        if endpoint.api_version:  # Azure's key header
            headers["api-key"] = openai.Omit()
    return headers


def check_content_type(response: Any, ctx: ErrorContext) -> None:
    """A web page is not an API answer (wrong base URL, captive portal, proxy error page)."""
    error = web_page_error(response, ctx)
    if error is not None:
        response.close()
        raise error


def web_page_error(response: Any, ctx: ErrorContext) -> ProviderError | None:
    """The error to raise when ``response`` is a web page rather than an API answer."""
    content_type = str(response.headers.get("content-type", "")).lower()
    if "text/html" in content_type:
        return html_page_error(ctx, int(response.status_code))
    return None


class CancelWatch:
    """While active, shut the response's socket down as soon as ``cancel`` is set.

    A blocked read does not notice ``response.close()`` from another thread, but it does return at
    once when the socket is shut down, so Stop works even when the server stalls. The same is
    done at a deadline set by :meth:`close_after` (a server that hangs after its last finish).
    The socket comes from the HTTP layer's documented ``network_stream`` response extension
    (checked by tests/core/providers/test_sdk_contract.py).
    """

    def __init__(self, cancel: threading.Event, response: Any) -> None:
        self._cancel = cancel
        self._response = response
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._shut = False
        self._deadline: float | None = None
        self._thread = threading.Thread(target=self._watch, name="stream-cancel", daemon=True)

    def __enter__(self) -> CancelWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    @property
    def active(self) -> bool:
        """Still watching: inside the ``with`` block, not released, the socket not shut yet."""
        return not self._done.is_set() and not self._shut

    def close_after(self, seconds: float) -> None:
        """Shut the socket down ``seconds`` from now (or at an earlier deadline already set)
        unless the stream has ended by then."""
        deadline = time.monotonic() + seconds
        if self._deadline is None or deadline < self._deadline:
            self._deadline = deadline

    def release(self) -> bool:
        """Never touch the socket again (its connection goes back to the pool); False when it
        was already shut down."""
        with self._lock:
            self._done.set()
            return not self._shut

    def _watch(self) -> None:
        while not self._done.wait(CANCEL_POLL_SECONDS):
            deadline = self._deadline
            if self._cancel.is_set() or (deadline is not None and time.monotonic() >= deadline):
                with self._lock:
                    if self._done.is_set():
                        return
                    self._shut = True
                    shutdown_socket(self._response)
                return


def response_socket(response: Any) -> socket.socket | None:
    """The socket under an httpx response, when the HTTP layer exposes it."""
    import socket  # a stream is open, so the HTTP layer has imported it already

    stream = getattr(response, "extensions", {}).get("network_stream")
    sock = stream.get_extra_info("socket") if stream is not None else None
    return sock if isinstance(sock, socket.socket) else None


def shutdown_socket(response: Any) -> None:
    """Shut the response's socket down in both directions (wakes a blocked read)."""
    import socket

    sock = response_socket(response)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
