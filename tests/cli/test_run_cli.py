"""`assistant modes` and `assistant run` end to end: a real process against the loopback server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.core.prompts.modes import BUILTIN_ORDER
from tests.fakeserver import FakeOpenAIServer, Fault

MODES = list(BUILTIN_ORDER)


def assistant(
    *args: str, stdin: str | bytes = b"", env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[bytes]:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        input=data,
        capture_output=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def test_modes_lists_the_ids() -> None:
    result = assistant("modes")
    assert result.returncode == 0
    assert result.stdout.decode().split() == MODES


def test_run_streams_the_answer(openai_server: FakeOpenAIServer) -> None:
    openai_server.reply = "Rust {borrows} $safely 🦀\n"
    result = assistant(
        "run",
        "article",
        "--field",
        "topic=Rust for C programmers",
        "--field",
        "outline=yes",
        "--base-url",
        openai_server.base_url,
        "--model",
        "fake-model",
        "--temperature",
        "0.4",
        "--max-tokens",
        "99",
        "--top-p",
        "0.9",
        "--stop",
        "END",
        stdin="notes: {{ not a template }} %s",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == openai_server.reply
    body = openai_server.requests[-1].body
    assert body["model"] == "fake-model"
    assert body["temperature"] == 0.4 and body["max_tokens"] == 99 and body["top_p"] == 0.9
    assert body["stop"] == ["END"]
    prompt = "\n".join(m["content"] for m in body["messages"])
    assert "Rust for C programmers" in prompt
    assert "notes: {{ not a template }} %s" in prompt


def test_code_from_stdin_arrives_byte_for_byte(openai_server: FakeOpenAIServer) -> None:
    code = 'printf("%s {x} ${y} \\\\ é 🙂");\nfmt := `{{.Name}}`\n'
    result = assistant(
        "run",
        "code-explain",
        "--field",
        "language=go",
        "--base-url",
        openai_server.base_url,
        stdin=code,
    )
    assert result.returncode == 0, result.stderr
    prompt = "\n".join(m["content"] for m in openai_server.requests[-1].body["messages"])
    assert code.rstrip("\n") in prompt


def test_failure_is_one_clear_line_and_non_zero(openai_server: FakeOpenAIServer) -> None:
    openai_server.fault = Fault.unauthorized()
    result = assistant("run", "article", "--field", "topic=x", "--base-url", openai_server.base_url)
    assert result.returncode != 0
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("assistant: ")
    assert "401" in lines[0] or "key" in lines[0].lower()


def test_key_from_environment_is_sent(openai_server: FakeOpenAIServer) -> None:
    openai_server.api_key = "sk-test-env-key"
    result = assistant(
        "run",
        "article",
        "--field",
        "topic=x",
        "--base-url",
        openai_server.base_url,
        env={"OPENAI_API_KEY": "sk-test-env-key"},
    )
    assert result.returncode == 0, result.stderr
    assert openai_server.requests[-1].authorization == "Bearer sk-test-env-key"


def test_server_without_key_needs_none(openai_server: FakeOpenAIServer) -> None:
    result = assistant("run", "article", "--field", "topic=x", "--base-url", openai_server.base_url)
    assert result.returncode == 0, result.stderr
    auth = openai_server.requests[-1].authorization or ""
    assert "sk-" not in auth


def test_variants_are_all_printed(openai_server: FakeOpenAIServer) -> None:
    openai_server.reply = lambda request, index: f"copy {index}"  # type: ignore[assignment]
    result = assistant(
        "run",
        "ad-copy",
        "--field",
        "product=Lamp",
        "--n",
        "2",
        "--base-url",
        openai_server.base_url,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    # Issue 13: each variant comes after a header line '--- variant K ---', the first too.
    assert out.startswith("--- variant 1 ---\ncopy 0") and "--- variant 2 ---\ncopy 1" in out


def test_bad_usage_is_explained(openai_server: FakeOpenAIServer) -> None:
    unknown = assistant("run", "poetry", "--base-url", openai_server.base_url)
    assert unknown.returncode == 2 and b"unknown mode" in unknown.stderr
    missing = assistant("run", "article", "--base-url", openai_server.base_url)
    assert missing.returncode == 2 and b"Topic" in missing.stderr
    field = assistant("run", "article", "--field", "nope=1", "--base-url", openai_server.base_url)
    assert field.returncode == 2 and b"nope" in field.stderr
    assert not [r for r in openai_server.requests if r.path.endswith("/chat/completions")]


def test_runs_are_recorded_unless_no_log(openai_server: FakeOpenAIServer, app_home: Path) -> None:
    openai_server.reply = "Logged answer about otters."
    url = openai_server.base_url
    assert assistant("run", "article", "--field", "topic=otters", "--base-url", url).returncode == 0
    assert (
        assistant(
            "run", "article", "--field", "topic=beavers", "--base-url", url, "--no-log"
        ).returncode
        == 0
    )
    listing = assistant("history", "search", "otters")
    assert listing.returncode == 0, listing.stderr
    assert b"otters" in listing.stdout
    assert b"beavers" not in assistant("history", "list").stdout


def test_a_missing_required_field_says_how_to_give_it() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "run", "article", "--dry-run"],
        input=b"some notes",
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Topic is required" in result.stderr.decode()
    assert "--field NAME=VALUE sets topic," in result.stderr.decode()
    assert "stdin is the notes field" in result.stderr.decode()


@pytest.mark.parametrize(
    "option",
    [
        ["--n", "0"],
        ["--max-tokens", "0"],
        ["--max-tokens", "-5"],
        ["--temperature", "9"],
        ["--top-p", "2"],
        ["--repetition", "99"],
    ],
)
def test_an_out_of_range_parameter_is_a_usage_error(option: list[str]) -> None:
    result = assistant("run", "code-explain", *option, "--dry-run", stdin="x = 1\n")
    assert result.returncode == 2
    assert f"argument {option[0]}: {option[1]} is out of range" in result.stderr.decode()
    if option[0] != "--n":  # follow-up and chat share the provider options
        again = assistant("follow-up", "1", "shorter", *option)
        assert again.returncode == 2 and "out of range" in again.stderr.decode()
