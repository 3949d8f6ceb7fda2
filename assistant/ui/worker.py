"""One background job on a thread pool, reporting to the GUI thread: the one worker of the app.

Modelled on superqt's thread workers (``thread_worker``, ``GeneratorWorker``): a :class:`Worker`
runs a job on a pool thread and has started / yielded / returned / errored / finished signals and
``quit()``.
Two differences that the app needs: values the job reports are queued and delivered in batches
(the pool thread signals only when the queue turns non-empty, the GUI thread takes everything
queued at once, so a fast job costs one queued signal per GUI turn, not one per value), and the
pool is chosen by the caller (generations use their own small pool of reused threads).

A job is ``job(report, abort)``: it calls ``report(value)`` for each value to deliver and checks
``abort`` (a ``threading.Event``, set by ``quit()``) to stop early. Its return value is delivered
by ``sig_returned``, any exception (``BaseException`` too, so the GUI always learns of the end) by
``sig_errored``. Every public signal is emitted in the thread the worker lives in (the GUI
thread), so receivers, lambdas included, run there.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

Report = Callable[[Any], None]
Job = Callable[[Report, threading.Event], Any]

_ALIVE: set[Worker] = set()  # started workers without an owner must outlive their job


class Worker(QObject):
    """Runs ``job(report, abort)`` on a pool thread; its signals arrive in the GUI thread."""

    sig_started = Signal()
    """The job began on a pool thread."""
    sig_yielded = Signal(object)
    """(values): everything the job reported since the last batch, in order."""
    sig_returned = Signal(object)
    """(result): the job's return value."""
    sig_errored = Signal(object)
    """(exception): the job raised."""
    sig_finished = Signal()
    """The job ended (after ``sig_returned`` or ``sig_errored``); nothing follows."""
    sig_internal_began = Signal()
    """From the pool thread (internal)."""
    sig_internal_ready = Signal()
    """From the pool thread: values wait in the queue (internal)."""
    sig_internal_ended = Signal(bool, object)
    """From the pool thread: (ok, result or exception) (internal)."""

    def __init__(
        self,
        job: Job,
        parent: QObject | None = None,
        *,
        pool: QThreadPool | None = None,
        abort: threading.Event | None = None,
    ) -> None:
        super().__init__(parent)
        self._job = job
        self._pool = pool
        self._abort = abort or threading.Event()
        self._lock = threading.Lock()
        self._pending: list[Any] = []
        self._left = threading.Event()
        self._running = False
        self.sig_internal_began.connect(self._began)
        self.sig_internal_ready.connect(self._deliver)
        self.sig_internal_ended.connect(self._ended)

    @property
    def is_running(self) -> bool:
        """True from ``start()`` until the job's end is delivered (before ``sig_returned``)."""
        return self._running

    @property
    def abort_requested(self) -> bool:
        return self._abort.is_set()

    def start(self) -> None:
        """Queue the job on the pool (Qt's global pool unless one was given)."""
        if self._running or self._left.is_set():
            raise RuntimeError("a worker runs its job once")
        self._running = True
        _ALIVE.add(self)
        (self._pool or QThreadPool.globalInstance()).start(_Runnable(self))

    def quit(self) -> None:
        """Ask the job to stop (sets its ``abort`` event); it ends by itself."""
        self._abort.set()

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until the job has left its pool thread; False on time-out."""
        if not self._running and not self._left.is_set():
            return True  # never started
        return self._left.wait(timeout_s)

    # --- pool thread ------------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._signal(self.sig_internal_began)
            try:
                outcome: tuple[bool, object] = (True, self._job(self._report, self._abort))
            except BaseException as exc:  # delivered by sig_errored
                outcome = (False, exc)
            if not self._signal(self.sig_internal_ended, *outcome):
                _ALIVE.discard(self)  # deleted with its owner: nobody to tell
        finally:
            self._left.set()

    def _report(self, value: Any) -> None:
        with self._lock:
            self._pending.append(value)
            first = len(self._pending) == 1
        if first:
            self._signal(self.sig_internal_ready)

    @staticmethod
    def _signal(signal: Any, *args: object) -> bool:
        """Emit from the pool thread; False when the worker was deleted with its owner."""
        with contextlib.suppress(RuntimeError):
            signal.emit(*args)
            return True
        return False

    # --- GUI thread -------------------------------------------------------------------------------

    @Slot()
    def _began(self) -> None:
        self.sig_started.emit()

    def deliver(self) -> None:
        """Deliver what the job reported so far now, not at the next GUI turn (GUI thread)."""
        self._deliver()

    @Slot()
    def _deliver(self) -> None:
        with self._lock:
            values, self._pending = self._pending, []
        if values:
            self.sig_yielded.emit(values)

    @Slot(bool, object)
    def _ended(self, ok: bool, value: object) -> None:
        self._deliver()  # anything reported after the last batch, before the end
        self._running = False
        try:
            if ok:
                self.sig_returned.emit(value)
            else:
                self.sig_errored.emit(value)
        finally:
            _ALIVE.discard(self)
            self.sig_finished.emit()


class _Runnable(QRunnable):
    """Runs one worker's job on a pool thread."""

    def __init__(self, worker: Worker) -> None:
        super().__init__()
        self._worker = worker

    def run(self) -> None:
        self._worker._run()
