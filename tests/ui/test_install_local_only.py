"""Settings → Models under Local only: installing the built-in model is refused before pip runs."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from assistant.core.config.settings import Settings
from assistant.core.config.store import SettingsStore
from assistant.ui.models_dialog import ModelsDialog


def test_install_button_is_refused_under_local_only(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[Any] = []
    real_popen = subprocess.Popen

    def popen(command: Any, *args: Any, **kwargs: Any) -> Any:
        if "pip" in command:
            started.append(command)
            raise AssertionError("pip was started")
        return real_popen(command, *args, **kwargs)  # the dialog's GPU probe

    monkeypatch.setattr(subprocess, "Popen", popen)
    dialog = ModelsDialog(SettingsStore(Settings(local_only=True)))
    qtbot.addWidget(dialog)

    with qtbot.waitSignal(dialog.installer.sig_failed, timeout=10_000) as failed:
        dialog.install_button.click()

    assert failed.args[0].startswith("Local only is on: installing the built-in model would ")
    assert dialog.install_progress.message.text() == failed.args[0]
    assert started == []
