"""Connection reuse: requests one after another through one client, as batch jobs send them.

The loopback server (tests/fakeserver.py, in its own process) serves HTTPS with a throwaway
self-signed certificate (``openssl``), which the app's shared TLS context is told to trust; it
counts the TCP connections it accepted. Each round sends REQUESTS short streamed answers through
one client from :func:`open_client` with :func:`stream_chat`, and takes the time to the first
text of requests 2..REQUESTS (the first opens the connection in both).

App: ``stream_chat`` as it is (``keepalive.py`` reads a finished body's rest, so the HTTP layer
keeps the connection). Baseline, same run, rounds alternating: the same with that hook replaced
by a no-op, i.e. the code before it (the SDK closes the response at ``[DONE]`` and the connection
with it). The note gives the same two over plain HTTP, and each side's connection count.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import REPO_ROOT, Figure, emit, median, missing

REQUESTS = 20
ROUNDS = 5
TTFT_TARGET = 0.9
"""The app's median time to first text of a reused request, at most this share of the baseline's."""
CONNECTIONS_TARGET = 0.1
MESSAGES = [{"role": "user", "content": "Say hi"}]
SERVER_CODE = """
import ssl, sys
from tests.fakeserver import FakeOpenAIServer
context = None
if sys.argv[1]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[1], sys.argv[2])
s = FakeOpenAIServer(tls=context)
s.tcp_nodelay = sys.argv[3] == "True"
s.reply = "Hello from the loopback server, a short answer."
s.start()
print(s.port, flush=True)
for line in sys.stdin:
    print(s.connections, flush=True)
s.stop()
"""


class CountingServer:
    """tests/fakeserver.py in a process of its own, HTTPS when given a certificate."""

    def __init__(self, cert: Path | None, key: Path | None, *, nodelay: bool = True) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-c", SERVER_CODE, str(cert or ""), str(key or ""), str(nodelay)],
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=os.environ | {"PYTHONPATH": str(REPO_ROOT)},
        )
        assert self._process.stdin is not None and self._process.stdout is not None
        self._stdin, self._stdout = self._process.stdin, self._process.stdout
        scheme = "https" if cert else "http"
        self.base_url = f"{scheme}://127.0.0.1:{int(self._stdout.readline())}/v1"

    def connections(self) -> int:
        """TCP connections the server has accepted so far."""
        self._stdin.write("count\n")
        self._stdin.flush()
        return int(self._stdout.readline())

    def close(self) -> None:
        self._stdin.close()
        self._process.wait(10)


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed EC P-256 certificate for 127.0.0.1, and its key."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
            ),
            *("-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@contextmanager
def keep_alive_off() -> Iterator[None]:
    """stream_chat as before the keep-alive hook: the SDK's close drops the connection."""
    from assistant.core.providers import client

    original: Callable[..., None] = client.keep_alive_when_finished
    client.keep_alive_when_finished = lambda response, body: None
    try:
        yield
    finally:
        client.keep_alive_when_finished = original


def one_round(server: CountingServer, requests: int) -> tuple[list[float], int]:
    """(seconds to the first text of requests 2.., connections opened) through one client."""
    import time

    from assistant.core.providers.client import Delta, Finished, stream_chat
    from assistant.core.providers.connection import Endpoint, open_client
    from assistant.core.providers.params import GenerationParams

    endpoint = Endpoint("Loopback", server.base_url, None, read_timeout=10, max_retries=0)
    client = open_client(endpoint)
    before = server.connections()
    firsts: list[float] = []
    try:
        for _ in range(requests):
            started = time.perf_counter()
            first: float | None = None
            finished = False
            for event in stream_chat(
                endpoint,
                MESSAGES,
                GenerationParams(),
                "fake-model",
                threading.Event(),
                None,
                client,
            ):
                if isinstance(event, Delta) and first is None:
                    first = time.perf_counter() - started
                finished = finished or (isinstance(event, Finished) and event.reason == "stop")
            assert first is not None and finished, "the answer did not come whole"
            firsts.append(first)
    finally:
        client.close()
    return firsts[1:], server.connections() - before


def measure(server: CountingServer, rounds: int, requests: int) -> dict[str, Any]:
    """Alternating rounds of the app and the baseline: median ms, connections per round."""
    app: list[float] = []
    base: list[float] = []
    counts = {"app": 0, "base": 0}
    one_round(server, 2)  # warm-up: imports on both sides
    for _ in range(rounds):
        times, count = one_round(server, requests)
        app += times
        counts["app"] = count
        with keep_alive_off():
            times, count = one_round(server, requests)
        base += times
        counts["base"] = count
    return {
        "app_ms": median(app) * 1000,
        "base_ms": median(base) * 1000,
        "app_connections": counts["app"],
        "base_connections": counts["base"],
    }


def main(argv: list[str]) -> None:
    quick = "--quick" in argv
    rounds, requests = (1, 4) if quick else (ROUNDS, REQUESTS)
    from assistant.core.providers.connection import tls_context

    with tempfile.TemporaryDirectory(prefix="assistant-bench-tls-") as folder:
        try:
            cert, key = make_certificate(Path(folder))
        except (OSError, subprocess.CalledProcessError) as exc:
            print(missing("stream_reuse_ttft_ms", f"no openssl certificate: {exc}"), flush=True)
            print(missing("stream_reuse_connections", "no TLS server"), flush=True)
            return
        tls_context(trust_env=False).load_verify_locations(cafile=str(cert))
        servers = {
            "tls": CountingServer(cert, key),
            "http": CountingServer(None, None),
            "nagle": CountingServer(None, None, nodelay=False),
        }
        try:
            found = {name: measure(server, rounds, requests) for name, server in servers.items()}
        finally:
            for server in servers.values():
                server.close()
    tls, http, nagle = found["tls"], found["http"], found["nagle"]
    note = (
        f"{requests}_requests_x{rounds}_rounds,ttft_of_requests_2..{requests},https_loopback,"
        f"baseline=keepalive_hook_off;plain_http:app={http['app_ms']:.2f}ms,"
        f"baseline={http['base_ms']:.2f}ms;plain_http_server_without_TCP_NODELAY:"
        f"app={nagle['app_ms']:.2f}ms,baseline={nagle['base_ms']:.2f}ms"
    )
    emit(
        Figure("stream_reuse_ttft_ms", tls["app_ms"], tls["base_ms"], "ms", TTFT_TARGET, note=note)
    )
    emit(
        Figure(
            "stream_reuse_connections",
            tls["app_connections"],
            tls["base_connections"],
            "connections",
            CONNECTIONS_TARGET if not quick else 0.5,
            note=(
                f"per_{requests}_requests_through_one_client;plain_http:"
                f"app={http['app_connections']},baseline={http['base_connections']}"
            ),
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
