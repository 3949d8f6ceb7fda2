"""What `assistant batch` draws on stderr: a bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import io

from assistant.cli.batch_progress import Progress
from assistant.core.work.batch_output import RowResult
from assistant.core.work.batch_runner import JobNotice, RowFinished, RowStarted


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def feed(progress: Progress) -> None:
    progress.event(RowStarted(1, 1))
    progress.event(RowFinished(RowResult(1, {}, "done", "a", 3)))
    progress.event(JobNotice("Loopback is limiting the request rate (429): waits 2 s."))
    progress.event(RowStarted(2, 1))
    progress.event(RowFinished(RowResult(2, {}, "failed", error="boom")))
    progress.close()


def test_a_terminal_gets_a_bar_with_rate_and_eta() -> None:
    stream = Terminal()
    feed(Progress(2, 0, 0, stream))
    text = stream.getvalue()
    assert "\r[" in text and "] 1/2 rows" in text and "rows/s" in text and "ETA" in text
    assert "] 2/2 rows, 1 failed" in text
    assert "\r\x1b[Kassistant: Loopback is limiting" in text  # the bar is cleared for a notice
    assert "assistant: row 2 failed: boom" in text
    assert text.endswith("\n")


def test_a_pipe_gets_plain_lines() -> None:
    stream = io.StringIO()
    feed(Progress(2, 0, 0, stream))
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue() and "\x1b" not in stream.getvalue()
    assert lines[0].startswith("assistant: batch: 1/2 rows, ")
    assert "assistant: row 2 failed: boom" in lines
    assert lines[-1].startswith("assistant: batch: 2/2 rows, 1 failed, ")
