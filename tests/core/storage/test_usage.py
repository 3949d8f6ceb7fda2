"""Usage per day, week, month, provider and model from a real history database."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from assistant.core.storage.history import HistoryStore
from assistant.core.storage.usage import cost_text, usage_csv, usage_report
from assistant.core.work.status import RunStatus


def local(text: str) -> float:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").astimezone().timestamp()


def add_run(
    store: HistoryStore,
    when: str,
    provider: str,
    model: str,
    tokens: tuple[int, int, int] | None,
    cost: tuple[float, str] | None,
) -> int:
    record_id = store.start("article", {"topic": when}, [], provider, "", model, {})
    usage: dict[str, int | float | str | None] | None = None
    if tokens is not None:
        prompt, cached, completion = tokens
        usage = {
            "prompt_tokens": prompt,
            "cached_tokens": cached,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }
        if cost is not None:
            usage |= {"cost": cost[0], "currency": cost[1]}
    store.finish(record_id, RunStatus.COMPLETE, usage)
    with store.database.connection() as connection:
        connection.execute(
            "UPDATE records SET created_at = ? WHERE id = ?", (local(when), record_id)
        )
    return record_id


@pytest.fixture
def store(tmp_path: Path) -> HistoryStore:
    history = HistoryStore(tmp_path / "history.sqlite3")
    add_run(
        history, "2026-11-02 09:00", "DeepSeek", "deepseek-flash", (1000, 600, 200), (0.5, "CNY")
    )
    add_run(history, "2026-11-02 23:30", "OpenAI", "gpt-5.4-mini", (100, 0, 50), (0.25, "USD"))
    add_run(history, "2026-11-03 08:00", "DeepSeek", "deepseek-flash", (10, 0, 10), (0.25, "CNY"))
    add_run(history, "2026-11-09 12:00", "Qwen", "qwen-plus", (40, 0, 60), None)  # no price
    add_run(history, "2026-10-30 12:00", "OpenAI", "gpt-5.4-mini", None, None)  # no usage
    deleted = add_run(history, "2026-10-31 12:00", "OpenAI", "gpt-5.4", (1, 0, 1), (1.0, "USD"))
    history.delete(deleted)  # its money was spent all the same
    return history


def test_per_day_each_currency_and_the_unknown_on_their_own(store: HistoryStore) -> None:
    report = usage_report(store, "day")
    lines = {line.label: line for line in report.lines()}
    assert list(lines) == ["2026-10-30", "2026-10-31", "2026-11-02", "2026-11-03", "2026-11-09"]
    day = lines["2026-11-02"]
    assert (day.runs, day.prompt_tokens, day.cached_tokens, day.completion_tokens) == (
        2, 1100, 600, 250
    )  # fmt: skip
    assert day.costs == {"CNY": 0.5, "USD": 0.25} and day.unknown_runs == 0
    assert lines["2026-10-30"].costs == {} and lines["2026-10-30"].unknown_runs == 1
    assert lines["2026-11-09"].unknown_runs == 1
    assert report.totals() == {"USD": 1.25, "CNY": 0.75}
    assert report.runs == 6 and report.unknown_runs == 2


def test_per_week_and_month(store: HistoryStore) -> None:
    weeks = [line.label for line in usage_report(store, "week").lines()]
    assert weeks == ["2026-10-26", "2026-11-02", "2026-11-09"]  # their Mondays
    months = {line.label: line.runs for line in usage_report(store, "month").lines()}
    assert months == {"2026-10": 2, "2026-11": 4}


def test_per_provider_and_model(store: HistoryStore) -> None:
    providers = {line.label: line for line in usage_report(store, "provider").lines()}
    assert providers["DeepSeek"].costs == {"CNY": 0.75} and providers["DeepSeek"].runs == 2
    assert providers["OpenAI"].costs == {"USD": 1.25} and providers["OpenAI"].unknown_runs == 1
    models = [line.label for line in usage_report(store, "model").lines()]
    assert "deepseek-flash · DeepSeek" in models and "gpt-5.4 · OpenAI" in models


def test_since_keeps_later_runs_only(store: HistoryStore) -> None:
    since = datetime(2026, 11, 3).astimezone()
    report = usage_report(store, "day", since)
    assert [line.label for line in report.lines()] == ["2026-11-03", "2026-11-09"]


def test_follow_up_versions_are_runs_too(store: HistoryStore) -> None:
    with store.database.connection() as connection:
        connection.execute(
            "INSERT INTO versions (record_id, number, turn, provider, model, prompt_tokens, "
            "completion_tokens, total_tokens, cached_tokens, cost, currency, status, created_at, "
            "updated_at) VALUES (1, 2, 1, 'DeepSeek', 'deepseek-flash', 5, 5, 10, 0, 0.125, "
            "'CNY', 'complete', ?, ?)",
            (local("2026-11-02 10:00"), local("2026-11-02 10:00")),
        )
    day = {line.label: line for line in usage_report(store, "day").lines()}["2026-11-02"]
    assert day.runs == 3 and day.costs["CNY"] == 0.625


def test_csv_has_one_line_per_group_and_currency(store: HistoryStore) -> None:
    text = usage_csv(usage_report(store, "model"))
    lines = text.splitlines()
    assert lines[0] == (
        "provider,model,runs,prompt_tokens,cached_tokens,completion_tokens,total_tokens,cost,currency"
    )
    assert "DeepSeek,deepseek-flash,2,1010,600,210,1220,0.75,CNY" in lines
    assert "Qwen,qwen-plus,1,40,0,60,100,," in lines  # unknown: an empty cost, not 0


def test_cost_text() -> None:
    assert cost_text({}, 3) == "unknown"
    assert cost_text({"CNY": 0.3, "USD": 0.41}, 0) == "¥0.30 + $0.41"
    assert cost_text({"USD": 1.0}, 2) == "$1.00 + 2 run(s) unknown"


def test_a_records_cost_is_in_its_export(store: HistoryStore) -> None:
    from assistant.core.storage.export import to_text

    record = store.get(1)
    assert record is not None
    text = to_text([record])
    assert "Cost: ¥0.50" in text and "Cached prompt tokens: 600" in text
    unknown = store.get(4)  # no price: no cost line rather than a 0
    assert unknown is not None and "Cost" not in to_text([unknown])
