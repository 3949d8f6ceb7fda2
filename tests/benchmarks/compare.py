"""Four answers streaming side by side: the GUI's stalls with four columns against one answer.

The loopback server (its own process) sends the same markdown answer in 5-character deltas as fast
as it can to four profiles at once (Generate → Compare models, ui/compare_flow.py: four runs, four
columns, each highlighted and recorded in one history record). Baseline, in the same run: the
existing streaming benchmark's app round (tests/benchmarks/streaming.py), one answer in the one
column. A 5 ms GUI-thread heartbeat measures stalls in both; rounds alternate.
"""

from __future__ import annotations

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
    emit,
    fresh_home,
    markdown_answer,
    median,
    percentile,
    qt_app,
    wait_until,
)
from tests.benchmarks.streaming import P99_LIMIT_MS, app_round, make_window

COLUMNS = 4
MAX_LIMIT_MS = 50.0


def add_profiles(window: Any, base_url: str) -> list[tuple[Any, str]]:
    """Four profiles on the one loopback server (one column each)."""
    from assistant.core.providers.profiles import ProviderProfile

    profiles = [
        ProviderProfile(f"Column {k}", "compatible", base_url, f"model-{k}")
        for k in range(1, COLUMNS + 1)
    ]
    for profile in profiles:
        window.settings.upsert_profile(profile)
    return [(profile, "") for profile in profiles]


def compare_round(
    window: Any, chosen: list[tuple[Any, str]]
) -> tuple[float, list[float], list[str]]:
    """(seconds, heartbeat stalls, texts): four columns from Compare until all are highlighted."""
    from assistant.ui.compare_flow import compare_with

    beat = Heartbeat()
    beat.start()
    started = time.perf_counter()
    assert compare_with(window, chosen)
    flow = window.answer_panel.compare
    views = window.answer_area.views

    def finished() -> bool:
        return not flow.running and not any(
            view.is_streaming or view.highlighter.pending for view in views
        )

    wait_until(finished, 600)
    seconds = time.perf_counter() - started
    beat.stop()
    return seconds, beat.stalls(), [view.text() for view in views]


def run(quick: bool = False) -> list[Figure]:
    import os

    os.environ["ASSISTANT_HOME"] = str(fresh_home())
    qt_app()
    size = 5_000 if quick else 100_000
    rounds = 1 if quick else 3
    reply = markdown_answer(size)
    one_times: list[float] = []
    four_times: list[float] = []
    one_stalls: list[float] = []
    four_stalls: list[float] = []
    with ServerProcess(reply, delta_size=5, delay=0.0) as server:
        window = make_window(server.base_url)
        chosen = add_profiles(window, server.base_url)
        app_round(window)  # warm up imports, connections and highlighting
        for _ in range(rounds):
            seconds, stalls, text = app_round(window)
            assert text == reply, "the window did not show the whole answer"
            one_times.append(seconds)
            one_stalls += stalls
            seconds, stalls, texts = compare_round(window, chosen)
            assert texts == [reply] * COLUMNS, "a column did not show the whole answer"
            four_times.append(seconds)
            four_stalls += stalls
        window.close()
    note = f"{COLUMNS}_columns_of_{size // 1000}KB_5char_deltas,median_of_{rounds}"
    return [
        Figure(
            "compare_stall_p99_ms",
            percentile(four_stalls, 0.99),
            percentile(one_stalls, 0.99),
            "ms",
            1.0,
            limit=P99_LIMIT_MS,
            note=note + ",baseline=one_answer_streaming",
        ),
        Figure(
            "compare_stall_max_ms",
            max(four_stalls, default=0.0),
            max(one_stalls, default=0.0),
            "ms",
            1.0,
            limit=MAX_LIMIT_MS,
        ),
        Figure(
            "compare_wall_s",
            median(four_times),
            median(one_times),
            "s",
            float(COLUMNS),
            note=f"{COLUMNS}x_the_text_of_the_baseline",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    for figure in run(quick="--quick" in args):
        emit(figure)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
