"""The diff view: two 50 000-character versions of a text and a 5 000-line file.

App: ``DiffView.show_diff`` (diff and layout on a worker, documents filled in the GUI thread;
as a person first sees it: a line diff shows 3 unchanged lines around each change and folds the
rest into one line, prose is shown whole) until the diff is painted (``sig_shown``, then a
synchronous repaint), median of the rounds, with
a 5 ms GUI heartbeat (its longest stall). Baseline, same run: the new text alone set into a plain
``QPlainTextEdit`` of the same size and painted (what showing the answer without a diff costs).
The limits are the issues' 200 ms for the view to show the diff and 50 ms for a GUI stall; the
stall's baseline is the idle window's heartbeat over as long, same run (the machine's own load).
"""

from __future__ import annotations

import random
import re
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import (
    Figure,
    Heartbeat,
    median,
    qt_app,
    run_main,
    stall_max,
    wait_until,
)
from tests.benchmarks.highlighting import python_source

SHOWN_LIMIT_MS = 200.0
STALL_LIMIT_MS = 50.0
_WORDS = re.findall(
    r"\w+",
    "the a of to and in that is was for it with as on be at by this had not are but from or have"
    " an they which one you were all there would their we been has when who will more no if out"
    " so said what up its about into than them can only other new some could time these two may"
    " then do first any my now such like our over even most made after also did many before",
)


def prose_versions(size: int, seed: int = 7) -> tuple[str, str]:
    """A text of about ``size`` characters in paragraphs, and an edited version of it: a word
    changed in every seventh sentence, one paragraph added and one removed."""
    rng = random.Random(seed)
    paragraphs: list[list[str]] = []
    length = 0
    while length < size:
        sentences = []
        for _ in range(rng.randint(3, 6)):
            words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 22))]
            sentences.append(" ".join(words).capitalize() + ".")
            length += len(sentences[-1]) + 1
        paragraphs.append(sentences)
    edited = [list(p) for p in paragraphs]
    count = 0
    for sentences in edited:
        for index, sentence in enumerate(sentences):
            count += 1
            if count % 7 == 0:
                words = sentence.split(" ")
                words[2] = "changed"
                sentences[index] = " ".join(words)
    edited.insert(len(edited) // 3, ["A paragraph that was not there before."])
    del edited[2 * len(edited) // 3]
    return _join(paragraphs), _join(edited)


def _join(paragraphs: list[list[str]]) -> str:
    return "\n\n".join(" ".join(sentences) for sentences in paragraphs) + "\n"


def code_versions(lines: int) -> tuple[str, str]:
    """A Python file of ``lines`` lines and a version with a change every 100 lines."""
    old = python_source(lines).splitlines(keepends=True)
    new = list(old)
    for index in range(50, len(new), 100):
        new[index] = new[index].rstrip("\n") + "  # edited\n"
    del new[len(new) // 2 : len(new) // 2 + 3]
    return "".join(old), "".join(new)


def _show_diff(old: str, new: str, by_lines: bool, beat: Heartbeat) -> tuple[float, list[float]]:
    from assistant.ui.diff_view import DiffView

    view = DiffView()
    view.resize(1000, 700)
    view.show()
    wait_until(lambda: True)
    shown: list[bool] = []
    view.sig_shown.connect(lambda: shown.append(True))
    beat.start()
    started = time.perf_counter()
    view.show_diff(old, new, by_lines=by_lines)
    wait_until(lambda: bool(shown))
    view.repaint()
    elapsed = (time.perf_counter() - started) * 1000
    wait_until(lambda: len(beat.gaps) > 2)  # one more tick closes the last gap
    beat.stop()
    view.close()
    view.deleteLater()
    return elapsed, beat.stalls()


def _show_plain(text: str) -> float:
    from PySide6.QtWidgets import QPlainTextEdit

    editor = QPlainTextEdit()
    editor.resize(1000, 700)
    editor.show()
    wait_until(lambda: True)
    started = time.perf_counter()
    editor.setPlainText(text)
    editor.repaint()
    elapsed = (time.perf_counter() - started) * 1000
    editor.close()
    editor.deleteLater()
    return elapsed


def _idle_stalls(beat: Heartbeat, seconds: float) -> list[float]:
    """The heartbeat of the idle window for as long (what the machine's load alone costs)."""
    beat.start()
    ends = time.perf_counter() + seconds
    wait_until(lambda: time.perf_counter() >= ends)
    beat.stop()
    return beat.stalls()


def run(quick: bool = False) -> list[Figure]:
    qt_app()
    rounds = 1 if quick else 5
    cases = {
        "diff_prose_50k_ms": (*prose_versions(5_000 if quick else 50_000), False),
        "diff_code_5000_lines_ms": (*code_versions(500 if quick else 5_000), True),
    }
    beat = Heartbeat()
    figures: list[Figure] = []
    stalls: list[float] = []
    idle: list[float] = []
    for name, (old, new, by_lines) in cases.items():
        app, baseline = [], []
        for _ in range(rounds):
            baseline.append(_show_plain(new))
            elapsed, round_stalls = _show_diff(old, new, by_lines, beat)
            app.append(elapsed)
            stalls += round_stalls
            idle += _idle_stalls(beat, elapsed / 1000)
        note = f"{len(old)}_chars,{old.count(chr(10))}_lines,median_of_{rounds}"
        figures.append(
            Figure(name, median(app), median(baseline), "ms", 1.0, limit=SHOWN_LIMIT_MS, note=note)
        )
    note = "GUI_heartbeat_during_both_diffs,baseline=idle_window_as_long"
    figures.append(stall_max("diff_stall_max_ms", stalls, idle, STALL_LIMIT_MS, note))
    return figures


if __name__ == "__main__":
    raise SystemExit(run_main(run))
