"""`assistant follow-up`, `assistant chat`, `history show --version` and `record: ID`: real
processes against the loopback server, with a real history file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.core.config.settings import Settings
from assistant.core.providers.profiles import ProviderProfile
from assistant.core.storage.history import HistoryStore
from assistant.core.storage.threads import ThreadStore
from tests.fakeserver import FakeOpenAIServer, Fault

ODD = "Use {braces}, \\back\\slashes, $x %s and 🦦"


def assistant(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        env=dict(os.environ),
    )


def record_of(result: subprocess.CompletedProcess[str]) -> int:
    """The id on the last stderr line, ``record: ID``."""
    last = result.stderr.splitlines()[-1]
    assert last.startswith("record: "), result.stderr
    return int(last.removeprefix("record: "))


def first_run(server: FakeOpenAIServer, reply: str = "Otters hold hands.\n") -> int:
    server.reply = reply
    result = assistant(
        "run", "article", "--field", "topic=Otters", "--base-url", server.base_url, "--n", "1"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == reply
    assert result.stderr.splitlines() == [f"record: {record_of(result)}"]
    return record_of(result)


def sent_messages(server: FakeOpenAIServer) -> list[tuple[str, str]]:
    body = server.chat_requests[-1].body
    return [(m["role"], m["content"]) for m in body["messages"]]


def test_run_says_no_record_with_no_log(openai_server: FakeOpenAIServer) -> None:
    result = assistant(
        "run", "article", "--field", "topic=x", "--base-url", openai_server.base_url, "--no-log"
    )
    assert result.returncode == 0 and result.stderr == ""


def test_follow_up_streams_and_stores_the_next_version(
    openai_server: FakeOpenAIServer, app_home: Path
) -> None:
    record_id = first_run(openai_server)
    first = sent_messages(openai_server)
    openai_server.reply = "Otters: hands."
    result = assistant("follow-up", str(record_id), "make it shorter")  # the record's server
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Otters: hands.\n"
    assert record_of(result) == record_id
    assert sent_messages(openai_server) == [
        *first,
        ("assistant", "Otters hold hands.\n"),
        ("user", "make it shorter"),
    ]

    openai_server.reply = "Otters, Sir, hold hands."
    again = assistant("follow-up", str(record_id), ODD, "--base-url", openai_server.base_url)
    assert again.returncode == 0, again.stderr
    assert sent_messages(openai_server)[-3:] == [
        ("user", "make it shorter"),
        ("assistant", "Otters: hands."),
        ("user", ODD),
    ]
    store = HistoryStore(app_home / "data" / "history.sqlite3")
    thread = ThreadStore(store).thread(record_id)
    store.close()
    assert thread is not None and thread.current == 3
    assert [v.text for v in thread.versions] == [
        "Otters hold hands.\n",
        "Otters: hands.",
        "Otters, Sir, hold hands.",
    ]

    shown = assistant("history", "show", str(record_id))
    assert shown.returncode == 0, shown.stderr
    assert "Versions (current: 3 of 3):" in shown.stdout
    assert "    1  complete    the original request" in shown.stdout
    assert "    2  complete    follow-up: make it shorter" in shown.stdout
    assert "*   3  complete    follow-up: Use {braces}" in shown.stdout
    assert "Follow-ups" in shown.stdout and "Version 3 (chosen)" in shown.stdout
    page = assistant("history", "export", str(record_id), "--format", "html")
    assert "<h2>Follow-ups</h2>" in page.stdout
    assert '<pre class="instruction">make it shorter</pre>' in page.stdout
    assert "Chosen version: 3 of 3" in page.stdout
    one = assistant("history", "show", str(record_id), "--version", "2")
    assert (one.returncode, one.stdout) == (0, "Otters: hands.\n")
    missing = assistant("history", "show", str(record_id), "--version", "9")
    assert missing.returncode == 1 and missing.stdout == ""
    assert "has no version 9" in missing.stderr


def test_follow_up_on_an_earlier_version(openai_server: FakeOpenAIServer) -> None:
    record_id = first_run(openai_server)
    openai_server.reply = "Second."
    assert assistant("follow-up", str(record_id), "shorter").returncode == 0
    openai_server.reply = "Third."
    result = assistant("follow-up", str(record_id), "longer", "--version", "1")
    assert result.returncode == 0, result.stderr
    assert [content for _, content in sent_messages(openai_server)][-2:] == [
        "Otters hold hands.\n",
        "longer",
    ]


def test_follow_up_bad_arguments_exit_2(openai_server: FakeOpenAIServer) -> None:
    missing = assistant("follow-up", "424242", "shorter", "--base-url", openai_server.base_url)
    assert missing.returncode == 2 and "no record with id 424242" in missing.stderr
    record_id = first_run(openai_server)
    blank = assistant("follow-up", str(record_id), "   ")
    assert blank.returncode == 2 and blank.stderr.count("\n") == 1
    version = assistant("follow-up", str(record_id), "x", "--version", "7")
    assert version.returncode == 2 and "Version 7" in version.stderr
    assert len(openai_server.chat_requests) == 1  # nothing was sent


@pytest.mark.parametrize(
    ("setup", "code", "words"),
    [
        (lambda s: setattr(s, "fault", Fault.unauthorized()), 1, "401"),
        (lambda s: setattr(s, "finish_reason", None), 1, "cut short"),
        (lambda s: setattr(s, "finish_reason", "content_filter"), 4, "filter"),
    ],
    ids=["401", "cut-short", "filtered"],
)
def test_follow_up_exits_like_run(
    openai_server: FakeOpenAIServer, setup: object, code: int, words: str
) -> None:
    record_id = first_run(openai_server)
    openai_server.reply = "Partial answer"
    setup(openai_server)  # type: ignore[operator]
    result = assistant("follow-up", str(record_id), "shorter")
    assert result.returncode == code, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("assistant: ") and words in lines[0].lower() + lines[0]
    assert lines[1:] == ([f"record: {record_id}"] if code == 4 else [])


def test_chat_starts_and_continues_a_thread(openai_server: FakeOpenAIServer) -> None:
    openai_server.reply = "Hello! 🦦"
    result = assistant(
        "chat", "--system", "Be {brief} \\o/", "--base-url", openai_server.base_url, stdin=ODD
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Hello! 🦦\n"
    assert sent_messages(openai_server) == [("system", "Be {brief} \\o/"), ("user", ODD)]
    record_id = record_of(result)

    openai_server.reply = "Fine."
    more = assistant("chat", "--thread", str(record_id), stdin="And you?")
    assert more.returncode == 0, more.stderr
    assert record_of(more) == record_id
    assert sent_messages(openai_server) == [
        ("system", "Be {brief} \\o/"),
        ("user", ODD),
        ("assistant", "Hello! 🦦"),
        ("user", "And you?"),
    ]
    shown = assistant("history", "show", str(record_id), "--version", "2")
    assert shown.stdout == "Fine.\n"


def test_chat_without_system_uses_the_modes_prompt(openai_server: FakeOpenAIServer) -> None:
    result = assistant("chat", "--base-url", openai_server.base_url, "--no-log", stdin="Hi")
    assert result.returncode == 0 and result.stderr == ""
    (system, text), user = sent_messages(openai_server)
    assert system == "system" and "helpful" in text and user == ("user", "Hi")


def test_chat_bad_input_exits_2(openai_server: FakeOpenAIServer) -> None:
    empty = assistant("chat", "--base-url", openai_server.base_url, stdin="  \n")
    assert empty.returncode == 2 and "stdin" in empty.stderr
    both = assistant("chat", "--thread", "1", "--system", "x", stdin="hi")
    assert both.returncode == 2 and "--system" in both.stderr
    assert openai_server.chat_requests == []


def test_a_thread_too_long_for_the_window_is_refused_before_sending(
    openai_server: FakeOpenAIServer,
) -> None:
    settings = Settings()
    settings.upsert_profile(
        ProviderProfile(
            "Small", "compatible", openai_server.base_url, "fake-model", context_window=400
        )
    )
    settings.active_profile = "Small"
    assert settings.save() is None
    openai_server.reply = " ".join(f"w{i}" for i in range(300))
    result = assistant("chat", "--max-tokens", "50", stdin="hi")
    assert result.returncode == 0, result.stderr
    record_id = record_of(result)
    over = assistant("chat", "--thread", str(record_id), "--max-tokens", "50", stdin="more")
    assert over.returncode == 2
    assert "Drop or summarise the oldest turns" in over.stderr and "--force" in over.stderr
    assert len(openai_server.chat_requests) == 1
    forced = assistant("chat", "--thread", str(record_id), "--force", stdin="more")
    assert forced.returncode == 0 and len(openai_server.chat_requests) == 2
    assert json.dumps(openai_server.chat_requests[-1].body["messages"][-1]) == json.dumps(
        {"role": "user", "content": "more"}
    )


def test_follow_up_with_no_log_stores_nothing(
    openai_server: FakeOpenAIServer, app_home: Path
) -> None:
    record_id = first_run(openai_server)
    openai_server.reply = "Not kept."
    result = assistant("follow-up", str(record_id), "shorter", "--no-log")
    assert (result.returncode, result.stdout, result.stderr) == (0, "Not kept.\n", "")
    store = HistoryStore(app_home / "data" / "history.sqlite3")
    thread = ThreadStore(store).thread(record_id)
    store.close()
    assert thread is not None and len(thread.versions) == 1


def test_chat_sends_nul_and_control_characters_unchanged(openai_server: FakeOpenAIServer) -> None:
    message = "a\x00b {x} \\n \x07 🦦"
    result = assistant("chat", "--base-url", openai_server.base_url, stdin=message)
    assert result.returncode == 0, result.stderr
    assert sent_messages(openai_server)[-1] == ("user", message)


def test_a_failed_run_has_no_answer_to_follow_up_on(openai_server: FakeOpenAIServer) -> None:
    openai_server.fault = Fault.unauthorized()
    failed = assistant(
        "run", "article", "--field", "topic=Otters", "--base-url", openai_server.base_url
    )
    assert failed.returncode == 1
    listed = assistant("history", "list").stdout.split()
    record_id = listed[0]
    openai_server.fault = None
    result = assistant("follow-up", record_id, "shorter", "--base-url", openai_server.base_url)
    assert result.returncode == 2
    assert f"version 1 of record {record_id} has no answer to follow up on (failed)" in (
        result.stderr
    )
    assert len(openai_server.chat_requests) == 1  # only the failed run reached the server
    shown = assistant("history", "show", record_id, "--version", "1")
    assert shown.returncode == 1 and shown.stdout == ""
    assert f"version 1 of record {record_id} has no text (failed: " in shown.stderr


def test_chat_on_a_thread_whose_last_reply_failed_exits_2(
    openai_server: FakeOpenAIServer,
) -> None:
    openai_server.fault = Fault.server_error(500)
    failed = assistant("chat", "--base-url", openai_server.base_url, stdin="Hello")
    assert failed.returncode != 0
    record_id = assistant("history", "list").stdout.split()[0]
    openai_server.fault = None
    sent = len(openai_server.chat_requests)  # the failed one (and its retries)
    result = assistant(
        "chat", "--thread", record_id, "--base-url", openai_server.base_url, stdin="And now?"
    )
    assert result.returncode == 2
    assert f"version 1 of record {record_id} has no answer to follow up on (failed)" in (
        result.stderr
    )
    assert "new chat" in result.stderr
    assert len(openai_server.chat_requests) == sent  # no [system, user, assistant "", user]
    helped = assistant("chat", "--help")
    assert "last reply failed" in " ".join(helped.stdout.split())


@pytest.mark.parametrize("command", ["follow-up", "chat"])
def test_force_is_described_without_apply_where_there_is_no_apply(command: str) -> None:
    helped = " ".join(assistant(command, "--help").stdout.split())
    assert "--force send even when the prompt looks longer than the model's context window" in (
        helped
    )
    assert "context window; with --apply" not in helped  # run's --force also concerns --apply
