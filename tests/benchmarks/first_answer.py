"""The first Generate after start: Generate → first delta in the pane, over the server's first byte.

Each round is a fresh app process (``assistant.app.main``: the real start-up, warm-up included)
with a fresh ASSISTANT_HOME whose active profile is the loopback server (``tests/fakeserver.py``,
in a process of its own, answering its first content delta ``SERVER_FIRST_BYTE_S`` after the
request). The child waits ``THINK_S`` after the window's first expose (a person reading the window
and typing a topic), fills the topic, triggers Generate (the action Ctrl+Enter triggers) and
times until the first delta is flushed into the answer pane (``AnswerView.sig_flushed``). The
server stamps, for each request, the time from reading it to writing its first content chunk:
that is the baseline of the same round. The figure is the app's time minus the server's, against
an absolute limit. Rounds without the background warm-up (``import_in_background`` replaced by a
no-op) run alternately and are printed in the note, to show what the warm-up saves.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import REPO_ROOT, Figure, emit, fresh_home, median
from tests.benchmarks.startup import _Display

LIMIT_MS = 150.0
THINK_S = 2.0
SERVER_FIRST_BYTE_S = 0.035
MARKER = "FIRST-DELTA-MS"
PROFILE = "Loopback"

_SERVER = """
import sys, time
from tests import fakeserver
from tests.fakeserver import FakeOpenAIServer

handler = fakeserver._Handler
original_post, original_chunk = handler.do_POST, handler._chunk

def do_post(self):
    self.bench_started, self.bench_first = time.perf_counter(), None
    original_post(self)

def chunk(self, data):
    original_chunk(self, data)
    if self.bench_first is None and b'"content": "' in data and b'"content": ""' not in data:
        self.bench_first = time.perf_counter()
        print(f"TTFB {(self.bench_first - self.bench_started) * 1000:.3f}", flush=True)

handler.do_POST, handler._chunk = do_post, chunk
server = FakeOpenAIServer().start()
server.reply = "The first answer, in a few words. " * 4
server.delta_size = 8
server.delta_delay = float(sys.argv[1])
print(server.base_url, flush=True)
sys.stdin.read()
server.stop()
"""


def _child(warm: bool) -> int:
    """The real app; after the first expose and THINK_S, Generate and time the first delta."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtGui import QWindow
    from PySide6.QtWidgets import QApplication

    if not warm:
        from assistant.ui import warm_up

        warm_up.import_in_background = lambda *_args: None  # type: ignore[assignment,return-value]

    def press() -> None:
        from assistant.ui.main_window import MainWindow

        window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))
        window.current_form().set_values({"topic": "Otters"})
        view = window.answer_area.current_view()
        warming = any(thread.name == "warm-imports" for thread in threading.enumerate())
        started = time.perf_counter()

        def first_delta(_chars: int) -> None:
            elapsed_ms = (time.perf_counter() - started) * 1000
            print(f"{MARKER} {elapsed_ms:.3f} {int(warming)}", flush=True)
            os._exit(0)

        view.sig_flushed.connect(first_delta)
        window.answer_panel.generate_action.trigger()

    class Probe(QObject):
        seen = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            exposed = isinstance(watched, QWindow) and watched.isExposed()
            if event.type() == QEvent.Type.Expose and exposed and not self.seen:
                self.seen = True
                QTimer.singleShot(round(THINK_S * 1000), press)
            return False

    probe = Probe()
    original_exec = QApplication.exec

    def exec_with_probe(*_args: object) -> int:
        instance = QApplication.instance()
        assert instance is not None
        instance.installEventFilter(probe)
        return int(original_exec())

    QApplication.exec = staticmethod(exec_with_probe)  # type: ignore[method-assign]
    from assistant.app import main

    return main([sys.argv[0]])


def _home(base_url: str) -> Path:
    """A fresh app folder whose active profile is the loopback server, article mode chosen."""
    from assistant.core.config.settings import Settings
    from assistant.core.providers.profiles import ProviderProfile

    home = fresh_home()
    settings = Settings(welcome_done=True)
    settings.upsert_profile(ProviderProfile(PROFILE, "compatible", base_url, "fake-model"))
    settings.active_profile = PROFILE
    settings.last_mode = "article"
    problem = settings.save(home / "config" / "settings.json")
    assert problem is None, problem
    return home


def _round(
    warm: bool, env: dict[str, str], base_url: str, stamps: IO[str]
) -> tuple[float, float, bool]:
    """(app ms from Generate to the first delta shown, server ms to its first content byte,
    whether the warm-up was still running when Generate was pressed)."""
    home = _home(base_url)
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "warm" if warm else "cold"]
    try:
        result = subprocess.run(
            command,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env=env | {"ASSISTANT_HOME": str(home)},
        )
    finally:
        shutil.rmtree(home, ignore_errors=True)
    found = [line.split()[1:] for line in result.stdout.splitlines() if line.startswith(MARKER)]
    if not found:
        raise RuntimeError(f"no first delta (exit {result.returncode}): {result.stderr[-2000:]}")
    line = stamps.readline().split()
    if line[:1] != ["TTFB"]:
        raise RuntimeError(f"the server did not stamp its first byte: {line}")
    return float(found[0][0]), float(line[1]), found[0][1] == "1"


def run(quick: bool = False) -> list[Figure]:
    rounds = 1 if quick else 5
    display = _Display()
    env = display.env | {"PYTHONPATH": str(REPO_ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed app has its bytecode
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "assistant"], cwd=REPO_ROOT, check=True
    )
    server = subprocess.Popen(
        [sys.executable, "-c", _SERVER, str(SERVER_FIRST_BYTE_S)],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ | {"PYTHONPATH": str(REPO_ROOT)},
    )
    try:
        assert server.stdout is not None
        stamps = server.stdout
        base_url = stamps.readline().strip()
        _round(True, env, base_url, stamps)  # warm the file cache
        overheads, servers, totals, cold = [], [], [], []
        unfinished = 0
        for _ in range(rounds):
            app_ms, server_ms, warming = _round(True, env, base_url, stamps)
            overheads.append(app_ms - server_ms)
            servers.append(server_ms)
            totals.append(app_ms)
            unfinished += warming
            cold_ms, cold_server_ms, _ = _round(False, env, base_url, stamps)
            cold.append(cold_ms - cold_server_ms)
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(10)
        display.close()
    note = (
        f"{display.platform.split()[0]},median_of_{rounds},think={THINK_S}s,"
        f"generate_to_first_delta={median(totals):.0f}ms,"
        f"without_warm_up_over_server={median(cold):.0f}ms,"
        f"rounds_with_warm_up_unfinished={unfinished}"
    )
    return [
        Figure(
            "first_generate_over_server_ms",
            median(overheads),
            median(servers),
            "ms",
            1.0,
            limit=LIMIT_MS,
            note=note,
        )
    ]


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--child"]:
        return _child(args[1] == "warm")
    for figure in run(quick="--quick" in args):
        emit(figure)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
