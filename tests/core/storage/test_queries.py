"""Pages of list rows (summaries): keyset paging, search, mode and starred-only in SQL."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.core.storage.history import HistoryQuery, HistoryStore
from assistant.core.storage.records import PREVIEW_CHARS
from assistant.core.work.runs import RunStatus


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    history = HistoryStore(tmp_path / "h.sqlite3")
    yield history
    history.close()


def add(store: HistoryStore, title: str, answer: str = "", mode: str = "article") -> int:
    record_id = store.start(mode, {"topic": title}, [], "Loopback", "", "m", {}, title=title)
    store.finish(record_id, RunStatus.COMPLETE, answers=[answer, "second variant"])
    return record_id


def test_pages_follow_each_other_newest_first(store: HistoryStore) -> None:
    ids = [add(store, f"Note {n}") for n in range(7)]
    first = store.summaries(HistoryQuery(), 3)
    assert [s.id for s in first] == ids[:-4:-1]
    second = store.summaries(HistoryQuery(), 3, after=first[-1].order_key)
    third = store.summaries(HistoryQuery(), 3, after=second[-1].order_key)
    assert [s.id for s in first + second + third] == ids[::-1]
    assert store.summaries(HistoryQuery(), None, through=second[0].order_key) == [*first, second[0]]


def test_order_is_by_creation_time_then_id(store: HistoryStore) -> None:
    older, newer = add(store, "Older"), add(store, "Newer")
    with store.database.connection() as connection:  # the first one created later
        connection.execute("UPDATE records SET created_at = ? WHERE id = ?", (time.time(), older))
    assert [s.id for s in store.summaries(HistoryQuery(), None)] == [older, newer]


def test_search_starred_and_mode_are_applied_together(store: HistoryStore) -> None:
    soup = add(store, "Soup", "tomato soup")
    salad = add(store, "Salad", "tomato salad")
    code = add(store, "Code", "tomato = 1", mode="code")
    store.star(soup)
    store.star(code)
    assert [s.id for s in store.summaries(HistoryQuery("tomato"), None)] == [code, salad, soup]
    starred = HistoryQuery("tomato", starred_only=True)
    assert [s.id for s in store.summaries(starred, None)] == [code, soup]
    only_article = HistoryQuery("tomato", mode="article", starred_only=True)
    assert [s.id for s in store.summaries(only_article, 1)] == [soup]
    assert store.summaries(HistoryQuery("?!"), None) == []  # no word to look for


def test_a_summary_carries_the_start_of_the_first_answer(store: HistoryStore) -> None:
    long_answer = "é" * (PREVIEW_CHARS + 50)
    record_id = add(store, "Long", long_answer)
    summary = store.summary(record_id)
    assert summary is not None
    assert summary.preview == long_answer[: PREVIEW_CHARS + 1]
    assert (summary.title, summary.mode, summary.status) == ("Long", "article", "complete")
    assert not summary.starred and summary.error is None
    assert summary.created_at.timestamp() == pytest.approx(summary.created_ts)


def test_one_summary_only_when_it_matches(store: HistoryStore) -> None:
    record_id = add(store, "Plain", "bread")
    assert store.summary(record_id, HistoryQuery(starred_only=True)) is None
    assert store.summary(record_id, HistoryQuery("bread")) is not None
    assert store.summary(record_id, HistoryQuery("butter")) is None
    store.delete(record_id)
    assert store.summary(record_id) is None
