"""`assistant models install` under Settings → Local only: refused before pip runs."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from assistant.cli.main import main as cli_main
from assistant.core.config.settings import Settings
from assistant.core.engine.models import default_model_path


def test_install_is_refused_under_local_only_without_running_pip(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], app_home: Path
) -> None:
    settings = Settings()
    settings.local_only = True
    assert settings.save() is None
    started: list[Any] = []
    monkeypatch.setattr(subprocess, "Popen", lambda *args, **kwargs: started.append(args))

    code = cli_main(["models", "install"])

    captured = capsys.readouterr()
    assert code == 1
    assert captured.err.strip().splitlines()[-1] == (
        "assistant: Local only is on: installing the built-in model would download it from the "
        "package index, so nothing was sent. Turn off Settings → Local only (no internet) to "
        "install it, or add a GGUF file you already have."
    )
    assert started == [] and captured.out == ""
    assert default_model_path() is None
