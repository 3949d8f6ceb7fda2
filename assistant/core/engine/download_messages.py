"""What a model download tells the person when it cannot go on: one sentence each, with what
was kept and what to do next."""

from __future__ import annotations

import errno
from pathlib import Path
from urllib.parse import urlparse

from assistant.core.base.i18n import tr
from assistant.core.engine.default_model import ModelError
from assistant.core.engine.download_progress import format_bytes


class DownloadError(ModelError):
    """The download did not finish (message is for the person); ``partial`` is what was kept."""

    def __init__(self, message: str, partial: Path | None = None) -> None:
        super().__init__(message)
        self.partial = partial


class DownloadStopped(DownloadError):
    """Paused (partial file kept) or cancelled (partial file deleted) on request."""


def say(text: str, **values: object) -> str:
    """``text`` (translated where it is written: literal ``tr(...)`` calls, so lupdate finds them)
    with ``{name}`` replaced by each value."""
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def host_of(url: str) -> str:
    return urlparse(url).hostname or url


def local_only_refusal(file: str, endpoint: str) -> DownloadError:
    return DownloadError(
        say(
            tr(
                "Local only is on: downloading {file} would connect to {host}, so nothing was "
                "sent. Turn off Settings → Local only (no internet) to download it."
            ),
            file=file,
            host=host_of(endpoint),
        )
    )


def offline_refusal(file: str) -> DownloadError:
    return DownloadError(
        say(
            tr("HF_HUB_OFFLINE is set, so {file} cannot be downloaded. Unset it and retry."),
            file=file,
        )
    )


def busy(file: str) -> DownloadError:
    return DownloadError(
        say(tr("{file} is already being downloaded by another window or command."), file=file)
    )


def no_space(file: str, needed: int, free: int, folder: Path, part: Path | None) -> DownloadError:
    return DownloadError(
        say(
            tr(
                "Not enough disk space for {file}: it needs {needed} more, {free} is free in "
                "{dir}. Free some space and retry."
            ),
            file=file,
            needed=format_bytes(needed),
            free=format_bytes(free),
            dir=folder,
        ),
        part,
    )


def checksum_refused(file: str, expected: str, actual: str, part: Path) -> DownloadError:
    return DownloadError(
        say(
            tr(
                "The downloaded {file} does not match its checksum (expected sha256 {expected}…, "
                "got {actual}…), so it is not offered. The file is kept as {part}: a retry checks "
                "it again, and downloading again from the start (--restart) replaces it."
            ),
            file=file,
            expected=expected[:12],
            actual=actual[:12],
            part=part,
        ),
        part,
    )


def hub_differs(file: str, hub: str, known: str) -> DownloadError:
    return DownloadError(
        say(
            tr(
                "The Hub's {file} (sha256 {hub}…) is not the file the catalogue names ({known}…); "
                "nothing was downloaded."
            ),
            file=file,
            hub=hub[:12],
            known=known[:12],
        )
    )


def no_checksum(file: str) -> DownloadError:
    return DownloadError(
        say(
            tr(
                "No sha256 is known for {file} (the Hub gave none), so it cannot be checked; "
                "nothing was downloaded."
            ),
            file=file,
        )
    )


def stopped(file: str, part: Path, discarded: bool) -> DownloadStopped:
    if discarded:
        return DownloadStopped(say(tr("The download of {file} was cancelled."), file=file))
    kept = part.stat().st_size if part.is_file() else 0
    return DownloadStopped(
        say(
            tr("The download of {file} is paused; {done} are kept and it continues from there."),
            file=file,
            done=format_bytes(kept),
        ),
        part,
    )


def is_connection_error(exc: BaseException) -> bool:
    """A network failure (no route, refused, dropped, timed out), whatever library raised it."""
    import httpx2

    return isinstance(exc, httpx2.TransportError | ConnectionError | TimeoutError)


def unreachable(file: str, repo: str, revision: str, endpoint: str, exc: BaseException) -> str:
    """One sentence for a failed look-up: offline, not found, refused access, or the Hub's words."""
    from huggingface_hub.errors import (
        GatedRepoError,
        OfflineModeIsEnabled,
        RemoteEntryNotFoundError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    if isinstance(exc, OfflineModeIsEnabled):
        text = tr("HF_HUB_OFFLINE is set, so {file} cannot be downloaded. Unset it and retry.")
    elif isinstance(exc, GatedRepoError):
        text = tr("{repo} is gated: accept its licence on the Hub and set HF_TOKEN, then retry.")
    elif isinstance(exc, RevisionNotFoundError):
        text = tr("{repo} has no revision {revision}.")
    elif isinstance(exc, RemoteEntryNotFoundError):
        text = tr("{repo} has no file {file} at {revision}.")
    elif isinstance(exc, RepositoryNotFoundError):
        text = tr("{host} does not know the repository {repo} (or it needs HF_TOKEN).")
    elif is_connection_error(exc):
        text = tr(
            "Could not reach {host} to download {file}: you seem to be offline, or a proxy or "
            "firewall blocks it. Check the network (and HF_ENDPOINT, HTTPS_PROXY), then retry."
        )
    else:
        text = tr("Could not download {file} from {host}: {reason}")
    return say(
        text,
        file=file,
        repo=repo,
        revision=revision,
        host=host_of(endpoint),
        reason=_first_line(exc),
    )


def interrupted(file: str, part: Path, exc: BaseException) -> DownloadError:
    """The transfer stopped on its own: the disk, the network, or what the library said."""
    kept = part.stat().st_size if part.is_file() else 0
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        reason = tr("the disk is full")
    elif is_connection_error(exc):
        reason = tr("the connection dropped")
    else:
        reason = _first_line(exc)
    return DownloadError(
        say(
            tr(
                "The download of {file} stopped: {reason}. {done} are kept in {part}; retry to "
                "continue from there."
            ),
            file=file,
            reason=reason,
            done=format_bytes(kept),
            part=part,
        ),
        part,
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
