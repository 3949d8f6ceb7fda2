"""Download one GGUF file of a Hugging Face repository into the models folder, resumably.

``huggingface_hub`` does the talking (``HF_ENDPOINT``, ``HF_HUB_OFFLINE``, ``HF_TOKEN``, proxies
from the environment): its HEAD of the file gives the commit, size and the LFS sha256 (the
``X-Linked-Etag``), its ``http_get`` fetches the bytes with an HTTP Range from the end of the
partial file. The partial file is ``<models dir>/<file>.part`` with a ``.part.json`` beside it
naming the remote file it belongs to, so a run after a pause, a dropped connection or a killed app
continues where it stopped (a changed remote file starts over). Before the file is offered its
sha256 is checked (the catalogue's when known, else the Hub's); a refused file stays as the partial
file, so a retry re-checks it without downloading it again. Local only refuses before any
connection. Pause keeps the partial file, cancel deletes it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import threading
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from assistant.core.base.i18n import tr
from assistant.core.engine import download_messages as say
from assistant.core.engine import models
from assistant.core.engine.download_messages import DownloadError, DownloadStopped
from assistant.core.engine.download_progress import (
    DownloadProgress,
    PartialFile,
    ProgressCallback,
    TransferStopped,
)
from assistant.core.providers.network_policy import is_loopback_url

__all__ = [
    "DownloadControl",
    "DownloadError",
    "DownloadProgress",
    "DownloadResult",
    "DownloadSpec",
    "DownloadStopped",
    "discard_partial",
    "download_model",
    "partial_path",
    "target_path",
]

DEFAULT_ENDPOINT = "https://huggingface.co"
READ_TIMEOUT_S = 30.0
RETRIES = 5
"""Connection drops in a row without a byte of progress before the download gives up."""
RETRY_PAUSE_S = 1.0
_SHA256 = re.compile(r"[0-9a-f]{64}")
_CHUNK = 1 << 20
FreeSpace = Callable[[Path], int]


@dataclass(frozen=True)
class DownloadSpec:
    """Which file to fetch: a repository, a revision, a file; its sha256 when known."""

    repo: str
    file: str
    revision: str = "main"
    sha256: str = ""
    """Expected sha256 ('' = the Hub's own LFS sha256)."""


@dataclass(frozen=True)
class DownloadResult:
    """A verified model in the models folder, registered for the engine."""

    path: Path
    model: models.ModelInfo
    fetched: int
    """Bytes fetched by this run (0 when the file was already there)."""
    resumed_from: int


class DownloadControl:
    """Pause or cancel a running download from another thread."""

    def __init__(self, event: threading.Event | None = None) -> None:
        self.event = event or threading.Event()
        """Set when the download should stop (a worker's abort event can be passed in)."""
        self.discard = False

    def pause(self) -> None:
        """Stop, keeping the partial file: the next run continues from it."""
        self.event.set()

    def cancel(self) -> None:
        """Stop and delete the partial file."""
        self.discard = True
        self.event.set()


def hub_endpoint() -> str:
    """The Hub's address: ``HF_ENDPOINT`` when set (read now, not at import)."""
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def offline_mode() -> bool:
    """``HF_HUB_OFFLINE`` (or ``TRANSFORMERS_OFFLINE``) is set to a true value."""
    value = os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE") or ""
    return value.strip().upper() in {"1", "ON", "YES", "TRUE"}


def target_path(spec: DownloadSpec, directory: Path | None = None) -> Path:
    """Where the verified file goes."""
    return (directory or models.models_dir()) / Path(spec.file).name


def partial_path(spec: DownloadSpec, directory: Path | None = None) -> Path:
    """Where the bytes fetched so far are kept."""
    target = target_path(spec, directory)
    return target.with_name(target.name + ".part")


def discard_partial(spec: DownloadSpec, directory: Path | None = None) -> None:
    """Delete the partial file of ``spec`` (the next download starts over)."""
    _discard(partial_path(spec, directory))


def disk_free(path: Path) -> int:
    """Free bytes on the file system holding ``path`` (its nearest existing parent)."""
    for folder in (path, *path.parents):
        with suppress(OSError):
            return shutil.disk_usage(folder).free
    return 0


def download_model(
    spec: DownloadSpec,
    progress: ProgressCallback | None = None,
    control: DownloadControl | None = None,
    *,
    local_only: bool = False,
    restart: bool = False,
    directory: Path | None = None,
    free_space: FreeSpace = disk_free,
) -> DownloadResult:
    """Fetch ``spec`` into the models folder (continuing a partial file), verify and register it.

    ``restart`` deletes a partial file first. Raises :class:`DownloadError` with a message for
    the person (:class:`DownloadStopped` on pause/cancel).
    """
    control = control or DownloadControl()
    endpoint = hub_endpoint()
    if local_only and not is_loopback_url(endpoint):
        raise say.local_only_refusal(spec.file, endpoint)
    folder = directory or models.models_dir()
    target, part = target_path(spec, folder), partial_path(spec, folder)
    if target.is_file():  # only a verified file is ever moved there
        return DownloadResult(target, models.add_model(target), 0, 0)
    if offline_mode():
        raise say.offline_refusal(spec.file)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(models.cannot_write(folder, exc)) from exc
    from filelock import FileLock, Timeout

    lock = Path(str(part) + ".lock")
    guard = FileLock(str(lock), timeout=0)
    try:
        guard.acquire()
    except Timeout:
        raise say.busy(spec.file) from None
    try:
        return _fetch(spec, endpoint, part, progress, control, restart, free_space)
    finally:  # done, stopped or failed: no lock file is left beside the model or the partial file
        guard.release()
        lock.unlink(missing_ok=True)


def _fetch(
    spec: DownloadSpec,
    endpoint: str,
    part: Path,
    progress: ProgressCallback | None,
    control: DownloadControl,
    restart: bool,
    free_space: FreeSpace,
) -> DownloadResult:
    """Look the file up, fetch what is missing, verify, move into place (under the lock)."""
    from huggingface_hub import get_hf_file_metadata, hf_hub_url
    from huggingface_hub.utils import build_hf_headers

    report = progress or _no_progress
    url = hf_hub_url(spec.repo, spec.file, revision=spec.revision, endpoint=endpoint)
    try:
        meta = get_hf_file_metadata(url, endpoint=endpoint)
    except Exception as exc:  # every failure to reach the file is told in one sentence
        message = say.unreachable(spec.file, spec.repo, spec.revision, endpoint, exc)
        raise DownloadError(message) from exc
    expected = _expected_sha256(spec, meta.etag)
    size = meta.size
    state = {"commit": meta.commit_hash, "etag": meta.etag, "size": size, "repo": spec.repo}
    kept = part.stat().st_size if part.is_file() else 0
    if restart or _stale(part, state) or (size is not None and kept > size):
        _discard(part)
        kept = 0
    if size is not None and free_space(part.parent) < size - kept:
        free = free_space(part.parent)
        raise say.no_space(spec.file, size - kept, free, part.parent, part if kept else None)
    _meta_path(part).write_text(json.dumps(state), encoding="utf-8")
    headers = build_hf_headers() if _same_host(meta.location, endpoint) else {}
    sink = PartialFile(part, size, report, control.event)
    try:
        with sink:
            _transfer(meta.location, headers, sink, size, control)
    except TransferStopped:
        raise _stopped(spec, part, control) from None
    except Exception as exc:  # the network, the disk, or the library: kept bytes are told
        raise say.interrupted(spec.file, part, exc) from exc
    actual = _sha256(part, report, control, spec)
    if actual != expected:
        raise say.checksum_refused(spec.file, expected, actual, part)
    target = part.with_name(part.name.removesuffix(".part"))
    os.replace(part, target)
    _meta_path(part).unlink(missing_ok=True)
    return DownloadResult(target, models.add_model(target), sink.fetched, sink.resumed)


def _transfer(
    url: str, headers: dict[str, str], sink: PartialFile, size: int | None, control: DownloadControl
) -> None:
    """GET the bytes after those in ``sink`` (HTTP Range) through the Hub's HTTP session (its
    proxies, offline switch and user agent); a dropped connection continues from where it broke,
    up to :data:`RETRIES` times in a row without progress."""
    from huggingface_hub.utils import get_session, hf_raise_for_status

    failures = 0
    while size is None or sink.tell() < size:
        start = sink.tell()
        asked = dict(headers, **({"Range": f"bytes={start}-"} if start else {}))
        try:
            with get_session().stream("GET", url, headers=asked, timeout=READ_TIMEOUT_S) as reply:
                hf_raise_for_status(reply)
                if start and reply.status_code == 200:  # the server ignored the Range
                    sink.restart()
                for chunk in reply.iter_bytes():
                    sink.write(chunk)
            if size is None:
                return
        except TransferStopped:
            raise
        except Exception as exc:
            failures = 0 if sink.tell() > start else failures + 1
            if failures >= RETRIES or not say.is_connection_error(exc):
                raise
            if control.event.wait(RETRY_PAUSE_S):
                raise TransferStopped from exc
        else:
            if size is not None and sink.tell() < size and sink.tell() == start:
                raise DownloadError(tr("The server sent no data."))


def _no_progress(step: DownloadProgress) -> None:
    return None


def _expected_sha256(spec: DownloadSpec, etag: str | None) -> str:
    """The catalogue's sha256, else the Hub's LFS one; refuse when they disagree or neither."""
    hub = (etag or "").lower()
    hub = hub if _SHA256.fullmatch(hub) else ""
    known = spec.sha256.lower()
    if known and hub and known != hub:
        raise say.hub_differs(spec.file, hub, known)
    if not (known or hub):
        raise say.no_checksum(spec.file)
    return known or hub


def _stale(part: Path, state: dict[str, Any]) -> bool:
    """The partial file belongs to another version of the remote file (or to nothing known)."""
    if not part.is_file():
        return False
    try:
        kept = json.loads(_meta_path(part).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True
    return not isinstance(kept, dict) or kept.get("etag") != state["etag"]


def _meta_path(part: Path) -> Path:
    return part.with_name(part.name + ".json")


def _discard(part: Path) -> None:
    part.unlink(missing_ok=True)
    _meta_path(part).unlink(missing_ok=True)


def _same_host(url: str, endpoint: str) -> bool:
    return urlparse(url).netloc == urlparse(endpoint).netloc


def _stopped(spec: DownloadSpec, part: Path, control: DownloadControl) -> DownloadStopped:
    if control.discard:
        _discard(part)
    return say.stopped(spec.file, part, control.discard)


def _sha256(
    part: Path, report: ProgressCallback, control: DownloadControl, spec: DownloadSpec
) -> str:
    """The partial file's sha256, with progress; stops like the transfer does."""
    digest = hashlib.sha256()
    done, total = 0, part.stat().st_size
    with open(part, "rb") as file:
        for chunk in iter(lambda: file.read(_CHUNK), b""):
            if control.event.is_set():
                raise _stopped(spec, part, control)
            digest.update(chunk)
            done += len(chunk)
            report(DownloadProgress("verify", done, total, 0.0))
    return digest.hexdigest()
