"""History: the panel over 100 000 records: first page, a search, and scrolling through both.

The database is written once per run with ``executemany`` in one transaction (full-text index
included): records over two years, three modes, 1 % starred, answers of ~300 characters.

App: the real ``HistoryPanel`` (its model reads pages off the GUI thread), after one throwaway panel
(in the app the window has loaded Qt's styles and fonts before). ``history_first_page_ms``
is from building the panel to its first page being painted; ``history_search_ms`` from a search
being issued (Enter; the typing delay is not counted) to its first page being in the view. Both are
medians of rounds; the baseline printed beside them is the same SQL run directly with ``sqlite3``
(what reading the store alone costs). ``history_scroll_stall_max_ms``: a 5 ms GUI heartbeat while
the list is scrolled page after page (Page Down, and to the end so the next page loads) through
the whole list, then through the search results (max and p99); the baseline is the same heartbeat
while a thread reads the same pages from the store with no view (the machine's own noise, the
reads' cost and the interpreter's full garbage collections: 11 ms here for a process that has
imported the panel, ~50 ms while the machine is loaded, more with more rows loaded).
"""

from __future__ import annotations

import json
import random
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import (
    Figure,
    Heartbeat,
    median,
    qt_app,
    run_main,
    stall_max,
    stall_p99,
    wait_until,
)

SHOW_LIMIT_MS = 100.0
STALL_LIMIT_MS = 16.0
SEARCH_WORD = "harbour"
WORDS = (
    *("tide", "river", "stone", "lamp", "garden", "kettle", "window", "paper", "signal"),
    *("bridge", "meadow", "copper", "lantern", "orchard", "engine", "ribbon", "pocket"),
    *("thunder", "marble", "compass", "island", "velvet", "canyon", "harbour"),
)
MODES = {"article": "Article", "ad-copy": "Ad copy", "code-complete": "Complete code"}


