"""Provider errors: one clear, actionable message per failure, with secrets masked.

:func:`provider_error` turns any exception raised by the ``openai`` SDK (or its HTTP layer)
into a :class:`ProviderError` with a short stable ``kind`` and a user message that names the
provider and says what to do. The SDK is never imported here at module level (slow to import).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlparse

from assistant.core.base.i18n import tr
from assistant.core.providers.redaction import redact

ErrorKind = Literal[
    "auth",
    "forbidden",
    "not_found",
    "rate_limit",
    "quota",
    "server",
    "connection",
    "timeout",
    "dropped",
    "bad_response",
    "empty",
    "bad_request",
    "no_vision",  # a 400 that refuses the images: the model cannot take them (providers/vision.py)
    # raised by the built-in engine's endpoint resolution (assistant/core/work/endpoints.py)
    "no_model",
    "engine",
    # not from a provider: set by the run itself (assistant/core/work/generation.py, runs.py)
    "internal",  # an unexpected exception (a bug or a library error) ended the run
    "cut_short",  # the stream ended without the server saying the answer was finished
    "repetition",  # the loop guard stopped an answer that kept repeating itself
]

RETRYABLE_KINDS: frozenset[str] = frozenset(
    {"rate_limit", "server", "connection", "timeout", "dropped"}
)
MAX_DETAIL_CHARS = 300


class ProviderError(Exception):
    """A request to a provider failed. ``str(err)`` is the (redacted) user message.

    ``kind`` is a short stable string (see :data:`ErrorKind`); ``detail`` is the server's own
    (redacted, shortened) wording for logs; ``retry_after`` is in seconds when the server said.
    """

    def __init__(
        self,
        kind: ErrorKind,
        message: str,
        *,
        provider: str = "",
        status: int | None = None,
        retry_after: float | None = None,
        detail: str = "",
    ) -> None:
        self.kind: ErrorKind = kind
        self.message = redact(message)
        self.provider = provider
        self.status = status
        self.retry_after = retry_after
        self.detail = redact(detail)[:MAX_DETAIL_CHARS]
        super().__init__(self.message)

    @property
    def retryable(self) -> bool:
        """True when trying again later may succeed without changing anything."""
        return self.kind in RETRYABLE_KINDS

    def __repr__(self) -> str:
        return f"ProviderError({self.kind!r}, {self.message!r})"


@dataclass(frozen=True)
class ErrorContext:
    """What the message needs to be useful: who was called, where, for which model, with a key?"""

    provider: str
    base_url: str
    model: str = ""
    has_key: bool = True
    read_timeout: float | None = None
    connect_timeout: float | None = None


def empty_answer_error(ctx: ErrorContext) -> ProviderError:
    """The stream ended normally but carried no text."""
    msg = tr(
        "{provider} returned an empty answer. Try again, rephrase the request, or raise Max tokens."
    )
    return ProviderError("empty", msg.format(provider=ctx.provider), provider=ctx.provider)


def html_page_error(ctx: ErrorContext, status: int) -> ProviderError:
    """The server sent a web page where the API should have answered."""
    if status >= 500:
        msg = tr(
            "{provider} returned an error web page (HTTP {status}) instead of an API answer. "
            "The server or a proxy in front of it has a problem; try again later."
        )
        kind: ErrorKind = "server"
    else:
        msg = tr(
            "{provider} returned a web page (HTTP {status}) instead of an API answer from {url}. "
            "Check the base URL in Settings → Providers (it usually ends in /v1)."
        )
        kind = "bad_response"
    text = msg.format(provider=ctx.provider, status=status, url=ctx.base_url)
    return ProviderError(kind, text, provider=ctx.provider, status=status)


def provider_error(
    exc: BaseException, ctx: ErrorContext, *, mid_stream: bool = False
) -> ProviderError:
    """Map an SDK/HTTP exception to a :class:`ProviderError` (``mid_stream``: after text began)."""
    if isinstance(exc, ProviderError):
        return exc
    import openai  # already imported by whoever raised ``exc``; cheap here

    if isinstance(exc, openai.APITimeoutError):
        if not mid_stream and any(type(e).__name__ == "ConnectTimeout" for e in _causes(exc)):
            return _connection_error(ctx, exc)
        return _timeout_error(ctx, mid_stream)
    if isinstance(exc, openai.APIConnectionError):
        return _dropped_error(ctx, exc) if mid_stream else _connection_error(ctx, exc)
    if isinstance(exc, openai.APIStatusError):
        if "text/html" in exc.response.headers.get("content-type", "").lower():
            return html_page_error(ctx, exc.status_code)
        return _status_error(ctx, exc.status_code, exc.body, exc.response.headers, str(exc))
    if isinstance(exc, openai.APIError):  # an error event inside a stream, or a bad payload
        return _stream_error_event(ctx, exc)
    if isinstance(exc, json.JSONDecodeError):  # an SSE event whose data is not JSON
        return _malformed_event(ctx, exc, mid_stream)
    return _bad_response(ctx, exc)


# -- status codes ----------------------------------------------------------------------------------
def _status_error(
    ctx: ErrorContext, status: int, body: object, headers: Mapping[str, str], fallback: str
) -> ProviderError:
    code, err_type, server_msg = _error_fields(body)
    detail = server_msg or fallback
    fmt: dict[str, Any] = {
        "provider": ctx.provider,
        "status": status,
        "model": ctx.model,
        "url": ctx.base_url,
        "detail": _short(detail),
    }
    retry_after = parse_retry_after(headers)
    kind: ErrorKind
    if status == 401:
        kind = "auth"
        msg = (
            tr("{provider} rejected the API key (401). Check the key in Settings → Providers.")
            if ctx.has_key
            else tr("{provider} needs an API key (401). Enter one in Settings → Providers.")
        )
    elif status == 403:
        kind = "forbidden"
        msg = tr(
            "{provider} refused access (403): {detail} Check that your key and account may use "
            "this model, or pick another one in Settings → Providers."
        )
    elif status == 404:
        kind = "not_found"
        if ctx.model and (code == "model_not_found" or "model" in detail.lower()):
            msg = tr(
                "{provider} does not know the model “{model}” (404). Use Test connection in "
                "Settings → Providers to list the available models."
            )
        else:
            msg = tr(
                "{provider} has no OpenAI-compatible API at {url} (404). Check the base URL in "
                "Settings → Providers (it usually ends in /v1)."
            )
    elif status == 429 and _is_quota(code, err_type, detail):
        kind = "quota"
        msg = tr(
            "{provider} says the account has no quota left (429). Check your plan and billing "
            "with the provider, or switch to another provider."
        )
    elif status == 429:
        kind = "rate_limit"
        if retry_after is not None:
            fmt["seconds"] = max(1, round(retry_after))
            msg = tr("{provider} is limiting the request rate (429). Try again in {seconds} s.")
        else:
            msg = tr("{provider} is limiting the request rate (429). Wait a moment and try again.")
    elif status == 408:
        return _timeout_error(ctx, mid_stream=False)
    elif status == 407:
        kind = "auth"
        msg = tr(
            "The proxy in front of {provider} asks for a user name and password (407). Check "
            "them in the profile's proxy (http://user:password@host:port) in Settings → Providers."
        )
    elif status >= 500:
        kind = "server"
        msg = (
            tr("{provider} is unavailable or overloaded ({status}). Try again in a moment.")
            if status in (502, 503, 504)
            else tr("{provider} had an internal error ({status}). Try again later.")
        )
    elif _is_context_overflow(code, err_type, detail):
        kind = "bad_request"
        msg = tr(
            "The request is too long for the context window of “{model}” at {provider} "
            "({status}). Shorten the input or lower Max tokens."
        )
    else:
        kind = "bad_request"
        msg = tr("{provider} rejected the request ({status}): {detail}")
    return ProviderError(
        kind,
        msg.format(**fmt),
        provider=ctx.provider,
        status=status,
        retry_after=retry_after,
        detail=detail,
    )


def _is_context_overflow(code: str, err_type: str, message: str) -> bool:
    """OpenAI's context_length_exceeded or llama.cpp's exceed_context_size_error."""
    if code == "context_length_exceeded" or err_type == "exceed_context_size_error":
        return True
    return re.search(r"context (length|size|window)", message, re.IGNORECASE) is not None


def says_quota_exhausted(body: object, message: str = "") -> bool:
    """True when an error body (or its message) says the account's quota is gone."""
    code, err_type, server_msg = _error_fields(body)
    return _is_quota(code, err_type, server_msg or message) or "insufficient_quota" in message


