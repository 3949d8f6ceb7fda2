"""Drafts: the input of each mode, kept exactly, in the history database."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.core.storage.drafts import DraftStore
from assistant.core.storage.history import DB_FILENAME, HistoryStore

TRICKY = (
    "Ünïcode ✓ 👩\u200d💻\n\tindented {braces} {{double}} $dollar %percent\r\n"
    'CRLF \\ "quotes" \x00nul'
)


@pytest.fixture
def history(tmp_path: Path) -> Iterator[HistoryStore]:
    store = HistoryStore(tmp_path / DB_FILENAME)
    yield store
    store.close()


def test_save_and_load_exactly(history: HistoryStore) -> None:
    drafts = DraftStore(history)
    assert drafts.load("article") is None
    fields = {"topic": TRICKY, "length": 800, "formal": True, "tags": ["a", "b"]}
    drafts.save("article", fields)
    assert drafts.load("article") == fields


def test_save_replaces_the_previous_draft(history: HistoryStore) -> None:
    drafts = DraftStore(history)
    drafts.save("code", {"code": "print(1)", "language": "python"})
    drafts.save("code", {"code": "print(2)"})
    assert drafts.load("code") == {"code": "print(2)"}
    assert drafts.load_all() == {"code": {"code": "print(2)"}}


def test_load_all_and_clear(history: HistoryStore) -> None:
    drafts = DraftStore(history)
    drafts.save("code", {"code": "x"})
    drafts.save("article", {"topic": "y"})
    assert drafts.load_all() == {"article": {"topic": "y"}, "code": {"code": "x"}}
    drafts.clear("code")
    assert drafts.load_all() == {"article": {"topic": "y"}}


def test_drafts_survive_reopening(tmp_path: Path) -> None:
    first = HistoryStore(tmp_path / DB_FILENAME)
    DraftStore(first).save("article", {"text": TRICKY})
    first.close()
    second = HistoryStore(tmp_path / DB_FILENAME)
    assert DraftStore(second).load("article") == {"text": TRICKY}
    second.close()


def test_a_worker_thread_can_save_while_the_gui_thread_loads(history: HistoryStore) -> None:
    drafts = DraftStore(history)
    thread = threading.Thread(target=lambda: drafts.save("code", {"code": "from a thread"}))
    thread.start()
    thread.join(10)
    assert drafts.load("code") == {"code": "from a thread"}


def test_drafts_work_in_the_memory_fallback(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    store = HistoryStore.open(blocker / DB_FILENAME)
    assert store.in_memory
    drafts = DraftStore(store)
    drafts.save("article", {"topic": "kept while the app runs"})
    assert drafts.load("article") == {"topic": "kept while the app runs"}
    store.close()
