"""`assistant run MODE --diff / --file PATH / --apply`: an answer that is a new version of the
input (code-fix, code-optimize, rewrite: modes with ``answer_replaces``) as a unified diff.

``--file PATH`` reads the mode's main text from PATH instead of stdin. ``--diff`` prints a unified
diff (``--- a/PATH`` / ``+++ b/PATH``, ``<stdin>`` without ``--file``) that ``patch`` applies
instead of the answer. ``--apply`` (needs ``--file``) also writes the new version to PATH and keeps
the original as ``PATH.orig``. It refuses, with one line on stderr and exit 1, an answer that was
cut short or stopped at the --max-tokens limit (its code is unfinished), and one that would delete
more than half of the input's lines unless ``--force``. What the answer proposes is the window's
(:func:`assistant.core.work.replacing.proposal`: the fenced block in the input's language, the
whole text of a prose answer, the input's line endings), the diff :mod:`assistant.core.text.diffs`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.core.prompts.modes import Mode

STDIN_NAME = "<stdin>"
EXIT_REFUSED = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `run` for answers that replace the input."""
    parser.add_argument(
        "--file",
        metavar="PATH",
        help="read the main text from PATH instead of stdin (and name it in --diff)",
    )
    parser.add_argument(
        "--diff",
        action="store_true",
        help="code-fix, code-optimize, rewrite: print the answer as a unified diff against the "
        "input (patch applies it) instead of the answer",
    )
    parser.add_argument(
        "--apply",
        action="store_true",
        help="with --file: write the answer's version to PATH, keeping the original as "
        "PATH.orig (refused when the answer is unfinished, or when it deletes more than half "
        "of the lines unless --force); prints the diff",
    )


def usage_problem(args: argparse.Namespace, mode: Mode) -> str:
    """Why these options do not fit ``mode`` ('' when they do)."""
    if not (args.diff or args.apply):
        return ""
    if mode.answer_replaces is None:
        return (
            f"mode {mode.id} does not answer with a new version of its input; "
            "--diff and --apply work with code-fix, code-optimize and rewrite"
        )
    if args.apply and not args.file:
        return "--apply needs --file PATH (the file to write the fix to)"
    if (args.n or 1) > 1 or args.compare:
        return "--diff and --apply take one answer; leave out --n and --compare"
    return ""


def read_input(args: argparse.Namespace) -> str:
    """The text of ``--file``; ValueError with a sentence to show when it cannot be read (or,
    for ``--apply``, when it is not UTF-8: writing it back would change bytes it does not show)."""
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read {args.file}: {exc.strerror or exc}") from exc
    if not args.apply:
        return data.decode("utf-8", errors="surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"cannot --apply to {args.file}: it is not UTF-8 text (byte {exc.start})"
        ) from exc


def diff_name(path: str | None) -> str:
    """The input's name in the diff: ``<stdin>``, or PATH; an absolute PATH inside the current
    folder is named relative to it, so that `patch -p1` applies the diff from here."""
    if not path:
        return STDIN_NAME
    if os.path.isabs(path):
        relative = os.path.relpath(path)
        if not relative.startswith(os.pardir):
            return relative
    return path


def wants_diff(args: argparse.Namespace) -> bool:
    return bool(args.diff or args.apply)


def finish(args: argparse.Namespace, mode: Mode, run: Any, resolver: Any) -> int:
    """Run quietly, then print the diff (and apply it); the exit code as `run` defines it."""
    import io

    from assistant.cli.run import _exit_code, _say, stream_answer
    from assistant.core.text.diffs import deleted_line_share, line_count, unified_diff
    from assistant.core.work.finish import hit_max_tokens
    from assistant.core.work.replacing import deletes_too_much, proposal
    from assistant.core.work.status import RunStatus

    done = stream_answer(run, resolver, io.StringIO())
    code = _exit_code(done, run.request.params.max_tokens)
    refused = "not applied" if args.apply else "no diff"
    if done.status != RunStatus.COMPLETE or code:
        _say(f"{refused}: the answer is not finished, so its code may be incomplete.")
        return code or EXIT_REFUSED
    if hit_max_tokens(done.finish_reasons[:1]):
        _say(f"{refused}: the answer is unfinished; raise --max-tokens and run again.")
        return EXIT_REFUSED
    found = proposal(mode, run.request.fields, done.answers[0] if done.answers else "")
    assert found is not None  # usage_problem() let only modes with answer_replaces through
    old, new = found.original, found.proposed
    diff = unified_diff(old, new, diff_name(args.file))
    if not diff:
        _say("the answer makes no changes.")
        return 0
    sys.stdout.write(diff)
    sys.stdout.flush()
    if not args.apply:
        return 0
    if deletes_too_much(old, new) and not args.force:
        lines = line_count(old)
        share = deleted_line_share(old, new)
        _say(
            f"not applied: the answer would delete {round(share * lines)} of the {lines} lines "
            f"of {args.file} (more than half). Check the diff above; --force applies it anyway."
        )
        return EXIT_REFUSED
    return _write(args.file, new)


def _write(path: str, text: str) -> int:
    """Keep ``path`` as ``path.orig`` and write ``text`` in its place (atomically)."""
    import shutil
    import tempfile

    from assistant.cli.run import _say

    target = Path(path)
    backup = target.with_name(target.name + ".orig")
    try:
        shutil.copy2(target, backup)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                stream.write(text)
            shutil.copymode(target, temporary)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        _say(f"not applied: cannot write {path}: {exc.strerror or exc}")
        return EXIT_REFUSED
    _say(f"applied to {path}; the original is in {backup}")
    return 0