def _is_quota(code: str, err_type: str, message: str) -> bool:
    return "insufficient_quota" in (code, err_type) or "exceeded your current quota" in message


def _error_fields(body: object) -> tuple[str, str, str]:
    """(code, type, message) from an OpenAI-style error body, as far as present."""
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            return "", "", str(body).strip()
    if isinstance(body, Mapping) and isinstance(body.get("error"), Mapping):
        body = body["error"]
    if not isinstance(body, Mapping):
        return "", "", ""
    message = body.get("message") or body.get("detail") or ""
    if not isinstance(message, str):
        message = json.dumps(message)
    return str(body.get("code") or ""), str(body.get("type") or ""), message.strip()


def parse_retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait from ``retry-after-ms`` / ``retry-after`` (seconds or HTTP date)."""
    lower = {k.lower(): v for k, v in headers.items()}
    try:
        if "retry-after-ms" in lower:
            return max(0.0, float(lower["retry-after-ms"]) / 1000)
        value = lower.get("retry-after")
        if value is None:
            return None
        return max(0.0, float(value))
    except ValueError:
        import email.utils  # an HTTP date is rare; the module is not needed at start-up

        parsed = email.utils.parsedate_tz(value or "")
        if parsed is None:
            return None
        return max(0.0, email.utils.mktime_tz(parsed) - time.time())


# -- transport -------------------------------------------------------------------------------------
def _timeout_error(ctx: ErrorContext, mid_stream: bool) -> ProviderError:
    if mid_stream:
        msg = tr(
            "{provider} stopped sending in the middle of the answer (nothing for {seconds} s). "
            "The text so far is kept; try again."
        )
    else:
        msg = tr(
            "{provider} did not answer within {seconds} s. The server may be busy or still "
            "loading the model; try again, or raise the timeout in Settings → Providers."
        )
    seconds = _seconds(ctx.read_timeout)
    return ProviderError(
        "timeout", msg.format(provider=ctx.provider, seconds=seconds), provider=ctx.provider
    )


def _dropped_error(ctx: ErrorContext, exc: BaseException) -> ProviderError:
    msg = tr(
        "The connection to {provider} dropped in the middle of the answer. "
        "The text so far is kept; try again."
    )
    return ProviderError(
        "dropped", msg.format(provider=ctx.provider), provider=ctx.provider, detail=_chain_text(exc)
    )


def _connection_error(ctx: ErrorContext, exc: BaseException) -> ProviderError:
    import socket

    chain = list(_causes(exc))
    text = _chain_text(exc)
    host = urlparse(ctx.base_url).hostname or ctx.base_url
    if any(isinstance(e, socket.gaierror) for e in chain) or _looks_like_dns(text):
        msg = tr(
            "Could not find the host “{host}” of {provider}. Check the base URL in "
            "Settings → Providers and your network connection."
        )
    elif any(isinstance(e, ConnectionRefusedError) for e in chain) or _looks_refused(text):
        msg = tr(
            "Nothing is listening at {url} ({provider}): connection refused. "
            "Is the server running? Check the base URL and port in Settings → Providers."
        )
    elif any(isinstance(e, TimeoutError) for e in chain):
        msg = tr(
            "Could not connect to {provider} at {url} within {seconds} s. "
            "Check the base URL in Settings → Providers and your network connection."
        )
    else:
        msg = tr(
            "Could not connect to {provider} at {url}. "
            "Check the base URL in Settings → Providers and your network connection."
        )
    text_out = msg.format(
        provider=ctx.provider, url=ctx.base_url, host=host, seconds=_seconds(ctx.connect_timeout)
    )
    return ProviderError("connection", text_out, provider=ctx.provider, detail=text)


def _stream_error_event(ctx: ErrorContext, exc: BaseException) -> ProviderError:
    body = getattr(exc, "body", None)
    code, err_type, server_msg = _error_fields(body)
    detail = server_msg or str(exc)
    if _is_quota(code, err_type, detail):
        return _status_error(ctx, 429, body, {}, detail)
    if code == "rate_limit_exceeded":
        return _status_error(ctx, 429, {"error": {"code": code, "message": detail}}, {}, detail)
    msg = tr("{provider} reported an error while answering: {detail} Try again.")
    text = msg.format(provider=ctx.provider, detail=_short(detail))
    return ProviderError("server", text, provider=ctx.provider, detail=detail)


def _malformed_event(ctx: ErrorContext, exc: BaseException, mid_stream: bool) -> ProviderError:
    if mid_stream:
        msg = tr(
            "{provider} sent an event that could not be read (not valid JSON) in the middle of "
            "the answer. The text so far is kept; try again."
        )
    else:
        msg = tr(
            "{provider} sent a streaming event that could not be read (not valid JSON). Try "
            "again; if it keeps happening, check that {url} is an OpenAI-compatible API."
        )
    text = msg.format(provider=ctx.provider, url=ctx.base_url)
    return ProviderError(
        "bad_response", text, provider=ctx.provider, detail=f"{type(exc).__name__}: {exc}"
    )


def _bad_response(ctx: ErrorContext, exc: BaseException) -> ProviderError:
    msg = tr(
        "{provider} sent a response that could not be read. Check that the base URL ({url}) "
        "points to an OpenAI-compatible API."
    )
    text = msg.format(provider=ctx.provider, url=ctx.base_url)
    return ProviderError(
        "bad_response", text, provider=ctx.provider, detail=f"{type(exc).__name__}: {exc}"
    )


# -- helpers ---------------------------------------------------------------------------------------
def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        for arg in current.args:  # httpx wraps the OSError as an argument sometimes
            if isinstance(arg, BaseException):
                yield arg
        current = current.__cause__ or current.__context__


def _chain_text(exc: BaseException) -> str:
    return " <- ".join(f"{type(e).__name__}: {e}" for e in _causes(exc))


def _looks_like_dns(text: str) -> bool:
    needles = (
        "name or service not known",
        "nodename nor servname",
        "getaddrinfo failed",
        "temporary failure in name resolution",
        "no address associated",
    )
    lower = text.lower()
    return any(n in lower for n in needles)


def _looks_refused(text: str) -> bool:
    lower = text.lower()
    return "connection refused" in lower or "actively refused" in lower


def _short(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > MAX_DETAIL_CHARS:
        text = text[: MAX_DETAIL_CHARS - 1] + "…"
    if text and text[-1] not in ".!?…":
        text += "."
    return text


def _seconds(value: float | None) -> str:
    return "?" if value is None else f"{value:g}"
