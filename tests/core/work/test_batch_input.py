"""Reading batch input: CSV, TSV, JSONL, what spreadsheets export, and rows that cannot be read."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from assistant.core.prompts.modes import load_modes
from assistant.core.work.batch_input import InputError, read_table
from assistant.core.work.batch_plan import column_mapping


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_excel_csv_with_bom_and_semicolons(tmp_path: Path) -> None:
    data = codecs.BOM_UTF8 + 'product;audience\r\nKaffee; Büro\r\n"Tee; grün";Alle\r\n'.encode()
    table = read_table(write(tmp_path, "export.csv", data))
    assert table.columns == ["product", "audience"]
    assert [row.values for row in table.rows] == [
        {"product": "Kaffee", "audience": " Büro"},
        {"product": "Tee; grün", "audience": "Alle"},
    ]
    assert not table.problems


def test_utf16_tab_separated_export(tmp_path: Path) -> None:
    data = "product\tchannel\nMug\temail subject\n".encode("utf-16")
    table = read_table(write(tmp_path, "unicode.txt", data))
    assert table.columns == ["product", "channel"]
    assert table.rows[0].values == {"product": "Mug", "channel": "email subject"}


def test_tsv_by_extension(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, "rows.tsv", b"a,b\tc\n1,2\t3\n"))
    assert table.columns == ["a,b", "c"]
    assert table.rows[0].values == {"a,b": "1,2", "c": "3"}


def test_malformed_rows_are_named_by_line_and_the_others_kept(tmp_path: Path) -> None:
    data = (
        b"id,product\n"
        b"1,Mug\n"
        b'2,"A quoted\nvalue on two lines"\n'
        b"3,Tea,extra\n"  # line 5: one value too many
        b"4,Caf\xe9\n"  # line 6: Latin-1, not UTF-8
        b"\n"
        b"5,Pen\n"
    )
    table = read_table(write(tmp_path, "in.csv", data))
    assert [row.values["id"] for row in table.rows] == ["1", "2", "5"]
    assert [row.line for row in table.rows] == [2, 3, 8]
    assert [(p.line, p.number) for p in table.problems] == [(5, 3), (6, 4)]
    assert "3 values, but the header has 2 columns" in table.problems[0].describe()
    assert table.problems[0].describe().startswith("line 5: ")
    assert "not UTF-8" in table.problems[1].message
    assert table.problems[1].values["product"] == "Caf\ufffd"


def test_jsonl_rows_and_bad_lines(tmp_path: Path) -> None:
    data = b'{"product": "Mug", "price": 3}\nnot json\n[1]\n{"product": "Pen", "tone": null}\n'
    table = read_table(write(tmp_path, "in.jsonl", data))
    assert table.columns == ["product", "price", "tone"]
    assert [row.values for row in table.rows] == [
        {"product": "Mug", "price": "3", "tone": ""},
        {"product": "Pen", "tone": "", "price": ""},
    ]
    assert [p.line for p in table.problems] == [2, 3]


def test_a_workbook_is_refused_with_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="save it as CSV"):
        read_table(write(tmp_path, "in.xlsx", b"PK\x03\x04rest"))


def test_same_names_map_themselves() -> None:
    mode = load_modes()["ad-copy"]
    mapping = column_mapping(mode, ["ID", "Product", "target audience", "Tone", "channel"])
    assert mapping == {"product": "Product", "tone": "Tone", "channel": "channel"}
