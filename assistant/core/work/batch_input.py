"""Reading a batch job's rows: CSV, TSV (also as exported by spreadsheets) and JSONL.

A table is a header of column names and rows of values. What spreadsheets write is accepted: a
UTF-8 byte-order mark (Excel's "CSV UTF-8"), UTF-16 with its mark ("Unicode text"), ``;`` as the
separator (Excel in locales with a decimal comma), quoted values over several lines. A row that
cannot be read (a different number of values than the header, bytes that are not UTF-8, a JSONL
line that is not a JSON object) is reported with its line number and left out; the others run.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.core.base.i18n import tr

_CONTEXT = "batch"
DELIMITERS = (",", ";", "\t", "|")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
TSV_SUFFIXES = (".tsv", ".tab")
_UNDECODABLE = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True)
class InputRow:
    """One row to run: its number among the file's rows (from 1), its first line, its values."""

    number: int
    line: int
    values: dict[str, str]


@dataclass(frozen=True)
class RowProblem:
    """A row that could not be read: where it starts and why (one sentence), its number among
    the rows and what could be made of its values."""

    line: int
    message: str
    number: int = 0
    values: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        return (
            tr("line {line}: {message}", _CONTEXT)
            .replace("{line}", str(self.line))
            .replace("{message}", self.message)
        )


@dataclass
class InputTable:
    """A file's columns, its readable rows and the rows it could not read."""

    columns: list[str]
    rows: list[InputRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    digest: str = ""
    """sha256 of the file's bytes (a resumed job checks that its input did not change)."""


class InputError(ValueError):
    """The file cannot be read as a table at all (missing, empty, a workbook, no header)."""


def read_table(path: Path) -> InputTable:
    """The table in ``path`` (CSV, TSV or JSONL by its extension; CSV's separator is sniffed)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(
            tr("cannot read {path}: {reason}", _CONTEXT)
            .replace("{path}", str(path))
            .replace("{reason}", exc.strerror or str(exc))
        ) from exc
    if data[:4] == b"PK\x03\x04":
        raise InputError(
            tr(
                "{path} is a workbook (XLSX), not a table of text: save it as CSV "
                "(File → Save As → CSV UTF-8) and use that file.",
                _CONTEXT,
            ).replace("{path}", str(path))
        )
    suffix = path.suffix.lower()
    table = parse_jsonl(data) if suffix in JSONL_SUFFIXES else parse_delimited(data, suffix)
    table.digest = hashlib.sha256(data).hexdigest()
    return table


def parse_delimited(data: bytes, suffix: str = ".csv") -> InputTable:
    """A CSV or TSV table from its bytes (``suffix`` ``.tsv`` or ``.tab``: tab-separated)."""
    text = _decode(data)
    lines = text.splitlines()
    header_line = next((line for line in lines if line.strip()), "")
    if not header_line:
        raise InputError(tr("the file is empty: no header line with column names", _CONTEXT))
    delimiter = "\t" if suffix in TSV_SUFFIXES else sniff_delimiter(header_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns: list[str] | None = None
    table = InputTable(columns=[])
    last_line = 0
    number = 0
    for record in reader:
        first_line, last_line = last_line + 1, reader.line_num
        if not any(value.strip() for value in record):
            continue  # blank lines (and trailing separators only) are not rows
        if columns is None:
            columns = _header(record)
            table.columns = columns
            continue
        number += 1
        problem = _row_problem(record, len(columns))
        if problem:
            readable = [_UNDECODABLE.sub("\ufffd", value) for value in record]
            values = dict(zip(columns, readable, strict=False))
            table.problems.append(RowProblem(first_line, problem, number, values))
            continue
        values = dict(zip(columns, (value for value in record), strict=True))
        table.rows.append(InputRow(number, first_line, values))
    if columns is None:
        raise InputError(tr("the file is empty: no header line with column names", _CONTEXT))
    return table


def parse_jsonl(data: bytes) -> InputTable:
    """A table from JSON Lines: one object per line; columns in order of first appearance."""
    text = _decode(data)
    table = InputTable(columns=[])
    seen: dict[str, None] = {}
    number = 0
    for index, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        number += 1
        if _UNDECODABLE.search(line):
            table.problems.append(RowProblem(index, _encoding_problem(), number))
            continue
        try:
            item = json.loads(line)
        except ValueError as exc:
            message = tr("not valid JSON ({reason})", _CONTEXT).replace("{reason}", str(exc))
            table.problems.append(RowProblem(index, message, number))
            continue
        if not isinstance(item, dict):
            message = tr("not a JSON object", _CONTEXT)
            table.problems.append(RowProblem(index, message, number))
            continue
        values = {str(key): _text(value) for key, value in item.items()}
        seen.update(dict.fromkeys(values))
        table.rows.append(InputRow(number, index, values))
    table.columns = list(seen)
    for row in table.rows:  # every row has every column ('' where a line had none)
        for column in table.columns:
            row.values.setdefault(column, "")
    return table


def sniff_delimiter(header_line: str) -> str:
    """The separator a header line uses: the most frequent of , ; tab | outside quotes."""
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    counts = {delimiter: unquoted.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _decode(data: bytes) -> str:
    """Text of the file: UTF-16 by its mark, else UTF-8 (mark dropped); undecodable bytes are
    kept as lone surrogates, so the rows holding them can be named."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="surrogateescape")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    return data.decode("utf-8", errors="surrogateescape")


def _header(record: list[str]) -> list[str]:
    """Column names, stripped; empty or repeated names get a number so each is unique."""
    names: list[str] = []
    for index, raw in enumerate(record, start=1):
        name = raw.strip() or f"column{index}"
        base, suffix = name, 2
        while name in names:
            name, suffix = f"{base}_{suffix}", suffix + 1
        names.append(name)
    return names


def _row_problem(record: list[str], expected: int) -> str:
    if len(record) != expected:
        return (
            tr("{count} values, but the header has {expected} columns", _CONTEXT)
            .replace("{count}", str(len(record)))
            .replace("{expected}", str(expected))
        )
    if any(_UNDECODABLE.search(value) for value in record):
        return _encoding_problem()
    return ""


def _encoding_problem() -> str:
    return tr("bytes that are not UTF-8 (save the file as CSV UTF-8)", _CONTEXT)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
