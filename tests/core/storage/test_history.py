"""History store: real SQLite files (WAL), real threads and real processes."""

from __future__ import annotations

import gc
import json
import os
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant.core.storage.drafts import DraftStore
from assistant.core.storage.history import (
    DB_FILENAME,
    SCHEMA_VERSION,
    HistoryError,
    HistoryStore,
    Record,
    RecordUsage,
    Timings,
    default_path,
    migrate,
)
from assistant.core.work.generation import Recorder
from assistant.core.work.runs import RunStatus

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / DB_FILENAME


@pytest.fixture
def store(db_path: Path) -> Iterator[HistoryStore]:
    history = HistoryStore(db_path)
    yield history
    history.close()


def start(store: HistoryStore, mode: str = "article", **fields: str) -> int:
    return store.start(
        mode=mode,
        fields=fields or {"topic": "Tides"},
        messages=[{"role": "user", "content": "Write about tides"}],
        provider="Built-in",
        base_url="http://127.0.0.1:9/v1",
        model="smollm2",
        params={"temperature": 0.2, "n": 1},
    )


def python_child(script: str, *args: str, stdin: int | None = None) -> subprocess.Popen[str]:
    """A Python child running ``script`` that imports this checkout's package."""
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        cwd=REPO,
        env=os.environ | {"PYTHONPATH": str(REPO)},
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def get(store: HistoryStore, record_id: int) -> Record:
    record = store.get(record_id)
    assert record is not None
    return record


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


# --- file, schema, lifecycle --------------------------------------------------------------------


def test_default_path_is_in_the_app_data_dir(app_home: Path) -> None:
    history = HistoryStore()
    try:
        assert history.path == default_path() == app_home / "data" / DB_FILENAME
        assert history.path.exists()
    finally:
        history.close()


def test_new_database_uses_wal_and_the_current_schema(store: HistoryStore, db_path: Path) -> None:
    start(store)
    connection = raw(db_path)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    with store.database.connection() as own:
        assert own.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert own.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    connection.close()


def test_record_lifecycle(store: HistoryStore) -> None:
    record_id = start(store, topic="Tides and\nthe moon", tone="calm")
    record = store.get(record_id)
    assert record is not None
    assert record.status == RunStatus.STREAMING
    assert record.title == "Tides and"
    assert record.fields == {"topic": "Tides and\nthe moon", "tone": "calm"}
    assert record.messages == [{"role": "user", "content": "Write about tides"}]
    assert (record.provider, record.base_url, record.model) == (
        "Built-in",
        "http://127.0.0.1:9/v1",
        "smollm2",
    )
    assert record.params == {"temperature": 0.2, "n": 1}
    assert record.answers == [] and record.answer == ""
    assert len(record.uuid) == 32

    store.update_answer(record_id, ["The tide "])
    store.append(record_id, 0, "rises.")
    store.append(record_id, 2, "third variant")
    assert get(store, record_id).answers == ["The tide rises.", "", "third variant"]

    store.finish(
        record_id,
        RunStatus.COMPLETE,
        usage={"prompt_tokens": 12, "completion_tokens": 30, "total_tokens": 42},
        timings={"first_token_ms": 250.4, "total_ms": 1999.6},
        answers=["The tide rises.", "Second", "Third"],
    )
    done = store.get(record_id)
    assert done is not None
    assert done.status == RunStatus.COMPLETE and done.error is None
    assert done.answers == ["The tide rises.", "Second", "Third"]
    assert done.answer == "The tide rises."
    assert done.usage == RecordUsage(12, 30, 42)
    assert done.timings == Timings(250, 2000)
    assert done.updated_at >= done.created_at


