"""The SQLite file under the history: one connection per thread, opened, migrated and diagnosed.

:class:`Database` gives each thread its own connection (WAL lets a worker write while the GUI
reads) and turns sqlite errors into :class:`~.schema.HistoryError` with a short human reason.
The helpers below explain why a file cannot be used and move a damaged one aside.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Final

from assistant.core.base.i18n import tr
from assistant.core.storage.schema import HistoryError, NewerSchemaError, migrate

MEMORY: Final = ":memory:"
DEFAULT_TIMEOUT_S: Final = 5.0

_CORRUPT_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})


def _connect(target: str, timeout: float) -> sqlite3.Connection:
    # isolation_level=None: autocommit; multi-statement writes use explicit BEGIN IMMEDIATE.
    connection = sqlite3.connect(
        target, timeout=timeout, isolation_level=None, check_same_thread=False
    )
    connection.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


class _Handle:
    """Owns one connection; closing it when a thread's local storage is released."""

    __slots__ = ("__weakref__", "connection")

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.connection.close()

    def __del__(self) -> None:
        self.close()


class Database:
    """One SQLite file (or memory), a connection per thread, migrated on open.

    A thread's connection is closed when the thread ends (its local storage goes) or at
    :meth:`close`. In memory there is a single connection shared under a lock (separate in-memory
    connections would be separate databases).
    """

    def __init__(self, path: Path | str, timeout: float = DEFAULT_TIMEOUT_S) -> None:
        self.in_memory = str(path) == MEMORY
        self.path: Path | None = None if self.in_memory else Path(path)
        self.timeout = timeout
        self._local = threading.local()
        self._handles: weakref.WeakSet[_Handle] = weakref.WeakSet()
        self._handles_lock = threading.Lock()
        self._memory_lock = threading.RLock()
        self._closed = False
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._first = self._open_handle()  # kept: the shared one in memory
        try:
            if not self.in_memory:
                self._first.connection.execute("PRAGMA journal_mode = WAL").fetchone()
                self._first.connection.execute("PRAGMA synchronous = NORMAL")
            migrate(self._first.connection)
        except BaseException:
            self.close()
            raise

    def _open_handle(self) -> _Handle:
        handle = _Handle(_connect(MEMORY if self.path is None else str(self.path), self.timeout))
        with self._handles_lock:
            self._handles.add(handle)
        self._local.handle = handle
        return handle

    @contextlib.contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection; sqlite errors come out as :class:`HistoryError`."""
        if self._closed:
            raise HistoryError(tr("the history store is closed"))
        with self._memory_lock if self.in_memory else contextlib.nullcontext():
            try:
                if self.in_memory:
                    handle = self._first
                else:
                    handle = getattr(self._local, "handle", None) or self._open_handle()
                yield handle.connection
            except sqlite3.Error as exc:
                raise HistoryError(describe_error(exc)) from exc

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (taken at once, so concurrent writers wait rather than deadlock)."""
        with self.connection() as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise

    @property
    def connection_count(self) -> int:
        """How many connections are open (one per thread that used the store)."""
        with self._handles_lock:
            return len(self._handles)

    def close(self) -> None:
        """Close every thread's connection (call when no other thread uses the store)."""
        self._closed = True
        with self._handles_lock:
            handles = list(self._handles)
            self._handles = weakref.WeakSet()
        for handle in handles:
            handle.close()


def describe_error(exc: BaseException) -> str:
    """A short human reason for a database or file error."""
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if code == sqlite3.SQLITE_FULL:
            return tr("the disk is full")
        if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            return tr("the database is locked by another program")
        if code == sqlite3.SQLITE_READONLY:
            return tr("the database is read-only")
        if code == sqlite3.SQLITE_CANTOPEN:
            return tr("the database file cannot be opened")
        if code in _CORRUPT_CODES:
            return tr("the database is damaged")
        return str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)


def memory_only_message(error: BaseException, file: Path) -> str:
    """Why history is only kept in memory, and what the person can do about it."""
    reason = describe_error(error)
    code = getattr(error, "sqlite_errorcode", None)
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        advice = tr("Close other programs that use {file}, then restart the app.")
    elif isinstance(error, NewerSchemaError):
        advice = tr("Update the app to use the history in {file}.")
    else:
        advice = tr("Free disk space or check permissions of {folder}.")
    message = tr("History is kept in memory only: {reason}.").format(reason=reason)
    return message + " " + advice.format(file=file, folder=file.parent)


def is_corrupt(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.DatabaseError) and (
        getattr(exc, "sqlite_errorcode", None) in _CORRUPT_CODES
    )


def move_aside(path: Path) -> Path:
    """Rename a damaged database (and its -wal/-shm files) to ``<name>.corrupt-<timestamp>``."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
    path.replace(target)
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.replace(target.with_name(target.name + suffix))
    return target
