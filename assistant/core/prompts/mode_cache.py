"""The built-in mode files decoded ahead of time: ``assistant/resources/modes/decoded.json``.

Decoding the built-in ``*.toml`` files with ``tomllib`` (and importing it) was the largest single
piece of work before the window's first paint (tests/benchmarks/startup.py); the same documents
load from JSON in a tenth of the time, with the ``json`` the settings import anyway. Each entry
keeps the exact text it was decoded from and is used only while the file holds that text, so an
edited mode file is decoded again at start (a stale entry costs time, never correctness).
``python -m assistant.core.prompts.mode_cache`` writes the file again; a test says when it is due.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.core.base.resources import list_resources, read_text

CACHE_FILE = "decoded.json"
FORMAT = 1


class DecodedModes:
    """The decoded TOML documents of the built-in mode files, each with its source text."""

    def __init__(self, files: dict[str, Any] | None = None) -> None:
        self._files = files or {}

    @classmethod
    def shipped(cls) -> DecodedModes:
        """The file shipped in the package; empty when it is missing, unreadable or outdated."""
        try:
            content = json.loads(read_text("modes", CACHE_FILE))
        except (OSError, ValueError):
            return cls()
        if not isinstance(content, dict) or content.get("format") != FORMAT:
            return cls()
        files = content.get("files")
        return cls(files if isinstance(files, dict) else None)

    def document(self, name: str, text: str) -> dict[str, Any] | None:
        """The decoded document of mode file ``name`` when it was decoded from exactly ``text``."""
        entry = self._files.get(name)
        if not isinstance(entry, dict) or entry.get("text") != text:
            return None
        document = entry.get("document")
        return document if isinstance(document, dict) else None


def decode_builtin_files() -> dict[str, Any]:
    """What the cache file holds for the built-in mode files as they are now."""
    import tomllib

    files = {}
    for item in list_resources("modes", suffix=".toml"):
        text = item.read_text(encoding="utf-8")
        files[item.name] = {"text": text, "document": tomllib.loads(text)}
    return {"format": FORMAT, "files": files}


def cache_text(content: dict[str, Any]) -> str:
    """The cache file's text for ``content`` (stable, so the shipped file can be compared)."""
    return json.dumps(content, ensure_ascii=False, indent=1) + "\n"


def write_cache(folder: Path | None = None) -> Path:
    """Write the cache file next to the built-in mode files of this source tree."""
    folder = folder or Path(__file__).resolve().parents[2] / "resources" / "modes"
    path = folder / CACHE_FILE
    path.write_text(cache_text(decode_builtin_files()), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write_cache())
