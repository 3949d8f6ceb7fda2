"""What happened to the person's text on its way to the model, said in plain words.

Two places change text. Qt's editors turn ``\\r\\n``, ``\\r``, U+2028 and U+2029 into ``\\n``
and decode clipboard bytes that are not UTF-8 as U+FFFD (:func:`editor_changes` compares what
was pasted with what the editor holds). JSON in UTF-8 cannot carry lone surrogates (bytes that
were not UTF-8, read with ``surrogateescape``), so :func:`sendable` replaces them with U+FFFD.
Everything else — NUL, control characters, RTL text, emoji, very long lines — is sent unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.core.base.i18n import tr

REPLACEMENT = "\ufffd"
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class TextChanges:
    """Counts of each change; ``other`` counts characters that differ for any other reason."""

    crlf: int = 0
    lone_cr: int = 0
    separators: int = 0
    bad_bytes: int = 0
    surrogates: int = 0
    other: int = 0

    def __bool__(self) -> bool:
        return any(
            (self.crlf, self.lone_cr, self.separators, self.bad_bytes, self.surrogates, self.other)
        )

    def notices(self) -> list[str]:
        """One sentence per kind of change (empty when nothing changed)."""
        parts: list[tuple[int, str]] = [
            (self.crlf, tr("{n} Windows line endings (\\r\\n) became \\n.")),
            (self.lone_cr, tr("{n} old Mac line endings (\\r) became \\n.")),
            (self.separators, tr("{n} Unicode line/paragraph separators became \\n.")),
            (self.bad_bytes, tr("{n} bytes that are not valid UTF-8 were replaced with �.")),
            (self.surrogates, tr("{n} unpaired surrogate characters were replaced with �.")),
            (self.other, tr("{n} other characters differ from what was pasted.")),
        ]
        return [text.replace("{n}", str(count)) for count, text in parts if count]


def sendable(text: str) -> tuple[str, TextChanges]:
    """``text`` as JSON in UTF-8 can carry it, and what had to change (usually nothing)."""
    if text.isascii() or not _LONE_SURROGATE.search(text):
        return text, TextChanges()
    bad_bytes = len(_ESCAPED_BYTE.findall(text))
    surrogates = len(_LONE_SURROGATE.findall(text)) - bad_bytes
    return _LONE_SURROGATE.sub(REPLACEMENT, text), TextChanges(
        bad_bytes=bad_bytes, surrogates=surrogates
    )


def decode_pasted(raw: bytes) -> str:
    """Clipboard bytes as text, keeping bytes that are not UTF-8 visible as escapes."""
    return raw.decode("utf-8", errors="surrogateescape")


def editor_changes(pasted: str, shown: str) -> TextChanges:
    """How an editor changed ``pasted`` (the clipboard's text) into ``shown`` (what it holds)."""
    if pasted == shown:
        return TextChanges()
    crlf = pasted.count("\r\n")
    lone_cr = pasted.count("\r") - crlf
    separators = pasted.count("\u2028") + pasted.count("\u2029")
    expected = pasted.replace("\r\n", "\n").replace("\r", "\n")
    expected = expected.replace("\u2028", "\n").replace("\u2029", "\n")
    expected, dropped = sendable(expected)
    other = 0 if expected == shown else _differences(expected, shown)
    return TextChanges(crlf, lone_cr, separators, dropped.bad_bytes, dropped.surrogates, other)


def _differences(expected: str, shown: str) -> int:
    """Characters that differ (a cheap count: common prefix and suffix removed)."""
    start = 0
    limit = min(len(expected), len(shown))
    while start < limit and expected[start] == shown[start]:
        start += 1
    end = 0
    while end < limit - start and expected[-1 - end] == shown[-1 - end]:
        end += 1
    return max(len(expected), len(shown)) - start - end
