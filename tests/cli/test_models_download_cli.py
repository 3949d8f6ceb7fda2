"""`assistant models download ID` as a real command: progress lines, killed mid-way, run again."""

from __future__ import annotations

import contextlib
import os
import pty
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.core.config.settings import Settings
from assistant.core.engine.catalogue import CatalogueModel, load_catalogue
from tests.hubserver import FakeHub, fake_gguf

SIZE = 6_000_000


def unchecked_model() -> CatalogueModel:
    """A catalogue model without a sha256 of its own: the loopback Hub's sha256 is then used
    (a model with one would refuse the test's bytes, as it should)."""
    return next(m for m in load_catalogue().models if not m.sha256)


@pytest.fixture
def hub() -> Iterator[FakeHub]:
    with FakeHub() as server:
        model = unchecked_model()
        server.add(model.repo, model.file, fake_gguf(SIZE))
        yield server


def environment(hub: FakeHub | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    env["PYTHONPATH"] = str(Path.cwd())
    if hub is not None:
        env["HF_ENDPOINT"] = hub.endpoint
    return env


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "assistant", "models", "download", *args]


def test_killed_mid_download_then_run_again_continues(hub: FakeHub, app_home: Path) -> None:
    model = unchecked_model()
    hub.stall_after = SIZE // 2  # the server holds the rest back: the kill lands mid-way
    child = subprocess.Popen(
        command(model.id), stderr=subprocess.PIPE, text=True, env=environment(hub)
    )
    assert child.stderr is not None
    seen = []
    for line in child.stderr:
        seen.append(line)
        if line.startswith("Downloading: 3.0 MB of 6.0 MB"):
            break  # progress is on stderr, and half of the file is on disk
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    child.stderr.close()
    hub.go_on.set()
    part = app_home / "data" / "models" / (model.file + ".part")
    kept = part.stat().st_size
    assert kept == SIZE // 2, seen

    again = subprocess.run(
        command(model.id), capture_output=True, text=True, env=environment(hub), timeout=120
    )

    assert again.returncode == 0, again.stderr
    path = Path(again.stdout.strip())
    assert path == app_home / "data" / "models" / model.file
    assert path.read_bytes() == hub.files[(model.repo, model.file)]
    assert hub.served[-1].range == f"bytes={kept}-"
    assert hub.served[-1].sent == SIZE - kept  # the rest only
    assert f"Continued from {kept:,} bytes" in again.stderr
    assert not part.exists()


def test_plain_progress_lines_without_a_terminal(hub: FakeHub, app_home: Path) -> None:
    model = unchecked_model()
    done = subprocess.run(
        command(model.id), capture_output=True, text=True, env=environment(hub), timeout=120
    )

    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    downloading = [line for line in lines if line.startswith("Downloading: ")]
    assert 3 <= len(downloading) <= 21
    assert downloading[-1].startswith("Downloading: 6.0 MB of 6.0 MB")
    assert any(line.startswith("Checking the file (sha256): 6.0 MB of 6.0 MB") for line in lines)
    assert "\r" not in done.stderr and "\033" not in done.stderr

    listed = subprocess.run(
        [sys.executable, "-m", "assistant", "models", "list"],
        capture_output=True, text=True, env=environment(None), timeout=60,
    )  # fmt: skip
    assert str(app_home / "data" / "models" / model.file) in listed.stdout


def test_a_bar_on_a_terminal(hub: FakeHub, app_home: Path) -> None:
    model = unchecked_model()
    leader, follower = pty.openpty()
    child = subprocess.Popen(
        command(model.id), stdout=subprocess.PIPE, stderr=follower, env=environment(hub)
    )
    os.close(follower)
    shown = b""
    with contextlib.suppress(OSError):  # EIO once the child has closed the terminal
        while chunk := os.read(leader, 4096):
            shown += chunk
    os.close(leader)
    assert child.wait(timeout=120) == 0

    text = shown.decode()
    assert "\r\033[K[" in text and "#" * 24 + "] 100% " in text
    assert "Downloading: 6.0 MB of 6.0 MB" in text


def test_unknown_id_names_the_known_ones(app_home: Path) -> None:
    done = subprocess.run(
        command("no-such-model"), capture_output=True, text=True, env=environment(None), timeout=60
    )

    assert done.returncode == 2
    assert done.stderr.startswith("assistant: no model 'no-such-model' in the catalogue (known: ")
    assert unchecked_model().id in done.stderr


def test_local_only_refuses_before_connecting(app_home: Path) -> None:
    settings = Settings()
    settings.local_only = True
    assert settings.save() is None
    model = unchecked_model()

    done = subprocess.run(
        command(model.id), capture_output=True, text=True, env=environment(None), timeout=60
    )

    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"assistant: Local only is on: downloading {model.file} would connect to huggingface.co, "
        "so nothing was sent. Turn off Settings → Local only (no internet) to download it."
    )
