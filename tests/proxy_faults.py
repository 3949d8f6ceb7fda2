"""Stream faults injected by tests/faultproxy.py, and what the CLI and the window must do.

For every case the answer is byte-identical to the unfaulted one (``whole``) or clearly cut short
(a prefix of it, with a message saying so) — never silently different. The CLI and GUI tests
(tests/cli/test_proxy_faults_cli.py, tests/ui/test_proxy_faults.py) run these cases;
``python -m tests.proxy_faults`` runs each through both and prints the table of
tests/proxy_faults.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.core.config.settings import Settings
from assistant.core.providers.profiles import ProviderProfile
from tests.faultproxy import ProxyFault

PROFILE = "Loopback"
REPLY = "Ünïcödé — 日本語のテキスト, 🦦 and 👩‍💻 (a ZWJ sequence); ½ ≠ 0.5.\n" * 3
DELTA_SIZE = 7
TIMEOUT_S = 1.0  # request timeout of the runs (header delays below it must not matter)
TABLE_PATH = Path(__file__).with_name("proxy_faults.md")
CUT_WORDS = ("cut short", "in the middle of the answer")  # how a cut-short message says so
UNSTEADY = frozenset({"reset"})  # how much text a reset discards in flight varies between runs


@dataclass(frozen=True)
class ProxyCase:
    """One fault: how the proxy misbehaves and whether the answer must come out whole."""

    id: str
    title: str
    fault: ProxyFault = field(default_factory=ProxyFault)
    whole: bool = True
    """True: the answer must be byte-identical and complete; False: clearly cut short."""
    timeout_s: float = TIMEOUT_S

    def __str__(self) -> str:
        return self.id


CASES: tuple[ProxyCase, ...] = (
    ProxyCase("none", "No fault (the reference answer)"),
    ProxyCase(
        "close-mid-stream",
        "Clean close mid-stream, body ended by the connection (HTTP/1.0 style)",
        ProxyFault(framing="close", cut_after_events=4),
        whole=False,
    ),
    ProxyCase(
        "close-mid-event",
        "Clean close in the middle of an event (connection-delimited body)",
        ProxyFault(framing="close", cut_after_events=5, cut_extra_bytes=60),
        whole=False,
    ),
    ProxyCase(
        "close-before-finish",
        "Clean close after the last word, before the finish event",
        ProxyFault(framing="close", cut_after_events=1 + -(-len(REPLY) // DELTA_SIZE)),
        whole=False,
    ),
    ProxyCase(
        "close-after-finish",
        "Clean close right after the finish event (no usage, no [DONE])",
        ProxyFault(framing="close", cut_after_events=2 + -(-len(REPLY) // DELTA_SIZE)),
    ),
    ProxyCase(
        "drop-after-finish",
        "Close in a chunked body right after the finish event (the HTTP layer reports an error)",
        ProxyFault(cut_after_events=2 + -(-len(REPLY) // DELTA_SIZE)),
    ),
    ProxyCase(
        "close-chunked",
        "Close in the middle of a chunked body",
        ProxyFault(cut_after_events=4),
        whole=False,
    ),
    ProxyCase(
        "half-close",
        "Half-close (the proxy shuts its sending side, keeps the socket open)",
        ProxyFault(framing="close", cut_after_events=4, cut="half_close"),
        whole=False,
    ),
    ProxyCase(
        "reset",
        "Reset (RST) mid-stream",
        ProxyFault(cut_after_events=4, cut="reset"),
        whole=False,
    ),
    ProxyCase("delay-headers", "Headers delayed 0.5 s", ProxyFault(header_delay=0.5)),
    ProxyCase(
        "delay-headers-long",
        "Headers delayed 3 s (longer than the 1 s request timeout)",
        ProxyFault(header_delay=3.0),
        whole=False,
    ),
    ProxyCase(
        "byte-writes",
        "One byte per write, each its own HTTP chunk (splits inside UTF-8 characters)",
        ProxyFault(byte_writes=True),
    ),
    ProxyCase(
        "byte-writes-close",
        "One byte per write, body ended by the connection",
        ProxyFault(framing="close", byte_writes=True),
    ),
    ProxyCase("crlf", "CRLF line endings", ProxyFault(crlf=True)),
    ProxyCase("pings", "`: ping` comments and `: keep-alive` blocks", ProxyFault(pings=True)),
    ProxyCase("no-space", "`data:` without a space", ProxyFault(no_space=True)),
    ProxyCase("1mb-event", "One 1 MB event", ProxyFault(pad_event_to=1 << 20)),
    ProxyCase(
        "all-at-once",
        "CRLF, pings, `data:` without space, one byte per write, connection-delimited",
        ProxyFault(framing="close", crlf=True, pings=True, no_space=True, byte_writes=True),
    ),
    ProxyCase(
        "finish-then-hang",
        "Finish event, then the connection hangs (request timeout 60 s)",
        ProxyFault(hang_after_finish=True),
        timeout_s=60.0,
    ),
)


def save_profile(base_url: str, timeout_s: float) -> None:
    """Settings of the app under ASSISTANT_HOME: one profile at ``base_url``, no retries."""
    settings = Settings()
    settings.request_timeout = timeout_s
    settings.max_retries = 0
    settings.upsert_profile(
        ProviderProfile(name=PROFILE, kind="compatible", base_url=base_url, model="fake-model")
    )
    settings.active_profile = PROFILE
    assert settings.save() is None


def run_cli(env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """`assistant run article` against the saved profile (a real process)."""
    return subprocess.run(
        [sys.executable, "-m", "assistant", "run", "article", "--field", "topic=faults"],
        input=b"",
        capture_output=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def cli_stderr(result: subprocess.CompletedProcess[bytes]) -> list[str]:
    """The CLI's stderr lines without the ``record: ID`` that follows an answer (issue 10)."""
    lines = result.stderr.decode().splitlines()
    if result.returncode == 0:
        assert lines and lines[-1].startswith("record: "), lines
        lines = lines[:-1]
    return lines


