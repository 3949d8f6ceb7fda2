"""The loop guard in a real run: a looping stream from the loopback server is stopped and kept."""

from __future__ import annotations

import threading
from pathlib import Path

from assistant.core.providers.client import Delta
from assistant.core.storage.history import HistoryStore
from assistant.core.work.generation import GenerationRun, RunEvent
from assistant.core.work.runs import RunStatus
from tests.core.work.test_generation import LoopbackResolver, request
from tests.fakeserver import FakeOpenAIServer

INTRO = "The function returns the n-th Fibonacci number by calling itself twice.\n\n"
SENTENCE = (
    "The Fibonacci sequence is used to calculate Fibonacci numbers, which is a multi-step "
    "process that involves recursion. "
)


def test_a_looping_answer_is_stopped_and_kept(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    openai_server.reply = INTRO + SENTENCE * 40
    openai_server.delta_delay = 0.002  # still streaming when the guard stops it
    store = HistoryStore(tmp_path / "h.sqlite3")
    events: list[RunEvent] = []
    done = GenerationRun(request(), LoopbackResolver(openai_server), store).run(
        events.append, threading.Event()
    )
    shown = "".join(e.text for e in events if isinstance(e, Delta))
    assert done.status == RunStatus.CUT_SHORT
    assert done.error_kind == "repetition"
    assert done.answers == [shown]
    assert shown.startswith(INTRO + SENTENCE * 3)
    assert len(shown) < len(openai_server.reply) // 2  # stopped long before the end
    assert done.error == (
        f"The model started repeating itself; stopped after {len(shown)} characters."
    )
    assert openai_server.wait_for_disconnects(1)  # the request itself was ended
    assert done.record_id is not None
    record = store.get(done.record_id)
    assert record is not None
    assert record.status == RunStatus.CUT_SHORT
    assert record.answer == shown
    assert record.error == done.error


def test_the_guard_can_be_turned_off(openai_server: FakeOpenAIServer) -> None:
    openai_server.reply = INTRO + SENTENCE * 12
    done = GenerationRun(request(), LoopbackResolver(openai_server), stop_loops=False).run(
        lambda event: None, threading.Event()
    )
    assert done.status == RunStatus.COMPLETE
    assert done.answers == [openai_server.reply]


def test_repetitive_but_healthy_answer_completes(openai_server: FakeOpenAIServer) -> None:
    table = "| n | fib(n) |\n|---|---|\n" + "".join(f"| {n} | {n * n} |\n" for n in range(80))
    openai_server.reply = table
    done = GenerationRun(request(), LoopbackResolver(openai_server)).run(
        lambda event: None, threading.Event()
    )
    assert done.status == RunStatus.COMPLETE
    assert done.answers == [table]


def test_cli_keeps_the_answer_and_says_why_it_stopped(
    openai_server: FakeOpenAIServer, app_home: Path
) -> None:
    from tests.cli.test_run_cli import assistant

    openai_server.reply = INTRO + SENTENCE * 40
    openai_server.delta_delay = 0.002
    result = assistant(
        "run", "code-explain", "--base-url", openai_server.base_url, stdin="def fib(n): ..."
    )
    out, err = result.stdout.decode(), result.stderr.decode()
    assert result.returncode == 1
    assert out.startswith(INTRO + SENTENCE * 3)
    assert len(out) < len(openai_server.reply) // 2
    shown = len(out.rstrip("\n"))
    assert f"The model started repeating itself; stopped after {shown} characters." in err


def test_cli_repetition_flag_is_a_request_parameter(
    openai_server: FakeOpenAIServer, app_home: Path
) -> None:
    """--repetition is recorded with the run; a server that is not llama.cpp gets no fields."""
    from tests.cli.test_run_cli import assistant

    openai_server.reply = "Short."
    result = assistant(
        "run", "code-explain", "--base-url", openai_server.base_url, "--repetition", "2.5",
        stdin="x = 1",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "dry_multiplier" not in openai_server.requests[-1].body
    store = HistoryStore.open()
    try:
        records = store.list_records()
        assert records and records[0].params["repetition"] == 2.5
    finally:
        store.close()
