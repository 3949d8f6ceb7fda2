"""What the diff view inserts, worked out on the worker thread (plain Python, no Qt calls).

A :class:`DiffLayout` holds the diff and, for each of its three documents (inline, left side,
right side), the runs of text to insert in order, each tagged as unchanged, deleted, inserted or
filler (blank lines that keep both sides of a line diff aligned) and with its hunk. The GUI thread
then only inserts runs; it never walks the texts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.core.text.diffs import Hunk, TextDiff, diff_text, split_lines

SAME, DELETED, INSERTED, FILLER, FOLD = "same", "deleted", "inserted", "filler", "fold"
CONTEXT_LINES = 3
"""Unchanged lines shown around each change of a line diff when the rest is folded."""
FOLD_AT_LEAST = 4
"""A fold hides at least this many lines (fewer are shown as they are)."""


@dataclass(frozen=True)
class Run:
    """A piece of one document: its text, what it is, and its hunk (-1: unchanged/filler)."""

    text: str
    kind: str
    hunk: int = -1


@dataclass
class DiffLayout:
    """The diff and the runs of its inline, left and right documents."""

    diff: TextDiff
    inline: list[Run] = field(default_factory=list)
    left: list[Run] = field(default_factory=list)
    right: list[Run] = field(default_factory=list)


def lay_out(old: str, new: str, by_lines: bool, fold_label: str = "") -> DiffLayout:
    """Diff ``old`` against ``new`` and plan the three documents (worker thread)."""
    return plan(diff_text(old, new, by_lines=by_lines), fold_label)


def plan(diff: TextDiff, fold_label: str = "") -> DiffLayout:
    """The three documents of ``diff``. With a ``fold_label`` (``"… {0} unchanged lines …"``),
    a line diff shows only :data:`CONTEXT_LINES` unchanged lines around each change and one
    line with the label for the rest."""
    layout = DiffLayout(diff)
    pieces = list(diff.pieces())
    for number, piece in enumerate(pieces):
        if isinstance(piece, str):
            label = fold_label if diff.by_lines else ""
            unchanged = _unchanged(piece, number == 0, number == len(pieces) - 1, label)
            for runs in (layout.inline, layout.left, layout.right):
                runs += unchanged
        else:
            _add_hunk(layout, piece, diff.by_lines)
    return layout


def _unchanged(text: str, first: bool, last: bool, fold_label: str) -> list[Run]:
    """Unchanged text, folded down to the context of its neighbouring changes."""
    if not fold_label:
        return [Run(text, SAME)]
    lines = split_lines(text)
    head = 0 if first else CONTEXT_LINES
    tail = 0 if last else CONTEXT_LINES
    hidden = len(lines) - head - tail
    if hidden < FOLD_AT_LEAST:
        return [Run(text, SAME)]
    runs = [Run("".join(lines[:head]), SAME)] if head else []
    runs.append(Run(fold_label.format(hidden) + "\n", FOLD))
    if tail:
        runs.append(Run("".join(lines[len(lines) - tail :]), SAME))
    return runs


def _add_hunk(layout: DiffLayout, hunk: Hunk, by_lines: bool) -> None:
    old_text, new_text = hunk.old_text, hunk.new_text
    if by_lines and old_text and new_text and not old_text.endswith("\n"):
        old_shown = old_text + "\n"  # a last line without newline, then its replacement
    else:
        old_shown = old_text
    if old_text:
        layout.inline.append(Run(old_shown, DELETED, hunk.index))
        layout.left.append(Run(old_text, DELETED, hunk.index))
    if new_text:
        layout.inline.append(Run(new_text, INSERTED, hunk.index))
        layout.right.append(Run(new_text, INSERTED, hunk.index))
    if not by_lines:
        return
    old_lines, new_lines = _lines(old_text), _lines(new_text)
    if old_lines < new_lines:
        layout.left.append(Run("\n" * (new_lines - old_lines), FILLER, hunk.index))
    elif new_lines < old_lines:
        layout.right.append(Run("\n" * (old_lines - new_lines), FILLER, hunk.index))


def _lines(text: str) -> int:
    return text.count("\n") + (1 if text and not text.endswith("\n") else 0)


def hunk_summary(hunk: Hunk, by_lines: bool, width: int = 40) -> tuple[int, int, str, str]:
    """(lines removed, lines added, old preview, new preview) of a hunk, for its list entry."""
    removed, added = _lines(hunk.old_text), _lines(hunk.new_text)
    return removed, added, _preview(hunk.old_text, width), _preview(hunk.new_text, width)


def _preview(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
