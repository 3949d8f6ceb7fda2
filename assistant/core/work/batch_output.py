"""A batch job's output file: the input columns + answer, status, tokens, error, one row per line.

The format follows the file's extension: ``.jsonl``/``.ndjson``/``.json`` JSON Lines, ``.tsv`` tab-
separated, anything else CSV. Each finished row is one write of its whole, encoded line on a file
opened for appending, so the file is flushed row by row and holds whole lines only; the byte span
of each line goes to the job state (:mod:`.batch_state`), which is how a resumed job cuts off a
line it does not know about. :func:`write_results` writes a whole table at once (the window's
Export).

A CSV/TSV file starts with a UTF-8 byte-order mark, written with the header (so only when the file
is created, never again when a job goes on): without it Excel reads UTF-8 as the local code page
and shows Chinese as garbage. JSON Lines get none.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from assistant.core.work.batch_input import JSONL_SUFFIXES, TSV_SUFFIXES

RESULT_COLUMNS = ("answer", "status", "tokens", "error")


@dataclass(frozen=True)
class RowResult:
    """How one row ended: its input values and what came back."""

    number: int
    values: Mapping[str, str]
    status: str
    answer: str = ""
    tokens: int = 0
    error: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0


def output_columns(input_columns: Iterable[str]) -> list[str]:
    """The output's columns: the input's, then answer/status/tokens/error (renamed with a
    ``result_`` prefix where the input already has a column of that name)."""
    columns = list(input_columns)
    return columns + [_result_name(name, columns) for name in RESULT_COLUMNS]


def is_jsonl(path: Path) -> bool:
    return path.suffix.lower() in JSONL_SUFFIXES


def _result_name(name: str, columns: list[str]) -> str:
    return f"result_{name}" if name in columns else name


class LineFormat:
    """Encodes header and rows for one output path."""

    def __init__(self, path: Path, input_columns: Iterable[str]) -> None:
        self.input_columns = list(input_columns)
        self.columns = output_columns(self.input_columns)
        self.jsonl = is_jsonl(path)
        self.delimiter = "\t" if path.suffix.lower() in TSV_SUFFIXES else ","

    def header(self) -> bytes:
        """What a new file starts with: for CSV/TSV a UTF-8 BOM (for Excel) and the header row."""
        return b"" if self.jsonl else codecs.BOM_UTF8 + self._csv_line(self.columns)

    def line(self, result: RowResult) -> bytes:
        values: list[object] = [result.values.get(name, "") for name in self.input_columns]
        values += [result.answer, result.status, result.tokens, result.error]
        if self.jsonl:
            record = dict(zip(self.columns, values, strict=True))
            return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        return self._csv_line([str(value) for value in values])

    def _csv_line(self, values: list[str]) -> bytes:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=self.delimiter, lineterminator="\r\n").writerow(values)
        return buffer.getvalue().encode("utf-8")


class ResultAppender:
    """Appends finished rows to the output file, one whole line per write; thread-safe."""

    def __init__(self, path: Path, input_columns: Iterable[str], keep_bytes: int) -> None:
        """Open ``path``, cut it to ``keep_bytes`` (what the job state knows is there), and write
        the header when nothing is kept."""
        self.path = path
        self.format = LineFormat(path, input_columns)
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.ftruncate(self._fd, keep_bytes)
        self.size = keep_bytes
        self.header_end = keep_bytes
        if keep_bytes == 0:
            self._write(self.format.header())
            self.header_end = self.size

    def append(self, result: RowResult) -> tuple[int, int]:
        """Write the row's line; returns its byte span in the file."""
        data = self.format.line(result)
        with self._lock:
            start = self.size
            self._write(data)
            return start, self.size

    def close(self) -> None:
        with self._lock:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        self.size += len(data)


def file_size(path: Path) -> int:
    """The size of ``path`` in bytes (0 when it does not exist)."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def write_results(path: Path, input_columns: Iterable[str], results: Iterable[RowResult]) -> None:
    """Write a whole results table to ``path`` (replacing it; written beside, then renamed)."""
    line_format = LineFormat(path, input_columns)
    temporary = path.with_name(path.name + ".part")
    with open(temporary, "wb") as out:
        out.write(line_format.header())
        for result in results:
            out.write(line_format.line(result))
    os.replace(temporary, path)