def test_failed_and_stopped_keep_error_and_partial_answer(store: HistoryStore) -> None:
    failed = start(store)
    store.update_answer(failed, ["partial"])
    store.finish(
        failed, RunStatus.FAILED, error="Connection refused", usage=RecordUsage(total_tokens=3)
    )
    record = store.get(failed)
    assert record is not None
    assert (record.status, record.error, record.answer) == (
        RunStatus.FAILED,
        "Connection refused",
        "partial",
    )
    assert record.usage.total_tokens == 3
    stopped = start(store)
    store.finish(stopped, RunStatus.STOPPED, timings=Timings(None, 10))
    assert get(store, stopped).timings == Timings(None, 10)


def test_finish_needs_a_final_status(store: HistoryStore) -> None:
    record_id = start(store)
    with pytest.raises(ValueError):
        store.finish(record_id, RunStatus.STREAMING)
    with pytest.raises(ValueError):
        store.finish(record_id, "done")


def test_get_unknown_id_is_none(store: HistoryStore) -> None:
    assert store.get(12345) is None
    store.append(12345, 0, "nothing to append to")  # no error, no row
    assert store.count() == 0


def test_default_title_without_text_fields_is_the_mode(store: HistoryStore) -> None:
    record_id = store.start("explain", {"code": "   ", "lines": 3}, [], "p", "", "m", {})
    assert get(store, record_id).title == "explain"
    titled = store.start("explain", {"language": "python"}, [], "p", "", "m", {}, title=" Mine ")
    assert get(store, titled).title == "Mine"
    long_id = start(store, topic="x" * 200)
    title = get(store, long_id).title
    assert len(title) == 80 and title.endswith("…")


def test_closed_store_raises_history_error(db_path: Path) -> None:
    history = HistoryStore(db_path)
    history.close()
    with pytest.raises(HistoryError):
        history.list_records()


# --- concurrency inside one process -------------------------------------------------------------


def test_worker_thread_writes_while_reader_sees_progress(
    store: HistoryStore, db_path: Path
) -> None:
    """A worker thread writes on its own connection; another connection reads the answer so far."""
    record_id = start(store)
    reader = HistoryStore(db_path)
    step_written = threading.Event()
    step_read = threading.Event()
    worker_connections: list[object] = []

    def worker() -> None:
        with store.database.connection() as connection:
            worker_connections.append(connection)
        for chunk in ("one ", "two ", "three"):
            store.append(record_id, 0, chunk)
            step_written.set()
            assert step_read.wait(10)
            step_read.clear()

    thread = threading.Thread(target=worker)
    thread.start()
    seen = []
    for _ in range(3):
        assert step_written.wait(10)
        step_written.clear()
        seen.append(get(reader, record_id).answer)
        step_read.set()
    thread.join(10)
    with store.database.connection() as main_connection:
        assert worker_connections and worker_connections[0] is not main_connection
    assert seen == ["one ", "one two ", "one two three"]
    reader.close()


def test_readers_are_not_blocked_by_an_open_write_transaction(
    store: HistoryStore, db_path: Path
) -> None:
    record_id = start(store)
    store.update_answer(record_id, ["committed"])
    writer = raw(db_path)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE records SET answers = '[\"uncommitted\"]' WHERE id = ?", (record_id,))
    reader = HistoryStore(db_path, timeout=0.1)
    assert get(reader, record_id).answer == "committed"
    writer.execute("COMMIT")
    assert get(reader, record_id).answer == "uncommitted"
    writer.close()
    reader.close()


def test_a_thread_connection_closes_when_the_thread_ends(store: HistoryStore) -> None:
    start(store)
    assert store.database.connection_count == 1
    for _ in range(3):  # one short-lived worker per generation
        thread = threading.Thread(target=lambda: start(store))
        thread.start()
        thread.join(10)
    gc.collect()
    assert store.database.connection_count == 1
    assert store.count() == 4


