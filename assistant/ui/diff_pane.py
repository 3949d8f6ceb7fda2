"""One document of the diff view: the runs of a :class:`~assistant.ui.diff_layout.DiffLayout`
inserted with their colours, and where each hunk's text went (to recolour it when it is accepted
or rejected, to scroll to it, and to find the hunk under the cursor).
"""

from __future__ import annotations

import time
from bisect import bisect_right

from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QGuiApplication,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QPlainTextEdit

from assistant.ui.diff_layout import DELETED, FILLER, FOLD, INSERTED, SAME, Run
from assistant.ui.qt_keys import set_keys
from assistant.ui.theme import monospace_font

PIECE_CHARS = 8_000
"""The most text inserted in one call while a document is filled in slices."""
_COLOURS = {  # (light, dark) backgrounds
    DELETED: ("#ffd7d5", "#5c2326"),
    INSERTED: ("#ccf2d4", "#1f4a2b"),
    FILLER: ("#f0f0f0", "#2a2a2a"),
    "rejected": ("#eeeeee", "#333333"),
}


class DiffPane(QPlainTextEdit):
    """One read-only document of the diff, knowing where each hunk's runs went."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        set_keys(self, "lineWrapMode", "NoWrap")
        self.spans: dict[int, list[tuple[int, int, str]]] = {}  # hunk -> (start, end, kind)
        self._cursor = QTextCursor(self.document())
        self._by_lines = True
        self._dark = False
        self.starts: list[int] = []  # first position of each hunk, in hunk order
        self.hunk_ids: list[int] = []

    def fill(self, runs: list[Run], by_lines: bool, dark: bool) -> None:
        """Insert all the runs at once (see :meth:`begin` and :meth:`add`)."""
        self.begin(by_lines, dark)
        self.add(runs, (0, 0))
        self.end(runs)

    def begin(self, by_lines: bool, dark: bool) -> None:
        """Start a new document (then :meth:`add` the runs and :meth:`end`)."""
        self.clear()
        self.spans.clear()
        self.starts.clear()
        self.hunk_ids.clear()
        self._by_lines, self._dark = by_lines, dark
        self.setFont(monospace_font() if by_lines else QGuiApplication.font())
        self.setTabStopDistance(QFontMetricsF(monospace_font()).horizontalAdvance(" ") * 4)
        set_keys(self, "lineWrapMode", "NoWrap" if by_lines else "WidgetWidth")
        self._cursor = QTextCursor(self.document())

    def add(
        self, runs: list[Run], at: tuple[int, int], deadline: float | None = None
    ) -> tuple[int, int]:
        """Insert runs from ``at`` (run, offset in it) in pieces of at most :data:`PIECE_CHARS`,
        until ``deadline`` (``time.perf_counter()``; None: all), every hunk coloured as
        accepted; returns where to go on (``len(runs)`` when done)."""
        index, offset = at
        self._cursor.beginEditBlock()  # one layout pass for the slice (per piece costs 3-8x)
        while index < len(runs):
            run = runs[index]
            piece = run.text[offset : offset + PIECE_CHARS]
            self._insert(run, piece, offset)
            offset += len(piece)
            if offset >= len(run.text):
                index, offset = index + 1, 0
            if deadline is not None and time.perf_counter() >= deadline:
                break
        self._cursor.endEditBlock()
        return index, offset

    def _insert(self, run: Run, piece: str, offset: int) -> None:
        """One piece of a run, coloured; its hunk's range is noted or extended."""
        cursor, by_lines, dark = self._cursor, self._by_lines, self._dark
        start = cursor.position()
        if by_lines:  # the blocks that the run's newlines make inherit the format
            cursor.setBlockFormat(block_format(run.kind, True, dark))
        cursor.insertText(piece, char_format(run.kind, True, by_lines, dark))
        if run.hunk >= 0:
            if run.hunk not in self.spans:
                self.spans[run.hunk] = []
                self.starts.append(start)
                self.hunk_ids.append(run.hunk)
            spans = self.spans[run.hunk]
            if offset:  # the run goes on: its span grows
                spans[-1] = (spans[-1][0], cursor.position(), run.kind)
            else:
                spans.append((start, cursor.position(), run.kind))

    def end(self, runs: list[Run]) -> None:
        """The document is complete: the empty line after a final newline is not coloured."""
        if self._by_lines and runs and runs[-1].text.endswith("\n"):
            self._cursor.setBlockFormat(block_format(SAME, True, self._dark))

    def hunk_at(self, position: int) -> int | None:
        """The hunk whose text holds ``position``, if any."""
        slot = bisect_right(self.starts, position) - 1
        if slot < 0:
            return None
        hunk = self.hunk_ids[slot]
        return hunk if any(s <= position <= e for s, e, _k in self.spans[hunk]) else None

    def show_hunk(self, hunk: int) -> None:
        """Scroll to the hunk and put the cursor at its start."""
        spans = self.spans.get(hunk)
        if spans:
            cursor = self.textCursor()
            cursor.setPosition(spans[0][0])
            self.setTextCursor(cursor)
            self.centerCursor()


def char_format(kind: str, accepted: bool, by_lines: bool, dark: bool) -> QTextCharFormat:
    """The character format of a run: accepted hunks show the change, rejected ones what stays."""
    fmt = QTextCharFormat()
    if kind == FOLD:
        fmt.setForeground(QColor("#808080"))
        fmt.setFontItalic(True)
    if kind in (SAME, FILLER, FOLD):
        return fmt
    if kind == INSERTED and not accepted:
        fmt.setForeground(QColor("#8a8a8a"))
        fmt.setFontStrikeOut(True)
    elif kind == DELETED and accepted:
        fmt.setFontStrikeOut(not by_lines)
    if not by_lines and (accepted or kind == INSERTED):
        fmt.setBackground(QColor(_COLOURS[kind if accepted else "rejected"][dark]))
    return fmt


def block_format(kind: str, accepted: bool, dark: bool) -> QTextBlockFormat:
    """The line background of a run of a line diff."""
    fmt = QTextBlockFormat()
    if kind == SAME:
        return fmt
    if kind == FOLD:
        kind = FILLER
    if kind == FILLER or accepted:
        fmt.setBackground(QColor(_COLOURS[kind][dark]))
    elif kind == INSERTED:
        fmt.setBackground(QColor(_COLOURS["rejected"][dark]))
    return fmt
