"""How a streamed answer ended, per variant, and what that means for the run.

Completion is positive evidence: a variant is whole only when the server sent its
``finish_reason``. A stream that simply ends without one (a clean close of a connection-delimited
body, a half-close, a proxy that gives up) is *cut short*, whatever the transport reported.
``"length"`` (Max tokens reached) and ``"content_filter"`` are whole answers the model did not end
itself: the run is complete, with a notice that says why it stopped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.core.base.i18n import tr
from assistant.core.work.status import RunStatus

LENGTH = "length"
CONTENT_FILTER = "content_filter"


@dataclass(frozen=True)
class FinishVerdict:
    """The status of a run whose stream ended without an error, and its message if any."""

    status: RunStatus
    message: str | None = None
    """For CUT_SHORT: the error shown and recorded; for COMPLETE: a notice (Max tokens, filter)."""


def judge(reasons: Sequence[str | None], provider: str, max_tokens: int) -> FinishVerdict:
    """The verdict on variants whose finish reasons are ``reasons`` (None: no finish_reason)."""
    several = len(reasons) > 1
    cut = _variants(reasons, lambda reason: reason is None)
    if cut:
        text = tr(
            "The answer was cut short{variants}. {provider} ended the stream without saying the "
            "answer was finished. The text so far is kept."
        )
        return FinishVerdict(RunStatus.CUT_SHORT, _fill(text, provider, cut, several, max_tokens))
    notices = []
    filtered = _variants(reasons, lambda reason: reason == CONTENT_FILTER)
    if filtered:
        text = tr(
            "{provider} filtered the answer{variants} (content filter): it stopped early and may "
            "be incomplete. Rephrase the request or check the provider's content policy."
        )
        notices.append(_fill(text, provider, filtered, several, max_tokens))
    long = _variants(reasons, lambda reason: reason == LENGTH)
    if long:
        text = tr(
            "The answer{variants} stopped at the Max tokens limit ({max_tokens}). Continue asks "
            "for the rest, or raise Max tokens."
        )
        notices.append(_fill(text, provider, long, several, max_tokens))
    return FinishVerdict(RunStatus.COMPLETE, "\n".join(notices) or None)


def hit_max_tokens(reasons: Sequence[str | None]) -> bool:
    """True when a variant stopped at the Max tokens limit."""
    return LENGTH in reasons


def first_unfinished(reasons: Sequence[str | None]) -> int:
    """The first variant that did not end by itself (no finish_reason, or Max tokens); else 0."""
    return next((i for i, reason in enumerate(reasons) if reason in (None, LENGTH)), 0)


def was_filtered(reasons: Sequence[str | None]) -> bool:
    """True when the provider's content filter stopped a variant."""
    return CONTENT_FILTER in reasons


def _variants(reasons: Sequence[str | None], test: Callable[[str | None], bool]) -> list[int]:
    return [index + 1 for index, reason in enumerate(reasons) if test(reason)]


def _fill(text: str, provider: str, variants: list[int], several: bool, max_tokens: int) -> str:
    which = ""
    if several:
        which = tr(" (variant {numbers})").replace("{numbers}", ", ".join(map(str, variants)))
    return (
        text.replace("{variants}", which)
        .replace("{provider}", provider)
        .replace("{max_tokens}", str(max_tokens))
    )
