"""The one diff of the app: word level for prose, line level for code, hunks, applying a chosen
subset of hunks, and unified diffs that ``patch`` applies.

A :class:`TextDiff` is computed once (off the GUI thread for big texts) and read by every view:
its ``pieces()`` alternate unchanged text and :class:`Hunk` s, and ``apply(accepted)`` rebuilds the
text with only the accepted hunks taken from the new side (the others keep the old text). Hunks
know their character offsets in both texts, so applying never re-diffs and never touches the
unchanged text: CRLF, tabs, non-ASCII and a missing final newline come out byte for byte.

Prose (``by_lines=False``) is diffed in two levels: sentences and lines first, then words inside
the changed sentences, so two 50 000-character versions cost about as much as their changes.
Changes separated only by spaces are one hunk ("the quick" -> "a slow" is one hunk, not two).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

from assistant.core.text.sequence_match import grouped, opcodes

_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")
# A sentence ends at a newline, at .!? followed by blanks, or at CJK full stops.
_SENTENCE = re.compile(r"[^\n]*?(?:[.!?]+[^\S\n]+|[。！？]+[^\S\n]*|\n)|[^\n]+\Z")
# Words, runs of blanks, each newline, each CJK character and each other symbol are tokens.
_TOKEN = re.compile(
    r"\n|[^\S\n]+|[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]|\w+|[^\w\s]"
)
_NO_NEWLINE = "\\ No newline at end of file\n"


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` with their endings (``\\r\\n`` stays whole; only ``\\n`` splits)."""
    return _LINE.findall(text)


def line_count(text: str) -> int:
    """Number of lines, the last one counted even without a final newline."""
    return len(split_lines(text))


@dataclass(frozen=True)
class Hunk:
    """One change: ``old[old_start:old_end]`` became ``new[new_start:new_end]``."""

    index: int
    old_start: int
    old_end: int
    new_start: int
    new_end: int
    old_text: str
    new_text: str
    old_line: int
    """1-based line of the old text where the hunk starts."""
    new_line: int
    """1-based line of the new text where the hunk starts."""

    @property
    def kind(self) -> str:
        """``insert``, ``delete`` or ``replace``."""
        if not self.old_text:
            return "insert"
        return "delete" if not self.new_text else "replace"


@dataclass(frozen=True)
class TextDiff:
    """Two texts and the hunks that turn the old one into the new one."""

    old: str
    new: str
    by_lines: bool
    hunks: tuple[Hunk, ...]

    @property
    def identical(self) -> bool:
        return not self.hunks

    def pieces(self) -> Iterator[str | Hunk]:
        """Unchanged text (``str``, never empty) and hunks, in order, covering both texts."""
        position = 0
        for hunk in self.hunks:
            if hunk.old_start > position:
                yield self.old[position : hunk.old_start]
            yield hunk
            position = hunk.old_end
        if position < len(self.old):
            yield self.old[position:]

    def apply(self, accepted: Collection[int] | None = None) -> str:
        """The old text with the accepted hunks (by index; all when None) taken from the new."""
        if accepted is None:
            return self.new
        parts: list[str] = []
        position = 0
        for hunk in self.hunks:
            if hunk.index in accepted:
                parts.append(self.old[position : hunk.old_start])
                parts.append(hunk.new_text)
                position = hunk.old_end
        parts.append(self.old[position:])
        return "".join(parts)


def diff_text(old: str, new: str, *, by_lines: bool) -> TextDiff:
    """Line-level (code) or word-level (prose) diff of ``old`` against ``new``."""
    if by_lines:
        spans = _spans(split_lines(old), split_lines(new), 0, 0)
    else:
        spans = []
        for tag, o1, o2, n1, n2 in _spans(_SENTENCE.findall(old), _SENTENCE.findall(new), 0, 0):
            if tag == "replace":
                spans += _merge_blank_gaps(_word_spans(old[o1:o2], new[n1:n2], o1, n1), old)
            else:
                spans.append((tag, o1, o2, n1, n2))
    return TextDiff(old, new, by_lines, _hunks(old, new, spans))


def diff_code(old: str, new: str) -> TextDiff:
    """Line-level diff (code)."""
    return diff_text(old, new, by_lines=True)


def diff_prose(old: str, new: str) -> TextDiff:
    """Word-level diff (prose)."""
    return diff_text(old, new, by_lines=False)


Span = tuple[str, int, int, int, int]

_WORDS_PER_PASS = 3000
"""Word diffs grow faster than their length: a bigger changed region is diffed in slices."""


