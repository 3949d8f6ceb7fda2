"""Runs by id: one request and its answer(s), as they stream and end, for every view to read.

A :class:`Run` is the state of one generation; :class:`RunBook` holds the runs by id, applies the
events a :class:`~assistant.core.work.generation.GenerationRun` emits and tells its subscribers
(plain callbacks) what changed. Views never keep their own copy of a run's state: they read the
``Run``. Several runs may stream at once (variants, runs started together), so nothing here
assumes a single current run; a thread of turns with versions of an answer would hold the ids of
its runs.

The book is not thread-safe: apply events in one thread (the GUI thread, or the CLI's only one).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from assistant.core.base.i18n import tr
from assistant.core.prompts.request import GenerationRequest
from assistant.core.providers.errors import ErrorKind
from assistant.core.providers.events import Delta, Finished, Usage
from assistant.core.work.events import DoneEvent, ProgressEvent, RunEvent, StatusEvent
from assistant.core.work.status import RunStatus

__all__ = [
    "KEEP_FINISHED",
    "Run",
    "RunBook",
    "RunChange",
    "RunQueued",
    "RunStarted",
    "RunStatus",
    "merge_events",
]

KEEP_FINISHED = 32
"""Finished runs the book keeps; older ones are forgotten (hold the ``Run`` to keep it)."""


@dataclass(frozen=True)
class RunQueued:
    """The run was added to the book; nothing has been sent yet."""


@dataclass(frozen=True)
class RunStarted:
    """A worker began carrying the run out."""


RunChange = RunQueued | RunStarted | RunEvent
"""What subscribers are told: the run was queued or started, or one of its events was applied."""

Subscriber = Callable[["Run", RunChange], None]


@dataclass(eq=False)
class Run:
    """One request and its answer(s): status, text per variant, usage, timings and error."""

    id: str
    request: GenerationRequest
    status: RunStatus = RunStatus.QUEUED
    status_text: str = ""
    """The last status line ("Loading model…", "Waiting for …")."""
    note: str = ""
    """A status line kept beside the progress while the run streams (see StatusEvent.sticky)."""
    finished: dict[int, str | None] = field(default_factory=dict)
    """The variants that ended so far, with the server's finish_reason (None: cut short)."""
    tokens: int = 0
    tokens_per_s: float = 0.0
    usage: Usage | None = None
    elapsed_s: float | None = None
    first_token_s: float | None = None
    error: str | None = None
    error_kind: ErrorKind | None = None
    record_id: int | None = None
    """The history record the run was written to, once it has ended (None without history)."""
    done: DoneEvent | None = None
    """The final event, once the run has ended."""
    cancel: threading.Event = field(default_factory=threading.Event, repr=False)
    """Set to ask the run to stop; the run then ends by itself with status ``stopped``."""
    _parts: list[list[str]] = field(default_factory=list, repr=False)
    _joined: list[str] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self._parts:
            variants = max(1, self.request.params.n)
            self._parts = [[self.request.prefix]] + [[] for _ in range(variants - 1)]

    @property
    def answers(self) -> list[str]:
        """The text of each variant so far (variant 0 starts with the request's prefix)."""
        if self._joined is None:
            self._joined = ["".join(parts) for parts in self._parts]
        return list(self._joined)

    def answer(self, index: int = 0) -> str:
        """The text of one variant so far ("" for a variant that has none yet)."""
        answers = self.answers
        return answers[index] if 0 <= index < len(answers) else ""

    @property
    def is_final(self) -> bool:
        """True once the run has ended; nothing changes after that."""
        return self.status.is_final

    @property
    def stop_requested(self) -> bool:
        return self.cancel.is_set()

    @property
    def notice(self) -> str | None:
        """Why a complete answer stopped although the model did not end it (Max tokens, filter)."""
        return self.done.notice if self.done is not None else None

    def _apply(self, event: RunEvent) -> bool:
        """Update from one event; False when it changes nothing (the run has ended)."""
        if self.is_final:
            return False
        if isinstance(event, DoneEvent):
            self._end(event)
            return True
        self.status = RunStatus.STREAMING
        if isinstance(event, Delta):
            while len(self._parts) <= event.index:
                self._parts.append([])
            self._parts[event.index].append(event.text)
            self._joined = None
        elif isinstance(event, ProgressEvent):
            self.tokens, self.tokens_per_s = event.tokens, event.tokens_per_s
            self.elapsed_s = event.elapsed_s
        elif isinstance(event, StatusEvent):
            self.status_text = event.text
            if event.sticky:
                self.note = event.text
        elif isinstance(event, Finished):
            self.finished[event.index] = event.reason
        elif isinstance(event, Usage):
            self.usage = event
        return True

    def _end(self, done: DoneEvent) -> None:
        self.done = done
        self.status = done.status
        if done.answers:  # what the run recorded is the answer, late text included
            self._parts = [[text] for text in done.answers]
            self._joined = None
        self.usage = done.usage or self.usage
        self.error, self.error_kind = done.error, done.error_kind
        self.record_id = done.record_id
        self.elapsed_s, self.first_token_s = done.elapsed_s, done.first_token_s


