"""The one worker: real pool threads, signals delivered in the GUI thread."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtCore import QObject, QThread, QThreadPool
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from assistant.ui.worker import Report, Worker

WAIT_S = 10.0


class Seen:
    """What a worker's signals delivered, in order, and in which thread."""

    def __init__(self, worker: Worker) -> None:
        self.order: list[str] = []
        self.batches: list[list[Any]] = []
        self.results: list[object] = []
        self.errors: list[object] = []
        self.threads: set[QThread] = set()
        worker.sig_started.connect(lambda: self._saw("started"))
        worker.sig_yielded.connect(lambda batch: self._saw("yielded", self.batches, batch))
        worker.sig_returned.connect(lambda value: self._saw("returned", self.results, value))
        worker.sig_errored.connect(lambda error: self._saw("errored", self.errors, error))
        worker.sig_finished.connect(lambda: self._saw("finished"))

    def _saw(self, name: str, into: list[Any] | None = None, value: object = None) -> None:
        self.order.append(name)
        self.threads.add(QThread.currentThread())
        if into is not None:
            into.append(value)


def test_values_arrive_in_order_then_the_result_in_the_gui_thread(qtbot: QtBot) -> None:
    job_threads: list[QThread] = []

    def job(report: Report, abort: threading.Event) -> str:
        job_threads.append(QThread.currentThread())
        for number in range(500):
            report(number)
        return "done"

    worker = Worker(job)
    seen = Seen(worker)
    with qtbot.waitSignal(worker.sig_finished, timeout=10_000):
        worker.start()
        assert worker.is_running
    assert [value for batch in seen.batches for value in batch] == list(range(500))
    assert seen.results == ["done"] and seen.errors == []
    assert seen.order[0] == "started" and seen.order[-2:] == ["returned", "finished"]
    assert set(seen.order[1:-2]) == {"yielded"}
    main = QThread.currentThread()
    assert seen.threads == {main}
    assert job_threads and job_threads[0] is not main
    assert not worker.is_running
    assert worker.wait(WAIT_S)


def test_values_reported_while_the_gui_is_busy_come_as_one_batch(qtbot: QtBot) -> None:
    reported = threading.Event()
    go_on = threading.Event()

    def job(report: Report, abort: threading.Event) -> None:
        for number in range(100):
            report(number)
        reported.set()
        go_on.wait(WAIT_S)

    worker = Worker(job)
    seen = Seen(worker)
    with qtbot.waitSignal(worker.sig_finished, timeout=10_000):
        worker.start()
        assert reported.wait(WAIT_S)  # the GUI thread handles no events meanwhile
        go_on.set()
    assert seen.batches == [list(range(100))]


def test_an_exception_is_delivered_by_sig_errored(qtbot: QtBot) -> None:
    class Bug(BaseException):
        """Not an Exception: the GUI must still learn that the job ended."""

    def job(report: Report, abort: threading.Event) -> None:
        report("before")
        raise Bug("broken")

    worker = Worker(job)
    seen = Seen(worker)
    with qtbot.waitSignal(worker.sig_finished, timeout=10_000):
        worker.start()
    assert seen.batches == [["before"]]
    assert seen.results == []
    assert len(seen.errors) == 1 and isinstance(seen.errors[0], Bug)
    assert seen.order[-2:] == ["errored", "finished"]


def test_quit_asks_the_job_to_stop(qtbot: QtBot) -> None:
    started = threading.Event()

    def job(report: Report, abort: threading.Event) -> str:
        started.set()
        return "stopped" if abort.wait(WAIT_S) else "timed out"

    worker = Worker(job)
    seen = Seen(worker)
    with qtbot.waitSignal(worker.sig_finished, timeout=10_000):
        worker.start()
        assert started.wait(WAIT_S)
        assert not worker.abort_requested
        worker.quit()
        assert worker.abort_requested
        assert worker.wait(WAIT_S)
    assert seen.results == ["stopped"]


def test_a_shared_abort_event_and_the_callers_pool(qtbot: QtBot) -> None:
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    abort = threading.Event()
    inside = threading.Event()

    def job(report: Report, abort: threading.Event) -> bool:
        inside.set()
        return abort.wait(WAIT_S)

    worker = Worker(job, pool=pool, abort=abort)
    seen = Seen(worker)
    with qtbot.waitSignal(worker.sig_finished, timeout=10_000):
        worker.start()
        assert inside.wait(WAIT_S)
        assert pool.activeThreadCount() == 1
        abort.set()
    assert seen.results == [True]
    assert pool.waitForDone(10_000)


def test_a_worker_runs_its_job_once(qtbot: QtBot) -> None:
    worker = Worker(lambda report, abort: None)
    assert worker.wait(0), "a worker that never started has nothing to wait for"
    with qtbot.waitSignal(worker.sig_finished, timeout=10_000):
        worker.start()
    with pytest.raises(RuntimeError):
        worker.start()


def test_the_owner_deleted_mid_job_tells_nobody_and_does_not_crash(qtbot: QtBot) -> None:
    owner = QObject()
    inside = threading.Event()
    release = threading.Event()
    told: list[object] = []

    def job(report: Report, abort: threading.Event) -> str:
        inside.set()
        release.wait(WAIT_S)
        report("late")
        return "late"

    worker = Worker(job, owner)
    worker.sig_yielded.connect(told.append)
    worker.sig_returned.connect(told.append)
    worker.start()
    assert inside.wait(WAIT_S)
    with qtbot.waitSignal(owner.destroyed, timeout=10_000):
        owner.deleteLater()
    release.set()
    assert worker.wait(WAIT_S)
    QApplication.processEvents()  # anything queued would be delivered now
    assert told == []
