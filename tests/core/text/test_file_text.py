"""Files into text fields: encodings detected, binary files refused, the size limit never silent."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from assistant.core.text.file_text import (
    FileTextError,
    FileTooLarge,
    decode_text,
    read_text_file,
)

CHINESE = (
    "# 计算斐波那契数列\ndef fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)  # 递归\n"
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_utf8_with_and_without_bom(tmp_path: Path) -> None:
    plain = read_text_file(write(tmp_path, "a.py", CHINESE.encode("utf-8")))
    assert (plain.text, plain.encoding_name, plain.complete) == (CHINESE, "UTF-8", True)
    bom = read_text_file(write(tmp_path, "b.py", codecs.BOM_UTF8 + b"x = 1\n"))
    assert (bom.text, bom.encoding_name) == ("x = 1\n", "UTF-8")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(tmp_path: Path, codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    loaded = read_text_file(write(tmp_path, "w.txt", bom + CHINESE.encode(codec)))
    assert (loaded.text, loaded.encoding_name) == (CHINESE, "UTF-16")


def test_gb18030_chinese_text(tmp_path: Path) -> None:
    data = CHINESE.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    loaded = read_text_file(write(tmp_path, "gb.py", data))
    assert (loaded.text, loaded.encoding_name) == (CHINESE, "GB18030")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
        b"\x7fELF\x02\x01\x01\0\0\0",
        b"abc\0def",
        bytes(range(256)) * 4,
        b"PK\x03\x04 a zip archive",
    ],
)
def test_binary_files_are_refused_with_a_message(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(FileTextError, match=r"thing\.bin is a binary file, not text"):
        read_text_file(write(tmp_path, "thing.bin", data))


def test_unknown_encoding_is_a_clear_message(tmp_path: Path) -> None:
    latin = "Ça coûte 5 € à l’été, naïve façade\n".encode("cp1252")
    with pytest.raises(FileTextError, match="not UTF-8, UTF-16 or GB18030 text"):
        read_text_file(write(tmp_path, "fr.txt", latin))


def test_too_large_is_refused_then_the_first_part_on_request(tmp_path: Path) -> None:
    line = "第一行 line of text\n"
    data = (line * 200).encode("utf-8")
    path = write(tmp_path, "big.log", data)
    with pytest.raises(FileTooLarge) as refused:
        read_text_file(path, limit=1000)
    assert refused.value.size == len(data) and refused.value.limit == 1000
    assert "big.log is" in str(refused.value)
    part = read_text_file(path, limit=1000, first_part=True)
    assert not part.complete and part.size == len(data)
    assert part.text and part.text.endswith("\n") and (line * 200).startswith(part.text)
    assert len(part.text.encode("utf-8")) <= 1000
    assert read_text_file(path, limit=len(data)).complete


def test_first_part_of_utf16_and_gb18030_does_not_cut_a_character(tmp_path: Path) -> None:
    text = "汉字" * 1000
    for data in (codecs.BOM_UTF16_LE + text.encode("utf-16-le"), text.encode("gb18030")):
        part = read_text_file(write(tmp_path, "t.txt", data), limit=1001, first_part=True)
        assert part.text and text.startswith(part.text) and not part.complete


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileTextError, match=r"Cannot read gone\.txt"):
        read_text_file(tmp_path / "gone.txt")


def test_decode_text_of_ascii_is_utf8() -> None:
    assert decode_text(b"plain") == ("plain", "utf-8")
