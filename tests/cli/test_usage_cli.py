"""`assistant usage` as a person runs it: a real process over a real history database."""

from __future__ import annotations

import csv
import io
import unicodedata

import pytest

from assistant.core.storage.history import HistoryStore
from tests.cli.test_history_cli import assistant
from tests.core.storage.test_usage import add_run


@pytest.fixture(autouse=True)
def runs() -> None:
    store = HistoryStore()
    add_run(store, "2026-11-02 09:00", "DeepSeek", "deepseek-flash", (1000, 600, 200), (0.5, "CNY"))
    add_run(store, "2026-11-02 23:30", "OpenAI", "gpt-5.4-mini", (100, 0, 50), (0.25, "USD"))
    add_run(store, "2026-11-20 08:00", "Qwen", "qwen-plus", (40, 0, 60), None)
    store.close()


def test_usage_per_day_as_a_table() -> None:
    done = assistant("usage")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:2] == ["Day", "Runs"]
    day = next(line for line in lines if line.startswith("2026-11-02"))
    assert "¥0.50 + $0.25" in day and "1,100" in day and "600" in day
    assert "unknown" in next(line for line in lines if line.startswith("2026-11-20"))
    assert lines[-1].startswith("Total") and "1 run(s) unknown" in lines[-1]


def test_usage_by_model_and_provider() -> None:
    by_model = assistant("usage", "--by", "model")
    assert by_model.returncode == 0, by_model.stderr
    assert "deepseek-flash · DeepSeek" in by_model.stdout
    by_provider = assistant("usage", "--by", "provider")
    assert by_provider.returncode == 0, by_provider.stderr
    assert any(line.startswith("OpenAI") for line in by_provider.stdout.splitlines())


def test_usage_since_and_csv() -> None:
    done = assistant("usage", "--since", "2026-11-10", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [(row["day"], row["runs"], row["cost"]) for row in rows] == [("2026-11-20", "1", "")]
    everything = assistant("usage", "--by", "provider", "--format", "csv")
    costs = {row["provider"]: row["cost"] for row in csv.DictReader(io.StringIO(everything.stdout))}
    assert costs == {"DeepSeek": "0.5", "OpenAI": "0.25", "Qwen": ""}


def test_a_bad_date_is_refused() -> None:
    done = assistant("usage", "--since", "last tuesday")
    assert done.returncode == 2
    assert "YYYY-MM-DD" in done.stderr


def test_no_runs_since_a_date_says_so_rather_than_none_at_all() -> None:
    done = assistant("usage", "--since", "2027-01-01")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "No runs since 2027-01-01.\n"


def test_the_columns_line_up_with_chinese_names() -> None:
    store = HistoryStore()
    add_run(store, "2026-11-21 08:00", "通义千问", "qwen-plus", (40, 0, 60), None)
    store.close()
    done = assistant("usage", "--by", "provider")
    assert done.returncode == 0, done.stderr
    widths = {
        sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)
        for line in done.stdout.splitlines()
    }
    assert len(widths) == 1, done.stdout  # every line ends in the right-aligned cost column