class RunBook:
    """The runs by id, in the order they were added; tells subscribers about every change."""

    def __init__(self, keep_finished: int = KEEP_FINISHED) -> None:
        self._runs: dict[str, Run] = {}
        self._subscribers: list[Subscriber] = []
        self._keep_finished = keep_finished

    def add(self, request: GenerationRequest, run_id: str | None = None) -> Run:
        """A new queued run for ``request``."""
        import uuid  # not at start-up: it imports platform (python -X importtime)

        run = Run(run_id or uuid.uuid4().hex, request)
        if run.id in self._runs:
            raise ValueError(f"a run with id {run.id} exists")
        self._runs[run.id] = run
        self._notify(run, RunQueued())
        return run

    def get(self, run_id: str) -> Run | None:
        return self._runs.get(run_id)

    def __getitem__(self, run_id: str) -> Run:
        return self._runs[run_id]

    def __contains__(self, run_id: object) -> bool:
        return run_id in self._runs

    def __iter__(self) -> Iterator[Run]:
        return iter(list(self._runs.values()))

    def __len__(self) -> int:
        return len(self._runs)

    def running(self) -> list[Run]:
        """Runs that have not ended (queued or streaming), oldest first."""
        return [run for run in self._runs.values() if not run.is_final]

    def begin(self, run_id: str) -> None:
        """A worker took the run up: queued → streaming."""
        run = self._runs.get(run_id)
        if run is not None and run.status == RunStatus.QUEUED:
            run.status = RunStatus.STREAMING
            self._notify(run, RunStarted())

    def apply(self, run_id: str, event: RunEvent) -> bool:
        """Apply one event of a run and notify; False if the run is unknown or has ended."""
        run = self._runs.get(run_id)
        if run is None or not run._apply(event):
            return False
        if isinstance(event, DoneEvent):
            self._forget_old()
        self._notify(run, event)
        return True

    def stop(self, run_id: str) -> bool:
        """Ask a run to stop; its final event (status ``stopped``) follows. False if it ended."""
        run = self._runs.get(run_id)
        if run is None or run.is_final:
            return False
        run.cancel.set()
        return True

    def fail(self, run_id: str, error: BaseException | str) -> bool:
        """End a run whose work died before its final event (a bug): failed, text kept."""
        run = self._runs.get(run_id)
        if run is None or run.is_final:
            return False
        if isinstance(error, BaseException):
            error = f"{type(error).__name__}: {error}"
        done = DoneEvent(
            status=RunStatus.STOPPED if run.stop_requested else RunStatus.FAILED,
            answers=run.answers,
            usage=run.usage,
            error=None
            if run.stop_requested
            else tr("Unexpected error: {error}").replace("{error}", error),
            error_kind=None if run.stop_requested else "internal",
            record_id=run.record_id,
            elapsed_s=run.elapsed_s or 0.0,
            first_token_s=run.first_token_s,
        )
        return self.apply(run_id, done)

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback(run, change)`` after every change; returns how to unsubscribe."""
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

        return unsubscribe

    def _notify(self, run: Run, change: RunChange) -> None:
        """Tell every subscriber, even if one raises; the first error is raised after."""
        failure: Exception | None = None
        for callback in list(self._subscribers):
            try:
                callback(run, change)
            except Exception as exc:
                failure = failure or exc
        if failure is not None:
            raise failure

    def _forget_old(self) -> None:
        finished = [run_id for run_id, run in self._runs.items() if run.is_final]
        for run_id in finished[: max(0, len(finished) - self._keep_finished)]:
            del self._runs[run_id]


def merge_events(events: Iterable[RunEvent]) -> list[RunEvent]:
    """The same events with consecutive deltas of one variant joined and only the last progress."""
    events = list(events)
    last_progress = max(
        (i for i, event in enumerate(events) if isinstance(event, ProgressEvent)), default=-1
    )
    merged: list[RunEvent | list[Delta]] = []  # runs of deltas of one variant
    for number, event in enumerate(events):
        if isinstance(event, ProgressEvent) and number != last_progress:
            continue
        previous = merged[-1] if merged else None
        if (
            isinstance(event, Delta)
            and isinstance(previous, list)
            and previous[0].index == event.index
        ):
            previous.append(event)
        else:
            merged.append([event] if isinstance(event, Delta) else event)
    return [
        Delta("".join(delta.text for delta in item), item[0].index)
        if isinstance(item, list)
        else item
        for item in merged
    ]
