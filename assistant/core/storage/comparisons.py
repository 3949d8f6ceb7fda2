"""A comparison is one history record; a kept variant is the record's answer.

:class:`ComparisonRecorder` lets the runs of one comparison (the same request sent to several
models at once) write into one record: :meth:`~ComparisonRecorder.column` gives each run a
:class:`~assistant.core.work.generation.Recorder` that fills its own answer and its own entry of
``records.columns`` (provider, model, status, usage, timings, error). The record ends once every
column has. :func:`keep` marks the variant chosen as the answer; the others stay in the record.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

from assistant.core.base.i18n import tr
from assistant.core.providers.prices import format_money
from assistant.core.storage.history import HistoryStore
from assistant.core.storage.records import Record, dump, to_timings, to_usage
from assistant.core.work.compare import figures_text
from assistant.core.work.status import RunStatus

_USAGE_KEYS = ("prompt_tokens", "completion_tokens", "total_tokens")


def keep(store: HistoryStore, record_id: int, index: int | None) -> None:
    """Mark variant ``index`` (from 0) as the record's answer (None: back to the first)."""
    with store.database.connection() as connection:
        connection.execute(
            "UPDATE records SET kept = ?, updated_at = ? WHERE id = ?",
            (index, time.time(), record_id),
        )


def save_columns(store: HistoryStore, record_id: int, columns: Sequence[Mapping[str, Any]]) -> None:
    """Store a comparison's columns (one object per answer)."""
    with store.database.connection() as connection:
        connection.execute(
            "UPDATE records SET columns = ?, updated_at = ? WHERE id = ?",
            (dump([dict(column) for column in columns]), time.time(), record_id),
        )


def answer_headings(record: Record) -> list[str]:
    """A heading per answer: "PROFILE (MODEL)" in a comparison, else "Answer K"; the kept one
    says so."""
    answers = record.answers or [""]
    if record.is_comparison:
        headings = [column_label(column) for column in record.columns]
        more = range(len(headings), len(answers))  # answers beyond the columns (none normally)
        headings += [tr("Answer {number}").format(number=i + 1) for i in more]
    elif len(answers) > 1:
        headings = [tr("Answer {number}").format(number=i + 1) for i in range(len(answers))]
    else:
        return [tr("Answer")]
    if record.kept is not None and len(answers) > 1:
        headings[record.kept_index] += " — " + tr("kept")
    return headings[: len(answers)]


def column_label(column: Mapping[str, Any]) -> str:
    """``PROFILE (MODEL)`` of a comparison's column."""
    return f"{column.get('provider', '')} ({column.get('model') or tr('default model')})"


def column_figures(column: Mapping[str, Any]) -> str:
    """What a stored column says about its run: first token, tokens/s, tokens, cost, how it
    ended when not complete."""
    first, total = column.get("first_token_ms"), column.get("total_ms")
    completion = column.get("completion_tokens")
    rate = None
    if first is not None and total is not None and completion and total > first:
        rate = completion / ((total - first) / 1000)
    cost = column.get("cost")
    money = format_money(cost, str(column.get("currency") or "")) if cost is not None else ""
    text = figures_text(
        None if first is None else first / 1000, rate, column.get("total_tokens"), money
    )
    status = str(column.get("status") or "")
    if status and status != RunStatus.COMPLETE:
        text = " · ".join(part for part in (text, status_word(status)) if part)
    return text


def status_word(status: str) -> str:
    """How a column that did not complete ended, in the UI language."""
    words: dict[str, str] = {
        RunStatus.STOPPED: tr("stopped"),
        RunStatus.CUT_SHORT: tr("cut short"),
        RunStatus.FAILED: tr("failed"),
        RunStatus.INTERRUPTED: tr("interrupted"),
    }
    return words.get(status, status)


def overall_status(statuses: Sequence[str]) -> RunStatus:
    """A comparison's status: complete if any column is, else the most telling of the others."""
    for status in (RunStatus.COMPLETE, RunStatus.CUT_SHORT, RunStatus.FAILED):
        if status in statuses:
            return status
    return RunStatus.STOPPED


