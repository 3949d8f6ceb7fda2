"""Soak: 1 000 generations in one session of the real main window against the loopback server.

Small answers, the server in its own process, every run written to the history. The first
:data:`WARM_GENERATIONS` are the warm-up: RSS, OS threads and open file descriptors after them are
the baseline of the figures after the last generation (RSS growth <= 5 %, no growth in threads or
descriptors). A 5 ms heartbeat runs throughout; the stall figure is the worst p99 of any block of
100 generations after the warm-up (limit 16 ms; the warm-up's is in the note), its baseline the
heartbeat of the idle window in the same run. The
history must pass ``PRAGMA integrity_check`` and hold every run as complete. ``#`` lines give the
figures at every 100 generations.
"""

from __future__ import annotations

import gc
import os
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import (
    Figure,
    Heartbeat,
    ServerProcess,
    fresh_home,
    percentile,
    qt_app,
    rss_mib,
    run_main,
    thread_count,
)
from tests.benchmarks.streaming import make_window

RSS_GROWTH_TARGET = 1.05
STALL_P99_LIMIT_MS = 16.0
WARM_GENERATIONS = 100
BLOCK = 100
REPLY = "Otters hold hands while they sleep, so they do not drift apart. 🦦\n" * 4


def wait_until(condition: Any, timeout_s: float = 60.0) -> None:
    """Run the Qt event loop, sleeping between events, until ``condition()`` holds.

    (Unlike common.wait_until it does not spin, so the GUI thread takes no CPU from the run.)
    """
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    wake = QTimer()
    wake.start(2)  # wakes the loop to look at the condition again
    deadline = time.perf_counter() + timeout_s
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("soak step did not finish in time")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    wake.stop()


def generate(window: Any) -> str:
    """Press Generate; the answer once complete, displayed and highlighted."""
    done: list[Any] = []

    def on_done(_request_id: str, event: Any) -> None:
        done.append(event)

    window.controller.sig_done.connect(on_done)
    window.generate()
    view = window.answer_area.current_view()
    wait_until(lambda: bool(done) and not view.is_streaming and not view.highlighter.pending)
    window.controller.sig_done.disconnect(on_done)
    if done[0].status != "complete":
        raise RuntimeError(f"generation ended {done[0].status}: {done[0].error}")
    return str(view.text())


def open_fds() -> int:
    """File descriptors open in this process."""
    return len(os.listdir("/proc/self/fd"))


def settle(window: object) -> None:
    """Let finished runs end, deleteLater run and the garbage collector pass."""
    wait_until(lambda: not window.controller.running)  # type: ignore[attr-defined]
    for _ in range(3):
        wait_until(lambda: True)
        gc.collect()


def idle_stall_p99(duration_s: float) -> float:
    """The heartbeat of the idle window (the stall baseline)."""
    beat = Heartbeat()
    beat.start()
    end = time.perf_counter() + duration_s
    wait_until(lambda: time.perf_counter() >= end)
    beat.stop()
    return percentile(beat.stalls(), 0.99)


def history_check(home: Path, expected: int) -> tuple[bool, str]:
    """(integrity ok and every run complete, what was found)."""
    with sqlite3.connect(home / "data" / "history.sqlite3") as connection:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        rows = connection.execute("SELECT status, count(*) FROM records GROUP BY status").fetchall()
    counts = dict(rows)
    ok = integrity == "ok" and counts == {"complete": expected}
    return ok, f"integrity={integrity},records={counts}".replace(" ", "")


def run(quick: bool = False) -> list[Figure]:
    home = fresh_home()
    os.environ["ASSISTANT_HOME"] = str(home)
    qt_app()
    total, warm, block = (30, 10, 10) if quick else (1000, WARM_GENERATIONS, BLOCK)
    with ServerProcess(REPLY, delta_size=5, delay=0.0) as server:
        window = make_window(server.base_url)
        baseline_stall = idle_stall_p99(0.5 if quick else 2.0)
        beat = Heartbeat()
        worst_p99 = warm_p99 = 0.0
        at: dict[int, tuple[float, int, int]] = {}
        beat.start()
        for number in range(1, total + 1):
            text = generate(window)
            assert text == REPLY, "the answer shown differs from the one sent"
            if number % block == 0:
                beat.stop()
                block_p99 = percentile(beat.stalls(), 0.99)
                if number > warm:  # the warm-up pays one-off costs (import openai, first run)
                    worst_p99 = max(worst_p99, block_p99)
                else:
                    warm_p99 = max(warm_p99, block_p99)
                settle(window)
                at[number] = (rss_mib(), thread_count(), open_fds())
                rss, threads, fds = at[number]
                print(
                    f"# soak at {number}: rss={rss:.1f}MiB threads={threads} fds={fds} "
                    f"stall_p99={block_p99:.1f}ms",
                    flush=True,
                )
                beat.start()
        beat.stop()
        window.close()
        settle(window)
    history_ok, found = history_check(home, total)
    (warm_rss, warm_threads, warm_fds), (end_rss, end_threads, end_fds) = at[warm], at[total]
    note = f"at_{warm}_vs_at_{total}_generations"
    return [
        Figure("soak_rss_mib", end_rss, warm_rss, "MiB", RSS_GROWTH_TARGET, note=note),
        Figure("soak_os_threads", end_threads, warm_threads, "threads", 1.0, note=note),
        Figure("soak_open_fds", end_fds, warm_fds, "fds", 1.0, note=note),
        Figure(
            "soak_stall_p99_ms",
            worst_p99,
            baseline_stall,
            "ms",
            1.0,
            limit=STALL_P99_LIMIT_MS,
            note=f"worst_block_of_{block}_after_warm-up,warm-up={warm_p99:.1f}ms,"
            "baseline=idle_window",
        ),
        Figure(
            "soak_history_ok",
            1.0 if history_ok else 0.0,
            1.0,
            "bool",
            1.0,
            higher_is_better=True,
            note=found,
        ),
    ]


if __name__ == "__main__":
    raise SystemExit(run_main(run))
