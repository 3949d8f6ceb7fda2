"""What the history holds: a :class:`Record` per generation, and how rows become records.

A record is one generation as stored: the input (mode, fields, the exact messages), where it was
sent, the answers (one per variant), :class:`RecordUsage`, :class:`Timings` and a status.
:class:`RecordSummary` is the little a list row shows, read without the large columns.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final, NamedTuple

if TYPE_CHECKING:
    from assistant.core.prompts.threads import Thread

TITLE_MAX: Final = 80
PREVIEW_CHARS: Final = 300
"""How much of the answer a summary carries (one more tells that there is more)."""


UsageMapping = Mapping[str, int | float | str | None]
"""Usage as the runner hands it over: token counts, and ``cost`` / ``currency`` when known."""


@dataclass(frozen=True)
class RecordUsage:
    """Token counts the provider reported for a record (None when unknown) and what it cost.

    ``cached_tokens``: prompt tokens served from the provider's cache. ``cost``: in ``currency``,
    from the price table when the run ended; None when unknown (no usage or no price), never 0.
    """

    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None
    cached_tokens: int | None = None
    cost: float | None = None
    currency: str = ""


@dataclass(frozen=True)
class Timings:
    """Milliseconds from sending the request to the first token and to the end."""

    first_token_ms: int | None = None
    total_ms: int | None = None


@dataclass(frozen=True)
class Record:
    """One generation as stored."""

    id: int
    uuid: str
    created_at: datetime
    updated_at: datetime
    mode: str
    title: str
    fields: dict[str, Any]
    messages: list[dict[str, Any]]
    provider: str
    base_url: str
    model: str
    params: dict[str, Any]
    answers: list[str]
    usage: RecordUsage
    timings: Timings
    status: str
    error: str | None
    starred: bool
    deleted_at: datetime | None
    columns: list[dict[str, Any]] = field(default_factory=list)
    """A comparison's columns, one per answer (provider, model, status, usage…); [] otherwise."""
    kept: int | None = None
    """The variant kept as the answer (None: the first)."""
    thread: Thread | None = None
    """Its turns and versions when read with ``ThreadStore.attach`` (exports show them)."""

    @property
    def answer(self) -> str:
        """The main answer: the kept variant, else the first; all variants are in ``answers``."""
        return self.answers[self.kept_index] if self.answers else ""

    @property
    def kept_index(self) -> int:
        """The index of the main answer in ``answers``."""
        kept = self.kept or 0
        return kept if 0 <= kept < len(self.answers) else 0

    @property
    def is_comparison(self) -> bool:
        """True for one request sent to several models (one column each)."""
        return bool(self.columns)

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


class RecordSummary(NamedTuple):
    """What a list row shows of a record; ``preview`` is the answer's start (see PREVIEW_CHARS).

    A tuple of plain values, so that the garbage collector stops scanning it: a list can hold
    100 000 of them without slowing every full collection.
    """

    id: int
    created_ts: float
    mode: str
    title: str
    status: str
    starred: bool
    preview: str
    error: str | None

    @property
    def created_at(self) -> datetime:
        return to_datetime(self.created_ts)

    @property
    def order_key(self) -> tuple[float, int]:
        """Lists are sorted by this key, largest (newest) first."""
        return (self.created_ts, self.id)


def default_title(fields: Mapping[str, Any], mode: str) -> str:
    """The first line of the first non-blank field, shortened; else the mode."""
    for value in fields.values():
        if isinstance(value, str) and value.strip():
            line = value.strip().splitlines()[0].strip()
            return line if len(line) <= TITLE_MAX else line[: TITLE_MAX - 1].rstrip() + "…"
    return mode


# --- rows ---------------------------------------------------------------------------------------

COLUMNS: Final = (
    "id, uuid, created_at, updated_at, mode, title, fields, messages, provider, base_url, model, "
    "params, answers, prompt_tokens, completion_tokens, total_tokens, first_token_ms, total_ms, "
    "status, error, starred, deleted_at, cached_tokens, cost, currency, columns, kept"
)
SUMMARY_COLUMNS: Final = (
    "id, created_at, mode, title, status, starred, "
    "substr(coalesce(json_extract(answers, '$[' || coalesce(kept, 0) || ']'), ''), 1, "
    f"{PREVIEW_CHARS + 1}), error"
)


