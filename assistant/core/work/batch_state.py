"""The durable state of batch jobs: one SQLite file beside the history (``batch.sqlite3``).

A job is keyed by its output file. Each row is ``pending`` (not sent, or in flight when the
process died), ``sent`` (in flight now), ``done`` or ``failed`` (its line is in the output file,
between ``out_start`` and ``out_end``). A row is marked done only after its line was written, so a
crash between the two leaves a line the state does not know: :meth:`JobState.recover` cuts the
output back to the end of the last line the state knows and sends that row again; rows that were
in flight are sent again, nothing else. Its own file, so it never touches the history's schema.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from assistant.core.base.paths import app_paths

DB_FILENAME: Final = "batch.sqlite3"
PENDING: Final = "pending"
SENT: Final = "sent"
DONE: Final = "done"
FAILED: Final = "failed"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY,
    output TEXT NOT NULL UNIQUE,
    signature TEXT NOT NULL,
    created REAL NOT NULL,
    header_end INTEGER NOT NULL DEFAULT 0,
    batch_id TEXT,
    info TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS rows (
    job INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    status TEXT NOT NULL,
    answer TEXT NOT NULL DEFAULT '',
    tokens INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    sends INTEGER NOT NULL DEFAULT 0,
    out_start INTEGER,
    out_end INTEGER,
    PRIMARY KEY (job, number)
);
"""


@dataclass(frozen=True)
class RowState:
    """What the state knows of one row."""

    number: int
    status: str
    answer: str = ""
    tokens: int = 0
    error: str = ""
    sends: int = 0


def default_path() -> Path:
    """The batch state file in the app's data folder."""
    return app_paths().data / DB_FILENAME


