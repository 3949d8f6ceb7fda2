"""`assistant usage [--since DATE] [--by day|week|month|model|provider] [--format table|csv]`.

Sums the tokens and the cost of every run in the history (follow-ups included) per day, week,
month, model or provider. Costs come from the price table when each run ended; runs whose cost is
unknown (no usage reported, or no price for the model) are counted on their own line, never as 0.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from datetime import datetime
from typing import TYPE_CHECKING

from assistant.cli.columns import columns, left, right
from assistant.core.base.i18n import tr

if TYPE_CHECKING:
    from assistant.core.storage.usage import UsageReport

EXIT_FAILED = 1


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from assistant.core.providers.prices import user_prices_path

    usage = subparsers.add_parser(
        "usage",
        help="tokens and cost of past runs per day, week, month, model or provider",
        description=(
            "Tokens and cost of past runs. Prices: the shipped table, overridden by "
            f"{user_prices_path()} (same format as assistant/resources/prices.toml)."
        ),
    )
    usage.add_argument(
        "--since",
        type=_date,
        metavar="DATE",
        help="only runs from this day on (YYYY-MM-DD, local time); default: all",
    )
    usage.add_argument(
        "--by",
        choices=("day", "week", "month", "model", "provider"),
        default="day",
        help="how to group the runs (default: day)",
    )
    usage.add_argument("--format", choices=("table", "csv"), default="table")
    usage.set_defaults(handler=show_usage)


def show_usage(args: argparse.Namespace) -> int:
    from assistant.core.providers.prices import load_prices
    from assistant.core.storage.history import HistoryStore
    from assistant.core.storage.usage import usage_csv, usage_report

    store = HistoryStore.open()
    with contextlib.closing(store):
        if store.in_memory:
            print(f"assistant: usage: {store.problem or 'history unavailable'}", file=sys.stderr)
            return EXIT_FAILED
        report = usage_report(store, args.by, args.since)
    problem = load_prices().problem
    if problem:
        print(f"assistant: {problem}", file=sys.stderr)
    if args.format == "csv":
        sys.stdout.write(usage_csv(report))
        return 0
    if not report.rows and args.since is not None:  # runs exist, just none that recent
        day = args.since.strftime("%Y-%m-%d")
        sys.stdout.write(tr("No runs since {day}.").format(day=day) + "\n")
        return 0
    sys.stdout.write(usage_table(report))
    return 0


def usage_table(report: UsageReport) -> str:
    """The report as an aligned text table with a total line."""
    from assistant.core.storage.usage import cost_text

    heading = {
        "day": tr("Day"),
        "week": tr("Week of"),
        "month": tr("Month"),
        "provider": tr("Provider"),
        "model": tr("Model · provider"),
    }[report.group]
    header = (heading, tr("Runs"), tr("Prompt"), tr("Cached"), tr("Completion"), tr("Cost"))
    table = [header]
    for line in report.lines():
        table.append(
            (
                line.label,
                f"{line.runs:,}",
                f"{line.prompt_tokens:,}",
                f"{line.cached_tokens:,}",
                f"{line.completion_tokens:,}",
                cost_text(line.costs, line.unknown_runs),
            )
        )
    prompt, cached, completion = report.tokens()
    table.append(
        (
            tr("Total"),
            f"{report.runs:,}",
            f"{prompt:,}",
            f"{cached:,}",
            f"{completion:,}",
            cost_text(report.totals(), report.unknown_runs),
        )
    )
    if not report.rows:
        return tr("No runs recorded yet.") + "\n"
    widths = [max(columns(cells[i]) for cells in table) for i in range(len(header))]
    out = []
    for number, row in enumerate(table):
        if number == len(table) - 1:
            out.append("  ".join("-" * width for width in widths))
        padded = [left(row[0], widths[0])] + [
            right(c, w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        out.append("  ".join(padded).rstrip())
    return "\n".join(out) + "\n"


def _date(text: str) -> datetime:
    try:
        day = datetime.strptime(text.strip(), "%Y-%m-%d")
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None
    return day.astimezone()  # local midnight