def record_from_row(row: Sequence[Any]) -> Record:
    """A :class:`Record` from a row of :data:`COLUMNS`."""
    return Record(
        id=row[0],
        uuid=row[1],
        created_at=to_datetime(row[2]),
        updated_at=to_datetime(row[3]),
        mode=row[4],
        title=row[5],
        fields=json.loads(row[6]),
        messages=json.loads(row[7]),
        provider=row[8],
        base_url=row[9],
        model=row[10],
        params=json.loads(row[11]),
        answers=json.loads(row[12]),
        usage=RecordUsage(row[13], row[14], row[15], row[22], row[23], row[24] or ""),
        timings=Timings(row[16], row[17]),
        status=row[18],
        error=row[19],
        starred=bool(row[20]),
        deleted_at=None if row[21] is None else to_datetime(row[21]),
        columns=json.loads(row[25]),
        kept=row[26],
    )


def summary_from_row(row: Sequence[Any]) -> RecordSummary:
    """A :class:`RecordSummary` from a row of :data:`SUMMARY_COLUMNS`."""
    return RecordSummary(
        id=row[0],
        created_ts=row[1],
        mode=row[2],
        title=row[3],
        status=row[4],
        starred=bool(row[5]),
        preview=row[6] or "",
        error=row[7],
    )


def to_datetime(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


def dump(value: object) -> str:
    """JSON as stored (UTF-8 kept as is)."""
    return json.dumps(value, ensure_ascii=False, default=str)


def fields_text(fields: Mapping[str, Any]) -> str:
    """The searchable text of the input fields."""
    return "\n".join(v if isinstance(v, str) else dump(v) for v in fields.values() if v)


def answer_text(answers: Sequence[str]) -> str:
    """The searchable text of the answers."""
    return "\n\n".join(answers)


def to_usage(usage: RecordUsage | UsageMapping | None) -> RecordUsage:
    if usage is None or isinstance(usage, RecordUsage):
        return usage or RecordUsage()
    cost = usage.get("cost")
    return RecordUsage(
        _int(_number(usage.get("prompt_tokens"))),
        _int(_number(usage.get("completion_tokens"))),
        _int(_number(usage.get("total_tokens"))),
        _int(_number(usage.get("cached_tokens"))),
        None if cost is None else float(_number(cost) or 0.0),
        str(usage.get("currency") or "") if cost is not None else "",
    )


def _number(value: int | float | str | None) -> float | None:
    """A count or amount as stored (None stays None; text that is not a number is dropped)."""
    if value is None or isinstance(value, int | float):
        return value
    try:
        return float(value)
    except ValueError:
        return None


def to_timings(timings: Timings | Mapping[str, float | None] | None) -> Timings:
    if timings is None or isinstance(timings, Timings):
        return timings or Timings()
    return Timings(_int(timings.get("first_token_ms")), _int(timings.get("total_ms")))


def _int(value: float | None) -> int | None:
    return None if value is None else round(value)


FINISH_SET = (
    "status = ?, error = ?, updated_at = ?, prompt_tokens = ?, completion_tokens = ?, "
    "total_tokens = ?, first_token_ms = ?, total_ms = ?, cached_tokens = ?, cost = ?, currency = ?"
)
"""The SET clause that closes a generation (a record or a follow-up version: same columns)."""


def finish_values(
    status: str, error: str | None, now: float, tokens: RecordUsage, times: Timings
) -> tuple[Any, ...]:
    """The values of :data:`FINISH_SET`, in its order."""
    return (
        status,
        error,
        now,
        tokens.prompt_tokens,
        tokens.completion_tokens,
        tokens.total_tokens,
        times.first_token_ms,
        times.total_ms,
        tokens.cached_tokens,
        tokens.cost,
        tokens.currency,
    )