def test_errors_while_in_use_are_history_errors(db_path: Path) -> None:
    history = HistoryStore(db_path, timeout=0.05)
    record_id = start(history)
    holder = raw(db_path)
    holder.execute("BEGIN IMMEDIATE")  # another program keeps a write transaction open
    try:
        assert get(history, record_id).status == RunStatus.STREAMING  # reading still works
        with pytest.raises(HistoryError, match="locked"):
            history.update_answer(record_id, ["lost?"])
        with pytest.raises(HistoryError, match="locked"):
            history.append(record_id, 0, "lost?")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    history.append(record_id, 0, "kept")  # works again once the other program lets go
    assert get(history, record_id).answer == "kept"
    history.close()


def test_a_full_disk_while_in_use_is_a_history_error(store: HistoryStore) -> None:
    record_id = start(store)
    store.update_answer(record_id, ["saved before the disk filled up"])
    with store.database.connection() as connection:  # this thread's connection: no page to spare
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(HistoryError, match="disk is full"):
        store.update_answer(record_id, ["x" * 200_000])
    assert get(store, record_id).answer == "saved before the disk filled up"


def test_the_store_is_what_a_generation_run_records_to(store: HistoryStore) -> None:
    recorder: Recorder = store  # the runner's protocol (checked by mypy)
    record_id = recorder.start("code", {"code": "x"}, [], "Built-in", "", "m", {"n": 1})
    recorder.update_answer(record_id, ["a", "b"])
    recorder.finish(
        record_id,
        "stopped",
        {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3},
        None,
        {"first_token_ms": 12.5, "total_ms": None},
    )
    record = get(store, record_id)
    assert (record.status, record.answers, record.timings) == (
        RunStatus.STOPPED,
        ["a", "b"],
        Timings(12),
    )


def test_memory_store_is_shared_by_threads() -> None:
    history = HistoryStore(":memory:")
    assert history.in_memory and history.path is None
    record_id = start(history)
    thread = threading.Thread(target=lambda: history.append(record_id, 0, "from a worker"))
    thread.start()
    thread.join(10)
    assert get(history, record_id).answer == "from a worker"
    history.close()


# --- listing, search, editing -------------------------------------------------------------------


def test_list_is_newest_first_with_filters_and_paging(store: HistoryStore) -> None:
    ids = [start(store, mode="article" if i % 2 else "code", topic=f"n{i}") for i in range(6)]
    assert [r.id for r in store.list_records()] == ids[::-1]
    assert [r.id for r in store.list_records(limit=2, offset=1)] == ids[4:2:-1]
    assert [r.id for r in store.list_records(mode="code")] == [ids[4], ids[2], ids[0]]
    store.star(ids[1])
    store.star(ids[3])
    store.star(ids[3], False)
    assert [r.id for r in store.list_records(starred=True)] == [ids[1]]
    assert get(store, ids[1]).starred
    assert len(store.list_records(starred=False)) == 5
    assert store.count() == 6 and store.count(mode="article") == 3


def test_search_finds_words_in_answers_fields_and_titles(store: HistoryStore) -> None:
    in_answer = start(store, topic="Ocean")
    store.update_answer(in_answer, ["Lighthouses guide the ships home."])
    in_field = start(store, mode="code", code="def calculate_orbit(mass): ...")
    renamed = start(store, topic="Plain")
    store.rename(renamed, "  Notes about Zeppelins  ")
    assert get(store, renamed).title == "Notes about Zeppelins"

    assert [r.id for r in store.search("lighthouses")] == [in_answer]
    assert [r.id for r in store.search("SHIPS guide")] == [in_answer]  # all words, any order
    assert [r.id for r in store.search("calculate_orbit")] == [in_field]
    assert [r.id for r in store.search("orbit", mode="code")] == [in_field]
    assert store.search("orbit", mode="article") == []
    assert [r.id for r in store.search("zeppelin")] == [renamed]  # last word is a prefix
    assert [r.id for r in store.search("Zéppelins")] == [renamed]  # diacritics folded
    assert store.search("guide ocean lighthouse zzz") == []
    assert [r.id for r in store.search("   ")] == [renamed, in_field, in_answer]


