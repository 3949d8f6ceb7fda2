"""The controller over the run book: real pool threads, the loopback server, real SQLite."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from assistant.core.providers.client import Endpoint
from assistant.core.providers.profiles import ProviderProfile
from assistant.core.storage.history import HistoryStore
from assistant.core.work.generation import DoneEvent
from assistant.core.work.runs import Run, RunChange, RunStatus
from assistant.ui.generation_controller import MAX_PARALLEL, GenerationController
from assistant.ui.gui_gate import SHARED_SWITCH_S
from tests.fakeserver import FakeOpenAIServer
from tests.fixtures.loopback_run import LoopbackResolver, otters_request


class BrokenResolver:
    """A resolver with a bug that is not even an ``Exception``."""

    def resolve(self, profile: ProviderProfile, on_status: Callable[[str], None]) -> Endpoint:
        raise _Bug("resolver bug")


class _Bug(BaseException):
    """Escapes ``except Exception`` in the generation: only the worker sees it."""


@pytest.fixture
def store(tmp_path: Path) -> HistoryStore:
    return HistoryStore(tmp_path / "history.sqlite3")


@pytest.fixture
def controller(
    qtbot: QtBot, openai_server: FakeOpenAIServer, store: HistoryStore
) -> Iterator[GenerationController]:
    made = GenerationController(LoopbackResolver(openai_server, read_timeout=5, retries=0), store)
    yield made
    made.shutdown()


def finals_of(controller: GenerationController) -> dict[str, list[DoneEvent]]:
    """The final events ``sig_done`` delivered, per run id."""
    finals: dict[str, list[DoneEvent]] = {}
    controller.sig_done.connect(lambda run_id, done: finals.setdefault(run_id, []).append(done))
    return finals


def test_a_run_streams_through_the_book_and_the_signals(
    qtbot: QtBot, controller: GenerationController, openai_server: FakeOpenAIServer
) -> None:
    openai_server.reply = " ".join(f"Otter fact number {n}." for n in range(60))
    openai_server.delta_size = 4
    statuses: list[RunStatus] = []
    controller.book.subscribe(lambda run, _change: statuses.append(run.status))
    deltas: list[str] = []
    controller.sig_delta.connect(lambda _run_id, _index, text: deltas.append(text))
    usages: list[object] = []
    controller.sig_usage.connect(lambda _run_id, usage: usages.append(usage))
    with qtbot.waitSignal(controller.sig_done, timeout=10_000) as blocker:
        run_id = controller.start(otters_request())
        assert controller.running == [run_id]
    run = controller.run(run_id)
    assert run is not None and run is controller.book[run_id]
    assert blocker.args == [run_id, run.done]
    assert run.status == RunStatus.COMPLETE
    assert run.answer() == openai_server.reply == "".join(deltas)
    assert usages == [run.usage]
    assert statuses[0] == RunStatus.QUEUED and statuses[-1] == RunStatus.COMPLETE
    assert controller.running == []


def test_stop_delivers_a_final_stopped_event_and_refreshes_the_record(
    qtbot: QtBot,
    controller: GenerationController,
    openai_server: FakeOpenAIServer,
    store: HistoryStore,
) -> None:
    openai_server.reply = " ".join(f"w{n}" for n in range(400))
    openai_server.delta_size = 5
    openai_server.delta_delay = 0.01
    finals = finals_of(controller)
    run_id = controller.start(otters_request())
    run = controller.book[run_id]
    qtbot.waitUntil(lambda: len(run.answer()) > 20, timeout=10_000)
    with qtbot.waitSignal(controller.sig_done, timeout=10_000):
        controller.stop(run_id)
    assert finals == {run_id: [run.done]}
    assert run.status == RunStatus.STOPPED
    assert run.record_id is not None
    record = store.get(run.record_id)
    assert record is not None
    assert record.status == "stopped"
    assert record.answer == run.answer()
    assert len(run.answer()) < len(openai_server.reply)
    assert openai_server.wait_for_disconnects(1, timeout=5)


def test_every_run_ends_once_even_queued_ones_stopped_before_they_began(
    qtbot: QtBot, controller: GenerationController, openai_server: FakeOpenAIServer
) -> None:
    openai_server.reply = " ".join(f"w{n}" for n in range(400))
    openai_server.delta_delay = 0.02
    finals = finals_of(controller)
    changes: dict[str, list[RunChange]] = {}

    def remember(run: Run, change: RunChange) -> None:
        changes.setdefault(run.id, []).append(change)

    controller.book.subscribe(remember)
    ids = [controller.start(otters_request()) for _ in range(MAX_PARALLEL + 1)]
    last = controller.book[ids[-1]]
    qtbot.waitUntil(lambda: all(controller.book[i].answer() for i in ids[:-1]), timeout=10_000)
    assert last.status == RunStatus.QUEUED, "the pool is full: the last run waits"
    for run_id in ids:
        controller.stop(run_id)
    qtbot.waitUntil(lambda: len(finals) == len(ids), timeout=10_000)
    assert all(len(events) == 1 for events in finals.values())
    assert all(controller.book[i].status == RunStatus.STOPPED for i in ids)
    assert last.answer() == ""
    assert all(isinstance(changes[i][-1], DoneEvent) for i in ids)
    assert controller.running == []


def test_a_run_whose_job_dies_still_ends_as_failed(qtbot: QtBot, store: HistoryStore) -> None:
    controller = GenerationController(BrokenResolver(), store)
    with qtbot.waitSignal(controller.sig_done, timeout=10_000) as blocker:
        run_id = controller.start(otters_request())
    done = blocker.args[1]
    assert isinstance(done, DoneEvent)
    assert done.status == RunStatus.FAILED
    assert done.error_kind == "internal"
    assert done.error is not None and "resolver bug" in done.error
    assert controller.book[run_id].status == RunStatus.FAILED
    assert controller.shutdown()


def test_two_runs_at_once_switch_the_gil_faster_until_one_is_left(
    qtbot: QtBot, controller: GenerationController, openai_server: FakeOpenAIServer
) -> None:
    python_s = sys.getswitchinterval()
    openai_server.delta_delay = 0.005
    with qtbot.waitSignals([controller.sig_done, controller.sig_done], timeout=20_000):
        controller.start(otters_request())
        assert sys.getswitchinterval() == python_s  # one stream: Python's own interval
        controller.start(otters_request(topic="Seals"))
        assert sys.getswitchinterval() == pytest.approx(SHARED_SWITCH_S)
    qtbot.waitUntil(lambda: sys.getswitchinterval() == python_s)
    assert controller.running == []
