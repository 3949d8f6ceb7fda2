"""Threads in the history: the turns and versions of a record (schema v2), read and written.

API note: ``threads = ThreadStore(history)``; ``threads.thread(record_id)`` reads a record back
as a :class:`~assistant.core.prompts.threads.Thread` (turn 0 and version 1 are the record
itself); ``threads.versions(record_id)`` lists them; ``threads.set_current(record_id, k)``
restores version ``k``. A follow-up is stored while it streams by passing
``threads.recorder(request.follow_up)`` as the ``recorder`` of a ``GenerationRun``: it adds the
turn and a ``streaming`` version, saves the text before it is shown, and finishes it; the run's
``DoneEvent.record_id`` is the record's id and ``recorder.version`` the new version's number.
A version left ``streaming`` by a dead process becomes ``interrupted`` through
``HistoryStore.mark_interrupted`` (which returns its record's id), like a first answer.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Mapping, Sequence
from typing import Any

from assistant.core.prompts.selection import splice
from assistant.core.prompts.threads import FollowUp, Selection, Thread, Turn, Version
from assistant.core.storage.history import HistoryStore
from assistant.core.storage.ownership import owner
from assistant.core.storage.records import (
    FINISH_SET,
    Record,
    Timings,
    UsageMapping,
    answer_text,
    dump,
    finish_values,
    to_timings,
    to_usage,
)
from assistant.core.work.status import RunStatus

_TURN_COLUMNS = (
    "number, kind, instruction, sent, action, base_version, selection_start, selection_end, "
    "created_at"
)
_VERSION_COLUMNS = (
    "number, turn, text, reply, status, error, provider, model, params, prompt_tokens, "
    "completion_tokens, total_tokens, created_at"
)


class ThreadStore:
    """The turns and versions of history records, in the same database as a HistoryStore."""

    def __init__(self, history: HistoryStore) -> None:
        self.history = history
        self._database = history.database

    # --- reading --------------------------------------------------------------------------------

    def thread(self, record_id: int) -> Thread | None:
        """The record as a thread (None if there is no such record)."""
        record = self.history.get(record_id)
        if record is None:
            return None
        with self._database.connection() as connection:
            turns = connection.execute(
                f"SELECT {_TURN_COLUMNS} FROM turns WHERE record_id = ? ORDER BY number",
                (record_id,),
            ).fetchall()
            versions = connection.execute(
                f"SELECT {_VERSION_COLUMNS} FROM versions WHERE record_id = ? ORDER BY number",
                (record_id,),
            ).fetchall()
            current = connection.execute(
                "SELECT current_version FROM records WHERE id = ?", (record_id,)
            ).fetchone()
        known = [first_version(record), *(_version(row) for row in versions)]
        number = int(current[0]) if current else 1
        if all(v.number != number for v in known):
            number = 1
        return Thread(
            record_id=record.id,
            mode=record.mode,
            messages=[dict(m) for m in record.messages],
            turns=[first_turn(record), *(_turn(row) for row in turns)],
            versions=known,
            current=number,
        )

    def attach(self, record: Record) -> Record:
        """``record`` carrying its thread (for exports)."""
        return dataclasses.replace(record, thread=self.thread(record.id))

    def versions(self, record_id: int) -> list[Version]:
        """Every version of the record, oldest first ([] if there is no such record)."""
        thread = self.thread(record_id)
        return [] if thread is None else list(thread.versions)

    def version(self, record_id: int, number: int) -> Version | None:
        """Version ``number`` of the record, or None."""
        return next((v for v in self.versions(record_id) if v.number == number), None)

    # --- writing --------------------------------------------------------------------------------

    def set_current(self, record_id: int, number: int) -> None:
        """Make version ``number`` the current one; raises KeyError if it does not exist."""
        if self.version(record_id, number) is None:
            raise KeyError(number)
        with self._database.connection() as connection:
            connection.execute(
                "UPDATE records SET current_version = ?, updated_at = ? WHERE id = ?",
                (number, time.time(), record_id),
            )

    def start_version(
        self,
        follow_up: FollowUp,
        provider: str = "",
        base_url: str = "",
        model: str = "",
        params: Mapping[str, Any] | None = None,
    ) -> tuple[int, int]:
        """Add the follow-up's turn (unless it reuses one) and a ``streaming`` version;
        returns (turn, version). A rewrite becomes the current version at once."""
        now = time.time()
        selection = follow_up.selection
        with self._database.transaction() as connection:
            if follow_up.continues is not None:
                rows = connection.execute(
                    "UPDATE versions SET status = ?, owner = ?, updated_at = ? "
                    "WHERE record_id = ? AND number = ? RETURNING turn",
                    (RunStatus.STREAMING, owner(), now, follow_up.record_id, follow_up.continues),
                ).fetchall()
                if not rows:
                    raise KeyError(follow_up.continues)
                return int(rows[0][0]), follow_up.continues
            turn = follow_up.turn
            if turn is None:
                turn = _next(connection, "turns", follow_up.record_id, first=1)
                connection.execute(
                    f"INSERT INTO turns (record_id, {_TURN_COLUMNS}) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        follow_up.record_id,
                        turn,
                        follow_up.kind,
                        follow_up.instruction,
                        follow_up.sent,
                        follow_up.action,
                        follow_up.base_version,
                        None if selection is None else selection.start,
                        None if selection is None else selection.end,
                        now,
                    ),
                )
            number = _next(connection, "versions", follow_up.record_id, first=2)
            spliced = selection is not None and follow_up.kind == "selection"
            text = follow_up.base_text if spliced else ""
            connection.execute(
                "INSERT INTO versions (record_id, number, turn, text, reply, provider, base_url, "
                "model, params, owner, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?)",
                (
                    follow_up.record_id,
                    number,
                    turn,
                    text,
                    provider,
                    base_url,
                    model,
                    dump(dict(params or {})),
                    owner(),
                    now,
                    now,
                ),
            )
            if follow_up.kind != "question":
                connection.execute(
                    "UPDATE records SET current_version = ?, updated_at = ? WHERE id = ?",
                    (number, now, follow_up.record_id),
                )
        return turn, number

    def update_version(self, record_id: int, number: int, text: str, reply: str) -> None:
        """Replace the text so far of a streaming version. Cheap: one UPDATE."""
        with self._database.connection() as connection:
            connection.execute(
                "UPDATE versions SET text = ?, reply = ?, updated_at = ? "
                "WHERE record_id = ? AND number = ?",
                (text, reply, time.time(), record_id, number),
            )

    def finish_version(
        self,
        record_id: int,
        number: int,
        status: str,
        usage: UsageMapping | None = None,
        error: str | None = None,
        timings: Timings | Mapping[str, float | None] | None = None,
        *,
        text: str | None = None,
        reply: str | None = None,
        fallback: int | None = None,
    ) -> None:
        """Close a version: final status, usage, error, timings, text. A version that failed
        with no text gives the current place back to ``fallback`` (its base)."""
        tokens = to_usage(usage)
        times = to_timings(timings)
        now = time.time()
        with self._database.transaction() as connection:
            if text is not None and reply is not None:
                connection.execute(
                    "UPDATE versions SET text = ?, reply = ? WHERE record_id = ? AND number = ?",
                    (text, reply, record_id, number),
                )
            connection.execute(
                f"UPDATE versions SET {FINISH_SET} WHERE record_id = ? AND number = ?",
                (*finish_values(status, error, now, tokens, times), record_id, number),
            )
            empty = not (reply or "").strip()
            if fallback is not None and empty and status == RunStatus.FAILED:
                connection.execute(
                    "UPDATE records SET current_version = ? WHERE id = ? AND current_version = ?",
                    (fallback, record_id, number),
                )
            _index_versions(connection, record_id, now)

    def recorder(self, follow_up: FollowUp) -> FollowUpRecorder:
        """A ``Recorder`` for ``GenerationRun`` that stores the run as the follow-up's version."""
        return FollowUpRecorder(self, follow_up)


