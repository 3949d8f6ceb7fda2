"""File → Batch…: a mode over every row of a table, with the rows filling in as they finish.

The setup (:mod:`.batch_setup`) says what to run; the table (:mod:`.batch_rows`) shows every row;
the work is the core's :class:`~assistant.core.work.batch_runner.BatchRunner` on the one worker
abstraction (:mod:`.worker`), whose batched reports update only the rows that changed. Pause
lets rows in flight finish and sends no more, Stop abandons them (they are queued again), Retry
failed runs the failed rows alone, Export writes the table as CSV or JSONL.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from assistant.core.config.settings import Settings
from assistant.core.engine.download_progress import format_duration
from assistant.core.prompts.modes import Mode
from assistant.core.providers.errors import ProviderError
from assistant.core.work.batch_cost import cost_text, row_cost
from assistant.core.work.batch_input import InputRow, InputTable
from assistant.core.work.batch_job import JobConflict, OpenedJob, autosave_path, open_job
from assistant.core.work.batch_output import RowResult, write_results
from assistant.core.work.batch_plan import BatchPlan
from assistant.core.work.batch_runner import (
    DONE,
    FAILED,
    BatchRunner,
    BatchSummary,
    JobNotice,
    RowFinished,
    RowStarted,
)
from assistant.core.work.batch_state import BatchStore
from assistant.core.work.batch_writes import NullSink, RowSink
from assistant.core.work.endpoints import ProviderResolver
from assistant.ui.batch_rows import QUEUED, SENDING, BatchRowsModel
from assistant.ui.batch_setup import BatchSetup
from assistant.ui.worker import Worker

EXPORT_FILTER = "CSV (*.csv);;JSON Lines (*.jsonl);;TSV (*.tsv)"


class _Relay:
    """Passes the runner's events to the worker's ``report`` once the job has started."""

    def __init__(self) -> None:
        self.report: Any = None

    def __call__(self, event: object) -> None:
        self.report(event)


class BatchWindow(QWidget):
    """The batch window (its own top-level window)."""

    def __init__(
        self,
        modes: dict[str, Mode],
        settings: Settings,
        resolver: ProviderResolver,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("batchWindow")
        self.setWindowTitle(self.tr("Batch"))
        self.resize(1100, 720)
        self.resolver = resolver
        self.setup = BatchSetup(modes, settings, self)
        self.model = BatchRowsModel()
        self.model.cost_of = self._row_cost
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(False)
        self.run_button = QPushButton(self.tr("Run"))
        self.pause_button = QPushButton(self.tr("Pause"))
        self.stop_button = QPushButton(self.tr("Stop"))
        self.retry_button = QPushButton(self.tr("Retry failed"))
        self.export_button = QPushButton(self.tr("Export…"))
        self.progress = QProgressBar()
        self.progress.setFormat("%v / %m")
        self.status_label = QLabel()
        self.status_label.setObjectName("batchStatus")
        self.notice_label = QLabel()
        self.notice_label.setObjectName("batchNotice")
        self.notice_label.setWordWrap(True)
        self.worker: Worker | None = None
        self._store: BatchStore | None = None
        self._job: OpenedJob | None = None
        self.runner: BatchRunner | None = None
        self.summary: BatchSummary | None = None
        self._tokens = [0, 0]
        self._started = 0.0
        self._finished_now = 0
        self._layout()
        self._connect()
        self._update_buttons()
        app = QCoreApplication.instance()
        if app is not None:  # quitting the app stops the job: rows in flight are abandoned
            app.aboutToQuit.connect(self.stop)

    def _layout(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.run_button, self.pause_button, self.stop_button, self.retry_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        below = QWidget()
        table_side = QVBoxLayout(below)
        table_side.setContentsMargins(0, 0, 0, 0)
        table_side.addWidget(self.view, 1)
        table_side.addWidget(self.progress)
        table_side.addWidget(self.status_label)
        table_side.addWidget(self.notice_label)
        table_side.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.setup)
        splitter.addWidget(below)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([200, 600])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def _connect(self) -> None:
        self.setup.sig_table_loaded.connect(self._show_table)
        self.setup.sig_problem.connect(self.notice_label.setText)
        self.run_button.clicked.connect(lambda: self.run())
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button.clicked.connect(self.stop)
        self.retry_button.clicked.connect(self.retry_failed)
        self.export_button.clicked.connect(self.choose_export)

    # -- actions -----------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.worker is not None

    def run(self, statuses: tuple[str, ...] = (QUEUED,)) -> bool:
        """Send the rows in ``statuses`` (default: those not run yet); False when it cannot."""
        if self.running or self.setup.table is None:
            if self.setup.table is None:
                self.notice_label.setText(self.tr("Open a table first (CSV, TSV or JSONL)."))
            return False
        plan = self.setup.plan()
        problems = plan.problems()
        if problems:
            self.notice_label.setText("\n".join(problems))
            return False
        self.notice_label.clear()
        sink, rows, earlier = self._open_job(plan, statuses)
        if earlier:
            self.model.apply(earlier)
            self.notice_label.setText(
                self.tr(
                    "{count} rows were answered in an earlier run: they are not sent again."
                ).replace("{count}", str(len(earlier)))
            )
        if not rows:
            if not earlier:
                self.notice_label.setText(self.tr("Every row has run. Retry failed or Export."))
            self._close_job()
            self._show_progress()
            self._update_buttons()
            return False
        self.model.mark((row.number for row in rows), QUEUED)
        relay = _Relay()
        runner = BatchRunner(plan, rows, sink, relay, self.setup.concurrency.value())
        profile = plan.profile

        def job(report: Any, abort: threading.Event) -> BatchSummary:
            relay.report = report
            endpoint = self.resolver.resolve(profile, lambda text: report(JobNotice(text)))
            return runner.run(endpoint)

        self.runner = runner
        self.worker = Worker(job, self, abort=runner.cancel)
        self.worker.sig_yielded.connect(self._apply)
        self.worker.sig_returned.connect(self._ended)
        self.worker.sig_errored.connect(self._failed)
        self.worker.sig_finished.connect(self._worker_gone)
        self._started, self._finished_now = 0.0, 0
        self.progress.setRange(0, len(self.model.rows))
        self._show_progress()
        self.worker.start()
        self._update_buttons()
        return True

    def _open_job(
        self, plan: BatchPlan, statuses: tuple[str, ...]
    ) -> tuple[RowSink, list[InputRow], list[RowFinished]]:
        """The job's sink, the rows to send, and rows an earlier run answered (from the job
        state: a job is resumed when the same table runs with the same prompts again)."""
        table = self.setup.table
        assert table is not None
        wanted = {row.number for row in self.model.runnable(statuses)}
        try:
            if self._store is None:
                self._store = BatchStore()
            output = autosave_path(plan.signature(table.digest))
            state = self._store.job(output)
            if state is not None and FAILED in statuses:
                state.reset(wanted)  # Retry failed: those rows are sent again
            job = open_job(self._store, output, table, plan)
        except (JobConflict, OSError, sqlite3.Error) as exc:
            self.notice_label.setText(
                self.tr("Results are kept in this window only: {reason}").replace(
                    "{reason}", str(exc)
                )
            )
            return NullSink(), [self.model.row(n).input_row for n in sorted(wanted)], []
        self._job = job
        earlier = [
            RowFinished(RowResult(r.number, self.model.row(r.number).values, r.status,
                                  r.answer, r.tokens, r.error))
            for r in job.state.rows()
            if r.status in (DONE, FAILED) and r.number in wanted
            and self.model.row(r.number).status == QUEUED
        ]  # fmt: skip
        return job.sink, [row for row in job.rows if row.number in wanted], earlier

    def _close_job(self) -> None:
        if self._job is not None:
            self._job.sink.close()
            self._job = None

    def toggle_pause(self) -> None:
        """Pause (rows in flight finish) or go on."""
        if self.runner is None or not self.running:
            return
        if self.runner.paused:
            self.runner.resume()
        else:
            self.runner.pause()
        self._update_buttons()

    def stop(self) -> None:
        """Abandon the rows in flight; they are queued again."""
        if self.runner is not None and self.running:
            self.runner.stop()

    def retry_failed(self) -> bool:
        """Run the failed rows again, alone."""
        return self.run((FAILED,))

    def choose_export(self) -> None:
        name, chosen = QFileDialog.getSaveFileName(
            self, self.tr("Export results"), "results.csv", self.tr(EXPORT_FILTER)
        )
        if name:
            path = Path(name)
            if not path.suffix:
                path = path.with_suffix(".jsonl" if "jsonl" in chosen else ".csv")
            self.export_to(path)

    def export_to(self, path: Path) -> None:
        """Write every row (input columns + answer, status, tokens, error) to ``path``."""
        try:
            write_results(path, self.model.columns, [row.result() for row in self.model.rows])
        except OSError as exc:
            self.notice_label.setText(
                self.tr("Could not write {path}: {reason}")
                .replace("{path}", str(path))
                .replace("{reason}", exc.strerror or str(exc))
            )
            return
        self.notice_label.setText(self.tr("Exported to {path}.").replace("{path}", str(path)))

    # -- worker signals ----------------------------------------------------------------------------
    def _apply(self, events: list[object]) -> None:
        self.model.apply(events)
        for event in events:
            if isinstance(event, RowStarted) and not self._started:
                self._started = time.monotonic()  # the rate counts from the first request
            if isinstance(event, JobNotice):
                self.notice_label.setText(event.text)
            elif isinstance(event, RowFinished):
                self._finished_now += 1
                self._tokens[0] += event.result.prompt_tokens
                self._tokens[1] += event.result.completion_tokens
        self._show_progress()

    def _ended(self, summary: BatchSummary) -> None:
        self.summary = summary
        if summary.stopped and summary.stopped != "stopped":
            self.notice_label.setText(summary.stopped)

    def _failed(self, error: BaseException) -> None:
        text = error.message if isinstance(error, ProviderError) else f"{error}"
        self.notice_label.setText(text)

    def _worker_gone(self) -> None:
        self.worker = None
        self._close_job()
        sending = [row.number for row in self.model.rows if row.status == SENDING]
        self.model.mark(sending, QUEUED)  # abandoned by Stop, or never answered
        self._show_progress()
        self._update_buttons()

    # -- view --------------------------------------------------------------------------------------
    def _show_table(self, table: InputTable) -> None:
        self.model.set_table(table)
        self.view.resizeColumnsToContents()
        header = self.view.horizontalHeader()
        inputs = len(self.model.columns)
        header.setSectionResizeMode(inputs + 2, QHeaderView.ResizeMode.Stretch)  # Answer
        status_width = self.view.fontMetrics().horizontalAdvance(self.tr("sending…")) + 24
        self.view.setColumnWidth(inputs + 1, max(self.view.columnWidth(inputs + 1), status_width))
        self.progress.setRange(0, len(self.model.rows))
        self._tokens = [0, 0]
        self.notice_label.setText("\n".join(problem.describe() for problem in table.problems[:5]))
        self._show_progress()
        self._update_buttons()

    def _show_progress(self) -> None:
        counts = self.model.counts()
        done, failed = counts.get(DONE, 0), counts.get(FAILED, 0) + counts.get("unreadable", 0)
        total = len(self.model.rows)
        self.progress.setValue(done + failed)
        elapsed = time.monotonic() - self._started if self._started else 0.0
        rate = self._finished_now / elapsed if elapsed > 0 else 0.0
        left = total - done - failed
        parts = [self.tr("{done} done").replace("{done}", str(done))]
        parts.append(self.tr("{failed} failed").replace("{failed}", str(failed)))
        parts.append(self.tr("{left} left").replace("{left}", str(left)))
        if rate > 0 and self.running:
            if rate >= 1:
                parts.append(self.tr("{rate} rows/s").replace("{rate}", f"{rate:.1f}"))
            else:  # a slow model: per minute reads better than 0.1 rows/s
                parts.append(self.tr("{rate} rows/min").replace("{rate}", f"{rate * 60:.1f}"))
            parts.append(self.tr("ETA {time}").replace("{time}", format_duration(left / rate)))
        parts.append(self.tr("{tokens} tokens").replace("{tokens}", str(sum(self._tokens))))
        plan = self.setup.plan()
        cost = cost_text(plan.profile, plan.overrides, self._tokens[0], self._tokens[1])
        parts.append(self.tr("cost {cost}").replace("{cost}", cost))
        self.status_label.setText(" · ".join(parts))

    def _row_cost(self, result: Any) -> str:
        plan = self.setup.plan()
        return row_cost(
            plan.profile, plan.overrides, result.prompt_tokens, result.completion_tokens
        )

    def _update_buttons(self) -> None:
        loaded = self.setup.table is not None
        running = self.running
        self.run_button.setEnabled(loaded and not running)
        self.pause_button.setEnabled(running)
        paused = self.runner is not None and self.runner.paused
        self.pause_button.setText(self.tr("Resume") if running and paused else self.tr("Pause"))
        self.stop_button.setEnabled(running)
        self.retry_button.setEnabled(
            not running and any(row.status == FAILED for row in self.model.rows)
        )
        self.export_button.setEnabled(loaded)
        self.setup.setEnabled(not running)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop()
        super().closeEvent(event)
