"""Every mode of issue 11 through `assistant run` against the loopback server: the main text comes
from stdin byte for byte, the other fields from --field with the issue's names."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.fakeserver import FakeOpenAIServer

STDIN = "line one {{ x }} $y %s \\ é 世界\nline two\n"
FIELDS = {
    "code-fix": ["error=ZeroDivisionError", "expected=returns 0", "language=python"],
    "code-optimize": ["goal=speed", "language=python"],
    "code-generate": ["language=go", "constraints=no dependencies"],
    "code-tests": ["framework=pytest", "language=python"],
    "summarize": ["length=medium", "style=TL;DR", "answer_language=English"],
    "translate": ["source=English", "target=简体中文"],
    "rewrite": ["tone=formal", "length=shorter", "audience=customers"],
    "sentiment": ["scale=1-5 stars"],
    "classify": ["labels=bug, billing", "multi_label=yes"],
    "reply": ["policy=Refunds within 30 days", "tone=empathetic", "answer_language=Deutsch"],
    "script": ["topic=Green tea", "platform=podcast", "minutes=3"],
}


@pytest.mark.parametrize("mode_id", sorted(FIELDS))
def test_run_sends_stdin_and_fields(openai_server: FakeOpenAIServer, mode_id: str) -> None:
    openai_server.reply = "ok"
    args = [item for pair in FIELDS[mode_id] for item in ("--field", pair)]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant",
            "run",
            mode_id,
            *args,
            "--base-url",
            openai_server.base_url,
        ],
        input=STDIN.encode(),
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode() == "ok\n"
    prompt = "\n".join(m["content"] for m in openai_server.chat_requests[-1].body["messages"])
    assert STDIN.rstrip("\n") in prompt
    for pair in FIELDS[mode_id]:
        value = pair.partition("=")[2]
        if value not in ("yes", "python", "go", "3", "1-5 stars"):  # rendered in words
            assert value in prompt, pair
