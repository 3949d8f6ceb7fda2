"""Run a blocking call (test a connection, install a model) off the GUI thread.

The task object lives in the GUI thread. The pool thread emits an internal signal whose receiver is
a bound slot of the task, so Qt queues it to the GUI thread; the callbacks then run there (a lambda
connected directly would run in the pool thread).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


class _Runnable(QRunnable):
    def __init__(self, task: BackgroundTask, fn: Callable[[], Any]) -> None:
        super().__init__()
        self._task = task
        self._fn = fn

    def run(self) -> None:
        try:
            outcome: tuple[bool, object] = (True, self._fn())
        except Exception as exc:  # delivered to on_error in the GUI thread
            outcome = (False, exc)
        # The task's owner (a closed dialog) may be gone: then there is nobody to tell.
        with contextlib.suppress(RuntimeError):
            self._task.sig_internal.emit(*outcome)


class BackgroundTask(QObject):
    """One background call with result/error callbacks run in the GUI thread."""

    sig_internal = Signal(bool, object)
    """(ok, result or exception) from the pool thread; internal."""
    sig_finished = Signal()
    """The call ended (after the callback ran)."""

    def __init__(
        self,
        fn: Callable[[], Any],
        on_result: Callable[[Any], None],
        on_error: Callable[[Exception], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._fn = fn
        self._on_result = on_result
        self._on_error = on_error
        self.running = False
        self.sig_internal.connect(self._deliver)

    def start(self) -> None:
        self.running = True
        QThreadPool.globalInstance().start(_Runnable(self, self._fn))

    @Slot(bool, object)
    def _deliver(self, ok: bool, value: object) -> None:
        self.running = False
        if ok:
            self._on_result(value)
        else:
            assert isinstance(value, Exception)
            self._on_error(value)
        self.sig_finished.emit()


def run_in_background(
    fn: Callable[[], Any],
    on_result: Callable[[Any], None],
    on_error: Callable[[Exception], None],
    parent: QObject,
) -> BackgroundTask:
    """Start ``fn`` in Qt's global thread pool; the callbacks run in the GUI thread."""
    task = BackgroundTask(fn, on_result, on_error, parent)
    task.sig_finished.connect(task.deleteLater)
    task.start()
    return task
