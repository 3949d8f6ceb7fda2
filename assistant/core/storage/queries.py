"""Reading the history: lists newest first, full-text search, and pages of row summaries.

Every function takes a connection (see :class:`~.database.Database`) and never writes. Lists are
ordered by ``(created_at, id)`` newest first; pages of :class:`~.records.RecordSummary` continue
after the last row already shown (keyset paging, as fast on the thousandth page as on the first),
with the search words, the mode and "starred only" all applied in SQL.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from assistant.core.storage.records import (
    COLUMNS,
    SUMMARY_COLUMNS,
    Record,
    RecordSummary,
    record_from_row,
    summary_from_row,
)

_NEWEST_FIRST = "ORDER BY created_at DESC, id DESC"
_MATCHING = "id IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ?)"
_TRIGRAM_MATCHING = "id IN (SELECT rowid FROM records_trigram WHERE records_trigram MATCH ?)"
_COMMON_MATCHES = 2000
_SEARCHED = ("title", "fields_text", "answer_text")
_LIKE_SPECIAL = re.compile(r"[\\%_]")
_CJK_CLASS = "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
"""Kana, CJK ideographs and Hangul (compiled at the first search: ~3 ms, not at every start)."""


@dataclass(frozen=True)
class HistoryQuery:
    """Which records a list shows: every word of ``text``, one ``mode``, only starred ones."""

    text: str = ""
    mode: str | None = None
    starred_only: bool = False

    @property
    def searching(self) -> bool:
        return bool(self.text.strip())


def fts_query(text: str) -> str:
    """An FTS5 query matching every non-CJK word of ``text`` literally (the last one as a
    prefix) in the word index; CJK words are left to :func:`search_clause`."""
    words = [w for w in _words(text) if not re.search(_CJK_CLASS, w)]
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    if quoted:
        quoted[-1] += "*"
    return " ".join(quoted)


def search_clause(text: str) -> tuple[str, list[Any]] | None:
    """The WHERE condition (and its arguments) of records holding every word of ``text``; None
    when ``text`` has no word. Words in Latin and other spaced scripts go to the word index
    (diacritics folded, the last one a prefix); a word with Chinese, Japanese or Korean in it is
    found anywhere in the text: through the trigram index when it has three characters or more,
    else by a LIKE scan (a two-character Chinese word is common)."""
    words = _words(text)
    if not words:
        return None
    clauses: list[str] = []
    args: list[Any] = []
    spaced = fts_query(text)
    if spaced:
        clauses.append(_MATCHING)
        args.append(spaced)
    cjk = [w for w in words if re.search(_CJK_CLASS, w)]
    long = ['"' + w.replace('"', '""') + '"' for w in cjk if len(w) >= 3]
    if long:
        clauses.append(_TRIGRAM_MATCHING)
        args.append(" ".join(long))
    for word in (w for w in cjk if len(w) < 3):
        pattern = "%" + _LIKE_SPECIAL.sub(r"\\\g<0>", word) + "%"
        clauses.append("(" + " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in _SEARCHED) + ")")
        args += [pattern] * len(_SEARCHED)
    return " AND ".join(clauses), args


def _words(text: str) -> list[str]:
    return [w for w in text.split() if any(ch.isalnum() for ch in w)]


def filters(mode: str | None, starred: bool | None) -> tuple[str, tuple[Any, ...]]:
    """The WHERE clause (and its arguments) of records not deleted, of a mode, (un)starred."""
    clauses: list[str] = ["deleted_at IS NULL"]
    args: list[Any] = []
    if mode is not None:
        clauses.append("mode = ?")
        args.append(mode)
    if starred is not None:
        clauses.append("starred = ?")
        args.append(int(starred))
    return " AND ".join(clauses), tuple(args)


def list_records(
    connection: sqlite3.Connection,
    limit: int,
    offset: int,
    mode: str | None,
    starred: bool | None,
) -> list[Record]:
    """Records newest first, without the deleted ones."""
    where, args = filters(mode, starred)
    rows = connection.execute(
        f"SELECT {COLUMNS} FROM records WHERE {where} {_NEWEST_FIRST} LIMIT ? OFFSET ?",
        (*args, limit, offset),
    ).fetchall()
    return [record_from_row(row) for row in rows]


def count(connection: sqlite3.Connection, mode: str | None, starred: bool | None) -> int:
    """How many records :func:`list_records` can page through."""
    where, args = filters(mode, starred)
    row = connection.execute(f"SELECT count(*) FROM records WHERE {where}", args).fetchone()
    return int(row[0])


def search(
    connection: sqlite3.Connection, text: str, mode: str | None, limit: int
) -> list[Record] | None:
    """Records matching every word of ``text``, newest first; None when ``text`` is blank."""
    if not text.strip():
        return None
    found = search_clause(text)
    if found is None:
        return []
    matching, matching_args = found
    where, args = filters(mode, None)
    rows = connection.execute(
        f"SELECT {COLUMNS} FROM records WHERE {where} AND {matching} {_NEWEST_FIRST} LIMIT ?",
        (*args, *matching_args, limit),
    ).fetchall()
    return [record_from_row(row) for row in rows]


def summaries(
    connection: sqlite3.Connection,
    query: HistoryQuery,
    limit: int | None,
    after: tuple[float, int] | None = None,
    through: tuple[float, int] | None = None,
    record_id: int | None = None,
) -> list[RecordSummary]:
    """Up to ``limit`` (None: all) summaries matching ``query``, newest first.

    ``after``: only rows older than this ``order_key`` (the last row shown); ``through``: only rows
    down to this key, itself included; ``record_id``: only that record (if it matches).
    """
    where, args = filters(query.mode, True if query.starred_only else None)
    clauses, values = [where], list(args)
    source = "records"
    if query.searching:
        found = search_clause(query.text)
        if found is None:
            return []
        clauses.append(found[0])
        values += found[1]
        words = fts_query(query.text)
        if record_id is None and words and _common(connection, words):
            source = "records INDEXED BY records_by_date"
    if after is not None:
        clauses.append("(created_at, id) < (?, ?)")
        values += after
    if through is not None:
        clauses.append("(created_at, id) >= (?, ?)")
        values += through
    if record_id is not None:
        clauses.append("id = ?")
        values.append(record_id)
    # The page's ids first, so that only its rows are read whole (not every match's).
    rows = connection.execute(
        f"SELECT {SUMMARY_COLUMNS} FROM records WHERE id IN (SELECT id FROM {source} "
        f"WHERE {' AND '.join(clauses)} {_NEWEST_FIRST} LIMIT ?) {_NEWEST_FIRST}",
        (*values, -1 if limit is None else limit),
    ).fetchall()
    return [summary_from_row(row) for row in rows]


def _common(connection: sqlite3.Connection, words: str) -> bool:
    """Whether many records match: then walking the date index finds a page sooner than sorting
    every match by date (measured on 100 000 records: ~40 ms against ~900 ms for a word found in
    most of them; the other way round for a rare word)."""
    found = connection.execute(
        "SELECT count(*) FROM (SELECT 1 FROM records_fts WHERE records_fts MATCH ? LIMIT ?)",
        (words, _COMMON_MATCHES),
    ).fetchone()[0]
    return int(found) >= _COMMON_MATCHES