class FollowUpRecorder:
    """Stores one follow-up run as a new version of its record (the work layer's ``Recorder``).

    ``start`` returns the record's id (so ``DoneEvent.record_id`` names the thread); the new
    version's number is :attr:`version`. A selection reply is spliced into the base text as it
    streams, so the saved version is always whole.
    """

    def __init__(self, threads: ThreadStore, follow_up: FollowUp) -> None:
        self.threads = threads
        self.follow_up = follow_up
        self.turn: int | None = None
        self.version: int | None = None

    def start(
        self,
        mode: str,
        fields: Mapping[str, Any],
        messages: Sequence[Mapping[str, Any]],
        provider: str,
        base_url: str,
        model: str,
        params: Mapping[str, Any],
    ) -> int:
        self.turn, self.version = self.threads.start_version(
            self.follow_up, provider, base_url, model, params
        )
        return self.follow_up.record_id

    def text_of(self, reply: str) -> str:
        """The version's whole text for the reply so far."""
        selection = self.follow_up.selection
        if selection is None or self.follow_up.kind == "question":
            return reply
        return splice(self.follow_up.base_text, selection, reply)

    def update_answer(self, record_id: int, answers: Sequence[str]) -> None:
        reply = str(answers[0]) if answers else ""
        if self.version is not None:
            self.threads.update_version(record_id, self.version, self.text_of(reply), reply)

    def finish(
        self,
        record_id: int,
        status: str,
        usage: UsageMapping | None = None,
        error: str | None = None,
        timings: Timings | Mapping[str, float | None] | None = None,
        *,
        answers: Sequence[str] | None = None,
    ) -> None:
        if self.version is None:
            return
        reply = str(answers[0]) if answers else None
        self.threads.finish_version(
            record_id,
            self.version,
            status,
            usage,
            error,
            timings,
            text=None if reply is None else self.text_of(reply),
            reply=reply,
            fallback=self.follow_up.base_version,
        )


