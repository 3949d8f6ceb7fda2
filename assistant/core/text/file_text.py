"""Text files into text fields: the encoding detected, binary files refused, never cut silently.

:func:`read_text_file` recognises UTF-8 (with or without a BOM), UTF-16 and UTF-32 with a BOM, and
GB18030 (Chinese text from Windows and older Chinese systems); anything else is a
:class:`FileTextError` with a message for people. A file larger than the limit raises
:class:`FileTooLarge`, and the caller may ask again for its first part only (``first_part``):
then the text ends at a line end and :attr:`TextFile.complete` is False.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from assistant.core.base.i18n import tr

MAX_TEXT_BYTES = 1024 * 1024
"""Files larger than this (1 MiB) are not put into a field whole; the first part may be."""

_BOMS = (  # UTF-32 before UTF-16: the UTF-32-LE BOM starts with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ENCODING_NAMES = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "utf-16": "UTF-16", "utf-32": "UTF-32"}
_BINARY_MAGIC = (
    b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04", b"\x1f\x8b", b"\x7fELF",
    b"RIFF", b"BZh", b"7z\xbc\xaf", b"\xfd7zXZ", b"SQLite format 3",
)  # fmt: skip
_CONTROL = frozenset(range(32)) - {9, 10, 12, 13, 27}
_CONTEXT = "files"


class FileTextError(ValueError):
    """A file that cannot go into a text field; ``str(error)`` says why, naming the file."""


class FileTooLarge(FileTextError):
    """The file is larger than the limit: ``size`` and ``limit`` in bytes."""

    def __init__(self, message: str, size: int, limit: int) -> None:
        super().__init__(message)
        self.size = size
        self.limit = limit


@dataclass(frozen=True)
class TextFile:
    """A file's text, its encoding (a Python codec name), its size in bytes and whether the
    text is the whole file."""

    text: str
    encoding: str
    size: int
    complete: bool = True

    @property
    def encoding_name(self) -> str:
        """The encoding as people know it: UTF-8, UTF-16, GB18030."""
        return _ENCODING_NAMES.get(self.encoding, self.encoding.upper())


def read_text_file(
    path: Path | str, limit: int = MAX_TEXT_BYTES, *, first_part: bool = False
) -> TextFile:
    """The text of ``path``; raises FileTextError (FileTooLarge above ``limit`` bytes unless
    ``first_part``, which returns the text of about the first ``limit`` bytes, up to a line end)."""
    file = Path(path)
    try:
        size = file.stat().st_size
        with file.open("rb") as handle:
            data = handle.read(limit + 1 if size > limit else -1)
    except OSError as exc:
        raise FileTextError(
            tr("Cannot read {file}: {reason}", _CONTEXT)
            .replace("{file}", file.name)
            .replace("{reason}", exc.strerror or str(exc))
        ) from exc
    whole = len(data) <= limit
    if not whole and not first_part:
        raise FileTooLarge(
            tr("{file} is {size}; a text field takes at most {limit} at once.", _CONTEXT)
            .replace("{file}", file.name)
            .replace("{size}", _megabytes(size))
            .replace("{limit}", _megabytes(limit)),
            size,
            limit,
        )
    text, encoding = decode_text(data if whole else data[:limit], file.name, partial=not whole)
    if not whole:
        text = _up_to_a_line_end(text)
    return TextFile(text, encoding, size, complete=whole)


def decode_text(data: bytes, name: str = "", *, partial: bool = False) -> tuple[str, str]:
    """(text, codec) of file bytes; FileTextError for binary data or an unknown encoding.

    ``partial``: the bytes are the start of a file (a character cut at the end is dropped)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode(data, encoding, partial), encoding
    sample = data[:65536]
    if _looks_binary(sample):
        raise FileTextError(
            tr(
                "{file} is a binary file, not text: it cannot go into a text field.", _CONTEXT
            ).replace("{file}", name or tr("The file", _CONTEXT))
        )
    for encoding in ("utf-8", "gb18030"):
        try:
            text = _decode(data, encoding, partial)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8" or _mostly_chinese(text):
            return text, encoding
    raise FileTextError(
        tr(
            "{file} is not UTF-8, UTF-16 or GB18030 text: its encoding could not be recognised. "
            "Save it as UTF-8 and try again.",
            _CONTEXT,
        ).replace("{file}", name or tr("The file", _CONTEXT))
    )


def _decode(data: bytes, encoding: str, partial: bool) -> str:
    if not partial:
        return data.decode(encoding)
    decoder = codecs.getincrementaldecoder(encoding)()
    return decoder.decode(data, final=False)  # an incomplete last character stays out


def _looks_binary(sample: bytes) -> bool:
    if b"\0" in sample or sample.startswith(_BINARY_MAGIC):
        return True
    controls = sum(1 for byte in sample if byte in _CONTROL)
    return controls > max(8, len(sample) // 100)


def _mostly_chinese(text: str) -> bool:
    """True when most characters outside ASCII are CJK (what GB18030 text holds)."""
    others = [char for char in text if ord(char) > 127]
    if not others:
        return True
    cjk = sum(1 for char in others if _is_cjk(ord(char)))
    return cjk >= 0.6 * len(others)


def _is_cjk(code: int) -> bool:
    return (
        0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0x3400 <= code <= 0x4DBF  # extension A
        or 0x3000 <= code <= 0x303F  # CJK punctuation
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x20000 <= code <= 0x2FA1F  # extensions B… and compatibility ideographs
        or code in (0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x2014, 0x00B7)
    )


def _up_to_a_line_end(text: str) -> str:
    end = text.rfind("\n")
    return text[: end + 1] if end > 0 else text


def _megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"