def test_chinese_is_found_by_any_part_of_it(store: HistoryStore, db_path: Path) -> None:
    answer = start(store, topic="灯塔")
    store.update_answer(answer, ["守夜人每晚修剪灯芯，让船只平安回家。Keepers trimmed wicks."])
    other = start(store, topic="中文搜索测试")
    assert [r.id for r in store.search("修剪灯芯")] == [answer]  # inside a run without spaces
    assert [r.id for r in store.search("船只")] == [answer]  # two characters: LIKE
    assert [r.id for r in store.search("灯")] == [answer]  # one character
    assert [r.id for r in store.search("搜索")] == [other]  # in a field
    assert [r.id for r in store.search("灯芯 keepers")] == [answer]  # mixed with a word
    assert store.search("灯芯 ships") == []  # every word must be there
    assert store.search("100%_") == []  # LIKE's wildcards are literal
    store.update_answer(answer, ["改写之后的答案"])
    assert store.search("修剪灯芯") == []  # follows updates
    assert [r.id for r in store.search("改写之后")] == [answer]
    store.delete(answer)
    store.purge_deleted()
    assert store.search("改写之后") == []
    connection = raw(db_path)
    connection.execute("INSERT INTO records_trigram (records_trigram) VALUES ('integrity-check')")
    connection.close()


def test_search_follows_answer_updates(store: HistoryStore, db_path: Path) -> None:
    record_id = start(store)
    store.update_answer(record_id, ["draft wording"])
    store.finish(record_id, RunStatus.COMPLETE, answers=["final phrasing"])
    assert store.search("wording") == []
    assert [r.id for r in store.search("phrasing")] == [record_id]
    store.delete(record_id)
    store.purge_deleted()
    assert store.search("phrasing") == []
    connection = raw(db_path)
    connection.execute("INSERT INTO records_fts (records_fts) VALUES ('integrity-check')")
    connection.close()


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        "'",
        "AND",
        "OR NOT",
        "tide AND",
        "NEAR(tide moon)",
        "*",
        "tide*",
        "^tide",
        "-tide",
        "title:tide",
        "{title fields_text}: tide",
        'say "hello',
        "(tide",
        "tide)",
        "a'b\"c",
        "%_\\",
        "\x00",
    ],
)
def test_search_with_special_characters_never_raises(store: HistoryStore, query: str) -> None:
    record_id = start(store, topic="The tide and the moon: NEAR the shore")
    store.update_answer(record_id, ['He said "hello" -- and OR left'])
    results = store.search(query)
    assert all(r.id == record_id for r in results)


def test_search_treats_operators_and_quotes_as_words(store: HistoryStore) -> None:
    record_id = start(store, topic="The tide AND the moon, title:tide")
    store.update_answer(record_id, ['He said "hello" and left'])
    start(store, topic="unrelated tide")
    assert [r.id for r in store.search("AND")] == [record_id]
    assert [r.id for r in store.search('said "hello')] == [record_id]
    assert [r.id for r in store.search("title:tide")] == [record_id]
    assert [r.id for r in store.search("-tide")] == [2, 1]  # no negation: just the word
    assert [r.id for r in store.search("NEAR(tide moon)")] == []  # "near" is not in the record


def test_soft_delete_undo_and_purge(store: HistoryStore) -> None:
    keep = start(store, topic="keep me")
    gone = start(store, topic="remove me")
    store.delete(gone)
    assert [r.id for r in store.list_records()] == [keep]
    assert store.search("remove") == []
    deleted = store.get(gone)
    assert deleted is not None and deleted.deleted and deleted.deleted_at is not None
    store.undelete(gone)
    assert [r.id for r in store.list_records()] == [gone, keep]
    assert [r.id for r in store.search("remove")] == [gone]
    store.delete(gone)
    assert store.purge_deleted(older_than_s=3600) == 0  # deleted just now
    assert store.purge_deleted() == 1
    assert store.get(gone) is None and store.get(keep) is not None


# --- recovery after a killed process ------------------------------------------------------------

