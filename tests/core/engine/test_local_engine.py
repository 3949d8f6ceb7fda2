"""The built-in engine with the real SmolLM2 model: HTTP, key, loopback-only port, lifecycle."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import openai
import pytest

from assistant.core.engine.local_engine import (
    EngineConfig,
    EngineError,
    EngineState,
    LocalEngine,
    engine_devices,
    engine_log_path,
    gpu_supported,
    physical_cores,
)
from tests.core.engine.test_gguf_info import write_gguf


def port_of(engine: LocalEngine) -> int:
    return urlparse(engine.address).port or 0


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a LISTEN socket on ``port`` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        with open(table) as rows:
            next(rows)
            for row in rows:
                local, state = row.split()[1], row.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:
                    found.add(address)
    return found


def can_connect(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def chat(base_url: str, api_key: str, prompt: str = "Say hello.") -> str:
    client = openai.OpenAI(base_url=base_url, api_key=api_key, max_retries=0, timeout=60)
    reply = client.chat.completions.create(
        model="SmolLM2-135M-Instruct",
        messages=[{"role": "user", "content": prompt}],
        max_tokens=16,
        temperature=0,
    )
    return reply.choices[0].message.content or ""


def test_physical_cores_is_sane() -> None:
    assert 1 <= physical_cores() <= (os.cpu_count() or 1)
    assert EngineConfig(Path("m.gguf")).threads == physical_cores()
    assert EngineConfig(Path("m.gguf"), n_threads=3).threads == 3


def test_devices_list_the_cpu_and_say_whether_a_gpu_is_usable() -> None:
    devices = engine_devices()

    assert any(device.kind == "cpu" for device in devices)
    assert gpu_supported() == any(device.is_gpu for device in devices)


def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    engine = LocalEngine()

    with pytest.raises(EngineError, match="does not exist"):
        engine.start(EngineConfig(tmp_path / "absent.gguf"))

    assert engine.state is EngineState.FAILED
    assert "does not exist" in engine.error


def test_not_a_gguf_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.gguf"
    path.write_text("not a model")

    with pytest.raises(EngineError, match="not a GGUF model file"):
        LocalEngine().start(EngineConfig(path))


def test_endpoint_needs_a_running_engine() -> None:
    engine = LocalEngine()

    assert engine.state is EngineState.STOPPED
    with pytest.raises(EngineError, match="not running"):
        engine.endpoint()
    engine.stop()  # stopping a stopped engine is fine


def test_a_file_llama_cannot_load_reports_its_reason_and_logs_it(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    path = write_gguf(tmp_path / "tiny.gguf", arch="no-such-architecture")
    engine = LocalEngine()

    with pytest.raises(EngineError) as failure:
        engine.start(EngineConfig(path, n_ctx=256, n_threads=1))

    message = str(failure.value)
    assert message.startswith("The built-in engine could not load tiny.gguf: ")
    assert "no-such-architecture" in message
    assert str(engine_log_path()) in message
    assert engine.state is EngineState.FAILED
    assert "no-such-architecture" in engine_log_path().read_text()
    assert capfd.readouterr().err == ""  # llama.cpp's output went to the log, not the terminal


@pytest.mark.e2e
def test_answers_through_the_openai_sdk_with_the_per_run_key(local_engine: LocalEngine) -> None:
    endpoint = local_engine.endpoint()

    assert endpoint.base_url == f"{local_engine.address}/v1"
    assert endpoint.provider_name == "Built-in engine"
    assert endpoint.api_key and len(endpoint.api_key) >= 32
    assert chat(endpoint.base_url, endpoint.api_key).strip()


@pytest.mark.e2e
def test_a_request_without_the_key_gets_401(local_engine: LocalEngine) -> None:
    endpoint = local_engine.endpoint()

    with pytest.raises(openai.AuthenticationError) as refused:
        chat(endpoint.base_url, "wrong-key")

    assert refused.value.status_code == 401


@pytest.mark.e2e
def test_port_is_bound_to_loopback_only(local_engine: LocalEngine) -> None:
    port = port_of(local_engine)

    assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1, nothing on 0.0.0.0 or ::
    assert can_connect("127.0.0.1", port)
    assert not can_connect("127.0.0.2", port)


@pytest.mark.e2e
def test_reports_model_context_and_token_counts(local_engine: LocalEngine) -> None:
    info = local_engine.model_info

    assert info is not None and info.quantization == "Q4_1"
    assert local_engine.context_window == 2048
    assert local_engine.tokenize("Hello world, how are you?") == 7
    assert local_engine.tokenize("") == 0
    assert [d.kind for d in local_engine.devices][:1] == ["cpu"]
    assert local_engine.state is EngineState.READY


@pytest.mark.e2e
def test_same_config_reuses_the_running_engine(
    local_engine: LocalEngine, smol_model_path: Path
) -> None:
    config = local_engine.config
    assert config is not None
    before = local_engine.endpoint()

    assert local_engine.is_running_with(config)
    assert local_engine.ensure_started(config) == before


@pytest.mark.e2e
def test_switching_model_restarts_and_stop_frees_the_port(
    smol_model_path: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other-model.gguf"
    other.symlink_to(smol_model_path)
    engine = LocalEngine()
    first = engine.ensure_started(EngineConfig(smol_model_path, n_ctx=512, n_threads=2))
    first_port, first_pid = port_of(engine), engine.pid

    second = engine.ensure_started(EngineConfig(other, n_ctx=512, n_threads=2))

    assert engine.config is not None and engine.config.model_path == other
    assert second.api_key != first.api_key
    assert engine.pid != first_pid
    assert not can_connect("127.0.0.1", first_port) or port_of(engine) == first_port
    assert chat(second.base_url, second.api_key or "").strip()
    with pytest.raises(openai.AuthenticationError):
        chat(second.base_url, first.api_key or "")

    second_port = port_of(engine)
    engine.stop()

    assert engine.state is EngineState.STOPPED
    assert engine.pid is None
    assert not can_connect("127.0.0.1", second_port)
    assert listening_addresses(second_port) == set()


@pytest.mark.e2e
def test_concurrent_first_requests_start_one_engine(smol_model_path: Path) -> None:
    engine = LocalEngine()
    config = EngineConfig(smol_model_path, n_ctx=512, n_threads=1)
    endpoints: list[object] = []
    callers = [
        threading.Thread(target=lambda: endpoints.append(engine.ensure_started(config)))
        for _ in range(3)
    ]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join(timeout=60)
    try:
        assert len(endpoints) == 3
        assert endpoints[0] == endpoints[1] == endpoints[2]
    finally:
        engine.stop()


@pytest.mark.e2e
def test_stop_while_loading_leaves_it_stopped(smol_model_path: Path) -> None:
    engine = LocalEngine()
    errors: list[Exception] = []

    def start() -> None:
        try:
            engine.start(EngineConfig(smol_model_path, n_ctx=512, n_threads=1))
        except EngineError as exc:
            errors.append(exc)

    starter = threading.Thread(target=start)
    starter.start()
    while engine.state is EngineState.STOPPED and starter.is_alive():
        time.sleep(0.005)
    engine.stop()
    starter.join(timeout=30)

    assert not starter.is_alive()
    engine.stop()  # whichever won the race, stop leaves nothing running
    assert engine.state is EngineState.STOPPED and engine.pid is None


@pytest.mark.e2e
def test_engine_process_ends_when_the_app_is_killed(smol_model_path: Path) -> None:
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from assistant.core.engine.local_engine import EngineConfig, LocalEngine\n"
        "engine = LocalEngine()\n"
        "engine.start(EngineConfig(Path(sys.argv[1]), n_ctx=512, n_threads=1))\n"
        "print(engine.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    app = subprocess.Popen(
        [sys.executable, "-c", script, str(smol_model_path)],
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(Path.cwd())),
    )
    assert app.stdout is not None
    engine_pid = int(app.stdout.readline())

    app.send_signal(signal.SIGKILL)
    app.wait()

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _process_exists(engine_pid):
        time.sleep(0.05)
    assert not _process_exists(engine_pid)


def _process_exists(pid: int) -> bool:
    """True while ``pid`` runs (a zombie whose parent died is reaped by init quickly)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status
