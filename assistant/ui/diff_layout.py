"""What the diff view inserts, worked out on the worker thread (plain Python, no Qt calls).

A :class:`DiffLayout` holds the diff and, for each of its three documents (inline, left side,
right side), the runs of text to insert in order, each tagged as unchanged, deleted, inserted or
filler (blank lines that keep both sides of a line diff aligned) and with its hunk. The GUI thread
then only inserts runs; it never walks the texts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.core.text.diffs import Hunk, TextDiff, diff_text

SAME, DELETED, INSERTED, FILLER = "same", "deleted", "inserted", "filler"


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


def lay_out(old: str, new: str, by_lines: bool) -> DiffLayout:
    """Diff ``old`` against ``new`` and plan the three documents (worker thread)."""
    diff = diff_text(old, new, by_lines=by_lines)
    layout = DiffLayout(diff)
    for piece in diff.pieces():
        if isinstance(piece, str):
            for runs in (layout.inline, layout.left, layout.right):
                runs.append(Run(piece, SAME))
        else:
            _add_hunk(layout, piece, by_lines)
    return layout


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
