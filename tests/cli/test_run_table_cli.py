"""`assistant run sentiment|classify --format csv|jsonl`: real processes, loopback server."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from tests.fakeserver import FakeOpenAIServer

TEXTS = "The soup was great\nWaited an hour, cold food\n"
ROWS = (
    '```json\n{"text": "The soup was great", "label": "positive", "confidence": 0.9, '
    '"reason": "Praise, \\"great\\"."}\n'
    '{"text": "Waited an hour, cold food", "label": "negative", "confidence": 0.85, '
    '"reason": "Slow, cold."}\n```\n'
)


def assistant(server: FakeOpenAIServer, *args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "run", *args, "--base-url", server.base_url],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        env=dict(os.environ),
    )
    lines = result.stderr.splitlines(keepends=True)
    if result.returncode in (0, 4):  # an answer that ended names its record last (issue 10)
        assert lines and lines[-1].startswith("record: "), result.stderr
        result.stderr = "".join(lines[:-1])
    return result


def test_csv(openai_server: FakeOpenAIServer) -> None:
    openai_server.reply = ROWS
    result = assistant(openai_server, "sentiment", "--format", "csv", stdin=TEXTS)
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
    assert rows == [
        ["text", "label", "confidence", "reason"],
        ["The soup was great", "positive", "0.9", 'Praise, "great".'],
        ["Waited an hour, cold food", "negative", "0.85", "Slow, cold."],
    ]
    assert result.stderr == ""
    prompt = openai_server.chat_requests[-1].body["messages"]
    assert TEXTS.rstrip("\n") in prompt[-1]["content"] and "JSON Lines" in prompt[0]["content"]


def test_jsonl_fills_texts_by_number_and_reports_the_rest(openai_server: FakeOpenAIServer) -> None:
    openai_server.reply = (
        'Sure! Here you go:\n{"n": 2, "labels": ["bug", "billing"], "reason": "r"}\n'
        '{"n": 1, "labels": "praise", "reas'
    )
    result = assistant(
        openai_server,
        "classify",
        "--field",
        "labels=bug, billing, praise",
        "--field",
        "multi_label=yes",
        "--format",
        "jsonl",
        stdin="Love it\nCharged twice, app crashes\n",
    )
    assert result.returncode == 1  # the answer ended inside a row
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines == [{"text": "Charged twice, app crashes", "label": "bug, billing", "reason": "r"}]
    assert "Sure! Here you go:" in result.stderr and '"reas' in result.stderr
    assert "1 of the 2 texts got no row" in result.stderr


def test_an_answer_with_no_rows_is_shown_not_dropped(openai_server: FakeOpenAIServer) -> None:
    openai_server.reply = "I cannot judge these texts."
    result = assistant(openai_server, "sentiment", "--format", "csv", stdin=TEXTS)
    assert result.returncode == 1 and result.stdout == ""
    assert "I cannot judge these texts." in result.stderr


def test_without_format_the_answer_streams_as_usual(openai_server: FakeOpenAIServer) -> None:
    openai_server.reply = ROWS
    result = assistant(openai_server, "sentiment", stdin=TEXTS)
    assert result.returncode == 0 and result.stdout == ROWS


@pytest.mark.parametrize("args", [("article", "--field", "topic=x"), ("code-fix", "--diff")])
def test_format_is_for_table_modes_only(
    openai_server: FakeOpenAIServer, args: tuple[str, ...]
) -> None:
    result = assistant(openai_server, *args, "--format", "csv", stdin="x\n")
    assert result.returncode == 2 and "--format" in result.stderr
    assert openai_server.chat_requests == []


def test_format_takes_one_answer(openai_server: FakeOpenAIServer) -> None:
    result = assistant(openai_server, "sentiment", "--format", "csv", "--n", "2", stdin="x\n")
    assert result.returncode == 2 and "leave out --n" in result.stderr
    assert openai_server.chat_requests == []
