"""The Qt side of the run book: carries runs out off the GUI thread and re-emits their changes.

``start`` adds a run to the :class:`~assistant.core.work.runs.RunBook` and carries it out with a
:class:`~assistant.ui.worker.Worker` on the controller's own small pool: threads are reused, so
many generations do not churn threads, malloc arenas or per-thread database connections. The
worker queues the run's events and signals only when its queue was empty; the GUI thread takes the
whole queue at once, merges consecutive deltas (``merge_events``) and applies them to the book,
whose changes the controller re-emits as signals tagged with the run id. So a fast stream costs one
queued signal per GUI turn, not two per delta, and a slow one is forwarded at once.

Every run ends with a final event (``sig_done``), stopped ones included: Stop sets the run's
``threading.Event`` (checked per chunk: a queued cancel slot would never run while the worker
blocks in a read) and the run ends by itself as ``stopped``; a job that returns without its final
event or dies of a bug is ended by the controller. Views read the ``Run`` from ``book``; they may
drop late deltas of a stopped run, never its final event.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThreadPool, Signal

from assistant.core.prompts.request import GenerationRequest
from assistant.ui.gui_gate import GATE
from assistant.ui.worker import Report, Worker

if TYPE_CHECKING:  # the generation machinery (client, transport) is imported by the first run
    from assistant.core.work.events import DoneEvent, RunEvent
    from assistant.core.work.generation import EndpointResolver, GenerationRun, Recorder
    from assistant.core.work.runs import Run, RunBook, RunChange

MAX_PARALLEL = 4  # generations at once (variants side by side, a stopped one still closing)


def _generate(generation: GenerationRun, report: Report, abort: threading.Event) -> DoneEvent:
    """The worker's job: run the generation, pausing while the GUI inserts text."""

    # The GUI's right of way is offered per event received, not per event shown: text is shown
    # in batches once saved (core/work/saving.py), and between batches the stream goes on.
    return generation.run(report, abort, pace=GATE.wait_until_idle)


class GenerationController(QObject):
    """Carries runs of the book out on a small pool of reused threads; signals their changes."""

    sig_status = Signal(str, str)
    """(run id, text): a status line such as "Loading model…"."""
    sig_delta = Signal(str, int, str)
    """(run id, variant index, text): streamed text."""
    sig_progress = Signal(str, int, float)
    """(run id, tokens so far, tokens per second)."""
    sig_usage = Signal(str, object)
    """(run id, Usage) when the server reports usage."""
    sig_done = Signal(str, object)
    """(run id, DoneEvent): the run ended (complete, stopped, cut short or failed)."""

    def __init__(
        self,
        resolver: EndpointResolver,
        recorder: Recorder | None,
        parent: QObject | None = None,
        book: RunBook | None = None,
        stop_loops: Callable[[], bool] = lambda: True,
    ) -> None:
        super().__init__(parent)
        self._resolver = resolver
        self._recorder = recorder
        self._stop_loops = stop_loops
        self._book = book
        if book is not None:
            book.subscribe(self._forward)
        self._workers: dict[str, Worker] = {}
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(MAX_PARALLEL)

    @property
    def book(self) -> RunBook:
        """The runs, made at the first use: the run book and its events are not imported before
        the window's first paint."""
        if self._book is None:
            from assistant.core.work.runs import RunBook

            self._book = RunBook()
            self._book.subscribe(self._forward)
        return self._book

    def start(
        self, request: GenerationRequest, *, record: bool = True, recorder: Recorder | None = None
    ) -> str:
        """Start a run of ``request`` in the background; returns its id (see ``book``). A
        follow-up is stored as the next version of its record; ``record=False`` stores nothing
        (a summary of a thread's oldest turns); ``recorder`` stores it there instead (a column
        of a comparison)."""
        from assistant.core.work.generation import GenerationRun

        run = self.book.add(request)
        recorder = (recorder or self._recorder) if record else None
        if recorder is not None and request.follow_up is not None:
            from assistant.core.storage.history import HistoryStore
            from assistant.core.storage.threads import ThreadStore

            if isinstance(recorder, HistoryStore):
                recorder = ThreadStore(recorder).recorder(request.follow_up)
        generation = GenerationRun(request, self._resolver, recorder, stop_loops=self._stop_loops())
        worker = Worker(partial(_generate, generation), self, pool=self._pool, abort=run.cancel)
        worker.sig_started.connect(partial(self.book.begin, run.id))
        worker.sig_yielded.connect(partial(self._apply, run.id))
        worker.sig_returned.connect(partial(self._returned, run.id))
        worker.sig_errored.connect(partial(self.book.fail, run.id))
        worker.sig_finished.connect(partial(self._finished, run.id))
        self._workers[run.id] = worker
        worker.start()
        GATE.stream_began()
        return run.id

    def stop(self, request_id: str) -> None:
        """Ask a run to stop: it closes its connection and ends as ``stopped`` by itself. What it
        reported before is applied now, so a view shows at once all the run keeps."""
        worker = self._workers.get(request_id)
        if self.book.stop(request_id) and worker is not None:
            worker.deliver()

    def run(self, request_id: str) -> Run | None:
        """The run with this id, if the book still holds it."""
        return self.book.get(request_id)

    @property
    def running(self) -> list[str]:
        """Ids of the runs that have not ended."""
        return [run.id for run in self.book.running()]

    def shutdown(self, wait_ms: int = 5000) -> bool:
        """Stop everything and wait for the pool threads (window closing); False on time-out."""
        for run in self.book.running():
            run.cancel.set()
        return bool(self._pool.waitForDone(wait_ms))

    def _apply(self, run_id: str, events: list[RunEvent]) -> None:
        """Apply a batch of events; a view that raises does not keep the rest from the book."""
        from assistant.core.work.runs import merge_events

        failure: Exception | None = None
        for event in merge_events(events):
            try:
                self.book.apply(run_id, event)
            except Exception as exc:
                failure = failure or exc
        if failure is not None:
            raise failure

    def _returned(self, run_id: str, done: object) -> None:
        """The job ended; if its final event never came, the returned one ends the run."""
        from assistant.core.work.events import DoneEvent

        run = self.book.get(run_id)
        if run is None or run.is_final:
            return
        if isinstance(done, DoneEvent):
            self.book.apply(run_id, done)
        else:
            self.book.fail(run_id, f"the run returned {done!r}")

    def _finished(self, run_id: str) -> None:
        worker = self._workers.pop(run_id, None)
        if worker is not None:
            GATE.stream_ended()
            worker.deleteLater()

    def _forward(self, run: Run, change: RunChange) -> None:
        from assistant.core.providers.events import Delta, Usage
        from assistant.core.work.events import DoneEvent, ProgressEvent, StatusEvent

        if isinstance(change, Delta):
            self.sig_delta.emit(run.id, change.index, change.text)
        elif isinstance(change, ProgressEvent):
            self.sig_progress.emit(run.id, change.tokens, change.tokens_per_s)
        elif isinstance(change, StatusEvent):
            self.sig_status.emit(run.id, change.text)
        elif isinstance(change, Usage):
            self.sig_usage.emit(run.id, change)
        elif isinstance(change, DoneEvent):
            self.sig_done.emit(run.id, change)