# --- rows ---------------------------------------------------------------------------------------


def first_turn(record: Record) -> Turn:
    """Turn 0: the record's original request (its last user message is what the person sent)."""
    from assistant.core.prompts.images import message_text  # the text parts, without images

    sent = next(
        (
            message_text(m.get("content"))
            for m in reversed(record.messages)
            if m.get("role") == "user"
        ),
        "",
    )
    return Turn(0, "request", "", sent, None, None, "", record.created_at.timestamp())


def first_version(record: Record) -> Version:
    """Version 1: the record's (first variant's) answer."""
    return Version(
        number=1,
        turn=0,
        text=record.answer,
        reply=record.answer,
        status=record.status,
        error=record.error,
        provider=record.provider,
        model=record.model,
        params=dict(record.params),
        prompt_tokens=record.usage.prompt_tokens,
        completion_tokens=record.usage.completion_tokens,
        total_tokens=record.usage.total_tokens,
        created_at=record.created_at.timestamp(),
    )


def _turn(row: Sequence[Any]) -> Turn:
    selection = None if row[6] is None else Selection(int(row[6]), int(row[7]))
    return Turn(int(row[0]), row[1], row[2], row[3], int(row[5]), selection, row[4], row[8])


def _version(row: Sequence[Any]) -> Version:
    return Version(
        number=int(row[0]),
        turn=int(row[1]),
        text=row[2],
        reply=row[3],
        status=row[4],
        error=row[5],
        provider=row[6],
        model=row[7],
        params=json.loads(row[8]),
        prompt_tokens=row[9],
        completion_tokens=row[10],
        total_tokens=row[11],
        created_at=row[12],
    )


def _next(connection: Any, table: str, record_id: int, first: int) -> int:
    row = connection.execute(
        f"SELECT max(number) FROM {table} WHERE record_id = ?", (record_id,)
    ).fetchone()
    return first if row[0] is None else int(row[0]) + 1


def _index_versions(connection: Any, record_id: int, now: float) -> None:
    """Make every version's text searchable with the record (the FTS ``answer_text``)."""
    row = connection.execute("SELECT answers FROM records WHERE id = ?", (record_id,)).fetchone()
    if row is None:
        return
    texts = [str(a) for a in json.loads(row[0])]
    texts += [
        r[0]
        for r in connection.execute(
            "SELECT text FROM versions WHERE record_id = ? ORDER BY number", (record_id,)
        )
    ]
    connection.execute(
        "UPDATE records SET answer_text = ?, updated_at = ? WHERE id = ?",
        (answer_text(texts), now, record_id),
    )
