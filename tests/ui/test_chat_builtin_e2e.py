"""Chat and a follow-up on the real built-in engine with the real SmolLM2 model: the context
meter counts exactly (llama.cpp's tokenizer), and a follow-up carries the thread."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assistant.core.storage.threads import ThreadStore
from assistant.ui.main_window import MainWindow
from tests.ui.test_builtin_engine_e2e import window  # noqa: F401 (the fixture)
from tests.ui.test_main_window import choose_mode, fill

pytestmark = pytest.mark.e2e


def test_a_chat_on_the_builtin_engine_counts_exactly_and_goes_on(
    qtbot: QtBot,
    window: MainWindow,  # noqa: F811 (the imported fixture)
) -> None:
    choose_mode(window, "chat")
    fill(window, message="Name one animal that lives in rivers.")
    window.params_panel.max_tokens.setValue(30)
    with qtbot.waitSignal(window.controller.sig_done, timeout=90_000) as blocker:
        qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    first = blocker.args[1]
    assert first.answers[0].strip(), first.error
    qtbot.waitUntil(lambda: not window.stop_button.isEnabled())
    meter = window.followups.chat.view.meter
    assert meter.exact and meter.limit == 2048
    assert meter.text() == f"{meter.used:,} / 2,048 tokens"  # no "~": counted, not estimated
    used = meter.used
    box = window.followups.box
    box.edit.setText("And one that lives in the sea?")
    with qtbot.waitSignal(window.controller.sig_done, timeout=90_000) as blocker:
        qtbot.keyClick(box.edit, Qt.Key.Key_Return)
    second = blocker.args[1]
    assert second.record_id == first.record_id and second.answers[0].strip(), second.error
    qtbot.waitUntil(lambda: not window.stop_button.isEnabled())
    assert meter.used > used
    thread = ThreadStore(window.services.history).thread(first.record_id)  # type: ignore[arg-type]
    assert thread is not None and len(thread.versions) == 2
    assert first.answers[0] in window.followups.chat.view.transcript_text()
