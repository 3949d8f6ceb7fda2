"""`assistant batch` as a real process against the loopback server: exit codes, malformed rows,
and a job killed with SIGKILL mid-run then resumed by the same command."""

from __future__ import annotations

import codecs
import collections
import csv
import json
import os
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from assistant.cli.main import main as cli_main
from assistant.core.config.settings import Settings
from assistant.core.providers.prices import format_money
from tests.fakeserver import FakeOpenAIServer, RecordedRequest, _usage


def batch_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "assistant", "batch", *args]


def assistant_batch(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        batch_command(*args), capture_output=True, text=True, timeout=timeout, env=dict(os.environ)
    )


def product_of(request: RecordedRequest) -> str:
    text = request.body["messages"][-1]["content"]
    return next(word for word in text.split() if word.startswith("product-"))


def reached_model(server: FakeOpenAIServer) -> list[RecordedRequest]:
    """The chat requests whose whole body arrived (a killed client may send part of one)."""
    return [r for r in server.chat_requests if r.complete]


def products(path: Path, count: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "product"])
        for i in range(1, count + 1):
            writer.writerow([i, f"product-{i:03d}"])
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as data:
        return list(csv.DictReader(data))


def test_every_row_answered_exit_0_jsonl_output(
    openai_server: FakeOpenAIServer, tmp_path: Path, app_home: Path
) -> None:
    (app_home / "config").mkdir(parents=True, exist_ok=True)
    (app_home / "config" / "prices.toml").write_text(
        f'[[price]]\nprovider = "{openai_server.base_url}"\nmodel = "*"\n'
        'input = 1000.0\ncached_input = 100.0\noutput = 2000.0\ncurrency = "USD"\n'
    )
    openai_server.reply = lambda request, index: f"Copy for {product_of(request)}"
    source = products(tmp_path / "in.csv", 6)
    output = tmp_path / "out.jsonl"
    args = ["ad-copy", "--input", str(source), "--output", str(output)]
    args += ["--field", "channel=email subject", "--base-url", openai_server.base_url]
    result = assistant_batch(*args, "--concurrency", "3")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert sorted(line["id"] for line in lines) == [str(i) for i in range(1, 7)]
    assert all(line["answer"] == f"Copy for {line['product']}" for line in lines)
    assert all(line["status"] == "done" and line["error"] == "" for line in lines)
    assert all(isinstance(line["tokens"], int) and line["tokens"] > 0 for line in lines)
    assert list(lines[0]) == ["id", "product", "answer", "status", "tokens", "error"]
    prompts = [r.body["messages"][-1]["content"] for r in openai_server.chat_requests]
    assert all("Channel: email subject" in prompt for prompt in prompts)
    assert "done 6, failed 0" in result.stderr and "tokens" in result.stderr
    usages = [
        _usage(r.body, [f"Copy for {product_of(r)}"], openai_server.delta_size)
        for r in openai_server.chat_requests
    ]
    prompt = sum(u["prompt_tokens"] for u in usages)
    completion = sum(u["completion_tokens"] for u in usages)
    cost = format_money(Decimal(prompt * 1000 + completion * 2000) / 1_000_000, "USD")
    assert f"tokens {prompt + completion}; cost {cost}; time" in result.stderr
    again = assistant_batch(*args)
    assert again.returncode == 0, again.stderr
    assert len(openai_server.chat_requests) == 6  # nothing sent twice
    assert len(output.read_text(encoding="utf-8").splitlines()) == 6


