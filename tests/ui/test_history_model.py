"""The history list as a model: pages read off the GUI thread, rows changed in place."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPersistentModelIndex
from pytestqt.qtbot import QtBot

from assistant.core.config.settings import Settings
from assistant.core.storage.history import HistoryQuery, HistoryStore, RecordSummary
from assistant.core.work.runs import RunStatus
from assistant.ui.history_panel import HistoryPanel
from assistant.ui.history_rows import STATUS_COLUMN
from tests.fakeserver import FakeOpenAIServer
from tests.ui.history_view import settled
from tests.ui.windows import open_window, use_loopback

MODES = {"article": "Article", "code": "Code completion"}


class ThreadNotingStore(HistoryStore):
    """The real store, noting which threads read pages of the list."""

    readers: set[str]

    def summaries(self, query: HistoryQuery, limit: int | None, **kwargs: Any) -> list[Any]:
        self.readers.add(threading.current_thread().name)
        return super().summaries(query, limit, **kwargs)

    def summary(self, record_id: int, query: HistoryQuery | None = None) -> RecordSummary | None:
        self.readers.add(threading.current_thread().name)
        return super().summary(record_id, query)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ThreadNotingStore]:
    history = ThreadNotingStore(tmp_path / "h.sqlite3")
    history.readers = set()
    yield history
    history.close()


def add(
    store: HistoryStore, title: str, *, status: str = RunStatus.COMPLETE, age_s: float = 0
) -> int:
    record_id = store.start("article", {"topic": title}, [], "Loopback", "", "m", {}, title=title)
    if status != RunStatus.STREAMING:
        store.finish(record_id, status, answers=[f"answer of {title}"])
    with store.database.connection() as connection:
        connection.execute(
            "UPDATE records SET created_at = ? WHERE id = ?", (time.time() - age_s, record_id)
        )
    return record_id


def make_panel(qtbot: QtBot, store: HistoryStore, **kwargs: Any) -> HistoryPanel:
    panel = HistoryPanel(store, MODES, **kwargs)
    qtbot.addWidget(panel)
    panel.resize(420, 500)
    panel.show()
    qtbot.waitUntil(lambda: not panel.loading)
    return panel


def status_text(panel: HistoryPanel, record_id: int) -> str:
    return str(panel.index_for(record_id, STATUS_COLUMN).data())


def test_pages_are_read_off_the_gui_thread(qtbot: QtBot, store: ThreadNotingStore) -> None:
    ids = [add(store, f"Note {n}", age_s=10 - n) for n in range(3)]
    panel = HistoryPanel(store, MODES)
    qtbot.addWidget(panel)
    assert panel.loading and panel.shown_ids() == []  # the page is on its way
    qtbot.waitUntil(lambda: not panel.loading)
    assert panel.shown_ids() == ids[::-1]
    panel.record_changed(ids[0])
    qtbot.waitUntil(lambda: not panel.loading)
    assert store.readers and threading.main_thread().name not in store.readers


def test_a_run_that_ends_refreshes_its_row_in_place(qtbot: QtBot, store: HistoryStore) -> None:
    older = add(store, "Older", age_s=60)
    running = add(store, "Running", status=RunStatus.STREAMING)
    panel = make_panel(qtbot, store)
    assert status_text(panel, running) == "writing…"
    kept = QPersistentModelIndex(panel.index_for(older))
    assert panel.select_record(older)

    store.finish(running, RunStatus.STOPPED, answers=["half"])
    with qtbot.assertNotEmitted(panel.model.modelReset):
        panel.record_changed(running)
        qtbot.waitUntil(lambda: status_text(panel, running) == "stopped")
    assert kept.isValid() and panel.model.record_id(kept) == older  # no rebuild
    assert panel.selected_ids() == [older]


def test_a_new_record_is_inserted_at_the_top(qtbot: QtBot, store: HistoryStore) -> None:
    old = add(store, "Last week", age_s=7 * 24 * 3600)
    panel = make_panel(qtbot, store)
    assert panel.day_titles()[0] != "Today"
    new = add(store, "Just finished")
    with qtbot.assertNotEmitted(panel.model.modelReset):
        panel.record_changed(new)
        qtbot.waitUntil(lambda: panel.shown_ids() == [new, old])
    assert panel.day_titles()[0] == "Today"


def test_a_record_that_no_longer_matches_leaves_the_list(qtbot: QtBot, store: HistoryStore) -> None:
    first, second = add(store, "First", age_s=2), add(store, "Second", age_s=1)
    store.star(first)
    store.star(second)
    panel = make_panel(qtbot, store)
    panel.starred_check.setChecked(True)
    qtbot.waitUntil(lambda: not panel.loading)
    assert panel.shown_ids() == [second, first]
    store.star(second, False)  # elsewhere (another window, the CLI)
    panel.record_changed(second)
    qtbot.waitUntil(lambda: panel.shown_ids() == [first])
    store.delete(first)
    panel.record_changed(first)
    qtbot.waitUntil(lambda: panel.shown_ids() == [] and panel.day_titles() == [])


def test_starring_changes_the_row_not_the_list(qtbot: QtBot, store: HistoryStore) -> None:
    ids = [add(store, f"Note {n}", age_s=10 - n) for n in range(3)]
    panel = make_panel(qtbot, store)
    panel.select_record(ids[1])
    with qtbot.assertNotEmitted(panel.model.modelReset):
        panel.toggle_star()
    assert status_text(panel, ids[1]) == "★"
    assert not panel.loading  # nothing read again


def test_a_folded_day_stays_folded_when_reloaded(qtbot: QtBot, store: HistoryStore) -> None:
    today = add(store, "Today's")
    old = [add(store, f"Old {n}", age_s=3 * 24 * 3600 + n) for n in range(2)]
    panel = make_panel(qtbot, store)
    header = panel.model.index(panel.model.day_rows()[1], 0)
    panel.view.clicked.emit(header)  # a click on the header folds the day
    assert panel.model.rowCount() == 3  # two headers, one record
    assert not panel.index_for(old[0]).isValid()
    assert panel.shown_ids() == [today, *old]  # still loaded, only hidden
    panel.refresh()
    qtbot.waitUntil(lambda: not panel.loading)
    assert panel.model.rowCount() == 3
    panel.view.clicked.emit(panel.model.index(panel.model.day_rows()[1], 0))
    assert panel.model.rowCount() == 5 and panel.index_for(old[0]).isValid()


def test_a_jump_right_after_the_filters_change_shows_the_new_list(
    qtbot: QtBot, store: HistoryStore
) -> None:
    ids = [add(store, f"Note {n}", age_s=100 - n) for n in range(8)]
    for record_id in ids[:4]:
        store.star(record_id)
    panel = make_panel(qtbot, store, page_size=2)
    panel.starred_check.setChecked(True)  # its first page is on its way...
    assert panel.select_record(ids[0])  # ...and read at once for the jump
    assert panel.shown_ids() == ids[3::-1]
    assert panel.selected_ids() == [ids[0]] and not panel.has_more
    qtbot.waitUntil(lambda: not panel.loading)
    assert panel.shown_ids() == ids[3::-1]  # the page that arrived late changed nothing


def test_a_run_in_the_window_appears_at_the_top_of_the_open_history(
    qtbot: QtBot, openai_server: FakeOpenAIServer, no_keyring: Any
) -> None:
    settings = Settings()
    use_loopback(settings, openai_server.base_url)
    window = open_window(qtbot, settings)
    window.history_view.show(True)
    panel = window.history_panel
    assert panel is not None
    settled(qtbot, panel)
    assert panel.shown_ids() == []
    window.current_form().widget("topic").setText("Kingfishers")  # type: ignore[union-attr]
    with qtbot.assertNotEmitted(panel.model.modelReset):  # the row alone, not the list
        with qtbot.waitSignal(window.controller.sig_done, timeout=10_000) as blocker:
            window.generate()
        qtbot.waitUntil(lambda: panel.shown_ids() == [blocker.args[1].record_id])
    assert panel.day_titles() == ["Today"]
    window.close()
