"""The built-in engine: llama.cpp's OpenAI-compatible server (``xllamacpp``) on 127.0.0.1.

The app reaches it like any other provider (base URL + per-run key through the ``openai`` SDK).
The server runs in a small child process (:mod:`.host`, started by :mod:`.host_process`) rather
than inside the app, because in-process ``xllamacpp.Server(...)`` holds the GIL for the whole model
load (measured: every Python thread, the GUI's included, froze for the 0.57 s SmolLM2 load, and a
multi-GB model takes seconds), and llama.cpp logs through the C ``stderr``, which can only be sent
to a file for a whole process. The child costs ~0.07 s of start-up, writes all native output to
``<logs>/engine.log``, exits when the app's end of its stdin pipe closes (even if the app is
killed), and a crash in llama.cpp cannot take the window down with it.
"""

from __future__ import annotations

import atexit
import json
import secrets
import subprocess
import threading
import urllib.request
import weakref
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.core.base.i18n import tr
from assistant.core.engine.devices import (
    EngineDevice,
    engine_devices,
    gpu_supported,
    physical_cores,
)
from assistant.core.engine.gguf_info import GGUFError
from assistant.core.engine.host_process import (
    LOG_FILE_NAME,
    EngineError,
    end_process,
    engine_log_path,
    handshake,
    open_log,
    spawn_host,
)
from assistant.core.providers.variants import MAX_PARALLEL_REQUESTS

if TYPE_CHECKING:
    from assistant.core.engine.models import ModelInfo
    from assistant.core.providers.client import Endpoint

__all__ = [
    "LOG_FILE_NAME",
    "EngineConfig",
    "EngineDevice",
    "EngineError",
    "EngineState",
    "LocalEngine",
    "engine_devices",
    "engine_log_path",
    "gpu_supported",
    "physical_cores",
]

LOG_VERBOSITY = 4  # llama.cpp: 4 also logs its buffers at load (KV cache, prompt cache limit)
_HTTP_TIMEOUT = 30.0


class EngineState(StrEnum):
    STOPPED = "stopped"
    LOADING = "loading"
    READY = "ready"
    FAILED = "failed"


@dataclass(frozen=True)
class EngineConfig:
    """How to run the engine. ``n_threads`` 0 means one per physical core."""

    model_path: Path
    n_ctx: int = 4096
    n_threads: int = 0
    gpu_layers: int = 0
    cache_ram_mib: int = -1
    """llama.cpp's prompt cache limit in MiB (0 = none; -1 = llama.cpp's default, 8192)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "model_path", Path(self.model_path))

    @property
    def threads(self) -> int:
        """The thread count actually used."""
        return self.n_threads if self.n_threads > 0 else physical_cores()


@dataclass
class _EngineRun:
    """One running child process and what it was started with."""

    config: EngineConfig
    process: subprocess.Popen[bytes]
    api_key: str
    address: str = ""
    devices: list[EngineDevice] = field(default_factory=list)
    context_window: int = 0


class LocalEngine:
    """Starts, restarts and stops the engine process; thread-safe.

    ``start``/``ensure_started`` block while the model loads: call them off the GUI thread.
    ``stop`` may be called from any thread, also while a start is loading (that start then
    raises :class:`EngineError`).
    """

    def __init__(self) -> None:
        self._start_lock = threading.Lock()
        self._state_lock = threading.Lock()
        self._run: _EngineRun | None = None
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
            end_process(run.process, graceful=not loading)

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
            log, log_offset = open_log(_log_header(config))
            try:
                process = spawn_host(log)
            finally:
                log.close()
        except EngineError as exc:
            with self._state_lock:
                self._state, self._error = EngineState.FAILED, str(exc)
            raise
        api_key = secrets.token_urlsafe(32)
        run = _EngineRun(config=config, process=process, api_key=api_key)
        with self._state_lock:
            cancelled = self._stops != stops
            if not cancelled:
                self._run, self._state, self._error = run, EngineState.LOADING, ""
        if cancelled:
            end_process(process, graceful=False)
            raise EngineError(tr("The built-in engine was stopped while loading."))
        try:
            reply = handshake(
                process, _host_request(config, api_key), config.model_path.name, log_offset
            )
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

    def _fail(self, run: _EngineRun, message: str) -> None:
        end_process(run.process, graceful=False)
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
    def _alive(run: _EngineRun | None) -> bool:
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


def _log_header(config: EngineConfig) -> str:
    return (
        f"starting {config.model_path} "
        f"(n_ctx={config.n_ctx}, threads={config.threads}, gpu_layers={config.gpu_layers}, "
        f"cache_ram_mib={config.cache_ram_mib})"
    )


def _host_request(config: EngineConfig, api_key: str) -> dict[str, Any]:
    """The one JSON line :mod:`.host` reads to start the server."""
    return {
        "model_path": str(config.model_path),
        "n_ctx": config.n_ctx,
        "n_threads": config.threads,
        "gpu_layers": config.gpu_layers,
        "cache_ram_mib": config.cache_ram_mib,
        "api_key": api_key,
        "verbosity": LOG_VERBOSITY,
        "alias": config.model_path.stem,
        "slots": MAX_PARALLEL_REQUESTS,
    }
