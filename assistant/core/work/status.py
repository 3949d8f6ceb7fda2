"""The status of a run: one request and its answer(s), from queued to an end.

Statuses are stored as their string values (history records, exports, the CLI), so a value never
changes once released. ``CUT_SHORT`` is an answer whose stream ended without the server saying it
was finished (no ``finish_reason``): the text is kept but it is not presented as complete.
"""

from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    """Where a run is: waiting, streaming, or how it ended."""

    QUEUED = "queued"
    STREAMING = "streaming"
    COMPLETE = "complete"
    STOPPED = "stopped"
    CUT_SHORT = "cut_short"
    FAILED = "failed"
    INTERRUPTED = "interrupted"

    @property
    def is_final(self) -> bool:
        """True once the run has ended (nothing more will be written to it)."""
        return self not in (RunStatus.QUEUED, RunStatus.STREAMING)
