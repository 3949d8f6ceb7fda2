"""The history of generations in one SQLite database (WAL), with full-text search and recovery.

Every generation is a :class:`Record`: the input (mode, fields, the exact messages sent), where
it was sent (provider, base URL, model, parameters), the answers (one per variant), usage, timings
and a status. The runner calls :meth:`HistoryStore.start`, then
:meth:`~HistoryStore.update_answer` about once a second while streaming, then
:meth:`~HistoryStore.finish`. A record still ``streaming`` whose process is gone (killed) becomes
``interrupted`` through :meth:`~HistoryStore.mark_interrupted`.

Each thread gets its own connection, so a worker can write while the GUI reads. The schema is
versioned with ``PRAGMA user_version`` and the ordered :data:`MIGRATIONS` (drafts live in the same
file, see :mod:`assistant.core.storage.drafts`). :meth:`HistoryStore.open` never fails: an unusable
database makes it fall back to memory with a message in ``problem``; a corrupt file is moved aside.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import os
import socket
import sqlite3
import sys
import threading
import time
import uuid
import weakref
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from assistant.core.base.i18n import tr
from assistant.core.base.paths import app_paths
from assistant.core.work.runs import RunStatus

DB_FILENAME: Final = "history.sqlite3"
MEMORY: Final = ":memory:"
DEFAULT_TIMEOUT_S: Final = 5.0

STATUSES: Final = tuple(RunStatus)
FINAL_STATUSES: Final = tuple(status for status in RunStatus if status.is_final)

_TITLE_MAX = 80

# Migration i takes a database from user_version i to i + 1. Append; never edit a released one.
MIGRATIONS: Final[tuple[tuple[str, ...], ...]] = (
    # v1: records with full-text search (external content kept in sync by triggers), drafts.
    (
        """
        CREATE TABLE records (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            mode TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            fields TEXT NOT NULL DEFAULT '{}',
            messages TEXT NOT NULL DEFAULT '[]',
            provider TEXT NOT NULL DEFAULT '',
            base_url TEXT NOT NULL DEFAULT '',
            model TEXT NOT NULL DEFAULT '',
            params TEXT NOT NULL DEFAULT '{}',
            answers TEXT NOT NULL DEFAULT '[]',
            prompt_tokens INTEGER,
            completion_tokens INTEGER,
            total_tokens INTEGER,
            first_token_ms INTEGER,
            total_ms INTEGER,
            status TEXT NOT NULL DEFAULT 'streaming',
            error TEXT,
            starred INTEGER NOT NULL DEFAULT 0,
            deleted_at REAL,
            owner TEXT NOT NULL DEFAULT '',
            fields_text TEXT NOT NULL DEFAULT '',
            answer_text TEXT NOT NULL DEFAULT ''
        )
        """,
        "CREATE INDEX records_by_date ON records (created_at DESC, id DESC)",
        "CREATE INDEX records_by_mode ON records (mode, created_at DESC)",
        "CREATE INDEX records_streaming ON records (status) WHERE status = 'streaming'",
        """
        CREATE VIRTUAL TABLE records_fts USING fts5 (
            title, fields_text, answer_text,
            content = 'records', content_rowid = 'id',
            tokenize = 'unicode61 remove_diacritics 2'
        )
        """,
        """
        CREATE TRIGGER records_fts_insert AFTER INSERT ON records BEGIN
            INSERT INTO records_fts (rowid, title, fields_text, answer_text)
            VALUES (new.id, new.title, new.fields_text, new.answer_text);
        END
        """,
        """
        CREATE TRIGGER records_fts_delete AFTER DELETE ON records BEGIN
            INSERT INTO records_fts (records_fts, rowid, title, fields_text, answer_text)
            VALUES ('delete', old.id, old.title, old.fields_text, old.answer_text);
        END
        """,
        """
        CREATE TRIGGER records_fts_update AFTER UPDATE OF title, fields_text, answer_text
        ON records BEGIN
            INSERT INTO records_fts (records_fts, rowid, title, fields_text, answer_text)
            VALUES ('delete', old.id, old.title, old.fields_text, old.answer_text);
            INSERT INTO records_fts (rowid, title, fields_text, answer_text)
            VALUES (new.id, new.title, new.fields_text, new.answer_text);
        END
        """,
        """
        CREATE TABLE drafts (
            mode TEXT PRIMARY KEY,
            fields TEXT NOT NULL,
            updated_at REAL NOT NULL
        )
        """,
    ),
)
SCHEMA_VERSION: Final = len(MIGRATIONS)

_CORRUPT_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})


class HistoryError(Exception):
    """The history database could not be used; the message is for people."""


class NewerSchemaError(HistoryError):
    """The database was written by a newer version of the app; it is left untouched."""


@dataclass(frozen=True)
class Usage:
    """Token counts reported by the provider (None when unknown)."""

    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None


@dataclass(frozen=True)
class Timings:
    """Milliseconds from sending the request to the first token and to the end."""

    first_token_ms: int | None = None
    total_ms: int | None = None


@dataclass(frozen=True)
class Record:
    """One generation as stored."""

    id: int
    uuid: str
    created_at: datetime
    updated_at: datetime
    mode: str
    title: str
    fields: dict[str, Any]
    messages: list[dict[str, Any]]
    provider: str
    base_url: str
    model: str
    params: dict[str, Any]
    answers: list[str]
    usage: Usage
    timings: Timings
    status: str
    error: str | None
    starred: bool
    deleted_at: datetime | None

    @property
    def answer(self) -> str:
        """The first (main) answer; variants are in ``answers``."""
        return self.answers[0] if self.answers else ""

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


# --- connections and migrations -----------------------------------------------------------------


def migrate(connection: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Bring the schema up to ``target`` in one transaction; returns the version found before.

    An up-to-date database is only read (no write lock). Raises :class:`NewerSchemaError` for a
    database written by a newer version of the app.
    """
    found = _user_version(connection)
    if found >= target:
        return found
    connection.execute("BEGIN IMMEDIATE")
    try:
        found = _user_version(connection)  # another process may have migrated meanwhile
        for version in range(found, target):
            for statement in MIGRATIONS[version]:
                connection.execute(statement)
        if target > found:
            connection.execute(f"PRAGMA user_version = {int(target)}")
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    return found


