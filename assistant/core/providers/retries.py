"""The retry loop around opening a request: backoff honouring Retry-After, observable, cancellable.

The SDK's clients are made with ``max_retries=0`` (:func:`.connection.open_client`) and this loop
retries instead. Owning it, rather than overriding the SDK's private ``_sleep_for_retry``,
``_should_retry`` and ``_calculate_retry_timeout``, means the status line ("retrying in N s") and
Stop during the wait rest only on the SDK's public surface (its exception classes, ``status_code``,
``response.headers``, ``body``), which stays stable across releases, while the private hooks had no
contract at all: a renamed method would have silently turned retries back into an uncancellable,
unannounced sleep. The rules follow the SDK's own (openai 3.57): connection errors, timeouts, 408,
409, 429 and 5xx are retried; ``x-should-retry`` wins; a Retry-After of up to two minutes is
honoured, a longer one is not waited for; otherwise 0.5 s doubling up to 8 s, minus up to 25 %
jitter. A 429 that says the quota is gone is never retried.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from assistant.core.providers.errors import parse_retry_after, says_quota_exhausted

INITIAL_DELAY_S = 0.5
MAX_BACKOFF_S = 8.0
MAX_RETRY_AFTER_S = 120.0
RETRIED_STATUSES = frozenset({408, 409, 429})

_T = TypeVar("_T")


@dataclass(frozen=True)
class RetryNotice:
    """About to retry: attempt ``attempt`` of ``max_retries`` after ``delay`` seconds."""

    attempt: int
    max_retries: int
    delay: float
    status: int | None  # HTTP status that caused the retry; None for connection errors/timeouts


RetryCallback = Callable[[RetryNotice], None]


class RetryWaitCancelled(Exception):
    """The caller cancelled while waiting to retry: nothing more is sent."""


def call_with_retries(
    send: Callable[[int], _T],
    max_retries: int,
    cancel: threading.Event,
    on_retry: RetryCallback | None = None,
) -> _T:
    """``send(attempt)`` until it succeeds, fails for good, or retries run out.

    ``attempt`` counts from 0. The last exception propagates unchanged. Raises
    :class:`RetryWaitCancelled` when ``cancel`` is set during a wait.
    """
    attempt = 0
    while True:
        try:
            return send(attempt)
        except Exception as exc:
            delay = retry_delay(exc, attempt) if attempt < max_retries else None
            if delay is None:
                raise
            if on_retry is not None:
                on_retry(RetryNotice(attempt + 1, max_retries, delay, _status(exc)))
            if cancel.wait(delay):
                raise RetryWaitCancelled from exc
            attempt += 1


def retry_delay(exc: BaseException, attempt: int) -> float | None:
    """Seconds to wait before retrying after ``exc`` on attempt ``attempt`` (None: do not retry)."""
    import openai

    if isinstance(exc, openai.APIConnectionError):  # refused, reset, DNS, timeouts
        return backoff(attempt)
    if not isinstance(exc, openai.APIStatusError):
        return None
    headers = exc.response.headers
    retry_after = parse_retry_after(headers)
    if retry_after is not None and retry_after > MAX_RETRY_AFTER_S:
        return None
    wanted = headers.get("x-should-retry")
    if wanted == "false":
        return None
    status = exc.status_code
    if wanted != "true" and status not in RETRIED_STATUSES and status < 500:
        return None
    if status == 429 and says_quota_exhausted(exc.body, exc.message):
        return None
    if retry_after is not None and retry_after > 0:
        return retry_after
    return backoff(attempt)


def backoff(attempt: int) -> float:
    """0.5 s doubling per attempt up to 8 s, minus up to 25 % jitter."""
    delay = min(INITIAL_DELAY_S * 2.0 ** min(attempt, 30), MAX_BACKOFF_S)
    return delay * (1 - 0.25 * random.random())


def _status(exc: BaseException) -> int | None:
    status = getattr(exc, "status_code", None)
    return status if isinstance(status, int) else None
