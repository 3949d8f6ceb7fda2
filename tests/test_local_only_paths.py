"""Local only: every path that connects refuses a remote address before any socket opens.

The paths: generation (core and through the resolver), listing a server's models, Test connection
in the welcome dialog and in Settings → Providers (opened from the real window), and the CLI.
Every client is made by ``providers.connection.open_client``, which checks the switch; the same
paths still reach a loopback server with the switch on.
"""

from __future__ import annotations

import io
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLabel
from pytestqt.qtbot import QtBot

from assistant.cli.main import main as cli_main
from assistant.core.config.settings import Settings
from assistant.core.providers.client import Endpoint, list_server_models, stream_chat
from assistant.core.providers.errors import ProviderError
from assistant.core.providers.params import GenerationParams
from assistant.core.providers.profiles import ProviderProfile
from assistant.core.providers.secrets import KeyStore
from assistant.core.work.endpoints import resolver_for
from assistant.core.work.generation import GenerationRequest, GenerationRun
from assistant.ui.provider_dialog import ProviderDialog
from assistant.ui.welcome_dialog import WelcomeDialog
from tests.fakeserver import FakeOpenAIServer
from tests.ui.windows import open_window

REMOTE_URL = "https://llm.example.com/v1"
REFUSED = "Local only is on"
MESSAGES = [{"role": "user", "content": "hi"}]


def local_only_settings(server: FakeOpenAIServer) -> Settings:
    settings = Settings()
    settings.local_only = True
    settings.max_retries = 0
    settings.upsert_profile(
        ProviderProfile("Here", "compatible", server.base_url, "fake-model"),
    )
    settings.upsert_profile(ProviderProfile("Far away", "compatible", REMOTE_URL, "m"))
    settings.active_profile = "Far away"
    return settings


def endpoint(url: str) -> Endpoint:
    return Endpoint("Far", url, None, read_timeout=3, max_retries=2, local_only=True)


def wait_for_text(qtbot: QtBot, label: QLabel, text: str) -> None:
    qtbot.waitUntil(lambda: text in label.text(), timeout=10_000)


# -- the client factory ----------------------------------------------------------------------------
def test_streaming_refuses_a_remote_endpoint(no_remote_sockets: list[str]) -> None:
    with pytest.raises(ProviderError, match=REFUSED) as caught:
        list(stream_chat(endpoint(REMOTE_URL), MESSAGES, GenerationParams(), "m"))
    assert caught.value.kind == "forbidden" and "llm.example.com" in str(caught.value)


def test_listing_models_refuses_a_remote_endpoint(no_remote_sockets: list[str]) -> None:
    with pytest.raises(ProviderError, match=REFUSED):
        list_server_models(endpoint(REMOTE_URL))


def test_loopback_still_works_under_local_only(
    openai_server: FakeOpenAIServer, no_remote_sockets: list[str]
) -> None:
    assert list_server_models(endpoint(openai_server.base_url)) == openai_server.models
    events = list(stream_chat(endpoint(openai_server.base_url), MESSAGES, GenerationParams(), "m"))
    assert events


# -- generation through the app's resolver ---------------------------------------------------------
def test_generation_refuses_and_records_why(
    openai_server: FakeOpenAIServer, no_keyring: Any, no_remote_sockets: list[str]
) -> None:
    settings = local_only_settings(openai_server)
    resolver = resolver_for(settings, KeyStore())
    far = settings.active()
    request = GenerationRequest("article", {}, MESSAGES, far, GenerationParams())
    done = GenerationRun(request, resolver).run(lambda _event: None, threading.Event())
    assert done.status == "failed" and done.error_kind == "forbidden"
    assert done.error is not None and REFUSED in done.error
    here = settings.profile("Here")
    assert here is not None
    request = GenerationRequest("article", {}, MESSAGES, here, GenerationParams())
    done = GenerationRun(request, resolver).run(lambda _event: None, threading.Event())
    assert done.status == "complete", done.error
    assert len(openai_server.chat_requests) == 1


def test_every_resolved_endpoint_carries_the_switch(
    openai_server: FakeOpenAIServer, no_keyring: Any
) -> None:
    settings = local_only_settings(openai_server)
    resolver = resolver_for(settings, KeyStore())
    here = settings.profile("Here")
    assert here is not None
    assert resolver.resolve(here, lambda _text: None).local_only
    settings.local_only = False
    assert not resolver.resolve(here, lambda _text: None).local_only


# -- Test connection in the dialogs, opened by the window as a person would ----------------------
def on_modal(qtbot: QtBot, kind: type[QDialog], act: Callable[[Any], None]) -> list[str]:
    """Once a modal ``kind`` dialog is up, run ``act`` on it, then close it; errors are returned."""
    errors: list[str] = []

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            QTimer.singleShot(10, poll)
            return
        try:
            act(dialog)
        except Exception as error:  # reported by the test, not lost in the event loop
            errors.append(repr(error))
        finally:
            dialog.reject()

    QTimer.singleShot(0, poll)
    return errors


def test_welcome_test_connection_refuses_a_remote_server(
    qtbot: QtBot,
    openai_server: FakeOpenAIServer,
    no_keyring: Any,
    no_remote_sockets: list[str],
) -> None:
    win = open_window(qtbot, local_only_settings(openai_server))

    def test_both(dialog: WelcomeDialog) -> None:
        qtbot.mouseClick(dialog.server_button, Qt.MouseButton.LeftButton)
        for url, expected in ((REMOTE_URL, REFUSED), (openai_server.base_url, "Connected")):
            dialog.server_url.setText(url)
            qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
            wait_for_text(qtbot, dialog.test_result, expected)

    errors = on_modal(qtbot, WelcomeDialog, test_both)
    win.provider_bar.show_welcome()
    assert errors == []
    assert len(openai_server.requests) == 1  # the loopback one
    win.close()


def test_provider_dialog_test_connection_refuses_a_remote_server(
    qtbot: QtBot,
    openai_server: FakeOpenAIServer,
    no_keyring: Any,
    no_remote_sockets: list[str],
) -> None:
    win = open_window(qtbot, local_only_settings(openai_server))

    def test_both(dialog: ProviderDialog) -> None:
        names = [dialog.list.item(row).text() for row in range(dialog.list.count())]
        for name, expected in (("Far away", REFUSED), ("Here", "Connected")):
            dialog.list.setCurrentRow(names.index(name))
            dialog.api_key.setText("sk-typed-in-the-dialog-0123")  # the pending-key path
            dialog.api_key.textEdited.emit(dialog.api_key.text())
            dialog.test_button.click()
            wait_for_text(qtbot, dialog.test_result, expected)

    errors = on_modal(qtbot, ProviderDialog, test_both)
    win.provider_bar.edit_providers()
    assert errors == []
    assert len(openai_server.requests) == 1
    win.close()


# -- the CLI ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "target", [["--provider", "Far away"], ["--base-url", REMOTE_URL]], ids=["profile", "url"]
)
def test_cli_run_refuses_a_remote_server(
    target: list[str],
    openai_server: FakeOpenAIServer,
    no_keyring: Any,
    no_remote_sockets: list[str],
    app_home: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert local_only_settings(openai_server).save() is None
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    code = cli_main(["run", "article", "--field", "topic=Tea", "--no-log", *target])
    captured = capsys.readouterr()
    assert code == 1, captured.err
    assert REFUSED in captured.err
    assert captured.out.strip() == ""
    assert openai_server.requests == []
