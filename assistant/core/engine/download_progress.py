"""How far a model download is (bytes, speed, time left, the sentence that says so) and the
partial file the bytes go to, which counts them, reports them and stops on request."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.core.base.i18n import tr

SPEED_WINDOW_S = 5.0
"""The speed is the average over this many seconds (a short stall does not zero it)."""


@dataclass(frozen=True)
class DownloadProgress:
    """One step of a download: ``phase`` is 'download' or 'verify' (the sha256 check)."""

    phase: str
    done: int
    total: int | None
    speed: float
    """Bytes per second over the last few seconds (0 when unknown)."""
    resumed_from: int = 0
    """Bytes that were already on disk when this run started."""

    @property
    def fraction(self) -> float | None:
        if not self.total:
            return None
        return min(1.0, self.done / self.total)

    @property
    def eta(self) -> float | None:
        """Seconds left at the current speed (None when unknown)."""
        if not self.total or self.speed <= 0:
            return None
        return max(0.0, (self.total - self.done) / self.speed)

    def describe(self) -> str:
        """'Downloading: 412 MB of 986 MB · 5.2 MB/s · 1 min 50 s left' (or 'Checking…')."""
        if self.phase == "verify":
            text = tr("Checking the file (sha256): {done} of {total}")
        else:
            text = tr("Downloading: {done} of {total}")
        text = text.replace("{done}", format_bytes(self.done)).replace(
            "{total}", format_bytes(self.total) if self.total else "?"
        )
        if self.phase != "verify":
            if self.speed > 0:
                text += " · " + tr("{speed}/s").replace("{speed}", format_bytes(self.speed))
            eta = self.eta
            if eta is not None:
                text += " · " + tr("{time} left").replace("{time}", format_duration(eta))
        return text


def format_bytes(size: float) -> str:
    """``98.4 MB`` / ``4.07 GB`` (decimal units, as download pages show)."""
    if size >= 1e9:
        return f"{size / 1e9:.2f} GB"
    if size >= 1e6:
        return f"{size / 1e6:.1f} MB"
    if size >= 1e3:
        return f"{size / 1e3:.0f} kB"
    return f"{size:.0f} B"


def format_duration(seconds: float) -> str:
    """``45 s``, ``3 min 5 s``, ``1 h 12 min``."""
    whole = round(seconds)
    if whole < 60:
        return tr("{s} s").replace("{s}", str(whole))
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return tr("{m} min {s} s").replace("{m}", str(minutes)).replace("{s}", str(secs))
    hours, minutes = divmod(minutes, 60)
    return tr("{h} h {m} min").replace("{h}", str(hours)).replace("{m}", str(minutes))


class RateMeter:
    """Bytes per second over a sliding window of (time, bytes) samples."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._samples: deque[tuple[float, int]] = deque()

    def add(self, done: int) -> float:
        """Record that ``done`` bytes are through now; the current speed."""
        now = self._clock()
        self._samples.append((now, done))
        while len(self._samples) > 2 and now - self._samples[0][0] > SPEED_WINDOW_S:
            self._samples.popleft()
        first_time, first_done = self._samples[0]
        elapsed = now - first_time
        return (done - first_done) / elapsed if elapsed > 0 else 0.0


ProgressCallback = Callable[[DownloadProgress], None]


class TransferStopped(Exception):
    """Raised by :class:`PartialFile` when it is asked to stop (pause or cancel)."""


class PartialFile:
    """The partial file opened for appending: counts what is written, reports it, stops."""

    def __init__(
        self,
        path: Path,
        total: int | None,
        report: ProgressCallback,
        stop: threading.Event,
    ) -> None:
        self.path, self.total = path, total
        self.resumed = path.stat().st_size if path.is_file() else 0
        self.fetched = 0
        """Bytes written by this run."""
        self._report, self._stop = report, stop
        self._meter = RateMeter()
        self._file: Any = None

    def __enter__(self) -> PartialFile:
        self._file = open(self.path, "ab")
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()

    def write(self, chunk: bytes) -> int:
        if self._stop.is_set():
            raise TransferStopped
        written = int(self._file.write(chunk))
        self.fetched += written
        speed = self._meter.add(self.fetched)
        step = DownloadProgress("download", self.tell(), self.total, speed, self.resumed)
        self._report(step)
        return written

    def tell(self) -> int:
        return int(self._file.tell())

    def restart(self) -> None:
        """Empty the file: the server sends the whole file again."""
        self._file.seek(0)
        self._file.truncate(0)
        self.resumed = 0
