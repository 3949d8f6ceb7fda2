"""`assistant history list|search|show|export`: the history from a terminal.

Listing prints one record per line (id, local date, mode, status, a star, title); `show` prints a
record as plain text; `export` writes Markdown, HTML or text to stdout or a file.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.cli.columns import left

if TYPE_CHECKING:
    from assistant.core.storage.history import HistoryStore, Record

EXIT_FAILED = 1


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    history = subparsers.add_parser(
        "history", help="list, search, show and export past generations"
    )
    history.set_defaults(handler=lambda args: _usage(history))
    commands = history.add_subparsers(dest="history_command", metavar="ACTION")

    listing = commands.add_parser("list", help="newest first")
    listing.add_argument("--limit", type=_positive, default=50, metavar="N")
    listing.add_argument("--mode", metavar="MODE", help="only this mode")
    listing.add_argument("--starred", action="store_true", help="only starred records")
    listing.set_defaults(handler=list_records)

    search = commands.add_parser("search", help="full-text search in inputs and answers")
    search.add_argument("text", help="words to find (all of them)")
    search.add_argument("--mode", metavar="MODE", help="only this mode")
    search.add_argument("--limit", type=_positive, default=50, metavar="N")
    search.set_defaults(handler=search_records)

    show = commands.add_parser(
        "show", help="print one record as text, with its versions (--version K: only that one)"
    )
    show.add_argument("id", type=int)
    show.add_argument(
        "--version", type=int, metavar="K", dest="version", help="print only version K's text"
    )
    show.set_defaults(handler=show_record)

    export = commands.add_parser("export", help="export records as Markdown, HTML or text")
    export.add_argument("ids", type=int, nargs="+", metavar="ID")
    export.add_argument("--format", choices=("md", "html", "txt"), default="md")
    export.add_argument("-o", "--output", type=Path, metavar="FILE", help="default: stdout")
    export.set_defaults(handler=export_records)


def list_records(args: argparse.Namespace) -> int:
    starred = True if args.starred else None
    records = _query(
        lambda store: store.list_records(limit=args.limit, mode=args.mode, starred=starred)
    )
    if records is None:
        return EXIT_FAILED
    _print_lines(records)
    return 0


def search_records(args: argparse.Namespace) -> int:
    records = _query(lambda store: store.search(args.text, mode=args.mode, limit=args.limit))
    if records is None:
        return EXIT_FAILED
    _print_lines(records)
    return 0


def show_record(args: argparse.Namespace) -> int:
    from assistant.cli.history_versions import print_version, version_lines
    from assistant.core.storage.export import to_text

    records = _load([args.id])
    if records is None:
        return EXIT_FAILED
    record = records[0]
    if args.version is not None:
        return print_version(record, args.version, _error)
    sys.stdout.write(to_text(records))
    sys.stdout.write("".join(line + "\n" for line in version_lines(record)))
    return 0


def export_records(args: argparse.Namespace) -> int:
    from assistant.core.storage.export import render

    records = _load(args.ids)
    if records is None:
        return EXIT_FAILED
    document = render(records, args.format)
    if args.output is None:
        sys.stdout.write(document)
        return 0
    try:
        args.output.write_text(document, encoding="utf-8")
    except OSError as exc:
        _error(f"cannot write {args.output}: {exc.strerror or exc}")
        return EXIT_FAILED
    return 0


# --- helpers ------------------------------------------------------------------------------------


def _query(read: Callable[[HistoryStore], list[Record]]) -> list[Record] | None:
    """Run ``read`` on the on-disk store; None (after one stderr line) if that is impossible."""
    from assistant.core.storage.history import HistoryError, HistoryStore

    store = HistoryStore.open()
    with contextlib.closing(store):
        if store.in_memory:  # nothing to read: say why
            _error(store.problem or "history unavailable")
            return None
        if store.problem:
            _error(store.problem)
        try:
            store.mark_interrupted()  # safe: records of live processes are left alone
            return read(store)
        except HistoryError as exc:
            _error(str(exc))
            return None


def _load(ids: list[int]) -> list[Record] | None:
    """The records with these ids, in order; None (after one stderr line) if any is missing."""
    found: dict[int, Record] = {}

    def read(store: HistoryStore) -> list[Record]:
        from assistant.core.storage.threads import ThreadStore

        for record_id in ids:
            record = store.get(record_id)
            if record is not None:
                found[record_id] = ThreadStore(store).attach(record)
        return list(found.values())

    if _query(read) is None:
        return None
    missing = [str(record_id) for record_id in ids if record_id not in found]
    if missing:
        _error(f"no record with id {', '.join(missing)} (see: assistant history list)")
        return None
    return [found[record_id] for record_id in ids]


def _print_lines(records: list[Record]) -> None:
    for record in records:
        date = record.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
        star = "* " if record.starred else ""
        title = record.title.replace("\n", " ")
        print(f"{record.id:>5}  {date}  {left(record.mode, 14)} {record.status:<11} {star}{title}")


def _positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be a positive number")
    return value


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _error(message: str) -> None:
    print(f"assistant: history: {message}", file=sys.stderr)
