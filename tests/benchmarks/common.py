"""Shared pieces of the benchmarks: result lines, a GUI heartbeat, memory readings, a server.

Every figure prints one machine-readable line::

    <name> app=<value> baseline=<value> unit=<unit> bound=<upper|lower> ratio=<x> target=<y> ok

``ratio`` is app/baseline when the target is relative. For an absolute limit (stalls, latency,
highlight time) the baseline is still measured in the same run (e.g. the idle loop, a plain
editor) and printed, but ``ratio`` is app/limit with ``target=1``: below 1 means within the limit.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Figure:
    """One measured figure of the app against its baseline."""

    name: str
    app: float
    baseline: float
    unit: str
    target: float
    limit: float | None = None
    """An absolute limit: ratio = app / limit (target 1). None: ratio = app / baseline."""
    higher_is_better: bool = False
    note: str = ""

    @property
    def ratio(self) -> float:
        divisor = self.limit if self.limit is not None else self.baseline
        return self.app / divisor if divisor else float("inf")

    @property
    def ok(self) -> bool:
        return self.ratio >= self.target if self.higher_is_better else self.ratio <= self.target

    def line(self) -> str:
        bound = "lower" if self.higher_is_better else "upper"
        limit = f" limit={_num(self.limit)}" if self.limit is not None else ""
        note = f" note={self.note}" if self.note else ""
        return (
            f"{self.name} app={_num(self.app)} baseline={_num(self.baseline)} unit={self.unit}"
            f"{limit}{note} bound={bound} ratio={self.ratio:.3f} target={_num(self.target)} "
            f"{'ok' if self.ok else 'MISS'}"
        )


def missing(name: str, reason: str) -> str:
    """The line of a figure that could not be measured."""
    return f"{name} app=nan baseline=nan unit=- note={reason.replace(' ', '_')} ratio=nan MISS"


def _num(value: float | None) -> str:
    if value is None:
        return "nan"
    if value == int(value) and abs(value) < 1e9:
        return str(int(value))
    return f"{value:.4g}"


def emit(figure: Figure) -> None:
    """Print a figure's line at once."""
    print(figure.line(), flush=True)


def run_main(run: Callable[..., list[Figure]], argv: list[str] | None = None) -> int:
    """A benchmark's command line: ``run`` (tiny sizes with ``--quick``), one line a figure."""
    args = list(sys.argv[1:] if argv is None else argv)
    for figure in run(quick="--quick" in args):
        emit(figure)
    return 0


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], fraction: float) -> float:
    """The ``fraction`` quantile (nearest rank) of ``values``."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def stall_max(
    name: str, app_stalls: list[float], base_stalls: list[float], limit: float, note: str = ""
) -> Figure:
    """The longest GUI-heartbeat stall of the app (ms) under ``limit``, the baseline's beside it."""
    app, baseline = max(app_stalls, default=0.0), max(base_stalls, default=0.0)
    return Figure(name, app, baseline, "ms", 1.0, limit=limit, note=note)


def stall_p99(
    name: str, app_stalls: list[float], base_stalls: list[float], limit: float, note: str = ""
) -> Figure:
    """The p99 GUI-heartbeat stall of the app (ms) under ``limit``, the baseline's beside it."""
    app, baseline = percentile(app_stalls, 0.99), percentile(base_stalls, 0.99)
    return Figure(name, app, baseline, "ms", 1.0, limit=limit, note=note)


def rss_mib() -> float:
    """Resident set size of this process now, in MiB."""
    return _status_kib("VmRSS") / 1024


def thread_count() -> int:
    """OS threads of this process (Python and Qt's own)."""
    return int(_status_kib("Threads"))


