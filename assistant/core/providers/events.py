"""What a streaming chat call yields: text, token usage and the end of each variant.

Plain data, apart from :mod:`.client` so that what reads events (the run book, the views) does not
import the client and its transport before the first request (``python -X importtime``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Delta:
    """Streamed text of variant ``index``."""

    text: str
    index: int = 0


@dataclass(frozen=True)
class Usage:
    """Token counts of the whole call (summed when variants were fetched one by one).

    ``cached_tokens``: how many of the prompt tokens the provider served from its prompt cache
    (priced lower); None when the provider did not say.
    """

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    cached_tokens: int | None = None


@dataclass(frozen=True)
class Finished:
    """Variant ``index`` ended; ``reason`` as the server said (stop, length, ...).

    ``None`` means the stream ended without the server saying the variant was finished (no
    ``finish_reason``): the answer was cut short, whatever the transport reported.
    """

    index: int
    reason: str | None


@dataclass(frozen=True)
class SeparateRequests:
    """The server does not answer several variants in one request: ``count`` requests carry them.

    ``reason``: "refused" (a 400 about ``n``), "ignored" (one choice came back) or "engine" (the
    built-in engine, llama.cpp's server, answers them with its parallel slots).
    """

    count: int
    reason: str


StreamEvent = Delta | Usage | Finished | SeparateRequests