WRITER_THEN_SLEEP = """
    import sys, time
    from pathlib import Path
    from assistant.core.storage.drafts import DraftStore
    from assistant.core.storage.history import HistoryStore
    store = HistoryStore(Path(sys.argv[1]))
    DraftStore(store).save("article", {"topic": "Kept draft ✓", "text": "line 1\\nline 2 {x} $y"})
    record_id = store.start("article", {"topic": "Kept"}, [], "Built-in", "", "m", {})
    store.update_answer(record_id, ["partial answer ✓"])
    print(record_id, flush=True)
    time.sleep(120)
"""


def test_killed_process_leaves_an_interrupted_record_and_its_draft(
    store: HistoryStore, db_path: Path
) -> None:
    own = start(store)
    child = python_child(WRITER_THEN_SLEEP, str(db_path))
    try:
        assert child.stdout is not None
        record_id = int(child.stdout.readline())
        assert store.mark_interrupted() == []  # the writer is alive: leave it alone
        assert get(store, record_id).status == RunStatus.STREAMING
    finally:
        child.kill()  # SIGKILL on POSIX
        child.communicate(timeout=30)

    restarted = HistoryStore(db_path)
    assert restarted.mark_interrupted() == [record_id]
    assert restarted.mark_interrupted() == []
    record = restarted.get(record_id)
    assert record is not None
    assert (record.status, record.answer) == (RunStatus.INTERRUPTED, "partial answer ✓")
    assert get(store, own).status == RunStatus.STREAMING  # ours is alive
    assert DraftStore(restarted).load("article") == {
        "topic": "Kept draft ✓",
        "text": "line 1\nline 2 {x} $y",
    }
    restarted.close()


def test_a_record_left_by_an_earlier_process_with_our_pid_is_interrupted(
    store: HistoryStore,
) -> None:
    record_id = start(store)
    with store.database.connection() as connection:  # as if written by a dead process, same pid
        connection.execute(
            "UPDATE records SET owner = ? WHERE id = ?",
            (f"{socket.gethostname()}:{os.getpid()}:an-earlier-process", record_id),
        )
    assert store.mark_interrupted() == [record_id]


# --- migrations ---------------------------------------------------------------------------------

# Data a database of each earlier version may hold (v0: an empty file). When adding migration
# v(N+1), add a seed for vN and a check in test_migrates_from_every_earlier_version.


def _seed_v1(connection: sqlite3.Connection) -> None:
    """A v1 record with an answer (it becomes a thread: turn 0, version 1)."""
    connection.execute(
        "INSERT INTO records (uuid, created_at, updated_at, mode, title, fields, messages, "
        "answers, status, fields_text, answer_text) VALUES (?, 1, 1, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            "u1",
            "article",
            "Seeded",
            json.dumps({"topic": "Seeded tides"}),
            json.dumps([{"role": "user", "content": "Write {x} \\ 🌊"}], ensure_ascii=False),
            json.dumps(["A seeded answer"]),
            "complete",
            "Seeded tides",
            "A seeded answer",
        ),
    )


def _seed_v2(connection: sqlite3.Connection) -> None:
    """A v2 record in Chinese (v3 indexes it by trigrams)."""
    _seed_v1(connection)
    connection.execute(
        "INSERT INTO records (uuid, created_at, updated_at, mode, title, fields, answers, status, "
        "fields_text, answer_text) VALUES ('u2', 2, 2, 'article', '灯塔', ?, ?, 'complete', ?, ?)",
        (
            json.dumps({"topic": "灯塔看守人"}, ensure_ascii=False),
            json.dumps(["守夜人每晚修剪灯芯。"], ensure_ascii=False),
            "灯塔看守人",
            "守夜人每晚修剪灯芯。",
        ),
    )


