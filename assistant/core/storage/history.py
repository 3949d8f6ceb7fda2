"""The history of generations in one SQLite database (WAL), with full-text search and recovery.

Every generation is a :class:`~.records.Record`. The runner calls :meth:`HistoryStore.start`,
then :meth:`~HistoryStore.update_answer` about once a second while streaming, then
:meth:`~HistoryStore.finish`. A record still ``streaming`` whose process is gone (killed) becomes
``interrupted`` through :meth:`~HistoryStore.mark_interrupted`.

Each thread gets its own connection (:mod:`.database`), so a worker can write while the GUI reads.
The schema and its migrations are in :mod:`.schema`, the reading queries in :mod:`.queries`.
:meth:`HistoryStore.open` never fails: an unusable database makes it fall back to memory with a
message in ``problem``; a corrupt file is moved aside.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from assistant.core.base.i18n import tr
from assistant.core.base.paths import app_paths
from assistant.core.storage import queries
from assistant.core.storage.database import (
    DEFAULT_TIMEOUT_S,
    MEMORY,
    Database,
    describe_error,
    is_corrupt,
    memory_only_message,
    move_aside,
)
from assistant.core.storage.ownership import owner, owner_alive
from assistant.core.storage.queries import HistoryQuery, fts_query
from assistant.core.storage.records import (
    COLUMNS,
    FINISH_SET,
    Record,
    RecordSummary,
    RecordUsage,
    Timings,
    UsageMapping,
    answer_text,
    default_title,
    dump,
    fields_text,
    finish_values,
    record_from_row,
    to_timings,
    to_usage,
)
from assistant.core.storage.schema import (
    MIGRATIONS,
    SCHEMA_VERSION,
    HistoryError,
    NewerSchemaError,
    migrate,
)
from assistant.core.work.status import RunStatus

__all__ = [  # the history's public names, importable from here as before the split
    "DB_FILENAME",
    "DEFAULT_TIMEOUT_S",
    "FINAL_STATUSES",
    "MEMORY",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "STATUSES",
    "Database",
    "HistoryError",
    "HistoryQuery",
    "HistoryStore",
    "NewerSchemaError",
    "Record",
    "RecordSummary",
    "RecordUsage",
    "Timings",
    "default_path",
    "default_title",
    "describe_error",
    "fts_query",
    "migrate",
]

DB_FILENAME: Final = "history.sqlite3"

STATUSES: Final = tuple(RunStatus)
FINAL_STATUSES: Final = tuple(status for status in RunStatus if status.is_final)


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
            if is_corrupt(error) and file.exists():
                try:
                    moved = move_aside(file)
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
        store.problem = memory_only_message(error, Path(target))
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
        import uuid  # not at start-up: it imports platform (python -X importtime)

        from assistant.core.prompts.images import stored_messages

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
                    dump(fields),
                    dump(stored_messages(messages)),  # images as references to their files
                    provider,
                    base_url,
                    model,
                    dump(dict(params)),
                    RunStatus.STREAMING,
                    owner(),
                    fields_text(fields),
                ),
            )
            return int(cursor.lastrowid or 0)

    def update_answer(self, record_id: int, answers: Sequence[str]) -> None:
        """Replace the answers so far (one per variant). Cheap: one UPDATE."""
        answers = [str(a) for a in answers]
        with self.database.connection() as connection:
            connection.execute(
                "UPDATE records SET answers = ?, answer_text = ?, updated_at = ? WHERE id = ?",
                (dump(answers), answer_text(answers), time.time(), record_id),
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
                (dump(answers), answer_text(answers), time.time(), record_id),
            )

    def finish(
        self,
        record_id: int,
        status: str,
        usage: RecordUsage | UsageMapping | None = None,
        error: str | None = None,
        timings: Timings | Mapping[str, float | None] | None = None,
        *,
        answers: Sequence[str] | None = None,
    ) -> None:
        """Close a generation: final status (not 'streaming'), usage, error, timings, answers."""
        if status not in FINAL_STATUSES:
            raise ValueError(f"not a final status: {status!r}")
        tokens = to_usage(usage)
        times = to_timings(timings)
        with self.database.transaction() as connection:
            if answers is not None:
                final = [str(a) for a in answers]
                connection.execute(
                    "UPDATE records SET answers = ?, answer_text = ? WHERE id = ?",
                    (dump(final), answer_text(final), record_id),
                )
            connection.execute(
                f"UPDATE records SET {FINISH_SET} WHERE id = ?",
                (*finish_values(status, error, time.time(), tokens, times), record_id),
            )

    def mark_interrupted(self) -> list[int]:
        """Mark 'streaming' records and follow-up versions whose process is gone as
        'interrupted'; returns the ids of their records.

        Records being written by a live process (this one or another instance) are left alone.
        """
        now = time.time()
        with self.database.transaction() as connection:
            rows = connection.execute(
                "SELECT id, owner FROM records WHERE status = ? ORDER BY id", (RunStatus.STREAMING,)
            ).fetchall()
            dead = [int(row[0]) for row in rows if not owner_alive(row[1])]
            connection.executemany(
                "UPDATE records SET status = ?, updated_at = ? WHERE id = ?",
                [(RunStatus.INTERRUPTED, now, record_id) for record_id in dead],
            )
            versions = connection.execute(
                "SELECT record_id, number, owner FROM versions WHERE status = ?",
                (RunStatus.STREAMING,),
            ).fetchall()
            gone = [(int(r[0]), int(r[1])) for r in versions if not owner_alive(r[2])]
            connection.executemany(
                "UPDATE versions SET status = ?, updated_at = ? WHERE record_id = ? AND number = ?",
                [(RunStatus.INTERRUPTED, now, record_id, number) for record_id, number in gone],
            )
            connection.executemany(
                "UPDATE records SET updated_at = ? WHERE id = ?",
                [(now, record_id) for record_id, _ in gone],
            )
        return sorted(set(dead) | {record_id for record_id, _ in gone})

    # --- reading --------------------------------------------------------------------------------

    def get(self, record_id: int) -> Record | None:
        """The record with this id (also when soft-deleted), or None."""
        with self.database.connection() as connection:
            row = connection.execute(
                f"SELECT {COLUMNS} FROM records WHERE id = ?", (record_id,)
            ).fetchone()
        return None if row is None else record_from_row(row)

    def list_records(
        self,
        limit: int = 100,
        offset: int = 0,
        mode: str | None = None,
        starred: bool | None = None,
    ) -> list[Record]:
        """Records newest first, without the deleted ones."""
        with self.database.connection() as connection:
            return queries.list_records(connection, limit, offset, mode, starred)

    def count(self, mode: str | None = None, starred: bool | None = None) -> int:
        """How many records :meth:`list_records` can page through."""
        with self.database.connection() as connection:
            return queries.count(connection, mode, starred)

    def search(self, text: str, mode: str | None = None, limit: int = 200) -> list[Record]:
        """Records whose title, fields or answers contain every word of ``text``, newest first.

        Words are matched literally (quotes and FTS operators are just text); the last word also
        matches as a prefix, for search-as-you-type. Blank text gives :meth:`list_records`.
        """
        with self.database.connection() as connection:
            found = queries.search(connection, text, mode, limit)
        return self.list_records(limit=limit, mode=mode) if found is None else found

    def summaries(
        self,
        query: HistoryQuery,
        limit: int | None,
        *,
        after: tuple[float, int] | None = None,
        through: tuple[float, int] | None = None,
    ) -> list[RecordSummary]:
        """A page of list rows matching ``query`` (see :func:`.queries.summaries`)."""
        with self.database.connection() as connection:
            return queries.summaries(connection, query, limit, after=after, through=through)

    def summary(self, record_id: int, query: HistoryQuery | None = None) -> RecordSummary | None:
        """The list row of one record if it matches ``query`` (default: any not deleted)."""
        with self.database.connection() as connection:
            found = queries.summaries(connection, query or HistoryQuery(), 1, record_id=record_id)
        return found[0] if found else None

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
