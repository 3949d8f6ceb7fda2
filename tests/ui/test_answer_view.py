"""AnswerView: batched streaming, request ids, stop, scrolling, highlighting."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFontInfo, QGuiApplication
from pytestqt.qtbot import QtBot

from assistant.ui.answer_view import AnswerView


@pytest.fixture
def view(qtbot: QtBot) -> AnswerView:
    widget = AnswerView()
    widget.resize(400, 200)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def collect_flushes(view: AnswerView) -> list[int]:
    totals: list[int] = []
    view.sig_flushed.connect(totals.append)
    return totals


def test_two_thousand_deltas_arrive_in_one_flush(view: AnswerView, qtbot: QtBot) -> None:
    flushes = collect_flushes(view)
    view.begin("r1", "markdown")
    pieces = [f"word{n} " if n % 50 else "\n" for n in range(2_000)]
    for piece in pieces:
        view.append_delta("r1", piece)
    assert view.toPlainText() == ""  # nothing inserted until the timer fires
    with qtbot.waitSignal(view.sig_flushed):
        pass
    assert flushes == [len("".join(pieces))]
    assert view.text() == "".join(pieces)
    assert view.toPlainText() == "".join(pieces)


def test_deltas_with_events_in_between_are_still_batched(view: AnswerView, qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QApplication

    flushes = collect_flushes(view)
    view.begin("r1", "python")
    pieces = [f"x_{n} = {n}\n" for n in range(2_000)]
    for n, piece in enumerate(pieces):
        view.append_delta("r1", piece)
        if n % 100 == 0:
            QApplication.processEvents()
    view.finish("r1")
    assert 1 <= len(flushes) <= 21
    assert view.text() == "".join(pieces)
    assert flushes[-1] == len(view.text())


def test_stale_request_ids_are_dropped(view: AnswerView, qtbot: QtBot) -> None:
    view.begin("old", "markdown")
    view.append_delta("old", "old answer")
    view.begin("new", "markdown")
    view.append_delta("old", "late old chunk")
    view.append_delta("new", "fresh")
    view.finish("old")  # ignored: not the current request
    assert view.is_streaming
    view.finish("new")
    view.append_delta("new", " after finish")
    qtbot.wait(60)  # let a timer fire if one was (wrongly) started
    assert view.text() == "fresh"
    assert view.toPlainText() == "fresh"


def test_stop_drops_queued_and_late_text_at_once(view: AnswerView, qtbot: QtBot) -> None:
    flushes = collect_flushes(view)
    view.begin("r1", "markdown")
    view.append_delta("r1", "shown ")
    view.flush()
    view.append_delta("r1", "queued but stopped")
    view.stop("r1")
    view.append_delta("r1", "late")
    with qtbot.assertNotEmitted(view.sig_flushed, wait=80):
        pass
    assert view.text() == "shown "
    assert flushes == [6]
    assert not view.is_streaming


def test_exact_text_with_crlf_emoji_and_tabs(view: AnswerView) -> None:
    answer = "a\r\nb\tc 😀 \u00a0 d\n\n```py\nx = 1\n```"
    view.set_answer(answer, "markdown", "h1")
    assert view.text() == answer
    assert view.request_id == "h1"
    assert not view.is_streaming


def test_follows_the_end_only_when_the_reader_was_there(view: AnswerView) -> None:
    bar = view.verticalScrollBar()
    view.begin("r1", "text")
    view.append_delta("r1", "line\n" * 200)
    view.flush()
    assert bar.maximum() > 0
    assert bar.value() == bar.maximum()
    bar.setValue(10)  # the reader scrolls up to read
    view.append_delta("r1", "more\n" * 50)
    view.flush()
    assert bar.value() == 10
    bar.setValue(bar.maximum())
    view.append_delta("r1", "even more\n" * 50)
    view.flush()
    assert bar.value() == bar.maximum()


def test_code_answer_is_highlighted_and_monospace(view: AnswerView) -> None:
    view.begin("r1", "python")
    assert QFontInfo(view.font()).fixedPitch()
    view.append_delta("r1", "import os\n")
    view.finish("r1")
    formats = view.document().firstBlock().layout().formats()
    assert formats and formats[0].start == 0
    assert view.isReadOnly()
    assert not view.isUndoRedoEnabled()


def test_markdown_answer_uses_the_readable_font(view: AnswerView) -> None:
    view.begin("r1", "md")
    assert view.language() == "markdown"
    assert view.font().family() == QGuiApplication.font().family()


def test_selection_can_be_copied(view: AnswerView) -> None:
    from PySide6.QtWidgets import QApplication

    view.set_answer("copy me", "text")
    view.selectAll()
    view.copy()
    assert QApplication.clipboard().text() == "copy me"
