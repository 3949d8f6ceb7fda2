"""Start-up of the installed app (/usr/bin/assistant-gui, the .deb) vs the venv install
(.venv/bin/assistant-gui), same run: seconds from process start until its window is on screen
(xdotool sees it mapped, under a private Xvfb), and the process's memory then (VmRSS, VmHWM).

Runs alternate between the two; each is a fresh process with a fresh ASSISTANT_HOME that skips
the welcome page, closed with SIGTERM after it is measured. Needs the package installed, Xvfb and
xdotool. ``python -m tests.packaging.startup_figures [ROUNDS]`` prints one line per install.
"""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from tests.benchmarks.common import REPO_ROOT, fresh_home
from tests.benchmarks.startup import _Display

VENV_GUI = os.environ.get("ASSISTANT_VENV_GUI", str(REPO_ROOT / ".venv/bin/assistant-gui"))
INSTALLS = {"installed .deb": "/usr/bin/assistant-gui", "venv": VENV_GUI}


def _memory_mib(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of ``pid`` in MiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = float(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def measure_once(command: str, env: dict[str, str]) -> tuple[float, float, float]:
    """(seconds until the window is visible, RSS MiB, peak RSS MiB) of one fresh start."""
    home = fresh_home()
    started = time.perf_counter()
    process = subprocess.Popen(
        [command], env=env | {"ASSISTANT_HOME": str(home)}, stderr=subprocess.DEVNULL
    )
    try:
        while True:
            found = subprocess.run(
                ["xdotool", "search", "--onlyvisible", "--pid", str(process.pid), "--name", "."],
                env=env,
                capture_output=True,
                text=True,
            )
            if found.stdout.strip():
                break
            if process.poll() is not None or time.perf_counter() - started > 60:
                raise RuntimeError(f"{command}: no window")
            time.sleep(0.01)  # polling another process's window
        wall = time.perf_counter() - started
        rss, peak = _memory_mib(process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)
        shutil.rmtree(home, ignore_errors=True)
    return wall, rss, peak


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    display = _Display()
    env = {k: v for k, v in display.env.items() if not k.startswith("ASSISTANT_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in INSTALLS}
    try:
        for command in INSTALLS.values():  # warm the file cache for both
            measure_once(command, env)
        for _ in range(rounds):
            for name, command in INSTALLS.items():
                results[name].append(measure_once(command, env))
    finally:
        display.close()
    print(f"start-up until the window is visible ({display.platform}, median of {rounds}):")
    for name, runs in results.items():
        wall, rss, peak = (statistics.median(column) for column in zip(*runs, strict=True))
        print(f"  {name:15s} {wall:5.2f} s   RSS {rss:4.0f} MiB   peak {peak:4.0f} MiB")
    return 0


if __name__ == "__main__":
    os.chdir(REPO_ROOT)
    raise SystemExit(main())
