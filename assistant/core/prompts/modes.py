"""Modes declared as data: the catalogue of built-in modes and the person's own TOML files.

Built-in modes ship in ``assistant/resources/modes/*.toml``; a person can add or override modes
with ``*.toml`` files in :func:`user_modes_dir`. A broken user file is reported in
``ModeCatalog.errors`` (file, line, reason), never fatal. What a mode is lives in
:mod:`.mode_types`, the file format in :mod:`.mode_schema`; both are re-exported here, the one
import callers need.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from assistant.core.base.paths import app_paths
from assistant.core.base.resources import list_resources
from assistant.core.prompts.mode_cache import DecodedModes
from assistant.core.prompts.mode_schema import ModeError, load_mode_file, parse_mode
from assistant.core.prompts.mode_types import (
    FIELD_KINDS,
    LANGUAGE_CHOICES,
    OUTPUT_KINDS,
    TEXT_KINDS,
    Field,
    FieldKind,
    FieldValue,
    InvalidValues,
    Mode,
    OutputKind,
    render_messages,
)

__all__ = [
    "BUILTIN_ORDER",
    "FIELD_KINDS",
    "LANGUAGE_CHOICES",
    "OUTPUT_KINDS",
    "TEXT_KINDS",
    "Field",
    "FieldKind",
    "FieldValue",
    "InvalidValues",
    "Mode",
    "ModeCatalog",
    "ModeError",
    "OutputKind",
    "builtin_modes",
    "load_mode_file",
    "load_modes",
    "parse_mode",
    "render_messages",
    "user_modes_dir",
]

BUILTIN_ORDER = (
    "article",
    "ad-copy",
    "code-complete",
    "code-explain",
    "code-fix",
    "code-optimize",
    "code-generate",
    "code-tests",
    "summarize",
    "translate",
    "rewrite",
    "sentiment",
    "classify",
    "reply",
    "script",
    "chat",
)


class ModeCatalog(dict[str, Mode]):
    """Modes by id, in display order; ``errors`` lists user files that could not be loaded."""

    def __init__(
        self, modes: Mapping[str, Mode] | None = None, errors: list[ModeError] | None = None
    ) -> None:
        super().__init__(modes or {})
        self.errors: list[ModeError] = list(errors or [])


def user_modes_dir() -> Path:
    """Where a person's own ``*.toml`` mode files live (may not exist)."""
    return app_paths().config / "modes"


@lru_cache(maxsize=1)
def _builtin_modes() -> tuple[Mode, ...]:
    found = []
    decoded = DecodedModes.shipped()  # the files' TOML decoded ahead of time, while it matches
    for item in list_resources("modes", suffix=".toml"):
        source = f"builtin:{item.name}"
        # Shipped templates are checked by the tests, not at every start (jinja2 costs ~0.1 s).
        text = item.read_text(encoding="utf-8")
        document = decoded.document(item.name, text)
        found.append(parse_mode(text, source=source, check_templates=False, decoded=document))
    return tuple(sorted(found, key=lambda mode: (mode.order, mode.id)))


def builtin_modes() -> dict[str, Mode]:
    """The modes shipped with the app, in display order (raises ModeError if one is broken)."""
    return {mode.id: mode for mode in _builtin_modes()}


def load_modes(user_dir: Path | None = None, *, include_user: bool = True) -> ModeCatalog:
    """Built-in modes plus the person's own (``user_dir``, default :func:`user_modes_dir`).

    A user mode with a built-in's id replaces it in place; new ones follow, by order then id.
    Files that fail to load are skipped and listed in ``catalog.errors``.
    """
    catalog = ModeCatalog(builtin_modes())
    if not include_user:
        return catalog
    folder = user_modes_dir() if user_dir is None else user_dir
    added: list[Mode] = []
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        try:
            mode = load_mode_file(path)
        except ModeError as exc:
            catalog.errors.append(exc)
            continue
        if mode.id in catalog:
            catalog[mode.id] = mode
        else:
            added = [other for other in added if other.id != mode.id] + [mode]
    for mode in sorted(added, key=lambda item: (item.order, item.id)):
        catalog[mode.id] = mode
    return catalog
