"""SIGTERM and SIGINT close the real app as its close button does (exit 0, window state saved)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.benchmarks.common import REPO_ROOT


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signal")
@pytest.mark.parametrize("sent", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_closes_the_window_cleanly(tmp_path: Path, sent: signal.Signals) -> None:
    home = tmp_path / "home"
    env = dict(os.environ, ASSISTANT_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not any(home.rglob("*.sqlite3*")) and process.poll() is None:
            assert time.monotonic() < deadline, "the app did not open its history"
            time.sleep(0.1)  # polling another process: no Qt event loop here
        assert process.poll() is None, process.communicate()
        process.send_signal(sent)
        _out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err.decode(errors="replace")
    settings = next(home.rglob("settings.json"))
    assert "window_geometry" in json.loads(settings.read_text())  # the window's closeEvent ran
