"""The history from the keyboard: Ctrl+H puts the cursor in the search box; Down goes on to
the list, Enter opens the record there."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assistant.core.storage.history import HistoryStore
from tests.ui.test_history_panel import add, make_panel, store  # noqa: F401 (the fixture)


def test_down_in_the_search_box_goes_to_the_results_and_enter_opens_one(
    qtbot: QtBot,
    store: HistoryStore,  # noqa: F811
) -> None:
    add(store, "Otters", age_s=60)
    bees = add(store, "Bees")
    panel = make_panel(qtbot, store)
    panel.focus_search()
    qtbot.keyClicks(panel.search_edit, "bees")
    qtbot.waitUntil(lambda: panel.shown_ids() == [bees])
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Down)
    assert panel.view.hasFocus()
    assert panel.current_id() == bees
    with qtbot.waitSignal(panel.sig_open, timeout=2000) as opened:
        qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    assert opened.args == [bees]
