"""Run one blocking call (test a connection, probe the GPU) off the GUI thread.

A thin use of :class:`~assistant.ui.worker.Worker`: the callbacks run in the GUI thread; if the
owner (a closed dialog) is deleted first, the worker goes with it and nobody is told.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from assistant.ui.worker import Worker


def run_in_background(
    fn: Callable[[], Any],
    on_result: Callable[[Any], None],
    on_error: Callable[[Exception], None],
    parent: QObject,
) -> Worker:
    """Start ``fn`` in Qt's global thread pool; the callbacks run in the GUI thread."""
    worker = Worker(lambda _report, _abort: fn(), parent)
    worker.sig_returned.connect(on_result)
    worker.sig_errored.connect(on_error)
    worker.sig_finished.connect(worker.deleteLater)
    worker.start()
    return worker
