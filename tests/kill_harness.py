"""kill -9 at random points during a write, then check the next start (issue 18).

:func:`kill_during` starts a process that performs one kind of write (a first answer, later a
follow-up, an Apply, a mode save, a batch), waits for it to say the write has begun, kills it with
SIGKILL after a random delay (one per seed, reproducible), collects what it had shown the person
(from its stdout) and hands that to a check of the next start. Each seed gets a fresh app folder.
The generic checks here: the history database passes ``PRAGMA integrity_check`` and no shown text
was lost.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SEEDS = (1, 2, 3, 4, 5, 6)
READY_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class KillPoint:
    """One kill: its seed, the delay after the write began, and what had been shown by then."""

    seed: int
    delay_s: float
    shown: str
    home: Path
    """The app folder (ASSISTANT_HOME) of this kill; it is set while the check runs."""

    @property
    def history_path(self) -> Path:
        return self.home / "data" / "history.sqlite3"


Start = Callable[[], "subprocess.Popen[bytes]"]
Shown = Callable[[bytes], str]
Check = Callable[[KillPoint], None]


def kill_during(
    start: Start,
    shown: Shown,
    check: Check,
    *,
    base: Path,
    span_s: float,
    ready: bytes,
    seeds: Sequence[int] = SEEDS,
) -> list[KillPoint]:
    """Kill ``start()``'s process at a random point of ``span_s`` after it printed ``ready``.

    ``start`` runs with ASSISTANT_HOME set to a fresh folder under ``base`` (also during
    ``check``); ``shown`` turns the process's whole stdout into what it had shown the person.
    Returns the kill points tried, in seed order.
    """
    points = []
    for seed in seeds:
        home = base / f"seed-{seed}"
        delay = random.Random(seed).uniform(0.0, span_s)
        with _home(home):
            output = _kill_once(start, ready, delay)
            point = KillPoint(seed, delay, shown(output), home)
            check(point)
        points.append(point)
    return points


def _kill_once(start: Start, ready: bytes, delay: float) -> bytes:
    child = start()
    assert child.stdout is not None
    collected: list[bytes] = []
    began = threading.Event()

    def read() -> None:
        assert child.stdout is not None
        for line in child.stdout:
            collected.append(line)
            if line.startswith(ready):
                began.set()
        began.set()  # the process ended (before or after the marker)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert began.wait(READY_TIMEOUT_S), "the process never began its write"
        assert any(line.startswith(ready) for line in collected), b"".join(collected)[-2000:]
        threading.Event().wait(delay)  # the random kill point (not a wait for a condition)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=10)
    reader.join(timeout=10)  # everything the process wrote before it died is in the pipe
    return b"".join(collected)


@contextmanager
def _home(home: Path) -> Iterator[None]:
    previous = os.environ.get("ASSISTANT_HOME")
    os.environ["ASSISTANT_HOME"] = str(home)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("ASSISTANT_HOME", None)
        else:
            os.environ["ASSISTANT_HOME"] = previous


def integrity_ok(database: Path) -> bool:
    """``PRAGMA integrity_check`` says ok (a missing file has nothing to corrupt)."""
    if not database.exists():
        return True
    with sqlite3.connect(database) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def last_shown(output: bytes, prefix: bytes = b"SHOWN ") -> str:
    """The text of the last ``SHOWN <json string>`` line (a GUI child reports what it shows)."""
    import json

    shown = ""
    for line in output.splitlines():
        if line.startswith(prefix) and line.endswith(b'"'):  # a line cut by the kill is skipped
            shown = json.loads(line[len(prefix) :])
    return shown


def assistant_process(*args: str) -> subprocess.Popen[bytes]:
    """``python -m assistant args`` with no input, its stdout piped (a CLI write to kill)."""
    return subprocess.Popen(
        [sys.executable, "-m", "assistant", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )


def printed(output: bytes) -> str:
    """What a CLI child had printed (a character cut by the kill is dropped)."""
    return output.decode("utf-8", errors="ignore")
