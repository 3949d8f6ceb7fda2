"""How `assistant run` says an answer ended: cut short (1), Max tokens (0, stderr), filtered (4)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assistant.core.storage.history import HistoryStore
from tests.cli.test_run_cli import assistant
from tests.fakeserver import FakeOpenAIServer

REPLY = "Otters — カワウソ 🦦 — hold hands.\n"


def run(server: FakeOpenAIServer, *extra: str) -> tuple[int, str, list[str]]:
    result = assistant(
        "run", "article", "--field", "topic=Otters", "--base-url", server.base_url, *extra
    )
    lines = result.stderr.decode().splitlines()
    if result.returncode in (0, 4):  # an answer that ended names its record last (issue 10)
        assert lines and lines[-1].startswith("record: "), lines
        lines = lines[:-1]
    return result.returncode, result.stdout.decode(), lines


def last_status(app_home: Path) -> str:
    return HistoryStore(app_home / "data" / "history.sqlite3").list_records(limit=1)[0].status


def test_no_finish_reason_is_cut_short_exit_1(
    openai_server: FakeOpenAIServer, app_home: Path
) -> None:
    openai_server.reply = REPLY
    openai_server.finish_reason = None
    code, out, err = run(openai_server)
    assert code == 1
    assert out == REPLY  # the text so far, byte for byte
    assert len(err) == 1 and err[0].startswith("assistant: The answer was cut short."), err
    assert last_status(app_home) == "cut_short"


def test_stop_exits_0_silently(openai_server: FakeOpenAIServer, app_home: Path) -> None:
    openai_server.reply = REPLY
    assert run(openai_server) == (0, REPLY, [])
    assert last_status(app_home) == "complete"


@pytest.mark.parametrize(
    ("reason", "code", "words"),
    [("length", 0, "--max-tokens limit (77)"), ("content_filter", 4, "filtered the answer")],
)
def test_length_and_filter_say_why_on_stderr(
    openai_server: FakeOpenAIServer, reason: str, code: int, words: str
) -> None:
    openai_server.reply = REPLY
    openai_server.finish_reason = reason
    result = run(openai_server, "--max-tokens", "77")
    assert result[:2] == (code, REPLY)
    assert len(result[2]) == 1 and words in result[2][0], result[2]


def test_a_cut_short_variant_fails_the_run(openai_server: FakeOpenAIServer) -> None:
    openai_server.reply = REPLY
    openai_server.finish_reason = ["stop", None]
    code, out, err = run(openai_server, "--n", "2")
    assert code == 1
    # Issue 13: each variant after its header line, the first too.
    assert out == f"--- variant 1 ---\n{REPLY}\n--- variant 2 ---\n{REPLY}"
    assert len(err) == 1 and "cut short (variant 2)" in err[0], err


def test_help_documents_the_exit_codes() -> None:
    text = assistant("run", "--help").stdout.decode()
    for line in ("0    the answer is complete", "1    failed, or the answer was cut short"):
        assert line in text
    assert "also when it stopped at the\n       --max-tokens limit" in text
    assert "4    the provider's content filter" in text


def test_each_variant_says_how_it_ended(openai_server: FakeOpenAIServer) -> None:
    openai_server.reply = REPLY
    openai_server.finish_reason = ["length", "stop", "content_filter"]
    code, _, err = run(openai_server, "--n", "3", "--max-tokens", "77")
    assert code == 4
    assert len(err) == 2, err
    assert "(variant 1) stopped at the --max-tokens limit (77)" in err[0]
    assert "filtered the answer (variant 3)" in err[1]


def test_readme_lists_the_exit_codes_of_the_help() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme.split("Exit codes (also in `assistant run --help`):", 1)[1].split("\n\n")[1]
    documented = {row.split("|")[1].strip() for row in table.splitlines()[2:]}
    text = assistant("run", "--help").stdout.decode().split("exit codes:", 1)[1]
    helped = {line.split()[0] for line in text.splitlines() if line[:3].strip().isdigit()}
    assert documented == helped == {"0", "1", "2", "4", "130"}


def test_a_reader_that_goes_away_stops_the_run(
    openai_server: FakeOpenAIServer, app_home: Path
) -> None:
    """`assistant run … | head -c 8`: the run is recorded as stopped, not as an unexpected error."""
    openai_server.reply = "word " * 400
    openai_server.delta_delay = 0.01
    command = ["run", "article", "--field", "topic=Otters", "--base-url", openai_server.base_url]
    child = subprocess.Popen(
        [sys.executable, "-m", "assistant", *command],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None and child.stdout.read(8) == b"word wor"
    child.stdout.close()  # like `head`, which exits after its bytes
    _, err = child.communicate(timeout=60)
    assert b"Traceback" not in err and b"BrokenPipe" not in err, err
    record = HistoryStore(app_home / "data" / "history.sqlite3").list_records(limit=1)[0]
    assert (record.status, record.error) == ("stopped", None)
