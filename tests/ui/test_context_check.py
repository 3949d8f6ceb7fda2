"""The context-window warning: the real dialog, and the main window's use of it (real server)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QPlainTextEdit
from pytestqt.qtbot import QtBot

from assistant.core.config.settings import Settings
from assistant.core.providers.profiles import ProviderProfile
from assistant.ui import context_check
from assistant.ui.context_check import Choice, ContextDialog, confirm_context, select_excess
from assistant.ui.main_window import MainWindow
from tests.fakeserver import FakeOpenAIServer
from tests.ui.windows import open_window, use_loopback

PROFILE = "Small window"


def test_dialog_says_the_numbers_and_offers_three_choices(qtbot: QtBot) -> None:
    dialog = ContextDialog(None, 5200, 4096, 512, "gpt-4o-mini")
    qtbot.addWidget(dialog)
    assert "about 5,200 tokens" in dialog.text()
    assert "gpt-4o-mini reads at most 4,096 (answer budget 512)" in dialog.text()
    labels = [button.text() for button in dialog.buttons()]
    assert {"Trim the input", "Send anyway"} <= set(labels)
    assert dialog.choice() is Choice.CANCEL


@pytest.mark.parametrize(
    ("button", "expected"),
    [("trim_button", Choice.TRIM), ("send_button", Choice.SEND), ("cancel_button", Choice.CANCEL)],
)
def test_confirm_context_returns_the_clicked_button(
    qtbot: QtBot, button: str, expected: Choice
) -> None:
    def click() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ContextDialog)
        getattr(dialog, button).click()

    QTimer.singleShot(0, click)
    assert confirm_context(None, 9000, 4096, 100, "m") is expected


def test_select_excess_selects_the_end_and_focuses(qtbot: QtBot) -> None:
    editor = QPlainTextEdit()
    qtbot.addWidget(editor)
    editor.show()
    editor.setPlainText("keep this|cut")
    assert select_excess(editor, 3) == 3
    assert editor.textCursor().selectedText() == "cut"
    assert select_excess(editor, 10**6) == len("keep this|cut")


@pytest.fixture
def window(qtbot: QtBot, openai_server: FakeOpenAIServer, no_keyring: Any) -> Iterator[MainWindow]:
    settings = Settings()
    use_loopback(settings, openai_server.base_url, PROFILE, "gpt-4o-mini", context_window=600)
    settings.last_mode = "code-explain"
    win = open_window(qtbot, settings)
    yield win
    win.close()


def _answers(monkeypatch: pytest.MonkeyPatch, choice: Choice) -> list[tuple[int, int, int]]:
    asked: list[tuple[int, int, int]] = []

    def fake_confirm(parent: Any, estimate: int, window: int, budget: int, model: str) -> Choice:
        asked.append((estimate, window, budget))
        return choice

    monkeypatch.setattr(context_check, "confirm_context", fake_confirm)
    return asked


def _fill_code(win: MainWindow, text: str) -> QPlainTextEdit:
    editor = win.current_form().main_editor()
    assert editor is not None
    editor.setPlainText(text)
    return editor


def test_cancel_sends_nothing(
    window: MainWindow, openai_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = _answers(monkeypatch, Choice.CANCEL)
    _fill_code(window, "x = 1\n" * 400)
    window.generate()
    assert len(asked) == 1 and asked[0][1] == 600
    assert openai_server.chat_requests == []


def test_trim_selects_the_excess_and_sends_nothing(
    window: MainWindow, openai_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _answers(monkeypatch, Choice.TRIM)
    window.params_panel.set_params(window.params_panel.params().merged(max_tokens=100))
    text = "x = 1\n" * 400
    editor = _fill_code(window, text)
    window.generate()
    selected = editor.textCursor().selectedText()
    assert 0 < len(selected) < len(text)
    assert editor.textCursor().selectionEnd() == len(text)
    assert editor.hasFocus() or QApplication.focusWidget() is editor
    assert "Selected the last" in window.status_label.text()
    assert openai_server.chat_requests == []
    assert editor.toPlainText() == text  # nothing was cut by the app itself


def test_send_anyway_sends_the_whole_input(
    qtbot: QtBot,
    window: MainWindow,
    openai_server: FakeOpenAIServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _answers(monkeypatch, Choice.SEND)
    text = "x = 1\n" * 400
    _fill_code(window, text)
    with qtbot.waitSignal(window.controller.sig_done, timeout=5000):
        window.generate()
    sent = openai_server.chat_requests[-1].body["messages"]
    assert any(text in message["content"] for message in sent)


def test_a_prompt_that_fits_is_sent_without_asking(
    qtbot: QtBot,
    window: MainWindow,
    openai_server: FakeOpenAIServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked = _answers(monkeypatch, Choice.CANCEL)
    window.params_panel.set_params(window.params_panel.params().merged(max_tokens=50))
    _fill_code(window, "x = 1\n")
    with qtbot.waitSignal(window.controller.sig_done, timeout=5000):
        window.generate()
    assert asked == [] and len(openai_server.chat_requests) == 1


def _cli(*args: str, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        input=stdin,
        capture_output=True,
        timeout=60,
        env=dict(os.environ),
    )


def test_cli_refuses_over_the_window_unless_forced(openai_server: FakeOpenAIServer) -> None:
    settings = Settings()
    settings.upsert_profile(
        ProviderProfile(
            name=PROFILE,
            kind="compatible",
            base_url=openai_server.base_url,
            model="gpt-4o-mini",
            context_window=600,
        )
    )
    assert settings.save() is None
    code = b"x = 1\n" * 400
    refused = _cli("run", "code-explain", "--provider", PROFILE, stdin=code)
    assert refused.returncode == 2
    assert b"tokens; gpt-4o-mini reads at most 600" in refused.stderr
    assert b"--force" in refused.stderr
    assert openai_server.chat_requests == []
    forced = _cli("run", "code-explain", "--provider", PROFILE, "--force", stdin=code)
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout.decode().strip() == "Hello from the fake server."