def _seed_v3(connection: sqlite3.Connection) -> None:
    """v3 records with token counts and no cost (v4 adds cached tokens and the cost)."""
    _seed_v2(connection)
    connection.execute(
        "UPDATE records SET prompt_tokens = 10, completion_tokens = 5, total_tokens = 15"
    )


def _seed_v4(connection: sqlite3.Connection) -> None:
    """A v4 record of two variants (v5 adds a comparison's columns and the kept variant)."""
    _seed_v3(connection)
    connection.execute(
        "INSERT INTO records (uuid, created_at, updated_at, mode, answers, status) "
        "VALUES ('u4', 4, 4, 'ad-copy', ?, 'complete')",
        (json.dumps(["A", "B"]),),
    )


SEEDS: dict[int, Callable[[sqlite3.Connection], None]] = {
    0: lambda connection: None,
    1: _seed_v1,
    2: _seed_v2,
    3: _seed_v3,
    4: _seed_v4,
}


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
def test_migrates_from_every_earlier_version(db_path: Path, version: int) -> None:
    db_path.parent.mkdir(parents=True)
    connection = raw(db_path)
    migrate(connection, target=version)
    SEEDS[version](connection)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == version
    connection.close()

    history = HistoryStore(db_path)
    check = raw(db_path)
    assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    check.close()
    if version >= 1:  # a v1 record is a thread of one turn and one version
        from assistant.core.storage.threads import ThreadStore

        thread = ThreadStore(history).thread(1)
        assert thread is not None and thread.current == 1
        assert [v.text for v in thread.versions] == ["A seeded answer"]
        assert thread.turns[0].sent == "Write {x} \\ 🌊"
        assert thread.messages_for() == [
            {"role": "user", "content": "Write {x} \\ 🌊"},
            {"role": "assistant", "content": "A seeded answer"},
        ]
    if version >= 2:  # Chinese written before v3 is found by any part of it
        assert [r.id for r in history.search("修剪灯芯")] == [2]
        assert [r.id for r in history.search("看守")] == [2]
    if version >= 3:  # a run from before costs were recorded: its cost is unknown, not 0
        seeded = history.get(1)
        assert seeded is not None
        assert seeded.usage == RecordUsage(10, 5, 15, None, None, "")
    if version >= 4:  # variants stay; nothing is kept and the record is no comparison
        variants = history.get(3)
        assert variants is not None
        assert (variants.answers, variants.kept, variants.columns) == (["A", "B"], None, [])
        assert variants.answer == "A"
    record_id = start(history, topic="after migration")
    assert [r.id for r in history.search("migration")] == [record_id]
    history.finish(
        record_id,
        RunStatus.COMPLETE,
        {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5, "cached_tokens": 1}
        | {"cost": 0.25, "currency": "CNY"},
    )
    finished = history.get(record_id)
    assert finished is not None and finished.usage == RecordUsage(3, 2, 5, 1, 0.25, "CNY")
    DraftStore(history).save("code", {"code": "x"})
    assert DraftStore(history).load("code") == {"code": "x"}
    history.close()


def test_every_version_has_a_seed() -> None:
    assert set(SEEDS) == set(range(SCHEMA_VERSION))


def test_migrating_twice_changes_nothing(db_path: Path) -> None:
    HistoryStore(db_path).close()
    connection = raw(db_path)
    assert migrate(connection) == SCHEMA_VERSION
    connection.close()


