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
