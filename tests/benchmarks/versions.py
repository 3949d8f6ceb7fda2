"""Stepping between two versions of a 50 000-character Markdown answer (‹ 1 / 2 ›).

App: the window's way (``ui/version_views.py``): each version keeps its highlighted view, and a
step swaps it into the answer area; timed from the step until the pane is repainted, median of
the rounds, and the blocks the highlighter lexed during the steps. Baseline, same run: the step
done by setting the other version's text into the one answer view (``AnswerView.set_answer``)
until its highlighting is done and the pane repainted, as showing a history record does.
The limit is one 60 Hz frame for the step, and no block lexed again.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import Figure, markdown_answer, median, qt_app, run_main, wait_until

FRAME_MS = 16.7


def versions(size: int) -> tuple[str, str]:
    """A Markdown answer of about ``size`` characters, and a version with every fifth section's
    prose reworded (what a follow-up such as "more formal" gives)."""
    old = markdown_answer(size)
    sections = old.split("## ")
    new = [
        s.replace("keeps memory", "holds memory use") if i % 5 == 0 else s
        for i, s in enumerate(sections)
    ]
    return old, "## ".join(new)


def _step_kept(texts: tuple[str, str], rounds: int) -> tuple[list[float], int]:
    from assistant.ui.answer_area import AnswerArea
    from assistant.ui.version_views import VersionViews

    area = AnswerArea()
    area.resize(900, 700)
    area.show()
    views = VersionViews(area)
    for key, text in enumerate(texts):  # each version shown once: highlighted once
        views.show(key, text, "markdown")
        wait_until(lambda: not area.views[0].highlighter.pending)
    for view_key in range(2):
        views.show(view_key, texts[view_key], "markdown")
        area.views[0].highlighter.blocks_highlighted = 0
    times: list[float] = []
    lexed = 0
    for number in range(rounds * 2):
        key = number % 2
        before = area.views[0]
        before.highlighter.blocks_highlighted = 0
        started = time.perf_counter()
        views.show(key, texts[key], "markdown")
        area.repaint()
        times.append((time.perf_counter() - started) * 1000)
        wait_until(lambda: True)
        lexed += sum(view.highlighter.blocks_highlighted for view in (before, area.views[0]))
    area.close()
    return times, lexed


def _step_reset(texts: tuple[str, str], rounds: int) -> tuple[list[float], int]:
    from assistant.ui.answer_view import AnswerView

    view = AnswerView()
    view.resize(900, 700)
    view.show()
    view.set_answer(texts[1], "markdown")
    wait_until(lambda: not view.highlighter.pending)
    times: list[float] = []
    lexed = 0
    for number in range(rounds * 2):
        view.highlighter.blocks_highlighted = 0
        started = time.perf_counter()
        view.set_answer(texts[number % 2], "markdown")
        wait_until(lambda: not view.highlighter.pending)
        view.repaint()
        times.append((time.perf_counter() - started) * 1000)
        lexed += view.highlighter.blocks_highlighted
    view.close()
    return times, lexed


def run(quick: bool = False) -> list[Figure]:
    qt_app()
    rounds = 1 if quick else 5
    texts = versions(5_000 if quick else 50_000)
    kept, kept_lexed = _step_kept(texts, rounds)
    reset, reset_lexed = _step_reset(texts, rounds)
    note = f"{len(texts[0])}_chars,{texts[0].count(chr(10))}_lines,median_of_{rounds * 2}_steps"
    return [
        Figure(
            "version_step_ms", median(kept), median(reset), "ms", 1.0, limit=FRAME_MS, note=note
        ),
        Figure(
            "version_step_blocks_lexed",
            kept_lexed,
            reset_lexed,
            "blocks",
            0.0,
            note=f"all_{rounds * 2}_steps",
        ),
    ]


if __name__ == "__main__":
    raise SystemExit(run_main(run))