def _user_version(connection: sqlite3.Connection) -> int:
    found = int(connection.execute("PRAGMA user_version").fetchone()[0])
    if found > SCHEMA_VERSION:
        raise NewerSchemaError(
            tr("the history was written by a newer version of the app (schema {found})").format(
                found=found
            )
        )
    return found


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


def _memory_only_message(error: BaseException, file: Path) -> str:
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


def _is_corrupt(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.DatabaseError) and (
        getattr(exc, "sqlite_errorcode", None) in _CORRUPT_CODES
    )


def _move_aside(path: Path) -> Path:
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


# --- process ownership (which 'streaming' records are really still streaming) ------------------

_PROCESS_TOKEN = uuid.uuid4().hex
_HOST = socket.gethostname()


def _owner() -> str:
    return f"{_HOST}:{os.getpid()}:{_PROCESS_TOKEN}"


def _owner_alive(owner: str) -> bool:
    """Whether the process that wrote a 'streaming' record may still be writing it."""
    host, _, rest = owner.partition(":")
    pid_text, _, token = rest.partition(":")
    if host != _HOST or not pid_text.isdigit():
        return False  # another machine cannot be checked; a stale copy of the file
    pid = int(pid_text)
    if pid == os.getpid():
        return token == _PROCESS_TOKEN  # else: an earlier process that had our pid
    return _pid_alive(pid)


def _pid_alive(pid: int) -> bool:
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return bool(ctypes.GetLastError() == 5)  # access denied: it exists
        try:
            code = ctypes.c_ulong()
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


# --- the store ----------------------------------------------------------------------------------