def build_database(path: Path, count: int) -> None:
    """``count`` records over two years, written by executemany in one transaction."""
    from assistant.core.storage.history import HistoryStore

    HistoryStore(path).close()  # creates and migrates the schema
    rng = random.Random(7)
    now = time.time()
    span = 2 * 365 * 24 * 3600
    modes = list(MODES)
    statuses = ["complete"] * 16 + ["stopped", "failed", "interrupted", "cut_short"]
    rows: list[tuple[Any, ...]] = []
    for n in range(count):
        created = now - span * (count - n) / count
        words = rng.choices(WORDS, k=45)
        title = " ".join(words[:5]).capitalize()
        answer = " ".join(words) + "."
        rows.append(
            (
                uuid.uuid4().hex,
                created,
                created,
                modes[n % len(modes)],
                title,
                json.dumps({"topic": title}),
                json.dumps([answer]),
                statuses[n % len(statuses)],
                int(rng.random() < 0.01),
                title,
                answer,
            )
        )
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN")
    connection.executemany(
        "INSERT INTO records (uuid, created_at, updated_at, mode, title, fields, answers, status, "
        "starred, fields_text, answer_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    connection.execute("COMMIT")
    connection.close()


def raw_first_page(path: Path, search: str | None) -> float:
    """Seconds for the same first page straight from sqlite3 (no store, no Qt)."""
    from assistant.core.storage.history import HistoryQuery
    from assistant.core.storage.queries import summaries

    connection = sqlite3.connect(path)
    started = time.perf_counter()
    summaries(connection, HistoryQuery(search or ""), 201)
    seconds = time.perf_counter() - started
    connection.close()
    return seconds


def _settle(panel: Any) -> None:
    """Sleep in the event loop until the panel's reads have arrived (no busy polling, which
    would hold the GIL the reading thread needs)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    panel.model.sig_loaded.connect(loop.quit)
    guard = QTimer(singleShot=True, interval=120_000)
    guard.timeout.connect(loop.quit)
    guard.start()
    while panel.loading and guard.isActive():
        loop.exec()
    panel.model.sig_loaded.disconnect(loop.quit)


def _panel(path: Path) -> tuple[Any, Any, float]:
    """(panel, store, seconds from building it to its first page in the view)."""
    from assistant.core.storage.history import HistoryStore
    from assistant.ui.history_panel import HistoryPanel

    store = HistoryStore(path)
    started = time.perf_counter()
    panel = HistoryPanel(store, MODES)
    panel.resize(480, 700)
    panel.show()
    _settle(panel)
    panel.view.viewport().repaint()
    return panel, store, time.perf_counter() - started


def _warm_up() -> None:
    """One panel over an empty store first: in the app, Qt's styles and fonts are loaded by the
    window before the history is ever shown."""
    from assistant.core.storage.history import HistoryStore
    from assistant.ui.history_panel import HistoryPanel

    store = HistoryStore(":memory:")
    panel = HistoryPanel(store, MODES)
    panel.show()
    _settle(panel)
    panel.view.viewport().repaint()
    panel.close()
    panel.deleteLater()
    wait_until(lambda: True)
    store.close()


def _search(panel: Any, word: str) -> float:
    """Seconds from a search being issued to its first page in the view."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    panel.search_edit.setText(word)
    started = time.perf_counter()
    QTest.keyClick(panel.search_edit, Qt.Key.Key_Return)
    _settle(panel)
    panel.view.viewport().repaint()
    return time.perf_counter() - started


def _scroll_through(panel: Any, limit_pages: int) -> int:
    """Page Down through the list, loading pages as the end is reached; rows seen."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    view = panel.view
    view.setFocus()
    bar = view.verticalScrollBar()
    pages = 0
    while pages < limit_pages:
        for _ in range(3):
            QTest.keyClick(view, Qt.Key.Key_PageDown)
            wait_until(lambda: True)
        bar.setValue(bar.maximum())  # the end: the view asks for the next page
        _settle(panel)
        if not panel.has_more:
            break
        pages += 1
    return len(panel.shown_ids())


def _reads_only(path: Path, search: str, pages: int, beat: Heartbeat) -> None:
    """Baseline: the same pages read by a thread, no view; the heartbeat runs meanwhile."""
    from assistant.core.storage.history import HistoryQuery, HistoryStore

    store = HistoryStore(path)
    done = threading.Event()

    def read() -> None:
        for query in (HistoryQuery(), HistoryQuery(search)):
            after = None
            for _ in range(pages):
                page = store.summaries(query, 201, after=after)
                if len(page) < 201:
                    break
                after = page[199].order_key
        done.set()

    beat.start()
    thread = threading.Thread(target=read)
    thread.start()
    wait_until(done.is_set, timeout_s=600)
    thread.join()
    beat.stop()
    store.close()


def run(quick: bool = False) -> list[Figure]:
    qt_app()
    count = 2_000 if quick else 100_000
    rounds = 1 if quick else 5
    folder = Path(tempfile.mkdtemp(prefix="assistant-bench-history-"))
    path = folder / "history.sqlite3"
    started = time.perf_counter()
    build_database(path, count)
    print(f"# history database of {count} records built in {time.perf_counter() - started:.1f} s")

    _warm_up()
    first, search, raw_first, raw_search = [], [], [], []
    for _ in range(rounds):
        raw_first.append(raw_first_page(path, None))
        raw_search.append(raw_first_page(path, SEARCH_WORD))
        panel, store, seconds = _panel(path)
        first.append(seconds)
        search.append(_search(panel, SEARCH_WORD))
        panel.close()
        panel.deleteLater()
        wait_until(lambda: True)
        store.close()

    pages = count // 200 + 1
    panel, store, _ = _panel(path)
    beat = Heartbeat()
    beat.start()
    seen = _scroll_through(panel, pages)
    _search(panel, SEARCH_WORD)
    seen_found = _scroll_through(panel, pages)
    wait_until(lambda: len(beat.gaps) > 2)
    beat.stop()
    app_stalls = beat.stalls()
    panel.close()
    store.close()
    idle = Heartbeat()
    _reads_only(path, SEARCH_WORD, pages, idle)

    note = f"{count}_records,median_of_{rounds}"
    return [
        Figure(
            "history_first_page_ms",
            median(first) * 1000,
            median(raw_first) * 1000,
            "ms",
            1.0,
            limit=SHOW_LIMIT_MS,
            note=note + ",baseline=same_SQL_by_sqlite3",
        ),
        Figure(
            "history_search_ms",
            median(search) * 1000,
            median(raw_search) * 1000,
            "ms",
            1.0,
            limit=SHOW_LIMIT_MS,
            note=f"{note},word={SEARCH_WORD},baseline=same_SQL_by_sqlite3",
        ),
        stall_max(
            "history_scroll_stall_max_ms",
            app_stalls,
            idle.stalls(),
            STALL_LIMIT_MS,
            f"scrolled_{seen}_rows_then_{seen_found}_found,baseline=same_reads_no_view",
        ),
        stall_p99(
            "history_scroll_stall_p99_ms",
            app_stalls,
            idle.stalls(),
            STALL_LIMIT_MS,
            "baseline=same_reads_no_view",
        ),
    ]


if __name__ == "__main__":
    raise SystemExit(run_main(run))
