"""The versions of a history record in `assistant history show ID [--version K]`."""

from __future__ import annotations

import sys
from collections.abc import Callable

from assistant.core.storage.records import Record

EXIT_FAILED = 1


def version_lines(record: Record) -> list[str]:
    """One line per version: a star on the current one, its number, status and what made it."""
    thread = record.thread
    if thread is None:
        return []
    lines = ["", f"Versions (current: {thread.current} of {len(thread.versions)}):"]
    for version in thread.versions:
        turn = thread.turn(version.turn)
        if turn.number == 0:
            made = "the original request"
        else:
            instruction = " ".join(turn.instruction.split())
            short = instruction if len(instruction) <= 60 else instruction[:59] + "…"
            what = {"selection": "refined a selection", "question": "asked"}.get(turn.kind)
            made = f"{what or 'follow-up'}: {short}"
        mark = "*" if version.number == thread.current else " "
        lines.append(f"{mark} {version.number:>3}  {version.status:<11} {made}")
    return lines


def print_version(record: Record, number: int, error: Callable[[str], None]) -> int:
    """Write version ``number``'s text to stdout (exit 0), or say that it does not exist."""
    thread = record.thread
    known = [] if thread is None else [v.number for v in thread.versions]
    if thread is None or number not in known:
        error(f"record {record.id} has no version {number} (versions: 1 to {max(known or [1])})")
        return EXIT_FAILED
    version = thread.version(number)
    text = version.text
    if not text.strip():  # a failed version: say so rather than print nothing and succeed
        why = " ".join(f"{version.status}: {version.error or ''}".split()).rstrip(":")
        error(f"version {number} of record {record.id} has no text ({why})")
        return EXIT_FAILED
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0
