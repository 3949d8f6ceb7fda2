"""The built-in engine: llama.cpp's OpenAI-compatible server (``xllamacpp``) on 127.0.0.1.

The app reaches it like any other provider (base URL + per-run key through the ``openai`` SDK).
The server runs in a small child process (``python -m assistant.core.engine.host serve``) rather
than inside the app, because in-process ``xllamacpp.Server(...)`` holds the GIL for the whole model
load (measured: every Python thread, the GUI's included, froze for the 0.57 s SmolLM2 load, and a
multi-GB model takes seconds), and llama.cpp logs through the C ``stderr``, which can only be sent
to a file for a whole process. The child costs ~0.07 s of start-up, writes all native output to
``<logs>/engine.log``, exits when the app's end of its stdin pipe closes (even if the app is
killed), and a crash in llama.cpp cannot take the window down with it.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import secrets
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import weakref
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from assistant.core.base.i18n import tr
from assistant.core.base.paths import app_paths
from assistant.core.engine.gguf_info import GGUFError

if TYPE_CHECKING:
    from assistant.core.engine.models import ModelInfo
    from assistant.core.providers.client import Endpoint

LOG_FILE_NAME = "engine.log"
LOG_VERBOSITY = 3  # llama.cpp: 3 logs load info and one timing summary per request
_LOG_ROTATE_BYTES = 5_000_000
_STOP_TIMEOUT = 5.0
_HTTP_TIMEOUT = 30.0


class EngineState(StrEnum):
    STOPPED = "stopped"
    LOADING = "loading"
    READY = "ready"
    FAILED = "failed"


class EngineError(Exception):
    """The engine could not start or answer (message is user-facing)."""


@dataclass(frozen=True)
class EngineConfig:
    """How to run the engine. ``n_threads`` 0 means one per physical core."""

    model_path: Path
    n_ctx: int = 4096
    n_threads: int = 0
    gpu_layers: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "model_path", Path(self.model_path))

    @property
    def threads(self) -> int:
        """The thread count actually used."""
        return self.n_threads if self.n_threads > 0 else physical_cores()


@dataclass(frozen=True)
class EngineDevice:
    """A compute device llama.cpp can use (``kind``: cpu, gpu, igpu, accel)."""

    name: str
    description: str
    kind: str
    memory_total: int

    @property
    def is_gpu(self) -> bool:
        return self.kind in {"gpu", "igpu"}


@dataclass
class _Run:
    """One running child process and what it was started with."""

    config: EngineConfig
    process: subprocess.Popen[bytes]
    api_key: str
    address: str = ""
    devices: list[EngineDevice] = field(default_factory=list)
    context_window: int = 0


def physical_cores() -> int:
    """Physical CPU cores available to this process (hyper-threads share a core's units)."""
    logical = os.cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        logical = len(os.sched_getaffinity(0)) or logical
    cores = _linux_physical_cores()
    return max(1, min(cores, logical) if cores else logical)


def _linux_physical_cores() -> int:
    """Distinct (physical id, core id) pairs in /proc/cpuinfo; 0 where that is not available."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return 0
    pairs: set[tuple[str, str]] = set()
    for block in text.split("\n\n"):
        fields = dict(
            (key.strip(), value.strip())
            for key, _, value in (line.partition(":") for line in block.splitlines())
        )
        if "core id" in fields:
            pairs.add((fields.get("physical id", "0"), fields["core id"]))
    return len(pairs)


def engine_devices() -> list[EngineDevice]:
    """Devices llama.cpp can use with the installed wheel (asked once, in a short-lived process).

    Blocks for ~0.1 s (longer with a GPU wheel): call it off the GUI thread.
    """
    global _probed_devices
    with _probe_lock:
        if _probed_devices is None:
            _probed_devices = _probe_devices()
        return list(_probed_devices)


def gpu_supported() -> bool:
    """True when the wheel has a GPU backend and a GPU is present (``gpu_layers`` then applies)."""
    return any(device.is_gpu for device in engine_devices())


def _probe_devices() -> list[EngineDevice]:
    try:
        done = subprocess.run(
            [sys.executable, "-m", "assistant.core.engine.host", "devices"],
            capture_output=True,
            env=_host_env(),
            timeout=60,
            **_host_options(),
        )
        listed = json.loads(done.stdout.splitlines()[-1]) if done.returncode == 0 else None
    except (OSError, ValueError, IndexError, subprocess.TimeoutExpired) as exc:
        raise EngineError(
            tr("Cannot ask the built-in engine for its devices: {reason}").replace(
                "{reason}", str(exc)
            )
        ) from exc
    if not isinstance(listed, list):
        raise EngineError(
            tr("Cannot ask the built-in engine for its devices: {reason}").replace(
                "{reason}", done.stderr.decode("utf-8", errors="replace").strip()[-300:]
            )
        )
    return [EngineDevice(**device) for device in listed]


def engine_log_path() -> Path:
    """Where llama.cpp's own log goes."""
    return app_paths().logs / LOG_FILE_NAME


class LocalEngine:
    """Starts, restarts and stops the engine process; thread-safe.

    ``start``/``ensure_started`` block while the model loads: call them off the GUI thread.
    ``stop`` may be called from any thread, also while a start is loading (that start then
    raises :class:`EngineError`).
    """

    def __init__(self) -> None:
        self._start_lock = threading.Lock()
        self._state_lock = threading.Lock()
        self._run: _Run | None = None
        self._state = EngineState.STOPPED
        self._error = ""
        self._model_info: ModelInfo | None = None
        self._stops = 0  # counts stop() calls, so a start can tell it was cancelled
        _live_engines.add(self)

    # ------------------------------------------------------------ state

    @property
    def state(self) -> EngineState:
        with self._state_lock:
            if self._state is EngineState.READY and not self._alive(self._run):
                self._state = EngineState.FAILED
                self._error = tr("The built-in engine stopped unexpectedly. See {log}.").replace(
                    "{log}", str(engine_log_path())
                )
            return self._state

    @property
    def error(self) -> str:
        """Why the last start failed ('' if it did not)."""
        return self._error

    @property
    def config(self) -> EngineConfig | None:
        """The configuration of the running (or loading) engine."""
        run = self._run
        return run.config if run else None

    @property
    def model_info(self) -> ModelInfo | None:
        """Metadata of the loaded model."""
        return self._model_info if self.state is EngineState.READY else None

    @property
    def context_window(self) -> int | None:
        """Tokens the loaded model can attend to (the server's actual ``n_ctx``)."""
        run = self._run
        if run is None or not self._alive(run):
            return None
        return run.context_window or run.config.n_ctx

    @property
    def devices(self) -> list[EngineDevice]:
        """Devices the running engine reported (CPU only unless the wheel has a GPU backend)."""
        run = self._run
        return list(run.devices) if run else []

    @property
    def address(self) -> str:
        """``http://127.0.0.1:<port>`` while ready, else ''."""
        run = self._run
        return run.address if run and self.state is EngineState.READY else ""

    @property
    def pid(self) -> int | None:
        """Process id of the engine's host process while it runs (diagnostics, tests)."""
        run = self._run
        return run.process.pid if run and self._alive(run) else None

    def is_running_with(self, config: EngineConfig) -> bool:
        """True when the engine is ready with exactly ``config``."""
        run = self._run
        return self.state is EngineState.READY and run is not None and run.config == config

    # ------------------------------------------------------------ lifecycle

    def ensure_started(self, config: EngineConfig) -> Endpoint:
        """Start the engine unless it runs with ``config`` (restarting if changed); its endpoint."""
        with self._start_lock:
            if not self.is_running_with(config):
                self._start_locked(config)
            return self.endpoint()

    def start(self, config: EngineConfig) -> None:
        """(Re)start the engine with ``config``; blocks until the model is loaded."""
        with self._start_lock:
            self._start_locked(config)

    def endpoint(self) -> Endpoint:
        """Base URL and per-run key of the ready engine."""
        from assistant.core.providers.client import Endpoint

        run = self._run
        if run is None or self.state is not EngineState.READY:
            raise EngineError(tr("The built-in engine is not running."))
        return Endpoint(
            provider_name=tr("Built-in engine"),
            base_url=f"{run.address}/v1",
            api_key=run.api_key,
        )

    def stop(self) -> None:
        """Stop the engine (no-op when stopped); frees its memory and port."""
        with self._state_lock:
            run, self._run = self._run, None
            loading = self._state is EngineState.LOADING
            self._stops += 1
            self._state = EngineState.STOPPED
            self._model_info = None
        if run is not None:
            _end_process(run.process, graceful=not loading)

    def tokenize(self, text: str) -> int:
        """Number of tokens ``text`` makes for the loaded model (llama.cpp's ``/tokenize``)."""
        reply = self._post("/tokenize", {"content": text, "add_special": False})
        tokens = reply.get("tokens")
        if not isinstance(tokens, list):
            raise EngineError(tr("The built-in engine gave an unexpected answer."))
        return len(tokens)

    # ------------------------------------------------------------ internals

    def _start_locked(self, config: EngineConfig) -> None:
        self.stop()
        stops = self._stops
        try:
            info = _check_model(config.model_path)
            log, log_offset = _open_log(config)
            try:
                process = _spawn_host(log)
            finally:
                log.close()
        except EngineError as exc:
            with self._state_lock:
                self._state, self._error = EngineState.FAILED, str(exc)
            raise
        api_key = secrets.token_urlsafe(32)
        run = _Run(config=config, process=process, api_key=api_key)
        with self._state_lock:
            cancelled = self._stops != stops
            if not cancelled:
                self._run, self._state, self._error = run, EngineState.LOADING, ""
        if cancelled:
            _end_process(process, graceful=False)
            raise EngineError(tr("The built-in engine was stopped while loading."))
        try:
            reply = _handshake(process, config, api_key, log_offset)
        except EngineError as exc:
            self._fail(run, str(exc))
            raise
        finally:
            if process.stdout is not None:
                process.stdout.close()
        run.address = str(reply["address"])
        run.devices = [EngineDevice(**d) for d in reply.get("devices", [])]
        with self._state_lock:
            if self._run is not run:  # stopped while loading
                raise EngineError(tr("The built-in engine was stopped while loading."))
            self._state = EngineState.READY
            self._model_info = info
        run.context_window = self._server_context(config)

    def _fail(self, run: _Run, message: str) -> None:
        _end_process(run.process, graceful=False)
        with self._state_lock:
            if self._run is run:
                self._run = None
                self._state = EngineState.FAILED
                self._error = message

    def _server_context(self, config: EngineConfig) -> int:
        try:
            props = self._get("/props")
            return int(props["default_generation_settings"]["n_ctx"])
        except (EngineError, KeyError, TypeError, ValueError):
            return config.n_ctx

    @staticmethod
    def _alive(run: _Run | None) -> bool:
        return run is not None and run.process.poll() is None

    def _get(self, path: str) -> dict[str, Any]:
        return self._request(path, None)

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._request(path, json.dumps(body).encode("utf-8"))

    def _request(self, path: str, body: bytes | None) -> dict[str, Any]:
        run = self._run
        if run is None or not run.address:
            raise EngineError(tr("The built-in engine is not running."))
        request = urllib.request.Request(
            run.address + path,
            data=body,
            headers={"Authorization": f"Bearer {run.api_key}", "Content-Type": "application/json"},
            method="GET" if body is None else "POST",
        )
        try:
            with _LOOPBACK_OPENER.open(request, timeout=_HTTP_TIMEOUT) as response:
                data = json.loads(response.read())
        except (OSError, ValueError) as exc:  # URLError/HTTPError are OSErrors
            raise EngineError(
                tr("The built-in engine did not answer: {reason}").replace("{reason}", str(exc))
            ) from exc
        if not isinstance(data, dict):
            raise EngineError(tr("The built-in engine gave an unexpected answer."))
        return data


# Loopback requests must never go through a proxy from the environment.
_LOOPBACK_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_live_engines: weakref.WeakSet[LocalEngine] = weakref.WeakSet()
_probe_lock = threading.Lock()
_probed_devices: list[EngineDevice] | None = None


@atexit.register
def _stop_all_engines() -> None:
    for engine in list(_live_engines):
        engine.stop()


def _check_model(path: Path) -> ModelInfo:
    from assistant.core.engine.models import model_info

    if not path.is_file():
        raise EngineError(tr("The model file {path} does not exist.").replace("{path}", str(path)))
    try:
        return model_info(path)
    except GGUFError as exc:
        raise EngineError(str(exc)) from exc


def _open_log(config: EngineConfig) -> tuple[IO[bytes], int]:
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
    header = (
        f"\n=== {stamp} starting {config.model_path} "
        f"(n_ctx={config.n_ctx}, threads={config.threads}, gpu_layers={config.gpu_layers})\n"
    )
    log.write(header.encode("utf-8"))
    log.flush()
    return log, log.tell()


def _host_env() -> dict[str, str]:
    """The app's environment, with this package importable in the host process."""
    package_root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    env.pop("PYTHONSTARTUP", None)
    return env


def _host_options() -> dict[str, Any]:
    if os.name == "nt":
        return {"creationflags": getattr(subprocess, "CREATE_NO_WINDOW", 0)}
    return {"start_new_session": True}  # Ctrl+C in a terminal is the app's to handle


def _spawn_host(log: IO[bytes]) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "assistant.core.engine.host", "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            env=_host_env(),
            **_host_options(),
        )
    except OSError as exc:
        raise EngineError(
            tr("Cannot start the built-in engine: {reason}").replace(
                "{reason}", exc.strerror or str(exc)
            )
        ) from exc


def _handshake(
    process: subprocess.Popen[bytes], config: EngineConfig, api_key: str, log_offset: int
) -> dict[str, Any]:
    """Send the configuration, wait for the host's one-line reply."""
    request = {
        "model_path": str(config.model_path),
        "n_ctx": config.n_ctx,
        "n_threads": config.threads,
        "gpu_layers": config.gpu_layers,
        "api_key": api_key,
        "verbosity": LOG_VERBOSITY,
        "alias": config.model_path.stem,
    }
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
        .replace("{model}", config.model_path.name)
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


def _end_process(process: subprocess.Popen[bytes], graceful: bool = True) -> None:
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
