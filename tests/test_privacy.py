"""Secrets and "local only", proven on the real app: real keyring, real window, real CLI process.

A sentinel key is stored in the real Secret Service. After successful and failing generations
(the server echoes the key in its 401 error, as some real servers do) through the window and the
CLI, plus a history export, the key must appear in no file under the app's directories, in no
text shown (banner, status bar, window titles) and not on the clipboard after "Copy answer".
The same holds for a proxy password: an old settings file that held one is rewritten at start and
the password lives in the keyring only.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from assistant.core.base.paths import app_paths
from assistant.core.config.settings import Settings, settings_path
from assistant.core.providers.network_policy import is_loopback_host
from assistant.core.providers.profiles import ProviderProfile
from assistant.core.providers.secrets import KeyStore
from assistant.ui.main_window import MainWindow
from tests.fakeserver import FakeOpenAIServer
from tests.ui.windows import open_window, use_loopback

SENTINEL = "sk-proj-SENTINEL7Qx2Lr9Vb4Nm8Kt1Wz6Hc3Jd5Fg0"
PROFILE = "Keyed loopback"


def _generate(qtbot: QtBot, win: MainWindow) -> Any:
    with qtbot.waitSignal(win.controller.sig_done, timeout=10_000) as blocker:
        win.generate_button.click()
    qtbot.waitUntil(lambda: not win.stop_button.isEnabled())
    return blocker.args[1]


def _cli(*args: str, stdin: bytes = b"notes") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        input=stdin,
        capture_output=True,
        timeout=60,
        env=dict(os.environ),
    )


def _files_holding(needle: str, roots: list[Path]) -> list[Path]:
    encodings = [needle.encode("utf-8"), needle.encode("utf-16-le")]
    found = []
    for root in roots:
        for path in root.rglob("*") if root.exists() else []:
            if path.is_file() and any(code in path.read_bytes() for code in encodings):
                found.append(path)
    return found


def _shown_texts(win: MainWindow) -> list[str]:
    texts = [win.error_banner.text(), win.status_label.text(), win.tokens_label.text()]
    texts += [widget.windowTitle() for widget in QApplication.topLevelWidgets()]
    texts.append(QGuiApplication.clipboard().text())
    return texts


@pytest.fixture
def keyed_window(
    qtbot: QtBot, openai_server: FakeOpenAIServer, secret_service: Any
) -> Iterator[MainWindow]:
    assert KeyStore().set(PROFILE, SENTINEL)
    settings = Settings()
    use_loopback(settings, openai_server.base_url, PROFILE, "fake-model", needs_key=True)
    settings.last_mode = "article"
    assert settings.save() is None
    win = open_window(qtbot, settings)
    topic = win.current_form().widget("topic")
    assert isinstance(topic, QLineEdit)
    topic.setText("Tea for coders")
    yield win
    win.close()


@pytest.mark.keyring
def test_the_key_is_in_no_file_no_screen_text_and_no_clipboard(
    qtbot: QtBot, keyed_window: MainWindow, openai_server: FakeOpenAIServer, app_home: Path
) -> None:
    win = keyed_window
    openai_server.api_key = SENTINEL
    openai_server.echo_key_in_errors = True

    done = _generate(qtbot, win)  # success: the key went out in the header only
    assert done.status == "complete", done.error
    assert openai_server.chat_requests[-1].authorization == f"Bearer {SENTINEL}"
    win.copy_answer()
    assert QGuiApplication.clipboard().text() == "Hello from the fake server."

    openai_server.api_key = "sk-the-server-wants-another-key-000000"
    failed = _generate(qtbot, win)  # 401 whose body repeats the key we sent
    assert failed.status == "failed" and failed.error_kind == "auth"
    assert win.error_banner.isVisible() and "rejected the API key" in win.error_banner.text()
    win.copy_answer()

    ok = _cli("run", "article", "--provider", PROFILE, "--field", "topic=Tea")
    assert ok.returncode == 1 and b"rejected the API key" in ok.stderr
    openai_server.api_key = SENTINEL
    good = _cli("run", "article", "--provider", PROFILE, "--field", "topic=Tea")
    assert good.returncode == 0, good.stderr
    exports = [
        _cli("history", "export", str(record_id), "--format", fmt)
        for record_id in (1, 2, 3, 4)
        for fmt in ("md", "html", "txt")
    ]
    assert all(result.returncode == 0 for result in exports), exports[0].stderr
    win.close()

    bodies = [r.body for r in openai_server.chat_requests]
    assert all(SENTINEL not in str(body) for body in bodies)
    for text in _shown_texts(win):
        assert SENTINEL not in text, text
    for result in (ok, good, *exports):
        assert SENTINEL.encode() not in result.stdout + result.stderr
    paths = app_paths()
    assert list(paths.data.glob("*.sqlite*")) or list(paths.data.glob("*.db*")), "no history db"
    assert _files_holding(SENTINEL, [app_home, *paths.all]) == []
    assert KeyStore().get(PROFILE) == SENTINEL  # the key itself is still in the keyring


@pytest.fixture
def no_remote_sockets(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fail on any connection attempt or name lookup for a host that is not loopback."""
    attempts: list[str] = []
    real_connect = socket.socket.connect
    real_create = socket.create_connection
    real_getaddrinfo = socket.getaddrinfo

    def refuse(host: Any) -> None:
        attempts.append(str(host))
        raise AssertionError(f"network access to {host}")

    def connect(self: socket.socket, address: Any) -> Any:
        if isinstance(address, tuple) and not is_loopback_host(str(address[0])):
            refuse(address[0])
        return real_connect(self, address)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> Any:
        if not is_loopback_host(str(address[0])):
            refuse(address[0])
        return real_create(address, *args, **kwargs)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not is_loopback_host(str(host)):
            refuse(host)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return attempts


