"""Bad input in the real window: huge pastes, NUL, broken bytes, mixed newlines, long lines, RTL.

The text that reaches the loopback server is compared with what was pasted: it is the same, or
the status bar said exactly what changed. Timings are printed (run with ``-s``), never asserted.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QByteArray, QMimeData, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from assistant.core.config.settings import Settings
from assistant.core.text.text_changes import editor_changes, sendable
from assistant.ui.code_editor import CodeEditor
from assistant.ui.main_window import MainWindow
from tests.fakeserver import FakeOpenAIServer
from tests.ui.test_main_window import choose_mode
from tests.ui.windows import open_window, use_loopback

ASSISTANT = (sys.executable, "-m", "assistant")
TEN_MB = 10 * 1024 * 1024
CODE_LINE = "    total = compute(total, 'value') + 42  # comment\n"  # 51 characters


@pytest.fixture
def window(qtbot: QtBot, openai_server: FakeOpenAIServer, no_keyring: Any) -> Iterator[MainWindow]:
    settings = Settings()
    use_loopback(settings, openai_server.base_url, "Loopback", "m")
    settings.last_mode = "code-explain"
    win = open_window(qtbot, settings)
    yield win
    win.close()


def _paste(qtbot: QtBot, editor: QPlainTextEdit, text: str | None = None, raw: bytes = b"") -> None:
    """Put ``text`` (or raw bytes as text/plain) on the clipboard and press Ctrl+V."""
    mime = QMimeData()
    if raw:
        mime.setData("text/plain", QByteArray(raw))
    else:
        mime.setText(text or "")
    QGuiApplication.clipboard().setMimeData(mime)
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def _send(qtbot: QtBot, win: MainWindow, server: FakeOpenAIServer) -> str:
    """Generate; the user message the server received."""
    with qtbot.waitSignal(win.controller.sig_done, timeout=30_000) as blocker:
        win.generate()
    assert blocker.args[1].status == "complete", blocker.args[1].error
    messages = server.chat_requests[-1].body["messages"]
    return str(messages[-1]["content"])


def test_ten_megabytes_pasted_into_the_code_editor(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    editor = window.current_form().main_editor()
    assert isinstance(editor, CodeEditor)
    editor.set_language("python")
    text = CODE_LINE * (TEN_MB // len(CODE_LINE))
    editor.highlighter.blocks_highlighted = 0
    started = time.perf_counter()
    _paste(qtbot, editor, text)
    paste_s = time.perf_counter() - started
    lexed_during_paste = editor.highlighter.blocks_highlighted
    total = editor.blockCount()
    print(
        f"\n10 MB paste into the code editor: {paste_s:.2f} s; blocks lexed during the paste "
        f"{lexed_during_paste} of {total}"
    )
    assert editor.toPlainText() == text
    assert lexed_during_paste < total // 10, "highlighting must be spread over later turns"
    assert editor.highlighter.pending
    assert window.paste_watch.last_changes.__bool__() is False

    gaps = _type_with_heartbeat(qtbot, editor, keystrokes=200)
    slow = sum(1 for gap in gaps if gap > 0.017)
    print(f"typing 200 keys into 10 MB: max gap {max(gaps) * 1000:.1f} ms; {slow} gaps > 17 ms")
    assert len(gaps) > 200  # the heartbeat kept running between keystrokes
    assert editor.toPlainText().endswith("x" * 200)

    sent = _send(qtbot, window, openai_server)
    assert text + "x" * 200 in sent


def _type_with_heartbeat(qtbot: QtBot, editor: QPlainTextEdit, keystrokes: int) -> list[float]:
    """Type one key per event-loop turn while a 1 ms timer records the gaps between its ticks."""
    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.setInterval(1)
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    cursor = editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    editor.setTextCursor(cursor)
    typed = [0]

    def type_one() -> None:
        qtbot.keyClick(editor, Qt.Key.Key_X)
        typed[0] += 1
        if typed[0] < keystrokes:
            QTimer.singleShot(2, type_one)

    heartbeat.start()
    QTimer.singleShot(0, type_one)
    qtbot.waitUntil(lambda: typed[0] >= keystrokes, timeout=60_000)
    qtbot.wait(20)
    heartbeat.stop()
    return [b - a for a, b in itertools.pairwise(ticks)]


def test_ten_megabytes_pasted_into_the_notes_field(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    choose_mode(window, "article")
    form = window.current_form()
    topic = form.widget("topic")
    notes = form.widget("notes")
    assert isinstance(topic, QLineEdit) and isinstance(notes, QPlainTextEdit)
    topic.setText("Big notes")
    text = ("Notes about tea, يتحدث عن الشاي، and 茶 🍵.\n" * 250_000)[:TEN_MB]
    started = time.perf_counter()
    _paste(qtbot, notes, text)
    print(f"\n10 MB paste into the notes field: {time.perf_counter() - started:.2f} s")
    assert notes.toPlainText() == text
    assert text in _send(qtbot, window, openai_server)


@pytest.mark.parametrize(
    ("name", "pasted", "notice"),
    [
        ("nul", "before\x00after\x00", ""),
        ("control", "bell\x07 tab\t formfeed\x0c esc\x1b", ""),
        ("rtl-emoji", "שלום עולם مرحبا 👩\u200d💻 🇫🇷 e\u0301", ""),
        ("long-line", "x" * (1024 * 1024), ""),
        ("crlf", "one\r\ntwo\r\nthree", "2 Windows line endings (\\r\\n) became \\n."),
        ("mixed", "a\r\nb\rc\nd\u2028e", "1 old Mac line endings (\\r) became \\n."),
    ],
)
def test_pasted_text_arrives_unchanged_or_the_change_is_said(
    qtbot: QtBot,
    window: MainWindow,
    openai_server: FakeOpenAIServer,
    name: str,
    pasted: str,
    notice: str,
) -> None:
    editor = window.current_form().main_editor()
    assert editor is not None
    _paste(qtbot, editor, pasted)
    sent = _send(qtbot, window, openai_server)
    changes = editor_changes(pasted, editor.toPlainText())
    if not notice:
        assert not changes
        assert pasted in sent
    else:
        assert changes
        assert notice in " ".join(changes.notices())
        assert editor.toPlainText() in sent
        window.current_form().main_editor().clear()  # type: ignore[union-attr]
        _paste(qtbot, editor, pasted)
        assert notice in window.status_label.text()


def test_bytes_that_are_not_utf8_are_reported(qtbot: QtBot, window: MainWindow) -> None:
    editor = window.current_form().main_editor()
    assert editor is not None
    raw = b"PNG\x89\x00\x1a\n\xff\xfe binary"
    _paste(qtbot, editor, raw=raw)
    assert "\ufffd" in editor.toPlainText()
    assert "bytes that are not valid UTF-8 were replaced" in window.status_label.text()


def test_lone_surrogates_never_reach_the_json() -> None:
    clean, changes = sendable("ok \ud83d alone, \udcff escaped byte")
    assert clean == "ok \ufffd alone, \ufffd escaped byte"
    assert changes.surrogates == 1 and changes.bad_bytes == 1
    json.dumps(clean).encode("utf-8")  # would raise with a lone surrogate left in


def test_cli_passes_bytes_through_and_says_what_it_changed(
    openai_server: FakeOpenAIServer,
) -> None:
    data = "nul\x00 cr\r\n lone\r rtl שלום emoji 🍵 bad".encode() + b"\xff\xfe"
    result = subprocess.run(
        [*ASSISTANT, "run", "code-explain", "--base-url", openai_server.base_url, "--model", "m"],
        input=data,
        capture_output=True,
        timeout=60,
        env=dict(os.environ),
    )
    assert result.returncode == 0, result.stderr
    assert b"2 bytes that are not valid UTF-8 were replaced" in result.stderr
    sent = openai_server.chat_requests[-1].body["messages"][-1]["content"]
    expected = data.decode("utf-8", errors="replace")
    assert expected in sent  # NUL, \r\n, \r, RTL and emoji unchanged; bad bytes as U+FFFD
