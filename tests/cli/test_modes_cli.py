"""`assistant modes` with broken user mode files: each is reported on stderr, the rest listed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from assistant.core.prompts.modes import BUILTIN_ORDER, user_modes_dir

GOOD = """title = "Haiku"
[prompt]
user = "Write a haiku about {{ subject }}."
[[fields]]
name = "subject"
"""


def assistant(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ),  # ASSISTANT_HOME from the app_home fixture
    )


def test_broken_mode_files_are_reported_and_the_valid_modes_still_listed(
    app_home: Path,
) -> None:
    folder = user_modes_dir()
    assert folder.is_relative_to(app_home)
    folder.mkdir(parents=True)
    (folder / "haiku.toml").write_text(GOOD, encoding="utf-8")
    (folder / "syntax.toml").write_text('title = "Oops"\ndescription = \n', encoding="utf-8")
    (folder / "typo.toml").write_text(GOOD.replace("[prompt]", "titel = 'x'\n[prompt]"))

    result = assistant("modes")

    assert result.returncode == 0
    assert result.stdout.split() == [*BUILTIN_ORDER, "haiku"]
    lines = result.stderr.splitlines()
    assert lines == [
        f"assistant: {folder / 'syntax.toml'}:2:15: not valid TOML: Invalid value"
        " (mode file skipped)",
        f"assistant: {folder / 'typo.toml'}:2: unknown key(s) in mode: titel (mode file skipped)",
    ]


def test_verbose_listing_also_reports_the_broken_file(app_home: Path) -> None:
    folder = user_modes_dir()
    folder.mkdir(parents=True)
    (folder / "syntax.toml").write_text("[[fields]\n", encoding="utf-8")

    result = assistant("modes", "--verbose")

    assert result.returncode == 0
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == list(BUILTIN_ORDER)
    assert result.stderr.startswith(f"assistant: {folder / 'syntax.toml'}:1:")
    assert len(result.stderr.splitlines()) == 1


def test_no_user_modes_prints_nothing_on_stderr() -> None:
    result = assistant("modes")
    assert result.returncode == 0 and result.stderr == ""
