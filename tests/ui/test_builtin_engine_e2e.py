"""The window on the real built-in engine with the real SmolLM2 model: no key, no server to run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assistant.core.config.settings import Settings
from assistant.ui.main_window import MainWindow
from tests.ui.test_main_window import choose_mode, fill
from tests.ui.windows import open_window

pytestmark = pytest.mark.e2e

INPUTS: dict[str, dict[str, Any]] = {
    "article": {"topic": "Why cats sleep so much"},
    "ad-copy": {"product": "A solar desk lamp", "channel": "social post"},
    "code-complete": {"language": "python", "code": "def add(a, b):\n    "},
    "code-explain": {"code": "for i in range(3):\n    print(i * i)\n"},
}


@pytest.fixture
def window(qtbot: QtBot, builtin_model: Path, no_keyring: Any) -> Iterator[MainWindow]:
    settings = Settings()  # defaults: the built-in profile is active
    settings.engine_threads = 2
    settings.engine_context = 2048
    settings.welcome_done = True
    win = open_window(qtbot, settings)
    yield win
    win.close()
    win.services.resolver.shutdown()


@pytest.mark.parametrize("mode_id", list(INPUTS))
def test_each_mode_streams_an_answer_from_the_builtin_model(
    qtbot: QtBot, window: MainWindow, mode_id: str
) -> None:
    assert window.current_profile().is_builtin
    choose_mode(window, mode_id)
    fill(window, **INPUTS[mode_id])
    window.params_panel.max_tokens.setValue(40)
    statuses: list[str] = []
    window.controller.sig_status.connect(lambda _rid, text: statuses.append(text))
    with qtbot.waitSignal(window.controller.sig_done, timeout=90_000) as blocker:
        qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    done = blocker.args[1]
    assert done.status == "complete", done.error
    assert done.answers[0].strip()
    qtbot.waitUntil(lambda: window.answer_area.current_text() == done.answers[0])
    assert any("Loading model" in text for text in statuses), statuses


def test_stop_mid_generation(qtbot: QtBot, window: MainWindow) -> None:
    choose_mode(window, "article")
    fill(window, topic="A long history of bridges")
    window.params_panel.max_tokens.setValue(600)
    with qtbot.waitSignal(window.controller.sig_done, timeout=90_000) as blocker:
        window.generate()
        qtbot.waitUntil(lambda: len(window.answer_area.current_text()) > 20, timeout=60_000)
        qtbot.keyClick(window, Qt.Key.Key_Escape)
        assert not window.stop_button.isEnabled()
        shown = window.answer_area.current_text()
    assert blocker.args[1].status == "stopped"
    qtbot.wait(300)
    assert window.answer_area.current_text() == shown
