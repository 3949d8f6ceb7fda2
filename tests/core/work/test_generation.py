"""GenerationRun against the loopback server, recording into a real SQLite history file."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from assistant.core.providers.client import Delta, Usage
from assistant.core.storage.history import HistoryStore
from assistant.core.work.generation import (
    DoneEvent,
    GenerationRequest,
    GenerationRun,
    ProgressEvent,
    RunEvent,
    StatusEvent,
)
from tests.fakeserver import FakeOpenAIServer, Fault
from tests.fixtures.loopback_run import LoopbackResolver, otters_request


def request(n: int = 1) -> GenerationRequest:
    return otters_request(n, topic="Otters {x}")


def run(
    server: FakeOpenAIServer, store: HistoryStore | None, cancel: threading.Event | None = None
) -> tuple[DoneEvent, list[RunEvent]]:
    events: list[RunEvent] = []
    done = GenerationRun(request(), LoopbackResolver(server), store).run(
        events.append, cancel or threading.Event()
    )
    return done, events


def test_complete_run_is_recorded(openai_server: FakeOpenAIServer, tmp_path: Path) -> None:
    openai_server.reply = "Otters hold hands while they sleep."
    store = HistoryStore(tmp_path / "h.sqlite3")
    done, events = run(openai_server, store)
    assert done.status == "complete"
    assert "".join(e.text for e in events if isinstance(e, Delta)) == openai_server.reply
    assert any(isinstance(e, ProgressEvent) for e in events)
    assert any(isinstance(e, Usage) for e in events)
    assert done.record_id is not None
    record = store.get(done.record_id)
    assert record is not None
    assert record.status == "complete"
    assert record.answer == openai_server.reply
    assert record.fields == {"topic": "Otters {x}"}
    assert record.messages[0]["content"] == "Write about otters {x}"
    assert record.usage.total_tokens is not None


def test_answer_is_saved_while_streaming(openai_server: FakeOpenAIServer, tmp_path: Path) -> None:
    openai_server.reply = "x" * 120
    openai_server.delta_size = 1
    openai_server.delta_delay = 0.02  # about 2.4 s in all
    store = HistoryStore(tmp_path / "h.sqlite3")
    seen: list[str] = []
    result: list[DoneEvent] = []
    worker = threading.Thread(target=lambda: result.append(run(openai_server, store)[0]))
    worker.start()
    reader = HistoryStore(tmp_path / "h.sqlite3")
    deadline = time.monotonic() + 10
    while worker.is_alive() and time.monotonic() < deadline:
        records = reader.list_records(limit=1)
        if records and records[0].status == "streaming" and records[0].answer:
            seen.append(records[0].answer)
        time.sleep(0.1)
    worker.join()
    assert seen, "no partial answer was visible in the database while streaming"
    assert 0 < len(seen[0]) < 120
    assert result[0].status == "complete"


def test_stop_keeps_the_text_so_far(openai_server: FakeOpenAIServer, tmp_path: Path) -> None:
    openai_server.reply = "word " * 200
    openai_server.delta_delay = 0.01
    store = HistoryStore(tmp_path / "h.sqlite3")
    cancel = threading.Event()
    events: list[RunEvent] = []

    def emit(event: RunEvent) -> None:
        events.append(event)
        if sum(isinstance(e, Delta) for e in events) == 5:
            cancel.set()

    done = GenerationRun(request(), LoopbackResolver(openai_server), store).run(emit, cancel)
    assert done.status == "stopped"
    assert done.answers[0] and len(done.answers[0]) < len(openai_server.reply)
    assert done.record_id is not None
    record = store.get(done.record_id)
    assert record is not None and record.status == "stopped"
    assert record.answer == done.answers[0]


def test_failure_is_recorded_with_its_message(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    openai_server.fault = Fault("drop", after_deltas=2)
    openai_server.reply = "partial text that is cut"
    store = HistoryStore(tmp_path / "h.sqlite3")
    done, _ = run(openai_server, store)
    assert done.status == "failed" and done.error_kind == "dropped"
    assert done.answers[0], "the text streamed before the drop is kept"
    assert done.record_id is not None
    record = store.get(done.record_id)
    assert record is not None and record.status == "failed"
    assert record.error == done.error and record.answer == done.answers[0]


def test_retry_shows_a_status_line(openai_server: FakeOpenAIServer) -> None:
    openai_server.fault = Fault.rate_limited(retry_after=0.2, times=1)
    done, events = run(openai_server, None)
    assert done.status == "complete"
    statuses = [e.text for e in events if isinstance(e, StatusEvent)]
    assert any("retrying in" in text and "attempt 1/1" in text for text in statuses), statuses


def test_a_stopped_answer_is_the_text_shown_before_stop(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    openai_server.reply = "word " * 400
    openai_server.delta_size = 3
    store = HistoryStore(tmp_path / "h.sqlite3")
    cancel = threading.Event()
    shown: list[str] = []
    late: list[str] = []

    def emit(event: RunEvent) -> None:
        if isinstance(event, Delta):
            (late if cancel.is_set() else shown).append(event.text)  # a view drops late text
            if len(shown) == 20:
                cancel.set()  # as Stop does, while the stream is still coming

    done = GenerationRun(request(), LoopbackResolver(openai_server), store).run(emit, cancel)
    assert done.status == "stopped"
    assert late == []  # text held back for saving is not passed on after Stop
    assert done.answers[0] == "".join(shown)
    assert done.record_id is not None
    record = store.get(done.record_id)
    assert record is not None and record.answer == "".join(shown)
