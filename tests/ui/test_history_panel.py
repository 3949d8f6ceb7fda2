"""The history panel over a real SQLite history file, with real Qt widgets (offscreen)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit
from pytestqt.qtbot import QtBot

from assistant.core.storage.history import HistoryStore
from assistant.core.work.runs import RunStatus
from assistant.ui.history_panel import HistoryPanel
from assistant.ui.history_rows import STATUS_COLUMN, TITLE_COLUMN
from tests.ui.history_view import Row, settled

MODES = {"article": "Article", "code": "Code completion"}
DAY_S = 24 * 3600


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    history = HistoryStore(tmp_path / "h.sqlite3")
    yield history
    history.close()


def add(
    store: HistoryStore,
    title: str,
    answer: str = "an answer",
    *,
    mode: str = "article",
    fields: dict[str, Any] | None = None,
    status: str = RunStatus.COMPLETE,
    age_s: float = 0.0,
    starred: bool = False,
) -> int:
    """A finished record, ``age_s`` seconds old."""
    record_id = store.start(
        mode, fields or {"topic": title}, [], "Loopback", "", "fake", {}, title=title
    )
    store.finish(
        record_id, status, answers=[answer], error="boom" if status == RunStatus.FAILED else None
    )
    with store.database.connection() as connection:
        connection.execute(
            "UPDATE records SET created_at = ? WHERE id = ?", (time.time() - age_s, record_id)
        )
    if starred:
        store.star(record_id)
    return record_id


def make_panel(qtbot: QtBot, store: HistoryStore, **kwargs: Any) -> HistoryPanel:
    height = kwargs.pop("height", 500)
    panel = HistoryPanel(store, MODES, **kwargs)
    qtbot.addWidget(panel)
    panel.resize(420, height)
    panel.show()
    qtbot.waitExposed(panel)
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow)
    settled(qtbot, panel)
    return panel


def choose(panel: HistoryPanel, record_id: int) -> None:
    """Select one record and give the list the focus, as a click would."""
    assert panel.select_record(record_id)
    panel.view.setFocus()


def test_records_are_grouped_by_day_newest_first(qtbot: QtBot, store: HistoryStore) -> None:
    older = add(store, "Old notes", age_s=5 * DAY_S)
    yesterday = add(store, "Yesterday's post", age_s=DAY_S)
    morning = add(store, "Morning draft", age_s=2)
    now = add(store, "Just now", mode="code", age_s=1)
    panel = make_panel(qtbot, store)

    old_day = date.fromtimestamp(time.time() - 5 * DAY_S)
    long_date = QLocale().toString(
        QDate(old_day.year, old_day.month, old_day.day), QLocale.FormatType.LongFormat
    )
    assert panel.day_titles() == ["Today", "Yesterday", long_date]
    assert panel.shown_ids() == [now, morning, yesterday, older]
    today_header = Row(panel, 0)
    assert today_header is not None and today_header.childCount() == 2
    row = Row.of(panel, now)
    assert row is not None
    assert [row.text(c) for c in range(3)][:2] == ["Just now", "Code completion"]
    assert row.text(2)  # local time
    assert not today_header.flags() & Qt.ItemFlag.ItemIsSelectable


def test_status_markers_and_answer_tooltip(qtbot: QtBot, store: HistoryStore) -> None:
    long_answer = "word " * 200
    cut = add(store, "Killed", "partial answer", status=RunStatus.INTERRUPTED)
    stopped = add(store, "Stopped", status=RunStatus.STOPPED)
    failed = add(store, "Failed", "", status=RunStatus.FAILED)
    starred = add(store, "Starred", long_answer, starred=True)
    panel = make_panel(qtbot, store)

    def status(record_id: int) -> str:
        item = Row.of(panel, record_id)
        assert item is not None
        return item.text(STATUS_COLUMN)

    assert status(cut) == "interrupted"
    assert status(stopped) == "stopped"
    assert status(failed) == "failed"
    assert status(starred) == "★"
    cut_item = Row.of(panel, cut)
    assert cut_item is not None
    assert cut_item.font(STATUS_COLUMN).bold()
    assert cut_item.background(STATUS_COLUMN).style() != Qt.BrushStyle.NoBrush
    assert cut_item.toolTip(TITLE_COLUMN) == "partial answer"
    starred_item = Row.of(panel, starred)
    assert starred_item is not None
    assert starred_item.toolTip(TITLE_COLUMN) == long_answer[:300] + "…"
    failed_item = Row.of(panel, failed)
    assert failed_item is not None
    assert failed_item.toolTip(TITLE_COLUMN) == "boom"


def test_search_finds_a_word_of_an_answer_and_of_a_field(qtbot: QtBot, store: HistoryStore) -> None:
    answer_hit = add(store, "Soup", "Simmer the lentils for twenty minutes.")
    field_hit = add(store, "Cake", fields={"topic": "Cake", "audience": "pastry chefs"})
    add(store, "Other", "Nothing to see")
    panel = make_panel(qtbot, store)

    qtbot.keyClicks(panel.search_edit, "lentils")
    qtbot.waitUntil(lambda: panel.shown_ids() == [answer_hit])
    panel.search_edit.clear()
    qtbot.keyClicks(panel.search_edit, "pastry")
    qtbot.waitUntil(lambda: panel.shown_ids() == [field_hit])
    panel.search_edit.clear()
    qtbot.waitUntil(lambda: len(panel.shown_ids()) == 3)


def test_mode_filter_and_starred_only(qtbot: QtBot, store: HistoryStore) -> None:
    article = add(store, "Article one")
    code = add(store, "Some code", mode="code", starred=True)
    code_plain = add(store, "More code", mode="code")
    panel = make_panel(qtbot, store)
    assert panel.mode_combo.itemText(0) == "All modes"

    panel.mode_combo.setCurrentIndex(panel.mode_combo.findData("code"))
    settled(qtbot, panel)
    assert panel.shown_ids() == [code_plain, code]
    panel.starred_check.setChecked(True)
    settled(qtbot, panel)
    assert panel.shown_ids() == [code]
    panel.mode_combo.setCurrentIndex(0)
    panel.starred_check.setChecked(False)
    settled(qtbot, panel)
    assert panel.shown_ids() == [code_plain, code, article]


def test_starred_only_applies_to_search_results(qtbot: QtBot, store: HistoryStore) -> None:
    starred = add(store, "Kept", "tomato soup", starred=True)
    add(store, "Plain", "tomato salad")
    panel = make_panel(qtbot, store, page_size=1)
    panel.starred_check.setChecked(True)
    panel.search_edit.setText("tomato")
    qtbot.waitUntil(lambda: panel.shown_ids() == [starred])


def test_star_toggles_with_ctrl_d(qtbot: QtBot, store: HistoryStore) -> None:
    record_id = add(store, "Favourite")
    panel = make_panel(qtbot, store)
    choose(panel, record_id)
    with qtbot.waitSignal(panel.sig_changed):
        qtbot.keyClick(panel.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    record = store.get(record_id)
    assert record is not None and record.starred
    item = Row.of(panel, record_id)
    assert item is not None and item.text(STATUS_COLUMN) == "★"
    assert panel.star_action.text() == "Unstar"
    assert panel.selected_ids() == [record_id]

    panel.star_action.trigger()
    record = store.get(record_id)
    assert record is not None and not record.starred
    assert panel.star_action.text() == "Star"


def test_rename_in_place_with_f2(qtbot: QtBot, store: HistoryStore) -> None:
    record_id = add(store, "Untitled draft")
    panel = make_panel(qtbot, store)
    choose(panel, record_id)
    qtbot.keyClick(panel.view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    assert editor.text() == "Untitled draft"
    editor.selectAll()
    with qtbot.waitSignal(panel.sig_changed):
        qtbot.keyClicks(editor, "Launch  announcement ")
        qtbot.keyClick(editor, Qt.Key.Key_Return)

    record = store.get(record_id)
    assert record is not None and record.title == "Launch announcement"
    item = Row.of(panel, record_id)
    assert item is not None and item.text(TITLE_COLUMN) == "Launch announcement"
    panel.search_edit.setText("launch")
    qtbot.waitUntil(lambda: panel.shown_ids() == [record_id])


def test_blank_rename_keeps_the_title(qtbot: QtBot, store: HistoryStore) -> None:
    record_id = add(store, "Keep me")
    panel = make_panel(qtbot, store)
    item = Row.of(panel, record_id)
    assert item is not None
    with qtbot.assertNotEmitted(panel.sig_changed):
        item.setText(TITLE_COLUMN, "   ")
    assert item.text(TITLE_COLUMN) == "Keep me"
    record = store.get(record_id)
    assert record is not None and record.title == "Keep me"


def test_delete_hides_and_ctrl_z_brings_back(qtbot: QtBot, store: HistoryStore) -> None:
    first = add(store, "First", age_s=3)
    doomed = add(store, "Doomed", age_s=2)
    last = add(store, "Last", age_s=1)
    panel = make_panel(qtbot, store)
    choose(panel, doomed)
    with qtbot.waitSignal(panel.sig_changed):
        qtbot.keyClick(panel.view, Qt.Key.Key_Delete)

    assert panel.shown_ids() == [last, first]
    record = store.get(doomed)
    assert record is not None and record.deleted
    assert panel.undo_bar.isVisible()
    assert panel.undo_label.text() == "Deleted “Doomed”."
    assert panel.selected_ids() == [first]  # the next one down

    with qtbot.waitSignal(panel.sig_changed):
        qtbot.keyClick(panel.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert panel.shown_ids() == [last, doomed, first]
    assert panel.selected_ids() == [doomed]
    assert not panel.undo_bar.isVisible()
    record = store.get(doomed)
    assert record is not None and not record.deleted


def test_delete_several_and_undo_with_the_button(qtbot: QtBot, store: HistoryStore) -> None:
    ids = [add(store, f"Note {n}", age_s=10 - n) for n in range(3)]
    panel = make_panel(qtbot, store)
    for record_id in ids[:2]:
        item = Row.of(panel, record_id)
        assert item is not None
        item.setSelected(True)
    panel.delete_action.trigger()
    assert panel.shown_ids() == [ids[2]]
    assert panel.undo_label.text() == "Deleted 2 record(s)."
    qtbot.mouseClick(panel.undo_button, Qt.MouseButton.LeftButton)
    assert sorted(panel.shown_ids()) == sorted(ids)
    assert sorted(panel.selected_ids()) == sorted(ids[:2])


def test_enter_and_double_click_open_the_record(qtbot: QtBot, store: HistoryStore) -> None:
    record_id = add(store, "Reopen me")
    panel = make_panel(qtbot, store)
    choose(panel, record_id)
    with qtbot.waitSignal(panel.sig_open) as blocker:
        qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    assert blocker.args == [record_id]

    item = Row.of(panel, record_id)
    assert item is not None
    center = item.rect().center()
    viewport = panel.view.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=center)  # a real one starts so
    with qtbot.waitSignal(panel.sig_open) as blocker:
        qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=center)
    assert blocker.args == [record_id]


def test_day_headers_do_not_open(qtbot: QtBot, store: HistoryStore) -> None:
    add(store, "Only one")
    panel = make_panel(qtbot, store)
    header = Row(panel, 0)
    assert header is not None
    panel.view.setFocus()
    panel.view.setCurrentIndex(header.index)
    with qtbot.assertNotEmitted(panel.sig_open):
        qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    assert panel.selected_ids() == []


def test_export_writes_highlighted_html(qtbot: QtBot, store: HistoryStore, tmp_path: Path) -> None:
    answer = "Here it is:\n\n```python\ndef greet(name):\n    return f'hi {name}'\n```\n"
    record_id = add(store, "Greeting function", answer, mode="code")
    panel = make_panel(qtbot, store)
    choose(panel, record_id)
    panel.export_selected()
    dialog = panel.export_dialog
    assert isinstance(dialog, QFileDialog)
    assert dialog.isVisible()
    target = tmp_path / "greeting.html"
    dialog.selectFile(str(target))
    dialog.accept()

    html = target.read_text(encoding="utf-8")
    assert "Greeting function" in html
    assert "<span style=" in html
    assert "greet" in html
    assert str(target) in panel.notice_label.text()


def test_export_formats_by_suffix_and_errors_are_shown(
    qtbot: QtBot, store: HistoryStore, tmp_path: Path
) -> None:
    record_id = add(store, "Plain", "The answer body")
    panel = make_panel(qtbot, store)
    choose(panel, record_id)
    assert panel.export_to(tmp_path / "a.md")
    assert (tmp_path / "a.md").read_text(encoding="utf-8").startswith("# Plain")
    assert panel.export_to(tmp_path / "a.txt")
    assert (tmp_path / "a.txt").read_text(encoding="utf-8").startswith("Plain\n=====")

    assert not panel.export_to(tmp_path / "missing" / "a.html")
    assert "Could not export" in panel.notice_label.text()
    assert panel.notice_label.isVisible()


def test_copy_as_markdown(qtbot: QtBot, store: HistoryStore) -> None:
    record_id = add(store, "Clip", "Copied **answer** text")
    panel = make_panel(qtbot, store)
    choose(panel, record_id)
    panel.copy_action.trigger()
    text = QGuiApplication.clipboard().text()
    assert text.startswith("# Clip")
    assert "Copied **answer** text" in text


def test_pages_load_on_scroll_and_on_demand(qtbot: QtBot, store: HistoryStore) -> None:
    ids = [add(store, f"Record {n}", age_s=100 - n) for n in range(12)]
    newest_first = ids[::-1]
    panel = make_panel(qtbot, store, page_size=5, height=150)  # 5 rows fill the list
    assert panel.shown_ids() == newest_first[:5]
    assert panel.has_more

    panel.resize(420, 150)
    bar = panel.view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())
    settled(qtbot, panel)
    assert panel.shown_ids() == newest_first[:10]

    assert panel.select_record(ids[0])  # the oldest: loads the last page
    assert panel.shown_ids() == newest_first
    assert not panel.has_more
    assert not panel.load_more()


def test_refresh_keeps_the_selection_and_shows_new_records(
    qtbot: QtBot, store: HistoryStore
) -> None:
    kept = add(store, "Selected", age_s=5)
    panel = make_panel(qtbot, store)
    choose(panel, kept)
    newer = add(store, "Newer")
    panel.refresh()
    settled(qtbot, panel)
    assert panel.shown_ids() == [newer, kept]
    assert panel.selected_ids() == [kept]
    assert panel.current_id() == kept


def test_ctrl_f_focuses_the_search_box(qtbot: QtBot, store: HistoryStore) -> None:
    add(store, "Anything")
    panel = make_panel(qtbot, store)
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert panel.search_edit.hasFocus()


def test_a_memory_only_store_is_explained_at_the_top(qtbot: QtBot, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x", encoding="utf-8")
    store = HistoryStore.open(blocker / "h.sqlite3")
    try:
        assert store.in_memory and store.problem
        add(store, "Still works")
        panel = make_panel(qtbot, store)
        assert panel.problem_label.isVisible()
        assert panel.problem_label.text() == store.problem
        assert len(panel.shown_ids()) == 1
    finally:
        store.close()


def test_yesterday_is_the_calendar_day_before(qtbot: QtBot, store: HistoryStore) -> None:
    panel = make_panel(qtbot, store)
    today = date(2025, 3, 1)
    assert panel._day_title(today, today) == "Today"
    assert panel._day_title(today - timedelta(days=1), today) == "Yesterday"
    assert "2025" in panel._day_title(date(2025, 2, 27), today)
