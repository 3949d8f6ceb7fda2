"""Runs generations off the GUI thread and turns their events into Qt signals.

Generations run on the controller's own thread pool: threads are reused, so many generations do
not churn threads, malloc arenas or per-thread database connections. A worker object queues the
run's events and signals only when its queue was empty; the controller (GUI thread) drains the
whole queue at once, merging consecutive deltas, and re-emits them tagged with the request id.
So a fast stream costs one queued signal per GUI turn, not two per delta, and a slow one is
forwarded at once. Stop sets the run's ``threading.Event`` (checked per chunk, see FACTS.md) and
the view drops late chunks by request id, so Stop shows at once even if the socket is slow.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from assistant.core.providers.client import Delta, Usage
from assistant.core.work.generation import (
    DoneEvent,
    EndpointResolver,
    GenerationRequest,
    GenerationRun,
    ProgressEvent,
    Recorder,
    RunEvent,
    StatusEvent,
)
from assistant.ui.gui_gate import GATE

MAX_PARALLEL = 4  # generations at once (variants side by side, a stopped one still closing)


class _Worker(QObject):
    """Runs one generation on a pool thread and queues its events for the GUI thread."""

    sig_ready = Signal(str)
    """(request_id): events wait in ``take()`` (sent when the queue turns non-empty)."""

    def __init__(self, request_id: str, run: GenerationRun, cancel: threading.Event) -> None:
        super().__init__()
        self._request_id = request_id
        self._run = run
        self._cancel = cancel
        self._lock = threading.Lock()
        self._pending: list[RunEvent] = []

    @Slot()
    def work(self) -> None:
        self._run.run(self._emit, self._cancel)

    def _emit(self, event: RunEvent) -> None:
        with self._lock:
            self._pending.append(event)
            first = len(self._pending) == 1
        if first:
            self.sig_ready.emit(self._request_id)
        GATE.wait_until_idle()  # let the GUI finish inserting text before parsing more

    def take(self) -> list[RunEvent]:
        """All queued events, in order (called from the GUI thread)."""
        with self._lock:
            events, self._pending = self._pending, []
        return events


class _Runner(QRunnable):
    """Runs one worker on a pool thread."""

    def __init__(self, worker: _Worker) -> None:
        super().__init__()
        self._worker = worker

    def run(self) -> None:
        self._worker.work()


@dataclass
class _Job:
    request: GenerationRequest
    worker: _Worker
    cancel: threading.Event


class GenerationController(QObject):
    """Starts and stops generations on a small pool of reused threads."""

    sig_status = Signal(str, str)
    """(request_id, text): a status line such as "Loading model…"."""
    sig_delta = Signal(str, int, str)
    """(request_id, variant index, text): streamed text."""
    sig_progress = Signal(str, int, float)
    """(request_id, tokens so far, tokens per second)."""
    sig_usage = Signal(str, object)
    """(request_id, Usage) when the server reports usage."""
    sig_done = Signal(str, object)
    """(request_id, DoneEvent): the run ended (complete, stopped or failed)."""

    def __init__(
        self, resolver: EndpointResolver, recorder: Recorder | None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._resolver = resolver
        self._recorder = recorder
        self._jobs: dict[str, _Job] = {}
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(MAX_PARALLEL)

    def start(self, request: GenerationRequest) -> str:
        """Start a generation in the background; returns its request id."""
        request_id = uuid.uuid4().hex
        cancel = threading.Event()
        run = GenerationRun(request, self._resolver, self._recorder)
        worker = _Worker(request_id, run, cancel)
        self._jobs[request_id] = _Job(request, worker, cancel)
        # A bound slot of this GUI-thread object: queued from the pool thread to the GUI thread.
        worker.sig_ready.connect(self._drain)
        self._pool.start(_Runner(worker))
        return request_id

    @Slot(str)
    def _drain(self, request_id: str) -> None:
        job = self._jobs.get(request_id)
        if job is None:
            return
        events = job.worker.take()
        last_progress = max(
            (i for i, event in enumerate(events) if isinstance(event, ProgressEvent)), default=-1
        )
        merged: list[RunEvent | list[Delta]] = []  # runs of deltas of one variant
        for number, event in enumerate(events):
            if isinstance(event, ProgressEvent) and number != last_progress:
                continue
            run = merged[-1] if merged else None
            if isinstance(event, Delta) and isinstance(run, list) and run[0].index == event.index:
                run.append(event)
            else:
                merged.append([event] if isinstance(event, Delta) else event)
        for item in merged:
            if isinstance(item, list):
                item = Delta("".join(delta.text for delta in item), item[0].index)
            self._forward(request_id, item)

    def _forward(self, request_id: str, event: RunEvent) -> None:
        if isinstance(event, Delta):
            self.sig_delta.emit(request_id, event.index, event.text)
        elif isinstance(event, ProgressEvent):
            self.sig_progress.emit(request_id, event.tokens, event.tokens_per_s)
        elif isinstance(event, StatusEvent):
            self.sig_status.emit(request_id, event.text)
        elif isinstance(event, Usage):
            self.sig_usage.emit(request_id, event)
        elif isinstance(event, DoneEvent):
            self._jobs.pop(request_id, None)
            self.sig_done.emit(request_id, event)

    def stop(self, request_id: str) -> None:
        """Ask a running generation to stop (it closes its connection and ends by itself)."""
        job = self._jobs.get(request_id)
        if job is not None:
            job.cancel.set()

    @property
    def running(self) -> list[str]:
        return list(self._jobs)

    def shutdown(self, wait_ms: int = 5000) -> bool:
        """Stop everything and wait for the pool threads (window closing); False on time-out."""
        for job in self._jobs.values():
            job.cancel.set()
        return bool(self._pool.waitForDone(wait_ms))
