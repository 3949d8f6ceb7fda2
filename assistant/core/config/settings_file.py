"""The settings file on disk: where it lives, atomic writes, a damaged file moved aside, and the
rule that no value shaped like an API key is ever written to it."""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any, NamedTuple

from assistant.core.base.i18n import tr
from assistant.core.base.paths import app_paths

log = logging.getLogger(__name__)

SETTINGS_FILE_NAME = "settings.json"

_SECRET_NAMES = frozenset(
    {
        "api_key",
        "apikey",
        "api-key",
        "key",
        "secret",
        "password",
        "token",
        "access_token",
        "authorization",
        "bearer",
    }
)
_SECRET_VALUE = re.compile(r"^(sk-|sk_|gsk_|xai-|hf_|AIza|Bearer\s)[A-Za-z0-9_\-.]{16,}$")


def looks_like_secret(name: str, value: Any) -> bool:
    """True for an entry named like a credential or a string shaped like a known API key."""
    if name.lower() in _SECRET_NAMES:
        return True
    return isinstance(value, str) and bool(_SECRET_VALUE.match(value.strip()))


def settings_path() -> Path:
    """Where the settings file lives: ``<config>/settings.json``."""
    return app_paths().config / SETTINGS_FILE_NAME


class SaveOutcome(NamedTuple):
    """What saving did: whether the file was written, and a sentence for the person if needed."""

    written: bool
    problem: str | None


def write_settings_data(data: dict[str, Any], path: Path) -> SaveOutcome:
    """Write settings data atomically without key-like values; never raises for file errors."""
    clean, secret_paths = _without_secrets(data)
    text = json.dumps(clean, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    try:
        _write_atomically(path, text)
    except OSError as error:
        log.warning("Could not save settings to %s: %s", path, error)
        problem = tr(
            "Settings could not be saved to {path} ({reason}). Check that the folder exists "
            "and is writable; your changes apply to this session only."
        ).format(path=path, reason=error.strerror or error)
        return SaveOutcome(False, problem)
    if secret_paths:
        log.warning("Left key-like values out of the settings file: %s", secret_paths)
        problem = tr(
            "Some values looked like API keys and were not saved to the settings file "
            "({fields}). Enter keys in a profile's key field: they are kept in the system "
            "keyring."
        ).format(fields=", ".join(secret_paths))
        return SaveOutcome(True, problem)
    return SaveOutcome(True, None)


def _without_secrets(data: Any, where: str = "") -> tuple[Any, list[str]]:
    """A copy of ``data`` without key-named entries or key-shaped strings, and their paths."""
    found: list[str] = []
    if isinstance(data, dict):
        clean: dict[str, Any] = {}
        for key, value in data.items():
            here = f"{where}.{key}" if where else str(key)
            if looks_like_secret(str(key), value):
                found.append(here)
                continue
            clean[key], inner = _without_secrets(value, here)
            found.extend(inner)
        return clean, found
    if isinstance(data, list):
        items = []
        for index, value in enumerate(data):
            here = f"{where}[{index}]"
            if looks_like_secret("", value):
                found.append(here)
                items.append("")
                continue
            item, inner = _without_secrets(value, here)
            items.append(item)
            found.extend(inner)
        return items, found
    return data, found


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def move_aside(path: Path) -> str:
    """Rename a corrupt settings file out of the way; a warning saying where it went."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while target.exists():
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
        counter += 1
    try:
        path.rename(target)
    except OSError as error:
        log.warning("Could not move the corrupt settings file %s aside: %s", path, error)
        return tr(
            "The settings file {path} is damaged and could not be moved aside ({reason}); "
            "using defaults."
        ).format(path=path, reason=error.strerror or error)
    log.warning("Moved the corrupt settings file to %s", target)
    return tr(
        "The settings file was damaged; it was kept as {target} and defaults are used."
    ).format(target=target)
