"""Where a batch job records its rows, and how: one go per turn of the job's event loop.

A :class:`RowSink` is told when a row is sent, given back, or finished (the job state and the
output file: :class:`~.batch_job.FileSink`; or nothing: :class:`NullSink`). The runner does not
call it row by row: :class:`TurnWrites` collects the calls of one turn of its event loop and
makes them in their order inside ``sink.together()``, so that the job state commits once for
all the rows that were sent or finished in that turn instead of once per call.
"""

from __future__ import annotations

import contextlib
from contextlib import AbstractContextManager
from typing import Any, Literal, Protocol

from assistant.core.work.batch_output import RowResult

SinkCall = Literal["sent", "returned", "finished"]


class RowSink(Protocol):
    """Where the runner records rows as they go (the job state and output file, or nothing)."""

    def sent(self, number: int) -> None: ...

    def returned(self, number: int) -> None: ...

    def finished(self, result: RowResult) -> None: ...

    def together(self) -> AbstractContextManager[None]:
        """The calls made inside are recorded at once (one transaction), or none of them."""
        ...


class NullSink:
    """Records nothing (the window keeps rows in its own model)."""

    def sent(self, number: int) -> None:
        """Nothing to record."""

    def returned(self, number: int) -> None:
        """Nothing to record."""

    def finished(self, result: RowResult) -> None:
        """Nothing to record."""

    def together(self) -> AbstractContextManager[None]:
        """Nothing to group."""
        return contextlib.nullcontext()


class TurnWrites:
    """The sink calls of one turn of the event loop, made together by :meth:`flush`.

    A crash before the commit leaves that turn's rows as they were (in flight, or not sent
    yet) and their lines, if written, at the end of the output where the state does not know
    them: a resumed job cuts them off and sends those rows again. Once the sink failed (a full
    disk…) nothing more is written, so that no line ever follows a line the state lost.
    """

    def __init__(self, sink: RowSink) -> None:
        self.sink = sink
        self.failure = ""
        """Why the sink could not be written ('' while it can)."""
        self._calls: list[tuple[SinkCall, Any]] = []

    def add(self, call: SinkCall, value: Any) -> bool:
        """Queue ``sink.<call>(value)``; True when it is the first of this turn (flush later)."""
        self._calls.append((call, value))
        return len(self._calls) == 1

    def flush(self) -> tuple[list[RowResult], int]:
        """Make the queued calls in their order in one go. Returns the finished rows recorded,
        and how many finished rows could not be (the sink failed: :attr:`failure`)."""
        calls, self._calls = self._calls, []
        finished: list[RowResult] = [value for call, value in calls if call == "finished"]
        if calls and not self.failure:
            try:
                with self.sink.together():
                    for call, value in calls:
                        getattr(self.sink, call)(value)
            except Exception as exc:  # the output or the state cannot be written
                self.failure = f"{type(exc).__name__}: {exc}"
        return ([], len(finished)) if self.failure else (finished, 0)