class ComparisonRecorder:
    """One record for several runs started together; thread-safe (each run writes from its own
    worker thread)."""

    def __init__(self, store: HistoryStore, labels: Sequence[Mapping[str, str]]) -> None:
        """``labels``: per column, its ``provider``, ``base_url`` and ``model``."""
        self._store = store
        self._lock = threading.Lock()
        self._columns: list[dict[str, Any]] = [
            {"provider": label.get("provider", ""), "base_url": label.get("base_url", "")}
            | {"model": label.get("model", ""), "status": str(RunStatus.STREAMING)}
            for label in labels
        ]
        self._answers = ["" for _ in labels]
        self.record_id: int | None = None

    def column(self, index: int) -> ColumnRecorder:
        """The recorder of column ``index``'s run."""
        return ColumnRecorder(self, index)

    @property
    def columns(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(column) for column in self._columns]

    def _start(
        self,
        mode: str,
        fields: dict[str, Any],
        messages: list[dict[str, str]],
        params: dict[str, Any],
    ) -> int:
        with self._lock:
            if self.record_id is None:
                self.record_id = self._store.start(
                    mode=mode,
                    fields=fields,
                    messages=messages,
                    provider=", ".join(column["provider"] for column in self._columns),
                    base_url="",
                    model=", ".join(column["model"] for column in self._columns),
                    params=params,
                )
                save_columns(self._store, self.record_id, self._columns)
            return self.record_id

    def _update(self, index: int, answers: list[str]) -> None:
        with self._lock:
            self._answers[index] = answers[0] if answers else ""
            if self.record_id is not None:
                self._store.update_answer(self.record_id, self._answers)

    def _finish(
        self,
        index: int,
        status: str,
        usage: Mapping[str, int | float | str | None] | None,
        error: str | None,
        timings: Mapping[str, float | None] | None,
        answers: list[str] | None,
    ) -> None:
        tokens, times = to_usage(usage), to_timings(timings)
        with self._lock:
            if answers is not None:
                self._answers[index] = answers[0] if answers else ""
            self._columns[index].update(
                status=str(status),
                error=error,
                prompt_tokens=tokens.prompt_tokens,
                completion_tokens=tokens.completion_tokens,
                total_tokens=tokens.total_tokens,
                cost=tokens.cost,
                currency=tokens.currency,
                first_token_ms=times.first_token_ms,
                total_ms=times.total_ms,
            )
            if self.record_id is None:
                return
            save_columns(self._store, self.record_id, self._columns)
            statuses = [column["status"] for column in self._columns]
            if RunStatus.STREAMING in statuses:
                self._store.update_answer(self.record_id, self._answers)
                return
            self._store.finish(
                self.record_id,
                overall_status(statuses),
                _summed(self._columns),
                _errors(self._columns),
                {"first_token_ms": None, "total_ms": _longest(self._columns)},
                answers=self._answers,
            )


class ColumnRecorder:
    """What one run of a comparison writes to (the ``Recorder`` of ``core.work.generation``)."""

    def __init__(self, comparison: ComparisonRecorder, index: int) -> None:
        self._comparison = comparison
        self._index = index

    def start(
        self,
        mode: str,
        fields: dict[str, Any],
        messages: list[dict[str, str]],
        provider: str,
        base_url: str,
        model: str,
        params: dict[str, Any],
    ) -> int:
        return self._comparison._start(mode, fields, messages, params)

    def update_answer(self, record_id: int, answers: list[str]) -> None:
        self._comparison._update(self._index, answers)

    def finish(
        self,
        record_id: int,
        status: str,
        usage: dict[str, int | float | str | None] | None = None,
        error: str | None = None,
        timings: dict[str, float | None] | None = None,
        *,
        answers: list[str] | None = None,
    ) -> None:
        self._comparison._finish(self._index, status, usage, error, timings, answers)


def _summed(columns: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The tokens of every column, and their cost when every column's is known in one currency."""
    known = [column for column in columns if column.get("total_tokens") is not None]
    if not known:
        return None
    summed: dict[str, Any] = {
        key: sum(int(column.get(key) or 0) for column in known) for key in _USAGE_KEYS
    }
    currencies = {column.get("currency") for column in columns}
    if all(column.get("cost") is not None for column in columns) and len(currencies) == 1:
        summed |= {"cost": sum(column["cost"] for column in columns), "currency": currencies.pop()}
    return summed


def _errors(columns: Sequence[Mapping[str, Any]]) -> str | None:
    lines = [
        f"{column['provider']}: {column['error']}" for column in columns if column.get("error")
    ]
    return "\n".join(lines) or None


def _longest(columns: Sequence[Mapping[str, Any]]) -> float | None:
    times = [float(column["total_ms"]) for column in columns if column.get("total_ms") is not None]
    return max(times) if times else None
