"""Highlighting: a 10 000-line Python file loaded into the input CodeEditor.

App: ``setPlainText`` into the real ``CodeEditor`` until no block waits for highlighting, with a
5 ms GUI heartbeat (the longest stall includes the ``setPlainText`` call itself). Baseline, same
run: the same text into a plain ``QPlainTextEdit`` (no highlighter). Then one keystroke in the
middle of the file: how many blocks were lexed again (only those whose lexer state changed).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import Figure, Heartbeat, median, qt_app, run_main, wait_until

FULL_LIMIT_S = 1.0
STALL_LIMIT_MS = 50.0


def python_source(lines: int) -> str:
    """About ``lines`` lines of varied Python (strings over several lines, comments, classes)."""
    unit = [
        "class Item{n}(Base):",
        '    """A docstring that spans',
        "    two lines, with {{braces}} and 'quotes'.",
        '    """',
        "",
        "    limit: int = {n}  # a comment",
        "",
        "    def run(self, values: list[str]) -> dict[str, int]:",
        "        total = sum(len(v) for v in values if v.startswith('x'))",
        '        return {{"total": total, "hex": 0x{n:x}, "float": {n}.5e-3}}',
    ]
    text: list[str] = []
    number = 0
    while len(text) < lines:
        text += [line.format(n=number) for line in unit]
        number += 1
    return "\n".join(text[:lines]) + "\n"


def _load_plain(source: str) -> float:
    from PySide6.QtWidgets import QPlainTextEdit

    editor = QPlainTextEdit()
    editor.resize(800, 600)
    editor.show()
    started = time.perf_counter()
    editor.setPlainText(source)
    wait_until(lambda: True)
    seconds = time.perf_counter() - started
    editor.close()
    return seconds


def _load_highlighted(source: str) -> tuple[float, list[float], int]:
    """(seconds until fully highlighted, heartbeat stalls, blocks lexed by one keystroke)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest

    from assistant.ui.code_editor import CodeEditor

    editor = CodeEditor(language="python")
    editor.resize(800, 600)
    editor.show()
    wait_until(lambda: True)
    beat = Heartbeat()
    beat.start()
    started = time.perf_counter()
    editor.setPlainText(source)
    wait_until(lambda: not editor.highlighter.pending)
    seconds = time.perf_counter() - started
    wait_until(lambda: len(beat.gaps) > 2)  # one more tick closes the last gap
    beat.stop()
    cursor = editor.textCursor()
    middle = editor.document().findBlockByNumber(editor.blockCount() // 2 + 5)  # a code line
    cursor.setPosition(middle.position() + len(middle.text()))
    editor.setTextCursor(cursor)
    editor.highlighter.blocks_highlighted = 0
    QTest.keyClick(editor, Qt.Key.Key_X)
    relexed = editor.highlighter.blocks_highlighted
    cursor.movePosition(QTextCursor.MoveOperation.End)
    editor.close()
    return seconds, beat.stalls(), relexed


def run(quick: bool = False) -> list[Figure]:
    qt_app()
    lines = 1_000 if quick else 10_000
    rounds = 1 if quick else 3
    source = python_source(lines)
    plain, highlighted, stalls, relexed = [], [], [], 0
    for _ in range(rounds):
        plain.append(_load_plain(source))
        seconds, round_stalls, relexed = _load_highlighted(source)
        highlighted.append(seconds)
        stalls += round_stalls
    note = f"{lines}_lines,median_of_{rounds}"
    return [
        Figure(
            "highlight_full_s",
            median(highlighted),
            median(plain),
            "s",
            1.0,
            limit=FULL_LIMIT_S,
            note=note,
        ),
        Figure(
            "highlight_stall_max_ms",
            max(stalls, default=0.0),
            0.0,
            "ms",
            1.0,
            limit=STALL_LIMIT_MS,
        ),
        Figure(
            "highlight_keystroke_blocks",
            relexed,
            1,
            "blocks",
            1.0,
            limit=3,
            note="blocks_relexed_by_one_key_in_the_middle",
        ),
    ]


if __name__ == "__main__":
    raise SystemExit(run_main(run))
