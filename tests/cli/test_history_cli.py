"""`assistant history ...` as a person runs it: a real process over a real database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli.columns import columns
from assistant.core.storage.history import HistoryStore, default_path
from assistant.core.work.runs import RunStatus

REPO = Path(__file__).resolve().parents[2]


def assistant(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m assistant`` with the test's ASSISTANT_HOME."""
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        cwd=REPO,
        env=os.environ | {"PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


@pytest.fixture
def ids() -> dict[str, int]:
    """Three records: an article, a starred code answer, an interrupted one (by a dead writer)."""
    store = HistoryStore()
    article = store.start("article", {"topic": "Lighthouses"}, [], "Built-in", "", "smol", {})
    store.finish(article, RunStatus.COMPLETE, answers=["Keepers trimmed the wicks nightly."])
    code = store.start("code", {"code": "def área(r): ..."}, [], "OpenAI", "", "gpt", {})
    store.finish(
        code, RunStatus.COMPLETE, answers=["```python\ndef area(r):\n    return 3.14 * r * r\n```"]
    )
    store.star(code)
    dead = store.start("article", {"topic": "Half done"}, [], "Built-in", "", "smol", {})
    store.update_answer(dead, ["The first half"])
    with store.database.connection() as connection:  # written by a process that is gone
        connection.execute("UPDATE records SET owner = 'elsewhere:1:gone' WHERE id = ?", (dead,))
    store.close()
    return {"article": article, "code": code, "dead": dead}


def test_list_newest_first_with_filters(ids: dict[str, int]) -> None:
    result = assistant("history", "list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [int(line.split()[0]) for line in lines] == [ids["dead"], ids["code"], ids["article"]]
    assert "interrupted" in lines[0] and "Half done" in lines[0]  # a dead stream is marked
    assert "* def área(r): ..." in lines[1]  # starred
    only_code = assistant("history", "list", "--mode", "code").stdout.splitlines()
    assert [int(line.split()[0]) for line in only_code] == [ids["code"]]
    assert len(assistant("history", "list", "--limit", "1").stdout.splitlines()) == 1
    starred = assistant("history", "list", "--starred").stdout.splitlines()
    assert [int(line.split()[0]) for line in starred] == [ids["code"]]


def test_search_finds_a_word_of_an_answer(ids: dict[str, int]) -> None:
    result = assistant("history", "search", "wicks")
    assert result.returncode == 0, result.stderr
    assert [int(line.split()[0]) for line in result.stdout.splitlines()] == [ids["article"]]
    assert assistant("history", "search", '"AND (').stdout == ""


def test_show_prints_the_record(ids: dict[str, int]) -> None:
    result = assistant("history", "show", str(ids["code"]))
    assert result.returncode == 0, result.stderr
    assert "Model: gpt" in result.stdout and "def área(r): ..." in result.stdout
    assert "return 3.14 * r * r" in result.stdout


def test_show_unknown_id_is_one_clear_error(ids: dict[str, int]) -> None:
    result = assistant("history", "show", "999")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "assistant: history: no record with id 999 (see: assistant history list)"
    ]


def test_export_html_to_a_file(ids: dict[str, int], tmp_path: Path) -> None:
    target = tmp_path / "export.html"
    result = assistant(
        "history",
        "export",
        str(ids["code"]),
        str(ids["article"]),
        "--format",
        "html",
        "-o",
        str(target),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    page = target.read_text(encoding="utf-8")
    assert page.count("<article>") == 2 and "<script" not in page
    assert '<span style="color: #008000; font-weight: bold">def</span>' in page
    assert page.index("<h1>def área") < page.index("<h1>Lighthouses")  # in the order asked for


def test_export_markdown_and_text_to_stdout(ids: dict[str, int]) -> None:
    markdown = assistant("history", "export", str(ids["article"]), "--format", "md")
    assert markdown.returncode == 0, markdown.stderr
    assert markdown.stdout.startswith("# Lighthouses\n")
    assert "Keepers trimmed the wicks nightly." in markdown.stdout
    text = assistant("history", "export", str(ids["dead"]), "--format", "txt")
    assert "Status: interrupted" in text.stdout and "The first half" in text.stdout


def test_export_errors(ids: dict[str, int], tmp_path: Path) -> None:
    missing = assistant("history", "export", str(ids["code"]), "424242", "--format", "md")
    assert missing.returncode == 1 and "no record with id 424242" in missing.stderr
    unwritable = assistant(
        "history", "export", str(ids["code"]), "-o", str(tmp_path / "no" / "such" / "dir.md")
    )
    assert unwritable.returncode == 1
    assert unwritable.stderr.startswith("assistant: history: cannot write ")
    bad_format = assistant("history", "export", str(ids["code"]), "--format", "pdf")
    assert bad_format.returncode == 2


def test_unusable_history_is_one_clear_error(app_home: Path) -> None:
    data = default_path().parent
    data.parent.mkdir(parents=True, exist_ok=True)
    data.write_text("a file where the data folder should be")
    result = assistant("history", "list")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("assistant: history: History is kept in memory only")


def test_list_keeps_its_columns_with_a_chinese_mode_id() -> None:
    store = HistoryStore()
    for mode in ("article", "翻译官"):
        record = store.start(mode, {"text": "x"}, [], "Built-in", "", "smol", {})
        store.finish(record, RunStatus.COMPLETE, answers=["y"])
    store.close()
    lines = assistant("history", "list").stdout.splitlines()
    assert len({columns(line[: line.index("complete")]) for line in lines}) == 1, lines
