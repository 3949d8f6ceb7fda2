"""Table answers: JSON lines read tolerantly; nothing that cannot be read is dropped."""

from __future__ import annotations

import csv
import io
import json

from hypothesis import given
from hypothesis import strategies as st

from assistant.core.text.table_answers import input_texts, parse_table, to_csv, to_jsonl

COLUMNS = ("text", "label", "confidence", "reason")
CLEAN = (
    '{"text": "Great food", "label": "positive", "confidence": 0.92, "reason": "Praise."}\n'
    '{"text": "Cold soup", "label": "negative", "confidence": 0.8, "reason": "Complaint."}\n'
)


def test_clean_json_lines() -> None:
    table = parse_table(CLEAN, COLUMNS)
    assert table.rows == (
        ("Great food", "positive", "0.92", "Praise."),
        ("Cold soup", "negative", "0.8", "Complaint."),
    )
    assert table.leftover == "" and not table.partial and table.missing == 0


def test_code_fence_and_stray_prose_around_the_lines() -> None:
    answer = f"Here are the results:\n```json\n{CLEAN}```\nLet me know if you need more."
    table = parse_table(answer, COLUMNS)
    assert len(table.rows) == 2
    assert table.leftover == "Here are the results:\nLet me know if you need more."


def test_a_partial_last_line_is_kept_as_text() -> None:
    answer = CLEAN + '{"text": "Slow service", "label": "nega'
    table = parse_table(answer, COLUMNS)
    assert len(table.rows) == 2 and table.partial
    assert table.leftover == '{"text": "Slow service", "label": "nega'


def test_a_json_array_and_pretty_printed_objects() -> None:
    items = [json.loads(line) for line in CLEAN.splitlines()]
    for answer in (json.dumps(items), json.dumps(items, indent=2)):
        table = parse_table(answer, COLUMNS)
        assert [row[0] for row in table.rows] == ["Great food", "Cold soup"]
        assert table.leftover == ""


def test_broken_lines_between_good_ones_are_kept() -> None:
    lines = CLEAN.splitlines()
    answer = "\n".join([lines[0], '{"text": "oops", label: positive}', lines[1]])
    table = parse_table(answer, COLUMNS)
    assert len(table.rows) == 2
    assert table.leftover == '{"text": "oops", label: positive}'


def test_synonyms_case_lists_and_booleans() -> None:
    answer = '{"Text": "a", "Sentiment": "positive", "Score": 1, "Explanation": "ok", "x": true}'
    table = parse_table(answer, COLUMNS)
    assert table.rows == (("a", "positive", "1", "ok"),)
    labels = parse_table('{"text": "a", "labels": ["bug", "billing"]}', ("text", "labels"))
    assert labels.rows == (("a", "bug, billing"),)
    single = parse_table(
        '{"text": "a", "label": "bug", "reason": "r"}', ("text", "labels", "reason")
    )
    assert single.rows == (("a", "bug", "r"),)


def test_json_that_is_not_a_row_stays_text() -> None:
    table = parse_table('{"note": "no texts given"}', COLUMNS)
    assert table.rows == () and table.leftover == '{"note": "no texts given"}'


def test_inputs_fill_numbered_or_missing_texts_and_count_what_has_no_row() -> None:
    inputs = input_texts("first one\n\n  second {x}\nthird\n")
    assert inputs == ["first one", "  second {x}", "third"]
    answer = '{"n": 3, "label": "neutral"}\n{"label": "positive"}'
    table = parse_table(answer, COLUMNS, inputs)
    assert [row[:2] for row in table.rows] == [("third", "neutral"), ("  second {x}", "positive")]
    assert table.missing == 1


def test_copied_text_is_kept_as_the_model_wrote_it() -> None:
    table = parse_table('{"text": "Great food", "label": "positive"}', COLUMNS, ["great food"])
    assert table.rows[0][0] == "Great food"


def test_csv_and_jsonl_round_trip() -> None:
    rows = [('say "hi", ok', "positive", "0.5", "line\nbreak"), ("中文", "neutral", "", "é")]
    text = to_csv(COLUMNS, rows)
    assert text.startswith("text,label,confidence,reason\n") and "\r" not in text
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert parsed == [list(COLUMNS), *[list(row) for row in rows]]
    lines = to_jsonl(COLUMNS, rows).splitlines()
    assert json.loads(lines[1]) == dict(zip(COLUMNS, rows[1], strict=True))
    assert "中文" in lines[1]


@given(st.lists(st.tuples(st.text(), st.text(), st.floats(0, 1), st.text()), max_size=6))
def test_what_to_jsonl_writes_is_read_back(items: list[tuple[str, str, float, str]]) -> None:
    rows = [(text, label, repr(confidence), reason) for text, label, confidence, reason in items]
    assert parse_table(to_jsonl(COLUMNS, rows), COLUMNS).rows == tuple(rows)
