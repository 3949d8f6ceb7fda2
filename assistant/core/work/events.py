"""What a run emits as it goes: status lines, streamed text, progress, usage and its end.

Plain data, apart from :mod:`.generation` so that the run book and the views read events without
importing the generation machinery (the client, its transport, the loop guard) before the first
Generate (``python -X importtime``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.core.providers.errors import ErrorKind
from assistant.core.providers.events import Delta, Finished, Usage
from assistant.core.work.status import RunStatus

if TYPE_CHECKING:
    from assistant.core.providers.prices import Cost


@dataclass(frozen=True)
class StatusEvent:
    """A short, translated line for the status bar ("Loading model…", "Connecting…").

    ``sticky``: said once and kept beside the progress until the run ends (variants sent as
    separate requests).
    """

    text: str
    sticky: bool = False


@dataclass(frozen=True)
class ProgressEvent:
    """Streaming progress: tokens so far (chunks, a close estimate) and rate."""

    tokens: int
    tokens_per_s: float
    elapsed_s: float


@dataclass(frozen=True)
class DoneEvent:
    """The run ended. ``error`` is a user message when ``status`` is failed or cut short."""

    status: RunStatus
    answers: list[str]
    usage: Usage | None
    error: str | None
    error_kind: ErrorKind | None
    record_id: int | None
    elapsed_s: float
    first_token_s: float | None
    finish_reasons: tuple[str | None, ...] = ()
    """Per variant, the server's ``finish_reason`` ("stop", "length"...); None: it never came."""
    notice: str | None = None
    """Why a complete answer stopped when the model did not end it (Max tokens, content filter)."""
    cost: Cost | None = None
    """What the run cost by the price table (:mod:`assistant.core.providers.prices`); None:
    unknown (no usage reported, or no price for the provider and model)."""


RunEvent = StatusEvent | Delta | Finished | ProgressEvent | Usage | DoneEvent
"""``Finished`` comes after the last text of its variant (a view may then show it whole)."""
