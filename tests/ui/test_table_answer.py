"""Table answers in the real window: sentiment's JSON lines become a sortable table with CSV
export; what cannot be read is shown as text with a note; other modes keep their text view."""

from __future__ import annotations

import codecs
import csv
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from assistant.ui.main_window import MainWindow
from assistant.ui.table_answer import TableAnswerView
from tests.fakeserver import FakeOpenAIServer
from tests.ui.test_main_window import choose_mode, fill, generate_and_wait

TEXTS = "Great food\nCold soup, slow service\nIt was fine\n"
ROWS = (
    '```json\n{"text": "Great food", "label": "positive", "confidence": 0.95, '
    '"reason": "Praise."}\n'
    '{"text": "Cold soup, slow service", "label": "negative", "confidence": 0.9, "reason": "Two '
    'complaints."}\n{"text": "It was fine", "label": "neutral", "confidence": 0.6, "reason": '
    '"Lukewarm."}\n```\n'
)


def cells(view: TableAnswerView, column: int) -> list[str]:
    proxy = view.proxy
    return [proxy.index(row, column).data() for row in range(proxy.rowCount())]


def run_sentiment(qtbot: QtBot, win: MainWindow) -> TableAnswerView:
    choose_mode(win, "sentiment")
    fill(win, texts=TEXTS)
    generate_and_wait(qtbot, win)
    view = win.answer_panel.table_view
    assert view is not None
    return view


def test_rows_become_a_sortable_table_instead_of_the_text(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    openai_server.reply = ROWS
    view = run_sentiment(qtbot, window)
    assert view.isVisible() and not window.answer_panel.answer_area.isVisible()
    assert [view.model.headerData(i, Qt.Orientation.Horizontal) for i in range(4)] == [
        "Text",
        "Label",
        "Confidence",
        "Reason",
    ]
    assert cells(view, 1) == ["positive", "negative", "neutral"]
    view.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)  # numbers sort as numbers
    assert cells(view, 2) == ["0.6", "0.9", "0.95"]
    assert not view.note.isVisible() and not view.leftover.isVisible()
    target = tmp_path / "sentiment.csv"
    assert "Saved" in view.export_csv(str(target))
    assert target.read_bytes().startswith(codecs.BOM_UTF8)  # Excel reads UTF-8 only with it
    with target.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == ["text", "label", "confidence", "reason"]
    assert [row[0] for row in rows[1:]] == ["It was fine", "Cold soup, slow service", "Great food"]
    view.table.selectRow(1)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert (
        QApplication.clipboard().text()
        == "Cold soup, slow service\tnegative\t0.9\tTwo complaints.\n"
    )
    view.table_action.trigger()  # back to the text as the model wrote it
    assert window.answer_panel.answer_area.isVisible() and not view.isVisible()
    assert window.answer_panel.answer_area.current_text() == ROWS


def test_what_cannot_be_read_is_shown_with_a_note(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    openai_server.reply = (
        'Here is my analysis.\n{"text": "Great food", "label": "positive", "confidence": 1}\n'
        '{"text": "Cold soup", "label": "nega'
    )
    view = run_sentiment(qtbot, window)
    assert cells(view, 0) == ["Great food"]
    assert view.note.isVisible() and "middle of a row" in view.note.text()
    assert "2 of the texts got no row" in view.note.text()
    leftover = view.leftover.toPlainText()
    assert "Here is my analysis." in leftover and '{"text": "Cold soup", "label": "nega' in leftover


def test_other_modes_and_reopened_records(
    qtbot: QtBot, window: MainWindow, openai_server: FakeOpenAIServer
) -> None:
    openai_server.reply = ROWS
    view = run_sentiment(qtbot, window)
    record_id = window.answer_panel.shown_record_id
    assert record_id is not None
    openai_server.reply = "A plain answer."
    choose_mode(window, "summarize")
    fill(window, text="Some long text.")
    generate_and_wait(qtbot, window)
    assert not view.isVisible() and window.answer_panel.answer_area.isVisible()
    assert not view.table_action.isEnabled()
    window.open_record(record_id)
    assert view.isVisible() and cells(view, 1) == ["positive", "negative", "neutral"]
