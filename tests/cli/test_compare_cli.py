"""`assistant run --n K` and `--compare`: headers, order, exit codes, history (real processes)."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

from assistant.core.config.settings import Settings
from assistant.core.providers.profiles import ProviderProfile
from assistant.core.storage.history import HistoryStore
from tests.fakeserver import FakeOpenAIServer, RecordedRequest


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", "run", *args],
        input="",
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def sections(out: str) -> list[tuple[str, str]]:
    """(header, text) of each answer, as printed."""
    parts = re.split(r"^--- (.+) ---\n", out, flags=re.MULTILINE)
    assert parts[0] == "", out
    return [(parts[i], parts[i + 1]) for i in range(1, len(parts), 2)]


@pytest.fixture
def second_server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as server:
        yield server


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/v1"


def save_profiles(*profiles: tuple[str, str, str]) -> None:
    settings = Settings()
    settings.request_timeout = 5.0
    settings.max_retries = 0
    for name, url, model in profiles:
        settings.upsert_profile(
            ProviderProfile(name=name, kind="compatible", base_url=url, model=model)
        )
    assert settings.save() is None


def test_each_variant_comes_after_its_header(openai_server: FakeOpenAIServer) -> None:
    openai_server.reply = lambda request, index: f"Headline {index + 1}\nline two"  # type: ignore[assignment]
    result = run(
        "ad-copy", "--field", "product=Lamp", "--n", "3", "--base-url", openai_server.base_url
    )
    assert result.returncode == 0, result.stderr
    assert sections(result.stdout) == [
        ("variant 1", "Headline 1\nline two\n\n"),
        ("variant 2", "Headline 2\nline two\n\n"),
        ("variant 3", "Headline 3\nline two\n"),
    ]
    assert [r.body["n"] for r in openai_server.chat_requests] == [3]


def test_variants_from_a_server_that_refuses_n(openai_server: FakeOpenAIServer) -> None:
    openai_server.refuse_n = True
    openai_server.delta_delay = 0.005
    counter = iter(range(100))

    def reply(request: RecordedRequest, index: int) -> str:
        return f"answer {next(counter)}"

    openai_server.reply = reply  # type: ignore[assignment]
    result = run(
        "ad-copy", "--field", "product=Lamp", "--n", "3", "--base-url", openai_server.base_url
    )
    assert result.returncode == 0, result.stderr
    found = sections(result.stdout)
    assert [header for header, _ in found] == ["variant 1", "variant 2", "variant 3"]
    assert len({text.strip() for _, text in found}) == 3
    assert [r.body["n"] for r in openai_server.chat_requests] == [3, 1, 1, 1]


def test_compare_prints_each_profile_and_records_one_comparison(
    openai_server: FakeOpenAIServer, second_server: FakeOpenAIServer
) -> None:
    openai_server.reply = "From the first."
    second_server.reply = "From the second, slower."
    second_server.delta_delay = 0.01
    save_profiles(
        ("Fast", openai_server.base_url, "fast-model"),
        ("Slow", second_server.base_url, "slow-model"),
    )
    result = run("article", "--field", "topic=Tides", "--compare", "Fast,Slow")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert sections(result.stdout) == [
        ("Fast (fast-model)", "From the first.\n\n"),
        ("Slow (slow-model)", "From the second, slower.\n"),
    ]
    assert (
        openai_server.chat_requests[0].body["messages"]
        == (second_server.chat_requests[0].body["messages"])
    )
    store = HistoryStore()
    (record,) = store.list_records()
    assert record.answers == ["From the first.", "From the second, slower."]
    assert [(c["provider"], c["model"], c["status"]) for c in record.columns] == [
        ("Fast", "fast-model", "complete"),
        ("Slow", "slow-model", "complete"),
    ]
    assert record.status == "complete"
    assert all(c["total_tokens"] for c in record.columns)


def test_compare_is_repeatable_and_a_failure_is_one_line(
    openai_server: FakeOpenAIServer,
) -> None:
    openai_server.reply = "Still here."
    save_profiles(("Down", closed_port_url(), "gone"), ("Up", openai_server.base_url, "m"))
    result = run("article", "--field", "topic=Tides", "--compare", "Down", "--compare", "Up")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("assistant: Down: "), result.stderr
    assert "connection refused" in lines[0]
    assert sections(result.stdout) == [("Down (gone)", "\n"), ("Up (m)", "Still here.\n")]


def test_compare_exits_1_when_no_profile_answered() -> None:
    save_profiles(("A", closed_port_url(), "a"), ("B", closed_port_url(), "b"))
    result = run("article", "--field", "topic=Tides", "--compare", "A,B")
    assert result.returncode == 1
    assert [line.split(":")[1].strip() for line in result.stderr.splitlines()] == ["A", "B"]


def test_compare_two_models_of_one_profile_and_model_for_the_rest(
    openai_server: FakeOpenAIServer, second_server: FakeOpenAIServer
) -> None:
    openai_server.reply = lambda request, index: f"I am {request.body['model']}."  # type: ignore[assignment]
    second_server.reply = "Second server."
    save_profiles(("Local", openai_server.base_url, "small"), ("Other", second_server.base_url, ""))
    result = run("article", "--field", "topic=Tides", "--compare", "Local=big,Local=tiny:1b")
    assert result.returncode == 0, result.stderr
    assert sections(result.stdout) == [
        ("Local (big)", "I am big.\n\n"),
        ("Local (tiny:1b)", "I am tiny:1b.\n"),
    ]
    assert sorted(r.body["model"] for r in openai_server.chat_requests) == ["big", "tiny:1b"]
    result = run(
        "article", "--field", "topic=Tides", "--model", "shared", "--compare", "Local,Other"
    )
    assert result.returncode == 0, result.stderr
    assert [header for header, _ in sections(result.stdout)] == [
        "Local (shared)",
        "Other (shared)",
    ]
    assert openai_server.chat_requests[-1].body["model"] == "shared"
    assert [r.body["model"] for r in second_server.chat_requests] == ["shared"]


def test_compare_names_an_unknown_profile() -> None:
    save_profiles(("A", closed_port_url(), "a"))
    result = run("article", "--field", "topic=Tides", "--compare", "A,Nope")
    assert result.returncode == 2 and "'Nope'" in result.stderr


def test_help_documents_both(openai_server: FakeOpenAIServer) -> None:
    text = subprocess.run(
        [sys.executable, "-m", "assistant", "run", "--help"], capture_output=True, text=True
    ).stdout
    assert "--- variant K ---" in text and "--- PROFILE (MODEL) ---" in text
    assert "--compare" in text
