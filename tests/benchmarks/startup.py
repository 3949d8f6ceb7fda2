"""Startup: process start to the main window's first expose, and peak RSS, app vs a bare window.

Each run is a fresh process; runs of the app and of the bare PySide6 window alternate. The child
prints a marker from a 0 ms single-shot timer queued after the first Expose event of a top-level
window (i.e. after the first paint was asked for), then exits; the parent times from just before
spawning to reading the marker and reads the child's peak RSS from ``os.wait4``. The app runs its
real entry point (``assistant.app.main``) with a fresh ASSISTANT_HOME whose settings skip the
welcome dialog. Under Xvfb when it is installed (a real X screen), else offscreen.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import REPO_ROOT, Figure, emit, fresh_home, median

MARKER = "FIRST-EXPOSE"
WALL_TARGET = 1.5
RSS_TARGET = 2.0


def _child(kind: str) -> int:
    """Run the app or the bare window; print the marker right after the first expose."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtGui import QWindow
    from PySide6.QtWidgets import QApplication

    class Probe(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if (
                event.type() == QEvent.Type.Expose
                and isinstance(watched, QWindow)
                and watched.isExposed()
            ):
                QTimer.singleShot(0, _report)
            return False

    def _report() -> None:
        print(MARKER, flush=True)
        os._exit(0)

    probe = Probe()
    original_exec = QApplication.exec

    def exec_with_probe(*_args: object) -> int:
        instance = QApplication.instance()
        assert instance is not None
        instance.installEventFilter(probe)
        return int(original_exec())

    QApplication.exec = staticmethod(exec_with_probe)  # type: ignore[method-assign]
    if kind == "app":
        from assistant.app import main

        return main([sys.argv[0]])
    from PySide6.QtWidgets import QLabel, QMainWindow

    app = QApplication([sys.argv[0]])
    window = QMainWindow()
    window.setCentralWidget(QLabel("Hello"))
    window.resize(1280, 800)
    window.show()
    return int(app.exec())


def _run_once(kind: str, env: dict[str, str]) -> tuple[float, float]:
    """(seconds to first expose, peak RSS MiB) of one fresh child process."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    for line in process.stdout:
        if line.strip() == MARKER:
            break
    wall = time.perf_counter() - started
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{kind} child exited with {process.returncode}")
    return wall, usage.ru_maxrss / 1024


class _Display:
    """A private Xvfb screen when Xvfb exists; otherwise the offscreen platform."""

    def __init__(self) -> None:
        self.platform = "offscreen"
        self._process: subprocess.Popen[bytes] | None = None
        self.env = dict(os.environ)
        if shutil.which("Xvfb"):
            read, write = os.pipe()
            self._process = subprocess.Popen(
                [
                    "Xvfb",
                    "-displayfd",
                    str(write),
                    "-screen",
                    "0",
                    "1600x1000x24",
                    "-nolisten",
                    "tcp",
                ],
                pass_fds=(write,),
                stderr=subprocess.DEVNULL,
            )
            os.close(write)
            with os.fdopen(read) as pipe:
                number = pipe.readline().strip()
            self.env |= {"DISPLAY": f":{number}", "QT_QPA_PLATFORM": "xcb"}
            self.platform = "xcb (Xvfb)"
        else:
            self.env["QT_QPA_PLATFORM"] = "offscreen"

    def close(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(5)


def run(quick: bool = False) -> list[Figure]:
    rounds = 2 if quick else 7
    display = _Display()
    home = fresh_home()
    env = display.env | {"ASSISTANT_HOME": str(home), "PYTHONPATH": str(REPO_ROOT)}
    # An installed app has its bytecode (pip compiles on install); a development shell may forbid
    # writing it (PYTHONDONTWRITEBYTECODE), which would time the compiler instead of the app.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    compile_all = [sys.executable, "-m", "compileall", "-q", "assistant"]
    subprocess.run(compile_all, cwd=REPO_ROOT, check=True)
    try:
        _run_once("bare", env)  # warm the file cache for both
        _run_once("app", env)
        bare_walls, bare_rss, app_walls, app_rss = [], [], [], []
        for _ in range(rounds):
            wall, rss = _run_once("bare", env)
            bare_walls.append(wall)
            bare_rss.append(rss)
            wall, rss = _run_once("app", env)
            app_walls.append(wall)
            app_rss.append(rss)
    finally:
        display.close()
        shutil.rmtree(home, ignore_errors=True)
    note = f"{display.platform.split()[0]},median_of_{rounds}"
    return [
        Figure(
            "startup_wall_s", median(app_walls), median(bare_walls), "s", WALL_TARGET, note=note
        ),
        Figure("startup_peak_rss_mib", median(app_rss), median(bare_rss), "MiB", RSS_TARGET),
    ]


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--child"]:
        return _child(args[1])
    for figure in run(quick="--quick" in args):
        emit(figure)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
