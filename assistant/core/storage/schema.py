"""The schema of the history database: ordered migrations and the errors of opening it.

The version is SQLite's ``PRAGMA user_version``; :func:`migrate` applies the missing steps of
:data:`MIGRATIONS` in one transaction. Drafts live in the same file (see
:mod:`assistant.core.storage.drafts`).
"""

from __future__ import annotations

import sqlite3
from typing import Final

from assistant.core.base.i18n import tr


class HistoryError(Exception):
    """The history database could not be used; the message is for people."""


class NewerSchemaError(HistoryError):
    """The database was written by a newer version of the app; it is left untouched."""


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
    # v2: a record is a thread. Turn 0 and version 1 are the record itself; follow-ups add turns
    # (what the person asked) and versions (the answers), numbered from 1 and 2 per record.
    (
        "ALTER TABLE records ADD COLUMN current_version INTEGER NOT NULL DEFAULT 1",
        """
        CREATE TABLE turns (
            record_id INTEGER NOT NULL REFERENCES records (id) ON DELETE CASCADE,
            number INTEGER NOT NULL CHECK (number >= 1),
            kind TEXT NOT NULL,
            instruction TEXT NOT NULL,
            sent TEXT NOT NULL,
            action TEXT NOT NULL DEFAULT '',
            base_version INTEGER NOT NULL,
            selection_start INTEGER,
            selection_end INTEGER,
            created_at REAL NOT NULL,
            PRIMARY KEY (record_id, number)
        )
        """,
        """
        CREATE TABLE versions (
            record_id INTEGER NOT NULL REFERENCES records (id) ON DELETE CASCADE,
            number INTEGER NOT NULL CHECK (number >= 2),
            turn INTEGER NOT NULL,
            text TEXT NOT NULL DEFAULT '',
            reply TEXT NOT NULL DEFAULT '',
            provider TEXT NOT NULL DEFAULT '',
            base_url TEXT NOT NULL DEFAULT '',
            model TEXT NOT NULL DEFAULT '',
            params TEXT NOT NULL DEFAULT '{}',
            prompt_tokens INTEGER,
            completion_tokens INTEGER,
            total_tokens INTEGER,
            first_token_ms INTEGER,
            total_ms INTEGER,
            status TEXT NOT NULL DEFAULT 'streaming',
            error TEXT,
            owner TEXT NOT NULL DEFAULT '',
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            PRIMARY KEY (record_id, number)
        )
        """,
        "CREATE INDEX versions_streaming ON versions (status) WHERE status = 'streaming'",
    ),
    # v3: a trigram index beside the word index, for Chinese, Japanese and Korean: their words
    # have no spaces between them, so the word index holds whole runs of text. A CJK search word
    # is found by any part of three characters or more (shorter ones by LIKE, queries.py).
    (
        """
        CREATE VIRTUAL TABLE records_trigram USING fts5 (
            title, fields_text, answer_text,
            content = 'records', content_rowid = 'id',
            tokenize = 'trigram'
        )
        """,
        """
        CREATE TRIGGER records_trigram_insert AFTER INSERT ON records BEGIN
            INSERT INTO records_trigram (rowid, title, fields_text, answer_text)
            VALUES (new.id, new.title, new.fields_text, new.answer_text);
        END
        """,
        """
        CREATE TRIGGER records_trigram_delete AFTER DELETE ON records BEGIN
            INSERT INTO records_trigram (records_trigram, rowid, title, fields_text, answer_text)
            VALUES ('delete', old.id, old.title, old.fields_text, old.answer_text);
        END
        """,
        """
        CREATE TRIGGER records_trigram_update AFTER UPDATE OF title, fields_text, answer_text
        ON records BEGIN
            INSERT INTO records_trigram (records_trigram, rowid, title, fields_text, answer_text)
            VALUES ('delete', old.id, old.title, old.fields_text, old.answer_text);
            INSERT INTO records_trigram (rowid, title, fields_text, answer_text)
            VALUES (new.id, new.title, new.fields_text, new.answer_text);
        END
        """,
        "INSERT INTO records_trigram (records_trigram) VALUES ('rebuild')",
    ),
    # v4: what each run cost: prompt tokens served from the provider's cache, and the cost from the
    # price table at the time (NULL: unknown, never 0) in its currency. Records and versions alike.
    (
        "ALTER TABLE records ADD COLUMN cached_tokens INTEGER",
        "ALTER TABLE records ADD COLUMN cost REAL",
        "ALTER TABLE records ADD COLUMN currency TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE versions ADD COLUMN cached_tokens INTEGER",
        "ALTER TABLE versions ADD COLUMN cost REAL",
        "ALTER TABLE versions ADD COLUMN currency TEXT NOT NULL DEFAULT ''",
    ),
    # v5: comparisons and kept variants. ``columns``: for a comparison (one request to several
    # models), one JSON object per answer (provider, model, status, usage, timings, error);
    # '[]' for a plain record. ``kept``: the variant chosen as the answer (NULL: the first).
    (
        "ALTER TABLE records ADD COLUMN columns TEXT NOT NULL DEFAULT '[]'",
        "ALTER TABLE records ADD COLUMN kept INTEGER",
    ),
)
SCHEMA_VERSION: Final = len(MIGRATIONS)


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
