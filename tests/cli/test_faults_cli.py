"""Server and network faults through `assistant run` (a real process) against the loopback server.

For each fault of issue 5: exit code non-zero, exactly one line on stderr with the specific
message naming the provider profile, and the text streamed before the fault stays on stdout.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from assistant.core.config.settings import Settings
from assistant.core.providers.profiles import ProviderProfile
from tests.fakeserver import FakeOpenAIServer, Fault
from tests.fault_table import (
    CASES,
    REPLY,
    STALL_S,
    TIMEOUT_S,
    FaultCase,
    documented_messages,
    placeholders,
    provoked,
)

PROFILE = "Loopback"


def save_profile(base_url: str, max_retries: int = 0) -> None:
    """Settings the child process loads (ASSISTANT_HOME is per test)."""
    settings = Settings()
    settings.request_timeout = TIMEOUT_S
    settings.max_retries = max_retries
    settings.upsert_profile(
        ProviderProfile(name=PROFILE, kind="compatible", base_url=base_url, model="fake-model")
    )
    settings.active_profile = PROFILE
    assert settings.save() is None


def run_article(timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", "run", "article", "--field", "topic=faults"],
        input="",
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.parametrize("case", CASES, ids=str)
def test_fault_exits_non_zero_with_one_clear_line(
    openai_server: FakeOpenAIServer, case: FaultCase
) -> None:
    with provoked(case, openai_server) as url:
        save_profile(url)
        result = run_article(timeout=STALL_S + 20)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("assistant: ")
    assert PROFILE in lines[0], lines[0]
    for words in case.must_say:
        assert words.lower() in lines[0].lower(), lines[0]
    message = lines[0].removeprefix("assistant: ")
    assert placeholders(message, PROFILE, url) == documented_messages()[case.title], (
        "tests/fault_table.md is out of date: python -m tests.fault_table > tests/fault_table.md"
    )
    out = result.stdout.rstrip("\n")
    if case.partial:
        assert out and REPLY.startswith(out), result.stdout
    else:
        assert out == ""


def test_retry_then_success_prints_the_answer(openai_server: FakeOpenAIServer) -> None:
    openai_server.fault = Fault.server_error(503, times=1)
    openai_server.reply = "Second time lucky."
    save_profile(openai_server.base_url, max_retries=2)
    result = run_article()
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Second time lucky.\n"
    assert len(openai_server.chat_requests) == 2
