"""What pasting and JSON encoding change in a text, counted and said in words."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from assistant.core.text.text_changes import TextChanges, decode_pasted, editor_changes, sendable


def test_newline_conversions_are_counted() -> None:
    changes = editor_changes("a\r\nb\r\nc\rd\u2028e\u2029f", "a\nb\nc\nd\ne\nf")
    assert changes == TextChanges(crlf=2, lone_cr=1, separators=2)
    assert changes.notices()[0] == "2 Windows line endings (\\r\\n) became \\n."


def test_bytes_that_are_not_utf8_are_counted() -> None:
    pasted = decode_pasted(b"ok\xff\xfe\x00")
    assert editor_changes(pasted, "ok\ufffd\ufffd\x00") == TextChanges(bad_bytes=2)


def test_anything_else_is_reported_as_other() -> None:
    assert editor_changes("abcdef", "abXYef").other == 2
    assert not editor_changes("same \x00 text", "same \x00 text")


@given(st.text())
def test_sendable_keeps_valid_text_and_always_encodes(text: str) -> None:
    clean, changes = sendable(text)
    clean.encode("utf-8")
    if not changes:
        assert clean == text
    assert len(clean) == len(text)
