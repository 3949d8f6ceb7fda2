"""The batch runner's event loop: Stop from another thread, one transaction per turn of the
loop, and an output that cannot be written — against the loopback server, real SQLite."""

from __future__ import annotations

import collections
import threading
from pathlib import Path

from assistant.core.work.batch_input import read_table
from assistant.core.work.batch_job import open_job
from assistant.core.work.batch_runner import (
    BatchEvent,
    BatchRunner,
    JobNotice,
    RowFinished,
    RowStarted,
)
from assistant.core.work.batch_state import SENT
from tests.core.work.test_batch_runner import job_parts, product_of, products, read_output
from tests.fakeserver import FakeOpenAIServer, Fault, RecordedRequest


def answer_slowly(server: FakeOpenAIServer) -> None:
    server.reply = lambda request, index: f"Copy for {product_of(request)}."
    server.delta_size = 4
    server.delta_delay = 0.02  # rows are in flight when the test steps in


def test_stop_from_another_thread_gives_the_rows_in_flight_back(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    answer_slowly(openai_server)
    parts = job_parts(openai_server, tmp_path, 24)
    finished = threading.Semaphore(0)

    def emit(event: BatchEvent) -> None:
        if isinstance(event, RowFinished):
            finished.release()

    runner = BatchRunner(parts.plan, parts.job.rows, parts.job.sink, emit, 4)

    def stop_after_five() -> None:
        for _ in range(5):
            finished.acquire()
        runner.stop()  # from this thread, while the job's loop runs in the main one

    stopper = threading.Thread(target=stop_after_five)
    stopper.start()
    summary = runner.run(parts.endpoint)
    stopper.join()
    parts.job.sink.close()
    assert summary.stopped == "stopped"
    assert summary.done >= 5 and summary.done + summary.left == 24
    counts = parts.job.state.counts()
    assert SENT not in counts  # the rows in flight went back to pending
    assert counts == {"done": summary.done, "pending": summary.left}
    assert len(read_output(tmp_path / "out.csv")) == summary.done

    table = read_table(products(tmp_path, 24))  # the same job again: only what is left is sent
    job = open_job(parts.store, tmp_path / "out.csv", table, parts.plan)
    assert len(job.rows) == summary.left
    rest = BatchRunner(parts.plan, job.rows, job.sink, lambda event: None, 4).run(parts.endpoint)
    job.sink.close()
    assert rest.done == summary.left
    ids = sorted(int(row["id"]) for row in read_output(tmp_path / "out.csv"))
    assert ids == list(range(1, 25))
    sent = collections.Counter(product_of(r) for r in openai_server.chat_requests)
    assert all(count <= 2 for count in sent.values())  # at most once more: those in flight
    parts.store.close()


def test_rows_sent_or_finished_in_one_turn_of_the_loop_share_one_transaction(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    openai_server.reply = lambda request, index: f"Copy for {product_of(request)}."
    parts = job_parts(openai_server, tmp_path, 12)
    commits: list[str] = []
    parts.store._db.set_trace_callback(  # the state's own connection, as SQLite runs it
        lambda sql: commits.append(sql) if sql.strip().upper() == "COMMIT" else None
    )
    summary = parts.runner([], concurrency=12).run(parts.endpoint)
    parts.job.sink.close()
    assert summary.done == 12
    # the twelve rows leave together (one commit); each answer at most one more: a commit per
    # statement would make 24
    assert len(commits) <= 13
    assert parts.job.state.counts() == {"done": 12}
    assert len(read_output(tmp_path / "out.csv")) == 12
    parts.store.close()


def test_an_output_that_cannot_be_written_stops_the_job_and_a_rerun_completes_it(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    answer_slowly(openai_server)
    parts = job_parts(openai_server, tmp_path, 20)
    events: list[BatchEvent] = []

    def emit(event: BatchEvent) -> None:
        events.append(event)
        if sum(isinstance(e, RowFinished) for e in events) == 4:
            parts.job.sink.appender.close()  # the next line cannot be written (as a full disk)

    runner = BatchRunner(parts.plan, parts.job.rows, parts.job.sink, emit, 3)
    summary = runner.run(parts.endpoint)
    parts.job.sink.close()
    assert summary.stopped.startswith("OSError")
    assert any("The job stopped" in e.text for e in events if isinstance(e, JobNotice))
    assert summary.done >= 4 and summary.done + summary.left == 20
    assert parts.job.state.counts().get("done") == summary.done

    table = read_table(products(tmp_path, 20))
    job = open_job(parts.store, tmp_path / "out.csv", table, parts.plan)
    rest = BatchRunner(parts.plan, job.rows, job.sink, lambda event: None, 3).run(parts.endpoint)
    job.sink.close()
    assert rest.done == 20 - summary.done
    rows = read_output(tmp_path / "out.csv")
    assert sorted(int(row["id"]) for row in rows) == list(range(1, 21))  # unique and complete
    assert all(row["answer"] == f"Copy for {row['product']}." for row in rows)
    parts.store.close()


def test_pause_from_another_thread_sends_nothing_until_resume(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    answer_slowly(openai_server)
    parts = job_parts(openai_server, tmp_path, 16)
    changed = threading.Condition()
    started: list[int] = []
    finished: list[int] = []
    sent_while_paused: list[int] = []
    paused = threading.Event()
    at_pause: list[bool] = []

    def emit(event: BatchEvent) -> None:
        with changed:
            if isinstance(event, RowStarted):
                started.append(event.number)
                if paused.is_set():
                    sent_while_paused.append(event.number)
            elif isinstance(event, RowFinished):
                finished.append(event.result.number)
            changed.notify_all()

    runner = BatchRunner(parts.plan, parts.job.rows, parts.job.sink, emit, 3)

    def pause_then_resume() -> None:
        with changed:
            changed.wait_for(lambda: len(finished) >= 3)
        runner.pause()
        with changed:  # the rows in flight at the pause finish…
            changed.wait_for(lambda: len(finished) == len(started))
            paused.set()  # …and from now on nothing may leave
        at_pause.extend([runner.paused, len(openai_server.chat_requests) == len(started)])
        paused.clear()
        runner.resume()

    controller = threading.Thread(target=pause_then_resume)
    controller.start()
    job = threading.Thread(target=lambda: runner.run(parts.endpoint), daemon=True)
    job.start()
    job.join(60)
    controller.join(60)
    assert not job.is_alive(), "resume did not wake the paused workers"
    parts.job.sink.close()
    assert at_pause == [True, True]  # paused, and every request that left has come back
    assert sent_while_paused == []
    assert runner.summary.done == 16 and sorted(finished) == list(range(1, 17))
    parts.store.close()


def test_a_job_that_stops_by_itself_while_paused_ends_without_a_resume(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    answer_slowly(openai_server)
    parts = job_parts(openai_server, tmp_path, 10)
    runner = BatchRunner(parts.plan, parts.job.rows, parts.job.sink, lambda event: None, 2)
    record = openai_server._record

    def pause_at_the_third(request: RecordedRequest) -> None:
        record(request)
        if len(openai_server.chat_requests) == 3:  # paused, and this request meets no quota
            runner.pause()
            openai_server.fault = Fault.quota(times=1)

    openai_server._record = pause_at_the_third  # type: ignore[method-assign]
    job = threading.Thread(target=lambda: runner.run(parts.endpoint), daemon=True)
    job.start()
    job.join(60)
    assert not job.is_alive(), "the paused workers kept waiting after the job stopped"
    parts.job.sink.close()
    assert runner.paused and "no quota left" in runner.summary.stopped
    assert runner.summary.done + runner.summary.left == 10
    assert parts.job.state.counts().get("sent") is None  # nothing left marked in flight
    parts.store.close()
