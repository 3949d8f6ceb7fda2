"""The built-in mode files decoded ahead of time (mode_cache.py): current, equal, never stale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.core.base.resources import list_resources, read_text
from assistant.core.prompts import mode_cache, modes
from assistant.core.prompts.mode_cache import (
    CACHE_FILE,
    DecodedModes,
    cache_text,
    decode_builtin_files,
    write_cache,
)
from assistant.core.prompts.modes import ModeError, builtin_modes, parse_mode


def test_the_shipped_file_is_current() -> None:
    assert read_text("modes", CACHE_FILE) == cache_text(decode_builtin_files()), (
        "a built-in mode file changed: run `python -m assistant.core.prompts.mode_cache`"
    )


def test_every_builtin_mode_is_the_same_decoded_ahead_or_now() -> None:
    shipped = DecodedModes.shipped()
    for item in list_resources("modes", suffix=".toml"):
        text = item.read_text(encoding="utf-8")
        document = shipped.document(item.name, text)
        assert document is not None, item.name
        ahead = parse_mode(text, source=item.name, check_templates=False, decoded=document)
        now = parse_mode(text, source=item.name, check_templates=False)
        assert repr(ahead) == repr(now)  # repr: 1 and 1.0 (or True) would compare equal


def test_a_file_whose_text_changed_is_decoded_again() -> None:
    name = "article.toml"
    text = read_text("modes", name)
    shipped = DecodedModes.shipped()
    assert shipped.document(name, text) is not None
    assert shipped.document(name, text.replace("Article", "Essay")) is None
    assert shipped.document("not-a-mode.toml", text) is None


class _Resource:
    """A packaged mode file as list_resources gives it."""

    def __init__(self, name: str, text: str) -> None:
        self.name, self._text = name, text

    def read_text(self, encoding: str) -> str:
        return self._text


def test_builtin_modes_follow_an_edited_file_not_its_stale_entry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = read_text("modes", "article.toml")
    edited = text.replace('title = "Article"', 'title = "Essay"')
    assert edited != text
    stale = {"article.toml": {"text": text, "document": {"title": "Stale"}}}
    monkeypatch.setattr(DecodedModes, "shipped", classmethod(lambda cls: cls(stale)))
    resources = [_Resource("article.toml", edited)]
    monkeypatch.setattr(modes, "list_resources", lambda *_parts, suffix="": resources)
    modes._builtin_modes.cache_clear()
    try:
        assert builtin_modes()["article"].title == "Essay"
    finally:
        modes._builtin_modes.cache_clear()


@pytest.mark.parametrize("content", ["", "{", "[]", json.dumps({"format": 0, "files": {}})])
def test_a_missing_broken_or_older_file_decodes_everything_now(
    content: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = read_text("modes", "article.toml")
    monkeypatch.setattr(mode_cache, "read_text", lambda *_parts: content)
    assert DecodedModes.shipped().document("article.toml", text) is None


def test_an_entry_is_checked_like_a_file_decoded_now() -> None:
    with pytest.raises(ModeError, match="unknown key"):
        parse_mode("", source="builtin:x.toml", decoded={"title": "X", "colour": "red"})


def test_write_cache_writes_what_the_test_compares(tmp_path: Path) -> None:
    path = write_cache(tmp_path)
    assert path == tmp_path / CACHE_FILE
    assert path.read_text(encoding="utf-8") == read_text("modes", CACHE_FILE)