def test_a_newer_schema_is_left_untouched(db_path: Path) -> None:
    HistoryStore(db_path).close()
    connection = raw(db_path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    before = db_path.read_bytes()
    history = HistoryStore.open(db_path)
    assert history.in_memory
    assert history.problem is not None and "newer version" in history.problem
    assert str(db_path) in history.problem
    history.close()
    assert db_path.read_bytes() == before


# --- robustness: corrupt, unwritable, locked, two processes -------------------------------------


def test_corrupt_file_is_moved_aside_and_a_fresh_store_works(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    garbage = b"this is not a database \x00\xff" * 400
    db_path.write_bytes(garbage)
    history = HistoryStore.open(db_path)
    assert not history.in_memory and history.path == db_path
    moved = history.moved_aside
    assert moved is not None and moved.name.startswith(f"{DB_FILENAME}.corrupt-")
    assert moved.read_bytes() == garbage
    assert history.problem is not None and str(moved) in history.problem
    record_id = start(history, topic="fresh start")
    assert get(history, record_id).title == "fresh start"
    history.close()


def test_corrupt_file_raises_when_opened_directly(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"\x01" * 4096)
    with pytest.raises(sqlite3.DatabaseError):
        HistoryStore(db_path)
    assert db_path.read_bytes() == b"\x01" * 4096


def test_unwritable_location_falls_back_to_memory(tmp_path: Path) -> None:
    """A path below a regular file cannot be created, whatever our privileges are."""
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be")
    history = HistoryStore.open(blocker / DB_FILENAME)
    assert history.in_memory and history.path is None
    assert history.problem is not None
    assert history.problem.startswith("History is kept in memory only: ")
    assert f"check permissions of {blocker}" in history.problem
    record_id = start(history, topic="still recorded")
    store_draft = DraftStore(history)
    store_draft.save("article", {"topic": "typed"})
    assert get(history, record_id).title == "still recorded"
    assert [r.id for r in history.search("recorded")] == [record_id]
    assert store_draft.load("article") == {"topic": "typed"}
    history.close()


def test_read_only_folder_falls_back_to_memory(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running with privileges that ignore folder permissions (root)")
        history = HistoryStore.open(folder / DB_FILENAME)
        assert history.in_memory
        assert history.problem is not None and str(folder) in history.problem
        history.close()
    finally:
        folder.chmod(0o700)


def test_locked_database_falls_back_to_memory(db_path: Path) -> None:
    HistoryStore(db_path).close()
    holder = raw(db_path)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("COMMIT")  # the exclusive lock stays held in this locking mode
    try:
        history = HistoryStore.open(db_path, timeout=0.05)
        assert history.in_memory
        assert history.problem is not None and "locked" in history.problem
        history.close()
    finally:
        holder.close()
    reopened = HistoryStore.open(db_path)
    assert not reopened.in_memory and reopened.problem is None
    reopened.close()


CONCURRENT_WRITER = """
    import sys
    from pathlib import Path
    from assistant.core.storage.history import HistoryStore
    store = HistoryStore(Path(sys.argv[1]), timeout=30)
    name, count = sys.argv[2], int(sys.argv[3])
    print("ready", flush=True)
    sys.stdin.readline()
    for i in range(count):
        record_id = store.start("code", {"code": f"{name} {i}"}, [], "p", "", "m", {})
        for chunk in range(3):
            store.append(record_id, 0, f"{name}-{i}-{chunk} ")
        store.finish(record_id, "complete", usage={"total_tokens": i})
    store.close()
"""


def test_two_processes_writing_at_once_keep_every_row(store: HistoryStore, db_path: Path) -> None:
    count = 200  # enough for the two writers to interleave (measured: 5-60 switches at 300)
    writers = [
        python_child(CONCURRENT_WRITER, str(db_path), name, str(count), stdin=subprocess.PIPE)
        for name in ("alpha", "beta")
    ]
    for writer in writers:  # both are connected before either starts writing
        assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
    for writer in writers:
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    for writer in writers:
        _, errors = writer.communicate(timeout=60)
        assert writer.returncode == 0, errors

    assert store.count() == 2 * count
    for name in ("alpha", "beta"):
        records = store.search(name, limit=10 * count)
        assert len(records) == count
        assert all(r.status == RunStatus.COMPLETE for r in records)
        assert {r.answer for r in records} == {
            f"{name}-{i}-0 {name}-{i}-1 {name}-{i}-2 " for i in range(count)
        }
    connection = raw(db_path)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.execute("INSERT INTO records_fts (records_fts) VALUES ('integrity-check')")
    connection.close()
