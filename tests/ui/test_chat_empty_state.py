"""Chat before its first message: the empty conversation says how to start, wrapped to the width
of the view (not cut off at its right edge), and the box under it asks for the next message."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QPalette

from assistant.ui.main_window import MainWindow
from tests.ui.test_main_window import choose_mode


@pytest.fixture
def window(window: MainWindow) -> MainWindow:
    """The shared window (tests/fixtures/main_window.py) at the default width, in chat mode."""
    window.resize(1280, 800)
    choose_mode(window, "chat")
    return window


def _inked_rows(window: MainWindow) -> list[int]:
    """The rows of the empty transcript's viewport where anything is drawn."""
    transcript = window.followups.chat.view.transcript
    image = transcript.viewport().grab().toImage()
    base = transcript.palette().color(QPalette.ColorRole.Base).rgb()
    return [
        y
        for y in range(image.height())
        if any(image.pixel(x, y) != base for x in range(0, image.width(), 2))
    ]


def test_the_empty_conversation_text_wraps_inside_the_view(window: MainWindow) -> None:
    view = window.followups.chat.view
    assert view.isVisible() and view.transcript_text() == ""
    line = view.transcript.fontMetrics().lineSpacing()
    rows = _inked_rows(window)
    assert rows, "the empty transcript says nothing"
    assert rows[-1] - rows[0] > line  # more than one line: the sentence is wrapped, not cut


def test_the_box_under_an_empty_chat_speaks_of_messages_not_follow_ups(
    window: MainWindow,
) -> None:
    box = window.followups.box
    assert box.edit.placeholderText() == "Your next message (Enter sends)"
    choose_mode(window, "article")
    assert box.edit.placeholderText().startswith("Follow up:")