def _word_spans(old: str, new: str, old_base: int, new_base: int) -> list[Span]:
    """Word-level spans of one changed region; a rewrite of thousands of words goes in slices."""
    tokens_old, tokens_new = _TOKEN.findall(old), _TOKEN.findall(new)
    slices = -(-min(len(tokens_old), len(tokens_new)) // _WORDS_PER_PASS)
    if slices <= 1:
        return _spans(tokens_old, tokens_new, old_base, new_base)
    spans: list[Span] = []
    old_at, new_at = old_base, new_base
    for part in range(slices):
        part_old = _slice(tokens_old, part, slices)
        part_new = _slice(tokens_new, part, slices)
        spans += _spans(part_old, part_new, old_at, new_at)
        old_at += sum(map(len, part_old))
        new_at += sum(map(len, part_new))
    return spans


def _slice(tokens: list[str], part: int, parts: int) -> list[str]:
    return tokens[len(tokens) * part // parts : len(tokens) * (part + 1) // parts]


def _spans(old: Sequence[str], new: Sequence[str], old_base: int, new_base: int) -> list[Span]:
    """The changed spans between two token lists, as character offsets (plus the bases)."""
    old_offsets = _offsets(old, old_base)
    new_offsets = _offsets(new, new_base)
    return [
        (tag, old_offsets[i1], old_offsets[i2], new_offsets[j1], new_offsets[j2])
        for tag, i1, i2, j1, j2 in opcodes(old, new)
        if tag != "equal"
    ]


def _offsets(tokens: Sequence[str], base: int) -> list[int]:
    """Character offset of each token and of the end."""
    offsets = [base]
    for token in tokens:
        offsets.append(offsets[-1] + len(token))
    return offsets


def _merge_blank_gaps(spans: list[Span], old: str) -> list[Span]:
    """Join changes separated only by blanks (no newline) into one."""
    merged: list[Span] = []
    for span in spans:
        if merged:
            previous = merged[-1]
            gap = old[previous[2] : span[1]]
            if not gap.strip() and "\n" not in gap:
                merged[-1] = ("replace", previous[1], span[2], previous[3], span[4])
                continue
        merged.append(span)
    return merged


def _hunks(old: str, new: str, spans: list[Span]) -> tuple[Hunk, ...]:
    hunks: list[Hunk] = []
    old_line = new_line = 1
    old_seen = new_seen = 0
    for index, (_tag, o1, o2, n1, n2) in enumerate(spans):
        old_line += old.count("\n", old_seen, o1)
        new_line += new.count("\n", new_seen, n1)
        old_seen, new_seen = o1, n1
        hunks.append(Hunk(index, o1, o2, n1, n2, old[o1:o2], new[n1:n2], old_line, new_line))
    return tuple(hunks)


def deleted_line_share(old: str, new: str) -> float:
    """Share of ``old``'s lines that ``new`` drops without a replacement (0.0 … 1.0)."""
    old_lines = split_lines(old)
    if not old_lines:
        return 0.0
    dropped = 0
    for tag, i1, i2, j1, j2 in opcodes(old_lines, split_lines(new)):
        if tag == "delete":
            dropped += i2 - i1
        elif tag == "replace":
            dropped += max(0, (i2 - i1) - (j2 - j1))
    return dropped / len(old_lines)


def unified_diff(old: str, new: str, path: str, context: int = 3) -> str:
    """A unified diff (``--- a/PATH``, ``+++ b/PATH``) that ``patch -p1`` applies; "" if equal."""
    old_lines, new_lines = split_lines(old), split_lines(new)
    out: list[str] = []
    for group in grouped(opcodes(old_lines, new_lines), context):
        if not out:
            end = "\t\n" if any(c.isspace() for c in path) else "\n"  # as git: patch reads to a tab
            out += [f"--- a/{path}{end}", f"+++ b/{path}{end}"]
        i1, i2 = group[0][1], group[-1][2]
        j1, j2 = group[0][3], group[-1][4]
        out.append(f"@@ -{_range(i1, i2)} +{_range(j1, j2)} @@\n")
        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                out += _marked(" ", old_lines[a1:a2])
                continue
            out += _marked("-", old_lines[a1:a2])
            out += _marked("+", new_lines[b1:b2])
    return "".join(out)


def _range(start: int, end: int) -> str:
    """A hunk header range (1-based start, length; an empty range names the line before it)."""
    length = end - start
    return f"{start + 1 if length else start},{length}"


def _marked(mark: str, lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        if line.endswith("\n"):
            out.append(mark + line)
        else:
            out += [mark + line + "\n", _NO_NEWLINE]
    return out


def match_line_endings(code: str, original: str) -> str:
    """``code`` with ``original``'s line endings (CRLF or LF) and its final newline or its lack."""
    lines = split_lines(original)
    crlf = bool(lines) and all(line.endswith("\r\n") for line in lines if line.endswith("\n"))
    crlf = crlf and "\r\n" in original
    text = code.replace("\r\n", "\n")
    if crlf:
        text = text.replace("\n", "\r\n")
    newline = "\r\n" if crlf else "\n"
    if original.endswith("\n") and text and not text.endswith("\n"):
        text += newline
    elif original and not original.endswith("\n") and text.endswith(newline):
        text = text[: -len(newline)]
    return text
