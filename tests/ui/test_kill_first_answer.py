"""kill -9 while a first answer is written (window and `assistant run`), at random points.

After each kill the next start must show at least every character the person had seen, the
input must be back, and the history database must pass its integrity check (tests/kill_harness.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from assistant.core.config.settings import Settings
from assistant.core.storage.history import HistoryStore
from tests.fakeserver import FakeOpenAIServer
from tests.kill_harness import (
    SEEDS,
    KillPoint,
    assistant_process,
    integrity_ok,
    kill_during,
    last_shown,
    printed,
)
from tests.ui.windows import open_window

REPLY = "".join(f"Sentence {i} about otters — カワウソ 🦦.\n" for i in range(120))
SPAN_S = 2.5  # kill points: the first 2.5 s after the first text is shown (the stream is ~3 s)


def slow_stream(server: FakeOpenAIServer) -> None:
    server.reply = REPLY
    server.delta_size = 5
    server.delta_delay = 0.004


def assert_nothing_shown_was_lost(recovered: str, point: KillPoint) -> None:
    assert REPLY.startswith(recovered), "the recovered answer is not the streamed one"
    assert recovered.startswith(point.shown), (
        f"seed {point.seed}: {len(point.shown)} characters were shown, "
        f"only {len(recovered)} came back"
    )


def test_kill_the_window_while_it_writes_a_first_answer(
    qtbot: QtBot, openai_server: FakeOpenAIServer, tmp_path: Path, no_keyring: Any
) -> None:
    slow_stream(openai_server)

    def start() -> subprocess.Popen[bytes]:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        command = [sys.executable, "-m", "tests.ui.kill_child", openai_server.base_url]
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)

    def check(point: KillPoint) -> None:
        assert integrity_ok(point.history_path), f"seed {point.seed}: history corrupt"
        window = open_window(qtbot, Settings.load())
        topic = window.current_form().widget("topic")
        assert isinstance(topic, QLineEdit) and topic.text() == "Kill points 🦦"
        recovered = window.answer_area.current_text()
        assert_nothing_shown_was_lost(recovered, point)
        records = HistoryStore(point.history_path).list_records(limit=1)
        if point.shown:
            assert records and records[0].status in ("interrupted", "complete"), records
            assert (records[0].status == "interrupted") == window.recovery_bar.isVisibleTo(window)
        window.close()

    points = kill_during(start, last_shown, check, base=tmp_path, span_s=SPAN_S, ready=b"SHOWN ")
    assert len(points) == len(SEEDS) and all(point.shown for point in points)


def test_kill_assistant_run_while_it_writes_a_first_answer(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    slow_stream(openai_server)

    def start() -> subprocess.Popen[bytes]:
        return assistant_process(
            "run", "article", "--field", "topic=Kill", "--base-url", openai_server.base_url
        )

    def check(point: KillPoint) -> None:
        assert integrity_ok(point.history_path), f"seed {point.seed}: history corrupt"
        store = HistoryStore.open()  # what the next start of the app does first
        store.mark_interrupted()
        records = store.list_records(limit=1)
        assert records and records[0].fields["topic"] == "Kill"
        assert records[0].status in ("interrupted", "complete"), records[0].status
        assert_nothing_shown_was_lost(records[0].answer, point)
        store.close()

    points = kill_during(start, printed, check, base=tmp_path, span_s=SPAN_S, ready=b"Sentence 0 ")
    assert all(point.shown for point in points)  # the CLI had printed a line before each kill