class BatchStore:
    """The state file; thread-safe (one connection under a lock: writes are short)."""

    def __init__(self, path: Path | None = None) -> None:
        target = path or default_path()
        if str(target) != ":memory:":
            target.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()  # reentrant: statements inside transaction()
        self._db = sqlite3.connect(str(target), isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA busy_timeout = 5000")
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def job(self, output: Path) -> JobState | None:
        """The job writing ``output``, if there is one."""
        key = str(output.resolve())
        with self._lock:
            found = self._db.execute("SELECT id FROM jobs WHERE output = ?", (key,)).fetchone()
        return None if found is None else JobState(self, int(found[0]))

    def create_job(
        self, output: Path, signature: str, numbers: Iterable[int], info: dict[str, Any]
    ) -> JobState:
        """A new job for ``output`` (an old one for the same file is replaced), rows pending."""
        key = str(output.resolve())
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("DELETE FROM jobs WHERE output = ?", (key,))
                cursor = self._db.execute(
                    "INSERT INTO jobs (output, signature, created, info) VALUES (?, ?, ?, ?)",
                    (key, signature, time.time(), json.dumps(info)),
                )
                job_id = int(cursor.lastrowid or 0)
                self._db.executemany(
                    "INSERT INTO rows (job, number, status) VALUES (?, ?, ?)",
                    [(job_id, number, PENDING) for number in numbers],
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return JobState(self, job_id)

    def execute(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Run one statement under the lock (autocommit) and return its rows."""
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def execute_many(self, sql: str, rows: Iterable[tuple[Any, ...]]) -> None:
        """Run one statement for each of ``rows`` in one transaction, under the lock."""
        with self.transaction():
            self._db.executemany(sql, rows)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Statements run in the block (by this thread: the lock is held) commit together, or
        none does; inside another transaction, they are part of that one."""
        with self._lock:
            if self._db.in_transaction:
                yield
                return
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")


class JobState:
    """One job's rows in the store."""

    def __init__(self, store: BatchStore, job_id: int) -> None:
        self.store = store
        self.id = job_id

    def _one(self, sql: str, args: tuple[Any, ...] = ()) -> Any:
        rows = self.store.execute(sql, args)
        return rows[0][0] if rows else None

    @property
    def signature(self) -> str:
        return str(self._one("SELECT signature FROM jobs WHERE id = ?", (self.id,)))

    @property
    def header_end(self) -> int:
        return int(self._one("SELECT header_end FROM jobs WHERE id = ?", (self.id,)) or 0)

    @property
    def info(self) -> dict[str, Any]:
        """What the job recorded about itself (mode, where its rows went)."""
        raw = self._one("SELECT info FROM jobs WHERE id = ?", (self.id,))
        try:
            value = json.loads(raw or "{}")
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def set_info(self, info: dict[str, Any]) -> None:
        self.store.execute("UPDATE jobs SET info = ? WHERE id = ?", (json.dumps(info), self.id))

    def set_header_end(self, offset: int) -> None:
        self.store.execute("UPDATE jobs SET header_end = ? WHERE id = ?", (offset, self.id))

    @property
    def batch_id(self) -> str | None:
        value = self._one("SELECT batch_id FROM jobs WHERE id = ?", (self.id,))
        return None if value is None else str(value)

    def set_batch_id(self, batch_id: str | None) -> None:
        self.store.execute("UPDATE jobs SET batch_id = ? WHERE id = ?", (batch_id, self.id))

    def add_rows(self, numbers: Iterable[int]) -> None:
        """Rows the job did not have yet (a larger --max-rows), pending."""
        self.store.execute_many(
            "INSERT OR IGNORE INTO rows (job, number, status) VALUES (?, ?, ?)",
            [(self.id, number, PENDING) for number in numbers],
        )

    def rows(self, status: str | None = None) -> list[RowState]:
        """The rows (with ``status`` only, when given), by number."""
        sql = "SELECT number, status, answer, tokens, error, sends FROM rows WHERE job = ?"
        args: tuple[Any, ...] = (self.id,)
        if status is not None:
            sql, args = sql + " AND status = ?", (*args, status)
        found = self.store.execute(sql + " ORDER BY number", args)
        return [RowState(*row) for row in found]

    def statuses(self) -> dict[int, str]:
        """Every row's status by number (without the answers: cheap on large jobs)."""
        found = self.store.execute("SELECT number, status FROM rows WHERE job = ?", (self.id,))
        return {int(number): str(status) for number, status in found}

    def counts(self) -> dict[str, int]:
        """How many rows are in each status."""
        found = self.store.execute(
            "SELECT status, COUNT(*) FROM rows WHERE job = ? GROUP BY status", (self.id,)
        )
        return {str(status): int(count) for status, count in found}

    def mark_sent(self, number: int) -> None:
        """The row's request is about to go out."""
        self.store.execute(
            "UPDATE rows SET status = ?, sends = sends + 1 WHERE job = ? AND number = ?",
            (SENT, self.id, number),
        )

    def mark_pending(self, number: int) -> None:
        """The row goes back to the queue (stopped, or the job stopped while it was in flight)."""
        self.store.execute(
            "UPDATE rows SET status = ? WHERE job = ? AND number = ? AND status = ?",
            (PENDING, self.id, number, SENT),
        )

    def mark_finished(
        self, number: int, status: str, answer: str, tokens: int, error: str, span: tuple[int, int]
    ) -> None:
        """The row ended (``done`` or ``failed``); its output line spans ``span`` (bytes)."""
        self.store.execute(
            "UPDATE rows SET status = ?, answer = ?, tokens = ?, error = ?, out_start = ?, "
            "out_end = ? WHERE job = ? AND number = ?",
            (status, answer, tokens, error, span[0], span[1], self.id, number),
        )

    def reset(self, numbers: Iterable[int]) -> None:
        """Rows to run again (the window's Retry failed rows)."""
        self.store.execute_many(
            "UPDATE rows SET status = ?, answer = '', tokens = 0, error = '', out_start = NULL,"
            " out_end = NULL WHERE job = ? AND number = ?",
            [(PENDING, self.id, number) for number in numbers],
        )

    def recover(self, output_size: int) -> int:
        """After a crash: in-flight rows back to pending, rows whose line is not (wholly) in an
        output of ``output_size`` bytes too; returns the byte length the output must be cut to."""
        self.store.execute(
            "UPDATE rows SET status = ? WHERE job = ? AND status = ?", (PENDING, self.id, SENT)
        )
        if output_size < self.header_end:  # the output is gone or cut: everything again
            output_size = -1
            self.set_header_end(0)
        self.store.execute(
            "UPDATE rows SET status = ?, out_start = NULL, out_end = NULL "
            "WHERE job = ? AND out_end > ?",
            (PENDING, self.id, output_size),
        )
        end = self._one("SELECT MAX(out_end) FROM rows WHERE job = ?", (self.id,))
        return max(int(end or 0), self.header_end)