def test_local_only_in_the_window(
    qtbot: QtBot,
    openai_server: FakeOpenAIServer,
    no_keyring: Any,
    no_remote_sockets: list[str],
) -> None:
    settings = Settings()
    local = ProviderProfile(
        name="Here", kind="compatible", base_url=openai_server.base_url, model="fake-model"
    )
    remote = ProviderProfile(
        name="Far away", kind="compatible", base_url="https://llm.example.com/v1", model="m"
    )
    settings.upsert_profile(local)
    settings.upsert_profile(remote)
    settings.active_profile = "Here"
    settings.last_mode = "article"
    win = open_window(qtbot, settings)
    topic = win.current_form().widget("topic")
    assert isinstance(topic, QLineEdit)
    topic.setText("Local things")

    assert not win.local_only_action.isChecked()
    win.local_only_action.trigger()  # Settings → Local only (no internet)
    assert Settings.load().local_only, "the switch is saved at once"

    assert _generate(qtbot, win).status == "complete"
    settings.active_profile = "Far away"
    refused = _generate(qtbot, win)
    assert refused.status == "failed"
    assert "Local only is on" in win.error_banner.text()
    assert "llm.example.com" in win.error_banner.text()
    assert no_remote_sockets == []
    assert len(openai_server.chat_requests) == 1
    win.close()

    reopened = open_window(qtbot, Settings.load())
    assert reopened.local_only_action.isChecked()
    reopened.close()


PROXY_PASSWORD = "SENTINEL-proxy-pw-5Tq8Zr2Lk"
PROXY_CREDENTIALS = f"carol:{PROXY_PASSWORD}"
PROXIED = "Behind a proxy"


@pytest.mark.keyring
def test_the_proxy_password_is_in_no_file_and_no_screen_text(
    qtbot: QtBot, openai_server: FakeOpenAIServer, secret_service: Any, app_home: Path
) -> None:
    from tests.core.providers.test_network_policy import REMOTE_URL, ForwardProxy, basic

    with ForwardProxy(openai_server.port) as proxy:
        proxy.credentials = PROXY_CREDENTIALS
        typed = proxy.url.replace("http://", f"http://{PROXY_CREDENTIALS}@")
        old = Settings()  # a settings file from before: the password inside the proxy URL
        use_loopback(old, REMOTE_URL, PROXIED, "fake-model", proxy=typed)
        old.last_mode = "article"
        data = json.dumps(old.to_dict() | {"profiles": [p.__dict__ for p in old.profiles]})
        settings_path().parent.mkdir(parents=True, exist_ok=True)
        settings_path().write_text(data, encoding="utf-8")
        assert PROXY_PASSWORD in settings_path().read_text(encoding="utf-8")

        win = open_window(qtbot, Settings.load())  # the app starts: moved into the keyring
        topic = win.current_form().widget("topic")
        assert isinstance(topic, QLineEdit)
        topic.setText("Tea behind a proxy")
        done = _generate(qtbot, win)
        assert done.status == "complete", done.error
        assert proxy.authorizations[-1] == basic(PROXY_CREDENTIALS)

        proxy.credentials = "carol:changed-on-the-proxy"  # now the stored password is wrong
        refused = _generate(qtbot, win)
        assert refused.status == "failed" and "407" in win.error_banner.text()
        shown = _shown_texts(win)
        win.close()

        cli_ok = _cli("run", "article", "--provider", PROXIED, "--field", "topic=Tea")
        proxy.credentials = PROXY_CREDENTIALS
        cli_good = _cli("run", "article", "--provider", PROXIED, "--field", "topic=Tea")
        assert cli_ok.returncode == 1 and b"407" in cli_ok.stderr
        assert cli_good.returncode == 0, cli_good.stderr
        assert proxy.authorizations[-1] == basic(PROXY_CREDENTIALS)

    for text in shown:
        assert PROXY_PASSWORD not in text, text
    for result in (cli_ok, cli_good):
        assert PROXY_PASSWORD.encode() not in result.stdout + result.stderr
    assert proxy.url in settings_path().read_text(encoding="utf-8")
    assert _files_holding(PROXY_PASSWORD, [app_home, *app_paths().all]) == []
    assert KeyStore().proxy_credentials(proxy.url) == PROXY_CREDENTIALS
