"""The job state and the output file after a crash: whole lines only, each row once."""

from __future__ import annotations

import codecs
import csv
import json
from pathlib import Path

from assistant.core.work.batch_job import FileSink
from assistant.core.work.batch_output import ResultAppender, RowResult, file_size, write_results
from assistant.core.work.batch_state import DONE, PENDING, BatchStore

COLUMNS = ["id", "product"]


def result(number: int, answer: str = "") -> RowResult:
    values = {"id": str(number), "product": f"p{number}"}
    return RowResult(number, values, DONE, answer or f'Copy, "quoted"\nfor p{number}', 7)


def test_recover_cuts_lines_the_state_does_not_know_and_resends_rows_in_flight(
    tmp_path: Path,
) -> None:
    output = tmp_path / "out.csv"
    store = BatchStore(tmp_path / "batch.sqlite3")
    state = store.create_job(output, "sig", range(1, 6), {})
    appender = ResultAppender(output, COLUMNS, 0)
    state.set_header_end(appender.header_end)
    sink = FileSink(state, appender)
    for number in (1, 2):
        sink.sent(number)
        sink.finished(result(number))
    sink.sent(3)  # in flight at the crash
    sink.sent(4)
    appender.append(result(4))  # written, but the crash came before the state knew
    appender.close()
    with output.open("ab") as torn:
        torn.write(b'5,p5,"half')  # and a line cut in half
    keep = state.recover(file_size(output))
    assert state.counts() == {DONE: 2, PENDING: 3}
    appender = ResultAppender(output, COLUMNS, keep)
    appender.append(result(3))
    appender.close()
    with output.open(newline="", encoding="utf-8-sig") as data:
        rows = list(csv.DictReader(data))
    assert [row["id"] for row in rows] == ["1", "2", "3"]
    assert rows[0]["answer"] == 'Copy, "quoted"\nfor p1' and rows[0]["tokens"] == "7"
    store.close()


def test_a_deleted_output_starts_the_job_over(tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    store = BatchStore(tmp_path / "batch.sqlite3")
    state = store.create_job(output, "sig", range(1, 3), {})
    sink = FileSink(state, ResultAppender(output, COLUMNS, 0))
    sink.finished(result(1))
    sink.close()
    output.unlink()
    assert state.recover(file_size(output)) == 0
    assert state.counts() == {PENDING: 2}
    store.close()


def test_jsonl_lines_and_a_whole_export(tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    appender = ResultAppender(output, ["answer", "id"], 0)  # the input has an 'answer' column
    appender.append(RowResult(1, {"answer": "42", "id": "1"}, "failed", error="boom"))
    appender.close()
    line = json.loads(output.read_text(encoding="utf-8"))
    assert line == {
        "answer": "42",
        "id": "1",
        "result_answer": "",
        "status": "failed",
        "tokens": 0,
        "error": "boom",
    }
    exported = tmp_path / "all.tsv"
    write_results(exported, COLUMNS, [result(2, "two")])
    assert exported.read_bytes().startswith(codecs.BOM_UTF8)  # the window's export, for Excel
    assert exported.read_text(encoding="utf-8-sig").splitlines() == [
        "id\tproduct\tanswer\tstatus\ttokens\terror",
        "2\tp2\ttwo\tdone\t7\t",
    ]
