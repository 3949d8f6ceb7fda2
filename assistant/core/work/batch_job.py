"""A batch job bound to its output file: start it, or resume it after a stop or a crash.

:func:`open_job` finds the job that writes the output (the state is keyed by the output file),
checks that it is the same job (same input bytes, mode, mapping, constants, provider), cuts the
output back to what the state knows (:meth:`.batch_state.JobState.recover`) and returns the rows
still to send. Rows that could not be read from the input are written at once as failed rows
with their line number, so the output accounts for every row of the input.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from assistant.core.base.i18n import tr
from assistant.core.base.paths import app_paths
from assistant.core.work.batch_input import InputRow, InputTable
from assistant.core.work.batch_output import ResultAppender, RowResult, file_size
from assistant.core.work.batch_plan import BatchPlan
from assistant.core.work.batch_runner import DONE, FAILED
from assistant.core.work.batch_state import PENDING, BatchStore, JobState

_CONTEXT = "batch"


class JobConflict(ValueError):
    """The output file belongs to another job (or to no job at all)."""


class FileSink:
    """Rows go to the output file first, then to the state, under one lock (so lines in the
    file that the state does not know can only be the last ones)."""

    def __init__(self, state: JobState, appender: ResultAppender) -> None:
        self.state = state
        self.appender = appender
        self._lock = threading.RLock()

    def sent(self, number: int) -> None:
        self.state.mark_sent(number)

    def returned(self, number: int) -> None:
        self.state.mark_pending(number)

    def finished(self, result: RowResult) -> None:
        with self._lock:
            span = self.appender.append(result)
            self.state.mark_finished(
                result.number, result.status, result.answer, result.tokens, result.error, span
            )

    @contextmanager
    def together(self) -> Iterator[None]:
        """The state's writes inside commit in one transaction (each row's line is still in the
        file before its state: a crash before the commit leaves lines that the state does not
        know at the end of the file, which a resumed job cuts off and sends again)."""
        with self._lock, self.state.store.transaction():
            yield

    def close(self) -> None:
        self.appender.close()


@dataclass
class OpenedJob:
    """A job ready to run: its sink, the rows still to send, and what earlier runs did."""

    state: JobState
    sink: FileSink
    rows: list[InputRow]
    done_before: int
    failed_before: int
    total: int
    resumed: bool
    numbers: frozenset[int] = frozenset()
    """The rows of this run of the job (``--max-rows``)."""
    moved_from: str = ""
    """Where earlier runs sent the rows, when it was somewhere else ('' otherwise)."""

    def counts(self) -> dict[str, int]:
        """How many of this run's rows are in each status."""
        counts: dict[str, int] = {}
        for number, status in self.state.statuses().items():
            if number in self.numbers:
                counts[status] = counts.get(status, 0) + 1
        return counts


def autosave_path(signature: str) -> Path:
    """Where the window keeps a job's results as they come (one file per job's prompts)."""
    return app_paths().data / "batch" / f"{signature[:32]}.jsonl"


def open_job(
    store: BatchStore,
    output: Path,
    table: InputTable,
    plan: BatchPlan,
    max_rows: int | None = None,
) -> OpenedJob:
    """Start or resume the job writing ``output``; raises JobConflict."""
    signature = plan.signature(table.digest)
    state = store.job(output)
    numbers = sorted([row.number for row in table.rows] + [p.number for p in table.problems])
    if max_rows is not None:
        numbers = numbers[: max(0, max_rows)]
    if state is not None and state.signature != signature:
        raise JobConflict(
            tr(
                "{output} holds the results of another job (a different input file, mode, "
                "column mapping or --field values). Choose another --output, or delete {output} "
                "to start over.",
                _CONTEXT,
            ).replace("{output}", str(output))
        )
    resumed = state is not None
    moved = ""
    if state is None:
        if file_size(output) > 0:
            raise JobConflict(
                tr(
                    "{output} already exists and is not the output of an unfinished job. "
                    "Choose another --output, or delete {output}.",
                    _CONTEXT,
                ).replace("{output}", str(output))
            )
        info = {"mode": plan.mode.id, "destination": plan.destination()}
        state = store.create_job(output, signature, numbers, info)
    else:
        state.add_rows(numbers)
        info = state.info
        before = str(info.get("destination") or "")
        if before and before != plan.destination():
            moved = before
            state.set_info(info | {"destination": plan.destination()})
    keep = state.recover(file_size(output))
    appender = ResultAppender(output, table.columns, keep)
    if keep == 0:
        state.set_header_end(appender.header_end)
    sink = FileSink(state, appender)
    wanted = set(numbers)
    pending = {n for n, status in state.statuses().items() if status == PENDING} & wanted
    for problem in table.problems:  # unreadable rows: failed at once, with their line
        if problem.number in pending:
            error = problem.describe()
            sink.finished(RowResult(problem.number, problem.values, FAILED, error=error))
    counts = {DONE: 0, FAILED: 0}
    for number, status in state.statuses().items():
        if number in wanted and status in counts:
            counts[status] += 1
    rows = [row for row in table.rows if row.number in pending]
    return OpenedJob(
        state,
        sink,
        rows,
        counts[DONE],
        counts[FAILED],
        len(numbers),
        resumed=resumed,
        numbers=frozenset(wanted),
        moved_from=moved,
    )
