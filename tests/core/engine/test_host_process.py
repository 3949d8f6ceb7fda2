"""The command that starts the engine's helper process, normally and in a frozen app."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli.main import main
from assistant.core.engine.host import HOST_FLAG
from assistant.core.engine.host_process import HOST_MODULE, host_command, host_env
from assistant.core.engine.local_engine import EngineConfig, LocalEngine


def test_the_helper_runs_as_a_module_normally() -> None:
    assert not getattr(sys, "frozen", False)
    assert host_command("devices") == [sys.executable, "-m", HOST_MODULE, "devices"]
    done = subprocess.run(host_command("devices"), capture_output=True, env=host_env(), timeout=60)
    assert done.returncode == 0, done.stderr
    assert any(device["kind"] == "cpu" for device in json.loads(done.stdout))


def test_a_frozen_app_runs_its_own_executable_with_the_flag(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert host_command("serve") == [sys.executable, HOST_FLAG, "serve"]


def test_the_app_entry_point_hands_the_flag_to_the_helper() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "assistant", HOST_FLAG, "devices"],
        capture_output=True,
        env=host_env(),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert any(device["kind"] == "cpu" for device in json.loads(done.stdout))


def test_the_flag_with_a_wrong_action_is_the_helper_s_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([HOST_FLAG, "bogus"]) == 2
    assert "serve|devices" in capsys.readouterr().err


def test_the_helper_s_environment_finds_this_package_without_site_packages(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-S", "-c", "import assistant; print(assistant.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=host_env(),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).parent == Path(__file__).resolve().parents[3] / "assistant"


@pytest.mark.e2e
@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads /proc")
def test_the_engine_starts_through_a_frozen_app_s_entry_point(
    smol_model_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stand-in for a frozen executable: it only knows the app's own command line."""
    app = tmp_path / "assistant-app"
    app.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m assistant "$@"\n', encoding="utf-8")
    app.chmod(app.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(app))
    engine = LocalEngine()
    try:
        engine.start(EngineConfig(smol_model_path, n_ctx=256, n_threads=1))
        assert engine.tokenize("Hello world") > 0
        pid = engine.pid
        assert pid is not None
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        assert HOST_FLAG.encode() in command and b"serve" in command
    finally:
        engine.stop()
