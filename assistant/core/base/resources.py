"""Package data (mode files, icons, stylesheets): plain paths when the package is files on disk,
:mod:`importlib.resources` when it is imported from a zip.

Everything under ``assistant/resources/`` ships inside the package, so this works from a source
checkout, a wheel, a zip import or a frozen bundle alike. Paths are given as parts:
``read_text("modes", "article.toml")``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

PACKAGE = "assistant"
ROOT = "resources"


def resource(*parts: str) -> Traversable:
    """The packaged file or folder ``assistant/resources/<parts...>`` (may not exist)."""
    folder = _folder_on_disk()
    if folder is not None:
        return folder.joinpath(*parts)
    from importlib import resources

    return resources.files(PACKAGE).joinpath(ROOT, *parts)


@cache
def _folder_on_disk() -> Path | None:
    """``assistant/resources`` when the package is plain files (a checkout, a wheel installed,
    a bundle): read as paths, without importing ``importlib.resources`` (~12 M instructions,
    callgrind, before the window's first paint); None inside a zip import."""
    import assistant

    folder = Path(assistant.__file__).parent / ROOT
    return folder if folder.is_dir() else None


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
    item = resource(*parts)
    if isinstance(item, Path):
        yield item
        return
    from importlib import resources

    with resources.as_file(item) as path:
        yield path