def _status_kib(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return float(line.split()[1])
    return float("nan")


def fresh_home(prefix: str = "assistant-bench-") -> Path:
    """A new ASSISTANT_HOME whose settings skip the first-run welcome dialog."""
    import json
    import tempfile

    home = Path(tempfile.mkdtemp(prefix=prefix))
    (home / "config").mkdir()
    (home / "config" / "settings.json").write_text(json.dumps({"welcome_done": True}))
    return home


class ServerProcess:
    """``tests.fakeserver`` in a process of its own (so its work does not share our GIL)."""

    def __init__(self, reply: str, delta_size: int, delay: float) -> None:
        reply_file = fresh_home("assistant-bench-reply-") / "reply.txt"
        reply_file.write_text(reply, encoding="utf-8")
        code = (
            "import sys, time; from pathlib import Path;"
            "from tests.fakeserver import FakeOpenAIServer;"
            "s = FakeOpenAIServer().start();"
            "s.reply = Path(sys.argv[1]).read_text(encoding='utf-8');"
            "s.delta_size = int(sys.argv[2]); s.delta_delay = float(sys.argv[3]);"
            "print(s.base_url, flush=True); sys.stdin.read(); s.stop()"
        )
        self._process = subprocess.Popen(
            [sys.executable, "-c", code, str(reply_file), str(delta_size), str(delay)],
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=os.environ | {"PYTHONPATH": str(REPO_ROOT)},
        )
        assert self._process.stdout is not None
        self.base_url = self._process.stdout.readline().strip()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait(10)


class Heartbeat:
    """A GUI-thread timer that records how late each tick is (the GUI's stalls), in ms."""

    def __init__(self, interval_ms: int = 5) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.interval_ms = interval_ms
        self.gaps: list[float] = []
        self._last = 0.0
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.gaps.clear()
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self._last) * 1000)
        self._last = now

    def stalls(self) -> list[float]:
        """How long the GUI was blocked beyond the interval, per tick (ms, >= 0)."""
        return [max(0.0, gap - self.interval_ms) for gap in self.gaps]


def wait_until(condition: Any, timeout_s: float = 60.0) -> None:
    """Run the Qt event loop until ``condition()`` holds."""
    from PySide6.QtCore import QCoreApplication, QEventLoop

    deadline = time.perf_counter() + timeout_s
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("benchmark step did not finish in time")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 5)


def qt_app() -> Any:
    """The QApplication (offscreen unless a platform is set)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    def quiet(_kind: Any, _context: Any, message: str) -> None:
        if "propagateSizeHints" not in message:  # the offscreen plugin's harmless note
            print(message, file=sys.stderr)

    qInstallMessageHandler(quiet)
    existing = QApplication.instance()
    return existing if existing is not None else QApplication([])


def markdown_answer(size: int) -> str:
    """About ``size`` characters of markdown: headings, prose, lists and fenced code.

    Sections differ (their number appears in the heading, prose and code), as a real long answer
    does: one section repeated verbatim is a loop, which the loop guard rightly stops.
    """
    sections = []
    total, number = 0, 0
    while total < size:
        number += 1
        section = (
            f"## Reading a file in chunks, part {number}\n\n"
            f"Streaming keeps memory **flat**: read a *fixed* number of bytes ({number * 4096}), "
            "handle them, repeat. "
            f"See [the docs](https://docs.python.org/3/library/io.html#{number}) and "
            "`io.BufferedReader`.\n\n"
            f"- open file {number} in binary mode\n- read `CHUNK_{number}` bytes at a time\n"
            "- stop at EOF\n\n"
            "```python\n"
            f"def chunks_{number}(path: str, size: int = {65536 + number}) -> Iterator[bytes]:\n"
            '    """Yield the file\'s bytes ``size`` at a time."""\n'
            '    with open(path, "rb") as handle:\n'
            "        while block := handle.read(size):\n"
            f"            yield block  # caller {number} decides what to do\n"
            "```\n\n"
            "```c\n"
            f"/* the same in C, part {number},\n   with a multi-line comment */\n"
            f'int main(void) {{ char buf[{number}]; return printf("%d\\n", {number}); }}\n'
            "```\n\n"
        )
        sections.append(section)
        total += len(section)
    return "".join(sections)[:size]
