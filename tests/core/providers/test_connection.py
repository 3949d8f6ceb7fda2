"""One TLS context shared by every client, following the certificate settings it depends on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.core.providers.connection import Endpoint, open_client, tls_context
from tests.fakeserver import FakeOpenAIServer

PEM = re.compile(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----\n", re.S)


def one_certificate_file(tmp_path: Path) -> Path:
    """A CA file holding a single real certificate (the first of certifi's bundle)."""
    certifi = pytest.importorskip("certifi")
    first = PEM.search(Path(certifi.where()).read_text())
    assert first is not None
    path = tmp_path / "one.pem"
    path.write_text(first.group(0))
    return path


def test_the_context_is_built_once_and_shared() -> None:
    assert tls_context(trust_env=True) is tls_context(trust_env=True)
    assert tls_context(trust_env=False) is tls_context(trust_env=False)


def test_a_new_certificate_file_in_the_environment_gives_a_new_context(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    monkeypatch.setenv("SSL_CERT_FILE", str(one_certificate_file(tmp_path)))
    trusting = tls_context(trust_env=True)
    assert len(trusting.get_ca_certs()) == 1
    assert tls_context(trust_env=True) is trusting
    ignoring = tls_context(trust_env=False)  # loopback and profile proxies ignore the variable
    assert ignoring is not trusting and len(ignoring.get_ca_certs()) != 1
    monkeypatch.delenv("SSL_CERT_FILE")
    assert tls_context(trust_env=True) is not trusting


def test_clients_sharing_the_context_still_stream(openai_server: FakeOpenAIServer) -> None:
    endpoint = Endpoint("Loopback", openai_server.base_url, None)
    for _ in range(2):
        client = open_client(endpoint)
        try:
            assert [model.id for model in client.models.list()]
        finally:
            client.close()
    assert len(openai_server.requests) == 2
