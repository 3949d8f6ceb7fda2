"""The server and network faults of issue 5, each run against the loopback server.

The GUI and CLI fault tests (tests/ui/test_faults.py, tests/cli/test_faults_cli.py) use these
cases; ``python -m tests.fault_table`` runs each one through the real :class:`GenerationRun` and
prints the Markdown table of tests/fault_table.md (fault · what the user sees · what is kept), so
the table always shows the messages the app really gives.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from assistant.core.providers.client import Endpoint, RetryNotice
from assistant.core.providers.params import GenerationParams
from assistant.core.providers.profiles import ProviderProfile
from assistant.core.work.generation import (
    DoneEvent,
    GenerationRequest,
    GenerationRun,
    retry_message,
)
from tests.fakeserver import FakeOpenAIServer, Fault

MODEL = "fake-model"
REPLY = "Partial answer that keeps going for a while. " * 4
TABLE_PATH = Path(__file__).with_name("fault_table.md")
CUT_SHORT = "The answer was cut short. "  # the GUI's prefix when text was kept
PARTIAL_DELTAS = 3  # deltas streamed before a mid-stream fault
DELTA_SIZE = 8
TIMEOUT_S = 1.0  # Settings.request_timeout for the fault runs (its smallest value)
STALL_S = 5.0  # longer than TIMEOUT_S: the read timeout must end the stall
# A host name glibc rejects locally (longer than DNS allows) in the reserved .invalid domain, so
# the lookup fails at once with "Name or service not known" and no DNS query leaves the machine.
UNRESOLVABLE_HOST = ".".join(["nohost" + "x" * 57] * 4) + ".invalid"
UNRESOLVABLE_URL = f"http://{UNRESOLVABLE_HOST}/v1"

BaseUrl = Callable[[FakeOpenAIServer], contextlib.AbstractContextManager[str]]


@dataclass(frozen=True)
class FaultCase:
    """One fault: how to provoke it, and what the message must contain."""

    id: str
    title: str
    kind: str  # ProviderError kind expected in DoneEvent.error_kind
    must_say: tuple[str, ...]  # (case-insensitive) words of the actionable part of the message
    fault: Callable[[], Fault] | None = None
    base_url: BaseUrl | None = None  # None: the server's own URL
    partial: bool = False  # text is streamed before the fault (it must be kept)

    def __str__(self) -> str:
        return self.id


@contextlib.contextmanager
def _server_url(server: FakeOpenAIServer) -> Iterator[str]:
    yield server.base_url


@contextlib.contextmanager
def refused_url(server: FakeOpenAIServer) -> Iterator[str]:
    """A loopback port nobody listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    yield f"http://127.0.0.1:{port}/v1"


@contextlib.contextmanager
def unresolvable_url(server: FakeOpenAIServer) -> Iterator[str]:
    yield UNRESOLVABLE_URL


@contextlib.contextmanager
def full_backlog_url(server: FakeOpenAIServer) -> Iterator[str]:
    """A loopback listener that never accepts and whose backlog is full: connect() hangs.

    Linux drops the SYN of a listener whose accept queue is full, so the client waits for its
    connect timeout, exactly as with a host that does not answer.
    """
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        fillers: list[socket.socket] = []
        try:
            while True:  # fill the accept queue until a connect no longer completes
                filler = socket.socket()
                filler.settimeout(0.2)
                try:
                    filler.connect(("127.0.0.1", port))
                except TimeoutError:
                    filler.close()
                    break
                fillers.append(filler)
            yield f"http://127.0.0.1:{port}/v1"
        finally:
            for filler in fillers:
                filler.close()


CASES: tuple[FaultCase, ...] = (
    FaultCase("401", "401 bad API key", "auth", ("key", "Settings"), Fault.unauthorized),
    FaultCase("403", "403 forbidden", "forbidden", ("403", "Settings"), Fault.forbidden),
    FaultCase(
        "404-model",
        "404 unknown model",
        "not_found",
        ("fake-model", "Test connection"),
        Fault.model_not_found,
    ),
    FaultCase(
        "429-retry-after",
        "429 rate limit with Retry-After: 7",
        "rate_limit",
        ("7 s",),
        lambda: Fault.rate_limited(retry_after=7),
    ),
    FaultCase("429-quota", "429 quota exhausted", "quota", ("quota", "billing"), Fault.quota),
    FaultCase("500", "500 internal error", "server", ("500", "later"), Fault.server_error),
    FaultCase(
        "503", "503 unavailable", "server", ("503", "again"), lambda: Fault.server_error(503)
    ),
    FaultCase(
        "refused",
        "Connection refused",
        "connection",
        ("refused", "running"),
        base_url=refused_url,
    ),
    FaultCase(
        "dns",
        "DNS failure (unknown host)",
        "connection",
        ("host", "base URL"),
        base_url=unresolvable_url,
    ),
    FaultCase(
        "connect-timeout",
        "Connect timeout",
        "connection",
        ("within", "network"),
        base_url=full_backlog_url,
    ),
    FaultCase(
        "read-timeout",
        "Read timeout: stream stalls mid-answer",
        "timeout",
        ("stopped sending", "kept"),
        lambda: Fault("stall", after_deltas=PARTIAL_DELTAS, seconds=STALL_S),
        partial=True,
    ),
    FaultCase(
        "read-timeout-first",
        "Read timeout before any text",
        "timeout",
        ("within", "timeout"),
        lambda: Fault("stall", after_deltas=0, seconds=STALL_S),
    ),
    FaultCase(
        "dropped",
        "Connection dropped mid-stream",
        "dropped",
        ("dropped", "kept"),
        lambda: Fault("drop", after_deltas=PARTIAL_DELTAS),
        partial=True,
    ),
    FaultCase(
        "malformed",
        "Malformed SSE event mid-stream",
        "bad_response",
        ("could not", "kept"),
        lambda: Fault("malformed", after_deltas=PARTIAL_DELTAS),
        partial=True,
    ),
    FaultCase(
        "html",
        "HTML error page instead of JSON (502)",
        "server",
        ("web page", "later"),
        Fault.html,
    ),
    FaultCase(
        "html-200",
        "HTML page with 200 (wrong base URL)",
        "bad_response",
        ("web page", "base URL"),
        lambda: Fault.html(200),
    ),
    FaultCase(
        "empty",
        "Stream ends with no content",
        "empty",
        ("empty", "again"),
        lambda: Fault("empty"),
    ),
)