class HistoryStore:
    """Records of generations. ``problem`` holds a message for people when something went wrong."""

    def __init__(
        self, path: Path | str | None = None, *, timeout: float = DEFAULT_TIMEOUT_S
    ) -> None:
        """Open (creating or migrating) the database; raises on any problem (see :meth:`open`)."""
        self.database = Database(default_path() if path is None else path, timeout)
        self.problem: str | None = None
        self.moved_aside: Path | None = None

    @classmethod
    def open(
        cls, path: Path | str | None = None, *, timeout: float = DEFAULT_TIMEOUT_S
    ) -> HistoryStore:
        """Open the store without ever raising: on trouble keep history in memory and say why.

        A damaged file is moved aside (never deleted) and a fresh one created.
        """
        target = default_path() if path is None else path
        try:
            return cls(target, timeout=timeout)
        except (sqlite3.Error, OSError, HistoryError) as exc:
            error: BaseException = exc
        if str(target) != MEMORY:
            file = Path(target)
            if _is_corrupt(error) and file.exists():
                try:
                    moved = _move_aside(file)
                    store = cls(file, timeout=timeout)
                except (sqlite3.Error, OSError, HistoryError) as exc:
                    error = exc
                else:
                    store.moved_aside = moved
                    store.problem = tr(
                        "The history database was damaged. It was moved to {moved} and a new "
                        "one was started."
                    ).format(moved=moved)
                    return store
        store = cls(MEMORY, timeout=timeout)
        store.problem = _memory_only_message(error, Path(target))
        return store

    @property
    def path(self) -> Path | None:
        """The database file (None in memory)."""
        return self.database.path

    @property
    def in_memory(self) -> bool:
        return self.database.in_memory

    def close(self) -> None:
        self.database.close()

    # --- writing a generation -------------------------------------------------------------------

    def start(
        self,
        mode: str,
        fields: Mapping[str, Any],
        messages: Sequence[Mapping[str, Any]],
        provider: str,
        base_url: str,
        model: str,
        params: Mapping[str, Any],
        *,
        title: str | None = None,
    ) -> int:
        """Record a generation that is starting (status ``streaming``); returns its id.

        ``title`` defaults to the first line of the first non-blank field (see
        :func:`default_title`).
        """
        now = time.time()
        fields = dict(fields)
        with self.database.connection() as connection:
            cursor = connection.execute(
                """
                INSERT INTO records (uuid, created_at, updated_at, mode, title, fields, messages,
                    provider, base_url, model, params, status, owner, fields_text)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    uuid.uuid4().hex,
                    now,
                    now,
                    mode,
                    title.strip() if title and title.strip() else default_title(fields, mode),
                    _dump(fields),
                    _dump([dict(m) for m in messages]),
                    provider,
                    base_url,
                    model,
                    _dump(dict(params)),
                    RunStatus.STREAMING,
                    _owner(),
                    _fields_text(fields),
                ),
            )
            return int(cursor.lastrowid or 0)

    def update_answer(self, record_id: int, answers: Sequence[str]) -> None:
        """Replace the answers so far (one per variant). Cheap: one UPDATE."""
        answers = [str(a) for a in answers]
        with self.database.connection() as connection:
            connection.execute(
                "UPDATE records SET answers = ?, answer_text = ?, updated_at = ? WHERE id = ?",
                (_dump(answers), _answer_text(answers), time.time(), record_id),
            )

    def append(self, record_id: int, index: int, text: str) -> None:
        """Add ``text`` to the answer of variant ``index`` (created empty if missing)."""
        if index < 0:
            raise ValueError("variant index must be >= 0")
        with self.database.transaction() as connection:
            row = connection.execute(
                "SELECT answers FROM records WHERE id = ?", (record_id,)
            ).fetchone()
            if row is None:
                return
            answers = [str(a) for a in json.loads(row[0])]
            answers.extend([""] * (index + 1 - len(answers)))
            answers[index] += text
            connection.execute(
                "UPDATE records SET answers = ?, answer_text = ?, updated_at = ? WHERE id = ?",
                (_dump(answers), _answer_text(answers), time.time(), record_id),
            )

    def finish(
        self,
        record_id: int,
        status: str,
        usage: Usage | Mapping[str, int | None] | None = None,
        error: str | None = None,
        timings: Timings | Mapping[str, float | None] | None = None,
        *,
        answers: Sequence[str] | None = None,
    ) -> None:
        """Close a generation: final status (not 'streaming'), usage, error, timings, answers."""
        if status not in FINAL_STATUSES:
            raise ValueError(f"not a final status: {status!r}")
        tokens = _usage(usage)
        times = _timings(timings)
        with self.database.transaction() as connection:
            if answers is not None:
                final = [str(a) for a in answers]
                connection.execute(
                    "UPDATE records SET answers = ?, answer_text = ? WHERE id = ?",
                    (_dump(final), _answer_text(final), record_id),
                )
            connection.execute(
                """
                UPDATE records SET status = ?, error = ?, updated_at = ?,
                    prompt_tokens = ?, completion_tokens = ?, total_tokens = ?,
                    first_token_ms = ?, total_ms = ?
                WHERE id = ?
                """,
                (
                    status,
                    error,
                    time.time(),
                    tokens.prompt_tokens,
                    tokens.completion_tokens,
                    tokens.total_tokens,
                    times.first_token_ms,
                    times.total_ms,
                    record_id,
                ),
            )

    def mark_interrupted(self) -> builtins.list[int]:
        """Mark 'streaming' records whose process is gone as 'interrupted'; returns their ids.

        Records being written by a live process (this one or another instance) are left alone.
        """
        with self.database.transaction() as connection:
            rows = connection.execute(
                "SELECT id, owner FROM records WHERE status = ? ORDER BY id", (RunStatus.STREAMING,)
            ).fetchall()
            dead = [int(row[0]) for row in rows if not _owner_alive(row[1])]
            connection.executemany(
                "UPDATE records SET status = ?, updated_at = ? WHERE id = ?",
                [(RunStatus.INTERRUPTED, time.time(), record_id) for record_id in dead],
            )
        return dead

    # --- reading --------------------------------------------------------------------------------

    def get(self, record_id: int) -> Record | None:
        """The record with this id (also when soft-deleted), or None."""
        with self.database.connection() as connection:
            row = connection.execute(
                f"SELECT {_COLUMNS} FROM records WHERE id = ?", (record_id,)
            ).fetchone()
        return None if row is None else _record(row)

    def list(
        self,
        limit: int = 100,
        offset: int = 0,
        mode: str | None = None,
        starred: bool | None = None,
    ) -> builtins.list[Record]:
        """Records newest first, without the deleted ones."""
        where, args = _filters(mode, starred)
        with self.database.connection() as connection:
            rows = connection.execute(
                f"SELECT {_COLUMNS} FROM records WHERE {where} "
                "ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                (*args, limit, offset),
            ).fetchall()
        return [_record(row) for row in rows]

    def count(self, mode: str | None = None, starred: bool | None = None) -> int:
        """How many records :meth:`list` can page through."""
        where, args = _filters(mode, starred)
        with self.database.connection() as connection:
            row = connection.execute(f"SELECT count(*) FROM records WHERE {where}", args).fetchone()
        return int(row[0])

    def search(self, text: str, mode: str | None = None, limit: int = 200) -> builtins.list[Record]:
        """Records whose title, fields or answers contain every word of ``text``, newest first.

        Words are matched literally (quotes and FTS operators are just text); the last word also
        matches as a prefix, for search-as-you-type. Blank text gives :meth:`list`.
        """
        if not text.strip():
            return self.list(limit=limit, mode=mode)
        query = fts_query(text)
        if not query:
            return []
        where, args = _filters(mode, None)
        with self.database.connection() as connection:
            rows = connection.execute(
                f"SELECT {_COLUMNS} FROM records WHERE {where} AND id IN "
                "(SELECT rowid FROM records_fts WHERE records_fts MATCH ?) "
                "ORDER BY created_at DESC, id DESC LIMIT ?",
                (*args, query, limit),
            ).fetchall()
        return [_record(row) for row in rows]

    # --- editing --------------------------------------------------------------------------------

    def rename(self, record_id: int, title: str) -> None:
        self._set(record_id, "title", title.strip())

    def star(self, record_id: int, starred: bool = True) -> None:
        self._set(record_id, "starred", int(starred))

    def delete(self, record_id: int) -> None:
        """Soft delete (hidden from list and search until :meth:`undelete` or a purge)."""
        self._set(record_id, "deleted_at", time.time())

    def undelete(self, record_id: int) -> None:
        self._set(record_id, "deleted_at", None)

    def purge_deleted(self, older_than_s: float = 0.0) -> int:
        """Really delete soft-deleted records (deleted at least ``older_than_s`` ago)."""
        with self.database.connection() as connection:
            cursor = connection.execute(
                "DELETE FROM records WHERE deleted_at IS NOT NULL AND deleted_at <= ?",
                (time.time() - older_than_s,),
            )
            return int(cursor.rowcount)

    def _set(self, record_id: int, column: str, value: object) -> None:
        with self.database.connection() as connection:
            connection.execute(
                f"UPDATE records SET {column} = ?, updated_at = ? WHERE id = ?",
                (value, time.time(), record_id),
            )


def default_path() -> Path:
    """Where the history database lives by default."""
    return app_paths().data / DB_FILENAME


def default_title(fields: Mapping[str, Any], mode: str) -> str:
    """The first line of the first non-blank field, shortened; else the mode."""
    for value in fields.values():
        if isinstance(value, str) and value.strip():
            line = value.strip().splitlines()[0].strip()
            return line if len(line) <= _TITLE_MAX else line[: _TITLE_MAX - 1].rstrip() + "…"
    return mode


def fts_query(text: str) -> str:
    """An FTS5 query matching every word of ``text`` literally (the last one as a prefix)."""
    words = [w for w in text.split() if any(ch.isalnum() for ch in w)]
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    if quoted:
        quoted[-1] += "*"
    return " ".join(quoted)


# --- row mapping --------------------------------------------------------------------------------

_COLUMNS = (
    "id, uuid, created_at, updated_at, mode, title, fields, messages, provider, base_url, model, "
    "params, answers, prompt_tokens, completion_tokens, total_tokens, first_token_ms, total_ms, "
    "status, error, starred, deleted_at"
)


def _record(row: Sequence[Any]) -> Record:
    return Record(
        id=row[0],
        uuid=row[1],
        created_at=_datetime(row[2]),
        updated_at=_datetime(row[3]),
        mode=row[4],
        title=row[5],
        fields=json.loads(row[6]),
        messages=json.loads(row[7]),
        provider=row[8],
        base_url=row[9],
        model=row[10],
        params=json.loads(row[11]),
        answers=json.loads(row[12]),
        usage=Usage(row[13], row[14], row[15]),
        timings=Timings(row[16], row[17]),
        status=row[18],
        error=row[19],
        starred=bool(row[20]),
        deleted_at=None if row[21] is None else _datetime(row[21]),
    )


def _filters(mode: str | None, starred: bool | None) -> tuple[str, tuple[Any, ...]]:
    clauses: list[str] = ["deleted_at IS NULL"]
    args: list[Any] = []
    if mode is not None:
        clauses.append("mode = ?")
        args.append(mode)
    if starred is not None:
        clauses.append("starred = ?")
        args.append(int(starred))
    return " AND ".join(clauses), tuple(args)


def _datetime(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _fields_text(fields: Mapping[str, Any]) -> str:
    return "\n".join(v if isinstance(v, str) else _dump(v) for v in fields.values() if v)


def _answer_text(answers: Sequence[str]) -> str:
    return "\n\n".join(answers)


def _usage(usage: Usage | Mapping[str, int | None] | None) -> Usage:
    if usage is None or isinstance(usage, Usage):
        return usage or Usage()
    return Usage(
        _int(usage.get("prompt_tokens")),
        _int(usage.get("completion_tokens")),
        _int(usage.get("total_tokens")),
    )


def _timings(timings: Timings | Mapping[str, float | None] | None) -> Timings:
    if timings is None or isinstance(timings, Timings):
        return timings or Timings()
    return Timings(_int(timings.get("first_token_ms")), _int(timings.get("total_ms")))


def _int(value: float | None) -> int | None:
    return None if value is None else round(value)
