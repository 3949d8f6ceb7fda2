"""Kill -9 the real app in the middle of a follow-up, start again: the instruction, the earlier
version and the follow-up's text so far are back, with Continue / Regenerate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from assistant.core.config.settings import Settings
from assistant.core.storage.history import HistoryStore
from assistant.core.storage.threads import ThreadStore
from tests.fakeserver import FakeOpenAIServer, RecordedRequest
from tests.fixtures.crash_child import kill_when_streaming
from tests.ui.windows import open_window

FIRST = "Otters hold hands while they sleep."
LONGER = "".join(f"Sentence {i} about otters and rivers. " for i in range(400))
INSTRUCTION = "Make it longer {please} \\ 🦦"


def test_sigkill_during_a_follow_up_is_recovered(
    qtbot: QtBot, openai_server: FakeOpenAIServer, app_home: Path, no_keyring: Any
) -> None:
    def reply(request: RecordedRequest, _index: int) -> str:
        return FIRST if len(request.body["messages"]) <= 2 else LONGER

    openai_server.reply = reply
    openai_server.delta_size = 5
    openai_server.delta_delay = 0.01
    kill_when_streaming("tests.ui.followup_crash_child", openai_server.base_url, home=app_home)
    openai_server.delta_delay = 0.0

    window = open_window(qtbot, Settings.load())
    assert window.recovery_bar.isVisibleTo(window)
    note = window.answer_panel.recovery_label.text()
    assert note.startswith(f"This follow-up (“{INSTRUCTION}”) was interrupted")
    partial = window.answer_area.current_text()
    assert len(partial) > 100 and LONGER.startswith(partial)
    assert window.followups.stepper.label.text() == "2 / 2"
    window.followups.stepper.previous_button.click()
    assert window.answer_area.current_text() == FIRST
    store = HistoryStore(app_home / "data" / "history.sqlite3")
    record = store.list_records(limit=1)[0]
    versions = ThreadStore(store).versions(record.id)
    assert [v.status for v in versions] == ["complete", "interrupted"]
    assert versions[1].text == partial

    openai_server.reply = " The end."
    with qtbot.waitSignal(window.controller.sig_done, timeout=10_000):
        window.continue_button.click()
    qtbot.waitUntil(lambda: window.answer_area.current_text() == partial + " The end.")
    sent = openai_server.chat_requests[-1].body["messages"]
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "user", "assistant", "user"]
    assert [m["content"] for m in sent[2:5]] == [FIRST, INSTRUCTION, partial]
    versions = ThreadStore(store).versions(record.id)
    assert [v.status for v in versions] == ["complete", "complete"]
    assert versions[1].text == partial + " The end."
    assert window.followups.stepper.label.text() == "2 / 2"
    window.close()
