"""What `assistant batch` says on stderr: a bar with rate and ETA on a terminal, plain lines
otherwise (at most one a second, plus every failed row and every notice), and the summary."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, TextIO

BAR_WIDTH = 28
TTY_REDRAW_S = 0.1
PLAIN_EVERY_S = 1.0


def say(message: str, stream: TextIO | None = None) -> None:
    """One line on stderr, prefixed like every message of the command."""
    import sys

    print(f"assistant: {message}", file=stream or sys.stderr, flush=True)


class Progress:
    """Follows the job's events (from its worker threads) and draws the progress."""

    def __init__(self, total: int, done: int, failed: int, stream: TextIO) -> None:
        self.total = total
        self.done = done
        self.failed = failed
        self._finished_now = 0
        self._stream = stream
        self._tty = bool(getattr(stream, "isatty", lambda: False)())
        self._started = 0.0
        self._last_draw = 0.0
        self._bar_shown = False
        self._lock = threading.Lock()

    def event(self, event: object) -> None:
        """A batch event (row started or finished, notice, batch-API progress)."""
        from assistant.core.work.batch_api import BatchApiStatus
        from assistant.core.work.batch_runner import JobNotice, RowFinished, RowStarted

        with self._lock:
            if isinstance(event, RowStarted) and not self._started:
                self._started = time.monotonic()  # the rate counts from the first request
            if isinstance(event, BatchApiStatus):
                failed = f", {event.failed} failed" if event.failed else ""
                self._line(
                    f"batch {event.batch_id}: {event.status}, "
                    f"{event.completed}/{event.total} answered{failed}"
                )
                return
            if isinstance(event, RowFinished):
                result = event.result
                self._finished_now += 1
                if result.status == "done":
                    self.done += 1
                else:
                    self.failed += 1
                    self._line(f"row {result.number} failed: {result.error}")
                self._draw(force=self.done + self.failed >= self.total)
            elif isinstance(event, JobNotice):
                self._line(event.text)

    def close(self) -> None:
        """End the bar's line (a terminal) or print the last progress line."""
        with self._lock:
            if self._tty and self._bar_shown:
                self._stream.write("\n")
                self._stream.flush()
                self._bar_shown = False

    def _line(self, text: str) -> None:
        if self._tty and self._bar_shown:
            self._stream.write("\r\x1b[K")
            self._bar_shown = False
        say(text, self._stream)

    def _draw(self, *, force: bool = False) -> None:
        now = time.monotonic()
        every = TTY_REDRAW_S if self._tty else PLAIN_EVERY_S
        if not force and now - self._last_draw < every:
            return
        self._last_draw = now
        elapsed = now - (self._started or now)
        rate = self._finished_now / elapsed if elapsed > 0 else 0.0
        left = max(0, self.total - self.done - self.failed)
        from assistant.core.engine.download_progress import format_duration

        eta = format_duration(left / rate) if rate > 0 else "?"
        speed = f"{rate:.1f} rows/s" if rate >= 1 or rate == 0 else f"{rate * 60:.1f} rows/min"
        count = f"{self.done + self.failed}/{self.total}"
        failed = f", {self.failed} failed" if self.failed else ""
        if self._tty:
            share = (self.done + self.failed) / self.total if self.total else 1.0
            filled = round(share * BAR_WIDTH)
            bar = "#" * filled + "." * (BAR_WIDTH - filled)
            text = f"\r[{bar}] {count} rows{failed}  {speed}  ETA {eta}\x1b[K"
            self._stream.write(text)
            self._stream.flush()
            self._bar_shown = True
        else:
            say(f"batch: {count} rows{failed}, {speed}, ETA {eta}", self._stream)


def summary_lines(
    summary: Any, counts: dict[str, int], total: int, output: Path, plan: Any, batch_api: bool
) -> list[str]:
    """The summary at the end: done, failed, tokens, cost, time; why it stopped; where the
    failures are."""
    from assistant.core.work.batch_cost import cost_text

    done, failed = counts.get("done", 0), counts.get("failed", 0)
    left = total - done - failed
    cost = cost_text(
        plan.profile, plan.overrides, summary.tokens_in, summary.tokens_out, batch_api=batch_api
    )
    lines = [
        f"batch: done {done}, failed {failed}"
        + (f", not sent {left}" if left else "")
        + f" (of {total}); tokens {summary.tokens}; cost {cost}; time {summary.elapsed_s:.1f} s"
        + (f"; {summary.requests} requests" if summary.requests else "")
    ]
    if failed:
        lines.append(f"failed rows are in {output} (status failed, with the error)")
    if left and summary.stopped and summary.stopped != "stopped":
        lines.append("the job stopped early (see above): run the same command again to go on")
    return lines
