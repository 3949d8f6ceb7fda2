"""`assistant run` on the real built-in engine: no key, no server, no network."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_run_cli import assistant

pytestmark = pytest.mark.e2e

CASES = [
    ("article", ["--field", "topic=Morning walks"], ""),
    ("ad-copy", ["--field", "product=Rain boots"], ""),
    ("code-complete", ["--field", "language=python"], "def square(x):\n    "),
    ("code-explain", [], "print(sum(range(10)))\n"),
]


@pytest.mark.parametrize(("mode", "fields", "stdin"), CASES, ids=[c[0] for c in CASES])
def test_each_mode_answers_from_the_builtin_model(
    builtin_model: Path, mode: str, fields: list[str], stdin: str
) -> None:
    result = assistant("run", mode, *fields, "--max-tokens", "32", stdin=stdin, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().strip()


def test_chat_and_follow_up_on_the_builtin_model(builtin_model: Path) -> None:
    first = assistant("chat", "--max-tokens", "24", stdin="Name one fruit.", timeout=120)
    assert first.returncode == 0, first.stderr.decode()
    record = first.stderr.decode().splitlines()[-1].removeprefix("record: ")
    more = assistant("chat", "--thread", record, "--max-tokens", "24", stdin="And a vegetable?")
    assert more.returncode == 0, more.stderr.decode()
    again = assistant("follow-up", record, "Shorter, please.", "--max-tokens", "24", timeout=120)
    assert again.returncode == 0, again.stderr.decode()
    assert again.stdout.decode().strip()
    shown = assistant("history", "show", record).stdout.decode()
    assert "Versions (current: 3 of 3):" in shown
