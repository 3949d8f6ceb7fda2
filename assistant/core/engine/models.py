"""The models the built-in engine can load: the default model and the GGUF files the user added.

Added GGUF files stay where they are; their paths are kept in ``registry.json`` in the models dir.
The default model and its install live in :mod:`.default_model` (re-exported here). Views that
list the models follow changes with :func:`subscribe` (called in the thread that made the change).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.core.base.i18n import tr
from assistant.core.engine.default_model import (
    DEFAULT_MODEL,
    DefaultModelSpec,
    ModelError,
    ModelInstallCancelled,
    ModelInstallError,
    Progress,
    cannot_write,
    default_model_path,
    install_default,
    installed_package_model,
    models_dir,
    models_lock,
)

__all__ = [
    "DEFAULT_MODEL",
    "REGISTRY_FILE",
    "DefaultModelSpec",
    "ModelError",
    "ModelInfo",
    "ModelInstallCancelled",
    "ModelInstallError",
    "Progress",
    "add_model",
    "default_model_path",
    "find_model",
    "install_default",
    "installed_package_model",
    "is_app_copy",
    "list_models",
    "model_info",
    "models_dir",
    "remove_model",
    "subscribe",
]

REGISTRY_FILE = "registry.json"
_listeners: list[Callable[[], None]] = []
_log = logging.getLogger(__name__)


def subscribe(listener: Callable[[], None]) -> Callable[[], None]:
    """Call ``listener()`` after a model is added or removed; returns the unsubscribe."""
    _listeners.append(listener)

    def unsubscribe() -> None:
        if listener in _listeners:
            _listeners.remove(listener)

    return unsubscribe


def _announce() -> None:
    """Tell every listener; one that fails (a closed view) does not undo the change."""
    for listener in list(_listeners):
        try:
            listener()
        except Exception:
            _log.exception("a models-list listener failed")


@dataclass(frozen=True)
class ModelInfo:
    """One model as the app shows it. ``name`` identifies it (``assistant models remove NAME``)."""

    name: str
    path: Path
    size: int
    quantization: str
    context_length: int | None
    architecture: str
    is_default: bool
    title: str = ""

    @property
    def exists(self) -> bool:
        return self.path.is_file()


def model_info(path: Path, is_default: bool = False, name: str = "") -> ModelInfo:
    """Describe ``path`` from its GGUF metadata (raises :class:`GGUFError` for a non-GGUF)."""
    from assistant.core.engine.gguf_info import read_gguf_info  # with the first model listed

    path = Path(path)
    info = read_gguf_info(path)
    return ModelInfo(
        name=name or _name_for(path),
        path=path,
        size=path.stat().st_size,
        quantization=info.quantization,
        context_length=info.context_length,
        architecture=info.architecture,
        is_default=is_default,
        title=info.name,
    )


def list_models() -> list[ModelInfo]:
    """The default model (when installed) followed by the added ones, in the order added.

    An added file that has disappeared is still listed (size 0, no metadata) so it can be removed.
    """
    result: list[ModelInfo] = []
    default = default_model_path()
    if default is not None:
        result.append(_describe(default, DEFAULT_MODEL.name, is_default=True))
    for entry in _read_registry():
        path = Path(entry["path"])
        if default is not None and _same_file(path, default):
            continue
        result.append(_describe(path, str(entry["name"]), is_default=False))
    return result


def find_model(name: str) -> ModelInfo | None:
    """The listed model called ``name`` (case-insensitive), or None."""
    wanted = name.casefold()
    return next((m for m in list_models() if m.name.casefold() == wanted), None)


def add_model(path: Path) -> ModelInfo:
    """Register the GGUF file at ``path`` (validated first; the file is not copied)."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise ModelError(tr("No such model file: {path}").replace("{path}", str(path)))
    path = path.resolve()
    from assistant.core.engine.gguf_info import GGUFError, read_gguf_info

    try:
        read_gguf_info(path)
    except GGUFError as exc:
        raise ModelError(str(exc)) from exc
    with models_lock:
        entries = _read_registry()
        for entry in entries:
            if _same_file(Path(entry["path"]), path):
                return model_info(path, name=str(entry["name"]))
        default = default_model_path()
        if default is not None and _same_file(path, default):
            return model_info(default, is_default=True, name=DEFAULT_MODEL.name)
        taken = {str(e["name"]).casefold() for e in entries} | {DEFAULT_MODEL.name.casefold()}
        name = _unique_name(_name_for(path), taken)
        entries.append({"name": name, "path": str(path)})
        _write_registry(entries)
    _announce()
    return model_info(path, name=name)


def remove_model(name: str) -> ModelInfo:
    """Forget the model called ``name``; the app's own copies (the default model, downloaded
    models: files in :func:`models_dir`) are deleted.

    The user's own files are never deleted, only unregistered.
    """
    with models_lock:
        found = find_model(name)
        if found is None:
            raise ModelError(tr("No model named {name}.").replace("{name}", name))
        if found.is_default:
            if found.path.parent != models_dir():
                raise ModelError(
                    tr(
                        "{name} comes from the installed {package} package; uninstall that "
                        "package to remove it."
                    )
                    .replace("{name}", found.name)
                    .replace("{package}", DEFAULT_MODEL.package)
                )
            try:
                found.path.unlink()
            except OSError as exc:
                raise ModelError(cannot_write(found.path.parent, exc)) from exc
        else:
            _write_registry([e for e in _read_registry() if str(e["name"]) != found.name])
            if is_app_copy(found.path):
                try:
                    found.path.unlink(missing_ok=True)
                except OSError as exc:
                    raise ModelError(cannot_write(found.path.parent, exc)) from exc
    _announce()
    return found


def is_app_copy(path: Path) -> bool:
    """The file is the app's own (downloaded into the models folder), not one the user added."""
    return _same_file(Path(path).parent, models_dir())


def _describe(path: Path, name: str, is_default: bool) -> ModelInfo:
    from assistant.core.engine.gguf_info import GGUFError

    try:
        return model_info(path, is_default=is_default, name=name)
    except (GGUFError, OSError):
        return ModelInfo(name, path, 0, "", None, "", is_default)


def _name_for(path: Path) -> str:
    return path.stem


def _unique_name(base: str, taken: set[str]) -> str:
    name, number = base, 2
    while name.casefold() in taken:
        name = f"{base}-{number}"
        number += 1
    return name


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or a.samefile(b)
    except OSError:
        return False


def _registry_path() -> Path:
    return models_dir() / REGISTRY_FILE


def _read_registry() -> list[dict[str, Any]]:
    try:
        data = json.loads(_registry_path().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise ModelError(
            tr("The model list {file} cannot be read: {reason}")
            .replace("{file}", str(_registry_path()))
            .replace("{reason}", str(exc))
        ) from exc
    models = data.get("models", []) if isinstance(data, dict) else []
    return [m for m in models if isinstance(m, dict) and "path" in m and "name" in m]


def _write_registry(entries: list[dict[str, Any]]) -> None:
    registry = _registry_path()
    try:
        registry.parent.mkdir(parents=True, exist_ok=True)
        temporary = registry.with_suffix(".tmp")
        temporary.write_text(
            json.dumps({"version": 1, "models": entries}, indent=2), encoding="utf-8"
        )
        os.replace(temporary, registry)
    except OSError as exc:
        raise ModelError(cannot_write(registry.parent, exc)) from exc
