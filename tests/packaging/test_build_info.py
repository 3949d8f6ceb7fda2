"""The build (git commit) behind ``--version`` and About: baked into a bundle, else from git."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import assistant
from assistant.core.base import build_info

REPO = Path(assistant.__file__).resolve().parent.parent


def test_a_checkout_reports_its_git_head() -> None:
    build_info.build_commit.cache_clear()
    head = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short=12", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    commit = build_info.build_commit()
    assert commit is not None and commit.removesuffix("-dirty") == head
    assert build_info.version_line() == f"assistant {assistant.__version__} (build {commit})"


def test_a_baked_build_file_wins_and_no_git_means_no_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "assistant"
    package.mkdir()
    monkeypatch.setattr(build_info, "_package_dir", lambda: package)
    build_info.build_commit.cache_clear()
    assert build_info.build_commit() is None  # an install from a wheel: no .git, no BUILD
    assert build_info.version_text() == assistant.__version__
    (package / build_info.BUILD_FILE_NAME).write_text("0123456789ab\n")
    build_info.build_commit.cache_clear()
    assert build_info.version_text() == f"{assistant.__version__} (build 0123456789ab)"
    build_info.build_commit.cache_clear()
