"""What the version stepper says made a version: a translation names its language."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assistant.core.prompts.quick_actions import quick_action
from assistant.ui.main_window import MainWindow
from tests.fakeserver import FakeOpenAIServer
from tests.ui.test_followups import first_answer


def test_translate_to_names_the_language_above_its_version(
    qtbot: QtBot,
    window: MainWindow,
    openai_server: FakeOpenAIServer,
    no_keyring: Any,
) -> None:
    first_answer(qtbot, window, openai_server)
    openai_server.reply = "# Otter\n\nOtter halten sich an den Händen.\n"
    box = window.followups.box
    translate = next(a for a in box.menu.actions() if a.text() == "Translate to…")
    translate.trigger()
    qtbot.keyClicks(box.edit, "Deutsch")
    with qtbot.waitSignal(window.controller.sig_done, timeout=5000):
        qtbot.keyClick(box.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.followups.stepper.label.text() == "2 / 2")
    assert window.followups.stepper.made_by.text() == "“Translate to Deutsch”"


def test_the_language_is_read_back_from_the_instruction_only() -> None:
    translate, shorter = quick_action("translate"), quick_action("shorter")
    assert translate is not None and shorter is not None
    assert translate.language_of(translate.instruction_for("简体中文")) == "简体中文"
    assert translate.language_of("Make it shorter.") == ""
    assert shorter.language_of(shorter.instruction_for()) == ""
