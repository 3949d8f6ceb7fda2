"""Shared fixtures. Feature fixtures live in tests/fixtures/ and are registered here."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = [
    "tests.fixtures.openai_server",
    "tests.fixtures.keyring_session",
    "tests.fixtures.engine",
    "tests.fixtures.remote_guard",
    "tests.fixtures.main_window",
]


@pytest.fixture(autouse=True)
def app_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own app directories, so nothing touches the person's real files."""
    home = tmp_path / "app-home"
    monkeypatch.setenv("ASSISTANT_HOME", str(home))
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    yield home
