"""The Usage view over a history of 10 000 runs: opened and painted, and switched to all time.

App: ``UsageDialog`` built over the history, shown and painted (its default view: per day, the
last 30 days), then the start date moved back to include every run (120 days of bars, every run
summed) and painted again; medians of the rounds. Baseline, same run: the same aggregation
(``usage_report``) without any widget. The limit is the issue's 200 ms.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import Figure, median, qt_app, run_main, wait_until

SHOWN_LIMIT_MS = 200.0


def run(quick: bool = False) -> list[Figure]:
    home = tempfile.mkdtemp(prefix="usage-bench-")
    os.environ["ASSISTANT_HOME"] = home  # no price file of the person's is read
    qt_app()
    from PySide6.QtCore import QDate

    from assistant.core.storage.history import HistoryStore
    from assistant.core.storage.usage import usage_report
    from assistant.ui.usage_dialog import DEFAULT_DAYS, UsageDialog
    from tests.fixtures.usage_data import seed_runs

    runs = 500 if quick else 10_000
    history = HistoryStore(Path(home) / "history.sqlite3")
    seed_runs(history, runs, days=120)
    rounds = 1 if quick else 5
    opened, all_time, query_recent, query_all = [], [], [], []
    recent = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    recent = datetime.fromtimestamp(recent.timestamp() - DEFAULT_DAYS * 86_400).astimezone()
    for _ in range(rounds):
        started = time.perf_counter()
        usage_report(history, "day", recent)
        query_recent.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        usage_report(history, "day", None)
        query_all.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        dialog = UsageDialog(history)
        dialog.show()
        dialog.repaint()
        opened.append((time.perf_counter() - started) * 1000)
        wait_until(lambda: True)
        started = time.perf_counter()
        dialog.since.setDate(QDate(2000, 1, 1))
        dialog.repaint()
        all_time.append((time.perf_counter() - started) * 1000)
        assert dialog.report is not None and dialog.report.runs == runs
        dialog.close()
        dialog.deleteLater()
        wait_until(lambda: True)
    history.close()
    note = f"{runs}_runs_over_120_days,median_of_{rounds}"
    return [
        Figure(
            "usage_view_open_ms",
            median(opened),
            median(query_recent),
            "ms",
            1.0,
            limit=SHOWN_LIMIT_MS,
            note=f"{note},last_{DEFAULT_DAYS}_days_per_day",
        ),
        Figure(
            "usage_view_all_time_ms",
            median(all_time),
            median(query_all),
            "ms",
            1.0,
            limit=SHOWN_LIMIT_MS,
            note=f"{note},every_run_per_day",
        ),
    ]


if __name__ == "__main__":
    raise SystemExit(run_main(run))
