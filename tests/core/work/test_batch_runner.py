"""The batch runner against the loopback server: concurrency, a 429 storm, quota, resuming."""

from __future__ import annotations

import csv
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.core.prompts.modes import load_modes
from assistant.core.providers.connection import Endpoint
from assistant.core.providers.profiles import ProviderProfile
from assistant.core.work.batch_input import read_table
from assistant.core.work.batch_job import OpenedJob, open_job
from assistant.core.work.batch_plan import BatchPlan, column_mapping
from assistant.core.work.batch_runner import (
    BatchEvent,
    BatchRunner,
    JobNotice,
    RowFinished,
    SharedBackoff,
)
from assistant.core.work.batch_state import BatchStore
from tests.fakeserver import FakeOpenAIServer, Fault, RecordedRequest


def products(tmp_path: Path, count: int) -> Path:
    path = tmp_path / "products.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "product", "channel"])
        for i in range(1, count + 1):
            writer.writerow([i, f"product-{i:03d}", "email subject"])
    return path


def product_of(request: RecordedRequest) -> str:
    text = request.body["messages"][-1]["content"]
    return next(word for word in text.split() if word.startswith("product-"))


@dataclass
class Parts:
    plan: BatchPlan
    job: OpenedJob
    endpoint: Endpoint
    store: BatchStore

    def runner(self, events: list[BatchEvent], concurrency: int) -> BatchRunner:
        job = self.job
        return BatchRunner(self.plan, job.rows, job.sink, events.append, concurrency)


def job_parts(server: FakeOpenAIServer, tmp_path: Path, count: int) -> Parts:
    table = read_table(products(tmp_path, count))
    mode = load_modes()["ad-copy"]
    profile = ProviderProfile("Loopback", "compatible", server.base_url, "fake-model")
    plan = BatchPlan(mode, profile, column_mapping(mode, table.columns))
    store = BatchStore(tmp_path / "batch.sqlite3")
    job = open_job(store, tmp_path / "out.csv", table, plan)
    endpoint = Endpoint("Loopback", server.base_url, None, read_timeout=5, max_retries=2)
    return Parts(plan, job, endpoint, store)


def read_output(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as data:
        return list(csv.DictReader(data))


def test_fifty_rows_at_concurrency_8_through_a_429_storm(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    arrivals: list[tuple[float, RecordedRequest]] = []
    record = openai_server._record

    def timed_record(request: RecordedRequest) -> None:
        arrivals.append((time.monotonic(), request))
        record(request)

    openai_server._record = timed_record  # type: ignore[method-assign]
    storm = Fault.rate_limited(retry_after=1, times=10)
    answered = 0
    lock = threading.Lock()

    def reply(request: RecordedRequest, index: int) -> str:
        nonlocal answered
        with lock:
            answered += 1
            if answered == 20:  # the storm: the next ten requests get 429, Retry-After: 1
                openai_server.fault = storm
        return f"Copy for {product_of(request)}."

    openai_server.reply = reply
    parts = job_parts(openai_server, tmp_path, 50)
    events: list[BatchEvent] = []
    summary = parts.runner(events, concurrency=8).run(parts.endpoint)
    parts.job.sink.close()

    assert (summary.done, summary.failed, summary.left) == (50, 0, 0)
    rows = read_output(tmp_path / "out.csv")
    assert sorted(int(row["id"]) for row in rows) == list(range(1, 51))
    assert all(row["answer"] == f"Copy for {row['product']}." for row in rows)
    assert {row["status"] for row in rows} == {"done"}
    assert all(int(row["tokens"]) > 0 for row in rows)
    chats = openai_server.chat_requests
    assert len(chats) == 60  # 50 answers + the 10 refused
    notices = [e for e in events if isinstance(e, JobNotice)]
    assert notices and "the whole job waits 1 s" in notices[0].text
    # the shared backoff: once the first 429 came, only requests already on their way (at most
    # one per other worker) arrive before its Retry-After has passed
    first_refused = next(at for at, request in arrivals if request is storm_first(arrivals))
    during = [at for at, _ in arrivals if first_refused < at < first_refused + 0.9]
    assert len(during) <= 7
    assert len([e for e in events if isinstance(e, RowFinished)]) == 50
    parts.store.close()


def storm_first(arrivals: list[tuple[float, RecordedRequest]]) -> RecordedRequest:
    """The 21st chat request: the first the storm refused."""
    return [r for _, r in arrivals if r.path.endswith("/chat/completions")][20]


def test_quota_exhaustion_stops_the_job_and_keeps_what_is_done(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    served = 0
    lock = threading.Lock()

    def reply(request: RecordedRequest, index: int) -> str:
        nonlocal served
        with lock:
            served += 1
            if served == 5:
                openai_server.fault = Fault.quota()
        return f"Copy for {product_of(request)}."

    openai_server.reply = reply
    parts = job_parts(openai_server, tmp_path, 30)
    events: list[BatchEvent] = []
    summary = parts.runner(events, concurrency=2).run(parts.endpoint)
    parts.job.sink.close()
    assert "no quota left" in summary.stopped
    assert summary.done == 5 and summary.failed == 0 and summary.left == 25
    assert len(read_output(tmp_path / "out.csv")) == 5
    assert any("The job stopped" in e.text for e in events if isinstance(e, JobNotice))
    counts = parts.job.state.counts()
    assert counts == {"done": 5, "pending": 25}
    parts.store.close()


def test_a_failing_row_is_retried_then_recorded_with_its_error(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    openai_server.reply = lambda request, index: f"Copy for {product_of(request)}."
    openai_server.fault = Fault.server_error(500, times=3)  # more than the 2 retries
    parts = job_parts(openai_server, tmp_path, 3)
    summary = parts.runner([], concurrency=1).run(parts.endpoint)
    parts.job.sink.close()
    assert (summary.done, summary.failed) == (2, 1)
    rows = {row["id"]: row for row in read_output(tmp_path / "out.csv")}
    assert rows["1"]["status"] == "failed" and "internal error (500)" in rows["1"]["error"]
    assert rows["2"]["status"] == "done"
    parts.store.close()


def test_shared_backoff_says_a_wait_once_not_per_echo() -> None:
    now = [100.0]
    gate = SharedBackoff(clock=lambda: now[0])
    assert gate.hold(2.0)  # a wait starts
    now[0] += 0.01
    assert not gate.hold(2.0)  # the other workers' 429s of the same storm
    assert gate.hold(5.0)  # a much longer Retry-After
    assert gate.remaining() == pytest.approx(5.0)
    now[0] += 6.0
    assert gate.remaining() == 0.0
    assert gate.hold(1.0)  # the next storm
