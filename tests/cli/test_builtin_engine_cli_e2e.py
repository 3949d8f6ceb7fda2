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


def test_model_picks_an_added_model_of_the_builtin_engine(smol_model_path: Path) -> None:
    added = assistant("models", "add", str(smol_model_path))
    assert added.returncode == 0, added.stderr.decode()
    name = added.stdout.decode().split("\t")[0]
    result = assistant("run", "code-explain", "--model", name, "--max-tokens", "16", stdin="x=1\n")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().strip()
    wrong = assistant("run", "code-explain", "--model", "no-such-model", stdin="x = 1\n")
    assert wrong.returncode == 2
    assert "no model 'no-such-model'" in wrong.stderr.decode() and name in wrong.stderr.decode()
