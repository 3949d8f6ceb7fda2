"""Usage and cost from the history: runs and follow-up versions summed per period or provider.

Every run is a record (its first answer) or a follow-up version; both carry token counts and the
cost recorded when the run ended (:mod:`assistant.core.providers.prices`). Rows are grouped by the
chosen key and by currency: runs whose cost is unknown (no usage reported, or no price) form their
own row with currency "" and no cost, so an unknown cost is never added as 0. Deleted records are
counted too: deleting a record does not give its money back.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from assistant.core.base.i18n import tr
from assistant.core.providers.prices import format_money
from assistant.core.storage.history import HistoryStore

UsageGroup = Literal["day", "week", "month", "provider", "model"]
GROUPS: Final[tuple[UsageGroup, ...]] = ("day", "week", "month", "provider", "model")
PERIODS: Final = ("day", "week", "month")

_KEYS: Final[dict[str, str]] = {
    "day": "date(created_at, 'unixepoch', 'localtime')",
    "week": "date(created_at, 'unixepoch', 'localtime', 'weekday 0', '-6 days')",  # its Monday
    "month": "strftime('%Y-%m', created_at, 'unixepoch', 'localtime')",
    "provider": "provider",
    "model": "provider || char(31) || model",
}
_RUNS: Final = """
    SELECT created_at, provider, model, prompt_tokens, completion_tokens, total_tokens,
        cached_tokens, cost, currency FROM records
    UNION ALL
    SELECT created_at, provider, model, prompt_tokens, completion_tokens, total_tokens,
        cached_tokens, cost, currency FROM versions
"""


@dataclass(frozen=True)
class UsageRow:
    """The runs of one group in one currency; ``cost`` is None for the runs of unknown cost."""

    key: str
    """The day (2026-11-30), the Monday of the week, the month (2026-11), the provider, or
    "provider\\x1fmodel"."""
    currency: str
    runs: int
    prompt_tokens: int
    cached_tokens: int
    completion_tokens: int
    total_tokens: int
    cost: float | None

    @property
    def provider(self) -> str:
        return self.key.split("\x1f", 1)[0]

    @property
    def model(self) -> str:
        return self.key.split("\x1f", 1)[1] if "\x1f" in self.key else ""

    def label(self, group: UsageGroup) -> str:
        """What a table shows for the key ("model · provider" for models)."""
        if group == "model":
            return f"{self.model or '?'} · {self.provider or '?'}"
        return self.key or "?"


@dataclass(frozen=True)
class UsageLine:
    """One group with every currency together: what a table line shows."""

    label: str
    runs: int
    prompt_tokens: int
    cached_tokens: int
    completion_tokens: int
    total_tokens: int
    costs: dict[str, float]
    """Known cost per currency."""
    unknown_runs: int
    """Runs of this group whose cost is unknown."""


@dataclass(frozen=True)
class UsageReport:
    """The rows of a usage query and its totals per currency."""

    group: UsageGroup
    rows: tuple[UsageRow, ...]

    @property
    def runs(self) -> int:
        return sum(row.runs for row in self.rows)

    @property
    def unknown_runs(self) -> int:
        """Runs whose cost is unknown."""
        return sum(row.runs for row in self.rows if row.cost is None)

    def lines(self) -> list[UsageLine]:
        """One line per group (its currencies together), in the report's order."""
        merged: dict[str, list[UsageRow]] = {}
        for row in self.rows:
            merged.setdefault(row.key, []).append(row)
        return [
            UsageLine(
                label=rows[0].label(self.group),
                runs=sum(r.runs for r in rows),
                prompt_tokens=sum(r.prompt_tokens for r in rows),
                cached_tokens=sum(r.cached_tokens for r in rows),
                completion_tokens=sum(r.completion_tokens for r in rows),
                total_tokens=sum(r.total_tokens for r in rows),
                costs={r.currency: r.cost for r in rows if r.cost is not None},
                unknown_runs=sum(r.runs for r in rows if r.cost is None),
            )
            for rows in merged.values()
        ]

    def totals(self) -> dict[str, float]:
        """Known cost per currency, largest first."""
        totals: dict[str, float] = {}
        for row in self.rows:
            if row.cost is not None:
                totals[row.currency] = totals.get(row.currency, 0.0) + row.cost
        return dict(sorted(totals.items(), key=lambda item: -item[1]))

    def tokens(self) -> tuple[int, int, int]:
        """Prompt, cached and completion tokens of every run."""
        return (
            sum(row.prompt_tokens for row in self.rows),
            sum(row.cached_tokens for row in self.rows),
            sum(row.completion_tokens for row in self.rows),
        )


def cost_text(costs: dict[str, float], unknown_runs: int) -> str:
    """ "¥0.30 + $0.41 + 13 runs unknown"; "unknown" when no run's cost is known."""
    parts = [format_money(amount, currency) for currency, amount in costs.items()]
    if unknown_runs and not parts:
        return tr("unknown")
    if unknown_runs:
        parts.append(tr("{n} run(s) unknown").replace("{n}", f"{unknown_runs:,}"))
    return " + ".join(parts) or "-"


def usage_report(
    history: HistoryStore, group: UsageGroup = "day", since: datetime | None = None
) -> UsageReport:
    """Usage per ``group`` of the runs started at or after ``since`` (all runs when None)."""
    if group not in _KEYS:
        raise ValueError(f"unknown usage group {group!r}")
    order = "key" if group in PERIODS else "sum(coalesce(total_tokens, 0)) DESC, key"
    query = f"""
        SELECT {_KEYS[group]} AS key, currency, count(*), sum(coalesce(prompt_tokens, 0)),
            sum(coalesce(cached_tokens, 0)), sum(coalesce(completion_tokens, 0)),
            sum(coalesce(total_tokens, 0)), sum(cost)
        FROM ({_RUNS}) WHERE created_at >= ?
        GROUP BY key, currency ORDER BY {order}, currency
    """
    start = since.timestamp() if since is not None else float("-inf")
    with history.database.connection() as connection:
        found = connection.execute(query, (start,)).fetchall()
    rows = tuple(
        UsageRow(
            key=str(row[0] or ""),
            currency=str(row[1] or ""),
            runs=int(row[2]),
            prompt_tokens=int(row[3]),
            cached_tokens=int(row[4]),
            completion_tokens=int(row[5]),
            total_tokens=int(row[6]),
            cost=None if row[7] is None or not row[1] else float(row[7]),
        )
        for row in found
    )
    return UsageReport(group, rows)


CSV_HEADER: Final = (
    "runs",
    "prompt_tokens",
    "cached_tokens",
    "completion_tokens",
    "total_tokens",
    "cost",
    "currency",
)


def usage_csv(report: UsageReport) -> str:
    """The report as CSV: one line per group and currency; an unknown cost is an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    keys: Sequence[str] = ("provider", "model") if report.group == "model" else (report.group,)
    writer.writerow((*keys, *CSV_HEADER))
    for row in report.rows:
        key = (row.provider, row.model) if report.group == "model" else (row.key,)
        cost = "" if row.cost is None else f"{row.cost:.10f}".rstrip("0").rstrip(".")
        writer.writerow(
            (
                *key,
                row.runs,
                row.prompt_tokens,
                row.cached_tokens,
                row.completion_tokens,
                row.total_tokens,
                cost or ("0" if row.cost is not None else ""),
                row.currency,
            )
        )
    return out.getvalue()
