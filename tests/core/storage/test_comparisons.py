"""One history record per comparison, and the kept variant, in a real SQLite file."""

from __future__ import annotations

import threading
from pathlib import Path

from assistant.core.base import i18n
from assistant.core.storage.comparisons import (
    ComparisonRecorder,
    column_figures,
    keep,
    overall_status,
)
from assistant.core.storage.history import HistoryQuery, HistoryStore
from assistant.core.work.status import RunStatus

LABELS = [
    {"provider": "Local", "base_url": "http://127.0.0.1:1/v1", "model": "small"},
    {"provider": "Remote", "base_url": "https://api.example/v1", "model": "big"},
]


def start(recorder: ComparisonRecorder, column: int) -> int:
    return recorder.column(column).start(
        "article", {"topic": "Tides"}, [{"role": "user", "content": "x"}], "?", "?", "?", {"n": 1}
    )


def test_the_columns_of_a_comparison_make_one_record(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    recorder = ComparisonRecorder(store, LABELS)
    first, second = start(recorder, 0), start(recorder, 1)
    assert first == second
    recorder.column(1).update_answer(first, ["Remote so far"])
    recorder.column(0).finish(
        first,
        RunStatus.COMPLETE,
        {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}
        | {"cost": 0.5, "currency": "USD"},
        None,
        {"first_token_ms": 12.0, "total_ms": 40.0},
        answers=["Local answer"],
    )
    record = store.get(first)
    assert record is not None and record.status == RunStatus.STREAMING  # one column still runs
    assert record.answers == ["Local answer", "Remote so far"]
    recorder.column(1).finish(
        first,
        RunStatus.FAILED,
        None,
        "Remote had an internal error (500).",
        None,
        answers=["Remote so far"],
    )
    record = store.get(first)
    assert record is not None and record.is_comparison
    assert record.status == RunStatus.COMPLETE  # one column answered
    assert record.provider == "Local, Remote" and record.model == "small, big"
    assert record.error == "Remote: Remote had an internal error (500)."
    assert [c["status"] for c in record.columns] == ["complete", "failed"]
    assert record.columns[0]["first_token_ms"] == 12 and record.columns[0]["total_tokens"] == 7
    assert (record.columns[0]["cost"], record.columns[0]["currency"]) == (0.5, "USD")
    assert record.usage.total_tokens == 7
    assert record.usage.cost is None  # the failed column's cost is unknown: so is the sum
    assert len(store.list_records()) == 1


def test_columns_written_from_threads_keep_each_answer(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    recorder = ComparisonRecorder(store, LABELS * 2)

    def column(index: int) -> None:
        record_id = start(recorder, index)
        for size in range(1, 30):
            recorder.column(index).update_answer(record_id, [str(index) * size])
        recorder.column(index).finish(record_id, RunStatus.COMPLETE, answers=[str(index) * 30])

    threads = [threading.Thread(target=column, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    (record,) = store.list_records()
    assert record.answers == [str(i) * 30 for i in range(4)]
    assert record.status == RunStatus.COMPLETE


def test_keep_makes_a_variant_the_answer_and_keeps_the_others(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    record_id = store.start("ad-copy", {"product": "Lamp"}, [], "P", "", "m", {"n": 3})
    store.finish(record_id, RunStatus.COMPLETE, answers=["one", "two", "three"])
    keep(store, record_id, 1)
    record = store.get(record_id)
    assert record is not None
    assert (record.answer, record.answers, record.kept) == ("two", ["one", "two", "three"], 1)
    (summary,) = store.summaries(HistoryQuery(), None)
    assert summary.preview == "two"
    keep(store, record_id, None)
    assert store.get(record_id).answer == "one"  # type: ignore[union-attr]


def test_overall_status() -> None:
    assert overall_status(["failed", "complete"]) == RunStatus.COMPLETE
    assert overall_status(["stopped", "cut_short"]) == RunStatus.CUT_SHORT
    assert overall_status(["stopped", "failed"]) == RunStatus.FAILED
    assert overall_status(["stopped", "stopped"]) == RunStatus.STOPPED


def test_a_column_that_did_not_complete_says_how_it_ended_in_the_ui_language() -> None:
    assert column_figures({"status": "cut_short"}) == "cut short"  # not the stored word
    assert column_figures({"status": "complete"}) == ""
    i18n.install(lambda context, text: {"stopped": "已停止"}.get(text, text))
    try:
        assert column_figures({"status": "stopped"}) == "已停止"
    finally:
        i18n.install(None)
