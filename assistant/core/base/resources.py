"""Package data (mode files, icons, stylesheets) read with :mod:`importlib.resources`.

Everything under ``assistant/resources/`` ships inside the package, so this works from a source
checkout, a wheel, a zip import or a frozen bundle alike. Paths are given as parts:
``read_text("modes", "article.toml")``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

PACKAGE = "assistant"
ROOT = "resources"


def resource(*parts: str) -> Traversable:
    """The packaged file or folder ``assistant/resources/<parts...>`` (may not exist)."""
    return resources.files(PACKAGE).joinpath(ROOT, *parts)


def read_text(*parts: str) -> str:
    """Text of a packaged file, decoded as UTF-8."""
    return resource(*parts).read_text(encoding="utf-8")


def read_bytes(*parts: str) -> bytes:
    """Bytes of a packaged file."""
    return resource(*parts).read_bytes()


def list_resources(*parts: str, suffix: str = "") -> list[Traversable]:
    """Files directly inside a packaged folder whose names end with ``suffix``, sorted by name."""
    folder = resource(*parts)
    if not folder.is_dir():
        return []
    found = [item for item in folder.iterdir() if item.is_file() and item.name.endswith(suffix)]
    return sorted(found, key=lambda item: item.name)


@contextmanager
def resource_path(*parts: str) -> Iterator[Path]:
    """A real file-system path for a packaged file (extracted to a temp file when zipped)."""
    with resources.as_file(resource(*parts)) as path:
        yield path