@contextlib.contextmanager
def provoked(case: FaultCase, server: FakeOpenAIServer) -> Iterator[str]:
    """Set the server up for ``case``; yields the base URL to send to."""
    server.reply = REPLY
    server.delta_size = DELTA_SIZE
    server.fault = case.fault() if case.fault is not None else None
    with (case.base_url or _server_url)(server) as url:
        yield url


@dataclass(frozen=True)
class _FixedResolver:
    endpoint: Endpoint

    def resolve(self, profile: ProviderProfile, on_status: Callable[[str], None]) -> Endpoint:
        return self.endpoint


def run_case(case: FaultCase, server: FakeOpenAIServer, provider: str) -> tuple[str, DoneEvent]:
    """Run ``case`` once through :class:`GenerationRun`; (base URL, final event)."""
    with provoked(case, server) as url:
        profile = ProviderProfile(name=provider, kind="compatible", base_url=url, model="m")
        request = GenerationRequest(
            "article",
            {"topic": "faults"},
            [{"role": "user", "content": "Write."}],
            profile,
            GenerationParams(model=MODEL),
        )
        endpoint = Endpoint(provider, url, None, read_timeout=TIMEOUT_S, max_retries=0)
        done = GenerationRun(request, _FixedResolver(endpoint)).run(
            lambda event: None, threading.Event()
        )
    return url, done


def kept(case: FaultCase, done: DoneEvent) -> str:
    """The 'what is kept' column."""
    if any(done.answers):
        return "the text streamed so far (marked cut short)"
    return "the input (nothing was streamed)"


def placeholders(message: str, provider: str, url: str) -> str:
    """Put {provider}, {url}, {host} and {timeout} back in a real message."""
    host = url.split("//", 1)[1].split("/", 1)[0].split(":", 1)[0]
    message = message.replace(url, "{url}").replace(host, "{host}").replace(provider, "{provider}")
    message = message.replace(f"“{MODEL}”", "“{model}”")
    return re.sub(r"\b(within|for) 1 s\b", r"\1 {timeout} s", message)


def documented_messages(path: Path = TABLE_PATH) -> dict[str, str]:
    """Fault title → message, as written in tests/fault_table.md (without the cut-short prefix)."""
    rows: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines()[2:]:
        cells = [cell.strip() for cell in line.strip("|").split(" | ")]
        if len(cells) == 3:
            rows[cells[0]] = cells[1].removeprefix(CUT_SHORT)
    return rows


def table() -> str:
    """The Markdown table, from the messages of real runs against the loopback server."""
    provider = "Loopback"
    rows = [
        "| Fault | What the user sees (GUI banner; CLI: `assistant: …` on stderr, exit 1) "
        "| What is kept |",
        "|---|---|---|",
    ]
    with FakeOpenAIServer() as server:
        for case in CASES:
            url, done = run_case(case, server, provider)
            message = placeholders(done.error or f"({done.status})", provider, url)
            if any(done.answers):
                message = CUT_SHORT + message
            rows.append(f"| {case.title} | {message} | {kept(case, done)} |")
    retrying = retry_message(RetryNotice(1, 2, 7, 429), "{provider}")
    notes = [
        "",
        "Messages are shown as produced with no translation installed; `{provider}` is the profile "
        "name, `{timeout}` the request timeout (Settings, `request_timeout`). 429 (not quota), "
        "5xx, connection errors and timeouts are first retried by the SDK up to `max_retries` "
        "times with backoff honouring `Retry-After`; meanwhile the status bar says "
        f"“{retrying}” and Stop cancels the wait. The table shows the message once the retries "
        "are used up. The input always stays in the form and every run is in the history.",
    ]
    return "\n".join(rows + notes) + "\n"


if __name__ == "__main__":
    print(table(), end="")
