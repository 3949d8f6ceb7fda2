"""Table answers: the JSON lines a model writes for a table mode (sentiment, classify), read
tolerantly into rows, and written back out as CSV or JSON lines.

Models do not always keep to the format: they wrap the lines in a code fence, add a sentence
before or after, pretty-print an object over several lines, answer one JSON array, or stop in the
middle of the last line. :func:`parse_table` takes every JSON object it can find, wherever it is,
and keeps everything else as ``leftover`` text, never dropped: a view shows it under the table
with a note. Keys are matched case-insensitively, with a few common synonyms ("sentiment" for
"label", "explanation" for "reason"…). Values become text: numbers as written, lists joined with
", ", true/false as yes/no.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Other names models use for a column (checked after the column's own name).
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "text": ("input", "sentence", "message", "item"),
    "label": ("labels", "sentiment", "category", "categories", "class"),
    "labels": ("label", "categories", "category", "class", "classes"),
    "confidence": ("score", "probability", "certainty"),
    "reason": ("reasoning", "explanation", "rationale", "why"),
}
_NUMBER_KEYS = ("n", "id", "index", "line", "number")
_FENCE_LINE = re.compile(r"^\s*(?:`{3,}|~{3,})[\w+-]*\s*$")
_JUNK_LINE = re.compile(r"^[\s\[\],]*$")  # what is left between the objects of an array


@dataclass(frozen=True)
class TableAnswer:
    """Rows read from an answer, and the text that was not a row (kept, shown with a note)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    leftover: str = ""
    partial: bool = False
    """The answer ended inside a JSON object (the last row is in ``leftover``)."""
    missing: int = 0
    """Input texts (one per line) that got no row."""


def input_texts(text: str) -> list[str]:
    """The texts of a table mode's main field: one per non-empty line, as typed."""
    return [line for line in text.splitlines() if line.strip()]


def parse_table(
    answer: str, columns: Sequence[str], inputs: Sequence[str] | None = None
) -> TableAnswer:
    """Rows for ``columns`` from ``answer``; ``inputs`` (the texts asked about) fill the text
    column when the model numbered its rows instead of copying the text, or left the text out."""
    known = {name.casefold() for column in columns for name in (column, *_SYNONYMS.get(column, ()))}
    objects, leftover, partial = _objects(answer, known)
    rows: list[tuple[str, ...]] = []
    for position, item in enumerate(objects):
        folded = {str(key).strip().casefold(): value for key, value in item.items()}
        cells = {name: _cell_value(folded, name) for name in columns}
        if "text" in cells and inputs:
            cells["text"] = _input_text(folded, cells["text"], position, inputs)
        rows.append(tuple(cells[name] or "" for name in columns))
    missing = max(0, len(inputs) - len(rows)) if inputs else 0
    return TableAnswer(tuple(columns), tuple(rows), leftover, partial, missing)


def _objects(answer: str, known: set[str]) -> tuple[list[dict[str, object]], str, bool]:
    """Every JSON object in ``answer`` with a ``known`` key (also inside arrays), the rest as
    text, and whether the answer ends inside an object."""
    decoder = json.JSONDecoder()
    found: list[dict[str, object]] = []
    rest: list[str] = []
    position = 0
    partial = False
    while (start := answer.find("{", position)) >= 0:
        try:
            value, end = decoder.raw_decode(answer, start)
        except json.JSONDecodeError:
            if "}" not in answer[start:]:  # no closing brace after it: the answer stopped here
                partial = True
                break
            rest.append(answer[position : start + 1])
            position = start + 1
            continue
        if not isinstance(value, dict):
            rest.append(answer[position : start + 1])
            position = start + 1
            continue
        if not any(str(key).strip().casefold() in known for key in value):
            rest.append(answer[position:end])  # JSON, but not a row: kept as text
            position = end
            continue
        rest.append(answer[position:start])
        found.append(value)
        position = end
    rest.append(answer[position:])
    return found, _meaningful("".join(rest)), partial


def _meaningful(text: str) -> str:
    """``text`` without code fences and the brackets and commas left between array items."""
    lines = [
        line
        for line in text.splitlines()
        if not _FENCE_LINE.match(line) and not _JUNK_LINE.match(line)
    ]
    return "\n".join(line.rstrip() for line in lines).strip()


def _key_for(folded: dict[str, object], column: str) -> str | None:
    for key in (column.casefold(), *_SYNONYMS.get(column, ())):
        if key in folded:
            return key
    return None


def _cell_value(folded: dict[str, object], column: str) -> str | None:
    key = _key_for(folded, column)
    return None if key is None else _as_text(folded[key])


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, list | tuple):
        return ", ".join(_as_text(item) for item in value)
    return json.dumps(value, ensure_ascii=False)


def _input_text(
    folded: dict[str, object], given: str | None, position: int, inputs: Sequence[str]
) -> str:
    """The text a row is about: the model's copy if it gave one, else the numbered input."""
    if given and given.strip():
        return given
    for key in _NUMBER_KEYS:
        number = folded.get(key)
        if isinstance(number, int) and not isinstance(number, bool) and 1 <= number <= len(inputs):
            return inputs[number - 1]
    return inputs[position] if position < len(inputs) else ""


def to_csv(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """CSV with a header row: RFC 4180 quoting, ``\\n`` line ends (spreadsheets read them, and
    line-based tools such as ``cut`` or ``wc -l`` see no stray ``\\r``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def to_jsonl(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """One JSON object per row and line, non-ASCII kept as is."""
    return "".join(
        json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False) + "\n" for row in rows
    )
