"""Local only, loopback detection and proxies, against real sockets and a real (tiny) proxy."""

from __future__ import annotations

import base64
import http.client
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from assistant.core.providers.client import Endpoint, list_server_models
from assistant.core.providers.errors import ProviderError
from assistant.core.providers.network_policy import (
    HttpRoute,
    check_allowed,
    http_route,
    is_loopback_host,
    is_loopback_url,
)
from assistant.core.providers.profiles import BUILTIN_PROFILE, ProviderProfile
from assistant.core.providers.secrets import KeyStore
from assistant.core.work.endpoints import ProviderResolver
from tests.fakeserver import FakeOpenAIServer

REMOTE_URL = "http://api.example.test/v1"  # never resolved: only a proxy ever sees this name


class ForwardProxy:
    """A loopback HTTP forward proxy: counts requests and sends them all to one upstream port.

    With ``credentials`` ("user:password") set, a request without them gets 407 (as a real proxy).
    """

    def __init__(self, upstream_port: int) -> None:
        self.requests: list[str] = []
        self.credentials: str | None = None
        self.authorizations: list[str | None] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

            def do_GET(self) -> None:
                self._forward()

            def do_POST(self) -> None:
                self._forward()

            def _forward(self) -> None:
                owner.requests.append(self.path)  # absolute URI: the client chose the proxy
                given = self.headers.get("Proxy-Authorization")
                owner.authorizations.append(given)
                if owner.credentials is not None and given != basic(owner.credentials):
                    self.send_response(407)
                    self.send_header("Proxy-Authenticate", 'Basic realm="test"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                skip = {"host", "proxy-connection", "connection", "content-length"}
                headers = {k: v for k, v in self.headers.items() if k.lower() not in skip}
                upstream = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=10)
                parts = urlsplit(self.path)
                target = parts.path + (f"?{parts.query}" if parts.query else "")
                upstream.request(self.command, target, body=body, headers=headers)
                reply = upstream.getresponse()
                data = reply.read()
                self.send_response(reply.status)
                for name, value in reply.getheaders():
                    if name.lower() not in {"transfer-encoding", "content-length", "connection"}:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                upstream.close()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> ForwardProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


def basic(credentials: str) -> str:
    """The Proxy-Authorization value for ``user:password``."""
    return "Basic " + base64.b64encode(unquote(credentials).encode()).decode()


@pytest.fixture
def proxy(openai_server: FakeOpenAIServer) -> Iterator[ForwardProxy]:
    with ForwardProxy(openai_server.port) as running:
        yield running


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.4.5.6", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LOCALHOST.", True),
        ("api.openai.com", False),
        ("10.0.0.1", False),
        ("0.0.0.0", False),
        ("127.example.com", False),
        ("", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def test_loopback_urls() -> None:
    assert is_loopback_url("http://[::1]:8080/v1")
    assert is_loopback_url("http://localhost:11434/v1")
    assert not is_loopback_url("https://api.openai.com/v1")
    assert not is_loopback_url("not a url")
    assert BUILTIN_PROFILE.is_loopback


def test_local_only_refuses_remote_endpoints_with_a_clear_message() -> None:
    check_allowed("Ollama", "http://127.0.0.1:11434/v1", builtin=False, local_only=True)
    check_allowed("Built-in", "", builtin=True, local_only=True)
    check_allowed("OpenAI", "https://api.openai.com/v1", builtin=False, local_only=False)
    with pytest.raises(ProviderError) as caught:
        check_allowed("OpenAI", "https://api.openai.com/v1", builtin=False, local_only=True)
    assert "Local only is on" in str(caught.value)
    assert "OpenAI" in str(caught.value) and "api.openai.com" in str(caught.value)


def test_routes_loopback_direct_profile_proxy_else_environment() -> None:
    assert http_route("http://127.0.0.1:8080/v1", "http://proxy:3128") == HttpRoute(False, None)
    assert http_route(REMOTE_URL, " http://proxy:3128 ") == HttpRoute(False, "http://proxy:3128")
    assert http_route(REMOTE_URL) == HttpRoute(True, None)


def test_resolver_refuses_before_any_socket(
    no_remote_sockets: list[str], no_keyring: Any, openai_server: FakeOpenAIServer
) -> None:
    local_only = True
    resolver = ProviderResolver(KeyStore(), local_only=lambda: local_only)
    remote = ProviderProfile(name="OpenAI", kind="openai", base_url="https://api.openai.com/v1")
    with pytest.raises(ProviderError, match="Local only is on"):
        resolver.resolve(remote, lambda _text: None)
    local = ProviderProfile(name="Here", kind="compatible", base_url=openai_server.base_url)
    assert list_server_models(resolver.resolve(local, lambda _text: None)) == openai_server.models
    assert no_remote_sockets == []
    assert openai_server.requests, "the loopback request went out"


def _endpoint(base_url: str, proxy: str = "") -> Endpoint:
    return Endpoint("Test", base_url, None, read_timeout=5, max_retries=0, proxy=proxy)


def test_a_profile_proxy_carries_the_requests(
    proxy: ForwardProxy, openai_server: FakeOpenAIServer, no_remote_sockets: list[str]
) -> None:
    resolver = ProviderResolver(KeyStore())
    profile = ProviderProfile(name="Far", kind="compatible", base_url=REMOTE_URL, proxy=proxy.url)
    endpoint = resolver.resolve(profile, lambda _text: None)
    assert endpoint.proxy == proxy.url
    assert list_server_models(endpoint) == openai_server.models
    assert proxy.requests == [f"{REMOTE_URL}/models"]
    assert no_remote_sockets == []


def test_the_environment_proxy_is_honoured_for_remote_hosts(
    proxy: ForwardProxy,
    openai_server: FakeOpenAIServer,
    monkeypatch: pytest.MonkeyPatch,
    no_remote_sockets: list[str],
) -> None:
    for name in ("HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(name, proxy.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    assert list_server_models(_endpoint(REMOTE_URL)) == openai_server.models
    assert len(proxy.requests) == 1


@pytest.mark.parametrize("profile_proxy", ["", "from-profile"])
def test_loopback_never_goes_through_a_proxy(
    proxy: ForwardProxy,
    openai_server: FakeOpenAIServer,
    monkeypatch: pytest.MonkeyPatch,
    profile_proxy: str,
) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.setenv(name, proxy.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    chosen = proxy.url if profile_proxy else ""
    assert list_server_models(_endpoint(openai_server.base_url, chosen)) == openai_server.models
    assert proxy.requests == []
    assert len(openai_server.requests) == 1


def test_settings_round_trip_the_proxy(app_home: Any) -> None:
    from assistant.core.config.settings import Settings

    settings = Settings()
    settings.upsert_profile(
        ProviderProfile(name="Far", kind="compatible", base_url=REMOTE_URL, proxy="http://p:3128")
    )
    assert settings.save() is None
    loaded = Settings.load().profile("Far")
    assert loaded is not None and loaded.proxy == "http://p:3128"