def test_malformed_rows_are_reported_with_their_line_and_the_others_run(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    openai_server.reply = lambda request, index: f"Copy for {product_of(request)}"
    source = tmp_path / "in.csv"
    source.write_bytes(
        b"id;product\n1;product-001\n2;product-002;oops\n3;product-\xe9\n4;product-004\n"
    )
    output = tmp_path / "out.csv"
    result = assistant_batch(
        "ad-copy", "--input", str(source), "--output", str(output), "--base-url",
        openai_server.base_url,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "line 3: 3 values, but the header has 2 columns" in result.stderr
    assert "line 4: bytes that are not UTF-8" in result.stderr
    rows = {row["id"]: row for row in read_csv(output)}
    assert rows["1"]["status"] == rows["4"]["status"] == "done"
    assert rows["2"]["status"] == rows["3"]["status"] == "failed"
    assert rows["2"]["error"].startswith("line 3:")
    assert sorted(product_of(r) for r in openai_server.chat_requests) == [
        "product-001",
        "product-004",
    ]


def test_an_output_of_another_job_is_refused(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    output = tmp_path / "out.csv"
    output.write_text("someone's file\n")
    source = products(tmp_path / "in.csv", 2)
    result = assistant_batch(
        "ad-copy", "-i", str(source), "-o", str(output), "--base-url", openai_server.base_url
    )
    assert result.returncode == 2
    assert "already exists" in result.stderr
    assert output.read_text() == "someone's file\n"


def test_killed_mid_job_and_resumed_sends_only_rows_in_flight_again(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    rows, concurrency = 40, 4
    openai_server.reply = lambda request, index: f"Copy for {product_of(request)}, " * 5
    openai_server.delta_size = 8
    openai_server.delta_delay = 0.01  # each answer takes a while: rows are in flight at the kill
    source = products(tmp_path / "in.csv", rows)
    output = tmp_path / "out.csv"
    args = ["ad-copy", "-i", str(source), "-o", str(output), "--base-url", openai_server.base_url]
    args += ["--concurrency", str(concurrency)]
    process = subprocess.Popen(
        batch_command(*args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        assert openai_server.wait_for_requests(15, timeout=60)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    # a request killed before its whole body arrived never reached the model: not counted as sent
    before = collections.Counter(product_of(r) for r in reached_model(openai_server))
    with output.open("ab") as torn:  # as if the kill had cut a line in half
        torn.write(b'99,product-099,"half an ans')
    result = assistant_batch(*args)
    assert result.returncode == 0, result.stderr
    assert "going on with the job" in result.stderr

    sent = collections.Counter(product_of(r) for r in reached_model(openai_server))
    cut_off = [r for r in openai_server.chat_requests if not r.complete]
    assert len(cut_off) <= concurrency  # only requests in flight at the kill can be cut off
    assert set(sent) == {f"product-{i:03d}" for i in range(1, rows + 1)}
    twice = [name for name, count in sent.items() if count > 1]
    assert all(count <= 2 for count in sent.values())
    assert set(twice) <= set(before)  # only rows already sent before the kill
    assert len(twice) <= concurrency  # at most the rows that were in flight
    written = read_csv(output)
    ids = [row["id"] for row in written]
    assert sorted(ids, key=int) == [str(i) for i in range(1, rows + 1)]  # unique and complete
    assert all(row["status"] == "done" for row in written)
    assert all(row["answer"] == f"Copy for {row['product']}, " * 5 for row in written)
    assert output.read_bytes().endswith(b"\r\n")
    assert output.read_bytes().startswith(codecs.BOM_UTF8)  # for Excel, written at creation…
    assert output.read_bytes().count(codecs.BOM_UTF8) == 1  # …and not again when resumed


def test_via_batch_api_created_polled_completed_with_one_failed_line_merged(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    from tests.fakebatch import FakeBatchApi

    batch_api = FakeBatchApi(openai_server)
    batch_api.fail_custom_ids = {"row-3"}
    batch_api.polls_to_finish = 3
    openai_server.reply = lambda request, index: f"Copy for {product_of(request)}"
    source = products(tmp_path / "in.csv", 5)
    output = tmp_path / "out.csv"
    args = ["ad-copy", "--input", str(source), "--output", str(output)]
    args += ["--base-url", openai_server.base_url, "--via", "batch-api", "--poll-interval", "0.2"]
    result = assistant_batch(*args)
    assert result.returncode == 1, result.stderr  # one row failed
    assert not openai_server.chat_requests  # nothing went through the chat endpoint
    (batch,) = batch_api.batches.values()
    assert batch.polls == 3
    assert [line["custom_id"] for line in batch.lines] == [f"row-{i}" for i in range(1, 6)]
    assert batch.lines[0]["url"] == "/v1/chat/completions"
    assert "product-001" in batch.lines[0]["body"]["messages"][-1]["content"]
    assert f"batch {batch.id} created with 5 requests" in result.stderr
    assert f"batch {batch.id}: in_progress" in result.stderr
    rows = {row["id"]: row for row in read_csv(output)}
    assert sorted(rows, key=int) == ["1", "2", "3", "4", "5"]
    assert rows["3"]["status"] == "failed" and "This line was refused." in rows["3"]["error"]
    for key in ("1", "2", "4", "5"):
        assert rows[key]["status"] == "done"
        assert rows[key]["answer"] == f"Copy for product-00{key}"
        assert rows[key]["tokens"] == "15"
    assert "done 4, failed 1" in result.stderr
    again = assistant_batch(*args)  # finished: nothing is created or polled again
    assert len(batch_api.batches) == 1 and batch.polls == 3
    assert len(read_csv(output)) == 5
    assert again.returncode == 1


def test_via_batch_api_resumes_polling_the_same_batch(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    from tests.fakebatch import FakeBatchApi

    batch_api = FakeBatchApi(openai_server)
    batch_api.polls_to_finish = 1000  # never ends during the first run
    openai_server.reply = lambda request, index: f"Copy for {product_of(request)}"
    source = products(tmp_path / "in.csv", 3)
    output = tmp_path / "out.jsonl"
    args = ["ad-copy", "-i", str(source), "-o", str(output), "--base-url", openai_server.base_url]
    args += ["--via", "batch-api", "--poll-interval", "0.2"]
    process = subprocess.Popen(
        batch_command(*args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        assert openai_server.wait_for_requests(4, timeout=60)  # upload, create, two polls
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    (batch,) = batch_api.batches.values()
    batch_api.polls_to_finish = batch.polls + 1
    result = assistant_batch(*args)
    assert result.returncode == 0, result.stderr
    assert len(batch_api.batches) == 1  # the same batch, polled again: not paid twice
    lines = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert sorted(line["id"] for line in lines) == ["1", "2", "3"]


def test_more_rows_later_and_on_another_server(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    openai_server.reply = lambda request, index: f"Copy for {product_of(request)}"
    source = products(tmp_path / "in.csv", 5)
    output = tmp_path / "out.csv"
    first = assistant_batch(
        "ad-copy", "-i", str(source), "-o", str(output), "--base-url", openai_server.base_url,
        "--max-rows", "2",
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert len(read_csv(output)) == 2
    with FakeOpenAIServer() as moved:  # the server came back on another port
        moved.reply = openai_server.reply
        second = assistant_batch(
            "ad-copy", "-i", str(source), "-o", str(output), "--base-url", moved.base_url
        )
        assert second.returncode == 0, second.stderr
        assert "earlier rows went to" in second.stderr
        assert sorted(product_of(r) for r in moved.chat_requests) == [
            "product-003",
            "product-004",
            "product-005",
        ]
    assert sorted(row["id"] for row in read_csv(output)) == ["1", "2", "3", "4", "5"]


def test_via_batch_api_on_a_server_without_it_says_so(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    source = products(tmp_path / "in.csv", 2)
    output = tmp_path / "out.csv"
    result = assistant_batch(
        "ad-copy", "-i", str(source), "-o", str(output), "--base-url", openai_server.base_url,
        "--via", "batch-api",
    )  # fmt: skip
    assert result.returncode == 1
    assert "offers no Batch API (HTTP 404" in result.stderr
    assert "Run without --via batch-api" in result.stderr
    assert not openai_server.chat_requests


@pytest.mark.parametrize("via", ["direct", "batch-api"])
def test_local_only_refuses_a_remote_server_before_any_socket(
    via: str,
    openai_server: FakeOpenAIServer,
    no_keyring: Any,
    no_remote_sockets: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = Settings()
    settings.local_only = True
    assert settings.save() is None
    source = products(tmp_path / "in.csv", 2)
    output = tmp_path / "out.csv"
    code = cli_main(
        ["batch", "ad-copy", "-i", str(source), "-o", str(output), "--via", via,
         "--base-url", "https://llm.example.com/v1"]
    )  # fmt: skip
    assert code == 1
    assert "Local only is on" in capsys.readouterr().err
    assert not read_csv(output)  # the header only: nothing was answered


def test_a_required_field_without_a_column_or_value_is_a_usage_error(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    source = tmp_path / "in.csv"
    source.write_text("name,audience\nMug,coders\n")
    result = assistant_batch(
        "ad-copy", "-i", str(source), "-o", str(tmp_path / "out.csv"), "--base-url",
        openai_server.base_url,
    )  # fmt: skip
    assert result.returncode == 2
    assert "field product is required" in result.stderr and "--field product=VALUE" in result.stderr
    assert not (tmp_path / "out.csv").exists() and not openai_server.requests
    renamed = assistant_batch(
        "ad-copy", "-i", str(source), "-o", str(tmp_path / "out.csv"), "--base-url",
        openai_server.base_url, "--field", "product=Mug", "--field", "nope=1",
    )  # fmt: skip
    assert renamed.returncode == 2 and "has no field 'nope'" in renamed.stderr


@pytest.mark.parametrize(
    "option", [["--max-tokens", "0"], ["--max-tokens", "-5"], ["--temperature", "9"]]
)
def test_an_out_of_range_parameter_is_a_usage_error_as_in_run(
    option: list[str], openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    source = products(tmp_path / "in.csv", 2)
    output = tmp_path / "out.csv"
    result = assistant_batch(
        "ad-copy", "-i", str(source), "-o", str(output), "--base-url", openai_server.base_url,
        *option,
    )  # fmt: skip
    assert result.returncode == 2
    assert f"argument {option[0]}: {option[1]} is out of range" in result.stderr
    assert not output.exists() and not openai_server.requests
