"""Memory over time: many generations in one session of the real main window (offscreen).

The loopback server runs in its own process. RSS after the 20th generation is the baseline; the
figure is RSS after the last one (growth target < 10%). Also prints OS and Python thread counts
after each checkpoint, which must not grow with the number of generations (no leaked workers).
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import (
    Figure,
    ServerProcess,
    fresh_home,
    markdown_answer,
    qt_app,
    rss_mib,
    run_main,
    thread_count,
    wait_until,
)
from tests.benchmarks.streaming import generate, make_window

GROWTH_TARGET = 1.10
WARM_GENERATIONS = 20


def run(quick: bool = False) -> list[Figure]:
    os.environ["ASSISTANT_HOME"] = str(fresh_home())
    qt_app()
    warm, total = (5, 10) if quick else (WARM_GENERATIONS, 200)
    reply = markdown_answer(4_000)
    with ServerProcess(reply, delta_size=5, delay=0.0) as server:
        window = make_window(server.base_url)
        warm_rss = warm_threads = 0.0
        for number in range(1, total + 1):
            _, text = generate(window)
            assert text == reply
            if number in (warm, total):
                wait_until(lambda: not window.controller.running)
                for _ in range(3):  # let deleteLater run, then collect
                    wait_until(lambda: True)
                    gc.collect()
                if number == warm:
                    warm_rss, warm_threads = rss_mib(), thread_count()
        end_rss, end_threads = rss_mib(), thread_count()
        python_threads = threading.active_count()
        window.close()
    return [
        Figure(
            "memory_rss_mib",
            end_rss,
            warm_rss,
            "MiB",
            GROWTH_TARGET,
            note=f"after_{total}_vs_after_{warm}_generations",
        ),
        Figure(
            "memory_os_threads",
            end_threads,
            warm_threads,
            "threads",
            1.0,
            note=f"python_threads={python_threads}",
        ),
    ]


if __name__ == "__main__":
    raise SystemExit(run_main(run))