def cli_outcome(result: subprocess.CompletedProcess[bytes]) -> str:
    """What the CLI did, for the table."""
    out = result.stdout.decode()
    err = "\n".join(cli_stderr(result)).strip().removeprefix("assistant: ")
    if result.returncode == 0 and out == REPLY and not err:
        return "exit 0, answer byte-identical"
    printed = len(out) if REPLY.startswith(out) else len(out) - 1  # less the newline run adds
    kept = f"{printed} of {len(REPLY)} characters on stdout"
    return f"exit {result.returncode}, {kept}; stderr: {err}"


def check_cli(case: ProxyCase, result: subprocess.CompletedProcess[bytes]) -> None:
    """The CLI's result is the whole answer, or clearly cut short (a prefix, one line, exit 1)."""
    out, err = result.stdout.decode(), cli_stderr(result)
    if case.whole:
        assert (result.returncode, out, err) == (0, REPLY, []), cli_outcome(result)
        return
    assert result.returncode == 1, cli_outcome(result)
    assert REPLY.startswith(out.rstrip("\n")), out
    assert len(err) == 1 and err[0].startswith("assistant: "), err
    if out.strip():
        assert any(words in err[0] for words in CUT_WORDS), err[0]


def documented(case: ProxyCase, column: int, path: Path = TABLE_PATH) -> str:
    """The table's cell for ``case`` (column 1: window, 2: CLI), ``{provider}`` filled in."""
    for line in path.read_text(encoding="utf-8").splitlines()[2:]:
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        if cells[0] == case.title:
            return cells[column].replace("{provider}", PROFILE)
    raise KeyError(case.title)


def gui_outcome(window: Any, status: str) -> str:
    """What the window did, for the table."""
    shown = window.answer_area.current_text()
    if status == "complete" and shown == REPLY and not window.error_banner.isVisible():
        return "answer byte-identical, complete"
    offered = ", Continue offered" if window.recovery_bar.isVisibleTo(window) else ""
    banner = window.error_banner.text() if window.error_banner.isVisible() else "(no banner)"
    return f"{status}: {len(shown)} of {len(REPLY)} characters kept{offered}; banner: {banner}"


def _gui_run(base_url: str, timeout_s: float) -> str:
    """One Generate in the real window (offscreen) at ``base_url``; what it did."""
    from PySide6.QtCore import QCoreApplication, QEventLoop

    from assistant.app import build_window

    settings = Settings(welcome_done=True)
    settings.request_timeout = timeout_s
    settings.max_retries = 0
    settings.upsert_profile(
        ProviderProfile(name=PROFILE, kind="compatible", base_url=base_url, model="fake-model")
    )
    settings.active_profile = PROFILE
    settings.last_mode = "article"
    window = build_window(settings)
    window.show()
    window.current_form().set_values({"topic": "faults"})
    done: list[Any] = []
    window.controller.sig_done.connect(lambda _id, event: done.append(event))
    window.generate()
    while not done or window.stop_button.isEnabled():
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 20)
    QCoreApplication.processEvents()
    outcome = gui_outcome(window, str(done[0].status))
    window.close()
    return outcome


def table() -> str:
    """The Markdown table: each fault through the real window and `assistant run`."""
    import tempfile

    from PySide6.QtWidgets import QApplication

    from tests.fakeserver import FakeOpenAIServer
    from tests.faultproxy import FaultProxy

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["ASSISTANT_HOME"] = tempfile.mkdtemp(prefix="assistant-proxy-faults-")
    app = QApplication.instance() or QApplication([])
    rows = [
        "| Fault (tests/faultproxy.py) | Window | `assistant run` |",
        "|---|---|---|",
    ]
    with FakeOpenAIServer() as server, FaultProxy(server.base_url) as proxy:
        server.reply = REPLY
        server.delta_size = DELTA_SIZE
        for case in CASES:
            proxy.fault = case.fault
            gui = _gui_run(proxy.base_url, case.timeout_s)
            save_profile(proxy.base_url, case.timeout_s)
            cli = cli_outcome(run_cli())
            rows.append(f"| {case.title} | {gui} | {cli} |".replace(PROFILE, "{provider}"))
    del app
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(table(), end="")
