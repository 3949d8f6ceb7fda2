"""The parent's side of the engine's helper process: the command that starts it, its log, the
one-line handshake and its end.

The helper is :mod:`.host` (``python -m assistant.core.engine.host serve|devices``). A frozen app
has no ``-m``: there :func:`host_command` runs the app's own executable with ``--engine-host``,
which ``assistant.cli.main`` hands to :func:`.host.host_main`.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

import assistant
from assistant.core.base.i18n import tr
from assistant.core.base.paths import app_paths
from assistant.core.engine.host import HOST_FLAG

LOG_FILE_NAME = "engine.log"
_LOG_ROTATE_BYTES = 5_000_000
_STOP_TIMEOUT = 5.0
HOST_MODULE = "assistant.core.engine.host"


class EngineError(Exception):
    """The engine could not start or answer (message is user-facing)."""


def host_command(*args: str) -> list[str]:
    """The command line that runs the helper with ``args`` (``serve`` or ``devices``).

    ``python -m assistant.core.engine.host ...`` normally; in a frozen app (``sys.frozen``, set by
    PyInstaller and the like) ``sys.executable`` is the app itself and gets ``--engine-host ...``.
    """
    if getattr(sys, "frozen", False):
        return [sys.executable, HOST_FLAG, *args]
    return [sys.executable, "-m", HOST_MODULE, *args]


def engine_log_path() -> Path:
    """Where llama.cpp's own log goes."""
    return app_paths().logs / LOG_FILE_NAME


def open_log(header: str) -> tuple[IO[bytes], int]:
    """Append to the engine log (rotated once at ~5 MB) after a header; returns (file, offset)."""
    path = engine_log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > _LOG_ROTATE_BYTES:
            os.replace(path, path.with_suffix(".log.1"))
        log = open(path, "ab")  # noqa: SIM115 - handed to the child process
    except OSError as exc:
        raise EngineError(
            tr("Cannot write the engine log {path}: {reason}")
            .replace("{path}", str(path))
            .replace("{reason}", exc.strerror or str(exc))
        ) from exc
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    log.write(f"\n=== {stamp} {header}\n".encode())
    log.flush()
    return log, log.tell()


def host_env() -> dict[str, str]:
    """The app's environment, with this package importable in the host process."""
    package_root = str(Path(assistant.__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    env.pop("PYTHONSTARTUP", None)
    return env


def host_options() -> dict[str, Any]:
    """Popen options: no console window on Windows, a session of its own elsewhere."""
    if os.name == "nt":
        return {"creationflags": getattr(subprocess, "CREATE_NO_WINDOW", 0)}
    return {"start_new_session": True}  # Ctrl+C in a terminal is the app's to handle


def spawn_host(log: IO[bytes]) -> subprocess.Popen[bytes]:
    """Start the helper's ``serve`` with pipes for the handshake; its output goes to ``log``."""
    try:
        return subprocess.Popen(
            host_command("serve"),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            env=host_env(),
            **host_options(),
        )
    except OSError as exc:
        raise EngineError(
            tr("Cannot start the built-in engine: {reason}").replace(
                "{reason}", exc.strerror or str(exc)
            )
        ) from exc


def handshake(
    process: subprocess.Popen[bytes], request: dict[str, Any], model_name: str, log_offset: int
) -> dict[str, Any]:
    """Send the configuration, wait for the host's one-line reply."""
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
        process.stdin.flush()
        line = process.stdout.readline()
    except OSError:
        line = b""
    try:
        reply = json.loads(line) if line else {}
    except ValueError:
        reply = {}
    if reply.get("ok") and str(reply.get("address", "")).startswith("http://127.0.0.1:"):
        return dict(reply)
    if not line and process.poll() is not None and process.returncode < 0:
        reason = tr("the engine process was stopped")
    else:
        reason = _logged_error(log_offset) or tr("the engine process ended")
    raise EngineError(
        tr("The built-in engine could not load {model}: {reason}. Details are in {log}.")
        .replace("{model}", model_name)
        .replace("{reason}", reason)
        .replace("{log}", str(engine_log_path()))
    )


def _logged_error(offset: int) -> str:
    """The first error llama.cpp logged since ``offset`` (its text after the location)."""
    time.sleep(0.05)  # the child's logger thread writes asynchronously
    try:
        with open(engine_log_path(), "rb") as log:
            log.seek(offset)
            lines = log.read().decode("utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    errors = [line.split(" E ", 1)[1] for line in lines if " E " in line]
    if not errors:
        return ""
    return errors[0].split(": ", 1)[-1].strip()


def end_process(process: subprocess.Popen[bytes], graceful: bool = True) -> None:
    """Ask the host to stop (close its stdin; ``graceful``) or terminate it; kill if it lingers."""
    with contextlib.suppress(OSError):
        if process.stdin is not None:
            process.stdin.close()
    if not graceful:
        process.terminate()
    try:
        process.wait(timeout=_STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.terminate()
        try:
            process.wait(timeout=_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
