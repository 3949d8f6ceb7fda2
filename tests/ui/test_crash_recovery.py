"""Kill -9 the real app mid-generation, start again: the input and the answer so far are back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from assistant.core.config.settings import Settings
from assistant.core.storage.history import HistoryStore
from tests.fakeserver import FakeOpenAIServer
from tests.fixtures.crash_child import kill_when_streaming
from tests.ui.windows import open_window

DRAFT = "Line one with {braces} and %s and \\back\\slashes\n" + "Long draft. " * 400 + "\nEnd ✓"


def test_sigkill_mid_stream_loses_nothing(
    qtbot: QtBot, openai_server: FakeOpenAIServer, app_home: Path, tmp_path: Path, no_keyring: Any
) -> None:
    openai_server.reply = "".join(f"Sentence number {i} about otters. " for i in range(400))
    openai_server.delta_size = 5
    openai_server.delta_delay = 0.01
    draft_file = tmp_path / "draft.txt"
    draft_file.write_text(DRAFT, encoding="utf-8")
    kill_when_streaming(
        "tests.ui.crash_child", openai_server.base_url, str(draft_file), home=app_home
    )
    openai_server.delta_delay = 0.0

    window = open_window(qtbot, Settings.load())
    form = window.current_form()
    assert form.mode.id == "article"
    topic, notes = form.widget("topic"), form.widget("notes")
    assert isinstance(topic, QLineEdit) and isinstance(notes, QPlainTextEdit)
    assert topic.text() == "Otters 🦦 {and} $rivers"
    assert notes.toPlainText() == DRAFT
    assert window.recovery_bar.isVisibleTo(window)
    partial = window.answer_area.current_text()
    assert len(partial) > 100
    assert openai_server.reply.startswith(partial)
    store = HistoryStore(app_home / "data" / "history.sqlite3")
    record = store.list_records(limit=1)[0]
    assert record.status == "interrupted" and record.answer == partial

    openai_server.reply = " The end."
    with qtbot.waitSignal(window.controller.sig_done, timeout=10_000):
        window.continue_button.click()
    qtbot.waitUntil(lambda: window.answer_area.current_text() == partial + " The end.")
    last = openai_server.chat_requests[-1].body["messages"]
    assert last[-2] == {"role": "assistant", "content": partial}
    window.close()


def test_sigkill_of_the_cli_mid_stream_is_recovered_in_the_window(
    qtbot: QtBot, openai_server: FakeOpenAIServer, app_home: Path, no_keyring: Any
) -> None:
    openai_server.reply = "".join(f"Line {i} of the beaver story. " for i in range(400))
    openai_server.delta_size = 5
    openai_server.delta_delay = 0.01
    env = {**os.environ, "ASSISTANT_HOME": str(app_home)}
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "assistant",
            "run",
            "article",
            "--field",
            "topic=Beavers {x}",
            "--base-url",
            openai_server.base_url,
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write(b"Notes typed on the command line: {{ $x }} %s\n")
    child.stdin.close()
    store = HistoryStore(app_home / "data" / "history.sqlite3")
    try:
        qtbot.waitUntil(
            lambda: any(len(r.answer) > 100 for r in store.list_records(limit=1)), timeout=20_000
        )
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    printed = child.stdout.read().decode()

    window = open_window(qtbot, Settings.load())
    form = window.current_form()
    assert form.mode.id == "article"
    assert form.values()["topic"] == "Beavers {x}"
    assert form.values()["notes"] == "Notes typed on the command line: {{ $x }} %s\n"
    assert window.recovery_bar.isVisibleTo(window)
    partial = window.answer_area.current_text()
    assert len(partial) > 100 and openai_server.reply.startswith(partial)
    assert printed.startswith(partial[:50])
    record = store.list_records(limit=1)[0]
    assert record.status == "interrupted"
    window.close()
