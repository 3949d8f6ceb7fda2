"""What the synchronous and the asynchronous chat paths share, so each rule lives once.

The request's fields (:func:`chat_fields`), what a server was seen to refuse
(:class:`Capabilities`), a streamed request's chunks turned into events (:class:`ChunkReader`),
usage summed across requests (:func:`summed_usage`), and SDK exceptions turned into
:class:`~.errors.ProviderError` (:func:`mapped`, :func:`refused_field`, :func:`about_images`).
:mod:`.client` (``stream_chat``, threads) and :mod:`.async_chat` (``astream_chat``, one event
loop) are built from these.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.core.providers.connection import Endpoint, request_headers
from assistant.core.providers.errors import ErrorContext, ProviderError, provider_error
from assistant.core.providers.events import Delta, Finished, StreamEvent, Usage
from assistant.core.providers.params import GenerationParams
from assistant.core.providers.sampling import llama_sampler_fields

VARIANT_HEADER = "X-Assistant-Variant"
"""Sent with each separate request of several variants: which one it is (from 1)."""
TAIL_GRACE_SECONDS = 2.0
"""After every choice's ``finish_reason``: how long to wait for the usage event and ``[DONE]``."""


@dataclass
class Capabilities:
    """What a server was seen to refuse (remembered per base URL for the life of the process)."""

    refuses_n: bool = False
    ignores_n: bool = False
    refuses_stream_options: bool = False


_capabilities: dict[str, Capabilities] = {}
_capabilities_lock = threading.Lock()


def capabilities(base_url: str) -> Capabilities:
    """What the server at ``base_url`` was seen to refuse so far."""
    with _capabilities_lock:
        return _capabilities.setdefault(base_url.rstrip("/"), Capabilities())


def forget_capabilities() -> None:
    """Forget what servers refused (e.g. after the user changed a server's settings)."""
    with _capabilities_lock:
        _capabilities.clear()


def chat_fields(
    endpoint: Endpoint,
    messages: Sequence[Mapping[str, Any]],
    params: GenerationParams,
    model: str,
    n: int,
    attempt: int,
    variant: int | None = None,
) -> dict[str, Any]:
    """The keyword arguments of ``chat.completions.create`` for one streamed request."""
    fields: dict[str, Any] = {
        "model": model,
        "messages": messages,
        "temperature": params.temperature,
        "max_tokens": params.max_tokens,
        "top_p": params.top_p,
        "n": n,
        "stream": True,
        "extra_headers": request_headers(endpoint, attempt),
    }
    if variant is not None:  # tells the requests of one generation apart in logs
        fields["extra_headers"][VARIANT_HEADER] = str(variant + 1)
    if params.stop:
        fields["stop"] = list(params.stop)
    if not capabilities(endpoint.base_url).refuses_stream_options:
        fields["stream_options"] = {"include_usage": True}
    if endpoint.repetition is not None:  # llama.cpp's server: its sampler fields
        strength = endpoint.repetition if params.repetition is None else params.repetition
        fields["extra_body"] = llama_sampler_fields(strength)
    return fields


class ChunkReader:
    """One streamed request's chunks → :class:`Delta` and :class:`Finished` events, its variant
    indices shifted by ``index_offset``; usage goes to ``on_usage``."""

    def __init__(self, n: int, index_offset: int, on_usage: Callable[[Any], None]) -> None:
        self.n = n
        self.index_offset = index_offset
        self.unfinished = set(range(n))
        self.seen: set[int] = set()
        self.got_text = False
        """Some text came (then a failure is a cut-off answer, not a refused request)."""
        self._on_usage = on_usage

    @property
    def whole(self) -> bool:
        """Every choice has its ``finish_reason``: what is left is only the tail."""
        return not self.unfinished

    def feed(self, chunk: Any) -> list[StreamEvent]:
        """The events of one chunk."""
        events: list[StreamEvent] = []
        for choice in chunk.choices or ():
            index = choice.index
            self.seen.add(index)
            text = choice.delta.content if choice.delta else None
            if text:
                self.got_text = True
                events.append(Delta(text, index + self.index_offset))
            if choice.finish_reason is not None and index in self.unfinished:
                self.unfinished.discard(index)
                events.append(Finished(index + self.index_offset, choice.finish_reason))
        if chunk.usage is not None:
            self._on_usage(chunk.usage)
        return events

    def ending(self) -> tuple[list[StreamEvent], list[int]]:
        """After the stream: a finish without reason for each choice that ended without the
        server's, and the variants the server never mentioned although the request asked for
        them (``n`` > 1 answered with one choice), which are then still to be fetched."""
        unfinished = self.unfinished
        asked_more = self.n > 1 and self.seen and 0 not in unfinished
        never_seen = sorted(unfinished - self.seen) if asked_more else []
        events: list[StreamEvent] = [
            Finished(index + self.index_offset, None)
            for index in sorted(unfinished - set(never_seen))
        ]
        return events, [index + self.index_offset for index in never_seen]


def summed_usage(previous: Usage | None, usage: Any) -> Usage:
    """``previous`` plus the SDK's ``usage`` of one more request."""
    prev = previous or Usage(0, 0, 0)
    cached = cached_tokens(usage)
    if cached is not None or prev.cached_tokens is not None:
        cached = (prev.cached_tokens or 0) + (cached or 0)
    return Usage(
        prev.prompt_tokens + int(usage.prompt_tokens or 0),
        prev.completion_tokens + int(usage.completion_tokens or 0),
        prev.total_tokens + int(usage.total_tokens or 0),
        cached,
    )


def cached_tokens(usage: Any) -> int | None:
    """Prompt tokens served from the provider's cache, as each provider reports them.

    OpenAI (and most compatible servers): ``prompt_tokens_details.cached_tokens``; DeepSeek:
    ``prompt_cache_hit_tokens``; Moonshot: ``cached_tokens``. None when the usage says nothing.
    """
    details = getattr(usage, "prompt_tokens_details", None)
    for value in (
        getattr(details, "cached_tokens", None) if details is not None else None,
        getattr(usage, "prompt_cache_hit_tokens", None),
        getattr(usage, "cached_tokens", None),
    ):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


# -- SDK answers -----------------------------------------------------------------------------------
def mapped(exc: BaseException, ctx: ErrorContext, *, mid_stream: bool = False) -> ProviderError:
    """The ProviderError for an SDK failure (anything else is raised again as it is)."""
    import openai

    if isinstance(exc, openai.OpenAIError | ValueError | ProviderError):
        return provider_error(exc, ctx, mid_stream=mid_stream)
    raise exc


def drop_refused_stream_options(exc: BaseException, base_url: str) -> bool:
    """True when ``exc`` is the server refusing ``stream_options`` for the first time (it is
    remembered: send the request again without it)."""
    caps = capabilities(base_url)
    if refused_field(exc) != "stream_options" or caps.refuses_stream_options:
        return False
    caps.refuses_stream_options = True
    return True


def about_images(
    error: ProviderError, messages: Sequence[Mapping[str, Any]], endpoint: Endpoint, model: str
) -> ProviderError:
    """A refusal of a request with images says so clearly (see :mod:`.vision`)."""
    from assistant.core.providers.vision import has_image_parts, refusal_from_server

    if not has_image_parts(list(messages)):
        return error
    return refusal_from_server(error, endpoint.base_url, model)


_N_FIELD = re.compile(r"(?<![\w'\"`])['\"`]?n['\"`]?(?![\w'\"`])")


def refused_field(exc: BaseException) -> str | None:
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
