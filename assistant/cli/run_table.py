"""`assistant run MODE --format csv|jsonl`: the answer of a table mode (sentiment, classify) as
CSV or JSON lines, read tolerantly by :mod:`assistant.core.text.table_answers`.

What could not be read as a row is never dropped: it goes to stderr with a note (and the exit code
is 1 when the answer ended inside a row, or had no row at all).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.core.prompts.modes import Mode

FORMATS = ("csv", "jsonl")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The option of `run` for table modes."""
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help="sentiment, classify: print the table as CSV (with a header row) or as JSON lines "
        "instead of the model's answer",
    )


def usage_problem(args: argparse.Namespace, mode: Mode) -> str:
    """Why ``--format`` does not fit ``mode`` ('' when it does)."""
    if args.format and mode.output != "table":
        tables = "sentiment and classify"
        return f"mode {mode.id} does not answer with a table; --format works with {tables}"
    if args.format and (args.diff or args.apply):
        return "--format cannot be used with --diff or --apply"
    if args.format and ((args.n or 1) > 1 or args.compare):
        return "--format prints one answer's table; leave out --n and --compare"
    return ""


def finish(args: argparse.Namespace, mode: Mode, run: Any, resolver: Any) -> int:
    """Run quietly, then print the rows in the chosen format; the exit code as `run` defines it."""
    import io

    from assistant.cli.run import EXIT_FAILED, _exit_code, _say, stream_answer
    from assistant.core.text.table_answers import input_texts, parse_table, to_csv, to_jsonl

    done = stream_answer(run, resolver, io.StringIO())
    code = _exit_code(done, run.request.params.max_tokens)
    answer = done.answers[0] if done.answers else ""
    inputs = input_texts(str(run.request.fields.get(mode.main_field) or ""))
    table = parse_table(answer, mode.columns, inputs)
    write = to_csv if args.format == "csv" else to_jsonl
    if table.rows:
        sys.stdout.write(write(mode.columns, table.rows))
        sys.stdout.flush()
    if table.leftover:
        what = "the end of the answer (cut inside a row)" if table.partial else "this"
        _say(f"could not read {what} as table rows; here it is as the model wrote it:")
        print(table.leftover, file=sys.stderr)
    if table.missing:
        _say(f"{table.missing} of the {len(inputs)} texts got no row.")
    if not code and (table.partial or (answer.strip() and not table.rows)):
        return EXIT_FAILED
    return code
