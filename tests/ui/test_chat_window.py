"""Chat mode in the real window against the loopback server: turns shown as a thread, the
editable system prompt, the context meter, and the notice when the next turn would not fit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assistant.core.config.settings import Settings
from assistant.core.work.follow_ups import SUMMARY_INSTRUCTION
from assistant.ui.main_window import MainWindow
from tests.fakeserver import FakeOpenAIServer, RecordedRequest
from tests.ui.test_main_window import choose_mode, fill, generate_and_wait, sent_messages
from tests.ui.windows import open_window, use_loopback

SYSTEM = "You are a pirate {arr} \\ 🏴‍☠️"
WORDS = [
    "otter",
    "river",
    "kelp",
    "urchin",
    "paw",
    "float",
    "dive",
    "whisker",
    "fur",
    "den",
    "pup",
    "clam",
    "stone",
    "tide",
]
LONG_REPLY = " ".join(f"{WORDS[i % 14]}{i * 7919 % 1000}" for i in range(180)) + "."
"""About 400 tokens estimated, and no loop for the loop guard to stop."""


@pytest.fixture
def window(qtbot: QtBot, openai_server: FakeOpenAIServer, no_keyring: Any) -> Iterator[MainWindow]:
    settings = Settings()
    use_loopback(settings, openai_server.base_url, context_window=1300)
    win = open_window(qtbot, settings)
    choose_mode(win, "chat")
    yield win
    win.close()


def send(qtbot: QtBot, win: MainWindow, text: str) -> None:
    box = win.followups.box
    box.edit.setText(text)
    with qtbot.waitSignal(win.controller.sig_done, timeout=5000):
        qtbot.keyClick(box.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not win.stop_button.isEnabled())


def test_a_chat_is_a_thread_of_turns_with_a_meter(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    chat = window.followups.chat.view
    assert chat.isVisible() and not window.followups.stepper.isVisible()
    openai_server.reply = "Ahoy! Otters be fine swimmers."
    fill(window, message="Tell me about {otters}", system=SYSTEM)
    generate_and_wait(qtbot, window)
    assert sent_messages(openai_server) == [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": "Tell me about {otters}"},
    ]
    openai_server.reply = "They hold paws, matey."
    send(qtbot, window, "And how do they sleep?")
    assert sent_messages(openai_server) == [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": "Tell me about {otters}"},
        {"role": "assistant", "content": "Ahoy! Otters be fine swimmers."},
        {"role": "user", "content": "And how do they sleep?"},
    ]
    assert window.answer_area.current_text() == "They hold paws, matey."
    transcript = chat.transcript_text()
    for text in ("Tell me about {otters}", "Ahoy! Otters be fine swimmers.", "And how do they"):
        assert text in transcript
    assert "They hold paws" not in transcript  # the newest reply is the answer pane below
    assert not window.followups.stepper.isVisible()
    meter = chat.meter
    assert meter.limit == 1300 and 0 < meter.used < 1300 and not meter.exact
    assert meter.text().startswith("~") and meter.text().endswith("/ 1,300 tokens")

    # reopened from the history, the conversation is back and goes on
    record_id = window.answer_panel.shown_record_id
    assert record_id is not None
    openai_server.reply = "Something else."
    chat.new_button.click()
    fill(window, message="A new chat")
    generate_and_wait(qtbot, window)
    assert "Ahoy" not in chat.transcript_text()
    window.open_record(record_id)
    assert "Ahoy! Otters be fine swimmers." in chat.transcript_text()
    assert window.answer_area.current_text() == "They hold paws, matey."
    openai_server.reply = "Aye."
    send(qtbot, window, "Third question")
    assert [m["content"] for m in sent_messages(openai_server)][-2:] == [
        "They hold paws, matey.",
        "Third question",
    ]


def test_the_next_turn_that_would_not_fit_is_never_cut_silently(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    openai_server.reply = LONG_REPLY
    fill(window, message="Tell me everything about otters", system="Be brief.")
    generate_and_wait(qtbot, window)
    requests_before = len(openai_server.chat_requests)
    box = window.followups.box
    box.edit.setText("And sea otters?")
    qtbot.keyClick(box.edit, Qt.Key.Key_Return)
    notice = window.followups.chat.overflow
    assert notice.isVisible()  # said before sending; nothing went out
    assert "would not fit" in notice.label.text() and "1,300" in notice.label.text()
    assert len(openai_server.chat_requests) == requests_before
    assert notice.drop_button.text() == "Drop 1 oldest turn(s)"

    openai_server.reply = "Sea otters live in the sea."
    with qtbot.waitSignal(window.controller.sig_done, timeout=5000):
        notice.drop_button.click()
    assert not notice.isVisible()
    assert sent_messages(openai_server) == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "And sea otters?"},
    ]

    # the thread still holds the long turn: the next one asks again; now it is summarised (the
    # model summarises first, then the turn goes out with the summary in place of the old ones)
    def reply(request: RecordedRequest, _index: int) -> str:
        last = request.body["messages"][-1]["content"]
        return "SUMMARY: otters." if last == SUMMARY_INSTRUCTION else LONG_REPLY

    openai_server.reply = reply
    box.edit.setText("And river otters?")
    qtbot.keyClick(box.edit, Qt.Key.Key_Return)
    assert notice.isVisible()
    before = len(openai_server.chat_requests)
    notice.summarise_button.click()
    qtbot.waitUntil(lambda: len(openai_server.chat_requests) == before + 2, timeout=5000)
    qtbot.waitUntil(lambda: not window.stop_button.isEnabled())
    summary_request = openai_server.chat_requests[before].body["messages"]
    assert summary_request[-1]["content"] == SUMMARY_INSTRUCTION
    final = sent_messages(openai_server)
    assert final[-1]["content"].endswith("And river otters?")
    assert any("SUMMARY: otters." in m["content"] for m in final)
    assert window.answer_area.current_text() == LONG_REPLY


def test_the_thread_renders_replies_and_loads_nothing(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    image = f"{openai_server.url}/otter.png"
    openai_server.reply = f"**Bold** otters ![an otter]({image}) <b>raw</b>"
    fill(window, message="<i>typed</i> {x}")
    generate_and_wait(qtbot, window)
    openai_server.reply = "Next."
    send(qtbot, window, "More")
    text = window.followups.chat.view.transcript_text()
    assert "<i>typed</i> {x}" in text  # the person's message as typed
    assert "Bold otters an otter <b>raw</b>" in text  # rendered; the image is its alt text
    assert "**" not in text
    assert not [r for r in openai_server.requests if r.path.endswith("otter.png")]


def test_generate_goes_on_with_the_conversation_until_new_chat(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    openai_server.reply = "First reply."
    fill(window, message="First message", system=SYSTEM)
    first = generate_and_wait(qtbot, window)
    openai_server.reply = "Second reply."
    fill(window, message="Second message {with} \\ braces")
    second = generate_and_wait(qtbot, window)
    assert second.record_id == first.record_id  # the same conversation
    assert sent_messages(openai_server) == [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": "First message"},
        {"role": "assistant", "content": "First reply."},
        {"role": "user", "content": "Second message {with} \\ braces"},
    ]
    assert window.current_form().values()["message"] == ""  # ready for the next message
    assert "Second message" in window.followups.chat.view.transcript_text()

    window.followups.chat.view.new_button.click()
    assert window.followups.chat.view.transcript_text() == ""
    assert window.answer_area.current_text() == ""
    openai_server.reply = "A new start."
    fill(window, message="Hello again")
    third = generate_and_wait(qtbot, window)
    assert third.record_id != first.record_id
    assert sent_messages(openai_server) == [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": "Hello again"},
    ]
