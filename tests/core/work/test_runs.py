"""The run book: real generations against the loopback server, applied in this thread."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.prompts.request import GenerationRequest
from assistant.core.providers.client import Delta, Usage
from assistant.core.storage.history import HistoryStore
from assistant.core.work.generation import (
    DoneEvent,
    GenerationRun,
    ProgressEvent,
    RunEvent,
    StatusEvent,
)
from assistant.core.work.runs import (
    Run,
    RunBook,
    RunChange,
    RunQueued,
    RunStarted,
    RunStatus,
    merge_events,
)
from tests.fakeserver import FakeOpenAIServer
from tests.fixtures.loopback_run import LoopbackResolver
from tests.fixtures.loopback_run import otters_request as request


def carry_out(
    book: RunBook, run: Run, server: FakeOpenAIServer, store: HistoryStore | None
) -> None:
    """Run the generation here, applying each event to the book as it comes."""
    book.begin(run.id)

    def apply(event: RunEvent) -> None:
        book.apply(run.id, event)

    GenerationRun(run.request, LoopbackResolver(server), store).run(apply, run.cancel)


def done_event(
    status: RunStatus = RunStatus.COMPLETE, answers: list[str] | None = None
) -> DoneEvent:
    return DoneEvent(status, answers or ["x"], None, None, None, 7, 1.0, 0.1)


def test_a_run_streams_and_ends_in_the_book(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    openai_server.reply = "Otters hold hands while they sleep."
    openai_server.delta_size = 3
    store = HistoryStore(tmp_path / "h.sqlite3")
    book = RunBook()
    seen: list[tuple[RunStatus, RunChange]] = []
    book.subscribe(lambda run, change: seen.append((run.status, change)))
    run = book.add(request())
    assert run.status == RunStatus.QUEUED
    assert book.running() == [run]

    carry_out(book, run, openai_server, store)

    assert run.status == RunStatus.COMPLETE
    assert run.answers == [openai_server.reply]
    assert isinstance(run.usage, Usage)
    assert run.tokens > 1
    assert run.elapsed_s is not None and run.first_token_s is not None
    assert run.error is None and run.error_kind is None and run.notice is None
    assert run.done is not None and run.record_id == run.done.record_id is not None
    assert book.running() == []
    changes = [change for _, change in seen]
    assert isinstance(changes[0], RunQueued) and isinstance(changes[1], RunStarted)
    assert isinstance(changes[-1], DoneEvent)
    assert sum(isinstance(change, DoneEvent) for change in changes) == 1
    streamed = "".join(change.text for change in changes if isinstance(change, Delta))
    assert streamed == openai_server.reply
    assert all(status == RunStatus.STREAMING for status, _ in seen[1:-1])
    record = store.get(run.record_id)
    assert record is not None and record.status == "complete"


def test_stop_ends_the_run_like_a_finished_one(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    openai_server.reply = " ".join(f"w{n}" for n in range(100))
    openai_server.delta_size = 5
    openai_server.delta_delay = 0.01
    store = HistoryStore(tmp_path / "h.sqlite3")
    book = RunBook()
    finals: list[DoneEvent] = []

    def stop_after_some_text(run: Run, change: RunChange) -> None:
        if isinstance(change, Delta) and len(run.answer()) >= 20:
            assert book.stop(run.id)
        if isinstance(change, DoneEvent):
            finals.append(change)

    book.subscribe(stop_after_some_text)
    run = book.add(request())
    carry_out(book, run, openai_server, store)

    assert run.stop_requested
    assert run.status == RunStatus.STOPPED
    assert finals == [run.done]
    assert not book.stop(run.id), "an ended run cannot be stopped again"
    assert 20 <= len(run.answer()) < len(openai_server.reply)
    assert run.record_id is not None
    record = store.get(run.record_id)
    assert record is not None
    assert record.status == "stopped"
    assert record.answer == run.answer()


def test_events_after_the_end_change_nothing() -> None:
    book = RunBook()
    run = book.add(request())
    told: list[RunChange] = []
    book.subscribe(lambda _run, change: told.append(change))
    assert book.apply(run.id, Delta("Hello"))
    assert book.apply(run.id, done_event(answers=["Hello, world"]))
    assert not book.apply(run.id, Delta(" late"))
    assert not book.apply(run.id, done_event(RunStatus.FAILED))
    assert not book.apply("no such run", Delta("x"))
    assert run.answers == ["Hello, world"], "the final event's answers are the answer"
    assert run.status == RunStatus.COMPLETE
    assert len(told) == 2


def test_variants_and_a_prefix() -> None:
    book = RunBook()
    two = book.add(request(n=2))
    assert two.answers == ["", ""]
    book.apply(two.id, Delta("b", 1))
    book.apply(two.id, Delta("a", 0))
    book.apply(two.id, Delta("c", 2))  # more variants than asked for are kept, not dropped
    assert two.answers == ["a", "b", "c"]
    assert two.answer(1) == "b" and two.answer(5) == ""
    base = request()
    go_on = GenerationRequest(
        base.mode_id, base.fields, base.messages, base.profile, base.params, prefix="Once "
    )
    continued = book.add(go_on)
    book.apply(continued.id, Delta("upon"))
    assert continued.answer() == "Once upon"


def test_status_progress_and_usage_are_kept() -> None:
    book = RunBook()
    run = book.add(request())
    book.apply(run.id, StatusEvent("Loading model…"))
    assert run.status == RunStatus.STREAMING and run.status_text == "Loading model…"
    book.apply(run.id, ProgressEvent(12, 30.5, 0.4))
    assert (run.tokens, run.tokens_per_s, run.elapsed_s) == (12, 30.5, 0.4)
    book.apply(run.id, Usage(3, 12, 15))
    assert run.usage == Usage(3, 12, 15)


def test_fail_ends_a_run_whose_work_died() -> None:
    book = RunBook()
    run = book.add(request())
    book.apply(run.id, Delta("kept"))
    assert book.fail(run.id, RuntimeError("boom"))
    assert run.status == RunStatus.FAILED
    assert run.error_kind == "internal"
    assert run.error is not None and "RuntimeError: boom" in run.error
    assert run.answer() == "kept"
    assert not book.fail(run.id, "again")

    stopped = book.add(request())
    book.stop(stopped.id)
    assert book.fail(stopped.id, "closed while stopping")
    assert stopped.status == RunStatus.STOPPED and stopped.error is None


def test_a_subscriber_that_raises_does_not_hide_the_change_from_others() -> None:
    book = RunBook()
    run = book.add(request())
    later: list[RunChange] = []

    def broken(_run: Run, _change: RunChange) -> None:
        raise ValueError("a broken view")

    book.subscribe(broken)
    unsubscribe = book.subscribe(lambda _run, change: later.append(change))
    with pytest.raises(ValueError):
        book.apply(run.id, Delta("x"))
    assert run.answer() == "x"
    assert later == [Delta("x")]
    unsubscribe()
    unsubscribe()  # twice is harmless
    with pytest.raises(ValueError):
        book.apply(run.id, Delta("y"))
    assert later == [Delta("x")]


def test_old_finished_runs_are_forgotten_running_ones_never() -> None:
    book = RunBook(keep_finished=2)
    streaming = book.add(request())
    finished = [book.add(request()) for _ in range(4)]
    for run in finished:
        book.apply(run.id, done_event())
    assert [run.id for run in book] == [streaming.id, finished[2].id, finished[3].id]
    assert finished[0].id not in book and book.get(finished[0].id) is None
    assert finished[0].answers == ["x"], "a run held by a view stays readable"
    with pytest.raises(ValueError):
        book.add(request(), run_id=streaming.id)


def test_merge_events_joins_deltas_per_variant_and_keeps_the_last_progress() -> None:
    done = done_event()
    events: list[RunEvent] = [
        StatusEvent("Waiting…"),
        Delta("a"),
        ProgressEvent(1, 0.0, 0.1),
        Delta("b"),
        ProgressEvent(2, 10.0, 0.2),
        Delta("c", 1),
        Delta("d", 1),
        Delta("e"),
        Usage(1, 2, 3),
        done,
    ]
    assert merge_events(events) == [
        StatusEvent("Waiting…"),
        Delta("ab"),
        ProgressEvent(2, 10.0, 0.2),
        Delta("cd", 1),
        Delta("e"),
        Usage(1, 2, 3),
        done,
    ]
    assert merge_events([]) == []
