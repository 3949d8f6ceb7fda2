"""Tell when a model is stuck in a loop: the same span of text again and again at the end.

Small models (and sometimes big ones) fall into a loop: one sentence, line or short phrase repeated
until Max tokens. :func:`find_loop` looks at the end of an answer for a span repeated back to back;
:class:`RepetitionGuard` runs it on a stream every few hundred characters.

The text is compared as tokens (runs of non-space characters; each CJK character on its own), so
line breaks and spacing do not matter, and nothing is normalised beyond that: lines that differ
only in a number (test cases, numbered lists, table rows) are different. A loop needs both several
copies *and* a long repeated stretch: at least ``MIN_REPEATS`` copies back to back covering at
least ``MIN_RUN_CHARS`` characters (so a short span needs many copies), so a chorus sung twice, a
few identical list items or an empty table row never count. Spans without a letter or digit
outside markup (table rules ``|---|---|``, empty cells, ``}``, ``====``, ``<td></td>``) never
count either, and spans of data literals only (numbers, ``0x00``, ``true``/``null``: a zero
grid, a byte table) need a stretch ``DATA_RUN_FACTOR`` times as long.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

MIN_REPEATS = 3
"""A span must be there at least this many times back to back."""
MIN_RUN_CHARS = 360
"""...and the repeated stretch must be at least this long (short spans need more copies)."""
DATA_RUN_FACTOR = 4
"""A span of data literals only (``[0, 0, 0, 0],``) needs this many times ``MIN_RUN_CHARS``: a
16 x 16 zero grid is code, not a loop; a runaway ``0, 0, 0`` is still stopped."""
TAIL_CHARS = 6000
"""Only the end of the text is looked at (a loop is a property of the end)."""
CHECK_EVERY_CHARS = 160
"""How often :class:`RepetitionGuard` looks, in characters of new text."""

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\uff00-\uffef\u3000-\u303f"


@cache
def _pattern(source: str) -> re.Pattern[str]:
    """``source`` compiled on first use (the CJK classes take ~4 ms: not at start-up)."""
    return re.compile(source)


_TOKEN = rf"[{_CJK}]|[^\s{_CJK}]+"
_TAG = r"</?[A-Za-z][^<>]*>"
_WORD = r"[0-9A-Za-z_.+-]+"
_LITERAL = (
    r"(?i)[-+]?(0[xbo][0-9a-f_]+|([0-9][0-9_]*)?\.?[0-9]+(e[-+]?[0-9]+)?[ulf]*)"
    r"|true|false|null|none|nil|nan|inf"
)


@dataclass(frozen=True)
class Loop:
    """A span repeated at the end of a text.

    ``span`` is the first copy, ``repeats`` how many whole copies follow each other, ``start``
    the offset in the text where the first copy begins (everything after it repeats it).
    """

    span: str
    repeats: int
    start: int


def find_loop(text: str) -> Loop | None:
    """The loop at the end of ``text``, or None (the shortest repeated span wins)."""
    offset = max(0, len(text) - TAIL_CHARS)
    tail = text[offset:]
    matches = list(_pattern(_TOKEN).finditer(tail))
    if matches and tail and not tail[-1].isspace():
        matches.pop()  # the last token may still be growing (a stream cut mid-word)
    words = [match.group() for match in matches]
    count = len(words)
    if count < 2 * MIN_REPEATS:
        return None
    last = words[-1]
    for period in range(1, count // MIN_REPEATS + 1):
        if words[-1 - period] != last:
            continue
        run = _run_length(words, period)
        copies = (run + period) // period
        if copies < MIN_REPEATS:
            continue
        first = count - run - period  # the first token of the repeated stretch
        span_start = matches[first].start()
        span_end = matches[first + period - 1].end()
        span = tail[span_start:span_end]
        needed = MIN_RUN_CHARS * (DATA_RUN_FACTOR if _is_data(span) else 1)
        if not _has_content(span) or matches[-1].end() - span_start < needed:
            continue
        return Loop(span=span, repeats=copies, start=offset + span_start)
    return None


def _run_length(words: list[str], period: int) -> int:
    """How many tokens, counted back from the end, equal the token ``period`` before them."""
    run = 0
    index = len(words) - 1
    while index - period >= 0 and words[index] == words[index - period]:
        run += 1
        index -= 1
    return run


def _has_content(span: str) -> bool:
    """True when the span has a letter or digit outside markup tags (``<td></td>`` has none)."""
    return any(char.isalnum() for char in _pattern(_TAG).sub("", span))


def _is_data(span: str) -> bool:
    """True when the span's words are all data literals (numbers, ``0x1f``, ``true``, ``null``)."""
    if any(char.isalpha() and not char.isascii() for char in span):
        return False
    words = [word.strip(".") for word in _pattern(_WORD).findall(span)]
    literal = _pattern(_LITERAL)
    return all(literal.fullmatch(word) for word in words if word)


class RepetitionGuard:
    """Watches streamed text (per variant) and reports the first loop it finds.

    Feeding costs O(1) per delta: the deltas are kept as pieces and joined into the end of the
    text (``TAIL_CHARS``) only when it is looked at: every ``check_every`` characters, and in a
    long answer every 1/16 of what came so far (a 200 KB answer is looked at ~90 times, 0.6 ms
    each here).
    """

    def __init__(self, check_every: int = CHECK_EVERY_CHARS) -> None:
        self._check_every = check_every
        self._tails: dict[int, str] = {}
        self._pending: dict[int, list[str]] = {}
        self._fed: dict[int, int] = {}
        self._unchecked: dict[int, int] = {}

    def feed(self, text: str, index: int = 0) -> Loop | None:
        """Add streamed ``text`` of variant ``index``; the loop at its end, checked now and then.

        ``Loop.start`` counts from the start of everything fed for that variant.
        """
        self._pending.setdefault(index, []).append(text)
        self._fed[index] = self._fed.get(index, 0) + len(text)
        unchecked = self._unchecked.get(index, 0) + len(text)
        if unchecked < max(self._check_every, self._fed[index] // 16):
            self._unchecked[index] = unchecked
            return None
        self._unchecked[index] = 0
        tail = (self._tails.get(index, "") + "".join(self._pending.pop(index)))[-TAIL_CHARS:]
        self._tails[index] = tail
        loop = find_loop(tail)
        if loop is None:
            return None
        return replace(loop, start=loop.start + self._fed[index] - len(tail))

    def fed(self, index: int = 0) -> int:
        """Characters fed for variant ``index``."""
        return self._fed.get(index, 0)
